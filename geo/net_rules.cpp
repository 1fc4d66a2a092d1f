// net_rules.cpp -- the binary trie behind NetRules.
#include "geo/net_rules.hpp"

namespace geo {

NetRules::NetRules() : nodes_(2) {}

std::optional<std::string> NetRules::add(std::string_view cidr, uint32_t value) {
    auto network = Network::parse(cidr);
    if (!network) return network.error().front().message;
    return add(*network, value);
}

std::optional<std::string> NetRules::add(const Network& network, uint32_t value) {
    uint32_t node = network.address.is_v4() ? kRootV4 : kRootV6;
    for (unsigned depth = 0; depth < network.prefix_len; ++depth) {
        const unsigned bit = network.address.bit(depth) ? 1 : 0;
        if (nodes_[node].child[bit] == 0) {
            nodes_[node].child[bit] = static_cast<uint32_t>(nodes_.size());
            nodes_.emplace_back();  // may reallocate: index again below, never keep a reference
        }
        node = nodes_[node].child[bit];
    }
    if (nodes_[node].has_value) return "duplicate network " + network.to_string();
    nodes_[node].has_value = true;
    nodes_[node].value = value;
    nodes_[node].prefix_len = network.prefix_len;
    ++count_;
    return std::nullopt;
}

NetRuleMatch NetRules::match_with_scope(const Address& address) const noexcept {
    NetRuleMatch out;
    const Node* node = &nodes_[address.is_v4() ? kRootV4 : kRootV6];
    const unsigned bits = address.bit_length();
    unsigned depth = 0;
    for (;;) {
        if (node->has_value) out.hit = NetRuleHit{node->value, node->prefix_len};
        if (depth == bits) break;
        const unsigned bit = address.bit(depth) ? 1 : 0;
        const uint32_t next = node->child[bit];
        if (next == 0) {
            // Off the trie. If the other branch exists, this bit told them apart and counts;
            // if the node is a leaf, every address below it answers the same.
            if (node->child[bit ^ 1U] != 0) ++depth;
            break;
        }
        node = &nodes_[next];
        ++depth;
    }
    out.scope_prefix_len = static_cast<uint8_t>(depth);
    return out;
}

}  // namespace geo
