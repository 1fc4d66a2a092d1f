// dns_client.hpp -- a test DNS client: build queries (valid or not), exchange them over
// UDP/TCP with a bounded wait, and parse responses (ldns) into a normalized, comparable form.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace test_support {

using Bytes = std::vector<std::uint8_t>;

enum class Transport { udp, tcp };
std::string_view to_string(Transport transport);

/// A server address: an IPv4 or IPv6 literal and a port.
struct Endpoint {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;

    std::string to_string() const;  ///< "127.0.0.1:5353", "[::1]:5353"
};

// ---------------------------------------------------------------------------------------
// Sending

/// How long exchange() and exchange_pipelined() wait by default.
inline constexpr std::chrono::milliseconds default_timeout{2000};

/// Sends `query` and waits at most `timeout` for the response. UDP: the first datagram
/// on a connected socket. TCP (RFC 7766): the query with its 2-octet length prefix, then
/// one length-prefixed message. nullopt when nothing arrives in time or the server closes
/// the connection (a "drop"). Throws std::runtime_error only for local errors (bad address).
std::optional<Bytes> exchange(const Endpoint& server, Transport transport,
                              std::span<const std::uint8_t> query,
                              std::chrono::milliseconds timeout = default_timeout);

/// TCP: writes all `queries` on one connection before reading (pipelining, RFC 7766
/// section 6.2.1.1), then reads responses in arrival order until there are as many
/// as queries, the server closes, or `timeout` passes.
std::vector<Bytes> exchange_pipelined(const Endpoint& server, const std::vector<Bytes>& queries,
                                      std::chrono::milliseconds timeout = default_timeout);

// ---------------------------------------------------------------------------------------
// Building queries

/// One EDNS option (RFC 6891 section 6.1.2): code and raw data.
struct EdnsOption {
    std::uint16_t code = 0;
    Bytes data;

    friend bool operator==(const EdnsOption&, const EdnsOption&) = default;
};

namespace edns_code {
inline constexpr std::uint16_t nsid = 3;             // RFC 5001
inline constexpr std::uint16_t client_subnet = 8;    // RFC 7871
inline constexpr std::uint16_t cookie = 10;          // RFC 7873
inline constexpr std::uint16_t padding = 12;         // RFC 7830
inline constexpr std::uint16_t extended_error = 15;  // RFC 8914
}  // namespace edns_code

/// ECS option for "192.0.2.0/24" or "2001:db8::/56" (address bits past the prefix are
/// cleared, as RFC 7871 section 6 requires). Throws std::invalid_argument on bad input.
EdnsOption client_subnet_option(std::string_view prefix, std::uint8_t scope_prefix = 0);
/// COOKIE option: an 8-octet client cookie and an optional 8..32-octet server cookie.
EdnsOption cookie_option(std::span<const std::uint8_t> client_cookie,
                         std::span<const std::uint8_t> server_cookie = {});
/// Empty NSID option: asks the server for its name server identifier.
EdnsOption nsid_option();

/// The OPT record of a query.
struct Edns {
    std::uint16_t udp_size = 1232;
    std::uint8_t version = 0;
    bool do_bit = false;
    std::uint8_t extended_rcode = 0;
    std::uint16_t z = 0;  ///< the flag bits other than DO (must be zero)
    std::vector<EdnsOption> options;
    std::string owner = ".";  ///< anything but "." is malformed (RFC 6891 section 6.1.2)
};

/// A TSIG record (RFC 8945) with a made-up MAC: enough to test "unknown key" handling.
struct Tsig {
    std::string key_name = "unknown-key.";
    std::string algorithm = "hmac-sha256.";
    std::uint64_t time_signed = 0;  ///< seconds since the epoch; 0 means now
    std::uint16_t fudge = 300;
    Bytes mac = Bytes(32, 0xab);
};

