// errors_test.cpp -- one test per error class of the zone loader, each asserting the full
// `file:line:col: message` text (STYLE.md 9: error text is an interface).
#include <gtest/gtest.h>

#include "test_util.hpp"
#include "zones/loader.hpp"

namespace {

using zones_test::TempDir;

// The apex every case needs, on lines 1-3; a case's own lines start at line 4.
constexpr const char* kApex = "[records]\n\"@\" = { NS = \"ns1\" }\nns1 = { A = \"192.0.2.1\" }\n";

// Loads `text` as z.test.toml (plus other files) and returns its errors, one per line, with
// paths relative to the temp dir; "loaded" when it loads.
std::string errors_of(const std::string& text, const std::vector<std::pair<std::string, std::string>>& files = {}) {
    TempDir dir;
    for (const auto& [name, content] : files) dir.write(name, content);
    std::string path = dir.write("z.test.toml", text);
    auto zone = zones::load_zone_file(path);
    if (zone.has_value()) return "loaded";
    return zones_test::error_text(zone.error(), dir.path().string() + "/");
}

std::string with_apex(const std::string& rest) { return kApex + rest; }

// ---- TOML itself ------------------------------------------------------------------------------

TEST(LoaderErrors, TomlSyntax) {
    EXPECT_EQ(errors_of("ttl = \n"),
              "z.test.toml:1:7: TOML syntax: missing value after key-value separator '=' (expected value, but got nothing)\n");
    EXPECT_EQ(errors_of(with_apex("www = { A = \"192.0.2.1\" \n")),
              "z.test.toml:4:25: TOML syntax: missing curly brace `}` (should be `}`)\n");
}

TEST(LoaderErrors, DuplicateKey) {
    EXPECT_EQ(errors_of(with_apex("www = { A = \"192.0.2.1\" }\nwww = { A = \"192.0.2.2\" }\n")),
              "z.test.toml:5:7: duplicate key \"www\" (first defined at line 4)\n");
    EXPECT_EQ(errors_of("ttl = 1\nttl = 2\n" + with_apex("")),
              "z.test.toml:2:7: duplicate key \"ttl\" (first defined at line 1)\n");
}

TEST(LoaderErrors, UnknownKeys) {
    EXPECT_EQ(errors_of("orign = \"z.test.\"\n" + with_apex("")),
              "z.test.toml:1:9: unknown key 'orign' in the zone file; expected one of: origin, ttl, soa, records, "
              "include, balance, checks\n");
    EXPECT_EQ(errors_of("[soa]\nrefesh = 7200\n" + with_apex("")),
              "z.test.toml:2:10: unknown key 'refesh' in [soa]; expected one of: primary, contact, serial, refresh, "
              "retry, expire, negative_ttl, ttl\n");
    EXPECT_EQ(errors_of(with_apex("www = { A = { value = [\"192.0.2.1\"] } }\n")),
              "z.test.toml:4:23: unknown key 'value' in the A table of www.z.test.; expected one of: values, ttl\n");
}

TEST(LoaderErrors, WrongValueType) {
    EXPECT_EQ(errors_of(with_apex("www = { A = 1 }\nmail = \"192.0.2.25\"\n")),
              "z.test.toml:4:13: A record must be a string in presentation format, got an integer\n"
              "z.test.toml:5:8: [records] mail must be a table of record types, e.g. mail = { A = \"192.0.2.1\" }, got a "
              "string\n");
    EXPECT_EQ(errors_of("include = 3\n" + with_apex("")),
              "z.test.toml:1:11: include must be a file name or an array of file names, got an integer\n");
}

TEST(LoaderErrors, Origin) {
    EXPECT_EQ(errors_of("origin = \"z.test\"\n" + with_apex("")),
              "z.test.toml:1:10: origin must be an absolute name ending in a dot, e.g. \"example.com.\", got \"z.test\"\n");
    EXPECT_EQ(errors_of("origin = \"a..b.\"\n" + with_apex("")),
              "z.test.toml:1:10: bad origin \"a..b.\": empty label in \"a..b.\"\n");
}

TEST(LoaderErrors, TtlOutOfRange) {
    EXPECT_EQ(errors_of("ttl = 2147483648\n" + with_apex("www = { A = \"192.0.2.9\", ttl = -1 }\n")),
              "z.test.toml:1:7: ttl must be seconds from 0 to 2147483647 (or a duration like \"1h\"), got 2147483648\n"
              "z.test.toml:5:32: ttl of www must be seconds from 0 to 2147483647 (or a duration like \"1h\"), got -1\n");
    EXPECT_EQ(errors_of(with_apex("www = { A = { values = \"192.0.2.9\", ttl = \"1x\" } }\n")),
              "z.test.toml:4:43: A ttl must be seconds from 0 to 2147483647 (or a duration like \"1h\"), got a string "
              "\"1x\"\n");
}

// ---- record data ------------------------------------------------------------------------------

TEST(LoaderErrors, BadAddress) {
    EXPECT_EQ(errors_of(with_apex("www = { A = \"192.0.2.300\", AAAA = [\"2001:db8::1\", \"2001:db8::g\"] }\n")),
              "z.test.toml:4:13: bad A record \"192.0.2.300\": expected an IPv4 address\n"
              "z.test.toml:4:51: bad AAAA record \"2001:db8::g\": expected an IPv6 address\n");
}

TEST(LoaderErrors, BadRdataFields) {
    EXPECT_EQ(errors_of(with_apex("\"@\".MX = \"mail\"\n")),
              "z.test.toml:4:10: TOML syntax: inserting to an inline table (@) but inline tables are immutable "
              "(inserting this)\n");
    EXPECT_EQ(errors_of(with_apex("a = { MX = \"mail\" }\nb = { MX = \"70000 mail\" }\nc = { SRV = \"10 60 sip\" }\n"
                                  "d = { CNAME = \"a..b\" }\ne = { A = \"192.0.2.1 192.0.2.2\" }\n")),
              "z.test.toml:4:12: bad MX record \"mail\": expected a preference (0-65535) and a mail server's name, "
              "e.g. \"10 mail\"\n"
              "z.test.toml:5:12: bad MX record \"70000 mail\": expected a preference (0-65535) and a mail server's "
              "name, e.g. \"10 mail\" (\"70000\" is not a number from 0 to 65535)\n"
              "z.test.toml:6:13: bad SRV record \"10 60 sip\": expected priority, weight and port (0-65535 each) and a "
              "target name, e.g. \"10 60 5060 sip\"\n"
              "z.test.toml:7:15: bad CNAME record \"a..b\": expected a domain name (empty label in \"a..b\")\n"
              "z.test.toml:8:11: bad A record \"192.0.2.1 192.0.2.2\": expected an IPv4 address (unexpected "
              "\"192.0.2.2\")\n");
}

TEST(LoaderErrors, BadRdataThroughLdns) {
    EXPECT_EQ(errors_of(with_apex("www = { CAA = \"0 issue letsencrypt.org\", DS = \"1 8 2 zz\" }\n")),
              "z.test.toml:4:15: bad CAA record \"0 issue letsencrypt.org\": expected flags (0-255), a tag and a quoted "
              "value, e.g. 0 issue \"ca.example.net\"\n"
              "z.test.toml:4:47: bad DS record \"1 8 2 zz\": expected key tag, algorithm, digest type and a hex digest\n");
    EXPECT_EQ(errors_of(with_apex("www = { NAPTR = \"100\" }\n")),
              "z.test.toml:4:17: bad NAPTR record \"100\": expected order, preference, flags, services, regexp and "
              "replacement (missing fields)\n");
    EXPECT_EQ(errors_of(with_apex("www = { RP = \"x\" }\n")),
              "z.test.toml:4:14: bad RP record \"x\": ldns: Syntax error, value expected\n");
}

TEST(LoaderErrors, UnknownRecordType) {
    EXPECT_EQ(errors_of(with_apex("www = { AA = \"192.0.2.1\", TYPE70000 = \"x\" }\n")),
              "z.test.toml:4:14: unknown record type 'AA' at www; expected an RR type (A, AAAA, CNAME, MX, NS, TXT, "
              "SRV, CAA, ... or TYPEnnn) or ttl\n"
              "z.test.toml:4:39: unknown record type 'TYPE70000' at www; expected an RR type (A, AAAA, CNAME, MX, NS, "
              "TXT, SRV, CAA, ... or TYPEnnn) or ttl\n");
    EXPECT_EQ(errors_of(with_apex("www = { ANY = \"x\" }\n")), "z.test.toml:4:15: type ANY cannot be stored in a zone\n");
}

TEST(LoaderErrors, SoaInRecords) {
    EXPECT_EQ(errors_of(with_apex("x = { SOA = \"ns1 hostmaster 1 2 3 4 5\" }\n")),
              "z.test.toml:4:13: SOA records are not written in [records]: set the SOA fields in the [soa] table\n");
}

TEST(LoaderErrors, SoaFields) {
    EXPECT_EQ(errors_of("[soa]\nserial = -1\ncontact = \"@example.com\"\nretry = true\n" + with_apex("")),
              "z.test.toml:2:10: [soa] serial must be \"auto\" or an integer from 0 to 4294967295, got -1\n"
              "z.test.toml:3:11: [soa] contact: bad e-mail address \"@example.com\"\n"
              "z.test.toml:4:9: [soa] retry must be seconds from 0 to 2147483647 (or a duration like \"1h\"), got true\n");
}

TEST(LoaderErrors, Txt) {
    std::string long_string(256, 'x');
    EXPECT_EQ(errors_of(with_apex("t = { TXT = [[\"" + long_string + "\"]] }\nu = { TXT = [[1]] }\n")),
              "z.test.toml:4:14: bad TXT record: character-string longer than 255 octets (256)\n"
              "z.test.toml:5:15: TXT character-strings must be strings, got an integer\n");
}

TEST(LoaderErrors, EmptyList) {
    EXPECT_EQ(errors_of(with_apex("www = { A = [] }\n")), "z.test.toml:4:13: empty list of A records at www.z.test.\n");
}

TEST(LoaderErrors, BadOwnerName) {
    std::string label(64, 'a');
    EXPECT_EQ(errors_of(with_apex("\"a..b\" = { A = \"192.0.2.1\" }\n" + label + " = { A = \"192.0.2.1\" }\n")),
              "z.test.toml:4:10: bad name \"a..b\" in [records]: empty label in \"a..b\"\n"
              "z.test.toml:5:68: bad name \"" + label + "\" in [records]: label longer than 63 octets in \"" + label +
                  "\"\n");
}

// ---- RFC rules (ZoneBuilder) -----------------------------------------------------------------

TEST(LoaderErrors, CnameBesideOtherData) {
    EXPECT_EQ(errors_of(with_apex("blog = { CNAME = \"www\", TXT = \"x\" }\n")),
              "z.test.toml:4:18: CNAME at blog.z.test. beside other data (RFC 1034 3.6.2: a CNAME must be alone)\n");
}

TEST(LoaderErrors, OutOfZoneName) {
    EXPECT_EQ(errors_of(with_apex("\"www.other.test.\" = { A = \"192.0.2.1\" }\n")),
              "z.test.toml:4:27: name www.other.test. is outside the zone z.test.\n");
}

TEST(LoaderErrors, DataBelowDelegation) {
    EXPECT_EQ(errors_of(with_apex("sub = { NS = \"ns.sub\" }\n\"ns.sub\" = { A = \"192.0.2.7\" }\n"
                                  "\"www.sub\" = { TXT = \"not glue\" }\n")),
              "z.test.toml:6:21: record at www.sub.z.test. is at or below the delegation to sub.z.test.: only NS, DS "
              "and glue addresses are allowed there\n");
}

TEST(LoaderErrors, MissingNs) {
    EXPECT_EQ(errors_of("[records]\nwww = { A = \"192.0.2.1\" }\n"), "z.test.toml: zone z.test. has no NS records at its apex\n");
}

TEST(LoaderErrors, DnameIsNotSupported) {
    EXPECT_EQ(errors_of(with_apex("old = { DNAME = \"new.example.\" }\n")),
              "z.test.toml:4:17: DNAME records are not supported\n");
}

TEST(LoaderErrors, BalancedNameWithStaticAddresses) {
    EXPECT_EQ(errors_of(with_apex("www = { A = \"192.0.2.1\" }\n[balance.www]\nmembers = [\"192.0.2.2\"]\n")),
              "z.test.toml:5:1: balanced name www.z.test. also has static A records: give its addresses as members "
              "instead\n");
}

// ---- include ----------------------------------------------------------------------------------

TEST(LoaderErrors, IncludeMissing) {
    EXPECT_EQ(errors_of("include = [\"bulk.zone\", \"nope.zone\"]\n" + with_apex(""), {{"bulk.zone", "x A 192.0.2.1\n"}}),
              "z.test.toml:1:25: cannot read include file \"nope.zone\": No such file or directory\n");
}

TEST(LoaderErrors, IncludedRecordsAtTheirFileLineColumn) {
    const char* bulk =
        "; line 1\n"
        "ok      A     192.0.2.1\n"
        "bad     A     192.0.2.256\n"
        "        AAAA  ::1::2\n"
        "mx      MX    ( 10\n"
        "                mail extra )\n"
        "t       TXT   \"unterminated\n"
        "u       FOO   1\n"
        "v       CH    A 192.0.2.1\n"
        "w  99999999999 A 192.0.2.1\n"
        "@       SOA   ns1 hostmaster 1 2 3 4 5\n"
        "$INCLUDE other.zone\n"
        "x       A\n"
        "y       NS    a..b\n"
        "z       A     ( 192.0.2.1\n";
    EXPECT_EQ(errors_of("include = \"bulk.zone\"\n" + with_apex(""), {{"bulk.zone", bulk}}),
              "bulk.zone:3:15: bad A record \"192.0.2.256\": expected an IPv4 address\n"
              "bulk.zone:4:15: bad AAAA record \"::1::2\": expected an IPv6 address\n"
              "bulk.zone:6:22: bad MX record \"10 mail extra\": expected a preference (0-65535) and a mail server's "
              "name, e.g. \"10 mail\" (unexpected \"extra\")\n"
              "bulk.zone:7:15: unterminated quoted string\n"
              "bulk.zone:8:9: unknown record type \"FOO\"\n"
              "bulk.zone:9:9: class CH is not supported (only IN)\n"
              "bulk.zone:10:4: bad TTL \"99999999999\": expected seconds (0-2147483647) or units like 1h30m\n"
              "bulk.zone:11:9: SOA record in an included file: the zone's SOA is set in the [soa] table of its TOML "
              "file\n"
              "bulk.zone:12:1: $INCLUDE is not supported: list the file in the TOML zone's include = [...]\n"
              "bulk.zone:13:10: bad A record \"\": expected an IPv4 address\n"
              "bulk.zone:14:15: bad NS record \"a..b\": expected a name server's domain name (empty label in \"a..b\")\n"
              "bulk.zone:15:15: '(' is never closed\n");
}

TEST(LoaderErrors, IncludeStopsAfterManyErrors) {
    std::string bulk;
    for (int i = 0; i < 150; ++i) bulk += "x A 1\n";
    std::string out = errors_of("include = \"bulk.zone\"\n" + with_apex(""), {{"bulk.zone", bulk}});
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 101);
    EXPECT_TRUE(out.ends_with("bulk.zone:101:5: too many errors (100); the rest of this file is skipped\n")) << out;
}

