/*
 * The differential tester's 64-bit mode (docs/devel/translator.md, "The
 * differential tester"): random 64-bit-mode cases per class
 * (tests/difftest/gen64.c: REX, r8-r15, 64-bit operands and immediates,
 * RIP-relative operands, 64-bit string and stack operations, CMPXCHG16B,
 * SSE on XMM8-15) run natively as they are (build/difftest-native64 -64)
 * and under the translator in a flat long-mode guest with -cpu qemu64
 * (tests/difftest/emu-run64.c); vector, RIP, sixteen GPRs, flags, memory
 * and x87/SSE state must match (tests/difftest/compare64.c).
 *
 * Before that, what can be checked without the translator:
 *   native64_known    hand-written cases with known results: each of the
 *                     sixteen registers in and out at 64 bits, RIP-relative
 *                     store, XMM8-15, PUSH, #DE, #GP on a non-canonical
 *                     address, #PF outside the pages;
 *   gen64_decode      every generated case decodes with objdump in 64-bit
 *                     mode, at the instruction boundaries the generator
 *                     recorded, with no "(bad)", and every RIP-relative
 *                     operand's target in the data or stack page (skipped,
 *                     with a line saying so, without objdump);
 *   native64_repeat   each class's cases run natively twice give the same
 *                     results, none runs away and none page-faults (every
 *                     operand is placed in the data or stack page);
 *   compare64_self    the comparison path with a second native runner as
 *                     the other side: all equal, and results altered in a
 *                     register, an XMM lane, RIP, a memory byte or a flag
 *                     caught (an undefined flag counted as such).
 * Then, if the translator cannot run long mode yet (the tcg accelerator
 * lacks ACCEL_CAP_LONG_MODE, which is also why emu refuses -cpu qemu64
 * under -accel tcg), it prints "SKIP: emu's translator has no long mode
 * yet ...", counts the per-class comparisons as skipped and exits 77
 * (1 if one of the checks above failed).  Otherwise one comparison test
 * per class.
 *
 * Environment as test-difftest: DIFFTEST_CASES (per class, default 2000),
 * DIFFTEST_SEED, DIFFTEST_ONLY (a class, e.g. alu64), DIFFTEST_FIRST,
 * DIFFTEST_SHOW, DIFFTEST_STRICT, DIFFTEST_NATIVE; DIFFTEST_DECODE=n cases
 * per class for gen64_decode (default 300).
 */
#include "tests/unit/harness.h"

#include "tests/difftest/gen64.c"
#include "tests/difftest/emu-run64.c"
#include "tests/difftest/compare64.c"

#include <dirent.h>
#include <time.h>

static Native native;
static uint64_t run_seed = 0x5eed0d1ffULL;
static uint32_t nr_cases = 2000, first_case, show = 3, nr_decode = 300;
static bool strict;
static const char *only;
static int cur_class;
static uint64_t total_cases, total_fail, total_undef;

static void native_path(char *buf, size_t len);

static uint32_t env_u32(const char *name, uint32_t dflt)
{
    const char *v = getenv(name);
    return v && *v ? (uint32_t)strtoul(v, NULL, 0) : dflt;
}

static bool want_class(int cls)
{
    return !only || !strcmp(only, dt_classes64[cls].name);
}

/* ---- hand-written cases with known results ---- */

static DTCase64 known_case(const uint8_t *code, int len)
{
    DTCase64 c;
    memset(&c, 0, sizeof(c));
    c.magic = DT_MAGIC64;
    c.seed = 0xe0000000u;                    /* zero-filled pages */
    for (int i = 0; i < 16; i++) {
        c.regs[i] = 0x1111111111111111ull * (uint64_t)(i + 1) ^
                    0x8000000000000000ull;
    }
    c.regs[DT_ESP] = DT_STACK + 0x800;
    memcpy(c.code, code, len);
    c.code_len = len;
    return c;
}

