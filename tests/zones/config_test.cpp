// config_test.cpp -- dnsd.toml: every key, the defaults, relative paths, and the error texts.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include "dnsd/config.hpp"
#include "test_util.hpp"

namespace {

using zones_test::TempDir;

std::string errors_of(const std::string& text) {
    TempDir dir;
    std::string path = dir.write("dnsd.toml", text);
    auto cfg = dnsd::load_config(path);
    if (cfg.has_value()) return "loaded";
    return zones_test::error_text(cfg.error(), dir.path().string() + "/");
}

uint16_t port_of(const dnsd::ListenAddress& a) {
    if (a.address.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&a.address)->sin_port);
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&a.address)->sin6_port);
}

TEST(Config, TheExampleConfigLoads) {
    std::string dir = std::string(DNSD_SOURCE_DIR) + "/zones/examples";
    auto cfg = dnsd::load_config(dir + "/dnsd.toml");
    ASSERT_TRUE(cfg.has_value()) << common::format_errors(cfg.error());
    ASSERT_EQ(cfg->listen.size(), 2u);
    EXPECT_EQ(cfg->listen[0].text, "127.0.0.1:5353");
    EXPECT_EQ(cfg->listen[0].address.ss_family, AF_INET);
    EXPECT_EQ(cfg->listen[0].length, sizeof(sockaddr_in));
    EXPECT_EQ(port_of(cfg->listen[0]), 5353);
    EXPECT_EQ(cfg->listen[1].text, "[::1]:5353");
    EXPECT_EQ(cfg->listen[1].address.ss_family, AF_INET6);
    EXPECT_EQ(cfg->listen[1].length, sizeof(sockaddr_in6));
    EXPECT_EQ(cfg->threads, 0u);
    EXPECT_EQ(cfg->zones_dir, dir);   // "." relative to the config file
    EXPECT_EQ(cfg->file, dir + "/dnsd.toml");
}

