/*
 * Opening a Linux tap, and saying in one line what to do when it fails.
 *
 * The tun driver (drivers/net/tun.c) creates or attaches with TUNSETIFF on
 * an fd of /dev/net/tun.  Its errors and what they mean for a user:
 *   open ENOENT/ENODEV/ENXIO  no driver or no device node: modprobe tun
 *   open EACCES/EPERM         /dev/net/tun is not open to this user
 *   TUNSETIFF EPERM           creating needs CAP_NET_ADMIN; attaching to a
 *                             persistent tap needs it too when the tap has an
 *                             owner or group that is not ours
 *                             (tun_not_capable())
 *   TUNSETIFF EBUSY           a single-queue tap is already attached
 *   TUNSETIFF EINVAL          the name exists and is not a tap of our kind
 * Where sysfs tells more (the tap's owner, its flags) the message uses it.
 */
#include "emu/common.h"
#include "net/tap-int.h"

#include <glib.h>

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_tun.h>

/* The kernel's dev_valid_name(): not empty, not "." or "..", shorter than
 * IFNAMSIZ, no '/', ':' or white space. */
static bool tap_valid_name(const char *name, Error **errp)
{
    if (strlen(name) >= IFNAMSIZ) {
        error_setg(errp,
                   "interface name '%s' is too long (at most %d characters)",
                   name, IFNAMSIZ - 1);
        return false;
    }
    if (!strcmp(name, ".") || !strcmp(name, "..") ||
        strpbrk(name, "/: \t\n\r\v\f")) {
        error_setg(errp,
                   "'%s' is not a valid interface name (no '/', ':' "
                   "or spaces)",
                   name);
        return false;
    }
    return true;
}

/* /sys/class/net/NAME/ATTR as a number; false if absent.  (The sysfs this
 * emu sees: in a network namespace, that of whoever mounted /sys.) */
static bool tap_sysfs_long(const char *name, const char *attr, long *val)
{
    char path[128], buf[32];
    snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name, attr);
    FILE *f = fopen(path, "r");
    if (!f) {
        return false;
    }
    bool ok = fgets(buf, sizeof(buf), f) != NULL;
    fclose(f);
    if (ok) {
        char *end;
        *val = strtol(buf, &end, 0);
        ok = end != buf;
    }
    return ok;
}

/* Whether sysfs shows the interface: not when emu runs in a network
 * namespace whose sysfs was not mounted there (ip netns exec does that). */
static bool tap_sysfs_has(const char *name)
{
    char path[128];
    snprintf(path, sizeof(path), "/sys/class/net/%s", name);
    return access(path, F_OK) == 0;
}

/* Who we are, for the `ip tuntap add ... user NAME` line. */
static void tap_user_name(char *buf, size_t size)
{
    struct passwd *pw = getpwuid(geteuid());
    if (pw && pw->pw_name[0]) {
        snprintf(buf, size, "%s", pw->pw_name);
    } else {
        snprintf(buf, size, "%u", (unsigned)geteuid());
    }
}

static void tap_uid_name(long uid, char *buf, size_t size)
{
    struct passwd *pw = getpwuid((uid_t)uid);
    if (pw) {
        snprintf(buf, size, "%s (uid %ld)", pw->pw_name, uid);
    } else {
        snprintf(buf, size, "uid %ld", uid);
    }
}

/* The process that holds the tap: the driver shows "iff:\tNAME" in the
 * fdinfo of every attached fd.  0 if none is visible to us. */
static pid_t tap_find_holder(const char *name, char *comm, size_t comm_size)
{
    char want[IFNAMSIZ + 8];
    snprintf(want, sizeof(want), "iff:\t%s\n", name);
    DIR *proc = opendir("/proc");
    if (!proc) {
        return 0;
    }
    pid_t found = 0;
    struct dirent *pe;
    while (!found && (pe = readdir(proc))) {
        char *end;
        long pid = strtol(pe->d_name, &end, 10);
        if (*end || pid <= 0) {
            continue;
        }
        char dir[64];
        snprintf(dir, sizeof(dir), "/proc/%ld/fdinfo", pid);
        DIR *fds = opendir(dir);
        if (!fds) {
            continue;
        }
        struct dirent *fe;
        while (!found && (fe = readdir(fds))) {
            char path[320], line[128];
            if (fe->d_name[0] == '.') {
                continue;
            }
            snprintf(path, sizeof(path), "%s/%s", dir, fe->d_name);
            FILE *f = fopen(path, "r");
            if (!f) {
                continue;
            }
            while (fgets(line, sizeof(line), f)) {
                if (!strcmp(line, want)) {
                    found = (pid_t)pid;
                    break;
                }
            }
            fclose(f);
        }
        closedir(fds);
    }
    closedir(proc);
    if (found) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%ld/comm", (long)found);
        FILE *f = fopen(path, "r");
        comm[0] = 0;
        if (f) {
            if (fgets(comm, (int)comm_size, f)) {
                comm[strcspn(comm, "\n")] = 0;
            }
            fclose(f);
        }
    }
    return found;
}

