// zone.cpp -- building, validating and searching a frozen Zone.
#include "zones/zone.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_set>

#include "zones/name.hpp"
#include "zones/rrtype.hpp"

namespace zones {
namespace {

uint32_t read_u32(std::string_view s, size_t at) {
    return (uint32_t{static_cast<uint8_t>(s[at])} << 24) |
           (uint32_t{static_cast<uint8_t>(s[at + 1])} << 16) |
           (uint32_t{static_cast<uint8_t>(s[at + 2])} << 8) | uint32_t{static_cast<uint8_t>(s[at + 3])};
}

// Length of the uncompressed wire name at the start of `s`, or 0 when malformed.
size_t wire_name_length(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        auto len = static_cast<uint8_t>(s[i]);
        if (len == 0) return i + 1;
        if (len > kMaxLabelLength) return 0;
        i += len + 1u;
    }
    return 0;
}

bool is_dnssec_type(uint16_t t) { return t == rrtype::RRSIG || t == rrtype::NSEC || t == rrtype::NSEC3; }

}  // namespace

// ---- search -------------------------------------------------------------------------------

int32_t Zone::find_node(std::string_view name) const noexcept {
    uint32_t slot = hash_name(name) & index_mask_;
    for (;;) {
        uint32_t v = index_[slot];
        if (v == 0) return -1;
        const Node& n = nodes_[v - 1];
        if (same_name(this->name(n), name)) {
            return static_cast<int32_t>(v - 1);
        }
        slot = (slot + 1) & index_mask_;
    }
}

const RRset* Zone::rrset(const Node& n, uint16_t type) const noexcept {
    for (const RRset& r : rrsets(n)) {
        if (r.type == type) return &r;
    }
    return nullptr;
}

Found Zone::find(std::string_view qname, uint16_t qtype) const noexcept {
    auto classify = [&](int32_t i, bool wildcard) -> Found {
        const Node& n = nodes_[static_cast<uint32_t>(i)];
        auto node = static_cast<uint32_t>(i);
        if (qtype == rrtype::ANY) {
            return {n.rrset_count > 0 || n.balance >= 0 ? Lookup::hit : Lookup::nodata, wildcard, node};
        }
        if (n.balance >= 0 && (qtype == rrtype::A || qtype == rrtype::AAAA)) {
            return {Lookup::balanced, wildcard, node};
        }
        if (const RRset* r = rrset(n, qtype)) return {Lookup::hit, wildcard, node, r};
        if (qtype != rrtype::CNAME && rrset(n, rrtype::CNAME) != nullptr) {
            return {Lookup::cname, wildcard, node};
        }
        return {Lookup::nodata, wildcard, node};
    };

    int32_t i = find_node(qname);
    if (i >= 0) {
        const Node& n = nodes_[static_cast<uint32_t>(i)];
        // RFC 4035 3.1.4.1 / RFC 1034 4.3.2 3b: at or below a cut the parent answers only DS
        // for the cut itself; everything else is a referral.
        if (n.cut >= 0 && !(n.cut == i && qtype == rrtype::DS)) {
            return {Lookup::referral, false, static_cast<uint32_t>(n.cut)};
        }
        return classify(i, false);
    }
    // Find the closest encloser (RFC 4592 3.3.1); the apex always exists.
    std::string_view name = qname;
    while (i < 0 && name.size() > origin_.size()) {
        name = parent_name(name);
        i = find_node(name);
    }
    if (i < 0) return {Lookup::nxdomain, false, apex_};
    const Node& encloser = nodes_[static_cast<uint32_t>(i)];
    if (encloser.cut >= 0) return {Lookup::referral, false, static_cast<uint32_t>(encloser.cut)};
    if (encloser.wildcard >= 0) return classify(encloser.wildcard, true);
    return {Lookup::nxdomain, false, static_cast<uint32_t>(i)};
}

// ---- building -----------------------------------------------------------------------------

ZoneBuilder::ZoneBuilder(std::string origin_wire, std::string main_file)
    : origin_(std::move(origin_wire)) {
    files_.push_back(std::move(main_file));
}

uint16_t ZoneBuilder::add_source(std::string file) {
    for (size_t i = 0; i < files_.size(); ++i) {
        if (files_[i] == file) return static_cast<uint16_t>(i);
    }
    files_.push_back(std::move(file));
    return static_cast<uint16_t>(files_.size() - 1);
}

common::Error ZoneBuilder::error_at(const RecordSource& where, std::string message) const {
    return common::Error{files_.at(where.file), where.line, where.column, std::move(message)};
}

void ZoneBuilder::add_error(RecordSource where, std::string message) {
    errors_.push_back(error_at(where, std::move(message)));
}

