#!/bin/sh
# build-disk-bench.sh - the guest and the disk of `make bench-disk`
# (tests/bench/disk.sh), in the guest cache ($EMU_GUEST_CACHE/disk/bench):
#
#   initrd-bench.img  the storage initramfs of scripts/build-disk-guests.sh
#       (ata_piix, sd_mod, ext4; its /init runs /bin/disk-bench.sh for
#       emutest=bench) with a third archive appended: /bin/diskbench
#       (tests/bench/diskbench.c, gcc -m32 -static -O2) and
#       /bin/disk-bench.sh (tests/bench/disk-bench-guest.sh).
#   template.raw  a sparse raw disk of 609 MiB: an MBR with sda1, an ext2
#       file system of 96 MiB holding /src (32 MiB of deterministic
#       pseudo-random bytes), and sda2, 512 MiB left empty for the
#       sequential and random parts.  disk.sh copies it for every run.
#
# Writes $EMU_GUEST_CACHE/disk/bench.env (sh syntax): BENCH_KERNEL,
# BENCH_INITRD, BENCH_TEMPLATE, BENCH_SRC_MD5, BENCH_AREA_MIB (the size
# of sda2), and prints it.  Rebuilds only when an input is newer than
# the output.  Options: --force.  Needs gcc-multilib (scripts/
# install-deps.sh --bench), e2fsprogs, python3.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CACHE=${EMU_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/emu-guests}
export EMU_GUEST_CACHE="$CACHE"
out=$CACHE/disk/bench
envfile=$CACHE/disk/bench.env
tools=$root/scripts/disk-guest-tools.py

log() { echo "build-disk-bench: $*" >&2; }
die() { echo "build-disk-bench: error: $*" >&2; exit 1; }

force=no
case "${1:-}" in
    --force) force=yes ;;
    "") ;;
    *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac
PATH=$PATH:/sbin:/usr/sbin
for tool in gcc python3 mke2fs; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

denv=$(sh "$root/scripts/build-disk-guests.sh") || die "scripts/build-disk-guests.sh failed"
eval "$denv"

up_to_date() {
    [ -f "$envfile" ] && [ -s "$out/initrd-bench.img" ] && [ -s "$out/template.raw" ] ||
        return 1
    for f in "$0" "$here/diskbench.c" "$here/disk-bench-guest.sh" "$tools" "$DISK_INITRD"; do
        [ -n "$(find "$f" -newer "$envfile")" ] && return 1
    done
}
if [ "$force" = no ] && up_to_date; then
    cat "$envfile"
    exit 0
fi

mkdir -p "$out"
# Private scratch: another checkout may be building the same cache.
work=$(mktemp -d "$out/work.XXXXXX")
mkdir -p "$work/tree/bin" "$work/fs"
trap 'rm -rf "$work"' EXIT INT TERM

log "compiling diskbench.c (gcc -m32 -static -O2)"
gcc -m32 -static -O2 -Wall -Wextra -o "$work/tree/bin/diskbench" "$here/diskbench.c" ||
    die "static 32-bit build failed (is gcc-multilib installed? scripts/install-deps.sh --bench)"
cp "$here/disk-bench-guest.sh" "$work/tree/bin/disk-bench.sh"
chmod 755 "$work/tree/bin/disk-bench.sh"
python3 "$tools" cpio "$work/extra.cpio.gz" "$work/tree"
python3 "$tools" initrd "$work/initrd-bench.img" "$DISK_INITRD" "$work/extra.cpio.gz"
mv "$work/initrd-bench.img" "$out/initrd-bench.img"

log "building template.raw"
# /src: 32 MiB of xorshift32 output, the same bytes on every host.
md5=$(python3 - "$work/fs/src" <<'EOF'
import array, hashlib, sys
s = 88172645
out = array.array("I")
for _ in range(8 * 1024 * 1024):
    s ^= (s << 13) & 0xffffffff
    s ^= s >> 17
    s ^= (s << 5) & 0xffffffff
    out.append(s)
if sys.byteorder != "little":
    out.byteswap()
data = out.tobytes()
with open(sys.argv[1], "wb") as f:
    f.write(data)
print(hashlib.md5(data).hexdigest())
EOF
)
p1=$((96 * 2048))
area_mib=512
rm -f "$work/p1.img"
mke2fs -q -F -t ext2 -d "$work/fs" "$work/p1.img" 96M >&2 || die "mke2fs failed"
tmpl=$out/template.raw
truncate -s $((1 + 96 + area_mib))M "$work/template.raw"
python3 "$tools" mbr "$work/template.raw" /dev/null 2048,$p1,83 $((2048 + p1)),$((area_mib * 2048)),83
dd if="$work/p1.img" of="$work/template.raw" bs=1M seek=1 conv=notrunc,sparse status=none
mv "$work/template.raw" "$tmpl"

cat >"$work/env" <<EOF
BENCH_KERNEL='$DISK_KERNEL'
BENCH_INITRD='$out/initrd-bench.img'
BENCH_TEMPLATE='$tmpl'
BENCH_SRC_MD5='$md5'
BENCH_AREA_MIB='$area_mib'
EOF
mv "$work/env" "$envfile"
cat "$envfile"
