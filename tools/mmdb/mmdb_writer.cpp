// mmdb_writer.cpp -- MaxMind DB 2.0 encoding: data section, search tree, metadata.
#include "tools/mmdb/mmdb_writer.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <deque>
#include <unordered_map>

namespace mmdb {

// ---- Value ------------------------------------------------------------------------------------

Value Value::string(std::string text) {
    Value v;
    v.type_ = Type::string;
    v.text_ = std::move(text);
    return v;
}
Value Value::f64(double number) {
    Value v;
    v.type_ = Type::f64;
    v.f64_ = number;
    return v;
}
Value Value::f32(float number) {
    Value v;
    v.type_ = Type::f32;
    v.f32_ = number;
    return v;
}
Value Value::u16(uint16_t number) {
    Value v;
    v.type_ = Type::u16;
    v.unsigned_ = number;
    return v;
}
Value Value::u32(uint32_t number) {
    Value v;
    v.type_ = Type::u32;
    v.unsigned_ = number;
    return v;
}
Value Value::u64(uint64_t number) {
    Value v;
    v.type_ = Type::u64;
    v.unsigned_ = number;
    return v;
}
Value Value::i32(int32_t number) {
    Value v;
    v.type_ = Type::i32;
    v.i32_ = number;
    return v;
}
Value Value::boolean(bool flag) {
    Value v;
    v.type_ = Type::boolean;
    v.unsigned_ = flag ? 1 : 0;
    return v;
}
Value Value::map(Map entries) {
    Value v;
    v.type_ = Type::map;
    v.map_ = std::move(entries);
    return v;
}
Value Value::array(Array items) {
    Value v;
    v.type_ = Type::array;
    v.array_ = std::move(items);
    return v;
}

Value city_record(const GeoFields& f) {
    Value::Map m;
    if (!f.continent.empty()) m.emplace_back("continent", Value::map({{"code", Value::string(f.continent)}}));
    if (!f.country.empty()) m.emplace_back("country", Value::map({{"iso_code", Value::string(f.country)}}));
    if (f.latitude && f.longitude) {
        m.emplace_back("location",
                       Value::map({{"latitude", Value::f64(*f.latitude)}, {"longitude", Value::f64(*f.longitude)}}));
    }
    if (!f.subdivision.empty())
        m.emplace_back("subdivisions", Value::array({Value::map({{"iso_code", Value::string(f.subdivision)}})}));
    if (f.asn != 0) m.emplace_back("autonomous_system_number", Value::u32(f.asn));
    return Value::map(std::move(m));
}

Value flat_record(const GeoFields& f) {
    Value::Map m;
    if (!f.country.empty()) m.emplace_back("country_code", Value::string(f.country));
    if (!f.subdivision.empty()) m.emplace_back("subdivision", Value::string(f.subdivision));
    if (f.latitude && f.longitude) {
        m.emplace_back("latitude", Value::f32(static_cast<float>(*f.latitude)));
        m.emplace_back("longitude", Value::f32(static_cast<float>(*f.longitude)));
    }
    if (f.asn != 0) m.emplace_back("autonomous_system_number", Value::u32(f.asn));
    return Value::map(std::move(m));
}

namespace {

// ---- Data section encoding ---------------------------------------------------------------------

// The spec's largest payload size (65,821 + 2^24 - 1) and pointer value (2^32 - 1).
constexpr uint32_t kMaxPayload = 65821 + 0xFFFFFF;
constexpr std::string_view kMetadataMarker = "\xAB\xCD\xEFMaxMind.com";
constexpr std::size_t kDataSectionSeparator = 16;

// Encodes values in the data-section format. With pointers enabled, a string already written
// inline is replaced by a pointer to it when the pointer is shorter (the spec allows a pointer
// to any field except another pointer).
class Encoder {
public:
    explicit Encoder(bool use_pointers) : use_pointers_(use_pointers) {}

