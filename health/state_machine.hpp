// state_machine.hpp -- StateMachine: rise/fall anti-flap, raw OK/FAIL results in, up/down out.
#pragma once

#include <chrono>
#include <cstdint>

namespace health {

/// Turns raw probe results into a stable up/down state: an up target goes down after `fall`
/// consecutive failures, a down one comes back after `rise` consecutive successes, so one lost
/// packet or one slow answer never flaps an address in or out of answers.
///
/// Starts up: a member is served until proven down (issue 3), so a restart or a reload never
/// empties a name while the first probes run. Pure: no clock (time is passed in), no socket.
/// Not thread-safe; the prober thread owns each instance.
class StateMachine {
public:
    using Clock = std::chrono::steady_clock;

    /// `fall` and `rise` below 1 are treated as 1. `now` becomes last_change().
    StateMachine(uint32_t fall, uint32_t rise, Clock::time_point now) noexcept;

    /// Feeds one probe verdict observed at `now`. Returns true when it flipped the state.
    bool record(bool ok, Clock::time_point now) noexcept;

    [[nodiscard]] bool is_up() const noexcept { return up_; }
    /// Successes in a row (0 after a failure), whatever the state.
    [[nodiscard]] uint32_t consecutive_ok() const noexcept { return ok_run_; }
    /// Failures in a row (0 after a success), whatever the state.
    [[nodiscard]] uint32_t consecutive_fail() const noexcept { return fail_run_; }
    /// When the state last flipped, or construction time if it never did.
    [[nodiscard]] Clock::time_point last_change() const noexcept { return last_change_; }

private:
    uint32_t fall_;
    uint32_t rise_;
    uint32_t ok_run_ = 0;
    uint32_t fail_run_ = 0;
    bool up_ = true;
    Clock::time_point last_change_;
};

}  // namespace health
