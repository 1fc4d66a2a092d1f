// distance_test.cpp -- great-circle distances against hand-computed (and published) values.
#include "geo/distance.hpp"

#include <gtest/gtest.h>

namespace {

// Reference distances: haversine on the 6371 km mean sphere, cross-checked against published
// airport-to-airport great-circle figures. 1% tolerance covers the sphere-vs-ellipsoid error.
struct Pair {
    const char* name;
    geo::Coordinates a;
    geo::Coordinates b;
    double km;
};

TEST(GeoDistance, KnownCityPairsWithinOnePercent) {
    const Pair pairs[] = {
        {"Frankfurt - Ashburn", {50.11, 8.68}, {39.04, -77.49}, 6540},
        {"London - New York", {51.5074, -0.1278}, {40.7128, -74.0060}, 5570},
        {"Paris - Berlin", {48.8566, 2.3522}, {52.5200, 13.4050}, 878},
        {"Tokyo - Singapore", {35.6762, 139.6503}, {1.3521, 103.8198}, 5320},
        {"Sydney - Los Angeles", {-33.8688, 151.2093}, {34.0522, -118.2437}, 12060},
        {"Sao Paulo - Johannesburg", {-23.5505, -46.6333}, {-26.2041, 28.0473}, 7440},
        {"Singapore - Frankfurt", {1.35, 103.82}, {50.11, 8.68}, 10260},
    };
    for (const auto& p : pairs) {
        EXPECT_NEAR(geo::distance_km(p.a, p.b), p.km, p.km * 0.01) << p.name;
        EXPECT_DOUBLE_EQ(geo::distance_km(p.a, p.b), geo::distance_km(p.b, p.a)) << p.name << " is symmetric";
    }
}

TEST(GeoDistance, EdgeCases) {
    EXPECT_DOUBLE_EQ(geo::distance_km(10, 20, 10, 20), 0.0);
    // One degree of latitude along a meridian: 2*pi*R/360.
    EXPECT_NEAR(geo::distance_km(0, 0, 1, 0), 111.19, 0.01);
    // Across the antimeridian the short way round: 179.5E to 179.5W is one degree at the equator.
    EXPECT_NEAR(geo::distance_km(0, 179.5, 0, -179.5), 111.19, 0.01);
    // Antipodes: half the circumference, and no NaN from rounding.
    EXPECT_NEAR(geo::distance_km(0, 0, 0, 180), 20015.1, 0.5);
    EXPECT_NEAR(geo::distance_km(90, 0, -90, 0), 20015.1, 0.5);
    EXPECT_NEAR(geo::distance_km(45, 45, -45, -135), 20015.1, 0.5);
    // Poles: longitude does not matter.
    EXPECT_NEAR(geo::distance_km(90, 0, 90, 123), 0.0, 1e-6);
}

}  // namespace
