// toml_util.cpp -- toml11 helpers for the zone and server config loaders, and [checks.NAME].
#include "zones/toml_util.hpp"
#include "zones/utf8.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <sstream>

#include "zones/name.hpp"
#include "zones/rdata.hpp"

namespace zones::toml_util {
namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '.' || s.back() == '\r')) s.pop_back();
    size_t i = 0;
    while (i < s.size() && s[i] == ' ') ++i;
    return s.substr(i);
}

std::string join(std::span<const std::string_view> items) {
    std::string out;
    for (auto s : items) {
        if (!out.empty()) out += ", ";
        out += s;
    }
    return out;
}

std::string short_value(const toml::value& v) {
    if (v.is_string()) {
        std::string s = v.as_string().str;
        if (s.size() > 60) s = s.substr(0, 60) + "...";
        return describe(v) + " \"" + s + "\"";
    }
    if (v.is_integer()) return std::to_string(v.as_integer());
    if (v.is_floating()) {
        std::ostringstream o;
        o << v.as_floating();
        return o.str();
    }
    if (v.is_boolean()) return v.as_boolean() ? "true" : "false";
    return describe(v);
}

}  // namespace

// ---- positions ------------------------------------------------------------------------------

SourceLocation Locator::at(const toml::value& v) {
    const toml::detail::region_base* base = toml::detail::get_region(v);
    const auto* reg = dynamic_cast<const toml::detail::region*>(base);
    if (reg == nullptr || !reg->is_ok()) {
        if (base == nullptr || !base->is_ok()) return SourceLocation{file_, 0, 0};
        toml::source_location l = v.location();
        return SourceLocation{file_, static_cast<uint32_t>(l.line()), static_cast<uint32_t>(l.column())};
    }
    const std::vector<char>& src = *reg->source();
    if (source_ != &src) {
        source_ = &src;
        line_starts_.clear();
        line_starts_.push_back(0);
        for (size_t i = 0; i < src.size(); ++i) {
            if (src[i] == '\n') line_starts_.push_back(static_cast<uint32_t>(i + 1));
        }
    }
    auto offset = static_cast<uint32_t>(reg->first() - reg->begin());
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    auto line = static_cast<uint32_t>(it - line_starts_.begin());
    return SourceLocation{file_, line, offset - line_starts_[line - 1] + 1};
}

common::Error Locator::error(const toml::value& v, std::string message) {
    SourceLocation l = at(v);
    return common::Error{l.file, l.line, l.column, std::move(message)};
}

// ---- parsing --------------------------------------------------------------------------------

