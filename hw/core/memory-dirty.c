/*
 * Dirty tracking of RAM regions (include/emu/memory.h): one bitmap per
 * client, a bit per 4 KiB page, set when the page was written since the
 * client last cleared it.
 *
 * Bits are set by vCPU threads without the global lock (the translator's
 * store slow path) while the main loop clears them for a display frame, so
 * every access is an atomic read-modify-write of a word.  A CPU that
 * keeps a fast write path to a page whose bits were just cleared would
 * write unseen: after clearing, the dirty-reset hook (the translator's
 * TLB) re-arms its slow path for the range.  As in QEMU, a store through
 * the fast path in the instant between the clear and the re-arm is not
 * recorded (a display redraws that page at its next write).
 */
#include "emu/common.h"
#include "hw/core/memory-internal.h"

#include <glib.h>

#define BITS_PER_WORD (8 * sizeof(unsigned long))

struct DirtyBitmapSnapshot {
    uint64_t first; /* first page */
    uint64_t npages;
    unsigned long bits[];
};

static DirtyResetHook *dirty_reset_hook;

static uint64_t nr_pages(const MemoryRegion *mr)
{
    return (mr->size + DIRTY_PAGE_SIZE - 1) >> DIRTY_PAGE_BITS;
}

static size_t nr_words(uint64_t pages)
{
    return (pages + BITS_PER_WORD - 1) / BITS_PER_WORD;
}

void memory_region_dirty_init(MemoryRegion *mr)
{
    size_t words = nr_words(nr_pages(mr));
    for (int c = 0; c < DIRTY_MEMORY_NUM; c++) {
        mr->dirty[c] = g_new(unsigned long, words);
        memset(mr->dirty[c], 0xff, words * sizeof(unsigned long));
    }
    mr->dirty_log_mask = 1u << DIRTY_MEMORY_CODE;
}

void memory_region_dirty_free(MemoryRegion *mr)
{
    for (int c = 0; c < DIRTY_MEMORY_NUM; c++) {
        g_free(mr->dirty[c]);
        mr->dirty[c] = NULL;
    }
}

/* Pages [*first, *end) of the byte range, clipped to the region; false if
 * empty or the region keeps no bitmaps. */
static bool page_span(const MemoryRegion *mr, uint64_t addr, uint64_t size,
                      uint64_t *first, uint64_t *end)
{
    if (!mr->dirty[0] || size == 0 || addr >= mr->size) {
        return false;
    }
    size = MIN(size, mr->size - addr);
    *first = addr >> DIRTY_PAGE_BITS;
    *end = ((addr + size - 1) >> DIRTY_PAGE_BITS) + 1;
    return true;
}

static inline bool test_bit(const unsigned long *map, uint64_t page)
{
    unsigned long w =
        __atomic_load_n(&map[page / BITS_PER_WORD], __ATOMIC_RELAXED);
    return (w >> (page % BITS_PER_WORD)) & 1;
}

/* The word mask of pages [p, end) that fall in p's word. */
static inline unsigned long word_mask(uint64_t p, uint64_t end, uint64_t *next)
{
    uint64_t w_end = (p / BITS_PER_WORD + 1) * BITS_PER_WORD;
    uint64_t stop = MIN(w_end, end);
    unsigned lo = p % BITS_PER_WORD, n = stop - p;
    *next = stop;
    return (n == BITS_PER_WORD ? ~0ul : ((1ul << n) - 1)) << lo;
}

static void bits_set(unsigned long *map, uint64_t first, uint64_t end)
{
    for (uint64_t p = first, next; p < end; p = next) {
        unsigned long m = word_mask(p, end, &next);
        unsigned long *w = &map[p / BITS_PER_WORD];
        if ((__atomic_load_n(w, __ATOMIC_RELAXED) & m) != m) {
            __atomic_fetch_or(w, m, __ATOMIC_RELAXED);
        }
    }
}

/* Clears the bits; true if any was set. */
static bool bits_clear(unsigned long *map, uint64_t first, uint64_t end)
{
    bool any = false;
    for (uint64_t p = first, next; p < end; p = next) {
        unsigned long m = word_mask(p, end, &next);
        any |=
            (__atomic_fetch_and(&map[p / BITS_PER_WORD], ~m, __ATOMIC_SEQ_CST) &
             m) != 0;
    }
    return any;
}

