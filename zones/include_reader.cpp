// include_reader.cpp -- RFC 1035 master file tokenizer and record reader (see the header).
//
// Speed and memory are the point (issue 5: 1,000,000 names in well under 10 s): the file is
// mapped, not copied; tokens are views into the mapping; the pages already read are dropped
// as we go so RSS stays flat; owner names that repeat are parsed once; and each record goes
// straight into the ZoneBuilder's arena.
#include "zones/include_reader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <vector>

#include "zones/ascii.hpp"
#include "zones/loader.hpp"
#include "zones/name.hpp"
#include "zones/rdata.hpp"
#include "zones/rrtype.hpp"

namespace zones {
namespace {

// Pages behind the reader are handed back to the kernel every this many bytes: large enough
// that madvise() costs nothing, small enough that a 2 GB file never sits in RSS.
constexpr size_t kReleaseChunk = 32u << 20;

using ascii::is_digit;
using ascii::upper;
using ascii::iequals;

class Reader {
public:
    Reader(std::string_view text, const MasterFileOptions& options, ZoneBuilder& builder, MasterFileInfo* info,
           bool mapped)
        : p_(text.data()), end_(text.data() + text.size()), line_start_(text.data()),
          mapped_(mapped), released_(text.data()), opt_(options), builder_(builder), info_(info) {
        origin_.assign(options.origin);
        owner_.assign(options.origin);
        parser_.set_origin(origin_);
        if (text.size() >= 3 && std::memcmp(p_, "\xEF\xBB\xBF", 3) == 0) {   // UTF-8 byte order mark
            p_ += 3;
            line_start_ = p_;
        }
        tokens_.reserve(64);
    }

    void run() {
        while (!stopped_ && next_record()) {
            if (!bad_record_) handle_record();
            if (mapped_ && static_cast<size_t>(record_start_ - released_) >= kReleaseChunk) release();
        }
    }

private:
    void error(uint32_t line, uint32_t column, std::string message) {
        if (stopped_) return;
        if (info_->errors >= opt_.max_errors) {
            builder_.add_error(RecordSource{opt_.source, line, column},
                               "too many errors (" + std::to_string(opt_.max_errors) +
                                   "); the rest of this file is skipped");
            stopped_ = true;
            return;
        }
        ++info_->errors;
        builder_.add_error(RecordSource{opt_.source, line, column}, std::move(message));
    }
    void error_at(const Token& t, std::string message) { error(t.line, t.column, std::move(message)); }

    uint32_t column_of(const char* at) const { return static_cast<uint32_t>(at - line_start_ + 1); }

    // Collects the tokens of the next logical record (one line, or several joined by
    // parentheses). False at the end of the input.
    bool next_record() {
        tokens_.clear();
        bad_record_ = false;
        int depth = 0;
        uint32_t paren_line = 0;
        uint32_t paren_column = 0;
        for (;;) {
            if (p_ == end_) {
                if (depth > 0) {
                    error(paren_line, paren_column, "'(' is never closed");
                    bad_record_ = true;
                }
                return !tokens_.empty();
            }
            char c = *p_;
            switch (c) {
                case '\n':
                    ++p_;
                    ++line_;
                    line_start_ = p_;
                    if (depth == 0 && !tokens_.empty()) return true;
                    continue;
                case ' ':
                case '\t':
                case '\r':
                    ++p_;
                    continue;
                case ';': {
                    const void* nl = std::memchr(p_, '\n', static_cast<size_t>(end_ - p_));
                    p_ = nl != nullptr ? static_cast<const char*>(nl) : end_;
                    continue;
                }
                case '(':
                    if (depth == 0) {
                        paren_line = line_;
                        paren_column = column_of(p_);
                        if (tokens_.empty()) start_record();
                    }
                    ++depth;
                    ++p_;
                    continue;
                case ')':
                    if (depth == 0) {
                        error(line_, column_of(p_), "')' without a matching '('");
                        bad_record_ = true;
                    } else {
                        --depth;
                    }
                    ++p_;
                    continue;
                default: break;
            }
            if (tokens_.empty()) start_record();
            Token t;
            t.line = line_;
            t.column = column_of(p_);
            if (c == '"') {
                const char* s = ++p_;
                while (p_ < end_ && *p_ != '"' && *p_ != '\n') p_ += (*p_ == '\\' && p_ + 1 < end_) ? 2 : 1;
                if (p_ >= end_ || *p_ != '"') {
                    error(t.line, t.column, "unterminated quoted string");
                    bad_record_ = true;
                    if (p_ > end_) p_ = end_;
                    depth = 0;   // the rest of this line belongs to the broken record
                    tokens_.push_back(t);
                    continue;
                }
                t.text = std::string_view(s, static_cast<size_t>(p_ - s));
                t.quoted = true;
                ++p_;
            } else {
                const char* s = p_;
                while (p_ < end_) {
                    char d = *p_;
                    if (d == ' ' || d == '\t' || d == '\n' || d == '\r' || d == ';' || d == '(' || d == ')' ||
                        d == '"') {
                        break;
                    }
                    p_ += (d == '\\' && p_ + 1 < end_ && p_[1] != '\n') ? 2 : 1;
                }
                t.text = std::string_view(s, static_cast<size_t>(p_ - s));
            }
            tokens_.push_back(t);
        }
    }

