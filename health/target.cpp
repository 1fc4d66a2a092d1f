// target.cpp -- Target keys and TargetSet slot numbering.
#include "health/target.hpp"

#include <cassert>
#include <utility>

namespace health {

std::string Target::key() const {
    // The port is inside the check key; '@' cannot end a length-prefixed key, so this is unambiguous.
    return check->key() + '@' + address.to_string();
}

uint32_t TargetSet::add(std::shared_ptr<const Check> check, const Address& address) {
    assert(check != nullptr);
    Target t{std::move(check), address};
    auto [it, inserted] = slots_.try_emplace(t.key(), static_cast<uint32_t>(targets_.size()));
    if (inserted) targets_.push_back(std::move(t));
    return it->second;
}

std::vector<Target> TargetSet::take() {
    slots_.clear();
    return std::exchange(targets_, {});
}

}  // namespace health
