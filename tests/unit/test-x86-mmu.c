/*
 * The x86 page walk (target-i386/mmu.c) over page tables built in a RAM
 * address space: 32-bit paging with 4 KiB and 4 MiB pages, PAE with 2 MiB
 * and 4 KiB pages, 4-level paging (long mode) with 4 KiB, 2 MiB and 1 GiB
 * pages, the access rights (U/S, R/W with CR0.WP, XD with EFER.NXE) on
 * every level, reserved bits, the #PF error code, the A/D updates, and
 * non-canonical addresses.
 */
#include "tests/unit/harness.h"
#include "target-i386/mmu.h"

#define RAM_SIZE (16 * MiB)
#define P        0x1u
#define RW       0x2u
#define US       0x4u
#define A        0x20u
#define D        0x40u
#define PS       0x80u
#define XD       (1ull << 63)

static MemoryRegion root, ram;
static AddressSpace as;
static uint8_t *mem;

static void ram_init(void)
{
    Error *err = NULL;
    memory_region_init(&root, "system", 4 * GiB);
    CHECK_EQ(memory_region_init_ram(&ram, "ram", RAM_SIZE, &err), 0);
    memory_region_add_subregion(&root, 0, &ram);
    address_space_init(&as, &root, "memory");
    mem = memory_region_get_ram_ptr(&ram);
    memset(mem, 0, RAM_SIZE);
}

static void ram_cleanup(void)
{
    address_space_destroy(&as);
    memory_region_del_subregion(&root, &ram);
    memory_region_finalize(&ram);
}

static void put32(uint32_t pa, uint32_t v)
{
    stl_le_p(mem + pa, v);
}

static uint32_t get32(uint32_t pa)
{
    return ldl_le_p(mem + pa);
}

static void put64(uint32_t pa, uint64_t v)
{
    stq_le_p(mem + pa, v);
}

static uint64_t get64(uint32_t pa)
{
    return ldq_le_p(mem + pa);
}

/* 32-bit paging, page directory at 0x1000 (CR4.PSE on: the 4 MiB tests). */
static X86MMUParams params32(void)
{
    X86MMUParams p = {
        .cr0 = CR0_PE_MASK | CR0_PG_MASK,
        .cr3 = 0x1000,
        .cr4 = CR4_PSE_MASK,
        .a20_mask = 0xffffffff,
        .phys_bits = 36,
    };
    return p;
}

/* PAE paging, PDPT at 0x1000 (32-byte aligned), NX on. */
static X86MMUParams params_pae(void)
{
    X86MMUParams p = {
        .cr0 = CR0_PE_MASK | CR0_PG_MASK,
        .cr3 = 0x1000,
        .cr4 = CR4_PAE_MASK,
        .efer = EFER_NXE,
        .a20_mask = 0xffffffff,
        .phys_bits = 36,
    };
    return p;
}

/* Walk and return the error code, or ~0u when it succeeded. */
static uint32_t walk_err(const X86MMUParams *p, uint64_t lin, X86Access acc,
                         unsigned flags)
{
    X86WalkResult r;
    return x86_walk(p, &as, lin, acc, flags, &r) ? ~0u : r.error_code;
}

static void test_no_paging(void)
{
    ram_init();
    X86MMUParams p = {.cr0 = CR0_PE_MASK, .a20_mask = 0xffffffff};
    X86WalkResult r;
    CHECK(x86_walk(&p, &as, 0x123456, X86_ACCESS_WRITE, X86_WALK_USER, &r));
    CHECK_EQ(r.phys, 0x123456);
    CHECK_EQ(r.prot, X86_PROT_READ | X86_PROT_WRITE | X86_PROT_EXEC);
    p.a20_mask = 0xffefffff; /* the A20 gate wraps at 1 MiB */
    CHECK(x86_walk(&p, &as, 0x10fff0, X86_ACCESS_READ, 0, &r));
    CHECK_EQ(r.phys, 0x0fff0);
    ram_cleanup();
}

