// dns_client_test.cpp -- the test DNS client without a network: query wire, response
// normalization, malformed input.
#include <gtest/gtest.h>

#include "tests/support/dns_client.hpp"

namespace test_support {
namespace {

TEST(BuildQuery, PlainQueryIsTheExpectedWire) {
    QuerySpec spec;
    spec.qname = "www.diff.test.";
    EXPECT_EQ(to_hex(build_query(spec)),
              "2a2a00000001000000000000"                  // id, flags, QD=1
              "03777777046469666604746573740000010001");  // www.diff.test. A IN
}

TEST(BuildQuery, KeepsLetterCaseAndSetsFlags) {
    QuerySpec spec;
    spec.qname = "WwW.Example.";
    spec.qtype = 28;
    spec.id = 7;
    spec.rd = true;
    spec.cd = true;
    spec.opcode = 2;
    Bytes wire = build_query(spec);
    EXPECT_EQ(to_hex(std::span(wire).first(4)), "00071110");
    EXPECT_EQ(to_hex(question_section(wire)), "03577757074578616d706c6500001c0001");
}

TEST(BuildQuery, AppendsOptWithDoAndOptions) {
    QuerySpec spec;
    spec.qname = "diff.test.";
    spec.edns = Edns{};
    spec.edns->udp_size = 4096;
    spec.edns->do_bit = true;
    spec.edns->options.push_back(client_subnet_option("192.0.2.0/24"));
    Response parsed = parse_response(build_query(spec));
    ASSERT_EQ(parsed.opts.size(), 1U);
    EXPECT_EQ(parsed.opts[0].udp_size, 4096);
    EXPECT_TRUE(parsed.opts[0].do_bit);
    ASSERT_EQ(parsed.opts[0].options.size(), 1U);
    EXPECT_EQ(to_hex(parsed.opts[0].options[0].data), "00011800c00002");
    EXPECT_EQ(parsed.parse_error, "");
}

TEST(BuildQuery, MalformedVariants) {
    QuerySpec spec;
    spec.qname = "diff.test.";
    spec.edns = Edns{};
    spec.edns->owner = "x.";
    spec.opt_count = 2;
    Response parsed = parse_response(build_query(spec));
    ASSERT_EQ(parsed.opts.size(), 2U);
    EXPECT_EQ(parsed.opts[0].owner, "x.");
    QuerySpec bad;
    bad.qname = "a..b.";
    EXPECT_THROW(build_query(bad), std::invalid_argument);
}

TEST(EdnsOptions, ClientSubnetClearsHostBits) {
    EXPECT_EQ(to_hex(client_subnet_option("192.0.2.77/24").data), "00011800c00002");
    EXPECT_EQ(to_hex(client_subnet_option("2001:db8:1:2ff::/56", 0).data),
              "0002380020010db8000102");
    EXPECT_EQ(to_hex(client_subnet_option("0.0.0.0/0").data), "00010000");
    EXPECT_THROW(client_subnet_option("192.0.2.0"), std::invalid_argument);
    EXPECT_THROW(client_subnet_option("192.0.2.0/33"), std::invalid_argument);
}

TEST(Names, TypesAndClasses) {
    EXPECT_EQ(rr_type_from_string("aaaa"), 28);
    EXPECT_EQ(rr_type_from_string("TYPE65280"), 65280);
    EXPECT_EQ(rr_type_from_string("ANY"), 255);
    EXPECT_EQ(rr_type_from_string("bogus"), std::nullopt);
    EXPECT_EQ(rr_class_from_string("ch"), 3);
    EXPECT_EQ(rr_class_from_string("CLASS42"), 42);
    EXPECT_EQ(rcode_to_string(16), "BADVERS");
    EXPECT_EQ(rcode_to_string(99), "RCODE99");
}

TEST(Hex, RoundTripAndErrors) {
    EXPECT_EQ(to_hex(from_hex("de AD be\nef")), "deadbeef");
    EXPECT_TRUE(from_hex("").empty());
    EXPECT_THROW(from_hex("abc"), std::invalid_argument);
    EXPECT_THROW(from_hex("zz"), std::invalid_argument);
}

TEST(ParseResponse, SortsAndLowercasesSections) {
    // Response: WWW.diff.test. A with two A records in descending order, the second
    // owner compressed to the question; OPT with extended rcode 1 (BADVERS).
    Bytes wire = from_hex(
        "2a2a8400000100020000000103575757046469666604746573740000010001"
        "03575757046469666604746573740000010001000000050004c0000202"
        "c00c0001000100000005"
        "0004c0000201"
        "00002904d0"
        "01000000"
        "0000");
    Response r = parse_response(wire);
    EXPECT_EQ(r.parse_error, "");
    EXPECT_EQ(r.rcode, 16U);
    EXPECT_EQ(r.flags_string(), "qr aa");
    EXPECT_EQ(r.question, "www.diff.test. IN A");
    EXPECT_EQ(to_hex(r.question_wire), "03575757046469666604746573740000010001");
    ASSERT_EQ(r.answer.size(), 2U);
    EXPECT_EQ(r.answer[0], "www.diff.test. 5 IN A 192.0.2.1");
    EXPECT_EQ(r.answer[1], "www.diff.test. 5 IN A 192.0.2.2");
    EXPECT_EQ(r.normalized_lines().front(), "rcode BADVERS opcode QUERY");
}

TEST(ParseResponse, PrintsTsigWithoutItsTime) {
    QuerySpec spec;
    spec.qname = "diff.test.";
    spec.tsig = Tsig{};
    spec.tsig->time_signed = 1700000000;
    Response r = parse_response(build_query(spec));
    ASSERT_EQ(r.additional.size(), 1U) << r;
    EXPECT_EQ(r.additional[0],
              "unknown-key. 0 ANY TSIG hmac-sha256. fudge=300 mac-size=32 original-id=10794 "
              "error=NOERROR other-size=0");
}

TEST(ParseResponse, SurvivesMalformedInput) {
    EXPECT_NE(parse_response(from_hex("2a2a")).parse_error, "");
    Response loop = parse_response(from_hex("2a2a80000001000000000000c00c00010001"));
    EXPECT_NE(loop.parse_error, "");
    EXPECT_EQ(loop.flags_string(), "qr");
    Response overrun = parse_response(from_hex("2a2a8000000000010000000000000100010000000500ff"));
    EXPECT_NE(overrun.parse_error, "");
    Response trailing = parse_response(from_hex("2a2a800000000000000000000000"));
    EXPECT_EQ(trailing.parse_error, "2 octets after the last RR");
}

}  // namespace
}  // namespace test_support
