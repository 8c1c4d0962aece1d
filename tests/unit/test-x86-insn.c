/*
 * Directed tests of the i386-P6 integer instructions under the translator
 * (target-i386/translate.c): short sequences run in flat 32-bit protected
 * mode (or real mode for the 0x67 forms) through tests/unit/x86-harness,
 * with registers, flags and memory checked against values worked out from
 * the SDM vol. 2 instruction entries.  Undefined flags are not checked.
 */
#include "tests/unit/harness.h"
#include "tests/unit/x86-harness.h"
#include "target-i386/cpuid.h"
#include "target-i386/decode.h"
#include "emu/machine.h"
#include "emu/memory.h"

#define FLAGS6 (CC_C | CC_P | CC_A | CC_Z | CC_S | CC_O)

static X86HState st;
static uint8_t *ram;

static void init(void)
{
    x86h_init();
    ram = x86h_ram();
    x86h_state_init(&st, X86H_PM32);
}

/* EIP of X86H_CODE: in real mode CS = X86H_CODE >> 4 & 0xf000 */
static uint32_t code_ip(void)
{
    return st.mode == X86H_REAL ? (X86H_CODE & 0xffff) : X86H_CODE;
}

/* Run code at X86H_CODE from st; check it halted after the snippet. */
#define RUN(...)                                                             \
    do {                                                                     \
        static const uint8_t code_[] = {__VA_ARGS__};                        \
        CHECK(x86h_run(&st, X86H_CODE, code_, sizeof(code_)));               \
        CHECK_EQ(st.exception, -1);                                          \
        CHECK_EQ(st.eip, code_ip() + sizeof(code_) + 1);                     \
    } while (0)

/* Run code that must raise vector v at its first instruction. */
#define RUN_EXC(v, ...)                                                      \
    do {                                                                     \
        static const uint8_t code_[] = {__VA_ARGS__};                        \
        x86h_run(&st, X86H_CODE, code_, sizeof(code_));                      \
        CHECK_EQ(st.exception, (v));                                         \
        CHECK_EQ(st.fault_eip, code_ip());                                   \
    } while (0)

#define D32(v) (v) & 0xff, ((v) >> 8) & 0xff, ((v) >> 16) & 0xff, (v) >> 24
#define MEM 0x5000u

static uint32_t parity(uint32_t v)
{
    return __builtin_parity(v & 0xff) ? 0 : CC_P;
}

/* The flags of CMP a, b (SUB without the store), 32 bits. */
static uint32_t cmp_flags(uint32_t a, uint32_t b)
{
    uint32_t r = a - b, f = parity(r);
    f |= a < b ? CC_C : 0;
    f |= r == 0 ? CC_Z : 0;
    f |= r & 0x80000000u ? CC_S : 0;
    f |= ((a ^ b) & (a ^ r)) >> 31 ? CC_O : 0;
    f |= (a ^ b ^ r) & CC_A;
    return f;
}

/* Condition cc (0-15, SDM appendix B.1) of the flags f. */
static int cond(int cc, uint32_t f)
{
    bool c = f & CC_C, z = f & CC_Z, sgn = f & CC_S, o = f & CC_O,
         p = f & CC_P;
    bool r;
    switch (cc >> 1) {
    case 0: r = o; break;
    case 1: r = c; break;
    case 2: r = z; break;
    case 3: r = c || z; break;
    case 4: r = sgn; break;
    case 5: r = p; break;
    case 6: r = sgn != o; break;
    default: r = z || sgn != o; break;
    }
    return (cc & 1) ? !r : r;
}

/* ---- bit scan ---- */

static void test_bsf_bsr(void)
{
    /* bsf eax, ecx */
    init();
    st.regs[R_EAX] = 0x12345678;
    st.regs[R_ECX] = 0;
    RUN(0x0f, 0xbc, 0xc1);
    CHECK_EQ(st.regs[R_EAX], 0x12345678);       /* source 0: unchanged */
    CHECK(st.eflags & CC_Z);

    init();
    st.regs[R_ECX] = 0x00008080;
    st.eflags = 2 | CC_Z;
    RUN(0x0f, 0xbc, 0xc1);
    CHECK_EQ(st.regs[R_EAX], 7);
    CHECK(!(st.eflags & CC_Z));

    /* bsr eax, ecx */
    init();
    st.regs[R_ECX] = 0x80000001;
    RUN(0x0f, 0xbd, 0xc1);
    CHECK_EQ(st.regs[R_EAX], 31);
    CHECK(!(st.eflags & CC_Z));

    /* bsr ax, cx: 16-bit, the upper half of EAX is kept */
    init();
    st.regs[R_EAX] = 0xdead0000;
    st.regs[R_ECX] = 0xffff0100;
    RUN(0x66, 0x0f, 0xbd, 0xc1);
    CHECK_EQ(st.regs[R_EAX], 0xdead0008);

    /* bsf edx, [MEM] */
    init();
    stl_le_p(ram + MEM, 0x00100000);
    RUN(0x0f, 0xbc, 0x15, D32(MEM));
    CHECK_EQ(st.regs[R_EDX], 20);
}

/* ---- double shifts ---- */

static void test_shld_shrd(void)
{
    /* shld eax, edx, 4 */
    init();
    st.regs[R_EAX] = 0x81234567;
    st.regs[R_EDX] = 0xf00dbeef;
    RUN(0x0f, 0xa4, 0xd0, 4);
    CHECK_EQ(st.regs[R_EAX], 0x1234567f);
    CHECK_EQ(st.regs[R_EDX], 0xf00dbeef);
    CHECK_EQ(st.eflags & (CC_C | CC_Z | CC_S | CC_P), 0);   /* 7f: odd */

    /* shld eax, edx, 1: CF = old bit 31, OF = sign change */
    init();
    st.regs[R_EAX] = 0x81234567;
    st.regs[R_EDX] = 0xf00dbeef;
    RUN(0x0f, 0xa4, 0xd0, 1);
    CHECK_EQ(st.regs[R_EAX], 0x02468acf);
    CHECK_EQ(st.eflags & (CC_C | CC_O | CC_Z | CC_S | CC_P),
             CC_C | CC_O | CC_P);

    /* shld eax, edx, cl with cl = 8: CF = old bit 24 */
    init();
    st.regs[R_EAX] = 0x81234567;
    st.regs[R_EDX] = 0xf00dbeef;
    st.regs[R_ECX] = 8;
    RUN(0x0f, 0xa5, 0xd0);
    CHECK_EQ(st.regs[R_EAX], 0x234567f0);
    CHECK(st.eflags & CC_C);

    /* count 0 (cl = 32 masks to 0): nothing changes, flags kept */
    init();
    st.regs[R_EAX] = 0x81234567;
    st.regs[R_ECX] = 32;
    st.eflags = 2 | CC_C | CC_Z | CC_O | CC_S;
    RUN(0x0f, 0xa5, 0xd0);
    CHECK_EQ(st.regs[R_EAX], 0x81234567);
    CHECK_EQ(st.eflags & FLAGS6, CC_C | CC_Z | CC_O | CC_S);
    /* and with an immediate 0 */
    init();
    st.regs[R_EAX] = 0x81234567;
    st.eflags = 2 | CC_C | CC_P;
    RUN(0x0f, 0xa4, 0xd0, 0);
    CHECK_EQ(st.regs[R_EAX], 0x81234567);
    CHECK_EQ(st.eflags & FLAGS6, CC_C | CC_P);

    /* shrd eax, edx, 4: CF = old bit 3 */
    init();
    st.regs[R_EAX] = 0x81234567;
    st.regs[R_EDX] = 0xf00dbeef;
    RUN(0x0f, 0xac, 0xd0, 4);
    CHECK_EQ(st.regs[R_EAX], 0xf8123456);
    CHECK_EQ(st.eflags & (CC_C | CC_Z | CC_S), CC_S);

    /* shrd eax, edx, 1: CF = old bit 0; sign unchanged -> OF 0 */
    init();
    st.regs[R_EAX] = 0x81234567;
    st.regs[R_EDX] = 0xf00dbeef;
    RUN(0x0f, 0xac, 0xd0, 1);
    CHECK_EQ(st.regs[R_EAX], 0xc091a2b3);
    CHECK_EQ(st.eflags & (CC_C | CC_O | CC_S | CC_Z), CC_C | CC_S);

    /* shrd eax, edx, 1 with the sign changing: OF = 1 */
    init();
    st.regs[R_EAX] = 0x80000000;
    st.regs[R_EDX] = 0;
    RUN(0x0f, 0xac, 0xd0, 1);
    CHECK_EQ(st.regs[R_EAX], 0x40000000);
    CHECK_EQ(st.eflags & (CC_C | CC_O), CC_O);

    /* 16-bit: shld ax, dx, 4; shrd [MEM], dx, cl (cl = 8) */
    init();
    st.regs[R_EAX] = 0xaaaa8123;
    st.regs[R_EDX] = 0x5555beef;
    RUN(0x66, 0x0f, 0xa4, 0xd0, 4);
    CHECK_EQ(st.regs[R_EAX], 0xaaaa123b);
    CHECK_EQ(st.eflags & CC_C, 0);      /* old bit 12 of 8123: 0 */

    init();
    stl_le_p(ram + MEM, 0x99998123);
    st.regs[R_EDX] = 0xbeef;
    st.regs[R_ECX] = 8;
    RUN(0x66, 0x0f, 0xad, 0x15, D32(MEM));
    CHECK_EQ(ldl_le_p(ram + MEM), 0x9999ef81);
    CHECK_EQ(st.eflags & (CC_C | CC_S | CC_Z), CC_S);   /* old bit 7: 0 */
    /* zero result sets ZF */
    init();
    st.regs[R_EAX] = 0x80000000;
    st.regs[R_EDX] = 0;
    RUN(0x0f, 0xa4, 0xd0, 1);
    CHECK_EQ(st.regs[R_EAX], 0);
    CHECK_EQ(st.eflags & (CC_C | CC_Z | CC_O | CC_P),
             CC_C | CC_Z | CC_O | CC_P);
}

/* ---- compare and exchange, exchange and add ---- */

static void test_cmpxchg(void)
{
    /* cmpxchg [MEM], ecx: equal -> store ECX, ZF */
    init();
    stl_le_p(ram + MEM, 1000);
    st.regs[R_EAX] = 1000;
    st.regs[R_ECX] = 0xcafe;
    RUN(0x0f, 0xb1, 0x0d, D32(MEM));
    CHECK_EQ(ldl_le_p(ram + MEM), 0xcafe);
    CHECK_EQ(st.regs[R_EAX], 1000);
    CHECK_EQ(st.eflags & FLAGS6, cmp_flags(1000, 1000));

    /* not equal -> EAX = [MEM], memory unchanged, flags of CMP EAX,[MEM] */
    init();
    stl_le_p(ram + MEM, 1000);
    st.regs[R_EAX] = 5;
    st.regs[R_ECX] = 0xcafe;
    RUN(0x0f, 0xb1, 0x0d, D32(MEM));
    CHECK_EQ(ldl_le_p(ram + MEM), 1000);
    CHECK_EQ(st.regs[R_EAX], 1000);
    CHECK_EQ(st.eflags & FLAGS6, cmp_flags(5, 1000));

    /* register form, cmpxchg edx, ecx */
    init();
    st.regs[R_EAX] = 7;
    st.regs[R_EDX] = 7;
    st.regs[R_ECX] = 9;
    RUN(0x0f, 0xb1, 0xca);
    CHECK_EQ(st.regs[R_EDX], 9);
    CHECK_EQ(st.regs[R_EAX], 7);
    CHECK(st.eflags & CC_Z);
    init();
    st.regs[R_EAX] = 0x80000000;
    st.regs[R_EDX] = 1;
    st.regs[R_ECX] = 9;
    RUN(0x0f, 0xb1, 0xca);
    CHECK_EQ(st.regs[R_EDX], 1);
    CHECK_EQ(st.regs[R_EAX], 1);
    CHECK_EQ(st.eflags & FLAGS6, cmp_flags(0x80000000, 1));

    /* cmpxchg eax, ecx: the accumulator is the destination */
    init();
    st.regs[R_EAX] = 3;
    st.regs[R_ECX] = 4;
    RUN(0x0f, 0xb1, 0xc8);
    CHECK_EQ(st.regs[R_EAX], 4);
    CHECK(st.eflags & CC_Z);

    /* 8 bit: cmpxchg ah, cl; AL = 0x11 != AH = 0x22 -> AL = AH */
    init();
    st.regs[R_EAX] = 0x2211;
    st.regs[R_ECX] = 0x33;
    RUN(0x0f, 0xb0, 0xcc);
    CHECK_EQ(st.regs[R_EAX], 0x2222);
    CHECK_EQ(st.eflags & (CC_Z | CC_C), CC_C);   /* 0x11 < 0x22 */

    /* lock cmpxchg [MEM], cx (16 bit) */
    init();
    stl_le_p(ram + MEM, 0x12340005);
    st.regs[R_EAX] = 0xffff0005;
    st.regs[R_ECX] = 0x7777;
    RUN(0xf0, 0x66, 0x0f, 0xb1, 0x0d, D32(MEM));
    CHECK_EQ(ldl_le_p(ram + MEM), 0x12347777);
    CHECK(st.eflags & CC_Z);
}

