# lib.sh -- shared helpers of bench/: paths, build, server configs, start/stop by PID, /proc accounting.
# Sourced by run.sh, callgrind.sh and loadtime.sh; never run directly.
# shellcheck shell=bash disable=SC2034   # the variables set here are read by the scripts that source it

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
OUT=${BENCH_OUT:-$BENCH_DIR/out}
BUILD_DIR=${DNSD_BUILD_DIR:-$REPO_DIR/build-bench}
DNSD=${DNSD_BIN:-$BUILD_DIR/dnsd/dnsd}
DNSD_MMDB=${DNSD_MMDB_BIN:-$BUILD_DIR/tools/mmdb/dnsd-mmdb}
SERVER_CPU=${BENCH_SERVER_CPU:-1}   # the server under test runs here...
CLIENT_CPU=${BENCH_CLIENT_CPU:-0}   # ...and the load generator here
PORT_BASE=${BENCH_PORT:-15350}
ORIGIN=bench.test.

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# ---- processes: everything we start is recorded and stopped by PID -----------------------------

STARTED_PIDS=()
declare -A SERVER_PID=() SERVER_PORT=()

# stop_pid PID [SECONDS]: SIGTERM, wait, then SIGKILL the process and any children it left.
stop_pid() {
  local pid=$1 wait_s=${2:-10} kids i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kids=$(for i in $(tree_pids "$pid"); do echo "$i:$(proc_start "$i")"; done)
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < wait_s * 20; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    # a zombie child of ours counts as gone
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
    log "pid $pid did not exit on SIGTERM in ${wait_s}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true   # its exit status is not ours
  for i in $kids; do   # children it left behind, if they are still the same processes
    if [ "${i%%:*}" != "$pid" ] && [ "$(proc_start "${i%%:*}")" = "${i#*:}" ]; then
      kill -KILL "${i%%:*}" 2>/dev/null || true
    fi
  done
  return 0
}

# proc_start PID: the process's start time (field 22 of /proc/PID/stat), "" if gone.
proc_start() {
  local line f
  read -r line 2>/dev/null <"/proc/$1/stat" || true
  [ -n "${line:-}" ] || return 0
  read -r -a f <<<"${line##*) }"
  echo "${f[19]}"
}

stop_all() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid" "${1:-5}"; done
  STARTED_PIDS=()
}

# Call once per script: whatever happens, everything started is stopped on exit.
install_cleanup() {
  trap 'stop_all || true' EXIT
  set -o errtrace   # the ERR trap below also fires inside functions
  trap 'exit 130' INT TERM
  trap 'log "failed: \"$BASH_COMMAND\" (line $LINENO)"' ERR
}

forget_pid() {
  local p keep=()
  for p in "${STARTED_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  STARTED_PIDS=("${keep[@]}")
}

