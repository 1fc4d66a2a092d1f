// zone_set.cpp -- longest-suffix zone selection.
#include "zones/zone_set.hpp"

#include "zones/name.hpp"

namespace zones {

ZoneSet::ZoneSet(std::vector<std::shared_ptr<const Zone>> zones) : zones_(std::move(zones)) {
    size_t cap = 16;
    while (cap < zones_.size() * 2) cap *= 2;
    index_.assign(cap, 0);
    mask_ = static_cast<uint32_t>(cap - 1);
    for (uint32_t i = 0; i < zones_.size(); ++i) {
        uint32_t slot = hash_name(zones_[i]->origin()) & mask_;
        while (index_[slot] != 0) slot = (slot + 1) & mask_;
        index_[slot] = i + 1;
        max_origin_labels_ = std::max(max_origin_labels_, label_count(zones_[i]->origin()));
    }
}

int32_t ZoneSet::find_exact_index(std::string_view origin) const noexcept {
    if (index_.empty()) return -1;
    uint32_t slot = hash_name(origin) & mask_;
    for (uint32_t v; (v = index_[slot]) != 0; slot = (slot + 1) & mask_) {
        if (zones_[v - 1]->origin() == origin) return static_cast<int32_t>(v - 1);
    }
    return -1;
}

int32_t ZoneSet::find_index_among(std::string_view qname) const noexcept {
    if (zones_.empty()) return -1;
    // Skip labels that no origin can be that long for, then try each suffix, longest first.
    size_t labels = label_count(qname);
    std::string_view name = qname;
    while (labels > max_origin_labels_) {
        name = parent_name(name);
        --labels;
    }
    for (;;) {
        if (int32_t i = find_exact_index(name); i >= 0) return i;
        if (name.empty() || name[0] == '\0') return -1;
        name = parent_name(name);
    }
}

}  // namespace zones
