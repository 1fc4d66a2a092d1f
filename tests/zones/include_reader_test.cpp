// include_reader_test.cpp -- the fast RFC 1035 reader against ldns (the reference parser): on a
// varied file and on thousands of generated records, every RRset must come out the same.
// Also the small pieces of zones/rdata.hpp the reader is built from.
#include <arpa/inet.h>

#include <random>

#include <gtest/gtest.h>

#include "test_util.hpp"
#include "zones/include_reader.hpp"
#include "zones/name.hpp"
#include "zones/rdata.hpp"
#include "zones/rrtype.hpp"

namespace {

using namespace zones_test;

// Reads the file with the include reader into a zone (plus the SOA a zone needs) and returns
// its RRsets but the SOA.
RRsets read_with_ours(const std::string& path, const std::string& origin, uint32_t ttl) {
    std::string o = wire_name(origin);
    zones::ZoneBuilder b(o, "test");
    zones::MasterFileOptions opt;
    opt.origin = o;
    opt.default_ttl = ttl;
    opt.source = b.add_source(path);
    zones::MasterFileInfo info;
    std::string why;
    EXPECT_TRUE(zones::read_master_file(path, opt, b, &info, &why)) << why;
    std::string soa = o + o + std::string(20, '\0');
    b.add_record(o, zones::rrtype::SOA, 1, soa, {});
    auto zone = std::move(b).build();
    EXPECT_TRUE(zone.has_value()) << (zone.has_value() ? "" : common::format_errors(zone.error()));
    if (!zone.has_value()) return {};
    return zone_rrsets(**zone, Soa::excluded);
}

void expect_same(const RRsets& ours, const RRsets& ldns) {
    EXPECT_EQ(ours.size(), ldns.size());
    for (const auto& [key, set] : ldns) {
        auto it = ours.find(key);
        if (it == ours.end()) {
            ADD_FAILURE() << "missing " << key.first << " type " << key.second;
            continue;
        }
        EXPECT_EQ(it->second, set) << key.first << " type " << key.second;
    }
    for (const auto& [key, set] : ours) {
        if (ldns.count(key) == 0) ADD_FAILURE() << "extra " << key.first << " type " << key.second;
    }
}

TEST(IncludeReader, AgreesWithLdnsOnAVariedFile) {
    std::string path = data_path("varied.zone");
    RRsets ours = read_with_ours(path, "varied.test.", 3600);
    RRsets ldns = ldns_rrsets(path, "varied.test.", 3600, Soa::excluded);
    EXPECT_GE(ldns.size(), 35u);
    expect_same(ours, ldns);
}

// Thousands of records in every syntax variant the fast paths handle: with and without TTL
// (plain and with units) and class, blank owners, parentheses, comments,
// quoted and unquoted TXT with escapes, relative, absolute and "@" names, mixed-case types.
TEST(IncludeReader, AgreesWithLdnsOnGeneratedRecords) {
    std::mt19937 rng(20240601);
    auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
    auto name = [&]() -> std::string {
        switch (pick(4)) {
            case 0: return "@";
            case 1: return "h" + std::to_string(pick(50)) + ".example.net.";
            case 2: return "Host" + std::to_string(pick(50));
            default: return "t" + std::to_string(pick(50)) + ".sub";
        }
    };
    auto text_string = [&]() {
        std::string s;
        size_t n = pick(12);
        for (size_t i = 0; i < n; ++i) {
            switch (pick(8)) {
                case 0: s += "\\\""; break;
                case 1: s += "\\" + std::to_string(100 + pick(156)); break;
                case 2: s += ' '; break;
                case 3: s += ';'; break;
                default: s += static_cast<char>('a' + pick(26));
            }
        }
        return "\"" + s + "\"";
    };
    std::string zone = "$TTL 1234\n@ NS ns.example.net.\n";
    std::string prev_owner;
    for (int i = 0; i < 3000; ++i) {
        std::string owner = "r" + std::to_string(pick(400));
        std::string type;
        std::string rdata;
        switch (pick(7)) {
            case 0: {
                type = pick(2) ? "A" : "a";
                rdata = std::to_string(pick(256)) + "." + std::to_string(pick(256)) + "." + std::to_string(pick(256)) +
                        "." + std::to_string(pick(256));
                break;
            }
            case 1: {
                type = "AAAA";
                uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8};
                for (int k = 4; k < 16; ++k) b[k] = pick(3) == 0 ? static_cast<uint8_t>(pick(256)) : 0;
                char buf[INET6_ADDRSTRLEN];
                inet_ntop(AF_INET6, b, buf, sizeof buf);
                rdata = buf;
                break;
            }
            case 2:
                type = "MX";
                rdata = std::to_string(pick(65536)) + " " + name();
                break;
            case 3: {
                type = pick(2) ? "TXT" : "txt";
                size_t n = 1 + pick(3);
                for (size_t k = 0; k < n; ++k) rdata += (k ? " " : "") + (pick(3) ? text_string() : "w" + std::to_string(pick(99)));
                break;
            }
            case 4:
                type = "SRV";
                rdata = std::to_string(pick(100)) + " " + std::to_string(pick(100)) + " " + std::to_string(pick(65536)) +
                        " " + name();
                break;
            case 5:
                type = "PTR";
                rdata = name();
                break;
            default:
                owner = "dlg" + std::to_string(i);   // NS only at names with nothing else
                type = "NS";
                rdata = name();
        }
        if (pick(4) == 0) rdata = "( " + rdata + " ; split\n  )";
        std::string ttl;
        switch (pick(4)) {
            case 0: ttl = std::to_string(pick(100000)); break;
            case 1: ttl = std::to_string(1 + pick(9)) + (pick(2) ? "h" : "m") + std::to_string(pick(60)) + "s"; break;
            default: break;
        }
        // ldns 1.8 reads only "TTL class", not "class TTL" (which RFC 1035 and our reader allow).
        std::string fields = ttl + " " + (pick(2) ? "IN" : "");
        bool blank = owner == prev_owner && pick(2) == 0;
        zone += (blank ? "   " : owner) + " " + fields + "\t" + type + " " + rdata + (pick(5) == 0 ? " ; comment" : "") + "\n";
        prev_owner = owner;
    }
    TempDir dir;
    std::string path = dir.write("generated.zone", zone);
    RRsets ours = read_with_ours(path, "gen.test.", 600);
    RRsets ldns = ldns_rrsets(path, "gen.test.", 600, Soa::excluded);
    EXPECT_GE(ldns.size(), 1000u);
    expect_same(ours, ldns);
}

