"""vgalib - what the VGA rendering test and the display benchmark share.

Only the Python standard library: reading PPM (P6) and PNG (8-bit RGB or
RGBA, not interlaced) screendumps, comparing two images, talking to a
human monitor (emu's "(emu) " or QEMU's "(qemu) " prompt) over a Unix
socket, and running an emulator with a guest until a marker shows up on
its serial port.  See docs/devel/vga-tests.md.
"""

import os
import re
import signal
import socket
import struct
import subprocess
import time
import zlib


class ImageError(Exception):
    pass


class Image:
    """width x height pixels, self.rgb: bytes of R, G, B per pixel."""

    def __init__(self, width, height, rgb):
        self.width, self.height, self.rgb = width, height, rgb

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.rgb[i:i + 3])


def _read_ppm(data):
    # Header: "P6" width height maxval, separated by white space (and
    # comments), then one white-space byte and the samples.
    fields = []
    pos = 2
    while len(fields) < 3:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        start = pos
        while pos < len(data) and not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(int(data[start:pos]))
    width, height, maxval = fields
    if maxval != 255:
        raise ImageError("PPM with maxval %d (only 255 is read)" % maxval)
    pos += 1
    rgb = data[pos:pos + width * height * 3]
    if len(rgb) != width * height * 3:
        raise ImageError("PPM truncated")
    return Image(width, height, bytes(rgb))


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _read_png(data):
    pos = 8
    idat = []
    width = height = None
    channels = 0
    while pos < len(data):
        if pos + 8 > len(data):
            raise ImageError("PNG truncated")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length:
            raise ImageError("PNG truncated")
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = \
                struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise ImageError("PNG kind not read here (depth %d, colour "
                                 "type %d, interlace %d)" %
                                 (depth, ctype, interlace))
            channels = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if width is None or pos > len(data):
        raise ImageError("PNG without IHDR or IEND")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    if len(raw) != (stride + 1) * height:
        raise ImageError("PNG data size wrong")
    out = bytearray(stride * height)
    prev = bytearray(stride)
    bpp = channels
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 0:
            pass
        elif f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif f == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif f == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                upleft = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + _paeth(left, prev[i], upleft)) & 0xFF
        else:
            raise ImageError("PNG filter %d" % f)
        out[y * stride:(y + 1) * stride] = line
        prev = line
    if channels == 4:
        rgb = bytearray(width * height * 3)
        rgb[0::3] = out[0::4]
        rgb[1::3] = out[1::4]
        rgb[2::3] = out[2::4]
        out = rgb
    return Image(width, height, bytes(out))


