/*
 * Intel 82371AB PIIX4 function 3: power management / ACPI.
 *
 * Datasheet: 82371AB PCI-TO-ISA / IDE XCELERATOR (PIIX4), section 11
 * (function 3 configuration: PMBA 0x40, DEVACTB 0x58, PMREGMISC 0x80, SMBBA
 * 0x90, SMBHSTCFG 0xD2) and 12 (PM I/O: PMSTS/PMEN/PMCNTRL/PMTMR; SMBus host
 * registers).  Register semantics of the fixed-hardware block follow the
 * ACPI specification, 4.7.3 (PM1 event and control, PM timer).
 *
 * Modelled as QEMU's pc machine has it: the PM1 event/control registers and
 * the PM timer at PMBASE, a 4-byte GPE0 block at 0xAFE0, APM ports
 * 0xB2/0xB3, the SCI on ISA IRQ 9.  Not modelled: SMM/SMI (reported once),
 * sleep states other than S5, the PIIX4's global/device event registers
 * (read as 0), SMBus devices (transactions fail with DEV_ERR).
 *
 * The PM timer is computed from CLOCK_VIRTUAL.  TMR_STS is set when bit 23
 * of the counter changes; it is brought up to date whenever PM1_STS is read
 * or written, and a timer fires at the next toggle only while TMR_EN is set
 * (then the SCI rises).
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/main-loop.h"
#include "emu/timer.h"
#include "emu/trace.h"
#include "hw/acpi/piix4.h"

#define PCI_VENDOR_ID_INTEL           0x8086
#define PCI_DEVICE_ID_INTEL_82371AB_3 0x7113
#define PIIX4_PM_CLASS_REV            0x06800003 /* other bridge, rev 03 */

/* Function 3 configuration registers. */
#define PIIX4_PMBA                 0x40
#define PIIX4_DEVACTB              0x58
#define PIIX4_DEVACTB_APMC_EN_BYTE 0x5b /* bit 25 of DEVACTB */
#define PIIX4_DEVACTB_APMC_EN      0x02
#define PIIX4_PMREGMISC            0x80
#define PIIX4_PMIOSE               0x01
#define PIIX4_SMBBA                0x90
#define PIIX4_SMBHSTCFG            0xd2
#define PIIX4_SMB_HST_EN           0x01

/* PM I/O registers (offsets from PMBASE). */
#define PM_IO_SIZE 64
#define PM1_STS    0x00
#define PM1_EN     0x02
#define PM1_CNT    0x04
#define PM_TMR     0x08
#define PM1_STS_W1C_MASK                                           \
    (ACPI_PM1_TMR | ACPI_PM1_BM | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | \
     ACPI_PM1_SLPBTN | ACPI_PM1_RTC | ACPI_PM1_WAK)
#define PM1_EN_MASK \
    (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_RTC)
/* Events that raise the SCI when enabled. */
#define PM1_SCI_EVENTS  PM1_EN_MASK
#define PM1_CNT_BM_RLD  0x0002
#define PM1_CNT_GBL_RLS 0x0004 /* write-only: "release global lock" SMI */
#define PM1_CNT_WMASK \
    (ACPI_PM1_CNT_SCI_EN | PM1_CNT_BM_RLD | (7 << ACPI_PM1_CNT_SLP_TYP_SHIFT))
#define PM_TMR_BIT23 0x800000

#define GPE0_LEN 4

/* APM: SMI_CMD values of the ACPI enable/disable handshake (FADT). */
#define ACPI_ENABLE  0xf1
#define ACPI_DISABLE 0xf0

/* SMBus host registers. */
#define SMB_IO_SIZE     16
#define SMB_HST_STS     0x0
#define SMB_HST_CNT     0x2
#define SMB_STS_BUSY    0x01
#define SMB_STS_DEV_ERR 0x04
#define SMB_STS_W1C     0x1e
#define SMB_CNT_START   0x40

