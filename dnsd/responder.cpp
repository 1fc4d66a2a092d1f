// responder.cpp -- answering one query: RFC 1034 4.3.2 with RFC 2181, 2308, 4592, 6891, 8482.
#include "dnsd/responder.hpp"

#include <netinet/in.h>

#include <algorithm>
#include <cstring>

#include "geo/address.hpp"
#include "geo/decision_cache.hpp"
#include "geo/location_cache.hpp"
#include "zones/name.hpp"
#include "zones/rrtype.hpp"
#include "zones/zone.hpp"

namespace dnsd {
namespace rt = zones::rrtype;
using wire::get16;
using wire::put16;

namespace {

constexpr uint16_t kClassIn = 1;
constexpr uint16_t kClassChaos = 3;
constexpr uint16_t kClassAny = 255;
constexpr uint16_t kOptionNsid = 3;
constexpr uint16_t kOptionEcs = 8;
constexpr uint16_t kOptionEde = 15;       // RFC 8914 Extended DNS Errors
constexpr uint16_t kEdeNotAuthoritative = 20;

// The types whose targets' addresses go in the additional section (as Knot does).
bool has_additional(uint16_t type) noexcept { return type == rt::NS || type == rt::MX || type == rt::SRV; }

// Length of the uncompressed wire name at the start of `s` (0 when malformed).
size_t rdata_name_length(std::string_view s) noexcept {
    size_t i = 0;
    while (i < s.size()) {
        auto len = static_cast<uint8_t>(s[i]);
        if (len == 0) return i + 1;
        i += len + 1u;
    }
    return 0;
}

// Decompresses the name at `pos` in a packet into `out` (lowercase); false when malformed.
bool read_name(const uint8_t* p, size_t length, size_t pos, std::array<char, 256>& out, size_t& out_len) noexcept {
    out_len = 0;
    for (int hops = 0; hops < 32; ) {
        if (pos >= length) return false;
        uint8_t len = p[pos];
        if ((len & 0xC0) == 0xC0) {
            if (pos + 1 >= length) return false;
            pos = static_cast<size_t>(((len & 0x3F) << 8) | p[pos + 1]);
            ++hops;
            continue;
        }
        if ((len & 0xC0) != 0 || out_len + len + 1u > 255 || pos + len + 1u > length) return false;
        std::memcpy(out.data() + out_len, p + pos, len + 1u);
        out_len += len + 1u;
        if (len == 0) return true;
        pos += len + 1u;
    }
    return false;
}

}  // namespace

Responder::Responder()
    : locations_(std::make_unique<geo::LocationCache>()),
      // 128k decisions (4 MiB, resident only as it fills) per worker: a busy name sees ~100k
      // resolver subnets, and a decision that stays cached skips the database walk entirely.
      decisions_(std::make_unique<geo::DecisionCache>(size_t{1} << 17)),
      client_address_(std::make_unique<geo::Address>()) {
    select_.locations = locations_.get();
    select_.decisions = decisions_.get();
    select_.rng ^= reinterpret_cast<uintptr_t>(this);   // workers draw different sequences
}

Responder::~Responder() = default;

void Responder::count(Section s, uint16_t records) noexcept {
    switch (s) {
        case Section::answer: ancount_ = static_cast<uint16_t>(ancount_ + records); break;
        case Section::authority: nscount_ = static_cast<uint16_t>(nscount_ + records); break;
        case Section::additional: arcount_ = static_cast<uint16_t>(arcount_ + records); break;
    }
}

void Responder::begin(std::span<uint8_t> out, size_t limit, bool question_ok, const uint8_t* query) noexcept {
    w_.reset(out.data(), limit);
    ancount_ = nscount_ = arcount_ = 0;
    aa_ = tc_ = dropped_section_ = false;
    ecs_scope_ = 0;
    // The query's ID and question in one copy; then the response's flags and question count
    // (finish() writes the other counts).
    w_.bytes(query, question_ok ? q_.question_end : wire::kHeaderSize);
    uint8_t* h = w_.data();
    h[2] = static_cast<uint8_t>(0x80u | (q_.opcode << 3) | (q_.rd ? 1u : 0u));
    h[3] = 0;   // CD is not copied: dnsd is not DNSSEC-aware (RFC 4035 3.1.6 binds those that are), as Knot and NSD
    h[4] = 0;
    h[5] = question_ok ? 1 : 0;
    if (question_ok) w_.set_question(q_.qname(), wire::kHeaderSize);
    // Keep room for the OPT record so it is never what truncation drops (RFC 6891 7).
    opt_reserve_ = 0;
    if (q_.has_edns) {
        opt_reserve_ = 11;
        if (q_.nsid && !snap_->options.nsid.empty()) opt_reserve_ += 4 + snap_->options.nsid.size();
        if (q_.has_ecs && snap_->options.client_subnet) opt_reserve_ += 8 + (q_.ecs.source_prefix + 7u) / 8u;
        w_.set_limit(limit > opt_reserve_ ? limit - opt_reserve_ : 0);
    }
}

size_t Responder::finish(uint16_t rcode) noexcept {
    w_.set_limit(w_.limit() + opt_reserve_);
    if (q_.has_edns) {
        // The OPT record and its options in one piece, written in place.
        const bool badvers = rcode == wire::rcode::badvers;
        const std::string& nsid = snap_->options.nsid;
        const size_t nsid_length = !badvers && q_.nsid && !nsid.empty() ? 4 + nsid.size() : 0;
        const bool ecs = !badvers && q_.has_ecs && snap_->options.client_subnet;   // RFC 7871 7.2.1
        const size_t ecs_address = ecs ? (q_.ecs.source_prefix + 7u) / 8u : 0;
        const size_t ecs_length = ecs ? 8 + ecs_address : 0;
        const size_t ede_length = rcode == wire::rcode::refused ? 6 : 0;   // RFC 8914 4.21: say why, as Knot and NSD do
        const size_t rdlength = nsid_length + ecs_length + ede_length;
        if (uint8_t* p = w_.claim(11 + rdlength)) {
            p[0] = 0;                                                   // owner: the root
            put16(p + 1, rt::OPT);
            put16(p + 3, snap_->options.udp_max_payload);
            p[5] = static_cast<uint8_t>(rcode >> 4);                   // extended RCODE, upper 8 bits
            p[6] = 0;                                                   // EDNS version 0
            p[7] = q_.dnssec_ok ? 0x80 : 0;                             // RFC 3225 3: DO is copied
            p[8] = 0;
            put16(p + 9, static_cast<uint16_t>(rdlength));
            p += 11;
            if (nsid_length != 0) {
                put16(p, kOptionNsid);
                put16(p + 2, static_cast<uint16_t>(nsid.size()));
                std::memcpy(p + 4, nsid.data(), nsid.size());
                p += nsid_length;
            }
            if (ecs) {
                put16(p, kOptionEcs);
                put16(p + 2, static_cast<uint16_t>(4 + ecs_address));
                put16(p + 4, q_.ecs.family);
                p[6] = q_.ecs.source_prefix;
                p[7] = ecs_scope_;
                std::memcpy(p + 8, q_.ecs.address.data(), ecs_address);
                p += ecs_length;
            }
            if (ede_length != 0) {
                put16(p, kOptionEde);
                put16(p + 2, 2);
                put16(p + 4, kEdeNotAuthoritative);
            }
            ++arcount_;
        }
    }
    uint8_t* h = w_.data();
    if (aa_) h[2] |= 0x04;
    if (tc_) h[2] |= 0x02;
    h[3] = static_cast<uint8_t>((h[3] & 0xF0) | (rcode & 0x0F));
    put16(h + 6, ancount_);
    put16(h + 8, nscount_);
    put16(h + 10, arcount_);
    return w_.size();
}

bool Responder::put_record_slow(std::string_view owner, uint16_t type, uint16_t klass, uint32_t ttl,
                                std::string_view rdata) noexcept {
    const bool is_qname = owner.data() == q_.qname().data() && owner.size() == q_.qname_length;
    if (!(is_qname ? w_.pointer(wire::kHeaderSize) : w_.name(owner)) || !w_.u16(type) || !w_.u16(klass) ||
        !w_.u32(ttl)) {
        return false;
    }
    size_t length_at = w_.size();
    if (!w_.u16(0)) return false;
    if (rt::rdata_name_compressible(type)) {
        // RFC 1035 types: compress the names inside (RFC 3597 4 forbids it for others).
        size_t fixed_before = type == rt::MX ? 2 : 0;
        if (!w_.bytes(rdata.data(), fixed_before)) return false;
        std::string_view rest = rdata.substr(fixed_before);
        int names = type == rt::SOA ? 2 : 1;
        for (int i = 0; i < names; ++i) {
            size_t n = rdata_name_length(rest);
            if (n == 0 || !w_.name(rest.substr(0, n))) return false;
            rest.remove_prefix(n);
        }
        if (!w_.bytes(rest.data(), rest.size())) return false;
    } else if (!w_.bytes(rdata.data(), rdata.size())) {
        return false;
    }
    put16(w_.data() + length_at, static_cast<uint16_t>(w_.size() - length_at - 2));
    return true;
}

bool Responder::put_rrset(Section s, std::string_view owner, const zones::Zone& zone,
                          const zones::RRset& rrset) noexcept {
    if (dropped_section_) return false;
    auto mark = w_.mark();
    uint16_t saved_an = ancount_, saved_ns = nscount_, saved_ar = arcount_;
    std::string_view data = zone.rdata(rrset);
    for (size_t at = 0; at + 2 <= data.size();) {
        size_t len = (static_cast<uint8_t>(data[at]) << 8) | static_cast<uint8_t>(data[at + 1]);
        if (!put_record(owner, rrset.type, kClassIn, rrset.ttl, data.substr(at + 2, len))) {
            w_.rollback(mark);
            ancount_ = saved_an;
            nscount_ = saved_ns;
            arcount_ = saved_ar;
            return drop_rrset(s);
        }
        count(s, 1);
        at += 2 + len;
    }
    return true;
}

bool Responder::drop_rrset(Section s) noexcept {
    // RFC 2181 9: an RRset goes whole or not at all. Missing answer or authority data sets TC;
    // missing additional data does not.
    if (s != Section::additional) {
        tc_ = true;
        dropped_section_ = true;
    } else if (glue_required_) {
        tc_ = true;   // RFC 9471 3: in-domain glue that does not fit sets TC
    }
    return false;
}

bool Responder::put_soa(const zones::Zone& zone) noexcept {
    // RFC 2308 3: the SOA with TTL min(SOA TTL, MINIMUM) in negative answers, prepared but for
    // the pointers to the origin, which ends the question name.
    if (dropped_section_) return false;
    const std::string& soa = prepared_->negative_soa;
    const size_t at = w_.size();
    if (!w_.bytes(soa.data(), soa.size())) return drop_rrset(Section::authority);
    const auto origin = static_cast<uint16_t>(wire::kHeaderSize + q_.qname_length - zone.origin().size());
    for (size_t i = 0; i < prepared_->soa_pointer_count; ++i) {
        put16(w_.data() + at + prepared_->soa_pointers[i], static_cast<uint16_t>(0xC000u | origin));
    }
    ++nscount_;
    return true;
}

void Responder::put_glue(const zones::Zone& zone, std::string_view target) noexcept {
    if (!zones::is_subdomain(target, zone.origin())) return;
    // In a referral, glue for name servers below the cut is required (RFC 9471).
    glue_required_ = !cut_.empty() && zones::is_subdomain(target, cut_);
    int32_t n = zone.find_node(target);
    if (n < 0) return;
    const zones::Node& node = zone.node(static_cast<uint32_t>(n));
    for (uint16_t t : {rt::A, rt::AAAA}) {
        if (const zones::RRset* r = zone.rrset(node, t)) {
            put_rrset(Section::additional, zone.name(node), zone, *r);
        }
    }
    glue_required_ = false;
}

void Responder::put_additional_for(const zones::Zone& zone, const zones::RRset& rrset) noexcept {
    if (!has_additional(rrset.type)) return;
    const size_t skip = rrset.type == rt::MX ? 2 : rrset.type == rt::SRV ? 6 : 0;
    std::string_view data = zone.rdata(rrset);
    for (size_t at = 0; at + 2 <= data.size();) {
        size_t len = (static_cast<uint8_t>(data[at]) << 8) | static_cast<uint8_t>(data[at + 1]);
        std::string_view rd = data.substr(at + 2, len);
        if (rd.size() > skip) {
            std::string_view target = rd.substr(skip);
            size_t n = rdata_name_length(target);
            if (n != 0) {
                target = target.substr(0, n);
                // SRV targets keep their case in the zone; look them up lowercased.
                std::array<char, 256>& buf = chain_[kMaxChain - 1];
                std::memcpy(buf.data(), target.data(), n);
                for (size_t i = 0; i < n; ++i) {
                    if (buf[i] >= 'A' && buf[i] <= 'Z') buf[i] = static_cast<char>(buf[i] + 32);
                }
                put_glue(zone, std::string_view(buf.data(), n));
            }
        }
        at += 2 + len;
    }
}

void Responder::locate_client() noexcept {
    // The client for geo purposes: the EDNS Client Subnet when present and honoured (RFC 7871
    // 7.1.2: source prefix 0 means "do not use my subnet"), else the packet's source.
    if (client_located_) return;
    client_located_ = true;
    client_known_ = false;
    if (q_.has_ecs && snap_->options.client_subnet && q_.ecs.source_prefix > 0) {
        // RFC 7871 11.1: do not look deeper than /24 (IPv4) or /56 (IPv6).
        const bool v4 = q_.ecs.family == 1;
        uint8_t prefix = std::min<uint8_t>(q_.ecs.source_prefix, v4 ? 24 : 56);
        geo::Address a = v4 ? geo::Address::v4(std::span<const uint8_t, 4>(q_.ecs.address.data(), 4))
                            : geo::Address::v6(std::span<const uint8_t, 16>(q_.ecs.address.data(), 16));
        *client_address_ = a.truncated(prefix);
        client_prefix_ = q_.ecs.source_prefix;
        client_known_ = true;
        return;
    }
    if (client_->address == nullptr) return;
    socklen_t len = client_->address->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
    if (auto a = geo::Address::from_sockaddr(client_->address, len)) {
        *client_address_ = *a;
        client_prefix_ = a->bit_length();
        client_known_ = true;
    }
}

bool Responder::put_balanced(std::string_view owner, const zones::Zone& zone, uint32_t node, uint16_t qtype) noexcept {
    const auto index = static_cast<size_t>(zone.node(node).balance);
    if (plans_ == nullptr || index >= plans_->size()) return false;
    const BalancePlan& plan = (*plans_)[index];
    SelectInput in;
    in.ipv6 = qtype == rt::AAAA;
    in.health = snap_->health.get();
    in.locator = snap_->locator.get();
    if (plan.policy == zones::Policy::geo || plan.policy == zones::Policy::nearest) {
        locate_client();
        if (client_known_) {
            in.client = client_address_.get();
            in.client_prefix = client_prefix_;
        }
    }
    select_members(plan, in, select_, selection_);
    if (selection_.failed_open) Counters::bump(counters_->fail_open);
    if (selection_.used_location && q_.has_ecs) {
        // RFC 7871 7.2.1: the scope says how much of the address the answer depended on; it
        // never claims more than the client gave.
        ecs_scope_ = std::max(ecs_scope_, std::min(selection_.scope, q_.ecs.source_prefix));
    }
    const bool owner_is_qname = owner.data() == q_.qname().data() && owner.size() == q_.qname_length;
    if (owner_is_qname && !selection_.records.empty()) {   // a rotation of a whole pool: prepared
        if (!w_.bytes(selection_.records.data(), selection_.records.size())) {
            tc_ = true;
            dropped_section_ = true;
            return true;
        }
        ancount_ = static_cast<uint16_t>(ancount_ + selection_.count);
        return true;
    }
    // Every record differs only in its address: build the fixed part once, then check the
    // space once and copy head + address per member.
    const size_t length = in.ipv6 ? 16 : 4;
    const size_t need = selection_.count * (12 + length);
    if (owner_is_qname && need <= w_.limit() - w_.size() && w_.size() <= w_.limit()) {
        uint8_t head[12];
        put16(head, 0xC000u | wire::kHeaderSize);
        put16(head + 2, qtype);
        put16(head + 4, kClassIn);
        wire::put32(head + 6, plan.ttl);
        put16(head + 10, static_cast<uint16_t>(length));
        for (size_t i = 0; i < selection_.count; ++i) {
            w_.bytes2(head, sizeof head, selection_.member(i)->address.data(), length);
        }
        ancount_ = static_cast<uint16_t>(ancount_ + selection_.count);
        return selection_.count > 0;
    }
    auto mark = w_.mark();
    uint16_t saved = ancount_;
    for (size_t i = 0; i < selection_.count; ++i) {
        std::string_view rd(reinterpret_cast<const char*>(selection_.member(i)->address.data()), length);
        if (!put_record(owner, qtype, kClassIn, plan.ttl, rd)) {
            w_.rollback(mark);
            ancount_ = saved;
            tc_ = true;
            dropped_section_ = true;
            return true;
        }
        ++ancount_;
    }
    return selection_.count > 0;
}

uint16_t Responder::resolve(const zones::Zone& zone) noexcept {
    aa_ = true;
    std::string_view name = q_.qname();
    for (size_t hop = 0;; ++hop) {
        zones::Found f = zone.find(name, q_.qtype);
        const zones::Node& node = zone.node(f.node);
        switch (f.kind) {
            case zones::Lookup::hit: {
                if (q_.qtype == rt::ANY) {
                    // RFC 8482 4.2: answer with one RRset instead of everything; prefer the
                    // addresses a client is most likely after, like other minimal-ANY servers.
                    const zones::RRset* pick = nullptr;
                    for (uint16_t t : {rt::A, rt::AAAA, rt::MX, rt::TXT, rt::CNAME, rt::NS, rt::SOA}) {
                        if ((pick = zone.rrset(node, t)) != nullptr) break;
                    }
                    auto sets = zone.rrsets(node);
                    if (pick == nullptr && !sets.empty()) pick = &sets.front();
                    if (pick == nullptr) {   // a balanced name with no static data
                        if (!put_balanced(name, zone, f.node, rt::A)) put_balanced(name, zone, f.node, rt::AAAA);
                        return wire::rcode::noerror;
                    }
                    put_rrset(Section::answer, name, zone, *pick);
                    return wire::rcode::noerror;
                }
                if (put_rrset(Section::answer, name, zone, *f.rrset) && has_additional(f.rrset->type)) {
                    put_additional_for(zone, *f.rrset);
                }
                return wire::rcode::noerror;
            }
            case zones::Lookup::balanced:
                Counters::bump(counters_->balanced);
                if (!put_balanced(name, zone, f.node, q_.qtype) && !tc_) {
                    Counters::bump(counters_->nodata);
                    put_soa(zone);   // members of the other family only: NODATA
                }
                return wire::rcode::noerror;
            case zones::Lookup::cname: {
                const zones::RRset* r = zone.rrset(node, rt::CNAME);
                if (!put_rrset(Section::answer, name, zone, *r)) return wire::rcode::noerror;
                std::string_view rd = zone.rdata(*r).substr(2);
                size_t n = rdata_name_length(rd);
                if (n == 0 || !zones::is_subdomain(rd.substr(0, n), zone.origin()) || hop + 1 >= kMaxChain - 1) {
                    return wire::rcode::noerror;   // out of zone: the resolver follows it
                }
                std::string_view target = rd.substr(0, n);   // zone data keeps CNAME targets lowercase
                visited_[hop] = name;
                for (size_t k = 0; k <= hop; ++k) {          // a loop: stop where it repeats
                    if (visited_[k] == target) return wire::rcode::noerror;
                }
                std::memcpy(chain_[hop].data(), target.data(), n);
                name = std::string_view(chain_[hop].data(), n);
                continue;
            }
            case zones::Lookup::nodata:
                Counters::bump(counters_->nodata);
                put_soa(zone);
                return wire::rcode::noerror;
            case zones::Lookup::nxdomain:
                put_soa(zone);
                return wire::rcode::nxdomain;
            case zones::Lookup::referral: {
                // RFC 1034 4.3.2 3b: not authoritative below a cut; NS in authority, glue.
                Counters::bump(counters_->referral);
                if (hop == 0) aa_ = false;
                const zones::RRset* ns = zone.rrset(node, rt::NS);
                if (ns != nullptr && put_rrset(Section::authority, zone.name(node), zone, *ns)) {
                    cut_ = zone.name(node);
                    put_additional_for(zone, *ns);
                    cut_ = {};
                }
                return wire::rcode::noerror;
            }
        }
        return wire::rcode::servfail;
    }
}

uint16_t Responder::answer_chaos() noexcept {
    // RFC 4892: id.server / hostname.bind, and the de-facto version.bind / version.server.
    static constexpr char kIdServer[] = "\2id\6server";
    static constexpr char kHostnameBind[] = "\10hostname\4bind";
    static constexpr char kVersionBind[] = "\7version\4bind";
    static constexpr char kVersionServer[] = "\7version\6server";
    auto is = [&](const char* n, size_t len) { return q_.qname() == std::string_view(n, len + 1); };
    const std::string* text = nullptr;
    if (is(kIdServer, sizeof kIdServer - 1) || is(kHostnameBind, sizeof kHostnameBind - 1)) {
        text = &snap_->options.identity;
    } else if (is(kVersionBind, sizeof kVersionBind - 1) || is(kVersionServer, sizeof kVersionServer - 1)) {
        text = &snap_->options.version;
    }
    if (text == nullptr || text->empty() || (q_.qtype != rt::TXT && q_.qtype != rt::ANY)) {
        return wire::rcode::refused;
    }
    std::array<char, 256> rd{};
    size_t len = std::min<size_t>(text->size(), 255);
    rd[0] = static_cast<char>(len);
    std::memcpy(rd.data() + 1, text->data(), len);
    aa_ = true;
    if (put_record(q_.qname(), rt::TXT, kClassChaos, 0, std::string_view(rd.data(), len + 1))) ++ancount_;
    return wire::rcode::noerror;
}

size_t Responder::answer_tsig_badkey(const uint8_t* query, size_t length) noexcept {
    // RFC 8945 5.2.2: a key we do not know -> NOTAUTH, and an unsigned TSIG RR with error BADKEY.
    std::array<char, 256> key{};
    size_t key_len = 0;
    size_t pos = q_.tsig_offset;
    if (!read_name(query, length, pos, key, key_len)) return finish(wire::rcode::formerr);
    // Skip the owner to reach type/class/ttl/rdlength, then the algorithm name in RDATA.
    while (pos < length && query[pos] != 0 && (query[pos] & 0xC0) != 0xC0) pos += query[pos] + 1u;
    pos += (pos < length && (query[pos] & 0xC0) == 0xC0) ? 2 : 1;
    size_t rdata = pos + 10;
    std::array<char, 256> algorithm{};
    size_t algorithm_len = 0;
    if (rdata > length || !read_name(query, length, rdata, algorithm, algorithm_len)) {
        return finish(wire::rcode::formerr);
    }
    size_t fixed = rdata + rdata_name_length(std::string_view(
                               reinterpret_cast<const char*>(query + rdata), length - rdata));
    if (fixed <= rdata || fixed + 10 > length) return finish(wire::rcode::formerr);
    // time signed (6) + fudge (2)
    std::array<char, 256 + 16> rd{};
    std::memcpy(rd.data(), algorithm.data(), algorithm_len);
    size_t n = algorithm_len;
    std::memcpy(rd.data() + n, query + fixed, 8);
    n += 8;
    rd[n++] = 0;   // MAC size 0
    rd[n++] = 0;
    put16(reinterpret_cast<uint8_t*>(rd.data()) + n, q_.id);   // original ID
    n += 2;
    put16(reinterpret_cast<uint8_t*>(rd.data()) + n, wire::rcode::badkey);
    n += 2;
    rd[n++] = 0;   // other len
    rd[n++] = 0;
    // TSIG must be the last record: write OPT first (finish adds it), so emit TSIG ourselves.
    size_t len = finish(wire::rcode::notauth);
    w_.set_limit(w_.limit() + 512);
    if (w_.name(std::string_view(key.data(), key_len), false) && w_.u16(rt::TSIG) && w_.u16(kClassAny) &&
        w_.u32(0) && w_.u16(static_cast<uint16_t>(n)) && w_.bytes(rd.data(), n)) {
        put16(w_.data() + 10, static_cast<uint16_t>(arcount_ + 1));
        return w_.size();
    }
    return len;
}

const zones::Zone* Responder::use_zone(const Snapshot& snapshot, int32_t index) noexcept {
    const auto i = static_cast<size_t>(index);
    if (index < 0 || i >= snapshot.prepared.size()) return nullptr;   // plans has as many entries
    plans_ = &snapshot.plans[i];
    prepared_ = &snapshot.prepared[i];
    return snapshot.zones.zones()[i].get();
}

size_t Responder::answer(std::span<const uint8_t> query, const Client& client, const Snapshot& snapshot,
                         std::span<uint8_t> out, Counters& counters) noexcept {
    snap_ = &snapshot;
    counters_ = &counters;
    client_ = &client;
    client_located_ = false;
    decisions_->sync(snapshot.generation);   // geo decisions are valid for one snapshot
    Counters::bump(counters.queries);
    Counters::bump(client.tcp ? counters.tcp : counters.udp);
    bool question_ok = false;
    const wire::Parse parsed = wire::parse_query(query.data(), query.size(), q_, question_ok);
    if (parsed == wire::Parse::drop) {
        Counters::bump(counters.dropped);
        return 0;
    }
    size_t limit = 65535;
    if (!client.tcp) {
        limit = q_.has_edns ? std::clamp<size_t>(q_.udp_size, 512, snapshot.options.udp_max_payload) : 512;
    }
    limit = std::min(limit, out.size());
    begin(out, limit, question_ok, query.data());

    uint16_t rcode = wire::rcode::noerror;
    if (parsed == wire::Parse::notimp) {
        // NOTIFY: we have no primaries to accept one from (REFUSED, as NSD; RFC 1996 leaves it
        // open). Every other opcode is not implemented (RFC 1035 4.1.1, RFC 2136 3 for UPDATE).
        rcode = q_.opcode == 4 ? wire::rcode::refused : wire::rcode::notimp;
    } else if (parsed == wire::Parse::formerr) {
        // No OPT in FORMERR: the OPT itself may be what was malformed (Knot and NSD agree).
        q_.has_edns = false;
        opt_reserve_ = 0;
        w_.set_limit(limit);
        rcode = wire::rcode::formerr;
    } else if (q_.edns_bad_version) {
        rcode = wire::rcode::badvers;   // RFC 6891 6.1.3
    } else if (q_.has_tsig) {
        Counters::bump(counters.notauth);
        return answer_tsig_badkey(query.data(), query.size());
    } else if (q_.qclass == kClassChaos) {
        rcode = answer_chaos();
    } else if (q_.qclass != kClassIn && q_.qclass != kClassAny) {
        rcode = wire::rcode::refused;   // we serve class IN only
    } else if (q_.qtype == rt::AXFR && !client.tcp) {
        rcode = wire::rcode::notimp;    // RFC 5936 4.2: AXFR is a TCP affair
    } else if (q_.qtype == rt::AXFR || q_.qtype == rt::IXFR) {
        rcode = wire::rcode::refused;   // zone transfers are not offered (RFC 5936 4.2 suggests REFUSED)
    } else {
        const zones::Zone* zone = use_zone(snapshot, snapshot.zones.find_index(q_.qname()));
        if (zone == nullptr) {
            rcode = wire::rcode::refused;
        } else {
            if (q_.qtype == rt::DS && q_.qname() == zone->origin()) {
                // RFC 4035 3.1.4.1: DS lives in the parent; answer from it when we serve it.
                std::string_view parent = zones::parent_name(zone->origin());
                int32_t up = parent.empty() ? -1 : snapshot.zones.find_index(parent);
                if (const zones::Zone* parent_zone = up < 0 ? nullptr : use_zone(snapshot, up)) zone = parent_zone;
            }
            if (q_.has_ecs && snapshot.options.client_subnet) Counters::bump(counters.ecs);
            rcode = resolve(*zone);
        }
    }
    switch (rcode) {
        case wire::rcode::noerror: Counters::bump(counters.noerror); break;
        case wire::rcode::nxdomain: Counters::bump(counters.nxdomain); break;
        case wire::rcode::refused: Counters::bump(counters.refused); break;
        case wire::rcode::formerr: Counters::bump(counters.formerr); break;
        case wire::rcode::notimp: Counters::bump(counters.notimp); break;
        case wire::rcode::badvers: Counters::bump(counters.badvers); break;
        default: break;
    }
    if (tc_) Counters::bump(counters.truncated);
    return finish(rcode);
}

}  // namespace dnsd
