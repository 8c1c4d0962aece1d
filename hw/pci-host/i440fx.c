/*
 * Intel 82441FX PCI and Memory Controller (i440FX host bridge).
 *
 * Datasheet: Intel 440FX PCIset 82441FX PMC and 82442FX DBX, section 3.1
 * (configuration mechanism #1: CONFADD 0xCF8, CONFDATA 0xCFC), 3.2.14
 * (PAM[6:0], 0x59-0x5F) and 3.2.20 (SMRAMC, 0x72).  The board contract is in
 * include/hw/pci-host/i440fx.h.
 *
 * Config mechanism #1: the address register only answers 32-bit accesses
 * at 0xCF8; narrower accesses to 0xCF8-0xCFB are passed to the PCI I/O
 * space, where the PIIX3 claims 0xCF9.  The data window 0xCFC-0xCFF takes
 * 1/2/4-byte accesses at any byte offset inside the dword.
 *
 * PAM: each segment of 0xC0000-0xFFFFF has four regions in system memory at
 * priority 1, of which exactly one is enabled (switched in one transaction):
 * a window on the PCI memory space, a read-only RAM alias, a write-only MMIO
 * window (reads from PCI, writes into RAM) and a RAM alias.
 *
 * SMRAM: no SMM here.  The register keeps its value with the D_LCK rules;
 * with G_SMRAME and D_OPEN set, RAM shows at 0xA0000-0xBFFFF to ordinary
 * accesses (how firmware installs an SMM handler), otherwise PCI (VGA) does.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/trace.h"
#include "hw/pci-host/i440fx.h"

#define PCI_VENDOR_ID_INTEL       0x8086
#define PCI_DEVICE_ID_INTEL_82441 0x1237
#define I440FX_CLASS_REV          0x06000002 /* host bridge, rev 02 */

#define I440FX_PMCCFG    0x50
#define PAM_RE           0x1
#define PAM_WE           0x2
#define SMRAM_C_BASE_SEG 0x07 /* read-only 010: 0xA0000 */
#define SMRAM_G_SMRAME   0x08
#define SMRAM_D_LCK      0x10
#define SMRAM_D_CLS      0x20
#define SMRAM_D_OPEN     0x40
#define SMRAM_RESET      0x02

#define CONF_ENABLE    0x80000000u
#define CONF_ADDR_MASK 0x80fffffcu /* bits 30:24 and 1:0 are reserved */

#define SMRAM_BASE 0xa0000
#define SMRAM_SIZE 0x20000
#define PAM_BASE   0xc0000

enum { PAM_MODE_PCI, PAM_MODE_RO, PAM_MODE_WO, PAM_MODE_RW, PAM_MODES };

typedef struct I440FXPAMSegment {
    I440FXState *s;
    uint32_t start;
    uint32_t size;
    MemoryRegion mr[PAM_MODES];
    int mode;
} I440FXPAMSegment;

struct I440FXState {
    PCIDevice pci;
    /* Wiring from i440fx_init (not properties). */
    MemoryRegion *sysmem;
    MemoryRegion *sysio;
    MemoryRegion *pci_mem;
    MemoryRegion *ram;

    PCIBus *bus;
    MemoryRegion pci_io;       /* the PCI I/O space (bus->io) */
    MemoryRegion pci_io_alias; /* pci_io in sysio, priority -1 */
    AddressSpace pci_io_as;    /* forwarding of narrow 0xCF8 accesses */
    AddressSpace pci_mem_as;   /* reads of write-only PAM segments */
    MemoryRegion conf_addr_io; /* 0xCF8-0xCFB */
    MemoryRegion conf_data_io; /* 0xCFC-0xCFF */
    MemoryRegion pci_hole;     /* 0xA0000-0xFFFFF: master abort */
    MemoryRegion smram_pci;    /* 0xA0000: PCI unless SMRAM open */
    MemoryRegion smram_ram;    /* 0xA0000: RAM while SMRAM open */
    I440FXPAMSegment pam[I440FX_PAM_SEGMENTS];

