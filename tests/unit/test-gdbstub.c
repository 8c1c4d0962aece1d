/*
 * The gdbstub: its packet layer (framing, checksums, acks, escapes, hex),
 * the commands answered by a server whose output the test reads, and the
 * debugger's breakpoints, single step and watchpoints under the
 * translator on the x86 harness's vCPU (tests/unit/x86-harness.h), with
 * the i386 register set and, the model given long mode, the x86-64 one
 * (64-bit code at a high-half address, a watchpoint above 4 GiB).
 */
#include "tests/unit/harness.h"
#include "tests/unit/x86-harness.h"
#include "gdbstub/gdbstub-internal.h"
#include "emu/cpu-debug.h"
#include "emu/chardev.h"
#include "emu/main-loop.h"
#include "emu/monitor.h"
#include "emu/runstate.h"
#include "target-i386/cpuid.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- the packet layer ---- */

static GdbRxEvent feed(GdbRx *rx, const char *s)
{
    GdbRxEvent last = GDB_RX_NONE;
    for (; *s; s++) {
        GdbRxEvent e = gdb_rx_byte(rx, (uint8_t)*s);
        if (e != GDB_RX_NONE) {
            last = e;
        }
    }
    return last;
}

static void test_rx_framing(void)
{
    GdbRx rx;
    gdb_rx_init(&rx);
    CHECK_EQ(feed(&rx, "$g#67"), GDB_RX_PACKET);
    CHECK_STR(rx.buf, "g");
    CHECK_EQ(feed(&rx, "$g#68"), GDB_RX_BAD_SUM);
    CHECK_EQ(feed(&rx, "$g#6G"), GDB_RX_BAD_SUM);
    CHECK_EQ(feed(&rx, "$g#x"), GDB_RX_BAD_SUM);
    /* Upper-case checksum digits are accepted. */
    CHECK_EQ(feed(&rx, "$m0,4#FD"), GDB_RX_PACKET);
    CHECK_STR(rx.buf, "m0,4");
    CHECK_EQ(feed(&rx, "$m0,4#fe"), GDB_RX_BAD_SUM);
    CHECK_EQ(feed(&rx, "$qC#b4"), GDB_RX_PACKET);
    CHECK_STR(rx.buf, "qC");
    CHECK_EQ(feed(&rx, "$QStartNoAckMode#B0"), GDB_RX_PACKET);
    /* Acks, Ctrl-C and noise between packets. */
    CHECK_EQ(feed(&rx, "+"), GDB_RX_ACK);
    CHECK_EQ(feed(&rx, "-"), GDB_RX_NACK);
    CHECK_EQ(feed(&rx, "\x03"), GDB_RX_INTERRUPT);
    CHECK_EQ(feed(&rx, "xyz\r\n"), GDB_RX_NONE);
    /* 0x03 inside a packet is data. */
    CHECK_EQ(feed(&rx, "$\x03#03"), GDB_RX_PACKET);
    CHECK_EQ(rx.len, 1);
    /* A '$' inside a packet starts a new one. */
    CHECK_EQ(feed(&rx, "$gar$g#67"), GDB_RX_PACKET);
    CHECK_STR(rx.buf, "g");
    /* Empty packet. */
    CHECK_EQ(feed(&rx, "$#00"), GDB_RX_PACKET);
    CHECK_EQ(rx.len, 0);
}

static void test_rx_too_long(void)
{
    GdbRx rx;
    gdb_rx_init(&rx);
    CHECK_EQ(gdb_rx_byte(&rx, '$'), GDB_RX_NONE);
    for (int i = 0; i < GDB_MAX_PACKET + 100; i++) {
        CHECK_EQ(gdb_rx_byte(&rx, 'a'), GDB_RX_NONE);
    }
    CHECK_EQ(feed(&rx, "#00"), GDB_RX_TOO_LONG);
    /* ... and the next packet is fine. */
    CHECK_EQ(feed(&rx, "$g#67"), GDB_RX_PACKET);
}

static void test_frame_escape(void)
{
    GString *out = g_string_new(NULL);
    gdb_packet_frame(out, "OK", 2);
    CHECK_STR(out->str, "$OK#9a");
    g_string_truncate(out, 0);
    gdb_packet_frame(out, "a$b#c}d*", 8);
    /* Each special byte as '}' + byte ^ 0x20; the sum over what is sent. */
    const char body[] = "a}\x04"
                        "b}\x03"
                        "c}]d}\x0a";
    uint8_t sum = 0;
    for (const char *c = body; *c; c++) {
        sum += (uint8_t)*c;
    }
    char want[32];
    snprintf(want, sizeof(want), "$%s#%02x", body, sum);
    CHECK_STR(out->str, want);
    /* What we frame, our receiver reads back (escapes and all). */
    GdbRx rx;
    gdb_rx_init(&rx);
    CHECK_EQ(feed(&rx, out->str), GDB_RX_PACKET);
    uint8_t buf[16];
    CHECK_EQ(gdb_unescape(rx.buf, rx.len, buf), 8);
    CHECK(!memcmp(buf, "a$b#c}d*", 8));
    g_string_free(out, true);

    CHECK_EQ(gdb_unescape("ab}", 3, buf), -1);
    CHECK_EQ(gdb_unescape("}]", 2, buf), 1);
    CHECK_EQ(buf[0], '}');
}

