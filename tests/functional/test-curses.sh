#!/bin/sh
# test-curses.sh - -display curses on a real screen: SeaBIOS and its VGA
# BIOS print on the VGA text screen, emu shows it in a pseudo terminal
# (tests/functional/pty-run.py is the terminal): the banner and "No
# bootable device" appear as text, C-a x quits with status 0 and gives the
# terminal back.  A translator-only run is enough (the screen does not
# depend on the accelerator).
#
# Environment: EMU (default ./emu), CURSES_TIMEOUT (seconds, default 60),
# FUNC_LOG_DIR (default build/functional).  Exits 77 when emu has no
# curses front end or no VGA device.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
CURSES_TIMEOUT=${CURSES_TIMEOUT:-60}
cd "$root" || exit 1
logdir=${FUNC_LOG_DIR:-build/functional}
mkdir -p "$logdir"

if ! "$EMU" -display help 2>/dev/null | grep -qx curses; then
    skipped=1
    finish "emu is built without -display curses (no ncursesw)"
fi
if ! command -v python3 >/dev/null 2>&1; then
    skipped=1
    finish "python3 not found"
fi
accel=tcg
"$EMU" -accel help 2>/dev/null | grep -v -i "not usable" | grep -q '^tcg ' ||
    accel=kvm

log=$logdir/curses.log
python3 "$here/pty-run.py" --log "$log" -t 5 -e '.' -- \
    "$EMU" -accel $accel -display curses -rtc "$EMU_TEST_RTC" \
    2>/dev/null >/dev/null
if grep -a -q "no display device" "$log"; then
    skipped=1
    finish "no VGA device in this build (emu: no display device)"
fi

if python3 "$here/pty-run.py" --log "$log" -t "$CURSES_TIMEOUT" \
        -e 'SeaBIOS \(version' -e 'No bootable device' -s '\x01x' \
        -x 0 -R -- \
        "$EMU" -accel $accel -display curses -rtc "$EMU_TEST_RTC" \
        2>"$logdir/curses.err"; then
    echo "PASS test-curses ($accel): SeaBIOS's screen in the terminal, C-a x quit"
    passed=$((passed + 1))
else
    echo "FAIL test-curses ($accel): $(tail -n 1 "$logdir/curses.err") (log: $log)"
    failed=$((failed + 1))
fi
# The keyboard both ways: Esc typed in the terminal, and the monitor's
# "sendkey esc", each open SeaBIOS's boot menu.
if python3 "$here/pty-run.py" --log "$log" -t "$CURSES_TIMEOUT" \
        -e 'Press ESC for boot menu' -s '\x1b' -e 'Select boot device' \
        -s '\x01x' -x 0 -R -- \
        "$EMU" -accel $accel -display curses -rtc "$EMU_TEST_RTC" \
        -boot menu=on,splash-time=20000 2>"$logdir/curses.err"; then
    echo "PASS test-curses ($accel): Esc typed in the terminal opened SeaBIOS's boot menu"
    passed=$((passed + 1))
else
    echo "FAIL test-curses ($accel) Esc: $(tail -n 1 "$logdir/curses.err") (log: $log)"
    failed=$((failed + 1))
fi
sock=$logdir/curses-mon.sock
rm -f "$sock"
send_esc="python3 -c 'import socket,sys,time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b\"sendkey esc\\n\")
time.sleep(0.5)
s.close()' $sock"
if python3 "$here/pty-run.py" --log "$log" -t "$CURSES_TIMEOUT" \
        -e 'Press ESC for boot menu' -c "$send_esc" \
        -e 'Select boot device' -s '\x01x' -x 0 -R -- \
        "$EMU" -accel $accel -display curses -rtc "$EMU_TEST_RTC" \
        -boot menu=on,splash-time=20000 \
        -monitor "unix:$sock,server,nowait" 2>"$logdir/curses.err"; then
    echo "PASS test-curses ($accel): the monitor's sendkey esc opened SeaBIOS's boot menu"
    passed=$((passed + 1))
else
    echo "FAIL test-curses ($accel) sendkey: $(tail -n 1 "$logdir/curses.err") (log: $log)"
    failed=$((failed + 1))
fi
rm -f "$sock"
finish "nothing ran"
