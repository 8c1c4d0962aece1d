#!/bin/sh
# tests/fuzz/run.sh - long fuzzing runs (`make fuzz`), two parts:
#
# 1. The guest-side fuzzer (tests/fuzz/guest-fuzz.asm) as the -bios of the
#    ASan+UBSan build (emu-san), one run per seed: FUZZ_SEEDS seeds from
#    FUZZ_START, FUZZ_OPS random operations each.  A seed is reported when
#    emu crashed (signal), printed a sanitizer report, hung (no progress line
#    for FUZZ_STALL seconds, or not done in FUZZ_TIMEOUT; the last progress
#    count is shown), or the
#    guest detected a CPU fault (stale self-modified code, the ROM changed,
#    an exception, a triple fault).  Each report comes with the command
#    that reproduces it.
# 2. Every device fuzz target for FUZZ_TIME seconds: the libFuzzer build
#    (build-fuzz/fuzz/lf-*) when clang's libFuzzer is here, otherwise the
#    standalone driver (build-san/fuzz/fuzz-*).  Crashing inputs are saved
#    in $FUZZ_OUT/artifacts, the corpus grows in $FUZZ_OUT/corpus/<target>.
#
# Environment (defaults in brackets):
#   FUZZ_SEEDS [20]  FUZZ_START [1]  FUZZ_OPS [100000]  FUZZ_TIMEOUT [300]
#   FUZZ_STALL [20] (the guest prints progress every 1024 operations)
#   FUZZ_ACCEL [tcg]  FUZZ_MASK [empty]: bugs the guest can steer
#     around while one is open (see guest-fuzz.asm; all three are fixed):
#       pit       PIT channel 0 counts 2-12 (a timer storm starved the vCPU)
#       smc       self-modifying code and ROM stores (a use-after-free in
#                 block chaining when the code cache was flushed)
#       smc-same  no store into the instruction that follows it in the
#                 same block (the translator ran the stale instruction)
#   FUZZ_TIME [60] seconds per device target, 0 to skip part 2
#   FUZZ_TARGETS [all]  FUZZ_GUEST [1] (0 skips part 1)
#   FUZZ_OUT [build-san/fuzz-run]  EMU_SAN [./emu-san]
# Prints a last line "fuzz: N findings" and exits 1 if there are any.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1

FUZZ_SEEDS=${FUZZ_SEEDS:-20}
FUZZ_START=${FUZZ_START:-1}
FUZZ_OPS=${FUZZ_OPS:-100000}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-300}
FUZZ_STALL=${FUZZ_STALL:-20}
FUZZ_ACCEL=${FUZZ_ACCEL:-tcg}
FUZZ_MASK=${FUZZ_MASK-}
FUZZ_TIME=${FUZZ_TIME:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-}
FUZZ_GUEST=${FUZZ_GUEST:-1}
FUZZ_OUT=${FUZZ_OUT:-build-san/fuzz-run}
EMU_SAN=${EMU_SAN:-./emu-san}
GUEST_BIN=build/guests/fuzz-guest.bin

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

findings=0
mkdir -p "$FUZZ_OUT/seeds" "$FUZZ_OUT/artifacts" "$FUZZ_OUT/corpus"

flags=0
for m in $(echo "$FUZZ_MASK" | tr ',' ' '); do
    case "$m" in
        pit) flags=$((flags | 1)) ;;
        smc) flags=$((flags | 2)) ;;
        smc-same) flags=$((flags | 4)) ;;
        *) echo "run.sh: unknown FUZZ_MASK item '$m' (pit, smc, smc-same)" >&2
           exit 2 ;;
    esac
done

# Little-endian 32-bit value as printf escapes.
le32() {
    printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $((($1 >> 8) & 255)) \
        $((($1 >> 16) & 255)) $((($1 >> 24) & 255))
}

# The image for one seed: the parameters patched in after "EMUFUZZ1".
make_image() {
    cp "$GUEST_BIN" "$2" || return 1
    # shellcheck disable=SC2059
    printf "$(le32 "$1")$(le32 "$FUZZ_OPS")$(le32 "$flags")" |
        dd of="$2" bs=1 seek=8 conv=notrunc 2>/dev/null
}

