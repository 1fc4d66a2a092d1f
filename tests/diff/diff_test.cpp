// diff_test.cpp -- the differential test: every query of tests/data/diff/corpus.txt is sent
// to two servers serving the same zones (tests/data/diff/*.zone); their normalized answers
// must agree, except for the differences listed below with their justification.
//
//   KnotVsNsd   Knot DNS against NSD: proves the harness on two trusted servers.
//   KnotVsDnsd  Knot DNS against dnsd serving the same zones after `dnsd import`.
//
// A disagreement prints the case and both answers side by side; the differing lines are
// marked with '*'. Set DNSD_TEST_KEEP_TMP=1 to keep the servers' configs and logs.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/diff/corpus.hpp"
#include "tests/support/dns_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/servers.hpp"

namespace {

using namespace std::chrono_literals;
using diff::Case;
using diff::Compare;
using test_support::Response;

// ----- the named differences ---------------------------------------------------------------

/// Disagreements that are expected: the cases, which answer lines may differ (by their first
/// word: rcode flags question echo edns answer authority additional malformed, or "all"),
/// what differs, and why that is acceptable. Lines not named must still agree.
struct KnownDifference {
    std::string_view cases;      ///< case ids of corpus.txt, separated by spaces
    std::string_view fields;     ///< answer lines allowed to differ, separated by spaces
    std::string_view what;       ///< what each server does
    std::string_view reference;  ///< the RFC (or documented choice) that allows it
};

/// Knot DNS 3.2 vs NSD 4.6, both configured as in tests/support/servers.cpp. Mostly choices
/// the RFCs leave open; where one server is wrong, the reference says so. This list shows
/// the harness finds real differences, and what dnsd may meet when compared with Knot.
constexpr KnownDifference knot_vs_nsd[] = {
    {"pos-apex-mx case-mx wild-mx pos-srv pos-srv-target", "additional",
     "Knot adds the A/AAAA of in-zone MX and SRV targets; NSD (minimal-responses: yes) leaves them "
     "out",
     "RFC 1035 3.3.9 and RFC 2782: additional-section data is optional"},
    {"class-hs class-none class-unknown edns-two-opt opcode-iquery opcode-status opcode-3 "
     "opcode-notify "
     "opcode-update opcode-dso opcode-15 opcode-iquery-tcp opcode-status-edns tsig-unknown-key "
     "tsig-unknown-key-tcp tsig-edns tsig-nx tsig-refused",
     "question echo",
     "NSD leaves the question out of REFUSED/FORMERR/NOTIMP/NOTAUTH replies; Knot echoes it",
     "RFC 1035 4.1.1 does not require the question in an error reply (issue #2 asks dnsd to echo "
     "it, as Knot)"},
    {"opcode-status-edns", "edns",
     "NSD leaves the OPT record out of NOTIMP replies; Knot echoes it",
     "RFC 6891 section 7 requires OPT in the reply to a query with OPT: Knot is right"},
    {"edns-v1-do", "edns", "in BADVERS replies Knot copies the DO bit, NSD does not",
     "RFC 3225 section 3 copies DO into responses; RFC 6891 section 7 only requires OPT with "
     "BADVERS"},
    {"opcode-notify", "rcode", "NOTIFY from an unknown primary: Knot NOTAUTH, NSD REFUSED",
     "RFC 1996 does not name the rcode for a NOTIFY that is not accepted"},
    {"opcode-update", "rcode", "UPDATE: Knot NOTAUTH (not allowed), NSD NOTIMP (not implemented)",
     "RFC 2136 section 3: NOTIMP when UPDATE is not supported, REFUSED/NOTAUTH when not permitted"},
    {"tsig-refused", "rcode additional",
     "unknown key for a name outside the zones: Knot REFUSED without TSIG (zone first), NSD "
     "NOTAUTH with TSIG BADKEY (TSIG first)",
     "RFC 8945 section 5.2 does not order TSIG checks against the zone lookup"},
    {"class-any", "flags", "QCLASS ANY: Knot sets AA, NSD does not",
     "RFC 6895 section 3.2: an answer to QCLASS ANY is authoritative only if the server knows "
     "every class"},
    {"qtype-zero", "rcode flags authority", "QTYPE 0: Knot NOTIMP, NSD NODATA",
     "RFC 6895 section 3.1 reserves type 0 without saying how to answer it"},
    {"edns-opt-owner", "all",
     "OPT with a non-root owner: NSD FORMERR, Knot ignores the owner and answers",
     "RFC 6891 section 6.1.2 requires the root owner but not a reply code"},
    {"bad-opt-owner-ptr", "rcode",
     "OPT owner compressed to a non-root name: NSD FORMERR, Knot answers",
     "RFC 6891 section 6.1.2 requires the root owner but not a reply code"},
    {"hdr-rcode", "all", "non-zero RCODE in a query: NSD FORMERR, Knot ignores it and answers",
     "RFC 1035 4.1.1 defines RCODE for responses only"},
    {"cname-to-other-zone", "answer",
     "CNAME whose target is in another zone of the same server: NSD follows it, Knot stops at the "
     "zone",
     "RFC 1034 4.3.2 step 3a restarts at the target; RFC 2181 section 5.4.1 lets the resolver "
     "follow it"},
    {"ref-fat-noedns", "flags additional",
     "referral whose glue does not fit 512 octets: Knot sets TC (and sends the glue that fits), "
     "NSD drops the AAAA glue without TC",
     "RFC 9471 (2023) requires TC when in-bailiwick glue does not fit; NSD 4.6 predates it"},
    {"any-apex-udp any-apex-tcp", "answer",
     "minimal ANY at the apex: Knot answers the A RRset, NSD the SOA",
     "RFC 8482 section 4.1: any one RRset may answer"},
    {"qtype-axfr-tcp qtype-ixfr-udp", "rcode",
     "zone transfer not allowed: Knot NOTAUTH, NSD REFUSED",
     "RFC 5936 section 4.2 suggests REFUSED; NOTAUTH is the older TSIG-era practice"},
    {"bad-header-only bad-qdcount2 bad-qdcount2-one bad-qname-truncated bad-no-qclass "
     "bad-root-no-qtype "
     "bad-ptr-self bad-ptr-loop bad-ptr-forward bad-ptr-header bad-ptr-loop-tcp bad-label-0x40 "
     "bad-label-0x80 bad-name-too-long",
     "rcode", "question that cannot be parsed: Knot drops the query, NSD answers FORMERR",
     "RFC 1035 4.1.1 defines FORMERR without requiring a reply to an unparseable query"},
    {"bad-qdcount0-tcp", "rcode",
     "QDCOUNT 0 over TCP: Knot answers FORMERR, NSD closes the connection",
     "RFC 7766 section 6.2.4 lets a server close a connection on a malformed query"},
    {"bad-trailing", "rcode",
     "octets after the question: Knot FORMERR, NSD ignores them and answers",
     "RFC 1035 does not say what to do with octets after the last section"},
};

/// Knot DNS vs dnsd: dnsd's deliberate differences. Every entry names the RFC text that
/// makes dnsd's answer right, and only the fields it names may differ; anything else that
/// differs is a dnsd bug. An entry looks like
///   {"opcode-notify", "rcode", "NOTIFY: dnsd NOTIMP (it has no secondaries), Knot NOTAUTH",
///    "RFC 1996 section 3.7 / RFC 1035 4.1.1: NOTIMP for an unsupported kind of query"},
/// (turn the std::array below into a plain array when adding the first one).
constexpr KnownDifference knot_vs_dnsd[] = {
    {"edns-ecs4 edns-ecs6 edns-ecs-zero", "edns",
     "dnsd supports EDNS Client Subnet and echoes the option with SCOPE 0 for a static name; "
     "Knot without its geoip module ignores the option",
     "RFC 7871 section 7.2.1: a server that implements ECS includes the option, SCOPE 0 when the "
     "answer does not depend on the client's subnet (issue #4)"},
    {"opcode-notify", "rcode",
     "NOTIFY: dnsd REFUSED (it is never a secondary, so no primary may notify it; as NSD), Knot "
     "NOTAUTH",
     "RFC 1996 does not name the rcode for a NOTIFY that is not accepted"},
    {"opcode-update", "rcode", "UPDATE: dnsd NOTIMP (as NSD), Knot NOTAUTH",
     "RFC 2136 section 3: NOTIMP when UPDATE is not supported"},
    {"qtype-axfr-tcp qtype-ixfr-udp", "rcode",
     "zone transfer: dnsd REFUSED (as NSD), Knot NOTAUTH",
     "RFC 5936 section 4.2 suggests REFUSED for a transfer that is not allowed"},
    {"qtype-zero", "rcode flags authority", "QTYPE 0: dnsd NODATA (as NSD), Knot NOTIMP",
     "RFC 6895 section 3.1 reserves type 0 without saying how to answer it"},
    {"edns-opt-owner", "all",
     "OPT with a non-root owner: dnsd FORMERR (as NSD), Knot ignores the owner and answers",
     "RFC 6891 section 6.1.2: the OPT owner MUST be 0 (root)"},
    {"bad-opt-owner-ptr", "rcode",
     "OPT owner compressed to a non-root name: dnsd FORMERR (as NSD), Knot answers",
     "RFC 6891 section 6.1.2: the OPT owner MUST be 0 (root)"},
    {"tsig-refused", "rcode additional",
     "unknown TSIG key for a name outside the zones: dnsd checks TSIG first and answers NOTAUTH "
     "with TSIG BADKEY (as NSD); Knot looks up the zone first and answers REFUSED",
     "RFC 8945 section 5.2: a request with an unknown key gets NOTAUTH/BADKEY"},
    {"bad-header-only bad-qdcount2 bad-qdcount2-one bad-qname-truncated bad-no-qclass "
     "bad-root-no-qtype bad-ptr-self bad-ptr-loop bad-ptr-forward bad-ptr-header bad-ptr-loop-tcp "
     "bad-label-0x40 bad-label-0x80 bad-name-too-long",
     "rcode",
     "question that cannot be parsed: dnsd answers FORMERR with the header only (as NSD), Knot "
     "drops the query",
     "RFC 1035 4.1.1: FORMERR is the answer to a query the server could not interpret; a reply "
     "also stops a client's retries sooner (issue #2: FORMERR for malformed queries)"},
};

// ----- data ------------------------------------------------------------------------------

const std::filesystem::path data_dir = std::filesystem::path(DNSD_SOURCE_DIR) / "tests/data/diff";

std::vector<test_support::ZoneFile> zone_files() {
    return {{"diff.test.", data_dir / "diff.test.zone"},
            {"2.0.192.in-addr.arpa.", data_dir / "2.0.192.in-addr.arpa.zone"}};
}

std::vector<Case> corpus() {
    std::vector<std::string> errors;
    auto cases = diff::load_corpus(data_dir / "corpus.txt", errors);
    for (const auto& error : errors) {
        ADD_FAILURE() << error;
    }
    return cases;
}

// ----- running ---------------------------------------------------------------------------

/// A UDP query unanswered after this long counts as dropped. Loopback answers take
/// well under a millisecond; the margin covers sanitizer builds on a loaded machine.
constexpr auto drop_timeout = 1000ms;
/// Cases run concurrently: most of the time is spent waiting for drops.
constexpr unsigned workers = 8;

struct CaseResult {
    const Case* c = nullptr;
    std::optional<Response> a;  ///< nullopt: dropped (no answer within drop_timeout)
    std::optional<Response> b;
};

std::optional<Response> ask(const test_support::Endpoint& server, const Case& c) {
    auto reply = test_support::exchange(server, c.transport, c.wire, drop_timeout);
    if (!reply) {
        return std::nullopt;
    }
    return test_support::parse_response(*reply);
}

/// Whether the reply echoes the query's id and question octet for octet (0x20 included).
std::string echo_line(const Case& c, const Response& r) {
    std::string line = "echo id ";
    if (c.wire.size() >= 2 && r.id == (c.wire[0] << 8 | c.wire[1])) {
        line += "same";
    } else {
        std::ostringstream id;
        id << "0x" << std::hex << std::setw(4) << std::setfill('0') << r.id << " (changed)";
        line += id.str();
    }
    if (r.question_wire.empty()) {
        line += ", no question";
    } else if (r.question_wire == test_support::question_section(c.wire)) {
        line += ", question as sent";
    } else {
        line += ", question changed: " + test_support::to_hex(r.question_wire);
    }
    return line;
}

/// Everything shown for one answer.
std::vector<std::string> shown_lines(const Case& c, const std::optional<Response>& r) {
    if (!r) {
        return {"(dropped: no answer within " + std::to_string(drop_timeout.count()) + " ms)"};
    }
    auto lines = r->normalized_lines();
    lines.insert(lines.begin() + 3, echo_line(c, *r));
    return lines;
}

/// What must be equal for the two answers to agree. A drop counts as an rcode.
std::vector<std::string> compared_lines(const Case& c, const std::optional<Response>& r) {
    if (!r) {
        return {"rcode (dropped)"};
    }
    if (c.compare == Compare::rcode) {
        return {"rcode " + test_support::rcode_to_string(r->rcode)};
    }
    return shown_lines(c, r);
}

std::vector<CaseResult> run_corpus(const std::vector<Case>& cases, const test_support::Endpoint& a,
                                   const test_support::Endpoint& b) {
    std::vector<CaseResult> results(cases.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i = next++; i < cases.size(); i = next++) {
            const Case& c = cases[i];
            CaseResult& r = results[i];
            r.c = &c;
            r.a = ask(a, c);
            r.b = ask(b, c);
            // One side silent, the other not: ask the silent one again, in case a UDP
            // datagram was lost rather than dropped on purpose.
            if (c.transport == test_support::Transport::udp && r.a.has_value() != r.b.has_value()) {
                (r.a ? r.b : r.a) = ask(r.a ? b : a, c);
            }
        }
    };
    std::vector<std::jthread> pool;
    for (unsigned i = 0; i < workers; ++i) {
        pool.emplace_back(work);
    }
    pool.clear();  // joins
    return results;
}

