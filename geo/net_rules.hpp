// net_rules.hpp -- NetRules: longest-prefix match of client addresses against `net:CIDR` overrides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/address.hpp"

namespace geo {

/// A matched `net:` rule: the caller's value and the rule's own prefix length.
struct NetRuleHit {
    uint32_t value = 0;
    uint8_t prefix_len = 0;
};

/// The full answer of a longest-prefix match, including what the answer depended on.
struct NetRuleMatch {
    std::optional<NetRuleHit> hit;  ///< the most specific rule containing the address, if any
    /// How many leading address bits decided the answer, hit or miss: every address sharing them
    /// gets the same answer. It can exceed the hit's prefix_len when a more specific rule sits
    /// beside the client (10.0.0.0/8 and 10.1.0.0/16: 10.2.3.4 has scope 15, since 10.2.0.0/15
    /// is the largest range around it that 10.1.0.0/16 does not cut). This is the honest EDNS
    /// Client Subnet scope (RFC 7871 section 7.2.1). 0 when there are no rules of the family.
    uint8_t scope_prefix_len = 0;
};

/// IPv4 and IPv6 prefixes mapped to caller values (a uint32 index), matched by longest prefix.
///
/// A binary trie per family in one node vector: a match walks at most 32 or 128 nodes, reads
/// only, and never allocates. Build with add(), then share read-only between threads.
class NetRules {
public:
    NetRules();

    /// Adds "10.0.0.0/8" (or "2001:db8::/32"; a bare address is a host route). Returns an error
    /// message for a malformed CIDR, host bits set after the prefix, or a network already added.
    [[nodiscard]] std::optional<std::string> add(std::string_view cidr, uint32_t value);

    /// Adds a parsed network; error only for a duplicate.
    [[nodiscard]] std::optional<std::string> add(const Network& network, uint32_t value);

    /// The most specific rule containing `address`, if any.
    [[nodiscard]] std::optional<NetRuleHit> match(const Address& address) const noexcept {
        return match_with_scope(address).hit;
    }

    /// The most specific rule and the number of address bits the answer depended on.
    [[nodiscard]] NetRuleMatch match_with_scope(const Address& address) const noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return count_; }
    [[nodiscard]] bool empty() const noexcept { return count_ == 0; }

private:
    struct Node {
        uint32_t child[2] = {0, 0};  // node index; 0 = none (index 0 is a root, never a child)
        uint32_t value = 0;
        bool has_value = false;
        uint8_t prefix_len = 0;
    };

    static constexpr uint32_t kRootV4 = 0;
    static constexpr uint32_t kRootV6 = 1;

    std::vector<Node> nodes_;
    std::size_t count_ = 0;
};

}  // namespace geo
