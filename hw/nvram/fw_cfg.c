/*
 * QEMU firmware configuration device (fw_cfg), I/O port variant.
 *
 * Reference: QEMU's docs/specs/fw_cfg.rst (the guest interface: selector
 * and data registers, the directory format, the DMA interface with its
 * FWCfgDmaAccess descriptor), what SeaBIOS's src/fw/paravirt.c and Linux's
 * drivers/firmware/qemu_fw_cfg.c do with it.
 *
 * Registers (offsets from iobase, 0x510 on the pc machine):
 *   0  selector, 16-bit write: selects an item, rewinds it to offset 0
 *   1  data, 8-bit read: the next byte of the item, 0 past its end
 *      (offset 0 also reads data with an 8-bit access; data writes are
 *      ignored, as in QEMU since 2.4)
 *   4  DMA address, 64-bit big-endian: written as two 32-bit halves,
 *      the high one at 4, the low one at 8; writing the low half (or all
 *      64 bits at 4) runs the transfer and clears the register.  Reads
 *      return "QEMU CFG".
 *
 * DMA is synchronous: when the write returns, the descriptor's control
 * word is 0 (done) or FW_CFG_DMA_CTL_ERROR.  Transfers go through the DMA
 * API (emu/dma.h), so writes into RAM are dirty-tracked and drop code the
 * translator made from it; an unassigned address or one beyond the address
 * space sets the error bit (as does a descriptor there).
 * No item is writable, so a DMA write always fails.
 */
#include "emu/common.h"
#include "emu/device.h"
#include "emu/dma.h"
#include "emu/memory.h"
#include "emu/vmstate.h"
#include "emu/trace.h"
#include "hw/nvram/fw_cfg.h"

#define FW_CFG_CTL_SIZE       2
#define FW_CFG_DMA_SIZE       8
#define FW_CFG_DIR_ENTRY_SIZE 64 /* sizeof(FWCfgFile) */

typedef struct FWCfgEntry {
    uint8_t *data;
    uint32_t len;
} FWCfgEntry;

struct FWCfgState {
    DeviceState parent;
    uint32_t iobase;
    bool dma_enabled;
    AddressSpace *dma_as;

    MemoryRegion ctl_io;
    MemoryRegion dma_io;

    /* [0]: generic keys, [1]: FW_CFG_ARCH_LOCAL keys. */
    FWCfgEntry entries[2][FW_CFG_MAX_ENTRY];
    /* Names of the files at FW_CFG_FILE_FIRST + i, sorted (strcmp). */
    char file_names[FW_CFG_FILE_SLOTS][FW_CFG_MAX_FILE_PATH];
    uint32_t nr_files;

    uint16_t cur_entry;
    uint32_t cur_offset;
    uint64_t dma_addr;
};

/* ---- helpers ----------------------------------------------------------- */

