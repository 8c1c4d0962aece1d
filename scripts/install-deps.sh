#!/bin/sh
# Install what building and testing emu needs, from Debian packages.
# Idempotent: does nothing when everything is there.  Needs root (or sudo).
#
#   scripts/install-deps.sh           build + test dependencies
#   scripts/install-deps.sh --bench   also qemu-system-x86 and gcc-multilib
#                                     (benchmarks)
#   scripts/install-deps.sh --fuzz    also clang and its libFuzzer runtime
#                                     (make fuzz; without them the device
#                                     targets run with their own driver)
set -eu

pkgs="build-essential pkg-config libglib2.0-dev libpixman-1-dev libsdl2-dev
libslirp-dev libcapstone-dev linux-libc-dev nasm seabios python3 cpio gzip xz-utils
ca-certificates zlib1g-dev liburing-dev qemu-utils
syslinux syslinux-common mtools dosfstools grub-pc-bin xorriso e2fsprogs
tcpdump busybox-static iproute2
libpng-dev libvncserver-dev libncurses-dev xvfb xdotool x11-apps qemu-system-x86
gdb libjson-glib-dev socat"
# (qemu-utils: the storage tests check our images with qemu-img check and
# compare, and read images qemu-img made.  syslinux ... xorriso: the
# bootable disk, floppy and CD images scripts/build-disk-guests.sh makes
# for the storage tests; e2fsprogs: their ext2 data disks, read back
# with debugfs.  tcpdump: the net tests check that it reads our pcap
# files.  busybox-static: the network tests' HTTP server and ping on the
# host (tests/functional/test-net-*.sh); iproute2: ip, with which the
# tap tests make taps, bridges and addresses in namespaces of their own
# (unshare and setpriv are util-linux's).  libpng-dev, libvncserver-dev,
# libncurses-dev: screendump PNGs, -vnc, -display curses; xvfb and xdotool:
# the SDL window test drives a real window on a virtual X server, and
# reads its pixels with x11-apps' xwd;
# qemu-system-x86: the rendering tests compare our screendumps with
# QEMU's for the same guest program; gdb: the gdbstub tests debug a guest
# with it, tests/functional/test-gdb*.sh; libjson-glib-dev: QMP's JSON;
# socat: the QMP tests drive emu through it as users do.)
# --bench: qemu to compare with, and gcc-multilib for the static i386
# workload the benchmark guest runs (tests/bench/build-workload-initrd.sh).
[ "${1:-}" = "--bench" ] && pkgs="$pkgs qemu-system-x86 gcc-multilib"
if [ "${1:-}" = "--fuzz" ]; then
    # libFuzzer ships in libclang-rt-<major>-dev, matching clang's version.
    major=$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
    pkgs="$pkgs clang libclang-rt-${major:-14}-dev"
fi

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=sudo
    else
        echo "install-deps: need root to install:$missing" >&2
        exit 1
    fi
else
    SUDO=
fi
echo "install-deps: installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
