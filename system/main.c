/*
 * emu's main(): the QEMU-compatible command line, the host ends (chardevs,
 * monitor), then the machine (hw/core/machine.c builds it, the board maps
 * the options it owns), the vCPU threads and the main loop.
 *
 * Errors on the command line print one line, "emu: <option>: <why>", and
 * exit with status 1, as QEMU does.
 */
#include "emu/common.h"
#include "block/blockdev.h"
#include "emu/accel.h"
#include "emu/chardev.h"
#include "emu/cpu.h"
#include "emu/device.h"
#include "emu/gdbstub.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "emu/monitor.h"
#include "emu/qmp.h"
#include "emu/qtest.h"
#include "emu/rtc.h"
#include "emu/runstate.h"
#include "emu/timer.h"
#include "emu/trace.h"
#include "hw/pc/pc.h"
#include "migration/migration.h"
#include "net/netdev.h"
#include "target-i386/cpuid.h"
#include "ui/display.h"

#include <signal.h>
#include <unistd.h>

#define MAX_DEVICE_OPTS 64

typedef struct Options {
    MachineOptions mo;
    const char *accel;
    const char *serial_specs[MAX_SERIAL_PORTS];
    int nr_serial_specs;
    const char *chardev_opts[16];
    int nr_chardevs;
    const char *device_opts[MAX_DEVICE_OPTS];
    int nr_devices;
    const char *monitor_spec;
    const char *qmp_specs[8]; /* -qmp */
    int nr_qmp;
    const char *mon_opts[8]; /* -mon */
    int nr_mon;
    const char *debugcon_spec;
    bool nographic;
    const char *display;
    bool start_paused;
    const char *incoming; /* -incoming URI */
    const char *loadvm;   /* -loadvm NAME */
    const char *gdb_spec; /* -gdb, -s */
    MachineUserOpt net_opts[MAX_USER_OPTS]; /* -netdev, -nic, -net */
    int nr_net_opts;
    const char *qtest_spec; /* -qtest CHARDEV */
    const char *qtest_log;  /* -qtest-log FILE|none */
} Options;

