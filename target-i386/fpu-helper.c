/*
 * x87 FPU instructions (SDM vol. 1, chapter 8; vol. 2, the F* entries)
 * for the translator, one function per operation (decoded by
 * fpu-decode.c).  See fpu-helper.h for the interface and the state
 * layout; the arithmetic is in softfloat-x80.c.
 *
 * Exception responses (SDM vol. 1, 8.5): operations compute the masked
 * response; when an unmasked IE, DE or ZE is raised the destination and
 * TOP stay unchanged, an unmasked OE/UE delivers the biased result.  Stack
 * faults (8.5.1.1) are IE + SF with C1 = 1 for overflow, 0 for underflow;
 * masked, the instruction goes on with the indefinite.
 */
#include "target-i386/fpu-internal.h"
#include "target-i386/softfloat-x80.h"
#include "target-i386/helper.h"
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

/*
 * Every access of an operation goes through these: in 64-bit mode the
 * operand's pieces are at 64-bit linear addresses; elsewhere an address
 * wraps at 4 GiB, as the 32-bit linear address space does.
 */
static uint32_t mem_ld(CPUX86State *env, const X87MemOps *ops, uint64_t a,
                       int size)
{
    if (!(env->hflags & HF_CS64)) {
        a = (uint32_t)a;
    }
    return ops->ld(env, a, size);
}

static void mem_st(CPUX86State *env, const X87MemOps *ops, uint64_t a, int size,
                   uint32_t v)
{
    if (!(env->hflags & HF_CS64)) {
        a = (uint32_t)a;
    }
    ops->st(env, a, size, v);
}

static uint64_t ld64(CPUX86State *env, const X87MemOps *ops, uint64_t a)
{
    uint64_t lo = mem_ld(env, ops, a, 4);
    return lo | (uint64_t)mem_ld(env, ops, a + 4, 4) << 32;
}

static void st64(CPUX86State *env, const X87MemOps *ops, uint64_t a, uint64_t v)
{
    mem_st(env, ops, a, 4, (uint32_t)v);
    mem_st(env, ops, a + 4, 4, (uint32_t)(v >> 32));
}

static FPReg ld80(CPUX86State *env, const X87MemOps *ops, uint64_t a)
{
    FPReg r;
    r.mant = ld64(env, ops, a);
    r.exp = (uint16_t)mem_ld(env, ops, a + 8, 2);
    return r;
}

static void st80(CPUX86State *env, const X87MemOps *ops, uint64_t a, FPReg v)
{
    st64(env, ops, a, v.mant);
    mem_st(env, ops, a + 8, 2, v.exp);
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
                     uint64_t ea, bool pop, bool trunc, X80Status *s)
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
        mem_st(env, ops, ea, 4, (uint32_t)bits);
        break;
    case 1:
    case 5:
        st64(env, ops, ea, bits);
        break;
    case 2:
        st80(env, ops, ea, v);
        break;
    case 3:
        mem_st(env, ops, ea, 2, (uint32_t)bits & 0xffff);
        break;
    default:
        for (int i = 0; i < 10; i++) {
            mem_st(env, ops, ea + i, 1, bcd[i]);
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
static int store_env(CPUX86State *env, const X87MemOps *ops, uint64_t ea,
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
        mem_st(env, ops, ea, 4, 0xffff0000u | env->fpuc);
        mem_st(env, ops, ea + 4, 4, 0xffff0000u | fsw);
        mem_st(env, ops, ea + 8, 4, 0xffff0000u | ftw);
        if (pm) {
            mem_st(env, ops, ea + 12, 4, ip);
            mem_st(env, ops, ea + 16, 4,
                   env->fpcs | ((uint32_t)(env->fpop & 0x7ff) << 16));
            mem_st(env, ops, ea + 20, 4, dp);
            mem_st(env, ops, ea + 24, 4, 0xffff0000u | env->fpds);
        } else {
            mem_st(env, ops, ea + 12, 4, 0xffff0000u | (ip & 0xffff));
            mem_st(env, ops, ea + 16, 4,
                   ((ip >> 16) << 12) | (env->fpop & 0x7ff));
            mem_st(env, ops, ea + 20, 4, 0xffff0000u | (dp & 0xffff));
            mem_st(env, ops, ea + 24, 4, (dp >> 16) << 12);
        }
        return 28;
    }
    mem_st(env, ops, ea, 2, env->fpuc);
    mem_st(env, ops, ea + 2, 2, fsw);
    mem_st(env, ops, ea + 4, 2, ftw);
    if (pm) {
        mem_st(env, ops, ea + 6, 2, ip & 0xffff);
        mem_st(env, ops, ea + 8, 2, env->fpcs);
        mem_st(env, ops, ea + 10, 2, dp & 0xffff);
        mem_st(env, ops, ea + 12, 2, env->fpds);
    } else {
        mem_st(env, ops, ea + 6, 2, ip & 0xffff);
        mem_st(env, ops, ea + 8, 2,
               ((ip >> 16) & 0xf) << 12 | (env->fpop & 0x7ff));
        mem_st(env, ops, ea + 10, 2, dp & 0xffff);
        mem_st(env, ops, ea + 12, 2, ((dp >> 16) & 0xf) << 12);
    }
    return 14;
}

