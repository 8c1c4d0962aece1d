#!/bin/sh
# tests/cli/run.sh - command-line tests for emu.
#
# Bad input must give exactly one line on stderr starting with "emu: "
# (the program's name: with EMU=/path/to/qemu-system-x86_64 the prefix is
# "qemu-system-x86_64: ", so the same tests can be pointed at QEMU) and
# exit status 1, without starting a guest.  Good informational options
# must exit 0 and print what they promise.
#
# Environment: EMU (default ./emu), CLI_TIMEOUT (seconds, default 10),
# EMU_CLI_UNSUPPORTED (options emu recognises but refuses as not built
# yet, ";"-separated, default: a display type the pc board does not have,
# hw/pc/pc-options.c).  The disk
# options have their own tests, tests/cli/blockdev.sh, run at the end.
# Prints one line per test and "N passed, N failed, N skipped".
# shellcheck disable=SC2086  # $Q and $opt are split on purpose
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
EMU=${EMU:-./emu}
case "$EMU" in
    */*) EMU=$(cd "$(dirname "$EMU")" 2>/dev/null && pwd)/$(basename "$EMU") ;;
esac
CLI_TIMEOUT=${CLI_TIMEOUT:-10}
EMU_CLI_UNSUPPORTED=${EMU_CLI_UNSUPPORTED:--vga cirrus}
prefix="$(basename "$EMU"): "
cd "$root" || exit 1

if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    echo "SKIP: emulator $EMU not found"
    echo "0 passed, 0 failed, 1 skipped"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0 failed=0

pass() { echo "PASS cli: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL cli: $1: $2"; failed=$((failed + 1)); }

# run ARGS...: runs the emulator (no display, stdin closed) with a timeout;
# sets $st, stdout in $tmp/out, stderr in $tmp/err.
run() {
    if command -v timeout >/dev/null 2>&1; then
        timeout -k 2 "$CLI_TIMEOUT" "$EMU" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    else
        "$EMU" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
    fi
    st=$?
}

# bad NAME ARGS...: expects status 1 and one "emu: ..." line on stderr.
# Sets $errline for extra checks.
bad() {
    name=$1; shift
    run "$@"
    errline=$(head -n 1 "$tmp/err")
    nlines=$(grep -c '' "$tmp/err")
    if [ $st -eq 124 ]; then
        fail "$name" "accepted (still running after ${CLI_TIMEOUT}s): $EMU $*"
        return 1
    fi
    if [ $st -ne 1 ]; then
        fail "$name" "exit status $st, want 1 (stderr: $errline)"
        return 1
    fi
    if [ "$nlines" -ne 1 ]; then
        fail "$name" "$nlines lines on stderr, want 1: $(tr '\n' '|' <"$tmp/err" | cut -c1-200)"
        return 1
    fi
    case "$errline" in
        "$prefix"*) ;;
        *) fail "$name" "stderr does not start with '$prefix': $errline"; return 1 ;;
    esac
    if [ -s "$tmp/out" ]; then
        fail "$name" "unexpected output on stdout: $(head -n 1 "$tmp/out")"
        return 1
    fi
    return 0
}

# bad_ok NAME ARGS...: bad(), counted as a pass when it holds.
bad_ok() {
    name=$1
    bad "$@" && pass "$name: $errline"
}

# good NAME PATTERN... -- ARGS...: status 0 and stdout+stderr contains every
# PATTERN (grep -E).
good() {
    name=$1; shift
    pats=
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        pats="$pats
$1"
        shift
    done
    shift
    run "$@"
    if [ $st -ne 0 ]; then
        fail "$name" "exit status $st, want 0 (stderr: $(head -n 1 "$tmp/err"))"
        return
    fi
    cat "$tmp/out" "$tmp/err" >"$tmp/all"
    missing=
    old_ifs=$IFS
    IFS='
'
    for p in $pats; do
        [ -n "$p" ] || continue
        grep -q -E -- "$p" "$tmp/all" || missing="$missing '$p'"
    done
    IFS=$old_ifs
    if [ -n "$missing" ]; then
        fail "$name" "output lacks$missing"
    else
        pass "$name"
    fi
}

# Common options so that a wrongly accepted command line does not hang on
# the console: no display, no serial on stdio.
# Q is expanded unquoted on purpose (word splitting).
Q="-display none -serial null"

# --- bad input
bad_ok "unknown option" -foo
bad_ok "bad -m (abc)" -m abc $Q
bad_ok "bad -m (0)" -m 0 $Q
bad_ok "missing kernel file" -kernel /nonexistent $Q
bad_ok "unknown device" -device nosuch $Q
bad_ok "bad -gdb device" -gdb bogus:x $Q
bad_ok "bad -gdb port" -gdb tcp::notaport $Q
bad_ok "-gdb unix: in a missing folder" -gdb unix:/nonexistent/dir/s,server $Q
if bad "unknown property" -device isa-debug-exit,nosuch=1 $Q; then
    case "$errline" in
        *nosuch*) pass "unknown property: $errline" ;;
        *) fail "unknown property" "message does not name the property: $errline" ;;
    esac
fi
if bad "bad property value" -device isa-debug-exit,iobase=xyz $Q; then
    case "$errline" in
        *iobase*) pass "bad property value: $errline" ;;
        *) fail "bad property value" "message does not name the property: $errline" ;;
    esac
fi
bad_ok "unknown accelerator" -accel nosuch $Q
bad_ok "missing option argument" -m
# QMP monitors (-qmp, -mon): unknown chardev, missing chardev=, bad mode.
bad_ok "-mon: unknown chardev" -mon chardev=nosuch,mode=control $Q
bad_ok "-mon: no chardev=" -mon mode=control $Q
bad_ok "-mon: bad mode" -chardev null,id=n0 -mon chardev=n0,mode=bogus $Q
bad_ok "-qmp: bad spec" -qmp bogus:x $Q
# expect_msg NAME TEXT ARGS...: bad(), and the message contains TEXT.
expect_msg() {
    name=$1 text=$2
    shift 2
    if bad "$name" "$@"; then
        case "$errline" in
            *"$text"*) pass "$name: $errline" ;;
            *) fail "$name" "message lacks '$text': $errline" ;;
        esac
    fi
}
# -smp: QEMU's syntax; what is not supported yet is refused by name.
expect_msg "-accel tcg,thread=singlex" "unsupported property 'thread=singlex'" -accel tcg,thread=singlex $Q
expect_msg "-smp 0" "expected a number" -smp 0 $Q
expect_msg "-smp 17" "at most 16 CPUs" -smp 17 $Q
expect_msg "-smp topology mismatch" "cores (3) * threads (1) = 3, not the CPU count (2)" -smp 2,cores=3 $Q
expect_msg "-smp dies=2" "one die per socket" -smp 4,dies=2 $Q
expect_msg "-smp threads overflow" "at most 16 CPUs" -smp sockets=2,cores=3,threads=3 $Q
expect_msg "-smp maxcpus" "hot-plug" -smp 2,maxcpus=4 $Q
expect_msg "-smp sockets mismatch" "sockets (3) * cores (1)" -smp 2,sockets=3 $Q
expect_msg "-smp on a 486" "has none" -cpu 486 -smp 2 $Q
expect_msg "-machine hpet=maybe" "hpet=maybe" -machine pc,hpet=maybe $Q
# -m: sizes are integers with overflow checks (2^64 bytes is too large,
# not "too small" through a wrapped product).
expect_msg "-m 2^64 MiB" "too large" -m 18446744073709551616 $Q
expect_msg "-m 2^44 MiB" "too large" -m 17592186044416 $Q
expect_msg "-m 2^24 T" "too large" -m 16777216T $Q
expect_msg "-m 10^23" "too large" -m 99999999999999999999999 $Q
expect_msg "-m 4096" "at most 3584M" -m 4096 $Q
expect_msg "-m 0" "too small" -m 0 $Q
expect_msg "-m 1k" "too small" -m 1k $Q
expect_msg "-m -1" "invalid RAM size '-1'" -m -1 $Q
expect_msg "-m 64X" "invalid RAM size '64X'" -m 64X $Q
expect_msg "-m 1e3" "invalid RAM size '1e3'" -m 1e3 $Q
expect_msg "-rtc bad date" "invalid date '2006-02-29'" -rtc base=2006-02-29 $Q
expect_msg "-rtc bad base" "invalid base 'yesterday'" -rtc base=yesterday $Q
expect_msg "-rtc bad clock" "invalid clock 'guest'" -rtc clock=guest $Q
expect_msg "-rtc clock=rt" "not supported" -rtc clock=rt $Q
expect_msg "-rtc driftfix=slew" "not supported" -rtc driftfix=slew $Q
expect_msg "-rtc unknown key" "invalid parameter 'speed'" -rtc speed=2 $Q
# -display curses owns the terminal (when it is built in)
if "$EMU" -display help 2>/dev/null | grep -qx curses; then
    expect_msg "-display curses -serial stdio" "used by -display curses" \
        -display curses -serial stdio
    expect_msg "-display curses, no terminal" "must be a terminal" \
        -display curses -serial null
fi

# NIC models (hw/pc/pc-options.c): model=help lists them as QEMU does and
# exits 0; an unknown model is refused naming the ones there are.
run -nic model=help
if [ $st -eq 0 ] && [ "$(head -n 1 "$tmp/out")" = "Supported NIC models:" ] &&
    grep -qx ne2k_pci "$tmp/out" && grep -qx ne2k_isa "$tmp/out"; then
    pass "-nic model=help"
else
    fail "-nic model=help" "status $st, output: $(tr '\n' ' ' <"$tmp/out")"
fi
run -net nic,model=help
if [ $st -eq 0 ] && grep -qx ne2k_pci "$tmp/out"; then
    pass "-net nic,model=help"
else
    fail "-net nic,model=help" "status $st"
fi
expect_msg "-net nic,model=rtl8139" \
    "Unsupported NIC model: rtl8139 (supported: ne2k_isa, ne2k_pci)" \
    -net nic,model=rtl8139 -net none $Q


old_ifs=$IFS
IFS=';'
for opt in $EMU_CLI_UNSUPPORTED; do
    IFS=$old_ifs
    # shellcheck disable=SC2086
    if bad "refused $opt" $opt $Q; then
        case "$errline" in
            *"not supported"*|*"not built"*|*"not implemented"*)
                pass "refused $opt: $errline" ;;
            *) fail "refused $opt" "message does not say it is not supported yet: $errline" ;;
        esac
    fi
done
IFS=$old_ifs

# Buses: -device ...,bus=NAME must name a bus of the device's type.
if bad "bus= names no bus" -device isa-debug-exit,bus=nosuch.0 $Q; then
    case "$errline" in
        *"no bus named 'nosuch.0'"*) pass "bus= names no bus: $errline" ;;
        *) fail "bus= names no bus" "message does not name the bus: $errline" ;;
    esac
fi
if bad "bus= of the wrong type" -device isa-debug-exit,bus=pci.0 $Q; then
    case "$errline" in
        *"'pci.0' is of type pci"*"type isa"*) pass "bus= of the wrong type: $errline" ;;
        *) fail "bus= of the wrong type" "message does not say why: $errline" ;;
    esac
fi

# monitor NAME COMMANDS PATTERN...: runs paused (-S) with the monitor on
# stdio fed COMMANDS (one per line, then quit); status 0 and the output
# matches every PATTERN (grep -E, on the whole output as one line, with
# newlines as "|" and no CRs).
monitor() {
    name=$1 cmds=$2; shift 2
    printf '%s\nquit\n' "$cmds" >"$tmp/in"
    if command -v timeout >/dev/null 2>&1; then
        timeout -k 2 "$CLI_TIMEOUT" "$EMU" -S $Q -monitor stdio $MON_ARGS \
            <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
    else
        "$EMU" -S $Q -monitor stdio $MON_ARGS <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
    fi
    st=$?
    if [ $st -ne 0 ]; then
        fail "$name" "exit status $st, want 0 (stderr: $(head -n 1 "$tmp/err"))"
        return
    fi
    flat=$(tr -d '\r' <"$tmp/out" | tr '\n' '|')
    for p in "$@"; do
        if ! printf '%s' "$flat" | grep -q -E -- "$p"; then
            fail "$name" "output lacks '$p'"
            return
        fi
    done
    pass "$name"
}

# The interrupt platform in the monitor: the I/O APIC's table (pins
# masked after reset), one local APIC per CPU with -smp 2, and no HPET
# device with hpet=off.
MON_ARGS="-smp 2"
monitor "info ioapic" "info ioapic" \
    '\|ioapic: id 0x00 version 0x20 ' '\|  pin 23 0x0000000000010000 vec 0x00 .* masked\|'
monitor "info lapic, -smp 2" "info lapic" '\|CPU 0:\|' '\|CPU 1:\|'
MON_ARGS="-machine pc,hpet=off"
if monitor "hpet=off" "info qtree" '\|  dev: ioapic, id ""\|    id = 0x0\|  bus: pci.0\|'; then :; fi

# info qtree nests buses and devices: isa.0 under the PCI-ISA bridge on
# pci.0, a -device with bus=isa.0 on it with its properties.
MON_ARGS="-device isa-debug-exit,bus=isa.0,iobase=0x504,id=dbg"
monitor "info qtree" "info qtree" \
    '\|bus: main-system-bus\|  type System\|  dev: apic, id ""\|    id = 0x0\|' \
    '\|  dev: ioapic, id ""\|    id = 0x0\|  dev: hpet, id ""\|  bus: pci.0\|    type PCI\|' \
    '\|    dev: PIIX3, id ""\|      addr = 01.0\|      bus: isa.0\|        type ISA\|' \
    '\|        dev: isa-debug-exit, id "dbg"\|          iobase = 0x504\|'

# IDE: the PIIX3 IDE function provides ide.0 and ide.1; an empty ide-cd
# plugs in there; a second drive on the same unit and an ide-hd without a
# drive are refused with one line.
MON_ARGS="-device ide-cd,bus=ide.1,unit=0,id=cd"
monitor "ide-cd on ide.1" "info qtree" \
    '\|    dev: piix3-ide, id ""\|      addr = 01.1\|      bus: ide.0\|        type IDE\|' \
    '\|      bus: ide.1\|        type IDE\|        dev: ide-cd, id "cd"\|          drive = ""\|          unit = 0\|'
MON_ARGS=
if bad "two drives on one IDE unit" -device ide-cd,bus=ide.1,unit=0 \
        -device ide-cd,bus=ide.1,unit=0 $Q; then
    case "$errline" in
        *"ide.1 unit 0 is already used by ide-cd"*) pass "two drives on one IDE unit: $errline" ;;
        *) fail "two drives on one IDE unit" "message: $errline" ;;
    esac
fi
if bad "ide-hd without a drive" -device ide-hd,bus=ide.0 $Q; then
    case "$errline" in
        *"drive property not set"*) pass "ide-hd without a drive: $errline" ;;
        *) fail "ide-hd without a drive" "message: $errline" ;;
    esac
fi

# -device isa-serial without index takes the next COM port (COM2 after
# -serial's COM1), not COM1's place.
MON_ARGS="-device isa-serial,id=extra"
monitor "isa-serial takes the next free index" "info qtree" \
    '\|        dev: isa-serial, id "serial0"\|          index = 0\|' \
    '\|        dev: isa-serial, id "extra"\|          index = 1\|'
MON_ARGS=

# -net nic: ne2k_pci at 00:03.0 (slot 2 is the VGA's, as in QEMU);
# model=ne2k_isa at 0x300/IRQ 9 with the name as its id; the MACs.
MON_ARGS="-net nic,model=ne2k_isa,name=isanic -net nic,macaddr=52:54:00:00:00:09"
monitor "-net nic: the NE2000 cards" "info qtree
info pci
info network" \
    '\|        dev: ne2k_isa, id "isanic"\|          iobase = 0x300\|          irq = 0x9\|          mac = 52:54:00:12:34:56\|' \
    '\|    dev: ne2k_pci, id ""\|      addr = 03.0\|      mac = 52:54:00:00:00:09\|' \
    'device   3, function 0:\|    Ethernet controller: PCI device 10ec:8029\|' \
    'hub0port1: ne2k_pci.0: index=0,type=nic,model=ne2k_pci,macaddr=52:54:00:00:00:09'
MON_ARGS=

# The display: -vga std (the default) is "VGA" at 00:02.0; -vga none and a
# -device isa-vga leave no PCI VGA; -device VGA is the only VGA (no
# default one beside it); other types are refused with the list.
monitor "default VGA at 00:02.0" "info pci" \
    'device   2, function 0:\|    VGA controller: PCI device 1234:1111\|      BAR0: 32 bit prefetchable memory'
no_pci_vga() {
    name=$1; shift
    MON_ARGS="$*"
    monitor "$name" "info pci
info qtree" 'Host bridge'
    MON_ARGS=
    if grep -q '1234:1111' "$tmp/out"; then
        fail "$name" "a PCI VGA is there"
    fi
}
no_pci_vga "-vga none: no VGA" -vga none
no_pci_vga "-device isa-vga: no PCI VGA" -device isa-vga
if ! grep -q 'dev: isa-vga' "$tmp/out"; then
    fail "-device isa-vga" "info qtree lacks isa-vga"
fi
MON_ARGS="-device VGA,addr=5,vgamem_mb=8"
monitor "-device VGA is the display" "info pci" \
    'device   5, function 0:\|    VGA controller: PCI device 1234:1111\|      BAR0: 32 bit prefetchable memory at [^|]*\[size 0x800000\]'
MON_ARGS=
if [ "$(grep -c '1234:1111' "$tmp/out")" != 1 ]; then
    fail "-device VGA is the display" "not exactly one VGA"
fi
expect_msg "-vga cirrus" "-vga cirrus: not supported (available: std, none)" \
    -vga cirrus $Q
expect_msg "-vga nosuch" "available: std, none" -vga nosuch $Q

# Two ISA devices on the same ports: refused, naming the one already there.
if bad "overlapping I/O ports" -device isa-serial,iobase=0x3f8 $Q; then
    case "$errline" in
        *"I/O ports 0x3f8-0x3ff already used by serial0 (isa-serial)"*)
            pass "overlapping I/O ports: $errline" ;;
        *) fail "overlapping I/O ports" "message does not name both: $errline" ;;
    esac
fi

# 64-bit CPU models run under the translator (long mode, -cpu qemu64/max);
# without -cpu it keeps the 32-bit default (qemu32).
for cpu in qemu64 max; do
    out=$(printf 'info cpus\nquit\n' | "$EMU" -accel tcg -cpu $cpu -S \
              -display none -serial null -monitor stdio 2>&1)
    st=$?
    if [ $st -eq 0 ] && ! printf '%s' "$out" | grep -q "emu: "; then
        pass "-cpu $cpu under tcg: accepted"
    else
        fail "-cpu $cpu under tcg" "exit $st: $(printf '%s' "$out" | grep 'emu: ' | head -n 1)"
    fi
done

# --- good input
good "-version" "version [0-9]" -- -version
good "-accel tcg,thread=multi and thread=single" "version" -- -accel tcg,thread=multi -accel tcg,thread=single -version
good "-help" "-kernel" "-device" "-rtc .*base=" "-hda" "-cdrom" "-drive" \
    "-blockdev" "-snapshot" "-boot .*order=" "-gdb SPEC" "  -s  " -- -help
good "-m 1.5G, 64MiB, size=64" "version" -- -m 1.5G -m 64MiB -m size=64 -version
good "-rtc accepted" "version" -- -rtc base=2006-06-17T16:01:21,clock=vm \
    -rtc base=localtime,driftfix=none -version
good "-device help" "isa-serial" "isa-debug-exit" -- -device help
good "-help lists -qmp and -mon" "-qmp SPEC" "-mon chardev=ID" -- -help
good "-accel help" "kvm" "tcg" -- -accel help
# -qtest (docs/devel/debugging.md): its chardev and log are checked.
good "-accel help lists qtest" "^qtest " -- -accel help
bad_ok "-qtest with a bad chardev spec" -qtest bogus:x $Q
expect_msg "-qtest client with nobody listening" "cannot connect" \
    -qtest "unix:$tmp/nobody.sock" $Q
bad_ok "-qtest-log in a missing folder" \
    -qtest tcp:127.0.0.1:0,server,nowait -qtest-log "$tmp/no/log" $Q
good "-device isa-serial,help" "iobase" "irq" -- -device isa-serial,help

# --- the sources keep the include rules between layers
if sh "$here/check-layers.sh" >"$tmp/layers" 2>&1; then
    pass "layering (tests/cli/check-layers.sh)"
else
    fail "layering" "$(grep -v '^layers:' "$tmp/layers" | tr '\n' ' ' | cut -c1-300)"
fi

# --- the disk options (their own script: images, locking, boots)
skipped=0
EMU=$EMU sh "$here/blockdev.sh" >"$tmp/blockdev" 2>&1
grep -v -E '^[0-9]+ passed, ' "$tmp/blockdev"
bline=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/blockdev" | tail -n 1)
if [ -n "$bline" ]; then
    passed=$((passed + $(echo "$bline" | sed 's/ passed.*//')))
    failed=$((failed + $(echo "$bline" | sed 's/.* passed, \([0-9]*\) failed.*/\1/')))
    skipped=$((skipped + $(echo "$bline" | sed 's/.* failed, \([0-9]*\) skipped.*/\1/')))