// ---- [balance.NAME] ---------------------------------------------------------------------------

TEST(LoaderErrors, BalanceUnknownKey) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\npolcy = \"weighted\"\nmembers = [\"192.0.2.1\"]\n")),
              "z.test.toml:5:9: unknown key 'polcy' in [balance.www]; expected one of: ttl, policy, answers, check, "
              "members, pools, geo\n");
    // A dotted name that was not quoted becomes a nested table.
    EXPECT_EQ(errors_of(with_apex("[balance.api.eu]\nmembers = [\"192.0.2.1\"]\n")),
              "z.test.toml:4:1: unknown key 'eu' in [balance.api]; expected one of: ttl, policy, answers, check, "
              "members, pools, geo (a name with dots must be quoted: [balance.\"api.eu\"])\n"
              "z.test.toml:4:1: [balance.api] needs members = [...] or pools\n");
}

TEST(LoaderErrors, BalancePolicy) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\npolicy = \"random\"\nmembers = [\"192.0.2.1\"]\n")),
              "z.test.toml:5:10: unknown policy \"random\" in [balance.www]; expected round-robin, weighted, failover, "
              "geo or nearest\n");
}

TEST(LoaderErrors, BalanceMembersAndPools) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\nmembers = [\"192.0.2.1\"]\npools.a = { members = [\"192.0.2.2\"] }\n")),
              "z.test.toml:6:1: [balance.www] has both members and pools; use members for one pool or pools for "
              "several\n");
    EXPECT_EQ(errors_of(with_apex("[balance.www]\nttl = 5\n")),
              "z.test.toml:4:1: [balance.www] needs members = [...] or pools\n");
}