typedef struct X87Env {
    uint16_t fcw, fsw, ftw, fop, fcs, fds;
    uint32_t fip, fdp;
} X87Env;

static int read_env(CPUX86State *env, const X87MemOps *ops, uint64_t ea,
                    bool data32, X87Env *e)
{
    bool pm = fpu_protected(env);

    if (data32) {
        e->fcw = (uint16_t)mem_ld(env, ops, ea, 2);
        e->fsw = (uint16_t)mem_ld(env, ops, ea + 4, 2);
        e->ftw = (uint16_t)mem_ld(env, ops, ea + 8, 2);
        if (pm) {
            uint32_t w = mem_ld(env, ops, ea + 16, 4);
            e->fip = mem_ld(env, ops, ea + 12, 4);
            e->fcs = (uint16_t)w;
            e->fop = (w >> 16) & 0x7ff;
            e->fdp = mem_ld(env, ops, ea + 20, 4);
            e->fds = (uint16_t)mem_ld(env, ops, ea + 24, 2);
        } else {
            uint32_t w = mem_ld(env, ops, ea + 16, 4);
            e->fip = mem_ld(env, ops, ea + 12, 2) |
                     ((w >> 12) & 0xffff) << 16;
            e->fop = w & 0x7ff;
            e->fdp = mem_ld(env, ops, ea + 20, 2) |
                     ((mem_ld(env, ops, ea + 24, 4) >> 12) & 0xffff) << 16;
            e->fcs = e->fds = 0;
        }
        return 28;
    }
    e->fcw = (uint16_t)mem_ld(env, ops, ea, 2);
    e->fsw = (uint16_t)mem_ld(env, ops, ea + 2, 2);
    e->ftw = (uint16_t)mem_ld(env, ops, ea + 4, 2);
    if (pm) {
        e->fip = mem_ld(env, ops, ea + 6, 2);
        e->fcs = (uint16_t)mem_ld(env, ops, ea + 8, 2);
        e->fdp = mem_ld(env, ops, ea + 10, 2);
        e->fds = (uint16_t)mem_ld(env, ops, ea + 12, 2);
        e->fop = 0;
    } else {
        uint32_t w = mem_ld(env, ops, ea + 8, 2);
        e->fip = mem_ld(env, ops, ea + 6, 2) | ((w >> 12) << 16);
        e->fop = w & 0x7ff;
        e->fdp = mem_ld(env, ops, ea + 10, 2) |
                 ((mem_ld(env, ops, ea + 12, 2) >> 12) << 16);
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

/*
 * The guest's stack, control word and tags go into the host x87 (FRSTOR),
 * the instruction runs, FNSAVE reads everything back.  HOST_X87 defines
 * one operation per instruction, with the asm between the two halves.
 */
typedef struct HostX87 {
    HostFsave img, saved;
} HostX87;

static inline __attribute__((always_inline)) void host_enter(CPUX86State *env,
                                                             HostX87 *h)
{
    memset(&h->img, 0, sizeof(h->img));
    wr16(h->img.b, env->fpuc);
    /* No pending exception may be loaded: it would trap at the op. */
    wr16(h->img.b + 4, (uint16_t)(x87_get_fsw(env) &
                                  ~(FSW_EXC | FSW_SF | FSW_ES | FSW_B)));
    wr16(h->img.b + 8, x87_get_ftw_full(env));
    for (int i = 0; i < 8; i++) {
        FPReg r = ST(i);
        memcpy(h->img.b + 28 + 10 * i, &r.mant, 8);
        wr16(h->img.b + 36 + 10 * i, r.exp);
    }
    __asm__ volatile("fnsave %0" : "=m"(h->saved));
    __asm__ volatile("frstor %0" : : "m"(h->img));
}

static inline __attribute__((always_inline)) void host_leave(CPUX86State *env,
                                                             HostX87 *h)
{
    uint16_t fsw, ftw;

    /* FNSAVE does not wait, so an unmasked exception does not trap. */
    __asm__ volatile("fnsave %0" : "=m"(h->img));
    __asm__ volatile("frstor %0" : : "m"(h->saved));

    fsw = rd16(h->img.b + 4);
    ftw = rd16(h->img.b + 8);
    env->fpstt = (fsw >> 11) & 7;
    for (int i = 0; i < 8; i++) {
        FPReg r;
        memcpy(&r.mant, h->img.b + 28 + 10 * i, 8);
        r.exp = rd16(h->img.b + 36 + 10 * i);
        ST(i) = r;
        env->fptags[phys(env, i)] = ((ftw >> (2 * phys(env, i))) & 3) == 3;
    }
    env->fpus = (env->fpus & (FSW_EXC | FSW_SF)) |
                (fsw & ~(FSW_TOP | FSW_ES | FSW_B));
    update_es(env);
}

#define HOST_X87(name, insn)                                                   \
    static void op_##name(CPUX86State *env, const X87MemOps *ops, uint64_t ea, \
                          uint32_t arg, X80Status *s)                          \
    {                                                                          \
        HostX87 h;                                                             \
        host_enter(env, &h);                                                   \
        __asm__ volatile(insn);                                                \
        host_leave(env, &h);                                                   \
    }
#else
#define HOST_X87(name, insn)                                                   \
    static void op_##name(CPUX86State *env, const X87MemOps *ops, uint64_t ea, \
                          uint32_t arg, X80Status *s)                          \
    {                                                                          \
        log_unimp_once("x87: transcendental instructions need an x86 host");   \
        ST(0) = x80_indefinite();                                              \
        env->fpus |= X80_IE;                                                   \
        update_es(env);                                                        \
    }
