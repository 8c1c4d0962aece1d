#!/bin/sh
# tests/cli/emu-img.sh - emu-img against qemu-img, subcommand by
# subcommand, on the same images.
#
# Images are made by qemu-img (and written with qemu-io) and by emu-img;
# each test runs both tools where both can run and compares their output
# byte for byte (info, check, snapshot -l, compare), or checks emu-img's
# result with qemu-img (check clean, compare identical, info fields).
# Broken images are made by editing a qcow2 refcount block in place.
# Bad usage must give one line on stderr starting "emu-img: " and exit 1.
#
# Environment: EMU_IMG (default ./emu-img), QEMU_IMG (default qemu-img),
# QEMU_IO (default qemu-io).  Skips when qemu-img is missing.
# Prints one line per test and "N passed, N failed, N skipped".
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/lib.sh"
EMU_IMG=${EMU_IMG:-./emu-img}
case "$EMU_IMG" in
    */*) EMU_IMG=$(cd "$(dirname "$EMU_IMG")" 2>/dev/null && pwd)/$(basename "$EMU_IMG") ;;
esac
# Messages start with the program's name (emu-img-san: under make
# check-sanitize).
prefix="$(basename "$EMU_IMG"): "
QEMU_IMG=${QEMU_IMG:-qemu-img}
QEMU_IO=${QEMU_IO:-qemu-io}

if [ ! -x "$EMU_IMG" ]; then
    echo "SKIP: $EMU_IMG not built"
    finish "emu-img not built"
fi
if ! command -v "$QEMU_IMG" >/dev/null 2>&1 ||
        ! command -v "$QEMU_IO" >/dev/null 2>&1; then
    finish "qemu-img/qemu-io not installed (scripts/install-deps.sh installs qemu-utils)"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/emu-img.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 1

pass() { echo "PASS emu-img: $1"; passed=$((passed + 1)); }
fail() { echo "FAIL emu-img: $1: $2"; failed=$((failed + 1)); }

# Without a qcow2 driver in the block layer, the tests that need emu-img
# to read or write qcow2 are skipped (each says so).
if "$EMU_IMG" --help | grep -q '^Formats: .*qcow2'; then
    have_qcow2=yes
else
    have_qcow2=no
fi
# no_qcow2 NAME ARGS...: true (and the test counted as skipped) when the
# arguments need qcow2 and emu-img has no driver for it.
no_qcow2() {
    [ $have_qcow2 = yes ] && return 1
    n=$1; shift
    case " $* " in
        *qcow2*)
            echo "SKIP emu-img: $n (emu-img has no qcow2 driver)"
            skipped=$((skipped + 1))
            return 0 ;;
    esac
    return 1
}

# ei ARGS / qi ARGS: run a tool, stdout in e.out / q.out, stderr in
# e.err / q.err, status in $es / $qs.
ei() { "$EMU_IMG" "$@" >e.out 2>e.err; es=$?; }
qi() { "$QEMU_IMG" "$@" >q.out 2>q.err; qs=$?; }
qio() { "$QEMU_IO" "$@" >/dev/null 2>&1 || echo "qemu-io $* failed" >&2; }

# same NAME ARGS...: both tools print the same stdout with the same
# status for the same subcommand.
same() {
    name=$1; shift
    no_qcow2 "$name" "$@" && return 1
    ei "$@"
    qi "$@"
    if [ $es -ne $qs ]; then
        fail "$name" "exit status $es, qemu-img $qs ($(head -n 1 e.err))"
    elif ! cmp -s e.out q.out; then
        fail "$name" "output differs from qemu-img's: $(diff e.out q.out | head -n 6 | tr '\n' '|')"
    else
        pass "$name"
    fi
}

# ok NAME ARGS...: emu-img exits 0.
ok() {
    name=$1; shift
    no_qcow2 "$name" "$@" && return 1
    ei "$@"
    if [ $es -ne 0 ]; then
        fail "$name" "exit status $es: $(head -n 1 e.err)"
        return 1
    fi
    return 0
}

# clean NAME IMG: qemu-img check finds no errors and no leaks.
clean() {
    qi check "$2"
    if [ $qs -ne 0 ]; then
        fail "$1" "qemu-img check exit $qs: $(tr '\n' '|' <q.out) $(head -n 2 q.err | tr '\n' '|')"
        return 1
    fi
    return 0
}

# identical NAME A B: qemu-img compare says identical.
identical() {
    qi compare "$2" "$3"
    if [ $qs -ne 0 ]; then
        fail "$1" "qemu-img compare $2 $3: $(cat q.out q.err | head -n 2 | tr '\n' '|')"
        return 1
    fi
    return 0
}

# bad NAME TEXT ARGS...: exit 1, one "$prefix" line containing TEXT on
# stderr, nothing on stdout.
bad() {
    name=$1 text=$2; shift 2
    no_qcow2 "bad usage: $name" "$@" && return 1
    ei "$@"
    line=$(head -n 1 e.err)
    if [ $es -ne 1 ]; then
        fail "bad usage: $name" "exit status $es, want 1 ($line)"
    elif [ "$(grep -c '' e.err)" -ne 1 ]; then
        fail "bad usage: $name" "$(grep -c '' e.err) lines on stderr: $(tr '\n' '|' <e.err)"
    elif [ -s e.out ]; then
        fail "bad usage: $name" "output on stdout: $(head -n 1 e.out)"
    else
        case "$line" in
            "$prefix"*"$text"*) pass "bad usage: $name: $line" ;;
            *) fail "bad usage: $name" "message lacks '$text': $line" ;;
        esac
    fi
}

# field IMG KEY: a number from qemu-img info/check --output=json.
json_num() { sed -n "s/^ *\"$2\": \([0-9]*\),*$/\1/p" "$1" | head -n 1; }

# Editing qcow2 metadata in place (big-endian fields).
be64() { od -An -tu1 -j"$2" -N8 "$1" | awk '{ v = 0; for (i = 1; i <= NF; i++) v = v * 256 + $i; printf "%d\n", v }'; }
put16() {
    printf "$(printf '\\%03o\\%03o' $(($3 >> 8)) $(($3 & 255)))" |
        dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
# refblock IMG: offset of the first refcount block (16-bit entries).
refblock() { be64 "$1" "$(be64 "$1" 48)"; }

# --- images made by qemu-img
"$QEMU_IMG" create -q -f raw r.img 64M
"$QEMU_IMG" create -q -f qcow2 q.qcow2 64M
qio -c 'write -P 0x55 0 1M' -c 'write -P 0xaa 10M 64k' -c 'write -z 20M 128k' q.qcow2
"$QEMU_IMG" create -q -f qcow2 -o compat=0.10 v2.qcow2 1G
qio -c 'write -P 0x01 512 4k' v2.qcow2
"$QEMU_IMG" create -q -f qcow2 -o cluster_size=4k,lazy_refcounts=on,refcount_bits=8 small.qcow2 100M
qio -c 'write -P 0x7 4095 9000' small.qcow2
"$QEMU_IMG" create -q -f qcow2 -b q.qcow2 -F qcow2 over.qcow2
qio -c 'write -P 0x33 512k 1M' over.qcow2
"$QEMU_IMG" create -q -f qcow2 snap.qcow2 32M
qio -c 'write -P 0x21 0 128k' snap.qcow2
"$QEMU_IMG" snapshot -c first snap.qcow2
qio -c 'write -P 0x22 64k 128k' snap.qcow2
"$QEMU_IMG" snapshot -c "second one" snap.qcow2
"$QEMU_IMG" convert -c -O qcow2 q.qcow2 comp.qcow2
"$QEMU_IMG" convert -O raw q.qcow2 qref.raw

# --- info: every field as qemu-img prints it
for img in r.img q.qcow2 v2.qcow2 small.qcow2 over.qcow2 snap.qcow2 comp.qcow2; do
    same "info $img" info "$img"
    same "info --output=json $img" info --output=json "$img"
done
same "info -f qcow2" info -f qcow2 q.qcow2
same "info with a path (backing 'actual path')" info "$tmp/over.qcow2"
same "info --output=json with a path" info --output=json "$tmp/over.qcow2"
same "info --backing-chain" info --backing-chain over.qcow2
same "info --backing-chain --output=json" info --backing-chain --output=json over.qcow2
# Human sizes (three significant digits, the unit steps up at 1000).
# Multiples of 512, and sizes that are not: both tools round a raw
# file's size up to whole sectors (a 3-byte file is a 512 B disk).
for n in 0 3 512 513 1000 1024 1536 1022976 1023488 1024000 1048576 \
        1048577 123456512 1073741824000 5000000000000 8796093022208; do
    truncate -s "$n" "size$n.img"
    same "info of a $n-byte image" info -f raw "size$n.img"
done
same "info --output=json of a 3-byte image" info --output=json -f raw size3.img
# Converting a 1000-byte raw file gives the same 1024-byte image.
printf 'partial sector %0985d' 7 >part.img
ok "convert a 1000-byte raw" convert -f raw -O raw part.img part-e.raw &&
    "$QEMU_IMG" convert -f raw -O raw part.img part-q.raw &&
    if cmp -s part-e.raw part-q.raw && [ "$(wc -c <part-e.raw)" -eq 1024 ]; then
        pass "convert a 1000-byte raw (as qemu-img: 1024 bytes)"
    else
        fail "convert a 1000-byte raw" "differs from qemu-img's ($(wc -c <part-e.raw) bytes)"
    fi
# The overlay's backing file gone: info of the overlay alone still works.
mkdir gone && cp over.qcow2 gone/
same "info with its backing file missing" info gone/over.qcow2

# --- create: emu-img's images read as qemu-img's own
# create_like NAME SIZE ARGS...: the same create by both tools gives the same
# "Formatting" line and the same qemu-img info (but the name), and
# qemu-img check is clean.
create_like() {
    name=$1 size=$2; shift 2
    no_qcow2 "create $name" "$@" && return
    rm -f e.new q.new
    ei create "$@" e.new $size
    qi create "$@" q.new $size
    if [ $es -ne 0 ] || [ $qs -ne 0 ]; then
        fail "create $name" "exit status $es, qemu-img $qs: $(head -n 1 e.err)"
        return
    fi
    sed 's/e\.new/X/' e.out >e.fmt
    sed 's/q\.new/X/' q.out >q.fmt
    if ! cmp -s e.fmt q.fmt; then
        fail "create $name" "Formatting line differs: $(cat e.fmt) / $(cat q.fmt)"
        return
    fi
    "$QEMU_IMG" info e.new 2>/dev/null | sed 1d | grep -v '^disk size' >e.info
    "$QEMU_IMG" info q.new 2>/dev/null | sed 1d | grep -v '^disk size' >q.info
    if ! cmp -s e.info q.info; then
        fail "create $name" "qemu-img info differs: $(diff e.info q.info | tr '\n' '|')"
        return
    fi
    # Raw has nothing to check (qemu-img exits 63 for it).
    if grep -q '^file format: raw' e.info; then
        pass "create $name"
    else
        clean "create $name" e.new && pass "create $name"
    fi
}
create_like "raw 64M" 64M -f raw
create_like "raw default format, 1.5G" 1.5G
create_like "qcow2 64M" 64M -f qcow2
create_like "qcow2 512k" 512k -f qcow2
create_like "qcow2 2T" 2T -f qcow2
create_like "qcow2 cluster_size=4k,lazy_refcounts=on" 1G -f qcow2 -o cluster_size=4k,lazy_refcounts=on
create_like "qcow2 cluster_size=2M" 1G -f qcow2 -o cluster_size=2M
create_like "qcow2 compat=0.10" 64M -f qcow2 -o compat=0.10
create_like "qcow2 refcount_bits=1" 64M -f qcow2 -o refcount_bits=1
create_like "qcow2 refcount_bits=64" 64M -f qcow2 -o refcount_bits=64
create_like "qcow2 -b -F (size of the backing file)" "" -f qcow2 -b q.qcow2 -F qcow2
create_like "qcow2 -o backing_file=,backing_fmt=" 128M -f qcow2 -o backing_file=r.img,backing_fmt=raw
create_like "qcow2 -b -F, larger than the backing" 1G -f qcow2 -b q.qcow2 -F qcow2
if ok "create -o help" create -f qcow2 -o help; then
    for o in cluster_size lazy_refcounts compat backing_file backing_fmt refcount_bits size; do
        grep -q "^  $o=" e.out || fail "create -o help" "does not list $o"
    done
    pass "create -o help lists the qcow2 options"
fi
ok "create -q" create -q -f qcow2 quiet.qcow2 1M && { [ -s e.out ] &&
    fail "create -q" "printed: $(cat e.out)" || pass "create -q prints nothing"; }

# --- check: clean, leaked and corrupted images, as qemu-img reports them
for img in q.qcow2 v2.qcow2 small.qcow2 over.qcow2 snap.qcow2 comp.qcow2; do
    same "check $img" check "$img"
    same "check --output=json $img" check --output=json "$img"
done
same "check of a raw image (63: no checks)" check r.img
# same_but_end NAME ARGS...: same(), but for the "Image end offset"
# (qemu-img counts a leaked cluster at the file's end as part of the
# image; the driver's own figure is compared on clean images above).
same_but_end() {
    name=$1; shift
    no_qcow2 "$name" "$@" && return 1
    ei "$@"
    qi "$@"
    grep -v -E 'Image end offset|"image-end-offset"' e.out >e.cut
    grep -v -E 'Image end offset|"image-end-offset"' q.out >q.cut
    if [ $es -ne $qs ]; then
        fail "$name" "exit status $es, qemu-img $qs ($(head -n 1 e.err))"
    elif ! cmp -s e.cut q.cut; then
        fail "$name" "output differs from qemu-img's: $(diff e.cut q.cut | head -n 6 | tr '\n' '|')"
    else
        pass "$name"
    fi
}
# A leak: one more cluster at the end of the file with refcount 1.
cp q.qcow2 leak.qcow2
rb=$(refblock leak.qcow2)
n=$(($(wc -c <leak.qcow2) / 65536))
truncate -s $(((n + 1) * 65536)) leak.qcow2
put16 leak.qcow2 $((rb + 2 * n)) 1
same_but_end "check of a leaked cluster (exit 3)" check leak.qcow2
same_but_end "check --output=json of a leaked cluster" check --output=json leak.qcow2
# A corruption: the refcount table's own cluster (1) with refcount 0.
cp q.qcow2 corrupt.qcow2
put16 corrupt.qcow2 $(($(refblock corrupt.qcow2) + 2)) 0
same "check of a corrupted refcount (exit 2)" check corrupt.qcow2
same "check --output=json of a corrupted refcount" check --output=json corrupt.qcow2
[ $have_qcow2 = no ] || [ "$es" -eq 2 ] ||
    fail "corruption exit status" "emu-img check exited $es, want 2"
cp leak.qcow2 both.qcow2
put16 both.qcow2 $(($(refblock both.qcow2) + 2)) 0
same_but_end "check of a leak and a corruption (exit 2)" check both.qcow2
# Repairs: emu-img fixes, qemu-img agrees.
cp leak.qcow2 fix1.qcow2
if ok "check -r leaks" check -r leaks fix1.qcow2; then
    grep -q "1 leaked clusters" e.out && clean "check -r leaks" fix1.qcow2 &&
        pass "check -r leaks repairs the leak (qemu-img check clean)"
fi
cp both.qcow2 fix2.qcow2
if ok "check -r all" check -r all fix2.qcow2; then
    clean "check -r all" fix2.qcow2 && identical "check -r all" q.qcow2 fix2.qcow2 &&
        pass "check -r all repairs leak and corruption, data intact"
fi
# The corrupt bit (incompatible feature bit 1): shown, and cleared by -r all.
cp q.qcow2 cbit.qcow2
printf '\002' | dd of=cbit.qcow2 bs=1 seek=79 conv=notrunc 2>/dev/null
same "info of an image marked corrupt" info cbit.qcow2
if ok "check -r all of an image marked corrupt" check -r all cbit.qcow2; then
    "$QEMU_IMG" info cbit.qcow2 | grep -q '^    corrupt: false$' &&
        pass "check -r all clears the corrupt bit" ||
        fail "check -r all of an image marked corrupt" "qemu-img info still says corrupt"
fi
# A crash with lazy refcounts: the dirty bit (incompatible bit 0) set and
# the written data cluster's refcount never stored.  check must see it
# (emu-img must not rebuild the refcounts silently when it opens the image
# to repair it), report it as qemu-img does, repair it and clear the bit.
"$QEMU_IMG" create -q -f qcow2 -o lazy_refcounts=on dirty.qcow2 64M
qio -c 'write -P 0x5a 1M 64k' dirty.qcow2
put16 dirty.qcow2 $(($(refblock dirty.qcow2) + 2 * ($(wc -c <dirty.qcow2) / 65536 - 1))) 0
printf '\001' | dd of=dirty.qcow2 bs=1 seek=79 conv=notrunc 2>/dev/null
cp dirty.qcow2 dirty-q.qcow2
same "check of a dirty lazy-refcounts image (exit 2)" check dirty.qcow2
cp dirty.qcow2 dirty-e.qcow2
ei check -r all dirty-e.qcow2
mv e.out dirty-e.out
qi check -r all dirty-q.qcow2
grep -v 'Image end offset' dirty-e.out >e.cut
grep -v 'Image end offset' q.out >q.cut
if [ $have_qcow2 = no ]; then
    echo "SKIP emu-img: check -r all of a dirty image (emu-img has no qcow2 driver)"
    skipped=$((skipped + 1))
elif [ $es -ne $qs ] || ! cmp -s e.cut q.cut; then
    fail "check -r all of a dirty image" "exit $es (qemu-img $qs): $(diff e.cut q.cut | head -n 6 | tr '\n' '|')"
elif ! grep -q '^    1 corruptions$' e.cut; then
    fail "check -r all of a dirty image" "no corruption repaired: $(tr '\n' '|' <e.cut)"
elif [ "$(od -An -tu1 -j79 -N1 dirty-e.qcow2 | tr -d ' ')" != 0 ]; then
    fail "check -r all of a dirty image" "the dirty bit is still set"
else
    clean "check -r all of a dirty image" dirty-e.qcow2 &&
        identical "check -r all of a dirty image" dirty.qcow2 dirty-e.qcow2 &&
        pass "check -r all of a dirty image repairs 1 corruption as qemu-img, dirty bit cleared"
fi
cp leak.qcow2 fix3.qcow2
if ok "check -r leaks --output=json" check -r leaks --output=json fix3.qcow2; then
    [ "$(json_num e.out leaks-fixed)" = 1 ] && pass "check -r leaks --output=json: leaks-fixed 1" ||
        fail "check -r leaks --output=json" "no \"leaks-fixed\": 1: $(tr '\n' ' ' <e.out)"
fi

# --- convert
ok "convert qcow2 -> raw" convert -O raw q.qcow2 q.raw &&
    identical "convert qcow2 -> raw" q.qcow2 q.raw && pass "convert qcow2 -> raw"
ok "convert raw -> raw" convert -f raw -O raw qref.raw qe.raw &&
    identical "convert raw -> raw" qref.raw qe.raw && pass "convert raw -> raw"
ok "convert raw -> qcow2" convert -f raw -O qcow2 qref.raw q2.qcow2 &&
    clean "convert raw -> qcow2" q2.qcow2 && identical "convert raw -> qcow2" qref.raw q2.qcow2 &&
    pass "convert raw -> qcow2 (round trip)"
# Sparse: the zero ranges of the source are not allocated in the copy.
if [ $have_qcow2 = yes ]; then
qi check --output=json q2.qcow2
alloc=$(json_num q.out allocated-clusters)
qi check --output=json q.qcow2
want=$(json_num q.out allocated-clusters)
if [ -n "$alloc" ] && [ "$alloc" -le "$want" ]; then
    pass "convert leaves zeros unallocated ($alloc clusters, source $want)"
else
    fail "convert sparse" "$alloc clusters allocated, source has $want"
fi
fi
ok "convert an overlay (reads through the chain)" convert -O raw over.qcow2 over.raw &&
    identical "convert overlay" over.qcow2 over.raw && pass "convert an overlay through its backing chain"
"$QEMU_IMG" create -q -f raw short.raw 3M
qio -f raw -c 'write -P 0x5a 2M 1M' short.raw
"$QEMU_IMG" create -q -f qcow2 -b short.raw -F raw long.qcow2 64M
qio -c 'write -P 0x6b 40M 64k' long.qcow2
ok "convert an overlay larger than its backing" convert -O qcow2 long.qcow2 long2.qcow2 &&
    clean "convert long overlay" long2.qcow2 && identical "convert long overlay" long.qcow2 long2.qcow2 &&
    pass "convert an overlay larger than its (raw) backing"
ok "convert -o cluster_size=4k,compat=0.10" convert -O qcow2 -o cluster_size=4k,compat=0.10 over.qcow2 o4.qcow2 &&
    clean "convert -o" o4.qcow2 && identical "convert -o" over.qcow2 o4.qcow2 &&
    "$QEMU_IMG" info o4.qcow2 | grep -q '^cluster_size: 4096' &&
    "$QEMU_IMG" info o4.qcow2 | grep -q 'compat: 0.10' && pass "convert -o cluster_size=4k,compat=0.10"
if ok "convert -c" convert -c -O qcow2 q.qcow2 c.qcow2; then
    qi check --output=json c.qcow2
    nc=$(json_num q.out compressed-clusters)
    if [ $qs -eq 0 ] && [ "${nc:-0}" -gt 0 ]; then
        identical "convert -c" q.qcow2 c.qcow2 &&
            pass "convert -c: $nc compressed clusters qemu-img reads back"
    else
        fail "convert -c" "qemu-img check: exit $qs, ${nc:-0} compressed clusters"
    fi
fi
# Sizes that are not whole sectors or clusters (qcow2 rounds up).
head -c 70000 /dev/urandom >odd.raw
for c in "" -c; do
    ok "convert $c of a 70000-byte raw image" convert $c -f raw -O qcow2 odd.raw "odd$c.qcow2" &&
        clean "convert $c odd size" "odd$c.qcow2" && identical "convert $c odd size" odd.raw "odd$c.qcow2" &&
        pass "convert $c of a 70000-byte raw image"
done
if ok "convert -p" convert -p -O raw small.qcow2 small.raw; then
    tr '\r' '\n' <e.out | grep -q '^    (100.00/100%)$' &&
        identical "convert -p" small.qcow2 small.raw && pass "convert -p: progress to 100%"
fi
ok "convert -B (only the top layer copied)" convert -O qcow2 -B q.qcow2 -F qcow2 over.qcow2 ob.qcow2 &&
    clean "convert -B" ob.qcow2 && identical "convert -B" over.qcow2 ob.qcow2 &&
    "$QEMU_IMG" info ob.qcow2 | grep -q '^backing file: q.qcow2' && pass "convert -B -F"
ok "convert of two images (concatenated)" convert -O qcow2 r.img q.qcow2 cat.qcow2 &&
    qi info --output=json cat.qcow2 && [ "$(json_num q.out virtual-size)" = $((128 << 20)) ] &&
    pass "convert of two images: sizes add up"
# -n: into an existing image full of data, the zeros must be written.
"$QEMU_IMG" create -q -f qcow2 full.qcow2 64M
qio -c 'write -P 0xee 0 64M' full.qcow2
ok "convert -n" convert -n -O qcow2 q.qcow2 full.qcow2 &&
    identical "convert -n" q.qcow2 full.qcow2 && pass "convert -n overwrites zeros too"

# --- resize
cp q.qcow2 rs.qcow2
# vsize IMG: virtual size by qemu-img.
vsize() { "$QEMU_IMG" info --output=json "$1" | json_num /dev/stdin virtual-size; }
ok "resize +" resize rs.qcow2 +64M && [ "$(vsize rs.qcow2)" = $((128 << 20)) ] &&
    grep -q '^Image resized.$' e.out && clean "resize +" rs.qcow2 && pass "resize qcow2 +64M"
ok "resize absolute" resize rs.qcow2 1G && [ "$(vsize rs.qcow2)" = $((1 << 30)) ] &&
    clean "resize absolute" rs.qcow2 && pass "resize qcow2 1G"
bad "resize qcow2 smaller without --shrink" "--shrink" resize rs.qcow2 -- -512M
[ $have_qcow2 = no ] || [ "$(vsize rs.qcow2)" = $((1 << 30)) ] ||
    fail "refused shrink" "the size changed"
same "resize refuses a shrink as qemu-img (status)" resize -f qcow2 rs.qcow2 64M
cp qref.raw rs.raw
ok "resize raw --shrink" resize -f raw --shrink rs.raw -- -32M &&
    [ "$(wc -c <rs.raw)" = $((32 << 20)) ] && pass "resize raw --shrink -32M"
ok "resize raw +" resize -f raw rs.raw +1G && [ "$(wc -c <rs.raw)" = $(((32 << 20) + (1 << 30))) ] &&
    pass "resize raw +1G"
bad "resize to nothing" "positive" resize -f raw --shrink rs.raw -- -2G

# --- commit
"$QEMU_IMG" create -q -f qcow2 base.qcow2 64M
qio -c 'write -P 0x11 0 4M' base.qcow2
"$QEMU_IMG" create -q -f qcow2 -b base.qcow2 -F qcow2 top.qcow2
qio -c 'write -P 0x42 1M 256k' -c 'write -P 0x43 30M 64k' -c 'write -z 3M 64k' top.qcow2
"$QEMU_IMG" convert -O raw top.qcow2 want.raw
cp base.qcow2 base0.qcow2
cp top.qcow2 top0.qcow2
if ok "commit" commit top.qcow2; then
    grep -q '^Image committed.$' e.out && clean "commit" base.qcow2 &&
        identical "commit (base)" base.qcow2 want.raw && identical "commit (top)" top.qcow2 want.raw &&
        { qi check --output=json top.qcow2; [ -z "$(json_num q.out allocated-clusters)" ]; } &&
        pass "commit: the base holds the overlay's data, the overlay is empty"
fi
cp base0.qcow2 base.qcow2
cp top0.qcow2 top.qcow2
if ok "commit -d" commit -d -q top.qcow2; then
    identical "commit -d" base.qcow2 want.raw && { qi check --output=json top.qcow2;
        [ -n "$(json_num q.out allocated-clusters)" ]; } && [ ! -s e.out ] &&
        pass "commit -d -q keeps the overlay's clusters"
fi
same "commit of an image without backing file" commit base.qcow2

# --- snapshot -l (snapshots made by qemu-img snapshot -c)
same "snapshot -l" snapshot -l snap.qcow2
same "snapshot -l of an image without snapshots" snapshot -l q.qcow2
if ok "snapshot -l" snapshot -l snap.qcow2; then
    grep -q '^2 *second one  ' e.out && pass "snapshot -l lists 'second one'" ||
        fail "snapshot -l" "no 'second one' in $(cat e.out)"
fi
# --- snapshot -c, -a, -d (tests/cli/emu-img-snapshot.sh)
[ $have_qcow2 = yes ] && . "$here/emu-img-snapshot.sh"

# --- compare
same "compare identical" compare q.qcow2 qref.raw
same "compare identical raw images" compare -f raw qref.raw qe.raw
cp qref.raw diff.raw
printf 'x' | dd of=diff.raw bs=1 seek=10001000 conv=notrunc 2>/dev/null
same "compare: first differing sector" compare q.qcow2 diff.raw
same "compare: first differing sector (raw)" compare -f raw qref.raw diff.raw
same "compare -s (allocation differs)" compare -s q.qcow2 qref.raw
"$QEMU_IMG" create -q -f raw big.raw 128M
same "compare of different sizes" compare r.img big.raw
same "compare -s of different sizes" compare -s r.img big.raw
printf 'y' | dd of=big.raw bs=1 seek=100000000 conv=notrunc 2>/dev/null
same "compare: data past the smaller image's end" compare r.img big.raw

# --- image locking: an image that qemu-io holds open read-write
# hold IMG FMT: start qemu-io on IMG, its commands from the fifo on fd 3;
# returns once it has written (so it holds its locks).
hold() {
    rm -f hold.in hold.out
    mkfifo hold.in
    "$QEMU_IO" -f "$2" "$1" <hold.in >hold.out 2>&1 &
    holder=$!
    exec 3>hold.in
    echo "write 0 512" >&3
    i=0
    while ! grep -q wrote hold.out && [ $i -lt 300 ]; do
        sleep 0.1
        i=$((i + 1))
    done
}
release() { exec 3>&-; wait "$holder"; }
if mkfifo fifo-test 2>/dev/null; then
    "$QEMU_IMG" create -q -f raw held.img 1M
    hold held.img raw
    bad "resize of an image in use" "held.img" resize -f raw held.img 2M
    ok "info of a raw image in use (readers share)" info -f raw held.img &&
        pass "info of a raw image in use"
    release
    "$QEMU_IMG" create -q -f qcow2 held.qcow2 1M
    hold held.qcow2 qcow2
    same "info of a qcow2 image in use (refused)" info held.qcow2
    bad "info of a qcow2 image in use" "held.qcow2" info held.qcow2
    same "info -U of a qcow2 image in use" info -U held.qcow2
    release
else
    echo "SKIP emu-img: image locking (no mkfifo)"
    skipped=$((skipped + 1))
fi

# --- help and bad usage
for c in create info check convert resize commit snapshot compare; do
    ei "$c" --help
    if [ $es -eq 0 ] && grep -q "^usage: emu-img $c" e.out; then
        pass "$c --help"
    else
        fail "$c --help" "exit $es: $(head -n 1 e.out)"
    fi
done
ei -h && grep -q "convert" e.out && pass "emu-img -h" || fail "emu-img -h" "exit $es"
bad "no arguments" "Not enough arguments"
bad "unknown command" "Command not found: frobnicate" frobnicate
bad "info without a file" "Expecting one image file name" info
bad "missing file" "nosuch.img" info nosuch.img
bad "unknown option" "invalid option" info -Z q.qcow2
bad "unknown long option" "unrecognized option '--frob'" check --frob q.qcow2
bad "option without its argument" "needs an argument" create -f
bad "check -r bad value" "expecting 'leaks' or 'all'" check -r some q.qcow2
bad "create without size" "needs a size" create -f qcow2 x.qcow2
bad "create with a bad size" "Invalid image size '12Q'" create -f qcow2 x.qcow2 12Q
bad "create with an unknown format" "Unknown file format 'vmdkx'" create -f vmdkx x.img 1M
bad "create with an unknown -o option" "Invalid parameter 'nosuch'" create -f qcow2 -o nosuch=1 x.qcow2 1M
bad "create -o for the wrong format" "Invalid parameter 'cluster_size'" create -f raw -o cluster_size=4k x.img 1M
bad "create -b without -F" "without backing format" create -f qcow2 -b q.qcow2 x.qcow2
bad "create with a bad cluster size" "cluster" create -q -f qcow2 -o cluster_size=3000 x.qcow2 1M
bad "convert with one file" "Expecting a source and a target" convert q.qcow2
bad "convert -c to raw" "Compression not supported" convert -c -O raw q.qcow2 x.raw
bad "resize without size" "Expecting image file name and size" resize q.qcow2
bad "resize with a bad size" "Invalid size" resize q.qcow2 +abc
bad "commit without file" "Expecting one image file name" commit
bad "compare with one file" "Expecting two image file names" compare q.qcow2
bad "info --output=xml" "human or json" info --output=xml q.qcow2
# Corrupt images: a truncated header, an L1 table past the end of file.
head -c 40 q.qcow2 >trunc.qcow2
bad "truncated qcow2 header" "trunc.qcow2" info trunc.qcow2
cp q.qcow2 badl1.qcow2
printf '\001\000\000\000\000\000\000\000' | dd of=badl1.qcow2 bs=1 seek=40 conv=notrunc 2>/dev/null
bad "qcow2 L1 table past the end of the file" "badl1.qcow2" check badl1.qcow2

finish "emu-img tests"
