/*
 * Differential tester: the emulated side.  Runs a DTCase under the
 * translator in-process, in a flat 32-bit protected-mode guest at CPL 0
 * (code, data and stack at the same linear addresses as the native
 * runner), and produces a DTResult in the native runner's terms.
 *
 * Guest layout: GDT at 0x1000 (null, flat code 0x08, flat data 0x10),
 * IDT at 0x2000 with 32 interrupt gates, gate v -> 0x3000 + 4 * v where
 * a HLT waits.  The case's code is followed by HLT.  A halt after the
 * code is the normal end; a halt in a gate stub is exception v, whose
 * frame on the stack gives the faulting EIP and EFLAGS, and ESP before
 * the frame.  IF is set as for a Linux process (PUSHF images match); no
 * interrupt source exists.
 *
 * Included by tests/unit/test-difftest.c.
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

#define EMU_RAM_SIZE (2 * MiB)
#define EMU_GDT 0x1000u
#define EMU_IDT 0x2000u
#define EMU_STUBS 0x3000u

static MemoryRegion emu_mem_root, emu_io_root, emu_ram;
static AddressSpace emu_mem_as, emu_io_as;
static Machine emu_machine;
static CPUState emu_cpu;
static const AccelOps *emu_ops;

static void emu_watchdog(int sig)
{
    (void)sig;
    emu_cpu.stop_request = true;
    emu_cpu.env.exit_request = 1;
}

static bool emu_setup(void)
{
    Error *err = NULL;
    memory_region_init(&emu_mem_root, "system", 4 * GiB);
    if (memory_region_init_ram(&emu_ram, "ram", EMU_RAM_SIZE, &err) < 0) {
        return false;
    }
    memory_region_add_subregion(&emu_mem_root, 0, &emu_ram);
    memory_region_init(&emu_io_root, "io", 64 * KiB);
    address_space_init(&emu_mem_as, &emu_mem_root, "memory");
    address_space_init(&emu_io_as, &emu_io_root, "io");
    emu_machine.sysmem = &emu_mem_root;
    emu_machine.as_mem = &emu_mem_as;
    emu_machine.sysio = &emu_io_root;
    emu_machine.as_io = &emu_io_as;
    emu_machine.ram = &emu_ram;
    emu_machine.nr_cpus = 1;
    emu_machine.cpus[0] = &emu_cpu;
    current_machine = &emu_machine;
    first_cpu = &emu_cpu;
    emu_ops = accel_find("tcg");
    emu_cpu.machine = &emu_machine;
    emu_cpu.accel = emu_ops;
    /* the default model (qemu32): LOCK checks and the like depend on it */
    if (x86_cpu_model_init(&emu_cpu.env, NULL, &err) < 0) {
        return false;
    }
    x86_cpu_reset_state(&emu_cpu.env);
    if (!emu_ops || emu_ops->init(&emu_machine, &err) < 0 ||
        emu_ops->vcpu_init(&emu_cpu, &err) < 0) {
        return false;
    }
    signal(SIGVTALRM, emu_watchdog);
    return true;
}

/* GDT, IDT and stubs; rewritten per case (a stray frame may hit them). */
static void emu_tables(uint8_t *m)
{
    memset(m, 0, EMU_STUBS + DT_PAGE);
    /* flat 4 GiB code (type 0xb, DPL 0, D) and data (type 3, B) */
    stl_le_p(m + EMU_GDT + 8, 0x0000ffff);
    stl_le_p(m + EMU_GDT + 12, 0x00cf9b00);
    stl_le_p(m + EMU_GDT + 16, 0x0000ffff);
    stl_le_p(m + EMU_GDT + 20, 0x00cf9300);
    for (uint32_t v = 0; v < 32; v++) {
        uint32_t t = EMU_STUBS + 4 * v;
        stl_le_p(m + EMU_IDT + 8 * v, (0x08u << 16) | (t & 0xffff));
        stl_le_p(m + EMU_IDT + 8 * v + 4, (t & 0xffff0000u) | 0x8e00);
        m[t] = 0xf4;
    }
}

static void emu_seg(CPUX86State *env, int seg, uint32_t sel, uint32_t flags)
{
    env->segs[seg].selector = sel;
    env->segs[seg].base = 0;
    env->segs[seg].limit = 0xffffffffu;
    env->segs[seg].flags = flags;
}

