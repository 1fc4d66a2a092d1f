// process_test.cpp -- child processes of the test support library: exit status, output
// capture, SIGTERM then SIGKILL, free ports, bounded waits. Each test takes well under a second.
#include <chrono>
#include <csignal>

#include <gtest/gtest.h>

#include "tests/support/process.hpp"

namespace test_support {
namespace {

using namespace std::chrono_literals;

TEST(Process, ReportsExitCodeAndCapturesOutput) {
    TempDir dir;
    ProcessOptions options;
    options.argv = {"sh", "-c", "echo out; echo err >&2; echo \"$GREETING\"; exit 3"};
    options.env = {"GREETING=hello"};
    options.stdout_path = dir.path() / "out";
    options.stderr_path = dir.path() / "err";
    Process p(options);
    auto status = p.wait_for(5s);
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->to_string(), "exit 3");
    EXPECT_EQ(p.stdout_text(), "out\nhello\n");
    EXPECT_EQ(p.stderr_text(), "err\n");
}

TEST(Process, StopSendsSigterm) {
    ProcessOptions options;
    options.argv = {"sleep", "30"};
    Process p(options);
    EXPECT_TRUE(p.is_running());
    ExitStatus status = p.stop();
    EXPECT_FALSE(status.exited);
    EXPECT_EQ(status.signal, SIGTERM);
    EXPECT_EQ(p.stop().signal, SIGTERM) << "stop() is idempotent";
}

TEST(Process, StopKillsWhatIgnoresSigterm) {
    TempDir dir;
    ProcessOptions options;
    options.argv = {"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done"};
    options.stdout_path = dir.path() / "out";
    Process p(options);
    ASSERT_TRUE(wait_until([&] { return p.stdout_text() == "ready\n"; }, 5s));
    auto started = std::chrono::steady_clock::now();
    ExitStatus status = p.stop(200ms);
    EXPECT_EQ(status.signal, SIGKILL);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(Process, MissingProgramThrows) {
    ProcessOptions options;
    options.argv = {"/nonexistent/program"};
    EXPECT_THROW(Process{options}, std::runtime_error);
    EXPECT_EQ(find_program("no-such-program-here"), std::nullopt);
    EXPECT_TRUE(find_program("sh").has_value());
}

TEST(FreePort, IsNonZeroAndUsuallyDifferent) {
    auto a = free_port();
    auto b = free_port();
    EXPECT_NE(a, 0);
    EXPECT_NE(b, 0);
}

TEST(WaitUntil, ReturnsAtOnceOrAtTheDeadline) {
    EXPECT_TRUE(wait_until([] { return true; }, 0ms));
    auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(wait_until([] { return false; }, 50ms, 10ms));
    EXPECT_GE(std::chrono::steady_clock::now() - started, 50ms);
}

TEST(TempDir, IsRemovedWithItsContent) {
    std::filesystem::path path;
    {
        TempDir dir("support-test");
        path = dir.path();
        write_file(path / "file", "content");
        EXPECT_EQ(read_file(path / "file"), "content");
    }
    EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace test_support
