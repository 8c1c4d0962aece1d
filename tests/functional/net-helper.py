#!/usr/bin/env python3
"""net-helper.py - the host side of the network tests and benchmark.

  port [ADDR]
      Print a TCP port that is free on ADDR (default 127.0.0.1) now.
  receive ADDR PORTFILE LOG
      A TCP server on ADDR (port chosen by the kernel, written to
      PORTFILE once listening): for each connection it reads until the
      client shuts its side down, answers "<md5> <bytes>", closes, and
      appends that line to LOG.  Runs until killed.  The guest uploads
      with busybox nc, which half-closes at the end of its input and
      prints the answer (busybox wget --post-file cannot send binary
      data: it stops at the first NUL byte).
  listening PORT
      Exit 0 if some socket listens on TCP PORT (IPv4), from
      /proc/net/tcp: unlike a test connection, this does not take the
      one connection a -netdev socket,listen= server accepts.
  get URL [TIMEOUT]
      Print the body of URL (exit 1 with the reason on failure).
  dns NAME [SERVER]
      Print NAME's IPv4 addresses (one line, sorted) as the DNS server
      SERVER (default: the first nameserver of /etc/resolv.conf) answers
      them: the host's own view, to compare with what the guest got
      through slirp's DNS forwarder.  Exit 1 if none.

Only the standard library is used.
"""
import hashlib
import os
import random
import socket
import struct
import sys
import urllib.request


def cmd_port(addr="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((addr, 0))
    print(s.getsockname()[1])
    s.close()


def cmd_receive(addr, portfile, logfile):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, 0))
    srv.listen(4)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.replace(tmp, portfile)
    while True:
        conn, _ = srv.accept()
        h = hashlib.md5()
        got = 0
        while True:
            data = conn.recv(65536)
            if not data:
                break
            h.update(data)
            got += len(data)
        line = "%s %d\n" % (h.hexdigest(), got)
        with open(logfile, "a") as f:
            f.write(line)
        try:
            conn.sendall(line.encode())
        except OSError:
            pass
        conn.close()


def cmd_listening(port):
    want = "%04X" % int(port)
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            w = line.split()
            if w[1].split(":")[1] == want and w[3] == "0A":
                return
    sys.exit(1)


def cmd_get(url, timeout="60"):
    try:
        with urllib.request.urlopen(url, timeout=float(timeout)) as r:
            sys.stdout.write(r.read().decode("utf-8", "replace"))
    except Exception as e:  # one line, whatever went wrong
        sys.stderr.write("net-helper: get %s: %s\n" % (url, e))
        sys.exit(1)


def nameserver():
    with open("/etc/resolv.conf") as f:
        for line in f:
            w = line.split()
            if len(w) >= 2 and w[0] == "nameserver" and ":" not in w[1]:
                return w[1]
    return None


def cmd_dns(name, server=None):
    server = server or nameserver()
    if not server:
        sys.stderr.write("net-helper: no IPv4 nameserver in /etc/resolv.conf\n")
        sys.exit(1)
    qid = random.randrange(65536)
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\0" + struct.pack(">HH", 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    try:
        for _ in range(3):
            s.sendto(q, (server, 53))
            try:
                r, _ = s.recvfrom(4096)
            except socket.timeout:
                continue
            if struct.unpack(">H", r[:2])[0] == qid:
                break
        else:
            raise OSError("no answer from %s" % server)
    except OSError as e:
        sys.stderr.write("net-helper: dns %s: %s\n" % (name, e))
        sys.exit(1)
    _, flags, qd, an, _, _ = struct.unpack(">HHHHHH", r[:12])
    pos = 12

    def skip_name(p):
        while True:
            n = r[p]
            if n & 0xC0 == 0xC0:
                return p + 2
            if n == 0:
                return p + 1
            p += n + 1

    for _ in range(qd):
        pos = skip_name(pos) + 4
    addrs = []
    for _ in range(an):
        pos = skip_name(pos)
        typ, cls, _, rdlen = struct.unpack(">HHIH", r[pos:pos + 10])
        pos += 10
        if typ == 1 and cls == 1 and rdlen == 4:
            addrs.append(socket.inet_ntoa(r[pos:pos + 4]))
        pos += rdlen
    if not addrs:
        sys.stderr.write("net-helper: dns %s: no A record from %s (rcode %d)\n"
                         % (name, server, flags & 15))
        sys.exit(1)
    print(" ".join(sorted(addrs)))


def main(argv):
    cmds = {"port": cmd_port, "receive": cmd_receive, "get": cmd_get,
            "dns": cmd_dns, "listening": cmd_listening}
    if not argv or argv[0] not in cmds:
        sys.stderr.write(__doc__)
        sys.exit(2)
    try:
        cmds[argv[0]](*argv[1:])
    except TypeError:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
