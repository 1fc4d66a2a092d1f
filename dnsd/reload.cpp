// reload.cpp -- build, validate, and hand back a snapshot (or every error found).
#include "dnsd/reload.hpp"

#include <atomic>
#include <map>

#include "dnsd/checks.hpp"
#include "geo/locator.hpp"
#include "zones/loader.hpp"
#include "zones/name.hpp"

namespace dnsd {
namespace {
std::atomic<uint64_t> next_generation{1};
}

common::Result<std::shared_ptr<const Snapshot>> build_snapshot(const Config& config) {
    auto zones = zones::load_zone_dir(config.zones_dir);
    if (!zones) return std::move(zones).error();
    return assemble_snapshot(std::move(*zones), config);
}

common::Result<std::shared_ptr<const Snapshot>> assemble_snapshot(zones::ZoneSet zone_set, const Config& config) {
    common::Errors errors;
    const zones::ZoneSet* zones = &zone_set;

    auto snapshot = std::make_shared<Snapshot>();
    if (!config.geo_databases.empty()) {
        auto locator = geo::Locator::open(config.geo_databases);
        if (!locator) {
            errors.insert(errors.end(), locator.error().begin(), locator.error().end());
        } else {
            snapshot->locator = std::make_shared<const geo::Locator>(std::move(*locator));
        }
    }

    // Checks of the server config, shared by every zone; a zone's own [checks] shadow them.
    std::map<std::string, std::shared_ptr<const health::Check>> server_checks;
    for (const auto& spec : config.checks) {
        auto check = make_check(spec);
        if (!check) {
            errors.insert(errors.end(), check.error().begin(), check.error().end());
        } else {
            server_checks[spec.name] = *check;
        }
    }

    health::TargetSet targets;
    uint32_t plan_count = 0;
    for (const auto& zone : zones->zones()) {
        auto checks = server_checks;
        for (const auto& spec : zone->checks()) {
            auto check = make_check(spec);
            if (!check) {
                errors.insert(errors.end(), check.error().begin(), check.error().end());
            } else {
                checks[spec.name] = *check;
            }
        }
        std::vector<BalancePlan> plans;
        for (const auto& b : zone->balances()) {
            std::shared_ptr<const health::Check> check;
            if (!b.check.empty()) {
                auto it = checks.find(b.check);
                if (it == checks.end()) {
                    const auto& at = b.check_where.line != 0 ? b.check_where : b.where;
                    errors.push_back({at.file, at.line, at.column,
                                      "check \"" + b.check +
                                          "\" is not defined in this zone's [checks] or the server config"});
                } else {
                    check = it->second;
                }
            }
            SlotOf slot_of;
            if (check) {
                slot_of = [&](const zones::IpAddress& a) {
                    auto address = a.is_v4() ? health::Address::v4({a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]})
                                             : health::Address::v6(a.bytes);
                    return targets.add(check, address);
                };
            }
            auto plan = make_plan(b, slot_of);
            if (!plan) {
                errors.insert(errors.end(), plan.error().begin(), plan.error().end());
                continue;
            }
            plan->tag = ++plan_count;   // decision-cache key, unique in this snapshot
            plans.push_back(std::move(*plan));
        }
        snapshot->plans.push_back(std::move(plans));
        snapshot->prepared.push_back(prepare_zone(*zone));
    }
    if (!errors.empty()) return errors;

    snapshot->zones = std::move(zone_set);
    snapshot->targets = targets.take();
    snapshot->health = std::make_shared<health::StatusTable>(snapshot->targets.size());
    snapshot->options.udp_max_payload = config.udp_max_payload;
    snapshot->options.client_subnet = config.client_subnet;
    snapshot->options.nsid = config.nsid;
    snapshot->options.identity = config.identity;
    snapshot->options.version = config.version;
    snapshot->generation = next_generation.fetch_add(1);
    return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

}  // namespace dnsd
