/*
 * savevm / loadvm / delvm / info snapshots / -loadvm: the machine state
 * kept as an internal snapshot of the qcow2 drives (QEMU's scheme).
 *
 * Every writable drive must be able to take a snapshot (else savevm
 * refuses, naming it); each gets a disk snapshot of the same name, and
 * the first of them also keeps the machine state (its VM SIZE).  The
 * image format's side is include/block/snapshot.h.
 */
#include "emu/common.h"
#include "emu/monitor.h"
#include "emu/runstate.h"
#include "emu/timer.h"
#include "block/snapshot.h"
#include "migration/machine-state.h"
#include "migration/migration.h"

#include <time.h>

static bool can_snapshot(BlockDriverState *bs)
{
    return bs && bdrv_can_snapshot(bs);
}

/* The drives that take part: writable with a medium. */
static bool drive_writable(BlockBackend *blk)
{
    return blk_is_inserted(blk) && !blk_is_read_only(blk) && blk_bs(blk);
}

/* Every writable drive can snapshot; *vm_blk = the first (state goes
 * there).  0, or -1 with errp as QEMU words it. */
static int check_drives(BlockBackend **vm_blk, Error **errp)
{
    *vm_blk = NULL;
    for (BlockBackend *b = blk_next(NULL); b; b = blk_next(b)) {
        if (!drive_writable(b)) {
            continue;
        }
        if (!can_snapshot(blk_bs(b))) {
            error_setg(errp,
                       "Device '%s' is writable but does not support "
                       "snapshots",
                       blk_name(b));
            return -1;
        }
        if (!*vm_blk) {
            *vm_blk = b;
        }
    }
    if (!*vm_blk) {
        error_setg(errp, "No block device can accept snapshots");
        return -1;
    }
    return 0;
}

static int save_snapshot(const char *name, Error **errp)
{
    BlockBackend *vm_blk;
    if (check_drives(&vm_blk, errp) < 0) {
        return -1;
    }
    blk_drain_all();
    /* A snapshot of the same name is replaced (QEMU's savevm). */
    for (BlockBackend *b = blk_next(NULL); b; b = blk_next(b)) {
        BlockSnapshotInfo old;
        if (drive_writable(b) &&
            bdrv_snapshot_find(blk_bs(b), name, &old) == 0 &&
            !strcmp(old.name, name) &&
            bdrv_snapshot_delete(blk_bs(b), old.id, errp) < 0) {
            error_prepend(
                errp, "Error while deleting snapshot on '%s': ", blk_name(b));
            return -1;
        }
    }
    GByteArray *st = g_byte_array_new();
    if (machine_state_save(st, errp) < 0) {
        g_byte_array_free(st, true);
        return -1;
    }
    gint64 now_us = g_get_real_time();
    int r = 0;
    for (BlockBackend *b = blk_next(NULL); b && r == 0; b = blk_next(b)) {
        if (!drive_writable(b)) {
            continue;
        }
        BlockSnapshotInfo sn;
        memset(&sn, 0, sizeof(sn));
        snprintf(sn.name, sizeof(sn.name), "%s", name);
        sn.date_sec = now_us / 1000000;
        sn.date_nsec = (now_us % 1000000) * 1000;
        sn.vm_clock_nsec = clock_get_ns(CLOCK_VIRTUAL);
        sn.vm_state_size = b == vm_blk ? st->len : 0;
        sn.icount = UINT32_MAX; /* no instruction counting: none, as QEMU */
        r = bdrv_snapshot_create(blk_bs(b), &sn, b == vm_blk ? st->data : NULL,
                                 errp);
        if (r < 0) {
            error_prepend(
                errp, "Error while creating snapshot on '%s': ", blk_name(b));
        }
    }
    g_byte_array_free(st, true);
    return r < 0 ? -1 : 0;
}

int snapshot_load(const char *name, Error **errp)
{
    BlockBackend *vm_blk;
    BlockSnapshotInfo sn;
    if (check_drives(&vm_blk, errp) < 0) {
        return -1;
    }
    if (bdrv_snapshot_find(blk_bs(vm_blk), name, &sn) < 0) {
        error_setg(errp, "Snapshot '%s' does not exist in device '%s'", name,
                   blk_name(vm_blk));
        return -1;
    }
    if (sn.vm_state_size == 0) {
        error_setg(errp, "This is a disk-only snapshot. Revert to it "
                         "offline using emu-img");
        return -1;
    }
    for (BlockBackend *b = blk_next(NULL); b; b = blk_next(b)) {
        BlockSnapshotInfo other;
        if (drive_writable(b) &&
            bdrv_snapshot_find(blk_bs(b), name, &other) < 0) {
            error_setg(errp,
                       "Device '%s' does not have the requested "
                       "snapshot '%s'",
                       blk_name(b), name);
            return -1;
        }
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    if (bdrv_snapshot_load_vmstate(blk_bs(vm_blk), name, &buf, &len, errp) <
        0) {
        return -1;
    }
    /* Refuse a state this build cannot take before the disks move. */
    int r = machine_state_check(buf, len, errp);
    blk_drain_all();
    for (BlockBackend *b = blk_next(NULL); b && r == 0; b = blk_next(b)) {
        if (drive_writable(b) &&
            bdrv_snapshot_goto(blk_bs(b), name, errp) < 0) {
            error_prepend(errp, "Could not load snapshot '%s' on '%s': ", name,
                          blk_name(b));
            r = -1;
        }
    }
    if (r == 0) {
        r = machine_state_load(buf, len, errp);
    }
    g_free(buf);
    return r;
}

static void default_name(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, n, "vm-%Y%m%d%H%M%S", &tm);
}

