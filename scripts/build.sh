#!/usr/bin/env bash
# build.sh -- configure and build dnsd into build/ (RelWithDebInfo, Ninja). Extra args go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${DNSD_BUILD_DIR:-build}
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
fi
cmake --build "$dir" -j"$(nproc)"
