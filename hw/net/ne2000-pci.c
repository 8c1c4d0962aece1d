/*
 * ne2k_pci: the Realtek RTL8029AS, a PCI NE2000 (10ec:8029), the default
 * NIC of the pc machine.  A DP8390 (hw/net/dp8390.c) with 16 KiB of packet
 * RAM; its 32 ports sit at the start of I/O BAR0 (256 bytes, the rest
 * unassigned), INTx on pin A.
 *
 * The data port takes 8-, 16- and 32-bit accesses: Linux's ne2k-pci reads
 * the receive header with one inl and frames with insl, so a 32-bit cycle
 * moves four bytes in one go.
 *
 * The RTL8029AS datasheet's page 3 holds its configuration registers.
 * Modelled: 9346CR (0x01: the EEPROM interface; EEM = 11 opens the
 * configuration registers for writing) and CONFIG3 (0x06: bit 6 full
 * duplex), which Linux's ne2k-pci programs for full duplex.  Page 0
 * registers 0x0a/0x0b read the chip ID 'P' 'C' (0x50 0x43) drivers use to
 * tell a Realtek part.  Other page-3 registers read 0 and are reported
 * once as not modelled; there is no 9346 EEPROM behind 9346CR.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/log.h"
#include "emu/memory.h"
#include "emu/trace.h"
#include "hw/net/dp8390.h"
#include "hw/net/ne2000.h"
#include "hw/pci/pci.h"

#define NE2K_PCI_CLASS_REV 0x02000000 /* Ethernet controller, rev 00 */
#define NE2K_PCI_BAR_SIZE  0x100

#define RTL_9346CR       0x01
#define RTL_9346CR_EEM   0xc0
#define RTL_EEM_CFGWRITE 0xc0 /* configuration registers writable */
#define RTL_CONFIG3      0x06
#define RTL_CONFIG3_MASK 0x40 /* FUDUP */

typedef struct NE2000PCIState {
    PCIDevice pci;
    NICConf conf;
    DP8390State core;
    uint8_t cr9346;
    uint8_t config3;
    bool page3_logged;
    MemoryRegion io;
} NE2000PCIState;

static uint64_t ne2k_pci_read_do(void *opaque, uint64_t addr, unsigned size)
{
    NE2000PCIState *s = opaque;

    return dp8390_ioport_read(&s->core, addr, size);
}

