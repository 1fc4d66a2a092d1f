// process.cpp -- child processes for end-to-end tests: posix_spawn, waitpid, signals.
#include "tests/support/process.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace test_support {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

[[noreturn]] void throw_errno(const std::string& what, int error) {
    throw std::runtime_error(what + ": " + std::strerror(error));
}

ExitStatus decode(int wait_status) {
    ExitStatus status;
    if (WIFEXITED(wait_status)) {
        status.exited = true;
        status.code = WEXITSTATUS(wait_status);
    } else if (WIFSIGNALED(wait_status)) {
        status.signal = WTERMSIG(wait_status);
    }
    return status;
}

bool is_executable(const std::filesystem::path& path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

/// The inherited environment with `overrides` ("NAME=value") replacing or adding entries.
std::vector<std::string> merged_environment(const std::vector<std::string>& overrides) {
    std::vector<std::string> result;
    auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        std::string text = *entry;
        bool overridden = false;
        for (const auto& o : overrides) {
            overridden = overridden || name_of(o) == name_of(text);
        }
        if (!overridden) {
            result.push_back(std::move(text));
        }
    }
    result.insert(result.end(), overrides.begin(), overrides.end());
    return result;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    pointers.reserve(strings.size() + 1);
    for (auto& s : strings) {
        pointers.push_back(s.data());
    }
    pointers.push_back(nullptr);
    return pointers;
}

/// RAII for the two posix_spawn attribute objects.
struct SpawnSetup {
    posix_spawn_file_actions_t actions{};
    posix_spawnattr_t attr{};

    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
};

