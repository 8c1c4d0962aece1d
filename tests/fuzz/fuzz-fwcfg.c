/*
 * Fuzz target: fw_cfg's I/O interface (selector 0x510, data 0x511, DMA
 * address 0x514-0x51B) over the rig's 1 MiB of RAM.  Events build a DMA
 * descriptor from the record, with hostile placements and lengths (across
 * the end of RAM, above 4 GiB, wrapping the 64-bit address space, up to
 * 4 GiB long), start it, and check what the transfer may touch: only the
 * descriptor's control word, and for a read the destination range; the
 * control word must end as 0 or the error bit.
 */
#include "tests/fuzz/fuzz.h"
#include "hw/nvram/fw_cfg.h"

#define RAM_SIZE (1 * MiB)

typedef struct FwCfgFuzz {
    FWCfgState *fw;
    uint8_t before[RAM_SIZE];
} FwCfgFuzz;

static FwCfgFuzz fwcfg_fuzz;

static void fwcfg_setup(FuzzRig *r)
{
    Error *err = NULL;
    FwCfgFuzz *f = &fwcfg_fuzz;
    static uint8_t blob[777];

    f->fw = fuzz_must(
        fw_cfg_init_io(&r->tb.isa, FW_CFG_IO_BASE, &r->tb.mem_as, &err), err,
        "fw_cfg_io");
    for (size_t i = 0; i < sizeof(blob); i++) {
        blob[i] = i * 13 + 1;
    }
    fw_cfg_add_i64(f->fw, FW_CFG_RAM_SIZE, RAM_SIZE);
    fw_cfg_add_i16(f->fw, FW_CFG_NB_CPUS, 1);
    fw_cfg_add_string(f->fw, FW_CFG_KERNEL_CMDLINE, "console=ttyS0");
    fw_cfg_add_file(f->fw, "etc/fuzz-blob", blob, sizeof(blob));
    fw_cfg_add_file(f->fw, "etc/empty", NULL, 0);
    fw_cfg_add_bytes(f->fw, FW_CFG_ACPI_TABLES, blob, 5);
    r->s = f;
    fuzz_add_window(r, FUZZ_IO, FW_CFG_IO_BASE, 12);
    /* RAM (descriptors and buffers) and the hole above it. */
    fuzz_add_window(r, FUZZ_MEM, 0, RAM_SIZE + 4096);
}

static uint64_t mix(uint64_t *x)
{
    *x += 0x9e3779b97f4a7c15ULL;
    uint64_t z = *x;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t pick_addr(uint64_t *x)
{
    uint64_t v = mix(x);
    switch (v % 6) {
    case 0:
        return (v >> 8) % RAM_SIZE; /* in RAM */
    case 1:
        return RAM_SIZE - 1 - (v >> 8) % 64; /* straddles the end */
    case 2:
        return 4 * GiB - 1 - (v >> 8) % 64; /* end of 32-bit space */
    case 3:
        return UINT64_MAX - (v >> 8) % 64; /* wraps 64 bits */
    case 4:
        return (v >> 8) % 0x2000; /* low RAM */
    default:
        return mix(x); /* anything */
    }
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void fwcfg_event(FuzzRig *r, const FuzzOp *op)
{
    FwCfgFuzz *f = r->s;
    uint64_t x = ((uint64_t)op->offset << 32) | op->value;
    static const uint32_t ctl[] = {
        FW_CFG_DMA_CTL_READ,
        FW_CFG_DMA_CTL_SKIP,
        FW_CFG_DMA_CTL_WRITE,
        FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
        FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP,
        0,
    };
    uint64_t desc =
        mix(&x) & 1 ? (mix(&x) % (RAM_SIZE - 16)) & ~15ULL : pick_addr(&x);
    uint64_t v = mix(&x);
    uint32_t control = ctl[v % 6];
    if ((v >> 8) % 8 == 0) {
        control = mix(&x); /* any bits */
    } else if (control & FW_CFG_DMA_CTL_SELECT) {
        static const uint16_t keys[] = {
            FW_CFG_SIGNATURE,      FW_CFG_ID,
            FW_CFG_FILE_DIR,       FW_CFG_FILE_FIRST,
            FW_CFG_FILE_FIRST + 1, FW_CFG_ACPI_TABLES,
            FW_CFG_INVALID,        FW_CFG_WRITE_CHANNEL | FW_CFG_FILE_FIRST,
        };
        control |= (uint32_t)keys[(v >> 16) % 8] << 16;
    }
    uint32_t length;
    v = mix(&x);
    switch (v % 4) {
    case 0:
        length = (v >> 8) % 64;
        break;
    case 1:
        length = (v >> 8) % 2048;
        break;
    case 2:
        length = UINT32_MAX - (v >> 8) % 16;
        break;
    default:
        length = v >> 32;
        break;
    }
    uint64_t address = pick_addr(&x);

    uint8_t d[16];
    put_be32(d, control);
    put_be32(d + 4, length);
    put_be32(d + 8, address >> 32);
    put_be32(d + 12, address);
    if (desc < RAM_SIZE - 16) {
        memcpy(r->tb.ram.ram + desc, d, 16);
    }
    memcpy(f->before, r->tb.ram.ram, RAM_SIZE);

    /* Start it as the guest does: two 32-bit big-endian halves. */
    outl(&r->tb, FW_CFG_IO_BASE + 4, __builtin_bswap32(desc >> 32));
    outl(&r->tb, FW_CFG_IO_BASE + 8, __builtin_bswap32((uint32_t)desc));

    const uint8_t *now = r->tb.ram.ram;
    bool may_write = (control & FW_CFG_DMA_CTL_READ) != 0;
    for (uint64_t a = 0; a < RAM_SIZE; a++) {
        if ((a & 4095) == 0 && !memcmp(now + a, f->before + a, 4096)) {
            a += 4095;
            continue;
        }
        if (now[a] == f->before[a]) {
            continue;
        }
        bool in_ctl = a >= desc && a < desc + 4;
        bool in_dst = may_write && a - address < length;
        if (!in_ctl && !in_dst) {
            fuzz_fail(r,
                      "DMA (desc 0x%" PRIx64 " control 0x%x length 0x%x "
                      "address 0x%" PRIx64 ") changed RAM at 0x%" PRIx64,
                      desc, control, length, address, a);
        }
    }
    if (desc < RAM_SIZE - 16) {
        uint32_t c = (uint32_t)now[desc] << 24 | now[desc + 1] << 16 |
                     now[desc + 2] << 8 | now[desc + 3];
        /* An overlapping destination may have overwritten it: then the
         * final control write still comes last. */
        FUZZ_ASSERT(r, c == 0 || c == FW_CFG_DMA_CTL_ERROR);
    }
}

const FuzzTarget fuzz_target = {
    .name = "fwcfg",
    .covers = "hw/nvram/fw_cfg.c",
    .setup = fwcfg_setup,
    .event = fwcfg_event,
};
