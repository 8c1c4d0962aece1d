/*
 * Helpers for instructions the translator does not expand inline: divide,
 * BCD adjust, rotates, port I/O, BOUND, ENTER, CPUID/RDTSC and
 * descriptor-table registers (SDM vol. 2, one entry each).  RDMSR/WRMSR
 * are in msr-helper.c, the control registers in cr-helper.c, the fast
 * system calls (SYSENTER, SYSCALL and their returns, SWAPGS) in
 * helper-syscall.c.
 */
#include "emu/common.h"
#include "emu/timer.h"
#include "target-i386/cpuid.h"
#include "target-i386/fpu-helper.h"
#include "target-i386/helper.h"
#include "target-i386/seg-internal.h"
#include "target-i386/sse-helper.h"

static inline uint64_t sizemask(int size)
{
    return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* A register write of size bytes: 4 zero-extends, 8 is all of it. */
static inline void set_reg(CPUX86State *env, int r, int size, uint64_t v)
{
    if (size >= 4) {
        env->regs[r] = size == 4 ? (uint32_t)v : v;
    } else {
        uint64_t m = sizemask(size);
        env->regs[r] = (env->regs[r] & ~m) | (v & m);
    }
}

static void set_cc(CPUX86State *env, uint32_t flags)
{
    env->cc_op = CC_OP_EFLAGS;
    env->cc_src = flags & CC_ARITH;
}

static uint32_t szp8(uint8_t v)
{
    return (v ? 0 : CC_Z) | (v & 0x80 ? CC_S : 0) |
           (__builtin_parity(v) ? 0 : CC_P);
}

uint32_t helper_cc_all(uint32_t cc_op, uint64_t dst, uint64_t src,
                       uint32_t src2)
{
    return x86_cc_compute_all(cc_op, dst, src, src2);
}

uint32_t helper_read_eflags(CPUX86State *env)
{
    return x86_get_eflags(env);
}

void helper_write_eflags(CPUX86State *env, uint32_t val, uint32_t mask)
{
    x86_set_eflags(env, val, mask);
    x86_update_hflags(env);
}

void helper_raise(CPUX86State *env, uint32_t vector)
{
    x86_raise_exception(env, vector);
}

void helper_raise_err(CPUX86State *env, uint32_t vector, uint32_t err)
{
    x86_raise_exception_err(env, vector, err);
}

void helper_debug_bp(CPUX86State *env)
{
    CPUState *cpu = container_of(env, CPUState, env);
    uint64_t lin = env->segs[R_CS].base + env->eip;
    if (!(env->hflags & HF_CS64)) {
        lin = (uint32_t)lin; /* wraps at 4 GiB outside 64-bit code */
    }
    cpu_debug_report_hit(cpu, CPU_BP_SW, false, lin);
    x86_cpu_loop_exit(env, EXCP_DEBUG, 0, false);
}

void helper_hlt(CPUX86State *env, uint64_t next_eip)
{
    if (env->hflags & HF_CPL_MASK) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    env->eip = next_eip;
    env->hflags &= ~HF_INHIBIT_IRQ;
    x86_cpu_loop_exit(env, EXCP_HLT, 0, false);
}

/*
 * DIV/IDIV: #DE on a zero divisor or a quotient that does not fit; the
 * exception reports the DIV itself (286 and later).  Flags are undefined
 * and left alone.
 */
/* A 64-bit DIV/IDIV: RDX:RAX by a 64-bit divisor (128-bit dividend). */
static void div64(CPUX86State *env, uint64_t divisor, bool sign)
{
    unsigned __int128 n = (unsigned __int128)env->regs[R_EDX] << 64 |
                          env->regs[R_EAX];
    if (divisor == 0) {
        x86_raise_exception(env, EXCP00_DIVZ);
    }
    if (!sign) {
        unsigned __int128 q = n / divisor;
        if (q >> 64) {
            x86_raise_exception(env, EXCP00_DIVZ);
        }
        env->regs[R_EAX] = (uint64_t)q;
        env->regs[R_EDX] = (uint64_t)(n % divisor);
        return;
    }
    __int128 sn = (__int128)n, sd = (int64_t)divisor;
    if (sd == -1 && sn == -sn && sn != 0) {
        x86_raise_exception(env, EXCP00_DIVZ);  /* INT128_MIN / -1 */
    }
    __int128 q = sn / sd, r = sn % sd;
    if (q > INT64_MAX || q < INT64_MIN) {
        x86_raise_exception(env, EXCP00_DIVZ);
    }
    env->regs[R_EAX] = (uint64_t)q;
    env->regs[R_EDX] = (uint64_t)r;
}

void helper_div(CPUX86State *env, uint64_t divisor, uint32_t size)
{
    if (size == 8) {
        div64(env, divisor, false);
        return;
    }
    uint32_t m = sizemask(size);
    divisor &= m;
    if (divisor == 0) {
        x86_raise_exception(env, EXCP00_DIVZ);
    }
    if (size == 1) {
        uint32_t n = env->regs[R_EAX] & 0xffff;
        uint32_t q = n / divisor, r = n % divisor;
        if (q > 0xff) {
            x86_raise_exception(env, EXCP00_DIVZ);
        }
        set_reg(env, R_EAX, 2, (r << 8) | q);
        return;
    }
    if (size == 4 && env->regs[R_EDX] == 0) {
        /* The common zero-extended case: a 32-bit division (faster). */
        uint32_t n32 = env->regs[R_EAX];
        env->regs[R_EAX] = n32 / divisor;
        env->regs[R_EDX] = n32 % divisor;
        return;
    }
    uint64_t n = (uint64_t)(env->regs[R_EDX] & m) << (size * 8) |
                 (env->regs[R_EAX] & m);
    uint64_t q = n / divisor, r = n % divisor;
    if (q > m) {
        x86_raise_exception(env, EXCP00_DIVZ);
    }
    set_reg(env, R_EAX, size, q);
    set_reg(env, R_EDX, size, r);
}

void helper_idiv(CPUX86State *env, uint64_t divisor, uint32_t size)
{
    if (size == 8) {
        div64(env, divisor, true);
        return;
    }
    int bits = size * 8;
    int64_t d = (int64_t)((uint64_t)divisor << (64 - bits)) >> (64 - bits);
    if (d == 0) {
        x86_raise_exception(env, EXCP00_DIVZ);
    }
    int64_t n;
    if (size == 1) {
        n = (int16_t)env->regs[R_EAX];
    } else {
        uint64_t m = sizemask(size);
        uint64_t u = (env->regs[R_EDX] & m) << bits | (env->regs[R_EAX] & m);
        n = (int64_t)(u << (64 - 2 * bits)) >> (64 - 2 * bits);
    }
    if (n == INT64_MIN && d == -1) {
        x86_raise_exception(env, EXCP00_DIVZ);
    }
    int64_t q = n / d, r = n % d;
    int64_t lim = (int64_t)1 << (bits - 1);
    if (q >= lim || q < -lim) {
        x86_raise_exception(env, EXCP00_DIVZ);
    }
    if (size == 1) {
        set_reg(env, R_EAX, 2, ((uint32_t)(r & 0xff) << 8) | (q & 0xff));
    } else {
        set_reg(env, R_EAX, size, q);
        set_reg(env, R_EDX, size, r);
    }
}

/* ASCII/decimal adjust (SDM vol. 2: AAA, AAS, DAA, DAS, AAM, AAD). */
void helper_aaa(CPUX86State *env)
{
    uint32_t fl = x86_get_eflags(env);
    uint32_t ax = env->regs[R_EAX] & 0xffff;
    if ((ax & 0xf) > 9 || (fl & CC_A)) {
        ax += 0x106;
        fl |= CC_A | CC_C;
    } else {
        fl &= ~(CC_A | CC_C);
    }
    ax &= 0xff0f;
    set_reg(env, R_EAX, 2, ax);
    set_cc(env, (fl & (CC_A | CC_C)) | szp8(ax));
}

void helper_aas(CPUX86State *env)
{
    uint32_t fl = x86_get_eflags(env);
    uint32_t ax = env->regs[R_EAX] & 0xffff;
    if ((ax & 0xf) > 9 || (fl & CC_A)) {
        ax -= 6;
        ax = (ax & 0xff) | ((ax - 0x100) & 0xff00);
        fl |= CC_A | CC_C;
    } else {
        fl &= ~(CC_A | CC_C);
    }
    ax &= 0xff0f;
    set_reg(env, R_EAX, 2, ax);
    set_cc(env, (fl & (CC_A | CC_C)) | szp8(ax));
}

void helper_daa(CPUX86State *env)
{
    uint32_t fl = x86_get_eflags(env);
    uint8_t al = env->regs[R_EAX], old = al;
    bool cf = fl & CC_C, ncf = false, af = false;
    if ((al & 0xf) > 9 || (fl & CC_A)) {
        ncf = cf || al > 0xf9;
        al += 6;
        af = true;
    }
    if (old > 0x99 || cf) {
        al += 0x60;
        ncf = true;
    }
    set_reg(env, R_EAX, 1, al);
    set_cc(env, szp8(al) | (ncf ? CC_C : 0) | (af ? CC_A : 0));
}

void helper_das(CPUX86State *env)
{
    uint32_t fl = x86_get_eflags(env);
    uint8_t al = env->regs[R_EAX], old = al;
    bool cf = fl & CC_C, ncf = false, af = false;
    if ((al & 0xf) > 9 || (fl & CC_A)) {
        ncf = cf || al < 6;
        al -= 6;
        af = true;
    }
    if (old > 0x99 || cf) {
        al -= 0x60;
        ncf = true;
    }
    set_reg(env, R_EAX, 1, al);
    set_cc(env, szp8(al) | (ncf ? CC_C : 0) | (af ? CC_A : 0));
}

void helper_aam(CPUX86State *env, uint32_t base)
{
    base &= 0xff;
    if (base == 0) {
        x86_raise_exception(env, EXCP00_DIVZ);
    }
    uint8_t al = env->regs[R_EAX];
    uint8_t q = al / base, r = al % base;
    set_reg(env, R_EAX, 2, (q << 8) | r);
    set_cc(env, szp8(r));
}

void helper_aad(CPUX86State *env, uint32_t base)
{
    uint32_t ax = env->regs[R_EAX];
    uint8_t al = (ax & 0xff) + ((ax >> 8) & 0xff) * (base & 0xff);
    set_reg(env, R_EAX, 2, al);
    set_cc(env, szp8(al));
}

/*
 * ROL/ROR/RCL/RCR (op 0-3 in bits 0-1 of op_size, size in bits 8+).  The
 * count is masked to 5 bits as on the 286 and later; a masked count of 0
 * changes nothing.  OF is defined by the SDM for a count of 1; for larger
 * counts we give the same formula (MSB(result) ^ CF, or the top two bits
 * for right rotates), which is what P6 parts do.
 */
uint64_t helper_rotate(CPUX86State *env, uint64_t val, uint32_t count,
                       uint32_t op_size)
{
    int op = op_size & 3, size = op_size >> 8, bits = size * 8;
    uint64_t m = sizemask(size);
    count &= size == 8 ? 0x3f : 0x1f;
    val &= m;
    if (count == 0) {
        return val;
    }
    uint32_t fl = x86_get_eflags(env);
    uint32_t cf = fl & CC_C;
    uint64_t res = val;
    uint64_t top = 1ull << (bits - 1);
    switch (op) {
    case 0: { /* ROL */
        int n = count % bits;
        res = n ? ((val << n) | (val >> (bits - n))) & m : val;
        cf = res & 1;
        fl = (fl & ~(CC_C | CC_O)) | cf | (((res & top) != 0) ^ cf ? CC_O : 0);
        break;
    }
    case 1: { /* ROR */
        int n = count % bits;
        res = n ? ((val >> n) | (val << (bits - n))) & m : val;
        cf = (res & top) != 0;
        fl = (fl & ~(CC_C | CC_O)) | cf |
             ((((res >> (bits - 1)) ^ (res >> (bits - 2))) & 1) ? CC_O : 0);
        break;
    }
    case 2: /* RCL */
    case 3: { /* RCR */
        int n = bits >= 32 ? count : count % (bits + 1);
        uint64_t v = val, c = cf;
        for (int i = 0; i < n; i++) {
            if (op == 2) {
                uint64_t out = (v >> (bits - 1)) & 1;
                v = ((v << 1) | c) & m;
                c = out;
            } else {
                uint64_t out = v & 1;
                v = (v >> 1) | (c << (bits - 1));
                c = out;
            }
        }
        res = v;
        fl = (fl & ~(CC_C | CC_O)) | (uint32_t)c;
        if (op == 2) {
            fl |= (((res & top) != 0) ^ (uint32_t)c) ? CC_O : 0;
        } else {
            fl |= (((res >> (bits - 1)) ^ (res >> (bits - 2))) & 1) ? CC_O
                                                                    : 0;
        }
        break;
    }
    }
    if (!(op_size & ROTATE_NO_FLAGS)) {
        set_cc(env, fl);
    }
    return res;
}

static void check_io(CPUX86State *env, uint32_t port, uint32_t size)
{
    /* Protected mode with CPL > IOPL, and V86 mode always: the I/O
     * permission bitmap of a 32-bit TSS decides (SDM vol. 1, 18.5.2).  The
     * map starts at the 16-bit offset at TSS+0x66; every bit for
     * port..port+size-1 must be clear, bits past the TSS limit count as
     * set.  A 16-bit TSS has no map. */
    if (!(env->hflags & HF_PE) ||
        (!(env->hflags & HF_VM) &&
         (env->hflags & HF_CPL_MASK) <= ((env->eflags & IOPL_MASK) >> 12))) {
        return;
    }
    uint32_t type = (env->tr.flags >> DESC_TYPE_SHIFT) & 0xf;
    if (!(env->tr.flags & DESC_P_MASK) || (type != 9 && type != 11) ||
        env->tr.limit < 0x67) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    port &= 0xffff;
    uint32_t off = x86_ld_sys(env, (uint32_t)env->tr.base + 0x66, 2) +
                   (port >> 3);
    /* Two bytes: the bits may straddle a byte boundary. */
    if (off + 1 > env->tr.limit) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    uint32_t map = x86_ld_sys(env, (uint32_t)env->tr.base + off, 2);
    if ((map >> (port & 7)) & ((1u << size) - 1)) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
}

void helper_check_seg(CPUX86State *env, uint32_t off, uint32_t info)
{
    int seg = info & 0xf;
    uint32_t size = (info >> 4) & 0xf;      /* 1..15, or info >> 16 */
    bool write = info & 0x100;
    if (info >> 16) {
        size = info >> 16;
    }
    const SegmentCache *sc = &env->segs[seg];
    int vec = seg == R_SS ? EXCP0C_STACK : EXCP0D_GPF;
    uint32_t fl = sc->flags;
    uint32_t last = off + size - 1;
    bool bad;
    /* A null selector loaded in protected mode leaves the cache not
     * present (null_seg); one loaded in real mode (selector 0 included)
     * stays usable after the switch to protected mode, as on hardware. */
    if (!(fl & DESC_P_MASK) || !(fl & DESC_S_MASK)) {
        bad = true;
    } else if (fl & DESC_CS_MASK) {
        bad = write || !(fl & DESC_R_MASK) || last < off ||
              last > sc->limit;
    } else if (write && !(fl & DESC_W_MASK)) {
        bad = true;
    } else if (fl & DESC_E_MASK) {
        /* Expand-down: valid offsets are limit+1 .. FFFF or FFFFFFFF. */
        uint32_t top = (fl & DESC_B_MASK) ? 0xffffffffu : 0xffffu;
        bad = off <= sc->limit || last < off || last > top;
    } else {
        bad = last < off || last > sc->limit;
    }
    if (bad) {
        x86_raise_exception_err(env, vec, 0);
    }
}

/*
 * Segment checks for an access the frontend could not check itself (an
 * operand wider than 4 bytes, one it does not know the size of): offset
 * off in segment seg, size bytes.  Real and V86 mode: the limit only.
 */
void check_seg_range(CPUX86State *env, int seg, uint32_t off,
                     uint32_t size, bool write)
{
    if ((env->hflags & HF_PE) && !(env->hflags & HF_VM)) {
        if ((env->hflags >> (HF_SEG_SHIFT + 2 * seg)) & 3) {
            helper_check_seg(env, off, seg | (write ? 0x100 : 0) |
                             size << 16);
        }
        return;
    }
    uint32_t last = off + size - 1;
    if (last < off || last > env->segs[seg].limit) {
        x86_raise_exception_err(env, seg == R_SS ? EXCP0C_STACK : EXCP0D_GPF,
                                0);
    }
}

uint32_t helper_in(CPUX86State *env, uint32_t port, uint32_t size)
{
    check_io(env, port, size);
    return x86_port_in(env, port & 0xffff, size);
}

void helper_out(CPUX86State *env, uint32_t port, uint32_t val, uint32_t size)
{
    check_io(env, port, size);
    x86_port_out(env, port & 0xffff, size, val & sizemask(size));
}

void helper_bound(CPUX86State *env, uint32_t idx, uint32_t linear,
                  uint32_t size)
{
    int32_t lo, hi, i;
    if (size == 2) {
        lo = (int16_t)x86_ld(env, linear, 2);
        hi = (int16_t)x86_ld(env, linear + 2, 2);
        i = (int16_t)idx;
    } else {
        lo = (int32_t)x86_ld(env, linear, 4);
        hi = (int32_t)x86_ld(env, linear + 4, 4);
        i = (int32_t)idx;
    }
    if (i < lo || i > hi) {
        x86_raise_exception(env, EXCP05_BOUND);
    }
}

static void enter_st(CPUX86State *env, uint64_t a, int size, uint64_t v)
{
    if (size == 8) {
        x86_st(env, a, 4, v);
        x86_st(env, a + 4, 4, v >> 32);
    } else {
        x86_st(env, a, size, v);
    }
}

static uint64_t enter_ld(CPUX86State *env, uint64_t a, int size)
{
    if (size == 8) {
        return x86_ld(env, a, 4) | (uint64_t)x86_ld(env, a + 4, 4) << 32;
    }
    return x86_ld(env, a, size);
}

/* ENTER in 64-bit mode: a flat 64-bit stack, 8-byte (or 2-byte with
 * 0x66) slots, no segment checks. */
static void enter64(CPUX86State *env, uint32_t frame, uint32_t level,
                    uint32_t size)
{
    uint64_t sp = env->regs[R_ESP], bp = env->regs[R_EBP];
    x86_probe_write(env, sp - size * (1 + level) - frame);
    sp -= size;
    enter_st(env, sp, size, bp);
    uint64_t frame_ptr = sp;
    if (level) {
        for (uint32_t i = 1; i < level; i++) {
            bp -= size;
            uint64_t v = enter_ld(env, bp, size);
            sp -= size;
            enter_st(env, sp, size, v);
        }
        sp -= size;
        enter_st(env, sp, size, frame_ptr);
    }
    env->regs[R_ESP] = sp - frame;
    set_reg(env, R_EBP, size, frame_ptr);
}

void helper_enter(CPUX86State *env, uint32_t frame, uint32_t level,
                  uint32_t size)
{
    if (env->hflags & HF_CS64) {
        enter64(env, frame, level & 0x1f, size);
        return;
    }
    bool ss32 = env->hflags & HF_SS32;
    uint32_t spm = ss32 ? ~0u : 0xffff;
    uint32_t ssbase = env->segs[R_SS].base;
    uint32_t sp = env->regs[R_ESP], bp = env->regs[R_EBP];
    bool pmode = (env->hflags & (HF_PE | HF_VM)) == HF_PE;
    level &= 0x1f;
    if (pmode) {
        /* #SS(0) before any store: the first slot and the new ESP (the
         * nested frame pointers lie between them). */
        uint32_t nsp = (sp - size * (1 + level) - frame) & spm;
        check_seg_range(env, R_SS, (sp - size) & spm, size, true);
        check_seg_range(env, R_SS, nsp, 1, true);
    }
    /* The final ESP is probed for a write before anything is stored: a
     * page fault there comes first (SDM ENTER, test386 POST 0x1A). */
    x86_probe_write(env, ssbase + ((sp - size * (1 + level) - frame) & spm));
    sp = (sp - size) & spm;
    x86_st(env, ssbase + sp, size, bp);
    /* FrameTemp is ESP after the push: on a 16-bit stack only SP moved,
     * and a 32-bit ENTER hands ESP's upper half to EBP with it (test386
     * POST 0x1A). */
    uint32_t frame_ptr = (env->regs[R_ESP] & ~spm) | sp;
    if (level) {
        for (uint32_t i = 1; i < level; i++) {
            bp = (bp - size) & spm;
            if (pmode) {
                check_seg_range(env, R_SS, bp, size, false);
            }
            uint32_t v = x86_ld(env, ssbase + bp, size);
            sp = (sp - size) & spm;
            x86_st(env, ssbase + sp, size, v);
        }
        sp = (sp - size) & spm;
        x86_st(env, ssbase + sp, size, frame_ptr);
    }
    sp = (sp - frame) & spm;
    set_reg(env, R_ESP, ss32 ? 4 : 2, sp);
    set_reg(env, R_EBP, size, frame_ptr);
}

void helper_cpuid(CPUX86State *env)
{
    uint32_t a, b, c, d;
    x86_cpuid(env, env->regs[R_EAX], env->regs[R_ECX], &a, &b, &c, &d);
    env->regs[R_EAX] = a;
    env->regs[R_EBX] = b;
    env->regs[R_ECX] = c;
    env->regs[R_EDX] = d;
}

void helper_rdtsc(CPUX86State *env)
{
    if ((env->cr[4] & CR4_TSD_MASK) && (env->hflags & HF_CPL_MASK)) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    /* A 1 GHz TSC on the virtual clock. */
    uint64_t t = env->tsc + (uint64_t)clock_get_ns(CLOCK_VIRTUAL);
    env->regs[R_EAX] = (uint32_t)t;
    env->regs[R_EDX] = (uint32_t)(t >> 32);
}

/* which: 0 GDT, 1 IDT.  A 16-bit operand size keeps 24 bits of base. */
/* size 8: 64-bit mode, a 10-byte operand with a 64-bit base. */
void helper_lgdt_lidt(CPUX86State *env, uint64_t linear, uint32_t which,
                      uint32_t size)
{
    if (env->hflags & HF_CPL_MASK) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    uint32_t limit = x86_ld(env, linear, 2);
    uint64_t base = x86_ld(env, linear + 2, 4);
    if (size == 8) {
        base |= (uint64_t)x86_ld(env, linear + 6, 4) << 32;
    } else if (size == 2) {
        base &= 0xffffff;
    }
    SegmentCache *dt = which ? &env->idt : &env->gdt;
    dt->base = base;
    dt->limit = limit;
}

void helper_sgdt_sidt(CPUX86State *env, uint64_t linear, uint32_t which,
                      uint32_t size)
{
    SegmentCache *dt = which ? &env->idt : &env->gdt;
    x86_st(env, linear, 2, dt->limit);
    x86_st(env, linear + 2, 4, dt->base);
    if (size == 8) {
        x86_st(env, linear + 6, 4, dt->base >> 32);
    }
}

/* which: 0 LLDT, 1 LTR */
void helper_lldt_ltr(CPUX86State *env, uint32_t sel, uint32_t which)
{
    if (!(env->hflags & HF_PE) || (env->hflags & HF_VM)) {
        x86_raise_exception(env, EXCP06_ILLOP);
    }
    if (env->hflags & HF_CPL_MASK) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    sel &= 0xffff;
    SegmentCache *sc = which ? &env->tr : &env->ldt;
    if ((sel & ~3u) == 0) {
        if (which) {
            x86_raise_exception_err(env, EXCP0D_GPF, 0);
        }
        sc->selector = 0;
        sc->base = 0;
        sc->limit = 0;
        sc->flags = 0;
        return;
    }
    if (sel & 4) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc);
    }
    if (env->hflags & HF_LMA) {
        lm_lldt_ltr(env, sel, which);   /* 16-byte descriptors */
        return;
    }
    uint32_t idx = sel & ~7u;
    if (idx + 7 > env->gdt.limit) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc);
    }
    uint32_t e1 = x86_ld(env, env->gdt.base + idx, 4);
    uint32_t e2 = x86_ld(env, env->gdt.base + idx + 4, 4);
    int type = (e2 >> 8) & 0x1f;
    if (which ? (type != 1 && type != 9) : type != 2) {
        x86_raise_exception_err(env, EXCP0D_GPF, sel & 0xfffc);
    }
    if (!(e2 & DESC_P_MASK)) {
        x86_raise_exception_err(env, EXCP0B_NOSEG, sel & 0xfffc);
    }
    uint32_t limit = (e1 & 0xffff) | (e2 & 0x000f0000);
    if (e2 & DESC_G_MASK) {
        limit = (limit << 12) | 0xfff;
    }
    sc->selector = sel;
    sc->base = (e1 >> 16) | ((e2 & 0xff) << 16) | (e2 & 0xff000000);
    sc->limit = limit;
    sc->flags = e2 & 0x00f0ff00;
    if (which) {
        /* Mark the TSS busy. */
        sc->flags |= 2u << DESC_TYPE_SHIFT;
        x86_st(env, env->gdt.base + idx + 4, 4, e2 | (2u << 8));
    }
}

