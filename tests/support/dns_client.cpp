// dns_client.cpp -- sockets with deadlines, hand-built query wire, response walking and
// normalization (ldns for RR presentation, a small wire walker of our own for the header,
// the question and OPT records, which ldns folds away or accepts when malformed).
#include "tests/support/dns_client.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ldns/ldns.h>
#include <stdbool.h>  // before ldns: ldns/common.h defines bool/true/false otherwise

namespace test_support {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr std::uint16_t type_opt = 41;
constexpr std::uint16_t type_tsig = 250;
constexpr std::uint16_t class_any = 255;
constexpr std::size_t header_size = 12;
constexpr std::size_t max_message = 65535;

// ----- sockets -------------------------------------------------------------------------

/// A socket address built from an Endpoint.
struct SockAddr {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_UNSPEC;
};

SockAddr resolve(const Endpoint& server) {
    SockAddr result;
    std::string address = server.address;
    if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
        address = address.substr(1, address.size() - 2);
    }
    auto* v4 = reinterpret_cast<sockaddr_in*>(&result.storage);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&result.storage);
    if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(server.port);
        result.length = sizeof(sockaddr_in);
        result.family = AF_INET;
    } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(server.port);
        result.length = sizeof(sockaddr_in6);
        result.family = AF_INET6;
    } else {
        throw std::runtime_error("not an IP address: " + server.address);
    }
    return result;
}

/// An owned file descriptor.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&&) = delete;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    int get() const { return fd_; }

private:
    int fd_;
};

Fd open_socket(const SockAddr& address, int type) {
    Fd fd(::socket(address.family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) {
        throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    }
    return fd;
}

bool connect_to(int fd, const SockAddr& address) {
    return ::connect(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) == 0;
}

/// Waits until `fd` is ready for `events` or the deadline passes.
bool wait_ready(int fd, short events, Clock::time_point deadline) {
    while (true) {
        auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            return false;
        }
        pollfd p{fd, events, 0};
        int rc = ::poll(&p, 1, static_cast<int>(left));
        if (rc > 0) {
            return true;
        }
        if (rc < 0 && errno != EINTR) {
            return false;
        }
    }
}

bool send_all(int fd, std::span<const std::uint8_t> data, Clock::time_point deadline) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!wait_ready(fd, POLLOUT, deadline)) {
                return false;
            }
        } else {
            return false;
        }
    }
    return true;
}

/// Reads exactly `out.size()` octets; false on close, error or deadline.
bool read_exact(int fd, std::span<std::uint8_t> out, Clock::time_point deadline) {
    std::size_t got = 0;
    while (got < out.size()) {
        ssize_t n = ::recv(fd, out.data() + got, out.size() - got, 0);
        if (n > 0) {
            got += static_cast<std::size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!wait_ready(fd, POLLIN, deadline)) {
                return false;
            }
        } else {
            return false;
        }
    }
    return true;
}

std::optional<Bytes> read_tcp_message(int fd, Clock::time_point deadline) {
    std::array<std::uint8_t, 2> prefix{};
    if (!read_exact(fd, prefix, deadline)) {
        return std::nullopt;
    }
    Bytes message(static_cast<std::size_t>(prefix[0] << 8 | prefix[1]));
    if (!read_exact(fd, message, deadline)) {
        return std::nullopt;
    }
    return message;
}

std::optional<Fd> connect_tcp(const Endpoint& server, Clock::time_point deadline) {
    SockAddr address = resolve(server);
    Fd fd = open_socket(address, SOCK_STREAM);
    int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!connect_to(fd.get(), address)) {
        if (errno != EINPROGRESS || !wait_ready(fd.get(), POLLOUT, deadline)) {
            return std::nullopt;
        }
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            return std::nullopt;
        }
    }
    return std::optional<Fd>(std::move(fd));
}

