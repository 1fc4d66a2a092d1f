// name.cpp -- domain names in wire format.
#include "zones/name.hpp"

#include <cctype>

namespace zones {

bool parse_name(std::string_view text, std::string_view origin_wire, std::string* out,
                std::string* error) {
    out->clear();
    if (text.empty()) {
        *error = "empty name";
        return false;
    }
    if (text == "@") {
        out->assign(origin_wire);
        return true;
    }
    if (text == ".") {
        out->assign(1, '\0');
        return true;
    }
    bool absolute = false;
    std::string label;
    auto flush_label = [&]() -> bool {
        if (label.empty()) {
            *error = "empty label in \"" + std::string(text) + "\"";
            return false;
        }
        if (label.size() > kMaxLabelLength) {
            *error = "label longer than 63 octets in \"" + std::string(text) + "\"";
            return false;
        }
        out->push_back(static_cast<char>(label.size()));
        out->append(label);
        label.clear();
        return true;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\') {
            if (i + 1 >= text.size()) {
                *error = "name ends in a lone backslash";
                return false;
            }
            if (std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
                if (i + 3 >= text.size() ||
                    !std::isdigit(static_cast<unsigned char>(text[i + 2])) ||
                    !std::isdigit(static_cast<unsigned char>(text[i + 3]))) {
                    *error = "\\DDD escape needs three digits in \"" + std::string(text) + "\"";
                    return false;
                }
                int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
                if (v > 255) {
                    *error = "\\DDD escape above 255 in \"" + std::string(text) + "\"";
                    return false;
                }
                label.push_back(static_cast<char>(v));
                i += 3;
            } else {
                label.push_back(text[++i]);
            }
        } else if (c == '.') {
            if (!flush_label()) return false;
            if (i + 1 == text.size()) absolute = true;
        } else if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == ';' || c == '(' ||
                   c == ')') {
            *error = "character '" + std::string(1, c) + "' not allowed in name \"" +
                     std::string(text) + "\" (escape it)";
            return false;
        } else {
            label.push_back(c);
        }
    }
    if (!absolute && !label.empty()) {
        if (!flush_label()) return false;
    }
    if (absolute) {
        out->push_back('\0');
    } else {
        out->append(origin_wire);
    }
    if (out->size() > kMaxNameLength) {
        *error = "name longer than 255 octets: \"" + std::string(text) + "\"";
        return false;
    }
    lowercase_name(*out);
    return true;
}

std::string name_to_text(std::string_view wire) {
    if (wire.empty() || wire[0] == '\0') return ".";
    std::string out;
    size_t i = 0;
    while (i < wire.size() && wire[i] != '\0') {
        size_t len = static_cast<uint8_t>(wire[i]);
        for (size_t j = i + 1; j <= i + len && j < wire.size(); ++j) {
            auto c = static_cast<unsigned char>(wire[j]);
            if (c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')' || c == '@' ||
                c == '$') {
                out.push_back('\\');
                out.push_back(static_cast<char>(c));
            } else if (c <= ' ' || c >= 127) {
                char buf[5];
                buf[0] = '\\';
                buf[1] = static_cast<char>('0' + c / 100);
                buf[2] = static_cast<char>('0' + (c / 10) % 10);
                buf[3] = static_cast<char>('0' + c % 10);
                buf[4] = 0;
                out += buf;
            } else {
                out.push_back(static_cast<char>(c));
            }
        }
        out.push_back('.');
        i += len + 1;
    }
    return out;
}

void lowercase_name(std::string& wire) {
    for (auto& c : wire) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    }
}

size_t label_count(std::string_view wire) noexcept {
    size_t n = 0;
    size_t i = 0;
    while (i < wire.size() && wire[i] != '\0') {
        ++n;
        i += static_cast<uint8_t>(wire[i]) + 1u;
    }
    return n;
}

std::string_view parent_name(std::string_view wire) noexcept {
    if (wire.empty() || wire[0] == '\0') return {};
    size_t skip = static_cast<uint8_t>(wire[0]) + 1u;
    return skip < wire.size() ? wire.substr(skip) : std::string_view{};
}

}  // namespace zones
