/*
 * Intel 8237A-5 high performance programmable DMA controller (Intel data
 * sheet 231466), as the PC/AT cascades two of them; QEMU and the PIIX3
 * data sheet ("DMA registers") call the pair "i8257".
 *
 * Registers (n = register index; the 16-bit chip decodes them at
 * iobase + 2n, address bit 0 ignored):
 *   0-7  channel n/2 base and current address (even n) and word count
 *        (odd n), a byte at a time through the first/last flip-flop
 *   8    read status (TC bits 0-3, cleared by the read; request bits 4-7),
 *        write command (bit 2 disables the controller)
 *   9    write request (software DREQ: bit 2 set/clear, bits 0-1 channel)
 *   10   write single mask bit;  11 write mode;  12 clear flip-flop
 *   13   write master clear, read temporary;  14 clear all mask bits
 *   15   write all mask bits (the PIIX3 reads them back here too)
 * Page registers (a 74LS612 beside the chips on the AT): 0x87 0x83 0x81
 * 0x82 for channels 0-3, 0x8F 0x8B 0x89 0x8A for 4-7; the other ports of
 * 0x80-0x8F are plain scratch bytes (port 0x80 is the POST code).
 *
 * Mode register: bits 0-1 channel, 2-3 transfer (00 verify, 01 write =
 * I/O to memory, 10 read = memory to I/O), 4 auto-initialize, 5 address
 * decrement, 6-7 demand/single/block/cascade.
 *
 * A 16-bit channel counts words: its address register holds A1-A16 and
 * its page register A17-A23 (bit 0 ignored), so a transfer wraps inside
 * 128 KiB; an 8-bit one wraps inside its 64 KiB page.
 *
 * Not modelled (hw/isa/isa-dma.h has the device side): bus timing, so
 * demand, single and block mode behave alike (a granted request moves
 * what the device offers at once); memory-to-memory transfers (command
 * bit 0; logged); the command register's priority, write-timing and
 * DREQ/DACK polarity bits (stored only); the cascade: the master's
 * channels run whatever the slave's channel 4 is programmed to.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/dma.h"
#include "emu/log.h"
#include "emu/memory.h"
#include "emu/vmstate.h"
#include "emu/trace.h"
#include "hw/isa/i8257.h"
#include "hw/isa/isa-dma.h"

#define REG_STATUS_COMMAND 8
#define REG_REQUEST        9
#define REG_SINGLE_MASK    10
#define REG_MODE           11
#define REG_CLEAR_FF       12
#define REG_MASTER_CLEAR   13 /* read: temporary register */
#define REG_CLEAR_MASK     14
#define REG_ALL_MASK       15

#define CMD_MEM_TO_MEM 0x01
#define CMD_DISABLE    0x04

#define MODE_TYPE_SHIFT   2
#define MODE_TYPE_VERIFY  0
#define MODE_TYPE_WRITE   1 /* I/O to memory */
#define MODE_TYPE_READ    2 /* memory to I/O */
#define MODE_AUTOINIT     0x10
#define MODE_DECREMENT    0x20
#define MODE_MODE_SHIFT   6
#define MODE_MODE_CASCADE 3

/* Page register port offset (from page-base) of channel n & 3. */
static const uint8_t page_port_of_channel[4] = {7, 3, 1, 2};

typedef struct I8257Channel {
    uint16_t base_addr, base_count;
    uint16_t cur_addr, cur_count;
    uint8_t mode;
    bool dreq;
    /* Who is on DACK (isa_dma_attach); derived, not saved. */
    const IsaDmaClient *client;
    void *opaque;
    DeviceState *owner;
} I8257Channel;

struct I8257State {
    DeviceState parent;
    uint32_t iobase, page_base, dshift;
    MemoryRegion io, page_io;
    AddressSpace *as;
    I8257Channel ch[4];
    uint8_t command;
    uint8_t tc;      /* status bits 0-3 */
    uint8_t request; /* software requests, bits 0-3 */
    uint8_t mask;
    uint8_t temp;
    bool flip_flop;  /* next byte is the high one */
    uint8_t page[8]; /* the 8 page ports at page-base */
    bool granting;   /* inside a client's grant (no nested grants) */
};

