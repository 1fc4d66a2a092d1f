// dns_client.cpp -- c-ares 1.18 channel per probed DNS server, sockets handed to an external epoll.
#include "health/dns_client.hpp"

#include <ares.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <mutex>
#include <netinet/in.h>
#include <stdexcept>
#include <string>

#include "health/address.hpp"

namespace health {

namespace {

void init_library_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Never paired with ares_library_cleanup: channels may live until exit, and on Linux
        // the init only sets up allocators.
        if (int rc = ares_library_init(ARES_LIB_INIT_ALL); rc != ARES_SUCCESS) {
            throw std::runtime_error(std::string("c-ares init: ") + ares_strerror(rc));
        }
    });
}

}  // namespace

struct DnsClient::Impl {
    ares_channel channel = nullptr;
    int epoll_fd = -1;
    uint64_t epoll_tag = 0;
    std::chrono::milliseconds timeout{};
    Done done = nullptr;
    void* context = nullptr;
    bool quiet = false;     // set while cancelling or destroying: swallow the callbacks
    std::vector<int> fds;   // sockets currently registered in epoll_fd (usually 0 or 1)

    static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
        auto* self = static_cast<Impl*>(data);
        const auto it = std::find(self->fds.begin(), self->fds.end(), fd);
        if (readable == 0 && writable == 0) {
            // c-ares is about to close the socket; removing it first keeps epoll exact.
            if (it != self->fds.end()) {
                epoll_ctl(self->epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
                self->fds.erase(it);
            }
            return;
        }
        epoll_event ev{};
        ev.events = (readable != 0 ? EPOLLIN : 0u) | (writable != 0 ? EPOLLOUT : 0u);
        ev.data.u64 = self->epoll_tag | static_cast<uint32_t>(fd);
        if (it != self->fds.end()) {
            epoll_ctl(self->epoll_fd, EPOLL_CTL_MOD, fd, &ev);
        } else if (epoll_ctl(self->epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0) {
            self->fds.push_back(fd);
        }
    }

    static void on_response(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
        // ARES_EDESTRUCTION arrives from ares_destroy(), when the owner may be half torn down.
        if (status == ARES_EDESTRUCTION) return;
        auto* self = static_cast<Impl*>(arg);
        if (self->quiet) return;
        DnsReply reply;
        switch (status) {
            case ARES_SUCCESS:
                reply.response = {abuf, static_cast<size_t>(std::max(alen, 0))};
                break;
            case ARES_ECONNREFUSED:  // ICMP port unreachable on the UDP socket
                reply.error = {Outcome::refused};
                break;
            case ARES_ETIMEOUT:
                reply.error = {Outcome::timeout, Phase::response,
                               static_cast<int32_t>(self->timeout.count())};
                break;
            case ARES_EBADRESP: reply.error = {Outcome::dns_malformed}; break;
            case ARES_ENOMEM: reply.error = {Outcome::local_error, Phase::none, ENOMEM}; break;
            default: reply.error = {Outcome::dns_error, Phase::none, status}; break;
        }
        self->done(self->context, reply);
    }
};

DnsClient::DnsClient(const Address& server, uint16_t port, std::chrono::milliseconds timeout,
                     int epoll_fd, uint64_t epoll_tag, Done done, void* context)
    : impl_(std::make_unique<Impl>()) {
    init_library_once();
    impl_->epoll_fd = epoll_fd;
    impl_->epoll_tag = epoll_tag;
    impl_->timeout = timeout;
    impl_->done = done;
    impl_->context = context;

    // Every option that c-ares would otherwise read from /etc/resolv.conf is given, so a channel
    // per target costs no file reads. The placeholder server is replaced just below (the options
    // struct only takes IPv4 servers, and no port).
    ares_options opts{};
    in_addr placeholder{};
    placeholder.s_addr = htonl(INADDR_LOOPBACK);
    char lookups[] = "b";
    // NOCHECKRESP: SERVFAIL and REFUSED come back as answers to judge, not "could not contact".
    // IGNTC: a truncated answer still carries the rcode; no TCP retry.
    opts.flags = ARES_FLAG_NOCHECKRESP | ARES_FLAG_IGNTC | ARES_FLAG_NOSEARCH;
    // Twice the check timeout: the prober's deadline fires first and reports the phase.
    opts.timeout = static_cast<int>(std::min<int64_t>(timeout.count() * 2, 3'600'000));
    opts.tries = 1;  // a retry inside one probe would hide loss that fall/rise already smooths
    opts.ndots = 1;
    opts.servers = &placeholder;
    opts.nservers = 1;
    opts.domains = nullptr;
    opts.ndomains = 0;
    opts.lookups = lookups;
    opts.sortlist = nullptr;
    opts.nsort = 0;
    opts.sock_state_cb = &Impl::on_socket_state;
    opts.sock_state_cb_data = impl_.get();
    const int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_NDOTS |
                     ARES_OPT_SERVERS | ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS | ARES_OPT_SORTLIST |
                     ARES_OPT_SOCK_STATE_CB;
    if (int rc = ares_init_options(&impl_->channel, &opts, mask); rc != ARES_SUCCESS) {
        throw std::runtime_error(std::string("c-ares channel: ") + ares_strerror(rc));
    }

    ares_addr_port_node node{};
    node.next = nullptr;
    if (server.family == Address::Family::v4) {
        node.family = AF_INET;
        std::copy_n(server.bytes.begin(), 4, reinterpret_cast<uint8_t*>(&node.addr.addr4));
    } else {
        node.family = AF_INET6;
        std::copy_n(server.bytes.begin(), 16, reinterpret_cast<uint8_t*>(&node.addr.addr6));
    }
    node.udp_port = port;
    node.tcp_port = port;
    if (int rc = ares_set_servers_ports(impl_->channel, &node); rc != ARES_SUCCESS) {
        ares_destroy(impl_->channel);
        throw std::runtime_error(std::string("c-ares server: ") + ares_strerror(rc));
    }
}

DnsClient::~DnsClient() {
    impl_->quiet = true;
    ares_destroy(impl_->channel);  // closes its sockets, which unregisters them from epoll
}

void DnsClient::send(std::span<const uint8_t> query) {
    ares_send(impl_->channel, query.data(), static_cast<int>(query.size()), &Impl::on_response,
              impl_.get());
}

void DnsClient::on_event(int fd, uint32_t events) {
    const ares_socket_t rfd = (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0 ? fd : ARES_SOCKET_BAD;
    const ares_socket_t wfd = (events & EPOLLOUT) != 0 ? fd : ARES_SOCKET_BAD;
    ares_process_fd(impl_->channel, rfd, wfd);
}

void DnsClient::cancel() {
    impl_->quiet = true;
    ares_cancel(impl_->channel);
    impl_->quiet = false;
}

}  // namespace health
