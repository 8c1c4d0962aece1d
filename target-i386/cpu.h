/*
 * x86 architectural state, shared by every accelerator.
 *
 * Whatever runs the guest (the translator, KVM) keeps this struct current
 * when asked (accel get_state) and loads it when it changes (put_state), so
 * "info registers", the gdbstub, a crash report and snapshots see the same
 * registers under any accelerator.  Generated code addresses it through
 * offsetof(), so field order is part of the translator's ABI: hot fields
 * first.
 *
 * Registers are 64 bits wide so that a long-mode guest under KVM fits; a
 * 32-bit guest uses the low halves.
 */
#ifndef TARGET_I386_CPU_H
#define TARGET_I386_CPU_H

#include "emu/common.h"

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { R_ES, R_CS, R_SS, R_DS, R_FS, R_GS };

/* EFLAGS (SDM vol. 1, 3.4.3) */
#define CC_C 0x0001
#define CC_P 0x0004
#define CC_A 0x0010
#define CC_Z 0x0040
#define CC_S 0x0080
#define CC_O 0x0800
#define TF_MASK 0x00000100
#define IF_MASK 0x00000200
#define DF_MASK 0x00000400
#define IOPL_MASK 0x00003000
#define NT_MASK 0x00004000
#define RF_MASK 0x00010000
#define VM_MASK 0x00020000
#define AC_MASK 0x00040000
#define VIF_MASK 0x00080000
#define VIP_MASK 0x00100000
#define ID_MASK 0x00200000

/* CR0 / CR4 (SDM vol. 3, 2.5) */
#define CR0_PE_MASK (1u << 0)
#define CR0_MP_MASK (1u << 1)
#define CR0_EM_MASK (1u << 2)
#define CR0_TS_MASK (1u << 3)
#define CR0_ET_MASK (1u << 4)
#define CR0_NE_MASK (1u << 5)
#define CR0_WP_MASK (1u << 16)
#define CR0_AM_MASK (1u << 18)
#define CR0_NW_MASK (1u << 29)
#define CR0_CD_MASK (1u << 30)
#define CR0_PG_MASK (1u << 31)
#define CR4_VME_MASK (1u << 0)
#define CR4_PVI_MASK (1u << 1)
#define CR4_TSD_MASK (1u << 2)
#define CR4_DE_MASK (1u << 3)
#define CR4_PSE_MASK (1u << 4)
#define CR4_PAE_MASK (1u << 5)
#define CR4_MCE_MASK (1u << 6)
#define CR4_PGE_MASK (1u << 7)
#define CR4_PCE_MASK (1u << 8)
#define CR4_OSFXSR_MASK (1u << 9)
#define CR4_OSXMMEXCPT_MASK (1u << 10)

#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

/*
 * Segment descriptor attribute bits, kept as in the descriptor's high dword
 * (SDM vol. 3, 3.4.5): type in 8-11, S 12, DPL 13-14, P 15, AVL 20, L 21,
 * D/B 22, G 23.
 */
#define DESC_TYPE_SHIFT 8
#define DESC_A_MASK (1u << 8)
#define DESC_W_MASK (1u << 9)   /* data: writable */
#define DESC_R_MASK (1u << 9)   /* code: readable */
#define DESC_E_MASK (1u << 10)  /* data: expand down */
#define DESC_C_MASK (1u << 10)  /* code: conforming */
#define DESC_CS_MASK (1u << 11) /* code (vs data) */
#define DESC_S_MASK (1u << 12)
#define DESC_DPL_SHIFT 13
#define DESC_P_MASK (1u << 15)
#define DESC_L_MASK (1u << 21)
#define DESC_B_MASK (1u << 22)
#define DESC_G_MASK (1u << 23)

/* Exception vectors */
enum {
    EXCP00_DIVZ, EXCP01_DB, EXCP02_NMI, EXCP03_INT3, EXCP04_INTO,
    EXCP05_BOUND, EXCP06_ILLOP, EXCP07_PREX, EXCP08_DBLE, EXCP09_XERR,
    EXCP0A_TSS, EXCP0B_NOSEG, EXCP0C_STACK, EXCP0D_GPF, EXCP0E_PAGE,
    EXCP10_COPR = 16, EXCP11_ALGN, EXCP12_MCHK, EXCP13_XMM,
};

