#!/bin/sh
# tests/fuzz/smoke.sh - the fuzz tier of `make check`: a short, fixed-seed
# run of every device fuzz target with the standalone driver (ASan+UBSan
# build, build-san/fuzz/), a replay of the saved inputs in
# tests/fuzz/corpus/<target>/ (regression inputs of bugs found so far), and
# a check that every hw/ file registering a device class is covered by a
# target (a new device needs a fuzz target: docs/devel/fuzzing.md), and
# three seeds of the guest fuzzer on $EMU (tcg, 20000 operations each).
#
# Deterministic: input i of target T is a function of (seed, i) only.
# Prints one line per check and, last, "N passed, N failed, N skipped".
# Environment: FUZZ_DIR (default build-san/fuzz), FUZZ_SMOKE_RUNS (inputs
# per target, default 2000), FUZZ_SMOKE_SEED (default 1), FUZZ_SMOKE_SEEDS
# (guest fuzzer seeds, default 3), EMU (default ./emu).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1
FUZZ_DIR=${FUZZ_DIR:-build-san/fuzz}
RUNS=${FUZZ_SMOKE_RUNS:-2000}
SEED=${FUZZ_SMOKE_SEED:-1}
logdir=$FUZZ_DIR/logs
art=$FUZZ_DIR/artifacts
mkdir -p "$logdir" "$art"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

passed=0 failed=0 skipped=0

for src in tests/fuzz/fuzz-*.c; do
    name=$(basename "$src" .c | sed 's/^fuzz-//')
    bin=$FUZZ_DIR/fuzz-$name
    if [ ! -x "$bin" ]; then
        echo "FAIL fuzz-$name: $bin not built (make fuzz-smoke-bins)"
        failed=$((failed + 1))
        continue
    fi
    log=$logdir/$name.log
    timeout -k 5 120 "$bin" -seed="$SEED" -runs="$RUNS" -timeout=20 \
        -artifact_prefix="$art/" >"$log" 2>&1
    st=$?
    if [ $st -eq 0 ] && [ -d "tests/fuzz/corpus/$name" ]; then
        timeout -k 5 120 "$bin" "tests/fuzz/corpus/$name" >>"$log" 2>&1
        st=$?
    fi
    if [ $st -eq 0 ]; then
        echo "PASS fuzz-$name: $(grep -a '^fuzz-' "$log" | tr '\n' ' ')"
        passed=$((passed + 1))
    else
        echo "FAIL fuzz-$name (exit $st, log: $log)"
        grep -a -E '^fuzz:|ERROR|runtime error' "$log" | head -n 6 |
            sed 's/^/     /'
        failed=$((failed + 1))
    fi
done

# The guest fuzzer: a few fixed seeds on the emulator under test (tcg).
gbin=build/guests/fuzz-guest.bin
EMU=${EMU:-./emu}
if [ -x "$EMU" ] && [ -f "$gbin" ]; then
    glog=$logdir/guest.log
    EMU_SAN=$EMU FUZZ_SEEDS=${FUZZ_SMOKE_SEEDS:-3} FUZZ_START=$SEED \
        FUZZ_OPS=20000 FUZZ_TIME=0 FUZZ_TIMEOUT=60 FUZZ_OUT=$FUZZ_DIR/guest \
        sh tests/fuzz/run.sh >"$glog" 2>&1
    if [ $? -eq 0 ]; then
        echo "PASS fuzz-guest: $(grep -a -c '^ok' "$glog") seeds of 20000 operations"
        passed=$((passed + 1))
    else
        echo "FAIL fuzz-guest (log: $glog)"
        grep -a -A 2 '^FIND' "$glog" | head -n 6 | sed 's/^/     /'
        failed=$((failed + 1))
    fi
else
    echo "SKIP fuzz-guest: $EMU or $gbin not built"
    skipped=$((skipped + 1))
fi

# Every device class has a fuzz target.
missing=
for f in $(grep -rl --include='*.c' 'DEVICE_CLASS_REGISTER' hw | sort); do
    if ! grep -q "\.covers = \".*$f" tests/fuzz/fuzz-*.c; then
        missing="$missing $f"
    fi
done
if [ -z "$missing" ]; then
    echo "PASS fuzz-coverage: every hw/ file with a device class has a target"
    passed=$((passed + 1))
else
    echo "FAIL fuzz-coverage: no fuzz target covers:$missing" \
         "(add tests/fuzz/fuzz-<device>.c, docs/devel/fuzzing.md)"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
