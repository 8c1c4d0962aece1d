/*
 * Host addresses for guest locked read-modify-writes, and the fallback
 * for the rest (accel/tcg/atomic.h).  The TLB is softmmu.c's: it fills
 * the write entry (tlb_probe_store); here a slow entry onto RAM (code on
 * the page, a dirty client watching) is resolved as st_page resolves a
 * store, before the access instead of around it.
 *
 * The fallback mutex is never held across a fault: every part is
 * translated (and may raise) before it is taken, and what runs under it
 * are host RAM copies and device accesses by physical address.
 */
#include "emu/common.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "accel/tcg/atomic.h"
#include "accel/tcg/tcg-internal.h"

#include <pthread.h>

static pthread_mutex_t atomic_slow_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t atomic_slow_count;      /* atomic: for tests */

/* The bytes of one locked access that lie in one page. */
typedef struct AtomicPart {
    uint64_t addr;          /* linear */
    int len;
    uint32_t phys;
    uint8_t *host;          /* RAM; NULL: MMIO, ROM, unassigned */
} AtomicPart;

/* The interpreter's blocks are found through cur_tb and its own
 * instruction record (retaddr 0), not a host return address. */
static uintptr_t host_ra(CPUArchState *env, uintptr_t retaddr)
{
    TCGCPU *t = env_tcg(env);
    return t && t->cur_tb && t->cur_tb->tci ? 0 : retaddr;
}

/* May fault: run for every part before anything else happens. */
static void part_probe(CPUArchState *env, AtomicPart *p, int mmu_idx,
                       uintptr_t retaddr)
{
    p->host = tlb_probe_store(env, p->addr, p->len, mmu_idx, retaddr,
                              &p->phys);
}

/*
 * A slow entry onto writable RAM: invalidate the code on it (a store into
 * the running block unwinds here, before any byte changes) and mark the
 * bytes dirty; then the host address.  Anything else stays NULL.
 */
static void part_resolve(CPUArchState *env, AtomicPart *p, int mmu_idx,
                         uintptr_t retaddr)
{
    if (p->host) {
        return;
    }
    uint32_t page = p->phys & TCG_PAGE_MASK;
    const FlatRange *fr = address_space_lookup(current_machine->as_mem,
                                               p->phys);
    if (!fr || !fr->mr->ram || fr->readonly ||
        fr->size < (uint64_t)p->len ||
        p->phys - fr->start > fr->size - p->len) {
        if (fr && fr->mr->type == MR_IO && tb_page_has_code(page)) {
            /* Code fetched from MMIO may read differently afterwards.
             * Not under the global lock: a translation holds the TB
             * lock and may take the global lock to fetch from MMIO. */
            tb_check_smc(env, p->phys, p->len, retaddr);
            tb_invalidate_phys_range(p->phys, p->len);
        }
        return;
    }
    uint64_t off = fr->offset + (p->phys - fr->start);
    if (tb_page_has_code(page)) {
        tb_check_smc(env, p->phys, p->len, retaddr);
        tb_invalidate_phys_range(p->phys, p->len);
    }
    /* Before the write, as the caller does it itself: a client that
     * clears the bits in between sees the page again at its next pass
     * only if something else writes it (the same window as QEMU's). */
    memory_region_set_dirty(fr->mr, off, p->len);
    if (!tb_page_has_code(page)) {
        memory_region_set_dirty_mask(fr->mr, off, p->len,
                                     1u << DIRTY_MEMORY_CODE);
        tlb_drop_write(env, p->addr, mmu_idx);
    }
    p->host = fr->mr->ram + off;
}

/* With vCPUs in parallel, whether another may be translating code from
 * the part's page (tb_page_translating) or has blocks there: the bytes
 * must be invalidated again after they change (as st_page does). */
static bool part_code(const AtomicPart *p)
{
    uint32_t page = p->phys & TCG_PAGE_MASK;
    return tb_parallel() &&
           (tb_page_has_code(page) || tb_page_translating(page));
}

