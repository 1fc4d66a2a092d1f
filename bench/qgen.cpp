// qgen.cpp -- the bench's small UDP query sender: a fixed rate or a fixed count, with per-answer
// timing, for what dnsperf does not report (the longest gap between answers during a reload, the
// answers per 100 ms bin) and for sending a bounded query file to a server under valgrind.
//
// usage: qgen -p PORT (-d FILE | -B FILE) [-s 127.0.0.1] [-r QPS] [-l SECONDS] [-n QUERIES]
//             [-q OUTSTANDING] [-t TIMEOUT_S] [-w BIN_MS]
//   -d FILE   dnsperf text format ("name type" per line)     -B FILE  dnsperf -B binary format
//   -r QPS    send at this fixed rate (0 = as fast as -q allows; default 0)
//   -l S      stop sending after S seconds            -n N   stop after N queries (one pass: -n 0)
//   -q N      at most N queries outstanding (default 200; with -r the rate decides)
//   -t S      a query unanswered after S seconds is lost (default 1)
//   -w MS     bin width of the timeline (default 100)
//   -o FILE   write every gap between answers over 10 ms as "start_s gap_ms" lines, and then
//             the answers per bin as "bin start_s qps" lines
// Prints key=value lines: sent, answered, lost, qps, mean_ms, p99_ms, max_gap_ms (longest time
// between two consecutive answers while sending; max_gap_at_s: when it began, in seconds since the
// first query), min_bin_qps / max_bin_qps (answers per bin,
// scaled to q/s, over the complete bins while sending), and rcode counts.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Bytes = std::vector<uint8_t>;

int type_code(const std::string& t) {
    static const std::pair<const char*, int> kTypes[] = {{"A", 1},     {"NS", 2},   {"CNAME", 5}, {"SOA", 6},
                                                          {"PTR", 12}, {"MX", 15},  {"TXT", 16},  {"AAAA", 28},
                                                          {"SRV", 33}, {"ANY", 255}};
    for (const auto& [name, code] : kTypes)
        if (strcasecmp(name, t.c_str()) == 0) return code;
    if (t.rfind("TYPE", 0) == 0) return std::atoi(t.c_str() + 4);
    return -1;
}

