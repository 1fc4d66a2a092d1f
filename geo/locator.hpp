// locator.hpp -- Locator: several Databases asked in order (e.g. City then ASN), fields merged.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "geo/address.hpp"
#include "geo/database.hpp"
#include "geo/location.hpp"
#include "geo/location_cache.hpp"

namespace geo {

/// Composes databases into one Location: for each field, the first database (in the order
/// added) that knows it wins. A City database gives country, continent, subdivision and
/// coordinates; an ASN database after it adds the AS number.
///
/// Fields that belong together are taken together: coordinates as a pair, and a subdivision only
/// from a database that agrees on the country. `found` is true when any database has a record;
/// `prefix_len` is the longest prefix among the databases consulted (the networks of one address
/// are nested, so the longest one is the range over which every consulted answer holds).
/// Databases after the point where every field is known are not consulted.
///
/// Immutable once built; lookups are thread-safe (give each thread its own LocationCache).
/// An empty Locator answers every lookup with a default Location.
class Locator {
public:
    Locator() = default;

    /// Opens each path in order; every failure is reported (one Error per file).
    static common::Result<Locator> open(const std::vector<std::string>& paths);

    /// Appends a database with lower priority than those already added.
    void add(Database database);

    [[nodiscard]] Location lookup(const Address& address) const noexcept;
    [[nodiscard]] Location lookup(const Address& address, LocationCache& cache) const noexcept;

    [[nodiscard]] bool empty() const noexcept { return databases_.empty(); }
    [[nodiscard]] std::span<const Database> databases() const noexcept { return databases_; }
    /// True when some database carries AS numbers (so `asn:` rules can ever match).
    [[nodiscard]] bool has_asn() const noexcept;

private:
    std::vector<Database> databases_;
};

}  // namespace geo