/* ---- helpers ------------------------------------------------------------- */

static I8257State *dma_chip(ISABus *bus, int chan)
{
    if (!bus || chan < 0 || chan >= ISA_DMA_CHANNELS) {
        return NULL;
    }
    return bus->dma[chan >> 2];
}

static uint8_t dma_page(I8257State *s, int n)
{
    return s->page[page_port_of_channel[n]];
}

static bool dma_channel_ready(I8257State *s, int n)
{
    return !(s->command & CMD_DISABLE) && !(s->mask & BIT(n)) &&
           (s->ch[n].mode >> MODE_MODE_SHIFT) != MODE_MODE_CASCADE;
}

/* Physical address of the current unit of channel n. */
static uint64_t dma_phys(I8257State *s, int n)
{
    uint64_t page = dma_page(s, n);
    if (s->dshift) {
        return ((page & 0xfe) << 16) | ((uint64_t)s->ch[n].cur_addr << 1);
    }
    return (page << 16) | s->ch[n].cur_addr;
}

/* Terminal count on channel n: status bit, then reload or mask. */
static void dma_terminal_count(I8257State *s, int n)
{
    I8257Channel *c = &s->ch[n];

    s->tc |= BIT(n);
    s->request &= ~BIT(n);
    if (c->mode & MODE_AUTOINIT) {
        c->cur_addr = c->base_addr;
        c->cur_count = c->base_count;
    } else {
        s->mask |= BIT(n);
    }
}

/* Let the device on channel n move data if it asks and the channel runs. */
static void dma_run(I8257State *s, int n)
{
    I8257Channel *c = &s->ch[n];

    if (s->granting || !dma_channel_ready(s, n)) {
        return;
    }
    if (c->client && c->client->grant && (c->dreq || (s->request & BIT(n)))) {
        s->granting = true;
        c->client->grant(c->opaque, n + (s->dshift << 2));
        s->granting = false;
    } else if (!c->client && (s->request & BIT(n))) {
        /* A software request with nobody on DACK: the chip still runs
         * the count down; no device drives or takes the data lines, so
         * memory is left alone. */
        c->cur_addr +=
            (c->mode & MODE_DECREMENT) ? -(c->cur_count + 1) : c->cur_count + 1;
        c->cur_count = 0xffff;
        dma_terminal_count(s, n);
    }
}

static void dma_run_all(I8257State *s)
{
    for (int n = 0; n < 4; n++) {
        dma_run(s, n);
    }
}

/*
 * The transfer itself: up to `units` units between buf and memory in the
 * direction the mode register says (to_memory: what the device offers).
 */
static size_t dma_transfer(I8257State *s, int n, uint8_t *buf, size_t len,
                           bool to_memory, bool *tc)
{
    I8257Channel *c = &s->ch[n];
    unsigned usize = 1u << s->dshift;
    uint32_t left = (uint32_t)c->cur_count + 1;
    uint32_t units = MIN(len >> s->dshift, left);
    unsigned type = (c->mode >> MODE_TYPE_SHIFT) & 3;
    bool move = type == (to_memory ? MODE_TYPE_WRITE : MODE_TYPE_READ);
    bool dec = c->mode & MODE_DECREMENT;

    if (tc) {
        *tc = false;
    }
    if (!dma_channel_ready(s, n) || units == 0) {
        return 0;
    }
    if (!move) {
        if (type != MODE_TYPE_VERIFY) {
            log_mask(LOG_GUEST_ERROR,
                     "i8257: channel %d programmed for the other direction "
                     "(mode 0x%02x)\n",
                     n + (s->dshift << 2), c->mode);
        }
        if (!to_memory) {
            memset(buf, 0xff, (size_t)units << s->dshift);
        }
    }
    uint32_t done = 0;
    while (done < units) {
        /* A run of units the address counter covers without wrapping. */
        uint32_t run = dec ? 1 : MIN(units - done, 0x10000u - c->cur_addr);
        if (move) {
            /* Errors (holes, beyond RAM) are what the bus gives: all ones
             * read, writes lost; the chip counts on regardless. */
            dma_memory_rw(s->as, dma_phys(s, n), buf + (done << s->dshift),
                          (uint64_t)run * usize, to_memory);
        }
        c->cur_addr += dec ? -(int)run : (int)run;
        done += run;
    }
    c->cur_count -= units;
    if (units == left) {
        dma_terminal_count(s, n);
        if (tc) {
            *tc = true;
        }
    }
    return (size_t)units << s->dshift;
}