/* Run fn with the VM stopped in state s; resume it if it ran. */
static int stopped(RunState s, int (*fn)(const char *, Error **),
                   const char *name, FILE *out)
{
    bool was_running = runstate_is_running();
    RunState before = runstate_get();
    Error *err = NULL;
    vm_stop(s);
    int r = fn(name, &err);
    if (r < 0) {
        fprintf(out, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
    if (was_running) {
        vm_start();
    } else {
        runstate_set(before);
    }
    return r;
}

static int hmp_savevm(FILE *out, const char *args)
{
    char name[64];
    if (!*args) {
        default_name(name, sizeof(name));
        args = name;
    }
    return stopped(RUN_STATE_SAVE_VM, save_snapshot, args, out);
}

static int hmp_loadvm(FILE *out, const char *args)
{
    if (!*args) {
        fprintf(out, "loadvm: needs the snapshot's name or id\n");
        return -1;
    }
    return stopped(RUN_STATE_RESTORE_VM, snapshot_load, args, out);
}

static int hmp_delvm(FILE *out, const char *args)
{
    if (!*args) {
        fprintf(out, "delvm: needs the snapshot's name or id\n");
        return -1;
    }
    int r = 0;
    for (BlockBackend *b = blk_next(NULL); b; b = blk_next(b)) {
        BlockSnapshotInfo sn;
        if (!drive_writable(b) || !can_snapshot(blk_bs(b)) ||
            bdrv_snapshot_find(blk_bs(b), args, &sn) < 0) {
            continue;
        }
        Error *err = NULL;
        if (bdrv_snapshot_delete(blk_bs(b), args, &err) < 0) {
            fprintf(out,
                    "Error: Error while deleting snapshot on device "
                    "'%s': %s\n",
                    blk_name(b), error_get_pretty(err));
            error_free(err);
            r = -1;
        }
    }
    return r;
}

/* QEMU's size_to_str: three significant digits and a binary unit. */
static void size_str(char *buf, size_t n, uint64_t v)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    double d = v;
    while (d >= 1024 && u < 4) {
        d /= 1024;
        u++;
    }
    snprintf(buf, n, "%0.3g %s", d, units[u]);
}

static void snapshot_row(FILE *out, const BlockSnapshotInfo *sn)
{
    char date[64], clk[64], size[32];
    time_t t = sn->date_sec;
    struct tm tm;
    uint64_t secs = sn->vm_clock_nsec / 1000000000u;
    localtime_r(&t, &tm);
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(clk, sizeof(clk), "%02u:%02u:%02u.%03u", (unsigned)(secs / 3600),
             (unsigned)(secs / 60 % 60), (unsigned)(secs % 60),
             (unsigned)(sn->vm_clock_nsec / 1000000 % 1000));
    size_str(size, sizeof(size), sn->vm_state_size);
    char icount[16] = "";
    if (sn->icount != UINT32_MAX) {
        snprintf(icount, sizeof(icount), "%" PRIu32, sn->icount);
    }
    fprintf(out, "%-9s %-17s %7s%20s%13s%11s\n", sn->id, sn->name, size,
            date, clk, icount);
}

static void info_snapshots(FILE *out)
{
    BlockBackend *vm_blk = NULL;
    for (BlockBackend *b = blk_next(NULL); b && !vm_blk; b = blk_next(b)) {
        if (drive_writable(b) && can_snapshot(blk_bs(b))) {
            vm_blk = b;
        }
    }
    if (!vm_blk) {
        fprintf(out, "No available block device supports snapshots\n");
        return;
    }
    BlockSnapshotInfo *list = NULL;
    int n = bdrv_snapshot_list(blk_bs(vm_blk), &list);
    if (n < 0) {
        fprintf(out, "Error: %s: cannot list snapshots: %s\n", blk_name(vm_blk),
                strerror(-n));
        return;
    }
    /* Loadable: on every writable drive (QEMU lists only those). */
    int shown = 0;
    for (int i = 0; i < n; i++) {
        bool everywhere = true;
        for (BlockBackend *b = blk_next(NULL); b; b = blk_next(b)) {
            BlockSnapshotInfo o;
            if (b != vm_blk && drive_writable(b) &&
                bdrv_snapshot_find(blk_bs(b), list[i].name, &o) < 0) {
                everywhere = false;
            }
        }
        if (!everywhere) {
            continue;
        }
        if (!shown++) {
            fprintf(out, "List of snapshots present on all disks:\n");
            fprintf(out, "%-10s%-17s%8s%20s%13s%11s\n", "ID", "TAG", "VM SIZE",
                    "DATE", "VM CLOCK", "ICOUNT");
        }
        snapshot_row(out, &list[i]);
    }
    if (!shown) {
        fprintf(out, "There is no snapshot available.\n");
    }
    g_free(list);
}

void savevm_register_commands(void)
{
    monitor_register_command("savevm", "[tag]",
                             "save the machine and the disks as snapshot "
                             "TAG (replaces one of that name)",
                             hmp_savevm);
    monitor_register_command("loadvm", "tag",
                             "restore the machine and the disks from "
                             "snapshot TAG",
                             hmp_loadvm);
    monitor_register_command("delvm", "tag", "delete snapshot TAG", hmp_delvm);
    monitor_register_info("snapshots", "list the snapshots of the drives",
                          info_snapshots);
}