static void usage(void)
{
    printf(
        "emu " EMU_VERSION ": a PC emulator (QEMU pc machine compatible)\n"
        "usage: emu [options]\n"
        "\n"
        "Machine:\n"
        "  -machine pc[,accel=kvm|tcg][,hpet=on|off]\n"
        "                               the machine (only 'pc'); -M is the "
        "same\n"
        "  -accel kvm|tcg|qtest|help    accelerator (default: kvm if usable, "
        "else tcg;\n"
        "                               qtest runs no guest code: device "
        "tests)\n"
        "  -accel tcg,thread=multi|single  with -smp: vCPUs in parallel on "
        "their own\n"
        "                               host threads (default), or taking "
        "turns\n"
        "  -enable-kvm                  same as -accel kvm\n"
        "  -no-hpet                     same as -machine hpet=off\n"
        "  -cpu MODEL|help              CPU model (default qemu64 under kvm,\n"
        "                               qemu32 under tcg; qemu64 or max for\n"
        "                               64-bit guests under tcg)\n"
        "  -m SIZE                      guest RAM, in MiB or with a "
        "k/M/G/T suffix\n"
        "                               (default 128M, at most 3584M)\n"
        "  -smp [cpus=]N[,sockets=S][,cores=C][,threads=T]\n"
        "                               number of CPUs (1-16) and their "
        "topology\n"
        "  -name NAME                   name of the guest\n"
        "  -rtc [base=utc|localtime|DATE][,clock=host|vm][,driftfix=none]\n"
        "                               the real-time clock: start date "
        "(DATE as\n"
        "                               2006-06-17T16:01:21 or 2006-06-17) "
        "and the\n"
        "                               clock it follows (host: runs while "
        "paused;\n"
        "                               vm: stops with the VM); default\n"
        "                               base=utc,clock=host\n"
        "\n"
        "Boot:\n"
        "  -bios FILE                   firmware image (default: SeaBIOS from\n"
        "                               /usr/share/seabios/bios-256k.bin)\n"
        "  -kernel FILE                 boot a Linux bzImage or multiboot "
        "kernel\n"
        "                               directly, without firmware\n"
        "  -initrd FILE                 initial ramdisk (multiboot: modules,\n"
        "                               'file arg,file arg')\n"
        "  -append CMDLINE              kernel command line\n"
        "  -boot [order=DRIVES][,once=DRIVES][,menu=on|off][,strict=on|off]\n"
        "        [,splash-time=MS][,reboot-timeout=MS]\n"
        "                               firmware boot order: a floppy, c hard "
        "disk,\n"
        "                               d CD-ROM, n network (default cad); "
        "once= for\n"
        "                               the first boot only; menu=on: ESC "
        "shows\n"
        "                               the firmware's boot menu\n"
        "  -no-reboot                   exit instead of rebooting\n"
        "  -no-shutdown                 stop the guest instead of exiting on\n"
        "                               power-off\n"
        "  -S                           do not start the CPU (use 'cont' in "
        "the\n"
        "                               monitor)\n"
        "  -gdb SPEC                    wait for gdb on SPEC: tcp::PORT,\n"
        "                               unix:PATH,server (docs/devel/"
        "debugging.md)\n"
        "  -s                           the same as -gdb tcp::1234\n"
        "\n"
        "Disks (docs/user-guide.md, \"Disks and images\"):\n"
        "  -hda/-hdb/-hdc/-hdd FILE     IDE disk 0-3 (primary master, slave,\n"
        "                               secondary master, slave); a bare "
        "FILE is -hda\n"
        "  -cdrom FILE                  IDE CD-ROM (secondary master, "
        "ide1-cd0)\n"
        "  -fda/-fdb FILE               floppy drive 0/1\n"
        "  -drive [file=FILE][,format=raw|qcow2][,if=ide|floppy|none]\n"
        "         [,index=I][,bus=B][,unit=U][,media=disk|cdrom][,id=ID]\n"
        "         [,snapshot=on][,readonly=on][,cache=writeback|none|\n"
        "         writethrough|directsync|unsafe][,aio=threads|io_uring]\n"
        "         [,file.locking=off]\n"
        "                               a drive; if=none waits for -device "
        "...,drive=ID\n"
        "  -blockdev driver=raw|qcow2|file,node-name=N,file.filename=FILE\n"
        "            [,read-only=on][,backing=null|NODE]\n"
        "                               an image node for -device "
        "...,drive=N\n"
        "  -snapshot                    writes go to a temporary overlay; "
        "the images\n"
        "                               are left untouched\n"
        "\n"
        "Devices:\n"
        "  -device NAME[,PROP=VALUE...] add a device; -device help lists "
        "them,\n"
        "                               -device NAME,help lists its "
        "properties;\n"
        "                               bus=isa.0|pci.0 picks the bus "
        "(info qtree)\n"
        "  -serial SPEC                 a serial port (up to 4): stdio, null, "
        "pty,\n"
        "                               file:PATH, "
        "tcp:HOST:PORT[,server,nowait],\n"
        "                               unix:PATH[,server,nowait], mon:stdio,\n"
        "                               chardev:ID, none\n"
        "  -chardev BACKEND,id=ID,...   a character device (stdio, null, "
        "file,\n"
        "                               socket, pty, ringbuf)\n"
        "  -debugcon SPEC               the debug console at ports 0x402 "
        "(SeaBIOS's\n"
        "                               log) and 0xe9\n"
        "  -monitor SPEC                the human monitor (e.g. stdio, "
        "tcp:...)\n"
        "  -qmp SPEC                    a QMP (JSON) monitor: "
        "unix:PATH,server,nowait,\n"
        "                               tcp:HOST:PORT,server=on,wait=off, "
        "stdio;\n"
        "                               may be given several times\n"
        "  -mon chardev=ID[,mode=control|readline]\n"
        "                               a monitor on a -chardev: control is "
        "QMP,\n"
        "                               readline (default) the human "
        "monitor\n"
        "\n"
        "Display:\n"
        "  -vga std|none                the VGA card (default std: PCI VGA "
        "with\n"
        "                               Bochs VBE, 16 MiB; -device VGA,"
        "vgamem_mb=N)\n"
        "  -display sdl[,grab-mod=lshift-lctrl-lalt|rctrl][,full-screen=on]\n"
        "              [,window-close=off][,show-cursor=on]\n"
        "                               a window (the default when $DISPLAY "
        "or\n"
        "                               $WAYLAND_DISPLAY is set); a click or "
        "Ctrl-Alt-G\n"
        "                               grabs the mouse, Ctrl-Alt-G "
        "releases it,\n"
        "                               Ctrl-Alt-F full screen, Ctrl-Alt-U "
        "1:1 size;\n"
        "                               its close button quits emu\n"
        "  -display curses              text-mode screen in this terminal "
        "(C-a x\n"
        "                               quits; graphics modes are not "
        "shown)\n"
        "  -display none                no display and nothing on stdio\n"
        "  -display help                list the display types built in\n"
        "  -vnc :N|HOST:N|unix:PATH[,password=on]\n"
        "                               a VNC server (port 5900+N, every\n"
        "                               address unless HOST is given;\n"
        "                               password: set_password vnc PW in\n"
        "                               the monitor; ,websocket=on|PORT:\n"
        "                               also WebSocket, for noVNC)\n"
        "  -nographic                   no display: serial port and monitor "
        "on\n"
        "                               stdio (C-a h for help); SeaBIOS prints "
        "on\n"
        "                               the serial console.  The default "
        "when no\n"
        "                               window can open (no $DISPLAY)\n"
        "\n"
        "Debugging:\n"
        "  -d ITEM,...                  log items (-d help lists them)\n"
        "  -D FILE                      log to FILE instead of stderr\n"
        "  -trace [enable=]PATTERN|events=FILE|file=FILE|help\n"
        "                               turn on trace points (wildcards * ?);\n"
        "                               events=: one pattern per line; file=:\n"
        "                               as -D; help lists them\n"
        "  -qtest SPEC                  serve the qtest protocol on a "
        "chardev\n"
        "                               (unix:PATH, tcp:HOST:PORT, ...): a "
        "test\n"
        "                               drives the devices, no CPU runs "
        "(implies\n"
        "                               -accel qtest unless -accel is "
        "given)\n"
        "  -qtest-log FILE|none         log qtest requests and replies "
        "(default\n"
        "                               stderr)\n"
        "  EMU_TCG_INTERP=1             (environment) run the translator's IR\n"
        "                               interpreter instead of native code\n"
        "  EMU_TCG_TB_SIZE=N            (environment) translator code cache "
        "in\n"
        "                               MiB (1-1024, default 64)\n"
        "\n"
        "Snapshots (docs/user-guide.md, \"Snapshots and saving a "
        "machine\"):\n"
        "  -loadvm NAME                 start from snapshot NAME of the qcow2 "
        "drives\n"
        "                               (made with the monitor's savevm)\n"
        "  -incoming exec:CMD|file:PATH start from a state saved with the "
        "monitor's\n"
        "                               migrate \"exec:cat > FILE\" (e.g. "
        "-incoming\n"
        "                               \"exec:cat FILE\"); runs unless -S\n"
        "\n"
        "Information:\n"
        "  -version                     print the version\n"
        "  -help, -h                    this text\n"
        "\n"
        "Network (docs/user-guide.md, \"Networking\"):\n"
        "  -netdev TYPE,id=ID[,...]     a network backend: user, tap, socket,\n"
        "                               hubport (-netdev help lists them)\n"
        "  -netdev user,id=ID[,net=ADDR[/MASK]][,host=ADDR][,dns=ADDR]\n"
        "          [,dhcpstart=ADDR][,restrict=on|off][,hostname=NAME]\n"
        "          [,domainname=DOMAIN][,dnssearch=DOMAIN][,tftp=DIR]\n"
        "          [,bootfile=FILE][,ipv6=on|off]\n"
        "          [,hostfwd=[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:PORT]\n"
        "          [,guestfwd=[tcp]:[SERVER]:PORT-cmd:COMMAND|CHARDEV]\n"
        "                               user networking, no privileges: "
        "NAT, DHCP,\n"
        "                               DNS, TFTP, port forwarding "
        "(10.0.2.0/24:\n"
        "                               gateway .2, DNS .3, guest .15)\n"
        "  -netdev tap,id=ID[,ifname=NAME][,script=PATH|no][,downscript=PATH|no]\n"
        "                               a host tap (root, or a tap made once with\n"
        "                               'ip tuntap add dev NAME mode tap user U');\n"
        "                               scripts default to /etc/emu-ifup and\n"
        "                               /etc/emu-ifdown when they exist\n"
        "  -netdev tap,id=ID,fd=N       a tap fd the parent process opened\n"
        "  -netdev tap,id=ID,br=BRIDGE[,helper=PATH]\n"
        "  -netdev bridge,id=ID,br=BRIDGE[,helper=PATH]\n"
        "                               a tap on BRIDGE made by QEMU's bridge "
        "helper\n"
        "  -device ne2k_pci,netdev=ID   a NIC on that backend\n"
        "  -nic TYPE[,model=M][,mac=MAC][,...]\n"
        "                               a backend and a NIC in one option\n"
        "  -net nic[,model=M][,macaddr=MAC][,vlan=N][,name=NAME]\n"
        "  -net TYPE[,vlan=N][,...]     the legacy form: NICs and backends\n"
        "                               on hub N (default 0)\n"
        "  -net none, -nic none         no NIC (default: -net nic -net user)\n"
        "  -netdev socket,id=ID,listen=[HOST]:PORT | connect=HOST:PORT |\n"
        "          mcast=MADDR:PORT[,localaddr=ADDR] |\n"
        "          udp=HOST:PORT,localaddr=HOST:PORT | fd=N\n"
        "                               frames over a TCP stream (QEMU's\n"
        "                               format), multicast or UDP: wires emu\n"
        "                               (and qemu) instances together\n"
        "  -netdev hubport,id=ID,hubid=N[,netdev=ID]\n"
        "                               a port on hub N (the -net vlan=N)\n"
        "  -object filter-dump,id=ID,netdev=ID,file=PATH[,maxlen=N][,queue=Q]\n"
        "                               write the netdev's frames to a pcap\n"
        "                               file (tcpdump -r, Wireshark)\n"
        "  -net dump[,vlan=N][,file=PATH][,len=N]\n"
        "                               pcap of everything on hub N (default\n"
        "                               file emu-vlanN.pcap)\n"
        "\n"
        "Not built yet (they are recognised and refused): -usb "
        "-audiodev\n"
        "\n"
        "Exit status: 0 when the guest powers off or the user quits (C-a x,\n"
        "'quit'), (V << 1) | 1 when the guest writes V to isa-debug-exit, 1 on "
        "an\n"
        "error.\n");
}

