/*
 * The gdbstub's x86-64 register set, for CPU models with long mode
 * (target.c chooses).  gdb gets it whatever mode the guest is in, from
 * the reset vector on: the layout cannot change during a session, and a
 * kernel debugged from its first instruction goes through real and
 * protected mode before long mode.
 *
 * Register numbers (the first 57 as gdb's own amd64 numbering, so that a
 * g packet reads the same without the description):
 *   0-15  rax rbx rcx rdx rsi rdi rbp rsp r8-r15 (8 bytes)
 *   16 rip (8), 17 eflags (4), 18-23 cs ss ds es fs gs (4)
 *   24-31 st0-st7 (10), 32-39 fctrl fstat ftag fiseg fioff foseg fooff fop
 *   40-55 xmm0-xmm15 (16), 56 mxcsr (4)                  [.core, .sse]
 *   57 fs_base, 58 gs_base (8)                           [.segments]
 *   59 k_gs_base, 60 cr0, 61 cr2, 62 cr3, 63 cr4, 64 cr8, 65 efer (8)
 *                                                        [.sys]
 * Outside 64-bit code rax-rdi and rip are what that code sees: their low
 * 32 bits, zero-extended, read and written (as QEMU does).
 */
#include "gdbstub/gdbstub-internal.h"
#include "target-i386/cpuid.h"
#include "target-i386/mmu.h"

/* The XML as gdb's features/i386 files name things (architecture
 * i386:x86-64, feature and register names gdb looks for), written for
 * emu from the list above. */
#define REG64(name, type) \
    "    <reg name=\"" name "\" bitsize=\"64\" type=\"" type "\"/>\n"
#define REG32(name, type) \
    "    <reg name=\"" name "\" bitsize=\"32\" type=\"" type "\"/>\n"
#define ST(n) "    <reg name=\"st" #n "\" bitsize=\"80\" type=\"i387_ext\"/>\n"
#define FREG(name) \
    "    <reg name=\"" name "\" bitsize=\"32\" type=\"int\" group=\"float\"/>\n"
#define XMM(n) \
    "    <reg name=\"xmm" #n "\" bitsize=\"128\" type=\"vec128\"/>\n"

