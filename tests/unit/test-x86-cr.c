/*
 * The control registers and IA32_EFER under the translator
 * (target-i386/cr-helper.c): the SDM's #GP(0) rules for MOV to CR0, CR3,
 * CR4 and CR8 and for WRMSR to IA32_EFER, and the sequence that enters
 * IA-32e mode (EFER.LME, CR4.PAE, CR0.PG -> EFER.LMA; SDM vol. 3, 9.8.5).
 *
 * Most cases call the helpers directly on the harness's vCPU (a fault
 * comes back through the accelerator's longjmp, caught here), so that
 * they do not depend on how an exception is delivered in IA-32e mode.
 * Two run guest code through the frontend: the whole switch to
 * compatibility mode with a store through 4-level page tables, and a
 * refused switch (#GP delivered in legacy protected mode).
 */
#include "tests/unit/harness.h"
#include "tests/unit/x86-harness.h"
#include "accel/tcg/tcg-internal.h"
#include "emu/machine.h"
#include "target-i386/cpuid.h"
#include "target-i386/helper.h"
#include "target-i386/mmu.h"

static CPUX86State *env;

/*
 * One helper call with the accelerator's longjmp caught: the vector it
 * raised (error code in last_err), or -1.  The sigsetjmp lives in
 * try_op alone so that no caller's local is live across it.
 */
enum { OP_MOV_CR, OP_READ_CR, OP_WRMSR, OP_RDMSR, OP_PROBE_WRITE };
static int last_err;

static __attribute__((noinline)) int try_op(int op, uint32_t n, uint64_t val,
                                            uint64_t *out)
{
    TCGCPU *t = env_tcg(env);
    last_err = -1;
    if (sigsetjmp(t->jmp, 0)) {
        last_err = t->err;
        return t->excp;
    }
    switch (op) {
    case OP_MOV_CR:
        helper_mov_cr(env, n, val);
        break;
    case OP_READ_CR:
        val = helper_read_cr(env, n);
        if (out) {
            *out = val;
        }
        break;
    case OP_WRMSR:
        env->regs[R_ECX] = n;
        env->regs[R_EAX] = (uint32_t)val;
        env->regs[R_EDX] = val >> 32;
        helper_wrmsr(env);
        break;
    case OP_RDMSR:
        env->regs[R_ECX] = n;
        helper_rdmsr(env);
        *out = (uint32_t)env->regs[R_EAX] | env->regs[R_EDX] << 32;
        break;
    case OP_PROBE_WRITE:
        x86_probe_write(env, val);
        break;
    }
    return -1;
}

#define mov_cr(reg, val)  try_op(OP_MOV_CR, reg, val, NULL)
#define read_cr(reg, out) try_op(OP_READ_CR, reg, 0, out)
#define wrmsr(msr, val)   try_op(OP_WRMSR, msr, val, NULL)
#define rdmsr(msr, out)   try_op(OP_RDMSR, msr, 0, out)
#define probe_write(lin)  try_op(OP_PROBE_WRITE, 0, lin, NULL)

/* #GP(0) from call. */
#define CHECK_GP0(call)             \
    do {                            \
        CHECK_EQ(call, EXCP0D_GPF); \
        CHECK_EQ(last_err, 0);      \
    } while (0)

#define CHECK_OK(call) CHECK_EQ(call, -1)

#define CODE32                                                              \
    (DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK | DESC_B_MASK | \
     DESC_G_MASK)
#define DATA32 \
    (DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_B_MASK | DESC_G_MASK)

/* CPL 0 flat 32-bit protected mode, no paging, on CPU model `model`. */
static void pm_env(const char *model)
{
    x86h_init();
    env = x86h_env();
    CHECK_EQ(x86_cpu_model_init(env, model, NULL), 0);
    env->cr[0] = CR0_PE_MASK | CR0_ET_MASK | CR0_NE_MASK;
    env->cr[3] = 0;
    env->cr[4] = 0;
    env->efer = 0;
    for (int s = 0; s < 6; s++) {
        env->segs[s].selector = s == R_CS ? 8 : 16;
        env->segs[s].base = 0;
        env->segs[s].limit = 0xffffffff;
        env->segs[s].flags = s == R_CS ? CODE32 : DATA32;
    }
    env->eflags = 2;
    env->apic_ops = NULL;
    x86_update_hflags(env);
}