static void test_cmpxchg8b(void)
{
    /* cmpxchg8b [MEM]: EDX:EAX == m64 -> m64 = ECX:EBX, ZF = 1 */
    init();
    stl_le_p(ram + MEM, 0x11111111);
    stl_le_p(ram + MEM + 4, 0x22222222);
    st.regs[R_EAX] = 0x11111111;
    st.regs[R_EDX] = 0x22222222;
    st.regs[R_EBX] = 0xaaaaaaaa;
    st.regs[R_ECX] = 0xbbbbbbbb;
    st.eflags = 2 | CC_C | CC_S;
    RUN(0x0f, 0xc7, 0x0d, D32(MEM));
    CHECK_EQ(ldl_le_p(ram + MEM), 0xaaaaaaaa);
    CHECK_EQ(ldl_le_p(ram + MEM + 4), 0xbbbbbbbb);
    CHECK_EQ(st.regs[R_EAX], 0x11111111);
    CHECK_EQ(st.regs[R_EDX], 0x22222222);
    CHECK_EQ(st.eflags & FLAGS6, CC_Z | CC_C | CC_S);   /* only ZF */

    /* different (high half) -> EDX:EAX = m64, ZF = 0 */
    init();
    stl_le_p(ram + MEM, 0x11111111);
    stl_le_p(ram + MEM + 4, 0x22222222);
    st.regs[R_EAX] = 0x11111111;
    st.regs[R_EDX] = 0x22222223;
    st.regs[R_EBX] = 0xaaaaaaaa;
    st.regs[R_ECX] = 0xbbbbbbbb;
    st.eflags = 2 | CC_Z | CC_P;
    RUN(0xf0, 0x0f, 0xc7, 0x0d, D32(MEM));              /* with LOCK */
    CHECK_EQ(ldl_le_p(ram + MEM), 0x11111111);
    CHECK_EQ(ldl_le_p(ram + MEM + 4), 0x22222222);
    CHECK_EQ(st.regs[R_EAX], 0x11111111);
    CHECK_EQ(st.regs[R_EDX], 0x22222222);
    CHECK_EQ(st.eflags & FLAGS6, CC_P);

    /* register operand: #UD */
    init();
    RUN_EXC(EXCP06_ILLOP, 0x0f, 0xc7, 0xc8);
}

static void test_xadd(void)
{
    /* xadd edx, ecx */
    init();
    st.regs[R_EDX] = 0xffffffff;
    st.regs[R_ECX] = 2;
    RUN(0x0f, 0xc1, 0xca);
    CHECK_EQ(st.regs[R_EDX], 1);
    CHECK_EQ(st.regs[R_ECX], 0xffffffff);
    CHECK_EQ(st.eflags & (CC_C | CC_Z | CC_S | CC_O), CC_C);

    /* xadd ecx, ecx: the sum wins */
    init();
    st.regs[R_ECX] = 0x40000000;
    RUN(0x0f, 0xc1, 0xc9);
    CHECK_EQ(st.regs[R_ECX], 0x80000000);
    CHECK_EQ(st.eflags & (CC_C | CC_S | CC_O), CC_S | CC_O);

    /* lock xadd [MEM], eax */
    init();
    stl_le_p(ram + MEM, 10);
    st.regs[R_EAX] = 0xfffffff6;     /* -10 */
    RUN(0xf0, 0x0f, 0xc1, 0x05, D32(MEM));
    CHECK_EQ(ldl_le_p(ram + MEM), 0);
    CHECK_EQ(st.regs[R_EAX], 10);
    CHECK_EQ(st.eflags & (CC_C | CC_Z | CC_P), CC_C | CC_Z | CC_P);

    /* xadd bl, bh (8 bit) */
    init();
    st.regs[R_EBX] = 0x0380;
    RUN(0x0f, 0xc0, 0xfb);
    CHECK_EQ(st.regs[R_EBX], 0x8083);
}

/* ---- moves ---- */

static void test_bswap_cmov_movx(void)
{
    init();
    st.regs[R_EAX] = 0x11223344;
    st.regs[R_EDI] = 0x01020304;
    RUN(0x0f, 0xc8, 0x0f, 0xcf);            /* bswap eax; bswap edi */
    CHECK_EQ(st.regs[R_EAX], 0x44332211);
    CHECK_EQ(st.regs[R_EDI], 0x04030201);

    /* cmp eax, ecx; cmove edx, ebx; cmovne esi, ebx */
    init();
    st.regs[R_EAX] = 5;
    st.regs[R_ECX] = 5;
    st.regs[R_EBX] = 0xbbbb;
    st.regs[R_EDX] = 1;
    st.regs[R_ESI] = 2;
    RUN(0x39, 0xc8, 0x0f, 0x44, 0xd3, 0x0f, 0x45, 0xf3);
    CHECK_EQ(st.regs[R_EDX], 0xbbbb);       /* taken */
    CHECK_EQ(st.regs[R_ESI], 2);            /* not taken */

    /* cmovb ax, [MEM] (16 bit, taken) */
    init();
    stl_le_p(ram + MEM, 0x12345678);
    st.regs[R_EAX] = 0xaaaaaaaa;
    st.eflags = 2 | CC_C;
    RUN(0x66, 0x0f, 0x42, 0x05, D32(MEM));
    CHECK_EQ(st.regs[R_EAX], 0xaaaa5678);

    /* movzx ecx, byte [MEM]; movsx edx, word [MEM + 2]; movsx ax, bl */
    init();
    stl_le_p(ram + MEM, 0x8001ff80);
    st.regs[R_EAX] = 0x12340000;
    st.regs[R_EBX] = 0x80;
    RUN(0x0f, 0xb6, 0x0d, D32(MEM), 0x0f, 0xbf, 0x15, D32(MEM + 2),
        0x66, 0x0f, 0xbe, 0xc3);
    CHECK_EQ(st.regs[R_ECX], 0x80);
    CHECK_EQ(st.regs[R_EDX], 0xffff8001);
    CHECK_EQ(st.regs[R_EAX], 0x1234ff80);
}

/* SETcc for all 16 conditions after CMP of edge values, and after an
 * operation whose flags come from the lazy-flags helper (ADD) and a
 * logic one (TEST). */
static void test_setcc(void)
{
    static const uint32_t vals[] = {0, 1, 0x7fffffff, 0x80000000,
                                    0xffffffff, 0x80000001};
    for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
        for (unsigned j = 0; j < ARRAY_SIZE(vals); j++) {
            /* cmp eax, ecx; set<cc> [MEM + cc] for cc = 0..15 */
            static uint8_t code[6 + 16 * 7];
            code[0] = 0x39;
            code[1] = 0xc8;
            int n = 2;
            for (int cc = 0; cc < 16; cc++) {
                code[n++] = 0x0f;
                code[n++] = 0x90 + cc;
                code[n++] = 0x05;
                stl_le_p(code + n, MEM + cc);
                n += 4;
            }
            init();
            memset(ram + MEM, 0xee, 16);
            st.regs[R_EAX] = vals[i];
            st.regs[R_ECX] = vals[j];
            CHECK(x86h_run(&st, X86H_CODE, code, n));
            uint32_t f = cmp_flags(vals[i], vals[j]);
            CHECK_EQ(st.eflags & FLAGS6, f);
            for (int cc = 0; cc < 16; cc++) {
                if (ram[MEM + cc] != cond(cc, f)) {
                    test_fail(__FILE__, __LINE__,
                              "cmp %08x, %08x: set%d = %d, want %d",
                              vals[i], vals[j], cc, ram[MEM + cc],
                              cond(cc, f));
                }
            }
            /* the same after add eax, ecx and test eax, ecx, checked
             * against the EFLAGS the run ends with */
            for (int k = 0; k < 2; k++) {
                code[0] = k ? 0x85 : 0x01;
                init();
                memset(ram + MEM, 0xee, 16);
                st.regs[R_EAX] = vals[i];
                st.regs[R_ECX] = vals[j];
                CHECK(x86h_run(&st, X86H_CODE, code, n));
                for (int cc = 0; cc < 16; cc++) {
                    if (ram[MEM + cc] != cond(cc, st.eflags)) {
                        test_fail(__FILE__, __LINE__,
                                  "%s %08x, %08x: set%d = %d",
                                  k ? "test" : "add", vals[i], vals[j], cc,
                                  ram[MEM + cc]);
                    }
                }
            }
        }
    }
    /* setcc to a register byte: setc ah */
    init();
    st.regs[R_EAX] = 0xffffffff;
    st.eflags = 2 | CC_C;
    RUN(0x0f, 0x92, 0xc4);
    CHECK_EQ(st.regs[R_EAX], 0xffff01ff);
}

/* ---- bit test ---- */

static void test_bt(void)
{
    /* bt ecx, eax (bit 33 -> 1); bts/btr/btc with an immediate */
    init();
    st.regs[R_ECX] = 0x2;
    st.regs[R_EAX] = 33;
    st.eflags = 2 | CC_Z | CC_S;
    RUN(0x0f, 0xa3, 0xc1);
    CHECK(st.eflags & CC_C);
    CHECK_EQ(st.eflags & (CC_Z | CC_S), CC_Z | CC_S);    /* unaffected */

    init();
    st.regs[R_EDX] = 0x0f;
    /* bts edx, 31; btr edx, 0; btc edx, 1 */
    RUN(0x0f, 0xba, 0xea, 31, 0x0f, 0xba, 0xf2, 0, 0x0f, 0xba, 0xfa, 1);
    CHECK_EQ(st.regs[R_EDX], 0x8000000c);
    CHECK(st.eflags & CC_C);                /* btc saw bit 1 set */

    /* bts [MEM], eax with eax = 35: bit 3 of the dword at MEM + 4 */
    init();
    stl_le_p(ram + MEM, 0);
    stl_le_p(ram + MEM + 4, 0);
    st.regs[R_EAX] = 35;
    RUN(0x0f, 0xab, 0x05, D32(MEM));
    CHECK_EQ(ldl_le_p(ram + MEM + 4), 8);
    CHECK_EQ(ldl_le_p(ram + MEM), 0);
    CHECK_EQ(st.eflags & CC_C, 0);
    /* a negative offset: btr [MEM], eax with eax = -1 -> bit 31 of MEM-4 */
    init();
    stl_le_p(ram + MEM - 4, 0xffffffff);
    st.regs[R_EAX] = 0xffffffff;
    RUN(0xf0, 0x0f, 0xb3, 0x05, D32(MEM));
    CHECK_EQ(ldl_le_p(ram + MEM - 4), 0x7fffffff);
    CHECK(st.eflags & CC_C);
}

/* ---- descriptors ---- */