static void test_32bit_4k(void)
{
    ram_init();
    X86MMUParams p = params32();
    /* 0x00403abc: PDE 1 -> page table at 0x2000, PTE 3 -> 0x7000. */
    put32(0x1000 + 1 * 4, 0x2000 | P | RW | US);
    put32(0x2000 + 3 * 4, 0x7000 | P | RW | US);
    X86WalkResult r;
    CHECK(x86_walk(&p, &as, 0x00403abc, X86_ACCESS_READ, 0, &r));
    CHECK_EQ(r.phys, 0x7abc);
    CHECK_EQ(r.page_size, 4096);
    CHECK_EQ(r.prot, X86_PROT_READ | X86_PROT_WRITE | X86_PROT_EXEC);
    CHECK(!r.dirty);
    /* Without X86_WALK_SET_AD (a debugger) nothing changed. */
    CHECK_EQ(get32(0x1004) & (A | D), 0);
    CHECK_EQ(get32(0x200c) & (A | D), 0);
    /* A read sets A on both levels, D nowhere. */
    CHECK(x86_walk(&p, &as, 0x00403abc, X86_ACCESS_READ, X86_WALK_SET_AD, &r));
    CHECK_EQ(get32(0x1004) & (A | D), A);
    CHECK_EQ(get32(0x200c) & (A | D), A);
    /* A write sets D on the leaf only. */
    CHECK(x86_walk(&p, &as, 0x00403abc, X86_ACCESS_WRITE,
                   X86_WALK_SET_AD | X86_WALK_USER, &r));
    CHECK(r.dirty);
    CHECK_EQ(get32(0x1004) & (A | D), A);
    CHECK_EQ(get32(0x200c) & (A | D), A | D);
    /* Not present: error code P = 0 with W/R and U/S of the access. */
    CHECK_EQ(walk_err(&p, 0x00404000, X86_ACCESS_READ, 0), 0);
    CHECK_EQ(walk_err(&p, 0x00404000, X86_ACCESS_WRITE, X86_WALK_USER),
             PF_ERR_W | PF_ERR_U);
    CHECK_EQ(walk_err(&p, 0x00800000, X86_ACCESS_READ, 0), 0);
    /* No XD without PAE: a fetch fault has I/D clear. */
    CHECK_EQ(walk_err(&p, 0x00800000, X86_ACCESS_FETCH, 0), 0);
    ram_cleanup();
}

static void test_32bit_pse(void)
{
    ram_init();
    X86MMUParams p = params32();
    /* PDE 2 (0x00800000-0x00bfffff): a 4 MiB page at 0x00400000. */
    put32(0x1000 + 2 * 4, 0x00400000 | P | RW | PS);
    X86WalkResult r;
    CHECK(x86_walk(&p, &as, 0x00912345, X86_ACCESS_WRITE, X86_WALK_SET_AD, &r));
    CHECK_EQ(r.phys, 0x00512345);
    CHECK_EQ(r.page_size, 4 * MiB);
    CHECK_EQ(get32(0x1008) & (A | D), A | D);
    /* Bits 21-13 are reserved without PSE-36. */
    put32(0x1000 + 2 * 4, 0x00400000 | P | RW | PS | (1u << 13));
    CHECK_EQ(walk_err(&p, 0x00912345, X86_ACCESS_READ, 0),
             PF_ERR_RSVD | PF_ERR_P);
    CHECK_EQ(walk_err(&p, 0x00912345, X86_ACCESS_WRITE, X86_WALK_USER),
             PF_ERR_RSVD | PF_ERR_P | PF_ERR_W | PF_ERR_U);
    /* With PSE-36 bits 16-13 are address bits 35-32 (RAM ends at 4 GiB:
     * only the address is checked); bit 21 stays reserved. */
    p.pse36 = true;
    CHECK(x86_walk(&p, &as, 0x00912345, X86_ACCESS_READ, 0, &r));
    CHECK_EQ(r.phys, 0x100512345ull);
    put32(0x1000 + 2 * 4, 0x00400000 | P | RW | PS | (1u << 21));
    CHECK_EQ(walk_err(&p, 0x00912345, X86_ACCESS_READ, 0),
             PF_ERR_RSVD | PF_ERR_P);
    /* CR4.PSE clear: PS is ignored, the PDE points to a page table. */
    p.cr4 = 0;
    put32(0x1000 + 2 * 4, 0x3000 | P | RW | PS);
    put32(0x3000 + 0x112 * 4, 0x9000 | P);
    CHECK(x86_walk(&p, &as, 0x00912345, X86_ACCESS_READ, 0, &r));
    CHECK_EQ(r.phys, 0x9345);
    CHECK_EQ(r.page_size, 4096);
    ram_cleanup();
}

