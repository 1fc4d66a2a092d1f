// cli_test.cpp -- `dnsd check` and `dnsd import` as an operator runs them.
#include <regex>

#include "tests/e2e/dnsd_fixture.hpp"

namespace e2e {
namespace {

TEST(Cli, CheckListsEveryMistakeWithLineAndColumn) {
    test_support::TempDir dir("dnsd-check");
    // Four mistakes on lines 5, 6, 7 and 9 (the first line of the raw string is empty).
    const char* zone = R"(
origin = "example.com."
[records]
"@" = { NS = ["ns1"] }
ns1 = { A = "192.0.2.300" }
www = { A = "192.0.2.1", CNAME = "ns1" }
mail = { MX = ["10 mail"], BOGUS = "x" }
[balance.api]
polcy = "round-robin"
members = ["192.0.2.9"]
)";
    auto path = dir.path() / "example.com.toml";
    test_support::write_file(path, zone);
    int code = 0;
    std::string out = run_capture({dnsd_binary().string(), "check", path.string()}, &code);
    EXPECT_EQ(code, 1) << out;
    for (int line : {5, 6, 7, 9}) {
        std::regex located(path.string() + ":" + std::to_string(line) + ":[0-9]+: ");
        EXPECT_TRUE(std::regex_search(out, located)) << "no error at line " << line << " in:\n" << out;
    }
    EXPECT_NE(out.find("polcy"), std::string::npos) << out;
    EXPECT_NE(out.find("192.0.2.300"), std::string::npos) << out;
}

TEST(Cli, CheckAcceptsTheExamples) {
    int code = 0;
    std::string out = run_capture(
        {dnsd_binary().string(), "check", "-c", std::string(DNSD_SOURCE_DIR) + "/zones/examples/dnsd.toml"}, &code);
    EXPECT_EQ(code, 0) << out;
    EXPECT_NE(out.find("ok"), std::string::npos) << out;
}

TEST(Cli, ImportRoundTripsThroughTheServer) {
    test_support::TempDir dir("dnsd-import");
    const char* master = R"($ORIGIN example.net.
$TTL 600
@ IN SOA ns1 hostmaster 7 7200 3600 1209600 300
@ NS ns1
@ MX 10 mail
ns1 A 192.0.2.53
mail A 192.0.2.25
mail AAAA 2001:db8::25
txt TXT "hello world" "second string"
srv._tcp SRV 10 60 5060 sip
alias 300 CNAME mail
caa CAA 0 issue "letsencrypt.org"
)";
    auto zone_path = dir.path() / "example.net.zone";
    test_support::write_file(zone_path, master);
    int code = 0;
    std::string toml = run_capture({dnsd_binary().string(), "import", zone_path.string(), "example.net."}, &code);
    ASSERT_EQ(code, 0) << toml;
    DnsdInstance d({{"example.net.toml", toml}}, {"example.net."});
    auto txt = d.ask({.qname = "txt.example.net.", .qtype = 16});
    ASSERT_EQ(txt.answer.size(), 1u);
    EXPECT_EQ(txt.answer[0], "txt.example.net. 600 IN TXT \"hello world\" \"second string\"");
    auto alias = d.ask({.qname = "alias.example.net."});
    ASSERT_EQ(alias.answer.size(), 2u);
    EXPECT_EQ(alias.answer[0], "alias.example.net. 300 IN CNAME mail.example.net.");
    auto soa = d.ask({.qname = "example.net.", .qtype = 6});
    ASSERT_EQ(soa.answer.size(), 1u);
    EXPECT_EQ(soa.answer[0], "example.net. 600 IN SOA ns1.example.net. hostmaster.example.net. 7 7200 3600 1209600 300");
}

}  // namespace
}  // namespace e2e