static void test_lar_lsl_verr(void)
{
    uint32_t e1, e2;
    const uint32_t P = DESC_P_MASK, S = DESC_S_MASK;
    init();
    struct {
        int idx;
        uint32_t base, limit, attrs;
    } d[] = {
        /* 0x40: data, writable, DPL 0 */
        {8, 0x100000, 0x1234, P | S | DESC_W_MASK},
        /* 0x48: code, execute only, DPL 0 */
        {9, 0, 0xfffff, P | S | DESC_CS_MASK},
        /* 0x50: data read-only, DPL 3, not present, 4 KiB granular */
        {10, 0, 0x3fffff, S | DESC_B_MASK | (3u << DESC_DPL_SHIFT)},
        /* 0x58: LDT (system type 2) */
        {11, 0x8000, 0xff, P | (2u << DESC_TYPE_SHIFT)},
        /* 0x60: 32-bit call gate (type C): LAR yes, LSL no */
        {12, 0, 0, P | (0xcu << DESC_TYPE_SHIFT)},
        /* 0x68: reserved system type 0 */
        {13, 0, 0xff, P},
        /* 0x70: conforming readable code, DPL 0 */
        {14, 0, 0xffff, P | S | DESC_CS_MASK | DESC_C_MASK | DESC_R_MASK},
    };
    uint32_t want_e2[ARRAY_SIZE(d)], want_lim[ARRAY_SIZE(d)];
    for (unsigned i = 0; i < ARRAY_SIZE(d); i++) {
        x86h_make_desc(d[i].base, d[i].limit, d[i].attrs, &e1, &e2);
        want_e2[i] = e2;
        want_lim[i] = d[i].limit > 0xfffff ? d[i].limit | 0xfff : d[i].limit;
    }
    /* One run per selector.  x86h_run rebuilds the GDT, so the code
     * itself stores the test's descriptors (mov dword [GDT + i*8], ..)
     * before LAR, LSL, VERR and VERW look at them. */
    struct {
        uint16_t sel;
        bool lar, lsl, verr, verw;
        int di;                 /* index in d[], -1 none */
    } t[] = {
        {0x0000, false, false, false, false, -1},  /* null */
        {0x0040, true, true, true, true, 0},
        {0x0043, false, false, false, false, 0},   /* RPL 3 > DPL 0 */
        {0x0048, true, true, false, false, 1},
        {0x0053, true, true, true, false, 2},      /* DPL 3: fine */
        {0x0058, true, true, false, false, 3},
        {0x0060, true, false, false, false, 4},
        {0x0068, false, false, false, false, 5},
        {0x0073, true, true, true, false, 6},      /* conforming: no DPL */
        {0x0100, false, false, false, false, -1},  /* beyond the limit */
        {0x0044, false, false, false, false, -1},  /* LDT, limit 0 */
    };
    for (unsigned k = 0; k < ARRAY_SIZE(t); k++) {
        uint8_t code[256];
        int n = 0;
        /* mov dword [GDT + idx*8], e1 ; mov dword [.. + 4], e2 */
        for (unsigned i = 0; i < ARRAY_SIZE(d); i++) {
            x86h_make_desc(d[i].base, d[i].limit, d[i].attrs, &e1, &e2);
            uint32_t a = X86H_GDT + d[i].idx * 8;
            code[n++] = 0xc7;
            code[n++] = 0x05;
            stl_le_p(code + n, a);
            stl_le_p(code + n + 4, e1);
            n += 8;
            code[n++] = 0xc7;
            code[n++] = 0x05;
            stl_le_p(code + n, a + 4);
            stl_le_p(code + n + 4, e2);
            n += 8;
        }
        static const uint8_t tail[] = {
            0x0f, 0x02, 0xc1,           /* lar eax, ecx */
            0x9c, 0x5e,                 /* pushf; pop esi */
            0x0f, 0x03, 0xd1,           /* lsl edx, ecx */
            0x9c, 0x5f,                 /* pushf; pop edi */
            0x0f, 0x00, 0xe1,           /* verr cx */
            0x9c, 0x5d,                 /* pushf; pop ebp */
            0x0f, 0x00, 0xe9,           /* verw cx */
        };
        memcpy(code + n, tail, sizeof(tail));
        n += sizeof(tail);
        init();
        st.regs[R_ECX] = t[k].sel;
        st.regs[R_EAX] = 0xaaaaaaaa;
        st.regs[R_EDX] = 0xdddddddd;
        CHECK(x86h_run(&st, X86H_CODE, code, n));
        CHECK_EQ(st.exception, -1);
        bool zl = st.regs[R_ESI] & CC_Z, zs = st.regs[R_EDI] & CC_Z;
        bool zr = st.regs[R_EBP] & CC_Z, zw = st.eflags & CC_Z;
        if (zl != t[k].lar || zs != t[k].lsl || zr != t[k].verr ||
            zw != t[k].verw) {
            test_fail(__FILE__, __LINE__,
                      "selector %04x: ZF lar %d lsl %d verr %d verw %d",
                      t[k].sel, zl, zs, zr, zw);
        }
        int di = t[k].di;
        CHECK_EQ(st.regs[R_EAX],
                 t[k].lar ? (want_e2[di] & 0x00f0ff00) : 0xaaaaaaaa);
        CHECK_EQ(st.regs[R_EDX], t[k].lsl ? want_lim[di] : 0xdddddddd);
    }

    /* 16-bit LAR writes the low word (access byte and type) only */
    init();
    st.regs[R_ECX] = X86H_SEL_DATA32;
    st.regs[R_EAX] = 0x55550000;
    RUN(0x66, 0x0f, 0x02, 0xc1);
    x86h_make_desc(0, 0xffffffff, DESC_P_MASK | DESC_S_MASK | DESC_W_MASK |
                   DESC_B_MASK, &e1, &e2);
    CHECK_EQ(st.regs[R_EAX], 0x55550000 | (e2 & 0xff00));

    /* LAR in real mode: #UD */
    x86h_state_init(&st, X86H_REAL);
    RUN_EXC(EXCP06_ILLOP, 0x0f, 0x02, 0xc1);
}

/* ---- LOCK, UD2, privileged and system instructions ---- */

static void test_lock_ud(void)
{
    init();
    stl_le_p(ram + MEM, 1);
    st.regs[R_EAX] = 2;
    RUN(0xf0, 0x01, 0x05, D32(MEM));        /* lock add [MEM], eax */
    CHECK_EQ(ldl_le_p(ram + MEM), 3);

    init();
    RUN_EXC(EXCP06_ILLOP, 0xf0, 0x01, 0xc8);                /* reg dest */
    init();
    RUN_EXC(EXCP06_ILLOP, 0xf0, 0x39, 0x05, D32(MEM));      /* lock cmp */
    init();
    RUN_EXC(EXCP06_ILLOP, 0xf0, 0x8b, 0x05, D32(MEM));      /* lock mov */
    init();
    RUN_EXC(EXCP06_ILLOP, 0xf0, 0x0f, 0xa3, 0x05, D32(MEM)); /* lock bt */
    init();
    RUN_EXC(EXCP06_ILLOP, 0x0f, 0x0b);                      /* ud2 */
    init();
    RUN_EXC(EXCP06_ILLOP, 0x0f, 0xb9, 0x05, D32(MEM));      /* ud1 */
    /* xchg with memory may take LOCK */
    init();
    stl_le_p(ram + MEM, 9);
    st.regs[R_EBX] = 4;
    RUN(0xf0, 0x87, 0x1d, D32(MEM));
    CHECK_EQ(ldl_le_p(ram + MEM), 4);
    CHECK_EQ(st.regs[R_EBX], 9);

    /* invd, wbinvd, 0f 1f nop [eax+eax*1+0], 0f 18 prefetch at ring 0 */
    init();
    RUN(0x0f, 0x08, 0x0f, 0x09, 0x0f, 0x1f, 0x44, 0x00, 0x00,
        0x0f, 0x18, 0x05, D32(MEM));
}

static void test_sysenter_sysexit(void)
{
    /* wrmsr SYSENTER_CS/ESP/EIP, then sysenter to a HLT at 0x20000 */
    static const uint8_t code[] = {0xb9, D32(MSR_IA32_SYSENTER_CS), 0xb8, D32(0x08), 0x31, 0xd2,
            0x0f, 0x30, 0xb9, D32(MSR_IA32_SYSENTER_ESP), 0xb8,
            D32(0x60000), 0x0f, 0x30, 0xb9, D32(MSR_IA32_SYSENTER_EIP), 0xb8,
            D32(0x20000), 0x0f, 0x30, 0x0f, 0x34};
    init();
    ram[0x20000] = 0xf4;
    CHECK(x86h_run(&st, X86H_CODE, code, sizeof(code)));
    CHECK_EQ(st.exception, -1);
    CHECK_EQ(st.eip, 0x20001);
    CHECK_EQ(st.regs[R_ESP], 0x60000);
    CHECK_EQ(x86h_env()->segs[R_CS].selector, 0x08);
    CHECK_EQ(x86h_env()->segs[R_SS].selector, 0x10);
    CHECK(!(st.eflags & IF_MASK));
}

/* SYSEXIT to ring 3 at a HLT: #GP(0) there, delivered through the TSS. */
static void test_sysexit_ring3(void)
{
    static const uint8_t code[] = {
        0xb9, D32(MSR_IA32_SYSENTER_CS), 0xb8, D32(0x08), 0x31, 0xd2,
        0x0f, 0x30,                     /* wrmsr */
        0xba, D32(0x20000), 0xb9, D32(0x61000),
        0x0f, 0x35,                     /* sysexit */
    };
    init();
    ram[0x20000] = 0xf4;
    x86h_run(&st, X86H_CODE, code, sizeof(code));
    CHECK_EQ(st.exception, EXCP0D_GPF);
    CHECK_EQ(st.error_code, 0);
    CHECK_EQ(st.fault_eip, 0x20000);
    CHECK_EQ(st.fault_cs, 0x1b);            /* SYSENTER_CS + 16, RPL 3 */
    CHECK_EQ(st.regs[R_ESP], 0x61000);

    /* sysenter with SYSENTER_CS = 0: #GP(0) */
    init();
    RUN_EXC(EXCP0D_GPF, 0x0f, 0x34);
    /* sysexit in real mode: #GP */
    x86h_state_init(&st, X86H_REAL);
    RUN_EXC(EXCP0D_GPF, 0x0f, 0x35);
}

/* ---- 0x67: 32-bit addressing in real mode ---- */

static void test_addr32_real(void)
{
    /* mov eax, [ebx + ecx*2 + 0x10] (66 67 8b 44 4b 10) */
    x86h_state_init(&st, X86H_REAL);
    st.regs[R_ESP] = 0x8000;
    st.regs[R_EBX] = 0x5000;
    st.regs[R_ECX] = 0x100;
    stl_le_p(ram + 0x5210, 0xfeedf00d);
    RUN(0x66, 0x67, 0x8b, 0x44, 0x4b, 0x10);
    CHECK_EQ(st.regs[R_EAX], 0xfeedf00d);

    /* the offset above FFFF: #GP in real mode */
    x86h_state_init(&st, X86H_REAL);
    st.regs[R_ESP] = 0x8000;
    st.regs[R_EBX] = 0x10000;
    RUN_EXC(EXCP0D_GPF, 0x67, 0x8a, 0x03);          /* mov al, [ebx] */

    /* lea with a 32-bit address and 16-bit operand: truncated */
    x86h_state_init(&st, X86H_REAL);
    st.regs[R_ESP] = 0x8000;
    st.regs[R_EAX] = 0x12345;
    st.regs[R_ESI] = 0xffff0000;
    RUN(0x67, 0x8d, 0x14, 0x30);                    /* lea dx, [eax+esi] */
    CHECK_EQ(st.regs[R_EDX] & 0xffff, 0x2345);
}

/* ---- CPUID, MSRs, TSC ---- */

static void test_cpuid_msr(void)
{
    /* cpuid leaf 0: a vendor string, a max leaf >= 1 */
    init();
    RUN(0x31, 0xc0, 0x0f, 0xa2);
    CHECK(st.regs[R_EAX] >= 1);
    CHECK(st.regs[R_EBX] != 0);

    /* wrmsr SYSENTER_ESP = 0x1234_5678_9abc; rdmsr into edx:eax */
    init();
    RUN(0xb9, D32(MSR_IA32_SYSENTER_ESP), 0xb8, D32(0x56789abc), 0xba,
        D32(0x1234), 0x0f, 0x30, 0x31, 0xc0, 0x31, 0xd2, 0x0f, 0x32);
    CHECK_EQ(st.regs[R_EAX], 0x56789abc);
    CHECK_EQ(st.regs[R_EDX], 0x1234);
    /* IA32_BIOS_SIGN_ID takes a write; IA32_PLATFORM_ID reads (Linux's
     * early microcode check uses plain WRMSR/RDMSR on them) */
    init();
    RUN(0xb9, D32(0x8b), 0x31, 0xc0, 0x31, 0xd2, 0x0f, 0x30, 0xb9, D32(0x17),
        0x0f, 0x32);
    /* an unknown MSR: #GP(0) */
    init();
    st.regs[R_ECX] = 0x12345;
    RUN_EXC(EXCP0D_GPF, 0x0f, 0x32);
    CHECK_EQ(st.error_code, 0);

    /* rdtsc twice: the second is not below the first */
    init();
    RUN(0x0f, 0x31, 0x89, 0xc6, 0x89, 0xd7, 0x0f, 0x31);
    uint64_t t0 = ((uint64_t)st.regs[R_EDI] << 32) | st.regs[R_ESI];
    uint64_t t1 = ((uint64_t)st.regs[R_EDX] << 32) | st.regs[R_EAX];
    CHECK(t1 >= t0);
}