static void tap_open_dev_error(int err, Error **errp)
{
    char user[64];
    struct stat st;

    switch (err) {
    case ENOENT:
        error_setg(errp,
                   "no %s (the tun driver is not loaded): load it as "
                   "root with 'modprobe tun' (in a container: 'mknod %s c 10 "
                   "200')",
                   TAP_TUN_PATH, TAP_TUN_PATH);
        return;
    case ENODEV:
    case ENXIO:
        error_setg(errp,
                   "cannot open %s: %s: the tun driver is not loaded; "
                   "load it as root with 'modprobe tun'",
                   TAP_TUN_PATH, g_strerror(err));
        return;
    case EACCES:
    case EPERM:
        tap_user_name(user, sizeof(user));
        if (stat(TAP_TUN_PATH, &st) == 0) {
            error_setg(errp,
                       "cannot open %s: %s (mode %04o, owner uid %u): "
                       "run emu as root, or let user %s open it "
                       "('chmod 0666 %s', as most distributions ship it) and "
                       "use a tap created for that user "
                       "('ip tuntap add dev tap0 mode tap user %s')",
                       TAP_TUN_PATH, g_strerror(err),
                       (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
                       user, TAP_TUN_PATH, user);
        } else {
            error_setg(errp, "cannot open %s: %s: run emu as root",
                       TAP_TUN_PATH, g_strerror(err));
        }
        return;
    default:
        error_setg(errp, "cannot open %s: %s", TAP_TUN_PATH, g_strerror(err));
    }
}

/* TUNSETIFF failed with err on name (as asked; a template has no owner). */
static void tap_setiff_error(int err, const char *name, Error **errp)
{
    char user[64], owner[96], comm[32];
    long val;
    /* if_nametoindex asks our own network namespace. */
    bool exists = name[0] && !strchr(name, '%') && if_nametoindex(name);
    bool sysfs = exists && tap_sysfs_has(name);
    const char *n = strchr(name, '%') || !name[0] ? "tap0" : name;

    tap_user_name(user, sizeof(user));
    switch (err) {
    case EPERM:
    case EACCES:
        if (sysfs && tap_sysfs_long(name, "owner", &val) && val >= 0 &&
            (uid_t)val != geteuid()) {
            tap_uid_name(val, owner, sizeof(owner));
            error_setg(errp,
                       "cannot attach to tap '%s': %s: it belongs to %s; "
                       "run emu as that user, or as root recreate it for %s: "
                       "'ip tuntap del dev %s mode tap && ip tuntap add dev %s "
                       "mode tap user %s'",
                       name, g_strerror(err), owner, user, name, name, user);
        } else if (sysfs && tap_sysfs_long(name, "group", &val) && val >= 0) {
            struct group *gr = getgrgid((gid_t)val);
            error_setg(errp,
                       "cannot attach to tap '%s': %s: it is limited to "
                       "group %s (gid %ld), which %s is not in; add %s to that "
                       "group, or as root recreate the tap for %s: 'ip tuntap "
                       "del dev %s mode tap && ip tuntap add dev %s mode tap "
                       "user %s'",
                       name, g_strerror(err), gr ? gr->gr_name : "?", val, user,
                       user, user, name, name, user);
        } else if (exists) {
            error_setg(errp,
                       "cannot attach to tap '%s': %s: it is not "
                       "owned by %s, and only its owner or CAP_NET_ADMIN may "
                       "open it; run emu as root, or as root recreate it for "
                       "%s: 'ip tuntap del dev %s mode tap && ip tuntap add "
                       "dev %s mode tap user %s'",
                       name, g_strerror(err), user, user, name, name, user);
        } else {
            error_setg(errp,
                       "cannot create tap%s%s%s: %s: creating a tap "
                       "needs CAP_NET_ADMIN; run emu as root, or create a "
                       "persistent tap for %s once as root ('ip tuntap add dev "
                       "%s mode tap user %s && ip link set %s up') and use "
                       "ifname=%s,script=no",
                       name[0] ? " '" : "", name, name[0] ? "'" : "",
                       g_strerror(err), user, n, user, n, n);
        }
        return;
    case EBUSY: {
        pid_t pid = tap_find_holder(name, comm, sizeof(comm));
        if (pid == getpid()) {
            error_setg(errp,
                       "tap '%s' is busy: this emu has it open already "
                       "(two tap backends with ifname=%s?)",
                       name, name);
        } else if (pid) {
            error_setg(errp,
                       "tap '%s' is busy: process %ld (%s) has it open; "
                       "stop that process or choose another ifname=",
                       name, (long)pid, comm);
        } else {
            error_setg(errp,
                       "tap '%s' is busy: another process has it open "
                       "(a tap has one user unless created multi_queue); stop "
                       "that process or choose another ifname=",
                       name);
        }
        return;
    }
    case EINVAL:
        if (!exists) {
            error_setg(errp, "cannot create tap '%s': %s", name,
                       g_strerror(err));
        } else if (!sysfs) {
            error_setg(errp,
                       "cannot create tap '%s': %s: an interface of "
                       "that name exists and is not a single-queue tap; "
                       "choose another ifname=",
                       name, g_strerror(err));
        } else if (!tap_sysfs_long(name, "tun_flags", &val)) {
            error_setg(errp,
                       "'%s' exists and is not a tap device: choose "
                       "another ifname=",
                       name);
        } else if (val & IFF_TUN) {
            error_setg(errp,
                       "'%s' is a tun (layer 3) device, emu needs a tap: "
                       "recreate it with 'ip tuntap add dev %s mode tap' or "
                       "choose another ifname=",
                       name, name);
        } else if (val & IFF_MULTI_QUEUE) {
            error_setg(errp,
                       "tap '%s' was created multi_queue, emu opens "
                       "single-queue taps: recreate it without multi_queue",
                       name);
        } else {
            error_setg(errp, "cannot create tap '%s': %s", name,
                       g_strerror(err));
        }
        return;
    default:
        error_setg(errp, "cannot create tap '%s': %s", name, g_strerror(err));
    }
}

static int tap_set_fd_flags(int fd, Error **errp)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        error_setg(errp, "cannot make the tap fd non-blocking: %s",
                   g_strerror(errno));
        return -1;
    }
    return 0;
}

