// zone.hpp -- Zone: one zone's data frozen in flat arrays, and find(qname, qtype) by RFC 1034 4.3.2.
//
// The layout is built once by ZoneBuilder and never changes afterwards, so any number of
// threads may read a Zone without synchronisation. Names, RRsets and RDATA live in a few
// contiguous arrays (no per-node allocation): a 200,000-name zone is a handful of blocks.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "zones/balance.hpp"

namespace zones {

/// One RRset: `count` records stored back to back in Zone::rdata() as [u16 rdlength][rdata],
/// uncompressed, names lowercased as written in the zone.
struct RRset {
    uint16_t type = 0;
    uint16_t count = 0;
    uint32_t ttl = 0;
    uint32_t offset = 0;               // into the zone's rdata block
    uint32_t length = 0;
};

/// One owner name (or empty non-terminal).
struct Node {
    uint32_t name_offset = 0;          // into the zone's name block (lowercase wire)
    uint16_t name_length = 0;
    uint16_t rrset_count = 0;
    uint32_t rrset_begin = 0;          // into the zone's rrset array
    int32_t cut = -1;                  // delegation node at or above this one; -1 = authoritative
    int32_t wildcard = -1;             // the "*" child of this node, if any
    int32_t balance = -1;              // index into Zone::balances()
};

/// What a lookup found (STYLE.md 4: the shared result vocabulary).
enum class Lookup : uint8_t { hit, balanced, cname, nodata, nxdomain, referral };

struct Found {                         // 16 bytes: returned in registers
    Lookup kind = Lookup::nxdomain;
    bool wildcard = false;             // synthesised from a wildcard (owner becomes the qname)
    uint32_t node = 0;                 // answering node; for referral the delegation node
    const RRset* rrset = nullptr;      // hit (but for ANY): the RRset of the qtype
};

class Zone {
public:
    /// The zone's origin as lowercase wire bytes.
    [[nodiscard]] std::string_view origin() const noexcept { return origin_; }
    /// The file it was loaded from (for messages).
    [[nodiscard]] const std::string& file() const noexcept { return file_; }

    /// RFC 1034 4.3.2 step 3 for a lowercase qname inside this zone (caller checked).
    [[nodiscard]] Found find(std::string_view qname, uint16_t qtype) const noexcept;
    /// Exact node lookup; -1 when the name does not exist (not even as an empty non-terminal).
    [[nodiscard]] int32_t find_node(std::string_view name) const noexcept;

    [[nodiscard]] const Node& node(uint32_t i) const noexcept { return nodes_[i]; }
    [[nodiscard]] size_t node_count() const noexcept { return nodes_.size(); }
    [[nodiscard]] std::string_view name(const Node& n) const noexcept {
        return {names_.data() + n.name_offset, n.name_length};
    }
    [[nodiscard]] std::span<const RRset> rrsets(const Node& n) const noexcept {
        return {rrsets_.data() + n.rrset_begin, n.rrset_count};
    }
    [[nodiscard]] const RRset* rrset(const Node& n, uint16_t type) const noexcept;
    [[nodiscard]] std::string_view rdata(const RRset& r) const noexcept {
        return {rdata_.data() + r.offset, r.length};
    }

    [[nodiscard]] uint32_t apex() const noexcept { return apex_; }
    [[nodiscard]] const RRset& soa() const noexcept { return rrsets_[soa_]; }
    /// RFC 2308 5: TTL of the SOA in negative answers, min(SOA TTL, SOA MINIMUM).
    [[nodiscard]] uint32_t negative_ttl() const noexcept { return negative_ttl_; }
    [[nodiscard]] uint32_t serial() const noexcept { return serial_; }

    [[nodiscard]] const std::vector<Balance>& balances() const noexcept { return balances_; }
    [[nodiscard]] const std::vector<CheckSpec>& checks() const noexcept { return checks_; }
    [[nodiscard]] size_t record_count() const noexcept { return record_count_; }

private:
    friend class ZoneBuilder;

    std::string origin_;
    std::string file_;
    std::string names_;
    std::vector<Node> nodes_;
    std::vector<RRset> rrsets_;
    std::string rdata_;
    std::vector<uint32_t> index_;      // open addressing: node index + 1, 0 = empty
    uint32_t index_mask_ = 0;
    uint32_t apex_ = 0;
    uint32_t soa_ = 0;
    uint32_t negative_ttl_ = 0;
    uint32_t serial_ = 0;
    size_t record_count_ = 0;
    std::vector<Balance> balances_;
    std::vector<CheckSpec> checks_;
};

/// A compact source position used while building (millions of records: no strings).
struct RecordSource {
    uint16_t file = 0;                 // index returned by ZoneBuilder::add_source
    uint32_t line = 0;
    uint32_t column = 0;
};

/// Collects records, balanced names and checks, then validates them all and freezes a Zone.
/// Every problem becomes a common::Error at the record's file:line:column.
class ZoneBuilder {
public:
    /// Limits that keep a hostile file from exhausting memory.
    static constexpr size_t kMaxRecords = 20'000'000;
    static constexpr size_t kMaxRRsetSize = 10'000;

    ZoneBuilder(std::string origin_wire, std::string main_file);

    /// Registers a source file; the result goes into RecordSource::file.
    uint16_t add_source(std::string file);
    /// Adds one record. owner: lowercase wire name; rdata: uncompressed wire RDATA.
    void add_record(std::string_view owner, uint16_t type, uint32_t ttl, std::string_view rdata,
                    RecordSource where);
    /// Capacity hint for bulk loads: room for this many more records and arena bytes (the
    /// include reader estimates from the file size). Growing by doubling would copy and
    /// page-fault everything twice; reserved but untouched pages cost no RSS.
    void reserve_more(size_t records, size_t arena_bytes) {
        records_.reserve(std::min(records_.size() + records, kMaxRecords + 1));
        arena_.reserve(arena_.size() + arena_bytes);
    }
    void add_balance(Balance b) { balances_.push_back(std::move(b)); }
    void add_check(CheckSpec c) { checks_.push_back(std::move(c)); }
    /// Reports an error found by the caller (so all errors come out together).
    void add_error(common::Error e) { errors_.push_back(std::move(e)); }
    void add_error(RecordSource where, std::string message);
    [[nodiscard]] const std::string& origin() const noexcept { return origin_; }
    [[nodiscard]] bool has_errors() const noexcept { return !errors_.empty(); }
    [[nodiscard]] size_t record_count() const noexcept { return records_.size(); }

    /// Validates (RFC 1034/2181 rules: one SOA and NS at the apex, CNAME alone, no data
    /// outside the zone or below a delegation but glue, balanced names without static
    /// addresses) and freezes the zone.
    common::Result<std::shared_ptr<const Zone>> build() &&;

private:
    struct Record {
        uint32_t owner_offset;
        uint32_t rdata_offset;
        uint32_t ttl;
        uint16_t rdata_length;
        uint16_t type;
        uint8_t owner_length;
        RecordSource where;
    };
    [[nodiscard]] std::string_view owner(const Record& r) const noexcept {
        return {arena_.data() + r.owner_offset, r.owner_length};
    }
    [[nodiscard]] std::string_view rdata(const Record& r) const noexcept {
        return {arena_.data() + r.rdata_offset, r.rdata_length};
    }
    common::Error error_at(const RecordSource& where, std::string message) const;

    std::string origin_;
    std::vector<std::string> files_;
    std::string arena_;
    std::vector<Record> records_;
    std::vector<Balance> balances_;
    std::vector<CheckSpec> checks_;
    common::Errors errors_;
};

}  // namespace zones