// ----- comparing -------------------------------------------------------------------------

std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        auto start = text.find_first_not_of(' ');
        if (start == std::string_view::npos) {
            break;
        }
        text.remove_prefix(start);
        auto end = std::min(text.find(' '), text.size());
        out.push_back(text.substr(0, end));
        text.remove_prefix(end);
    }
    return out;
}

bool contains(std::string_view list, std::string_view word) {
    auto all = words(list);
    return std::find(all.begin(), all.end(), word) != all.end();
}

/// `lines` without those whose first word is one of `fields` ("all": none left).
std::vector<std::string> without(const std::vector<std::string>& lines, std::string_view fields) {
    if (contains(fields, "all")) {
        return {};
    }
    std::vector<std::string> kept;
    for (const auto& line : lines) {
        if (!contains(fields, std::string_view(line).substr(0, line.find(' ')))) {
            kept.push_back(line);
        }
    }
    return kept;
}

enum class Verdict { agree, known, unexpected };

struct Judged {
    Verdict verdict = Verdict::agree;
    std::vector<const KnownDifference*> excuses;  ///< the entries listing this case
};

Judged judge(const CaseResult& r, std::span<const KnownDifference> known) {
    Judged j;
    for (const auto& k : known) {
        if (contains(k.cases, r.c->id)) {
            j.excuses.push_back(&k);
        }
    }
    auto a = compared_lines(*r.c, r.a);
    auto b = compared_lines(*r.c, r.b);
    if (a == b) {
        return j;
    }
    std::string fields;
    for (const auto* k : j.excuses) {
        fields += std::string(k->fields) + " ";
    }
    j.verdict = !j.excuses.empty() && without(a, fields) == without(b, fields)
                    ? Verdict::known
                    : Verdict::unexpected;
    return j;
}

