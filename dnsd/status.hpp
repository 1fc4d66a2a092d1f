// status.hpp -- the health status of every balanced name, as a table for people and JSON for
// scripts (served by the control endpoint, printed by `dnsd status`), and metrics text.
#pragma once

#include <string>

#include "dnsd/snapshot.hpp"
#include "dnsd/stats.hpp"

namespace dnsd {

std::string status_text(const Snapshot& snapshot);
std::string status_json(const Snapshot& snapshot);
/// Prometheus text exposition of the counters and health totals.
std::string metrics_text(const Snapshot& snapshot, const CounterTotals& totals);

}  // namespace dnsd
