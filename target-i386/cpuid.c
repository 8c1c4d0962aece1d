/*
 * x86 CPU models and CPUID leaves (SDM vol. 2A, "CPUID"; AMD APM vol. 3,
 * appendix E for the extended leaves).
 *
 * The table holds what differs between models; x86_cpuid() computes every
 * leaf from the fields x86_cpu_model_init() puts in CPUX86State, so the
 * translator and KVM agree.  Cache leaves (2, 4, 0x80000005/6) describe one
 * plausible cache hierarchy for every model: guests only size loops by
 * them.
 */
#include "emu/common.h"
#include "target-i386/cpuid.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define HAVE_HOST_CPUID 1
#endif

#define I486_FEATURES (CPUID_FP87 | CPUID_VME | CPUID_PSE)
#define PENTIUM_FEATURES                                                     \
    (I486_FEATURES | CPUID_DE | CPUID_TSC | CPUID_MSR | CPUID_MCE |          \
     CPUID_CX8 | CPUID_MMX | CPUID_APIC)
#define PENTIUM2_FEATURES                                                    \
    (PENTIUM_FEATURES | CPUID_PAE | CPUID_SEP | CPUID_MTRR | CPUID_PGE |     \
     CPUID_MCA | CPUID_CMOV | CPUID_PAT | CPUID_PSE36 | CPUID_FXSR)
#define PENTIUM3_FEATURES (PENTIUM2_FEATURES | CPUID_SSE)
/* The P6 baseline QEMU's qemu32/qemu64 build on. */
#define PPRO_FEATURES                                                        \
    (CPUID_FP87 | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_MCE | \
     CPUID_CX8 | CPUID_PGE | CPUID_CMOV | CPUID_PAT | CPUID_FXSR |           \
     CPUID_MMX | CPUID_SSE | CPUID_SSE2 | CPUID_PAE | CPUID_SEP | CPUID_APIC)
#define QEMU64_FEATURES                                                      \
    (PPRO_FEATURES | CPUID_MTRR | CPUID_CLFLUSH | CPUID_MCA | CPUID_PSE36)

typedef struct X86CPUModel {
    const char *name;
    const char *desc;
    const char *vendor;       /* 12 characters */
    int family, model, stepping;
    uint32_t level, xlevel;
    uint32_t features, ext_features, ext2_features, ext3_features;
    const char *model_id;     /* brand string, up to 48 characters */
} X86CPUModel;

static const X86CPUModel x86_models[] = {
    {
        .name = "486", .desc = "Intel 486 (DX4 class)",
        .vendor = "GenuineIntel", .family = 4, .model = 8, .stepping = 0,
        .level = 1, .xlevel = 0,
        .features = I486_FEATURES,
        .model_id = "",
    },
    {
        .name = "pentium", .desc = "Intel Pentium with MMX",
        .vendor = "GenuineIntel", .family = 5, .model = 4, .stepping = 3,
        .level = 1, .xlevel = 0,
        .features = PENTIUM_FEATURES,
        .model_id = "",
    },
    {
        .name = "pentium2", .desc = "Intel Pentium II",
        .vendor = "GenuineIntel", .family = 6, .model = 5, .stepping = 2,
        .level = 2, .xlevel = 0,
        .features = PENTIUM2_FEATURES,
        .model_id = "",
    },
    {
        .name = "pentium3", .desc = "Intel Pentium III",
        .vendor = "GenuineIntel", .family = 6, .model = 7, .stepping = 3,
        .level = 3, .xlevel = 0,
        .features = PENTIUM3_FEATURES,
        .model_id = "",
    },
    {
        .name = "qemu32", .desc = "P6-class virtual CPU, no long mode (default)",
        .vendor = "GenuineIntel", .family = 6, .model = 6, .stepping = 3,
        .level = 4, .xlevel = 0x80000004,
        .features = PPRO_FEATURES,
        .ext_features = CPUID_EXT_SSE3,
        .model_id = "emu Virtual CPU (qemu32)",
    },
    {
        .name = "qemu64", .desc = "x86-64 virtual CPU (AMD K8 class)",
        .vendor = "AuthenticAMD", .family = 15, .model = 107, .stepping = 1,
        .level = 0xd, .xlevel = 0x80000008,
        .features = QEMU64_FEATURES,
        .ext_features = CPUID_EXT_SSE3 | CPUID_EXT_CX16,
        .ext2_features = (QEMU64_FEATURES & CPUID_EXT2_AMD_ALIASES) |
                         CPUID_EXT2_LM | CPUID_EXT2_SYSCALL | CPUID_EXT2_NX,
        .ext3_features = CPUID_EXT3_LAHF_LM,
        .model_id = "emu Virtual CPU (qemu64)",
    },
    {
        /* Without KVM: what the translator implements (no SSSE3, SSE4 or
         * POPCNT: the 0F 38/0F 3A maps and F3 0F B8 are not decoded). */
        .name = "max", .desc = "all features emu models (KVM: all the host has)",
        .vendor = "GenuineIntel", .family = 6, .model = 15, .stepping = 11,
        .level = 0xd, .xlevel = 0x80000008,
        .features = QEMU64_FEATURES,
        .ext_features = CPUID_EXT_SSE3 | CPUID_EXT_CX16,
        .ext2_features = CPUID_EXT2_LM | CPUID_EXT2_SYSCALL | CPUID_EXT2_NX,
        .ext3_features = CPUID_EXT3_LAHF_LM,
        .model_id = "emu max CPU",
    },
};

