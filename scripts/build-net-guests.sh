#!/bin/sh
# build-net-guests.sh - the network tests' guest, built from Debian
# packages into the guest cache (never into the repository).
#
# Starts from what scripts/fetch-guests.sh fetched (Debian's 686 kernel
# package and the busybox initramfs, whose busybox is Debian's
# busybox-static: udhcpc, wget, ping, nc, httpd, md5sum, nslookup, ip; it
# is run first if needed) and builds in $EMU_GUEST_CACHE/net (default
# ~/.cache/emu-guests/net):
#
#   initrd-net.img  the busybox initramfs plus the kernel's NE2000
#       drivers: 8390, ne2k-pci (the RTL8029 PCI card) and ne (the ISA
#       card) with what they depend on (8390p), the udhcpc script
#       scripts/net-guest-udhcpc.sh as /etc/udhcpc.script, and
#       scripts/net-guest-init.sh as /init: it loads the drivers and runs
#       the test named by emutest= on the kernel command line (see that
#       script for the tests and their console markers).
#
# The paths are written to $EMU_GUEST_CACHE/net.env (sh syntax):
# NET_KERNEL (the 686 kernel), NET_INITRD, and printed.  Idempotent:
# rebuilds only when this script, its inputs or the fetched guests are
# newer than the stamp.  Options: --force (rebuild), --print (print
# net.env or fail).  Needs: python3, dpkg-deb, gzip (scripts/
# install-deps.sh).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${EMU_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/emu-guests}
export EMU_GUEST_CACHE="$CACHE"
out=$CACHE/net
envfile=$CACHE/net.env
stamp=$out/.stamp
tools=$here/disk-guest-tools.py
init=$here/net-guest-init.sh
dhcp=$here/net-guest-udhcpc.sh
# The drivers the guest loads; disk-guest-tools.py adds their
# dependencies from each module's own .modinfo.
MODULES="ne2k-pci ne"

log() { echo "build-net-guests: $*" >&2; }
die() { echo "build-net-guests: error: $*" >&2; exit 1; }

force=no
case "${1:-}" in
    --force) force=yes ;;
    --print)
        if [ -f "$stamp" ] && [ -f "$envfile" ]; then
            cat "$envfile"
            exit 0
        fi
        echo "build-net-guests: not built yet (run $0)" >&2
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
    for f in "$0" "$tools" "$init" "$dhcp" "$kernel" "$base"; do
        [ -n "$(find "$f" -newer "$stamp")" ] && return 1
    done
    . "$envfile"
    [ -s "$NET_INITRD" ] && [ "$NET_KERNEL" = "$kernel" ]
}
if [ "$force" = no ] && up_to_date; then
    cat "$envfile"
    exit 0
fi

for tool in python3 gzip dpkg-deb tar; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "$tool not found (run scripts/install-deps.sh)"
done

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

log "building initrd-net.img"
tree=$work/initrd
mkdir -p "$tree/lib/modules" "$tree/etc" "$tree/www"
# shellcheck disable=SC2086
python3 "$tools" modules "$moddir" $MODULES >"$work/order" ||
    die "cannot resolve the module dependencies of $MODULES"
while read -r m; do
    cp "$moddir/$m" "$tree/lib/modules/"
    basename "$m" >>"$tree/lib/modules/load-order"
done <"$work/order"
for m in 8390.ko ne2k-pci.ko 8390p.ko ne.ko; do
    grep -qx "$m" "$tree/lib/modules/load-order" ||
        die "$m missing from $kdeb's modules (the init script loads it by name)"
done
cp "$init" "$tree/init"
cp "$dhcp" "$tree/etc/udhcpc.script"
chmod 755 "$tree/init" "$tree/etc/udhcpc.script"
python3 "$tools" cpio "$work/extra.cpio.gz" "$tree"
python3 "$tools" initrd "$work/initrd-net.img" "$base" "$work/extra.cpio.gz"
mv "$work/initrd-net.img" "$out/initrd-net.img"

cat >"$work/env" <<EOF
NET_KERNEL='$kernel'
NET_INITRD='$out/initrd-net.img'
EOF
mv "$work/env" "$envfile"
date >"$stamp"
log "done; paths in $envfile"
cat "$envfile"
