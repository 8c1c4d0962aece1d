/*
 * The gdbstub's data commands: registers (g, G, p, P), memory (m, M, X)
 * and breakpoints (Z, z) on the vCPU gdb chose (Hg), or on all of them
 * for breakpoints.  gdbstub.c dispatches to them.
 */
#include "gdbstub/gdbstub-internal.h"
#include "emu/cpu-debug.h"

/* m: at most this much, so that the hex reply fits PacketSize. */
#define MAX_MEM_READ ((GDB_MAX_PACKET - 4) / 2)

static CPUState *g_cpu(GdbServer *s)
{
    CPUState *cpu = gdb_cpu_at(s->g_cpu);
    if (cpu) {
        cpu_synchronize_state(cpu);
    }
    return cpu;
}

void gdb_cmd_read_regs(GdbServer *s)
{
    CPUState *cpu = g_cpu(s);
    if (!cpu) {
        gdb_reply(s, "E22");
        return;
    }
    GString *r = g_string_new(NULL);
    for (int n = 0; n < gdb_num_regs(cpu); n++) {
        uint8_t buf[16];
        gdb_hex_encode(r, buf, gdb_read_register(cpu, n, buf));
    }
    gdb_send_packet(s, r->str, r->len);
    g_string_free(r, true);
}

void gdb_cmd_write_regs(GdbServer *s, const char *p, size_t len)
{
    CPUState *cpu = g_cpu(s);
    uint8_t buf[16];
    size_t total = 0;
    for (int n = 0; cpu && n < gdb_num_regs(cpu); n++) {
        total += gdb_read_register(cpu, n, buf);
    }
    if (!cpu || len != 2 * total) {
        gdb_reply(s, "E22");
        return;
    }
    uint8_t *all = g_malloc(total);
    if (gdb_hex_decode(p, len, all) < 0) {
        g_free(all);
        gdb_reply(s, "E22");
        return;
    }
    int err = 0;
    for (int n = 0, off = 0; n < gdb_num_regs(cpu); n++) {
        int size = gdb_read_register(cpu, n, buf);
        /* Unchanged values go back as they are (segment selectors
         * included); a change that cannot be made fails the packet. */
        if (memcmp(buf, all + off, size) &&
            gdb_write_register(cpu, n, all + off, size) < 0) {
            err = 1;
        }
        off += size;
    }
    g_free(all);
    gdb_reply(s, err ? "E22" : "OK");
}

void gdb_cmd_read_reg(GdbServer *s, const char *p)
{
    uint64_t n;
    uint8_t buf[16];
    CPUState *cpu = g_cpu(s);
    int size;
    if (!gdb_parse_hex(&p, &n) || *p || !cpu ||
        n >= (uint64_t)gdb_num_regs(cpu) ||
        !(size = gdb_read_register(cpu, n, buf))) {
        gdb_reply(s, "E14");
        return;
    }
    GString *r = g_string_new(NULL);
    gdb_hex_encode(r, buf, size);
    gdb_send_packet(s, r->str, r->len);
    g_string_free(r, true);
}

void gdb_cmd_write_reg(GdbServer *s, const char *p)
{
    uint64_t n;
    uint8_t buf[16];
    CPUState *cpu = g_cpu(s);
    if (!gdb_parse_hex(&p, &n) || *p++ != '=' || !cpu ||
        n >= (uint64_t)gdb_num_regs(cpu)) {
        gdb_reply(s, "E14");
        return;
    }
    size_t len = strlen(p);
    if (len > 2 * sizeof(buf) || gdb_hex_decode(p, len, buf) < 0 ||
        gdb_write_register(cpu, n, buf, len / 2) < 0) {
        gdb_reply(s, "E22");
        return;
    }
    gdb_reply(s, "OK");
}

/* "ADDR,LEN" then sep (or the end when sep is 0).  Any 64-bit ADDR: what
 * the CPU can reach is the caller's to tell. */
bool gdb_parse_addr_len(const char **p, uint64_t *addr, uint64_t *len, char sep)
{
    return gdb_parse_hex(p, addr) && *(*p)++ == ',' && gdb_parse_hex(p, len) &&
           *(*p)++ == sep;
}

void gdb_cmd_memory(GdbServer *s, char op, const char *p, size_t plen)
{
    const char *start = p;
    uint64_t addr, len;
    CPUState *cpu = g_cpu(s);
    if (!gdb_parse_addr_len(&p, &addr, &len, op == 'm' ? 0 : ':') ||
        (op == 'm' && p[-1] != 0) || !cpu) {
        gdb_reply(s, "E22");
        return;
    }
    if (op == 'm') {
        len = MIN(len, MAX_MEM_READ);
        uint8_t *buf = g_malloc(len + 1);
        if (gdb_memory_rw(cpu, addr, buf, len, false) < 0) {
            gdb_reply(s, "E14");
        } else {
            GString *r = g_string_new(NULL);
            gdb_hex_encode(r, buf, len);
            gdb_send_packet(s, r->str, r->len);
            g_string_free(r, true);
        }
        g_free(buf);
        return;
    }
    size_t dlen = plen - (p - start);
    if (len > GDB_MAX_PACKET) {
        gdb_reply(s, "E22");
        return;
    }
    uint8_t *buf = g_malloc(dlen + 1);
    bool ok = op == 'M' ? dlen == 2 * len && gdb_hex_decode(p, dlen, buf) == 0
                        : gdb_unescape(p, dlen, buf) == (ssize_t)len;
    if (!ok) {
        gdb_reply(s, "E22");
    } else if (len && gdb_memory_rw(cpu, addr, buf, len, true) < 0) {
        gdb_reply(s, "E14");
    } else {
        gdb_reply(s, "OK");
    }
    g_free(buf);
}

/* ---- breakpoints ---- */

void gdb_cmd_breakpoint(GdbServer *s, bool insert, const char *p)
{
    uint64_t type, addr, kind;
    if (!gdb_parse_hex(&p, &type) || *p++ != ',' ||
        !gdb_parse_addr_len(&p, &addr, &kind, 0) || p[-1] != 0) {
        gdb_reply(s, "E22");
        return;
    }
    if (type > CPU_WP_ACCESS) {
        gdb_reply(s, ""); /* not supported: gdb says so */
        return;
    }
    if (!gdb_valid_addr(gdb_cpu_at(0), addr)) {
        gdb_reply(s, "E22");
        return;
    }
    int err = 0;
    for (int i = 0; i < gdb_nr_cpus() && !err; i++) {
        err = insert ? cpu_debug_insert(gdb_cpu_at(i), type, addr, kind)
                     : cpu_debug_remove(gdb_cpu_at(i), type, addr, kind);
        if (err && insert) {
            for (int k = 0; k < i; k++) {
                cpu_debug_remove(gdb_cpu_at(k), type, addr, kind);
            }
        }
    }
    if (!gdb_nr_cpus()) {
        err = -ENODEV;
    }
    if (err == -ENOSYS) {
        gdb_reply(s, "");
    } else if (err) {
        gdb_reply_errno(s, err == -ENOSPC ? ENOSPC : EINVAL);
    } else {
        gdb_reply(s, "OK");
    }
}