run_seed() {
    seed=$1
    img=$FUZZ_OUT/seeds/seed-$seed.bin
    log=$FUZZ_OUT/seeds/seed-$seed.progress
    err=$FUZZ_OUT/seeds/seed-$seed.stderr
    make_image "$seed" "$img" || return 1
    rm -f "$log"
    cmd="$EMU_SAN -accel $FUZZ_ACCEL -m 64 -bios $img -display none \
-serial null -debugcon null -chardev file,id=fzlog,path=$log \
-device isa-debugcon,iobase=0x4e9,chardev=fzlog \
-device isa-debug-exit,iobase=0x501,iosize=2 -no-reboot"
    # Watch the progress file: no growth for FUZZ_STALL seconds is a hang.
    # shellcheck disable=SC2086
    $cmd </dev/null >/dev/null 2>"$err" &
    pid=$!
    hung= stall=0 elapsed=0 lastsize=-1
    while kill -0 "$pid" 2>/dev/null; do
        sleep 1
        elapsed=$((elapsed + 1))
        size=$(wc -c <"$log" 2>/dev/null || echo 0)
        if [ "$size" = "$lastsize" ]; then
            stall=$((stall + 1))
        else
            stall=0
            lastsize=$size
        fi
        if [ $stall -ge "$FUZZ_STALL" ]; then
            hung="no progress for ${FUZZ_STALL}s"
        elif [ $elapsed -ge "$FUZZ_TIMEOUT" ]; then
            hung="not done after ${FUZZ_TIMEOUT}s"
        fi
        if [ -n "$hung" ]; then
            kill "$pid" 2>/dev/null
            sleep 2
            kill -9 "$pid" 2>/dev/null
            break
        fi
    done
    wait "$pid"
    st=$?
    last=$(grep -a -v '^$' "$log" 2>/dev/null | tail -n 1)
    why=
    if grep -a -q -E 'ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer' "$err"; then
        why="sanitizer report: $(grep -a -m 1 -E 'ERROR: AddressSanitizer|runtime error:' "$err")"
    elif [ -n "$hung" ]; then
        why="hung: $hung (last progress: ${last:-none})"
    elif [ $st -gt 128 ]; then
        why="crashed: signal $((st - 128)) (last progress: ${last:-none})"
    elif grep -a -q 'triple fault' "$err"; then
        why="triple fault (last progress: ${last:-none})"
    elif [ $st -ne 33 ] || [ "$last" != "FUZZ done" ]; then
        why="exit status $st: ${last:-no output} $(grep -a -v 'not supported' "$err" | tail -n 1)"
    fi
    if [ -z "$why" ]; then
        echo "ok   seed $seed ($FUZZ_OPS ops)"
        return 0
    fi
    findings=$((findings + 1))
    echo "FIND seed $seed: $why"
    echo "     reproduce: FUZZ_START=$seed FUZZ_SEEDS=1 FUZZ_OPS=$FUZZ_OPS" \
         "FUZZ_MASK=$FUZZ_MASK FUZZ_TIME=0 make fuzz"
    echo "     or: $cmd"
    echo "     stderr: $err"
}

selected() {
    [ -z "$FUZZ_TARGETS" ] && return 0
    case " $FUZZ_TARGETS " in *" $1 "*) return 0 ;; esac
    return 1
}

if [ "$FUZZ_GUEST" != 0 ] && [ "$FUZZ_SEEDS" -gt 0 ]; then
    if [ ! -x "$EMU_SAN" ] || [ ! -f "$GUEST_BIN" ]; then
        echo "run.sh: need $EMU_SAN and $GUEST_BIN (make fuzz builds them)" >&2
        exit 2
    fi
    echo "=== guest fuzzer: seeds $FUZZ_START..$((FUZZ_START + FUZZ_SEEDS - 1))," \
         "$FUZZ_OPS ops, accel $FUZZ_ACCEL, masked: ${FUZZ_MASK:-nothing}"
    s=$FUZZ_START
    while [ "$s" -lt $((FUZZ_START + FUZZ_SEEDS)) ]; do
        run_seed "$s"
        s=$((s + 1))
    done
fi

if [ "$FUZZ_TIME" -gt 0 ]; then
    echo "=== device targets: ${FUZZ_TIME}s each"
    for src in tests/fuzz/fuzz-*.c; do
        name=$(basename "$src" .c | sed 's/^fuzz-//')
        selected "$name" || continue
        corpus=$FUZZ_OUT/corpus/$name
        mkdir -p "$corpus"
        log=$FUZZ_OUT/$name.log
        seeds=
        [ -d "tests/fuzz/corpus/$name" ] && seeds=tests/fuzz/corpus/$name
        if [ -x "build-fuzz/fuzz/lf-$name" ]; then
            # shellcheck disable=SC2086
            "build-fuzz/fuzz/lf-$name" -max_total_time="$FUZZ_TIME" \
                -max_len=1200 -timeout=10 -detect_leaks=0 \
                -print_final_stats=1 \
                -artifact_prefix="$FUZZ_OUT/artifacts/$name-" \
                "$corpus" $seeds >"$log" 2>&1
            st=$?
            execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
            how=libFuzzer
        else
            "build-san/fuzz/fuzz-$name" -seed="$(date +%s)" -runs=0 \
                -max_total_time="$FUZZ_TIME" \
                -artifact_prefix="$FUZZ_OUT/artifacts/" >"$log" 2>&1
            st=$?
            execs=$(sed -n 's/^fuzz-[^:]*: \([0-9]*\) inputs.*/\1/p' "$log")
            how=driver
        fi
        if [ $st -eq 0 ]; then
            echo "ok   $name: ${execs:-?} executions ($how)"
        else
            findings=$((findings + 1))
            echo "FIND $name: exit $st ($how), log $log"
            grep -a -E '^fuzz:|ERROR|runtime error|Test unit written|reproduce' \
                "$log" | head -n 6 | sed 's/^/     /'
        fi
    done
fi

echo "fuzz: $findings findings"
[ $findings -eq 0 ]
