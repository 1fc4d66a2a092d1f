// check_test.cpp -- Check::validate/problems and key(), Address, Target keys and TargetSet slots.
#include "health/check.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "health/address.hpp"
#include "health/target.hpp"

namespace health {
namespace {

using namespace std::chrono_literals;

Check valid_http() {
    Check c;
    c.name = "web";
    c.type = CheckType::http;
    c.port = 80;
    c.path = "/healthz";
    c.host = "www.example.com";
    c.expect = {{200, 200}, {204, 204}};
    return c;
}

bool has_problem(const Check& c, std::string_view field) {
    const auto ps = c.problems();
    return std::any_of(ps.begin(), ps.end(), [&](const CheckProblem& p) { return p.field == field; });
}

TEST(Check, DefaultsMatchTheIssue) {
    Check c;
    EXPECT_EQ(c.interval, 2s);
    EXPECT_EQ(c.timeout, 1s);
    EXPECT_EQ(c.fall, 2u);
    EXPECT_EQ(c.rise, 2u);
    EXPECT_EQ(c.path, "/");
    EXPECT_TRUE(c.expects_status(200));
    EXPECT_TRUE(c.expects_status(302));
    EXPECT_FALSE(c.expects_status(404));
    EXPECT_FALSE(c.expects_status(503));
    EXPECT_EQ(Check::default_port(CheckType::http), 80);
    EXPECT_EQ(Check::default_port(CheckType::dns), 53);
    EXPECT_EQ(Check::default_port(CheckType::tcp), 0);
}

TEST(Check, ValidChecksHaveNoProblems) {
    EXPECT_TRUE(valid_http().validate().empty());
    Check tcp;
    tcp.port = 443;
    EXPECT_TRUE(tcp.validate().empty());
    Check dns;
    dns.type = CheckType::dns;
    dns.port = 53;
    dns.qname = "example.com.";
    EXPECT_TRUE(dns.validate().empty());
}

TEST(Check, RejectsTimeoutLongerThanInterval) {
    Check c = valid_http();
    c.interval = 1s;
    c.timeout = 2s;
    const auto msgs = c.validate();
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_EQ(msgs[0], "timeout 2s is longer than the interval 1s");
    EXPECT_TRUE(has_problem(c, "timeout"));
    c.timeout = 1s;  // equal is fine
    EXPECT_TRUE(c.validate().empty());
}

TEST(Check, RejectsNonPositiveDurations) {
    Check c = valid_http();
    c.interval = -1s;
    EXPECT_TRUE(has_problem(c, "interval"));
    EXPECT_EQ(c.validate().front(), "interval must be positive, not -1s");
    c.interval = 0ms;
    EXPECT_TRUE(has_problem(c, "interval"));
    c = valid_http();
    c.timeout = 0ms;
    EXPECT_TRUE(has_problem(c, "timeout"));
}

TEST(Check, RejectsPortZeroAndZeroThresholds) {
    Check c = valid_http();
    c.port = 0;
    c.fall = 0;
    c.rise = 0;
    EXPECT_TRUE(has_problem(c, "port"));
    EXPECT_TRUE(has_problem(c, "fall"));
    EXPECT_TRUE(has_problem(c, "rise"));
    EXPECT_EQ(c.validate().size(), 3u);
}

TEST(Check, RejectsBadJitter) {
    Check c = valid_http();
    c.jitter = 0.9;
    EXPECT_TRUE(has_problem(c, "jitter"));
    c.jitter = -0.1;
    EXPECT_TRUE(has_problem(c, "jitter"));
    c.jitter = 0.0;
    EXPECT_FALSE(has_problem(c, "jitter"));
}

TEST(Check, RejectsBadHttpFields) {
    Check c = valid_http();
    c.path = "healthz";
    EXPECT_TRUE(has_problem(c, "path"));
    c.path = "/a b";
    EXPECT_TRUE(has_problem(c, "path"));
    c.path = "/ok\r\nX-Injected: 1";
    EXPECT_TRUE(has_problem(c, "path"));
    c = valid_http();
    c.host = "a\r\nb";
    EXPECT_TRUE(has_problem(c, "host"));
    c = valid_http();
    c.expect = {};
    EXPECT_TRUE(has_problem(c, "expect"));
    c.expect = {{600, 600}};
    EXPECT_TRUE(has_problem(c, "expect"));
    c.expect = {{300, 200}};
    EXPECT_TRUE(has_problem(c, "expect"));
    c = valid_http();
    c.response_limit = 10;
    EXPECT_TRUE(has_problem(c, "response_limit"));
    c = valid_http();
    c.response_limit = 256;
    c.body = std::string(300, 'x');
    EXPECT_TRUE(has_problem(c, "body"));
}

TEST(Check, HttpFieldsAreIgnoredForTcp) {
    Check c;
    c.port = 22;
    c.path = "not a path";
    EXPECT_TRUE(c.validate().empty());
}

TEST(Check, RejectsBadDnsFields) {
    Check c;
    c.type = CheckType::dns;
    c.port = 53;
    EXPECT_TRUE(has_problem(c, "qname"));
    c.qname = "a..b";
    EXPECT_TRUE(has_problem(c, "qname"));
    c.qname = std::string(64, 'a') + ".com";
    EXPECT_TRUE(has_problem(c, "qname"));
    c.qname = "example.com";
    c.qtype = 0;
    c.rcode = 16;
    EXPECT_TRUE(has_problem(c, "qtype"));
    EXPECT_TRUE(has_problem(c, "rcode"));
}

TEST(Check, KeyIgnoresNameOnly) {
    Check a = valid_http();
    Check b = valid_http();
    b.name = "other";
    EXPECT_EQ(a.key(), b.key());

    auto differs = [&](auto mutate) {
        Check c = valid_http();
        mutate(c);
        return c.key() != a.key();
    };
    EXPECT_TRUE(differs([](Check& c) { c.port = 8080; }));
    EXPECT_TRUE(differs([](Check& c) { c.interval = 3s; }));
    EXPECT_TRUE(differs([](Check& c) { c.timeout = 500ms; }));
    EXPECT_TRUE(differs([](Check& c) { c.fall = 3; }));
    EXPECT_TRUE(differs([](Check& c) { c.rise = 3; }));
    EXPECT_TRUE(differs([](Check& c) { c.jitter = 0.2; }));
    EXPECT_TRUE(differs([](Check& c) { c.path = "/other"; }));
    EXPECT_TRUE(differs([](Check& c) { c.host = ""; }));
    EXPECT_TRUE(differs([](Check& c) { c.expect = {{200, 299}}; }));
    EXPECT_TRUE(differs([](Check& c) { c.body = "ok"; }));
    EXPECT_TRUE(differs([](Check& c) { c.response_limit = 1024; }));
    EXPECT_TRUE(differs([](Check& c) { c.type = CheckType::tcp; }));
}

TEST(Check, KeyIsUnambiguous) {
    // Without length prefixes "a|b" + "" and "a" + "b|" could collide.
    Check a = valid_http();
    Check b = valid_http();
    a.path = "/a|1:b";
    a.host = "";
    b.path = "/a";
    b.host = "1:b";
    EXPECT_NE(a.key(), b.key());
}

TEST(Check, KeyIgnoresFieldsOfOtherTypes) {
    Check a;
    a.port = 22;
    Check b = a;
    b.path = "/x";
    b.qname = "example.com";
    EXPECT_EQ(a.key(), b.key());
}

TEST(Check, FormatsDurations) {
    EXPECT_EQ(format_duration(2s), "2s");
    EXPECT_EQ(format_duration(250ms), "250ms");
    EXPECT_EQ(format_duration(1500ms), "1.5s");
    EXPECT_EQ(format_duration(1050ms), "1.05s");
    EXPECT_EQ(format_duration(0ms), "0ms");
}

TEST(Check, ParsesTypes) {
    EXPECT_EQ(parse_check_type("http"), CheckType::http);
    EXPECT_EQ(parse_check_type("tcp"), CheckType::tcp);
    EXPECT_EQ(parse_check_type("dns"), CheckType::dns);
    EXPECT_FALSE(parse_check_type("icmp"));
    EXPECT_FALSE(parse_check_type("HTTP"));
}

TEST(Address, ParsesAndFormats) {
    auto v4 = Address::parse("192.0.2.10");
    ASSERT_TRUE(v4);
    EXPECT_EQ(v4->family, Address::Family::v4);
    EXPECT_EQ(v4->to_string(), "192.0.2.10");
    EXPECT_EQ(v4->to_string(80), "192.0.2.10:80");
    auto v6 = Address::parse("2001:DB8:0:0::10");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->family, Address::Family::v6);
    EXPECT_EQ(v6->to_string(), "2001:db8::10");
    EXPECT_EQ(v6->to_string(53), "[2001:db8::10]:53");
    EXPECT_EQ(*Address::parse("127.0.0.1"), Address::v4({127, 0, 0, 1}));
    EXPECT_FALSE(Address::parse("192.0.2.300"));
    EXPECT_FALSE(Address::parse("www.example.com"));
    EXPECT_FALSE(Address::parse("[::1]"));
    EXPECT_FALSE(Address::parse(""));
}

TEST(TargetSet, OneSlotPerCheckKeyAndAddress) {
    auto web = std::make_shared<Check>(valid_http());
    auto web_again = std::make_shared<Check>(valid_http());  // same parameters, other name
    web_again->name = "web2";
    auto other = std::make_shared<Check>(valid_http());
    other->port = 8080;
    const auto a = *Address::parse("192.0.2.10");
    const auto b = *Address::parse("192.0.2.11");

    TargetSet set;
    EXPECT_EQ(set.add(web, a), 0u);
    EXPECT_EQ(set.add(web, b), 1u);
    EXPECT_EQ(set.add(web_again, a), 0u);  // shared probe
    EXPECT_EQ(set.add(other, a), 2u);
    EXPECT_EQ(set.size(), 3u);
    EXPECT_EQ(set.targets()[1].address, b);
    auto taken = set.take();
    EXPECT_EQ(taken.size(), 3u);
    EXPECT_EQ(set.size(), 0u);
    EXPECT_NE(taken[0].key(), taken[1].key());
}

}  // namespace
}  // namespace health
