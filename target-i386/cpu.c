/*
 * x86 CPU: architectural reset state (SDM vol. 3, 9.1.1, table 9-1) and the
 * register dump behind "info registers" and crash reports.
 *
 * Accelerators keep CPUX86State current (see cpu.h); these functions only
 * read or write that struct, so they serve the translator and KVM alike.
 */
#include "emu/common.h"
#include "target-i386/cpu.h"
#include "emu/main-loop.h"

void x86_cpu_reset_state(CPUX86State *env)
{
    /* The CPUID model (the tail of the struct) survives reset. */
    memset(env, 0, offsetof(CPUX86State, cpuid_level));
    env->held_db = 0; /* exec state, past the memset */

    env->eflags = 0x2;        /* bit 1 reads as one */
    env->eip = 0xfff0;
    env->regs[R_EDX] = env->cpuid_version;
    env->df = 1;
    env->a20_mask = ~0u;      /* the board masks A20 through cpu_set_a20 */

    /* CD and NW set, ET set (x87 present): 0x60000010. */
    env->cr[0] = CR0_CD_MASK | CR0_NW_MASK | CR0_ET_MASK;

    /* CS: selector F000, base FFFF0000, so the first fetch is at
     * FFFFFFF0; present, readable, accessed code segment. */
    env->segs[R_CS].selector = 0xf000;
    env->segs[R_CS].base = 0xffff0000;
    env->segs[R_CS].limit = 0xffff;
    env->segs[R_CS].flags = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK |
                            DESC_R_MASK | DESC_A_MASK;
    for (int i = 0; i < 6; i++) {
        if (i == R_CS) {
            continue;
        }
        env->segs[i].limit = 0xffff;
        env->segs[i].flags = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                             DESC_A_MASK;
    }
    env->gdt.limit = 0xffff;
    env->idt.limit = 0xffff;
    /* LDTR: present LDT (type 2); TR: present busy 32-bit TSS (type 11),
     * which VT-x requires of TR even in real mode. */
    env->ldt.limit = 0xffff;
    env->ldt.flags = DESC_P_MASK | (2u << DESC_TYPE_SHIFT);
    env->tr.limit = 0xffff;
    env->tr.flags = DESC_P_MASK | (11u << DESC_TYPE_SHIFT);

    env->dr[6] = 0xffff0ff0;
    env->dr[7] = 0x00000400;

    /* x87 after FINIT: round to nearest, 64-bit precision, all exceptions
     * masked; every register empty. */
    env->fpuc = 0x37f;
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = 1;
    }
    env->mxcsr = 0x1f80;

    env->pat = 0x0007040600070406ULL;
    /* Local APIC at its default base, enabled (bit 11), this CPU the BSP
     * (bit 8): the board clears BSP on the other CPUs. */
    env->apic_base = 0xfee00000ULL | (1u << 11) | (1u << 8);

    env->pending_vector = -1;
}

void x86_cpu_init_state(CPUX86State *env)
{
    /* What INIT keeps: copied out, the rest reset (EFER too: long mode
     * ends with paging), copied back. */
    FPReg fpregs[8];
    XMMReg xmm[16];
    uint16_t fpuc = env->fpuc, fpus = env->fpus, fpop = env->fpop;
    uint8_t fptags[8];
    unsigned fpstt = env->fpstt;
    uint32_t mxcsr = env->mxcsr;
    uint64_t tsc = env->tsc, apic_base = env->apic_base, pat = env->pat;
    uint64_t mtrr_deftype = env->mtrr_deftype;
    uint64_t mtrr_fixed[11], mtrr_var[8][2];
    uint32_t sysenter_cs = env->sysenter_cs;
    uint64_t sysenter_esp = env->sysenter_esp, sysenter_eip = env->sysenter_eip;

    memcpy(fpregs, env->fpregs, sizeof(fpregs));
    memcpy(xmm, env->xmm, sizeof(xmm));
    memcpy(fptags, env->fptags, sizeof(fptags));
    memcpy(mtrr_fixed, env->mtrr_fixed, sizeof(mtrr_fixed));
    memcpy(mtrr_var, env->mtrr_var, sizeof(mtrr_var));

    x86_cpu_reset_state(env);

    memcpy(env->fpregs, fpregs, sizeof(fpregs));
    memcpy(env->xmm, xmm, sizeof(xmm));
    memcpy(env->fptags, fptags, sizeof(fptags));
    memcpy(env->mtrr_fixed, mtrr_fixed, sizeof(mtrr_fixed));
    memcpy(env->mtrr_var, mtrr_var, sizeof(mtrr_var));
    env->fpuc = fpuc;
    env->fpus = fpus;
    env->fpop = fpop;
    env->fpstt = fpstt;
    env->mxcsr = mxcsr;
    env->tsc = tsc;
    env->apic_base = apic_base;
    env->pat = pat;
    env->mtrr_deftype = mtrr_deftype;
    env->sysenter_cs = sysenter_cs;
    env->sysenter_esp = sysenter_esp;
    env->sysenter_eip = sysenter_eip;
    env->wait_sipi = !(apic_base & (1u << 8));
}

