/*
 * The memory API: guest physical address spaces and the port I/O space.
 *
 * An address space is a tree of MemoryRegions:
 *   - container: holds subregions only (holes are "unassigned");
 *   - RAM: host memory (one mmap per region);
 *   - ROM: host memory that the guest cannot write (writes are dropped);
 *   - I/O (MMIO or ports): read/write callbacks with access-size rules;
 *   - alias: a window onto part of another region.
 * A subregion is placed at an offset in its container with a priority; where
 * two overlap, the higher priority wins, and equal priorities go to the one
 * added last.  Regions can be enabled and disabled (PAM shadowing, PCI BARs).
 *
 * Whenever the tree changes, each AddressSpace is flattened into a sorted
 * array of FlatRanges (a FlatView); lookups binary-search that array and never
 * walk the tree.  Listeners (accelerators) are told which ranges went away and
 * which appeared.  Changes may be batched with
 * memory_region_transaction_begin()/commit(): the flattening then happens
 * once, at the outermost commit.
 *
 * Dirty tracking: each RAM region keeps one bitmap per client (a bit per
 * 4 KiB page, set = written since the client last cleared it):
 *   - DIRTY_MEMORY_VGA: a display redraws what changed;
 *   - DIRTY_MEMORY_MIGRATION: a snapshot/migration copies what changed;
 *   - DIRTY_MEMORY_CODE: the translator's: a clear bit means "translated
 *     code may be on this page"; writes by anything but the CPU
 *     (address_space_write/rw, DMA) tell the listeners' code_written hook
 *     so the translator can drop those blocks before they run again.
 * VGA and MIGRATION only record while a client asked for them
 * (memory_region_set_log); CODE is always on.  Writers: the memory API's
 * own RAM writes, the translator's store slow path (the TLB sends stores
 * to pages some client wants to know about to the slow path until every
 * client has the page dirty), and an accelerator's dirty log pulled by
 * the listeners' log_sync hook before bits are read.
 *
 * Locking: all changes and all I/O callbacks run under the global lock
 * (bql_lock(), see emu/main-loop.h).  Dirty bits are set and cleared with
 * atomic operations: vCPU threads set them without the lock.
 */
#ifndef EMU_MEMORY_H
#define EMU_MEMORY_H

#include "emu/common.h"

typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;
typedef struct MemoryListener MemoryListener;

/*
 * Access-size rules of an I/O region.
 *
 * valid: sizes the bus accepts at all.  An access outside valid is refused:
 *   a read returns all ones, a write is dropped (and -d guest_errors logs it).
 * impl: sizes the callbacks implement.  A larger valid access is split into
 *   impl.max_access_size pieces, little-endian, as an ISA bus splits a 16-bit
 *   cycle to an 8-bit device into two byte cycles.  A smaller one is widened
 *   to impl.min_access_size: reads extract the bytes, writes pass the value
 *   shifted into place.
 * Zero means the default: 1..4 for valid, the valid range for impl.
 */
typedef struct MemoryRegionOps {
    uint64_t (*read)(void *opaque, uint64_t addr, unsigned size);
    void (*write)(void *opaque, uint64_t addr, uint64_t data, unsigned size);
    struct {
        unsigned min_access_size;
        unsigned max_access_size;
    } valid, impl;
} MemoryRegionOps;

/* Dirty-tracking clients (bit numbers in a client mask). */
enum {
    DIRTY_MEMORY_VGA,
    DIRTY_MEMORY_CODE,
    DIRTY_MEMORY_MIGRATION,
    DIRTY_MEMORY_NUM
};
#define DIRTY_CLIENTS_ALL ((1u << DIRTY_MEMORY_NUM) - 1)
#define DIRTY_CLIENTS_NOCODE (DIRTY_CLIENTS_ALL & ~(1u << DIRTY_MEMORY_CODE))
#define DIRTY_PAGE_BITS 12
#define DIRTY_PAGE_SIZE (1ull << DIRTY_PAGE_BITS)

typedef enum MemoryRegionType {
    MR_CONTAINER,
    MR_RAM,
    MR_ROM,
    MR_IO,
    MR_ALIAS,
} MemoryRegionType;

struct MemoryRegion {
    const char *name;
    MemoryRegionType type;
    uint64_t size;
    uint8_t *ram; /* RAM/ROM: host memory */
    bool owns_ram;
    bool readonly; /* RAM made read-only (ROM is always) */
    const MemoryRegionOps *ops;
    void *opaque;
    MemoryRegion *alias; /* MR_ALIAS: target and offset in it */
    uint64_t alias_offset;

    /* Placement in the container. */
    MemoryRegion *container;
    uint64_t addr;
    int priority;
    bool enabled;
    unsigned seq; /* insertion order, breaks priority ties */

    MemoryRegion **subregions;
    int nr_subregions;
    int cap_subregions;

    /* RAM: one bitmap per dirty client (NULL for ROM and I/O). */
    unsigned long *dirty[DIRTY_MEMORY_NUM];
    uint8_t dirty_log_mask; /* clients recording (CODE always) */

