// servers.cpp -- config writers, start-up probes and installation for the servers of
// servers.hpp.
#include "tests/support/servers.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <unistd.h>

namespace test_support {
namespace {

using std::chrono::milliseconds;

/// Port collisions (another process took the free port before the server bound it)
/// are retried this many times with a fresh port.
constexpr int start_attempts = 3;

bool mentions_port_in_use(std::string log) {
    std::transform(log.begin(), log.end(), log.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return log.find("in use") != std::string::npos;
}

/// True when `origin` answers its SOA, authoritatively, over UDP.
bool answers_soa(const Endpoint& server, const std::string& origin) {
    QuerySpec spec;
    spec.qname = origin;
    spec.qtype = 6;  // SOA
    auto reply = exchange(server, Transport::udp, build_query(spec), milliseconds{250});
    if (!reply) {
        return false;
    }
    Response response = parse_response(*reply);
    return response.rcode == 0 && response.aa &&
           std::any_of(response.answer.begin(), response.answer.end(),
                       [](const std::string& rr) { return rr.find(" SOA ") != std::string::npos; });
}

std::string quoted(const std::filesystem::path& path) { return "\"" + path.string() + "\""; }

std::filesystem::path require_program(const std::string& program) {
    auto path = find_program(program);
    if (!path) {
        throw std::runtime_error(program + " not found in PATH or sbin directories");
    }
    return *path;
}

}  // namespace

// ----- Server --------------------------------------------------------------------------

Server::Server(std::string name, std::string temp_prefix)
    : name_(std::move(name)), dir_(temp_prefix) {}

Server::~Server() { stop(); }

std::string Server::log() const {
    if (!process_) {
        return {};
    }
    std::string out = process_->stdout_text();
    std::string err = process_->stderr_text();
    if (!out.empty() && !err.empty() && out.back() != '\n') {
        out += '\n';
    }
    return out + err;
}

ExitStatus Server::stop(milliseconds grace) {
    return process_ ? process_->stop(grace) : ExitStatus{};
}

void Server::start(const Configure& configure, const std::vector<std::string>& origins) {
    if (origins.empty()) {
        throw std::invalid_argument(name_ + ": no zone to wait for");
    }
    for (int attempt = 1; attempt <= start_attempts; ++attempt) {
        port_ = free_port();
        ProcessOptions options;
        options.argv = configure(port_);
        options.stdout_path = dir() / "stdout.log";
        options.stderr_path = dir() / "stderr.log";
        options.cwd = dir();
        process_.emplace(options);

        std::size_t ready = 0;
        bool ok = wait_until(
            [&] {
                while (ready < origins.size() && answers_soa(endpoint(), origins[ready])) {
                    ++ready;
                }
                return ready == origins.size() || !process_->is_running();
            },
            startup_timeout);
        if (ok && ready == origins.size()) {
            return;
        }
        if (!process_->is_running() && mentions_port_in_use(log()) && attempt < start_attempts) {
            continue;
        }
        std::string what =
            process_->is_running()
                ? "did not answer the SOA of " + origins[ready] + " within " +
                      std::to_string(startup_timeout.count()) + " ms"
                : "exited (" + process_->exit_status()->to_string() + ") before answering";
        stop(milliseconds{2000});
        std::string command;
        for (const auto& arg : options.argv) {
            command += (command.empty() ? "" : " ") + arg;
        }
        throw std::runtime_error(name_ + " on " + endpoint().to_string() + " " + what +
                                 "\ncommand: " + command + "\n(DNSD_TEST_KEEP_TMP=1 keeps " +
                                 dir().string() + ")\nlog:\n" + log());
    }
}

// ----- KnotServer ----------------------------------------------------------------------

KnotServer::KnotServer(const std::vector<ZoneFile>& zones) : KnotServer(zones, Options{}) {}

namespace {
std::vector<std::string> origins_of(const std::vector<ZoneFile>& zones) {
    std::vector<std::string> origins;
    for (const auto& zone : zones) origins.push_back(zone.origin);
    return origins;
}
}  // namespace

KnotServer::KnotServer(const std::vector<ZoneFile>& zones, const Options& options)
    : Server("knot", "dnsd-knot") {
    auto knotd = require_program("knotd");
    std::filesystem::create_directories(dir() / "run");
    std::filesystem::create_directories(dir() / "storage");
    const std::vector<std::string> origins = origins_of(zones);
    start(
        [&](std::uint16_t port) {
            std::ostringstream conf;
            conf << "# knot.conf written by tests/support/servers.cpp\n"
                 << "server:\n"
                 << "    rundir: " << quoted(dir() / "run") << "\n"
                 << "    listen: 127.0.0.1@" << port << "\n"
                 << "    udp-max-payload: " << options.udp_max_payload << "\n"
                 << "    answer-rotation: off\n"  // RRsets in zone-file order, as dnsd's static ones
                 << "    udp-workers: 1\n"
                 << "    tcp-workers: 1\n"
                 << "    background-workers: 1\n"
                 << "    identity: \"\"\n"  // no CHAOS id.server / hostname.bind answer
                 << "    version: \"\"\n"   // no CHAOS version.bind answer
                 << "    nsid: \"\"\n"      // no NSID option (Knot sends its hostname)
                 << options.extra_server_config << "database:\n"
                 << "    storage: " << quoted(dir() / "storage") << "\n"
                 << "log:\n"
                 << "  - target: stderr\n"
                 << "    any: info\n"
                 << "template:\n"
                 << "  - id: default\n"
                 << "    storage: " << quoted(dir() / "storage") << "\n"
                 << "    zonefile-load: whole\n"
                 << "    zonefile-sync: -1\n"  // never write back to the source file
                 << "    journal-content: none\n"
                 << "    semantic-checks: off\n"
                 << "    dnssec-signing: off\n"
                 << "zone:\n";
            for (const auto& zone : zones) {
                conf << "  - domain: " << zone.origin << "\n"
                     << "    file: " << quoted(std::filesystem::absolute(zone.path)) << "\n";
            }
            write_file(dir() / "knot.conf", conf.str());
            return std::vector<std::string>{knotd.string(), "-c", (dir() / "knot.conf").string()};
        },
        origins);
}

// ----- NsdServer -----------------------------------------------------------------------

NsdServer::NsdServer(const std::vector<ZoneFile>& zones) : NsdServer(zones, Options{}) {}

NsdServer::NsdServer(const std::vector<ZoneFile>& zones, const Options& options)
    : Server("nsd", "dnsd-nsd") {
    auto nsd = require_program("nsd");
    const std::vector<std::string> origins = origins_of(zones);
    start(
        [&](std::uint16_t port) {
            std::ostringstream conf;
            conf << "# nsd.conf written by tests/support/servers.cpp\n"
                 << "server:\n"
                 << "    ip-address: 127.0.0.1@" << port << "\n"
                 << "    port: " << port << "\n"
                 << "    do-ip6: no\n"
                 << "    server-count: 1\n"
                 << "    username: \"\"\n"  // stay the current user: no privilege drop
                 << "    chroot: \"\"\n"
                 << "    zonesdir: " << quoted(dir()) << "\n"
                 << "    pidfile: " << quoted(dir() / "nsd.pid") << "\n"
                 << "    database: \"\"\n"  // NSD 4.6: no nsd.db, zones stay in memory
                 << "    zonelistfile: " << quoted(dir() / "zone.list") << "\n"
                 << "    xfrdfile: " << quoted(dir() / "xfrd.state") << "\n"
                 << "    xfrdir: " << quoted(dir()) << "\n"
                 << "    cookie-secret-file: " << quoted(dir() / "cookiesecrets.txt") << "\n"
                 << "    minimal-responses: yes\n"
                 << "    round-robin: no\n"
                 << "    hide-version: yes\n"
                 << "    hide-identity: yes\n"
                 << "    ipv4-edns-size: " << options.edns_size << "\n"
                 << "    ipv6-edns-size: " << options.edns_size << "\n"
                 << "    rrl-ratelimit: 0\n"  // the corpus sends bursts from one address
                 << "    verbosity: 1\n"
                 << options.extra_server_config << "remote-control:\n"
                 << "    control-enable: no\n";
            for (const auto& zone : zones) {
                conf << "zone:\n"
                     << "    name: " << zone.origin << "\n"
                     << "    zonefile: " << quoted(std::filesystem::absolute(zone.path)) << "\n";
            }
            write_file(dir() / "nsd.conf", conf.str());
            return std::vector<std::string>{nsd.string(), "-d", "-c",
                                            (dir() / "nsd.conf").string()};
        },
        origins);
}

// ----- DnsdServer ----------------------------------------------------------------------

DnsdServer::DnsdServer(const std::filesystem::path& binary, const std::filesystem::path& zones_dir,
                       const std::vector<std::string>& origins)
    : DnsdServer(binary, zones_dir, origins, Options{}) {}

DnsdServer::DnsdServer(const std::filesystem::path& binary, const std::filesystem::path& zones_dir,
                       const std::vector<std::string>& origins, const Options& options)
    : Server("dnsd", "dnsd-dnsd") {
    start(
        [&](std::uint16_t port) {
            std::ostringstream conf;
            conf << "# dnsd.toml written by tests/support/servers.cpp\n"
                 << "[server]\n"
                 << "listen = [";
            for (std::size_t i = 0; i < options.listen_hosts.size(); ++i) {
                conf << (i == 0 ? "" : ", ") << '"' << options.listen_hosts[i] << ':' << port << '"';
            }
            conf << "]\n"
                 << "zones = " << quoted(std::filesystem::absolute(zones_dir)) << "\n"
                 << "threads = " << options.threads << "\n"
                 << options.extra_config;
            write_file(dir() / "dnsd.toml", conf.str());
            return std::vector<std::string>{binary.string(), "-c", (dir() / "dnsd.toml").string()};
        },
        origins);
}

std::string dnsd_import(const std::filesystem::path& binary, const ZoneFile& zone) {
    TempDir scratch("dnsd-import");
    ProcessOptions options;
    options.argv = {binary.string(), "import", zone.path.string(), zone.origin};
    options.stdout_path = scratch.path() / "stdout";
    options.stderr_path = scratch.path() / "stderr";
    ExitStatus status = run(options, milliseconds{30000});
    if (!status.is_success()) {
        throw std::runtime_error("`dnsd import " + zone.path.string() + " " + zone.origin +
                                 "` failed (" + status.to_string() + "):\n" +
                                 read_file(options.stderr_path));
    }
    return read_file(options.stdout_path);
}

// ----- installation --------------------------------------------------------------------

std::optional<std::filesystem::path> find_or_install(const std::string& program,
                                                     const std::string& package,
                                                     std::string& why_not) {
    if (auto path = find_program(program)) {
        return path;
    }
    static std::mutex mutex;
    static std::set<std::string> attempted;
    std::string how = "`apt-get install -y " + package + "`";
    {
        std::lock_guard lock(mutex);
        if (::geteuid() == 0 && attempted.insert(package).second) {
            TempDir scratch("dnsd-apt");
            // One budget for the whole attempt, below the e2e test timeout (300 s).
            auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{200};
            auto apt = [&](std::vector<std::string> argv) {
                auto left = std::chrono::duration_cast<milliseconds>(
                    deadline - std::chrono::steady_clock::now());
                if (left <= milliseconds{0}) {
                    return false;
                }
                ProcessOptions options;
                options.argv = std::move(argv);
                options.env = {"DEBIAN_FRONTEND=noninteractive"};
                options.stdout_path = scratch.path() / "apt.log";
                options.stderr_path = scratch.path() / "apt.err";
                return run(options, left).is_success();
            };
            if (!apt({"apt-get", "install", "-y", "--no-install-recommends", package})) {
                apt({"apt-get", "update"});
                apt({"apt-get", "install", "-y", "--no-install-recommends", package});
            }
            if (auto path = find_program(program)) {
                return path;
            }
            why_not = program + " not found, and " + how + " did not provide it:\n" +
                      read_file(scratch.path() / "apt.err");
            return std::nullopt;
        }
    }
    why_not = program + " not found: install it with " + how + " (as root)";
    return std::nullopt;
}

}  // namespace test_support