static bool run_native1(const DTCase64 *c, DTResult64 *r, DTDiff *d)
{
    return native_send64(&native, c, 1) && native_recv64(&native, r, d);
}

static void native64_known(void)
{
    static DTResult64 r;
    static DTDiff d[DT_MAX_DIFF];
    /* add r, 1 for each of the 16 registers (REX.W 83 /0 ib), RSP apart */
    for (int reg = 0; reg < 16; reg++) {
        if (reg == DT_ESP) {
            continue;
        }
        uint8_t code[] = {0x48 | (reg >> 3), 0x83, 0xc0 | (reg & 7), 1};
        DTCase64 c = known_case(code, sizeof(code));
        if (!run_native1(&c, &r, d)) {
            test_fail(__FILE__, __LINE__, "native runner died");
            return;
        }
        CHECK_EQ(r.vector, DT_END);
        CHECK_EQ(r.rip, sizeof(code) + 1);   /* past the final INT3 */
        for (int i = 0; i < 16; i++) {
            CHECK_EQ(r.regs[i], c.regs[i] + (i == reg));
        }
    }
    /* mov [rip + 0x1000 - 7 - 0x100], r13 (lands at DT_DATA + 0x100 - ...) */
    {
        uint32_t disp = DT_DATA + 0x100 - (DT_CODE + 7);
        uint8_t code[] = {0x4c, 0x89, 0x2d, (uint8_t)disp, (uint8_t)(disp >> 8),
                          (uint8_t)(disp >> 16), (uint8_t)(disp >> 24)};
        DTCase64 c = known_case(code, sizeof(code));
        if (run_native1(&c, &r, d)) {
            CHECK_EQ(r.vector, DT_END);
            CHECK_EQ(r.ndiff, 8);
            for (uint32_t i = 0; i < r.ndiff && i < 8; i++) {
                CHECK_EQ(d[i].off, 0x100 + i);
                CHECK_EQ(d[i].val, (uint8_t)(c.regs[13] >> (8 * i)));
            }
        }
    }
    /* movq xmm8, r9; movq xmm15, rax (66 REX.W(R) 0F 6E) */
    {
        uint8_t code[] = {0x66, 0x4d, 0x0f, 0x6e, 0xc1,
                          0x66, 0x4c, 0x0f, 0x6e, 0xf8};
        DTCase64 c = known_case(code, sizeof(code));
        if (run_native1(&c, &r, d)) {
            CHECK_EQ(r.vector, DT_END);
            CHECK_EQ(r.fpu.xmm[8][0], (uint32_t)c.regs[9]);
            CHECK_EQ(r.fpu.xmm[8][1], (uint32_t)(c.regs[9] >> 32));
            CHECK_EQ(r.fpu.xmm[15][0], (uint32_t)c.regs[0]);
            CHECK_EQ(r.fpu.xmm[15][1], (uint32_t)(c.regs[0] >> 32));
            CHECK_EQ(r.fpu.xmm[0][0], 0);
            CHECK_EQ(r.fpu.mxcsr, 0x1f80);
        }
    }
    /* push r12: 8 bytes below RSP, RSP - 8 */
    {
        uint8_t code[] = {0x41, 0x54};
        DTCase64 c = known_case(code, sizeof(code));
        if (run_native1(&c, &r, d)) {
            CHECK_EQ(r.regs[DT_ESP], DT_STACK + 0x7f8);
            CHECK_EQ(r.ndiff, 8);
            CHECK_EQ(d[0].off, DT_PAGE + 0x7f8);
        }
    }
    /* div rcx with RCX = 0: #DE at the DIV, registers as before it */
    {
        uint8_t code[] = {0x90, 0x48, 0xf7, 0xf1};
        DTCase64 c = known_case(code, sizeof(code));
        c.regs[DT_ECX] = 0;
        if (run_native1(&c, &r, d)) {
            CHECK_EQ(r.vector, 0);
            CHECK_EQ(r.rip, 1);
            CHECK_EQ(r.regs[DT_EAX], c.regs[DT_EAX]);
        }
    }
    /* mov rax, [rbx] with a non-canonical RBX: #GP */
    {
        uint8_t code[] = {0x48, 0x8b, 0x03};
        DTCase64 c = known_case(code, sizeof(code));
        c.regs[DT_EBX] = 0x0000800000000000ull + DT_DATA;
        if (run_native1(&c, &r, d)) {
            CHECK_EQ(r.vector, 13);
            CHECK_EQ(r.rip, 0);
        }
    }
    /* mov rax, [rbx] between the data and the stack page: #PF */
    {
        uint8_t code[] = {0x48, 0x8b, 0x03};
        DTCase64 c = known_case(code, sizeof(code));
        c.regs[DT_EBX] = DT_DATA + 2 * DT_PAGE;
        if (run_native1(&c, &r, d)) {
            CHECK_EQ(r.vector, 14);
        }
    }
}