    /* Blocks of host memory the API allocated, newest first
     * (memory_ram_block_next; added for snapshots). */
    MemoryRegion *ram_block_next;
};

/* A piece of the flattened view: [start, start+size) maps to mr at offset. */
typedef struct FlatRange {
    uint64_t start;
    uint64_t size;
    MemoryRegion *mr; /* terminal region: RAM, ROM or I/O */
    uint64_t offset;  /* offset of start inside mr */
    bool readonly;
} FlatRange;

typedef struct FlatView {
    FlatRange *ranges;
    int nr;
} FlatView;

struct MemoryListener {
    /* Called for each range that disappeared, then each that appeared. */
    void (*region_del)(MemoryListener *l, const FlatRange *fr);
    void (*region_add)(MemoryListener *l, const FlatRange *fr);
    /* After all adds and deletes of one update. */
    void (*commit)(MemoryListener *l);
    /* Each maximal range [start, start+len) that maps differently after
     * an update (another region, offset, or read-only state, or a hole
     * either side), however the flat ranges around it split or merged;
     * before commit.  Not called at registration. */
    void (*range_changed)(MemoryListener *l, uint64_t start, uint64_t len);
    /* Dirty logging of fr's region was switched (fr->mr->dirty_log_mask
     * tells which clients record now): an accelerator that writes guest
     * RAM by itself (KVM) starts or stops its own log. */
    void (*log_change)(MemoryListener *l, const FlatRange *fr);
    /* Copy the accelerator's dirty log for fr into the region's bitmaps
     * (memory_region_set_dirty); called before dirty bits are read. */
    void (*log_sync)(MemoryListener *l, const FlatRange *fr);
    /* [addr, addr+len) was written by something other than the CPU and
     * may hold translated code (its CODE bits were clear). */
    void (*code_written)(MemoryListener *l, uint64_t addr, uint64_t len);
    void *opaque;
    AddressSpace *as;
    MemoryListener *next;
};

struct AddressSpace {
    const char *name;
    MemoryRegion *root;
    FlatView *view;
    uint64_t size_mask; /* addresses wrap at the root's size */
    MemoryListener *listeners;
    AddressSpace *next;
    unsigned generation; /* bumped on every new view */
};

void memory_region_init(MemoryRegion *mr, const char *name, uint64_t size);
int memory_region_init_ram(MemoryRegion *mr, const char *name, uint64_t size,
                           Error **errp);
int memory_region_init_rom(MemoryRegion *mr, const char *name, uint64_t size,
                           Error **errp);
/* RAM or ROM over caller-owned host memory (not freed by finalize). */
void memory_region_init_ram_ptr(MemoryRegion *mr, const char *name,
                                uint64_t size, void *ptr, bool readonly);
void memory_region_init_io(MemoryRegion *mr, const MemoryRegionOps *ops,
                           void *opaque, const char *name, uint64_t size);
void memory_region_init_alias(MemoryRegion *mr, const char *name,
                              MemoryRegion *orig, uint64_t offset,
                              uint64_t size);
/*
 * Every RAM and ROM region whose host memory the API allocated
 * (memory_region_init_ram/_rom), newest first: what a snapshot saves.
 * memory_ram_block_next(NULL) is the first; NULL after the last.
 */
MemoryRegion *memory_ram_block_next(MemoryRegion *mr);
/* Free what init allocated; the region must not be in a container. */
void memory_region_finalize(MemoryRegion *mr);

void memory_region_add_subregion(MemoryRegion *parent, uint64_t addr,
                                 MemoryRegion *sub);
void memory_region_add_subregion_overlap(MemoryRegion *parent, uint64_t addr,
                                         MemoryRegion *sub, int priority);
void memory_region_del_subregion(MemoryRegion *parent, MemoryRegion *sub);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);
void memory_region_set_address(MemoryRegion *mr, uint64_t addr);
void memory_region_set_alias_offset(MemoryRegion *mr, uint64_t offset);
void memory_region_set_readonly(MemoryRegion *mr, bool readonly);
static inline uint8_t *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    return mr->ram;
}

void memory_region_transaction_begin(void);
void memory_region_transaction_commit(void);

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name);
void address_space_destroy(AddressSpace *as);

void memory_listener_register(MemoryListener *l, AddressSpace *as);
void memory_listener_unregister(MemoryListener *l);

/* The flat range containing addr, or NULL for a hole. */
const FlatRange *address_space_lookup(AddressSpace *as, uint64_t addr);

/*
 * Host pointer for [addr, addr+len) if it lies in one RAM/ROM range
 * (writable RAM only when is_write), else NULL.  A raw lookup for the
 * CPU's own paths: writing through it is invisible to dirty tracking and
 * code invalidation (devices use the DMA API, emu/dma.h).
 */
uint8_t *address_space_ram_ptr(AddressSpace *as, uint64_t addr, uint64_t len,
                               bool is_write);

/*
 * Bookkeeping for a write that reached RAM at [addr, addr+len) of as
 * (inside fr) by any path but the CPU's stores: listeners hear about
 * code that may be there, then every client but CODE gets the pages dirty.
 */
