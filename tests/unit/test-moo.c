/*
 * The 80286 single-step vectors (../shared/testdata/80286, MOO format:
 * https://github.com/dbalsom/moo, doc/moo_format_v1.md) run under the
 * translator: each test loads the initial registers and RAM into a flat
 * real-mode CPU with 16 MiB of RAM, runs the instruction and the HLT after
 * it, and compares registers (flags masked by metadata.json's undefined
 * flags) and the final RAM.
 *
 * Usage: build/tests/test-moo [DIR] [-v]   (DIR default: <testdata>/80286)
 *   MOO_LIMIT=n   tests per file (default 200; 0 = all)
 *   MOO_ONLY=xx   only files whose name starts with xx
 * One test per opcode file: it fails when its pass rate drops below the
 * rate recorded in tests/unit/moo-baseline.txt; a rate above the baseline
 * is reported ("raise the baseline").
 *
 * Why some vectors cannot pass on a P6-class CPU (we emulate qemu32): see
 * docs in the report and the comments at the 286 differences below.
 */
#include "tests/unit/harness.h"
#include "tests/unit/x86-harness.h"

#include <dirent.h>

#define RAM_SIZE X86H_RAM_SIZE

static char *metadata;
static const char *moo_dir;
static bool verbose;
static long limit = 200;
static int total_pass, total_run;

typedef struct Baseline {
    char name[16];
    double pct;
} Baseline;
static Baseline baseline[512];
static int nr_baseline;

/* ---- MOO reading ---- */

typedef struct Buf {
    const uint8_t *p;
    size_t len;
} Buf;

static uint32_t rd32(const uint8_t *p)
{
    return ldl_le_p(p);
}

/* Find a sub-chunk by id in [p, p+len). */
static bool chunk(Buf in, const char *id, Buf *out)
{
    size_t off = 0;
    while (off + 8 <= in.len) {
        uint32_t l = rd32(in.p + off + 4);
        if (off + 8 + l > in.len) {
            return false;
        }
        if (!memcmp(in.p + off, id, 4)) {
            out->p = in.p + off + 8;
            out->len = l;
            return true;
        }
        off += 8 + l;
    }
    return false;
}

/* REGS: mask then values (ax bx cx dx cs ss ds es sp bp si di ip flags). */
static uint16_t read_regs(Buf b, uint16_t vals[14])
{
    if (b.len < 2) {
        return 0;
    }
    uint16_t mask = ldw_le_p(b.p);
    size_t off = 2;
    for (int i = 0; i < 14; i++) {
        if ((mask & (1 << i)) && off + 2 <= b.len) {
            vals[i] = ldw_le_p(b.p + off);
            off += 2;
        }
    }
    return mask;
}

/*
 * Decompress through gzip(1): keeps the test free of a zlib link
 * dependency (the Makefile links every test with the same libraries).
 */
static uint8_t *gunzip_file(const char *path, size_t *len)
{
    char cmd[600];
    if (strchr(path, '\'')) {
        return NULL;
    }
    snprintf(cmd, sizeof(cmd), "gzip -dc '%s'", path);
    FILE *f = popen(cmd, "r");
    if (!f) {
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (r == 0) {
            break;
        }
        n += r;
    }
    pclose(f);
    *len = n;
    return buf;
}

/* ---- metadata.json: undefined-flag masks ---- */

static const char *obj_end(const char *p)
{
    int depth = 0;
    for (; *p; p++) {
        if (*p == '{') {
            depth++;
        } else if (*p == '}') {
            if (--depth == 0) {
                return p;
            }
        }
    }
    return p;
}

/* Find "key": { ... } inside [p, end). */
static const char *find_obj(const char *p, const char *end, const char *key,
                            const char **oend)
{
    char pat[32];
    snprintf(pat, sizeof(pat), "\"%s\"", key);
    size_t pl = strlen(pat);
    for (const char *q = p; q && q < end; q++) {
        q = strstr(q, pat);
        if (!q || q >= end) {
            return NULL;
        }
        const char *b = q + pl;
        while (*b == ' ' || *b == ':' || *b == '\n') {
            b++;
        }
        if (*b == '{') {
            *oend = obj_end(b);
            return b;
        }
    }
    return NULL;
}