TEST(LoaderErrors, PoolWithoutMembers) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\npolicy = \"failover\"\npools.eu = { members = [] }\n"
                                  "pools.us = { location = [1, 2] }\n")),
              "z.test.toml:6:24: pool \"eu\" has no members\n"
              "z.test.toml:7:12: pool \"us\" has no members\n");
    EXPECT_EQ(errors_of(with_apex("[balance.www]\nmembers = []\n")),
              "z.test.toml:5:11: [balance.www] has no members\n");
}

TEST(LoaderErrors, MemberNotAnAddress) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\nmembers = [\"192.0.2.300\", \"www.example.com\", 7, { weight = 1 }]\n")),
              "z.test.toml:5:12: member \"192.0.2.300\" is not an IP address\n"
              "z.test.toml:5:27: member \"www.example.com\" is not an IP address\n"
              "z.test.toml:5:46: member must be an IP address or { address = \"...\", weight = N }, got an integer\n"
              "z.test.toml:5:49: member of [balance.www] needs address = \"...\"\n");
}

TEST(LoaderErrors, Weight) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\npolicy = \"weighted\"\nmembers = [{ address = \"192.0.2.1\", weight "
                                  "= -1 }, { address = \"192.0.2.2\", weight = 1.5 }]\n")),
              "z.test.toml:6:46: weight must be an integer from 0 to 1000000, got -1\n"
              "z.test.toml:6:86: weight must be an integer from 0 to 1000000, got a float\n");
}