common::Error syntax_error_to_error(const std::string& what, const std::string& file, uint32_t line,
                                    uint32_t column) {
    // toml11 3.7 writes:   [error] toml::func: summary
    //                       --> file
    //                        3 | text
    //                          |   ^--- comment        (or ~~~ comment)
    struct Marker {
        uint32_t line;
        uint32_t column;
        std::string comment;
    };
    std::vector<Marker> markers;
    std::string summary;
    std::istringstream in(what);
    std::string l;
    uint32_t last_line = 0;
    while (std::getline(in, l)) {
        if (l.rfind("[error] ", 0) == 0 && summary.empty()) {
            summary = l.substr(8);
            if (summary.rfind("toml::", 0) == 0) {
                size_t colon = summary.find(": ");
                summary = colon == std::string::npos ? "" : summary.substr(colon + 2);
            }
            continue;
        }
        size_t bar = l.find(" | ");
        if (bar == std::string::npos) bar = l.find(" |");
        if (bar == std::string::npos) continue;
        std::string left = trim(l.substr(0, bar));
        std::string right = bar + 3 <= l.size() ? l.substr(bar + 3) : "";
        if (!left.empty() && std::all_of(left.begin(), left.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            last_line = static_cast<uint32_t>(std::stoul(left));
        } else if (left.empty() && last_line != 0) {
            size_t mark = right.find_first_of("^~");
            if (mark == std::string::npos) continue;
            size_t text = right.find_first_not_of("^~-", mark);
            std::string comment = text == std::string::npos ? "" : trim(right.substr(text));
            markers.push_back(Marker{last_line, static_cast<uint32_t>(mark + 1), comment});
            last_line = 0;
        }
    }
    summary = trim(summary);
    if (markers.empty()) {
        return common::Error{file, line, column, summary.empty() ? "TOML syntax error" : summary};
    }
    const Marker& at = markers.back();
    // Duplicate keys and tables: 'value ("a") already exists' / 'table ("a.b") already exists'.
    size_t q1 = summary.find("(\"");
    size_t q2 = summary.find("\")");
    if (summary.find("already exists") != std::string::npos && q1 != std::string::npos && q2 != std::string::npos &&
        q2 > q1) {
        std::string key = summary.substr(q1 + 2, q2 - q1 - 2);
        std::string msg = "duplicate key \"" + key + "\"";
        if (markers.size() > 1) msg += " (first defined at line " + std::to_string(markers.front().line) + ")";
        return common::Error{file, at.line, at.column, msg};
    }
    std::string msg = summary;
    if (!at.comment.empty() && at.comment != "here" && summary.find(at.comment) == std::string::npos) {
        msg = msg.empty() ? at.comment : msg + " (" + at.comment + ")";
    }
    if (msg.empty()) msg = "TOML syntax error";
    return common::Error{file, at.line, at.column, "TOML syntax: " + msg};
}

namespace {

// toml11 parses arrays and inline tables recursively: "a = [[[[..." a million deep would
// overflow the stack. Measures the deepest nesting outside strings and comments, and where.
size_t nesting_depth(const std::string& t, size_t limit, uint32_t* line, uint32_t* column) {
    size_t depth = 0;
    uint32_t ln = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < t.size(); ++i) {
        char c = t[i];
        if (c == '\n') {
            ++ln;
            line_start = i + 1;
        } else if (c == '#') {
            while (i + 1 < t.size() && t[i + 1] != '\n') ++i;
        } else if (c == '"' || c == '\'') {
            bool multi = t.compare(i, 3, std::string(3, c)) == 0;
            size_t j = i + (multi ? 3 : 1);
            while (j < t.size()) {
                if (c == '"' && t[j] == '\\') {
                    j += 2;
                    continue;
                }
                if (t[j] == '\n') {
                    if (!multi) break;
                    ++ln;
                    line_start = j + 1;
                }
                if (t[j] == c && (!multi || t.compare(j, 3, std::string(3, c)) == 0)) {
                    j += multi ? 2 : 0;
                    break;
                }
                ++j;
            }
            i = std::min(j, t.size());
            if (i < t.size() && t[i] == '\n') --i;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) {
                *line = ln;
                *column = static_cast<uint32_t>(i - line_start + 1);
                return depth;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return 0;
}

constexpr size_t kMaxNesting = 64;


}  // namespace

std::optional<toml::value> parse_text(const std::string& text, const std::string& file, common::Errors* errors) {
    uint32_t line = 0;
    uint32_t column = 0;
    if (size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
        size_t line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
        line_start = line_start == std::string::npos || bad == 0 ? 0 : line_start + 1;
        line = static_cast<uint32_t>(std::count(text.begin(), text.begin() + static_cast<long>(bad), '\n') + 1);
        errors->push_back(common::Error{file, line, static_cast<uint32_t>(bad - line_start + 1),
                                        "not valid UTF-8 (a TOML file must be UTF-8 text)"});
        return std::nullopt;
    }
    if (nesting_depth(text, kMaxNesting, &line, &column) > kMaxNesting) {
        errors->push_back(common::Error{file, line, column, "arrays and tables nested deeper than " +
                                                                std::to_string(kMaxNesting) + " levels"});
        return std::nullopt;
    }
    try {
        std::istringstream in(text);
        toml::value root = toml::parse(in, file);
        if (!root.is_table()) {
            errors->push_back(common::Error{file, 0, 0, "not a TOML table"});
            return std::nullopt;
        }
        return root;
    } catch (const toml::syntax_error& e) {
        errors->push_back(syntax_error_to_error(e.what(), file, static_cast<uint32_t>(e.location().line()),
                                                static_cast<uint32_t>(e.location().column())));
    } catch (const toml::exception& e) {
        errors->push_back(syntax_error_to_error(e.what(), file, static_cast<uint32_t>(e.location().line()),
                                                static_cast<uint32_t>(e.location().column())));
    } catch (const std::exception& e) {
        errors->push_back(common::Error{file, 0, 0, std::string("cannot parse: ") + e.what()});
    }
    return std::nullopt;
}

std::optional<toml::value> parse_file(const std::string& path, size_t max_bytes, common::Errors* errors,
                                      int64_t* mtime) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        errors->push_back(common::Error{path, 0, 0, std::string("cannot read: ") + std::strerror(errno)});
        return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
        errors->push_back(common::Error{path, 0, 0, "cannot read: not a regular file"});
        return std::nullopt;
    }
    if (static_cast<uint64_t>(st.st_size) > max_bytes) {
        errors->push_back(common::Error{path, 0, 0, "file larger than the limit of " + std::to_string(max_bytes >> 20) +
                                                        " MiB (bulk records belong in an included zone file)"});
        return std::nullopt;
    }
    if (mtime != nullptr) *mtime = st.st_mtim.tv_sec;
    std::string text(static_cast<size_t>(st.st_size), '\0');
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        errors->push_back(common::Error{path, 0, 0, std::string("cannot read: ") + std::strerror(errno)});
        return std::nullopt;
    }
    size_t n = std::fread(text.data(), 1, text.size(), f);
    std::fclose(f);
    text.resize(n);
    return parse_text(text, path, errors);
}

