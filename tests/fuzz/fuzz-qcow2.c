/*
 * Fuzz target: the qcow2 reader and writer (block/qcow2*.c) on damaged
 * images.  Not a device: the rig's window is a dummy port range, and the
 * records are read as operations on an image file instead:
 *
 *   write records (op 0x00-0x5f)  guest write: offset = record offset
 *                                 modulo the disk, 512-aligned; 1-8
 *                                 sectors of a pattern from the value
 *   read records (op 0x60-0xbf)   guest read of the same shape, twice
 *   events (op 0xc0-0xdf)         op & 31:
 *     0-7    damage the file: 1-4 bytes of the value at the header, the
 *            L1 table, an L2 table, the refcount table/block (0-3, 4-5
 *            within them, 6-7 anywhere in the file)
 *     8-11   start over from template value % 3 (closes the image)
 *     12-15  open (read-write if the op is even, else read-only)
 *     16     close                  17  check       18  check -r all
 *     19     flush                  20  discard     21  write zeroes
 *     22     block status           23  grow        24  compressed write
 *     25     info and snapshot list 26  make_empty
 *     27     snapshot create "s<value % 4>" with a VM state of
 *            (value >> 8) % (3 clusters + 1) bytes
 *     28     snapshot goto          29  snapshot delete
 *     30     load the VM state      31  damage 1-4 bytes of the snapshot
 *                                       table or (value bit 31) of the
 *                                       first snapshot's L1 table
 *
 * Every input starts from a fresh copy of a template image that emu made
 * (v3 512-byte clusters, v2 4K clusters, v3 lazy refcounts with 8-bit
 * refcounts; data, zero and compressed clusters in each, and a snapshot
 * "s0" of it all with a VM state).
 *
 * Invariants: no crash or sanitizer report; two reads of the same range in
 * a row agree (or fail); while the file has not been damaged, every read
 * equals a model of the disk (a flat buffer the writes update), every
 * operation succeeds and check finds nothing (no leak after snapshot
 * operations either); goto makes the disk the model of the snapshot and
 * a VM state reads back as it was saved.
 */
#include "tests/fuzz/fuzz.h"
#include "block/snapshot.h"

#include <fcntl.h>
#include <glib.h>
#include <unistd.h>

#define NTEMPLATES 3
#define NSLOTS     4

/* A snapshot "s<i>" as the model knows it. */
typedef struct SnapSlot {
    bool used;
    uint8_t *disk;
    uint8_t *vm;
    uint64_t vm_len;
} SnapSlot;

typedef struct Template {
    uint8_t *file;
    size_t file_len;
    uint8_t *disk;
    uint64_t size;
    uint32_t cluster_size;
    uint64_t l1, l2, rt, rb; /* where the tables are */
    SnapSlot s0;
} Template;

typedef struct QcowFuzz {
    MemoryRegion io;
    BlockDriverState *bs;
    const Template *t;
    uint8_t *model;
    bool damaged;
    bool read_only;
    SnapSlot slots[NSLOTS];
} QcowFuzz;

static Template templates[NTEMPLATES];
static char *img_path;
static QcowFuzz qf;

static uint64_t dummy_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void dummy_write(void *opaque, uint64_t addr, uint64_t v, unsigned size)
{
}

static const MemoryRegionOps dummy_ops = {
    .read = dummy_read,
    .write = dummy_write,
};

static uint64_t be64_at(const uint8_t *f, size_t len, uint64_t off)
{
    uint64_t v = 0;
    for (int i = 0; i < 8 && off + i < len; i++) {
        v = v << 8 | f[off + i];
    }
    return v;
}

static void remove_image(void)
{
    unlink(img_path);
}

static BlockDriverState *open_image(bool ro)
{
    BlockOpenOptions o = {
        .filename = img_path,
        .format = "qcow2",
        .read_only = ro,
        .no_lock = true,
    };
    Error *err = NULL;
    BlockDriverState *bs = bdrv_open(&o, &err);
    error_free(err);
    return bs;
}