struct PIIX4PMState {
    PCIDevice pci;
    ISABus *isa;    /* wiring from piix4_pm_init */
    bool acpi_only; /* property "acpi-only" */

    MemoryRegion pm_io;
    MemoryRegion gpe_io;
    MemoryRegion apm_io;
    MemoryRegion smb_io;
    Timer tmr_timer;

    uint16_t pm1_sts;
    uint16_t pm1_en;
    uint16_t pm1_cnt;
    uint8_t gpe_sts[GPE0_LEN / 2];
    uint8_t gpe_en[GPE0_LEN / 2];
    uint8_t apm_cnt;
    uint8_t apm_sts;
    uint8_t smb_regs[SMB_IO_SIZE];
    int64_t tmr_overflow; /* PM timer tick at which bit 23 next toggles */
    int sci_level;        /* derived */
};

/* ---- PM timer and SCI ------------------------------------------------- */

static int64_t pm_tmr_ticks(void)
{
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    return (int64_t)((__int128)now * PM_TIMER_FREQUENCY /
                     NANOSECONDS_PER_SECOND);
}

static int64_t pm_tmr_ticks_to_ns(int64_t ticks)
{
    /* Round up: at the returned time the counter has reached ticks. */
    return (int64_t)(((__int128)ticks * NANOSECONDS_PER_SECOND +
                      PM_TIMER_FREQUENCY - 1) /
                     PM_TIMER_FREQUENCY);
}

static int64_t pm_tmr_next_toggle(int64_t ticks)
{
    return (ticks | (PM_TMR_BIT23 - 1)) + 1;
}

/* Latch TMR_STS if bit 23 toggled since the last look. */
static void pm_tmr_check(PIIX4PMState *s)
{
    int64_t t = pm_tmr_ticks();
    if (t >= s->tmr_overflow) {
        s->pm1_sts |= ACPI_PM1_TMR;
        s->tmr_overflow = pm_tmr_next_toggle(t);
    }
}

static void pm_update_sci(PIIX4PMState *s)
{
    pm_tmr_check(s);
    int level = (s->pm1_sts & s->pm1_en & PM1_SCI_EVENTS) ||
                (s->gpe_sts[0] & s->gpe_en[0]) ||
                (s->gpe_sts[1] & s->gpe_en[1]);
    if (level != s->sci_level) {
        s->sci_level = level;
        irq_set(isa_get_irq(s->isa, PIIX4_PM_SCI_IRQ), level);
    }
    if (s->pm1_en & ACPI_PM1_TMR) {
        timer_mod_ns(&s->tmr_timer, pm_tmr_ticks_to_ns(s->tmr_overflow));
    } else {
        timer_del(&s->tmr_timer);
    }
}

static void pm_tmr_timer_cb(void *opaque)
{
    pm_update_sci(opaque);
}

/* ---- PM I/O block ----------------------------------------------------- */

static void pm1_cnt_write_high(PIIX4PMState *s, uint8_t val)
{
    uint16_t v = (s->pm1_cnt & 0x00ff) | (val << 8);
    s->pm1_cnt = v & PM1_CNT_WMASK;
    if (v & ACPI_PM1_CNT_SLP_EN) {
        int typ = (v >> ACPI_PM1_CNT_SLP_TYP_SHIFT) & 7;
        if (typ == 0) {
            /* QEMU's DSDT: _S5 = 0, soft off. */
            system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, 0);
        } else {
            log_unimp_once("piix4-pm: sleep type %d (S3/S4) not supported",
                           typ);
        }
    }
}

