// database.hpp -- Database: one MaxMind-format .mmdb file (RAII over libmaxminddb), lookup -> Location.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "geo/address.hpp"
#include "geo/location.hpp"
#include "geo/location_cache.hpp"

namespace geo {

/// Which record layouts a database uses, detected when it is opened by sampling its records.
struct Schema {
    /// GeoIP2/GeoLite2 (and DB-IP's GeoIP2-compatible files): `country.iso_code`, `continent.code`,
    /// `subdivisions.0.iso_code`, `location.latitude`, `location.longitude`.
    bool geoip2 = false;
    /// Flat files (ip-location-db, DB-IP lite conversions): `country_code`, `latitude`,
    /// `longitude` (float or double), optional `subdivision` or `state1` when it holds a code.
    /// There is no continent: it is derived from the country (continent_of()).
    bool flat = false;
    /// `autonomous_system_number` (GeoLite2-ASN, ip-location-db ASN files, combined files).
    bool asn = false;

    /// "GeoIP2+ASN", "flat", ...: for logs.
    [[nodiscard]] std::string describe() const;
};

/// One opened .mmdb file, memory-mapped (MMDB_MODE_MMAP). Immutable after open(): lookups from any
/// number of threads are safe. Movable, not copyable; closing unmaps the file.
class Database {
public:
    /// Opens and validates `path`. Errors (file:message) for a missing or unreadable file, a file
    /// that is not a MaxMind DB, corrupt metadata, and a database with none of the fields dnsd uses
    /// (e.g. a Connection-Type database).
    static common::Result<Database> open(const std::string& path);

    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    /// Walks the search tree and decodes the record. No allocation. Never throws: corrupt data
    /// yields a Location with the fields that could be read (a lookup error yields found == false
    /// and prefix_len = the full address length).
    [[nodiscard]] Location lookup(const Address& address) const noexcept;

    /// As lookup(address), but decodes each record at most once per `cache` (one cache per thread).
    [[nodiscard]] Location lookup(const Address& address, LocationCache& cache) const noexcept;

    /// Process-unique id (starting at 1, never reused), keying LocationCache entries.
    [[nodiscard]] uint32_t id() const noexcept;
    [[nodiscard]] const std::string& path() const noexcept;
    /// The metadata's `database_type`, e.g. "GeoIP2-City".
    [[nodiscard]] std::string_view database_type() const noexcept;
    /// 4 or 6: the address family of the search tree.
    [[nodiscard]] uint16_t ip_version() const noexcept;
    [[nodiscard]] const Schema& schema() const noexcept;
    /// "GeoIP2-City (GeoIP2 schema, IPv6 tree, 1547 nodes)": for startup logs.
    [[nodiscard]] std::string describe() const;

private:
    struct Impl;
    explicit Database(std::unique_ptr<Impl> impl) noexcept;

    std::unique_ptr<Impl> impl_;
};

}  // namespace geo
