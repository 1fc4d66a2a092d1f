// database.cpp -- libmaxminddb behind Database: open, schema detection, tree lookup, record decoding.
#include "geo/database.hpp"

#include <maxminddb.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

namespace geo {

namespace {

// Field paths, as MMDB_aget_value wants them (NULL-terminated). MMDB_get_value would build this
// array with calloc on every call; the static arrays keep decoding allocation-free.
using Path = const char* const[];
constexpr Path kGeoip2Country = {"country", "iso_code", nullptr};
constexpr Path kGeoip2Continent = {"continent", "code", nullptr};
constexpr Path kGeoip2Subdivision = {"subdivisions", "0", "iso_code", nullptr};
constexpr Path kGeoip2Latitude = {"location", "latitude", nullptr};
constexpr Path kGeoip2Longitude = {"location", "longitude", nullptr};
constexpr Path kFlatCountry = {"country_code", nullptr};
constexpr Path kFlatLatitude = {"latitude", nullptr};
constexpr Path kFlatLongitude = {"longitude", nullptr};
constexpr Path kFlatSubdivision = {"subdivision", nullptr};
constexpr Path kFlatState = {"state1", nullptr};
constexpr Path kAsn = {"autonomous_system_number", nullptr};

// Schema detection reads at most this many tree nodes and records: enough to reach real records
// in any tree (an IPv4 subtree starts 96 levels down), cheap at startup.
constexpr std::size_t kSampleNodeBudget = 8192;
constexpr std::size_t kSampleRecords = 64;

std::atomic<uint32_t> next_database_id{1};

std::optional<MMDB_entry_data_s> get(MMDB_entry_s entry, const char* const* path) noexcept {
    MMDB_entry_data_s data{};
    if (MMDB_aget_value(&entry, &data, path) != MMDB_SUCCESS || !data.has_data) return std::nullopt;
    return data;
}

std::string_view get_string(MMDB_entry_s entry, const char* const* path) noexcept {
    const auto data = get(entry, path);
    if (!data || data->type != MMDB_DATA_TYPE_UTF8_STRING) return {};
    return {data->utf8_string, data->data_size};
}

std::optional<double> get_degrees(MMDB_entry_s entry, const char* const* path, double limit) noexcept {
    const auto data = get(entry, path);
    if (!data) return std::nullopt;
    double value = 0;
    if (data->type == MMDB_DATA_TYPE_DOUBLE) {
        value = data->double_value;
    } else if (data->type == MMDB_DATA_TYPE_FLOAT) {
        value = static_cast<double>(data->float_value);
    } else {
        return std::nullopt;
    }
    if (!std::isfinite(value) || value < -limit || value > limit) return std::nullopt;
    return value;
}

uint32_t get_asn(MMDB_entry_s entry) noexcept {
    const auto data = get(entry, kAsn);
    if (!data) return 0;
    switch (data->type) {
        case MMDB_DATA_TYPE_UINT16: return data->uint16;
        case MMDB_DATA_TYPE_UINT32: return data->uint32;
        case MMDB_DATA_TYPE_UINT64: return data->uint64 <= UINT32_MAX ? static_cast<uint32_t>(data->uint64) : 0;
        case MMDB_DATA_TYPE_INT32: return data->int32 > 0 ? static_cast<uint32_t>(data->int32) : 0;
        default: return 0;
    }
}

bool is_letters(std::string_view s) noexcept {
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); });
}

// A two-letter code; anything else (legacy "A1", empty) is treated as unknown.
Code<2> two_letters(std::string_view s) noexcept {
    return s.size() == 2 && is_letters(s) ? Code<2>::from(s) : Code<2>{};
}

// A subdivision: "CA", or "US-CA" when the database repeats the country (accepted only when it is
// the record's country, so that a name such as "Ain" is never mistaken for a code).
SubdivisionCode subdivision_code(std::string_view s, CountryCode country, bool allow_bare) noexcept {
    if (s.size() > 3 && s[2] == '-') {
        if (two_letters(s.substr(0, 2)) != country || country.empty()) return {};
        return SubdivisionCode::from(s.substr(3));
    }
    return allow_bare ? SubdivisionCode::from(s) : SubdivisionCode{};
}

bool has(MMDB_entry_s entry, const char* const* path) noexcept { return get(entry, path).has_value(); }