Bytes length_prefixed(std::span<const std::uint8_t> message) {
    Bytes out;
    out.reserve(message.size() + 2);
    out.push_back(static_cast<std::uint8_t>(message.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(message.size() & 0xff));
    out.insert(out.end(), message.begin(), message.end());
    return out;
}

// ----- wire writing --------------------------------------------------------------------

void put16(Bytes& out, unsigned value) {
    out.push_back(static_cast<std::uint8_t>((value >> 8) & 0xff));
    out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

void put32(Bytes& out, std::uint32_t value) {
    put16(out, value >> 16);
    put16(out, value & 0xffff);
}

using RdfPtr = std::unique_ptr<ldns_rdf, decltype(&ldns_rdf_deep_free)>;
using PktPtr = std::unique_ptr<ldns_pkt, decltype(&ldns_pkt_free)>;

/// Presentation-form name to uncompressed wire form, letter case kept.
Bytes name_to_wire(const std::string& name) {
    ldns_rdf* raw = nullptr;
    if (ldns_str2rdf_dname(&raw, name.c_str()) != LDNS_STATUS_OK || raw == nullptr) {
        throw std::invalid_argument("not a valid domain name: \"" + name + "\"");
    }
    RdfPtr rdf(raw, ldns_rdf_deep_free);
    const std::uint8_t* data = ldns_rdf_data(rdf.get());
    return Bytes(data, data + ldns_rdf_size(rdf.get()));
}

void put_opt(Bytes& out, const Edns& edns) {
    Bytes owner = name_to_wire(edns.owner);
    out.insert(out.end(), owner.begin(), owner.end());
    put16(out, type_opt);
    put16(out, edns.udp_size);
    out.push_back(edns.extended_rcode);
    out.push_back(edns.version);
    put16(out, (edns.do_bit ? 0x8000U : 0U) | (edns.z & 0x7fffU));
    Bytes rdata;
    for (const auto& option : edns.options) {
        put16(rdata, option.code);
        put16(rdata, static_cast<unsigned>(option.data.size()));
        rdata.insert(rdata.end(), option.data.begin(), option.data.end());
    }
    put16(out, static_cast<unsigned>(rdata.size()));
    out.insert(out.end(), rdata.begin(), rdata.end());
}

void put_tsig(Bytes& out, const Tsig& tsig, std::uint16_t id) {
    Bytes owner = name_to_wire(tsig.key_name);
    out.insert(out.end(), owner.begin(), owner.end());
    put16(out, type_tsig);
    put16(out, class_any);
    put32(out, 0);
    Bytes rdata = name_to_wire(tsig.algorithm);
    std::uint64_t now =
        tsig.time_signed != 0 ? tsig.time_signed : static_cast<std::uint64_t>(std::time(nullptr));
    put16(rdata, static_cast<unsigned>((now >> 32) & 0xffff));
    put32(rdata, static_cast<std::uint32_t>(now & 0xffffffff));
    put16(rdata, tsig.fudge);
    put16(rdata, static_cast<unsigned>(tsig.mac.size()));
    rdata.insert(rdata.end(), tsig.mac.begin(), tsig.mac.end());
    put16(rdata, id);  // original id
    put16(rdata, 0);   // error
    put16(rdata, 0);   // other len
    put16(out, static_cast<unsigned>(rdata.size()));
    out.insert(out.end(), rdata.begin(), rdata.end());
}

// ----- wire reading --------------------------------------------------------------------

unsigned get16(std::span<const std::uint8_t> wire, std::size_t at) {
    return static_cast<unsigned>(wire[at] << 8 | wire[at + 1]);
}

/// Skips the name at `at` (compression pointers end it); nullopt when it overruns.
std::optional<std::size_t> skip_name(std::span<const std::uint8_t> wire, std::size_t at) {
    for (std::size_t labels = 0; at < wire.size() && labels < 128; ++labels) {
        std::uint8_t length = wire[at];
        if (length == 0) {
            return at + 1;
        }
        if ((length & 0xc0) == 0xc0) {
            return at + 2 <= wire.size() ? std::optional<std::size_t>(at + 2) : std::nullopt;
        }
        if ((length & 0xc0) != 0) {
            return std::nullopt;  // 0x40/0x80 label types are not defined
        }
        at += 1U + length;
    }
    return std::nullopt;
}

/// Decodes the name at `at` to lowercase presentation form, following at most 32
/// compression pointers; nullopt when malformed.
std::optional<std::string> decode_name(std::span<const std::uint8_t> wire, std::size_t at) {
    std::string text;
    for (int hops = 0; at < wire.size() && hops < 32;) {
        std::uint8_t length = wire[at];
        if (length == 0) {
            return text.empty() ? "." : text;
        }
        if ((length & 0xc0) == 0xc0) {
            if (at + 1 >= wire.size()) {
                return std::nullopt;
            }
            at = get16(wire, at) & 0x3fffU;
            ++hops;
            continue;
        }
        if ((length & 0xc0) != 0 || at + 1 + length > wire.size()) {
            return std::nullopt;
        }
        for (std::size_t i = at + 1; i < at + 1 + length; ++i) {
            auto c = static_cast<unsigned char>(std::tolower(wire[i]));
            if (c == '.' || c == '\\') {
                text += '\\';
                text += static_cast<char>(c);
            } else if (c <= 0x20 || c >= 0x7f) {
                char escaped[5];
                std::snprintf(escaped, sizeof escaped, "\\%03u", c);
                text += escaped;
            } else {
                text += static_cast<char>(c);
            }
        }
        text += '.';
        at += 1U + length;
    }
    return std::nullopt;
}

/// Where the sections start and end, found by walking the message.
struct Layout {
    std::size_t question_end = header_size;
    std::vector<Opt> opts;
    std::string error;
};

Layout walk(std::span<const std::uint8_t> wire) {
    Layout layout;
    std::size_t at = header_size;
    unsigned qdcount = get16(wire, 4);
    for (unsigned i = 0; i < qdcount; ++i) {
        auto end = skip_name(wire, at);
        if (!end || *end + 4 > wire.size()) {
            layout.error = "question " + std::to_string(i + 1) + " is malformed or truncated";
            layout.question_end = at;
            return layout;
        }
        at = *end + 4;
    }
    layout.question_end = at;
    std::array<unsigned, 3> counts = {get16(wire, 6), get16(wire, 8), get16(wire, 10)};
    for (std::size_t section = 0; section < counts.size(); ++section) {
        for (unsigned i = 0; i < counts[section]; ++i) {
            std::size_t owner = at;
            auto end = skip_name(wire, at);
            if (!end || *end + 10 > wire.size()) {
                layout.error = "RR " + std::to_string(i + 1) + " of section " +
                               std::to_string(section + 1) + " is truncated";
                return layout;
            }
            at = *end;
            unsigned type = get16(wire, at);
            std::size_t rdlength = get16(wire, at + 8);
            std::size_t rdata = at + 10;
            if (rdata + rdlength > wire.size()) {
                layout.error = "RDATA overruns the message";
                return layout;
            }
            if (section == 2 && type == type_opt) {
                Opt opt;
                opt.owner = decode_name(wire, owner).value_or("<malformed>");
                opt.udp_size = static_cast<std::uint16_t>(get16(wire, at + 2));
                opt.extended_rcode = wire[at + 4];
                opt.version = wire[at + 5];
                unsigned flags = get16(wire, at + 6);
                opt.do_bit = (flags & 0x8000U) != 0;
                opt.z = static_cast<std::uint16_t>(flags & 0x7fffU);
                for (std::size_t o = rdata; o + 4 <= rdata + rdlength;) {
                    std::size_t length = get16(wire, o + 2);
                    std::size_t end_of_option = std::min(o + 4 + length, rdata + rdlength);
                    opt.options.push_back(EdnsOption{
                        static_cast<std::uint16_t>(get16(wire, o)),
                        Bytes(wire.begin() + static_cast<std::ptrdiff_t>(o + 4),
                              wire.begin() + static_cast<std::ptrdiff_t>(end_of_option))});
                    o = end_of_option;
                }
                layout.opts.push_back(std::move(opt));
            }
            at = rdata + rdlength;
        }
    }
    if (at != wire.size()) {
        layout.error = std::to_string(wire.size() - at) + " octets after the last RR";
    }
    return layout;
}

// ----- presentation --------------------------------------------------------------------

std::string tsig_error_name(unsigned error) {
    switch (error) {
    case 0: return "NOERROR";
    case 16: return "BADSIG";
    case 17: return "BADKEY";
    case 18: return "BADTIME";
    case 19: return "BADMODE";
    case 20: return "BADNAME";
    case 21: return "BADALG";
    case 22: return "BADTRUNC";
    default: return std::to_string(error);
    }
}

std::string rdf_text(const ldns_rdf* rdf) {
    char* text = ldns_rdf2str(rdf);
    std::string result = text != nullptr ? text : "?";
    LDNS_FREE(text);
    return result;
}

/// TSIG without the time signed (which differs per query): algorithm, fudge, MAC
/// size, original id, error and other-data size.
std::string tsig_text(const ldns_rr* rr) {
    std::ostringstream out;
    out << rdf_text(ldns_rr_owner(rr)) << ' ' << ldns_rr_ttl(rr) << " ANY TSIG";
    if (ldns_rr_rd_count(rr) < 7) {
        out << " <malformed>";
        return out.str();
    }
    auto int16 = [&](std::size_t i) { return ldns_rdf2native_int16(ldns_rr_rdf(rr, i)); };
    auto data_size = [&](std::size_t i) { return ldns_rdf_size(ldns_rr_rdf(rr, i)) - 2; };
    out << ' ' << rdf_text(ldns_rr_rdf(rr, 0)) << " fudge=" << int16(2)
        << " mac-size=" << data_size(3) << " original-id=" << int16(4)
        << " error=" << tsig_error_name(int16(5)) << " other-size=" << data_size(6);
    return out.str();
}

/// An RR in presentation form with owner and RDATA names lowercased, single spaces.
std::string rr_text(ldns_rr* rr) {
    ldns_dname2canonical(ldns_rr_owner(rr));
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        ldns_rdf* rdf = ldns_rr_rdf(rr, i);
        if (rdf != nullptr && ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME) {
            ldns_dname2canonical(rdf);
        }
    }
    std::string text;
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_TSIG) {
        text = tsig_text(rr);
    } else {
        char* raw = ldns_rr2str(rr);
        text = raw != nullptr ? raw : "<unprintable RR>";
        LDNS_FREE(raw);
    }
    std::replace(text.begin(), text.end(), '\t', ' ');
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    return text;
}

