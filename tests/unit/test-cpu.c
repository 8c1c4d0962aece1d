/*
 * x86 CPU reset state (SDM vol. 3, table 9-1), CPUID models and the
 * register dump.
 */
#include "tests/unit/harness.h"
#include "target-i386/cpu.h"
#include "target-i386/cpuid.h"

static CPUX86State env;

static void init_model(const char *model)
{
    Error *err = NULL;

    memset(&env, 0xa5, sizeof(env));   /* reset must not depend on zeros */
    CHECK_EQ(x86_cpu_model_init(&env, model, &err), 0);
    CHECK(err == NULL);
    if (err) {
        error_free(err);
    }
    x86_cpu_reset_state(&env);
}

static void test_reset_state(void)
{
    init_model("qemu32");
    CHECK_EQ(env.eip, 0xfff0);
    CHECK_EQ(env.eflags, 0x2);
    CHECK_EQ(env.cr[0], 0x60000010);
    CHECK_EQ(env.cr[2], 0);
    CHECK_EQ(env.cr[3], 0);
    CHECK_EQ(env.cr[4], 0);
    CHECK_EQ(env.efer, 0);
    CHECK_EQ(env.segs[R_CS].selector, 0xf000);
    CHECK_EQ(env.segs[R_CS].base, 0xffff0000);
    CHECK_EQ(env.segs[R_CS].limit, 0xffff);
    CHECK_EQ(env.segs[R_CS].flags & 0xff00, 0x9b00);   /* P S code R A */
    for (int i = 0; i < 6; i++) {
        if (i != R_CS) {
            CHECK_EQ(env.segs[i].selector, 0);
            CHECK_EQ(env.segs[i].base, 0);
            CHECK_EQ(env.segs[i].limit, 0xffff);
            CHECK_EQ(env.segs[i].flags & 0xff00, 0x9300);  /* P S data W A */
        }
    }
    CHECK_EQ(env.gdt.base, 0);
    CHECK_EQ(env.gdt.limit, 0xffff);
    CHECK_EQ(env.idt.base, 0);
    CHECK_EQ(env.idt.limit, 0xffff);
    CHECK_EQ(env.ldt.flags & 0xff00, 0x8200);
    CHECK_EQ(env.tr.flags & 0xff00, 0x8b00);
    CHECK_EQ(env.dr[6], 0xffff0ff0);
    CHECK_EQ(env.dr[7], 0x400);
    CHECK_EQ(env.dr[0], 0);
    /* EDX holds the processor signature: family 6 model 6 stepping 3. */
    CHECK_EQ(env.regs[R_EDX], 0x663);
    CHECK_EQ(env.regs[R_EAX], 0);
    CHECK_EQ(env.regs[R_ESP], 0);
    CHECK_EQ(env.fpuc, 0x37f);
    CHECK_EQ(env.fpus, 0);
    CHECK_EQ(env.fpstt, 0);
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(env.fptags[i], 1);
    }
    CHECK_EQ(env.mxcsr, 0x1f80);
    CHECK_EQ(env.pat, 0x0007040600070406ULL);
    CHECK_EQ(env.apic_base, 0xfee00900);
    CHECK_EQ(env.a20_mask, 0xffffffff);
    CHECK(!env.halted);
    CHECK_EQ(env.pending_vector, (uint64_t)(int64_t)-1);
    /* The model survives reset. */
    CHECK_EQ(env.cpuid_version, 0x663);
    CHECK_EQ(env.cpuid_level, 4);
}

static void test_load_seg_real(void)
{
    init_model(NULL);
    x86_load_seg_real(&env, R_DS, 0x1234);
    CHECK_EQ(env.segs[R_DS].selector, 0x1234);
    CHECK_EQ(env.segs[R_DS].base, 0x12340);
    CHECK_EQ(env.segs[R_DS].limit, 0xffff);
    /* A big limit left by protected mode stays (unreal mode). */
    env.segs[R_ES].limit = 0xffffffff;
    x86_load_seg_real(&env, R_ES, 0xffff);
    CHECK_EQ(env.segs[R_ES].base, 0xffff0);
    CHECK_EQ(env.segs[R_ES].limit, 0xffffffff);
}

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    x86_cpuid(&env, leaf, sub, &r[0], &r[1], &r[2], &r[3]);
}

