/*
 * The DMA API: how a device reads and writes guest memory as a bus master.
 *
 * Two ways in:
 *  - copies: dma_memory_read/write/set move bytes between a device buffer
 *    and an address space (RAM, ROM, MMIO of other devices).  They never
 *    reach host memory outside what the guest was given: a range that runs
 *    past the end of the address space or wraps around reads all ones and
 *    drops writes, with DMA_OUT_OF_RANGE; holes read all ones, drop writes
 *    and give DMA_UNASSIGNED (the RAM parts are still done).
 *  - mappings, for zero-copy transfers: address_space_map() returns a host
 *    pointer for as much of [addr, addr + *len) as is contiguous RAM (*len
 *    shrinks to that), or, for MMIO, ROM written to and holes, a bounce
 *    buffer that reads were copied into and writes are copied out of at
 *    unmap.  There is one bounce buffer (as in QEMU): while it is taken a
 *    map that needs it returns NULL with *len = 0, and the device can ask
 *    for a bottom half to run when it is free again
 *    (address_space_register_map_client) and retry then.
 *
 * Every write that reaches RAM by these paths, and address_space_unmap()
 * with the length actually written, marks the pages dirty for the display
 * and migration clients and makes the translator drop code it translated
 * from them (listeners' code_written, see emu/memory.h): a device must
 * unmap with the true access_len.
 *
 * Mappings are meant to be short: a map change between map and unmap
 * leaves the pointer valid (RAM is never freed while mapped into a
 * machine) but the dirty marking goes to the range's new home, if any.
 *
 * PCI devices use pci_dma_* (hw/pci/pci.h), which add the command
 * register's bus-master enable check.  Locking: under the global lock.
 */
#ifndef EMU_DMA_H
#define EMU_DMA_H

#include "emu/common.h"
#include "emu/main-loop.h"
#include "emu/memory.h"

typedef enum DMAResult {
    DMA_OK = 0,
    DMA_UNASSIGNED,   /* part of the range hit no region */
    DMA_OUT_OF_RANGE, /* the range leaves the address space or wraps */
    DMA_DENIED,       /* the device may not master the bus (PCI) */
} DMAResult;

/* Short name of a result, for messages. */
const char *dma_result_str(DMAResult r);

DMAResult dma_memory_rw(AddressSpace *as, uint64_t addr, void *buf,
                        uint64_t len, bool is_write);
static inline DMAResult dma_memory_read(AddressSpace *as, uint64_t addr,
                                        void *buf, uint64_t len)
{
    return dma_memory_rw(as, addr, buf, len, false);
}
static inline DMAResult dma_memory_write(AddressSpace *as, uint64_t addr,
                                         const void *buf, uint64_t len)
{
    return dma_memory_rw(as, addr, (void *)buf, len, true);
}
/* Fill [addr, addr + len) with the byte c. */
DMAResult dma_memory_set(AddressSpace *as, uint64_t addr, uint8_t c,
                         uint64_t len);

/* Largest bounce buffer: a map through it is clamped to this. */
#define DMA_BOUNCE_SIZE 4096u

void *address_space_map(AddressSpace *as, uint64_t addr, uint64_t *len,
                        bool is_write);
/* len: what map returned; access_len: bytes the device really accessed
 * (for a write, what gets marked dirty and copied out of a bounce). */
void address_space_unmap(AddressSpace *as, void *buffer, uint64_t len,
                         bool is_write, uint64_t access_len);
/* Schedule bh once the bounce buffer is released (at once if it is free);
 * unregister before deleting bh. */
void address_space_register_map_client(AddressSpace *as, BH *bh);
void address_space_unregister_map_client(BH *bh);

#endif