std::vector<std::string> sorted_rrs(const ldns_rr_list* list) {
    std::vector<std::string> result;
    for (std::size_t i = 0; list != nullptr && i < ldns_rr_list_rr_count(list); ++i) {
        result.push_back(rr_text(ldns_rr_list_rr(list, i)));
    }
    std::sort(result.begin(), result.end());
    return result;
}

std::string printable(std::span<const std::uint8_t> data) {
    std::string text;
    for (auto c : data) {
        text += (c >= 0x20 && c < 0x7f && c != '"') ? static_cast<char>(c) : '.';
    }
    return text;
}

std::string option_text(const EdnsOption& option) {
    std::ostringstream out;
    switch (option.code) {
    case edns_code::nsid:
        out << "NSID=" << to_hex(option.data) << " (\"" << printable(option.data) << "\")";
        break;
    case edns_code::cookie: {
        std::size_t client = std::min<std::size_t>(8, option.data.size());
        out << "COOKIE client=" << to_hex(std::span(option.data).first(client))
            << " server-size=" << option.data.size() - client;
        break;
    }
    case edns_code::client_subnet:
        if (option.data.size() >= 4) {
            out << "ECS family=" << get16(option.data, 0) << " source=" << unsigned{option.data[2]}
                << " scope=" << unsigned{option.data[3]}
                << " address=" << to_hex(std::span(option.data).subspan(4));
        } else {
            out << "ECS=<malformed " << to_hex(option.data) << ">";
        }
        break;
    case edns_code::padding: out << "PADDING size=" << option.data.size(); break;
    case edns_code::extended_error:
        if (option.data.size() >= 2) {
            out << "EDE=" << get16(option.data, 0);
            if (option.data.size() > 2) {
                out << " \"" << printable(std::span(option.data).subspan(2)) << '"';
            }
        } else {
            out << "EDE=<malformed>";
        }
        break;
    default: out << "OPTION" << option.code << '=' << to_hex(option.data);
    }
    return out.str();
}

