/*
 * Differential tester: the case generator.  One generator per instruction
 * class; each emits one instruction (a few for jcc-as-setcc) with random
 * operands biased to edge values, random arithmetic flags and DF, all
 * operand sizes (66 prefix for 16 bits), register and memory forms with
 * every 32-bit addressing form (SIB, disp8/disp32, no base).  Memory
 * operands always land inside the data page (or the stack page), whose
 * content comes from the case seed plus patches.  The x87, MMX and SSE
 * classes first load their registers from the data page (IEEE edge values:
 * zeros, denormals, infinities, NaNs, small integers) and then run one
 * operation, some under a random rounding mode (FLDCW, LDMXCSR).
 *
 * Besides the case, a generator records which flags the SDM documents as
 * undefined for that instruction and operand (g->undef): a difference
 * confined to those flags is counted, not failed (see test-difftest.c).
 *
 * Every instruction is emitted twice: into code[] for the translator (32-bit
 * protected mode) and into code64[] for the native runner, which runs in
 * 64-bit mode.  There the 8-, 16- and 32-bit operand sizes behave as in
 * protected mode as long as no REX prefix appears and the registers start
 * zero-extended (a 32-bit write zero-extends, an 8/16-bit write keeps the
 * upper half, which is zero in both cases).  What differs is re-encoded:
 *  - a memory operand gets the 0x67 prefix, so its address is computed
 *    with 32-bit wrap-around from the 32-bit registers as in the flat
 *    32-bit case, and string ops, XLAT, LOOP and JECXZ use ESI/EDI/ECX/EBX;
 *  - ModRM mod 0 r/m 5 (disp32) is RIP-relative there: it becomes a SIB
 *    with neither base nor index (r/m 4, SIB 0x25, disp32);
 *  - the one-byte INC/DEC 0x40-0x4F are REX prefixes there: FF /0, FF /1;
 *  - moffs (A0-A3) is 8 bytes there, 4 bytes under 0x67;
 *  - 0x82, an alias of 0x80, is #UD there: the host runs 0x80.
 * What has no 64-bit form is not generated at all (dt_unchecked below).
 *
 * Included by tests/unit/test-difftest.c (the unit-test build links one
 * file per test program), followed by gen-fp.c (x87, MMX, SSE classes).
 */
#include "tests/difftest/difftest.h"

typedef struct Gen {
    DTCase *c;
    uint64_t s;
    uint8_t *p;
    uint32_t used;              /* registers whose value is fixed */
    uint32_t undef;             /* SDM-undefined flags for this case */
    bool seq;                   /* in a sequence: absolute memory operands,
                                   immediate shift counts */
    uint8_t pages[2 * DT_PAGE]; /* the fill image (before patches) */
    /* POP r/m: an ESP base is taken after the pop's increment (SDM, POP),
     * so the operand is placed with ESP + esp_bias. */
    uint32_t esp_bias;
    uint8_t *p64;               /* emission point in code64[] */
    uint32_t i64;               /* start of the instruction in code64[] */
    bool a32;                   /* 0x67 already added to this instruction */
    bool overflow;              /* the code did not fit */
} Gen;

/* LAHF/SAHF are valid in 64-bit mode only with CPUID 80000001h ECX bit 0;
 * the test clears this on hosts without it. */
static bool dt_lahf64 = true;

/*
 * What the native runner cannot check, because 64-bit mode has no
 * equivalent instruction; the translator's behaviour there is covered by
 * the 80286 vectors (tests/unit/test-moo.c) and by the guest tests.
 */
typedef struct DTUnchecked {
    const char *what, *why;
} DTUnchecked;

static const DTUnchecked dt_unchecked[] = {
    {"DAA DAS AAA AAS AAM AAD (BCD adjust)", "invalid (#UD) in 64-bit mode"},
    {"PUSHA POPA", "invalid (#UD) in 64-bit mode"},
    {"BOUND", "0x62 is the EVEX prefix in 64-bit mode"},
    {"INTO", "invalid (#UD) in 64-bit mode"},
    {"PUSH POP PUSHF POPF ENTER LEAVE with 32-bit operands",
     "64-bit mode has 16- and 64-bit stack operands only (the 16-bit "
     "forms are checked)"},
    {"PUSH/POP of segment registers, LDS LES",
     "invalid (#UD) in 64-bit mode"},
    {"16-bit addressing (0x67 in 32-bit code: LEA, LOOP and JCXZ on CX)",
     "0x67 selects 32-bit addressing in 64-bit mode"},
    {"x87 transcendentals (FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X "
     "FYL2XP1), RCPPS RSQRTPS RCPSS RSQRTSS",
     "approximations whose low bits differ between CPU makers (not a 64-bit "
     "limit; never generated)"},
    {"FSTENV FSAVE FXSAVE and their loads",
     "they store the instruction pointer, whose offset differs between the "
     "32- and 64-bit encodings"},
};
#define DT_NR_UNCHECKED (sizeof(dt_unchecked) / sizeof(dt_unchecked[0]))