TEST(LoaderErrors, Answers) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\nanswers = 0\nmembers = [\"192.0.2.1\"]\n")),
              "z.test.toml:5:11: [balance.www] answers must be an integer from 1 to 65535, got 0\n");
}

TEST(LoaderErrors, DuplicateMember) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\nmembers = [\"192.0.2.1\", \"2001:db8::1\", \"192.0.2.1\"]\n")),
              "z.test.toml:5:40: duplicate member 192.0.2.1 in [balance.www] (first at line 5)\n");
    EXPECT_EQ(errors_of(with_apex("[balance.www]\npolicy = \"failover\"\npools.a = { members = [\"2001:db8::1\", "
                                  "\"2001:DB8:0::1\"] }\n")),
              "z.test.toml:6:39: duplicate member 2001:db8::1 in pool \"a\" (first at line 6)\n");
}

TEST(LoaderErrors, PolicyNeedsPools) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\npolicy = \"geo\"\nmembers = [\"192.0.2.1\"]\n")),
              "z.test.toml:5:10: policy \"geo\" needs pools (pools.NAME = { members = [...] }), not a flat members list\n");
    EXPECT_EQ(errors_of(with_apex("[balance.www]\npolicy = \"nearest\"\nmembers = [\"192.0.2.1\"]\n")),
              "z.test.toml:5:10: policy \"nearest\" needs pools (pools.NAME = { members = [...] }), not a flat members "
              "list\n");
}