static void test_cr0_rules(void)
{
    pm_env("qemu32");
    uint64_t cr0 = env->cr[0];
    /* PG without PE, NW without CD. */
    CHECK_GP0(mov_cr(0, CR0_PG_MASK | CR0_ET_MASK));
    CHECK_GP0(mov_cr(0, cr0 | CR0_NW_MASK));
    CHECK_EQ(env->cr[0], cr0);
    CHECK_OK(mov_cr(0, cr0 | CR0_NW_MASK | CR0_CD_MASK));
    CHECK_EQ(env->cr[0], cr0 | CR0_NW_MASK | CR0_CD_MASK);
    CHECK_OK(mov_cr(0, cr0 | CR0_CD_MASK));
    /* Bits 63-32 (a 64-bit mode operand): #GP; reserved bits of the low
     * half are dropped (SDM vol. 2, MOV CR) and ET stays set. */
    CHECK_GP0(mov_cr(0, cr0 | 1ull << 32));
    CHECK_GP0(mov_cr(0, cr0 | 1ull << 63));
    CHECK_OK(
        mov_cr(0, (cr0 | (1u << 6) | (1u << 17)) & ~(uint64_t)CR0_ET_MASK));
    CHECK_EQ(env->cr[0], cr0);
    uint64_t v = 0;
    CHECK_OK(read_cr(0, &v));
    CHECK_EQ(v, cr0);
    /* CPL 3: #GP for reads and writes. */
    env->hflags |= 3;
    CHECK_GP0(mov_cr(0, cr0));
    CHECK_GP0(read_cr(4, NULL));
    env->hflags &= ~3u;
    /* CR1, CR5-CR7, CR9+: #UD. */
    static const uint32_t bad[] = {1, 5, 6, 7, 9, 15};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        CHECK_EQ(mov_cr(bad[i], 0), EXCP06_ILLOP);
        CHECK_EQ(read_cr(bad[i], NULL), EXCP06_ILLOP);
    }
}

static void test_cr4_reserved_long(void)
{
    pm_env("qemu64");
    CHECK_OK(mov_cr(4, CR4_PAE_MASK | CR4_PSE_MASK | CR4_PGE_MASK |
                           CR4_OSFXSR_MASK));
    CHECK_EQ(env->cr[4],
             CR4_PAE_MASK | CR4_PSE_MASK | CR4_PGE_MASK | CR4_OSFXSR_MASK);
    /* UMIP 11, LA57 12, VMXE 13, FSGSBASE 16, PCIDE 17, OSXSAVE 18 (no
     * XSAVE on qemu64), SMEP 20, SMAP 21, PKE 22, and 63-32. */
    static const int bits[] = {11, 12, 13, 16, 17, 18, 20, 21, 22, 32, 63};
    for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
        CHECK_GP0(mov_cr(4, CR4_PAE_MASK | 1ull << bits[i]));
        CHECK_EQ(env->cr[4],
                 CR4_PAE_MASK | CR4_PSE_MASK | CR4_PGE_MASK | CR4_OSFXSR_MASK);
    }
    /* The 486 model has neither PAE nor PGE: both reserved. */
    pm_env("486");
    CHECK_GP0(mov_cr(4, CR4_PAE_MASK));
    CHECK_GP0(mov_cr(4, CR4_PGE_MASK));
    CHECK_EQ(env->cr[4], 0);
}

static void test_efer(void)
{
    pm_env("qemu64");
    CHECK_OK(wrmsr(MSR_EFER, EFER_SCE | EFER_NXE | EFER_LME));
    CHECK_EQ(env->efer, EFER_SCE | EFER_NXE | EFER_LME);
    uint64_t v = 0;
    CHECK_OK(rdmsr(MSR_EFER, &v));
    CHECK_EQ(v, EFER_SCE | EFER_NXE | EFER_LME);
    /* Reserved bits: 1-7, 9, 12 (SVME: no SVM), 14 (FFXSR), 63. */
    static const int bits[] = {1, 7, 9, 12, 14, 32, 63};
    for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
        CHECK_GP0(wrmsr(MSR_EFER, EFER_LME | 1ull << bits[i]));
        CHECK_EQ(env->efer, EFER_SCE | EFER_NXE | EFER_LME);
    }
    /* LMA is read-only: a write of it is ignored. */
    CHECK_OK(wrmsr(MSR_EFER, EFER_LMA));
    CHECK_EQ(env->efer, 0);
    /* A model without SYSCALL, LM and NX (qemu32): SCE, LME, NXE are
     * reserved; 0 is accepted. */
    pm_env("qemu32");
    CHECK_GP0(wrmsr(MSR_EFER, EFER_SCE));
    CHECK_GP0(wrmsr(MSR_EFER, EFER_LME));
    CHECK_GP0(wrmsr(MSR_EFER, EFER_NXE));
    CHECK_OK(wrmsr(MSR_EFER, 0));
    CHECK_EQ(env->efer, 0);
    /* LME changes only while paging is off (legacy paging here). */
    pm_env("qemu64");
    CHECK_OK(mov_cr(0, env->cr[0] | CR0_PG_MASK));
    CHECK_GP0(wrmsr(MSR_EFER, EFER_LME));
    CHECK_EQ(env->efer, 0);
    CHECK_OK(wrmsr(MSR_EFER, EFER_NXE));
    CHECK_EQ(env->efer, EFER_NXE);
}

