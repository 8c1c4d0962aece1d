#!/bin/sh
# test-storage-crash.sh - nothing the guest saw flushed is lost when the
# emulator dies.  For raw and qcow2 (a fresh 64 MiB image made by
# qemu-img, on IDE with cache=writeback): the storage initramfs
# (emutest=flush, see scripts/storage-guest-init.sh) writes numbered 4 KiB
# blocks to /dev/sda, each 68 KiB apart so that every one allocates a new
# qcow2 cluster, fsyncs each (Linux sends FLUSH CACHE) and prints
# "EMU-FLUSHED <i>"; once it printed block CRASH_AFTER (default 30) the
# emulator is killed with SIGKILL in the middle of the next writes.
# Afterwards every block up to the last one the guest reported flushed
# must be in the image with this run's token, and for qcow2 `qemu-img
# check` (and `emu-img check` when the tool is built) must find no
# errors and no leaks.  (qemu-img has no check for raw images.)
# Environment: CRASH_AFTER, EMU_IMG (default ./emu-img if present), and
# see storage-lib.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
. "$here/storage-lib.sh"
cd "$root" || exit 1
storage_setup
storage_need -drive
CRASH_AFTER=${CRASH_AFTER:-30}
EMU_IMG=${EMU_IMG:-./emu-img}
# emu-img checks too once it is built (make builds it next to emu).
[ -x "$EMU_IMG" ] || EMU_IMG=

append=$STORAGE_APPEND
t=$STORAGE_TIMEOUT

crash() {
    fmt=$1
    name="test-storage-crash $fmt ($STORAGE_ACCEL)"
    img=$work/crash.$fmt
    rm -f "$img"
    qemu-img create -q -f "$fmt" "$img" 64M
    tok=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
    if ! storage_run "storage-crash-$fmt" -t "$t" -e EMU-GUEST-READY \
            -r "EMU-FLUSHED $CRASH_AFTER\\b|EMU-TEST-FAIL.*" -K -- \
            -kernel "$DISK_KERNEL" -initrd "$DISK_INITRD" -no-reboot \
            -append "$append emutest=flush emutoken=$tok" \
            -drive "file=$img,format=$fmt,if=ide,index=0,cache=writeback"; then
        storage_fail "$name" "$why"
        return
    fi
    serial=$(tr -d '\r' <"$log")
    bad=$(echo "$serial" | grep -a -m 1 '^EMU-TEST-FAIL' || true)
    [ -n "$bad" ] && { storage_fail "$name" "the guest said: $bad"; return; }
    last=$(echo "$serial" | sed -n 's/^EMU-FLUSHED \([0-9]*\)$/\1/p' | tail -n 1)
    [ -n "$last" ] || { storage_fail "$name" "no EMU-FLUSHED line"; return; }
    checks=
    if [ "$fmt" = qcow2 ]; then
        if ! qemu-img check "$img" >"$work/check" 2>&1; then
            storage_fail "$name" "qemu-img check after kill -9: $(grep -v '^$' "$work/check" | head -n 2 | tr '\n' ' ')"
            return
        fi
        checks=" qemu-img check clean"
        if [ -n "$EMU_IMG" ]; then
            if ! "$EMU_IMG" check "$img" >"$work/check" 2>&1; then
                storage_fail "$name" "emu-img check after kill -9: $(grep -v '^$' "$work/check" | head -n 2 | tr '\n' ' ')"
                return
            fi
            checks="$checks, emu-img check clean"
        fi
        qemu-img convert -f qcow2 -O raw "$img" "$work/crash.raw-of-qcow2"
        img=$work/crash.raw-of-qcow2
    fi
    # Every block 0..last: "EMU-BLOCK <i> <token>" at i * 69632.
    missing=$(python3 - "$img" "$last" "$tok" <<'EOF'
import sys
path, last, tok = sys.argv[1], int(sys.argv[2]), sys.argv[3]
bad = []
with open(path, "rb") as f:
    for i in range(last + 1):
        f.seek(i * 17 * 4096)
        want = b"EMU-BLOCK %08d %s\n" % (i, tok.encode())
        if f.read(len(want)) != want:
            bad.append(str(i))
print(" ".join(bad[:10]) + (" ..." if len(bad) > 10 else ""))
EOF
)
    if [ -n "$missing" ]; then
        storage_fail "$name" "blocks the guest saw flushed are missing from the image: $missing (of 0..$last)"
        return
    fi
    echo "PASS $name: killed after flush $last, blocks 0..$last all in the image;${checks:- (raw: nothing to check)}"
    passed=$((passed + 1))
}

crash raw
crash qcow2
finish "nothing ran"