/* ---- objdump decode check ---- */

static bool have_objdump(void)
{
    return system("objdump --version >/dev/null 2>&1") == 0;
}

/*
 * Decode one class's first n cases with objdump -D -b binary -m
 * i386:x86-64 (one file per case, one objdump run) and check them.
 */
static void decode_class(int cls, uint32_t n, const char *dir)
{
    static DTCase64 cases[1024];
    static Gen64 g;
    char path[600], cmd[700], line[512];
    const char *name = dt_classes64[cls].name;
    n = n > 1024 ? 1024 : n;
    uint32_t nrip = 0, bad = 0;
    for (uint32_t i = 0; i < n; i++) {
        dt_generate64(&g, &cases[i], cls, run_seed, first_case + i);
        nrip += g.nriprel;
        if (g.overflow) {
            test_fail(__FILE__, __LINE__, "%s #%u: does not fit the case",
                      name, first_case + i);
            return;
        }
        snprintf(path, sizeof(path), "%s/c%05u.bin", dir, i);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(cases[i].code, 1, cases[i].code_len, f) !=
                      cases[i].code_len) {
            test_fail(__FILE__, __LINE__, "cannot write %s", path);
            if (f) {
                fclose(f);
            }
            return;
        }
        fclose(f);
    }
    snprintf(cmd, sizeof(cmd), "cd '%s' && objdump -D -b binary -m i386:x86-64 "
             "--adjust-vma=%#x c*.bin 2>&1", dir, DT_CODE);
    FILE *p = popen(cmd, "r");
    if (!p) {
        test_fail(__FILE__, __LINE__, "popen objdump failed");
        return;
    }
    int cur = -1, k = 0;
    uint32_t seen_rip = 0;
    while (fgets(line, sizeof(line), p)) {
        unsigned idx;
        if (sscanf(line, "c%u.bin: file format", &idx) == 1) {
            if (cur >= 0 && k != cases[cur].nins - 1) {
                bad++;
                if (bad <= 3) {
                    printf("    %s #%u: objdump found %d instructions, the "
                           "generator %d\n", name, first_case + cur, k,
                           cases[cur].nins - 1);
                }
            }
            cur = (int)idx;
            k = 0;
            continue;
        }
        unsigned long addr;
        char *tab = strchr(line, '\t');
        if (cur < 0 || !tab || sscanf(line, " %lx:", &addr) != 1) {
            continue;
        }
        /* a continuation line of a long instruction has no mnemonic */
        char *mn = strchr(tab + 1, '\t');
        if (!mn) {
            continue;
        }
        const DTCase64 *c = &cases[cur];
        uint32_t off = (uint32_t)(addr - DT_CODE);
        bool ok = k < c->nins - 1 && c->ins[k] == off;
        if (strstr(mn, "(bad)") || !ok) {
            bad++;
            if (bad <= 3) {
                printf("    %s #%u: at +%u (boundary %d: %s) %s", name,
                       first_case + cur, off, k, ok ? "ok" : "not one",
                       line);
            }
        }
        k++;
        char *h = strstr(mn, "# 0x");
        /* RIP-relative, or EIP-relative under 0x67 */
        if (h && (strstr(mn, "(%rip)") || strstr(mn, "(%eip)"))) {
            unsigned long t = strtoul(h + 2, NULL, 16);
            seen_rip++;
            if (!(t >= DT_DATA && t < DT_DATA + DT_PAGE) &&
                !(t >= DT_STACK && t < DT_STACK + DT_PAGE)) {
                bad++;
                if (bad <= 3) {
                    printf("    %s #%u: RIP-relative target %#lx outside "
                           "the data and stack pages: %s", name,
                           first_case + cur, t, line);
                }
            }
        }
    }
    if (cur >= 0 && k != cases[cur].nins - 1) {
        bad++;
    }
    pclose(p);
    for (uint32_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/c%05u.bin", dir, i);
        unlink(path);
    }
    printf("  %-9s %5u cases decoded, %u RIP-relative operands (%u seen by "
           "objdump), %u problems\n", name, n, nrip, seen_rip, bad);
    if (seen_rip != nrip) {
        test_fail(__FILE__, __LINE__, "%s: %u RIP-relative operands "
                  "generated, objdump saw %u", name, nrip, seen_rip);
    }
    if (bad) {
        test_fail(__FILE__, __LINE__, "%s: %u decode problems", name, bad);
    }
}

