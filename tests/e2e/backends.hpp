// backends.hpp -- real local backends for health-check tests: a TCP listener and an HTTP server
// on a 127.0.0.x address that a test starts, stops, and tells which status to return.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

namespace e2e {

/// Listens on address:port; with `http` it answers every request with the current status.
/// stop() closes the listener so connections are refused; start() opens it again.
class Backend {
public:
    Backend(std::string address, uint16_t port, bool http) : address_(std::move(address)), port_(port), http_(http) {}
    ~Backend() { stop(); }
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;

    bool start() {
        if (running_) return true;
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port_);
        inet_pton(AF_INET, address_.c_str(), &a.sin_addr);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0) {
            ::close(fd_);
            fd_ = -1;
            return false;
        }
        running_ = true;
        thread_ = std::thread([this] { loop(); });
        return true;
    }
    void stop() {
        if (!running_) return;
        running_ = false;
        thread_.join();
        ::close(fd_);
        fd_ = -1;
    }
    void set_status(int status) { status_ = status; }
    const std::string& address() const { return address_; }

private:
    void loop() {
        while (running_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) continue;
            if (http_) {
                char buf[2048];
                pollfd q{c, POLLIN, 0};
                if (::poll(&q, 1, 500) > 0 && ::recv(c, buf, sizeof buf, 0) > 0) {
                    std::string body = status_ == 200 ? "ok\n" : "unavailable\n";
                    std::string reply = "HTTP/1.1 " + std::to_string(status_.load()) + " X\r\nContent-Length: " +
                                        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
                    (void)::send(c, reply.data(), reply.size(), MSG_NOSIGNAL);
                }
            }
            ::close(c);
        }
    }

    std::string address_;
    uint16_t port_;
    bool http_;
    int fd_ = -1;
    std::atomic<bool> running_{false};
    std::atomic<int> status_{200};
    std::thread thread_;
};

}  // namespace e2e
