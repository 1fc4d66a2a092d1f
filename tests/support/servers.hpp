// servers.hpp -- DNS servers run by tests as child processes on 127.0.0.1 and a free port:
// Knot DNS and NSD (reference servers for the differential test) and dnsd itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/dns_client.hpp"
#include "tests/support/process.hpp"

namespace test_support {

/// A zone in an RFC 1035 master file.
struct ZoneFile {
    std::string origin;          ///< "diff.test."
    std::filesystem::path path;  ///< absolute path of the master file
};

/// A server running as a child process in the foreground, with its config, state and
/// logs in a private temp directory. Construction returns once every probed origin
/// answers its SOA with AA set; it throws std::runtime_error (with the server's log)
/// if that does not happen within `startup_timeout`. The destructor stops the server
/// by PID. Not thread-safe, but `endpoint()` may be used from any thread.
class Server {
public:
    static constexpr std::chrono::milliseconds startup_timeout{10000};

    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    virtual ~Server();

    const std::string& name() const { return name_; }  ///< "knot", "nsd", "dnsd"
    std::uint16_t port() const { return port_; }
    Endpoint endpoint() const { return Endpoint{"127.0.0.1", port_}; }
    const std::filesystem::path& dir() const { return dir_.path(); }  ///< config, state, logs
    std::string log() const;  ///< the child's stdout and stderr so far
    bool is_running() { return process_ && process_->is_running(); }
    Process& process() { return *process_; }

    /// SIGTERM, then SIGKILL after `grace`; returns how it ended. Idempotent.
    ExitStatus stop(std::chrono::milliseconds grace = Process::default_grace);

protected:
    /// `configure(port)` writes whatever config the server needs in dir() and returns
    /// the argv that serves on 127.0.0.1:port.
    using Configure = std::function<std::vector<std::string>(std::uint16_t port)>;

    Server(std::string name, std::string temp_prefix);

    /// Spawns the server and waits until each of `origins` (at least one) answers its SOA.
    /// A server that exits early because its port was taken meanwhile is retried on
    /// another port.
    void start(const Configure& configure, const std::vector<std::string>& origins);

private:
    std::string name_;
    TempDir dir_;
    std::uint16_t port_ = 0;
    std::optional<Process> process_;
};

/// Knot DNS (`knotd -c knot.conf`, foreground). Configured to match dnsd's defaults:
/// no DNSSEC signing, no answer rotation, UDP payload capped at 1232 octets, CHAOS
/// identity/version and NSID hidden, one worker of each kind.
class KnotServer : public Server {
public:
    struct Options {
        std::uint16_t udp_max_payload = 1232;
        std::string extra_server_config;  ///< more `server:` lines, already indented
    };
    explicit KnotServer(const std::vector<ZoneFile>& zones);
    KnotServer(const std::vector<ZoneFile>& zones, const Options& options);
};

/// NSD (`nsd -d -c nsd.conf`): minimal-responses, no zone database, no RRL, version
/// and identity hidden, one server process, state files in the temp directory.
class NsdServer : public Server {
public:
    struct Options {
        std::uint16_t edns_size = 1232;
        std::string extra_server_config;  ///< more `server:` lines, already indented
    };
    explicit NsdServer(const std::vector<ZoneFile>& zones);
    NsdServer(const std::vector<ZoneFile>& zones, const Options& options);
};

/// dnsd itself: writes `[server] listen/zones/threads` to dnsd.toml and runs
/// `<binary> -c dnsd.toml`. `origins` are the zones to wait for.
class DnsdServer : public Server {
public:
    struct Options {
        unsigned threads = 1;
        std::string extra_config;  ///< appended to dnsd.toml verbatim (e.g. a [geo] table)
        /// Listen addresses, each with the server's port: "0.0.0.0" and "[::]" are wildcards.
        /// The first one must reach 127.0.0.1 (the readiness check asks there).
        std::vector<std::string> listen_hosts = {"127.0.0.1"};
    };
    DnsdServer(const std::filesystem::path& binary, const std::filesystem::path& zones_dir,
               const std::vector<std::string>& origins);
    DnsdServer(const std::filesystem::path& binary, const std::filesystem::path& zones_dir,
               const std::vector<std::string>& origins, const Options& options);
};

/// Runs `<binary> import <zone file> <origin>` and returns its stdout (a TOML zone);
/// throws std::runtime_error with the status and stderr if it fails or takes over 30 s.
std::string dnsd_import(const std::filesystem::path& binary, const ZoneFile& zone);

/// Looks for `program` (see find_program()). When it is missing and this process runs as
/// root, runs `apt-get install -y <package>` (then `apt-get update` and the install again if
/// that fails) at most once per package and process, within 200 s, and looks again. nullopt with
/// `why_not` set to an instruction such as "knotd not found: install it with
/// `apt-get install -y knot`" when it is still missing.
std::optional<std::filesystem::path> find_or_install(const std::string& program,
                                                     const std::string& package,
                                                     std::string& why_not);

}  // namespace test_support
