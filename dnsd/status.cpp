// status.cpp -- rendering the health status and metrics.
#include "dnsd/status.hpp"

#include <arpa/inet.h>

#include <chrono>
#include <cstdio>

#include "health/check.hpp"
#include "zones/name.hpp"

namespace dnsd {
namespace {

std::string address_text(const PlanMember& m, bool v6) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(v6 ? AF_INET6 : AF_INET, m.address.data(), buf, sizeof buf);
    return buf;
}

std::string ago(health::TargetStatus::Clock::time_point t) {
    if (t == health::TargetStatus::Clock::time_point{}) return "never";
    auto s = std::chrono::duration_cast<std::chrono::seconds>(health::TargetStatus::Clock::now() - t).count();
    if (s < 120) return std::to_string(s) + "s";
    if (s < 7200) return std::to_string(s / 60) + "m";
    return std::to_string(s / 3600) + "h";
}

std::string json_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else {
            out += c;
        }
    }
    return out;
}

// Calls fn(plan, pool, member, is_v6, status-or-null) for every member of every balanced name.
template <typename Fn>
void for_each_member(const Snapshot& snap, Fn&& fn) {
    for (const auto& plans : snap.plans) {
        for (const BalancePlan& plan : plans) {
            for (const PlanPool& pool : plan.pools) {
                for (size_t family = 0; family < 2; ++family) {
                    for (uint32_t k = 0; k < pool.count[family]; ++k) {
                        const PlanMember& m = plan.members[pool.begin[family] + k];
                        fn(plan, pool, m, family == 1);
                    }
                }
            }
        }
    }
}

}  // namespace

std::string status_text(const Snapshot& snap) {
    auto statuses = snap.health ? snap.health->statuses() : std::vector<health::TargetStatus>{};
    std::string out;
    char line[512];
    std::snprintf(line, sizeof line, "%-28s %-12s %-10s %-40s %-6s %-10s %-8s %s\n", "NAME", "POLICY", "POOL",
                  "MEMBER", "STATE", "CHECK", "CHANGED", "LAST PROBE");
    out += line;
    for_each_member(snap, [&](const BalancePlan& plan, const PlanPool& pool, const PlanMember& m, bool v6) {
        const health::TargetStatus* st = m.slot < statuses.size() ? &statuses[m.slot] : nullptr;
        std::string last = st == nullptr ? "-" : st->last.outcome == health::Outcome::none
                                                     ? "pending"
                                                     : st->last.describe() + " (" + ago(st->last_probe) + " ago)";
        std::snprintf(line, sizeof line, "%-28s %-12s %-10s %-40s %-6s %-10s %-8s %s\n", plan.owner.c_str(),
                      zones::policy_name(plan.policy), pool.name.empty() ? "-" : pool.name.c_str(),
                      address_text(m, v6).c_str(), st == nullptr ? "up" : st->up ? "up" : "DOWN",
                      plan.check.empty() ? "-" : plan.check.c_str(),
                      st == nullptr ? "-" : (ago(st->last_change)).c_str(), last.c_str());
        out += line;
    });
    return out;
}

std::string status_json(const Snapshot& snap) {
    auto statuses = snap.health ? snap.health->statuses() : std::vector<health::TargetStatus>{};
    std::string out = "{\"names\":[";
    bool first_plan = true;
    for (const auto& plans : snap.plans) {
        for (const BalancePlan& plan : plans) {
            out += first_plan ? "" : ",";
            first_plan = false;
            out += "{\"name\":\"" + json_escape(plan.owner) + "\",\"policy\":\"" + zones::policy_name(plan.policy) +
                   "\",\"check\":\"" + json_escape(plan.check) + "\",\"pools\":[";
            for (size_t p = 0; p < plan.pools.size(); ++p) {
                const PlanPool& pool = plan.pools[p];
                out += p == 0 ? "" : ",";
                out += "{\"pool\":\"" + json_escape(pool.name) + "\",\"members\":[";
                bool first = true;
                for (size_t family = 0; family < 2; ++family) {
                    for (uint32_t k = 0; k < pool.count[family]; ++k) {
                        const PlanMember& m = plan.members[pool.begin[family] + k];
                        const health::TargetStatus* st = m.slot < statuses.size() ? &statuses[m.slot] : nullptr;
                        out += first ? "" : ",";
                        first = false;
                        out += "{\"address\":\"" + address_text(m, family == 1) + "\",\"weight\":" +
                               std::to_string(m.weight) + ",\"up\":" + (st == nullptr || st->up ? "true" : "false");
                        if (st != nullptr) {
                            using namespace std::chrono;
                            auto since = [](health::TargetStatus::Clock::time_point t) -> long long {
                                if (t == health::TargetStatus::Clock::time_point{}) return -1;
                                return duration_cast<milliseconds>(health::TargetStatus::Clock::now() - t).count();
                            };
                            out += ",\"last_probe\":\"" + json_escape(st->last.describe()) +
                                   "\",\"ms_since_probe\":" + std::to_string(since(st->last_probe)) +
                                   ",\"ms_since_change\":" + std::to_string(since(st->last_change)) +
                                   ",\"probes\":" + std::to_string(st->probes) +
                                   ",\"failures\":" + std::to_string(st->failures);
                        }
                        out += "}";
                    }
                }
                out += "]}";
            }
            out += "]}";
        }
    }
    out += "]}\n";
    return out;
}

std::string metrics_text(const Snapshot& snap, const CounterTotals& t) {
    std::string out;
    auto put = [&](const char* name, uint64_t v) {
        out += std::string("dnsd_") + name + " " + std::to_string(v) + "\n";
    };
#define DNSD_PUT(name) put(#name, t.name);
    DNSD_COUNTERS(DNSD_PUT)
#undef DNSD_PUT
    put("zones", snap.zones.zones().size());
    put("health_targets", snap.health ? snap.health->size() : 0);
    put("health_targets_up", snap.health ? snap.health->count_up() : 0);
    return out;
}

}  // namespace dnsd