TEST(LoaderErrors, GeoRulesWithoutGeoPolicy) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\npools.a = { members = [\"192.0.2.1\"] }\n[balance.www.geo]\n"
                                  "default = [\"a\"]\n")),
              "z.test.toml:6:1: [balance.www] has geo rules but policy is \"round-robin\"; set policy = \"geo\"\n");
}

TEST(LoaderErrors, GeoRules) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\npolicy = \"geo\"\npools.eu = { members = [\"192.0.2.1\"] }\n"
                                  "pools.us = { members = [\"192.0.2.2\"] }\npools.ap = { members = [\"192.0.2.3\"] }\n"
                                  "[balance.www.geo]\n\"country:JP\" = [\"asia\"]\n\"contry:DE\" = [\"eu\"]\n"
                                  "\"net:10.0.0.1/8\" = [\"eu\"]\n\"continent:EUR\" = [\"eu\"]\n\"region:US\" = [\"us\"]\n"
                                  "\"asn:x\" = [\"us\"]\ndefault = []\n")),
              "z.test.toml:10:17: geo rule \"country:JP\" names unknown pool \"asia\"; pools are: eu, us, ap\n"
              "z.test.toml:11:15: unknown geo selector \"contry:DE\"; expected net:CIDR, asn:N, region:CC-SUB, "
              "country:CC, continent:XX or default\n"
              "z.test.toml:12:20: \"net:10.0.0.1/8\" has host bits set; did you mean net:10.0.0.0/8?\n"
              "z.test.toml:13:19: \"continent:EUR\": expected continent: and a two-letter code, e.g. continent:EU\n"
              "z.test.toml:14:15: \"region:US\": expected region:CC-SUB (ISO 3166-2), e.g. region:US-CA\n"
              "z.test.toml:15:11: \"asn:x\": expected asn:NUMBER (1-4294967295)\n"
              "z.test.toml:16:11: geo rule \"default\" must list pools in order of preference, e.g. [\"eu\", \"us\"]\n");
}

