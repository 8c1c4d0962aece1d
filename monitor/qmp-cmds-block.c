/*
 * QMP block commands: query-block, eject, blockdev-change-medium, on the
 * block layer's drives (include/block/blockdev.h).  A drive is named by
 * its backend ("device": ide1-cd0, or the -drive id=) or by the id of the
 * device it is attached to ("id": -device ide-cd,id=cd0), exactly one of
 * the two, as in QEMU.
 *
 * query-block reports what emu has: no I/O throttling (the bps/iops
 * members are 0), no encryption, detect-zeroes off; "type" is always
 * "unknown" as in QEMU.
 */
#include "monitor/qmp-int.h"
#include "block/block-int.h" /* blk_next, blk_by_name: the drive list */
#include "block/blockdev.h"
#include "emu/device.h"

static JsonObject *inserted_info(const BlockQueryInfo *q)
{
    JsonObject *img = json_object_new();
    json_object_set_string_member(img, "filename", q->file);
    json_object_set_string_member(img, "format", q->format);
    json_object_set_int_member(img, "virtual-size", (int64_t)q->virtual_size);
    if (q->backing_file) {
        json_object_set_string_member(img, "backing-filename", q->backing_file);
    }

    JsonObject *cache = json_object_new();
    json_object_set_boolean_member(cache, "writeback", q->cache_writeback);
    json_object_set_boolean_member(cache, "direct", q->cache_direct);
    json_object_set_boolean_member(cache, "no-flush", q->cache_no_flush);

    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "file", q->file);
    json_object_set_string_member(o, "node-name", q->node_name);
    json_object_set_boolean_member(o, "ro", q->read_only);
    json_object_set_string_member(o, "drv", q->format);
    if (q->backing_file) {
        json_object_set_string_member(o, "backing_file", q->backing_file);
    }
    json_object_set_int_member(o, "backing_file_depth", q->backing_depth);
    json_object_set_boolean_member(o, "encrypted", false);
    json_object_set_string_member(o, "detect_zeroes", "off");
    static const char *const limits[] = {"bps",  "bps_rd",  "bps_wr",
                                         "iops", "iops_rd", "iops_wr"};
    for (size_t i = 0; i < ARRAY_SIZE(limits); i++) {
        json_object_set_int_member(o, limits[i], 0);
    }
    json_object_set_object_member(o, "image", img);
    json_object_set_object_member(o, "cache", cache);
    json_object_set_int_member(o, "write_threshold", 0);
    return o;
}

static JsonNode *query_block(QmpRequest *req, JsonObject *args)
{
    JsonArray *a = json_array_new();
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        BlockQueryInfo q;
        blockdev_query(blk, &q);
        JsonObject *o = json_object_new();
        json_object_set_string_member(o, "device", q.device);
        if (q.dev) {
            json_object_set_string_member(o, "qdev", device_label(q.dev));
        }
        json_object_set_string_member(o, "type", "unknown");
        json_object_set_boolean_member(o, "removable", q.removable);
        json_object_set_boolean_member(o, "locked", q.locked);
        if (q.inserted) {
            json_object_set_object_member(o, "inserted", inserted_info(&q));
        }
        if (q.removable) {
            json_object_set_boolean_member(o, "tray_open", q.tray_open);
        }
        json_array_add_object_element(a, o);
    }
    JsonNode *n = json_node_init_array(json_node_alloc(), a);
    json_array_unref(a);
    return n;
}

/* The drive named by exactly one of "device" and "id". */
static BlockBackend *find_blk(QmpRequest *req, JsonObject *args)
{
    const char *device = qmp_arg_str(args, "device");
    const char *id = qmp_arg_str(args, "id");
    if (!device == !id) {
        qmp_error(req, "GenericError", "Need exactly one of 'device' and 'id'");
        return NULL;
    }
    if (device) {
        BlockBackend *blk = blk_by_name(device);
        if (!blk) {
            qmp_error(req, "DeviceNotFound", "Device '%s' not found", device);
        }
        return blk;
    }
    DeviceState *dev = device_find_id(id);
    if (!dev) {
        qmp_error(req, "DeviceNotFound", "Device '%s' not found", id);
        return NULL;
    }
    for (BlockBackend *blk = blk_next(NULL); blk; blk = blk_next(blk)) {
        if (blk_get_attached_dev(blk) == dev) {
            return blk;
        }
    }
    qmp_error(req, "GenericError", "Device '%s' does not have a drive", id);
    return NULL;
}

static JsonNode *cmd_eject(QmpRequest *req, JsonObject *args)
{
    BlockBackend *blk = find_blk(req, args);
    Error *err = NULL;
    if (blk &&
        blockdev_eject(blk, qmp_arg_bool(args, "force", false), &err) < 0) {
        qmp_error(req, "GenericError", "%s", error_get_pretty(err));
        error_free(err);
    }
    return NULL;
}

static const char *const ro_modes[] = {"retain", "read-only", "read-write",
                                       NULL};

static JsonNode *cmd_change_medium(QmpRequest *req, JsonObject *args)
{
    BlockBackend *blk = find_blk(req, args);
    Error *err = NULL;
    if (!blk) {
        return NULL;
    }
    const char *mode = qmp_arg_str(args, "read-only-mode");
    int ro = !mode || !strcmp(mode, "retain") ? -1
             : !strcmp(mode, "read-only")     ? 1
                                              : 0;
    /* force: open a tray the guest locked first (eject -f). */
    if (qmp_arg_bool(args, "force", false) &&
        blockdev_eject(blk, true, &err) < 0) {
        goto fail;
    }
    if (blockdev_change_medium(blk, qmp_arg_str(args, "filename"),
                               qmp_arg_str(args, "format"), ro, &err) < 0) {
        goto fail;
    }
    return NULL;
fail:
    qmp_error(req, "GenericError", "%s", error_get_pretty(err));
    error_free(err);
    return NULL;
}

static const QmpArg eject_args[] = {
    {"device", QMP_ARG_STR, true},
    {"id", QMP_ARG_STR, true},
    {"force", QMP_ARG_BOOL, true},
    {NULL},
};

static const QmpArg change_args[] = {
    {"device", QMP_ARG_STR, true},
    {"id", QMP_ARG_STR, true},
    {"filename", QMP_ARG_STR},
    {"format", QMP_ARG_STR, true},
    {"force", QMP_ARG_BOOL, true},
    {"read-only-mode", QMP_ARG_ENUM, true, ro_modes},
    {NULL},
};

static void __attribute__((constructor)) qmp_cmds_block_register(void)
{
    qmp_register_command("query-block", NULL, query_block);
    qmp_register_command("eject", eject_args, cmd_eject);
    qmp_register_command("blockdev-change-medium", change_args,
                         cmd_change_medium);
}