// ---- values ---------------------------------------------------------------------------------

std::string describe(const toml::value& v) {
    switch (v.type()) {
        case toml::value_t::boolean: return "a boolean";
        case toml::value_t::integer: return "an integer";
        case toml::value_t::floating: return "a float";
        case toml::value_t::string: return "a string";
        case toml::value_t::offset_datetime:
        case toml::value_t::local_datetime: return "a date-time";
        case toml::value_t::local_date: return "a date";
        case toml::value_t::local_time: return "a time";
        case toml::value_t::array: return "an array";
        case toml::value_t::table: return "a table";
        default: return "nothing";
    }
}

std::vector<std::pair<const std::string*, const toml::value*>> entries(const toml::value& table, Locator& loc) {
    std::vector<std::pair<const std::string*, const toml::value*>> out;
    if (!table.is_table()) return out;
    struct Keyed {
        uint32_t line, column;
        const std::string* key;
        const toml::value* value;
    };
    std::vector<Keyed> all;
    all.reserve(table.as_table().size());
    for (const auto& [k, v] : table.as_table()) {
        SourceLocation l = loc.at(v);
        all.push_back(Keyed{l.line, l.column, &k, &v});
    }
    std::sort(all.begin(), all.end(), [](const Keyed& a, const Keyed& b) {
        if (a.line != b.line) return a.line < b.line;
        if (a.column != b.column) return a.column < b.column;
        return *a.key < *b.key;
    });
    out.reserve(all.size());
    for (const auto& k : all) out.emplace_back(k.key, k.value);
    return out;
}

bool check_keys(const toml::value& table, std::span<const std::string_view> allowed, const std::string& where,
                Locator& loc, common::Errors* errors) {
    bool ok = true;
    for (const auto& [key, value] : entries(table, loc)) {
        if (std::find(allowed.begin(), allowed.end(), *key) != allowed.end()) continue;
        errors->push_back(loc.error(*value, "unknown key '" + *key + "' in " + where + "; expected one of: " +
                                                join(allowed)));
        ok = false;
    }
    return ok;
}

std::optional<int64_t> get_int(const toml::value& v, int64_t lo, int64_t hi, const std::string& what, Locator& loc,
                               common::Errors* errors) {
    if (v.is_integer() && v.as_integer() >= lo && v.as_integer() <= hi) return v.as_integer();
    std::string range = hi == INT64_MAX ? "an integer >= " + std::to_string(lo)
                                        : "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    errors->push_back(loc.error(v, what + " must be " + range + ", got " + short_value(v)));
    return std::nullopt;
}

