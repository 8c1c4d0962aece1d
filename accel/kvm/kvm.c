/*
 * The "kvm" accelerator: Linux KVM (Documentation/virt/kvm/api.rst).
 *
 * One VM per machine, one vCPU fd per CPUState.  Guest RAM and ROM become
 * KVM memory slots through a MemoryListener on the machine's memory space;
 * MMIO ranges get no slot, so the guest's accesses to them exit to
 * userspace and are dispatched (kvm-exit.c).  There is no in-kernel irqchip:
 * our PIC model drives cpu->intr_level and we inject with KVM_INTERRUPT when
 * KVM says the guest can take an interrupt, asking for an interrupt-window
 * exit otherwise.
 *
 * Known limits: A20 masking is not modelled (KVM has no A20 gate); APs
 * cannot be started (INIT/SIPI need a local APIC).
 *
 * Dirty logging: a slot whose region has a recording dirty client (VGA,
 * MIGRATION: memory_region_set_log) carries KVM_MEM_LOG_DIRTY_PAGES; the
 * listener's log_sync pulls KVM_GET_DIRTY_LOG into the region's bitmaps
 * when someone reads them (the guest's own stores never exit).
 *
 * Test hook: the environment variable EMU_KVM_DEVICE replaces the device
 * path (default /dev/kvm), so that tests/guests/power.sh can check the
 * "-accel kvm: not usable" message on a host where /dev/kvm works.
 */
#include "emu/common.h"
#include "emu/main-loop.h"
#include "target-i386/cpuid.h"
#include "accel/kvm/kvm-internal.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define KVM_PAGE_SIZE 4096ULL

/* ---- Probing ----------------------------------------------------------- */

static const struct {
    int cap;
    const char *why;
} kvm_required_caps[] = {
    {KVM_CAP_USER_MEMORY, "KVM lacks KVM_CAP_USER_MEMORY"},
    {KVM_CAP_SET_TSS_ADDR, "KVM lacks KVM_CAP_SET_TSS_ADDR"},
    {KVM_CAP_EXT_CPUID, "KVM lacks KVM_CAP_EXT_CPUID"},
};

static int kvm_ioctl_retry(int fd, unsigned long req, void *arg)
{
    int r;

    do {
        r = ioctl(fd, req, arg);
    } while (r < 0 && errno == EINTR);
    return r;
}

/*
 * The reason kvm_open() gives names the device path, which may come from the
 * environment, so it is formatted here.  Only the main thread probes and
 * initialises the accelerator.
 */
static char kvm_why_buf[PATH_MAX + 96];

static const char *kvm_device_path(void)
{
    const char *path = getenv("EMU_KVM_DEVICE");

    return path && *path ? path : "/dev/kvm";
}

static const char *kvm_why(const char *path, const char *reason)
{
    snprintf(kvm_why_buf, sizeof(kvm_why_buf), "%s: %s", path, reason);
    return kvm_why_buf;
}

static int kvm_open(const char **why)
{
    const char *path = kvm_device_path();
    int fd = open(path, O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        switch (errno) {
        case ENOENT:
            *why = kvm_why(path, "no such file (KVM module not loaded or no "
                                 "VT-x/AMD-V)");
            break;
        case EACCES:
        case EPERM:
            *why = kvm_why(path, "Permission denied (join the kvm group)");
            break;
        case ENODEV:
        case ENXIO:
            *why = kvm_why(path, "no such device");
            break;
        default:
            *why = kvm_why(path, strerror(errno));
            break;
        }
        return -1;
    }
    int version = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION) {
        *why = kvm_why(path, version < 0 ? "not a KVM device "
                                           "(KVM_GET_API_VERSION failed)"
                                         : "KVM API version is not 12");
        close(fd);
        return -1;
    }
    for (size_t i = 0; i < ARRAY_SIZE(kvm_required_caps); i++) {
        if (ioctl(fd, KVM_CHECK_EXTENSION, kvm_required_caps[i].cap) <= 0) {
            *why = kvm_required_caps[i].why;
            close(fd);
            return -1;
        }
    }
    return fd;
}

static bool kvm_available(const char **why)
{
    const char *dummy;
    int fd = kvm_open(why ? why : &dummy);

    if (fd < 0) {
        return false;
    }
    close(fd);
    return true;
}

static struct kvm_cpuid2 *kvm_get_supported_cpuid(int fd)
{
    for (int n = 64; n <= 4096; n *= 2) {
        struct kvm_cpuid2 *c =
            calloc(1, sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));
        c->nent = n;
        if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
            return c;
        }
        free(c);
        if (errno != E2BIG) {
            return NULL;
        }
    }
    return NULL;
}

static const struct kvm_cpuid_entry2 *cpuid_find(const struct kvm_cpuid2 *c,
                                                 uint32_t fn, uint32_t idx)
{
    for (uint32_t i = 0; i < c->nent; i++) {
        const struct kvm_cpuid_entry2 *e = &c->entries[i];
        if (e->function == fn &&
            (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
             e->index == idx)) {
            return e;
        }
    }
    return NULL;
}

/* ---- Memory slots ------------------------------------------------------ */

static int kvm_set_slot(KVMState *s, KVMSlot *sl, uint64_t size)
{
    struct kvm_userspace_memory_region r = {
        .slot = sl->id,
        .flags = sl->flags,
        .guest_phys_addr = sl->gpa,
        .memory_size = size,
        .userspace_addr = (uintptr_t)sl->host,
    };
    return kvm_ioctl_retry(s->vm_fd, KVM_SET_USER_MEMORY_REGION, &r);
}

static KVMSlot *kvm_slot_alloc(KVMState *s)
{
    for (int i = 0; i < s->nr_slots; i++) {
        if (!s->slots[i].used) {
            return &s->slots[i];
        }
    }
    if (s->nr_slots >= s->max_slots) {
        return NULL;
    }
    int n = MIN(s->max_slots, s->nr_slots ? s->nr_slots * 2 : 32);
    KVMSlot *ns = realloc(s->slots, n * sizeof(*ns));
    if (!ns) {
        return NULL;
    }
    for (int i = s->nr_slots; i < n; i++) {
        ns[i] = (KVMSlot){.id = i};
    }
    s->slots = ns;
    KVMSlot *sl = &s->slots[s->nr_slots];
    s->nr_slots = n;
    return sl;
}

