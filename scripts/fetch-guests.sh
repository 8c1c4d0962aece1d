#!/bin/sh
# fetch-guests.sh - fetch real guests for emu's functional tests.
#
# Downloads Debian's 686 and amd64 kernels and busybox-static (i386 and
# amd64) with apt-get, using a private apt state directory so that the
# host's dpkg/apt configuration is left untouched (no dpkg
# --add-architecture, nothing installed), unpacks them with dpkg-deb and
# builds one busybox initramfs (cpio newc, gzip) per architecture whose
# /init mounts proc/sys/dev, prints "EMU-GUEST-READY" and runs a shell on
# the console.
#
# Everything lives in a cache outside the repository:
#   $EMU_GUEST_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/emu-guests)
# and the result is described by $EMU_GUEST_CACHE/guests.env (sh syntax):
#   EMU_GUEST_KERNEL_686, EMU_GUEST_INITRD_686,
#   EMU_GUEST_KERNEL_AMD64, EMU_GUEST_INITRD_AMD64
#
# Idempotent: once built, a stamp file makes reruns return at once.
# Options: --force  rebuild even if the stamp is present.
#          --print  only print guests.env (fails if not built).
set -eu

CACHE=${EMU_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/emu-guests}
STAMP_VERSION=1
STAMP=$CACHE/.stamp-v$STAMP_VERSION
ENVFILE=$CACHE/guests.env

force=no
case "${1:-}" in
    --force) force=yes ;;
    --print)
        if [ -f "$STAMP" ] && [ -f "$ENVFILE" ]; then
            cat "$ENVFILE"
            exit 0
        fi
        echo "fetch-guests: not built yet (run $0)" >&2
        exit 1 ;;
    "") ;;
    *) echo "usage: $0 [--force|--print]" >&2; exit 2 ;;
esac

log() { echo "fetch-guests: $*" >&2; }
die() { echo "fetch-guests: error: $*" >&2; exit 1; }

# Everything still there?  Then we are done.
cached_ok() {
    [ -f "$STAMP" ] && [ -f "$ENVFILE" ] || return 1
    # shellcheck disable=SC1090
    . "$ENVFILE"
    for f in "$EMU_GUEST_KERNEL_686" "$EMU_GUEST_INITRD_686" \
             "$EMU_GUEST_KERNEL_AMD64" "$EMU_GUEST_INITRD_AMD64"; do
        [ -s "$f" ] || return 1
    done
    return 0
}

if [ "$force" = no ] && cached_ok; then
    cat "$ENVFILE"
    exit 0
fi

for tool in apt-get apt-cache dpkg-deb python3 gzip; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done

mkdir -p "$CACHE"

# apt_private ARCH ARGS...: apt-get/apt-cache with a private state and
# cache directory for ARCH; the host's sources lists and keyrings are used
# read-only.
apt_opts() {
    arch=$1
    d=$CACHE/apt-$arch
    mkdir -p "$d/state/lists/partial" "$d/cache/archives/partial"
    [ -f "$d/state/status" ] || : > "$d/state/status"
    printf '%s\n' \
        "-o" "Dir::State=$d/state" \
        "-o" "Dir::State::status=$d/state/status" \
        "-o" "Dir::Cache=$d/cache" \
        "-o" "Dir::Cache::pkgcache=" \
        "-o" "Dir::Cache::srcpkgcache=" \
        "-o" "APT::Architecture=$arch" \
        "-o" "APT::Architectures::=$arch" \
        "-o" "Debug::NoLocking=1" \
        "-o" "APT::Sandbox::User=root" \
        "-o" "APT::Get::List-Cleanup=0"
}

# run_apt TOOL ARCH ARGS...
run_apt() {
    tool=$1; arch=$2; shift 2
    # Build the option list as positional parameters (no arrays in sh).
    opts=$(apt_opts "$arch")
    old_ifs=$IFS
    IFS='
'
    set -f
    # shellcheck disable=SC2086
    set -- $opts "$@"
    set +f
    IFS=$old_ifs
    "$tool" "$@"
}

update_lists() {
    arch=$1
    log "updating package lists for $arch (private state in $CACHE/apt-$arch)"
    mkdir -p "$CACHE/apt-$arch"
    # A mirror caught mid-sync can fail one index: retry once, then go on
    # with whatever lists were fetched (apt-cache resolves from those).
    if ! run_apt apt-get "$arch" -q update >"$CACHE/apt-$arch/update.log" 2>&1 &&
       ! run_apt apt-get "$arch" -q update >"$CACHE/apt-$arch/update.log" 2>&1; then
        if ls "$CACHE/apt-$arch/state/lists/"*_Packages* >/dev/null 2>&1; then
            log "warning: apt-get update ($arch) had errors; using the lists it got:"
            grep '^E:' "$CACHE/apt-$arch/update.log" | head -n 3 >&2
        else
            cat "$CACHE/apt-$arch/update.log" >&2
            die "apt-get update ($arch) failed"
        fi
    fi
}

# resolve_kernel ARCH META: the linux-image-<version>-<flavour> package the
# metapackage depends on.
resolve_kernel() {
    arch=$1; meta=$2
    run_apt apt-cache "$arch" depends "$meta" 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | head -n 1
}

