// config.hpp -- dnsd.toml: listen addresses, threads, zones directory, geo, control, checks.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "zones/balance.hpp"

namespace dnsd {

struct ListenAddress {
    std::string text;                  // as written, e.g. "127.0.0.1:5353" or "[::1]:5353"
    sockaddr_storage address{};
    socklen_t length = 0;
};

struct Config {
    std::string file;                  // the config file ("" when built from defaults)
    std::vector<ListenAddress> listen; // [server] listen; default 127.0.0.1:5353 and [::1]:5353
    unsigned threads = 0;              // [server] threads; 0 = "auto" (one per core)
    std::string zones_dir;             // [server] zones, resolved relative to the config file
    uint16_t udp_max_payload = 1232;   // [server] udp_max_payload: cap on EDNS payload we send (512..4096)
    std::chrono::milliseconds tcp_idle_timeout{10'000};   // [server] tcp_idle_timeout
    uint32_t tcp_max_connections = 1024;                   // [server] tcp_max_connections
    std::string nsid;                  // [server] nsid: RFC 5001 identifier; "" = off
    std::string identity;              // [server] identity: CHAOS id.server / hostname.bind; "" = REFUSED
    std::string version;               // [server] version: CHAOS version.bind; "" = REFUSED

    std::vector<std::string> geo_databases;   // [geo] database: one path or an array
    bool client_subnet = true;                // [geo] client_subnet (RFC 7871)

    std::string control_http;          // [control] http: "127.0.0.1:8053"; "" = off

    std::vector<zones::CheckSpec> checks;     // [checks.NAME] shared by all zones
};

/// Reads and validates a server config; relative paths resolve against the file's directory.
common::Result<Config> load_config(const std::string& path);

/// Parses "127.0.0.1:53", "[::1]:53" (port required). Returns false with a message.
bool parse_listen_address(const std::string& text, ListenAddress* out, std::string* error);

}  // namespace dnsd
