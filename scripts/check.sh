#!/bin/sh
# The test command: install dependencies, build, fetch test guests, run
# every test tier.  The last line reads "N passed, N failed, N skipped",
# whether the tests pass or not; the exit status is non-zero if anything
# failed (or the build did).
#
# The tiers run through tests/run-all.sh directly rather than `make
# check`: make would print its own "*** [check] Error 1" after the
# summary when a test fails.  The environment is make check's.
set -eu
cd "$(dirname "$0")/.."
if ! sh scripts/build.sh check-bins; then
    echo "check: the build failed; no tests were run"
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
fi
if [ -f scripts/fetch-guests.sh ]; then
    sh scripts/fetch-guests.sh || echo "check: could not fetch Debian guests; the tests that need them will skip"
fi
export EMU=./emu EMU_BUILD=build
exec sh tests/run-all.sh
