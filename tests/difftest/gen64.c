/*
 * Differential tester, 64-bit mode: the case generator (DTCase64).  The
 * code is 64-bit code as it is: the native runner runs it unchanged
 * ("-64") and the translator runs it in a flat long-mode guest
 * (emu-run64.c).  One generator per class, like gen.c, with what 64-bit
 * mode adds:
 *  - REX: W (64-bit operands), R/X/B (r8-r15 as reg, index and base),
 *    and a bare REX for SPL/BPL/SIL/DIL; byte operands without REX use
 *    AH/CH/DH/BH instead (and then no register above 7 may appear);
 *  - every register starts with a 64-bit edge value: a 32-bit result must
 *    zero-extend, an 8/16-bit one must keep bits above it;
 *  - memory operands: RIP-relative (disp32 from the end of the
 *    instruction, so after any immediate), base + index*scale + disp with
 *    any of the 16 registers and 64-bit wrap-around (the registers carry
 *    arbitrary upper bits, only the sum lands in the page), SIB without a
 *    base, and 0x67 (32-bit address size: the upper halves are ignored);
 *    now and then an address that is not canonical (#GP);
 *  - MOV r64, imm64; MOVSXD; CMPXCHG16B (misaligned: #GP); CQO; string
 *    ops with RSI/RDI/RCX (and ESI/EDI/ECX under 0x67); PUSH/POP of
 *    64-bit registers and memory, PUSHFQ/POPFQ, CALL/RET with 8-byte
 *    return addresses (RIP is the same on both sides); LOOP/JRCXZ on
 *    RCX; SSE on XMM0-15 with MOVQ/CVTSI2SD/CVTSD2SI of 64-bit GPRs.
 * Memory operands land in the data or stack page.  Flags the SDM leaves
 * undefined are recorded in g->undef, as in gen.c.
 *
 * Not generated: FS/GS overrides (the native FS base is the C library's
 * thread pointer), instructions for CPL 0 (the native side runs at CPL 3),
 * SYSCALL and the like; x87 (the 32-bit classes cover it: 64-bit mode
 * changes nothing there but FXSAVE's layout).
 *
 * Included by tests/unit/test-difftest64.c.
 */
#include "tests/difftest/difftest.h"

typedef struct Gen64 {
    DTCase64 *c;
    uint64_t s;
    uint8_t *p;
    uint32_t used;              /* registers (0-15) whose value is fixed */
    uint32_t undef;             /* SDM-undefined flags for this case */
    bool seq;                   /* in a sequence: no faults wanted */
    bool legacy8;               /* byte operands without REX: AH..BH */
    bool overflow;
    uint32_t nriprel;           /* RIP-relative operands emitted */
    uint8_t pages[2 * DT_PAGE];
} Gen64;

enum { R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI };
#define M_RIP 16                /* Mem64.base: RIP-relative */

/* A memory operand (ModRM mod != 3). */
typedef struct Mem64 {
    int base, index;            /* -1: none; base M_RIP: RIP-relative */
    int scale, dsz;             /* dsz: 0, 1 or 4 displacement bytes */
    uint32_t disp;
    uint64_t target;            /* RIP-relative: the linear address */
} Mem64;

/* One instruction, encoded by enc(). */
typedef struct Insn64 {
    uint8_t pfx[4];
    int npfx;
    bool w, rex;                /* REX.W; a REX prefix even without bits */
    uint8_t opc[3];
    int nopc;
    int opreg;                  /* +r in the last opcode byte, or -1 */
    bool modrm;
    int reg;                    /* ModRM reg (0-15) or /digit */
    bool mem;
    int rm;                     /* register r/m (0-15) */
    Mem64 m;
    uint64_t imm;
    int isz;
} Insn64;

static uint32_t rnd64g(Gen64 *g)
{
    g->s ^= g->s >> 12;
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return (uint32_t)((g->s * 0x2545F4914F6CDD1DULL) >> 32);
}

static uint64_t rnd64(Gen64 *g)
{
    return (uint64_t)rnd64g(g) << 32 | rnd64g(g);
}

static uint32_t below64(Gen64 *g, uint32_t n)
{
    return n ? rnd64g(g) % n : 0;
}

static bool chance64(Gen64 *g, uint32_t n)
{
    return below64(g, n) == 0;
}

static uint64_t mask64(int sz)
{
    return sz == 8 ? ~0ull : (1ull << (8 * sz)) - 1;
}

/* A value biased to edges for an operand of sz bytes (upper bits random). */
static uint64_t edge64(Gen64 *g, int sz)
{
    static const uint64_t tab[] = {
        0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
        0x80000000, 0xffffffff, 0x100000000ull, 0xffffffff80000000ull,
        0x7fffffffffffffffull, 0x8000000000000000ull, 0x8000000000000001ull,
        ~0ull, ~1ull, 0x00000000fffffffeull, 0x123456789abcdef0ull,
    };
    uint64_t m = mask64(sz), v;
    switch (below64(g, 6)) {
    case 0:
    case 1:
        return rnd64(g);
    case 2:
        return tab[below64(g, sizeof(tab) / sizeof(tab[0]))];
    case 3: {
        uint64_t h = m >> 1;
        const uint64_t b[] = {0, 1, m, m - 1, h, h + 1, h - 1, 2};
        v = b[below64(g, 8)];
        return (rnd64(g) & ~m) | v;
    }
    case 4:
        return (uint64_t)(int64_t)(int32_t)rnd64g(g);   /* sign-extended */
    default:
        v = below64(g, 66);
        return chance64(g, 2) ? v : (uint64_t)-v;
    }
}

static void emit8(Gen64 *g, uint8_t b)
{
    if (g->p < g->c->code + DT64_MAX_CODE) {
        *g->p++ = b;
    } else {
        g->overflow = true;
    }
}

static void emitn(Gen64 *g, uint64_t v, int n)
{
    for (int i = 0; i < n; i++) {
        emit8(g, (uint8_t)(v >> (8 * i)));
    }
}

/* An instruction starts here (or the code ends). */
static void begin64(Gen64 *g)
{
    DTCase64 *c = g->c;
    if (c->nins < DT_MAX_INS) {
        c->ins[c->nins++] = g->p - c->code;
    } else {
        g->overflow = true;
    }
}

static void patch64(Gen64 *g, uint32_t off, int len, uint64_t val)
{
    DTCase64 *c = g->c;
    for (int i = 0; i < len; i += 4) {
        if (c->npatch >= DT64_MAX_PATCH) {
            g->overflow = true;
            return;
        }
        DTPatch *p = &c->patch[c->npatch++];
        p->off = off + i;
        p->len = len - i < 4 ? len - i : 4;
        p->val = (uint32_t)(val >> (8 * i));
    }
}

