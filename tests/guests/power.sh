#!/bin/sh
# tests/guests/power.sh - the machine's power-off, reset and fault paths, and
# what emu says when -accel kvm cannot be used.
#
# Runs tests/guests/guest-power.asm, assembled once per mode (nasm -DMODE=..)
# into build/guests/power/, under -accel kvm, each with its own expectation:
#
#   check              no reset or power-off from harmless writes (status 33)
#   s5                 ACPI S5 (PM1_CNT = SLP_EN, SLP_TYP 0): status 0 and no
#                      guest output after the write
#   cf9 kbd p92        reset through 0xCF9 = 0x06, the 8042 command 0xFE,
#                      port 0x92 bit 0: a second boot (two START lines, the
#                      CMOS marker seen, devices reset), status 33; with
#                      -no-reboot: status 0 after the first boot
#   cf9-control        0xCF9 = 0x02 must not reset: one boot, "no reset",
#                      status 35 (shows that the second-boot checks can fail)
#   triple             triple fault: one "triple fault" line on stderr, then
#                      a second boot; with -no-reboot: the line, status 0
#   accel-kvm-missing  EMU_KVM_DEVICE=/nonexistent emu -accel kvm: one line
#                      "emu: -accel kvm: not usable: /nonexistent: <why>",
#                      status 1 (EMU_KVM_DEVICE is accel/kvm/kvm.c's test hook)
#   accel-kvm-notkvm   the same with EMU_KVM_DEVICE=/dev/null
#   accel-default      no -accel and no usable KVM: emu either falls back to
#                      another accelerator (the check guest passes) or says
#                      "no accelerator is usable ... kvm: /nonexistent: ..."
#                      and exits 1
#
# One line per case ("PASS power: <case>" / "FAIL power: <case>: why" /
# "SKIP power: <case>: why"), then "N passed, N failed, N skipped".  Exit 1
# if anything failed, else 77 if /dev/kvm is unusable (the guest cases are
# skipped), else 0.
#
# Environment: EMU (default ./emu), POWER_TIMEOUT (seconds per run, default
# 30), GUEST_LOG_DIR (default build/guests/logs).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

. "$here/../lib.sh"
POWER_TIMEOUT=${POWER_TIMEOUT:-30}
prefix="$(basename "$EMU"): "

cd "$root" || exit 1
src=tests/guests/guest-power.asm
bindir=build/guests/power
logdir=${GUEST_LOG_DIR:-build/guests/logs}
mkdir -p "$bindir" "$logdir"

if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    echo "SKIP power: emulator $EMU not found"
    echo "0 passed, 0 failed, 1 skipped"
    exit 77
fi

passed=0
failed=0
skipped=0

pass() { echo "PASS power: $1"; passed=$((passed + 1)); }
fail() {
    echo "FAIL power: $1: $2"
    [ -n "${log:-}" ] && echo "     log: $log (stderr: $log.err)"
    failed=$((failed + 1))
}
skip() { echo "SKIP power: $1: $2"; skipped=$((skipped + 1)); }


# build MODE: assemble $bindir/<mode>.bin; prints nothing, fails on error.
build() {
    bin=$bindir/$1.bin
    if [ -f "$bin" ] && ! newer "$src" "$bin" &&
       ! newer tests/guests/guest.inc "$bin"; then
        return 0
    fi
    command -v nasm >/dev/null 2>&1 || { buildwhy="nasm not found"; return 1; }
    if ! nasm -f bin -I tests/guests/ -DMODE="MODE_$2" -o "$bin" "$src" \
            2>"$logdir/power-$1.nasm"; then
        buildwhy="nasm: $(head -n 1 "$logdir/power-$1.nasm")"
        rm -f "$bin"
        return 1
    fi
}

