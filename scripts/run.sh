#!/usr/bin/env bash
# run.sh -- build dnsd and serve the example zones on 127.0.0.1:5353 and [::1]:5353.
# Then, in another terminal: dig @127.0.0.1 -p 5353 www.example.com
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
scripts/build.sh dnsd dnsd-mmdb
exec build/dnsd/dnsd -c zones/examples/dnsd.toml "$@"
