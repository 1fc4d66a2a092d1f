// dns_message.cpp -- DNS probe query construction and response judgement (no sockets, no c-ares).
#include "health/dns_message.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cctype>
#include <utility>

#include "health/check.hpp"

namespace health {

namespace {

constexpr size_t kHeaderSize = 12;       // RFC 1035 4.1.1
constexpr size_t kMaxLabel = 63;         // RFC 1035 2.3.4
constexpr size_t kMaxWireName = 255;     // RFC 1035 2.3.4
constexpr uint8_t kFlagQr = 0x80;        // byte 2
constexpr uint8_t kFlagRd = 0x01;        // byte 2
constexpr uint16_t kClassIn = 1;

constexpr std::array<std::string_view, 11> kRcodeNames = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
    "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE"};

constexpr std::array<std::pair<std::string_view, uint16_t>, 20> kTypes = {{
    {"A", 1}, {"NS", 2}, {"CNAME", 5}, {"SOA", 6}, {"PTR", 12}, {"HINFO", 13}, {"MX", 15},
    {"TXT", 16}, {"AAAA", 28}, {"LOC", 29}, {"SRV", 33}, {"NAPTR", 35}, {"DS", 43},
    {"SSHFP", 44}, {"DNSKEY", 48}, {"TLSA", 52}, {"SVCB", 64}, {"HTTPS", 65}, {"CAA", 257},
    {"ANY", 255},
}};

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) ==
                      std::toupper(static_cast<unsigned char>(y));
           });
}

template <typename T>
std::optional<T> parse_number(std::string_view text, unsigned max) noexcept {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || p != text.data() + text.size() || v > max) return std::nullopt;
    return static_cast<T>(v);
}

}  // namespace

std::optional<std::vector<uint8_t>> encode_qname(std::string_view qname) {
    if (qname.empty()) return std::nullopt;
    std::vector<uint8_t> wire;
    wire.reserve(qname.size() + 2);
    if (qname != ".") {
        if (qname.back() == '.') qname.remove_suffix(1);
        while (true) {
            const size_t dot = qname.find('.');
            const std::string_view label = qname.substr(0, dot);
            if (label.empty() || label.size() > kMaxLabel) return std::nullopt;
            wire.push_back(static_cast<uint8_t>(label.size()));
            wire.insert(wire.end(), label.begin(), label.end());
            if (dot == std::string_view::npos) break;
            qname.remove_prefix(dot + 1);
        }
    }
    wire.push_back(0);
    if (wire.size() > kMaxWireName) return std::nullopt;
    return wire;
}

std::vector<uint8_t> build_dns_query(const Check& check) {
    auto name = encode_qname(check.qname);
    if (!name) return {};
    std::vector<uint8_t> q(kHeaderSize, 0);
    q[2] = check.recursion ? kFlagRd : 0;
    q[5] = 1;  // QDCOUNT = 1
    q.insert(q.end(), name->begin(), name->end());
    q.push_back(static_cast<uint8_t>(check.qtype >> 8));
    q.push_back(static_cast<uint8_t>(check.qtype & 0xff));
    q.push_back(0);
    q.push_back(kClassIn);
    return q;
}

ProbeResult evaluate_dns(const Check& check, std::span<const uint8_t> response) noexcept {
    if (response.size() < kHeaderSize || (response[2] & kFlagQr) == 0) {
        return {Outcome::dns_malformed};
    }
    const uint8_t rcode = response[3] & 0x0f;
    if (rcode != check.rcode) return {Outcome::dns_rcode, Phase::none, rcode};
    const unsigned ancount = (unsigned{response[6]} << 8) | response[7];
    if (check.require_answer && ancount == 0) return {Outcome::dns_empty, Phase::none, rcode};
    return {Outcome::dns_ok, Phase::none, rcode};
}

std::string rcode_name(unsigned rcode) {
    if (rcode < kRcodeNames.size()) return std::string(kRcodeNames[rcode]);
    return "RCODE" + std::to_string(rcode);
}

std::optional<uint8_t> parse_rcode(std::string_view text) noexcept {
    for (size_t i = 0; i < kRcodeNames.size(); ++i) {
        if (iequals(text, kRcodeNames[i])) return static_cast<uint8_t>(i);
    }
    return parse_number<uint8_t>(text, 15);
}

std::optional<uint16_t> parse_qtype(std::string_view text) noexcept {
    for (const auto& [name, code] : kTypes) {
        if (iequals(text, name)) return code;
    }
    if (text.size() > 4 && iequals(text.substr(0, 4), "TYPE")) {
        auto v = parse_number<uint16_t>(text.substr(4), 65535);
        if (v && *v != 0) return v;
    }
    return std::nullopt;
}

}  // namespace health
