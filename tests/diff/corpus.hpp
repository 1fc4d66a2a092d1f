// corpus.hpp -- the differential test's corpus: one query per line of
// tests/data/diff/corpus.txt (format described at the top of that file), parsed into
// wire bytes ready to send.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/dns_client.hpp"

namespace diff {

/// What two answers must share to agree.
enum class Compare {
    full,   ///< rcode, flags, question, EDNS, every section (sorted), echo of id and question
    rcode,  ///< both dropped, or both answered with the same rcode (malformed queries)
};

struct Case {
    std::string id;       ///< unique, e.g. "wild-nodata"
    int line = 0;         ///< 1-based line in the corpus file
    std::string query;    ///< the query text as written (without the comment)
    std::string comment;  ///< what the case covers
    test_support::Transport transport = test_support::Transport::udp;
    test_support::Bytes wire;
    Compare compare = Compare::full;
};

/// Parses a corpus; every malformed line adds "corpus.txt:LINE: message" to `errors`.
std::vector<Case> parse_corpus(const std::string& text, const std::string& file_name,
                               std::vector<std::string>& errors);

/// Reads and parses a corpus file; unreadable files are reported in `errors`.
std::vector<Case> load_corpus(const std::filesystem::path& path, std::vector<std::string>& errors);

/// `qname` with the letter case of each ASCII letter flipped by a generator seeded
/// from `seed` (the same seed gives the same name on every platform).
std::string randomize_case(const std::string& qname, const std::string& seed);

}  // namespace diff