void *tlb_atomic_host(CPUArchState *env, uint64_t addr, int size, int mmu_idx,
                      uintptr_t retaddr)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    /* The helpers' host atomics would need byte swaps: all slow. */
    return NULL;
#endif
    /* Aligned, hence within one page; the host's atomics want it too. */
    if (addr & (uint64_t)(size - 1)) {
        return NULL;
    }
    AtomicPart p = {.addr = addr, .len = size};
    retaddr = host_ra(env, retaddr);
    part_probe(env, &p, mmu_idx, retaddr);
    part_resolve(env, &p, mmu_idx, retaddr);
    if (p.host && part_code(&p)) {
        /* Code on the page, vCPUs in parallel: the slow path, which
         * invalidates again once the bytes are written. */
        return NULL;
    }
    return p.host;
}

/* Device (or ROM) bytes by physical address, in accesses of their size
 * when it is one the memory API takes. */
static void io_rw(uint32_t phys, uint8_t *buf, int len, bool write)
{
    AddressSpace *as = current_machine->as_mem;
    if (len == 1 || len == 2 || len == 4 || len == 8) {
        uint64_t v = 0;
        if (write) {
            for (int i = 0; i < len; i++) {
                v |= (uint64_t)buf[i] << (8 * i);
            }
            address_space_write_val(as, phys, len, v);
        } else {
            address_space_read_val(as, phys, len, &v);
            for (int i = 0; i < len; i++) {
                buf[i] = v >> (8 * i);
            }
        }
        return;
    }
    for (int i = 0; i < len; i++) {
        io_rw(phys + i, buf + i, 1, write);
    }
}

void tlb_atomic_rmw_slow(CPUArchState *env, uint64_t addr, int size,
                         bool addr32, int mmu_idx, uintptr_t retaddr,
                         TLBAtomicFn *fn, void *opaque)
{
    AtomicPart p[2];
    uint8_t buf[TLB_ATOMIC_MAX];
    int first = MIN((uint64_t)size, TCG_PAGE_SIZE - (addr & ~TCG_PAGE_MASK));
    int n = first < size ? 2 : 1;
    assert(size > 0 && size <= TLB_ATOMIC_MAX);
    retaddr = host_ra(env, retaddr);
    p[0] = (AtomicPart){.addr = addr, .len = first};
    if (n == 2) {
        uint64_t a = addr + first;
        p[1] = (AtomicPart){.addr = addr32 ? (uint32_t)a : a,
                            .len = size - first};
    }
    for (int i = 0; i < n; i++) {
        part_probe(env, &p[i], mmu_idx, retaddr);
    }
    for (int i = 0; i < n; i++) {
        part_resolve(env, &p[i], mmu_idx, retaddr);
    }
    bool io = !p[0].host || (n == 2 && !p[1].host);

    pthread_mutex_lock(&atomic_slow_lock);
    if (io) {
        bql_lock_io();
    }
    for (int i = 0, o = 0; i < n; o += p[i].len, i++) {
        if (p[i].host) {
            memcpy(buf + o, p[i].host, p[i].len);
        } else {
            io_rw(p[i].phys, buf + o, p[i].len, false);
        }
    }
    fn(buf, opaque);
    for (int i = 0, o = 0; i < n; o += p[i].len, i++) {
        if (p[i].host) {
            memcpy(p[i].host, buf + o, p[i].len);
        } else {
            io_rw(p[i].phys, buf + o, p[i].len, true);
        }
    }
    if (io) {
        bql_unlock_io();
    }
    pthread_mutex_unlock(&atomic_slow_lock);
    if (tb_parallel()) {
        /* A translation may have read the old bytes since part_resolve
         * invalidated: the store first, then the test (softmmu.c,
         * st_page). */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        for (int i = 0; i < n; i++) {
            if (p[i].host && part_code(&p[i])) {
                tb_invalidate_phys_range(p[i].phys, p[i].len);
            }
        }
    }
    __atomic_fetch_add(&atomic_slow_count, 1, __ATOMIC_RELAXED);
}

uint64_t tlb_atomic_slow_count(void)
{
    return __atomic_load_n(&atomic_slow_count, __ATOMIC_RELAXED);
}
