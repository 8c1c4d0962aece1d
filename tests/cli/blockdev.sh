#!/bin/sh
# tests/cli/blockdev.sh - the disk options from the command line (run by
# tests/cli/run.sh; can be run alone).
#
# Bad input (-hda, -cdrom, -drive, -blockdev, -boot): exit status 1 and one
# line on stderr that says what is wrong.  Image locking: a second emu on
# the same image is refused with the image named; file.locking=off lets it
# in.  -snapshot: a boot sector (tests/guests/bootsect-write.asm, built by
# make guests) writes sector 2 of its disk through the BIOS: without
# -snapshot the image changes, with it the image is untouched and nothing
# is left in $TMPDIR.  -boot: what SeaBIOS logs on the debug console (the
# bootorder list, strict=on's HALT, menu=on's prompt).
#
# Environment: EMU (default ./emu), CLI_TIMEOUT (default 10), BOOT_TIMEOUT
# (default 60, for the runs that boot SeaBIOS), EMU_ACCELS
# (tests/lib.sh: the accelerator for the boots).
# Prints one line per test and "N passed, N failed, N skipped".
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/lib.sh"
EMU=${EMU:-./emu}
case "$EMU" in
    */*) EMU=$(cd "$(dirname "$EMU")" 2>/dev/null && pwd)/$(basename "$EMU") ;;
esac
CLI_TIMEOUT=${CLI_TIMEOUT:-10}
# Boots end by themselves (isa-debug-exit, -no-reboot); this only catches
# a hang.  SeaBIOS under the translator takes seconds per boot, more when
# it retries an empty CD-ROM drive.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-60}
prefix="$(basename "$EMU"): "
cd "$root" || exit 1

if [ ! -x "$EMU" ]; then
    echo "SKIP: emulator $EMU not found"
    echo "0 passed, 0 failed, 1 skipped"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-blockdev.XXXXXX") || exit 1
bgpid=
cleanup() {
    [ -n "$bgpid" ] && kill "$bgpid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

passed=0 failed=0 skipped=0
pass() { echo "PASS blockdev: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL blockdev: $1: $2"; failed=$((failed + 1)); }
skip() { echo "SKIP blockdev: $1: $2"; skipped=$((skipped + 1)); }

Q="-display none -serial null"

run() {
    timeout -k 2 "$CLI_TIMEOUT" "$EMU" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    st=$?
}

# expect_msg NAME TEXT ARGS...: status 1, one line on stderr starting with
# the program's name and containing TEXT.
expect_msg() {
    name=$1 text=$2
    shift 2
    # shellcheck disable=SC2086
    run "$@" $Q
    errline=$(head -n 1 "$tmp/err")
    nlines=$(grep -c '' "$tmp/err")
    if [ $st -ne 1 ]; then
        fail "$name" "exit status $st, want 1 (stderr: $errline)"
    elif [ "$nlines" -ne 1 ]; then
        fail "$name" "$nlines lines on stderr: $(tr '\n' '|' <"$tmp/err" | cut -c1-240)"
    else
        case "$errline" in
            "$prefix"*"$text"*) pass "$name: $errline" ;;
            *) fail "$name" "message lacks '$text': $errline" ;;
        esac
    fi
}

img=$tmp/disk.img
img2=$tmp/other.img
truncate -s 1M "$img" "$img2"

# --- bad input
expect_msg "missing file" "-hda $tmp/nonexistent.img: Could not open '$tmp/nonexistent.img': No such file or directory" \
    -hda "$tmp/nonexistent.img"
expect_msg "missing -cdrom file" "Could not open" -cdrom "$tmp/nonexistent.iso"
expect_msg "a directory" "s a directory" -drive "file=$tmp,format=raw"
if [ "$(id -u)" -ne 0 ]; then
    cp "$img" "$tmp/locked.img"
    chmod 000 "$tmp/locked.img"
    expect_msg "unreadable file" "Permission denied" -hda "$tmp/locked.img"
else
    skip "unreadable file" "running as root: every file is readable"
fi
expect_msg "unknown format" "unknown format 'vmdk' (known: " -drive "file=$img,format=vmdk"
expect_msg "unknown format lists raw" "raw" -drive "file=$img,format=vmdk"
expect_msg "two drives on one unit" "drive with bus=0, unit=1 (index=1) exists: ide0-hd1" \
    -drive "file=$img,format=raw,index=1" -drive "file=$img2,format=raw,bus=0,unit=1"
expect_msg "-cdrom and -hdc" "-hdc $img2: drive with bus=1, unit=0 (index=2) exists: ide1-cd0" \
    -cdrom "$img" -hdc "$img2"
expect_msg "bad index" "bus 4 too big for if=ide (max is 1)" -drive "file=$img,format=raw,index=9"
expect_msg "bad bus" "bus 2 too big" -drive "file=$img,format=raw,bus=2,unit=0"
expect_msg "bad unit" "unit 2 too big for if=ide (max is 1)" -drive "file=$img,format=raw,unit=2"
expect_msg "bad floppy unit" "unit 2 too big for if=floppy" -drive "file=$img,format=raw,if=floppy,unit=2"
expect_msg "index not a number" "invalid index 'one'" -drive "file=$img,format=raw,index=one"
expect_msg "unknown -drive option" "Invalid parameter 'speed'" -drive "file=$img,speed=fast"
expect_msg "unknown interface" "unsupported bus type 'virtio'" -drive "file=$img,if=virtio"
expect_msg "bad media" "'tape' invalid media" -drive "file=$img,media=tape"
expect_msg "bad cache" "invalid cache mode 'fast'" -drive "file=$img,cache=fast"
expect_msg "aio=native" "aio=native (Linux AIO) is not supported" -drive "file=$img,aio=native"
expect_msg "werror=stop" "werror=stop is not supported" -drive "file=$img,werror=stop"
expect_msg "unused if=none" "no device uses the drive" -drive "file=$img,format=raw,if=none,id=d9"
expect_msg "-blockdev unknown driver" "unknown driver 'nbd'" -blockdev "driver=nbd,node-name=n"
expect_msg "-blockdev missing file" "Could not open" \
    -blockdev "driver=raw,node-name=n,file.driver=file,file.filename=$tmp/nonexistent.img"
expect_msg "-boot bad device" "invalid boot device for PC: 'z'" -boot order=z
expect_msg "-boot twice" "boot device 'c' was given twice" -boot once=cc
expect_msg "-boot bad key" "invalid parameter 'speed'" -boot speed=1

# --- locking: a second emu may not open an image the first holds.
"$EMU" $Q -S -blockdev "driver=raw,node-name=n0,file.filename=$img" \
    </dev/null >"$tmp/bg.out" 2>"$tmp/bg.err" &
bgpid=$!
sleep 1
if ! kill -0 $bgpid 2>/dev/null; then
    fail "locking" "the first emu did not start: $(head -n 1 "$tmp/bg.err")"
else
    timeout -k 2 3 "$EMU" $Q -S -blockdev "driver=raw,node-name=n0,file.filename=$img" \
        </dev/null >"$tmp/out" 2>"$tmp/err"
    st=$?
    errline=$(head -n 1 "$tmp/err")
    if [ $st -eq 124 ]; then
        skip "locking" "a second emu opened the image too: the file driver takes no lock yet (block core)"
    elif [ $st -eq 1 ] && grep -q "$img" "$tmp/err" && [ "$(grep -c '' "$tmp/err")" -eq 1 ]; then
        pass "locking: $errline"
        timeout -k 2 3 "$EMU" $Q -S \
            -blockdev "driver=raw,node-name=n0,file.filename=$img,file.locking=off" \
            </dev/null >"$tmp/out" 2>"$tmp/err"
        st=$?
        if [ $st -eq 124 ]; then
            pass "file.locking=off opens a locked image"
        else
            fail "file.locking=off" "status $st: $(head -n 1 "$tmp/err")"
        fi
    else
        fail "locking" "status $st, want 1 with the image named: $errline"
    fi
    kill $bgpid 2>/dev/null
    wait $bgpid 2>/dev/null
    bgpid=
fi

# --- the monitor on a paused machine: info block, change, eject.
truncate -s 64K "$tmp/cd.iso"
printf 'info block\nchange ide1-cd0 %s raw\ninfo block\neject ide1-cd0\ninfo block\neject ide0-hd0\nquit\n' \
    "$tmp/cd.iso" >"$tmp/mon.in"
timeout -k 2 "$CLI_TIMEOUT" "$EMU" $Q -S -monitor stdio -drive "file=$img,format=raw" \
    <"$tmp/mon.in" >"$tmp/out" 2>"$tmp/err"
st=$?
flat=$(tr -d '\r' <"$tmp/out" | tr '\n' '|')
if grep -q "not built yet" "$tmp/err"; then
    skip "monitor info block" "$(head -n 1 "$tmp/err")"
elif [ $st -ne 0 ]; then
    fail "monitor info block" "status $st: $(head -n 1 "$tmp/err")"
else
    missing=
    for p in "ide0-hd0 (#block[0-9]*): $img (raw)|    Attached to:      ide-hd (ide.0, unit 0)|    Cache mode:       writeback|" \
        "ide1-cd0: \[not inserted\]|    Attached to:      ide-cd (ide.1, unit 0)|    Removable device: not locked, tray closed|" \
        "ide1-cd0 (#block[0-9]*): $tmp/cd.iso (raw, read-only)|" \
        "ide1-cd0: \[not inserted\]|.*Removable device: not locked, tray open|" \
        "Device 'ide0-hd0' is not removable"; do
        printf '%s' "$flat" | grep -q -- "$p" || missing="$missing '$p'"
    done
    if [ -z "$missing" ]; then
        pass "monitor: info block, change, eject"
    else
        fail "monitor" "output lacks$missing"
    fi
fi

# -device ide-hd,drive=ID takes an if=none drive; with an IDE -device there
# is no default CD-ROM (QEMU's rule).
printf 'info block\nquit\n' >"$tmp/mon.in"
timeout -k 2 "$CLI_TIMEOUT" "$EMU" $Q -S -monitor stdio \
    -drive "file=$img,format=raw,if=none,id=d0" -device ide-hd,drive=d0,bus=ide.1,unit=1 \
    <"$tmp/mon.in" >"$tmp/out" 2>"$tmp/err"
st=$?
flat=$(tr -d '\r' <"$tmp/out" | tr '\n' '|')
if ! "$EMU" -device help 2>/dev/null | grep -q '"ide-hd"'; then
    skip "-device ide-hd,drive=" "no ide-hd device built"
elif [ $st -ne 0 ]; then
    fail "-device ide-hd,drive=" "status $st: $(head -n 1 "$tmp/err")"
elif ! printf '%s' "$flat" | grep -q "d0 (#block[0-9]*): $img (raw)|    Attached to:      ide-hd (ide.1, unit 1)"; then
    fail "-device ide-hd,drive=" "info block: $flat"
elif printf '%s' "$flat" | grep -q "ide1-cd0"; then
    fail "-device ide-hd,drive=" "a default CD-ROM next to an IDE -device: $flat"
else
    pass "-device ide-hd,drive=d0: attached, and no default CD-ROM"
fi

# --- -snapshot: a guest writes sector 2 of its disk.
boot=build/guests/bootsect-write.bin
accel=$(usable_accel)
# The disk the boot sector runs from: an IDE disk, or while IDE is not
# built a floppy (under the translator: SeaBIOS's floppy reads time out
# under KVM for now, which is the floppy controller's business, not this
# test's).
snap_accel=$accel snap_if=ide snap_size=1M snap_opt=-hda
if ! "$EMU" -device help 2>/dev/null | grep -q '"ide-hd"' &&
    "$EMU" -device help 2>/dev/null | grep -q '"floppy"'; then
    snap_accel=tcg snap_if=floppy snap_size=1440K snap_opt=-fda
fi
boot_disk() { # boot_disk IMAGE EXTRA-ARGS...: runs it, sets $st
    d=$1
    shift
    mkdir -p "$tmp/tmpdir"
    TMPDIR=$tmp/tmpdir timeout -k 2 "$BOOT_TIMEOUT" "$EMU" -accel "$snap_accel" $Q \
        -device isa-debug-exit "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    st=$?
}
sector2() { dd if="$1" bs=512 skip=1 count=1 2>/dev/null | od -An -tx1 | tr -d ' \n' | cut -c1-32; }
zero16=00000000000000000000000000000000
if [ ! -f "$boot" ]; then
    skip "-snapshot" "$boot not built (make guests)"
else
    truncate -s $snap_size "$tmp/a.img"
    dd if="$boot" of="$tmp/a.img" conv=notrunc 2>/dev/null
    cp "$tmp/a.img" "$tmp/b.img"
    boot_disk "$tmp/a.img" -drive "file=$tmp/a.img,format=raw,if=$snap_if"
    if grep -q "not built yet" "$tmp/err"; then
        skip "-snapshot" "$(head -n 1 "$tmp/err")"
    elif [ $st -ne 33 ]; then
        fail "guest writes its disk" "status $st, want 33: $(head -n 1 "$tmp/err")"
    elif [ "$(sector2 "$tmp/a.img")" = "$zero16" ]; then
        fail "guest writes its disk" "sector 2 still zero after the guest wrote it"
    else
        pass "guest writes its $snap_if disk (sector 2 written)"
        boot_disk "$tmp/b.img" -snapshot $snap_opt "$tmp/b.img"
        if grep -q "'qcow2' is not a known format" "$tmp/err"; then
            skip "-snapshot" "the qcow2 driver is not built yet (overlays are qcow2)"
        elif [ $st -ne 33 ]; then
            fail "-snapshot" "status $st, want 33 (the guest reads back what it wrote): $(head -n 1 "$tmp/err")"
        elif [ "$(sector2 "$tmp/b.img")" != "$zero16" ]; then
            fail "-snapshot" "the base image changed (sector 2: $(sector2 "$tmp/b.img"))"
        elif [ -n "$(ls -A "$tmp/tmpdir")" ]; then
            fail "-snapshot" "left in \$TMPDIR: $(ls -A "$tmp/tmpdir" | head -n 1)"
        else
            pass "-snapshot ($snap_opt): the guest wrote, the base is untouched, no overlay left"
        fi
        cp "$tmp/a.img" "$tmp/c.img"
        dd if=/dev/zero of="$tmp/c.img" bs=512 seek=1 count=1 conv=notrunc 2>/dev/null
        boot_disk "$tmp/c.img" -drive "file=$tmp/c.img,format=raw,if=$snap_if,snapshot=on"
        if grep -q "'qcow2' is not a known format" "$tmp/err"; then
            skip "snapshot=on" "the qcow2 driver is not built yet (overlays are qcow2)"
        elif [ $st -eq 33 ] && [ "$(sector2 "$tmp/c.img")" = "$zero16" ]; then
            pass "snapshot=on: the base is untouched"
        else
            fail "snapshot=on" "status $st, sector 2 $(sector2 "$tmp/c.img")"
        fi
    fi
fi

# --- -boot: what SeaBIOS reads (its log on the debug console).
# -nographic: SeaBIOS's serial console, as QEMU gives it; with a display
# (-display none too) SeaBIOS writes on the VGA screen only.
boot_log() {
    timeout -k 2 "$BOOT_TIMEOUT" "$EMU" -accel "$accel" -nographic \
        -serial "file:$tmp/serial.log" -debugcon "file:$tmp/dbg.log" "$@" \
        </dev/null >/dev/null 2>"$tmp/err"
}
# reboot-timeout=0 with -no-reboot: SeaBIOS gives up at once and resets,
# and emu ends there instead of waiting for a timeout.
boot_log -no-reboot -boot order=c,strict=on,reboot-timeout=0
if [ $? -ne 0 ]; then
    fail "-boot reboot-timeout=0" "emu did not end when SeaBIOS reset: $(head -n 1 "$tmp/err")"
elif ! grep -a -q 'No bootable device.  Retrying in 0 seconds' "$tmp/serial.log"; then
    fail "-boot reboot-timeout=0" "SeaBIOS did not retry: $(grep -a 'No bootable' "$tmp/serial.log")"
else
    pass "-boot reboot-timeout=0: SeaBIOS resets at once"
fi
if grep -a -A1 '^boot order:' "$tmp/dbg.log" | grep -q '^1: HALT'; then
    pass "-boot strict=on: SeaBIOS's bootorder ends with HALT"
else
    fail "-boot strict=on" "no 'boot order: 1: HALT' in SeaBIOS's log"
fi
boot_log -no-reboot -boot menu=on,splash-time=100,reboot-timeout=0
if grep -a -q 'Press ESC for boot menu' "$tmp/serial.log"; then
    pass "-boot menu=on: SeaBIOS offers its menu"
else
    fail "-boot menu=on" "no 'Press ESC for boot menu' on the console"
fi
boot_log -no-reboot -boot menu=off,reboot-timeout=0
if ! grep -a -q 'No bootable device' "$tmp/serial.log"; then
    fail "-boot menu=off" "SeaBIOS did not run to its end: $(head -n 1 "$tmp/err")"
elif grep -a -q 'Press ESC for boot menu' "$tmp/serial.log"; then
    fail "-boot menu=off" "SeaBIOS still offers its menu"
else
    pass "-boot menu=off: no menu"
fi
if [ -f "$boot" ]; then
    truncate -s 1M "$tmp/hd.img"
    dd if="$boot" of="$tmp/hd.img" conv=notrunc 2>/dev/null
    boot_log -drive "file=$tmp/hd.img,format=raw" -cdrom "$tmp/other.img" -boot order=dc
    if grep -q "not built yet" "$tmp/err"; then
        skip "-boot order=dc" "$(head -n 1 "$tmp/err")"
    elif grep -a -A2 '^boot order:' "$tmp/dbg.log" | tr '\n' '|' |
        grep -q '1: /pci@i0cf8/ide@1,1/drive@1/disk@0|2: /pci@i0cf8/ide@1,1/drive@0/disk@0'; then
        pass "-boot order=dc: the CD-ROM first, then the disk"
    else
        fail "-boot order=dc" "SeaBIOS's bootorder: $(grep -a -A3 '^boot order:' "$tmp/dbg.log" | tr '\n' '|')"
    fi
fi

# order=ac and order=ca with a bootable floppy and a bootable disk: what
# SeaBIOS tries first (its log), and the boot sector that ran writes
# sector 2 of its own drive.
if [ -f "$boot" ]; then
    for order in ac ca; do
        rm -f "$tmp/fd.img" "$tmp/hd.img"
        truncate -s 1440K "$tmp/fd.img"
        truncate -s 1M "$tmp/hd.img"
        dd if="$boot" of="$tmp/fd.img" conv=notrunc 2>/dev/null
        dd if="$boot" of="$tmp/hd.img" conv=notrunc 2>/dev/null
        boot_log -device isa-debug-exit -drive "file=$tmp/fd.img,format=raw,if=floppy" \
            -drive "file=$tmp/hd.img,format=raw" -boot "order=$order"
        st=$?
        first=$(grep -a -m1 '^Booting from [A-Z]' "$tmp/dbg.log")
        fd2=$(sector2 "$tmp/fd.img") hd2=$(sector2 "$tmp/hd.img")
        if grep -q "not built yet" "$tmp/err"; then
            skip "-boot order=$order" "$(head -n 1 "$tmp/err")"
        elif [ $st -ne 33 ]; then
            fail "-boot order=$order" "status $st, want 33: $(head -n 1 "$tmp/err")"
        elif [ $order = ac ] && [ "$first" = "Booting from Floppy..." ]; then
            if [ "$fd2" != "$zero16" ]; then
                pass "-boot order=ac: booted the floppy"
            else
                # The order was honoured; the floppy read is the
                # floppy controller's business (tests/guests/floppy.sh).
                pass "-boot order=ac: SeaBIOS tried the floppy first (its read failed: $(grep -a -m1 -i 'floppy.*timeout\|Timeout' "$tmp/dbg.log"))"
            fi
        elif [ $order = ca ] && [ "$first" = "Booting from Hard Disk..." ] &&
            [ "$hd2" != "$zero16" ] && [ "$fd2" = "$zero16" ]; then
            pass "-boot order=ca: booted the hard disk"
        else
            fail "-boot order=$order" "first: '$first'; sector 2: floppy $fd2, disk $hd2"
        fi
    done
fi

# once=d: the CD-ROM first at power-on, order=c after the guest's reset.
rboot=build/guests/bootsect-reset.bin
if [ -f "$rboot" ]; then
    truncate -s 1M "$tmp/r.img"
    dd if="$rboot" of="$tmp/r.img" conv=notrunc 2>/dev/null
    boot_log -device isa-debug-exit -drive "file=$tmp/r.img,format=raw" \
        -boot order=c,once=d
    st=$?
    lists=$(grep -a -A1 '^boot order:' "$tmp/dbg.log" | grep -a '^1: ' | tr '\n' '|')
    if grep -q "not built yet" "$tmp/err"; then
        skip "-boot once=d" "$(head -n 1 "$tmp/err")"
    elif [ $st -ne 33 ]; then
        fail "-boot once=d" "status $st, want 33 (the guest resets once, then exits)"
    elif [ "$lists" = "1: /pci@i0cf8/ide@1,1/drive@1/disk@0|1: /pci@i0cf8/ide@1,1/drive@0/disk@0|" ]; then
        pass "-boot once=d: CD-ROM first, then the disk after the reset"
    else
        fail "-boot once=d" "SeaBIOS's first entries: $lists"
    fi
else
    skip "-boot once=d" "$rboot not built (make guests)"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
