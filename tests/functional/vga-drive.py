#!/usr/bin/env python3
"""vga-drive.py - drive a guest for the VGA functional tests: its serial
console on the command's stdin/stdout and its monitor on a Unix socket,
so a test can wait for guest output, type, and read the VGA's text screen
or memory through the monitor at the same time.

  vga-drive.py --monitor SOCK [--log FILE] [--stderr FILE]
               [--screen-log FILE] STEPS... -- CMD ARGS...

The command must open the monitor as  -monitor unix:SOCK,server,nowait
(and usually -serial stdio).  Steps, in order:

  -t SECS      timeout of the following wait steps (default 60)
  -e TEXT      wait until TEXT appears on the serial console
  -s LINE      type LINE and a carriage return on the serial console
  -S TEXT      wait until TEXT is on the VGA text screen (the 80x25 cells
               at 0xB8000, read with the monitor's xp, character bytes only)
  -m CMD       run a monitor command; its output is kept for -M and -c
  -M REGEX     the last -m output must match REGEX (Python, re.M); the
               command is run again until it does or the timeout passes
               (the guest may still be drawing)
  -c NAME=REGEX  group 1 of REGEX in the last -m output becomes ${NAME}
               in later -m commands; ${NAME+N} adds the number N
  -k           stop the command and finish

Exit status 0 if every step succeeded, else 1 with a one-line reason on
stderr (the last screen read goes to --screen-log).  Standard library only.
"""
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time

ANSI_ESCAPE = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-~]")
PROMPT = re.compile(rb"\((?:emu|qemu)\) $")


def usage():
    sys.stderr.write(__doc__)
    sys.exit(2)


class Monitor:
    def __init__(self, path, deadline):
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.buf = b""
        self.read_prompt(deadline)

    def read_prompt(self, deadline):
        while not PROMPT.search(self.buf):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no monitor prompt")
            r, _, _ = select.select([self.sock], [], [], min(left, 0.5))
            if r:
                data = self.sock.recv(65536)
                if not data:
                    raise EOFError("monitor closed")
                self.buf += data
        out, self.buf = self.buf, b""
        return PROMPT.sub(b"", out).decode("utf-8", "replace")

    def cmd(self, line, timeout=30):
        self.sock.sendall(line.encode() + b"\n")
        out = self.read_prompt(time.monotonic() + timeout)
        # Drop the echoed command line.
        return out.split("\n", 1)[1] if "\n" in out else out


def screen_text(mon):
    out = mon.cmd("xp /4000bx 0xb8000")
    vals = [int(v, 16) for v in re.findall(r"0x([0-9a-fA-F]{2})\b", out)]
    chars = vals[0::2]
    text = "".join(chr(c) if 32 <= c < 127 else " " for c in chars)
    return "\n".join(text[i:i + 80].rstrip() for i in range(0, len(text), 80))


def main(argv):
    if "--" not in argv:
        usage()
    split = argv.index("--")
    opts, cmd = argv[:split], argv[split + 1:]
    paths = {"--monitor": None, "--log": None, "--stderr": None,
             "--screen-log": None}
    steps = []
    i = 0
    while i < len(opts):
        o = opts[i]
        if o in paths or o in ("-t", "-e", "-s", "-S", "-m", "-M", "-c"):
            if i + 1 >= len(opts):
                usage()
            if o in paths:
                paths[o] = opts[i + 1]
            else:
                steps.append((o, opts[i + 1]))
            i += 2
        elif o == "-k":
            steps.append((o, None))
            i += 1
        else:
            usage()
    if not cmd or not paths["--monitor"]:
        usage()

    def on_signal(signum, _frame):
        raise SystemExit(1)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    log = open(paths["--log"], "wb") if paths["--log"] else None
    err = open(paths["--stderr"], "wb") if paths["--stderr"] else None
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=err, start_new_session=True)
    fd = proc.stdout.fileno()
    state = {"buf": b"", "pos": 0, "eof": False, "screen": ""}

    def pump(wait):
        if state["eof"]:
            time.sleep(wait)
            return
        r, _, _ = select.select([fd], [], [], wait)
        if r:
            data = os.read(fd, 65536)
            if not data:
                state["eof"] = True
                return
            state["buf"] += data
            if log:
                log.write(data)
                log.flush()

    def kill():
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                proc.wait()

    def fail(msg):
        if paths["--screen-log"]:
            with open(paths["--screen-log"], "w") as f:
                f.write(state["screen"] + "\n")
        tail = state["buf"][-300:].decode("utf-8", "replace").replace("\r", "")
        tail = " | ".join(l for l in tail.split("\n")[-3:] if l.strip())
        sys.stderr.write("vga-drive: %s (serial: %s)\n" % (msg, tail or "none"))
        kill()
        return 1

    timeout = 60.0
    mon = None
    last = ""
    last_cmd = ""
    names = {}

    def value(m):
        v = int(names.get(m.group(1), "0"), 0)
        if m.group(2):
            v += int(m.group(2), 0)
        return hex(v)

    def subst(s):
        return re.sub(r"\$\{(\w+)(?:\+(\w+))?\}", value, s)

    try:
        mon = Monitor(paths["--monitor"], time.monotonic() + 30)
        for op, val in steps:
            if op == "-t":
                timeout = float(val)
            elif op == "-e":
                deadline = time.monotonic() + timeout
                while True:
                    clean = ANSI_ESCAPE.sub(b"", state["buf"])
                    at = clean.find(val.encode(), state["pos"])
                    if at >= 0:
                        state["pos"] = at + len(val)
                        break
                    if time.monotonic() >= deadline:
                        return fail("timeout after %gs waiting for %r on the "
                                    "serial console" % (timeout, val))
                    if state["eof"] and proc.poll() is not None:
                        return fail("emulator ended (status %s) before %r"
                                    % (proc.returncode, val))
                    pump(0.5)
            elif op == "-s":
                proc.stdin.write(val.encode() + b"\r")
                proc.stdin.flush()
            elif op == "-S":
                deadline = time.monotonic() + timeout
                while True:
                    state["screen"] = screen_text(mon)
                    if val in state["screen"].replace("\n", " ") or \
                            val in state["screen"]:
                        break
                    if time.monotonic() >= deadline:
                        return fail("timeout after %gs waiting for %r on the "
                                    "VGA screen" % (timeout, val))
                    pump(0.5)
            elif op == "-m":
                last_cmd = subst(val)
                last = mon.cmd(last_cmd)
            elif op == "-c":
                name, pat = val.split("=", 1)
                m = re.search(pat, last, re.M)
                if not m:
                    return fail("%r not in the monitor output %r"
                                % (pat, last[:300]))
                names[name] = m.group(1)
            elif op == "-M":
                deadline = time.monotonic() + timeout
                while not re.search(val, last, re.M):
                    if time.monotonic() >= deadline:
                        return fail("monitor output of %r does not match "
                                    "%r: %r" % (last_cmd, val, last[:300]))
                    pump(0.5)
                    last = mon.cmd(last_cmd)
            elif op == "-k":
                break
        if paths["--screen-log"]:
            state["screen"] = screen_text(mon)
            with open(paths["--screen-log"], "w") as f:
                f.write(state["screen"] + "\n")
        kill()
        return 0
    except (OSError, EOFError, TimeoutError) as e:
        return fail("monitor: %s" % e)
    finally:
        kill()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