std::optional<std::string> get_string(const toml::value& v, const std::string& what, Locator& loc,
                                      common::Errors* errors) {
    if (v.is_string()) return v.as_string().str;
    errors->push_back(loc.error(v, what + " must be a string, got " + short_value(v)));
    return std::nullopt;
}

std::optional<bool> get_bool(const toml::value& v, const std::string& what, Locator& loc, common::Errors* errors) {
    if (v.is_boolean()) return v.as_boolean();
    errors->push_back(loc.error(v, what + " must be true or false, got " + short_value(v)));
    return std::nullopt;
}

std::optional<uint32_t> get_ttl(const toml::value& v, const std::string& what, Locator& loc, common::Errors* errors) {
    uint32_t ttl = 0;
    if (v.is_integer() && v.as_integer() >= 0 && v.as_integer() <= kMaxTtl) return static_cast<uint32_t>(v.as_integer());
    if (v.is_string() && parse_ttl(v.as_string().str, &ttl)) return ttl;
    errors->push_back(loc.error(v, what + " must be seconds from 0 to 2147483647 (or a duration like \"1h\"), got " +
                                       short_value(v)));
    return std::nullopt;
}

bool parse_duration(std::string_view text, std::chrono::milliseconds* out) {
    if (text.empty()) return false;
    uint64_t total = 0;
    size_t i = 0;
    while (i < text.size()) {
        uint64_t v = 0;
        size_t start = i;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            v = v * 10 + static_cast<uint64_t>(text[i] - '0');
            if (v > 1'000'000'000) return false;
            ++i;
        }
        if (i == start || i == text.size()) return false;   // a number needs its unit
        uint64_t unit = 0;
        if (text.substr(i, 2) == "ms") {
            unit = 1;
            i += 2;
        } else {
            switch (text[i]) {
                case 's': unit = 1000; break;
                case 'm': unit = 60'000; break;
                case 'h': unit = 3'600'000; break;
                case 'd': unit = 86'400'000; break;
                default: return false;
            }
            ++i;
        }
        total += v * unit;
        if (total > 1'000'000'000'000ull) return false;
    }
    *out = std::chrono::milliseconds(total);
    return true;
}

std::optional<std::chrono::milliseconds> get_duration(const toml::value& v, const std::string& what, Locator& loc,
                                                      common::Errors* errors) {
    std::chrono::milliseconds d{0};
    if (v.is_integer() && v.as_integer() > 0 && v.as_integer() <= 86'400 * 365) {
        return std::chrono::milliseconds(v.as_integer() * 1000);
    }
    if (v.is_string() && parse_duration(v.as_string().str, &d) && d.count() > 0) return d;
    errors->push_back(loc.error(v, what + " must be a duration above 0 like \"2s\", \"500ms\" or \"1m\" (or whole seconds), got " +
                                       short_value(v)));
    return std::nullopt;
}

// ---- [checks.NAME] --------------------------------------------------------------------------

