/*
 * PCI bus core: configuration space, BARs and INTx (PCI Local Bus
 * Specification 3.0, chapter 6 "Configuration Space"; 6.2.5 "Base
 * Addresses"; 6.2.4 for the interrupt pin/line registers; 2.2.6 for INTx).
 *
 * A device's config space is 256 bytes with two masks: wmask (bits the guest
 * may write) and w1cmask (bits a write of 1 clears, the status register's
 * error bits).  BAR sizing needs no special case: the address bits below the
 * BAR's size are not in wmask, so writing all ones reads back the size mask
 * with the read-only type bits.  After every write that touches the command
 * register, a BAR or the expansion ROM BAR, the BARs are remapped: a BAR is
 * present in bus->mem / bus->io at its programmed address only while the
 * command register enables its space (and, for the ROM, its enable bit).
 *
 * INTx: pci_set_irq() records the device's level (mirrored in the status
 * register's interrupt bit).  Unless the command register's INTx-disable bit
 * is set, an assertion counts on the bus irq that bus->map_irq picks for the
 * device's pin; the bus's set_irq sees the OR of all devices on that irq.
 */
#include "emu/common.h"
#include "emu/trace.h"

#include <glib.h>

#include "hw/pci/pci.h"

#define PCI_CACHE_LINE_SIZE       0x0c
#define PCI_LATENCY_TIMER         0x0d
#define PCI_CONFIG_HEADER_SIZE    0x40
#define PCI_ROM_ADDRESS_ENABLE    0x01
#define PCI_ROM_ADDRESS_MASK      0xfffff800u
#define PCI_BASE_ADDRESS_IO_MASK  0xfffffffcu
#define PCI_BASE_ADDRESS_MEM_MASK 0xfffffff0u
/* Status bits the guest clears by writing 1: parity, SERR, aborts. */
#define PCI_STATUS_W1C 0xf900
/* Command bits a conventional device implements. */
#define PCI_COMMAND_PARITY 0x40
#define PCI_COMMAND_SERR   0x100
#define PCI_COMMAND_WMASK                                       \
    (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
     PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)
/* Priority of BARs in the bus spaces: above the board's defaults there. */
#define PCI_BAR_PRIORITY 1

/* ---- Helpers ---------------------------------------------------------- */

static int bar_offset(int n)
{
    return n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * n;
}

static bool bar_is_io(const PCIBar *b)
{
    return b->type & PCI_BASE_ADDRESS_SPACE_IO;
}

static bool bar_is_64(const PCIBar *b)
{
    return !bar_is_io(b) && (b->type & PCI_BASE_ADDRESS_MEM_TYPE_64);
}

static uint16_t pci_get_command(PCIDevice *d)
{
    return ldw_le_p(d->config + PCI_COMMAND);
}