TEST(LoaderErrors, PoolUsedByNoGeoRule) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\npolicy = \"geo\"\npools.eu = { members = [\"192.0.2.1\"] }\n"
                                  "pools.us = { members = [\"192.0.2.2\"] }\n[balance.www.geo]\ndefault = [\"eu\"]\n")),
              "z.test.toml:7:12: pool \"us\" is not used by any geo rule of [balance.www]\n");
    EXPECT_EQ(errors_of(with_apex("[balance.www]\npolicy = \"geo\"\npools.eu = { members = [\"192.0.2.1\"] }\n")),
              "z.test.toml:4:1: [balance.www] has policy \"geo\" but no geo rules; add [balance.www.geo] with selectors "
              "like default = [\"eu\"]\n");
}

TEST(LoaderErrors, NearestNeedsLocations) {
    EXPECT_EQ(errors_of(with_apex("[balance.www]\npolicy = \"nearest\"\npools.eu = { members = [\"192.0.2.1\"], location "
                                  "= [91, 8] }\npools.us = { members = [\"192.0.2.2\"], location = [39, -181] }\n"
                                  "pools.ap = { members = [\"192.0.2.3\"] }\npools.x = { members = [\"192.0.2.4\"], "
                                  "location = \"Paris\" }\n")),
              "z.test.toml:6:51: latitude 91 is outside -90..90\n"
              "z.test.toml:7:55: longitude -181 is outside -180..180\n"
              "z.test.toml:8:12: pool \"ap\" needs location = [latitude, longitude] for policy \"nearest\"\n"
              "z.test.toml:9:49: pool \"x\" of [balance.www] location must be [latitude, longitude], e.g. [50.11, 8.68]\n");
}

// ---- [checks.NAME] ----------------------------------------------------------------------------

TEST(LoaderErrors, CheckType) {
    EXPECT_EQ(errors_of(with_apex("[checks.a]\ntype = \"icmp\"\n[checks.b]\nport = 80\n")),
              "z.test.toml:5:8: unknown check type \"icmp\"; expected tcp, http or dns\n"
              "z.test.toml:6:1: [checks.b] needs type = \"tcp\", \"http\" or \"dns\"\n");
}

