// csv_compiler.cpp -- CSV rows -> checked GeoFields -> Writer, with file:line:column errors.
#include "tools/mmdb/csv_compiler.hpp"

#include <array>
#include <charconv>
#include <map>
#include <optional>
#include <vector>

#include "geo/address.hpp"
#include "geo/codes.hpp"

namespace mmdb {

namespace {

constexpr std::array<std::string_view, 7> kColumns = {"network",  "country",   "continent", "subdivision",
                                                      "latitude", "longitude", "asn"};
constexpr std::size_t kRequiredColumns = 6;

struct Field {
    std::string_view text;
    uint32_t column = 1;  // 1-based, of the first character after trimming
};

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::vector<Field> split(std::string_view line) {
    std::vector<Field> fields;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = line.find(',', start);
        const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
        std::size_t b = start;
        std::size_t e = end;
        while (b < e && is_space(line[b])) ++b;
        while (e > b && is_space(line[e - 1])) --e;
        fields.push_back(Field{line.substr(b, e - b), static_cast<uint32_t>(b + 1)});
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return fields;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

class Compiler {
public:
    Compiler(const std::string& file_name, const CsvOptions& options) : file_(file_name), options_(options), writer_(options.writer) {}

    common::Result<Writer> run(std::string_view text) {
        uint32_t line_number = 0;
        bool have_header = false;
        std::size_t pos = 0;
        while (pos <= text.size()) {
            const std::size_t newline = text.find('\n', pos);
            std::string_view line = text.substr(pos, newline == std::string_view::npos ? std::string_view::npos : newline - pos);
            pos = newline == std::string_view::npos ? text.size() + 1 : newline + 1;
            ++line_number;
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            std::size_t first = 0;
            while (first < line.size() && is_space(line[first])) ++first;
            if (first == line.size() || line[first] == '#') continue;

            if (!have_header) {
                if (!header(line, line_number)) break;  // rows cannot be read without their columns
                have_header = true;
                continue;
            }
            row(line, line_number);
        }
        if (!have_header && errors_.empty())
            error(line_number == 0 ? 1 : line_number, 1, "no header line: expected " + expected_header());
        if (!errors_.empty()) return errors_;
        return std::move(writer_);
    }

private:
    static std::string expected_header() { return "network,country,continent,subdivision,latitude,longitude[,asn]"; }

    void error(uint32_t line, uint32_t column, std::string message) {
        common::Error e;
        e.file = file_;
        e.line = line;
        e.column = column;
        e.message = std::move(message);
        errors_.push_back(std::move(e));
    }

    bool header(std::string_view line, uint32_t line_number) {
        const auto fields = split(line);
        if (fields.size() < kRequiredColumns || fields.size() > kColumns.size()) {
            error(line_number, 1, "bad header: expected " + expected_header());
            return false;
        }
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (fields[i].text != kColumns[i]) {
                error(line_number, fields[i].column,
                      "bad header: column " + std::to_string(i + 1) + " is " + quoted(fields[i].text) + ", expected " +
                          quoted(kColumns[i]) + " (" + expected_header() + ")");
                return false;
            }
        }
        columns_ = fields.size();
        return true;
    }

    void row(std::string_view line, uint32_t n) {
        const auto fields = split(line);
        if (fields.size() != columns_) {
            error(n, 1, "expected " + std::to_string(columns_) + " fields, found " + std::to_string(fields.size()));
            return;
        }
        const std::size_t errors_before = errors_.size();
        GeoFields geo_fields;

        const Field& net = fields[0];
        std::optional<geo::Network> network;
        if (auto parsed = geo::Network::parse(net.text)) {
            network = *parsed;
        } else {
            error(n, net.column, parsed.error().front().message);
        }

        const Field& country = fields[1];
        if (!country.text.empty()) {
            const auto code = geo::CountryCode::from(country.text);
            if (country.text.size() != 2 || !geo::is_country(code.view()))
                error(n, country.column, "unknown country code " + quoted(country.text) + " (expected ISO 3166-1 alpha-2)");
            else
                geo_fields.country = code.view();
        }

        const Field& continent = fields[2];
        if (!continent.text.empty()) {
            const auto code = geo::ContinentCode::from(continent.text);
            if (continent.text.size() != 2 || !geo::is_continent(code.view()))
                error(n, continent.column, "unknown continent code " + quoted(continent.text) + " (expected AF AN AS EU NA OC SA)");
            else
                geo_fields.continent = code.view();
        } else if (!geo_fields.country.empty()) {
            geo_fields.continent = geo::continent_of(geo_fields.country);
        }

        const Field& subdivision = fields[3];
        if (!subdivision.text.empty()) {
            const auto code = geo::SubdivisionCode::from(subdivision.text);
            if (code.size() != subdivision.text.size())
                error(n, subdivision.column,
                      "bad subdivision " + quoted(subdivision.text) +
                          " (expected the 1 to 3 letters or digits after \"CC-\" in ISO 3166-2, e.g. CA for US-CA)");
            else if (country.text.empty())
                error(n, subdivision.column, "a subdivision needs a country");
            else
                geo_fields.subdivision = code.view();
        }

        geo_fields.latitude = degrees(fields[4], "latitude", 90, n);
        geo_fields.longitude = degrees(fields[5], "longitude", 180, n);
        if (fields[4].text.empty() != fields[5].text.empty())
            error(n, fields[4].text.empty() ? fields[4].column : fields[5].column,
                  "latitude and longitude must be given together");

        if (columns_ > 6 && !fields[6].text.empty()) {
            std::string_view digits = fields[6].text;
            if (digits.size() > 2 && (digits.substr(0, 2) == "AS" || digits.substr(0, 2) == "as")) digits.remove_prefix(2);
            uint32_t asn = 0;
            const char* end = digits.data() + digits.size();
            const auto [ptr, ec] = std::from_chars(digits.data(), end, asn);
            if (ec != std::errc{} || ptr != end || asn == 0)
                error(n, fields[6].column, "bad asn " + quoted(fields[6].text) + " (expected a number from 1 to 4294967295)");
            else
                geo_fields.asn = asn;
        }

        if (errors_.size() != errors_before || !network) return;
        if (geo_fields.country.empty() && geo_fields.continent.empty() && !geo_fields.latitude && geo_fields.asn == 0) {
            error(n, 1, "row has no data: give a country, a continent, coordinates or an asn");
            return;
        }
        const std::string key = network->to_string();
        if (const auto it = first_line_.find(key); it != first_line_.end()) {
            error(n, net.column, "duplicate network " + key + " (first at line " + std::to_string(it->second) + ")");
            return;
        }
        first_line_.emplace(key, n);
        const Value record = options_.layout == RecordLayout::flat ? flat_record(geo_fields) : city_record(geo_fields);
        if (auto e = writer_.insert(*network, record)) error(n, net.column, *e);
    }

    std::optional<double> degrees(const Field& f, std::string_view name, double limit, uint32_t n) {
        if (f.text.empty()) return std::nullopt;
        double value = 0;
        const char* end = f.text.data() + f.text.size();
        const auto [ptr, ec] = std::from_chars(f.text.data(), end, value);
        if (ec != std::errc{} || ptr != end) {
            error(n, f.column, "bad " + std::string(name) + " " + quoted(f.text) + " (expected decimal degrees)");
            return std::nullopt;
        }
        if (value < -limit || value > limit) {
            const std::string range = std::to_string(static_cast<int>(limit));
            error(n, f.column, std::string(name) + " " + quoted(f.text) + " is outside -" + range + ".." + range);
            return std::nullopt;
        }
        return value;
    }

    std::string file_;
    const CsvOptions& options_;
    Writer writer_;
    std::size_t columns_ = 0;
    std::map<std::string, uint32_t> first_line_;
    common::Errors errors_;
};

}  // namespace

common::Result<Writer> compile_csv(std::string_view text, const std::string& file_name, const CsvOptions& options) {
    Compiler compiler(file_name, options);
    return compiler.run(text);
}

}  // namespace mmdb
