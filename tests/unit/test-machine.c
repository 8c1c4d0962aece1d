/* The machine core: CPU model choice against the accelerator's declared
 * capabilities, and the order CPUs -> board -> accelerator. */
#include "tests/unit/harness.h"

#include "emu/accel.h"
#include "emu/cpu.h"
#include "emu/machine.h"

static int step, board_step, accel_step, vcpu_step, board_saw_cpus;

static bool fake_available(const char **why)
{
    return true;
}
static int fake_init(Machine *m, Error **errp)
{
    accel_step = ++step;
    return 0;
}
static int fake_vcpu_init(CPUState *cpu, Error **errp)
{
    vcpu_step = ++step;
    return 0;
}

static AccelOps fake_accel = {
    .name = "fake",
    .desc = "test accelerator",
    .noun = "the fake",
    .available = fake_available,
    .init = fake_init,
    .vcpu_init = fake_vcpu_init,
};

static int board_init(Machine *m, Error **errp)
{
    board_step = ++step;
    board_saw_cpus = m->nr_cpus;
    return 0;
}

static const MachineClass test_machine = {
    .name = "test-board",
    .desc = "a board",
    .default_cpu = "qemu64",
    .default_cpu_fallback = "qemu32",
    .max_cpus = 1,
    .init = board_init,
};

static const char *model_for(const char *cpu, uint32_t caps, char **msg)
{
    Machine m = {0};
    Error *err = NULL;
    m.mc = &test_machine;
    m.opts.cpu_model = cpu;
    fake_accel.caps = caps;
    m.accel = &fake_accel;
    const char *r = machine_cpu_model(&m, &err);
    *msg = err ? strdup(error_get_pretty(err)) : NULL;
    error_free(err);
    return r;
}

static void test_cpu_model_choice(void)
{
    char *msg;
    /* default: qemu64 where long mode runs, else the fallback */
    CHECK_STR(model_for(NULL, ACCEL_CAP_LONG_MODE, &msg), "qemu64");
    CHECK(msg == NULL);
    CHECK_STR(model_for(NULL, 0, &msg), "qemu32");
    CHECK(msg == NULL);
    /* models without long mode run anywhere */
    CHECK_STR(model_for("pentium", 0, &msg), "pentium");
    CHECK_STR(model_for("qemu64", ACCEL_CAP_LONG_MODE, &msg), "qemu64");
    /* long mode on request only (the translator): the default stays the
     * 32-bit fallback, qemu64 and max are accepted */
    CHECK_STR(model_for(NULL, ACCEL_CAP_LONG_MODE_OPT, &msg), "qemu32");
    CHECK(msg == NULL);
    CHECK_STR(model_for("qemu64", ACCEL_CAP_LONG_MODE_OPT, &msg), "qemu64");
    CHECK(msg == NULL);
    CHECK_STR(model_for("max", ACCEL_CAP_LONG_MODE_OPT, &msg), "max");
    /* long-mode models are refused where it does not run, saying why */
    CHECK(model_for("qemu64", 0, &msg) == NULL);
    CHECK_STR(msg, "-cpu qemu64: long mode (64-bit) is not yet supported by "
                   "the fake (-accel fake); use -cpu qemu32 or another "
                   "32-bit model");
    free(msg);
    CHECK(model_for("max", ACCEL_CAP_HOST_CPU, &msg) == NULL);
    CHECK(msg && strstr(msg, "long mode"));
    free(msg);
    /* host needs its own capability */
    CHECK(model_for("host", ACCEL_CAP_LONG_MODE, &msg) == NULL);
    CHECK(msg && strstr(msg, "-cpu host: the host CPU's own CPUID"));
    free(msg);
    /* unknown models: the CPU layer's message */
    CHECK(model_for("nosuch", ACCEL_CAP_LONG_MODE, &msg) == NULL);
    CHECK(msg && strstr(msg, "unknown CPU model 'nosuch'"));
    free(msg);
}

static void test_init_order(void)
{
    Machine m = {0};
    Error *err = NULL;
    m.mc = &test_machine;
    m.opts.smp = 1;
    fake_accel.caps = 0;
    m.accel = &fake_accel;
    step = board_step = accel_step = vcpu_step = 0;
    CHECK_EQ(machine_init(&m, &err), 0);
    CHECK(err == NULL);
    CHECK_EQ(m.nr_cpus, 1);
    CHECK_EQ(board_saw_cpus, 1);
    CHECK(first_cpu == m.cpus[0]);
    CHECK(m.cpus[0]->machine == &m && m.cpus[0]->accel == &fake_accel);
    /* qemu32 under an accelerator without long mode: no LM in CPUID */
    CHECK_EQ(m.cpus[0]->env.cpuid_ext2_features & (1u << 29), 0);
    CHECK_EQ(board_step, 1);
    CHECK_EQ(accel_step, 2);
    CHECK_EQ(vcpu_step, 3);

    Machine two = {0};
    two.mc = &test_machine;
    two.opts.smp = 2;
    two.accel = &fake_accel;
    CHECK(machine_init(&two, &err) < 0);
    CHECK(err && strstr(error_get_pretty(err), "at most 1 CPUs"));
    error_free(err);
    free(m.cpus[0]);
    first_cpu = NULL;
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    TEST_RUN(test_cpu_model_choice);
    TEST_RUN(test_init_order);
    return test_finish();
}