    void value(const Value& v) {
        switch (v.type()) {
            case Value::Type::string: string(v.text()); break;
            case Value::Type::f64: {
                control(v.type(), 8);
                big_endian(std::bit_cast<uint64_t>(v.f64_value()), 8);
                break;
            }
            case Value::Type::f32: {
                control(v.type(), 4);
                big_endian(std::bit_cast<uint32_t>(v.f32_value()), 4);
                break;
            }
            case Value::Type::u16:
            case Value::Type::u32:
            case Value::Type::u64: {
                // Integers use as few bytes as their value needs; zero has no payload at all.
                const uint64_t n = v.unsigned_value();
                const auto bytes = static_cast<uint32_t>((64 - std::countl_zero(n) + 7) / 8);
                control(v.type(), bytes);
                big_endian(n, bytes);
                break;
            }
            case Value::Type::i32: {
                // Always 4 bytes: a shorter payload would lose the sign bit of negative values.
                control(v.type(), 4);
                big_endian(static_cast<uint32_t>(v.i32_value()), 4);
                break;
            }
            case Value::Type::boolean: control(v.type(), static_cast<uint32_t>(v.unsigned_value())); break;
            case Value::Type::map: {
                control(v.type(), static_cast<uint32_t>(v.entries().size()));
                for (const auto& [key, item] : v.entries()) {
                    string(key);
                    value(item);
                }
                break;
            }
            case Value::Type::array: {
                control(v.type(), static_cast<uint32_t>(v.items().size()));
                for (const auto& item : v.items()) value(item);
                break;
            }
        }
    }

    [[nodiscard]] std::vector<uint8_t>& bytes() noexcept { return out_; }

private:
    void string(const std::string& s) {
        if (use_pointers_) {
            const auto it = strings_.find(s);
            if (it != strings_.end() && pointer_size(it->second) < 1 + s.size()) {
                pointer(it->second);
                return;
            }
            if (it == strings_.end()) strings_.emplace(s, static_cast<uint32_t>(out_.size()));
        }
        control(Value::Type::string, static_cast<uint32_t>(s.size()));
        out_.insert(out_.end(), s.begin(), s.end());
    }

    static std::size_t pointer_size(uint32_t target) noexcept {
        if (target < 2048) return 2;
        if (target < 526336) return 3;
        if (target < 134744064) return 4;
        return 5;
    }

    // 001SSVVV: SS selects how many bytes follow and the bias subtracted from the value.
    void pointer(uint32_t target) {
        if (target < 2048) {
            out_.push_back(static_cast<uint8_t>(0x20U | (target >> 8U)));
            big_endian(target, 1);
        } else if (target < 526336) {
            const uint32_t v = target - 2048;
            out_.push_back(static_cast<uint8_t>(0x28U | (v >> 16U)));
            big_endian(v, 2);
        } else if (target < 134744064) {
            const uint32_t v = target - 526336;
            out_.push_back(static_cast<uint8_t>(0x30U | (v >> 24U)));
            big_endian(v, 3);
        } else {
            out_.push_back(0x38);
            big_endian(target, 4);
        }
    }

    // Type in the top 3 bits (0 = extended: the next byte holds type - 7), then the size in the
    // low 5 bits, with 29/30/31 announcing 1/2/3 more size bytes after the type bytes.
    void control(Value::Type type, uint32_t size) {
        const auto t = static_cast<unsigned>(type);
        const uint8_t type_bits = t <= 7 ? static_cast<uint8_t>(t << 5U) : 0;
        std::array<uint8_t, 3> extra{};
        std::size_t extra_len = 0;
        uint8_t size_bits = 0;
        if (size < 29) {
            size_bits = static_cast<uint8_t>(size);
        } else if (size < 29 + 256) {
            size_bits = 29;
            extra[0] = static_cast<uint8_t>(size - 29);
            extra_len = 1;
        } else if (size < 285 + 65536) {
            size_bits = 30;
            const uint32_t v = size - 285;
            extra = {static_cast<uint8_t>(v >> 8U), static_cast<uint8_t>(v), 0};
            extra_len = 2;
        } else {
            size_bits = 31;
            const uint32_t v = size - 65821;
            extra = {static_cast<uint8_t>(v >> 16U), static_cast<uint8_t>(v >> 8U), static_cast<uint8_t>(v)};
            extra_len = 3;
        }
        out_.push_back(static_cast<uint8_t>(type_bits | size_bits));
        if (t > 7) out_.push_back(static_cast<uint8_t>(t - 7));
        out_.insert(out_.end(), extra.begin(), extra.begin() + static_cast<std::ptrdiff_t>(extra_len));
    }