/// Everything a test may want to put in a query, including malformed variants.
struct QuerySpec {
    std::string qname;         ///< presentation form, case kept as written
    std::uint16_t qtype = 1;   ///< A
    std::uint16_t qclass = 1;  ///< IN
    std::uint16_t id = 0x2a2a;
    std::uint8_t opcode = 0;  ///< QUERY
    bool rd = false;
    bool cd = false;
    bool ad = false;
    /// OR-ed into the flags word: QR 0x8000, AA 0x0400, TC 0x0200, RA 0x0080, Z 0x0040.
    std::uint16_t extra_flags = 0;
    std::optional<Edns> edns;
    unsigned opt_count = 1;    ///< OPT records to append when `edns` is set (2 is malformed)
    std::optional<Tsig> tsig;  ///< appended last in the additional section
};

/// Wire bytes for `spec`. Throws std::invalid_argument for a name that is not valid
/// presentation form.
Bytes build_query(const QuerySpec& spec);

/// "A" -> 1, "type65280" -> 65280 (ldns mnemonics, case-insensitive); nullopt if unknown.
std::optional<std::uint16_t> rr_type_from_string(std::string_view text);
/// "IN" -> 1, "CH" -> 3, "ANY" -> 255, "CLASS7" -> 7; nullopt if unknown.
std::optional<std::uint16_t> rr_class_from_string(std::string_view text);
std::string rr_type_to_string(std::uint16_t type);
std::string rcode_to_string(unsigned rcode);  ///< 12-bit rcode: "NOERROR", "BADVERS", "RCODE23"
std::string opcode_to_string(unsigned opcode);

/// Hex string (whitespace ignored) -> bytes; throws std::invalid_argument on odd or bad input.
Bytes from_hex(std::string_view hex);
std::string to_hex(std::span<const std::uint8_t> bytes);

// ---------------------------------------------------------------------------------------
// Parsing responses

/// One OPT record as found on the wire.
struct Opt {
    std::string owner;  ///< "." unless malformed
    std::uint16_t udp_size = 0;
    std::uint8_t extended_rcode = 0;
    std::uint8_t version = 0;
    bool do_bit = false;
    std::uint16_t z = 0;
    std::vector<EdnsOption> options;
};

/// A response in normalized, comparable form. Parsing never throws: what cannot be
/// parsed is described in `parse_error`, and the header is kept whenever there are 12
/// octets.
struct Response {
    Bytes wire;
    std::uint16_t id = 0;
    unsigned opcode = 0;
    unsigned rcode = 0;  ///< 12 bits: header RCODE plus the OPT extended RCODE
    bool qr = false, aa = false, tc = false, rd = false, ra = false, z = false, ad = false,
         cd = false;
    std::uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
    std::string question;  ///< "www.example. IN A", owner lowercased; "" when QDCOUNT is 0
    Bytes question_wire;   ///< the question section exactly as sent back (letter case kept)
    std::vector<std::string> answer;      ///< sorted RRs in presentation form, names lowercased
    std::vector<std::string> authority;   ///< idem
    std::vector<std::string> additional;  ///< idem, without OPT (see `opts`)
    std::vector<Opt> opts;                ///< every OPT record of the additional section
    std::string parse_error;              ///< empty when the whole message parsed

    std::string flags_string() const;  ///< "qr aa rd", in header order
    /// The compared form: one line per fact ("rcode NOERROR", "flags qr aa", "question ...",
    /// "edns ...", then "answer <rr>", "authority <rr>", "additional <rr>" lines).
    std::vector<std::string> normalized_lines() const;
    friend bool operator==(const Response& a, const Response& b) {
        return a.normalized_lines() == b.normalized_lines();
    }
};

/// Parses a response (any bytes). RRs are printed by ldns (ldns_rr2str) with owner
/// and RDATA domain names lowercased and tabs turned into spaces; TSIG is printed
/// without its time (algorithm, fudge, MAC size, original id, error, other size);
/// COOKIE options keep only the server cookie's length.
Response parse_response(std::span<const std::uint8_t> wire);

/// The question section of a message (letter case kept); empty if absent or malformed.
Bytes question_section(std::span<const std::uint8_t> wire);

std::ostream& operator<<(std::ostream& out, const Response& response);

}  // namespace test_support
