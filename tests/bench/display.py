#!/usr/bin/env python3
"""display.py - make bench-display: frames per second of a guest that
redraws whole screens (tests/guests/vga-bench.asm) under emu and under
qemu-system-i386 with the same display back end, and the host CPU each
uses while the guest idles at a static text screen.  Not a test: it
prints numbers (docs/devel/vga-tests.md).

Back ends, the same for both emulators:
  dumps   -display none plus a screendump (PPM) through the monitor every
          --dump-ms (100) milliseconds while the guest draws, every second
          while it idles;
  vnc     -vnc unix:PATH with build/tests/vncclient asking for full frames
          back to back (while idle: connected, asking for nothing).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(here, "..", "functional"))
import vgalib  # noqa: E402


class Reader(threading.Thread):
    """Collects (host time, line) of the guest's serial output."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.lines = []
        self.cond = threading.Condition()

    def run(self):
        buf = b""
        while True:
            chunk = self.stream.read1(4096)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                with self.cond:
                    self.lines.append((time.monotonic(),
                                       line.strip().decode(errors="replace")))
                    self.cond.notify_all()
        with self.cond:
            self.lines.append((time.monotonic(), None))
            self.cond.notify_all()

    def wait_for(self, pattern, start, timeout):
        """Index of the first line from index start matching pattern."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        i = start
        with self.cond:
            while True:
                while i < len(self.lines):
                    t, line = self.lines[i]
                    if line is None:
                        raise RuntimeError("the emulator stopped")
                    if rx.match(line):
                        return i
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError("no %r within %d s" % (pattern, timeout))
                self.cond.wait(left)


class Periodic(threading.Thread):
    """Calls fn every period seconds until stopped."""

    def __init__(self, period, fn):
        super().__init__(daemon=True)
        self.period, self.fn = period, fn
        self.stopped = threading.Event()
        self.count = 0
        self.error = None

    def run(self):
        nxt = time.monotonic()
        while not self.stopped.is_set():
            try:
                self.fn()
                self.count += 1
            except Exception as e:  # report, do not kill the benchmark
                self.error = e
                return
            nxt += self.period
            self.stopped.wait(max(0, nxt - time.monotonic()))

    def stop(self):
        self.stopped.set()
        self.join()


def rate(reader, prefix, opts):
    """Frames per second from the guest's reports: skip opts.warmup
    reports, then count over opts.seconds."""
    pat = r"^%s ([0-9a-f]{8})$" % prefix
    i = reader.wait_for(pat, 0 if not reader.lines else len(reader.lines) - 1,
                        opts.timeout)
    for _ in range(opts.warmup):
        i = reader.wait_for(pat, i + 1, opts.timeout)
    t0, l0 = reader.lines[i]
    end = t0 + opts.seconds
    j = i
    while True:
        j = reader.wait_for(pat, j + 1, opts.timeout)
        if reader.lines[j][0] >= end:
            break
    t1, l1 = reader.lines[j]
    f0 = int(l0.split()[1], 16)
    f1 = int(l1.split()[1], 16)
    return (f1 - f0) / (t1 - t0)


def machine_args(opts, flavour, accel):
    args = ["-machine", "pc", "-accel", accel, "-m", "64",
            "-bios", opts.bios, "-vga", "std",
            "-drive", "file=%s,format=raw,if=ide,snapshot=on" % opts.image,
            "-net", "none", "-no-reboot"]
    if flavour == "qemu":
        args += ["-L", os.path.dirname(opts.bios)]
    return args


def vnc_loop(opts, sock, tmp, stop, got):
    """Asks for full frames back to back until stop is set; got[0] counts
    the frames of client runs that succeeded, got[1] the failed runs."""
    out = os.path.join(tmp, "vnc.ppm")
    while not stop.is_set():
        r = subprocess.run([opts.vncclient, "-t", "30", sock] +
                           ["capture", out] * 20,
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        if r.returncode == 0:
            got[0] += 20
        else:
            got[1] += 1


def run_one(opts, flavour, binary, accel, backend, tmp, res):
    tag = "%s-%s" % (flavour, backend)
    args = machine_args(opts, flavour, accel)
    vsock = os.path.join(tmp, tag + ".vnc")
    if backend == "dumps":
        args += ["-display", "none"]
    else:
        args += ["-display", "none", "-vnc", "unix:%s" % vsock]
    emu = vgalib.Emulator(flavour, binary, args, tmp, tag, serial_pipe=True)
    reader = Reader(emu.proc.stdout)
    reader.start()
    workers = []
    try:
        mon = emu.monitor(opts.timeout)
        lock = threading.Lock()
        dump = os.path.join(tmp, tag + ".ppm")

        def screendump():
            with lock:
                mon.command("screendump " + dump)

        stop_vnc = threading.Event()
        vnc_got = [0, 0]
        if backend == "dumps":
            w = Periodic(opts.dump_ms / 1000.0, screendump)
        else:
            deadline = time.monotonic() + opts.timeout
            while not os.path.exists(vsock):
                if time.monotonic() > deadline:
                    raise RuntimeError("no VNC socket %s" % vsock)
                time.sleep(0.05)
            w = threading.Thread(target=vnc_loop,
                                 args=(opts, vsock, tmp, stop_vnc, vnc_got),
                                 daemon=True)
        w.start()
        workers.append((w, stop_vnc))
        res[("13h", backend, flavour)] = rate(reader, "B13", opts)
        emu.proc.stdin.write(b"v")
        emu.proc.stdin.flush()
        res[("vbe", backend, flavour)] = rate(reader, "BVBE", opts)
        emu.proc.stdin.write(b"i")
        emu.proc.stdin.flush()
        reader.wait_for(r"^IDLE$", 0, opts.timeout)
        # Idle: a screendump a second, or a VNC client that stays
        # connected without asking.
        if backend == "dumps":
            w.stop()
            w = Periodic(1.0, screendump)
            w.start()
            workers.append((w, stop_vnc))
        else:
            stop_vnc.set()
            w.join()
            res[("vncframes", backend, flavour)] = tuple(vnc_got)
            w = subprocess.Popen(
                [opts.vncclient, "-t", "30", vsock, "capture",
                 os.path.join(tmp, "idle.ppm"), "sleep",
                 str(int((opts.idle_seconds + 10) * 1000))],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            workers.append((w, None))
        time.sleep(2)
        c0, t0 = emu.cpu_seconds(), time.monotonic()
        time.sleep(opts.idle_seconds)
        c1, t1 = emu.cpu_seconds(), time.monotonic()
        res[("idle", backend, flavour)] = 100.0 * (c1 - c0) / (t1 - t0)
    finally:
        for w, ev in workers:
            if isinstance(w, Periodic):
                w.stop()
            elif isinstance(w, subprocess.Popen):
                w.terminate()
                w.wait()
            else:
                ev.set()
                w.join()
        emu.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emu", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--accel", default="kvm")
    ap.add_argument("--bios", default="/usr/share/seabios/bios-256k.bin")
    ap.add_argument("--vncclient", default="")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--idle-seconds", type=float, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--dump-ms", type=int, default=100)
    ap.add_argument("--timeout", type=int, default=120)
    opts = ap.parse_args()
    backends = ["dumps"]
    notes = []
    if opts.vncclient and os.access(opts.vncclient, os.X_OK):
        backends.append("vnc")
    else:
        notes.append("VNC half skipped: no VNC test client (%s)" %
                     (opts.vncclient or "build/tests/vncclient"))
    tmp = tempfile.mkdtemp(prefix="emu-bench-display.")
    res = {}
    try:
        for backend in backends:
            for flavour, binary in (("emu", opts.emu), ("qemu", opts.qemu)):
                try:
                    run_one(opts, flavour, binary, opts.accel, backend, tmp,
                            res)
                except (RuntimeError, OSError, EOFError) as e:
                    notes.append("%s with %s: %s" % (flavour, backend, e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("display benchmark: accel %s, %g s per measurement, screendumps "
          "every %d ms" % (opts.accel, opts.seconds, opts.dump_ms))
    print("%-40s %12s %12s %9s" % ("", "emu", "qemu", "emu/qemu"))
    rows = [("13h", "mode 13h frames/s", "f/s"),
            ("vbe", "VBE 1024x768x32 frames/s", "f/s"),
            ("idle", "idle text screen, CPU %", "%")]
    for backend in backends:
        for key, label, unit in rows:
            e = res.get((key, backend, "emu"))
            q = res.get((key, backend, "qemu"))
            name = "%s (%s)" % (label, "screendumps" if backend == "dumps"
                                else "VNC client")
            fmt = "%12.1f" if unit == "f/s" else "%11.2f%%"
            print("%-40s %s %s %9s" % (
                name, fmt % e if e is not None else "%12s" % "-",
                fmt % q if q is not None else "%12s" % "-",
                "%.2f" % (e / q) if e is not None and q else "-"))
    for flavour in ("emu", "qemu"):
        got = res.get(("vncframes", "vnc", flavour))
        if got:
            print("VNC client: %d full frames from %s while it drew, %d "
                  "client runs failed" % (got[0], flavour, got[1]))
    for n in notes:
        print("note: " + n)
    idle = [v for (k, b, f), v in res.items() if k == "idle" and f == "emu"]
    if idle:
        print("idle goal (under 1 %% of a core) %s for emu" %
              ("met" if max(idle) < 1.0 else "NOT met"))
    return 0 if res else 1


if __name__ == "__main__":
    sys.exit(main())