static void make_template(int i)
{
    static const BlockCreateOptions opts[NTEMPLATES] = {
        {.size = 64 * KiB, .cluster_size = 512},
        {.size = 128 * KiB, .cluster_size = 4096, .compat = "0.10"},
        {.size = 96 * KiB + 512,
         .cluster_size = 4096,
         .lazy_refcounts = true,
         .refcount_bits = 8},
    };
    Template *t = &templates[i];
    Error *err = NULL;
    unlink(img_path);
    if (bdrv_create("qcow2", img_path, &opts[i], &err) < 0) {
        fprintf(stderr, "fuzz-qcow2: cannot create a template: %s\n",
                error_get_pretty(err));
        abort();
    }
    BlockOpenOptions oo = {
        .filename = img_path,
        .format = "qcow2",
        .no_lock = true,
    };
    BlockDriverState *bs = bdrv_open(&oo, &err);
    if (!bs) {
        fprintf(stderr, "fuzz-qcow2: cannot open a template: %s\n",
                error_get_pretty(err));
        abort();
    }
    t->size = opts[i].size;
    t->cluster_size = opts[i].cluster_size;
    uint8_t *buf = g_malloc(t->size);
    for (uint64_t k = 0; k < t->size; k++) {
        buf[k] = (uint8_t)(k * 31 + i + (k >> 9));
    }
    /* Data, then a hole of zero clusters, then compressed clusters. */
    uint64_t cs = t->cluster_size;
    int ret = bdrv_pwrite(bs, 0, buf, (t->size / 2) & ~511ull);
    if (ret == 0) {
        ret = bdrv_pwrite_zeroes(bs, 2 * cs, 2 * cs);
    }
    if (ret < 0) {
        fprintf(stderr, "fuzz-qcow2: cannot fill a template: %s\n",
                strerror(-ret));
        abort();
    }
    for (uint64_t off = (t->size / 2 + cs) / cs * cs; off + cs <= t->size;
         off += 2 * cs) {
        memset(buf + off, (int)(off >> 9), cs);
        struct iovec one;
        IOVector v;
        iovec_init_buf(&v, &one, buf + off, cs);
        ret = bs->drv->pwritev_compressed(bs, off, cs, &v);
        if (ret < 0) {
            fprintf(stderr,
                    "fuzz-qcow2: compressed write at 0x%" PRIx64 ": %s\n", off,
                    strerror(-ret));
            abort();
        }
    }
    t->disk = g_malloc(t->size);
    if (bdrv_pread(bs, 0, t->disk, t->size) < 0) {
        abort();
    }
    BlockSnapshotInfo sn = {.vm_state_size = 700 + 1000 * i};
    strcpy(sn.name, "s0");
    t->s0.used = true;
    t->s0.disk = g_memdup2(t->disk, t->size);
    t->s0.vm_len = sn.vm_state_size;
    t->s0.vm = g_malloc(t->s0.vm_len);
    for (uint64_t k = 0; k < t->s0.vm_len; k++) {
        t->s0.vm[k] = (uint8_t)(k * 7 + i);
    }
    if (bdrv_snapshot_create(bs, &sn, t->s0.vm, &err) < 0) {
        fprintf(stderr, "fuzz-qcow2: cannot snapshot a template: %s\n",
                error_get_pretty(err));
        abort();
    }
    bdrv_unref(bs);
    g_free(buf);
    gsize len;
    gchar *contents;
    if (!g_file_get_contents(img_path, &contents, &len, NULL)) {
        abort();
    }
    t->file = (uint8_t *)contents;
    t->file_len = len;
    t->l1 = be64_at(t->file, len, 40);
    t->l2 = be64_at(t->file, len, t->l1) & 0x00fffffffffffe00ull;
    t->rt = be64_at(t->file, len, 48);
    t->rb = be64_at(t->file, len, t->rt);
}

static void close_image(QcowFuzz *f)
{
    if (f->bs) {
        bdrv_unref(f->bs);
        f->bs = NULL;
    }
}

static void slot_clear(SnapSlot *sl)
{
    g_free(sl->disk);
    g_free(sl->vm);
    memset(sl, 0, sizeof(*sl));
}

static void start_from(QcowFuzz *f, const Template *t)
{
    close_image(f);
    for (int i = 0; i < NSLOTS; i++) {
        slot_clear(&f->slots[i]);
    }
    f->slots[0] = t->s0;
    f->slots[0].disk = g_memdup2(t->s0.disk, t->size);
    f->slots[0].vm = g_memdup2(t->s0.vm, t->s0.vm_len);
    f->t = t;
    g_free(f->model);
    f->model = g_memdup2(t->disk, t->size);
    f->damaged = false;
    if (!g_file_set_contents(img_path, (const char *)t->file, t->file_len,
                             NULL)) {
        abort();
    }
    f->read_only = false;
    f->bs = open_image(false);
}

