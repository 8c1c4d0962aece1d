#!/bin/sh
# test-storage-boot.sh - SeaBIOS boots real disks under -accel tcg:
#   hd:  `-hda hd-syslinux.img` (MBR, FAT16, SYSLINUX): SYSLINUX's
#        "EMU-BOOT-HD", the kernel's "Linux version" banner and the
#        initramfs's "EMU-GUEST-READY" must appear on the serial console;
#        the kernel and initramfs came through BIOS disk reads (int 13h).
#   cd:  `-cdrom boot.iso` (El Torito, GRUB): "EMU-BOOT-CD-LINUX", the
#        banner and "EMU-GUEST-READY", read through ATAPI.
# The disks are built by scripts/build-disk-guests.sh from Debian
# packages.  -snapshot keeps the cached hard disk unchanged.
# Environment: see storage-lib.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
. "$here/storage-lib.sh"
cd "$root" || exit 1
storage_setup
storage_need -hda -cdrom -snapshot

t=$STORAGE_TIMEOUT
if storage_run storage-boot-hd -t "$t" -e EMU-BOOT-HD -e "Linux version" \
        -e EMU-GUEST-READY -k -- -hda "$DISK_HD" -snapshot -no-reboot; then
    echo "PASS test-storage-boot hd ($STORAGE_ACCEL): SYSLINUX from the hard disk booted Linux to its shell"
    passed=$((passed + 1))
else
    storage_fail "test-storage-boot hd ($STORAGE_ACCEL)" "$why"
fi

if storage_run storage-boot-cd -t "$t" -e EMU-BOOT-CD-LINUX -e "Linux version" \
        -e EMU-GUEST-READY -k -- -cdrom "$DISK_ISO" -no-reboot; then
    echo "PASS test-storage-boot cd ($STORAGE_ACCEL): GRUB from the El Torito CD booted Linux to its shell"
    passed=$((passed + 1))
else
    storage_fail "test-storage-boot cd ($STORAGE_ACCEL)" "$why"
fi
finish "nothing ran"
