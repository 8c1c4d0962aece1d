/*
 * The machine's sections (include/migration/machine-state.h): the virtual
 * clock, RAM, vCPUs and devices, gathered into section handlers for
 * vmstream_save/vmstream_load.
 */
#include "emu/common.h"
#include "block/block.h"
#include "emu/cpu.h"
#include "emu/device.h"
#include "emu/machine.h"
#include "emu/memory.h"
#include "emu/timer.h"
#include "migration/machine-state.h"

#define PAGE    4096u
#define PG_ZERO 0 /* an all-zero page: nothing follows */
#define PG_RAW  1 /* PAGE bytes (fewer for a block's short last page) */

/* ---- "timer": the virtual clock ---- */

static void clock_save(void *opaque, GByteArray *out)
{
    (void)opaque;
    int64_t ns = clock_get_ns(CLOCK_VIRTUAL);
    uint8_t b[8];
    for (int i = 0; i < 8; i++) {
        b[i] = (uint64_t)ns >> (8 * i);
    }
    g_byte_array_append(out, b, 8);
}

static int clock_check(void *opaque, const uint8_t *buf, size_t len,
                       Error **errp)
{
    (void)opaque;
    int64_t ns = 0;
    if (len == 8) {
        memcpy(&ns, buf, 8); /* little-endian hosts only (as emu) */
    }
    if (len != 8 || ns < 0) {
        error_setg(errp, "bad virtual clock");
        return -1;
    }
    return 0;
}

static int clock_load(void *opaque, const uint8_t *buf, size_t len,
                      Error **errp)
{
    (void)opaque;
    (void)len;
    (void)errp;
    int64_t ns;
    memcpy(&ns, buf, 8);
    clock_set_vm_ns(ns);
    return 0;
}

/* ---- "ram:NAME": one RAM or ROM block ---- */

static bool page_is_zero(const uint8_t *p, size_t n)
{
    static const uint8_t zero[PAGE];
    return !memcmp(p, zero, n);
}

static void ram_save(void *opaque, GByteArray *out)
{
    MemoryRegion *mr = opaque;
    uint8_t b[8];
    for (int i = 0; i < 8; i++) {
        b[i] = mr->size >> (8 * i);
    }
    g_byte_array_append(out, b, 8);
    memory_region_sync_dirty(mr); /* KVM: nothing pending in its log */
    for (uint64_t off = 0; off < mr->size; off += PAGE) {
        size_t n = MIN(PAGE, mr->size - off);
        const uint8_t *p = mr->ram + off;
        uint8_t tag = page_is_zero(p, n) ? PG_ZERO : PG_RAW;
        g_byte_array_append(out, &tag, 1);
        if (tag == PG_RAW) {
            g_byte_array_append(out, p, n);
        }
    }
}

/* Walk the pages; write them into mr only when apply. */
static int ram_walk(MemoryRegion *mr, const uint8_t *buf, size_t len,
                    bool apply, Error **errp)
{
    uint64_t size = 0;
    if (len < 8) {
        error_setg(errp, "truncated");
        return -1;
    }
    memcpy(&size, buf, 8);
    if (size != mr->size) {
        error_setg(errp,
                   "RAM block '%s' is %" PRIu64 " KiB in the state, "
                   "%" PRIu64 " KiB here (-m must match)",
                   mr->name, size / KiB, mr->size / KiB);
        return -1;
    }
    size_t pos = 8;
    for (uint64_t off = 0; off < mr->size; off += PAGE) {
        size_t n = MIN(PAGE, mr->size - off);
        if (pos >= len) {
            error_setg(errp, "truncated at page 0x%" PRIx64, off);
            return -1;
        }
        uint8_t tag = buf[pos++];
        if (tag == PG_ZERO) {
            if (apply) {
                memset(mr->ram + off, 0, n);
            }
        } else if (tag == PG_RAW) {
            if (len - pos < n) {
                error_setg(errp, "truncated at page 0x%" PRIx64, off);
                return -1;
            }
            if (apply) {
                memcpy(mr->ram + off, buf + pos, n);
            }
            pos += n;
        } else {
            error_setg(errp, "bad page tag %u at page 0x%" PRIx64, tag, off);
            return -1;
        }
    }
    if (pos != len) {
        error_setg(errp, "%zu bytes after the last page", len - pos);
        return -1;
    }
    if (apply && mr->type == MR_RAM) {
        /* Displays redraw everything, and whoever logs (KVM) knows. */
        memory_region_set_dirty(mr, 0, mr->size);
    }
    return 0;
}

