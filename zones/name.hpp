// name.hpp -- domain names in wire format: parsing from presentation, printing, comparing.
//
// A name is held as its uncompressed wire bytes in a std::string (length-prefixed labels,
// ending with the root's zero byte). Zone data keeps names lowercased so lookups are a
// plain byte comparison; the case a client used survives only in the echoed question.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace zones {

inline constexpr size_t kMaxNameLength = 255;   // RFC 1035 2.3.4, wire octets incl. the root
inline constexpr size_t kMaxLabelLength = 63;

/// Parses a presentation-format name (escapes \. and \DDD allowed). "@" is the origin; a
/// name without a trailing dot is relative to `origin_wire`. Lowercases the result.
/// Returns false and sets *error to a message saying what is wrong.
bool parse_name(std::string_view text, std::string_view origin_wire, std::string* out,
                std::string* error);

/// Prints a wire name in presentation format with a trailing dot ("." for the root).
std::string name_to_text(std::string_view wire);

/// ASCII-lowercases the letters of a wire name in place (labels' length bytes are < 64, so
/// they are never letters).
void lowercase_name(std::string& wire);

/// Number of labels, not counting the root.
size_t label_count(std::string_view wire) noexcept;


/// The name with its first label removed ("" for the root).
std::string_view parent_name(std::string_view wire) noexcept;

/// Byte equality of two wire names, eight octets at a time: names are compared on every query,
/// and for names this short a call to memcmp costs more than the comparison itself.
inline bool same_name(std::string_view a, std::string_view b) noexcept {
    const size_t n = a.size();
    if (n != b.size()) return false;
    if (n < 8) {
        for (size_t i = 0; i < n; ++i) {
            if (a[i] != b[i]) return false;
        }
        return true;
    }
    uint64_t x;
    uint64_t y;
    for (size_t i = 0; i + 8 < n; i += 8) {
        std::memcpy(&x, a.data() + i, 8);
        std::memcpy(&y, b.data() + i, 8);
        if (x != y) return false;
    }
    std::memcpy(&x, a.data() + n - 8, 8);   // the last eight, overlapping
    std::memcpy(&y, b.data() + n - 8, 8);
    return x == y;
}

/// True when `name` equals `parent` or lies below it. Both lowercase wire names. Inline: the
/// zone of every query is found with it.
inline bool is_subdomain(std::string_view name, std::string_view parent) noexcept {
    if (parent.size() > name.size()) return false;
    // Walk labels of `name` until the remaining suffix has parent's length; comparing at a
    // label boundary avoids matching "xexample.com" against "example.com".
    size_t i = 0;
    while (name.size() - i > parent.size()) i += static_cast<uint8_t>(name[i]) + 1u;
    return same_name(std::string_view(name.data() + i, name.size() - i), parent);
}

/// Hash of a lowercase wire name, used by the zone index. Eight bytes per step: names are
/// hashed on every query, so this is on the hot path.
inline uint32_t hash_name(std::string_view wire) noexcept {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ wire.size();
    size_t i = 0;
    for (; i + 8 <= wire.size(); i += 8) {
        uint64_t chunk;
        std::memcpy(&chunk, wire.data() + i, 8);
        h = (h ^ chunk) * 0xff51afd7ed558ccdull;
        h ^= h >> 29;
    }
    uint64_t tail = 0;
    if (wire.size() >= 8) {   // the last eight octets, overlapping: no variable-length memcpy call
        std::memcpy(&tail, wire.data() + wire.size() - 8, 8);
    } else {
        for (; i < wire.size(); ++i) tail = tail << 8 | static_cast<uint8_t>(wire[i]);
    }
    h = (h ^ tail) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 32;
    return static_cast<uint32_t>(h);
}

}  // namespace zones
