// test_util.hpp -- helpers for the zones tests: temporary files, error text, RRsets as text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <utility>
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

/// One RRset for comparing zones: its TTL (the smallest of its records) and its wire RDATAs.
struct RRsetData {
    uint32_t ttl = UINT32_MAX;
    std::set<std::string> rdata;
    friend bool operator==(const RRsetData&, const RRsetData&) = default;
};
/// Every RRset of a zone by (owner in presentation form, type).
using RRsets = std::map<std::pair<std::string, uint16_t>, RRsetData>;
/// The TTL and each RDATA, printable characters as they are and the rest as \DDD.
std::ostream& operator<<(std::ostream& os, const RRsetData& set);

enum class Soa { included, excluded };
/// The zone's RRsets.
RRsets zone_rrsets(const zones::Zone& zone, Soa soa);
/// The RRsets of an RFC 1035 master file as ldns reads it, with the names inside the RDATA of
/// the types a zone keeps lowercase (rrtype::rdata_name_compressible) lowercased too, so that
/// they compare with zone_rrsets(). A file ldns cannot read is a test failure (and no RRsets).
RRsets ldns_rrsets(const std::string& path, const std::string& origin, uint32_t default_ttl, Soa soa);

}  // namespace zones_test
