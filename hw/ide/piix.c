/*
 * Intel 82371SB PIIX3, function 1: the IDE controller (8086:7010).
 *
 * Datasheet: 82371FB/SB, the function 1 configuration registers (IDETIM
 * at 40h/42h, SIDETIM 44h, BMIBA at 20h) and the bus-master IDE I/O
 * registers; the bus-master protocol is SFF-8038i rev. 1.0.
 *
 * Both channels run in compatibility mode (programming interface 80h):
 * the legacy ports 1F0h-1F7h/3F6h on IRQ 14 and 170h-177h/376h on IRQ 15
 * are always decoded.  Deviation: the hardware gates them with IDETIM bit
 * 15, which firmware sets; QEMU ignores it too, and the registers keep
 * what the guest writes (drivers read them back, Linux's ata_piix checks
 * bit 15 before it uses a channel).
 *
 * Bus-master DMA: per channel a command register (start, direction), a
 * status register (active, error, interrupt, drive DMA capable bits) and
 * the PRD table address.  A descriptor is 8 bytes: buffer address, byte
 * count in bits 15:1 (0 means 64 KiB), end of table in bit 31.  Buffers
 * are mapped straight out of guest RAM (pci_dma_map) and handed to the
 * block layer as one iovec per request: no bounce copy.  A descriptor
 * that cannot be fetched (a table running off the end of RAM) sets the
 * error bit and aborts the command.
 */
#include "emu/common.h"
#include "emu/main-loop.h"
#include "emu/trace.h"
#include "hw/ide/ide-internal.h"

#define PCI_DEVICE_ID_INTEL_82371SB_1 0x7010
#define PIIX3_IDE_CLASS_REV           0x01018000 /* IDE, bus master, rev 00 */

#define PIIX_IDETIM  0x40 /* primary, 42h secondary */
#define PIIX_SIDETIM 0x44
#define IDETIM_IDE   0x8000 /* IDE decode enable */

#define BM_CMD_START 0x01
#define BM_CMD_WRITE 0x08 /* the bus master writes memory (disk reads) */
#define BM_ST_ACTIVE 0x01
#define BM_ST_ERROR  0x02
#define BM_ST_INT    0x04
#define BM_ST_DMA0   0x20 /* drive 0 DMA capable (BIOS scratch bit) */
#define BM_ST_DMA1   0x40

#define PRD_EOT 0x80000000u
/* The table may not cross a 64 KiB boundary (SFF-8038i): that many
 * descriptors at most, so a table without an end bit still ends. */
#define PRD_TABLE_MAX 0x10000
/* iovec entries per block request before we cut at a sector boundary. */
#define BM_MAX_IOV 1024

static const uint16_t legacy_cmd[2] = {0x1f0, 0x170};
static const uint16_t legacy_ctl[2] = {0x3f6, 0x376};
static const int legacy_irq[2] = {14, 15};

typedef struct BMDMAState {
    PIIX3IDEState *ctl;
    int chan;
    uint8_t cmd, status;
    uint32_t prd_addr; /* the table, as the guest wrote it */
    /* Where the engine is in the table. */
    uint32_t cur_prd;  /* next descriptor to fetch */
    uint32_t cur_addr; /* what is left of the current one */
    uint32_t cur_len;
    bool cur_last;
    /* What map() handed out, for unmap() (sg lengths may be trimmed). */
    void **map_ptr;
    uint64_t *map_len;
    int nmaps, map_alloc;
    BH *retry_bh;
} BMDMAState;

struct PIIX3IDEState {
    PCIDevice pci;
    ISABus *isa;
    IDEBus bus[2];
    BMDMAState bm[2];
    MemoryRegion cmd_io[2], ctl_io[2], bm_io;
};

/* ---- Legacy ports ---------------------------------------------------------
 */

static uint64_t cmd_read_do(void *opaque, uint64_t addr, unsigned size)
{
    return ide_cmd_read(opaque, addr, size);
}

