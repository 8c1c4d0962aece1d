#!/bin/sh
# Configure (once) and build: the make targets given (default: emu).
# scripts/check.sh builds check-bins, everything the test tiers run.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
if [ ! -f config.mak ] || [ configure -nt config.mak ]; then
    ./configure
fi
[ $# -gt 0 ] || set -- emu
make -j"$(nproc)" "$@"
