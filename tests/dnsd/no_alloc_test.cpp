// no_alloc_test.cpp -- the hot path allocates nothing: counts operator new around answer()
// for every kind of answer (STYLE.md 8; issue 5).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "tests/dnsd/responder_fixture.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<size_t> allocations{0};
}  // namespace

// The replacement pair below is malloc/free on purpose; GCC cannot see that they match.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(size_t size) {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void* operator new[](size_t size) { return operator new(size); }
// The nothrow forms too (std::stable_sort's buffer), or they would come from the sanitizer's
// operator new and reach the free() below: a mismatch AddressSanitizer reports.
void* operator new(size_t size, const std::nothrow_t&) noexcept {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace dnsd {
namespace {

const char* kZone = R"(
origin = "example.com."
[records]
"@" = { NS = ["ns1"], MX = ["10 mail"] }
ns1 = { A = "192.0.2.53" }
mail = { A = "192.0.2.25", AAAA = "2001:db8::25" }
alias = { CNAME = "mail" }
"*.wild" = { A = "192.0.2.80" }
sub = { NS = ["ns.sub"] }
"ns.sub" = { A = "192.0.2.99" }
[balance.www]
policy = "weighted"
members = [{ address = "192.0.2.10", weight = 3 }, "192.0.2.11", "2001:db8::10"]
[balance.rr]
answers = 2
members = ["192.0.2.20", "192.0.2.21", "192.0.2.22", "192.0.2.23"]
[balance.geo]
policy = "geo"
pools.eu = { members = ["192.0.2.40"] }
pools.us = { members = ["192.0.2.41"] }
[balance.geo.geo]
"net:10.0.0.0/8" = ["eu"]
default = ["us", "eu"]
[balance.near]
policy = "nearest"
pools.eu = { members = ["192.0.2.50"], location = [50.11, 8.68] }
pools.us = { members = ["192.0.2.51"], location = [39.04, -77.49] }
)";

TEST(NoAlloc, AnswerAllocatesNothing) {
    testing::SnapshotFixture fx{{{"example.com.toml", kZone}}};
    ASSERT_TRUE(fx.ok());
    std::vector<test_support::Bytes> queries;
    auto add = [&](const std::string& name, uint16_t type, bool edns = true, bool ecs = false) {
        test_support::QuerySpec q;
        q.qname = name;
        q.qtype = type;
        if (edns) {
            q.edns = test_support::Edns{};
            if (ecs) q.edns->options.push_back(test_support::client_subnet_option("10.1.2.0/24"));
        }
        queries.push_back(test_support::build_query(q));
    };
    add("mail.example.com.", 1, false);
    add("mail.example.com.", 28);
    add("example.com.", 15);
    add("alias.example.com.", 1);
    add("x.wild.example.com.", 1);
    add("nope.example.com.", 1);
    add("host.sub.example.com.", 1);
    add("www.example.com.", 1);
    add("www.example.com.", 28);
    add("rr.example.com.", 1);
    add("geo.example.com.", 1, true, true);
    add("geo.example.com.", 1, true, false);
    add("near.example.com.", 1, true, true);
    add("example.org.", 1);
    add("example.com.", 255);
    queries.push_back(test_support::from_hex("abcd 0000 0001 0000 0000 0000 c00c 0001 0001"));

    std::vector<uint8_t> out(65535);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    from.sin_addr.s_addr = htonl(0x0A000001);
    Client client{reinterpret_cast<const sockaddr*>(&from), false};
    Counters counters;
    for (const auto& q : queries) fx.responder().answer(q, client, fx.snapshot(), out, counters);   // warm up

    allocations = 0;
    counting = true;
    size_t total = 0;
    for (int round = 0; round < 100; ++round) {
        for (const auto& q : queries) total += fx.responder().answer(q, client, fx.snapshot(), out, counters);
    }
    counting = false;
    EXPECT_GT(total, 0u);
    EXPECT_EQ(allocations.load(), 0u) << "operator new called on the answer path";
}

}  // namespace
}  // namespace dnsd
