/*
 * x86 guest memory under the translator, over the softmmu's public
 * interface (accel/tcg/cpu-ldst.h): the TLB fill through the page walk
 * (mmu.c), data breakpoints, the helpers' loads and stores by linear
 * address (x86_ld/x86_st in tcg-x86.h), code bytes for the decoder, the
 * bulk of REP MOVS/STOS, and port I/O.
 *
 * The softmmu's linear addresses are 64 bits.  Outside long mode (EFER.LMA
 * clear) x86 linear addresses are 32 bits and wrap at 4 GiB: the helpers'
 * accesses are wrapped here (ld_mmu/st_mmu) as the softmmu does for i32
 * addresses of generated code.
 */
#include "emu/common.h"
#include "emu/cpu-debug.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "accel/tcg/cpu-ldst.h"
#include "target-i386/mmu.h"
#include "target-i386/tcg-cpu.h"
#include "target-i386/tcg-x86.h"

#define X86_PAGE_SIZE 4096u
#define X86_PAGE_MASK (~(X86_PAGE_SIZE - 1))

int x86_mmu_index(CPUX86State *env)
{
    return (env->hflags & HF_CPL_MASK) == 3 ? 1 : 0;
}

/*
 * The walk sets A/D as the CPU does; PAGE_WRITE only when later writes
 * may go straight to the page (permitted and D already set), so the first
 * write to a clean page comes back here to set D.  In long mode the walk
 * refuses a non-canonical address: #GP(0) here, never a TLB entry.
 */
/* Within a 16-byte slot of base: an implicit stack access at it. */
static bool near(uint64_t linear, uint64_t base)
{
    return linear - base + 16 <= 32;
}

bool x86_fault_ss(const CPUX86State *env, uint64_t linear)
{
    if (env->fault_ss & X86_INSN_SS_EA) {
        return true;
    }
    /* An instruction with both a stack access and another memory
     * operand (PUSH/POP m, CALL m): the stack one is at RSP or RBP. */
    return (env->fault_ss & X86_INSN_STACK) &&
           (near(linear, env->regs[R_ESP]) || near(linear, env->regs[R_EBP]));
}

void x86_tlb_fill(CPUX86State *env, uint64_t addr, MMUAccessType access,
                  int mmu_idx, uintptr_t retaddr, TCGTLBFill *out)
{
    /* Long mode: the canonical check (#GP/#SS, not #PF) and the 4-level
     * walk belong here, before x86_walk (mmu64's part).  Outside long
     * mode every address that reaches this is below 4 GiB. */
    static const X86Access acc[] = {
        [MMU_DATA_LOAD] = X86_ACCESS_READ,
        [MMU_DATA_STORE] = X86_ACCESS_WRITE,
        [MMU_INST_FETCH] = X86_ACCESS_FETCH,
    };
    X86MMUParams p;
    X86WalkResult r;
    x86_mmu_params(&p, env);
    if (!x86_walk(&p, current_machine->as_mem, addr, acc[access],
                  X86_WALK_SET_AD | X86_WALK_BQL |
                      (mmu_idx == 1 ? X86_WALK_USER : 0),
                  &r)) {
        if (retaddr) {
            env->fault_ss = 0;
            cpu_restore_state(env, retaddr);
        }
        if (r.noncanonical) {
            x86_raise_exception_err(env, x86_fault_ss(env, addr)
                                             ? EXCP0C_STACK : EXCP0D_GPF, 0);
        }
        env->cr[2] = addr;
        x86_raise_exception_err(env, EXCP0E_PAGE, r.error_code);
    }
    /* Physical addresses above 4 GiB (PAE, PSE-36) wrap: the machine has
     * nothing there and the TLB holds 32 bits. */
    out->phys = (uint32_t)r.phys;
    out->prot = PAGE_READ |
                ((r.prot & X86_PROT_WRITE) && r.dirty ? PAGE_WRITE : 0) |
                (r.prot & X86_PROT_EXEC ? PAGE_EXEC : 0);
}

/* ---- data breakpoints (DR0-DR3 with R/W 01 or 11) ---- */

