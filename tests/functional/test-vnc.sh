#!/bin/sh
# test-vnc.sh - -vnc with a real client (build/tests/vncclient, on
# Debian's libvncclient) against a guest that prints on COM1 every byte
# the 8042 gives it (tests/guests/vnc-echo.asm):
#   - unix:PATH: typed text and special keys arrive as the set 1 scancodes
#     of a US keyboard, Shift where the client pressed it; pointer motion
#     and buttons arrive as PS/2 mouse packets, the wheel in the
#     IntelliMouse byte; keys and buttons held when the client leaves are
#     released;
#   - 127.0.0.1:N (5900+N free, chosen at run time): the client connects
#     and gets the whole screen; websocket=PORT answers a WebSocket
#     upgrade (as noVNC sends it) with the RFB greeting;
#   - password=on: refused before set_password, refused with a wrong
#     password, accepted with the right one;
#   - SeaBIOS's screen on the standard VGA as the client receives it
#     equals `screendump` pixel for pixel (and a changed copy does not);
#   - bad -vnc specs: one line, exit 1.
# Environment: EMU, EMU_BUILD (default build), VNC_TIMEOUT (s, default 20).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1

build=${EMU_BUILD:-build}
client=$root/$build/tests/vncclient
guest=$root/build/guests/vnc-echo.bin
t=${VNC_TIMEOUT:-20}

if [ ! -x "$client" ]; then
    echo "SKIP: $client not built (no libvncclient: apt-get install libvncserver-dev)"
    exit 77
fi
if [ ! -f "$guest" ]; then
    echo "SKIP: $guest not built (make guests)"
    exit 77
fi
if kvm_usable; then accel=kvm; else accel=tcg; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/emu-vnc.XXXXXX") || exit 1
pid=
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

pass() { echo "PASS test-vnc $1"; passed=$((passed + 1)); }
fail() {
    echo "FAIL test-vnc $1: $2"
    [ -n "${3:-}" ] && [ -f "$3" ] && sed 's/^/    /' "$3" | tail -n 20
    failed=$((failed + 1))
}
skip() { echo "SKIP test-vnc $1: $2"; skipped=$((skipped + 1)); }

# start VNCSPEC: run the echo guest with -vnc VNCSPEC and no display
# device (VNC shows a 640x480 blank screen), COM1 in $work/serial and the
# monitor on $work/mon; waits for the guest's READY.
start() {
    rm -f "$work/serial" "$work/mon" "$work/emu.log"
    "$EMU" -accel "$accel" -bios "$guest" -vga none -display none -vnc "$1" \
        -serial "file:$work/serial" -monitor "unix:$work/mon,server,nowait" \
        >"$work/emu.log" 2>&1 &
    pid=$!
    wait_serial '^READY' || return 1
    [ -S "$work/mon" ]
}

