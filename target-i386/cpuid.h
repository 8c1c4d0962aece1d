/*
 * x86 CPU models and the CPUID instruction's answers (SDM vol. 2A, CPUID).
 *
 * A model fills the cpuid_* fields of CPUX86State (vendor, version,
 * feature words, brand string, highest leaves).  x86_cpuid() derives every
 * leaf from those fields, so the translator's CPUID helper and KVM's
 * KVM_SET_CPUID2 table give the guest the same answers.
 *
 * Models follow QEMU's names and, for the old ones, its feature sets:
 *   486, pentium, pentium2, pentium3   the historical parts
 *   qemu32  P6 class (family 6 model 6 stepping 3), no long mode: DEFAULT
 *   qemu64  AMD-style family 15 with long mode, NX, SSE3, CX16
 *   max     qemu64 plus SSSE3/SSE4.1/SSE4.2/POPCNT; under KVM: all the
 *           host supports
 *   host    the host's own CPUID (KVM only: the translator cannot run it)
 */
#ifndef TARGET_I386_CPUID_H
#define TARGET_I386_CPUID_H

#include "emu/common.h"
#include "target-i386/cpu.h"

#define X86_CPU_DEFAULT_MODEL "qemu32"

/* Leaf 1 EDX (cpuid_features) */
#define CPUID_FP87 (1u << 0)
#define CPUID_VME (1u << 1)
#define CPUID_DE (1u << 2)
#define CPUID_PSE (1u << 3)
#define CPUID_TSC (1u << 4)
#define CPUID_MSR (1u << 5)
#define CPUID_PAE (1u << 6)
#define CPUID_MCE (1u << 7)
#define CPUID_CX8 (1u << 8)
#define CPUID_APIC (1u << 9)
#define CPUID_SEP (1u << 11)
#define CPUID_MTRR (1u << 12)
#define CPUID_PGE (1u << 13)
#define CPUID_MCA (1u << 14)
#define CPUID_CMOV (1u << 15)
#define CPUID_PAT (1u << 16)
#define CPUID_PSE36 (1u << 17)
#define CPUID_PN (1u << 18)
#define CPUID_CLFLUSH (1u << 19)
#define CPUID_MMX (1u << 23)
#define CPUID_FXSR (1u << 24)
#define CPUID_SSE (1u << 25)
#define CPUID_SSE2 (1u << 26)
#define CPUID_HTT (1u << 28) /* leaf 1 EBX 23-16 counts logical CPUs */

/* Leaf 1 ECX (cpuid_ext_features) */
#define CPUID_EXT_SSE3 (1u << 0)
#define CPUID_EXT_MONITOR (1u << 3)
#define CPUID_EXT_SSSE3 (1u << 9)
#define CPUID_EXT_CX16 (1u << 13)
#define CPUID_EXT_SSE41 (1u << 19)
#define CPUID_EXT_SSE42 (1u << 20)
#define CPUID_EXT_X2APIC (1u << 21)
#define CPUID_EXT_MOVBE (1u << 22)
#define CPUID_EXT_POPCNT (1u << 23)
#define CPUID_EXT_TSC_DEADLINE (1u << 24)
#define CPUID_EXT_XSAVE (1u << 26)
#define CPUID_EXT_OSXSAVE (1u << 27)
#define CPUID_EXT_RDRAND (1u << 30)
#define CPUID_EXT_HYPERVISOR (1u << 31)

/* Leaf 0x80000001 EDX (cpuid_ext2_features) */
#define CPUID_EXT2_SYSCALL (1u << 11)
#define CPUID_EXT2_NX (1u << 20)
#define CPUID_EXT2_PDPE1GB (1u << 26)
#define CPUID_EXT2_RDTSCP (1u << 27)
#define CPUID_EXT2_LM (1u << 29)
/* AMD repeats these leaf-1 EDX bits in 0x80000001 EDX. */
#define CPUID_EXT2_AMD_ALIASES                                               \
    (CPUID_FP87 | CPUID_VME | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR |  \
     CPUID_PAE | CPUID_MCE | CPUID_CX8 | CPUID_APIC | CPUID_MTRR |            \
     CPUID_PGE | CPUID_MCA | CPUID_CMOV | CPUID_PAT | CPUID_PSE36 |           \
     CPUID_MMX | CPUID_FXSR)