#endif

/*
 * ---- the operations ----
 *
 * One function per instruction (or per small group: the arithmetic kind,
 * the store format, ST(i) come decoded in arg), all of type X87OpFn.
 * x87_decode() picks one at translation time; nothing here looks at the
 * opcode or the ModRM byte.
 */
typedef void X87OpFn(CPUX86State *env, const X87MemOps *ops, uint64_t ea,
                     uint32_t arg, X80Status *s);

#define X87_OP(name)                                                           \
    static void op_##name(CPUX86State *env, const X87MemOps *ops, uint64_t ea, \
                          uint32_t arg, X80Status *s)

/* arg for the register forms: ST(i) in bits 0-2, then the option bits. */
#define ARG_I(arg) ((int)(arg) & 7)

/* FLD ST(i) */
X87_OP(fld_sti)
{
    int i = ARG_I(arg);

    if (st_empty(env, i)) {
        /* An empty source is reported as underflow even when the
         * stack is also full. */
        if (stack_fault(env, false)) {
            fpush(env, x80_indefinite());
        }
        return;
    }
    do_push(env, ST(i), s);
}

/* FXCH ST(i) (D9 C8+i, and the DD C8+i / DF C8+i aliases) */
X87_OP(fxch)
{
    int i = ARG_I(arg);
    FPReg a;

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
}

