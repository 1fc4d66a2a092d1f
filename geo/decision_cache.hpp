// decision_cache.hpp -- DecisionCache: per-thread memo of geo decisions by client network.
#pragma once

#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>

#include "geo/address.hpp"

namespace geo {

/// Remembers decisions (e.g. Rules::match values) per client network so that repeat clients skip
/// the database lookup and rule match. One per worker thread: not thread-safe, no locks.
///
/// An entry is (tag, network/scope) -> value, where scope is the number of leading address bits
/// the decision depended on (Match::scope_prefix_len). It answers every client inside that
/// network, so the cache is exact, never approximate, as long as scopes are honest.
///
/// Layout: 4-way set-associative, fixed size, all memory allocated in the constructor. The set
/// is chosen from the client address cut to kIndexBitsV4 / kIndexBitsV6 bits: the scope is only
/// known after a lookup, so the index must not depend on it. Entries wider than that prefix are
/// stored per index-prefix (a /16 decision seen from two /24s takes two entries, harmless);
/// narrower ones share a set, which is why there are four ways. Replacement is round-robin
/// within the set.
///
/// Invalidation is O(1): entries carry a generation and only the current one is live. Call
/// sync() with the caller's generation (snapshot generation, health epoch, ...) once per batch.
class DecisionCache {
public:
    /// IPv4 clients are indexed by /24 and IPv6 clients by /56: the EDNS Client Subnet source
    /// prefixes RFC 7871 section 11.1 recommends, so ECS queries from one resolver population land
    /// in one set.
    static constexpr unsigned kIndexBitsV4 = 24;
    static constexpr unsigned kIndexBitsV6 = 56;
    static constexpr std::size_t kWays = 4;
    /// 16384 entries * 32 bytes = 512 KiB per worker.
    static constexpr std::size_t kDefaultCapacity = 16384;

    /// A cached decision: the value and the scope it was stored with.
    struct Hit {
        uint32_t value = 0;
        uint8_t scope_prefix_len = 0;
    };

    /// Reserves `capacity` entries, rounded up to a power of two and at least kWays. The memory
    /// comes from the kernel as zero pages, which are empty entries: a worker holds only the
    /// pages its clients have touched (a server without geo names holds none of it).
    explicit DecisionCache(std::size_t capacity = kDefaultCapacity)
        : sets_(std::bit_ceil(std::max(capacity, kWays)) / kWays),
          entries_(ZeroPages::allocate(sets_ * kWays * sizeof(Entry)), ZeroPages{sets_ * kWays * sizeof(Entry)}),
          next_victim_(std::make_unique<uint8_t[]>(sets_)) {}

    /// The decision stored under `tag` (e.g. the Rules' index) for a network containing `client`.
    [[nodiscard]] std::optional<Hit> find(uint32_t tag, const Address& client) const noexcept {
        const Entry* set = &entries_[set_of(tag, client) * kWays];
        for (std::size_t way = 0; way < kWays; ++way) {
            const Entry& e = set[way];
            if (e.generation == generation_ && e.tag == tag && e.family == client.family() &&
                client.truncated(e.scope_prefix_len).raw_bytes() == e.network) {
                return Hit{e.value, e.scope_prefix_len};
            }
        }
        return std::nullopt;
    }

    /// Stores `value` for the network client/scope_prefix_len under `tag`, replacing a stale
    /// entry of the set or, failing that, the next one round-robin.
    void insert(uint32_t tag, const Address& client, uint8_t scope_prefix_len, uint32_t value) noexcept {
        const std::size_t set_index = set_of(tag, client);
        Entry* set = &entries_[set_index * kWays];
        const uint8_t scope = std::min(scope_prefix_len, client.bit_length());
        const auto network = client.truncated(scope).raw_bytes();
        Entry* slot = nullptr;
        for (std::size_t way = 0; way < kWays && slot == nullptr; ++way) {
            Entry& e = set[way];
            const bool same = e.generation == generation_ && e.tag == tag && e.family == client.family() &&
                              e.scope_prefix_len == scope && e.network == network;
            if (same || e.generation != generation_) slot = &e;
        }
        if (slot == nullptr) {
            slot = &set[next_victim_[set_index]];
            next_victim_[set_index] = static_cast<uint8_t>((next_victim_[set_index] + 1) % kWays);
        }
        *slot = Entry{network, tag, value, generation_, scope, client.family()};
    }

    /// Starts a new generation when `generation` differs from the one last seen, which makes
    /// every entry stale at once. Cheap enough to call once per received batch.
    void sync(uint64_t generation) noexcept {
        if (generation == synced_) return;
        synced_ = generation;
        invalidate();
    }

    /// Makes every entry stale (O(1), except once every 2^32 calls when the array is wiped).
    void invalidate() noexcept {
        if (++generation_ == 0) {
            for (std::size_t i = 0; i < sets_ * kWays; ++i) entries_[i] = Entry{};
            generation_ = 1;
        }
    }

    [[nodiscard]] std::size_t capacity() const noexcept { return sets_ * kWays; }

private:
    struct Entry {
        std::array<uint8_t, 16> network{};
        uint32_t tag = 0;
        uint32_t value = 0;
        uint32_t generation = 0;  // 0 = never written; live generations start at 1
        uint8_t scope_prefix_len = 0;
        Family family = Family::v4;
    };
    static_assert(std::is_trivially_copyable_v<Entry> && Family::v4 == Family{},
                  "all-zero bytes must be an empty Entry");

    /// Anonymous private memory from mmap: zero-filled, and resident only once written.
    struct ZeroPages {
        static Entry* allocate(std::size_t bytes) {
            void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) throw std::bad_alloc();
            return static_cast<Entry*>(p);
        }
        std::size_t bytes = 0;
        void operator()(Entry* p) const noexcept { ::munmap(p, bytes); }
    };

    [[nodiscard]] std::size_t set_of(uint32_t tag, const Address& client) const noexcept {
        const Address key = client.truncated(client.is_v4() ? kIndexBitsV4 : kIndexBitsV6);
        uint64_t hi = 0;   // the two halves in host order: only the mixing below needs them
        uint64_t lo = 0;
        std::memcpy(&hi, key.raw_bytes().data(), 8);
        std::memcpy(&lo, key.raw_bytes().data() + 8, 8);
        // splitmix64-style mixing: neighbouring /24s must land in different sets.
        uint64_t x = hi ^ (lo * 0x9e3779b97f4a7c15ULL) ^ (static_cast<uint64_t>(tag) << 32U) ^
                     (client.is_v4() ? 0 : 0x5bd1e995ULL);
        x ^= x >> 30U;
        x *= 0xbf58476d1ce4e5b9ULL;
        x ^= x >> 27U;
        x *= 0x94d049bb133111ebULL;
        x ^= x >> 31U;
        return static_cast<std::size_t>(x) & (sets_ - 1);
    }

    std::size_t sets_;
    std::unique_ptr<Entry[], ZeroPages> entries_;
    std::unique_ptr<uint8_t[]> next_victim_;
    uint32_t generation_ = 1;
    uint64_t synced_ = 0;
};

}  // namespace geo