void ZoneBuilder::add_record(std::string_view owner, uint16_t type, uint32_t ttl,
                             std::string_view rdata, RecordSource where) {
    if (records_.size() >= kMaxRecords) {
        if (records_.size() == kMaxRecords) {
            add_error(where, "too many records in one zone (limit " + std::to_string(kMaxRecords) + ")");
            records_.push_back({});   // marks the limit as reported
        }
        return;
    }
    if (owner.size() > kMaxNameLength || rdata.size() > 65535) {
        add_error(where, "record too large");
        return;
    }
    Record r{};
    r.owner_offset = static_cast<uint32_t>(arena_.size());
    r.owner_length = static_cast<uint8_t>(owner.size());
    arena_.append(owner);
    r.rdata_offset = static_cast<uint32_t>(arena_.size());
    r.rdata_length = static_cast<uint16_t>(rdata.size());
    arena_.append(rdata);
    if (rrtype::rdata_name_compressible(type)) {
        // Names the responder may compress are kept lowercase, like owners, so compression
        // can compare bytes (DNS names compare case-insensitively, RFC 4343).
        size_t at = r.rdata_offset + (type == rrtype::MX ? 2 : 0);
        for (int names = type == rrtype::SOA ? 2 : 1; names > 0 && at < arena_.size(); --names) {
            while (at < arena_.size() && arena_[at] != 0) {
                size_t len = static_cast<uint8_t>(arena_[at]);
                for (size_t k = at + 1; k <= at + len && k < arena_.size(); ++k) {
                    char& c = arena_[k];
                    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
                }
                at += len + 1;
            }
            ++at;
        }
    }
    r.ttl = ttl;
    r.type = type;
    r.where = where;
    records_.push_back(r);
}

