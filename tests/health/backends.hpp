// backends.hpp -- tiny real backends on loopback for prober tests: TCP/HTTP server, black hole, DNS.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace health_test {

/// A TCP server on `ip` (a free port) served by its own thread. Modes: accept and close at once
/// (tcp checks), answer HTTP with the configured status/body, or accept and stay silent.
/// close_listener()/reopen() stop and resume listening on the same port. Thread-safe.
class StreamServer {
public:
    enum class Mode { accept_close, http, silent };

    StreamServer(std::string ip, Mode mode);
    ~StreamServer();
    StreamServer(const StreamServer&) = delete;
    StreamServer& operator=(const StreamServer&) = delete;

    uint16_t port() const { return port_; }
    const std::string& ip() const { return ip_; }
    /// Stops listening: new connections are refused.
    void close_listener();
    /// Listens again on the same port.
    void reopen();
    /// What the next HTTP requests get.
    void set_response(int status, std::string body);
    /// Connections accepted so far.
    uint64_t connections() const { return connections_.load(); }

private:
    void run();
    void call(std::function<void()> fn);  // runs fn on the server thread and waits
    void open_listener();

    std::string ip_;
    Mode mode_;
    uint16_t port_ = 0;
    int listener_ = -1;
    int wake_ = -1;
    std::vector<int> held_;  // silent mode: accepted and never answered
    std::mutex mutex_;
    std::vector<std::function<void()>> commands_;
    int status_ = 200;
    std::string body_ = "ok";
    std::atomic<uint64_t> connections_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

/// A listening socket with backlog 0 whose accept queue is filled by the constructor and never
/// drained, so the kernel drops further SYNs: connects to it hang until the prober's timeout.
class BlackHole {
public:
    explicit BlackHole(std::string ip);
    ~BlackHole();
    BlackHole(const BlackHole&) = delete;
    BlackHole& operator=(const BlackHole&) = delete;
    uint16_t port() const { return port_; }

private:
    int listener_ = -1;
    std::vector<int> fillers_;
    uint16_t port_ = 0;
};

/// A UDP DNS responder on `ip`: echoes the question with QR|AA and the configured rcode, plus
/// one A record when `with_answer` and the rcode is NOERROR. Thread-safe setters.
class DnsResponder {
public:
    explicit DnsResponder(std::string ip);
    ~DnsResponder();
    DnsResponder(const DnsResponder&) = delete;
    DnsResponder& operator=(const DnsResponder&) = delete;

    uint16_t port() const { return port_; }
    void set_rcode(uint8_t rcode) { rcode_.store(rcode); }
    void set_with_answer(bool yes) { with_answer_.store(yes); }
    uint64_t queries() const { return queries_.load(); }
    /// RD bit of the last query (to check the probe's recursion flag).
    bool last_rd() const { return last_rd_.load(); }

private:
    void run();

    int fd_ = -1;
    int wake_ = -1;
    uint16_t port_ = 0;
    std::atomic<uint8_t> rcode_{0};
    std::atomic<bool> with_answer_{true};
    std::atomic<bool> last_rd_{false};
    std::atomic<uint64_t> queries_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

/// A port on `ip` with nothing listening (bound once to find it, then closed).
uint16_t unused_port(const std::string& ip);

}  // namespace health_test
