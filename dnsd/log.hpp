// log.hpp -- timestamped lines on stderr (the service manager keeps them). Not for the hot path.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <ctime>

namespace dnsd {

[[gnu::format(printf, 1, 2)]] inline void log(const char* format, ...) {
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    char line[2048];
    va_list args;
    va_start(args, format);
    std::vsnprintf(line, sizeof line, format, args);
    va_end(args);
    std::fprintf(stderr, "%s dnsd: %s\n", stamp, line);
}

}  // namespace dnsd