static uint32_t ldl_be(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

static uint64_t ldq_be(const uint8_t *p)
{
    return ((uint64_t)ldl_be(p) << 32) | ldl_be(p + 4);
}

static void stl_be(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void stw_be(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static FWCfgEntry *fw_cfg_entry(FWCfgState *s, uint16_t key)
{
    unsigned idx = key & FW_CFG_ENTRY_MASK;

    if (key == FW_CFG_INVALID || idx >= FW_CFG_MAX_ENTRY) {
        return NULL;
    }
    return &s->entries[!!(key & FW_CFG_ARCH_LOCAL)][idx];
}

static void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    s->cur_offset = 0;
    if ((key & FW_CFG_ENTRY_MASK) >= FW_CFG_MAX_ENTRY) {
        s->cur_entry = FW_CFG_INVALID;
    } else {
        s->cur_entry = key;
    }
}

static uint8_t fw_cfg_read_byte(FWCfgState *s)
{
    FWCfgEntry *e = fw_cfg_entry(s, s->cur_entry);

    if (!e || !e->data || s->cur_offset >= e->len) {
        return 0;
    }
    return e->data[s->cur_offset++];
}

/* Replace an entry's data with a copy of data[0..len). */
static int fw_cfg_set_entry(FWCfgEntry *e, const void *data, size_t len)
{
    uint8_t *copy;

    if (len > UINT32_MAX) {
        return -EINVAL;
    }
    copy = malloc(len ? len : 1);
    if (!copy) {
        return -ENOMEM;
    }
    if (len) {
        memcpy(copy, data, len);
    }
    free(e->data);
    e->data = copy;
    e->len = len;
    return 0;
}

static void fw_cfg_rebuild_dir(FWCfgState *s)
{
    size_t len = 4 + (size_t)s->nr_files * FW_CFG_DIR_ENTRY_SIZE;
    uint8_t *dir = calloc(1, len);

    if (!dir) {
        return;
    }
    stl_be(dir, s->nr_files);
    for (uint32_t i = 0; i < s->nr_files; i++) {
        uint8_t *f = dir + 4 + i * FW_CFG_DIR_ENTRY_SIZE;
        stl_be(f, s->entries[0][FW_CFG_FILE_FIRST + i].len);
        stw_be(f + 4, FW_CFG_FILE_FIRST + i);
        memcpy(f + 8, s->file_names[i], FW_CFG_MAX_FILE_PATH);
    }
    fw_cfg_set_entry(&s->entries[0][FW_CFG_FILE_DIR], dir, len);
    free(dir);
}

static int fw_cfg_find_file(FWCfgState *s, const char *name)
{
    for (uint32_t i = 0; i < s->nr_files; i++) {
        if (!strcmp(s->file_names[i], name)) {
            return i;
        }
    }
    return -1;
}

/* Zero-fill granule: a fill stops at the first granule that fails. */
#define FW_CFG_DMA_FILL_CHUNK (64 * KiB)

/*
 * Guest memory for DMA through the DMA API (dirty tracking, translated
 * code dropped).  data == NULL with to_guest fills with zeros.  False if
 * any byte was outside the address space or unassigned.
 *
 * A fill (a read past the end of an item: the guest gives the length, up
 * to 4 GiB) stops at the first chunk that fails, as the error bit then
 * reports: otherwise one OUT would zero its way through gigabytes of
 * unassigned space under the global lock, 512 bytes at a time (seconds
 * with the vCPU stuck in the OUT).  Item data is bounded by the item.
 */
static bool fw_cfg_dma_rw(FWCfgState *s, uint64_t addr, uint8_t *data,
                          uint64_t len, bool to_guest)
{
    DMAResult r = DMA_OK;

    if (!to_guest) {
        r = dma_memory_read(s->dma_as, addr, data, len);
    } else if (data) {
        r = dma_memory_write(s->dma_as, addr, data, len);
    } else {
        while (len && r == DMA_OK) {
            uint64_t n = MIN(len, FW_CFG_DMA_FILL_CHUNK);
            r = dma_memory_set(s->dma_as, addr, 0, n);
            addr += n;
            len -= n;
        }
    }
    return r == DMA_OK;
}

static void fw_cfg_dma_put_control(FWCfgState *s, uint64_t desc,
                                   uint32_t control)
{
    uint8_t b[4];

    stl_be(b, control);
    if (desc > UINT64_MAX - offsetof(FWCfgDmaAccess, control) ||
        !fw_cfg_dma_rw(s, desc + offsetof(FWCfgDmaAccess, control), b,
                       sizeof(b), true)) {
        log_mask(LOG_GUEST_ERROR,
                 "fw_cfg: DMA descriptor at 0x%" PRIx64 " not in RAM\n", desc);
    }
}

static void fw_cfg_dma_transfer(FWCfgState *s)
{
    uint64_t desc = s->dma_addr;
    uint8_t raw[sizeof(FWCfgDmaAccess)];
    uint32_t control, length, result = 0;
    uint64_t address;
    bool read = false, write = false;

    s->dma_addr = 0;
    if (!fw_cfg_dma_rw(s, desc, raw, sizeof(raw), false)) {
        fw_cfg_dma_put_control(s, desc, FW_CFG_DMA_CTL_ERROR);
        return;
    }
    control = ldl_be(raw + offsetof(FWCfgDmaAccess, control));
    length = ldl_be(raw + offsetof(FWCfgDmaAccess, length));
    address = ldq_be(raw + offsetof(FWCfgDmaAccess, address));

    if (control & FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(s, control >> 16);
    }
    if (control & FW_CFG_DMA_CTL_READ) {
        read = true;
    } else if (control & FW_CFG_DMA_CTL_WRITE) {
        write = true;
    } else if (!(control & FW_CFG_DMA_CTL_SKIP)) {
        length = 0;
    }

    FWCfgEntry *e = fw_cfg_entry(s, s->cur_entry);
    while (length > 0 && !(result & FW_CFG_DMA_CTL_ERROR)) {
        uint32_t len;
        if (!e || !e->data || s->cur_offset >= e->len) {
            /* Past the end: reads give zeros, skips do nothing. */
            len = length;
            if (read && !fw_cfg_dma_rw(s, address, NULL, len, true)) {
                result |= FW_CFG_DMA_CTL_ERROR;
            }
        } else {
            len = MIN(length, e->len - s->cur_offset);
            if (read && !fw_cfg_dma_rw(s, address, e->data + s->cur_offset, len,
                                       true)) {
                result |= FW_CFG_DMA_CTL_ERROR;
            }
            s->cur_offset += len;
        }
        if (write) {
            log_mask(LOG_GUEST_ERROR,
                     "fw_cfg: DMA write to read-only item "
                     "0x%04x\n",
                     s->cur_entry);
            result |= FW_CFG_DMA_CTL_ERROR;
        }
        if (result & FW_CFG_DMA_CTL_ERROR) {
            log_mask(LOG_GUEST_ERROR,
                     "fw_cfg: DMA to 0x%" PRIx64 " len %u "
                     "failed\n",
                     address, len);
        }
        address += len;
        length -= len;
    }
    fw_cfg_dma_put_control(s, desc, result);
}

/* ---- port handlers ----------------------------------------------------- */

static uint64_t fw_cfg_ctl_read_do(void *opaque, uint64_t addr, unsigned size)
{
    FWCfgState *s = opaque;

    if (size != 1) {
        log_mask(LOG_GUEST_ERROR, "fw_cfg: %u-byte read of the data port\n",
                 size);
        return 0xffff;
    }
    return fw_cfg_read_byte(s);
}

static uint64_t fw_cfg_ctl_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = fw_cfg_ctl_read_do(opaque, addr, size);
    trace(fw_cfg_ctl_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void fw_cfg_ctl_write(void *opaque, uint64_t addr, uint64_t data,
                             unsigned size)
{
    trace(fw_cfg_ctl_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, data, size);
    FWCfgState *s = opaque;

    if (size == 2 && addr == FW_CFG_CTL_OFFSET) {
        fw_cfg_select(s, data);
    }
    /* Byte writes are data-port writes: ignored (no writable items). */
}

static uint64_t fw_cfg_dma_read_do(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t v = 0;

    /* The signature's bytes in address order, big-endian like the reg. */
    for (unsigned i = 0; i < size && addr + i < FW_CFG_DMA_SIZE; i++) {
        uint8_t b = FW_CFG_DMA_SIGNATURE >> (8 * (7 - (addr + i)));
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

static uint64_t fw_cfg_dma_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t val = fw_cfg_dma_read_do(opaque, addr, size);
    trace(fw_cfg_dma_read, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u", addr,
          val, size);
    return val;
}

static void fw_cfg_dma_write(void *opaque, uint64_t addr, uint64_t data,
                             unsigned size)
{
    trace(fw_cfg_dma_write, "addr 0x%" PRIx64 " val 0x%" PRIx64 " size %u",
          addr, data, size);
    FWCfgState *s = opaque;

    /* Port I/O is little-endian; the register is big-endian. */
    if (size == 4 && addr == 0) {
        s->dma_addr = (uint64_t)__builtin_bswap32(data) << 32;
    } else if (size == 4 && addr == 4) {
        s->dma_addr |= __builtin_bswap32(data);
        fw_cfg_dma_transfer(s);
    } else if (size == 8 && addr == 0) {
        s->dma_addr = __builtin_bswap64(data);
        fw_cfg_dma_transfer(s);
    } else {
        log_mask(LOG_GUEST_ERROR,
                 "fw_cfg: %u-byte DMA register write at "
                 "+%" PRIu64 " ignored\n",
                 size, addr);
    }
}

static const MemoryRegionOps fw_cfg_ctl_ops = {
    .read = fw_cfg_ctl_read,
    .write = fw_cfg_ctl_write,
    .valid = {.min_access_size = 1, .max_access_size = 2},
    .impl = {.min_access_size = 1, .max_access_size = 2},
};

static const MemoryRegionOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read,
    .write = fw_cfg_dma_write,
    .valid = {.min_access_size = 1, .max_access_size = 8},
    .impl = {.min_access_size = 1, .max_access_size = 8},
};

/* ---- reset ------------------------------------------------------------- */

static void fw_cfg_reset(DeviceState *dev)
{
    FWCfgState *s = (FWCfgState *)dev;

    fw_cfg_select(s, FW_CFG_SIGNATURE);
    s->dma_addr = 0;
}

/* ---- state description ------------------------------------------------- */

static const VMStateField fw_cfg_fields[] = {
    VMSTATE_U16(cur_entry, FWCfgState),
    VMSTATE_U32(cur_offset, FWCfgState),
    VMSTATE_U64(dma_addr, FWCfgState),
    VMSTATE_END_OF_LIST(),
};

/* The items themselves are rebuilt by the board, not saved. */
static const VMStateDescription vmstate_fw_cfg = {
    .name = "fw_cfg",
    .version = 1,
    .fields = fw_cfg_fields,
};

/* ---- realize and class ------------------------------------------------- */

static int fw_cfg_realize(DeviceState *dev, Error **errp)
{
    FWCfgState *s = (FWCfgState *)dev;
    ISABus *bus = isa_bus(dev);
    static const uint8_t uuid[16];
    uint8_t id[4];

    if (!bus) {
        error_setg(errp, "fw_cfg_io: needs an ISA bus");
        return -EINVAL;
    }
    if (s->iobase > 0x10000 - (FW_CFG_DMA_OFFSET + FW_CFG_DMA_SIZE)) {
        error_setg(errp, "fw_cfg_io: iobase 0x%x out of range", s->iobase);
        return -EINVAL;
    }
    if (s->dma_enabled && !s->dma_as) {
        s->dma_as = bus->mem_as;
    }
    if (!s->dma_as) {
        s->dma_enabled = false;
    }
    memory_region_init_io(&s->ctl_io, &fw_cfg_ctl_ops, s, "fwcfg",
                          FW_CFG_CTL_SIZE);
    if (isa_register_ioport(bus, dev, &s->ctl_io, s->iobase, errp) < 0) {
        memory_region_finalize(&s->ctl_io);
        return -EBUSY;
    }
    if (s->dma_enabled) {
        memory_region_init_io(&s->dma_io, &fw_cfg_dma_ops, s, "fwcfg.dma",
                              FW_CFG_DMA_SIZE);
        if (isa_register_ioport(bus, dev, &s->dma_io,
                                s->iobase + FW_CFG_DMA_OFFSET, errp) < 0) {
            memory_region_finalize(&s->dma_io);
            isa_unregister_ioport(bus, &s->ctl_io);
            memory_region_finalize(&s->ctl_io);
            return -EBUSY;
        }
    }

    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, "QEMU", FW_CFG_SIG_SIZE);
    stl_le_p(id, FW_CFG_VERSION | (s->dma_enabled ? FW_CFG_VERSION_DMA : 0));
    fw_cfg_add_bytes(s, FW_CFG_ID, id, sizeof(id));
    fw_cfg_add_bytes(s, FW_CFG_UUID, uuid, sizeof(uuid));
    fw_cfg_rebuild_dir(s);
    return 0;
}

static void fw_cfg_unrealize(DeviceState *dev)
{
    FWCfgState *s = (FWCfgState *)dev;
    ISABus *bus = isa_bus(dev);

    isa_unregister_ioport(bus, &s->ctl_io);
    memory_region_finalize(&s->ctl_io);
    if (s->dma_enabled) {
        isa_unregister_ioport(bus, &s->dma_io);
        memory_region_finalize(&s->dma_io);
    }
    for (int a = 0; a < 2; a++) {
        for (int i = 0; i < FW_CFG_MAX_ENTRY; i++) {
            free(s->entries[a][i].data);
            s->entries[a][i].data = NULL;
            s->entries[a][i].len = 0;
        }
    }
    s->nr_files = 0;
}

static const Property fw_cfg_props[] = {
    DEFINE_PROP_U32("iobase", FWCfgState, iobase, FW_CFG_IO_BASE,
                    "selector port (data at +1, DMA at +4)"),
    DEFINE_PROP_BOOL("dma", FWCfgState, dma_enabled, true, "DMA interface"),
    DEFINE_PROP_END,
};

static const DeviceClass fw_cfg_class = {
    .name = "fw_cfg_io",
    .desc = "QEMU firmware configuration device (I/O ports)",
    .bus = "isa",
    .instance_size = sizeof(FWCfgState),
    .props = fw_cfg_props,
    .realize = fw_cfg_realize,
    .unrealize = fw_cfg_unrealize,
    .reset = fw_cfg_reset,
    .vmsd = &vmstate_fw_cfg,
};
DEVICE_CLASS_REGISTER(fw_cfg_class);

/* ---- board API --------------------------------------------------------- */

FWCfgState *fw_cfg_init_io(ISABus *bus, uint32_t iobase, AddressSpace *dma_as,
                           Error **errp)
{
    DeviceState *dev = device_new_class(&fw_cfg_class);
    FWCfgState *s = (FWCfgState *)dev;

    device_prop_set_uint(dev, "iobase", iobase);
    device_prop_set_bool(dev, "dma", dma_as != NULL);
    s->dma_as = dma_as;
    if (device_realize(dev, &bus->qbus, errp) < 0) {
        device_free(dev);
        return NULL;
    }
    device_reset(dev);
    return s;
}

int fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len)
{
    unsigned idx = key & FW_CFG_ENTRY_MASK;

    /* Files and their directory are managed by fw_cfg_add_file. */
    if ((key & FW_CFG_WRITE_CHANNEL) || idx >= FW_CFG_MAX_ENTRY ||
        (!(key & FW_CFG_ARCH_LOCAL) &&
         (idx >= FW_CFG_FILE_FIRST || idx == FW_CFG_FILE_DIR))) {
        return -EINVAL;
    }
    return fw_cfg_set_entry(fw_cfg_entry(s, key), data, len);
}

int fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value)
{
    return fw_cfg_add_bytes(s, key, value, strlen(value) + 1);
}

int fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint8_t b[2];
    stw_le_p(b, value);
    return fw_cfg_add_bytes(s, key, b, sizeof(b));
}

int fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint8_t b[4];
    stl_le_p(b, value);
    return fw_cfg_add_bytes(s, key, b, sizeof(b));
}

int fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint8_t b[8];
    stq_le_p(b, value);
    return fw_cfg_add_bytes(s, key, b, sizeof(b));
}

int fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                    size_t len)
{
    uint32_t pos;
    int r;

    if (!name[0] || strlen(name) >= FW_CFG_MAX_FILE_PATH || len > UINT32_MAX) {
        return -EINVAL;
    }
    if (fw_cfg_find_file(s, name) >= 0) {
        return -EEXIST;
    }
    if (s->nr_files >= FW_CFG_FILE_SLOTS) {
        return -ENOSPC;
    }
    /* Sorted by name, as QEMU does: later files move up one key. */
    for (pos = 0; pos < s->nr_files; pos++) {
        if (strcmp(name, s->file_names[pos]) < 0) {
            break;
        }
    }
    FWCfgEntry *files = &s->entries[0][FW_CFG_FILE_FIRST];
    FWCfgEntry fresh = {NULL, 0};
    r = fw_cfg_set_entry(&fresh, data, len);
    if (r < 0) {
        return r;
    }
    memmove(&files[pos + 1], &files[pos],
            (s->nr_files - pos) * sizeof(files[0]));
    memmove(s->file_names[pos + 1], s->file_names[pos],
            (s->nr_files - pos) * sizeof(s->file_names[0]));
    files[pos] = fresh;
    memset(s->file_names[pos], 0, sizeof(s->file_names[pos]));
    strcpy(s->file_names[pos], name);
    s->nr_files++;
    fw_cfg_rebuild_dir(s);
    return 0;
}

int fw_cfg_modify_file(FWCfgState *s, const char *name, const void *data,
                       size_t len)
{
    int i = fw_cfg_find_file(s, name);
    int r;

    if (i < 0) {
        return fw_cfg_add_file(s, name, data, len);
    }
    r = fw_cfg_set_entry(&s->entries[0][FW_CFG_FILE_FIRST + i], data, len);
    if (r == 0) {
        fw_cfg_rebuild_dir(s);
    }
    return r;
}

int fw_cfg_file_key(FWCfgState *s, const char *name)
{
    int i = fw_cfg_find_file(s, name);
    return i < 0 ? -1 : FW_CFG_FILE_FIRST + i;
}
