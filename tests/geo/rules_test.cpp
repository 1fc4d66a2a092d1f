// rules_test.cpp -- selector validation, precedence, and the ECS scope of each decision.
#include "geo/rules.hpp"

#include <gtest/gtest.h>

namespace {

using geo::Location;
using geo::Selector;

geo::Address addr(const char* text) { return geo::Address::parse(text).value(); }

Location located(const char* country, const char* continent, const char* subdivision, uint32_t asn,
                 uint8_t prefix_len) {
    Location l;
    l.found = true;
    l.country = geo::CountryCode::from(country);
    l.continent = geo::ContinentCode::from(continent);
    l.subdivision = geo::SubdivisionCode::from(subdivision);
    l.asn = asn;
    l.prefix_len = prefix_len;
    return l;
}

// The example of DESIGN.md plus one selector of every kind.
geo::Rules example() {
    geo::Rules r;
    EXPECT_FALSE(r.add("net:10.0.0.0/8", 0));
    EXPECT_FALSE(r.add("asn:15169", 1));
    EXPECT_FALSE(r.add("region:US-CA", 2));
    EXPECT_FALSE(r.add("country:JP", 3));
    EXPECT_FALSE(r.add("country:US", 4));
    EXPECT_FALSE(r.add("continent:EU", 5));
    EXPECT_FALSE(r.add("continent:NA", 6));
    EXPECT_FALSE(r.add("default", 7));
    return r;
}

TEST(GeoRules, PrecedenceMostSpecificWins) {
    const geo::Rules r = example();
    EXPECT_EQ(r.size(), 8U);
    const geo::Address client = addr("198.51.100.1");

    // Everything known: asn beats region beats country beats continent.
    auto m = r.match(client, located("US", "NA", "CA", 15169, 24));
    EXPECT_EQ(m.by, Selector::asn);
    EXPECT_EQ(m.value, 1U);
    m = r.match(client, located("US", "NA", "CA", 64500, 24));
    EXPECT_EQ(m.by, Selector::region);
    EXPECT_EQ(m.value, 2U);
    m = r.match(client, located("US", "NA", "WA", 0, 24));
    EXPECT_EQ(m.by, Selector::country);
    EXPECT_EQ(m.value, 4U);
    m = r.match(client, located("CA", "NA", "ON", 0, 24));
    EXPECT_EQ(m.by, Selector::continent);
    EXPECT_EQ(m.value, 6U);
    m = r.match(client, located("GB", "EU", "ENG", 0, 24));
    EXPECT_EQ(m.by, Selector::continent);
    EXPECT_EQ(m.value, 5U);
    m = r.match(client, located("BR", "SA", "SP", 0, 24));
    EXPECT_EQ(m.by, Selector::fallback);
    EXPECT_EQ(m.value, 7U);

    // net beats everything, even a location that would match asn.
    m = r.match(addr("10.1.2.3"), located("US", "NA", "CA", 15169, 24));
    EXPECT_EQ(m.by, Selector::net);
    EXPECT_EQ(m.value, 0U);
}

TEST(GeoRules, RegionNeedsTheSameCountry) {
    geo::Rules r;
    ASSERT_FALSE(r.add("region:US-CA", 1));
    ASSERT_FALSE(r.add("default", 0));
    // "CA" is also Canada's code: a subdivision CA of another country is not US-CA.
    EXPECT_EQ(r.match(addr("192.0.2.1"), located("MX", "NA", "CA", 0, 16)).value, 0U);
    EXPECT_EQ(r.match(addr("192.0.2.1"), located("US", "NA", "CA", 0, 16)).value, 1U);
}

TEST(GeoRules, UnknownLocationFallsBackToDefault) {
    const geo::Rules r = example();
    // Not found in the database (8.8.8.8 in MaxMind's test data): /7 of nothing.
    Location not_found;
    not_found.prefix_len = 7;
    auto m = r.match(addr("8.8.8.8"), not_found);
    EXPECT_EQ(m.by, Selector::fallback);
    EXPECT_EQ(m.value, 7U);
    EXPECT_EQ(m.scope_prefix_len, 7);

    // Found but without any field (an anycast record).
    Location anycast;
    anycast.found = true;
    anycast.prefix_len = 24;
    m = r.match(addr("214.1.1.1"), anycast);
    EXPECT_EQ(m.by, Selector::fallback);
    EXPECT_EQ(m.scope_prefix_len, 24);
}

TEST(GeoRules, NoDefaultNoMatch) {
    geo::Rules r;
    ASSERT_FALSE(r.add("country:JP", 1));
    EXPECT_FALSE(r.has_default());
    const auto m = r.match(addr("192.0.2.1"), located("DE", "EU", "", 0, 20));
    EXPECT_FALSE(m.matched);
    EXPECT_EQ(m.by, Selector::none);
    EXPECT_EQ(m.scope_prefix_len, 20);
}

TEST(GeoRules, ScopeOfNetDecisions) {
    geo::Rules r;
    ASSERT_FALSE(r.add("net:10.0.0.0/8", 1));
    ASSERT_FALSE(r.add("net:10.1.0.0/16", 2));
    ASSERT_FALSE(r.add("country:DE", 3));
    ASSERT_FALSE(r.add("default", 0));
    // A net match does not depend on the location, however long its network.
    auto m = r.match(addr("10.1.2.3"), located("DE", "EU", "", 0, 30));
    EXPECT_EQ(m.value, 2U);
    EXPECT_EQ(m.scope_prefix_len, 16);
    m = r.match(addr("10.2.2.3"), located("DE", "EU", "", 0, 30));
    EXPECT_EQ(m.value, 1U);
    EXPECT_EQ(m.scope_prefix_len, 15);
    // Outside every net rule: the database network decides (here longer than the trie's /8).
    m = r.match(addr("11.2.3.4"), located("DE", "EU", "", 0, 20));
    EXPECT_EQ(m.value, 3U);
    EXPECT_EQ(m.scope_prefix_len, 20);
    // ... unless the trie needed more bits than the database network has.
    m = r.match(addr("11.2.3.4"), located("DE", "EU", "", 0, 4));
    EXPECT_EQ(m.scope_prefix_len, 8);
}

TEST(GeoRules, ScopeWithoutLocationSelectors) {
    // Only net and default: the database is never needed, and its prefix must not narrow the scope.
    geo::Rules r;
    ASSERT_FALSE(r.add("net:192.0.2.0/24", 1));
    ASSERT_FALSE(r.add("default", 0));
    EXPECT_FALSE(r.needs_location());
    auto m = r.match(addr("203.0.113.9"), located("JP", "AS", "", 0, 24));
    EXPECT_EQ(m.value, 0U);
    EXPECT_EQ(m.scope_prefix_len, 5) << "203 = 11001011 and 192 = 11000000 part at the fifth bit";

    // Only default: the same answer for every client, scope 0 (RFC 7871 7.2.1).
    geo::Rules only_default;
    ASSERT_FALSE(only_default.add("default", 9));
    m = only_default.match(addr("2001:db8::1"), Location{});
    EXPECT_EQ(m.value, 9U);
    EXPECT_EQ(m.scope_prefix_len, 0);
    m = only_default.match(addr("192.0.2.1"), located("JP", "AS", "", 0, 24));
    EXPECT_EQ(m.scope_prefix_len, 0);
}

TEST(GeoRules, ScopeWithoutDatabase) {
    // Location selectors but no database configured: default Location, nothing consulted.
    const geo::Rules r = example();
    EXPECT_TRUE(r.needs_location());
    const auto m = r.match(addr("192.0.2.1"), Location{});
    EXPECT_EQ(m.value, 7U);
    EXPECT_EQ(m.scope_prefix_len, 1) << "only the net: trie (10/8) was consulted";
}

TEST(GeoRules, IPv6Clients) {
    geo::Rules r;
    ASSERT_FALSE(r.add("net:2001:db8::/32", 1));
    ASSERT_FALSE(r.add("continent:AS", 2));
    ASSERT_FALSE(r.add("default", 0));
    auto m = r.match(addr("2001:db8:5::1"), Location{});
    EXPECT_EQ(m.value, 1U);
    EXPECT_EQ(m.scope_prefix_len, 32);
    m = r.match(addr("2001:218::1"), located("JP", "AS", "", 0, 32));
    EXPECT_EQ(m.value, 2U);
    EXPECT_EQ(m.scope_prefix_len, 32);
}

TEST(GeoRules, NeedsFlags) {
    geo::Rules r;
    EXPECT_FALSE(r.needs_location());
    ASSERT_FALSE(r.add("continent:EU", 1));
    EXPECT_TRUE(r.needs_location());
    EXPECT_FALSE(r.needs_asn());
    ASSERT_FALSE(r.add("asn:AS64500", 2));
    EXPECT_TRUE(r.needs_asn());
}

TEST(GeoRules, ValidationMessages) {
    geo::Rules r;
    const auto error = [&](const char* selector) { return r.add(selector, 1).value_or("(accepted)"); };
    EXPECT_EQ(error("country:XX"), "unknown country code \"XX\": expected ISO 3166-1 alpha-2, e.g. country:JP");
    EXPECT_EQ(error("country:UK"), "unknown country code \"UK\": expected ISO 3166-1 alpha-2, e.g. country:JP");
    EXPECT_EQ(error("country:DEU"), "unknown country code \"DEU\": expected ISO 3166-1 alpha-2, e.g. country:JP");
    EXPECT_EQ(error("continent:EUR"), "unknown continent code \"EUR\": expected one of AF AN AS EU NA OC SA");
    EXPECT_EQ(error("continent:AQ"), "unknown continent code \"AQ\": expected one of AF AN AS EU NA OC SA");
    EXPECT_EQ(error("net:10.0.0.1/8"), "bad network \"10.0.0.1/8\": host bits are set after /8; the network is 10.0.0.0/8");
    EXPECT_EQ(error("net:300.0.0.0/8"), "bad network \"300.0.0.0/8\": not an IPv4 or IPv6 address");
    EXPECT_EQ(error("asn:0"), "bad AS number \"0\": AS 0 is reserved (RFC 7607) and never matches");
    EXPECT_EQ(error("asn:x1"), "bad AS number \"x1\": expected a number from 1 to 4294967295, e.g. asn:15169");
    EXPECT_EQ(error("asn:4294967296"),
              "bad AS number \"4294967296\": expected a number from 1 to 4294967295, e.g. asn:15169");
    EXPECT_EQ(error("region:USCA"),
              "bad region \"USCA\": not of the form CC-SUB (expected an ISO 3166-2 code such as US-CA or GB-ENG)");
    EXPECT_EQ(error("region:XX-CA"),
              "bad region \"XX-CA\": unknown country code \"XX\" (expected an ISO 3166-2 code such as US-CA or GB-ENG)");
    EXPECT_EQ(error("region:US-C?"),
              "bad region \"US-C?\": the subdivision must be 1 to 3 letters or digits (expected an ISO 3166-2 code "
              "such as US-CA or GB-ENG)");
    EXPECT_EQ(error("city:Paris"),
              "unknown selector kind \"city\" in \"city:Paris\": expected net, asn, region, country, continent or default");
    EXPECT_EQ(error("country:"),
              "bad selector \"country:\": expected net:CIDR, asn:N, region:CC-SUB, country:CC, continent:XX or default");
    EXPECT_EQ(error("Default"),
              "bad selector \"Default\": expected net:CIDR, asn:N, region:CC-SUB, country:CC, continent:XX or default");
    EXPECT_EQ(r.size(), 0U);
}

TEST(GeoRules, DuplicatesAreRejectedAfterNormalising) {
    geo::Rules r;
    ASSERT_FALSE(r.add("country:JP", 1));
    EXPECT_EQ(r.add("country:jp", 2).value_or(""), "duplicate selector \"country:JP\"");
    ASSERT_FALSE(r.add("continent:eu", 1));
    EXPECT_EQ(r.add("continent:EU", 2).value_or(""), "duplicate selector \"continent:EU\"");
    ASSERT_FALSE(r.add("asn:15169", 1));
    EXPECT_EQ(r.add("asn:AS15169", 2).value_or(""), "duplicate selector \"asn:15169\"");
    ASSERT_FALSE(r.add("region:gb-eng", 1));
    EXPECT_EQ(r.add("region:GB-ENG", 2).value_or(""), "duplicate selector \"region:GB-ENG\"");
    ASSERT_FALSE(r.add("net:10.0.0.0/8", 1));
    EXPECT_EQ(r.add("net:10.0.0.0/08", 2).value_or(""), "duplicate network 10.0.0.0/8");
    ASSERT_FALSE(r.add("default", 1));
    EXPECT_EQ(r.add("default", 2).value_or(""), "duplicate selector \"default\"");
    EXPECT_EQ(r.size(), 6U);
    // Lower-case selectors were stored normalised and match upper-case locations.
    EXPECT_EQ(r.match(addr("192.0.2.1"), located("JP", "AS", "", 0, 24)).value, 1U);
}

}  // namespace
