// control.cpp -- the control endpoint and its client.
#include <pthread.h>
#include "dnsd/control.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dnsd/log.hpp"

namespace dnsd {
namespace {

bool send_all(int fd, const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

// Reads until `done(buffer)` or the deadline (milliseconds of silence) or `limit` bytes.
std::string read_some(int fd, int timeout_ms, size_t limit, bool until_close) {
    std::string buf;
    char chunk[4096];
    while (buf.size() < limit) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) break;
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        buf.append(chunk, static_cast<size_t>(n));
        if (!until_close && buf.find("\r\n\r\n") != std::string::npos) break;
    }
    return buf;
}

}  // namespace

bool ControlServer::start(const std::string& address, Handler handler) {
    ListenAddress a;
    std::string error;
    if (!parse_listen_address(address, &a, &error)) {
        log("control: %s", error.c_str());
        return false;
    }
    fd_ = ::socket(a.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<const sockaddr*>(&a.address), a.length) != 0 || ::listen(fd_, 16) != 0) {
        log("control: cannot listen on %s: %s", address.c_str(), std::strerror(errno));
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
        return false;
    }
    handler_ = std::move(handler);
    thread_ = std::thread(&ControlServer::loop, this);
    return true;
}

void ControlServer::stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void ControlServer::loop() {
    pthread_setname_np(pthread_self(), "dnsd-control");
    while (!stopping_) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 250) <= 0) continue;
        int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) continue;
        std::string request = read_some(c, 1000, 8192, false);
        Reply reply;
        if (request.rfind("GET ", 0) != 0) {
            reply = {405, "text/plain", "only GET\n"};
        } else {
            size_t end = request.find(' ', 4);
            reply = handler_(request.substr(4, end == std::string::npos ? std::string::npos : end - 4));
        }
        const char* reason = reply.status == 200 ? "OK" : reply.status == 404 ? "Not Found" : "Error";
        std::string head = "HTTP/1.0 " + std::to_string(reply.status) + " " + reason +
                           "\r\nContent-Type: " + reply.content_type +
                           "\r\nContent-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n";
        send_all(c, head + reply.body);
        ::close(c);
    }
}

bool http_get(const std::string& address, const std::string& path, std::string* body, std::string* error) {
    ListenAddress a;
    if (!parse_listen_address(address, &a, error)) return false;
    int fd = ::socket(a.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&a.address), a.length) != 0) {
        *error = "cannot connect to the control endpoint " + address + ": " + std::strerror(errno) +
                 " (is dnsd running with [control] http set?)";
        if (fd >= 0) ::close(fd);
        return false;
    }
    send_all(fd, "GET " + path + " HTTP/1.0\r\nHost: dnsd\r\n\r\n");
    std::string response = read_some(fd, 3000, 64u << 20, true);
    ::close(fd);
    size_t split = response.find("\r\n\r\n");
    if (split == std::string::npos || response.rfind("HTTP/1.0 200", 0) != 0) {
        *error = "unexpected reply from " + address + ": " + response.substr(0, response.find('\r'));
        return false;
    }
    *body = response.substr(split + 4);
    return true;
}

}  // namespace dnsd
