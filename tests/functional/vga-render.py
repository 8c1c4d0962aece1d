#!/usr/bin/env python3
"""vga-render.py - run VGA guests under qemu-system-i386 and emu, take a
screendump of each once the guest printed its "VGA-DONE" marker, and
compare them pixel by pixel (tests/functional/test-vga-render.sh runs it;
docs/devel/vga-tests.md).

Per guest and emu accelerator prints "PASS vga-render <guest> (<accel>)",
"FAIL ..." with what differs, or "SKIP ...: why"; then
"N passed, N failed, N skipped".  The images are kept in the log folder:
<guest>.qemu.<ext> and <guest>.emu-<accel>.<ext>.

A guest whose source has a line "; vga-cursor: COL,ROW,COLS,ROWS" shows a
blinking text cursor in that (blank) cell: each emulator is dumped again
until the cell has ink (the cursor's "on" phase), then compared whole.
"""

import argparse
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vgalib  # noqa: E402

class Skip(Exception):
    pass


DONE = [rb"VGA-DONE \S+", rb"VGA-FAIL [^\r\n]*"]


def guest_cursor(src):
    with open(src) as f:
        for line in f:
            m = re.match(r";\s*vga-cursor:\s*(\d+),(\d+),(\d+),(\d+)", line)
            if m:
                return tuple(int(v) for v in m.groups())
    return None


def machine_args(opts, image, accel, flavour):
    args = ["-machine", "pc", "-accel", accel, "-m", "32",
            "-bios", opts.bios, "-vga", "std", "-display", "none",
            "-drive", "file=%s,format=raw,if=ide,snapshot=on" % image,
            "-net", "none", "-no-reboot", "-rtc", opts.rtc]
    if flavour == "qemu":
        args += ["-L", os.path.dirname(opts.bios)]
    return args


def capture(opts, flavour, binary, accel, name, image, cursor, tag):
    """Runs one emulator; returns (Image, path) or raises RuntimeError."""
    emu = vgalib.Emulator(flavour, binary,
                          machine_args(opts, image, accel, flavour),
                          opts.logdir, name + "." + tag)
    try:
        m = emu.wait_serial(DONE, opts.timeout)
        if m is None:
            err = open(emu.stderr_path, "rb").read().decode(
                errors="replace").strip().splitlines()
            last = err[-1] if err else ""
            if emu.proc.poll() is None:
                raise RuntimeError("no VGA-DONE marker in %ds (serial %s)" %
                                   (opts.timeout, emu.serial))
            if "not supported" in last and "-vga" in last:
                raise Skip(last)
            raise RuntimeError("exited %s before VGA-DONE: %s (serial %s)" %
                               (emu.proc.returncode, last, emu.serial))
        if m.group(0).startswith(b"VGA-FAIL"):
            raise RuntimeError("guest says: %s" % m.group(0).decode())
        path = os.path.join(opts.logdir, "%s.%s.%s" % (name, tag, opts.format))
        img = emu.screendump(path, opts.timeout)
        if cursor:
            tries = 0
            while not vgalib.cell_has_ink(img, *cursor):
                tries += 1
                if tries > opts.cursor_tries:
                    raise RuntimeError("the cursor cell %d,%d stayed blank in "
                                       "%d screendumps" % (cursor[0],
                                                            cursor[1], tries))
                time.sleep(0.07)
                img = emu.screendump(path, opts.timeout)
        return img, path
    finally:
        emu.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emu", required=True)
    ap.add_argument("--qemu", required=True)
    ap.add_argument("--accels", default="kvm")
    ap.add_argument("--qemu-accel", default="kvm")
    ap.add_argument("--bios", default="/usr/share/seabios/bios-256k.bin")
    ap.add_argument("--rtc", default="base=2024-06-15T15:30:00,clock=vm")
    ap.add_argument("--logdir", required=True)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--cursor-tries", type=int, default=60)
    ap.add_argument("--format", choices=("png", "ppm"), default="png")
    ap.add_argument("guests", nargs="+", help="NAME=IMAGE=SOURCE")
    opts = ap.parse_args()
    os.makedirs(opts.logdir, exist_ok=True)
    passed = failed = skipped = 0
    for spec in opts.guests:
        name, image, src = spec.split("=", 2)
        cursor = guest_cursor(src)
        shots = []
        for accel in opts.accels.split():
            label = "%s (%s)" % (name, accel)
            try:
                shots.append((label,) + capture(opts, "emu", opts.emu, accel,
                                                name, image, cursor,
                                                "emu-" + accel))
            except Skip as e:
                print("SKIP vga-render %s: %s" % (label, e))
                skipped += 1
            except (RuntimeError, OSError, vgalib.ImageError,
                    EOFError) as e:
                print("FAIL vga-render %s: under emu: %s" % (label, e))
                failed += 1
        if not shots:
            continue
        try:
            ref, refpath = capture(opts, "qemu", opts.qemu, opts.qemu_accel,
                                   name, image, cursor, "qemu")
        except (RuntimeError, OSError, vgalib.ImageError, EOFError) as e:
            print("FAIL vga-render %s: under qemu-system-i386: %s" % (name, e))
            failed += len(shots)
            continue
        for label, img, path in shots:
            a, b, note = vgalib.same_scale(img, ref)
            n, lines = vgalib.compare(a, b)
            if n == 0:
                print("PASS vga-render %s: %dx%d, identical to QEMU's%s" %
                      (label, img.width, img.height,
                       " (%s)" % note if note else ""))
                passed += 1
            else:
                print("FAIL vga-render %s: emu %dx%d vs qemu %dx%d: %s" %
                      (label, img.width, img.height, ref.width, ref.height,
                       lines[0]))
                for line in lines[1:]:
                    print("     " + line)
                print("     images: %s %s" % (path, refpath))
                failed += 1
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
