// net_rules_test.cpp -- longest-prefix match, both families, scopes, errors.
#include "geo/net_rules.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

geo::Address addr(const char* text) { return geo::Address::parse(text).value(); }

TEST(GeoNetRules, LongestPrefixWins) {
    geo::NetRules rules;
    ASSERT_FALSE(rules.add("10.0.0.0/8", 1));
    ASSERT_FALSE(rules.add("10.1.0.0/16", 2));
    ASSERT_FALSE(rules.add("10.1.2.0/24", 3));
    ASSERT_FALSE(rules.add("10.1.2.3/32", 4));
    ASSERT_FALSE(rules.add("0.0.0.0/0", 0));
    EXPECT_EQ(rules.size(), 5U);

    const auto value = [&](const char* a) { return rules.match(addr(a)).value().value; };
    EXPECT_EQ(value("10.200.0.1"), 1U);
    EXPECT_EQ(value("10.1.200.1"), 2U);
    EXPECT_EQ(value("10.1.2.200"), 3U);
    EXPECT_EQ(value("10.1.2.3"), 4U);
    EXPECT_EQ(value("192.0.2.1"), 0U);
    EXPECT_EQ(rules.match(addr("10.1.2.200"))->prefix_len, 24);
    EXPECT_EQ(rules.match(addr("10.1.2.3"))->prefix_len, 32);
    EXPECT_EQ(rules.match(addr("8.8.8.8"))->prefix_len, 0);
}

TEST(GeoNetRules, FamiliesAreSeparate) {
    geo::NetRules rules;
    ASSERT_FALSE(rules.add("0.0.0.0/0", 4));
    ASSERT_FALSE(rules.add("2001:db8::/32", 6));
    ASSERT_FALSE(rules.add("2001:db8:1::/48", 7));
    EXPECT_EQ(rules.match(addr("2001:db8:2::1"))->value, 6U);
    EXPECT_EQ(rules.match(addr("2001:db8:1:ffff::1"))->value, 7U);
    EXPECT_FALSE(rules.match(addr("2001:db9::1"))) << "0.0.0.0/0 must not cover IPv6";
    EXPECT_FALSE(rules.match(addr("::"))) << "nor the all-zero IPv6 address";
    EXPECT_EQ(rules.match(addr("::ffff:203.0.113.5"))->value, 4U) << "v4-mapped clients match IPv4 rules";
}

TEST(GeoNetRules, NoRulesNoMatch) {
    const geo::NetRules rules;
    EXPECT_TRUE(rules.empty());
    const auto m = rules.match_with_scope(addr("192.0.2.1"));
    EXPECT_FALSE(m.hit);
    EXPECT_EQ(m.scope_prefix_len, 0) << "an empty table answers the same for everyone";
    EXPECT_EQ(rules.match_with_scope(addr("2001:db8::1")).scope_prefix_len, 0);
}

TEST(GeoNetRules, ScopeIsTheBitsThatDecided) {
    geo::NetRules rules;
    ASSERT_FALSE(rules.add("10.0.0.0/8", 1));
    ASSERT_FALSE(rules.add("10.1.0.0/16", 2));

    // A leaf rule: everything in it answers alike.
    auto m = rules.match_with_scope(addr("10.1.7.7"));
    EXPECT_EQ(m.hit->value, 2U);
    EXPECT_EQ(m.scope_prefix_len, 16);

    // 10.2.3.4 matches /8, but 10.1.0.0/16 sits beside it: the answer holds for 10.2.0.0/15 only.
    m = rules.match_with_scope(addr("10.2.3.4"));
    EXPECT_EQ(m.hit->value, 1U);
    EXPECT_EQ(m.hit->prefix_len, 8);
    EXPECT_EQ(m.scope_prefix_len, 15);
    m = rules.match_with_scope(addr("10.128.0.1"));
    EXPECT_EQ(m.scope_prefix_len, 9) << "10.128.0.0/9 holds no other rule";

    // A miss is also a decision: 11.0.0.0/8 holds no rule at all.
    m = rules.match_with_scope(addr("11.1.2.3"));
    EXPECT_FALSE(m.hit);
    EXPECT_EQ(m.scope_prefix_len, 8);
    m = rules.match_with_scope(addr("192.0.2.1"));
    EXPECT_FALSE(m.hit);
    EXPECT_EQ(m.scope_prefix_len, 1) << "the first bit already leaves 10/8 behind";
}

TEST(GeoNetRules, HostRouteScope) {
    geo::NetRules rules;
    ASSERT_FALSE(rules.add("192.0.2.1/32", 1));
    ASSERT_FALSE(rules.add("2001:db8::1/128", 2));
    auto m = rules.match_with_scope(addr("192.0.2.1"));
    EXPECT_EQ(m.hit->value, 1U);
    EXPECT_EQ(m.scope_prefix_len, 32);
    m = rules.match_with_scope(addr("192.0.2.0"));
    EXPECT_FALSE(m.hit);
    EXPECT_EQ(m.scope_prefix_len, 32);
    m = rules.match_with_scope(addr("2001:db8::1"));
    EXPECT_EQ(m.hit->value, 2U);
    EXPECT_EQ(m.scope_prefix_len, 128);
}

TEST(GeoNetRules, Errors) {
    geo::NetRules rules;
    ASSERT_FALSE(rules.add("10.0.0.0/8", 1));
    EXPECT_EQ(rules.add("10.0.0.0/8", 2).value_or(""), "duplicate network 10.0.0.0/8");
    EXPECT_EQ(rules.add("::ffff:10.0.0.0/104", 2).value_or(""), "duplicate network 10.0.0.0/8");
    EXPECT_EQ(rules.add("10.0.0.1/8", 2).value_or(""),
              "bad network \"10.0.0.1/8\": host bits are set after /8; the network is 10.0.0.0/8");
    EXPECT_TRUE(rules.add("10.0.0.0/40", 2));
    EXPECT_TRUE(rules.add("example.com/8", 2));
    EXPECT_TRUE(rules.add("", 2));
    EXPECT_EQ(rules.size(), 1U) << "failed adds leave the table unchanged";
    EXPECT_EQ(rules.match(addr("10.9.9.9"))->value, 1U);
}

TEST(GeoNetRules, ManyRules) {
    // Every /24 of 10.0.0.0/16 with its third octet as value, and a /16 fallback.
    geo::NetRules rules;
    ASSERT_FALSE(rules.add("10.0.0.0/16", 1000));
    for (unsigned i = 0; i < 256; i += 2) {
        const std::string cidr = "10.0." + std::to_string(i) + ".0/24";
        ASSERT_FALSE(rules.add(cidr, i)) << cidr;
    }
    for (unsigned i = 0; i < 256; ++i) {
        const auto a = addr(("10.0." + std::to_string(i) + ".77").c_str());
        EXPECT_EQ(rules.match(a)->value, i % 2 == 0 ? i : 1000U) << i;
    }
}

}  // namespace