void x86_cpu_sipi(CPUX86State *env, uint8_t vector)
{
    if (!env->wait_sipi) {
        return;
    }
    env->wait_sipi = false;
    env->halted = false;
    env->segs[R_CS].selector = vector << 8;
    env->segs[R_CS].base = (uint32_t)vector << 12;
    env->eip = 0;
}

void x86_load_seg_real(CPUX86State *env, int seg, uint16_t sel)
{
    /* A real-mode segment load changes the selector and base only; the
     * limit and attributes stay (which is what makes "unreal mode"). */
    env->segs[seg].selector = sel;
    env->segs[seg].base = (uint64_t)sel << 4;
}

static void dump_seg(FILE *f, const char *name, const SegmentCache *sc,
                     bool lma)
{
    if (lma) {
        fprintf(f, "%-3s=%04x %016" PRIx64 " %08x %08x", name, sc->selector,
                sc->base, sc->limit, sc->flags & 0x00ffff00);
    } else {
        fprintf(f, "%-3s=%04x %08x %08x %08x", name, sc->selector,
                (uint32_t)sc->base, sc->limit, sc->flags & 0x00ffff00);
    }
    if (!(sc->flags & DESC_P_MASK)) {
        fprintf(f, "\n");
        return;
    }
    if (sc->flags & DESC_S_MASK) {
        if (sc->flags & DESC_CS_MASK) {
            fprintf(f, " DPL=%u %s [%c%c%c]\n",
                    (sc->flags >> DESC_DPL_SHIFT) & 3,
                    (sc->flags & DESC_L_MASK) ? "CS64"
                    : (sc->flags & DESC_B_MASK) ? "CS32" : "CS16",
                    (sc->flags & DESC_C_MASK) ? 'C' : '-',
                    (sc->flags & DESC_R_MASK) ? 'R' : '-',
                    (sc->flags & DESC_A_MASK) ? 'A' : '-');
        } else {
            fprintf(f, " DPL=%u %s [%c%c%c]\n",
                    (sc->flags >> DESC_DPL_SHIFT) & 3,
                    (sc->flags & DESC_B_MASK) ? "DS  " : "DS16",
                    (sc->flags & DESC_E_MASK) ? 'E' : '-',
                    (sc->flags & DESC_W_MASK) ? 'W' : '-',
                    (sc->flags & DESC_A_MASK) ? 'A' : '-');
        }
    } else {
        static const char *const sys_types[16] = {
            "Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16",
            "TaskGate", "IntGate16", "TrapGate16", "Reserved", "TSS32-avl",
            "Reserved", "TSS32-busy", "CallGate32", "Reserved", "IntGate32",
            "TrapGate32",
        };
        /* IA-32e mode: the 32-bit types are the 64-bit TSS and gates. */
        static const char *const sys_types64[16] = {
            "Reserved", "Reserved", "LDT", "Reserved", "Reserved",
            "Reserved", "Reserved", "Reserved", "Reserved", "TSS64-avl",
            "Reserved", "TSS64-busy", "CallGate64", "Reserved", "IntGate64",
            "TrapGate64",
        };
        fprintf(f, " DPL=%u %s\n", (sc->flags >> DESC_DPL_SHIFT) & 3,
                (lma ? sys_types64 : sys_types)[(sc->flags >> DESC_TYPE_SHIFT)
                                                & 15]);
    }
}

static unsigned cpu_cpl(const CPUX86State *env)
{
    if (!(env->cr[0] & CR0_PE_MASK)) {
        return 0;
    }
    if (env->eflags & VM_MASK) {
        return 3;
    }
    /* SS.DPL is the CPL (SDM vol. 3, 5.5), CS.RPL too outside transitions. */
    return (env->segs[R_SS].flags >> DESC_DPL_SHIFT) & 3;
}

static double fp_to_double(const FPReg *r)
{
    int exp = r->exp & 0x7fff;
    double v;

    if (exp == 0 && r->mant == 0) {
        v = 0.0;
    } else if (exp == 0x7fff) {
        v = (r->mant << 1) ? __builtin_nan("") : __builtin_inf();
    } else {
        v = (double)r->mant;
        v = __builtin_ldexp(v, exp - 16383 - 63);
    }
    return (r->exp & 0x8000) ? -v : v;
}

