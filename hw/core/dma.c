/*
 * The DMA API (include/emu/dma.h): bounded copies, and map/unmap with one
 * bounce buffer for what is not plain RAM.
 *
 * Design after QEMU's address_space_map/unmap and dma_memory_rw (learned,
 * not copied): direct pointers only within one flat range of writable RAM
 * (or readable RAM/ROM for a read), everything else through the bounce
 * buffer with the ordinary dispatch, so MMIO side effects and access-size
 * rules apply to DMA as to the CPU.
 */
#include "emu/common.h"
#include "emu/dma.h"
#include "emu/trace.h"

static struct {
    bool in_use;
    AddressSpace *as;
    uint64_t addr;
    uint64_t len;
    uint8_t buf[DMA_BOUNCE_SIZE];
} bounce;

typedef struct MapClient {
    BH *bh;
    struct MapClient *next;
} MapClient;
static MapClient *map_clients;

const char *dma_result_str(DMAResult r)
{
    switch (r) {
    case DMA_OK:
        return "ok";
    case DMA_UNASSIGNED:
        return "unassigned address";
    case DMA_OUT_OF_RANGE:
        return "outside the address space";
    case DMA_DENIED:
        return "bus mastering disabled";
    }
    return "?";
}

/* Is [addr, addr + len) inside the address space without wrapping? */
static bool in_range(AddressSpace *as, uint64_t addr, uint64_t len)
{
    return len == 0 ||
           (addr <= as->size_mask && len - 1 <= as->size_mask - addr);
}

DMAResult dma_memory_rw(AddressSpace *as, uint64_t addr, void *buf,
                        uint64_t len, bool is_write)
{
    trace(dma_memory_rw, "%s addr 0x%" PRIx64 " len %" PRIu64 " %s", as->name,
          addr, len, is_write ? "write" : "read");
    if (!in_range(as, addr, len)) {
        log_mask(LOG_GUEST_ERROR,
                 "dma: %s of %" PRIu64 " bytes at 0x%" PRIx64 " leaves %s\n",
                 is_write ? "write" : "read", len, addr, as->name);
        if (!is_write) {
            memset(buf, 0xff, len);
        }
        return DMA_OUT_OF_RANGE;
    }
    return address_space_rw(as, addr, buf, len, is_write) ? DMA_OK
                                                          : DMA_UNASSIGNED;
}

DMAResult dma_memory_set(AddressSpace *as, uint64_t addr, uint8_t c,
                         uint64_t len)
{
    uint8_t chunk[512];
    DMAResult r = DMA_OK;

    if (!in_range(as, addr, len)) {
        return DMA_OUT_OF_RANGE;
    }
    memset(chunk, c, sizeof(chunk));
    while (len) {
        uint64_t n = MIN(len, sizeof(chunk));
        DMAResult ri = dma_memory_write(as, addr, chunk, n);
        if (ri != DMA_OK) {
            r = ri;
        }
        addr += n;
        len -= n;
    }
    return r;
}

void *address_space_map(AddressSpace *as, uint64_t addr, uint64_t *len,
                        bool is_write)
{
    uint64_t want = *len;

    trace(dma_map, "%s addr 0x%" PRIx64 " len %" PRIu64 " %s", as->name, addr,
          want, is_write ? "write" : "read");
    *len = 0;
    if (want == 0 || addr > as->size_mask) {
        return NULL;
    }
    want = MIN(want, as->size_mask - addr + 1); /* no wrap-around */
    const FlatRange *fr = address_space_lookup(as, addr);
    if (fr && fr->mr->ram && !(is_write && fr->readonly)) {
        *len = MIN(want, fr->size - (addr - fr->start));
        return fr->mr->ram + fr->offset + (addr - fr->start);
    }
    /* MMIO, a hole, or ROM being written: the bounce buffer, up to the
     * next range (whose kind may differ). */
    if (bounce.in_use) {
        return NULL;
    }
    uint64_t n = MIN(want, (uint64_t)DMA_BOUNCE_SIZE);
    if (fr) {
        n = MIN(n, fr->size - (addr - fr->start));
    } else {
        for (int i = 0; i < as->view->nr; i++) {
            const FlatRange *r = &as->view->ranges[i];
            if (r->start > addr) {
                n = MIN(n, r->start - addr);
                break;
            }
        }
    }
    bounce.in_use = true;
    bounce.as = as;
    bounce.addr = addr;
    bounce.len = n;
    if (!is_write) {
        address_space_read(as, addr, bounce.buf, n);
    }
    *len = n;
    return bounce.buf;
}

/* The flat range whose RAM holds host pointer p, or NULL. */
static const FlatRange *range_of_host(AddressSpace *as, const uint8_t *p)
{
    for (int i = 0; i < as->view->nr; i++) {
        const FlatRange *fr = &as->view->ranges[i];
        const uint8_t *base = fr->mr->ram ? fr->mr->ram + fr->offset : NULL;
        if (base && p >= base && p < base + fr->size) {
            return fr;
        }
    }
    return NULL;
}

void address_space_unmap(AddressSpace *as, void *buffer, uint64_t len,
                         bool is_write, uint64_t access_len)
{
    access_len = MIN(access_len, len);
    if (buffer != bounce.buf) {
        if (!is_write || access_len == 0) {
            return;
        }
        const FlatRange *fr = range_of_host(as, buffer);
        if (fr) {
            uint64_t addr =
                fr->start + ((uint8_t *)buffer - (fr->mr->ram + fr->offset));
            address_space_ram_written(
                as, fr, addr, MIN(access_len, fr->start + fr->size - addr));
        }
        return;
    }
    assert(bounce.in_use);
    if (is_write) {
        address_space_write(bounce.as, bounce.addr, bounce.buf,
                            MIN(access_len, bounce.len));
    }
    bounce.in_use = false;
    /* Waiting devices retry from a bottom half, not from inside this
     * device's unmap. */
    while (map_clients) {
        MapClient *c = map_clients;
        map_clients = c->next;
        bh_schedule(c->bh);
        free(c);
    }
}

void address_space_register_map_client(AddressSpace *as, BH *bh)
{
    (void)as;
    if (!bounce.in_use) {
        bh_schedule(bh);
        return;
    }
    MapClient *c = calloc(1, sizeof(*c));
    if (!c) {
        fatal("out of memory");
    }
    c->bh = bh;
    c->next = map_clients;
    map_clients = c;
}

void address_space_unregister_map_client(BH *bh)
{
    for (MapClient **p = &map_clients; *p; p = &(*p)->next) {
        if ((*p)->bh == bh) {
            MapClient *c = *p;
            *p = c->next;
            free(c);
            return;
        }
    }
}
