// http_probe.cpp -- HTTP/1.1 health request construction and response judgement (no sockets).
#include "health/http_probe.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "health/address.hpp"
#include "health/check.hpp"

namespace health {

namespace {

constexpr uint16_t kDefaultHttpPort = 80;

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

// RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ].
// Returns the status, or 0 when the line is not one. Lenient on a missing reason phrase.
unsigned parse_status_line(std::string_view line) noexcept {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() < 12 || line.substr(0, 5) != "HTTP/" || !is_digit(line[5]) || line[6] != '.' ||
        !is_digit(line[7]) || line[8] != ' ' || !is_digit(line[9]) || !is_digit(line[10]) ||
        !is_digit(line[11]) || (line.size() > 12 && line[12] != ' ')) {
        return 0;
    }
    return static_cast<unsigned>((line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0'));
}

// Content-Length from the header block (status line excluded), if present and well-formed.
std::optional<size_t> content_length(std::string_view headers) noexcept {
    constexpr std::string_view kName = "content-length:";
    while (!headers.empty()) {
        const size_t eol = headers.find('\n');
        std::string_view line = headers.substr(0, eol);
        headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 1);
        if (!istarts_with(line, kName)) continue;
        line.remove_prefix(kName.size());
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        size_t v = 0;
        auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), v);
        if (ec == std::errc{} && p != line.data()) return v;
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

std::string build_http_request(const Check& check, const Address& address) {
    std::string host = check.host;
    if (host.empty()) {
        host = check.port == kDefaultHttpPort
                   ? (address.family == Address::Family::v6 ? "[" + address.to_string() + "]"
                                                            : address.to_string())
                   : address.to_string(check.port);
    }
    std::string req;
    req.reserve(96 + check.path.size() + host.size());
    req += "GET ";
    req += check.path;
    req += " HTTP/1.1\r\nHost: ";
    req += host;
    req += "\r\nUser-Agent: dnsd-health\r\nAccept: */*\r\nConnection: close\r\n\r\n";
    return req;
}

std::optional<ProbeResult> evaluate_http(const Check& check, std::string_view received,
                                         bool eof) noexcept {
    const size_t limit = check.response_limit;
    const bool full = received.size() >= limit;
    auto verdict = [](Outcome o, int32_t detail = 0) {
        return std::optional<ProbeResult>(ProbeResult{o, Phase::none, detail});
    };

    const size_t eol = received.find('\n');
    if (eol == std::string_view::npos) {
        // Reject a wrong protocol as soon as its first bytes show it, rather than at the timeout.
        constexpr std::string_view kProto = "HTTP/";
        const size_t n = std::min(received.size(), kProto.size());
        if (received.substr(0, n) != kProto.substr(0, n)) return verdict(Outcome::http_malformed);
        if (eof) return verdict(Outcome::closed);
        if (full) return verdict(Outcome::too_large, static_cast<int32_t>(limit));
        return std::nullopt;
    }
    const unsigned status = parse_status_line(received.substr(0, eol));
    if (status == 0) return verdict(Outcome::http_malformed);
    const auto code = static_cast<int32_t>(status);
    if (!check.expects_status(status)) return verdict(Outcome::http_status, code);
    if (check.body.empty()) return verdict(Outcome::http_ok, code);

    // The blank line ends the headers (RFC 9112 2.1); accept a bare LF as recipients may (2.2).
    size_t body_at = received.find("\r\n\r\n", eol - (eol > 0 ? 1 : 0));
    size_t sep = 4;
    if (body_at == std::string_view::npos) {
        body_at = received.find("\n\n", eol);
        sep = 2;
    }
    if (body_at == std::string_view::npos) {
        if (eof) return verdict(Outcome::closed);
        if (full) return verdict(Outcome::too_large, static_cast<int32_t>(limit));
        return std::nullopt;
    }
    const std::string_view body = received.substr(body_at + sep);
    if (body.find(check.body) != std::string_view::npos) return verdict(Outcome::http_ok, code);
    const auto length = content_length(received.substr(eol + 1, body_at - eol));
    if (eof || full || (length && body.size() >= *length)) {
        return verdict(Outcome::body_mismatch, code);
    }
    return std::nullopt;
}

}  // namespace health