TEST(LoaderErrors, CheckKeys) {
    EXPECT_EQ(errors_of(with_apex("[checks.web]\ntype = \"http\"\nintreval = \"2s\"\n[checks.t]\ntype = \"tcp\"\n"
                                  "port = 443\npath = \"/\"\n")),
              "z.test.toml:6:12: unknown key 'intreval' in [checks.web]; expected one of: type, port, interval, "
              "timeout, fall, rise, path, host, expect, body\n"
              "z.test.toml:10:8: key 'path' does not apply to a tcp check; [checks.t] takes: type, port, interval, "
              "timeout, fall, rise\n");
}

TEST(LoaderErrors, CheckValues) {
    EXPECT_EQ(errors_of(with_apex("[checks.t]\ntype = \"tcp\"\n[checks.h]\ntype = \"http\"\nport = 0\ninterval = \"-2s\"\n"
                                  "timeout = 0\nfall = 0\npath = \"healthz\"\nexpect = [200, \"300-200\", 600]\n"
                                  "[checks.d]\ntype = \"dns\"\nquery_type = \"BOGUS\"\nrcode = \"NOPE\"\n"
                                  "require_answer = \"yes\"\n[checks.s]\ntype = \"tcp\"\nport = 1\ninterval = \"1s\"\n"
                                  "timeout = \"2s\"\n")),
              "z.test.toml:4:1: [checks.t] needs a port for a tcp check\n"
              "z.test.toml:8:8: [checks.h] port must be an integer from 1 to 65535, got 0\n"
              "z.test.toml:9:12: [checks.h] interval must be a duration above 0 like \"2s\", \"500ms\" or \"1m\" (or whole "
              "seconds), got a string \"-2s\"\n"
              "z.test.toml:10:11: [checks.h] timeout must be a duration above 0 like \"2s\", \"500ms\" or \"1m\" (or "
              "whole seconds), got 0\n"
              "z.test.toml:11:8: [checks.h] fall must be an integer from 1 to 1000, got 0\n"
              "z.test.toml:12:8: [checks.h] path must start with \"/\", got \"healthz\"\n"
              "z.test.toml:13:16: [checks.h] expect must be HTTP status codes (100-599) or ranges like \"200-299\", got "
              "a string \"300-200\"\n"
              "z.test.toml:13:27: [checks.h] expect must be HTTP status codes (100-599) or ranges like \"200-299\", got "
              "600\n"
              "z.test.toml:16:14: [checks.d] query_type: unknown record type \"BOGUS\"\n"
              "z.test.toml:17:9: [checks.d] rcode: unknown rcode \"NOPE\"; expected NOERROR, NXDOMAIN, SERVFAIL, "
              "REFUSED ... or 0-15\n"
              "z.test.toml:18:18: [checks.d] require_answer must be true or false, got a string \"yes\"\n"
              "z.test.toml:23:11: [checks.s] timeout (2000 ms) must not exceed interval (1000 ms)\n");
}

// ---- all together -------------------------------------------------------------------------------

TEST(LoaderErrors, SeveralMistakesAreAllListed) {
    // What `dnsd check` prints for a file with several mistakes: each one, in file order.
    const char* zone = R"(origin = "z.test."
ttl = 3600

[soa]
contact = "hostmaster@z.test"
refresh = "2 hours"

[records]
"@"  = { NS = ["ns1", "ns2"], MX = "10 mail" }
ns1  = { A = "192.0.2.53" }
ns2  = { A = "192.0.2.540" }
mail = { A = "192.0.2.25", CNAME = "ns1" }
blog = { CNAME = "www", TTL = 300 }

[balance.www]
polcy = "round-robin"
members = ["192.0.2.10", "192.0.2.x"]

[checks.web]
type = "http"
intreval = "2s"
)";
    EXPECT_EQ(errors_of(zone),
              "z.test.toml:6:11: [soa] refresh must be seconds from 0 to 2147483647 (or a duration like \"1h\"), got a "
              "string \"2 hours\"\n"
              "z.test.toml:11:14: bad A record \"192.0.2.540\": expected an IPv4 address\n"
              "z.test.toml:12:36: CNAME at mail.z.test. beside other data (RFC 1034 3.6.2: a CNAME must be alone)\n"
              "z.test.toml:13:31: unknown record type 'TTL' at blog; expected an RR type (A, AAAA, CNAME, MX, NS, TXT, "
              "SRV, CAA, ... or TYPEnnn) or ttl\n"
              "z.test.toml:16:9: unknown key 'polcy' in [balance.www]; expected one of: ttl, policy, answers, check, "
              "members, pools, geo\n"
              "z.test.toml:17:26: member \"192.0.2.x\" is not an IP address\n"
              "z.test.toml:21:12: unknown key 'intreval' in [checks.web]; expected one of: type, port, interval, "
              "timeout, fall, rise, path, host, expect, body\n");
}

