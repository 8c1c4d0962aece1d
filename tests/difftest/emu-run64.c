/*
 * Differential tester, 64-bit mode: the emulated side.  Runs a DTCase64
 * under the translator in-process with the qemu64 CPU model, in a flat
 * long-mode guest at CPL 0, and produces a DTResult64 in the native
 * runner's terms.
 *
 * The guest state is loaded directly (no mode-switch code runs): CR0 =
 * PE|PG|MP|ET|NE, CR4 = PAE|OSFXSR|OSXMMEXCPT, EFER = LME|LMA, CR3 -> a
 * 4-level table, CS a 64-bit code segment (L=1, D=0), SS/DS/ES flat data,
 * FS/GS base 0 (the generator emits no FS/GS overrides), a 64-bit TSS
 * whose IST1 gives every exception its own stack, and a 64-bit IDT.
 * x86_update_hflags derives HF_LMA/HF_CS64 from EFER and CS.L when the
 * accelerator loads the state.
 *
 * Memory as the native process has it: 4 KiB pages map only the system
 * area (0-0x9FFF: tables, stubs, IST stack) and the code, data and stack
 * pages, identity; anything else is #PF, as it is SIGSEGV natively.
 * Layout: GDT 0x1000 (null, 64-bit code 0x08, data 0x10, TSS 0x18), IDT
 * 0x2000 (32 16-byte interrupt gates, IST 1), TSS 0x2800, stubs 0x3000
 * (gate v -> 0x3000 + 4 * v, a HLT), PML4 0x4000, PDPT 0x5000, PD 0x6000,
 * PT 0x7000, IST1 stack below 0xA000.  The case's code is followed by
 * HLT: a halt just after it is the normal end, a halt in a stub exception
 * v, whose frame on the IST stack gives RIP, RFLAGS and RSP (the case's
 * stack page is never written by a delivery).
 *
 * Until the translator has long mode (the tcg accelerator lacks
 * ACCEL_CAP_LONG_MODE, the same check that makes emu refuse -cpu qemu64
 * under -accel tcg), emu_setup64 says so and the test skips.
 *
 * Included by tests/unit/test-difftest64.c.
 */
#include "tests/unit/harness.h"
#include "emu/accel.h"
#include "emu/machine.h"
#include "target-i386/cpuid.h"
#include "target-i386/fpu-helper.h"
#include "target-i386/tcg-x86.h"
#include "tests/difftest/difftest.h"

#include <signal.h>
#include <sys/time.h>

#define EMU64_RAM_SIZE (2 * MiB)
#define EMU64_GDT 0x1000u
#define EMU64_IDT 0x2000u
#define EMU64_TSS 0x2800u
#define EMU64_STUBS 0x3000u
#define EMU64_PML4 0x4000u
#define EMU64_PDPT 0x5000u
#define EMU64_PD 0x6000u
#define EMU64_PT 0x7000u
#define EMU64_IST 0xa000u

static MemoryRegion emu64_mem_root, emu64_io_root, emu64_ram;
static AddressSpace emu64_mem_as, emu64_io_as;
static Machine emu64_machine;
static CPUState emu64_cpu;
static const AccelOps *emu64_ops;

static void emu64_watchdog(int sig)
{
    (void)sig;
    emu64_cpu.stop_request = true;
    emu64_cpu.env.exit_request = 1;
}

/*
 * Set up the machine and the qemu64 CPU.  Returns 1 when ready, 0 if the
 * translator cannot run long mode yet (why says so), -1 on an error.
 */