static void check_vendor(const char *vendor)
{
    uint32_t r[4];
    char buf[13];

    cpuid(0, 0, r);
    memcpy(buf, &r[1], 4);
    memcpy(buf + 4, &r[3], 4);
    memcpy(buf + 8, &r[2], 4);
    buf[12] = 0;
    CHECK_STR(buf, vendor);
}

static void test_cpuid_default(void)
{
    uint32_t r[4];

    init_model(NULL);             /* qemu32 */
    check_vendor("GenuineIntel");
    cpuid(0, 0, r);
    CHECK_EQ(r[0], 4);
    cpuid(1, 0, r);
    CHECK_EQ(r[0], 0x663);
    CHECK(r[3] & CPUID_FP87);
    CHECK(r[3] & CPUID_TSC);
    CHECK(r[3] & CPUID_CX8);
    CHECK(r[3] & CPUID_CMOV);
    CHECK(r[3] & CPUID_SSE2);
    CHECK(r[3] & CPUID_PAE);
    CHECK(r[2] & CPUID_EXT_SSE3);
    CHECK_EQ((r[1] >> 24) & 0xff, 0);          /* APIC ID */
    cpuid(0x80000000, 0, r);
    CHECK_EQ(r[0], 0x80000004);
    cpuid(0x80000001, 0, r);
    CHECK(!(r[3] & CPUID_EXT2_LM));            /* no long mode */
    /* Brand string. */
    char brand[49];
    for (int i = 0; i < 3; i++) {
        cpuid(0x80000002 + i, 0, r);
        memcpy(brand + 16 * i, r, 16);
    }
    brand[48] = 0;
    CHECK_STR(brand, "emu Virtual CPU (qemu32)");
    /* Leaf 4: L1 data cache, 64-byte lines; subleaf 3 ends the list. */
    cpuid(4, 0, r);
    CHECK_EQ(r[0] & 0x1f, 1);
    CHECK_EQ(r[1] & 0xfff, 63);
    cpuid(4, 3, r);
    CHECK_EQ(r[0] & 0x1f, 0);
    /* Leaves above the maximum answer as the maximum basic leaf. */
    uint32_t hi[4];
    cpuid(4, 0, hi);
    cpuid(0x10, 0, r);
    CHECK_EQ(r[0], hi[0]);
    cpuid(0x80000008, 0, r);
    CHECK_EQ(r[0], hi[0]);
}

/* -smp topologies: APIC IDs in ceil(log2) fields, and the CPUID leaves
 * that describe them (1, 4, 0xB, 0x80000008). */
