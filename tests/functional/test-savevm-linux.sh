#!/bin/sh
# tests/functional/test-savevm-linux.sh - a Linux guest (Debian 686 kernel,
# busybox initramfs: scripts/fetch-guests.sh) is saved with migrate
# "exec:cat > FILE" while a background shell loop counts, restored with
# -incoming in a second emu, and its shell answers (echo $((6*7)) = 42)
# and the loop is still counting (tests/functional/savevm.py linux).
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
cd "$root" || exit 1
export EMU_TEST_RTC

command -v python3 >/dev/null 2>&1 || { skipped=1; finish "python3 not found"; }
if ! env=$(sh "$root/scripts/fetch-guests.sh" --print 2>/dev/null); then
    skipped=1
    finish "guests not cached (run scripts/fetch-guests.sh)"
fi
eval "$env"

# The translator: the Debian 686 kernel stops nested KVM hosts
# (RDRAND emulation; test-linux.sh shows the same), and it is the
# accelerator whose caches a restore must flush.
accel=tcg
out=$(run_timeout 600 python3 "$here/savevm.py" linux "$accel" \
    "$EMU_GUEST_KERNEL_686" "$EMU_GUEST_INITRD_686")
st=$?
echo "$out"
case $st in
    0) passed=1 ;;
    77) skipped=1 ;;
    *) failed=1 ;;
esac
finish "linux guest not runnable"