    uint32_t config_reg; /* CONFADD */
};

/* ---- Helpers ---------------------------------------------------------- */

/* Segment 0 is 0xF0000-0xFFFFF (0x59 bits 7:4); 1..12 are 16 KiB each. */
static uint8_t pam_segment_mode(I440FXState *s, int i)
{
    uint8_t *c = s->pci.config;
    if (i == 0) {
        return (c[I440FX_PAM] >> 4) & 3;
    }
    uint8_t reg = c[I440FX_PAM + (i + 1) / 2];
    return ((i - 1) & 1 ? reg >> 4 : reg) & 3;
}

static void i440fx_update_memory_mappings(I440FXState *s)
{
    uint8_t smram = s->pci.config[I440FX_SMRAM];
    bool open = (smram & SMRAM_G_SMRAME) && (smram & SMRAM_D_OPEN);

    memory_region_transaction_begin();
    for (int i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        I440FXPAMSegment *seg = &s->pam[i];
        int mode = pam_segment_mode(s, i);
        if (mode != seg->mode) {
            memory_region_set_enabled(&seg->mr[seg->mode], false);
            memory_region_set_enabled(&seg->mr[mode], true);
            seg->mode = mode;
        }
    }
    memory_region_set_enabled(&s->smram_pci, !open);
    memory_region_set_enabled(&s->smram_ram, open);
    memory_region_transaction_commit();
}

/* ---- Write-only PAM window -------------------------------------------- */

static uint64_t pam_wo_read_do(void *opaque, uint64_t addr, unsigned size)
{
    I440FXPAMSegment *seg = opaque;
    uint64_t v = ~0ULL;
    address_space_read_val(&seg->s->pci_mem_as, seg->start + addr, size, &v);
    return v;
}

