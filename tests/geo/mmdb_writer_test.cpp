// mmdb_writer_test.cpp -- files written by mmdb::Writer, read back by Database, libmaxminddb and mmdblookup.
#include "tools/mmdb/mmdb_writer.hpp"

#include <gtest/gtest.h>
#include <maxminddb.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include "geo/database.hpp"
#include "test_paths.hpp"

namespace {

using geo::Database;
using geo::Location;
using geo_test::TempFile;
using mmdb::GeoFields;
using mmdb::Value;
using mmdb::Writer;

geo::Address addr(const char* text) { return geo::Address::parse(text).value(); }

GeoFields fields(const char* country, const char* subdivision, double lat, double lon, uint32_t asn = 0) {
    GeoFields f;
    f.country = country;
    f.continent = std::string(geo::continent_of(country));
    f.subdivision = subdivision;
    f.latitude = lat;
    f.longitude = lon;
    f.asn = asn;
    return f;
}

Database write_and_open(const Writer& writer, const TempFile& file) {
    auto written = writer.write_file(file.path());
    if (!written) ADD_FAILURE() << common::format_errors(written.error());
    auto db = Database::open(file.path());
    if (!db) ADD_FAILURE() << common::format_errors(db.error());
    return std::move(*db);
}

// The networks of most tests: nested IPv4 networks, IPv6 networks, one host route.
Writer sample_writer(uint16_t record_size, uint16_t ip_version = 6) {
    mmdb::WriterOptions options;
    options.record_size = record_size;
    options.ip_version = ip_version;
    options.build_epoch = 1700000000;
    Writer w(options);
    EXPECT_FALSE(w.insert("10.0.0.0/8", mmdb::city_record(fields("US", "CA", 37.5, -122.1))));
    EXPECT_FALSE(w.insert("10.1.0.0/16", mmdb::city_record(fields("JP", "13", 35.68, 139.75))));
    EXPECT_FALSE(w.insert("192.0.2.0/24", mmdb::city_record(fields("DE", "HE", 50.11, 8.68, 64500))));
    EXPECT_FALSE(w.insert("198.51.100.7/32", mmdb::city_record(fields("BR", "SP", -23.55, -46.63))));
    if (ip_version == 6) {
        EXPECT_FALSE(w.insert("2001:db8:1::/48", mmdb::city_record(fields("GB", "ENG", 51.5, -0.12, 64501))));
        EXPECT_FALSE(w.insert("2001:db8::/32", mmdb::city_record(fields("AU", "NSW", -33.87, 151.21))));
    }
    return w;
}

void expect_sample_answers(const Database& db) {
    Location l = db.lookup(addr("10.1.2.3"));
    EXPECT_EQ(l.country, "JP");
    EXPECT_EQ(l.continent, "AS");
    EXPECT_EQ(l.subdivision, "13");
    EXPECT_EQ(l.prefix_len, 16);
    EXPECT_NEAR(l.latitude, 35.68, 1e-9);

    // The rest of 10.0.0.0/8 keeps its record; the tree reports the split branch it ended in.
    l = db.lookup(addr("10.2.3.4"));
    EXPECT_EQ(l.country, "US");
    EXPECT_EQ(l.subdivision, "CA");
    EXPECT_EQ(l.prefix_len, 15);
    EXPECT_EQ(db.lookup(addr("10.200.0.1")).prefix_len, 9);
    EXPECT_EQ(db.lookup(addr("10.0.0.1")).prefix_len, 16);

    l = db.lookup(addr("192.0.2.200"));
    EXPECT_EQ(l.country, "DE");
    EXPECT_EQ(l.asn, 64500U);
    EXPECT_EQ(l.prefix_len, 24);
    l = db.lookup(addr("::ffff:192.0.2.1"));
    EXPECT_EQ(l.country, "DE");

    l = db.lookup(addr("198.51.100.7"));
    EXPECT_EQ(l.country, "BR");
    EXPECT_EQ(l.continent, "SA");
    EXPECT_EQ(l.prefix_len, 32);
    l = db.lookup(addr("198.51.100.6"));
    EXPECT_FALSE(l.found);
    EXPECT_EQ(l.prefix_len, 32) << ".6 and .7 differ in the last bit only";
    EXPECT_EQ(db.lookup(addr("198.51.100.8")).prefix_len, 29) << "0000 1000 vs 0000 0111";

    EXPECT_FALSE(db.lookup(addr("8.8.8.8")).found);
}

class GeoMmdbWriterRecordSize : public ::testing::TestWithParam<uint16_t> {};

TEST_P(GeoMmdbWriterRecordSize, RoundTripThroughDatabase) {
    const TempFile file;
    const Database db = write_and_open(sample_writer(GetParam()), file);
    EXPECT_EQ(db.database_type(), "dnsd-test");
    EXPECT_EQ(db.ip_version(), 6);
    EXPECT_TRUE(db.schema().geoip2);
    EXPECT_TRUE(db.schema().asn);
    expect_sample_answers(db);

    Location l = db.lookup(addr("2001:db8:1:abcd::1"));
    EXPECT_EQ(l.country, "GB");
    EXPECT_EQ(l.subdivision, "ENG");
    EXPECT_EQ(l.asn, 64501U);
    EXPECT_EQ(l.prefix_len, 48);
    l = db.lookup(addr("2001:db8:2::1"));
    EXPECT_EQ(l.country, "AU");
    EXPECT_EQ(l.continent, "OC");
    EXPECT_EQ(l.prefix_len, 47) << "the /32 minus the /48 beside it";
    l = db.lookup(addr("2001:db9::1"));
    EXPECT_FALSE(l.found);
}

INSTANTIATE_TEST_SUITE_P(AllSizes, GeoMmdbWriterRecordSize, ::testing::Values(24, 28, 32));

TEST(GeoMmdbWriter, InsertionOrderDoesNotMatter) {
    mmdb::WriterOptions options;
    options.build_epoch = 1;
    Writer forward(options);
    Writer backward(options);
    ASSERT_FALSE(forward.insert("10.0.0.0/8", mmdb::city_record(fields("US", "", 1, 1))));
    ASSERT_FALSE(forward.insert("10.1.0.0/16", mmdb::city_record(fields("JP", "", 2, 2))));
    ASSERT_FALSE(backward.insert("10.1.0.0/16", mmdb::city_record(fields("JP", "", 2, 2))));
    ASSERT_FALSE(backward.insert("10.0.0.0/8", mmdb::city_record(fields("US", "", 1, 1))));
    const TempFile forward_file;
    const TempFile backward_file;
    const Database a = write_and_open(forward, forward_file);
    const Database b = write_and_open(backward, backward_file);
    for (const char* ip : {"10.1.0.1", "10.1.255.255", "10.0.255.255", "10.2.0.0", "10.255.0.1", "11.0.0.1"}) {
        EXPECT_EQ(a.lookup(addr(ip)).country, b.lookup(addr(ip)).country) << ip;
        EXPECT_EQ(a.lookup(addr(ip)).prefix_len, b.lookup(addr(ip)).prefix_len) << ip;
    }
    EXPECT_EQ(b.lookup(addr("10.1.0.1")).country, "JP") << "the /16 inserted first still wins over the /8";
}

TEST(GeoMmdbWriter, Ipv4OnlyTree) {
    const TempFile file;
    Writer w = sample_writer(24, 4);
    EXPECT_EQ(w.insert("2001:db8::/32", mmdb::city_record(fields("GB", "", 1, 1))).value_or(""),
              "IPv6 network 2001:db8::/32 in an IPv4 database");
    const Database db = write_and_open(w, file);
    EXPECT_EQ(db.ip_version(), 4);
    expect_sample_answers(db);
    // An IPv6 client in an IPv4 database: nothing known about all of IPv6, scope 0.
    const Location l = db.lookup(addr("2001:db8::1"));
    EXPECT_FALSE(l.found);
    EXPECT_EQ(l.prefix_len, 0);
}

TEST(GeoMmdbWriter, FlatSchemaDerivesContinent) {
    mmdb::WriterOptions options;
    options.database_type = "DBIP-City-Lite-like";
    options.build_epoch = 1;
    Writer w(options);
    GeoFields de = fields("DE", "HE", 50.11, 8.68);
    de.continent.clear();
    ASSERT_FALSE(w.insert("192.0.2.0/24", mmdb::flat_record(de)));
    GeoFields jp = fields("JP", "", 35.6762, 139.6503);
    ASSERT_FALSE(w.insert("2001:db8::/32", mmdb::flat_record(jp)));
    GeoFields nz;
    nz.country = "NZ";  // no coordinates
    ASSERT_FALSE(w.insert("203.0.113.0/24", mmdb::flat_record(nz)));

    const TempFile file;
    const Database db = write_and_open(w, file);
    EXPECT_TRUE(db.schema().flat);
    EXPECT_FALSE(db.schema().geoip2);
    Location l = db.lookup(addr("192.0.2.1"));
    EXPECT_EQ(l.country, "DE");
    EXPECT_EQ(l.continent, "EU") << "derived from the country";
    EXPECT_EQ(l.subdivision, "HE");
    ASSERT_TRUE(l.has_coordinates);
    EXPECT_NEAR(l.latitude, 50.11, 1e-4) << "stored as float";
    EXPECT_NEAR(l.longitude, 8.68, 1e-4);
    l = db.lookup(addr("2001:db8::5"));
    EXPECT_EQ(l.country, "JP");
    EXPECT_EQ(l.continent, "AS");
    EXPECT_NEAR(l.latitude, 35.6762, 1e-4);
    l = db.lookup(addr("203.0.113.1"));
    EXPECT_EQ(l.continent, "OC");
    EXPECT_FALSE(l.has_coordinates);
}

TEST(GeoMmdbWriter, FlatStateInIsoFormOnly) {
    // ip-location-db puts subdivision names in state1; only "CC-SUB" codes of the same country count.
    mmdb::WriterOptions options;
    options.build_epoch = 1;
    Writer w(options);
    ASSERT_FALSE(w.insert("192.0.2.0/25", Value::map({{"country_code", Value::string("US")},
                                                        {"state1", Value::string("US-CA")}})));
    ASSERT_FALSE(w.insert("192.0.2.128/25", Value::map({{"country_code", Value::string("FR")},
                                                          {"state1", Value::string("Ain")}})));
    ASSERT_FALSE(w.insert("198.51.100.0/24", Value::map({{"country_code", Value::string("FR")},
                                                           {"state1", Value::string("US-CA")}})));
    const TempFile file;
    const Database db = write_and_open(w, file);
    EXPECT_EQ(db.lookup(addr("192.0.2.1")).subdivision, "CA");
    EXPECT_TRUE(db.lookup(addr("192.0.2.129")).subdivision.empty()) << "a name is not a code";
    EXPECT_TRUE(db.lookup(addr("198.51.100.1")).subdivision.empty()) << "another country's code";
}

TEST(GeoMmdbWriter, AsnOnlyDatabase) {
    mmdb::WriterOptions options;
    options.build_epoch = 1;
    options.database_type = "ASN";
    Writer w(options);
    ASSERT_FALSE(w.insert("1.0.0.0/24", Value::map({{"autonomous_system_number", Value::u32(15169)},
                                                     {"autonomous_system_organization", Value::string("Google")}})));
    ASSERT_FALSE(w.insert("2001:db8::/32", Value::map({{"autonomous_system_number", Value::u16(64500)}})));
    ASSERT_FALSE(w.insert("9.0.0.0/8", Value::map({{"autonomous_system_number", Value::u64(4200000000)}})));
    const TempFile file;
    const Database db = write_and_open(w, file);
    EXPECT_TRUE(db.schema().asn);
    EXPECT_EQ(db.lookup(addr("1.0.0.1")).asn, 15169U);
    EXPECT_EQ(db.lookup(addr("2001:db8::1")).asn, 64500U) << "uint16 accepted";
    EXPECT_EQ(db.lookup(addr("9.9.9.9")).asn, 4200000000U) << "uint64 accepted";
}

TEST(GeoMmdbWriter, MalformedFieldsAreIgnoredNotTrusted) {
    mmdb::WriterOptions options;
    options.build_epoch = 1;
    Writer w(options);
    // Wrong types and out-of-range values: each field is dropped, the rest is kept.
    ASSERT_FALSE(w.insert("192.0.2.0/24",
                          Value::map({{"country", Value::map({{"iso_code", Value::string("GB")}})},
                                      {"continent", Value::map({{"code", Value::u32(7)}})},
                                      {"location", Value::map({{"latitude", Value::f64(123.0)},
                                                               {"longitude", Value::f64(1.0)}})},
                                      {"subdivisions", Value::string("not an array")}})));
    ASSERT_FALSE(w.insert("198.51.100.0/24",
                          Value::map({{"country", Value::map({{"iso_code", Value::string("A1")}})}})));
    const TempFile file;
    const Database db = write_and_open(w, file);
    Location l = db.lookup(addr("192.0.2.1"));
    EXPECT_EQ(l.country, "GB");
    EXPECT_EQ(l.continent, "EU") << "derived when the stored one is unusable";
    EXPECT_FALSE(l.has_coordinates) << "latitude 123 is not a latitude";
    EXPECT_TRUE(l.subdivision.empty());
    l = db.lookup(addr("198.51.100.1"));
    EXPECT_TRUE(l.found);
    EXPECT_TRUE(l.country.empty()) << "legacy pseudo-codes such as A1 are not countries";
}

TEST(GeoMmdbWriter, Errors) {
    Writer w;
    EXPECT_FALSE(w.insert("10.0.0.0/8", mmdb::city_record(fields("US", "", 1, 1))));
    EXPECT_EQ(w.insert("10.0.0.0/8", mmdb::city_record(fields("US", "", 1, 1))).value_or(""),
              "duplicate network 10.0.0.0/8");
    EXPECT_EQ(w.insert("10.0.0.1/8", mmdb::city_record(fields("US", "", 1, 1))).value_or(""),
              "bad network \"10.0.0.1/8\": host bits are set after /8; the network is 10.0.0.0/8");
    EXPECT_EQ(w.insert("10.0.0.0/9", Value::string("x")).value_or(""), "a record must be a map");
    EXPECT_EQ(w.size(), 1U);

    mmdb::WriterOptions bad;
    bad.record_size = 26;
    EXPECT_FALSE(Writer(bad).serialize());

    const auto written = w.write_file("/nonexistent-dir/x.mmdb");
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().front().message,
              "cannot create /nonexistent-dir/x.mmdb.tmp: No such file or directory");
}