// Reads the record at `entry` into `out` (prefix_len and found untouched).
void decode(MMDB_entry_s entry, const Schema& schema, Location& out) noexcept {
    if (schema.geoip2) {
        out.country = two_letters(get_string(entry, kGeoip2Country));
        out.continent = two_letters(get_string(entry, kGeoip2Continent));
        out.subdivision = subdivision_code(get_string(entry, kGeoip2Subdivision), out.country, true);
        const auto lat = get_degrees(entry, kGeoip2Latitude, 90);
        const auto lon = get_degrees(entry, kGeoip2Longitude, 180);
        if (lat && lon) {
            out.has_coordinates = true;
            out.latitude = *lat;
            out.longitude = *lon;
        }
    }
    if (schema.flat && out.country.empty()) {
        out.country = two_letters(get_string(entry, kFlatCountry));
        out.subdivision = subdivision_code(get_string(entry, kFlatSubdivision), out.country, true);
        if (out.subdivision.empty())
            out.subdivision = subdivision_code(get_string(entry, kFlatState), out.country, false);
    }
    if (schema.flat && !out.has_coordinates) {
        const auto lat = get_degrees(entry, kFlatLatitude, 90);
        const auto lon = get_degrees(entry, kFlatLongitude, 180);
        if (lat && lon) {
            out.has_coordinates = true;
            out.latitude = *lat;
            out.longitude = *lon;
        }
    }
    if (out.continent.empty() && !out.country.empty()) out.continent = ContinentCode::from(continent_of(out.country.view()));
    if (out.country.empty()) out.subdivision = {};  // a subdivision means nothing without its country
    if (schema.asn) out.asn = get_asn(entry);
}

// Samples records depth-first from the root and notes which layouts they use.
Schema detect_schema(const MMDB_s& mmdb) {
    Schema schema;
    std::vector<uint64_t> stack{0};
    std::vector<uint32_t> seen_offsets;
    std::size_t nodes = 0;
    while (!stack.empty() && nodes < kSampleNodeBudget && seen_offsets.size() < kSampleRecords) {
        const uint64_t node_number = stack.back();
        stack.pop_back();
        ++nodes;
        MMDB_search_node_s node{};
        if (MMDB_read_node(&mmdb, static_cast<uint32_t>(node_number), &node) != MMDB_SUCCESS) continue;
        // Right first so that the left (lower addresses) is visited first.
        struct Side {
            uint8_t type;
            uint64_t value;
            MMDB_entry_s entry;
        };
        const std::array<Side, 2> sides = {{{node.right_record_type, node.right_record, node.right_record_entry},
                                            {node.left_record_type, node.left_record, node.left_record_entry}}};
        for (const auto& [type, value, entry] : sides) {
            if (type == MMDB_RECORD_TYPE_SEARCH_NODE) {
                stack.push_back(value);
            } else if (type == MMDB_RECORD_TYPE_DATA) {
                if (std::find(seen_offsets.begin(), seen_offsets.end(), entry.offset) != seen_offsets.end()) continue;
                seen_offsets.push_back(entry.offset);
                schema.geoip2 = schema.geoip2 || has(entry, kGeoip2Country) || has(entry, kGeoip2Continent) ||
                                has(entry, kGeoip2Latitude);
                schema.flat = schema.flat || has(entry, kFlatCountry) || has(entry, kFlatLatitude);
                schema.asn = schema.asn || has(entry, kAsn);
            }
        }
    }
    return schema;
}

common::Error file_error(const std::string& path, std::string message) {
    common::Error error;
    error.file = path;
    error.message = std::move(message);
    return error;
}

std::string open_error_message(int status, int saved_errno) {
    std::string message = MMDB_strerror(status);
    if ((status == MMDB_FILE_OPEN_ERROR || status == MMDB_IO_ERROR) && saved_errno != 0)
        message += std::string(" (") + std::strerror(saved_errno) + ")";
    return message;
}

}  // namespace

std::string Schema::describe() const {
    std::string out;
    const auto add = [&](std::string_view part) {
        if (!out.empty()) out += '+';
        out += part;
    };
    if (geoip2) add("GeoIP2");
    if (flat) add("flat");
    if (asn) add("ASN");
    return out.empty() ? "none" : out;
}

struct Database::Impl {
    std::string path;
    MMDB_s mmdb{};  // address must stay fixed: lookup results point back at it
    bool is_open = false;
    Schema schema;
    uint32_t id = 0;

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        if (is_open) MMDB_close(&mmdb);
    }
};

