# tests/cli/emu-img-snapshot.sh - emu-img snapshot -c/-a/-d against
# qemu-img and qemu-io.  Sourced by tests/cli/emu-img.sh (its helpers:
# ei/qi, same, ok, clean, bad, pass/fail; the current folder is its
# scratch folder).
#
# For cluster sizes 512 B, 64 KiB and 2 MiB and compat 0.10 and 1.1:
# snapshots taken by emu-img between qemu-io writes; qemu-img check
# clean and qemu-img snapshot -l identical after each step; applying one
# (by name and by id) reads back what qemu-io wrote before it; deleting
# them leaves no leak.  Also qemu-img's snapshots applied by emu-img,
# messages and exit statuses next to qemu-img's, and damaged tables.

# same_err NAME ARGS...: the same exit status and the same last line on
# stderr as qemu-img, program names aside.
same_err() {
    name=$1; shift
    ei "$@"
    qi "$@"
    el=$(tail -n 1 e.err | sed "s/^$prefix//")
    ql=$(tail -n 1 q.err | sed 's/^qemu-img: //')
    if [ $es -ne $qs ]; then
        fail "$name" "exit status $es, qemu-img $qs ($el)"
    elif [ "$el" != "$ql" ]; then
        fail "$name" "'$el', qemu-img says '$ql'"
    else
        pass "$name: $el"
    fi
}

# reads NAME IMG qemu-io-read-commands...: qemu-io verifies the patterns.
reads() {
    name=$1 img=$2; shift 2
    if "$QEMU_IO" "$@" "$img" >qio.out 2>&1 &&
            ! grep -q -i 'fail' qio.out; then
        pass "$name"
    else
        fail "$name" "$(grep -i -m 1 'fail\|error' qio.out)"
    fi
}

for cs in 512 65536 2M; do
    for compat in 0.10 1.1; do
        t="snapshot ($cs, compat $compat)"
        img=s.qcow2
        rm -f $img
        "$QEMU_IMG" create -q -f qcow2 -o cluster_size=$cs,compat=$compat $img 8M
        qio -c 'write -P 0x11 0 3M' -c 'write -P 0x22 5M 1M' $img
        ok "$t: -c one" snapshot -c one $img || continue
        qio -c 'write -P 0x33 1M 3M' $img
        ok "$t: -c two" snapshot -q -c two $img || continue
        qio -c 'write -P 0x44 0 512k' -c 'write -z 5M 64k' $img
        clean "$t: qemu-img check after -c" $img &&
            pass "$t: qemu-img check clean after -c"
        same "$t: snapshot -l" snapshot -l $img
        same "$t: info" info $img
        ok "$t: -a one" snapshot -a one $img &&
            reads "$t: -a one reads back" $img -c 'read -P 0x11 0 3M' \
                -c 'read -P 0 3M 2M' -c 'read -P 0x22 5M 1M'
        clean "$t: qemu-img check after -a" $img &&
            pass "$t: qemu-img check clean after -a"
        qio -c 'write -P 0x55 2M 1M' $img
        ok "$t: -a 2 (by id)" snapshot -a 2 $img &&
            reads "$t: -a 2 reads back" $img -c 'read -P 0x11 0 1M' \
                -c 'read -P 0x33 1M 3M' -c 'read -P 0x22 5M 1M'
        ok "$t: -d one" snapshot -d one $img &&
            clean "$t: qemu-img check after -d" $img &&
            pass "$t: qemu-img check clean after -d"
        same "$t: check after -d" check $img
        ok "$t: -d two" snapshot -d two $img
        qi snapshot -l $img
        [ ! -s q.out ] && pass "$t: no snapshot left" ||
            fail "$t: no snapshot left" "$(cat q.out)"
        clean "$t: qemu-img check at the end" $img &&
            reads "$t: data after deleting every snapshot" $img \
                -c 'read -P 0x11 0 1M' -c 'read -P 0x33 1M 3M'
    done
done

# qemu-img's snapshots applied and deleted by emu-img.
rm -f qs.qcow2
"$QEMU_IMG" create -q -f qcow2 qs.qcow2 4M
qio -c 'write -P 0x61 0 1M' qs.qcow2
"$QEMU_IMG" snapshot -c made-by-qemu qs.qcow2
qio -c 'write -P 0x62 0 2M' qs.qcow2
ok "snapshot -a of qemu-img's snapshot" snapshot -a made-by-qemu qs.qcow2 &&
    reads "qemu-img's snapshot reads back" qs.qcow2 -c 'read -P 0x61 0 1M' \
        -c 'read -P 0 1M 1M'
