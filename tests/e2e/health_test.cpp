// health_test.cpp -- load balancing with active health checks, end to end: the real dnsd binary,
// real TCP and HTTP backends on 127.0.0.x that the test starts and stops, answers read over UDP.
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "tests/e2e/backends.hpp"
#include "tests/e2e/dnsd_fixture.hpp"

namespace e2e {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::set<std::string> addresses(const test_support::Response& r) {
    std::set<std::string> out;
    for (const auto& rr : r.answer) out.insert(rr.substr(rr.rfind(' ') + 1));
    return out;
}

std::string zone_with(const std::string& body) {
    return "origin = \"example.com.\"\n[records]\n\"@\" = { NS = [\"ns1\"] }\nns1 = { A = \"192.0.2.53\" }\n" + body;
}

// Waits until `pred(answer addresses)` holds; returns the seconds it took, or -1.
template <typename Pred>
double seconds_until(DnsdInstance& d, const std::string& name, Pred pred, std::chrono::milliseconds limit) {
    auto start = Clock::now();
    while (Clock::now() - start < limit) {
        auto r = d.ask({.qname = name});
        if (pred(addresses(r))) return std::chrono::duration<double>(Clock::now() - start).count();
        std::this_thread::sleep_for(50ms);
    }
    return -1;
}

class HealthTest : public ::testing::Test {
protected:
    uint16_t port = test_support::free_port();
};

TEST_F(HealthTest, TcpBackendLeavesWithinFallAndReturnsWithinRise) {
    Backend a("127.0.0.11", port, false), b("127.0.0.12", port, false);
    ASSERT_TRUE(a.start());
    ASSERT_TRUE(b.start());
    std::string zone = zone_with("[balance.www]\ncheck = \"tcp\"\nmembers = [\"127.0.0.11\", \"127.0.0.12\"]\n"
                                 "[checks.tcp]\ntype = \"tcp\"\nport = " + std::to_string(port) +
                                 "\ninterval = \"1s\"\ntimeout = \"500ms\"\nfall = 2\nrise = 2\n");
    DnsdInstance d({{"example.com.toml", zone}}, {"example.com."});
    ASSERT_EQ(seconds_until(d, "www.example.com.", [](auto s) { return s.size() == 2; }, 5s) >= 0, true);

    b.stop();
    double gone = seconds_until(d, "www.example.com.", [](auto s) { return s.size() == 1 && s.count("127.0.0.11"); }, 10s);
    std::printf("dead backend left the answers after %.2f s (interval 1 s, fall 2, timeout 0.5 s)\n", gone);
    ASSERT_GE(gone, 0) << d.server().log();
    EXPECT_LE(gone, 3.0) << "issue 3: interval 1 s x fall 2 must drop a dead backend within 3 s";

    ASSERT_TRUE(b.start());
    double back = seconds_until(d, "www.example.com.", [](auto s) { return s.size() == 2; }, 10s);
    std::printf("recovered backend returned after %.2f s (interval 1 s, rise 2)\n", back);
    ASSERT_GE(back, 0);
    EXPECT_LE(back, 1.0 * 2 + 1.0);
    EXPECT_NE(d.server().log().find("DOWN"), std::string::npos) << d.server().log();
}

TEST_F(HealthTest, HttpBackendReturning503IsDropped) {
    Backend a("127.0.0.21", port, true), b("127.0.0.22", port, true);
    ASSERT_TRUE(a.start());
    ASSERT_TRUE(b.start());
    std::string zone = zone_with("[balance.api]\ncheck = \"web\"\nmembers = [\"127.0.0.21\", \"127.0.0.22\"]\n"
                                 "[checks.web]\ntype = \"http\"\nport = " + std::to_string(port) +
                                 "\npath = \"/healthz\"\nhost = \"www.example.com\"\nexpect = [200]\n"
                                 "interval = \"500ms\"\ntimeout = \"400ms\"\nfall = 2\nrise = 2\n");
    DnsdInstance d({{"example.com.toml", zone}}, {"example.com."});
    b.set_status(503);
    double gone = seconds_until(d, "api.example.com.", [](auto s) { return s == std::set<std::string>{"127.0.0.21"}; }, 10s);
    std::printf("HTTP 503 backend dropped after %.2f s\n", gone);
    EXPECT_GE(gone, 0) << d.server().log();
    EXPECT_NE(d.server().log().find("status 503"), std::string::npos) << d.server().log();
    b.set_status(200);
    EXPECT_GE(seconds_until(d, "api.example.com.", [](auto s) { return s.size() == 2; }, 10s), 0);
}

TEST_F(HealthTest, EveryMemberDownFailsOpen) {
    Backend a("127.0.0.31", port, false), b("127.0.0.32", port, false);
    ASSERT_TRUE(a.start());
    ASSERT_TRUE(b.start());
    std::string zone = zone_with("[balance.www]\ncheck = \"tcp\"\nmembers = [\"127.0.0.31\", \"127.0.0.32\"]\n"
                                 "[checks.tcp]\ntype = \"tcp\"\nport = " + std::to_string(port) +
                                 "\ninterval = \"500ms\"\ntimeout = \"300ms\"\nfall = 2\n");
    DnsdInstance d({{"example.com.toml", zone}}, {"example.com."}, "[control]\nhttp = \"127.0.0.1:" +
                                                                      std::to_string(test_support::free_port()) + "\"\n");
    b.stop();
    ASSERT_GE(seconds_until(d, "www.example.com.", [](auto s) { return s.size() == 1; }, 10s), 0);
    a.stop();
    // Both down: wait until the status says so, then every member is answered (fail open).
    ASSERT_TRUE(test_support::wait_until([&] { return d.server().log().find("127.0.0.31") != std::string::npos &&
                                                      d.server().log().find("DOWN") != std::string::npos; }, 10s));
    EXPECT_GE(seconds_until(d, "www.example.com.", [](auto s) { return s.size() == 2; }, 10s), 0)
        << "all down: answer with the first pool (fail open)\n" << d.server().log();
}

TEST_F(HealthTest, RotationSpreadsFirstPositionEvenly) {
    std::string zone = zone_with("[balance.www]\nmembers = [\"192.0.2.1\", \"192.0.2.2\", \"192.0.2.3\", \"192.0.2.4\"]\n");
    DnsdInstance d({{"example.com.toml", zone}}, {"example.com."});
    std::map<std::string, int> first;
    for (int i = 0; i < 1000; ++i) {
        auto bytes = test_support::exchange(d.server().endpoint(), test_support::Transport::udp,
                                            test_support::build_query({.qname = "www.example.com."}));
        ASSERT_TRUE(bytes.has_value());
        // The first A record on the wire: parse in order (the normalized form is sorted).
        auto r = test_support::parse_response(*bytes);
        ASSERT_EQ(r.ancount, 4);
        const auto& w = *bytes;
        size_t at = w.size() - 4 * 16;   // 4 answers of 16 bytes each (pointer owner), at the end
        ++first[std::to_string(w[at + 12]) + "." + std::to_string(w[at + 13]) + "." + std::to_string(w[at + 14]) + "." +
                std::to_string(w[at + 15])];
    }
    ASSERT_EQ(first.size(), 4u);
    for (auto& [ip, n] : first) {
        std::printf("%s first in %d of 1000 answers\n", ip.c_str(), n);
        EXPECT_NEAR(n, 250, 25) << ip;
    }
}

TEST_F(HealthTest, WeightedSelectionMatchesWeights) {
    std::string zone = zone_with("[balance.www]\npolicy = \"weighted\"\nanswers = 1\n"
                                 "members = [{ address = \"192.0.2.1\", weight = 1 }, { address = \"192.0.2.2\", weight = 3 }]\n");
    DnsdInstance d({{"example.com.toml", zone}}, {"example.com."});
    std::map<std::string, int> seen;
    const int n = 10000;
    for (int i = 0; i < n; ++i) {
        auto r = d.ask({.qname = "www.example.com."});
        ASSERT_EQ(r.answer.size(), 1u);
        ++seen[*addresses(r).begin()];
    }
    std::printf("weights 1:3 -> %d : %d of %d\n", seen["192.0.2.1"], seen["192.0.2.2"], n);
    EXPECT_NEAR(seen["192.0.2.1"] / double(n), 0.25, 0.05 * 0.25 + 0.01);
    EXPECT_NEAR(seen["192.0.2.2"] / double(n), 0.75, 0.05 * 0.75);
}

TEST_F(HealthTest, FailoverMovesToTheNextPoolAndBack) {
    Backend p1("127.0.0.41", port, false), p2("127.0.0.42", port, false);
    ASSERT_TRUE(p1.start());
    ASSERT_TRUE(p2.start());
    uint16_t control = test_support::free_port();
    std::string zone = zone_with("[balance.www]\npolicy = \"failover\"\ncheck = \"tcp\"\n"
                                 "pools.primary = { members = [\"127.0.0.41\"] }\n"
                                 "pools.backup = { members = [\"127.0.0.42\"] }\n"
                                 "[checks.tcp]\ntype = \"tcp\"\nport = " + std::to_string(port) +
                                 "\ninterval = \"500ms\"\ntimeout = \"300ms\"\nfall = 2\nrise = 2\n");
    DnsdInstance d({{"example.com.toml", zone}}, {"example.com."},
                   "[control]\nhttp = \"127.0.0.1:" + std::to_string(control) + "\"\n");
    EXPECT_EQ(addresses(d.ask({.qname = "www.example.com."})), std::set<std::string>{"127.0.0.41"});
    p1.stop();
    EXPECT_GE(seconds_until(d, "www.example.com.", [](auto s) { return s == std::set<std::string>{"127.0.0.42"}; }, 10s), 0);

    // dnsd status shows the primary down.
    std::string cfg = (d.server().dir() / "dnsd.toml").string();
    std::string status = run_capture({dnsd_binary().string(), "status", "-c", cfg});
    std::printf("%s", status.c_str());
    EXPECT_NE(status.find("127.0.0.41"), std::string::npos) << status;
    EXPECT_NE(status.find("DOWN"), std::string::npos) << status;

    ASSERT_TRUE(p1.start());
    EXPECT_GE(seconds_until(d, "www.example.com.", [](auto s) { return s == std::set<std::string>{"127.0.0.41"}; }, 10s), 0);
    std::string json = run_capture({dnsd_binary().string(), "status", "--json", "-c", cfg});
    EXPECT_NE(json.find("\"address\":\"127.0.0.41\",\"weight\":1,\"up\":true"), std::string::npos) << json;
}

}  // namespace
}  // namespace e2e
