// wire.cpp -- query parsing and response writing.
#include "dnsd/wire.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace dnsd::wire {
namespace {

constexpr uint16_t kTypeOpt = 41;
constexpr uint16_t kTypeTsig = 250;
constexpr uint16_t kOptionNsid = 3;
constexpr uint16_t kOptionEcs = 8;
constexpr uint16_t kOptionCookie = 10;

// W octets as one value (GCC/Clang vector extension): operations on it compile to SSE2 on
// x86-64 and NEON on ARM, so a name is lowercased sixteen octets per handful of instructions.
template <size_t W>
using Octets [[gnu::vector_size(W)]] = int8_t;

// Turns 'A'..'Z' into 'a'..'z'. Octets >= 0x80 are negative here, hence never capitals.
template <size_t W>
Octets<W> lowercase(Octets<W> x) noexcept {
    const Octets<W> capital = (x >= 'A') & (x <= 'Z');   // -1 in the lanes of capitals
    return x | (capital & 0x20);
}

// Copies n >= W octets lowercased, W at a time; the last piece overlaps the one before it
// rather than finishing octet by octet (lowercasing twice changes nothing).
template <size_t W>
void lowercase_copy_by(const uint8_t* from, size_t n, uint8_t* to) noexcept {
    Octets<W> x;   // fixed-size copies compile to plain loads and stores
    for (size_t i = 0; i + W < n; i += W) {
        std::memcpy(&x, from + i, W);
        x = lowercase<W>(x);
        std::memcpy(to + i, &x, W);
    }
    std::memcpy(&x, from + n - W, W);
    x = lowercase<W>(x);
    std::memcpy(to + n - W, &x, W);
}

// Copies n octets (n <= 255) lowercased.
void lowercase_copy(const uint8_t* from, size_t n, uint8_t* to) noexcept {
    if (n >= 16) {
        lowercase_copy_by<16>(from, n, to);
    } else if (n >= 8) {
        lowercase_copy_by<8>(from, n, to);
    } else {
        for (size_t i = 0; i < n; ++i) to[i] = static_cast<uint8_t>(from[i] >= 'A' && from[i] <= 'Z' ? from[i] + 32 : from[i]);
    }
}

// Skips a possibly compressed name; false when it runs past the end or is malformed.
bool skip_name(const uint8_t* p, size_t length, size_t& pos) noexcept {
    size_t total = 0;
    while (pos < length) {
        uint8_t len = p[pos];
        if ((len & 0xC0) == 0xC0) {
            pos += 2;
            return pos <= length;   // a pointer ends the name; its target is not followed
        }
        if ((len & 0xC0) != 0) return false;   // RFC 6891 removed extended label types
        pos += len + 1u;
        total += len + 1u;
        if (total > 255) return false;
        if (len == 0) return pos <= length;
    }
    return false;
}

bool parse_edns_options(const uint8_t* p, size_t length, Query& q) noexcept {
    size_t pos = 0;
    while (pos < length) {
        if (length - pos < 4) return false;
        uint16_t code = get16(p + pos);
        uint16_t olen = get16(p + pos + 2);
        pos += 4;
        if (olen > length - pos) return false;
        const uint8_t* o = p + pos;
        switch (code) {
            case kOptionNsid:
                q.nsid = true;
                break;
            case kOptionEcs: {   // RFC 7871 6
                if (olen < 4 || q.has_ecs) return false;
                uint16_t family = get16(o);
                uint8_t source = o[2];
                uint8_t scope = o[3];
                if ((family != 1 && family != 2) || scope != 0) return false;
                if (source > (family == 1 ? 32 : 128)) return false;
                size_t address_bytes = (source + 7u) / 8u;
                if (olen - 4u != address_bytes) return false;
                q.ecs.family = family;
                q.ecs.source_prefix = source;
                q.ecs.address = {};
                for (size_t i = 0; i < address_bytes; ++i) q.ecs.address[i] = o[4 + i];   // 3 octets for a /24: no memcpy call
                if (source % 8 != 0 && (o[4 + address_bytes - 1] & (0xFFu >> (source % 8))) != 0) {
                    return false;   // bits beyond the source prefix must be zero
                }
                q.has_ecs = true;
                break;
            }
            case kOptionCookie:
                // Cookies are not implemented: like Knot and NSD without them, a malformed one
                // is ignored rather than answered with FORMERR (RFC 7873 5.2.2 applies to
                // servers that implement cookies).
                if (olen == 8 || (olen >= 16 && olen <= 40)) {
                    q.cookie_length = static_cast<uint8_t>(olen);
                    std::memcpy(q.cookie.data(), o, olen);
                }
                break;
            default:   // RFC 6891 6.1.2: unknown options are ignored
                break;
        }
        pos += olen;
    }
    return true;
}

}  // namespace

