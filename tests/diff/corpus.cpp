// corpus.cpp -- parser of tests/data/diff/corpus.txt: "ID QUERY [MODIFIER ...] # comment".
#include "tests/diff/corpus.hpp"

#include <cctype>
#include <cstdint>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "tests/support/process.hpp"

namespace diff {
namespace {

using test_support::Bytes;
using test_support::QuerySpec;

/// A parse error of one token; caught per line and reported with the line number.
struct BadToken : std::runtime_error {
    using std::runtime_error::runtime_error;
};

unsigned long parse_number(const std::string& text, unsigned long max, const std::string& what) {
    try {
        std::size_t used = 0;
        unsigned long value = std::stoul(text, &used, 0);  // decimal or 0x...
        if (used == text.size() && value <= max) {
            return value;
        }
    } catch (const std::logic_error&) {
        // reported below
    }
    throw BadToken(what + " must be a number up to " + std::to_string(max) + ", got \"" + text +
                   "\"");
}

test_support::Edns& edns_of(QuerySpec& spec) {
    if (!spec.edns) {
        spec.edns.emplace();
    }
    return *spec.edns;
}

/// Applies one modifier token to the query under construction.
void apply(const std::string& token, const std::string& id, QuerySpec& spec, Case& c) {
    auto eq = token.find('=');
    std::string key = token.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : token.substr(eq + 1);
    bool has_value = eq != std::string::npos;
    auto need_value = [&] {
        if (!has_value || value.empty()) {
            throw BadToken("\"" + key + "\" needs a value (" + key + "=...)");
        }
    };
    auto no_value = [&] {
        if (has_value) {
            throw BadToken("\"" + key + "\" takes no value");
        }
    };
    if (key == "tcp" || key == "udp") {
        no_value();
        c.transport = key == "tcp" ? test_support::Transport::tcp : test_support::Transport::udp;
    } else if (key == "class") {
        need_value();
        auto klass = test_support::rr_class_from_string(value);
        if (!klass) {
            throw BadToken("unknown class \"" + value + "\"");
        }
        spec.qclass = *klass;
    } else if (key == "rd" || key == "cd" || key == "ad") {
        no_value();
        (key == "rd" ? spec.rd : key == "cd" ? spec.cd : spec.ad) = true;
    } else if (key == "flags") {
        need_value();
        spec.extra_flags = static_cast<std::uint16_t>(parse_number(value, 0xffff, "flags"));
    } else if (key == "opcode") {
        need_value();
        spec.opcode = static_cast<std::uint8_t>(parse_number(value, 15, "opcode"));
    } else if (key == "id") {
        need_value();
        spec.id = static_cast<std::uint16_t>(parse_number(value, 0xffff, "id"));
    } else if (key == "edns") {
        auto& edns = edns_of(spec);
        if (has_value) {
            edns.udp_size = static_cast<std::uint16_t>(parse_number(value, 0xffff, "edns"));
        }
    } else if (key == "do") {
        no_value();
        edns_of(spec).do_bit = true;
    } else if (key == "ednsver") {
        need_value();
        edns_of(spec).version = static_cast<std::uint8_t>(parse_number(value, 255, "ednsver"));
    } else if (key == "ednsflags") {
        need_value();
        edns_of(spec).z = static_cast<std::uint16_t>(parse_number(value, 0x7fff, "ednsflags"));
    } else if (key == "opt") {
        need_value();
        auto colon = value.find(':');
        if (colon == std::string::npos) {
            throw BadToken("opt= is CODE:HEX");
        }
        auto code =
            static_cast<std::uint16_t>(parse_number(value.substr(0, colon), 0xffff, "option code"));
        edns_of(spec).options.push_back({code, test_support::from_hex(value.substr(colon + 1))});
    } else if (key == "ecs") {
        need_value();
        edns_of(spec).options.push_back(test_support::client_subnet_option(value));
    } else if (key == "cookie") {
        need_value();
        edns_of(spec).options.push_back(test_support::cookie_option(test_support::from_hex(value)));
    } else if (key == "nsid") {
        no_value();
        edns_of(spec).options.push_back(test_support::nsid_option());
    } else if (key == "opt-count") {
        need_value();
        edns_of(spec);
        spec.opt_count = static_cast<unsigned>(parse_number(value, 8, "opt-count"));
    } else if (key == "opt-owner") {
        need_value();
        edns_of(spec).owner = value;
    } else if (key == "tsig") {
        need_value();
        spec.tsig.emplace();
        spec.tsig->key_name = value;
    } else if (key == "case") {
        if (value != "random") {
            throw BadToken("case= takes \"random\"");
        }
        spec.qname = randomize_case(spec.qname, id);
    } else if (key == "compare") {
        if (value != "rcode" && value != "full") {
            throw BadToken("compare= takes \"rcode\" or \"full\"");
        }
        c.compare = value == "rcode" ? Compare::rcode : Compare::full;
    } else {
        throw BadToken("unknown modifier \"" + token + "\"");
    }
}

/// Parses one non-empty line (comment already split off) into `c`.
void parse_line(const std::string& body, Case& c) {
    std::istringstream in(body);
    std::vector<std::string> tokens;
    for (std::string token; in >> token;) {
        tokens.push_back(token);
    }
    c.id = tokens[0];
    for (std::size_t i = 1; i < tokens.size(); ++i) {
        c.query += (i > 1 ? " " : "") + tokens[i];
    }
    if (tokens.size() < 2) {
        throw BadToken("a case needs a query: QNAME QTYPE or hex=...");
    }
    QuerySpec spec;
    std::size_t next = 1;
    bool raw = tokens[1].rfind("hex=", 0) == 0;
    if (raw) {
        c.wire = test_support::from_hex(tokens[1].substr(4));
        c.compare = Compare::rcode;
        next = 2;
    } else {
        if (tokens.size() < 3) {
            throw BadToken("a query needs QNAME and QTYPE");
        }
        spec.qname = tokens[1];
        auto type = test_support::rr_type_from_string(tokens[2]);
        if (!type) {
            throw BadToken("unknown qtype \"" + tokens[2] + "\"");
        }
        spec.qtype = *type;
        next = 3;
    }
    for (; next < tokens.size(); ++next) {
        if (raw && tokens[next] != "tcp" && tokens[next] != "udp" &&
            tokens[next].rfind("compare=", 0) != 0) {
            throw BadToken("a hex= case takes only tcp, udp and compare=, not \"" + tokens[next] +
                           "\"");
        }
        apply(tokens[next], c.id, spec, c);
    }
    if (!raw) {
        try {
            c.wire = test_support::build_query(spec);
        } catch (const std::invalid_argument& e) {
            throw BadToken(e.what());
        }
    }
}

}  // namespace

std::vector<Case> parse_corpus(const std::string& text, const std::string& file_name,
                               std::vector<std::string>& errors) {
    std::vector<Case> cases;
    std::set<std::string> ids;
    std::istringstream in(text);
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        auto hash = line.find('#');
        std::string body = line.substr(0, hash);
        std::string comment = hash == std::string::npos ? "" : line.substr(hash + 1);
        if (body.find_first_not_of(" \t\r") == std::string::npos) {
            continue;  // blank or comment-only line
        }
        auto where = file_name + ":" + std::to_string(number) + ": ";
        auto first = comment.find_first_not_of(' ');
        comment = first == std::string::npos ? "" : comment.substr(first);
        Case c;
        c.line = number;
        c.comment = comment;
        try {
            parse_line(body, c);
        } catch (const BadToken& e) {
            errors.push_back(where + e.what());
            continue;
        } catch (const std::invalid_argument& e) {
            errors.push_back(where + e.what());
            continue;
        }
        if (c.comment.empty()) {
            errors.push_back(where + "case \"" + c.id +
                             "\" needs a # comment saying what it covers");
        }
        if (!ids.insert(c.id).second) {
            errors.push_back(where + "duplicate case id \"" + c.id + "\"");
        }
        cases.push_back(std::move(c));
    }
    return cases;
}

std::vector<Case> load_corpus(const std::filesystem::path& path, std::vector<std::string>& errors) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        errors.push_back(path.string() + ": cannot read the corpus");
        return {};
    }
    return parse_corpus(test_support::read_file(path), path.filename().string(), errors);
}

std::string randomize_case(const std::string& qname, const std::string& seed) {
    // FNV-1a of the seed: std::hash differs between library versions.
    std::uint32_t hash = 2166136261U;
    for (char ch : seed) {
        hash = (hash ^ static_cast<unsigned char>(ch)) * 16777619U;
    }
    std::mt19937 generator(hash);  // mt19937's sequence is fixed by the standard
    std::string out = qname;
    for (auto& ch : out) {
        if (std::isalpha(static_cast<unsigned char>(ch)) && (generator() & 1U) != 0) {
            auto u = static_cast<unsigned char>(ch);
            ch = static_cast<char>(std::isupper(u) ? std::tolower(u) : std::toupper(u));
        }
    }
    return out;
}

}  // namespace diff
