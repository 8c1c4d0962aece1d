#!/bin/sh
# Configure (once) and build emu, its tests and guest programs.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
if [ ! -f config.mak ] || [ configure -nt config.mak ]; then
    ./configure
fi
make -j"$(nproc)" emu tests guests