static uint32_t encode_version(int family, int model, int stepping)
{
    uint32_t v = stepping & 0xf;

    /* Extended family/model fields: SDM vol. 2A, CPUID leaf 1, fig. 3-6. */
    if (family > 15) {
        v |= 15 << 8;
        v |= (uint32_t)(family - 15) << 20;
    } else {
        v |= (uint32_t)family << 8;
    }
    v |= (uint32_t)(model & 0xf) << 4;
    v |= (uint32_t)((model >> 4) & 0xf) << 16;
    return v;
}

static void set_string_regs(uint32_t *dst, int nwords, const char *s)
{
    char buf[48] = { 0 };

    memcpy(buf, s, MIN(strlen(s), sizeof(buf)));
    for (int i = 0; i < nwords; i++) {
        dst[i] = ldl_le_p(buf + 4 * i);
    }
}

static void set_vendor(CPUX86State *env, const char *vendor)
{
    /* CPUID.0 returns the vendor in EBX, EDX, ECX order. */
    set_string_regs(env->cpuid_vendor, 3, vendor);
}

#ifdef HAVE_HOST_CPUID
static void host_model_init(CPUX86State *env)
{
    unsigned a, b, c, d;

    __cpuid(0, a, b, c, d);
    env->cpuid_level = a;
    env->cpuid_vendor[0] = b;
    env->cpuid_vendor[1] = d;
    env->cpuid_vendor[2] = c;
    __cpuid(1, a, b, c, d);
    env->cpuid_version = a;
    env->cpuid_features = d;
    env->cpuid_ext_features = c;
    __cpuid(0x80000000, a, b, c, d);
    env->cpuid_xlevel = a >= 0x80000000 ? a : 0;
    if (env->cpuid_xlevel >= 0x80000001) {
        __cpuid(0x80000001, a, b, c, d);
        env->cpuid_ext2_features = d;
        env->cpuid_ext3_features = c;
    }
    if (env->cpuid_xlevel >= 0x80000004) {
        for (int i = 0; i < 3; i++) {
            __cpuid(0x80000002 + i, a, b, c, d);
            env->cpuid_model_id[4 * i] = a;
            env->cpuid_model_id[4 * i + 1] = b;
            env->cpuid_model_id[4 * i + 2] = c;
            env->cpuid_model_id[4 * i + 3] = d;
        }
    }
}
#endif

