/*
 * The x86 page walk (target-i386/mmu.c) over page tables built in a RAM
 * address space: 32-bit paging with 4 KiB and 4 MiB pages, PAE with 2 MiB
 * and 4 KiB pages, the access rights (U/S, R/W with CR0.WP, XD with
 * EFER.NXE), reserved bits, the #PF error code, and the A/D updates.
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
static uint32_t walk_err(const X86MMUParams *p, uint32_t lin, X86Access acc,
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
    return test_finish();
}