static void test_hex(void)
{
    uint8_t b[4];
    CHECK_EQ(gdb_hex_decode("01aBfF", 6, b), 0);
    CHECK_EQ(b[0], 1);
    CHECK_EQ(b[1], 0xab);
    CHECK_EQ(b[2], 0xff);
    CHECK_EQ(gdb_hex_decode("0", 1, b), -1);
    CHECK_EQ(gdb_hex_decode("0g", 2, b), -1);
    GString *s = g_string_new(NULL);
    gdb_hex_encode(s, (const uint8_t *)"\x00\x7f\xff", 3);
    CHECK_STR(s->str, "007fff");
    g_string_free(s, true);

    const char *p = "1f,";
    uint64_t v;
    CHECK(gdb_parse_hex(&p, &v));
    CHECK_EQ(v, 0x1f);
    CHECK_STR(p, ",");
    p = ",";
    CHECK(!gdb_parse_hex(&p, &v));
    p = "11112222333344445";
    CHECK(!gdb_parse_hex(&p, &v)); /* more than 64 bits */
}

/* ---- a server whose replies the test reads ---- */

static GString *wire;

static void capture(void *opaque, const char *buf, size_t len)
{
    g_string_append_len(wire, buf, len);
}

/* Send a framed packet; return the reply's payload (acks dropped), or
 * "" (the empty reply).  Consecutive packets (O output) are joined with
 * '|'. */
static char reply_buf[65536];

static const char *ask(GdbServer *s, const char *cmd)
{
    GString *pkt = g_string_new(NULL);
    gdb_packet_frame(pkt, cmd, strlen(cmd));
    g_string_truncate(wire, 0);
    gdb_server_input(s, (const uint8_t *)pkt->str, pkt->len);
    g_string_free(pkt, true);
    /* Decode what came back with our own receiver. */
    GdbRx rx;
    gdb_rx_init(&rx);
    reply_buf[0] = 0;
    for (size_t i = 0; i < wire->len; i++) {
        if (gdb_rx_byte(&rx, wire->str[i]) == GDB_RX_PACKET) {
            uint8_t dec[GDB_MAX_PACKET];
            ssize_t n = gdb_unescape(rx.buf, rx.len, dec);
            if (reply_buf[0]) {
                g_strlcat(reply_buf, "|", sizeof(reply_buf));
            }
            if (n >= 0) {
                dec[n] = 0;
                g_strlcat(reply_buf, (char *)dec, sizeof(reply_buf));
            }
        }
    }
    return reply_buf;
}

static GdbServer *server(void)
{
    if (!wire) {
        wire = g_string_new(NULL);
    }
    return gdb_server_new(capture, NULL);
}

static void test_acks(void)
{
    GdbServer *s = server();
    gdb_server_input(s, (const uint8_t *)"$qC#b4", 6);
    CHECK(g_str_has_prefix(wire->str, "+$QC01#"));
    g_string_truncate(wire, 0);
    /* A bad checksum gets '-', a '-' from gdb gets the last packet. */
    gdb_server_input(s, (const uint8_t *)"$qC#00", 6);
    CHECK_STR(wire->str, "-");
    g_string_truncate(wire, 0);
    gdb_server_input(s, (const uint8_t *)"-", 1);
    CHECK(g_str_has_prefix(wire->str, "$QC01#"));
    /* No-ack mode: the OK is acked, nothing after. */
    CHECK_STR(ask(s, "QStartNoAckMode"), "OK");
    CHECK(wire->str[0] == '+');
    g_string_truncate(wire, 0);
    gdb_server_input(s, (const uint8_t *)"$qC#b4", 6);
    CHECK(g_str_has_prefix(wire->str, "$QC01#"));
    gdb_server_free(s);
}