static bool bits_any(const unsigned long *map, uint64_t first, uint64_t end)
{
    for (uint64_t p = first, next; p < end; p = next) {
        unsigned long m = word_mask(p, end, &next);
        if (__atomic_load_n(&map[p / BITS_PER_WORD], __ATOMIC_RELAXED) & m) {
            return true;
        }
    }
    return false;
}

static bool bits_all(const unsigned long *map, uint64_t first, uint64_t end)
{
    for (uint64_t p = first, next; p < end; p = next) {
        unsigned long m = word_mask(p, end, &next);
        if ((__atomic_load_n(&map[p / BITS_PER_WORD], __ATOMIC_RELAXED) & m) !=
            m) {
            return false;
        }
    }
    return true;
}

static void check_client(unsigned client)
{
    assert(client < DIRTY_MEMORY_NUM);
}

/* ---- listeners --------------------------------------------------------- */

/* The listeners' log_sync (sync) or log_change hook for every range of mr
 * in every address space. */
static void for_each_range_of(MemoryRegion *mr, bool sync)
{
    for (AddressSpace *as = memory_address_spaces(); as; as = as->next) {
        for (MemoryListener *l = as->listeners; l; l = l->next) {
            void (*fn)(MemoryListener *, const FlatRange *) =
                sync ? l->log_sync : l->log_change;
            if (!fn) {
                continue;
            }
            for (int i = 0; i < as->view->nr; i++) {
                if (as->view->ranges[i].mr == mr) {
                    fn(l, &as->view->ranges[i]);
                }
            }
        }
    }
}

void memory_region_sync_dirty(MemoryRegion *mr)
{
    if (mr->dirty_log_mask & DIRTY_CLIENTS_NOCODE) {
        for_each_range_of(mr, true);
    }
}

void memory_region_set_log(MemoryRegion *mr, bool log, unsigned client)
{
    check_client(client);
    if (client == DIRTY_MEMORY_CODE || !mr->dirty[0]) {
        return; /* CODE is always on; ROM and I/O have nothing to log */
    }
    uint8_t mask = log ? mr->dirty_log_mask | (1u << client)
                       : mr->dirty_log_mask & ~(1u << client);
    if (mask == mr->dirty_log_mask) {
        return;
    }
    if (!log) {
        /* Last changes from the accelerators' logs before they stop. */
        memory_region_sync_dirty(mr);
    }
    mr->dirty_log_mask = mask;
    for_each_range_of(mr, false);
}

/* ---- bits -------------------------------------------------------------- */

bool memory_region_get_dirty(MemoryRegion *mr, uint64_t addr, uint64_t size,
                             unsigned client)
{
    uint64_t first, end;
    check_client(client);
    if (!page_span(mr, addr, size, &first, &end)) {
        return false;
    }
    if (client != DIRTY_MEMORY_CODE) {
        memory_region_sync_dirty(mr);
    }
    return bits_any(mr->dirty[client], first, end);
}

void memory_region_set_dirty_mask(MemoryRegion *mr, uint64_t addr,
                                  uint64_t size, unsigned mask)
{
    uint64_t first, end;
    if (!page_span(mr, addr, size, &first, &end)) {
        return;
    }
    for (int c = 0; c < DIRTY_MEMORY_NUM; c++) {
        if (mask & (1u << c)) {
            bits_set(mr->dirty[c], first, end);
        }
    }
}

void memory_region_set_dirty(MemoryRegion *mr, uint64_t addr, uint64_t size)
{
    memory_region_set_dirty_mask(mr, addr, size, DIRTY_CLIENTS_NOCODE);
}

/*
 * After a non-CODE client's bits went: fast CPU write paths become slow.
 * Only pages whose bit was set need it: a write entry is made fast only
 * while its page is dirty for every client, and every clear of a set bit
 * comes here, so a page whose bit was already clear has no fast entry.
 * Callers pass the span of the bits they found set, and nothing when
 * there were none: an idle screen's refresh then costs no TLB scan.
 */
static void rearm_writers(MemoryRegion *mr, unsigned client, uint64_t first,
                          uint64_t end)
{
    if (client != DIRTY_MEMORY_CODE && dirty_reset_hook && mr->ram) {
        uint64_t start = first << DIRTY_PAGE_BITS;
        uint64_t stop = MIN(end << DIRTY_PAGE_BITS, mr->size);
        dirty_reset_hook(mr->ram + start, stop - start);
    }
}