/* The page-aligned part of a RAM/ROM flat range; false if none. */
static bool kvm_slot_range(const FlatRange *fr, uint64_t *gpa, uint64_t *size,
                           void **host)
{
    if (!fr->mr->ram) {
        return false; /* MMIO: no slot, accesses exit */
    }
    uint64_t start = (fr->start + KVM_PAGE_SIZE - 1) & ~(KVM_PAGE_SIZE - 1);
    uint64_t end = (fr->start + fr->size) & ~(KVM_PAGE_SIZE - 1);
    if (end <= start) {
        return false;
    }
    uint8_t *h = fr->mr->ram + fr->offset + (start - fr->start);
    if ((uintptr_t)h & (KVM_PAGE_SIZE - 1)) {
        return false;
    }
    *gpa = start;
    *size = end - start;
    *host = h;
    return true;
}

static bool kvm_fr_logs(const FlatRange *fr)
{
    return !fr->readonly && (fr->mr->dirty_log_mask & DIRTY_CLIENTS_NOCODE);
}

/* The slot made for fr, or NULL. */
static KVMSlot *kvm_fr_slot(KVMState *s, const FlatRange *fr)
{
    uint64_t gpa, size;
    void *host;

    if (!kvm_slot_range(fr, &gpa, &size, &host)) {
        return NULL;
    }
    for (int i = 0; i < s->nr_slots; i++) {
        KVMSlot *sl = &s->slots[i];
        if (sl->used && sl->gpa == gpa && sl->size == size) {
            return sl;
        }
    }
    return NULL;
}

static void kvm_log_change(MemoryListener *l, const FlatRange *fr)
{
    KVMState *s = l->opaque;
    KVMSlot *sl = kvm_fr_slot(s, fr);

    if (!sl) {
        return;
    }
    uint32_t flags = sl->flags & ~KVM_MEM_LOG_DIRTY_PAGES;
    if (kvm_fr_logs(fr)) {
        flags |= KVM_MEM_LOG_DIRTY_PAGES;
    }
    if (flags == sl->flags) {
        return;
    }
    sl->flags = flags;
    if (kvm_set_slot(s, sl, sl->size) < 0) {
        error_report("kvm: dirty logging %s for %s: %s",
                     (flags & KVM_MEM_LOG_DIRTY_PAGES) ? "on" : "off",
                     fr->mr->name, strerror(errno));
    }
}

static void kvm_log_sync(MemoryListener *l, const FlatRange *fr)
{
    KVMState *s = l->opaque;
    KVMSlot *sl = kvm_fr_slot(s, fr);

    if (!sl || !(sl->flags & KVM_MEM_LOG_DIRTY_PAGES)) {
        return;
    }
    uint64_t pages = sl->size / KVM_PAGE_SIZE;
    size_t words = (pages + 63) / 64;
    uint64_t *bitmap = calloc(words ? words : 1, sizeof(uint64_t));
    struct kvm_dirty_log log = {.slot = sl->id, .dirty_bitmap = bitmap};
    if (!bitmap) {
        return;
    }
    if (ioctl(s->vm_fd, KVM_GET_DIRTY_LOG, &log) < 0) {
        error_report("kvm: KVM_GET_DIRTY_LOG for %s: %s", fr->mr->name,
                     strerror(errno));
        free(bitmap);
        return;
    }
    uint64_t base = fr->offset + (sl->gpa - fr->start);
    for (size_t w = 0; w < words; w++) {
        for (uint64_t b = bitmap[w]; b; b &= b - 1) {
            uint64_t page = w * 64 + __builtin_ctzll(b);
            memory_region_set_dirty(fr->mr, base + page * KVM_PAGE_SIZE,
                                    KVM_PAGE_SIZE);
        }
    }
    free(bitmap);
}

static void kvm_region_add(MemoryListener *l, const FlatRange *fr)
{
    KVMState *s = l->opaque;
    uint64_t gpa, size;
    void *host;

    if (!kvm_slot_range(fr, &gpa, &size, &host)) {
        if (fr->mr->ram) {
            /* Unaligned bits still work, slowly, as MMIO exits. */
            log_mask(LOG_UNIMP,
                     "kvm: %s at 0x%" PRIx64 "+0x%" PRIx64
                     " not page aligned: no memory slot\n",
                     fr->mr->name, fr->start, fr->size);
        }
        return;
    }
    KVMSlot *sl = kvm_slot_alloc(s);
    if (!sl) {
        error_report("kvm: out of memory slots for %s", fr->mr->name);
        return;
    }
    sl->gpa = gpa;
    sl->size = size;
    sl->host = host;
    sl->flags = kvm_fr_logs(fr) ? KVM_MEM_LOG_DIRTY_PAGES : 0;
    if (fr->readonly) {
        if (s->readonly_mem) {
            sl->flags = KVM_MEM_READONLY;
        } else {
            /* Without read-only slots ROM must still be executable, so it
             * is mapped writable: a guest write changes it (deviation). */
            log_unimp_once("kvm: no KVM_CAP_READONLY_MEM: ROM is writable");
        }
    }
    if (kvm_set_slot(s, sl, size) < 0) {
        error_report("kvm: KVM_SET_USER_MEMORY_REGION %s 0x%" PRIx64
                     "+0x%" PRIx64 ": %s",
                     fr->mr->name, gpa, size, strerror(errno));
        return;
    }
    sl->used = true;
}

static void kvm_region_del(MemoryListener *l, const FlatRange *fr)
{
    KVMState *s = l->opaque;
    uint64_t gpa, size;
    void *host;

    if (!kvm_slot_range(fr, &gpa, &size, &host)) {
        return;
    }
    for (int i = 0; i < s->nr_slots; i++) {
        KVMSlot *sl = &s->slots[i];
        if (sl->used && sl->gpa == gpa && sl->size == size) {
            /* The kernel's log goes with the slot: keep what it holds. */
            kvm_log_sync(l, fr);
            if (kvm_set_slot(s, sl, 0) < 0) {
                error_report("kvm: deleting slot at 0x%" PRIx64 ": %s", gpa,
                             strerror(errno));
            }
            sl->used = false;
            return;
        }
    }
}

/* ---- VM ---------------------------------------------------------------- */

static void kvm_kick_handler(int sig)
{
    /* Nothing: the signal only makes KVM_RUN return with EINTR. */
}

static void kvm_install_kick_handler(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = kvm_kick_handler;
    sa.sa_flags = SA_RESTART; /* KVM_RUN returns EINTR all the same */
    sigemptyset(&sa.sa_mask);
    sigaction(KVM_SIG_KICK, &sa, NULL);
}

