#!/usr/bin/env bash
# setup.sh -- install the Debian 12 packages dnsd needs to build and test, only those missing.
# Usage: scripts/setup.sh [build|test|bench]   (test adds dig, Knot and NSD for the differential test)
set -euo pipefail

need=(g++ cmake ninja-build pkg-config libldns-dev libc-ares-dev libmaxminddb-dev libtoml11-dev libgtest-dev)
case "${1:-build}" in
  build) ;;
  test)  need+=(dnsutils knot nsd knot-dnsutils ldnsutils mmdb-bin) ;;
  bench) need+=(dnsutils knot nsd gdnsd dnsperf valgrind) ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo=sudo; else
    echo "setup: need root (or sudo) to run: apt-get install ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# Package installs must not start the reference servers on port 53 behind our back.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && made_policy=1
fi
cleanup() { [ "$made_policy" = 1 ] && $sudo rm -f "$policy"; true; }
trap cleanup EXIT
if ! { $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; }; then
  echo "setup: apt-get could not install: ${missing[*]}" >&2
  echo "setup: install them by hand (Debian 12 package names) and run again." >&2
  exit 1
fi