// ---- building blocks ------------------------------------------------------------------------------

TEST(Rdata, TypeNames) {
    EXPECT_EQ(zones::rr_type_from_name("A"), 1);
    EXPECT_EQ(zones::rr_type_from_name("aaaa"), 28);
    EXPECT_EQ(zones::rr_type_from_name("Caa"), 257);
    EXPECT_EQ(zones::rr_type_from_name("SSHFP"), 44);
    EXPECT_EQ(zones::rr_type_from_name("type65280"), 65280);
    EXPECT_EQ(zones::rr_type_from_name("TYPE65536"), 0);
    EXPECT_EQ(zones::rr_type_from_name("TYPE"), 0);
    EXPECT_EQ(zones::rr_type_from_name("BOGUS"), 0);
    EXPECT_EQ(zones::rr_type_from_name(""), 0);
    EXPECT_EQ(zones::rr_type_name(257), "CAA");
    EXPECT_EQ(zones::rr_type_name(65280), "TYPE65280");
}

TEST(Rdata, Ttls) {
    uint32_t t = 0;
    EXPECT_TRUE(zones::parse_ttl("0", &t));
    EXPECT_EQ(t, 0u);
    EXPECT_TRUE(zones::parse_ttl("2147483647", &t));
    EXPECT_EQ(t, 2147483647u);
    EXPECT_FALSE(zones::parse_ttl("2147483648", &t));
    EXPECT_TRUE(zones::parse_ttl("1h30m", &t));
    EXPECT_EQ(t, 5400u);
    EXPECT_TRUE(zones::parse_ttl("1W2D", &t));
    EXPECT_EQ(t, 9u * 86400u);
    EXPECT_FALSE(zones::parse_ttl("1h30", &t));
    EXPECT_FALSE(zones::parse_ttl("-1", &t));
    EXPECT_FALSE(zones::parse_ttl("1x", &t));
    EXPECT_FALSE(zones::parse_ttl("", &t));
}

TEST(Rdata, NamesKeepTheirCaseAndEscapes) {
    std::string origin = wire_name("example.com.");
    std::string out;
    std::string why;
    ASSERT_TRUE(zones::append_name("Mail", origin, &out, &why));
    EXPECT_EQ(out, std::string("\x04Mail", 5) + origin);
    out.clear();
    ASSERT_TRUE(zones::append_name("a\\.b\\032c.", origin, &out, &why));
    EXPECT_EQ(out, std::string("\x05" "a.b c\x00", 7));
    out.clear();
    EXPECT_FALSE(zones::append_name("a..b", origin, &out, &why));
    EXPECT_EQ(why, "empty label in \"a..b\"");
    EXPECT_TRUE(out.empty());
    EXPECT_FALSE(zones::append_name("a\\256", origin, &out, &why));
    EXPECT_EQ(why, "\\DDD escape above 255 in \"a\\256\"");
    std::string big;
    for (int i = 0; i < 50; ++i) big += "abcd.";
    EXPECT_FALSE(zones::append_name(big + "x", origin, &out, &why));
    EXPECT_EQ(why, "name longer than 255 octets: \"" + big + "x\"");
}

TEST(Rdata, TokenizeAndTxt) {
    std::vector<zones::Token> tokens;
    std::string why;
    ASSERT_TRUE(zones::tokenize_rdata("0 issue \"a b\" ( x ) ; comment", &tokens, &why));
    ASSERT_EQ(tokens.size(), 4u);
    EXPECT_EQ(tokens[2].text, "a b");
    EXPECT_TRUE(tokens[2].quoted);
    EXPECT_EQ(tokens[3].text, "x");
    EXPECT_FALSE(zones::tokenize_rdata("\"open", &tokens, &why));
    EXPECT_EQ(why, "unterminated quoted string");
    std::string wire;
    zones::txt_from_text(std::string(300, 'x'), &wire);
    EXPECT_EQ(wire.size(), 302u);
    EXPECT_EQ(static_cast<uint8_t>(wire[0]), 255);
    EXPECT_EQ(static_cast<uint8_t>(wire[256]), 45);
    wire.clear();
    zones::txt_from_text("", &wire);
    EXPECT_EQ(wire, std::string(1, '\0'));
}

TEST(IncludeReader, TextInMemoryAndFirstApexNs) {
    std::string o = wire_name("mem.test.");
    zones::ZoneBuilder b(o, "mem");
    zones::MasterFileOptions opt;
    opt.origin = o;
    opt.default_ttl = 60;
    zones::MasterFileInfo info;
    zones::read_master_text("\xEF\xBB\xBFwww A 192.0.2.1\r\n@ NS ns2\r\n@ NS ns1\r\n", opt, b, &info);
    EXPECT_EQ(info.records, 3u);
    EXPECT_EQ(info.errors, 0u);
    EXPECT_EQ(info.first_apex_ns, std::string("\x03ns2", 4) + o);
}

}  // namespace