static int kvm_init(Machine *m, Error **errp)
{
    static pthread_once_t handler_once = PTHREAD_ONCE_INIT;
    const char *why = NULL;
    KVMState *s;
    int fd = kvm_open(&why);

    if (fd < 0) {
        error_setg(errp, "kvm: %s", why);
        return -ENODEV;
    }
    s = calloc(1, sizeof(*s));
    s->fd = fd;
    s->machine = m;
    s->vm_fd = kvm_ioctl_retry(fd, KVM_CREATE_VM, 0);
    if (s->vm_fd < 0) {
        error_setg(errp, "kvm: KVM_CREATE_VM: %s", strerror(errno));
        goto fail;
    }
    if (ioctl(s->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) < 0) {
        error_setg(errp, "kvm: KVM_SET_TSS_ADDR: %s", strerror(errno));
        goto fail;
    }
    if (ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0) {
        uint64_t idmap = KVM_IDENTITY_MAP_ADDR;
        if (ioctl(s->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0) {
            error_setg(errp, "kvm: KVM_SET_IDENTITY_MAP_ADDR: %s",
                       strerror(errno));
            goto fail;
        }
    }
    s->readonly_mem =
        ioctl(s->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;
    s->immediate_exit =
        ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_IMMEDIATE_EXIT) > 0;
    s->vcpu_events = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_VCPU_EVENTS) > 0;
    s->debugregs = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_DEBUGREGS) > 0;
    s->xsave = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE) > 0;
    s->max_slots = ioctl(s->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS);
    if (s->max_slots <= 0) {
        s->max_slots = 32;
    }
    s->run_size = ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (s->run_size < (int)sizeof(struct kvm_run)) {
        error_setg(errp, "kvm: KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
        goto fail;
    }
    s->supported_cpuid = kvm_get_supported_cpuid(fd);
    if (!s->supported_cpuid) {
        error_setg(errp, "kvm: KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
        goto fail;
    }
    pthread_once(&handler_once, kvm_install_kick_handler);

    m->accel_state = s;
    s->listener.region_add = kvm_region_add;
    s->listener.region_del = kvm_region_del;
    s->listener.log_change = kvm_log_change;
    s->listener.log_sync = kvm_log_sync;
    s->listener.opaque = s;
    memory_listener_register(&s->listener, m->as_mem);
    return 0;

fail:
    if (s->vm_fd >= 0) {
        close(s->vm_fd);
    }
    close(fd);
    free(s->supported_cpuid);
    free(s);
    return -ENODEV;
}

static void kvm_teardown(Machine *m)
{
    KVMState *s = m->accel_state;

    if (!s) {
        return;
    }
    memory_listener_unregister(&s->listener);
    close(s->vm_fd);
    close(s->fd);
    free(s->slots);
    free(s->supported_cpuid);
    free(s);
    m->accel_state = NULL;
}

/* ---- CPUID ------------------------------------------------------------- */

static void cpuid_add(struct kvm_cpuid2 *c, int max, uint32_t fn, uint32_t idx,
                      uint32_t flags, uint32_t a, uint32_t b, uint32_t cx,
                      uint32_t d)
{
    if ((int)c->nent >= max) {
        return;
    }
    struct kvm_cpuid_entry2 *e = &c->entries[c->nent++];
    memset(e, 0, sizeof(*e));
    e->function = fn;
    e->index = idx;
    e->flags = flags;
    e->eax = a;
    e->ebx = b;
    e->ecx = cx;
    e->edx = d;
}

/* Host passthrough ("host", "max"): what KVM supports, less what the
 * machine lacks (x86_cpuid_filter with env->cpuid_platform) and KVM's
 * paravirtual leaves. */
static void cpuid_build_host(KVMState *s, CPUState *cpu, struct kvm_cpuid2 *c,
                             int max)
{
    const struct kvm_cpuid2 *sup = s->supported_cpuid;

    for (uint32_t i = 0; i < sup->nent; i++) {
        struct kvm_cpuid_entry2 e = sup->entries[i];
        if (e.function >= 0x40000000 && e.function < 0x50000000) {
            continue;
        }
        if (e.function == 1) {
            e.ecx |= CPUID_EXT_HYPERVISOR; /* KVM leaves it to us */
        }
        x86_cpuid_filter(cpu->env.cpuid_platform, e.function, e.index, &e.eax,
                         &e.ebx, &e.ecx, &e.edx);
        /* The guest's topology and APIC ID, not the host's. */
        x86_cpuid_topology(&cpu->env, e.function, e.index, &e.eax, &e.ebx,
                           &e.ecx, &e.edx);
        cpuid_add(c, max, e.function, e.index, e.flags, e.eax, e.ebx, e.ecx,
                  e.edx);
    }
}

/* A named model: its leaves, feature words ANDed with what KVM supports. */
static void cpuid_build_model(KVMState *s, CPUState *cpu, struct kvm_cpuid2 *c,
                              int max)
{
    CPUX86State *env = &cpu->env;
    const struct kvm_cpuid2 *sup = s->supported_cpuid;
    uint32_t a, b, cx, d;
    uint32_t lost[4] = {0};

    for (int range = 0; range < 2; range++) {
        uint32_t first = range ? 0x80000000 : 0;
        uint32_t last = range ? env->cpuid_xlevel : env->cpuid_level;
        if (range && last < 0x80000000) {
            continue;
        }
        for (uint32_t fn = first; fn <= last && fn - first < 64; fn++) {
            int nsub = 1;
            uint32_t flags = 0;
            if (fn == 4) {
                nsub = 4; /* three caches and the terminating null */
            } else if (fn == 0xb) {
                nsub = 3; /* SMT, core, and the terminating level */
            } else if (fn == 0xd) {
                nsub = 2;
            }
            if (fn == 4 || fn == 7 || fn == 0xb || fn == 0xd) {
                flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
            }
            for (int sub = 0; sub < nsub; sub++) {
                x86_cpuid(env, fn, sub, &a, &b, &cx, &d);
                if (fn == 1 || fn == 0x80000001) {
                    const struct kvm_cpuid_entry2 *e = cpuid_find(sup, fn, 0);
                    uint32_t sc = e ? e->ecx : 0, sd = e ? e->edx : 0;
                    if (fn == 1) {
                        sc |= CPUID_EXT_HYPERVISOR; /* ours to set */
                    }
                    int k = fn == 1 ? 0 : 2;
                    lost[k] |= cx & ~sc;
                    lost[k + 1] |= d & ~sd;
                    cx &= sc;
                    d &= sd;
                }
                cpuid_add(c, max, fn, sub, flags, a, b, cx, d);
            }
        }
    }
    /* Warn only about features the user asked for with -cpu; the default
     * model is quietly trimmed to what the host has. */
    if ((lost[0] | lost[1] | lost[2] | lost[3]) && cpu->index == 0 &&
        cpu->cpu_model_explicit) {
        warn_report("kvm: host lacks CPUID features of the CPU model: leaf 1 "
                    "ecx %08x edx %08x, leaf 0x80000001 ecx %08x edx %08x",
                    lost[0], lost[1], lost[2], lost[3]);
    }
    env->cpuid_ext_features &= ~lost[0];
    env->cpuid_features &= ~lost[1];
    env->cpuid_ext3_features &= ~lost[2];
    env->cpuid_ext2_features &= ~lost[3];
}

static int kvm_vcpu_set_cpuid(KVMState *s, CPUState *cpu, int fd, Error **errp)
{
    const char *model = s->machine ? s->machine->opts.cpu_model : NULL;
    int max = s->supported_cpuid->nent + 64;
    struct kvm_cpuid2 *c =
        calloc(1, sizeof(*c) + max * sizeof(struct kvm_cpuid_entry2));
    CPUX86State *env = &cpu->env;

    /* Our local APIC model runs in userspace: KVM gives us its MMIO
     * accesses, but handles (and refuses) the x2APIC and TSC-deadline
     * MSRs itself without an in-kernel APIC. */
    env->cpuid_platform &= ~X86_PLAT_X2APIC;
    if (model && (x86_cpu_model_is_host(model) || !strcmp(model, "max"))) {
        cpuid_build_host(s, cpu, c, max);
        /* Make env's model fields say what the guest sees. */
        const struct kvm_cpuid_entry2 *e;
        if ((e = cpuid_find(c, 0, 0))) {
            env->cpuid_level = e->eax;
            env->cpuid_vendor[0] = e->ebx;
            env->cpuid_vendor[1] = e->edx;
            env->cpuid_vendor[2] = e->ecx;
        }
        if ((e = cpuid_find(c, 1, 0))) {
            env->cpuid_version = e->eax;
            env->cpuid_ext_features = e->ecx;
            env->cpuid_features = e->edx;
        }
        if ((e = cpuid_find(c, 0x80000000, 0))) {
            env->cpuid_xlevel = e->eax;
        }
        if ((e = cpuid_find(c, 0x80000001, 0))) {
            env->cpuid_ext3_features = e->ecx;
            env->cpuid_ext2_features = e->edx;
        }
    } else {
        cpuid_build_model(s, cpu, c, max);
    }
    if (ioctl(fd, KVM_SET_CPUID2, c) < 0) {
        error_setg(errp, "kvm: KVM_SET_CPUID2: %s", strerror(errno));
        free(c);
        return -errno;
    }
    free(c);
    return 0;
}

/* ---- MSRs -------------------------------------------------------------- */

static const uint32_t kvm_msr_candidates[] = {
    MSR_IA32_TSC,
    MSR_IA32_SYSENTER_CS,
    MSR_IA32_SYSENTER_ESP,
    MSR_IA32_SYSENTER_EIP,
    MSR_PAT,
    MSR_STAR,
    MSR_LSTAR,
    MSR_CSTAR,
    MSR_FMASK,
    MSR_KERNELGSBASE,
    MSR_TSC_AUX,
    MSR_MTRRdefType,
    MSR_MTRRfix64K_00000,
    MSR_MTRRfix16K_80000,
    MSR_MTRRfix16K_A0000,
    MSR_MTRRfix4K_C0000,
    MSR_MTRRfix4K_C0000 + 1,
    MSR_MTRRfix4K_C0000 + 2,
    MSR_MTRRfix4K_C0000 + 3,
    MSR_MTRRfix4K_C0000 + 4,
    MSR_MTRRfix4K_C0000 + 5,
    MSR_MTRRfix4K_C0000 + 6,
    MSR_MTRRfix4K_C0000 + 7,
    MSR_MTRRphysBase0 + 0,
    MSR_MTRRphysBase0 + 1,
    MSR_MTRRphysBase0 + 2,
    MSR_MTRRphysBase0 + 3,
    MSR_MTRRphysBase0 + 4,
    MSR_MTRRphysBase0 + 5,
    MSR_MTRRphysBase0 + 6,
    MSR_MTRRphysBase0 + 7,
    MSR_MTRRphysBase0 + 8,
    MSR_MTRRphysBase0 + 9,
    MSR_MTRRphysBase0 + 10,
    MSR_MTRRphysBase0 + 11,
    MSR_MTRRphysBase0 + 12,
    MSR_MTRRphysBase0 + 13,
    MSR_MTRRphysBase0 + 14,
    MSR_MTRRphysBase0 + 15,
};

typedef struct KVMMsrs {
    struct kvm_msrs hdr;
    struct kvm_msr_entry e[64];
} KVMMsrs;

/* Where an MSR lives in env; NULL if not one of ours. */
static uint64_t *msr_slot(CPUX86State *env, uint32_t idx)
{
    switch (idx) {
    case MSR_IA32_TSC:
        return &env->tsc;
    case MSR_IA32_SYSENTER_ESP:
        return &env->sysenter_esp;
    case MSR_IA32_SYSENTER_EIP:
        return &env->sysenter_eip;
    case MSR_PAT:
        return &env->pat;
    case MSR_STAR:
        return &env->star;
    case MSR_LSTAR:
        return &env->lstar;
    case MSR_CSTAR:
        return &env->cstar;
    case MSR_FMASK:
        return &env->fmask;
    case MSR_KERNELGSBASE:
        return &env->kernelgsbase;
    case MSR_TSC_AUX:
        return &env->tsc_aux;
    case MSR_MTRRdefType:
        return &env->mtrr_deftype;
    case MSR_MTRRfix64K_00000:
        return &env->mtrr_fixed[0];
    case MSR_MTRRfix16K_80000:
        return &env->mtrr_fixed[1];
    case MSR_MTRRfix16K_A0000:
        return &env->mtrr_fixed[2];
    default:
        break;
    }
    if (idx >= MSR_MTRRfix4K_C0000 && idx < MSR_MTRRfix4K_C0000 + 8) {
        return &env->mtrr_fixed[3 + idx - MSR_MTRRfix4K_C0000];
    }
    if (idx >= MSR_MTRRphysBase0 && idx < MSR_MTRRphysBase0 + 16) {
        unsigned n = idx - MSR_MTRRphysBase0;
        return &env->mtrr_var[n / 2][n % 2];
    }
    return NULL;
}

static void kvm_probe_msrs(KVMVCPU *kv)
{
    KVMMsrs m;

    kv->nr_msrs = 0;
    for (size_t i = 0; i < ARRAY_SIZE(kvm_msr_candidates) &&
                       kv->nr_msrs < (int)ARRAY_SIZE(kv->msr_index);
         i++) {
        memset(&m, 0, sizeof(m));
        m.hdr.nmsrs = 1;
        m.e[0].index = kvm_msr_candidates[i];
        if (ioctl(kv->fd, KVM_GET_MSRS, &m) == 1) {
            kv->msr_index[kv->nr_msrs++] = kvm_msr_candidates[i];
        }
    }
}

/* ---- State transfer ---------------------------------------------------- */

static void fpreg_to_bytes(uint8_t *dst, const FPReg *r)
{
    memset(dst, 0, 16);
    stq_le_p(dst, r->mant);
    stw_le_p(dst + 8, r->exp);
}

static void fpreg_from_bytes(FPReg *r, const uint8_t *src)
{
    r->mant = ldq_le_p(src);
    r->exp = ldw_le_p(src + 8);
}

/*
 * x87/SSE through the XSAVE image: its first 512 bytes are the FXSAVE
 * layout (SDM vol. 1, 10.5.1, table 10-2), XSTATE_BV at 512.  Preferred to
 * KVM_GET/SET_FPU, which on some kernels does not carry MXCSR.
 */
enum {
    FXS_FCW = 0,
    FXS_FSW = 2,
    FXS_FTW = 4,
    FXS_FOP = 6,
    FXS_FIP = 8,
    FXS_FDP = 16,
    FXS_MXCSR = 24,
    FXS_ST = 32,
    FXS_XMM = 160,
    XS_XSTATE_BV = 512,
};

static void kvm_get_fpu_xsave(KVMVCPU *kv, CPUX86State *env)
{
    struct kvm_xsave *xs = calloc(1, sizeof(*xs));
    const uint8_t *p = (const uint8_t *)xs->region;

    if (ioctl(kv->fd, KVM_GET_XSAVE, xs) < 0) {
        error_report("kvm: KVM_GET_XSAVE: %s", strerror(errno));
        free(xs);
        return;
    }
    uint16_t fsw = ldw_le_p(p + FXS_FSW);
    env->fpuc = ldw_le_p(p + FXS_FCW);
    env->fpstt = (fsw >> 11) & 7;
    env->fpus = fsw & ~0x3800;
    for (int i = 0; i < 8; i++) {
        env->fptags[i] = !((p[FXS_FTW] >> i) & 1);
        fpreg_from_bytes(&env->fpregs[(env->fpstt + i) & 7],
                         p + FXS_ST + 16 * i);
    }
    env->fpop = ldw_le_p(p + FXS_FOP);
    env->fpip = ldq_le_p(p + FXS_FIP);
    env->fpdp = ldq_le_p(p + FXS_FDP);
    env->mxcsr = ldl_le_p(p + FXS_MXCSR);
    memcpy(env->xmm, p + FXS_XMM, sizeof(env->xmm));
    free(xs);
}

static void kvm_put_fpu_xsave(KVMVCPU *kv, const CPUX86State *env)
{
    struct kvm_xsave *xs = calloc(1, sizeof(*xs));
    uint8_t *p = (uint8_t *)xs->region;

    /* Start from KVM's image so AVX and later components are kept. */
    if (ioctl(kv->fd, KVM_GET_XSAVE, xs) < 0) {
        memset(xs, 0, sizeof(*xs));
    }
    stw_le_p(p + FXS_FCW, env->fpuc);
    stw_le_p(p + FXS_FSW, (env->fpus & ~0x3800) | ((env->fpstt & 7) << 11));
    uint8_t ftw = 0;
    for (int i = 0; i < 8; i++) {
        ftw |= (env->fptags[i] ? 0 : 1) << i;
        fpreg_to_bytes(p + FXS_ST + 16 * i, &env->fpregs[(env->fpstt + i) & 7]);
    }
    p[FXS_FTW] = ftw;
    stw_le_p(p + FXS_FOP, env->fpop);
    stq_le_p(p + FXS_FIP, env->fpip);
    stq_le_p(p + FXS_FDP, env->fpdp);
    stl_le_p(p + FXS_MXCSR, env->mxcsr);
    memcpy(p + FXS_XMM, env->xmm, sizeof(env->xmm));
    /* x87 and SSE state now given explicitly (XSTATE_BV bits 0, 1). */
    stq_le_p(p + XS_XSTATE_BV, ldq_le_p(p + XS_XSTATE_BV) | 3);
    if (ioctl(kv->fd, KVM_SET_XSAVE, xs) < 0) {
        error_report("kvm: KVM_SET_XSAVE: %s", strerror(errno));
    }
    free(xs);
}

static void kvm_get_state(CPUState *cpu)
{
    KVMVCPU *kv = cpu->accel_state;
    KVMState *s = cpu->machine ? cpu->machine->accel_state : NULL;
    CPUX86State *env = &cpu->env;
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_fpu fpu;

    if (!kv) {
        return;
    }
    if (ioctl(kv->fd, KVM_GET_REGS, &regs) == 0) {
        const uint64_t r[16] = {regs.rax, regs.rcx, regs.rdx, regs.rbx,
                                regs.rsp, regs.rbp, regs.rsi, regs.rdi,
                                regs.r8,  regs.r9,  regs.r10, regs.r11,
                                regs.r12, regs.r13, regs.r14, regs.r15};
        memcpy(env->regs, r, sizeof(r));
        env->eip = regs.rip;
        env->eflags = regs.rflags;
        env->df = (regs.rflags & DF_MASK) ? -1 : 1;
    } else {
        error_report("kvm: KVM_GET_REGS: %s", strerror(errno));
    }
    if (ioctl(kv->fd, KVM_GET_SREGS, &sregs) == 0) {
        kvm_seg_to_cache(&env->segs[R_ES], &sregs.es);
        kvm_seg_to_cache(&env->segs[R_CS], &sregs.cs);
        kvm_seg_to_cache(&env->segs[R_SS], &sregs.ss);
        kvm_seg_to_cache(&env->segs[R_DS], &sregs.ds);
        kvm_seg_to_cache(&env->segs[R_FS], &sregs.fs);
        kvm_seg_to_cache(&env->segs[R_GS], &sregs.gs);
        kvm_seg_to_cache(&env->ldt, &sregs.ldt);
        kvm_seg_to_cache(&env->tr, &sregs.tr);
        env->gdt.base = sregs.gdt.base;
        env->gdt.limit = sregs.gdt.limit;
        env->idt.base = sregs.idt.base;
        env->idt.limit = sregs.idt.limit;
        env->cr[0] = sregs.cr0;
        env->cr[2] = sregs.cr2;
        env->cr[3] = sregs.cr3;
        env->cr[4] = sregs.cr4;
        env->efer = sregs.efer;
        env->apic_base = sregs.apic_base;
    } else {
        error_report("kvm: KVM_GET_SREGS: %s", strerror(errno));
    }
    if (s && s->xsave) {
        kvm_get_fpu_xsave(kv, env);
    } else if (ioctl(kv->fd, KVM_GET_FPU, &fpu) == 0) {
        env->fpuc = fpu.fcw;
        env->fpstt = (fpu.fsw >> 11) & 7;
        env->fpus = fpu.fsw & ~0x3800;
        for (int i = 0; i < 8; i++) {
            /* Abridged tag: bit i set = physical register i in use. */
            env->fptags[i] = !((fpu.ftwx >> i) & 1);
            /* fpr[] is in stack order: fpr[i] = ST(i). */
            fpreg_from_bytes(&env->fpregs[(env->fpstt + i) & 7], fpu.fpr[i]);
        }
        env->fpop = fpu.last_opcode;
        env->fpip = fpu.last_ip;
        env->fpdp = fpu.last_dp;
        memcpy(env->xmm, fpu.xmm, sizeof(env->xmm));
        env->mxcsr = fpu.mxcsr;
    } else {
        error_report("kvm: KVM_GET_FPU: %s", strerror(errno));
    }
    if (kv->nr_msrs) {
        KVMMsrs m;
        memset(&m, 0, sizeof(m));
        m.hdr.nmsrs = kv->nr_msrs;
        for (int i = 0; i < kv->nr_msrs; i++) {
            m.e[i].index = kv->msr_index[i];
        }
        int n = ioctl(kv->fd, KVM_GET_MSRS, &m);
        for (int i = 0; i < n; i++) {
            if (m.e[i].index == MSR_IA32_SYSENTER_CS) {
                env->sysenter_cs = m.e[i].data;
                continue;
            }
            uint64_t *p = msr_slot(env, m.e[i].index);
            if (p) {
                *p = m.e[i].data;
            }
        }
        kv->tsc_at_get = env->tsc;
        kv->tsc_valid = true;
    }
    if (s && s->vcpu_events &&
        ioctl(kv->fd, KVM_GET_VCPU_EVENTS, &kv->events) == 0) {
        env->interrupt_injected = kv->events.interrupt.injected;
        env->pending_vector =
            kv->events.interrupt.injected ? kv->events.interrupt.nr : -1;
        env->nmi_pending = kv->events.nmi.pending;
        kv->events_valid = true;
        kv->events_rip = env->eip;
        kv->events_csbase = env->segs[R_CS].base;
    }
    if (s && s->debugregs) {
        struct kvm_debugregs dbg;
        if (ioctl(kv->fd, KVM_GET_DEBUGREGS, &dbg) == 0) {
            for (int i = 0; i < 4; i++) {
                env->dr[i] = dbg.db[i];
            }
            env->dr[6] = dbg.dr6;
            env->dr[7] = dbg.dr7;
        }
    }
}

static void kvm_put_state(CPUState *cpu)
{
    KVMVCPU *kv = cpu->accel_state;
    KVMState *s = cpu->machine ? cpu->machine->accel_state : NULL;
    CPUX86State *env = &cpu->env;
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_fpu fpu;
    bool vm86 = env->eflags & VM_MASK;

    if (!kv) {
        return;
    }
    memset(&regs, 0, sizeof(regs));
    regs.rax = env->regs[R_EAX];
    regs.rcx = env->regs[R_ECX];
    regs.rdx = env->regs[R_EDX];
    regs.rbx = env->regs[R_EBX];
    regs.rsp = env->regs[R_ESP];
    regs.rbp = env->regs[R_EBP];
    regs.rsi = env->regs[R_ESI];
    regs.rdi = env->regs[R_EDI];
    regs.r8 = env->regs[8];
    regs.r9 = env->regs[9];
    regs.r10 = env->regs[10];
    regs.r11 = env->regs[11];
    regs.r12 = env->regs[12];
    regs.r13 = env->regs[13];
    regs.r14 = env->regs[14];
    regs.r15 = env->regs[15];
    regs.rip = env->eip;
    regs.rflags = env->eflags | 0x2;
    if (ioctl(kv->fd, KVM_SET_REGS, &regs) < 0) {
        error_report("kvm: KVM_SET_REGS: %s", strerror(errno));
    }

    if (s && s->xsave) {
        kvm_put_fpu_xsave(kv, env);
        goto fpu_done;
    }
    memset(&fpu, 0, sizeof(fpu));
    fpu.fcw = env->fpuc;
    fpu.fsw = (env->fpus & ~0x3800) | ((env->fpstt & 7) << 11);
    for (int i = 0; i < 8; i++) {
        fpu.ftwx |= (env->fptags[i] ? 0 : 1) << i;
        fpreg_to_bytes(fpu.fpr[i], &env->fpregs[(env->fpstt + i) & 7]);
    }
    fpu.last_opcode = env->fpop;
    fpu.last_ip = env->fpip;
    fpu.last_dp = env->fpdp;
    memcpy(fpu.xmm, env->xmm, sizeof(fpu.xmm));
    fpu.mxcsr = env->mxcsr;
    if (ioctl(kv->fd, KVM_SET_FPU, &fpu) < 0) {
        error_report("kvm: KVM_SET_FPU: %s", strerror(errno));
    }
fpu_done:

    memset(&sregs, 0, sizeof(sregs));
    kvm_seg_from_cache(&sregs.es, &env->segs[R_ES], vm86);
    kvm_seg_from_cache(&sregs.cs, &env->segs[R_CS], vm86);
    kvm_seg_from_cache(&sregs.ss, &env->segs[R_SS], vm86);
    kvm_seg_from_cache(&sregs.ds, &env->segs[R_DS], vm86);
    kvm_seg_from_cache(&sregs.fs, &env->segs[R_FS], vm86);
    kvm_seg_from_cache(&sregs.gs, &env->segs[R_GS], vm86);
    kvm_seg_from_cache(&sregs.ldt, &env->ldt, false);
    kvm_seg_from_cache(&sregs.tr, &env->tr, false);
    sregs.gdt.base = env->gdt.base;
    sregs.gdt.limit = env->gdt.limit;
    sregs.idt.base = env->idt.base;
    sregs.idt.limit = env->idt.limit;
    sregs.cr0 = env->cr[0];
    sregs.cr2 = env->cr[2];
    sregs.cr3 = env->cr[3];
    sregs.cr4 = env->cr[4];
    sregs.efer = env->efer;
    sregs.apic_base = env->apic_base;
    if (ioctl(kv->fd, KVM_SET_SREGS, &sregs) < 0) {
        error_report("kvm: KVM_SET_SREGS: %s", strerror(errno));
    }

    if (kv->nr_msrs) {
        KVMMsrs m;
        int n = 0;
        memset(&m, 0, sizeof(m));
        for (int i = 0; i < kv->nr_msrs; i++) {
            uint32_t idx = kv->msr_index[i];
            uint64_t v;
            if (idx == MSR_IA32_SYSENTER_CS) {
                v = env->sysenter_cs;
            } else if (idx == MSR_IA32_TSC) {
                /* Writing the TSC back makes guest time jump: only when
                 * emu changed it (reset sets it to 0). */
                if (kv->tsc_valid && env->tsc == kv->tsc_at_get) {
                    continue;
                }
                v = env->tsc;
            } else {
                v = *msr_slot(env, idx);
            }
            m.e[n].index = idx;
            m.e[n].data = v;
            n++;
        }
        m.hdr.nmsrs = n;
        int r = ioctl(kv->fd, KVM_SET_MSRS, &m);
        if (r != n) {
            error_report("kvm: KVM_SET_MSRS: set %d of %d (MSR 0x%x failed)", r,
                         n, r >= 0 && r < n ? m.e[r].index : 0);
        }
        kv->tsc_at_get = env->tsc;
        kv->tsc_valid = true;
    }

    if (s && s->vcpu_events) {
        struct kvm_vcpu_events ev;
        memset(&ev, 0, sizeof(ev));
        /* The exception, NMI-blocking and interrupt-shadow state KVM gave
         * us only applies where it was read: same CS:EIP.  After a reset or
         * a loader's jump it is dropped. */
        bool same = kv->events_valid && kv->events_rip == env->eip &&
                    kv->events_csbase == env->segs[R_CS].base;
        if (same) {
            ev.exception = kv->events.exception;
            ev.interrupt.shadow = kv->events.interrupt.shadow;
            ev.nmi.injected = kv->events.nmi.injected;
            ev.nmi.masked = kv->events.nmi.masked;
            ev.flags |= KVM_VCPUEVENT_VALID_SHADOW;
        }
        ev.interrupt.injected = env->interrupt_injected;
        ev.interrupt.nr = env->pending_vector >= 0 ? env->pending_vector : 0;
        ev.nmi.pending = env->nmi_pending;
        ev.flags |= KVM_VCPUEVENT_VALID_NMI_PENDING;
        if (ioctl(kv->fd, KVM_SET_VCPU_EVENTS, &ev) < 0) {
            error_report("kvm: KVM_SET_VCPU_EVENTS: %s", strerror(errno));
        }
        kv->events_valid = false;
    }
    if (s && s->debugregs) {
        struct kvm_debugregs dbg;
        memset(&dbg, 0, sizeof(dbg));
        for (int i = 0; i < 4; i++) {
            dbg.db[i] = env->dr[i];
        }
        dbg.dr6 = env->dr[6];
        dbg.dr7 = env->dr[7];
        if (ioctl(kv->fd, KVM_SET_DEBUGREGS, &dbg) < 0) {
            error_report("kvm: KVM_SET_DEBUGREGS: %s", strerror(errno));
        }
    }
}

/* ---- vCPU -------------------------------------------------------------- */

static int kvm_vcpu_init(CPUState *cpu, Error **errp)
{
    Machine *m = cpu->machine;
    KVMState *s = m ? m->accel_state : NULL;
    KVMVCPU *kv;

    if (!s) {
        error_setg(errp, "kvm: vcpu_init needs cpu->machine, after init");
        return -EINVAL;
    }
    kv = calloc(1, sizeof(*kv));
    kv->cpu = cpu;
    kv->fd = kvm_ioctl_retry(s->vm_fd, KVM_CREATE_VCPU,
                             (void *)(uintptr_t)cpu->index);
    if (kv->fd < 0) {
        error_setg(errp, "kvm: KVM_CREATE_VCPU %d: %s", cpu->index,
                   strerror(errno));
        free(kv);
        return -ENODEV;
    }
    kv->run =
        mmap(NULL, s->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, kv->fd, 0);
    if (kv->run == MAP_FAILED) {
        error_setg(errp, "kvm: mmap of kvm_run: %s", strerror(errno));
        close(kv->fd);
        free(kv);
        return -ENOMEM;
    }
    int r = kvm_vcpu_set_cpuid(s, cpu, kv->fd, errp);
    if (r < 0) {
        munmap(kv->run, s->run_size);
        close(kv->fd);
        free(kv);
        return r;
    }
    kvm_probe_msrs(kv);
    cpu->accel_state = kv;

    x86_cpu_reset_state(&cpu->env);
    if (cpu->index != 0) {
        cpu->env.apic_base &= ~(1ULL << 8); /* not the BSP */
    }
    kvm_put_state(cpu);
    cpu->state_dirty = false;
    return 0;
}

static void kvm_vcpu_destroy(CPUState *cpu)
{
    KVMVCPU *kv = cpu->accel_state;
    KVMState *s = cpu->machine ? cpu->machine->accel_state : NULL;

    if (!kv) {
        return;
    }
    cpu->accel_state = NULL;
    if (s) {
        munmap(kv->run, s->run_size);
    }
    close(kv->fd);
    free(kv);
}

static void kvm_vcpu_kick(CPUState *cpu)
{
    KVMVCPU *kv = cpu->accel_state;

    if (!kv) {
        return;
    }
    /* Order: the caller set its request flag first; immediate_exit makes a
     * KVM_RUN that has not started yet return at once, the signal
     * interrupts one in progress. */
    __atomic_store_n(&kv->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&kv->thread_known, __ATOMIC_ACQUIRE) &&
        !pthread_equal(kv->thread, pthread_self())) {
        pthread_kill(kv->thread, KVM_SIG_KICK);
    }
}

