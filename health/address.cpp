// address.cpp -- Address parsing and formatting (inet_pton/inet_ntop).
#include "health/address.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace health {

std::optional<Address> Address::parse(std::string_view text) {
    // inet_pton needs a terminated string; addresses are short, so a stack copy suffices.
    char buf[INET6_ADDRSTRLEN + 1];
    if (text.empty() || text.size() >= sizeof buf) return std::nullopt;
    std::copy(text.begin(), text.end(), buf);
    buf[text.size()] = '\0';
    Address a;
    if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
        a.family = Family::v4;
        return a;
    }
    if (inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
        a.family = Family::v6;
        return a;
    }
    return std::nullopt;
}

Address Address::v4(std::array<uint8_t, 4> b) noexcept {
    Address a;
    a.family = Family::v4;
    std::copy(b.begin(), b.end(), a.bytes.begin());
    return a;
}

Address Address::v6(const std::array<uint8_t, 16>& b) noexcept {
    Address a;
    a.family = Family::v6;
    a.bytes = b;
    return a;
}

std::string Address::to_string() const {
    char buf[INET6_ADDRSTRLEN];
    const int af = family == Family::v4 ? AF_INET : AF_INET6;
    if (inet_ntop(af, bytes.data(), buf, sizeof buf) == nullptr) return "?";
    return buf;
}

std::string Address::to_string(uint16_t port) const {
    if (family == Family::v6) return "[" + to_string() + "]:" + std::to_string(port);
    return to_string() + ":" + std::to_string(port);
}

}  // namespace health
