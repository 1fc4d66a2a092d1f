// codes.hpp -- ISO 3166-1 country codes, continent codes, the country->continent table, and Code<N>.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace geo {

/// A short upper-case ASCII code stored inline (no allocation): "DE", "EU", "CA".
/// Empty when absent. Characters after the code are NUL, so `==` compares values.
template <std::size_t Capacity>
class Code {
public:
    constexpr Code() noexcept = default;

    /// The code for `text` upper-cased, or an empty Code when `text` is empty, longer than
    /// Capacity, or has a character other than a letter or digit.
    static constexpr Code from(std::string_view text) noexcept {
        Code out;
        if (text.size() > Capacity) return out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            char c = text[i];
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!ok) return Code{};
            out.chars_[i] = c;
        }
        return out;
    }

    [[nodiscard]] constexpr bool empty() const noexcept { return chars_[0] == '\0'; }
    [[nodiscard]] constexpr std::size_t size() const noexcept {
        std::size_t n = 0;
        while (n < Capacity && chars_[n] != '\0') ++n;
        return n;
    }
    [[nodiscard]] constexpr std::string_view view() const noexcept { return {chars_.data(), size()}; }

    friend constexpr bool operator==(const Code&, const Code&) noexcept = default;
    friend constexpr bool operator==(const Code& code, std::string_view text) noexcept {
        return code.view() == text;
    }

private:
    std::array<char, Capacity> chars_{};
};

/// ISO 3166-1 alpha-2 country code ("DE").
using CountryCode = Code<2>;
/// Continent code as used by GeoIP2 ("EU"); see kContinents.
using ContinentCode = Code<2>;
/// ISO 3166-2 subdivision code without its country part ("CA" for US-CA, "ENG" for GB-ENG).
using SubdivisionCode = Code<3>;

/// The seven continent codes of GeoIP2/GeoNames: Africa, Antarctica, Asia, Europe, North America,
/// Oceania, South America.
inline constexpr std::array<std::string_view, 7> kContinents = {"AF", "AN", "AS", "EU", "NA", "OC", "SA"};

/// True for a current ISO 3166-1 alpha-2 code (upper case), plus "XK" (Kosovo), which MaxMind and
/// the other database vendors use although ISO has not assigned it.
[[nodiscard]] bool is_country(std::string_view code) noexcept;

/// True for one of kContinents (upper case).
[[nodiscard]] bool is_continent(std::string_view code) noexcept;

/// The continent of a country as GeoNames (and so GeoIP2) assigns it, e.g. "TR" -> "AS",
/// "RU" -> "EU"; empty for an unknown code. Flat databases (DB-IP lite, ip-location-db) have no
/// continent field, so this is where their continent comes from.
[[nodiscard]] std::string_view continent_of(std::string_view country) noexcept;

/// Every country code is_country() accepts, sorted. For tests and `dnsd check` messages.
[[nodiscard]] std::span<const std::string_view> all_countries() noexcept;

/// A code packed into an integer for sorted tables: "US" -> 0x5553.
[[nodiscard]] constexpr uint16_t pack(CountryCode code) noexcept {
    const std::string_view v = code.view();
    if (v.size() != 2) return 0;
    return static_cast<uint16_t>((static_cast<unsigned>(static_cast<unsigned char>(v[0])) << 8U) |
                                 static_cast<unsigned char>(v[1]));
}

}  // namespace geo