stop() {
    monitor quit >/dev/null 2>&1
    n=0
    while kill -0 "$pid" 2>/dev/null && [ $n -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=
}

# wait_serial REGEX: until COM1 has a line matching, at most $t seconds.
wait_serial() {
    n=0
    until grep -q -E "$1" "$work/serial" 2>/dev/null; do
        n=$((n + 1))
        if [ $n -gt $((t * 10)) ] || ! kill -0 "$pid" 2>/dev/null; then
            return 1
        fi
        sleep 0.1
    done
}

# wait_count REGEX N: until COM1 has N lines matching.
wait_count() {
    n=0
    until [ "$(grep -c -E "$1" "$work/serial" 2>/dev/null)" -ge "$2" ]; do
        n=$((n + 1))
        if [ $n -gt $((t * 10)) ] || ! kill -0 "$pid" 2>/dev/null; then
            return 1
        fi
        sleep 0.1
    done
}

# monitor LINE: one monitor command; prints its output.
monitor() {
    python3 - "$work/mon" "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(20)
s.connect(sys.argv[1])
buf = b""
def until_prompt():
    global buf
    while not buf.endswith(b"(emu) "):
        d = s.recv(4096)
        if not d:
            break
        buf += d
until_prompt()
buf = b""
s.sendall(sys.argv[2].encode() + b"\n")
until_prompt()
sys.stdout.write(buf.decode(errors="replace").replace("\r", ""))
EOF
}

# bytes PREFIX: the bytes of COM1's "PREFIX xx" lines, space-separated.
bytes() {
    sed -n "s/^$1 \([0-9a-f][0-9a-f]\).*/\1/p" "$work/serial" | tr '\n' ' ' |
        sed 's/ $//'
}

# --- 1. keyboard and pointer over a unix socket ---------------------------
sock=$work/vnc.sock
if start "unix:$sock"; then
    # a, B (Shift held by the client), !, Return, keypad Enter, left
    # Super, Escape, then Ctrl pressed and never released by the client...
    if "$client" -t "$t" "$sock" type 'aB!' key Return key KP_Enter \
        key Super_L key Escape down Control_L >"$work/client.log" 2>&1 &&
        wait_serial '^K 9d'; then
        # ... and the Ctrl it left held is released when it goes.
        want="1e 9e 2a 30 b0 aa 2a 02 82 aa 1c 9c e0 1c e0 9c e0 5b e0 db"
        want="$want 01 81 1d 9d"
        got=$(bytes K)
        if [ "$got" = "$want" ]; then
            pass "keyboard (unix socket)"
        else
            fail "keyboard (unix socket)" "scancodes '$got', want '$want'"
        fi
    else
        fail "keyboard (unix socket)" "the keys never reached the guest" \
            "$work/client.log"
    fi
    # The first position only places the pointer; then 10 right and 5
    # down with the left button (PS/2: y grows upwards), release, a wheel
    # notch down (button 5) and up (button 4), 20 left, the right button,
    # the middle one, and the client leaves with it held: released.
    # (The guest put the mouse in IntelliMouse mode: 4-byte packets.)
    if "$client" -t "$t" "$sock" pointer 100 100 0 pointer 110 105 1 \
        pointer 110 105 0 pointer 110 105 16 pointer 110 105 0 \
        pointer 110 105 8 pointer 110 105 0 pointer 90 105 0 \
        pointer 90 105 4 pointer 90 105 2 >"$work/client.log" 2>&1 &&
        wait_count '^M ' 32; then
        want="29 0a fb 00 08 00 00 00 08 00 00 01 08 00 00 ff 18 ec 00 00"
        want="$want 0a 00 00 00 0c 00 00 00 08 00 00 00"
        got=$(bytes M)
        if [ "$got" = "$want" ]; then
            pass "pointer and wheel (unix socket)"
        else
            fail "pointer (unix socket)" "mouse bytes '$got', want '$want'"
        fi
    else
        fail "pointer (unix socket)" "mouse bytes: $(bytes M)" \
            "$work/client.log"
    fi

    stop
else
    fail "start (unix socket)" "the guest never said READY" "$work/emu.log"
    stop
fi

# --- 2. TCP on 127.0.0.1, a free port 5900+N ----------------------------
port=$(python3 "$here/net-helper.py" port)
if [ "$port" -lt 5900 ]; then
    port=$((port + 5900))
fi
disp=$((port - 5900))
wsport=$(python3 "$here/net-helper.py" port)
if start "127.0.0.1:$disp,websocket=$wsport"; then
    out=$("$client" -t "$t" "127.0.0.1:$port" size type x 2>&1)
    if [ "$out" = "640x480" ] && wait_serial '^K ad'; then
        pass "tcp 127.0.0.1:$disp (port $port)"
    else
        fail "tcp 127.0.0.1:$disp (port $port)" "client said '$out'"
    fi
    # The WebSocket port (what noVNC speaks): the upgrade is accepted
    # with the right Sec-WebSocket-Accept, and the first binary frame is
    # the server's RFB version.
    out=$(python3 - "$wsport" "$t" 2>&1 <<'EOF'
import base64, hashlib, os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])),
                             timeout=float(sys.argv[2]))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           "Origin: http://127.0.0.1\r\nUpgrade: websocket\r\n"
           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
           "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary"
           "\r\n\r\n" % key).encode())
data = b""
while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < 14:
    d = s.recv(4096)
    if not d:
        break
    data += d
