/*
 * The gdbstub's commands: one packet from gdb in, its reply out (gdb's
 * manual, "Packets" and "General Query Packets").  All-stop mode only:
 * every vCPU stops when one does, and resuming resumes them all (a step
 * steps the chosen vCPU while the others run).  Thread ids are vCPU index
 * + 1.  Errors use gdb's "Enn" with errno values (E22 invalid, E14 bad
 * address, E28 no room); packets we do not know get the empty reply.
 * Registers, memory and breakpoints are in data.c.
 */
#include "gdbstub/gdbstub-internal.h"
#include "emu/cpu-debug.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "emu/monitor.h"
#include "emu/runstate.h"

int gdb_nr_cpus(void)
{
    return current_machine ? current_machine->nr_cpus : 0;
}

CPUState *gdb_cpu_at(int i)
{
    return i >= 0 && i < gdb_nr_cpus() ? current_machine->cpus[i] : NULL;
}

static void send_raw(GdbServer *s, const char *buf, size_t len)
{
    s->out(s->opaque, buf, len);
}

void gdb_send_packet(GdbServer *s, const char *data, size_t len)
{
    g_string_truncate(s->last, 0);
    gdb_packet_frame(s->last, data, len);
    send_raw(s, s->last->str, s->last->len);
}

void gdb_reply(GdbServer *s, const char *str)
{
    gdb_send_packet(s, str, strlen(str));
}

void gdb_reply_errno(GdbServer *s, int err)
{
    char buf[8];
    snprintf(buf, sizeof(buf), "E%02d", err % 100);
    gdb_reply(s, buf);
}

/* ---- stopping and resuming ---- */

/* sig: what to say when no vCPU hit anything (5 SIGTRAP for '?', as
 * QEMU; 2 SIGINT for a stop gdb did not ask for: Ctrl-C, "stop"). */
static void stop_reply(GdbServer *s, int sig)
{
    GString *r = g_string_new(NULL);
    for (int i = 0; i < gdb_nr_cpus(); i++) {
        CPUDebugHit hit;
        if (!cpu_debug_take_hit(gdb_cpu_at(i), &hit)) {
            continue;
        }
        if (!r->len) {
            s->g_cpu = s->c_cpu = i;
            g_string_printf(r, "T05thread:%02x;", i + 1);
            if (hit.type == CPU_WP_WRITE || hit.type == CPU_WP_READ ||
                hit.type == CPU_WP_ACCESS) {
                static const char *const names[] = {"watch", "rwatch",
                                                    "awatch"};
                g_string_append_printf(
                    r, "%s:%" PRIx64 ";", names[hit.type - CPU_WP_WRITE],
                    hit.addr);
            }
        }
    }
    if (!r->len) {
        g_string_printf(r, "T%02xthread:%02x;", sig, s->g_cpu + 1);
    }
    gdb_send_packet(s, r->str, r->len);
    g_string_free(r, true);
}

static void state_changed(void *opaque, bool running, RunState st)
{
    GdbServer *s = opaque;
    if (running) {
        return;
    }
    if (s->waiting_stop) {
        s->waiting_stop = false;
        stop_reply(s, 2);
    }
}

/* Resume every vCPU; step_cpu (or -1) single-steps. */
static void resume(GdbServer *s, int step_cpu)
{
    for (int i = 0; i < gdb_nr_cpus(); i++) {
        cpu_debug_clear_hit(gdb_cpu_at(i));
        cpu_debug_set_singlestep(gdb_cpu_at(i), i == step_cpu);
    }
    s->waiting_stop = true;
    if (runstate_is_running()) {
        return; /* a stop reply comes with the next stop */
    }
    vm_start();
}

static void stop_now(GdbServer *s)
{
    if (runstate_is_running()) {
        s->waiting_stop = true;
        vm_stop(RUN_STATE_PAUSED); /* the listener sends T02 */
    } else if (s->waiting_stop) {
        s->waiting_stop = false;
        stop_reply(s, 2);
    }
}

