/*
 * Between the memory API's files (hw/core/memory*.c): not for devices.
 */
#ifndef HW_CORE_MEMORY_INTERNAL_H
#define HW_CORE_MEMORY_INTERNAL_H

#include "emu/memory.h"

/* Every address space, for the hooks that reach all listeners. */
AddressSpace *memory_address_spaces(void);
/* Bitmaps of a new RAM region (every page dirty: nothing known yet). */
void memory_region_dirty_init(MemoryRegion *mr);
void memory_region_dirty_free(MemoryRegion *mr);

#endif
