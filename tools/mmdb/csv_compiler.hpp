// csv_compiler.hpp -- the CSV source format of dnsd-mmdb, parsed and checked into a Writer.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "tools/mmdb/mmdb_writer.hpp"

namespace mmdb {

/// Which record layout the compiled database uses.
enum class RecordLayout { city, flat };

struct CsvOptions {
    RecordLayout layout = RecordLayout::city;
    WriterOptions writer;
};

/// Compiles CSV text into a Writer holding every row.
///
/// Format: a header line `network,country,continent,subdivision,latitude,longitude` with an
/// optional seventh column `asn`, then one row per network. Blank lines and lines starting with
/// '#' are ignored; fields are trimmed; an empty field is absent. An empty continent is derived
/// from the country. Latitude and longitude come together or not at all.
///
/// Every problem is reported (not just the first) as `file:line:column: message`, e.g.
/// `geo.csv:7:12: unknown country code "XX"`; `file_name` is used only in these messages.
[[nodiscard]] common::Result<Writer> compile_csv(std::string_view text, const std::string& file_name,
                                                 const CsvOptions& options = {});

}  // namespace mmdb
