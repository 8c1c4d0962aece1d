/*
 * The differential tester against real silicon (DESIGN.md, "Real silicon
 * as oracle"): random instruction cases per class (tests/difftest/gen.c)
 * run natively on the host CPU in a 64-bit helper process
 * (build/difftest-native64, tests/difftest/native64.c; the same
 * instructions re-encoded for long mode) and under the translator in a
 * flat 32-bit guest (tests/difftest/emu-run.c); registers, arithmetic
 * flags, DF, exception vector, end EIP and memory must match
 * (tests/difftest/compare.c says what is compared and masked).  What has
 * no 64-bit equivalent is listed as not checked natively, with the reason.
 *
 * One test per class; it fails on any hard difference and prints the
 * first few as reproducer lines.  Environment:
 *   DIFFTEST_CASES=n    cases per class (default 2000)
 *   DIFFTEST_SEED=x     run seed (default fixed: runs are reproducible)
 *   DIFFTEST_ONLY=name  one class;  DIFFTEST_FIRST=i  first case index
 *   DIFFTEST_SHOW=n     reproducers printed per class (default 3)
 *   DIFFTEST_STRICT=1   undefined-flag divergences fail too
 *   DIFFTEST_NATIVE=p   the native runner (default: next to build/tests)
 * If the runner is missing it is built with `cc`; the test is skipped (a
 * "SKIP ..." line, status 77) if that is impossible or the runner cannot
 * start on this host.
 */
#include "tests/unit/harness.h"

#include "tests/difftest/gen.c"
#include "tests/difftest/gen-fp.c"
#include "tests/difftest/emu-run.c"
#include "tests/difftest/compare.c"

#include <cpuid.h>
#include <time.h>

static Native native;
static uint64_t run_seed = 0x5eed0d1ffULL;
static uint32_t nr_cases = 2000, first_case, show = 3;
static bool strict;
static int cur_class;
static uint64_t total_cases, total_fail, total_undef;

static uint32_t env_u32(const char *name, uint32_t dflt)
{
    const char *v = getenv(name);
    return v && *v ? (uint32_t)strtoul(v, NULL, 0) : dflt;
}

static void run_class(void)
{
    static DTCase cases[DT_BATCH];
    static Gen gens[DT_BATCH];
    static uint32_t undef[DT_BATCH];
    static DTResult nr, er;
    static DTDiff nd[DT_MAX_DIFF], ed[DT_MAX_DIFF];
    const char *name = dt_classes[cur_class].name;
    uint32_t pass = 0, und = 0, fail = 0, shown = 0, undef_seen = 0, exc = 0;
    uint32_t vec_count[32] = {0};

    for (uint32_t base = 0; base < nr_cases; base += DT_BATCH) {
        int n = nr_cases - base < DT_BATCH ? nr_cases - base : DT_BATCH;
        for (int i = 0; i < n; i++) {
            dt_generate(&gens[i], &cases[i], cur_class, run_seed,
                        first_case + base + i);
            undef[i] = gens[i].undef;
            if (gens[i].overflow) {
                test_fail(__FILE__, __LINE__, "%s #%u: the generated code "
                          "does not fit the case", name,
                          first_case + base + i);
                return;
            }
        }
        if (!native_send(&native, cases, n)) {
            test_fail(__FILE__, __LINE__, "native runner died");
            return;
        }
        for (int i = 0; i < n; i++) {
            if (!native_recv(&native, &nr, nd)) {
                test_fail(__FILE__, __LINE__, "native runner died");
                return;
            }
            emu_run(&cases[i], &er, ed);
            exc += nr.vector != DT_END;
            if (nr.vector >= 0 && nr.vector < 32) {
                vec_count[nr.vector]++;
            }
            uint32_t fd;
            int v = dt_compare(&nr, nd, &er, ed, undef[i], &fd);
            if (v == CMP_UNDEF && strict) {
                v = CMP_FAIL;
            }
            if (v == CMP_PASS) {
                pass++;
            } else if (v == CMP_UNDEF) {
                und++;
                undef_seen |= fd;
            } else {
                fail++;
                if (shown++ < show) {
                    dt_print_case(name, first_case + base + i, &cases[i],
                                  run_seed);
                    dt_print_result("native", &nr, nd, &er, ed);
                    dt_print_result("emu", &er, ed, &nr, nd);
                }
            }
        }
    }
    char fl[64], vecs[160] = "";
    dt_flags_str(undef_seen, fl);
    /* which faults the host raised: #DE 0, #UD 6, #GP 13, #PF 14, ... */
    for (int v = 0; v < 32; v++) {
        if (vec_count[v]) {
            size_t l = strlen(vecs);
            snprintf(vecs + l, sizeof(vecs) - l, "%s#%d:%u", l ? " " : "", v,
                     vec_count[v]);
        }
    }
    printf("  %-7s %7u cases (%u fault%s%s%s) %7u pass %6u undefined-flags"
           "%s%s%s %6u FAIL\n", name, nr_cases, exc, exc ? ": " : "", vecs,
           "", pass, und, und ? " (" : "", fl, und ? ")" : "", fail);
    total_cases += nr_cases;
    total_fail += fail;
    total_undef += und;
    if (fail) {
        test_fail(__FILE__, __LINE__, "%s: %u of %u cases differ from the host",
                  name, fail, nr_cases);
    }
}

