// rdata.cpp -- presentation RDATA -> wire: hand-written fast paths, ldns for the other types.
#include "zones/rdata.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>

// ldns/common.h defines bool/true/false as macros unless <stdbool.h> came first (DESIGN.md).
#include <stdbool.h>
#include <ldns/ldns.h>

#include "zones/ascii.hpp"
#include "zones/name.hpp"
#include "zones/rrtype.hpp"

namespace zones {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
using ascii::is_digit;
using ascii::upper;
using ascii::iequals;

// Decimal digits only, no sign: "010" is 10, "-1" and "0x10" are errors (ldns would wrap them).
bool parse_uint(std::string_view s, uint32_t max, uint32_t* out) {
    if (s.empty() || s.size() > 10) return false;
    uint64_t v = 0;
    for (char c : s) {
        if (!is_digit(c)) return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (v > max) return false;
    *out = static_cast<uint32_t>(v);
    return true;
}

// inet_pton's dotted quad: four decimal octets, no leading zeros.
bool parse_ipv4(std::string_view s, uint8_t out[4]) {
    size_t i = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (i >= s.size() || s[i] != '.') return false;
            ++i;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < s.size() && is_digit(s[i]) && i - start < 3) v = v * 10 + static_cast<unsigned>(s[i++] - '0');
        size_t n = i - start;
        if (n == 0 || v > 255 || (n > 1 && s[start] == '0')) return false;
        out[part] = static_cast<uint8_t>(v);
    }
    return i == s.size();
}

bool parse_ipv6(std::string_view s, uint8_t out[16]) {
    char buf[64];
    if (s.empty() || s.size() >= sizeof buf) return false;
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    return inet_pton(AF_INET6, buf, out) == 1;
}

void put_u16(std::string* out, uint32_t v) {
    out->push_back(static_cast<char>((v >> 8) & 0xff));
    out->push_back(static_cast<char>(v & 0xff));
}

// Decodes the escapes of a character-string (\X and \DDD) and appends it with its length
// octet. False when it is longer than 255 octets or a \DDD is above 255.
bool append_character_string(std::string_view raw, std::string* out, std::string* error) {
    size_t len_at = out->size();
    out->push_back('\0');
    size_t n = 0;
    for (size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (c == '\\' && i + 1 < raw.size()) {
            if (is_digit(raw[i + 1])) {
                if (i + 3 >= raw.size() || !is_digit(raw[i + 2]) || !is_digit(raw[i + 3])) {
                    *error = "\\DDD escape needs three digits";
                    return false;
                }
                int v = (raw[i + 1] - '0') * 100 + (raw[i + 2] - '0') * 10 + (raw[i + 3] - '0');
                if (v > 255) {
                    *error = "\\DDD escape above 255";
                    return false;
                }
                c = static_cast<char>(v);
                i += 3;
            } else {
                c = raw[++i];
            }
        }
        out->push_back(c);
        ++n;
    }
    if (n > 255) {
        *error = "character-string longer than 255 octets (" + std::to_string(n) + ")";
        return false;
    }
    (*out)[len_at] = static_cast<char>(n);
    return true;
}

// What a record of a type looks like, for error messages. nullptr: let ldns's reason speak.
const char* expectation(uint16_t type) {
    switch (type) {
        case rrtype::A: return "expected an IPv4 address";
        case rrtype::AAAA: return "expected an IPv6 address";
        case rrtype::NS: return "expected a name server's domain name";
        case rrtype::CNAME: return "expected a domain name";
        case rrtype::PTR: return "expected a domain name";
        case rrtype::DNAME: return "expected a domain name";
        case rrtype::MX: return "expected a preference (0-65535) and a mail server's name, e.g. \"10 mail\"";
        case rrtype::TXT: return "expected one or more character-strings";
        case rrtype::SRV:
            return "expected priority, weight and port (0-65535 each) and a target name, e.g. \"10 60 5060 sip\"";
        case rrtype::SOA: return "expected primary, contact, serial, refresh, retry, expire and minimum";
        case rrtype::HINFO: return "expected two character-strings (CPU and OS)";
        case rrtype::DS: return "expected key tag, algorithm, digest type and a hex digest";
        case 257: return "expected flags (0-255), a tag and a quoted value, e.g. 0 issue \"ca.example.net\"";
        case 44: return "expected algorithm, fingerprint type and a hex fingerprint";        // SSHFP
        case 52: return "expected usage, selector, matching type and hex data";              // TLSA
        case 35: return "expected order, preference, flags, services, regexp and replacement";  // NAPTR
        case 48: return "expected flags, protocol, algorithm and a base64 public key";     // DNSKEY
        case rrtype::SVCB:
        case rrtype::HTTPS: return "expected priority, target name and parameters, e.g. 1 . alpn=h2";
        default: return nullptr;
    }
}

