/*
 * x87 FPU instructions (SDM vol. 1, chapter 8; vol. 2, the F* entries)
 * for the translator.  See fpu-helper.h for the interface and the state
 * layout; the arithmetic is in softfloat-x80.c.
 *
 * Exception responses (SDM vol. 1, 8.5): operations compute the masked
 * response; when an unmasked IE, DE or ZE is raised the destination and
 * TOP stay unchanged, an unmasked OE/UE delivers the biased result.  Stack
 * faults (8.5.1.1) are IE + SF with C1 = 1 for overflow, 0 for underflow;
 * masked, the instruction goes on with the indefinite.
 */
#include "target-i386/fpu-helper.h"
#include "target-i386/softfloat-x80.h"
#include "target-i386/tcg-x86.h"
#include "emu/log.h"

/* FSW bits (SDM vol. 1, figure 8-4). */
#define FSW_SF 0x0040
#define FSW_ES 0x0080
#define FSW_C0 0x0100
#define FSW_C1 0x0200
#define FSW_C2 0x0400
#define FSW_TOP 0x3800
#define FSW_C3 0x4000
#define FSW_B 0x8000
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)
#define FSW_EXC 0x003f

#define ST(i) (env->fpregs[(env->fpstt + (i)) & 7])

/* ---- state helpers ---- */

static unsigned phys(const CPUX86State *env, int i)
{
    return (env->fpstt + i) & 7;
}

static bool st_empty(const CPUX86State *env, int i)
{
    return env->fptags[phys(env, i)] != 0;
}

static void fpush(CPUX86State *env, FPReg v)
{
    env->fpstt = (env->fpstt - 1) & 7;
    env->fpregs[env->fpstt] = v;
    env->fptags[env->fpstt] = 0;
}

static void fpop(CPUX86State *env)
{
    env->fptags[env->fpstt & 7] = 1;
    env->fpstt = (env->fpstt + 1) & 7;
}

static void st_set(CPUX86State *env, int i, FPReg v)
{
    env->fpregs[phys(env, i)] = v;
    env->fptags[phys(env, i)] = 0;
}

/* ES and B summarise the unmasked exception flags. */
static void update_es(CPUX86State *env)
{
    if (env->fpus & ~env->fpuc & FSW_EXC) {
        env->fpus |= FSW_ES | FSW_B;
    } else {
        env->fpus &= ~(FSW_ES | FSW_B);
    }
}

static void set_c1(CPUX86State *env, bool c1)
{
    env->fpus = (env->fpus & ~FSW_C1) | (c1 ? FSW_C1 : 0);
}

/*
 * A stack fault.  Returns true when it is masked, i.e. the instruction
 * goes on with the indefinite.
 */
static bool stack_fault(CPUX86State *env, bool overflow)
{
    env->fpus |= X80_IE | FSW_SF;
    set_c1(env, overflow);
    update_es(env);
    return env->fpuc & X80_IE;
}

static void status_of(CPUX86State *env, X80Status *s)
{
    x80_status_init(s, env->fpuc);
}

/*
 * Fold an operation's flags into FSW.  Returns whether the result is to be
 * written: not when an unmasked IE/DE/ZE stopped the operation.
 */
static bool commit(CPUX86State *env, X80Status *s)
{
    uint8_t unmasked = s->flags & ~env->fpuc & (X80_IE | X80_DE | X80_ZE);

    if (unmasked) {
        env->fpus |= s->flags & (X80_IE | X80_DE | X80_ZE);
        set_c1(env, false);
        update_es(env);
        return false;
    }
    env->fpus |= s->flags;
    set_c1(env, s->c1);
    update_es(env);
    return true;
}

uint16_t x87_get_fsw(const CPUX86State *env)
{
    return (env->fpus & ~FSW_TOP) | ((env->fpstt & 7) << 11);
}

uint16_t x87_get_ftw_full(const CPUX86State *env)
{
    uint16_t ftw = 0;

    for (int i = 0; i < 8; i++) {
        unsigned tag;
        if (env->fptags[i]) {
            tag = 3;
        } else {
            switch (x80_classify(env->fpregs[i])) {
            case X80_CLASS_ZERO:
                tag = 1;
                break;
            case X80_CLASS_NORMAL:
                tag = 0;
                break;
            default:
                tag = 2;
                break;
            }
        }
        ftw |= tag << (2 * i);
    }
    return ftw;
}

uint8_t x87_get_ftw_abridged(const CPUX86State *env)
{
    uint8_t t = 0;

    for (int i = 0; i < 8; i++) {
        t |= (env->fptags[i] ? 0 : 1) << i;
    }
    return t;
}

void x87_reset(CPUX86State *env)
{
    env->fpuc = 0x037f;
    env->fpus = 0;
    env->fpstt = 0;
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = 1;
    }
    env->fpop = 0;
    env->fpip = env->fpdp = 0;
    env->fpcs = env->fpds = 0;
}

/* ---- memory ---- */

static uint64_t ld64(CPUX86State *env, const X87MemOps *ops, uint32_t a)
{
    uint64_t lo = ops->ld(env, a, 4);
    return lo | (uint64_t)ops->ld(env, a + 4, 4) << 32;
}

static void st64(CPUX86State *env, const X87MemOps *ops, uint32_t a,
                 uint64_t v)
{
    ops->st(env, a, 4, (uint32_t)v);
    ops->st(env, a + 4, 4, (uint32_t)(v >> 32));
}

static FPReg ld80(CPUX86State *env, const X87MemOps *ops, uint32_t a)
{
    FPReg r;
    r.mant = ld64(env, ops, a);
    r.exp = (uint16_t)ops->ld(env, a + 8, 2);
    return r;
}

static void st80(CPUX86State *env, const X87MemOps *ops, uint32_t a,
                 FPReg v)
{
    st64(env, ops, a, v.mant);
    ops->st(env, a + 8, 2, v.exp);
}

