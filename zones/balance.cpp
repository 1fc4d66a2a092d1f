// balance.cpp -- address parsing and names for the balance configuration.
#include "zones/balance.hpp"

#include <arpa/inet.h>

namespace zones {

std::optional<IpAddress> parse_ip(const std::string& text) {
    IpAddress ip;
    if (inet_pton(AF_INET, text.c_str(), ip.bytes.data()) == 1) {
        ip.family = 4;
        return ip;
    }
    if (inet_pton(AF_INET6, text.c_str(), ip.bytes.data()) == 1) {
        ip.family = 6;
        return ip;
    }
    return std::nullopt;
}

std::string ip_to_string(const IpAddress& ip) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(ip.is_v4() ? AF_INET : AF_INET6, ip.bytes.data(), buf, sizeof buf);
    return buf;
}

const char* policy_name(Policy p) noexcept {
    switch (p) {
        case Policy::round_robin: return "round-robin";
        case Policy::weighted: return "weighted";
        case Policy::failover: return "failover";
        case Policy::geo: return "geo";
        case Policy::nearest: return "nearest";
    }
    return "?";
}

}  // namespace zones
