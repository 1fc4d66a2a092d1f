// wire_test.cpp -- the query parser's edge cases and the writer's name compression.
#include <gtest/gtest.h>

#include "dnsd/wire.hpp"
#include "tests/support/dns_client.hpp"

namespace dnsd::wire {
namespace {

Parse parse(const test_support::Bytes& b, Query& q) {
    bool question_ok = false;
    return parse_query(b.data(), b.size(), q, question_ok);
}

TEST(Wire, ParsesQuestionLowercased) {
    Query q;
    auto b = test_support::build_query({.qname = "WwW.Example.COM.", .qtype = 28});
    ASSERT_EQ(parse(b, q), Parse::ok);
    EXPECT_EQ(q.qtype, 28);
    EXPECT_EQ(q.qname(), std::string_view("\3www\7example\3com\0", 17));
}

TEST(Wire, LowercasesNamesOfEveryLength) {
    // Names are lowercased octet by octet below 8 octets, in words up to 16 and in 16-octet
    // pieces beyond; octets that are not ASCII capitals (digits, '@', '[', 0xC1) stay.
    for (size_t labels = 0; labels <= 20; ++labels) {
        std::string text;
        std::string lower;
        for (size_t i = 0; i < labels; ++i) {
            text += i % 2 == 0 ? "Az@[" : "ZaQ9";
            lower += i % 2 == 0 ? "az@[" : "zaq9";
            text += ".";
            lower += ".";
        }
        auto b = test_support::build_query({.qname = "X\\193." + text});
        Query q;
        ASSERT_EQ(parse(b, q), Parse::ok) << text;
        std::string expected("\2x\xC1", 3);
        for (size_t i = 0; i < labels; ++i) expected += std::string("\4") + lower.substr(5 * i, 4);
        expected += std::string(1, '\0');
        EXPECT_EQ(q.qname(), expected) << text;
    }
}

TEST(Wire, ClientSubnetIsValidated) {
    Query q;
    test_support::QuerySpec spec{.qname = "a.example."};
    spec.edns = test_support::Edns{};
    spec.edns->options.push_back(test_support::client_subnet_option("192.0.2.0/24"));
    ASSERT_EQ(parse(test_support::build_query(spec), q), Parse::ok);
    EXPECT_TRUE(q.has_ecs);
    EXPECT_EQ(q.ecs.source_prefix, 24);
    EXPECT_EQ(q.ecs.address[2], 2);

    spec.edns->options[0] = {8, {0, 1, 24, 5, 192, 0, 2}};   // scope must be 0 in queries
    EXPECT_EQ(parse(test_support::build_query(spec), q), Parse::formerr);
    spec.edns->options[0] = {8, {0, 1, 24, 0, 192, 0}};      // too few address bytes
    EXPECT_EQ(parse(test_support::build_query(spec), q), Parse::formerr);
    spec.edns->options[0] = {8, {0, 1, 23, 0, 192, 0, 3}};   // bits beyond /23 set
    EXPECT_EQ(parse(test_support::build_query(spec), q), Parse::formerr);
    spec.edns->options[0] = {8, {0, 3, 0, 0}};               // unknown family
    EXPECT_EQ(parse(test_support::build_query(spec), q), Parse::formerr);
}

TEST(Wire, CookieIsReadWhenWellFormed) {
    Query q;
    test_support::QuerySpec spec{.qname = "a.example."};
    spec.edns = test_support::Edns{};
    spec.edns->options.push_back({10, test_support::Bytes(8, 1)});
    EXPECT_EQ(parse(test_support::build_query(spec), q), Parse::ok);
    EXPECT_EQ(q.cookie_length, 8);
    // Cookies are not implemented, so a malformed one is ignored like any unknown option
    // (as Knot and NSD without cookie support do).
    spec.edns->options[0] = {10, test_support::Bytes(5, 1)};
    EXPECT_EQ(parse(test_support::build_query(spec), q), Parse::ok);
    EXPECT_EQ(q.cookie_length, 0);
}

TEST(Wire, QuestionCountOtherThanOneIsFormerr) {
    Query q;
    EXPECT_EQ(parse(test_support::from_hex("0001 0000 0000 0000 0000 0000"), q), Parse::formerr);
    EXPECT_EQ(parse(test_support::from_hex("0001 0000 0002 0000 0000 0000 00 0001 0001 00 0001 0001"), q), Parse::formerr);
}

TEST(Wire, WriterCompressesAgainstEarlierNames) {
    uint8_t buf[512] = {};
    Writer w(buf, sizeof buf);
    const std::string_view a("\3www\7example\3com\0", 17);
    const std::string_view b("\4mail\7example\3com\0", 18);
    ASSERT_TRUE(w.name(a));
    size_t after_first = w.size();
    EXPECT_EQ(after_first, 17u);
    ASSERT_TRUE(w.name(b));
    EXPECT_EQ(w.size() - after_first, 5u + 2u) << "\\4mail + pointer to example.com";
    EXPECT_EQ(buf[after_first + 5], 0xC0);
    EXPECT_EQ(buf[after_first + 6], 4) << "example.com starts at offset 4";
    ASSERT_TRUE(w.name(a));
    EXPECT_EQ(w.size() - after_first, 9u) << "the whole name again is one pointer";
}

TEST(Wire, WriterRollsBackOnOverflow) {
    uint8_t buf[20] = {};
    Writer w(buf, sizeof buf);
    const std::string_view a("\3www\7example\3com\0", 17);
    auto mark = w.mark();
    ASSERT_TRUE(w.name(a));
    EXPECT_FALSE(w.u32(1));
    EXPECT_TRUE(w.overflowed());
    w.rollback(mark);
    EXPECT_EQ(w.size(), 0u);
}

}  // namespace
}  // namespace dnsd::wire