static void test_pae(void)
{
    ram_init();
    X86MMUParams p = params_pae();
    /* PDPTE 1 (1-2 GiB) -> PD at 0x2000; PDE 3 -> 2 MiB page at 0x600000;
     * PDE 4 -> PT at 0x3000, PTE 5 -> 0x8000. */
    put64(0x1000 + 1 * 8, 0x2000 | P);
    put64(0x2000 + 3 * 8, 0x600000 | P | RW | US | PS);
    put64(0x2000 + 4 * 8, 0x3000 | P | RW | US);
    put64(0x3000 + 5 * 8, 0x8000 | P | RW | US);
    X86WalkResult r;
    uint32_t lin2m = 0x40000000u + 3 * 2 * MiB + 0x12345;
    CHECK(x86_walk(&p, &as, lin2m, X86_ACCESS_READ, X86_WALK_SET_AD, &r));
    CHECK_EQ(r.phys, 0x612345);
    CHECK_EQ(r.page_size, 2 * MiB);
    CHECK_EQ(get64(0x2018) & (A | D), A);
    uint32_t lin4k = 0x40000000u + 4 * 2 * MiB + 5 * 4096 + 0x678;
    CHECK(x86_walk(&p, &as, lin4k, X86_ACCESS_WRITE,
                   X86_WALK_SET_AD | X86_WALK_USER, &r));
    CHECK_EQ(r.phys, 0x8678);
    CHECK_EQ(r.page_size, 4096);
    CHECK_EQ(get64(0x2020) & (A | D), A);
    CHECK_EQ(get64(0x3028) & (A | D), A | D);
    /* The high half of an entry is left alone by the A/D update. */
    put64(0x3000 + 5 * 8, 0x8000 | P | RW | US | XD);
    CHECK(x86_walk(&p, &as, lin4k, X86_ACCESS_WRITE, X86_WALK_SET_AD, &r));
    CHECK_EQ(get64(0x3028), 0x8000 | P | RW | US | A | D | XD);
    /* Not present PDPTE. */
    CHECK_EQ(walk_err(&p, 0x80000000u, X86_ACCESS_READ, 0), 0);
    ram_cleanup();
}

static void test_pae_reserved(void)
{
    ram_init();
    X86MMUParams p = params_pae();
    put64(0x1000, 0x2000 | P);
    put64(0x2000, 0x3000 | P | RW);
    put64(0x3000, 0x8000 | P | RW);
    CHECK_EQ(walk_err(&p, 0x123, X86_ACCESS_READ, 0), ~0u);
    /* An address bit above MAXPHYADDR (36) in the PTE. */
    put64(0x3000, 0x8000 | P | RW | (1ull << 40));
    CHECK_EQ(walk_err(&p, 0x123, X86_ACCESS_READ, 0), PF_ERR_RSVD | PF_ERR_P);
    p.phys_bits = 48; /* the same bit is an address now */
    CHECK_EQ(walk_err(&p, 0x123, X86_ACCESS_READ, 0), ~0u);
    p.phys_bits = 36;
    put64(0x3000, 0x8000 | P | RW);
    /* XD without EFER.NXE is reserved. */
    put64(0x2000, 0x3000 | P | RW | XD);
    p.efer = 0;
    CHECK_EQ(walk_err(&p, 0x123, X86_ACCESS_WRITE, 0),
             PF_ERR_RSVD | PF_ERR_P | PF_ERR_W);
    /* A 2 MiB page with bit 13 set. */
    put64(0x2000, 0x200000 | P | RW | PS | (1u << 13));
    CHECK_EQ(walk_err(&p, 0x123, X86_ACCESS_READ, X86_WALK_USER),
             PF_ERR_RSVD | PF_ERR_P | PF_ERR_U);
    /* A PDPTE with R/W (bit 1, reserved in PAE PDPTEs). */
    put64(0x2000, 0x3000 | P | RW);
    put64(0x1000, 0x2000 | P | RW);
    CHECK_EQ(walk_err(&p, 0x123, X86_ACCESS_READ, 0), PF_ERR_RSVD | PF_ERR_P);
    /* A reserved bit in a not-present entry does not matter. */
    put64(0x1000, 0x2000 | RW);
    CHECK_EQ(walk_err(&p, 0x123, X86_ACCESS_READ, 0), 0);
    ram_cleanup();
}

