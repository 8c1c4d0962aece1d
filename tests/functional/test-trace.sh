#!/bin/sh
# Trace points from the command line and the monitor: -trace help lists
# the device, DMA and accelerator points; -trace PATTERN, events=FILE,
# -d trace:PATTERN and the monitor's trace-event turn them on; a guest's
# register accesses then appear in the log as "name args" lines, and
# nothing does when they are off.  Unknown names are refused with one
# line.  Needs the assembled guests (make guests).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-trace.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0 failed=0
pass() { echo "PASS trace: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL trace: $1: $2"; failed=$((failed + 1)); }

guest=build/guests/guest-pic-pit.bin
if [ ! -f "$guest" ]; then
    echo "SKIP: $guest not built (make guests)"
    exit 77
fi

# The points every part of emu must have.
"$EMU" -trace help >"$tmp/list" 2>&1
for p in pit_ioport_write pit_ioport_read serial_ioport_write \
         pic_ioport_write ide_exec_cmd ide_atapi_cmd fdc_command \
         dp8390_transmit apic_deliver ioapic_deliver hpet_mmio_write \
         vga_ioport_write dma_memory_rw pci_set_irq pc_gsi_set \
         x86_interrupt kvm_exit tcg_tb_flush; do
    if grep -q -x "$p" "$tmp/list"; then
        pass "-trace help lists $p"
    else
        fail "-trace help" "no $p"
    fi
done

# guest ARGS...: the PIC/PIT guest (which programs the PIT) under tcg.
guest() {
    run_timeout 30 "$EMU" -machine pc -accel tcg -m 16 -display none \
        -serial null -bios "$guest" -no-reboot \
        -device isa-debug-exit,iobase=0x501,iosize=2 "$@" \
        </dev/null >"$tmp/out" 2>"$tmp/err"
    st=$?
}

guest -D "$tmp/off.log"
if [ "$st" -ne 33 ]; then
    fail "guest without trace" "exit status $st, want 33"
elif grep -q "^pit_" "$tmp/off.log" "$tmp/err"; then
    fail "off by default" "trace lines without -trace"
else
    pass "off by default"
fi

guest -trace 'pit_ioport_*' -D "$tmp/on.log"
if [ "$st" -ne 33 ]; then
    fail "-trace pit_ioport_*" "exit status $st, want 33"
elif ! grep -q -E '^pit_ioport_write addr 0x3 val 0x[0-9a-f]+ size 1$' \
        "$tmp/on.log"; then
    fail "-trace pit_ioport_*" "no mode-register write in the log: $(head -n 3 "$tmp/on.log" | tr '\n' '|')"
elif grep -v -q '^pit_ioport_' "$tmp/on.log"; then
    fail "-trace pit_ioport_*" "other lines: $(grep -v '^pit_ioport_' "$tmp/on.log" | head -n 1)"
else
    pass "-trace pit_ioport_* ($(grep -c '' "$tmp/on.log") lines)"
fi

printf '# the PIC only\npic_*\n-pic_ioport_read\n' >"$tmp/events"
guest -trace "events=$tmp/events,file=$tmp/ev.log"
if [ "$st" -ne 33 ]; then
    fail "-trace events=" "exit status $st"
elif grep -q '^pic_ioport_write ' "$tmp/ev.log" &&
     ! grep -q -v '^pic_ioport_write ' "$tmp/ev.log"; then
    pass "-trace events=FILE,file=FILE"
else
    fail "-trace events=" "log: $(head -n 3 "$tmp/ev.log" | tr '\n' '|')"
fi

guest -d trace:pc_gsi_set -D "$tmp/gsi.log"
if grep -q -E '^pc_gsi_set gsi 2 level [01]$' "$tmp/gsi.log"; then
    pass "-d trace:pc_gsi_set (the PIT's IRQ 0 on GSI 2)"
else
    fail "-d trace:" "no GSI 2 change: $(head -n 3 "$tmp/gsi.log" | tr '\n' '|')"
fi

# Unknown names and options: one line, exit 1.
for args in "-trace no_such_point" "-trace bogus=1" "-d trace:no_such*" \
            "-trace events=/nonexistent"; do
    # shellcheck disable=SC2086
    run_timeout 10 "$EMU" $args -display none -serial null \
        </dev/null >"$tmp/out" 2>"$tmp/err"
    st=$?
    if [ "$st" -eq 1 ] && [ "$(grep -c '' "$tmp/err")" -eq 1 ] &&
       grep -q '^emu: ' "$tmp/err"; then
        pass "refused: $args: $(cat "$tmp/err")"
    else
        fail "refused: $args" "status $st, stderr $(tr '\n' '|' <"$tmp/err")"
    fi
done

# The monitor: info trace-events, trace-event on/off.
printf '%s\n' "info trace-events" "trace-event pit_ioport_* on" \
    "info trace-events" "trace-event pit_ioport_write off" \
    "info trace-events" "trace-event nosuch on" "trace-event pit_x maybe" \
    "info trace-events pit_ioport_re*" \
    "quit" >"$tmp/in"
run_timeout 20 "$EMU" -S -display none -serial null -monitor stdio \
    <"$tmp/in" >"$tmp/mon" 2>&1
flat=$(tr -d '\r' <"$tmp/mon" | tr '\n' '|')
n0=$(printf '%s' "$flat" | grep -o 'pit_ioport_write : state 0' | wc -l)
n1=$(printf '%s' "$flat" | grep -o 'pit_ioport_write : state 1' | wc -l)
r1=$(printf '%s' "$flat" | grep -o 'pit_ioport_read : state 1' | wc -l)
# The last listing (a pattern) has the read point only.
if [ "$n0" -eq 2 ] && [ "$n1" -eq 1 ] && [ "$r1" -eq 3 ]; then
    pass "monitor trace-event / info trace-events"
else
    fail "monitor trace-event" "write state0 x$n0, state1 x$n1, read state1 x$r1"
fi
case "$flat" in
    *"No trace point matches 'nosuch'"*"usage: trace-event NAME on|off"*)
        pass "monitor trace-event errors" ;;
    *) fail "monitor trace-event errors" "$(printf '%s' "$flat" | cut -c1-300)" ;;
esac

echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
