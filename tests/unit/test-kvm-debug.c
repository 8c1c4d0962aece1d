/*
 * The debugger under KVM (accel/kvm/kvm-debug.c) with synthetic records:
 * the KVM_SET_GUEST_DEBUG argument built from a vCPU's breakpoints,
 * watchpoints and single step, and KVM_EXIT_DEBUG exits decoded back to
 * the hit.  This host's /dev/kvm need not run guests: no ioctl is made.
 */
#include "tests/unit/harness.h"

#ifdef CONFIG_KVM
#include "accel/kvm/kvm-internal.h"
#include "emu/cpu-debug.h"
#include "emu/runstate.h"

static CPUState cpu; /* no accelerator: cpu_debug_* only keeps the list */

static void test_build(void)
{
    struct kvm_guest_debug dbg;
    memset(&cpu, 0, sizeof(cpu));
    CHECK_EQ(kvm_debug_build(&cpu.debug, &dbg), 0);
    CHECK_EQ(dbg.control, 0);

    CHECK_EQ(cpu_debug_insert(&cpu, CPU_BP_SW, 0xc1000000, 1), 0);
    CHECK_EQ(cpu_debug_insert(&cpu, CPU_WP_WRITE, 0x1000, 4), 0);
    CHECK_EQ(cpu_debug_insert(&cpu, CPU_WP_ACCESS, 0x2008, 8), 0);
    CHECK_EQ(cpu_debug_insert(&cpu, CPU_BP_HW, 0x7c00, 1), 0);
    CHECK_EQ(kvm_debug_build(&cpu.debug, &dbg), 0);
    CHECK_EQ(dbg.control, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP);
    CHECK_EQ(dbg.arch.debugreg[0], 0xc1000000);
    CHECK_EQ(dbg.arch.debugreg[1], 0x1000);
    CHECK_EQ(dbg.arch.debugreg[2], 0x2008);
    CHECK_EQ(dbg.arch.debugreg[3], 0x7c00);
    /* G0-G3; DR0 exec/1, DR1 write/4 (01, 11), DR2 access/8 (11, 10),
     * DR3 exec; bit 10 set. */
    CHECK_EQ(dbg.arch.debugreg[7], 0xaa | 0x400 | (0x0ull << 16) |
                                       (0xdull << 20) | (0xbull << 24) |
                                       (0x0ull << 28));

    /* A fifth does not fit the debug registers. */
    CHECK_EQ(cpu_debug_insert(&cpu, CPU_BP_SW, 0x1234, 1), 0);
    CHECK_EQ(kvm_debug_build(&cpu.debug, &dbg), -ENOSPC);
    CHECK_EQ(cpu_debug_remove(&cpu, CPU_BP_SW, 0x1234, 1), 0);

    /* Read-only watchpoints: x86 has none. */
    CHECK_EQ(cpu_debug_insert(&cpu, CPU_WP_READ, 0x3000, 4), 0);
    cpu_debug_remove(&cpu, CPU_WP_WRITE, 0x1000, 4);
    CHECK_EQ(kvm_debug_build(&cpu.debug, &dbg), -ENOSYS);
    cpu_debug_remove_all(&cpu);

    CHECK_EQ(cpu_debug_set_singlestep(&cpu, true), 0);
    CHECK_EQ(kvm_debug_build(&cpu.debug, &dbg), 0);
    CHECK_EQ(dbg.control, KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP);
    cpu_debug_remove_all(&cpu);
    CHECK(!cpu.debug.active);
}

static void test_exits(void)
{
    struct kvm_debug_exit_arch a = {0};
    CPUDebugHit hit;
    memset(&cpu, 0, sizeof(cpu));
    /* Nothing armed: no exit is ours. */
    a.dr6 = 1;
    CHECK(!kvm_debug_decode(&cpu.debug, &a, &hit));

    cpu_debug_insert(&cpu, CPU_BP_SW, 0xc1000000, 1);
    cpu_debug_insert(&cpu, CPU_WP_ACCESS, 0x2000, 4);
    a.dr6 = 0xffff0ff0 | 2; /* B1 */
    CHECK(kvm_debug_decode(&cpu.debug, &a, &hit));
    CHECK_EQ(hit.type, CPU_WP_ACCESS);
    CHECK_EQ(hit.addr, 0x2000);
    CHECK(!hit.step);
    a.dr6 = 0xffff0ff0 | 1; /* B0 */
    CHECK(kvm_debug_decode(&cpu.debug, &a, &hit));
    CHECK_EQ(hit.type, CPU_BP_SW);
    /* B3: no register 3 of ours. */
    a.dr6 = 0xffff0ff0 | 8;
    CHECK(!kvm_debug_decode(&cpu.debug, &a, &hit));
    /* BS only counts while stepping. */
    a.dr6 = 0xffff0ff0 | 0x4000;
    CHECK(!kvm_debug_decode(&cpu.debug, &a, &hit));
    cpu_debug_set_singlestep(&cpu, true);
    CHECK(kvm_debug_decode(&cpu.debug, &a, &hit));
    CHECK(hit.step);

    /* Handled: the hit is recorded and the machine asked to stop. */
    runstate_set(RUN_STATE_RUNNING);
    CHECK(kvm_debug_handle_exit(&cpu, &a));
    CHECK(cpu_debug_take_hit(&cpu, &hit));
    CHECK(hit.step);
    CHECK(vm_stop_request_handle());
    CHECK_EQ(runstate_get(), RUN_STATE_DEBUG);
    cpu_debug_remove_all(&cpu);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_build);
    TEST_RUN(test_exits);
    return test_finish();
}
#else
int main(void)
{
    printf("SKIP: emu was built without KVM\n");
    return 77;
}
#endif
