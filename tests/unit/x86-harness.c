/*
 * Running guest x86 code under the translator inside a unit test (see
 * x86-harness.h for the interface and the memory map).  Linked into every
 * unit test (TEST_LIB_OBJS).
 */
#include "tests/unit/harness.h"
#include "tests/unit/x86-harness.h"
#include "emu/machine.h"
#include "target-i386/cpuid.h"
#include "target-i386/tcg-x86.h"

#include <signal.h>
#include <sys/time.h>

static MemoryRegion x86h_mem_root, x86h_io_root, x86h_ram_mr;
static AddressSpace x86h_mem_as, x86h_io_as;
static Machine x86h_machine;
static CPUState x86h_cpu;
static const AccelOps *x86h_accel;
static bool x86h_ready;
static int x86h_run_ms = 2000;

static void x86h_watchdog(int sig)
{
    (void)sig;
    x86h_cpu.stop_request = true;
    x86h_cpu.env.exit_request = 1;
}

void x86h_set_run_timeout(int ms)
{
    x86h_run_ms = ms;
}

CPUState *x86h_init(void)
{
    Error *err = NULL;
    if (x86h_ready) {
        return &x86h_cpu;
    }
    memory_region_init(&x86h_mem_root, "system", 4 * GiB);
    if (memory_region_init_ram(&x86h_ram_mr, "ram", X86H_RAM_SIZE,
                               &err) < 0) {
        test_fail(__FILE__, __LINE__, "ram: %s", error_get_pretty(err));
        exit(1);
    }
    memory_region_add_subregion(&x86h_mem_root, 0, &x86h_ram_mr);
    memory_region_init(&x86h_io_root, "io", 64 * KiB);
    address_space_init(&x86h_mem_as, &x86h_mem_root, "memory");
    address_space_init(&x86h_io_as, &x86h_io_root, "io");
    x86h_machine.sysmem = &x86h_mem_root;
    x86h_machine.as_mem = &x86h_mem_as;
    x86h_machine.sysio = &x86h_io_root;
    x86h_machine.as_io = &x86h_io_as;
    x86h_machine.ram = &x86h_ram_mr;
    x86h_machine.nr_cpus = 1;
    x86h_machine.cpus[0] = &x86h_cpu;
    current_machine = &x86h_machine;
    first_cpu = &x86h_cpu;
    x86h_accel = accel_find("tcg");
    x86h_cpu.machine = &x86h_machine;
    x86h_cpu.accel = x86h_accel;
    /* the default CPU model (qemu32, P6 class) */
    x86_cpu_model_init(&x86h_cpu.env, NULL, NULL);
    x86_cpu_reset_state(&x86h_cpu.env);
    if (!x86h_accel || x86h_accel->init(&x86h_machine, &err) < 0 ||
        x86h_accel->vcpu_init(&x86h_cpu, &err) < 0) {
        test_fail(__FILE__, __LINE__, "tcg accelerator unavailable");
        exit(1);
    }
    signal(SIGALRM, x86h_watchdog);
    x86h_ready = true;
    return &x86h_cpu;
}

uint8_t *x86h_ram(void)
{
    return memory_region_get_ram_ptr(&x86h_ram_mr);
}

CPUX86State *x86h_env(void)
{
    return &x86h_cpu.env;
}

const AccelOps *x86h_ops(void)
{
    return x86h_accel;
}

void x86h_mark_dirty(void)
{
    x86h_cpu.state_dirty = true;
    x86h_cpu.stop_request = false;
    x86h_cpu.env.halted = false;
}

AccelExit x86h_exec(int max_calls, int timeout_ms)
{
    struct itimerval it = {{0, 0}, {timeout_ms / 1000,
                                    (timeout_ms % 1000) * 1000}};
    struct itimerval off = {{0, 0}, {0, 0}};
    AccelExit r = ACCEL_EXIT_KICKED;
    setitimer(ITIMER_REAL, &it, NULL);
    for (int i = 0; i < max_calls && r != ACCEL_EXIT_HALTED; i++) {
        r = x86h_accel->vcpu_exec(&x86h_cpu);
        if (x86h_cpu.stop_request || r == ACCEL_EXIT_SHUTDOWN ||
            r == ACCEL_EXIT_ERROR) {
            break;
        }
    }
    setitimer(ITIMER_REAL, &off, NULL);
    return r;
}

