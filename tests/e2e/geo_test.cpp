// geo_test.cpp -- geo-selection end to end: the real binary with the test MMDB, clients placed by
// EDNS Client Subnet (raw client and dig), ECS scope, nearest by distance, spill-over on health.
#include <set>

#include "tests/e2e/backends.hpp"
#include "tests/e2e/dnsd_fixture.hpp"

namespace e2e {
namespace {

using namespace std::chrono_literals;

// tests/data/maxmind/dnsd-test.csv: 192.0.2/24 DE (Frankfurt), 198.51.100/24 US-VA (Ashburn),
// 203.0.113/24 JP (Tokyo), 10.10/16 GB (London, AS64499), 10.30/16 AU (Sydney),
// 10.50/16 US-CA (San Francisco), 10.50.1/24 US-NV, 2001:db8:1::/48 DE, 2001:db8:3::/48 JP.
std::string geo_zone(uint16_t check_port) {
    return R"(
origin = "example.com."
[records]
"@" = { NS = ["ns1"] }
ns1 = { A = "192.0.2.53" }
static = { A = "192.0.2.99" }

[balance.api]
policy = "geo"
pools.eu = { members = ["127.0.0.62", "2001:db8:e::1"] }
pools.us = { members = ["127.0.0.63", "2001:db8:a::1"] }
pools.ap = { members = ["127.0.0.61", "2001:db8:f::1"] }
[balance.api.geo]
"net:10.99.0.0/16" = ["ap"]
"asn:64499" = ["us"]
"region:US-NV" = ["ap", "us"]
"country:JP" = ["ap", "us"]
"continent:EU" = ["eu", "us"]
"continent:NA" = ["us", "eu"]
default = ["us", "eu", "ap"]

[balance.near]
policy = "nearest"
check = "tcp"
pools.eu = { members = ["127.0.0.62"], location = [50.11, 8.68] }      # Frankfurt
pools.us = { members = ["127.0.0.63"], location = [39.04, -77.49] }    # Ashburn
pools.ap = { members = ["127.0.0.61"], location = [1.35, 103.82] }     # Singapore

[checks.tcp]
type = "tcp"
port = )" + std::to_string(check_port) + R"(
interval = "500ms"
timeout = "300ms"
fall = 2
)";
}

struct Answer {
    std::set<std::string> addresses;
    int scope = -1;   // ECS scope in the reply, -1 without ECS
};

Answer ask_from(DnsdInstance& d, const std::string& name, const std::string& subnet, uint16_t qtype = 1) {
    test_support::QuerySpec q;
    q.qname = name;
    q.qtype = qtype;
    q.edns = test_support::Edns{};
    if (!subnet.empty()) q.edns->options.push_back(test_support::client_subnet_option(subnet));
    auto r = d.ask(q);
    Answer a;
    for (const auto& rr : r.answer) a.addresses.insert(rr.substr(rr.rfind(' ') + 1));
    for (const auto& opt : r.opts) {
        for (const auto& o : opt.options) {
            if (o.code == test_support::edns_code::client_subnet && o.data.size() >= 4) a.scope = o.data[3];
        }
    }
    return a;
}

class GeoTest : public ::testing::Test {
protected:
    uint16_t port = test_support::free_port();
    Backend eu{"127.0.0.62", port, false}, us{"127.0.0.63", port, false};   // ap (127.0.0.61) stays dead
    std::unique_ptr<DnsdInstance> d;