static void set_reg64(Gen64 *g, int r, uint64_t v)
{
    g->c->regs[r] = v;
    g->used |= 1u << r;
}

/* Byte register r of an instruction: AH..BH when legacy8 and r is 4-7. */
static bool is_high8(Gen64 *g, int r, int sz)
{
    return sz == 1 && g->legacy8 && r >= 4 && r < 8;
}

static int full_reg(Gen64 *g, int r, int sz)
{
    return is_high8(g, r, sz) ? r - 4 : r;
}

/* Set the part of register r that an operand of size sz reads. */
static void set_opreg64(Gen64 *g, int r, int sz, uint64_t v)
{
    int f = full_reg(g, r, sz);
    uint64_t *x = &g->c->regs[f];
    int sh = is_high8(g, r, sz) ? 8 : 0;
    uint64_t m = mask64(sz) << sh;
    *x = (*x & ~m) | ((v << sh) & m);
    g->used |= 1u << f;
}

static int nregs(Gen64 *g)
{
    return g->legacy8 ? 8 : 16;
}

/* A register for an operand of size sz, fresh if possible; *reuse if its
 * value is already fixed. */
static int pick64(Gen64 *g, int sz, bool allow_sp, bool *reuse)
{
    bool share = chance64(g, 8);
    for (int tries = 0;; tries++) {
        int r = below64(g, nregs(g));
        if (r == R_SP && !allow_sp && !is_high8(g, r, sz)) {
            continue;
        }
        *reuse = (g->used >> full_reg(g, r, sz)) & 1;
        if (!*reuse || share || tries > 64) {
            return r;
        }
    }
}

/* A register not used yet (never RSP), or -1. */
static int free64(Gen64 *g)
{
    uint32_t fr = ~g->used & ((1u << nregs(g)) - 1) & ~(1u << R_SP);
    if (!fr) {
        return -1;
    }
    for (;;) {
        int r = below64(g, nregs(g));
        if (fr & (1u << r)) {
            return r;
        }
    }
}

/* A data-page offset for len bytes (edges of the page now and then). */
static uint32_t off64(Gen64 *g, int len)
{
    if (chance64(g, 8)) {
        return chance64(g, 2) ? 0 : DT_PAGE - len;
    }
    return 64 + below64(g, DT_PAGE - 128 - len);
}

/*
 * A memory operand at linear address target (the data or stack page):
 * RIP-relative, SIB without base, or base/index registers set so that the
 * 64-bit sum (32-bit under 0x67, *a32) is target.  With a chance of 1 in
 * 40 outside a sequence, the address is made non-canonical (#GP, or #SS
 * with an RBP base).  In a sequence: RIP-relative or absolute only.
 */
static void mem_at64(Gen64 *g, Insn64 *in, uint64_t target)
{
    Mem64 *m = &in->m;
    in->modrm = true;
    in->mem = true;
    memset(m, 0, sizeof(*m));
    m->base = m->index = -1;
    int form = below64(g, 8);
    int base = free64(g);
    bool a32 = chance64(g, 8);
    if (g->seq) {
        /* a sequence: absolute addresses only (an earlier instruction may
         * have changed any register) */
        form = chance64(g, 2) ? 0 : 2;
        a32 = false;
    }
    if (form <= 1 || base < 0) {
        m->base = M_RIP;
        m->target = target;
        m->dsz = 4;
        g->nriprel++;
        if (a32 && chance64(g, 2)) {
            in->pfx[in->npfx++] = 0x67;       /* EIP-relative */
        }
        return;
    }
    if (a32) {
        in->pfx[in->npfx++] = 0x67;
    }
    if (!g->seq && chance64(g, 40) && !a32) {
        target |= 0x0000800000000000ull;     /* bit 47 set, 63-48 clear */
    }
    if (form == 2) {                          /* SIB, no base: disp32 */
        m->dsz = 4;
        m->disp = (uint32_t)target;
        if (target >= 0x80000000u) {          /* not reachable: use a base */
            form = 3;
        } else {
            return;
        }
    }
    set_reg64(g, base, 0);                    /* reserve it */
    int index = chance64(g, 3) ? -1 : free64(g);
    m->scale = below64(g, 4);
    uint64_t iv = 0;
    if (index >= 0) {
        iv = chance64(g, 2) ? (uint64_t)(int64_t)((int)below64(g, 129) - 64)
                            : rnd64(g);
        set_reg64(g, index, iv);
    }
    m->dsz = below64(g, 3);
    m->dsz = m->dsz == 2 ? 4 : m->dsz;
    if (m->dsz == 0 && (base & 7) == R_BP) {
        m->dsz = 1;
    }
    m->disp = m->dsz == 1 ? (uint32_t)(int8_t)rnd64g(g)
            : m->dsz == 4 ? (uint32_t)edge64(g, 4) : 0;
    uint64_t d = (uint64_t)(int64_t)(int32_t)m->disp;
    uint64_t bv = target - (iv << m->scale) - d;
    if (a32) {
        bv = (bv & 0xffffffffu) | (rnd64(g) << 32);     /* ignored */
    }
    m->base = base;
    m->index = index;
    set_reg64(g, base, bv);
}

/* A memory operand of len bytes in the data page holding val. */
static uint32_t mem64(Gen64 *g, Insn64 *in, int len, uint64_t val)
{
    uint32_t off = off64(g, len);
    patch64(g, off, len, val);
    mem_at64(g, in, DT_DATA + off);
    return off;
}

/* r/m: a register (never RSP) holding val, or (if allow_mem) memory. */
static bool rm64(Gen64 *g, Insn64 *in, int sz, uint64_t val, bool allow_mem)
{
    in->modrm = true;
    if (allow_mem && chance64(g, 2)) {
        mem64(g, in, sz, val);
        return true;
    }
    bool reuse;
    int r = pick64(g, sz, false, &reuse);
    if (!reuse) {
        set_opreg64(g, r, sz, val);
    }
    in->mem = false;
    in->rm = r;
    return false;
}

/* The ModRM reg operand: a register holding val (RSP 1 in 16). */
static int reg64(Gen64 *g, int sz, uint64_t val)
{
    bool reuse;
    bool allow_sp = chance64(g, 16) && !g->seq;
    int r = pick64(g, sz, allow_sp, &reuse);
    if (!reuse) {
        set_opreg64(g, r, sz, val);
    }
    return r;
}

