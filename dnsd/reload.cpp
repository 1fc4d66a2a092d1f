// reload.cpp -- build, validate, and hand back a snapshot (or every error found).
#include "dnsd/reload.hpp"

#include <unistd.h>

#include <set>

#include "zones/loader.hpp"
#include "zones/name.hpp"

namespace dnsd {

common::Result<std::shared_ptr<const Snapshot>> build_snapshot(const Config& config) {
    auto zones = zones::load_zone_dir(config.zones_dir);
    if (!zones) return std::move(zones).error();

    common::Errors errors;
    std::set<std::string> server_checks;
    for (const auto& c : config.checks) server_checks.insert(c.name);
    for (const auto& zone : zones->zones()) {
        std::set<std::string> zone_checks = server_checks;
        for (const auto& c : zone->checks()) zone_checks.insert(c.name);
        for (const auto& b : zone->balances()) {
            if (!b.check.empty() && zone_checks.count(b.check) == 0) {
                errors.push_back({b.where.file, b.where.line, b.where.column,
                                  "check \"" + b.check + "\" is not defined in this zone's [checks] or the server config"});
            }
        }
    }
    if (!errors.empty()) return errors;

    auto snapshot = std::make_shared<Snapshot>();
    snapshot->zones = std::move(*zones);
    snapshot->options.udp_max_payload = config.udp_max_payload;
    snapshot->options.client_subnet = config.client_subnet;
    snapshot->options.nsid = config.nsid;
    snapshot->options.identity = config.identity;
    snapshot->options.version = config.version;
    return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

}  // namespace dnsd