static void test_nx(void)
{
    ram_init();
    X86MMUParams p = params_pae();
    put64(0x1000, 0x2000 | P);
    put64(0x2000, 0x3000 | P | RW | US);
    put64(0x3000 + 1 * 8, 0x8000 | P | RW | US | XD);
    put64(0x3000 + 2 * 8, 0x9000 | P | RW | US);
    X86WalkResult r;
    CHECK(x86_walk(&p, &as, 0x1010, X86_ACCESS_READ, 0, &r));
    CHECK_EQ(r.prot, X86_PROT_READ | X86_PROT_WRITE);
    CHECK_EQ(walk_err(&p, 0x1010, X86_ACCESS_FETCH, 0), PF_ERR_P | PF_ERR_I);
    CHECK_EQ(walk_err(&p, 0x1010, X86_ACCESS_FETCH, X86_WALK_USER),
             PF_ERR_P | PF_ERR_I | PF_ERR_U);
    CHECK_EQ(walk_err(&p, 0x2010, X86_ACCESS_FETCH, 0), ~0u);
    /* With NXE, a not-present fetch reports I/D. */
    CHECK_EQ(walk_err(&p, 0x3010, X86_ACCESS_FETCH, 0), PF_ERR_I);
    /* XD on the PDE covers every page below it. */
    put64(0x2000, 0x3000 | P | RW | US | XD);
    CHECK_EQ(walk_err(&p, 0x2010, X86_ACCESS_FETCH, 0), PF_ERR_P | PF_ERR_I);
    ram_cleanup();
}

static void test_rights(void)
{
    ram_init();
    X86MMUParams p = params32();
    put32(0x1000, 0x2000 | P | RW | US);
    put32(0x2000 + 1 * 4, 0x8000 | P | US); /* user, read-only */
    put32(0x2000 + 2 * 4, 0x9000 | P | RW); /* supervisor */
    /* CR0.WP clear: the supervisor writes to read-only pages. */
    CHECK_EQ(walk_err(&p, 0x1000, X86_ACCESS_WRITE, 0), ~0u);
    X86WalkResult r;
    CHECK(x86_walk(&p, &as, 0x1000, X86_ACCESS_READ, 0, &r));
    CHECK(r.prot & X86_PROT_WRITE);
    p.cr0 |= CR0_WP_MASK;
    CHECK_EQ(walk_err(&p, 0x1000, X86_ACCESS_WRITE, 0), PF_ERR_P | PF_ERR_W);
    CHECK(x86_walk(&p, &as, 0x1000, X86_ACCESS_READ, 0, &r));
    CHECK(!(r.prot & X86_PROT_WRITE));
    /* The user never writes to it, WP or not. */
    p.cr0 &= ~CR0_WP_MASK;
    CHECK_EQ(walk_err(&p, 0x1000, X86_ACCESS_WRITE, X86_WALK_USER),
             PF_ERR_P | PF_ERR_W | PF_ERR_U);
    CHECK_EQ(walk_err(&p, 0x1000, X86_ACCESS_READ, X86_WALK_USER), ~0u);
    /* Supervisor pages: no user access at all. */
    CHECK_EQ(walk_err(&p, 0x2000, X86_ACCESS_READ, X86_WALK_USER),
             PF_ERR_P | PF_ERR_U);
    CHECK_EQ(walk_err(&p, 0x2000, X86_ACCESS_FETCH, X86_WALK_USER),
             PF_ERR_P | PF_ERR_U);
    CHECK_EQ(walk_err(&p, 0x2000, X86_ACCESS_WRITE, 0), ~0u);
    /* U/S and R/W combine over both levels: a read-only PDE wins. */
    put32(0x1000, 0x2000 | P | US);
    put32(0x2000 + 3 * 4, 0xa000 | P | RW | US);
    CHECK_EQ(walk_err(&p, 0x3000, X86_ACCESS_WRITE, X86_WALK_USER),
             PF_ERR_P | PF_ERR_W | PF_ERR_U);
    /* A failed walk sets no A flag. */
    CHECK_EQ(get32(0x1000) & A, 0);
    CHECK_EQ(
        walk_err(&p, 0x3000, X86_ACCESS_WRITE, X86_WALK_USER | X86_WALK_SET_AD),
        PF_ERR_P | PF_ERR_W | PF_ERR_U);
    CHECK_EQ(get32(0x1000) & A, 0);
    CHECK_EQ(get32(0x200c) & A, 0);
    ram_cleanup();
}