/* ---- multiply (CF/OF are defined), ARPL ---- */

static void test_mul_arpl(void)
{
    /* mul ecx: EDX:EAX = 0xe_00000000 -> CF = OF = 1 */
    init();
    st.regs[R_EAX] = 0x1c;
    st.regs[R_ECX] = 0x80000000;
    RUN(0xf7, 0xe1);
    CHECK_EQ(st.regs[R_EDX], 0xe);
    CHECK_EQ(st.regs[R_EAX], 0);
    CHECK_EQ(st.eflags & (CC_C | CC_O), CC_C | CC_O);
    /* imul ecx: -2 * 3 fits -> CF = OF = 0 */
    init();
    st.regs[R_EAX] = 0xfffffffe;
    st.regs[R_ECX] = 3;
    st.eflags = 2 | CC_C | CC_O;
    RUN(0xf7, 0xe9);
    CHECK_EQ(st.regs[R_EDX], 0xffffffff);
    CHECK_EQ(st.regs[R_EAX], 0xfffffffa);
    CHECK_EQ(st.eflags & (CC_C | CC_O), 0);
    /* mul cx: DX:AX, overflow into DX */
    init();
    st.regs[R_EAX] = 0xffff8000;
    st.regs[R_ECX] = 4;
    st.regs[R_EDX] = 0xabcd0000;
    RUN(0x66, 0xf7, 0xe1);
    CHECK_EQ(st.regs[R_EAX], 0xffff0000);
    CHECK_EQ(st.regs[R_EDX], 0xabcd0002);
    CHECK_EQ(st.eflags & (CC_C | CC_O), CC_C | CC_O);

    /* arpl cx, dx: RPL 1 < 3 -> cx.RPL = 3, ZF; then again: ZF = 0 */
    init();
    st.regs[R_ECX] = 0x12340041;
    st.regs[R_EDX] = 0x0003;
    RUN(0x63, 0xd1);
    CHECK_EQ(st.regs[R_ECX], 0x12340043);
    CHECK(st.eflags & CC_Z);
    init();
    st.regs[R_ECX] = 0x0043;
    st.regs[R_EDX] = 0x0002;
    st.eflags = 2 | CC_Z;
    RUN(0x63, 0xd1);
    CHECK_EQ(st.regs[R_ECX], 0x0043);
    CHECK(!(st.eflags & CC_Z));
    /* real mode: #UD */
    x86h_state_init(&st, X86H_REAL);
    RUN_EXC(EXCP06_ILLOP, 0x63, 0xd1);
}

/* ---- debug registers, RDPMC, INT1 ---- */

static void test_dr_misc(void)
{
    /* mov dr0, eax; mov dr7, ecx; mov edx, dr0; mov esi, dr7; mov edi, dr6
     * (DR6/DR7 read their fixed bits) */
    init();
    st.regs[R_EAX] = 0x12345678;
    st.regs[R_ECX] = 0;
    RUN(0x0f, 0x23, 0xc0, 0x0f, 0x23, 0xf9, 0x0f, 0x21, 0xc2, 0x0f, 0x21,
        0xfe, 0x0f, 0x21, 0xf7);
    CHECK_EQ(st.regs[R_EDX], 0x12345678);
    CHECK_EQ(st.regs[R_ESI], 0x400);
    CHECK_EQ(st.regs[R_EDI], 0xffff0ff0);
    /* DR4 with CR4.DE: #UD */
    init();
    static const uint8_t de[] = {
        0x0f, 0x20, 0xe0, 0x0c, 0x08, 0x0f, 0x22, 0xe0,  /* cr4 |= DE */
        0x0f, 0x21, 0xe0,                                /* mov eax, dr4 */
    };
    x86h_run(&st, X86H_CODE, de, sizeof(de));
    CHECK_EQ(st.exception, EXCP06_ILLOP);
    CHECK_EQ(st.fault_eip, X86H_CODE + 8);
    /* mov eax, cr1: #UD */
    init();
    RUN_EXC(EXCP06_ILLOP, 0x0f, 0x20, 0xc8);

    /* rdpmc ecx = 0 -> 0; ecx = 2 -> #GP */
    init();
    st.regs[R_EAX] = st.regs[R_EDX] = 0x5555;
    RUN(0x0f, 0x33);
    CHECK_EQ(st.regs[R_EAX], 0);
    CHECK_EQ(st.regs[R_EDX], 0);
    init();
    st.regs[R_ECX] = 2;
    RUN_EXC(EXCP0D_GPF, 0x0f, 0x33);

    /* int1 (F1): #DB trap, return address after it */
    init();
    x86h_run(&st, X86H_CODE, (const uint8_t[]){0x90, 0xf1}, 2);
    CHECK_EQ(st.exception, EXCP01_DB);
    CHECK_EQ(st.fault_eip, X86H_CODE + 2);
}

/* ---- the opcode tables dispatch to the generators ---- */

static void check_entry(const X86OpEntry *e)
{
    if (e->mnem == M_INVALID) {
        CHECK(e->gen == NULL);
    } else {
        CHECK(e->mnem < M_NB);
        CHECK(e->gen != NULL);
    }
}

static void test_dispatch_tables(void)
{
    for (int i = 0; i < 256; i++) {
        check_entry(&x86_opcodes[i]);
        check_entry(&x86_opcodes_0f[i]);
    }
    for (int g = 0; g < GRP_NB; g++) {
        for (int r = 0; r < 8; r++) {
            check_entry(&x86_groups[g][r]);
        }
    }
    /* the generator is the mnemonic's */
    CHECK(x86_opcodes[0x00].gen == gen_ALU);
    CHECK(x86_opcodes_0f[0xa4].gen == gen_SHLD);
    CHECK(x86_opcodes_0f[0xad].gen == gen_SHRD);
    CHECK(x86_groups[GRP5][2].gen == gen_CALLI);
    CHECK(x86_opcodes[0xd8].gen == gen_FPU);
}

/* ---- x87 and SSE through the frontend ---- */

static void test_x87_route(void)
{
    /* fninit; fld1; fstp dword [MEM] */
    init();
    RUN(0xdb, 0xe3, 0xd9, 0xe8, 0xd9, 0x1d, D32(MEM));
    CHECK_EQ(ldl_le_p(ram + MEM), 0x3f800000);

    /* fild dword [MEM]; fadd st0, st0; fistp dword [MEM + 4]; fwait */
    init();
    stl_le_p(ram + MEM, 21);
    RUN(0xdb, 0xe3, 0xdb, 0x05, D32(MEM), 0xd8, 0xc0, 0xdb, 0x1d,
        D32(MEM + 4), 0x9b);
    CHECK_EQ(ldl_le_p(ram + MEM + 4), 42);

    /* fld1; fldz; fcomi st0, st1 (0 < 1: CF); setb al; fnstsw ax is
     * after: ah gets the status word's high byte (TOP = 6) */
    init();
    st.regs[R_EAX] = 0;
    RUN(0xdb, 0xe3, 0xd9, 0xe8, 0xd9, 0xee, 0xdb, 0xf1, 0x0f, 0x92, 0xc1,
        0xdf, 0xe0);
    CHECK_EQ(st.regs[R_ECX] & 0xff, 1);
    CHECK_EQ(st.eflags & (CC_C | CC_Z | CC_P), CC_C);
    CHECK_EQ((st.regs[R_EAX] >> 11) & 7, 6);

    /* CR0.TS: fld1 raises #NM at the fld1 */
    init();
    static const uint8_t ts[] = {
        0x0f, 0x20, 0xc0, 0x0c, 0x08, 0x0f, 0x22, 0xc0,  /* cr0 |= TS */
        0xd9, 0xe8,                                      /* fld1 */
    };
    x86h_run(&st, X86H_CODE, ts, sizeof(ts));
    CHECK_EQ(st.exception, EXCP07_PREX);
    CHECK_EQ(st.fault_eip, X86H_CODE + 8);
    /* ... and so does EMMS; clts makes both work again */
    static const uint8_t ts2[] = {
        0x0f, 0x20, 0xc0, 0x0c, 0x08, 0x0f, 0x22, 0xc0,  /* cr0 |= TS */
        0x0f, 0x77,                                      /* emms */
    };
    init();
    x86h_run(&st, X86H_CODE, ts2, sizeof(ts2));
    CHECK_EQ(st.exception, EXCP07_PREX);
    CHECK_EQ(st.fault_eip, X86H_CODE + 8);
    init();
    RUN(0x0f, 0x20, 0xc0, 0x0c, 0x08, 0x0f, 0x22, 0xc0, 0x0f, 0x06,
        0x0f, 0x77, 0xd9, 0xe8);
    /* lock fld1: #UD */
    init();
    RUN_EXC(EXCP06_ILLOP, 0xf0, 0xd9, 0xe8);
}

static void test_sse_route(void)
{
    /* movd xmm1, eax; movd ecx, xmm1 */
    init();
    st.regs[R_EAX] = 0x12345678;
    RUN(0x66, 0x0f, 0x6e, 0xc8, 0x66, 0x0f, 0x7e, 0xc9);
    CHECK_EQ(st.regs[R_ECX], 0x12345678);

    /* 66 F3 0F 7E: F3 is the mandatory prefix (MOVQ xmm0, [MEM]), not 66
     * (MOVD [MEM], xmm0); then movd eax, xmm0 */
    init();
    stl_le_p(ram + MEM, 0xaabbccdd);
    stl_le_p(ram + MEM + 4, 0x11223344);
    RUN(0x66, 0x0f, 0xef, 0xc0, 0x66, 0xf3, 0x0f, 0x7e, 0x05, D32(MEM),
        0x66, 0x0f, 0x7e, 0xc0);
    CHECK_EQ(st.regs[R_EAX], 0xaabbccdd);
    CHECK_EQ(ldl_le_p(ram + MEM), 0xaabbccdd);

    /* pshufd xmm1, [MEM], 0x1b (imm8 after the displacement) */
    init();
    for (int i = 0; i < 4; i++) {
        stl_le_p(ram + MEM + 4 * i, 0x100 + i);
    }
    RUN(0x66, 0x0f, 0x70, 0x0d, D32(MEM), 0x1b, 0x66, 0x0f, 0x7e, 0xc8);
    CHECK_EQ(st.regs[R_EAX], 0x103);

    /* ldmxcsr [MEM]; stmxcsr [MEM + 4] */
    init();
    stl_le_p(ram + MEM, 0x7f80);
    RUN(0x0f, 0xae, 0x15, D32(MEM), 0x0f, 0xae, 0x1d, D32(MEM + 4));
    CHECK_EQ(ldl_le_p(ram + MEM + 4), 0x7f80);
    /* a reserved MXCSR bit: #GP(0) */
    init();
    stl_le_p(ram + MEM, 0x10000);
    RUN_EXC(EXCP0D_GPF, 0x0f, 0xae, 0x15, D32(MEM));

    /* fninit; fxsave [MEM]: FCW 037F at +0, MXCSR at +24 */
    init();
    memset(ram + MEM, 0xcc, 512);
    RUN(0xdb, 0xe3, 0x0f, 0xae, 0x05, D32(MEM));
    CHECK_EQ(ldw_le_p(ram + MEM), 0x037f);
    CHECK_EQ(ldl_le_p(ram + MEM + 24), x86h_env()->mxcsr);
    /* misaligned: #GP(0) */
    init();
    RUN_EXC(EXCP0D_GPF, 0x0f, 0xae, 0x05, D32(MEM + 8));
}

/* ---- restart after a store fault ---- */