static void remove_all(void)
{
    for (int i = 0; i < gdb_nr_cpus(); i++) {
        cpu_debug_remove_all(gdb_cpu_at(i));
        cpu_debug_clear_hit(gdb_cpu_at(i));
    }
}

void gdb_server_connected(GdbServer *s)
{
    gdb_rx_init(&s->rx);
    s->no_ack = false;
    s->waiting_stop = false;
    s->g_cpu = s->c_cpu = 0;
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
}

void gdb_server_disconnected(GdbServer *s)
{
    remove_all();
    s->waiting_stop = false;
    if (runstate_get() == RUN_STATE_DEBUG) {
        vm_start();
    }
}

/* ---- threads ---- */

/* A thread id: -1 (all), 0 (any) or a vCPU; returns the index, -1 for
 * all/any, -2 if it is no thread of ours. */
static int parse_thread(const char *p)
{
    uint64_t t;
    if (!strcmp(p, "-1") || !strcmp(p, "0")) {
        return -1;
    }
    if (!gdb_parse_hex(&p, &t) || *p || t == 0 || t > (uint64_t)gdb_nr_cpus()) {
        return -2;
    }
    return t - 1;
}

static void cmd_set_thread(GdbServer *s, const char *p)
{
    char op = *p++;
    int t = parse_thread(p);
    if ((op != 'g' && op != 'c') || t == -2) {
        gdb_reply(s, "E22");
        return;
    }
    if (op == 'g') {
        s->g_cpu = t < 0 ? 0 : t;
    } else {
        s->c_cpu = t < 0 ? 0 : t;
    }
    gdb_reply(s, "OK");
}

/* vCont;ACTION[:TID];...  c, C sig, s, S sig, t (stays stopped). */
static void cmd_vcont(GdbServer *s, const char *p)
{
    int step = -1;
    bool any = false;
    while (*p == ';') {
        char act = *++p;
        p++;
        if (act == 'C' || act == 'S') {
            uint64_t sig;
            if (!gdb_parse_hex(&p, &sig)) {
                gdb_reply(s, "E22");
                return;
            }
        } else if (act != 'c' && act != 's' && act != 't') {
            gdb_reply(s, "E22");
            return;
        }
        int t = -1;
        if (*p == ':') {
            char tid[24];
            size_t n = strcspn(++p, ";");
            if (n >= sizeof(tid)) {
                gdb_reply(s, "E22");
                return;
            }
            memcpy(tid, p, n);
            tid[n] = 0;
            p += n;
            if ((t = parse_thread(tid)) == -2) {
                gdb_reply(s, "E22");
                return;
            }
        }
        if ((act == 's' || act == 'S') && step < 0) {
            step = t < 0 ? s->c_cpu : t;
        }
        any |= act != 't';
    }
    if (*p || !any) {
        gdb_reply(s, *p ? "E22" : "OK");
        return;
    }
    resume(s, step);
}

/* c[ADDR], s[ADDR], C sig[;ADDR], S sig[;ADDR] */
static void cmd_resume(GdbServer *s, char op, const char *p)
{
    uint64_t v;
    if (op == 'C' || op == 'S') {
        if (!gdb_parse_hex(&p, &v) || (*p && *p++ != ';')) {
            gdb_reply(s, "E22");
            return;
        }
    }
    CPUState *cpu = gdb_cpu_at(s->c_cpu);
    if (!cpu) {
        gdb_reply(s, "E22");
        return;
    }
    if (*p) {
        if (!gdb_parse_hex(&p, &v) || *p) {
            gdb_reply(s, "E22");
            return;
        }
        cpu_synchronize_state(cpu);
        /* As a write of the pc register: gdb's width (rip, or eip). */
        uint8_t buf[8];
        stq_le_p(buf, v);
        if (gdb_write_register(cpu, gdb_cpu_is64(cpu) ? 16 : 8, buf,
                               gdb_cpu_is64(cpu) ? 8 : 4) < 0) {
            gdb_reply(s, "E22");
            return;
        }
    }
    resume(s, (op == 's' || op == 'S') ? s->c_cpu : -1);
}

/* ---- queries ---- */

