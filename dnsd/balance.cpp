// balance.cpp -- building balance plans at load time and selecting members per query.
#include "dnsd/balance.hpp"

#include <algorithm>

#include "dnsd/prepared.hpp"
#include "geo/decision_cache.hpp"
#include "geo/distance.hpp"
#include "geo/location_cache.hpp"
#include "geo/locator.hpp"
#include "health/status_table.hpp"
#include "zones/name.hpp"
#include "zones/rrtype.hpp"

namespace dnsd {
namespace {

// xorshift64*: a per-worker generator; weighted draws need speed, not cryptographic quality.
uint64_t next_random(uint64_t& s) noexcept {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 2685821657736338717ull;
}

// Nearest-pool orders are cached as nibbles: up to 8 pools, 4 bits each.
constexpr size_t kMaxEncodedPools = 8;

// Pool indexes in order of preference: a plan's own list, or one computed for this query.
struct Order {
    const uint8_t* pools = nullptr;    // [0, count)
    size_t count = 0;
    std::array<uint8_t, 32> own;       // storage for computed orders (not zeroed)
};

uint32_t encode(const Order& o) noexcept {
    uint32_t v = 0;
    for (size_t i = 0; i < std::min(o.count, kMaxEncodedPools); ++i) v |= uint32_t{o.pools[i]} << (4 * i);
    return v;
}

void decode(uint32_t v, size_t pool_count, Order& o) noexcept {
    o.pools = o.own.data();
    o.count = 0;
    bool used[32] = {};
    for (size_t i = 0; i < std::min(pool_count, kMaxEncodedPools); ++i) {
        auto p = static_cast<uint8_t>((v >> (4 * i)) & 0xF);
        o.own[o.count++] = p;
        used[p] = true;
    }
    for (uint8_t p = 0; p < pool_count && o.count < o.own.size(); ++p) {
        if (!used[p]) o.own[o.count++] = p;
    }
}

void use_order(const std::vector<uint8_t>& from, Order& o) noexcept {
    o.pools = from.data();
    o.count = std::min(from.size(), o.own.size());
}

// The nearest-first order of pools for a client at (lat, lon); pools without a location last.
void nearest_order(const BalancePlan& plan, double lat, double lon, Order& o) noexcept {
    std::array<double, 32> distance;
    o.pools = o.own.data();
    o.count = std::min(plan.pools.size(), o.own.size());
    for (size_t i = 0; i < o.count; ++i) {
        o.own[i] = static_cast<uint8_t>(i);
        const PlanPool& p = plan.pools[i];
        distance[i] = p.has_location ? geo::distance_km({lat, lon}, {p.latitude, p.longitude}) : 1e12;
    }
    std::stable_sort(o.own.begin(), o.own.begin() + static_cast<long>(o.count),
                     [&](uint8_t a, uint8_t b) { return distance[a] < distance[b]; });
}

// Decides the pool order for this query (and the ECS scope it depended on).
void order_pools(const BalancePlan& plan, const SelectInput& in, SelectState& st, Selection& out, Order& o) noexcept {
    const bool by_location = plan.policy == zones::Policy::geo || plan.policy == zones::Policy::nearest;
    if (!by_location || in.client == nullptr) {
        use_order(plan.default_order, o);
        return;
    }
    out.used_location = true;
    const geo::Address& client = *in.client;
    if (st.decisions != nullptr) {
        if (auto hit = st.decisions->find(plan.tag, client)) {
            out.scope = hit->scope_prefix_len;
            if (plan.policy == zones::Policy::geo) {
                use_order(hit->value < plan.orders.size() ? plan.orders[hit->value] : plan.default_order, o);
            } else {
                decode(hit->value, plan.pools.size(), o);
            }
            return;
        }
    }
    geo::Location location;
    const bool needs_db = plan.policy == zones::Policy::nearest || plan.rules.needs_location();
    if (needs_db && in.locator != nullptr && !in.locator->empty()) {
        location = st.locations != nullptr ? in.locator->lookup(client, *st.locations) : in.locator->lookup(client);
    }
    uint32_t value = 0;
    uint8_t scope = 0;
    if (plan.policy == zones::Policy::geo) {
        geo::Match m = plan.rules.match(client, location);
        scope = m.scope_prefix_len;
        value = m.matched ? m.value : UINT32_MAX;
        use_order(value < plan.orders.size() ? plan.orders[value] : plan.default_order, o);
    } else {
        if (location.has_coordinates) {
            nearest_order(plan, location.latitude, location.longitude, o);
        } else {
            use_order(plan.default_order, o);
        }
        value = encode(o);
        scope = location.prefix_len;
    }
    out.scope = scope;
    if (st.decisions != nullptr) st.decisions->insert(plan.tag, client, scope, value);
}

// Picks up to `want` of the `n` candidates into out (rotation, or weighted without replacement).
void pick(const PlanPool& pool, const PlanMember* const* cand, size_t n, size_t want, SelectState& st,
          Selection& out) noexcept {
    want = std::min({want, n, out.members.size()});
    if (pool.weighted) {
        std::array<const PlanMember*, kMaxPoolMembers> left;   // not zeroed: only [0, count) is read
        size_t count = 0;
        uint64_t total = 0;
        for (size_t i = 0; i < n; ++i) {
            if (cand[i]->weight > 0) {
                left[count++] = cand[i];
                total += cand[i]->weight;
            }
        }
        if (count > 0) {   // weight 0 members are standby: used only when no weighted one is up
            want = std::min(want, count);
            while (out.count < want && total > 0) {
                uint64_t r = next_random(st.rng) % total;
                size_t k = 0;
                while (r >= left[k]->weight) r -= left[k++]->weight;
                out.members[out.count++] = left[k];
                total -= left[k]->weight;
                left[k] = left[--count];
            }
            return;
        }
    }
    // Round-robin: each answer starts one member further, so over time every member leads
    // equally often and, with `answers`, the window slides across all of them.
    const size_t start = st.rotation % n;
    for (size_t i = 0, k = start; i < want; ++i) {
        out.members[i] = cand[k];
        if (++k == n) k = 0;
    }
    out.count = want;
}

// True when every member of the pool's family is up (always, when no check guards them).
bool all_up(const PlanPool& pool, size_t family, const PlanMember* members, const health::StatusTable* health) noexcept {
    if (!pool.guarded[family] || health == nullptr) return true;
    for (uint32_t k = 0; k < pool.count[family]; ++k) {
        if (members[k].slot != kNoHealthSlot && !health->is_up(members[k].slot)) return false;
    }
    return true;
}

// The common case: a round-robin pool with every member up. The same rotation as pick(), but
// described rather than listed (Selection::ring), and the answer records come prepared.
void rotate_pool(const PlanPool& pool, size_t family, const PlanMember* members, size_t want, uint32_t rotation,
                 Selection& out) noexcept {
    const size_t n = pool.count[family];
    want = std::min({want, n, out.members.size()});
    const size_t start = rotation % n;
    out.ring = members;
    out.ring_start = start;
    out.ring_size = n;
    out.count = want;
    const std::string& records = pool.records[family];
    if (!records.empty()) {
        const size_t size = 12 + (family == 0 ? 4 : 16);   // one record: see append_question_record
        out.records = std::string_view(records).substr(start * size, want * size);
    }
}

}  // namespace

void select_members(const BalancePlan& plan, const SelectInput& in, SelectState& st, Selection& out) noexcept {
    out.count = 0;
    out.ring_size = 0;
    out.records = {};
    out.failed_open = false;
    out.used_location = false;
    out.scope = 0;
    ++st.rotation;
    Order order;
    order_pools(plan, in, st, out, order);
    const size_t family = in.ipv6 ? 1 : 0;
    const size_t want = plan.answers != 0 ? plan.answers : kMaxAnswerMembers;
    std::array<const PlanMember*, kMaxPoolMembers> cand;   // not zeroed: only [0, n) is read
    const PlanPool* first_with_family = nullptr;
    for (size_t i = 0; i < order.count; ++i) {
        const PlanPool& pool = plan.pools[order.pools[i]];
        const uint32_t total = pool.count[family];
        if (total == 0) continue;
        if (first_with_family == nullptr) first_with_family = &pool;
        const PlanMember* members = &plan.members[pool.begin[family]];
        if (!pool.weighted && all_up(pool, family, members, in.health)) {
            rotate_pool(pool, family, members, want, st.rotation, out);
            return;
        }
        size_t n = 0;
        for (uint32_t k = 0; k < total && n < cand.size(); ++k) {
            const PlanMember& m = members[k];
            if (m.slot == kNoHealthSlot || in.health == nullptr || in.health->is_up(m.slot)) cand[n++] = &m;
        }
        // A pool serves when enough of it is up (min_healthy; 1 unless failover says more).
        if (n > 0 && n >= std::min<size_t>(pool.min_healthy, total)) {
            pick(pool, cand.data(), n, want, st, out);
            return;
        }
    }
    if (first_with_family == nullptr) return;   // no member of this family: NODATA
    // Every member is down: fail open with the first pool, as the large managed services do.
    // Answering with possibly dead addresses beats answering with none.
    out.failed_open = true;
    const PlanPool& pool = *first_with_family;
    size_t n = 0;
    for (uint32_t k = 0; k < pool.count[family] && n < cand.size(); ++k) cand[n++] = &plan.members[pool.begin[family] + k];
    pick(pool, cand.data(), n, want, st, out);
}

common::Result<BalancePlan> make_plan(const zones::Balance& b, const SlotOf& slot_of) {
    BalancePlan plan;
    plan.policy = b.policy;
    plan.ttl = b.ttl;
    plan.answers = std::min<uint32_t>(b.answers, kMaxAnswerMembers);
    plan.owner = zones::name_to_text(b.owner);
    plan.check = b.check;
    common::Errors errors;
    auto error = [&](const zones::SourceLocation& w, std::string msg) {
        errors.push_back({w.file, w.line, w.column, std::move(msg)});
    };
    if (b.pools.size() > 32) error(b.where, "more than 32 pools in one balanced name");
    for (const zones::Pool& p : b.pools) {
        PlanPool pool;
        pool.name = p.name;
        pool.min_healthy = b.policy == zones::Policy::failover ? std::max<uint32_t>(p.min_healthy, 1) : 1;
        pool.has_location = p.location.has_value();
        if (p.location) {
            pool.latitude = p.location->first;
            pool.longitude = p.location->second;
        }
        for (size_t family = 0; family < 2; ++family) {
            pool.begin[family] = static_cast<uint32_t>(plan.members.size());
            for (const zones::Member& m : p.members) {
                if (m.address.is_v4() != (family == 0)) continue;
                PlanMember pm;
                pm.address = m.address.bytes;
                pm.weight = m.weight;
                pm.slot = slot_of ? slot_of(m.address) : kNoHealthSlot;
                if (pm.slot != kNoHealthSlot) pool.guarded[family] = true;
                if (m.weight != 1) pool.weighted = true;
                plan.members.push_back(pm);
            }
            pool.count[family] = static_cast<uint32_t>(plan.members.size()) - pool.begin[family];
            if (pool.count[family] > kMaxPoolMembers) {
                error(p.where, "pool has more than " + std::to_string(kMaxPoolMembers) + " members of one family");
            }
        }
        if (b.policy == zones::Policy::weighted) pool.weighted = true;
        for (size_t family = 0; family < 2; ++family) {
            const uint16_t type = family == 0 ? zones::rrtype::A : zones::rrtype::AAAA;
            const size_t length = family == 0 ? 4 : 16;
            for (int twice = 0; twice < 2; ++twice) {
                for (uint32_t k = 0; k < pool.count[family]; ++k) {
                    const auto& address = plan.members[pool.begin[family] + k].address;
                    append_question_record(pool.records[family], type, plan.ttl,
                                           std::string_view(reinterpret_cast<const char*>(address.data()), length));
                }
            }
        }
        plan.pools.push_back(std::move(pool));
    }
    for (size_t i = 0; i < plan.pools.size(); ++i) plan.default_order.push_back(static_cast<uint8_t>(i));
    for (const zones::GeoRule& r : b.geo) {
        std::vector<uint8_t> order;
        for (uint32_t p : r.pools) {
            if (p < plan.pools.size()) order.push_back(static_cast<uint8_t>(p));
        }
        // Pools a rule does not name still serve as the last resort, in file order: better
        // a farther healthy pool than failing open to a dead one.
        for (size_t i = 0; i < plan.pools.size(); ++i) {
            if (std::find(order.begin(), order.end(), i) == order.end()) order.push_back(static_cast<uint8_t>(i));
        }
        if (r.selector == "default") plan.default_order = order;
        if (auto problem = plan.rules.add(r.selector, static_cast<uint32_t>(plan.orders.size()))) {
            error(r.where, *problem);
        }
        plan.orders.push_back(std::move(order));
    }
    if (!errors.empty()) return errors;
    return plan;
}

}  // namespace dnsd
