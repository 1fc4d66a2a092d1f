// test_paths.hpp -- where geo tests find their data, and scratch files that remove themselves.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace geo_test {

/// A file in tests/data/maxmind of the source tree.
inline std::string maxmind(const std::string& name) { return std::string(DNSD_SOURCE_DIR) + "/tests/data/maxmind/" + name; }

/// A unique path in the temp directory, deleted when this object goes out of scope.
class TempFile {
public:
    explicit TempFile(const std::string& suffix = ".mmdb") {
        static std::atomic<int> counter{0};
        path_ = (std::filesystem::temp_directory_path() /
                 ("dnsd-geo-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + suffix))
                    .string();
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
};

}  // namespace geo_test
