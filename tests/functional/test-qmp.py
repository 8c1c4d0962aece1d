"""QMP against emu, as a management tool or test framework speaks it.

Runs emu with -qmp on unix sockets, TCP and -chardev/-mon, drives it with
tests/functional/qmpclient.py and socat, and checks: the greeting and
negotiation, every command of issue 11, the events, QEMU's error replies,
hostile input, and the examples of QEMU's QMP reference (the
qemu-qmp-ref(7) manual page that Debian's qemu-system-common installs)
replayed byte for byte where the reply does not depend on the machine.

Prints "PASS qmp: <case>" / "FAIL qmp: <case>: why" / "SKIP ...", then
"N passed, N failed, N skipped".  Environment: EMU (default ./emu).
"""
import gzip
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmpclient import QMPClient, QMPError  # noqa: E402

EMU = os.environ.get("EMU", "./emu")
MANPAGE = "/usr/share/man/man7/qemu-qmp-ref.7.gz"
results = {"passed": 0, "failed": 0, "skipped": 0}
tmp = tempfile.mkdtemp(prefix="emu-qmp.")


def report(name, ok, why=""):
    if ok is None:
        results["skipped"] += 1
        print("SKIP qmp: %s: %s" % (name, why))
    elif ok:
        results["passed"] += 1
        print("PASS qmp: %s" % name)
    else:
        results["failed"] += 1
        print("FAIL qmp: %s: %s" % (name, why))
    sys.stdout.flush()


def check(name, fn):
    try:
        fn()
        report(name, True)
    except Exception as e:  # a failed expectation or a broken connection
        report(name, False, "%s: %s" % (type(e).__name__, e))


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def qemu_json(obj):
    """obj as QEMU prints it on the wire."""
    return json.dumps(obj, separators=(", ", ": "))


