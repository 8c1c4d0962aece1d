#!/bin/busybox sh
# /init of the VGA tests' initramfs (scripts/build-vga-guests.sh puts it
# over the busybox initramfs's own /init).  emuvga= on the kernel command
# line says what to show; every report goes to the serial console
# (console=ttyS0), the screen gets what the test reads back:
#
#   emuvga=text  writes "EMU-VGA-TEXT <uname -r>" on /dev/tty1 (vgacon),
#       prints "EMU-VGA-WRITTEN".
#   emuvga=fb    the framebuffer console of vga=: prints "EMU-FB
#       name=<fb0 name> size=<virtual_size> bpp=<bits>" and the fb's
#       smem base, writes the 16 bytes "EMU-LFB-PATTERN!" at the start
#       of the last line of /dev/fb0, prints "EMU-VGA-WRITTEN".
#   emuvga=drm   loads the bochs DRM driver (modules in
#       /lib/modules/load-order) and prints "EMU-DRM <what dmesg says of
#       bochs>", "EMU-DRM-CARD <vendor>:<device>" of /sys/class/drm/card0
#       and the fb as for emuvga=fb, then writes the pattern the same way.
#
# Then it stays in a shell on the serial console ("/ # ").
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
echo /bin/true >/proc/sys/kernel/modprobe

mode=
for w in $(cat /proc/cmdline); do
    case $w in
        emuvga=*) mode=${w#emuvga=} ;;
    esac
done
echo "EMU-GUEST-READY $(uname -m) $(uname -r)"

fb_report() {
    n=0
    while [ ! -e /sys/class/graphics/fb0/name ]; do
        n=$((n + 1))
        [ $n -gt 100 ] && { echo "EMU-TEST-FAIL no /dev/fb0"; return 1; }
        sleep 0.1
    done
    f=/sys/class/graphics/fb0
    echo "EMU-FB name=$(cat $f/name) size=$(cat $f/virtual_size) bpp=$(cat $f/bits_per_pixel) stride=$(cat $f/stride)"
    # The last visible line, as a byte offset in /dev/fb0.
    h=$(cut -d, -f2 $f/virtual_size)
    stride=$(cat $f/stride)
    off=$(( (h - 1) * stride ))
    printf 'EMU-LFB-PATTERN!' | dd of=/dev/fb0 bs=1 seek=$off conv=notrunc 2>/dev/null
    echo "EMU-FB-OFFSET $off"
}

case $mode in
    text)
        printf '\033[2J\033[HEMU-VGA-TEXT %s\n' "$(uname -r)" >/dev/tty1
        echo "EMU-VGA-WRITTEN"
        ;;
    fb)
        fb_report && echo "EMU-VGA-WRITTEN"
        ;;
    drm)
        for m in $(cat /lib/modules/load-order); do
            insmod "/lib/modules/$m" || echo "EMU-TEST-FAIL insmod $m"
        done
        n=0
        while [ ! -e /sys/class/drm/card0 ] && [ $n -lt 100 ]; do
            n=$((n + 1))
            sleep 0.1
        done
        echo "EMU-DRM $(dmesg | grep -E 'bochs-drm|bochs VGA' | tr '\n' ' ')"
        if [ -e /sys/class/drm/card0/device/vendor ]; then
            echo "EMU-DRM-CARD $(cat /sys/class/drm/card0/device/vendor):$(cat /sys/class/drm/card0/device/device)"
        fi
        fb_report && echo "EMU-VGA-WRITTEN"
        ;;
esac
exec sh
