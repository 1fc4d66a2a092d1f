// database_test.cpp -- Database against MaxMind's test databases and their documented answers.
#include "geo/database.hpp"

#include <gtest/gtest.h>

#include <string>

#include "test_paths.hpp"

namespace {

using geo::Database;
using geo::Location;
using geo_test::maxmind;

geo::Address addr(const char* text) { return geo::Address::parse(text).value(); }

Database open_db(const std::string& name) {
    auto db = Database::open(maxmind(name));
    if (!db) ADD_FAILURE() << common::format_errors(db.error());
    return std::move(*db);
}

struct CountryCase {
    const char* ip;
    const char* country;
    const char* continent;
    int prefix_len;  // -1: not documented
};

TEST(GeoDatabase, CountryTestKnownAnswers) {
    const Database db = open_db("GeoIP2-Country-Test.mmdb");
    EXPECT_EQ(db.database_type(), "GeoIP2-Country");
    EXPECT_EQ(db.ip_version(), 6);
    EXPECT_TRUE(db.schema().geoip2);
    EXPECT_FALSE(db.schema().asn);

    const CountryCase cases[] = {
        {"81.2.69.142", "GB", "EU", 31},    {"81.2.69.160", "GB", "EU", 27},   {"2.125.160.216", "GB", "EU", 29},
        {"216.160.83.56", "US", "NA", 29},  {"89.160.20.112", "SE", "EU", 28}, {"89.160.20.128", "SE", "EU", 25},
        {"67.43.156.1", "BT", "AS", 24},    {"202.196.224.1", "PH", "AS", 20}, {"175.16.199.1", "CN", "AS", 24},
        {"111.235.160.1", "CN", "AS", 22},  {"217.65.48.1", "GI", "EU", 29},   {"50.114.0.1", "US", "NA", 22},
        {"149.101.100.1", "US", "NA", 28},  {"74.209.24.1", "US", "NA", 20},   {"214.78.120.1", "US", "NA", 22},
        {"::ffff:81.2.69.142", "GB", "EU", 31}, {"2001:218::1", "JP", "AS", 32}, {"2001:220::1", "KR", "AS", -1},
        {"2a02:d300::1", "UA", "EU", 29},
    };
    for (const auto& c : cases) {
        const Location l = db.lookup(addr(c.ip));
        EXPECT_TRUE(l.found) << c.ip;
        EXPECT_EQ(l.country, c.country) << c.ip;
        EXPECT_EQ(l.continent, c.continent) << c.ip;
        if (c.prefix_len >= 0) {
            EXPECT_EQ(l.prefix_len, c.prefix_len) << c.ip;
        }
        EXPECT_FALSE(l.has_coordinates) << c.ip << ": a Country database has no location";
        EXPECT_TRUE(l.subdivision.empty()) << c.ip;
    }
}

TEST(GeoDatabase, CountryTestNotFound) {
    const Database db = open_db("GeoIP2-Country-Test.mmdb");
    for (const char* ip : {"214.78.124.1", "214.0.0.1", "2.2.3.1", "8.8.8.8", "127.0.0.1", "::1"}) {
        const Location l = db.lookup(addr(ip));
        EXPECT_FALSE(l.found) << ip;
        EXPECT_TRUE(l.empty()) << ip;
    }
    // Not found is still a range: mmdblookup reports 8.8.8.8 at /103 of the IPv6 tree = /7.
    EXPECT_EQ(db.lookup(addr("8.8.8.8")).prefix_len, 7);
    EXPECT_EQ(db.lookup(addr("127.0.0.1")).prefix_len, 8);
    EXPECT_EQ(db.lookup(addr("214.78.124.1")).prefix_len, 22);
}

TEST(GeoDatabase, AnycastRecordIsFoundWithoutFields) {
    const Database db = open_db("GeoIP2-Country-Test.mmdb");
    const Location l = db.lookup(addr("214.1.1.1"));
    EXPECT_TRUE(l.found);
    EXPECT_TRUE(l.empty()) << "only traits.is_anycast: no country, no continent";
    EXPECT_EQ(l.prefix_len, 24);
}

struct CityCase {
    const char* ip;
    const char* country;
    const char* continent;
    double lat;
    double lon;
    const char* subdivision;
};

TEST(GeoDatabase, CityTestKnownAnswers) {
    const Database db = open_db("GeoIP2-City-Test.mmdb");
    EXPECT_EQ(db.database_type(), "GeoIP2-City");
    const CityCase cases[] = {
        {"81.2.69.142", "GB", "EU", 51.5142, -0.0931, "ENG"},   {"81.2.69.160", "GB", "EU", 51.5142, -0.0931, "ENG"},
        {"2.125.160.216", "GB", "EU", 51.75, -1.25, "ENG"},     {"2.2.3.1", "GB", "EU", 51.75, -1.25, "ENG"},
        {"216.160.83.56", "US", "NA", 47.2513, -122.3149, "WA"}, {"89.160.20.112", "SE", "EU", 58.4167, 15.6167, "E"},
        {"89.160.20.128", "SE", "EU", 58.4167, 15.6167, "E"},   {"67.43.156.1", "BT", "AS", 27.5, 90.5, ""},
        {"202.196.224.1", "PH", "AS", 13.0, 122.0, ""},         {"175.16.199.1", "CN", "AS", 43.88, 125.3228, "22"},
        {"149.101.100.1", "US", "NA", 37.751, -97.822, ""},     {"214.78.120.1", "US", "NA", 32.7405, -117.0935, "CA"},
        {"214.78.124.1", "US", "NA", 36.7783, -119.4179, "CA"}, {"214.0.0.1", "SG", "AS", 1.336, 103.7716, ""},
        {"214.0.1.1", "AU", "OC", -37.8159, 144.9669, "VIC"},   {"::ffff:81.2.69.142", "GB", "EU", 51.5142, -0.0931, "ENG"},
        {"2001:218::1", "JP", "AS", 35.68536, 139.75309, ""},   {"2001:220::1", "KR", "AS", 37.0, 127.5, ""},
        {"2a02:d300::1", "UA", "EU", 49.0, 32.0, ""},
    };
    for (const auto& c : cases) {
        const Location l = db.lookup(addr(c.ip));
        EXPECT_TRUE(l.found) << c.ip;
        EXPECT_EQ(l.country, c.country) << c.ip;
        EXPECT_EQ(l.continent, c.continent) << c.ip;
        EXPECT_EQ(l.subdivision, c.subdivision) << c.ip;
        ASSERT_TRUE(l.has_coordinates) << c.ip;
        EXPECT_NEAR(l.latitude, c.lat, 1e-4) << c.ip;
        EXPECT_NEAR(l.longitude, c.lon, 1e-4) << c.ip;
        EXPECT_EQ(l.asn, 0U) << c.ip;
    }
    EXPECT_EQ(db.lookup(addr("214.78.120.1")).prefix_len, 22);
    EXPECT_EQ(db.lookup(addr("214.78.124.1")).prefix_len, 24);
    EXPECT_EQ(db.lookup(addr("2.2.3.1")).prefix_len, 24);
    EXPECT_EQ(db.lookup(addr("81.2.69.142")).prefix_len, 31);

    for (const char* ip : {"111.235.160.1", "217.65.48.1", "50.114.0.1", "74.209.24.1", "8.8.8.8", "127.0.0.1", "::1"})
        EXPECT_FALSE(db.lookup(addr(ip)).found) << ip;
    const Location anycast = db.lookup(addr("214.1.1.1"));
    EXPECT_TRUE(anycast.found);
    EXPECT_TRUE(anycast.empty());
}

TEST(GeoDatabase, GeoLite2CityTest) {
    const Database db = open_db("GeoLite2-City-Test.mmdb");
    Location l = db.lookup(addr("175.16.199.1"));
    EXPECT_EQ(l.country, "CN");
    l = db.lookup(addr("214.78.0.1"));
    EXPECT_EQ(l.country, "US");
    EXPECT_NEAR(l.latitude, 32.6783, 1e-4);
    EXPECT_NEAR(l.longitude, -117.1291, 1e-4);
    EXPECT_EQ(l.prefix_len, 19);
    for (const char* ip : {"111.235.160.1", "217.65.48.1", "50.114.0.1", "149.101.100.1", "214.78.120.1", "214.1.1.1"})
        EXPECT_FALSE(db.lookup(addr(ip)).found) << ip;
}

TEST(GeoDatabase, AsnTestKnownAnswers) {
    const Database db = open_db("GeoLite2-ASN-Test.mmdb");
    EXPECT_TRUE(db.schema().asn);
    EXPECT_FALSE(db.schema().geoip2);
    const std::pair<const char*, uint32_t> cases[] = {
        {"1.0.0.1", 15169}, {"1.128.0.1", 1221}, {"12.81.92.1", 7018}, {"18.1.1.1", 3}, {"2001:1700::1", 6730}};
    for (const auto& [ip, asn] : cases) {
        const Location l = db.lookup(addr(ip));
        EXPECT_TRUE(l.found) << ip;
        EXPECT_EQ(l.asn, asn) << ip;
        EXPECT_TRUE(l.country.empty()) << ip;
    }
    EXPECT_EQ(db.lookup(addr("1.0.0.1")).prefix_len, 24);
    EXPECT_EQ(db.lookup(addr("2001:1700::1")).prefix_len, 27);
    EXPECT_FALSE(db.lookup(addr("81.2.69.142")).found);
}

TEST(GeoDatabase, CachedLookupsMatchUncached) {
    const Database city = open_db("GeoIP2-City-Test.mmdb");
    const Database asn = open_db("GeoLite2-ASN-Test.mmdb");
    geo::LocationCache cache(16);
    const char* ips[] = {"81.2.69.142", "81.2.69.160", "2.125.160.216", "2.2.3.1",   "216.160.83.56", "89.160.20.112",
                         "214.1.1.1",   "8.8.8.8",     "2001:218::1",   "1.0.0.1",   "12.81.92.1",    "2001:1700::1"};
    for (int round = 0; round < 3; ++round) {
        for (const char* ip : ips) {
            for (const Database* db : {&city, &asn}) {
                const Location a = db->lookup(addr(ip));
                const Location b = db->lookup(addr(ip), cache);
                EXPECT_EQ(a.found, b.found) << ip;
                EXPECT_EQ(a.prefix_len, b.prefix_len) << ip;
                EXPECT_EQ(a.country, b.country) << ip;
                EXPECT_EQ(a.continent, b.continent) << ip;
                EXPECT_EQ(a.subdivision, b.subdivision) << ip;
                EXPECT_EQ(a.has_coordinates, b.has_coordinates) << ip;
                EXPECT_EQ(a.latitude, b.latitude) << ip;
                EXPECT_EQ(a.longitude, b.longitude) << ip;
                EXPECT_EQ(a.asn, b.asn) << ip;
            }
        }
    }
    EXPECT_GT(cache.hits(), 0U);
}

TEST(GeoDatabase, CacheMemoizesPerRecord) {
    // dnsd-test.mmdb stores one record for 192.0.2.0/24 and 2001:db8:1::/48 (same fields).
    const Database db = open_db("dnsd-test.mmdb");
    geo::LocationCache cache;
    const Location a = db.lookup(addr("192.0.2.1"), cache);
    EXPECT_EQ(cache.misses(), 1U);
    const Location b = db.lookup(addr("2001:db8:1::1"), cache);
    EXPECT_EQ(cache.hits(), 1U) << "the second network reuses the decoded record";
    EXPECT_EQ(a.prefix_len, 24);
    EXPECT_EQ(b.prefix_len, 48) << "the prefix comes from the tree, not from the cache";
    EXPECT_EQ(b.subdivision, "HE");
    // Not-found lookups never touch the cache.
    (void)db.lookup(addr("8.8.8.8"), cache);
    EXPECT_EQ(cache.hits() + cache.misses(), 2U);
}

TEST(GeoDatabase, CacheKeepsDatabasesApart) {
    // Two databases opened from one file have different ids: a shared cache never mixes them.
    const Database first = open_db("GeoIP2-City-Test.mmdb");
    const Database second = open_db("GeoIP2-Country-Test.mmdb");
    EXPECT_NE(first.id(), second.id());
    geo::LocationCache cache(1);  // one slot: every lookup collides
    EXPECT_TRUE(first.lookup(addr("81.2.69.142"), cache).has_coordinates);
    EXPECT_FALSE(second.lookup(addr("81.2.69.142"), cache).has_coordinates);
    EXPECT_TRUE(first.lookup(addr("81.2.69.142"), cache).has_coordinates);
}

TEST(GeoDatabase, MovesKeepWorking) {
    Database db = open_db("GeoIP2-Country-Test.mmdb");
    const uint32_t id = db.id();
    Database moved = std::move(db);
    EXPECT_EQ(moved.id(), id);
    EXPECT_EQ(moved.lookup(addr("81.2.69.142")).country, "GB");
    Database assigned = open_db("GeoLite2-ASN-Test.mmdb");
    assigned = std::move(moved);
    EXPECT_EQ(assigned.lookup(addr("81.2.69.142")).country, "GB");
    EXPECT_EQ(assigned.describe(), "GeoIP2-Country (GeoIP2 schema, IPv6 tree, 1704 nodes)");
}

TEST(GeoDatabase, MissingFileIsAClearError) {
    const auto db = Database::open(maxmind("does-not-exist.mmdb"));
    ASSERT_FALSE(db);
    ASSERT_EQ(db.error().size(), 1U);
    EXPECT_EQ(db.error().front().file, maxmind("does-not-exist.mmdb"));
    EXPECT_EQ(db.error().front().message,
              "cannot open MaxMind database: Error opening the specified MaxMind DB file (No such file or directory)");
}

TEST(GeoDatabase, NotAMaxMindFileIsAClearError) {
    const auto db = Database::open(maxmind("README.md"));
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().front().message,
              "cannot open MaxMind database: The MaxMind DB file contains invalid metadata");
}