Database::Database(std::unique_ptr<Impl> impl) noexcept : impl_(std::move(impl)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

common::Result<Database> Database::open(const std::string& path) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    errno = 0;
    const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &impl->mmdb);
    const int saved_errno = errno;
    if (status != MMDB_SUCCESS) {
        return file_error(path, "cannot open MaxMind database: " + open_error_message(status, saved_errno));
    }
    impl->is_open = true;

    // libmaxminddb 1.7 finds the IPv4 subtree lazily, writing into MMDB_s on the first IPv4
    // lookup: do that first lookup here, before worker threads share the database.
    if (impl->mmdb.metadata.ip_version == 6) {
        sockaddr_in warm{};
        warm.sin_family = AF_INET;
        int ignored = 0;
        (void)MMDB_lookup_sockaddr(&impl->mmdb, reinterpret_cast<const sockaddr*>(&warm), &ignored);
    }

    impl->schema = detect_schema(impl->mmdb);
    if (!impl->schema.geoip2 && !impl->schema.flat && !impl->schema.asn) {
        const char* type = impl->mmdb.metadata.database_type != nullptr ? impl->mmdb.metadata.database_type : "";
        return file_error(path, std::string("database type \"") + type +
                                    "\" has none of the fields dnsd reads (country.iso_code, continent.code, "
                                    "location, country_code, latitude, autonomous_system_number)");
    }
    impl->id = next_database_id.fetch_add(1, std::memory_order_relaxed);
    return Database(std::move(impl));
}

namespace {

struct TreeHit {
    bool ok = false;
    MMDB_lookup_result_s result{};
};

TreeHit walk_tree(const MMDB_s& mmdb, const Address& address, Location& out) noexcept {
    int error = MMDB_SUCCESS;
    MMDB_lookup_result_s result{};
    if (address.is_v4()) {
        sockaddr_in in{};
        in.sin_family = AF_INET;
        std::memcpy(&in.sin_addr, address.bytes().data(), 4);
        result = MMDB_lookup_sockaddr(&mmdb, reinterpret_cast<const sockaddr*>(&in), &error);
    } else {
        sockaddr_in6 in6{};
        in6.sin6_family = AF_INET6;
        std::memcpy(&in6.sin6_addr, address.bytes().data(), 16);
        result = MMDB_lookup_sockaddr(&mmdb, reinterpret_cast<const sockaddr*>(&in6), &error);
    }

    if (error == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) {
        out.prefix_len = 0;  // an IPv4-only database knows nothing of all IPv6 space
        return {};
    }
    if (error != MMDB_SUCCESS) {
        out.prefix_len = address.bit_length();  // a failure holds for this client only
        return {};
    }

    // libmaxminddb counts the bits of the IPv6 tree walked, IPv4 lookups starting at ::/96.
    unsigned netmask = result.netmask;
    if (address.is_v4() && mmdb.metadata.ip_version == 6) netmask = netmask >= 96 ? netmask - 96 : 0;
    out.prefix_len = static_cast<uint8_t>(std::min<unsigned>(netmask, address.bit_length()));
    out.found = result.found_entry;
    return {result.found_entry, result};
}

}  // namespace

Location Database::lookup(const Address& address) const noexcept {
    Location out;
    const TreeHit hit = walk_tree(impl_->mmdb, address, out);
    if (hit.ok) decode(hit.result.entry, impl_->schema, out);
    return out;
}

Location Database::lookup(const Address& address, LocationCache& cache) const noexcept {
    Location out;
    const TreeHit hit = walk_tree(impl_->mmdb, address, out);
    if (!hit.ok) return out;
    const uint32_t offset = hit.result.entry.offset;
    if (const Location* memo = cache.find(impl_->id, offset)) {
        const uint8_t prefix_len = out.prefix_len;
        out = *memo;
        out.prefix_len = prefix_len;
        out.found = true;
        return out;
    }
    decode(hit.result.entry, impl_->schema, out);
    cache.store(impl_->id, offset, out);
    return out;
}

uint32_t Database::id() const noexcept { return impl_->id; }
const std::string& Database::path() const noexcept { return impl_->path; }
std::string_view Database::database_type() const noexcept {
    const char* type = impl_->mmdb.metadata.database_type;
    return type != nullptr ? std::string_view(type) : std::string_view{};
}
uint16_t Database::ip_version() const noexcept { return impl_->mmdb.metadata.ip_version; }
const Schema& Database::schema() const noexcept { return impl_->schema; }

std::string Database::describe() const {
    return std::string(database_type()) + " (" + impl_->schema.describe() + " schema, IPv" +
           std::to_string(ip_version()) + " tree, " + std::to_string(impl_->mmdb.metadata.node_count) + " nodes)";
}

}  // namespace geo
