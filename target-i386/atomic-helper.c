/*
 * The locked read-modify-writes of x86 (LOCK prefix, XCHG with memory):
 * one host atomic on guest RAM (accel/tcg/atomic.h), else the softmmu's
 * fallback under its mutex.  Each returns the old value; the frontend
 * computes the result and the flags from it as for the unlocked form
 * (translate-alu.c).  The translator has stored EIP and cc_op; faults
 * come at the instruction, before any change.  The host return address
 * (GETPC) goes to the softmmu too: with it a locked store into the
 * running block restarts that block's instruction alone, as an inline
 * store would (tb_check_smc).
 */
#include "emu/common.h"
#include "accel/tcg/atomic.h"
#include "target-i386/helper.h"

/* Where generated code called the helper (a direct call from the block). */
#define GETPC() ((uintptr_t)__builtin_return_address(0))

/* The access's fields in info (ATOMIC_INFO in helper.h). */
static inline int info_size(uint32_t info)
{
    return info & 0xf;
}

static inline int info_mmu(uint32_t info)
{
    return (info >> 8) & 3;
}

static inline int info_op(uint32_t info)
{
    return (info >> 4) & 0xf;
}

/* Outside long mode linear addresses are 32 bits and wrap at 4 GiB. */
static inline bool addr32(CPUX86State *env)
{
    return !(env->hflags & HF_LMA);
}

