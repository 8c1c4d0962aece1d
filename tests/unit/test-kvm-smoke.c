/*
 * KVM smoke test: a real VM through the "kvm" AccelOps with a minimal
 * machine (64 KiB RAM, a ROM at the reset vector, a test MMIO page and test
 * ports), running a tiny real-mode program in the test thread.
 *
 * It checks: the reset vector (ROM slot, read-only), port OUT, REP OUTSB,
 * MMIO write/read, an unassigned port reading 0xff, HLT exits, interrupt
 * injection through irq_ack, put_state/get_state, and a kick from another
 * thread.  Without a usable /dev/kvm it prints "SKIP: <reason>" and runs
 * no test (the closing line says 0 passed, 0 failed).
 */
#include "tests/unit/harness.h"
#include "emu/accel.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "target-i386/cpuid.h"

#include <unistd.h>

#define PROG_ADDR 0x1000
#define MMIO_ADDR 0x10000

/*
 * Assembled with nasm (bits 16, org 0x1000):
 *   xor ax,ax; mov ds,ax; mov ss,ax; mov sp,0x8000
 *   mov word [0x80],handler; mov word [0x82],0      ; IVT vector 0x20
 *   mov al,0x42; out 0x80,al
 *   mov si,msg; mov cx,4; mov dx,0x81; cld; rep outsb
 *   mov ax,0x1000; mov ds,ax; mov byte [0],0x5a; mov al,[4]  ; MMIO
 *   xor bx,bx; mov ds,bx; out 0x82,al
 *   in al,0x90; out 0x83,al                         ; unassigned port
 *   sti; hlt                                        ; 0x103e after
 *   mov al,0x99; out 0x80,al; cli; hlt              ; 0x1044 after
 * spin: inc dword [0x600]; jmp spin                 ; 0x1044
 * handler: mov al,0x77; out 0x84,al; iret           ; 0x104b
 * msg: db 'emu!'
 */
static const uint8_t prog[] = {
    0x31, 0xc0, 0x8e, 0xd8, 0x8e, 0xd0, 0xbc, 0x00, 0x80, 0xc7, 0x06, 0x80,
    0x00, 0x4b, 0x10, 0xc7, 0x06, 0x82, 0x00, 0x00, 0x00, 0xb0, 0x42, 0xe6,
    0x80, 0xbe, 0x50, 0x10, 0xb9, 0x04, 0x00, 0xba, 0x81, 0x00, 0xfc, 0xf3,
    0x6e, 0xb8, 0x00, 0x10, 0x8e, 0xd8, 0xc6, 0x06, 0x00, 0x00, 0x5a, 0xa0,
    0x04, 0x00, 0x31, 0xdb, 0x8e, 0xdb, 0xe6, 0x82, 0xe4, 0x90, 0xe6, 0x83,
    0xfb, 0xf4, 0xb0, 0x99, 0xe6, 0x80, 0xfa, 0xf4, 0x66, 0xff, 0x06, 0x00,
    0x06, 0xeb, 0xf9, 0xb0, 0x77, 0xe6, 0x84, 0xcf, 0x65, 0x6d, 0x75, 0x21,
};
#define AFTER_STI_HLT 0x103e
#define SPIN_ADDR 0x1044

typedef struct Ports {
    uint8_t log[64];
    uint16_t port[64];
    int nr;
} Ports;

typedef struct Mmio {
    uint64_t last_write_addr, last_write_val;
    int writes, reads;
} Mmio;

static uint64_t port_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void port_write(void *opaque, uint64_t addr, uint64_t val,
                       unsigned size)
{
    Ports *p = opaque;
    if (p->nr < 64) {
        p->port[p->nr] = 0x80 + addr;
        p->log[p->nr++] = val;
    }
}

static uint64_t mmio_read(void *opaque, uint64_t addr, unsigned size)
{
    Mmio *m = opaque;
    m->reads++;
    return 0x30 + addr;
}

static void mmio_write(void *opaque, uint64_t addr, uint64_t val,
                       unsigned size)
{
    Mmio *m = opaque;
    m->writes++;
    m->last_write_addr = addr;
    m->last_write_val = val;
}

static const MemoryRegionOps port_ops = {
    .read = port_read, .write = port_write, .valid = { 1, 4 },
};
static const MemoryRegionOps mmio_ops = {
    .read = mmio_read, .write = mmio_write, .valid = { 1, 4 },
};

static int acks;
static int ack_irq(void *opaque)
{
    CPUState *cpu = opaque;
    acks++;
    cpu->intr_level = 0;      /* as the PIC lowers INTR after INTA */
    return 0x20;
}

