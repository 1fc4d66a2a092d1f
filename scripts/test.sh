#!/usr/bin/env bash
# test.sh -- install what the tests need, build, and run every test (unit and end-to-end) with
# CTest; then build again with AddressSanitizer + UBSan and run the unit tests there too.
# Usage: scripts/test.sh [CTEST ARGS...]   (the arguments go to the first, complete run)
#        DNSD_TEST_ASAN=0 scripts/test.sh  skips the sanitizer run (a quicker local check)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
scripts/build.sh
(cd build && ctest --output-on-failure -j2 --timeout 300 "$@")
if [ "${DNSD_TEST_ASAN:-1}" != 0 ]; then
  DNSD_PRESET=asan scripts/build.sh
  (cd build-asan && ctest --output-on-failure -j2 --timeout 300 -L unit)
fi