static void test_queries(void)
{
    GdbServer *s = server();
    const char *r = ask(s, "qSupported:multiprocess+;swbreak+");
    CHECK(strstr(r, "PacketSize=1000") != NULL);
    CHECK(strstr(r, "qXfer:features:read+") != NULL);
    CHECK_STR(ask(s, "qAttached"), "1");
    CHECK_STR(ask(s, "qfThreadInfo"), "m01");
    CHECK_STR(ask(s, "qsThreadInfo"), "l");
    CHECK_STR(ask(s, "vCont?"), "vCont;c;C;s;S;t");
    CHECK_STR(ask(s, "Hg1"), "OK");
    CHECK_STR(ask(s, "Hg2"), "E22");
    CHECK_STR(ask(s, "Hc-1"), "OK");
    CHECK_STR(ask(s, "T1"), "OK");
    CHECK_STR(ask(s, "T5"), "E22");
    /* Unknown packets: the empty reply. */
    CHECK_STR(ask(s, "vMustReplyEmpty"), "");
    CHECK_STR(ask(s, "qFooBar"), "");
    CHECK_STR(ask(s, "!"), "");
    CHECK_STR(ask(s, "Z9,0,1"), "");

    /* target.xml in pieces, joined: the whole text, "l" on the last. */
    GString *xml = g_string_new(NULL);
    for (size_t off = 0;;) {
        char q[64];
        snprintf(q, sizeof(q), "qXfer:features:read:target.xml:%zx,100", off);
        r = ask(s, q);
        CHECK(r[0] == 'm' || r[0] == 'l');
        g_string_append(xml, r + 1);
        off += strlen(r + 1);
        if (r[0] != 'm' || strlen(r + 1) == 0) {
            break;
        }
    }
    /* The harness's CPU model has no long mode: the i386 set. */
    CHECK_STR(xml->str, gdb_target_xml32);
    CHECK(strstr(xml->str, "org.gnu.gdb.i386.core") != NULL);
    CHECK(strstr(xml->str, "<architecture>i386</architecture>") != NULL);
    g_string_free(xml, true);
    CHECK_STR(ask(s, "qXfer:features:read:other.xml:0,100"), "E00");
    CHECK_STR(ask(s, "qXfer:features:read:target.xml:ffffff,10"), "E22");
    gdb_server_free(s);
}

static void test_malformed(void)
{
    GdbServer *s = server();
    static const char *const bad[] = {
        "m",
        "m1",
        "m1,",
        "m,1",
        "mzz,1",
        "m1,1x",
        "M1,1",
        "M1,1:0",
        "M1,2:00",
        "M1,1:zz",
        "X1,2:a",
        "P",
        "P1",
        "P1=zz",
        "P99=00000000",
        "p",
        "pzz",
        "p99",
        "Z0",
        "Z0,",
        "Z0,1",
        "z0,1,",
        "Z2,1003,4",
        "Z2,1000,3",
        "G00",
        "Hx1",
        "Hgzz",
        "C",
        "Cxx",
        "c1x",
        "vCont;x",
        "vCont;c:zz",
        "m123456789,1",
        "m11112222333344445,1",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        const char *r = ask(s, bad[i]);
        if (r[0] != 'E') {
            test_fail(__FILE__, __LINE__, "'%s' got '%s', want an error",
                      bad[i], r);
        }
    }
    /* X data that ends inside an escape (sent raw: ask() would escape). */
    const char *x = "X1,1:}";
    uint8_t sum = 0;
    for (const char *c = x; *c; c++) {
        sum += (uint8_t)*c;
    }
    char raw[32];
    snprintf(raw, sizeof(raw), "$%s#%02x", x, sum);
    g_string_truncate(wire, 0);
    gdb_server_input(s, (const uint8_t *)raw, strlen(raw));
    CHECK(strstr(wire->str, "$E22#") != NULL);
    gdb_server_free(s);
}

/* ---- with the vCPU ---- */

static const uint8_t code[] = {
    0x90,                               /* +0 nop */
    0xb8, 0x11, 0x11, 0x11, 0x11,       /* +1 mov eax, 0x11111111 */
    0x40,                               /* +6 inc eax */
    0xa3, 0x00, 0x60, 0x00, 0x00,       /* +7 mov [0x6000], eax */
    0x8b, 0x1d, 0x04, 0x60, 0x00, 0x00, /* +12 mov ebx, [0x6004] */
    0x90,                               /* +18 nop */
};

static CPUState *setup_code(void)
{
    CPUState *cpu = x86h_init();
    X86HState st;
    x86h_state_init(&st, X86H_PM32);
    /* Run the code once to completion: the mode is set up, env is ours. */
    CHECK(x86h_run(&st, X86H_CODE, code, sizeof(code)));
    CHECK_EQ(ldl_le_p(x86h_ram() + 0x6000), 0x11111112);
    memset(x86h_ram() + 0x6000, 0, 8);
    x86h_env()->eip = X86H_CODE;
    x86h_mark_dirty();
    return cpu;
}

/* Run until the vCPU stops or halts, then let the main loop side stop
 * the machine as emu's would. */
static AccelExit run(void)
{
    AccelExit r = x86h_exec(16, 2000);
    bql_lock();
    vm_stop_request_handle();
    bql_unlock();
    x86h_get_state();
    return r;
}

static void resume_vcpu(void)
{
    bql_lock();
    vm_start();
    bql_unlock();
}