/* Operand size: 8 (REX.W) most often, then 4, 2 (0x66), 1. */
static int size64(Gen64 *g, bool bytes)
{
    int k = below64(g, bytes ? 8 : 7);
    return k < 3 ? 8 : k < 5 ? 4 : k < 7 ? 2 : 1;
}

/* Start an instruction of operand size sz: 0x66, REX.W, the byte mode. */
static void insn64(Gen64 *g, Insn64 *in, int sz)
{
    memset(in, 0, sizeof(*in));
    in->opreg = -1;
    if (sz == 2) {
        in->pfx[in->npfx++] = 0x66;
    }
    in->w = sz == 8;
    g->legacy8 = sz == 1 && chance64(g, 2);
    in->rex = sz == 1 && !g->legacy8;         /* SPL..DIL, r8b..r15b */
}

static void opc64(Insn64 *in, int n, uint8_t a, uint8_t b, uint8_t c)
{
    in->nopc = n;
    in->opc[0] = a;
    in->opc[1] = b;
    in->opc[2] = c;
}

/* Encode in: prefixes, REX, opcode, ModRM, SIB, displacement, immediate;
 * a RIP-relative displacement counts from the end of the instruction. */
static void enc64(Gen64 *g, Insn64 *in)
{
    const Mem64 *m = &in->m;
    for (int i = 0; i < in->npfx; i++) {
        emit8(g, in->pfx[i]);
    }
    int rex = in->w ? 8 : 0;
    if (in->modrm) {
        rex |= (in->reg >> 3 & 1) << 2;
        if (in->mem) {
            if (m->index >= 0) {
                rex |= (m->index >> 3 & 1) << 1;
            }
            if (m->base >= 0 && m->base != M_RIP) {
                rex |= m->base >> 3 & 1;
            }
        } else {
            rex |= in->rm >> 3 & 1;
        }
    }
    if (in->opreg >= 0) {
        rex |= in->opreg >> 3 & 1;
    }
    if (rex || in->rex) {
        emit8(g, 0x40 | rex);
    }
    for (int i = 0; i < in->nopc; i++) {
        uint8_t b = in->opc[i];
        if (i == in->nopc - 1 && in->opreg >= 0) {
            b += in->opreg & 7;
        }
        emit8(g, b);
    }
    uint8_t *disp_at = NULL;
    if (in->modrm) {
        int reg = in->reg & 7;
        if (!in->mem) {
            emit8(g, 0xc0 | reg << 3 | (in->rm & 7));
        } else if (m->base == M_RIP) {
            emit8(g, reg << 3 | 5);
            disp_at = g->p;
            emitn(g, 0, 4);
        } else if (m->base < 0) {
            emit8(g, reg << 3 | 4);
            emit8(g, m->scale << 6 | (m->index >= 0 ? m->index & 7 : 4) << 3 |
                         5);
            emitn(g, m->disp, 4);
        } else {
            int mod = m->dsz == 0 ? 0 : m->dsz == 1 ? 1 : 2;
            if (m->index >= 0 || (m->base & 7) == R_SP) {
                emit8(g, mod << 6 | reg << 3 | 4);
                emit8(g, m->scale << 6 |
                             (m->index >= 0 ? m->index & 7 : 4) << 3 |
                             (m->base & 7));
            } else {
                emit8(g, mod << 6 | reg << 3 | (m->base & 7));
            }
            emitn(g, m->disp, m->dsz);
        }
    }
    emitn(g, in->imm, in->isz);
    if (disp_at && !g->overflow) {
        uint64_t next = DT_CODE + (uint64_t)(g->p - g->c->code);
        uint32_t d = (uint32_t)(m->target - next);
        for (int i = 0; i < 4; i++) {
            disp_at[i] = (uint8_t)(d >> (8 * i));
        }
    }
}

/* ---- classes ---- */

static void g64_alu(Gen64 *g)
{
    Insn64 in;
    int sz = size64(g, true), op = below64(g, 8), form = below64(g, 10);
    uint64_t a = edge64(g, sz), b = edge64(g, sz);
    insn64(g, &in, sz);
    if (op == 1 || op == 3) {
        if (chance64(g, 2)) {
            b = chance64(g, 2) ? 0 : mask64(sz);
        }
    }
    if (op == 4 || op == 1 || op == 6) {
        g->undef = op == 1 ? 0 : DT_AF;       /* and/or/xor: AF */
    }
    int isz = sz == 8 ? 4 : sz;               /* imm32 sign-extended */
    switch (form) {
    case 0: case 1: case 2: case 3:          /* op r/m, r | op r, r/m */
        opc64(&in, 1, (op << 3) | ((form & 1) ? 2 : 0) | (sz > 1), 0, 0);
        in.reg = reg64(g, sz, b);
        rm64(g, &in, sz, a, true);
        break;
    case 4:                                   /* op acc, imm */
        opc64(&in, 1, (op << 3) | 4 | (sz > 1), 0, 0);
        set_opreg64(g, R_AX, sz, a);
        in.imm = b;
        in.isz = isz;
        break;
    case 5: case 6: case 7: {                 /* 80/81/83 */
        int opc = sz == 1 ? 0x80 : chance64(g, 2) ? 0x83 : 0x81;
        opc64(&in, 1, opc, 0, 0);
        in.reg = op;
        in.imm = b;
        in.isz = opc == 0x81 ? isz : 1;
        rm64(g, &in, sz, a, true);
        break;
    }
    default:                                  /* test */
        g->undef = DT_AF;
        if (chance64(g, 2)) {
            opc64(&in, 1, 0x84 | (sz > 1), 0, 0);
            in.reg = reg64(g, sz, b);
        } else {
            opc64(&in, 1, 0xf6 | (sz > 1), 0, 0);
            in.reg = 0;
            in.imm = b;
            in.isz = isz;
        }
        rm64(g, &in, sz, a, true);
        break;
    }
    enc64(g, &in);
}

static void g64_incdec(Gen64 *g)
{
    Insn64 in;
    int sz = size64(g, true), k = below64(g, 4);
    insn64(g, &in, sz);
    opc64(&in, 1, (k < 2 ? 0xfe : 0xf6) | (sz > 1), 0, 0);
    in.reg = k;                               /* /0 inc /1 dec /2 not /3 neg */
    rm64(g, &in, sz, edge64(g, sz), true);
    enc64(g, &in);
}

