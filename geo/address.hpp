// address.hpp -- Address (an IPv4 or IPv6 address as a plain value) and Network (address + prefix length).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.hpp"

struct sockaddr;

namespace geo {

/// Address family of an Address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are always v4.
enum class Family : uint8_t { v4, v6 };

/// An IPv4 or IPv6 address: 16 bytes and a family, trivially copyable, no allocation.
///
/// IPv4 addresses use the first 4 bytes; the other 12 stay zero so that `==` and hashing can
/// read all 16. Every constructor maps `::ffff:a.b.c.d` to the IPv4 address a.b.c.d: a
/// dual-stack socket reports IPv4 clients that way, and not every MaxMind database aliases
/// `::ffff:0:0/96` to its IPv4 subtree.
class Address {
public:
    /// 0.0.0.0.
    constexpr Address() noexcept = default;

    /// The IPv4 address with these 4 bytes (network order: {192, 0, 2, 1} is 192.0.2.1).
    static constexpr Address v4(std::span<const uint8_t, 4> bytes) noexcept {
        Address a;
        for (std::size_t i = 0; i < 4; ++i) a.bytes_[i] = bytes[i];
        return a;
    }

    /// The IPv6 address with these 16 bytes, or the IPv4 address when they are `::ffff:a.b.c.d`.
    static constexpr Address v6(std::span<const uint8_t, 16> bytes) noexcept {
        Address a;
        if (is_v4_mapped(bytes)) {
            for (std::size_t i = 0; i < 4; ++i) a.bytes_[i] = bytes[12 + i];
            return a;
        }
        a.family_ = Family::v6;
        for (std::size_t i = 0; i < 16; ++i) a.bytes_[i] = bytes[i];
        return a;
    }

    /// Reads an AF_INET or AF_INET6 socket address (e.g. from recvmmsg); nullopt for other families
    /// or a `length` too short for the family.
    static std::optional<Address> from_sockaddr(const sockaddr* address, std::size_t length) noexcept;

    /// Parses "192.0.2.1", "2001:db8::1" or "::ffff:192.0.2.1" (no zone index, no prefix, no spaces).
    static std::optional<Address> parse(std::string_view text) noexcept;

    [[nodiscard]] constexpr Family family() const noexcept { return family_; }
    [[nodiscard]] constexpr bool is_v4() const noexcept { return family_ == Family::v4; }

    /// 32 for IPv4, 128 for IPv6: the longest prefix length of the family.
    [[nodiscard]] constexpr uint8_t bit_length() const noexcept { return is_v4() ? 32 : 128; }

    /// The 4 or 16 address bytes in network order.
    [[nodiscard]] std::span<const uint8_t> bytes() const noexcept {
        return {bytes_.data(), is_v4() ? std::size_t{4} : std::size_t{16}};
    }

    /// All 16 bytes; for IPv4 the last 12 are zero. Handy for hashing without a branch.
    [[nodiscard]] constexpr const std::array<uint8_t, 16>& raw_bytes() const noexcept { return bytes_; }

    /// Bit `index` counted from the most significant bit of the first byte; `index < bit_length()`.
    [[nodiscard]] constexpr bool bit(unsigned index) const noexcept {
        return ((static_cast<unsigned>(bytes_[index / 8]) >> (7 - index % 8)) & 1U) != 0;
    }

    /// This address with every bit after the first `prefix_len` cleared (the network address).
    /// A `prefix_len` above bit_length() keeps the whole address.
    [[nodiscard]] constexpr Address truncated(unsigned prefix_len) const noexcept {
        // One AND with a mask from a table: the answer path truncates client addresses for
        // every geo query and decision-cache probe.
        Address out = *this;
        const std::array<uint8_t, 16>& mask = kPrefixMasks[prefix_len < 128 ? prefix_len : 128];
        for (std::size_t i = 0; i < 16; ++i) out.bytes_[i] = static_cast<uint8_t>(out.bytes_[i] & mask[i]);
        return out;
    }

    /// Text form: dotted quad for IPv4, RFC 5952 form for IPv6.
    [[nodiscard]] std::string to_string() const;

    friend constexpr bool operator==(const Address&, const Address&) noexcept = default;

private:
    // kPrefixMasks[n]: the first n bits set, for n in 0..128.
    static constexpr std::array<std::array<uint8_t, 16>, 129> kPrefixMasks = [] {
        std::array<std::array<uint8_t, 16>, 129> masks{};
        for (unsigned n = 0; n <= 128; ++n) {
            for (unsigned byte = 0; byte < 16; ++byte) {
                const unsigned first_bit = byte * 8;
                const unsigned keep = n >= first_bit + 8 ? 8 : (n > first_bit ? n - first_bit : 0);
                masks[n][byte] = static_cast<uint8_t>(0xFF00U >> keep);
            }
        }
        return masks;
    }();

    static constexpr bool is_v4_mapped(std::span<const uint8_t, 16> bytes) noexcept {
        for (std::size_t i = 0; i < 10; ++i)
            if (bytes[i] != 0) return false;
        return bytes[10] == 0xFF && bytes[11] == 0xFF;
    }

    std::array<uint8_t, 16> bytes_{};
    Family family_ = Family::v4;
};

/// A CIDR network: an address with no bits set after `prefix_len`.
struct Network {
    Address address;
    uint8_t prefix_len = 0;

    /// Parses "10.0.0.0/8" or "2001:db8::/32". A bare address is a host route (/32 or /128);
    /// "::ffff:10.0.0.0/104" is the IPv4 network 10.0.0.0/8. Rejects host bits set after the prefix
    /// ("10.0.0.1/8: host bits are set; the network is 10.0.0.0/8") rather than masking them,
    /// because such a typo usually means a different network than the one written.
    static common::Result<Network> parse(std::string_view text);

    /// True when `a` has the same family and the same first `prefix_len` bits.
    [[nodiscard]] constexpr bool contains(const Address& a) const noexcept {
        return a.family() == address.family() && a.truncated(prefix_len) == address;
    }

    /// "10.0.0.0/8".
    [[nodiscard]] std::string to_string() const;

    friend constexpr bool operator==(const Network&, const Network&) noexcept = default;
};

}  // namespace geo
