#!/usr/bin/env bash
# loadtime.sh -- zone load time, memory after load, and answering during a reload (issue #5, item 4).
#
#   1. Two bulk zones as RFC 1035 files: 200,000 names x 4 A, and 1,000,000 names x 1 A (set
#      --big-addrs 4 for 4,000,000 RRs). dnsd reads each through a small TOML zone that includes
#      the file (DESIGN.md "Bulk records"); NSD, Knot and gdnsd serve the same records from one
#      file. Per server: seconds from exec to the first SOA answer, and RSS / PSS after load.
#   2. A 10,000-name pure-TOML zone: `dnsd check` wall time, and dnsd's start -> SOA time.
#   3. dnsd reloading the bulk zones (SIGHUP) while the bench's sender (qgen) offers a fixed
#      20,000 q/s: the longest gap between two answers, the fewest answers in a 100 ms bin
#      (as q/s), lost queries, how long the reload took, and the peak RSS (VmHWM).
#
# usage: bench/loadtime.sh [--servers dnsd,nsd,knot,gdnsd] [--big-names N] [--big-addrs N] [--no-results]
#        (the tables go to the loadtime section of RESULTS.md)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

SERVERS=dnsd,nsd,knot,gdnsd BIG_NAMES=1000000 BIG_ADDRS=1 RELOAD_QPS=20000 WRITE_RESULTS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-results) WRITE_RESULTS=0 ;;
    --servers) SERVERS=$2; shift ;;
    --big-names) BIG_NAMES=$2; shift ;;
    --big-addrs) BIG_ADDRS=$2; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift
done
IFS=, read -r -a SERVER_LIST <<<"$SERVERS"

mkdir -p "$OUT"
install_cleanup
ensure_packages
: >"$OUT/build.log"
DNSD_OK=1
build_dnsd || { DNSD_OK=0; log "dnsd did not build: measuring the peers only"; }
build_qgen

L=$OUT/load
mkdir -p "$L"
# make_zone NAME NAMES ADDRS: $L/NAME.body (records only, dnsd's include), $L/NAME.zone (SOA + body,
# the peers' file) and $L/NAME.dnsd/bench.test.toml (the TOML zone that includes the body).
make_zone() {
  local name=$1 names=$2 addrs=$3
  if [ ! -s "$L/$name.body" ] || [ "$BENCH_DIR/gen.py" -nt "$L/$name.body" ]; then
    log "generating $name: $names names x $addrs A"
    python3 "$BENCH_DIR/gen.py" bulk "$L/$name.body" "$names" "$addrs"
  fi
  python3 - "$L/$name.zone" <<'EOF'
import sys
sys.path.insert(0, __import__("os").environ["BENCH_DIR"])
import gen
open(sys.argv[1], "w").write(gen.soa_ns_text())
EOF
  cat "$L/$name.body" >>"$L/$name.zone"
  mkdir -p "$L/$name.dnsd"
  cat >"$L/$name.dnsd/bench.test.toml" <<EOF
# $name: the records are in an RFC 1035 file (DESIGN.md, "Bulk records")
origin = "$ORIGIN"
ttl = 3600
include = ["$L/$name.body"]
[soa]
primary = "ns1"
contact = "hostmaster.bench.test."
serial = 1
[records]
"@" = { NS = ["ns1"] }
ns1 = { A = "192.0.2.53" }
EOF
}
export BENCH_DIR
make_zone z200k 200000 4
make_zone z1m "$BIG_NAMES" "$BIG_ADDRS"
python3 "$BENCH_DIR/gen.py" toml "$L/toml10k/bench.test.toml" 10000
python3 -c "
import random
r = random.Random(1)
open('$L/queries.txt', 'w').write(''.join(f'n{r.randrange(200000)}.$ORIGIN A\n' for _ in range(100000)))"

TSV=$L/loadtime.tsv
printf 'zone\tserver\tload_s\trss_kb\tpss_kb\n' >"$TSV"
port=$(next_free_port "$PORT_BASE")
for zone in z200k z1m; do
  for s in "${SERVER_LIST[@]}"; do
    if [ "$s" = dnsd ] && [ "$DNSD_OK" = 0 ]; then continue; fi
    port=$(next_free_port "$port")
    if [ "$s" = dnsd ]; then write_conf dnsd "$L/srv.$s" "$port" "$L/$zone.dnsd"
    else write_conf "$s" "$L/srv.$s" "$port" "$L/$zone.zone"; fi
    if start_server "$s" "$L/srv.$s" "$port" 300; then
      sleep 0.5   # let forked children (NSD) settle before reading memory
      read -r rss pss <<<"$(mem_kb "${SERVER_PID[$s]}")"
      log "$zone $s: SOA after ${LOAD_SECONDS}s, RSS $((rss / 1024)) MiB, PSS $((pss / 1024)) MiB"
      printf '%s\t%s\t%s\t%s\t%s\n' "$zone" "$s" "$LOAD_SECONDS" "$rss" "$pss" >>"$TSV"
      stop_server "$s"
    else
      printf '%s\t%s\tfailed\t0\t0\n' "$zone" "$s" >>"$TSV"
    fi
  done
done