static void test_breakpoint_step_watch(void)
{
    CPUState *cpu = setup_code();
    CPUX86State *env = x86h_env();
    CPUDebugHit hit;
    runstate_set(RUN_STATE_RUNNING);

    /* A breakpoint: the machine stops before the instruction. */
    CHECK_EQ(cpu_debug_insert(cpu, CPU_BP_SW, X86H_CODE + 6, 1), 0);
    CHECK(cpu->debug.active);
    run();
    CHECK_EQ(env->eip, X86H_CODE + 6);
    CHECK_EQ(env->regs[R_EAX], 0x11111111);
    CHECK_EQ(runstate_get(), RUN_STATE_DEBUG);
    CHECK(cpu_debug_take_hit(cpu, &hit));
    CHECK(!hit.step);
    CHECK(!cpu_debug_take_hit(cpu, &hit));

    /* Single step over it (gdb removes it first): one instruction. */
    CHECK_EQ(cpu_debug_remove(cpu, CPU_BP_SW, X86H_CODE + 6, 1), 0);
    CHECK_EQ(cpu_debug_remove(cpu, CPU_BP_SW, X86H_CODE + 6, 1), -ENOENT);
    CHECK_EQ(cpu_debug_set_singlestep(cpu, true), 0);
    resume_vcpu();
    run();
    CHECK_EQ(env->eip, X86H_CODE + 7);
    CHECK_EQ(env->regs[R_EAX], 0x11111112);
    CHECK(cpu_debug_take_hit(cpu, &hit) && hit.step);
    CHECK_EQ(cpu_debug_set_singlestep(cpu, false), 0);

    /* A write watchpoint: stops after the store, reports the address. */
    CHECK_EQ(cpu_debug_insert(cpu, CPU_WP_WRITE, 0x6000, 4), 0);
    CHECK_EQ(cpu_debug_insert(cpu, CPU_WP_WRITE, 0x6001, 4), -EINVAL);
    CHECK_EQ(cpu_debug_insert(cpu, CPU_WP_WRITE, 0x6000, 3), -EINVAL);
    CHECK_EQ(cpu_debug_insert(cpu, CPU_WP_READ, 0x6004, 4), 0);
    resume_vcpu();
    run();
    CHECK_EQ(env->eip, X86H_CODE + 12);
    CHECK_EQ(ldl_le_p(x86h_ram() + 0x6000), 0x11111112);
    CHECK(cpu_debug_take_hit(cpu, &hit));
    CHECK_EQ(hit.type, CPU_WP_WRITE);
    CHECK_EQ(hit.addr, 0x6000);
    /* The read watchpoint next. */
    resume_vcpu();
    run();
    CHECK_EQ(env->eip, X86H_CODE + 18);
    CHECK(cpu_debug_take_hit(cpu, &hit));
    CHECK_EQ(hit.type, CPU_WP_READ);
    CHECK_EQ(hit.addr, 0x6004);

    /* Nothing armed: runs to the HLT. */
    cpu_debug_remove_all(cpu);
    CHECK(!cpu->debug.active);
    resume_vcpu();
    CHECK_EQ(run(), ACCEL_EXIT_HALTED);
    CHECK(!cpu_debug_take_hit(cpu, &hit));
}

