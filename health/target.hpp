// target.hpp -- Target (one check on one address) and TargetSet, which numbers them into slots.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "health/address.hpp"
#include "health/check.hpp"

namespace health {

/// One thing to probe: a check against one member address (port from the check).
/// The Check is shared, so thousands of targets of one check cost one copy of it.
struct Target {
    std::shared_ptr<const Check> check;  ///< never null in a TargetSet
    Address address;

    /// check->key() + address: equal keys are the same probe. State carries over a reload by it.
    [[nodiscard]] std::string key() const;
};

/// Collects the targets of one load, one per (check key, address), and numbers them: the
/// number is the slot of the StatusTable built for this load. Load time only; not thread-safe.
///
///     TargetSet set;
///     member.slot = set.add(check, address);     // for every member guarded by a check
///     auto table = std::make_shared<StatusTable>(set.size());
///     prober.set_targets(table, set.take());
class TargetSet {
public:
    /// The slot of (check, address), added if new. Two names sharing an identical check on the
    /// same address get the same slot, hence one probe. `check` must not be null.
    uint32_t add(std::shared_ptr<const Check> check, const Address& address);

    [[nodiscard]] std::size_t size() const noexcept { return targets_.size(); }
    /// targets()[slot] is the target of `slot`.
    [[nodiscard]] const std::vector<Target>& targets() const noexcept { return targets_; }
    /// Moves the targets out (for Prober::set_targets) and leaves the set empty.
    [[nodiscard]] std::vector<Target> take();

private:
    std::vector<Target> targets_;
    std::unordered_map<std::string, uint32_t> slots_;  // Target::key() -> slot
};

}  // namespace health
