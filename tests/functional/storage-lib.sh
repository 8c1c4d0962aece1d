# tests/functional/storage-lib.sh - shared by the storage tests
# (test-storage-*.sh).  Source it after tests/lib.sh and `cd "$root"`.
#
# storage_setup: checks the emulator and finds the disk guests
#   (scripts/build-disk-guests.sh, which builds them on first use), or
#   ends the script with a skip that names what is missing outside the
#   project.  Sets $logdir and the DISK_* variables of disk.env, and
#   $work, a scratch directory removed at exit.
# storage_need OPTION...: ends the script with a skip when this emu still
#   refuses one of OPTIONs as not built yet (the list in `emu -help`).
# storage_run NAME STEPS... -- ARGS...: runs expect.py with STEPS on
#   "$EMU $STORAGE_ARGS ARGS $EMU_EXTRA_ARGS", logging the serial output
#   to $logdir/NAME.log; returns expect.py's status, with its one-line
#   reason in $why.
# storage_fail TEST REASON: prints the FAIL line with the emulator's last
#   serial line and stderr, counts the failure.
#
# Environment: EMU (default ./emu), STORAGE_ACCEL (default tcg),
# STORAGE_TIMEOUT (seconds per wait, default 120), EMU_EXTRA_ARGS
# (appended; e.g. "-nodefaults -serial mon:stdio" when EMU is
# qemu-system-i386), EMU_NO_FETCH=1 (skip rather than download the
# guests scripts/fetch-guests.sh fetches),
# EMU_GUEST_CACHE, FUNC_LOG_DIR (default build/functional).

STORAGE_ACCEL=${STORAGE_ACCEL:-tcg}
STORAGE_TIMEOUT=${STORAGE_TIMEOUT:-120}
EMU_EXTRA_ARGS=${EMU_EXTRA_ARGS:-}
STORAGE_ARGS="-machine pc -accel $STORAGE_ACCEL -m 256 -nographic -rtc $EMU_TEST_RTC"
# The kernel command line of the -kernel guests: the same for emu and
# QEMU.  (emu's direct-boot ACPI tables describe the PCI root bridge,
# hw/pc/acpi-build.c, so Linux finds the IDE function through ACPI as it
# does with SeaBIOS's tables.)
STORAGE_APPEND="console=ttyS0 panic=-1"

storage_setup() {
    logdir=${FUNC_LOG_DIR:-build/functional}
    mkdir -p "$logdir"
    if ! command -v "$EMU" >/dev/null 2>&1 && [ ! -x "$EMU" ]; then
        skipped=1
        finish "emulator $EMU not found"
    fi
    if [ "$STORAGE_ACCEL" = tcg ] && [ "$(basename "$EMU")" = emu ] &&
       ! "$EMU" -accel help 2>/dev/null | grep -q '^tcg'; then
        skipped=1
        finish "emu has no tcg accelerator (emu -accel help does not list it)"
    fi
    for tool in python3 qemu-img; do
        command -v $tool >/dev/null 2>&1 ||
            { skipped=1; finish "$tool not found (scripts/install-deps.sh)"; }
    done
    build=$root/scripts/build-disk-guests.sh
    if ! denv=$(sh "$build" --print 2>/dev/null); then
        # EMU_NO_FETCH=1 forbids downloads, not building from the cache.
        if [ "${EMU_NO_FETCH:-0}" = 1 ] &&
           ! sh "$root/scripts/fetch-guests.sh" --print >/dev/null 2>&1; then
            skipped=1
            finish "guests not cached and EMU_NO_FETCH=1 (run scripts/build-disk-guests.sh)"
        fi
        echo "$(basename "$0" .sh): building the disk guests (scripts/build-disk-guests.sh)..."
        if ! denv=$(sh "$build" 2>"$logdir/build-disk-guests.log"); then
            tail -n 3 "$logdir/build-disk-guests.log"
            skipped=1
            finish "could not build the disk guests (see $logdir/build-disk-guests.log)"
        fi
    fi
    eval "$denv"
    work=$(mktemp -d "${TMPDIR:-/tmp}/emu-storage.XXXXXX") || exit 1
    trap 'rm -rf "$work"' EXIT INT TERM
}

storage_need() {
    refused=$("$EMU" -help 2>/dev/null | sed -n '/^Not built yet/,/^$/p' | tr '\n' ' ')
    [ -n "$refused" ] || return 0
    for o in "$@"; do
        case " $refused " in
            *" $o "*)
                skipped=1
                finish "this emu refuses $o as not built yet (emu -help)" ;;
        esac
    done
}

storage_run() {
    log=$logdir/$1.log
    shift
    # Rebuild "$@" with the emulator and the common options after "--"
    # (the for list is expanded once, before the loop changes "$@").
    seen=no
    for a in "$@"; do
        shift
        if [ "$a" = -- ] && [ $seen = no ]; then
            seen=yes
            # shellcheck disable=SC2086
            set -- "$@" -- "$EMU" $STORAGE_ARGS
        else
            set -- "$@" "$a"
        fi
    done
    # shellcheck disable=SC2086
    python3 "$here/expect.py" --log "$log" --stderr "$log.err" "$@" \
        $EMU_EXTRA_ARGS 2>"$work/why"
    st=$?
    why=$(head -n 1 "$work/why" | sed 's/ (last output.*//;s/^expect: //')
    return $st
}

storage_fail() {
    echo "FAIL $1: $2"
    last=$(tr -d '\r' <"$log" 2>/dev/null | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' |
           grep -a -v '^[[:space:]]*$' | tail -n 1 | cut -c1-200)
    echo "     last serial line: ${last:-none}"
    grep -a -v '^$' "$log.err" 2>/dev/null | tail -n 2 | sed 's/^/     stderr: /'
    echo "     log: $log"
    failed=$((failed + 1))
}