/* Where BAR n should be now, from config space and the command register. */
static uint64_t bar_address(PCIDevice *d, int n)
{
    PCIBar *b = &d->bars[n];
    uint16_t cmd = pci_get_command(d);
    int off = bar_offset(n);
    uint64_t addr, last;

    if (n == PCI_ROM_SLOT) {
        uint32_t v = ldl_le_p(d->config + off);
        if (!(cmd & PCI_COMMAND_MEMORY) || !(v & PCI_ROM_ADDRESS_ENABLE)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = v & PCI_ROM_ADDRESS_MASK & ~(b->size - 1);
    } else if (bar_is_io(b)) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = ldl_le_p(d->config + off) & PCI_BASE_ADDRESS_IO_MASK &
               ~(b->size - 1);
    } else {
        if (!(cmd & PCI_COMMAND_MEMORY)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = ldl_le_p(d->config + off) & PCI_BASE_ADDRESS_MEM_MASK;
        if (bar_is_64(b)) {
            addr |= (uint64_t)ldl_le_p(d->config + off + 4) << 32;
        }
        addr &= ~(b->size - 1);
    }
    /*
     * Address 0 means "not assigned" to firmware and OSes alike; a BAR that
     * wraps or leaves its space stays unmapped (as QEMU does).
     */
    last = addr + b->size - 1;
    if (addr == 0 || last < addr) {
        return PCI_BAR_UNMAPPED;
    }
    if (bar_is_io(b)) {
        MemoryRegion *io = d->bus->io;
        if (!io || (io->size && last >= io->size)) {
            return PCI_BAR_UNMAPPED;
        }
    } else if (!bar_is_64(b) && last > UINT32_MAX) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

static void pci_update_mappings(PCIDevice *d)
{
    if (!d->bus) {
        return;
    }
    memory_region_transaction_begin();
    for (int n = 0; n <= PCI_ROM_SLOT; n++) {
        PCIBar *b = &d->bars[n];
        if (!b->mr) {
            continue;
        }
        uint64_t addr = bar_address(d, n);
        if (addr == b->addr) {
            continue;
        }
        MemoryRegion *space = bar_is_io(b) ? d->bus->io : d->bus->mem;
        if (b->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(b->mr->container, b->mr);
        }
        b->addr = addr;
        if (addr != PCI_BAR_UNMAPPED && space) {
            memory_region_add_subregion_overlap(space, addr, b->mr,
                                                PCI_BAR_PRIORITY);
        } else {
            b->addr = PCI_BAR_UNMAPPED;
        }
    }
    memory_region_transaction_commit();
}

static void pci_bus_change_irq(PCIBus *bus, int irq, int change)
{
    if (irq < 0 || irq >= bus->nirq || !bus->irq_count) {
        return;
    }
    bus->irq_count[irq] += change;
    assert(bus->irq_count[irq] >= 0);
    if (bus->set_irq) {
        bus->set_irq(bus->irq_opaque, irq, bus->irq_count[irq] != 0);
    }
}

/* The bus irq behind the device's pin, or -1 (no pin, no routing). */
static int pci_intx_bus_irq(PCIDevice *d)
{
    int pin = d->config[PCI_INTERRUPT_PIN];
    if (!d->bus || !d->bus->map_irq || pin < 1 || pin > 4) {
        return -1;
    }
    return d->bus->map_irq(d, pin - 1);
}

/* Whether the device's assertion is delivered, for a command value. */
static bool pci_intx_delivered(PCIDevice *d, uint16_t cmd)
{
    return d->irq_level && !(cmd & PCI_COMMAND_INTX_DISABLE);
}

static void pci_intx_update(PCIDevice *d, bool was, bool now)
{
    if (was != now) {
        pci_bus_change_irq(d->bus, pci_intx_bus_irq(d), now ? 1 : -1);
    }
}

/* ---- The "addr" property type ----------------------------------------- */

static int devfn_parse(DeviceState *dev, const Property *p, void *field,
                       const char *str, Error **errp)
{
    char *end;
    errno = 0;
    unsigned long slot = strtoul(str, &end, 16), fn = 0;
    if (errno || end == str || !g_ascii_isxdigit(*str) || slot > 31) {
        goto bad;
    }
    if (*end == '.') {
        const char *f = end + 1;
        fn = strtoul(f, &end, 16);
        if (end == f || !g_ascii_isxdigit(*f) || fn > 7) {
            goto bad;
        }
    }
    if (*end) {
        goto bad;
    }
    *(int32_t *)field = (int32_t)PCI_DEVFN(slot, fn);
    return 0;
bad:
    error_setg(errp,
               "expects slot[.function] in hex (e.g. 03.0), not '%s'", str);
    return -EINVAL;
}

/* As QEMU's info qtree shows it: "01.3", or -1 before a slot is picked. */
static char *devfn_print(const Property *p, const void *field)
{
    int32_t devfn = *(const int32_t *)field;
    if (devfn < 0) {
        return g_strdup("-1");
    }
    return g_strdup_printf("%02x.%x", PCI_SLOT(devfn), PCI_FUNC(devfn));
}

static char *devfn_print_default(const Property *p)
{
    int32_t devfn = (int32_t)p->defval;
    return devfn >= 0 ? devfn_print(p, &devfn) : NULL;
}

static void devfn_set(void *field, uint64_t v)
{
    *(int32_t *)field = (int32_t)v;
}

const PropertyInfo prop_info_pci_devfn = {
    .name = "pci-devfn", .parse = devfn_parse, .print = devfn_print,
    .print_default = devfn_print_default, .set_uint = devfn_set,
};

/* ---- Bus --------------------------------------------------------------- */

PCIBus *pci_bus_new(MemoryRegion *mem, MemoryRegion *io, AddressSpace *dma_as)
{
    PCIBus *bus = calloc(1, sizeof(*bus));
    if (!bus) {
        fatal("out of memory");
    }
    bus_init(&bus->qbus, "pci", NULL, NULL);
    bus->mem = mem;
    bus->io = io;
    bus->dma_as = dma_as;
    return bus;
}

void pci_bus_free(PCIBus *bus)
{
    if (!bus) {
        return;
    }
    bus_cleanup(&bus->qbus);
    free(bus->irq_count);
    free(bus);
}

void pci_bus_set_irq_routing(PCIBus *bus, PCIMapIRQFn *map_irq,
                             PCISetIRQFn *set_irq, void *opaque, int nirq)
{
    free(bus->irq_count);
    bus->map_irq = map_irq;
    bus->set_irq = set_irq;
    bus->irq_opaque = opaque;
    bus->nirq = nirq;
    bus->irq_count = nirq > 0 ? calloc(nirq, sizeof(int)) : NULL;
    /* Devices that already assert their pin count on the new routing. */
    for (int devfn = 0; devfn < 256; devfn++) {
        PCIDevice *d = bus->devices[devfn];
        if (d && pci_intx_delivered(d, pci_get_command(d))) {
            pci_bus_change_irq(bus, pci_intx_bus_irq(d), 1);
        }
    }
}

PCIDevice *pci_find_device(PCIBus *bus, int devfn)
{
    if (!bus || devfn < 0 || devfn > 255) {
        return NULL;
    }
    return bus->devices[devfn];
}

/* ---- Devices ----------------------------------------------------------- */

int pci_device_attach(PCIDevice *d, Error **errp)
{
    PCIBus *bus = pci_bus(&d->parent);
    const char *name = d->parent.cls ? d->parent.cls->name : "pci device";
    int devfn = d->devfn;

    if (!bus) {
        error_setg(errp, "%s: no PCI bus", name);
        return -EINVAL;
    }
    if (devfn < 0) {
        for (devfn = 0; devfn < 256; devfn += 8) {
            if (!bus->devices[devfn]) {
                break;
            }
        }
        if (devfn >= 256) {
            error_setg(errp, "%s: no free PCI slot", name);
            return -ENOSPC;
        }
    } else if (devfn > 255) {
        error_setg(errp, "%s: invalid PCI address 0x%x", name, devfn);
        return -EINVAL;
    } else if (bus->devices[devfn]) {
        error_setg(errp, "%s: PCI address %02x.%x is in use by %s", name,
                   PCI_SLOT(devfn), PCI_FUNC(devfn),
                   bus->devices[devfn]->parent.cls
                       ? bus->devices[devfn]->parent.cls->name
                       : "another device");
        return -EBUSY;
    }

    d->devfn = devfn;
    d->bus = bus;
    bus->devices[devfn] = d;

    memset(d->config, 0, sizeof(d->config));
    memset(d->wmask, 0, sizeof(d->wmask));
    memset(d->w1cmask, 0, sizeof(d->w1cmask));
    stw_le_p(d->wmask + PCI_COMMAND, PCI_COMMAND_WMASK);
    stw_le_p(d->w1cmask + PCI_STATUS, PCI_STATUS_W1C);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    /* Device-specific registers: writable unless the device says not. */
    memset(d->wmask + PCI_CONFIG_HEADER_SIZE, 0xff,
           sizeof(d->wmask) - PCI_CONFIG_HEADER_SIZE);
    for (int n = 0; n <= PCI_ROM_SLOT; n++) {
        d->bars[n].addr = PCI_BAR_UNMAPPED;
    }
    d->irq_level = 0;
    return 0;
}

void pci_device_detach(PCIDevice *d)
{
    PCIBus *bus = d->bus;
    if (!bus) {
        return;
    }
    pci_intx_update(d, pci_intx_delivered(d, pci_get_command(d)), false);
    d->irq_level = 0;
    memory_region_transaction_begin();
    for (int n = 0; n <= PCI_ROM_SLOT; n++) {
        PCIBar *b = &d->bars[n];
        if (b->mr && b->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(b->mr->container, b->mr);
            b->addr = PCI_BAR_UNMAPPED;
        }
    }
    memory_region_transaction_commit();
    if (d->devfn >= 0 && d->devfn < 256 && bus->devices[d->devfn] == d) {
        bus->devices[d->devfn] = NULL;
    }
    d->bus = NULL;
}

void pci_config_set_ids(PCIDevice *d, uint16_t vendor, uint16_t device,
                        uint32_t class_prog_rev)
{
    stw_le_p(d->config + PCI_VENDOR_ID, vendor);
    stw_le_p(d->config + PCI_DEVICE_ID, device);
    stl_le_p(d->config + PCI_REVISION_ID, class_prog_rev);
}

void pci_register_bar(PCIDevice *d, int n, uint8_t type, MemoryRegion *mr)
{
    assert(n >= 0 && n <= PCI_ROM_SLOT);
    PCIBar *b = &d->bars[n];
    int off = bar_offset(n);
    uint64_t size = mr->size;

    /* Sizes are powers of two, at least 4 (I/O), 16 (memory), 2K (ROM). */
    uint64_t min = n == PCI_ROM_SLOT                    ? 2 * KiB
                   : (type & PCI_BASE_ADDRESS_SPACE_IO) ? 4
                                                        : 16;
    if (size < min) {
        size = min;
    }
    while (size & (size - 1)) {
        size += size & -size;
    }
    if (n == PCI_ROM_SLOT) {
        type = 0;
    } else if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        type = PCI_BASE_ADDRESS_SPACE_IO;
    } else {
        type &= PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH;
        assert(!(type & PCI_BASE_ADDRESS_MEM_TYPE_64) || n < PCI_NUM_BARS - 1);
    }
    b->mr = mr;
    b->size = size;
    b->type = type;
    b->addr = PCI_BAR_UNMAPPED;

    uint64_t wmask = ~(size - 1);
    if (n == PCI_ROM_SLOT) {
        stl_le_p(d->config + off, 0);
        stl_le_p(d->wmask + off, ((uint32_t)wmask & PCI_ROM_ADDRESS_MASK) |
                                     PCI_ROM_ADDRESS_ENABLE);
    } else if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        stl_le_p(d->config + off, type);
        stl_le_p(d->wmask + off, (uint32_t)wmask & PCI_BASE_ADDRESS_IO_MASK);
    } else {
        stl_le_p(d->config + off, type);
        stl_le_p(d->wmask + off, (uint32_t)wmask & PCI_BASE_ADDRESS_MEM_MASK);
        if (type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            stl_le_p(d->config + off + 4, 0);
            stl_le_p(d->wmask + off + 4, (uint32_t)(wmask >> 32));
        }
    }
}