/* ---- exceptions ---- */

static void check_nm(CPUX86State *env, const X87MemOps *ops)
{
    if (env->cr[0] & (CR0_EM_MASK | CR0_TS_MASK)) {
        ops->raise(env, EXCP07_PREX, 0);
    }
}

/* A waiting instruction with an unmasked exception pending (8.7). */
static void check_pending(CPUX86State *env, const X87MemOps *ops)
{
    if (!(env->fpus & FSW_ES)) {
        return;
    }
    if (env->cr[0] & CR0_NE_MASK) {
        ops->raise(env, EXCP10_COPR, 0);
    }
    log_unimp_once("x87: FERR# (CR0.NE=0 error reporting) not supported");
}

/* ---- the arithmetic group (D8/DA/DC/DE) ---- */

enum { A_ADD, A_MUL, A_COM, A_COMP, A_SUB, A_SUBR, A_DIV, A_DIVR };

static void set_compare_cc(CPUX86State *env, int rel)
{
    uint16_t cc;

    switch (rel) {
    case X80_LT:
        cc = FSW_C0;
        break;
    case X80_EQ:
        cc = FSW_C3;
        break;
    case X80_GT:
        cc = 0;
        break;
    default:
        cc = FSW_C0 | FSW_C2 | FSW_C3;
        break;
    }
    env->fpus = (env->fpus & ~FSW_CC) | cc;
}

/* FCOM family: compare ST0 with b, pop npop times. */
static void do_compare(CPUX86State *env, FPReg b, bool b_empty, bool quiet,
                       int npop, X80Status *s)
{
    int rel;

    if (st_empty(env, 0) || b_empty) {
        set_compare_cc(env, X80_UNORD);
        if (!stack_fault(env, false)) {
            return;
        }
    } else {
        /* The condition codes are the result: set even when an unmasked
         * exception is raised, which only suppresses the pop. */
        rel = x80_compare(ST(0), b, quiet, s);
        bool ok = commit(env, s);
        set_compare_cc(env, rel);
        if (!ok) {
            return;
        }
    }
    while (npop--) {
        fpop(env);
    }
}

/*
 * Arithmetic on a and b into ST(dst); kind as the ModRM reg field of D8
 * (for D8 forms a = ST0, for DC/DE register forms a = ST(i)).
 */
static void do_arith(CPUX86State *env, int kind, int dst, FPReg a, FPReg b,
                     bool pop, X80Status *s)
{
    FPReg r;

    switch (kind) {
    case A_ADD:
        r = x80_add(a, b, s);
        break;
    case A_MUL:
        r = x80_mul(a, b, s);
        break;
    case A_SUB:
        r = x80_sub(a, b, s);
        break;
    case A_SUBR:
        r = x80_sub(b, a, s);
        break;
    case A_DIV:
        r = x80_div(a, b, s);
        break;
    default:
        r = x80_div(b, a, s);
        break;
    }
    if (!commit(env, s)) {
        return;
    }
    st_set(env, dst, r);
    if (pop) {
        fpop(env);
    }
}

/* Memory-operand arithmetic: ST0 = ST0 op src. */
static void arith_mem(CPUX86State *env, int kind, FPReg src, X80Status *s)
{
    X80Class c0 = x80_classify(ST(0));

    /* A denormal m32fp/m64fp operand is not reported when ST0 is a NaN
     * or unsupported (the NaN/invalid response comes first). */
    if (!st_empty(env, 0) &&
        (c0 == X80_CLASS_QNAN || c0 == X80_CLASS_SNAN ||
         c0 == X80_CLASS_UNSUPPORTED)) {
        s->flags &= ~X80_DE;
    }
    if (kind == A_COM || kind == A_COMP) {
        do_compare(env, src, false, false, kind == A_COMP, s);
        return;
    }
    if (st_empty(env, 0)) {
        if (stack_fault(env, false)) {
            st_set(env, 0, x80_indefinite());
        }
        return;
    }
    do_arith(env, kind, 0, ST(0), src, false, s);
}

/* Register arithmetic: D8 (dst ST0), DC and DE (dst ST(i), DE pops). */
static void arith_reg(CPUX86State *env, uint8_t op, int kind, int i,
                      X80Status *s)
{
    int dst = op == 0xd8 ? 0 : i;

    if (kind == A_COM || kind == A_COMP) {
        do_compare(env, ST(i), st_empty(env, i), false,
                   (kind == A_COMP) + (op == 0xde), s);
        return;
    }
    if (st_empty(env, 0) || st_empty(env, i)) {
        if (stack_fault(env, false)) {
            st_set(env, dst, x80_indefinite());
            if (op == 0xde) {
                fpop(env);
            }
        }
        return;
    }
    if (op == 0xd8) {
        do_arith(env, kind, 0, ST(0), ST(i), false, s);
    } else {
        /* DC/DE name the reversed operation: E0+i is FSUBR ST(i),ST0. */
        if (kind >= A_SUB) {
            kind ^= 1;
        }
        do_arith(env, kind, i, ST(i), ST(0), op == 0xde, s);
    }
}

/* ---- loads and stores ---- */

static void do_push(CPUX86State *env, FPReg v, X80Status *s)
{
    if (!st_empty(env, -1)) {
        if (stack_fault(env, true)) {
            fpush(env, x80_indefinite());
        }
        return;
    }
    if (!commit(env, s)) {
        return;
    }
    fpush(env, v);
}

/* FLD m32fp/m64fp: SNaNs are invalid and quietened, denormals DE. */
static void fld_ieee(CPUX86State *env, FPReg v, X80Status *s)
{
    if (x80_classify(v) == X80_CLASS_SNAN) {
        s->flags |= X80_IE;
        v.mant |= X80_QUIET;
    }
    /* The widening is exact: an unmasked DE does not stop the load. */
    if ((s->flags & X80_DE) && st_empty(env, -1)) {
        env->fpus |= X80_DE;
        s->flags &= ~X80_DE;
        update_es(env);
    }
    do_push(env, v, s);
}

