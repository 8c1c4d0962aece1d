#!/usr/bin/env python3
"""disk-guest-tools.py - the binary pieces of scripts/build-disk-guests.sh
(and of tests/bench/build-disk-bench.sh).

  modules MODDIR NAME...
      Print, one per line and in load order (dependencies first), the
      paths (relative to MODDIR) of the kernel modules NAME... and of
      every module they depend on.  MODDIR is /lib/modules/<version> as
      unpacked from Debian's linux-image package, which has no
      modules.dep (depmod makes it at install time): the dependencies
      come from each module's own "depends=" entry in .modinfo.

  cpio OUT SRCDIR
      Write a gzip'd cpio (newc) archive of the tree SRCDIR (regular
      files, directories and symbolic links; owner root, mtime 0).  Linux
      unpacks initramfs archives that are concatenated in order, so OUT
      can be appended to another initramfs to add or replace files.

  initrd OUT BASE EXTRA
      Write to OUT the initramfs BASE with the archive EXTRA (from cpio)
      appended, EXTRA starting 4-byte aligned as Linux expects.

  mbr DISK BOOTCODE PART...
      Write a master boot record into the image DISK: the first 440 bytes
      of BOOTCODE (syslinux's mbr.bin), up to four primary partitions and
      the 0x55AA signature.  PART is START,SIZE,TYPE[,boot]: SIZE sectors
      from sector START, partition type TYPE (hex), active with ",boot".

Only the standard library is used.
"""
import gzip
import os
import re
import stat
import struct
import sys


def die(msg):
    sys.stderr.write("disk-guest-tools: %s\n" % msg)
    sys.exit(1)


def modname(path):
    return os.path.basename(path).split(".ko")[0].replace("-", "_")


def cmd_modules(moddir, names):
    index = {}
    for dirpath, _dirs, files in os.walk(moddir):
        for f in files:
            if f.endswith(".ko"):
                index[modname(f)] = os.path.relpath(os.path.join(dirpath, f), moddir)
    builtin = set()
    try:
        with open(os.path.join(moddir, "modules.builtin")) as f:
            builtin = {modname(line.strip()) for line in f if line.strip()}
    except OSError:
        pass

    def depends(name):
        with open(os.path.join(moddir, index[name]), "rb") as f:
            data = f.read()
        m = re.search(rb"(?:^|\0)depends=([^\0]*)\0", data)
        if not m:
            return []
        return [d.replace("-", "_") for d in m.group(1).decode().split(",") if d]

    order, done, busy = [], set(), set()

    def visit(name, wanted_by):
        name = name.replace("-", "_")
        if name in done or name in builtin:
            return
        if name not in index:
            die("module %s%s not found under %s" % (
                name, " (needed by %s)" % wanted_by if wanted_by else "", moddir))
        if name in busy:
            die("dependency loop through module %s" % name)
        busy.add(name)
        for dep in depends(name):
            visit(dep, name)
        busy.discard(name)
        done.add(name)
        order.append(index[name])

    for n in names:
        visit(n, None)
    for path in order:
        print(path)


def pad4(n):
    return (4 - n % 4) % 4


def cmd_cpio(out, srcdir):
    buf = bytearray()

    def add(ino, name, mode, data):
        nm = name.encode() + b"\0"
        fields = (ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0, len(data),
                  0, 0, 0, 0, len(nm), 0)
        buf.extend(("070701" + "".join("%08X" % v for v in fields)).encode())
        buf.extend(nm)
        buf.extend(b"\0" * pad4(110 + len(nm)))
        buf.extend(data)
        buf.extend(b"\0" * pad4(len(data)))

    # Inode numbers well above any base archive's, so that the kernel's
    # hard-link detection cannot mix the two archives up.
    ino = 20000
    for dirpath, dirs, files in os.walk(srcdir):
        dirs.sort()
        for name in sorted(dirs) + sorted(files):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, srcdir)
            st = os.lstat(path)
            ino += 1
            if stat.S_ISLNK(st.st_mode):
                add(ino, rel, stat.S_IFLNK | 0o777, os.readlink(path).encode())
            elif stat.S_ISDIR(st.st_mode):
                add(ino, rel, stat.S_IFDIR | 0o755, b"")
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    data = f.read()
                add(ino, rel, stat.S_IFREG | (st.st_mode & 0o777), data)
    add(0, "TRAILER!!!", 0, b"")
    buf.extend(b"\0" * pad4(len(buf)))
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        # mtime=0: the same inputs give the same archive.
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as gz:
            gz.write(bytes(buf))
    os.replace(tmp, out)


def cmd_initrd(out, base, extra):
    with open(base, "rb") as f:
        first = f.read()
    with open(extra, "rb") as f:
        second = f.read()
    with open(out, "wb") as f:
        # Each archive of a concatenated initramfs starts 4-byte aligned.
        f.write(first + b"\0" * ((4 - len(first) % 4) % 4) + second)


def cmd_mbr(disk, bootcode, parts):
    with open(bootcode, "rb") as f:
        code = f.read(440)
    if len(code) < 440:
        code += b"\0" * (440 - len(code))
    if not 1 <= len(parts) <= 4:
        die("mbr: one to four partitions")
    table = b""
    for part in parts:
        f = part.split(",")
        if len(f) not in (3, 4) or (len(f) == 4 and f[3] != "boot"):
            die("mbr: bad partition %r (want START,SIZE,TYPE[,boot])" % part)
        # CHS fields: LBA-only marker values (1023/254/63), as
        # partitioners write for partitions they do not describe in CHS.
        chs = b"\xfe\xff\xff"
        table += struct.pack("<B3sB3sII", 0x80 if len(f) == 4 else 0, chs,
                             int(f[2], 16), chs, int(f[0]), int(f[1]))
    table += b"\0" * (64 - len(table))
    mbr = code + b"\0" * 6 + table + b"\x55\xaa"
    assert len(mbr) == 512
    with open(disk, "r+b") as f:
        f.write(mbr)


def main(argv):
    if len(argv) >= 2 and argv[0] == "modules":
        cmd_modules(argv[1], argv[2:])
    elif len(argv) == 3 and argv[0] == "cpio":
        cmd_cpio(argv[1], argv[2])
    elif len(argv) == 4 and argv[0] == "initrd":
        cmd_initrd(argv[1], argv[2], argv[3])
    elif len(argv) >= 4 and argv[0] == "mbr":
        cmd_mbr(argv[1], argv[2], argv[3:])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