    void start_record() {
        record_start_ = p_;
        blank_owner_ = p_ != line_start_ || (p_ < end_ && *p_ == '(');
    }

    void release() {
        // Drop the pages of the file already read from RSS (they are re-read if ever touched).
        auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
        auto from = (reinterpret_cast<uintptr_t>(released_) + page - 1) & ~(page - 1);
        auto to = reinterpret_cast<uintptr_t>(record_start_) & ~(page - 1);
        if (to > from) {
            madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
            released_ = reinterpret_cast<const char*>(to);
        }
    }

    void directive() {
        const Token& d = tokens_[0];
        if (iequals(d.text, "$ORIGIN")) {
            if (tokens_.size() != 2) {
                error_at(d, "$ORIGIN takes one domain name");
                return;
            }
            std::string next;
            std::string why;
            if (!append_name(tokens_[1].text, origin_, &next, &why)) {
                error_at(tokens_[1], "bad $ORIGIN: " + why);
                return;
            }
            lowercase_name(next);
            origin_ = std::move(next);
            parser_.set_origin(origin_);
            last_owner_text_.clear();   // relative owners now mean something else
        } else if (iequals(d.text, "$TTL")) {
            uint32_t ttl = 0;
            if (tokens_.size() != 2) {
                error_at(d, "$TTL takes one TTL");
            } else if (!parse_ttl(tokens_[1].text, &ttl)) {
                error_at(tokens_[1], "bad $TTL \"" + std::string(tokens_[1].text) +
                                         "\": expected seconds (0-2147483647) or units like 1h30m");
            } else {
                dollar_ttl_ = ttl;
                has_dollar_ttl_ = true;
            }
        } else if (iequals(d.text, "$INCLUDE")) {
            error_at(d, "$INCLUDE is not supported: list the file in the TOML zone's include = [...]");
        } else if (iequals(d.text, "$GENERATE")) {
            error_at(d, "$GENERATE is not supported");
        } else {
            error_at(d, "unknown directive " + std::string(d.text) + " (expected $ORIGIN or $TTL)");
        }
    }

