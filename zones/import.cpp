// import.cpp -- `dnsd import`: an RFC 1035 zone file, parsed by ldns, printed as a TOML zone that
// loads back to exactly the same RRsets (docs/zone-format.md, "Importing").
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <map>
#include <memory>

#include <stdbool.h>   // before ldns: ldns/common.h otherwise defines bool as a macro
#include <ldns/ldns.h>

#include "zones/loader.hpp"
#include "zones/utf8.hpp"
#include "zones/name.hpp"
#include "zones/rdata.hpp"
#include "zones/rrtype.hpp"

namespace zones {
namespace {

// TTL of records when the file has neither a $TTL nor a TTL on the record.
constexpr uint32_t kDefaultImportTtl = 3600;

using ZonePtr = std::unique_ptr<ldns_zone, decltype(&ldns_zone_deep_free)>;
using RdfPtr = std::unique_ptr<ldns_rdf, decltype(&ldns_rdf_deep_free)>;

struct Rec {
    std::string owner;      // lowercase wire
    uint16_t type = 0;
    uint32_t ttl = 0;
    std::string rdata;      // uncompressed wire
    const ldns_rr* rr = nullptr;
    size_t seq = 0;         // file order
    std::vector<std::string> canonical;   // canonical_key(owner)
};

std::string rdf_wire(const ldns_rdf* rdf) {
    return std::string(reinterpret_cast<const char*>(ldns_rdf_data(rdf)), ldns_rdf_size(rdf));
}

std::string rdata_wire(const ldns_rr* rr) {
    ldns_buffer* b = ldns_buffer_new(512);
    ldns_rr_rdata2buffer_wire(b, rr);
    std::string out(reinterpret_cast<const char*>(ldns_buffer_begin(b)), ldns_buffer_position(b));
    ldns_buffer_free(b);
    return out;
}

std::vector<std::string_view> labels_of(std::string_view wire) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < wire.size() && wire[i] != 0) {
        size_t len = static_cast<uint8_t>(wire[i]);
        out.push_back(wire.substr(i + 1, len));
        i += len + 1;
    }
    return out;
}

// RFC 4034 6.1 canonical order of lowercase wire names is the lexicographic order of their
// labels from the root down, each compared as unsigned octets (std::string's compare).
std::vector<std::string> canonical_key(std::string_view wire) {
    std::vector<std::string> key;
    for (std::string_view l : labels_of(wire)) key.emplace_back(l);
    std::reverse(key.begin(), key.end());
    return key;
}

// A TOML string: a literal string ('...') when that avoids escaping quotes or backslashes
// (CAA = '0 issue "ca.example.net"'), else a basic string with escapes.
std::string quote(std::string_view s) {
    bool plain = std::all_of(s.begin(), s.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c >= 0x20 && c != 0x7f && c != '\'';
    });
    if (plain && s.find_first_of("\"\\") != std::string_view::npos) return "'" + std::string(s) + "'";
    std::string out = "\"";
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04X", c);
                    out += buf;
                } else {
                    out.push_back(ch);
                }
        }
    }
    out += '"';
    return out;
}

std::string key(std::string_view s) {
    bool bare = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    return bare ? std::string(s) : quote(s);
}


class Importer {
public:
    Importer(std::string file, std::string origin) : file_(std::move(file)), origin_(std::move(origin)) {}

    common::Result<std::string> run();

private:
    // A name relative to the origin where possible ("@", "www", "_sip._tcp"), else absolute.
    std::string relative(std::string_view wire) const {
        std::string lower(wire);
        lowercase_name(lower);
        if (lower == origin_) return "@";
        if (is_subdomain(lower, origin_)) {
            std::string prefix(wire.substr(0, wire.size() - origin_.size()));
            prefix.push_back('\0');
            std::string text = name_to_text(prefix);
            text.pop_back();   // the trailing dot
            return text;
        }
        return name_to_text(wire);
    }

    std::string rdata_text(const Rec& r) const;
    std::vector<std::string> values(const std::vector<const Rec*>& set, bool* as_generic_txt) const;
    common::Error error(std::string message, uint32_t line = 0) const {
        return common::Error{file_, line, 0, std::move(message)};
    }

    std::string file_;
    std::string origin_;
};

std::string Importer::rdata_text(const Rec& r) const {
    const ldns_rr* rr = r.rr;
    if (rr_type_name(r.type).rfind("TYPE", 0) == 0) {
        // A type ldns does not know: RFC 3597 generic form.
        std::string out = "\\# " + std::to_string(r.rdata.size());
        if (!r.rdata.empty()) out += ' ';
        static const char* hex = "0123456789abcdef";
        for (char c : r.rdata) {
            out.push_back(hex[static_cast<uint8_t>(c) >> 4]);
            out.push_back(hex[static_cast<uint8_t>(c) & 15]);
        }
        return out;
    }
    std::string out;
    for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        const ldns_rdf* rdf = ldns_rr_rdf(rr, i);
        if (!out.empty()) out += ' ';
        if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME) {
            out += relative(rdf_wire(rdf));
        } else {
            char* s = ldns_rdf2str(rdf);
            if (s != nullptr) {
                out += s;
                LDNS_FREE(s);
            }
        }
    }
    return out;
}