static void qcow2_fuzz_setup(FuzzRig *r)
{
    if (!img_path) {
        /* tmpfs when there is one: flushes are then free. */
        const char *dir =
            access("/dev/shm", W_OK) == 0 ? "/dev/shm" : g_get_tmp_dir();
        img_path =
            g_strdup_printf("%s/emu-fuzz-qcow2-%d.img", dir, (int)getpid());
        atexit(remove_image);
        for (int i = 0; i < NTEMPLATES; i++) {
            make_template(i);
        }
    }
    memset(&qf.io, 0, sizeof(qf.io));
    memory_region_init_io(&qf.io, &dummy_ops, &qf, "qcow2-fuzz", 16);
    memory_region_add_subregion(&r->tb.io_root, 0x1000, &qf.io);
    fuzz_add_window(r, FUZZ_IO, 0x1000, 16);
    r->s = &qf;
    start_from(&qf, &templates[0]);
    FUZZ_ASSERT(r, qf.bs != NULL);
}

static void qcow2_fuzz_teardown(FuzzRig *r)
{
    close_image(&qf);
    g_free(qf.model);
    qf.model = NULL;
    for (int i = 0; i < NSLOTS; i++) {
        slot_clear(&qf.slots[i]);
    }
    memory_region_del_subregion(&r->tb.io_root, &qf.io);
    memory_region_finalize(&qf.io);
}

static void range_of(const QcowFuzz *f, const FuzzOp *op, uint64_t *off,
                     uint64_t *len)
{
    uint64_t size = f->t->size;
    uint64_t o = ((uint64_t)op->offset * 512) % size;
    uint64_t l = ((op->value >> 8) % 8 + 1) * 512;
    *off = o;
    *len = MIN(l, size - o);
}

static bool clean(const QcowFuzz *f)
{
    return !f->damaged && f->bs;
}

/* While the file is intact, everything must work. */
static void expect_ok(FuzzRig *r, const QcowFuzz *f, int ret, const char *what)
{
    if (clean(f) && ret < 0 && !(f->read_only && ret == -EROFS)) {
        fuzz_fail(r, "%s failed on an intact image: %s", what, strerror(-ret));
    }
}

static void damage(FuzzRig *r, QcowFuzz *f, const FuzzOp *op, int what)
{
    const Template *t = f->t;
    uint64_t base, span;
    switch (what) {
    case 0:
        base = 0, span = 512;
        break;
    case 1:
        base = t->l1, span = 512;
        break;
    case 2:
        base = t->l2, span = t->cluster_size;
        break;
    case 3:
        base = t->rt, span = 512;
        break;
    case 4:
    case 5:
        base = t->rb, span = t->cluster_size;
        break;
    default:
        base = 0, span = t->file_len;
        break;
    }
    uint64_t off = base + op->offset % span;
    uint8_t v[4] = {op->value, op->value >> 8, op->value >> 16,
                    op->value >> 24};
    int fd = open(img_path, O_WRONLY);
    FUZZ_ASSERT(r, fd >= 0);
    if (pwrite(fd, v, op->size, off) != (ssize_t)op->size) {
        fuzz_fail(r, "cannot damage the image file");
    }
    close(fd);
    f->damaged = true;
}

static void check_status(FuzzRig *r, QcowFuzz *f, uint64_t off, uint64_t len)
{
    uint64_t pnum = 0;
    int st = bdrv_block_status(f->bs, off, len, &pnum);
    if (st >= 0) {
        FUZZ_ASSERT(r, pnum > 0 && pnum <= len);
        if (clean(f) && (st & BDRV_BLOCK_ZERO)) {
            /* Zero status must be true. */
            for (uint64_t k = 0; k < pnum; k++) {
                FUZZ_ASSERT(r, f->model[off + k] == 0);
            }
        }
    }
}

/* QCOW2_FUZZ_TRACE=1 prints every operation (for replaying a finding). */
static void trace(FuzzRig *r, const FuzzOp *op, uint64_t off, uint64_t len)
{
    static int on = -1;
    if (on < 0) {
        on = getenv("QCOW2_FUZZ_TRACE") != NULL;
    }
    if (on) {
        fprintf(stderr,
                "record %u: op 0x%02x size %u 0x%" PRIx64 "+0x%" PRIx64
                " value 0x%x%s\n",
                r->record, op->op, op->size, off, len, op->value,
                qf.damaged ? " (damaged)" : "");
    }
}

