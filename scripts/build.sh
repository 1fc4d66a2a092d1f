#!/usr/bin/env bash
# build.sh -- configure (with a CMake preset, see CMakePresets.json) and build dnsd.
# Usage: [DNSD_PRESET=ci|dev|asan|tsan|release] scripts/build.sh [TARGET...]
#   default preset: ci (RelWithDebInfo into build/); default targets: everything, tests included
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${DNSD_PRESET:-ci}
case "$preset" in
  ci) dir=build ;;
  *) dir=build-$preset ;;
esac
cmake --preset "$preset" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$dir" -j"$(nproc)" "${targets[@]}"
