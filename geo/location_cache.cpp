// location_cache.cpp -- the direct-mapped record memo behind Database::lookup(address, cache).
#include "geo/location_cache.hpp"

#include <bit>

namespace geo {

LocationCache::LocationCache(std::size_t capacity)
    : entries_(std::make_unique<Entry[]>(std::bit_ceil(capacity == 0 ? std::size_t{1} : capacity))),
      mask_(std::bit_ceil(capacity == 0 ? std::size_t{1} : capacity) - 1) {}

std::size_t LocationCache::slot(uint32_t database_id, uint32_t data_offset) const noexcept {
    // Offsets of neighbouring records differ in their low bits only, and a few databases share the
    // cache: mix both into all 64 bits (splitmix64 finaliser) before masking.
    uint64_t x = (static_cast<uint64_t>(database_id) << 32U) | data_offset;
    x ^= x >> 30U;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27U;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31U;
    return static_cast<std::size_t>(x) & mask_;
}

const Location* LocationCache::find(uint32_t database_id, uint32_t data_offset) const noexcept {
    const Entry& e = entries_[slot(database_id, data_offset)];
    if (e.database_id == database_id && e.data_offset == data_offset && database_id != 0) {
        ++hits_;
        return &e.record;
    }
    ++misses_;
    return nullptr;
}

void LocationCache::store(uint32_t database_id, uint32_t data_offset, const Location& record) noexcept {
    Entry& e = entries_[slot(database_id, data_offset)];
    e.database_id = database_id;
    e.data_offset = data_offset;
    e.record = record;
}

void LocationCache::clear() noexcept {
    for (std::size_t i = 0; i <= mask_; ++i) entries_[i] = Entry{};
    hits_ = 0;
    misses_ = 0;
}

}  // namespace geo