/* Events 27-31: snapshots against the slots' models. */
static void snapshot_event(FuzzRig *r, QcowFuzz *f, const FuzzOp *op, int sub)
{
    int k = op->value % NSLOTS;
    SnapSlot *sl = &f->slots[k];
    char name[8];
    snprintf(name, sizeof(name), "s%d", k);
    Error *err = NULL;
    int ret = 0;
    if (sub == 31) {
        uint64_t table = 0, l1 = 0;
        uint8_t b[8];
        int fd = open(img_path, O_RDWR);
        FUZZ_ASSERT(r, fd >= 0);
        if (pread(fd, b, 8, 64) == 8) {
            table = be64_at(b, 8, 0);
        }
        if (table && pread(fd, b, 8, table) == 8) {
            l1 = be64_at(b, 8, 0);
        }
        uint64_t base = op->value & 0x80000000u ? l1 : table;
        off_t end = lseek(fd, 0, SEEK_END);
        /* Only inside the file (a damaged header may point anywhere). */
        if (base && end > 0 && base < (uint64_t)end) {
            uint8_t v[4] = {op->value, op->value >> 8, op->value >> 16,
                            op->value >> 24};
            if (pwrite(fd, v, op->size, base + op->offset % 512) !=
                (ssize_t)op->size) {
                fuzz_fail(r, "cannot damage the image file");
            }
            f->damaged = true;
        }
        close(fd);
        return;
    }
    bool intact = clean(f) && !f->read_only;
    if (sub == 27) {
        uint64_t cs = f->t->cluster_size;
        BlockSnapshotInfo info = {.vm_state_size =
                                      (op->value >> 8) % (3 * cs + 1)};
        strcpy(info.name, name);
        uint8_t *vm = g_malloc(info.vm_state_size + 1);
        for (uint64_t j = 0; j < info.vm_state_size; j++) {
            vm[j] = (uint8_t)(j + op->value);
        }
        ret = bdrv_snapshot_create(f->bs, &info, vm, &err);
        if (intact && ret != (sl->used ? -EEXIST : 0)) {
            fuzz_fail(r, "snapshot create: %d (%s)", ret,
                      err ? error_get_pretty(err) : "");
        }
        if (ret == 0) {
            slot_clear(sl);
            sl->used = true;
            sl->disk = g_memdup2(f->model, f->t->size);
            sl->vm = vm;
            sl->vm_len = info.vm_state_size;
            vm = NULL;
        }
        g_free(vm);
    } else if (sub == 28 || sub == 29) {
        ret = sub == 28 ? bdrv_snapshot_goto(f->bs, name, &err)
                        : bdrv_snapshot_delete(f->bs, name, &err);
        if (intact && ret != (sl->used ? 0 : -ENOENT)) {
            fuzz_fail(r, "snapshot %s: %d (%s)", sub == 28 ? "goto" : "delete",
                      ret, err ? error_get_pretty(err) : "");
        }
        if (ret == 0 && sub == 28 && sl->used) {
            memcpy(f->model, sl->disk, f->t->size);
        } else if (ret == 0 && sub == 29) {
            slot_clear(sl);
        }
    } else if (sub == 30) {
        uint8_t *buf = NULL;
        size_t len = 0;
        ret = bdrv_snapshot_load_vmstate(f->bs, name, &buf, &len, &err);
        if (clean(f) && ret != (sl->used ? 0 : -ENOENT)) {
            fuzz_fail(r, "load_vmstate: %d (%s)", ret,
                      err ? error_get_pretty(err) : "");
        }
        if (clean(f) && ret == 0 &&
            (len != sl->vm_len || (len && memcmp(buf, sl->vm, len)))) {
            fuzz_fail(r, "the VM state of %s differs from what was saved",
                      name);
        }
        g_free(buf);
    }
    error_free(err);
}

