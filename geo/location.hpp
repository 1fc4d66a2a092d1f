// location.hpp -- Location: what the databases say about a client network, as plain values.
#pragma once

#include <cstdint>

#include "geo/codes.hpp"

namespace geo {

/// Where a client is, as far as the geo databases know. Plain values, trivially copyable.
///
/// A default-constructed Location means "no database consulted": nothing found, prefix_len 0.
struct Location {
    /// True when a database has a record for the client's network. A record may still lack every
    /// field below (MaxMind marks anycast networks with a record that has no country).
    bool found = false;

    /// Length of the database network that decided this answer, in the client's address family
    /// (an IPv4 lookup in an IPv6 tree reports 24 for a /24, not 120). Meaningful also when nothing
    /// was found: the empty range the lookup ended in is this long. This is what an EDNS Client
    /// Subnet scope must cover (RFC 7871 section 7.2.1). A lookup error reports the full length
    /// (32/128), so that a failure is never claimed for anyone but this client.
    uint8_t prefix_len = 0;

    CountryCode country;          ///< ISO 3166-1 alpha-2, empty when unknown
    ContinentCode continent;      ///< AF AN AS EU NA OC SA; derived from country when the database has none
    SubdivisionCode subdivision;  ///< ISO 3166-2 part after "CC-" of the largest subdivision, e.g. "CA"

    bool has_coordinates = false;  ///< latitude/longitude below are valid
    double latitude = 0.0;         ///< degrees north, -90..90
    double longitude = 0.0;        ///< degrees east, -180..180

    uint32_t asn = 0;  ///< autonomous system number; 0 = unknown (AS0 is reserved, RFC 7607)

    /// True when no field is known (country, continent, subdivision, coordinates, ASN).
    [[nodiscard]] constexpr bool empty() const noexcept {
        return country.empty() && continent.empty() && subdivision.empty() && !has_coordinates && asn == 0;
    }
};

}  // namespace geo