Parse parse_query(const uint8_t* p, size_t length, Query& q, bool& question_ok) noexcept {
    question_ok = false;
    if (length < kHeaderSize) return Parse::drop;
    if ((p[2] & 0x80) != 0) return Parse::drop;   // a response: never answer it (loops)
    q.id = get16(p);
    q.opcode = static_cast<uint8_t>((p[2] >> 3) & 0x0F);
    q.rd = (p[2] & 0x01) != 0;
    q.cd = (p[3] & 0x10) != 0;
    q.has_edns = false;
    q.edns_bad_version = false;
    q.dnssec_ok = false;
    q.udp_size = 512;
    q.nsid = false;
    q.has_ecs = false;
    q.cookie_length = 0;
    q.has_tsig = false;
    const uint16_t qdcount = get16(p + 4);
    const uint16_t ancount = get16(p + 6);
    const uint16_t nscount = get16(p + 8);
    const uint16_t arcount = get16(p + 10);

    size_t pos = kHeaderSize;
    if (qdcount != 1) return Parse::formerr;   // RFC 9619
    // Walk the label lengths first, then copy the name in one go and lowercase it a word at a
    // time: length octets are below 64, so lowercasing never touches them. The name, root
    // octet included, must end inside both the packet and 255 octets (RFC 1035 2.3.4).
    const size_t end = std::min(length, kHeaderSize + 255);
    for (;;) {
        if (pos >= end) return Parse::formerr;
        const uint8_t len = p[pos];
        if (len == 0) break;
        if (len > 63) return Parse::formerr;   // no pointers in the question: nothing precedes it
        pos += len + 1u;
    }
    ++pos;
    const size_t name_length = pos - kHeaderSize;
    lowercase_copy(p + kHeaderSize, name_length, q.qname_lower.data());
    if (pos + 4 > length) return Parse::formerr;
    q.qname_length = static_cast<uint8_t>(name_length);
    q.qtype = get16(p + pos);
    q.qclass = get16(p + pos + 2);
    pos += 4;
    q.question_end = static_cast<uint16_t>(pos);
    question_ok = true;

    for (uint32_t i = 0; i < uint32_t{ancount} + nscount; ++i) {
        if (!skip_name(p, length, pos) || length - pos < 10) return Parse::formerr;
        uint16_t type = get16(p + pos);
        if (type == kTypeOpt || type == kTypeTsig) return Parse::formerr;   // only in additional
        size_t rdlength = get16(p + pos + 8);
        pos += 10;
        if (rdlength > length - pos) return Parse::formerr;
        pos += rdlength;
    }
    for (uint32_t i = 0; i < arcount; ++i) {
        size_t start = pos;
        if (pos < length && p[pos] == 0) {
            ++pos;   // the root, as OPT owns: no walk
        } else if (!skip_name(p, length, pos)) {
            return Parse::formerr;
        }
        if (length - pos < 10) return Parse::formerr;
        uint16_t type = get16(p + pos);
        uint16_t klass = get16(p + pos + 2);
        uint32_t ttl = get32(p + pos + 4);
        size_t rdlength = get16(p + pos + 8);
        size_t rdata = pos + 10;
        if (rdlength > length - rdata) return Parse::formerr;
        if (type == kTypeOpt) {
            // RFC 6891 6.1.1: one OPT, owned by the root.
            if (q.has_edns || pos - start != 1 || p[start] != 0) return Parse::formerr;
            q.has_edns = true;
            q.udp_size = klass < 512 ? 512 : klass;
            q.edns_version = static_cast<uint8_t>(ttl >> 16);
            q.edns_bad_version = q.edns_version != 0;
            q.dnssec_ok = (ttl & 0x8000u) != 0;
            if (!parse_edns_options(p + rdata, rdlength, q)) return Parse::formerr;
        } else if (type == kTypeTsig) {
            if (i + 1 != arcount || q.has_tsig) return Parse::formerr;   // RFC 8945 5.1: last
            q.has_tsig = true;
            q.tsig_offset = static_cast<uint16_t>(start);
            q.tsig_length = static_cast<uint16_t>(rdata + rdlength - start);
        }
        pos = rdata + rdlength;
    }
    if (pos != length) return Parse::formerr;   // trailing garbage
    return q.opcode == 0 ? Parse::ok : Parse::notimp;
}

void Writer::remember(std::string_view lname, size_t offset) noexcept {
    for (size_t q = 0; q < lname.size() && lname[q] != 0; q += static_cast<uint8_t>(lname[q]) + 1u) {
        if (entries_ >= kMaxEntries || offset + q >= 0x4000) return;
        table_[entries_++] = {lname.data() + q, static_cast<uint16_t>(offset + q),
                              static_cast<uint8_t>(lname.size() - q)};
    }
}

bool Writer::name(std::string_view lname, bool compress) noexcept {
    if (!question_.empty()) {   // the question joins the table on first use
        std::string_view q = question_;
        question_ = {};
        remember(q, question_offset_);
    }
    size_t prefix = lname.size() - 1;   // bytes written literally (all labels, then the root)
    int match = -1;
    if (compress) {
        for (size_t q = 0; q < lname.size() && lname[q] != 0 && match < 0;
             q += static_cast<uint8_t>(lname[q]) + 1u) {
            const size_t suffix = lname.size() - q;
            for (uint8_t e = 0; e < entries_; ++e) {
                if (table_[e].length == suffix && std::memcmp(table_[e].name, lname.data() + q, suffix) == 0) {
                    match = e;
                    prefix = q;
                    break;
                }
            }
        }
    }
    const size_t need = prefix + (match >= 0 ? 2 : 1);
    if (need > limit_ - pos_ || pos_ > limit_) {
        overflow_ = true;
        return false;
    }
    if (compress) {   // the labels written literally become targets for later names
        for (size_t q = 0; q < prefix && entries_ < kMaxEntries && pos_ + q < 0x4000;
             q += static_cast<uint8_t>(lname[q]) + 1u) {
            table_[entries_++] = {lname.data() + q, static_cast<uint16_t>(pos_ + q),
                                  static_cast<uint8_t>(lname.size() - q)};
        }
    }
    std::memcpy(buf_ + pos_, lname.data(), prefix);
    pos_ += prefix;
    if (match >= 0) {
        put16(buf_ + pos_, static_cast<uint16_t>(0xC000u | table_[static_cast<size_t>(match)].offset));
        pos_ += 2;
    } else {
        buf_[pos_++] = 0;
    }
    return true;
}

}  // namespace dnsd::wire