/* build/tests/test-difftest -> build/difftest-native64 */
static void native_path(char *buf, size_t len)
{
    const char *e = getenv("DIFFTEST_NATIVE");
    if (e && *e) {
        snprintf(buf, len, "%s", e);
        return;
    }
    char exe[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0) {
        snprintf(buf, len, "build/difftest-native64");
        return;
    }
    exe[n] = 0;
    char *s = strrchr(exe, '/');
    if (s) {
        *s = 0;
        s = strrchr(exe, '/');
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
    first_case = env_u32("DIFFTEST_FIRST", 0);
    show = env_u32("DIFFTEST_SHOW", show);
    strict = env_u32("DIFFTEST_STRICT", 0) != 0;
    if (getenv("DIFFTEST_SEED")) {
        run_seed = strtoull(getenv("DIFFTEST_SEED"), NULL, 0);
    }
    const char *only = getenv("DIFFTEST_ONLY");

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
    if (!native_start(&native, path, NULL, why, sizeof(why))) {
        printf("SKIP: native runner unavailable: %s\n", why);
        return 77;
    }
    unsigned a, b, c, d;
    if (!__get_cpuid(0x80000001, &a, &b, &c, &d) || !(c & 1)) {
        dt_lahf64 = false;
        printf("difftest: LAHF/SAHF not checked: the host CPU lacks them "
               "in 64-bit mode (CPUID 80000001h ECX bit 0)\n");
    }
    for (unsigned i = 0; i < DT_NR_UNCHECKED; i++) {
        printf("difftest: not checked natively: %s: %s\n",
               dt_unchecked[i].what, dt_unchecked[i].why);
    }
    if (!emu_setup()) {
        test_fail(__FILE__, __LINE__, "tcg accelerator unavailable");
        native_stop(&native);
        return test_finish();
    }
    printf("difftest: seed %#llx, %u cases per class, native %s\n",
           (unsigned long long)run_seed, nr_cases, path);
    time_t t0 = time(NULL);
    for (cur_class = 0; cur_class < (int)DT_NR_CLASSES; cur_class++) {
        if (only && strcmp(only, dt_classes[cur_class].name)) {
            continue;
        }
        char tname[64];
        snprintf(tname, sizeof(tname), "difftest_%s",
                 dt_classes[cur_class].name);
        test_run_one(tname, run_class);
    }
    native_stop(&native);
    printf("difftest: %llu cases, %llu undefined-flag divergences, "
           "%llu failures, %lds\n", (unsigned long long)total_cases,
           (unsigned long long)total_undef, (unsigned long long)total_fail,
           (long)(time(NULL) - t0));
    return test_finish();
}