// ----- reporting -------------------------------------------------------------------------

/// One row of the side-by-side view.
struct Row {
    std::string left, right;
    bool differs = false;
};

/// Longest-common-subsequence alignment: equal lines side by side, the others paired
/// up in order and marked.
std::vector<Row> align(const std::vector<std::string>& left,
                       const std::vector<std::string>& right) {
    std::size_t n = left.size();
    std::size_t m = right.size();
    std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;) {
        for (std::size_t j = m; j-- > 0;) {
            lcs[i][j] = left[i] == right[j] ? lcs[i + 1][j + 1] + 1
                                            : std::max(lcs[i + 1][j], lcs[i][j + 1]);
        }
    }
    std::vector<Row> rows;
    std::vector<std::string> pending_left;
    std::vector<std::string> pending_right;
    auto flush = [&] {
        for (std::size_t k = 0; k < std::max(pending_left.size(), pending_right.size()); ++k) {
            rows.push_back({k < pending_left.size() ? pending_left[k] : "",
                            k < pending_right.size() ? pending_right[k] : "", true});
        }
        pending_left.clear();
        pending_right.clear();
    };
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && left[i] == right[j]) {
            flush();
            rows.push_back({left[i], right[j], false});
            ++i;
            ++j;
        } else if (j == m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
            pending_left.push_back(left[i++]);
        } else {
            pending_right.push_back(right[j++]);
        }
    }
    flush();
    return rows;
}

