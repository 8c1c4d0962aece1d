/*
 * -blockdev, the simple cases of QEMU's: a node named node-name that a
 * device takes with drive=NAME.
 *
 *   -blockdev driver=file,node-name=f0,filename=disk.img[,locking=off]
 *   -blockdev driver=qcow2,node-name=d0,file=f0[,backing=null|NODE]
 *   -blockdev driver=raw,node-name=d0,file.driver=file,file.filename=x
 *
 * The block core opens a whole image stack from a file name (bdrv_open);
 * it cannot stack a format on a node that is already open.  So a node
 * named by another node's file= or backing= is closed and its file name,
 * locking and aio settings are handed to the node above, which opens the
 * stack in one go.  A driver=file node that nothing stacks on is the raw
 * bytes of the file (format raw given explicitly: no probing).
 */
#include "block/blockdev-int.h"

typedef struct Node {
    char *name;
    char *filename;
    const char *driver;
    bool read_only;
    bool no_lock;
    BlockAioMode aio;
    BlockCacheMode cache;
    BlockBackend *blk; /* NULL once another node took it over */
    struct Node *next;
} Node;

static Node *nodes;

static Node *node_find(const char *name)
{
    for (Node *n = nodes; n; n = n->next) {
        if (!strcmp(n->name, name)) {
            return n;
        }
    }
    return NULL;
}

/* The options of a file node: -blockdev driver=file,... or the file.*
 * keys of a format node (prefix "file."). */
static int file_opts(KeyValOpts *o, const char *prefix, Node *n, Error **errp)
{
    char key[64];
    const char *v;

    snprintf(key, sizeof(key), "%sfilename", prefix);
    if (!(v = keyval_get(o, key))) {
        error_setg(errp, "parameter '%s' is missing", key);
        return -1;
    }
    n->filename = g_strdup(v);
    snprintf(key, sizeof(key), "%slocking", prefix);
    if ((v = keyval_get(o, key))) {
        if (!strcmp(v, "off")) {
            n->no_lock = true;
        } else if (strcmp(v, "on") && strcmp(v, "auto")) {
            error_setg(errp, "%s expects on, off or auto, not '%s'", key, v);
            return -1;
        }
    }
    snprintf(key, sizeof(key), "%saio", prefix);
    if ((v = keyval_get(o, key)) && block_parse_aio(v, &n->aio, errp) < 0) {
        return -1;
    }
    return 0;
}

/* Take over node `name` as the file (or backing) of the node being made. */
static Node *node_take(const char *name, const char *what, Error **errp)
{
    Node *n = node_find(name);
    if (!n) {
        error_setg(errp, "%s '%s': no -blockdev node of that name", what, name);
        return NULL;
    }
    if (!n->blk) {
        error_setg(errp, "%s '%s': the node is already used by another node",
                   what, name);
        return NULL;
    }
    /* Devices are created after every -blockdev: nothing holds it yet. */
    blk_unref(n->blk);
    n->blk = NULL;
    return n;
}

static int node_new(const char *str, Error **errp)
{
    KeyValOpts o;
    Node *n = g_new0(Node, 1);
    const char *backing = NULL;
    bool ro = false;
    char *backing_file = NULL;

    n->aio = BLOCK_AIO_THREADS;
    n->cache = BLOCK_CACHE_WRITEBACK;
    if (keyval_split(str, &o, errp) < 0) {
        g_free(n);
        return -1;
    }
    const char *driver = keyval_get(&o, "driver");
    const char *name = keyval_get(&o, "node-name");
    if (!driver) {
        error_setg(errp, "parameter 'driver' is missing");
        goto fail;
    }
    if (!name) {
        error_setg(errp, "parameter 'node-name' is missing (emu needs it to "
                         "attach the node: -device ...,drive=NAME)");
        goto fail;
    }
    if (node_find(name) || blk_by_name(name)) {
        error_setg(errp, "Duplicate nodes with node-name='%s'", name);
        goto fail;
    }
    n->name = g_strdup(name);
    if (keyval_get_bool(&o, "read-only", &ro, errp) < 0) {
        goto fail;
    }
    n->read_only = ro;
    /* cache.direct=on is cache=none, cache.no-flush=on is unsafe. */
    bool direct = false, no_flush = false;
    if (keyval_get_bool(&o, "cache.direct", &direct, errp) < 0 ||
        keyval_get_bool(&o, "cache.no-flush", &no_flush, errp) < 0) {
        goto fail;
    }
    n->cache = direct     ? BLOCK_CACHE_NONE
               : no_flush ? BLOCK_CACHE_UNSAFE
                          : BLOCK_CACHE_WRITEBACK;

    if (!strcmp(driver, "file")) {
        n->driver = "file";
        if (file_opts(&o, "", n, errp) < 0) {
            goto fail;
        }
    } else if (bdrv_find_format(driver) && strcmp(driver, "file")) {
        n->driver = bdrv_find_format(driver)->format_name;
        const char *file = keyval_get(&o, "file");
        const char *fdrv = keyval_get(&o, "file.driver");
        if (file) {
            Node *f = node_take(file, "file", errp);
            if (!f) {
                goto fail;
            }
            n->filename = g_strdup(f->filename);
            n->no_lock = f->no_lock;
            n->aio = f->aio;
        } else {
            if (fdrv && strcmp(fdrv, "file")) {
                error_setg(errp, "file.driver=%s is not supported (only file)",
                           fdrv);
                goto fail;
            }
            if (file_opts(&o, "file.", n, errp) < 0) {
                goto fail;
            }
        }
        backing = keyval_get(&o, "backing");
        if (backing && strcmp(backing, "null")) {
            Node *b = node_take(backing, "backing", errp);
            if (!b) {
                goto fail;
            }
            /* The format records (and opens) its backing by name. */
            backing_file = g_strdup(b->filename);
        }
    } else {
        error_setg(errp, "unknown driver '%s' (known: file, %s)", driver,
                   bdrv_format_list());
        goto fail;
    }
    const char *unused = keyval_unused(&o);
    if (unused) {
        error_setg(errp, "Invalid parameter '%s'", unused);
        goto fail;
    }

    BlockOpenOptions bo = {
        .filename = n->filename,
        .format = !strcmp(n->driver, "file") ? "raw" : n->driver,
        .read_only = n->read_only,
        .cache = n->cache,
        .aio = n->aio,
        .no_lock = n->no_lock,
        .backing = backing && !strcmp(backing, "null") ? "" : backing_file,
    };
    BlockDriverState *bs = bdrv_open(&bo, errp);
    if (!bs) {
        goto fail;
    }
    n->blk = blk_new(n->name, bs, n->cache);
    bdrv_unref(bs);
    n->next = nodes;
    nodes = n;
    g_free(backing_file);
    keyval_free(&o);
    return 0;

fail:
    g_free(backing_file);
    g_free(n->name);
    g_free(n->filename);
    g_free(n);
    keyval_free(&o);
    return -1;
}

int blockdev_new(const char *opts, Error **errp)
{
    if (node_new(opts, errp) < 0) {
        error_prepend(errp, "-blockdev %s: ", opts);
        return -1;
    }
    return 0;
}

void blockdev_nodes_close_all(void)
{
    while (nodes) {
        Node *n = nodes;
        nodes = n->next;
        if (n->blk) {
            if (blk_is_inserted(n->blk) && !blk_is_read_only(n->blk)) {
                blk_flush(n->blk);
            }
            blk_unref(n->blk);
        }
        g_free(n->name);
        g_free(n->filename);
        g_free(n);
    }
}