static void test_cpuid_topology(void)
{
    uint32_t r[4];

    /* 2 threads per core, 3 cores per package: thread 1 bit, core 2 bits. */
    CHECK_EQ(x86_topo_apic_id(0, 3, 2), 0);
    CHECK_EQ(x86_topo_apic_id(1, 3, 2), 1);
    CHECK_EQ(x86_topo_apic_id(2, 3, 2), 2);
    CHECK_EQ(x86_topo_apic_id(5, 3, 2), 5);
    CHECK_EQ(x86_topo_apic_id(6, 3, 2), 8);  /* package 1 */
    CHECK_EQ(x86_topo_apic_id(7, 3, 2), 9);
    CHECK_EQ(x86_topo_apic_id(3, 1, 1), 3);  /* one CPU per package */
    CHECK_EQ(x86_topo_apic_id(5, 4, 1), 5);
    CHECK_EQ(x86_topo_apic_id(2, 3, 1), 2);  /* cores 0-2, then 4.. */
    CHECK_EQ(x86_topo_apic_id(3, 3, 1), 4);
    CHECK_EQ(x86_topo_apic_id(5, 3, 1), 6);

    init_model("qemu64");
    env.cpuid_platform = X86_PLAT_APIC;
    env.cpuid_cores = 3;
    env.cpuid_threads = 2;
    env.cpuid_apic_id = 9;
    cpuid(1, 0, r);
    CHECK_EQ((r[1] >> 24) & 0xff, 9);
    CHECK_EQ((r[1] >> 16) & 0xff, 6);
    CHECK(r[3] & CPUID_HTT);
    cpuid(4, 0, r);
    CHECK_EQ(r[0] & 0x1f, 1);                  /* still the data cache */
    CHECK_EQ(r[0] >> 26, 2);                   /* 3 cores */
    CHECK_EQ((r[0] >> 14) & 0xfff, 1);         /* 2 threads share it */
    cpuid(4, 3, r);
    CHECK_EQ(r[0], 0);                         /* no more caches */
    cpuid(0xb, 0, r);
    CHECK_EQ(r[0], 1);
    CHECK_EQ(r[1], 2);
    CHECK_EQ(r[2], 0x100);
    CHECK_EQ(r[3], 9);
    cpuid(0xb, 1, r);
    CHECK_EQ(r[0], 3);
    CHECK_EQ(r[1], 6);
    CHECK_EQ(r[2], 0x201);
    cpuid(0xb, 2, r);
    CHECK_EQ(r[0], 0);
    CHECK_EQ(r[1], 0);
    CHECK_EQ(r[2], 2);
    CHECK_EQ(r[3], 9);
    cpuid(0x80000008, 0, r);
    CHECK_EQ(r[2] & 0xff, 5);
    CHECK_EQ((r[2] >> 12) & 0xf, 3);

    /* One CPU per package: no HTT, one logical processor. */
    env.cpuid_cores = env.cpuid_threads = 1;
    cpuid(1, 0, r);
    CHECK_EQ((r[1] >> 16) & 0xff, 1);
    CHECK(!(r[3] & CPUID_HTT));
    cpuid(4, 0, r);
    CHECK_EQ(r[0] >> 14, 0);
    cpuid(0x80000008, 0, r);
    CHECK_EQ(r[2] & 0xffff, 0);
}

static void test_cpuid_models(void)
{
    uint32_t r[4];

    init_model("486");
    cpuid(0, 0, r);
    CHECK_EQ(r[0], 1);
    cpuid(1, 0, r);
    CHECK_EQ((r[0] >> 8) & 0xf, 4);
    CHECK(r[3] & CPUID_FP87);
    CHECK(!(r[3] & CPUID_TSC));
    CHECK_EQ(env.regs[R_EDX], r[0]);

    init_model("pentium");
    cpuid(1, 0, r);
    CHECK_EQ((r[0] >> 8) & 0xf, 5);
    CHECK(r[3] & CPUID_TSC);
    CHECK(r[3] & CPUID_MMX);
    CHECK(!(r[3] & CPUID_CMOV));

    init_model("pentium2");
    cpuid(1, 0, r);
    CHECK_EQ(r[0], 0x652);
    CHECK(r[3] & CPUID_CMOV);
    CHECK(r[3] & CPUID_FXSR);
    CHECK(!(r[3] & CPUID_SSE));

    init_model("pentium3");
    cpuid(1, 0, r);
    CHECK_EQ(r[0], 0x673);
    CHECK(r[3] & CPUID_SSE);
    CHECK(!(r[3] & CPUID_SSE2));

    init_model("qemu64");
    check_vendor("AuthenticAMD");
    cpuid(1, 0, r);
    CHECK_EQ((r[0] >> 8) & 0xf, 15);            /* family 15 */
    CHECK_EQ(((r[0] >> 4) & 0xf) | ((r[0] >> 12) & 0xf0), 107);
    CHECK(r[2] & CPUID_EXT_CX16);
    CHECK(r[3] & CPUID_CLFLUSH);
    CHECK_EQ((r[1] >> 8) & 0xff, 8);            /* 64-byte CLFLUSH line */
    cpuid(0x80000001, 0, r);
    CHECK(r[3] & CPUID_EXT2_LM);
    CHECK(r[3] & CPUID_EXT2_NX);
    CHECK(r[3] & CPUID_EXT2_SYSCALL);
    CHECK(r[2] & CPUID_EXT3_LAHF_LM);
    cpuid(0x80000008, 0, r);
    CHECK_EQ(r[0] & 0xff, 40);
    CHECK_EQ((r[0] >> 8) & 0xff, 48);

    /* max without KVM: what the translator implements (SSE3, CX16; no
     * SSSE3/SSE4/POPCNT, which it does not decode). */
    init_model("max");
    cpuid(1, 0, r);
    CHECK(r[2] & CPUID_EXT_SSE3);
    CHECK(r[2] & CPUID_EXT_CX16);
    CHECK(!(r[2] & CPUID_EXT_SSSE3));
    CHECK(!(r[2] & CPUID_EXT_POPCNT));
    cpuid(0x80000001, 0, r);
    CHECK(r[3] & CPUID_EXT2_LM);

#if defined(__x86_64__)
    init_model("host");
    CHECK(env.cpuid_level >= 1);
    CHECK(env.cpuid_features & CPUID_FP87);
#endif
}

