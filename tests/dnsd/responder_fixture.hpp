// responder_fixture.hpp -- builds a Snapshot from TOML zone text and answers queries through
// Responder::answer() without sockets (Knot's test_process_query style).
#pragma once

#include <sys/socket.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/config.hpp"
#include "dnsd/reload.hpp"
#include "dnsd/responder.hpp"
#include "tests/support/dns_client.hpp"
#include "tests/support/process.hpp"

namespace dnsd::testing {

/// A snapshot made from zone files written to a temp directory, loaded the way the server does.
class SnapshotFixture {
public:
    /// files: name -> TOML text. Fails the test (ADD_FAILURE) when they do not load.
    explicit SnapshotFixture(const std::vector<std::pair<std::string, std::string>>& files,
                             Config config = {}) {
        for (const auto& [name, text] : files) {
            std::ofstream(dir_.path() / name) << text;
        }
        config.zones_dir = dir_.path().string();
        auto built = build_snapshot(config);
        if (!built) {
            ADD_FAILURE() << common::format_errors(built.error());
            return;
        }
        snapshot_ = *built;
    }

    [[nodiscard]] const Snapshot& snapshot() const { return *snapshot_; }
    [[nodiscard]] bool ok() const { return snapshot_ != nullptr; }

    /// Answers raw query bytes; empty when the responder chose to drop.
    test_support::Bytes answer_bytes(const test_support::Bytes& query, bool tcp = false,
                                     const sockaddr* from = nullptr) {
        std::vector<uint8_t> out(65535);
        Client client{from, tcp};
        size_t n = responder_.answer(query, client, *snapshot_, out, counters_);
        out.resize(n);
        return out;
    }
    test_support::Response ask(const test_support::QuerySpec& spec, bool tcp = false, const sockaddr* from = nullptr) {
        return test_support::parse_response(answer_bytes(test_support::build_query(spec), tcp, from));
    }
    test_support::Response ask(const std::string& qname, uint16_t qtype, bool edns = false) {
        test_support::QuerySpec spec;
        spec.qname = qname;
        spec.qtype = qtype;
        if (edns) spec.edns = test_support::Edns{};
        return ask(spec);
    }
    Responder& responder() { return responder_; }
    Counters& counters() { return counters_; }

private:
    test_support::TempDir dir_;
    std::shared_ptr<const Snapshot> snapshot_;
    Responder responder_;
    Counters counters_;
};

}  // namespace dnsd::testing