/* First vcpu_exec in a thread: record it for kicks, set its signal mask. */
static void kvm_vcpu_thread_setup(KVMState *s, KVMVCPU *kv)
{
    sigset_t set;

    if (kv->thread_known && pthread_equal(kv->thread, pthread_self())) {
        return;
    }
    kv->thread = pthread_self();
    __atomic_store_n(&kv->thread_known, true, __ATOMIC_RELEASE);
    sigemptyset(&set);
    sigaddset(&set, KVM_SIG_KICK);
    if (s->immediate_exit) {
        /* The kicker sets immediate_exit before signalling: the signal may
         * arrive at any time without losing a kick. */
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        return;
    }
    /* Old kernels: the signal is blocked except inside KVM_RUN, so one
     * that comes early stays pending and stops the next KVM_RUN. */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    sigset_t cur;
    pthread_sigmask(SIG_BLOCK, NULL, &cur);
    sigdelset(&cur, KVM_SIG_KICK);
    struct {
        struct kvm_signal_mask hdr;
        uint8_t bits[8];
    } mask;
    mask.hdr.len = 8; /* the kernel's sigset size, not glibc's */
    memcpy(mask.bits, &cur, 8);
    if (ioctl(kv->fd, KVM_SET_SIGNAL_MASK, &mask) < 0) {
        error_report("kvm: KVM_SET_SIGNAL_MASK: %s", strerror(errno));
    }
}