std::string opt_text(const Opt& opt) {
    std::ostringstream out;
    out << "version=" << unsigned{opt.version} << " udp=" << opt.udp_size;
    if (opt.do_bit) {
        out << " do";
    }
    if (opt.z != 0) {
        out << " z=" << opt.z;
    }
    if (opt.owner != ".") {
        out << " owner=" << opt.owner;
    }
    for (const auto& option : opt.options) {
        out << ' ' << option_text(option);
    }
    return out.str();
}

}  // namespace

// ----- public: sending -----------------------------------------------------------------

std::string_view to_string(Transport transport) {
    return transport == Transport::udp ? "udp" : "tcp";
}

std::string Endpoint::to_string() const {
    bool v6 = address.find(':') != std::string::npos && address.front() != '[';
    return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::optional<Bytes> exchange(const Endpoint& server, Transport transport,
                              std::span<const std::uint8_t> query, milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    if (transport == Transport::tcp) {
        auto fd = connect_tcp(server, deadline);
        if (!fd || !send_all(fd->get(), length_prefixed(query), deadline)) {
            return std::nullopt;
        }
        return read_tcp_message(fd->get(), deadline);
    }
    SockAddr address = resolve(server);
    Fd fd = open_socket(address, SOCK_DGRAM);
    if (!connect_to(fd.get(), address) ||
        ::send(fd.get(), query.data(), query.size(), 0) != static_cast<ssize_t>(query.size())) {
        return std::nullopt;
    }
    Bytes buffer(max_message);
    while (wait_ready(fd.get(), POLLIN, deadline)) {
        ssize_t n = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
        if (n >= 0) {
            buffer.resize(static_cast<std::size_t>(n));
            return buffer;
        }
        if (errno != EAGAIN && errno != EINTR) {
            return std::nullopt;  // e.g. ECONNREFUSED: nothing listens there
        }
    }
    return std::nullopt;
}

std::vector<Bytes> exchange_pipelined(const Endpoint& server, const std::vector<Bytes>& queries,
                                      milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    std::vector<Bytes> responses;
    auto fd = connect_tcp(server, deadline);
    if (!fd) {
        return responses;
    }
    Bytes all;
    for (const auto& query : queries) {
        Bytes framed = length_prefixed(query);
        all.insert(all.end(), framed.begin(), framed.end());
    }
    if (!send_all(fd->get(), all, deadline)) {
        return responses;
    }
    while (responses.size() < queries.size()) {
        auto response = read_tcp_message(fd->get(), deadline);
        if (!response) {
            break;
        }
        responses.push_back(std::move(*response));
    }
    return responses;
}

// ----- public: building ----------------------------------------------------------------

EdnsOption client_subnet_option(std::string_view prefix, std::uint8_t scope_prefix) {
    auto slash = prefix.find('/');
    if (slash == std::string_view::npos) {
        throw std::invalid_argument("ECS prefix needs a length: " + std::string(prefix));
    }
    std::string address(prefix.substr(0, slash));
    int bits = std::stoi(std::string(prefix.substr(slash + 1)));
    std::array<std::uint8_t, 16> raw{};
    unsigned family = 0;
    int max_bits = 0;
    if (::inet_pton(AF_INET, address.c_str(), raw.data()) == 1) {
        family = 1;
        max_bits = 32;
    } else if (::inet_pton(AF_INET6, address.c_str(), raw.data()) == 1) {
        family = 2;
        max_bits = 128;
    }
    if (family == 0 || bits < 0 || bits > max_bits) {
        throw std::invalid_argument("bad ECS prefix: " + std::string(prefix));
    }
    EdnsOption option{edns_code::client_subnet, {}};
    put16(option.data, family);
    option.data.push_back(static_cast<std::uint8_t>(bits));
    option.data.push_back(scope_prefix);
    auto octets = static_cast<std::size_t>((bits + 7) / 8);
    for (std::size_t i = 0; i < octets; ++i) {
        int keep = std::min(8, bits - static_cast<int>(i) * 8);
        auto mask = static_cast<std::uint8_t>(0xff << (8 - keep));
        option.data.push_back(raw[i] & mask);
    }
    return option;
}

EdnsOption cookie_option(std::span<const std::uint8_t> client_cookie,
                         std::span<const std::uint8_t> server_cookie) {
    EdnsOption option{edns_code::cookie, Bytes(client_cookie.begin(), client_cookie.end())};
    option.data.insert(option.data.end(), server_cookie.begin(), server_cookie.end());
    return option;
}

EdnsOption nsid_option() { return EdnsOption{edns_code::nsid, {}}; }

Bytes build_query(const QuerySpec& spec) {
    Bytes out;
    put16(out, spec.id);
    unsigned flags = static_cast<unsigned>(spec.opcode & 0x0fU) << 11;
    flags |= spec.rd ? 0x0100U : 0U;
    flags |= spec.ad ? 0x0020U : 0U;
    flags |= spec.cd ? 0x0010U : 0U;
    flags |= spec.extra_flags;
    put16(out, flags);
    unsigned additional = (spec.edns ? spec.opt_count : 0U) + (spec.tsig ? 1U : 0U);
    put16(out, 1);
    put16(out, 0);
    put16(out, 0);
    put16(out, additional);
    Bytes qname = name_to_wire(spec.qname);
    out.insert(out.end(), qname.begin(), qname.end());
    put16(out, spec.qtype);
    put16(out, spec.qclass);
    for (unsigned i = 0; spec.edns && i < spec.opt_count; ++i) {
        put_opt(out, *spec.edns);
    }
    if (spec.tsig) {
        put_tsig(out, *spec.tsig, spec.id);
    }
    return out;
}

std::optional<std::uint16_t> rr_type_from_string(std::string_view text) {
    std::string upper(text);
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (upper == "ANY") {
        return 255;
    }
    ldns_rr_type type = ldns_get_rr_type_by_name(upper.c_str());
    if (type == 0 && upper != "TYPE0") {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(type);
}

std::optional<std::uint16_t> rr_class_from_string(std::string_view text) {
    std::string upper(text);
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (upper == "ANY") {
        return 255;
    }
    if (upper == "NONE") {
        return 254;
    }
    ldns_rr_class klass = ldns_get_rr_class_by_name(upper.c_str());
    if (klass == 0 && upper != "CLASS0") {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(klass);
}

std::string rr_type_to_string(std::uint16_t type) {
    char* text = ldns_rr_type2str(static_cast<ldns_rr_type>(type));
    std::string result = text != nullptr ? text : "TYPE" + std::to_string(type);
    LDNS_FREE(text);
    return result;
}

std::string rcode_to_string(unsigned rcode) {
    static constexpr std::array<std::string_view, 12> names = {
        "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
        "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE", "DSOTYPENI"};
    if (rcode < names.size()) {
        return std::string(names[rcode]);
    }
    if (rcode == 16) {
        return "BADVERS";
    }
    if (rcode == 23) {
        return "BADCOOKIE";
    }
    return "RCODE" + std::to_string(rcode);
}

std::string opcode_to_string(unsigned opcode) {
    switch (opcode) {
    case 0: return "QUERY";
    case 1: return "IQUERY";
    case 2: return "STATUS";
    case 4: return "NOTIFY";
    case 5: return "UPDATE";
    case 6: return "DSO";
    default: return "OPCODE" + std::to_string(opcode);
    }
}

Bytes from_hex(std::string_view hex) {
    Bytes out;
    int high = -1;
    for (char c : hex) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            continue;
        }
        int value = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                    : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                                : -1;
        if (value < 0) {
            throw std::invalid_argument("not a hex digit: '" + std::string(1, c) + "'");
        }
        if (high < 0) {
            high = value;
        } else {
            out.push_back(static_cast<std::uint8_t>(high << 4 | value));
            high = -1;
        }
    }
    if (high >= 0) {
        throw std::invalid_argument("odd number of hex digits");
    }
    return out;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 0x0f];
    }
    return out;
}

