// loader.cpp -- TOML zone files (origin, ttl, [soa], [records], include, [balance.*], [checks.*])
// -> ZoneBuilder -> Zone, and a directory of them -> ZoneSet. Every error at file:line:column.
//
// The contract is DESIGN.md "Zone files (TOML)"; the details decided here are in
// docs/zone-format.md. toml11 does not reject unknown keys, so every table is checked here.
#include "zones/loader.hpp"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "zones/include_reader.hpp"
#include "zones/name.hpp"
#include "zones/rdata.hpp"
#include "zones/rrtype.hpp"
#include "zones/toml_util.hpp"

namespace zones {
namespace {

using toml_util::Locator;

constexpr std::string_view kZoneKeys[] = {"origin", "ttl", "soa", "records", "include", "balance", "checks"};
constexpr std::string_view kSoaKeys[] = {"primary", "contact", "serial",       "refresh",
                                         "retry",   "expire",  "negative_ttl", "ttl"};
constexpr std::string_view kBalanceKeys[] = {"ttl", "policy", "answers", "check", "members", "pools", "geo"};
constexpr std::string_view kPoolKeys[] = {"members", "location", "min_healthy"};
constexpr std::string_view kMemberKeys[] = {"address", "weight"};

constexpr uint32_t kDefaultTtl = 3600;
constexpr uint32_t kDefaultBalanceTtl = 30;
constexpr size_t kMaxIncludes = 1000;
constexpr uint32_t kMaxWeight = 1'000'000;

// SOA timers' defaults (RIPE-203 style values, as most zone tooling suggests).
constexpr uint32_t kDefaultRefresh = 7200;
constexpr uint32_t kDefaultRetry = 3600;
constexpr uint32_t kDefaultExpire = 1209600;
constexpr uint32_t kDefaultNegativeTtl = 300;

void put_u32(std::string* out, uint32_t v) {
    out->push_back(static_cast<char>(v >> 24));
    out->push_back(static_cast<char>((v >> 16) & 0xff));
    out->push_back(static_cast<char>((v >> 8) & 0xff));
    out->push_back(static_cast<char>(v & 0xff));
}

std::string upper(std::string s) {
    for (auto& c : s) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    return s;
}

std::string format_number(double d) {
    std::ostringstream o;
    o << d;
    return o.str();
}

bool all_alpha(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    });
}

bool all_alnum(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    });
}