TOML_CHECK=- TOML_START=- RELOAD_TSV=$L/reload.tsv
printf 'zone\treload_s\tgap_in_ms\tgap_out_ms\tmin_bin_qps\tlost\tsent\thwm_kb\n' >"$RELOAD_TSV"
if [ "$DNSD_OK" = 1 ]; then
  t0=$(date +%s.%N)
  "$DNSD" check "$L/toml10k/bench.test.toml" >"$L/toml10k.check.log" 2>&1 || log "dnsd check failed: $(tail -3 "$L/toml10k.check.log")"
  TOML_CHECK=$(python3 -c "print(f'{$(date +%s.%N) - $t0:.3f}')")
  port=$(next_free_port "$port")
  write_conf dnsd "$L/srv.toml10k" "$port" "$L/toml10k"
  if start_server dnsd "$L/srv.toml10k" "$port" 60; then TOML_START=$LOAD_SECONDS; stop_server dnsd; fi
  log "10,000-name TOML zone: dnsd check ${TOML_CHECK}s, start -> SOA ${TOML_START}s"

  # Reload under load: the sender offers a fixed rate; SIGHUP after 1 s; the log says when it is done.
  for zone in z200k z1m; do
    port=$(next_free_port "$port")
    write_conf dnsd "$L/srv.reload" "$port" "$L/$zone.dnsd"
    start_server dnsd "$L/srv.reload" "$port" 300 || continue
    load_s=$LOAD_SECONDS pid=${SERVER_PID[dnsd]}
    secs=$(python3 -c "print(min(60, round(2 + 2.5 * $load_s)))")
    qfile=$L/queries.txt
    q0=$(date +%s.%N)
    taskset -c "$CLIENT_CPU" "$QGEN" -p "$port" -d "$qfile" -r "$RELOAD_QPS" -l "$secs" -t 1 \
      -o "$L/reload.$zone.timeline" >"$L/reload.$zone.qgen" &
    qpid=$!; STARTED_PIDS+=("$qpid")
    sleep 1
    lines=$(wc -l <"$L/srv.reload/server.log")
    touch "$L/$zone.body"
    h0=$(date +%s.%N)
    kill -HUP "$pid"
    reload_s=timeout done_at=-
    for ((i = 0; i < secs * 100; i++)); do
      if tail -n +"$((lines + 1))" "$L/srv.reload/server.log" | grep -q 'reload'; then
        if tail -n +"$((lines + 1))" "$L/srv.reload/server.log" | grep -q -E 'reloaded|reload failed'; then
          h1=$(date +%s.%N)
          reload_s=$(python3 -c "print(f'{$h1 - $h0:.3f}')"); done_at=$(python3 -c "print(f'{$h1 - $q0:.2f}')"); break
        fi
      fi
      sleep 0.01
    done
    wait "$qpid" || true; forget_pid "$qpid"
    hwm=$(hwm_kb "$pid")
    stop_server dnsd
    eval "$(sed 's/^/q_/' "$L/reload.$zone.qgen")"   # qgen's key=value lines as q_key=value
    hup_at=$(python3 -c "print(f'{$h0 - $q0:.2f}')")
    # The longest gap while the reload ran, and outside it (scheduling noise on a busy machine).
    read -r gap_in gap_out min_in <<<"$(python3 "$BENCH_DIR/dnsq.py" reload-window "$L/reload.$zone.timeline" "$hup_at" "$done_at")"
    # shellcheck disable=SC2154   # q_* come from the eval above
    log "$zone reload: ${reload_s}s (SIGHUP at +${hup_at}s, done at +${done_at}s); longest gap during it ${gap_in} ms (outside it ${gap_out} ms), fewest ${min_in} q/s per ${q_bin_ms} ms, lost ${q_lost}/${q_sent}"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$zone" "$reload_s" "$gap_in" "$gap_out" "$min_in" \
      "$q_lost" "$q_sent" "$hwm" >>"$RELOAD_TSV"
  done
fi

# ---- report ------------------------------------------------------------------------------------
python3 - "$TSV" "$RELOAD_TSV" "$TOML_CHECK" "$TOML_START" "$BIG_NAMES" "$BIG_ADDRS" "$RELOAD_QPS" <<'EOF' | tee "$L/summary.md"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
reload = list(csv.DictReader(open(sys.argv[2]), delimiter="\t"))
check, start, big, addrs, qps = sys.argv[3:8]
title = {"z200k": "200,000 names x 4 A", "z1m": f"{int(big):,} names x {addrs} A"}
print("| zone | server | start → first SOA, s | RSS MiB | PSS MiB |\n|---|---|---:|---:|---:|")
for r in rows:
    print(f"| {title[r['zone']]} | {r['server']} | {r['load_s']} | {int(r['rss_kb']) / 1024:.1f} | {int(r['pss_kb']) / 1024:.1f} |")
print(f"\n10,000-name pure-TOML zone: `dnsd check` {check} s; dnsd start → first SOA {start} s\n")
if reload:
    print(f"dnsd reload (SIGHUP) under a fixed {int(qps):,} q/s:\n")
    print("| zone | reload s | longest gap between answers during the reload, ms | the same outside the reload, ms | fewest answers per 100 ms during the reload, as q/s | lost / sent | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in reload:
        print(f"| {title[r['zone']]} | {r['reload_s']} | {r['gap_in_ms']} | {r['gap_out_ms']} | {r['min_bin_qps']} | {r['lost']} / {r['sent']} | {int(r['hwm_kb']) / 1024:.1f} |")
EOF
if [ "$WRITE_RESULTS" = 1 ]; then
  {
    printf '## Zone load time, memory, reload (`bench/loadtime.sh`)\n\n'
    machine_summary
    printf -- '- each server pinned to CPU %s, started in the foreground; "start → first SOA" is polled every 5 ms\n' "$SERVER_CPU"
    printf -- '- reload: `qgen -r %s` pinned to CPU %s, SIGHUP after 1 s (the bulk file touched first), done when dnsd logs "reloaded"\n\n' "$RELOAD_QPS" "$CLIENT_CPU"
    cat "$L/summary.md"
  } >"$L/section.md"
  python3 "$BENCH_DIR/report.py" section "$BENCH_DIR/RESULTS.md" loadtime "$L/section.md"
fi