const char gdb_target_xml64[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
    "<target version=\"1.0\">\n"
    "  <architecture>i386:x86-64</architecture>\n"
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
    "    <reg name=\"rax\" bitsize=\"64\" type=\"int64\" regnum=\"0\"/>\n"
    REG64("rbx", "int64") REG64("rcx", "int64") REG64("rdx", "int64")
    REG64("rsi", "int64") REG64("rdi", "int64") REG64("rbp", "data_ptr")
    REG64("rsp", "data_ptr")
    REG64("r8", "int64") REG64("r9", "int64") REG64("r10", "int64")
    REG64("r11", "int64") REG64("r12", "int64") REG64("r13", "int64")
    REG64("r14", "int64") REG64("r15", "int64")
    REG64("rip", "code_ptr")
    REG32("eflags", "x86_eflags")
    REG32("cs", "int32") REG32("ss", "int32") REG32("ds", "int32")
    REG32("es", "int32") REG32("fs", "int32") REG32("gs", "int32")
    ST(0) ST(1) ST(2) ST(3) ST(4) ST(5) ST(6) ST(7)
    FREG("fctrl") FREG("fstat") FREG("ftag") FREG("fiseg")
    FREG("fioff") FREG("foseg") FREG("fooff") FREG("fop")
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
    "    <reg name=\"xmm0\" bitsize=\"128\" type=\"vec128\" regnum=\"40\"/>\n"
    XMM(1) XMM(2) XMM(3) XMM(4) XMM(5) XMM(6) XMM(7) XMM(8)
    XMM(9) XMM(10) XMM(11) XMM(12) XMM(13) XMM(14) XMM(15)
    "    <reg name=\"mxcsr\" bitsize=\"32\" type=\"int\" group=\"vector\"/>\n"
    "  </feature>\n"
    "  <feature name=\"org.gnu.gdb.i386.segments\">\n"
    "    <reg name=\"fs_base\" bitsize=\"64\" type=\"int64\" regnum=\"57\"/>\n"
    REG64("gs_base", "int64")
    "  </feature>\n"
    "  <feature name=\"org.gnu.gdb.i386.sys\">\n"
    "    <reg name=\"k_gs_base\" bitsize=\"64\" type=\"int64\""
    " regnum=\"59\"/>\n"
    REG64("cr0", "int64") REG64("cr2", "int64") REG64("cr3", "int64")
    REG64("cr4", "int64") REG64("cr8", "int64") REG64("efer", "int64")
    "  </feature>\n"
    "</target>\n";

/* gdb's order of the first sixteen (rax rbx rcx rdx rsi rdi rbp rsp). */
static const uint8_t gpr_order[16] = {R_EAX, R_EBX, R_ECX, R_EDX,
                                      R_ESI, R_EDI, R_EBP, R_ESP,
                                      8,     9,     10,    11,
                                      12,    13,    14,    15};

/* 64-bit code: EFER.LMA and CS.L (hflags may be stale while gdb writes
 * the control registers). */
static bool code64(const CPUX86State *env)
{
    return (env->efer & EFER_LMA) && (env->segs[R_CS].flags & DESC_L_MASK);
}

static uint64_t read_cr8(const CPUX86State *env)
{
    return env->apic_ops ? env->apic_ops->get_cr8(env->apic) : 0;
}

/* The EFER bits the model has (as WRMSR takes them); LMA is derived. */
static uint64_t efer_valid(const CPUX86State *env)
{
    uint32_t ext2 = env->cpuid_ext2_features;
    return ((ext2 & CPUID_EXT2_SYSCALL) ? EFER_SCE : 0) |
           ((ext2 & CPUID_EXT2_LM) ? EFER_LME | EFER_LMA : 0) |
           ((ext2 & CPUID_EXT2_NX) ? EFER_NXE : 0);
}

/* EFER.LMA follows LME and CR0.PG (with CR4.PAE), as the CPU sets it. */
static void update_lma(CPUX86State *env)
{
    env->efer &= ~(uint64_t)EFER_LMA;
    if ((env->efer & EFER_LME) && (env->cr[0] & CR0_PG_MASK) &&
        (env->cr[4] & CR4_PAE_MASK)) {
        env->efer |= EFER_LMA;
    }
}

int gdb_read_register64(CPUState *cpu, int n, uint8_t *buf)
{
    CPUX86State *env = &cpu->env;
    uint64_t v;
    if (n < 16) {
        v = env->regs[gpr_order[n]];
        if (n < 8 && !code64(env)) {
            v = (uint32_t)v;
        }
    } else if (n == 16) {
        v = code64(env) ? env->eip : (uint32_t)env->eip;
    } else if (n == 17) {
        stl_le_p(buf, env->eflags);
        return 4;
    } else if (n < 24) {
        stl_le_p(buf, gdb_read_seg(env, n - 18));
        return 4;
    } else if (n < 40) {
        return gdb_read_x87(env, n - 24, buf);
    } else if (n < 56) {
        memcpy(buf, env->xmm[n - 40].b, 16);
        return 16;
    } else if (n == 56) {
        stl_le_p(buf, env->mxcsr);
        return 4;
    } else {
        switch (n) {
        case 57:
            v = env->segs[R_FS].base;
            break;
        case 58:
            v = env->segs[R_GS].base;
            break;
        case 59:
            v = env->kernelgsbase;
            break;
        case 60:
            v = env->cr[0];
            break;
        case 61:
            v = env->cr[2];
            break;
        case 62:
            v = env->cr[3];
            break;
        case 63:
            v = env->cr[4];
            break;
        case 64:
            v = read_cr8(env);
            break;
        case 65:
            v = env->efer;
            break;
        default:
            return 0;
        }
    }
    stq_le_p(buf, v);
    return 8;
}

int gdb_write_register64(CPUState *cpu, int n, const uint8_t *buf)
{
    CPUX86State *env = &cpu->env;
    if (n == 17) {
        env->eflags = (ldl_le_p(buf) & 0x3f7fd7) | 2; /* as the CPU has */
        return 0;
    } else if (n >= 18 && n < 24) {
        return gdb_write_seg(env, n - 18, ldl_le_p(buf));
    } else if (n >= 24 && n < 40) {
        gdb_write_x87(env, n - 24, buf);
        return 0;
    } else if (n >= 40 && n < 56) {
        memcpy(env->xmm[n - 40].b, buf, 16);
        return 0;
    } else if (n == 56) {
        env->mxcsr = ldl_le_p(buf);
        return 0;
    }
    uint64_t v = ldq_le_p(buf);
    if (n < 16) {
        env->regs[gpr_order[n]] = n < 8 && !code64(env) ? (uint32_t)v : v;
        return 0;
    }
    switch (n) {
    case 16:
        env->eip = code64(env) ? v : (uint32_t)v;
        return 0;
    case 57:
    case 58:
    case 59:
        /* What WRMSR would refuse (#GP), the debugger cannot set. */
        if (!x86_is_canonical(v)) {
            return -1;
        }
        if (n == 59) {
            env->kernelgsbase = v;
        } else {
            env->segs[n == 57 ? R_FS : R_GS].base = v;
        }
        return 0;
    case 60:
    case 63:
        /* Bits 63-32 of CR0 and CR4 are reserved.  The mode follows on
         * the next run (hflags, TLB: state_dirty). */
        if (v >> 32) {
            return -1;
        }
        env->cr[n == 60 ? 0 : 4] = v;
        update_lma(env);
        return 0;
    case 61:
        env->cr[2] = v;
        return 0;
    case 62:
        env->cr[3] = v;
        return 0;
    case 64:
        if (v > 15) {
            return -1;
        }
        if (env->apic_ops) {
            env->apic_ops->set_cr8(env->apic, v);
        }
        return 0;
    case 65:
        if (v & ~efer_valid(env)) {
            return -1;
        }
        env->efer = v;
        update_lma(env);
        return 0;
    default:
        return -1;
    }
}
