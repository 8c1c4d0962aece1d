#!/bin/sh
# test-storage-linux.sh - Debian's 686 kernel drives the IDE disk and
# CD-ROM with its own ata_piix driver, under -accel tcg.  The guest is the
# storage initramfs (scripts/build-disk-guests.sh, /init is
# scripts/storage-guest-init.sh), booted with -kernel:
#   ata raw, ata qcow2:  -hda data (a fresh 16 MiB ext2 image, made by
#       mke2fs, as raw or converted to qcow2) and -cdrom boot.iso.  The
#       guest must see both (sda with 32768 sectors, sr0 with the ISO's
#       size and "CD001" in its volume descriptor), write a token that is
#       new for every run into /emu-ata.txt on the ext2 disk, sync and
#       power off (emu exits 0), with no ACPI error in the kernel log (the
#       kernel finds the IDE function through the PCI root bridge of emu's
#       direct-boot DSDT; no pci=noacpi).  Afterwards, on the host, debugfs
#       must read the token back from the image and e2fsck -fn must be clean.
#   snapshot:  -hda base.img -snapshot; the guest writes and fsyncs 8
#       blocks (emutest=flush) and powers off; the base image must be
#       byte for byte what it was, and no overlay file is left in $TMPDIR.
# Environment: see storage-lib.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
. "$here/storage-lib.sh"
cd "$root" || exit 1
storage_setup
storage_need -drive -cdrom -snapshot
for tool in mke2fs debugfs e2fsck; do
    command -v $tool >/dev/null 2>&1 || PATH=$PATH:/sbin:/usr/sbin
    command -v $tool >/dev/null 2>&1 ||
        { skipped=1; finish "$tool not found (install e2fsprogs)"; }
done

append=$STORAGE_APPEND
t=$STORAGE_TIMEOUT
token() { od -An -N6 -tx1 /dev/urandom | tr -d ' \n'; }
iso_sectors=$(($(wc -c <"$DISK_ISO") / 512))

ata() {
    fmt=$1
    name="test-storage-linux ata $fmt ($STORAGE_ACCEL)"
    img=$work/data.raw
    rm -f "$img" "$work/data.$fmt"
    truncate -s 16M "$img"
    mke2fs -q -F -t ext2 "$img" || { storage_fail "$name" "mke2fs failed"; return; }
    if [ "$fmt" = qcow2 ]; then
        qemu-img convert -f raw -O qcow2 "$img" "$work/data.qcow2" || {
            storage_fail "$name" "qemu-img convert failed"; return; }
        img=$work/data.qcow2
    fi
    tok=$(token)
    if ! storage_run "storage-linux-ata-$fmt" -t "$t" -e EMU-GUEST-READY \
            -r 'EMU-ATA-OK|EMU-TEST-FAIL.*' -x 0 -- \
            -kernel "$DISK_KERNEL" -initrd "$DISK_INITRD" -no-reboot \
            -append "$append emutest=ata emutoken=$tok" \
            -drive "file=$img,format=$fmt,if=ide,index=0" -cdrom "$DISK_ISO"; then
        storage_fail "$name" "$why"
        return
    fi
    serial=$(tr -d '\r' <"$log")
    bad=$(echo "$serial" | grep -a -m 1 '^EMU-TEST-FAIL' || true)
    [ -n "$bad" ] && { storage_fail "$name" "the guest said: $bad"; return; }
    # The kernel reads the ACPI tables (emu's own for -kernel, with no
    # pci=noacpi): any complaint about them is a failure.
    acpierr=$(echo "$serial" | grep -a -m 1 -E 'ACPI( BIOS)? Error|ACPI Exception|\[Firmware Bug\]' || true)
    [ -n "$acpierr" ] && { storage_fail "$name" "kernel: $acpierr"; return; }
    disks=$(echo "$serial" | grep -a -m 1 '^EMU-DISKS')
    want="EMU-DISKS sda=32768 sr0=$iso_sectors cd=CD001"
    [ "$disks" = "$want" ] || {
        storage_fail "$name" "the guest saw '$disks', want '$want'"; return; }
    raw=$img
    if [ "$fmt" = qcow2 ]; then
        if ! qemu-img check -q "$img" >"$work/check" 2>&1; then
            storage_fail "$name" "qemu-img check: $(head -n 1 "$work/check")"
            return
        fi
        raw=$work/back.raw
        qemu-img convert -f qcow2 -O raw "$img" "$raw"
    fi
    got=$(debugfs -R 'cat /emu-ata.txt' "$raw" 2>/dev/null)
    if [ "$got" != "$tok" ]; then
        storage_fail "$name" "/emu-ata.txt in the image holds '$got', want '$tok'"
        return
    fi
    if ! e2fsck -fn "$raw" >"$work/fsck" 2>&1; then
        storage_fail "$name" "e2fsck -fn: $(grep -v '^e2fsck\|^Pass' "$work/fsck" | head -n 1)"
        return
    fi
    echo "PASS $name: sda and sr0 found, the file the guest wrote is in the image"
    passed=$((passed + 1))
}

ata raw
ata qcow2

# -snapshot: the base image must not change.
name="test-storage-linux snapshot ($STORAGE_ACCEL)"
base=$work/base.img
rm -f "$base"
qemu-img create -q -f raw "$base" 16M
sum_before=$(cksum <"$base")
mkdir -p "$work/tmp"
tok=$(token)
if TMPDIR=$work/tmp storage_run storage-linux-snapshot -t "$t" -e EMU-GUEST-READY \
        -r 'EMU-FLUSH-DONE|EMU-TEST-FAIL.*' -x 0 -- \
        -kernel "$DISK_KERNEL" -initrd "$DISK_INITRD" -no-reboot \
        -append "$append emutest=flush emutoken=$tok emucount=8" \
        -drive "file=$base,format=raw,if=ide,index=0" -snapshot; then
    done_line=$(tr -d '\r' <"$log" | grep -a -m 1 -E '^EMU-FLUSH-DONE|^EMU-TEST-FAIL')
    left=$(ls -A "$work/tmp")
    if [ "$done_line" != "EMU-FLUSH-DONE 8" ]; then
        storage_fail "$name" "the guest said '$done_line', want 'EMU-FLUSH-DONE 8'"
    elif [ "$(cksum <"$base")" != "$sum_before" ]; then
        storage_fail "$name" "the base image changed under -snapshot"
    elif [ -n "$left" ]; then
        storage_fail "$name" "overlay files left in TMPDIR: $left"
    else
        echo "PASS $name: the guest wrote 8 blocks, the base image is unchanged"
        passed=$((passed + 1))
    fi
else
    storage_fail "$name" "$why"
fi
finish "nothing ran"
