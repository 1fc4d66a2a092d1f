// dnsd_fixture.hpp -- shared pieces of the end-to-end tests: a zone directory, the real dnsd
// binary started on a free loopback port, and a dig runner.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/dns_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/servers.hpp"

namespace e2e {

inline std::filesystem::path dnsd_binary() { return DNSD_BINARY; }

/// Runs a program to completion (bounded) and returns its stdout.
inline std::string run_capture(const std::vector<std::string>& argv, int* exit_code = nullptr,
                               std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    test_support::TempDir dir("dnsd-run");
    test_support::ProcessOptions o;
    o.argv = argv;
    o.stdout_path = dir.path() / "out";
    o.stderr_path = dir.path() / "err";
    auto status = test_support::run(o, timeout);
    if (exit_code != nullptr) *exit_code = status.code;
    return test_support::read_file(dir.path() / "out") + test_support::read_file(dir.path() / "err");
}

/// `dig` against the server; returns its +short-free output. Skips when dig is missing.
inline std::string dig(uint16_t port, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"dig", "@127.0.0.1", "-p", std::to_string(port), "+tries=1", "+time=2"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_capture(argv);
}

/// A zone directory plus a running dnsd serving it.
class DnsdInstance {
public:
    DnsdInstance(std::vector<std::pair<std::string, std::string>> files, std::vector<std::string> origins,
                 std::string extra_config = "", unsigned threads = 1) {
        for (const auto& [name, text] : files) test_support::write_file(zones_.path() / name, text);
        test_support::DnsdServer::Options o;
        o.threads = threads;
        o.extra_config = std::move(extra_config);
        server_ = std::make_unique<test_support::DnsdServer>(dnsd_binary(), zones_.path(), origins, o);
    }
    test_support::DnsdServer& server() { return *server_; }
    uint16_t port() const { return server_->port(); }
    const std::filesystem::path& zones_dir() const { return zones_.path(); }
    test_support::Response ask(const test_support::QuerySpec& q,
                               test_support::Transport t = test_support::Transport::udp) {
        auto bytes = test_support::exchange(server_->endpoint(), t, test_support::build_query(q));
        if (!bytes) return {};
        return test_support::parse_response(*bytes);
    }

private:
    test_support::TempDir zones_{"dnsd-e2e-zones"};
    std::unique_ptr<test_support::DnsdServer> server_;
};

}  // namespace e2e
