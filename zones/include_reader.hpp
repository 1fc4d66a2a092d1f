// include_reader.hpp -- a fast reader of RFC 1035 master files (the `include = [...]` of a TOML
// zone) that feeds a ZoneBuilder directly, record by record, with no per-record heap objects.
//
// Supported (RFC 1035 5.1): $ORIGIN, $TTL, blank owner = previous owner, "@", relative names,
// parentheses across lines, ';' comments, quoted strings and \X / \DDD escapes, optional TTL
// and class (IN only) in either order, BIND TTL units ("1h30m"). A, AAAA, NS, CNAME, PTR,
// MX, TXT and SRV are parsed by hand; every other type goes through ldns, one record at a time.
// Not supported: $INCLUDE, $GENERATE, SOA records (the TOML file's [soa] owns the SOA).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "zones/zone.hpp"

namespace zones {

struct MasterFileOptions {
    std::string_view origin;           // zone origin, lowercase wire: the initial $ORIGIN and "@"
    uint32_t default_ttl = 3600;       // TTL when neither the record nor a $TTL gives one
    uint16_t source = 0;               // ZoneBuilder::add_source() index of this file
    size_t max_errors = 100;           // then the rest of the file is skipped
};

struct MasterFileInfo {
    std::string first_apex_ns;         // wire RDATA of the first NS record at the origin; "" if none
    int64_t mtime = 0;                 // the file's modification time (Unix seconds)
    size_t records = 0;                // records handed to the builder
    size_t errors = 0;                 // errors reported to the builder
};

/// Reads a master file into `builder`; problems go to builder.add_error() at file:line:column.
/// Returns false with *open_error set when the file cannot be opened or is too large (the
/// caller reports it where the file was named).
bool read_master_file(const std::string& path, const MasterFileOptions& options, ZoneBuilder& builder,
                      MasterFileInfo* info, std::string* open_error);

/// The same for text already in memory (tests).
void read_master_text(std::string_view text, const MasterFileOptions& options, ZoneBuilder& builder,
                      MasterFileInfo* info);

}  // namespace zones
