#!/usr/bin/env python3
"""pty-run.py - run a command on a pseudo terminal and script it.

For front ends that need a terminal (-display curses): the command's
stdin, stdout and stderr are the slave side of a pty of 80x25 with
TERM=xterm and a UTF-8 locale; this script is the terminal.  Steps, in
order:

  -e REGEX   wait until REGEX (Python, re.S) matches the output since the
             previous match, after removing terminal escape sequences
  -s TEXT    type TEXT (Python escapes: "\\x01x" is C-a x)
  -t SECS    timeout for each following wait (default 60)
  -x STATUS  wait for the command to exit with STATUS
  -c SHELL   run a shell command and require status 0 (e.g. to talk to the
             command's monitor socket once the screen shows something)
  -R         require that the terminal was given back (the output ends
             with the alternate screen switched off, ESC [ ? 1049 l)

Exit status 0 if every step held, 1 otherwise (a one-line reason on
stderr; the raw output is in --log FILE if given).  The command is
killed if it is still running at the end.  Only the standard library.

  pty-run.py [--log FILE] STEPS... -- CMD ARGS...
"""
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import fcntl
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[@-Z\\-~=>]")


def main(argv):
    if "--" not in argv:
        sys.stderr.write(__doc__)
        return 2
    split = argv.index("--")
    opts, cmd = argv[:split], argv[split + 1:]
    log = None
    steps = []
    i = 0
    while i < len(opts):
        o = opts[i]
        if o in ("--log", "-e", "-s", "-t", "-x", "-c"):
            if o == "--log":
                log = opts[i + 1]
            else:
                steps.append((o, opts[i + 1]))
            i += 2
        elif o == "-R":
            steps.append((o, None))
            i += 1
        else:
            sys.stderr.write("pty-run.py: unknown step %s\n" % o)
            return 2

    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.environ["LANG"] = os.environ["LC_ALL"] = "C.UTF-8"
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 25, 80, 0, 0))

    raw = bytearray()
    pos = 0          # matched up to here (in the text without escapes)
    timeout = 60.0
    status = None

    def pump(wait):
        nonlocal status
        r, _, _ = select.select([fd], [], [], wait)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            raw.extend(data)
            return bool(data)
        return False

    def text():
        return ANSI.sub(b"", bytes(raw)).decode("utf-8", "replace")

    def fail(why):
        sys.stderr.write("pty-run.py: %s\n" % why)
        return 1

    rc = 0
    try:
        for op, arg in steps:
            if op == "-t":
                timeout = float(arg)
            elif op == "-s":
                os.write(fd, arg.encode().decode("unicode_escape").encode("latin-1"))
            elif op == "-e":
                end = time.time() + timeout
                rx = re.compile(arg, re.S)
                while True:
                    m = rx.search(text(), pos)
                    if m:
                        pos = m.end()
                        break
                    if time.time() > end:
                        rc = fail("no match for %r in %ds" % (arg, timeout))
                        break
                    if not pump(0.1):
                        wpid, st = os.waitpid(pid, os.WNOHANG)
                        if wpid:
                            status = st
                            rc = fail("command exited before %r" % arg)
                            break
                if rc:
                    break
            elif op == "-x":
                end = time.time() + timeout
                while status is None and time.time() < end:
                    pump(0.1)
                    wpid, st = os.waitpid(pid, os.WNOHANG)
                    if wpid:
                        status = st
                while pump(0.05):
                    pass
                if status is None:
                    rc = fail("command still running after %ds" % timeout)
                    break
                code = os.waitstatus_to_exitcode(status)
                if code != int(arg):
                    rc = fail("exit status %d, want %s" % (code, arg))
                    break
            elif op == "-c":
                if subprocess.run(arg, shell=True).returncode != 0:
                    rc = fail("command failed: %s" % arg)
                    break
            elif op == "-R":
                if b"\x1b[?1049l" not in raw[-200:]:
                    rc = fail("the terminal was not given back")
                    break
    finally:
        if status is None:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
        if log:
            with open(log, "wb") as f:
                f.write(raw)
        os.close(fd)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
