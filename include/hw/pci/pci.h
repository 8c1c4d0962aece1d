/*
 * PCI: buses, devices, configuration space and BARs (PCI Local Bus spec 3.0,
 * chapter 6).
 *
 * A PCI device's state struct starts with a PCIDevice, whose first member is
 * the DeviceState.  Its class realize() first calls pci_device_attach(),
 * which takes the bus from dev->bus (pci_bus()), picks the devfn (property "addr",
 * "slot[.fn]", or the first free slot) and sets up config space defaults;
 * then it fills in IDs with pci_config_set_ids() and registers BARs.
 *
 * The host bridge (i440FX) implements configuration mechanism #1 at
 * 0xCF8/0xCFC by calling pci_host_config_read/write.  BAR writes and the
 * command register's I/O and memory enables map and unmap BAR regions in the
 * bus's memory and I/O spaces.  INTx: pci_set_irq() goes through the bus's
 * map_irq (slot + pin swizzle) to the bus's set_irq (PIIX3 PIRQ routing).
 */
#ifndef HW_PCI_H
#define HW_PCI_H

#include "emu/common.h"
#include "emu/device.h"
#include "emu/dma.h"
#include "emu/irq.h"
#include "emu/memory.h"

#define PCI_VENDOR_ID                  0x00
#define PCI_DEVICE_ID                  0x02
#define PCI_COMMAND                    0x04
#define PCI_COMMAND_IO                 0x1
#define PCI_COMMAND_MEMORY             0x2
#define PCI_COMMAND_MASTER             0x4
#define PCI_COMMAND_INTX_DISABLE       0x400
#define PCI_STATUS                     0x06
#define PCI_STATUS_INTERRUPT           0x08
#define PCI_REVISION_ID                0x08
#define PCI_CLASS_PROG                 0x09
#define PCI_CLASS_DEVICE               0x0a
#define PCI_HEADER_TYPE                0x0e
#define PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BASE_ADDRESS_0             0x10
#define PCI_BASE_ADDRESS_SPACE_IO      0x01
#define PCI_BASE_ADDRESS_MEM_TYPE_64   0x04
#define PCI_BASE_ADDRESS_MEM_PREFETCH  0x08
#define PCI_SUBSYSTEM_VENDOR_ID        0x2c
#define PCI_SUBSYSTEM_ID               0x2e
#define PCI_ROM_ADDRESS                0x30
#define PCI_CAPABILITY_LIST            0x34
#define PCI_INTERRUPT_LINE             0x3c
#define PCI_INTERRUPT_PIN              0x3d

#define PCI_NUM_BARS        6
#define PCI_ROM_SLOT        6
#define PCI_DEVFN(slot, fn) (((slot) << 3) | (fn))
#define PCI_SLOT(devfn)     (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)     ((devfn)&7)

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;

typedef struct PCIBar {
    MemoryRegion *mr; /* NULL: BAR not implemented */
    uint64_t size;
    uint8_t type;  /* PCI_BASE_ADDRESS_SPACE_IO or mem flags */
    uint64_t addr; /* where it is mapped, or PCI_BAR_UNMAPPED */
} PCIBar;
#define PCI_BAR_UNMAPPED (~(uint64_t)0)

struct PCIDevice {
    DeviceState parent;
    PCIBus *bus;
    int32_t devfn; /* property "addr"; -1 = first free slot */
    uint8_t config[256];
    uint8_t wmask[256];   /* bits the guest may write */
    uint8_t w1cmask[256]; /* bits cleared by writing 1 */
    PCIBar bars[7];
    int irq_level; /* INTx asserted */
    /* Optional hooks for device-specific registers; they call the default
     * functions for everything else. */
    uint32_t (*config_read)(PCIDevice *d, uint32_t addr, int len);
    void (*config_write)(PCIDevice *d, uint32_t addr, uint32_t val, int len);
};

/* pin is 0-based (0 = INTA#, from config 0x3d minus 1). */
typedef int PCIMapIRQFn(PCIDevice *d, int pin); /* -> bus irq index */
typedef void PCISetIRQFn(void *opaque, int irq, int level);

