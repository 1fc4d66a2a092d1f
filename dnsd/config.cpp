// config.cpp -- dnsd.toml -> Config ([server], [geo], [control], [checks.NAME]), every error at
// file:line:column; relative paths resolve against the config file's directory.
#include "dnsd/config.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "zones/toml_util.hpp"

namespace dnsd {
namespace {

using zones::toml_util::Locator;
namespace tu = zones::toml_util;

constexpr std::string_view kTopKeys[] = {"server", "geo", "control", "checks"};
constexpr std::string_view kServerKeys[] = {"listen",           "threads",         "zones",
                                            "udp_max_payload",  "tcp_idle_timeout", "tcp_max_connections",
                                            "nsid",             "identity",         "version"};
constexpr std::string_view kGeoKeys[] = {"database", "client_subnet"};
constexpr std::string_view kControlKeys[] = {"http"};

constexpr unsigned kMaxThreads = 1024;
constexpr size_t kMaxConfigBytes = 4u << 20;
constexpr size_t kMaxNsidLength = 128;        // RFC 5001 leaves it open; keep answers small
constexpr size_t kMaxChaosTextLength = 255;   // one TXT character-string

const char* kDefaultListen[] = {"127.0.0.1:5353", "[::1]:5353"};

std::string resolve(const std::filesystem::path& dir, const std::string& p) {
    std::filesystem::path path(p);
    std::string out = (path.is_absolute() ? path : dir / path).lexically_normal().string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();   // "zones/." -> "zones"
    return out;
}

class ConfigLoader {
public:
    explicit ConfigLoader(const std::string& path) : loc_(path) {
        cfg_.file = path;
        dir_ = std::filesystem::path(path).parent_path();
        if (dir_.empty()) dir_ = ".";
    }

    common::Result<Config> load(const toml::value& root);

private:
    void server(const toml::value& t);
    void geo(const toml::value& t);
    void control(const toml::value& t);
    void checks(const toml::value& t);
    void listen(const toml::value& v);
    bool is_table(const toml::value& v, const std::string& name) {
        if (v.is_table()) return true;
        errors_.push_back(loc_.error(v, name + " must be a table, got " + tu::describe(v)));
        return false;
    }