static void test_server_with_cpu(void)
{
    CPUState *cpu = setup_code();
    CPUX86State *env = x86h_env();
    GdbServer *s = server();
    runstate_set(RUN_STATE_RUNNING);
    bql_lock();
    CHECK_STR(ask(s, "?"), "T05thread:01;");
    CHECK_EQ(runstate_get(), RUN_STATE_PAUSED);

    /* Registers: g has 41 of them (308 bytes), P/p one. */
    const char *r = ask(s, "g");
    CHECK_EQ(strlen(r), 2 * 308);
    char eip[9];
    snprintf(eip, sizeof(eip), "%02x%02x%02x%02x", X86H_CODE & 0xff,
             (X86H_CODE >> 8) & 0xff, (X86H_CODE >> 16) & 0xff,
             X86H_CODE >> 24);
    CHECK(!strncmp(r + 8 * 8, eip, 8));
    CHECK_STR(ask(s, "P3=78563412"), "OK"); /* ebx */
    CHECK_EQ(env->regs[R_EBX], 0x12345678);
    CHECK_STR(ask(s, "p3"), "78563412");
    CHECK_EQ(strlen(ask(s, "p10")), 20); /* st0: 10 bytes */
    CHECK_EQ(strlen(ask(s, "p20")), 32); /* xmm0 */
    CHECK_STR(ask(s, "p29"), "E14");     /* no register 41 */
    /* A selector in protected mode cannot be set, the same one can. */
    CHECK_STR(ask(s, "Pa=10000000"), "E22");
    /* G with the g it got writes nothing wrong. */
    char *all = g_strdup(ask(s, "g"));
    char *G = g_strconcat("G", all, NULL);
    CHECK_STR(ask(s, G), "OK");
    CHECK_STR(ask(s, "g"), all);
    g_free(G);
    g_free(all);

    /* Memory by linear address. */
    CHECK_STR(ask(s, "m10000,6"), "90b811111111");
    CHECK_STR(ask(s, "M6000,4:efbeadde"), "OK");
    CHECK_EQ(ldl_le_p(x86h_ram() + 0x6000), 0xdeadbeef);
    /* X: binary with escapes ('}' 0x5d = '}', '#' as }0x03). */
    CHECK_STR(ask(s, "X6000,0:"), "OK");
    const char x[] = "X6000,3:a}\x03}]";
    uint8_t xsum = 0;
    for (const char *c = x; *c; c++) {
        xsum += (uint8_t)*c;
    }
    GString *pkt = g_string_new(NULL);
    g_string_printf(pkt, "$%s#%02x", x, xsum); /* escaped already */
    g_string_truncate(wire, 0);
    gdb_server_input(s, (const uint8_t *)pkt->str, pkt->len);
    g_string_free(pkt, true);
    CHECK(strstr(wire->str, "$OK#") != NULL);
    CHECK(!memcmp(x86h_ram() + 0x6000, "a#}", 3));
    /* Beyond RAM there is nothing: an error, no crash. */
    CHECK_STR(ask(s, "mfffffff0,4"), "E14");
    /* Long mode: 4-level tables at 0x100000 map the 2 MiB page at
     * 0x40000000 to physical 0 (PML4 -> PDPT 0x101000, entry 1 -> PD
     * 0x102000 with a PS entry). */
    uint8_t *ram = x86h_ram();
    memset(ram + 0x100000, 0, 0x3000);
    stq_le_p(ram + 0x100000, 0x101000 | 3);
    stq_le_p(ram + 0x101000 + 8, 0x102000 | 3);
    stq_le_p(ram + 0x102000, 0x83);
    uint64_t saved[4] = {env->cr[0], env->cr[3], env->cr[4], env->efer};
    env->cr[0] |= CR0_PG_MASK;
    env->cr[3] = 0x100000;
    env->cr[4] |= CR4_PAE_MASK;
    env->efer = EFER_LME | EFER_LMA;
    CHECK_STR(ask(s, "m40010000,6"), "90b811111111");
    CHECK_STR(ask(s, "m10000,6"), "E14"); /* not mapped */
    env->cr[0] = saved[0];
    env->cr[3] = saved[1];
    env->cr[4] = saved[2];
    env->efer = saved[3];

    /* Z0 then c: the stop reply names the thread. */
    CHECK_STR(ask(s, "Z0,10006,1"), "OK");
    CHECK_STR(ask(s, "c"), "");
    CHECK(runstate_is_running());
    bql_unlock();
    g_string_truncate(wire, 0);
    run();
    CHECK(strstr(wire->str, "$T05thread:01;#") != NULL);
    CHECK_EQ(env->eip, X86H_CODE + 6);
    bql_lock();
    CHECK_STR(ask(s, "z0,10006,1"), "OK");
    CHECK_STR(ask(s, "z0,10006,1"), "E22");
    /* Z2 then vCont;c: the reply says where. */
    CHECK_STR(ask(s, "Z2,6000,4"), "OK");
    CHECK_STR(ask(s, "vCont;c"), "");
    bql_unlock();
    g_string_truncate(wire, 0);
    run();
    CHECK(strstr(wire->str, "T05thread:01;watch:6000;") != NULL);
    bql_lock();
    /* vCont;s:1 steps one instruction. */
    CHECK_STR(ask(s, "z2,6000,4"), "OK");
    uint32_t before = env->eip;
    CHECK_STR(ask(s, "vCont;s:1;c"), "");
    bql_unlock();
    g_string_truncate(wire, 0);
    run();
    CHECK_EQ(env->eip, before + 6); /* mov ebx, [0x6004] */
    CHECK(strstr(wire->str, "T05thread:01;") != NULL);
    bql_lock();
    /* Ctrl-C on a stopped machine that gdb resumed... it is stopped:
     * nothing to send; the monitor through qRcmd. */
    r = ask(s, "qRcmd,696e666f20737461747573"); /* "info status" */
    CHECK(g_str_has_prefix(r, "O"));
    CHECK(g_str_has_suffix(r, "|OK"));
    /* Ctrl-C while gdb's continue runs: stopped, SIGINT. */
    CHECK_STR(ask(s, "c"), "");
    CHECK(runstate_is_running());
    g_string_truncate(wire, 0);
    gdb_server_input(s, (const uint8_t *)"\x03", 1);
    CHECK(strstr(wire->str, "$T02thread:01;#") != NULL);
    CHECK_EQ(runstate_get(), RUN_STATE_PAUSED);
    /* D: the machine resumes, breakpoints go. */
    CHECK_STR(ask(s, "Z0,10012,1"), "OK");
    CHECK_STR(ask(s, "D"), "OK");
    CHECK(runstate_is_running());
    CHECK(!cpu->debug.active);
    bql_unlock();
    gdb_server_free(s);
}

/* ---- the x86-64 register set (a model with long mode) ---- */

/* v as gdb's little-endian hex (16 digits). */
static const char *hex64(uint64_t v)
{
    static char buf[4][17];
    static int k;
    char *b = buf[k++ & 3];
    for (int i = 0; i < 8; i++) {
        snprintf(b + 2 * i, 3, "%02x", (unsigned)(v >> (8 * i)) & 0xff);
    }
    return b;
}

static const char *P(int n, uint64_t v)
{
    static char buf[64];
    snprintf(buf, sizeof(buf), "P%x=%s", n, hex64(v));
    return buf;
}

/* Byte offsets in g of the x86-64 set (target64.c's numbering). */
#define G64_RIP (16 * 8)
#define G64_EFLAGS (G64_RIP + 8)
#define G64_ST0 (G64_EFLAGS + 4 + 6 * 4)
#define G64_XMM0 (G64_ST0 + 8 * 10 + 8 * 4)
#define G64_FS_BASE (G64_XMM0 + 16 * 16 + 4)
#define G64_SIZE (G64_FS_BASE + 9 * 8)