int tap_open(const char *ifname, char out_name[IFNAMSIZ], Error **errp)
{
    struct ifreq ifr;

    if (ifname[0] && !tap_valid_name(ifname, errp)) {
        return -1;
    }
    int fd = open(TAP_TUN_PATH, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        tap_open_dev_error(errno, errp);
        return -1;
    }
    memset(&ifr, 0, sizeof(ifr));
    /* No IFF_VNET_HDR: frames are plain Ethernet both ways.  No
     * IFF_MULTI_QUEUE: a second opener gets EBUSY, which we diagnose. */
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname[0] ? ifname : "tap%d");
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int err = errno;
        close(fd);
        if (err == ENOTTY || err == EBADFD) {
            error_setg(errp,
                       "%s is not the tun driver's device (TUNSETIFF: "
                       "%s): it should be character device 10,200",
                       TAP_TUN_PATH, g_strerror(err));
            return -1;
        }
        tap_setiff_error(err, ifname, errp);
        return -1;
    }
    if (tap_set_fd_flags(fd, errp) < 0) {
        close(fd);
        return -1;
    }
    snprintf(out_name, IFNAMSIZ, "%s", ifr.ifr_name);
    return fd;
}

int tap_check_fd(int fd, const char *what, char out_name[IFNAMSIZ],
                 Error **errp)
{
    struct ifreq ifr;

    if (fcntl(fd, F_GETFD) < 0) {
        error_setg(errp,
                   "%s: %d is not an open file descriptor (the parent "
                   "process must pass it open, without close-on-exec)",
                   what, fd);
        return -1;
    }
    memset(&ifr, 0, sizeof(ifr));
    if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
        error_setg(errp, "%s: fd %d is not an attached tap (TUNGETIFF: %s)",
                   what, fd, g_strerror(errno));
        return -1;
    }
    if (!(ifr.ifr_flags & IFF_TAP)) {
        error_setg(errp,
                   "%s: fd %d is a tun (layer 3) device '%s', emu needs "
                   "a tap (IFF_TAP)",
                   what, fd, ifr.ifr_name);
        return -1;
    }
    if (!(ifr.ifr_flags & IFF_NO_PI)) {
        error_setg(errp,
                   "%s: tap '%s' (fd %d) was opened without IFF_NO_PI; "
                   "emu reads plain Ethernet frames",
                   what, ifr.ifr_name, fd);
        return -1;
    }
    if (ifr.ifr_flags & IFF_VNET_HDR) {
        error_setg(errp,
                   "%s: tap '%s' (fd %d) was opened with IFF_VNET_HDR; "
                   "emu does not support vnet headers",
                   what, ifr.ifr_name, fd);
        return -1;
    }
    if (tap_set_fd_flags(fd, errp) < 0) {
        return -1;
    }
    snprintf(out_name, IFNAMSIZ, "%s", ifr.ifr_name);
    return 0;
}