static void gen64_decode(void)
{
    if (!have_objdump()) {
        printf("  objdump not found: decode check not run\n");
        return;
    }
    char dir[] = "/tmp/difftest64.XXXXXX";
    if (!mkdtemp(dir)) {
        test_fail(__FILE__, __LINE__, "mkdtemp: %s", strerror(errno));
        return;
    }
    for (int cls = 0; cls < (int)DT_NR_CLASSES64; cls++) {
        if (want_class(cls)) {
            decode_class(cls, nr_cases < nr_decode ? nr_cases : nr_decode,
                         dir);
        }
    }
    rmdir(dir);
}

/* ---- native determinism ---- */

static void native64_repeat(void)
{
    static DTCase64 cases[DT64_BATCH];
    static Gen64 g;
    static DTResult64 a[DT64_BATCH], b;
    static DTDiff ad[DT64_BATCH][64], bd[DT_MAX_DIFF], tmp[DT_MAX_DIFF];
    uint32_t n = nr_cases < 1000 ? nr_cases : 1000;
    for (int cls = 0; cls < (int)DT_NR_CLASSES64; cls++) {
        if (!want_class(cls)) {
            continue;
        }
        uint32_t differ = 0, runaway = 0, vec[32] = {0};
        for (uint32_t base = 0; base < n; base += DT64_BATCH) {
            int m = n - base < DT64_BATCH ? n - base : DT64_BATCH;
            for (int i = 0; i < m; i++) {
                dt_generate64(&g, &cases[i], cls, run_seed,
                              first_case + base + i);
            }
            for (int pass = 0; pass < 2; pass++) {
                if (!native_send64(&native, cases, m)) {
                    test_fail(__FILE__, __LINE__, "native runner died");
                    return;
                }
                for (int i = 0; i < m; i++) {
                    DTResult64 *r = pass ? &b : &a[i];
                    if (!native_recv64(&native, r, pass ? bd : tmp)) {
                        test_fail(__FILE__, __LINE__, "native runner died");
                        return;
                    }
                    if (!pass) {
                        memcpy(ad[i], tmp, (r->ndiff < 64 ? r->ndiff : 64) *
                                               sizeof(DTDiff));
                        runaway += r->vector == DT_TIMEOUT;
                        if (r->vector >= 0 && r->vector < 32) {
                            vec[r->vector]++;
                        }
                        continue;
                    }
                    uint32_t nd = a[i].ndiff < 64 ? a[i].ndiff : 64;
                    if (memcmp(&a[i], &b, sizeof(b)) ||
                        memcmp(ad[i], bd, nd * sizeof(DTDiff))) {
                        if (differ++ < 2) {
                            dt_print_case64(dt_classes64[cls].name,
                                            first_case + base + i, &cases[i],
                                            run_seed);
                            dt_print_result64("run1", &a[i], ad[i], &b, bd);
                            dt_print_result64("run2", &b, bd, &a[i], ad[i]);
                        }
                    }
                }
            }
        }
        char vecs[200] = "";
        for (int v = 0; v < 32; v++) {
            if (vec[v]) {
                size_t l = strlen(vecs);
                snprintf(vecs + l, sizeof(vecs) - l, " #%d:%u", v, vec[v]);
            }
        }
        printf("  %-9s %5u cases twice natively: %u differ, %u runaway;"
               " faults%s\n", dt_classes64[cls].name, n, differ, runaway,
               vecs[0] ? vecs : " none");
        if (differ || runaway) {
            test_fail(__FILE__, __LINE__, "%s: %u cases not deterministic, "
                      "%u runaway", dt_classes64[cls].name, differ, runaway);
        }
        /* every operand the generator places lands in the data or stack
         * page: a page fault means one did not */
        if (vec[14]) {
            test_fail(__FILE__, __LINE__, "%s: %u cases page-faulted "
                      "natively: an operand outside the pages",
                      dt_classes64[cls].name, vec[14]);
        }
    }
}

