#!/bin/sh
# test-sdl.sh - the SDL window (-display sdl) on a real X server: Xvfb on
# a free display number, Debian's 686 kernel and the busybox initramfs
# (scripts/fetch-guests.sh) under emu -display sdl, driven with xdotool as
# a person would:
#
#  - the window opens, titled "emu (NAME)" after -name;
#  - keys typed into the window reach the guest's shell: with
#    console=tty0 last, the shell reads the PS/2 keyboard, and the typed
#    command writes its result to ttyS0 (a file here);
#  - Ctrl-Alt-G grabs and releases (the title's hint), a click grabs;
#  - the close button (WM_DELETE_WINDOW) ends emu with status 0;
# then SeaBIOS without a disk, on the VGA's text screen:
#  - the window takes the guest's size (screendump's), and Ctrl-Alt-U
#    gives it back after a resize;
#  - the window's pixels (xwd) equal the monitor's screendump (skipped
#    when the monitor has no screendump);
#  - with -display sdl,window-close=off the close button does nothing.
#
# Skips (exit 77) when Xvfb, xdotool or xwd (x11-apps) is missing, when
# emu is built without SDL, or when the guests are not cached.  Xvfb and
# every emu it starts are ended at exit.
#
# Environment: EMU (default ./emu), SDL_TEST_ACCEL (default tcg: the
# nested KVM of some hosts cannot run Linux), LINUX_TIMEOUT (seconds for
# the boot, default 300), FUNC_LOG_DIR (default build/functional).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1
logdir=${FUNC_LOG_DIR:-build/functional}
mkdir -p "$logdir"
accel=${SDL_TEST_ACCEL:-tcg}
tmo=${LINUX_TIMEOUT:-300}
x11=$here/sdl-x11.py

for tool in Xvfb xdotool xwd python3; do
    if ! command -v $tool >/dev/null 2>&1; then
        skipped=1
        finish "$tool is not installed (scripts/install-deps.sh: xvfb, xdotool, x11-apps)"
    fi
done
if ! "$EMU" -display help 2>/dev/null | grep -qx sdl; then
    skipped=1
    finish "emu is built without SDL2 (-display help has no sdl)"
fi
if ! env=$(sh "$root/scripts/fetch-guests.sh" --print 2>/dev/null); then
    skipped=1
    finish "guests not cached (run scripts/fetch-guests.sh)"
fi
eval "$env"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-sdl.XXXXXX") || exit 1
xvfb_pid= emu_pid= emu2_pid=
cleanup() {
    for p in $emu_pid $emu2_pid; do
        kill -TERM "$p" 2>/dev/null
    done
    [ -n "$xvfb_pid" ] && kill -TERM "$xvfb_pid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

pass() {
    echo "PASS test-sdl: $1"
    passed=$((passed + 1))
}
fail() {
    echo "FAIL test-sdl: $1"
    failed=$((failed + 1))
}

# A free display: no lock file and no socket of another server.
n=90
while [ -e /tmp/.X$n-lock ] || [ -e /tmp/.X11-unix/X$n ]; do
    n=$((n + 1))
    [ $n -gt 199 ] && { skipped=1; finish "no free X display number in :90-:199"; }
done
Xvfb :$n -screen 0 1024x768x24 -nolisten tcp -noreset >"$logdir/sdl-xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=:$n
unset WAYLAND_DISPLAY
i=0
until xdotool getdisplaygeometry >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 100 ] || ! kill -0 $xvfb_pid 2>/dev/null; then
        skipped=1
        finish "Xvfb :$n did not start (see $logdir/sdl-xvfb.log)"
    fi
    sleep 0.1
done

# wait_for SECS CMD...: retry CMD every 0.2 s until it succeeds.
wait_for() {
    secs=$1
    shift
    i=0
    until "$@"; do
        i=$((i + 1))
        [ $i -gt $((secs * 5)) ] && return 1
        sleep 0.2
    done
}

# find_window NAME: the id of the window titled NAME (regex).
find_window() {
    xdotool search --name "$1" 2>/dev/null | head -n 1
}
has_window() {
    test -n "$(find_window "$1")"
}