static void cmd_xfer_features(GdbServer *s, const char *p)
{
    uint64_t off, len;
    const char *annex = "target.xml:";
    if (strncmp(p, annex, strlen(annex))) {
        gdb_reply(s, "E00");
        return;
    }
    p += strlen(annex);
    if (!gdb_parse_addr_len(&p, &off, &len, 0) || p[-1] != 0) {
        gdb_reply(s, "E22");
        return;
    }
    const char *xml = gdb_target_xml(gdb_cpu_at(0));
    size_t total = strlen(xml);
    if (off > total) {
        gdb_reply(s, "E22");
        return;
    }
    /* Escaping may double a byte: keep the reply within PacketSize. */
    len = MIN(len, (uint64_t)(GDB_MAX_PACKET - 8) / 2);
    size_t n = MIN(len, total - off);
    GString *r = g_string_new(off + n < total ? "m" : "l");
    g_string_append_len(r, xml + off, n);
    gdb_send_packet(s, r->str, r->len);
    g_string_free(r, true);
}

static void cmd_rcmd(GdbServer *s, const char *hex)
{
    size_t len = strlen(hex);
    char *line = g_malloc0(len / 2 + 1);
    if (gdb_hex_decode(hex, len, (uint8_t *)line) < 0 ||
        strlen(line) != len / 2) {
        g_free(line);
        gdb_reply(s, "E22");
        return;
    }
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    if (f) {
        s->monitor(line, f);
        fclose(f);
    }
    /* The output as console packets, then the end of the command. */
    for (size_t off = 0; off < outlen; off += 512) {
        GString *r = g_string_new("O");
        gdb_hex_encode(r, (const uint8_t *)out + off, MIN(512, outlen - off));
        gdb_send_packet(s, r->str, r->len);
        g_string_free(r, true);
    }
    free(out);
    g_free(line);
    gdb_reply(s, f ? "OK" : "E12");
}

static void cmd_query(GdbServer *s, const char *p)
{
    if (!strncmp(p, "qSupported", 10)) {
        char buf[128];
        snprintf(buf, sizeof(buf),
                 "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;"
                 "vContSupported+",
                 GDB_MAX_PACKET);
        gdb_reply(s, buf);
    } else if (!strncmp(p, "qXfer:features:read:", 20)) {
        cmd_xfer_features(s, p + 20);
    } else if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10)) {
        gdb_reply(s, "1");
    } else if (!strcmp(p, "qC")) {
        char buf[16];
        snprintf(buf, sizeof(buf), "QC%02x", s->g_cpu + 1);
        gdb_reply(s, buf);
    } else if (!strcmp(p, "qfThreadInfo")) {
        GString *r = g_string_new("m");
        for (int i = 0; i < gdb_nr_cpus(); i++) {
            g_string_append_printf(r, i ? ",%02x" : "%02x", i + 1);
        }
        gdb_send_packet(s, r->str, r->len > 1 ? r->len : 0);
        g_string_free(r, true);
    } else if (!strcmp(p, "qsThreadInfo")) {
        gdb_reply(s, "l");
    } else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
        int t = parse_thread(p + 17);
        CPUState *cpu = gdb_cpu_at(t);
        if (!cpu) {
            gdb_reply(s, "E22");
            return;
        }
        char buf[64];
        snprintf(buf, sizeof(buf), "CPU#%d [%s]", t,
                 cpu->env.halted ? "halted" : "running");
        GString *r = g_string_new(NULL);
        gdb_hex_encode(r, (const uint8_t *)buf, strlen(buf));
        gdb_send_packet(s, r->str, r->len);
        g_string_free(r, true);
    } else if (!strncmp(p, "qRcmd,", 6)) {
        cmd_rcmd(s, p + 6);
    } else {
        gdb_reply(s, "");
    }
}