static void qcow2_fuzz_event(FuzzRig *r, const FuzzOp *op)
{
    QcowFuzz *f = r->s;
    int sub = op->op & 31;
    uint64_t off, len;
    range_of(f, op, &off, &len);
    trace(r, op, off, len);
    if (sub < 8) {
        damage(r, f, op, sub);
        return;
    }
    if (sub < 12) {
        start_from(f, &templates[op->value % NTEMPLATES]);
        return;
    }
    if (sub < 16) {
        close_image(f);
        f->read_only = sub & 1;
        f->bs = open_image(f->read_only);
        if (!f->damaged) {
            FUZZ_ASSERT(r, f->bs != NULL);
        }
        return;
    }
    if (sub == 16) {
        close_image(f);
        return;
    }
    if (!f->bs) {
        return;
    }
    BdrvCheckResult res;
    int ret;
    uint64_t cs = f->t->cluster_size;
    switch (sub) {
    case 17:
    case 18:
        ret = f->bs->drv->check(f->bs, &res,
                                sub == 18 ? BDRV_FIX_LEAKS | BDRV_FIX_ERRORS
                                          : BDRV_FIX_NONE);
        if (clean(f) && ret == 0) {
            FUZZ_ASSERT(r, res.corruptions == 0 && res.leaks == 0);
        }
        expect_ok(r, f, ret == -EROFS ? 0 : ret, "check");
        break;
    case 19:
        expect_ok(r, f, bdrv_flush(f->bs), "flush");
        break;
    case 20:
        ret = bdrv_pdiscard(f->bs, off, len);
        expect_ok(r, f, ret, "discard");
        if (ret == 0) {
            /* Whole clusters read zeros afterwards (no backing here). */
            uint64_t end = off + len;
            uint64_t a = (off + cs - 1) / cs * cs;
            uint64_t b = end == f->t->size ? end : end / cs * cs;
            if (a < b) {
                memset(f->model + a, 0, b - a);
            }
        }
        break;
    case 21:
        ret = bdrv_pwrite_zeroes(f->bs, off, len);
        expect_ok(r, f, ret, "write zeroes");
        if (ret == 0) {
            memset(f->model + off, 0, len);
        }
        break;
    case 22:
        check_status(r, f, off, len);
        break;
    case 23: {
        /* Growing changes the disk size the model knows: only on a
         * damaged image, where the model is not used any more. */
        if (f->damaged) {
            Error *err = NULL;
            bdrv_truncate(f->bs, f->t->size + (op->value % 64) * 512, &err);
            error_free(err);
        }
        break;
    }
    case 24: {
        uint64_t c = off / cs * cs;
        uint64_t n = MIN(cs, f->t->size - c);
        uint8_t *buf = g_malloc(n);
        memset(buf, op->value, n);
        struct iovec one;
        IOVector v;
        iovec_init_buf(&v, &one, buf, n);
        ret = f->bs->drv->pwritev_compressed(f->bs, c, n, &v);
        expect_ok(r, f, ret, "compressed write");
        if (ret == 0) {
            memcpy(f->model + c, buf, n);
        }
        g_free(buf);
        break;
    }
    case 25: {
        BlockDriverInfo bdi;
        BlockSnapshotInfo *list = NULL;
        f->bs->drv->get_info(f->bs, &bdi);
        ret = f->bs->drv->snapshot_list(f->bs, &list);
        g_free(list);
        break;
    }
    case 27:
    case 28:
    case 29:
    case 30:
    case 31:
        snapshot_event(r, f, op, sub);
        break;
    case 26:
        ret = f->bs->drv->make_empty(f->bs);
        expect_ok(r, f, ret, "make_empty");
        if (ret == 0) {
            memset(f->model, 0, f->t->size);
        }
        break;
    default:
        break;
    }
}

/* Reads and writes come through check(), which sees the whole record. */
static void qcow2_fuzz_check(FuzzRig *r, const FuzzOp *op)
{
    QcowFuzz *f = r->s;
    if (!f->bs || op->op >= 0xc0) {
        return;
    }
    uint64_t off, len;
    range_of(f, op, &off, &len);
    trace(r, op, off, len);
    int64_t dlen = bdrv_getlength(f->bs);
    if (dlen < 0 || off + len > (uint64_t)dlen) {
        return;
    }
    if (op->op < 0x60) {
        uint8_t *buf = g_malloc(len);
        memset(buf, op->value, len);
        buf[0] = op->op;
        int ret = bdrv_pwrite(f->bs, off, buf, len);
        expect_ok(r, f, ret, "write");
        if (ret == 0) {
            memcpy(f->model + off, buf, len);
        }
        g_free(buf);
        return;
    }
    uint8_t *a = g_malloc(len), *b = g_malloc(len);
    int ra = bdrv_pread(f->bs, off, a, len);
    int rb = bdrv_pread(f->bs, off, b, len);
    expect_ok(r, f, ra, "read");
    if (ra == 0 && rb == 0) {
        FUZZ_ASSERT(r, memcmp(a, b, len) == 0);
    }
    if (clean(f) && ra == 0 && memcmp(a, f->model + off, len)) {
        fuzz_fail(r,
                  "read 0x%" PRIx64 "+0x%" PRIx64
                  " differs from the model on an intact image",
                  off, len);
    }
    g_free(a);
    g_free(b);
}

const FuzzTarget fuzz_target = {
    .name = "qcow2",
    .covers = "block/qcow2.c",
    .setup = qcow2_fuzz_setup,
    .teardown = qcow2_fuzz_teardown,
    .event = qcow2_fuzz_event,
    .check = qcow2_fuzz_check,
};
