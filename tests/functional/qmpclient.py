"""A small QMP client for emu's tests (no packages beyond python3).

    c = QMPClient.unix(path)           # or QMPClient.tcp(host, port)
    greeting = c.greeting             # the parsed greeting
    c.cmd("qmp_capabilities")         # -> the whole reply (dict)
    c.send_raw(b'{"execute": }\\n')    # bytes as they are
    line = c.read_line()              # one raw reply/event line (bytes)
    ev = c.wait_event("STOP")         # events seen meanwhile are kept

Every read has a timeout (QMP_TIMEOUT seconds, default 30): a hung server
fails the test instead of hanging it.
"""
import json
import os
import socket
import time

TIMEOUT = float(os.environ.get("QMP_TIMEOUT", "30"))


class QMPError(Exception):
    pass


class QMPClient:
    def __init__(self, sock):
        self.sock = sock
        self.sock.settimeout(TIMEOUT)
        self.buf = b""
        self.events = []
        self.raw_greeting = self.read_line()
        self.greeting = json.loads(self.raw_greeting)

    @classmethod
    def unix(cls, path, wait=TIMEOUT):
        return cls(cls._connect(socket.AF_UNIX, path, wait))

    @classmethod
    def tcp(cls, host, port, wait=TIMEOUT):
        return cls(cls._connect(socket.AF_INET, (host, port), wait))

    @staticmethod
    def _connect(family, addr, wait):
        deadline = time.monotonic() + wait
        while True:
            s = socket.socket(family, socket.SOCK_STREAM)
            try:
                s.connect(addr)
                return s
            except OSError:
                s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def read_line(self):
        """One line including its "\\r\\n"; b"" at EOF."""
        while b"\n" not in self.buf:
            d = self.sock.recv(65536)
            if not d:
                line, self.buf = self.buf, b""
                return line
            self.buf += d
        i = self.buf.index(b"\n") + 1
        line, self.buf = self.buf[:i], self.buf[i:]
        return line

    def read_reply(self):
        """The next reply; events that come first are kept in .events."""
        while True:
            line = self.read_line()
            if not line:
                raise QMPError("EOF while waiting for a reply")
            if not line.endswith(b"\r\n"):
                raise QMPError("line without CRLF: %r" % line)
            msg = json.loads(line)
            if "event" in msg:
                self.events.append(msg)
                continue
            return msg

    def cmd(self, name, args=None, id=None):
        req = {"execute": name}
        if args is not None:
            req["arguments"] = args
        if id is not None:
            req["id"] = id
        self.send_raw(json.dumps(req).encode() + b"\n")
        return self.read_reply()

    def cmd_ok(self, name, args=None):
        r = self.cmd(name, args)
        if "return" not in r:
            raise QMPError("%s failed: %r" % (name, r))
        return r["return"]

    def wait_event(self, name):
        for i, e in enumerate(self.events):
            if e["event"] == name:
                return self.events.pop(i)
        while True:
            line = self.read_line()
            if not line:
                raise QMPError("EOF while waiting for event %s" % name)
            msg = json.loads(line)
            if msg.get("event") == name:
                return msg
            if "event" in msg:
                self.events.append(msg)
            else:
                raise QMPError("unexpected reply %r waiting for %s"
                               % (msg, name))
