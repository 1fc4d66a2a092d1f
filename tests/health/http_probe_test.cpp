// http_probe_test.cpp -- HTTP request construction and response judgement, bytes in, verdict out.
#include "health/http_probe.hpp"

#include <gtest/gtest.h>

#include "health/address.hpp"
#include "health/check.hpp"

namespace health {
namespace {

Check http(uint16_t port = 80) {
    Check c;
    c.type = CheckType::http;
    c.port = port;
    c.path = "/healthz";
    return c;
}

std::optional<Outcome> outcome(const Check& c, std::string_view rx, bool eof = false) {
    auto v = evaluate_http(c, rx, eof);
    if (!v) return std::nullopt;
    return v->outcome;
}

TEST(HttpProbe, BuildsRequestWithHostHeader) {
    Check c = http();
    c.host = "www.example.com";
    EXPECT_EQ(build_http_request(c, *Address::parse("192.0.2.10")),
              "GET /healthz HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: dnsd-health\r\n"
              "Accept: */*\r\nConnection: close\r\n\r\n");
}

TEST(HttpProbe, DefaultHostIsTheAddress) {
    EXPECT_NE(build_http_request(http(), *Address::parse("192.0.2.10")).find("\r\nHost: 192.0.2.10\r\n"),
              std::string::npos);
    EXPECT_NE(build_http_request(http(8080), *Address::parse("192.0.2.10")).find("\r\nHost: 192.0.2.10:8080\r\n"),
              std::string::npos);
    EXPECT_NE(build_http_request(http(), *Address::parse("2001:db8::1")).find("\r\nHost: [2001:db8::1]\r\n"),
              std::string::npos);
    EXPECT_NE(build_http_request(http(81), *Address::parse("::1")).find("\r\nHost: [::1]:81\r\n"),
              std::string::npos);
}

TEST(HttpProbe, DecidesOnTheStatusLine) {
    const Check c = http();
    EXPECT_EQ(outcome(c, ""), std::nullopt);
    EXPECT_EQ(outcome(c, "HTTP/1.1 20"), std::nullopt);
    EXPECT_EQ(outcome(c, "HTTP/1.1 200 OK\r\n"), Outcome::http_ok);
    EXPECT_EQ(outcome(c, "HTTP/1.0 301 Moved\r\nLocation: /\r\n"), Outcome::http_ok);
    EXPECT_EQ(outcome(c, "HTTP/1.1 503 Service Unavailable\r\n"), Outcome::http_status);
    EXPECT_EQ(evaluate_http(c, "HTTP/1.1 503 X\r\n", false)->describe(), "status 503");
    EXPECT_EQ(outcome(c, "HTTP/1.1 204\r\n"), Outcome::http_ok);  // no reason phrase
}

TEST(HttpProbe, ExpectListsAndRanges) {
    Check c = http();
    c.expect = {{200, 200}, {204, 204}};
    EXPECT_EQ(outcome(c, "HTTP/1.1 204 No Content\r\n"), Outcome::http_ok);
    EXPECT_EQ(outcome(c, "HTTP/1.1 201 Created\r\n"), Outcome::http_status);
    EXPECT_EQ(outcome(c, "HTTP/1.1 302 Found\r\n"), Outcome::http_status);
}

TEST(HttpProbe, RejectsOtherProtocolsEarly) {
    const Check c = http();
    EXPECT_EQ(outcome(c, "SSH-2.0-OpenSSH"), Outcome::http_malformed);
    EXPECT_EQ(outcome(c, "HTTP/1.1 OK 200\r\n"), Outcome::http_malformed);
    EXPECT_EQ(outcome(c, "HTTP/1.1 2000 OK\r\n"), Outcome::http_malformed);
}

TEST(HttpProbe, ClosedOrTooLarge) {
    Check c = http();
    EXPECT_EQ(outcome(c, "", true), Outcome::closed);
    EXPECT_EQ(outcome(c, "HTTP/1.1 2", true), Outcome::closed);
    c.response_limit = 256;
    EXPECT_EQ(outcome(c, "HTTP/1.1 " + std::string(300, 'x')), Outcome::too_large);
}

TEST(HttpProbe, BodyTextFoundOrNot) {
    Check c = http();
    c.body = "healthy";
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n";
    EXPECT_EQ(outcome(c, head), std::nullopt);  // headers not finished
    EXPECT_EQ(outcome(c, head + "\r\nstatus: heal"), std::nullopt);
    EXPECT_EQ(outcome(c, head + "\r\nstatus: healthy\n"), Outcome::http_ok);
    EXPECT_EQ(outcome(c, head + "\r\nstatus: degraded\n", true), Outcome::body_mismatch);
    // A bad status wins over the body.
    EXPECT_EQ(outcome(c, "HTTP/1.1 500 X\r\n\r\nhealthy"), Outcome::http_status);
}

TEST(HttpProbe, ContentLengthEndsTheBodyWithoutEof) {
    Check c = http();
    c.body = "healthy";
    EXPECT_EQ(outcome(c, "HTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\ndegraded"), Outcome::body_mismatch);
    EXPECT_EQ(outcome(c, "HTTP/1.1 200 OK\r\nContent-Length:  20\r\n\r\ndegraded"), std::nullopt);
}

TEST(HttpProbe, BodyMustAppearWithinTheLimit) {
    Check c = http();
    c.body = "needle";
    c.response_limit = 256;
    const std::string rx = "HTTP/1.1 200 OK\r\n\r\n" + std::string(256, 'x');
    EXPECT_EQ(outcome(c, std::string_view(rx).substr(0, 256)), Outcome::body_mismatch);
}

}  // namespace
}  // namespace health