ok "snapshot -d of qemu-img's snapshot" snapshot -d made-by-qemu qs.qcow2 &&
    clean "qemu-img check after -d of qemu-img's snapshot" qs.qcow2 &&
    pass "qemu-img check clean after -d of qemu-img's snapshot"
# ... and emu-img's by qemu-img.
ok "snapshot -c for qemu-img" snapshot -c made-by-emu qs.qcow2
qio -c 'write -P 0x63 0 1M' qs.qcow2
qi snapshot -a made-by-emu qs.qcow2
[ $qs -eq 0 ] && reads "qemu-img snapshot -a of emu-img's snapshot" qs.qcow2 \
    -c 'read -P 0x61 0 1M' ||
    fail "qemu-img snapshot -a of emu-img's snapshot" "$(head -n 1 q.err)"
qi snapshot -d made-by-emu qs.qcow2
[ $qs -eq 0 ] && clean "qemu-img -d of emu-img's snapshot" qs.qcow2 &&
    pass "qemu-img snapshot -d of emu-img's snapshot"

# Messages and exit statuses.
"$QEMU_IMG" snapshot -c one qs.qcow2
same_err "snapshot -a of a missing snapshot" snapshot -a nope qs.qcow2
same_err "snapshot -d of a missing snapshot" snapshot -d nope qs.qcow2
same_err "snapshot -U -c" snapshot -U -c x qs.qcow2
same "snapshot without an action (does nothing, as qemu-img)" snapshot qs.qcow2
"$QEMU_IMG" create -q -f raw sr.img 1M
same_err "snapshot -c of a raw image" snapshot -c x sr.img
same_err "snapshot -a of a raw image" snapshot -a x sr.img
same_err "snapshot -d of a raw image" snapshot -d x sr.img
"$QEMU_IMG" create -q -f qcow2 -o compat=0.10 sv2.qcow2 1M
ok "snapshot -c of a v2 image" snapshot -c s sv2.qcow2
same_err "resize of a v2 image with snapshots" resize sv2.qcow2 2M
bad "snapshot -c of a taken name" "already has a snapshot named 'one'" \
    snapshot -c one qs.qcow2
bad "snapshot -c and -a" "Cannot mix '-l', '-a', '-c', '-d'" \
    snapshot -c x -a y qs.qcow2
"$QEMU_IMG" create -q -f qcow2 -o refcount_bits=1 sr1.qcow2 1M
qio -c 'write 0 64k' sr1.qcow2
bad "snapshot -c with refcount_bits=1" "refcount would overflow" \
    snapshot -c x sr1.qcow2
clean "no leak after a failed snapshot -c" sr1.qcow2 &&
    pass "no leak after a failed snapshot -c"

# Damaged tables: a clear message naming the problem.
"$QEMU_IMG" create -q -f qcow2 sd.qcow2 1M
"$EMU_IMG" snapshot -c a sd.qcow2
"$EMU_IMG" snapshot -c b sd.qcow2
table=$(be64 sd.qcow2 64)
cp sd.qcow2 sd1.qcow2
put16 sd1.qcow2 $((table + 6)) 0x1000 # the L1 offset off by 4 KiB
bad "snapshot -a with an unaligned snapshot L1 table" \
    "L1 table of snapshot 'a' (id 1) at" snapshot -a a sd1.qcow2
bad "snapshot -d with an unaligned snapshot L1 table" "not cluster aligned" \
    snapshot -d a sd1.qcow2
ok "snapshot -a of the intact snapshot of the same image" snapshot -a b sd1.qcow2 &&
    pass "the intact snapshot still applies"
cp sd.qcow2 sd2.qcow2
put16 sd2.qcow2 70 0x0200 # the table offset, not cluster aligned
bad "snapshot -l with an unaligned snapshot table" \
    "snapshot table offset 0x" snapshot -l sd2.qcow2
cp sd.qcow2 sd3.qcow2
put16 sd3.qcow2 62 0x7fff # nb_snapshots past the table
bad "snapshot -l with too many entries" "beyond the end of the file" \
    snapshot -l sd3.qcow2