void x86h_get_state(void)
{
    x86h_accel->get_state(&x86h_cpu);
}

/* ---- x86h_run ---- */

void x86h_set_desc(int i, uint32_t e1, uint32_t e2)
{
    uint8_t *ram = x86h_ram();
    if (i < 0 || i >= X86H_GDT_ENTRIES) {
        return;
    }
    stl_le_p(ram + X86H_GDT + i * 8, e1);
    stl_le_p(ram + X86H_GDT + i * 8 + 4, e2);
}

void x86h_make_desc(uint32_t base, uint32_t limit, uint32_t attrs,
                    uint32_t *e1, uint32_t *e2)
{
    if (limit > 0xfffff) {
        limit >>= 12;
        attrs |= DESC_G_MASK;
    }
    *e1 = (base << 16) | (limit & 0xffff);
    *e2 = (base & 0xff000000) | ((base >> 16) & 0xff) | (limit & 0x000f0000) |
          (attrs & 0x00f0ff00);
}

static void set_seg_cache(SegmentCache *sc, uint32_t sel, uint32_t attrs)
{
    sc->selector = sel;
    sc->base = 0;
    sc->limit = 0xffffffff;
    sc->flags = attrs | DESC_G_MASK | DESC_A_MASK;
}

static void setup_tables(X86HMode mode)
{
    uint8_t *ram = x86h_ram();
    uint32_t e1, e2;
    const uint32_t code = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK |
                          DESC_R_MASK;
    const uint32_t data = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK;

    memset(ram + X86H_GDT, 0, X86H_GDT_ENTRIES * 8);
    x86h_make_desc(0, 0xffffffff, code | DESC_B_MASK, &e1, &e2);
    x86h_set_desc(X86H_SEL_CODE32 >> 3, e1, e2);
    x86h_make_desc(0, 0xffffffff, data | DESC_B_MASK, &e1, &e2);
    x86h_set_desc(X86H_SEL_DATA32 >> 3, e1, e2);
    x86h_make_desc(0, 0xffff, code, &e1, &e2);
    x86h_set_desc(X86H_SEL_CODE16 >> 3, e1, e2);
    x86h_make_desc(0, 0xffff, data, &e1, &e2);
    x86h_set_desc(X86H_SEL_DATA16 >> 3, e1, e2);
    /* 32-bit TSS (busy: it is loaded in TR) for ring 3 -> 0 entries */
    memset(ram + X86H_TSS, 0, 0x68);
    stl_le_p(ram + X86H_TSS + 4, X86H_STACK0);
    stl_le_p(ram + X86H_TSS + 8, X86H_SEL_DATA32);
    x86h_make_desc(X86H_TSS, 0x67, DESC_P_MASK | (0xbu << DESC_TYPE_SHIFT),
                   &e1, &e2);
    x86h_set_desc(X86H_SEL_TSS >> 3, e1, e2);

    for (int v = 0; v < 32; v++) {
        uint32_t h = X86H_HANDLERS + v * 16;
        uint8_t *p = ram + h;
        if (mode == X86H_PM32) {
            /* mov dword [X86H_EXC_RECORD], v ; hlt */
            p[0] = 0xc7;
            p[1] = 0x05;
            stl_le_p(p + 2, X86H_EXC_RECORD);
            stl_le_p(p + 6, v);
            p[10] = 0xf4;
            /* 32-bit interrupt gate, DPL 0 */
            uint8_t *g = ram + X86H_IDT + v * 8;
            stl_le_p(g, (X86H_SEL_CODE32 << 16) | (h & 0xffff));
            stl_le_p(g + 4, (h & 0xffff0000) | 0x8e00);
        } else {
            /* mov word [X86H_EXC_RECORD], v ; mov word [rec+2], 0 ; hlt */
            p[0] = 0xc7;
            p[1] = 0x06;
            stw_le_p(p + 2, X86H_EXC_RECORD);
            stw_le_p(p + 4, v);
            p[6] = 0xc7;
            p[7] = 0x06;
            stw_le_p(p + 8, X86H_EXC_RECORD + 2);
            stw_le_p(p + 10, 0);
            p[12] = 0xf4;
            stw_le_p(ram + v * 4, h & 0xffff);
            stw_le_p(ram + v * 4 + 2, 0);
        }
    }
    stl_le_p(ram + X86H_EXC_RECORD, 0xffffffff);
}

