// responder_test.cpp -- Responder::answer() over a zone with every lookup outcome: ldns-built
// queries in, ldns-parsed responses out, no socket.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "tests/dnsd/responder_fixture.hpp"

namespace dnsd {
namespace {

using test_support::Edns;
using test_support::QuerySpec;
using test_support::Response;

constexpr uint16_t A = 1, NS = 2, CNAME = 5, SOA = 6, MX = 15, TXT = 16, AAAA = 28, DS = 43, ANY = 255;

std::string big_txt() {
    std::string rows;
    for (int i = 0; i < 10; ++i) {
        rows += std::string(i == 0 ? "" : ", ") + "\"" + std::string(100, static_cast<char>('a' + i)) + "\"";
    }
    return rows;
}

const std::string kZone = R"(
origin = "example.com."
ttl = 3600
[soa]
primary = "ns1"
contact = "hostmaster@example.com"
serial = 2024010101
negative_ttl = 300
[records]
"@" = { NS = ["ns1", "ns2"], MX = ["10 mail"], TXT = "v=spf1 mx -all" }
ns1 = { A = "192.0.2.53" }
ns2 = { A = "198.51.100.53", AAAA = "2001:db8::53" }
mail = { A = "192.0.2.25", ttl = 600 }
alias = { CNAME = "mail" }
chain = { CNAME = "alias" }
ext = { CNAME = "www.example.net." }
dangling = { CNAME = "missing" }
loop1 = { CNAME = "loop2" }
loop2 = { CNAME = "loop1" }
"*.wild" = { A = "192.0.2.80", TXT = "wild" }
"a.b.ent" = { A = "192.0.2.81" }
sub = { NS = ["ns.sub"], DS = ["12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"] }
"ns.sub" = { A = "192.0.2.99" }
other = { NS = ["ns.example.net."] }
big = { TXT = [)" + big_txt() + R"(] }
[balance.www]
members = ["192.0.2.10", "192.0.2.11", "2001:db8::10"]
[balance.v4only]
members = ["192.0.2.30"]
)";

class ResponderTest : public ::testing::Test {
protected:
    testing::SnapshotFixture fx{{{"example.com.toml", kZone}}};
};

bool contains(const std::vector<std::string>& rrs, const std::string& needle) {
    return std::any_of(rrs.begin(), rrs.end(), [&](const std::string& r) { return r.find(needle) != std::string::npos; });
}

TEST_F(ResponderTest, PositiveAnswerIsAuthoritativeAndMinimal) {
    Response r = fx.ask("mail.example.com.", A);
    EXPECT_EQ(r.rcode, 0u);
    EXPECT_TRUE(r.aa);
    EXPECT_TRUE(r.qr);
    ASSERT_EQ(r.answer.size(), 1u);
    EXPECT_EQ(r.answer[0], "mail.example.com. 600 IN A 192.0.2.25");
    EXPECT_TRUE(r.authority.empty()) << "minimal responses: no NS in authority";
}

TEST_F(ResponderTest, MxAddsTargetAddressInAdditional) {
    Response r = fx.ask("example.com.", MX);
    ASSERT_EQ(r.answer.size(), 1u);
    EXPECT_TRUE(contains(r.additional, "mail.example.com. 600 IN A 192.0.2.25"));
}

TEST_F(ResponderTest, NxdomainCarriesSoaWithNegativeTtl) {
    Response r = fx.ask("nope.example.com.", A);
    EXPECT_EQ(r.rcode, 3u);
    EXPECT_TRUE(r.aa);
    EXPECT_TRUE(r.answer.empty());
    ASSERT_EQ(r.authority.size(), 1u);
    EXPECT_EQ(r.authority[0].rfind("example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2024010101", 0), 0u)
        << r.authority[0];
}

TEST(ResponderSoa, NegativeSoaNamesInsideAndOutsideTheZone) {
    // The negative SOA is prepared with pointers to the origin inside the question: check it
    // decodes the same for names outside the zone, a deep qname, mixed case and after a CNAME.
    testing::SnapshotFixture fx{{{"sub.example.org.toml", R"(
origin = "sub.example.org."
[soa]
primary = "ns.example.net."
contact = "admin@example.org"
serial = 7
negative_ttl = 60
[records]
"@" = { NS = ["ns.example.net."] }
hop = { CNAME = "missing.deep" }
)"}}};
    for (const char* qname : {"a.b.c.sub.example.org.", "X.Sub.Example.ORG.", "hop.sub.example.org."}) {
        Response r = fx.ask(qname, A);
        EXPECT_EQ(r.rcode, 3u) << qname;
        ASSERT_EQ(r.authority.size(), 1u) << qname;
        std::string soa = r.authority[0];
        for (char& c : soa) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        EXPECT_EQ(soa.rfind("sub.example.org. 60 in soa ns.example.net. admin.example.org. 7 ", 0), 0u) << soa;
    }
    Response nodata = fx.ask("sub.example.org.", TXT);
    EXPECT_EQ(nodata.rcode, 0u);
    ASSERT_EQ(nodata.authority.size(), 1u);
    EXPECT_EQ(nodata.authority[0].rfind("sub.example.org. 60 IN SOA ns.example.net. admin.example.org. 7 ", 0), 0u)
        << nodata.authority[0];
}

TEST_F(ResponderTest, NodataCarriesSoa) {
    Response r = fx.ask("mail.example.com.", AAAA);
    EXPECT_EQ(r.rcode, 0u);
    EXPECT_TRUE(r.answer.empty());
    ASSERT_EQ(r.authority.size(), 1u);
    EXPECT_NE(r.authority[0].find(" SOA "), std::string::npos);
}

TEST_F(ResponderTest, CnameIsChasedInsideTheZone) {
    Response r = fx.ask("chain.example.com.", A);
    EXPECT_EQ(r.rcode, 0u);
    EXPECT_TRUE(contains(r.answer, "chain.example.com. 3600 IN CNAME alias.example.com."));
    EXPECT_TRUE(contains(r.answer, "alias.example.com. 3600 IN CNAME mail.example.com."));
    EXPECT_TRUE(contains(r.answer, "mail.example.com. 600 IN A 192.0.2.25"));
}

TEST_F(ResponderTest, CnameOutOfZoneStopsThere) {
    Response r = fx.ask("ext.example.com.", A);
    EXPECT_EQ(r.rcode, 0u);
    ASSERT_EQ(r.answer.size(), 1u);
    EXPECT_TRUE(r.authority.empty());
}

TEST_F(ResponderTest, CnameToMissingNameIsNxdomain) {   // RFC 6604
    Response r = fx.ask("dangling.example.com.", A);
    EXPECT_EQ(r.rcode, 3u);
    EXPECT_EQ(r.answer.size(), 1u);
    EXPECT_EQ(r.authority.size(), 1u);
}

TEST_F(ResponderTest, CnameLoopEnds) {
    Response r = fx.ask("loop1.example.com.", A);
    EXPECT_EQ(r.rcode, 0u);
    EXPECT_EQ(r.answer.size(), 2u);
}

TEST_F(ResponderTest, CnameQueryReturnsTheCnameItself) {
    Response r = fx.ask("alias.example.com.", CNAME);
    ASSERT_EQ(r.answer.size(), 1u);
    EXPECT_NE(r.answer[0].find("CNAME mail.example.com."), std::string::npos);
}

TEST_F(ResponderTest, WildcardSynthesisesTheQname) {
    Response r = fx.ask("x.y.wild.example.com.", A);
    EXPECT_EQ(r.rcode, 0u);
    ASSERT_EQ(r.answer.size(), 1u);
    EXPECT_EQ(r.answer[0], "x.y.wild.example.com. 3600 IN A 192.0.2.80");
    Response nodata = fx.ask("x.wild.example.com.", MX);
    EXPECT_EQ(nodata.rcode, 0u);
    EXPECT_TRUE(nodata.answer.empty());
    EXPECT_EQ(nodata.authority.size(), 1u);
}

TEST_F(ResponderTest, EmptyNonTerminalIsNodataNotNxdomain) {
    Response ent = fx.ask("b.ent.example.com.", A);
    EXPECT_EQ(ent.rcode, 0u);
    EXPECT_TRUE(ent.answer.empty());
    Response below = fx.ask("zz.b.ent.example.com.", A);
    EXPECT_EQ(below.rcode, 3u);
}

TEST_F(ResponderTest, DelegationGivesReferralWithGlue) {
    Response r = fx.ask("host.sub.example.com.", A);
    EXPECT_EQ(r.rcode, 0u);
    EXPECT_FALSE(r.aa);
    EXPECT_TRUE(r.answer.empty());
    EXPECT_TRUE(contains(r.authority, "sub.example.com. 3600 IN NS ns.sub.example.com."));
    EXPECT_TRUE(contains(r.additional, "ns.sub.example.com. 3600 IN A 192.0.2.99"));
    Response at_cut = fx.ask("sub.example.com.", NS);
    EXPECT_FALSE(at_cut.aa);
    EXPECT_TRUE(at_cut.answer.empty());
    EXPECT_EQ(at_cut.authority.size(), 1u);
}

TEST_F(ResponderTest, DsAtTheCutIsAnsweredByTheParent) {
    Response r = fx.ask("sub.example.com.", DS);
    EXPECT_TRUE(r.aa);
    ASSERT_EQ(r.answer.size(), 1u);
    EXPECT_NE(r.answer[0].find(" DS 12345 13 2 "), std::string::npos);
    Response none = fx.ask("other.example.com.", DS);
    EXPECT_TRUE(none.aa);
    EXPECT_TRUE(none.answer.empty());
    EXPECT_EQ(none.authority.size(), 1u);
}

TEST_F(ResponderTest, OutsideEveryZoneIsRefused) {
    Response r = fx.ask("www.example.org.", A);
    EXPECT_EQ(r.rcode, 5u);
    EXPECT_FALSE(r.aa);
}

TEST_F(ResponderTest, BalancedNameAnswersByFamily) {
    Response a = fx.ask("www.example.com.", A);
    EXPECT_EQ(a.answer.size(), 2u);
    EXPECT_TRUE(contains(a.answer, "www.example.com. 30 IN A 192.0.2.10"));
    Response aaaa = fx.ask("www.example.com.", AAAA);
    ASSERT_EQ(aaaa.answer.size(), 1u);
    EXPECT_EQ(aaaa.answer[0], "www.example.com. 30 IN AAAA 2001:db8::10");
    Response none = fx.ask("v4only.example.com.", AAAA);
    EXPECT_EQ(none.rcode, 0u);
    EXPECT_TRUE(none.answer.empty());
    EXPECT_EQ(none.authority.size(), 1u) << "members of one family: NODATA for the other";
}

TEST_F(ResponderTest, QuestionKeepsClientCase) {
    QuerySpec q;
    q.qname = "MaIl.ExAmPlE.cOm.";
    Response r = fx.ask(q);
    ASSERT_FALSE(r.question_wire.empty());
    std::string wire(r.question_wire.begin(), r.question_wire.end());
    EXPECT_NE(wire.find("MaIl"), std::string::npos);
    EXPECT_EQ(r.answer.size(), 1u);
}

TEST_F(ResponderTest, UdpTruncatesWhatDoesNotFitAndTcpCarriesIt) {
    Response udp = fx.ask("big.example.com.", TXT);
    EXPECT_TRUE(udp.tc);
    EXPECT_LE(udp.wire.size(), 512u);
    QuerySpec q;
    q.qname = "big.example.com.";
    q.qtype = TXT;
    Response tcp = fx.ask(q, true);
    EXPECT_FALSE(tcp.tc);
    EXPECT_EQ(tcp.answer.size(), 10u);
    QuerySpec e = q;
    e.edns = Edns{};
    e.edns->udp_size = 4096;
    Response edns = fx.ask(e);
    EXPECT_FALSE(edns.tc) << "1232-byte cap fits 10 x 100 bytes";
    EXPECT_LE(edns.wire.size(), 1232u);
}

TEST_F(ResponderTest, EdnsIsEchoedWithOurPayloadSize) {
    QuerySpec q;
    q.qname = "mail.example.com.";
    q.edns = Edns{};
    q.edns->udp_size = 4096;
    q.edns->do_bit = true;
    q.edns->options.push_back({65001, {1, 2, 3}});   // unknown: ignored
    Response r = fx.ask(q);
    EXPECT_EQ(r.rcode, 0u);
    ASSERT_EQ(r.opts.size(), 1u);
    EXPECT_EQ(r.opts[0].udp_size, 1232u);
    EXPECT_TRUE(r.opts[0].do_bit);
    EXPECT_TRUE(r.opts[0].options.empty());
}

TEST_F(ResponderTest, EdnsVersionOneIsBadvers) {
    QuerySpec q;
    q.qname = "mail.example.com.";
    q.edns = Edns{};
    q.edns->version = 1;
    Response r = fx.ask(q);
    EXPECT_EQ(r.rcode, 16u);
    EXPECT_TRUE(r.answer.empty());
    ASSERT_EQ(r.opts.size(), 1u);
    EXPECT_EQ(r.opts[0].version, 0u);
}

TEST_F(ResponderTest, MalformedQueriesGetFormerrOrNothing) {
    QuerySpec two_opts;
    two_opts.qname = "mail.example.com.";
    two_opts.edns = Edns{};
    two_opts.opt_count = 2;
    EXPECT_EQ(fx.ask(two_opts).rcode, 1u);

    auto q = test_support::build_query({.qname = "mail.example.com."});
    q.push_back(0);   // trailing garbage
    EXPECT_EQ(test_support::parse_response(fx.answer_bytes(q)).rcode, 1u);

    auto response = test_support::build_query({.qname = "mail.example.com.", .extra_flags = 0x8000});
    EXPECT_TRUE(fx.answer_bytes(response).empty()) << "a response is never answered";
    EXPECT_TRUE(fx.answer_bytes({1, 2, 3}).empty()) << "shorter than a header";

    auto loop = test_support::from_hex("abcd 0000 0001 0000 0000 0000 c00c 0001 0001");
    EXPECT_EQ(test_support::parse_response(fx.answer_bytes(loop)).rcode, 1u);
}

TEST_F(ResponderTest, OtherOpcodesAreNotImplemented) {
    Response r = fx.ask({.qname = "mail.example.com.", .opcode = 2});
    EXPECT_EQ(r.rcode, 4u);
}

TEST_F(ResponderTest, TsigWithUnknownKeyIsNotauthBadkey) {
    QuerySpec q;
    q.qname = "mail.example.com.";
    q.tsig = test_support::Tsig{};
    Response r = fx.ask(q);
    EXPECT_EQ(r.rcode, 9u);
    EXPECT_TRUE(r.answer.empty());
    EXPECT_TRUE(contains(r.additional, "TSIG")) << ::testing::PrintToString(r.additional);
    EXPECT_TRUE(contains(r.additional, "BADKEY") || contains(r.additional, " 17 ")) << ::testing::PrintToString(r.additional);
}

TEST_F(ResponderTest, AnyGetsOneRrset) {   // RFC 8482
    Response r = fx.ask("example.com.", ANY);
    EXPECT_EQ(r.rcode, 0u);
    EXPECT_GE(r.answer.size(), 1u);
    std::string type = r.answer[0].substr(r.answer[0].find(" IN ") + 4);
    type = type.substr(0, type.find(' '));
    for (const auto& rr : r.answer) EXPECT_NE(rr.find(" IN " + type + " "), std::string::npos);
}

TEST_F(ResponderTest, ChaosIsRefusedUnlessConfigured) {
    Response r = fx.ask({.qname = "version.bind.", .qtype = TXT, .qclass = 3});
    EXPECT_EQ(r.rcode, 5u);
}

TEST_F(ResponderTest, SoaAndNsAtApex) {
    Response soa = fx.ask("example.com.", SOA);
    EXPECT_EQ(soa.answer.size(), 1u);
    Response ns = fx.ask("example.com.", NS);
    EXPECT_EQ(ns.answer.size(), 2u);
    EXPECT_TRUE(contains(ns.additional, "ns1.example.com. 3600 IN A 192.0.2.53"));
    EXPECT_TRUE(contains(ns.additional, "ns2.example.com. 3600 IN AAAA 2001:db8::53"));
}

TEST(ResponderChaos, IdentityAndVersionWhenConfigured) {
    Config config;
    config.identity = "ns1.test";
    config.version = "dnsd test";
    testing::SnapshotFixture fx{{{"example.com.toml", kZone}}, config};
    Response r = fx.ask({.qname = "version.bind.", .qtype = TXT, .qclass = 3});
    EXPECT_EQ(r.rcode, 0u);
    ASSERT_EQ(r.answer.size(), 1u);
    EXPECT_NE(r.answer[0].find("\"dnsd test\""), std::string::npos);
    Response id = fx.ask({.qname = "id.server.", .qtype = TXT, .qclass = 3});
    ASSERT_EQ(id.answer.size(), 1u);
    EXPECT_NE(id.answer[0].find("ns1.test"), std::string::npos);
}

}  // namespace
}  // namespace dnsd
