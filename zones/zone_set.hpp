// zone_set.hpp -- ZoneSet: every zone served, found by the longest matching suffix of a qname.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zones/name.hpp"
#include "zones/zone.hpp"

namespace zones {

/// An immutable collection of zones; safe to read from any number of threads.
class ZoneSet {
public:
    ZoneSet() = default;
    explicit ZoneSet(std::vector<std::shared_ptr<const Zone>> zones);

    /// The zone with the longest origin that is a suffix of `qname` (lowercase wire), or null.
    [[nodiscard]] const Zone* find(std::string_view qname) const noexcept {
        int32_t i = find_index(qname);
        return i < 0 ? nullptr : zones_[static_cast<size_t>(i)].get();
    }
    /// Like find(), as the position in zones() (-1 when none).
    [[nodiscard]] int32_t find_index(std::string_view qname) const noexcept {
        if (zones_.size() == 1) return is_subdomain(qname, zones_[0]->origin()) ? 0 : -1;   // the common case
        return find_index_among(qname);
    }
    /// The zone whose origin is exactly `origin`, or null.
    [[nodiscard]] const Zone* find_exact(std::string_view origin) const noexcept {
        int32_t i = find_exact_index(origin);
        return i < 0 ? nullptr : zones_[static_cast<size_t>(i)].get();
    }
    [[nodiscard]] int32_t find_exact_index(std::string_view origin) const noexcept;
    [[nodiscard]] const std::vector<std::shared_ptr<const Zone>>& zones() const noexcept { return zones_; }
    [[nodiscard]] bool empty() const noexcept { return zones_.empty(); }

private:
    [[nodiscard]] int32_t find_index_among(std::string_view qname) const noexcept;

    std::vector<std::shared_ptr<const Zone>> zones_;
    std::vector<uint32_t> index_;      // open addressing by origin hash: zone index + 1
    uint32_t mask_ = 0;
    size_t max_origin_labels_ = 0;
};

}  // namespace zones