# run_guest CASE MODE [ARGS...]: boot $bindir/MODE.bin; sets $st, $out
# (COM1 output without CRs), $err (stderr) and $log.
run_guest() {
    case_name=$1; mode=$2; shift 2
    log=$logdir/power-$case_name.log
    run_timeout "$POWER_TIMEOUT" "$EMU" -machine pc -accel kvm -m 64 \
        -nographic -rtc "$EMU_TEST_RTC" -bios "$bindir/$mode.bin" \
        -device isa-debug-exit,iobase=0x501,iosize=2 "$@" \
        </dev/null >"$log" 2>"$log.err"
    st=$?
    out=$(tr -d '\r' <"$log")
    err=$(cat "$log.err")
}

# count PATTERN: lines of $out matching the basic regexp PATTERN.
count() {
    printf '%s\n' "$out" | grep -a -c -- "$1"
}

# why_common: problems any guest case has (timeout, a FAIL line); sets $why.
why_common() {
    why=
    if [ "$st" -eq 124 ]; then
        last=$(printf '%s\n' "$out" | grep -a -v '^$' | tail -n 1)
        why="timeout after ${POWER_TIMEOUT}s (last output: ${last:-none})"
        return
    fi
    failline=$(printf '%s\n' "$out" | grep -a '^FAIL guest-power' | head -n 1)
    [ -n "$failline" ] && why="guest: ${failline#FAIL guest-power: }, status $st"
}

# expect CASE: report $why (empty = pass) for CASE.
expect() {
    if [ -z "$why" ]; then
        pass "$1"
    else
        fail "$1" "$why"
    fi
}

# want_status N / want_starts N / want_line TEXT / want_no_line TEXT /
# want_triple N: each sets $why on the first mismatch only.
want_status() {
    [ -z "$why" ] && [ "$st" -ne "$1" ] &&
        why="exit status $st, want $1${err:+ (stderr: $(printf '%s' "$err" | tail -n 1))}"
}
want_starts() {
    n=$(count '^START guest-power$')
    [ -z "$why" ] && [ "$n" -ne "$1" ] && why="$n boots (START lines), want $1"
}
want_line() {
    [ -z "$why" ] && [ "$(count "$1")" -eq 0 ] && why="no line matching '$1'"
}
want_no_line() {
    [ -z "$why" ] && [ "$(count "$1")" -ne 0 ] && why="unexpected line matching '$1'"
}
want_triple() {
    n=$(printf '%s\n' "$err" | grep -c 'triple fault')
    [ -z "$why" ] && [ "$n" -ne "$1" ] &&
        why="$n 'triple fault' lines on stderr, want $1"
}

# ---------------------------------------------------------- guest cases

modes="check:CHECK s5:S5 cf9:CF9 cf9-control:CF9_NOOP kbd:KBD p92:P92 triple:TRIPLE"
built=yes
for m in $modes; do
    if ! build "${m%%:*}" "${m#*:}"; then
        fail "build ${m%%:*}" "$buildwhy"
        built=no
    fi
done
log=

if ! kvm_usable; then
    skip guests "/dev/kvm missing or not accessible"
elif [ $built = no ]; then
    skip guests "guest-power did not assemble"
else
    # Harmless writes: no reset, no power-off.
    run_guest check check -no-reboot
    why_common
    want_status 33
    want_starts 1
    want_line '^PASS guest-power$'
    want_triple 0
    expect check

    # ACPI S5.
    run_guest s5 s5
    why_common
    want_status 0
    want_line '^INFO guest-power: entering S5$'
    want_no_line '^AFTER'
    want_starts 1
    want_triple 0
    expect s5

    for r in cf9 kbd p92; do
        run_guest "$r" "$r"
        why_common
        want_status 33
        want_starts 2
        want_line '^INFO guest-power: first boot'
        want_line '^INFO guest-power: second boot$'
        want_line '^PASS guest-power$'
        want_no_line '^AFTER'
        want_triple 0
        expect "$r"

        run_guest "$r-no-reboot" "$r" -no-reboot
        why_common
        want_status 0
        want_starts 1
        want_line '^INFO guest-power: first boot'
        want_no_line '^AFTER'
        want_no_line 'second boot'
        want_triple 0
        expect "$r-no-reboot"
    done

    # Control: a write that must not reset leaves the guest on its first
    # boot, and the guest notices.
    run_guest cf9-control cf9-control
    why_common
    want_status 35
    want_starts 1
    want_line '^AFTER$'
    want_line '^INFO guest-power: no reset$'
    want_no_line 'second boot'
    expect cf9-control

    run_guest triple triple
    why_common
    want_status 33
    want_starts 2
    want_line '^INFO guest-power: second boot$'
    want_line '^PASS guest-power$'
    want_triple 1
    expect triple

    run_guest triple-no-reboot triple -no-reboot
    why_common
    want_status 0
    want_starts 1
    want_no_line 'second boot'
    want_triple 1
    expect triple-no-reboot
