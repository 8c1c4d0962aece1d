/*
 * Fuzz target: the gdbstub's packet parser and commands (gdbstub/), the
 * bytes a remote gdb sends.  Not a device: the rig's window is a dummy
 * port range; the events feed the server, on the x86 harness's machine
 * (one translator vCPU, 16 MiB of RAM; it never runs here: continuing
 * only changes the run state).
 *
 *   events (op 0xc0-0xdf)   op & 31:
 *     0-23   one command from a table of every packet the stub knows,
 *            with numbers from offset and value, framed with a good
 *            checksum (or, when value bit 31 is set, a broken one)
 *     24-27  the 8 bytes of offset and value, raw (framing, escapes,
 *            acks, Ctrl-C, partial packets across records)
 *     28     a packet of value % 5000 bytes of filler (too long)
 *     29     the CPU model gains or loses long mode (the x86-64 register
 *            set, 64-bit addresses); with value bit 0, the vCPU is put
 *            in long mode with CR3 from offset (4-level walks of
 *            whatever RAM holds), else back in the mode it had
 *     30     P of an 8-byte value (offset:value) to any register
 *     31     m or Z/z at a 64-bit address (offset high, value low)
 *   writes and reads of the window: ignored.
 *
 * qRcmd runs a stand-in, not the monitor (a fuzzer must not run "quit"
 * or open sockets).  Invariants: no crash, no sanitizer report, and what
 * the server writes is only '+', '-' and packets "$...#cc" with the right
 * checksum, none longer than the PacketSize it advertises (after
 * unescaping) except the g reply's fixed size.
 */
#include "tests/fuzz/fuzz.h"
#include "tests/unit/x86-harness.h"
#include "gdbstub/gdbstub-internal.h"
#include "emu/main-loop.h"
#include "emu/runstate.h"
#include "target-i386/cpuid.h"

typedef struct GdbFuzz {
    MemoryRegion io;
    GdbServer *server;
    GString *out;
    FuzzRig *rig;
    CPUX86State saved; /* what events 29 and 30 change, put back */
} GdbFuzz;

static GdbFuzz gf;

static uint64_t dummy_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void dummy_write(void *opaque, uint64_t addr, uint64_t val,
                        unsigned size)
{
}

static const MemoryRegionOps dummy_ops = {
    .read = dummy_read,
    .write = dummy_write,
};

static void capture(void *opaque, const char *buf, size_t len)
{
    g_string_append_len(gf.out, buf, len);
}

static int fake_monitor(const char *line, FILE *out)
{
    fprintf(out, "fuzz: %s\n", line);
    return 0;
}

static int hexval(char c)
{
    return g_ascii_xdigit_value(c);
}

/* Everything the server wrote so far is well formed. */
static void check_output(FuzzRig *r)
{
    const char *p = gf.out->str, *end = p + gf.out->len;
    while (p < end) {
        if (*p == '+' || *p == '-') {
            p++;
            continue;
        }
        FUZZ_ASSERT(r, *p == '$');
        const char *hash = memchr(p, '#', end - p);
        FUZZ_ASSERT(r, hash && hash + 2 < end);
        uint8_t sum = 0;
        size_t n = 0;
        for (const char *c = p + 1; c < hash; c++) {
            FUZZ_ASSERT(r, *c != '$');
            sum += (uint8_t)*c;
            n += *c != '}';
        }
        FUZZ_ASSERT(r, hexval(hash[1]) >= 0 && hexval(hash[2]) >= 0);
        FUZZ_ASSERT(r, (hexval(hash[1]) << 4 | hexval(hash[2])) == sum);
        FUZZ_ASSERT(r, n <= GDB_MAX_PACKET);
        p = hash + 3;
    }
    g_string_truncate(gf.out, 0);
}

