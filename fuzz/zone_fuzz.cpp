// zone_fuzz.cpp -- libFuzzer target: any bytes as a hand-edited zone. The first byte picks the
// file the bytes become: even = the TOML zone file itself, odd = an RFC 1035 file included by a
// fixed TOML zone (the bulk-data reader). Either the zone loads, or the loader returns errors
// that each name a file, a line and a column; it never crashes, hangs or leaks.
// Build: see responder_fuzz.cpp. Run: build-fuzz/fuzz/zone_fuzz -max_total_time=300 CORPUS_DIR
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "zones/loader.hpp"

namespace {

const std::filesystem::path& work_dir() {
    static const std::filesystem::path dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("dnsd-zone-fuzz-" + std::to_string(getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

void write(const std::filesystem::path& path, const uint8_t* data, size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const bool bulk = (data[0] & 1) != 0;
    const auto zone = work_dir() / "fuzz.test.toml";
    if (bulk) {
        static const std::string kIncluding =
            "origin = \"fuzz.test.\"\ninclude = \"bulk.zone\"\n[records]\n\"@\" = { NS = [\"ns1\"] }\n"
            "ns1 = { A = \"192.0.2.53\" }\n";
        write(zone, reinterpret_cast<const uint8_t*>(kIncluding.data()), kIncluding.size());
        write(work_dir() / "bulk.zone", data + 1, size - 1);
    } else {
        write(zone, data + 1, size - 1);
    }
    auto loaded = zones::load_zone_file(zone.string());
    if (!loaded) {
        for (const auto& e : loaded.error()) {
            if (e.message.empty()) std::abort();   // an error must say what is wrong
        }
    } else if (*loaded == nullptr) {
        std::abort();
    }
    return 0;
}