typedef struct KickArg {
    CPUState *cpu;
    const AccelOps *ops;
} KickArg;

static void *kicker(void *opaque)
{
    KickArg *k = opaque;
    usleep(200 * 1000);
    k->cpu->stop_request = true;
    k->ops->vcpu_kick(k->cpu);
    return NULL;
}

static int port_count(const Ports *p, uint16_t port)
{
    int n = 0;
    for (int i = 0; i < p->nr; i++) {
        n += p->port[i] == port;
    }
    return n;
}

static int port_value(const Ports *p, uint16_t port, int nth)
{
    for (int i = 0; i < p->nr; i++) {
        if (p->port[i] == port && nth-- == 0) {
            return p->log[i];
        }
    }
    return -1;
}

static void test_kvm_run(void)
{
    static Machine m;
    static CPUState cpu;
    MemoryRegion sysmem, sysio, ram, rom, mmio, ports;
    AddressSpace as_mem, as_io;
    Ports pl = { 0 };
    Mmio ml = { 0 };
    Error *err = NULL;
    const AccelOps *ops = accel_find("kvm");

    CHECK(ops != NULL);
    if (!ops) {
        return;
    }
    memory_region_init(&sysmem, "system", 4 * GiB);
    memory_region_init(&sysio, "io", 0x10000);
    CHECK_EQ(memory_region_init_ram(&ram, "ram", 64 * KiB, &err), 0);
    CHECK_EQ(memory_region_init_rom(&rom, "bios", 64 * KiB, &err), 0);
    memory_region_init_io(&mmio, &mmio_ops, &ml, "test-mmio", 0x1000);
    memory_region_init_io(&ports, &port_ops, &pl, "test-ports", 8);
    memory_region_add_subregion(&sysmem, 0, &ram);
    memory_region_add_subregion(&sysmem, 0xffff0000, &rom);
    memory_region_add_subregion(&sysmem, MMIO_ADDR, &mmio);
    memory_region_add_subregion(&sysio, 0x80, &ports);
    address_space_init(&as_mem, &sysmem, "memory");
    address_space_init(&as_io, &sysio, "io");

    memcpy(memory_region_get_ram_ptr(&ram) + PROG_ADDR, prog, sizeof(prog));
    /* Reset vector: jmp far 0000:1000. */
    static const uint8_t jmp[] = { 0xea, 0x00, 0x10, 0x00, 0x00 };
    memcpy(memory_region_get_ram_ptr(&rom) + 0xfff0, jmp, sizeof(jmp));

    m.sysmem = &sysmem;
    m.as_mem = &as_mem;
    m.sysio = &sysio;
    m.as_io = &as_io;
    m.ram = &ram;
    m.nr_cpus = 1;
    m.cpus[0] = &cpu;
    m.accel = ops;

    bql_lock();
    int r = ops->init(&m, &err);
    CHECK_EQ(r, 0);
    if (r < 0) {
        error_report_err(err);
        bql_unlock();
        return;
    }
    cpu.index = 0;
    cpu.machine = &m;
    cpu.accel = ops;
    cpu.thread = pthread_self();
    cpu.irq_ack = ack_irq;
    cpu.irq_ack_opaque = &cpu;
    pthread_cond_init(&cpu.halt_cond, NULL);
    CHECK_EQ(x86_cpu_model_init(&cpu.env, NULL, NULL), 0);
    r = ops->vcpu_init(&cpu, &err);
    CHECK_EQ(r, 0);
    bql_unlock();
    if (r < 0) {
        error_report_err(err);
        return;
    }

    /* The reset state went in: read it back. */
    ops->get_state(&cpu);
    CHECK_EQ(cpu.env.eip, 0xfff0);
    CHECK_EQ(cpu.env.segs[R_CS].base, 0xffff0000);
    CHECK_EQ(cpu.env.segs[R_CS].selector, 0xf000);
    CHECK_EQ(cpu.env.cr[0] & 0xffff, 0x0010);
    CHECK_EQ(cpu.env.fpuc, 0x37f);
    CHECK_EQ(cpu.env.mxcsr, 0x1f80);
    CHECK_EQ(cpu.env.regs[R_EDX], 0x663);

    /* First run: up to STI; HLT (no interrupt pending). */
    AccelExit e = ops->vcpu_exec(&cpu);
    CHECK_EQ(e, ACCEL_EXIT_HALTED);
    CHECK(cpu.env.halted);
    /* A halt leaves IF current (all the halt loop needs), without a
     * register fetch; the rest comes with get_state. */
    CHECK(cpu.env.eflags & IF_MASK);
    ops->get_state(&cpu);
    CHECK_EQ(cpu.env.eip, AFTER_STI_HLT);
    CHECK(cpu.env.eflags & IF_MASK);
    CHECK_EQ(port_value(&pl, 0x80, 0), 0x42);
    CHECK_EQ(port_count(&pl, 0x81), 4);
    CHECK_EQ(port_value(&pl, 0x81, 0), 'e');
    CHECK_EQ(port_value(&pl, 0x81, 1), 'm');
    CHECK_EQ(port_value(&pl, 0x81, 2), 'u');
    CHECK_EQ(port_value(&pl, 0x81, 3), '!');
    CHECK_EQ(ml.writes, 1);
    CHECK_EQ(ml.last_write_addr, 0);
    CHECK_EQ(ml.last_write_val, 0x5a);
    CHECK(ml.reads >= 1);
    CHECK_EQ(port_value(&pl, 0x82, 0), 0x34);     /* MMIO read of offset 4 */
    CHECK_EQ(port_value(&pl, 0x83, 0), 0xff);     /* unassigned port */

    /* Still halted with nothing pending: returns HALTED at once. */
    e = ops->vcpu_exec(&cpu);
    CHECK_EQ(e, ACCEL_EXIT_HALTED);
    CHECK_EQ(acks, 0);

    /* Raise INTR: vector 0x20 is acknowledged and its handler runs, then
     * the program goes on to CLI; HLT. */
    cpu.intr_level = 1;
    e = ops->vcpu_exec(&cpu);
    CHECK_EQ(e, ACCEL_EXIT_HALTED);
    CHECK_EQ(acks, 1);
    CHECK_EQ(port_value(&pl, 0x84, 0), 0x77);
    CHECK_EQ(port_value(&pl, 0x80, 1), 0x99);
    CHECK(!(cpu.env.eflags & IF_MASK));
    ops->get_state(&cpu);
    CHECK_EQ(cpu.env.eip, SPIN_ADDR);
    CHECK(!(cpu.env.eflags & IF_MASK));

    /* HLT with IF clear: INTR does not wake it. */
    cpu.intr_level = 1;
    e = ops->vcpu_exec(&cpu);
    CHECK_EQ(e, ACCEL_EXIT_HALTED);
    CHECK_EQ(acks, 1);
    cpu.intr_level = 0;

    /* put_state: leave HLT, set a register; the guest spins until a kick
     * from another thread stops it. */
    cpu.env.halted = false;
    cpu.env.regs[R_EBX] = 0x12345678;
    cpu.state_dirty = true;
    KickArg ka = { &cpu, ops };
    pthread_t t;
    pthread_create(&t, NULL, kicker, &ka);
    e = ops->vcpu_exec(&cpu);
    pthread_join(t, NULL);
    CHECK_EQ(e, ACCEL_EXIT_KICKED);
    CHECK(!cpu.state_dirty);
    ops->get_state(&cpu);
    CHECK_EQ(cpu.env.regs[R_EBX], 0x12345678);
    CHECK(cpu.env.eip >= SPIN_ADDR && cpu.env.eip < SPIN_ADDR + 7);
    CHECK(ldl_le_p(memory_region_get_ram_ptr(&ram) + 0x600) > 0);

    /* The ROM slot is read-only: a write from the guest does not change
     * it (either KVM refuses it, or it exits and our dispatch drops it). */
    static const uint8_t poke[] = {
        0xb8, 0x00, 0xf0,        /* mov ax, 0xf000 */
        0x8e, 0xd8,              /* mov ds, ax */
        0xc6, 0x06, 0xf0, 0xff, 0x90, /* mov byte [0xfff0], 0x90 */
        0xfa, 0xf4,              /* cli; hlt */
    };
    memcpy(memory_region_get_ram_ptr(&ram) + 0x2000, poke, sizeof(poke));
    cpu.stop_request = false;
    cpu.env.eip = 0x2000;
    cpu.state_dirty = true;
    e = ops->vcpu_exec(&cpu);
    CHECK_EQ(e, ACCEL_EXIT_HALTED);
    CHECK_EQ(memory_region_get_ram_ptr(&rom)[0xfff0], 0xea);

    bql_lock();
    ops->vcpu_destroy(&cpu);
    ops->teardown(&m);
    bql_unlock();
    address_space_destroy(&as_mem);
    address_space_destroy(&as_io);
}

int main(int argc, char **argv)
{
    const AccelOps *ops;
    const char *why = "built without KVM support";

    test_init(argc, argv);
    ops = accel_find("kvm");
    if (!ops || !ops->available(&why)) {
        printf("SKIP: %s\n", why);
        return test_finish();
    }
    TEST_RUN(test_kvm_run);
    return test_finish();
}