void x86_cpuid_filter(uint32_t platform, uint32_t leaf, uint32_t subleaf,
                      uint32_t *eax, uint32_t *ebx, uint32_t *ecx,
                      uint32_t *edx)
{
    (void)subleaf;
    bool apic = platform & X86_PLAT_APIC;
    bool x2apic = apic && (platform & X86_PLAT_X2APIC);
    switch (leaf) {
    case 1:
        if (!x2apic) {
            *ecx &= ~(CPUID_EXT_X2APIC | CPUID_EXT_TSC_DEADLINE);
        }
        if (!apic) {
            *edx &= ~CPUID_APIC;
        }
        break;
    case 6:
        if (!apic) {
            *eax &= ~CPUID_6_EAX_ARAT;
        }
        break;
    case 0xb:
        /* x2APIC topology: none without an APIC (x86_cpuid_topology
         * describes it when there is one). */
        if (!apic) {
            *eax = *ebx = *ecx = *edx = 0;
        }
        break;
    case 0x1f:
        /* V2 extended topology: not offered (leaf 0xB says it all). */
        *eax = *ebx = *ecx = *edx = 0;
        break;
    case 0x80000001:
        *ecx &= ~CPUID_EXT3_EXTAPIC;
        if (!apic) {
            *edx &= ~CPUID_APIC;
        }
        break;
    default:
        break;
    }
}

bool x86_cpu_model_is_host(const char *model)
{
    return model && !strcmp(model, "host");
}

int x86_cpu_model_init(CPUX86State *env, const char *model, Error **errp)
{
    const X86CPUModel *m = NULL;

    if (!model) {
        model = X86_CPU_DEFAULT_MODEL;
    }
    env->cpuid_level = env->cpuid_xlevel = 0;
    env->cpuid_features = env->cpuid_ext_features = 0;
    env->cpuid_ext2_features = env->cpuid_ext3_features = 0;
    memset(env->cpuid_model_id, 0, sizeof(env->cpuid_model_id));
    env->cpuid_apic_id = 0;  /* the board sets these after */
    env->cpuid_platform = 0;
    env->cpuid_cores = env->cpuid_threads = 1;

    if (x86_cpu_model_is_host(model)) {
#ifdef HAVE_HOST_CPUID
        host_model_init(env);
        return 0;
#else
        error_setg(errp, "CPU model 'host' needs an x86 host");
        return -EINVAL;
#endif
    }
    for (size_t i = 0; i < ARRAY_SIZE(x86_models); i++) {
        if (!strcmp(x86_models[i].name, model)) {
            m = &x86_models[i];
            break;
        }
    }
    if (!m) {
        char list[256] = "";
        for (size_t i = 0; i < ARRAY_SIZE(x86_models); i++) {
            strcat(list, x86_models[i].name);
            strcat(list, ", ");
        }
        strcat(list, "host");
        error_setg(errp, "unknown CPU model '%s' (known models: %s; "
                   "'-cpu help' describes them)", model, list);
        return -EINVAL;
    }
    set_vendor(env, m->vendor);
    env->cpuid_level = m->level;
    env->cpuid_xlevel = m->xlevel;
    env->cpuid_version = encode_version(m->family, m->model, m->stepping);
    env->cpuid_features = m->features;
    /* Every model says it runs under a hypervisor, as QEMU's do: guests
     * then expect no real PMU or microcode (Linux: "PMU not available due
     * to virtualization" instead of "Broken PMU hardware detected"). */
    env->cpuid_ext_features = m->ext_features | CPUID_EXT_HYPERVISOR;
    env->cpuid_ext2_features = m->ext2_features;
    env->cpuid_ext3_features = m->ext3_features;
    set_string_regs(env->cpuid_model_id, 12, m->model_id);
    return 0;
}

void x86_cpu_model_list(FILE *f)
{
    fprintf(f, "Available CPU models (default: %s):\n",
            X86_CPU_DEFAULT_MODEL);
    for (size_t i = 0; i < ARRAY_SIZE(x86_models); i++) {
        fprintf(f, "  %-10s %s\n", x86_models[i].name, x86_models[i].desc);
    }
    fprintf(f, "  %-10s %s\n", "host", "the host CPU's own CPUID (KVM only)");
}