static void handle_packet(GdbServer *s, const char *p, size_t len)
{
    switch (p[0]) {
    case '?':
        if (runstate_is_running()) {
            vm_stop(RUN_STATE_PAUSED);
        }
        s->waiting_stop = false;
        stop_reply(s, 5);
        break;
    case 'g':
        if (p[1]) {
            gdb_reply(s, "E22");
        } else {
            gdb_cmd_read_regs(s);
        }
        break;
    case 'G':
        gdb_cmd_write_regs(s, p + 1, len - 1);
        break;
    case 'p':
        gdb_cmd_read_reg(s, p + 1);
        break;
    case 'P':
        gdb_cmd_write_reg(s, p + 1);
        break;
    case 'm':
    case 'M':
    case 'X':
        gdb_cmd_memory(s, p[0], p + 1, len - 1);
        break;
    case 'c':
    case 's':
    case 'C':
    case 'S':
        cmd_resume(s, p[0], p + 1);
        break;
    case 'Z':
    case 'z':
        gdb_cmd_breakpoint(s, p[0] == 'Z', p + 1);
        break;
    case 'H':
        cmd_set_thread(s, p + 1);
        break;
    case 'T':
        gdb_reply(s, parse_thread(p + 1) >= 0 ? "OK" : "E22");
        break;
    case 'D':
        remove_all();
        gdb_reply(s, "OK");
        s->waiting_stop = false;
        if (!runstate_is_running()) {
            vm_start();
        }
        break;
    case 'k':
        /* As QEMU: emu ends (no reply, gdb does not wait for one). */
        error_report("terminated via GDBstub");
        remove_all();
        system_shutdown_request(SHUTDOWN_CAUSE_HOST_QUIT, 0);
        break;
    case 'q':
        cmd_query(s, p);
        break;
    case 'Q':
        if (!strcmp(p, "QStartNoAckMode")) {
            gdb_reply(s, "OK");
            s->no_ack = true;
        } else {
            gdb_reply(s, "");
        }
        break;
    case 'v':
        if (!strcmp(p, "vCont?")) {
            gdb_reply(s, "vCont;c;C;s;S;t");
        } else if (!strncmp(p, "vCont;", 6)) {
            cmd_vcont(s, p + 5);
        } else if (!strncmp(p, "vKill", 5)) {
            gdb_reply(s, "OK");
            error_report("terminated via GDBstub");
            remove_all();
            system_shutdown_request(SHUTDOWN_CAUSE_HOST_QUIT, 0);
        } else {
            gdb_reply(s, "");
        }
        break;
    default:
        gdb_reply(s, "");
        break;
    }
}

void gdb_server_input(GdbServer *s, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (gdb_rx_byte(&s->rx, buf[i])) {
        case GDB_RX_PACKET:
            if (!s->no_ack) {
                send_raw(s, "+", 1);
            }
            if (s->rx.len == 0) {
                gdb_reply(s, "");
            } else if (s->rx.buf[0] != 'X' && memchr(s->rx.buf, 0, s->rx.len)) {
                /* Only X carries binary data: a NUL elsewhere is bad. */
                gdb_reply(s, "E22");
            } else {
                handle_packet(s, s->rx.buf, s->rx.len);
            }
            break;
        case GDB_RX_BAD_SUM:
        case GDB_RX_TOO_LONG:
            if (!s->no_ack) {
                send_raw(s, "-", 1);
            }
            break;
        case GDB_RX_NACK:
            if (!s->no_ack && s->last->len) {
                send_raw(s, s->last->str, s->last->len);
            }
            break;
        case GDB_RX_INTERRUPT:
            stop_now(s);
            break;
        case GDB_RX_ACK:
        case GDB_RX_NONE:
            break;
        }
    }
}

static int run_monitor(const char *line, FILE *out)
{
    return monitor_execute_line(NULL, line, out);
}

GdbServer *gdb_server_new(void (*out)(void *opaque, const char *buf,
                                      size_t len),
                          void *opaque)
{
    GdbServer *s = g_new0(GdbServer, 1);
    s->monitor = run_monitor;
    s->out = out;
    s->opaque = opaque;
    s->last = g_string_new(NULL);
    gdb_rx_init(&s->rx);
    runstate_add_listener(state_changed, s);
    return s;
}

void gdb_server_free(GdbServer *s)
{
    if (s) {
        runstate_remove_listener(state_changed, s);
        g_string_free(s->last, true);
        g_free(s);
    }
}