/*
 * The comparison itself, before there is a translator to compare: a
 * second native runner stands in for the emulated side, so every case
 * must compare equal (batching, result framing, dt_compare64); then
 * results altered in one register, one memory byte, one XMM lane or the
 * RIP must fail, and a difference in an undefined flag only must count
 * as one.
 */
static void compare64_self(void)
{
    static DTCase64 cases[DT64_BATCH];
    static Gen64 g;
    static DTResult64 a, b;
    static DTDiff ad[DT_MAX_DIFF], bd[DT_MAX_DIFF];
    Native other;
    char path[600], why[800];
    uint32_t n = nr_cases < 256 ? nr_cases : 256, bad = 0, tampered = 0;
    uint64_t cnt = 0;
    native_path(path, sizeof(path));
    if (!native_start(&other, path, "-64", why, sizeof(why))) {
        test_fail(__FILE__, __LINE__, "second native runner: %s", why);
        return;
    }
    for (int cls = 0; cls < (int)DT_NR_CLASSES64; cls++) {
        if (!want_class(cls)) {
            continue;
        }
        for (uint32_t base = 0; base < n; base += DT64_BATCH) {
            int m = n - base < DT64_BATCH ? n - base : DT64_BATCH;
            for (int i = 0; i < m; i++) {
                dt_generate64(&g, &cases[i], cls, run_seed,
                              first_case + base + i);
            }
            if (!native_send64(&native, cases, m) ||
                !native_send64(&other, cases, m)) {
                test_fail(__FILE__, __LINE__, "native runner died");
                goto out;
            }
            for (int i = 0; i < m; i++) {
                uint32_t fd;
                if (!native_recv64(&native, &a, ad) ||
                    !native_recv64(&other, &b, bd)) {
                    test_fail(__FILE__, __LINE__, "native runner died");
                    goto out;
                }
                if (dt_compare64(&a, ad, &b, bd, 0, &fd) != CMP64_PASS) {
                    bad++;
                }
                /* tamper with b, one thing at a time */
                int reg = (int)(base + i) % 16;
                b.regs[reg] ^= 1ull << 40;
                tampered += dt_compare64(&a, ad, &b, bd, 0, &fd) ==
                            CMP64_FAIL;
                b.regs[reg] ^= 1ull << 40;
                b.fpu.xmm[8 + reg % 8][3] ^= 1;
                tampered += dt_compare64(&a, ad, &b, bd, 0, &fd) ==
                            CMP64_FAIL;
                b.fpu.xmm[8 + reg % 8][3] ^= 1;
                b.rip++;
                tampered += dt_compare64(&a, ad, &b, bd, 0, &fd) ==
                            CMP64_FAIL;
                b.rip--;
                b.eflags ^= DT_AF;
                tampered += dt_compare64(&a, ad, &b, bd, DT_AF, &fd) ==
                            CMP64_UNDEF;
                tampered += dt_compare64(&a, ad, &b, bd, 0, &fd) ==
                            CMP64_FAIL;
                b.eflags ^= DT_AF;
                if (b.ndiff) {
                    bd[0].val ^= 0x80;
                    tampered += dt_compare64(&a, ad, &b, bd, 0, &fd) ==
                                CMP64_FAIL;
                    bd[0].val ^= 0x80;
                } else {
                    tampered++;
                }
            }
        }
        cnt += n;
    }
    printf("  %llu cases, two native runners: %u differ; %u of %llu "
           "alterations caught\n", (unsigned long long)cnt, bad,
           tampered, (unsigned long long)cnt * 6);
    if (bad) {
        test_fail(__FILE__, __LINE__, "%u cases differ between two native "
                  "runs", bad);
    }
    if (tampered != cnt * 6) {
        test_fail(__FILE__, __LINE__, "dt_compare64 missed %llu alterations",
                  (unsigned long long)(cnt * 6 - tampered));
    }
out:
    native_stop(&other);
}