static uint16_t flags_mask_for(const char *file)
{
    char op[8] = {0}, reg[4] = {0};
    sscanf(file, "%4[0-9A-F].%1[0-7]", op, reg);
    if (!metadata) {
        return 0xffff;
    }
    const char *end = metadata + strlen(metadata), *oe;
    const char *o = find_obj(metadata, end, "opcodes", &oe);
    if (!o) {
        return 0xffff;
    }
    o = find_obj(o, oe, op, &oe);
    if (!o) {
        return 0xffff;
    }
    if (reg[0]) {
        const char *re;
        const char *r = find_obj(o, oe, "reg", &re);
        if (r && (r = find_obj(r, re, reg, &re))) {
            o = r;
            oe = re;
        }
    }
    const char *m = strstr(o, "\"flags-mask\"");
    if (m && m < oe) {
        return strtoul(m + 13, NULL, 10);
    }
    return 0xffff;
}

/* ---- the machine: tests/unit/x86-harness.c ---- */

static const int reg_of[8] = {R_EAX, R_EBX, R_ECX, R_EDX, R_ESP, R_EBP,
                              R_ESI, R_EDI};
static const char *const reg_names[14] = {"ax", "bx", "cx", "dx", "cs", "ss",
                                          "ds", "es", "sp", "bp", "si", "di",
                                          "ip", "flags"};

static void load_state(const uint16_t r[14])
{
    CPUX86State *env = x86h_env();
    x86_cpu_reset_state(env);
    env->regs[R_EAX] = r[0];
    env->regs[R_EBX] = r[1];
    env->regs[R_ECX] = r[2];
    env->regs[R_EDX] = r[3];
    env->regs[R_ESP] = r[8];
    env->regs[R_EBP] = r[9];
    env->regs[R_ESI] = r[10];
    env->regs[R_EDI] = r[11];
    static const int segmap[4] = {R_CS, R_SS, R_DS, R_ES};
    for (int i = 0; i < 4; i++) {
        x86_load_seg_real(env, segmap[i], r[4 + i]);
    }
    env->segs[R_FS].base = 0;
    env->segs[R_GS].base = 0;
    env->eip = r[12];
    /* Real mode on the 286: IOPL/NT (bits 12-15) cannot be set. */
    env->eflags = (r[13] & 0x0fff) | 2;
    env->idt.limit = 0x3ff;
    env->a20_mask = ~0u;
    x86h_mark_dirty();
}

static void read_state(uint16_t r[14])
{
    CPUX86State *env = x86h_env();
    x86h_get_state();
    r[0] = env->regs[R_EAX];
    r[1] = env->regs[R_EBX];
    r[2] = env->regs[R_ECX];
    r[3] = env->regs[R_EDX];
    r[4] = env->segs[R_CS].selector;
    r[5] = env->segs[R_SS].selector;
    r[6] = env->segs[R_DS].selector;
    r[7] = env->segs[R_ES].selector;
    r[8] = env->regs[R_ESP];
    r[9] = env->regs[R_EBP];
    r[10] = env->regs[R_ESI];
    r[11] = env->regs[R_EDI];
    r[12] = env->eip;
    r[13] = env->eflags;
    (void)reg_of;
}

