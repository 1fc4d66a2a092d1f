// check.hpp -- Check: the parameters of one `[checks.NAME]` table, their validation and identity key.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace health {

/// What a probe does: connect (tcp), GET a URL (http) or ask a DNS question (dns).
enum class CheckType : uint8_t { tcp, http, dns };

/// "tcp", "http" or "dns".
[[nodiscard]] std::string_view to_string(CheckType type) noexcept;
/// Inverse of to_string(); nullopt for any other text (the loader reports it at the key's line:col).
[[nodiscard]] std::optional<CheckType> parse_check_type(std::string_view text) noexcept;

/// An inclusive range of HTTP status codes; `expect = [200, 204]` is {200,200},{204,204}.
struct StatusRange {
    uint16_t first = 200;
    uint16_t last = 200;
    bool operator==(const StatusRange&) const = default;
};

/// One problem found by Check::problems(): `field` is the TOML key to point the error at.
struct CheckProblem {
    std::string_view field;  ///< "interval", "timeout", "port", "path", ... (static storage)
    std::string message;     ///< full sentence, starting with the field name
};

/// The parameters of one health check, as the zones loader fills them from `[checks.NAME]`.
///
/// A plain value: no behaviour beyond validation and key(); safe to share read-only between threads.
/// Defaults follow issue 3: interval 2 s, timeout 1 s, fall 2, rise 2. Fields of other types are
/// ignored (a tcp check has no path), so the loader must reject keys that do not fit the type.
struct Check {
    /// Default port when the table has none: 80 for http, 53 for dns, 0 (= required) for tcp.
    [[nodiscard]] static uint16_t default_port(CheckType type) noexcept;

    std::string name;  ///< the NAME of `[checks.NAME]`; used in logs only, not part of key()
    CheckType type = CheckType::tcp;
    uint16_t port = 0;  ///< port on every member; 0 is invalid (see default_port())

    /// Time between the starts of two probes of one target. Jitter only ever shortens it, so
    /// a dead member is marked down within `interval * fall + timeout`.
    std::chrono::milliseconds interval{2000};
    /// A probe that has not finished after this long fails ("timeout after 1s"); at most interval.
    std::chrono::milliseconds timeout{1000};
    uint32_t fall = 2;  ///< consecutive failures before an up member is marked down
    uint32_t rise = 2;  ///< consecutive successes before a down member is marked up again
    /// Each interval is shortened by a random fraction in [0, jitter) so that targets loaded at
    /// the same moment drift apart instead of probing in bursts. Valid range [0, 0.5].
    double jitter = 0.1;

    // --- http ---
    /// Request target of the GET (origin-form, RFC 9112 3.2.1): starts with '/', no spaces or controls.
    std::string path = "/";
    /// Host header; empty means the member's address (with ":port" unless port is 80).
    std::string host;
    /// Statuses that count as up. Default 200-399, like Route 53 and HAProxy: a redirect still
    /// proves the server answers. DESIGN.md's `expect = [200, 204]` narrows it.
    std::vector<StatusRange> expect{{200, 399}};
    /// When non-empty, the response body must contain this text (case-sensitive) within
    /// `response_limit` bytes of the start of the response.
    std::string body;
    /// Most bytes read from one response (status line + headers + body). A response that has not
    /// proved itself (status line, headers, body text) within it fails.
    uint32_t response_limit = 64 * 1024;

    // --- dns ---
    std::string qname;  ///< question name, e.g. "example.com." (trailing dot optional); required
    uint16_t qtype = 1;  ///< question type number (1 = A); dns_message.hpp parses names like "SOA"
    uint8_t rcode = 0;   ///< expected response code (0 = NOERROR)
    bool require_answer = false;  ///< also require ANCOUNT > 0
    /// Set RD in the query: true for a recursive resolver backend, false (default) for an
    /// authoritative one, which might otherwise answer REFUSED.
    bool recursion = false;

    /// Every problem with these parameters, empty when valid. Messages carry no location: the
    /// loader prefixes file:line:col of `field`.
    [[nodiscard]] std::vector<CheckProblem> problems() const;
    /// problems() as plain messages.
    [[nodiscard]] std::vector<std::string> validate() const;
    /// Identity of the probe: equal keys mean identical probes, so one probe per (key, address)
    /// serves every name that uses it, and state carries over a reload. Covers every field except
    /// `name` and fields the type ignores. Unambiguous (strings are length-prefixed).
    [[nodiscard]] std::string key() const;
    /// True when `status` falls in one of the `expect` ranges.
    [[nodiscard]] bool expects_status(unsigned status) const noexcept;
};

/// "2s", "250ms", "1.5s": how durations appear in messages and status output.
[[nodiscard]] std::string format_duration(std::chrono::milliseconds d);

}  // namespace health
