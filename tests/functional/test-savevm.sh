#!/bin/sh
# tests/functional/test-savevm.sh - saving and restoring a machine
# (tests/functional/savevm.py does the work), under each accelerator:
#
#   count    the counting guest (tests/guests/savevm-count.asm): migrate
#            "exec:cat > FILE", then a second emu with -incoming "exec:cat
#            FILE": paused, the same RAM counters and registers, then the
#            COUNT lines go on from the saved one with no gap or repeat
#   corrupt  an edited section version, a bad length, a truncated state,
#            an unknown section, another -m, a failing command: one clear
#            line and exit status 1
#   qcow2    savevm/loadvm/delvm/info snapshots/-loadvm on a qcow2 drive,
#            and the refusal for a writable raw drive; skipped while the
#            qcow2 driver cannot take snapshots (bdrv_can_snapshot false)
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1
EMU_IMG=${EMU_IMG:-./emu-img}
export EMU_IMG EMU_TEST_RTC

command -v python3 >/dev/null 2>&1 || { skipped=1; finish "python3 not found"; }
if [ ! -f build/guests/savevm-count.bin ]; then
    command -v nasm >/dev/null 2>&1 || { skipped=1; finish "nasm not found"; }
    mkdir -p build/guests
    nasm -f bin -I tests/guests/ -o build/guests/savevm-count.bin \
        tests/guests/savevm-count.asm || { failed=1; finish "nasm"; }
fi

for accel in $(default_accels); do
    if [ "$accel" = kvm ] && ! kvm_usable; then
        echo "SKIP savevm (kvm): /dev/kvm not usable"
        skipped=$((skipped + 3))
        continue
    fi
    for case in count corrupt qcow2; do
        out=$(run_timeout 300 python3 "$here/savevm.py" "$case" "$accel")
        st=$?
        echo "$out"
        case $st in
            0) passed=$((passed + 1)) ;;
            77) skipped=$((skipped + 1)) ;;
            *) failed=$((failed + 1))
               [ -z "$out" ] && echo "FAIL $case-$accel: exit status $st" ;;
        esac
    done
done
finish "no accelerator usable"
