#!/bin/sh
# build-disk-guests.sh - the storage tests' guests, built from Debian
# packages into the guest cache (never into the repository).
#
# Starts from what scripts/fetch-guests.sh fetched (Debian's 686 kernel
# package and the busybox initramfs; it is run first if needed) and the
# host's syslinux, grub-pc-bin and xorriso, and builds in
# $EMU_GUEST_CACHE/disk (default ~/.cache/emu-guests/disk):
#
#   initrd-storage.img  the busybox initramfs plus the kernel's ata_piix,
#       libata, scsi_mod, sd_mod, sr_mod, cdrom, ext4 and crc32c_generic
#       (ext4 wants crc32c even to mount ext2), with what they depend
#       on, and scripts/storage-guest-init.sh as /init: it loads the
#       modules and runs the test named by emutest= on the kernel
#       command line (see that script).
#   hd-syslinux.img  a 32 MiB raw hard disk: syslinux's MBR, one active
#       FAT16 partition with SYSLINUX, the 686 kernel and the busybox
#       initramfs.  SYSLINUX prints "EMU-BOOT-HD" on the serial port and
#       boots Linux with console=ttyS0 (the guest prints EMU-GUEST-READY).
#   boot.iso  an El Torito CD (grub-mkrescue, BIOS only): GRUB prints
#       "EMU-BOOT-CD-LINUX" on the serial port and boots the same kernel
#       and initramfs.
#   order.iso  an El Torito CD whose GRUB prints "EMU-BOOT-CD" and
#       reboots the machine (the -boot once= test).
#   fd-syslinux.img  a 1.44 MB FAT12 floppy with SYSLINUX that prints
#       "EMU-BOOT-FD" and stops at its boot: prompt.
#
# The paths are written to $EMU_GUEST_CACHE/disk.env (sh syntax):
# DISK_KERNEL, DISK_INITRD (the storage initramfs), DISK_HD, DISK_ISO,
# DISK_ORDER_ISO, DISK_FLOPPY, and printed.  Idempotent: rebuilds only
# when this script, its helpers or the fetched guests are newer than the
# stamp.  Options: --force (rebuild), --print (print disk.env or fail).
# Needs: python3, mtools, dosfstools, syslinux, syslinux-common,
# grub-pc-bin, xorriso (scripts/install-deps.sh installs them).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${EMU_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/emu-guests}
export EMU_GUEST_CACHE="$CACHE"
out=$CACHE/disk
envfile=$CACHE/disk.env
stamp=$out/.stamp
tools=$here/disk-guest-tools.py
init=$here/storage-guest-init.sh

log() { echo "build-disk-guests: $*" >&2; }
die() { echo "build-disk-guests: error: $*" >&2; exit 1; }

force=no
case "${1:-}" in
    --force) force=yes ;;
    --print)
        if [ -f "$stamp" ] && [ -f "$envfile" ]; then
            cat "$envfile"
            exit 0
        fi
        echo "build-disk-guests: not built yet (run $0)" >&2
        exit 1 ;;
    "") ;;
    *) echo "usage: $0 [--force|--print]" >&2; exit 2 ;;
esac

# The fetched guests: cached, or fetched now.
if ! genv=$(sh "$here/fetch-guests.sh" --print 2>/dev/null); then
    log "guests not cached: running scripts/fetch-guests.sh"
    genv=$(sh "$here/fetch-guests.sh") || die "scripts/fetch-guests.sh failed"
fi
eval "$genv"
kernel=$EMU_GUEST_KERNEL_686
base=$EMU_GUEST_INITRD_686
[ -s "$kernel" ] && [ -s "$base" ] ||
    die "686 kernel or initramfs missing (run scripts/fetch-guests.sh --force)"

up_to_date() {
    [ -f "$stamp" ] && [ -f "$envfile" ] || return 1
    for f in "$0" "$tools" "$init" "$kernel" "$base"; do
        [ -n "$(find "$f" -newer "$stamp")" ] && return 1
    done
    . "$envfile"
    for f in "$DISK_INITRD" "$DISK_HD" "$DISK_ISO" "$DISK_ORDER_ISO" "$DISK_FLOPPY"; do
        [ -s "$f" ] || return 1
    done
}
if [ "$force" = no ] && up_to_date; then
    cat "$envfile"
    exit 0
fi

for tool in python3 gzip dpkg-deb mkfs.vfat mcopy syslinux grub-mkrescue xorriso; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "$tool not found (run scripts/install-deps.sh)"
done
mbrbin=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$mbrbin" ] || die "$mbrbin not found (install syslinux-common)"
[ -d /usr/lib/grub/i386-pc ] || die "/usr/lib/grub/i386-pc not found (install grub-pc-bin)"

# The modules: from the kernel package fetch-guests.sh downloaded (it
# keeps only /boot of it).
kver=$(basename "$kernel" | sed 's/^vmlinuz-//')
kdeb=$(ls "$CACHE"/debs/i386/linux-image-"$kver"_*.deb 2>/dev/null | head -n 1 || true)
[ -n "$kdeb" ] || die "no linux-image-$kver .deb in $CACHE/debs/i386 (run scripts/fetch-guests.sh --force)"