/*
 * Without X86_PLAT_APIC (a machine with no local APIC) no model claims
 * one: not in leaf 1, not in AMD's 0x80000001 alias, no x2APIC or TSC
 * deadline, for every model including the host's own CPUID.
 */
static void check_no_apic(const char *model)
{
    uint32_t r[4];

    init_model(model);
    cpuid(1, 0, r);
    if (r[3] & CPUID_APIC) {
        test_fail(__FILE__, __LINE__, "%s: leaf 1 EDX claims an APIC", model);
    }
    CHECK_EQ(r[2] & (CPUID_EXT_X2APIC | CPUID_EXT_TSC_DEADLINE), 0);
    if (env.cpuid_xlevel >= 0x80000001) {
        cpuid(0x80000001, 0, r);
        CHECK_EQ(r[3] & CPUID_APIC, 0);
        CHECK_EQ(r[2] & CPUID_EXT3_EXTAPIC, 0);
    }
    if (env.cpuid_level >= 0xb) {
        cpuid(0xb, 0, r);
        CHECK_EQ(r[1], 0);                      /* no x2APIC topology */
    }
}

static void test_cpuid_no_apic(void)
{
    static const char *const models[] = {
        "486", "pentium", "pentium2", "pentium3", "qemu32", "qemu64", "max",
#if defined(__x86_64__)
        "host",
#endif
    };
    for (size_t i = 0; i < ARRAY_SIZE(models); i++) {
        check_no_apic(models[i]);
    }
    /* The filter KVM applies to the host's leaves. */
    uint32_t a = 0x4, b = 0x12345678, c = ~0u, d = ~0u;
    x86_cpuid_filter(0, 1, 0, &a, &b, &c, &d);
    CHECK_EQ(a, 0x4);
    CHECK_EQ(b, 0x12345678);
    CHECK_EQ(c, ~(CPUID_EXT_X2APIC | CPUID_EXT_TSC_DEADLINE));
    CHECK_EQ(d, ~CPUID_APIC);
    a = b = c = d = ~0u;
    x86_cpuid_filter(0, 0x80000001, 0, &a, &b, &c, &d);
    CHECK_EQ(d, ~CPUID_APIC);
    CHECK_EQ(c, ~CPUID_EXT3_EXTAPIC);
    a = b = c = d = ~0u;
    x86_cpuid_filter(0, 6, 0, &a, &b, &c, &d);
    CHECK_EQ(a, ~CPUID_6_EAX_ARAT);
    a = b = c = d = 7;
    x86_cpuid_filter(0, 0xb, 1, &a, &b, &c, &d);
    CHECK_EQ(a | b | c | d, 0);
    a = b = c = d = ~0u;
    x86_cpuid_filter(0, 7, 0, &a, &b, &c, &d);    /* untouched */
    CHECK_EQ(a & b & c & d, ~0u);
}

