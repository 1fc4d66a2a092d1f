#!/usr/bin/env bash
# health.sh -- issue 3's benchmark: 10,000 health targets probed every 2 s by dnsd's one prober
# thread (its CPU share of one core, from /proc), and query throughput of 1,000 balanced names
# against 1,000 static names with the same answer size, while the probes run. Bounded: about
# 2 minutes. Loopback only; everything started is stopped by PID. Results: bench/out/health/health.md
# and the health section of bench/RESULTS.md.
#
# On one machine a loopback connect() runs the whole TCP handshake, the backend's half included,
# inside the prober's syscall, so the prober's figure is an upper bound of its cost against real
# remote backends. The backend (acceptor.cpp) drains its accept queue on a timer rather than
# sleeping on it, so that waking it is not charged to the prober as well.
#   bench/health.sh [--targets N] [--seconds S]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TARGETS=10000
SAMPLE_S=20
while [ $# -gt 0 ]; do
  case "$1" in
    --targets) TARGETS=$2; shift 2 ;;
    --seconds) SAMPLE_S=$2; shift 2 ;;
    *) die "usage: $0 [--targets N] [--seconds S]" ;;
  esac
done
NAMES=$((TARGETS / 10))   # 10 members per balanced name

mkdir -p "$OUT/health/zones"
install_cleanup
ensure_packages
build_dnsd || die "dnsd does not build"
g++ -std=c++20 -O2 -o "$OUT/acceptor" "$BENCH_DIR/acceptor.cpp"

CHECK_PORT=$(next_free_port 18080)
DNS_PORT=$(next_free_port 15390)
CONTROL_PORT=$(next_free_port 18053)

# Zone: NAMES balanced names x 10 loopback members (127.1.x.y: distinct targets), answers = 4,
# and NAMES static names with 4 A records each, so both kinds of answer are the same size.
python3 - "$OUT/health/zones/bench.test.toml" "$NAMES" "$CHECK_PORT" <<'PY'
import sys
path, names, port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
out = ['origin = "bench.test."', '[records]', '"@" = { NS = ["ns1"] }', 'ns1 = { A = "192.0.2.53" }']
for i in range(names):
    out.append(f's{i} = {{ A = ["192.0.2.{i % 250 + 1}", "192.0.2.{(i + 1) % 250 + 1}", '
               f'"192.0.2.{(i + 2) % 250 + 1}", "192.0.2.{(i + 3) % 250 + 1}"] }}')
for i in range(names):
    members = []
    for n in range(i * 10, i * 10 + 10):   # 127.1.0.1 onwards, last octet 1..254
        members.append(f'"127.{1 + n // (254 * 256)}.{(n // 254) % 256}.{n % 254 + 1}"')
    out += [f'[balance.b{i}]', 'answers = 4', 'check = "tcp"', f'members = [{", ".join(members)}]']
out += ['[checks.tcp]', 'type = "tcp"', f'port = {port}', 'interval = "2s"', 'timeout = "1s"', 'fall = 2', 'rise = 2']
open(path, "w").write("\n".join(out) + "\n")
PY
cat >"$OUT/health/dnsd.toml" <<EOF2
[server]
listen = ["127.0.0.1:$DNS_PORT"]
threads = 1
zones = "zones"
[control]
http = "127.0.0.1:$CONTROL_PORT"
EOF2
awk -v n="$NAMES" 'BEGIN { for (i = 0; i < n; i++) print "s" i ".bench.test. A" }' >"$OUT/health/static.txt"
awk -v n="$NAMES" 'BEGIN { for (i = 0; i < n; i++) print "b" i ".bench.test. A" }' >"$OUT/health/balanced.txt"

taskset -c "$CLIENT_CPU" "$OUT/acceptor" "$CHECK_PORT" 600 >"$OUT/health/acceptor.log" 2>&1 &
STARTED_PIDS+=($!)
SERVER_CMD=("$DNSD" -c "$OUT/health/dnsd.toml")
start_server dnsd "$OUT/health" "$DNS_PORT" 60 >/dev/null || die "dnsd did not start"
pid=${SERVER_PID[dnsd]}