void helper_invlpg(CPUX86State *env, uint32_t linear)
{
    if (env->hflags & HF_CPL_MASK) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    x86_tlb_flush(env);
}

/*
 * BSF/BSR.  ZF is set for a zero source, which leaves the destination
 * alone.  CF OF SF AF are undefined and PF too: the values here are what
 * the x86 hosts we compare against produce (all clear, PF from the value
 * written, PF set for a zero source).
 */
uint64_t helper_bitscan(CPUX86State *env, uint64_t val, uint64_t old,
                        uint32_t op)
{
    uint64_t r = old;
    uint32_t f;
    if (val == 0) {
        f = CC_Z | CC_P;
    } else {
        r = op ? 63 - __builtin_clzll(val) : __builtin_ctzll(val);
        f = __builtin_parity(r & 0xff) ? 0 : CC_P;
    }
    set_cc(env, f);
    return r;
}

/*
 * LAR, LSL, VERR, VERW (SDM vol. 2, one entry each): look the selector up
 * without loading it; ZF tells whether it passed the type and privilege
 * checks.  The descriptor's present bit is not checked.
 */
void helper_lar_lsl(CPUX86State *env, uint32_t sel, uint32_t which,
                    uint32_t reg_size)
{
    int cpl = env->hflags & HF_CPL_MASK, rpl = sel & 3;
    uint32_t flags = x86_get_eflags(env) & CC_ARITH;
    bool ok = false;
    uint32_t e1 = 0, e2 = 0;

    sel &= 0xffff;
    if ((sel & ~3u) != 0) {
        SegmentCache *dt = (sel & 4) ? &env->ldt : &env->gdt;
        uint32_t idx = sel & ~7u;
        if (idx + 7 <= dt->limit) {
            e1 = x86_ld(env, dt->base + idx, 4);
            e2 = x86_ld(env, dt->base + idx + 4, 4);
            ok = true;
        }
    }
    if (ok) {
        int type = (e2 >> DESC_TYPE_SHIFT) & 0xf;
        int dpl = (e2 >> DESC_DPL_SHIFT) & 3;
        bool conforming_code = (e2 & DESC_S_MASK) && (e2 & DESC_CS_MASK) &&
                               (e2 & DESC_C_MASK);
        if (e2 & DESC_S_MASK) {
            bool code = e2 & DESC_CS_MASK;
            if (which == 2) {
                ok = !code || (e2 & DESC_R_MASK);
            } else if (which == 3) {
                ok = !code && (e2 & DESC_W_MASK);
            }
        } else {
            /* System types LAR accepts: TSS (avail/busy, 16/32), LDT, call
             * gates, task gate.  LSL: TSS and LDT.  VERR/VERW: none. */
            static const uint16_t lar_ok = 0x1a3e, lsl_ok = 0x0a0e;
            /* IA-32e mode: LDT, 64-bit TSS, 64-bit call gate (LAR). */
            static const uint16_t lar_lm = 0x1a04, lsl_lm = 0x0a04;
            bool lm = env->hflags & HF_LMA;
            ok = which == 0 ? ((lm ? lar_lm : lar_ok) >> type) & 1
               : which == 1 ? ((lm ? lsl_lm : lsl_ok) >> type) & 1 : false;
        }
        if (ok && !conforming_code && (dpl < cpl || dpl < rpl)) {
            ok = false;
        }
    }
    flags &= ~CC_Z;
    if (ok) {
        flags |= CC_Z;
        int size = reg_size >> 8, reg = reg_size & 7;
        if (which == 0) {
            set_reg(env, reg, size, e2 & 0x00f0ff00);
        } else if (which == 1) {
            uint32_t limit = (e1 & 0xffff) | (e2 & 0x000f0000);
            if (e2 & DESC_G_MASK) {
                limit = (limit << 12) | 0xfff;
            }
            set_reg(env, reg, size, limit);
        }
    }
    set_cc(env, flags);
}