static void g64_shift(Gen64 *g)
{
    Insn64 in;
    int sz = size64(g, true), op = below64(g, 8);
    int form = below64(g, g->seq ? 2 : 3);
    if (op == 6 && !chance64(g, 4)) {
        op = 4;
    }
    uint8_t cnt = form == 0 ? 1 : chance64(g, 4) ? rnd64g(g) : below64(g, 70);
    unsigned bits = sz * 8, mc = cnt & (sz == 8 ? 63 : 31);
    insn64(g, &in, sz);
    if (chance64(g, 3)) {                     /* SHLD/SHRD */
        if (sz == 1) {
            insn64(g, &in, 8);
            sz = 8;
            bits = 64;
            mc = cnt & 63;
        }
        if (sz == 2 && mc > 16) {
            cnt &= 15;
            mc = cnt;
        }
        bool imm = g->seq || chance64(g, 2);
        if (!imm) {
            set_opreg64(g, R_CX, 1, cnt);
        }
        opc64(&in, 2, 0x0f, (chance64(g, 2) ? 0xac : 0xa4) | !imm, 0);
        in.reg = reg64(g, sz, edge64(g, sz));
        rm64(g, &in, sz, edge64(g, sz), true);
        if (imm) {
            in.imm = cnt;
            in.isz = 1;
        }
        g->undef = mc == 0 ? 0 : DT_AF | (mc != 1 ? DT_OF : 0);
        enc64(g, &in);
        return;
    }
    if (form == 2) {
        set_opreg64(g, R_CX, 1, cnt);
    }
    opc64(&in, 1, (form == 0 ? 0xd0 : form == 1 ? 0xc0 : 0xd2) | (sz > 1), 0,
          0);
    in.reg = op;
    rm64(g, &in, sz, edge64(g, sz), true);
    if (form == 1) {
        in.imm = cnt;
        in.isz = 1;
    }
    if (mc == 0) {
        g->undef = 0;
    } else if (op >= 4) {
        g->undef = DT_AF | (mc != 1 ? DT_OF : 0);
        if (op != 7 && mc >= bits) {
            g->undef |= DT_CF;
        }
    } else {
        g->undef = mc == 1 ? 0 : DT_OF;
    }
    enc64(g, &in);
}

static void g64_muldiv(Gen64 *g)
{
    Insn64 in;
    int k = below64(g, 5);
    int sz = k == 0 || k == 4 ? size64(g, true) : size64(g, false);
    insn64(g, &in, sz);
    if (k == 4) {                             /* div / idiv */
        int sgn = below64(g, 2);
        uint64_t m = mask64(sz), d = edge64(g, sz) & m, lo, hi;
        if (chance64(g, 3) && d) {
            /* a quotient likely to fit: hi below the divisor */
            hi = sz == 8 ? rnd64(g) % d : 0;
            lo = edge64(g, sz);
            if (sz < 8) {
                unsigned __int128 n = (unsigned __int128)(edge64(g, sz) &
                                                          (m >> 1)) * d;
                lo = (uint64_t)n & m;
                hi = (uint64_t)(n >> (8 * sz)) & m;
            }
            if (sgn && chance64(g, 2)) {
                hi = (hi & (m >> 1)) | (chance64(g, 2) ? 0 : (m ^ (m >> 1)));
            }
        } else {
            lo = edge64(g, sz);
            hi = chance64(g, 2) ? edge64(g, sz) : chance64(g, 2) ? 0 : m;
        }
        g->undef = DT_ARITH;
        if (sz == 1) {
            set_opreg64(g, R_AX, 2, (lo & 0xff) | (hi & 0xff) << 8);
        } else {
            set_opreg64(g, R_AX, sz, lo);
            set_opreg64(g, R_DX, sz, hi);
        }
        opc64(&in, 1, 0xf6 | (sz > 1), 0, 0);
        in.reg = 6 + sgn;
        rm64(g, &in, sz, d, true);
        enc64(g, &in);
        return;
    }
    g->undef = DT_SF | DT_ZF | DT_AF | DT_PF;
    if (k == 0) {                             /* mul / imul r/m */
        set_opreg64(g, R_AX, sz, edge64(g, sz));
        if (sz > 1) {
            g->used |= 1u << R_DX;
        }
        opc64(&in, 1, 0xf6 | (sz > 1), 0, 0);
        in.reg = 4 + below64(g, 2);
        rm64(g, &in, sz, edge64(g, sz), true);
    } else if (k == 1) {                      /* imul r, r/m */
        opc64(&in, 2, 0x0f, 0xaf, 0);
        in.reg = reg64(g, sz, edge64(g, sz));
        rm64(g, &in, sz, edge64(g, sz), true);
    } else if (k == 2) {                      /* cqo / cdq / cwd */
        g->undef = 0;
        opc64(&in, 1, chance64(g, 2) ? 0x99 : 0x98, 0, 0);
        set_opreg64(g, R_AX, sz, edge64(g, sz));
    } else {                                  /* imul r, r/m, imm */
        bool i8 = chance64(g, 2);
        opc64(&in, 1, i8 ? 0x6b : 0x69, 0, 0);
        in.reg = reg64(g, sz, rnd64(g));
        rm64(g, &in, sz, edge64(g, sz), true);
        in.imm = edge64(g, 4);
        in.isz = i8 ? 1 : sz == 2 ? 2 : 4;
    }
    enc64(g, &in);
}