    void big_endian(uint64_t v, uint32_t bytes) {
        for (uint32_t i = bytes; i > 0; --i) out_.push_back(static_cast<uint8_t>(v >> (8U * (i - 1))));
    }

    bool use_pointers_;
    std::vector<uint8_t> out_;
    std::unordered_map<std::string, uint32_t> strings_;
};

std::optional<std::string> check_sizes(const Value& v) {
    if (v.type() == Value::Type::string && v.text().size() > kMaxPayload) return "string too long";
    if (v.type() == Value::Type::map) {
        if (v.entries().size() > kMaxPayload) return "map too large";
        for (const auto& [key, item] : v.entries()) {
            if (key.size() > kMaxPayload) return "map key too long";
            if (auto e = check_sizes(item)) return e;
        }
    }
    if (v.type() == Value::Type::array) {
        if (v.items().size() > kMaxPayload) return "array too large";
        for (const auto& item : v.items())
            if (auto e = check_sizes(item)) return e;
    }
    return std::nullopt;
}

std::vector<uint8_t> canonical(const Value& v) {
    Encoder e(false);
    e.value(v);
    return std::move(e.bytes());
}

// ---- Search tree -------------------------------------------------------------------------------

// What a record of the tree under construction points at.
struct Ref {
    enum class Kind : uint8_t { empty, node, data };
    Kind kind = Kind::empty;
    uint32_t index = 0;  // node index or record index
};

struct TreeNode {
    std::array<Ref, 2> child{};
};

// The bits of a path from the root: an IPv6 address, or an IPv4 address in an IPv4 tree.
struct Path {
    std::array<uint8_t, 16> bytes{};
    unsigned length = 0;  // in bits
    [[nodiscard]] unsigned bit(unsigned i) const noexcept {
        return (static_cast<unsigned>(bytes[i / 8]) >> (7 - i % 8)) & 1U;
    }
};

class Tree {
public:
    Tree() : nodes_(1) {}

    // Points the whole range `path` at `ref`, splitting records on the way: a record covering a
    // larger range is copied into both halves of each new node, so the rest of it keeps its data.
    void set(const Path& path, Ref ref) {
        if (path.length == 0) {
            nodes_[0].child = {ref, ref};
            return;
        }
        uint32_t node = 0;
        for (unsigned depth = 0; depth + 1 < path.length; ++depth) {
            const unsigned b = path.bit(depth);
            const Ref c = nodes_[node].child[b];
            if (c.kind == Ref::Kind::node) {
                node = c.index;
                continue;
            }
            const auto added = static_cast<uint32_t>(nodes_.size());
            nodes_.push_back(TreeNode{{c, c}});
            nodes_[node].child[b] = Ref{Ref::Kind::node, added};
            node = added;
        }
        nodes_[node].child[path.bit(path.length - 1)] = ref;
    }

    // What the range `path` points at: a node, or the record that covers it.
    [[nodiscard]] Ref get(const Path& path) const {
        Ref ref{Ref::Kind::node, 0};
        for (unsigned depth = 0; depth < path.length && ref.kind == Ref::Kind::node; ++depth)
            ref = nodes_[ref.index].child[path.bit(depth)];
        return ref;
    }

    // Node numbers in breadth-first order from the root (root = 0, as the spec requires). A node
    // reachable twice (the IPv4 alias) gets one number.
    [[nodiscard]] std::vector<uint32_t> number(std::vector<uint32_t>& order) const {
        std::vector<uint32_t> numbers(nodes_.size(), UINT32_MAX);
        std::deque<uint32_t> queue{0};
        numbers[0] = 0;
        order.assign(1, 0);
        while (!queue.empty()) {
            const uint32_t n = queue.front();
            queue.pop_front();
            for (const Ref& c : nodes_[n].child) {
                if (c.kind != Ref::Kind::node || numbers[c.index] != UINT32_MAX) continue;
                numbers[c.index] = static_cast<uint32_t>(order.size());
                order.push_back(c.index);
                queue.push_back(c.index);
            }
        }
        return numbers;
    }