prober_tid() {
  local t
  for t in /proc/"$pid"/task/*; do
    [ "$(cat "$t/comm" 2>/dev/null)" = dnsd-prober ] && { basename "$t"; return; }
  done
}
thread_ticks() { awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[12] + f[13] }' "/proc/$pid/task/$1/stat"; }
thread_user_ticks() { awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[12] }' "/proc/$pid/task/$1/stat"; }

tid=$(prober_tid)
[ -n "$tid" ] || die "no dnsd-prober thread"
log "dnsd serves $NAMES balanced names = $TARGETS targets (TCP check every 2 s); warming up 6 s"
sleep 6
up=$(curl -s "127.0.0.1:$CONTROL_PORT/metrics" | awk '/^dnsd_health_targets_up/ {print $2}')
# The prober's core as a whole: busy ticks (all but idle and iowait) and softirq ticks (network
# work done there on nobody's account). Anything else running on that core counts too, so this
# line is only meaningful on a quiet machine.
core_busy() { awk -v c="cpu$SERVER_CPU" '$1 == c { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
core_softirq() { awk -v c="cpu$SERVER_CPU" '$1 == c { print $8 }' /proc/stat; }
wakeups() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$pid/task/$1/status"; }
hz=$(getconf CLK_TCK)
t0=$(thread_ticks "$tid"); u0=$(thread_user_ticks "$tid"); w0=$(wakeups "$tid")
b0=$(core_busy); q0=$(core_softirq); s0=$(date +%s.%N)
sleep "$SAMPLE_S"
t1=$(thread_ticks "$tid"); u1=$(thread_user_ticks "$tid"); w1=$(wakeups "$tid")
b1=$(core_busy); q1=$(core_softirq); s1=$(date +%s.%N)
percent() { python3 -c "print(f'{100 * ($2 - $1) / $hz / ($s1 - $s0):.1f}')"; }
share=$(percent "$t0" "$t1"); user_share=$(percent "$u0" "$u1")
core_share=$(percent "$b0" "$b1"); softirq_share=$(percent "$q0" "$q1")
wake_rate=$(python3 -c "print(round(($w1 - $w0) / ($s1 - $s0)))")
log "prober thread: ${share}% of one core for $TARGETS targets ($up up), $wake_rate wake-ups/s; its core busy ${core_share}% (softirq ${softirq_share}%)"

# Throughput: alternate static and balanced, 3 rounds of 5 s each, probes running.
declare -A QPS=()
for round in 1 2 3; do
  for kind in static balanced; do
    dnsperf_run "$OUT/health/dnsperf-$kind-$round.txt" "$DNS_PORT" -d "$OUT/health/$kind.txt" -l 5 -c 4 -q 500
    q=$(awk '/Queries per second/ {print $4}' "$OUT/health/dnsperf-$kind-$round.txt")
    QPS[$kind]="${QPS[$kind]:-} $q"
    log "round $round $kind: $q q/s"
  done
done
median() { printf '%s\n' $1 | sort -n | sed -n 2p; }
ms=$(median "${QPS[static]}"); mb=$(median "${QPS[balanced]}")
ratio=$(python3 -c "print(f'{$mb / $ms:.3f}')")

{
  echo "## Health checks: one prober thread, 10,000 targets (\`bench/health.sh\`)"
  echo
  machine_summary
  echo "- command: bench/health.sh --targets $TARGETS --seconds $SAMPLE_S"
  echo
  echo "| measure | value |"
  echo "| --- | --- |"
  echo "| health targets (TCP connect, interval 2 s) | $TARGETS ($up up) |"
  echo "| prober thread CPU, share of one core (user + kernel) | ${share} % |"
  echo "| of which user space (the rest is the kernel's TCP work for both ends, on loopback) | ${user_share} % |"
  echo "| prober thread wake-ups per second | $wake_rate |"
  echo "| the prober's core busy, all causes (softirq part) | ${core_share} % (${softirq_share} %) |"
  echo "| static answers (4 A), median q/s | $ms |"
  echo "| balanced answers (4 of 10 members), median q/s | $mb |"
  echo "| balanced / static | $ratio |"
} | tee "$OUT/health/health.md"
python3 "$BENCH_DIR/report.py" section "$BENCH_DIR/RESULTS.md" health "$OUT/health/health.md"