void pci_set_irq(PCIDevice *d, int level)
{
    level = level != 0;
    if (d->irq_level == level) {
        return;
    }
    trace(pci_set_irq, "%s %02x.%x level %d", d->parent.cls->name,
          PCI_SLOT(d->devfn), PCI_FUNC(d->devfn), level);
    uint16_t cmd = pci_get_command(d);
    bool was = pci_intx_delivered(d, cmd);
    d->irq_level = level;
    if (level) {
        d->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    } else {
        d->config[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
    }
    pci_intx_update(d, was, pci_intx_delivered(d, cmd));
}

static void pci_bus_recount_irqs(PCIBus *bus)
{
    if (!bus || !bus->irq_count) {
        return;
    }
    memset(bus->irq_count, 0, bus->nirq * sizeof(int));
    for (int i = 0; i < 256; i++) {
        PCIDevice *e = bus->devices[i];
        int irq = e ? pci_intx_bus_irq(e) : -1;
        if (irq >= 0 && irq < bus->nirq &&
            pci_intx_delivered(e, pci_get_command(e))) {
            bus->irq_count[irq]++;
        }
    }
    for (int n = 0; bus->set_irq && n < bus->nirq; n++) {
        bus->set_irq(bus->irq_opaque, n, bus->irq_count[n] != 0);
    }
}

void pci_device_post_load(PCIDevice *d)
{
    d->irq_level = !!(d->config[PCI_STATUS] & PCI_STATUS_INTERRUPT);
    pci_update_mappings(d);
    pci_bus_recount_irqs(d->bus);
}

void pci_device_reset(PCIDevice *d)
{
    uint16_t cmd = pci_get_command(d);

    pci_intx_update(d, pci_intx_delivered(d, cmd), false);
    d->irq_level = 0;
    d->config[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
    stw_le_p(d->config + PCI_COMMAND, cmd & ~ldw_le_p(d->wmask + PCI_COMMAND));
    stw_le_p(d->config + PCI_STATUS, ldw_le_p(d->config + PCI_STATUS) &
                                         ~ldw_le_p(d->w1cmask + PCI_STATUS));
    d->config[PCI_CACHE_LINE_SIZE] = 0;
    d->config[PCI_LATENCY_TIMER] = 0;
    d->config[PCI_INTERRUPT_LINE] = 0;
    for (int n = 0; n <= PCI_ROM_SLOT; n++) {
        PCIBar *b = &d->bars[n];
        if (!b->mr) {
            continue;
        }
        int off = bar_offset(n);
        stl_le_p(d->config + off, n == PCI_ROM_SLOT ? 0 : b->type);
        if (bar_is_64(b)) {
            stl_le_p(d->config + off + 4, 0);
        }
    }
    pci_update_mappings(d);
}

/* ---- Config space access ---------------------------------------------- */

uint32_t pci_default_config_read(PCIDevice *d, uint32_t addr, int len)
{
    uint32_t v = 0;
    if (len < 1 || len > 4 || addr > 256 - (uint32_t)len) {
        return ~0u;
    }
    for (int i = 0; i < len; i++) {
        v |= (uint32_t)d->config[addr + i] << (8 * i);
    }
    return v;
}

static bool ranges_overlap(uint32_t a, int alen, uint32_t b, int blen)
{
    return a < b + blen && b < a + alen;
}

void pci_default_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                              int len)
{
    if (len < 1 || len > 4 || addr > 256 - (uint32_t)len) {
        return;
    }
    uint16_t old_cmd = pci_get_command(d);

    for (int i = 0; i < len; i++) {
        uint32_t a = addr + i;
        uint8_t b = val >> (8 * i);
        uint8_t wm = d->wmask[a], w1c = d->w1cmask[a];
        d->config[a] = (d->config[a] & ~wm) | (b & wm);
        d->config[a] &= ~(b & w1c);
    }

    uint16_t cmd = pci_get_command(d);
    if (ranges_overlap(addr, len, PCI_COMMAND, 2) ||
        ranges_overlap(addr, len, PCI_BASE_ADDRESS_0, 4 * PCI_NUM_BARS) ||
        ranges_overlap(addr, len, PCI_ROM_ADDRESS, 4)) {
        pci_update_mappings(d);
    }
    if ((old_cmd ^ cmd) & PCI_COMMAND_INTX_DISABLE) {
        pci_intx_update(d, pci_intx_delivered(d, old_cmd),
                        pci_intx_delivered(d, cmd));
    }
}

/*
 * cf8: the configuration address register, with bits 1:0 replaced by the
 * byte offset of the data port access (port - 0xCFC).
 */
static PCIDevice *pci_host_find(PCIBus *bus, uint32_t cf8, uint32_t *reg,
                                int len)
{
    if (!(cf8 & 0x80000000u) || ((cf8 >> 16) & 0xff) != 0) {
        return NULL;
    }
    *reg = cf8 & 0xff;
    if (*reg + len > 256) {
        return NULL;
    }
    return pci_find_device(bus, (cf8 >> 8) & 0xff);
}

uint32_t pci_host_config_read(PCIBus *bus, uint32_t cf8, int len)
{
    uint32_t reg;
    uint32_t ones = len >= 4 ? ~0u : (1u << (8 * len)) - 1;
    PCIDevice *d = pci_host_find(bus, cf8, &reg, len);

    if (!d || len < 1 || len > 4) {
        return ones;
    }
    if (d->config_read) {
        return d->config_read(d, reg, len) & ones;
    }
    return pci_default_config_read(d, reg, len) & ones;
}

void pci_host_config_write(PCIBus *bus, uint32_t cf8, uint32_t val, int len)
{
    uint32_t reg;
    PCIDevice *d = pci_host_find(bus, cf8, &reg, len);

    if (!d || len < 1 || len > 4) {
        return;
    }
    if (d->config_write) {
        d->config_write(d, reg, val, len);
    } else {
        pci_default_config_write(d, reg, val, len);
    }
}

/* ---- info pci ---------------------------------------------------------- */

const char *pci_class_name(uint16_t cls)
{
    static const struct {
        uint16_t cls;
        const char *name;
    } names[] = {
        {0x0100, "SCSI controller"},     {0x0101, "IDE controller"},
        {0x0106, "SATA controller"},     {0x0180, "Storage controller"},
        {0x0200, "Ethernet controller"}, {0x0300, "VGA controller"},
        {0x0380, "Display controller"},  {0x0401, "Audio controller"},
        {0x0600, "Host bridge"},         {0x0601, "ISA bridge"},
        {0x0604, "PCI bridge"},          {0x0680, "Bridge"},
        {0x0c03, "USB controller"},      {0x0c05, "SMBus"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (names[i].cls == cls) {
            return names[i].name;
        }
    }
    return NULL;
}

void pci_bus_dump(FILE *f, PCIBus *bus)
{
    for (int devfn = 0; devfn < 256; devfn++) {
        PCIDevice *d = bus->devices[devfn];
        if (!d) {
            continue;
        }
        uint16_t cls = ldw_le_p(d->config + PCI_CLASS_DEVICE);
        const char *cname = pci_class_name(cls);
        fprintf(f, "  Bus  0, device %3d, function %d:\n", PCI_SLOT(devfn),
                PCI_FUNC(devfn));
        if (cname) {
            fprintf(f, "    %s:", cname);
        } else {
            fprintf(f, "    Class %04x:", cls);
        }
        fprintf(f, " PCI device %04x:%04x\n",
                ldw_le_p(d->config + PCI_VENDOR_ID),
                ldw_le_p(d->config + PCI_DEVICE_ID));
        if (d->config[PCI_INTERRUPT_PIN]) {
            fprintf(f, "      IRQ %d, pin %c\n", d->config[PCI_INTERRUPT_LINE],
                    'A' + d->config[PCI_INTERRUPT_PIN] - 1);
        }
        for (int n = 0; n <= PCI_ROM_SLOT; n++) {
            PCIBar *b = &d->bars[n];
            if (!b->mr) {
                continue;
            }
            if (n == PCI_ROM_SLOT) {
                fprintf(f, "      ROM:");
            } else {
                fprintf(f, "      BAR%d:", n);
            }
            if (bar_is_io(b)) {
                fprintf(f, " I/O at ");
            } else {
                fprintf(
                    f, " %s%smemory at ", bar_is_64(b) ? "64 bit " : "32 bit ",
                    (b->type & PCI_BASE_ADDRESS_MEM_PREFETCH) ? "prefetchable "
                                                              : "");
            }
            if (b->addr == PCI_BAR_UNMAPPED) {
                fprintf(f, "(unmapped) [size 0x%" PRIx64 "].\n", b->size);
            } else {
                fprintf(f, "0x%" PRIx64 " [0x%" PRIx64 "].\n", b->addr,
                        b->addr + b->size - 1);
            }
        }
        fprintf(f, "      id \"%s\"\n", d->parent.id ? d->parent.id : "");
    }
}

/* ---- Bus-master DMA ---------------------------------------------------- */

bool pci_bus_master_enabled(PCIDevice *d)
{
    return d->bus && d->bus->dma_as &&
           (pci_get_command(d) & PCI_COMMAND_MASTER);
}

DMAResult pci_dma_rw(PCIDevice *d, uint64_t addr, void *buf, uint64_t len,
                     bool is_write)
{
    if (!pci_bus_master_enabled(d)) {
        log_mask(LOG_GUEST_ERROR,
                 "pci %02x.%x: DMA %s at 0x%" PRIx64
                 " with bus mastering disabled\n",
                 PCI_SLOT(d->devfn), PCI_FUNC(d->devfn),
                 is_write ? "write" : "read", addr);
        if (!is_write) {
            memset(buf, 0xff, len);
        }
        return DMA_DENIED;
    }
    return dma_memory_rw(d->bus->dma_as, addr, buf, len, is_write);
}

void *pci_dma_map(PCIDevice *d, uint64_t addr, uint64_t *len, bool is_write)
{
    if (!pci_bus_master_enabled(d)) {
        *len = 0;
        return NULL;
    }
    return address_space_map(d->bus->dma_as, addr, len, is_write);
}

void pci_dma_unmap(PCIDevice *d, void *buffer, uint64_t len, bool is_write,
                   uint64_t access_len)
{
    /* A mapping made while mastering was on completes as the hardware's
     * posted cycles would. */
    address_space_unmap(d->bus->dma_as, buffer, len, is_write, access_len);
}