/*
 * Stores.  kind: 0 m32fp, 1 m64fp, 2 m80fp, 3 m16int, 4 m32int,
 * 5 m64int, 6 m80bcd; trunc for FISTTP.
 */
static void do_store(CPUX86State *env, const X87MemOps *ops, int kind,
                     uint32_t ea, bool pop, bool trunc, X80Status *s)
{
    FPReg v = ST(0);
    uint64_t bits = 0;
    uint8_t bcd[10];
    bool empty = st_empty(env, 0);

    if (empty) {
        if (!stack_fault(env, false)) {
            return;
        }
        v = x80_indefinite();
    }
    switch (kind) {
    case 0:
        bits = x80_to_f32(v, s);
        break;
    case 1:
        bits = x80_to_f64(v, s);
        break;
    case 2:
        break;
    case 3:
        bits = (uint64_t)x80_to_int(v, 16, trunc, s);
        break;
    case 4:
        bits = (uint64_t)x80_to_int(v, 32, trunc, s);
        break;
    case 5:
        bits = (uint64_t)x80_to_int(v, 64, trunc, s);
        break;
    default:
        x80_to_bcd(v, bcd, s);
        break;
    }
    if (empty) {
        s->flags = 0;       /* the stack fault already told */
        s->c1 = false;
    } else {
        /* A memory destination is left alone on any unmasked IE/OE/UE. */
        uint8_t unmasked = s->flags & ~env->fpuc &
                           (X80_IE | X80_OE | X80_UE);
        if (unmasked) {
            env->fpus |= s->flags & (X80_IE | X80_OE | X80_UE);
            set_c1(env, false);
            update_es(env);
            return;
        }
    }
    switch (kind) {
    case 0:
    case 4:
        ops->st(env, ea, 4, (uint32_t)bits);
        break;
    case 1:
    case 5:
        st64(env, ops, ea, bits);
        break;
    case 2:
        st80(env, ops, ea, v);
        break;
    case 3:
        ops->st(env, ea, 2, (uint32_t)bits & 0xffff);
        break;
    default:
        for (int i = 0; i < 10; i++) {
            ops->st(env, ea + i, 1, bcd[i]);
        }
        break;
    }
    if (!empty) {
        env->fpus |= s->flags;
        set_c1(env, s->c1);
        update_es(env);
    }
    if (pop) {
        fpop(env);
    }
}

/* ---- environment (SDM vol. 1, 8.1.10, figures 8-9 to 8-12) ---- */

static bool fpu_protected(const CPUX86State *env)
{
    return (env->cr[0] & CR0_PE_MASK) && !(env->eflags & VM_MASK);
}

/* Store the environment; returns its size. */
static int store_env(CPUX86State *env, const X87MemOps *ops, uint32_t ea,
                     bool data32)
{
    uint16_t fsw = x87_get_fsw(env), ftw = x87_get_ftw_full(env);
    bool pm = fpu_protected(env);
    uint32_t ip = (uint32_t)env->fpip, dp = (uint32_t)env->fpdp;

    if (!pm) {
        ip += (uint32_t)env->fpcs << 4;
        dp += (uint32_t)env->fpds << 4;
    }
    if (data32) {
        /* Reserved upper halves read as ones (as the P6 stores them). */
        ops->st(env, ea, 4, 0xffff0000u | env->fpuc);
        ops->st(env, ea + 4, 4, 0xffff0000u | fsw);
        ops->st(env, ea + 8, 4, 0xffff0000u | ftw);
        if (pm) {
            ops->st(env, ea + 12, 4, ip);
            ops->st(env, ea + 16, 4,
                    env->fpcs | ((uint32_t)(env->fpop & 0x7ff) << 16));
            ops->st(env, ea + 20, 4, dp);
            ops->st(env, ea + 24, 4, 0xffff0000u | env->fpds);
        } else {
            ops->st(env, ea + 12, 4, 0xffff0000u | (ip & 0xffff));
            ops->st(env, ea + 16, 4,
                    ((ip >> 16) << 12) | (env->fpop & 0x7ff));
            ops->st(env, ea + 20, 4, 0xffff0000u | (dp & 0xffff));
            ops->st(env, ea + 24, 4, (dp >> 16) << 12);
        }
        return 28;
    }
    ops->st(env, ea, 2, env->fpuc);
    ops->st(env, ea + 2, 2, fsw);
    ops->st(env, ea + 4, 2, ftw);
    if (pm) {
        ops->st(env, ea + 6, 2, ip & 0xffff);
        ops->st(env, ea + 8, 2, env->fpcs);
        ops->st(env, ea + 10, 2, dp & 0xffff);
        ops->st(env, ea + 12, 2, env->fpds);
    } else {
        ops->st(env, ea + 6, 2, ip & 0xffff);
        ops->st(env, ea + 8, 2,
                ((ip >> 16) & 0xf) << 12 | (env->fpop & 0x7ff));
        ops->st(env, ea + 10, 2, dp & 0xffff);
        ops->st(env, ea + 12, 2, ((dp >> 16) & 0xf) << 12);
    }
    return 14;
}

typedef struct X87Env {
    uint16_t fcw, fsw, ftw, fop, fcs, fds;
    uint32_t fip, fdp;
} X87Env;