/* LME, then PAE, then PG: IA-32e mode (compatibility mode, CS.L = 0). */
static void enter_long_mode(void)
{
    CHECK_OK(wrmsr(MSR_EFER, EFER_LME | EFER_NXE));
    CHECK_OK(mov_cr(3, 0x100000));
    CHECK_OK(mov_cr(4, CR4_PAE_MASK));
    CHECK_OK(mov_cr(0, env->cr[0] | CR0_PG_MASK));
}

static void test_enter_leave_long_mode(void)
{
    pm_env("qemu64");
    uint64_t cr0 = env->cr[0];
    /* PG with LME but without PAE: #GP, nothing changes. */
    CHECK_OK(wrmsr(MSR_EFER, EFER_LME));
    CHECK_GP0(mov_cr(0, cr0 | CR0_PG_MASK));
    CHECK_EQ(env->cr[0], cr0);
    CHECK_EQ(env->efer, EFER_LME);
    CHECK(!(env->hflags & HF_LMA));
    /* PAE, but CS.L = 1 (a 64-bit code segment, ignored outside IA-32e
     * mode): #GP. */
    CHECK_OK(mov_cr(4, CR4_PAE_MASK));
    env->segs[R_CS].flags |= DESC_L_MASK;
    CHECK_GP0(mov_cr(0, cr0 | CR0_PG_MASK));
    CHECK_EQ(env->efer, EFER_LME);
    env->segs[R_CS].flags &= ~DESC_L_MASK;
    /* CS.L = 0: IA-32e mode, EFER.LMA and HF_LMA set. */
    CHECK_OK(mov_cr(0, cr0 | CR0_PG_MASK));
    CHECK_EQ(env->efer, EFER_LME | EFER_LMA);
    CHECK(env->hflags & HF_LMA);
    CHECK(env->hflags & HF_PG);
    uint64_t v = 0;
    CHECK_OK(rdmsr(MSR_EFER, &v));
    CHECK_EQ(v, EFER_LME | EFER_LMA);
    /* A write of EFER without LMA leaves it set; clearing LME: #GP. */
    CHECK_OK(wrmsr(MSR_EFER, EFER_LME | EFER_NXE));
    CHECK_EQ(env->efer, EFER_LME | EFER_LMA | EFER_NXE);
    CHECK_GP0(wrmsr(MSR_EFER, EFER_NXE));
    CHECK_EQ(env->efer, EFER_LME | EFER_LMA | EFER_NXE);
    /* CR4.PAE cannot be cleared in IA-32e mode. */
    CHECK_GP0(mov_cr(4, 0));
    CHECK_EQ(env->cr[4], CR4_PAE_MASK);
    CHECK_OK(mov_cr(4, CR4_PAE_MASK | CR4_PGE_MASK));
    /* CR3 keeps 64 bits; those above MAXPHYADDR (40) are reserved. */
    CHECK_EQ(x86_cpu_phys_bits(env), 40);
    CHECK_OK(mov_cr(3, 0xff12345000ull));
    CHECK_EQ(env->cr[3], 0xff12345000ull);
    CHECK_GP0(mov_cr(3, 1ull << 40));
    CHECK_GP0(mov_cr(3, 1ull << 63));
    CHECK_EQ(env->cr[3], 0xff12345000ull);
    CHECK_OK(read_cr(3, &v));
    CHECK_EQ(v, 0xff12345000ull);
    /* CR2 is 64 bits. */
    CHECK_OK(mov_cr(2, 0xffff800012345678ull));
    CHECK_OK(read_cr(2, &v));
    CHECK_EQ(v, 0xffff800012345678ull);
    /* Clearing PG in 64-bit mode (CS.L = 1): #GP. */
    env->segs[R_CS].flags |= DESC_L_MASK;
    CHECK_GP0(mov_cr(0, cr0));
    CHECK(env->efer & EFER_LMA);
    CHECK(env->cr[0] & CR0_PG_MASK);
    /* From compatibility mode: paging off, LMA clear, LME kept. */
    env->segs[R_CS].flags &= ~DESC_L_MASK;
    CHECK_OK(mov_cr(0, cr0));
    CHECK_EQ(env->efer, EFER_LME | EFER_NXE);
    CHECK(!(env->hflags & HF_LMA));
    /* Paging off: LME may change, PAE may be cleared again. */
    CHECK_OK(wrmsr(MSR_EFER, EFER_NXE));
    CHECK_OK(mov_cr(4, 0));
    /* Legacy PAE paging with LME clear does not set LMA. */
    CHECK_OK(mov_cr(4, CR4_PAE_MASK));
    CHECK_OK(mov_cr(0, cr0 | CR0_PG_MASK));
    CHECK_EQ(env->efer, EFER_NXE);
    CHECK(!(env->hflags & HF_LMA));
    /* Outside IA-32e mode CR3's high bits are not checked (a 32-bit MOV
     * cannot set them). */
    CHECK_OK(mov_cr(3, 0xfffff000u));
}