// The TOML value of one RRset's records: a string or an array. TXT uses the TOML zone form
// (the text, or an array of character-strings) unless a string is not valid UTF-8: then the
// set is written as TYPE16 in presentation format (*as_generic_txt).
std::vector<std::string> Importer::values(const std::vector<const Rec*>& set, bool* as_generic_txt) const {
    std::vector<std::string> items;
    bool txt = set.front()->type == rrtype::TXT;
    *as_generic_txt = false;
    if (txt) {
        for (const Rec* r : set) {
            std::string_view rd = r->rdata;
            size_t i = 0;
            while (i < rd.size()) {
                size_t n = static_cast<uint8_t>(rd[i]);
                if (!valid_utf8(rd.substr(i + 1, n))) *as_generic_txt = true;
                i += n + 1;
            }
        }
    }
    for (const Rec* r : set) {
        if (txt && !*as_generic_txt) {
            std::vector<std::string_view> strings;
            std::string joined;
            std::string_view rd = r->rdata;
            for (size_t i = 0; i < rd.size();) {
                size_t n = static_cast<uint8_t>(rd[i]);
                strings.push_back(rd.substr(i + 1, n));
                joined.append(rd.substr(i + 1, n));
                i += n + 1;
            }
            std::string again;
            txt_from_text(joined, &again);
            if (again == rd) {
                items.push_back(quote(joined));
            } else {
                std::string arr = "[";
                for (size_t k = 0; k < strings.size(); ++k) arr += (k ? ", " : "") + quote(strings[k]);
                items.push_back(arr + "]");
            }
        } else {
            items.push_back(quote(rdata_text(*r)));
        }
    }
    return items;
}

