// probe_result.cpp -- ProbeResult classification and the text operators read in logs and status.
#include "health/probe_result.hpp"

#include <ares.h>

#include <cctype>
#include <chrono>
#include <cstring>

#include "health/check.hpp"
#include "health/dns_message.hpp"

namespace health {

namespace {

std::string errno_text(int32_t err) {
    // strerror_r's GNU form returns a pointer that may or may not be the buffer.
    char buf[128];
    const char* s = strerror_r(err, buf, sizeof buf);
    std::string out = s;
    if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
    return out;
}

std::string_view phase_text(Phase phase) {
    switch (phase) {
        case Phase::connect: return " (connecting)";
        case Phase::request: return " (sending request)";
        case Phase::response: return " (waiting for response)";
        case Phase::none: break;
    }
    return "";
}

}  // namespace

bool ProbeResult::is_ok() const noexcept {
    return outcome == Outcome::connected || outcome == Outcome::http_ok || outcome == Outcome::dns_ok;
}

bool ProbeResult::is_verdict() const noexcept {
    return outcome != Outcome::none && outcome != Outcome::local_error;
}

std::string ProbeResult::describe() const {
    switch (outcome) {
        case Outcome::none: return "not probed yet";
        case Outcome::local_error: return "local error: " + errno_text(detail);
        case Outcome::connected: return "connected";
        case Outcome::http_ok:
        case Outcome::http_status: return "status " + std::to_string(detail);
        case Outcome::dns_ok:
        case Outcome::dns_rcode: return "rcode " + rcode_name(static_cast<unsigned>(detail));
        case Outcome::refused: return "connection refused";
        case Outcome::reset: return "connection reset";
        case Outcome::closed: return "connection closed before a complete response";
        case Outcome::timeout:
            return "timeout after " + format_duration(std::chrono::milliseconds(detail)) +
                   std::string(phase_text(phase));
        case Outcome::unreachable:
        case Outcome::socket_error: return errno_text(detail);
        case Outcome::http_malformed: return "malformed HTTP status line";
        case Outcome::body_mismatch: return "body does not contain the expected text";
        case Outcome::too_large:
            return "no complete status line and headers within " + std::to_string(detail) + " bytes";
        case Outcome::dns_empty: return "rcode " + rcode_name(static_cast<unsigned>(detail)) + " but no answer";
        case Outcome::dns_malformed: return "malformed DNS response";
        case Outcome::dns_error: return std::string("DNS client: ") + ares_strerror(detail);
    }
    return "unknown";
}

}  // namespace health