/* A fake APIC: CR8 is its TPR[7:4]. */
static uint8_t fake_tpr;
static uint8_t fake_get_cr8(void *apic)
{
    return *(uint8_t *)apic;
}
static void fake_set_cr8(void *apic, uint8_t v)
{
    *(uint8_t *)apic = v;
}
static const X86APICOps fake_apic = {
    .get_cr8 = fake_get_cr8,
    .set_cr8 = fake_set_cr8,
};

static void test_cr8(void)
{
    pm_env("qemu64");
    enter_long_mode();
    env->segs[R_CS].flags =
        (env->segs[R_CS].flags & ~DESC_B_MASK) | DESC_L_MASK;
    env->apic_ops = &fake_apic;
    env->apic = &fake_tpr;
    fake_tpr = 0;
    CHECK_OK(mov_cr(8, 0xb));
    CHECK_EQ(fake_tpr, 0xb);
    uint64_t v = 0;
    CHECK_OK(read_cr(8, &v));
    CHECK_EQ(v, 0xb);
    fake_tpr = 3;
    CHECK_OK(read_cr(8, &v));
    CHECK_EQ(v, 3);
    /* Bits 63-4 are reserved. */
    CHECK_GP0(mov_cr(8, 0x10));
    CHECK_GP0(mov_cr(8, 1ull << 63));
    CHECK_EQ(fake_tpr, 3);
    /* CPL 3: #GP. */
    env->hflags |= 3;
    CHECK_GP0(mov_cr(8, 0));
    CHECK_GP0(read_cr(8, NULL));
    env->hflags &= ~3u;
    /* No APIC: reads 0, writes are dropped. */
    env->apic_ops = NULL;
    CHECK_OK(mov_cr(8, 5));
    CHECK_OK(read_cr(8, &v));
    CHECK_EQ(v, 0);
}

/* A non-canonical address in IA-32e mode: #GP(0), not #PF, from the
 * walk's callers (x86_probe_write here; the TLB fill does the same). */
static void test_noncanonical_gp(void)
{
    pm_env("qemu64");
    uint8_t *ram = x86h_ram();
    memset(ram + 0x100000, 0, 0x3000);
    stq_le_p(ram + 0x100000, 0x101000 | 7);
    stq_le_p(ram + 0x101000, 0x102000 | 7);
    stq_le_p(ram + 0x102000, 0x000000 | 0x83); /* 2 MiB page at 0 */
    enter_long_mode();
    CHECK_OK(probe_write(0x1000));
    CHECK_GP0(probe_write(0x0000800000000000ull));
    CHECK_GP0(probe_write(0xfff0000000001000ull));
    env->cr[2] = 0;
    CHECK_EQ(probe_write(0xffff800000001000ull), EXCP0E_PAGE);
    CHECK_EQ(env->cr[2], 0xffff800000001000ull);
    CHECK_EQ(last_err, PF_ERR_W);
}

/*
 * Identity-map the first 2 MiB through 4-level tables at 0x100000 (PML4,
 * PDPT, PD with a 2 MiB page) for the guest-code runs.
 */
static void lm_identity_tables(uint8_t *ram)
{
    memset(ram + 0x100000, 0, 0x3000);
    stq_le_p(ram + 0x100000, 0x101000 | 3);
    stq_le_p(ram + 0x101000, 0x102000 | 3);
    stq_le_p(ram + 0x102000, 0x000000 | 0x83);
}