def read_image(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"P6":
        return _read_ppm(data)
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return _read_png(data)
    raise ImageError("%s: neither PPM (P6) nor PNG" % path)


def reduce(img, fx, fy):
    """img shrunk by fx x fy if every fx x fy block is one colour (an image
    drawn with doubled pixels or scanlines), else None."""
    if img.width % fx or img.height % fy:
        return None
    w, h = img.width // fx, img.height // fy
    out = bytearray(w * h * 3)
    src = img.rgb
    for y in range(h):
        row = src[y * fy * img.width * 3:(y * fy + 1) * img.width * 3]
        for k in range(1, fy):
            o = (y * fy + k) * img.width * 3
            if src[o:o + img.width * 3] != row:
                return None
        small = bytearray(w * 3)
        for c in range(3):
            small[c::3] = row[c::3 * fx]
        for k in range(1, fx):
            for c in range(3):
                if row[c + 3 * k::3 * fx] != small[c::3]:
                    return None
        out[y * w * 3:(y + 1) * w * 3] = small
    return Image(w, h, bytes(out))


def same_scale(a, b):
    """(a, b, note): when one image is the other with its pixels repeated
    by whole factors (QEMU draws 320-pixel modes at 640 and double-scanned
    ones at twice the lines), both at the smaller size and a note saying
    so; else the images unchanged and note None."""
    if (a.width, a.height) == (b.width, b.height):
        return a, b, None
    big, small, swap = (a, b, False) if a.width * a.height > \
        b.width * b.height else (b, a, True)
    if big.width % small.width or big.height % small.height:
        return a, b, None
    fx, fy = big.width // small.width, big.height // small.height
    r = reduce(big, fx, fy)
    if r is None:
        return a, b, None
    note = "%s image is %dx%d, the other's pixels repeated %dx%d" % (
        "second" if swap else "first", big.width, big.height, fx, fy)
    return (small, r, note) if swap else (r, small, note)


def compare(a, b, limit=5):
    """Returns (differing pixel count, summary lines) of two images of the
    same size (-1 if the sizes differ)."""
    if (a.width, a.height) != (b.width, b.height):
        return -1, ["size differs: %dx%d vs %dx%d" %
                    (a.width, a.height, b.width, b.height)]
    if a.rgb == b.rgb:
        return 0, []
    n = 0
    x0, y0, x1, y1 = a.width, a.height, -1, -1
    pairs = {}
    samples = []
    w = a.width
    ra, rb = a.rgb, b.rgb
    # Row by row: the bytes of equal rows compare in C.
    for y in range(a.height):
        s, e = y * w * 3, (y + 1) * w * 3
        if ra[s:e] == rb[s:e]:
            continue
        for x in range(w):
            i = s + x * 3
            pa, pb = ra[i:i + 3], rb[i:i + 3]
            if pa == pb:
                continue
            n += 1
            x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
            key = (tuple(pa), tuple(pb))
            pairs[key] = pairs.get(key, 0) + 1
            if len(samples) < limit:
                samples.append("(%d,%d) %s vs %s" %
                               (x, y, _hex(pa), _hex(pb)))
    lines = ["%d pixels differ in x %d-%d, y %d-%d" % (n, x0, x1, y0, y1)]
    top = sorted(pairs.items(), key=lambda kv: -kv[1])[:limit]
    lines.append("colour pairs (first image vs second): " + ", ".join(
        "%s->%s x%d" % (_hex(p), _hex(q), c) for (p, q), c in top))
    lines.append("first pixels: " + "; ".join(samples))
    return n, lines


def _hex(p):
    return "#%02x%02x%02x" % tuple(p)


def cell_has_ink(img, col, row, cols, rows):
    """True if text cell (col, row) of a cols x rows screen is not one
    colour: the cursor is drawn there (the test leaves that cell blank)."""
    cw, ch = img.width // cols, img.height // rows
    first = img.pixel(col * cw, row * ch)
    for y in range(row * ch, (row + 1) * ch):
        for x in range(col * cw, (col + 1) * cw):
            if img.pixel(x, y) != first:
                return True
    return False


class Monitor:
    """A human monitor on a Unix socket: send a line, wait for the prompt."""

    PROMPT = re.compile(rb"\((?:emu|qemu)\) ")

    def __init__(self, path, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.timeout = timeout
        self.buf = b""
        self._wait_prompt()

    def _wait_prompt(self):
        self.sock.settimeout(self.timeout)
        while True:
            m = self.PROMPT.search(self.buf)
            if m:
                out = self.buf[:m.start()]
                self.buf = self.buf[m.end():]
                return out
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("monitor closed")
            self.buf += chunk

    def command(self, line):
        self.sock.sendall(line.encode() + b"\n")
        return self._wait_prompt()

    def send_only(self, line):
        try:
            self.sock.sendall(line.encode() + b"\n")
        except OSError:
            pass

    def close(self):
        self.sock.close()


class Emulator:
    """One emulator process: 'emu' or 'qemu' flavour, serial on a file
    (or on stdio when serial_pipe), monitor on a Unix socket in workdir."""

    def __init__(self, flavour, binary, args, workdir, tag, serial_pipe=False):
        self.flavour = flavour
        self.serial = os.path.join(workdir, tag + ".serial")
        self.monpath = os.path.join(workdir, tag + ".mon")
        self.stderr_path = os.path.join(workdir, tag + ".stderr")
        for p in (self.serial, self.monpath):
            if os.path.exists(p):
                os.unlink(p)
        cmd = [binary] + args + [
            "-monitor", "unix:%s,server,nowait" % self.monpath]
        if serial_pipe:
            cmd += ["-serial", "stdio"]
        else:
            cmd += ["-serial", "file:%s" % self.serial]
        self.cmd = cmd
        self.err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE if serial_pipe else subprocess.DEVNULL,
            stdout=subprocess.PIPE if serial_pipe else subprocess.DEVNULL,
            stderr=self.err)
        self.mon = None

    def monitor(self, timeout):
        if self.mon is None:
            self.mon = Monitor(self.monpath, timeout)
        return self.mon

    def wait_serial(self, patterns, timeout):
        """Waits until the serial file holds one of the patterns (bytes
        regexps); returns the match, None on timeout or exit."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with open(self.serial, "rb") as f:
                    data = f.read()
            except OSError:
                data = b""
            for p in patterns:
                m = re.search(p, data)
                if m:
                    return m
            if self.proc.poll() is not None:
                return None
            time.sleep(0.05)
        return None

    def screendump(self, path, timeout):
        """Screendump into path (.png or .ppm); returns the Image.  QEMU
        writes PPM unless told "-f png"."""
        if os.path.exists(path):
            os.unlink(path)
        cmd = "screendump " + path
        if self.flavour == "qemu" and path.endswith(".png"):
            cmd += " -f png"
        out = self.monitor(timeout).command(cmd)
        # The prompt comes back once the file is written; allow a moment
        # for a front end that finishes asynchronously.
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                return read_image(path)
            except (OSError, ImageError, zlib.error, ValueError) as e:
                last = e
                time.sleep(0.1)
        text = out.decode(errors="replace").strip().splitlines()
        raise ImageError("no screendump %s (%s; monitor said: %s)" %
                         (path, last, text[-1] if text else ""))

    def cpu_seconds(self):
        """utime + stime of the whole process, in seconds."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        if self.proc.poll() is None and self.mon is not None:
            self.mon.send_only("quit")
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.mon is not None:
            self.mon.close()
        self.err.close()
        for p in (self.monpath,):
            if os.path.exists(p):
                os.unlink(p)
