// status_table_test.cpp -- StatusTable: initial state, updates, and one writer vs many readers.
#include "health/status_table.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace health {
namespace {

using Clock = StatusTable::Clock;

TEST(StatusTable, StartsAllUp) {
    const auto t0 = Clock::now();
    StatusTable t(3, t0);
    EXPECT_EQ(t.size(), 3u);
    EXPECT_EQ(t.count_up(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_TRUE(t.is_up(i));
        const auto s = t.status(i);
        EXPECT_TRUE(s.up);
        EXPECT_EQ(s.last.outcome, Outcome::none);
        EXPECT_EQ(s.last_change, t0);
        EXPECT_EQ(s.probes, 0u);
    }
}

TEST(StatusTable, UpdateSetsWordAndDetails) {
    StatusTable t(2);
    TargetStatus s;
    s.up = false;
    s.last = {Outcome::refused};
    s.consecutive_fail = 2;
    s.probes = 5;
    t.update(1, s);
    EXPECT_TRUE(t.is_up(0));
    EXPECT_FALSE(t.is_up(1));
    EXPECT_EQ(t.count_up(), 1u);
    EXPECT_EQ(t.status(1).last.describe(), "connection refused");
    EXPECT_EQ(t.status(1).consecutive_fail, 2u);
    EXPECT_EQ(t.statuses().size(), 2u);
    s.up = true;
    t.update(1, s);
    EXPECT_TRUE(t.is_up(1));
}

TEST(StatusTable, OutOfRangeSlotsReadUpAndAreIgnored) {
    StatusTable t(1);
    EXPECT_TRUE(t.is_up(7));
    TargetStatus s;
    s.up = false;
    t.update(7, s);  // no effect, no crash
    EXPECT_EQ(t.count_up(), 1u);
    EXPECT_EQ(t.status(7).probes, 0u);
}

// Run under -DDNSD_SANITIZE=thread: readers on the hot path and a status reader race one writer.
TEST(StatusTable, OneWriterManyReaders) {
    constexpr std::size_t kSlots = 64;
    StatusTable t(kSlots);
    std::atomic<bool> done{false};
    std::atomic<uint64_t> seen_down{0};
    std::vector<std::thread> readers;
    for (int i = 0; i < 3; ++i) {
        readers.emplace_back([&] {
            uint64_t down = 0;
            while (!done.load(std::memory_order_relaxed)) {
                for (std::size_t s = 0; s < kSlots; ++s) if (!t.is_up(s)) ++down;
            }
            seen_down.fetch_add(down);
        });
    }
    readers.emplace_back([&] {
        while (!done.load(std::memory_order_relaxed)) {
            auto all = t.statuses();
            ASSERT_EQ(all.size(), kSlots);
        }
    });
    for (int round = 0; round < 2000; ++round) {
        TargetStatus s;
        s.up = round % 2 == 0;
        s.probes = static_cast<uint64_t>(round);
        t.update(static_cast<std::size_t>(round) % kSlots, s);
    }
    done.store(true);
    for (auto& r : readers) r.join();
    EXPECT_EQ(t.status(1999 % kSlots).probes, 1999u);
}

}  // namespace
}  // namespace health