void address_space_ram_written(AddressSpace *as, const FlatRange *fr,
                               uint64_t addr, uint64_t len);

/* ---- Dirty tracking (offsets and sizes are within mr, in bytes) ---- */

/* Start or stop recording for client (VGA, MIGRATION); starting marks
 * nothing: the client reads everything once before its first clear. */
void memory_region_set_log(MemoryRegion *mr, bool log, unsigned client);
/* Pull the accelerators' dirty logs for mr into its bitmaps. */
void memory_region_sync_dirty(MemoryRegion *mr);
/* Is any page of the range dirty for client?  (Syncs first.) */
bool memory_region_get_dirty(MemoryRegion *mr, uint64_t addr, uint64_t size,
                             unsigned client);
/* Mark the range dirty for every client but CODE (CODE is the
 * translator's to set, once it knows no code is left). */
void memory_region_set_dirty(MemoryRegion *mr, uint64_t addr, uint64_t size);
/* Mark the range dirty for the clients in mask. */
void memory_region_set_dirty_mask(MemoryRegion *mr, uint64_t addr,
                                  uint64_t size, unsigned mask);
/* Clear the client's bits of the range (CODE: code is now there). */
void memory_region_reset_dirty(MemoryRegion *mr, uint64_t addr, uint64_t size,
                               unsigned client);
/* Was any page dirty?  Clears the client's bits of the range.  (Syncs.) */
bool memory_region_test_and_clear_dirty(MemoryRegion *mr, uint64_t addr,
                                        uint64_t size, unsigned client);
/*
 * A display's frame: the client's bits of the range, copied and cleared in
 * one step (syncs first), then queried page by page while drawing.  Writes
 * after the snapshot land in the next one.
 */
typedef struct DirtyBitmapSnapshot DirtyBitmapSnapshot;
DirtyBitmapSnapshot *memory_region_snapshot_and_clear_dirty(
    MemoryRegion *mr, uint64_t addr, uint64_t size, unsigned client);
bool memory_region_snapshot_get_dirty(MemoryRegion *mr,
                                      const DirtyBitmapSnapshot *snap,
                                      uint64_t addr, uint64_t size);
void dirty_bitmap_snapshot_free(DirtyBitmapSnapshot *snap);
/* Is the page at addr dirty for every recording client (CODE included)?
 * Then the CPU may store to it without the slow path. */
bool memory_region_page_all_dirty(MemoryRegion *mr, uint64_t addr);

/*
 * Whoever keeps direct host pointers into guest RAM for writing (the
 * translator's TLB) registers here: after a client's bits are cleared the
 * hook must send later writes to [host, host+len) through the slow path
 * again, so that they are seen.  One hook; NULL unregisters.
 */
typedef void DirtyResetHook(uint8_t *host, uint64_t len);
void memory_set_dirty_reset_hook(DirtyResetHook *hook);

/*
 * One access of size 1, 2, 4 or 8 bytes.  Unassigned addresses read as all
 * ones and ignore writes.  Returns false if any part was unassigned.
 */
bool address_space_read_val(AddressSpace *as, uint64_t addr, unsigned size,
                            uint64_t *val);
bool address_space_write_val(AddressSpace *as, uint64_t addr, unsigned size,
                             uint64_t val);

/*
 * count accesses of size bytes at one address (a data port), to or from
 * consecutive elements of buf (little-endian): what REP INS/OUTS do.  The
 * region is looked up once; each element is still one access of the
 * device, with all its side effects.  The caller holds the global lock.
 */
void address_space_read_rep(AddressSpace *as, uint64_t addr, unsigned size,
                            void *buf, uint32_t count);
void address_space_write_rep(AddressSpace *as, uint64_t addr, unsigned size,
                             const void *buf, uint32_t count);

/* Buffer copies through RAM, ROM and I/O; false if any byte unassigned. */
bool address_space_rw(AddressSpace *as, uint64_t addr, void *buf, uint64_t len,
                      bool is_write);
static inline bool address_space_read(AddressSpace *as, uint64_t addr,
                                      void *buf, uint64_t len)
{
    return address_space_rw(as, addr, buf, len, false);
}
static inline bool address_space_write(AddressSpace *as, uint64_t addr,
                                       const void *buf, uint64_t len)
{
    return address_space_rw(as, addr, (void *)buf, len, true);
}
/* Write even into ROM (firmware and kernel loaders). */
bool address_space_write_rom(AddressSpace *as, uint64_t addr, const void *buf,
                             uint64_t len);

/* Convenience for port I/O and device tests. */
static inline uint32_t as_in(AddressSpace *as, uint64_t addr, unsigned size)
{
    uint64_t v;
    address_space_read_val(as, addr, size, &v);
    return (uint32_t)v;
}
static inline void as_out(AddressSpace *as, uint64_t addr, unsigned size,
                          uint32_t v)
{
    address_space_write_val(as, addr, size, v);
}

/* "info mtree": the region tree and the flat view. */
void memory_region_dump(FILE *f, MemoryRegion *mr);
void address_space_dump_flat(FILE *f, AddressSpace *as);

#endif