static int read_env(CPUX86State *env, const X87MemOps *ops, uint32_t ea,
                    bool data32, X87Env *e)
{
    bool pm = fpu_protected(env);

    if (data32) {
        e->fcw = (uint16_t)ops->ld(env, ea, 2);
        e->fsw = (uint16_t)ops->ld(env, ea + 4, 2);
        e->ftw = (uint16_t)ops->ld(env, ea + 8, 2);
        if (pm) {
            uint32_t w = ops->ld(env, ea + 16, 4);
            e->fip = ops->ld(env, ea + 12, 4);
            e->fcs = (uint16_t)w;
            e->fop = (w >> 16) & 0x7ff;
            e->fdp = ops->ld(env, ea + 20, 4);
            e->fds = (uint16_t)ops->ld(env, ea + 24, 2);
        } else {
            uint32_t w = ops->ld(env, ea + 16, 4);
            e->fip = (ops->ld(env, ea + 12, 2)) | ((w >> 12) & 0xffff) << 16;
            e->fop = w & 0x7ff;
            e->fdp = ops->ld(env, ea + 20, 2) |
                     ((ops->ld(env, ea + 24, 4) >> 12) & 0xffff) << 16;
            e->fcs = e->fds = 0;
        }
        return 28;
    }
    e->fcw = (uint16_t)ops->ld(env, ea, 2);
    e->fsw = (uint16_t)ops->ld(env, ea + 2, 2);
    e->ftw = (uint16_t)ops->ld(env, ea + 4, 2);
    if (pm) {
        e->fip = ops->ld(env, ea + 6, 2);
        e->fcs = (uint16_t)ops->ld(env, ea + 8, 2);
        e->fdp = ops->ld(env, ea + 10, 2);
        e->fds = (uint16_t)ops->ld(env, ea + 12, 2);
        e->fop = 0;
    } else {
        uint32_t w = ops->ld(env, ea + 8, 2);
        e->fip = ops->ld(env, ea + 6, 2) | ((w >> 12) << 16);
        e->fop = w & 0x7ff;
        e->fdp = ops->ld(env, ea + 10, 2) |
                 ((ops->ld(env, ea + 12, 2) >> 12) << 16);
        e->fcs = e->fds = 0;
    }
    return 14;
}

static void set_fcw(CPUX86State *env, uint16_t fcw)
{
    /* Bit 6 reads as one, 13-15 as zero. */
    env->fpuc = (fcw & 0x1f3f) | 0x0040;
}

static void apply_env(CPUX86State *env, const X87Env *e)
{
    set_fcw(env, e->fcw);
    env->fpstt = (e->fsw >> 11) & 7;
    env->fpus = e->fsw & ~FSW_TOP;
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = ((e->ftw >> (2 * i)) & 3) == 3;
    }
    env->fpip = e->fip;
    env->fpcs = e->fcs;
    env->fpdp = e->fdp;
    env->fpds = e->fds;
    env->fpop = e->fop;
    update_es(env);
}

/* ---- transcendental functions on the host x87 ---- */

#if defined(__x86_64__) || defined(__i386__)
typedef struct HostFsave {
    uint8_t b[108];
} HostFsave;

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static void host_transcendental(CPUX86State *env, uint8_t modrm)
{
    HostFsave img, saved;
    uint16_t fsw, ftw;

    memset(&img, 0, sizeof(img));
    wr16(img.b, env->fpuc);
    /* No pending exception may be loaded: it would trap at the op. */
    wr16(img.b + 4, (uint16_t)(x87_get_fsw(env) &
                               ~(FSW_EXC | FSW_SF | FSW_ES | FSW_B)));
    wr16(img.b + 8, x87_get_ftw_full(env));
    for (int i = 0; i < 8; i++) {
        FPReg r = ST(i);
        memcpy(img.b + 28 + 10 * i, &r.mant, 8);
        wr16(img.b + 36 + 10 * i, r.exp);
    }
    __asm__ volatile("fnsave %0" : "=m"(saved));
    __asm__ volatile("frstor %0" : : "m"(img));
    switch (modrm) {
    case 0xf0:
        __asm__ volatile("f2xm1");
        break;
    case 0xf1:
        __asm__ volatile("fyl2x");
        break;
    case 0xf2:
        __asm__ volatile("fptan");
        break;
    case 0xf3:
        __asm__ volatile("fpatan");
        break;
    case 0xf9:
        __asm__ volatile("fyl2xp1");
        break;
    case 0xfb:
        __asm__ volatile("fsincos");
        break;
    case 0xfe:
        __asm__ volatile("fsin");
        break;
    default:
        __asm__ volatile("fcos");
        break;
    }
    /* FNSAVE does not wait, so an unmasked exception does not trap. */
    __asm__ volatile("fnsave %0" : "=m"(img));
    __asm__ volatile("frstor %0" : : "m"(saved));

    fsw = rd16(img.b + 4);
    ftw = rd16(img.b + 8);
    env->fpstt = (fsw >> 11) & 7;
    for (int i = 0; i < 8; i++) {
        FPReg r;
        memcpy(&r.mant, img.b + 28 + 10 * i, 8);
        r.exp = rd16(img.b + 36 + 10 * i);
        ST(i) = r;
        env->fptags[phys(env, i)] = ((ftw >> (2 * phys(env, i))) & 3) == 3;
    }
    env->fpus = (env->fpus & (FSW_EXC | FSW_SF)) |
                (fsw & ~(FSW_TOP | FSW_ES | FSW_B));
    update_es(env);
}
#else
static void host_transcendental(CPUX86State *env, uint8_t modrm)
{
    log_unimp_once("x87: transcendental instructions need an x86 host");
    ST(0) = x80_indefinite();
    env->fpus |= X80_IE;
    update_es(env);
}
#endif

/* ---- register forms of D9 ---- */

