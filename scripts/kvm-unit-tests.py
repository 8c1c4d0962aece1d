#!/usr/bin/env python3
"""Run kvm-unit-tests' x86 tests under emu (make check-kvm-unit-tests).

kvm-unit-tests is not in Debian and CI cannot fetch it, so this is not part
of `make check`.  Give it a checkout of the upstream repository with
KUT_SRC=/path (it is copied, configured and built twice: --arch=i386 in
build/kut and --arch=x86_64 in build/kut64), or already built trees with
KUT_BUILD=/path (i386) and/or KUT_BUILD64=/path (x86_64).  KUT_ARCH=i386 or
x86_64 runs one arch only.  Without a tree it prints SKIP and exits 77.

For each tree, every [section] of x86/unittests.cfg whose arch is unset or
the tree's arch runs as QEMU's runner does: -device pc-testdev -device
isa-debug-exit,iobase=0xf4,iosize=4 -serial stdio -kernel x86/NAME.flat,
-smp and -append from the section, under -accel tcg.  The CPU is the one
QEMU's runner gets by default (qemu32 for i386, qemu64 for x86_64) unless
the section's qemu_params name a model emu has (-cpu qemu64 / max, without
feature flags); qemu_params emu cannot honour (feature flags such as
+x2apic, other models, Hyper-V devices, -machine options) and sections that
need KVM are listed as not run, with the reason.  Exit status 1
(debug-exit value 0) is a pass; "SKIP" lines in the output make a skip.
One line per test, then "N passed, N failed, N skipped".
"""
import configparser
import os
import shlex
import shutil
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
emu = os.environ.get("EMU", os.path.join(root, "emu"))
timeout = int(os.environ.get("KUT_TIMEOUT", "120"))
# -cpu values emu parses; the default is what QEMU's runner uses.
MODELS = ("qemu64", "max")
DEFAULT_CPU = {"i386": "qemu32", "x86_64": "qemu64"}


def build(arch, src):
    out = os.path.join(root, "build", "kut" if arch == "i386" else "kut64")
    if not os.path.isdir(out):
        shutil.copytree(src, out, symlinks=True,
                        ignore=shutil.ignore_patterns(".git"))
    logname = os.path.join(root, "build/%s-build.log" % os.path.basename(out))
    log = open(logname, "w")
    for cmd in (["./configure", "--arch=" + arch], ["make", "-j2"]):
        if subprocess.call(cmd, cwd=out, stdout=log, stderr=log):
            print("FAIL: kvm-unit-tests (%s): %s failed (%s)"
                  % (arch, " ".join(cmd), logname))
            sys.exit(1)
    return out


def trees():
    want = os.environ.get("KUT_ARCH", "")
    given = {"i386": os.environ.get("KUT_BUILD"),
             "x86_64": os.environ.get("KUT_BUILD64")}
    src = os.environ.get("KUT_SRC")
    if not any(given.values()):
        if not src or not os.path.isfile(
                os.path.join(src, "x86/unittests.cfg")):
            print("SKIP: set KUT_SRC to a kvm-unit-tests checkout "
                  "(or KUT_BUILD / KUT_BUILD64 to built i386 / x86_64 trees)")
            sys.exit(77)
        given = {a: build(a, src) for a in ("i386", "x86_64")
                 if want in ("", a)}
    return [(a, t) for a, t in given.items() if t and want in ("", a)]


def qemu_params(sec):
    """emu arguments for a section's qemu_params, or (None, reason)."""
    if sec.get("accel", "") == "kvm":
        return None, "needs KVM (accel = kvm)"
    toks = shlex.split(sec.get("qemu_params", ""))
    args, cpu = [], None
    while toks:
        t = toks.pop(0)
        v = (toks.pop(0) if toks and t.startswith("-") and
             not toks[0].startswith("-") else None)
        if t == "-cpu" and v in MODELS:
            cpu = v
        elif t == "-m" and v:
            args += ["-m", v]
        else:
            return None, "needs %s" % (t if v is None else t + " " + v)
    return (args, cpu), None


def run(arch, tree, name, sec):
    flat = os.path.join(tree, "x86", sec["file"])
    parsed, why = qemu_params(sec)
    if parsed is None:
        return "NOTRUN", why
    if not os.path.exists(flat):
        return "NOTRUN", "not built for " + arch
    extra, cpu = parsed
    args = [emu, "-accel", "tcg", "-cpu", cpu or DEFAULT_CPU[arch],
            "-m", "256", "-display", "none",
            "-device", "pc-testdev", "-device",
            "isa-debug-exit,iobase=0xf4,iosize=0x4", "-serial", "stdio",
            "-smp", sec.get("smp", "1"), "-kernel", flat] + extra
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
        return "PASS", ""
    if st == 77 or ("SKIP" in out and st == 1):
        # kvm-unit-tests' report_summary exits with 77 when every test
        # skipped (debug-exit value 38).
        return "SKIP", (out.strip().splitlines() or ["?"])[-1][:150]
    last = (fails or [l for l in out.splitlines() if l.strip()] or
            ["no output"])[-1]
    return "FAIL", "(status %s): %s" % (st, last[:150])


def main():
    only = set(sys.argv[1:])
    count = {"PASS": 0, "FAIL": 0, "SKIP": 0, "NOTRUN": 0}
    for arch, tree in trees():
        cfg = configparser.ConfigParser(interpolation=None, strict=False)
        cfg.read(os.path.join(tree, "x86/unittests.cfg"))
        for name in cfg.sections():
            sec = cfg[name]
            if sec.get("arch", arch) != arch or (only and name not in only):
                continue
            res, why = run(arch, tree, name, sec)
            count[res] += 1
            print("%s %s/%s%s" % (res, arch, name,
                                  (" " if res == "FAIL" else ": ") + why
                                  if why else ""))
            sys.stdout.flush()
    print("%d passed, %d failed, %d skipped" %
          (count["PASS"], count["FAIL"], count["SKIP"] + count["NOTRUN"]))
    return 1 if count["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
