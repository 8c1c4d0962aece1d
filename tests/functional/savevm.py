#!/usr/bin/env python3
"""savevm.py - the save/restore tests (tests/functional/test-savevm*.sh).

  savevm.py count ACCEL          migrate exec: / -incoming with the
                                 counting guest (build/guests/savevm-count.bin)
  savevm.py corrupt ACCEL        a state with an edited section version, a
                                 truncated one, an unknown section: clear
                                 errors, exit status 1
  savevm.py qcow2 ACCEL          savevm/loadvm/delvm/info snapshots/-loadvm
                                 on a qcow2 drive (exit 77 when the drive
                                 cannot take snapshots in this build)
  savevm.py linux ACCEL KERNEL INITRD
                                 a Linux guest keeps running its shell and a
                                 background loop after -incoming, then
                                 after savevm/loadvm on a qcow2 disk

Each case prints "PASS <case>" or "FAIL <case>: why" (exit 1) or
"SKIP: why" (exit 77).  Environment: EMU, EMU_IMG, EMU_TEST_RTC, TMPDIR.
Every wait is for a condition, with a generous timeout.  Standard library
only.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

EMU = os.environ.get("EMU", "./emu")
EMU_IMG = os.environ.get("EMU_IMG", "./emu-img")
RTC = os.environ.get("EMU_TEST_RTC", "base=2024-06-15T15:30:00,clock=vm")
GUEST = "build/guests/savevm-count.bin"
TIMEOUT = 60


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def wait_for(cond, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise Failure("timed out waiting for " + what)
        time.sleep(0.05)


class Emu:
    """One emu process: monitor on a Unix socket, serial to a file or a
    socket."""

    def __init__(self, tmp, name, args, serial_socket=False):
        self.tmp = tmp
        self.mon_path = os.path.join(tmp, name + ".mon")
        self.ser_path = os.path.join(tmp, name + ".serial")
        self.err_path = os.path.join(tmp, name + ".err")
        self.serial_socket = serial_socket
        self.ser_buf = b""
        # Interactive: the serial console on emu's stdin/stdout (pipes).
        ser = "stdio" if serial_socket else "file:" + self.ser_path
        cmd = [EMU, "-display", "none", "-rtc", RTC, "-serial", ser,
               "-monitor", "unix:%s,server,nowait" % self.mon_path] + args
        self.err = open(self.err_path, "wb")
        pipe = subprocess.PIPE if serial_socket else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            cmd, stdin=pipe,
            stdout=subprocess.PIPE if serial_socket else self.err,
            stderr=self.err)
        if serial_socket:
            os.set_blocking(self.proc.stdout.fileno(), False)
        self.mon = None

    def connect(self):
        self.mon = self._connect(self.mon_path)
        self.mon_buf = b""
        self._read_prompt()

    def _connect(self, path):
        deadline = time.monotonic() + TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise Failure("emu exited (%d): %s" %
                              (self.proc.returncode, self.stderr()))
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                return s
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise Failure("cannot connect to " + path)
                time.sleep(0.05)

    def _read_prompt(self):
        self.mon.settimeout(TIMEOUT)
        while not self.mon_buf.endswith(b"(emu) "):
            d = self.mon.recv(4096)
            if not d:
                raise Failure("monitor closed: " + self.stderr())
            self.mon_buf += d
        out = self.mon_buf[:-6]
        self.mon_buf = b""
        return out.decode(errors="replace").replace("\r", "")

    def cmd(self, line):
        self.mon.sendall(line.encode() + b"\n")
        out = self._read_prompt()
        # Drop the echoed command line.
        lines = out.split("\n")
        if lines and lines[0].strip() == line.strip():
            lines = lines[1:]
        return "\n".join(lines).strip("\n")

    def serial(self):
        if self.serial_socket:
            while True:
                d = self.proc.stdout.read(65536)
                if not d:
                    break
                self.ser_buf += d
            return self.ser_buf.decode(errors="replace")
        try:
            with open(self.ser_path, "rb") as f:
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def type(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def stderr(self):
        self.err.flush()
        with open(self.err_path, "rb") as f:
            return f.read().decode(errors="replace").strip()

    def quit(self):
        if self.proc.poll() is None:
            try:
                self.mon.sendall(b"quit\n")
            except (OSError, AttributeError):
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.mon:
            self.mon.close()
        for f in (self.proc.stdin, self.proc.stdout):
            if f:
                f.close()
        self.err.close()


def counts(text):
    return [int(n) for n in re.findall(r"^COUNT (\d+)\r?$", text, re.M)]


def last_count(emu):
    c = counts(emu.serial())
    return c[-1] if c else 0


def xp(emu):
    out = emu.cmd("xp /3wx 0x600")
    m = re.search(r"0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+)", out)
    if not m:
        raise Failure("xp printed %r" % out)
    return tuple(int(g, 16) for g in m.groups())


def regs(emu):
    """The general registers and EIP/EFLAGS lines of info registers."""
    out = emu.cmd("info registers").split("\n")
    return "\n".join(out[:3])


def status(emu):
    return emu.cmd("info status")


def check_sequence(text, what):
    c = counts(text)
    if not c or c != list(range(1, len(c) + 1)):
        bad = next((i for i, v in enumerate(c) if v != i + 1), None)
        raise Failure("%s: COUNT lines are not 1, 2, 3...: around %s" %
                      (what, c[max(0, (bad or 0) - 2):(bad or 0) + 3]))
    return c[-1]


def guest_args(accel, extra=()):
    return ["-accel", accel, "-bios", GUEST] + list(extra)


# ---- cases ----

def case_count(tmp, accel):
    state = os.path.join(tmp, "state")
    src = Emu(tmp, "src", guest_args(accel))
    dst = None
    try:
        src.connect()
        wait_for(lambda: last_count(src) >= 5, "COUNT 5 on the source")
        out = src.cmd('migrate "exec:cat > %s"' % state)
        if out:
            raise Failure("migrate printed %r" % out)
        st = status(src)
        if "postmigrate" not in st:
            raise Failure("source after migrate: %r" % st)
        mem = xp(src)
        reg = regs(src)
        if "Migration status: completed" not in src.cmd("info migrate"):
            raise Failure("info migrate does not say completed")
        src_serial = src.serial()
        src.quit()

        # Restored, paused first: the same RAM and registers exactly.
        dst = Emu(tmp, "dst", guest_args(accel, [
            "-S", "-incoming", "exec:cat %s" % state]))
        dst.connect()
        st = status(dst)
        if st != "VM status: paused":
            raise Failure("destination before cont: %r" % st)
        if xp(dst) != mem:
            raise Failure("RAM counters %s after restore, %s saved" %
                          (xp(dst), mem))
        if regs(dst) != reg:
            raise Failure("registers differ after restore:\n%s\nsaved:\n%s"
                          % (regs(dst), reg))
        dst.cmd("cont")
        n_saved = mem[1]
        wait_for(lambda: last_count(dst) >= n_saved + 10,
                 "COUNT %d on the restored machine" % (n_saved + 10))
        if "START" in dst.serial():
            raise Failure("the restored guest started over")
        last = check_sequence(src_serial + dst.serial(),
                              "source + restored output")
        if last < n_saved + 10:
            raise Failure("count stopped at %d" % last)
        print("PASS count-%s: saved at COUNT %d (ticks %d), restored "
              "machine went on to COUNT %d" % (accel, n_saved, mem[0], last))
    finally:
        src.quit()
        if dst:
            dst.quit()


def run_expect_error(tmp, name, accel, uri, pattern):
    e = Emu(tmp, name, guest_args(accel, ["-incoming", uri]))
    try:
        e.proc.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        e.quit()
        raise Failure("%s: emu did not exit on a bad state" % name)
    err = e.stderr()
    e.quit()
    if e.proc.returncode != 1 or not re.search(pattern, err):
        raise Failure("%s: status %d, stderr %r (want /%s/)" %
                      (name, e.proc.returncode, err, pattern))
    return err


def section_offset(data, name):
    """Offset of section `name`'s instance field, walking the stream."""
    pos = 12
    while data[pos] != 0:
        nl = data[pos]
        n = data[pos + 1:pos + 1 + nl].decode()
        p = pos + 1 + nl
        ln = int.from_bytes(data[p + 8:p + 16], "little")
        if n == name:
            return p
        pos = p + 16 + ln
    raise Failure("no section %s in the state" % name)