TEST(GeoDatabase, CorruptMetadataIsAClearError) {
    const auto db = Database::open(maxmind("GeoIP2-City-Test-Invalid-Node-Count.mmdb"));
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().front().to_string(),
              maxmind("GeoIP2-City-Test-Invalid-Node-Count.mmdb") +
                  ": cannot open MaxMind database: The MaxMind DB file contains invalid metadata");
}

TEST(GeoDatabase, UnusableSchemaIsAClearError) {
    for (const char* name : {"GeoIP2-Connection-Type-Test.mmdb", "MaxMind-DB-no-ipv4-search-tree.mmdb",
                             "MaxMind-DB-test-broken-pointers-24.mmdb", "MaxMind-DB-test-broken-search-tree-24.mmdb"}) {
        const auto db = Database::open(maxmind(name));
        ASSERT_FALSE(db) << name;
        EXPECT_NE(db.error().front().message.find("has none of the fields dnsd reads"), std::string::npos)
            << db.error().front().message;
    }
    const auto db = Database::open(maxmind("GeoIP2-Connection-Type-Test.mmdb"));
    EXPECT_EQ(db.error().front().message,
              "database type \"GeoIP2-Connection-Type\" has none of the fields dnsd reads (country.iso_code, "
              "continent.code, location, country_code, latitude, autonomous_system_number)");
}

TEST(GeoDatabase, BrokenDoubleIsSkippedNotFatal) {
    const Database db = open_db("GeoIP2-City-Test-Broken-Double-Format.mmdb");
    for (const char* ip : {"81.2.69.142", "81.2.69.160", "2.125.160.216", "216.160.83.56", "2001:218::1"}) {
        const Location l = db.lookup(addr(ip));
        EXPECT_TRUE(l.found) << ip;
        EXPECT_FALSE(l.country.empty()) << ip;
    }
    // The malformed latitude costs the coordinates, nothing else.
    const Location l = db.lookup(addr("81.2.69.142"));
    EXPECT_EQ(l.country, "GB");
    EXPECT_FALSE(l.has_coordinates);
}

}  // namespace
