#!/bin/sh
# tests/cli/check-layers.sh - the include rules between layers
# (docs/devel/architecture.md, "Layering"), checked on the sources:
#
#  - accel/tcg (the exec loop, softmmu) includes nothing from target-i386:
#    it knows the CPU through accel/tcg/tcg-cpu-ops.h only;
#  - target-i386 includes only accel/tcg's public headers (tcg-cpu-ops.h,
#    cpu-ldst.h, atomic.h, disas.h), never its internals;
#  - tcg/ (the IR and back ends) includes neither accel/ nor target-i386;
#  - devices (hw/, include/hw/) include no accelerator header: neither
#    accel/... nor emu/accel.h, except the machine and the board, which
#    create the vCPUs and start the accelerator (hw/core/machine*.c,
#    hw/pc/pc*.c);
#  - devices see the block layer through include/block/block.h (drives)
#    and the board also through blockdev.h (-drive); nothing in hw/
#    includes block/block-int.h or a block/ source header (the format
#    stack stays invisible to devices).
#  - devices see the UI layer through ui/console.h and ui/input.h only;
#  - migration/ (savevm, the state stream) sits above hw/ and block/ and
#    below monitor/: nothing but migration/ itself, monitor/ and the
#    front end (system/main.c) includes a migration/ header, and
#    migration/ includes no monitor/ source header (it registers its
#    commands through emu/monitor.h);
#  - tools/ (emu-img) uses the block layer and emu/ helpers only: no
#    device, accelerator, translator or machine header.
#  - gdbstub/ sees the CPUs through emu/cpu.h and emu/cpu-debug.h and the
#    target's register and page-walk headers, never an accelerator's
#    internals (accel/...); devices never include the gdbstub.
#
# Prints each offending #include as file:line: text, then "layers: N
# violations"; exits 1 if there is any.  Run from anywhere (make
# check-layers, or tests/cli/run.sh as one test).
set -u

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
out=$(mktemp "${TMPDIR:-/tmp}/emu-layers.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT INT TERM

# includes DIR...: every '#include "..."' line under the folders, as
# file:line:text.
includes() {
    find "$@" -name '*.[ch]' 2>/dev/null | sort |
        xargs grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' \
            2>/dev/null
}

includes accel/tcg | grep '"target-' >>"$out"
includes target-i386 | grep '"accel/' |
    grep -v -E '"accel/tcg/(tcg-cpu-ops|cpu-ldst|atomic|disas)\.h"' >>"$out"
includes tcg | grep -E '"(accel|target-)' >>"$out"
includes hw include/hw | grep -E '"(accel/|emu/accel\.h)' |
    grep -v -E '^hw/(core/machine[^/]*|pc/pc[^/]*)\.c:' >>"$out"

includes hw include/hw | grep -E '"block/' |
    grep -v -E '"block/(block|blockdev)\.h"' >>"$out"
includes hw include/hw | grep -E '"block/blockdev\.h"' |
    grep -v -E '^hw/pc/pc[^/]*\.c:' >>"$out"

# Devices see the net layer through net/net.h; the board also maps -net/-nic
# (net/netdev.h).
includes hw include/hw | grep -E '"net/' |
    grep -v -E '"net/(net|netdev)\.h"' >>"$out"
includes hw include/hw | grep -E '"net/netdev\.h"' |
    grep -v -E '^hw/pc/pc[^/]*\.c:' >>"$out"

# Devices see the UI through ui/console.h (surfaces, consoles) and
# ui/input.h (keyboard and mouse events); the front end (ui/display.h) and
# the front ends' own files are system/'s and ui/'s.
includes hw include/hw | grep -E '"ui/' |
    grep -v -E '"ui/(console|input)\.h"' >>"$out"

includes tools | grep -E '"(hw/|accel/|tcg/|target-|emu/(accel|machine|cpu|memory|device)\.h)' >>"$out"

includes util system hw include/hw include/emu include/block block ui net \
    target-i386 accel tcg tools | grep -E '"migration/' |
    grep -v -E '^system/main\.c:' >>"$out"
includes migration include/migration | grep -E '"monitor/' >>"$out"
includes gdbstub | grep '"accel/' >>"$out"
includes hw include/hw | grep -E '"(gdbstub/|emu/gdbstub\.h|emu/cpu-debug\.h)' >>"$out"

n=$(grep -c '' "$out")
cat "$out"
echo "layers: $n violations"
[ "$n" -eq 0 ]
