#!/bin/sh
# Direct kernel boot under KVM: run emu with our two test kernels
# (tests/guests/testkernel-bzimage.asm, testkernel-multiboot.asm) and check
# what they report on the serial port and their exit status.
#
#   EMU=./emu sh tests/functional/test-kernel-boot.sh
#
# The test kernels exit through isa-debug-exit: status 33 when all their
# own checks passed, 35 when one failed (see tests/guests/testkernel-lib.inc).
# Exit status: 0 pass, 1 fail, 77 skipped (no usable /dev/kvm, or the test
# kernels are not built: make guests).
set -u

EMU=${EMU:-./emu}
GUESTS=${GUESTS:-build/guests}
TIMEOUT=${TIMEOUT:-60}
BZ=$GUESTS/testkernel-bzimage.bin
MB=$GUESTS/testkernel-multiboot.bin

skip() {
    echo "SKIP: $*"
    exit 77
}

if [ ! -e /dev/kvm ]; then
    skip "/dev/kvm does not exist"
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    skip "/dev/kvm is not readable and writable by $(id -un)"
fi
if ! "$EMU" -accel help 2>&1 | grep -i '^ *kvm' | grep -qiv 'not usable\|unavailable\|not available'; then
    skip "emu says kvm is not usable here ($EMU -accel help)"
fi
[ -x "$EMU" ] || { echo "FAIL: $EMU is not an executable (make emu)"; exit 1; }
[ -f "$BZ" ] && [ -f "$MB" ] || skip "$BZ / $MB not built (make guests)"

tmp=$(mktemp -d /tmp/emu-kernel-boot-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# expect FILE LINE: LINE (a fixed string) is one of FILE's lines.
expect() {
    tr -d '\r' <"$1" | grep -qxF -- "$2" || fail "$3: no line '$2'"
}

# run NAME OUT ARGS...: run emu, record its output in OUT, return its status.
run() {
    name=$1 out=$2
    shift 2
    timeout "$TIMEOUT" "$EMU" -accel kvm -m 128 -nographic \
        -rtc "${EMU_TEST_RTC:-base=2024-06-15T15:30:00,clock=vm}" \
        -device isa-debug-exit "$@" >"$out" 2>"$out.err" </dev/null
    status=$?
    if [ $status -ne 33 ]; then
        fail "$name: exit status $status, expected 33"
        echo "---- $name output ----"
        cat "$out" "$out.err"
        echo "----"
    fi
}

printf 'INITRD-TEST-DATA-0123456789abcdef\n' >"$tmp/initrd"
printf 'MODULE-ONE-DATA-xyz\n' >"$tmp/mod1"
printf 'MODULE-TWO\n' >"$tmp/mod2"

# ---- bzImage: 32-bit boot protocol ----
out=$tmp/bz.out
run bzimage "$out" -kernel "$BZ" -append "console=ttyS0 emu.test=1 a b" \
    -initrd "$tmp/initrd"
n=bzimage
expect "$out" "testkernel-bzimage: entered" $n
expect "$out" "regs: esi=00007000 ebx=00000000 ebp=00000000 edi=00000000" $n
expect "$out" "mode: protected, paging off" $n
expect "$out" "boot: protocol=020F loader=FF loadflags=81 code32=00100000" $n
expect "$out" "cmdline: console=ttyS0 emu.test=1 a b" $n
# 128 MiB: the 34-byte initrd in the last page of RAM
expect "$out" "initrd: addr=07FFF000 size=00000022 data=INITRD-TEST-DATA" $n
expect "$out" "e820: 5 entries" $n
expect "$out" "e820: 0000000000000000 000000000009E000 1" $n
expect "$out" "e820: 000000000009E000 0000000000001C00 3" $n
expect "$out" "e820: 000000000009FC00 0000000000060400 2" $n
expect "$out" "e820: 0000000000100000 0000000007F00000 1" $n
expect "$out" "e820: 00000000FFFC0000 0000000000040000 2" $n
expect "$out" "result: PASS" $n
grep -q "FAIL:" "$out" && fail "$n: the kernel reported a failure"

# ---- multiboot: two modules, one with arguments and an escaped comma ----
out=$tmp/mb.out
run multiboot "$out" -kernel "$MB" -append "hello=world x" \
    -initrd "$tmp/mod1 arg=1,,2,$tmp/mod2"
n=multiboot
expect "$out" "testkernel-multiboot: entered" $n
expect "$out" "magic: 2BADB002" $n
expect "$out" "mode: protected, paging off" $n
# The 8259s, PIT and IVT as SeaBIOS leaves them (kvm-unit-tests' realmode).
expect "$out" "legacy: imr=B8 8E ivt8=9FF00001 irq0 wakes hlt" $n
expect "$out" "mbi: addr=00009000 flags=0000024D" $n
expect "$out" "mem: lower=632 upper=130048" $n
expect "$out" "cmdline: $MB hello=world x" $n
expect "$out" "loader: emu" $n
expect "$out" "mods: count=2" $n
expect "$out" "mod0: data=MODULE-ONE-DATA-" $n
expect "$out" "mod1: data=MODULE-TWO." $n
tr -d '\r' <"$out" | grep -q "^mod0: start=.*size=00000014 string=$tmp/mod1 arg=1,2\$" ||
    fail "$n: module 0 line"
tr -d '\r' <"$out" | grep -q "^mod1: start=.*size=0000000B string=$tmp/mod2\$" ||
    fail "$n: module 1 line"
expect "$out" "mmap: 0000000000100000 0000000007F00000 1" $n
expect "$out" "result: PASS" $n
grep -q "FAIL:" "$out" && fail "$n: the kernel reported a failure"

# ---- errors: one line "<program>: ..." (emu names itself after argv[0]) and status 1 ----
printf 'not a kernel\n' >"$tmp/notkernel"
timeout "$TIMEOUT" "$EMU" -accel kvm -nographic -kernel "$tmp/notkernel" \
    >"$tmp/err.out" 2>&1 </dev/null
status=$?
[ $status -eq 1 ] || fail "not a kernel: exit status $status, expected 1"
grep -q "^$(basename "$EMU"): .*neither a Linux bzImage nor a multiboot kernel" \
    "$tmp/err.out" || fail "not a kernel: message: $(cat "$tmp/err.out")"

timeout "$TIMEOUT" "$EMU" -accel kvm -nographic -kernel "$BZ" \
    -initrd "$tmp/missing-initrd" >"$tmp/err.out" 2>&1 </dev/null
status=$?
[ $status -eq 1 ] || fail "missing initrd: exit status $status, expected 1"
grep -q "^$(basename "$EMU"): cannot open initrd '$tmp/missing-initrd'" "$tmp/err.out" ||
    fail "missing initrd: message: $(cat "$tmp/err.out")"

if [ $failures -ne 0 ]; then
    echo "test-kernel-boot: $failures failure(s)"
    exit 1
fi
echo "test-kernel-boot: PASS"
exit 0
