// csv_compiler_test.cpp -- dnsd-mmdb's CSV format: accepted rows, every error at file:line:column.
#include "tools/mmdb/csv_compiler.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "geo/database.hpp"
#include "test_paths.hpp"

namespace {

geo::Address addr(const char* text) { return geo::Address::parse(text).value(); }

std::string errors_of(std::string_view csv) {
    auto writer = mmdb::compile_csv(csv, "geo.csv");
    return writer ? std::string("(no error)") : common::format_errors(writer.error());
}

TEST(GeoCsvCompiler, CompilesRows) {
    const std::string csv =
        "# comment\n"
        "network,country,continent,subdivision,latitude,longitude,asn\n"
        "\n"
        "192.0.2.0/24, de ,,HE,50.11,8.68,AS64500\r\n"
        "  # indented comment\n"
        "2001:db8::/32,JP,AS,,35.68,139.75,\n"
        "203.0.113.0/24,,,,,,64501\n"
        "198.51.100.0/24,,OC,,,,\n";
    auto writer = mmdb::compile_csv(csv, "geo.csv");
    ASSERT_TRUE(writer) << common::format_errors(writer.error());
    EXPECT_EQ(writer->size(), 4U);
    const geo_test::TempFile file;
    ASSERT_TRUE(writer->write_file(file.path()));
    const auto db = geo::Database::open(file.path());
    ASSERT_TRUE(db);
    geo::Location l = db->lookup(addr("192.0.2.1"));
    EXPECT_EQ(l.country, "DE");
    EXPECT_EQ(l.continent, "EU") << "derived";
    EXPECT_EQ(l.subdivision, "HE");
    EXPECT_EQ(l.asn, 64500U);
    EXPECT_EQ(db->lookup(addr("2001:db8::1")).country, "JP");
    EXPECT_EQ(db->lookup(addr("203.0.113.1")).asn, 64501U);
    EXPECT_EQ(db->lookup(addr("198.51.100.1")).continent, "OC");
}

TEST(GeoCsvCompiler, SixColumnHeaderAndFlatLayout) {
    mmdb::CsvOptions options;
    options.layout = mmdb::RecordLayout::flat;
    auto writer = mmdb::compile_csv("network,country,continent,subdivision,latitude,longitude\n10.0.0.0/8,BR,,,-23.5,-46.6\n",
                                    "geo.csv", options);
    ASSERT_TRUE(writer);
    const geo_test::TempFile file;
    ASSERT_TRUE(writer->write_file(file.path()));
    const auto db = geo::Database::open(file.path());
    ASSERT_TRUE(db);
    EXPECT_TRUE(db->schema().flat);
    EXPECT_EQ(db->lookup(addr("10.1.1.1")).continent, "SA");
}

TEST(GeoCsvCompiler, ReportsEveryErrorWithLineAndColumn) {
    const std::string csv =
        "network,country,continent,subdivision,latitude,longitude,asn\n"   // 1
        "10.0.0.1/8,DE,,,,,\n"                                             // 2
        "10.0.0.0/8,XX,,,,,\n"                                             // 3
        "11.0.0.0/8,DE,EUR,,,,\n"                                          // 4
        "12.0.0.0/8,DE,,HESSE,,,\n"                                        // 5
        "13.0.0.0/8,,,CA,,,1\n"                                            // 6
        "14.0.0.0/8,DE,,,95,8,\n"                                          // 7
        "15.0.0.0/8,DE,,,50,,\n"                                           // 8
        "16.0.0.0/8,DE,,,5o,8,\n"                                          // 9
        "17.0.0.0/8,DE,,,,,0\n"                                            // 10
        "18.0.0.0/8,DE,,\n"                                                // 11
        "19.0.0.0/8,,,,,,\n"                                               // 12
        "20.0.0.0/8,DE,,,,,\n"                                             // 13
        "20.0.0.0/8,FR,,,,,\n";                                            // 14
    EXPECT_EQ(errors_of(csv),
              "geo.csv:2:1: bad network \"10.0.0.1/8\": host bits are set after /8; the network is 10.0.0.0/8\n"
              "geo.csv:3:12: unknown country code \"XX\" (expected ISO 3166-1 alpha-2)\n"
              "geo.csv:4:15: unknown continent code \"EUR\" (expected AF AN AS EU NA OC SA)\n"
              "geo.csv:5:16: bad subdivision \"HESSE\" (expected the 1 to 3 letters or digits after \"CC-\" in "
              "ISO 3166-2, e.g. CA for US-CA)\n"
              "geo.csv:6:14: a subdivision needs a country\n"
              "geo.csv:7:17: latitude \"95\" is outside -90..90\n"
              "geo.csv:8:20: latitude and longitude must be given together\n"
              "geo.csv:9:17: bad latitude \"5o\" (expected decimal degrees)\n"
              "geo.csv:10:19: bad asn \"0\" (expected a number from 1 to 4294967295)\n"
              "geo.csv:11:1: expected 7 fields, found 4\n"
              "geo.csv:12:1: row has no data: give a country, a continent, coordinates or an asn\n"
              "geo.csv:14:1: duplicate network 20.0.0.0/8 (first at line 13)\n");
}

TEST(GeoCsvCompiler, HeaderErrors) {
    EXPECT_EQ(errors_of(""), "geo.csv:1:1: no header line: expected network,country,continent,subdivision,latitude,longitude[,asn]\n");
    EXPECT_EQ(errors_of("# only a comment\n"),
              "geo.csv:2:1: no header line: expected network,country,continent,subdivision,latitude,longitude[,asn]\n");
    EXPECT_EQ(errors_of("network,country\n10.0.0.0/8,DE\n"),
              "geo.csv:1:1: bad header: expected network,country,continent,subdivision,latitude,longitude[,asn]\n");
    EXPECT_EQ(errors_of("network,country,continent,region,latitude,longitude\n"),
              "geo.csv:1:27: bad header: column 4 is \"region\", expected \"subdivision\" "
              "(network,country,continent,subdivision,latitude,longitude[,asn])\n");
}

TEST(GeoTestData, CommittedDatabaseMatchesCsv) {
    // tests/data/maxmind/dnsd-test.mmdb must be what dnsd-mmdb makes of dnsd-test.csv (README.md
    // there says how to regenerate it).
    std::ifstream csv_file(geo_test::maxmind("dnsd-test.csv"), std::ios::binary);
    ASSERT_TRUE(csv_file);
    std::stringstream csv;
    csv << csv_file.rdbuf();
    mmdb::CsvOptions options;
    options.writer.build_epoch = 1700000000;
    auto writer = mmdb::compile_csv(csv.str(), "dnsd-test.csv", options);
    ASSERT_TRUE(writer) << common::format_errors(writer.error());
    const auto image = writer->serialize();
    ASSERT_TRUE(image);

    std::ifstream mmdb_file(geo_test::maxmind("dnsd-test.mmdb"), std::ios::binary);
    ASSERT_TRUE(mmdb_file);
    const std::vector<uint8_t> committed((std::istreambuf_iterator<char>(mmdb_file)), std::istreambuf_iterator<char>());
    EXPECT_TRUE(committed == *image) << "regenerate tests/data/maxmind/dnsd-test.mmdb (see README.md there)";

    const auto db = geo::Database::open(geo_test::maxmind("dnsd-test.mmdb"));
    ASSERT_TRUE(db);
    EXPECT_EQ(db->lookup(addr("192.0.2.1")).country, "DE");
    EXPECT_EQ(db->lookup(addr("2001:db8:3::1")).country, "JP");
    EXPECT_EQ(db->lookup(addr("10.50.1.1")).subdivision, "NV");
    EXPECT_EQ(db->lookup(addr("10.50.2.1")).subdivision, "CA");
    EXPECT_FALSE(db->lookup(addr("127.0.0.1")).found);
}

}  // namespace
