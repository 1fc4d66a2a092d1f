// balance_test.cpp -- select_members(): rotation, weights, standby, failover, health, fail-open,
// answers cap and geo rules, on hand-built plans (no zone files, no sockets).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "dnsd/balance.hpp"
#include "geo/address.hpp"
#include "health/status_table.hpp"

namespace dnsd {
namespace {

zones::Member member(const std::string& ip, uint32_t weight = 1) {
    zones::Member m;
    m.address = *zones::parse_ip(ip);
    m.weight = weight;
    return m;
}

std::string ip_of(const PlanMember* m) {
    return std::to_string(m->address[0]) + "." + std::to_string(m->address[1]) + "." +
           std::to_string(m->address[2]) + "." + std::to_string(m->address[3]);
}

// Every member gets its own health slot, in order.
BalancePlan plan_of(const zones::Balance& b) {
    uint32_t next = 0;
    auto plan = make_plan(b, [&](const zones::IpAddress&) { return next++; });
    EXPECT_TRUE(plan.has_value());
    return *plan;
}

zones::Balance flat(std::vector<zones::Member> members, zones::Policy policy = zones::Policy::round_robin) {
    zones::Balance b;
    b.policy = policy;
    zones::Pool p;
    p.members = std::move(members);
    b.pools.push_back(p);
    return b;
}

TEST(Balance, RoundRobinLeadsEquallyOften) {
    BalancePlan plan = plan_of(flat({member("192.0.2.1"), member("192.0.2.2"), member("192.0.2.3"), member("192.0.2.4")}));
    SelectState st;
    Selection out;
    std::map<std::string, int> first;
    for (int i = 0; i < 1000; ++i) {
        select_members(plan, {}, st, out);
        ASSERT_EQ(out.count, 4u);
        ++first[ip_of(out.member(0))];
    }
    ASSERT_EQ(first.size(), 4u);
    for (auto& [ip, n] : first) EXPECT_NEAR(n, 250, 25) << ip;
}

TEST(Balance, PreparedRecordsAreTheSelectedMembers) {
    // A whole-pool rotation comes with its answer records prepared: owner 0xC00C, A or AAAA,
    // class IN, the plan's TTL, then the member's address, in the order of member(i).
    zones::Balance b = flat({member("192.0.2.1"), member("192.0.2.2"), member("192.0.2.3"), member("2001:db8::1"),
                             member("2001:db8::2")});
    b.answers = 2;
    b.ttl = 42;
    BalancePlan plan = plan_of(b);
    SelectState st;
    Selection out;
    for (int i = 0; i < 12; ++i) {
        SelectInput in;
        in.ipv6 = i % 2 == 1;
        select_members(plan, in, st, out);
        const size_t length = in.ipv6 ? 16 : 4;
        ASSERT_EQ(out.count, 2u);
        ASSERT_EQ(out.records.size(), out.count * (12 + length));
        for (size_t k = 0; k < out.count; ++k) {
            const auto* r = reinterpret_cast<const uint8_t*>(out.records.data()) + k * (12 + length);
            const std::vector<uint8_t> head(r, r + 12);
            const std::vector<uint8_t> want = {0xC0, 12, 0, uint8_t(in.ipv6 ? 28 : 1), 0, 1, 0, 0, 0, 42, 0, uint8_t(length)};
            EXPECT_EQ(head, want);
            EXPECT_TRUE(std::equal(r + 12, r + 12 + length, out.member(k)->address.begin())) << i << " " << k;
        }
    }
}

TEST(Balance, AnswersCapSlidesTheWindowOverEveryMember) {
    zones::Balance b = flat({member("192.0.2.1"), member("192.0.2.2"), member("192.0.2.3")});
    b.answers = 2;
    BalancePlan plan = plan_of(b);
    SelectState st;
    Selection out;
    std::map<std::string, int> served;
    for (int i = 0; i < 300; ++i) {
        select_members(plan, {}, st, out);
        ASSERT_EQ(out.count, 2u);
        for (size_t k = 0; k < out.count; ++k) ++served[ip_of(out.member(k))];
    }
    for (auto& [ip, n] : served) EXPECT_EQ(n, 200) << ip;
}

TEST(Balance, WeightedFirstPickFollowsWeights) {
    BalancePlan plan = plan_of(flat({member("192.0.2.1", 1), member("192.0.2.2", 3), member("192.0.2.3", 6)},
                                    zones::Policy::weighted));
    SelectState st;
    Selection out;
    std::map<std::string, int> first;
    const int n = 10000;
    for (int i = 0; i < n; ++i) {
        select_members(plan, {}, st, out);
        ASSERT_EQ(out.count, 3u) << "drawn without replacement: every member once";
        ++first[ip_of(out.member(0))];
    }
    EXPECT_NEAR(first["192.0.2.1"], n * 0.1, n * 0.1 * 0.05 + 50);
    EXPECT_NEAR(first["192.0.2.2"], n * 0.3, n * 0.3 * 0.05);
    EXPECT_NEAR(first["192.0.2.3"], n * 0.6, n * 0.6 * 0.05);
}

TEST(Balance, WeightZeroIsStandby) {
    BalancePlan plan = plan_of(flat({member("192.0.2.1", 1), member("192.0.2.2", 0)}, zones::Policy::weighted));
    health::StatusTable table(2);
    SelectInput in;
    in.health = &table;
    SelectState st;
    Selection out;
    for (int i = 0; i < 50; ++i) {
        select_members(plan, in, st, out);
        ASSERT_EQ(out.count, 1u);
        EXPECT_EQ(ip_of(out.member(0)), "192.0.2.1");
    }
    health::TargetStatus down;
    down.up = false;
    table.update(0, down);
    select_members(plan, in, st, out);
    ASSERT_EQ(out.count, 1u);
    EXPECT_EQ(ip_of(out.member(0)), "192.0.2.2");
    EXPECT_FALSE(out.failed_open);
}

TEST(Balance, DownMembersAreSkippedAndAllDownFailsOpen) {
    BalancePlan plan = plan_of(flat({member("192.0.2.1"), member("192.0.2.2")}));
    health::StatusTable table(2);
    SelectInput in;
    in.health = &table;
    SelectState st;
    Selection out;
    health::TargetStatus down;
    down.up = false;
    table.update(1, down);
    select_members(plan, in, st, out);
    ASSERT_EQ(out.count, 1u);
    EXPECT_EQ(ip_of(out.member(0)), "192.0.2.1");
    table.update(0, down);
    select_members(plan, in, st, out);
    EXPECT_TRUE(out.failed_open);
    EXPECT_EQ(out.count, 2u);
}

TEST(Balance, FailoverUsesTheFirstPoolWithEnoughUpAndComesBack) {
    zones::Balance b;
    b.policy = zones::Policy::failover;
    zones::Pool primary;
    primary.name = "primary";
    primary.members = {member("192.0.2.1"), member("192.0.2.2")};
    primary.min_healthy = 2;
    zones::Pool backup;
    backup.name = "backup";
    backup.members = {member("198.51.100.1")};
    b.pools = {primary, backup};
    BalancePlan plan = plan_of(b);
    health::StatusTable table(3);
    SelectInput in;
    in.health = &table;
    SelectState st;
    Selection out;
    select_members(plan, in, st, out);
    EXPECT_EQ(out.count, 2u);
    health::TargetStatus down;
    down.up = false;
    table.update(0, down);   // only 1 of 2 up: below min_healthy
    select_members(plan, in, st, out);
    ASSERT_EQ(out.count, 1u);
    EXPECT_EQ(ip_of(out.member(0)), "198.51.100.1");
    health::TargetStatus up;
    table.update(0, up);
    select_members(plan, in, st, out);
    EXPECT_EQ(out.count, 2u);
    EXPECT_NE(ip_of(out.member(0)), "198.51.100.1");
}

TEST(Balance, FamiliesAreSelectedSeparately) {
    BalancePlan plan = plan_of(flat({member("192.0.2.1"), member("2001:db8::1")}));
    SelectState st;
    Selection out;
    SelectInput v6;
    v6.ipv6 = true;
    select_members(plan, v6, st, out);
    ASSERT_EQ(out.count, 1u);
    EXPECT_EQ(out.member(0)->address[0], 0x20);
    BalancePlan v4only = plan_of(flat({member("192.0.2.1")}));
    select_members(v4only, v6, st, out);
    EXPECT_EQ(out.count, 0u);
    EXPECT_FALSE(out.failed_open);
}

TEST(Balance, GeoNetRulePicksThePoolAndSpillsOver) {
    zones::Balance b;
    b.policy = zones::Policy::geo;
    zones::Pool eu, us;
    eu.name = "eu";
    eu.members = {member("192.0.2.1")};
    us.name = "us";
    us.members = {member("198.51.100.1")};
    b.pools = {eu, us};
    b.geo.push_back({"net:10.0.0.0/8", {0, 1}, {}});
    b.geo.push_back({"default", {1, 0}, {}});
    BalancePlan plan = plan_of(b);
    health::StatusTable table(2);
    SelectInput in;
    in.health = &table;
    geo::Address client = *geo::Address::parse("10.1.2.3");
    in.client = &client;
    in.client_prefix = 24;
    SelectState st;
    Selection out;
    select_members(plan, in, st, out);
    ASSERT_EQ(out.count, 1u);
    EXPECT_EQ(ip_of(out.member(0)), "192.0.2.1");
    EXPECT_EQ(out.scope, 8);
    geo::Address other = *geo::Address::parse("203.0.113.9");
    in.client = &other;
    select_members(plan, in, st, out);
    EXPECT_EQ(ip_of(out.member(0)), "198.51.100.1");
    health::TargetStatus down;
    down.up = false;
    table.update(1, down);   // us down: default spills to eu
    select_members(plan, in, st, out);
    EXPECT_EQ(ip_of(out.member(0)), "192.0.2.1");
}

TEST(Balance, BadGeoSelectorIsAnError) {
    zones::Balance b;
    b.policy = zones::Policy::geo;
    zones::Pool p;
    p.name = "eu";
    p.members = {member("192.0.2.1")};
    b.pools = {p};
    b.geo.push_back({"country:XX", {0}, {"z.toml", 7, 1}});
    auto plan = make_plan(b, {});
    ASSERT_FALSE(plan.has_value());
    EXPECT_EQ(plan.error()[0].line, 7u);
}

}  // namespace
}  // namespace dnsd
