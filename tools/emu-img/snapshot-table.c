/*
 * The internal snapshot table of an image, as qemu-img prints it in
 * `snapshot -l` and `info` (same columns, widths and local-time dates),
 * and its JSON form for `info --output=json`.
 */
#include <glib.h>
#include <time.h>
#include "emu-img.h"
#include "snapshot-table.h"

void img_snapshot_table(FILE *f, const BlockSnapshotInfo *sn, int n)
{
    fprintf(f, "Snapshot list:\n");
    fprintf(f, "%-10s%-17s%8s%20s%13s%11s\n", "ID", "TAG", "VM SIZE", "DATE",
            "VM CLOCK", "ICOUNT");
    for (int i = 0; i < n; i++) {
        time_t t = sn[i].date_sec;
        struct tm tm;
        char date[64], clock[64], icount[32];
        uint64_t secs = sn[i].vm_clock_nsec / 1000000000u;
        char *size = img_size_to_str(sn[i].vm_state_size);

        localtime_r(&t, &tm);
        strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
        snprintf(clock, sizeof(clock), "%02u:%02u:%02u.%03u",
                 (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60),
                 (unsigned)(secs % 60),
                 (unsigned)(sn[i].vm_clock_nsec / 1000000 % 1000));
        /* No icount (QEMU's savevm without record/replay): empty. */
        icount[0] = 0;
        if (sn[i].icount != UINT32_MAX) {
            snprintf(icount, sizeof(icount), "%" PRIu32, sn[i].icount);
        }
        fprintf(f, "%-9s %-17s %7s%20s%13s%11s\n", sn[i].id, sn[i].name, size,
                date, clock, icount);
        g_free(size);
    }
}

void img_snapshot_json(ImgJson *j, const BlockSnapshotInfo *sn, int n)
{
    json_begin_array(j, "snapshots");
    for (int i = 0; i < n; i++) {
        json_begin_object(j, NULL);
        if (sn[i].icount != UINT32_MAX) {
            json_int(j, "icount", sn[i].icount);
        }
        json_int(j, "vm-clock-nsec", sn[i].vm_clock_nsec % 1000000000u);
        json_str(j, "name", sn[i].name);
        json_int(j, "date-sec", sn[i].date_sec);
        json_int(j, "date-nsec", sn[i].date_nsec);
        json_int(j, "vm-clock-sec", sn[i].vm_clock_nsec / 1000000000u);
        json_str(j, "id", sn[i].id);
        json_int(j, "vm-state-size", (int64_t)sn[i].vm_state_size);
        json_end_object(j);
    }
    json_end_array(j);
}

int img_snapshot_list(BlockDriverState *bs, BlockSnapshotInfo **list)
{
    *list = NULL;
    if (!bs->drv->snapshot_list) {
        return 0; /* raw: no snapshots, as qemu-img shows none */
    }
    return bs->drv->snapshot_list(bs, list);
}
