// decision_cache_test.cpp -- hits by network, tags, eviction, generations.
#include "geo/decision_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

geo::Address addr(const std::string& text) { return geo::Address::parse(text).value(); }

TEST(GeoDecisionCache, HitsEveryClientInsideTheScope) {
    geo::DecisionCache cache(64);
    EXPECT_FALSE(cache.find(1, addr("192.0.2.77")));
    cache.insert(1, addr("192.0.2.77"), 24, 42);
    auto hit = cache.find(1, addr("192.0.2.200"));
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->value, 42U);
    EXPECT_EQ(hit->scope_prefix_len, 24);
    EXPECT_FALSE(cache.find(1, addr("192.0.3.1"))) << "outside the /24";
    EXPECT_FALSE(cache.find(2, addr("192.0.2.1"))) << "another tag is another rule set";
    EXPECT_FALSE(cache.find(1, addr("2001:db8::1")));
}

TEST(GeoDecisionCache, NarrowScopesShareASet) {
    // Two /29 decisions inside one /24 (the index prefix) must not shadow each other.
    geo::DecisionCache cache(64);
    cache.insert(1, addr("81.2.69.142"), 31, 1);
    cache.insert(1, addr("81.2.69.160"), 27, 2);
    EXPECT_EQ(cache.find(1, addr("81.2.69.143"))->value, 1U);
    EXPECT_EQ(cache.find(1, addr("81.2.69.190"))->value, 2U);
    EXPECT_FALSE(cache.find(1, addr("81.2.69.1")));
}

TEST(GeoDecisionCache, WideScopesAnswerOnlyTheirIndexPrefix) {
    // A /8 decision is stored under the /24 it was seen from; another /24 misses and re-decides.
    geo::DecisionCache cache(64);
    cache.insert(1, addr("10.1.2.3"), 8, 5);
    EXPECT_EQ(cache.find(1, addr("10.1.2.99"))->value, 5U);
    cache.insert(1, addr("10.200.0.1"), 8, 5);
    EXPECT_EQ(cache.find(1, addr("10.200.0.2"))->scope_prefix_len, 8);
    // Scope 0 (same answer for everyone) works too.
    cache.insert(3, addr("2001:db8::1"), 0, 7);
    EXPECT_EQ(cache.find(3, addr("2001:db8::2"))->value, 7U);
}

TEST(GeoDecisionCache, IPv6) {
    geo::DecisionCache cache(64);
    cache.insert(1, addr("2001:db8:1:2::1"), 48, 8);
    EXPECT_EQ(cache.find(1, addr("2001:db8:1:2:ffff::9"))->value, 8U) << "same /56";
    EXPECT_FALSE(cache.find(1, addr("2001:db8:2::1")));
    EXPECT_FALSE(cache.find(1, addr("0.0.0.1"))) << "families never mix";
}

TEST(GeoDecisionCache, ReplacesTheSameNetwork) {
    geo::DecisionCache cache(4);
    cache.insert(1, addr("192.0.2.1"), 24, 1);
    cache.insert(1, addr("192.0.2.2"), 24, 2);
    EXPECT_EQ(cache.find(1, addr("192.0.2.3"))->value, 2U);
    // The update reused the slot: three more networks still fit in the 4 ways.
    cache.insert(1, addr("198.51.100.1"), 32, 3);
    cache.insert(1, addr("198.51.100.1"), 32, 3);
    EXPECT_EQ(cache.find(1, addr("192.0.2.3"))->value, 2U);
}

TEST(GeoDecisionCache, EvictsRoundRobinWhenFull) {
    // Capacity 4 = one set of 4 ways: the fifth network evicts the first.
    geo::DecisionCache cache(4);
    EXPECT_EQ(cache.capacity(), 4U);
    for (unsigned i = 0; i < 4; ++i) cache.insert(1, addr("10.0." + std::to_string(i) + ".1"), 24, i);
    for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(cache.find(1, addr("10.0." + std::to_string(i) + ".9"))->value, i);
    cache.insert(1, addr("10.0.4.1"), 24, 4);
    EXPECT_FALSE(cache.find(1, addr("10.0.0.9"))) << "oldest evicted";
    EXPECT_EQ(cache.find(1, addr("10.0.4.9"))->value, 4U);
    for (unsigned i = 1; i < 4; ++i) EXPECT_TRUE(cache.find(1, addr("10.0." + std::to_string(i) + ".9")));
    cache.insert(1, addr("10.0.5.1"), 24, 5);
    EXPECT_FALSE(cache.find(1, addr("10.0.1.9"))) << "then the next oldest";
}

TEST(GeoDecisionCache, GenerationsInvalidate) {
    geo::DecisionCache cache(64);
    cache.sync(7);
    cache.insert(1, addr("192.0.2.1"), 24, 1);
    cache.sync(7);
    EXPECT_TRUE(cache.find(1, addr("192.0.2.1"))) << "same generation keeps entries";
    cache.sync(8);
    EXPECT_FALSE(cache.find(1, addr("192.0.2.1"))) << "a reload or health change empties the cache";
    cache.insert(1, addr("192.0.2.1"), 24, 2);
    EXPECT_EQ(cache.find(1, addr("192.0.2.1"))->value, 2U);
    cache.invalidate();
    EXPECT_FALSE(cache.find(1, addr("192.0.2.1")));
    // Going back to an older generation number is a change too.
    cache.insert(1, addr("192.0.2.1"), 24, 3);
    cache.sync(7);
    EXPECT_FALSE(cache.find(1, addr("192.0.2.1")));
}

TEST(GeoDecisionCache, ManyClientsStayCorrect) {
    // Fill far beyond capacity; whatever is found must be right.
    geo::DecisionCache cache(256);
    for (unsigned i = 0; i < 5000; ++i) {
        const std::string a = "10." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256) + ".1";
        cache.insert(1, addr(a), 24, i);
    }
    unsigned hits = 0;
    for (unsigned i = 0; i < 5000; ++i) {
        const std::string a = "10." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256) + ".200";
        if (const auto hit = cache.find(1, addr(a))) {
            EXPECT_EQ(hit->value, i);
            ++hits;
        }
    }
    EXPECT_GT(hits, 100U);
    EXPECT_LE(hits, 256U);
}

}  // namespace