TEST(GeoMmdbWriter, DeduplicatesRecordsAndStrings) {
    mmdb::WriterOptions options;
    options.build_epoch = 1;
    Writer one(options);
    Writer many(options);
    ASSERT_FALSE(one.insert("10.0.0.0/24", mmdb::city_record(fields("DE", "HE", 50.11, 8.68))));
    for (int i = 0; i < 100; ++i) {
        const std::string cidr = "10.0." + std::to_string(i) + ".0/24";
        ASSERT_FALSE(many.insert(cidr, mmdb::city_record(fields("DE", "HE", 50.11, 8.68))));
    }
    // 100 networks with one record: only the tree grows, not the data section.
    const auto small = one.serialize();
    const auto large = many.serialize();
    ASSERT_TRUE(small && large);
    EXPECT_LT(large->size(), small->size() + 100 * 20);
}

// Reads one path with libmaxminddb directly, independent of geo::Database.
struct Raw {
    MMDB_s mmdb{};
    bool ok = false;
    explicit Raw(const std::string& path) { ok = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &mmdb) == MMDB_SUCCESS; }
    ~Raw() {
        if (ok) MMDB_close(&mmdb);
    }
    Raw(const Raw&) = delete;
    Raw& operator=(const Raw&) = delete;

    MMDB_lookup_result_s lookup(const char* ip) {
        int gai = 0;
        int error = 0;
        auto r = MMDB_lookup_string(&mmdb, ip, &gai, &error);
        EXPECT_EQ(gai, 0);
        EXPECT_EQ(error, MMDB_SUCCESS);
        return r;
    }
};

