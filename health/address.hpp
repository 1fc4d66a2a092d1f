// address.hpp -- Address: the IPv4 or IPv6 address of a probed member, as plain bytes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace health {

/// An IPv4 or IPv6 address. A value type; the port comes from the Check.
struct Address {
    enum class Family : uint8_t { v4, v6 };

    Family family = Family::v4;
    std::array<uint8_t, 16> bytes{};  ///< network order; IPv4 uses the first 4 bytes, the rest stay 0

    /// "192.0.2.10" or "2001:db8::10" (no brackets, no port, no scope); nullopt otherwise.
    [[nodiscard]] static std::optional<Address> parse(std::string_view text);
    /// An IPv4 address from its four bytes in network order.
    [[nodiscard]] static Address v4(std::array<uint8_t, 4> b) noexcept;
    /// An IPv6 address from its sixteen bytes in network order.
    [[nodiscard]] static Address v6(const std::array<uint8_t, 16>& b) noexcept;

    /// Canonical text: "192.0.2.10", "2001:db8::10" (RFC 5952).
    [[nodiscard]] std::string to_string() const;
    /// With a port, as in URLs and logs: "192.0.2.10:80", "[2001:db8::10]:80".
    [[nodiscard]] std::string to_string(uint16_t port) const;

    bool operator==(const Address&) const = default;
};

}  // namespace health
