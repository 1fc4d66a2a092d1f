// main.cpp -- `dnsd`, `dnsd check`, `dnsd import`: parse argv, call one function.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "dnsd/config.hpp"
#include "dnsd/control.hpp"
#include "dnsd/reload.hpp"
#include "dnsd/server.hpp"
#include "zones/loader.hpp"

namespace {

constexpr const char* kUsage =
    "usage:\n"
    "  dnsd [-c dnsd.toml]                 serve (SIGHUP reloads, SIGTERM exits)\n"
    "  dnsd check [-c dnsd.toml | ZONE.toml ...]\n"
    "                                      validate; print every error as file:line:col\n"
    "  dnsd import ZONEFILE ORIGIN         print an RFC 1035 zone file as a TOML zone\n"
    "  dnsd status [-c dnsd.toml] [--json] health of every balanced name (needs [control] http)\n"
    "  dnsd --version\n";

void print_errors(const common::Errors& errors) {
    for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.to_string().c_str());
}

int run_check(const std::vector<std::string>& args) {
    std::string config_path;
    std::vector<std::string> zone_files;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-c" && i + 1 < args.size()) {
            config_path = args[++i];
        } else {
            zone_files.push_back(args[i]);
        }
    }
    if (config_path.empty() && zone_files.empty()) config_path = "dnsd.toml";
    size_t errors = 0;
    if (!config_path.empty()) {
        auto config = dnsd::load_config(config_path);
        if (!config) {
            print_errors(config.error());
            errors += config.error().size();
        } else {
            auto snapshot = dnsd::build_snapshot(*config);
            if (!snapshot) {
                print_errors(snapshot.error());
                errors += snapshot.error().size();
            } else {
                size_t records = 0;
                for (const auto& z : (*snapshot)->zones.zones()) records += z->record_count();
                std::printf("%s: ok, %zu zone(s), %zu record(s)\n", config_path.c_str(),
                            (*snapshot)->zones.zones().size(), records);
            }
        }
    }
    // Zone files on their own: load each, then validate what spans modules (checks, geo
    // rules) as the server would, without a server config.
    for (const auto& f : zone_files) {
        auto zone = zones::load_zone_file(f);
        if (!zone) {
            print_errors(zone.error());
            errors += zone.error().size();
            continue;
        }
        auto alone = dnsd::assemble_snapshot(zones::ZoneSet({*zone}), dnsd::Config{});
        if (!alone) {
            print_errors(alone.error());
            errors += alone.error().size();
            continue;
        }
        std::printf("%s: ok, %zu record(s)\n", f.c_str(), (*zone)->record_count());
    }
    if (errors > 0) {
        std::fprintf(stderr, "%zu error(s)\n", errors);
        return 1;
    }
    return 0;
}

int run_import(const std::vector<std::string>& args) {
    if (args.size() != 2) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    auto text = zones::import_zone(args[0], args[1]);
    if (!text) {
        print_errors(text.error());
        return 1;
    }
    std::fwrite(text->data(), 1, text->size(), stdout);
    return 0;
}

int run_status(const std::vector<std::string>& args) {
    std::string config_path = "dnsd.toml";
    bool json = false;
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-c" && i + 1 < args.size()) {
            config_path = args[++i];
        } else if (args[i] == "--json") {
            json = true;
        } else {
            std::fputs(kUsage, stderr);
            return 2;
        }
    }
    auto config = dnsd::load_config(config_path);
    if (!config) {
        print_errors(config.error());
        return 1;
    }
    if (config->control_http.empty()) {
        std::fprintf(stderr, "%s has no [control] http address: dnsd status needs it\n", config_path.c_str());
        return 1;
    }
    std::string body, error;
    if (!dnsd::http_get(config->control_http, json ? "/status.json" : "/status", &body, &error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    std::fwrite(body.data(), 1, body.size(), stdout);
    return 0;
}

int run_server(const std::string& config_path) {
    auto config = dnsd::load_config(config_path);
    if (!config) {
        print_errors(config.error());
        return 1;
    }
    // Signals are taken synchronously by the main thread (sigtimedwait); block them before
    // any thread starts so workers inherit the mask.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    dnsd::Server server(std::move(*config));
    if (!server.start()) return 1;
    return server.run();
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "check") return run_check({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "import") return run_import({args.begin() + 1, args.end()});
    if (!args.empty() && args[0] == "status") return run_status({args.begin() + 1, args.end()});
    if (!args.empty() && (args[0] == "--version" || args[0] == "version")) {
        std::printf("dnsd %s\n", DNSD_VERSION);
        return 0;
    }
    std::string config_path = "dnsd.toml";
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "-c" && i + 1 < args.size()) {
            config_path = args[++i];
        } else {
            std::fputs(kUsage, args[i] == "-h" || args[i] == "--help" ? stdout : stderr);
            return args[i] == "-h" || args[i] == "--help" ? 0 : 2;
        }
    }
    return run_server(config_path);
}