static uint64_t cmd_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = cmd_read_do(opaque, addr, size);
    trace(piix_ide_cmd_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void cmd_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    trace(piix_ide_cmd_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    ide_cmd_write(opaque, addr, val, size);
}

static const MemoryRegionOps cmd_ops = {
    .read = cmd_read,
    .write = cmd_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static uint64_t ctl_read_do(void *opaque, uint64_t addr, unsigned size)
{
    return ide_status_read(opaque, true);
}

static uint64_t ctl_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = ctl_read_do(opaque, addr, size);
    trace(piix_ide_ctl_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void ctl_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    trace(piix_ide_ctl_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    ide_ctl_write(opaque, val);
}

static const MemoryRegionOps ctl_ops = {
    .read = ctl_read,
    .write = ctl_write,
    ISA_BYTE_OPS_SIZES,
};

/* ---- Bus master: the core's DMA interface ------------------------------- */

static void bm_start(void *opaque)
{
    BMDMAState *bm = opaque;
    if ((bm->cmd & BM_CMD_START) && (bm->status & BM_ST_ACTIVE)) {
        ide_dma_run(&bm->ctl->bus[bm->chan]);
    }
}

static void bm_retry_bh(void *opaque)
{
    bm_start(opaque);
}

static void bm_add_map(BMDMAState *bm, IOVector *sg, void *p, uint64_t len)
{
    if (bm->nmaps == bm->map_alloc) {
        bm->map_alloc = bm->map_alloc ? bm->map_alloc * 2 : 16;
        bm->map_ptr = g_renew(void *, bm->map_ptr, bm->map_alloc);
        bm->map_len = g_renew(uint64_t, bm->map_len, bm->map_alloc);
    }
    bm->map_ptr[bm->nmaps] = p;
    bm->map_len[bm->nmaps] = len;
    bm->nmaps++;
    iovec_add(sg, p, len);
}

/* Drop the last `bytes` of sg (their mappings stay listed for unmap). */
static void bm_trim(IOVector *sg, uint64_t bytes)
{
    while (bytes && sg->niov) {
        struct iovec *v = &sg->iov[sg->niov - 1];
        uint64_t cut = MIN(bytes, v->iov_len);
        v->iov_len -= cut;
        sg->size -= cut;
        bytes -= cut;
        if (!v->iov_len) {
            sg->niov--;
        }
    }
}

/* Fetch the next descriptor; false with the error bit set on failure. */
static bool bm_next_prd(BMDMAState *bm)
{
    uint8_t d[8];
    uint32_t table_end = (bm->prd_addr & ~(PRD_TABLE_MAX - 1)) + PRD_TABLE_MAX;

    if (bm->cur_prd >= table_end || bm->cur_prd < bm->prd_addr) {
        log_mask(LOG_GUEST_ERROR,
                 "piix3-ide: PRD table at %08x has no end of table\n",
                 bm->prd_addr);
        bm->status |= BM_ST_ERROR;
        return false;
    }
    DMAResult r = pci_dma_read(&bm->ctl->pci, bm->cur_prd, d, sizeof(d));
    if (r != DMA_OK) {
        log_mask(LOG_GUEST_ERROR, "piix3-ide: PRD fetch at %08x failed (%s)\n",
                 bm->cur_prd, dma_result_str(r));
        bm->status |= BM_ST_ERROR;
        return false;
    }
    uint32_t cnt = ldl_le_p(d + 4);
    bm->cur_addr = ldl_le_p(d) & ~1u;
    bm->cur_len = (cnt & 0xfffe) ? (cnt & 0xfffe) : 0x10000;
    bm->cur_last = cnt & PRD_EOT;
    bm->cur_prd += 8;
    return true;
}

static int64_t bm_map(void *opaque, IOVector *sg, uint64_t max,
                      unsigned granule, bool to_ram)
{
    BMDMAState *bm = opaque;
    uint64_t total = 0, from_cur = 0;
    bool exhausted = false;

    iovec_reset(sg);
    bm->nmaps = 0;
    if (!(bm->cmd & BM_CMD_START) || !(bm->status & BM_ST_ACTIVE)) {
        return 0;
    }
    if (!!(bm->cmd & BM_CMD_WRITE) != to_ram) {
        log_mask(LOG_GUEST_ERROR,
                 "piix3-ide: bus-master direction does not match the "
                 "command; following the command\n");
    }
    while (total < max) {
        if (!bm->cur_len) {
            if (bm->cur_last) {
                exhausted = true;
                break;
            }
            if (!bm_next_prd(bm)) {
                return -EIO;
            }
            from_cur = 0;
        }
        uint64_t len = MIN(bm->cur_len, max - total);
        void *p = pci_dma_map(&bm->ctl->pci, bm->cur_addr, &len, to_ram);
        if (!p || !len) {
            if (!pci_bus_master_enabled(&bm->ctl->pci)) {
                log_mask(LOG_GUEST_ERROR,
                         "piix3-ide: DMA with bus mastering disabled\n");
                bm->status |= BM_ST_ERROR;
                return -EIO;
            }
            if (!total) {
                /* The bounce buffer is taken: come back when it is free. */
                address_space_register_map_client(bm->ctl->pci.bus->dma_as,
                                                  bm->retry_bh);
                return -EAGAIN;
            }
            break;
        }
        bm_add_map(bm, sg, p, len);
        bm->cur_addr += len;
        bm->cur_len -= len;
        total += len;
        from_cur += len;
        if (sg->niov >= BM_MAX_IOV && total % granule == 0) {
            break;
        }
    }
    uint64_t rem = total % granule;
    if (rem) {
        if (!exhausted) {
            /* Stopped inside a sector: hand the tail back to the
             * descriptor it came from, to go with the next request. */
            if (rem > from_cur) {
                log_unimp_once("piix3-ide: a sector split across PRDs "
                               "needs more than one bounce buffer");
                bm->status |= BM_ST_ERROR;
                return -EIO;
            }
            bm->cur_addr -= rem;
            bm->cur_len += rem;
        }
        bm_trim(sg, rem);
        total -= rem;
    }
    return total;
}

static void bm_unmap(void *opaque, IOVector *sg, bool to_ram,
                     uint64_t access_len)
{
    BMDMAState *bm = opaque;

    for (int i = 0; i < bm->nmaps; i++) {
        uint64_t used = i < sg->niov ? MIN(access_len, sg->iov[i].iov_len) : 0;
        pci_dma_unmap(&bm->ctl->pci, bm->map_ptr[i], bm->map_len[i], to_ram,
                      used);
        access_len -= used;
    }
    bm->nmaps = 0;
    iovec_reset(sg);
}

/*
 * SFF-8038i, the status bits' table: after the device's interrupt, Active stays
 * set if the descriptors were larger than the transfer, and is clear if they
 * ended exactly with it (or an error stopped the engine).
 */
static void bm_end(void *opaque, bool ok)
{
    BMDMAState *bm = opaque;
    if (!ok || (!bm->cur_len && bm->cur_last)) {
        bm->status &= ~BM_ST_ACTIVE;
    }
}

static void bm_short_prd(void *opaque)
{
    BMDMAState *bm = opaque;
    bm->status &= ~BM_ST_ACTIVE; /* no interrupt: the host times out */
}

static void bm_irq(void *opaque)
{
    BMDMAState *bm = opaque;
    bm->status |= BM_ST_INT;
}

static const IDEDMAOps piix_bm_ops = {
    .start = bm_start,
    .map = bm_map,
    .unmap = bm_unmap,
    .end = bm_end,
    .short_prd = bm_short_prd,
    .irq = bm_irq,
};

/* ---- Bus-master registers (BAR4) --------------------------------------- */

static void bm_cmd_write(BMDMAState *bm, uint8_t val)
{
    IDEBus *bus = &bm->ctl->bus[bm->chan];
    uint8_t old = bm->cmd;

    bm->cmd = val & (BM_CMD_START | BM_CMD_WRITE);
    if ((val & BM_CMD_START) && !(old & BM_CMD_START)) {
        bm->status |= BM_ST_ACTIVE;
        bm->cur_prd = bm->prd_addr;
        bm->cur_len = 0;
        bm->cur_last = false;
        if (ide_bus_dma_pending(bus)) {
            ide_dma_run(bus);
        }
    } else if (!(val & BM_CMD_START) && (old & BM_CMD_START)) {
        /* Stopping the engine ends the transfer in progress; the
         * request already with the block layer completes first. */
        bm->status &= ~BM_ST_ACTIVE;
        ide_bus_drain(bus);
    }
}

static uint64_t bm_read_do(void *opaque, uint64_t addr, unsigned size)
{
    PIIX3IDEState *s = opaque;
    BMDMAState *bm = &s->bm[(addr >> 3) & 1];

    switch (addr & 7) {
    case 0:
        return bm->cmd;
    case 2:
        return bm->status;
    case 4:
    case 5:
    case 6:
    case 7:
        return (bm->prd_addr >> (8 * (addr & 3))) & 0xff;
    default:
        return 0;
    }
}

static uint64_t bm_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = bm_read_do(opaque, addr, size);
    trace(piix_ide_bm_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void bm_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    trace(piix_ide_bm_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    PIIX3IDEState *s = opaque;
    BMDMAState *bm = &s->bm[(addr >> 3) & 1];

    switch (addr & 7) {
    case 0:
        bm_cmd_write(bm, val);
        break;
    case 2: /* error and interrupt are write-one-to-clear */
        bm->status = (bm->status & BM_ST_ACTIVE) |
                     (val & (BM_ST_DMA0 | BM_ST_DMA1)) |
                     (bm->status & ~val & (BM_ST_ERROR | BM_ST_INT));
        break;
    case 4:
    case 5:
    case 6:
    case 7: {
        int sh = 8 * (addr & 3);
        bm->prd_addr =
            ((bm->prd_addr & ~(0xffu << sh)) | ((uint32_t)(val & 0xff) << sh)) &
            ~3u;
        break;
    }
    }
}

static const MemoryRegionOps bm_ops = {
    .read = bm_read,
    .write = bm_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- Reset, state, realize ---------------------------------------------- */

static void piix3_ide_reset(DeviceState *dev)
{
    PIIX3IDEState *s = container_of(dev, PIIX3IDEState, pci.parent);
    uint8_t *c = s->pci.config;

    for (int i = 0; i < 2; i++) {
        /* The engine stops first, so that a transfer whose request the
         * channel reset drains does not go on with the next one; what
         * that last completion sets is cleared after it. */
        BMDMAState *bm = &s->bm[i];
        bm->cmd = 0;
        ide_bus_drain(&s->bus[i]);
        bm->status = 0;
        bm->prd_addr = bm->cur_prd = bm->cur_addr = bm->cur_len = 0;
        bm->cur_last = false;
        ide_bus_reset(&s->bus[i]);
    }
    pci_device_reset(&s->pci);
    stw_le_p(c + PCI_STATUS, 0x0280); /* fast back-to-back, DEVSEL medium */
    memset(c + 0x40, 0, 256 - 0x40);
    stl_le_p(c + PCI_BASE_ADDRESS_0 + 4 * 4, PCI_BASE_ADDRESS_SPACE_IO);
}

static int piix3_ide_post_load(void *opaque)
{
    PIIX3IDEState *s = opaque;
    /* Map BAR4 where the loaded config space says. */
    pci_device_post_load(&s->pci);
    return 0;
}

static const VMStateField bmdma_fields[] = {
    VMSTATE_U8(cmd, BMDMAState),        VMSTATE_U8(status, BMDMAState),
    VMSTATE_U32(prd_addr, BMDMAState),  VMSTATE_U32(cur_prd, BMDMAState),
    VMSTATE_U32(cur_addr, BMDMAState),  VMSTATE_U32(cur_len, BMDMAState),
    VMSTATE_BOOL(cur_last, BMDMAState), VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_bmdma = {
    .name = "bmdma",
    .version = 1,
    .fields = bmdma_fields,
};

static const VMStateField piix3_ide_fields[] = {
    VMSTATE_BUFFER(pci.config, PIIX3IDEState),
    VMSTATE_STRUCT_ARRAY(bm, PIIX3IDEState, 2, vmstate_bmdma, BMDMAState),
    VMSTATE_STRUCT_ARRAY(bus, PIIX3IDEState, 2, vmstate_ide_bus, IDEBus),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_piix3_ide = {
    .name = "piix3-ide",
    .version = 1,
    .fields = piix3_ide_fields,
    .post_load = piix3_ide_post_load,
};

static void piix3_ide_unmap_legacy(PIIX3IDEState *s, int n)
{
    for (int i = 0; i < n; i++) {
        isa_unregister_ioport(s->isa, &s->cmd_io[i]);
        isa_unregister_ioport(s->isa, &s->ctl_io[i]);
    }
}

static int piix3_ide_realize(DeviceState *dev, Error **errp)
{
    PIIX3IDEState *s = container_of(dev, PIIX3IDEState, pci.parent);
    int ret;

    if (!s->isa) {
        /* Created by name (device_new): the legacy channels go on the
         * machine's ISA bus. */
        BusState *isa = bus_find_type("isa");
        if (!isa) {
            error_setg(errp, "piix3-ide: no ISA bus for the legacy ports");
            return -ENODEV;
        }
        s->isa = container_of(isa, ISABus, qbus);
    }
    ret = pci_device_attach(&s->pci, errp);
    if (ret < 0) {
        return ret;
    }
    pci_config_set_ids(&s->pci, 0x8086, PCI_DEVICE_ID_INTEL_82371SB_1,
                       PIIX3_IDE_CLASS_REV);
    memset(s->pci.wmask + PIIX_IDETIM, 0xff, 5); /* IDETIM, SIDETIM */

    memory_region_init_io(&s->bm_io, &bm_ops, s, "piix3-bmdma", 16);
    pci_register_bar(&s->pci, 4, PCI_BASE_ADDRESS_SPACE_IO, &s->bm_io);
    for (int i = 0; i < 2; i++) {
        BMDMAState *bm = &s->bm[i];
        bm->ctl = s;
        bm->chan = i;
        bm->retry_bh = bh_new(bm_retry_bh, bm);
        ide_bus_init(&s->bus[i], dev, isa_get_irq(s->isa, legacy_irq[i]),
                     &piix_bm_ops, bm);
        memory_region_init_io(&s->cmd_io[i], &cmd_ops, &s->bus[i],
                              i ? "ide1-cmd" : "ide0-cmd", 8);
        memory_region_init_io(&s->ctl_io[i], &ctl_ops, &s->bus[i],
                              i ? "ide1-ctl" : "ide0-ctl", 1);
        if (isa_register_ioport(s->isa, dev, &s->cmd_io[i], legacy_cmd[i],
                                errp) < 0 ||
            isa_register_ioport(s->isa, dev, &s->ctl_io[i], legacy_ctl[i],
                                errp) < 0) {
            /* Unregistering a block that was not registered is a no-op. */
            piix3_ide_unmap_legacy(s, i + 1);
            for (int j = 0; j <= i; j++) {
                ide_bus_cleanup(&s->bus[j]);
                bh_delete(s->bm[j].retry_bh);
            }
            pci_device_detach(&s->pci);
            return -EBUSY;
        }
    }
    return 0;
}

static void piix3_ide_unrealize(DeviceState *dev)
{
    PIIX3IDEState *s = container_of(dev, PIIX3IDEState, pci.parent);

    piix3_ide_unmap_legacy(s, 2);
    for (int i = 0; i < 2; i++) {
        ide_bus_cleanup(&s->bus[i]);
        address_space_unregister_map_client(s->bm[i].retry_bh);
        bh_delete(s->bm[i].retry_bh);
        g_free(s->bm[i].map_ptr);
        g_free(s->bm[i].map_len);
    }
    pci_device_detach(&s->pci);
}

static const Property piix3_ide_props[] = {
    DEFINE_PROP_PCI_DEVFN(PIIX3IDEState),
    DEFINE_PROP_END,
};

static const DeviceClass piix3_ide_class = {
    .name = "piix3-ide",
    .desc = "Intel 82371SB PIIX3 IDE controller",
    .bus = "pci",
    .instance_size = sizeof(PIIX3IDEState),
    .props = piix3_ide_props,
    .realize = piix3_ide_realize,
    .unrealize = piix3_ide_unrealize,
    .reset = piix3_ide_reset,
    .vmsd = &vmstate_piix3_ide,
};
DEVICE_CLASS_REGISTER(piix3_ide_class);

/* ---- Board API ------------------------------------------------------------
 */

PIIX3IDEState *piix3_ide_init(PCIBus *bus, int devfn, ISABus *isa, Error **errp)
{
    DeviceState *dev = device_new_class(&piix3_ide_class);
    PIIX3IDEState *s = container_of(dev, PIIX3IDEState, pci.parent);

    s->isa = isa;
    s->pci.devfn = devfn;
    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return s;
}

PCIDevice *piix3_ide_pci_device(PIIX3IDEState *s)
{
    return &s->pci;
}

IDEBus *piix3_ide_bus(PIIX3IDEState *s, int n)
{
    return &s->bus[n & 1];
}

void piix3_ide_firmware_setup(PIIX3IDEState *s, uint16_t bmdma_base)
{
    PCIDevice *d = &s->pci;
    pci_default_config_write(d, PIIX_IDETIM, IDETIM_IDE, 2);
    pci_default_config_write(d, PIIX_IDETIM + 2, IDETIM_IDE, 2);
    pci_default_config_write(d, PCI_BASE_ADDRESS_0 + 4 * 4,
                             bmdma_base | PCI_BASE_ADDRESS_SPACE_IO, 4);
    pci_default_config_write(d, PCI_COMMAND,
                             PCI_COMMAND_IO | PCI_COMMAND_MASTER, 2);
}

void piix3_ide_free(PIIX3IDEState *s)
{
    for (int i = 0; i < 2; i++) {
        DeviceState *d;
        while ((d = s->bus[i].qbus.children)) {
            device_free(d);
        }
    }
    device_free(&s->pci.parent);
}