// "net:10.0.0.0/8", "asn:64500", "region:US-CA", "country:JP", "continent:EU", "default":
// checks the syntax only (dnsd validates codes against its tables). Returns the selector as
// it will be matched (codes uppercased) or "" with *why set.
std::string normalize_selector(const std::string& s, std::string* why) {
    if (s == "default") return s;
    size_t colon = s.find(':');
    std::string kind = colon == std::string::npos ? s : s.substr(0, colon);
    std::string arg = colon == std::string::npos ? "" : s.substr(colon + 1);
    if (kind == "net") {
        size_t slash = arg.find('/');
        auto ip = parse_ip(arg.substr(0, slash));
        if (!ip || slash == std::string::npos || slash + 1 >= arg.size() || arg.size() - slash - 1 > 3 ||
            !std::all_of(arg.begin() + static_cast<long>(slash) + 1, arg.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            *why = "\"" + s + "\" is not a network: expected net:ADDRESS/PREFIX, e.g. net:10.0.0.0/8";
            return "";
        }
        unsigned len = static_cast<unsigned>(std::stoul(arg.substr(slash + 1)));
        unsigned max = ip->is_v4() ? 32 : 128;
        if (len > max) {
            *why = "prefix length " + std::to_string(len) + " in \"" + s + "\" is above " + std::to_string(max);
            return "";
        }
        size_t bytes = ip->is_v4() ? 4 : 16;
        for (size_t bit = len; bit < bytes * 8; ++bit) {
            if ((ip->bytes[bit / 8] >> (7 - bit % 8)) & 1) {
                IpAddress net = *ip;
                for (size_t b = len; b < bytes * 8; ++b) net.bytes[b / 8] &= static_cast<uint8_t>(~(1u << (7 - b % 8)));
                *why = "\"" + s + "\" has host bits set; did you mean net:" + ip_to_string(net) + "/" + std::to_string(len) + "?";
                return "";
            }
        }
        return s;
    }
    if (kind == "asn") {
        if (arg.empty() || arg.size() > 10 || !std::all_of(arg.begin(), arg.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
            std::stoull(arg) == 0 || std::stoull(arg) > 4294967295ull) {
            *why = "\"" + s + "\": expected asn:NUMBER (1-4294967295)";
            return "";
        }
        return s;
    }
    if (kind == "country" || kind == "continent") {
        if (arg.size() != 2 || !all_alpha(arg)) {
            *why = "\"" + s + "\": expected " + kind + ": and a two-letter code, e.g. " +
                   (kind == "country" ? "country:JP" : "continent:EU");
            return "";
        }
        return kind + ":" + upper(arg);
    }
    if (kind == "region") {
        size_t dash = arg.find('-');
        if (dash != 2 || !all_alpha(arg.substr(0, 2)) || arg.size() < 4 || arg.size() > 6 || !all_alnum(arg.substr(3))) {
            *why = "\"" + s + "\": expected region:CC-SUB (ISO 3166-2), e.g. region:US-CA";
            return "";
        }
        return "region:" + upper(arg);
    }
    *why = "unknown geo selector \"" + s +
           "\"; expected net:CIDR, asn:N, region:CC-SUB, country:CC, continent:XX or default";
    return "";
}

class TomlZoneLoader {
public:
    TomlZoneLoader(std::string path, int64_t mtime) : path_(std::move(path)), loc_(path_), newest_mtime_(mtime) {}

    common::Result<std::shared_ptr<const Zone>> load(const toml::value& root);

private:
    void error(const toml::value& v, std::string message) { errors_.push_back(loc_.error(v, std::move(message))); }
    RecordSource source_of(const toml::value& v) {
        SourceLocation l = loc_.at(v);
        return RecordSource{0, l.line, l.column};
    }
    bool origin_from(const toml::value* v);
    void records(const toml::value& table);
    void owner(const toml::value& table, const std::string& key);
    void rrset(const std::string& owner, const std::string& owner_key, uint16_t type, const std::string& key,
               const toml::value& v, uint32_t owner_ttl);
    void record(const std::string& owner, uint16_t type, const std::string& key, const toml::value& v,
                uint32_t ttl);
    void includes(const toml::value& v);
    void soa(const toml::value* table);
    void balance(const std::string& key, const toml::value& table);
    bool members(const toml::value& v, const std::string& where, Pool* pool);
    void checks(const toml::value& table);

    std::string path_;
    Locator loc_;
    common::Errors errors_;
    std::string origin_;
    uint32_t ttl_ = kDefaultTtl;
    std::optional<ZoneBuilder> builder_;
    RdataParser rdata_;
    std::vector<Token> tokens_;
    std::string wire_;
    std::string first_apex_ns_;
    int64_t newest_mtime_ = 0;
    std::vector<std::string> include_files_;
};

bool TomlZoneLoader::origin_from(const toml::value* v) {
    std::string why;
    if (v != nullptr) {
        auto text = toml_util::get_string(*v, "origin", loc_, &errors_);
        if (!text) return false;
        if (text->empty() || text->back() != '.' || (text->size() >= 2 && (*text)[text->size() - 2] == '\\')) {
            error(*v, "origin must be an absolute name ending in a dot, e.g. \"example.com.\", got \"" + *text + "\"");
            return false;
        }
        if (!parse_name(*text, std::string_view("\0", 1), &origin_, &why)) {
            error(*v, "bad origin \"" + *text + "\": " + why);
            return false;
        }
        return true;
    }
    std::string base = std::filesystem::path(path_).filename().string();
    if (base.size() > 5 && base.substr(base.size() - 5) == ".toml") base.resize(base.size() - 5);
    if (base.empty() || base.back() != '.') base += '.';
    if (!parse_name(base, std::string_view("\0", 1), &origin_, &why)) {
        errors_.push_back(common::Error{path_, 0, 0, "cannot take the origin from the file name (" + why +
                                                         "); set origin = \"example.com.\""});
        return false;
    }
    return true;
}

// ---- [records] ------------------------------------------------------------------------------

void TomlZoneLoader::records(const toml::value& table) {
    if (!table.is_table()) {
        error(table, "[records] must be a table of names, got " + toml_util::describe(table));
        return;
    }
    for (const auto& [key, value] : toml_util::entries(table, loc_)) {
        if (!value->is_table()) {
            error(*value, "[records] " + *key + " must be a table of record types, e.g. " + *key +
                              " = { A = \"192.0.2.1\" }, got " + toml_util::describe(*value));
            continue;
        }
        owner(*value, *key);
    }
}

// One owner's table: RR type keys and `ttl`. A key that is not a type but holds a table
// continues the name: TOML reads `_sip._tcp = {...}` as records._sip._tcp, and the key path
// joined with dots is the owner name, "_sip._tcp".
void TomlZoneLoader::owner(const toml::value& table, const std::string& key) {
    std::string owner_wire;
    std::string why;
    bool named = parse_name(key, origin_, &owner_wire, &why);
    uint32_t owner_ttl = ttl_;
    const auto& t = table.as_table();
    if (auto it = t.find("ttl"); it != t.end()) {
        if (auto v = toml_util::get_ttl(it->second, "ttl of " + key, loc_, &errors_)) owner_ttl = *v;
    }
    bool has_types = false;
    for (const auto& [k, v] : toml_util::entries(table, loc_)) {
        if (*k == "ttl") continue;
        uint16_t type = rr_type_from_name(*k);
        if (type != 0) {
            if (!named) {
                if (!has_types) error(table, "bad name \"" + key + "\" in [records]: " + why);
                has_types = true;
                continue;
            }
            has_types = true;
            rrset(owner_wire, key, type, *k, *v, owner_ttl);
        } else if (v->is_table()) {
            owner(*v, key + "." + *k);
        } else {
            error(*v, "unknown record type '" + *k + "' at " + key +
                          "; expected an RR type (A, AAAA, CNAME, MX, NS, TXT, SRV, CAA, ... or TYPEnnn) or ttl");
        }
    }
}

void TomlZoneLoader::rrset(const std::string& owner, const std::string& owner_key, uint16_t type,
                           const std::string& key, const toml::value& v, uint32_t owner_ttl) {
    std::string tname = upper(key);
    if (type == rrtype::SOA) {
        error(v, "SOA records are not written in [records]: set the SOA fields in the [soa] table");
        return;
    }
    if (!is_zone_data_type(type)) {
        error(v, "type " + tname + " cannot be stored in a zone");
        return;
    }
    uint32_t ttl = owner_ttl;
    const toml::value* values = &v;
    if (v.is_table()) {
        const auto& t = v.as_table();
        bool ok = true;
        for (const auto& [k, x] : toml_util::entries(v, loc_)) {
            if (*k == "values" || *k == "ttl") continue;
            std::string msg = "unknown key '" + *k + "' in the " + tname + " table of " + name_to_text(owner) +
                              "; expected one of: values, ttl";
            // `www.mx = { A = ... }` is TOML for records.www.mx: "mx" reads as a type here.
            if (rr_type_from_name(*k) != 0) {
                msg += " (a name with dots must be quoted: \"" + owner_key + "." + key + "\" = { ... })";
            }
            error(*x, msg);
            ok = false;
        }
        if (auto it = t.find("ttl"); it != t.end()) {
            auto x = toml_util::get_ttl(it->second, tname + " ttl", loc_, &errors_);
            if (!x) return;
            ttl = *x;
        }
        auto it = t.find("values");
        if (it == t.end()) {
            if (ok) error(v, "the " + tname + " table of " + name_to_text(owner) + " needs values = [...]");
            return;
        }
        values = &it->second;
    }
    if (values->is_array()) {
        const auto& a = values->as_array();
        if (a.empty()) {
            error(*values, "empty list of " + tname + " records at " + name_to_text(owner));
            return;
        }
        for (const auto& x : a) record(owner, type, tname, x, ttl);
    } else {
        record(owner, type, tname, *values, ttl);
    }
}

void TomlZoneLoader::record(const std::string& owner, uint16_t type, const std::string& tname, const toml::value& v,
                            uint32_t ttl) {
    wire_.clear();
    std::string why;
    if (type == rrtype::TXT && tname == "TXT") {
        // DESIGN.md: a TXT value is its text (split into 255-octet strings); an inner array
        // gives one record's character-strings explicitly. (Written TYPE16, it takes the
        // RFC 1035 presentation form like any other type: `dnsd import` uses that for text
        // that is not UTF-8.)
        if (v.is_string()) {
            txt_from_text(v.as_string().str, &wire_);
        } else if (v.is_array()) {
            std::vector<std::string_view> parts;
            for (const auto& p : v.as_array()) {
                if (!p.is_string()) {
                    error(p, "TXT character-strings must be strings, got " + toml_util::describe(p));
                    return;
                }
                parts.push_back(p.as_string().str);
            }
            if (!txt_from_strings(parts, &wire_, &why)) {
                error(v, "bad TXT record: " + why);
                return;
            }
        } else {
            error(v, "a TXT value must be its text (a string) or an array of character-strings, got " +
                         toml_util::describe(v));
            return;
        }
        if (wire_.size() > 65535) {
            error(v, "TXT record longer than 65535 octets");
            return;
        }
    } else {
        if (!v.is_string()) {
            error(v, tname + " record must be a string in presentation format, got " + toml_util::describe(v));
            return;
        }
        const std::string& text = v.as_string().str;
        if (!tokenize_rdata(text, &tokens_, &why)) {
            error(v, "bad " + tname + " record \"" + text + "\": " + why);
            return;
        }
        if (!rdata_.parse(type, tokens_, &wire_, &why)) {
            error(v, why);
            return;
        }
    }
    builder_->add_record(owner, type, ttl, wire_, source_of(v));
    if (type == rrtype::NS && owner == origin_ && first_apex_ns_.empty()) first_apex_ns_ = wire_;
}

// ---- include --------------------------------------------------------------------------------

void TomlZoneLoader::includes(const toml::value& v) {
    std::vector<const toml::value*> files;
    if (v.is_string()) {
        files.push_back(&v);
    } else if (v.is_array()) {
        for (const auto& x : v.as_array()) files.push_back(&x);
    } else {
        error(v, "include must be a file name or an array of file names, got " + toml_util::describe(v));
        return;
    }
    if (files.size() > kMaxIncludes) {
        error(v, "more than " + std::to_string(kMaxIncludes) + " include files");
        return;
    }
    std::filesystem::path dir = std::filesystem::path(path_).parent_path();
    for (const toml::value* f : files) {
        auto name = toml_util::get_string(*f, "include", loc_, &errors_);
        if (!name) continue;
        if (name->empty()) {
            error(*f, "include names an empty file name");
            continue;
        }
        std::string path = std::filesystem::path(*name).is_absolute() ? *name : (dir / *name).string();
        if (std::find(include_files_.begin(), include_files_.end(), path) != include_files_.end()) {
            error(*f, "\"" + *name + "\" is included twice");
            continue;
        }
        include_files_.push_back(path);
        MasterFileOptions options;
        options.origin = origin_;
        options.default_ttl = ttl_;
        options.source = builder_->add_source(path);
        MasterFileInfo info;
        std::string why;
        if (!read_master_file(path, options, *builder_, &info, &why)) {
            error(*f, "cannot read include file \"" + *name + "\": " + why);
            continue;
        }
        newest_mtime_ = std::max(newest_mtime_, info.mtime);
        if (first_apex_ns_.empty()) first_apex_ns_ = info.first_apex_ns;
    }
}

// ---- [soa] ----------------------------------------------------------------------------------

void TomlZoneLoader::soa(const toml::value* table) {
    std::string primary;
    std::string contact;
    uint32_t serial = static_cast<uint32_t>(std::clamp<int64_t>(newest_mtime_, 0, 4294967295));
    uint32_t refresh = kDefaultRefresh;
    uint32_t retry = kDefaultRetry;
    uint32_t expire = kDefaultExpire;
    uint32_t negative = kDefaultNegativeTtl;
    uint32_t soa_ttl = ttl_;
    RecordSource where{};
    // A bad field is reported and replaced by its default, so that the SOA still goes in and
    // the only messages are the real ones (the zone fails to load anyway).
    if (table != nullptr) {
        where = source_of(*table);
        if (!table->is_table()) {
            error(*table, "[soa] must be a table, got " + toml_util::describe(*table));
            return;
        }
        toml_util::check_keys(*table, kSoaKeys, "[soa]", loc_, &errors_);
        const auto& t = table->as_table();
        std::string why;
        if (auto it = t.find("primary"); it != t.end()) {
            if (auto s = toml_util::get_string(it->second, "[soa] primary", loc_, &errors_)) {
                if (!append_name(*s, origin_, &primary, &why)) {
                    error(it->second, "[soa] primary: bad name \"" + *s + "\": " + why);
                }
            }
        }
        if (auto it = t.find("contact"); it != t.end()) {
            if (auto s = toml_util::get_string(it->second, "[soa] contact", loc_, &errors_)) {
                size_t at = s->find('@');
                while (at != std::string::npos && at > 0 && (*s)[at - 1] == '\\') at = s->find('@', at + 1);
                if (at != std::string::npos && *s != "@") {
                    // hostmaster@example.com -> hostmaster.example.com. (RFC 1035 8: the local
                    // part is one label, so its dots are kept inside the label).
                    std::string local = s->substr(0, at);
                    std::string domain = s->substr(at + 1);
                    if (domain.empty() || domain.back() != '.') domain += '.';
                    if (local.empty() || local.size() > kMaxLabelLength ||
                        std::any_of(local.begin(), local.end(), [](char c) { return static_cast<unsigned char>(c) <= ' '; })) {
                        error(it->second, "[soa] contact: bad e-mail address \"" + *s + "\"");
                    } else {
                        contact.push_back(static_cast<char>(local.size()));
                        contact += local;
                        if (!append_name(domain, std::string_view("\0", 1), &contact, &why)) {
                            error(it->second, "[soa] contact: bad e-mail address \"" + *s + "\": " + why);
                            contact.clear();
                        } else if (contact.size() > kMaxNameLength) {
                            error(it->second, "[soa] contact: e-mail address too long");
                            contact.clear();
                        }
                    }
                } else if (!append_name(*s, origin_, &contact, &why)) {
                    error(it->second, "[soa] contact: bad name \"" + *s + "\": " + why);
                }
            }
        }
        if (auto it = t.find("serial"); it != t.end()) {
            const toml::value& v = it->second;
            if (v.is_string() && v.as_string().str == "auto") {
                // keep the newest mtime
            } else if (v.is_integer() && v.as_integer() >= 0 && v.as_integer() <= 4294967295) {
                serial = static_cast<uint32_t>(v.as_integer());
            } else {
                error(v, "[soa] serial must be \"auto\" or an integer from 0 to 4294967295, got " +
                             (v.is_integer() ? std::to_string(v.as_integer()) : toml_util::describe(v)));
            }
        }
        auto timer = [&](const char* key, uint32_t* out) {
            if (auto it = t.find(key); it != t.end()) {
                if (auto x = toml_util::get_ttl(it->second, std::string("[soa] ") + key, loc_, &errors_)) *out = *x;
            }
        };
        timer("refresh", &refresh);
        timer("retry", &retry);
        timer("expire", &expire);
        timer("negative_ttl", &negative);
        timer("ttl", &soa_ttl);
    }
    if (primary.empty()) primary = first_apex_ns_.empty() ? origin_ : first_apex_ns_;
    if (contact.empty()) {
        contact = std::string("\x0ahostmaster", 11) + origin_;
        if (contact.size() > kMaxNameLength) contact = origin_;
    }
    std::string rdata = primary + contact;
    put_u32(&rdata, serial);
    put_u32(&rdata, refresh);
    put_u32(&rdata, retry);
    put_u32(&rdata, expire);
    put_u32(&rdata, negative);
    builder_->add_record(origin_, rrtype::SOA, soa_ttl, rdata, where);
}

// ---- [balance.NAME] -------------------------------------------------------------------------

bool TomlZoneLoader::members(const toml::value& v, const std::string& where, Pool* pool) {
    if (!v.is_array()) {
        error(v, where + " members must be an array of addresses, got " + toml_util::describe(v));
        return false;
    }
    bool ok = true;
    for (const auto& m : v.as_array()) {
        Member member;
        member.where = loc_.at(m);
        const toml::value* address = &m;
        if (m.is_table()) {
            if (!toml_util::check_keys(m, kMemberKeys, "a member of " + where, loc_, &errors_)) ok = false;
            const auto& t = m.as_table();
            auto it = t.find("address");
            if (it == t.end()) {
                error(m, "member of " + where + " needs address = \"...\"");
                ok = false;
                continue;
            }
            address = &it->second;
            if (auto w = t.find("weight"); w != t.end()) {
                if (w->second.is_integer() && w->second.as_integer() >= 0 && w->second.as_integer() <= kMaxWeight) {
                    member.weight = static_cast<uint32_t>(w->second.as_integer());
                } else {
                    error(w->second, "weight must be an integer from 0 to " + std::to_string(kMaxWeight) + ", got " +
                                         (w->second.is_integer() ? std::to_string(w->second.as_integer())
                                                                 : toml_util::describe(w->second)));
                    ok = false;
                }
            }
        } else if (!m.is_string()) {
            error(m, "member must be an IP address or { address = \"...\", weight = N }, got " + toml_util::describe(m));
            ok = false;
            continue;
        }
        if (!address->is_string()) {
            error(*address, "member address must be a string, got " + toml_util::describe(*address));
            ok = false;
            continue;
        }
        const std::string& text = address->as_string().str;
        auto ip = parse_ip(text);
        if (!ip) {
            error(*address, "member \"" + text + "\" is not an IP address");
            ok = false;
            continue;
        }
        member.address = *ip;
        auto dup = std::find_if(pool->members.begin(), pool->members.end(),
                                [&](const Member& x) { return x.address == member.address; });
        if (dup != pool->members.end()) {
            error(*address, "duplicate member " + ip_to_string(*ip) +
                                (pool->name.empty() ? " in " + where : " in pool \"" + pool->name + "\"") +
                                " (first at line " + std::to_string(dup->where.line) + ")");
            ok = false;
            continue;
        }
        pool->members.push_back(member);
    }
    return ok;
}

void TomlZoneLoader::balance(const std::string& key, const toml::value& table) {
    const std::string where = "[balance." + key + "]";
    if (!table.is_table()) {
        error(table, where + " must be a table, got " + toml_util::describe(table));
        return;
    }
    const size_t errors_before = errors_.size();
    Balance b;
    b.where = loc_.at(table);
    std::string why;
    if (!parse_name(key, origin_, &b.owner, &why)) {
        error(table, "bad name \"" + key + "\" in [balance]: " + why);
        return;
    }
    for (const auto& [k, v] : toml_util::entries(table, loc_)) {
        if (std::find(std::begin(kBalanceKeys), std::end(kBalanceKeys), *k) != std::end(kBalanceKeys)) continue;
        std::string msg = "unknown key '" + *k + "' in " + where +
                          "; expected one of: ttl, policy, answers, check, members, pools, geo";
        if (v->is_table()) msg += " (a name with dots must be quoted: [balance.\"" + key + "." + *k + "\"])";
        error(*v, msg);
    }
    const auto& t = table.as_table();
    if (auto it = t.find("ttl"); it != t.end()) {
        if (auto x = toml_util::get_ttl(it->second, where + " ttl", loc_, &errors_)) b.ttl = *x;
    } else {
        b.ttl = kDefaultBalanceTtl;
    }
    const toml::value* policy_value = nullptr;
    if (auto it = t.find("policy"); it != t.end()) {
        policy_value = &it->second;
        if (auto s = toml_util::get_string(it->second, where + " policy", loc_, &errors_)) {
            static constexpr std::pair<std::string_view, Policy> kPolicies[] = {{"round-robin", Policy::round_robin},
                                                                                {"weighted", Policy::weighted},
                                                                                {"failover", Policy::failover},
                                                                                {"geo", Policy::geo},
                                                                                {"nearest", Policy::nearest}};
            auto p = std::find_if(std::begin(kPolicies), std::end(kPolicies), [&](const auto& x) { return x.first == *s; });
            if (p == std::end(kPolicies)) {
                error(it->second, "unknown policy \"" + *s + "\" in " + where +
                                      "; expected round-robin, weighted, failover, geo or nearest");
                policy_value = nullptr;
            } else {
                b.policy = p->second;
            }
        } else {
            policy_value = nullptr;
        }
    }
    if (auto it = t.find("answers"); it != t.end()) {
        if (auto n = toml_util::get_int(it->second, 1, 65535, where + " answers", loc_, &errors_)) {
            b.answers = static_cast<uint32_t>(*n);
        }
    }
    if (auto it = t.find("check"); it != t.end()) {
        if (auto s = toml_util::get_string(it->second, where + " check", loc_, &errors_)) {
            if (s->empty()) {
                error(it->second, where + " check must name a [checks.NAME] table");
            } else {
                b.check = *s;
                b.check_where = loc_.at(it->second);
            }
        }
    }

    auto members_it = t.find("members");
    auto pools_it = t.find("pools");
    if (members_it != t.end() && pools_it != t.end()) {
        error(pools_it->second, where + " has both members and pools; use members for one pool or pools for several");
    } else if (members_it == t.end() && pools_it == t.end()) {
        error(table, where + " needs members = [...] or pools");
    } else if (members_it != t.end()) {
        Pool pool;
        pool.where = loc_.at(members_it->second);
        members(members_it->second, where, &pool);
        if (pool.members.empty() && members_it->second.is_array() && members_it->second.as_array().empty()) {
            error(members_it->second, where + " has no members");
        }
        b.pools.push_back(std::move(pool));
    } else if (!pools_it->second.is_table()) {
        error(pools_it->second, where + " pools must be a table of pools (pools.NAME = { members = [...] }), got " +
                                    toml_util::describe(pools_it->second));
    } else if (pools_it->second.as_table().empty()) {
        error(pools_it->second, where + " pools is empty");
    } else {
        for (const auto& [name, pv] : toml_util::entries(pools_it->second, loc_)) {
            Pool pool;
            pool.name = *name;
            pool.where = loc_.at(*pv);
            const std::string pwhere = "pool \"" + *name + "\" of " + where;
            if (!pv->is_table()) {
                error(*pv, pwhere + " must be a table like { members = [...] }, got " + toml_util::describe(*pv));
                continue;
            }
            toml_util::check_keys(*pv, kPoolKeys, pwhere, loc_, &errors_);
            const auto& pt = pv->as_table();
            auto mi = pt.find("members");
            if (mi == pt.end() || (mi->second.is_array() && mi->second.as_array().empty())) {
                error(mi == pt.end() ? *pv : mi->second, "pool \"" + *name + "\" has no members");
            } else {
                members(mi->second, where, &pool);
            }
            if (auto li = pt.find("location"); li != pt.end()) {
                const toml::value& l = li->second;
                auto number = [](const toml::value& x, double* out) {
                    if (x.is_floating()) *out = x.as_floating();
                    else if (x.is_integer()) *out = static_cast<double>(x.as_integer());
                    else return false;
                    return std::isfinite(*out);
                };
                double lat = 0;
                double lon = 0;
                if (!l.is_array() || l.as_array().size() != 2 || !number(l.as_array()[0], &lat) ||
                    !number(l.as_array()[1], &lon)) {
                    error(l, pwhere + " location must be [latitude, longitude], e.g. [50.11, 8.68]");
                } else if (lat < -90 || lat > 90) {
                    error(l.as_array()[0], "latitude " + format_number(lat) + " is outside -90..90");
                } else if (lon < -180 || lon > 180) {
                    error(l.as_array()[1], "longitude " + format_number(lon) + " is outside -180..180");
                } else {
                    pool.location = std::make_pair(lat, lon);
                }
            }
            if (auto mh = pt.find("min_healthy"); mh != pt.end()) {
                int64_t max = std::max<int64_t>(1, static_cast<int64_t>(pool.members.size()));
                if (auto n = toml_util::get_int(mh->second, 1, max, pwhere + " min_healthy", loc_, &errors_)) {
                    pool.min_healthy = static_cast<uint32_t>(*n);
                }
            }
            b.pools.push_back(std::move(pool));
        }
    }

    const bool needs_pools = b.policy == Policy::geo || b.policy == Policy::nearest;
    const bool has_pools = pools_it != t.end() && members_it == t.end();
    if (needs_pools && members_it != t.end() && policy_value != nullptr) {
        error(*policy_value, std::string("policy \"") + policy_name(b.policy) +
                                 "\" needs pools (pools.NAME = { members = [...] }), not a flat members list");
    }
    if (b.policy == Policy::nearest && has_pools && pools_it->second.is_table()) {
        for (const Pool& p : b.pools) {
            const toml::value& pv = pools_it->second.as_table().at(p.name);
            if (!p.location && pv.is_table() && pv.as_table().count("location") == 0) {
                errors_.push_back(common::Error{p.where.file, p.where.line, p.where.column,
                                                "pool \"" + p.name + "\" needs location = [latitude, longitude] for policy \"nearest\""});
            }
        }
    }

    auto geo_it = t.find("geo");
    if (geo_it != t.end()) {
        const toml::value& g = geo_it->second;
        if (b.policy != Policy::geo) {
            error(g, where + " has geo rules but policy is \"" + policy_name(b.policy) + "\"; set policy = \"geo\"");
        } else if (!g.is_table()) {
            error(g, where + " geo must be a table of selector = [pools], got " + toml_util::describe(g));
        } else if (has_pools) {
            std::string pool_names;
            for (const Pool& p : b.pools) pool_names += (pool_names.empty() ? "" : ", ") + p.name;
            std::vector<bool> used(b.pools.size(), false);
            std::set<std::string> seen;
            for (const auto& [sel, rv] : toml_util::entries(g, loc_)) {
                GeoRule rule;
                rule.where = loc_.at(*rv);
                std::string why2;
                rule.selector = normalize_selector(*sel, &why2);
                if (rule.selector.empty()) {
                    error(*rv, why2);
                    continue;
                }
                if (!seen.insert(rule.selector).second) {
                    error(*rv, "geo rule \"" + *sel + "\" is given twice");
                    continue;
                }
                if (!rv->is_array() || rv->as_array().empty()) {
                    error(*rv, "geo rule \"" + *sel + "\" must list pools in order of preference, e.g. [\"eu\", \"us\"]");
                    continue;
                }
                bool rule_ok = true;
                for (const auto& pn : rv->as_array()) {
                    if (!pn.is_string()) {
                        error(pn, "geo rule \"" + *sel + "\" must list pool names, got " + toml_util::describe(pn));
                        rule_ok = false;
                        continue;
                    }
                    const std::string& name = pn.as_string().str;
                    auto p = std::find_if(b.pools.begin(), b.pools.end(), [&](const Pool& x) { return x.name == name; });
                    if (p == b.pools.end()) {
                        error(pn, "geo rule \"" + *sel + "\" names unknown pool \"" + name + "\"; pools are: " + pool_names);
                        rule_ok = false;
                        continue;
                    }
                    auto idx = static_cast<uint32_t>(p - b.pools.begin());
                    if (std::find(rule.pools.begin(), rule.pools.end(), idx) != rule.pools.end()) {
                        error(pn, "geo rule \"" + *sel + "\" lists pool \"" + name + "\" twice");
                        rule_ok = false;
                        continue;
                    }
                    rule.pools.push_back(idx);
                    used[idx] = true;
                }
                if (rule_ok) b.geo.push_back(std::move(rule));
            }
            for (size_t i = 0; i < b.pools.size(); ++i) {
                if (used[i] || errors_.size() != errors_before) continue;
                const Pool& p = b.pools[i];
                errors_.push_back(common::Error{p.where.file, p.where.line, p.where.column,
                                                "pool \"" + p.name + "\" is not used by any geo rule of " + where});
            }
        }
    } else if (b.policy == Policy::geo && has_pools && !b.pools.empty()) {
        error(table, where + " has policy \"geo\" but no geo rules; add [balance." + key +
                         ".geo] with selectors like default = [\"" + b.pools.front().name + "\"]");
    }
    if (errors_.size() == errors_before) builder_->add_balance(std::move(b));
}

void TomlZoneLoader::checks(const toml::value& table) {
    if (!table.is_table()) {
        error(table, "[checks] must be a table of checks ([checks.NAME]), got " + toml_util::describe(table));
        return;
    }
    for (const auto& [name, v] : toml_util::entries(table, loc_)) {
        CheckSpec spec;
        if (toml_util::parse_check(*name, *v, loc_, &spec, &errors_)) builder_->add_check(std::move(spec));
    }
}

// ---- the file -------------------------------------------------------------------------------

common::Result<std::shared_ptr<const Zone>> TomlZoneLoader::load(const toml::value& root) {
    toml_util::check_keys(root, kZoneKeys, "the zone file", loc_, &errors_);
    const auto& t = root.as_table();
    auto find = [&](const char* k) -> const toml::value* {
        auto it = t.find(k);
        return it == t.end() ? nullptr : &it->second;
    };
    if (!origin_from(find("origin"))) return std::move(errors_);
    if (const toml::value* v = find("ttl")) {
        if (auto x = toml_util::get_ttl(*v, "ttl", loc_, &errors_)) ttl_ = *x;
    }
    builder_.emplace(origin_, path_);
    rdata_.set_origin(origin_);

    if (const toml::value* v = find("records")) records(*v);
    if (const toml::value* v = find("include")) includes(*v);
    soa(find("soa"));
    if (const toml::value* v = find("balance")) {
        if (!v->is_table()) {
            error(*v, "[balance] must be a table of balanced names ([balance.NAME]), got " + toml_util::describe(*v));
        } else {
            for (const auto& [name, b] : toml_util::entries(*v, loc_)) balance(*name, *b);
        }
    }
    if (const toml::value* v = find("checks")) checks(*v);

    for (auto& e : errors_) builder_->add_error(std::move(e));
    errors_.clear();
    auto zone = std::move(*builder_).build();
    builder_.reset();
    if (zone.has_value()) return zone;

    // All errors of all files, in reading order: this file first, then its includes; by
    // position inside a file, errors without a position last.
    common::Errors all = std::move(zone).error();
    auto rank = [&](const std::string& file) -> size_t {
        if (file == path_) return 0;
        auto it = std::find(include_files_.begin(), include_files_.end(), file);
        return it == include_files_.end() ? include_files_.size() + 1 : static_cast<size_t>(it - include_files_.begin()) + 1;
    };
    std::stable_sort(all.begin(), all.end(), [&](const common::Error& a, const common::Error& b) {
        size_t ra = rank(a.file);
        size_t rb = rank(b.file);
        if (ra != rb) return ra < rb;
        uint32_t la = a.line == 0 ? UINT32_MAX : a.line;
        uint32_t lb = b.line == 0 ? UINT32_MAX : b.line;
        if (la != lb) return la < lb;
        return a.column < b.column;
    });
    return all;
}

}  // namespace

common::Result<std::shared_ptr<const Zone>> load_zone_file(const std::string& path) {
    common::Errors errors;
    int64_t mtime = 0;
    auto root = toml_util::parse_file(path, kMaxTomlFileBytes, &errors, &mtime);
    if (!root) return errors;
    auto zone = TomlZoneLoader(path, mtime).load(*root);
    root.reset();
    // The builder's arrays and toml11's tree were many small and large blocks; hand the
    // freed memory back so a server that just loaded a big zone does not keep its peak.
    malloc_trim(0);
    return zone;
}

common::Result<ZoneSet> load_zone_dir(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<std::string> files;
    fs::directory_iterator it(dir, ec);
    if (ec) return common::Error{dir, 0, 0, "cannot read zone directory: " + ec.message()};
    for (const auto& entry : it) {
        std::string name = entry.path().filename().string();
        // dnsd.toml is the server config, which may live beside its zones; dot files are
        // editor leftovers.
        if (name.size() <= 5 || name.substr(name.size() - 5) != ".toml" || name == "dnsd.toml" || name[0] == '.') continue;
        if (!entry.is_regular_file(ec)) continue;
        files.push_back(entry.path().string());
        if (files.size() > kMaxZoneFiles) {
            return common::Error{dir, 0, 0, "more than " + std::to_string(kMaxZoneFiles) + " zone files"};
        }
    }
    std::sort(files.begin(), files.end());
    common::Errors errors;
    std::vector<std::shared_ptr<const Zone>> zones;
    std::map<std::string, std::string> origins;   // origin -> file
    for (const auto& f : files) {
        auto z = load_zone_file(f);
        if (!z.has_value()) {
            for (const auto& e : z.error()) errors.push_back(e);
            continue;
        }
        auto [pos, inserted] = origins.emplace(std::string((*z)->origin()), f);
        if (!inserted) {
            errors.push_back(common::Error{f, 0, 0, "zone " + name_to_text((*z)->origin()) + " is already loaded from " +
                                                        pos->second});
            continue;
        }
        zones.push_back(std::move(*z));
    }
    if (!errors.empty()) return errors;
    return ZoneSet(std::move(zones));
}

}  // namespace zones