namespace {

constexpr std::string_view kCommonCheckKeys[] = {"type", "port", "interval", "timeout", "fall", "rise"};
constexpr std::string_view kHttpCheckKeys[] = {"path", "host", "expect", "body"};
constexpr std::string_view kDnsCheckKeys[] = {"query", "query_type", "rcode", "require_answer"};

struct Rcode {
    std::string_view name;
    uint8_t value;
};
constexpr Rcode kRcodes[] = {{"NOERROR", 0}, {"FORMERR", 1}, {"SERVFAIL", 2}, {"NXDOMAIN", 3},
                             {"NOTIMP", 4},  {"REFUSED", 5}, {"YXDOMAIN", 6}, {"YXRRSET", 7},
                             {"NXRRSET", 8}, {"NOTAUTH", 9}, {"NOTZONE", 10}};

bool parse_status_range(const toml::value& v, std::pair<uint16_t, uint16_t>* out) {
    auto in_range = [](int64_t x) { return x >= 100 && x <= 599; };
    if (v.is_integer()) {
        if (!in_range(v.as_integer())) return false;
        auto s = static_cast<uint16_t>(v.as_integer());
        *out = {s, s};
        return true;
    }
    if (!v.is_string()) return false;
    const std::string& s = v.as_string().str;
    size_t dash = s.find('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 >= s.size() || s.size() > 11) return false;
    auto digits = [](std::string_view d) {
        return !d.empty() && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    std::string_view a(s.data(), dash);
    std::string_view b(s.data() + dash + 1, s.size() - dash - 1);
    if (!digits(a) || !digits(b)) return false;
    int64_t lo = std::stoll(std::string(a));
    int64_t hi = std::stoll(std::string(b));
    if (!in_range(lo) || !in_range(hi) || lo > hi) return false;
    *out = {static_cast<uint16_t>(lo), static_cast<uint16_t>(hi)};
    return true;
}

}  // namespace

bool parse_check(const std::string& name, const toml::value& table, Locator& loc, CheckSpec* out,
                 common::Errors* errors) {
    const size_t before = errors->size();
    const std::string where = "[checks." + name + "]";
    *out = CheckSpec{};
    out->name = name;
    out->where = loc.at(table);
    if (!table.is_table()) {
        errors->push_back(loc.error(table, where + " must be a table, got " + describe(table)));
        return false;
    }
    const auto& t = table.as_table();

    // The type decides which keys belong.
    std::string type;
    if (auto it = t.find("type"); it == t.end()) {
        errors->push_back(loc.error(table, where + " needs type = \"tcp\", \"http\" or \"dns\""));
    } else if (auto s = get_string(it->second, where + " type", loc, errors)) {
        if (*s == "tcp" || *s == "http" || *s == "dns") {
            type = *s;
        } else {
            errors->push_back(loc.error(it->second, "unknown check type \"" + *s + "\"; expected tcp, http or dns"));
        }
    }
    out->type = type;

    std::vector<std::string_view> allowed(std::begin(kCommonCheckKeys), std::end(kCommonCheckKeys));
    if (type == "http") allowed.insert(allowed.end(), std::begin(kHttpCheckKeys), std::end(kHttpCheckKeys));
    if (type == "dns") allowed.insert(allowed.end(), std::begin(kDnsCheckKeys), std::end(kDnsCheckKeys));
    auto in = [](std::span<const std::string_view> keys, const std::string& k) {
        return std::find(keys.begin(), keys.end(), k) != keys.end();
    };

    for (const auto& [key_ptr, value_ptr] : entries(table, loc)) {
        const std::string& key = *key_ptr;
        const toml::value& v = *value_ptr;
        const std::string what = where + " " + key;
        if (!in(allowed, key)) {
            bool other_type = in(kHttpCheckKeys, key) || in(kDnsCheckKeys, key);
            if (other_type && !type.empty()) {
                errors->push_back(loc.error(v, "key '" + key + "' does not apply to a " + type + " check; " + where +
                                                   " takes: " + join(allowed)));
            } else if (!other_type) {
                std::vector<std::string_view> all(std::begin(kCommonCheckKeys), std::end(kCommonCheckKeys));
                all.insert(all.end(), std::begin(kHttpCheckKeys), std::end(kHttpCheckKeys));
                all.insert(all.end(), std::begin(kDnsCheckKeys), std::end(kDnsCheckKeys));
                errors->push_back(loc.error(v, "unknown key '" + key + "' in " + where + "; expected one of: " +
                                                   join(type.empty() ? std::span<const std::string_view>(all)
                                                                     : std::span<const std::string_view>(allowed))));
            }
            continue;
        }
        if (key == "type") continue;
        if (key == "port") {
            if (auto p = get_int(v, 1, 65535, what, loc, errors)) out->port = static_cast<uint16_t>(*p);
        } else if (key == "interval") {
            out->interval = get_duration(v, what, loc, errors);
        } else if (key == "timeout") {
            out->timeout = get_duration(v, what, loc, errors);
        } else if (key == "fall") {
            if (auto n = get_int(v, 1, 1000, what, loc, errors)) out->fall = static_cast<uint32_t>(*n);
        } else if (key == "rise") {
            if (auto n = get_int(v, 1, 1000, what, loc, errors)) out->rise = static_cast<uint32_t>(*n);
        } else if (key == "path") {
            if (auto s = get_string(v, what, loc, errors)) {
                if (s->empty() || (*s)[0] != '/') {
                    errors->push_back(loc.error(v, what + " must start with \"/\", got \"" + *s + "\""));
                } else if (s->find_first_of(" \r\n\t") != std::string::npos) {
                    errors->push_back(loc.error(v, what + " must not contain blanks or line breaks"));
                } else {
                    out->path = *s;
                }
            }
        } else if (key == "host") {
            if (auto s = get_string(v, what, loc, errors)) {
                if (s->empty() || s->find_first_of(" \r\n\t") != std::string::npos) {
                    errors->push_back(loc.error(v, what + " must be a host name without blanks"));
                } else {
                    out->host = *s;
                }
            }
        } else if (key == "body") {
            out->body = get_string(v, what, loc, errors);
        } else if (key == "expect") {
            auto one = [&](const toml::value& x) {
                std::pair<uint16_t, uint16_t> r;
                if (parse_status_range(x, &r)) {
                    out->expect.push_back(r);
                } else {
                    errors->push_back(loc.error(x, what + " must be HTTP status codes (100-599) or ranges like \"200-299\", got " +
                                                       short_value(x)));
                }
            };
            if (v.is_array()) {
                if (v.as_array().empty()) errors->push_back(loc.error(v, what + " must list at least one status"));
                for (const auto& x : v.as_array()) one(x);
            } else {
                one(v);
            }
        } else if (key == "query") {
            if (auto s = get_string(v, what, loc, errors)) {
                // Not tied to a zone: a name without a trailing dot is still absolute.
                std::string wire;
                std::string why;
                if (!append_name(*s, std::string_view("\0", 1), &wire, &why)) {
                    errors->push_back(loc.error(v, what + ": bad name \"" + *s + "\": " + why));
                } else {
                    out->query_name = name_to_text(wire);
                }
            }
        } else if (key == "query_type") {
            if (auto s = get_string(v, what, loc, errors)) {
                uint16_t qt = rr_type_from_name(*s);
                if (qt == 0 || !is_zone_data_type(qt)) {
                    errors->push_back(loc.error(v, what + ": unknown record type \"" + *s + "\""));
                } else {
                    out->query_type = qt;
                }
            }
        } else if (key == "rcode") {
            if (v.is_integer() && v.as_integer() >= 0 && v.as_integer() <= 15) {
                out->rcode = static_cast<uint8_t>(v.as_integer());
            } else if (v.is_string()) {
                std::string up = v.as_string().str;
                for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                auto it = std::find_if(std::begin(kRcodes), std::end(kRcodes), [&](const Rcode& r) { return r.name == up; });
                if (it == std::end(kRcodes)) {
                    errors->push_back(loc.error(v, what + ": unknown rcode \"" + v.as_string().str +
                                                       "\"; expected NOERROR, NXDOMAIN, SERVFAIL, REFUSED ... or 0-15"));
                } else {
                    out->rcode = it->value;
                }
            } else {
                errors->push_back(loc.error(v, what + " must be an rcode name like \"NOERROR\" or 0-15, got " + short_value(v)));
            }
        } else if (key == "require_answer") {
            out->require_answer = get_bool(v, what, loc, errors);
        }
    }

    if (type == "tcp" && !out->port.has_value() && t.find("port") == t.end()) {
        errors->push_back(loc.error(table, where + " needs a port for a tcp check"));
    }
    if (!out->port.has_value() && t.find("port") == t.end()) {
        if (type == "http") out->port = 80;
        if (type == "dns") out->port = 53;
    }
    if (out->interval && out->timeout && *out->timeout > *out->interval) {
        errors->push_back(loc.error(t.at("timeout"), where + " timeout (" + std::to_string(out->timeout->count()) +
                                                         " ms) must not exceed interval (" +
                                                         std::to_string(out->interval->count()) + " ms)"));
    }
    return errors->size() == before;
}

}  // namespace zones::toml_util