common::Result<std::shared_ptr<const Zone>> ZoneBuilder::build() && {
    auto zone = std::make_shared<Zone>();
    Zone& z = *zone;
    z.origin_ = origin_;
    z.file_ = files_.front();
    if (records_.size() > kMaxRecords) records_.resize(kMaxRecords);

    // Group records by owner, then type, keeping file order inside an RRset.
    std::vector<uint32_t> order(records_.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        const Record& ra = records_[a];
        const Record& rb = records_[b];
        int c = owner(ra).compare(owner(rb));
        return c != 0 ? c < 0 : ra.type < rb.type;
    });

    auto insert_index = [&](uint32_t node_index) {
        if ((z.nodes_.size()) * 2 > z.index_.size()) {
            size_t cap = std::max<size_t>(64, z.index_.size() * 2);
            while (cap < z.nodes_.size() * 2) cap *= 2;
            z.index_.assign(cap, 0);
            z.index_mask_ = static_cast<uint32_t>(cap - 1);
            for (uint32_t k = 0; k < z.nodes_.size(); ++k) {
                if (k == node_index) continue;
                const Node& n = z.nodes_[k];
                uint32_t slot = hash_name(z.name(n)) & z.index_mask_;
                while (z.index_[slot] != 0) slot = (slot + 1) & z.index_mask_;
                z.index_[slot] = k + 1;
            }
        }
        uint32_t slot = hash_name(z.name(z.nodes_[node_index])) & z.index_mask_;
        while (z.index_[slot] != 0) slot = (slot + 1) & z.index_mask_;
        z.index_[slot] = node_index + 1;
    };
    auto add_node = [&](std::string_view name) -> uint32_t {
        Node n;
        n.name_offset = static_cast<uint32_t>(z.names_.size());
        n.name_length = static_cast<uint16_t>(name.size());
        n.rrset_begin = static_cast<uint32_t>(z.rrsets_.size());
        z.names_.append(name);
        z.nodes_.push_back(n);
        auto idx = static_cast<uint32_t>(z.nodes_.size() - 1);
        insert_index(idx);
        return idx;
    };

    std::unordered_set<std::string_view> seen_big;   // dedup of large RRsets (views into arena_)
    size_t i = 0;
    while (i < order.size()) {
        const Record& first = records_[order[i]];
        std::string_view own = owner(first);
        if (!is_subdomain(own, origin_)) {
            errors_.push_back(error_at(first.where, "name " + name_to_text(own) +
                                                        " is outside the zone " + name_to_text(origin_)));
            while (i < order.size() && owner(records_[order[i]]) == own) ++i;
            continue;
        }
        uint32_t node_index = add_node(own);
        while (i < order.size() && owner(records_[order[i]]) == own) {
            const Record& head = records_[order[i]];
            RRset set;
            set.type = head.type;
            set.ttl = head.ttl;
            set.offset = static_cast<uint32_t>(z.rdata_.size());
            seen_big.clear();
            size_t start_rdata = z.rdata_.size();
            while (i < order.size() && owner(records_[order[i]]) == own && records_[order[i]].type == head.type) {
                const Record& r = records_[order[i]];
                std::string_view rd = rdata(r);
                set.ttl = std::min(set.ttl, r.ttl);   // RFC 2181 5.2: one TTL per RRset, duplicates too
                bool duplicate = false;   // RFC 2181 5: an RRset is a set
                if (set.count < 16) {
                    for (size_t k = 0, at = start_rdata; k < set.count; ++k) {
                        size_t len = (size_t{static_cast<uint8_t>(z.rdata_[at])} << 8) | static_cast<uint8_t>(z.rdata_[at + 1]);
                        if (std::string_view(z.rdata_).substr(at + 2, len) == rd) duplicate = true;
                        at += 2 + len;
                    }
                } else {
                    if (seen_big.empty()) {
                        for (size_t k = i; k > 0; --k) {
                            const Record& prev = records_[order[k - 1]];
                            if (owner(prev) != own || prev.type != head.type) break;
                            seen_big.insert(rdata(prev));
                        }
                    }
                    duplicate = !seen_big.insert(rd).second;
                }
                if (!duplicate) {
                    if (set.count >= kMaxRRsetSize) {
                        errors_.push_back(error_at(r.where, "more than " + std::to_string(kMaxRRsetSize) +
                                                                " records in one RRset"));
                    } else if (z.rdata_.size() - start_rdata + 2 + rd.size() > 65535) {
                        errors_.push_back(error_at(r.where, "RRset larger than 65535 octets"));
                    } else {
                        z.rdata_.push_back(static_cast<char>(rd.size() >> 8));
                        z.rdata_.push_back(static_cast<char>(rd.size() & 0xff));
                        z.rdata_.append(rd);
                        ++set.count;
                        ++z.record_count_;
                    }
                }
                ++i;
            }
            set.length = static_cast<uint32_t>(z.rdata_.size() - set.offset);
            z.rrsets_.push_back(set);
            z.nodes_[node_index].rrset_count++;
        }
    }
    const size_t data_nodes = z.nodes_.size();

    // Per-node rules that need all of a node's RRsets.
    auto source_of_type = [&](std::string_view own, uint16_t type) -> RecordSource {
        for (const Record& r : records_) {
            if (r.type == type && owner(r) == own) return r.where;
        }
        return RecordSource{};
    };
    int32_t apex = z.find_node(origin_);
    for (uint32_t n = 0; n < data_nodes; ++n) {
        const Node& node = z.nodes_[n];
        std::string_view own = z.name(node);
        bool is_apex = static_cast<int32_t>(n) == apex;
        const RRset* cname = z.rrset(node, rrtype::CNAME);
        for (const RRset& r : z.rrsets(node)) {
            if (cname != nullptr && r.type != rrtype::CNAME && !is_dnssec_type(r.type)) {
                errors_.push_back(error_at(source_of_type(own, rrtype::CNAME),
                                           "CNAME at " + name_to_text(own) +
                                               " beside other data (RFC 1034 3.6.2: a CNAME must be alone)"));
                break;
            }
            if (r.type == rrtype::SOA && !is_apex) {
                errors_.push_back(error_at(source_of_type(own, rrtype::SOA), "SOA record at " + name_to_text(own) +
                                                                              ", expected only at the zone apex"));
            }
            if (r.type == rrtype::DNAME) {
                errors_.push_back(error_at(source_of_type(own, rrtype::DNAME), "DNAME records are not supported"));
            }
        }
        if (cname != nullptr && cname->count > 1) {
            errors_.push_back(error_at(source_of_type(own, rrtype::CNAME),
                                       "more than one CNAME record at " + name_to_text(own)));
        }
        if (own.size() >= 2 && own[0] == 1 && own[1] == '*' && z.rrset(node, rrtype::NS) != nullptr) {
            errors_.push_back(error_at(source_of_type(own, rrtype::NS),
                                       "NS records at a wildcard name (RFC 4592 4.2) are not supported"));
        }
    }

    // Balanced names become nodes that carry a balance index.
    for (size_t b = 0; b < balances_.size(); ++b) {
        const Balance& bal = balances_[b];
        auto where = [&](std::string msg) {
            errors_.push_back(common::Error{bal.where.file, bal.where.line, bal.where.column, std::move(msg)});
        };
        if (!is_subdomain(bal.owner, origin_)) {
            where("balanced name " + name_to_text(bal.owner) + " is outside the zone");
            continue;
        }
        int32_t n = z.find_node(bal.owner);
        if (n < 0) {
            n = static_cast<int32_t>(add_node(bal.owner));
        } else {
            if (z.nodes_[static_cast<uint32_t>(n)].balance >= 0) {
                where("name " + name_to_text(bal.owner) + " is balanced twice");
                continue;
            }
            const Node& node = z.nodes_[static_cast<uint32_t>(n)];
            for (uint16_t t : {rrtype::A, rrtype::AAAA, rrtype::CNAME}) {
                if (z.rrset(node, t) != nullptr) {
                    where("balanced name " + name_to_text(bal.owner) +
                          " also has static " + (t == rrtype::A ? "A" : t == rrtype::AAAA ? "AAAA" : "CNAME") +
                          " records: give its addresses as members instead");
                }
            }
        }
        z.nodes_[static_cast<uint32_t>(n)].balance = static_cast<int32_t>(b);
    }

    // Empty non-terminals: every name between an owner and the apex exists (RFC 4592 2.2.2).
    const size_t named_nodes = z.nodes_.size();
    for (uint32_t n = 0; n < named_nodes; ++n) {
        std::string own(z.name(z.nodes_[n]));
        std::string_view p = own;
        while (p.size() > origin_.size()) {
            p = parent_name(p);
            if (z.find_node(p) >= 0) break;
            add_node(p);
        }
    }

    if (apex < 0) {
        errors_.push_back(common::Error{files_.front(), 0, 0,
                                        "zone " + name_to_text(origin_) + " has no records at its apex"});
        return std::move(errors_);
    }
    z.apex_ = static_cast<uint32_t>(apex);
    const Node& apex_node = z.nodes_[z.apex_];
    const RRset* soa = z.rrset(apex_node, rrtype::SOA);
    if (soa == nullptr || soa->count != 1) {
        errors_.push_back(common::Error{files_.front(), 0, 0,
                                        soa == nullptr ? "zone has no SOA record at its apex"
                                                       : "zone has more than one SOA record"});
    } else {
        z.soa_ = static_cast<uint32_t>(soa - z.rrsets_.data());
        std::string_view rd = z.rdata(*soa).substr(2);
        size_t m1 = wire_name_length(rd);
        size_t m2 = m1 == 0 ? 0 : wire_name_length(rd.substr(m1));
        if (m1 == 0 || m2 == 0 || rd.size() != m1 + m2 + 20) {
            errors_.push_back(common::Error{files_.front(), 0, 0, "malformed SOA record"});
        } else {
            z.serial_ = read_u32(rd, m1 + m2);
            z.negative_ttl_ = std::min(soa->ttl, read_u32(rd, m1 + m2 + 16));
        }
    }
    if (z.rrset(apex_node, rrtype::NS) == nullptr) {
        errors_.push_back(common::Error{files_.front(), 0, 0,
                                        "zone " + name_to_text(origin_) + " has no NS records at its apex"});
    }

    // Cuts and wildcards, parents before children (fewer labels first).
    std::vector<uint32_t> by_depth(z.nodes_.size());
    std::iota(by_depth.begin(), by_depth.end(), 0u);
    std::sort(by_depth.begin(), by_depth.end(), [&](uint32_t a, uint32_t b) {
        return z.nodes_[a].name_length < z.nodes_[b].name_length;
    });
    for (uint32_t n : by_depth) {
        Node& node = z.nodes_[n];
        std::string_view own = z.name(node);
        if (static_cast<int32_t>(n) == apex) continue;
        int32_t parent = z.find_node(parent_name(own));
        if (parent < 0) continue;   // outside the zone: reported above
        Node& up = z.nodes_[static_cast<uint32_t>(parent)];
        node.cut = up.cut;
        if (own.size() >= 2 && own[0] == 1 && own[1] == '*') up.wildcard = static_cast<int32_t>(n);
        if (node.cut < 0 && z.rrset(node, rrtype::NS) != nullptr) node.cut = static_cast<int32_t>(n);
        if (node.cut < 0) continue;
        bool at_cut = node.cut == static_cast<int32_t>(n);
        for (const RRset& r : z.rrsets(node)) {
            bool allowed = r.type == rrtype::A || r.type == rrtype::AAAA ||
                           (at_cut && (r.type == rrtype::NS || r.type == rrtype::DS)) || is_dnssec_type(r.type);
            if (!allowed) {
                errors_.push_back(error_at(source_of_type(own, r.type),
                                           "record at " + name_to_text(own) + " is at or below the delegation to " +
                                               name_to_text(z.name(z.nodes_[static_cast<uint32_t>(node.cut)])) +
                                               ": only NS, DS and glue addresses are allowed there"));
                break;
            }
        }
        if (node.balance >= 0) {
            const Balance& bal = balances_[static_cast<size_t>(node.balance)];
            errors_.push_back(common::Error{bal.where.file, bal.where.line, bal.where.column,
                                            "balanced name " + name_to_text(own) + " is below a delegation"});
        }
    }

    if (!errors_.empty()) return std::move(errors_);
    z.balances_ = std::move(balances_);
    z.checks_ = std::move(checks_);
    z.names_.shrink_to_fit();
    z.rdata_.shrink_to_fit();
    z.nodes_.shrink_to_fit();
    z.rrsets_.shrink_to_fit();
    return std::shared_ptr<const Zone>(std::move(zone));
}

}  // namespace zones
