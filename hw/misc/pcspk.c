/*
 * PC speaker and system control port B (port 0x61).
 *
 * Reference: PIIX3 datasheet 2.2.9 "NMI Status and Control Register" and
 * the IBM PC/AT technical reference (port 61h):
 *   bit 0  R/W  timer 2 gate (PIT counter 2 GATE input)
 *   bit 1  R/W  speaker data enable (speaker = counter 2 OUT AND this bit)
 *   bit 2  R/W  parity check (SERR#) disable
 *   bit 3  R/W  channel check (IOCHK#) disable
 *   bit 4  RO   refresh toggle: flips every 15.085 us (one DRAM refresh
 *               request); SeaBIOS and DOS programs time short delays by it
 *   bit 5  RO   timer 2 output (PIT counter 2 OUT); SeaBIOS and Linux
 *               calibrate the TSC by polling it with counter 2 in mode 0
 *   bit 6  RO   IOCHK# NMI source (never set here)
 *   bit 7  RO   SERR# NMI source (never set here)
 *
 * No audio: the data bit is kept and read back, and the first time the
 * guest actually turns the speaker on, that is reported as unsupported.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/memory.h"
#include "emu/timer.h"
#include "emu/vmstate.h"
#include "emu/trace.h"
#include "hw/isa/isa.h"
#include "hw/misc/pcspk.h"
#include "hw/timer/i8254.h"

#define PORTB_T2_GATE    0x01
#define PORTB_SPKR_DATA  0x02
#define PORTB_PARITY_DIS 0x04
#define PORTB_IOCHK_DIS  0x08
#define PORTB_REFRESH    0x10
#define PORTB_T2_OUT     0x20
#define PORTB_WRITABLE   0x0f

#define REFRESH_PERIOD_NS 15085

struct PCSpkState {
    DeviceState parent;
    uint32_t iobase;
    uint8_t ctrl; /* the writable bits 0-3 */
    MemoryRegion io;
    PITState *pit;
};

static uint64_t pcspk_ioport_read_do(void *opaque, uint64_t addr, unsigned size)
{
    PCSpkState *s = opaque;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    uint8_t val = s->ctrl;

    if ((now / REFRESH_PERIOD_NS) & 1) {
        val |= PORTB_REFRESH;
    }
    if (pit_get_out(s->pit, 2)) {
        val |= PORTB_T2_OUT;
    }
    return val;
}

static uint64_t pcspk_ioport_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = pcspk_ioport_read_do(opaque, addr, size);
    trace(pcspk_ioport_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    return val;
}

static void pcspk_ioport_write(void *opaque, uint64_t addr, uint64_t data,
                               unsigned size)
{
    trace(pcspk_ioport_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, data, size);
    PCSpkState *s = opaque;
    uint8_t old = s->ctrl;

    s->ctrl = data & PORTB_WRITABLE;
    pit_set_gate(s->pit, 2, s->ctrl & PORTB_T2_GATE);
    if ((s->ctrl & PORTB_SPKR_DATA) && !(old & PORTB_SPKR_DATA) &&
        (s->ctrl & PORTB_T2_GATE)) {
        log_unimp_once("pcspk: audio output not supported");
    }
}

static const MemoryRegionOps pcspk_ops = {
    .read = pcspk_ioport_read,
    .write = pcspk_ioport_write,
    ISA_BYTE_OPS_SIZES,
};

static void pcspk_reset(DeviceState *dev)
{
    PCSpkState *s = (PCSpkState *)dev;

    s->ctrl = 0;
    pit_set_gate(s->pit, 2, 0);
}

static int pcspk_post_load(void *opaque)
{
    PCSpkState *s = opaque;
    s->ctrl &= PORTB_WRITABLE;
    return 0;
}

static const VMStateField vmstate_pcspk_fields[] = {
    VMSTATE_U8(ctrl, PCSpkState),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_pcspk = {
    .name = "pcspk",
    .version = 1,
    .fields = vmstate_pcspk_fields,
    .post_load = pcspk_post_load,
};

static int pcspk_realize(DeviceState *dev, Error **errp)
{
    PCSpkState *s = (PCSpkState *)dev;
    ISABus *bus = isa_bus(dev);

    if (!bus) {
        error_setg(errp, "isa-pcspk: needs an ISA bus");
        return -EINVAL;
    }
    if (s->iobase > 0xffff) {
        error_setg(errp, "isa-pcspk: iobase 0x%x out of range", s->iobase);
        return -EINVAL;
    }
    if (!s->pit) {
        for (DeviceState *d = devices_first(); d; d = d->next) {
            if (d->bus == &bus->qbus && !strcmp(d->cls->name, "isa-pit")) {
                s->pit = (PITState *)d;
                break;
            }
        }
    }
    if (!s->pit) {
        error_setg(errp, "isa-pcspk: no isa-pit on the bus");
        return -ENODEV;
    }
    memory_region_init_io(&s->io, &pcspk_ops, s, "pcspk", 1);
    if (isa_register_ioport(bus, dev, &s->io, s->iobase, errp) < 0) {
        memory_region_finalize(&s->io);
        return -EBUSY;
    }
    return 0;
}

static void pcspk_unrealize(DeviceState *dev)
{
    PCSpkState *s = (PCSpkState *)dev;
    ISABus *bus = isa_bus(dev);

    isa_unregister_ioport(bus, &s->io);
    memory_region_finalize(&s->io);
}

static const Property pcspk_props[] = {
    DEFINE_PROP_U32("iobase", PCSpkState, iobase, 0x61, "I/O port"),
    DEFINE_PROP_END,
};

static const DeviceClass pcspk_class = {
    .name = "isa-pcspk",
    .desc = "PC speaker / system control port B",
    .bus = "isa",
    .instance_size = sizeof(PCSpkState),
    .props = pcspk_props,
    .user_creatable = false,
    .realize = pcspk_realize,
    .unrealize = pcspk_unrealize,
    .reset = pcspk_reset,
    .vmsd = &vmstate_pcspk,
};
DEVICE_CLASS_REGISTER(pcspk_class);

PCSpkState *pcspk_init(ISABus *bus, PITState *pit, Error **errp)
{
    DeviceState *dev = device_new_class(&pcspk_class);

    ((PCSpkState *)dev)->pit = pit;
    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return (PCSpkState *)dev;
}