else
    fail "blockdev.sh" "no closing count line"
fi

# --- the tap backend's set-up failures, each produced on purpose (needs
# root and namespaces; skips otherwise)
EMU=$EMU sh "$here/tap-diag.sh" >"$tmp/tapdiag" 2>&1
grep -v -E '^[0-9]+ passed, ' "$tmp/tapdiag"
tline=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/tapdiag" | tail -n 1)
if [ -n "$tline" ]; then
    passed=$((passed + $(echo "$tline" | sed 's/ passed.*//')))
    failed=$((failed + $(echo "$tline" | sed 's/.* passed, \([0-9]*\) failed.*/\1/')))
    skipped=$((skipped + $(echo "$tline" | sed 's/.* failed, \([0-9]*\) skipped.*/\1/')))
else
    fail "tap-diag.sh" "no closing count line"
fi

# --- two emus joined by -netdev socket (their own script)
EMU=$EMU sh "$here/net-socket.sh" >"$tmp/netsock" 2>&1
grep -v -E '^[0-9]+ passed, ' "$tmp/netsock"
nline=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/netsock" | tail -n 1)
if [ -n "$nline" ]; then
    passed=$((passed + $(echo "$nline" | sed 's/ passed.*//')))
    failed=$((failed + $(echo "$nline" | sed 's/.* passed, \([0-9]*\) failed.*/\1/')))
    skipped=$((skipped + $(echo "$nline" | sed 's/.* failed, \([0-9]*\) skipped.*/\1/')))
else
    fail "net-socket.sh" "no closing count line"
fi

# --- user networking's options (their own script)
EMU=$EMU sh "$here/net-user.sh" >"$tmp/netuser" 2>&1
grep -v -E '^[0-9]+ passed, ' "$tmp/netuser"
nline=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/netuser" | tail -n 1)
if [ -n "$nline" ]; then
    passed=$((passed + $(echo "$nline" | sed 's/ passed.*//')))
    failed=$((failed + $(echo "$nline" | sed 's/.* passed, \([0-9]*\) failed.*/\1/')))
    skipped=$((skipped + $(echo "$nline" | sed 's/.* failed, \([0-9]*\) skipped.*/\1/')))
else
    fail "net-user.sh" "no closing count line"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
