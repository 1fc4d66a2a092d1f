// mmdb_writer.hpp -- Writer: builds MaxMind DB (format 2.0) files for tests, benchmarks and dnsd-mmdb.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "geo/address.hpp"

namespace mmdb {

/// One value of the MaxMind DB data section: the types dnsd's databases use (string, double,
/// float, unsigned 16/32/64-bit, signed 32-bit, boolean, map, array). Maps keep insertion order.
class Value {
public:
    /// The type numbers of the MaxMind DB spec, section "Output Data Section".
    enum class Type : uint8_t { string = 2, f64 = 3, u16 = 5, u32 = 6, map = 7, i32 = 8, u64 = 9, array = 11, boolean = 14, f32 = 15 };
    using Map = std::vector<std::pair<std::string, Value>>;
    using Array = std::vector<Value>;

    static Value string(std::string text);
    static Value f64(double number);
    static Value f32(float number);
    static Value u16(uint16_t number);
    static Value u32(uint32_t number);
    static Value u64(uint64_t number);
    static Value i32(int32_t number);
    static Value boolean(bool flag);
    static Value map(Map entries);
    static Value array(Array items);

    [[nodiscard]] Type type() const noexcept { return type_; }
    [[nodiscard]] const std::string& text() const noexcept { return text_; }
    [[nodiscard]] double f64_value() const noexcept { return f64_; }
    [[nodiscard]] float f32_value() const noexcept { return f32_; }
    [[nodiscard]] uint64_t unsigned_value() const noexcept { return unsigned_; }
    [[nodiscard]] int32_t i32_value() const noexcept { return i32_; }
    [[nodiscard]] const Map& entries() const noexcept { return map_; }
    [[nodiscard]] const Array& items() const noexcept { return array_; }

private:
    Type type_ = Type::map;
    std::string text_;
    double f64_ = 0;
    float f32_ = 0;
    uint64_t unsigned_ = 0;  // u16, u32, u64 and boolean (0/1)
    int32_t i32_ = 0;
    Map map_;
    Array array_;
};

/// The fields dnsd reads, for building records of either layout. Empty strings and a zero ASN
/// mean "absent"; coordinates are written only when both are set.
struct GeoFields {
    std::string country;      ///< ISO 3166-1 alpha-2
    std::string continent;    ///< AF AN AS EU NA OC SA
    std::string subdivision;  ///< ISO 3166-2 part after "CC-"
    std::optional<double> latitude;
    std::optional<double> longitude;
    uint32_t asn = 0;
};

/// A GeoIP2-City-like record: {continent: {code}, country: {iso_code}, location: {latitude,
/// longitude} (doubles), subdivisions: [{iso_code}], autonomous_system_number (uint32)}.
[[nodiscard]] Value city_record(const GeoFields& fields);

/// A flat record as DB-IP lite / ip-location-db files have it: {country_code, subdivision,
/// latitude, longitude (floats), autonomous_system_number}. No continent: readers derive it.
[[nodiscard]] Value flat_record(const GeoFields& fields);

/// How the file is laid out and described.
struct WriterOptions {
    uint16_t ip_version = 6;   ///< 6: IPv6 tree, IPv4 networks at ::/96; 4: IPv4-only tree
    uint16_t record_size = 0;  ///< 24, 28 or 32 bits; 0 = the smallest that fits
    std::string database_type = "dnsd-test";
    std::string description = "dnsd test database";
    std::vector<std::string> languages = {"en"};
    /// Seconds since 1970; 0 = the time of serialize(). Readers reject a build_epoch of 0 in the
    /// file, so a reproducible build passes a fixed value instead.
    uint64_t build_epoch = 0;
    /// Point ::ffff:0:0/96 at the IPv4 subtree, as MaxMind's own databases do (IPv6 trees only).
    bool alias_ipv4_mapped = true;
};

/// Collects networks -> records, then serializes a complete .mmdb image.
///
/// A more specific network wins over a less specific one that contains it, whatever the
/// insertion order (the reader then reports the longest prefix that leads to the record, which
/// for the remainder of a split network is longer than the network itself, as with any MMDB
/// writer). Identical records are stored once; repeated strings (map keys, codes) become
/// data-section pointers.
class Writer {
public:
    explicit Writer(WriterOptions options = {});

    /// Adds "192.0.2.0/24" or "2001:db8::/32" -> record. Errors: malformed CIDR or host bits set,
    /// an IPv6 network in an IPv4 database, the same network twice.
    [[nodiscard]] std::optional<std::string> insert(std::string_view cidr, const Value& record);
    [[nodiscard]] std::optional<std::string> insert(const geo::Network& network, const Value& record);

    /// The complete file. Errors when the tree does not fit the requested record size.
    [[nodiscard]] common::Result<std::vector<uint8_t>> serialize() const;

    /// Serializes to `path` (via a temporary file renamed into place); returns the size written.
    [[nodiscard]] common::Result<std::size_t> write_file(const std::string& path) const;

    [[nodiscard]] std::size_t size() const noexcept { return networks_.size(); }
    [[nodiscard]] const WriterOptions& options() const noexcept { return options_; }

private:
    struct Entry {
        geo::Network network;
        uint32_t record = 0;  // index into records_
    };

    WriterOptions options_;
    std::vector<Entry> networks_;
    std::vector<Value> records_;
    std::map<std::vector<uint8_t>, uint32_t> record_index_;  // canonical encoding -> records_ index
    std::set<std::tuple<geo::Family, std::array<uint8_t, 16>, uint8_t>> seen_;
};

}  // namespace mmdb