/// Two columns ('*' marks rows that differ); lines longer than the column are wrapped.
std::string side_by_side(const std::string& a_name, const std::vector<std::string>& a,
                         const std::string& b_name, const std::vector<std::string>& b) {
    constexpr std::size_t max_width = 80;
    std::size_t width = a_name.size();
    for (const auto* side : {&a, &b}) {
        for (const auto& line : *side) {
            width = std::max(width, line.size());
        }
    }
    width = std::min(width, max_width);
    auto cell = [&](const std::string& text, std::size_t part) {
        return part * width < text.size() ? text.substr(part * width, width) : std::string{};
    };
    std::ostringstream out;
    auto emit = [&](char mark, const std::string& left, const std::string& right) {
        std::size_t parts = std::max<std::size_t>(
            1, std::max((left.size() + width - 1) / width, (right.size() + width - 1) / width));
        for (std::size_t p = 0; p < parts; ++p) {
            out << "    " << (p == 0 ? mark : ' ') << ' ' << std::left
                << std::setw(static_cast<int>(width)) << cell(left, p) << " | " << cell(right, p)
                << '\n';
        }
    };
    emit(' ', a_name, b_name);
    for (const auto& row : align(a, b)) {
        emit(row.differs ? '*' : ' ', row.left, row.right);
    }
    return out.str();
}