/* MSRs we model (SDM vol. 4) */
#define MSR_IA32_TSC 0x10
#define MSR_IA32_APICBASE 0x1b
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_FIRST 0x800 /* register r (xAPIC offset 16 * r) */
#define MSR_X2APIC_LAST 0x8ff
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_MTRRcap 0xfe
#define MSR_MTRRphysBase0 0x200
#define MSR_MTRRfix64K_00000 0x250
#define MSR_MTRRfix16K_80000 0x258
#define MSR_MTRRfix16K_A0000 0x259
#define MSR_MTRRfix4K_C0000 0x268
#define MSR_PAT 0x277
#define MSR_MTRRdefType 0x2ff
#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_FMASK 0xc0000084
#define MSR_FSBASE 0xc0000100
#define MSR_GSBASE 0xc0000101
#define MSR_KERNELGSBASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103

typedef struct SegmentCache {
    uint32_t selector;
    uint32_t flags;           /* DESC_* attribute bits */
    uint64_t base;
    uint32_t limit;           /* byte granular (G already applied) */
} SegmentCache;

/* An x87 register: 64-bit significand, sign+15-bit exponent. */
typedef struct FPReg {
    uint64_t mant;
    uint16_t exp;
} FPReg;

typedef union XMMReg {
    uint8_t b[16];
    uint16_t w[8];
    uint32_t l[4];
    uint64_t q[2];
} XMMReg;

/*
 * The local APIC as the CPU core sees it (hw/intc/apic.c implements it;
 * NULL ops: the CPU has none).  Called on the vCPU thread under the
 * global lock.  A false return makes the instruction raise #GP(0).
 */
typedef struct X86APICOps {
    uint64_t (*get_base)(void *apic);              /* RDMSR IA32_APIC_BASE */
    bool (*set_base)(void *apic, uint64_t val);    /* WRMSR IA32_APIC_BASE */
    /* x2APIC registers (MSR 0x800-0x8ff) and IA32_TSC_DEADLINE (0x6e0). */
    bool (*msr_read)(void *apic, uint32_t msr, uint64_t *val);
    bool (*msr_write)(void *apic, uint32_t msr, uint64_t val);
    uint8_t (*get_cr8)(void *apic);                /* TPR[7:4] */
    void (*set_cr8)(void *apic, uint8_t val);
    void (*init)(void *apic);      /* INIT: registers to their INIT state */
} X86APICOps;