static void d9_reg(CPUX86State *env, const X87MemOps *ops, uint8_t modrm,
                   X80Status *s)
{
    int i = modrm & 7;
    FPReg a, b, r;
    uint16_t cc;

    switch (modrm) {
    case 0xc0 ... 0xc7:     /* FLD ST(i) */
        if (st_empty(env, i)) {
            /* An empty source is reported as underflow even when the
             * stack is also full. */
            if (stack_fault(env, false)) {
                fpush(env, x80_indefinite());
            }
            return;
        }
        do_push(env, ST(i), s);
        return;
    case 0xc8 ... 0xcf:     /* FXCH ST(i) */
        if (st_empty(env, 0) || st_empty(env, i)) {
            if (!stack_fault(env, false)) {
                return;
            }
            if (st_empty(env, 0)) {
                st_set(env, 0, x80_indefinite());
            }
            if (st_empty(env, i)) {
                st_set(env, i, x80_indefinite());
            }
        }
        a = ST(0);
        ST(0) = ST(i);
        ST(i) = a;
        set_c1(env, false);
        return;
    case 0xd0:              /* FNOP */
        return;
    case 0xd8 ... 0xdf:     /* FSTP1 (undocumented alias of FSTP ST(i)) */
        break;
    case 0xe0:              /* FCHS */
    case 0xe1:              /* FABS */
        if (st_empty(env, 0)) {
            if (stack_fault(env, false)) {
                st_set(env, 0, x80_indefinite());
            }
            return;
        }
        if (modrm == 0xe0) {
            ST(0).exp ^= 0x8000;
        } else {
            ST(0).exp &= 0x7fff;
        }
        set_c1(env, false);
        return;
    case 0xe4:              /* FTST */
        do_compare(env, x80_zero(false), false, false, 0, s);
        return;
    case 0xe5: {            /* FXAM (C3 C2 C0, C1 = sign) */
        static const uint16_t cls[] = {
            [X80_CLASS_ZERO] = FSW_C3,
            [X80_CLASS_DENORMAL] = FSW_C3 | FSW_C2,
            [X80_CLASS_NORMAL] = FSW_C2,
            [X80_CLASS_INF] = FSW_C2 | FSW_C0,
            [X80_CLASS_QNAN] = FSW_C0,
            [X80_CLASS_SNAN] = FSW_C0,
            [X80_CLASS_UNSUPPORTED] = 0,
        };
        cc = st_empty(env, 0) ? FSW_C3 | FSW_C0 : cls[x80_classify(ST(0))];
        if (x80_sign(ST(0))) {
            cc |= FSW_C1;
        }
        env->fpus = (env->fpus & ~FSW_CC) | cc;
        return;
    }
    case 0xe8 ... 0xee:     /* FLD1 .. FLDZ */
        do_push(env, x80_const(modrm - 0xe8, s->rc), s);
        return;
    case 0xf0 ... 0xf3:
    case 0xf9:
    case 0xfb:
    case 0xfe:
    case 0xff:
        host_transcendental(env, modrm);
        return;
    case 0xf4:              /* FXTRACT */
        if (st_empty(env, 0)) {
            if (stack_fault(env, false)) {
                st_set(env, 0, x80_indefinite());
                fpush(env, x80_indefinite());
            }
            return;
        }
        if (!st_empty(env, -1)) {
            if (stack_fault(env, true)) {
                st_set(env, 0, x80_indefinite());
                fpush(env, x80_indefinite());
            }
            return;
        }
        x80_xtract(ST(0), &a, &b, s);
        if (!commit(env, s)) {
            return;
        }
        ST(0) = b;
        fpush(env, a);
        return;
    case 0xf5:              /* FPREM1 */
    case 0xf8:              /* FPREM */
        if (st_empty(env, 0) || st_empty(env, 1)) {
            env->fpus &= ~FSW_C2;
            if (stack_fault(env, false)) {
                st_set(env, 0, x80_indefinite());
            }
            return;
        }
        r = x80_rem(ST(0), ST(1), modrm == 0xf5, s, &cc);
        if (!commit(env, s)) {
            env->fpus &= ~FSW_C2;
            return;
        }
        if (cc == X80_REM_NOQ) {
            /* NaN or invalid operands: no quotient, C0 and C3 kept */
            env->fpus &= ~FSW_C2;
        } else {
            env->fpus = (env->fpus & ~FSW_CC) | cc;
        }
        ST(0) = r;
        return;
    case 0xf6:              /* FDECSTP */
        env->fpstt = (env->fpstt - 1) & 7;
        set_c1(env, false);
        return;
    case 0xf7:              /* FINCSTP */
        env->fpstt = (env->fpstt + 1) & 7;
        set_c1(env, false);
        return;
    case 0xfa:              /* FSQRT */
    case 0xfc:              /* FRNDINT */
        if (st_empty(env, 0)) {
            if (stack_fault(env, false)) {
                st_set(env, 0, x80_indefinite());
            }
            return;
        }
        r = modrm == 0xfa ? x80_sqrt(ST(0), s) : x80_round_int(ST(0), s);
        if (commit(env, s)) {
            ST(0) = r;
        }
        return;
    case 0xfd:              /* FSCALE */
        if (st_empty(env, 0) || st_empty(env, 1)) {
            if (stack_fault(env, false)) {
                st_set(env, 0, x80_indefinite());
            }
            return;
        }
        r = x80_scale(ST(0), ST(1), s);
        if (commit(env, s)) {
            ST(0) = r;
        }
        return;
    default:
        ops->raise(env, EXCP06_ILLOP, 0);
    }
    /* FSTP1 */
    if (st_empty(env, 0)) {
        if (!stack_fault(env, false)) {
            return;
        }
        st_set(env, i, x80_indefinite());
    } else {
        st_set(env, i, ST(0));
        set_c1(env, false);
    }
    fpop(env);
}

/* FST/FSTP ST(i) */
static void fst_reg(CPUX86State *env, int i, bool pop)
{
    if (st_empty(env, 0)) {
        if (!stack_fault(env, false)) {
            return;
        }
        st_set(env, i, x80_indefinite());
    } else {
        st_set(env, i, ST(0));
        set_c1(env, false);
    }
    if (pop) {
        fpop(env);
    }
}