std::string describe(const CaseResult& r, const Judged& j, const std::string& a_name,
                     const std::string& b_name) {
    const Case& c = *r.c;
    std::ostringstream block;
    block << (j.verdict == Verdict::known        ? "[known] "
              : j.verdict == Verdict::unexpected ? "[UNEXPECTED] "
                                                 : "[agree] ")
          << c.id << " (corpus.txt:" << c.line << "): " << c.query << "   # " << c.comment << '\n';
    if (c.compare == Compare::rcode) {
        block << "    (malformed query: only \"same rcode, or both dropped\" is compared)\n";
    }
    for (const auto* k : j.excuses) {
        block << "    known, may differ in [" << k->fields << "]: " << k->what << " ("
              << k->reference << ")\n";
    }
    block << side_by_side(a_name, shown_lines(c, r.a), b_name, shown_lines(c, r.b));
    return block.str();
}

/// Prints the comparison and fails the test for each disagreement not excused by `known`.
/// DNSD_DIFF_VERBOSE=1 prints every case, agreeing or not.
void report(const std::vector<CaseResult>& results, const std::string& a_name,
            const std::string& b_name, std::span<const KnownDifference> known) {
    const char* verbose_env = std::getenv("DNSD_DIFF_VERBOSE");
    bool verbose = verbose_env != nullptr && std::string_view(verbose_env) == "1";
    std::size_t agree = 0;
    std::size_t expected = 0;
    std::size_t unexpected = 0;
    std::vector<std::string_view> stale;
    for (const auto& r : results) {
        Judged j = judge(r, known);
        switch (j.verdict) {
        case Verdict::agree:
            ++agree;
            if (!j.excuses.empty()) {
                stale.push_back(r.c->id);
            }
            if (verbose) {
                std::cout << describe(r, j, a_name, b_name) << '\n';
            }
            break;
        case Verdict::known:
            ++expected;
            std::cout << describe(r, j, a_name, b_name) << '\n';
            break;
        case Verdict::unexpected:
            ++unexpected;
            ADD_FAILURE() << a_name << " and " << b_name
                          << " disagree beyond the known differences:\n"
                          << describe(r, j, a_name, b_name);
            break;
        }
    }
    for (auto id : stale) {
        std::cout << "note: " << id << " is listed as a known difference of " << a_name << " and "
                  << b_name << ", but they agree on it now: update the list\n";
    }
    std::cout << "=== " << a_name << " vs " << b_name << ": " << results.size() << " cases, "
              << agree << " agree, " << results.size() - agree << " differ (" << expected
              << " known, " << unexpected << " unexpected)\n";
    ::testing::Test::RecordProperty("cases", static_cast<int>(results.size()));
    ::testing::Test::RecordProperty("agree", static_cast<int>(agree));
    ::testing::Test::RecordProperty("unexpected", static_cast<int>(unexpected));
}

