// probe_result.hpp -- ProbeResult: what one probe found, compact enough to store per target.
#pragma once

#include <cstdint>
#include <string>

namespace health {

/// What a probe found. The first group counts as up, the second as down; `none` and `local_error`
/// are no verdict on the backend and are not fed to the StateMachine.
enum class Outcome : uint8_t {
    none,           ///< no probe has finished yet
    local_error,    ///< this host could not run the probe (detail: errno, e.g. EMFILE)
    // up
    connected,      ///< tcp: the connection was accepted
    http_ok,        ///< http: detail = status, in `expect` (and body text found if asked)
    dns_ok,         ///< dns: detail = rcode, as expected
    // down
    refused,        ///< connection refused (RST), or ICMP port unreachable for DNS
    reset,          ///< the backend reset the connection
    closed,         ///< the backend closed before a complete answer
    timeout,        ///< detail = timeout in ms; `phase` says what was awaited
    unreachable,    ///< no route to the backend (detail: errno)
    socket_error,   ///< another socket error (detail: errno)
    http_status,    ///< detail = status, not in `expect`
    http_malformed, ///< not an HTTP/1.x status line
    body_mismatch,  ///< the body did not contain the expected text
    too_large,      ///< status line or headers did not fit in response_limit (detail: bytes)
    dns_rcode,      ///< detail = rcode, not the expected one
    dns_empty,      ///< expected rcode but ANCOUNT 0 with require_answer
    dns_malformed,  ///< response shorter than a header or without QR
    dns_error,      ///< the DNS client failed otherwise (detail: client status code)
};

/// What a timed-out probe was waiting for.
enum class Phase : uint8_t { none, connect, request, response };

/// The result of one probe: an Outcome plus one number of detail. Trivially copyable, so the
/// prober stores it per target without allocating; describe() makes the text on demand.
struct ProbeResult {
    Outcome outcome = Outcome::none;
    Phase phase = Phase::none;
    int32_t detail = 0;

    /// True for connected, http_ok and dns_ok.
    [[nodiscard]] bool is_ok() const noexcept;
    /// False for none and local_error: results that say nothing about the backend.
    [[nodiscard]] bool is_verdict() const noexcept;
    /// Text for logs and status: "connected", "connection refused", "timeout after 1s (connecting)",
    /// "status 503", "rcode REFUSED", "body does not contain the expected text", ...
    [[nodiscard]] std::string describe() const;

    bool operator==(const ProbeResult&) const = default;
};

}  // namespace health
