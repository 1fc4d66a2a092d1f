// codes_test.cpp -- country and continent tables, Code<N>.
#include "geo/codes.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace {

TEST(GeoCodes, KnowsEveryCurrentCountry) {
    // 249 ISO 3166-1 alpha-2 codes plus XK.
    EXPECT_EQ(geo::all_countries().size(), 250U);
    EXPECT_TRUE(std::is_sorted(geo::all_countries().begin(), geo::all_countries().end()));
    for (const char* code : {"DE", "US", "JP", "GB", "BR", "AU", "ZA", "AQ", "XK", "SS", "CW", "SX", "BQ", "TL", "PS"})
        EXPECT_TRUE(geo::is_country(code)) << code;
}

TEST(GeoCodes, RejectsUnknownAndRetiredCodes) {
    // UK is not ISO (GB is); AN, CS, YU, ZR, TP were withdrawn; EU and AP were GeoIP legacy pseudo-codes.
    for (const char* code : {"UK", "AN", "CS", "YU", "ZR", "TP", "EU", "AP", "A1", "XX", "ZZ", "", "D", "DEU", "de"})
        EXPECT_FALSE(geo::is_country(code)) << code;
}

TEST(GeoCodes, Continents) {
    for (const char* code : {"AF", "AN", "AS", "EU", "NA", "OC", "SA"}) EXPECT_TRUE(geo::is_continent(code)) << code;
    for (const char* code : {"AQ", "AM", "ME", "eu", "", "EUR"}) EXPECT_FALSE(geo::is_continent(code)) << code;
}

TEST(GeoCodes, ContinentOfCountryFollowsGeoNames) {
    EXPECT_EQ(geo::continent_of("DE"), "EU");
    EXPECT_EQ(geo::continent_of("US"), "NA");
    EXPECT_EQ(geo::continent_of("MX"), "NA");
    EXPECT_EQ(geo::continent_of("BR"), "SA");
    EXPECT_EQ(geo::continent_of("JP"), "AS");
    EXPECT_EQ(geo::continent_of("AU"), "OC");
    EXPECT_EQ(geo::continent_of("ZA"), "AF");
    EXPECT_EQ(geo::continent_of("AQ"), "AN");
    // The ones tables disagree on: GeoIP2 (from GeoNames) says these.
    EXPECT_EQ(geo::continent_of("RU"), "EU");
    EXPECT_EQ(geo::continent_of("TR"), "AS");
    EXPECT_EQ(geo::continent_of("CY"), "EU");
    EXPECT_EQ(geo::continent_of("EG"), "AF");
    EXPECT_EQ(geo::continent_of("GE"), "AS");
    EXPECT_EQ(geo::continent_of("PA"), "NA");
    // MaxMind's test data: Bhutan, Philippines, Gibraltar.
    EXPECT_EQ(geo::continent_of("BT"), "AS");
    EXPECT_EQ(geo::continent_of("PH"), "AS");
    EXPECT_EQ(geo::continent_of("GI"), "EU");
    EXPECT_EQ(geo::continent_of("XX"), "");
    EXPECT_EQ(geo::continent_of(""), "");
}

TEST(GeoCodes, EveryCountryHasAValidContinent) {
    std::set<std::string> seen;
    for (const auto code : geo::all_countries()) {
        EXPECT_TRUE(geo::is_continent(geo::continent_of(code))) << code;
        seen.emplace(geo::continent_of(code));
    }
    EXPECT_EQ(seen.size(), 7U) << "every continent has at least one country";
}

TEST(GeoCodes, CodeStoresInlineUpperCase) {
    EXPECT_EQ(geo::CountryCode::from("de"), "DE");
    EXPECT_EQ(geo::CountryCode::from("de").size(), 2U);
    EXPECT_TRUE(geo::CountryCode::from("DEU").empty()) << "too long";
    EXPECT_TRUE(geo::CountryCode::from("D-").empty()) << "not alphanumeric";
    EXPECT_TRUE(geo::CountryCode{}.empty());
    EXPECT_EQ(geo::SubdivisionCode::from("eng"), "ENG");
    EXPECT_EQ(geo::SubdivisionCode::from("13"), "13");
    EXPECT_EQ(geo::SubdivisionCode::from("E").view(), "E");
    EXPECT_EQ(geo::pack(geo::CountryCode::from("US")), 0x5553);
    EXPECT_EQ(geo::pack(geo::CountryCode{}), 0);
}

}  // namespace