/*
 * Debug registers (SDM vol. 3, 17.2): DR4/DR5 are DR6/DR7 unless CR4.DE
 * (then #UD); DR6 and DR7 read their reserved bits as the P6 does.  The
 * exec loop (accel/tcg) checks DR7's enabled breakpoints.
 */
static int dr_index(CPUX86State *env, uint32_t reg)
{
    if (env->hflags & HF_CPL_MASK) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    if (reg == 4 || reg == 5) {
        if (env->cr[4] & CR4_DE_MASK) {
            x86_raise_exception(env, EXCP06_ILLOP);
        }
        reg += 2;
    }
    return reg & 7;
}

void helper_mov_dr(CPUX86State *env, uint32_t reg, uint64_t val)
{
    env->dr[dr_index(env, reg)] = val;
}

uint64_t helper_read_dr(CPUX86State *env, uint32_t reg)
{
    int i = dr_index(env, reg);
    uint64_t v = env->dr[i];
    if (i == 6) {
        v = (v & 0x0000e00f) | 0xffff0ff0;
    } else if (i == 7) {
        v = (v & 0xffff2bff) | 0x400;
    }
    return v;
}

/* RDPMC: counters 0 and 1 exist (and count nothing); CPL 0 or CR4.PCE. */
void helper_rdpmc(CPUX86State *env)
{
    if ((env->hflags & HF_CPL_MASK) && !(env->cr[4] & CR4_PCE_MASK)) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    if ((uint32_t)env->regs[R_ECX] > 1) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
    env->regs[R_EAX] = 0;
    env->regs[R_EDX] = 0;
}

void helper_check_cpl0(CPUX86State *env)
{
    if (env->hflags & HF_CPL_MASK) {
        x86_raise_exception_err(env, EXCP0D_GPF, 0);
    }
}

/* ---- x87 / MMX / SSE entry points ---- */

void helper_fwait_insn(CPUX86State *env)
{
    helper_fwait(env);
}

void helper_emms_insn(CPUX86State *env)
{
    if (env->cr[0] & CR0_EM_MASK) {
        x86_raise_exception(env, EXCP06_ILLOP);
    }
    if (env->cr[0] & CR0_TS_MASK) {
        x86_raise_exception(env, EXCP07_PREX);
    }
    helper_emms(env);
}