/* Options that take an argument. */
static const char *const opts_with_arg[] = {
    "incoming",
    "loadvm",
    "trace",
    "machine",
    "M",
    "accel",
    "cpu",
    "m",
    "smp",
    "name",
    "bios",
    "kernel",
    "initrd",
    "append",
    "device",
    "serial",
    "chardev",
    "debugcon",
    "monitor",
    "qmp",
    "mon",
    "display",
    "d",
    "D",
    "boot",
    "L",
    "global",
    "rtc",
    "hda",
    "hdb",
    "hdc",
    "hdd",
    "cdrom",
    "drive",
    "fda",
    "fdb",
    "blockdev",
    "net",
    "nic",
    "netdev",
    "object",
    "vga",
    "vnc",
    "audiodev",
    "usbdevice",
    "gdb",
    "qtest",
    "qtest-log",
};

/* Disks, NICs and the display are the board's to map (and refuse for now:
 * hw/pc/pc-options.c); these have no front end yet at all. */
static const struct {
    const char *opt;
    const char *what;
} not_built[] = {
    {"audiodev", "audio"},
    {"usbdevice", "USB"},
    {"usb", "USB"},
};

static bool takes_arg(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(opts_with_arg); i++) {
        if (!strcmp(opts_with_arg[i], name)) {
            return true;
        }
    }
    return false;
}