/*
 * 64-bit code the test runs at HI_CODE (physical X86H_CODE through the
 * high-half alias): r8 = rax = 0x1122334455667788, a nop (gdb's
 * breakpoint), rax stored at 4 GiB (gdb's watchpoint), hlt.
 */
#define HI_CODE 0xffff800000010000ull
#define LIN_4G 0x100000000ull
static const uint8_t code64[] = {
    0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* +0 */
    0x49, 0x89, 0xc0,                         /* +10 mov r8, rax */
    0x90,                                     /* +13 nop */
    0x48, 0xa3, 0, 0, 0, 0, 1, 0, 0, 0,       /* +14 mov [4 GiB], rax */
    0xf4,                                     /* +24 hlt */
};

/* 4-level tables at 0x100000: linear 0 and 0xffff800000000000 -> the
 * first 2 MiB of RAM, linear 4 GiB -> physical 0x200000 (2 MiB pages). */
static void map_long_mode(CPUX86State *env)
{
    uint8_t *ram = x86h_ram();
    memset(ram + 0x100000, 0, 0x4000);
    stq_le_p(ram + 0x100000, 0x101000 | 3);
    stq_le_p(ram + 0x100000 + 256 * 8, 0x101000 | 3);
    stq_le_p(ram + 0x101000, 0x102000 | 3);
    stq_le_p(ram + 0x101000 + 4 * 8, 0x103000 | 3);
    stq_le_p(ram + 0x102000, 0x83);
    stq_le_p(ram + 0x103000, 0x200000 | 0x83);
    env->cr[0] |= CR0_PG_MASK;
    env->cr[3] = 0x100000;
    env->cr[4] |= CR4_PAE_MASK;
    env->efer = EFER_LME | EFER_LMA;
}