/*
 * A store that faults (here a supervisor write to a read-only page with
 * CR0.WP; in Linux a copy-on-write page) restarts the instruction, so the
 * exception must see the state from before it (SDM vol. 3, 6.5 "faults"):
 * the carry ADC/SBB/RCL/RCR read, and ESP for POP r/m.  Each run turns
 * on paging with an identity map in which page RO is read-only.
 */
#define PT_DIR 0x100000u
#define PT_TAB 0x101000u
#define RO 0x6000u
#define PG_PROLOGUE_LEN 19

static void run_paged(const uint8_t *body, size_t n, uint32_t mem)
{
    static const uint8_t prologue[PG_PROLOGUE_LEN] = {
        0xb8, D32(PT_DIR),              /* mov eax, PT_DIR */
        0x0f, 0x22, 0xd8,               /* mov cr3, eax */
        0x0f, 0x20, 0xc0,               /* mov eax, cr0 */
        0x0d, D32(0x80010000u),         /* or eax, PG | WP */
        0x0f, 0x22, 0xc0,               /* mov cr0, eax */
    };
    uint8_t code[64];
    if (n + sizeof(prologue) > sizeof(code)) {
        CHECK(false);
        return;
    }
    memcpy(code, prologue, sizeof(prologue));
    memcpy(code + sizeof(prologue), body, n);
    stl_le_p(ram + PT_DIR, PT_TAB | 3);
    for (uint32_t i = 0; i < 1024; i++) {
        stl_le_p(ram + PT_TAB + 4 * i, (i << 12) | (i == RO >> 12 ? 1 : 3));
    }
    stl_le_p(ram + RO, mem);
    x86h_state_init(&st, X86H_PM32);
    x86h_run(&st, X86H_CODE, code, sizeof(prologue) + n);
    CHECK_EQ(st.exception, EXCP0E_PAGE);
    CHECK_EQ(st.error_code, 3);         /* present, write, supervisor */
    CHECK_EQ(ldl_le_p(ram + RO), mem);
}

#define PORT_RD_COUNT 0x1234u
static int port_reads;

static uint64_t port_count_read(void *opaque, uint64_t addr, unsigned size)
{
    port_reads++;
    return 0x5a;
}

static void port_count_write(void *opaque, uint64_t addr, uint64_t data,
                             unsigned size)
{
}

static void test_store_fault_restart(void)
{
    static const uint8_t adc[] = {
        0xb8, D32(0x20), 0xf9,              /* mov eax, 0x20; stc */
        0x11, 0x05, D32(RO),                /* adc [RO], eax */
    };
    static const uint8_t sbb[] = {
        0xb8, D32(1), 0xf9,                 /* mov eax, 1; stc */
        0x19, 0x05, D32(RO),                /* sbb [RO], eax */
    };
    static const uint8_t rcl[] = {
        0xf9, 0xd1, 0x15, D32(RO),          /* stc; rcl dword [RO], 1 */
    };
    static const uint8_t rcr[] = {
        0xb9, D32(1), 0xf9,                 /* mov ecx, 1; stc */
        0xd3, 0x1d, D32(RO),                /* rcr dword [RO], cl */
    };
    static const uint8_t pop[] = {
        0x68, D32(0x12345678),              /* push 0x12345678 */
        0x8f, 0x05, D32(RO),                /* pop dword [RO] */
    };
    /* Without the fault, each would clear CF (no carry out). */
    run_paged(adc, sizeof(adc), 0x10);
    CHECK_EQ(st.fault_eip, X86H_CODE + PG_PROLOGUE_LEN + 6);
    CHECK_EQ(st.eflags & CC_C, CC_C);
    run_paged(sbb, sizeof(sbb), 0x10);
    CHECK_EQ(st.fault_eip, X86H_CODE + PG_PROLOGUE_LEN + 6);
    CHECK_EQ(st.eflags & CC_C, CC_C);
    run_paged(rcl, sizeof(rcl), 1);
    CHECK_EQ(st.fault_eip, X86H_CODE + PG_PROLOGUE_LEN + 1);
    CHECK_EQ(st.eflags & CC_C, CC_C);
    run_paged(rcr, sizeof(rcr), 0x10);
    CHECK_EQ(st.fault_eip, X86H_CODE + PG_PROLOGUE_LEN + 6);
    CHECK_EQ(st.eflags & CC_C, CC_C);
    run_paged(pop, sizeof(pop), 0);
    CHECK_EQ(st.fault_eip, X86H_CODE + PG_PROLOGUE_LEN + 5);
    CHECK_EQ(st.regs[R_ESP], X86H_STACK - 4);

    /* INSB into the read-only page: the port is not read (its data would
     * be lost when the instruction restarts). */
    static const uint8_t ins[] = {
        0xbf, D32(RO),                      /* mov edi, RO */
        0xba, D32(PORT_RD_COUNT),           /* mov edx, port */
        0x6c,                               /* insb */
    };
    static MemoryRegion port_mr;
    static const MemoryRegionOps port_ops = {
        .read = port_count_read,
        .write = port_count_write,
        .valid = {1, 4},
        .impl = {1, 4},
    };
    memory_region_init_io(&port_mr, &port_ops, NULL, "test-count", 1);
    memory_region_add_subregion(current_machine->sysio, PORT_RD_COUNT,
                                &port_mr);
    port_reads = 0;
    run_paged(ins, sizeof(ins), 0x11223344);
    CHECK_EQ(st.fault_eip, X86H_CODE + PG_PROLOGUE_LEN + 10);
    CHECK_EQ(port_reads, 0);
    memory_region_del_subregion(current_machine->sysio, &port_mr);

    /* Paging off again, and a CR3 write flushes the TLB for later tests. */
    x86h_state_init(&st, X86H_PM32);
    RUN(0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8);
}

/* ---- protected-mode segment checks (SDM vol. 3, 5.3 and 5.4) ---- */

/* mov dword [GDT + idx*8], e1 ; mov dword [GDT + idx*8 + 4], e2 */
static int put_desc(uint8_t *code, int idx, uint32_t base, uint32_t limit,
                    uint32_t attrs)
{
    uint32_t e1, e2, a = X86H_GDT + idx * 8;
    x86h_make_desc(base, limit, attrs, &e1, &e2);
    code[0] = 0xc7;
    code[1] = 0x05;
    stl_le_p(code + 2, a);
    stl_le_p(code + 6, e1);
    code[10] = 0xc7;
    code[11] = 0x05;
    stl_le_p(code + 12, a + 4);
    stl_le_p(code + 16, e2);
    return 20;
}

/*
 * GDT 0x40: data RW, base 0x100000, limit 0xfff; 0x48: data read-only,
 * 4 GiB; 0x50: data RW expand-down (B), limit 0xfff; 0x58: data RW, base
 * 0, limit 0x7ffff (a stack; the harness's handlers need flat DS and a
 * base-0 SS); 0x60: data RW expand-down (B), base 0, limit 0x5fff.  Load
 * sel into sreg (mov ax, sel; mov sreg, ax), set ESP, then run insn: vec
 * -1 = no fault, -2 = shutdown (a #SS whose delivery faults on the same
 * stack), else that vector with error code 0 at insn + skip.
 */
static void seg_case(uint16_t sel, int sreg, uint32_t esp,
                     const uint8_t *insn, size_t n, int vec, int skip)
{
    const uint32_t P = DESC_P_MASK, S = DESC_S_MASK, W = DESC_W_MASK;
    uint8_t code[160];
    int k = 0;
    k += put_desc(code + k, 8, 0x100000, 0xfff, P | S | W | DESC_B_MASK);
    k += put_desc(code + k, 9, 0, 0xffffffff, P | S | DESC_B_MASK);
    k += put_desc(code + k, 10, 0, 0xfff,
                  P | S | W | DESC_E_MASK | DESC_B_MASK);
    k += put_desc(code + k, 11, 0, 0x7ffff, P | S | W | DESC_B_MASK);
    k += put_desc(code + k, 12, 0, 0x5fff,
                  P | S | W | DESC_E_MASK | DESC_B_MASK);
    code[k++] = 0x66;                   /* mov ax, sel */
    code[k++] = 0xb8;
    code[k++] = sel & 0xff;
    code[k++] = sel >> 8;
    code[k++] = 0x8e;                   /* mov sreg, ax */
    code[k++] = 0xc0 | sreg << 3;
    code[k++] = 0xbc;                   /* mov esp, imm32 */
    stl_le_p(code + k, esp);
    k += 4;
    int at = k + skip;
    memcpy(code + k, insn, n);
    k += n;
    init();
    bool halted = x86h_run(&st, X86H_CODE, code, k);
    if (vec == -2) {
        if (halted || st.halted) {
            test_fail(__FILE__, __LINE__, "sel %04x insn %02x: no shutdown",
                      sel, insn[0]);
        }
        return;
    }
    if (st.exception != vec || (vec >= 0 && (st.error_code != 0 ||
                                             st.fault_eip != X86H_CODE + at))) {
        test_fail(__FILE__, __LINE__,
                  "sel %04x sreg %d insn %02x %02x: exception %d err %x "
                  "eip %x, want %d", sel, sreg, insn[0], n > 1 ? insn[1] : 0,
                  st.exception, st.error_code, st.fault_eip, vec);
    }
}

#define SEG_CASE(sel, sreg, esp, vec, ...)                                   \
    do {                                                                     \
        static const uint8_t i_[] = {__VA_ARGS__};                           \
        seg_case(sel, sreg, esp, i_, sizeof(i_), vec, 0);                    \
    } while (0)
#define SEG_CASE_AT(skip, sel, sreg, esp, vec, ...)                          \
    do {                                                                     \
        static const uint8_t i_[] = {__VA_ARGS__};                           \
        seg_case(sel, sreg, esp, i_, sizeof(i_), vec, skip);                 \
    } while (0)

static void test_seg_checks(void)
{
    /* small limit (FS, ES): the last dword fits, one byte more does not */
    SEG_CASE(0x40, R_FS, X86H_STACK, -1, 0x64, 0x8b, 0x05, D32(0xffc));
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x8b, 0x05,
             D32(0xffd));
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x8a, 0x05,
             D32(0x1000));
    SEG_CASE(0x40, R_ES, X86H_STACK, EXCP0D_GPF, 0x26, 0x89, 0x05,
             D32(0x2000));                      /* mov es:[..], eax */
    SEG_CASE_AT(5, 0x40, R_ES, X86H_STACK, EXCP0D_GPF, 0xbf, D32(0xffe),
                0xab);                          /* mov edi; stosd */
    SEG_CASE(0x40, R_ES, X86H_STACK, -1, 0xbf, D32(0xffc), 0xab);
    /* SS: #SS(0), for [esp] and [ebp] forms and PUSH */
    SEG_CASE(0x58, R_SS, 0x7fffc, -1, 0x8b, 0x04, 0x24); /* mov eax,[esp] */
    SEG_CASE(0x58, R_SS, 0x7fffc, EXCP0C_STACK, 0x8b, 0x44, 0x24, 0x01);
    SEG_CASE(0x58, R_SS, 0x60000, EXCP0C_STACK, 0x8b, 0x84, 0x24,
             D32(0x20000));                     /* mov eax, [esp+0x20000] */
    SEG_CASE_AT(5, 0x58, R_SS, 0x60000, EXCP0C_STACK, 0xbd, D32(0x7fffe),
                0x8b, 0x45, 0x00);              /* mov ebp; mov eax,[ebp] */
    SEG_CASE(0x58, R_SS, 0x60000, -1, 0x8b, 0x05, D32(0x7fffc));  /* DS */
    /* read-only data: reads fine, writes #GP(0) */
    SEG_CASE(0x48, R_FS, X86H_STACK, -1, 0x64, 0x8b, 0x05, D32(MEM));
    SEG_CASE(0x48, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x89, 0x05,
             D32(MEM));
    SEG_CASE(0x48, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x01, 0x05,
             D32(MEM));                         /* add fs:[..], eax */
    /* expand-down, limit 0xfff: offsets 0x1000..0xffffffff */
    SEG_CASE(0x50, R_GS, X86H_STACK, -1, 0x65, 0x8b, 0x05, D32(MEM));
    SEG_CASE(0x50, R_GS, X86H_STACK, -1, 0x65, 0x89, 0x05, D32(0x1000));
    SEG_CASE(0x50, R_GS, X86H_STACK, EXCP0D_GPF, 0x65, 0x8b, 0x05,
             D32(0xfff));
    SEG_CASE(0x50, R_GS, X86H_STACK, EXCP0D_GPF, 0x65, 0x8a, 0x05,
             D32(0x10));
    SEG_CASE(0x50, R_GS, X86H_STACK, EXCP0D_GPF, 0x65, 0x8b, 0x05,
             D32(0xfffffffe));                  /* past the 4 GiB top */
    /* a null selector in ES, FS: any access #GP(0) */
    SEG_CASE(0x00, R_ES, X86H_STACK, -1, 0x90);
    SEG_CASE(0x00, R_ES, X86H_STACK, EXCP0D_GPF, 0x26, 0x8b, 0x05,
             D32(MEM));
    SEG_CASE(0x00, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x88, 0x05,
             D32(MEM));
    /* a write through CS (code segment) */
    SEG_CASE(0x10, R_FS, X86H_STACK, EXCP0D_GPF, 0x2e, 0x89, 0x05,
             D32(MEM));
    /* DS flat again after a checked load in the same block */
    SEG_CASE(0x40, R_DS, X86H_STACK, -1, 0x66, 0xb8, 0x10, 0x00,
             0x8e, 0xd8, 0x89, 0x05, D32(0x200000));
}
/*
 * Accesses that do not go through the ordinary operand path: x87 operands
 * (all sizes, FNSAVE's 108 bytes), XLAT, BOUND, far pointers, PUSHA,
 * ENTER.  Same descriptors as seg_case.
 */