common::Result<std::string> Importer::run() {
    std::FILE* fp = std::fopen(file_.c_str(), "r");
    if (fp == nullptr) return error(std::string("cannot read: ") + std::strerror(errno));
    RdfPtr origin_rdf(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, origin_.size(), origin_.data()), &ldns_rdf_deep_free);
    ldns_zone* raw = nullptr;
    int line = 0;
    ldns_status st = ldns_zone_new_frm_fp_l(&raw, fp, origin_rdf.get(), kDefaultImportTtl, LDNS_RR_CLASS_IN, &line);
    std::fclose(fp);
    if (st != LDNS_STATUS_OK) {
        return error(std::string(ldns_get_errorstr_by_id(st)), static_cast<uint32_t>(line));
    }
    ZonePtr zone(raw, &ldns_zone_deep_free);
    const ldns_rr* soa = ldns_zone_soa(zone.get());
    if (soa == nullptr) return error("no SOA record: a zone file for import needs one at the origin");

    common::Errors errors;
    std::vector<Rec> recs;
    auto add = [&](const ldns_rr* rr) {
        Rec r;
        r.owner = rdf_wire(ldns_rr_owner(rr));
        lowercase_name(r.owner);
        r.type = static_cast<uint16_t>(ldns_rr_get_type(rr));
        r.ttl = ldns_rr_ttl(rr);
        r.rdata = rdata_wire(rr);
        r.rr = rr;
        r.seq = recs.size();
        r.canonical = canonical_key(r.owner);
        std::string where = name_to_text(r.owner) + " " + rr_type_name(r.type);
        if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
            errors.push_back(error(where + ": class is not IN; dnsd serves class IN only"));
        } else if (!is_subdomain(r.owner, origin_)) {
            errors.push_back(error(where + ": outside the zone " + name_to_text(origin_)));
        } else if (r.type == rrtype::DNAME) {
            errors.push_back(error(where + ": DNAME records are not supported"));
        } else if (r.type == rrtype::SOA && !recs.empty()) {
            errors.push_back(error(where + ": more than one SOA record"));
        } else if (r.ttl > kMaxTtl) {
            errors.push_back(error(where + ": TTL above 2147483647"));
        }
        recs.push_back(std::move(r));
    };
    add(soa);
    const ldns_rr_list* list = ldns_zone_rrs(zone.get());
    for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) add(ldns_rr_list_rr(list, i));
    if (recs.front().owner != origin_) {
        errors.push_back(error("the SOA record's owner " + name_to_text(recs.front().owner) + " is not the origin " +
                               name_to_text(origin_)));
    }
    if (!errors.empty()) return errors;

    // The zone TTL: the most common one.
    std::map<uint32_t, size_t> ttl_count;
    for (const Rec& r : recs) ++ttl_count[r.ttl];
    uint32_t zone_ttl = std::max_element(ttl_count.begin(), ttl_count.end(), [](const auto& a, const auto& b) {
                            return a.second < b.second;
                        })->first;

    const Rec& s = recs.front();
    std::string out;
    out += "# " + name_to_text(origin_) + " imported from " + file_ + " by dnsd import.\n";
    out += "origin = " + quote(name_to_text(origin_)) + "\n";
    out += "ttl = " + std::to_string(zone_ttl) + "\n\n";

    // [soa] from the SOA's fields: MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM.
    const ldns_rr* srr = s.rr;
    auto u32 = [&](size_t i) { return ldns_rdf2native_int32(ldns_rr_rdf(srr, i)); };
    std::string contact;
    {
        std::string rname = rdf_wire(ldns_rr_rdf(srr, 1));
        auto labels = labels_of(rname);
        bool plain_domain = labels.size() >= 3 || (labels.size() == 2);
        for (size_t i = 1; i < labels.size(); ++i) {
            for (char c : labels[i]) {
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                    plain_domain = false;
                }
            }
        }
        bool plain_local = !labels.empty() && !labels[0].empty() &&
                           std::all_of(labels[0].begin(), labels[0].end(), [](char c) {
                               auto u = static_cast<unsigned char>(c);
                               return u > ' ' && u < 127 && c != '@' && c != '\\' && c != '"';
                           });
        if (plain_domain && plain_local && labels.size() >= 2) {
            contact = std::string(labels[0]) + "@";
            for (size_t i = 1; i < labels.size(); ++i) contact += std::string(labels[i]) + (i + 1 < labels.size() ? "." : "");
        } else {
            contact = relative(rname);
        }
    }
    out += "[soa]\n";
    out += "primary = " + quote(relative(rdf_wire(ldns_rr_rdf(srr, 0)))) + "\n";
    out += "contact = " + quote(contact) + "\n";
    out += "serial = " + std::to_string(u32(2)) + "\n";
    out += "refresh = " + std::to_string(u32(3)) + "\n";
    out += "retry = " + std::to_string(u32(4)) + "\n";
    out += "expire = " + std::to_string(u32(5)) + "\n";
    out += "negative_ttl = " + std::to_string(u32(6)) + "\n";
    if (s.ttl != zone_ttl) out += "ttl = " + std::to_string(s.ttl) + "\n";
    out += "\n[records]\n";

    // Everything but the SOA, by owner in canonical order, then type, then file order.
    std::vector<const Rec*> rest;
    for (size_t i = 1; i < recs.size(); ++i) rest.push_back(&recs[i]);
    std::stable_sort(rest.begin(), rest.end(), [](const Rec* a, const Rec* b) {
        if (a->owner != b->owner) return a->canonical < b->canonical;
        return a->type < b->type;
    });
    size_t i = 0;
    while (i < rest.size()) {
        const std::string& owner = rest[i]->owner;
        std::vector<std::vector<const Rec*>> sets;
        while (i < rest.size() && rest[i]->owner == owner) {
            std::vector<const Rec*> set;
            uint16_t type = rest[i]->type;
            while (i < rest.size() && rest[i]->owner == owner && rest[i]->type == type) {
                const Rec* r = rest[i++];
                bool dup = std::any_of(set.begin(), set.end(), [&](const Rec* x) { return x->rdata == r->rdata; });
                if (!dup) set.push_back(r);
            }
            sets.push_back(std::move(set));
        }
        // RFC 2181 5.2: one TTL per RRset (the loader keeps the smallest, so do we).
        std::vector<uint32_t> ttls;
        for (const auto& set : sets) {
            uint32_t t = UINT32_MAX;
            for (const Rec* r : set) t = std::min(t, r->ttl);
            ttls.push_back(t);
        }
        bool same = std::all_of(ttls.begin(), ttls.end(), [&](uint32_t t) { return t == ttls.front(); });
        uint32_t owner_ttl = same ? ttls.front() : zone_ttl;
        std::string entry = key(relative(owner)) + " = { ";
        for (size_t k = 0; k < sets.size(); ++k) {
            bool generic = false;
            std::vector<std::string> items = values(sets[k], &generic);
            // One record is written bare, unless it is itself an array (TXT strings).
            std::string v;
            if (items.size() == 1 && items[0][0] != '[') {
                v = items[0];
            } else {
                v = "[";
                for (size_t j = 0; j < items.size(); ++j) v += (j ? ", " : "") + items[j];
                v += "]";
            }
            std::string type = generic ? "TYPE16" : rr_type_name(sets[k].front()->type);
            if (k > 0) entry += ", ";
            if (ttls[k] != owner_ttl) {
                entry += key(type) + " = { values = " + v + ", ttl = " + std::to_string(ttls[k]) + " }";
            } else {
                entry += key(type) + " = " + v;
            }
        }
        if (owner_ttl != zone_ttl) entry += ", ttl = " + std::to_string(owner_ttl);
        out += entry + " }\n";
    }
    return out;
}

}  // namespace

common::Result<std::string> import_zone(const std::string& zonefile, const std::string& origin) {
    std::string text = origin;
    if (text.empty() || text.back() != '.') text += '.';
    std::string wire;
    std::string why;
    if (!parse_name(text, std::string_view("\0", 1), &wire, &why)) {
        return common::Error{"", 0, 0, "bad origin \"" + origin + "\": " + why};
    }
    return Importer(zonefile, wire).run();
}

}  // namespace zones