static int ram_check(void *opaque, const uint8_t *buf, size_t len, Error **errp)
{
    return ram_walk(opaque, buf, len, false, errp);
}

static int ram_load(void *opaque, const uint8_t *buf, size_t len, Error **errp)
{
    return ram_walk(opaque, buf, len, true, errp);
}

/* ---- The handler list ---- */

/* How many handlers before h[n] have this name: the instance id. */
static uint32_t next_instance(const VMSectionHandler *h, int n,
                              const char *name)
{
    uint32_t k = 0;
    for (int i = 0; i < n; i++) {
        k += !strcmp(h[i].name, name);
    }
    return k;
}

static GArray *collect(Error **errp)
{
    GArray *a = g_array_new(false, true, sizeof(VMSectionHandler));
    VMSectionHandler h = {0};

    snprintf(h.name, sizeof(h.name), "timer");
    h.version = 1;
    h.save = clock_save;
    h.check = clock_check;
    h.load = clock_load;
    g_array_append_val(a, h);

    /* The list is newest first: save oldest first (pc.ram before VGA). */
    int nr = 0;
    for (MemoryRegion *mr = memory_ram_block_next(NULL); mr;
         mr = memory_ram_block_next(mr)) {
        nr++;
    }
    MemoryRegion **blocks = g_new(MemoryRegion *, nr ? nr : 1);
    int i = nr;
    for (MemoryRegion *mr = memory_ram_block_next(NULL); mr;
         mr = memory_ram_block_next(mr)) {
        blocks[--i] = mr;
    }
    for (i = 0; i < nr; i++) {
        memset(&h, 0, sizeof(h));
        snprintf(h.name, sizeof(h.name), "ram:%s", blocks[i]->name);
        h.instance = next_instance((VMSectionHandler *)a->data, a->len, h.name);
        h.version = 1;
        h.save = ram_save;
        h.check = ram_check;
        h.load = ram_load;
        h.opaque = blocks[i];
        g_array_append_val(a, h);
    }
    g_free(blocks);

    Machine *m = current_machine;
    for (i = 0; m && i < m->nr_cpus; i++) {
        vmstream_vmsd_handler(&h, "cpu", i, &vmstate_x86_cpu, m->cpus[i]);
        g_array_append_val(a, h);
    }

    for (DeviceState *d = devices_first(); d; d = d->next) {
        const VMStateDescription *vmsd = d->cls->vmsd;
        if (!vmsd) {
            error_setg(errp,
                       "device '%s' (%s) has no state description: "
                       "its state cannot be saved",
                       device_label(d), d->cls->name);
            g_array_free(a, true);
            return NULL;
        }
        vmstream_vmsd_handler(
            &h, vmsd->name,
            next_instance((VMSectionHandler *)a->data, a->len, vmsd->name),
            vmsd, d);
        g_array_append_val(a, h);
    }
    return a;
}

static void cpus_sync(void)
{
    Machine *m = current_machine;
    for (int i = 0; m && i < m->nr_cpus; i++) {
        cpu_synchronize_state(m->cpus[i]);
    }
}

int machine_state_save(GByteArray *out, Error **errp)
{
    GArray *a = collect(errp);
    if (!a) {
        return -1;
    }
    /* No disk request may complete after the state is taken: its
     * completion (DMA into RAM, an IRQ) would be lost to the copy. */
    blk_drain_all();
    cpus_sync();
    vmstream_save((VMSectionHandler *)a->data, a->len, out);
    g_array_free(a, true);
    return 0;
}

int machine_state_load(const uint8_t *buf, size_t len, Error **errp)
{
    GArray *a = collect(errp);
    if (!a) {
        return -1;
    }
    /* What is not in the stream (the CPUID model) must be current, and
     * the rollback copy must be the real state. */
    blk_drain_all(); /* nor land in the restored machine */
    cpus_sync();
    int r = vmstream_load((VMSectionHandler *)a->data, a->len, buf, len, errp);
    g_array_free(a, true);
    return r;
}

int machine_state_check(const uint8_t *buf, size_t len, Error **errp)
{
    GArray *a = collect(errp);
    if (!a) {
        return -1;
    }
    int r = vmstream_check((VMSectionHandler *)a->data, a->len, buf, len, errp);
    g_array_free(a, true);
    return r;
}