static void test_seg_checks_special(void)
{
    /* XLAT: fs:[ebx + al], AL = 0x40 (the selector seg_case loaded) */
    SEG_CASE(0x40, R_FS, X86H_STACK, -1, 0xbb, D32(0xfbf), 0x64, 0xd7);
    SEG_CASE_AT(5, 0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0xbb, D32(0xfc0),
                0x64, 0xd7);
    /* BOUND eax, fs:[..]: 8 bytes (zero there, as test_seg_checks's
     * STOSD left them: no #BR) */
    SEG_CASE(0x40, R_FS, X86H_STACK, -1, 0x64, 0x62, 0x05, D32(0xff8));
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x62, 0x05,
             D32(0xffc));
    /* x87: FS limit 0xfff; m32 at 0xffc fits, m64 and m80 do not */
    SEG_CASE(0x40, R_FS, X86H_STACK, -1, 0x64, 0xd9, 0x05, D32(0xffc));
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0xdd, 0x05,
             D32(0xffc));                       /* fld qword fs:[0xffc] */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0xdb, 0x2d,
             D32(0xff8));                       /* fld tword fs:[0xff8] */
    SEG_CASE(0x40, R_FS, X86H_STACK, -1, 0x64, 0xdd, 0x35,
             D32(0xf94));                       /* fnsave fs:[0xf94] */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0xdd, 0x35,
             D32(0xf95));
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0xd9, 0x35,
             D32(0xfe5));                       /* fnstenv: 28 bytes */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0xdf, 0x05,
             D32(0xfff));                       /* fild word */
    /* x87 stores through read-only FS; loads are fine */
    SEG_CASE(0x48, R_FS, X86H_STACK, -1, 0x64, 0xdd, 0x05, D32(MEM));
    SEG_CASE_AT(2, 0x48, R_FS, X86H_STACK, EXCP0D_GPF, 0xd9, 0xee, 0x64,
                0xd9, 0x1d, D32(MEM));          /* fldz; fstp dword */
    SEG_CASE(0x48, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0xd9, 0x3d,
             D32(MEM));                         /* fnstcw */
    /* FXSAVE / FXRSTOR (512 bytes), LDMXCSR / STMXCSR */
    SEG_CASE(0x40, R_FS, X86H_STACK, -1, 0x64, 0x0f, 0xae, 0x05,
             D32(0xe00));                       /* fxsave fs:[0xe00] */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x0f, 0xae, 0x05,
             D32(0xe10));
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x0f, 0xae, 0x0d,
             D32(0xe10));                       /* fxrstor */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x0f, 0xae, 0x15,
             D32(0xffd));                       /* ldmxcsr */
    SEG_CASE(0x48, R_FS, X86H_STACK, -1, 0x64, 0x0f, 0xae, 0x15, D32(MEM));
    SEG_CASE(0x48, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x0f, 0xae, 0x1d,
             D32(MEM));                         /* stmxcsr */
    /* MMX/SSE operands of each size against FS's limit 0xfff, and stores
     * through read-only FS */
    SEG_CASE(0x40, R_FS, X86H_STACK, -1, 0x64, 0x66, 0x0f, 0x6e, 0x05,
             D32(0xffc));                       /* movd xmm0, fs:[0xffc] */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0xf3, 0x0f, 0x7e,
             0x05, D32(0xffc));                 /* movq xmm0: 8 bytes */
    SEG_CASE(0x40, R_FS, X86H_STACK, -1, 0x64, 0xf3, 0x0f, 0x6f, 0x05,
             D32(0xff0));                       /* movdqu: 16 bytes fit */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0xf3, 0x0f, 0x6f,
             0x05, D32(0xff1));
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x0f, 0x6f, 0x05,
             D32(0xffc));                       /* movq mm0: 8 bytes */
    SEG_CASE(0x48, R_FS, X86H_STACK, -1, 0x64, 0xf3, 0x0f, 0x6f, 0x05,
             D32(MEM));                         /* load via read-only */
    SEG_CASE(0x48, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0xf3, 0x0f, 0x7f,
             0x05, D32(MEM));                   /* movdqu store */
    /* x87 through SS: #SS(0) */
    SEG_CASE(0x58, R_SS, 0x7fffc, -1, 0xd9, 0x04, 0x24);
    SEG_CASE(0x58, R_SS, 0x7fffc, EXCP0C_STACK, 0xdd, 0x04, 0x24);
    /* far pointers: the selector half past the limit */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0xc4, 0x05,
             D32(0xffc));                       /* les eax, fs:[0xffc] */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0xff, 0x2d,
             D32(0xffb));                       /* jmp far fs:[0xffb] */
    /* PUSHA / POPA: SS limit 0x7ffff, and expand-down from 0x6000 */
    SEG_CASE(0x58, R_SS, 0x80000, -1, 0x60);
    SEG_CASE(0x60, R_SS, 0x6020, -1, 0x60);
    SEG_CASE(0x60, R_SS, 0x6018, EXCP0C_STACK, 0x60);
    SEG_CASE(0x58, R_SS, 0x7ffe0, -1, 0x61);
    SEG_CASE(0x58, R_SS, 0x7ffe4, EXCP0C_STACK, 0x61);
    /* ENTER: the new ESP below an expand-down SS's limit */
    SEG_CASE(0x60, R_SS, 0x6200, -1, 0xc8, 0x00, 0x01, 0x00);
    SEG_CASE(0x60, R_SS, 0x6018, EXCP0C_STACK, 0xc8, 0x00, 0x01, 0x00);
    SEG_CASE(0x60, R_SS, 0x6018, EXCP0C_STACK, 0xc8, 0x00, 0x00, 0x08);
    /* BT/BTS/BTR/BTC m32, ecx: the dword touched is fs:[0xff8] +
     * (ecx >> 5) * 4, checked against the limit 0xfff (and for writes) */
    SEG_CASE_AT(5, 0x40, R_FS, X86H_STACK, -1, 0xb9, D32(32), 0x64, 0x0f,
                0xa3, 0x0d, D32(0xff8));        /* bt fs:[0xff8], ecx */
    SEG_CASE_AT(5, 0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0xb9, D32(64),
                0x64, 0x0f, 0xa3, 0x0d, D32(0xff8));
    SEG_CASE_AT(5, 0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0xb9, D32(64),
                0x64, 0x0f, 0xab, 0x0d, D32(0xff8));    /* bts */
    SEG_CASE_AT(5, 0x40, R_FS, X86H_STACK, -1, 0xb9, D32(-128), 0x64,
                0x0f, 0xb3, 0x0d, D32(0x1008)); /* btr: back to 0xff8 */
    SEG_CASE_AT(5, 0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0xb9, D32(-256),
                0x64, 0x0f, 0xbb, 0x0d, D32(0x10));     /* btc: below 0 */
    SEG_CASE_AT(4, 0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x66, 0xb9, 0x10,
                0x00, 0x64, 0x66, 0x0f, 0xa3, 0x0d,
                D32(0xffe));                    /* bt word, cx = 16 */
    SEG_CASE_AT(5, 0x48, R_FS, X86H_STACK, -1, 0xb9, D32(0), 0x64, 0x0f,
                0xa3, 0x0d, D32(MEM));          /* bt via read-only */
    SEG_CASE_AT(5, 0x48, R_FS, X86H_STACK, EXCP0D_GPF, 0xb9, D32(0), 0x64,
                0x0f, 0xab, 0x0d, D32(MEM));    /* bts via read-only */
    /* SGDT/SIDT/LGDT/LIDT: 6 bytes; SGDT/SIDT write */
    SEG_CASE(0x40, R_FS, X86H_STACK, -1, 0x64, 0x0f, 0x01, 0x05,
             D32(0xffa), 0x64, 0x0f, 0x01, 0x15,
             D32(0xffa));                       /* sgdt; lgdt fs:[0xffa] */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x0f, 0x01, 0x05,
             D32(0xffb));                       /* sgdt fs:[0xffb] */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x0f, 0x01, 0x0d,
             D32(0xffb));                       /* sidt */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x0f, 0x01, 0x15,
             D32(0xffb));                       /* lgdt */
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x0f, 0x01, 0x1d,
             D32(0xffb));                       /* lidt */
    SEG_CASE(0x48, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x0f, 0x01, 0x05,
             D32(MEM));                         /* sgdt via read-only */
    /* CMPXCHG8B writes its operand even when the compare fails */
    SEG_CASE_AT(10, 0x48, R_FS, X86H_STACK, EXCP0D_GPF, 0xb8,
                D32(0x12345678), 0xba, D32(0x9abcdef0), 0x64, 0x0f, 0xc7,
                0x0d, D32(MEM));
    SEG_CASE(0x40, R_FS, X86H_STACK, -1, 0x64, 0x0f, 0xc7, 0x0d,
             D32(0xff8));
    SEG_CASE(0x40, R_FS, X86H_STACK, EXCP0D_GPF, 0x64, 0x0f, 0xc7, 0x0d,
             D32(0xffc));
    /* near and far RET beyond the limit */
    SEG_CASE(0x58, R_SS, 0x7fffe, EXCP0C_STACK, 0xc3);
    SEG_CASE(0x58, R_SS, 0x7fffc, EXCP0C_STACK, 0xcb);  /* retf */
    /* near and far CALL: the #SS frame itself does not fit either */
    SEG_CASE(0x58, R_SS, 0x80004, -2, 0xe8, D32(0));
    SEG_CASE(0x58, R_SS, 0x80004, -2, 0x9a, D32(0), X86H_SEL_CODE32, 0x00);
}

/*
 * PUSHA checks both ends before it stores anything: SS expand-down with
 * limit 0x5fff (offsets 0x6000 up), ESP 0x6018: the ESI slot at 0x5ffc
 * is out, the EBP slot at 0x6000 (below the #SS frame) must stay as it
 * was.
 */
static void test_pusha_atomic(void)
{
    uint8_t code[64];
    int k = put_desc(code, 12, 0, 0x5fff, DESC_P_MASK | DESC_S_MASK |
                     DESC_W_MASK | DESC_E_MASK | DESC_B_MASK);
    static const uint8_t rest[] = {
        0x66, 0xb8, 0x60, 0x00, 0x8e, 0xd0,     /* mov ss, 0x60 */
        0xbc, D32(0x6018),                      /* mov esp, 0x6018 */
        0xbd, D32(0x12345678),                  /* mov ebp, 0x12345678 */
        0x60,                                   /* pusha */
    };
    memcpy(code + k, rest, sizeof(rest));
    k += sizeof(rest);
    init();
    stl_le_p(ram + 0x6000, 0xaaaa5555);
    x86h_run(&st, X86H_CODE, code, k);
    CHECK_EQ(st.exception, EXCP0C_STACK);
    CHECK_EQ(st.fault_eip, X86H_CODE + k - 1);
    CHECK_EQ(ldl_le_p(ram + 0x6000), 0xaaaa5555);
}