TEST(GeoMmdbWriter, AliasesV4MappedRange) {
    const TempFile file;
    ASSERT_TRUE(sample_writer(28).write_file(file.path()));
    Raw raw(file.path());
    ASSERT_TRUE(raw.ok);
    // Through libmaxminddb without dnsd's own v4-mapped normalisation: the tree alias must work.
    auto r = raw.lookup("::ffff:10.1.2.3");
    ASSERT_TRUE(r.found_entry);
    EXPECT_EQ(r.netmask, 96 + 16);
    MMDB_entry_data_s data{};
    ASSERT_EQ(MMDB_get_value(&r.entry, &data, "country", "iso_code", nullptr), MMDB_SUCCESS);
    EXPECT_EQ(std::string(data.utf8_string, data.data_size), "JP");

    mmdb::WriterOptions no_alias;
    no_alias.alias_ipv4_mapped = false;
    no_alias.build_epoch = 1;
    Writer w(no_alias);
    ASSERT_FALSE(w.insert("10.0.0.0/8", mmdb::city_record(fields("US", "", 1, 1))));
    const TempFile plain;
    ASSERT_TRUE(w.write_file(plain.path()));
    Raw raw_plain(plain.path());
    EXPECT_FALSE(raw_plain.lookup("::ffff:10.1.2.3").found_entry);
    EXPECT_TRUE(raw_plain.lookup("10.1.2.3").found_entry);
    // geo::Database maps ::ffff:a.b.c.d to IPv4 itself, so it finds the network anyway.
    const Database db = *Database::open(plain.path());
    EXPECT_EQ(db.lookup(addr("::ffff:10.1.2.3")).country, "US");
}

