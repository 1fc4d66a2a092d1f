// prober.cpp -- the prober thread: one epoll loop, timers, TCP/HTTP probe sockets, c-ares DNS probes.
#include "health/prober.hpp"

#include <netinet/in.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <queue>
#include <random>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "health/dns_client.hpp"
#include "health/dns_message.hpp"
#include "health/http_probe.hpp"
#include "health/state_machine.hpp"

namespace health {

namespace {

using Clock = std::chrono::steady_clock;

// epoll_event.data layout. Probe sockets: runner id (bits 61-32) and the probe's sequence number
// (bits 31-0), so an event left over from a finished probe is recognised and dropped. c-ares
// sockets: bit 63, runner id, and the fd (c-ares needs it back). The wake eventfd: all ones.
constexpr uint64_t kWakeData = ~uint64_t{0};
constexpr uint64_t kDnsBit = uint64_t{1} << 63;
constexpr uint32_t kIdMask = (1u << 30) - 1;

// epoll_wait batch: large enough that a round of thousands of targets drains in a few calls.
constexpr int kMaxEvents = 256;
// Bounds of the automatic max_in_flight: enough parallelism for a slow backend not to delay
// the rest, and below any fd limit the rest of the server would miss.
constexpr std::size_t kMinInFlight = 16;
constexpr std::size_t kMaxInFlightAuto = 4096;
// Longest epoll sleep with nothing scheduled; set_targets() and stop() wake the loop anyway.
constexpr int kIdleWaitMs = 60'000;
// Timers are served in batches at most this late: 10,000 targets every 2 s would otherwise wake
// the thread for nearly every probe, and each wake-up costs more than the probe's own syscalls.
// A probe starting or timing out 10 ms late changes no outcome that matters.
constexpr int kTimerSlackMs = 10;

ProbeResult from_errno(int err, Phase phase) {
    switch (err) {
        case ECONNREFUSED: return {Outcome::refused, phase, 0};
        case ECONNRESET:
        case ECONNABORTED:
        case EPIPE: return {Outcome::reset, phase, 0};
        case ENETUNREACH:
        case EHOSTUNREACH:
        case ENETDOWN:
        case EHOSTDOWN: return {Outcome::unreachable, phase, err};
        // Out of descriptors, buffers or ephemeral ports: this host's problem, not the backend's.
        case EMFILE:
        case ENFILE:
        case ENOBUFS:
        case ENOMEM:
        case EADDRNOTAVAIL:
        case EAGAIN: return {Outcome::local_error, phase, err};
        default: return {Outcome::socket_error, phase, err};
    }
}

struct TimerEntry {
    Clock::time_point when;
    uint64_t token;
    uint32_t id;
};

struct LaterFirst {
    bool operator()(const TimerEntry& a, const TimerEntry& b) const noexcept { return a.when > b.when; }
};

// A receive buffer, recycled between HTTP probes so a probe allocates nothing in steady state.
struct Buffer {
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0;
};

void write_stderr(const Transition& t) {
    const std::string line = format_transition(t) + '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);  // one call: lines from threads do not mix
}

}  // namespace

std::string format_transition(const Transition& t) {
    std::string out = "health: ";
    if (t.target != nullptr && t.target->check) {
        const Check& c = *t.target->check;
        out += t.target->address.to_string(c.port);
        out += " check ";
        out += c.name.empty() ? "(unnamed)" : c.name;
        out += " (";
        out += to_string(c.type);
        out += ")";
    } else {
        out += "slot " + std::to_string(t.slot);
    }
    out += t.up ? " UP: " : " DOWN: ";
    out += t.why.describe();
    out += " (" + std::to_string(t.count) + " consecutive " + (t.up ? "successes" : "failures") + ")";
    return out;
}

class Prober::Loop {
public:
    explicit Loop(ProberOptions options) : options_(options) {}
    ~Loop() {
        stop();
        if (epoll_fd_ >= 0) close(epoll_fd_);
        if (wake_fd_ >= 0) close(wake_fd_);
    }
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    void on_transition(TransitionCallback cb) {
        std::lock_guard lock(mutex_);
        on_transition_ = std::move(cb);
    }