/* ---- faults test386 found (one test each) ---- */

/* mov ax, 0x20 (16-bit flat data); mov ss, ax; mov esp, 0x18000 */
#define SS16_ESP_18000 0x66, 0xb8, 0x20, 0x00, 0x8e, 0xd0, 0xbc, D32(0x18000)

/* PUSHAD on a 16-bit stack stores all of ESP (SDM PUSHA/PUSHAD: Temp <-
 * ESP by operand size, whatever the stack size); PUSHA stores SP. */
static void test_pushad_ss16(void)
{
    init();
    RUN(SS16_ESP_18000, 0x60);
    CHECK_EQ(st.regs[R_ESP], 0x17fe0);
    CHECK_EQ(ldl_le_p(ram + 0x7fec), 0x18000);
    init();
    RUN(SS16_ESP_18000, 0x66, 0x60);
    CHECK_EQ(st.regs[R_ESP], 0x17ff0);
    CHECK_EQ(ldw_le_p(ram + 0x7ff6), 0x8000);
}

/* ARPL to memory writes only when it raises the RPL: an unchanged
 * selector in a read-only segment is no #GP; a change there is #GP(0)
 * with memory and ZF as they were. */
static void test_arpl_readonly(void)
{
    uint8_t code[64];
    int k = put_desc(code, 12, 0, 0xffffffff,
                     DESC_P_MASK | DESC_S_MASK | DESC_B_MASK);
    static const uint8_t rest[] = {
        0x66, 0xb8, 0x60, 0x00, 0x8e, 0xc0,     /* mov es, 0x60 */
        0x26, 0x63, 0x15, D32(MEM),             /* arpl es:[MEM], dx */
    };
    memcpy(code + k, rest, sizeof(rest));
    k += sizeof(rest);
    init();
    stl_le_p(ram + MEM, 0x0043);
    st.regs[R_EDX] = 2;
    st.eflags = 2 | CC_Z;
    CHECK(x86h_run(&st, X86H_CODE, code, k));
    CHECK_EQ(st.exception, -1);
    CHECK(!(st.eflags & CC_Z));
    CHECK_EQ(ldl_le_p(ram + MEM), 0x0043);
    init();
    stl_le_p(ram + MEM, 0x0041);
    st.regs[R_EDX] = 3;
    x86h_run(&st, X86H_CODE, code, k);
    CHECK_EQ(st.exception, EXCP0D_GPF);
    CHECK_EQ(st.error_code, 0);
    CHECK_EQ(st.fault_eip, X86H_CODE + k - 7);
    CHECK(!(st.eflags & CC_Z));
    CHECK_EQ(ldl_le_p(ram + MEM), 0x0041);
}

/* A 32-bit ENTER on a 16-bit stack: FrameTemp is ESP after the push
 * with only SP moved, so EBP (and the nested frame pointer) keep ESP's
 * upper word. */
static void test_enter_ss16(void)
{
    init();
    RUN(SS16_ESP_18000, 0xbd, D32(0x12345678), 0xc8, 0x08, 0x00, 0x01);
    CHECK_EQ(st.regs[R_EBP], 0x17ffc);
    CHECK_EQ(st.regs[R_ESP], 0x17ff0);
    CHECK_EQ(ldl_le_p(ram + 0x7ffc), 0x12345678);
    CHECK_EQ(ldl_le_p(ram + 0x7ff8), 0x17ffc);
}

/* ENTER probes its final ESP for a write before storing anything: with
 * the page below the stack read-only (CR0.WP), #PF(P|W) at the ENTER
 * with ESP unchanged (the handler's frame then covers the EBP slot). */
static void test_enter_page_fault(void)
{
    init();
    /* Identity map of 4 MiB, page 8 read-only. */
    stl_le_p(ram + 0x100000, 0x101000 | 7);
    for (uint32_t i = 0; i < 1024; i++) {
        stl_le_p(ram + 0x101000 + i * 4, (i << 12) | (i == 8 ? 1 : 3));
    }
    static const uint8_t code[] = {
        0xb8, D32(0x100000), 0x0f, 0x22, 0xd8,  /* mov cr3, 0x100000 */
        0x0f, 0x20, 0xc0, 0x0d, D32(0x80010000),
        0x0f, 0x22, 0xc0,                       /* CR0 |= PG | WP */
        0xbc, D32(0xa000),                      /* mov esp, 0xa000 */
        0xc8, 0x01, 0x10, 0x00,                 /* enter 0x1001, 0 */
    };
    x86h_run(&st, X86H_CODE, code, sizeof(code));
    CHECK_EQ(st.exception, EXCP0E_PAGE);
    CHECK_EQ(st.error_code, 3); /* P | W, supervisor */
    CHECK_EQ(st.fault_eip, X86H_CODE + sizeof(code) - 4);
    CHECK_EQ((uint32_t)x86h_env()->cr[2], 0x8ffbu);
    CHECK_EQ(st.regs[R_ESP], 0xa000);
}

/* SMSW r32 stores all of CR0 (P6 and later; SMSW r16 the low word). */
static void test_smsw_r32(void)
{
    uint32_t cr0 = CR0_PE_MASK | CR0_ET_MASK | CR0_NE_MASK | CR0_MP_MASK;
    init();
    st.regs[R_EAX] = 0xdeadbeef;
    RUN(0x0f, 0x01, 0xe0);
    CHECK_EQ(st.regs[R_EAX], cr0);
    init();
    st.regs[R_EAX] = 0xdeadbeef;
    RUN(0x66, 0x0f, 0x01, 0xe0);
    CHECK_EQ(st.regs[R_EAX], 0xdead0000 | cr0);
}

/* A task switch to a 16-bit TSS: the general registers' upper words
 * become FFFF and EFLAGS' upper word 0 (386 behaviour, as Bochs). */
static void test_task_switch_tss16(void)
{
    uint8_t code[64];
    int k = put_desc(code, 12, 0x6000, 0x2b,
                     DESC_P_MASK | (1u << DESC_TYPE_SHIFT));
    static const uint8_t rest[] = {
        0xea, D32(0), 0x60, 0x00,               /* jmp far 0x60:0 */
    };
    memcpy(code + k, rest, sizeof(rest));
    k += sizeof(rest);
    init();
    memset(ram + 0x6000, 0, 0x2c);
    stw_le_p(ram + 0x600e, 0x5800);             /* IP: a HLT */
    stw_le_p(ram + 0x6010, 0x0002);             /* FLAGS */
    for (int i = 0; i < 8; i++) {
        stw_le_p(ram + 0x6012 + i * 2, 0x1110 * (i + 1));
    }
    stw_le_p(ram + 0x6022, X86H_SEL_DATA32);    /* ES */
    stw_le_p(ram + 0x6024, X86H_SEL_CODE32);    /* CS */
    stw_le_p(ram + 0x6026, X86H_SEL_DATA32);    /* SS */
    stw_le_p(ram + 0x6028, X86H_SEL_DATA32);    /* DS */
    ram[0x5800] = 0xf4;
    for (int i = 0; i < 8; i++) {
        st.regs[i] = 0x12340000;
    }
    st.regs[R_ESP] = X86H_STACK;
    st.eflags = 2 | AC_MASK;
    CHECK(x86h_run(&st, X86H_CODE, code, k));
    CHECK_EQ(st.exception, -1);
    CHECK_EQ(st.eip, 0x5801);
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(st.regs[i], 0xffff0000u | (0x1110u * (i + 1)));
    }
    CHECK_EQ(st.eflags & 0xffff0000u, 0);
}

/* ---- stack limit in the helpers' real and V86 mode stack accesses ---- */

/* Real mode, SP = FFFF: RETF and IRET pop a word at FFFF, past SS's
 * limit: #SS (the handler's frame fits below). */
static void test_real_stack_limit(void)
{
    x86h_state_init(&st, X86H_REAL);
    st.regs[R_ESP] = 0xffff;
    RUN_EXC(EXCP0C_STACK, 0xcb);                /* retf */
    x86h_state_init(&st, X86H_REAL);
    st.regs[R_ESP] = 0xffff;
    RUN_EXC(EXCP0C_STACK, 0xcf);                /* iret */
    x86h_state_init(&st, X86H_REAL);
    st.regs[R_ESP] = 0xffff;
    RUN_EXC(EXCP0C_STACK, 0x66, 0xcb);          /* o32 retf */
}

/*
 * V86 mode (IOPL 3, SS = 0x3000): run v86 code at CS 0x1000 with SP sp;
 * expect #SS(0) at its first instruction with SP unchanged.  The #SS
 * handler at 0x5800 loads a flat DS first (V86 entry nulls DS) and then
 * records the vector as the harness's handlers do.
 */
static void v86_stack_case(const uint8_t *v86, size_t len, uint32_t sp)
{
    static const uint8_t handler[] = {
        0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8,                 /* ds = 0x10 */
        0xc7, 0x05, D32(X86H_EXC_RECORD), D32(EXCP0C_STACK),
        0xf4,
    };
    uint8_t code[128];
    int k = 0;
    uint32_t gate = X86H_IDT + EXCP0C_STACK * 8;
    /* mov dword [gate], CODE32:0x5800 ; mov dword [gate + 4], 0x8e00 */
    code[k++] = 0xc7, code[k++] = 0x05;
    stl_le_p(code + k, gate), k += 4;
    stl_le_p(code + k, (X86H_SEL_CODE32 << 16) | 0x5800), k += 4;
    code[k++] = 0xc7, code[k++] = 0x05;
    stl_le_p(code + k, gate + 4), k += 4;
    stl_le_p(code + k, 0x8e00), k += 4;
    /* push gs fs ds es ss esp eflags cs eip ; iretd */
    for (int i = 0; i < 4; i++) {
        code[k++] = 0x6a, code[k++] = 0x00;
    }
    code[k++] = 0x68, stl_le_p(code + k, 0x3000), k += 4;
    code[k++] = 0x68, stl_le_p(code + k, sp), k += 4;
    code[k++] = 0x68, stl_le_p(code + k, VM_MASK | IOPL_MASK | 2), k += 4;
    code[k++] = 0x68, stl_le_p(code + k, 0x1000), k += 4;
    uint32_t ip = k + 6;
    code[k++] = 0x68, stl_le_p(code + k, ip), k += 4;
    code[k++] = 0xcf;
    memcpy(code + k, v86, len);
    k += len;
    init();
    memcpy(ram + 0x5800, handler, sizeof(handler));
    x86h_run(&st, X86H_CODE, code, k);
    CHECK_EQ(st.exception, EXCP0C_STACK);
    CHECK_EQ(st.error_code, 0);
    CHECK_EQ(st.fault_cs, 0x1000);
    CHECK_EQ(st.fault_eip, ip);
    /* the V86 frame: ... EFLAGS, ESP, SS: ESP as before the instruction */
    CHECK_EQ(ldl_le_p(ram + X86H_STACK0 - 24), sp);
}

static void test_v86_stack_limit(void)
{
    static const uint8_t lcall[] = {0x9a, 0x00, 0x00, 0x00, 0x10};
    static const uint8_t iret[] = {0xcf};
    static const uint8_t retf[] = {0xcb};
    /* far CALL: CS fits at 1, IP would be at FFFF */
    v86_stack_case(lcall, sizeof(lcall), 3);
    v86_stack_case(iret, sizeof(iret), 0xffff);
    v86_stack_case(retf, sizeof(retf), 0xffff);
}

/* ---- MOV to CR4: reserved bits (SDM vol. 3, 2.5) ---- */

/* mov eax, v ; mov cr4, eax ; mov ebx, cr4 */
#define MOV_CR4(v) 0xb8, D32(v), 0x0f, 0x22, 0xe0, 0x0f, 0x20, 0xe3

#define CR4_BASE (CR4_OSFXSR_MASK | CR4_OSXMMEXCPT_MASK)

