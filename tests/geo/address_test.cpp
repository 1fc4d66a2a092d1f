// address_test.cpp -- Address and Network: parsing, v4-mapped normalisation, truncation, text.
#include "geo/address.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

namespace {

using geo::Address;
using geo::Network;

Address addr(const char* text) {
    auto a = Address::parse(text);
    EXPECT_TRUE(a.has_value()) << text;
    return a.value_or(Address{});
}

TEST(GeoAddress, ParsesBothFamilies) {
    const Address v4 = addr("192.0.2.1");
    EXPECT_TRUE(v4.is_v4());
    EXPECT_EQ(v4.bit_length(), 32);
    EXPECT_EQ(v4.bytes().size(), 4U);
    EXPECT_EQ(v4.to_string(), "192.0.2.1");

    const Address v6 = addr("2001:DB8::1");
    EXPECT_EQ(v6.family(), geo::Family::v6);
    EXPECT_EQ(v6.bit_length(), 128);
    EXPECT_EQ(v6.bytes().size(), 16U);
    EXPECT_EQ(v6.to_string(), "2001:db8::1");
}

TEST(GeoAddress, RejectsMalformedText) {
    for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/24", " 1.2.3.4", "1.2.3.4 ", "fe80::1%eth0",
                            "2001:db8::1::2", "hello", "::ffff:1.2.3.4.5",
                            "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000"}) {
        EXPECT_FALSE(Address::parse(bad).has_value()) << '"' << bad << '"';
    }
}

TEST(GeoAddress, NormalisesV4MappedToV4) {
    const Address mapped = addr("::ffff:192.0.2.1");
    EXPECT_TRUE(mapped.is_v4());
    EXPECT_EQ(mapped, addr("192.0.2.1"));
    EXPECT_EQ(mapped.to_string(), "192.0.2.1");
    // Only ::ffff:0:0/96 is mapped; the deprecated IPv4-compatible ::a.b.c.d stays IPv6.
    EXPECT_FALSE(addr("::192.0.2.1").is_v4());
    EXPECT_FALSE(addr("::1").is_v4());
}

TEST(GeoAddress, FromSockaddr) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    ASSERT_EQ(inet_pton(AF_INET, "198.51.100.7", &in.sin_addr), 1);
    auto a = Address::from_sockaddr(reinterpret_cast<const sockaddr*>(&in), sizeof in);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), "198.51.100.7");

    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    ASSERT_EQ(inet_pton(AF_INET6, "::ffff:198.51.100.7", &in6.sin6_addr), 1);
    a = Address::from_sockaddr(reinterpret_cast<const sockaddr*>(&in6), sizeof in6);
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->is_v4()) << "a dual-stack socket's IPv4 client must look like IPv4";
    EXPECT_EQ(*a, addr("198.51.100.7"));

    ASSERT_EQ(inet_pton(AF_INET6, "2001:db8::7", &in6.sin6_addr), 1);
    a = Address::from_sockaddr(reinterpret_cast<const sockaddr*>(&in6), sizeof in6);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_string(), "2001:db8::7");

    EXPECT_FALSE(Address::from_sockaddr(reinterpret_cast<const sockaddr*>(&in6), sizeof(sockaddr_in)));
    sockaddr unix_like{};
    unix_like.sa_family = AF_UNIX;
    EXPECT_FALSE(Address::from_sockaddr(&unix_like, sizeof unix_like));
    EXPECT_FALSE(Address::from_sockaddr(nullptr, 0));
}

TEST(GeoAddress, TruncatesToPrefix) {
    EXPECT_EQ(addr("192.0.2.255").truncated(24), addr("192.0.2.0"));
    EXPECT_EQ(addr("192.0.2.255").truncated(25), addr("192.0.2.128"));
    EXPECT_EQ(addr("192.0.2.255").truncated(0), addr("0.0.0.0"));
    EXPECT_EQ(addr("192.0.2.255").truncated(32), addr("192.0.2.255"));
    EXPECT_EQ(addr("192.0.2.255").truncated(99), addr("192.0.2.255"));
    EXPECT_EQ(addr("2001:db8:abcd:1234::1").truncated(48), addr("2001:db8:abcd::"));
    EXPECT_EQ(addr("2001:db8:abcd:1234::1").truncated(50), addr("2001:db8:abcd:0::"));
    EXPECT_EQ(addr("2001:db8:abcd:ffff::1").truncated(50), addr("2001:db8:abcd:c000::"));
    EXPECT_TRUE(addr("10.1.2.3").bit(4));
    EXPECT_FALSE(addr("10.1.2.3").bit(0));
}

TEST(GeoAddress, EqualityIncludesFamily) {
    // 0.0.0.0 and :: share all-zero bytes; the family keeps them apart.
    EXPECT_NE(addr("0.0.0.0"), addr("::"));
}

TEST(GeoNetwork, ParsesCidr) {
    auto n = Network::parse("10.0.0.0/8");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->prefix_len, 8);
    EXPECT_EQ(n->to_string(), "10.0.0.0/8");
    EXPECT_TRUE(n->contains(addr("10.255.0.1")));
    EXPECT_FALSE(n->contains(addr("11.0.0.1")));
    EXPECT_FALSE(n->contains(addr("::a00:1")));

    n = Network::parse("2001:db8::/32");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->to_string(), "2001:db8::/32");

    n = Network::parse("192.0.2.1");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->prefix_len, 32) << "a bare address is a host route";

    n = Network::parse("::ffff:10.0.0.0/104");
    ASSERT_TRUE(n);
    EXPECT_TRUE(n->address.is_v4());
    EXPECT_EQ(n->to_string(), "10.0.0.0/8");

    n = Network::parse("0.0.0.0/0");
    ASSERT_TRUE(n);
    EXPECT_TRUE(n->contains(addr("203.0.113.9")));
}

TEST(GeoNetwork, RejectsBadCidrWithReason) {
    const auto message = [](const char* text) {
        auto n = Network::parse(text);
        EXPECT_FALSE(n) << text;
        return n ? std::string{} : n.error().front().message;
    };
    EXPECT_EQ(message("10.0.0.1/8"), "bad network \"10.0.0.1/8\": host bits are set after /8; the network is 10.0.0.0/8");
    EXPECT_EQ(message("2001:db8::1/32"),
              "bad network \"2001:db8::1/32\": host bits are set after /32; the network is 2001:db8::/32");
    EXPECT_EQ(message("10.0.0.0/33"), "bad network \"10.0.0.0/33\": prefix length 33 exceeds 32");
    EXPECT_EQ(message("10.0.0.0/"), "bad network \"10.0.0.0/\": the prefix length after '/' must be a number");
    EXPECT_EQ(message("10.0.0.0/8x"), "bad network \"10.0.0.0/8x\": the prefix length after '/' must be a number");
    EXPECT_EQ(message("10.0.0.0/-1"), "bad network \"10.0.0.0/-1\": the prefix length after '/' must be a number");
    EXPECT_EQ(message("ten/8"), "bad network \"ten/8\": not an IPv4 or IPv6 address");
    EXPECT_EQ(message("::ffff:10.0.0.0/80"),
              "bad network \"::ffff:10.0.0.0/80\": an IPv4-mapped network needs a prefix length of at least 96");
}

}  // namespace
