// test_util.cpp -- helpers for the zones tests.
#include "test_util.hpp"

#include <stdlib.h>

#include <fstream>
#include <stdexcept>

#include <stdbool.h>   // before ldns (DESIGN.md, known pitfalls)
#include <ldns/ldns.h>

#include "zones/name.hpp"

namespace zones_test {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dnsd-zones-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
    std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
}

std::string error_text(const common::Errors& errors, const std::string& prefix) {
    std::string out;
    for (common::Error e : errors) {
        if (!prefix.empty() && e.file.rfind(prefix, 0) == 0) e.file = e.file.substr(prefix.size());
        out += e.to_string() + "\n";
    }
    return out;
}

std::string data_path(const std::string& name) { return std::string(DNSD_SOURCE_DIR) + "/tests/data/zones/" + name; }

std::string wire_name(const std::string& text) {
    std::string wire;
    std::string error;
    if (!zones::parse_name(text, std::string(1, '\0'), &wire, &error)) throw std::runtime_error(error);
    return wire;
}

std::vector<std::string> rdata_wires(const zones::Zone& zone, const std::string& owner, uint16_t type) {
    std::vector<std::string> out;
    int32_t n = zone.find_node(wire_name(owner));
    if (n < 0) return out;
    const zones::RRset* set = zone.rrset(zone.node(static_cast<uint32_t>(n)), type);
    if (set == nullptr) return out;
    std::string_view rd = zone.rdata(*set);
    size_t i = 0;
    for (uint16_t k = 0; k < set->count; ++k) {
        size_t len = (size_t{static_cast<uint8_t>(rd[i])} << 8) | static_cast<uint8_t>(rd[i + 1]);
        out.emplace_back(rd.substr(i + 2, len));
        i += 2 + len;
    }
    return out;
}

std::vector<std::string> rdata_texts(const zones::Zone& zone, const std::string& owner, uint16_t type) {
    std::vector<std::string> out;
    std::string name = wire_name(owner);
    for (const std::string& rd : rdata_wires(zone, owner, type)) {
        std::string wire = name;
        wire.push_back(static_cast<char>(type >> 8));
        wire.push_back(static_cast<char>(type & 0xff));
        wire += std::string("\x00\x01\x00\x00\x00\x00", 6);   // class IN, TTL 0
        wire.push_back(static_cast<char>(rd.size() >> 8));
        wire.push_back(static_cast<char>(rd.size() & 0xff));
        wire += rd;
        ldns_rr* rr = nullptr;
        size_t pos = 0;
        if (ldns_wire2rr(&rr, reinterpret_cast<const uint8_t*>(wire.data()), wire.size(), &pos,
                         LDNS_SECTION_ANSWER) != LDNS_STATUS_OK) {
            out.push_back("<unparsable>");
            continue;
        }
        std::string text;
        for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
            char* s = ldns_rdf2str(ldns_rr_rdf(rr, i));
            if (!text.empty()) text += ' ';
            text += s;
            free(s);
        }
        ldns_rr_free(rr);
        out.push_back(text);
    }
    return out;
}

int64_t rrset_ttl(const zones::Zone& zone, const std::string& owner, uint16_t type) {
    int32_t n = zone.find_node(wire_name(owner));
    if (n < 0) return -1;
    const zones::RRset* set = zone.rrset(zone.node(static_cast<uint32_t>(n)), type);
    return set == nullptr ? int64_t{-1} : int64_t{set->ttl};
}

}  // namespace zones_test
