#!/usr/bin/env python3
"""sdl-x11.py - X11 helpers for tests/functional/test-sdl.sh.

  sdl-x11.py close WINDOW
      ask the window to close as a window manager's close button does
      (a WM_PROTOCOLS/WM_DELETE_WINDOW client message), through libX11
      with ctypes: xdotool 3.2016 only destroys or kills windows.
  sdl-x11.py compare WINDOW.xwd SCREEN.ppm
      compare a window dump (xwd -id, ZPixmap, 24/32 bits per pixel) with
      a binary PPM (screendump) pixel by pixel; exit 0 if the sizes and
      every pixel match, 1 otherwise (the first differences printed).
  sdl-x11.py monitor SOCKET COMMAND
      send one command to emu's human monitor on a unix socket and print
      what it answers until the next prompt.
"""
import ctypes
import ctypes.util
import struct
import sys


def read_xwd(path):
    """(width, height, rows of (r, g, b) tuples) of an xwd file."""
    with open(path, 'rb') as f:
        data = f.read()
    hdr = struct.unpack('>25I', data[:100])
    (header_size, version, pixmap_format, depth, width, height, _xoff,
     byte_order, _unit, _bit_order, _pad, bpp, bytes_per_line, _visual,
     red_mask, green_mask, blue_mask, _bits_per_rgb, _cmap_entries,
     ncolors) = hdr[:20]
    if version != 7 or pixmap_format != 2 or bpp not in (24, 32):
        sys.exit('xwd: unsupported dump (version %d, format %d, %d bpp)' %
                 (version, pixmap_format, bpp))
    off = header_size + ncolors * 12
    order = '<' if byte_order == 0 else '>'

    def shift(mask):
        s = 0
        while mask and not mask & 1:
            mask >>= 1
            s += 1
        return s

    rs, gs, bs = shift(red_mask), shift(green_mask), shift(blue_mask)
    step = bpp // 8
    rows = []
    for y in range(height):
        line = data[off + y * bytes_per_line:off + (y + 1) * bytes_per_line]
        row = []
        for x in range(width):
            b = line[x * step:x * step + step]
            v = int.from_bytes(b, 'little' if order == '<' else 'big')
            row.append(((v & red_mask) >> rs, (v & green_mask) >> gs,
                        (v & blue_mask) >> bs))
        rows.append(row)
    return width, height, rows


def read_ppm(path):
    with open(path, 'rb') as f:
        data = f.read()
    fields = []
    i = 0
    while len(fields) < 4:
        while data[i:i + 1].isspace():
            i += 1
        if data[i:i + 1] == b'#':
            while data[i:i + 1] not in (b'\n', b''):
                i += 1
            continue
        j = i
        while not data[j:j + 1].isspace():
            j += 1
        fields.append(data[i:j])
        i = j
    if fields[0] != b'P6' or int(fields[3]) != 255:
        sys.exit('ppm: not an 8-bit binary PPM: %s' % path)
    w, h = int(fields[1]), int(fields[2])
    pix = data[i + 1:]
    rows = [[tuple(pix[(y * w + x) * 3:(y * w + x) * 3 + 3])
             for x in range(w)] for y in range(h)]
    return w, h, rows


def compare(xwd, ppm):
    ww, wh, wrows = read_xwd(xwd)
    pw, ph, prows = read_ppm(ppm)
    if (ww, wh) != (pw, ph):
        print('size differs: window %dx%d, screendump %dx%d' %
              (ww, wh, pw, ph))
        return 1
    bad = 0
    for y in range(ph):
        for x in range(pw):
            if wrows[y][x] != prows[y][x]:
                if bad < 5:
                    print('pixel (%d,%d): window %02x%02x%02x, '
                          'screendump %02x%02x%02x' %
                          ((x, y) + wrows[y][x] + prows[y][x]))
                bad += 1
    if bad:
        print('%d of %d pixels differ' % (bad, pw * ph))
        return 1
    print('%dx%d: all pixels equal' % (pw, ph))
    return 0


def monitor(path, command):
    import socket
    import time
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)

    def until_prompt():
        buf = b''
        deadline = time.monotonic() + 30
        while not buf.rstrip().endswith(b'(emu)') and \
                not buf.rstrip().endswith(b'(qemu)'):
            if time.monotonic() > deadline:
                sys.exit('monitor: no prompt (got %r)' % buf[-200:])
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
        return buf

    until_prompt()
    s.sendall(command.encode() + b'\n')
    out = until_prompt().decode('utf-8', 'replace')
    s.close()
    lines = out.replace('\r', '').split('\n')
    # Drop the echoed command and the closing prompt.
    body = [l for l in lines[:-1] if l.strip() != command.strip()]
    print('\n'.join(body).strip())
    return 0


class XClientMessageEvent(ctypes.Structure):
    _fields_ = [('type', ctypes.c_int), ('serial', ctypes.c_ulong),
                ('send_event', ctypes.c_int), ('display', ctypes.c_void_p),
                ('window', ctypes.c_ulong), ('message_type', ctypes.c_ulong),
                ('format', ctypes.c_int), ('l', ctypes.c_long * 5)]


class XEvent(ctypes.Union):
    _fields_ = [('xclient', XClientMessageEvent),
                ('pad', ctypes.c_long * 24)]


def close(window):
    name = ctypes.util.find_library('X11') or 'libX11.so.6'
    x = ctypes.CDLL(name)
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int,
                             ctypes.c_long, ctypes.POINTER(XEvent)]
    x.XFlush.argtypes = [ctypes.c_void_p]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x.XOpenDisplay(None)
    if not dpy:
        sys.exit('close: cannot open the X display')
    ev = XEvent()
    ev.xclient.type = 33  # ClientMessage
    ev.xclient.window = window
    ev.xclient.message_type = x.XInternAtom(dpy, b'WM_PROTOCOLS', 0)
    ev.xclient.format = 32
    ev.xclient.l[0] = x.XInternAtom(dpy, b'WM_DELETE_WINDOW', 0)
    ev.xclient.l[1] = 0  # CurrentTime
    if not x.XSendEvent(dpy, window, 0, 0, ctypes.byref(ev)):
        sys.exit('close: XSendEvent failed')
    x.XFlush(dpy)
    x.XCloseDisplay(dpy)
    return 0


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == 'close':
        return close(int(args[1], 0))
    if len(args) == 3 and args[0] == 'compare':
        return compare(args[1], args[2])
    if len(args) == 3 and args[0] == 'monitor':
        return monitor(args[1], args[2])
    sys.exit(__doc__)


if __name__ == '__main__':
    sys.exit(main())
