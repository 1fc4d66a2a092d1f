// server.hpp -- Server: owns the sockets and threads; UDP workers, the TCP loop, reload and exit.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dnsd/config.hpp"
#include "dnsd/control.hpp"
#include "health/prober.hpp"
#include "dnsd/snapshot.hpp"
#include "dnsd/stats.hpp"

namespace dnsd {

/// Has a UDP socket report each query's destination address (IP_PKTINFO / IPV6_RECVPKTINFO),
/// which udp_loop() then answers from. For sockets bound to a wildcard address.
bool ask_query_destinations(int fd, int family);

class Server {
public:
    explicit Server(Config config);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Loads the zones, binds every socket and starts the threads. Returns false (after
    /// logging why: busy port, bad zone...) when it cannot serve.
    bool start();
    /// Blocks handling signals: SIGHUP reloads, SIGTERM/SIGINT drain and return. Returns the
    /// process exit code.
    int run();

    /// Rebuilds the snapshot from the config file and zones; keeps the old one on error.
    bool reload();
    void stop();

    [[nodiscard]] SnapshotHolder& snapshots() noexcept { return holder_; }
    /// Sums every thread's counters.
    [[nodiscard]] CounterTotals totals() const;

private:
    /// `wildcard`: the socket is bound to 0.0.0.0 or ::, so answers name their source address.
    void udp_loop(int fd, bool wildcard, Counters* counters);
    void tcp_loop(std::vector<int> listeners, Counters* counters);
    void free_retired();
    void adopt(std::shared_ptr<const Snapshot> snapshot);
    ControlServer::Reply control(const std::string& path) const;

    Config config_;
    health::Prober prober_;
    ControlServer control_;
    SnapshotHolder holder_;
    std::vector<std::shared_ptr<const Snapshot>> retired_;
    std::atomic<bool> stopping_{false};
    std::vector<int> fds_;
    std::vector<std::thread> threads_;
    std::vector<std::unique_ptr<Counters>> counters_;
    int tcp_wake_[2] = {-1, -1};
    // Copied at start: the TCP thread reads them while reload() replaces config_.
    std::chrono::milliseconds tcp_idle_timeout_{10'000};
    uint32_t tcp_max_connections_ = 1024;
};

}  // namespace dnsd
