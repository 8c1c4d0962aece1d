#!/usr/bin/env python3
"""Run kvm-unit-tests' i386 tests under emu (make check-kvm-unit-tests).

kvm-unit-tests is not in Debian and CI cannot fetch it, so this is not part
of `make check`: give it a checkout of the upstream repository with
KUT_SRC=/path (it is configured with --arch=i386 and built in build/kut),
or an already built i386 tree with KUT_BUILD=/path.  Without either it
prints SKIP and exits 77.

Each [section] of x86/unittests.cfg whose arch is i386 or unset runs as
QEMU's runner does: -device pc-testdev -device isa-debug-exit,iobase=0xf4,
iosize=4 -serial stdio -kernel x86/NAME.flat, -smp and -append from the
section, under -accel tcg.  Exit status 1 (debug-exit value 0) is a pass;
"SKIP" lines in the output make a skip.  Sections that need an option emu
does not have (qemu_params) or a 64-bit CPU are listed as not run, with
the reason.  One line per test, then "N passed, N failed, N skipped".
"""
import configparser
import os
import shutil
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
emu = os.environ.get("EMU", os.path.join(root, "emu"))
timeout = int(os.environ.get("KUT_TIMEOUT", "120"))


def build():
    if os.environ.get("KUT_BUILD"):
        return os.environ["KUT_BUILD"]
    src = os.environ.get("KUT_SRC")
    if not src or not os.path.isfile(os.path.join(src, "x86/unittests.cfg")):
        print("SKIP: set KUT_SRC to a kvm-unit-tests checkout "
              "(or KUT_BUILD to a built i386 tree)")
        sys.exit(77)
    out = os.path.join(root, "build/kut")
    if not os.path.isdir(out):
        shutil.copytree(src, out, symlinks=True,
                        ignore=shutil.ignore_patterns(".git"))
    log = open(os.path.join(root, "build/kut-build.log"), "w")
    for cmd in (["./configure", "--arch=i386"], ["make", "-j2"]):
        if subprocess.call(cmd, cwd=out, stdout=log, stderr=log):
            print("FAIL: kvm-unit-tests: %s failed (build/kut-build.log)"
                  % " ".join(cmd))
            sys.exit(1)
    return out


def main():
    tree = build()
    cfg = configparser.ConfigParser(interpolation=None, strict=False)
    cfg.read(os.path.join(tree, "x86/unittests.cfg"))
    passed = failed = skipped = 0
    for name in cfg.sections():
        sec = cfg[name]
        arch = sec.get("arch", "")
        flat = os.path.join(tree, "x86", sec["file"])
        if arch == "x86_64":
            print("NOTRUN %s: x86_64 only (no long mode under tcg yet)" % name)
            skipped += 1
            continue
        if sec.get("qemu_params") or not os.path.exists(flat):
            why = ("needs %s" % sec.get("qemu_params").strip()
                   if sec.get("qemu_params") else "not built for i386")
            print("NOTRUN %s: %s" % (name, why))
            skipped += 1
            continue
        args = [emu, "-accel", "tcg", "-m", "256", "-display", "none",
                "-device", "pc-testdev", "-device",
                "isa-debug-exit,iobase=0xf4,iosize=0x4", "-serial", "stdio",
                "-smp", sec.get("smp", "1"), "-kernel", flat]
        if sec.get("extra_params") and "-append" in sec["extra_params"]:
            args += ["-append", sec["extra_params"].split("-append", 1)[1]
                     .strip().strip("'\"")]
        if sec.get("test_args"):
            args += ["-append", sec["test_args"].strip("'\"")]
        try:
            r = subprocess.run(args, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
            out, st = r.stdout.decode(errors="replace"), r.returncode
        except subprocess.TimeoutExpired as e:
            out, st = (e.stdout or b"").decode(errors="replace"), "timeout"
        fails = [l for l in out.splitlines() if l.startswith("FAIL")]
        if st == 1 and not fails:
            print("PASS %s" % name)
            passed += 1
        elif st == 77 or ("SKIP" in out and st == 1):
            # kvm-unit-tests' report_summary exits with 77 when every
            # test skipped (debug-exit value 38).
            print("SKIP %s: %s" % (name, (out.strip().splitlines() or
                                          ["?"])[-1][:150]))
            skipped += 1
        else:
            last = (fails or [l for l in out.splitlines() if l.strip()] or
                    ["no output"])[-1]
            print("FAIL %s (status %s): %s" % (name, st, last[:150]))
            failed += 1
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
