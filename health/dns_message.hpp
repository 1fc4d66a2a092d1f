// dns_message.hpp -- the DNS probe's wire work: build the question, judge the answer, name codes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "health/probe_result.hpp"

namespace health {

struct Check;

/// `qname` in wire format (RFC 1035 3.1), relative names taken as absolute; nullopt when a label
/// is empty or longer than 63 octets, or the name longer than 255. No escapes (`\.`) are needed
/// for the host names health checks ask about.
[[nodiscard]] std::optional<std::vector<uint8_t>> encode_qname(std::string_view qname);

/// The query a dns check sends: one question, ID 0 (c-ares assigns a fresh one per send), RD from
/// `check.recursion`, no EDNS. Empty when `check.qname` is invalid (validate() reports it).
[[nodiscard]] std::vector<uint8_t> build_dns_query(const Check& check);

/// Judges a response against the check: rcode, then ANCOUNT when `require_answer`.
/// Returns dns_ok, dns_rcode, dns_empty or dns_malformed. Pure; no allocation.
[[nodiscard]] ProbeResult evaluate_dns(const Check& check, std::span<const uint8_t> response) noexcept;

/// "NOERROR", "SERVFAIL", "REFUSED", ... (RFC 6895 2.3); "RCODE12" for unnamed codes.
[[nodiscard]] std::string rcode_name(unsigned rcode);
/// Inverse of rcode_name() for the names of codes 0-10 (case-insensitive), and plain numbers.
[[nodiscard]] std::optional<uint8_t> parse_rcode(std::string_view text) noexcept;
/// Common type mnemonics (A, NS, CNAME, SOA, PTR, MX, TXT, AAAA, SRV, CAA, ANY, ...), "TYPE65"
/// (RFC 3597 5), case-insensitive; nullopt otherwise. For the loader filling Check::qtype.
[[nodiscard]] std::optional<uint16_t> parse_qtype(std::string_view text) noexcept;

}  // namespace health