/* Run one TEST chunk; true if it passed. */
static bool run_test(Buf t, uint16_t fmask, const char *file, uint32_t idx)
{
    Buf init, fina, regs, ramc, name = {0}, excp = {0};
    if (!chunk(t, "INIT", &init) || !chunk(t, "FINA", &fina)) {
        return false;
    }
    chunk(t, "NAME", &name);
    bool has_excp = chunk(t, "EXCP", &excp) && excp.len >= 5;
    uint16_t ir[14] = {0}, fr[14], got[14];
    if (!chunk(init, "REGS", &regs)) {
        return false;
    }
    read_regs(regs, ir);
    uint8_t *mem = x86h_ram();
    if (chunk(init, "RAM ", &ramc)) {
        uint32_t n = rd32(ramc.p);
        for (uint32_t i = 0; i < n && 4 + i * 5 + 5 <= ramc.len; i++) {
            uint32_t a = rd32(ramc.p + 4 + i * 5);
            if (a < RAM_SIZE) {
                mem[a] = ramc.p[8 + i * 5];
            }
        }
    }
    load_state(ir);
    memcpy(fr, ir, sizeof(fr));
    if (chunk(fina, "REGS", &regs)) {
        read_regs(regs, fr);
    }
    AccelExit r = x86h_exec(4, 200);
    read_state(got);
    bool ok = r == ACCEL_EXIT_HALTED;
    char why[256] = "";
    if (!ok) {
        snprintf(why, sizeof(why), "did not halt");
    }
    for (int i = 0; i < 14 && ok; i++) {
        uint16_t m = i == 13 ? (fmask & 0x0fff) : 0xffff;
        /* bit 1 reads as one on every x86 */
        if ((got[i] & m) != (fr[i] & m)) {
            ok = false;
            snprintf(why, sizeof(why), "%s=%04x want %04x", reg_names[i],
                     got[i], fr[i]);
        }
    }
    if (ok && chunk(fina, "RAM ", &ramc)) {
        uint32_t n = rd32(ramc.p);
        /* The flags an exception pushed: at SS:SP+4 after the push (the
         * EXCP chunk's address is rounded down to even). */
        uint32_t fa = has_excp ? fr[5] * 16u + ((fr[8] + 4u) & 0xffff) : ~0u;
        for (uint32_t i = 0; i < n && 4 + i * 5 + 5 <= ramc.len; i++) {
            uint32_t a = rd32(ramc.p + 4 + i * 5);
            uint8_t want = ramc.p[8 + i * 5], have = a < RAM_SIZE ? mem[a] : 0;
            uint8_t m = 0xff;
            if (a == fa) {
                m = fmask & 0xff;
            } else if (a == fa + 1) {
                m = (fmask >> 8) & 0x0f;
            }
            if ((want & m) != (have & m)) {
                ok = false;
                snprintf(why, sizeof(why), "ram[%06x]=%02x want %02x", a,
                         have, want);
                break;
            }
        }
    }
    if (!ok && verbose) {
        printf("  %s #%u %.*s: %s\n", file, idx,
               name.len > 4 ? (int)(name.len - 4) : 0,
               name.len > 4 ? (const char *)name.p + 4 : "", why);
    }
    if (!ok && verbose && getenv("MOO_DUMP")) {
        /* MOO_DUMP=1: the whole state, to compare a failure by hand. */
        const uint16_t *rows[3] = {ir, fr, got};
        static const char *const what[3] = {"init", "want", "have"};
        for (int k = 0; k < 3; k++) {
            printf("    %s", what[k]);
            for (int i = 0; i < 14; i++) {
                printf(" %s=%04x", reg_names[i], rows[k][i]);
            }
            printf("\n");
        }
        if (has_excp) {
            printf("    exception %u\n", excp.p[0]);
        }
        printf("    code");
        for (int i = 0; i < 16; i++) {
            uint32_t a = (ir[4] * 16u + ((ir[12] + i) & 0xffff)) % RAM_SIZE;
            printf(" %02x", mem[a]);
        }
        printf("\n");
    }
    return ok;
}

static double baseline_for(const char *file)
{
    for (int i = 0; i < nr_baseline; i++) {
        if (!strcmp(baseline[i].name, file)) {
            return baseline[i].pct;
        }
    }
    return 0;
}

static char cur_file[64];