void memory_region_reset_dirty(MemoryRegion *mr, uint64_t addr, uint64_t size,
                               unsigned client)
{
    uint64_t first, end;
    check_client(client);
    if (!page_span(mr, addr, size, &first, &end)) {
        return;
    }
    if (bits_clear(mr->dirty[client], first, end)) {
        rearm_writers(mr, client, first, end);
    }
}

bool memory_region_test_and_clear_dirty(MemoryRegion *mr, uint64_t addr,
                                        uint64_t size, unsigned client)
{
    uint64_t first, end;
    check_client(client);
    if (!page_span(mr, addr, size, &first, &end)) {
        return false;
    }
    if (client != DIRTY_MEMORY_CODE) {
        memory_region_sync_dirty(mr);
    }
    bool any = bits_clear(mr->dirty[client], first, end);
    if (any) {
        rearm_writers(mr, client, first, end);
    }
    return any;
}

DirtyBitmapSnapshot *memory_region_snapshot_and_clear_dirty(MemoryRegion *mr,
                                                            uint64_t addr,
                                                            uint64_t size,
                                                            unsigned client)
{
    uint64_t first = 0, end = 0;
    check_client(client);
    bool any = page_span(mr, addr, size, &first, &end);
    uint64_t n = any ? end - first : 0;
    DirtyBitmapSnapshot *snap =
        g_malloc0(sizeof(*snap) + nr_words(n) * sizeof(unsigned long));
    snap->first = first;
    snap->npages = n;
    if (!any) {
        return snap;
    }
    if (client != DIRTY_MEMORY_CODE) {
        memory_region_sync_dirty(mr);
    }
    unsigned long *map = mr->dirty[client];
    uint64_t lo = end, hi = first; /* the pages found dirty: [lo, hi) */
    for (uint64_t p = first, next; p < end; p = next) {
        unsigned long m = word_mask(p, end, &next);
        unsigned long w =
            __atomic_fetch_and(&map[p / BITS_PER_WORD], ~m, __ATOMIC_SEQ_CST) &
            m;
        if (w) {
            lo = MIN(lo, p);
            hi = next;
        }
        for (uint64_t q = p; q < next; q++) {
            if ((w >> (q % BITS_PER_WORD)) & 1) {
                uint64_t i = q - first;
                snap->bits[i / BITS_PER_WORD] |= 1ul << (i % BITS_PER_WORD);
            }
        }
    }
    if (lo < hi) {
        rearm_writers(mr, client, lo, hi);
    }
    return snap;
}

bool memory_region_snapshot_get_dirty(MemoryRegion *mr,
                                      const DirtyBitmapSnapshot *snap,
                                      uint64_t addr, uint64_t size)
{
    uint64_t first, end;
    if (!page_span(mr, addr, size, &first, &end)) {
        return false;
    }
    for (uint64_t p = MAX(first, snap->first);
         p < MIN(end, snap->first + snap->npages); p++) {
        if (test_bit(snap->bits, p - snap->first)) {
            return true;
        }
    }
    return false;
}

void dirty_bitmap_snapshot_free(DirtyBitmapSnapshot *snap)
{
    g_free(snap);
}

bool memory_region_page_all_dirty(MemoryRegion *mr, uint64_t addr)
{
    if (!mr->dirty[0] || addr >= mr->size) {
        return true;
    }
    uint64_t page = addr >> DIRTY_PAGE_BITS;
    for (unsigned c = 0; c < DIRTY_MEMORY_NUM; c++) {
        if ((mr->dirty_log_mask & (1u << c)) && !test_bit(mr->dirty[c], page)) {
            return false;
        }
    }
    return true;
}

void memory_set_dirty_reset_hook(DirtyResetHook *hook)
{
    dirty_reset_hook = hook;
}

/* ---- writes by the memory API itself ----------------------------------- */

void address_space_ram_written(AddressSpace *as, const FlatRange *fr,
                               uint64_t addr, uint64_t len)
{
    MemoryRegion *mr = fr->mr;
    uint64_t off = fr->offset + (addr - fr->start), first, end;

    if (!page_span(mr, off, len, &first, &end)) {
        return;
    }
    if (!bits_all(mr->dirty[DIRTY_MEMORY_CODE], first, end)) {
        for (MemoryListener *l = as->listeners; l; l = l->next) {
            if (l->code_written) {
                l->code_written(l, addr, len);
            }
        }
    }
    bits_set(mr->dirty[DIRTY_MEMORY_VGA], first, end);
    bits_set(mr->dirty[DIRTY_MEMORY_MIGRATION], first, end);
}
