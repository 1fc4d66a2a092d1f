// utf8.hpp -- UTF-8 validation for the loaders (TOML files must be UTF-8; import decides
// whether TXT data can be written as a TOML string).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace zones {

// Offset of the first byte that is not part of valid UTF-8, or npos. TOML files must be UTF-8
// (TOML 1.0), and toml11 3.7 reads out of bounds while reporting invalid UTF-8 inside a
// string, so the loader checks first.
inline size_t first_invalid_utf8(std::string_view s) noexcept {
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t n = 0;
        uint32_t cp = 0;
        if ((c >> 5) == 6) {
            n = 1;
            cp = c & 0x1fu;
        } else if ((c >> 4) == 14) {
            n = 2;
            cp = c & 0x0fu;
        } else if ((c >> 3) == 30) {
            n = 3;
            cp = c & 0x07u;
        } else {
            return i;
        }
        if (i + n >= s.size()) return i;
        for (size_t k = 1; k <= n; ++k) {
            auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc >> 6) != 2) return i;
            cp = (cp << 6) | (cc & 0x3fu);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff)) {
            return i;
        }
        i += n + 1;
    }
    return std::string_view::npos;
}

inline bool valid_utf8(std::string_view s) noexcept { return first_invalid_utf8(s) == std::string_view::npos; }

}  // namespace zones
