// prepared.hpp -- PreparedZone: the response bytes of a zone's answers that do not depend on
// the query, encoded once when a snapshot is assembled, so that the common answers are a bounds
// check and one copy (NSD precompiles its answers the same way).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zones/zone.hpp"

namespace dnsd {

/// Appends one IN-class record owned by the question name: owner = pointer to offset 12
/// (RFC 1035 4.1.4), then type, class, TTL, RDLENGTH and `rdata` as given. Load time only.
void append_question_record(std::string& out, uint16_t type, uint32_t ttl, std::string_view rdata);

/// Immutable after prepare_zone(); shared by every worker.
struct PreparedZone {
    /// The records of each RRset (by zones::Zone::rrset_index) as written when the owner is
    /// the question name, back to back; empty for the RFC 1035 types whose RDATA names are
    /// compressed per response (NS, CNAME, SOA, PTR, MX).
    [[nodiscard]] std::string_view records(uint32_t rrset_index) const noexcept {
        if (rrset_index + 1 >= offsets.size()) return {};
        return std::string_view(wire).substr(offsets[rrset_index], offsets[rrset_index + 1] - offsets[rrset_index]);
    }

    std::string wire;
    std::vector<uint32_t> offsets;       // RRset i: wire[offsets[i], offsets[i + 1])

    /// The SOA of negative answers (RFC 2308 3: TTL min(SOA TTL, MINIMUM)). Its owner, and the
    /// SOA's names inside the zone, end in a pointer to the origin; the origin is always a
    /// suffix of the question name, so the pointer is known only per query: put 0xC000 | the
    /// origin's offset at each of `soa_pointers`.
    std::string negative_soa;
    std::array<uint16_t, 3> soa_pointers{};
    uint8_t soa_pointer_count = 0;
};

/// Encodes what the zone's answers can share. No errors: a valid zone always prepares.
PreparedZone prepare_zone(const zones::Zone& zone);

}  // namespace dnsd