serial=$logdir/sdl-serial.log
: >"$serial"
"$EMU" -machine pc -accel "$accel" -m 256 -name sdltest -display sdl \
    -rtc "$EMU_TEST_RTC" -serial "file:$serial" \
    -monitor "unix:$tmp/mon.sock,server=on,wait=off" \
    -kernel "$EMU_GUEST_KERNEL_686" -initrd "$EMU_GUEST_INITRD_686" \
    -append "console=ttyS0 console=tty0 panic=-1" -no-reboot \
    >"$logdir/sdl-emu.log" 2>&1 &
emu_pid=$!

win=
wait_for 30 has_window '^emu [(]sdltest[)]' &&
    win=$(find_window '^emu [(]sdltest[)]')
if [ -z "$win" ]; then
    fail "no window titled 'emu (sdltest)' ($(tail -n 1 "$logdir/sdl-emu.log"))"
    finish "no window"
fi
pass "the window opens, titled '$(xdotool getwindowname "$win")'"

# Typing: the kernel is up once it runs /init; the shell may take a moment
# more to open its tty, so the command is retyped until its answer comes.
if ! wait_for "$tmo" grep -q "Run /init as init process" "$serial"; then
    fail "the guest did not reach /init (see $serial)"
    finish "no guest"
fi
xdotool windowfocus --sync "$win" 2>/dev/null
xdotool mousemove --window "$win" 20 20
typed=no
for try in 1 2 3 4 5 6 7 8 9 10; do
    xdotool type --delay 20 'echo EMU$((6*7))OK >/dev/ttyS0'
    xdotool key Return
    if wait_for 6 grep -q "EMU42OK" "$serial"; then
        typed=yes
        break
    fi
done
if [ $typed = yes ]; then
    pass "keys typed into the window reach the guest's shell (try $try)"
else
    fail "the typed command never ran in the guest (see $serial)"
fi

# Every printable key of the US board, plain and shifted: a line typed
# into cat must come back unchanged on the serial port.
keys='KEYS: the quick brown fox jumps over the lazy dog 1234567890 -=[]\;'"'"',./` THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG ~!@#$%^&*()_+{}|:"<>?'
if [ $typed = yes ]; then
    xdotool type --delay 20 'cat >/dev/ttyS0'
    xdotool key Return
    sleep 1
    xdotool type --delay 20 "$keys"
    xdotool key Return ctrl+d
    line_back() { tr -d '\r' <"$serial" | grep -qxF "$keys"; }
    if wait_for 10 line_back; then
        pass "every printable key, plain and shifted, types its character"
    else
        fail "typed line differs: $(grep -a '^KEYS' "$serial" | head -n 1)"
    fi
fi

# The grab: Ctrl-Alt-G takes it and the title says how to leave; again
# releases; a click in the window takes it too.
title() { xdotool getwindowname "$win"; }
grabbed() { title | grep -q 'Press Ctrl-Alt-G to exit grab'; }
released() { ! grabbed; }
ok=yes
xdotool key ctrl+alt+g
wait_for 5 grabbed || { ok=no; echo "  Ctrl-Alt-G: title '$(title)'"; }
xdotool key ctrl+alt+g
wait_for 5 released || { ok=no; echo "  Ctrl-Alt-G again: title '$(title)'"; }
# Click in the window's middle (the -kernel guest's VGA was never set up
# by a BIOS: its screen, and so the window, may be tiny).
eval "$(xdotool getwindowgeometry --shell "$win")"
xdotool mousemove --window "$win" $((WIDTH / 2)) $((HEIGHT / 2)) click 1
wait_for 5 grabbed || { ok=no; echo "  click: title '$(title)'"; }
xdotool key ctrl+alt+g
wait_for 5 released || ok=no
[ $ok = yes ] && pass "Ctrl-Alt-G and a click grab, Ctrl-Alt-G releases" ||
    fail "grab"

# The close button ends emu (as QEMU's: the plug is pulled), status 0.
python3 "$x11" close "$win"
if wait_for 15 sh -c "! kill -0 $emu_pid 2>/dev/null"; then
    wait $emu_pid
    st=$?
    emu_pid=
    if [ $st -eq 0 ]; then
        pass "the close button ends emu (status 0)"
    else
        fail "the close button ended emu with status $st"
    fi
else
    fail "emu still runs 15 s after the close button"
fi

# Run 2: SeaBIOS without a disk on the VGA (its text screen: the -kernel
# entry above skips the BIOS, so nothing set a video mode there), with
# window-close=off and a monitor.
mon=$tmp/mon2.sock
"$EMU" -machine pc -accel "$accel" -m 32 -name noclose -net none \
    -display sdl,window-close=off -serial null \
    -debugcon "file:$logdir/sdl-debugcon.log" \
    -monitor "unix:$mon,server=on,wait=off" \
    >"$logdir/sdl-emu2.log" 2>&1 &
