// state_machine_test.cpp -- rise/fall anti-flap with injected time (no clock, no sleeps).
#include "health/state_machine.hpp"

#include <gtest/gtest.h>

namespace health {
namespace {

using namespace std::chrono_literals;
using Clock = StateMachine::Clock;

const Clock::time_point t0{};

TEST(StateMachine, StartsUpUntilProvenDown) {
    StateMachine m(2, 2, t0);
    EXPECT_TRUE(m.is_up());
    EXPECT_EQ(m.last_change(), t0);
    EXPECT_EQ(m.consecutive_ok(), 0u);
    EXPECT_EQ(m.consecutive_fail(), 0u);
}

TEST(StateMachine, GoesDownAfterFallConsecutiveFailures) {
    StateMachine m(3, 2, t0);
    EXPECT_FALSE(m.record(false, t0 + 1s));
    EXPECT_FALSE(m.record(false, t0 + 2s));
    EXPECT_TRUE(m.is_up());
    EXPECT_TRUE(m.record(false, t0 + 3s));
    EXPECT_FALSE(m.is_up());
    EXPECT_EQ(m.last_change(), t0 + 3s);
    EXPECT_EQ(m.consecutive_fail(), 3u);
    EXPECT_FALSE(m.record(false, t0 + 4s));  // stays down, no second transition
    EXPECT_EQ(m.last_change(), t0 + 3s);
}

TEST(StateMachine, ComesBackAfterRiseConsecutiveSuccesses) {
    StateMachine m(1, 3, t0);
    EXPECT_TRUE(m.record(false, t0 + 1s));
    EXPECT_FALSE(m.record(true, t0 + 2s));
    EXPECT_FALSE(m.record(true, t0 + 3s));
    EXPECT_FALSE(m.is_up());
    EXPECT_TRUE(m.record(true, t0 + 4s));
    EXPECT_TRUE(m.is_up());
    EXPECT_EQ(m.last_change(), t0 + 4s);
    EXPECT_EQ(m.consecutive_ok(), 3u);
}

TEST(StateMachine, AlternatingResultsNeverFlap) {
    StateMachine m(2, 2, t0);
    for (int i = 0; i < 20; ++i) {
        EXPECT_FALSE(m.record(i % 2 == 0, t0 + std::chrono::seconds(i)));
        EXPECT_TRUE(m.is_up());
    }
    // Once down, alternating results keep it down.
    m.record(true, t0 + 29s);
    EXPECT_FALSE(m.record(false, t0 + 30s));
    EXPECT_TRUE(m.record(false, t0 + 31s));
    EXPECT_FALSE(m.is_up());
    for (int i = 0; i < 20; ++i) {
        EXPECT_FALSE(m.record(i % 2 == 0, t0 + 40s + std::chrono::seconds(i)));
        EXPECT_FALSE(m.is_up());
    }
}

TEST(StateMachine, SuccessResetsTheFailureRun) {
    StateMachine m(2, 2, t0);
    m.record(false, t0 + 1s);
    m.record(true, t0 + 2s);
    EXPECT_EQ(m.consecutive_fail(), 0u);
    EXPECT_FALSE(m.record(false, t0 + 3s));
    EXPECT_TRUE(m.is_up());
}

TEST(StateMachine, ZeroThresholdsActAsOne) {
    StateMachine m(0, 0, t0);
    EXPECT_TRUE(m.record(false, t0 + 1s));
    EXPECT_TRUE(m.record(true, t0 + 2s));
}

}  // namespace
}  // namespace health