bool text_query(const std::string& line, Bytes& out) {
    std::istringstream in(line);
    std::string name, type;
    if (!(in >> name >> type)) return false;
    const int code = type_code(type);
    if (code < 0) return false;
    out = {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    size_t start = 0;
    while (start < name.size()) {
        size_t dot = name.find('.', start);
        if (dot == std::string::npos) dot = name.size();
        const size_t len = dot - start;
        if (len == 0 || len > 63) return false;
        out.push_back(static_cast<uint8_t>(len));
        out.insert(out.end(), name.begin() + static_cast<long>(start), name.begin() + static_cast<long>(dot));
        start = dot + 1;
    }
    out.push_back(0);
    out.push_back(static_cast<uint8_t>(code >> 8));
    out.push_back(static_cast<uint8_t>(code));
    out.push_back(0);
    out.push_back(1);
    return true;
}

std::vector<Bytes> load(const std::string& path, bool binary) {
    std::vector<Bytes> queries;
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        std::fprintf(stderr, "qgen: cannot open %s\n", path.c_str());
        std::exit(2);
    }
    if (binary) {
        std::array<unsigned char, 2> len{};
        while (f.read(reinterpret_cast<char*>(len.data()), 2)) {
            Bytes q((static_cast<size_t>(len[0]) << 8) | len[1]);
            if (!f.read(reinterpret_cast<char*>(q.data()), static_cast<long>(q.size()))) break;
            if (q.size() >= 12) queries.push_back(std::move(q));
        }
    } else {
        std::string line;
        Bytes q;
        while (std::getline(f, line))
            if (!line.empty() && line[0] != '#' && text_query(line, q)) queries.push_back(q);
    }
    if (queries.empty()) {
        std::fprintf(stderr, "qgen: no queries in %s\n", path.c_str());
        std::exit(2);
    }
    return queries;
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
    std::string server = "127.0.0.1", file, timeline;
    bool binary = false;
    int port = 0;
    double rate = 0, limit_s = 0, timeout_s = 1, bin_ms = 100;
    long max_queries = -1, outstanding_cap = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string o = argv[i];
        const char* v = argv[i + 1];
        if (o == "-s") server = v;
        else if (o == "-p") port = std::atoi(v);
        else if (o == "-d") file = v;
        else if (o == "-B") file = v, binary = true;
        else if (o == "-r") rate = std::atof(v);
        else if (o == "-l") limit_s = std::atof(v);
        else if (o == "-n") max_queries = std::atol(v);
        else if (o == "-q") outstanding_cap = std::atol(v);
        else if (o == "-t") timeout_s = std::atof(v);
        else if (o == "-w") bin_ms = std::atof(v);
        else if (o == "-o") timeline = v;
        else {
            std::fprintf(stderr, "qgen: unknown option %s (see the comment at the top of qgen.cpp)\n", o.c_str());
            return 2;
        }
    }
    if (port <= 0 || file.empty() || (limit_s <= 0 && max_queries < 0)) {
        std::fprintf(stderr, "usage: qgen -p PORT (-d FILE | -B FILE) [-r QPS] (-l SECONDS | -n QUERIES) ...\n");
        return 2;
    }
    std::vector<Bytes> queries = load(file, binary);
    if (max_queries == 0) max_queries = static_cast<long>(queries.size());

    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int buf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, server.c_str(), &to.sin_addr) != 1 ||
        connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        std::perror("qgen: connect");
        return 2;
    }

    // One slot per query ID: when it was sent (0 = free). IDs wrap at 65536, so a query is lost
    // after timeout_s, which must stay below 65536 / rate.
    std::vector<Clock::time_point> sent_at(65536);
    std::vector<bool> busy(65536, false);
    std::vector<double> latencies;
    std::vector<double> answer_times;  // seconds since start, in arrival order
    std::array<long, 16> rcodes{};
    long sent = 0, answered = 0, lost = 0, outstanding = 0;
    uint16_t next_id = 0;
    const auto start = Clock::now();
    const auto timeout = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
    Clock::time_point send_end{};
    bool sending = true;
    size_t qi = 0;
    std::array<uint8_t, 4096> rx{};
    auto last_sweep = start;

    while (sending || outstanding > 0) {
        const auto now = Clock::now();
        const double t = seconds(now - start);
        if (sending && ((limit_s > 0 && t >= limit_s) || (max_queries >= 0 && sent >= max_queries))) {
            sending = false;
            send_end = now;
        }
        if (sending) {
            long want = rate > 0 ? static_cast<long>(rate * t) + 1 - sent : outstanding_cap - outstanding;
            if (rate > 0) want = std::min(want, 64L);
            if (max_queries >= 0) want = std::min(want, max_queries - sent);
            for (long k = 0; k < want; ++k) {
                if (busy[next_id]) break;  // every ID outstanding: wait for answers or the timeout
                Bytes& q = queries[qi];
                q[0] = static_cast<uint8_t>(next_id >> 8);
                q[1] = static_cast<uint8_t>(next_id);
                if (send(fd, q.data(), q.size(), 0) < 0) break;  // EAGAIN: try again next turn
                busy[next_id] = true;
                sent_at[next_id] = Clock::now();
                ++next_id;
                ++sent;
                ++outstanding;
                qi = (qi + 1) % queries.size();
            }
        } else if (now - send_end > timeout) {
            break;
        }
        for (;;) {
            const ssize_t n = recv(fd, rx.data(), rx.size(), 0);
            if (n < 12) break;
            const uint16_t id = static_cast<uint16_t>((rx[0] << 8) | rx[1]);
            if (!busy[id] || !(rx[2] & 0x80)) continue;
            const auto at = Clock::now();
            busy[id] = false;
            --outstanding;
            ++answered;
            ++rcodes[rx[3] & 0xF];
            latencies.push_back(seconds(at - sent_at[id]));
            answer_times.push_back(seconds(at - start));
        }
        if (now - last_sweep > std::chrono::milliseconds(50)) {  // expire lost queries
            last_sweep = now;
            for (size_t id = 0; id < busy.size(); ++id) {
                if (busy[id] && now - sent_at[id] > timeout) {
                    busy[id] = false;
                    --outstanding;
                    ++lost;
                }
            }
        }
    }
    lost += outstanding;
    close(fd);

    const double send_s = seconds((sending ? Clock::now() : send_end) - start);
    double max_gap = 0, max_gap_at = 0;
    for (size_t i = 1; i < answer_times.size(); ++i) {
        if (answer_times[i] <= send_s && answer_times[i] - answer_times[i - 1] > max_gap) {
            max_gap = answer_times[i] - answer_times[i - 1];
            max_gap_at = answer_times[i - 1];
        }
    }
    const double bin = bin_ms / 1000.0;
    const size_t bins = static_cast<size_t>(send_s / bin);
    std::vector<long> per_bin(bins + 1, 0);
    for (double a : answer_times)
        if (a < static_cast<double>(bins) * bin) ++per_bin[static_cast<size_t>(a / bin)];
    long min_bin = bins > 1 ? *std::min_element(per_bin.begin() + 1, per_bin.begin() + static_cast<long>(bins)) : 0;
    long max_bin = bins > 1 ? *std::max_element(per_bin.begin() + 1, per_bin.begin() + static_cast<long>(bins)) : 0;
    if (!timeline.empty()) {
        if (FILE* f = std::fopen(timeline.c_str(), "w")) {
            for (size_t i = 1; i < answer_times.size(); ++i)
                if (answer_times[i] - answer_times[i - 1] > 0.010)
                    std::fprintf(f, "%.4f %.1f\n", answer_times[i - 1], (answer_times[i] - answer_times[i - 1]) * 1000);
            for (size_t b = 0; b < bins; ++b)
                std::fprintf(f, "bin %.3f %.0f\n", static_cast<double>(b) * bin, static_cast<double>(per_bin[b]) / bin);
            std::fclose(f);
        }
    }
    double mean = 0;
    for (double l : latencies) mean += l;
    if (!latencies.empty()) mean /= static_cast<double>(latencies.size());
    std::sort(latencies.begin(), latencies.end());
    const double p99 = latencies.empty() ? 0 : latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];

    std::printf("sent=%ld\nanswered=%ld\nlost=%ld\nseconds=%.3f\nqps=%.0f\nmean_ms=%.3f\np99_ms=%.3f\n", sent, answered,
                lost, send_s, send_s > 0 ? static_cast<double>(answered) / send_s : 0.0, mean * 1000, p99 * 1000);
    std::printf("max_gap_ms=%.1f\nmax_gap_at_s=%.3f\n", max_gap * 1000, max_gap_at);
    std::printf("min_bin_qps=%.0f\nmax_bin_qps=%.0f\nbin_ms=%.0f\n", static_cast<double>(min_bin) / bin, static_cast<double>(max_bin) / bin, bin_ms);
    static const char* kRcodes[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
    for (size_t r = 0; r < rcodes.size(); ++r)
        if (rcodes[r] > 0) std::printf("rcode_%s=%ld\n", r < 6 ? kRcodes[r] : std::to_string(r).c_str(), rcodes[r]);
    return answered > 0 ? 0 : 1;
}
