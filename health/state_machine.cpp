// state_machine.cpp -- rise/fall counting.
#include "health/state_machine.hpp"

#include <algorithm>

namespace health {

StateMachine::StateMachine(uint32_t fall, uint32_t rise, Clock::time_point now) noexcept
    : fall_(std::max(fall, 1u)), rise_(std::max(rise, 1u)), last_change_(now) {}

bool StateMachine::record(bool ok, Clock::time_point now) noexcept {
    // Saturate rather than wrap: a member down for years must not look freshly failed.
    if (ok) {
        fail_run_ = 0;
        if (ok_run_ != UINT32_MAX) ++ok_run_;
    } else {
        ok_run_ = 0;
        if (fail_run_ != UINT32_MAX) ++fail_run_;
    }
    const bool flip = up_ ? (!ok && fail_run_ >= fall_) : (ok && ok_run_ >= rise_);
    if (flip) {
        up_ = !up_;
        last_change_ = now;
    }
    return flip;
}

}  // namespace health