/* ---- 4-level paging (SDM vol. 3, 4.5) ---- */

/* Long mode, PML4 at 0x1000, NX on, MAXPHYADDR 40, no 1 GiB pages. */
static X86MMUParams params_lm(void)
{
    X86MMUParams p = {
        .cr0 = CR0_PE_MASK | CR0_PG_MASK,
        .cr3 = 0x1000,
        .cr4 = CR4_PAE_MASK,
        .efer = EFER_LME | EFER_LMA | EFER_NXE,
        .a20_mask = 0xffffffff,
        .phys_bits = 40,
    };
    return p;
}

/* The canonical linear address with these table indices and offset. */
static uint64_t lin4(unsigned i4, unsigned i3, unsigned i2, unsigned i1,
                     unsigned off)
{
    uint64_t a = (uint64_t)i4 << 39 | (uint64_t)i3 << 30 |
                 (uint64_t)i2 << 21 | (uint64_t)i1 << 12 | off;
    return (uint64_t)((int64_t)(a << 16) >> 16);
}

/*
 * The tables the 4-level tests share: PML4 0x1000, PML4E 0x1ff (the top
 * 512 GiB) -> PDPT 0x2000, PDPTE 3 -> PD 0x3000, PDE 5 -> PT 0x4000,
 * PTE 7 -> 0x9000, all user and writable.
 */
#define LM_PML4E (0x1000 + 0x1ff * 8)
#define LM_PDPTE (0x2000 + 3 * 8)
#define LM_PDE   (0x3000 + 5 * 8)
#define LM_PTE   (0x4000 + 7 * 8)
static const uint32_t lm_entry[4] = {LM_PTE, LM_PDE, LM_PDPTE, LM_PML4E};

static void lm_tables(void)
{
    put64(LM_PML4E, 0x2000 | P | RW | US);
    put64(LM_PDPTE, 0x3000 | P | RW | US);
    put64(LM_PDE, 0x4000 | P | RW | US);
    put64(LM_PTE, 0x9000 | P | RW | US);
}

