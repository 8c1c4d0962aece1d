#!/bin/sh
# The test command: install dependencies, build, fetch test guests, run
# every test tier (make check).  The last line reads
# "N passed, N failed, N skipped".
set -eu
cd "$(dirname "$0")/.."
sh scripts/build.sh
if [ -f scripts/fetch-guests.sh ]; then
    sh scripts/fetch-guests.sh || echo "check: could not fetch Debian guests; the tests that need them will skip"
fi
make check
