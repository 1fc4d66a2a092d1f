// responder_fuzz.cpp -- libFuzzer target: any bytes as a query, over UDP and TCP limits, against
// a zone with every kind of node (wildcards, delegations, CNAME chains, balanced and geo names).
// Build: CC=clang CXX=clang++ cmake -S . -B build-fuzz -DDNSD_FUZZ=ON && cmake --build build-fuzz
// Run:   build-fuzz/fuzz/responder_fuzz -max_total_time=300 fuzz/corpus
#include <netinet/in.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "dnsd/reload.hpp"
#include "dnsd/responder.hpp"

// Last: ldns's headers define macros that break the standard library's.
#include <ldns/ldns.h>

namespace {

const char* kZone = R"(
origin = "fuzz.test."
[records]
"@" = { NS = ["ns1", "ns.other.test."], MX = ["10 mail"], TXT = "v=spf1 -all" }
ns1 = { A = "192.0.2.53", AAAA = "2001:db8::53" }
mail = { A = "192.0.2.25" }
alias = { CNAME = "chain" }
chain = { CNAME = "mail" }
loop1 = { CNAME = "loop2" }
loop2 = { CNAME = "loop1" }
"*.wild" = { A = "192.0.2.80", MX = ["5 mail"] }
"*.cn" = { CNAME = "alias" }
sub = { NS = ["ns.sub", "ns2.sub"], DS = "60485 8 2 D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A" }
"ns.sub" = { A = "192.0.2.99" }
"ns2.sub" = { AAAA = "2001:db8::99" }
srv._tcp = { SRV = ["10 60 5060 mail", "20 60 5060 ns1"] }
big = { TXT = ["0123456789012345678901234567890123456789012345678901234567890123456789", "1123456789012345678901234567890123456789012345678901234567890123456789", "2123456789012345678901234567890123456789012345678901234567890123456789", "3123456789012345678901234567890123456789012345678901234567890123456789", "4123456789012345678901234567890123456789012345678901234567890123456789", "5123456789012345678901234567890123456789012345678901234567890123456789", "6123456789012345678901234567890123456789012345678901234567890123456789", "7123456789012345678901234567890123456789012345678901234567890123456789"] }
[balance.www]
answers = 2
members = ["192.0.2.10", "192.0.2.11", "192.0.2.12", "2001:db8::10"]
[balance."*.cdn"]
policy = "weighted"
members = [{ address = "192.0.2.30", weight = 2 }, { address = "192.0.2.31", weight = 0 }]
[balance.geo]
policy = "geo"
pools.a = { members = ["192.0.2.40"] }
pools.b = { members = ["192.0.2.41", "2001:db8::41"] }
[balance.geo.geo]
"net:10.0.0.0/8" = ["a"]
"net:2001:db8::/32" = ["b"]
default = ["b", "a"]
[balance.near]
policy = "nearest"
pools.a = { members = ["192.0.2.50"], location = [50.0, 8.0] }
pools.b = { members = ["192.0.2.51"], location = [40.0, -77.0] }
)";

struct World {
    std::shared_ptr<const dnsd::Snapshot> snapshot;
    dnsd::Responder responder;
    dnsd::Counters counters;
    std::unique_ptr<uint8_t[]> out{new uint8_t[65535]};
};

World* make_world() {
    auto dir = std::filesystem::temp_directory_path() / ("dnsd-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "fuzz.test.toml") << kZone;
    dnsd::Config config;
    config.zones_dir = dir.string();
    config.nsid = "fuzz";
    config.version = "dnsd-fuzz";
    auto built = dnsd::build_snapshot(config);
    std::filesystem::remove_all(dir);
    if (!built) {
        std::fprintf(stderr, "%s", common::format_errors(built.error()).c_str());
        std::abort();
    }
    auto* w = new World;
    w->snapshot = *built;
    return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static World* world = make_world();
    sockaddr_in6 from{};
    from.sin6_family = AF_INET6;
    from.sin6_addr.s6_addr[15] = 1;
    for (bool tcp : {false, true}) {
        dnsd::Client client{reinterpret_cast<const sockaddr*>(&from), tcp};
        size_t n = world->responder.answer({data, size}, client, *world->snapshot, {world->out.get(), 65535},
                                           world->counters);
        if (n > (tcp ? 65535u : 4096u)) std::abort();   // never more than the transport allows
        if (!tcp && n > 1232u) std::abort();
        if (n == 0) continue;   // dropped: too short to answer, or a response
        // Whatever dnsd sends is a well-formed DNS response to this query's ID.
        const uint8_t* out = world->out.get();
        if (n < 12 || size < 2 || out[0] != data[0] || out[1] != data[1] || (out[2] & 0x80) == 0) std::abort();
        ldns_pkt* pkt = nullptr;
        if (ldns_wire2pkt(&pkt, out, n) != LDNS_STATUS_OK) std::abort();
        ldns_pkt_free(pkt);
    }
    return 0;
}