static void test_lm_4k(void)
{
    ram_init();
    lm_tables();
    X86MMUParams p = params_lm();
    uint64_t lin = lin4(0x1ff, 3, 5, 7, 0xabc);
    CHECK_EQ(lin, 0xffffff80c0a07abcull);
    X86WalkResult r;
    CHECK(x86_walk(&p, &as, lin, X86_ACCESS_READ, 0, &r));
    CHECK_EQ(r.phys, 0x9abc);
    CHECK_EQ(r.page_size, 4096);
    CHECK_EQ(r.prot, X86_PROT_READ | X86_PROT_WRITE | X86_PROT_EXEC);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(get64(lm_entry[i]) & (A | D), 0);
    }
    /* A read sets A on all four levels; a write D on the PTE only. */
    CHECK(x86_walk(&p, &as, lin, X86_ACCESS_READ, X86_WALK_SET_AD, &r));
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(get64(lm_entry[i]) & (A | D), A);
    }
    CHECK(x86_walk(&p, &as, lin, X86_ACCESS_WRITE,
                   X86_WALK_SET_AD | X86_WALK_USER, &r));
    CHECK(r.dirty);
    CHECK_EQ(get64(LM_PTE) & (A | D), A | D);
    for (int i = 1; i < 4; i++) {
        CHECK_EQ(get64(lm_entry[i]) & (A | D), A);
    }
    /* The index of every level counts: PTE 8 and PDE 6 are not there. */
    CHECK_EQ(walk_err(&p, lin4(0x1ff, 3, 5, 8, 0), X86_ACCESS_READ, 0), 0);
    CHECK_EQ(walk_err(&p, lin4(0x1ff, 3, 6, 7, 0), X86_ACCESS_READ, 0), 0);
    CHECK_EQ(walk_err(&p, lin4(0x1ff, 2, 5, 7, 0), X86_ACCESS_READ, 0), 0);
    CHECK_EQ(walk_err(&p, lin4(0x1fe, 3, 5, 7, 0), X86_ACCESS_READ, 0), 0);
    /* Bits 62-52 are free for software in 4-level entries (reserved in
     * PAE ones), bits 51-40 are reserved with MAXPHYADDR 40, 39-12 are
     * address bits. */
    put64(LM_PML4E, 0x2000 | P | RW | US | (0x7ffull << 52));
    put64(LM_PTE, 0x9000 | P | RW | US | (1ull << 39) | (1ull << 58));
    CHECK(x86_walk(&p, &as, lin, X86_ACCESS_READ, 0, &r));
    CHECK_EQ(r.phys, (1ull << 39) | 0x9abc);
    put64(LM_PTE, 0x9000 | P | RW | US | (1ull << 40));
    CHECK_EQ(walk_err(&p, lin, X86_ACCESS_READ, 0), PF_ERR_RSVD | PF_ERR_P);
    put64(LM_PTE, 0x9000 | P | RW | US | (1ull << 51));
    CHECK_EQ(walk_err(&p, lin, X86_ACCESS_READ, 0), PF_ERR_RSVD | PF_ERR_P);
    p.phys_bits = 52;
    CHECK_EQ(walk_err(&p, lin, X86_ACCESS_READ, 0), ~0u);
    ram_cleanup();
}

/* A fault names the span of the entry that stopped the walk. */
static void test_lm_not_present(void)
{
    ram_init();
    lm_tables();
    X86MMUParams p = params_lm();
    uint64_t lin = lin4(0x1ff, 3, 5, 7, 0x10);
    static const uint64_t span[4] = {4096, 2 * MiB, 1 * GiB, 512 * GiB};
    for (int i = 0; i < 4; i++) {
        uint64_t e = get64(lm_entry[i]);
        put64(lm_entry[i], e & ~(uint64_t)P);
        X86WalkResult r;
        CHECK(!x86_walk(&p, &as, lin, X86_ACCESS_WRITE, X86_WALK_SET_AD, &r));
        CHECK_EQ(r.error_code, PF_ERR_W);
        CHECK_EQ(r.page_size, span[i]);
        CHECK(!r.noncanonical);
        /* A fetch reports I/D under NXE. */
        CHECK_EQ(walk_err(&p, lin, X86_ACCESS_FETCH, X86_WALK_USER),
                 PF_ERR_I | PF_ERR_U);
        put64(lm_entry[i], e);
    }
    /* No A flag was set by the failed walks. */
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(get64(lm_entry[i]) & A, 0);
    }
    ram_cleanup();
}