emu2_pid=$!
win=
wait_for 30 has_window '^emu [(]noclose[)]' &&
    win=$(find_window '^emu [(]noclose[)]')
if [ -z "$win" ]; then
    fail "run 2: no window ($(tail -n 1 "$logdir/sdl-emu2.log"))"
    finish "no window"
fi
monitor() { python3 "$x11" monitor "$mon" "$1"; }

# The guest's size: the screendump's, once SeaBIOS has said it found
# nothing to boot (the screen then holds still).
have_screendump=no
monitor help 2>/dev/null | grep -q '^screendump' && have_screendump=yes
gsize=
if [ $have_screendump = yes ] &&
        wait_for 60 grep -q 'No bootable device' "$logdir/sdl-debugcon.log" &&
        monitor "screendump $tmp/s.ppm" >/dev/null 2>&1 &&
        head -c 2 "$tmp/s.ppm" | grep -q '^P6'; then
    gsize=$(head -c 20 "$tmp/s.ppm" | tr '\n' ' ' | awk '{print $2 "x" $3}')
fi

geom() { xdotool getwindowgeometry "$win" | sed -n 's/.*Geometry: //p'; }
geom_is() { test "$(geom)" = "$1"; }
if [ -z "$gsize" ]; then
    skipped=$((skipped + 2))
    echo "SKIP test-sdl: sizes and pixels: no screendump on the monitor"
elif ! wait_for 10 geom_is "$gsize"; then
    fail "the window is $(geom), the guest's screen $gsize"
else
    pass "the window takes the guest's size ($gsize)"
    # Ctrl-Alt-U after a resize: back to the guest's size.
    xdotool windowfocus --sync "$win" 2>/dev/null
    xdotool mousemove --window "$win" 20 20
    xdotool windowsize "$win" 900 700
    if wait_for 5 geom_is 900x700; then
        xdotool key ctrl+alt+u
        if wait_for 5 geom_is "$gsize"; then
            pass "Ctrl-Alt-U restores the 1:1 size after a resize"
        else
            fail "Ctrl-Alt-U left the window at $(geom), not $gsize"
        fi
    else
        fail "the window did not take the size 900x700 ($(geom))"
    fi

    # The window's pixels against screendump.  The text cursor blinks,
    # so the window is dumped between two screendumps and a try passes
    # when it matches either of them (the screen has only the two cursor
    # phases; under a sanitizer one try can span both).  A wrong picture
    # matches neither, in every try.
    result="no screendump was written"
    for try in 1 2 3 4 5 6 7 8 9 10; do
        rm -f "$tmp/a.ppm" "$tmp/b.ppm"
        monitor "screendump $tmp/a.ppm" >"$tmp/mon.out" 2>&1
        sleep 0.1
        xwd -id "$win" -out "$tmp/win.xwd" 2>/dev/null
        monitor "screendump $tmp/b.ppm" >>"$tmp/mon.out" 2>&1
        [ -s "$tmp/a.ppm" ] && [ -s "$tmp/b.ppm" ] || continue
        if result=$(python3 "$x11" compare "$tmp/win.xwd" "$tmp/a.ppm") ||
           result=$(python3 "$x11" compare "$tmp/win.xwd" "$tmp/b.ppm"); then
            break
        fi
        cp "$tmp/win.xwd" "$tmp/a.ppm" "$tmp/b.ppm" "$logdir/" 2>/dev/null
        result="$(echo "$result" | tail -n 1) (see $logdir/win.xwd, a.ppm, b.ppm)"
    done
    case $result in
    *"all pixels equal"*) pass "the window shows screendump's pixels ($result, try $try)" ;;
    *) fail "pixels: $result" ;;
    esac
fi

# window-close=off: the button does nothing; the monitor ends emu.
python3 "$x11" close "$win"
sleep 2
if kill -0 $emu2_pid 2>/dev/null; then
    pass "window-close=off: the close button leaves emu running"
else
    fail "window-close=off: emu ended on the close button"
fi
monitor quit >/dev/null 2>&1
wait_for 10 sh -c "! kill -0 $emu2_pid 2>/dev/null"

finish "nothing ran"