/* FNOP, and FENI/FDISI/FSETPM (no-ops since the 387) */
X87_OP(fnop)
{
}

/* FCHS (arg 0) / FABS (arg 1) */
X87_OP(fsign)
{
    if (st_empty(env, 0)) {
        if (stack_fault(env, false)) {
            st_set(env, 0, x80_indefinite());
        }
        return;
    }
    if (arg == 0) {
        ST(0).exp ^= 0x8000;
    } else {
        ST(0).exp &= 0x7fff;
    }
    set_c1(env, false);
}

X87_OP(ftst)
{
    do_compare(env, x80_zero(false), false, false, 0, s);
}

/* FXAM (C3 C2 C0, C1 = sign) */
X87_OP(fxam)
{
    static const uint16_t cls[] = {
        [X80_CLASS_ZERO] = FSW_C3,
        [X80_CLASS_DENORMAL] = FSW_C3 | FSW_C2,
        [X80_CLASS_NORMAL] = FSW_C2,
        [X80_CLASS_INF] = FSW_C2 | FSW_C0,
        [X80_CLASS_QNAN] = FSW_C0,
        [X80_CLASS_SNAN] = FSW_C0,
        [X80_CLASS_UNSUPPORTED] = 0,
    };
    uint16_t cc;

    cc = st_empty(env, 0) ? FSW_C3 | FSW_C0 : cls[x80_classify(ST(0))];
    if (x80_sign(ST(0))) {
        cc |= FSW_C1;
    }
    env->fpus = (env->fpus & ~FSW_CC) | cc;
}

/* FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ: arg = 0..6 */
X87_OP(fldconst)
{
    do_push(env, x80_const(arg, s->rc), s);
}

HOST_X87(f2xm1, "f2xm1")
HOST_X87(fyl2x, "fyl2x")
HOST_X87(fptan, "fptan")
HOST_X87(fpatan, "fpatan")
HOST_X87(fyl2xp1, "fyl2xp1")
HOST_X87(fsincos, "fsincos")
HOST_X87(fsin, "fsin")
HOST_X87(fcos, "fcos")

X87_OP(fxtract)
{
    FPReg a, b;

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
}

/* FPREM (arg 0) / FPREM1 (arg 1) */
X87_OP(fprem)
{
    FPReg r;
    uint16_t cc;

    if (st_empty(env, 0) || st_empty(env, 1)) {
        env->fpus &= ~FSW_C2;
        if (stack_fault(env, false)) {
            st_set(env, 0, x80_indefinite());
        }
        return;
    }
    r = x80_rem(ST(0), ST(1), arg == 1, s, &cc);
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
}

X87_OP(fdecstp)
{
    env->fpstt = (env->fpstt - 1) & 7;
    set_c1(env, false);
}

X87_OP(fincstp)
{
    env->fpstt = (env->fpstt + 1) & 7;
    set_c1(env, false);
}

/* FSQRT (arg 0) / FRNDINT (arg 1) */
X87_OP(fsqrt)
{
    FPReg r;

    if (st_empty(env, 0)) {
        if (stack_fault(env, false)) {
            st_set(env, 0, x80_indefinite());
        }
        return;
    }
    r = arg == 0 ? x80_sqrt(ST(0), s) : x80_round_int(ST(0), s);
    if (commit(env, s)) {
        ST(0) = r;
    }
}