static void test_lm_large(void)
{
    ram_init();
    lm_tables();
    X86MMUParams p = params_lm();
    X86WalkResult r;
    /* PDE 6: a 2 MiB page at 0x600000. */
    put64(0x3000 + 6 * 8, 0x600000 | P | RW | PS);
    uint64_t lin2m = lin4(0x1ff, 3, 6, 0x12, 0x345);
    CHECK(x86_walk(&p, &as, lin2m, X86_ACCESS_WRITE, X86_WALK_SET_AD, &r));
    CHECK_EQ(r.phys, 0x600000 + 0x12345);
    CHECK_EQ(r.page_size, 2 * MiB);
    CHECK_EQ(get64(0x3030) & (A | D), A | D);
    CHECK_EQ(get64(LM_PDPTE) & (A | D), A);
    /* Bits 20-13 of a 2 MiB PDE are reserved (the PAT bit 12 is not). */
    put64(0x3000 + 6 * 8, 0x600000 | P | RW | PS | (1u << 12));
    CHECK(x86_walk(&p, &as, lin2m, X86_ACCESS_READ, 0, &r));
    CHECK_EQ(r.phys, 0x600000 + 0x12345);
    put64(0x3000 + 6 * 8, 0x600000 | P | RW | PS | (1u << 20));
    CHECK_EQ(walk_err(&p, lin2m, X86_ACCESS_READ, 0), PF_ERR_RSVD | PF_ERR_P);
    /* PDPTE 4 with PS: a 1 GiB page, reserved without PDPE1GB. */
    put64(0x2000 + 4 * 8, 0x40000000 | P | RW | PS);
    uint64_t lin1g = lin4(0x1ff, 4, 0x155, 0x123, 0x456);
    CHECK_EQ(walk_err(&p, lin1g, X86_ACCESS_READ, 0), PF_ERR_RSVD | PF_ERR_P);
    p.pdpe1gb = true;
    CHECK(x86_walk(&p, &as, lin1g, X86_ACCESS_READ, X86_WALK_SET_AD, &r));
    CHECK_EQ(r.phys, 0x40000000ull + 0x155 * 2 * MiB + 0x123456);
    CHECK_EQ(r.page_size, 1 * GiB);
    CHECK_EQ(get64(0x2020) & (A | D), A);
    /* Bits 29-13 of a 1 GiB PDPTE are reserved. */
    put64(0x2000 + 4 * 8, 0x40000000 | P | RW | PS | (1u << 21));
    CHECK_EQ(walk_err(&p, lin1g, X86_ACCESS_READ, 0), PF_ERR_RSVD | PF_ERR_P);
    put64(0x2000 + 4 * 8, 0x40000000 | P | RW | PS | (1u << 13));
    CHECK_EQ(walk_err(&p, lin1g, X86_ACCESS_READ, 0), PF_ERR_RSVD | PF_ERR_P);
    /* PS in a PML4E is reserved, 1 GiB pages or not (address 0: no
     * alignment bit set either). */
    put64(LM_PML4E, 0 | P | RW | US | PS);
    CHECK_EQ(walk_err(&p, lin4(0x1ff, 3, 5, 7, 0), X86_ACCESS_READ, 0),
             PF_ERR_RSVD | PF_ERR_P);
    ram_cleanup();
}

/* U/S, R/W and XD on each of the four levels decide for the page. */
static void test_lm_rights(void)
{
    ram_init();
    lm_tables();
    X86MMUParams p = params_lm();
    uint64_t lin = lin4(0x1ff, 3, 5, 7, 0x10);
    for (int i = 0; i < 4; i++) {
        uint64_t e = get64(lm_entry[i]);
        /* Supervisor only at this level. */
        put64(lm_entry[i], e & ~(uint64_t)US);
        CHECK_EQ(walk_err(&p, lin, X86_ACCESS_READ, X86_WALK_USER),
                 PF_ERR_P | PF_ERR_U);
        CHECK_EQ(walk_err(&p, lin, X86_ACCESS_WRITE, 0), ~0u);
        /* Read-only at this level. */
        put64(lm_entry[i], e & ~(uint64_t)RW);
        CHECK_EQ(walk_err(&p, lin, X86_ACCESS_WRITE, X86_WALK_USER),
                 PF_ERR_P | PF_ERR_W | PF_ERR_U);
        CHECK_EQ(walk_err(&p, lin, X86_ACCESS_READ, X86_WALK_USER), ~0u);
        CHECK_EQ(walk_err(&p, lin, X86_ACCESS_WRITE, 0), ~0u);
        p.cr0 |= CR0_WP_MASK;
        CHECK_EQ(walk_err(&p, lin, X86_ACCESS_WRITE, 0), PF_ERR_P | PF_ERR_W);
        p.cr0 &= ~CR0_WP_MASK;
        /* XD at this level. */
        put64(lm_entry[i], e | XD);
        CHECK_EQ(walk_err(&p, lin, X86_ACCESS_FETCH, 0), PF_ERR_P | PF_ERR_I);
        CHECK_EQ(walk_err(&p, lin, X86_ACCESS_READ, 0), ~0u);
        X86WalkResult r;
        CHECK(x86_walk(&p, &as, lin, X86_ACCESS_READ, 0, &r));
        CHECK_EQ(r.prot, X86_PROT_READ | X86_PROT_WRITE);
        /* Without EFER.NXE, XD is a reserved bit. */
        p.efer &= ~(uint64_t)EFER_NXE;
        CHECK_EQ(walk_err(&p, lin, X86_ACCESS_READ, 0),
                 PF_ERR_RSVD | PF_ERR_P);
        p.efer |= EFER_NXE;
        put64(lm_entry[i], e);
        CHECK_EQ(walk_err(&p, lin, X86_ACCESS_FETCH, X86_WALK_USER), ~0u);
    }
    ram_cleanup();
}