# fetch_deb ARCH PACKAGE: download PACKAGE's .deb into $CACHE/debs/ARCH and
# print its path (reusing an existing download of the same version).
fetch_deb() {
    arch=$1; pkg=$2
    dir=$CACHE/debs/$arch
    mkdir -p "$dir"
    ver=$(run_apt apt-cache "$arch" show --no-all-versions "$pkg" 2>/dev/null |
          sed -n 's/^Version: //p' | head -n 1)
    [ -n "$ver" ] || die "package $pkg not found for $arch"
    # Debian file names encode ':' in versions as %3a.
    fver=$(printf '%s' "$ver" | sed 's/:/%3a/g')
    deb=$(ls "$dir/${pkg}_${fver}_"*.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then
        log "downloading $pkg $ver ($arch)"
        (cd "$dir" && run_apt apt-get "$arch" -q download "$pkg" >&2) ||
            die "apt-get download $pkg ($arch) failed"
        deb=$(ls "$dir/${pkg}_${fver}_"*.deb 2>/dev/null | head -n 1 || true)
        [ -n "$deb" ] || die "downloaded $pkg but cannot find the .deb"
    fi
    printf '%s\n' "$deb"
}

# unpack DEB DIR: dpkg-deb -x into DIR (fresh).
unpack() {
    rm -rf "$2"
    mkdir -p "$2"
    dpkg-deb -x "$1" "$2"
}

# make_initrd BUSYBOX OUT: a gzip'd cpio (newc) with busybox and /init.
make_initrd() {
    python3 - "$1" "$2" <<'PYEOF'
import gzip, os, stat, sys

busybox, out = sys.argv[1], sys.argv[2]

INIT = b"""#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
echo "EMU-GUEST-READY $(uname -m) $(uname -r)"
exec setsid cttyhack /bin/sh
"""

entries = []          # (name, mode, data, rdev)
def d(name):
    entries.append((name, stat.S_IFDIR | 0o755, b"", (0, 0)))
for name in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "proc", "sys",
             "dev", "tmp", "root", "etc"):
    d(name)
entries.append(("dev/console", stat.S_IFCHR | 0o600, b"", (5, 1)))
entries.append(("dev/null", stat.S_IFCHR | 0o666, b"", (1, 3)))
entries.append(("dev/ttyS0", stat.S_IFCHR | 0o600, b"", (4, 64)))
with open(busybox, "rb") as f:
    entries.append(("bin/busybox", stat.S_IFREG | 0o755, f.read(), (0, 0)))
entries.append(("bin/sh", stat.S_IFLNK | 0o777, b"busybox", (0, 0)))
entries.append(("init", stat.S_IFREG | 0o755, INIT, (0, 0)))

def pad4(n):
    return (4 - n % 4) % 4

buf = bytearray()
def add(ino, name, mode, data, rdev):
    nm = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0, len(data),
        0, 0, rdev[0], rdev[1], len(nm), 0))
    buf.extend(hdr.encode())
    buf.extend(nm)
    buf.extend(b"\0" * pad4(110 + len(nm)))
    buf.extend(data)
    buf.extend(b"\0" * pad4(len(data)))

for i, (name, mode, data, rdev) in enumerate(entries, start=1):
    add(i, name, mode, data, rdev)
add(0, "TRAILER!!!", 0, b"", (0, 0))
buf.extend(b"\0" * pad4(len(buf)))

tmp = out + ".tmp"
with open(tmp, "wb") as f:
    # mtime=0: the same inputs give the same image.
    with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as gz:
        gz.write(bytes(buf))
os.replace(tmp, out)
PYEOF
}

# build_arch ARCH KERNEL_META: sets KERNEL and INITRD.
build_arch() {
    arch=$1; meta=$2
    update_lists "$arch"
    kpkg=$(resolve_kernel "$arch" "$meta")
    [ -n "$kpkg" ] || die "cannot resolve $meta for $arch"
    log "$meta ($arch) -> $kpkg"
    kdeb=$(fetch_deb "$arch" "$kpkg")
    bdeb=$(fetch_deb "$arch" busybox-static)

    root=$CACHE/root-$arch
    unpack "$kdeb" "$root/kernel"
    rm -rf "$root/kernel/lib" "$root/kernel/usr"    # modules: not needed
    unpack "$bdeb" "$root/busybox"
    KERNEL=$(ls "$root"/kernel/boot/vmlinuz-* 2>/dev/null | head -n 1 || true)
    [ -n "$KERNEL" ] || die "no /boot/vmlinuz-* in $kdeb"
    bb=$root/busybox/bin/busybox
    [ -x "$bb" ] || die "no /bin/busybox in $bdeb"
    INITRD=$CACHE/initrd-$arch.img
    log "building $INITRD"
    make_initrd "$bb" "$INITRD"
}

build_arch i386 linux-image-686
KERNEL_686=$KERNEL
INITRD_686=$INITRD
build_arch amd64 linux-image-amd64
KERNEL_AMD64=$KERNEL
INITRD_AMD64=$INITRD

cat > "$ENVFILE.tmp" <<EOF
EMU_GUEST_KERNEL_686='$KERNEL_686'
EMU_GUEST_INITRD_686='$INITRD_686'
EMU_GUEST_KERNEL_AMD64='$KERNEL_AMD64'
EMU_GUEST_INITRD_AMD64='$INITRD_AMD64'
EOF
mv "$ENVFILE.tmp" "$ENVFILE"
rm -f "$CACHE"/.stamp-v*
date > "$STAMP"
log "done; paths in $ENVFILE"
cat "$ENVFILE"