/* DRi's linear address: 32 bits outside long mode. */
static uint64_t dr_addr(const CPUX86State *env, int i)
{
    return (env->hflags & HF_LMA) ? env->dr[i] : (uint32_t)env->dr[i];
}

static uint32_t bp_len(uint32_t dr7, int i)
{
    static const uint32_t len[4] = {1, 2, 8, 4};
    return len[(dr7 >> (18 + i * 4)) & 3];
}

bool x86_page_watched(CPUX86State *env, uint64_t page)
{
    uint32_t dr7 = env->dr[7];
    const CPUState *cpu = container_of(env, CPUState, env);
    if (unlikely(cpu->debug.nwp > 0) && cpu_debug_page_watched(cpu, page)) {
        return true; /* the debugger's (emu/cpu-debug.h) */
    }
    if (likely(!(dr7 & 0xff))) {
        return false;
    }
    for (int i = 0; i < 4; i++) {
        if (((dr7 >> (i * 2)) & 3) && ((dr7 >> (16 + i * 4)) & 1) &&
            (dr_addr(env, i) & ~(uint64_t)(X86_PAGE_SIZE - 1)) == page) {
            return true;
        }
    }
    return false;
}

/* Records a hit in env->pending_db; the exec loop raises #DB after the
 * instruction (tcg-cpu.c). */
void x86_check_watchpoint(CPUX86State *env, uint64_t addr, int size, bool write)
{
    uint32_t dr7 = env->dr[7];
    CPUState *cpu = container_of(env, CPUState, env);
    if (unlikely(cpu->debug.nwp > 0)) {
        /* The debugger's: blocks are one instruction while it watches, so
         * the machine stops right after this one (the access completes,
         * gdb wants to see the new value). */
        const CPUBreakpoint *b = cpu_debug_watch_hit(cpu, addr, size, write);
        if (b) {
            cpu_debug_report_hit(cpu, b->type, false, b->addr);
        }
    }
    if (!(dr7 & 0xff)) {
        return;
    }
    for (int i = 0; i < 4; i++) {
        int rw = (dr7 >> (16 + i * 4)) & 3;
        if (!((dr7 >> (i * 2)) & 3) || !(rw & 1) || (rw == 1 && !write)) {
            continue;
        }
        uint32_t len = bp_len(dr7, i);
        uint64_t start = dr_addr(env, i) & ~(uint64_t)(len - 1);
        if (addr < start + len && addr + size > start) {
            env->pending_db |= 1u << i;
        }
    }
}

/* ---- the helpers' memory ---- */

void helper_rep_fast(CPUX86State *env, uint32_t op)
{
    uint32_t size = op & 0xf, sseg = (op >> 4) & 7;
    bool movs = op & 0x100;
    /* REP_FAST_A64: 64-bit addressing in 64-bit mode, where only FS and
     * GS have a base. */
    bool a64 = op & REP_FAST_A64;
    uint64_t amask = a64 ? ~0ull : 0xffffffffu;
    int mmu_idx = (op >> 12) & 3;
    uint32_t budget = 64 * 1024; /* bytes per call: IRQ latency */

    if (env->df != 1) {
        return;
    }
    while ((env->regs[R_ECX] & amask) != 0 && budget != 0) {
        uint64_t di = env->regs[R_EDI] & amask;
        uint64_t dlin = a64 ? di : (uint32_t)(env->segs[R_ES].base + di);
        uint64_t n = MIN(env->regs[R_ECX] & amask, budget / size);
        n = MIN(n, (X86_PAGE_SIZE - (dlin & ~X86_PAGE_MASK)) / size);
        if (n == 0) {
            return; /* an element crosses the page */
        }
        uint32_t bytes = n * size;
        if (((di + bytes) & amask) < di) {
            return; /* the offset wraps */
        }
        uint8_t *d = tlb_vaddr_to_host(env, dlin, MMU_DATA_STORE, mmu_idx);
        if (!d) {
            return;
        }
        if (movs) {
            uint64_t si = env->regs[R_ESI] & amask;
            uint64_t slin = !a64 ? (uint32_t)(env->segs[sseg].base + si)
                            : sseg == R_FS || sseg == R_GS
                                ? env->segs[sseg].base + si : si;
            uint32_t sn = (X86_PAGE_SIZE - (slin & ~X86_PAGE_MASK)) / size;
            if (sn == 0) {
                return;
            }
            if (sn < n) {
                n = sn;
                bytes = n * size;
            }
            if (((si + bytes) & amask) < si) {
                return;
            }
            const uint8_t *src =
                tlb_vaddr_to_host(env, slin, MMU_DATA_LOAD, mmu_idx);
            if (!src || (d > src && d < src + bytes)) {
                return; /* overlap: element by element */
            }
            memmove(d, src, bytes);
            env->regs[R_ESI] = (si + bytes) & amask;
        } else if (size == 1) {
            memset(d, env->regs[R_EAX] & 0xff, bytes);
        } else {
            uint64_t v = env->regs[R_EAX];
            for (uint32_t i = 0; i < bytes; i += size) {
                if (size == 2) {
                    stw_le_p(d + i, v);
                } else if (size == 4) {
                    stl_le_p(d + i, v);
                } else {
                    stq_le_p(d + i, v);
                }
            }
        }
        /* 32-bit address registers are written zero-extended. */
        env->regs[R_EDI] = (di + bytes) & amask;
        env->regs[R_ECX] = ((env->regs[R_ECX] & amask) - n) & amask;
        budget -= bytes;
    }
}