static void send_framed(const char *cmd, bool break_sum)
{
    GString *pkt = g_string_new(NULL);
    gdb_packet_frame(pkt, cmd, strlen(cmd));
    if (break_sum) {
        pkt->str[pkt->len - 1] ^= 1;
    }
    gdb_server_input(gf.server, (const uint8_t *)pkt->str, pkt->len);
    g_string_free(pkt, true);
}

static void gdb_fuzz_setup(FuzzRig *r)
{
    static bool ready;
    if (!ready) {
        main_loop_init();
        x86h_init();
        bql_lock();
        ready = true;
    }
    memset(&gf, 0, sizeof(gf));
    gf.rig = r;
    gf.out = g_string_new(NULL);
    gf.server = gdb_server_new(capture, NULL);
    gf.server->monitor = fake_monitor;
    gf.saved = *x86h_env();
    runstate_set(RUN_STATE_PAUSED);
    memory_region_init_io(&gf.io, &dummy_ops, &gf, "gdbstub-fuzz", 16);
    memory_region_add_subregion(&r->tb.io_root, 0x1000, &gf.io);
    fuzz_add_window(r, FUZZ_IO, 0x1000, 16);
    r->s = &gf;
}

static void gdb_fuzz_event(FuzzRig *r, const FuzzOp *op)
{
    unsigned what = op->op & 31;
    uint32_t a = op->offset, v = op->value;
    char cmd[256];
    char hex[64];
    switch (what) {
    case 0:
        snprintf(cmd, sizeof(cmd), "m%x,%x", a, v % 5000);
        break;
    case 1:
        snprintf(hex, sizeof(hex), "%08x%08x", a, v);
        snprintf(cmd, sizeof(cmd), "M%x,%x:%.*s", a & 0xffffff, v % 9,
                 (int)(v % 17), hex);
        break;
    case 2:
        snprintf(cmd, sizeof(cmd), "X%x,%x:%c%c}%c", a & 0xffffff, v % 5,
                 (char)v, (char)(v >> 8), (char)(v >> 16));
        break;
    case 3:
        snprintf(cmd, sizeof(cmd), "g");
        break;
    case 4:
        snprintf(cmd, sizeof(cmd), "p%x", v % 48);
        break;
    case 5:
        snprintf(cmd, sizeof(cmd), "P%x=%08x", v % 48, a);
        break;
    case 6:
        snprintf(cmd, sizeof(cmd), "%c%x,%x,%x", v & 1 ? 'Z' : 'z',
                 (v >> 1) % 6, a, (v >> 8) % 10);
        break;
    case 7:
        snprintf(cmd, sizeof(cmd), "%c", "cCsS"[v & 3]);
        break;
    case 8:
        snprintf(cmd, sizeof(cmd), "vCont;%c:%x;%c", "csCSt"[v % 5], a % 4,
                 "csx"[(v >> 8) % 3]);
        break;
    case 9:
        snprintf(cmd, sizeof(cmd), "vCont?");
        break;
    case 10:
        snprintf(cmd, sizeof(cmd), "H%c%x", "gcx"[v % 3], a % 4);
        break;
    case 11:
        snprintf(cmd, sizeof(cmd), "T%x", a % 4);
        break;
    case 12:
        snprintf(cmd, sizeof(cmd), "?");
        break;
    case 13:
        snprintf(cmd, sizeof(cmd), "qSupported:xmlRegisters=i386");
        break;
    case 14:
        snprintf(cmd, sizeof(cmd), "qXfer:features:read:%s:%x,%x",
                 v & 1 ? "target.xml" : "x.xml", a % 4096, v % 8192);
        break;
    case 15:
        snprintf(cmd, sizeof(cmd), "%s",
                 (const char *[]){"qAttached", "qC", "qfThreadInfo",
                                  "qsThreadInfo", "qThreadExtraInfo,1",
                                  "qOffsets", "QStartNoAckMode",
                                  "vMustReplyEmpty"}[v % 8]);
        break;
    case 16:
        snprintf(cmd, sizeof(cmd), "qRcmd,%08x", a);
        break;
    case 17:
        snprintf(cmd, sizeof(cmd), "D");
        break;
    case 18: {
        /* G with 308 (i386) or 608 (x86-64) bytes of registers made from
         * the record. */
        GString *g = g_string_new("G");
        int size = gdb_cpu_is64(x86h_init()) ? 608 : 308;
        for (int i = 0; i < size; i++) {
            g_string_append_printf(g, "%02x", (uint8_t)(a * i + v));
        }
        send_framed(g->str, v >> 31);
        g_string_free(g, true);
        check_output(r);
        return;
    }
    case 19:
        snprintf(cmd, sizeof(cmd), "c%x", a);
        break;
    case 20:
        snprintf(cmd, sizeof(cmd), "G%x", v);
        break;
    case 21:
        snprintf(cmd, sizeof(cmd), "%c%x", (char)(v & 0x7f) | 0x20, a);
        break;
    case 22: {
        uint8_t c = 0x03;
        gdb_server_input(gf.server, &c, 1);
        check_output(r);
        return;
    }
    case 23:
        snprintf(cmd, sizeof(cmd), "vCont;s;s:%x", a);
        break;
    case 24:
    case 25:
    case 26:
    case 27: {
        uint8_t raw[8];
        stl_le_p(raw, a);
        stl_le_p(raw + 4, v);
        gdb_server_input(gf.server, raw, 8);
        check_output(r);
        return;
    }
    case 28: {
        size_t n = v % 5000;
        char *big = g_malloc(n + 1);
        memset(big, 'm', n);
        big[n] = 0;
        send_framed(big, false);
        g_free(big);
        check_output(r);
        return;
    }
    case 29: {
        CPUX86State *env = x86h_env();
        env->cpuid_ext2_features ^= CPUID_EXT2_LM;
        if (v & 1) {
            env->cr[0] |= CR0_PE_MASK | CR0_PG_MASK;
            env->cr[3] = a & 0xfff000;
            env->cr[4] |= CR4_PAE_MASK;
            env->efer = EFER_LME | EFER_LMA;
            env->segs[R_CS].flags |= DESC_L_MASK;
        } else {
            env->cr[0] = gf.saved.cr[0];
            env->cr[3] = gf.saved.cr[3];
            env->cr[4] = gf.saved.cr[4];
            env->efer = gf.saved.efer;
            env->segs[R_CS].flags = gf.saved.segs[R_CS].flags;
        }
        return;
    }
    case 30:
        snprintf(cmd, sizeof(cmd), "P%x=%08x%08x", (v >> 8) % 72, a, v);
        break;
    case 31:
        if (v & 1) {
            snprintf(cmd, sizeof(cmd), "m%x%08x,%x", a, v, (v >> 4) % 300);
        } else {
            snprintf(cmd, sizeof(cmd), "%c%x,%x%08x,%x", v & 2 ? 'Z' : 'z',
                     (v >> 2) % 5, a, v, 1u << ((v >> 5) & 3));
        }
        break;
    default:
        return;
    }
    send_framed(cmd, v >> 31);
    check_output(r);
}

static void gdb_fuzz_teardown(FuzzRig *r)
{
    check_output(r);
    gdb_server_free(gf.server);
    g_string_free(gf.out, true);
    cpu_debug_remove_all(x86h_init());
    *x86h_env() = gf.saved;
    memory_region_del_subregion(&r->tb.io_root, &gf.io);
    memory_region_finalize(&gf.io);
}

const FuzzTarget fuzz_target = {
    .name = "gdbstub",
    .covers = "gdbstub/packet.c gdbstub/gdbstub.c gdbstub/target.c "
              "gdbstub/target64.c",
    .setup = gdb_fuzz_setup,
    .teardown = gdb_fuzz_teardown,
    .event = gdb_fuzz_event,
};