// ----- public: parsing -----------------------------------------------------------------

Bytes question_section(std::span<const std::uint8_t> wire) {
    if (wire.size() < header_size) {
        return {};
    }
    Layout layout = walk(wire);
    return Bytes(wire.begin() + header_size,
                 wire.begin() + static_cast<std::ptrdiff_t>(layout.question_end));
}

Response parse_response(std::span<const std::uint8_t> wire) {
    Response r;
    r.wire.assign(wire.begin(), wire.end());
    if (wire.size() < header_size) {
        r.parse_error = "message of " + std::to_string(wire.size()) + " octets has no full header";
        return r;
    }
    r.id = static_cast<std::uint16_t>(get16(wire, 0));
    unsigned flags = get16(wire, 2);
    r.qr = (flags & 0x8000U) != 0;
    r.opcode = (flags >> 11) & 0x0fU;
    r.aa = (flags & 0x0400U) != 0;
    r.tc = (flags & 0x0200U) != 0;
    r.rd = (flags & 0x0100U) != 0;
    r.ra = (flags & 0x0080U) != 0;
    r.z = (flags & 0x0040U) != 0;
    r.ad = (flags & 0x0020U) != 0;
    r.cd = (flags & 0x0010U) != 0;
    r.rcode = flags & 0x000fU;
    r.qdcount = static_cast<std::uint16_t>(get16(wire, 4));
    r.ancount = static_cast<std::uint16_t>(get16(wire, 6));
    r.nscount = static_cast<std::uint16_t>(get16(wire, 8));
    r.arcount = static_cast<std::uint16_t>(get16(wire, 10));

    Layout layout = walk(wire);
    r.question_wire.assign(wire.begin() + header_size,
                           wire.begin() + static_cast<std::ptrdiff_t>(layout.question_end));
    r.opts = std::move(layout.opts);
    if (!r.opts.empty()) {
        r.rcode |= static_cast<unsigned>(r.opts.front().extended_rcode) << 4;
    }
    // The question from our walker (ldns would refuse a QDCOUNT of 2 in a response).
    std::vector<std::string> questions;
    for (std::size_t at = header_size; at < layout.question_end;) {
        auto name = decode_name(wire, at);
        auto end = skip_name(wire, at);
        if (!name || !end) {
            break;
        }
        auto type = static_cast<std::uint16_t>(get16(wire, *end));
        unsigned klass = get16(wire, *end + 2);
        char* class_text = ldns_rr_class2str(static_cast<ldns_rr_class>(klass));
        questions.push_back(*name + " " + (class_text ? class_text : "?") + " " +
                            rr_type_to_string(type));
        LDNS_FREE(class_text);
        at = *end + 4;
    }
    for (std::size_t i = 0; i < questions.size(); ++i) {
        r.question += (i > 0 ? "; " : "") + questions[i];
    }
    if (!layout.error.empty()) {
        r.parse_error = layout.error;
        return r;
    }
    if (r.qdcount > 1) {
        r.parse_error = "QDCOUNT " + std::to_string(r.qdcount) + ": sections not parsed";
        return r;
    }

    ldns_pkt* raw = nullptr;
    ldns_status status = ldns_wire2pkt(&raw, wire.data(), wire.size());
    if (status != LDNS_STATUS_OK || raw == nullptr) {
        r.parse_error = std::string("ldns: ") + ldns_get_errorstr_by_id(status);
        return r;
    }
    PktPtr packet(raw, ldns_pkt_free);
    r.answer = sorted_rrs(ldns_pkt_answer(packet.get()));
    r.authority = sorted_rrs(ldns_pkt_authority(packet.get()));
    r.additional = sorted_rrs(ldns_pkt_additional(packet.get()));
    // ldns moves a trailing TSIG out of the additional section: put it back.
    if (ldns_rr* tsig = ldns_pkt_tsig(packet.get())) {
        r.additional.push_back(rr_text(tsig));
        std::sort(r.additional.begin(), r.additional.end());
    }
    return r;
}