/* FCOMI family: ZF PF CF into EFLAGS (lazy-flags form), OF SF AF clear. */
static void do_comi(CPUX86State *env, int i, bool quiet, bool pop,
                    X80Status *s)
{
    uint32_t fl;
    int rel;

    if (st_empty(env, 0) || st_empty(env, i)) {
        rel = X80_UNORD;
        if (!stack_fault(env, false)) {
            pop = false;        /* flags still set */
        }
    } else {
        /* FCOMI leaves C1 alone (as the host x87 does). */
        bool c1 = env->fpus & FSW_C1;
        rel = x80_compare(ST(0), ST(i), quiet, s);
        if (!commit(env, s)) {
            pop = false;
        }
        set_c1(env, c1);
    }
    switch (rel) {
    case X80_LT:
        fl = CC_C;
        break;
    case X80_EQ:
        fl = CC_Z;
        break;
    case X80_GT:
        fl = 0;
        break;
    default:
        fl = CC_Z | CC_P | CC_C;
        break;
    }
    env->eflags = (env->eflags & ~CC_ARITH) | fl;
    env->cc_src = fl;
    env->cc_op = CC_OP_EFLAGS;
    if (pop) {
        fpop(env);
    }
}

/* FCMOVcc: DA = B E BE U, DB = the negations. */
static void do_fcmov(CPUX86State *env, uint8_t op, int cond, int i)
{
    uint32_t fl = x86_get_eflags(env);
    bool take;

    switch (cond) {
    case 0:
        take = fl & CC_C;
        break;
    case 1:
        take = fl & CC_Z;
        break;
    case 2:
        take = fl & (CC_C | CC_Z);
        break;
    default:
        take = fl & CC_P;
        break;
    }
    if (op == 0xdb) {
        take = !take;
    }
    if (st_empty(env, 0) || st_empty(env, i)) {
        /* Both operands are checked whatever the condition. */
        if (stack_fault(env, false)) {
            st_set(env, 0, x80_indefinite());
        }
        return;
    }
    if (take) {
        st_set(env, 0, ST(i));
    }
}

static bool has_fisttp(const CPUX86State *env)
{
    return env->cpuid_ext_features & 1;    /* CPUID.1:ECX.SSE3 */
}

static uint32_t seg_base_of(const CPUX86State *env, uint16_t sel)
{
    static const int order[6] = { R_DS, R_SS, R_ES, R_FS, R_GS, R_CS };

    if (!fpu_protected(env)) {
        return (uint32_t)sel << 4;
    }
    for (int k = 0; k < 6; k++) {
        if (env->segs[order[k]].selector == sel) {
            return (uint32_t)env->segs[order[k]].base;
        }
    }
    return 0;
}

/* Instructions that do not wait for pending exceptions (FN* forms). */
static bool is_nowait(uint8_t op, uint8_t modrm)
{
    int reg = (modrm >> 3) & 7;

    if (modrm < 0xc0) {
        return (op == 0xd9 && (reg == 6 || reg == 7)) ||
               (op == 0xdd && (reg == 6 || reg == 7));
    }
    return (op == 0xdb && modrm >= 0xe0 && modrm <= 0xe4) ||
           (op == 0xdf && modrm == 0xe0);
}

/* Control instructions keep the last FIP/FDP/FOP (SDM vol. 1, 8.1.8). */
static bool is_control(uint8_t op, uint8_t modrm)
{
    int reg = (modrm >> 3) & 7;

    if (modrm < 0xc0) {
        return (op == 0xd9 && reg >= 4) || (op == 0xdd && reg >= 4);
    }
    return (op == 0xdb && modrm >= 0xe0 && modrm <= 0xe4) ||
           (op == 0xdf && modrm == 0xe0);
}

static void exec_mem(CPUX86State *env, const X87MemOps *ops, uint8_t op,
                     int reg, uint32_t ea, bool data32, X80Status *s)
{
    X87Env e;
    FPReg regs[8];
    uint8_t bcd[10];
    int n;

    switch (op) {
    case 0xd8:
        arith_mem(env, reg, x80_from_f32(ops->ld(env, ea, 4), s), s);
        return;
    case 0xdc:
        arith_mem(env, reg, x80_from_f64(ld64(env, ops, ea), s), s);
        return;
    case 0xda:
        arith_mem(env, reg, x80_from_int64((int32_t)ops->ld(env, ea, 4)), s);
        return;
    case 0xde:
        arith_mem(env, reg, x80_from_int64((int16_t)ops->ld(env, ea, 2)), s);
        return;
    case 0xd9:
        switch (reg) {
        case 0:
            fld_ieee(env, x80_from_f32(ops->ld(env, ea, 4), s), s);
            return;
        case 2:
        case 3:
            do_store(env, ops, 0, ea, reg == 3, false, s);
            return;
        case 4:             /* FLDENV */
            read_env(env, ops, ea, data32, &e);
            apply_env(env, &e);
            return;
        case 5:             /* FLDCW */
            set_fcw(env, (uint16_t)ops->ld(env, ea, 2));
            update_es(env);
            return;
        case 6:             /* FNSTENV, then mask everything */
            store_env(env, ops, ea, data32);
            env->fpuc |= FSW_EXC;
            return;
        case 7:             /* FNSTCW */
            ops->st(env, ea, 2, env->fpuc);
            return;
        }
        break;
    case 0xdb:
        switch (reg) {
        case 0:
            do_push(env, x80_from_int64((int32_t)ops->ld(env, ea, 4)), s);
            return;
        case 1:
            if (!has_fisttp(env)) {
                break;
            }
            do_store(env, ops, 4, ea, true, true, s);
            return;
        case 2:
        case 3:
            do_store(env, ops, 4, ea, reg == 3, false, s);
            return;
        case 5:
            do_push(env, ld80(env, ops, ea), s);
            return;
        case 7:
            do_store(env, ops, 2, ea, true, false, s);
            return;
        }
        break;
    case 0xdd:
        switch (reg) {
        case 0:
            fld_ieee(env, x80_from_f64(ld64(env, ops, ea), s), s);
            return;
        case 1:
            if (!has_fisttp(env)) {
                break;
            }
            do_store(env, ops, 5, ea, true, true, s);
            return;
        case 2:
        case 3:
            do_store(env, ops, 1, ea, reg == 3, false, s);
            return;
        case 4:             /* FRSTOR */
            n = read_env(env, ops, ea, data32, &e);
            for (int i = 0; i < 8; i++) {
                regs[i] = ld80(env, ops, ea + n + 10 * i);
            }
            apply_env(env, &e);
            for (int i = 0; i < 8; i++) {
                ST(i) = regs[i];
            }
            return;
        case 6:             /* FNSAVE, then FNINIT */
            n = store_env(env, ops, ea, data32);
            for (int i = 0; i < 8; i++) {
                st80(env, ops, ea + n + 10 * i, ST(i));
            }
            x87_reset(env);
            return;
        case 7:             /* FNSTSW m16 */
            ops->st(env, ea, 2, x87_get_fsw(env));
            return;
        }
        break;
    case 0xdf:
        switch (reg) {
        case 0:
            do_push(env, x80_from_int64((int16_t)ops->ld(env, ea, 2)), s);
            return;
        case 1:
            if (!has_fisttp(env)) {
                break;
            }
            do_store(env, ops, 3, ea, true, true, s);
            return;
        case 2:
        case 3:
            do_store(env, ops, 3, ea, reg == 3, false, s);
            return;
        case 4:             /* FBLD */
            for (int i = 0; i < 10; i++) {
                bcd[i] = (uint8_t)ops->ld(env, ea + i, 1);
            }
            do_push(env, x80_from_bcd(bcd), s);
            return;
        case 5:
            do_push(env, x80_from_int64((int64_t)ld64(env, ops, ea)), s);
            return;
        case 6:             /* FBSTP */
            do_store(env, ops, 6, ea, true, false, s);
            return;
        case 7:
            do_store(env, ops, 5, ea, true, false, s);
            return;
        }
        break;
    }
    ops->raise(env, EXCP06_ILLOP, 0);
}

