// process.hpp -- child processes for end-to-end tests: spawn, capture output, stop by PID.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace test_support {

/// How a child ended: exited with a code, or was killed by a signal.
struct ExitStatus {
    bool exited = false;  ///< true: `code` is the exit code; false: `signal` killed it
    int code = 0;
    int signal = 0;

    bool is_success() const { return exited && code == 0; }
    std::string to_string() const;  ///< "exit 0", "signal 9 (Killed)"
};

/// What to run. `argv[0]` is a path, or a bare name searched with find_program().
struct ProcessOptions {
    std::vector<std::string> argv;
    /// "NAME=value" entries added to (or overriding) the inherited environment.
    std::vector<std::string> env;
    std::filesystem::path stdout_path;  ///< empty: /dev/null
    std::filesystem::path stderr_path;  ///< empty: /dev/null
    std::filesystem::path cwd;          ///< empty: inherited
};

/// A running child process, in its own process group. Not thread-safe.
///
/// The destructor stops it (SIGTERM, then SIGKILL after `default_grace`), so a
/// failing test never leaks a server. Every signal goes to this child's PID (or,
/// for SIGKILL, to its process group, whose id is the same PID, so that forked
/// helpers such as NSD's xfrd die with it).
class Process {
public:
    static constexpr std::chrono::milliseconds default_grace{5000};

    /// Starts the child; throws std::runtime_error (with errno text) if it cannot.
    explicit Process(const ProcessOptions& options);
    Process(Process&& other) noexcept;
    Process& operator=(Process&& other) noexcept;
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process();

    pid_t pid() const { return pid_; }

    /// True while the child has not exited (reaps it without blocking once it has).
    bool is_running();

    /// Waits up to `timeout` for the child to exit by itself.
    std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout);

    /// SIGTERM, wait up to `grace`, then SIGKILL the process group and reap.
    /// Idempotent: later calls return the first status.
    ExitStatus stop(std::chrono::milliseconds grace = default_grace);

    /// Sends `signal` to the child's PID (e.g. SIGHUP); false if it has exited.
    bool send_signal(int signal);

    /// The status once the child has been reaped.
    const std::optional<ExitStatus>& exit_status() const { return status_; }

    const std::filesystem::path& stdout_path() const { return stdout_path_; }
    const std::filesystem::path& stderr_path() const { return stderr_path_; }
    std::string stdout_text() const;  ///< the captured stdout so far ("" if not captured)
    std::string stderr_text() const;  ///< the captured stderr so far ("" if not captured)

private:
    bool reap(bool block);

    pid_t pid_ = -1;
    bool stopped_ = false;  ///< stop() ran: never signal this PID (or its group) again
    std::optional<ExitStatus> status_;
    std::filesystem::path stdout_path_;
    std::filesystem::path stderr_path_;
};

/// Runs a command to completion (at most `timeout`, then it is stopped) and returns its
/// status; stdout and stderr go to the paths in `options`.
ExitStatus run(const ProcessOptions& options, std::chrono::milliseconds timeout);

/// `name` if it contains a '/' and is executable, else the first executable `name` in
/// $PATH, /usr/local/sbin, /usr/sbin, /sbin (daemons such as knotd live in sbin,
/// which is not in a normal user's PATH).
std::optional<std::filesystem::path> find_program(const std::string& name);

/// A port that is free on 127.0.0.1 for both UDP and TCP right now (bound to port 0,
/// then released). Another process may still take it: retry on a bind error.
std::uint16_t free_port();

/// Polls `predicate` every `interval` until it returns true (-> true) or `timeout`
/// passes (-> false). The predicate runs at least once.
bool wait_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds{20});

/// The whole content of a file ("" if it cannot be read).
std::string read_file(const std::filesystem::path& path);

/// Writes `content` to `path` (truncating); throws std::runtime_error on failure.
void write_file(const std::filesystem::path& path, const std::string& content);

/// A fresh directory under $TMPDIR (or /tmp), removed with its content by the destructor.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "dnsd-test");
    TempDir(TempDir&& other) noexcept;
    TempDir& operator=(TempDir&&) = delete;
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace test_support
