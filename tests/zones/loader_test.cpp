// loader_test.cpp -- good TOML zones load into the records, balances and checks they describe.
#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <map>

#include "test_util.hpp"
#include "zones/loader.hpp"
#include "zones/name.hpp"
#include "zones/rrtype.hpp"

namespace {

using namespace zones_test;
using Strings = std::vector<std::string>;
namespace rt = zones::rrtype;

std::shared_ptr<const zones::Zone> load_ok(const std::string& path) {
    auto z = zones::load_zone_file(path);
    if (!z.has_value()) {
        ADD_FAILURE() << "loading " << path << " failed:\n" << common::format_errors(z.error());
        return nullptr;
    }
    return *z;
}

int64_t mtime_of(const std::string& path) {
    struct stat st {};
    stat(path.c_str(), &st);
    return st.st_mtim.tv_sec;
}

TEST(Loader, ExampleZoneLoads) {
    std::string path = std::string(DNSD_SOURCE_DIR) + "/zones/examples/example.com.toml";
    auto zone = load_ok(path);
    ASSERT_NE(zone, nullptr);
    const zones::Zone& z = *zone;
    EXPECT_EQ(zones::name_to_text(z.origin()), "example.com.");
    // [soa]: primary "ns1", contact as an e-mail address, serial "auto" = the file's mtime.
    EXPECT_EQ(rdata_texts(z, "example.com.", rt::SOA),
              Strings{"ns1.example.com. hostmaster.example.com. " + std::to_string(mtime_of(path)) +
                      " 7200 3600 1209600 300"});
    EXPECT_EQ(rrset_ttl(z, "example.com.", rt::SOA), 3600);
    EXPECT_EQ(z.negative_ttl(), 300u);
    EXPECT_EQ(rdata_texts(z, "example.com.", rt::NS), (Strings{"ns1.example.com.", "ns2.example.com."}));
    EXPECT_EQ(rdata_texts(z, "example.com.", rt::MX), Strings{"10 mail.example.com."});
    EXPECT_EQ(rdata_texts(z, "example.com.", rt::TXT), Strings{"\"v=spf1 mx -all\""});
    EXPECT_EQ(rdata_texts(z, "ns2.example.com.", rt::AAAA), Strings{"2001:db8::53"});
    EXPECT_EQ(rrset_ttl(z, "mail.example.com.", rt::A), 600);
    EXPECT_EQ(rdata_texts(z, "blog.example.com.", rt::CNAME), Strings{"www.example.com."});
    EXPECT_EQ(rdata_texts(z, "*.dev.example.com.", rt::A), Strings{"192.0.2.80"});
    // `_sip._tcp = {...}` is a dotted TOML key: still the name _sip._tcp.
    EXPECT_EQ(rdata_texts(z, "_sip._tcp.example.com.", rt::SRV), Strings{"10 60 5060 sip.example.com."});
    EXPECT_EQ(rdata_texts(z, "_imaps._tcp.example.com.", rt::SRV), Strings{"0 1 993 mail.example.com."});
    EXPECT_EQ(rrset_ttl(z, "shop.example.com.", rt::A), 300);
    EXPECT_EQ(rrset_ttl(z, "shop.example.com.", rt::AAAA), 3600);
    EXPECT_EQ(rdata_texts(z, "shop.example.com.", 257),
              (Strings{"0 issue \"letsencrypt.org\"", "0 iodef \"mailto:security@example.com\""}));
    // A long TXT is split into 255-octet character-strings; an inner array is explicit.
    auto dkim = rdata_wires(z, "sel1._domainkey.example.com.", rt::TXT);
    ASSERT_EQ(dkim.size(), 1u);
    ASSERT_GT(dkim[0].size(), 256u);
    EXPECT_EQ(static_cast<uint8_t>(dkim[0][0]), 255);
    EXPECT_EQ(static_cast<uint8_t>(dkim[0][256]), dkim[0].size() - 257);
    EXPECT_EQ(rdata_texts(z, "_policy.example.com.", rt::TXT), Strings{"\"part one, \" \"part two\""});
    EXPECT_EQ(rdata_texts(z, "lab.example.com.", rt::NS), (Strings{"ns1.lab.example.com.", "ns2.lab.example.com."}));
    EXPECT_EQ(rdata_texts(z, "lab.example.com.", rt::DS).size(), 1u);
    EXPECT_EQ(rdata_texts(z, "ns1.lab.example.com.", rt::A), Strings{"192.0.2.140"});

    // [balance.www]: a flat members list is one pool, in file order.
    ASSERT_EQ(z.balances().size(), 2u);
    const zones::Balance* www = nullptr;
    const zones::Balance* api = nullptr;
    for (const auto& b : z.balances()) {
        if (zones::name_to_text(b.owner) == "www.example.com.") www = &b;
        if (zones::name_to_text(b.owner) == "api.example.com.") api = &b;
    }
    ASSERT_NE(www, nullptr);
    ASSERT_NE(api, nullptr);
    EXPECT_EQ(www->ttl, 30u);
    EXPECT_EQ(www->policy, zones::Policy::round_robin);
    EXPECT_EQ(www->answers, 2u);
    EXPECT_EQ(www->check, "") << "the example leaves checks off its documentation addresses";
    EXPECT_EQ(www->check_where.line, 0u);
    EXPECT_EQ(www->where.line, 38u);
    EXPECT_EQ(www->where.file, path);
    ASSERT_EQ(www->pools.size(), 1u);
    EXPECT_EQ(www->pools[0].name, "");
    ASSERT_EQ(www->pools[0].members.size(), 3u);
    EXPECT_EQ(zones::ip_to_string(www->pools[0].members[0].address), "192.0.2.10");
    EXPECT_EQ(zones::ip_to_string(www->pools[0].members[2].address), "2001:db8::10");
    EXPECT_EQ(www->pools[0].members[2].where.line, 44u);
    EXPECT_EQ(www->pools[0].members[2].where.column, 40u);

    // [balance.api]: pools in file order, weights, locations, geo rules with pool indexes.
    EXPECT_EQ(api->policy, zones::Policy::geo);
    EXPECT_EQ(api->ttl, 30u);
    ASSERT_EQ(api->pools.size(), 3u);
    EXPECT_EQ(api->pools[0].name, "eu");
    EXPECT_EQ(api->pools[1].name, "us");
    EXPECT_EQ(api->pools[2].name, "ap");
    EXPECT_EQ(api->pools[1].members[0].weight, 3u);
    EXPECT_EQ(api->pools[1].members[1].weight, 1u);
    ASSERT_TRUE(api->pools[2].location.has_value());
    EXPECT_DOUBLE_EQ(api->pools[2].location->first, 1.35);
    EXPECT_DOUBLE_EQ(api->pools[2].location->second, 103.82);
    ASSERT_EQ(api->geo.size(), 5u);
    EXPECT_EQ(api->geo[0].selector, "net:10.0.0.0/8");
    EXPECT_EQ(api->geo[0].pools, std::vector<uint32_t>{0});
    EXPECT_EQ(api->geo[1].selector, "country:JP");
    EXPECT_EQ(api->geo[1].pools, (std::vector<uint32_t>{2, 1}));
    EXPECT_EQ(api->geo[4].selector, "default");
    EXPECT_EQ(api->geo[4].pools, (std::vector<uint32_t>{1, 0, 2}));
    EXPECT_EQ(api->geo[4].where.line, 56u);

    ASSERT_EQ(z.checks().size(), 1u);
    const zones::CheckSpec& web = z.checks()[0];
    EXPECT_EQ(web.name, "web");
    EXPECT_EQ(web.type, "http");
    EXPECT_EQ(web.port, 80);
    EXPECT_EQ(web.path, "/healthz");
    EXPECT_EQ(web.host, "www.example.com");
    EXPECT_EQ(web.expect, (std::vector<std::pair<uint16_t, uint16_t>>{{200, 200}, {204, 204}}));
    EXPECT_EQ(web.interval, std::chrono::milliseconds(2000));
    EXPECT_EQ(web.timeout, std::chrono::milliseconds(1000));
    EXPECT_EQ(web.fall, 3u);
    EXPECT_EQ(web.rise, 2u);
    EXPECT_EQ(web.where.line, 58u);
}

TEST(Loader, EveryRecordType) {
    auto zone = load_ok(data_path("types.test.toml"));
    ASSERT_NE(zone, nullptr);
    const zones::Zone& z = *zone;
    EXPECT_EQ(rdata_texts(z, "types.test.", rt::SOA),
              Strings{"ns1.types.test. john\\.doe.types.test. 2024010101 7200 900 1209600 60"});
    EXPECT_EQ(rrset_ttl(z, "types.test.", rt::SOA), 300);
    EXPECT_EQ(rdata_texts(z, "types.test.", rt::NS), (Strings{"ns1.types.test.", "ns2.example.net."}));
    EXPECT_EQ(rdata_texts(z, "types.test.", rt::MX), (Strings{"10 mail.types.test.", "20 mail.example.net."}));
    EXPECT_EQ(rdata_texts(z, "types.test.", rt::TXT), Strings{"\"hello world\""});
    EXPECT_EQ(rdata_texts(z, "types.test.", 257), (Strings{"0 issue \"ca.example.net\"", "128 tbs \"x\""}));
    EXPECT_EQ(rdata_texts(z, "ns1.types.test.", rt::A), Strings{"192.0.2.1"});
    EXPECT_EQ(rdata_texts(z, "ns1.types.test.", rt::AAAA), Strings{"2001:db8::1"});
    EXPECT_EQ(rdata_texts(z, "alias.types.test.", rt::CNAME), Strings{"mail.types.test."});
    EXPECT_EQ(rdata_texts(z, "_sip._udp.types.test.", rt::SRV), Strings{"10 60 5060 sip.example.net."});
    EXPECT_EQ(rdata_texts(z, "ptr.types.test.", rt::PTR), Strings{"host.example.net."});
    EXPECT_EQ(rdata_texts(z, "child.types.test.", rt::DS),
              Strings{"12345 8 2 49fd46e6c4b45c55d4ac69cbd3cd34ac1afe51de49fd46e6c4b45c55d4ac69cb"});
    EXPECT_EQ(rdata_texts(z, "sshfp.types.test.", 44), Strings{"1 1 123456789abcdef67890123456789abcdef67890"});
    EXPECT_EQ(rdata_texts(z, "tlsa.types.test.", 52).size(), 1u);
    EXPECT_EQ(rdata_texts(z, "hinfo.types.test.", rt::HINFO), Strings{"\"x86\" \"Linux\""});
    EXPECT_EQ(rdata_texts(z, "naptr.types.test.", 35), Strings{"100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.types.test."});
    EXPECT_EQ(rdata_texts(z, "svc.types.test.", rt::HTTPS), Strings{"1 . alpn=h2,h3 port=443"});
    EXPECT_EQ(rdata_texts(z, "svc.types.test.", rt::SVCB), Strings{"1 svc-target.types.test. alpn=h2"});
    EXPECT_EQ(rdata_texts(z, "loc.types.test.", 29).size(), 1u);
    EXPECT_EQ(rdata_wires(z, "private.types.test.", 65280), Strings{std::string("\x0a\x00\x00\x01", 4)});
    EXPECT_EQ(rdata_wires(z, "private.types.test.", 65281), Strings{""});
    // Type names are case-insensitive.
    EXPECT_EQ(rdata_texts(z, "lower.types.test.", rt::A), Strings{"192.0.2.9"});
    EXPECT_EQ(rdata_texts(z, "lower.types.test.", rt::TXT), (Strings{"\"one\"", "\"two\""}));
    EXPECT_EQ(rdata_texts(z, "mx-at.types.test.", rt::MX), Strings{"0 types.test."});
    // TXT: empty text is one empty string; quotes and backslashes are text; inner arrays explicit.
    EXPECT_EQ(rdata_wires(z, "txt.types.test.", rt::TXT),
              (Strings{std::string(1, '\0'), std::string("\x17quote \" and \\ backslash"),
                       std::string("\x08part one\x08part two")}));
}

TEST(Loader, OwnerNamesAndTtls) {
    auto zone = load_ok(data_path("names.test.toml"));
    ASSERT_NE(zone, nullptr);
    const zones::Zone& z = *zone;
    EXPECT_EQ(rrset_ttl(z, "names.test.", rt::NS), 7200);               // per-name
    EXPECT_EQ(rrset_ttl(z, "names.test.", rt::SOA), 3600);              // ttl = "1h"
    EXPECT_EQ(rrset_ttl(z, "ns1.names.test.", rt::A), 3600);
    EXPECT_EQ(rdata_texts(z, "www.names.test.", rt::A), Strings{"192.0.2.2"});
    EXPECT_EQ(rdata_texts(z, "www2.names.test.", rt::A), Strings{"192.0.2.3"});
    EXPECT_EQ(rdata_texts(z, "*.names.test.", rt::TXT), Strings{"\"wildcard at the apex\""});
    EXPECT_EQ(rdata_texts(z, "*.dev.names.test.", rt::A), Strings{"192.0.2.80"});
    EXPECT_EQ(rdata_texts(z, "deep.sub.names.test.", rt::A), Strings{"192.0.2.4"});
    EXPECT_EQ(rdata_texts(z, "a\\.b.names.test.", rt::A), Strings{"192.0.2.5"});
    EXPECT_EQ(rrset_ttl(z, "mixed.names.test.", rt::A), 60);            // per-type beats per-name
    EXPECT_EQ(rrset_ttl(z, "mixed.names.test.", rt::AAAA), 120);
    EXPECT_EQ(rdata_texts(z, "mixed.names.test.", rt::A), (Strings{"192.0.2.6", "192.0.2.7"}));
    EXPECT_EQ(rrset_ttl(z, "zero.names.test.", rt::A), 0);
    EXPECT_EQ(rdata_texts(z, "table.names.test.", rt::TXT), Strings{"\"from a table header\""});
    // SOA defaults: primary = first apex NS, contact hostmaster.<origin>, RIPE-203 timers.
    EXPECT_TRUE(rdata_texts(z, "names.test.", rt::SOA)[0].starts_with("ns1.names.test. hostmaster.names.test. "));
    EXPECT_TRUE(rdata_texts(z, "names.test.", rt::SOA)[0].ends_with(" 7200 3600 1209600 300"));
}

TEST(Loader, IncludedRfc1035Files) {
    auto zone = load_ok(data_path("include.test.toml"));
    ASSERT_NE(zone, nullptr);
    const zones::Zone& z = *zone;
    EXPECT_EQ(rdata_texts(z, "ns2.include.test.", rt::A), Strings{"192.0.2.54"});
    EXPECT_EQ(rrset_ttl(z, "ns2.include.test.", rt::A), 600);      // no $TTL yet: the zone's ttl
    EXPECT_EQ(rrset_ttl(z, "host1.include.test.", rt::A), 300);
    EXPECT_EQ(rrset_ttl(z, "host2.include.test.", rt::A), 300);
    EXPECT_EQ(rrset_ttl(z, "host3.include.test.", rt::A), 300);
    EXPECT_EQ(rdata_texts(z, "host3.include.test.", rt::AAAA), Strings{"2001:db8::3"});
    EXPECT_EQ(rrset_ttl(z, "host3.include.test.", rt::AAAA), 600);
    EXPECT_EQ(rrset_ttl(z, "host4.include.test.", rt::A), 3600);    // $TTL 1h
    EXPECT_EQ(rdata_texts(z, "host4.include.test.", rt::TXT),
              Strings{"\"quoted text\" \"unquoted\" \"with \\\"escapes\\\" ; and ;\""});
    EXPECT_EQ(rdata_texts(z, "host4.include.test.", rt::MX), Strings{"10 mail.include.test."});
    EXPECT_EQ(rdata_texts(z, "include.test.", rt::TXT), Strings{"\"at the origin\""});
    EXPECT_EQ(rdata_texts(z, "host5.include.test.", rt::A), Strings{"192.0.2.5"});
    EXPECT_EQ(rdata_texts(z, "www.sub.include.test.", rt::CNAME), Strings{"host1.include.test."});
    EXPECT_EQ(rdata_texts(z, "svc.sub.include.test.", rt::SRV), Strings{"0 5 443 www.sub.include.test."});
    EXPECT_EQ(rrset_ttl(z, "svc.sub.include.test.", rt::SRV), 120);
    EXPECT_EQ(rdata_texts(z, "sub.include.test.", rt::A), Strings{"192.0.2.6"});
    EXPECT_EQ(rdata_texts(z, "caa.include.test.", 257), Strings{"0 issue \"ca.example.net\""});
    EXPECT_EQ(rrset_ttl(z, "caa.include.test.", 257), 120);
    EXPECT_EQ(rdata_texts(z, "ds.include.test.", rt::DS).size(), 1u);
    EXPECT_EQ(rdata_texts(z, "ns.ds.include.test.", rt::A), Strings{"192.0.2.7"});
}

TEST(Loader, SerialAutoIsTheNewestMtimeOfTheZoneAndItsIncludes) {
    TempDir dir;
    std::string toml = dir.write("serial.test.toml", "include = \"bulk.zone\"\n[records]\n\"@\" = { NS = \"ns1\" }\n");
    std::string bulk = dir.write("bulk.zone", "ns1 A 192.0.2.1\n");
    struct timespec times[2] = {{0, UTIME_OMIT}, {1700000000, 0}};
    utimensat(AT_FDCWD, toml.c_str(), times, 0);
    times[1].tv_sec = 1700000500;
    utimensat(AT_FDCWD, bulk.c_str(), times, 0);
    auto zone = load_ok(toml);
    ASSERT_NE(zone, nullptr);
    EXPECT_EQ(zone->serial(), 1700000500u);
    // Without the include the zone file's own mtime.
    times[1].tv_sec = 1700000000;
    utimensat(AT_FDCWD, bulk.c_str(), times, 0);
    times[1].tv_sec = 1700000999;
    utimensat(AT_FDCWD, toml.c_str(), times, 0);
    zone = load_ok(toml);
    ASSERT_NE(zone, nullptr);
    EXPECT_EQ(zone->serial(), 1700000999u);
}

TEST(Loader, BalanceAndCheckTables) {
    auto zone = load_ok(data_path("balance.test.toml"));
    ASSERT_NE(zone, nullptr);
    const zones::Zone& z = *zone;
    EXPECT_EQ(zones::name_to_text(z.origin()), "balance.test.");   // from the file name
    ASSERT_EQ(z.balances().size(), 4u);
    std::map<std::string, const zones::Balance*> by_name;
    for (const auto& b : z.balances()) by_name[zones::name_to_text(b.owner)] = &b;

    const zones::Balance& www = *by_name.at("www.balance.test.");
    EXPECT_EQ(www.policy, zones::Policy::round_robin);
    EXPECT_EQ(www.ttl, 30u);
    EXPECT_EQ(www.answers, 0u);
    EXPECT_EQ(www.check, "");
    ASSERT_EQ(www.pools.size(), 1u);
    EXPECT_EQ(www.pools[0].members.size(), 2u);
    EXPECT_FALSE(www.pools[0].members[1].address.is_v4());
    EXPECT_EQ(rdata_texts(z, "www.balance.test.", rt::MX), Strings{"10 mail.balance.test."});

    const zones::Balance& cdn = *by_name.at("*.cdn.balance.test.");
    EXPECT_EQ(cdn.policy, zones::Policy::weighted);
    EXPECT_EQ(cdn.ttl, 10u);
    ASSERT_EQ(cdn.pools[0].members.size(), 3u);
    EXPECT_EQ(cdn.pools[0].members[0].weight, 5u);
    EXPECT_EQ(cdn.pools[0].members[1].weight, 0u);
    EXPECT_EQ(cdn.pools[0].members[2].weight, 1u);

    const zones::Balance& app = *by_name.at("app.balance.test.");
    EXPECT_EQ(app.policy, zones::Policy::failover);
    EXPECT_EQ(app.answers, 1u);
    EXPECT_EQ(app.check, "tcp443");
    ASSERT_EQ(app.pools.size(), 3u);
    EXPECT_EQ(app.pools[0].name, "primary");
    EXPECT_EQ(app.pools[0].min_healthy, 2u);
    EXPECT_EQ(app.pools[1].name, "backup");
    EXPECT_EQ(app.pools[1].min_healthy, 1u);
    EXPECT_EQ(app.pools[2].name, "last");

    const zones::Balance& near = *by_name.at("near.by.balance.test.");
    EXPECT_EQ(near.policy, zones::Policy::nearest);
    ASSERT_EQ(near.pools.size(), 2u);
    EXPECT_DOUBLE_EQ(near.pools[1].location->first, 39.0);
    EXPECT_DOUBLE_EQ(near.pools[1].location->second, -77.0);

    ASSERT_EQ(z.checks().size(), 3u);
    std::map<std::string, const zones::CheckSpec*> checks;
    for (const auto& c : z.checks()) checks[c.name] = &c;
    const auto& tcp = *checks.at("tcp443");
    EXPECT_EQ(tcp.type, "tcp");
    EXPECT_EQ(tcp.port, 443);
    EXPECT_EQ(tcp.interval, std::chrono::milliseconds(5000));
    EXPECT_EQ(tcp.timeout, std::chrono::milliseconds(500));
    EXPECT_FALSE(tcp.fall.has_value());
    const auto& http = *checks.at("http");
    EXPECT_EQ(http.port, 80);   // the http default
    EXPECT_EQ(http.path, "/health?full=1");
    EXPECT_EQ(http.expect, (std::vector<std::pair<uint16_t, uint16_t>>{{200, 299}, {301, 301}}));
    EXPECT_EQ(http.body, "OK");
    EXPECT_EQ(http.interval, std::chrono::milliseconds(90'000));
    EXPECT_EQ(http.rise, 3u);
    const auto& dns = *checks.at("resolver");
    EXPECT_EQ(dns.port, 53);
    EXPECT_EQ(dns.query_name, "example.com.");
    EXPECT_EQ(dns.query_type, rt::AAAA);
    EXPECT_EQ(dns.rcode, 3);
    EXPECT_EQ(dns.require_answer, false);
}

TEST(Loader, ZoneDirectorySkipsTheServerConfigAndOtherFiles) {
    auto set = zones::load_zone_dir(std::string(DNSD_SOURCE_DIR) + "/zones/examples");
    ASSERT_TRUE(set.has_value()) << common::format_errors(set.error());
    ASSERT_GE(set->zones().size(), 1u);
    EXPECT_NE(set->find_exact(wire_name("example.com.")), nullptr);
}

TEST(Loader, ZoneDirectoryLoadsEveryZone) {
    TempDir dir;
    dir.write("a.test.toml", "[records]\n\"@\" = { NS = \"ns\" }\nns = { A = \"192.0.2.1\" }\n");
    dir.write("b.test.toml", "[records]\n\"@\" = { NS = \"ns.a.test.\" }\n");
    dir.write("notes.txt", "not a zone");
    dir.write("dnsd.toml", "[server]\n");
    auto set = zones::load_zone_dir(dir.path().string());
    ASSERT_TRUE(set.has_value()) << common::format_errors(set.error());
    EXPECT_EQ(set->zones().size(), 2u);
    EXPECT_NE(set->find(wire_name("x.b.test.")), nullptr);
}

}  // namespace
