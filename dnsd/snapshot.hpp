// snapshot.hpp -- Snapshot: everything a query reads, immutable once published; SnapshotHolder
// publishes a new one and lets workers pick it up with one atomic load per batch.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dnsd/balance.hpp"
#include "dnsd/prepared.hpp"
#include "health/status_table.hpp"
#include "health/target.hpp"
#include "zones/zone_set.hpp"

namespace geo {
class Locator;
}

namespace dnsd {

/// Answer settings taken from the server config.
struct AnswerOptions {
    uint16_t udp_max_payload = 1232;   // DNS Flag Day 2020: avoids IP fragmentation
    bool client_subnet = true;         // RFC 7871: echo ECS and honour it for geo names
    std::string nsid;                  // RFC 5001; "" = do not send
    std::string identity;              // CHAOS id.server / hostname.bind; "" = REFUSED
    std::string version;               // CHAOS version.bind / version.server; "" = REFUSED
};

/// Immutable after publish, except the health words inside `health`, which only the prober
/// thread writes (STYLE.md 7).
struct Snapshot {
    zones::ZoneSet zones;
    // One entry per zone in each (assemble_snapshot() fills them together).
    std::vector<std::vector<BalancePlan>> plans;   // [zone index][balance index]
    std::vector<PreparedZone> prepared;            // [zone index]
    std::shared_ptr<health::StatusTable> health;   // slot per (check, address)
    std::vector<health::Target> targets;           // slot -> what is probed, for status
    std::shared_ptr<const geo::Locator> locator;   // may be empty
    AnswerOptions options;
    uint64_t generation = 0;                       // distinct per snapshot: geo cache key
};

/// Holds the current snapshot. publish() from the control thread; workers call
/// refresh() once per batch and read through their own cached pointer.
class SnapshotHolder {
public:
    void publish(std::shared_ptr<const Snapshot> next) {
        std::lock_guard lock(mutex_);
        current_ = std::move(next);
        generation_.fetch_add(1, std::memory_order_release);
    }
    [[nodiscard]] std::shared_ptr<const Snapshot> get() const {
        std::lock_guard lock(mutex_);
        return current_;
    }
    /// Updates `cached` if a newer snapshot was published; one acquire load when nothing moved.
    void refresh(std::shared_ptr<const Snapshot>& cached, uint64_t& seen) const {
        uint64_t g = generation_.load(std::memory_order_acquire);
        if (g == seen && cached) return;
        std::lock_guard lock(mutex_);
        cached = current_;
        seen = generation_.load(std::memory_order_relaxed);
    }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const Snapshot> current_;
    std::atomic<uint64_t> generation_{0};
};

}  // namespace dnsd