TEST(GeoMmdbWriter, EveryValueTypeAndSizeEncoding) {
    // Strings of 28, 29, 284, 285, 65820 and 65821+ bytes hit every length form of the control
    // byte; the huge first record pushes later strings past 526336 bytes, so that repeating
    // them needs the longer pointer forms.
    const std::string s28(28, 'a'), s29(29, 'b'), s284(284, 'c'), s285(285, 'd'), s65820(65820, 'e'), s65821(65821, 'f');
    const std::string huge(600000, 'g');
    mmdb::WriterOptions options;
    options.build_epoch = 1;
    Writer w(options);
    ASSERT_FALSE(w.insert("10.0.0.0/24", Value::map({{"blob", Value::string(huge)},
                                                      {"country", Value::map({{"iso_code", Value::string("DE")}})}})));
    Value::Array items;
    for (uint32_t i = 0; i < 40; ++i) items.push_back(Value::u32(i * 1000));
    const Value record = Value::map({
        {"country", Value::map({{"iso_code", Value::string("SE")}})},
        {"late key after the blob", Value::string("late string value after the blob")},
        {"s28", Value::string(s28)},
        {"s29", Value::string(s29)},
        {"s284", Value::string(s284)},
        {"s285", Value::string(s285)},
        {"s65820", Value::string(s65820)},
        {"s65821", Value::string(s65821)},
        {"u16", Value::u16(65535)},
        {"u32", Value::u32(0)},
        {"u64", Value::u64(1ULL << 40U)},
        {"i32", Value::i32(-5)},
        {"yes", Value::boolean(true)},
        {"no", Value::boolean(false)},
        {"f32", Value::f32(1.5F)},
        {"f64", Value::f64(-0.125)},
        {"items", Value::array(items)},
    });
    ASSERT_FALSE(w.insert("10.0.1.0/24", record));
    // Same strings again: all of them become pointers, some past 526336 bytes.
    ASSERT_FALSE(w.insert("10.0.2.0/24", Value::map({{"late key after the blob", Value::string("late string value after the blob")},
                                                      {"s65821", Value::string(s65821)},
                                                      {"country", Value::map({{"iso_code", Value::string("SE")}})}})));

    const TempFile file;
    ASSERT_TRUE(w.write_file(file.path()));
    Raw raw(file.path());
    ASSERT_TRUE(raw.ok);
    auto r = raw.lookup("10.0.1.1");
    ASSERT_TRUE(r.found_entry);
    const auto string_at = [&](MMDB_entry_s entry, const char* key) {
        MMDB_entry_data_s d{};
        EXPECT_EQ(MMDB_get_value(&entry, &d, key, nullptr), MMDB_SUCCESS) << key;
        EXPECT_EQ(d.type, static_cast<uint32_t>(MMDB_DATA_TYPE_UTF8_STRING)) << key;
        return std::string(d.utf8_string, d.data_size);
    };
    EXPECT_EQ(string_at(r.entry, "s28"), s28);
    EXPECT_EQ(string_at(r.entry, "s29"), s29);
    EXPECT_EQ(string_at(r.entry, "s284"), s284);
    EXPECT_EQ(string_at(r.entry, "s285"), s285);
    EXPECT_EQ(string_at(r.entry, "s65820"), s65820);
    EXPECT_EQ(string_at(r.entry, "s65821"), s65821);
    MMDB_entry_data_s d{};
    ASSERT_EQ(MMDB_get_value(&r.entry, &d, "u16", nullptr), MMDB_SUCCESS);
    EXPECT_EQ(d.uint16, 65535);
    ASSERT_EQ(MMDB_get_value(&r.entry, &d, "u32", nullptr), MMDB_SUCCESS);
    EXPECT_EQ(d.uint32, 0U);
    ASSERT_EQ(MMDB_get_value(&r.entry, &d, "u64", nullptr), MMDB_SUCCESS);
    EXPECT_EQ(d.uint64, 1ULL << 40U);
    ASSERT_EQ(MMDB_get_value(&r.entry, &d, "i32", nullptr), MMDB_SUCCESS);
    EXPECT_EQ(d.int32, -5);
    ASSERT_EQ(MMDB_get_value(&r.entry, &d, "yes", nullptr), MMDB_SUCCESS);
    EXPECT_TRUE(d.boolean);
    ASSERT_EQ(MMDB_get_value(&r.entry, &d, "no", nullptr), MMDB_SUCCESS);
    EXPECT_FALSE(d.boolean);
    ASSERT_EQ(MMDB_get_value(&r.entry, &d, "f32", nullptr), MMDB_SUCCESS);
    EXPECT_EQ(d.float_value, 1.5F);
    ASSERT_EQ(MMDB_get_value(&r.entry, &d, "f64", nullptr), MMDB_SUCCESS);
    EXPECT_EQ(d.double_value, -0.125);
    ASSERT_EQ(MMDB_get_value(&r.entry, &d, "items", "39", nullptr), MMDB_SUCCESS);
    EXPECT_EQ(d.uint32, 39000U);

    r = raw.lookup("10.0.2.1");
    ASSERT_TRUE(r.found_entry);
    EXPECT_EQ(string_at(r.entry, "late key after the blob"), "late string value after the blob");
    EXPECT_EQ(string_at(r.entry, "s65821"), s65821);
    // And geo::Database reads the same records.
    const Database db = *Database::open(file.path());
    EXPECT_EQ(db.lookup(addr("10.0.2.1")).country, "SE");
    EXPECT_EQ(db.lookup(addr("10.0.0.1")).country, "DE");
}