static void g64_bit(Gen64 *g)
{
    Insn64 in;
    int k = below64(g, 4);
    int sz = chance64(g, 2) ? 8 : chance64(g, 2) ? 4 : 2;
    insn64(g, &in, sz);
    if (k == 0) {                             /* bswap r32/r64 */
        if (sz == 2) {
            insn64(g, &in, 8);
        }
        opc64(&in, 2, 0x0f, 0xc8, 0);
        bool reuse;
        in.opreg = pick64(g, 8, false, &reuse);
        if (!reuse) {
            set_reg64(g, in.opreg, edge64(g, 8));
        }
    } else if (k == 1) {                      /* bsf / bsr */
        uint64_t a = edge64(g, sz);
        if (chance64(g, 4)) {
            a = 1ull << below64(g, 64);
        }
        g->undef = DT_CF | DT_OF | DT_SF | DT_AF | DT_PF;
        opc64(&in, 2, 0x0f, 0xbc | below64(g, 2), 0);
        in.reg = reg64(g, sz, rnd64(g));
        rm64(g, &in, sz, a, true);
    } else {                                  /* bt bts btr btc */
        int op = below64(g, 4);
        g->undef = DT_OF | DT_SF | DT_AF | DT_PF;
        if (k == 2) {
            opc64(&in, 2, 0x0f, 0xba, 0);
            in.reg = 4 + op;
            rm64(g, &in, sz, edge64(g, sz), true);
            in.imm = chance64(g, 2) ? below64(g, sz * 8) : rnd64g(g);
            in.isz = 1;
        } else if (chance64(g, 2)) {
            opc64(&in, 2, 0x0f, 0xa3 | op << 3, 0);
            in.reg = reg64(g, sz, edge64(g, 8));
            rm64(g, &in, sz, edge64(g, sz), false);
        } else {
            /* memory with a register bit offset: the address moves by
             * offset / 8 (signed, 64-bit for REX.W) */
            opc64(&in, 2, 0x0f, 0xa3 | op << 3, 0);
            bool reuse;
            int r = pick64(g, sz, false, &reuse);
            int64_t bo = (int64_t)below64(g, 2 * 1800 * 8) - 1800 * 8;
            if (reuse) {
                r = free64(g);
            }
            if (r < 0) {
                r = R_AX;
                g->used &= ~1u;
            }
            if (sz == 2) {
                bo = (int16_t)bo;
            }
            set_opreg64(g, r, sz, (uint64_t)bo);
            in.reg = r;
            uint32_t off = (2048 + 64 - below64(g, 128)) & ~(uint32_t)(sz - 1);
            patch64(g, off, sz, edge64(g, sz));
            mem_at64(g, &in, DT_DATA + off);
        }
    }
    enc64(g, &in);
}

static void g64_movx(Gen64 *g)
{
    Insn64 in;
    int k = below64(g, 8);
    int sz = size64(g, true);
    insn64(g, &in, sz);
    switch (k) {
    case 0: {                                 /* B8+r imm64 / B0+r imm8 */
        bool reuse;
        opc64(&in, 1, sz == 1 ? 0xb0 : 0xb8, 0, 0);
        in.opreg = pick64(g, sz, false, &reuse);
        in.imm = edge64(g, sz);
        in.isz = sz;
        break;
    }
    case 1:                                   /* C6/C7 (imm32 s-x for 64) */
        opc64(&in, 1, 0xc6 | (sz > 1), 0, 0);
        in.reg = 0;
        rm64(g, &in, sz, edge64(g, sz), true);
        in.imm = edge64(g, sz);
        in.isz = sz == 8 ? 4 : sz;
        break;
    case 2: {                                 /* movsxd r64, r/m32 */
        insn64(g, &in, chance64(g, 8) ? 4 : 8);
        opc64(&in, 1, 0x63, 0, 0);
        in.reg = reg64(g, 8, rnd64(g));
        rm64(g, &in, 4, edge64(g, 4), true);
        break;
    }
    case 3: {                                 /* movzx / movsx */
        int ssz = chance64(g, 2) ? 1 : 2;
        if (sz == 1) {
            insn64(g, &in, 8);
            sz = 8;
        }
        g->legacy8 = ssz == 1 && sz != 8 && chance64(g, 2);
        in.rex = ssz == 1 && !g->legacy8;
        opc64(&in, 2, 0x0f, (chance64(g, 2) ? 0xbe : 0xb6) | (ssz == 2), 0);
        in.reg = reg64(g, sz, rnd64(g));
        rm64(g, &in, ssz, edge64(g, ssz), true);
        break;
    }
    case 4: {                                 /* cmovcc */
        if (sz == 1) {
            insn64(g, &in, 4);
            sz = 4;
        }
        opc64(&in, 2, 0x0f, 0x40 + below64(g, 16), 0);
        in.reg = reg64(g, sz, edge64(g, sz));
        rm64(g, &in, sz, edge64(g, sz), true);
        break;
    }
    case 5:                                   /* setcc: SPL..DIL, AH..BH */
        insn64(g, &in, 1);
        opc64(&in, 2, 0x0f, 0x90 + below64(g, 16), 0);
        in.reg = 0;
        rm64(g, &in, 1, edge64(g, 1), true);
        break;
    case 6: {                                 /* lea (with 0x67 now and then) */
        if (sz == 1) {
            insn64(g, &in, 8);
            sz = 8;
        }
        opc64(&in, 1, 0x8d, 0, 0);
        in.reg = reg64(g, sz, rnd64(g));
        mem_at64(g, &in, DT_DATA + off64(g, 1));
        break;
    }
    default:                                  /* 88-8B */
        opc64(&in, 1, 0x88 | below64(g, 2) << 1 | (sz > 1), 0, 0);
        in.reg = reg64(g, sz, edge64(g, sz));
        rm64(g, &in, sz, edge64(g, sz), true);
        break;
    }
    enc64(g, &in);
}

static void g64_xchg(Gen64 *g)
{
    Insn64 in;
    int k = below64(g, 6);
    int sz = size64(g, true);
    insn64(g, &in, sz);
    if (chance64(g, 8)) {
        in.pfx[in.npfx++] = 0xf0;             /* lock */
    }
    if (k == 5) {
        /* cmpxchg16b m128 (RDX:RAX, RCX:RBX; #GP unless 16-aligned) or
         * cmpxchg8b m64 (EDX:EAX, ECX:EBX) */
        bool b16 = chance64(g, 4) != 0, lock = chance64(g, 4);
        int len = b16 ? 16 : 8;
        insn64(g, &in, b16 ? 8 : 4);
        if (lock) {
            in.pfx[in.npfx++] = 0xf0;
        }
        uint64_t lo = edge64(g, 8), hi = edge64(g, 8);
        if (b16) {
            set_reg64(g, R_AX, chance64(g, 2) ? lo : edge64(g, 8));
            set_reg64(g, R_DX, chance64(g, 2) ? hi : edge64(g, 8));
        } else {                              /* upper halves: random */
            set_reg64(g, R_AX, (rnd64(g) << 32) |
                               (chance64(g, 2) ? lo : rnd64(g)) % (1ull << 32));
            set_reg64(g, R_DX, (rnd64(g) << 32) |
                               (chance64(g, 2) ? lo >> 32 : rnd64g(g)));
        }
        set_reg64(g, R_BX, edge64(g, 8));
        set_reg64(g, R_CX, edge64(g, 8));
        uint32_t off = off64(g, len) & ~(uint32_t)(chance64(g, 16) ? 0 : 15);
        patch64(g, off, 8, lo);
        if (b16) {
            patch64(g, off + 8, 8, hi);
        }
        opc64(&in, 2, 0x0f, 0xc7, 0);
        in.reg = 1;
        mem_at64(g, &in, DT_DATA + off);
        enc64(g, &in);
        return;
    }
    if (k == 4 && sz > 1) {                   /* xchg rAX, r */
        bool reuse;
        opc64(&in, 1, 0x90, 0, 0);
        in.opreg = pick64(g, sz, false, &reuse);
        set_opreg64(g, R_AX, sz, edge64(g, sz));
        if (!reuse) {
            set_opreg64(g, in.opreg, sz, edge64(g, sz));
        }
        in.npfx = sz == 2;                    /* no lock here */
        enc64(g, &in);
        return;
    }
    switch (k % 4) {
    case 0: case 1:
        opc64(&in, 1, 0x86 | (sz > 1), 0, 0);
        break;
    case 2:
        opc64(&in, 2, 0x0f, 0xc0 | (sz > 1), 0);
        break;
    default:
        set_opreg64(g, R_AX, sz, edge64(g, sz));
        opc64(&in, 2, 0x0f, 0xb0 | (sz > 1), 0);
        break;
    }
    in.reg = reg64(g, sz, edge64(g, sz));
    uint64_t a = (k % 4 == 3 && chance64(g, 2)) ? g->c->regs[R_AX]
                                                 : edge64(g, sz);
    rm64(g, &in, sz, a, true);
    enc64(g, &in);
}

