// http_probe.hpp -- the HTTP probe's protocol work: the GET request and judging the response bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "health/probe_result.hpp"

namespace health {

struct Address;
struct Check;

/// The request an http check sends to `address`: `GET path HTTP/1.1`, Host (the check's, or the
/// address with ":port" unless 80, RFC 9112 3.2), `Connection: close` so the backend ends the
/// exchange. Built once per target, not per probe.
[[nodiscard]] std::string build_http_request(const Check& check, const Address& address);

/// Judges the bytes received so far (`eof`: the backend closed). nullopt: need more bytes.
/// Otherwise http_ok, http_status, http_malformed, body_mismatch, closed or too_large.
///
/// Without `check.body` the verdict comes as soon as the status line is complete, so a backend
/// that keeps the connection open anyway cannot turn a good status into a timeout. With it, the
/// body is searched until the text is found, Content-Length bytes or `response_limit` bytes have
/// arrived, or the backend closed. Chunked bodies are searched as received (chunk-size lines
/// included), which finds any text not split across chunks. Pure; no allocation.
[[nodiscard]] std::optional<ProbeResult> evaluate_http(const Check& check, std::string_view received,
                                                       bool eof) noexcept;

}  // namespace health