static bool is_ascii_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * -m SIZE (QEMU's suffixes): a decimal number, maybe with a fraction
 * ("1.5G"), of MiB or of the unit a k/K, M, G, T or B suffix names ("MiB"
 * and "MB" are read as M).  Integer arithmetic only.  Returns 0, -EINVAL
 * for text that is not a size, -ERANGE for one that does not fit 64 bits.
 */
static int parse_ram_size(const char *arg, uint64_t *out)
{
    const char *s = arg;
    uint64_t whole = 0, frac = 0, frac_div = 1, mul = MiB, v, f;
    bool range = false;

    if (!strncmp(s, "size=", 5)) {
        s += 5;
    }
    if (!is_ascii_digit(*s)) {
        return -EINVAL; /* also refuses signs and blanks */
    }
    for (; is_ascii_digit(*s); s++) {
        range |= __builtin_mul_overflow(whole, 10, &whole) ||
                 __builtin_add_overflow(whole, (uint64_t)(*s - '0'), &whole);
    }
    if (*s == '.') {
        s++;
        if (!is_ascii_digit(*s)) {
            return -EINVAL;
        }
        /* Digits past the 18th cannot change a whole number of bytes. */
        for (; is_ascii_digit(*s); s++) {
            if (frac_div < 1000000000000000000ULL) {
                frac = frac * 10 + (*s - '0');
                frac_div *= 10;
            }
        }
    }
    switch (*s) {
    case '\0':
        break;
    case 'k':
    case 'K':
        mul = KiB;
        break;
    case 'm':
    case 'M':
        mul = MiB;
        break;
    case 'g':
    case 'G':
        mul = GiB;
        break;
    case 't':
    case 'T':
        mul = GiB * 1024;
        break;
    case 'b':
    case 'B':
        mul = 1;
        break;
    default:
        return -EINVAL;
    }
    if (*s) {
        s++;
        if (mul > 1 && *s == 'i') {
            s++;
        }
        if (mul > 1 && (*s == 'b' || *s == 'B')) {
            s++;
        }
    }
    if (*s) {
        return -EINVAL;
    }
    /* frac / frac_div < 1, so frac * mul / frac_div < mul: no overflow
     * once the product is done in 128 bits. */
    f = (uint64_t)((unsigned __int128)frac * mul / frac_div);
    if (range || __builtin_mul_overflow(whole, mul, &v) ||
        __builtin_add_overflow(v, f, &v)) {
        return -ERANGE;
    }
    *out = v;
    return 0;
}

EMU_NORETURN static void opt_error(const char *opt, const char *fmt, ...)
    EMU_PRINTF(2, 3);
static void opt_error(const char *opt, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0) {
        abort();
    }
    va_end(ap);
    error_report("-%s: %s", opt, msg);
    exit(1);
}

static void parse_machine_opt(Options *o, const char *arg)
{
    char *copy = strdup(arg), *save = NULL;
    bool first = true;
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save), first = false) {
        char *eq = strchr(tok, '=');
        if (first && !eq) {
            if (!strcmp(tok, "help")) {
                printf("Supported machines are:\n"
                       "pc                   Standard PC (i440FX + PIIX, "
                       "1996) (default)\n");
                exit(0);
            }
            if (strcmp(tok, "pc") && strcmp(tok, "pc-i440fx") &&
                strncmp(tok, "pc-i440fx-", 10)) {
                opt_error("machine",
                          "unsupported machine type '%s' "
                          "(use -machine help)",
                          tok);
            }
            continue;
        }
        if (eq && !strncmp(tok, "type=", 5)) {
            if (strcmp(eq + 1, "pc")) {
                opt_error("machine", "unsupported machine type '%s'", eq + 1);
            }
        } else if (eq && !strncmp(tok, "accel=", 6)) {
            o->accel = strdup(eq + 1);
        } else if (eq && !strncmp(tok, "graphics=", 9)) {
            o->nographic = !strcmp(eq + 1, "off");
        } else if (eq && !strncmp(tok, "hpet=", 5)) {
            if (strcmp(eq + 1, "on") && strcmp(eq + 1, "off")) {
                opt_error("machine", "hpet=%s: expected on or off", eq + 1);
            }
            o->mo.no_hpet = !strcmp(eq + 1, "off");
        } else {
            opt_error("machine", "unsupported property '%s'", tok);
        }
    }
    free(copy);
}

/*
 * -smp [cpus=]N[,sockets=S][,cores=C][,threads=T][,maxcpus=M], as QEMU's:
 * missing counts are derived (sockets first, then cores, threads default
 * 1), and sockets * cores * threads must make the CPU count.  maxcpus
 * (CPU hot-plug) must be N; dies and clusters must be 1.
 */
static void parse_smp(const char *arg, MachineOptions *mo)
{
    char *copy = strdup(arg), *save = NULL;
    long cpus = 0, sockets = 0, cores = 0, threads = 0, maxcpus = 0;
    bool first = true;

    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save), first = false) {
        char *eq = strchr(tok, '='), *end;
        const char *key = eq ? tok : "cpus";
        const char *val = eq ? eq + 1 : tok;
        long v;
        if (eq) {
            *eq = '\0';
        } else if (!first) {
            opt_error("smp", "'%s': expected key=value", tok);
        }
        v = strtol(val, &end, 10);
        if (!*val || *end || v < 1 || v > 1024) {
            opt_error("smp", "%s=%s: expected a number from 1", key, val);
        }
        if (!strcmp(key, "cpus")) {
            cpus = v;
        } else if (!strcmp(key, "sockets")) {
            sockets = v;
        } else if (!strcmp(key, "cores")) {
            cores = v;
        } else if (!strcmp(key, "threads")) {
            threads = v;
        } else if (!strcmp(key, "maxcpus")) {
            maxcpus = v;
        } else if (!strcmp(key, "dies") || !strcmp(key, "clusters")) {
            if (v != 1) {
                opt_error("smp", "%s=%ld: the pc machine has one %s per "
                          "socket", key, v, key[0] == 'd' ? "die" : "cluster");
            }
        } else {
            opt_error("smp", "unknown property '%s'", key);
        }
    }
    free(copy);
    if (maxcpus && cpus && maxcpus != cpus) {
        opt_error("smp", "maxcpus=%ld: CPU hot-plug is not supported "
                  "(maxcpus must be the CPU count, %ld)", maxcpus, cpus);
    }
    if (!cpus) {
        cpus = maxcpus;
    }
    threads = threads ? threads : 1;
    if (!cpus) {
        cpus = (sockets ? sockets : 1) * (cores ? cores : 1) * threads;
    }
    if (!sockets) {
        long per = (cores ? cores : 1) * threads;
        sockets = cpus / per > 0 ? cpus / per : 1;
    }
    if (!cores) {
        cores = cpus / (sockets * threads) > 0 ? cpus / (sockets * threads)
                                               : 1;
    }
    if (sockets * cores * threads != cpus) {
        opt_error("smp", "sockets (%ld) * cores (%ld) * threads (%ld) = "
                  "%ld, not the CPU count (%ld)", sockets, cores, threads,
                  sockets * cores * threads, cpus);
    }
    mo->smp = (int)cpus;
    mo->smp_cores = (int)cores;
    mo->smp_threads = (int)threads;
}