static void test_cr4_reserved(void)
{
    CPUX86State *env = x86h_env();
    uint32_t base = CR4_BASE;
    uint32_t feat = env->cpuid_features;
    CHECK(feat & CPUID_PGE);
    CHECK(feat & CPUID_PSE);
    /* bits the model has: taken */
    init();
    RUN(MOV_CR4(CR4_BASE | CR4_PSE_MASK | CR4_PGE_MASK | CR4_PCE_MASK));
    CHECK_EQ(st.regs[R_EBX], base | CR4_PSE_MASK | CR4_PGE_MASK |
                                 CR4_PCE_MASK);
    /* UMIP (11), LA57 (12), VMXE (13), FSGSBASE (16), OSXSAVE (18), SMEP
     * (20), bit 31: no model offers them */
    static const int bits[] = {11, 12, 13, 16, 18, 20, 31};
    for (size_t i = 0; i < ARRAY_SIZE(bits); i++) {
        init();
        uint8_t code[] = {MOV_CR4(0)};
        stl_le_p(code + 1, base | 1u << bits[i]);
        x86h_run(&st, X86H_CODE, code, sizeof(code));
        CHECK_EQ(st.exception, EXCP0D_GPF);
        CHECK_EQ(st.error_code, 0);
        CHECK_EQ(st.fault_eip, X86H_CODE + 5);
        CHECK_EQ((uint32_t)env->cr[4], base);
    }
    /* a model without PGE: CR4.PGE is reserved */
    env->cpuid_features = feat & ~CPUID_PGE;
    init();
    st.regs[R_EAX] = base | CR4_PGE_MASK;
    x86h_run(&st, X86H_CODE, (const uint8_t[]){0x0f, 0x22, 0xe0}, 3);
    CHECK_EQ(st.exception, EXCP0D_GPF);
    env->cpuid_features = feat;
}

/*
 * NMI blocking (SDM vol. 3, 6.7.1): an NMI requested while the handler of
 * the previous one runs waits for its IRET.  The handler at 0x30000
 * counts at MEM, HLTs, then IRETs.  The second request comes while the
 * handler is halted: the IRET must return first and the NMI then enter
 * the handler again at the same stack depth (nested, it would push a
 * second frame).
 */
static void test_nmi_blocking(void)
{
    static const uint8_t handler[] = {
        0xff, 0x05, D32(MEM),           /* inc dword [MEM] */
        0xf4,                           /* hlt */
        0xcf,                           /* iret */
    };
    static const uint8_t nop[] = {0x90};
    init();
    CPUState *cpu = x86h_init();
    CPUX86State *env = x86h_env();
    x86h_run(&st, X86H_CODE, nop, sizeof(nop));
    CHECK(st.halted);
    x86h_get_state();
    memcpy(ram + 0x30000, handler, sizeof(handler));
    /* main code after the HLT: jmp $ */
    ram[X86H_CODE + 2] = 0xeb;
    ram[X86H_CODE + 3] = 0xfe;
    stw_le_p(ram + X86H_IDT + 2 * 8, 0x0000);
    stw_le_p(ram + X86H_IDT + 2 * 8 + 6, 0x0003);
    stl_le_p(ram + MEM, 0);
    env->nmi_blocked = false;
    x86h_mark_dirty();
    cpu->nmi_request = true;
    CHECK_EQ(x86h_exec(16, 2000), ACCEL_EXIT_HALTED);
    CHECK_EQ(ldl_le_p(ram + MEM), 1);
    uint32_t esp1 = env->regs[R_ESP];
    CHECK_EQ(esp1, X86H_STACK - 12);
    cpu->nmi_request = true;
    CHECK_EQ(x86h_exec(16, 2000), ACCEL_EXIT_HALTED);
    CHECK_EQ(ldl_le_p(ram + MEM), 2);
    CHECK_EQ(env->regs[R_ESP], esp1);
    CHECK_EQ(env->eip, 0x30007);
    CHECK(!cpu->nmi_request);
    /* leave the handler: NMIs unblocked for the next test program */
    env->nmi_blocked = false;
}

/*
 * An IRET that faults does not end NMI blocking: only a completed IRET
 * does (SDM vol. 3, 6.7.1).  The NMI handler nulls the CS in its frame and
 * IRETs: #GP(0), and NMIs stay blocked in the #GP handler.
 */
static void test_nmi_iret_fault(void)
{
    static const uint8_t handler[] = {
        0x66, 0xc7, 0x44, 0x24, 0x04, 0x00, 0x00,   /* mov word [esp+4], 0 */
        0xcf,                                       /* iret */
    };
    static const uint8_t nop[] = {0x90};
    init();
    CPUState *cpu = x86h_init();
    CPUX86State *env = x86h_env();
    x86h_run(&st, X86H_CODE, nop, sizeof(nop));
    CHECK(st.halted);
    x86h_get_state();
    memcpy(ram + 0x30000, handler, sizeof(handler));
    ram[X86H_CODE + 2] = 0xeb;          /* jmp $ after the HLT */
    ram[X86H_CODE + 3] = 0xfe;
    stw_le_p(ram + X86H_IDT + 2 * 8, 0x0000);
    stw_le_p(ram + X86H_IDT + 2 * 8 + 6, 0x0003);
    stl_le_p(ram + X86H_EXC_RECORD, 0xffffffff);
    env->nmi_blocked = false;
    x86h_mark_dirty();
    cpu->nmi_request = true;
    CHECK_EQ(x86h_exec(16, 2000), ACCEL_EXIT_HALTED);
    CHECK_EQ(ldl_le_p(ram + X86H_EXC_RECORD), EXCP0D_GPF);
    CHECK(env->nmi_blocked);
    env->nmi_blocked = false;
}

/*
 * RF in the EFLAGS image a fault pushes (SDM vol. 3, 17.3.1.1): set for
 * #UD and #GP, clear for the INT3 trap; the handler runs with RF clear.
 */
static void rf_case(const uint8_t *code, size_t n, int vec, bool rf)
{
    init();
    x86h_run(&st, X86H_CODE, code, n);
    uint32_t image = ldl_le_p(ram + X86H_STACK - 4);
    if (st.exception != vec || !!(image & RF_MASK) != rf ||
        (x86h_env()->eflags & RF_MASK)) {
        test_fail(__FILE__, __LINE__, "rf %02x: exception %d image %x",
                  code[0], st.exception, image);
    }
}

static void test_rf_on_faults(void)
{
    static const uint8_t ud2[] = {0x0f, 0x0b};
    static const uint8_t gp_code[] = {0x66, 0xb8, 0x77, 0x00,  /* mov ax */
                                      0x8e, 0xd8};             /* mov ds */
    static const uint8_t int3[] = {0xcc};
    rf_case(ud2, sizeof(ud2), EXCP06_ILLOP, true);
    rf_case(gp_code, sizeof(gp_code), EXCP0D_GPF, true);
    rf_case(int3, sizeof(int3), EXCP03_INT3, false);
}

/*
 * The I/O permission bitmap (SDM vol. 1, 18.5.2): ring 3 code (SYSEXIT)
 * with IOPL 0.  The ring 0 part gives the TSS a limit of 0x7b and the map
 * base 0x68 (LTR again), with map bytes 0x10..0x13 (ports 0x80-0x9f) =
 * FE FF FF FF: only port 0x80 is allowed; port 0x98's byte is the last in
 * the limit, so its second byte is past it and counts as set.
 */
static void io_case(const uint8_t *r3, size_t n, int vec, uint32_t at)
{
    uint8_t code[160];
    int k = put_desc(code, X86H_SEL_TSS >> 3, X86H_TSS, 0x7b,
                     DESC_P_MASK | (9u << DESC_TYPE_SHIFT));
    static const uint8_t rest[] = {
        0x66, 0xb8, X86H_SEL_TSS, 0x00, 0x0f, 0x00, 0xd8,  /* ltr ax */
        0x66, 0xc7, 0x05, D32(X86H_TSS + 0x66), 0x68, 0x00,
        0xc7, 0x05, D32(X86H_TSS + 0x78), D32(0xfffffffeu),
        0xb9, D32(MSR_IA32_SYSENTER_CS), 0xb8, D32(0x08), 0x31, 0xd2,
        0x0f, 0x30,                     /* wrmsr */
        0xba, D32(0x20000), 0xb9, D32(0x61000),
        0x0f, 0x35,                     /* sysexit */
    };
    memcpy(code + k, rest, sizeof(rest));
    k += sizeof(rest);
    init();
    memcpy(ram + 0x20000, r3, n);
    ram[0x20000 + n] = 0xf4;            /* hlt: #GP at ring 3 */
    x86h_run(&st, X86H_CODE, code, k);
    if (st.exception != vec || st.fault_eip != at || st.error_code != 0) {
        test_fail(__FILE__, __LINE__, "io %02x %02x: exception %d eip %x",
                  r3[0], n > 1 ? r3[1] : 0, st.exception, st.fault_eip);
    }
}

#define IO_OK(...)                                                           \
    do {                                                                     \
        static const uint8_t r_[] = {__VA_ARGS__};                           \
        io_case(r_, sizeof(r_), EXCP0D_GPF, 0x20000 + sizeof(r_));           \
    } while (0)
#define IO_GP(...)                                                           \
    do {                                                                     \
        static const uint8_t r_[] = {__VA_ARGS__};                           \
        io_case(r_, sizeof(r_), EXCP0D_GPF, 0x20000);                        \
    } while (0)
#define IO_GP_AT(skip, ...)                                                  \
    do {                                                                     \
        static const uint8_t r_[] = {__VA_ARGS__};                           \
        io_case(r_, sizeof(r_), EXCP0D_GPF, 0x20000 + (skip));               \
    } while (0)

static void test_io_bitmap(void)
{
    IO_OK(0xe4, 0x80);                          /* in al, 0x80 */
    IO_OK(0xe6, 0x80);                          /* out 0x80, al */
    IO_OK(0x66, 0xba, 0x80, 0x00, 0xec);        /* mov dx; in al, dx */
    IO_GP(0xe4, 0x81);
    IO_GP(0xe5, 0x80);                          /* in eax: 0x80-0x83 */
    IO_OK(0x66, 0xe5, 0x7f);                    /* in ax: 0x7f-0x80 */
    IO_GP(0xe4, 0x98);                          /* map byte at the limit */
    IO_GP(0x66, 0xe5, 0x80);                    /* in ax: 0x80-0x81 */
    IO_GP_AT(4, 0x66, 0xba, 0xf8, 0x03, 0xec);  /* 0x3f8: past the limit */
    IO_OK(0x66, 0xba, 0x80, 0x00, 0x6c);        /* insb, port 0x80 */
    IO_GP_AT(4, 0x66, 0xba, 0x81, 0x00, 0x6c);  /* insb, port 0x81 */
    IO_GP_AT(4, 0x66, 0xba, 0x81, 0x00, 0x6e);  /* outsb */
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    x86h_init();
    TEST_RUN(test_bsf_bsr);
    TEST_RUN(test_shld_shrd);
    TEST_RUN(test_cmpxchg);
    TEST_RUN(test_cmpxchg8b);
    TEST_RUN(test_xadd);
    TEST_RUN(test_bswap_cmov_movx);
    TEST_RUN(test_setcc);
    TEST_RUN(test_bt);
    TEST_RUN(test_lar_lsl_verr);
    TEST_RUN(test_lock_ud);
    TEST_RUN(test_sysenter_sysexit);
    TEST_RUN(test_sysexit_ring3);
    TEST_RUN(test_addr32_real);
    TEST_RUN(test_cpuid_msr);
    TEST_RUN(test_mul_arpl);
    TEST_RUN(test_dr_misc);
    TEST_RUN(test_dispatch_tables);
    TEST_RUN(test_x87_route);
    TEST_RUN(test_sse_route);
    TEST_RUN(test_store_fault_restart);
    TEST_RUN(test_seg_checks);
    TEST_RUN(test_seg_checks_special);
    TEST_RUN(test_pusha_atomic);
    TEST_RUN(test_nmi_blocking);
    TEST_RUN(test_nmi_iret_fault);
    TEST_RUN(test_rf_on_faults);
    TEST_RUN(test_io_bitmap);
    TEST_RUN(test_pushad_ss16);
    TEST_RUN(test_arpl_readonly);
    TEST_RUN(test_enter_ss16);
    TEST_RUN(test_enter_page_fault);
    TEST_RUN(test_smsw_r32);
    TEST_RUN(test_task_switch_tss16);
    TEST_RUN(test_real_stack_limit);
    TEST_RUN(test_v86_stack_limit);
    TEST_RUN(test_cr4_reserved);
    return test_finish();
}
