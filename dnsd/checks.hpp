// checks.hpp -- zones::CheckSpec (as written in TOML) -> health::Check (validated).
#pragma once

#include <memory>

#include "common/result.hpp"
#include "health/check.hpp"
#include "zones/balance.hpp"

namespace dnsd {

/// Fills health's defaults, validates with health's rules, and reports problems at the
/// check table's file:line:col.
common::Result<std::shared_ptr<const health::Check>> make_check(const zones::CheckSpec& spec);

}  // namespace dnsd
