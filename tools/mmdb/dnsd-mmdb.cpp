// dnsd-mmdb.cpp -- `dnsd-mmdb`: compile a CSV of networks and locations into a MaxMind DB file.
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tools/mmdb/csv_compiler.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: dnsd-mmdb [options] INPUT.csv OUTPUT.mmdb\n"
    "\n"
    "Compiles networks and locations into a MaxMind DB file that dnsd (and mmdblookup) can read.\n"
    "\n"
    "INPUT.csv: a header line, then one network per line; '#' starts a comment line:\n"
    "  network,country,continent,subdivision,latitude,longitude[,asn]\n"
    "  192.0.2.0/24,DE,EU,HE,50.11,8.68,64500\n"
    "  2001:db8:1::/48,JP,,,35.68,139.75\n"
    "Empty fields are absent; an empty continent is derived from the country.\n"
    "\n"
    "options:\n"
    "  --flat              flat records (country_code, latitude/longitude as float), as DB-IP\n"
    "                      lite and ip-location-db files have them; default: GeoIP2-City layout\n"
    "  --ipv4              an IPv4-only tree (default: IPv6 tree with IPv4 at ::/96 and ::ffff:0:0/96)\n"
    "  --record-size N     24, 28 or 32 bits (default: the smallest that fits)\n"
    "  --type NAME         metadata database_type (default: dnsd-test)\n"
    "  --build-epoch N     metadata build_epoch in seconds (default: now; fix it for reproducible output)\n"
    "  -h, --help          this text\n";

int usage_error(const std::string& message) {
    std::cerr << "dnsd-mmdb: " << message << "\n\n" << kUsage;
    return 2;
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return !text.empty() && ec == std::errc{} && ptr == end;
}

}  // namespace

int main(int argc, char** argv) {
    mmdb::CsvOptions options;
    std::vector<std::string> positional;
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        const auto value = [&]() -> std::optional<std::string_view> {
            if (i + 1 >= args.size()) return std::nullopt;
            return args[++i];
        };
        if (arg == "-h" || arg == "--help") {
            std::cout << kUsage;
            return 0;
        }
        if (arg == "--flat") {
            options.layout = mmdb::RecordLayout::flat;
        } else if (arg == "--ipv4") {
            options.writer.ip_version = 4;
        } else if (arg == "--record-size") {
            const auto v = value();
            if (!v || !parse_number(*v, options.writer.record_size) ||
                (options.writer.record_size != 24 && options.writer.record_size != 28 && options.writer.record_size != 32))
                return usage_error("--record-size takes 24, 28 or 32");
        } else if (arg == "--type") {
            const auto v = value();
            if (!v || v->empty()) return usage_error("--type takes a name");
            options.writer.database_type = std::string(*v);
        } else if (arg == "--build-epoch") {
            const auto v = value();
            if (!v || !parse_number(*v, options.writer.build_epoch)) return usage_error("--build-epoch takes seconds");
        } else if (arg.size() > 1 && arg[0] == '-') {
            return usage_error("unknown option " + std::string(arg));
        } else {
            positional.emplace_back(arg);
        }
    }
    if (positional.size() != 2) return usage_error("expected INPUT.csv and OUTPUT.mmdb");
    const std::string& input = positional[0];
    const std::string& output = positional[1];

    std::ifstream in(input, std::ios::binary);
    if (!in) {
        std::cerr << input << ": cannot open\n";
        return 1;
    }
    std::ostringstream text;
    text << in.rdbuf();

    auto writer = mmdb::compile_csv(text.str(), input, options);
    if (!writer) {
        std::cerr << common::format_errors(writer.error());
        return 1;
    }
    auto written = writer->write_file(output);
    if (!written) {
        std::cerr << common::format_errors(written.error());
        return 1;
    }
    std::cout << output << ": " << writer->size() << " networks, " << *written << " bytes\n";
    return 0;
}