void x86_cpu_dump_state(FILE *f, const CPUX86State *env)
{
    static const char *const seg_names[6] = { "ES", "CS", "SS", "DS", "FS",
                                              "GS" };
    bool lma = env->efer & EFER_LMA;
    uint32_t ef = env->eflags;

    if (lma) {
        static const char *const names[16] = {
            "RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
            "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
        };
        static const int order[16] = { 0, 3, 1, 2, 6, 7, 5, 4,
                                       8, 9, 10, 11, 12, 13, 14, 15 };
        for (int i = 0; i < 16; i++) {
            fprintf(f, "%-3s=%016" PRIx64 "%s", names[order[i]],
                    env->regs[order[i]], (i & 3) == 3 ? "\n" : " ");
        }
        fprintf(f, "RIP=%016" PRIx64 " RFL=%08x", env->eip, ef);
    } else {
        fprintf(f, "EAX=%08x EBX=%08x ECX=%08x EDX=%08x\n",
                (uint32_t)env->regs[R_EAX], (uint32_t)env->regs[R_EBX],
                (uint32_t)env->regs[R_ECX], (uint32_t)env->regs[R_EDX]);
        fprintf(f, "ESI=%08x EDI=%08x EBP=%08x ESP=%08x\n",
                (uint32_t)env->regs[R_ESI], (uint32_t)env->regs[R_EDI],
                (uint32_t)env->regs[R_EBP], (uint32_t)env->regs[R_ESP]);
        fprintf(f, "EIP=%08x EFL=%08x", (uint32_t)env->eip, ef);
    }
    fprintf(f, " [%c%c%c%c%c%c%c] CPL=%u II=0 A20=%d SMM=0 HLT=%d\n",
            (ef & DF_MASK) ? 'D' : '-', (ef & CC_O) ? 'O' : '-',
            (ef & CC_S) ? 'S' : '-', (ef & CC_Z) ? 'Z' : '-',
            (ef & CC_A) ? 'A' : '-', (ef & CC_P) ? 'P' : '-',
            (ef & CC_C) ? 'C' : '-', cpu_cpl(env),
            (env->a20_mask >> 20) & 1, env->halted);

    for (int i = 0; i < 6; i++) {
        dump_seg(f, seg_names[i], &env->segs[i], lma);
    }
    dump_seg(f, "LDT", &env->ldt, lma);
    dump_seg(f, "TR", &env->tr, lma);
    if (lma) {
        fprintf(f, "GDT=     %016" PRIx64 " %08x\n", env->gdt.base,
                env->gdt.limit);
        fprintf(f, "IDT=     %016" PRIx64 " %08x\n", env->idt.base,
                env->idt.limit);
        fprintf(f, "CR0=%08x CR2=%016" PRIx64 " CR3=%016" PRIx64
                " CR4=%08x\n", (uint32_t)env->cr[0], env->cr[2], env->cr[3],
                (uint32_t)env->cr[4]);
        for (int i = 0; i < 4; i++) {
            fprintf(f, "DR%d=%016" PRIx64 " ", i, env->dr[i]);
        }
        fprintf(f, "\nDR6=%016" PRIx64 " DR7=%016" PRIx64 "\n", env->dr[6],
                env->dr[7]);
    } else {
        fprintf(f, "GDT=     %08x %08x\n", (uint32_t)env->gdt.base,
                env->gdt.limit);
        fprintf(f, "IDT=     %08x %08x\n", (uint32_t)env->idt.base,
                env->idt.limit);
        fprintf(f, "CR0=%08x CR2=%08x CR3=%08x CR4=%08x\n",
                (uint32_t)env->cr[0], (uint32_t)env->cr[2],
                (uint32_t)env->cr[3], (uint32_t)env->cr[4]);
        for (int i = 0; i < 4; i++) {
            fprintf(f, "DR%d=%08x ", i, (uint32_t)env->dr[i]);
        }
        fprintf(f, "\nDR6=%08x DR7=%08x\n", (uint32_t)env->dr[6],
                (uint32_t)env->dr[7]);
    }
    if (lma) {
        /* CR8, the TPR's upper half, lives in the APIC. */
        uint64_t cr8 = 0;
        if (env->apic_ops) {
            bool lock = !bql_locked(); /* -d cpu runs on the vCPU thread */
            if (lock) {
                bql_lock();
            }
            cr8 = env->apic_ops->get_cr8(env->apic);
            if (lock) {
                bql_unlock();
            }
        }
        fprintf(f, "EFER=%016" PRIx64 " CR8=%016" PRIx64 "\n", env->efer,
                cr8);
    } else {
        fprintf(f, "EFER=%016" PRIx64 "\n", env->efer);
    }

    /* FTW in the abridged form FXSAVE uses: bit i set = R(i) in use. */
    unsigned ftw = 0;
    for (int i = 0; i < 8; i++) {
        ftw |= (env->fptags[i] ? 0 : 1u) << i;
    }
    fprintf(f, "FCW=%04x FSW=%04x [ST=%u] FTW=%02x MXCSR=%08x\n", env->fpuc,
            (uint16_t)((env->fpus & ~0x3800) | ((env->fpstt & 7) << 11)),
            env->fpstt & 7, ftw, env->mxcsr);
    for (int i = 0; i < 8; i++) {
        /* FPRn is ST(n). */
        const FPReg *r = &env->fpregs[(env->fpstt + i) & 7];
        fprintf(f, "FPR%d=%016" PRIx64 " %04x (%g)%s", i, r->mant, r->exp,
                fp_to_double(r), (i & 1) ? "\n" : " ");
    }
    int nxmm = lma ? 16 : 8;
    for (int i = 0; i < nxmm; i++) {
        fprintf(f, "XMM%02d=%08x%08x%08x%08x%s", i, env->xmm[i].l[3],
                env->xmm[i].l[2], env->xmm[i].l[1], env->xmm[i].l[0],
                (i & 1) ? "\n" : " ");
    }
}
