// balance.hpp -- what a load-balanced name may answer: policy, pools, members, geo rules, checks.
//
// zones only describes the configuration; health decides which members are up, geo where a
// client is, and dnsd composes the three per query (dnsd/balance.cpp).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zones {

/// A position in a source file, carried so later stages can report errors at file:line:col.
struct SourceLocation {
    std::string file;
    uint32_t line = 0;
    uint32_t column = 0;
};

/// An IPv4 or IPv6 address as raw network-order bytes (v4 uses the first 4).
struct IpAddress {
    uint8_t family = 4;                 // 4 or 6
    std::array<uint8_t, 16> bytes{};

    [[nodiscard]] bool is_v4() const noexcept { return family == 4; }
    friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

/// Parses "192.0.2.1" or "2001:db8::1". Returns nullopt when it is neither.
std::optional<IpAddress> parse_ip(const std::string& text);
std::string ip_to_string(const IpAddress& ip);

enum class Policy : uint8_t { round_robin, weighted, failover, geo, nearest };

const char* policy_name(Policy p) noexcept;

struct Member {
    IpAddress address;
    uint32_t weight = 1;               // weighted policy; 0 = standby
    SourceLocation where;
};

struct Pool {
    std::string name;                  // "" for the single pool of a flat `members` list
    std::vector<Member> members;
    std::optional<std::pair<double, double>> location;   // latitude, longitude (nearest)
    uint32_t min_healthy = 1;          // failover: pool is usable with at least this many up
    SourceLocation where;
};

/// One `[balance.NAME.geo]` entry: a selector ("net:10.0.0.0/8", "country:JP", "default")
/// and the pools it prefers, as indexes into Balance::pools, in order of preference.
struct GeoRule {
    std::string selector;
    std::vector<uint32_t> pools;
    SourceLocation where;
};

struct Balance {
    std::string owner;                 // lowercase wire name (may start with the * label)
    uint32_t ttl = 30;
    Policy policy = Policy::round_robin;
    uint32_t answers = 0;              // at most this many addresses per answer; 0 = all healthy
    std::string check;                 // name of the check guarding every member; "" = none
    SourceLocation check_where;        // where `check` was written (for "unknown check" errors)
    std::vector<Pool> pools;
    std::vector<GeoRule> geo;
    SourceLocation where;
};

/// One `[checks.NAME]` table as written; dnsd turns it into a health::Check and validates
/// what depends on health's rules. Unset optionals take health's defaults.
struct CheckSpec {
    std::string name;
    std::string type;                  // "tcp" | "http" | "dns"
    std::optional<uint16_t> port;
    std::optional<std::chrono::milliseconds> interval;
    std::optional<std::chrono::milliseconds> timeout;
    std::optional<uint32_t> fall;
    std::optional<uint32_t> rise;
    // http
    std::optional<std::string> path;
    std::optional<std::string> host;
    std::vector<std::pair<uint16_t, uint16_t>> expect;   // status ranges, inclusive
    std::optional<std::string> body;                     // substring the body must contain
    // dns
    std::optional<std::string> query_name;
    std::optional<uint16_t> query_type;
    std::optional<uint8_t> rcode;
    std::optional<bool> require_answer;
    SourceLocation where;
};

}  // namespace zones
