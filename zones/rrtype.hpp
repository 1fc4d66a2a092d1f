// rrtype.hpp -- the RR types, classes and rcodes the server treats specially (IANA numbers).
#pragma once

#include <cstdint>

namespace zones::rrtype {
inline constexpr uint16_t A = 1;
inline constexpr uint16_t NS = 2;
inline constexpr uint16_t CNAME = 5;
inline constexpr uint16_t SOA = 6;
inline constexpr uint16_t PTR = 12;
inline constexpr uint16_t HINFO = 13;
inline constexpr uint16_t MX = 15;
inline constexpr uint16_t TXT = 16;
inline constexpr uint16_t AAAA = 28;
inline constexpr uint16_t SRV = 33;
inline constexpr uint16_t DNAME = 39;
inline constexpr uint16_t OPT = 41;
inline constexpr uint16_t DS = 43;
inline constexpr uint16_t RRSIG = 46;
inline constexpr uint16_t NSEC = 47;
inline constexpr uint16_t NSEC3 = 50;
inline constexpr uint16_t SVCB = 64;
inline constexpr uint16_t HTTPS = 65;
inline constexpr uint16_t TKEY = 249;
inline constexpr uint16_t TSIG = 250;
inline constexpr uint16_t IXFR = 251;
inline constexpr uint16_t AXFR = 252;
inline constexpr uint16_t MAILB = 253;
inline constexpr uint16_t MAILA = 254;
inline constexpr uint16_t ANY = 255;

/// RFC 3597 4: only the RFC 1035 types may have names in their RDATA compressed.
inline constexpr bool rdata_name_compressible(uint16_t t) noexcept {
    return t == NS || t == CNAME || t == SOA || t == PTR || t == MX;
}
}  // namespace zones::rrtype