mkdir -p "$out"
# A private scratch directory: another checkout's tests may be building
# the same cache at the same time (the results are replaced atomically).
work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

log "unpacking the modules of $(basename "$kdeb")"
dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$work" ./lib/modules ||
    die "cannot unpack $kdeb"
moddir=$work/lib/modules/$kver
[ -d "$moddir" ] || die "$kdeb has no lib/modules/$kver"

# The storage initramfs: the base archive with a second one appended that
# adds the modules, their load order and the new /init.
log "building initrd-storage.img"
tree=$work/initrd
mkdir -p "$tree/lib/modules" "$tree/bin"
python3 "$tools" modules "$moddir" ata_piix sd_mod sr_mod ext4 crc32c_generic >"$work/order" ||
    die "cannot resolve the module dependencies"
while read -r m; do
    cp "$moddir/$m" "$tree/lib/modules/"
    basename "$m" >>"$tree/lib/modules/load-order"
done <"$work/order"
cp "$init" "$tree/init"
chmod 755 "$tree/init"
python3 "$tools" cpio "$work/extra.cpio.gz" "$tree"
python3 "$tools" initrd "$work/initrd-storage.img" "$base" "$work/extra.cpio.gz"
mv "$work/initrd-storage.img" "$out/initrd-storage.img"

append="console=ttyS0 earlyprintk=serial,ttyS0,115200 panic=-1"

# The hard disk: MBR + one FAT16 partition from sector 2048 (1 MiB).
log "building hd-syslinux.img"
part=$work/part.img
rm -f "$part"
# -h: the hidden-sectors field is where SYSLINUX's boot sector finds
# itself on the disk.
mkfs.vfat -F 16 -n EMUBOOT -h 2048 -C "$part" $((31 * 1024)) >/dev/null
cat >"$work/syslinux.cfg" <<EOF
SERIAL 0 115200
SAY EMU-BOOT-HD
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL vmlinuz
  APPEND initrd=initrd.img $append
EOF
export MTOOLS_SKIP_CHECK=1
mcopy -i "$part" "$kernel" ::vmlinuz
mcopy -i "$part" "$base" ::initrd.img
mcopy -i "$part" "$work/syslinux.cfg" ::syslinux.cfg
syslinux --install "$part"
hd=$out/hd-syslinux.img
truncate -s 32M "$work/hd.img"
python3 "$tools" mbr "$work/hd.img" "$mbrbin" 2048,$((31 * 1024 * 2)),06,boot
dd if="$part" of="$work/hd.img" bs=1M seek=1 conv=notrunc status=none
mv "$work/hd.img" "$hd"

# The floppy: SYSLINUX on a 1.44 MB FAT12 image, a marker only.
log "building fd-syslinux.img"
fd=$out/fd-syslinux.img
mkfs.vfat -n EMUFLOPPY -C "$work/fd.img" 1440 >/dev/null
cat >"$work/fd.cfg" <<EOF
SERIAL 0 115200
SAY EMU-BOOT-FD
PROMPT 1
TIMEOUT 0
EOF
mcopy -i "$work/fd.img" "$work/fd.cfg" ::syslinux.cfg
syslinux --install "$work/fd.img"
mv "$work/fd.img" "$fd"

# The CDs: GRUB for BIOS (i386-pc) on El Torito, made by grub-mkrescue.
# Serial only: SeaBIOS mirrors the VGA text console to the serial port
# already, and GRUB writing to both would print each marker twice.
grub_serial='serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial'
mkiso() {   # mkiso OUT DIR
    grub-mkrescue -d /usr/lib/grub/i386-pc --locales= --fonts= --themes= \
        -o "$work/cd.iso" "$2" >"$work/mkrescue.log" 2>&1 ||
        { cat "$work/mkrescue.log" >&2; die "grub-mkrescue failed for $1"; }
    mv "$work/cd.iso" "$1"
}
log "building boot.iso"
iso=$work/iso
mkdir -p "$iso/boot/grub"
cp "$kernel" "$iso/boot/vmlinuz"
cp "$base" "$iso/boot/initrd.img"
cat >"$iso/boot/grub/grub.cfg" <<EOF
$grub_serial
set timeout=0
echo EMU-BOOT-CD-LINUX
linux /boot/vmlinuz $append
initrd /boot/initrd.img
boot
EOF
mkiso "$out/boot.iso" "$iso"

log "building order.iso"
oiso=$work/oiso
mkdir -p "$oiso/boot/grub"
cat >"$oiso/boot/grub/grub.cfg" <<EOF
$grub_serial
set timeout=0
echo EMU-BOOT-CD
sleep 1
reboot
EOF
mkiso "$out/order.iso" "$oiso"

cat >"$work/env" <<EOF
DISK_KERNEL='$kernel'
DISK_INITRD='$out/initrd-storage.img'
DISK_HD='$hd'
DISK_ISO='$out/boot.iso'
DISK_ORDER_ISO='$out/order.iso'
DISK_FLOPPY='$fd'
EOF
mv "$work/env" "$envfile"
date >"$stamp"
log "done; paths in $envfile"
cat "$envfile"