    void handle_record() {
        const Token& first = tokens_[0];
        if (!blank_owner_ && !first.quoted && first.text[0] == '$') {
            directive();
            return;
        }
        size_t i = 0;
        if (!blank_owner_) {
            if (first.text != last_owner_text_) {
                std::string why;
                owner_.clear();
                if (first.quoted || !append_name(first.text, origin_, &owner_, &why)) {
                    error_at(first, "bad owner name \"" + std::string(first.text) + "\": " +
                                        (first.quoted ? "a name is not quoted" : why));
                    last_owner_text_.clear();
                    owner_bad_ = true;
                    return;
                }
                lowercase_name(owner_);
                last_owner_text_.assign(first.text);
                owner_bad_ = false;
            }
            i = 1;
        } else if (owner_bad_) {
            return;   // continuation of a record whose owner was already reported
        }
        const Token& lead = tokens_[0];
        uint32_t ttl = has_dollar_ttl_ ? dollar_ttl_ : opt_.default_ttl;
        bool have_ttl = false;
        bool have_class = false;
        for (const size_t limit = i + 2; i < tokens_.size() && i < limit; ++i) {
            const Token& t = tokens_[i];
            if (t.quoted) break;
            if (is_digit(t.text[0])) {
                if (have_ttl || !parse_ttl(t.text, &ttl)) {
                    error_at(t, "bad TTL \"" + std::string(t.text) + "\": expected seconds (0-2147483647) or units like 1h30m");
                    return;
                }
                have_ttl = true;
            } else if (!have_class && (iequals(t.text, "IN") || iequals(t.text, "CH") || iequals(t.text, "HS") ||
                                       iequals(t.text, "CS") || iequals(t.text, "NONE") ||
                                       (t.text.size() > 5 && iequals(t.text.substr(0, 5), "CLASS")))) {
                if (!iequals(t.text, "IN")) {
                    error_at(t, "class " + std::string(t.text) + " is not supported (only IN)");
                    return;
                }
                have_class = true;
            } else {
                break;
            }
        }
        if (i >= tokens_.size()) {
            const Token& last = tokens_.back();
            error(last.line, last.column + static_cast<uint32_t>(last.text.size()), "missing record type");
            return;
        }
        const Token& type_token = tokens_[i];
        uint16_t type = type_token.quoted ? 0 : rr_type_from_name(type_token.text);
        if (type == 0) {
            error_at(type_token, "unknown record type \"" + std::string(type_token.text) + "\"");
            return;
        }
        if (type == rrtype::SOA) {
            error_at(type_token, "SOA record in an included file: the zone's SOA is set in the [soa] table of its TOML file");
            return;
        }
        if (!is_zone_data_type(type)) {
            error_at(type_token, "type " + std::string(type_token.text) + " cannot be stored in a zone");
            return;
        }
        std::span<const Token> rdata(tokens_.data() + i + 1, tokens_.size() - i - 1);
        wire_.clear();
        std::string why;
        size_t bad = 0;
        if (!parser_.parse(type, rdata, &wire_, &why, &bad)) {
            if (rdata.empty()) {
                error(type_token.line, type_token.column + static_cast<uint32_t>(type_token.text.size()), why);
            } else {
                error_at(rdata[bad], why);
            }
            return;
        }
        builder_.add_record(owner_, type, ttl, wire_, RecordSource{opt_.source, lead.line, lead.column});
        ++info_->records;
        if (type == rrtype::NS && info_->first_apex_ns.empty() && owner_ == opt_.origin) info_->first_apex_ns = wire_;
    }

    const char* p_;
    const char* end_;
    const char* line_start_;
    uint32_t line_ = 1;
    bool mapped_;
    const char* released_;
    const char* record_start_ = nullptr;
    bool blank_owner_ = false;
    bool bad_record_ = false;
    bool stopped_ = false;
    bool owner_bad_ = false;

    const MasterFileOptions& opt_;
    ZoneBuilder& builder_;
    MasterFileInfo* info_;
    RdataParser parser_;

    std::vector<Token> tokens_;
    std::string origin_;
    std::string owner_;
    std::string last_owner_text_;
    std::string wire_;
    uint32_t dollar_ttl_ = 0;
    bool has_dollar_ttl_ = false;
};

}  // namespace

void read_master_text(std::string_view text, const MasterFileOptions& options, ZoneBuilder& builder,
                      MasterFileInfo* info) {
    Reader(text, options, builder, info, false).run();
}

bool read_master_file(const std::string& path, const MasterFileOptions& options, ZoneBuilder& builder,
                      MasterFileInfo* info, std::string* open_error) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *open_error = std::strerror(errno);
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *open_error = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";
        ::close(fd);
        return false;
    }
    info->mtime = st.st_mtim.tv_sec;
    auto size = static_cast<size_t>(st.st_size);
    if (size > kMaxIncludeFileBytes) {
        *open_error = "larger than the limit of " + std::to_string(kMaxIncludeFileBytes >> 20) + " MiB";
        ::close(fd);
        return false;
    }
    if (size == 0) {
        ::close(fd);
        return true;
    }
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) {
        *open_error = std::string("cannot map: ") + std::strerror(errno);
        return false;
    }
    ::madvise(map, size, MADV_SEQUENTIAL);
    // A record line is rarely shorter than 16 octets ("a A 192.0.2.1\n"), and its owner and
    // RDATA in wire form take about as many octets as its text. Only a hint: without the
    // address space for it, the arrays grow as they go.
    try {
        builder.reserve_more(size / 16, size);
    } catch (const std::exception&) {
    }
    Reader(std::string_view(static_cast<const char*>(map), size), options, builder, info, true).run();
    ::munmap(map, size);
    return true;
}

}  // namespace zones