static bool excp_has_error_code(int v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

/* Run c; fill r and diffs (the native runner's view). */
static void emu_run(const DTCase *c, DTResult *r, DTDiff *diffs)
{
    static uint8_t init[2 * DT_PAGE], fin[2 * DT_PAGE];
    uint8_t *m = memory_region_get_ram_ptr(&emu_ram);
    CPUX86State *env = &emu_cpu.env;
    uint32_t len = c->code_len < DT_MAX_CODE ? c->code_len : DT_MAX_CODE;

    emu_tables(m);
    memset(m + DT_CODE, 0xf4, DT_PAGE);
    memcpy(m + DT_CODE, c->code, len);
    dt_initial_pages(c, init);
    memcpy(m + DT_DATA, init, DT_PAGE);
    memcpy(m + DT_STACK, init + DT_PAGE, DT_PAGE);

    x86_cpu_reset_state(env);
    /* as Linux runs a process: x87 errors native (NE), SSE enabled */
    env->cr[0] = CR0_PE_MASK | CR0_MP_MASK | CR0_ET_MASK | CR0_NE_MASK;
    env->cr[4] = CR4_OSFXSR_MASK | CR4_OSXMMEXCPT_MASK;
    uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_R_MASK |
                    DESC_A_MASK | DESC_B_MASK | DESC_G_MASK;
    uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                    DESC_B_MASK | DESC_G_MASK;
    emu_seg(env, R_CS, 0x08, code);
    for (int s = 0; s < 6; s++) {
        if (s != R_CS) {
            emu_seg(env, s, 0x10, data);
        }
    }
    env->gdt.base = EMU_GDT;
    env->gdt.limit = 0x17;
    env->idt.base = EMU_IDT;
    env->idt.limit = 32 * 8 - 1;
    env->tr.flags = DESC_P_MASK | (11u << DESC_TYPE_SHIFT);
    env->tr.limit = 0x67;
    for (int i = 0; i < 8; i++) {
        env->regs[i] = c->regs[i];
    }
    env->eip = DT_CODE;
    env->eflags = (c->eflags & (DT_ARITH | DT_DF)) | IF_MASK | 2;
    env->a20_mask = ~0u;
    env->halted = false;
    emu_cpu.state_dirty = true;
    emu_cpu.stop_request = false;

    /* 100 ms of CPU time: a runaway case, not a slow host */
    struct itimerval it = {{0, 0}, {0, 100000}};
    setitimer(ITIMER_VIRTUAL, &it, NULL);
    AccelExit ex = ACCEL_EXIT_KICKED;
    for (int i = 0; i < 64 && ex != ACCEL_EXIT_HALTED; i++) {
        ex = emu_ops->vcpu_exec(&emu_cpu);
        if (emu_cpu.stop_request) {
            break;
        }
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_VIRTUAL, &off, NULL);
    emu_ops->get_state(&emu_cpu);

    memset(r, 0, sizeof(*r));
    r->magic = DT_MAGIC;
    for (int i = 0; i < 8; i++) {
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
        memcpy(r->fpu.xmm[i], &env->xmm[i], 16);
    }
    uint32_t eip = env->eip;
    r->eip = eip - DT_CODE;
    r->vector = DT_END;
    memcpy(fin, m + DT_DATA, DT_PAGE);
    memcpy(fin + DT_PAGE, m + DT_STACK, DT_PAGE);
    if (ex != ACCEL_EXIT_HALTED) {
        r->vector = DT_TIMEOUT;
    } else if (eip > EMU_STUBS && eip <= EMU_STUBS + 32 * 4 &&
               (eip - EMU_STUBS - 1) % 4 == 0) {
        int v = (eip - EMU_STUBS - 1) / 4;
        uint32_t sp = env->regs[R_ESP] + (excp_has_error_code(v) ? 4 : 0);
        r->vector = v;
        if (sp + 12 <= EMU_RAM_SIZE) {
            r->eip = ldl_le_p(m + sp) - DT_CODE;
            r->eflags = ldl_le_p(m + sp + 8);
        }
        /* the frame is not part of the comparison */
        for (uint32_t a = env->regs[R_ESP]; a < sp + 12; a++) {
            if (a >= DT_STACK && a < DT_STACK + DT_PAGE) {
                fin[DT_PAGE + a - DT_STACK] = init[DT_PAGE + a - DT_STACK];
            }
        }
        r->regs[DT_ESP] = sp + 12;
    } else if (eip != DT_CODE + len + 1) {
        r->vector = DT_TIMEOUT;               /* halted somewhere odd */
    }
    r->ndiff = dt_diff_pages(init, fin, diffs);
}