/// Runs the corpus against both servers and reports; checks both survived it.
void compare_servers(test_support::Server& a, test_support::Server& b,
                     std::span<const KnownDifference> known) {
    auto cases = corpus();
    ASSERT_FALSE(cases.empty());
    auto started = std::chrono::steady_clock::now();
    auto results = run_corpus(cases, a.endpoint(), b.endpoint());
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    std::cout << "ran " << cases.size() << " cases against " << a.name() << " ("
              << a.endpoint().to_string() << ") and " << b.name() << " ("
              << b.endpoint().to_string() << ") in " << took.count() << " ms\n";
    report(results, a.name(), b.name(), known);
    EXPECT_TRUE(a.is_running()) << a.name() << " died during the corpus; log:\n" << a.log();
    EXPECT_TRUE(b.is_running()) << b.name() << " died during the corpus; log:\n" << b.log();
}

// ----- tests -----------------------------------------------------------------------------

TEST(Differential, CorpusIsWellFormed) {
    auto cases = corpus();
    EXPECT_GE(cases.size(), 120U) << "the corpus should keep at least 120 cases";
    static constexpr std::string_view field_names[] = {
        "all",  "rcode",     "flags",  "question",  "echo",
        "edns", "malformed", "answer", "authority", "additional"};
    auto known_ids_exist = [&](std::span<const KnownDifference> known, const char* list) {
        for (const auto& k : known) {
            for (auto id : words(k.cases)) {
                bool found = std::any_of(cases.begin(), cases.end(),
                                         [&](const Case& c) { return c.id == id; });
                EXPECT_TRUE(found)
                    << list << " names case \"" << id << "\", which is not in corpus.txt";
            }
            for (auto field : words(k.fields)) {
                EXPECT_TRUE(std::find(std::begin(field_names), std::end(field_names), field) !=
                            std::end(field_names))
                    << list << ": unknown field \"" << field << "\" for " << k.cases;
            }
            EXPECT_FALSE(k.fields.empty() || k.what.empty() || k.reference.empty())
                << list << ": " << k.cases << " needs fields, what differs and a reference";
        }
    };
    known_ids_exist(knot_vs_nsd, "knot_vs_nsd");
    known_ids_exist(knot_vs_dnsd, "knot_vs_dnsd");
}

TEST(Differential, RandomizedCaseIsReproducible) {
    EXPECT_EQ(diff::randomize_case("www.diff.test.", "case-www"),
              diff::randomize_case("www.diff.test.", "case-www"));
    EXPECT_NE(diff::randomize_case("www.diff.test.", "case-www"), "www.diff.test.");
}

TEST(Differential, KnotVsNsd) {
    std::string why;
    if (!test_support::find_or_install("knotd", "knot", why) ||
        !test_support::find_or_install("nsd", "nsd", why)) {
        GTEST_SKIP() << why;
    }
    try {
        test_support::KnotServer knot(zone_files());
        test_support::NsdServer nsd(zone_files());
        compare_servers(knot, nsd, knot_vs_nsd);
    } catch (const std::exception& e) {
        FAIL() << e.what();
    }
}

TEST(Differential, KnotVsDnsd) {
#ifndef DNSD_BINARY
    GTEST_SKIP() << "no dnsd target in this build tree, so DNSD_BINARY is not defined "
                    "(tests/diff/CMakeLists.txt sets it only if(TARGET dnsd))";
#else
    const std::filesystem::path binary = DNSD_BINARY;
    if (!std::filesystem::exists(binary)) {
        GTEST_SKIP() << "dnsd binary not built: " << binary << " (build the `dnsd` target)";
    }
    std::string why;
    if (!test_support::find_or_install("knotd", "knot", why)) {
        GTEST_SKIP() << why;
    }
    try {
        // dnsd serves the same zones, converted by its own importer: one TOML file per zone.
        test_support::TempDir zones_dir("dnsd-diff-zones");
        std::vector<std::string> origins;
        for (const auto& zone : zone_files()) {
            std::string stem = zone.origin.substr(0, zone.origin.size() - 1);
            test_support::write_file(zones_dir.path() / (stem + ".toml"),
                                     test_support::dnsd_import(binary, zone));
            origins.push_back(zone.origin);
        }
        test_support::KnotServer knot(zone_files());
        test_support::DnsdServer dnsd(binary, zones_dir.path(), origins);
        compare_servers(knot, dnsd, knot_vs_dnsd);
        auto status = dnsd.stop();
        EXPECT_TRUE(status.is_success())
            << "dnsd did not exit cleanly on SIGTERM (" << status.to_string() << "); log:\n"
            << dnsd.log();
    } catch (const std::exception& e) {
        FAIL() << e.what();
    }
#endif
}

}  // namespace
