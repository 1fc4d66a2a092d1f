// distance.hpp -- great-circle distance between two points on Earth, for the `nearest` policy.
#pragma once

#include <cmath>
#include <numbers>

namespace geo {

/// A point on Earth in degrees: latitude north (-90..90), longitude east (-180..180).
struct Coordinates {
    double latitude = 0.0;
    double longitude = 0.0;
};

/// Mean Earth radius (IUGG, 6371.0088 km). The sphere is off by at most ~0.5% against the
/// ellipsoid, far below what choosing the nearest data centre needs.
inline constexpr double kEarthRadiusKm = 6371.0088;

/// Great-circle distance in kilometres by the haversine formula, which stays accurate for
/// nearby points (the law of cosines loses precision there). No allocation, no errors.
[[nodiscard]] inline double distance_km(Coordinates a, Coordinates b) noexcept {
    constexpr double kRadiansPerDegree = std::numbers::pi / 180.0;
    const double lat1 = a.latitude * kRadiansPerDegree;
    const double lat2 = b.latitude * kRadiansPerDegree;
    const double half_dlat = (b.latitude - a.latitude) * kRadiansPerDegree / 2;
    const double half_dlon = (b.longitude - a.longitude) * kRadiansPerDegree / 2;
    const double h = std::sin(half_dlat) * std::sin(half_dlat) +
                     std::cos(lat1) * std::cos(lat2) * std::sin(half_dlon) * std::sin(half_dlon);
    // Rounding can push h a hair above 1 for antipodal points; asin would then return NaN.
    return 2 * kEarthRadiusKm * std::asin(std::sqrt(std::fmin(1.0, h)));
}

/// The same, with the four numbers spelled out.
[[nodiscard]] inline double distance_km(double lat1, double lon1, double lat2, double lon2) noexcept {
    return distance_km(Coordinates{lat1, lon1}, Coordinates{lat2, lon2});
}

}  // namespace geo