class Emu:
    def __init__(self, args, name="vm"):
        self.sock = os.path.join(tmp, name + ".sock")
        self.log = open(os.path.join(tmp, name + ".log"), "w+")
        cmd = [EMU, "-accel", "tcg", "-display", "none", "-m", "32",
               "-qmp", "unix:%s,server,nowait" % self.sock] + args
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log)

    def client(self, negotiate=True):
        c = QMPClient.unix(self.sock)
        if negotiate:
            r = c.cmd("qmp_capabilities")
            expect(r == {"return": {}}, "qmp_capabilities: %r" % r)
        return c

    def wait(self, timeout=30):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def emu_version():
    out = subprocess.run([EMU, "-version"], capture_output=True,
                         text=True).stdout
    m = re.search(r"(\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(x) for x in m.groups())


def make_image(name, size):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.truncate(size)
    return path


# ---- the cases on one machine ------------------------------------------

def greeting_and_negotiation(vm):
    c = QMPClient.unix(vm.sock)
    expect(c.raw_greeting.endswith(b"\r\n"), "greeting ends in CRLF")
    g = c.greeting["QMP"]
    ma, mi, mc = emu_version()
    expect(g["version"]["qemu"] == {"major": ma, "minor": mi, "micro": mc},
           "version %r" % g["version"])
    expect(g["capabilities"] == [], "capabilities %r" % g["capabilities"])
    r = c.cmd("query-status")
    expect(r == {"error": {"class": "CommandNotFound", "desc":
                           "Expecting capabilities negotiation with "
                           "'qmp_capabilities'"}}, "before negotiation %r" % r)
    r = c.cmd("qmp_capabilities", {"enable": ["oob"]})
    expect(r["error"]["desc"] == "Capability oob not available", repr(r))
    r = c.cmd("qmp_capabilities", id="neg-1")
    expect(r == {"return": {}, "id": "neg-1"}, repr(r))
    r = c.cmd("qmp_capabilities")
    expect(r["error"] == {"class": "CommandNotFound", "desc":
                          "Capabilities negotiation is already complete, "
                          "command ignored"}, repr(r))
    c.close()
    # A new connection starts afresh with a greeting.
    c = QMPClient.unix(vm.sock)
    expect("QMP" in c.greeting, "second greeting")
    expect("error" in c.cmd("query-status"), "second client negotiates")
    c.close()


def status_and_events(vm, c):
    st = c.cmd_ok("query-status")
    expect(st == {"running": False, "singlestep": False,
                  "status": "prelaunch"}, "with -S: %r" % st)
    expect(c.cmd("cont") == {"return": {}}, "cont")
    ev = c.wait_event("RESUME")
    expect(set(ev) == {"timestamp", "event"}, repr(ev))
    ts = ev["timestamp"]
    expect(abs(ts["seconds"] + ts["microseconds"] / 1e6 - time.time()) < 60
           and 0 <= ts["microseconds"] < 1000000, "timestamp %r" % ts)
    expect(c.cmd_ok("query-status")["status"] == "running", "running")
    out = c.cmd_ok("human-monitor-command", {"command-line": "info status"})
    expect(out == "VM status: running\r\n", "info status: %r" % out)
    c.cmd_ok("stop")
    c.wait_event("STOP")
    st = c.cmd_ok("query-status")
    expect(st["status"] == "paused" and not st["running"], repr(st))
    c.cmd_ok("cont")
    c.wait_event("RESUME")
    c.cmd_ok("system_reset")
    ev = c.wait_event("RESET")
    expect(ev["data"] == {"guest": False,
                          "reason": "host-qmp-system-reset"}, repr(ev))
    c.cmd_ok("system_powerdown")
    ev = c.wait_event("POWERDOWN")
    expect("data" not in ev, repr(ev))


def queries(vm, c, disk, cd):
    ma, mi, mc = emu_version()
    v = c.cmd_ok("query-version")
    expect(v["qemu"] == {"major": ma, "minor": mi, "micro": mc}, repr(v))
    names = {x["name"] for x in c.cmd_ok("query-commands")}
    want = {"qmp_capabilities", "query-status", "query-version",
            "query-commands", "query-cpus-fast", "query-block", "query-pci",
            "query-chardev", "stop", "cont", "system_reset",
            "system_powerdown", "quit", "human-monitor-command",
            "screendump", "blockdev-change-medium", "eject", "query-name"}
    expect(want <= names, "missing: %s" % (want - names))
    cpus = c.cmd_ok("query-cpus-fast")
    expect([x["cpu-index"] for x in cpus] == [0, 1], repr(cpus))
    for x in cpus:
        expect(x["target"] == "i386", repr(x))
        expect(os.path.isdir("/proc/%d/task/%d" % (vm.proc.pid,
                                                   x["thread-id"])),
               "thread-id %d is not a thread of emu" % x["thread-id"])
    # -smp 2,cores=2: one socket of two cores.
    expect([(x["props"]["socket-id"], x["props"]["core-id"],
             x["props"]["thread-id"]) for x in cpus] == [(0, 0, 0), (0, 1, 0)],
           "props %r" % cpus)
    expect(cpus[0]["thread-id"] != cpus[1]["thread-id"], "distinct threads")
    # cpu-index: that CPU is the current one for this line only.
    out = c.cmd_ok("human-monitor-command", {"command-line": "info cpus",
                                             "cpu-index": 1})
    expect(re.search(r"^\* CPU #1", out, re.M), "cpu-index 1: %r" % out)
    out = c.cmd_ok("human-monitor-command", {"command-line": "info cpus"})
    expect(re.search(r"^\* CPU #0", out, re.M), "back to CPU 0: %r" % out)
    r = c.cmd("human-monitor-command", {"command-line": "info cpus",
                                        "cpu-index": 5})
    expect(r.get("error", {}).get("desc") ==
           "Parameter 'cpu-index' expects a CPU number", repr(r))
    expect(c.cmd_ok("query-name") == {"name": "qmp-test"}, "query-name")

    blk = {b["device"]: b for b in c.cmd_ok("query-block")}
    hd = blk["ide0-hd0"]
    expect(hd["inserted"]["file"] == disk and
           hd["inserted"]["image"]["virtual-size"] == 4 * 1024 * 1024 and
           hd["inserted"]["drv"] == "raw" and not hd["inserted"]["ro"] and
           not hd["removable"], "hd: %r" % hd)
    cdrom = blk["ide1-cd0"]
    expect(cdrom["removable"] and not cdrom["tray_open"] and
           cdrom["inserted"]["file"] == cd and cdrom["inserted"]["ro"],
           "cd: %r" % cdrom)

    pci = c.cmd_ok("query-pci")
    devs = pci[0]["devices"]
    host = [d for d in devs if d["slot"] == 0 and d["function"] == 0][0]
    expect(host["id"]["vendor"] == 0x8086 and host["id"]["device"] == 0x1237
           and host["class_info"]["class"] == 0x0600, repr(host))
    vga = [d for d in devs if d["id"]["vendor"] == 0x1234]
    expect(vga and vga[0]["regions"][0]["size"] == 16 << 20 and
           vga[0]["regions"][0]["type"] == "memory", repr(vga))

    chardevs = {x["label"]: x for x in c.cmd_ok("query-chardev")}
    mon = chardevs.get("compat_monitor0")
    expect(mon and mon["filename"] == "unix:%s,server=on" % vm.sock and
           mon["frontend-open"], repr(chardevs))


def media(vm, c, cd, cd2):
    c.cmd_ok("blockdev-change-medium", {"device": "ide1-cd0",
                                        "filename": cd2, "format": "raw"})
    blk = {b["device"]: b for b in c.cmd_ok("query-block")}
    expect(blk["ide1-cd0"]["inserted"]["file"] == cd2, repr(blk))
    c.cmd_ok("eject", {"device": "ide1-cd0"})
    blk = {b["device"]: b for b in c.cmd_ok("query-block")}
    expect("inserted" not in blk["ide1-cd0"] and
           blk["ide1-cd0"]["tray_open"], repr(blk["ide1-cd0"]))
    r = c.cmd("eject", {"device": "nope"})
    expect(r["error"] == {"class": "DeviceNotFound",
                          "desc": "Device 'nope' not found"}, repr(r))
    r = c.cmd("eject", {"device": "ide0-hd0"})
    expect(r["error"]["desc"] == "Device 'ide0-hd0' is not removable",
           repr(r))
    r = c.cmd("blockdev-change-medium", {"device": "ide1-cd0",
                                         "filename": cd + ".missing"})
    expect(r["error"]["class"] == "GenericError" and
           ".missing" in r["error"]["desc"], repr(r))
    c.cmd_ok("blockdev-change-medium", {"device": "ide1-cd0",
                                        "filename": cd,
                                        "read-only-mode": "read-only"})
    blk = {b["device"]: b for b in c.cmd_ok("query-block")}
    expect(blk["ide1-cd0"]["inserted"]["file"] == cd and
           not blk["ide1-cd0"]["tray_open"], repr(blk["ide1-cd0"]))


def screendumps(vm, c):
    ppm = os.path.join(tmp, "shot.ppm")
    c.cmd_ok("screendump", {"filename": ppm})
    data = open(ppm, "rb").read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    expect(m, "PPM header %r" % data[:20])
    w, h = int(m.group(1)), int(m.group(2))
    expect(w >= 320 and h >= 200 and len(data) == m.end() + w * h * 3,
           "PPM %dx%d, %d bytes" % (w, h, len(data)))
    png = os.path.join(tmp, "shot.png")
    c.cmd_ok("screendump", {"filename": png, "format": "png"})
    expect(open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n", "PNG magic")
    r = c.cmd("screendump", {"filename": ppm, "format": "bmp"})
    expect(r["error"]["desc"] ==
           "Parameter 'format' does not accept value 'bmp'", repr(r))


ERRORS = [
    # (raw input, the exact reply line QEMU 7.2 gives)
    (b'{"execute":"human-monitor-command","arguments":{}}',
     {"error": {"class": "GenericError",
                "desc": "Parameter 'command-line' is missing"}}),
    (b'{"execute":"human-monitor-command","arguments":{"command-line":1}}',
     {"error": {"class": "GenericError", "desc": "Invalid parameter type "
                "for 'command-line', expected: string"}}),
    (b'{"execute":"eject","arguments":{"device":"x","force":"yes"}}',
     {"error": {"class": "GenericError", "desc": "Invalid parameter type "
                "for 'force', expected: boolean"}}),
    (b'{"execute":"query-status","arguments":{"x":1}}',
     {"error": {"class": "GenericError",
                "desc": "Parameter 'x' is unexpected"}}),
    (b'{"execute":"eject"}',
     {"error": {"class": "GenericError",
                "desc": "Need exactly one of 'device' and 'id'"}}),
    (b'{"execute":"foo","id":7}',
     {"error": {"class": "CommandNotFound",
                "desc": "The command foo has not been found"}, "id": 7}),
    (b'{ "execute": }',
     {"error": {"class": "GenericError",
                "desc": "JSON parse error, expecting value"}}),
    (b'{"execute": foo}',
     {"error": {"class": "GenericError",
                "desc": "JSON parse error, invalid keyword 'foo'"}}),
    (b'{"a" 1}', {"error": {"class": "GenericError",
                            "desc": "JSON parse error, missing : in object "
                            "pair"}}),
    (b'{1:2}', {"error": {"class": "GenericError", "desc":
                          "JSON parse error, key is not a string in object"}}),
    (b'[1 2]', {"error": {"class": "GenericError", "desc":
                          "JSON parse error, expected separator in list"}}),
    (b'{"a":1 "b":2}', {"error": {"class": "GenericError", "desc":
                                  "JSON parse error, expected separator in "
                                  "dict"}}),
    (b'{"execute":"query-name","id":"x","id":"y"}',
     {"error": {"class": "GenericError",
                "desc": "JSON parse error, duplicate key"}}),
    (b'"\\x"', {"error": {"class": "GenericError", "desc":
                          "JSON parse error, invalid escape sequence in "
                          "string"}}),
    (b'\x01', {"error": {"class": "GenericError",
                         "desc": "JSON parse error, stray '\x01'"}}),
    (b'\xff', {"error": {"class": "GenericError",
                         "desc": "JSON parse error, stray '\ufffd'"}}),
    (b'[1]', {"error": {"class": "GenericError",
                        "desc": "QMP input must be a JSON object"}}),
    (b'{"execute":1}', {"error": {"class": "GenericError", "desc":
                                  "QMP input member 'execute' must be a "
                                  "string"}}),
    (b'{"arguments":{}}', {"error": {"class": "GenericError",
                                     "desc": "QMP input lacks member "
                                     "'execute'"}}),
    (b'{"execute":"stop","id":{"x":1},"arguments":5}',
     {"error": {"class": "GenericError", "desc":
                "QMP input member 'arguments' must be an object"},
      "id": {"x": 1}}),
    (b'{"exec-oob":"stop","id":3}',
     {"error": {"class": "GenericError",
                "desc": "QMP input member 'exec-oob' is unexpected"},
      "id": 3}),
    (b"{'execute':'query-name','id':'it\\'s \"q\"'}",
     {"return": {"name": "qmp-test"}, "id": "it's \"q\""}),
    (b'{"execute":"query-name","id":"\\u00e9\xc3\xa9\\ud83d\\ude00"}',
     {"return": {"name": "qmp-test"}, "id": "\u00e9\u00e9\U0001F600"}),
]


def errors(vm, c):
    for raw, want in ERRORS:
        c.send_raw(raw + b"\n")
        line = c.read_line()
        exp = qemu_json(want).encode()
        # QEMU writes \uXXXX with upper-case hex digits.
        exp = re.sub(rb"\\u([0-9a-f]{4})",
                     lambda m: b"\\u" + m.group(1).upper(), exp)
        expect(line == exp + b"\r\n", "%r -> %r, want %r" % (raw, line, exp))


def hostile(vm, c):
    # Too deep: one error, then the stream is usable again.
    c.send_raw(b"[" * 2000 + b"\n")
    r = c.read_reply()
    expect(r["error"]["desc"] == "JSON nesting depth limit exceeded", repr(r))
    c.send_raw(b"\x01")  # the spec's reset: a lexical error
    r = c.read_reply()
    expect("stray" in r["error"]["desc"], repr(r))
    # A large but legal request (4 MiB string id) is answered.
    big = "x" * (4 << 20)
    r = c.cmd("query-name", id=big)
    expect(r.get("id") == big, "big id")
    # Garbage of every byte value, then a normal command still works.
    c.send_raw(bytes(range(256)) * 16 + b"\n")
    c.send_raw(b'\x01{"execute":"query-status","id":"after"}\n')
    while True:
        r = c.read_reply()
        if r.get("id") == "after":
            break
    expect("return" in r, repr(r))


def quit_case(vm, c):
    r = c.cmd("quit", id=1)
    expect(r == {"return": {}, "id": 1}, repr(r))
    ev = c.wait_event("SHUTDOWN")
    expect(ev["data"] == {"guest": False, "reason": "host-qmp-quit"},
           repr(ev))
    expect(c.read_line() == b"", "EOF after SHUTDOWN")
    expect(vm.wait() == 0, "exit status")


def machine_cases():
    disk = make_image("disk.img", 4 << 20)
    cd = make_image("cd.iso", 1 << 20)
    cd2 = make_image("cd2.iso", 2 << 20)
    vm = Emu(["-S", "-smp", "2,cores=2", "-name", "qmp-test", "-hda", disk,
              "-cdrom", cd])
    try:
        check("greeting and negotiation", lambda: greeting_and_negotiation(vm))
        c = vm.client()
        check("queries", lambda: queries(vm, c, disk, cd))
        check("status, stop/cont/reset/powerdown and their events",
              lambda: status_and_events(vm, c))
        check("blockdev-change-medium and eject", lambda: media(vm, c, cd,
                                                               cd2))
        check("screendump", lambda: screendumps(vm, c))
        check("QEMU's error replies, byte for byte", lambda: errors(vm, c))
        check("hostile input", lambda: hostile(vm, c))
        check("quit: reply, SHUTDOWN, exit 0", lambda: quit_case(vm, c))
    finally:
        vm.kill()


def power_button():
    """system_powerdown reaches the guest (PWRBTN_STS in PM1_STS), which
    powers off through ACPI S5: SHUTDOWN, then (-no-shutdown) STOP."""
    binary = "build/guests/qmp-pwrbtn.bin"
    if not os.path.exists(binary):
        report("power button (PM1_STS)", None, binary + " not built "
               "(make guests)")
        return
    for no_shutdown in (False, True):
        serial = os.path.join(tmp, "pwrbtn%d.serial" % no_shutdown)
        vm = Emu(["-bios", binary, "-serial", "file:" + serial] +
                 (["-no-shutdown"] if no_shutdown else []),
                 name="pwrbtn%d" % no_shutdown)
        try:
            def run():
                c = vm.client()
                deadline = time.monotonic() + 30
                while b"READY" not in open(serial, "rb").read():
                    expect(time.monotonic() < deadline, "guest never READY:"
                           " %r" % open(serial, "rb").read())
                    expect(vm.proc.poll() is None, "emu exited early")
                    time.sleep(0.05)
                c.cmd_ok("system_powerdown")
                c.wait_event("POWERDOWN")
                line = c.read_line()
                ev = json.loads(line)
                expect(ev.get("event") == "SHUTDOWN" and ev["data"] ==
                       {"guest": True, "reason": "guest-shutdown"}, repr(ev))
                out = open(serial, "rb").read()
                expect(b"PASS qmp-pwrbtn" in out, repr(out))
                if not no_shutdown:
                    expect(c.read_line() == b"", "EOF after SHUTDOWN")
                    expect(vm.wait() == 0, "exit status")
                    return
                # -no-shutdown: STOP follows SHUTDOWN; cont needs a reset.
                ev = json.loads(c.read_line())
                expect(ev.get("event") == "STOP", repr(ev))
                st = c.cmd_ok("query-status")
                expect(st["status"] == "shutdown" and not st["running"],
                       repr(st))
                r = c.cmd("cont")
                expect(r.get("error", {}).get("desc") ==
                       "Resetting the Virtual Machine is required", repr(r))
                c.cmd_ok("quit")
                expect(vm.wait() == 0, "exit status")
            check("power button (PM1_STS), S5 %s" %
                  ("with -no-shutdown: SHUTDOWN, STOP, cont refused"
                   if no_shutdown else "powers off"), run)
        finally:
            vm.kill()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def several_monitors():
    port = free_port()
    qsock = os.path.join(tmp, "mon.sock")
    hsock = os.path.join(tmp, "hmp.sock")
    vm = Emu(["-S", "-qmp", "tcp:127.0.0.1:%d,server=on,wait=off" % port,
              "-chardev", "socket,id=qm,path=%s,server=on,wait=off" % qsock,
              "-mon", "chardev=qm,mode=control",
              "-chardev", "socket,id=hm,path=%s,server=on,wait=off" % hsock,
              "-mon", "chardev=hm,mode=readline"], name="multi")
    try:
        def run():
            a = vm.client()
            b = QMPClient.tcp("127.0.0.1", port)
            b.cmd_ok("qmp_capabilities")
            m = QMPClient.unix(qsock)
            m.cmd_ok("qmp_capabilities")
            a.cmd_ok("cont")
            for cl in (a, b, m):
                cl.wait_event("RESUME")
            h = socket.socket(socket.AF_UNIX)
            h.connect(hsock)
            h.settimeout(30)
            banner = b""
            while b"(emu)" not in banner:
                banner += h.recv(4096)
            expect(b"monitor" in banner, repr(banner))
            h.close()
            b.cmd_ok("quit")
            for cl in (a, b, m):
                ev = cl.wait_event("SHUTDOWN")
                expect(ev["data"]["reason"] == "host-qmp-quit", repr(ev))
            expect(vm.wait() == 0, "exit status")
        check("tcp, -chardev + -mon control and readline, events on all",
              run)
    finally:
        vm.kill()


def socat_case():
    if not shutil.which("socat"):
        report("socat session", None, "socat not installed "
               "(scripts/install-deps.sh)")
        return
    vm = Emu([], name="socat")
    try:
        def run():
            QMPClient.unix(vm.sock).close()  # wait until it listens
            inp = (b'{"execute":"qmp_capabilities"}\n'
                   b'{"execute":"query-status"}\n'
                   b'{"execute":"quit"}\n')
            out = subprocess.run(["socat", "-t", "30", "-",
                                  "UNIX-CONNECT:" + vm.sock], input=inp,
                                 capture_output=True, timeout=60).stdout
            lines = out.split(b"\r\n")
            expect(lines[0].startswith(b'{"QMP": {"version": {"qemu": '),
                   repr(lines[0]))
            expect(lines[1] == b'{"return": {}}', repr(lines[1]))
            expect(lines[2] == b'{"return": {"running": true, "singlestep": '
                   b'false, "status": "running"}}', repr(lines[2]))
            expect(lines[3] == b'{"return": {}}', repr(lines[3]))
            expect(b'"event": "SHUTDOWN", "data": {"guest": false, '
                   b'"reason": "host-qmp-quit"}}' in lines[4], repr(lines[4]))
            expect(vm.wait() == 0, "exit status")
        check("socat session", run)
    finally:
        vm.kill()


# ---- QEMU's documented transcripts -------------------------------------

def manpage_examples():
    """{command: [(request_text, reply_text)]} from qemu-qmp-ref(7)."""
    text = gzip.open(MANPAGE, "rt", errors="replace").read()
    ex = {}
    for sec in re.split(r"\n\.SS \\fB", text)[1:]:
        m = re.match(r"([\w\\-]+)\\fP \(Command\)", sec)
        if not m:
            continue
        name = m.group(1).replace("\\-", "-")
        blocks = re.findall(r"\.nf\n\.ft C\n(.*?)\n\.ft P\n\.fi", sec, re.S)
        pairs = []
        for b in blocks:
            b = (b.replace("\\-", "-").replace("\\(dq", '"')
                 .replace("\\e", "\\").replace("\\(aq", "'"))
            msgs = re.split(r"^\s*(->|<-)", b, flags=re.M)[1:]
            cur = None
            for d, body in zip(msgs[::2], msgs[1::2]):
                if d == "->":
                    cur = body.strip()
                elif cur is not None:
                    pairs.append((cur, body.strip()))
                    cur = None
        ex[name] = pairs
    return ex


def doc_transcripts():
    if not os.path.exists(MANPAGE):
        report("QEMU's documented transcripts", None,
               "%s missing (qemu-system-common)" % MANPAGE)
        return
    ex = manpage_examples()
    cd = make_image("doc-cd.iso", 1 << 20)
    cd2 = make_image("doc-cd2.iso", 1 << 20)
    shot = os.path.join(tmp, "doc-image")
    # The devices the examples name exist on this machine; the file names
    # of the examples (/tmp/image, /srv/images/...) are replaced by ours.
    vm = Emu(["-name", "qemu-name",
              "-drive", "if=none,id=d1,media=cdrom,file=" + cd,
              "-device", "ide-cd,drive=d1,id=ide1-0-1,bus=ide.1,unit=1",
              "-drive", "if=none,id=d2,media=cdrom,file=" + cd,
              "-device", "ide-cd,drive=d2,id=ide0-1-0,bus=ide.0,unit=1"],
             name="doc")
    subst = {"/tmp/image": shot,
             "/srv/images/Fedora-12-x86_64-DVD.iso": cd2}
    # Machine-dependent replies are not replayed: query-version (emu's
    # version), query-commands/-cpus-fast/-chardev/-block/-pci (this
    # machine's lists), human-monitor-command "info kvm" (the
    # accelerator), qmp_capabilities with "oob" (emu offers none), the
    # second blockdev-change-medium example (a file root may read).
    replay = ["query-status", "query-name", "stop", "cont", "system_reset",
              "system_powerdown", "screendump", "eject",
              "blockdev-change-medium", "quit"]
    try:
        c = vm.client()
        # The protocol's own example (qmp-spec, "Parsing error").
        c.send_raw(b'{ "execute": }\n')
        line = c.read_line()
        report("doc transcript qmp-spec parsing error",
               line == b'{"error": {"class": "GenericError", "desc": '
               b'"JSON parse error, expecting value"}}\r\n', repr(line))
        n = 0
        for name in replay:
            pairs = ex.get(name, [])
            if name == "blockdev-change-medium":
                pairs = pairs[:1]
            if not pairs:
                report("doc transcript %s" % name, None, "no example")
                continue
            for req, rsp in pairs:
                for k, v in subst.items():
                    req = req.replace(k, v)
                # A block may go on with prose after the reply.
                reply = json.JSONDecoder().raw_decode(rsp)[0]
                want = qemu_json(reply).encode() + b"\r\n"
                c.send_raw(req.encode() + b"\n")
                line = c.read_line()
                while b'"event"' in line:
                    line = c.read_line()
                report("doc transcript %s" % name, line == want,
                       "got %r, want %r" % (line, want))
                n += 1
        vm.wait()
    finally:
        vm.kill()


def main():
    try:
        machine_cases()
        several_monitors()
        power_button()
        socat_case()
        doc_transcripts()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed, %d skipped" % (results["passed"],
                                                results["failed"],
                                                results["skipped"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