static uint32_t rnd(Gen *g)
{
    g->s ^= g->s >> 12;
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return (uint32_t)((g->s * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint32_t below(Gen *g, uint32_t n)
{
    return n ? rnd(g) % n : 0;
}

static bool chance(Gen *g, uint32_t n)
{
    return below(g, n) == 0;
}

static uint32_t size_mask(int sz)
{
    return sz == 1 ? 0xff : sz == 2 ? 0xffff : 0xffffffffu;
}

/* A value biased to edges for an operand of sz bytes (upper bits random). */
static uint32_t edge(Gen *g, int sz)
{
    static const uint32_t tab[] = {
        0, 1, 2, 3, 0x7f, 0x80, 0x81, 0xff, 0xfe, 0x7fff, 0x8000, 0x8001,
        0xffff, 0xfffe, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff,
        0xfffffffe, 0x0f, 0x10, 0x100, 0x10000, 0x99, 0x09, 0x0a,
    };
    uint32_t m = size_mask(sz), v;
    switch (below(g, 5)) {
    case 0:
    case 1:
        return rnd(g);
    case 2:
        return tab[below(g, sizeof(tab) / sizeof(tab[0]))];
    case 3: {
        uint32_t h = m >> 1;
        const uint32_t b[] = {0, 1, m, m - 1, h, h + 1, h - 1, 2};
        v = b[below(g, 8)];
        return (rnd(g) & ~m) | v;
    }
    default:
        v = below(g, 34);
        return chance(g, 2) ? v : (uint32_t)-v;
    }
}

static void emit32(Gen *g, uint8_t b)
{
    if (g->p < g->c->code + DT_MAX_CODE) {
        *g->p++ = b;
    } else {
        g->overflow = true;
    }
}

static void emit64(Gen *g, uint8_t b)
{
    if (g->p64 < g->c->code64 + DT_MAX_CODE64) {
        *g->p64++ = b;
    } else {
        g->overflow = true;
    }
}

/* A byte that is the same in both encodings. */
static void emit(Gen *g, uint8_t b)
{
    emit32(g, b);
    emit64(g, b);
}

/* An instruction starts here: record the boundary in both encodings. */
static void insn_begin(Gen *g)
{
    DTCase *c = g->c;
    if (c->nins < DT_MAX_INS) {
        c->ins32[c->nins] = g->p - c->code;
        c->ins64[c->nins] = g->p64 - c->code64;
        c->nins++;
    } else {
        g->overflow = true;
    }
    g->i64 = g->p64 - c->code64;
    g->a32 = false;
}

/* 64-bit side: 32-bit address size for this instruction (prefix order
 * does not matter, so 0x67 goes first). */
static void need_a32(Gen *g)
{
    uint8_t *start = g->c->code64 + g->i64;
    if (g->a32) {
        return;
    }
    if (g->p64 >= g->c->code64 + DT_MAX_CODE64) {
        g->overflow = true;
        return;
    }
    memmove(start + 1, start, g->p64 - start);
    *start = 0x67;
    g->p64++;
    g->a32 = true;
}

static void emit_imm(Gen *g, uint32_t v, int sz)
{
    for (int i = 0; i < sz; i++) {
        emit(g, v >> (8 * i));
    }
}

static void opsize(Gen *g, int sz)
{
    if (sz == 2) {
        emit(g, 0x66);
    }
}

static int rand_size(Gen *g)
{
    return 1 << below(g, 3);
}

static int rand_size_wl(Gen *g)
{
    return chance(g, 2) ? 2 : 4;
}

static void set_reg(Gen *g, int r, uint32_t v)
{
    g->c->regs[r] = v;
    g->used |= 1u << r;
}

/* Set an operand register of size sz (8-bit encodings: AL..BH). */
static void set_opreg(Gen *g, int r, int sz, uint32_t v)
{
    uint32_t *x;
    if (sz == 1) {
        x = &g->c->regs[r & 3];
        if (r & 4) {
            *x = (*x & ~0xff00u) | (v & 0xff) << 8;
        } else {
            *x = (*x & ~0xffu) | (v & 0xff);
        }
        g->used |= 1u << (r & 3);
    } else {
        x = &g->c->regs[r];
        *x = (*x & ~size_mask(sz)) | (v & size_mask(sz));
        g->used |= 1u << r;
    }
}

static uint32_t full_reg_bit(int r, int sz)
{
    return 1u << (sz == 1 ? (r & 3) : r);
}

/*
 * A register for an operand of size sz (never ESP for 16/32 bits unless
 * allow_sp).  A register whose value is already fixed (an implicit
 * operand, a count) is taken only now and then, and *reuse tells the
 * caller not to change its value.
 */
static int pick_reg_reuse(Gen *g, int sz, bool allow_sp, bool *reuse)
{
    bool share = chance(g, 8);
    for (int tries = 0;; tries++) {
        int r = below(g, 8);
        if (sz != 1 && r == DT_ESP && !allow_sp) {
            continue;
        }
        *reuse = (g->used & full_reg_bit(r, sz)) != 0;
        if (!*reuse || share || tries > 64) {
            return r;
        }
    }
}

static int pick_reg(Gen *g, int sz, bool allow_sp)
{
    bool reuse;
    return pick_reg_reuse(g, sz, allow_sp, &reuse);
}

static void patch(Gen *g, uint32_t off, int len, uint32_t val)
{
    DTCase *c = g->c;
    if (c->npatch < DT_MAX_PATCH) {
        DTPatch *p = &c->patch[c->npatch++];
        p->off = off;
        p->len = len;
        p->val = val;
    }
}

static uint32_t mem_off(Gen *g, int len)
{
    if (chance(g, 8)) {
        return chance(g, 2) ? 0 : DT_PAGE - len;
    }
    return 64 + below(g, DT_PAGE - 128 - len);
}

static int free_reg(Gen *g)
{
    uint32_t fr = ~g->used & 0xff & ~(1u << DT_ESP);
    if (!fr) {
        return -1;
    }
    for (;;) {
        int r = below(g, 8);
        if (fr & (1u << r)) {
            return r;
        }
    }
}

static void emit_disp(Gen *g, int mod, uint32_t d)
{
    emit_imm(g, d, mod == 1 ? 1 : 4);
}

/*
 * ModRM (+SIB, disp) with reg field reg and a memory operand at linear
 * address target; base and index come from registers not yet used.
 */
static void emit_mem_at(Gen *g, int reg, uint32_t target)
{
    int form = below(g, 8);
    int base = free_reg(g);
    need_a32(g);
    if (base < 0 || form == 0 || g->seq) {
        /* disp32; RIP-relative in 64-bit mode, so SIB there */
        emit32(g, (reg << 3) | 5);
        emit64(g, (reg << 3) | 4);
        emit64(g, 0x25);
        emit_imm(g, target, 4);
        return;
    }
    if (form <= 3) {
        int mod = below(g, 3);
        if (mod == 0 && base == DT_EBP) {
            mod = 1 + below(g, 2);
        }
        uint32_t d = mod == 1 ? (uint32_t)(int8_t)rnd(g)
                              : mod == 2 ? edge(g, 4) : 0;
        set_reg(g, base, target - d);
        emit(g, (mod << 6) | (reg << 3) | base);
        if (mod) {
            emit_disp(g, mod, d);
        }
        return;
    }
    /* SIB */
    set_reg(g, base, 0);        /* reserve while picking the index */
    int index = chance(g, 5) ? DT_ESP : free_reg(g);
    if (index < 0) {
        index = DT_ESP;
    }
    int scale = below(g, 4);
    uint32_t iv = 0;
    if (index != DT_ESP) {
        iv = chance(g, 2) ? (uint32_t)(int32_t)(below(g, 129) - 64)
                          : rnd(g);
        set_reg(g, index, iv);
    }
    uint32_t scaled = iv << scale;
    int kind = below(g, 8);
    if (kind == 0) {
        /* no base: mod 0, base field 5, disp32 */
        g->used &= ~(1u << base);
        emit(g, (reg << 3) | 4);
        emit(g, (scale << 6) | (index << 3) | 5);
        emit_imm(g, target - scaled, 4);
        return;
    }
    int mod = below(g, 3);
    if (kind == 1) {
        /* ESP as base: its value is fixed */
        g->used &= ~(1u << base);
        base = DT_ESP;
        uint32_t d = target - (g->c->regs[DT_ESP] + g->esp_bias) - scaled;
        mod = (int32_t)d == (int8_t)d ? 1 + below(g, 2) : 2;
        if (d == 0 && chance(g, 2)) {
            mod = 0;
        }
        emit(g, (mod << 6) | (reg << 3) | 4);
        emit(g, (scale << 6) | (index << 3) | base);
        if (mod) {
            emit_disp(g, mod, d);
        }
        return;
    }
    if (mod == 0 && base == DT_EBP) {
        mod = 1;
    }
    uint32_t d = mod == 1 ? (uint32_t)(int8_t)rnd(g)
                          : mod == 2 ? edge(g, 4) : 0;
    set_reg(g, base, target - scaled - d);
    emit(g, (mod << 6) | (reg << 3) | 4);
    emit(g, (scale << 6) | (index << 3) | base);
    if (mod) {
        emit_disp(g, mod, d);
    }
}

/* Memory operand of len bytes in the data page with value val. */
static uint32_t emit_mem(Gen *g, int reg, int len, uint32_t val)
{
    uint32_t off = mem_off(g, len);
    patch(g, off, len, val);
    emit_mem_at(g, reg, DT_DATA + off);
    return off;
}

/*
 * An r/m operand of size sz with value val: a register (never ESP) or,
 * if allow_mem and by chance, memory.  Returns true for memory.
 */
static bool emit_rm(Gen *g, int reg, int sz, uint32_t val, bool allow_mem)
{
    if (allow_mem && chance(g, 2)) {
        emit_mem(g, reg, sz, val);
        return true;
    }
    bool reuse;
    int r = pick_reg_reuse(g, sz, false, &reuse);
    if (!reuse) {
        set_opreg(g, r, sz, val);
    }
    emit(g, 0xc0 | (reg << 3) | r);
    return false;
}

/*
 * A reg-field register operand of size sz with value val.  ESP may be one
 * (1 in 16), except in a sequence: a later instruction may fault, and the
 * emulated side delivers that exception on the guest stack (the native
 * side on its signal stack), so ESP must stay valid there.
 */
static int reg_operand(Gen *g, int sz, uint32_t val)
{
    bool reuse;
    bool allow_sp = chance(g, 16) && !g->seq;
    int r = pick_reg_reuse(g, sz, allow_sp, &reuse);
    if (!reuse) {
        set_opreg(g, r, sz, val);
    }
    return r;
}

/* ---- classes ---- */

static void gen_alu(Gen *g)
{
    int sz = rand_size(g), op = below(g, 8), form = below(g, 10);
    uint32_t a = edge(g, sz), b = edge(g, sz);
    if (op == 1 || op == 3) {
        /* adc/sbb: make carry-in edges likely */
        if (chance(g, 2)) {
            b = chance(g, 2) ? 0 : size_mask(sz);
        }
    }
    if (op == 4 || op == 1 || op == 6) {
        g->undef = op == 1 ? 0 : DT_AF;        /* and/or/xor: AF undefined */
    }
    opsize(g, sz);
    switch (form) {
    case 0: case 1: case 2: case 3: {         /* op r/m, r  |  op r, r/m */
        bool dir = form & 1;
        emit(g, (op << 3) | (dir ? 2 : 0) | (sz > 1));
        int r = reg_operand(g, sz, b);
        emit_rm(g, r, sz, a, true);
        break;
    }
    case 4:                                   /* op acc, imm */
        emit(g, (op << 3) | 4 | (sz > 1));
        set_opreg(g, DT_EAX, sz, a);
        emit_imm(g, b, sz);
        break;
    case 5: case 6: case 7: {                 /* 80/81/83/82 group 1 */
        int opc = sz == 1 ? (chance(g, 8) ? 0x82 : 0x80)
                          : (chance(g, 2) ? 0x83 : 0x81);
        emit32(g, opc);
        emit64(g, opc == 0x82 ? 0x80 : opc);  /* 82 is #UD in 64-bit mode */
        emit_rm(g, op, sz, a, true);
        emit_imm(g, b, opc == 0x81 ? sz : 1);
        break;
    }
    default:                                  /* test */
        g->undef = DT_AF;
        switch (below(g, 3)) {
        case 0: {
            emit(g, 0x84 | (sz > 1));
            int r = reg_operand(g, sz, b);
            emit_rm(g, r, sz, a, true);
            break;
        }
        case 1:
            emit(g, 0xa8 | (sz > 1));
            set_opreg(g, DT_EAX, sz, a);
            emit_imm(g, b, sz);
            break;
        default:
            emit(g, 0xf6 | (sz > 1));
            emit_rm(g, chance(g, 4) ? 1 : 0, sz, a, true);  /* /1 = alias */
            emit_imm(g, b, sz);
            break;
        }
        break;
    }
}

static void gen_incdec(Gen *g)
{
    int sz = rand_size(g), k = below(g, 4);
    uint32_t a = edge(g, sz);
    opsize(g, sz);
    if (k < 2 && sz > 1 && chance(g, 2)) {
        /* 40+r / 48+r; REX prefixes in 64-bit mode: FF /0, FF /1 there */
        int r = pick_reg(g, sz, false);
        set_opreg(g, r, sz, a);
        emit32(g, (k ? 0x48 : 0x40) + r);
        emit64(g, 0xff);
        emit64(g, 0xc0 | k << 3 | r);
        return;
    }
    if (k < 2) {
        emit(g, 0xfe | (sz > 1));
        emit_rm(g, k, sz, a, true);
    } else {
        emit(g, 0xf6 | (sz > 1));
        emit_rm(g, k, sz, a, true);           /* /2 not, /3 neg */
    }
}

static uint8_t shift_count(Gen *g)
{
    return chance(g, 4) ? rnd(g) : below(g, 34);
}

static void gen_shift(Gen *g)
{
    int sz = rand_size(g), op = below(g, 8), form = below(g, g->seq ? 2 : 3);
    if (op == 6 && !chance(g, 4)) {
        op = 4;                               /* /6 (SAL alias) rarely */
    }
    uint32_t a = edge(g, sz);
    uint8_t cnt = form == 0 ? 1 : shift_count(g);
    unsigned bits = sz * 8, mc = cnt & 31;
    opsize(g, sz);
    if (form == 2) {
        set_opreg(g, DT_ECX, 1, cnt);
    }
    emit(g, (form == 0 ? 0xd0 : form == 1 ? 0xc0 : 0xd2) | (sz > 1));
    emit_rm(g, op, sz, a, true);
    if (form == 1) {
        emit(g, cnt);
    }
    if (mc == 0) {
        g->undef = 0;
    } else if (op >= 4) {                     /* shl shr sal sar */
        g->undef = DT_AF | (mc != 1 ? DT_OF : 0);
        if (op != 7 && mc >= bits) {
            g->undef |= DT_CF;
        }
    } else {
        unsigned rc = op >= 2 ? mc % (bits + 1) : mc;   /* rcl/rcr */
        g->undef = rc == 1 || mc == 1 ? 0 : DT_OF;
        (void)rc;
    }
}

static void gen_shld(Gen *g)
{
    int sz = rand_size_wl(g), right = below(g, 2);
    int imm = g->seq || below(g, 2);
    uint32_t a = edge(g, sz), b = edge(g, sz);
    uint8_t cnt = shift_count(g);
    if (sz == 2 && (cnt & 31) > 16) {
        cnt &= 15;                            /* result undefined beyond */
    }
    opsize(g, sz);
    if (!imm) {
        set_opreg(g, DT_ECX, 1, cnt);
    }
    emit(g, 0x0f);
    emit(g, (right ? 0xac : 0xa4) | (imm ? 0 : 1));
    int r = reg_operand(g, sz, b);
    emit_rm(g, r, sz, a, true);
    if (imm) {
        emit(g, cnt);
    }
    unsigned mc = cnt & 31;
    g->undef = mc == 0 ? 0 : DT_AF | (mc != 1 ? DT_OF : 0);
}

static void gen_mul(Gen *g)
{
    int form = below(g, 4), sz = form == 0 ? rand_size(g) : rand_size_wl(g);
    uint32_t a = edge(g, sz), b = edge(g, sz);
    g->undef = DT_SF | DT_ZF | DT_AF | DT_PF;
    opsize(g, sz);
    switch (form) {
    case 0:                                   /* mul / imul r/m */
        set_opreg(g, DT_EAX, sz, a);
        if (sz > 1) {
            g->used |= 1u << DT_EDX;
        }
        emit(g, 0xf6 | (sz > 1));
        emit_rm(g, 4 + below(g, 2), sz, b, true);
        break;
    case 1: {                                 /* imul r, r/m */
        emit(g, 0x0f);
        emit(g, 0xaf);
        int r = reg_operand(g, sz, a);
        emit_rm(g, r, sz, b, true);
        break;
    }
    default: {                                /* imul r, r/m, imm */
        bool i8 = form == 2;
        emit(g, i8 ? 0x6b : 0x69);
        int r = reg_operand(g, sz, rnd(g));
        emit_rm(g, r, sz, b, true);
        emit_imm(g, a, i8 ? 1 : sz);
        break;
    }
    }
}

static void gen_div(Gen *g)
{
    int sz = rand_size(g), sgn = below(g, 2);
    uint32_t m = size_mask(sz);
    uint32_t d = edge(g, sz) & m;
    uint64_t lo, hi;
    if (chance(g, 3) && d) {
        /* quotient likely to fit */
        uint64_t q = edge(g, sz) & (m >> (sgn ? 1 : 0));
        uint64_t r = d > 1 ? rnd(g) % d : 0;
        uint64_t n = q * d + r;
        if (sgn && chance(g, 2)) {
            n = -n;
        }
        lo = n & m;
        hi = (n >> (sz * 8)) & m;
    } else {
        lo = edge(g, sz);
        hi = chance(g, 2) ? edge(g, sz) : (chance(g, 2) ? 0 : m);
    }
    g->undef = DT_ARITH;
    opsize(g, sz);
    if (sz == 1) {
        set_opreg(g, DT_EAX, 2, (uint32_t)(lo | hi << 8));
    } else {
        set_opreg(g, DT_EAX, sz, lo);
        set_opreg(g, DT_EDX, sz, hi);
    }
    emit(g, 0xf6 | (sz > 1));
    emit_rm(g, 6 + sgn, sz, d, true);
}

static void gen_bt(Gen *g)
{
    int sz = rand_size_wl(g), op = below(g, 4), imm = below(g, 3) == 0;
    uint32_t a = edge(g, sz);
    g->undef = DT_OF | DT_SF | DT_AF | DT_PF;
    opsize(g, sz);
    emit(g, 0x0f);
    if (imm) {
        emit(g, 0xba);
        emit_rm(g, 4 + op, sz, a, true);
        emit(g, chance(g, 2) ? below(g, sz * 8) : rnd(g));
        return;
    }
    emit(g, 0xa3 | (op << 3));
    if (chance(g, 2)) {
        int r = reg_operand(g, sz, edge(g, 4));
        emit_rm(g, r, sz, a, false);
        return;
    }
    /* memory with a register bit offset: the address moves by it */
    int r = pick_reg(g, sz, false);
    int32_t bo = (int32_t)below(g, 2 * 1800 * 8) - 1800 * 8;
    if (chance(g, 4)) {
        bo = (int32_t)below(g, sz * 16) - sz * 8;
    }
    set_opreg(g, r, sz, (uint32_t)bo);
    if (sz == 2) {
        g->c->regs[r] = (g->c->regs[r] & 0xffff0000u) | ((uint32_t)bo & 0xffff);
        bo = (int16_t)bo;
    }
    uint32_t off = 2048 + 64 - below(g, 128);
    off &= ~(uint32_t)(sz - 1);
    patch(g, off, sz, a);
    emit_mem_at(g, r, DT_DATA + off);
}

static void gen_bsf(Gen *g)
{
    if (chance(g, 5)) {                       /* bswap r32 */
        int r = pick_reg(g, 4, false);
        set_reg(g, r, edge(g, 4));
        emit(g, 0x0f);
        emit(g, 0xc8 + r);
        return;
    }
    int sz = rand_size_wl(g);
    uint32_t a = edge(g, sz);
    if (chance(g, 4)) {
        a = 1u << below(g, 32);
    }
    g->undef = DT_CF | DT_OF | DT_SF | DT_AF | DT_PF;
    opsize(g, sz);
    emit(g, 0x0f);
    emit(g, 0xbc | below(g, 2));
    int r = reg_operand(g, sz, rnd(g));
    emit_rm(g, r, sz, a, true);
}

static void gen_xchg(Gen *g)
{
    int sz = rand_size(g), k = below(g, 6);
    uint32_t a = edge(g, sz), b = edge(g, sz);
    bool lock = chance(g, 8);
    if (k == 5) {                             /* cmpxchg8b m64 */
        uint32_t lo = edge(g, 4), hi = edge(g, 4);
        set_reg(g, DT_EAX, chance(g, 2) ? lo : edge(g, 4));
        set_reg(g, DT_EDX, chance(g, 2) ? hi : edge(g, 4));
        set_reg(g, DT_EBX, edge(g, 4));
        set_reg(g, DT_ECX, edge(g, 4));
        if (lock) {
            emit(g, 0xf0);
        }
        emit(g, 0x0f);
        emit(g, 0xc7);
        uint32_t off = mem_off(g, 8);
        patch(g, off, 4, lo);
        patch(g, off + 4, 4, hi);
        emit_mem_at(g, 1, DT_DATA + off);
        return;
    }
    if (k == 4 && sz > 1) {                   /* xchg eAX, r */
        opsize(g, sz);
        int r = pick_reg(g, sz, false);
        set_opreg(g, DT_EAX, sz, a);
        set_opreg(g, r, sz, b);
        emit(g, 0x90 + r);
        return;
    }
    if (lock) {
        emit(g, 0xf0);
    }
    opsize(g, sz);
    switch (k % 4) {
    case 0: case 1: {                         /* xchg r/m, r */
        emit(g, 0x86 | (sz > 1));
        int r = reg_operand(g, sz, b);
        emit_rm(g, r, sz, a, true);
        break;
    }
    case 2: {                                 /* xadd r/m, r */
        emit(g, 0x0f);
        emit(g, 0xc0 | (sz > 1));
        int r = reg_operand(g, sz, b);
        emit_rm(g, r, sz, a, true);
        break;
    }
    default: {                                /* cmpxchg r/m, r */
        set_opreg(g, DT_EAX, sz, chance(g, 2) ? a : edge(g, sz));
        emit(g, 0x0f);
        emit(g, 0xb0 | (sz > 1));
        int r = reg_operand(g, sz, b);
        emit_rm(g, r, sz, a, true);
        break;
    }
    }
}

/*
 * LOCK forms with a memory destination (the frontend's atomic helpers,
 * translate-atomic.c): the ALU ops but CMP, INC/DEC/NOT/NEG, BTS/BTR/BTC
 * with an immediate or a small register bit offset, XADD and CMPXCHG.
 */
static void gen_lock(Gen *g)
{
    int k = below(g, 6);
    int sz = k == 3 ? rand_size_wl(g) : rand_size(g);
    uint32_t a = edge(g, sz), b = edge(g, sz);
    emit(g, 0xf0);
    opsize(g, sz);
    switch (k) {
    case 0:
    case 1: {                                 /* op m, r  |  op m, imm */
        int op = below(g, 7);
        if (op == 4 || op == 1 || op == 6) {
            g->undef = op == 1 ? 0 : DT_AF;
        }
        if (k == 0) {
            emit(g, (op << 3) | (sz > 1));
            int r = reg_operand(g, sz, b);
            emit_mem(g, r, sz, a);
            break;
        }
        int opc = sz == 1 ? 0x80 : (chance(g, 2) ? 0x83 : 0x81);
        emit(g, opc);
        emit_mem(g, op, sz, a);
        emit_imm(g, b, opc == 0x81 ? sz : 1);
        break;
    }
    case 2: {                                 /* inc dec not neg m */
        int kk = below(g, 4);
        emit(g, (kk < 2 ? 0xfe : 0xf6) | (sz > 1));
        emit_mem(g, kk, sz, a);
        break;
    }
    case 3: {                                 /* bts btr btc m */
        int op = 1 + below(g, 3);
        g->undef = DT_OF | DT_SF | DT_AF | DT_PF;
        emit(g, 0x0f);
        if (chance(g, 2)) {
            emit(g, 0xba);
            emit_mem(g, 4 + op, sz, a);
            emit(g, chance(g, 2) ? below(g, sz * 8) : rnd(g));
            break;
        }
        emit(g, 0xa3 | (op << 3));
        int r = pick_reg(g, sz, false);
        int32_t bo = (int32_t)below(g, sz * 32) - sz * 16;
        set_opreg(g, r, sz, (uint32_t)bo);
        uint32_t off = 2048 + 64 - below(g, 128);
        off &= ~(uint32_t)(sz - 1);
        patch(g, off, sz, a);
        emit_mem_at(g, r, DT_DATA + off);
        break;
    }
    case 4: {                                 /* xadd m, r */
        emit(g, 0x0f);
        emit(g, 0xc0 | (sz > 1));
        int r = reg_operand(g, sz, b);
        emit_mem(g, r, sz, a);
        break;
    }
    default: {                                /* cmpxchg m, r */
        set_opreg(g, DT_EAX, sz, chance(g, 2) ? a : edge(g, sz));
        emit(g, 0x0f);
        emit(g, 0xb0 | (sz > 1));
        int r = reg_operand(g, sz, b);
        emit_mem(g, r, sz, a);
        break;
    }
    }
}

static void gen_cc(Gen *g)
{
    int k = below(g, 5), cc = below(g, 16);
    switch (k) {
    case 0: {                                 /* cmovcc */
        int sz = rand_size_wl(g);
        opsize(g, sz);
        emit(g, 0x0f);
        emit(g, 0x40 + cc);
        int r = reg_operand(g, sz, edge(g, sz));
        emit_rm(g, r, sz, edge(g, sz), true);
        break;
    }
    case 1:                                   /* setcc */
        emit(g, 0x0f);
        emit(g, 0x90 + cc);
        emit_rm(g, below(g, 8), 1, edge(g, 1), true);   /* reg ignored */
        break;
    case 2:                                   /* jcc rel8 over mov */
    case 3:
        if (k == 2) {
            emit(g, 0x70 + cc);
            emit(g, 5);
        } else {
            emit(g, 0x0f);
            emit(g, 0x80 + cc);
            emit_imm(g, 5, 4);
        }
        insn_begin(g);
        emit(g, 0xb8 + DT_EAX);
        emit_imm(g, 0x5a5a5a5a, 4);
        break;
    default: {                                /* loop/loopz/loopnz/jecxz */
        int op = below(g, 4);
        uint32_t cx = chance(g, 2) ? below(g, 3) : edge(g, 4);
        set_reg(g, DT_ECX, cx);
        need_a32(g);                          /* ECX, not RCX */
        emit(g, 0xe0 + op);
        emit(g, 5);
        insn_begin(g);
        emit(g, 0xb8 + DT_EAX);
        emit_imm(g, 0x5a5a5a5a, 4);
        break;
    }
    }
}

static void gen_movx(Gen *g)
{
    int k = below(g, 6);
    if (k <= 1) {                             /* movzx / movsx */
        int dsz = rand_size_wl(g), ssz = chance(g, 2) ? 1 : 2;
        opsize(g, dsz);
        emit(g, 0x0f);
        emit(g, (k ? 0xbe : 0xb6) | (ssz == 2));
        int r = reg_operand(g, dsz, rnd(g));
        emit_rm(g, r, ssz, edge(g, ssz), true);
        return;
    }
    int sz = rand_size(g);
    uint32_t v = edge(g, sz);
    opsize(g, sz);
    switch (k) {
    case 2: {                                 /* 88-8B */
        emit(g, 0x88 | (below(g, 2) << 1) | (sz > 1));
        int r = reg_operand(g, sz, edge(g, sz));
        emit_rm(g, r, sz, v, true);
        break;
    }
    case 3:                                   /* C6/C7 */
        emit(g, 0xc6 | (sz > 1));
        emit_rm(g, 0, sz, v, true);
        emit_imm(g, edge(g, sz), sz);
        break;
    case 4: {                                 /* B0+r / B8+r */
        int r = pick_reg(g, sz, false);
        emit(g, (sz == 1 ? 0xb0 : 0xb8) + r);
        emit_imm(g, v, sz);
        break;
    }
    default: {                                /* A0-A3 moffs */
        uint32_t off = mem_off(g, sz);
        patch(g, off, sz, v);
        need_a32(g);                          /* moffs32, not moffs64 */
        emit(g, 0xa0 | (below(g, 2) << 1) | (sz > 1));
        emit_imm(g, DT_DATA + off, 4);
        break;
    }
    }
}

static void gen_lea(Gen *g)
{
    int sz = rand_size_wl(g);
    opsize(g, sz);
    need_a32(g);
    emit(g, 0x8d);
    int mod = chance(g, 64) ? 3 : below(g, 3);    /* mod 3: #UD */
    int reg = pick_reg(g, 4, false), rm = below(g, 8);
    if (mod == 0 && rm == 5) {
        /* disp32; RIP-relative in 64-bit mode, so SIB there */
        emit32(g, (reg << 3) | 5);
        emit64(g, (reg << 3) | 4);
        emit64(g, 0x25);
        emit_imm(g, edge(g, 4), 4);
        return;
    }
    emit(g, (mod << 6) | (reg << 3) | rm);
    int base = rm;
    if (mod != 3 && rm == 4) {
        uint8_t sib = rnd(g);
        emit(g, sib);
        base = sib & 7;
    }
    if (mod == 1) {
        emit(g, rnd(g));
    } else if (mod == 2 || (mod == 0 && base == 5)) {
        emit_imm(g, edge(g, 4), 4);
    }
}

/* String ops: ESI/EDI in the data page, counts 0..n, DF both ways. */
static void gen_string(Gen *g)
{
    static const uint8_t ops[] = {0xa4, 0xa6, 0xaa, 0xac, 0xae};
    int sz = rand_size(g), op = ops[below(g, 5)];
    int rep = below(g, 3);                    /* none, F3, F2 */
    bool df = chance(g, 2);
    uint32_t n = rep ? (chance(g, 4) ? below(g, 3) : below(g, 48)) : 1;
    uint32_t span = (n ? n : 1) * sz;
    g->c->eflags = (g->c->eflags & ~DT_DF) | (df ? DT_DF : 0);
    if (op == 0xa6 || op == 0xae) {
        uint32_t mode = below(g, 16);
        g->c->seed = (g->c->seed & 0x0fffffffu) | mode << 28;
        dt_fill(g->pages, g->c->seed);
    }
    /* start so that the whole run stays in the page */
    uint32_t lo = df ? span - sz : 0, hi = df ? DT_PAGE - sz : DT_PAGE - span;
    uint32_t si = lo + below(g, hi - lo + 1), di = lo + below(g, hi - lo + 1);
    if (op == 0xa6 && chance(g, 2)) {
        /* same phase in a periodic fill: long equal runs */
        di = (si & 63) | (di & ~63u);
        if (di < lo || di > hi) {
            di = si;
        }
    }
    set_reg(g, DT_ESI, DT_DATA + si);
    set_reg(g, DT_EDI, DT_DATA + di);
    set_reg(g, DT_ECX, rep ? n : edge(g, 4));
    if (op == 0xae && chance(g, 2)) {
        /* look for a value that is in the page */
        uint32_t at = di + (df ? -(uint32_t)below(g, n + 1) * sz
                               : below(g, n + 1) * sz);
        uint32_t v = 0;
        for (int i = 0; i < sz && at + i < DT_PAGE; i++) {
            v |= (uint32_t)g->pages[at + i] << (8 * i);
        }
        set_opreg(g, DT_EAX, sz, v);
    }
    if (chance(g, 4) && n > 1) {
        /* perturb one byte in the run */
        uint32_t at = (df ? di - span + sz : di) + below(g, span);
        if (at < DT_PAGE) {
            patch(g, at, 1, rnd(g));
        }
    }
    need_a32(g);                              /* ESI, EDI, ECX */
    bool late66 = chance(g, 2);               /* prefix order varies */
    if (!late66) {
        opsize(g, sz);
    }
    if (rep) {
        emit(g, rep == 1 ? 0xf3 : 0xf2);
    }
    if (late66) {
        opsize(g, sz);
    }
    emit(g, op | (sz > 1));
}

static void gen_misc(Gen *g)
{
    static const uint8_t ops[] = {0x98, 0x99, 0xf5, 0xf8, 0xf9, 0xfc, 0xfd,
                                  0x9e, 0x9f, 0xd7, 0x90};
    int k = below(g, sizeof(ops));
    if ((ops[k] == 0x9e || ops[k] == 0x9f) && !dt_lahf64) {
        k = 0;
    }
    if (k <= 1 && chance(g, 2)) {
        emit(g, 0x66);
    }
    if (ops[k] == 0xd7) {                     /* xlat: EBX = table */
        set_reg(g, DT_EBX, DT_DATA + below(g, DT_PAGE - 256));
        need_a32(g);                          /* EBX, not RBX */
    }
    emit(g, ops[k]);
}

/*
 * Stack operations with 16-bit operands (66 prefix): the only size that
 * both modes share.  ESP (zero-extended in RSP) stays in the stack page.
 */
static void gen_stack(Gen *g)
{
    int k = below(g, 9), sz = 2;
    uint32_t sp = DT_STACK + 0x400 + below(g, 0x800);
    sp &= chance(g, 8) ? ~1u : ~3u;
    g->c->regs[DT_ESP] = sp;
    g->used |= 1u << DT_ESP;
    uint32_t spo = sp - DT_STACK + DT_PAGE;  /* patch offset of [esp] */
    opsize(g, sz);
    switch (k) {
    case 0: {                                 /* push r */
        emit(g, 0x50 + below(g, 8));
        break;
    }
    case 1: {                                 /* pop r */
        int r = below(g, 8);
        patch(g, spo, sz, edge(g, sz));
        emit(g, 0x58 + r);
        break;
    }
    case 2:                                   /* push r/m */
        emit(g, 0xff);
        emit_rm(g, 6, sz, edge(g, sz), true);
        break;
    case 3:                                   /* pop r/m */
        patch(g, spo, sz, edge(g, sz));
        emit(g, 0x8f);
        g->esp_bias = sz;
        emit_rm(g, 0, sz, 0, true);
        g->esp_bias = 0;
        break;
    case 4:                                   /* push imm */
        if (chance(g, 2)) {
            emit(g, 0x6a);
            emit(g, rnd(g));
        } else {
            emit(g, 0x68);
            emit_imm(g, edge(g, sz), sz);
        }
        break;
    case 5:                                   /* pushf */
        emit(g, 0x9c);
        break;
    case 6: {                                 /* popf: arithmetic + DF */
        uint32_t v = (rnd(g) & (DT_ARITH | DT_DF)) | 2;
        patch(g, spo, sz, v);
        emit(g, 0x9d);
        break;
    }
    case 7: {                                 /* enter */
        uint32_t frame = chance(g, 2) ? below(g, 64) : below(g, 0x300);
        uint8_t level = chance(g, 2) ? below(g, 3) : below(g, 32);
        if (chance(g, 16)) {
            level |= 0x20 * below(g, 8);      /* masked to 5 bits */
        }
        set_reg(g, DT_EBP, DT_STACK + 0x500 + below(g, 0x600));
        emit(g, 0xc8);
        emit_imm(g, frame, 2);
        emit(g, level);
        break;
    }
    default: {                                /* leave */
        uint32_t bp = DT_STACK + 0x100 + below(g, 0xe00);
        bp &= ~1u;                            /* ESP = EBP: keep it real */
        set_reg(g, DT_EBP, bp);
        patch(g, (bp & 0xfff) + DT_PAGE, sz, edge(g, 4));
        emit(g, 0xc9);
        break;
    }
    }
}

/* x87, MMX and SSE: tests/difftest/gen-fp.c */
static void gen_x87(Gen *g);
static void gen_mmx(Gen *g);
static void gen_sse(Gen *g);

/*
 * Sequences of 2-5 instructions (no faults, no register-based addresses)
 * so that lazy flags and register results flow between instructions; a
 * CMP EAX, imm32 follows an instruction that leaves flags undefined.
 */
static void gen_seq(Gen *g)
{
    static void (*const sub[])(Gen *) = {
        gen_alu, gen_alu, gen_incdec, gen_shift, gen_shld, gen_cc,
        gen_movx, gen_xchg, gen_lea,
    };
    int n = 2 + below(g, 4);
    g->seq = true;
    for (int i = 0; i < n && g->p - g->c->code < DT_MAX_CODE - 16 &&
                    g->p64 - g->c->code64 < DT_MAX_CODE64 - 24; i++) {
        if (i) {
            insn_begin(g);
        }
        if (g->undef) {
            /* redefine all flags before the next one may read them */
            emit(g, 0x3d);
            emit_imm(g, edge(g, 4), 4);
            insn_begin(g);
        }
        g->used = 1u << DT_ESP;
        g->undef = 0;
        sub[below(g, sizeof(sub) / sizeof(sub[0]))](g);
    }
    g->seq = false;
}

typedef struct DTClass {
    const char *name;
    void (*gen)(Gen *g);
} DTClass;

static const DTClass dt_classes[] = {
    {"alu", gen_alu},       {"incdec", gen_incdec}, {"shift", gen_shift},
    {"shld", gen_shld},     {"mul", gen_mul},       {"div", gen_div},
    {"bt", gen_bt},         {"bsf", gen_bsf},       {"xchg", gen_xchg},
    {"cc", gen_cc},         {"movx", gen_movx},     {"lea", gen_lea},
    {"string", gen_string}, {"misc", gen_misc},
    {"stack", gen_stack},   {"seq", gen_seq},       {"x87", gen_x87},
    {"mmx", gen_mmx},       {"sse", gen_sse},       {"lock", gen_lock},
};
#define DT_NR_CLASSES (sizeof(dt_classes) / sizeof(dt_classes[0]))

/* Generate case number idx of a class from the run seed. */
static void dt_generate(Gen *g, DTCase *c, int cls, uint64_t seed,
                        uint32_t idx)
{
    memset(c, 0, sizeof(*c));
    g->c = c;
    g->s = (seed ^ ((uint64_t)cls << 40) ^ ((uint64_t)idx * 0x9E3779B97F4A7C15ULL)) | 1;
    for (int i = 0; i < 4; i++) {
        rnd(g);
    }
    g->p = c->code;
    g->p64 = c->code64;
    g->overflow = false;
    g->used = 1u << DT_ESP;
    g->undef = 0;
    g->seq = false;
    c->magic = DT_MAGIC;
    c->seed = rnd(g) & 0x7fffffffu;
    if (chance(g, 4)) {
        c->seed |= 0x80000000u | (below(g, 8) << 28);
    }
    dt_fill(g->pages, c->seed);
    for (int r = 0; r < 8; r++) {
        c->regs[r] = edge(g, 4);
    }
    c->regs[DT_ESP] = DT_STACK + 0x800;
    c->eflags = rnd(g) & (DT_ARITH | DT_DF);
    insn_begin(g);
    dt_classes[cls].gen(g);
    insn_begin(g);                            /* the end */
    c->code_len = g->p - c->code;
    c->code64_len = g->p64 - c->code64;
}