/*
 * -accel NAME,PROPS: thread=multi (the default, as QEMU's on x86 hosts:
 * every vCPU runs translated code on its own host thread at once) or
 * thread=single (they take turns: one runs at a time) for tcg.
 */
static void parse_accel_props(MachineOptions *mo, const char *accel,
                              const char *props)
{
    char *copy = strdup(props), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "thread=single") && !strcmp(accel, "tcg")) {
            mo->tcg_single_thread = true;
            continue;
        }
        if (!strcmp(tok, "thread=multi") && !strcmp(accel, "tcg")) {
            mo->tcg_single_thread = false;
            continue;
        }
        opt_error("accel", "unsupported property '%s' for %s", tok, accel);
    }
    free(copy);
}

/* Front ends the board maps (MachineOptions): disks, NICs, display. */
static bool is_disk_opt(const char *name)
{
    static const char *const disks[] = {"hda",   "hdb",   "hdc", "hdd",
                                        "cdrom", "drive", "fda", "fdb",
                                        "blockdev"};
    for (size_t i = 0; i < ARRAY_SIZE(disks); i++) {
        if (!strcmp(name, disks[i])) {
            return true;
        }
    }
    return false;
}

static void add_user_opt(MachineUserOpt *list, int *n, const char *opt,
                         const char *arg)
{
    if (*n == MAX_USER_OPTS) {
        opt_error(opt, "too many (at most %d)", MAX_USER_OPTS);
    }
    list[(*n)++] = (MachineUserOpt){opt, arg};
}

