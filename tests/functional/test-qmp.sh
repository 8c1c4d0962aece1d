#!/bin/sh
# tests/functional/test-qmp.sh - QMP with a Python client and socat
# (tests/functional/test-qmp.py says what it checks).  Environment: EMU.
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
EMU=${EMU:-./emu} exec timeout -k 5 600 python3 "$here/test-qmp.py"
