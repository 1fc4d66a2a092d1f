// loader.hpp -- TOML zone files (and their included RFC 1035 files) -> Zone / ZoneSet.
//
// Load time only: full validation, every error at file:line:column. toml11 and ldns stay
// inside the .cpp files so that nothing else pays their compile time.
#pragma once

#include <memory>
#include <string>

#include "common/result.hpp"
#include "zones/zone.hpp"
#include "zones/zone_set.hpp"

namespace zones {

/// Limits that keep a hostile file from exhausting memory or time.
// Hand-edited TOML: toml11 needs ~40x the file's size in RAM, so 16 MiB (~300,000 names) is
// the most a zone file may be; bulk data belongs in an included RFC 1035 file.
inline constexpr size_t kMaxTomlFileBytes = 16u << 20;
inline constexpr size_t kMaxIncludeFileBytes = 2048u << 20;     // bulk RFC 1035 data
inline constexpr size_t kMaxZoneFiles = 10'000;                 // per directory

/// Loads one TOML zone file and everything it includes.
common::Result<std::shared_ptr<const Zone>> load_zone_file(const std::string& path);

/// Loads every `*.toml` file of a directory (sorted by name); all errors of all files together.
/// Two files with the same origin are an error.
common::Result<ZoneSet> load_zone_dir(const std::string& dir);

/// `dnsd import`: an RFC 1035 zone file (parsed with ldns) as an equivalent TOML zone text.
common::Result<std::string> import_zone(const std::string& zonefile, const std::string& origin);

}  // namespace zones