static void parse_args(Options *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-') {
            /* QEMU takes a bare file name as -hda. */
            add_user_opt(o->mo.disks, &o->mo.nr_disks, "hda", a);
            continue;
        }
        const char *name = a + 1 + (a[1] == '-');
        const char *arg = NULL;
        if (takes_arg(name)) {
            if (i + 1 >= argc) {
                opt_error(name, "requires an argument");
            }
            arg = argv[++i];
        }
        for (size_t k = 0; k < ARRAY_SIZE(not_built); k++) {
            if (!strcmp(name, not_built[k].opt)) {
                opt_error(name, "%s are not supported yet", not_built[k].what);
            }
        }

        if (is_disk_opt(name)) {
            add_user_opt(o->mo.disks, &o->mo.nr_disks, name, arg);
        } else if (!strcmp(name, "net") || !strcmp(name, "nic")) {
            /* The board sees them (models, model=help); the net layer
             * makes their backends (open_networks). */
            add_user_opt(o->mo.nics, &o->mo.nr_nics, name, arg);
            add_user_opt(o->net_opts, &o->nr_net_opts, name, arg);
        } else if (!strcmp(name, "netdev") || !strcmp(name, "object")) {
            /* -object: filter-dump, the one object type emu has. */
            add_user_opt(o->net_opts, &o->nr_net_opts, name, arg);
        } else if (!strcmp(name, "snapshot")) {
            drive_set_default_snapshot(true);
        } else if (!strcmp(name, "vga")) {
            o->mo.vga = arg;
        } else if (!strcmp(name, "help") || !strcmp(name, "h")) {
            usage();
            exit(0);
        } else if (!strcmp(name, "version")) {
            printf("emu version " EMU_VERSION "\n");
            exit(0);
        } else if (!strcmp(name, "m")) {
            int r = parse_ram_size(arg, &o->mo.ram_size);
            if (r == -ERANGE) {
                opt_error("m", "RAM size '%s' is too large (at most 3584M)",
                          arg);
            } else if (r < 0) {
                opt_error("m",
                          "invalid RAM size '%s' (a number of MiB, or with "
                          "a k, M, G or T suffix)",
                          arg);
            }
            if (o->mo.ram_size < 1 * MiB) {
                opt_error("m", "RAM size '%s' is too small (at least 1M)", arg);
            }
            if (o->mo.ram_size > 3584 * MiB) {
                opt_error("m",
                          "RAM size '%s' is not supported: at most 3584M "
                          "(memory above 4 GiB is not built yet)",
                          arg);
            }
        } else if (!strcmp(name, "accel")) {
            if (!strcmp(arg, "help")) {
                accel_list(stdout);
                exit(0);
            }
            char *copy = strdup(arg), *comma = strchr(copy, ',');
            if (comma) {
                *comma = '\0';
                parse_accel_props(&o->mo, copy, comma + 1);
            }
            o->accel = copy;
        } else if (!strcmp(name, "enable-kvm")) {
            o->accel = "kvm";
        } else if (!strcmp(name, "machine") || !strcmp(name, "M")) {
            parse_machine_opt(o, arg);
        } else if (!strcmp(name, "cpu")) {
            if (!strcmp(arg, "help")) {
                x86_cpu_model_list(stdout);
                exit(0);
            }
            o->mo.cpu_model = arg;
        } else if (!strcmp(name, "smp")) {
            parse_smp(arg, &o->mo);
        } else if (!strcmp(name, "name")) {
            o->mo.name = arg;
        } else if (!strcmp(name, "bios")) {
            o->mo.bios = arg;
        } else if (!strcmp(name, "L")) {
            pc_set_firmware_dir(arg);
        } else if (!strcmp(name, "kernel")) {
            o->mo.kernel = arg;
        } else if (!strcmp(name, "initrd")) {
            o->mo.initrd = arg;
        } else if (!strcmp(name, "append")) {
            o->mo.append = arg;
        } else if (!strcmp(name, "boot")) {
            /* The board parses it (hw/pc/pc-boot.c), in check_options. */
            o->mo.boot_order = arg;
        } else if (!strcmp(name, "device")) {
            if (!strcmp(arg, "help")) {
                device_class_list(stdout);
                exit(0);
            }
            if (o->nr_devices == MAX_DEVICE_OPTS) {
                opt_error("device", "too many devices");
            }
            o->device_opts[o->nr_devices++] = arg;
        } else if (!strcmp(name, "serial")) {
            if (o->nr_serial_specs == MAX_SERIAL_PORTS) {
                opt_error("serial", "at most %d serial ports",
                          MAX_SERIAL_PORTS);
            }
            o->serial_specs[o->nr_serial_specs++] = arg;
        } else if (!strcmp(name, "chardev")) {
            if (o->nr_chardevs == (int)ARRAY_SIZE(o->chardev_opts)) {
                opt_error("chardev", "too many character devices");
            }
            o->chardev_opts[o->nr_chardevs++] = arg;
        } else if (!strcmp(name, "debugcon")) {
            o->debugcon_spec = arg;
        } else if (!strcmp(name, "monitor")) {
            o->monitor_spec = arg;
        } else if (!strcmp(name, "qmp")) {
            if (o->nr_qmp == (int)ARRAY_SIZE(o->qmp_specs)) {
                opt_error("qmp", "too many QMP monitors");
            }
            o->qmp_specs[o->nr_qmp++] = arg;
        } else if (!strcmp(name, "mon")) {
            if (o->nr_mon == (int)ARRAY_SIZE(o->mon_opts)) {
                opt_error("mon", "too many monitors");
            }
            o->mon_opts[o->nr_mon++] = arg;
        } else if (!strcmp(name, "nographic")) {
            o->nographic = true;
        } else if (!strcmp(name, "display")) {
            Error *err = NULL;
            int r = display_parse(arg, &err);
            if (r < 0) {
                error_report_err(err);
                exit(1);
            } else if (r > 0) {
                exit(0); /* -display help */
            }
            o->display = arg;
        } else if (!strcmp(name, "vnc")) {
            Error *err = NULL;
            if (vnc_parse(arg, &err) < 0) {
                error_report_err(err);
                exit(1);
            }
        } else if (!strcmp(name, "no-reboot")) {
            opt_no_reboot = true;
        } else if (!strcmp(name, "no-hpet")) {
            o->mo.no_hpet = true;
        } else if (!strcmp(name, "no-shutdown")) {
            opt_no_shutdown = true;
        } else if (!strcmp(name, "S")) {
            o->start_paused = true;
        } else if (!strcmp(name, "incoming")) {
            o->incoming = arg;
        } else if (!strcmp(name, "loadvm")) {
            o->loadvm = arg;
        } else if (!strcmp(name, "s")) {
            o->gdb_spec = "tcp::1234";
        } else if (!strcmp(name, "gdb")) {
            o->gdb_spec = arg;
        } else if (!strcmp(name, "d")) {
            Error *err = NULL;
            if (!strcmp(arg, "help")) {
                log_print_items(stdout);
                exit(0);
            }
            if (log_parse_items(arg, &err) < 0) {
                error_report_err(err);
                exit(1);
            }
        } else if (!strcmp(name, "trace")) {
            Error *err = NULL;
            if (trace_opt_parse(arg, &err) < 0) {
                error_report_err(err);
                exit(1);
            }
        } else if (!strcmp(name, "D")) {
            Error *err = NULL;
            if (log_set_file(arg, &err) < 0) {
                error_report_err(err);
                exit(1);
            }
        } else if (!strcmp(name, "rtc")) {
            Error *err = NULL;
            if (rtc_options_parse(arg, &o->mo.rtc, &err) < 0) {
                opt_error("rtc", "%s", error_get_pretty(err));
            }
        } else if (!strcmp(name, "qtest")) {
            o->qtest_spec = arg;
        } else if (!strcmp(name, "qtest-log")) {
            o->qtest_log = arg;
        } else if (!strcmp(name, "global")) {
            opt_error(name, "not supported yet");
        } else {
            error_report("%s: invalid option", a);
            exit(1);
        }
    }
}

static Chardev *make_chardev(const char *label, const char *spec)
{
    Error *err = NULL;
    Chardev *chr = chardev_new_spec(label, spec, &err);
    if (!chr && err) {
        error_report_err(err);
        exit(1);
    }
    return chr;
}

/* -mon chardev=ID[,mode=control|readline][,pretty=off]: QEMU's keys. */
static void open_mon(const char *opts)
{
    Error *err = NULL;
    char **kv = g_strsplit(opts, ",", -1);
    const char *chardev = NULL, *mode = "readline";
    for (int i = 0; kv[i]; i++) {
        char *eq = strchr(kv[i], '=');
        const char *val = eq ? eq + 1 : "";
        if (eq) {
            *eq = 0;
        }
        if (!strcmp(kv[i], "chardev")) {
            chardev = val;
        } else if (!strcmp(kv[i], "mode")) {
            mode = val;
        } else if (!strcmp(kv[i], "pretty") && !strcmp(val, "off")) {
            /* the default */
        } else if (!strcmp(kv[i], "pretty")) {
            opt_error("mon", "pretty=%s is not supported (QMP replies are "
                      "one line each)", val);
        } else {
            opt_error("mon", "unknown parameter '%s' (chardev=, mode=)",
                      kv[i]);
        }
    }
    if (!chardev || !*chardev) {
        opt_error("mon", "chardev=ID is required");
    }
    Chardev *chr = chardev_find(chardev);
    if (!chr) {
        opt_error("mon", "chardev '%s' not found (define it with -chardev "
                  "...,id=%s)", chardev, chardev);
    }
    int r;
    if (!strcmp(mode, "control")) {
        r = qmp_monitor_init(chr, &err);
    } else if (!strcmp(mode, "readline")) {
        r = monitor_init(chr, chr_is_mux(chr), &err);
    } else {
        opt_error("mon", "mode '%s' is not control or readline", mode);
    }
    if (r < 0) {
        error_report_err(err);
        exit(1);
    }
    g_strfreev(kv);
}