static void exec_reg(CPUX86State *env, const X87MemOps *ops, uint8_t op,
                     uint8_t modrm, X80Status *s)
{
    int reg = (modrm >> 3) & 7, i = modrm & 7;

    switch (op) {
    case 0xd8:
    case 0xdc:
        arith_reg(env, op, reg, i, s);
        return;
    case 0xde:
        if (reg == 3 && i != 1) {
            break;          /* DE D8+i other than FCOMPP: reserved */
        }
        if (reg == 3) {
            do_compare(env, ST(1), st_empty(env, 1), false, 2, s);
            return;
        }
        arith_reg(env, op, reg, i, s);
        return;
    case 0xd9:
        d9_reg(env, ops, modrm, s);
        return;
    case 0xda:
        if (reg < 4) {
            do_fcmov(env, op, reg, i);
            return;
        }
        if (modrm == 0xe9) {    /* FUCOMPP */
            do_compare(env, ST(1), st_empty(env, 1), true, 2, s);
            return;
        }
        break;
    case 0xdb:
        if (reg < 4) {
            do_fcmov(env, op, reg, i);
            return;
        }
        switch (modrm) {
        case 0xe0:              /* FENI, FDISI, FSETPM: no-ops since 387 */
        case 0xe1:
        case 0xe4:
            return;
        case 0xe2:              /* FNCLEX */
            env->fpus &= ~(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
            return;
        case 0xe3:              /* FNINIT */
            x87_reset(env);
            return;
        }
        if (reg == 5 || reg == 6) {     /* FUCOMI, FCOMI */
            do_comi(env, i, reg == 5, false, s);
            return;
        }
        break;
    case 0xdd:
        switch (reg) {
        case 0:                 /* FFREE */
            env->fptags[phys(env, i)] = 1;
            set_c1(env, false);
            return;
        case 1:                 /* FXCH4 alias */
            d9_reg(env, ops, 0xc8 | i, s);
            return;
        case 2:
        case 3:
            fst_reg(env, i, reg == 3);
            return;
        case 4:
        case 5:                 /* FUCOM, FUCOMP */
            do_compare(env, ST(i), st_empty(env, i), true, reg == 5, s);
            return;
        }
        break;
    case 0xdf:
        switch (reg) {
        case 0:                 /* FFREEP (undocumented) */
            env->fptags[phys(env, i)] = 1;
            set_c1(env, false);
            fpop(env);
            return;
        case 1:                 /* FXCH7 alias */
            d9_reg(env, ops, 0xc8 | i, s);
            return;
        case 2:
        case 3:                 /* FSTP8, FSTP9 aliases */
            fst_reg(env, i, true);
            return;
        case 4:
            if (i == 0) {       /* FNSTSW AX */
                env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffULL) |
                                   x87_get_fsw(env);
                return;
            }
            break;
        case 5:
        case 6:                 /* FUCOMIP, FCOMIP */
            do_comi(env, i, reg == 5, true, s);
            return;
        }
        break;
    }
    ops->raise(env, EXCP06_ILLOP, 0);
}

void x87_exec(CPUX86State *env, const X87MemOps *ops, uint8_t op,
              uint8_t modrm, uint32_t ea, bool data32, uint32_t fip,
              uint16_t fcs, uint16_t fds)
{
    X80Status s;
    bool mem = modrm < 0xc0;

    check_nm(env, ops);
    if (!is_nowait(op, modrm)) {
        check_pending(env, ops);
    }
    if (!is_control(op, modrm)) {
        env->fpip = fip - seg_base_of(env, fcs);
        env->fpcs = fcs;
        env->fpop = (uint16_t)(((op & 7) << 8) | modrm);
        if (mem) {
            env->fpdp = ea - seg_base_of(env, fds);
            env->fpds = fds;
        }
    }
    status_of(env, &s);
    if (mem) {
        exec_mem(env, ops, op, (modrm >> 3) & 7, ea, data32, &s);
    } else {
        exec_reg(env, ops, op, modrm, &s);
    }
}

