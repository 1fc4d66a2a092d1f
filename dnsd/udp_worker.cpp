// udp_worker.cpp -- one thread per SO_REUSEPORT socket: recvmmsg a batch, answer, sendmmsg.
#include <netinet/in.h>
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

// Room for the one control message a wildcard socket asks for: the query's destination address.
struct alignas(cmsghdr) Control {
    std::array<uint8_t, CMSG_SPACE(sizeof(in6_pktinfo))> bytes;
};

struct UdpBuffers {
    std::array<std::array<uint8_t, kRxSize>, kBatch> rx;
    std::array<Control, kBatch> control;
    std::array<std::array<uint8_t, kTxSize>, kBatch> tx;
    std::array<sockaddr_storage, kBatch> peers;
    std::array<iovec, kBatch> rx_iov;
    std::array<iovec, kBatch> tx_iov;
    std::array<mmsghdr, kBatch> rx_msgs;
    std::array<mmsghdr, kBatch> tx_msgs;
};

// Turns the destination address a query arrived at into the source address of its answer (a
// wildcard socket otherwise answers from whichever address routing picks, and clients drop an
// answer from an address they did not ask). The interface is left to routing, as gdnsd does,
// except for IPv6 link-local addresses, which need it.
void answer_from_query_destination(msghdr& h) {
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            auto* info = reinterpret_cast<in_pktinfo*>(CMSG_DATA(c));
            info->ipi_ifindex = 0;
            return;
        }
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            auto* info = reinterpret_cast<in6_pktinfo*>(CMSG_DATA(c));
            if (!IN6_IS_ADDR_LINKLOCAL(&info->ipi6_addr)) info->ipi6_ifindex = 0;
            return;
        }
    }
    h.msg_controllen = 0;   // none came: let routing choose
}

}  // namespace

bool ask_query_destinations(int fd, int family) {
    const int one = 1;
    return family == AF_INET ? ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) == 0
                             : ::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) == 0;
}

void Server::udp_loop(int fd, bool wildcard, Counters* counters) {
    pthread_setname_np(pthread_self(), "dnsd-udp");
    auto b = std::make_unique<UdpBuffers>();
    auto responder = std::make_unique<Responder>();
    std::shared_ptr<const Snapshot> snapshot;
    uint64_t generation = 0;
    // The headers point at fixed buffers: set them up once. Per batch the kernel changes only
    // msg_namelen, msg_flags and msg_len, and msg_controllen on a wildcard socket.
    for (size_t i = 0; i < kBatch; ++i) {
        b->rx_iov[i] = {b->rx[i].data(), kRxSize};
        b->rx_msgs[i] = {};
        b->rx_msgs[i].msg_hdr.msg_name = &b->peers[i];
        b->rx_msgs[i].msg_hdr.msg_iov = &b->rx_iov[i];
        b->rx_msgs[i].msg_hdr.msg_iovlen = 1;
        if (wildcard) b->rx_msgs[i].msg_hdr.msg_control = b->control[i].bytes.data();
        b->tx_iov[i] = {b->tx[i].data(), 0};
        b->tx_msgs[i] = {};
        b->tx_msgs[i].msg_hdr.msg_iov = &b->tx_iov[i];
        b->tx_msgs[i].msg_hdr.msg_iovlen = 1;
    }
    size_t used = kBatch;   // headers recvmmsg changed last time: only those need resetting
    while (!stopping_.load(std::memory_order_relaxed)) {
        for (size_t i = 0; i < used; ++i) b->rx_msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        if (wildcard) {
            for (size_t i = 0; i < used; ++i) b->rx_msgs[i].msg_hdr.msg_controllen = sizeof(Control);
        }
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
            if (wildcard) {
                b->tx_msgs[out].msg_hdr.msg_control = b->control[static_cast<size_t>(i)].bytes.data();
                b->tx_msgs[out].msg_hdr.msg_controllen = m.msg_hdr.msg_controllen;
                answer_from_query_destination(b->tx_msgs[out].msg_hdr);
            }
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