X87_OP(fscale)
{
    FPReg r;

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

/* ---- memory forms ---- */

/* FADD..FDIVR with a memory operand: arg = the kind (ModRM.reg) */
X87_OP(farith_m32fp)
{
    arith_mem(env, arg, x80_from_f32(mem_ld(env, ops, ea, 4), s), s);
}

X87_OP(farith_m64fp)
{
    arith_mem(env, arg, x80_from_f64(ld64(env, ops, ea), s), s);
}

X87_OP(fiarith_m32)
{
    arith_mem(env, arg, x80_from_int64((int32_t)mem_ld(env, ops, ea, 4)), s);
}

X87_OP(fiarith_m16)
{
    arith_mem(env, arg, x80_from_int64((int16_t)mem_ld(env, ops, ea, 2)), s);
}

X87_OP(fld_m32fp)
{
    fld_ieee(env, x80_from_f32(mem_ld(env, ops, ea, 4), s), s);
}

X87_OP(fld_m64fp)
{
    fld_ieee(env, x80_from_f64(ld64(env, ops, ea), s), s);
}

X87_OP(fild_m16)
{
    do_push(env, x80_from_int64((int16_t)mem_ld(env, ops, ea, 2)), s);
}

X87_OP(fild_m32)
{
    do_push(env, x80_from_int64((int32_t)mem_ld(env, ops, ea, 4)), s);
}

X87_OP(fild_m64)
{
    do_push(env, x80_from_int64((int64_t)ld64(env, ops, ea)), s);
}

X87_OP(fld_m80)
{
    do_push(env, ld80(env, ops, ea), s);
}

X87_OP(fbld)
{
    uint8_t bcd[10];

    for (int i = 0; i < 10; i++) {
        bcd[i] = (uint8_t)mem_ld(env, ops, ea + i, 1);
    }
    do_push(env, x80_from_bcd(bcd), s);
}

/* FST/FSTP/FIST/FISTP/FBSTP: arg = the format (do_store) | pop << 3 */
X87_OP(fst_m)
{
    do_store(env, ops, arg & 7, ea, arg & 8, false, s);
}

/* FISTTP (SSE3): arg = the format */
X87_OP(fisttp_m)
{
    if (!has_fisttp(env)) {
        ops->raise(env, EXCP06_ILLOP, 0);
    }
    do_store(env, ops, arg, ea, true, true, s);
}

/* The environment and state instructions: arg = data32 */
X87_OP(fldenv)
{
    X87Env e;

    read_env(env, ops, ea, arg, &e);
    apply_env(env, &e);
}

X87_OP(fldcw)
{
    set_fcw(env, (uint16_t)mem_ld(env, ops, ea, 2));
    update_es(env);
}

/* FNSTENV, then mask everything */
X87_OP(fnstenv)
{
    store_env(env, ops, ea, arg);
    env->fpuc |= FSW_EXC;
}

X87_OP(fnstcw)
{
    mem_st(env, ops, ea, 2, env->fpuc);
}

X87_OP(frstor)
{
    X87Env e;
    FPReg regs[8];
    int n = read_env(env, ops, ea, arg, &e);

    for (int i = 0; i < 8; i++) {
        regs[i] = ld80(env, ops, ea + n + 10 * i);
    }
    apply_env(env, &e);
    for (int i = 0; i < 8; i++) {
        ST(i) = regs[i];
    }
}

/* FNSAVE, then FNINIT */
X87_OP(fnsave)
{
    int n = store_env(env, ops, ea, arg);

    for (int i = 0; i < 8; i++) {
        st80(env, ops, ea + n + 10 * i, ST(i));
    }
    x87_reset(env);
}

X87_OP(fnstsw_m)
{
    mem_st(env, ops, ea, 2, x87_get_fsw(env));
}

/* ---- register forms ---- */

/* arg = ST(i) | kind << 3.  D8: ST0 = ST0 op ST(i); DC: ST(i) = ST(i)
 * op ST0; DE: the same and pop. */
X87_OP(farith_st0)
{
    arith_reg(env, 0xd8, arg >> 3, ARG_I(arg), s);
}

X87_OP(farith_sti)
{
    arith_reg(env, 0xdc, arg >> 3, ARG_I(arg), s);
}

X87_OP(farithp_sti)
{
    arith_reg(env, 0xde, arg >> 3, ARG_I(arg), s);
}

X87_OP(fcompp)
{
    do_compare(env, ST(1), st_empty(env, 1), false, 2, s);
}

X87_OP(fucompp)
{
    do_compare(env, ST(1), st_empty(env, 1), true, 2, s);
}

/* FCMOVB/E/BE/U (fcmov) and their negations (fcmovn): arg = ST(i) |
 * condition << 3 */
X87_OP(fcmov)
{
    do_fcmov(env, 0xda, arg >> 3, ARG_I(arg));
}

X87_OP(fcmovn)
{
    do_fcmov(env, 0xdb, arg >> 3, ARG_I(arg));
}

X87_OP(fnclex)
{
    env->fpus &= ~(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
}

X87_OP(fninit)
{
    x87_reset(env);
}

/* FCOMI FUCOMI FCOMIP FUCOMIP: arg = ST(i) | quiet << 3 | pop << 4 */
X87_OP(fcomi)
{
    do_comi(env, ARG_I(arg), arg & 8, arg & 16, s);
}

X87_OP(ffree)
{
    env->fptags[phys(env, ARG_I(arg))] = 1;
    set_c1(env, false);
}

/* FFREEP (undocumented) */
X87_OP(ffreep)
{
    env->fptags[phys(env, ARG_I(arg))] = 1;
    set_c1(env, false);
    fpop(env);
}

/* FST/FSTP ST(i) and the undocumented FSTP aliases: arg = ST(i) | pop << 3 */
X87_OP(fst_sti)
{
    fst_reg(env, ARG_I(arg), arg & 8);
}

/* FUCOM/FUCOMP: arg = ST(i) | pop << 3 */
X87_OP(fucom)
{
    do_compare(env, ST(ARG_I(arg)), st_empty(env, ARG_I(arg)), true,
               (arg >> 3) & 1, s);
}

X87_OP(fnstsw_ax)
{
    env->regs[R_EAX] = (env->regs[R_EAX] & ~0xffffULL) | x87_get_fsw(env);
}

/* Reserved encodings */
X87_OP(ud)
{
    ops->raise(env, EXCP06_ILLOP, 0);
}

/* ---- the table of operations (fpu-internal.h, fpu-decode.c) ---- */


static X87OpFn *const x87_op_fns[] = {
#define X87_OP_FN(name) [X87_##name] = op_##name,
    X87_OPS(X87_OP_FN)
#undef X87_OP_FN
};

/*
 * What every ESC instruction does before its operation: #NM, #MF for the
 * waiting forms, the instruction/operand pointers and FOP for the
 * non-control ones.  The pointers are offsets: outside 64-bit mode 32-bit
 * ones, the segment base found from the selector; in 64-bit mode 64-bit
 * ones, CS's base being 0 and the operand's ds_base64 (FS or GS's base,
 * else 0).
 */
static inline __attribute__((always_inline)) void
x87_run(CPUX86State *env, const X87MemOps *ops, X87OpFn *fn, uint32_t info,
        uint64_t ea, uint32_t arg, uint64_t fip, uint16_t fcs, uint16_t fds,
        uint64_t ds_base64)
{
    X80Status s;

    check_nm(env, ops);
    if (!(info & X87_INFO_NOWAIT)) {
        check_pending(env, ops);
    }
    if (!(info & X87_INFO_CONTROL)) {
        bool m64 = env->hflags & HF_CS64;
        env->fpip = m64 ? fip : (uint32_t)(fip - seg_base_of(env, fcs));
        env->fpcs = fcs;
        env->fpop = (uint16_t)(info & 0x7ff);
        if (info & X87_INFO_MEM) {
            env->fpdp =
                m64 ? ea - ds_base64 : (uint32_t)(ea - seg_base_of(env, fds));
            env->fpds = fds;
        }
    }
    status_of(env, &s);
    fn(env, ops, ea, arg, &s);
}

/* ---- the translator's entry points: one per operation ---- */

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

/*
 * The memory operand's segment checks come after #NM (SDM vol. 3, table
 * 6-2, priority 8 before 9) and before #MF; the #UD encodings have no
 * size and are the operation's.
 */
static inline __attribute__((always_inline)) void
x87_tcg(CPUX86State *env, X87OpFn *fn, uint32_t info, uint64_t ea, uint64_t fip,
        uint32_t arg)
{
    int seg = (info >> X87_INFO_SEG_SHIFT) & 7;
    uint32_t size = (info >> X87_INFO_SIZE_SHIFT) & 0x7f;
    uint64_t base64 = 0;
    uint16_t fds = 0;

    if (info & X87_INFO_NOSEG) {
        /* No segment given (64-bit mode): nothing to check, FDS 0. */
    } else if (env->hflags & HF_CS64) {
        /* No limit checks in 64-bit mode; only FS and GS have a base. */
        fds = env->segs[seg].selector;
        if (seg == R_FS || seg == R_GS) {
            base64 = env->segs[seg].base;
        }
    } else {
        fds = env->segs[seg].selector;
        if (size && !(env->cr[0] & (CR0_EM_MASK | CR0_TS_MASK))) {
            check_seg_range(env, seg, ea - (uint32_t)env->segs[seg].base, size,
                            info & X87_INFO_WRITE);
        }
    }
    x87_run(env, &x87_tcg_ops, fn, info, ea, arg, fip, env->segs[R_CS].selector,
            fds, base64);
}

#define X87_HELPER(name)                                                   \
    static void helper_x87_##name(CPUX86State *env, uint32_t info,         \
                                  uint64_t ea, uint64_t fip, uint32_t arg) \
    {                                                                      \
        x87_tcg(env, op_##name, info, ea, fip, arg);                       \
    }
X87_OPS(X87_HELPER)
#undef X87_HELPER

X87Helper *const x87_helpers[] = {
#define X87_HELPER_PTR(name) [X87_##name] = helper_x87_##name,
    X87_OPS(X87_HELPER_PTR)
#undef X87_HELPER_PTR
};

void x87_exec(CPUX86State *env, const X87MemOps *ops, uint8_t op, uint8_t modrm,
              uint64_t ea, bool data32, uint64_t fip, uint16_t fcs,
              uint16_t fds)
{
    X87Insn d;

    x87_decode(op, modrm, data32, R_DS, &d);
    x87_run(env, ops, x87_op_fns[d.id], d.info, ea, d.arg, fip, fcs, fds, 0);
}

void x87_fwait(CPUX86State *env, const X87MemOps *ops)
{
    if ((env->cr[0] & (CR0_TS_MASK | CR0_MP_MASK)) ==
        (CR0_TS_MASK | CR0_MP_MASK)) {
        ops->raise(env, EXCP07_PREX, 0);
    }
    check_pending(env, ops);
}

/*
 * ---- FXSAVE / FXRSTOR (SDM vol. 2, FXSAVE: the legacy layout, table
 * 3-53; 64-bit mode adds XMM8-15 at 288-415, and FXSAVE64 (REX.W) stores
 * the 64-bit FIP at 8-15 and FDP at 16-23 in place of the 32-bit offsets
 * with their selectors) ----
 */

#define MXCSR_MASK 0x0000ffffu

/* XMM registers in the image: 16 in 64-bit mode, else 8. */
static int fx_nxmm(const CPUX86State *env)
{
    return (env->hflags & HF_CS64) ? 16 : 8;
}

/* REX.W only exists in 64-bit mode. */
static bool fx_is64(const CPUX86State *env, bool rex_w)
{
    return rex_w && (env->hflags & HF_CS64);
}

void x87_fxsave(CPUX86State *env, const X87MemOps *ops, uint64_t ea, bool rex_w)
{
    check_nm(env, ops);
    if (ea & 15) {
        ops->raise(env, EXCP0D_GPF, 0);
    }
    mem_st(env, ops, ea, 2, env->fpuc);
    mem_st(env, ops, ea + 2, 2, x87_get_fsw(env));
    mem_st(env, ops, ea + 4, 2, x87_get_ftw_abridged(env));
    mem_st(env, ops, ea + 6, 2, env->fpop & 0x7ff);
    if (fx_is64(env, rex_w)) {
        st64(env, ops, ea + 8, env->fpip);
        st64(env, ops, ea + 16, env->fpdp);
    } else {
        mem_st(env, ops, ea + 8, 4, (uint32_t)env->fpip);
        mem_st(env, ops, ea + 12, 4, env->fpcs);
        mem_st(env, ops, ea + 16, 4, (uint32_t)env->fpdp);
        mem_st(env, ops, ea + 20, 4, env->fpds);
    }
    mem_st(env, ops, ea + 24, 4, env->mxcsr);
    mem_st(env, ops, ea + 28, 4, MXCSR_MASK);
    for (int i = 0; i < 8; i++) {
        st80(env, ops, ea + 32 + 16 * i, ST(i));
        mem_st(env, ops, ea + 42 + 16 * i, 2, 0);
        mem_st(env, ops, ea + 44 + 16 * i, 4, 0);
    }
    for (int i = 0; i < fx_nxmm(env); i++) {
        for (int k = 0; k < 4; k++) {
            mem_st(env, ops, ea + 160 + 16 * i + 4 * k, 4, env->xmm[i].l[k]);
        }
    }
}

void x87_fxrstor(CPUX86State *env, const X87MemOps *ops, uint64_t ea,
                 bool rex_w)
{
    uint16_t fcw, fsw, fop;
    uint8_t ftw;
    uint32_t fcs, fds, mxcsr;
    uint64_t fip, fdp;
    FPReg regs[8];
    XMMReg xmm[16];
    int nxmm = fx_nxmm(env);

    check_nm(env, ops);
    if (ea & 15) {
        ops->raise(env, EXCP0D_GPF, 0);
    }
    fcw = (uint16_t)mem_ld(env, ops, ea, 2);
    fsw = (uint16_t)mem_ld(env, ops, ea + 2, 2);
    ftw = (uint8_t)mem_ld(env, ops, ea + 4, 1);
    fop = (uint16_t)mem_ld(env, ops, ea + 6, 2);
    if (fx_is64(env, rex_w)) {
        /* No selectors in this layout: they read as 0 afterwards. */
        fip = ld64(env, ops, ea + 8);
        fdp = ld64(env, ops, ea + 16);
        fcs = fds = 0;
    } else {
        fip = mem_ld(env, ops, ea + 8, 4);
        fcs = mem_ld(env, ops, ea + 12, 2);
        fdp = mem_ld(env, ops, ea + 16, 4);
        fds = mem_ld(env, ops, ea + 20, 2);
    }
    mxcsr = mem_ld(env, ops, ea + 24, 4);
    if (mxcsr & ~MXCSR_MASK) {
        ops->raise(env, EXCP0D_GPF, 0);
    }
    for (int i = 0; i < 8; i++) {
        regs[i] = ld80(env, ops, ea + 32 + 16 * i);
    }
    for (int i = 0; i < nxmm; i++) {
        for (int k = 0; k < 4; k++) {
            xmm[i].l[k] = mem_ld(env, ops, ea + 160 + 16 * i + 4 * k, 4);
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
    }
    for (int i = 0; i < nxmm; i++) {
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

/* ---- the translator's other entry points ---- */

void helper_fwait(CPUX86State *env)
{
    x87_fwait(env, &x87_tcg_ops);
}

void helper_fxsave(CPUX86State *env, uint64_t ea, bool rex_w)
{
    x87_fxsave(env, &x87_tcg_ops, ea, rex_w);
}

void helper_fxrstor(CPUX86State *env, uint64_t ea, bool rex_w)
{
    x87_fxrstor(env, &x87_tcg_ops, ea, rex_w);
}