/*
 * With a local APIC the models claim it (leaf 1 and the AMD alias), with
 * the APIC ID in leaf 1 EBX; x2APIC and TSC deadline only when the
 * accelerator passes the MSRs on (X86_PLAT_X2APIC).
 */
static void test_cpuid_apic(void)
{
    uint32_t a, b, c, d;

    a = b = c = d = ~0u;
    x86_cpuid_filter(X86_PLAT_APIC, 1, 0, &a, &b, &c, &d);
    CHECK_EQ(d, ~0u);
    CHECK_EQ(c, ~(CPUID_EXT_X2APIC | CPUID_EXT_TSC_DEADLINE));
    a = b = c = d = ~0u;
    x86_cpuid_filter(X86_PLAT_APIC | X86_PLAT_X2APIC, 1, 0, &a, &b, &c, &d);
    CHECK_EQ(c & d, ~0u);
    a = b = c = d = ~0u;
    x86_cpuid_filter(X86_PLAT_X2APIC, 1, 0, &a, &b, &c, &d); /* no APIC */
    CHECK_EQ(c, ~(CPUID_EXT_X2APIC | CPUID_EXT_TSC_DEADLINE));
    CHECK_EQ(d, ~CPUID_APIC);
    a = b = c = d = ~0u;
    x86_cpuid_filter(X86_PLAT_APIC, 0x80000001, 0, &a, &b, &c, &d);
    CHECK_EQ(d, ~0u);
    CHECK_EQ(c, ~CPUID_EXT3_EXTAPIC);       /* never offered */
    a = b = c = d = ~0u;
    x86_cpuid_filter(X86_PLAT_APIC, 6, 0, &a, &b, &c, &d);
    CHECK_EQ(a, ~0u);

    uint32_t r[4];
    init_model("pentium3");
    env.cpuid_platform = X86_PLAT_APIC;
    env.cpuid_apic_id = 3;
    cpuid(1, 0, r);
    CHECK(r[3] & CPUID_APIC);
    CHECK_EQ(r[1] >> 24, 3);
    env.cpuid_platform = 0;
    env.cpuid_apic_id = 0;
}

/* INIT keeps x87/SSE, MTRRs, PAT, the TSC and the APIC base; an AP then
 * waits for a STARTUP IPI, which starts it at vector * 4 KiB. */
static void test_init_sipi(void)
{
    init_model("pentium3");
    env.regs[R_EAX] = 0x1234;
    env.cr[0] |= CR0_PE_MASK;
    env.eip = 0x5555;
    env.fpuc = 0x27f;
    env.xmm[3].q[0] = 0xdeadbeef;
    env.mtrr_var[1][0] = 0x80000006;
    env.tsc = 77;
    env.apic_base = 0xfee00000 | (1u << 11); /* enabled, not the BSP */
    x86_cpu_init_state(&env);
    CHECK_EQ(env.regs[R_EAX], 0);
    CHECK_EQ(env.cr[0] & CR0_PE_MASK, 0);
    CHECK_EQ(env.eip, 0xfff0);
    CHECK_EQ(env.fpuc, 0x27f);
    CHECK_EQ(env.xmm[3].q[0], 0xdeadbeef);
    CHECK_EQ(env.mtrr_var[1][0], 0x80000006);
    CHECK_EQ(env.tsc, 77);
    CHECK_EQ(env.apic_base, 0xfee00000 | (1u << 11));
    CHECK(env.wait_sipi);
    x86_cpu_sipi(&env, 0x9a);
    CHECK(!env.wait_sipi);
    CHECK_EQ(env.segs[R_CS].selector, 0x9a00);
    CHECK_EQ(env.segs[R_CS].base, 0x9a000);
    CHECK_EQ(env.eip, 0);
    /* A second STARTUP finds it running: ignored. */
    env.eip = 0x42;
    x86_cpu_sipi(&env, 0x10);
    CHECK_EQ(env.eip, 0x42);
    CHECK_EQ(env.segs[R_CS].selector, 0x9a00);
    /* The BSP restarts from the reset vector instead of waiting. */
    env.apic_base |= 1u << 8;
    x86_cpu_init_state(&env);
    CHECK(!env.wait_sipi);
    CHECK_EQ(env.segs[R_CS].base, 0xffff0000);
}