def case_corrupt(tmp, accel):
    state = os.path.join(tmp, "state")
    src = Emu(tmp, "src", guest_args(accel))
    try:
        src.connect()
        wait_for(lambda: last_count(src) >= 2, "COUNT 2")
        src.cmd('migrate "exec:cat > %s"' % state)
    finally:
        src.quit()
    data = open(state, "rb").read()

    # Another build's layout: the PIT's section version edited.
    bad = bytearray(data)
    p = section_offset(bad, "i8254")
    bad[p + 4:p + 8] = (3).to_bytes(4, "little")
    path = os.path.join(tmp, "version")
    open(path, "wb").write(bad)
    err = run_expect_error(
        tmp, "version", accel, "exec:cat " + path,
        r"^%s: -incoming: section 'i8254' version 3, this emu has 1$" %
        re.escape(os.path.basename(EMU)))

    # A payload length that runs past the end.
    bad = bytearray(data)
    p = section_offset(bad, "serial")
    bad[p + 8:p + 16] = (1 << 40).to_bytes(8, "little")
    path = os.path.join(tmp, "length")
    open(path, "wb").write(bad)
    run_expect_error(tmp, "length", accel, "file:" + path,
                     r"section 'serial' instance 0: length \d+ runs past")

    # Truncated in the middle of RAM.
    path = os.path.join(tmp, "trunc")
    open(path, "wb").write(data[:len(data) // 2])
    run_expect_error(tmp, "trunc", accel, "exec:cat " + path,
                     r"truncated")

    # A section this machine does not have.
    bad = bytearray(data[:-1])
    name = b"no-such-dev"
    bad += bytes([len(name)]) + name + bytes(16) + b"\0"
    path = os.path.join(tmp, "unknown")
    open(path, "wb").write(bad)
    run_expect_error(tmp, "unknown", accel, "exec:cat " + path,
                     r"unknown section 'no-such-dev' instance 0")

    # A state of another configuration: -m differs.
    e = Emu(tmp, "ram", guest_args(accel, ["-m", "64", "-incoming",
                                          "exec:cat " + state]))
    e.proc.wait(TIMEOUT)
    ram_err = e.stderr()
    e.quit()
    if e.proc.returncode != 1 or "-m must match" not in ram_err:
        raise Failure("-m 64: %r" % ram_err)

    # A failing exec: command.
    run_expect_error(tmp, "cmd", accel, "exec:exit 3",
                     r"'exit 3' failed \(exit status 3\)")
    print("PASS corrupt-%s: %s" % (accel, err))


def case_qcow2(tmp, accel):
    disk = os.path.join(tmp, "disk.qcow2")
    raw = os.path.join(tmp, "disk.raw")
    subprocess.run([EMU_IMG, "create", "-f", "qcow2", disk, "16M"],
                   check=True, stdout=subprocess.DEVNULL)
    open(raw, "wb").truncate(1 << 20)

    # A writable raw drive cannot keep a snapshot: refused by name.
    e = Emu(tmp, "raw", guest_args(accel, [
        "-drive", "file=%s,format=raw,if=ide,index=1" % raw]))
    try:
        e.connect()
        out = e.cmd("savevm x")
        want = "Error: Device 'ide0-hd1' is writable but does not support " \
               "snapshots"
        if out != want:
            raise Failure("savevm with a raw drive: %r, want %r" % (out, want))
        if "running" not in status(e):
            raise Failure("savevm left the VM stopped after refusing")
    finally:
        e.quit()

    drive = ["-drive", "file=%s,format=qcow2,if=ide,index=0" % disk]
    e = Emu(tmp, "q1", guest_args(accel, drive))
    try:
        e.connect()
        wait_for(lambda: last_count(e) >= 3, "COUNT 3")
        e.cmd("stop")
        out = e.cmd("savevm snap1")
        if "does not support snapshots" in out or \
                "No block device" in out:
            raise Skip("bdrv_can_snapshot reports false for a qcow2 drive "
                       "(qcow2 snapshots not in this build): " + out)
        if out:
            raise Failure("savevm snap1: %r" % out)
        if "paused" not in status(e):
            raise Failure("savevm resumed a stopped VM")
        saved = xp(e)
        info = e.cmd("info snapshots")
        if not re.search(r"^\S+\s+snap1\s", info, re.M):
            raise Failure("info snapshots: %r" % info)
        e.cmd("cont")
        wait_for(lambda: last_count(e) >= saved[1] + 5, "counting on")
        e.cmd("stop")
        out = e.cmd("loadvm snap1")
        if out or xp(e) != saved:
            raise Failure("loadvm snap1: %r, counters %s, saved %s" %
                          (out, xp(e), saved))
        before = len(counts(e.serial()))
        e.cmd("cont")
        wait_for(lambda: len(counts(e.serial())) >= before + 3,
                 "counting after loadvm")
        after = counts(e.serial())[before:]
        if after[:3] != [saved[1] + 1, saved[1] + 2, saved[1] + 3]:
            raise Failure("after loadvm the guest printed %s, want %d.." %
                          (after[:3], saved[1] + 1))
        # savevm of the same name replaces it; running VM stays running.
        e.cmd("savevm snap2")
        e.cmd("savevm snap2")
        info = e.cmd("info snapshots")
        if len(re.findall(r"\ssnap2\s", info)) != 1:
            raise Failure("snap2 twice in %r" % info)
        if "running" not in status(e):
            raise Failure("savevm did not resume the VM")
        e.cmd("delvm snap2")
        if "snap2" in e.cmd("info snapshots"):
            raise Failure("delvm snap2 left it")
        out = e.cmd("loadvm nosuch")
        if "Snapshot 'nosuch' does not exist" not in out:
            raise Failure("loadvm nosuch: %r" % out)
    finally:
        e.quit()

    # -loadvm at start-up.
    e = Emu(tmp, "q2", guest_args(accel, drive + ["-S", "-loadvm", "snap1"]))
    try:
        e.connect()
        if xp(e) != saved:
            raise Failure("-loadvm snap1: counters %s, saved %s" %
                          (xp(e), saved))
        e.cmd("cont")
        wait_for(lambda: counts(e.serial())[:1] == [saved[1] + 1],
                 "COUNT %d after -loadvm" % (saved[1] + 1))
    finally:
        e.quit()
    print("PASS qcow2-%s: savevm/loadvm/delvm/info snapshots/-loadvm, "
          "count went on from %d" % (accel, saved[1]))


def wait_serial(e, pattern, what, timeout=TIMEOUT, start=0):
    try:
        return wait_for(lambda: re.search(pattern, e.serial()[start:], re.M),
                        what, timeout)
    except Failure:
        with open(e.ser_path + ".log", "w") as f:
            f.write(e.serial())
        raise Failure("%s (serial: %s.log)" % (what, e.ser_path))


def case_linux(tmp, accel, kernel, initrd):
    state = os.path.join(tmp, "state")
    # A qcow2 disk for savevm/loadvm after the -incoming part.
    disk = os.path.join(tmp, "linux.qcow2")
    subprocess.run([EMU_IMG, "create", "-f", "qcow2", disk, "16M"],
                   check=True, stdout=subprocess.DEVNULL)
    args = ["-accel", accel, "-m", "256", "-kernel", kernel, "-initrd",
            initrd, "-append", "console=ttyS0 panic=-1", "-no-reboot",
            "-drive", "file=%s,format=qcow2,if=ide,index=0" % disk]
    src = Emu(tmp, "lsrc", args + ["-S"], serial_socket=True)
    dst = None
    try:
        src.connect()
        src.cmd("cont")
        wait_serial(src, r"/ # ", "the shell prompt", 500)
        # A workload that runs on: a counter file updated in a loop.
        src.type("i=0; while true; do i=$((i+1)); echo $i > /tmp/c; "
                 "sleep 0.1; done &\r")
        time.sleep(0)  # the shell's reply is waited for below
        mark = len(src.serial())
        src.type("sleep 1; cat /tmp/c\r")
        wait_serial(src, r"^\d+\r?$", "the loop's counter", 60, mark)
        src.cmd('migrate "exec:cat > %s"' % state)
        src.quit()

        dst = Emu(tmp, "ldst", args + ["-S", "-incoming",
                                       "exec:cat " + state],
                  serial_socket=True)
        dst.connect()
        dst.cmd("cont")
        # The shell answers; the loop is still counting.
        dst.type("\recho $((6*7))\r")
        wait_serial(dst, r"^42\r?$", "42 from the restored shell", 120)
        mark = len(dst.serial())
        dst.type("a=$(cat /tmp/c); sleep 1; b=$(cat /tmp/c); "
                 "[ $b -gt $a ] && echo LOOP-RUNS-$a-$b\r")
        m = wait_serial(dst, r"^LOOP-RUNS-(\d+)-(\d+)", "the loop running",
                        120, mark)
        print("PASS linux-%s: shell and background loop go on after "
              "-incoming (%s)" % (accel, m.group(0).strip()))

        # savevm, change the guest, loadvm: the change is gone, the shell
        # answers and the loop still counts.
        out = dst.cmd("savevm lsnap")
        if out.strip():
            raise Failure("savevm lsnap: %r" % out)
        mark = len(dst.serial())
        dst.type("echo after > /tmp/m; echo MARKED\r")
        wait_serial(dst, r"^MARKED\r?$", "the mark written", 60, mark)
        out = dst.cmd("loadvm lsnap")
        if out.strip():
            raise Failure("loadvm lsnap: %r" % out)
        # (Characters typed here seemed lost now and then: the APIC's
        # one-shot timer, expired but not yet delivered when saved, was
        # dropped at load and the tickless guest stopped.  test-apic's
        # test_timer_oneshot_expired_state has it.)
        mark = len(dst.serial())
        dst.type("\r[ -e /tmp/m ] && echo M-KEPT || echo M-GONE\r")
        m = wait_serial(dst, r"^M-(KEPT|GONE)\r?$", "the mark's state", 60,
                        mark)
        if m.group(1) != "GONE":
            raise Failure("a file written after savevm survived loadvm")
        mark = len(dst.serial())
        dst.type("a=$(cat /tmp/c); sleep 1; b=$(cat /tmp/c); "
                 "[ $b -gt $a ] && echo LOOP-RUNS-$a-$b\r")
        m = wait_serial(dst, r"^LOOP-RUNS-(\d+)-(\d+)", "the loop after "
                        "loadvm", 120, mark)
        print("PASS linux-%s: after savevm/loadvm the later file is gone, "
              "the shell and the loop go on (%s)" % (accel, m.group(0).strip()))
    finally:
        src.quit()
        if dst:
            dst.quit()


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    case, accel = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="emu-savevm.")
    try:
        if case == "count":
            case_count(tmp, accel)
        elif case == "corrupt":
            case_corrupt(tmp, accel)
        elif case == "qcow2":
            case_qcow2(tmp, accel)
        elif case == "linux":
            case_linux(tmp, accel, sys.argv[3], sys.argv[4])
        else:
            sys.stderr.write(__doc__)
            return 2
    except Skip as s:
        print("SKIP: %s" % s)
        return 77
    except Failure as f:
        print("FAIL %s-%s: %s" % (case, accel, f))
        print("     logs kept in %s" % tmp)
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
