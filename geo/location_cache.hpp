// location_cache.hpp -- LocationCache: a per-thread memo of decoded database records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "geo/location.hpp"

namespace geo {

/// Memoizes decoded database records by (database id, data-section offset), one per worker thread.
///
/// Why: a search-tree walk is cheap (~100 ns), but decoding four or five fields of a GeoIP2 City
/// record through libmaxminddb costs thousands of instructions. Many networks share one record
/// (every /24 of a city points to the same data), so the decoded fields are kept per record.
///
/// Why per thread: the cache is written on every miss; one instance per worker needs no locks
/// and no atomics on the read path, and a worker's clients tend to repeat. The database itself
/// stays immutable and shared.
///
/// Direct-mapped and fixed-size: all memory is allocated in the constructor, a lookup is one
/// probe, a collision simply replaces the older record. Entries of a database that was closed or
/// reloaded are never returned, because Database ids are never reused; they just age out.
/// Not thread-safe: use one instance per thread.
class LocationCache {
public:
    /// Default capacity: 4096 records * 48 bytes = 192 KiB per worker, enough for the records of
    /// the networks a busy worker sees in a few seconds; misses just decode again.
    static constexpr std::size_t kDefaultCapacity = 4096;

    /// Allocates `capacity` entries, rounded up to a power of two (at least 1).
    explicit LocationCache(std::size_t capacity = kDefaultCapacity);

    /// The memoized record, or nullptr. The returned Location's prefix_len is meaningless (it
    /// belongs to the network, not to the record); the caller fills it in.
    [[nodiscard]] const Location* find(uint32_t database_id, uint32_t data_offset) const noexcept;

    /// Remembers `record` for (database_id, data_offset), replacing whatever shared its slot.
    void store(uint32_t database_id, uint32_t data_offset, const Location& record) noexcept;

    /// Forgets every entry (e.g. in tests; reloads need not call it).
    void clear() noexcept;

    [[nodiscard]] std::size_t capacity() const noexcept { return mask_ + 1; }

    /// Counters for metrics: records served from the cache and records decoded.
    [[nodiscard]] uint64_t hits() const noexcept { return hits_; }
    [[nodiscard]] uint64_t misses() const noexcept { return misses_; }

private:
    struct Entry {
        uint32_t database_id = 0;  // 0 = empty: Database ids start at 1
        uint32_t data_offset = 0;
        Location record;
    };

    [[nodiscard]] std::size_t slot(uint32_t database_id, uint32_t data_offset) const noexcept;

    std::unique_ptr<Entry[]> entries_;
    std::size_t mask_ = 0;
    mutable uint64_t hits_ = 0;
    mutable uint64_t misses_ = 0;
};

}  // namespace geo