static uint64_t size_mask(int size)
{
    return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static uint64_t buf_get(const uint8_t *buf, int size)
{
    uint64_t v = 0;
    for (int i = 0; i < size; i++) {
        v |= (uint64_t)buf[i] << (8 * i);
    }
    return v;
}

static void buf_put(uint8_t *buf, int size, uint64_t v)
{
    for (int i = 0; i < size; i++) {
        buf[i] = v >> (8 * i);
    }
}

static uint64_t apply_op(int op, uint64_t old, uint64_t val)
{
    switch (op) {
    case ATOMIC_ADD: return old + val;
    case ATOMIC_AND: return old & val;
    case ATOMIC_OR: return old | val;
    case ATOMIC_XOR: return old ^ val;
    case ATOMIC_XCHG: return val;
    default: return -old;                       /* ATOMIC_NEG */
    }
}

/* ---- the fallback's callbacks ---- */

typedef struct SlowOp {
    int op, size;
    uint64_t val, cmp, old;
} SlowOp;

static void slow_op(uint8_t *buf, void *opaque)
{
    SlowOp *o = opaque;
    o->old = buf_get(buf, o->size);
    buf_put(buf, o->size, apply_op(o->op, o->old, o->val));
}

/* Written either way (a locked cycle writes back what it read). */
static void slow_cmpxchg(uint8_t *buf, void *opaque)
{
    SlowOp *o = opaque;
    o->old = buf_get(buf, o->size);
    if (o->old == o->cmp) {
        buf_put(buf, o->size, o->val);
    }
}

/* ---- fetch-and-op ---- */

#define FETCH_OP(T, p, op, v)                                               \
    ((op) == ATOMIC_ADD   ? __atomic_fetch_add((T *)(p), (T)(v),           \
                                               __ATOMIC_SEQ_CST)           \
     : (op) == ATOMIC_AND ? __atomic_fetch_and((T *)(p), (T)(v),           \
                                               __ATOMIC_SEQ_CST)           \
     : (op) == ATOMIC_OR  ? __atomic_fetch_or((T *)(p), (T)(v),            \
                                              __ATOMIC_SEQ_CST)            \
     : (op) == ATOMIC_XOR ? __atomic_fetch_xor((T *)(p), (T)(v),           \
                                               __ATOMIC_SEQ_CST)           \
                          : __atomic_exchange_n((T *)(p), (T)(v),          \
                                                __ATOMIC_SEQ_CST))

/* A value change no fetch-op does (NEG): a compare-exchange loop. */
#define CAS_LOOP(T, p, op, v)                                               \
    ({                                                                      \
        T old_ = __atomic_load_n((T *)(p), __ATOMIC_RELAXED);               \
        while (!__atomic_compare_exchange_n((T *)(p), &old_,                \
                                            (T)apply_op(op, old_, v), false, \
                                            __ATOMIC_SEQ_CST,               \
                                            __ATOMIC_RELAXED)) {            \
        }                                                                   \
        old_;                                                               \
    })

static uint64_t host_op(void *p, int size, int op, uint64_t val)
{
    if (op == ATOMIC_NEG) {
        switch (size) {
        case 1: return CAS_LOOP(uint8_t, p, op, val);
        case 2: return CAS_LOOP(uint16_t, p, op, val);
        case 4: return CAS_LOOP(uint32_t, p, op, val);
        default: return CAS_LOOP(uint64_t, p, op, val);
        }
    }
    switch (size) {
    case 1: return FETCH_OP(uint8_t, p, op, val);
    case 2: return FETCH_OP(uint16_t, p, op, val);
    case 4: return FETCH_OP(uint32_t, p, op, val);
    default: return FETCH_OP(uint64_t, p, op, val);
    }
}

uint64_t helper_atomic_op(CPUX86State *env, uint64_t lin, uint64_t val,
                          uint32_t info)
{
    uintptr_t ra = GETPC();
    int size = info_size(info), op = info_op(info);
    void *p = tlb_atomic_host(env, lin, size, info_mmu(info), ra);
    if (p) {
        return host_op(p, size, op, val) & size_mask(size);
    }
    SlowOp o = {.op = op, .size = size, .val = val};
    tlb_atomic_rmw_slow(env, lin, size, addr32(env), info_mmu(info), ra,
                        slow_op, &o);
    return o.old;
}

/* ---- compare-exchange ---- */

static uint64_t host_cmpxchg(void *p, int size, uint64_t cmp, uint64_t val)
{
    switch (size) {
    case 1: {
        uint8_t c = cmp;
        __atomic_compare_exchange_n((uint8_t *)p, &c, (uint8_t)val, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return c;
    }
    case 2: {
        uint16_t c = cmp;
        __atomic_compare_exchange_n((uint16_t *)p, &c, (uint16_t)val, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return c;
    }
    case 4: {
        uint32_t c = cmp;
        __atomic_compare_exchange_n((uint32_t *)p, &c, (uint32_t)val, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return c;
    }
    default: {
        uint64_t c = cmp;
        __atomic_compare_exchange_n((uint64_t *)p, &c, val, false,
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        return c;
    }
    }
}

static uint64_t do_cmpxchg(CPUX86State *env, uint64_t lin, uint64_t cmp,
                           uint64_t val, uint32_t info, uintptr_t ra)
{
    int size = info_size(info);
    uint64_t m = size_mask(size);
    void *p = tlb_atomic_host(env, lin, size, info_mmu(info), ra);
    if (p) {
        return host_cmpxchg(p, size, cmp & m, val & m);
    }
    SlowOp o = {.size = size, .val = val & m, .cmp = cmp & m};
    tlb_atomic_rmw_slow(env, lin, size, addr32(env), info_mmu(info), ra,
                        slow_cmpxchg, &o);
    return o.old;
}

uint64_t helper_atomic_cmpxchg(CPUX86State *env, uint64_t lin, uint64_t cmp,
                               uint64_t val, uint32_t info)
{
    return do_cmpxchg(env, lin, cmp, val, info, GETPC());
}

/*
 * CMPXCHG8B: EDX:EAX against m64, ECX:EBX stored when equal.  Returns
 * ZF; when different EDX:EAX get the memory's value (zero-extended),
 * else the registers stay as they are (all 64 bits in long mode).
 */
uint32_t helper_atomic_cmpxchg8b(CPUX86State *env, uint64_t lin,
                                 uint32_t info)
{
    uint64_t cmp = (uint32_t)env->regs[R_EAX] |
                   (uint64_t)(uint32_t)env->regs[R_EDX] << 32;
    uint64_t val = (uint32_t)env->regs[R_EBX] |
                   (uint64_t)(uint32_t)env->regs[R_ECX] << 32;
    uint64_t old = do_cmpxchg(env, lin, cmp, val, (info & ~0xfu) | 8,
                              GETPC());
    if (old == cmp) {
        return 1;
    }
    env->regs[R_EAX] = (uint32_t)old;
    env->regs[R_EDX] = old >> 32;
    return 0;
}

/* ---- CMPXCHG16B ---- */

typedef struct Slow16 {
    uint64_t cmp[2], val[2], old[2];
} Slow16;

static void slow_cmpxchg16(uint8_t *buf, void *opaque)
{
    Slow16 *o = opaque;
    o->old[0] = buf_get(buf, 8);
    o->old[1] = buf_get(buf + 8, 8);
    if (o->old[0] == o->cmp[0] && o->old[1] == o->cmp[1]) {
        buf_put(buf, 8, o->val[0]);
        buf_put(buf + 8, 8, o->val[1]);
    }
}

/*
 * RDX:RAX against m128 (the frontend checked the 16-byte alignment),
 * RCX:RBX stored when equal; the registers get the memory's value when
 * different.  Returns ZF.  Hosts without CMPXCHG16B take the fallback.
 */
uint32_t helper_atomic_cmpxchg16b(CPUX86State *env, uint64_t lin,
                                  uint32_t info)
{
    Slow16 o = {
        .cmp = {env->regs[R_EAX], env->regs[R_EDX]},
        .val = {env->regs[R_EBX], env->regs[R_ECX]},
    };
    uintptr_t ra = GETPC();
    void *p = tlb_atomic_host(env, lin, 16, info_mmu(info), ra);
#if defined(__x86_64__)
    /* Every x86-64 host this runs on has it (x86-64-v2). */
    if (p) {
        uint64_t lo = o.cmp[0], hi = o.cmp[1];
        __asm__ volatile("lock cmpxchg16b %0"
                         : "+m"(*(volatile uint64_t(*)[2])p), "+a"(lo),
                           "+d"(hi)
                         : "b"(o.val[0]), "c"(o.val[1])
                         : "memory", "cc");
        o.old[0] = lo;
        o.old[1] = hi;
    }
#else
    p = NULL;
#endif
    if (!p) {
        tlb_atomic_rmw_slow(env, lin, 16, addr32(env), info_mmu(info), ra,
                            slow_cmpxchg16, &o);
    }
    if (o.old[0] == o.cmp[0] && o.old[1] == o.cmp[1]) {
        return 1;
    }
    env->regs[R_EAX] = o.old[0];
    env->regs[R_EDX] = o.old[1];
    return 0;
}
