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
 * Locking: all changes and all I/O callbacks run under the global lock
 * (bql_lock(), see emu/main-loop.h).
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
    unsigned generation; /* bumped on every new view (TLB flushes) */
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
 * (writable RAM only when is_write), else NULL.  For DMA and loaders.
 */
uint8_t *address_space_map(AddressSpace *as, uint64_t addr, uint64_t len,
                           bool is_write);

/*
 * One access of size 1, 2, 4 or 8 bytes.  Unassigned addresses read as all
 * ones and ignore writes.  Returns false if any part was unassigned.
 */
bool address_space_read_val(AddressSpace *as, uint64_t addr, unsigned size,
                            uint64_t *val);
bool address_space_write_val(AddressSpace *as, uint64_t addr, unsigned size,
                             uint64_t val);

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