fi
log=

# ---------------------------------------------------- accelerator checks

# run_accel CASE DEVICE ARGS...: emu with EMU_KVM_DEVICE=DEVICE; sets $st,
# $err, $nlines, $errline, $log.
run_accel() {
    case_name=$1; dev=$2; shift 2
    log=$logdir/power-$case_name.log
    EMU_KVM_DEVICE=$dev run_timeout "$POWER_TIMEOUT" "$EMU" \
        -rtc "$EMU_TEST_RTC" "$@" \
        </dev/null >"$log" 2>"$log.err"
    st=$?
    nlines=$(grep -c '' "$log.err")
    errline=$(head -n 1 "$log.err")
}

# One line naming the device and a reason, status 1, nothing on stdout.
for c in accel-kvm-missing:/nonexistent accel-kvm-notkvm:/dev/null; do
    name=${c%%:*}; dev=${c#*:}
    run_accel "$name" "$dev" -accel kvm -display none
    want="${prefix}-accel kvm: not usable: $dev: "
    if [ $st -eq 124 ]; then
        fail "$name" "still running after ${POWER_TIMEOUT}s (EMU_KVM_DEVICE ignored?)"
    elif [ $st -ne 1 ]; then
        fail "$name" "exit status $st, want 1 (stderr: $errline)"
    elif [ "$nlines" -ne 1 ]; then
        fail "$name" "$nlines lines on stderr, want 1: $(tr '\n' '|' <"$log.err" | cut -c1-200)"
    elif [ "${errline#"$want"}" = "$errline" ] || [ -z "${errline#"$want"}" ]; then
        fail "$name" "stderr '$errline', want '$want<reason>'"
    elif [ -s "$log" ]; then
        fail "$name" "unexpected output on stdout: $(head -n 1 "$log")"
    else
        pass "$name"
    fi
done

# Default accelerator without a usable KVM: fall back, or say why not.
if [ -f "$bindir/check.bin" ]; then
    run_accel accel-default /nonexistent -machine pc -m 64 -nographic \
        -bios "$bindir/check.bin" -device isa-debug-exit,iobase=0x501,iosize=2 \
        -no-reboot
    want="${prefix}no accelerator is usable on this host: kvm: /nonexistent: "
    if [ $st -eq 33 ] && tr -d '\r' <"$log" | grep -a -q '^PASS guest-power$'; then
        pass "accel-default (fell back to another accelerator)"
    elif [ $st -eq 1 ] && [ "$nlines" -eq 1 ] &&
         [ "${errline#"$want"}" != "$errline" ] && [ ! -s "$log" ]; then
        pass "accel-default (no accelerator usable)"
    elif [ $st -eq 124 ]; then
        fail accel-default "still running after ${POWER_TIMEOUT}s (last output: $(tr -d '\r' <"$log" | grep -a -v '^$' | tail -n 1))"
    else
        fail accel-default "exit status $st, want 33 (fallback guest passes) or 1 with '$want<reason>' (stderr: $errline)"
    fi
else
    skip accel-default "guest-power check mode did not assemble"
fi
log=

if [ $failed -eq 0 ] && ! kvm_usable; then
    echo "SKIP: /dev/kvm missing or not accessible (guest cases skipped)"
    echo "$passed passed, $failed failed, $skipped skipped"
    exit 77
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] || exit 1
exit 0
