// test_util.cpp -- helpers for the zones tests.
#include "test_util.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include <stdbool.h>   // before ldns (DESIGN.md, known pitfalls)
#include <ldns/ldns.h>

#include "zones/name.hpp"
#include "zones/rrtype.hpp"

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

std::ostream& operator<<(std::ostream& os, const RRsetData& set) {
    os << "ttl " << set.ttl << " {";
    for (const auto& r : set.rdata) {
        os << ' ';
        for (char c : r) {
            auto u = static_cast<unsigned char>(c);
            if (u > ' ' && u < 127) {
                os << c;
            } else {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\%03u", u);
                os << buf;
            }
        }
    }
    return os << " }";
}

RRsets zone_rrsets(const zones::Zone& zone, Soa soa) {
    RRsets out;
    for (uint32_t n = 0; n < zone.node_count(); ++n) {
        const zones::Node& node = zone.node(n);
        for (const zones::RRset& r : zone.rrsets(node)) {
            if (soa == Soa::excluded && r.type == zones::rrtype::SOA) continue;
            RRsetData& s = out[{zones::name_to_text(zone.name(node)), r.type}];
            s.ttl = r.ttl;
            std::string_view rd = zone.rdata(r);
            for (size_t i = 0; i < rd.size();) {
                size_t len = (size_t{static_cast<uint8_t>(rd[i])} << 8) | static_cast<uint8_t>(rd[i + 1]);
                s.rdata.emplace(rd.substr(i + 2, len));
                i += 2 + len;
            }
        }
    }
    return out;
}

RRsets ldns_rrsets(const std::string& path, const std::string& origin, uint32_t default_ttl, Soa soa) {
    RRsets out;
    std::FILE* fp = std::fopen(path.c_str(), "r");
    EXPECT_NE(fp, nullptr) << path;
    if (fp == nullptr) return out;
    ldns_rdf* o = ldns_dname_new_frm_str(origin.c_str());
    ldns_zone* z = nullptr;
    int line = 0;
    ldns_status st = ldns_zone_new_frm_fp_l(&z, fp, o, default_ttl, LDNS_RR_CLASS_IN, &line);
    std::fclose(fp);
    ldns_rdf_deep_free(o);
    EXPECT_EQ(st, LDNS_STATUS_OK) << "ldns: " << ldns_get_errorstr_by_id(st) << " at line " << line;
    if (st != LDNS_STATUS_OK) return out;
    ldns_rr_list* all = ldns_rr_list_clone(ldns_zone_rrs(z));
    if (soa == Soa::included && ldns_zone_soa(z) != nullptr) ldns_rr_list_push_rr(all, ldns_rr_clone(ldns_zone_soa(z)));
    ldns_buffer* b = ldns_buffer_new(1024);
    for (size_t i = 0; i < ldns_rr_list_rr_count(all); ++i) {
        ldns_rr* rr = ldns_rr_list_rr(all, i);
        const auto type = static_cast<uint16_t>(ldns_rr_get_type(rr));
        if (zones::rrtype::rdata_name_compressible(type)) {
            for (size_t k = 0; k < ldns_rr_rd_count(rr); ++k) {
                if (ldns_rdf_get_type(ldns_rr_rdf(rr, k)) == LDNS_RDF_TYPE_DNAME) ldns_dname2canonical(ldns_rr_rdf(rr, k));
            }
        }
        std::string owner(reinterpret_cast<const char*>(ldns_rdf_data(ldns_rr_owner(rr))), ldns_rdf_size(ldns_rr_owner(rr)));
        zones::lowercase_name(owner);
        ldns_buffer_clear(b);
        ldns_rr_rdata2buffer_wire(b, rr);
        RRsetData& s = out[{zones::name_to_text(owner), type}];
        s.rdata.emplace(reinterpret_cast<const char*>(ldns_buffer_begin(b)), ldns_buffer_position(b));
        s.ttl = std::min(s.ttl, ldns_rr_ttl(rr));
    }
    ldns_buffer_free(b);
    ldns_rr_list_deep_free(all);
    ldns_zone_deep_free(z);
    return out;
}

}  // namespace zones_test
