#!/usr/bin/env bash
# run.sh -- the one bench command: dnsd side by side with NSD, Knot DNS and gdnsd (issue #5).
#
# Builds dnsd (Release), installs the peers and dnsperf if missing, generates one zone for all four
# servers, starts them on loopback ports (server pinned to CPU 1, load generator to CPU 0), then
# for each workload runs dnsperf against each server in turn (A B C D, A B C D, ...), and prints
# medians and dnsd's ratios; bench/RESULTS.md gets the same table with machine, date and commands.
#
# usage: bench/run.sh [--rounds N] [--seconds S] [--latency-seconds S] [--workloads LIST]
#                     [--servers LIST] [--quick] [--callgrind] [--no-results]
#   --workloads  comma list of static,rr,geo,tcp (default: all)
#   --servers    comma list of dnsd,nsd,knot,gdnsd (default: all)
#   --quick      1 round of 2 s + 1 s (a smoke test; numbers are not worth keeping)
#   --callgrind  instead of the timed runs: instructions per query under callgrind (callgrind.sh)
#   --no-results print the table but leave bench/RESULTS.md alone
# Environment: DNSD_BIN (use this binary, skip the build), BENCH_OUT, BENCH_PORT,
#              BENCH_SERVER_CPU / BENCH_CLIENT_CPU (default 1 / 0).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=3 SAT_S=3 LAT_S=2 LAT_QPS=20000 TIMEOUT_S=0.3
WORKLOADS=static,rr,geo,tcp SERVERS=dnsd,nsd,knot,gdnsd WRITE_RESULTS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift ;;
    --seconds) SAT_S=$2; shift ;;
    --latency-seconds) LAT_S=$2; shift ;;
    --workloads) WORKLOADS=$2; shift ;;
    --servers) SERVERS=$2; shift ;;
    --quick) ROUNDS=1 SAT_S=2 LAT_S=1 ;;
    --callgrind) shift; exec "$BENCH_DIR/callgrind.sh" "$@" ;;
    --no-results) WRITE_RESULTS=0 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
IFS=, read -r -a WORKLOAD_LIST <<<"$WORKLOADS"
IFS=, read -r -a SERVER_LIST <<<"$SERVERS"

T_START=$(date +%s)
mkdir -p "$OUT"
install_cleanup
ensure_packages

# dnsd and its MMDB writer; without dnsd the peers still run, and the report says why.
: >"$OUT/build.log"
build_mmdb_tool
DNSD_OK=1
build_dnsd || { DNSD_OK=0; log "dnsd did not build: running the peers only"; }

generate_bench_data
RUNS=$OUT/runs
rm -rf "$RUNS"; mkdir -p "$RUNS"
RESULTS_TSV=$OUT/results.tsv
printf 'workload\tserver\tround\tkind\tqps\tcompleted\tlost\tcpu_s\tuser_s\tmean_ms\tp99_ms\n' >"$RESULTS_TSV"
MEM_TSV=$OUT/memory.tsv
printf 'server\tload_s\trss_kb\tpss_kb\n' >"$MEM_TSV"

# ---- start every server once; they stay up (idle) while the others are measured ----------------
port=$PORT_BASE
ACTIVE=()
for s in "${SERVER_LIST[@]}"; do
  if [ "$s" = dnsd ] && [ "$DNSD_OK" = 0 ]; then continue; fi
  port=$(next_free_port "$port")
  case "$s" in
    dnsd) DNSD_GEO_DB=$OUT/bench.mmdb write_conf dnsd "$OUT/srv/dnsd" "$port" "$OUT/dnsd/zones" ;;
    gdnsd) GDNSD_PLUGINS=$OUT/gdnsd/plugins.conf write_conf gdnsd "$OUT/srv/gdnsd" "$port" "$OUT/gdnsd/zones/bench.test" ;;
    *) write_conf "$s" "$OUT/srv/$s" "$port" "$OUT/rfc1035/bench.test.zone" ;;
  esac
  if start_server "$s" "$OUT/srv/$s" "$port" 120; then
    log "$s: pid ${SERVER_PID[$s]}, 127.0.0.1:$port, answered the SOA ${LOAD_SECONDS}s after start"
    ACTIVE+=("$s")
    printf '%s\t%s\n' "$s" "$LOAD_SECONDS" >>"$OUT/load.tsv.tmp"
    echo "${SERVER_CMD[*]}" >"$OUT/srv/$s/command"
  else
    [ "$s" = dnsd ] && DNSD_OK=0
  fi
  port=$((port + 1))