TEST(Config, EveryKey) {
    TempDir dir;
    std::string path = dir.write("etc/dnsd.toml", R"([server]
listen = "0.0.0.0:53"
threads = 4
zones = "../zones"
udp_max_payload = 1400
tcp_idle_timeout = "30s"
tcp_max_connections = 200
nsid = "ns1.example"
identity = "ns1"
version = "dnsd"

[geo]
database = ["geo/city.mmdb", "/var/lib/asn.mmdb"]
client_subnet = false

[control]
http = "[::1]:8053"

[checks.web]
type = "http"
path = "/healthz"
expect = "200-299"

[checks.dns]
type = "dns"
query = "www.example.com."
)");
    auto cfg = dnsd::load_config(path);
    ASSERT_TRUE(cfg.has_value()) << common::format_errors(cfg.error());
    ASSERT_EQ(cfg->listen.size(), 1u);
    EXPECT_EQ(port_of(cfg->listen[0]), 53);
    EXPECT_EQ(cfg->threads, 4u);
    EXPECT_EQ(cfg->zones_dir, dir.path().string() + "/zones");
    EXPECT_EQ(cfg->udp_max_payload, 1400);
    EXPECT_EQ(cfg->tcp_idle_timeout, std::chrono::milliseconds(30'000));
    EXPECT_EQ(cfg->tcp_max_connections, 200u);
    EXPECT_EQ(cfg->nsid, "ns1.example");
    EXPECT_EQ(cfg->identity, "ns1");
    EXPECT_EQ(cfg->version, "dnsd");
    EXPECT_EQ(cfg->geo_databases,
              (std::vector<std::string>{dir.path().string() + "/etc/geo/city.mmdb", "/var/lib/asn.mmdb"}));
    EXPECT_FALSE(cfg->client_subnet);
    EXPECT_EQ(cfg->control_http, "[::1]:8053");
    ASSERT_EQ(cfg->checks.size(), 2u);
    EXPECT_EQ(cfg->checks[0].name, "web");
    EXPECT_EQ(cfg->checks[0].expect, (std::vector<std::pair<uint16_t, uint16_t>>{{200, 299}}));
    EXPECT_EQ(cfg->checks[0].where.line, 19u);
    EXPECT_EQ(cfg->checks[1].query_name, "www.example.com.");
    EXPECT_EQ(cfg->checks[1].port, 53);
}

TEST(Config, Defaults) {
    TempDir dir;
    auto cfg = dnsd::load_config(dir.write("dnsd.toml", "# nothing\n"));
    ASSERT_TRUE(cfg.has_value()) << common::format_errors(cfg.error());
    ASSERT_EQ(cfg->listen.size(), 2u);
    EXPECT_EQ(cfg->listen[0].text, "127.0.0.1:5353");
    EXPECT_EQ(cfg->listen[1].text, "[::1]:5353");
    EXPECT_EQ(cfg->threads, 0u);
    EXPECT_EQ(cfg->zones_dir, dir.path().string());
    EXPECT_EQ(cfg->udp_max_payload, 1232);
    EXPECT_TRUE(cfg->client_subnet);
    EXPECT_EQ(cfg->control_http, "");
    EXPECT_TRUE(cfg->geo_databases.empty());
}

TEST(Config, Errors) {
    EXPECT_EQ(errors_of("[server]\nlissten = \"127.0.0.1:53\"\n[contol]\nhttp = \"x\"\n"),
              "dnsd.toml:2:11: unknown key 'lissten' in [server]; expected one of: listen, threads, zones, "
              "udp_max_payload, tcp_idle_timeout, tcp_max_connections, nsid, identity, version\n"
              "dnsd.toml:3:1: unknown key 'contol' in the server config; expected one of: server, geo, control, checks\n");
    EXPECT_EQ(errors_of("[server]\nlisten = [\"localhost:53\", \"127.0.0.1\", \"::1:53\", \"127.0.0.1:0\", "
                        "\"[::1]:53\", \"[::1]:53\"]\nthreads = \"many\"\nudp_max_payload = 100\n"
                        "tcp_idle_timeout = \"soon\"\n"),
              "dnsd.toml:2:11: [server] listen: \"localhost:53\": \"localhost\" is not an IP address; expected "
              "IP:PORT like 127.0.0.1:53 or [::1]:53\n"
              "dnsd.toml:2:27: [server] listen: \"127.0.0.1\" has no port; expected IP:PORT like 127.0.0.1:53 or "
              "[::1]:53\n"
              "dnsd.toml:2:40: [server] listen: \"::1:53\": an IPv6 address goes in brackets, e.g. [::1]:53\n"
              "dnsd.toml:2:50: [server] listen: \"127.0.0.1:0\": port must be a number from 1 to 65535\n"
              "dnsd.toml:2:77: [server] listen: \"[::1]:53\" is listed twice\n"
              "dnsd.toml:3:11: [server] threads must be \"auto\" or an integer from 1 to 1024, got a string\n"
              "dnsd.toml:4:19: [server] udp_max_payload must be an integer from 512 to 4096, got 100\n"
              "dnsd.toml:5:20: [server] tcp_idle_timeout must be a duration above 0 like \"2s\", \"500ms\" or \"1m\" "
              "(or whole seconds), got a string \"soon\"\n");
    EXPECT_EQ(errors_of("[geo]\ndatabase = 3\nclient_subnet = \"yes\"\n[control]\nhttp = \"8053\"\n"),
              "dnsd.toml:2:12: [geo] database must be a string, got 3\n"
              "dnsd.toml:3:17: [geo] client_subnet must be true or false, got a string \"yes\"\n"
              "dnsd.toml:5:8: [control] http: \"8053\" has no port; expected IP:PORT like 127.0.0.1:53 or [::1]:53\n");
    EXPECT_EQ(errors_of("[checks.web]\ntype = \"http\"\nintreval = 2\n"),
              "dnsd.toml:3:12: unknown key 'intreval' in [checks.web]; expected one of: type, port, interval, "
              "timeout, fall, rise, path, host, expect, body\n");
    EXPECT_EQ(errors_of("[server\n"), "dnsd.toml:1:1: TOML syntax: an invalid key appeared (is not a valid key)\n");
}

TEST(Config, MissingFile) {
    auto cfg = dnsd::load_config("/nonexistent/dnsd.toml");
    ASSERT_FALSE(cfg.has_value());
    EXPECT_EQ(common::format_errors(cfg.error()), "/nonexistent/dnsd.toml: cannot read: No such file or directory\n");
}

TEST(Config, ListenAddresses) {
    dnsd::ListenAddress a;
    std::string why;
    ASSERT_TRUE(dnsd::parse_listen_address("[2001:db8::1]:8053", &a, &why)) << why;
    EXPECT_EQ(a.address.ss_family, AF_INET6);
    EXPECT_EQ(port_of(a), 8053);
    ASSERT_TRUE(dnsd::parse_listen_address("[::]:53", &a, &why)) << why;
    ASSERT_TRUE(dnsd::parse_listen_address("0.0.0.0:65535", &a, &why)) << why;
    EXPECT_EQ(port_of(a), 65535);
    EXPECT_FALSE(dnsd::parse_listen_address("[::1]53", &a, &why));
    EXPECT_EQ(why, "\"[::1]53\" has no port; expected IP:PORT like 127.0.0.1:53 or [::1]:53");
    EXPECT_FALSE(dnsd::parse_listen_address("[fe80::1%nosuchif0]:53", &a, &why));
    EXPECT_EQ(why, "\"[fe80::1%nosuchif0]:53\": unknown interface \"nosuchif0\"");
    EXPECT_FALSE(dnsd::parse_listen_address("[127.0.0.1]:53", &a, &why));
}

}  // namespace