/*
 * LOCK forms with a memory destination (the atomic helpers), all sizes:
 * the ALU ops but CMP, INC/DEC/NOT/NEG, BTS/BTR/BTC m, imm8, XADD and
 * CMPXCHG; mem_at64 makes some addresses non-canonical (#GP, #SS).
 */
static void g64_lock(Gen64 *g)
{
    Insn64 in;
    int k = below64(g, 6);
    int sz = size64(g, true);
    if (k == 3 && sz == 1) {
        sz = 4;
    }
    uint64_t a = edge64(g, sz), b = edge64(g, sz);
    insn64(g, &in, sz);
    in.pfx[in.npfx++] = 0xf0;
    int isz = sz == 8 ? 4 : sz;
    switch (k) {
    case 0:
    case 1: {
        int op = below64(g, 7);
        if (op == 4 || op == 1 || op == 6) {
            g->undef = op == 1 ? 0 : DT_AF;
        }
        if (k == 0) {
            opc64(&in, 1, (op << 3) | (sz > 1), 0, 0);
            in.reg = reg64(g, sz, b);
        } else {
            int opc = sz == 1 ? 0x80 : chance64(g, 2) ? 0x83 : 0x81;
            opc64(&in, 1, opc, 0, 0);
            in.reg = op;
            in.imm = b;
            in.isz = opc == 0x81 ? isz : 1;
        }
        break;
    }
    case 2:
        in.reg = below64(g, 4);       /* /0 inc /1 dec /2 not /3 neg */
        opc64(&in, 1, (in.reg < 2 ? 0xfe : 0xf6) | (sz > 1), 0, 0);
        break;
    case 3:
        g->undef = DT_OF | DT_SF | DT_AF | DT_PF;
        opc64(&in, 2, 0x0f, 0xba, 0);
        in.reg = 5 + below64(g, 3);
        in.imm = chance64(g, 2) ? below64(g, sz * 8) : rnd64(g) & 0xff;
        in.isz = 1;
        break;
    case 4:
        opc64(&in, 2, 0x0f, 0xc0 | (sz > 1), 0);
        in.reg = reg64(g, sz, b);
        break;
    default:
        set_opreg64(g, R_AX, sz, chance64(g, 2) ? a : edge64(g, sz));
        opc64(&in, 2, 0x0f, 0xb0 | (sz > 1), 0);
        in.reg = reg64(g, sz, b);
        break;
    }
    mem64(g, &in, sz, a);
    enc64(g, &in);
}

/* String ops with RSI/RDI/RCX (ESI/EDI/ECX under 0x67), DF both ways. */
static void g64_string(Gen64 *g)
{
    static const uint8_t ops[] = {0xa4, 0xa6, 0xaa, 0xac, 0xae};
    Insn64 in;
    int sz = 1 << below64(g, 4), op = ops[below64(g, 5)];
    int rep = below64(g, 3);
    bool df = chance64(g, 2), a32 = chance64(g, 4);
    uint32_t n = rep ? (chance64(g, 4) ? below64(g, 3) : below64(g, 40)) : 1;
    uint32_t span = (n ? n : 1) * sz;
    g->c->eflags = (g->c->eflags & ~DT_DF) | (df ? DT_DF : 0);
    if (op == 0xa6 || op == 0xae) {
        g->c->seed = (g->c->seed & 0x0fffffffu) | below64(g, 16) << 28;
        dt_fill(g->pages, g->c->seed);
    }
    uint32_t lo = df ? span - sz : 0, hi = df ? DT_PAGE - sz : DT_PAGE - span;
    uint32_t si = lo + below64(g, hi - lo + 1);
    uint32_t di = lo + below64(g, hi - lo + 1);
    if (op == 0xa6 && chance64(g, 2)) {
        di = (si & 63) | (di & ~63u);
        if (di < lo || di > hi) {
            di = si;
        }
    }
    /* under 0x67 the upper halves must be ignored: make them non-zero */
    uint64_t up = a32 ? rnd64(g) << 32 : 0;
    set_reg64(g, R_SI, up | (DT_DATA + si));
    set_reg64(g, R_DI, (a32 ? rnd64(g) << 32 : 0) | (DT_DATA + di));
    set_reg64(g, R_CX, rep ? (a32 ? rnd64(g) << 32 : 0) | n : edge64(g, 8));
    if (op == 0xae && chance64(g, 2)) {
        uint32_t at = di + (df ? -(uint32_t)below64(g, n + 1) * sz
                               : below64(g, n + 1) * sz);
        uint64_t v = 0;
        for (int i = 0; i < sz && at + i < DT_PAGE; i++) {
            v |= (uint64_t)g->pages[at + i] << (8 * i);
        }
        set_opreg64(g, R_AX, sz, v);
    }
    if (chance64(g, 4) && n > 1) {
        uint32_t at = (df ? di - span + sz : di) + below64(g, span);
        if (at < DT_PAGE) {
            patch64(g, at, 1, rnd64g(g));
        }
    }
    insn64(g, &in, sz);
    in.rex = false;
    if (a32) {
        in.pfx[in.npfx++] = 0x67;
    }
    if (rep) {
        in.pfx[in.npfx++] = rep == 1 ? 0xf3 : 0xf2;
    }
    opc64(&in, 1, op | (sz > 1), 0, 0);
    enc64(g, &in);
}

