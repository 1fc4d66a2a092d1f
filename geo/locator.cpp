// locator.cpp -- merging the answers of several databases, first one wins per field.
#include "geo/locator.hpp"

#include <algorithm>
#include <utility>

namespace geo {

namespace {

bool is_complete(const Location& l) noexcept {
    return !l.country.empty() && !l.continent.empty() && !l.subdivision.empty() && l.has_coordinates && l.asn != 0;
}

void fill_missing(Location& into, const Location& from) noexcept {
    into.found = into.found || from.found;
    into.prefix_len = std::max(into.prefix_len, from.prefix_len);
    if (into.country.empty()) into.country = from.country;
    if (into.continent.empty() && (into.country.empty() || into.country == from.country))
        into.continent = from.continent;
    if (into.subdivision.empty() && !from.subdivision.empty() && into.country == from.country)
        into.subdivision = from.subdivision;
    if (!into.has_coordinates && from.has_coordinates) {
        into.has_coordinates = true;
        into.latitude = from.latitude;
        into.longitude = from.longitude;
    }
    if (into.asn == 0) into.asn = from.asn;
}

// Asks each database in order until every field is known.
template <typename LookupOne>
Location merge(std::span<const Database> databases, LookupOne&& lookup_one) noexcept {
    Location out;
    for (const Database& db : databases) {
        fill_missing(out, lookup_one(db));
        if (is_complete(out)) break;
    }
    return out;
}

}  // namespace

common::Result<Locator> Locator::open(const std::vector<std::string>& paths) {
    Locator locator;
    common::Errors errors;
    for (const auto& path : paths) {
        auto db = Database::open(path);
        if (!db) {
            for (const auto& e : db.error()) errors.push_back(e);
            continue;
        }
        locator.add(std::move(*db));
    }
    if (!errors.empty()) return errors;
    return locator;
}

void Locator::add(Database database) { databases_.push_back(std::move(database)); }

bool Locator::has_asn() const noexcept {
    return std::any_of(databases_.begin(), databases_.end(), [](const Database& d) { return d.schema().asn; });
}

Location Locator::lookup(const Address& address) const noexcept {
    return merge(databases_, [&](const Database& db) { return db.lookup(address); });
}

Location Locator::lookup(const Address& address, LocationCache& cache) const noexcept {
    return merge(databases_, [&](const Database& db) { return db.lookup(address, cache); });
}

}  // namespace geo