# tree_pids PID: PID and all its descendants (NSD forks its server and xfrd processes), from
# /proc/PID/task/*/children, with shell builtins only (forks would disturb the measurement).
tree_pids() {
  TREE=()
  _tree_walk "$1"
  printf '%s\n' "${TREE[@]}"
}
_tree_walk() {
  local f c kids
  TREE+=("$1")
  for f in /proc/"$1"/task/*/children; do
    [ -r "$f" ] || continue
    kids=()
    read -r -a kids 2>/dev/null <"$f" || true
    for c in "${kids[@]}"; do _tree_walk "$c"; done
  done
}

# cpu_ticks PID: "USER SYSTEM" CPU time of the process tree (utime, stime), in clock ticks.
# /proc/PID/stat already sums every thread of a process (Knot and gdnsd are threaded); children
# are added here.
cpu_ticks() {
  local user=0 sys=0 p line f
  TREE=()
  _tree_walk "$1"
  for p in "${TREE[@]}"; do
    line=
    read -r line 2>/dev/null <"/proc/$p/stat" || true
    [ -n "$line" ] || continue
    read -r -a f <<<"${line##*) }"   # after "comm) ": [0] state ... [11] utime, [12] stime
    user=$((user + f[11])); sys=$((sys + f[12]))
  done
  echo "$user $sys"
}

# mem_kb PID: "RSS PSS" in KiB summed over the process tree. PSS counts pages shared between
# forked processes (NSD) once; for a single process it is RSS minus shared-library pages.
mem_kb() {
  local rss=0 pss=0 p r s
  for p in $(tree_pids "$1"); do
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null) || r=0
    s=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null) || s=0
    rss=$((rss + ${r:-0})); pss=$((pss + ${s:-0}))
  done
  echo "$rss $pss"
}

# hwm_kb PID: peak RSS (VmHWM) summed over the process tree.
hwm_kb() {
  local t=0 p r
  for p in $(tree_pids "$1"); do
    r=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null) || r=0
    t=$((t + ${r:-0}))
  done
  echo "$t"
}

# ---- ports -------------------------------------------------------------------------------------

port_in_use() { ss -Hlnut "( sport = :$1 )" 2>/dev/null | grep -q .; }

# next_free_port N: the first port >= N free for UDP and TCP on loopback.
next_free_port() {
  local p=$1
  while port_in_use "$p"; do p=$((p + 1)); done
  echo "$p"
}

# ---- setup and build ---------------------------------------------------------------------------

ensure_packages() {
  local missing=() p
  for p in nsd knot gdnsd dnsperf valgrind dnsutils; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (scripts/setup.sh bench: policy-rc.d keeps their services stopped)"
  "$REPO_DIR/scripts/setup.sh" bench || die "could not install ${missing[*]}"
}

# configure_build: the Release build tree in $BUILD_DIR (tests off: the bench needs two targets).
# Configured every time (a second or two): CMake files may pick up sources that appeared since.
configure_build() {
  [ -n "${CONFIGURED:-}" ] && return 0
  CONFIGURED=1
  cmake -S "$REPO_DIR" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDNSD_BUILD_TESTS=OFF \
    >>"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log" >&2; die "cmake configure failed (log: $OUT/build.log)"; }
}

# build_mmdb_tool: the project's MMDB writer, which builds the geo database of the bench.
build_mmdb_tool() {
  if [ -z "${DNSD_MMDB_BIN:-}" ]; then
    configure_build
    cmake --build "$BUILD_DIR" --target dnsd-mmdb -j"$(nproc)" >>"$OUT/build.log" 2>&1 ||
      { grep -m5 -E 'error|undefined' "$OUT/build.log" >&2; die "dnsd-mmdb build failed (log: $OUT/build.log)"; }
  fi
  [ -x "$DNSD_MMDB" ] || die "no $DNSD_MMDB"
}

# build_dnsd: Release build of dnsd (skipped when DNSD_BIN names a binary). Returns 1 on failure.
build_dnsd() {
  if [ -n "${DNSD_BIN:-}" ]; then
    [ -x "$DNSD" ] || { log "DNSD_BIN=$DNSD is not executable"; return 1; }
    return 0
  fi
  log "building dnsd (Release) in $BUILD_DIR (log: $OUT/build.log)"
  configure_build
  if ! cmake --build "$BUILD_DIR" --target dnsd -j"$(nproc)" >>"$OUT/build.log" 2>&1; then
    grep -m5 -E 'error|undefined reference' "$OUT/build.log" | cut -c1-200 >&2
    return 1
  fi
}

# build_qgen: the bench's own small UDP sender (fixed rate, per-answer timing), see qgen.cpp.
build_qgen() {
  local bin=$OUT/qgen
  if [ ! -x "$bin" ] || [ "$BENCH_DIR/qgen.cpp" -nt "$bin" ]; then
    g++ -std=c++20 -O2 -Wall -Wextra -o "$bin" "$BENCH_DIR/qgen.cpp" || die "could not build qgen"
  fi
  QGEN=$bin
}

# generate_bench_data: one source zone written for every server, the query files and the geo
# database; regenerated when the generator changes.
generate_bench_data() {
  if [ ! -f "$OUT/.zones-stamp" ] || [ "$BENCH_DIR/gen.py" -nt "$OUT/.zones-stamp" ]; then
    log "generating zones and query files"
    rm -rf "$OUT/dnsd" "$OUT/rfc1035" "$OUT/gdnsd" "$OUT/queries"
    python3 "$BENCH_DIR/gen.py" zones "$OUT"
    touch "$OUT/.zones-stamp"
  fi
  "$DNSD_MMDB" --build-epoch 1700000000 "$OUT/geo.csv" "$OUT/bench.mmdb" >/dev/null
}

# ---- server configs: write_conf SERVER DIR PORT ZONE -------------------------------------------
# ZONE is an RFC 1035 file for nsd, knot and gdnsd, and a directory of TOML zones for dnsd.
# gdnsd also takes $GDNSD_PLUGINS (a file with a `plugins => {...}` stanza) and dnsd $DNSD_GEO_DB.
# Each writes DIR/ and sets SERVER_CMD (an array) to the foreground command line.

write_conf() {
  local server=$1 dir=$2 port=$3 zone=$4
  rm -rf "$dir"; mkdir -p "$dir"
  zone=$(readlink -f "$zone")
  case "$server" in
    dnsd)
      {
        echo "# dnsd.toml written by bench/lib.sh"
        echo "[server]"
        echo "listen = [\"127.0.0.1:$port\"]"
        echo "threads = 1"
        echo "zones = \"$zone\""
        if [ -n "${DNSD_GEO_DB:-}" ]; then
          printf '\n[geo]\ndatabase = "%s"\nclient_subnet = true\n' "$(readlink -f "$DNSD_GEO_DB")"
        fi
      } >"$dir/dnsd.toml"
      SERVER_CMD=("$DNSD" -c "$dir/dnsd.toml") ;;
    nsd)
      cat >"$dir/nsd.conf" <<EOF
# nsd.conf written by bench/lib.sh: one server process, no RRL, zones in memory only
server:
    ip-address: 127.0.0.1@$port
    port: $port
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$dir"
    pidfile: "$dir/nsd.pid"
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    cookie-secret-file: "$dir/cookiesecrets.txt"
    minimal-responses: yes
    round-robin: yes
    hide-version: yes
    hide-identity: yes
    rrl-ratelimit: 0
    verbosity: 1
remote-control:
    control-enable: no
zone:
    name: $ORIGIN
    zonefile: "$zone"
EOF
      SERVER_CMD=(nsd -d -c "$dir/nsd.conf") ;;
    knot)
      mkdir -p "$dir/run" "$dir/storage"
      cat >"$dir/knot.conf" <<EOF
# knot.conf written by bench/lib.sh: one UDP and one TCP worker; rotation and ECS as the others
server:
    rundir: "$dir/run"
    listen: 127.0.0.1@$port
    answer-rotation: on
    edns-client-subnet: on
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$dir/storage"
log:
  - target: stderr
    any: notice
template:
  - id: default
    storage: "$dir/storage"
    zonefile-load: whole
    zonefile-sync: -1
    journal-content: none
    semantic-checks: off
zone:
  - domain: $ORIGIN
    file: "$zone"
EOF
      SERVER_CMD=(knotd -c "$dir/knot.conf") ;;
    gdnsd)
      mkdir -p "$dir/zones" "$dir/run" "$dir/state"
      ln -s "$zone" "$dir/zones/${ORIGIN%.}"
      {
        echo "# gdnsd config written by bench/lib.sh: one UDP and one TCP thread"
        echo "options => {"
        echo "  listen => [ 127.0.0.1:$port ]"
        echo "  udp_threads => 1"
        echo "  tcp_threads => 1"
        echo "  run_dir => $dir/run"
        echo "  state_dir => $dir/state"
        echo "}"
        [ -n "${GDNSD_PLUGINS:-}" ] && cat "$GDNSD_PLUGINS"
      } >"$dir/config"
      SERVER_CMD=(gdnsd -c "$dir" start) ;;
    *) die "unknown server $server" ;;
  esac
}

# start_server NAME DIR: run SERVER_CMD in the foreground as our child, pinned to $SERVER_CPU,
# and wait until it answers the SOA. Sets SERVER_PID[NAME] and LOAD_SECONDS (start -> first SOA).
start_server() {
  local name=$1 dir=$2 port=$3 timeout=${4:-60} t0 t1
  t0=$(date +%s.%N)
  taskset -c "$SERVER_CPU" "${SERVER_CMD[@]}" >"$dir/server.log" 2>&1 &
  local pid=$!
  STARTED_PIDS+=("$pid")
  SERVER_PID[$name]=$pid
  SERVER_PORT[$name]=$port
  if ! t1=$(python3 "$BENCH_DIR/dnsq.py" wait-soa "$port" "$timeout" "$pid"); then
    tail -5 "$dir/server.log" >&2
    stop_pid "$pid" 2; forget_pid "$pid"
    unset "SERVER_PID[$name]"
    log "$name did not answer the SOA on port $port within ${timeout}s (log: $dir/server.log)"
    return 1
  fi
  LOAD_SECONDS=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
  pin_tree "$pid"
}

# pin_tree PID: (re)pin every thread of the server's process tree to $SERVER_CPU. Servers may set
# their own affinity after exec (Knot pins UDP worker N to CPU N % ncpu, which would put its one
# worker on the load generator's CPU), so taskset before exec is not enough.
pin_tree() {
  local p
  for p in $(tree_pids "$1"); do
    taskset -a -p -c "$SERVER_CPU" "$p" >/dev/null 2>&1 || true
  done
  check_pinning "$1"
}

# check_pinning PID: warn about any thread of the tree allowed on another CPU than $SERVER_CPU.
check_pinning() {
  local p t cpus bad=0
  for p in $(tree_pids "$1"); do
    for t in /proc/"$p"/task/*; do
      cpus=$(awk '/^Cpus_allowed_list:/ {print $2}' "$t/status" 2>/dev/null) || continue
      if [ -n "$cpus" ] && [ "$cpus" != "$SERVER_CPU" ]; then
        log "warning: thread ${t##*/} of pid $p runs on CPUs $cpus, not $SERVER_CPU"
        bad=1
      fi
    done
  done
  return $bad
}

