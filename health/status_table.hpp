// status_table.hpp -- StatusTable: per-target health words for the answer path, plus status details.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "health/probe_result.hpp"

namespace health {

/// Everything known about one target, for status pages and logs (not for the answer path).
struct TargetStatus {
    using Clock = std::chrono::steady_clock;

    bool up = true;       ///< the state answers use (members start up until proven down)
    ProbeResult last;     ///< the last finished probe; Outcome::none before the first
    Clock::time_point last_probe{};   ///< when the last probe finished; epoch before the first
    Clock::time_point last_change{};  ///< when `up` last flipped, or when the target was added
    std::chrono::microseconds last_duration{0};  ///< how long the last probe took
    uint32_t consecutive_ok = 0;    ///< successes in a row
    uint32_t consecutive_fail = 0;  ///< failures in a row
    uint64_t probes = 0;    ///< probes with a verdict since the target was added (kept across reloads)
    uint64_t failures = 0;  ///< of which failed (local errors count in neither)
};

/// Health of the targets of one load (slot = index given at load time, see TargetSet).
///
/// Threads: is_up() is lock-free and wait-free, for the answer path on any number of workers.
/// update() is for the prober thread only (one writer). status()/statuses() may be called from
/// any thread (they take a mutex that update() holds briefly; is_up() never touches it).
/// Publish the table with the snapshot as `std::shared_ptr<const StatusTable>`: answers only read.
class StatusTable {
public:
    using Clock = std::chrono::steady_clock;

    /// `slots` targets, all up, last_change = `now`.
    explicit StatusTable(std::size_t slots, Clock::time_point now = Clock::now());

    StatusTable(const StatusTable&) = delete;
    StatusTable& operator=(const StatusTable&) = delete;

    [[nodiscard]] std::size_t size() const noexcept { return size_; }

    /// Whether answers may use the target in `slot`. A slot out of range reads as up (fail open),
    /// but is a bug in the caller's indexing. Lock-free relaxed load: the word carries no other
    /// data, so no ordering with other memory is needed.
    [[nodiscard]] bool is_up(std::size_t slot) const noexcept {
        return slot >= size_ || (words_[slot].load(std::memory_order_relaxed) & kDownBit) == 0;
    }

    /// How many targets are up (O(n); for metrics and fail-open accounting, not per query).
    [[nodiscard]] std::size_t count_up() const noexcept;

    /// A copy of the details of one slot (default-constructed for a slot out of range).
    [[nodiscard]] TargetStatus status(std::size_t slot) const;
    /// A consistent copy of every slot, for a status page.
    [[nodiscard]] std::vector<TargetStatus> statuses() const;

    /// Stores the state of one slot: the health word (only written when it changes, so readers'
    /// cache lines stay shared) and the details. Prober thread only; ignores slots out of range.
    void update(std::size_t slot, const TargetStatus& status);

private:
    // Bit 0 of a health word: down. The rest is reserved (e.g. a TTL hint, as gdnsd keeps).
    static constexpr uint32_t kDownBit = 1;

    std::size_t size_;
    std::unique_ptr<std::atomic<uint32_t>[]> words_;
    mutable std::mutex mutex_;             // guards details_
    std::vector<TargetStatus> details_;
};

}  // namespace health