#define D32(v) (v) & 0xff, ((v) >> 8) & 0xff, ((v) >> 16) & 0xff, (v) >> 24

/* The SDM's sequence from 32-bit protected mode, as a guest runs it. */
static const uint8_t enter_lm_code[] = {
    0xb8, D32(0x100000u),   /* mov eax, 0x100000 */
    0x0f, 0x22, 0xd8,       /* mov cr3, eax */
    0x0f, 0x20, 0xe0,       /* mov eax, cr4 */
    0x83, 0xc8, 0x20,       /* or eax, PAE */
    0x0f, 0x22, 0xe0,       /* mov cr4, eax */
    0xb9, D32(MSR_EFER),    /* mov ecx, IA32_EFER */
    0x0f, 0x32,             /* rdmsr */
    0x0d, D32(EFER_LME),    /* or eax, LME */
    0x0f, 0x30,             /* wrmsr */
    0x0f, 0x20, 0xc0,       /* mov eax, cr0 */
    0x0d, D32(CR0_PG_MASK), /* or eax, PG */
    0x0f, 0x22, 0xc0,       /* mov cr0, eax */
    /* compatibility mode from here (unless the MOV CR0 faulted) */
    0x0f, 0x32,                                 /* rdmsr */
    0x89, 0xc3,                                 /* mov ebx, eax */
    0xc7, 0x05, D32(0x5000u), D32(0x12345678u), /* mov [0x5000], imm */
};

static void test_guest_enter_long_mode(void)
{
    pm_env("qemu64");
    uint8_t *ram = x86h_ram();
    lm_identity_tables(ram);
    stl_le_p(ram + 0x5000, 0);
    X86HState st;
    x86h_state_init(&st, X86H_PM32);
    CHECK(x86h_run(&st, X86H_CODE, enter_lm_code, sizeof(enter_lm_code)));
    CHECK_EQ(st.exception, -1);
    CHECK_EQ(st.regs[R_EBX], EFER_LME | EFER_LMA);
    CHECK(env->efer & EFER_LMA);
    CHECK(env->hflags & HF_LMA);
    /* The store went through the 4-level tables: A on every level, D on
     * the 2 MiB page. */
    CHECK_EQ(ldl_le_p(ram + 0x5000), 0x12345678);
    CHECK(ldq_le_p(ram + 0x100000) & 0x20);
    CHECK(ldq_le_p(ram + 0x101000) & 0x20);
    CHECK_EQ(ldq_le_p(ram + 0x102000) & 0x60, 0x60);
    /* The monitor's view (a debugger's walk) agrees. */
    X86MMUParams p;
    X86WalkResult r;
    x86_mmu_params(&p, env);
    CHECK(
        x86_walk(&p, current_machine->as_mem, 0x5000, X86_ACCESS_READ, 0, &r));
    CHECK_EQ(r.phys, 0x5000);
    CHECK_EQ(r.page_size, 2 * MiB);
    env->efer = 0;
}

/* The same without CR4.PAE: the MOV to CR0 raises #GP(0), delivered in
 * legacy protected mode (LMA never got set). */
static void test_guest_pg_without_pae(void)
{
    pm_env("qemu64");
    uint8_t *ram = x86h_ram();
    lm_identity_tables(ram);
    uint8_t code[sizeof(enter_lm_code)];
    memcpy(code, enter_lm_code, sizeof(code));
    code[13] = 0x00; /* or eax, 0 instead of PAE */
    X86HState st;
    x86h_state_init(&st, X86H_PM32);
    x86h_run(&st, X86H_CODE, code, sizeof(code));
    CHECK_EQ(st.exception, EXCP0D_GPF);
    CHECK_EQ(st.error_code, 0);
    CHECK_EQ(st.fault_eip, X86H_CODE + 39); /* the MOV to CR0 */
    CHECK_EQ(env->efer, EFER_LME);
    CHECK(!(env->cr[0] & CR0_PG_MASK));
    env->efer = 0;
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_cr0_rules);
    TEST_RUN(test_cr4_reserved_long);
    TEST_RUN(test_efer);
    TEST_RUN(test_enter_leave_long_mode);
    TEST_RUN(test_cr8);
    TEST_RUN(test_noncanonical_gp);
    TEST_RUN(test_guest_enter_long_mode);
    TEST_RUN(test_guest_pg_without_pae);
    return test_finish();
}
