// prober.hpp -- Prober: the one thread that probes every target and writes the StatusTable.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "health/probe_result.hpp"
#include "health/status_table.hpp"
#include "health/target.hpp"

namespace health {

/// One up/down change, as reported to the transition callback.
struct Transition {
    std::size_t slot = 0;           ///< slot in the current StatusTable
    const Target* target = nullptr; ///< valid during the callback only
    bool up = false;                ///< the new state
    ProbeResult why;                ///< the probe that tipped it
    uint32_t count = 0;             ///< consecutive results of that kind (= fall or rise)
};

/// "health: 192.0.2.10:80 check web (http) DOWN: connection refused (2 consecutive failures)".
[[nodiscard]] std::string format_transition(const Transition& t);

/// Tunables of the prober; the defaults suit thousands of targets.
struct ProberOptions {
    /// Most probes in flight at once; more due probes wait in FIFO order. 0 = a quarter of
    /// RLIMIT_NOFILE (after raising it), at most 4096, at least 16: each probe holds one socket,
    /// and the server needs the other descriptors for its clients.
    std::size_t max_in_flight = 0;
    /// Raise the process's RLIMIT_NOFILE soft limit to the hard limit at start() (process-wide).
    bool raise_fd_limit = true;
};

/// Counters for metrics and benchmarks. Any thread may read them.
struct ProberStats {
    uint64_t probes = 0;         ///< probes finished (any result)
    uint64_t transitions = 0;    ///< up/down changes
    uint64_t local_errors = 0;   ///< probes this host could not run (e.g. out of descriptors)
    uint64_t in_flight = 0;      ///< probes running now
    uint64_t queued = 0;         ///< due probes waiting for max_in_flight
    uint64_t targets = 0;        ///< targets being probed
    std::chrono::nanoseconds cpu_time{0};  ///< CPU used by the prober thread so far
};

/// Runs every health probe on one thread with one non-blocking epoll loop: TCP connects,
/// HTTP GETs and c-ares DNS queries, each with its own interval (jittered) and timeout, and
/// never more than max_in_flight at once. Results go through a StateMachine per target into the
/// StatusTable given with the targets; the prober thread is that table's only writer.
///
/// Threads: set_targets(), start(), stop() and stats() may be called from any thread (one at a
/// time for start/stop); the transition callback runs on the prober thread and must be quick.
/// A target's first probe runs as soon as it is adopted (at start, or after set_targets).
class Prober {
public:
    using TransitionCallback = std::function<void(const Transition&)>;

    explicit Prober(ProberOptions options = {});
    /// Stops the thread if running.
    ~Prober();
    Prober(const Prober&) = delete;
    Prober& operator=(const Prober&) = delete;

    /// Replaces the callback for up/down changes (default: format_transition() to stderr).
    /// Call before start(). It runs on the prober thread: it may call set_targets() or stats(),
    /// never stop().
    void on_transition(TransitionCallback callback);

    /// Hands the prober the targets of a new load: targets[i] writes slot i of `table`, which
    /// must have targets.size() slots. Targets equal by Target::key() to ones of the previous call
    /// keep their state, counters and schedule (probes in flight carry on); the others start up
    /// and are probed at once; targets absent from the list stop being probed.
    ///
    /// Before returning, the new table is seeded with the last published state of every kept
    /// target, so it can be published with a snapshot right away; the prober thread adopts the
    /// list moments later and writes only the new table from then on. Call it before publishing
    /// the snapshot that holds `table`. Targets should be unique by key (TargetSet does that);
    /// a duplicate is probed separately. Safe before start() and from any thread.
    void set_targets(std::shared_ptr<StatusTable> table, std::vector<Target> targets);

    /// Starts the prober thread. Throws std::system_error if epoll or the thread cannot be made.
    /// Calling it again, even after stop(), does nothing: a Prober runs once.
    void start();
    /// Stops and joins the thread, closing every probe socket. Safe to call twice. The tables
    /// keep their last state.
    void stop();

    [[nodiscard]] ProberStats stats() const;

private:
    class Loop;
    std::unique_ptr<Loop> loop_;
};

}  // namespace health
