/*
 * The vCPU's section of the machine state ("cpu", one per vCPU): the
 * architectural state of CPUX86State that the guest can see or that
 * decides what it does next, plus the lines into the CPU (CPUState).
 *
 * Saved after cpu_synchronize_state() (EFLAGS complete, the lazy flags
 * folded in).  Not saved, because the accelerator derives them when the
 * state is put back (the post_load makes it dirty: put_state, a TLB and
 * translation-cache flush): cc_op/cc_src/cc_dst (from EFLAGS), df, the
 * translator's exec state (excp_depth, tlb_dr, the TLB itself), the CPUID
 * model (the command line's -cpu, which must match) and the APIC
 * pointers.  The local APIC's registers are the APIC device's section.
 */
#include "emu/common.h"
#include "emu/cpu.h"
#include "migration/machine-state.h"

static const VMStateField seg_fields[] = {
    VMSTATE_U32(selector, SegmentCache),
    VMSTATE_U32(flags, SegmentCache),
    VMSTATE_U64(base, SegmentCache),
    VMSTATE_U32(limit, SegmentCache),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_segment = {
    .name = "segment",
    .version = 1,
    .fields = seg_fields,
};

static const VMStateField fpreg_fields[] = {
    VMSTATE_U64(mant, FPReg),
    VMSTATE_U16(exp, FPReg),
    VMSTATE_END_OF_LIST(),
};

static const VMStateDescription vmstate_fpreg = {
    .name = "fpreg",
    .version = 1,
    .fields = fpreg_fields,
};

#define E(f) env.f
static const VMStateField cpu_fields[] = {
    /* General registers, EIP, EFLAGS, translation-mode flags */
    VMSTATE_U64_ARRAY(E(regs), CPUState, 16),
    VMSTATE_U64(E(eip), CPUState),
    VMSTATE_U32(E(eflags), CPUState),
    VMSTATE_U32(E(hflags), CPUState),
    VMSTATE_U32(E(a20_mask), CPUState),
    /* Segments with their descriptor caches (the hidden part counts:
     * unreal mode, a stale cache after a GDT change) */
    VMSTATE_STRUCT_ARRAY(E(segs), CPUState, 6, vmstate_segment, SegmentCache),
    VMSTATE_STRUCT(E(ldt), CPUState, vmstate_segment, SegmentCache),
    VMSTATE_STRUCT(E(tr), CPUState, vmstate_segment, SegmentCache),
    VMSTATE_STRUCT(E(gdt), CPUState, vmstate_segment, SegmentCache),
    VMSTATE_STRUCT(E(idt), CPUState, vmstate_segment, SegmentCache),
    /* Control and debug registers */
    VMSTATE_U64_ARRAY(E(cr), CPUState, 5),
    VMSTATE_U64(E(efer), CPUState),
    VMSTATE_U64_ARRAY(E(dr), CPUState, 8),
    /* x87 */
    VMSTATE_STRUCT_ARRAY(E(fpregs), CPUState, 8, vmstate_fpreg, FPReg),
    VMSTATE_U32(E(fpstt), CPUState),
    VMSTATE_U16(E(fpuc), CPUState),
    VMSTATE_U16(E(fpus), CPUState),
    VMSTATE_U8_ARRAY(E(fptags), CPUState, 8),
    VMSTATE_U16(E(fpop), CPUState),
    VMSTATE_U64(E(fpip), CPUState),
    VMSTATE_U64(E(fpdp), CPUState),
    VMSTATE_U16(E(fpcs), CPUState),
    VMSTATE_U16(E(fpds), CPUState),
    /* SSE */
    VMSTATE_BUFFER(E(xmm), CPUState),
    VMSTATE_U32(E(mxcsr), CPUState),
    /* MSRs */
    VMSTATE_U64(E(tsc), CPUState),
    VMSTATE_U64(E(apic_base), CPUState),
    VMSTATE_U32(E(sysenter_cs), CPUState),
    VMSTATE_U64(E(sysenter_esp), CPUState),
    VMSTATE_U64(E(sysenter_eip), CPUState),
    VMSTATE_U64(E(pat), CPUState),
    VMSTATE_U64(E(mtrr_deftype), CPUState),
    VMSTATE_U64_ARRAY(E(mtrr_fixed), CPUState, 11),
    VMSTATE_U64_ARRAY(E(mtrr_var), CPUState, 16),
    VMSTATE_U64(E(star), CPUState),
    VMSTATE_U64(E(lstar), CPUState),
    VMSTATE_U64(E(cstar), CPUState),
    VMSTATE_U64(E(fmask), CPUState),
    VMSTATE_U64(E(kernelgsbase), CPUState),
    VMSTATE_U64(E(tsc_aux), CPUState),
    /* Events in flight */
    VMSTATE_BOOL(E(interrupt_injected), CPUState),
    VMSTATE_I32(E(pending_vector), CPUState),
    VMSTATE_BOOL(E(nmi_pending), CPUState),
    VMSTATE_BOOL(E(nmi_blocked), CPUState),
    VMSTATE_BOOL(E(halted), CPUState),
    VMSTATE_BOOL(E(wait_sipi), CPUState),
    /* The lines into the CPU and the A20 gate */
    VMSTATE_I32(intr_level, CPUState),
    VMSTATE_BOOL(nmi_request, CPUState),
    VMSTATE_BOOL(init_request, CPUState),
    VMSTATE_BOOL(sipi_request, CPUState),
    VMSTATE_U8(sipi_vector, CPUState),
    VMSTATE_BOOL(a20_enabled, CPUState),
    VMSTATE_END_OF_LIST(),
};
#undef E

static int cpu_post_load(void *opaque)
{
    CPUState *cpu = opaque;
    CPUX86State *env = &cpu->env;

    if (env->fpstt > 7 || cpu->intr_level < 0 || cpu->intr_level > 1) {
        return -EINVAL;
    }
    /* The accelerator takes the registers before the vCPU runs again
     * (put_state: lazy flags and hflags derived, TLB and translated
     * blocks dropped: the RAM under them changed). */
    cpu->state_dirty = true;
    return 0;
}

const VMStateDescription vmstate_x86_cpu = {
    .name = "cpu",
    .version = 1,
    .fields = cpu_fields,
    .post_load = cpu_post_load,
};