/// RAII for a socket in free_port().
struct Socket {
    int fd;
    explicit Socket(int type) : fd(::socket(AF_INET, type, 0)) {}
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

bool bind_loopback(int fd, std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

}  // namespace

std::string ExitStatus::to_string() const {
    if (exited) {
        return "exit " + std::to_string(code);
    }
    return "signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
}

Process::Process(const ProcessOptions& options)
    : stdout_path_(options.stdout_path), stderr_path_(options.stderr_path) {
    if (options.argv.empty()) {
        throw std::runtime_error("Process: empty argv");
    }
    auto program = find_program(options.argv[0]);
    if (!program) {
        throw std::runtime_error("Process: program not found: " + options.argv[0]);
    }

    // Become the reaper of our children's orphans (NSD's server process outlives its
    // parent by a moment): stop() reaps them instead of leaving zombies to init.
    static std::once_flag subreaper;
    std::call_once(subreaper, [] { ::prctl(PR_SET_CHILD_SUBREAPER, 1); });

    SpawnSetup setup;
    auto redirect = [&](int fd, const std::filesystem::path& path, int flags) {
        const char* target = path.empty() ? "/dev/null" : path.c_str();
        int rc = posix_spawn_file_actions_addopen(&setup.actions, fd, target, flags, 0644);
        if (rc != 0) {
            throw_errno("posix_spawn_file_actions_addopen", rc);
        }
    };
    redirect(STDIN_FILENO, {}, O_RDONLY);
    redirect(STDOUT_FILENO, options.stdout_path, O_WRONLY | O_CREAT | O_TRUNC);
    redirect(STDERR_FILENO, options.stderr_path, O_WRONLY | O_CREAT | O_TRUNC);
    if (!options.cwd.empty()) {
        int rc = posix_spawn_file_actions_addchdir_np(&setup.actions, options.cwd.c_str());
        if (rc != 0) {
            throw_errno("posix_spawn_file_actions_addchdir_np", rc);
        }
    }

    // Own process group (so a SIGKILL reaches forked helpers), default signal
    // dispositions and an empty mask, whatever the test runner set.
    sigset_t all;
    sigset_t none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setpgroup(&setup.attr, 0);
    posix_spawnattr_setsigdefault(&setup.attr, &all);
    posix_spawnattr_setsigmask(&setup.attr, &none);
    auto flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    posix_spawnattr_setflags(&setup.attr, static_cast<short>(flags));

    std::vector<std::string> argv = options.argv;
    argv[0] = program->string();
    std::vector<std::string> env = merged_environment(options.env);
    auto argv_c = c_strings(argv);
    auto env_c = c_strings(env);
    int rc =
        ::posix_spawn(&pid_, argv_c[0], &setup.actions, &setup.attr, argv_c.data(), env_c.data());
    if (rc != 0) {
        pid_ = -1;
        throw_errno("posix_spawn " + argv[0], rc);
    }
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      stopped_(other.stopped_),
      status_(std::move(other.status_)),
      stdout_path_(std::move(other.stdout_path_)),
      stderr_path_(std::move(other.stderr_path_)) {}

Process& Process::operator=(Process&& other) noexcept {
    if (this != &other) {
        if (pid_ > 0 && !stopped_) {
            stop();
        }
        pid_ = std::exchange(other.pid_, -1);
        stopped_ = other.stopped_;
        status_ = std::move(other.status_);
        stdout_path_ = std::move(other.stdout_path_);
        stderr_path_ = std::move(other.stderr_path_);
    }
    return *this;
}

Process::~Process() {
    if (pid_ > 0 && !stopped_) {
        stop();
    }
}

bool Process::reap(bool block) {
    if (status_) {
        return true;
    }
    int wait_status = 0;
    pid_t rc = 0;
    do {
        rc = ::waitpid(pid_, &wait_status, block ? 0 : WNOHANG);
    } while (rc < 0 && errno == EINTR);
    if (rc == pid_) {
        status_ = decode(wait_status);
        return true;
    }
    if (rc < 0) {
        // Not our child any more (ECHILD): nothing left to wait for.
        status_ = ExitStatus{};
        return true;
    }
    return false;
}

bool Process::is_running() { return pid_ > 0 && !reap(false); }

std::optional<ExitStatus> Process::wait_for(milliseconds timeout) {
    if (pid_ <= 0) {
        return status_;
    }
    wait_until([this] { return reap(false); }, timeout, milliseconds{5});
    return status_;
}

ExitStatus Process::stop(milliseconds grace) {
    if (pid_ <= 0 || stopped_) {
        return status_.value_or(ExitStatus{});
    }
    stopped_ = true;
    if (!status_) {
        ::kill(pid_, SIGTERM);
        if (!wait_for(grace)) {
            ::kill(-pid_, SIGKILL);
            ::kill(pid_, SIGKILL);
            reap(true);
        }
    }
    // Helpers the child forked (its process group) must not outlive it; reap those that
    // were handed to us, for up to a second.
    ::kill(-pid_, SIGKILL);
    wait_until(
        [this] {
            int ignored = 0;
            while (::waitpid(-pid_, &ignored, WNOHANG) > 0) {
            }
            return ::kill(-pid_, 0) != 0 && errno == ESRCH;
        },
        milliseconds{1000}, milliseconds{5});
    return *status_;
}

bool Process::send_signal(int signal) { return is_running() && ::kill(pid_, signal) == 0; }

std::string Process::stdout_text() const {
    return stdout_path_.empty() ? std::string{} : read_file(stdout_path_);
}

std::string Process::stderr_text() const {
    return stderr_path_.empty() ? std::string{} : read_file(stderr_path_);
}

ExitStatus run(const ProcessOptions& options, milliseconds timeout) {
    Process process(options);
    if (auto status = process.wait_for(timeout)) {
        return *status;
    }
    return process.stop(milliseconds{1000});
}

std::optional<std::filesystem::path> find_program(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        return is_executable(name) ? std::optional<std::filesystem::path>(name) : std::nullopt;
    }
    std::string dirs;
    if (const char* path = std::getenv("PATH")) {
        dirs = path;
    }
    dirs += ":/usr/local/sbin:/usr/sbin:/sbin";
    std::istringstream stream(dirs);
    for (std::string dir; std::getline(stream, dir, ':');) {
        if (!dir.empty() && is_executable(std::filesystem::path(dir) / name)) {
            return std::filesystem::path(dir) / name;
        }
    }
    return std::nullopt;
}

std::uint16_t free_port() {
    // Bounded: the kernel hands out a fresh ephemeral port each time, so a port
    // busy for TCP only is skipped within a few tries.
    for (int attempt = 0; attempt < 100; ++attempt) {
        Socket udp(SOCK_DGRAM);
        if (udp.fd < 0 || !bind_loopback(udp.fd, 0)) {
            throw_errno("free_port: UDP socket", errno);
        }
        sockaddr_in bound{};
        socklen_t length = sizeof bound;
        if (::getsockname(udp.fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
            throw_errno("free_port: getsockname", errno);
        }
        std::uint16_t port = ntohs(bound.sin_port);
        Socket tcp(SOCK_STREAM);
        if (tcp.fd >= 0 && bind_loopback(tcp.fd, port)) {
            return port;
        }
    }
    throw std::runtime_error("free_port: no port free for both UDP and TCP on 127.0.0.1");
}

bool wait_until(const std::function<bool()>& predicate, milliseconds timeout,
                milliseconds interval) {
    auto deadline = Clock::now() + timeout;
    while (true) {
        if (predicate()) {
            return true;
        }
        auto now = Clock::now();
        if (now >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::min<Clock::duration>(interval, deadline - now));
    }
}

std::string read_file(const std::filesystem::path& path) {
    // Sized read: istreambuf_iterator trips GCC 12's -Wnull-dereference.
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in) {
        return {};
    }
    std::string content(static_cast<std::size_t>(std::max<std::streamoff>(0, in.tellg())), '\0');
    in.seekg(0);
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
    return content;
}

void write_file(const std::filesystem::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

TempDir::TempDir(const std::string& prefix) {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + prefix + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw_errno("mkdtemp " + pattern, errno);
    }
    path_ = pattern;
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::exchange(other.path_, {})) {}

TempDir::~TempDir() {
    // DNSD_TEST_KEEP_TMP=1 keeps configs and server logs for a post-mortem.
    const char* keep = std::getenv("DNSD_TEST_KEEP_TMP");
    if (!path_.empty() && (keep == nullptr || std::string_view(keep) != "1")) {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
}

}  // namespace test_support
