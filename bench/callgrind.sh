#!/usr/bin/env bash
# callgrind.sh -- user-space instructions per answered query, per workload, under callgrind (issue #5).
#
# Starts the Release dnsd once under `valgrind --tool=callgrind` with the bench zone, then for each
# workload: send a fixed query file once to warm caches (the geo decision cache, the CPU's), zero
# the counters (callgrind_control -z), send the same file again with dnsperf (`-n 1`, few queries
# outstanding so none is dropped), and dump the counters (callgrind_control -d).
# An idle interval is dumped the same way. Per workload it reports:
#   Ir/query (process)   every user-space instruction of the process in the interval (all
#                        threads: receive loop, answer, send, idle wake-ups), minus the idle
#                        interval's rate x duration, divided by the answers dnsperf counted
#   Ir/query (answer)    the inclusive cost of dnsd::Responder::answer() alone, per answer
# Instruction counts do not depend on the load of the machine, unlike times: this is the number
# to compare before and after a change. Kernel work (recvmmsg/sendmmsg) is not counted.
#
# usage: bench/callgrind.sh [--queries N] [--workloads static,rr,geo,tcp] [--no-results]
#        (default: 20000 queries, all workloads; the table goes to the callgrind section of RESULTS.md)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

QUERIES=20000 WORKLOADS=static,rr,geo,tcp WRITE_RESULTS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-results) WRITE_RESULTS=0 ;;
    --queries) QUERIES=$2; shift ;;
    --workloads) WORKLOADS=$2; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
IFS=, read -r -a WORKLOAD_LIST <<<"$WORKLOADS"

mkdir -p "$OUT"
install_cleanup
ensure_packages
: >"$OUT/build.log"
build_mmdb_tool
build_dnsd || die "dnsd did not build (log: $OUT/build.log)"
generate_bench_data

CG=$OUT/callgrind
rm -rf "$CG"; mkdir -p "$CG"
# The fixed query files: the first N queries of each workload's file.
head -n "$QUERIES" "$OUT/queries/static.txt" >"$CG/static.txt"
head -n "$QUERIES" "$OUT/queries/rr.txt" >"$CG/rr.txt"
python3 - "$OUT/queries/geo.bin" "$CG/geo.bin" "$QUERIES" <<'EOF'
import sys
data, out, n = open(sys.argv[1], "rb").read(), bytearray(), int(sys.argv[3])
pos = 0
while n > 0 and pos < len(data):
    l = int.from_bytes(data[pos:pos + 2], "big"); out += data[pos:pos + 2 + l]; pos += 2 + l; n -= 1
open(sys.argv[2], "wb").write(out)
EOF
workload_args() {
  case "$1" in
    static) echo "-d $CG/static.txt" ;;
    rr) echo "-d $CG/rr.txt" ;;
    geo) echo "-B -d $CG/geo.bin" ;;
    tcp) echo "-m tcp -d $CG/static.txt" ;;
    *) die "unknown workload $1" ;;
  esac
}

port=$(next_free_port "$PORT_BASE")
DNSD_GEO_DB=$OUT/bench.mmdb write_conf dnsd "$CG/srv" "$port" "$OUT/dnsd/zones"
SERVER_CMD=(valgrind --tool=callgrind --callgrind-out-file="$CG/callgrind.out" "${SERVER_CMD[@]}")
log "starting dnsd under callgrind (loading the zone takes a while under valgrind)"
start_server dnsd "$CG/srv" "$port" 600 || die "dnsd did not start under valgrind (log: $CG/srv/server.log)"
PID=${SERVER_PID[dnsd]}
log "dnsd answered ${LOAD_SECONDS}s after start"

