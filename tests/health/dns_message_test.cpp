// dns_message_test.cpp -- DNS probe query bytes, response judgement, rcode/qtype names.
#include "health/dns_message.hpp"

#include <gtest/gtest.h>

#include "health/check.hpp"

namespace health {
namespace {

Check dns_check() {
    Check c;
    c.type = CheckType::dns;
    c.port = 53;
    c.qname = "example.com.";
    c.qtype = 6;
    return c;
}

std::vector<uint8_t> response(uint8_t rcode, uint16_t ancount, bool qr = true) {
    std::vector<uint8_t> r(12, 0);
    r[2] = qr ? 0x84 : 0x00;
    r[3] = rcode;
    r[7] = static_cast<uint8_t>(ancount);
    return r;
}

TEST(DnsMessage, EncodesNames) {
    EXPECT_EQ(*encode_qname("example.com."),
              (std::vector<uint8_t>{7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0}));
    EXPECT_EQ(*encode_qname("example.com"), *encode_qname("example.com."));
    EXPECT_EQ(*encode_qname("."), std::vector<uint8_t>{0});
    EXPECT_FALSE(encode_qname(""));
    EXPECT_FALSE(encode_qname("a..b"));
    EXPECT_FALSE(encode_qname(".a"));
    EXPECT_FALSE(encode_qname(std::string(64, 'a')));
    std::string long_name;
    for (int i = 0; i < 5; ++i) long_name += std::string(60, 'a') + ".";
    EXPECT_FALSE(encode_qname(long_name));  // > 255 octets
}

TEST(DnsMessage, BuildsOneQuestionWithoutRd) {
    const auto q = build_dns_query(dns_check());
    ASSERT_EQ(q.size(), 12u + 13u + 4u);
    EXPECT_EQ(q[2], 0);  // RD clear: authoritative backends
    EXPECT_EQ(q[5], 1);  // QDCOUNT
    EXPECT_EQ(q[11], 0);  // no EDNS
    EXPECT_EQ(q[25], 0);
    EXPECT_EQ(q[26], 6);  // SOA
    EXPECT_EQ(q[28], 1);  // IN
    Check c = dns_check();
    c.recursion = true;
    EXPECT_EQ(build_dns_query(c)[2], 1);
}

TEST(DnsMessage, JudgesRcodeAndAnswers) {
    Check c = dns_check();
    EXPECT_EQ(evaluate_dns(c, response(0, 1)).outcome, Outcome::dns_ok);
    EXPECT_EQ(evaluate_dns(c, response(0, 0)).outcome, Outcome::dns_ok);
    const auto refused = evaluate_dns(c, response(5, 0));
    EXPECT_EQ(refused.outcome, Outcome::dns_rcode);
    EXPECT_EQ(refused.describe(), "rcode REFUSED");
    c.require_answer = true;
    EXPECT_EQ(evaluate_dns(c, response(0, 0)).outcome, Outcome::dns_empty);
    EXPECT_EQ(evaluate_dns(c, response(0, 0)).describe(), "rcode NOERROR but no answer");
    c.rcode = 3;  // expecting NXDOMAIN, e.g. for a name that must not exist
    EXPECT_EQ(evaluate_dns(c, response(3, 0)).outcome, Outcome::dns_empty);
    c.require_answer = false;
    EXPECT_EQ(evaluate_dns(c, response(3, 0)).outcome, Outcome::dns_ok);
}

TEST(DnsMessage, RejectsMalformedResponses) {
    const Check c = dns_check();
    EXPECT_EQ(evaluate_dns(c, std::vector<uint8_t>(5, 0)).outcome, Outcome::dns_malformed);
    EXPECT_EQ(evaluate_dns(c, response(0, 1, false)).outcome, Outcome::dns_malformed);
}

TEST(DnsMessage, NamesCodesAndTypes) {
    EXPECT_EQ(rcode_name(0), "NOERROR");
    EXPECT_EQ(rcode_name(2), "SERVFAIL");
    EXPECT_EQ(rcode_name(12), "RCODE12");
    EXPECT_EQ(parse_rcode("refused"), 5);
    EXPECT_EQ(parse_rcode("NXDOMAIN"), 3);
    EXPECT_EQ(parse_rcode("7"), 7);
    EXPECT_FALSE(parse_rcode("16"));
    EXPECT_FALSE(parse_rcode("BOGUS"));
    EXPECT_EQ(parse_qtype("aaaa"), 28);
    EXPECT_EQ(parse_qtype("SOA"), 6);
    EXPECT_EQ(parse_qtype("TYPE65534"), 65534);
    EXPECT_FALSE(parse_qtype("TYPE0"));
    EXPECT_FALSE(parse_qtype("NOPE"));
}

}  // namespace
}  // namespace health
