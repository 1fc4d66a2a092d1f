// tcp_worker.cpp -- DNS over TCP (RFC 7766): one epoll loop, pipelined queries answered in
// order, idle timeout, connection limit. It never blocks the UDP workers.
#include <pthread.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <chrono>
#include <memory>
#include <unordered_map>
#include <vector>

#include "dnsd/log.hpp"
#include "dnsd/responder.hpp"
#include "dnsd/server.hpp"

namespace dnsd {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxMessage = 65535;
// Stop reading from a client whose unread answers exceed this (it does not read them).
constexpr size_t kMaxPendingOutput = 256 * 1024;

struct Connection {
    int fd = -1;
    sockaddr_storage peer{};
    std::vector<uint8_t> in;           // bytes received, not yet answered
    std::vector<uint8_t> out;          // answers not yet written
    size_t out_done = 0;
    Clock::time_point last_active;
    bool reading = true;
    bool peer_closed = false;
};

}  // namespace

void Server::tcp_loop(std::vector<int> listeners, Counters* counters) {
    pthread_setname_np(pthread_self(), "dnsd-tcp");
    int ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        log("tcp: epoll_create1 failed: %s", std::strerror(errno));
        return;
    }
    auto add = [&](int fd, uint32_t events) {
        epoll_event ev{};
        ev.events = events;
        ev.data.fd = fd;
        ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    };
    for (int fd : listeners) add(fd, EPOLLIN);
    add(tcp_wake_[0], EPOLLIN);

    auto responder = std::make_unique<Responder>();
    std::vector<uint8_t> answer(kMaxMessage + 2);
    std::shared_ptr<const Snapshot> snapshot;
    uint64_t generation = 0;
    std::unordered_map<int, Connection> conns;
    std::array<epoll_event, 64> events{};
    auto last_sweep = Clock::now();

    auto close_conn = [&](int fd) {
        ::epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
        ::close(fd);
        conns.erase(fd);
    };
    auto update_events = [&](Connection& c) {
        epoll_event ev{};
        ev.events = (c.reading ? EPOLLIN : 0u) | (c.out_done < c.out.size() ? EPOLLOUT : 0u);
        ev.data.fd = c.fd;
        ::epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
    };
    // Writes what it can; false when the connection failed.
    auto flush = [&](Connection& c) -> bool {
        while (c.out_done < c.out.size()) {
            ssize_t w = ::send(c.fd, c.out.data() + c.out_done, c.out.size() - c.out_done, MSG_NOSIGNAL);
            if (w > 0) {
                c.out_done += static_cast<size_t>(w);
            } else if (w < 0 && errno == EINTR) {
                continue;
            } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                break;
            } else {
                return false;
            }
        }
        if (c.out_done == c.out.size()) {
            c.out.clear();
            c.out_done = 0;
        }
        return true;
    };
    // Answers every complete message in the input, in order (RFC 7766 6.2.1.1 allows any
    // order; in order is simplest and what clients that do not match IDs expect).
    auto process = [&](Connection& c) {
        size_t at = 0;
        while (c.in.size() - at >= 2) {
            size_t len = (size_t{c.in[at]} << 8) | c.in[at + 1];
            if (c.in.size() - at - 2 < len) break;
            Client client{reinterpret_cast<const sockaddr*>(&c.peer), true};
            size_t n = responder->answer({c.in.data() + at + 2, len}, client, *snapshot,
                                         {answer.data() + 2, kMaxMessage}, *counters);
            if (n > 0) {
                answer[0] = static_cast<uint8_t>(n >> 8);
                answer[1] = static_cast<uint8_t>(n);
                c.out.insert(c.out.end(), answer.begin(), answer.begin() + static_cast<long>(n + 2));
            }
            at += 2 + len;
        }
        c.in.erase(c.in.begin(), c.in.begin() + static_cast<long>(at));
    };

    while (!stopping_.load(std::memory_order_relaxed)) {
        int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 500);
        holder_.refresh(snapshot, generation);
        auto now = Clock::now();
        for (int i = 0; i < n; ++i) {
            int fd = events[static_cast<size_t>(i)].data.fd;
            uint32_t ev = events[static_cast<size_t>(i)].events;
            if (fd == tcp_wake_[0]) continue;
            bool is_listener = false;
            for (int l : listeners) is_listener |= (l == fd);
            if (is_listener) {
                for (;;) {
                    sockaddr_storage peer{};
                    socklen_t plen = sizeof peer;
                    int cfd = ::accept4(fd, reinterpret_cast<sockaddr*>(&peer), &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (cfd < 0) break;
                    if (conns.size() >= tcp_max_connections_) {
                        ::close(cfd);   // over the limit: refuse rather than queue
                        continue;
                    }
                    int one = 1;
                    ::setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    Connection& c = conns[cfd];
                    c.fd = cfd;
                    c.peer = peer;
                    c.last_active = now;
                    add(cfd, EPOLLIN);
                }
                continue;
            }
            auto it = conns.find(fd);
            if (it == conns.end()) continue;
            Connection& c = it->second;
            bool failed = (ev & EPOLLERR) != 0;
            if (!failed && (ev & (EPOLLIN | EPOLLHUP)) != 0 && c.reading) {
                uint8_t buf[16384];
                for (;;) {
                    ssize_t r = ::recv(fd, buf, sizeof buf, 0);
                    if (r > 0) {
                        c.in.insert(c.in.end(), buf, buf + r);
                        c.last_active = now;
                        if (c.in.size() > 4 * (kMaxMessage + 2)) break;
                    } else if (r == 0) {
                        c.peer_closed = true;
                        break;
                    } else if (errno == EINTR) {
                        continue;
                    } else {
                        failed = errno != EAGAIN && errno != EWOULDBLOCK;
                        break;
                    }
                }
                process(c);
            }
            if (!failed) failed = !flush(c);
            if (failed || (c.peer_closed && c.out.empty())) {
                close_conn(fd);
                continue;
            }
            c.reading = !c.peer_closed && c.out.size() - c.out_done < kMaxPendingOutput;
            update_events(c);
        }
        if (now - last_sweep > std::chrono::milliseconds(250)) {   // RFC 7766 6.2.3: idle timeout
            last_sweep = now;
            std::vector<int> idle;
            for (auto& [fd, c] : conns) {
                if (now - c.last_active > tcp_idle_timeout_) idle.push_back(fd);
            }
            for (int fd : idle) close_conn(fd);
        }
    }
    for (auto& [fd, c] : conns) ::close(fd);
    ::close(ep);
}

}  // namespace dnsd