/* ---- the comparison against the translator ---- */

static void run_class64(void)
{
    static DTCase64 cases[DT64_BATCH];
    static Gen64 gens;
    static uint32_t undef[DT64_BATCH];
    static DTResult64 nr, er;
    static DTDiff nd[DT_MAX_DIFF], ed[DT_MAX_DIFF];
    const char *name = dt_classes64[cur_class].name;
    uint32_t pass = 0, und = 0, fail = 0, shown = 0, undef_seen = 0, exc = 0;

    for (uint32_t base = 0; base < nr_cases; base += DT64_BATCH) {
        int n = nr_cases - base < DT64_BATCH ? nr_cases - base : DT64_BATCH;
        for (int i = 0; i < n; i++) {
            dt_generate64(&gens, &cases[i], cur_class, run_seed,
                          first_case + base + i);
            undef[i] = gens.undef;
            if (gens.overflow) {
                test_fail(__FILE__, __LINE__, "%s #%u: the generated code "
                          "does not fit the case", name,
                          first_case + base + i);
                return;
            }
        }
        if (!native_send64(&native, cases, n)) {
            test_fail(__FILE__, __LINE__, "native runner died");
            return;
        }
        for (int i = 0; i < n; i++) {
            if (!native_recv64(&native, &nr, nd)) {
                test_fail(__FILE__, __LINE__, "native runner died");
                return;
            }
            emu_run64(&cases[i], &er, ed);
            exc += nr.vector != DT_END;
            uint32_t fd;
            int v = dt_compare64(&nr, nd, &er, ed, undef[i], &fd);
            if (v == CMP64_UNDEF && strict) {
                v = CMP64_FAIL;
            }
            if (v == CMP64_PASS) {
                pass++;
            } else if (v == CMP64_UNDEF) {
                und++;
                undef_seen |= fd;
            } else {
                fail++;
                if (shown++ < show) {
                    dt_print_case64(name, first_case + base + i, &cases[i],
                                    run_seed);
                    dt_print_result64("native", &nr, nd, &er, ed);
                    dt_print_result64("emu", &er, ed, &nr, nd);
                }
            }
        }
    }
    char fl[64];
    dt_flags_str64(undef_seen, fl);
    printf("  %-9s %7u cases (%u faults) %7u pass %6u undefined-flags%s%s%s "
           "%6u FAIL\n", name, nr_cases, exc, pass, und, und ? " (" : "", fl,
           und ? ")" : "", fail);
    total_cases += nr_cases;
    total_fail += fail;
    total_undef += und;
    if (fail) {
        test_fail(__FILE__, __LINE__, "%s: %u of %u cases differ from the host",
                  name, fail, nr_cases);
    }
}

