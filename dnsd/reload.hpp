// reload.hpp -- build and validate a complete Snapshot from the config (start-up, SIGHUP, check).
#pragma once

#include <memory>

#include "common/result.hpp"
#include "dnsd/config.hpp"
#include "dnsd/snapshot.hpp"

namespace dnsd {

/// Loads every zone of the config and checks what spans modules (check names, geo rules).
/// On failure nothing is published: the caller keeps serving the old snapshot.
common::Result<std::shared_ptr<const Snapshot>> build_snapshot(const Config& config);

}  // namespace dnsd
