// reload.hpp -- build and validate a complete Snapshot from the config (start-up, SIGHUP, check).
#pragma once

#include <memory>

#include "common/result.hpp"
#include "dnsd/config.hpp"
#include "dnsd/snapshot.hpp"
#include "zones/zone_set.hpp"

namespace dnsd {

/// Loads every zone of the config and checks what spans modules (check names, geo rules).
/// On failure nothing is published: the caller keeps serving the old snapshot.
common::Result<std::shared_ptr<const Snapshot>> build_snapshot(const Config& config);

/// The part of build_snapshot() after the zones are loaded: checks, balance plans, geo
/// databases. `dnsd check ZONE.toml` uses it to validate zone files without a config.
common::Result<std::shared_ptr<const Snapshot>> assemble_snapshot(zones::ZoneSet zones, const Config& config);

}  // namespace dnsd
