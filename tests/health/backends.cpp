// backends.cpp -- loopback TCP/HTTP server, black hole and DNS responder for the prober tests.
#include "backends.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <stdexcept>
#include <thread>

namespace health_test {

namespace {

struct SockAddr {
    sockaddr_storage ss{};
    socklen_t len = 0;
    int family = AF_INET;
};

SockAddr make_addr(const std::string& ip, uint16_t port) {
    SockAddr a;
    if (ip.find(':') != std::string::npos) {
        sockaddr_in6 s{};
        s.sin6_family = AF_INET6;
        s.sin6_port = htons(port);
        if (inet_pton(AF_INET6, ip.c_str(), &s.sin6_addr) != 1) throw std::runtime_error("bad ip " + ip);
        std::memcpy(&a.ss, &s, sizeof s);
        a.len = sizeof s;
        a.family = AF_INET6;
    } else {
        sockaddr_in s{};
        s.sin_family = AF_INET;
        s.sin_port = htons(port);
        if (inet_pton(AF_INET, ip.c_str(), &s.sin_addr) != 1) throw std::runtime_error("bad ip " + ip);
        std::memcpy(&a.ss, &s, sizeof s);
        a.len = sizeof s;
    }
    return a;
}

const sockaddr* sa(const SockAddr& a) { return reinterpret_cast<const sockaddr*>(&a.ss); }

uint16_t bound_port(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) throw std::runtime_error("getsockname");
    if (ss.ss_family == AF_INET6) {
        sockaddr_in6 s{};
        std::memcpy(&s, &ss, sizeof s);
        return ntohs(s.sin6_port);
    }
    sockaddr_in s{};
    std::memcpy(&s, &ss, sizeof s);
    return ntohs(s.sin_port);
}

int bind_socket(const std::string& ip, uint16_t port, int type) {
    const SockAddr a = make_addr(ip, port);
    const int fd = socket(a.family, type | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, sa(a), a.len) != 0) {
        const int err = errno;
        close(fd);
        throw std::runtime_error("bind " + ip + ": " + std::strerror(err));
    }
    return fd;
}

void wake(int fd) {
    const uint64_t one = 1;
    [[maybe_unused]] auto n = write(fd, &one, sizeof one);
}

}  // namespace

uint16_t unused_port(const std::string& ip) {
    const int fd = bind_socket(ip, 0, SOCK_STREAM);
    const uint16_t port = bound_port(fd);
    close(fd);
    return port;
}

// --- StreamServer ---

StreamServer::StreamServer(std::string ip, Mode mode) : ip_(std::move(ip)), mode_(mode) {
    open_listener();
    wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    thread_ = std::thread([this] { run(); });
}

StreamServer::~StreamServer() {
    stop_.store(true);
    wake(wake_);
    thread_.join();
    if (listener_ >= 0) close(listener_);
    for (int fd : held_) close(fd);
    close(wake_);
}

void StreamServer::open_listener() {
    listener_ = bind_socket(ip_, port_, SOCK_STREAM | SOCK_NONBLOCK);
    if (listen(listener_, 128) != 0) throw std::runtime_error("listen");
    port_ = bound_port(listener_);
}

void StreamServer::close_listener() {
    call([this] {
        if (listener_ >= 0) close(listener_);
        listener_ = -1;
    });
}

void StreamServer::reopen() {
    call([this] {
        if (listener_ < 0) open_listener();
    });
}

void StreamServer::set_response(int status, std::string body) {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
}

void StreamServer::call(std::function<void()> fn) {
    std::promise<void> done;
    auto f = done.get_future();
    {
        std::lock_guard lock(mutex_);
        commands_.push_back([&] {
            fn();
            done.set_value();
        });
    }
    wake(wake_);
    f.wait();
}