static int emu_setup64(char *why, size_t len)
{
    Error *err = NULL;
    emu64_ops = accel_find("tcg");
    if (!emu64_ops) {
        snprintf(why, len, "no tcg accelerator in this build");
        return -1;
    }
    if (!(emu64_ops->caps & (ACCEL_CAP_LONG_MODE | ACCEL_CAP_LONG_MODE_OPT))) {
        snprintf(why, len, "emu's translator has no long mode yet (the tcg "
                 "accelerator lacks ACCEL_CAP_LONG_MODE: emu refuses -cpu "
                 "qemu64 under -accel tcg)");
        return 0;
    }
    memory_region_init(&emu64_mem_root, "system", 4 * GiB);
    if (memory_region_init_ram(&emu64_ram, "ram", EMU64_RAM_SIZE, &err) < 0) {
        snprintf(why, len, "no RAM: %s", error_get_pretty(err));
        return -1;
    }
    memory_region_add_subregion(&emu64_mem_root, 0, &emu64_ram);
    memory_region_init(&emu64_io_root, "io", 64 * KiB);
    address_space_init(&emu64_mem_as, &emu64_mem_root, "memory");
    address_space_init(&emu64_io_as, &emu64_io_root, "io");
    emu64_machine.sysmem = &emu64_mem_root;
    emu64_machine.as_mem = &emu64_mem_as;
    emu64_machine.sysio = &emu64_io_root;
    emu64_machine.as_io = &emu64_io_as;
    emu64_machine.ram = &emu64_ram;
    emu64_machine.nr_cpus = 1;
    emu64_machine.cpus[0] = &emu64_cpu;
    current_machine = &emu64_machine;
    first_cpu = &emu64_cpu;
    emu64_cpu.machine = &emu64_machine;
    emu64_cpu.accel = emu64_ops;
    if (x86_cpu_model_init(&emu64_cpu.env, "qemu64", &err) < 0) {
        snprintf(why, len, "-cpu qemu64: %s", error_get_pretty(err));
        return -1;
    }
    x86_cpu_reset_state(&emu64_cpu.env);
    if (emu64_ops->init(&emu64_machine, &err) < 0 ||
        emu64_ops->vcpu_init(&emu64_cpu, &err) < 0) {
        snprintf(why, len, "tcg: %s", error_get_pretty(err));
        return -1;
    }
    signal(SIGVTALRM, emu64_watchdog);
    return 1;
}

static void emu64_map(uint8_t *m, uint32_t page)
{
    stq_le_p(m + EMU64_PT + (page >> 12) * 8, page | 3);
}

/* GDT, IDT, TSS, stubs, page tables; rewritten per case. */
static void emu64_tables(uint8_t *m)
{
    memset(m, 0, EMU64_IST);
    stq_le_p(m + EMU64_GDT + 8, 0x00af9b000000ffffull);
    stq_le_p(m + EMU64_GDT + 16, 0x00cf93000000ffffull);
    /* 0x18: the 64-bit TSS (16 bytes), busy, as LTR leaves it */
    stq_le_p(m + EMU64_GDT + 24, 0x00008b0000000067ull |
                                     (uint64_t)EMU64_TSS << 16);
    for (uint32_t v = 0; v < 32; v++) {
        uint64_t t = EMU64_STUBS + 4 * v;
        uint8_t *gate = m + EMU64_IDT + 16 * v;
        stl_le_p(gate, (0x08u << 16) | (t & 0xffff));
        /* IST 1, type 0xE (64-bit interrupt gate), P, DPL 0 */
        stl_le_p(gate + 4, (uint32_t)(t & 0xffff0000u) | 0x8e00 | 1);
        stl_le_p(gate + 8, (uint32_t)(t >> 32));
        m[t] = 0xf4;
    }
    stq_le_p(m + EMU64_TSS + 0x24, EMU64_IST);        /* IST1 */
    stq_le_p(m + EMU64_TSS + 4, EMU64_IST);           /* RSP0 */
    stw_le_p(m + EMU64_TSS + 0x66, 0x68);
    stq_le_p(m + EMU64_PML4, EMU64_PDPT | 3);
    stq_le_p(m + EMU64_PDPT, EMU64_PD | 3);
    stq_le_p(m + EMU64_PD, EMU64_PT | 3);
    for (uint32_t a = 0; a < EMU64_IST; a += DT_PAGE) {
        emu64_map(m, a);
    }
    emu64_map(m, DT_CODE);
    emu64_map(m, DT_DATA);
    emu64_map(m, DT_STACK);
}

static void emu64_seg(CPUX86State *env, int seg, uint32_t sel, uint32_t flags)
{
    env->segs[seg].selector = sel;
    env->segs[seg].base = 0;
    env->segs[seg].limit = 0xffffffffu;
    env->segs[seg].flags = flags;
}