TEST(GeoMmdbWriter, ManyNetworksRoundTrip) {
    // 4096 networks with 512 distinct records: data offsets beyond 2048 (longer pointers) and
    // a tree big enough to need every level.
    mmdb::WriterOptions options;
    options.build_epoch = 1;
    Writer w(options);
    const auto country_of = [](unsigned i) { return geo::all_countries()[i % 200]; };
    for (unsigned i = 0; i < 4096; ++i) {
        GeoFields f;
        f.country = std::string(country_of(i));
        f.latitude = static_cast<double>(i % 512) / 10.0;
        f.longitude = -static_cast<double>(i % 512) / 10.0;
        const std::string cidr = "10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/24";
        ASSERT_FALSE(w.insert(cidr, mmdb::city_record(f)));
        std::array<char, 32> cidr6{};
        std::snprintf(cidr6.data(), cidr6.size(), "2001:db8:%x::/48", i);
        if (i < 1024) {
            ASSERT_FALSE(w.insert(cidr6.data(), mmdb::city_record(f)));
        }
    }
    const TempFile file;
    const Database db = write_and_open(w, file);
    geo::LocationCache cache;
    for (unsigned i = 0; i < 4096; i += 7) {
        const std::string ip = "10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".9";
        const Location l = db.lookup(addr(ip.c_str()), cache);
        EXPECT_EQ(l.country, country_of(i)) << ip;
        EXPECT_EQ(l.latitude, static_cast<double>(i % 512) / 10.0) << ip;
        EXPECT_EQ(l.prefix_len, 24) << ip;
    }
    const Location l = db.lookup(addr("2001:db8:3ff::1"));
    EXPECT_EQ(l.country, country_of(0x3ff));
    EXPECT_EQ(l.prefix_len, 48);
}