struct LdnsRdf {
    ldns_rdf* p = nullptr;
    ~LdnsRdf() { reset(); }
    void reset(ldns_rdf* n = nullptr) {
        if (p != nullptr) ldns_rdf_deep_free(p);
        p = n;
    }
};

}  // namespace

// ---- tokens, types, TTLs, names -----------------------------------------------------------

bool tokenize_rdata(std::string_view text, std::vector<Token>* out, std::string* error) {
    out->clear();
    size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (is_blank(c) || c == '(' || c == ')') {
            ++i;
        } else if (c == ';') {
            while (i < text.size() && text[i] != '\n') ++i;
        } else if (c == '"') {
            size_t start = ++i;
            while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? size_t{2} : size_t{1};
            if (i >= text.size()) {
                *error = "unterminated quoted string";
                return false;
            }
            out->push_back(Token{text.substr(start, i - start), 0, static_cast<uint32_t>(start), true});
            ++i;
        } else {
            size_t start = i;
            while (i < text.size() && !is_blank(text[i]) && text[i] != ';' && text[i] != '(' &&
                   text[i] != ')' && text[i] != '"') {
                i += text[i] == '\\' ? size_t{2} : size_t{1};
            }
            i = std::min(i, text.size());
            out->push_back(Token{text.substr(start, i - start), 0, static_cast<uint32_t>(start + 1), false});
        }
    }
    return true;
}

uint16_t rr_type_from_name(std::string_view name) {
    struct Known {
        std::string_view name;
        uint16_t type;
    };
    static constexpr std::array<Known, 10> kCommon{{{"A", rrtype::A},
                                                    {"AAAA", rrtype::AAAA},
                                                    {"NS", rrtype::NS},
                                                    {"CNAME", rrtype::CNAME},
                                                    {"MX", rrtype::MX},
                                                    {"TXT", rrtype::TXT},
                                                    {"PTR", rrtype::PTR},
                                                    {"SRV", rrtype::SRV},
                                                    {"SOA", rrtype::SOA},
                                                    {"CAA", 257}}};
    for (const auto& k : kCommon) {
        if (iequals(name, k.name)) return k.type;
    }
    if (name.size() > 4 && iequals(name.substr(0, 4), "TYPE")) {
        uint32_t v = 0;
        if (!parse_uint(name.substr(4), 65535, &v)) return 0;
        return static_cast<uint16_t>(v);
    }
    char buf[32];
    if (name.empty() || name.size() >= sizeof buf) return 0;
    for (size_t i = 0; i < name.size(); ++i) buf[i] = upper(name[i]);
    buf[name.size()] = '\0';
    auto t = static_cast<uint32_t>(ldns_get_rr_type_by_name(buf));
    return t > 65535 ? 0 : static_cast<uint16_t>(t);
}

std::string rr_type_name(uint16_t type) {
    char* s = ldns_rr_type2str(static_cast<ldns_rr_type>(type));
    if (s == nullptr) return "TYPE" + std::to_string(type);
    std::string out(s);
    LDNS_FREE(s);
    return out;
}

