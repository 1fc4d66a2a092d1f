// dns_client.hpp -- DnsClient: one c-ares channel aimed at one server, driven by the prober's epoll.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "health/probe_result.hpp"

namespace health {

struct Address;

/// What came back for one query: a response (error.outcome == none) or why there is none.
struct DnsReply {
    ProbeResult error;                  ///< none: `response` holds the answer
    std::span<const uint8_t> response;  ///< valid only during the callback
};

/// Sends DNS probe queries to one server with c-ares, one at a time, on the caller's event loop.
///
/// c-ares types stay in dns_client.cpp. The channel reports its sockets through a state callback;
/// the client registers them in `epoll_fd` with data `epoll_tag | fd` (so the low 32 bits of
/// `epoll_tag` must be zero) and the loop hands their events to on_event(). Without STAYOPEN
/// c-ares closes the socket once no query is in flight, so an idle target holds no descriptor.
/// Not thread-safe: create, use and destroy it on the prober thread.
class DnsClient {
public:
    /// Called with each query's outcome, possibly from inside send() or on_event().
    using Done = void (*)(void* context, const DnsReply& reply);

    /// A channel for `server`:`port`. `timeout` bounds one try; the prober's own deadline is
    /// expected to fire first and cancel(). Throws std::runtime_error if c-ares cannot init.
    DnsClient(const Address& server, uint16_t port, std::chrono::milliseconds timeout, int epoll_fd,
              uint64_t epoll_tag, Done done, void* context);
    ~DnsClient();
    DnsClient(const DnsClient&) = delete;
    DnsClient& operator=(const DnsClient&) = delete;

    /// Sends `query` (its ID is replaced by c-ares). The outcome arrives through `done`.
    void send(std::span<const uint8_t> query);
    /// Forwards epoll `events` on socket `fd` of this channel to c-ares.
    void on_event(int fd, uint32_t events);
    /// Drops any query in flight without calling `done` (the prober already timed it out).
    void cancel();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace health