/*
 * Deterministic cache parameters (leaf 4), one entry per subleaf:
 * L1 data 32 KiB, L1 instruction 32 KiB, L2 unified 2 MiB; 64-byte lines.
 */
static void cpuid_cache_leaf4(uint32_t subleaf, uint32_t *eax, uint32_t *ebx,
                              uint32_t *ecx, uint32_t *edx)
{
    static const struct {
        int type, level, ways, sets;
    } caches[] = {
        { 1, 1, 8, 64 },      /* data */
        { 2, 1, 8, 64 },      /* instruction */
        { 3, 2, 16, 2048 },   /* unified */
    };

    *eax = *ebx = *ecx = *edx = 0;
    if (subleaf >= ARRAY_SIZE(caches)) {
        return;               /* type 0: no more caches */
    }
    /* EAX: type 4-0, level 7-5, self-initializing 8. */
    *eax = caches[subleaf].type | (caches[subleaf].level << 5) | (1u << 8);
    /* EBX: ways-1 31-22, partitions-1 21-12, line size-1 11-0. */
    *ebx = ((uint32_t)(caches[subleaf].ways - 1) << 22) | (64 - 1);
    *ecx = caches[subleaf].sets - 1;
}

int x86_cpu_phys_bits(const CPUX86State *env)
{
    /* 40 with long mode (what leaf 0x80000008 reports); without it 36
     * with PAE (0x80000008 says so too where the model has it), else 32
     * (SDM vol. 3, 4.1.4). */
    if (env->cpuid_ext2_features & CPUID_EXT2_LM) {
        return 40;
    }
    return (env->cpuid_features & CPUID_PAE) ? 36 : 32;
}

void x86_cpuid(const CPUX86State *env, uint32_t leaf, uint32_t subleaf,
               uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx)
{
    *eax = *ebx = *ecx = *edx = 0;

    if (leaf >= 0x80000000) {
        if (leaf > env->cpuid_xlevel) {
            leaf = env->cpuid_level;
        }
    } else if (leaf > env->cpuid_level) {
        leaf = env->cpuid_level;
    }

    switch (leaf) {
    case 0:
        *eax = env->cpuid_level;
        *ebx = env->cpuid_vendor[0];
        *edx = env->cpuid_vendor[1];
        *ecx = env->cpuid_vendor[2];
        break;
    case 1:
        *eax = env->cpuid_version;
        /* EBX: CLFLUSH line size in 8-byte units (15-8), one logical
         * processor (23-16), the initial APIC ID (31-24). */
        *ebx = (1u << 16) | (env->cpuid_apic_id << 24); /* see topology */
        if (env->cpuid_features & CPUID_CLFLUSH) {
            *ebx |= 8 << 8;
        }
        *ecx = env->cpuid_ext_features;
        *edx = env->cpuid_features;
        break;
    case 2:
        /* One iteration; descriptors 0x2c (L1D 32K), 0x30 (L1I 32K),
         * 0x7d (L2 2M). */
        *eax = 0x00000001;
        *edx = 0x002c307d;
        break;
    case 4:
        cpuid_cache_leaf4(subleaf, eax, ebx, ecx, edx);
        break;
    case 0x80000000:
        *eax = env->cpuid_xlevel;
        if (env->cpuid_vendor[0] == 0x68747541) {   /* "Auth"enticAMD */
            *ebx = env->cpuid_vendor[0];
            *edx = env->cpuid_vendor[1];
            *ecx = env->cpuid_vendor[2];
        }
        break;
    case 0x80000001:
        *eax = env->cpuid_version;
        *ecx = env->cpuid_ext3_features;
        *edx = env->cpuid_ext2_features;
        break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
        const uint32_t *p = &env->cpuid_model_id[(leaf - 0x80000002) * 4];
        *eax = p[0];
        *ebx = p[1];
        *ecx = p[2];
        *edx = p[3];
        break;
    }
    case 0x80000005:
        /* AMD L1: TLBs, then 64 KiB 2-way data and instruction caches. */
        *eax = 0x01ff01ff;
        *ebx = 0x01ff01ff;
        *ecx = 0x40020140;
        *edx = 0x40020140;
        break;
    case 0x80000006:
        /* L2: 512 KiB, 16-way (code 8), 64-byte lines. */
        *ecx = (512u << 16) | (0x8 << 12) | 64;
        break;
    case 0x80000008:
        /* 48 linear address bits with long mode, 32 otherwise. */
        *eax = x86_cpu_phys_bits(env) |
               ((env->cpuid_ext2_features & CPUID_EXT2_LM) ? 48 : 32) << 8;
        break;
    default:
        /* Leaves 3, 5-0xd and 0x80000007: no feature of ours lives there. */
        break;
    }
    x86_cpuid_filter(env->cpuid_platform, leaf, subleaf, eax, ebx, ecx, edx);
    x86_cpuid_topology(env, leaf, subleaf, eax, ebx, ecx, edx);
}

