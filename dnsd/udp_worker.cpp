// udp_worker.cpp -- one thread per SO_REUSEPORT socket: recvmmsg a batch, answer, sendmmsg.
#include <pthread.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <memory>

#include "dnsd/responder.hpp"
#include "dnsd/server.hpp"

namespace dnsd {
namespace {

// gdnsd's MMSG_WIDTH: enough to amortise the syscalls at saturation, small enough that the
// buffers stay in cache.
constexpr size_t kBatch = 16;
// Queries bigger than this are not DNS queries we answer (EDNS queries are a few hundred bytes).
constexpr size_t kRxSize = 4096;
constexpr size_t kTxSize = 4096;   // udp_max_payload is capped at 4096 by the config

struct UdpBuffers {
    std::array<std::array<uint8_t, kRxSize>, kBatch> rx;
    std::array<std::array<uint8_t, kTxSize>, kBatch> tx;
    std::array<sockaddr_storage, kBatch> peers;
    std::array<iovec, kBatch> rx_iov;
    std::array<iovec, kBatch> tx_iov;
    std::array<mmsghdr, kBatch> rx_msgs;
    std::array<mmsghdr, kBatch> tx_msgs;
};

}  // namespace

void Server::udp_loop(int fd, Counters* counters) {
    pthread_setname_np(pthread_self(), "dnsd-udp");
    auto b = std::make_unique<UdpBuffers>();
    auto responder = std::make_unique<Responder>();
    std::shared_ptr<const Snapshot> snapshot;
    uint64_t generation = 0;
    // The headers point at fixed buffers: set them up once. Per batch the kernel changes only
    // msg_namelen, msg_flags and msg_len (no control data is asked for).
    for (size_t i = 0; i < kBatch; ++i) {
        b->rx_iov[i] = {b->rx[i].data(), kRxSize};
        b->rx_msgs[i] = {};
        b->rx_msgs[i].msg_hdr.msg_name = &b->peers[i];
        b->rx_msgs[i].msg_hdr.msg_iov = &b->rx_iov[i];
        b->rx_msgs[i].msg_hdr.msg_iovlen = 1;
        b->tx_iov[i] = {b->tx[i].data(), 0};
        b->tx_msgs[i] = {};
        b->tx_msgs[i].msg_hdr.msg_iov = &b->tx_iov[i];
        b->tx_msgs[i].msg_hdr.msg_iovlen = 1;
    }
    size_t used = kBatch;   // headers recvmmsg changed last time: only those need resetting
    while (!stopping_.load(std::memory_order_relaxed)) {
        for (size_t i = 0; i < used; ++i) b->rx_msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        int n = ::recvmmsg(fd, b->rx_msgs.data(), kBatch, MSG_WAITFORONE, nullptr);
        holder_.refresh(snapshot, generation);   // once per batch (or timeout)
        if (n <= 0) {                            // EAGAIN (receive timeout) and EINTR are flow
            used = 0;
            continue;
        }
        used = static_cast<size_t>(n);
        unsigned out = 0;
        for (int i = 0; i < n; ++i) {
            const mmsghdr& m = b->rx_msgs[static_cast<size_t>(i)];
            if ((m.msg_hdr.msg_flags & MSG_TRUNC) != 0) continue;
            Client client{reinterpret_cast<const sockaddr*>(&b->peers[static_cast<size_t>(i)]), false};
            size_t size = responder->answer({b->rx[static_cast<size_t>(i)].data(), m.msg_len}, client, *snapshot,
                                            {b->tx[out].data(), kTxSize}, *counters);
            if (size == 0) continue;
            b->tx_iov[out].iov_len = size;
            b->tx_msgs[out].msg_hdr.msg_name = &b->peers[static_cast<size_t>(i)];
            b->tx_msgs[out].msg_hdr.msg_namelen = m.msg_hdr.msg_namelen;
            ++out;
        }
        for (unsigned sent = 0; sent < out;) {
            int r = ::sendmmsg(fd, b->tx_msgs.data() + sent, out - sent, 0);
            if (r > 0) {
                sent += static_cast<unsigned>(r);
            } else if (r < 0 && errno == EINTR) {
                continue;
            } else {
                ++sent;   // skip a message the kernel refused (e.g. unreachable peer)
            }
        }
    }
}

}  // namespace dnsd