void StreamServer::run() {
    while (!stop_.load()) {
        std::array<pollfd, 2> fds{};
        fds[0] = {wake_, POLLIN, 0};
        fds[1] = {listener_, POLLIN, 0};  // a negative fd is ignored by poll
        if (poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) return;
        if ((fds[0].revents & POLLIN) != 0) {
            uint64_t n = 0;
            [[maybe_unused]] auto r = read(wake_, &n, sizeof n);
            std::vector<std::function<void()>> cmds;
            {
                std::lock_guard lock(mutex_);
                cmds.swap(commands_);
            }
            for (auto& c : cmds) c();
            continue;  // the listener may have changed
        }
        if (listener_ < 0 || (fds[1].revents & POLLIN) == 0) continue;
        for (;;) {
            const int c = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) break;
            connections_.fetch_add(1);
            if (mode_ == Mode::silent) {
                held_.push_back(c);
                continue;
            }
            if (mode_ == Mode::http) {
                timeval tv{1, 0};
                setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
                std::string req;
                char buf[2048];
                while (req.find("\r\n\r\n") == std::string::npos && req.size() < 8192) {
                    const ssize_t n = recv(c, buf, sizeof buf, 0);
                    if (n <= 0) break;
                    req.append(buf, static_cast<size_t>(n));
                }
                std::string resp;
                {
                    std::lock_guard lock(mutex_);
                    resp = "HTTP/1.1 " + std::to_string(status_) + " Test\r\nContent-Length: " +
                           std::to_string(body_.size()) + "\r\nConnection: close\r\n\r\n" + body_;
                }
                [[maybe_unused]] auto n = send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
            }
            close(c);
        }
    }
}

// --- BlackHole ---

BlackHole::BlackHole(std::string ip) {
    listener_ = bind_socket(ip, 0, SOCK_STREAM);
    if (listen(listener_, 0) != 0) throw std::runtime_error("listen");
    port_ = bound_port(listener_);
    // Backlog 0 still queues one connection; a few non-blocking connects make sure the accept
    // queue is full (the later ones stay in SYN_SENT, which is fine: they are never used).
    const SockAddr a = make_addr(ip, port_);
    for (int i = 0; i < 3; ++i) {
        const int fd = socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        [[maybe_unused]] int rc = connect(fd, sa(a), a.len);
        fillers_.push_back(fd);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // setup, not an assertion
    }
}

BlackHole::~BlackHole() {
    for (int fd : fillers_) close(fd);
    close(listener_);
}

// --- DnsResponder ---

DnsResponder::DnsResponder(std::string ip) {
    fd_ = bind_socket(ip, 0, SOCK_DGRAM);
    port_ = bound_port(fd_);
    wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    thread_ = std::thread([this] { run(); });
}

DnsResponder::~DnsResponder() {
    stop_.store(true);
    wake(wake_);
    thread_.join();
    close(fd_);
    close(wake_);
}

void DnsResponder::run() {
    while (!stop_.load()) {
        std::array<pollfd, 2> fds{};
        fds[0] = {wake_, POLLIN, 0};
        fds[1] = {fd_, POLLIN, 0};
        if (poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) return;
        if ((fds[1].revents & POLLIN) == 0) continue;
        std::array<uint8_t, 512> q{};
        sockaddr_storage from{};
        socklen_t from_len = sizeof from;
        const ssize_t n = recvfrom(fd_, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_len);
        if (n < 12) continue;
        queries_.fetch_add(1);
        last_rd_.store((q[2] & 0x01) != 0);
        // Header + question (the whole query: the probe sends exactly one question, no EDNS).
        std::vector<uint8_t> r(q.begin(), q.begin() + n);
        const uint8_t rcode = rcode_.load();
        r[2] = static_cast<uint8_t>(0x80 | 0x04 | (q[2] & 0x01));  // QR, AA, copy RD
        r[3] = rcode & 0x0f;
        if (rcode == 0 && with_answer_.load()) {
            r[7] = 1;  // ANCOUNT
            const uint8_t rr[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1};
            r.insert(r.end(), std::begin(rr), std::end(rr));
        }
        sendto(fd_, r.data(), r.size(), 0, reinterpret_cast<const sockaddr*>(&from), from_len);
    }
}

}  // namespace health_test
