// server_test.cpp -- the real dnsd binary on loopback, asked by real clients (dig, c-ares, a raw
// client): UDP and TCP, pipelining, reload on SIGHUP (good and bad edits), SIGTERM, busy port.
#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <signal.h>
#include <sys/select.h>

#include <thread>

#include "tests/e2e/dnsd_fixture.hpp"

namespace e2e {
namespace {

using namespace std::chrono_literals;
using test_support::Transport;

const char* kZone = R"(
origin = "example.com."
ttl = 3600
[soa]
serial = 1
[records]
"@" = { NS = ["ns1"], MX = ["10 mail"] }
ns1 = { A = "192.0.2.53" }
mail = { A = "192.0.2.25", AAAA = "2001:db8::25" }
big = { TXT = ["0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
               "1123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
               "2123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
               "3123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
               "4123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
               "5123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"] }
[balance.www]
members = ["192.0.2.10", "192.0.2.11"]
)";

TEST(Server, DigOverUdpAndTcp) {
    DnsdInstance d({{"example.com.toml", kZone}}, {"example.com."});
    std::string udp = dig(d.port(), {"mail.example.com", "A"});
    EXPECT_NE(udp.find("status: NOERROR"), std::string::npos) << udp;
    EXPECT_NE(udp.find("flags: qr aa"), std::string::npos) << udp;
    EXPECT_NE(udp.find("192.0.2.25"), std::string::npos) << udp;
    std::string tcp = dig(d.port(), {"+tcp", "mail.example.com", "AAAA"});
    EXPECT_NE(tcp.find("2001:db8::25"), std::string::npos) << tcp;
    std::string nx = dig(d.port(), {"nope.example.com"});
    EXPECT_NE(nx.find("status: NXDOMAIN"), std::string::npos) << nx;
    std::string www = dig(d.port(), {"www.example.com"});
    EXPECT_NE(www.find("192.0.2.10"), std::string::npos) << www;
    EXPECT_NE(www.find("192.0.2.11"), std::string::npos) << www;
}

TEST(Server, DigFallsBackToTcpOnTruncation) {
    DnsdInstance d({{"example.com.toml", kZone}}, {"example.com."});
    std::string out = dig(d.port(), {"+noedns", "big.example.com", "TXT"});
    EXPECT_NE(out.find("Truncated, retrying in TCP mode"), std::string::npos) << out;
    EXPECT_NE(out.find("5123456789"), std::string::npos) << out;
}

// A second, independent client: c-ares, over UDP and TCP.
std::vector<std::string> cares_lookup(uint16_t port, const char* name, int type, bool tcp) {
    std::vector<std::string> found;
    ares_library_init(ARES_LIB_INIT_ALL);
    ares_channel channel = nullptr;
    ares_options opts{};
    opts.flags = ARES_FLAG_NOCHECKRESP | (tcp ? ARES_FLAG_USEVC : 0);
    opts.timeout = 2000;
    opts.tries = 1;
    EXPECT_EQ(ares_init_options(&channel, &opts, ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES), ARES_SUCCESS);
    std::string server = "127.0.0.1:" + std::to_string(port);
    EXPECT_EQ(ares_set_servers_ports_csv(channel, server.c_str()), ARES_SUCCESS);
    struct Ctx {
        std::vector<std::string>* out;
        bool done = false;
    } ctx{&found};
    ares_query(
        channel, name, ns_c_in, type,
        [](void* arg, int status, int, unsigned char* abuf, int alen) {
            auto* c = static_cast<Ctx*>(arg);
            c->done = true;
            if (status != ARES_SUCCESS) {
                c->out->push_back(std::string("error ") + ares_strerror(status));
                return;
            }
            hostent* host = nullptr;
            ares_addrttl ttls[8];
            int n = 8;
            if (ares_parse_a_reply(abuf, alen, &host, ttls, &n) == ARES_SUCCESS) {
                for (int i = 0; i < n; ++i) {
                    char buf[INET_ADDRSTRLEN];
                    inet_ntop(AF_INET, &ttls[i].ipaddr, buf, sizeof buf);
                    c->out->push_back(buf);
                }
                if (host != nullptr) ares_free_hostent(host);
            }
        },
        &ctx);
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!ctx.done && std::chrono::steady_clock::now() < deadline) {
        fd_set r, w;
        FD_ZERO(&r);
        FD_ZERO(&w);
        int nfds = ares_fds(channel, &r, &w);
        timeval tv{0, 100000};
        timeval max_tv{0, 100000};
        ares_timeout(channel, &max_tv, &tv);
        select(nfds, &r, &w, nullptr, &tv);
        ares_process(channel, &r, &w);
    }
    ares_destroy(channel);
    return found;
}

TEST(Server, CaresClientOverUdpAndTcp) {
    DnsdInstance d({{"example.com.toml", kZone}}, {"example.com."});
    auto udp = cares_lookup(d.port(), "mail.example.com", ns_t_a, false);
    ASSERT_EQ(udp.size(), 1u);
    EXPECT_EQ(udp[0], "192.0.2.25");
    auto tcp = cares_lookup(d.port(), "www.example.com", ns_t_a, true);
    EXPECT_EQ(tcp.size(), 2u);
}