    void set_targets(std::shared_ptr<StatusTable> table, std::vector<Target> targets);
    void start();
    void stop();
    ProberStats stats() const;

private:
    enum class Stage : uint8_t { idle, queued, connecting, sending, receiving, dns };

    // Everything the loop keeps about one target. Heap-allocated so that its address, given to
    // c-ares as callback context, stays put while the runner table grows.
    struct Runner {
        Loop* loop = nullptr;
        uint32_t id = 0;
        uint32_t slot = 0;
        uint64_t generation = 0;  // last adoption that kept it
        Target target;
        std::string key;
        sockaddr_storage addr{};
        socklen_t addr_len = 0;
        std::string request;         // http: built once
        std::vector<uint8_t> query;  // dns: built once
        std::unique_ptr<DnsClient> dns;
        StateMachine machine;
        TargetStatus status;
        Stage stage = Stage::idle;
        int fd = -1;
        bool registered = false;  // fd is in epoll
        uint32_t seq = 0;         // this probe's number, in the epoll data of its socket
        uint64_t token = 0;       // identifies the one live timer or queue entry
        Clock::time_point started{};
        std::size_t sent = 0;
        Buffer buffer;
        std::size_t received = 0;

        Runner(const Check& c, Clock::time_point now) : machine(c.fall, c.rise, now) {}
        const Check& check() const { return *target.check; }
    };

    struct Pending {
        std::shared_ptr<StatusTable> table;
        std::vector<Target> targets;
        std::vector<std::string> keys;
    };

    // --- loop thread ---
    void run();
    void adopt(Pending pending);
    Runner& add_runner(Target target, std::string key, uint32_t slot);
    void retire(Runner& r);
    void fire_timers();
    void start_waiting();
    int wait_ms() const;
    void dispatch(const epoll_event& ev);
    void arm(Runner& r, Clock::time_point when);
    void begin(Runner& r);
    void start_probe(Runner& r);
    void start_stream(Runner& r);
    void on_connected(Runner& r);
    void send_request(Runner& r);
    void on_stream_event(Runner& r, uint32_t events);
    void on_readable(Runner& r);
    void start_dns(Runner& r);
    static void on_dns_reply(void* context, const DnsReply& reply);
    bool watch(Runner& r, uint32_t events);
    void release_io(Runner& r);
    void finish(Runner& r, ProbeResult result);
    Clock::duration next_interval(const Check& c);
    Buffer take_buffer(std::size_t capacity);
    void teardown();

    static bool in_flight(Stage s) { return s != Stage::idle && s != Stage::queued; }

    // --- shared with other threads ---
    ProberOptions options_;
    mutable std::mutex mutex_;  // guards on_transition_, pending_, last_table_, last_slots_, state_
    TransitionCallback on_transition_;
    std::optional<Pending> pending_;
    std::shared_ptr<StatusTable> last_table_;                 // table of the latest set_targets()
    std::unordered_map<std::string, uint32_t> last_slots_;   // its key -> slot
    enum class State { created, running, stopped } state_ = State::created;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> has_pending_{false};
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    std::atomic<uint64_t> n_probes_{0}, n_transitions_{0}, n_local_errors_{0};
    std::atomic<uint64_t> n_in_flight_{0}, n_queued_{0}, n_targets_{0};
    std::atomic<int64_t> cpu_ns_final_{0};
    std::atomic<bool> cpu_clock_valid_{false};
    std::atomic<clockid_t> cpu_clock_{0};