stop_server() {
  local name=$1 pid=${SERVER_PID[$1]:-}
  [ -n "$pid" ] || return 0
  stop_pid "$pid" 10; forget_pid "$pid"
  unset "SERVER_PID[$name]"
}

# ---- load generation ---------------------------------------------------------------------------

# dnsperf_run OUTFILE PORT ARGS...: one bounded dnsperf run pinned to the client CPU.
dnsperf_run() {
  local outfile=$1 port=$2; shift 2
  taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p "$port" -T 1 -b 2048 -W "$@" >"$outfile" 2>&1
}

machine_summary() {
  printf -- '- machine: %s CPUs, %s, kernel %s\n' "$(nproc)" \
    "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)" "$(uname -r)"
  printf -- '- date: %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf -- '- versions: dnsd %s; %s; %s; %s; %s\n' \
    "$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO_DIR" diff --quiet HEAD 2>/dev/null || echo '+local changes')" \
    "$({ nsd -v 2>&1 || true; } | sed -n 1p)" "$({ knotd -V 2>&1 || true; } | sed -n 1p)" \
    "$({ gdnsd -V 2>&1 || true; } | awk '/version/ && !d {print; d = 1}')" \
    "$(dpkg-query -W -f='dnsperf ${Version}' dnsperf)"
  printf -- '- load during the run: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
}
