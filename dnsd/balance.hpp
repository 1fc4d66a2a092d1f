// balance.hpp -- load-balanced names at query time: a BalancePlan per balanced name, compiled
// at load, and select_members(), which orders pools (failover / geo / nearest), skips members
// health marks down, picks (rotation or weights), caps at `answers`, and fails open.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

#include "geo/rules.hpp"
#include "zones/balance.hpp"

namespace geo {
class Locator;
class LocationCache;
class DecisionCache;
class Address;
}  // namespace geo
namespace health {
class StatusTable;
}

namespace dnsd {

inline constexpr uint32_t kNoHealthSlot = UINT32_MAX;   // a member no check guards: always up
inline constexpr size_t kMaxPoolMembers = 256;          // per pool and family (fixed arrays)
inline constexpr size_t kMaxAnswerMembers = 64;

struct PlanMember {
    std::array<uint8_t, 16> address{};   // 4 or 16 bytes used, by the pool's family list
    uint32_t weight = 1;
    uint32_t slot = kNoHealthSlot;       // health::StatusTable slot
};

struct PlanPool {
    std::string name;
    uint32_t begin[2] = {0, 0};          // into BalancePlan::members; [0] IPv4, [1] IPv6
    uint32_t count[2] = {0, 0};
    uint32_t min_healthy = 1;
    bool weighted = false;               // draw by weight instead of rotating
    bool guarded[2] = {false, false};    // per family: some member has a health slot
    bool has_location = false;
    double latitude = 0, longitude = 0;
    /// Per family, the members as answer records owned by the question name (see
    /// append_question_record), listed twice over: any rotation of the whole pool is then one
    /// contiguous run of records.
    std::string records[2];
};

/// One balanced name, ready for answering: immutable, shared by every worker.
struct BalancePlan {
    zones::Policy policy = zones::Policy::round_robin;
    uint32_t ttl = 30;
    uint32_t answers = 0;
    std::string owner;                   // presentation form, for status and logs
    std::string check;                   // check name ("" = none)
    std::vector<PlanMember> members;
    std::vector<PlanPool> pools;
    geo::Rules rules;                    // geo: value = index into orders
    std::vector<std::vector<uint8_t>> orders;   // pool orders named by geo rules
    std::vector<uint8_t> default_order;  // geo `default` rule, else file order
    uint32_t tag = 0;                    // unique per snapshot: the decision-cache key
};

/// Per-worker state a selection needs: RNG, rotation counter, geo caches.
struct SelectState {
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    uint32_t rotation = 0;
    geo::LocationCache* locations = nullptr;
    geo::DecisionCache* decisions = nullptr;
};

/// What a query brings to the selection.
struct SelectInput {
    bool ipv6 = false;                   // AAAA query
    const geo::Address* client = nullptr;   // ECS subnet or the packet's source; null = unknown
    uint8_t client_prefix = 0;           // bits of `client` that are real (ECS source prefix)
    const geo::Locator* locator = nullptr;
    const health::StatusTable* health = nullptr;
};

struct Selection {
    /// The i-th chosen member, i < count.
    [[nodiscard]] const PlanMember* member(size_t i) const noexcept {
        if (ring_size == 0) return members[i];
        const size_t k = ring_start + i;
        return ring + (k < ring_size ? k : k - ring_size);
    }

    std::array<const PlanMember*, kMaxAnswerMembers> members{};   // the picks, unless ring_size != 0
    // A rotation of a whole pool is not listed: its members are ring[ring_start], the next, ...
    // wrapping at ring_size.
    const PlanMember* ring = nullptr;
    size_t ring_start = 0;
    size_t ring_size = 0;
    size_t count = 0;
    std::string_view records;            // members as prepared records when the whole pool served; else empty
    bool failed_open = false;
    bool used_location = false;
    uint8_t scope = 0;                   // ECS scope: how much of the client address mattered
};

/// Chooses the members for one answer. No allocation, no locks.
void select_members(const BalancePlan& plan, const SelectInput& in, SelectState& state, Selection& out) noexcept;

/// Builds the plan of one balanced name. `slot_of(address)` gives a member's health slot
/// (kNoHealthSlot when no check guards it). Errors point at the geo rule or pool at fault.
using SlotOf = std::function<uint32_t(const zones::IpAddress&)>;
common::Result<BalancePlan> make_plan(const zones::Balance& balance, const SlotOf& slot_of);

}  // namespace dnsd
