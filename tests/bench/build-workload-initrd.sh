#!/bin/sh
# build-workload-initrd.sh - the initramfs for tests/bench/linux-tcg.sh.
#
# Takes the busybox initramfs that scripts/fetch-guests.sh builds
# (fetching the guests first if they are not cached) and appends a second
# gzip'd cpio (newc) archive holding /bin/workload, the static program
# from tests/bench/workload.c: for --arch i386 (the default) the i386
# initramfs and a 32-bit build (gcc -m32 -static -O2), for --arch amd64
# the amd64 initramfs and a 64-bit build (gcc -static -O2).  Linux
# unpacks concatenated initramfs archives in order, so the guest boots
# exactly as in tests/functional/test-linux.sh (same /init, same
# "EMU-GUEST-READY" marker and shell) with the workload added.  The 32 MiB
# file for md5sum is written inside the guest by `workload gen` (a
# deterministic xorshift stream), which keeps the image small.
#
# The workload is also run natively on the host (the static binary, or a
# native build if the host cannot run i386 code) to record the checksums
# every guest run must reproduce.
#
# Output, in the guest cache ($EMU_GUEST_CACHE, see fetch-guests.sh):
#   i386:  initrd-i386-workload.img, workload/workload-i386,
#          workload/expected and workload.env
#   amd64: initrd-amd64-workload.img, workload/workload-amd64,
#          workload/expected-amd64 and workload-amd64.env
# The expected file holds "SUM <part> <hex>" lines and "MD5 <hex>" of the
# 32 MiB file; the env file (sh syntax) BENCH_KERNEL (686 or amd64),
# BENCH_INITRD, BENCH_EXPECTED, BENCH_HOST_WORKLOAD (the workload binary
# the host can run: the guest's own, or workload/workload-host, a native
# build, when the host runs no i386 code).
# Prints the env file.  Rebuilds only when workload.c, this script or the
# base initramfs is newer than the image.
# Options: --arch i386|amd64 (default i386), --force.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CACHE=${EMU_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/emu-guests}
export EMU_GUEST_CACHE="$CACHE"
src=$here/workload.c
wdir=$CACHE/workload

log() { echo "build-workload-initrd: $*" >&2; }
die() { echo "build-workload-initrd: error: $*" >&2; exit 1; }

usage() { echo "usage: $0 [--arch i386|amd64] [--force]" >&2; exit 2; }
force=no
arch=i386
while [ $# -gt 0 ]; do
    case $1 in
        --force) force=yes ;;
        --arch) [ $# -ge 2 ] || usage; arch=$2; shift ;;
        --arch=*) arch=${1#--arch=} ;;
        *) usage ;;
    esac
    shift
done
case $arch in
    i386)
        out=$CACHE/initrd-i386-workload.img
        bin=$wdir/workload-i386
        expected=$wdir/expected
        envfile=$CACHE/workload.env
        cflags="-m32 -static -O2" ;;
    amd64)
        out=$CACHE/initrd-amd64-workload.img
        bin=$wdir/workload-amd64
        expected=$wdir/expected-amd64
        envfile=$CACHE/workload-amd64.env
        cflags="-static -O2" ;;
    *) usage ;;
esac

for tool in gcc python3 gzip; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

# The guests: cached, or fetched now (fetch-guests.sh logs to stderr).
fetch=$root/scripts/fetch-guests.sh
if ! genv=$(sh "$fetch" --print 2>/dev/null); then
    log "guests not cached: running scripts/fetch-guests.sh"
    genv=$(sh "$fetch") || die "scripts/fetch-guests.sh failed"
fi
eval "$genv"
if [ "$arch" = amd64 ]; then
    kernel=${EMU_GUEST_KERNEL_AMD64:-}
    base=${EMU_GUEST_INITRD_AMD64:-}
else
    kernel=$EMU_GUEST_KERNEL_686
    base=$EMU_GUEST_INITRD_686
fi
[ -s "$kernel" ] || die "$arch kernel $kernel missing (run $fetch --force)"
[ -s "$base" ] || die "busybox initramfs $base missing (run $fetch --force)"

write_env() {
    cat >"$envfile.tmp" <<EOF
BENCH_KERNEL='$kernel'
BENCH_INITRD='$out'
BENCH_EXPECTED='$expected'
BENCH_HOST_WORKLOAD='$runner'
EOF
    mv "$envfile.tmp" "$envfile"
    cat "$envfile"
}

up_to_date() {
    [ -s "$out" ] && [ -x "$bin" ] && [ -s "$expected" ] && [ -f "$envfile" ] || return 1
    for f in "$src" "$0" "$base"; do
        [ -n "$(find "$f" -newer "$out")" ] && return 1
    done
    return 0
}

runner=$bin
[ "$arch" = i386 ] && [ -x "$wdir/workload-host" ] && runner=$wdir/workload-host
if [ "$force" = no ] && up_to_date; then
    write_env
    exit 0
fi

mkdir -p "$wdir"
log "compiling $src (gcc $cflags)"
# shellcheck disable=SC2086
gcc $cflags -Wall -Wextra -o "$bin.tmp" "$src" ||
    die "static $arch build failed (is gcc-multilib installed?)"
mv "$bin.tmp" "$bin"

# Expected checksums: run natively (the i386 binary if the host runs it).
log "computing the expected checksums on the host"
runner=$bin
[ "$arch" = i386 ] && rm -f "$wdir/workload-host"
if ! "$bin" int 1 >/dev/null 2>&1; then
    [ "$arch" = i386 ] || die "the host cannot run $bin"
    gcc -O2 -o "$wdir/workload-host" "$src" || die "native build failed"
    runner=$wdir/workload-host
fi
{
    "$runner" all | grep '^SUM '
    md5=$("$runner" gen - 32 | md5sum | cut -d' ' -f1)
    echo "MD5 $md5"
} >"$expected.tmp" || die "host run of the workload failed"
mv "$expected.tmp" "$expected"

log "building $out"
python3 - "$base" "$bin" "$out" <<'PYEOF'
import gzip, os, stat, sys

base, binary, out = sys.argv[1], sys.argv[2], sys.argv[3]

def pad4(n):
    return (4 - n % 4) % 4

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

with open(binary, "rb") as f:
    # Inode numbers well above the base archive's, so hard-link detection
    # in the kernel's unpacker cannot confuse the two.
    add(1001, "bin", stat.S_IFDIR | 0o755, b"")
    add(1002, "bin/workload", stat.S_IFREG | 0o755, f.read())
add(0, "TRAILER!!!", 0, b"")
buf.extend(b"\0" * pad4(len(buf)))

with open(base, "rb") as f:
    first = f.read()
tmp = out + ".tmp"
with open(tmp, "wb") as f:
    f.write(first)
    # Each archive in a concatenated initramfs starts 4-byte aligned.
    f.write(b"\0" * pad4(len(first)))
    with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as gz:
        gz.write(bytes(buf))
os.replace(tmp, out)
PYEOF
write_env