bool is_zone_data_type(uint16_t type) noexcept {
    switch (type) {
        case 0:
        case rrtype::OPT:
        case rrtype::TKEY:
        case rrtype::TSIG:
        case rrtype::IXFR:
        case rrtype::AXFR:
        case rrtype::MAILB:
        case rrtype::MAILA:
        case rrtype::ANY: return false;
        default: return true;
    }
}

bool parse_ttl(std::string_view text, uint32_t* out) {
    if (text.empty()) return false;
    uint64_t total = 0;
    size_t i = 0;
    while (i < text.size()) {
        uint64_t v = 0;
        size_t start = i;
        while (i < text.size() && is_digit(text[i])) {
            v = v * 10 + static_cast<uint64_t>(text[i] - '0');
            if (v > kMaxTtl) return false;
            ++i;
        }
        if (i == start) return false;
        uint64_t unit = 1;
        if (i < text.size()) {
            switch (upper(text[i])) {
                case 'S': unit = 1; break;
                case 'M': unit = 60; break;
                case 'H': unit = 3600; break;
                case 'D': unit = 86400; break;
                case 'W': unit = 604800; break;
                default: return false;
            }
            ++i;
        } else if (start != 0) {
            return false;   // "1h30": a number after a unit needs its own unit
        }
        total += v * unit;
        if (total > kMaxTtl) return false;
    }
    *out = static_cast<uint32_t>(total);
    return true;
}

bool append_name(std::string_view text, std::string_view origin_wire, std::string* out,
                 std::string* error) {
    if (text.empty()) {
        *error = "empty name";
        return false;
    }
    const size_t begin = out->size();
    if (text == "@") {
        out->append(origin_wire);
        return true;
    }
    if (text == ".") {
        out->push_back('\0');
        return true;
    }
    size_t label_at = out->size();
    out->push_back('\0');
    bool absolute = false;
    auto fail = [&](std::string msg) {
        out->resize(begin);
        *error = std::move(msg);
        return false;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '.') {
            size_t len = out->size() - label_at - 1;
            if (len == 0) return fail("empty label in \"" + std::string(text) + "\"");
            if (len > kMaxLabelLength) return fail("label longer than 63 octets in \"" + std::string(text) + "\"");
            (*out)[label_at] = static_cast<char>(len);
            if (i + 1 == text.size()) {
                absolute = true;
                break;
            }
            label_at = out->size();
            out->push_back('\0');
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= text.size()) return fail("name ends in a lone backslash");
            if (is_digit(text[i + 1])) {
                if (i + 3 >= text.size() || !is_digit(text[i + 2]) || !is_digit(text[i + 3])) {
                    return fail("\\DDD escape needs three digits in \"" + std::string(text) + "\"");
                }
                int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
                if (v > 255) return fail("\\DDD escape above 255 in \"" + std::string(text) + "\"");
                c = static_cast<char>(v);
                i += 3;
            } else {
                c = text[++i];
            }
        } else if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == ';' || c == '(' || c == ')') {
            return fail("character '" + std::string(1, c) + "' not allowed in name \"" + std::string(text) +
                        "\" (escape it)");
        }
        out->push_back(c);
    }
    if (!absolute) {
        size_t len = out->size() - label_at - 1;
        if (len == 0) return fail("empty label in \"" + std::string(text) + "\"");
        if (len > kMaxLabelLength) return fail("label longer than 63 octets in \"" + std::string(text) + "\"");
        (*out)[label_at] = static_cast<char>(len);
        out->append(origin_wire);
    } else {
        out->push_back('\0');
    }
    if (out->size() - begin > kMaxNameLength) return fail("name longer than 255 octets: \"" + std::string(text) + "\"");
    return true;
}

void txt_from_text(std::string_view text, std::string* out) {
    do {
        size_t n = std::min<size_t>(text.size(), 255);
        out->push_back(static_cast<char>(n));
        out->append(text.substr(0, n));
        text.remove_prefix(n);
    } while (!text.empty());
}