struct PCIBus {
    BusState qbus; /* type "pci", named "pci.<n>" */
    MemoryRegion *mem;    /* where memory BARs are mapped */
    MemoryRegion *io;     /* where I/O BARs are mapped */
    AddressSpace *dma_as; /* what bus masters reach */
    PCIDevice *devices[256];
    PCIMapIRQFn *map_irq;
    PCISetIRQFn *set_irq;
    void *irq_opaque;
    int nirq;
    int *irq_count; /* devices asserting each bus irq */
};

/* The PCI bus dev is plugged into, or NULL. */
static inline PCIBus *pci_bus(DeviceState *dev)
{
    return dev->bus && !strcmp(dev->bus->type, "pci")
               ? container_of(dev->bus, PCIBus, qbus)
               : NULL;
}

PCIBus *pci_bus_new(MemoryRegion *mem, MemoryRegion *io, AddressSpace *dma_as);
/* Free a bus whose devices are all detached. */
void pci_bus_free(PCIBus *bus);
void pci_bus_set_irq_routing(PCIBus *bus, PCIMapIRQFn *map_irq,
                             PCISetIRQFn *set_irq, void *opaque, int nirq);

/* The PCI address type: int32_t devfn from "slot[.fn]" (hex), -1 = auto. */
extern const PropertyInfo prop_info_pci_devfn;
/* "addr" property for PCI device classes. */
#define DEFINE_PROP_PCI_DEVFN(S)                                            \
    DEFINE_PROP("addr", S, pci.devfn, int32_t, &prop_info_pci_devfn,        \
                (uint64_t)-1, "slot[.function] on the PCI bus (hex)")

int pci_device_attach(PCIDevice *d, Error **errp);
void pci_device_detach(PCIDevice *d);
void pci_config_set_ids(PCIDevice *d, uint16_t vendor, uint16_t device,
                        uint32_t class_prog_rev /* class<<8 | rev */);
void pci_register_bar(PCIDevice *d, int n, uint8_t type, MemoryRegion *mr);
/* Drive the device's INTx pin (config 0x3d) at level. */
void pci_set_irq(PCIDevice *d, int level);
/* Reset the standard header: command, BARs unmapped, status. */
void pci_device_reset(PCIDevice *d);
/* After d->config was loaded from a saved state (added by vmaudit):
 * map the BARs where it says, take the INTx level from its status bit and
 * recount the bus's INTx lines (the command's INTx-disable bit may have
 * changed under the bus's counts). */
void pci_device_post_load(PCIDevice *d);

uint32_t pci_default_config_read(PCIDevice *d, uint32_t addr, int len);
void pci_default_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                              int len);

/*
 * Configuration mechanism #1 addressing: bus 0 only.  cf8 is the value of
 * the 0xCF8 address register with bits 1:0 replaced by the data port's byte
 * offset (port - 0xCFC).  Disabled (bit 31 clear), other buses and absent
 * devices read all ones and ignore writes.
 */
uint32_t pci_host_config_read(PCIBus *bus, uint32_t cf8, int len);
void pci_host_config_write(PCIBus *bus, uint32_t cf8, uint32_t val, int len);

PCIDevice *pci_find_device(PCIBus *bus, int devfn);

/*
 * Bus-master DMA (emu/dma.h) into the bus's dma_as.  While the command
 * register's bus-master enable bit is clear the device cannot start a
 * cycle: nothing is accessed, reads give all ones, the result is
 * DMA_DENIED (map: NULL with *len = 0).
 */
bool pci_bus_master_enabled(PCIDevice *d);
DMAResult pci_dma_rw(PCIDevice *d, uint64_t addr, void *buf, uint64_t len,
                     bool is_write);
static inline DMAResult pci_dma_read(PCIDevice *d, uint64_t addr, void *buf,
                                     uint64_t len)
{
    return pci_dma_rw(d, addr, buf, len, false);
}
static inline DMAResult pci_dma_write(PCIDevice *d, uint64_t addr,
                                      const void *buf, uint64_t len)
{
    return pci_dma_rw(d, addr, (void *)buf, len, true);
}
void *pci_dma_map(PCIDevice *d, uint64_t addr, uint64_t *len, bool is_write);
void pci_dma_unmap(PCIDevice *d, void *buffer, uint64_t len, bool is_write,
                   uint64_t access_len);
/* "info pci" */
void pci_bus_dump(FILE *f, PCIBus *bus);
/* "Host bridge", "IDE controller", ... for a class code (config 0x0a),
 * or NULL (info pci, QMP query-pci). */
const char *pci_class_name(uint16_t cls);

#endif