TEST(LoaderErrors, DeepNesting) {
    std::string deep = "a = " + std::string(100, '[') + std::string(100, ']') + "\n";
    EXPECT_EQ(errors_of("x = \"[[[ in a string ]]]\" # [[[[ in a comment\n" + deep),
              "z.test.toml:2:69: arrays and tables nested deeper than 64 levels\n");
}

TEST(LoaderErrors, DottedNameThatReadsAsAType) {
    // `www.mx = {...}` is TOML for records.www.mx: "mx" is a type there.
    EXPECT_EQ(errors_of(with_apex("www.mx = { A = \"192.0.2.1\" }\n")),
              "z.test.toml:4:16: unknown key 'A' in the MX table of www.z.test.; expected one of: values, ttl (a name "
              "with dots must be quoted: \"www.mx\" = { ... })\n");
}

TEST(LoaderErrors, IncludedTwice) {
    EXPECT_EQ(errors_of("include = [\"bulk.zone\", \"bulk.zone\"]\n" + with_apex(""), {{"bulk.zone", "x A 192.0.2.1\n"}}),
              "z.test.toml:1:25: \"bulk.zone\" is included twice\n");
}

TEST(LoaderErrors, DuplicateOriginInADirectory) {
    TempDir dir;
    dir.write("a.toml", "origin = \"same.test.\"\n" + with_apex(""));
    dir.write("same.test.toml", with_apex(""));
    auto set = zones::load_zone_dir(dir.path().string());
    ASSERT_FALSE(set.has_value());
    EXPECT_EQ(zones_test::error_text(set.error(), dir.path().string() + "/"),
              "same.test.toml: zone same.test. is already loaded from " + dir.path().string() + "/a.toml\n");
    auto missing = zones::load_zone_dir((dir.path() / "nope").string());
    ASSERT_FALSE(missing.has_value());
    EXPECT_EQ(zones_test::error_text(missing.error(), dir.path().string() + "/"),
              "nope: cannot read zone directory: No such file or directory\n");
}

TEST(LoaderErrors, ErrorsOfAZoneAndItsIncludesComeInReadingOrder) {
    EXPECT_EQ(errors_of("include = \"bulk.zone\"\n[records]\n\"@\" = { NS = \"ns1\" }\nns1 = { A = \"192.0.2.1\" }\n"
                        "b = { CNAME = \"x\", A = \"1\" }\n",
                        {{"bulk.zone", "a CNAME x\na A 192.0.2.9\nb TXT \"t\"\n"}}),
              "z.test.toml:5:15: CNAME at b.z.test. beside other data (RFC 1034 3.6.2: a CNAME must be alone)\n"
              "z.test.toml:5:24: bad A record \"1\": expected an IPv4 address\n"
              "bulk.zone:1:1: CNAME at a.z.test. beside other data (RFC 1034 3.6.2: a CNAME must be alone)\n");
}

TEST(LoaderErrors, NotUtf8) {
    EXPECT_EQ(errors_of(with_apex("www = { TXT = 'caf\xe9' }\n")),
              "z.test.toml:4:19: not valid UTF-8 (a TOML file must be UTF-8 text)\n");
}

}  // namespace
