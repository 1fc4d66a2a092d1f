// prepared.cpp -- encoding a zone's query-independent answer bytes at load time.
#include "dnsd/prepared.hpp"


#include "zones/name.hpp"
#include "zones/rrtype.hpp"

namespace dnsd {
namespace {

constexpr uint16_t kClassIn = 1;

void append16(std::string& out, uint16_t v) {
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v & 0xFF));
}

void append32(std::string& out, uint32_t v) {
    append16(out, static_cast<uint16_t>(v >> 16));
    append16(out, static_cast<uint16_t>(v & 0xFFFF));
}

// Length of the uncompressed wire name at the start of `s` (0 when malformed).
size_t name_length(std::string_view s) noexcept {
    for (size_t i = 0; i < s.size(); i += static_cast<uint8_t>(s[i]) + 1u) {
        if (s[i] == 0) return i + 1;
    }
    return 0;
}

// The negative-answer SOA (see PreparedZone::negative_soa). Names inside the zone are written
// as their labels above the origin plus a pointer to the origin in the question; others whole.
void prepare_negative_soa(const zones::Zone& zone, PreparedZone& p) {
    const std::string_view origin = zone.origin();
    const bool root = origin.size() <= 1;   // no pointer: the root is its one zero octet
    auto put_name = [&](std::string_view name) {
        if (root || !zones::is_subdomain(name, origin)) {
            p.negative_soa.append(name);
            return;
        }
        p.negative_soa.append(name.substr(0, name.size() - origin.size()));
        p.soa_pointers[p.soa_pointer_count++] = static_cast<uint16_t>(p.negative_soa.size());
        append16(p.negative_soa, 0);
    };
    std::string_view rdata = zone.rdata(zone.soa()).substr(2);   // the zone has exactly one SOA
    const size_t mname = name_length(rdata);
    const size_t rname = name_length(rdata.substr(mname));
    put_name(origin);
    append16(p.negative_soa, zones::rrtype::SOA);
    append16(p.negative_soa, kClassIn);
    append32(p.negative_soa, zone.negative_ttl());
    const size_t length_at = p.negative_soa.size();
    append16(p.negative_soa, 0);
    put_name(rdata.substr(0, mname));
    put_name(rdata.substr(mname, rname));
    p.negative_soa.append(rdata.substr(mname + rname));   // serial, refresh, retry, expire, minimum
    const size_t length = p.negative_soa.size() - length_at - 2;
    p.negative_soa[length_at] = static_cast<char>(length >> 8);
    p.negative_soa[length_at + 1] = static_cast<char>(length & 0xFF);
}

}  // namespace

void append_question_record(std::string& out, uint16_t type, uint32_t ttl, std::string_view rdata) {
    append16(out, 0xC000u | 12u);
    append16(out, type);
    append16(out, kClassIn);
    append32(out, ttl);
    append16(out, static_cast<uint16_t>(rdata.size()));
    out.append(rdata);
}

PreparedZone prepare_zone(const zones::Zone& zone) {
    PreparedZone p;
    prepare_negative_soa(zone, p);
    return p;
}

}  // namespace dnsd