/* build/tests/test-difftest64 -> build/difftest-native64 */
static void native_path(char *buf, size_t len)
{
    const char *e = getenv("DIFFTEST_NATIVE");
    char exe[512];
    ssize_t n;
    if (e && *e) {
        snprintf(buf, len, "%s", e);
        return;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *s = NULL;
    if (n > 0) {
        exe[n] = 0;
        s = strrchr(exe, '/');
        if (s) {
            *s = 0;
            s = strrchr(exe, '/');
        }
    }
    if (s) {
        *s = 0;
        snprintf(buf, len, "%s/difftest-native64", exe);
    } else {
        snprintf(buf, len, "build/difftest-native64");
    }
}

int main(int argc, char **argv)
{
    char path[600], cmd[1400], why[800];
    test_init(argc, argv);
    nr_cases = env_u32("DIFFTEST_CASES", nr_cases);
    nr_decode = env_u32("DIFFTEST_DECODE", nr_decode);
    first_case = env_u32("DIFFTEST_FIRST", 0);
    show = env_u32("DIFFTEST_SHOW", show);
    strict = env_u32("DIFFTEST_STRICT", 0) != 0;
    if (getenv("DIFFTEST_SEED")) {
        run_seed = strtoull(getenv("DIFFTEST_SEED"), NULL, 0);
    }
    only = getenv("DIFFTEST_ONLY");

    native_path(path, sizeof(path));
    if (access(path, X_OK) < 0 &&
        access("tests/difftest/native64.c", R_OK) == 0) {
        snprintf(cmd, sizeof(cmd), "${CC:-cc} -O2 -o '%s' "
                 "tests/difftest/native64.c", path);
        if (system(cmd) != 0) {
            printf("SKIP: cannot build %s from tests/difftest/native64.c\n",
                   path);
            return 77;
        }
    }
    if (!native_start(&native, path, "-64", why, sizeof(why))) {
        printf("SKIP: native runner unavailable: %s\n", why);
        return 77;
    }
    printf("difftest64: seed %#llx, %u cases per class, native %s -64\n",
           (unsigned long long)run_seed, nr_cases, path);
    test_run_one("native64_known", native64_known);
    test_run_one("gen64_decode", gen64_decode);
    test_run_one("native64_repeat", native64_repeat);
    test_run_one("compare64_self", compare64_self);

    int st = emu_setup64(why, sizeof(why));
    if (st <= 0) {
        native_stop(&native);
        if (st < 0) {
            test_fail(__FILE__, __LINE__, "%s", why);
            return test_finish();
        }
        int nskip = 0;
        for (int cls = 0; cls < (int)DT_NR_CLASSES64; cls++) {
            nskip += want_class(cls);
        }
        return test_finish_skip(nskip, why);
    }
    time_t t0 = time(NULL);
    for (cur_class = 0; cur_class < (int)DT_NR_CLASSES64; cur_class++) {
        if (!want_class(cur_class)) {
            continue;
        }
        char tname[64];
        snprintf(tname, sizeof(tname), "difftest_%s",
                 dt_classes64[cur_class].name);
        test_run_one(tname, run_class64);
    }
    native_stop(&native);
    printf("difftest64: %llu cases, %llu undefined-flag divergences, "
           "%llu failures, %lds\n", (unsigned long long)total_cases,
           (unsigned long long)total_undef, (unsigned long long)total_fail,
           (long)(time(NULL) - t0));
    return test_finish();
}
