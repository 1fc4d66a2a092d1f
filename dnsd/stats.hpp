// stats.hpp -- per-thread counters (one cache line each, never shared while written), summed
// when read by the control thread. Counters replace per-packet logs on the hot path.
#pragma once

#include <atomic>
#include <cstdint>

namespace dnsd {

// Every counter once; the lists below expand it.
#define DNSD_COUNTERS(X)                                                                       \
    X(queries) X(udp) X(tcp) X(noerror) X(nxdomain) X(nodata) X(referral) X(refused) X(formerr) \
    X(notimp) X(notauth) X(badvers) X(dropped) X(truncated) X(balanced) X(fail_open) X(ecs)

/// A plain copy of the counters, for reports.
struct CounterTotals {
#define DNSD_FIELD(name) uint64_t name = 0;
    DNSD_COUNTERS(DNSD_FIELD)
#undef DNSD_FIELD
};

struct alignas(64) Counters {
    // Written by one worker, read by the control thread: relaxed atomics cost a plain store.
#define DNSD_FIELD(name) std::atomic<uint64_t> name{0};
    DNSD_COUNTERS(DNSD_FIELD)
#undef DNSD_FIELD

    static void bump(std::atomic<uint64_t>& c) noexcept {
        c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    void add_to(CounterTotals& t) const noexcept {
#define DNSD_FIELD(name) t.name += name.load(std::memory_order_relaxed);
        DNSD_COUNTERS(DNSD_FIELD)
#undef DNSD_FIELD
    }
};

}  // namespace dnsd
