#!/bin/sh
# tests/guests/run.sh - run the tiny guest programs (tests/guests/guest-*.asm,
# assembled into build/guests/*.bin) as the BIOS of a pc machine, under each
# accelerator in $EMU_ACCELS (default "kvm", plus "tcg" when usable).
#
# A guest reports "PASS <name>" or "FAIL <name>: ..." on COM1 and leaves
# through isa-debug-exit: status 33 is a pass ("SKIP <name>: why" with
# status 33 when the host cannot run it: counted as skipped).  One line per guest and
# accelerator, then "N passed, N failed, N skipped".  Exit 77 (SKIP) if no
# requested accelerator is usable, 1 if anything failed.
#
# The guests never see the host's date: every run has a fixed RTC base on
# the virtual clock ($GUEST_RTC).  guest-rtc runs three times, at an
# afternoon, a morning and a midnight hour (12/24-hour conversion both
# ways and 12 AM), and its reported time must be the one it was given.
# A guest whose source has a line "; emu-args: ..." gets those options
# (e.g. -smp 2).
# A guest whose source has a line "; emu-env: VAR=value ..." runs with
# those variables set (e.g. EMU_TCG_TB_SIZE=1: a small code cache).
# The 64-bit guests (guest-long-*, "; emu-args: -cpu qemu64") are counted
# as skipped, "SKIP <name> (tcg): emu's translator has no long mode yet",
# when emu refuses the CPU model under the accelerator (its message "long
# mode (64-bit) is not yet supported by ..."): they start running the day
# the translator accepts qemu64.
#
# GUEST_QEMU=qemu-system-x86_64 runs the guests under that QEMU instead
# of emu (EMU_ACCELS default "tcg" then), to check a guest program itself
# against a reference emulator, e.g.
#   GUEST_QEMU=qemu-system-x86_64 GUESTS="guest-long-basic" sh tests/guests/run.sh
#
# Environment: EMU (default ./emu), GUEST_QEMU, EMU_ACCELS, GUEST_TIMEOUT
# (seconds, default 30), EMU_CONSOLE_ARGS (default "-nographic": COM1 on stdout),
# GUESTS (space-separated names to run, default all), GUEST_LOG_DIR
# (default build/guests/logs), GUEST_RTC (the -rtc option of every run but
# guest-rtc's, default $EMU_TEST_RTC from tests/lib.sh).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

. "$here/../lib.sh"
if [ -n "${GUEST_QEMU:-}" ]; then
    EMU=$GUEST_QEMU
    EMU_ACCELS=${EMU_ACCELS:-tcg}
fi
EMU_ACCELS=$(default_accels)
GUEST_TIMEOUT=${GUEST_TIMEOUT:-30}
EMU_CONSOLE_ARGS=${EMU_CONSOLE_ARGS:--nographic}
PASS_STATUS=33
GUEST_RTC=${GUEST_RTC:-$EMU_TEST_RTC}

cd "$root" || exit 1
bindir=build/guests
logdir=${GUEST_LOG_DIR:-$bindir/logs}
mkdir -p "$bindir" "$logdir"

if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
    echo "SKIP: emulator $EMU not found"
    echo "0 passed, 0 failed, 1 skipped"
    exit 77
fi


# Guest list: every tests/guests/guest-*.asm (built here if needed).
if [ -n "${GUESTS:-}" ]; then
    names=$GUESTS
else
    names=
    for src in tests/guests/guest-*.asm; do
        [ -f "$src" ] || continue
        names="$names $(basename "$src" .asm)"
    done
fi

passed=0
failed=0
skipped=0

# Runs: NAME or NAME@HH:MM (guest-rtc at a fixed time of 2024-06-15).
runs=
for name in $names; do
    if [ "$name" = guest-rtc ]; then
        runs="$runs $name@15:30 $name@09:05 $name@00:30"
    else
        runs="$runs $name"
    fi
done

