// rdata.hpp -- presentation-format RDATA -> uncompressed wire: fast paths for the common types,
// ldns for every other type. Load time only (zone loader, include reader, import).
//
// Internal to zones/: ldns stays inside rdata.cpp, so this header is cheap to include.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zones {

/// One presentation-format field: a view into the source text with its quotes stripped and
/// its escapes (\X, \DDD) still raw. line/column locate it in its file (1-based, 0 = unknown).
struct Token {
    std::string_view text;
    uint32_t line = 0;
    uint32_t column = 0;
    bool quoted = false;
};

/// Splits one presentation-format RDATA string (a TOML record value) into tokens: blanks
/// separate fields, "..." quotes, backslash escapes, ';' starts a comment, parentheses are
/// ignored. Columns are 1-based offsets into `text`. Returns false with a message on an
/// unterminated quote.
bool tokenize_rdata(std::string_view text, std::vector<Token>* out, std::string* error);

/// RR type by mnemonic, case-insensitive ("A", "caa", "TYPE65280"); 0 when unknown.
uint16_t rr_type_from_name(std::string_view name);
/// The mnemonic of a type as ldns prints it ("A", "CAA", "TYPE65280" when unknown).
std::string rr_type_name(uint16_t type);

/// False for the meta and pseudo types (OPT, TSIG, AXFR, ANY ...) that never live in a zone.
bool is_zone_data_type(uint16_t type) noexcept;

/// RFC 2181 8: TTLs are 31-bit.
inline constexpr uint32_t kMaxTtl = 2147483647;

/// A TTL in decimal seconds or with BIND units ("1h30m", "2d", "1w"), 0..kMaxTtl.
bool parse_ttl(std::string_view text, uint32_t* out);

/// Appends the wire form of a presentation-format name (escapes \. and \DDD allowed) to *out,
/// keeping its letter case: "@" is `origin`, a name without a trailing dot is relative to it.
/// Returns false with a message (empty label, label > 63, name > 255 octets...).
bool append_name(std::string_view text, std::string_view origin_wire, std::string* out,
                 std::string* error);

/// The TOML zone format's TXT: the text itself, split into 255-octet character-strings
/// (an empty text is one empty string). Appends wire RDATA to *out.
void txt_from_text(std::string_view text, std::string* out);
/// TXT from explicit character-strings (TOML `TXT = [["one", "two"]]`). False when one is
/// longer than 255 octets.
bool txt_from_strings(std::span<const std::string_view> strings, std::string* out,
                      std::string* error);

/// Converts presentation RDATA tokens to wire. Holds scratch buffers and the ldns form of the
/// origin, so reuse one per file. Not thread-safe.
class RdataParser {
public:
    RdataParser();
    ~RdataParser();
    RdataParser(const RdataParser&) = delete;
    RdataParser& operator=(const RdataParser&) = delete;

    /// Origin for relative names in RDATA (wire; case as written).
    void set_origin(std::string_view origin_wire);

    /// Appends the uncompressed wire RDATA of one `type` record to *out. On failure returns
    /// false and sets *error to e.g. `bad A record "192.0.2.300": expected an IPv4 address`
    /// and *bad_token to the index of the token to blame (0 when the whole record is wrong).
    bool parse(uint16_t type, std::span<const Token> tokens, std::string* out, std::string* error,
               size_t* bad_token = nullptr);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Presentation form of one record's tokens, for messages ("10 mail", "0 issue \"ca\"").
std::string tokens_to_text(std::span<const Token> tokens, size_t max_length = 120);

}  // namespace zones
