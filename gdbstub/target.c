/*
 * The x86 side of the gdbstub: the target description gdb asks for
 * (qXfer:features:read:target.xml), registers in gdb's i386 numbering, and
 * memory by linear address through the CPU's page tables.  CPU models
 * with long mode get the x86-64 set instead (target64.c); the x87 part
 * and the selectors are shared.
 *
 * Register numbers (gdb's i386 features "core" and "sse"):
 *   0-7 eax ecx edx ebx esp ebp esi edi, 8 eip, 9 eflags,
 *   10-15 cs ss ds es fs gs, 16-23 st0-st7 (10 bytes each, ST(i) of the
 *   stack), 24-31 fctrl fstat ftag fiseg fioff foseg fooff fop,
 *   32-39 xmm0-xmm7 (16 bytes), 40 mxcsr.  Everything else is 4 bytes.
 */
#include "gdbstub/gdbstub-internal.h"
#include "emu/machine.h"
#include "target-i386/cpuid.h"
#include "target-i386/fpu-helper.h"
#include "target-i386/mmu.h"

/*
 * Written for emu from the register list above; the types gdb predefines
 * (int32, code_ptr, data_ptr, i387_ext, ...) and a vec128 union of our
 * own for the SSE registers.
 */
const char gdb_target_xml32[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "  <architecture>i386</architecture>\n"
    "  <feature name=\"org.gnu.gdb.i386.core\">\n"
    "    <flags id=\"x86_eflags\" size=\"4\">\n"
    "      <field name=\"CF\" start=\"0\" end=\"0\"/>\n"
    "      <field name=\"PF\" start=\"2\" end=\"2\"/>\n"
    "      <field name=\"AF\" start=\"4\" end=\"4\"/>\n"
    "      <field name=\"ZF\" start=\"6\" end=\"6\"/>\n"
    "      <field name=\"SF\" start=\"7\" end=\"7\"/>\n"
    "      <field name=\"TF\" start=\"8\" end=\"8\"/>\n"
    "      <field name=\"IF\" start=\"9\" end=\"9\"/>\n"
    "      <field name=\"DF\" start=\"10\" end=\"10\"/>\n"
    "      <field name=\"OF\" start=\"11\" end=\"11\"/>\n"
    "      <field name=\"NT\" start=\"14\" end=\"14\"/>\n"
    "      <field name=\"RF\" start=\"16\" end=\"16\"/>\n"
    "      <field name=\"VM\" start=\"17\" end=\"17\"/>\n"
    "      <field name=\"AC\" start=\"18\" end=\"18\"/>\n"
    "      <field name=\"VIF\" start=\"19\" end=\"19\"/>\n"
    "      <field name=\"VIP\" start=\"20\" end=\"20\"/>\n"
    "      <field name=\"ID\" start=\"21\" end=\"21\"/>\n"
    "    </flags>\n"
    "    <reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>\n"
    "    <reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "    <reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>\n"
    "    <reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>\n"
    "    <reg name=\"eflags\" bitsize=\"32\" type=\"x86_eflags\"/>\n"
    "    <reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"es\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>\n"
    "    <reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>\n"
    "    <reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "    <reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
    "  </feature>\n"
    "  <feature name=\"org.gnu.gdb.i386.sse\">\n"
    "    <vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
    "    <vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
    "    <vector id=\"v16i8\" type=\"int8\" count=\"16\"/>\n"
    "    <vector id=\"v8i16\" type=\"int16\" count=\"8\"/>\n"
    "    <vector id=\"v4i32\" type=\"int32\" count=\"4\"/>\n"
    "    <vector id=\"v2i64\" type=\"int64\" count=\"2\"/>\n"
    "    <union id=\"vec128\">\n"
    "      <field name=\"v4_float\" type=\"v4f\"/>\n"
    "      <field name=\"v2_double\" type=\"v2d\"/>\n"
    "      <field name=\"v16_int8\" type=\"v16i8\"/>\n"
    "      <field name=\"v8_int16\" type=\"v8i16\"/>\n"
    "      <field name=\"v4_int32\" type=\"v4i32\"/>\n"
    "      <field name=\"v2_int64\" type=\"v2i64\"/>\n"
    "      <field name=\"uint128\" type=\"uint128\"/>\n"
    "    </union>\n"
    "    <reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\" regnum=\"32\"/>\n"
    "    <reg name=\"xmm1\" bitsize=\"128\" type=\"vec128\"/>\n"
    "    <reg name=\"xmm2\" bitsize=\"128\" type=\"vec128\"/>\n"
    "    <reg name=\"xmm3\" bitsize=\"128\" type=\"vec128\"/>\n"
    "    <reg name=\"xmm4\" bitsize=\"128\" type=\"vec128\"/>\n"
    "    <reg name=\"xmm5\" bitsize=\"128\" type=\"vec128\"/>\n"
    "    <reg name=\"xmm6\" bitsize=\"128\" type=\"vec128\"/>\n"
    "    <reg name=\"xmm7\" bitsize=\"128\" type=\"vec128\"/>\n"
    "    <reg name=\"mxcsr\" bitsize=\"32\" type=\"int\" group=\"vector\"/>\n"
    "  </feature>\n"
    "</target>\n";

static const uint8_t seg_order[6] = {R_CS, R_SS, R_DS, R_ES, R_FS, R_GS};

bool gdb_cpu_is64(const CPUState *cpu)
{
    return cpu && (cpu->env.cpuid_ext2_features & CPUID_EXT2_LM);
}

const char *gdb_target_xml(const CPUState *cpu)
{
    return gdb_cpu_is64(cpu) ? gdb_target_xml64 : gdb_target_xml32;
}

int gdb_num_regs(const CPUState *cpu)
{
    return gdb_cpu_is64(cpu) ? GDB_NUM_REGS64 : GDB_NUM_REGS;
}

int gdb_read_x87(const CPUX86State *env, int i, uint8_t *buf)
{
    uint32_t v;
    if (i < 8) {
        const FPReg *r = &env->fpregs[(env->fpstt + i) & 7];
        stq_le_p(buf, r->mant);
        stw_le_p(buf + 8, r->exp);
        return 10;
    }
    switch (i) {
    case 8:
        v = env->fpuc;
        break;
    case 9:
        v = x87_get_fsw((CPUX86State *)env);
        break;
    case 10:
        v = x87_get_ftw_full((CPUX86State *)env);
        break;
    case 11:
        v = env->fpcs;
        break;
    case 12:
        v = env->fpip;
        break;
    case 13:
        v = env->fpds;
        break;
    case 14:
        v = env->fpdp;
        break;
    default:
        v = env->fpop;
        break;
    }
    stl_le_p(buf, v);
    return 4;
}

void gdb_write_x87(CPUX86State *env, int i, const uint8_t *buf)
{
    if (i < 8) {
        FPReg *r = &env->fpregs[(env->fpstt + i) & 7];
        r->mant = ldq_le_p(buf);
        r->exp = ldw_le_p(buf + 8);
        return;
    }
    uint32_t v = ldl_le_p(buf);
    switch (i) {
    case 8:
        env->fpuc = v;
        break;
    case 9:
        env->fpstt = (v >> 11) & 7;
        env->fpus = v & ~0x3800u;
        break;
    case 10:
        for (int k = 0; k < 8; k++) {
            env->fptags[k] = ((v >> (2 * k)) & 3) == 3;
        }
        break;
    case 11:
        env->fpcs = v;
        break;
    case 12:
        env->fpip = v;
        break;
    case 13:
        env->fpds = v;
        break;
    case 14:
        env->fpdp = v;
        break;
    default:
        env->fpop = v & 0x7ff;
        break;
    }
}

uint32_t gdb_read_seg(const CPUX86State *env, int i)
{
    return env->segs[seg_order[i]].selector;
}

int gdb_write_seg(CPUX86State *env, int i, uint32_t sel)
{
    SegmentCache *sc = &env->segs[seg_order[i]];
    if (sel > 0xffff) {
        return -1;
    }
    if (sel == sc->selector) {
        return 0;
    }
    /* Real mode and virtual-8086: the base follows the selector.  In
     * protected mode a load needs the descriptor tables and their checks:
     * not done, the write is refused. */
    if ((env->cr[0] & CR0_PE_MASK) && !(env->eflags & VM_MASK)) {
        return -1;
    }
    sc->selector = sel;
    sc->base = sel << 4;
    return 0;
}

static int read_register32(CPUState *cpu, int n, uint8_t *buf)
{
    CPUX86State *env = &cpu->env;
    uint32_t v;
    if (n < 8) {
        v = env->regs[n];
    } else if (n == 8) {
        v = env->eip;
    } else if (n == 9) {
        v = env->eflags;
    } else if (n < 16) {
        v = gdb_read_seg(env, n - 10);
    } else if (n < 32) {
        return gdb_read_x87(env, n - 16, buf);
    } else if (n < 40) {
        memcpy(buf, env->xmm[n - 32].b, 16);
        return 16;
    } else if (n == 40) {
        v = env->mxcsr;
    } else {
        return 0;
    }
    stl_le_p(buf, v);
    return 4;
}

int gdb_read_register(CPUState *cpu, int n, uint8_t *buf)
{
    return gdb_cpu_is64(cpu) ? gdb_read_register64(cpu, n, buf)
                             : read_register32(cpu, n, buf);
}

static int write_register32(CPUState *cpu, int n, const uint8_t *buf)
{
    CPUX86State *env = &cpu->env;
    uint32_t v = ldl_le_p(buf); /* 4 bytes at least: checked by the caller */
    if (n < 8) {
        env->regs[n] = v;
    } else if (n == 8) {
        env->eip = v;
    } else if (n == 9) {
        env->eflags = (v & 0x3f7fd7) | 2; /* reserved bits as the CPU has */
    } else if (n < 16) {
        return gdb_write_seg(env, n - 10, v);
    } else if (n < 32) {
        gdb_write_x87(env, n - 16, buf);
    } else if (n < 40) {
        memcpy(env->xmm[n - 32].b, buf, 16);
    } else {
        env->mxcsr = v;
    }
    return 0;
}

int gdb_write_register(CPUState *cpu, int n, const uint8_t *buf, int size)
{
    uint8_t cur[16];
    int want = gdb_read_register(cpu, n, cur);
    if (want == 0 || size != want) {
        return -1;
    }
    int r = gdb_cpu_is64(cpu) ? gdb_write_register64(cpu, n, buf)
                              : write_register32(cpu, n, buf);
    if (r == 0) {
        cpu->state_dirty = true; /* the accelerator takes env before it runs */
    }
    return r;
}

bool gdb_valid_addr(const CPUState *cpu, uint64_t addr)
{
    return gdb_cpu_is64(cpu) ? x86_is_canonical(addr) : addr <= UINT32_MAX;
}

int gdb_memory_rw(CPUState *cpu, uint64_t addr, uint8_t *buf, size_t len,
                  bool write)
{
    Machine *m = current_machine;
    X86MMUParams p;
    x86_mmu_params(&p, &cpu->env);
    /* Outside long mode linear addresses have 32 bits: the walk would
     * wrap, gdb must hear there is nothing there (in long mode the walk
     * itself refuses a non-canonical address, page by page). */
    uint64_t top = (p.efer & EFER_LMA) ? UINT64_MAX : UINT32_MAX;
    if (addr > top || (len && len - 1 > top - addr)) {
        return -1;
    }
    while (len > 0) {
        X86WalkResult r;
        if (!x86_walk(&p, m->as_mem, addr, X86_ACCESS_READ, 0, &r)) {
            return -1;
        }
        /* Up to the end of the 4 KiB page (whatever the page size). */
        size_t n = MIN(len, 0x1000 - (addr & 0xfff));
        /* RAM and devices as the CPU sees them (ROM ignores writes);
         * nothing at all there is an error, as for an unmapped page. */
        if (!address_space_rw(m->as_mem, r.phys, buf, n, write)) {
            return -1;
        }
        addr += n;
        buf += n;
        len -= n;
    }
    return 0;
}
