// control.hpp -- ControlServer: a tiny HTTP/1.0 endpoint on a loopback address for status and
// metrics (GET only, one request per connection). Not on the query path.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "dnsd/config.hpp"

namespace dnsd {

class ControlServer {
public:
    struct Reply {
        int status = 200;
        std::string content_type = "text/plain; charset=utf-8";
        std::string body;
    };
    using Handler = std::function<Reply(const std::string& path)>;

    ~ControlServer() { stop(); }
    /// Binds `address` ("127.0.0.1:8053") and serves on a thread. False (logged) on failure.
    bool start(const std::string& address, Handler handler);
    void stop();

private:
    void loop();

    int fd_ = -1;
    Handler handler_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

/// Fetches http://address/path (the client side of `dnsd status`). Returns false with a message.
bool http_get(const std::string& address, const std::string& path, std::string* body, std::string* error);

}  // namespace dnsd