static void test_one_file(void)
{
    char path[512], base[16];
    snprintf(path, sizeof(path), "%s/%s", moo_dir, cur_file);
    snprintf(base, sizeof(base), "%.*s", (int)(strstr(cur_file, ".MOO") - cur_file),
             cur_file);
    size_t len;
    uint8_t *data = gunzip_file(path, &len);
    if (!data || len < 8 || memcmp(data, "MOO ", 4)) {
        test_fail(__FILE__, __LINE__, "%s: not a MOO file", path);
        free(data);
        return;
    }
    uint16_t fmask = flags_mask_for(base);
    size_t off = 0;
    int pass = 0, run = 0;
    while (off + 8 <= len) {
        uint32_t l = rd32(data + off + 4);
        if (off + 8 + l > len) {
            break;
        }
        if (!memcmp(data + off, "TEST", 4) && l >= 4) {
            Buf t = {data + off + 12, l - 4};
            uint32_t idx = rd32(data + off + 8);
            pass += run_test(t, fmask, base, idx);
            run++;
            if (limit && run >= limit) {
                break;
            }
        }
        off += 8 + l;
    }
    free(data);
    total_pass += pass;
    total_run += run;
    double pct = run ? 100.0 * pass / run : 0;
    double want = baseline_for(base);
    printf("  %-6s %5d/%-5d %6.2f%%%s\n", base, pass, run, pct,
           pct > want + 0.5 ? "  (above baseline: raise it)" : "");
    if (pct + 1e-9 < want) {
        test_fail(__FILE__, __LINE__, "%s: %.2f%% below baseline %.2f%%",
                  base, pct, want);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_baseline(void)
{
    FILE *f = fopen("tests/unit/moo-baseline.txt", "r");
    char line[128];
    if (!f) {
        return;
    }
    while (fgets(line, sizeof(line), f) && nr_baseline < 512) {
        Baseline *b = &baseline[nr_baseline];
        if (line[0] != '#' && sscanf(line, "%15s %lf", b->name, &b->pct) == 2) {
            nr_baseline++;
        }
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    static char dirbuf[512];
    test_init(argc, argv);
    snprintf(dirbuf, sizeof(dirbuf), "%s/80286", test_data_dir());
    moo_dir = dirbuf;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) {
            verbose = true;
        } else if (argv[i][0] != '-') {
            moo_dir = argv[i];
        }
    }
    if (getenv("MOO_LIMIT")) {
        limit = strtol(getenv("MOO_LIMIT"), NULL, 0);
    }
    const char *only = getenv("MOO_ONLY");
    DIR *d = opendir(moo_dir);
    if (!d) {
        printf("SKIP: no test vectors in %s\n", moo_dir);
        return test_finish();
    }
    char mpath[600];
    snprintf(mpath, sizeof(mpath), "%s/metadata.json", moo_dir);
    FILE *mf = fopen(mpath, "r");
    if (mf) {
        fseek(mf, 0, SEEK_END);
        long n = ftell(mf);
        fseek(mf, 0, SEEK_SET);
        metadata = calloc(1, n + 1);
        if (fread(metadata, 1, n, mf) != (size_t)n) {
            metadata[0] = 0;
        }
        fclose(mf);
    }
    load_baseline();
    x86h_init();
    /* An 80286: family 2 (the translator accepts LOCK on anything, as
     * CPUs before the 386 did). */
    x86h_env()->cpuid_version = 0x0200;

    char *names[1024];
    int nr = 0;
    struct dirent *de;
    while ((de = readdir(d)) && nr < 1024) {
        if (strstr(de->d_name, ".MOO.gz") &&
            (!only || !strncmp(de->d_name, only, strlen(only)))) {
            names[nr++] = strdup(de->d_name);
        }
    }
    closedir(d);
    qsort(names, nr, sizeof(names[0]), cmp_str);
    for (int i = 0; i < nr; i++) {
        snprintf(cur_file, sizeof(cur_file), "%s", names[i]);
        test_run_one(names[i], test_one_file);
        free(names[i]);
    }
    printf("total: %d/%d vectors passed (%.2f%%)\n", total_pass, total_run,
           total_run ? 100.0 * total_pass / total_run : 0);
    return test_finish();
}