static void test_unknown_model(void)
{
    Error *err = NULL;
    CPUX86State e;

    memset(&e, 0, sizeof(e));
    CHECK_EQ(x86_cpu_model_init(&e, "pentium9", &err), (uint64_t)-EINVAL);
    CHECK(err != NULL);
    if (err) {
        const char *msg = error_get_pretty(err);
        CHECK(strstr(msg, "pentium9") != NULL);
        CHECK(strstr(msg, "qemu32") != NULL);
        CHECK(strstr(msg, "486") != NULL);
        error_free(err);
    }
    /* NULL errp is allowed. */
    CHECK_EQ(x86_cpu_model_init(&e, "nope", NULL), (uint64_t)-EINVAL);
}

static void test_model_list(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    x86_cpu_model_list(f);
    fclose(f);
    CHECK(strstr(buf, "qemu32") != NULL);
    CHECK(strstr(buf, "pentium3") != NULL);
    CHECK(strstr(buf, "host") != NULL);
    CHECK(strstr(buf, "default") != NULL);
    free(buf);
}

static void test_dump_state(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f;

    init_model(NULL);
    f = open_memstream(&buf, &len);
    x86_cpu_dump_state(f, &env);
    fclose(f);
    CHECK(strstr(buf, "EAX=00000000 EBX=00000000 ECX=00000000 EDX=00000663")
          != NULL);
    CHECK(strstr(buf, "EIP=0000fff0 EFL=00000002") != NULL);
    CHECK(strstr(buf, "CS =f000 ffff0000 0000ffff 00009b00") != NULL);
    CHECK(strstr(buf, "SS =0000 00000000 0000ffff 00009300") != NULL);
    CHECK(strstr(buf, "CR0=60000010") != NULL);
    CHECK(strstr(buf, "DR6=ffff0ff0 DR7=00000400") != NULL);
    CHECK(strstr(buf, "FCW=037f") != NULL);
    CHECK(strstr(buf, "MXCSR=00001f80") != NULL);
    CHECK(strstr(buf, "RAX=") == NULL);
    free(buf);

    /* Long mode: 64-bit registers.  No APIC (the board sets one): CR8
     * reads 0. */
    env.apic_ops = NULL;
    env.efer = EFER_LME | EFER_LMA;
    env.regs[R_EAX] = 0x123456789abcdef0ULL;
    env.regs[15] = 0xfedcba9876543210ULL;
    f = open_memstream(&buf, &len);
    x86_cpu_dump_state(f, &env);
    fclose(f);
    CHECK(strstr(buf, "RAX=123456789abcdef0") != NULL);
    CHECK(strstr(buf, "R15=fedcba9876543210") != NULL);
    CHECK(strstr(buf, "RIP=000000000000fff0") != NULL);
    CHECK(strstr(buf, "CR8=0000000000000000") != NULL);
    free(buf);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_reset_state);
    TEST_RUN(test_load_seg_real);
    TEST_RUN(test_cpuid_default);
    TEST_RUN(test_cpuid_models);
    TEST_RUN(test_cpuid_no_apic);
    TEST_RUN(test_cpuid_apic);
    TEST_RUN(test_cpuid_topology);
    TEST_RUN(test_init_sipi);
    TEST_RUN(test_unknown_model);
    TEST_RUN(test_model_list);
    TEST_RUN(test_dump_state);
    return test_finish();
}