TEST(GeoMmdbWriter, CorruptTreeIsNotFatal) {
    // Follow ::192.0.2.77 down the 24-bit tree for 116 bits, then point the next record past the
    // end of the file: libmaxminddb reports a corrupt tree for that branch only.
    auto image = sample_writer(24).serialize();
    ASSERT_TRUE(image);
    std::array<uint8_t, 16> path{};
    path[12] = 192;
    path[14] = 2;
    path[15] = 77;
    const auto bit = [&](unsigned i) { return (static_cast<unsigned>(path[i / 8]) >> (7 - i % 8)) & 1U; };
    const auto record_offset = [&](uint32_t node, unsigned depth) { return node * 6U + bit(depth) * 3U; };
    uint32_t node = 0;
    for (unsigned depth = 0; depth < 116; ++depth) {
        const uint32_t at = record_offset(node, depth);
        node = static_cast<uint32_t>((*image)[at] << 16U | (*image)[at + 1] << 8U | (*image)[at + 2]);
    }
    const uint32_t at = record_offset(node, 116);
    (*image)[at] = (*image)[at + 1] = (*image)[at + 2] = 0xFF;

    const TempFile file;
    {
        std::ofstream out(file.path(), std::ios::binary);
        out.write(reinterpret_cast<const char*>(image->data()), static_cast<std::streamsize>(image->size()));
    }
    const auto db = Database::open(file.path());
    ASSERT_TRUE(db) << common::format_errors(db.error());
    const Location broken = db->lookup(addr("192.0.2.77"));
    EXPECT_FALSE(broken.found);
    EXPECT_EQ(broken.prefix_len, 32) << "a failed lookup is never claimed for anyone else";
    EXPECT_EQ(db->lookup(addr("10.1.2.3")).country, "JP") << "the rest of the tree still answers";
}