void x86h_state_init(X86HState *st, X86HMode mode)
{
    memset(st, 0, sizeof(*st));
    st->mode = mode;
    st->regs[R_ESP] = X86H_STACK;
    st->eflags = 2;
    st->exception = -1;
}

static bool vector_has_error(int v)
{
    return v == EXCP08_DBLE || (v >= EXCP0A_TSS && v <= EXCP0E_PAGE) ||
           v == EXCP11_ALGN;
}

bool x86h_run(X86HState *st, uint32_t addr, const void *code, size_t len)
{
    x86h_init();
    CPUX86State *env = x86h_env();
    uint8_t *ram = x86h_ram();

    if (addr + len + 1 > X86H_RAM_SIZE) {
        return false;
    }
    setup_tables(st->mode);
    memcpy(ram + addr, code, len);
    ram[addr + len] = 0xf4;

    x86_cpu_reset_state(env);
    for (int i = 0; i < 8; i++) {
        env->regs[i] = st->regs[i];
    }
    env->a20_mask = ~0u;
    env->eflags = (st->eflags & ~IF_MASK) | 2;
    if (st->mode == X86H_PM32) {
        const uint32_t code_attrs = DESC_P_MASK | DESC_S_MASK |
                                    DESC_CS_MASK | DESC_R_MASK | DESC_B_MASK;
        const uint32_t data_attrs = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                                    DESC_B_MASK;
        env->cr[0] = CR0_PE_MASK | CR0_ET_MASK | CR0_NE_MASK | CR0_MP_MASK;
        env->cr[4] = CR4_OSFXSR_MASK | CR4_OSXMMEXCPT_MASK;
        env->gdt.base = X86H_GDT;
        env->gdt.limit = X86H_GDT_ENTRIES * 8 - 1;
        env->idt.base = X86H_IDT;
        env->idt.limit = 32 * 8 - 1;
        env->tr.selector = X86H_SEL_TSS;
        env->tr.base = X86H_TSS;
        env->tr.limit = 0x67;
        env->tr.flags = DESC_P_MASK | (0xbu << DESC_TYPE_SHIFT);
        set_seg_cache(&env->segs[R_CS], X86H_SEL_CODE32, code_attrs);
        for (int s = 0; s < 6; s++) {
            if (s != R_CS) {
                set_seg_cache(&env->segs[s], X86H_SEL_DATA32, data_attrs);
            }
        }
        env->eip = addr;
    } else {
        for (int s = 0; s < 6; s++) {
            x86_load_seg_real(env, s, 0);
        }
        x86_load_seg_real(env, R_CS, (addr >> 4) & 0xf000);
        env->idt.base = 0;
        env->idt.limit = 0x3ff;
        env->eip = addr & 0xffff;
    }
    x86h_mark_dirty();
    AccelExit r = x86h_exec(16, x86h_run_ms);
    x86h_get_state();

    for (int i = 0; i < 8; i++) {
        st->regs[i] = env->regs[i];
    }
    st->eip = env->eip;
    st->eflags = env->eflags;
    st->halted = r == ACCEL_EXIT_HALTED;
    st->exception = -1;
    st->error_code = 0;
    st->fault_eip = 0;
    st->fault_cs = 0;
    uint32_t rec = ldl_le_p(ram + X86H_EXC_RECORD);
    if (rec != 0xffffffff) {
        uint32_t sp = st->regs[R_ESP];
        st->exception = rec;
        if (st->mode == X86H_PM32) {
            if (vector_has_error(rec)) {
                st->error_code = ldl_le_p(ram + sp);
                sp += 4;
            }
            st->fault_eip = ldl_le_p(ram + sp);
            st->fault_cs = ldl_le_p(ram + sp + 4) & 0xffff;
            st->eflags = ldl_le_p(ram + sp + 8);
            /* from ring 3 the frame holds the old ESP and SS too */
            st->regs[R_ESP] = (st->fault_cs & 3) ? ldl_le_p(ram + sp + 12)
                                                 : sp + 12;
        } else {
            sp &= 0xffff;
            st->fault_eip = ldw_le_p(ram + sp);
            st->eflags = ldw_le_p(ram + sp + 4) | (st->eflags & 0xffff0000);
            st->regs[R_ESP] = (st->regs[R_ESP] & 0xffff0000) |
                              ((sp + 6) & 0xffff);
        }
    }
    return st->halted;
}