/* ---- the device side (hw/isa/isa-dma.h) ---------------------------------- */

int isa_dma_attach(ISABus *bus, int chan, DeviceState *dev,
                   const IsaDmaClient *client, void *opaque, Error **errp)
{
    if (chan < 0 || chan >= ISA_DMA_CHANNELS || chan == 4) {
        error_setg(errp, "%s: DMA channel %d does not exist (0-3, 5-7)",
                   device_label(dev), chan);
        return -EINVAL;
    }
    I8257State *s = dma_chip(bus, chan);
    if (!s) {
        error_setg(errp, "%s: no ISA DMA controller (i8257) for channel %d",
                   device_label(dev), chan);
        return -ENODEV;
    }
    I8257Channel *c = &s->ch[chan & 3];
    if (c->owner) {
        error_setg(errp, "%s: DMA channel %d is already used by %s",
                   device_label(dev), chan, device_label(c->owner));
        return -EBUSY;
    }
    c->client = client;
    c->opaque = opaque;
    c->owner = dev;
    c->dreq = false;
    return 0;
}

void isa_dma_detach(ISABus *bus, int chan)
{
    I8257State *s = dma_chip(bus, chan);
    if (s) {
        I8257Channel *c = &s->ch[chan & 3];
        c->client = NULL;
        c->opaque = NULL;
        c->owner = NULL;
        c->dreq = false;
    }
}

void isa_dma_set_dreq(ISABus *bus, int chan, bool held)
{
    I8257State *s = dma_chip(bus, chan);
    if (!s) {
        return;
    }
    s->ch[chan & 3].dreq = held;
    if (held) {
        dma_run(s, chan & 3);
    }
}

bool isa_dma_ready(ISABus *bus, int chan)
{
    I8257State *s = dma_chip(bus, chan);
    return s && dma_channel_ready(s, chan & 3);
}

uint32_t isa_dma_residue(ISABus *bus, int chan)
{
    I8257State *s = dma_chip(bus, chan);
    return s ? ((uint32_t)s->ch[chan & 3].cur_count + 1) << s->dshift : 0;
}

size_t isa_dma_write_memory(ISABus *bus, int chan, const void *buf, size_t len,
                            bool *tc)
{
    I8257State *s = dma_chip(bus, chan);
    if (!s) {
        if (tc) {
            *tc = false;
        }
        return 0;
    }
    return dma_transfer(s, chan & 3, (uint8_t *)buf, len, true, tc);
}

size_t isa_dma_read_memory(ISABus *bus, int chan, void *buf, size_t len,
                           bool *tc)
{
    I8257State *s = dma_chip(bus, chan);
    if (!s) {
        if (tc) {
            *tc = false;
        }
        return 0;
    }
    return dma_transfer(s, chan & 3, buf, len, false, tc);
}

/* ---- registers ----------------------------------------------------------- */

static uint64_t i8257_read_do(void *opaque, uint64_t addr, unsigned size)
{
    I8257State *s = opaque;
    unsigned reg = (addr >> s->dshift) & 15;

    if (reg < 8) {
        I8257Channel *c = &s->ch[reg >> 1];
        uint16_t v = (reg & 1) ? c->cur_count : c->cur_addr;
        bool high = s->flip_flop;
        s->flip_flop = !s->flip_flop;
        return high ? v >> 8 : v & 0xff;
    }
    switch (reg) {
    case REG_STATUS_COMMAND: {
        uint8_t req = s->request;
        for (int n = 0; n < 4; n++) {
            req |= s->ch[n].dreq ? BIT(n) : 0;
        }
        uint8_t v = s->tc | (req << 4);
        s->tc = 0;
        return v;
    }
    case REG_MASTER_CLEAR:
        return s->temp;
    case REG_ALL_MASK:
        return 0xf0 | s->mask;
    default:
        log_mask(LOG_GUEST_ERROR, "i8257: read of write-only register %u\n",
                 reg);
        return 0xff;
    }
}