static uint64_t pam_wo_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = pam_wo_read_do(opaque, addr, size);
    trace(i440fx_pam_wo_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void pam_wo_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    trace(i440fx_pam_wo_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    I440FXPAMSegment *seg = opaque;
    if (addr + size > seg->size) {
        return;
    }
    uint8_t *p = memory_region_get_ram_ptr(seg->s->ram) + seg->start + addr;
    for (unsigned i = 0; i < size; i++) {
        p[i] = val >> (8 * i);
    }
}

static const MemoryRegionOps pam_wo_ops = {
    .read = pam_wo_read,
    .write = pam_wo_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/*
 * Under the PCI windows of 0xA0000-0xFFFFF: where no PCI device answers the
 * cycle ends in a master abort (reads all ones), it must not fall through
 * to the RAM the board mapped below.
 */
static uint64_t pci_hole_read_do(void *opaque, uint64_t addr, unsigned size)
{
    return ~0ULL;
}

static uint64_t pci_hole_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = pci_hole_read_do(opaque, addr, size);
    trace(i440fx_pci_hole_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void pci_hole_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    trace(i440fx_pci_hole_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
}

static const MemoryRegionOps pci_hole_ops = {
    .read = pci_hole_read,
    .write = pci_hole_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- Configuration mechanism #1 --------------------------------------- */

static uint64_t conf_addr_read_do(void *opaque, uint64_t addr, unsigned size)
{
    I440FXState *s = opaque;
    if (addr == 0 && size == 4) {
        return s->config_reg;
    }
    uint64_t v = ~0ULL;
    address_space_read_val(&s->pci_io_as, 0xcf8 + addr, size, &v);
    return v;
}

static uint64_t conf_addr_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = conf_addr_read_do(opaque, addr, size);
    trace(i440fx_conf_addr_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void conf_addr_write(void *opaque, uint64_t addr, uint64_t val,
                            unsigned size)
{
    trace(i440fx_conf_addr_write,
          "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr, val, size);
    I440FXState *s = opaque;
    if (addr == 0 && size == 4) {
        s->config_reg = val & CONF_ADDR_MASK;
        return;
    }
    address_space_write_val(&s->pci_io_as, 0xcf8 + addr, size, val);
}

static const MemoryRegionOps conf_addr_ops = {
    .read = conf_addr_read,
    .write = conf_addr_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static uint64_t conf_data_read_do(void *opaque, uint64_t addr, unsigned size)
{
    I440FXState *s = opaque;
    if (!(s->config_reg & CONF_ENABLE)) {
        return ~0ULL;
    }
    return pci_host_config_read(s->bus, s->config_reg | addr, size);
}

static uint64_t conf_data_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = conf_data_read_do(opaque, addr, size);
    trace(i440fx_conf_data_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void conf_data_write(void *opaque, uint64_t addr, uint64_t val,
                            unsigned size)
{
    trace(i440fx_conf_data_write,
          "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr, val, size);
    I440FXState *s = opaque;
    if (!(s->config_reg & CONF_ENABLE)) {
        return;
    }
    pci_host_config_write(s->bus, s->config_reg | addr, val, size);
}

static const MemoryRegionOps conf_data_ops = {
    .read = conf_data_read,
    .write = conf_data_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- Host bridge config space ----------------------------------------- */

static void i440fx_smram_write(I440FXState *s, uint8_t old)
{
    uint8_t *reg = &s->pci.config[I440FX_SMRAM];
    uint8_t v = (*reg & ~SMRAM_C_BASE_SEG) | SMRAM_RESET;

    if (old & SMRAM_D_LCK) {
        /* Locked until reset: only D_CLS may still change. */
        v = (old & ~SMRAM_D_CLS) | (v & SMRAM_D_CLS);
    } else if (v & SMRAM_D_LCK) {
        v &= ~SMRAM_D_OPEN;
    }
    if ((v & SMRAM_D_OPEN) && (v & SMRAM_D_CLS)) {
        log_mask(LOG_GUEST_ERROR,
                 "i440fx: SMRAMC 0x%02x sets both D_OPEN "
                 "and D_CLS\n",
                 v);
    }
    if ((v & SMRAM_G_SMRAME) && !(old & SMRAM_G_SMRAME)) {
        log_unimp_once("i440fx: SMM (SMRAM for system management mode) not "
                       "supported");
    }
    *reg = v;
}

static void i440fx_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                                int len)
{
    I440FXState *s = container_of(d, I440FXState, pci);
    uint8_t old_smram = d->config[I440FX_SMRAM];

    pci_default_config_write(d, addr, val, len);
    bool smram = addr <= I440FX_SMRAM && addr + len > I440FX_SMRAM;
    if (smram) {
        i440fx_smram_write(s, old_smram);
    }
    if (smram ||
        (addr < I440FX_PAM + I440FX_PAM_SIZE && addr + len > I440FX_PAM)) {
        i440fx_update_memory_mappings(s);
    }
}

/* ---- Reset, state, realize -------------------------------------------- */

static void i440fx_reset(DeviceState *dev)
{
    I440FXState *s = container_of(dev, I440FXState, pci.parent);
    uint8_t *c = s->pci.config;

    pci_device_reset(&s->pci);
    /* PCICMD: memory access and bus master are hardwired on. */
    stw_le_p(c + PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    stw_le_p(c + PCI_STATUS, 0x0280); /* fast back-to-back, DEVSEL medium */
    memset(c + I440FX_PMCCFG, 0, 256 - I440FX_PMCCFG);
    c[I440FX_SMRAM] = SMRAM_RESET;
    s->config_reg = 0;
    i440fx_update_memory_mappings(s);
}

static int i440fx_post_load(void *opaque)
{
    I440FXState *s = opaque;
    i440fx_update_memory_mappings(s);
    return 0;
}

static const VMStateField i440fx_fields[] = {
    VMSTATE_BUFFER(pci.config, I440FXState),
    VMSTATE_U32(config_reg, I440FXState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_i440fx = {
    .name = "i440FX",
    .version = 1,
    .fields = i440fx_fields,
    .post_load = i440fx_post_load,
};

static void i440fx_init_pam(I440FXState *s, int i)
{
    static const char *const names[PAM_MODES] = {"pam-pci", "pam-rom", "pam-wo",
                                                 "pam-ram"};
    I440FXPAMSegment *seg = &s->pam[i];

    seg->s = s;
    seg->start = i == 0 ? 0xf0000 : PAM_BASE + (i - 1) * 0x4000;
    seg->size = i == 0 ? 0x10000 : 0x4000;
    memory_region_init_alias(&seg->mr[PAM_MODE_PCI], names[PAM_MODE_PCI],
                             s->pci_mem, seg->start, seg->size);
    memory_region_init_alias(&seg->mr[PAM_MODE_RO], names[PAM_MODE_RO], s->ram,
                             seg->start, seg->size);
    memory_region_set_readonly(&seg->mr[PAM_MODE_RO], true);
    memory_region_init_io(&seg->mr[PAM_MODE_WO], &pam_wo_ops, seg,
                          names[PAM_MODE_WO], seg->size);
    memory_region_init_alias(&seg->mr[PAM_MODE_RW], names[PAM_MODE_RW], s->ram,
                             seg->start, seg->size);
    for (int m = 0; m < PAM_MODES; m++) {
        seg->mr[m].enabled = m == PAM_MODE_PCI;
        memory_region_add_subregion_overlap(s->sysmem, seg->start, &seg->mr[m],
                                            1);
    }
    seg->mode = PAM_MODE_PCI;
}

static int i440fx_realize(DeviceState *dev, Error **errp)
{
    I440FXState *s = container_of(dev, I440FXState, pci.parent);
    int ret;

    if (!s->sysmem || !s->sysio || !s->pci_mem || !s->ram) {
        error_setg(errp, "i440FX: created without i440fx_init()");
        return -EINVAL;
    }
    if (!s->ram->ram || s->ram->size < 1 * MiB) {
        error_setg(errp, "i440FX: needs a RAM region of at least 1 MiB");
        return -EINVAL;
    }
    ret = pci_device_attach(&s->pci, errp);
    if (ret < 0) {
        return ret;
    }
    pci_config_set_ids(&s->pci, PCI_VENDOR_ID_INTEL, PCI_DEVICE_ID_INTEL_82441,
                       I440FX_CLASS_REV);
    s->pci.config_write = i440fx_config_write;
    /* PAM0 has only the 0xF0000 nibble; bits 7:6 of each nibble pair and
     * SMRAMC bits 2:0 are reserved / read-only. */
    s->pci.wmask[I440FX_PAM] = 0x30;
    for (int i = 1; i < I440FX_PAM_SIZE; i++) {
        s->pci.wmask[I440FX_PAM + i] = 0x33;
    }
    s->pci.wmask[I440FX_SMRAM] =
        SMRAM_D_OPEN | SMRAM_D_CLS | SMRAM_D_LCK | SMRAM_G_SMRAME;

    memory_region_transaction_begin();
    address_space_init(&s->pci_io_as, &s->pci_io, "pci-io");
    address_space_init(&s->pci_mem_as, s->pci_mem, "pci-memory");
    memory_region_init_alias(&s->pci_io_alias, "pci-io", &s->pci_io, 0,
                             s->pci_io.size);
    memory_region_add_subregion_overlap(s->sysio, 0, &s->pci_io_alias, -1);
    memory_region_init_io(&s->conf_addr_io, &conf_addr_ops, s, "pci-conf-idx",
                          4);
    memory_region_add_subregion(s->sysio, 0xcf8, &s->conf_addr_io);
    memory_region_init_io(&s->conf_data_io, &conf_data_ops, s, "pci-conf-data",
                          4);
    memory_region_add_subregion(s->sysio, 0xcfc, &s->conf_data_io);

    /* Added first: the windows added later win where they show something. */
    memory_region_init_io(&s->pci_hole, &pci_hole_ops, s, "pci-hole-low",
                          1 * MiB - SMRAM_BASE);
    memory_region_add_subregion_overlap(s->sysmem, SMRAM_BASE, &s->pci_hole, 1);
    memory_region_init_alias(&s->smram_pci, "smram-region", s->pci_mem,
                             SMRAM_BASE, SMRAM_SIZE);
    memory_region_add_subregion_overlap(s->sysmem, SMRAM_BASE, &s->smram_pci,
                                        1);
    memory_region_init_alias(&s->smram_ram, "smram-open", s->ram, SMRAM_BASE,
                             SMRAM_SIZE);
    s->smram_ram.enabled = false;
    memory_region_add_subregion_overlap(s->sysmem, SMRAM_BASE, &s->smram_ram,
                                        1);
    for (int i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        i440fx_init_pam(s, i);
    }
    memory_region_transaction_commit();
    return 0;
}

static void i440fx_unrealize(DeviceState *dev)
{
    I440FXState *s = container_of(dev, I440FXState, pci.parent);

    pci_device_detach(&s->pci);
    memory_region_transaction_begin();
    for (int i = 0; i < I440FX_PAM_SEGMENTS; i++) {
        for (int m = 0; m < PAM_MODES; m++) {
            memory_region_del_subregion(s->sysmem, &s->pam[i].mr[m]);
        }
    }
    memory_region_del_subregion(s->sysmem, &s->pci_hole);
    memory_region_del_subregion(s->sysmem, &s->smram_pci);
    memory_region_del_subregion(s->sysmem, &s->smram_ram);
    memory_region_del_subregion(s->sysio, &s->conf_addr_io);
    memory_region_del_subregion(s->sysio, &s->conf_data_io);
    memory_region_del_subregion(s->sysio, &s->pci_io_alias);
    memory_region_transaction_commit();
    address_space_destroy(&s->pci_io_as);
    address_space_destroy(&s->pci_mem_as);
}

static const Property i440fx_props[] = {
    DEFINE_PROP_PCI_DEVFN(I440FXState),
    DEFINE_PROP_END,
};

static const DeviceClass i440fx_class = {
    .name = "i440FX",
    .desc = "Intel 82441FX host bridge",
    .bus = "pci",
    .instance_size = sizeof(I440FXState),
    .props = i440fx_props,
    .realize = i440fx_realize,
    .unrealize = i440fx_unrealize,
    .reset = i440fx_reset,
    .vmsd = &vmstate_i440fx,
};
DEVICE_CLASS_REGISTER(i440fx_class);

/* ---- Board API ---------------------------------------------------------- */

PCIBus *i440fx_init(MemoryRegion *sysmem, MemoryRegion *sysio,
                    MemoryRegion *pci_mem, MemoryRegion *ram,
                    AddressSpace *dma_as, I440FXState **out, Error **errp)
{
    DeviceState *dev = device_new_class(&i440fx_class);
    I440FXState *s = container_of(dev, I440FXState, pci.parent);

    s->sysmem = sysmem;
    s->sysio = sysio;
    s->pci_mem = pci_mem;
    s->ram = ram;
    s->pci.devfn = PCI_DEVFN(0, 0);
    memory_region_init(&s->pci_io, "pci-io", 0x10000);
    s->bus = pci_bus_new(pci_mem, &s->pci_io, dma_as);
    if (device_realize(dev, &s->bus->qbus, errp) < 0) {
        pci_bus_free(s->bus);
        memory_region_finalize(&s->pci_io);
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    if (out) {
        *out = s;
    }
    return s->bus;
}

AddressSpace *i440fx_pci_io_as(I440FXState *s)
{
    return &s->pci_io_as;
}

void i440fx_free(I440FXState *s)
{
    PCIBus *bus = s->bus;
    device_unrealize(&s->pci.parent);
    memory_region_finalize(&s->pci_io);
    device_free(&s->pci.parent);
    pci_bus_free(bus);
}
