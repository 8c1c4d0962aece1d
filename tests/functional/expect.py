#!/usr/bin/env python3
"""expect.py - a tiny expect for emu's functional tests and benchmarks.

Runs a command with stdin/stdout as pipes (stderr to a file or inherited),
then performs steps in order:

  -e TEXT      wait until TEXT appears in the output (after the previous match)
  -r REGEX     same, with a Python regular expression (re.M)
  -s LINE      send LINE plus a newline to the command's stdin
  -t SECS      timeout for each following wait step (default 60)
  -T           print "TIME <seconds since start>" when the next wait matches
  -k           kill the command (SIGTERM, then SIGKILL) and stop
  -K           kill the command with SIGKILL at once (a crash: it gets no
               chance to clean up), log what it had written, and stop
  -x STATUS    wait for the command to exit and require exit status STATUS
  -w FILE      wait (reading output) until FILE exists: another process
               says when to go on, e.g. to -k the command

Output is copied to --log FILE if given.  SIGTERM or SIGINT ends expect.py
with status 1, killing the command first.  Exit status: 0 if every step
succeeded, 1 otherwise (a one-line reason on stderr); the command is always
killed if still running.  Only the standard library is used.

  expect.py [--log FILE] [--stderr FILE] STEPS... -- CMD ARGS...
"""
import os
import re
import select
import signal
import subprocess
import sys
import time


# CSI sequences (cursor moves, colours) and the two-byte ESC c / ESC 7 kind,
# with a carriage return just before one: SeaBIOS's serial console sends
# "\r" then a cursor position in the middle of a word ("E\r\x1b[05;02HMU-
# BOOT-HD", as SYSLINUX's text reaches both the serial port and the VGA
# console), and the position overrides the return on a terminal.
ANSI_ESCAPE = re.compile(rb"\r?(?:\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-~])")


def usage():
    sys.stderr.write(__doc__)
    sys.exit(2)


def main(argv):
    if "--" not in argv:
        usage()
    split = argv.index("--")
    opts, cmd = argv[:split], argv[split + 1:]
    if not cmd:
        usage()

    log_path = None
    err_path = None
    steps = []
    i = 0
    while i < len(opts):
        o = opts[i]
        if o in ("--log", "--stderr", "-e", "-r", "-s", "-t", "-x", "-w"):
            if i + 1 >= len(opts):
                usage()
            val = opts[i + 1]
            i += 2
            if o == "--log":
                log_path = val
            elif o == "--stderr":
                err_path = val
            else:
                steps.append((o, val))
        elif o in ("-k", "-K", "-T"):
            steps.append((o, None))
            i += 1
        else:
            usage()

    # A test that runs us in the background stops us with kill: the
    # finally clause below must still stop the command.
    def on_signal(signum, _frame):
        raise SystemExit(1)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    log = open(log_path, "wb") if log_path else None
    err = open(err_path, "wb") if err_path else None
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=err, start_new_session=True)
    fd = proc.stdout.fileno()
    buf = b""        # all output so far
    pos = 0          # matches are searched from here on
    eof = False
    timeout = 60.0
    want_time = False

    def read_some(deadline):
        nonlocal buf, eof
        left = deadline - time.monotonic()
        if left <= 0 or eof:
            return False
        r, _, _ = select.select([fd], [], [], min(left, 0.5))
        if r:
            data = os.read(fd, 65536)
            if not data:
                eof = True
                return False
            buf += data
            if log:
                log.write(data)
                log.flush()
        return True

    def kill():
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except OSError:
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                proc.wait()

    def fail(msg):
        tail = buf[-300:].decode("utf-8", "replace").replace("\r", "")
        tail = " | ".join(l for l in tail.split("\n")[-4:] if l.strip())
        sys.stderr.write("expect: %s (last output: %s)\n" % (msg, tail or "none"))
        kill()
        return 1

    try:
        for op, val in steps:
            if op == "-t":
                timeout = float(val)
            elif op == "-T":
                want_time = True
            elif op in ("-e", "-r"):
                pat = re.compile(re.escape(val.encode()) if op == "-e"
                                 else val.encode(), re.M)
                deadline = time.monotonic() + timeout
                while True:
                    # Match what a terminal would show: SeaBIOS's serial
                    # console may move the cursor in the middle of a word.
                    m = pat.search(ANSI_ESCAPE.sub(b"", buf), pos)
                    if m:
                        pos = m.end()
                        if want_time:
                            print("TIME %.3f" % (time.monotonic() - start))
                            sys.stdout.flush()
                            want_time = False
                        break
                    if not read_some(deadline):
                        if eof:
                            proc.wait()
                            return fail("output ended (exit status %s) before %r"
                                        % (proc.returncode, val))
                        if time.monotonic() >= deadline:
                            return fail("timeout after %gs waiting for %r"
                                        % (timeout, val))
            elif op == "-s":
                try:
                    proc.stdin.write(val.encode() + b"\n")
                    proc.stdin.flush()
                except OSError:
                    return fail("cannot send %r" % val)
            elif op == "-w":
                deadline = time.monotonic() + timeout
                while not os.path.exists(val):
                    if not read_some(deadline):
                        if time.monotonic() >= deadline:
                            return fail("timeout after %gs waiting for %s"
                                        % (timeout, val))
                        if eof:
                            proc.wait()
                            return fail("output ended (exit status %s) before %s"
                                        % (proc.returncode, val))
            elif op == "-k":
                kill()
                return 0
            elif op == "-K":
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                proc.wait()
                # What it wrote before dying is still in the pipe.
                while read_some(time.monotonic() + 5):
                    pass
                return 0
            elif op == "-x":
                deadline = time.monotonic() + timeout
                while proc.poll() is None and time.monotonic() < deadline:
                    if not read_some(deadline):
                        if eof:
                            try:
                                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
                            except subprocess.TimeoutExpired:
                                pass
                            break
                if proc.poll() is None:
                    return fail("timeout after %gs waiting for exit" % timeout)
                if proc.returncode != int(val):
                    return fail("exit status %d, want %s" % (proc.returncode, val))
        return 0
    finally:
        kill()
        if log:
            # Drain what is left so the log is complete.
            log.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
