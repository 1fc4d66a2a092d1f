// result.hpp -- Result<T> and Error: the load-time error vocabulary (file:line:column: message).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace common {

/// One load-time problem, printed as `file:line:column: message`. line/column are 1-based; 0 = unknown.
struct Error {
    std::string file;
    uint32_t line = 0;
    uint32_t column = 0;
    std::string message;

    [[nodiscard]] std::string to_string() const {
        std::string out = file;
        if (line != 0) {
            out += ':' + std::to_string(line);
            if (column != 0) out += ':' + std::to_string(column);
        }
        if (!out.empty()) out += ": ";
        out += message;
        return out;
    }
};

using Errors = std::vector<Error>;

/// A T or a non-empty list of errors, with the std::expected spelling (has_value, *, ->, error()).
template <typename T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}                      // NOLINT: implicit by design
    Result(Errors errors) : v_(std::move(errors)) {}               // NOLINT
    Result(Error error) : v_(Errors{std::move(error)}) {}          // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }
    T& operator*() & { return std::get<0>(v_); }
    const T& operator*() const& { return std::get<0>(v_); }
    T&& operator*() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    [[nodiscard]] const Errors& error() const& { return std::get<1>(v_); }
    [[nodiscard]] Errors&& error() && { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, Errors> v_;
};

/// Joins errors one per line, as `dnsd check` prints them.
inline std::string format_errors(const Errors& errors) {
    std::string out;
    for (const auto& e : errors) out += e.to_string() + '\n';
    return out;
}

}  // namespace common