/* Leaf 0x80000001 ECX (cpuid_ext3_features) */
#define CPUID_EXT3_LAHF_LM (1u << 0)
#define CPUID_EXT3_SVM (1u << 2)
#define CPUID_EXT3_EXTAPIC (1u << 3)

/* Leaf 6 EAX */
#define CPUID_6_EAX_ARAT (1u << 2)    /* APIC timer always running */

/*
 * What the machine around the core offers (env->cpuid_platform, set by the
 * board and narrowed by the accelerator): CPUID claims a local APIC (leaf 1
 * EDX bit 9, its AMD alias in 0x80000001 EDX, ARAT) only with
 * X86_PLAT_APIC, and x2APIC and the TSC-deadline timer only with
 * X86_PLAT_X2APIC.  Guests that see the bit poke 0xfee00000 and wait for an
 * APIC that does not answer.  AMD's extended APIC space is never offered.
 */
#define X86_PLAT_APIC (1u << 0)
#define X86_PLAT_X2APIC (1u << 1)

/*
 * Fill env's cpuid_* fields for the named model (NULL: the default).
 * Returns 0, or -EINVAL with an error that lists the known models.
 * Touches only the cpuid_* fields: call x86_cpu_reset_state() after it
 * (reset puts the version into EDX).
 */
int x86_cpu_model_init(CPUX86State *env, const char *model, Error **errp);

/* "-cpu help": one line per model. */
void x86_cpu_model_list(FILE *f);

/* True if name is a model whose CPUID should come from the host (KVM). */
bool x86_cpu_model_is_host(const char *model);

/*
 * The registers CPUID returns for (leaf, subleaf) on this model.  Leaf 1
 * EBX carries env->cpuid_apic_id in bits 31-24, and the topology leaves
 * describe cpuid_cores and cpuid_threads (x86_cpuid_topology).  Leaves above the highest basic/extended leaf answer as the
 * highest basic leaf, as Intel parts do.
 */
void x86_cpuid(const CPUX86State *env, uint32_t leaf, uint32_t subleaf,
               uint32_t *eax, uint32_t *ebx, uint32_t *ecx, uint32_t *edx);

/* The model is AMD's ("AuthenticAMD": "Auth" in CPUID.0 EBX), where
 * behaviour differs between vendors. */
static inline bool x86_cpu_is_amd(const CPUX86State *env)
{
    return env->cpuid_vendor[0] == 0x68747541;
}

/*
 * Topology.  The initial APIC ID of the CPU with this index when packages
 * have `cores` cores of `threads` threads: thread, core and package in
 * fields of ceil(log2(count)) bits, as real packages (and QEMU) number
 * them, so IDs are sparse when a count is not a power of two.
 */
uint32_t x86_topo_apic_id(int index, int cores, int threads);
/*
 * Make one CPUID answer describe env's topology (cpuid_apic_id,
 * cpuid_cores, cpuid_threads): leaf 1 EBX 23-16 and HTT, leaf 4 EAX
 * 31-14, leaf 0xB, leaf 0x80000008 ECX.  x86_cpuid() applies it; KVM's
 * host passthrough applies it to the host's answers.
 */
void x86_cpuid_topology(const CPUX86State *env, uint32_t leaf,
                        uint32_t subleaf, uint32_t *eax, uint32_t *ebx,
                        uint32_t *ecx, uint32_t *edx);

/* MAXPHYADDR: physical address bits (leaf 0x80000008 EAX 7-0). */
int x86_cpu_phys_bits(const CPUX86State *env);

/*
 * Remove from one CPUID answer what the machine does not have (platform:
 * X86_PLAT_* above; leaves 0xb and 0x1f, which number x2APIC IDs, are
 * empty until the topology is modelled).  x86_cpuid() applies it with
 * env->cpuid_platform; KVM applies it to the host's leaves.
 */
void x86_cpuid_filter(uint32_t platform, uint32_t leaf, uint32_t subleaf,
                      uint32_t *eax, uint32_t *ebx, uint32_t *ecx,
                      uint32_t *edx);

#endif