bool txt_from_strings(std::span<const std::string_view> strings, std::string* out, std::string* error) {
    if (strings.empty()) {
        *error = "a TXT record needs at least one character-string";
        return false;
    }
    for (std::string_view s : strings) {
        if (s.size() > 255) {
            *error = "character-string longer than 255 octets (" + std::to_string(s.size()) + ")";
            return false;
        }
        out->push_back(static_cast<char>(s.size()));
        out->append(s);
    }
    return true;
}

std::string tokens_to_text(std::span<const Token> tokens, size_t max_length) {
    std::string s;
    for (const Token& t : tokens) {
        if (!s.empty()) s.push_back(' ');
        if (t.quoted) s.push_back('"');
        s.append(t.text);
        if (t.quoted) s.push_back('"');
        if (s.size() > max_length) {
            s.resize(max_length);
            s += "...";
            break;
        }
    }
    return s;
}

// ---- RdataParser ----------------------------------------------------------------------------

struct RdataParser::Impl {
    std::string origin;
    LdnsRdf origin_rdf;              // built lazily for the ldns fallback
    std::string line;                // the RR line handed to ldns
    ldns_buffer* buffer = nullptr;

    Impl() : buffer(ldns_buffer_new(4096)) {}
    ~Impl() { ldns_buffer_free(buffer); }

    bool fail(uint16_t type, std::span<const Token> tokens, std::string* error, const std::string& detail,
              size_t* bad_token, size_t which) const {
        std::string msg = "bad " + rr_type_name(type) + " record \"" + tokens_to_text(tokens) + "\": ";
        const char* exp = expectation(type);
        if (exp != nullptr) {
            msg += exp;
            if (!detail.empty()) msg += " (" + detail + ")";
        } else {
            msg += detail;
        }
        *error = std::move(msg);
        if (bad_token != nullptr) *bad_token = which;
        return false;
    }

    bool name_field(uint16_t type, std::span<const Token> tokens, size_t k, std::string* out,
                    std::string* error, size_t* bad_token) const {
        std::string why;
        if (!append_name(tokens[k].text, origin, out, &why)) return fail(type, tokens, error, why, bad_token, k);
        return true;
    }

    bool u16_field(uint16_t type, std::span<const Token> tokens, size_t k, std::string* out, std::string* error,
                   size_t* bad_token) const {
        uint32_t v = 0;
        if (tokens[k].quoted || !parse_uint(tokens[k].text, 65535, &v)) {
            return fail(type, tokens, error, "\"" + std::string(tokens[k].text) + "\" is not a number from 0 to 65535",
                        bad_token, k);
        }
        put_u16(out, v);
        return true;
    }

    bool with_ldns(uint16_t type, std::span<const Token> tokens, std::string* out, std::string* error,
                   size_t* bad_token) {
        if (origin_rdf.p == nullptr) {
            origin_rdf.reset(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, origin.size(), origin.data()));
        }
        line.assign("@ 0 IN ");
        line += rr_type_name(type);
        for (const Token& t : tokens) {
            line.push_back(' ');
            if (t.quoted) line.push_back('"');
            line.append(t.text);
            if (t.quoted) line.push_back('"');
        }
        ldns_rr* rr = nullptr;
        ldns_status st = ldns_rr_new_frm_str(&rr, line.c_str(), 0, origin_rdf.p, nullptr);
        if (st != LDNS_STATUS_OK) {
            // With a description of the type, ldns's reason only helps when it is specific.
            std::string why;
            if (expectation(type) == nullptr) {
                why = std::string("ldns: ") + ldns_get_errorstr_by_id(st);
            } else if (st == LDNS_STATUS_SYNTAX_MISSING_VALUE_ERR) {
                why = "missing fields";
            } else if (st == LDNS_STATUS_SYNTAX_SUPERFLUOUS_TEXT_ERR) {
                why = "too many fields";
            }
            return fail(type, tokens, error, why, bad_token, 0);
        }
        ldns_buffer_clear(buffer);
        st = ldns_rr_rdata2buffer_wire(buffer, rr);
        ldns_rr_free(rr);
        if (st != LDNS_STATUS_OK) {
            return fail(type, tokens, error, std::string("ldns: ") + ldns_get_errorstr_by_id(st), bad_token, 0);
        }
        size_t n = ldns_buffer_position(buffer);
        if (n > 65535) return fail(type, tokens, error, "RDATA longer than 65535 octets", bad_token, 0);
        out->append(reinterpret_cast<const char*>(ldns_buffer_begin(buffer)), n);
        return true;
    }
};