static bool excp64_has_error_code(int v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

/* Run c; fill r and diffs (the native runner's view). */
static void emu_run64(const DTCase64 *c, DTResult64 *r, DTDiff *diffs)
{
    static uint8_t init[2 * DT_PAGE], fin[2 * DT_PAGE];
    uint8_t *m = memory_region_get_ram_ptr(&emu64_ram);
    CPUX86State *env = &emu64_cpu.env;
    uint32_t len = c->code_len < DT64_MAX_CODE ? c->code_len : DT64_MAX_CODE;

    emu64_tables(m);
    memset(m + DT_CODE, 0xf4, DT_PAGE);
    memcpy(m + DT_CODE, c->code, len);
    dt_initial_pages64(c, init);
    memcpy(m + DT_DATA, init, DT_PAGE);
    memcpy(m + DT_STACK, init + DT_PAGE, DT_PAGE);

    x86_cpu_reset_state(env);
    env->cr[0] = CR0_PE_MASK | CR0_MP_MASK | CR0_ET_MASK | CR0_NE_MASK |
                 CR0_PG_MASK;
    env->cr[3] = EMU64_PML4;
    env->cr[4] = CR4_PAE_MASK | CR4_OSFXSR_MASK | CR4_OSXMMEXCPT_MASK;
    env->efer = EFER_LME | EFER_LMA;
    uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
                    DESC_A_MASK | DESC_L_MASK | DESC_G_MASK;
    uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                    DESC_B_MASK | DESC_G_MASK;
    emu64_seg(env, R_CS, 0x08, code);
    for (int s = 0; s < 6; s++) {
        if (s != R_CS) {
            emu64_seg(env, s, 0x10, data);
        }
    }
    env->gdt.base = EMU64_GDT;
    env->gdt.limit = 0x27;
    env->idt.base = EMU64_IDT;
    env->idt.limit = 32 * 16 - 1;
    env->tr.selector = 0x18;
    env->tr.base = EMU64_TSS;
    env->tr.flags = DESC_P_MASK | (11u << DESC_TYPE_SHIFT);
    env->tr.limit = 0x67;
    for (int i = 0; i < 16; i++) {
        env->regs[i] = c->regs[i];
    }
    env->eip = DT_CODE;
    env->eflags = (c->eflags & (DT_ARITH | DT_DF)) | IF_MASK | 2;
    env->a20_mask = ~0u;
    env->halted = false;
    emu64_cpu.state_dirty = true;
    emu64_cpu.stop_request = false;

    struct itimerval it = {{0, 0}, {0, 100000}};
    setitimer(ITIMER_VIRTUAL, &it, NULL);
    AccelExit ex = ACCEL_EXIT_KICKED;
    for (int i = 0; i < 64 && ex != ACCEL_EXIT_HALTED; i++) {
        ex = emu64_ops->vcpu_exec(&emu64_cpu);
        if (emu64_cpu.stop_request) {
            break;
        }
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_VIRTUAL, &off, NULL);
    emu64_ops->get_state(&emu64_cpu);

    memset(r, 0, sizeof(*r));
    r->magic = DT_MAGIC64;
    for (int i = 0; i < 16; i++) {
        r->regs[i] = env->regs[i];
    }
    r->eflags = env->eflags;
    r->fpu.fcw = env->fpuc;
    r->fpu.fsw = x87_get_fsw(env);
    r->fpu.ftw = x87_get_ftw_abridged(env);
    r->fpu.mxcsr = env->mxcsr;
    for (int i = 0; i < 8; i++) {
        FPReg *f = &env->fpregs[(env->fpstt + i) & 7];
        r->fpu.st[i].mant = f->mant;
        r->fpu.st[i].exp = f->exp;
    }
    for (int i = 0; i < 16; i++) {
        memcpy(r->fpu.xmm[i], &env->xmm[i], 16);
    }
    uint64_t rip = env->eip;
    r->rip = rip - DT_CODE;
    r->vector = DT_END;
    memcpy(fin, m + DT_DATA, DT_PAGE);
    memcpy(fin + DT_PAGE, m + DT_STACK, DT_PAGE);
    if (ex != ACCEL_EXIT_HALTED) {
        r->vector = DT_TIMEOUT;
    } else if (rip > EMU64_STUBS && rip <= EMU64_STUBS + 32 * 4 &&
               (rip - EMU64_STUBS - 1) % 4 == 0) {
        int v = (int)(rip - EMU64_STUBS - 1) / 4;
        uint64_t sp = env->regs[R_ESP] + (excp64_has_error_code(v) ? 8 : 0);
        r->vector = v;
        /* the frame: RIP, CS, RFLAGS, RSP, SS (on the IST stack) */
        if (sp >= EMU64_IST - 64 && sp + 40 <= EMU64_IST) {
            r->rip = ldq_le_p(m + sp) - DT_CODE;
            r->eflags = (uint32_t)ldq_le_p(m + sp + 16);
            r->regs[R_ESP] = ldq_le_p(m + sp + 24);
        }
    } else if (rip != DT_CODE + len + 1) {
        r->vector = DT_TIMEOUT;               /* halted somewhere odd */
    }
    r->ndiff = dt_diff_pages(init, fin, diffs);
}