TEST(Server, TcpPipelinesSeveralQueriesOnOneConnection) {
    DnsdInstance d({{"example.com.toml", kZone}}, {"example.com."});
    std::vector<test_support::Bytes> queries;
    for (uint16_t i = 0; i < 5; ++i) {
        queries.push_back(test_support::build_query({.qname = "mail.example.com.", .id = static_cast<uint16_t>(100 + i)}));
    }
    auto replies = test_support::exchange_pipelined(d.server().endpoint(), queries, 3s);
    ASSERT_EQ(replies.size(), 5u);
    for (size_t i = 0; i < replies.size(); ++i) {
        auto r = test_support::parse_response(replies[i]);
        EXPECT_EQ(r.id, 100 + i);
        EXPECT_EQ(r.answer.size(), 1u);
    }
}

TEST(Server, ReloadSwapsGoodEditsAndKeepsServingOnBadOnes) {
    DnsdInstance d({{"example.com.toml", kZone}}, {"example.com."});
    std::string zone = kZone;
    std::string edited = zone;
    edited.replace(edited.find("192.0.2.25"), 10, "192.0.2.26");
    test_support::write_file(d.zones_dir() / "example.com.toml", edited);
    ::kill(d.server().process().pid(), SIGHUP);
    bool changed = test_support::wait_until(
        [&] {
            auto r = d.ask({.qname = "mail.example.com."});
            return !r.answer.empty() && r.answer[0].find("192.0.2.26") != std::string::npos;
        },
        5s);
    EXPECT_TRUE(changed) << d.server().log();

    std::string broken = edited;
    broken.replace(broken.find("192.0.2.26"), 10, "192.0.2.999");
    test_support::write_file(d.zones_dir() / "example.com.toml", broken);
    ::kill(d.server().process().pid(), SIGHUP);
    EXPECT_TRUE(test_support::wait_until([&] { return d.server().log().find("reload failed") != std::string::npos; }, 5s))
        << d.server().log();
    auto r = d.ask({.qname = "mail.example.com."});
    ASSERT_EQ(r.answer.size(), 1u);
    EXPECT_NE(r.answer[0].find("192.0.2.26"), std::string::npos) << "the old zone keeps serving";
    EXPECT_NE(d.server().log().find("example.com.toml:"), std::string::npos) << "error names the file";
}

// Bound to the wildcard address, dnsd must answer from the address each query was sent to: a
// host with several addresses otherwise answers from another one, which clients drop (the test
// client's UDP socket is connected, so the kernel drops such an answer too).
TEST(Server, WildcardListenAnswersFromTheAddressAsked) {
    test_support::TempDir zones("dnsd-wildcard");
    test_support::write_file(zones.path() / "example.com.toml", kZone);
    test_support::DnsdServer::Options o;
    o.listen_hosts = {"0.0.0.0", "[::]"};
    test_support::DnsdServer server(dnsd_binary(), zones.path(), {"example.com."}, o);
    for (const char* address : {"127.0.0.1", "127.0.0.2", "127.45.6.7", "::1"}) {
        const test_support::Endpoint to{address, server.port()};
        for (Transport t : {Transport::udp, Transport::tcp}) {
            auto bytes = test_support::exchange(to, t, test_support::build_query({.qname = "mail.example.com.", .qtype = 1}));
            ASSERT_TRUE(bytes.has_value()) << "no answer over " << to_string(t) << " from " << address;
            auto r = test_support::parse_response(*bytes);
            ASSERT_EQ(r.answer.size(), 1u) << address;
            EXPECT_NE(r.answer[0].find("192.0.2.25"), std::string::npos) << r.answer[0];
        }
    }
}

TEST(Server, SigtermExitsCleanly) {
    DnsdInstance d({{"example.com.toml", kZone}}, {"example.com."});
    auto status = d.server().stop();
    EXPECT_TRUE(status.is_success()) << status.to_string() << "\n" << d.server().log();
}

TEST(Server, BusyPortIsAClearError) {
    DnsdInstance d({{"example.com.toml", kZone}}, {"example.com."});
    test_support::TempDir dir("dnsd-busy");
    test_support::write_file(dir.path() / "dnsd.toml", "[server]\nlisten = [\"127.0.0.1:" + std::to_string(d.port()) +
                                                          "\"]\nzones = \"" + d.zones_dir().string() + "\"\n");
    int code = 0;
    std::string out = run_capture({dnsd_binary().string(), "-c", (dir.path() / "dnsd.toml").string()}, &code, 10s);
    EXPECT_EQ(code, 1);
    EXPECT_NE(out.find("Address already in use"), std::string::npos) << out;
}

TEST(Server, MissingConfigIsAClearError) {
    int code = 0;
    std::string out = run_capture({dnsd_binary().string(), "-c", "/nonexistent/dnsd.toml"}, &code);
    EXPECT_EQ(code, 1);
    EXPECT_NE(out.find("/nonexistent/dnsd.toml"), std::string::npos) << out;
}

TEST(Server, SurvivesGarbage) {
    DnsdInstance d({{"example.com.toml", kZone}}, {"example.com."});
    uint32_t seed = 12345;
    for (int i = 0; i < 2000; ++i) {
        test_support::Bytes junk(static_cast<size_t>(seed % 300));
        for (auto& b : junk) {
            seed = seed * 1103515245u + 12345u;
            b = static_cast<uint8_t>(seed >> 16);
        }
        if (junk.size() > 2) junk[2] &= 0x7F;   // not a response, so it is parsed
        test_support::exchange(d.server().endpoint(), Transport::udp, junk, 5ms);
    }
    auto r = d.ask({.qname = "mail.example.com."});
    EXPECT_EQ(r.answer.size(), 1u) << "still answering after 2000 random packets";
    EXPECT_TRUE(d.server().is_running());
}

}  // namespace
}  // namespace e2e
