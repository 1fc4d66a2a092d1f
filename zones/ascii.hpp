// ascii.hpp -- the ASCII character tests of the zone-file readers (RFC 1035 master files are
// ASCII: type and class mnemonics compare case-insensitively, locale never matters).
#pragma once

#include <cstddef>
#include <string_view>

namespace zones::ascii {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (upper(a[i]) != upper(b[i])) return false;
    }
    return true;
}

}  // namespace zones::ascii