done
[ ${#ACTIVE[@]} -gt 0 ] || die "no server started"

# Answers must agree before they are timed: same rcode and address count for a sample of names,
# and, among the servers that select by location (dnsd, gdnsd), the same addresses for an ECS query.
check_answers() {
  local s q out
  for s in "${ACTIVE[@]}"; do
    for q in "h7.$ORIGIN A" "h7.$ORIGIN AAAA" "nx7.$ORIGIN A" "rr3.$ORIGIN A" "geo5.$ORIGIN A"; do
      # shellcheck disable=SC2086
      out=$(dig +norec +time=2 +tries=1 -p "${SERVER_PORT[$s]}" @127.0.0.1 $q | awk '
        /status:/ {sub(",", "", $6); st=$6} /^[^;].*\tIN\t(A|AAAA)\t/ {n++} END {print st, n+0}')
      printf '%s|%s|%s\n' "$s" "$q" "$out"
    done
    case "$s" in dnsd|gdnsd)
      for sub in 20.0.0.0 20.0.4.0 20.0.8.0 20.0.12.0; do   # EU, NA, AS, SA (default) clients
        out=$(dig +norec +short +time=2 +tries=1 -p "${SERVER_PORT[$s]}" @127.0.0.1 "geo5.$ORIGIN" A +subnet=$sub/24 | sort | tr '\n' ' ')
        printf '%s|geo5.%s A +subnet=%s/24|%s\n' "$s" "$ORIGIN" "$sub" "$out"
      done ;;
    esac
  done >"$OUT/answers.txt"
  local disagree
  disagree=$(awk -F'|' '{if (($2 in v) && v[$2] != $3) bad[$2] = 1; v[$2] = $3} END {for (k in bad) print k}' "$OUT/answers.txt")
  if [ -n "$disagree" ]; then
    log "servers disagree on: $(echo "$disagree" | tr '\n' ';') (see $OUT/answers.txt)"
  fi
}
check_answers

# ---- the measured runs -------------------------------------------------------------------------
workload_args() {
  case "$1" in
    static) echo "-d $OUT/queries/static.txt -c 1 -q 500" ;;
    rr) echo "-d $OUT/queries/rr.txt -c 1 -q 500" ;;
    geo) echo "-B -d $OUT/queries/geo.bin -c 1 -q 500" ;;
    tcp) echo "-m tcp -d $OUT/queries/static.txt -c 10 -q 500" ;;
  esac
}
CLK_TCK=$(getconf CLK_TCK)

# measure WORKLOAD SERVER ROUND KIND DNSPERF-ARGS...: one dnsperf run, server CPU from /proc.
measure() {
  local w=$1 s=$2 r=$3 kind=$4; shift 4
  local pid=${SERVER_PID[$s]} out_file=$RUNS/$w.$s.$r.$kind.txt u0 s0 u1 s1 p99=nan
  read -r u0 s0 <<<"$(cpu_ticks "$pid")"
  dnsperf_run "$out_file" "${SERVER_PORT[$s]}" "$@" || log "dnsperf exited non-zero for $w/$s (see $out_file)"
  read -r u1 s1 <<<"$(cpu_ticks "$pid")"
  kill -0 "$pid" 2>/dev/null || die "$s (pid $pid) died during $w; log: $OUT/srv/$s/server.log"
  [ "$kind" = lat ] && p99=$(python3 "$BENCH_DIR/dnsq.py" percentile "$out_file" 99 || true)
  awk -v w="$w" -v s="$s" -v r="$r" -v k="$kind" -v cpu="$(( u1 + s1 - u0 - s0 ))" -v user="$(( u1 - u0 ))" \
    -v hz="$CLK_TCK" -v p99="$p99" '
    /Queries completed:/ {done=$3} /Queries lost:/ {lost=$3} /Queries per second:/ {qps=$4}
    /Average Latency/ && !m {mean = $4 * 1000; m = 1}   # TCP runs add a connection latency later
    END {printf "%s\t%s\t%s\t%s\t%.0f\t%d\t%d\t%.2f\t%.2f\t%.3f\t%s\n", w, s, r, k, qps, done, lost, cpu / hz, user / hz, mean, p99}' \
    "$out_file" >>"$RESULTS_TSV"
  if [ "$kind" = lat ]; then grep -v '^> ' "$out_file" >"$out_file.tmp" && mv "$out_file.tmp" "$out_file"; fi   # keep the summary only
}

