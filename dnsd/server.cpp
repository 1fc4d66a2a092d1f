// server.cpp -- sockets, threads, signals; the query path itself lives in responder.cpp.
#include "dnsd/server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dnsd/log.hpp"
#include "dnsd/reload.hpp"
#include "dnsd/responder.hpp"
#include "dnsd/status.hpp"

namespace dnsd {
namespace {

// Opens and binds one socket; logs a clear reason on failure.
int open_socket(const ListenAddress& a, int type, bool reuseport) {
    int fd = ::socket(a.address.ss_family, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        log("cannot create a socket for %s: %s", a.text.c_str(), std::strerror(errno));
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (reuseport) ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (a.address.ss_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&a.address), a.length) != 0) {
        int e = errno;
        log("cannot listen on %s/%s: %s%s", a.text.c_str(), type == SOCK_DGRAM ? "udp" : "tcp", std::strerror(e),
            e == EADDRINUSE ? " (another server is using this port)"
                            : e == EACCES ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)" : "");
        ::close(fd);
        return -1;
    }
    return fd;
}

bool is_wildcard(const ListenAddress& a) {
    if (a.address.ss_family == AF_INET) {
        return reinterpret_cast<const sockaddr_in&>(a.address).sin_addr.s_addr == htonl(INADDR_ANY);
    }
    return IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6&>(a.address).sin6_addr);
}

}  // namespace

Server::Server(Config config) : config_(std::move(config)) {}

Server::~Server() {
    stop();
    for (int fd : fds_) ::close(fd);
}

CounterTotals Server::totals() const {
    CounterTotals sum;
    for (const auto& c : counters_) c->add_to(sum);
    return sum;
}

bool Server::start() {
    auto snapshot = build_snapshot(config_);
    if (!snapshot) {
        for (const auto& e : snapshot.error()) log("%s", e.to_string().c_str());
        log("not starting: the configuration has %zu error(s)", snapshot.error().size());
        return false;
    }
    adopt(*snapshot);
    size_t zone_count = (*snapshot)->zones.zones().size();

    unsigned threads = config_.threads != 0 ? config_.threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<int> tcp;
    std::vector<std::pair<int, bool>> udp;   // socket, bound to a wildcard address
    for (const auto& a : config_.listen) {
        // Probe without SO_REUSEPORT first: with it, a second server on the same port would
        // silently share the traffic instead of failing.
        int probe = open_socket(a, SOCK_DGRAM, false);
        if (probe < 0) return false;
        ::close(probe);
        for (unsigned i = 0; i < threads; ++i) {
            int fd = open_socket(a, SOCK_DGRAM, true);
            if (fd < 0) return false;
            // A receive timeout lets idle workers notice stop() and drop old snapshots.
            timeval tv{0, 250'000};
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            int buf = 4 << 20;
            ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
            const bool wildcard = is_wildcard(a);
            if (wildcard && !ask_query_destinations(fd, a.address.ss_family)) {
                log("cannot ask for query destinations on %s: %s", a.text.c_str(), std::strerror(errno));
                return false;
            }
            udp.emplace_back(fd, wildcard);
            fds_.push_back(fd);
        }
        int fd = open_socket(a, SOCK_STREAM, false);
        if (fd < 0) return false;
        if (::listen(fd, 1024) != 0) {
            log("cannot listen on %s/tcp: %s", a.text.c_str(), std::strerror(errno));
            return false;
        }
        ::fcntl(fd, F_SETFL, O_NONBLOCK);
        tcp.push_back(fd);
        fds_.push_back(fd);
    }
    if (::pipe2(tcp_wake_, O_CLOEXEC | O_NONBLOCK) != 0) return false;
    tcp_idle_timeout_ = config_.tcp_idle_timeout;
    tcp_max_connections_ = config_.tcp_max_connections;

    for (auto [fd, wildcard] : udp) {
        counters_.push_back(std::make_unique<Counters>());
        threads_.emplace_back(&Server::udp_loop, this, fd, wildcard, counters_.back().get());
    }
    counters_.push_back(std::make_unique<Counters>());
    threads_.emplace_back(&Server::tcp_loop, this, tcp, counters_.back().get());

    prober_.on_transition([](const health::Transition& t) { log("%s", health::format_transition(t).c_str()); });
    prober_.start();
    if (!config_.control_http.empty() &&
        !control_.start(config_.control_http, [this](const std::string& path) { return control(path); })) {
        return false;
    }
    std::string where;
    for (const auto& a : config_.listen) where += (where.empty() ? "" : ", ") + a.text;
    log("serving %zu zone(s) on %s with %u UDP worker(s) per address", zone_count, where.c_str(), threads);
    return true;
}

bool Server::reload() {
    auto config = load_config(config_.file);
    if (!config) {
        for (const auto& e : config.error()) log("%s", e.to_string().c_str());
        log("reload failed: keeping the zones being served");
        return false;
    }
    // Sockets stay as they are; a change of listen addresses needs a restart.
    config->listen = config_.listen;
    config->threads = config_.threads;
    auto snapshot = build_snapshot(*config);
    if (!snapshot) {
        for (const auto& e : snapshot.error()) log("%s", e.to_string().c_str());
        log("reload failed with %zu error(s): keeping the zones being served", snapshot.error().size());
        return false;
    }
    retired_.push_back(holder_.get());
    adopt(*snapshot);
    config_ = std::move(*config);
    log("reloaded: serving %zu zone(s)", (*snapshot)->zones.zones().size());
    return true;
}

void Server::adopt(std::shared_ptr<const Snapshot> snapshot) {
    // The prober learns the new targets (keeping the state of unchanged ones) before answers
    // can read the new table.
    prober_.set_targets(snapshot->health, snapshot->targets);
    holder_.publish(std::move(snapshot));
}

ControlServer::Reply Server::control(const std::string& path) const {
    auto snapshot = holder_.get();
    if (path == "/status") return {200, "text/plain; charset=utf-8", status_text(*snapshot)};
    if (path == "/status.json") return {200, "application/json", status_json(*snapshot)};
    if (path == "/metrics") return {200, "text/plain; version=0.0.4", metrics_text(*snapshot, totals())};
    return {404, "text/plain", "try /status, /status.json or /metrics\n"};
}

void Server::free_retired() {
    // Workers let go of an old snapshot at their next batch (or receive timeout); freeing it
    // here keeps the cost of tearing down a large zone off the answering threads.
    std::erase_if(retired_, [](const std::shared_ptr<const Snapshot>& s) { return s.use_count() == 1; });
}

void Server::stop() {
    if (stopping_.exchange(true)) return;
    control_.stop();
    prober_.stop();
    if (tcp_wake_[1] >= 0) {
        char c = 1;
        (void)::write(tcp_wake_[1], &c, 1);
    }
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    for (int fd : tcp_wake_) {
        if (fd >= 0) ::close(fd);
    }
    tcp_wake_[0] = tcp_wake_[1] = -1;
}

int Server::run() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    for (;;) {
        timespec timeout{1, 0};
        int sig = ::sigtimedwait(&set, nullptr, &timeout);
        free_retired();
        if (sig == SIGHUP) {
            log("SIGHUP: reloading");
            reload();
        } else if (sig == SIGTERM || sig == SIGINT) {
            log("%s: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
            stop();
            CounterTotals t = totals();
            log("answered %llu queries (%llu udp, %llu tcp)", static_cast<unsigned long long>(t.queries),
                static_cast<unsigned long long>(t.udp), static_cast<unsigned long long>(t.tcp));
            return 0;
        }
    }
}

}  // namespace dnsd