typedef struct CPUX86State {
    /* Hot state first: generated code addresses these by offsetof(). */
    uint64_t regs[16];
    uint64_t eip;
    uint32_t eflags;          /* without the lazily computed arithmetic flags
                                 while the translator runs; complete after
                                 get_state */
    uint32_t cc_op;           /* lazy flags: the last flag-setting operation */
    uint64_t cc_src, cc_dst, cc_src2;
    int32_t df;               /* +1 or -1 */
    uint32_t hflags;          /* translation flags: CPL, modes (translator) */
    uint32_t a20_mask;        /* 0xffefffff while A20 is masked */

    SegmentCache segs[6];
    SegmentCache ldt, tr, gdt, idt;   /* gdt/idt: base and limit only */

    uint64_t cr[5];           /* cr[1] unused */
    uint64_t efer;
    uint64_t dr[8];

    /* x87 / MMX (SDM vol. 1, 8.1) */
    FPReg fpregs[8];
    unsigned fpstt;           /* top of stack */
    uint16_t fpuc, fpus;
    uint8_t fptags[8];        /* 1 = empty */
    uint16_t fpop;
    uint64_t fpip, fpdp;
    uint16_t fpcs, fpds;

    /* SSE (vol. 1, 10.2) */
    XMMReg xmm[16];
    uint32_t mxcsr;

    /* MSRs */
    uint64_t tsc;             /* value of the TSC at the last get_state */
    uint64_t apic_base;
    uint32_t sysenter_cs;
    uint64_t sysenter_esp, sysenter_eip;
    uint64_t pat;
    uint64_t mtrr_deftype;
    uint64_t mtrr_fixed[11];
    uint64_t mtrr_var[8][2];  /* base, mask */
    uint64_t star, lstar, cstar, fmask, kernelgsbase, tsc_aux;

    /* Events */
    bool interrupt_injected;  /* KVM: an interrupt is pending delivery */
    int32_t pending_vector;
    bool nmi_pending;
    bool nmi_blocked;         /* TCG: an NMI was delivered, none until IRET */
    bool halted;
    bool wait_sipi;           /* after INIT, an AP waits for a STARTUP IPI */

    /* CPUID model (target-i386/cpuid.c) */
    uint32_t cpuid_level;
    uint32_t cpuid_xlevel;
    uint32_t cpuid_vendor[3];
    uint32_t cpuid_version;       /* leaf 1 EAX */
    uint32_t cpuid_features;      /* leaf 1 EDX */
    uint32_t cpuid_ext_features;  /* leaf 1 ECX */
    uint32_t cpuid_ext2_features; /* leaf 0x80000001 EDX */
    uint32_t cpuid_ext3_features; /* leaf 0x80000001 ECX */
    uint32_t cpuid_model_id[12];  /* brand string, leaves 0x80000002-4 */
    uint32_t cpuid_apic_id;       /* initial APIC ID (leaf 1 EBX 31-24) */
    /* Topology (-smp cores=,threads=): cores per package, threads per
     * core; 1 and 1 unless the machine says otherwise. */
    uint8_t cpuid_cores, cpuid_threads;
    uint32_t cpuid_platform;      /* X86_PLAT_*: what the machine adds */

    /* The local APIC (set by the board; see X86APICOps). */
    const X86APICOps *apic_ops;
    void *apic;

    /* The translator's x86 exec state (target-i386/tcg-cpu.c): nested
     * exception delivery (#DF, triple fault), the debug registers the TLB
     * was built for, data breakpoints hit by the last block (DR6 B0-B3),
     * those a MOV SS / POP SS hit, held back until the end of the next
     * instruction, RF when the block started, the A20 mask the TLB was
     * built for. */
    int32_t excp_depth;
    int32_t cur_excp;
    uint64_t tlb_dr[8];
    uint32_t pending_db;
    uint32_t held_db;
    bool rf_at_entry;
    uint32_t tlb_a20_mask;
    uint8_t fault_ss;         /* X86_INSN_SS_EA / X86_INSN_STACK (tcg-x86.h) */

    /* From here on accel/tcg's (tcg-cpu-ops.h), addressed by generated
     * code: a nonzero
     * exit_request makes the next block return to the exec loop; tcg_tlb
     * is the software TLB (TCGTLBEntry[4][4096], tcg/tcg-backend.h);
     * tcg_tlb_log lists the entries filled since the last flush (mode *
     * 4096 + index) so a flush clears only those, unless tcg_tlb_nlog went
     * past the log's size; tcg_jc is this vCPU's jump cache (TCGCPU.jc). */
    volatile int32_t exit_request;
    void *const *tcg_jc;
    uint32_t tcg_tlb_nlog;
    uint16_t tcg_tlb_log[512];
    uint8_t tcg_tlb[4 * 4096 * 32] __attribute__((aligned(64)));
} CPUX86State;

/* Architectural power-on/INIT state (SDM vol. 3, 9.1.1, table 9-1). */
void x86_cpu_reset_state(CPUX86State *env);
/*
 * INIT (an INIT IPI; SDM vol. 3, 9.1.1 and table 9-1): the registers as
 * after RESET, except what INIT leaves alone (x87/SSE state, MTRRs, PAT,
 * the other MSRs, the TSC).  The BSP then runs from the reset vector; an
 * AP (not the BSP in IA32_APIC_BASE) waits for a STARTUP IPI.
 */
void x86_cpu_init_state(CPUX86State *env);
/* STARTUP IPI with vector v on a CPU waiting for one: real mode at
 * v * 0x1000 (CS = v << 8, IP = 0).  Ignored by a CPU not waiting. */
void x86_cpu_sipi(CPUX86State *env, uint8_t vector);
/* Print the registers as "info registers" does. */
void x86_cpu_dump_state(FILE *f, const CPUX86State *env);
/* Set a segment from a real-mode selector (base = sel << 4). */
void x86_load_seg_real(CPUX86State *env, int seg, uint16_t sel);

#endif
