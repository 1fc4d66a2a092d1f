// rules.hpp -- Rules: the `[balance.NAME.geo]` selectors (net, asn, region, country, continent, default).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "geo/address.hpp"
#include "geo/location.hpp"
#include "geo/net_rules.hpp"

namespace geo {

/// Which kind of selector decided a match, most specific first.
enum class Selector : uint8_t { net, asn, region, country, continent, fallback, none };

/// The outcome of Rules::match.
struct Match {
    /// False only when no selector applies and there is no `default`.
    bool matched = false;
    /// The caller's value of the winning selector (e.g. an index into its pool orders).
    uint32_t value = 0;
    /// Which selector won (Selector::none when !matched).
    Selector by = Selector::none;
    /// The leading client-address bits this decision depended on: every client that shares them
    /// gets the same decision. Use it as the EDNS Client Subnet SCOPE PREFIX-LENGTH
    /// (RFC 7871 section 7.2.1) and as the DecisionCache key length. It is
    ///  - the `net:` trie's scope when a net rule won (at least the rule's prefix length);
    ///  - otherwise the larger of that trie's scope (the range in which no net rule applies)
    ///    and the database network's Location::prefix_len, when the rules have any selector that
    ///    reads the location (asn, region, country, continent): even the `default` answer then
    ///    depended on the location, because it says "none of those matched";
    ///  - otherwise (only `net:` and `default`) just the trie's scope, 0 with no net rules at all:
    ///    the answer is the same for every client, and saying so lets resolvers share it.
    uint8_t scope_prefix_len = 0;
};

/// The selector table of one geo-balanced name. Built at load time with add(); then immutable,
/// shared read-only between threads; match() allocates nothing.
///
/// Precedence, most specific first: net > asn > region > country > continent > default.
/// Within `net:` the longest prefix wins.
class Rules {
public:
    /// Adds one selector -> value. Selectors: "net:CIDR", "asn:N" (or "asn:ASN"), "region:CC-SUB"
    /// (ISO 3166-2, e.g. "region:US-CA"), "country:CC", "continent:XX", "default". Codes are
    /// case-insensitive. Returns a message (without file:line, which the caller adds) for an
    /// unknown selector kind, an unknown country or continent code, a malformed region, CIDR or
    /// AS number, or a selector given twice (also when written differently, e.g. "country:jp").
    [[nodiscard]] std::optional<std::string> add(std::string_view selector, uint32_t value);

    /// Decides for `client` at `location`. Pass a default Location when no database was
    /// consulted (no database configured, or !needs_location()). Never allocates.
    [[nodiscard]] Match match(const Address& client, const Location& location) const noexcept;

    /// True when some selector reads the location (asn, region, country, continent): only then is
    /// a database lookup worth doing before match().
    [[nodiscard]] bool needs_location() const noexcept {
        return !asns_.empty() || !regions_.empty() || !countries_.empty() || has_continent_rule_;
    }
    /// True when some `asn:` selector exists (an ASN database is then needed).
    [[nodiscard]] bool needs_asn() const noexcept { return !asns_.empty(); }

    [[nodiscard]] bool has_default() const noexcept { return default_.has_value(); }
    [[nodiscard]] std::size_t size() const noexcept { return size_; }

private:
    [[nodiscard]] std::optional<std::string> add_asn(std::string_view text, uint32_t value);
    [[nodiscard]] std::optional<std::string> add_region(std::string_view text, uint32_t value);
    [[nodiscard]] std::optional<std::string> add_country(std::string_view text, uint32_t value);
    [[nodiscard]] std::optional<std::string> add_continent(std::string_view text, uint32_t value);

    // Sorted (key, value) tables searched by binary search: a name has tens of selectors, so
    // this beats hashing and keeps Rules small and allocation-free to read.
    template <typename Key>
    using Table = std::vector<std::pair<Key, uint32_t>>;

    NetRules nets_;
    Table<uint32_t> asns_;
    Table<uint64_t> regions_;   // country (16 bits) << 24 | subdivision (up to 3 chars)
    Table<uint16_t> countries_;  // pack(country)
    std::array<std::optional<uint32_t>, 7> continents_{};  // index in kContinents
    bool has_continent_rule_ = false;
    std::optional<uint32_t> default_;
    std::size_t size_ = 0;
};

}  // namespace geo