std::string Response::flags_string() const {
    std::string out;
    auto add = [&](bool set, const char* name) {
        if (set) {
            out += out.empty() ? "" : " ";
            out += name;
        }
    };
    add(qr, "qr");
    add(aa, "aa");
    add(tc, "tc");
    add(rd, "rd");
    add(ra, "ra");
    add(z, "z");
    add(ad, "ad");
    add(cd, "cd");
    return out.empty() ? "(none)" : out;
}

std::vector<std::string> Response::normalized_lines() const {
    std::vector<std::string> lines;
    lines.push_back("rcode " + rcode_to_string(rcode) + " opcode " + opcode_to_string(opcode));
    lines.push_back("flags " + flags_string());
    lines.push_back("question " + (question.empty() ? std::string("(none)") : question));
    if (opts.empty()) {
        lines.push_back("edns (no OPT)");
    }
    for (const auto& opt : opts) {
        lines.push_back("edns " + opt_text(opt));
    }
    if (!parse_error.empty()) {
        lines.push_back("malformed " + parse_error + " (counts " + std::to_string(qdcount) + "/" +
                        std::to_string(ancount) + "/" + std::to_string(nscount) + "/" +
                        std::to_string(arcount) + ")");
    }
    for (const auto& rr : answer) {
        lines.push_back("answer " + rr);
    }
    for (const auto& rr : authority) {
        lines.push_back("authority " + rr);
    }
    for (const auto& rr : additional) {
        lines.push_back("additional " + rr);
    }
    return lines;
}

std::ostream& operator<<(std::ostream& out, const Response& response) {
    for (const auto& line : response.normalized_lines()) {
        out << line << '\n';
    }
    return out;
}

}  // namespace test_support
