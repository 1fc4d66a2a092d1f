// address.cpp -- parsing and printing of Address and Network.
#include "geo/address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

namespace geo {

namespace {

// inet_pton needs a NUL-terminated string; the longest valid text is an IPv6 address with an
// embedded IPv4 tail (45 characters), so a fixed stack buffer avoids allocating.
constexpr std::size_t kMaxAddressText = INET6_ADDRSTRLEN;

// Parses without mapping ::ffff:a.b.c.d to IPv4, so that Network::parse can shift its prefix.
bool parse_raw(std::string_view text, bool& is_v6, std::array<uint8_t, 16>& bytes) noexcept {
    if (text.empty() || text.size() >= kMaxAddressText) return false;
    std::array<char, kMaxAddressText> buffer{};
    std::memcpy(buffer.data(), text.data(), text.size());
    if (text.find(':') == std::string_view::npos) {
        is_v6 = false;
        return inet_pton(AF_INET, buffer.data(), bytes.data()) == 1;
    }
    is_v6 = true;
    return inet_pton(AF_INET6, buffer.data(), bytes.data()) == 1;
}

}  // namespace

std::optional<Address> Address::from_sockaddr(const sockaddr* address, std::size_t length) noexcept {
    if (address == nullptr) return std::nullopt;
    if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
        sockaddr_in in{};
        std::memcpy(&in, address, sizeof in);  // copy: the caller's buffer may be unaligned
        std::array<uint8_t, 4> bytes{};
        std::memcpy(bytes.data(), &in.sin_addr, 4);
        return Address::v4(bytes);
    }
    if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, address, sizeof in6);
        std::array<uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), &in6.sin6_addr, 16);
        return Address::v6(bytes);
    }
    return std::nullopt;
}

std::optional<Address> Address::parse(std::string_view text) noexcept {
    bool is_v6 = false;
    std::array<uint8_t, 16> bytes{};
    if (!parse_raw(text, is_v6, bytes)) return std::nullopt;
    if (!is_v6) return Address::v4(std::span<const uint8_t, 4>(bytes.data(), 4));
    return Address::v6(bytes);
}

std::string Address::to_string() const {
    std::array<char, INET6_ADDRSTRLEN> buffer{};
    const int af = is_v4() ? AF_INET : AF_INET6;
    if (inet_ntop(af, bytes_.data(), buffer.data(), static_cast<socklen_t>(buffer.size())) == nullptr) return {};
    return buffer.data();
}

common::Result<Network> Network::parse(std::string_view text) {
    const auto fail = [&](const std::string& why) {
        common::Error error;
        error.message = "bad network \"" + std::string(text) + "\": " + why;
        return error;
    };
    const std::size_t slash = text.find('/');
    const std::string_view address_text = text.substr(0, slash);

    bool is_v6 = false;
    std::array<uint8_t, 16> bytes{};
    if (!parse_raw(address_text, is_v6, bytes)) return fail("not an IPv4 or IPv6 address");
    unsigned bits = is_v6 ? 128 : 32;

    unsigned prefix_len = bits;
    if (slash != std::string_view::npos) {
        const std::string_view digits = text.substr(slash + 1);
        const char* end = digits.data() + digits.size();
        const auto [ptr, ec] = std::from_chars(digits.data(), end, prefix_len);
        if (digits.empty() || ec != std::errc{} || ptr != end || digits.size() > 3)
            return fail("the prefix length after '/' must be a number");
        if (prefix_len > bits)
            return fail("prefix length " + std::to_string(prefix_len) + " exceeds " + std::to_string(bits));
    }

    Address address = is_v6 ? Address::v6(bytes) : Address::v4(std::span<const uint8_t, 4>(bytes.data(), 4));
    if (is_v6 && address.is_v4()) {
        // ::ffff:a.b.c.d/N names the IPv4 network a.b.c.d/(N-96), which is how lookups see it.
        if (prefix_len < 96)
            return fail("an IPv4-mapped network needs a prefix length of at least 96");
        prefix_len -= 96;
    }

    const Address network = address.truncated(prefix_len);
    if (network != address) {
        return fail("host bits are set after /" + std::to_string(prefix_len) + "; the network is " +
                    Network{network, static_cast<uint8_t>(prefix_len)}.to_string());
    }
    return Network{address, static_cast<uint8_t>(prefix_len)};
}

std::string Network::to_string() const { return address.to_string() + '/' + std::to_string(prefix_len); }

}  // namespace geo
