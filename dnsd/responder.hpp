// responder.hpp -- Responder::answer(): query bytes in, response bytes out (stages 3-6 of
// STYLE.md 2). No sockets, no allocation, no locks, no exceptions.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "dnsd/balance.hpp"
#include "dnsd/prepared.hpp"
#include "dnsd/snapshot.hpp"
#include "dnsd/stats.hpp"
#include "dnsd/wire.hpp"
#include "zones/rrtype.hpp"

namespace zones {
class Zone;
struct RRset;
}  // namespace zones

namespace dnsd {

/// Who asked, and how: decides the size limit and, for geo names, the location.
struct Client {
    const sockaddr* address = nullptr;  // may be null in tests
    bool tcp = false;
};

/// One per worker thread: owns scratch space that a single answer needs.
class Responder {
public:
    Responder();
    ~Responder();
    Responder(const Responder&) = delete;
    Responder& operator=(const Responder&) = delete;

    /// Writes the response for `query` into `out`; returns its length, 0 to send nothing.
    size_t answer(std::span<const uint8_t> query, const Client& client, const Snapshot& snapshot,
                  std::span<uint8_t> out, Counters& counters) noexcept;

private:
    enum class Section : uint8_t { answer, authority, additional };

    void begin(std::span<uint8_t> out, size_t limit, bool question_ok, const uint8_t* query) noexcept;
    size_t finish(uint16_t rcode) noexcept;
    bool put_rrset(Section s, std::string_view owner, const zones::Zone& zone, const zones::RRset& rrset) noexcept;
    /// One record. The owner is most often the qname itself: with RDATA that holds no names
    /// the record is a pointer to the question plus two copies, inline; the rest goes through
    /// name compression in put_record_slow().
    bool put_record(std::string_view owner, uint16_t type, uint16_t klass, uint32_t ttl,
                    std::string_view rdata) noexcept {
        if (owner.data() == q_.qname().data() && owner.size() == q_.qname_length &&
            !zones::rrtype::rdata_name_compressible(type)) {
            uint8_t head[12];
            wire::put16(head, 0xC000u | wire::kHeaderSize);
            wire::put16(head + 2, type);
            wire::put16(head + 4, klass);
            wire::put32(head + 6, ttl);
            wire::put16(head + 10, static_cast<uint16_t>(rdata.size()));
            return w_.bytes2(head, sizeof head, rdata.data(), rdata.size());
        }
        return put_record_slow(owner, type, klass, ttl, rdata);
    }
    bool put_record_slow(std::string_view owner, uint16_t type, uint16_t klass, uint32_t ttl,
                         std::string_view rdata) noexcept;
    bool drop_rrset(Section s) noexcept;
    bool put_soa(const zones::Zone& zone) noexcept;
    void put_additional_for(const zones::Zone& zone, const zones::RRset& rrset) noexcept;
    void put_glue(const zones::Zone& zone, std::string_view target) noexcept;
    bool put_balanced(std::string_view owner, const zones::Zone& zone, uint32_t node, uint16_t qtype) noexcept;
    uint16_t resolve(const zones::Zone& zone) noexcept;
    void locate_client() noexcept;
    const zones::Zone* use_zone(const Snapshot& snapshot, int32_t index) noexcept;
    uint16_t answer_chaos() noexcept;
    size_t answer_tsig_badkey(const uint8_t* query, size_t length) noexcept;
    void count(Section s, uint16_t records) noexcept;

    wire::Query q_;
    wire::Writer w_{nullptr, 0};
    const Snapshot* snap_ = nullptr;
    Counters* counters_ = nullptr;
    const Client* client_ = nullptr;
    uint16_t ancount_ = 0, nscount_ = 0, arcount_ = 0;
    bool aa_ = false;
    bool tc_ = false;
    bool dropped_section_ = false;
    bool glue_required_ = false;       // the additional RRset being added is RFC 9471 glue
    std::string_view cut_;             // the delegation of a referral being written     // an answer/authority RRset did not fit: stop adding
    size_t opt_reserve_ = 0;
    uint8_t ecs_scope_ = 0;
    static constexpr size_t kMaxChain = 12;   // CNAME hops followed inside a zone
    std::array<std::array<char, 256>, kMaxChain> chain_{};
    std::array<std::string_view, kMaxChain> visited_{};
    const PreparedZone* prepared_ = nullptr;   // of the zone being answered from
    // Balanced names: the zone's plans, per-worker selection state and geo caches.
    const std::vector<BalancePlan>* plans_ = nullptr;
    SelectState select_;
    Selection selection_;
    std::unique_ptr<geo::LocationCache> locations_;
    std::unique_ptr<geo::DecisionCache> decisions_;
    std::unique_ptr<geo::Address> client_address_;
    bool client_located_ = false;
    bool client_known_ = false;
    uint8_t client_prefix_ = 0;
};

}  // namespace dnsd