/*
 * Stack: PUSH/POP r64 (r8-r15 too), r/m64, imm; PUSHFQ/POPFQ; 16-bit
 * forms; CALL rel32 over a MOV, then RET (or RET imm16) from the callee's
 * stack; ENTER/LEAVE.  RSP stays in the stack page.
 */
static void g64_stack(Gen64 *g)
{
    Insn64 in;
    int k = below64(g, 9);
    bool w16 = chance64(g, 6);
    uint64_t sp = DT_STACK + 0x400 + below64(g, 0x800);
    sp &= chance64(g, 8) ? ~1ull : ~7ull;
    set_reg64(g, R_SP, sp);
    uint32_t spo = (uint32_t)(sp - DT_STACK) + DT_PAGE;
    int sz = w16 ? 2 : 8;
    insn64(g, &in, 4);                        /* default size is 64 */
    if (w16) {
        in.pfx[in.npfx++] = 0x66;
    }
    switch (k) {
    case 0: {
        bool reuse;
        opc64(&in, 1, 0x50, 0, 0);
        in.opreg = pick64(g, 8, true, &reuse);
        break;
    }
    case 1:
        patch64(g, spo, sz, edge64(g, sz));
        opc64(&in, 1, 0x58, 0, 0);
        in.opreg = below64(g, 16);
        break;
    case 2:
        opc64(&in, 1, 0xff, 0, 0);
        in.reg = 6;
        rm64(g, &in, sz, edge64(g, sz), true);
        break;
    case 3:                                   /* pop m (RSP base after +sz) */
        patch64(g, spo, sz, edge64(g, sz));
        opc64(&in, 1, 0x8f, 0, 0);
        in.reg = 0;
        in.modrm = true;
        if (chance64(g, 2)) {
            rm64(g, &in, sz, 0, false);
        } else {
            mem64(g, &in, sz, edge64(g, sz));
        }
        break;
    case 4:
        if (chance64(g, 2)) {
            opc64(&in, 1, 0x6a, 0, 0);
            in.imm = rnd64g(g);
            in.isz = 1;
        } else {
            opc64(&in, 1, 0x68, 0, 0);
            in.imm = edge64(g, 4);
            in.isz = w16 ? 2 : 4;
        }
        break;
    case 5:
        opc64(&in, 1, chance64(g, 2) ? 0x9c : 0x9d, 0, 0);
        if (in.opc[0] == 0x9d) {
            patch64(g, spo, sz, (rnd64g(g) & (DT_ARITH | DT_DF)) | 2);
        }
        break;
    case 6: {                                 /* call f; jmp over f; f: ret */
        bool imm = chance64(g, 3);
        opc64(&in, 1, 0xe8, 0, 0);
        in.imm = 2;                           /* over the jmp */
        in.isz = 4;
        in.npfx = 0;
        enc64(g, &in);
        begin64(g);
        emit8(g, 0xeb);
        emit8(g, imm ? 3 : 1);
        begin64(g);
        if (imm) {
            emit8(g, 0xc2);                   /* ret imm16 */
            emitn(g, below64(g, 64) * 8, 2);
        } else {
            emit8(g, 0xc3);
        }
        return;
    }
    case 7: {                                 /* enter */
        uint32_t frame = chance64(g, 2) ? below64(g, 64) : below64(g, 0x200);
        uint8_t level = chance64(g, 2) ? below64(g, 3) : below64(g, 32);
        set_reg64(g, R_BP, DT_STACK + 0x500 + below64(g, 0x600));
        opc64(&in, 1, 0xc8, 0, 0);
        in.imm = frame | (uint32_t)level << 16;
        in.isz = 3;
        break;
    }
    default: {                                /* leave */
        uint64_t bp = (DT_STACK + 0x100 + below64(g, 0xe00)) & ~7ull;
        set_reg64(g, R_BP, bp);
        patch64(g, (uint32_t)(bp & 0xfff) + DT_PAGE, sz, edge64(g, 8));
        opc64(&in, 1, 0xc9, 0, 0);
        break;
    }
    }
    enc64(g, &in);
}

/* Jcc, LOOP/LOOPcc/JRCXZ (RCX, or ECX under 0x67) over a MOV. */
static void g64_cc(Gen64 *g)
{
    int k = below64(g, 3);
    if (k == 0) {
        emit8(g, 0x70 + below64(g, 16));
        emit8(g, 10);
    } else if (k == 1) {
        emit8(g, 0x0f);
        emit8(g, 0x80 + below64(g, 16));
        emitn(g, 10, 4);
    } else {
        uint64_t cx = chance64(g, 2) ? below64(g, 3) : edge64(g, 8);
        if (chance64(g, 4)) {
            cx = (uint64_t)below64(g, 3) << 32 | below64(g, 3);
        }
        set_reg64(g, R_CX, cx);
        if (chance64(g, 4)) {
            emit8(g, 0x67);
        }
        emit8(g, 0xe0 + below64(g, 4));
        emit8(g, 10);
    }
    begin64(g);
    emit8(g, 0x48);                           /* mov rax, imm64 (skipped) */
    emit8(g, 0xb8);
    emitn(g, 0x5a5a5a5a5a5a5a5aull, 8);
}