/* -qmp SPEC (chardevs labelled compat_monitorN as in QEMU) and -mon. */
static void open_qmp_monitors(Options *o, Chardev *mux)
{
    Error *err = NULL;
    for (int i = 0; i < o->nr_qmp; i++) {
        if (mux && !strcmp(o->qmp_specs[i], "stdio")) {
            error_report("-qmp stdio: stdio is already used by the serial "
                         "port and the monitor");
            exit(1);
        }
        char label[32];
        snprintf(label, sizeof(label), "compat_monitor%d", i);
        Chardev *chr = make_chardev(label, o->qmp_specs[i]);
        if (qmp_monitor_init(chr, &err) < 0) {
            error_report_err(err);
            exit(1);
        }
    }
    for (int i = 0; i < o->nr_mon; i++) {
        open_mon(o->mon_opts[i]);
    }
}

static const char *signal_progname = "emu";

static void handle_signal(int sig)
{
    /* Only async-signal-safe calls here: write(2) of a fixed text. */
    static const char msg[] = ": terminating on signal\n";
    (void)sig;
    if (write(2, signal_progname, strlen(signal_progname)) < 0 ||
        write(2, msg, sizeof(msg) - 1) < 0) {
        /* nothing to do */
    }
    system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL, 0);
}

static void setup_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handle_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void cleanup(void)
{
    net_cleanup();
    blockdev_close_all();
    chardev_cleanup_all();
}

/* -drive, -blockdev and the legacy disk options, in command-line order,
 * after -snapshot wherever it was given. */
static void open_drives(Options *o)
{
    Error *err = NULL;
    for (int i = 0; i < o->mo.nr_disks; i++) {
        const MachineUserOpt *u = &o->mo.disks[i];
        int r;
        if (!strcmp(u->opt, "drive")) {
            r = drive_new(u->arg, &err) ? 0 : -1;
        } else if (!strcmp(u->opt, "blockdev")) {
            r = blockdev_new(u->arg, &err);
        } else {
            r = drive_add_legacy(u->opt, u->arg, &err) ? 0 : -1;
        }
        if (r < 0) {
            error_report_err(err);
            exit(1);
        }
    }
}

/* Backends and hub ports, as QEMU orders them: every -netdev, then -nic,
 * then -net, each kind in command-line order; then the filters (-object
 * filter-dump), which name a netdev. */
static void open_networks(Options *o)
{
    static const char *const order[] = {"netdev", "nic", "net", "object"};
    Error *err = NULL;
    for (size_t k = 0; k < ARRAY_SIZE(order); k++) {
        for (int i = 0; i < o->nr_net_opts; i++) {
            const MachineUserOpt *u = &o->net_opts[i];
            if (strcmp(u->opt, order[k])) {
                continue;
            }
            int r = k == 0   ? net_netdev_add(u->arg, &err)
                    : k == 1 ? net_nic_add(u->arg, &err)
                    : k == 2 ? net_legacy_add(u->arg, &err)
                             : net_filter_dump_add(u->arg, &err);
            if (r < 0) {
                error_report_err(err);
                exit(1);
            }
        }
    }
}