    Locator loc_;
    Config cfg_;
    std::filesystem::path dir_;
    common::Errors errors_;
};

void ConfigLoader::listen(const toml::value& v) {
    std::vector<const toml::value*> items;
    if (v.is_string()) {
        items.push_back(&v);
    } else if (v.is_array()) {
        for (const auto& x : v.as_array()) items.push_back(&x);
        if (items.empty()) errors_.push_back(loc_.error(v, "[server] listen must name at least one address"));
    } else {
        errors_.push_back(loc_.error(v, "[server] listen must be an address or an array of addresses, got " +
                                            tu::describe(v)));
        return;
    }
    for (const toml::value* x : items) {
        auto s = tu::get_string(*x, "[server] listen", loc_, &errors_);
        if (!s) continue;
        ListenAddress a;
        std::string why;
        if (!parse_listen_address(*s, &a, &why)) {
            errors_.push_back(loc_.error(*x, "[server] listen: " + why));
            continue;
        }
        bool dup = std::any_of(cfg_.listen.begin(), cfg_.listen.end(), [&](const ListenAddress& o) {
            return o.length == a.length && std::memcmp(&o.address, &a.address, a.length) == 0;
        });
        if (dup) {
            errors_.push_back(loc_.error(*x, "[server] listen: \"" + *s + "\" is listed twice"));
            continue;
        }
        cfg_.listen.push_back(a);
    }
}

void ConfigLoader::server(const toml::value& t) {
    if (!is_table(t, "[server]")) return;
    tu::check_keys(t, kServerKeys, "[server]", loc_, &errors_);
    const auto& m = t.as_table();
    if (auto it = m.find("listen"); it != m.end()) listen(it->second);
    if (auto it = m.find("threads"); it != m.end()) {
        const toml::value& v = it->second;
        if (v.is_string() && v.as_string().str == "auto") {
            cfg_.threads = 0;
        } else if (v.is_integer() && v.as_integer() >= 1 && v.as_integer() <= kMaxThreads) {
            cfg_.threads = static_cast<unsigned>(v.as_integer());
        } else {
            errors_.push_back(loc_.error(v, "[server] threads must be \"auto\" or an integer from 1 to " +
                                                std::to_string(kMaxThreads) + ", got " +
                                                (v.is_integer() ? std::to_string(v.as_integer()) : tu::describe(v))));
        }
    }
    if (auto it = m.find("zones"); it != m.end()) {
        if (auto s = tu::get_string(it->second, "[server] zones", loc_, &errors_)) {
            if (s->empty()) {
                errors_.push_back(loc_.error(it->second, "[server] zones must name a directory of zone files"));
            } else {
                cfg_.zones_dir = resolve(dir_, *s);
            }
        }
    }
    if (auto it = m.find("udp_max_payload"); it != m.end()) {
        if (auto n = tu::get_int(it->second, 512, 4096, "[server] udp_max_payload", loc_, &errors_)) {
            cfg_.udp_max_payload = static_cast<uint16_t>(*n);
        }
    }
    if (auto it = m.find("tcp_idle_timeout"); it != m.end()) {
        if (auto d = tu::get_duration(it->second, "[server] tcp_idle_timeout", loc_, &errors_)) cfg_.tcp_idle_timeout = *d;
    }
    if (auto it = m.find("tcp_max_connections"); it != m.end()) {
        if (auto n = tu::get_int(it->second, 1, 1'000'000, "[server] tcp_max_connections", loc_, &errors_)) {
            cfg_.tcp_max_connections = static_cast<uint32_t>(*n);
        }
    }
    auto text = [&](const char* key, size_t max, std::string* out) {
        auto it = m.find(key);
        if (it == m.end()) return;
        auto s = tu::get_string(it->second, std::string("[server] ") + key, loc_, &errors_);
        if (!s) return;
        if (s->size() > max) {
            errors_.push_back(loc_.error(it->second, std::string("[server] ") + key + " is longer than " +
                                                         std::to_string(max) + " octets"));
            return;
        }
        *out = *s;
    };
    text("nsid", kMaxNsidLength, &cfg_.nsid);
    text("identity", kMaxChaosTextLength, &cfg_.identity);
    text("version", kMaxChaosTextLength, &cfg_.version);
}

void ConfigLoader::geo(const toml::value& t) {
    if (!is_table(t, "[geo]")) return;
    tu::check_keys(t, kGeoKeys, "[geo]", loc_, &errors_);
    const auto& m = t.as_table();
    if (auto it = m.find("database"); it != m.end()) {
        std::vector<const toml::value*> items;
        if (it->second.is_array()) {
            for (const auto& x : it->second.as_array()) items.push_back(&x);
        } else {
            items.push_back(&it->second);
        }
        for (const toml::value* x : items) {
            if (auto s = tu::get_string(*x, "[geo] database", loc_, &errors_)) {
                if (s->empty()) {
                    errors_.push_back(loc_.error(*x, "[geo] database must name a .mmdb file"));
                } else {
                    cfg_.geo_databases.push_back(resolve(dir_, *s));
                }
            }
        }
    }
    if (auto it = m.find("client_subnet"); it != m.end()) {
        if (auto b = tu::get_bool(it->second, "[geo] client_subnet", loc_, &errors_)) cfg_.client_subnet = *b;
    }
}

void ConfigLoader::control(const toml::value& t) {
    if (!is_table(t, "[control]")) return;
    tu::check_keys(t, kControlKeys, "[control]", loc_, &errors_);
    const auto& m = t.as_table();
    if (auto it = m.find("http"); it != m.end()) {
        if (auto s = tu::get_string(it->second, "[control] http", loc_, &errors_)) {
            ListenAddress a;
            std::string why;
            if (!s->empty() && !parse_listen_address(*s, &a, &why)) {
                errors_.push_back(loc_.error(it->second, "[control] http: " + why));
            } else {
                cfg_.control_http = *s;
            }
        }
    }
}

void ConfigLoader::checks(const toml::value& t) {
    if (!is_table(t, "[checks]")) return;
    for (const auto& [name, v] : tu::entries(t, loc_)) {
        zones::CheckSpec spec;
        if (tu::parse_check(*name, *v, loc_, &spec, &errors_)) cfg_.checks.push_back(std::move(spec));
    }
}

common::Result<Config> ConfigLoader::load(const toml::value& root) {
    tu::check_keys(root, kTopKeys, "the server config", loc_, &errors_);
    const auto& m = root.as_table();
    if (auto it = m.find("server"); it != m.end()) server(it->second);
    if (auto it = m.find("geo"); it != m.end()) geo(it->second);
    if (auto it = m.find("control"); it != m.end()) control(it->second);
    if (auto it = m.find("checks"); it != m.end()) checks(it->second);
    auto server_it = m.find("server");
    if (server_it == m.end() || !server_it->second.is_table() || server_it->second.as_table().count("listen") == 0) {
        for (const char* text : kDefaultListen) {
            ListenAddress a;
            std::string why;
            if (parse_listen_address(text, &a, &why)) cfg_.listen.push_back(a);
        }
    }
    if (cfg_.zones_dir.empty()) cfg_.zones_dir = resolve(dir_, ".");
    if (!errors_.empty()) {
        std::stable_sort(errors_.begin(), errors_.end(), [](const common::Error& a, const common::Error& b) {
            return a.line != b.line ? a.line < b.line : a.column < b.column;
        });
        return std::move(errors_);
    }
    return std::move(cfg_);
}

}  // namespace

bool parse_listen_address(const std::string& text, ListenAddress* out, std::string* error) {
    *out = ListenAddress{};
    out->text = text;
    const std::string expected = "expected IP:PORT like 127.0.0.1:53 or [::1]:53";
    std::string host;
    std::string port;
    if (!text.empty() && text[0] == '[') {
        size_t close = text.find(']');
        if (close == std::string::npos) {
            *error = "\"" + text + "\" has '[' without ']'; " + expected;
            return false;
        }
        host = text.substr(1, close - 1);
        if (close + 1 >= text.size() || text[close + 1] != ':') {
            *error = "\"" + text + "\" has no port; " + expected;
            return false;
        }
        port = text.substr(close + 2);
    } else {
        size_t colon = text.rfind(':');
        if (colon == std::string::npos) {
            *error = "\"" + text + "\" has no port; " + expected;
            return false;
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string::npos) {
            *error = "\"" + text + "\": an IPv6 address goes in brackets, e.g. [::1]:53";
            return false;
        }
    }
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) || std::stoul(port) == 0 ||
        std::stoul(port) > 65535) {
        *error = "\"" + text + "\": port must be a number from 1 to 65535";
        return false;
    }
    auto port_n = htons(static_cast<uint16_t>(std::stoul(port)));
    sockaddr_in v4{};
    if (text[0] != '[' && inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = port_n;
        std::memcpy(&out->address, &v4, sizeof v4);
        out->length = sizeof v4;
        return true;
    }
    sockaddr_in6 v6{};
    std::string scope;
    if (size_t pct = host.find('%'); pct != std::string::npos) {
        scope = host.substr(pct + 1);
        host.resize(pct);
    }
    if (text[0] == '[' && inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) == 1) {
        if (!scope.empty()) {
            unsigned idx = if_nametoindex(scope.c_str());
            if (idx == 0 && std::all_of(scope.begin(), scope.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                scope.size() < 10) {
                idx = static_cast<unsigned>(std::stoul(scope));
            }
            if (idx == 0) {
                *error = "\"" + text + "\": unknown interface \"" + scope + "\"";
                return false;
            }
            v6.sin6_scope_id = idx;
        }
        v6.sin6_family = AF_INET6;
        v6.sin6_port = port_n;
        std::memcpy(&out->address, &v6, sizeof v6);
        out->length = sizeof v6;
        return true;
    }
    *error = "\"" + text + "\": \"" + host + "\" is not an IP address; " + expected;
    return false;
}

common::Result<Config> load_config(const std::string& path) {
    common::Errors errors;
    auto root = tu::parse_file(path, kMaxConfigBytes, &errors);
    if (!root) return errors;
    return ConfigLoader(path).load(*root);
}

}  // namespace dnsd