total=$(( ${#WORKLOAD_LIST[@]} * ROUNDS * ${#ACTIVE[@]} ))
n=0
for w in "${WORKLOAD_LIST[@]}"; do
  read -r -a args <<<"$(workload_args "$w")"
  [ ${#args[@]} -gt 0 ] || die "unknown workload $w"
  for ((r = 1; r <= ROUNDS; r++)); do
    for s in "${ACTIVE[@]}"; do
      n=$((n + 1))
      log "[$n/$total] $w round $r: $s"
      measure "$w" "$s" "$r" sat -l "$SAT_S" -t "$TIMEOUT_S" "${args[@]}"
      measure "$w" "$s" "$r" lat -l "$LAT_S" -t "$TIMEOUT_S" -Q "$LAT_QPS" -v "${args[@]}"
    done
  done
done

for s in "${ACTIVE[@]}"; do
  check_pinning "${SERVER_PID[$s]}" || log "$s moved threads off CPU $SERVER_CPU during the run: its numbers are suspect"
  read -r rss pss <<<"$(mem_kb "${SERVER_PID[$s]}")"
  printf '%s\t%s\t%s\t%s\n' "$s" "$(awk -v s="$s" '$1 == s {print $2}' "$OUT/load.tsv.tmp")" "$rss" "$pss" >>"$MEM_TSV"
done
rm -f "$OUT/load.tsv.tmp"
stop_all 15

# ---- report ------------------------------------------------------------------------------------
ELAPSED=$(( $(date +%s) - T_START ))
{
  machine_summary
  printf -- '- run: %s rounds per workload, servers in order %s; saturation runs `-l %s`, latency runs `-l %s -Q %s`; whole run %ss\n' \
    "$ROUNDS" "${ACTIVE[*]}" "$SAT_S" "$LAT_S" "$LAT_QPS" "$ELAPSED"
  [ "$DNSD_OK" = 1 ] || printf -- '- dnsd: NOT MEASURED (build or start failed; see %s)\n' "$OUT/build.log"
} >"$OUT/machine.md"
{
  echo "servers (each pinned with \`taskset -c $SERVER_CPU\`):"
  for s in "${ACTIVE[@]}"; do echo "    $(sed "s|$REPO_DIR/||g" "$OUT/srv/$s/command")"; done
  echo "load (pinned with \`taskset -c $CLIENT_CPU\`), per workload:"
  for w in "${WORKLOAD_LIST[@]}"; do
    echo "    $w: dnsperf -s 127.0.0.1 -p PORT -T 1 -b 2048 -l $SAT_S -t $TIMEOUT_S $(workload_args "$w" | sed "s|$REPO_DIR/||g")   (+ -l $LAT_S -Q $LAT_QPS -v for latency)"
  done
} >"$OUT/commands.txt"
report_args=("$RESULTS_TSV" "$MEM_TSV" "$OUT/machine.md" "$OUT/commands.txt")
[ "$WRITE_RESULTS" = 1 ] && report_args+=(--write "$BENCH_DIR/RESULTS.md")
python3 "$BENCH_DIR/report.py" "${report_args[@]}"
log "done in ${ELAPSED}s; raw dnsperf output in $RUNS/"