dump=0
declare -A DUMP_OF=() SECONDS_OF=() ANSWERED_OF=()
# interval NAME COMMAND...: zero, run, dump; records the dump file, the wall time and the answers.
interval() {
  local name=$1 t0 t1; shift
  callgrind_control -z "$PID" >/dev/null 2>&1
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  callgrind_control -d "$name" "$PID" >/dev/null 2>&1
  dump=$((dump + 1))
  DUMP_OF[$name]=$CG/callgrind.out.$dump
  SECONDS_OF[$name]=$(python3 -c "print($t1 - $t0)")
}
for w in "${WORKLOAD_LIST[@]}"; do
  read -r -a args <<<"$(workload_args "$w")"
  log "$w: $QUERIES queries, twice (the first pass warms caches and is not counted)"
  dnsperf_run "$CG/$w.warmup.txt" "$port" -n 1 -c 1 -q 20 -t 5 "${args[@]}"
  interval "$w" dnsperf_run "$CG/$w.dnsperf.txt" "$port" -n 1 -c 1 -q 20 -t 5 "${args[@]}"
  ANSWERED_OF[$w]=$(awk '/Queries completed:/ {print $3}' "$CG/$w.dnsperf.txt")
done
log "idle interval"
interval idle sleep 3
stop_server dnsd
for f in "${DUMP_OF[@]}"; do
  for _ in $(seq 1 50); do [ -s "$f" ] && break; sleep 0.1; done
  [ -s "$f" ] || die "no callgrind dump $f"
done

total_ir() { awk '/^(summary|totals):/ {print $2; exit}' "$1"; }
answer_ir() {
  callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
    awk '/dnsd::Responder::answer\(/ && !/answer_/ && !done {gsub(",", "", $1); print $1; done = 1}'
}
idle_rate=$(python3 -c "print($(total_ir "${DUMP_OF[idle]}") / ${SECONDS_OF[idle]})")
{
  printf '| workload | answered | Ir/query (process) | Ir/query (answer) | interval s |\n|---|---:|---:|---:|---:|\n'
  for w in "${WORKLOAD_LIST[@]}"; do
    f=${DUMP_OF[$w]}
    python3 - "$w" "${ANSWERED_OF[$w]:-0}" "$(total_ir "$f")" "$(answer_ir "$f")" "${SECONDS_OF[$w]}" "$idle_rate" <<'EOF'
import sys
w, n, total, answer, secs, idle = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5]), float(sys.argv[6])
proc = (total - idle * secs) / n if n else float("nan")
ans = int(answer) / n if n and answer else float("nan")
print(f"| {w} | {n:,} | {proc:,.0f} | {ans:,.0f} | {secs:.1f} |")
EOF
  done
  printf '\nidle: %.0f Ir/s (receive time-outs, control and prober threads), subtracted above\n' "$idle_rate"
} | tee "$CG/summary.md"
if [ "$WRITE_RESULTS" = 1 ]; then
  {
    printf '## Instructions per answered query (`bench/callgrind.sh`)\n\n'
    machine_summary
    printf -- '- %s queries per workload, each file sent twice (the first pass warms caches), dnsd %s\n\n' \
      "$QUERIES" "$(sed "s|$REPO_DIR/||g" <<<"$DNSD")"
    cat "$CG/summary.md"
    printf '\nIssue #5 asks for at most 1,000 on static and round-robin and 1,500 on geo.\n\n'
    printf 'Commands:\n\n```text\n'
    echo "valgrind --tool=callgrind --callgrind-out-file=bench/out/callgrind/callgrind.out build-bench/dnsd/dnsd -c bench/out/callgrind/srv/dnsd.toml"
    for w in "${WORKLOAD_LIST[@]}"; do
      echo "callgrind_control -z PID; dnsperf -s 127.0.0.1 -p PORT -T 1 -b 2048 -n 1 -c 1 -q 20 -t 5 $(workload_args "$w" | sed "s|$REPO_DIR/||g"); callgrind_control -d $w PID"
    done
    printf '```\n'
  } >"$CG/section.md"
  python3 "$BENCH_DIR/report.py" section "$BENCH_DIR/RESULTS.md" callgrind "$CG/section.md"
fi
log "callgrind dumps in $CG/ (open with callgrind_annotate or kcachegrind)"