RdataParser::RdataParser() : impl_(std::make_unique<Impl>()) {}
RdataParser::~RdataParser() = default;

void RdataParser::set_origin(std::string_view origin_wire) {
    if (impl_->origin == origin_wire) return;
    impl_->origin.assign(origin_wire);
    impl_->origin_rdf.reset();
}

bool RdataParser::parse(uint16_t type, std::span<const Token> tokens, std::string* out, std::string* error,
                        size_t* bad_token) {
    Impl& m = *impl_;
    if (bad_token != nullptr) *bad_token = 0;
    if (tokens.empty()) return m.fail(type, tokens, error, "", bad_token, 0);
    // RFC 3597 generic form, quoted fields and escapes in names: ldns knows every corner.
    if (tokens[0].text == "\\#" && !tokens[0].quoted) return m.with_ldns(type, tokens, out, error, bad_token);
    auto plain = [&](size_t k) { return !tokens[k].quoted; };
    auto count = [&](size_t n) -> bool {
        if (tokens.size() == n) return true;
        size_t which = tokens.size() > n ? n : 0;
        return m.fail(type, tokens, error,
                      tokens.size() > n ? "unexpected \"" + std::string(tokens[n].text) + "\"" : "",
                      bad_token, which);
    };
    const size_t start = out->size();
    bool ok = true;
    switch (type) {
        case rrtype::A: {
            uint8_t a[4];
            if (!count(1)) return false;
            if (!plain(0) || !parse_ipv4(tokens[0].text, a)) return m.fail(type, tokens, error, "", bad_token, 0);
            out->append(reinterpret_cast<const char*>(a), 4);
            return true;
        }
        case rrtype::AAAA: {
            uint8_t a[16];
            if (!count(1)) return false;
            if (!plain(0) || !parse_ipv6(tokens[0].text, a)) return m.fail(type, tokens, error, "", bad_token, 0);
            out->append(reinterpret_cast<const char*>(a), 16);
            return true;
        }
        case rrtype::NS:
        case rrtype::CNAME:
        case rrtype::PTR:
        case rrtype::DNAME:
            if (!count(1)) return false;
            if (!plain(0)) break;
            ok = m.name_field(type, tokens, 0, out, error, bad_token);
            break;
        case rrtype::MX:
            if (!count(2)) return false;
            if (!plain(1)) break;
            ok = m.u16_field(type, tokens, 0, out, error, bad_token) &&
                 m.name_field(type, tokens, 1, out, error, bad_token);
            break;
        case rrtype::SRV:
            if (!count(4)) return false;
            if (!plain(3)) break;
            ok = m.u16_field(type, tokens, 0, out, error, bad_token) &&
                 m.u16_field(type, tokens, 1, out, error, bad_token) &&
                 m.u16_field(type, tokens, 2, out, error, bad_token) &&
                 m.name_field(type, tokens, 3, out, error, bad_token);
            break;
        case rrtype::TXT:
            for (size_t k = 0; k < tokens.size() && ok; ++k) {
                std::string why;
                if (!append_character_string(tokens[k].text, out, &why)) {
                    ok = m.fail(type, tokens, error, why, bad_token, k);
                }
            }
            if (ok && out->size() - start > 65535) ok = m.fail(type, tokens, error, "longer than 65535 octets", bad_token, 0);
            break;
        default:
            return m.with_ldns(type, tokens, out, error, bad_token);
    }
    if (!ok) {
        out->resize(start);
        return false;
    }
    if (out->size() == start && type != rrtype::TXT) {
        // A quoted field where the fast path wants a plain one: ldns decides.
        return m.with_ldns(type, tokens, out, error, bad_token);
    }
    return true;
}

}  // namespace zones