/* Consume a kick signal left pending (blocked-signal mode only). */
static void kvm_eat_kick(KVMState *s)
{
    sigset_t set;
    struct timespec ts = {0, 0};

    if (s->immediate_exit) {
        return;
    }
    sigemptyset(&set);
    sigaddset(&set, KVM_SIG_KICK);
    while (sigtimedwait(&set, NULL, &ts) > 0) {
    }
}

static void kvm_inject_events(CPUState *cpu, KVMVCPU *kv)
{
    struct kvm_run *run = kv->run;

    if (cpu->nmi_request) {
        cpu->nmi_request = false;
        if (ioctl(kv->fd, KVM_NMI) < 0) {
            error_report("kvm: KVM_NMI: %s", strerror(errno));
        }
    }
    if (cpu->intr_level && run->ready_for_interrupt_injection && run->if_flag) {
        int vec = -1;
        bql_lock();
        if (cpu->intr_level && cpu->irq_ack) {
            vec = cpu->irq_ack(cpu->irq_ack_opaque);
        }
        bql_unlock();
        if (vec >= 0) {
            struct kvm_interrupt irq = {.irq = (uint32_t)vec & 0xff};
            if (ioctl(kv->fd, KVM_INTERRUPT, &irq) < 0) {
                error_report("kvm: KVM_INTERRUPT %d: %s", vec, strerror(errno));
            }
        }
    }
    /* Still something pending (another IRQ, or the guest can't take it
     * now): have KVM exit as soon as it could. */
    run->request_interrupt_window = cpu->intr_level ? 1 : 0;
}