static uint64_t i8257_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = i8257_read_do(opaque, addr, size);
    trace(i8257_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr, val,
          size);
    return val;
}

static void i8257_master_clear(I8257State *s)
{
    s->command = 0;
    s->tc = 0;
    s->request = 0;
    s->temp = 0;
    s->flip_flop = false;
    s->mask = 0x0f;
}

static void i8257_write(void *opaque, uint64_t addr, uint64_t val,
                        unsigned size)
{
    trace(i8257_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    I8257State *s = opaque;
    unsigned reg = (addr >> s->dshift) & 15;
    int n = val & 3;

    if (reg < 8) {
        I8257Channel *c = &s->ch[reg >> 1];
        uint16_t *base = (reg & 1) ? &c->base_count : &c->base_addr;
        uint16_t *cur = (reg & 1) ? &c->cur_count : &c->cur_addr;
        *base = s->flip_flop ? (*base & 0x00ff) | (val << 8)
                             : (*base & 0xff00) | (val & 0xff);
        *cur = *base;
        s->flip_flop = !s->flip_flop;
        return;
    }
    switch (reg) {
    case REG_STATUS_COMMAND:
        s->command = val;
        if (val & CMD_MEM_TO_MEM) {
            log_unimp_once("i8257: memory-to-memory transfers not supported");
        }
        dma_run_all(s);
        break;
    case REG_REQUEST:
        if (val & 4) {
            s->request |= BIT(n);
            dma_run(s, n);
        } else {
            s->request &= ~BIT(n);
        }
        break;
    case REG_SINGLE_MASK:
        if (val & 4) {
            s->mask |= BIT(n);
        } else {
            s->mask &= ~BIT(n);
            dma_run(s, n);
        }
        break;
    case REG_MODE:
        s->ch[n].mode = val;
        break;
    case REG_CLEAR_FF:
        s->flip_flop = false;
        break;
    case REG_MASTER_CLEAR:
        i8257_master_clear(s);
        break;
    case REG_CLEAR_MASK:
        s->mask = 0;
        dma_run_all(s);
        break;
    case REG_ALL_MASK:
        s->mask = val & 0x0f;
        dma_run_all(s);
        break;
    }
}

static uint64_t i8257_page_read_do(void *opaque, uint64_t addr, unsigned size)
{
    I8257State *s = opaque;
    return s->page[addr & 7];
}

static uint64_t i8257_page_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = i8257_page_read_do(opaque, addr, size);
    trace(i8257_page_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void i8257_page_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    trace(i8257_page_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, val, size);
    I8257State *s = opaque;
    s->page[addr & 7] = val;
}

static const MemoryRegionOps i8257_ops = {
    .read = i8257_read,
    .write = i8257_write,
    ISA_BYTE_OPS_SIZES,
};

static const MemoryRegionOps i8257_page_ops = {
    .read = i8257_page_read,
    .write = i8257_page_write,
    ISA_BYTE_OPS_SIZES,
};

/* ---- reset, state, realize ----------------------------------------------- */

static void i8257_reset(DeviceState *dev)
{
    I8257State *s = (I8257State *)dev;

    /* RESET does what master clear does; modes, addresses, counts and the
     * page registers keep their (undefined on hardware) values. */
    i8257_master_clear(s);
}

static const VMStateField i8257_channel_fields[] = {
    VMSTATE_U16(base_addr, I8257Channel),
    VMSTATE_U16(base_count, I8257Channel),
    VMSTATE_U16(cur_addr, I8257Channel),
    VMSTATE_U16(cur_count, I8257Channel),
    VMSTATE_U8(mode, I8257Channel),
    VMSTATE_BOOL(dreq, I8257Channel),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_i8257_channel = {
    .name = "i8257-channel",
    .version = 1,
    .fields = i8257_channel_fields,
};

static const VMStateField i8257_fields[] = {
    VMSTATE_STRUCT_ARRAY(ch, I8257State, 4, vmstate_i8257_channel,
                         I8257Channel),
    VMSTATE_U8(command, I8257State),
    VMSTATE_U8(tc, I8257State),
    VMSTATE_U8(request, I8257State),
    VMSTATE_U8(mask, I8257State),
    VMSTATE_U8(temp, I8257State),
    VMSTATE_BOOL(flip_flop, I8257State),
    VMSTATE_U8_ARRAY(page, I8257State, 8),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_i8257 = {
    .name = "i8257",
    .version = 1,
    .fields = i8257_fields,
};

static int i8257_realize(DeviceState *dev, Error **errp)
{
    I8257State *s = (I8257State *)dev;
    ISABus *bus = isa_bus(dev);

    if (!bus) {
        error_setg(errp, "i8257: needs an ISA bus");
        return -EINVAL;
    }
    if (s->dshift > 1) {
        error_setg(errp,
                   "i8257: dshift must be 0 (channels 0-3) or 1 "
                   "(channels 4-7), not %u",
                   s->dshift);
        return -EINVAL;
    }
    if (bus->dma[s->dshift]) {
        error_setg(errp,
                   "i8257: %s already has a DMA controller for "
                   "channels %d-%d",
                   bus->qbus.name, s->dshift * 4, s->dshift * 4 + 3);
        return -EBUSY;
    }
    s->as = bus->mem_as;
    memory_region_init_io(&s->io, &i8257_ops, s, "i8257", 16u << s->dshift);
    memory_region_init_io(&s->page_io, &i8257_page_ops, s, "i8257-page", 8);
    if (isa_register_ioport(bus, dev, &s->io, s->iobase, errp) < 0) {
        goto fail;
    }
    if (isa_register_ioport(bus, dev, &s->page_io, s->page_base, errp) < 0) {
        isa_unregister_ioport(bus, &s->io);
        goto fail;
    }
    bus->dma[s->dshift] = s;
    return 0;

fail:
    memory_region_finalize(&s->io);
    memory_region_finalize(&s->page_io);
    return -EBUSY;
}

static void i8257_unrealize(DeviceState *dev)
{
    I8257State *s = (I8257State *)dev;
    ISABus *bus = isa_bus(dev);

    bus->dma[s->dshift] = NULL;
    isa_unregister_ioport(bus, &s->io);
    isa_unregister_ioport(bus, &s->page_io);
    memory_region_finalize(&s->io);
    memory_region_finalize(&s->page_io);
}

static const Property i8257_props[] = {
    DEFINE_PROP_U32("iobase", I8257State, iobase, 0x00, "register base"),
    DEFINE_PROP_U32("page-base", I8257State, page_base, 0x80,
                    "page register base (8 ports)"),
    DEFINE_PROP_U32("dshift", I8257State, dshift, 0,
                    "0: 8-bit channels 0-3, 1: 16-bit channels 4-7"),
    DEFINE_PROP_END,
};

static const DeviceClass i8257_class = {
    .name = TYPE_I8257,
    .desc = "Intel 8237A ISA DMA controller",
    .bus = "isa",
    .instance_size = sizeof(I8257State),
    .props = i8257_props,
    .realize = i8257_realize,
    .unrealize = i8257_unrealize,
    .reset = i8257_reset,
    .vmsd = &vmstate_i8257,
};
DEVICE_CLASS_REGISTER(i8257_class);

int i8257_init_pc(ISABus *bus, Error **errp)
{
    static const struct {
        uint32_t iobase, page_base, dshift;
    } chips[2] = {{0x00, 0x80, 0}, {0xc0, 0x88, 1}};

    for (int i = 0; i < 2; i++) {
        DeviceState *dev = device_new_class(&i8257_class);
        device_prop_set_uint(dev, "iobase", chips[i].iobase);
        device_prop_set_uint(dev, "page-base", chips[i].page_base);
        device_prop_set_uint(dev, "dshift", chips[i].dshift);
        if (device_realize(dev, &bus->qbus, errp) < 0) {
            device_free(dev);
            return -1;
        }
        device_reset(dev);
    }
    return 0;
}