    void SetUp() override {
        ASSERT_TRUE(eu.start());
        ASSERT_TRUE(us.start());
        d = std::make_unique<DnsdInstance>(
            std::vector<std::pair<std::string, std::string>>{{"example.com.toml", geo_zone(port)}},
            std::vector<std::string>{"example.com."},
            "[geo]\ndatabase = \"" + std::string(DNSD_SOURCE_DIR) + "/tests/data/maxmind/dnsd-test.mmdb\"\n");
    }
};

TEST_F(GeoTest, ClientsGetTheirConfiguredPools) {
    struct Case {
        const char* subnet;
        const char* expect;
        int scope;
        const char* why;
    } cases[] = {
        {"192.0.2.0/24", "127.0.0.62", 24, "DE -> continent:EU -> eu"},
        {"198.51.100.0/24", "127.0.0.63", 24, "US -> continent:NA -> us"},
        {"203.0.113.0/24", "127.0.0.61", 24, "JP -> country:JP -> ap"},
        {"10.10.7.0/24", "127.0.0.63", 16, "GB but asn:64499 is more specific -> us"},
        {"10.50.1.0/24", "127.0.0.61", 24, "US-NV -> region rule -> ap"},
        {"10.50.9.0/24", "127.0.0.63", 21, "US-CA -> continent:NA -> us (10.50/16 minus 10.50.1/24: the database network is 10.50.8.0/21)"},
        {"10.99.3.0/24", "127.0.0.61", 16, "net:10.99.0.0/16 -> ap"},
        {"10.30.1.0/24", "127.0.0.63", 16, "AU: no rule -> default -> us"},
    };
    for (const Case& c : cases) {
        Answer a = ask_from(*d, "api.example.com.", c.subnet);
        EXPECT_EQ(a.addresses, std::set<std::string>{c.expect}) << c.subnet << ": " << c.why;
        EXPECT_EQ(a.scope, c.scope) << c.subnet << ": " << c.why;
    }
}

TEST_F(GeoTest, Ipv6ClientsAndAaaa) {
    Answer de = ask_from(*d, "api.example.com.", "2001:db8:1::/48", 28);
    EXPECT_EQ(de.addresses, std::set<std::string>{"2001:db8:e::1"});
    EXPECT_EQ(de.scope, 48);
    Answer jp = ask_from(*d, "api.example.com.", "2001:db8:3::/56", 28);
    EXPECT_EQ(jp.addresses, std::set<std::string>{"2001:db8:f::1"});
    Answer jp_v4 = ask_from(*d, "api.example.com.", "2001:db8:3::/48", 1);
    EXPECT_EQ(jp_v4.addresses, std::set<std::string>{"127.0.0.61"}) << "A and AAAA come from the same pool";
}

TEST_F(GeoTest, ScopeNeverExceedsTheSourceAndIsZeroForStaticNames) {
    Answer narrow = ask_from(*d, "api.example.com.", "192.0.2.0/20");
    EXPECT_LE(narrow.scope, 20);
    Answer deep = ask_from(*d, "api.example.com.", "192.0.2.77/32");
    EXPECT_EQ(deep.addresses, std::set<std::string>{"127.0.0.62"}) << "/32 is looked up as its /24";
    EXPECT_EQ(deep.scope, 24);
    Answer fixed = ask_from(*d, "static.example.com.", "192.0.2.0/24");
    EXPECT_EQ(fixed.scope, 0) << "a static answer does not depend on the client";
    Answer none = ask_from(*d, "api.example.com.", "");
    EXPECT_EQ(none.scope, -1) << "no ECS asked, none answered";
    EXPECT_EQ(none.addresses, std::set<std::string>{"127.0.0.63"}) << "loopback source: default pool";
}

TEST_F(GeoTest, DigSubnetShowsTheScope) {
    std::string out = dig(d->port(), {"+subnet=203.0.113.0/24", "api.example.com"});
    EXPECT_NE(out.find("CLIENT-SUBNET: 203.0.113.0/24/24"), std::string::npos) << out;
    EXPECT_NE(out.find("127.0.0.61"), std::string::npos) << out;
}

TEST_F(GeoTest, NearestOrdersPoolsByDistanceAndSpillsWhenAPoolIsDown) {
    // Hand-computed great-circle distances (km) to Frankfurt / Ashburn / Singapore:
    //   Frankfurt 0 / 6,550 / 10,260     Ashburn 6,550 / 0 / 15,570     London 640 / 5,900 / 10,880
    //   San Francisco 9,150 / 3,880 / 13,580    Tokyo 9,350 / 10,900 / 5,320    Sydney 16,480 / 15,700 / 6,300
    // The Singapore pool (127.0.0.61) has no backend: once it is down, Tokyo and Sydney spill to
    // their second-nearest pool (Frankfurt for Tokyo, Ashburn for Sydney).
    struct Case {
        const char* subnet;
        const char* nearest;
        const char* second;
    } cases[] = {
        {"192.0.2.0/24", "127.0.0.62", "127.0.0.63"},     // Frankfurt
        {"198.51.100.0/24", "127.0.0.63", "127.0.0.62"},  // Ashburn
        {"10.10.1.0/24", "127.0.0.62", "127.0.0.63"},     // London
        {"10.50.9.0/24", "127.0.0.63", "127.0.0.62"},     // San Francisco
        {"203.0.113.0/24", "127.0.0.61", "127.0.0.62"},   // Tokyo
        {"10.30.1.0/24", "127.0.0.61", "127.0.0.63"},     // Sydney
    };
    // Before the first probes mark Singapore down, Tokyo still gets it (members start up) —
    // unless the prober was already faster; so check the spill-over after it is down.
    ASSERT_TRUE(test_support::wait_until([&] { return d->server().log().find("127.0.0.61") != std::string::npos; }, 10s))
        << d->server().log();
    for (const Case& c : cases) {
        Answer a = ask_from(*d, "near.example.com.", c.subnet);
        bool down_pool = std::string(c.nearest) == "127.0.0.61";
        EXPECT_EQ(a.addresses, std::set<std::string>{down_pool ? c.second : c.nearest}) << c.subnet;
        EXPECT_GT(a.scope, 0) << c.subnet;
    }
}

TEST_F(GeoTest, GeoPoolWithEveryMemberDownSpillsToTheNextPreference) {
    // api has no check, so use near's check state indirectly: a zone where api is guarded.
    std::string zone = geo_zone(port);
    zone.replace(zone.find("policy = \"geo\""), 14, "policy = \"geo\"\ncheck = \"tcp\"");
    test_support::write_file(d->zones_dir() / "example.com.toml", zone);
    ::kill(d->server().process().pid(), SIGHUP);
    ASSERT_TRUE(test_support::wait_until(
        [&] { return ask_from(*d, "api.example.com.", "203.0.113.0/24").addresses == std::set<std::string>{"127.0.0.63"}; },
        10s))
        << "JP prefers ap, then us; ap is down\n" << d->server().log();
}

}  // namespace
}  // namespace e2e