static uint64_t ne2k_pci_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = ne2k_pci_read_do(opaque, addr, size);
    trace(ne2k_pci_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void ne2k_pci_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    trace(ne2k_pci_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    NE2000PCIState *s = opaque;

    dp8390_ioport_write(&s->core, addr, val, size);
}

static const MemoryRegionOps ne2k_pci_ops = {
    .read = ne2k_pci_read,
    .write = ne2k_pci_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static void ne2k_pci_page3_unimp(NE2000PCIState *s, unsigned reg)
{
    if (!s->page3_logged) {
        s->page3_logged = true;
        log_unimp_once("ne2k_pci: RTL8029 page-3 register 0x%02x not "
                       "modelled\n",
                       reg);
    }
}

static uint8_t ne2k_pci_page3_read(void *opaque, unsigned reg)
{
    NE2000PCIState *s = opaque;

    switch (reg) {
    case RTL_9346CR:
        return s->cr9346;
    case RTL_CONFIG3:
        return s->config3;
    default:
        ne2k_pci_page3_unimp(s, reg);
        return 0;
    }
}

static void ne2k_pci_page3_write(void *opaque, unsigned reg, uint8_t val)
{
    NE2000PCIState *s = opaque;

    switch (reg) {
    case RTL_9346CR:
        s->cr9346 = val & 0xfe; /* EEDO is an input */
        break;
    case RTL_CONFIG3:
        if ((s->cr9346 & RTL_9346CR_EEM) == RTL_EEM_CFGWRITE) {
            s->config3 = val & RTL_CONFIG3_MASK;
        }
        break;
    default:
        ne2k_pci_page3_unimp(s, reg);
        break;
    }
}

static void ne2k_pci_set_irq(void *opaque, int level)
{
    NE2000PCIState *s = opaque;

    pci_set_irq(&s->pci, level);
}

static bool ne2k_pci_can_receive(NetClientState *nc)
{
    NE2000PCIState *s = nc->opaque;

    return dp8390_can_receive(&s->core);
}

static ssize_t ne2k_pci_receive(NetClientState *nc, const uint8_t *buf,
                                size_t len)
{
    NE2000PCIState *s = nc->opaque;

    return dp8390_receive(&s->core, buf, len);
}

static const NetClientInfo ne2k_pci_net_info = {
    .type = "nic",
    .is_nic = true,
    .receive = ne2k_pci_receive,
    .can_receive = ne2k_pci_can_receive,
};

static void ne2k_pci_reset(DeviceState *dev)
{
    NE2000PCIState *s = container_of(dev, NE2000PCIState, pci.parent);

    if (s->core.nc) {
        net_purge_queued(s->core.nc);
    }
    pci_device_reset(&s->pci);
    s->cr9346 = 0;
    s->config3 = 0;
    dp8390_reset(&s->core);
}

static int ne2k_pci_post_load(void *opaque)
{
    NE2000PCIState *s = opaque;

    /* Map BAR0 where the loaded config space says. */
    pci_device_post_load(&s->pci);
    dp8390_post_load(&s->core);
    return 0;
}

static const VMStateField ne2k_pci_fields[] = {
    VMSTATE_BUFFER(pci.config, NE2000PCIState),
    VMSTATE_STRUCT(core, NE2000PCIState, vmstate_dp8390, DP8390State),
    VMSTATE_U8(cr9346, NE2000PCIState),
    VMSTATE_U8(config3, NE2000PCIState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_ne2k_pci = {
    .name = TYPE_NE2K_PCI,
    .version = 1,
    .fields = ne2k_pci_fields,
    .post_load = ne2k_pci_post_load,
};

static int ne2k_pci_realize(DeviceState *dev, Error **errp)
{
    NE2000PCIState *s = container_of(dev, NE2000PCIState, pci.parent);
    int ret = pci_device_attach(&s->pci, errp);

    if (ret < 0) {
        return ret;
    }
    pci_config_set_ids(&s->pci, PCI_VENDOR_ID_REALTEK, PCI_DEVICE_ID_RTL8029,
                       NE2K_PCI_CLASS_REV);
    s->pci.config[PCI_INTERRUPT_PIN] = 1;
    /* No device-specific configuration registers. */
    memset(s->pci.wmask + 0x40, 0, sizeof(s->pci.wmask) - 0x40);
    memory_region_init_io(&s->io, &ne2k_pci_ops, s, TYPE_NE2K_PCI,
                          NE2K_PCI_BAR_SIZE);
    pci_register_bar(&s->pci, 0, PCI_BASE_ADDRESS_SPACE_IO, &s->io);

    s->core.name = TYPE_NE2K_PCI;
    s->core.id[0] = 'P';
    s->core.id[1] = 'C';
    s->core.set_irq = ne2k_pci_set_irq;
    s->core.irq_opaque = s;
    s->core.page3_read = ne2k_pci_page3_read;
    s->core.page3_write = ne2k_pci_page3_write;
    s->core.page3_opaque = s;
    s->core.nc =
        net_nic_new(&ne2k_pci_net_info, &s->conf, TYPE_NE2K_PCI, dev->id, s);
    s->core.mac = s->conf.macaddr;
    return 0;
}

static void ne2k_pci_unrealize(DeviceState *dev)
{
    NE2000PCIState *s = container_of(dev, NE2000PCIState, pci.parent);

    net_client_free(s->core.nc);
    s->core.nc = NULL;
    pci_device_detach(&s->pci);
    memory_region_finalize(&s->io);
}

static const Property ne2k_pci_props[] = {
    DEFINE_PROP_PCI_DEVFN(NE2000PCIState),
    DEFINE_NIC_PROPERTIES(NE2000PCIState, conf),
    DEFINE_PROP_END,
};

static const DeviceClass ne2k_pci_class = {
    .name = TYPE_NE2K_PCI,
    .desc = "Realtek RTL8029AS PCI NE2000 Ethernet card (10ec:8029)",
    .bus = "pci",
    .instance_size = sizeof(NE2000PCIState),
    .props = ne2k_pci_props,
    .user_creatable = true,
    .realize = ne2k_pci_realize,
    .unrealize = ne2k_pci_unrealize,
    .reset = ne2k_pci_reset,
    .vmsd = &vmstate_ne2k_pci,
};
DEVICE_CLASS_REGISTER(ne2k_pci_class);