/* Bits of an APIC ID field that numbers count things. */
static int topo_width(int count)
{
    return count > 1 ? 32 - __builtin_clz((unsigned)count - 1) : 0;
}

uint32_t x86_topo_apic_id(int index, int cores, int threads)
{
    cores = cores > 0 ? cores : 1;
    threads = threads > 0 ? threads : 1;
    int tw = topo_width(threads), cw = topo_width(cores);
    uint32_t thread = index % threads;
    uint32_t core = (index / threads) % cores;
    uint32_t pkg = index / (threads * cores);
    return (pkg << (cw + tw)) | (core << tw) | thread;
}

void x86_cpuid_topology(const CPUX86State *env, uint32_t leaf,
                        uint32_t subleaf, uint32_t *eax, uint32_t *ebx,
                        uint32_t *ecx, uint32_t *edx)
{
    int cores = env->cpuid_cores ? env->cpuid_cores : 1;
    int threads = env->cpuid_threads ? env->cpuid_threads : 1;
    int tw = topo_width(threads), cw = topo_width(cores);
    uint32_t logical = (uint32_t)(cores * threads);

    switch (leaf) {
    case 1:
        /* EBX 23-16: logical processors per package, valid with HTT. */
        *ebx = (*ebx & 0x0000ffff) | (env->cpuid_apic_id << 24) |
               (MIN(logical, 255u) << 16);
        if (logical > 1) {
            *edx |= CPUID_HTT;
        } else {
            *edx &= ~CPUID_HTT;
        }
        break;
    case 4:
        /* EAX 31-26: cores per package - 1; 25-14: logical processors
         * sharing the cache - 1 (the L1s and the L2 are per core). */
        if (*eax & 0x1f) {
            *eax = (*eax & 0x3fff) | ((uint32_t)(cores - 1) << 26) |
                   ((uint32_t)(threads - 1) << 14);
        }
        break;
    case 0xb:
        if (!(env->cpuid_platform & X86_PLAT_APIC)) {
            break; /* x86_cpuid_filter left it empty */
        }
        /* Extended topology: level 0 SMT, level 1 core, then none. ECX
         * 15-8 the level type (1 SMT, 2 core), 7-0 the level number; EAX
         * the shift to the next level's ID; EBX the processors at it. */
        *edx = env->cpuid_apic_id;
        *ecx = subleaf & 0xff;
        if (subleaf == 0) {
            *eax = tw;
            *ebx = threads;
            *ecx |= 1u << 8;
        } else if (subleaf == 1) {
            *eax = tw + cw;
            *ebx = logical;
            *ecx |= 2u << 8;
        } else {
            *eax = *ebx = 0;
        }
        break;
    case 0x80000008:
        /* ECX 7-0: logical processors per package - 1; 15-12: the APIC ID
         * bits that number them (AMD's NC and ApicIdCoreIdSize). */
        *ecx = (*ecx & ~0xf0ffu) | (logical - 1) |
               (logical > 1 ? (uint32_t)(tw + cw) << 12 : 0);
        break;
    default:
        break;
    }
}
