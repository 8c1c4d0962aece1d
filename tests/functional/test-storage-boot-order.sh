#!/bin/sh
# test-storage-boot-order.sh - `-boot` is honoured.  Every case attaches
# all three bootable media (scripts/build-disk-guests.sh):
#   -hda hd-syslinux.img   prints EMU-BOOT-HD (SYSLINUX)
#   -cdrom order.iso       prints EMU-BOOT-CD (GRUB), then reboots
#   -fda fd-syslinux.img   prints EMU-BOOT-FD (SYSLINUX)
# and checks which one boots first:
#   -boot c -> HD, -boot d -> CD, -boot a -> FD,
#   -boot order=c,once=d -> CD, then after the CD's reboot HD,
#   -boot order=d,menu=on -> SeaBIOS offers its menu ("Press ESC for boot
#   menu"), then, untouched, boots CD.
# Environment: see storage-lib.sh.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
. "$here/storage-lib.sh"
cd "$root" || exit 1
storage_setup
storage_need -hda -cdrom -fda -boot -snapshot

media="-hda $DISK_HD -cdrom $DISK_ORDER_ISO -fda $DISK_FLOPPY -snapshot"
marker='EMU-BOOT-(HD|CD|FD)'
t=$STORAGE_TIMEOUT

# markers LOG: the boot markers in the order they appeared, one line,
# repeats of the same marker in a row counted once.
markers() {
    tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' |
        grep -a -o -E "$marker" | sed 's/^EMU-BOOT-//' | uniq | tr '\n' ' ' |
        sed 's/ $//'
}

# check NAME WANT BOOT [EXTRA STEPS...]: boot with -boot BOOT until
# WANT's markers (space separated) were seen, compare the order.
check() {
    name=$1 want=$2 boot=$3
    shift 3
    n=$(echo "$want" | wc -w)
    set -- "$@" -t "$t"
    i=0
    while [ $i -lt "$n" ]; do
        set -- "$@" -r "$marker"
        i=$((i + 1))
    done
    # shellcheck disable=SC2086
    if storage_run "storage-boot-order-$name" "$@" -k -- $media -boot "$boot"; then
        got=$(markers "$log")
        if [ "$got" = "$want" ]; then
            echo "PASS test-storage-boot-order $name: -boot $boot booted $got"
            passed=$((passed + 1))
        else
            storage_fail "test-storage-boot-order $name" "-boot $boot booted '$got', want '$want'"
        fi
    else
        got=$(markers "$log")
        storage_fail "test-storage-boot-order $name" "-boot $boot: $why (booted so far: '${got:-nothing}', want '$want')"
    fi
}

check c HD c
check d CD d
check a FD a
check once-d "CD HD" order=c,once=d
check menu CD order=d,menu=on -t "$t" -e "Press ESC for boot menu"
finish "nothing ran"
