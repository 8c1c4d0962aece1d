#!/bin/sh
# build-vga-guests.sh - the VGA tests' guest, built from Debian packages
# into the guest cache (never into the repository).
#
# Starts from what scripts/fetch-guests.sh fetched (Debian's 686 kernel
# package and the busybox initramfs) and builds in $EMU_GUEST_CACHE/vga
# (default ~/.cache/emu-guests/vga):
#
#   initrd-vga.img  the busybox initramfs plus the kernel's bochs DRM
#       driver (bochs.ko, built as a module in Debian's kernel) with what
#       it depends on, and scripts/vga-guest-init.sh as /init.
#   hd-vga.img  a 32 MiB raw disk: syslinux's MBR, one FAT16 partition
#       with SYSLINUX, the kernel and initrd-vga.img.  SYSLINUX boots
#       through the BIOS, so the kernel's real-mode setup runs and vga=
#       works (it asks the VGA BIOS for the VESA mode).  At its "boot:"
#       prompt (on the serial port too) the test types a label:
#         text  vgacon on the VGA text screen
#         fb    vga=0x317 (1024x768, 16 bpp): vesafb on the LFB
#         drm   the bochs DRM driver on the PCI card's LFB
#
# The paths go to $EMU_GUEST_CACHE/vga.env (VGA_INITRD, VGA_HD) and are
# printed.  Idempotent (a stamp); --force rebuilds, --print prints
# vga.env or fails.  Needs what build-disk-guests.sh needs.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${EMU_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/emu-guests}
export EMU_GUEST_CACHE="$CACHE"
out=$CACHE/vga
envfile=$CACHE/vga.env
stamp=$out/.stamp
tools=$here/disk-guest-tools.py
init=$here/vga-guest-init.sh

log() { echo "build-vga-guests: $*" >&2; }
die() { echo "build-vga-guests: error: $*" >&2; exit 1; }

force=no
case "${1:-}" in
    --force) force=yes ;;
    --print)
        if [ -f "$stamp" ] && [ -f "$envfile" ]; then
            cat "$envfile"
            exit 0
        fi
        echo "build-vga-guests: not built yet (run $0)" >&2
        exit 1 ;;
    "") ;;
    *) echo "usage: $0 [--force|--print]" >&2; exit 2 ;;
esac

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
    [ -s "$VGA_INITRD" ] && [ -s "$VGA_HD" ]
}
if [ "$force" = no ] && up_to_date; then
    cat "$envfile"
    exit 0
fi

for tool in python3 gzip dpkg-deb mkfs.vfat mcopy syslinux; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "$tool not found (run scripts/install-deps.sh)"
done
mbrbin=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$mbrbin" ] || die "$mbrbin not found (install syslinux-common)"

kver=$(basename "$kernel" | sed 's/^vmlinuz-//')
kdeb=$(ls "$CACHE"/debs/i386/linux-image-"$kver"_*.deb 2>/dev/null | head -n 1 || true)
[ -n "$kdeb" ] || die "no linux-image-$kver .deb in $CACHE/debs/i386 (run scripts/fetch-guests.sh --force)"

mkdir -p "$out"
work=$(mktemp -d "$out/work.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

log "unpacking the modules of $(basename "$kdeb")"
dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$work" ./lib/modules ||
    die "cannot unpack $kdeb"
moddir=$work/lib/modules/$kver
[ -d "$moddir" ] || die "$kdeb has no lib/modules/$kver"

log "building initrd-vga.img"
tree=$work/initrd
mkdir -p "$tree/lib/modules"
python3 "$tools" modules "$moddir" bochs >"$work/order" ||
    die "cannot resolve the module dependencies of bochs (is it in $kdeb?)"
while read -r m; do
    cp "$moddir/$m" "$tree/lib/modules/"
    basename "$m" >>"$tree/lib/modules/load-order"
done <"$work/order"
cp "$init" "$tree/init"
chmod 755 "$tree/init"
python3 "$tools" cpio "$work/extra.cpio.gz" "$tree"
python3 "$tools" initrd "$work/initrd-vga.img" "$base" "$work/extra.cpio.gz"

log "building hd-vga.img"
part=$work/part.img
mkfs.vfat -F 16 -n EMUVGA -h 2048 -C "$part" $((31 * 1024)) >/dev/null
common="initrd=initrd.img console=ttyS0 panic=-1 quiet"
cat >"$work/syslinux.cfg" <<CFG
SERIAL 0 115200
SAY EMU-BOOT-VGA
PROMPT 1
TIMEOUT 0
LABEL text
  KERNEL vmlinuz
  APPEND $common emuvga=text
LABEL fb
  KERNEL vmlinuz
  APPEND $common vga=0x317 emuvga=fb
LABEL drm
  KERNEL vmlinuz
  APPEND $common emuvga=drm
CFG
export MTOOLS_SKIP_CHECK=1
mcopy -i "$part" "$kernel" ::vmlinuz
mcopy -i "$part" "$work/initrd-vga.img" ::initrd.img
mcopy -i "$part" "$work/syslinux.cfg" ::syslinux.cfg
syslinux --install "$part"
truncate -s 32M "$work/hd.img"
python3 "$tools" mbr "$work/hd.img" "$mbrbin" 2048,$((31 * 1024 * 2)),06,boot
dd if="$part" of="$work/hd.img" bs=1M seek=1 conv=notrunc status=none

mv "$work/initrd-vga.img" "$out/initrd-vga.img"
mv "$work/hd.img" "$out/hd-vga.img"
cat >"$envfile" <<ENV
VGA_INITRD='$out/initrd-vga.img'
VGA_HD='$out/hd-vga.img'
ENV
date -u >"$stamp"
cat "$envfile"