/*
 * REP INS / REP OUTS with flat segments and DF = 0: the bulk in C, under
 * one take of the global lock per page, each element still one access of
 * the device (address_space_read_rep).  A data port (NE2000, IDE PIO)
 * then costs a device call per element instead of a pass through the
 * translated loop, a port permission check and a lock.  Where anything is
 * unusual (CPL > IOPL or V86: the TSS bitmap decides; an element crossing
 * a page; a page that is not plain RAM in the TLB; an offset that wraps)
 * it returns and the per-element code after it does the rest, faults
 * included.  op: size | seg << 4 | outs << 8 | mmu_idx << 12.
 */
void helper_rep_io_fast(CPUX86State *env, uint32_t op)
{
    uint32_t size = op & 7, seg = (op >> 4) & 7;
    bool outs = op & 0x100;
    int mmu_idx = (op >> 12) & 3;
    int reg = outs ? R_ESI : R_EDI;
    uint32_t port = env->regs[R_EDX] & 0xffff;
    uint32_t budget = 16 * 1024; /* bytes per call: IRQ latency */

    if (env->df != 1 || port + size > 0x10000 ||
        (env->hflags & HF_VM) ||
        ((env->hflags & HF_PE) &&
         (env->hflags & HF_CPL_MASK) > ((env->eflags & IOPL_MASK) >> 12))) {
        return;
    }
    while (env->regs[R_ECX] != 0 && budget != 0) {
        uint32_t off = env->regs[reg], lin = env->segs[seg].base + off;
        uint32_t n = MIN(env->regs[R_ECX], budget / size);
        n = MIN(n, (X86_PAGE_SIZE - (lin & ~X86_PAGE_MASK)) / size);
        if (n == 0) {
            return; /* an element crosses the page */
        }
        uint32_t bytes = n * size;
        if (off + bytes < off) {
            return;
        }
        uint8_t *p = tlb_vaddr_to_host(
            env, lin, outs ? MMU_DATA_LOAD : MMU_DATA_STORE, mmu_idx);
        if (!p) {
            return;
        }
        bql_lock_io();
        if (outs) {
            address_space_write_rep(current_machine->as_io, port, size, p, n);
        } else {
            address_space_read_rep(current_machine->as_io, port, size, p, n);
        }
        bql_unlock_io();
        env->regs[reg] = off + bytes;
        env->regs[R_ECX] -= n;
        budget -= bytes;
    }
}

/* Outside long mode: true when the access crosses 4 GiB (it wraps). */
static bool wraps32(CPUX86State *env, uint64_t *linear, int size)
{
    if (env->hflags & HF_LMA) {
        return false;
    }
    *linear = (uint32_t)*linear;
    return *linear + size - 1 > UINT32_MAX;
}