int main(int argc, char **argv)
{
    Options o;
    Error *err = NULL;
    Machine *m;

    error_set_progname(argv[0]);
    signal_progname =
        strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    memset(&o, 0, sizeof(o));
    o.mo.ram_size = 128 * MiB;
    o.mo.smp = 1;
    parse_args(&o, argc, argv);

    if (o.mo.initrd && !o.mo.kernel) {
        error_report("-initrd only allowed with -kernel option");
        exit(1);
    }
    if (o.mo.append && !o.mo.kernel) {
        error_report("-append only allowed with -kernel option");
        exit(1);
    }
    if (o.nographic && o.display) {
        error_report("-nographic cannot be used with -display");
        exit(1);
    }
    if (o.nographic) {
        display_set_nographic();
    }
    /* No -display, and no window can open (or -vnc was given): as QEMU's
     * -nographic for the terminal, so that scripts on headless hosts keep
     * the serial console on stdio (ui/display.h). */
    if (!o.display && !display_is_graphical()) {
        o.nographic = true;
    }
    if (o.nographic && display_uses_terminal()) {
        o.nographic = false;
    }
    o.mo.graphics = !o.nographic;

    const MachineClass *mc = machine_class_find("pc");
    int checked = machine_check_options(mc, &o.mo, &err);
    if (checked < 0) {
        error_report_err(err);
        exit(1);
    } else if (checked > 0) {
        exit(0); /* -nic model=help */
    }

    /* -qtest without -accel: qtest is the accelerator, as QEMU's. */
    if (o.qtest_spec && !o.accel) {
        o.accel = "qtest";
    }
    const AccelOps *accel = accel_choose(o.accel, &err);
    if (!accel) {
        error_report_err(err);
        exit(1);
    }
    /* Before anything arms a timer: test mode drops them. */
    if (accel->caps & ACCEL_CAP_TEST_CLOCK) {
        clock_enable_test_mode();
    }

    /* Validate -device before anything touches the terminal. */
    for (int i = 0; i < o.nr_devices; i++) {
        size_t n = strcspn(o.device_opts[i], ",");
        if ((n == 6 && !strncmp(o.device_opts[i], "ide-cd", 6)) ||
            (n == 6 && !strncmp(o.device_opts[i], "ide-hd", 6))) {
            o.mo.no_default_cdrom = true;
        }
        if (n == 8 && (!strncmp(o.device_opts[i], "ne2k_pci", 8) ||
                       !strncmp(o.device_opts[i], "ne2k_isa", 8))) {
            o.mo.nic_device = true; /* no default NIC */
        }
        if ((n == 3 && !strncmp(o.device_opts[i], "VGA", 3)) ||
            (n == 7 && !strncmp(o.device_opts[i], "isa-vga", 7))) {
            o.mo.vga_device = true; /* no default VGA */
        }
        int r = device_opts_check(o.device_opts[i], stdout, &err);
        if (r < 0) {
            error_report_err(err);
            exit(1);
        } else if (r > 0) {
            exit(0); /* -device NAME,help */
        }
    }

    main_loop_init();
    migration_init();
    bql_lock();
    atexit(cleanup);
    /* Before the backends: a signal while a tap's up script runs (or
     * later in the set-up) must still reach cleanup's downscripts. */
    setup_signals();
    open_drives(&o);
    open_networks(&o);

    for (int i = 0; i < o.nr_chardevs; i++) {
        if (!chardev_new_opts(o.chardev_opts[i], &err)) {
            error_report_err(err);
            exit(1);
        }
    }

    /* -display curses owns the terminal: a chardev on stdio would take
     * the keys from it (and scribble over its screen). */
    if (display_uses_terminal()) {
        const char *on_stdio = NULL;
        for (int i = 0; i < o.nr_serial_specs; i++) {
            if (!strcmp(o.serial_specs[i], "stdio") ||
                !strcmp(o.serial_specs[i], "mon:stdio")) {
                on_stdio = "-serial";
            }
        }
        if (o.monitor_spec && (!strcmp(o.monitor_spec, "stdio") ||
                               !strcmp(o.monitor_spec, "mon:stdio"))) {
            on_stdio = "-monitor";
        }
        if (on_stdio) {
            error_report("%s stdio: the terminal is used by -display curses",
                         on_stdio);
            exit(1);
        }
    }

    /* Serial ports, monitor: QEMU's defaults. */
    Chardev *mux = NULL;
    if (o.nr_serial_specs == 0) {
        o.serial_specs[o.nr_serial_specs++] =
            o.nographic ? "mon:stdio" : "null";
    }
    for (int i = 0; i < o.nr_serial_specs; i++) {
        char label[32];
        snprintf(label, sizeof(label), "serial%d", i);
        Chardev *chr = make_chardev(label, o.serial_specs[i]);
        o.mo.serial[i] = chr;
        if (chr && chr_is_mux(chr)) {
            mux = chr;
        }
    }
    o.mo.nr_serial = o.nr_serial_specs;
    if (o.debugcon_spec) {
        o.mo.debugcon = make_chardev("debugcon", o.debugcon_spec);
    }
    if (o.monitor_spec && strcmp(o.monitor_spec, "none")) {
        if (!strcmp(o.monitor_spec, "stdio") && mux) {
            error_report("-monitor stdio: stdio is already used by the "
                         "serial port (the monitor is on C-a c)");
            exit(1);
        }
        Chardev *mon = make_chardev("monitor", o.monitor_spec);
        if (monitor_init(mon, false, &err) < 0) {
            error_report_err(err);
            exit(1);
        }
    } else if (mux && !o.monitor_spec) {
        if (monitor_init(mux, true, &err) < 0) {
            error_report_err(err);
            exit(1);
        }
    }

    open_qmp_monitors(&o, mux);

    m = machine_create(mc, &o.mo, accel, o.device_opts, o.nr_devices, &err);
    if (!m || drive_check_orphans(&err) < 0 || net_check_clients(&err) < 0) {
        error_report_err(err);
        exit(1);
    }

    if (o.qtest_spec) {
        Chardev *chr = make_chardev("qtest", o.qtest_spec);
        QTestOptions qo = {
            .mem = m->as_mem,
            .io = m->as_io,
            .clock_control = accel->caps & ACCEL_CAP_TEST_CLOCK,
            .log = o.qtest_log,
        };
        if (!chr) {
            error_report("-qtest %s: no character device", o.qtest_spec);
            exit(1);
        }
        if (!qtest_server_new(chr, &qo, &err)) {
            error_report_err(err);
            exit(1);
        }
    }

    if (display_init_all(&err) < 0) {
        error_report_err(err);
        exit(1);
    }

    if (o.gdb_spec && gdbserver_start(o.gdb_spec, &err) < 0) {
        error_report_err(err);
        exit(1);
    }

    /* -incoming/-loadvm: the vCPUs wait while the state comes in. */
    bool restore = o.incoming || o.loadvm;
    runstate_set(o.incoming  ? RUN_STATE_INMIGRATE
                 : o.loadvm  ? RUN_STATE_RESTORE_VM
                 : o.start_paused ? RUN_STATE_PRELAUNCH
                                  : RUN_STATE_RUNNING);
    if (cpus_start_all(m, o.start_paused || restore, &err) < 0) {
        error_report_err(err);
        exit(1);
    }
    if (restore) {
        int r = o.loadvm ? snapshot_load(o.loadvm, &err)
                         : migration_incoming(o.incoming, &err);
        if (r < 0) {
            error_prepend(&err, "%s: ", o.loadvm ? "-loadvm" : "-incoming");
            error_report_err(err);
            exit(1);
        }
        /* As QEMU: run on unless -S; else stopped in "paused". */
        runstate_set(RUN_STATE_PAUSED);
        if (!o.start_paused) {
            vm_start();
        }
    }

    int status = main_loop_run();

    cpus_stop_all();
    bql_unlock();
    exit(status);
}
