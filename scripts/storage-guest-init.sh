#!/bin/busybox sh
# /init of the storage tests' initramfs (scripts/build-disk-guests.sh puts
# it there, over the busybox initramfs's own /init).  Loads the kernel
# modules listed in /lib/modules/load-order (ata_piix, sd_mod, sr_mod,
# ext4, crc32c_generic for ext4, and their dependencies), prints
# "EMU-GUEST-READY", then runs the test named on the kernel command line
# and powers off:
#
#   emutest=ata emutoken=T   waits for /dev/sda and /dev/sr0, prints
#       "EMU-DISKS sda=<sectors> sr0=<sectors> cd=<CD001?>", mounts
#       /dev/sda (ext2), writes T into /emu-ata.txt, syncs, unmounts and
#       prints "EMU-ATA-OK".
#   emutest=flush emutoken=T emucount=N   writes 4 KiB blocks to /dev/sda,
#       block i at byte offset i * 69632 (17 blocks apart, so that every
#       block lands in a new 64 KiB qcow2 cluster), each starting with
#       "EMU-BLOCK <i, 8 digits> T", with fsync after each; prints
#       "EMU-FLUSHED <i>" once block i is flushed.  N blocks (0: until
#       the disk is full), then "EMU-FLUSH-DONE".
#   emutest=bench   runs /bin/disk-bench.sh (the benchmark's initramfs).
#   no emutest=     a shell on the console, as the busybox initramfs.
#
# Any failure prints "EMU-TEST-FAIL <reason>" before the power-off.
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
# No modules.dep here: the kernel's own module requests have nothing to
# find, so keep them quiet.
echo /bin/true >/proc/sys/kernel/modprobe

for m in $(cat /lib/modules/load-order); do
    insmod "/lib/modules/$m" || echo "EMU-TEST-FAIL insmod $m"
done

test= token= count=0
for w in $(cat /proc/cmdline); do
    case $w in
        emutest=*) test=${w#emutest=} ;;
        emutoken=*) token=${w#emutoken=} ;;
        emucount=*) count=${w#emucount=} ;;
    esac
done
echo "EMU-GUEST-READY $(uname -m) $(uname -r)"

fail() {
    echo "EMU-TEST-FAIL $*"
    poweroff -f
}

# wait_dev NAME: the disk's node appears once the SCSI scan found it.
wait_dev() {
    n=0
    while [ ! -b "/dev/$1" ]; do
        n=$((n + 1))
        [ $n -gt 200 ] && return 1
        sleep 0.1
    done
}

case $test in
    "")
        exec setsid cttyhack /bin/sh ;;
    ata)
        wait_dev sda || fail "no /dev/sda"
        wait_dev sr0 || fail "no /dev/sr0"
        cd=$(dd if=/dev/sr0 bs=2048 skip=16 count=1 2>/dev/null | dd bs=1 skip=1 count=5 2>/dev/null)
        echo "EMU-DISKS sda=$(cat /sys/block/sda/size) sr0=$(cat /sys/block/sr0/size) cd=$cd"
        mkdir -p /mnt
        mount -t ext2 /dev/sda /mnt || fail "mount /dev/sda"
        echo "$token" >/mnt/emu-ata.txt || fail "write /mnt/emu-ata.txt"
        sync
        umount /mnt || fail "umount /mnt"
        echo "EMU-ATA-OK" ;;
    flush)
        wait_dev sda || fail "no /dev/sda"
        size=$(cat /sys/block/sda/size)
        i=0
        while [ "$count" -eq 0 ] || [ $i -lt "$count" ]; do
            [ $(((i * 17 + 1) * 8)) -le "$size" ] || break
            printf 'EMU-BLOCK %08d %s\n' $i "$token" |
                dd of=/dev/sda bs=4096 seek=$((i * 17)) count=1 conv=sync,notrunc,fsync 2>/dev/null ||
                fail "write block $i"
            echo "EMU-FLUSHED $i"
            i=$((i + 1))
        done
        echo "EMU-FLUSH-DONE $i" ;;
    bench)
        [ -x /bin/disk-bench.sh ] || fail "no /bin/disk-bench.sh in this initramfs"
        /bin/disk-bench.sh || fail "disk-bench.sh exited $?" ;;
    *)
        fail "unknown emutest=$test" ;;
esac
poweroff -f
