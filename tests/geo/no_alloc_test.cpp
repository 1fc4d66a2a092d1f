// no_alloc_test.cpp -- the per-query paths of geo/ allocate nothing (STYLE.md section 8).
//
// Counts operator new and, outside sanitizer builds, malloc itself (interposed and forwarded to
// glibc), so allocations inside libmaxminddb count too.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "geo/database.hpp"
#include "geo/decision_cache.hpp"
#include "geo/distance.hpp"
#include "geo/locator.hpp"
#include "geo/rules.hpp"
#include "test_paths.hpp"

namespace {

thread_local bool counting = false;
thread_local unsigned allocations = 0;

void note_allocation() noexcept {
    if (counting) ++allocations;
}

// Counts allocations made by `body` on this thread.
template <typename Body>
unsigned allocations_in(Body&& body) {
    allocations = 0;
    counting = true;
    body();
    counting = false;
    return allocations;
}

}  // namespace

void* operator new(std::size_t size) {
    note_allocation();
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define DNSD_COUNT_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define DNSD_COUNT_MALLOC 0
#else
#define DNSD_COUNT_MALLOC 1
#endif
#else
#define DNSD_COUNT_MALLOC 1
#endif

#if DNSD_COUNT_MALLOC
// glibc's own entry points: the interposed malloc family forwards to them.
extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* p, std::size_t size);
void __libc_free(void* p);

void* malloc(std::size_t size) {
    note_allocation();
    return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
    note_allocation();
    return __libc_calloc(count, size);
}
void* realloc(void* p, std::size_t size) {
    note_allocation();
    return __libc_realloc(p, size);
}
void free(void* p) { __libc_free(p); }
}
#endif

namespace {

using geo_test::maxmind;

geo::Address addr(const char* text) { return geo::Address::parse(text).value(); }

TEST(GeoNoAlloc, CounterWorks) {
    EXPECT_GE(allocations_in([] { delete new int(1); }), 1U);
#if DNSD_COUNT_MALLOC
    EXPECT_GE(allocations_in([] { std::free(std::malloc(16)); }), 1U);
#endif
}

TEST(GeoNoAlloc, LookupAndMatch) {
    auto locator = geo::Locator::open({maxmind("GeoIP2-City-Test.mmdb"), maxmind("GeoLite2-ASN-Test.mmdb")});
    ASSERT_TRUE(locator);
    geo::Rules rules;
    ASSERT_FALSE(rules.add("net:10.0.0.0/8", 0));
    ASSERT_FALSE(rules.add("asn:15169", 1));
    ASSERT_FALSE(rules.add("region:GB-ENG", 2));
    ASSERT_FALSE(rules.add("country:US", 3));
    ASSERT_FALSE(rules.add("continent:AS", 4));
    ASSERT_FALSE(rules.add("default", 5));
    geo::LocationCache location_cache;
    geo::DecisionCache decisions;
    const geo::Address clients[] = {addr("81.2.69.142"),  addr("1.0.0.1"),     addr("216.160.83.56"), addr("2001:218::1"),
                                    addr("10.9.8.7"),     addr("8.8.8.8"),     addr("::1"),           addr("214.1.1.1"),
                                    addr("2001:1700::1"), addr("175.16.199.1")};

    // Everything a worker does per query for a geo-balanced name; twice, so the second round
    // runs on warm caches and the first on cold ones.
    for (int round = 0; round < 2; ++round) {
        const unsigned n = allocations_in([&] {
            for (const geo::Address& client : clients) {
                if (const auto hit = decisions.find(1, client)) continue;
                const geo::Location where =
                    rules.needs_location() ? locator->lookup(client, location_cache) : geo::Location{};
                const geo::Match m = rules.match(client, where);
                decisions.insert(1, client, m.scope_prefix_len, m.value);
                if (where.has_coordinates) (void)geo::distance_km({where.latitude, where.longitude}, {50.11, 8.68});
            }
            (void)locator->lookup(addr("89.160.20.112"));  // uncached decoding too
            decisions.sync(static_cast<uint64_t>(round) + 1);
        });
        EXPECT_EQ(n, 0U) << "round " << round;
    }
#if !DNSD_COUNT_MALLOC
    std::cout << "note: malloc is not counted under sanitizers, only operator new\n";
#endif
}

TEST(GeoNoAlloc, AddressFromText) {
    EXPECT_EQ(allocations_in([] { (void)geo::Address::parse("2001:db8::1"); }), 0U);
}

}  // namespace
