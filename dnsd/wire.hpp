// wire.hpp -- the query parser (in place, no allocation) and the response writer with name
// compression. Hot path: every function here is noexcept and bounds-checked.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace dnsd::wire {

inline constexpr size_t kHeaderSize = 12;

inline uint16_t get16(const uint8_t* p) noexcept { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t get32(const uint8_t* p) noexcept {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline void put16(uint8_t* p, uint16_t v) noexcept {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
inline void put32(uint8_t* p, uint32_t v) noexcept {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

namespace rcode {
inline constexpr uint8_t noerror = 0, formerr = 1, servfail = 2, nxdomain = 3, notimp = 4, refused = 5,
                         notauth = 9;
inline constexpr uint16_t badvers = 16, badkey = 17, badcookie = 23;
}  // namespace rcode

/// EDNS Client Subnet option from a query (RFC 7871 6).
struct ClientSubnet {
    uint16_t family = 0;               // 1 = IPv4, 2 = IPv6
    uint8_t source_prefix = 0;
    std::array<uint8_t, 16> address{}; // zero-padded, bits beyond source_prefix are zero
};

/// What parse_query found. Names point into the packet or into `qname_lower`.
struct Query {
    uint16_t id = 0;
    uint8_t opcode = 0;
    bool rd = false;
    bool cd = false;
    uint16_t qtype = 0;
    uint16_t qclass = 0;
    uint16_t question_end = 0;         // offset just past the question
    uint8_t qname_length = 0;
    std::array<uint8_t, 256> qname_lower{};   // lowercase wire qname
    // EDNS (RFC 6891)
    bool has_edns = false;
    bool edns_bad_version = false;
    uint8_t edns_version = 0;
    bool dnssec_ok = false;
    uint16_t udp_size = 512;
    bool nsid = false;
    bool has_ecs = false;
    ClientSubnet ecs;
    uint8_t cookie_length = 0;         // 0, 8 (client only) or 16..40
    std::array<uint8_t, 40> cookie{};
    // TSIG (RFC 8945): position of the TSIG RR in the packet, for the BADKEY answer
    bool has_tsig = false;
    uint16_t tsig_offset = 0;
    uint16_t tsig_length = 0;

    [[nodiscard]] std::string_view qname() const noexcept {
        return {reinterpret_cast<const char*>(qname_lower.data()), qname_length};
    }
};

enum class Parse : uint8_t {
    ok,
    drop,              // not worth an answer: too short, or a response (QR set)
    formerr,           // malformed: answer FORMERR (question echoed when it parsed)
    notimp,            // opcode we do not implement
};

/// Parses header, question and the additional section (OPT, TSIG); rejects trailing bytes.
/// `question_ok` tells whether the question parsed (so an error answer can echo it).
Parse parse_query(const uint8_t* packet, size_t length, Query& q, bool& question_ok) noexcept;

/// Appends a response into a caller-owned buffer: sections, RR counts, name compression
/// (RFC 1035 4.1.4) against names already written, and rollback for truncation.
class Writer {
public:
    Writer(uint8_t* buffer, size_t limit) noexcept : buf_(buffer), limit_(limit) {}

    /// Starts a new message in `buffer` (the compression table is emptied, not cleared:
    /// only the first entries_ slots are ever read).
    void reset(uint8_t* buffer, size_t limit) noexcept {
        buf_ = buffer;
        limit_ = limit;
        pos_ = 0;
        overflow_ = false;
        entries_ = 0;
        question_ = {};
    }
    /// Notes the question name (lowercase) at `offset`; its suffixes join the compression
    /// table only when a name is first compressed (answers whose owner is the qname and
    /// whose RDATA has no names never pay for it).
    void set_question(std::string_view lname, size_t offset) noexcept {
        question_ = lname;
        question_offset_ = static_cast<uint16_t>(offset);
    }
    /// Writes a pointer to an earlier name (RFC 1035 4.1.4), e.g. 0xC00C for the qname.
    bool pointer(size_t offset) noexcept { return u16(static_cast<uint16_t>(0xC000u | offset)); }

    struct Mark {
        size_t pos;
        uint8_t entries;
    };
    [[nodiscard]] Mark mark() const noexcept { return {pos_, entries_}; }
    void rollback(Mark m) noexcept {
        pos_ = m.pos;
        entries_ = m.entries;
    }

    [[nodiscard]] size_t size() const noexcept { return pos_; }
    [[nodiscard]] size_t limit() const noexcept { return limit_; }
    void set_limit(size_t limit) noexcept { limit_ = limit; }
    [[nodiscard]] uint8_t* data() noexcept { return buf_; }
    [[nodiscard]] bool overflowed() const noexcept { return overflow_; }
    void clear_overflow() noexcept { overflow_ = false; }

    bool bytes(const void* p, size_t n) noexcept {
        if (n > limit_ - pos_ || pos_ > limit_) {
            overflow_ = true;
            return false;
        }
        std::memcpy(buf_ + pos_, p, n);
        pos_ += n;
        return true;
    }
    /// Reserves n bytes at the end for the caller to fill in place; nullptr (and overflowed())
    /// when they do not fit.
    uint8_t* claim(size_t n) noexcept {
        if (n > limit_ - pos_ || pos_ > limit_) {
            overflow_ = true;
            return nullptr;
        }
        uint8_t* at = buf_ + pos_;
        pos_ += n;
        return at;
    }
    /// Two pieces at once, all or nothing.
    bool bytes2(const void* a, size_t na, const void* b, size_t nb) noexcept {
        if (na + nb > limit_ - pos_ || pos_ > limit_) {
            overflow_ = true;
            return false;
        }
        std::memcpy(buf_ + pos_, a, na);
        std::memcpy(buf_ + pos_ + na, b, nb);
        pos_ += na + nb;
        return true;
    }
    bool u8(uint8_t v) noexcept { return bytes(&v, 1); }
    bool u16(uint16_t v) noexcept {
        uint8_t b[2];
        put16(b, v);
        return bytes(b, 2);
    }
    bool u32(uint32_t v) noexcept {
        uint8_t b[4];
        put32(b, v);
        return bytes(b, 4);
    }
    /// Writes a lowercase wire name, compressed against earlier names when `compress`.
    /// The name's bytes must stay valid until the response is finished.
    bool name(std::string_view lname, bool compress = true) noexcept;
    /// Records that the name `lname` (lowercase) sits at `offset` in the packet (e.g. the
    /// question, whose letters keep the client's case).
    void remember(std::string_view lname, size_t offset) noexcept;

private:
    struct Entry {
        const char* name;              // lowercase wire suffix
        uint16_t offset;
        uint8_t length;
    };
    static constexpr size_t kMaxEntries = 48;

    uint8_t* buf_;
    size_t limit_;
    size_t pos_ = 0;
    bool overflow_ = false;
    uint8_t entries_ = 0;
    std::string_view question_;
    uint16_t question_offset_ = 0;
    std::array<Entry, kMaxEntries> table_{};
};

}  // namespace dnsd::wire
