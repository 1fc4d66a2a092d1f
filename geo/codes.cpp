// codes.cpp -- the ISO 3166-1 alpha-2 list with each country's continent (GeoNames assignment).
#include "geo/codes.hpp"

#include <algorithm>

namespace geo {

namespace {

struct CountryContinent {
    std::string_view country;
    std::string_view continent;
};

// All 249 ISO 3166-1 alpha-2 codes in force, plus XK (Kosovo, used by MaxMind, DB-IP and others).
// Continents follow GeoNames' countryInfo, which is what GeoIP2 databases report, so a flat
// database (no continent field) and a GeoIP2 database agree on e.g. TR=AS, CY=EU, RU=EU.
// Sorted by country code: looked up by binary search, checked by a static_assert.
constexpr std::array<CountryContinent, 250> kCountries = {{
    {"AD", "EU"}, {"AE", "AS"}, {"AF", "AS"}, {"AG", "NA"}, {"AI", "NA"}, {"AL", "EU"}, {"AM", "AS"},
    {"AO", "AF"}, {"AQ", "AN"}, {"AR", "SA"}, {"AS", "OC"}, {"AT", "EU"}, {"AU", "OC"}, {"AW", "NA"},
    {"AX", "EU"}, {"AZ", "AS"}, {"BA", "EU"}, {"BB", "NA"}, {"BD", "AS"}, {"BE", "EU"}, {"BF", "AF"},
    {"BG", "EU"}, {"BH", "AS"}, {"BI", "AF"}, {"BJ", "AF"}, {"BL", "NA"}, {"BM", "NA"}, {"BN", "AS"},
    {"BO", "SA"}, {"BQ", "NA"}, {"BR", "SA"}, {"BS", "NA"}, {"BT", "AS"}, {"BV", "AN"}, {"BW", "AF"},
    {"BY", "EU"}, {"BZ", "NA"}, {"CA", "NA"}, {"CC", "AS"}, {"CD", "AF"}, {"CF", "AF"}, {"CG", "AF"},
    {"CH", "EU"}, {"CI", "AF"}, {"CK", "OC"}, {"CL", "SA"}, {"CM", "AF"}, {"CN", "AS"}, {"CO", "SA"},
    {"CR", "NA"}, {"CU", "NA"}, {"CV", "AF"}, {"CW", "NA"}, {"CX", "OC"}, {"CY", "EU"}, {"CZ", "EU"},
    {"DE", "EU"}, {"DJ", "AF"}, {"DK", "EU"}, {"DM", "NA"}, {"DO", "NA"}, {"DZ", "AF"}, {"EC", "SA"},
    {"EE", "EU"}, {"EG", "AF"}, {"EH", "AF"}, {"ER", "AF"}, {"ES", "EU"}, {"ET", "AF"}, {"FI", "EU"},
    {"FJ", "OC"}, {"FK", "SA"}, {"FM", "OC"}, {"FO", "EU"}, {"FR", "EU"}, {"GA", "AF"}, {"GB", "EU"},
    {"GD", "NA"}, {"GE", "AS"}, {"GF", "SA"}, {"GG", "EU"}, {"GH", "AF"}, {"GI", "EU"}, {"GL", "NA"},
    {"GM", "AF"}, {"GN", "AF"}, {"GP", "NA"}, {"GQ", "AF"}, {"GR", "EU"}, {"GS", "AN"}, {"GT", "NA"},
    {"GU", "OC"}, {"GW", "AF"}, {"GY", "SA"}, {"HK", "AS"}, {"HM", "AN"}, {"HN", "NA"}, {"HR", "EU"},
    {"HT", "NA"}, {"HU", "EU"}, {"ID", "AS"}, {"IE", "EU"}, {"IL", "AS"}, {"IM", "EU"}, {"IN", "AS"},
    {"IO", "AS"}, {"IQ", "AS"}, {"IR", "AS"}, {"IS", "EU"}, {"IT", "EU"}, {"JE", "EU"}, {"JM", "NA"},
    {"JO", "AS"}, {"JP", "AS"}, {"KE", "AF"}, {"KG", "AS"}, {"KH", "AS"}, {"KI", "OC"}, {"KM", "AF"},
    {"KN", "NA"}, {"KP", "AS"}, {"KR", "AS"}, {"KW", "AS"}, {"KY", "NA"}, {"KZ", "AS"}, {"LA", "AS"},
    {"LB", "AS"}, {"LC", "NA"}, {"LI", "EU"}, {"LK", "AS"}, {"LR", "AF"}, {"LS", "AF"}, {"LT", "EU"},
    {"LU", "EU"}, {"LV", "EU"}, {"LY", "AF"}, {"MA", "AF"}, {"MC", "EU"}, {"MD", "EU"}, {"ME", "EU"},
    {"MF", "NA"}, {"MG", "AF"}, {"MH", "OC"}, {"MK", "EU"}, {"ML", "AF"}, {"MM", "AS"}, {"MN", "AS"},
    {"MO", "AS"}, {"MP", "OC"}, {"MQ", "NA"}, {"MR", "AF"}, {"MS", "NA"}, {"MT", "EU"}, {"MU", "AF"},
    {"MV", "AS"}, {"MW", "AF"}, {"MX", "NA"}, {"MY", "AS"}, {"MZ", "AF"}, {"NA", "AF"}, {"NC", "OC"},
    {"NE", "AF"}, {"NF", "OC"}, {"NG", "AF"}, {"NI", "NA"}, {"NL", "EU"}, {"NO", "EU"}, {"NP", "AS"},
    {"NR", "OC"}, {"NU", "OC"}, {"NZ", "OC"}, {"OM", "AS"}, {"PA", "NA"}, {"PE", "SA"}, {"PF", "OC"},
    {"PG", "OC"}, {"PH", "AS"}, {"PK", "AS"}, {"PL", "EU"}, {"PM", "NA"}, {"PN", "OC"}, {"PR", "NA"},
    {"PS", "AS"}, {"PT", "EU"}, {"PW", "OC"}, {"PY", "SA"}, {"QA", "AS"}, {"RE", "AF"}, {"RO", "EU"},
    {"RS", "EU"}, {"RU", "EU"}, {"RW", "AF"}, {"SA", "AS"}, {"SB", "OC"}, {"SC", "AF"}, {"SD", "AF"},
    {"SE", "EU"}, {"SG", "AS"}, {"SH", "AF"}, {"SI", "EU"}, {"SJ", "EU"}, {"SK", "EU"}, {"SL", "AF"},
    {"SM", "EU"}, {"SN", "AF"}, {"SO", "AF"}, {"SR", "SA"}, {"SS", "AF"}, {"ST", "AF"}, {"SV", "NA"},
    {"SX", "NA"}, {"SY", "AS"}, {"SZ", "AF"}, {"TC", "NA"}, {"TD", "AF"}, {"TF", "AN"}, {"TG", "AF"},
    {"TH", "AS"}, {"TJ", "AS"}, {"TK", "OC"}, {"TL", "OC"}, {"TM", "AS"}, {"TN", "AF"}, {"TO", "OC"},
    {"TR", "AS"}, {"TT", "NA"}, {"TV", "OC"}, {"TW", "AS"}, {"TZ", "AF"}, {"UA", "EU"}, {"UG", "AF"},
    {"UM", "OC"}, {"US", "NA"}, {"UY", "SA"}, {"UZ", "AS"}, {"VA", "EU"}, {"VC", "NA"}, {"VE", "SA"},
    {"VG", "NA"}, {"VI", "NA"}, {"VN", "AS"}, {"VU", "OC"}, {"WF", "OC"}, {"WS", "OC"}, {"XK", "EU"},
    {"YE", "AS"}, {"YT", "AF"}, {"ZA", "AF"}, {"ZM", "AF"}, {"ZW", "AF"},
}};

constexpr bool by_country(const CountryContinent& a, const CountryContinent& b) { return a.country < b.country; }
static_assert(std::is_sorted(kCountries.begin(), kCountries.end(), by_country));
static_assert(std::adjacent_find(kCountries.begin(), kCountries.end(),
                                 [](const auto& a, const auto& b) { return a.country == b.country; }) ==
              kCountries.end());

constexpr std::array<std::string_view, kCountries.size()> make_country_list() {
    std::array<std::string_view, kCountries.size()> out{};
    for (std::size_t i = 0; i < kCountries.size(); ++i) out[i] = kCountries[i].country;
    return out;
}
constexpr std::array<std::string_view, kCountries.size()> kCountryList = make_country_list();

const CountryContinent* find_country(std::string_view code) noexcept {
    const auto it = std::lower_bound(kCountries.begin(), kCountries.end(), CountryContinent{code, {}}, by_country);
    if (it == kCountries.end() || it->country != code) return nullptr;
    return &*it;
}

}  // namespace

bool is_country(std::string_view code) noexcept { return find_country(code) != nullptr; }

bool is_continent(std::string_view code) noexcept {
    return std::find(kContinents.begin(), kContinents.end(), code) != kContinents.end();
}

std::string_view continent_of(std::string_view country) noexcept {
    const CountryContinent* entry = find_country(country);
    return entry != nullptr ? entry->continent : std::string_view{};
}

std::span<const std::string_view> all_countries() noexcept { return kCountryList; }

}  // namespace geo