    // --- loop thread only ---
    TransitionCallback notify_;
    std::vector<std::unique_ptr<Runner>> runners_;  // index = runner id; null = free
    std::vector<uint32_t> free_ids_;
    std::shared_ptr<StatusTable> table_;
    std::priority_queue<TimerEntry, std::vector<TimerEntry>, LaterFirst> timers_;
    std::deque<std::pair<uint32_t, uint64_t>> waiting_;  // (id, token), FIFO
    std::vector<Buffer> spare_buffers_;
    std::size_t in_flight_ = 0;
    std::size_t queued_ = 0;
    std::size_t max_in_flight_ = kMinInFlight;
    uint64_t next_token_ = 1;
    uint32_t next_seq_ = 1;
    uint64_t generation_ = 0;
    Clock::time_point now_{};
    std::minstd_rand rng_;
    std::uniform_real_distribution<double> unit_{0.0, 1.0};
};

// ---------------------------------------------------------------------------------------------
// Control side

void Prober::Loop::set_targets(std::shared_ptr<StatusTable> table, std::vector<Target> targets) {
    Pending p;
    p.keys.reserve(targets.size());
    for (const auto& t : targets) p.keys.push_back(t.key());

    std::lock_guard lock(mutex_);
    // Seed the new table from the latest one, so a snapshot published before the prober thread
    // adopts the list already shows down members as down. The prober re-writes these slots when
    // it adopts (it is then the only writer), which also covers changes made in between.
    std::unordered_map<std::string, uint32_t> slots;
    slots.reserve(p.keys.size());
    for (std::size_t i = 0; i < p.keys.size(); ++i) {
        slots.try_emplace(p.keys[i], static_cast<uint32_t>(i));
        if (!last_table_ || !table) continue;
        if (auto it = last_slots_.find(p.keys[i]); it != last_slots_.end()) {
            table->update(i, last_table_->status(it->second));
        }
    }
    last_table_ = table;
    last_slots_ = std::move(slots);
    p.table = std::move(table);
    p.targets = std::move(targets);
    pending_ = std::move(p);
    has_pending_.store(true, std::memory_order_release);
    if (wake_fd_ >= 0) {
        const uint64_t one = 1;
        [[maybe_unused]] auto n = write(wake_fd_, &one, sizeof one);
    }
}

void Prober::Loop::start() {
    std::lock_guard lock(mutex_);
    if (state_ != State::created) return;

    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        if (options_.raise_fd_limit && rl.rlim_cur < rl.rlim_max) {
            rlimit raised = rl;
            raised.rlim_cur = rl.rlim_max;
            if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
        }
    }
    if (options_.max_in_flight != 0) {
        max_in_flight_ = options_.max_in_flight;
    } else {
        const rlim_t soft = rl.rlim_cur == RLIM_INFINITY ? rlim_t{1} << 20 : rl.rlim_cur;
        max_in_flight_ = std::clamp<std::size_t>(static_cast<std::size_t>(soft / 4), kMinInFlight,
                                                 kMaxInFlightAuto);
    }

    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "health: epoll_create1");
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "health: eventfd");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeData;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
        throw std::system_error(errno, std::generic_category(), "health: epoll_ctl");
    }
    notify_ = on_transition_ ? on_transition_ : TransitionCallback(&write_stderr);
    rng_.seed(static_cast<std::minstd_rand::result_type>(std::random_device{}()));
    stopping_.store(false);
    thread_ = std::thread([this] { run(); });
    state_ = State::running;
}

void Prober::Loop::stop() {
    {
        std::lock_guard lock(mutex_);
        if (state_ != State::running) return;
        state_ = State::stopped;
        stopping_.store(true, std::memory_order_release);
        const uint64_t one = 1;
        [[maybe_unused]] auto n = write(wake_fd_, &one, sizeof one);
    }
    thread_.join();
}

ProberStats Prober::Loop::stats() const {
    ProberStats s;
    s.probes = n_probes_.load(std::memory_order_relaxed);
    s.transitions = n_transitions_.load(std::memory_order_relaxed);
    s.local_errors = n_local_errors_.load(std::memory_order_relaxed);
    s.in_flight = n_in_flight_.load(std::memory_order_relaxed);
    s.queued = n_queued_.load(std::memory_order_relaxed);
    s.targets = n_targets_.load(std::memory_order_relaxed);
    s.cpu_time = std::chrono::nanoseconds(cpu_ns_final_.load(std::memory_order_acquire));
    if (cpu_clock_valid_.load(std::memory_order_acquire)) {
        // The clock id stays valid while the thread runs; once it has exited the call fails
        // and the final value stored by the thread is used.
        timespec ts{};
        if (clock_gettime(cpu_clock_.load(std::memory_order_relaxed), &ts) == 0) {
            s.cpu_time = std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
        }
    }
    return s;
}

// ---------------------------------------------------------------------------------------------
// Loop thread