static void test_server_64(void)
{
    CPUState *cpu = setup_code();
    CPUX86State *env = x86h_env();
    uint32_t ext2 = env->cpuid_ext2_features;
    env->cpuid_ext2_features |= CPUID_EXT2_LM | CPUID_EXT2_SYSCALL |
                                CPUID_EXT2_NX;
    GdbServer *s = server();
    runstate_set(RUN_STATE_RUNNING);
    bql_lock();
    CHECK_STR(ask(s, "?"), "T05thread:01;");

    /* The description: x86-64, whole, with the control registers. */
    GString *xml = g_string_new(NULL);
    for (size_t off = 0;;) {
        char q[64];
        snprintf(q, sizeof(q), "qXfer:features:read:target.xml:%zx,200", off);
        const char *r = ask(s, q);
        CHECK(r[0] == 'm' || r[0] == 'l');
        g_string_append(xml, r + 1);
        off += strlen(r + 1);
        if (r[0] != 'm' || strlen(r + 1) == 0) {
            break;
        }
    }
    CHECK_STR(xml->str, gdb_target_xml64);
    CHECK(strstr(xml->str, "<architecture>i386:x86-64</architecture>"));
    CHECK(strstr(xml->str, "\"org.gnu.gdb.i386.segments\""));
    CHECK(strstr(xml->str, "<reg name=\"fs_base\" bitsize=\"64\""));
    CHECK(strstr(xml->str, "<reg name=\"r15\" bitsize=\"64\""));
    CHECK(strstr(xml->str, "<reg name=\"xmm15\" bitsize=\"128\""));
    CHECK(strstr(xml->str, "<reg name=\"efer\" bitsize=\"64\""));
    g_string_free(xml, true);

    /* Protected mode (the harness's): the same 66 registers, 608 bytes;
     * rax-rdi and rip at their 32 bits, r8-r15 whole. */
    env->regs[R_EAX] = 0xaaaaaaaa11111111ull;
    env->regs[R_EBX] = 0x22222222;
    env->regs[8] = 0x8888888877777777ull;
    env->segs[R_FS].base = 0x12345000;
    const char *r = ask(s, "g");
    CHECK_EQ(strlen(r), 2 * G64_SIZE);
    CHECK(!strncmp(r, hex64(0x11111111), 16));
    CHECK(!strncmp(r + 2 * 8, hex64(0x22222222), 16)); /* rbx second */
    CHECK(!strncmp(r + 2 * 64, hex64(0x8888888877777777ull), 16));
    CHECK(!strncmp(r + 2 * G64_RIP, hex64(X86H_CODE), 16));
    CHECK(!strncmp(r + 2 * G64_FS_BASE, hex64(0x12345000), 16));
    CHECK_STR(ask(s, "p0"), hex64(0x11111111));
    CHECK_EQ(strlen(ask(s, "p11")), 8);   /* eflags: 4 bytes */
    CHECK_EQ(strlen(ask(s, "p18")), 20);  /* st0 */
    CHECK_EQ(strlen(ask(s, "p37")), 32);  /* xmm15 */
    CHECK_STR(ask(s, "p42"), "E14");      /* no register 66 */
    /* A 32-bit write zero-extends: what 32-bit code would leave. */
    CHECK_STR(ask(s, P(0, 0xffffffff12345678ull)), "OK");
    CHECK_EQ(env->regs[R_EAX], 0x12345678);
    CHECK_STR(ask(s, "P0=00000000"), "E22"); /* 8 bytes or nothing */

    /* Long mode with 64-bit code: everything at 64 bits. */
    map_long_mode(env);
    env->segs[R_CS].flags = (env->segs[R_CS].flags | DESC_L_MASK) &
                            ~DESC_B_MASK;
    env->eip = HI_CODE;
    env->regs[R_EAX] = 0xaaaaaaaa11111111ull;
    r = ask(s, "g");
    CHECK_EQ(strlen(r), 2 * G64_SIZE);
    CHECK(!strncmp(r, hex64(0xaaaaaaaa11111111ull), 16));
    CHECK(!strncmp(r + 2 * G64_RIP, hex64(HI_CODE), 16));
    /* Writes of each kind, read back through p and env. */
    static const struct {
        int n;
        uint64_t v;
    } w[] = {
        {0, 0x0123456789abcdefull},  {7, 0xffff800000070000ull},
        {15, 0xfedcba9876543210ull}, {16, HI_CODE + 0x10},
        {57, 0x00007fffdeadb000ull}, {58, 0xffff888000001000ull},
        {59, 0xffffffff81000000ull}, {61, 0xffffffff81234567ull},
        {62, 0x100000},              {65, EFER_LME | EFER_LMA | EFER_NXE},
    };
    for (size_t i = 0; i < ARRAY_SIZE(w); i++) {
        CHECK_STR(ask(s, P(w[i].n, w[i].v)), "OK");
        char q[8];
        snprintf(q, sizeof(q), "p%x", w[i].n);
        CHECK_STR(ask(s, q), hex64(w[i].v));
    }
    CHECK_EQ(env->regs[R_EAX], 0x0123456789abcdefull);
    CHECK_EQ(env->regs[R_ESP], 0xffff800000070000ull); /* rsp is 7 */
    CHECK_EQ(env->regs[15], 0xfedcba9876543210ull);
    CHECK_EQ(env->eip, HI_CODE + 0x10);
    CHECK_EQ(env->segs[R_FS].base, 0x00007fffdeadb000ull);
    CHECK_EQ(env->segs[R_GS].base, 0xffff888000001000ull);
    CHECK_EQ(env->kernelgsbase, 0xffffffff81000000ull);
    CHECK_EQ(env->cr[2], 0xffffffff81234567ull);
    CHECK_EQ(env->efer, EFER_LME | EFER_LMA | EFER_NXE);
    /* What the CPU would refuse, gdb cannot set. */
    CHECK_STR(ask(s, P(57, 0x0000800000000000ull)), "E22"); /* canonical */
    CHECK_STR(ask(s, P(60, 0x100000000ull | env->cr[0])), "E22");
    CHECK_STR(ask(s, P(64, 16)), "E22");                    /* cr8 */
    CHECK_STR(ask(s, P(65, 1ull << 20)), "E22");            /* efer */
    /* EFER.LMA follows LME and CR0.PG, whatever gdb writes. */
    CHECK_STR(ask(s, P(65, EFER_LME)), "OK");
    CHECK_EQ(env->efer, EFER_LME | EFER_LMA);
    /* G with what g gave writes nothing wrong. */
    char *all = g_strdup(ask(s, "g"));
    char *G = g_strconcat("G", all, NULL);
    CHECK_STR(ask(s, G), "OK");
    CHECK_STR(ask(s, "g"), all);
    g_free(G);
    g_free(all);

    /* Memory by 64-bit linear address: the high half, above 4 GiB, and
     * nothing at a non-canonical one or where no table maps. */
    memcpy(x86h_ram() + X86H_CODE, code64, sizeof(code64));
    CHECK_STR(ask(s, "mffff800000010000,3"), "48b888");
    CHECK_STR(ask(s, "M100000000,4:efbeadde"), "OK");
    CHECK_EQ(ldl_le_p(x86h_ram() + 0x200000), 0xdeadbeef);
    CHECK_STR(ask(s, "m100000000,4"), "efbeadde");
    CHECK_STR(ask(s, "m800000000000,1"), "E14");
    CHECK_STR(ask(s, "m7f0000000000,1"), "E14");
    CHECK_STR(ask(s, "mfffffffffffffff0,20"), "E14"); /* wraps */
    /* Breakpoints: canonical addresses only. */
    CHECK_STR(ask(s, "Z0,800000000000,1"), "E22");
    CHECK_STR(ask(s, "Z2,8000000000000000,8"), "E22");

    /* Run it: the breakpoint at a high-half address stops before the
     * nop, with r8 set. */
    env->eip = HI_CODE;
    env->regs[8] = 0;
    env->segs[R_FS].base = 0x00007fffdeadb000ull;
    char z[64];
    snprintf(z, sizeof(z), "Z0,%" PRIx64 ",1", (uint64_t)(HI_CODE + 13));
    CHECK_STR(ask(s, z), "OK");
    CHECK_EQ(cpu->debug.bp[0].addr, HI_CODE + 13);
    CHECK_STR(ask(s, "Z2,100000000,8"), "OK");
    CHECK_STR(ask(s, "c"), "");
    bql_unlock();
    g_string_truncate(wire, 0);
    run();
    CHECK(strstr(wire->str, "$T05thread:01;#") != NULL);
    CHECK_EQ(env->eip, HI_CODE + 13);
    bql_lock();
    CHECK_STR(ask(s, "p10"), hex64(HI_CODE + 13));
    CHECK_STR(ask(s, "p8"), hex64(0x1122334455667788ull)); /* r8 */
    CHECK_STR(ask(s, "p39"), hex64(0x00007fffdeadb000ull)); /* fs_base */
    /* gdb changes rax; the guest stores it: the watchpoint above 4 GiB
     * stops after the store and says where. */
    CHECK_STR(ask(s, P(0, 0xcafef00d0badf00dull)), "OK");
    z[0] = 'z';
    CHECK_STR(ask(s, z), "OK");
    CHECK_STR(ask(s, "c"), "");
    bql_unlock();
    g_string_truncate(wire, 0);
    run();
    CHECK(strstr(wire->str, "T05thread:01;watch:100000000;") != NULL);
    CHECK_EQ(env->eip, HI_CODE + 24);
    CHECK_EQ(ldq_le_p(x86h_ram() + 0x200000), 0xcafef00d0badf00dull);
    bql_lock();
    CHECK_STR(ask(s, "m100000000,8"), "0df0ad0b0df0feca");
    CHECK_STR(ask(s, "D"), "OK");
    CHECK(!cpu->debug.active);
    bql_unlock();
    gdb_server_free(s);
    env->cpuid_ext2_features = ext2;
}

