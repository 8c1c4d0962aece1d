/*
 * ISA DMA as a device sees it: the PC's eight DMA channels (0-3 on the
 * 8-bit 8237A, 4-7 on the 16-bit one; 4 is the cascade), programmed by
 * the guest in hw/isa/i8257.c.
 *
 * A device that has a DRQ/DACK pair (the floppy controller on channel 2,
 * a Sound Blaster, the parallel port's ECP mode) attaches to its channel
 * once, at realize:
 *
 *     static const IsaDmaClient fdc_dma_client = { .grant = fdc_dma_grant };
 *     isa_dma_attach(bus, 2, dev, &fdc_dma_client, s, errp);
 *
 * When it has data to move it holds DREQ (isa_dma_set_dreq(bus, 2, true)).
 * Whenever the channel can run while DREQ is held (unmasked, controller
 * enabled, not in cascade mode), the controller calls client->grant(); at
 * once if it can already run, else when the guest unmasks the channel or
 * enables the controller.  In grant (or at any time the channel is
 * ready), the device moves bytes with isa_dma_write_memory() (device to
 * memory: the guest programmed a "write transfer") or
 * isa_dma_read_memory() (memory to device, a "read transfer"); each call
 * moves what the channel's count allows and reports terminal count (TC),
 * which the device treats as its TC pin.  The device drops DREQ when it
 * has nothing more to move.
 *
 * Lengths are in bytes; a 16-bit channel moves words (an odd last byte is
 * not moved).  The controller does the address arithmetic (page register,
 * increment or decrement, the 64 KiB / 128 KiB wrap inside a page) and
 * goes through the DMA API (emu/dma.h), so writes mark RAM dirty and drop
 * translated code as a CPU store would.
 *
 * Locking: every call under the global lock.  grant() may be called from
 * inside isa_dma_set_dreq() and from the controller's port handlers.
 */
#ifndef HW_ISA_ISA_DMA_H
#define HW_ISA_ISA_DMA_H

#include "emu/common.h"
#include "emu/device.h"
#include "hw/isa/isa.h"

#define ISA_DMA_CHANNELS 8

typedef struct IsaDmaClient {
    /* The channel can move data now and the device holds DREQ.  May be
     * NULL for a device that only moves data at times of its own choosing
     * (checking isa_dma_ready()). */
    void (*grant)(void *opaque, int chan);
} IsaDmaClient;

/*
 * Take channel chan (0-7, not 4) for dev.  A channel serves one device:
 * a second is refused with a message naming the first (-EBUSY); no
 * controller on the bus, or a bad channel, is -ENODEV / -EINVAL.
 */
int isa_dma_attach(ISABus *bus, int chan, DeviceState *dev,
                   const IsaDmaClient *client, void *opaque, Error **errp);
void isa_dma_detach(ISABus *bus, int chan);

/* Raise or drop the channel's DREQ line. */
void isa_dma_set_dreq(ISABus *bus, int chan, bool held);

/* The channel would run now: unmasked, its controller enabled, a transfer
 * mode (not cascade). */
bool isa_dma_ready(ISABus *bus, int chan);

/* Bytes left before terminal count (the current count + 1 units). */
uint32_t isa_dma_residue(ISABus *bus, int chan);

/*
 * Move up to len bytes between the device's buf and memory at the
 * channel's current address, as far as terminal count; returns the bytes
 * the channel counted (0 when it is not ready).  *tc (may be NULL) tells
 * whether terminal count was reached (the channel then reloads if it is
 * in auto-initialize mode, else masks itself).  If the guest programmed
 * the other direction or a verify transfer, memory is left alone (and buf
 * of a read is filled with 0xff: nobody drove the data lines) but the
 * channel still counts, as the chip does.
 */
size_t isa_dma_write_memory(ISABus *bus, int chan, const void *buf, size_t len,
                            bool *tc);
size_t isa_dma_read_memory(ISABus *bus, int chan, void *buf, size_t len,
                           bool *tc);

#endif
