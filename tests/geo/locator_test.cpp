// locator_test.cpp -- several databases merged into one Location, first database wins per field.
#include "geo/locator.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "test_paths.hpp"

namespace {

using geo_test::maxmind;

geo::Address addr(const char* text) { return geo::Address::parse(text).value(); }

geo::Locator city_then_asn() {
    auto locator = geo::Locator::open({maxmind("GeoIP2-City-Test.mmdb"), maxmind("GeoLite2-ASN-Test.mmdb")});
    if (!locator) ADD_FAILURE() << common::format_errors(locator.error());
    return std::move(*locator);
}

TEST(GeoLocator, MergesCityAndAsn) {
    const geo::Locator locator = city_then_asn();
    EXPECT_EQ(locator.databases().size(), 2U);
    EXPECT_TRUE(locator.has_asn());

    // In City only.
    geo::Location l = locator.lookup(addr("81.2.69.142"));
    EXPECT_TRUE(l.found);
    EXPECT_EQ(l.country, "GB");
    EXPECT_EQ(l.subdivision, "ENG");
    EXPECT_TRUE(l.has_coordinates);
    EXPECT_EQ(l.asn, 0U);
    // ASN said "not found" for a /9 (105 - 96) around it; City's /31 is the longer, binding one.
    EXPECT_EQ(l.prefix_len, 31);

    // In ASN only.
    l = locator.lookup(addr("1.0.0.1"));
    EXPECT_TRUE(l.found);
    EXPECT_TRUE(l.country.empty());
    EXPECT_EQ(l.asn, 15169U);
    EXPECT_EQ(l.prefix_len, 24);

    // In neither.
    l = locator.lookup(addr("127.0.0.1"));
    EXPECT_FALSE(l.found);
    EXPECT_TRUE(l.empty());
}

TEST(GeoLocator, FirstDatabaseWinsPerField) {
    // Country first: its answers win; City still adds what Country lacks (coordinates, subdivision).
    auto locator = geo::Locator::open({maxmind("GeoIP2-Country-Test.mmdb"), maxmind("GeoIP2-City-Test.mmdb")});
    ASSERT_TRUE(locator);
    // 50.114.0.1 is US in Country-Test and absent from City-Test.
    geo::Location l = locator->lookup(addr("50.114.0.1"));
    EXPECT_EQ(l.country, "US");
    EXPECT_FALSE(l.has_coordinates);
    // 2.2.3.1 is absent from Country-Test and GB in City-Test.
    l = locator->lookup(addr("2.2.3.1"));
    EXPECT_EQ(l.country, "GB");
    EXPECT_EQ(l.subdivision, "ENG");
    EXPECT_TRUE(l.has_coordinates);
    // 216.160.83.56: both agree on US; the subdivision and coordinates come from City.
    l = locator->lookup(addr("216.160.83.56"));
    EXPECT_EQ(l.country, "US");
    EXPECT_EQ(l.subdivision, "WA");
    EXPECT_NEAR(l.latitude, 47.2513, 1e-4);
}

TEST(GeoLocator, CachedLookupsAgree) {
    const geo::Locator locator = city_then_asn();
    geo::LocationCache cache;
    for (int round = 0; round < 2; ++round) {
        for (const char* ip : {"81.2.69.142", "1.0.0.1", "2001:1700::1", "2001:218::1", "8.8.8.8"}) {
            const geo::Location a = locator.lookup(addr(ip));
            const geo::Location b = locator.lookup(addr(ip), cache);
            EXPECT_EQ(a.country, b.country) << ip;
            EXPECT_EQ(a.asn, b.asn) << ip;
            EXPECT_EQ(a.prefix_len, b.prefix_len) << ip;
            EXPECT_EQ(a.found, b.found) << ip;
        }
    }
}

TEST(GeoLocator, ConcurrentLookupsWithPerThreadCaches) {
    // One shared Locator, one LocationCache per thread (as dnsd's workers use them); run under the
    // tsan preset to check that lookups need no locking.
    const geo::Locator locator = city_then_asn();
    const char* ips[] = {"81.2.69.142", "1.0.0.1", "2001:1700::1", "2001:218::1", "8.8.8.8", "216.160.83.56"};
    std::vector<geo::Location> expected;
    for (const char* ip : ips) expected.push_back(locator.lookup(addr(ip)));
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < mismatches.size(); ++t) {
        threads.emplace_back([&, t] {
            geo::LocationCache cache(64);
            for (int round = 0; round < 2000; ++round) {
                for (std::size_t i = 0; i < std::size(ips); ++i) {
                    const geo::Location l = locator.lookup(addr(ips[i]), cache);
                    if (l.country != expected[i].country || l.asn != expected[i].asn ||
                        l.prefix_len != expected[i].prefix_len)
                        ++mismatches[t];
                }
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (const int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(GeoLocator, EmptyLocatorAnswersNothing) {
    const geo::Locator locator;
    EXPECT_TRUE(locator.empty());
    const geo::Location l = locator.lookup(addr("81.2.69.142"));
    EXPECT_FALSE(l.found);
    EXPECT_EQ(l.prefix_len, 0);
}

TEST(GeoLocator, ReportsEveryBadFile) {
    const auto locator = geo::Locator::open({maxmind("missing-1.mmdb"), maxmind("GeoIP2-City-Test.mmdb"),
                                             maxmind("GeoIP2-City-Test-Invalid-Node-Count.mmdb")});
    ASSERT_FALSE(locator);
    ASSERT_EQ(locator.error().size(), 2U);
    EXPECT_EQ(locator.error()[0].file, maxmind("missing-1.mmdb"));
    EXPECT_EQ(locator.error()[1].file, maxmind("GeoIP2-City-Test-Invalid-Node-Count.mmdb"));
}

}  // namespace