// Runs `mmdblookup` (Debian package mmdb-bin) and returns its output, or nullopt when absent.
std::optional<std::string> mmdblookup(const std::string& file, const std::string& ip, const std::string& path) {
    const std::string command = "mmdblookup -f '" + file + "' -i '" + ip + "' " + path + " 2>&1";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return std::nullopt;
    std::string out;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) return std::nullopt;  // sh: command not found
    return out;
}

TEST(GeoMmdbWriter, MmdblookupAgrees) {
    const TempFile file;
    ASSERT_TRUE(sample_writer(28).write_file(file.path()));
    if (!mmdblookup(file.path(), "10.1.2.3", "country iso_code")) {
        GTEST_SKIP() << "mmdblookup is not installed (Debian package mmdb-bin): independent check skipped";
    }
    const auto contains = [&](const char* ip, const char* path, const char* expected) {
        const auto out = mmdblookup(file.path(), ip, path).value_or("");
        EXPECT_NE(out.find(expected), std::string::npos) << "mmdblookup -i " << ip << " " << path << ":\n" << out;
    };
    contains("10.1.2.3", "country iso_code", "\"JP\"");
    contains("::ffff:10.1.2.3", "country iso_code", "\"JP\"");
    contains("10.2.3.4", "subdivisions 0 iso_code", "\"CA\"");
    contains("192.0.2.9", "autonomous_system_number", "64500 <uint32>");
    contains("192.0.2.9", "location latitude", "50.110000 <double>");
    contains("2001:db8:1::1", "country iso_code", "\"GB\"");
    contains("2001:db8:9::1", "continent code", "\"OC\"");
    contains("8.8.8.8", "", "Could not find an entry");
}

}  // namespace