static void kvm_report_error(CPUState *cpu, KVMVCPU *kv)
{
    kvm_exit_describe(stderr, kv->run);
    kvm_get_state(cpu);
    fprintf(stderr, "kvm: vCPU %d registers:\n", cpu->index);
    x86_cpu_dump_state(stderr, &cpu->env);
    /* The bytes at CS:EIP, when they are in RAM. */
    Machine *m = cpu->machine;
    uint64_t pc = cpu->env.segs[R_CS].base + cpu->env.eip;
    uint8_t code[16];
    if (!(cpu->env.cr[0] & CR0_PG_MASK) && m &&
        address_space_read(m->as_mem, pc & 0xffffffffULL, code, sizeof(code))) {
        fprintf(stderr, "Code at %08" PRIx64 ":", pc);
        for (size_t i = 0; i < sizeof(code); i++) {
            fprintf(stderr, " %02x", code[i]);
        }
        fprintf(stderr, "\n");
    }
}

static AccelExit kvm_vcpu_exec(CPUState *cpu)
{
    KVMVCPU *kv = cpu->accel_state;
    Machine *m = cpu->machine;
    KVMState *s = m->accel_state;
    struct kvm_run *run = kv->run;

    kvm_vcpu_thread_setup(s, kv);
    if (cpu->state_dirty) {
        kvm_put_state(cpu);
        cpu->state_dirty = false;
    }
    for (;;) {
        if (cpu->stop_request || cpu->reset_request || cpu->exit_thread ||
            cpu->init_request || cpu->sipi_request) {
            return ACCEL_EXIT_KICKED;
        }
        if (cpu->env.halted) {
            /* HLT ends with an NMI, or INTR with IF set. */
            if (!cpu->nmi_request &&
                !(cpu->intr_level && (cpu->env.eflags & IF_MASK))) {
                return ACCEL_EXIT_HALTED;
            }
            cpu->env.halted = false;
        }
        kvm_inject_events(cpu, kv);

        int r = ioctl(kv->fd, KVM_RUN, 0);
        int err = errno;
        __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
        if (r < 0) {
            if (err == EINTR || err == EAGAIN) {
                kvm_eat_kick(s);
                continue; /* the loop head looks at the requests */
            }
            error_report("kvm: KVM_RUN: %s", strerror(err));
            kvm_report_error(cpu, kv);
            return ACCEL_EXIT_ERROR;
        }

        if (run->exit_reason == KVM_EXIT_DEBUG) {
            /* The debugger's breakpoint or step: the machine stops (the
             * loop head sees stop_request). */
            if (!kvm_debug_handle_exit(cpu, &run->debug.arch)) {
                log_mask(LOG_GUEST_ERROR,
                         "kvm: vCPU %d: debug exit (DR6 %llx) that is not "
                         "the debugger's: ignored\n",
                         cpu->index, (unsigned long long)run->debug.arch.dr6);
            }
            continue;
        }
        bool lock = kvm_exit_needs_bql(run);
        if (lock) {
            bql_lock_io();
        }
        KVMExitAction act =
            kvm_dispatch_exit(m->as_mem, m->as_io, run, s->run_size);
        if (lock) {
            bql_unlock_io();
        }
        switch (act) {
        case KVM_EXIT_ACT_CONTINUE:
        case KVM_EXIT_ACT_INTR:
            break;
        case KVM_EXIT_ACT_HALT:
            /* KVM has stepped past the HLT.  The wake-up test needs IF
             * only, which every exit reports in kvm_run: no register
             * ioctls here (each one costs a vCPU load, and an idle guest
             * halts hundreds of times a second); the monitor fetches the
             * rest through cpu_synchronize_state. */
            cpu->env.eflags = (cpu->env.eflags & ~IF_MASK) |
                              (run->if_flag ? IF_MASK : 0);
            cpu->env.halted = true;
            break;
        case KVM_EXIT_ACT_SHUTDOWN:
            kvm_get_state(cpu);
            log_mask(LOG_GUEST_ERROR, "kvm: vCPU %d: triple fault (%s)\n",
                     cpu->index, kvm_exit_reason_name(run->exit_reason));
            return ACCEL_EXIT_SHUTDOWN;
        case KVM_EXIT_ACT_ERROR:
        default:
            kvm_report_error(cpu, kv);
            return ACCEL_EXIT_ERROR;
        }
    }
}

/* emu/cpu-debug.h: the vCPU is stopped, outside KVM_RUN. */
static int kvm_update_guest_debug(CPUState *cpu)
{
    KVMVCPU *kv = cpu->accel_state;
    struct kvm_guest_debug dbg;
    int r = kvm_debug_build(&cpu->debug, &dbg);
    if (r < 0 || !kv) {
        return r;
    }
    if (ioctl(kv->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0) {
        return -errno;
    }
    return 0;
}

static const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .desc = "Linux KVM (hardware virtualization)",
    .noun = "KVM",
    .caps = ACCEL_CAP_LONG_MODE | ACCEL_CAP_HOST_CPU,
    .priority = 10, /* hardware: preferred when usable */
    .available = kvm_available,
    .init = kvm_init,
    .vcpu_init = kvm_vcpu_init,
    .vcpu_exec = kvm_vcpu_exec,
    .vcpu_kick = kvm_vcpu_kick,
    .get_state = kvm_get_state,
    .put_state = kvm_put_state,
    .vcpu_destroy = kvm_vcpu_destroy,
    .update_guest_debug = kvm_update_guest_debug,
    .teardown = kvm_teardown,
};

ACCEL_REGISTER(kvm_accel_ops)
