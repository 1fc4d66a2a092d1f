// rules.cpp -- parsing geo selectors and matching a client against them.
#include "geo/rules.hpp"

#include <algorithm>
#include <charconv>

#include "geo/codes.hpp"

namespace geo {

namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

uint64_t region_key(CountryCode country, SubdivisionCode subdivision) noexcept {
    uint64_t key = static_cast<uint64_t>(pack(country)) << 24U;
    const std::string_view sub = subdivision.view();
    for (std::size_t i = 0; i < sub.size(); ++i)
        key |= static_cast<uint64_t>(static_cast<unsigned char>(sub[i])) << (16U - 8U * i);
    return key;
}

std::optional<std::size_t> continent_index(std::string_view code) noexcept {
    const auto it = std::find(kContinents.begin(), kContinents.end(), code);
    if (it == kContinents.end()) return std::nullopt;
    return static_cast<std::size_t>(it - kContinents.begin());
}

template <typename Key>
std::optional<uint32_t> find_in(const std::vector<std::pair<Key, uint32_t>>& table, Key key) noexcept {
    const auto it = std::lower_bound(table.begin(), table.end(), key,
                                     [](const std::pair<Key, uint32_t>& e, Key k) { return e.first < k; });
    if (it == table.end() || it->first != key) return std::nullopt;
    return it->second;
}

// Inserts keeping the table sorted; false when the key is already there.
template <typename Key>
bool insert_into(std::vector<std::pair<Key, uint32_t>>& table, Key key, uint32_t value) {
    const auto it = std::lower_bound(table.begin(), table.end(), key,
                                     [](const std::pair<Key, uint32_t>& e, Key k) { return e.first < k; });
    if (it != table.end() && it->first == key) return false;
    table.insert(it, {key, value});
    return true;
}

}  // namespace

std::optional<std::string> Rules::add(std::string_view selector, uint32_t value) {
    std::optional<std::string> error;
    if (selector == "default") {
        if (default_) return "duplicate selector \"default\"";
        default_ = value;
    } else {
        const std::size_t colon = selector.find(':');
        const std::string_view kind = selector.substr(0, colon);
        const std::string_view arg = colon == std::string_view::npos ? std::string_view{} : selector.substr(colon + 1);
        if (colon == std::string_view::npos || arg.empty()) {
            return "bad selector " + quoted(selector) +
                   ": expected net:CIDR, asn:N, region:CC-SUB, country:CC, continent:XX or default";
        }
        if (kind == "net") {
            error = nets_.add(arg, value);
        } else if (kind == "asn") {
            error = add_asn(arg, value);
        } else if (kind == "region") {
            error = add_region(arg, value);
        } else if (kind == "country") {
            error = add_country(arg, value);
        } else if (kind == "continent") {
            error = add_continent(arg, value);
        } else {
            return "unknown selector kind " + quoted(kind) + " in " + quoted(selector) +
                   ": expected net, asn, region, country, continent or default";
        }
    }
    if (error) return error;
    ++size_;
    return std::nullopt;
}

std::optional<std::string> Rules::add_asn(std::string_view text, uint32_t value) {
    std::string_view digits = text;
    if (digits.size() > 2 && (digits[0] == 'A' || digits[0] == 'a') && (digits[1] == 'S' || digits[1] == 's'))
        digits.remove_prefix(2);
    uint32_t asn = 0;
    const char* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, asn);
    if (digits.empty() || ec != std::errc{} || ptr != end)
        return "bad AS number " + quoted(text) + ": expected a number from 1 to 4294967295, e.g. asn:15169";
    if (asn == 0) return "bad AS number " + quoted(text) + ": AS 0 is reserved (RFC 7607) and never matches";
    if (!insert_into(asns_, asn, value)) return "duplicate selector \"asn:" + std::to_string(asn) + "\"";
    return std::nullopt;
}

std::optional<std::string> Rules::add_region(std::string_view text, uint32_t value) {
    const auto bad = [&](const std::string& why) {
        return "bad region " + quoted(text) + ": " + why + " (expected an ISO 3166-2 code such as US-CA or GB-ENG)";
    };
    if (text.size() < 4 || text.size() > 6 || text[2] != '-') return bad("not of the form CC-SUB");
    const CountryCode country = CountryCode::from(text.substr(0, 2));
    if (country.size() != 2 || !is_country(country.view()))
        return bad("unknown country code " + quoted(text.substr(0, 2)));
    const SubdivisionCode subdivision = SubdivisionCode::from(text.substr(3));
    if (subdivision.size() != text.size() - 3) return bad("the subdivision must be 1 to 3 letters or digits");
    if (!insert_into(regions_, region_key(country, subdivision), value))
        return "duplicate selector \"region:" + std::string(country.view()) + "-" + std::string(subdivision.view()) + "\"";
    return std::nullopt;
}

std::optional<std::string> Rules::add_country(std::string_view text, uint32_t value) {
    const CountryCode country = CountryCode::from(text);
    if (text.size() != 2 || !is_country(country.view()))
        return "unknown country code " + quoted(text) + ": expected ISO 3166-1 alpha-2, e.g. country:JP";
    if (!insert_into(countries_, pack(country), value))
        return "duplicate selector \"country:" + std::string(country.view()) + "\"";
    return std::nullopt;
}

std::optional<std::string> Rules::add_continent(std::string_view text, uint32_t value) {
    const ContinentCode continent = ContinentCode::from(text);
    const auto index = text.size() == 2 ? continent_index(continent.view()) : std::nullopt;
    if (!index) return "unknown continent code " + quoted(text) + ": expected one of AF AN AS EU NA OC SA";
    if (continents_[*index]) return "duplicate selector \"continent:" + std::string(continent.view()) + "\"";
    continents_[*index] = value;
    has_continent_rule_ = true;
    return std::nullopt;
}

Match Rules::match(const Address& client, const Location& location) const noexcept {
    const NetRuleMatch net = nets_.match_with_scope(client);
    if (net.hit) return Match{true, net.hit->value, Selector::net, net.scope_prefix_len};

    uint8_t scope = net.scope_prefix_len;
    if (needs_location()) {
        scope = std::min(std::max(scope, location.prefix_len), client.bit_length());
        const auto decided = [&](uint32_t value, Selector by) { return Match{true, value, by, scope}; };
        if (location.asn != 0)
            if (const auto v = find_in(asns_, location.asn)) return decided(*v, Selector::asn);
        if (!location.country.empty() && !location.subdivision.empty())
            if (const auto v = find_in(regions_, region_key(location.country, location.subdivision)))
                return decided(*v, Selector::region);
        if (!location.country.empty())
            if (const auto v = find_in(countries_, pack(location.country))) return decided(*v, Selector::country);
        if (const auto index = continent_index(location.continent.view()))
            if (const auto& v = continents_[*index]) return decided(*v, Selector::continent);
    }
    if (default_) return Match{true, *default_, Selector::fallback, scope};
    return Match{false, 0, Selector::none, scope};
}

}  // namespace geo