void Prober::Loop::run() {
    pthread_setname_np(pthread_self(), "dnsd-prober");   // visible in top -H and /proc
    clockid_t cid{};
    if (pthread_getcpuclockid(pthread_self(), &cid) == 0) {
        cpu_clock_.store(cid, std::memory_order_relaxed);
        cpu_clock_valid_.store(true, std::memory_order_release);
    }
    std::array<epoll_event, kMaxEvents> events{};
    while (!stopping_.load(std::memory_order_acquire)) {
        now_ = Clock::now();
        if (has_pending_.load(std::memory_order_acquire)) {
            std::optional<Pending> p;
            {
                std::lock_guard lock(mutex_);
                p.swap(pending_);
                has_pending_.store(false, std::memory_order_relaxed);
            }
            if (p) adopt(std::move(*p));
        }
        fire_timers();
        start_waiting();
        n_in_flight_.store(in_flight_, std::memory_order_relaxed);
        n_queued_.store(queued_, std::memory_order_relaxed);

        const int n = epoll_wait(epoll_fd_, events.data(), kMaxEvents, wait_ms());
        if (n < 0) {
            if (errno == EINTR) continue;
            // Only EBADF/EFAULT/EINVAL are possible, i.e. a bug; do not spin on it.
            std::fprintf(stderr, "health: epoll_wait: %s\n", std::strerror(errno));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        now_ = Clock::now();
        for (int i = 0; i < n; ++i) dispatch(events[static_cast<std::size_t>(i)]);
    }
    teardown();
    timespec ts{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) {
        cpu_ns_final_.store(ts.tv_sec * 1'000'000'000 + ts.tv_nsec, std::memory_order_release);
    }
    cpu_clock_valid_.store(false, std::memory_order_release);
}

void Prober::Loop::adopt(Pending pending) {
    ++generation_;
    std::unordered_map<std::string_view, uint32_t> existing;
    existing.reserve(runners_.size());
    for (const auto& r : runners_) {
        if (r) existing.try_emplace(r->key, r->id);
    }
    table_ = std::move(pending.table);

    for (std::size_t i = 0; i < pending.targets.size(); ++i) {
        const auto slot = static_cast<uint32_t>(i);
        Runner* r = nullptr;
        if (auto it = existing.find(pending.keys[i]); it != existing.end()) {
            r = runners_[it->second].get();
            existing.erase(it);  // a duplicate key in the new list gets its own runner
            r->target = std::move(pending.targets[i]);  // same probe; the check's name may differ
            r->slot = slot;
        } else {
            r = &add_runner(std::move(pending.targets[i]), std::move(pending.keys[i]), slot);
        }
        r->generation = generation_;
        if (table_) table_->update(slot, r->status);
    }
    std::size_t live = 0;
    for (auto& r : runners_) {
        if (!r) continue;
        if (r->generation != generation_) {
            retire(*r);
            free_ids_.push_back(r->id);
            r.reset();
        } else {
            ++live;
        }
    }
    n_targets_.store(live, std::memory_order_relaxed);
}

Prober::Loop::Runner& Prober::Loop::add_runner(Target target, std::string key, uint32_t slot) {
    uint32_t id = 0;
    if (!free_ids_.empty()) {
        id = free_ids_.back();
        free_ids_.pop_back();
    } else {
        id = static_cast<uint32_t>(runners_.size());
        runners_.emplace_back();
    }
    auto r = std::make_unique<Runner>(*target.check, now_);
    r->loop = this;
    r->id = id & kIdMask;
    r->slot = slot;
    r->key = std::move(key);
    r->target = std::move(target);
    r->status.last_change = now_;

    const Check& c = r->check();
    const Address& a = r->target.address;
    if (a.family == Address::Family::v4) {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_port = htons(c.port);
        std::memcpy(&sin.sin_addr, a.bytes.data(), 4);
        std::memcpy(&r->addr, &sin, sizeof sin);
        r->addr_len = sizeof sin;
    } else {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(c.port);
        std::memcpy(&sin6.sin6_addr, a.bytes.data(), 16);
        std::memcpy(&r->addr, &sin6, sizeof sin6);
        r->addr_len = sizeof sin6;
    }
    if (c.type == CheckType::http) r->request = build_http_request(c, a);
    if (c.type == CheckType::dns) r->query = build_dns_query(c);

    arm(*r, now_);  // the first probe runs at once
    runners_[id] = std::move(r);
    return *runners_[id];
}

void Prober::Loop::retire(Runner& r) {
    if (in_flight(r.stage)) {
        if (r.stage == Stage::dns && r.dns) r.dns->cancel();
        release_io(r);
        --in_flight_;
    } else if (r.stage == Stage::queued) {
        --queued_;  // its waiting_ entry no longer matches a token and is skipped
    }
    r.stage = Stage::idle;
    r.dns.reset();  // ares_destroy closes its sockets, which leaves epoll
}

void Prober::Loop::teardown() {
    for (auto& r : runners_) {
        if (r) retire(*r);
    }
    runners_.clear();
    free_ids_.clear();
    waiting_.clear();
    timers_ = {};
    spare_buffers_.clear();
    queued_ = 0;
    n_in_flight_.store(0, std::memory_order_relaxed);
    n_queued_.store(0, std::memory_order_relaxed);
}

void Prober::Loop::arm(Runner& r, Clock::time_point when) {
    r.token = next_token_++;
    timers_.push({when, r.token, r.id});
}

int Prober::Loop::wait_ms() const {
    if (has_pending_.load(std::memory_order_relaxed)) return 0;
    if (in_flight_ < max_in_flight_ && queued_ > 0) return 0;
    if (timers_.empty()) return kIdleWaitMs;
    const auto left = timers_.top().when - Clock::now();
    if (left <= Clock::duration::zero()) return 0;
    // Round up: waking a little late is harmless, waking early would spin until the deadline.
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return static_cast<int>(std::clamp<int64_t>(ms, kTimerSlackMs, kIdleWaitMs));
}

void Prober::Loop::fire_timers() {
    while (!timers_.empty() && timers_.top().when <= now_) {
        const TimerEntry e = timers_.top();
        timers_.pop();
        if (e.id >= runners_.size()) continue;
        Runner* r = runners_[e.id].get();
        if (r == nullptr || r->token != e.token) continue;  // superseded
        if (r->stage == Stage::idle) {
            begin(*r);
        } else if (in_flight(r->stage)) {
            const Phase phase = r->stage == Stage::connecting  ? Phase::connect
                                : r->stage == Stage::sending   ? Phase::request
                                                               : Phase::response;
            if (r->stage == Stage::dns && r->dns) r->dns->cancel();
            finish(*r, {Outcome::timeout, phase, static_cast<int32_t>(r->check().timeout.count())});
        }
    }
}

void Prober::Loop::begin(Runner& r) {
    if (in_flight_ >= max_in_flight_) {
        r.stage = Stage::queued;
        r.token = next_token_++;
        waiting_.emplace_back(r.id, r.token);
        ++queued_;
        return;
    }
    start_probe(r);
}

void Prober::Loop::start_waiting() {
    while (in_flight_ < max_in_flight_ && !waiting_.empty()) {
        const auto [id, token] = waiting_.front();
        waiting_.pop_front();
        Runner* r = id < runners_.size() ? runners_[id].get() : nullptr;
        if (r == nullptr || r->token != token || r->stage != Stage::queued) continue;
        --queued_;
        start_probe(*r);
    }
}

void Prober::Loop::start_probe(Runner& r) {
    ++in_flight_;
    r.started = now_;
    r.seq = next_seq_++;
    arm(r, now_ + r.check().timeout);  // the deadline
    if (r.check().type == CheckType::dns) {
        start_dns(r);
    } else {
        start_stream(r);
    }
}

// --- TCP and HTTP ---

void Prober::Loop::start_stream(Runner& r) {
    const int family = r.target.address.family == Address::Family::v4 ? AF_INET : AF_INET6;
    r.stage = Stage::connecting;
    r.fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (r.fd < 0) return finish(r, from_errno(errno, Phase::connect));
    if (r.check().type == CheckType::tcp) {
        // Close with RST: a connect-only probe leaves no TIME_WAIT entry behind, which at
        // thousands of probes a second would otherwise pile up by the hundred thousand.
        const linger lg{1, 0};
        setsockopt(r.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    if (connect(r.fd, reinterpret_cast<const sockaddr*>(&r.addr), r.addr_len) == 0) {
        return on_connected(r);  // loopback may connect at once
    }
    if (errno != EINPROGRESS) return finish(r, from_errno(errno, Phase::connect));
    if (!watch(r, EPOLLOUT)) return finish(r, from_errno(errno, Phase::connect));
}

bool Prober::Loop::watch(Runner& r, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = (uint64_t{r.id} << 32) | r.seq;
    const int op = r.registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(epoll_fd_, op, r.fd, &ev) != 0) return false;
    r.registered = true;
    return true;
}

void Prober::Loop::on_connected(Runner& r) {
    if (r.check().type == CheckType::tcp) return finish(r, {Outcome::connected});
    r.stage = Stage::sending;
    r.sent = 0;
    send_request(r);
}

void Prober::Loop::send_request(Runner& r) {
    while (r.sent < r.request.size()) {
        const ssize_t n = send(r.fd, r.request.data() + r.sent, r.request.size() - r.sent, MSG_NOSIGNAL);
        if (n >= 0) {
            r.sent += static_cast<std::size_t>(n);
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!watch(r, EPOLLOUT)) finish(r, from_errno(errno, Phase::request));
            return;
        } else {
            return finish(r, from_errno(errno, Phase::request));
        }
    }
    r.stage = Stage::receiving;
    r.received = 0;
    r.buffer = take_buffer(r.check().response_limit);
    if (!watch(r, EPOLLIN)) finish(r, from_errno(errno, Phase::response));
}

void Prober::Loop::on_stream_event(Runner& r, uint32_t events) {
    switch (r.stage) {
        case Stage::connecting: {
            // Writable without an error is connected; only a failure needs SO_ERROR's reason.
            if ((events & (EPOLLERR | EPOLLHUP)) == 0) return on_connected(r);
            int err = 0;
            socklen_t len = sizeof err;
            if (getsockopt(r.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
            if (err == 0 && (events & EPOLLOUT) == 0) err = ECONNREFUSED;
            if (err != 0) return finish(r, from_errno(err, Phase::connect));
            return on_connected(r);
        }
        case Stage::sending: return send_request(r);
        case Stage::receiving: return on_readable(r);
        default: return;
    }
}

void Prober::Loop::on_readable(Runner& r) {
    const Check& c = r.check();
    const std::size_t limit = c.response_limit;
    auto view = [&] { return std::string_view(r.buffer.data.get(), r.received); };
    for (;;) {
        if (r.received >= limit) {
            return finish(r, evaluate_http(c, view(), false).value_or(ProbeResult{Outcome::too_large}));
        }
        const ssize_t n = recv(r.fd, r.buffer.data.get() + r.received, limit - r.received, 0);
        if (n > 0) {
            r.received += static_cast<std::size_t>(n);
            if (auto v = evaluate_http(c, view(), false)) return finish(r, *v);
        } else if (n == 0) {
            return finish(r, evaluate_http(c, view(), true).value_or(ProbeResult{Outcome::closed}));
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return;
        } else {
            const int err = errno;
            // A backend may reset right after a complete answer; judge what arrived first.
            auto v = evaluate_http(c, view(), true);
            return finish(r, v && v->is_ok() ? *v : from_errno(err, Phase::response));
        }
    }
}

Buffer Prober::Loop::take_buffer(std::size_t capacity) {
    Buffer b;
    if (!spare_buffers_.empty()) {
        b = std::move(spare_buffers_.back());
        spare_buffers_.pop_back();
    }
    if (b.capacity < capacity) {
        b.data = std::make_unique_for_overwrite<char[]>(capacity);
        b.capacity = capacity;
    }
    return b;
}

// --- DNS ---

void Prober::Loop::start_dns(Runner& r) {
    r.stage = Stage::dns;
    if (r.query.empty()) return finish(r, {Outcome::local_error, Phase::none, EINVAL});
    if (!r.dns) {
        try {
            const uint64_t tag = kDnsBit | (uint64_t{r.id} << 32);
            r.dns = std::make_unique<DnsClient>(r.target.address, r.check().port, r.check().timeout,
                                                epoll_fd_, tag, &Loop::on_dns_reply, &r);
        } catch (const std::exception&) {
            return finish(r, {Outcome::local_error, Phase::none, ENOMEM});
        }
    }
    r.dns->send(r.query);  // may call on_dns_reply before returning
}

void Prober::Loop::on_dns_reply(void* context, const DnsReply& reply) {
    auto* r = static_cast<Runner*>(context);
    if (r->stage != Stage::dns) return;
    const ProbeResult result =
        reply.error.outcome != Outcome::none ? reply.error : evaluate_dns(r->check(), reply.response);
    // Inside a c-ares callback: finish() must not call back into this channel (no cancel).
    r->loop->finish(*r, result);
}

// --- completion ---

void Prober::Loop::dispatch(const epoll_event& ev) {
    const uint64_t data = ev.data.u64;
    if (data == kWakeData) {
        uint64_t count = 0;
        [[maybe_unused]] auto n = read(wake_fd_, &count, sizeof count);
        return;
    }
    const auto id = static_cast<uint32_t>(data >> 32) & kIdMask;
    Runner* r = id < runners_.size() ? runners_[id].get() : nullptr;
    if (r == nullptr) return;
    if ((data & kDnsBit) != 0) {
        if (r->dns) r->dns->on_event(static_cast<int>(static_cast<uint32_t>(data)), ev.events);
        return;
    }
    if (r->fd < 0 || r->seq != static_cast<uint32_t>(data)) return;  // from a finished probe
    on_stream_event(*r, ev.events);
}

void Prober::Loop::release_io(Runner& r) {
    if (r.fd >= 0) {
        close(r.fd);  // also leaves epoll
        r.fd = -1;
    }
    r.registered = false;
    if (r.buffer.data) spare_buffers_.push_back(std::move(r.buffer));
    r.buffer = {};
}

void Prober::Loop::finish(Runner& r, ProbeResult result) {
    release_io(r);
    r.stage = Stage::idle;
    --in_flight_;

    TargetStatus& s = r.status;
    s.last = result;
    s.last_probe = now_;
    s.last_duration = std::chrono::duration_cast<std::chrono::microseconds>(now_ - r.started);
    bool flipped = false;
    if (result.is_verdict()) {
        ++s.probes;
        if (!result.is_ok()) ++s.failures;
        flipped = r.machine.record(result.is_ok(), now_);
        s.up = r.machine.is_up();
        s.consecutive_ok = r.machine.consecutive_ok();
        s.consecutive_fail = r.machine.consecutive_fail();
        s.last_change = r.machine.last_change();
    } else {
        n_local_errors_.fetch_add(1, std::memory_order_relaxed);
    }
    n_probes_.fetch_add(1, std::memory_order_relaxed);
    if (table_) table_->update(r.slot, s);
    if (flipped) {
        n_transitions_.fetch_add(1, std::memory_order_relaxed);
        Transition t;
        t.slot = r.slot;
        t.target = &r.target;
        t.up = s.up;
        t.why = result;
        t.count = s.up ? s.consecutive_ok : s.consecutive_fail;
        notify_(t);
    }
    // Intervals run start to start (jitter only shortens them), so a slow backend does not
    // stretch the period; a probe that ran past its next start is followed at once.
    arm(r, std::max(r.started + next_interval(r.check()), now_));
}

Clock::duration Prober::Loop::next_interval(const Check& c) {
    const double cut = c.jitter * unit_(rng_);
    const auto shortened = std::chrono::duration<double, std::milli>(
        static_cast<double>(c.interval.count()) * (1.0 - cut));
    return std::chrono::duration_cast<Clock::duration>(shortened);
}

// ---------------------------------------------------------------------------------------------
// Prober

Prober::Prober(ProberOptions options) : loop_(std::make_unique<Loop>(options)) {}
Prober::~Prober() = default;
void Prober::on_transition(TransitionCallback callback) { loop_->on_transition(std::move(callback)); }
void Prober::set_targets(std::shared_ptr<StatusTable> table, std::vector<Target> targets) {
    loop_->set_targets(std::move(table), std::move(targets));
}
void Prober::start() { loop_->start(); }
void Prober::stop() { loop_->stop(); }
ProberStats Prober::stats() const { return loop_->stats(); }

}  // namespace health