# rtc_expect HH:MM: the lines guest-rtc prints for that time (grep -E).
rtc_expect() {
    h=${1%%:*} m=${1#*:}
    h=${h#0} m=${m#0}
    h=${h:-0} m=${m:-0}
    if [ "$h" -eq 0 ]; then h12=12; pm=0
    elif [ "$h" -lt 12 ]; then h12=$h; pm=0
    elif [ "$h" -eq 12 ]; then h12=12; pm=8
    else h12=$((h - 12)); pm=8
    fi
    # BCD: the tens digit of the 12-hour value, with bit 7 for PM.
    echo "time 24-6-15 $h:$m:[0-9]"
    echo "hours in 12-hour mode 0x$((pm + h12 / 10))$((h12 % 10))\$"
}

for name in $names; do
    src=tests/guests/$name.asm
    bin=$bindir/$name.bin
    stale=no
    for dep in "$src" tests/guests/*.inc; do
        newer "$dep" "$bin" && stale=yes
    done
    if [ ! -f "$bin" ] || [ $stale = yes ]; then
        if ! command -v nasm >/dev/null 2>&1; then
            echo "FAIL $name: $bin missing and nasm not found"
            failed=$((failed + 1))
            continue
        fi
        if ! nasm -f bin -I tests/guests/ -o "$bin" "$src" 2>"$logdir/$name.nasm"; then
            echo "FAIL $name: nasm: $(head -n 1 "$logdir/$name.nasm")"
            failed=$((failed + 1))
            continue
        fi
    fi
done

any_run=no
for accel in $EMU_ACCELS; do
    if [ "$accel" = kvm ] && ! kvm_usable; then
        echo "SKIP guests (kvm): /dev/kvm missing or not accessible"
        for run in $runs; do skipped=$((skipped + 1)); done
        continue
    fi
    any_run=yes
    for run in $runs; do
        name=${run%@*}
        rtc=$GUEST_RTC at= tag=$accel
        if [ "$run" != "$name" ]; then
            at=${run#*@}
            rtc=base=2024-06-15T$at:00,clock=vm
            tag="$accel, $at"
        fi
        bin=$bindir/$name.bin
        [ -f "$bin" ] || continue
        log=$logdir/$name$(echo "$at" | tr -d :).$accel.log
        genv=$(sed -n 's/^; emu-env: *//p' "tests/guests/$name.asm" | head -n 1)
        # "; emu-disk: SIZE": a blank raw image of that size as ide0-hd0.
        gdisk=$(sed -n 's/^; emu-disk: *//p' "tests/guests/$name.asm" | head -n 1)
        # "; emu-args: ...": more options for emu (e.g. -smp 2).
        gargs=$(sed -n 's/^; emu-args: *//p' "tests/guests/$name.asm" | head -n 1)
        dargs=
        if [ -n "$gdisk" ]; then
            img=$logdir/$name.$accel.img
            rm -f "$img"
            truncate -s "$gdisk" "$img"
            dargs="-drive file=$img,if=none,id=disk0,format=raw -device ide-hd,drive=disk0,bus=ide.0,unit=0"
        fi
        # shellcheck disable=SC2086
        (
            [ -z "$genv" ] || export $genv
            run_timeout "$GUEST_TIMEOUT" "$EMU" -machine pc -accel "$accel" \
                -m 64 $EMU_CONSOLE_ARGS -bios "$bin" -rtc "$rtc" $dargs $gargs \
                -device isa-debug-exit,iobase=0x501,iosize=2 -no-reboot \
                </dev/null >"$log" 2>"$log.err"
        )
        st=$?
        if grep -a -q "long mode (64-bit) is not yet supported by the translator" \
                "$log.err"; then
            echo "SKIP $name ($tag): emu's translator has no long mode yet"
            skipped=$((skipped + 1))
            continue
        fi
        if [ -n "$gdisk" ] && grep -a -q -e '-drive: .*not supported' "$log.err"; then
            echo "SKIP $name ($tag): this emu cannot attach a disk (-drive)"
            skipped=$((skipped + 1))
            continue
        fi
        out=$(tr -d '\r' <"$log")
        failline=$(printf '%s\n' "$out" | grep -a "^FAIL $name" | head -n 1)
        why=
        if [ $st -eq 124 ]; then
            last=$(printf '%s\n' "$out" | grep -a -v '^$' | tail -n 1)
            why="timeout after ${GUEST_TIMEOUT}s (last output: ${last:-none})"
        elif [ -n "$failline" ]; then
            why="${failline#FAIL }, status $st"
        elif [ $st -ne $PASS_STATUS ]; then
            err=$(grep -a -v '^$' "$log.err" | tail -n 1)
            why="exit status $st, want $PASS_STATUS${err:+ (stderr: $err)}"
        elif ! printf '%s\n' "$out" | grep -a -q "^PASS $name\$"; then
            why="no 'PASS $name' line"
        fi
        # A guest may find the host unable to run it ("SKIP <name>: why",
        # e.g. a host KVM that refuses CR0.PG): count it as skipped.
        skipline=$(printf '%s\n' "$out" | grep -a "^SKIP $name" | head -n 1)
        if [ -n "$skipline" ] && [ $st -eq $PASS_STATUS ]; then
            echo "SKIP $name ($tag): ${skipline#SKIP $name: }"
            skipped=$((skipped + 1))
            continue
        fi
        # A host KVM whose instruction emulator gives up (nested or
        # software-only KVM: it emulates #UD, IRET to ring 3, task
        # switches...) cannot run the guest: a host limit, not a failure.
        if [ -n "$why" ] && [ "$accel" = kvm ] &&
                cat "$log" "$log.err" 2>/dev/null |
                grep -a -q "instruction emulation failed"; then
            echo "SKIP $name ($tag): host KVM cannot emulate an instruction the guest uses"
            skipped=$((skipped + 1))
            continue
        fi
        # Accelerator-specific expectations.
        if [ -z "$why" ] && [ "$name" = guest-i8042 ] && [ "$accel" = tcg ]; then
            printf '%s\n' "$out" | grep -a -q "a20-mask yes" ||
                why="A20 disabled but memory does not wrap at 1 MiB under tcg"
        fi
        if [ -z "$why" ] && [ -n "$at" ]; then
            rtc_expect "$at" >"$log.want"
            while IFS= read -r pat; do
                printf '%s\n' "$out" | grep -a -q -E "$pat" ||
                    why="${why:+$why; }no line matching '$pat' (-rtc $rtc)"
            done <"$log.want"
        fi
        if [ -z "$why" ]; then
            echo "PASS $name ($tag)"
            passed=$((passed + 1))
        else
            echo "FAIL $name ($tag): $why"
            echo "     log: $log"
            failed=$((failed + 1))
        fi
    done
done

if [ $failed -eq 0 ] && [ $any_run = no ]; then
    echo "SKIP: no usable accelerator among: $EMU_ACCELS (/dev/kvm unusable)"
    echo "$passed passed, $failed failed, $skipped skipped"
    exit 77
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] || exit 1
exit 0
