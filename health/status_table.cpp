// status_table.cpp -- StatusTable storage.
#include "health/status_table.hpp"

namespace health {

StatusTable::StatusTable(std::size_t slots, Clock::time_point now)
    : size_(slots), words_(std::make_unique<std::atomic<uint32_t>[]>(slots)), details_(slots) {
    for (std::size_t i = 0; i < size_; ++i) {
        words_[i].store(0, std::memory_order_relaxed);
        details_[i].last_change = now;
    }
}

std::size_t StatusTable::count_up() const noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < size_; ++i) if (is_up(i)) ++n;
    return n;
}

TargetStatus StatusTable::status(std::size_t slot) const {
    if (slot >= size_) return {};
    std::lock_guard lock(mutex_);
    return details_[slot];
}

std::vector<TargetStatus> StatusTable::statuses() const {
    std::lock_guard lock(mutex_);
    return details_;
}

void StatusTable::update(std::size_t slot, const TargetStatus& status) {
    if (slot >= size_) return;
    const uint32_t word = status.up ? 0 : kDownBit;
    if (words_[slot].load(std::memory_order_relaxed) != word) {
        words_[slot].store(word, std::memory_order_relaxed);
    }
    std::lock_guard lock(mutex_);
    details_[slot] = status;
}

}  // namespace health