static uint64_t ld_mmu(CPUX86State *env, uint64_t linear, int size, int mmu)
{
    if (unlikely(wraps32(env, &linear, size))) {
        uint64_t v = 0;
        for (int i = 0; i < size; i++) {
            v |= (uint64_t)cpu_ldub_mmuidx_ra(env, (uint32_t)(linear + i), mmu,
                                              0) << (8 * i);
        }
        return v;
    }
    switch (size) {
    case 8:
        return cpu_ldq_mmuidx_ra(env, linear, mmu, 0);
    case 1:
        return cpu_ldub_mmuidx_ra(env, linear, mmu, 0);
    case 2:
        return cpu_lduw_mmuidx_ra(env, linear, mmu, 0);
    default:
        return cpu_ldl_mmuidx_ra(env, linear, mmu, 0);
    }
}

static void st_mmu(CPUX86State *env, uint64_t linear, int size, uint64_t val,
                   int mmu)
{
    if (unlikely(wraps32(env, &linear, size))) {
        /* Byte by byte, as the softmmu splits a 32-bit access across
         * 4 GiB: a fault on the page at 0 leaves the bytes below 4 GiB
         * written (a helper's store only, never generated code's). */
        for (int i = 0; i < size; i++) {
            cpu_stb_mmuidx_ra(env, (uint32_t)(linear + i), val >> (8 * i), mmu,
                              0);
        }
        return;
    }
    switch (size) {
    case 8:
        cpu_stq_mmuidx_ra(env, linear, val, mmu, 0);
        break;
    case 1:
        cpu_stb_mmuidx_ra(env, linear, val, mmu, 0);
        break;
    case 2:
        cpu_stw_mmuidx_ra(env, linear, val, mmu, 0);
        break;
    default:
        cpu_stl_mmuidx_ra(env, linear, val, mmu, 0);
        break;
    }
}

/* Helpers' accesses: the current privilege's MMU mode. */
uint32_t x86_ld(CPUX86State *env, uint64_t linear, int size)
{
    return ld_mmu(env, linear, size, x86_mmu_index(env));
}

void x86_st(CPUX86State *env, uint64_t linear, int size, uint32_t val)
{
    st_mmu(env, linear, size, val, x86_mmu_index(env));
}

void x86_probe_write(CPUX86State *env, uint64_t linear)
{
    X86MMUParams p;
    X86WalkResult r;
    if (!(env->cr[0] & CR0_PG_MASK)) {
        return;
    }
    x86_mmu_params(&p, env);
    if (!x86_walk(&p, current_machine->as_mem, linear, X86_ACCESS_WRITE,
                  X86_WALK_BQL |
                      (x86_mmu_index(env) == 1 ? X86_WALK_USER : 0),
                  &r)) {
        if (r.noncanonical) {
            x86_raise_exception_err(env, EXCP0D_GPF, 0);
        }
        env->cr[2] = linear;
        x86_raise_exception_err(env, EXCP0E_PAGE, r.error_code);
    }
}

uint32_t x86_ld_sys(CPUX86State *env, uint64_t linear, int size)
{
    return ld_mmu(env, linear, size, 0);
}

void x86_st_sys(CPUX86State *env, uint64_t linear, int size, uint32_t val)
{
    st_mmu(env, linear, size, val, 0);
}

uint64_t x86_ldq_sys(CPUX86State *env, uint64_t linear)
{
    return ld_mmu(env, linear, 8, 0);
}

void x86_stq_sys(CPUX86State *env, uint64_t linear, uint64_t val)
{
    st_mmu(env, linear, 8, val, 0);
}

uint8_t x86_code_ldub(CPUX86State *env, uint64_t linear)
{
    return cpu_ldub_code(env, linear);
}

void x86_tlb_flush(CPUX86State *env)
{
    tlb_flush(env);
}

uint32_t x86_port_in(CPUX86State *env, uint32_t port, int size)
{
    uint64_t v = 0;
    bql_lock_io();
    address_space_read_val(current_machine->as_io, port, size, &v);
    bql_unlock_io();
    return v;
}

void x86_port_out(CPUX86State *env, uint32_t port, int size, uint32_t val)
{
    bql_lock_io();
    address_space_write_val(current_machine->as_io, port, size, val);
    bql_unlock_io();
}