void x87_fwait(CPUX86State *env, const X87MemOps *ops)
{
    if ((env->cr[0] & (CR0_TS_MASK | CR0_MP_MASK)) ==
        (CR0_TS_MASK | CR0_MP_MASK)) {
        ops->raise(env, EXCP07_PREX, 0);
    }
    check_pending(env, ops);
}

/* ---- FXSAVE / FXRSTOR (SDM vol. 2, FXSAVE, table 3-53) ---- */

#define MXCSR_MASK 0x0000ffffu

void x87_fxsave(CPUX86State *env, const X87MemOps *ops, uint32_t ea)
{
    check_nm(env, ops);
    if (ea & 15) {
        ops->raise(env, EXCP0D_GPF, 0);
    }
    ops->st(env, ea, 2, env->fpuc);
    ops->st(env, ea + 2, 2, x87_get_fsw(env));
    ops->st(env, ea + 4, 2, x87_get_ftw_abridged(env));
    ops->st(env, ea + 6, 2, env->fpop & 0x7ff);
    ops->st(env, ea + 8, 4, (uint32_t)env->fpip);
    ops->st(env, ea + 12, 4, env->fpcs);
    ops->st(env, ea + 16, 4, (uint32_t)env->fpdp);
    ops->st(env, ea + 20, 4, env->fpds);
    ops->st(env, ea + 24, 4, env->mxcsr);
    ops->st(env, ea + 28, 4, MXCSR_MASK);
    for (int i = 0; i < 8; i++) {
        st80(env, ops, ea + 32 + 16 * i, ST(i));
        ops->st(env, ea + 42 + 16 * i, 2, 0);
        ops->st(env, ea + 44 + 16 * i, 4, 0);
    }
    for (int i = 0; i < 8; i++) {
        for (int k = 0; k < 4; k++) {
            ops->st(env, ea + 160 + 16 * i + 4 * k, 4, env->xmm[i].l[k]);
        }
    }
}

void x87_fxrstor(CPUX86State *env, const X87MemOps *ops, uint32_t ea)
{
    uint16_t fcw, fsw, fop;
    uint8_t ftw;
    uint32_t fip, fcs, fdp, fds, mxcsr;
    FPReg regs[8];
    XMMReg xmm[8];

    check_nm(env, ops);
    if (ea & 15) {
        ops->raise(env, EXCP0D_GPF, 0);
    }
    fcw = (uint16_t)ops->ld(env, ea, 2);
    fsw = (uint16_t)ops->ld(env, ea + 2, 2);
    ftw = (uint8_t)ops->ld(env, ea + 4, 1);
    fop = (uint16_t)ops->ld(env, ea + 6, 2);
    fip = ops->ld(env, ea + 8, 4);
    fcs = ops->ld(env, ea + 12, 2);
    fdp = ops->ld(env, ea + 16, 4);
    fds = ops->ld(env, ea + 20, 2);
    mxcsr = ops->ld(env, ea + 24, 4);
    if (mxcsr & ~MXCSR_MASK) {
        ops->raise(env, EXCP0D_GPF, 0);
    }
    for (int i = 0; i < 8; i++) {
        regs[i] = ld80(env, ops, ea + 32 + 16 * i);
        for (int k = 0; k < 4; k++) {
            xmm[i].l[k] = ops->ld(env, ea + 160 + 16 * i + 4 * k, 4);
        }
    }
    set_fcw(env, fcw);
    env->fpstt = (fsw >> 11) & 7;
    env->fpus = fsw & ~FSW_TOP;
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = !((ftw >> i) & 1);
    }
    env->fpop = fop & 0x7ff;
    env->fpip = fip;
    env->fpcs = (uint16_t)fcs;
    env->fpdp = fdp;
    env->fpds = (uint16_t)fds;
    env->mxcsr = mxcsr;
    for (int i = 0; i < 8; i++) {
        ST(i) = regs[i];
        env->xmm[i] = xmm[i];
    }
    update_es(env);
}

/* ---- MMX ---- */

void helper_emms(CPUX86State *env)
{
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = 1;
    }
}

void x87_mmx_enter(CPUX86State *env)
{
    env->fpstt = 0;
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = 0;
    }
}

uint64_t x87_mmx_get(const CPUX86State *env, int i)
{
    return env->fpregs[i & 7].mant;
}

void x87_mmx_set(CPUX86State *env, int i, uint64_t v)
{
    x87_mmx_enter(env);
    env->fpregs[i & 7].mant = v;
    env->fpregs[i & 7].exp = 0xffff;
}

/* ---- the translator's entry points ---- */

static EMU_NORETURN void tcg_raise(CPUX86State *env, int vector,
                                   int error_code)
{
    x86_raise_exception_err(env, vector, error_code);
}

static const X87MemOps x87_tcg_ops = {
    .ld = x86_ld,
    .st = x86_st,
    .raise = tcg_raise,
};

void helper_x87(CPUX86State *env, uint8_t op, uint8_t modrm, uint32_t ea,
                bool data32, uint32_t fip, uint16_t fcs, uint16_t fds)
{
    x87_exec(env, &x87_tcg_ops, op, modrm, ea, data32, fip, fcs, fds);
}

void helper_fwait(CPUX86State *env)
{
    x87_fwait(env, &x87_tcg_ops);
}

void helper_fxsave(CPUX86State *env, uint32_t ea)
{
    x87_fxsave(env, &x87_tcg_ops, ea);
}

void helper_fxrstor(CPUX86State *env, uint32_t ea)
{
    x87_fxrstor(env, &x87_tcg_ops, ea);
}