/* SSE on XMM0-15: loads (MOVDQU), maybe LDMXCSR, one operation. */
static void g64_sse(Gen64 *g)
{
    static const uint8_t ops[][2] = {
        {0x66, 0x58}, {0xf2, 0x58}, {0, 0x58}, {0xf3, 0x59}, {0x66, 0x5c},
        {0xf2, 0x5e}, {0x66, 0x51}, {0, 0x5d}, {0x66, 0x5f}, {0x66, 0x2f},
        {0, 0x2e}, {0x66, 0x54}, {0, 0x57}, {0x66, 0x14}, {0x66, 0xd4},
        {0x66, 0xfb}, {0x66, 0xef}, {0x66, 0x74}, {0x66, 0xf4}, {0x66, 0x6c},
        {0x66, 0x6d}, {0x66, 0x60}, {0x66, 0xe5}, {0x66, 0xd8}, {0x66, 0x28},
        {0xf3, 0x7e}, {0x66, 0x5a}, {0xf2, 0x5a}, {0x66, 0xe6}, {0, 0x5b},
    };
    Insn64 in;
    int n = 1 + below64(g, 3);
    for (int i = 0; i < n; i++) {
        insn64(g, &in, 4);
        in.pfx[in.npfx++] = 0xf3;             /* movdqu xmm, m128 */
        opc64(&in, 2, 0x0f, 0x6f, 0);
        in.reg = below64(g, 16);
        uint32_t off = off64(g, 16);
        patch64(g, off, 8, chance64(g, 2) ? edge64(g, 8)
                                          : (uint64_t)edge64(g, 4) << 32 |
                                                0x3ff00000u);
        patch64(g, off + 8, 8, edge64(g, 8));
        mem_at64(g, &in, DT_DATA + off);
        enc64(g, &in);
        begin64(g);
    }
    if (chance64(g, 4)) {                     /* ldmxcsr: rounding, FTZ, DAZ */
        uint32_t m = 0x1f80 | below64(g, 4) << 13 | (chance64(g, 4) ? 0x8040
                                                                  : 0);
        uint32_t off = 0x100 + (below64(g, 0x400) & ~3u);
        patch64(g, DT_PAGE + off, 4, m);
        insn64(g, &in, 4);
        opc64(&in, 2, 0x0f, 0xae, 0);
        in.reg = 2;
        mem_at64(g, &in, DT_STACK + off);
        enc64(g, &in);
        begin64(g);
    }
    insn64(g, &in, 4);
    int k = below64(g, 6);
    if (k == 0) {                             /* movq/movd xmm <-> r/m64 */
        bool to_gpr = chance64(g, 2);
        in.pfx[in.npfx++] = 0x66;
        in.w = chance64(g, 4) != 0;
        opc64(&in, 2, 0x0f, to_gpr ? 0x7e : 0x6e, 0);
        in.reg = below64(g, 16);
        rm64(g, &in, in.w ? 8 : 4, edge64(g, 8), !to_gpr || chance64(g, 2));
    } else if (k == 1) {                      /* cvtsi2sd/ss xmm, r/m64 */
        in.pfx[in.npfx++] = chance64(g, 2) ? 0xf2 : 0xf3;
        in.w = chance64(g, 4) != 0;
        opc64(&in, 2, 0x0f, 0x2a, 0);
        in.reg = below64(g, 16);
        rm64(g, &in, in.w ? 8 : 4, edge64(g, 8), true);
    } else if (k == 2) {                      /* cvt(t)sd2si r64, xmm */
        in.pfx[in.npfx++] = chance64(g, 2) ? 0xf2 : 0xf3;
        in.w = chance64(g, 4) != 0;
        opc64(&in, 2, 0x0f, 0x2c | below64(g, 2), 0);
        in.reg = reg64(g, 8, rnd64(g));
        in.modrm = true;
        in.rm = below64(g, 16);
    } else {
        const uint8_t *o = ops[below64(g, sizeof(ops) / sizeof(ops[0]))];
        if (o[0]) {
            in.pfx[in.npfx++] = o[0];
        }
        opc64(&in, 2, 0x0f, o[1], 0);
        in.reg = below64(g, 16);
        in.modrm = true;
        if (chance64(g, 3)) {
            uint32_t off = off64(g, 16);
            if (!chance64(g, 8)) {
                off &= ~15u;                  /* else #GP if it must align */
            }
            patch64(g, off, 8, edge64(g, 8));
            patch64(g, off + 8, 8, edge64(g, 8));
            mem_at64(g, &in, DT_DATA + off);
        } else {
            in.rm = below64(g, 16);
        }
    }
    enc64(g, &in);
}

/* 2-5 instructions without faults, flags flowing between them. */
static void g64_seq(Gen64 *g)
{
    static void (*const sub[])(Gen64 *) = {
        g64_alu, g64_alu, g64_incdec, g64_shift, g64_movx, g64_xchg,
        g64_muldiv,
    };
    int n = 2 + below64(g, 4);
    g->seq = true;
    for (int i = 0; i < n && g->p - g->c->code < DT64_MAX_CODE - 32; i++) {
        if (i) {
            begin64(g);
        }
        if (g->undef) {
            emit8(g, 0x48);                   /* cmp rax, imm32 */
            emit8(g, 0x3d);
            emitn(g, edge64(g, 4), 4);
            begin64(g);
        }
        g->used = 1u << R_SP;
        g->undef = 0;
        void (*f)(Gen64 *) = sub[below64(g, sizeof(sub) / sizeof(sub[0]))];
        if (f == g64_muldiv || f == g64_xchg) {
            f = g64_alu;                      /* #DE, misaligned 16B */
        }
        f(g);
    }
    g->seq = false;
}

typedef struct DTClass64 {
    const char *name;
    void (*gen)(Gen64 *g);
} DTClass64;

static const DTClass64 dt_classes64[] = {
    {"alu64", g64_alu},       {"incdec64", g64_incdec},
    {"shift64", g64_shift},   {"muldiv64", g64_muldiv},
    {"bit64", g64_bit},       {"movx64", g64_movx},
    {"xchg64", g64_xchg},     {"string64", g64_string},
    {"stack64", g64_stack},   {"cc64", g64_cc},
    {"sse64", g64_sse},       {"seq64", g64_seq},
    {"lock64", g64_lock},
};
#define DT_NR_CLASSES64 (sizeof(dt_classes64) / sizeof(dt_classes64[0]))

/* Generate case number idx of a class from the run seed. */
static void dt_generate64(Gen64 *g, DTCase64 *c, int cls, uint64_t seed,
                          uint32_t idx)
{
    memset(c, 0, sizeof(*c));
    memset(g, 0, offsetof(Gen64, pages));
    g->c = c;
    g->s = (seed ^ ((uint64_t)(cls + 64) << 40) ^
            ((uint64_t)idx * 0x9E3779B97F4A7C15ULL)) | 1;
    for (int i = 0; i < 4; i++) {
        rnd64g(g);
    }
    g->p = c->code;
    g->used = 1u << R_SP;
    c->magic = DT_MAGIC64;
    c->seed = rnd64g(g) & 0x7fffffffu;
    if (chance64(g, 4)) {
        c->seed |= 0x80000000u | (below64(g, 8) << 28);
    }
    dt_fill(g->pages, c->seed);
    for (int r = 0; r < 16; r++) {
        c->regs[r] = edge64(g, 8);
    }
    c->regs[R_SP] = DT_STACK + 0x800;
    c->eflags = rnd64g(g) & (DT_ARITH | DT_DF);
    begin64(g);
    dt_classes64[cls].gen(g);
    begin64(g);                               /* the end */
    c->code_len = g->p - c->code;
}
