// check.cpp -- Check validation, identity key and duration formatting.
#include "health/check.hpp"

#include <charconv>
#include <string>

#include "health/dns_message.hpp"

namespace health {

namespace {

// HTTP statuses are three digits (RFC 9110 15); 1xx are interim and never a final answer.
constexpr unsigned kMinStatus = 100;
constexpr unsigned kMaxStatus = 599;
// Below this a status line plus a few headers do not fit; above it a health endpoint is no longer
// one (and the prober keeps one buffer of this size per probe in flight).
constexpr uint32_t kMinResponseLimit = 256;
constexpr uint32_t kMaxResponseLimit = 16u * 1024 * 1024;
constexpr double kMaxJitter = 0.5;

bool is_token_text(std::string_view s) {
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) return false;  // no spaces or controls: they would split the request
    }
    return true;
}

void append_field(std::string& out, std::string_view s) {
    out += std::to_string(s.size());
    out += ':';
    out += s;
    out += '|';
}

void append_number(std::string& out, long long v) {
    out += std::to_string(v);
    out += '|';
}

}  // namespace

std::string_view to_string(CheckType type) noexcept {
    switch (type) {
        case CheckType::tcp: return "tcp";
        case CheckType::http: return "http";
        case CheckType::dns: return "dns";
    }
    return "?";
}

std::optional<CheckType> parse_check_type(std::string_view text) noexcept {
    if (text == "tcp") return CheckType::tcp;
    if (text == "http") return CheckType::http;
    if (text == "dns") return CheckType::dns;
    return std::nullopt;
}

uint16_t Check::default_port(CheckType type) noexcept {
    switch (type) {
        case CheckType::http: return 80;
        case CheckType::dns: return 53;
        case CheckType::tcp: return 0;
    }
    return 0;
}

std::string format_duration(std::chrono::milliseconds d) {
    const auto ms = d.count();
    if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    if (ms > 1000) {
        // 1.5s rather than 1500ms: operators compare it with the interval written in seconds.
        std::string s = std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1);
        while (s.back() == '0') s.pop_back();
        return s + "s";
    }
    return std::to_string(ms) + "ms";
}

bool Check::expects_status(unsigned status) const noexcept {
    for (const auto& r : expect) {
        if (status >= r.first && status <= r.last) return true;
    }
    return false;
}

std::vector<CheckProblem> Check::problems() const {
    std::vector<CheckProblem> out;
    auto add = [&](std::string_view field, std::string message) {
        out.push_back({field, std::move(message)});
    };

    if (port == 0) add("port", "port is required (1-65535)");
    if (interval.count() <= 0) {
        add("interval", "interval must be positive, not " + format_duration(interval));
    }
    if (timeout.count() <= 0) {
        add("timeout", "timeout must be positive, not " + format_duration(timeout));
    } else if (interval.count() > 0 && timeout > interval) {
        // A probe still running when the next is due would overlap it and delay every verdict.
        add("timeout", "timeout " + format_duration(timeout) + " is longer than the interval " +
                           format_duration(interval));
    }
    if (fall == 0) add("fall", "fall must be at least 1");
    if (rise == 0) add("rise", "rise must be at least 1");
    if (!(jitter >= 0.0 && jitter <= kMaxJitter)) {  // also rejects NaN
        add("jitter", "jitter must be between 0 and 0.5 (a fraction of the interval)");
    }

    switch (type) {
        case CheckType::tcp: break;
        case CheckType::http:
            if (path.empty() || path.front() != '/') {
                add("path", "path must start with '/', got \"" + path + "\"");
            } else if (!is_token_text(path)) {
                add("path", "path must not contain spaces or control characters");
            }
            if (!is_token_text(host)) add("host", "host must not contain spaces or control characters");
            if (expect.empty()) add("expect", "expect must list at least one status");
            for (const auto& r : expect) {
                if (r.first < kMinStatus || r.last > kMaxStatus || r.first > r.last) {
                    add("expect", "expect: " + std::to_string(r.first) +
                                      (r.first == r.last ? "" : "-" + std::to_string(r.last)) +
                                      " is not a status (or range of statuses) between 100 and 599");
                }
            }
            if (response_limit < kMinResponseLimit || response_limit > kMaxResponseLimit) {
                add("response_limit", "response_limit must be between 256 and 16777216 bytes");
            } else if (body.size() >= response_limit) {
                add("body", "body text is longer than response_limit");
            }
            break;
        case CheckType::dns:
            if (qname.empty()) {
                add("qname", "qname is required for a dns check");
            } else if (!encode_qname(qname)) {
                add("qname", "qname \"" + qname + "\" is not a valid domain name");
            }
            if (qtype == 0) add("qtype", "qtype must not be 0");
            if (rcode > 15) add("rcode", "rcode must be between 0 and 15");
            break;
    }
    return out;
}

std::vector<std::string> Check::validate() const {
    std::vector<std::string> out;
    for (auto& p : problems()) out.push_back(std::move(p.message));
    return out;
}

std::string Check::key() const {
    std::string k;
    k.reserve(64 + path.size() + host.size() + body.size() + qname.size());
    append_field(k, to_string(type));
    append_number(k, port);
    append_number(k, interval.count());
    append_number(k, timeout.count());
    append_number(k, fall);
    append_number(k, rise);
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, jitter);  // shortest round-trip form
    append_field(k, ec == std::errc{} ? std::string_view(buf, static_cast<size_t>(end - buf)) : "?");
    switch (type) {
        case CheckType::tcp: break;
        case CheckType::http:
            append_field(k, path);
            append_field(k, host);
            append_number(k, static_cast<long long>(expect.size()));
            for (const auto& r : expect) {
                append_number(k, r.first);
                append_number(k, r.last);
            }
            append_field(k, body);
            append_number(k, response_limit);
            break;
        case CheckType::dns:
            append_field(k, qname);
            append_number(k, qtype);
            append_number(k, rcode);
            append_number(k, require_answer ? 1 : 0);
            append_number(k, recursion ? 1 : 0);
            break;
    }
    return k;
}

}  // namespace health
