// test_util.hpp -- helpers for the zones tests: temporary files, error text, RRsets as text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "zones/zone.hpp"

namespace zones_test {

/// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    /// Writes `text` to dir/name and returns the full path.
    std::string write(const std::string& name, const std::string& text) const;

private:
    std::filesystem::path path_;
};

/// The errors one per line, with `prefix` (e.g. the temp dir + "/") removed from file names.
std::string error_text(const common::Errors& errors, const std::string& prefix);

/// The source tree's tests/data/zones/<name>.
std::string data_path(const std::string& name);

/// The wire form of a presentation name ("www.example.com.").
std::string wire_name(const std::string& text);

/// The RDATA of every record of (owner, type) in presentation format, as ldns prints it.
/// Empty when the RRset does not exist.
std::vector<std::string> rdata_texts(const zones::Zone& zone, const std::string& owner, uint16_t type);
/// Its TTL; -1 when the RRset does not exist.
int64_t rrset_ttl(const zones::Zone& zone, const std::string& owner, uint16_t type);
/// Its raw wire records ([u16 len][rdata]...).
std::vector<std::string> rdata_wires(const zones::Zone& zone, const std::string& owner, uint16_t type);

}  // namespace zones_test