static uint64_t pm_io_read_do(void *opaque, uint64_t addr, unsigned size)
{
    PIIX4PMState *s = opaque;
    /* Byte registers (ISA_BYTE_OPS_SIZES): return only the byte asked for. */
    switch (addr) {
    case PM1_STS:
    case PM1_STS + 1:
        pm_tmr_check(s);
        return (uint8_t)(s->pm1_sts >> (8 * (addr & 1)));
    case PM1_EN:
    case PM1_EN + 1:
        return (uint8_t)(s->pm1_en >> (8 * (addr & 1)));
    case PM1_CNT:
    case PM1_CNT + 1:
        return (uint8_t)(s->pm1_cnt >> (8 * (addr & 1)));
    case PM_TMR:
    case PM_TMR + 1:
    case PM_TMR + 2:
    case PM_TMR + 3:
        return (uint8_t)((pm_tmr_ticks() & 0xffffff) >> (8 * (addr - PM_TMR)));
    default:
        log_mask(LOG_UNIMP,
                 "piix4-pm: read of PM register 0x%02" PRIx64
                 " not supported\n",
                 addr);
        return 0;
    }
}

static uint64_t pm_io_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = pm_io_read_do(opaque, addr, size);
    trace(piix4_pm_io_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void pm_io_write(void *opaque, uint64_t addr, uint64_t val,
                        unsigned size)
{
    trace(piix4_pm_io_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    PIIX4PMState *s = opaque;
    int shift = 8 * (addr & 1);
    switch (addr) {
    case PM1_STS:
    case PM1_STS + 1:
        pm_tmr_check(s);
        s->pm1_sts &= ~((val << shift) & PM1_STS_W1C_MASK);
        pm_update_sci(s);
        break;
    case PM1_EN:
    case PM1_EN + 1:
        s->pm1_en =
            (s->pm1_en & ~(0xff << shift)) | ((val << shift) & PM1_EN_MASK);
        pm_update_sci(s);
        break;
    case PM1_CNT:
        s->pm1_cnt = (s->pm1_cnt & 0xff00) | (val & PM1_CNT_WMASK & 0xff);
        break;
    case PM1_CNT + 1:
        pm1_cnt_write_high(s, val);
        break;
    case PM_TMR:
    case PM_TMR + 1:
    case PM_TMR + 2:
    case PM_TMR + 3:
        break; /* read-only */
    default:
        log_mask(LOG_UNIMP,
                 "piix4-pm: write of PM register 0x%02" PRIx64
                 " not supported\n",
                 addr);
        break;
    }
}

static const MemoryRegionOps pm_io_ops = {
    .read = pm_io_read,
    .write = pm_io_write,
    ISA_BYTE_OPS_SIZES,
};

/* ---- GPE0 block ------------------------------------------------------- */

static uint64_t gpe_read_do(void *opaque, uint64_t addr, unsigned size)
{
    PIIX4PMState *s = opaque;
    if (addr < GPE0_LEN / 2) {
        return s->gpe_sts[addr];
    }
    return s->gpe_en[(addr - GPE0_LEN / 2) & 1];
}

static uint64_t gpe_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = gpe_read_do(opaque, addr, size);
    trace(piix4_gpe_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void gpe_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    trace(piix4_gpe_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    PIIX4PMState *s = opaque;
    if (addr < GPE0_LEN / 2) {
        s->gpe_sts[addr] &= ~val;
    } else {
        s->gpe_en[(addr - GPE0_LEN / 2) & 1] = val;
    }
    pm_update_sci(s);
}

static const MemoryRegionOps gpe_ops = {
    .read = gpe_read,
    .write = gpe_write,
    ISA_BYTE_OPS_SIZES,
};

/* ---- APM control / status (0xB2 / 0xB3) ------------------------------- */

static uint64_t apm_read_do(void *opaque, uint64_t addr, unsigned size)
{
    PIIX4PMState *s = opaque;
    return addr == 0 ? s->apm_cnt : s->apm_sts;
}

static uint64_t apm_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = apm_read_do(opaque, addr, size);
    trace(piix4_apm_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void apm_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    trace(piix4_apm_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    PIIX4PMState *s = opaque;
    if (addr == 1) {
        s->apm_sts = val;
        return;
    }
    s->apm_cnt = val;
    /* ACPI 4.7.2.5: the OS asks firmware to hand over (or back) ACPI. */
    if (val == ACPI_ENABLE || val == ACPI_DISABLE) {
        if (s->acpi_only) {
            return;
        }
        if (val == ACPI_ENABLE) {
            s->pm1_cnt |= ACPI_PM1_CNT_SCI_EN;
        } else {
            s->pm1_cnt &= ~ACPI_PM1_CNT_SCI_EN;
        }
        return;
    }
    if (s->pci.config[PIIX4_DEVACTB_APMC_EN_BYTE] & PIIX4_DEVACTB_APMC_EN) {
        log_unimp_once("piix4-pm: SMI (APM command 0x%02x) not supported",
                       (unsigned)val);
    }
}

static const MemoryRegionOps apm_ops = {
    .read = apm_read,
    .write = apm_write,
    ISA_BYTE_OPS_SIZES,
};

/* ---- SMBus host (no devices) ------------------------------------------ */

static uint64_t smb_read_do(void *opaque, uint64_t addr, unsigned size)
{
    PIIX4PMState *s = opaque;
    return s->smb_regs[addr & (SMB_IO_SIZE - 1)];
}

static uint64_t smb_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = smb_read_do(opaque, addr, size);
    trace(piix4_smb_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void smb_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    trace(piix4_smb_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    PIIX4PMState *s = opaque;
    addr &= SMB_IO_SIZE - 1;
    if (addr == SMB_HST_STS) {
        s->smb_regs[addr] &= ~(val & SMB_STS_W1C);
        return;
    }
    if (addr == SMB_HST_CNT && (val & SMB_CNT_START)) {
        log_unimp_once("piix4-pm: SMBus devices not supported");
        /* Nobody acknowledges the address: the transaction fails. */
        s->smb_regs[SMB_HST_STS] |= SMB_STS_DEV_ERR;
        val &= ~SMB_CNT_START;
    }
    s->smb_regs[addr] = val;
}

static const MemoryRegionOps smb_ops = {
    .read = smb_read,
    .write = smb_write,
    ISA_BYTE_OPS_SIZES,
};

/* ---- Config space ----------------------------------------------------- */

static void pm_io_space_update(PIIX4PMState *s)
{
    uint8_t *c = s->pci.config;
    memory_region_transaction_begin();
    memory_region_set_address(&s->pm_io, ldw_le_p(c + PIIX4_PMBA) & 0xffc0);
    memory_region_set_enabled(&s->pm_io, c[PIIX4_PMREGMISC] & PIIX4_PMIOSE);
    memory_region_set_address(&s->smb_io, ldw_le_p(c + PIIX4_SMBBA) & 0xfff0);
    memory_region_set_enabled(&s->smb_io,
                              c[PIIX4_SMBHSTCFG] & PIIX4_SMB_HST_EN);
    memory_region_transaction_commit();
}

static void pm_config_write(PCIDevice *d, uint32_t addr, uint32_t val, int len)
{
    PIIX4PMState *s = container_of(d, PIIX4PMState, pci);
    pci_default_config_write(d, addr, val, len);
    if ((addr < PIIX4_PMBA + 4 && addr + len > PIIX4_PMBA) ||
        (addr <= PIIX4_PMREGMISC && addr + len > PIIX4_PMREGMISC) ||
        (addr < PIIX4_SMBBA + 4 && addr + len > PIIX4_SMBBA) ||
        (addr <= PIIX4_SMBHSTCFG && addr + len > PIIX4_SMBHSTCFG)) {
        pm_io_space_update(s);
    }
}

/* ---- Reset, state, realize -------------------------------------------- */

static void piix4_pm_reset(DeviceState *dev)
{
    PIIX4PMState *s = container_of(dev, PIIX4PMState, pci.parent);
    uint8_t *c = s->pci.config;

    pci_device_reset(&s->pci);
    stw_le_p(c + PCI_STATUS, 0x0280); /* fast back-to-back, DEVSEL medium */
    memset(c + 0x40, 0, 256 - 0x40);
    c[PIIX4_PMBA] = PCI_BASE_ADDRESS_SPACE_IO;
    c[PIIX4_SMBBA] = PCI_BASE_ADDRESS_SPACE_IO;
    /* No SMM: tell firmware the SMI handler is already installed. */
    c[PIIX4_DEVACTB_APMC_EN_BYTE] = PIIX4_DEVACTB_APMC_EN;

    s->pm1_sts = 0;
    s->pm1_en = 0;
    s->pm1_cnt = s->acpi_only ? ACPI_PM1_CNT_SCI_EN : 0;
    memset(s->gpe_sts, 0, sizeof(s->gpe_sts));
    memset(s->gpe_en, 0, sizeof(s->gpe_en));
    s->apm_cnt = 0;
    s->apm_sts = 0;
    memset(s->smb_regs, 0, sizeof(s->smb_regs));
    s->tmr_overflow = pm_tmr_next_toggle(pm_tmr_ticks());
    pm_update_sci(s);
    pm_io_space_update(s);
}

static int piix4_pm_post_load(void *opaque)
{
    PIIX4PMState *s = opaque;
    pci_device_post_load(&s->pci);
    pm_io_space_update(s);
    pm_update_sci(s);
    return 0;
}

static const VMStateField piix4_pm_fields[] = {
    VMSTATE_BUFFER(pci.config, PIIX4PMState),
    VMSTATE_U16(pm1_sts, PIIX4PMState),
    VMSTATE_U16(pm1_en, PIIX4PMState),
    VMSTATE_U16(pm1_cnt, PIIX4PMState),
    VMSTATE_U8_ARRAY(gpe_sts, PIIX4PMState, GPE0_LEN / 2),
    VMSTATE_U8_ARRAY(gpe_en, PIIX4PMState, GPE0_LEN / 2),
    VMSTATE_U8(apm_cnt, PIIX4PMState),
    VMSTATE_U8(apm_sts, PIIX4PMState),
    VMSTATE_BUFFER(smb_regs, PIIX4PMState),
    VMSTATE_I64(tmr_overflow, PIIX4PMState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_piix4_pm = {
    .name = "piix4_pm",
    .version = 1,
    .fields = piix4_pm_fields,
    .post_load = piix4_pm_post_load,
};

static int piix4_pm_realize(DeviceState *dev, Error **errp)
{
    PIIX4PMState *s = container_of(dev, PIIX4PMState, pci.parent);
    PCIBus *bus = pci_bus(dev);
    uint8_t *w = s->pci.wmask;
    int ret;

    if (!s->isa) {
        error_setg(errp, "PIIX4_PM: created without piix4_pm_init()");
        return -EINVAL;
    }
    if (!bus->io) {
        error_setg(errp, "PIIX4_PM: the PCI bus has no I/O space");
        return -EINVAL;
    }
    ret = pci_device_attach(&s->pci, errp);
    if (ret < 0) {
        return ret;
    }
    pci_config_set_ids(&s->pci, PCI_VENDOR_ID_INTEL,
                       PCI_DEVICE_ID_INTEL_82371AB_3, PIIX4_PM_CLASS_REV);
    s->pci.config[PCI_INTERRUPT_PIN] = 1;
    s->pci.config_write = pm_config_write;
    /* PMBA: 64-byte I/O block, bits 15:6; SMBBA: 16 bytes, bits 15:4. */
    stl_le_p(w + PIIX4_PMBA, 0xffc0);
    w[PIIX4_PMREGMISC] = PIIX4_PMIOSE;
    stl_le_p(w + PIIX4_SMBBA, 0xfff0);
    w[PIIX4_SMBHSTCFG] = 0x0f;

    timer_init_ns(&s->tmr_timer, CLOCK_VIRTUAL, pm_tmr_timer_cb, s);
    memory_region_transaction_begin();
    memory_region_init_io(&s->pm_io, &pm_io_ops, s, "piix4-pm", PM_IO_SIZE);
    s->pm_io.enabled = false;
    memory_region_add_subregion(bus->io, 0, &s->pm_io);
    memory_region_init_io(&s->smb_io, &smb_ops, s, "piix4-smbus", SMB_IO_SIZE);
    s->smb_io.enabled = false;
    memory_region_add_subregion(bus->io, 0, &s->smb_io);
    memory_region_init_io(&s->gpe_io, &gpe_ops, s, "acpi-gpe0", GPE0_LEN);
    memory_region_add_subregion(bus->io, PIIX4_PM_GPE0_BASE, &s->gpe_io);
    memory_region_init_io(&s->apm_io, &apm_ops, s, "apm", 2);
    memory_region_add_subregion(bus->io, PIIX4_PM_APM_PORT, &s->apm_io);
    memory_region_transaction_commit();
    return 0;
}

static void piix4_pm_unrealize(DeviceState *dev)
{
    PIIX4PMState *s = container_of(dev, PIIX4PMState, pci.parent);
    MemoryRegion *io = s->pci.bus->io;

    timer_del(&s->tmr_timer);
    if (s->sci_level) {
        irq_lower(isa_get_irq(s->isa, PIIX4_PM_SCI_IRQ));
        s->sci_level = 0;
    }
    memory_region_transaction_begin();
    memory_region_del_subregion(io, &s->pm_io);
    memory_region_del_subregion(io, &s->smb_io);
    memory_region_del_subregion(io, &s->gpe_io);
    memory_region_del_subregion(io, &s->apm_io);
    memory_region_transaction_commit();
    pci_device_detach(&s->pci);
}

static const Property piix4_pm_props[] = {
    DEFINE_PROP_PCI_DEVFN(PIIX4PMState),
    DEFINE_PROP_BOOL("acpi-only", PIIX4PMState, acpi_only, true,
                     "SCI_EN set at reset; SMI_CMD does not change it"),
    DEFINE_PROP_END,
};

static const DeviceClass piix4_pm_class = {
    .name = "PIIX4_PM",
    .desc = "Intel 82371AB power management (ACPI)",
    .bus = "pci",
    .instance_size = sizeof(PIIX4PMState),
    .props = piix4_pm_props,
    .realize = piix4_pm_realize,
    .unrealize = piix4_pm_unrealize,
    .reset = piix4_pm_reset,
    .vmsd = &vmstate_piix4_pm,
};
DEVICE_CLASS_REGISTER(piix4_pm_class);

/* ---- Board API ---------------------------------------------------------- */

PIIX4PMState *piix4_pm_init(PCIBus *bus, int devfn, ISABus *isa, Error **errp)
{
    DeviceState *dev = device_new_class(&piix4_pm_class);
    PIIX4PMState *s = container_of(dev, PIIX4PMState, pci.parent);

    s->isa = isa;
    s->pci.devfn = devfn;
    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return s;
}

void piix4_pm_set_base(PIIX4PMState *s, uint16_t base)
{
    PCIDevice *d = &s->pci;
    pm_config_write(d, PCI_INTERRUPT_LINE, PIIX4_PM_SCI_IRQ, 1);
    pm_config_write(d, PIIX4_PMBA, base | PCI_BASE_ADDRESS_SPACE_IO, 4);
    pm_config_write(d, PIIX4_PMREGMISC, PIIX4_PMIOSE, 1);
    pm_config_write(d, PIIX4_SMBBA,
                    (uint16_t)(base + 0x100) | PCI_BASE_ADDRESS_SPACE_IO, 4);
    pm_config_write(d, PIIX4_SMBHSTCFG, 0x09, 1); /* IRQ 9, enabled */
}

void piix4_pm_power_button(PIIX4PMState *s)
{
    if (s->pm1_en & ACPI_PM1_PWRBTN) {
        s->pm1_sts |= ACPI_PM1_PWRBTN;
        pm_update_sci(s);
    }
}

PCIDevice *piix4_pm_pci_device(PIIX4PMState *s)
{
    return &s->pci;
}

void piix4_pm_free(PIIX4PMState *s)
{
    device_free(&s->pci.parent);
}