static void test_lm_canonical(void)
{
    CHECK(x86_is_canonical(0));
    CHECK(x86_is_canonical(0x00007fffffffffffull));
    CHECK(x86_is_canonical(0xffff800000000000ull));
    CHECK(x86_is_canonical(~0ull));
    CHECK(!x86_is_canonical(0x0000800000000000ull));
    CHECK(!x86_is_canonical(0xffff7fffffffffffull));
    CHECK(!x86_is_canonical(1ull << 63));
    CHECK(!x86_is_canonical(1ull << 48));
    ram_init();
    lm_tables();
    X86MMUParams p = params_lm();
    /* The PML4E 0x1ff maps 0xffffff8000000000-...; without the sign
     * extension the same bits are not canonical. */
    uint64_t lin = lin4(0x1ff, 3, 5, 7, 0x10);
    X86WalkResult r;
    CHECK(x86_walk(&p, &as, lin, X86_ACCESS_READ, 0, &r));
    CHECK(!r.noncanonical);
    CHECK(!x86_walk(&p, &as, lin & 0x0000ffffffffffffull, X86_ACCESS_READ,
                    X86_WALK_SET_AD, &r));
    CHECK(r.noncanonical);
    CHECK_EQ(get64(LM_PML4E) & A, 0);
    CHECK(!x86_walk(&p, &as, 0x0000800000000000ull, X86_ACCESS_FETCH, 0, &r));
    CHECK(r.noncanonical);
    /* Compatibility mode: a 32-bit address goes through PML4E 0. */
    put64(0x1000, 0x2000 | P | RW | US);
    CHECK(x86_walk(&p, &as, lin4(0, 3, 5, 7, 0x10), X86_ACCESS_READ, 0, &r));
    CHECK_EQ(r.phys, 0x9010);
    /* Legacy paging has no canonical check: only bits 31-0 count. */
    p = params_pae();
    put64(0x1000, 0x2000 | P);
    put64(0x2000, 0x3000 | P | RW);
    put64(0x3000, 0x8000 | P | RW);
    CHECK(x86_walk(&p, &as, 0x0000800000000123ull, X86_ACCESS_READ, 0, &r));
    CHECK(!r.noncanonical);
    CHECK_EQ(r.phys, 0x8123);
    ram_cleanup();
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_no_paging);
    TEST_RUN(test_32bit_4k);
    TEST_RUN(test_32bit_pse);
    TEST_RUN(test_pae);
    TEST_RUN(test_pae_reserved);
    TEST_RUN(test_nx);
    TEST_RUN(test_rights);
    TEST_RUN(test_lm_4k);
    TEST_RUN(test_lm_not_present);
    TEST_RUN(test_lm_large);
    TEST_RUN(test_lm_rights);
    TEST_RUN(test_lm_canonical);
    return test_finish();
}
