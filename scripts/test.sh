#!/usr/bin/env bash
# test.sh -- install what the tests need, build, and run every test (unit and end-to-end) with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
DNSD_BUILD_DIR=build scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 300 "$@"
