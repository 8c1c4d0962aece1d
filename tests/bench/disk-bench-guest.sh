#!/bin/sh
# disk-bench-guest.sh - /bin/disk-bench.sh in the guest of `make
# bench-disk` (tests/bench/build-disk-bench.sh puts it there; the storage
# initramfs's /init runs it for emutest=bench).  The disk is
# tests/bench/build-disk-bench.sh's image: sda1 an ext2 file system with
# /src, sda2 an empty area.  From the kernel command line:
# emubench_mib=N (sequential size, default 128), emubench_rand=N (number
# of random reads, default 2000).  Prints "EMU-PARTS-BEGIN", one "DISK
# <name> <seconds> <bytes>" line per part (tests/bench/diskbench.c),
# "EMU-PARTS-END", the md5 of the copy
# read back from the disk ("EMU-BENCH-MD5 <hex>"), then "EMU-BENCH-DONE";
# exits non-zero at the first failure.
mib=128 rand=2000
for w in $(cat /proc/cmdline); do
    case $w in
        emubench_mib=*) mib=${w#emubench_mib=} ;;
        emubench_rand=*) rand=${w#emubench_rand=} ;;
    esac
done
n=0
while [ ! -b /dev/sda2 ] || [ ! -b /dev/sda1 ]; do
    n=$((n + 1))
    [ $n -gt 200 ] && { echo "no /dev/sda1 and /dev/sda2"; exit 1; }
    sleep 0.1
done
bytes=$((mib * 1024 * 1024))
db=/bin/diskbench
# The host notes when these two lines arrive: a check on the guest clock.
echo "EMU-PARTS-BEGIN"
$db run seqwrite $bytes dd if=/dev/zero of=/dev/sda2 bs=1M count="$mib" oflag=direct || exit 1
$db run seqread $bytes dd if=/dev/sda2 of=/dev/null bs=1M count="$mib" iflag=direct || exit 1
$db randread /dev/sda2 "$mib" "$rand" || exit 1
mkdir -p /mnt
mount -t ext2 /dev/sda1 /mnt || exit 1
size=$(stat -c %s /mnt/src)
$db run copy "$size" sh -c 'cp /mnt/src /mnt/dst && sync' || exit 1
echo "EMU-PARTS-END"
# Read the copy back from the disk, not from the page cache.
echo 3 >/proc/sys/vm/drop_caches
echo "EMU-BENCH-MD5 $(md5sum /mnt/dst | cut -d' ' -f1)"
umount /mnt || exit 1
echo "EMU-BENCH-DONE"