/* A model without long mode keeps 32-bit addresses. */
static void test_server_32_addr(void)
{
    setup_code();
    GdbServer *s = server();
    runstate_set(RUN_STATE_PAUSED);
    bql_lock();
    CHECK_STR(ask(s, "Z0,100000000,1"), "E22");
    CHECK_STR(ask(s, "Z0,ffff800000010000,1"), "E22");
    CHECK_STR(ask(s, "m100000000,4"), "E14");
    CHECK_STR(ask(s, "mfffffffe,4"), "E14"); /* would wrap at 4 GiB */
    CHECK_STR(ask(s, "Z0,fffffff0,1"), "OK");
    CHECK_STR(ask(s, "z0,fffffff0,1"), "OK");
    bql_unlock();
    gdb_server_free(s);
}

/* Turn the main loop until fd has data or the deadline passes. */
static ssize_t read_reply(int fd, char *buf, size_t size)
{
    size_t got = 0;
    for (int i = 0; i < 500 && !memchr(buf, '#', got); i++) {
        main_loop_iterate(10);
        ssize_t n = recv(fd, buf + got, size - 1 - got, MSG_DONTWAIT);
        if (n > 0) {
            got += n;
        }
    }
    buf[got] = 0;
    return got;
}

/* The monitor's gdbserver on a unix socket: a client gets answers;
 * "gdbserver none" closes it. */
static void test_monitor_gdbserver(void)
{
    char dir[] = "/tmp/emu-gdbstub-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *path = g_strdup_printf("%s/gdb.sock", dir);
    char *cmd = g_strdup_printf("gdbserver unix:%s,server", path);
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    runstate_set(RUN_STATE_PAUSED);
    bql_lock();
    CHECK_EQ(monitor_execute_line(NULL, cmd, f), 0);
    fflush(f);
    CHECK(strstr(out, "Waiting for gdb connection") != NULL);

    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    CHECK_EQ(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    CHECK_EQ(send(fd, "$qC#b4", 6, 0), 6);
    char buf[256];
    read_reply(fd, buf, sizeof(buf));
    CHECK(g_str_has_prefix(buf, "+$QC01#"));
    close(fd);

    CHECK_EQ(monitor_execute_line(NULL, "gdbserver none", f), 0);
    fflush(f);
    CHECK(strstr(out, "Disabled gdbserver") != NULL);
    main_loop_iterate(0);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0);
    close(fd);
    /* A device that cannot be opened: an error, the old state stays. */
    CHECK_EQ(monitor_execute_line(NULL, "gdbserver bogus:x", f), -1);
    fflush(f);
    CHECK(strstr(out, "Could not open gdbserver") != NULL);
    bql_unlock();
    fclose(f);
    free(out);
    unlink(path);
    rmdir(dir);
    g_free(cmd);
    g_free(path);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    main_loop_init();
    x86h_init(); /* the machine the server's commands see: one vCPU */
    TEST_RUN(test_rx_framing);
    TEST_RUN(test_rx_too_long);
    TEST_RUN(test_frame_escape);
    TEST_RUN(test_hex);
    TEST_RUN(test_acks);
    TEST_RUN(test_queries);
    TEST_RUN(test_malformed);
    TEST_RUN(test_breakpoint_step_watch);
    TEST_RUN(test_server_with_cpu);
    TEST_RUN(test_server_64);
    TEST_RUN(test_server_32_addr);
    TEST_RUN(test_monitor_gdbserver);
    return test_finish();
}
