// toml_util.hpp -- toml11 helpers shared by the zone loader and dnsd's config loader: positions
// of values, typed getters that report file:line:column errors, unknown-key checks, durations
// and the [checks.NAME] parser.
//
// Include ONLY from .cpp files: toml.hpp costs ~10 s of compile time per file.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml.hpp>

#include "common/result.hpp"
#include "zones/balance.hpp"

namespace zones::toml_util {

/// Maps toml11 values to file:line:column in O(log n). (toml11's own location() counts the
/// newlines from the start of the file on every call: quadratic over a 10,000-name zone.)
class Locator {
public:
    explicit Locator(std::string file) : file_(std::move(file)) {}
    [[nodiscard]] const std::string& file() const noexcept { return file_; }
    [[nodiscard]] SourceLocation at(const toml::value& v);
    [[nodiscard]] common::Error error(const toml::value& v, std::string message);

private:
    std::string file_;
    const void* source_ = nullptr;
    std::vector<uint32_t> line_starts_;
};

/// Reads and parses a TOML file of at most max_bytes. On failure returns nullopt and appends
/// one Error: a syntax error (or duplicate key) at its line:column with a one-line message.
/// *mtime (if given) receives the file's modification time in Unix seconds.
std::optional<toml::value> parse_file(const std::string& path, size_t max_bytes, common::Errors* errors,
                                      int64_t* mtime = nullptr);
/// The same for text in memory (tests); `file` names it in messages.
std::optional<toml::value> parse_text(const std::string& text, const std::string& file, common::Errors* errors);

/// Turns toml11's multi-line syntax error into file:line:col and one short line.
common::Error syntax_error_to_error(const std::string& what, const std::string& file, uint32_t line,
                                    uint32_t column);

/// "a string", "an integer", "a table" ... for "expected X, got Y".
std::string describe(const toml::value& v);

/// A table's entries in file order (toml11's tables are unordered).
std::vector<std::pair<const std::string*, const toml::value*>> entries(const toml::value& table, Locator& loc);

/// Reports each key of `table` not in `allowed`:
/// "unknown key 'polcy' in [balance.www]; expected one of: ttl, policy, ...". False if any.
bool check_keys(const toml::value& table, std::span<const std::string_view> allowed, const std::string& where,
                Locator& loc, common::Errors* errors);

/// Typed getters: nullopt after appending "<what> must be <expected>, got <actual>".
std::optional<int64_t> get_int(const toml::value& v, int64_t lo, int64_t hi, const std::string& what, Locator& loc,
                               common::Errors* errors);
std::optional<std::string> get_string(const toml::value& v, const std::string& what, Locator& loc,
                                      common::Errors* errors);
std::optional<bool> get_bool(const toml::value& v, const std::string& what, Locator& loc, common::Errors* errors);
/// A TTL or SOA timer: integer seconds or a string with units ("1h30m"), 0..2147483647.
std::optional<uint32_t> get_ttl(const toml::value& v, const std::string& what, Locator& loc, common::Errors* errors);
/// A duration > 0: "2s", "500ms", "1m", "1h" (units may combine: "1m30s") or integer seconds.
std::optional<std::chrono::milliseconds> get_duration(const toml::value& v, const std::string& what, Locator& loc,
                                                      common::Errors* errors);

/// "2s", "500ms", "1m30s" -> milliseconds. False when malformed.
bool parse_duration(std::string_view text, std::chrono::milliseconds* out);

/// One [checks.NAME] table, as written in a zone file or dnsd.toml. Returns false after
/// appending its errors (all of them).
bool parse_check(const std::string& name, const toml::value& table, Locator& loc, CheckSpec* out,
                 common::Errors* errors);

}  // namespace zones::toml_util