    [[nodiscard]] const TreeNode& node(uint32_t index) const { return nodes_[index]; }

private:
    std::vector<TreeNode> nodes_;
};

Path tree_path(const geo::Network& network, uint16_t ip_version) {
    Path p;
    const auto bytes = network.address.bytes();
    if (network.address.is_v4() && ip_version == 6) {
        std::copy(bytes.begin(), bytes.end(), p.bytes.begin() + 12);  // ::a.b.c.d
        p.length = network.prefix_len + 96U;
    } else {
        std::copy(bytes.begin(), bytes.end(), p.bytes.begin());
        p.length = network.prefix_len;
    }
    return p;
}

void put_record(std::vector<uint8_t>& out, uint64_t left, uint64_t right, uint16_t record_size) {
    const auto byte = [](uint64_t v, unsigned shift) { return static_cast<uint8_t>(v >> shift); };
    switch (record_size) {
        case 24:
            out.insert(out.end(), {byte(left, 16), byte(left, 8), byte(left, 0), byte(right, 16), byte(right, 8),
                                   byte(right, 0)});
            break;
        case 28:
            // The middle byte carries the top 4 bits of the left record, then of the right one.
            out.insert(out.end(), {byte(left, 16), byte(left, 8), byte(left, 0),
                                   static_cast<uint8_t>(((left >> 24U) & 0x0FU) << 4U | ((right >> 24U) & 0x0FU)),
                                   byte(right, 16), byte(right, 8), byte(right, 0)});
            break;
        default:
            out.insert(out.end(), {byte(left, 24), byte(left, 16), byte(left, 8), byte(left, 0), byte(right, 24),
                                   byte(right, 16), byte(right, 8), byte(right, 0)});
            break;
    }
}

common::Error plain_error(std::string message) {
    common::Error e;
    e.message = std::move(message);
    return e;
}

}  // namespace

// ---- Writer ------------------------------------------------------------------------------------

Writer::Writer(WriterOptions options) : options_(std::move(options)) {}

std::optional<std::string> Writer::insert(std::string_view cidr, const Value& record) {
    auto network = geo::Network::parse(cidr);
    if (!network) return network.error().front().message;
    return insert(*network, record);
}

std::optional<std::string> Writer::insert(const geo::Network& network, const Value& record) {
    if (!network.address.is_v4() && options_.ip_version == 4)
        return "IPv6 network " + network.to_string() + " in an IPv4 database";
    if (record.type() != Value::Type::map) return "a record must be a map";
    if (auto e = check_sizes(record)) return *e;
    if (!seen_.emplace(network.address.family(), network.address.raw_bytes(), network.prefix_len).second)
        return "duplicate network " + network.to_string();

    auto key = canonical(record);
    auto [it, added] = record_index_.emplace(std::move(key), static_cast<uint32_t>(records_.size()));
    if (added) records_.push_back(record);
    networks_.push_back(Entry{network, it->second});
    return std::nullopt;
}

common::Result<std::vector<uint8_t>> Writer::serialize() const {
    if (options_.ip_version != 4 && options_.ip_version != 6) return plain_error("ip_version must be 4 or 6");
    if (options_.record_size != 0 && options_.record_size != 24 && options_.record_size != 28 &&
        options_.record_size != 32)
        return plain_error("record size must be 24, 28 or 32");

    // Data section: each distinct record once.
    Encoder data(true);
    std::vector<uint32_t> record_offset(records_.size());
    for (std::size_t i = 0; i < records_.size(); ++i) {
        record_offset[i] = static_cast<uint32_t>(data.bytes().size());
        data.value(records_[i]);
    }

    // Tree: shorter prefixes first, so that more specific networks split them afterwards.
    std::vector<const Entry*> sorted;
    sorted.reserve(networks_.size());
    for (const auto& e : networks_) sorted.push_back(&e);
    std::stable_sort(sorted.begin(), sorted.end(), [&](const Entry* a, const Entry* b) {
        return tree_path(a->network, options_.ip_version).length < tree_path(b->network, options_.ip_version).length;
    });
    Tree tree;
    for (const Entry* e : sorted) tree.set(tree_path(e->network, options_.ip_version), Ref{Ref::Kind::data, e->record});
    if (options_.ip_version == 6 && options_.alias_ipv4_mapped) {
        Path v4_root;
        v4_root.length = 96;
        Path mapped;
        mapped.bytes[10] = 0xFF;
        mapped.bytes[11] = 0xFF;
        mapped.length = 96;
        tree.set(mapped, tree.get(v4_root));
    }

    std::vector<uint32_t> order;
    const std::vector<uint32_t> numbers = tree.number(order);
    const auto node_count = static_cast<uint64_t>(order.size());
    const uint64_t largest_record = node_count + kDataSectionSeparator + data.bytes().size();
    uint16_t record_size = options_.record_size;
    if (record_size == 0) record_size = largest_record < (1ULL << 24U) ? 24 : largest_record < (1ULL << 28U) ? 28 : 32;
    if (largest_record >= (1ULL << record_size)) {
        return plain_error("the database needs records larger than " + std::to_string(record_size) + " bits (" +
                           std::to_string(node_count) + " nodes, " + std::to_string(data.bytes().size()) +
                           " bytes of data)");
    }

    const auto record_value = [&](const Ref& r) -> uint64_t {
        switch (r.kind) {
            case Ref::Kind::node: return numbers[r.index];
            case Ref::Kind::data: return node_count + kDataSectionSeparator + record_offset[r.index];
            case Ref::Kind::empty: break;
        }
        return node_count;  // "no data" is the node count itself
    };

    std::vector<uint8_t> out;
    out.reserve(static_cast<std::size_t>(node_count) * record_size / 4 + kDataSectionSeparator + data.bytes().size() + 512);
    for (const uint32_t index : order) {
        const TreeNode& n = tree.node(index);
        put_record(out, record_value(n.child[0]), record_value(n.child[1]), record_size);
    }
    out.insert(out.end(), kDataSectionSeparator, 0);
    out.insert(out.end(), data.bytes().begin(), data.bytes().end());

    const uint64_t build_epoch =
        options_.build_epoch != 0 ? options_.build_epoch : static_cast<uint64_t>(std::time(nullptr));
    Value::Map description;
    description.emplace_back("en", Value::string(options_.description));
    Value::Array languages;
    for (const auto& l : options_.languages) languages.push_back(Value::string(l));
    const Value metadata = Value::map({
        {"binary_format_major_version", Value::u16(2)},
        {"binary_format_minor_version", Value::u16(0)},
        {"build_epoch", Value::u64(build_epoch)},
        {"database_type", Value::string(options_.database_type)},
        {"description", Value::map(std::move(description))},
        {"ip_version", Value::u16(options_.ip_version)},
        {"languages", Value::array(std::move(languages))},
        {"node_count", Value::u32(static_cast<uint32_t>(node_count))},
        {"record_size", Value::u16(record_size)},
    });
    out.insert(out.end(), kMetadataMarker.begin(), kMetadataMarker.end());
    Encoder meta(false);  // metadata pointers would be relative to the metadata: keep it simple
    meta.value(metadata);
    out.insert(out.end(), meta.bytes().begin(), meta.bytes().end());
    return out;
}

common::Result<std::size_t> Writer::write_file(const std::string& path) const {
    auto image = serialize();
    if (!image) return image.error();
    const auto fail = [&](const std::string& what) {
        common::Error e;
        e.file = path;
        e.message = what + ": " + std::strerror(errno);
        return e;
    };
    const std::string temporary = path + ".tmp";
    std::FILE* f = std::fopen(temporary.c_str(), "wb");
    if (f == nullptr) return fail("cannot create " + temporary);
    const bool written = std::fwrite(image->data(), 1, image->size(), f) == image->size();
    const bool closed = std::fclose(f) == 0;
    if (!written || !closed) {
        auto e = fail("cannot write " + temporary);
        std::remove(temporary.c_str());
        return e;
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        auto e = fail("cannot rename " + temporary);
        std::remove(temporary.c_str());
        return e;
    }
    return image->size();
}

}  // namespace mmdb
