#!/bin/sh
# The demo: build emu, fetch Debian's i386 kernel and a busybox initramfs
# (into ~/.cache/emu-guests), put them on a hard-disk image with SYSLINUX
# (scripts/build-disk-guests.sh), and let SeaBIOS boot that disk under
# emu's translator (`emu -hda hd-syslinux.img`) with the console on this
# terminal.  Log in is not needed: you get a shell.  Type `poweroff -f` to
# end it, or press Ctrl-A then X.  -snapshot keeps the cached image as it
# was.  Without the disk image it boots the kernel directly (-kernel);
# without the guests, SeaBIOS alone.
set -eu
cd "$(dirname "$0")/.."
sh scripts/build.sh
cache=${EMU_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/emu-guests}
if sh scripts/build-disk-guests.sh >/dev/null && [ -f "$cache/disk.env" ]; then
    . "$cache/disk.env"
    echo "demo: SeaBIOS boots $DISK_HD (SYSLINUX, Debian's 686 kernel) from emu's IDE disk, -accel tcg"
    echo "demo: a shell comes up on this console; 'poweroff -f' or Ctrl-A X ends it"
    exec ./emu -accel tcg -m 256 -nographic -hda "$DISK_HD" -snapshot "$@"
fi
if sh scripts/fetch-guests.sh && [ -f "$cache/guests.env" ]; then
    . "$cache/guests.env"
    echo "demo: booting Debian's $(basename "$EMU_GUEST_KERNEL_686") under emu -accel tcg"
    echo "demo: a shell comes up on this console; 'poweroff -f' or Ctrl-A X ends it"
    exec ./emu -accel tcg -m 256 -nographic -kernel "$EMU_GUEST_KERNEL_686" \
        -initrd "$EMU_GUEST_INITRD_686" -append "console=ttyS0 quiet" "$@"
fi
echo "demo: no Debian guests; booting SeaBIOS instead (Ctrl-A X quits)"
exec ./emu -m 128 -nographic "$@"