head, _, body = data.partition(b"\r\n\r\n")
accept = base64.b64encode(hashlib.sha1(
    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
ok = (head.startswith(b"HTTP/1.1 101") and
      b"Sec-WebSocket-Accept: " + accept in head and
      body[:2] == b"\x82\x0c" and body[2:14] == b"RFB 003.008\n")
print("ok" if ok else "bad reply: %r" % data[:300])
EOF
)
    if [ "$out" = ok ]; then
        pass "websocket=$wsport: upgrade and RFB greeting"
    else
        fail "websocket=$wsport" "$out"
    fi
    stop
else
    fail "tcp 127.0.0.1:$disp" "the guest never said READY" "$work/emu.log"
    stop
fi

# --- 3. password=on -------------------------------------------------------
if start "unix:$sock,password=on"; then
    "$client" -t "$t" "$sock" size >"$work/client.log" 2>&1
    st1=$?
    "$client" -t "$t" -p anything "$sock" size >>"$work/client.log" 2>&1
    st2=$?
    out=$(monitor "set_password vnc s3cret")
    "$client" -t "$t" -p wrong "$sock" type q >>"$work/client.log" 2>&1
    st3=$?
    "$client" -t "$t" -p s3cret "$sock" type w >>"$work/client.log" 2>&1
    st4=$?
    if [ $st1 -eq 3 ] && [ $st2 -eq 3 ] && [ $st3 -eq 3 ] && [ $st4 -eq 0 ] &&
        wait_serial '^K 91' && [ "$(bytes K)" = "11 91" ]; then
        pass "password (refused before set_password and when wrong)"
    else
        fail "password" "client exits $st1 $st2 $st3 $st4 (want 3 3 3 0), keys '$(bytes K)' (want '11 91'), monitor: $out" "$work/client.log"
    fi
    stop
else
    fail "password" "the guest never said READY" "$work/emu.log"
    stop
fi

# --- 4. the picture against screendump -----------------------------------
# SeaBIOS and its VGA BIOS on the standard VGA, no disk: once SeaBIOS has
# given up booting, the machine is stopped (a still picture) and what the
# viewer receives must equal screendump's PPM pixel for pixel.  The same
# comparison must fail against a copy with one pixel changed.
rm -f "$work/mon" "$work/debugcon" "$work/dump.ppm"
"$EMU" -accel "$accel" -m 64 -vga std -display none -net none \
    -vnc "unix:$sock" -serial null -debugcon "file:$work/debugcon" \
    -monitor "unix:$work/mon,server,nowait" >"$work/emu.log" 2>&1 &
pid=$!
n=0
until grep -a -q "No bootable device" "$work/debugcon" 2>/dev/null; do
    n=$((n + 1))
    if [ $n -gt $((t * 30)) ] || ! kill -0 "$pid" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
if ! grep -a -q "No bootable device" "$work/debugcon" 2>/dev/null; then
    if grep -q -i "vga" "$work/emu.log"; then
        skip "screen equals screendump" "$(head -n 1 "$work/emu.log")"
    else
        fail "screen equals screendump" "SeaBIOS never gave up booting" \
            "$work/emu.log"
    fi
else
    out=$(monitor stop; monitor "screendump $work/dump.ppm")
    colours=$(python3 -c '
import sys
d = open(sys.argv[1], "rb").read().split(b"\n", 3)
print(d[1].decode().replace(" ", "x"), len(set(d[3])))' "$work/dump.ppm" 2>&1)
    if [ ! -f "$work/dump.ppm" ]; then
        skip "screen equals screendump" "screendump wrote nothing ($out)"
    elif [ "${colours#* }" -lt 2 ] 2>/dev/null; then
        fail "screen equals screendump" "screendump is blank ($colours)"
    elif "$client" -t "$t" "$sock" compare "$work/dump.ppm" \
        >"$work/client.log" 2>&1; then
        python3 -c '
import sys
d = bytearray(open(sys.argv[1], "rb").read())
d[-1] ^= 0xFF
open(sys.argv[2], "wb").write(d)' "$work/dump.ppm" "$work/bad.ppm"
        if "$client" -t 1 "$sock" compare "$work/bad.ppm" \
            >"$work/client.log" 2>&1; then
            fail "screen equals screendump" "a changed picture compared equal"
        else
            pass "screen equals screendump (SeaBIOS, ${colours% *})"
        fi
    else
        fail "screen equals screendump" "see below" "$work/client.log"
    fi
fi
stop

# --- 5. bad specs and a port in use ---------------------------------------
bad=0
for spec in ":" "foo" ":99999" "unix:" ":1,share=x" ":1,websocket=x" \
    "[::1:1"; do
    out=$("$EMU" -display none -vnc "$spec" 2>&1 </dev/null)
    st=$?
    if [ $st -ne 1 ] || [ "$(echo "$out" | wc -l)" -ne 1 ]; then
        fail "bad spec '$spec'" "exit $st, output: $out"
        bad=1
    fi
done
# A port someone else holds: a clear message, exit 1.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
open(sys.argv[2], "w").close(); time.sleep(30)' "$port" "$work/held" &
holder=$!
n=0
until [ -f "$work/held" ] || [ $n -gt 100 ]; do sleep 0.1; n=$((n + 1)); done
out=$(run_timeout "$t" "$EMU" -accel "$accel" -bios "$guest" -display none \
    -serial null -vnc "127.0.0.1:$disp" 2>&1 </dev/null)
st=$?
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
case "$out" in
*"cannot listen on 127.0.0.1 port $port"*) ;;
*) bad=1; fail "port in use" "exit $st, output: $out" ;;
esac
[ $st -eq 1 ] || { bad=1; fail "port in use" "exit $st, want 1"; }
[ $bad -eq 0 ] && pass "bad specs and a busy port: one line, exit 1"

finish "nothing ran"
