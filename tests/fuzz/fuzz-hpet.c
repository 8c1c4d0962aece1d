/*
 * Fuzz target: the HPET's 1 KiB window, with clock steps that let its
 * timers run.  Events make 8-byte accesses to the registers (the rig's
 * records are 1-4 bytes anywhere).  Lines: gsi 2, 8 and 20-23 (the routes
 * offered) and the PIT/RTC enables.  Checked: the enables are high exactly
 * while legacy replacement is off, no gsi line is high while the HPET is
 * halted, and GEN_CONF / GINTR_STA hold no bits beyond the spec's.
 */
#include "tests/fuzz/fuzz.h"
#include "hw/timer/hpet.h"

typedef struct HPETFuzz {
    HPETState *hpet;
    FuzzLine *gsi[6];
    FuzzLine *pit_en, *rtc_en;
} HPETFuzz;

static HPETFuzz hpet_fuzz;
static const int gsi_used[6] = {2, 8, 20, 21, 22, 23};
static const char *const gsi_names[6] = {"gsi2",  "gsi8",  "gsi20",
                                         "gsi21", "gsi22", "gsi23"};

static void hpet_fuzz_setup(FuzzRig *r)
{
    Error *err = NULL;
    HPETFuzz *f = &hpet_fuzz;
    HPETWiring w = {0};

    memset(f, 0, sizeof(*f));
    r->priv = f;
    for (int i = 0; i < 6; i++) {
        w.gsi[gsi_used[i]] = fuzz_line(r, gsi_names[i], &f->gsi[i]);
        w.route_cap |= 1u << gsi_used[i];
    }
    w.pit_enable = fuzz_line(r, "pit-enable", &f->pit_en);
    w.rtc_enable = fuzz_line(r, "rtc-enable", &f->rtc_en);
    f->hpet = fuzz_must(hpet_init(&r->tb.mem_root, HPET_DEFAULT_BASE, &w, &err),
                        err, "hpet");
    r->s = f->hpet;
    fuzz_add_window(r, FUZZ_MEM, HPET_DEFAULT_BASE, 0x400);
    fuzz_add_window(r, FUZZ_MEM, HPET_DEFAULT_BASE + 0x100, 0x60);
}

static void hpet_fuzz_teardown(FuzzRig *r)
{
    HPETFuzz *f = r->priv;
    hpet_free(f->hpet);
}

/* Events go to the registers that exist, so that inputs often enable the
 * counter and program timers. */
static const uint16_t hpet_regs[] = {0x010, 0x020, 0x0f0, 0x100, 0x108,
                                     0x120, 0x128, 0x140, 0x148, 0x000};

static void hpet_fuzz_event(FuzzRig *r, const FuzzOp *op)
{
    uint64_t addr =
        HPET_DEFAULT_BASE + hpet_regs[op->offset % ARRAY_SIZE(hpet_regs)];
    uint64_t v = ((uint64_t)op->value << 32) | op->value;

    if (op->op & 1) {
        address_space_read_val(&r->tb.mem_as, addr, 8, &v);
    } else {
        address_space_write_val(&r->tb.mem_as, addr, 8,
                                (op->op & 2) ? op->value : v);
    }
}

static void hpet_fuzz_check(FuzzRig *r, const FuzzOp *op)
{
    HPETFuzz *f = r->priv;
    AddressSpace *as = &r->tb.mem_as;
    uint64_t conf = 0, sta = 0;

    address_space_read_val(as, HPET_DEFAULT_BASE + 0x10, 8, &conf);
    address_space_read_val(as, HPET_DEFAULT_BASE + 0x20, 8, &sta);
    FUZZ_ASSERT(r, (conf & ~3ull) == 0);
    FUZZ_ASSERT(r, (sta & ~7ull) == 0);
    FUZZ_ASSERT(r, f->pit_en->level == !(conf & 2));
    FUZZ_ASSERT(r, f->rtc_en->level == !(conf & 2));
    if (!(conf & 1)) {
        for (int i = 0; i < 6; i++) {
            FUZZ_ASSERT(r, f->gsi[i]->level == 0);
        }
    }
}

const FuzzTarget fuzz_target = {
    .name = "hpet",
    .covers = "hw/timer/hpet.c",
    .setup = hpet_fuzz_setup,
    .teardown = hpet_fuzz_teardown,
    .event = hpet_fuzz_event,
    .check = hpet_fuzz_check,
};
