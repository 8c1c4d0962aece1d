/*
 * gdbstub internals: the packet layer (packet.c), the x86 side -- target
 * description, registers, memory by linear address (target.c) -- and the
 * server that answers gdb (gdbstub.c).  Tests and the fuzz target use the
 * packet layer and gdb_handle_packet() without a socket.
 */
#ifndef GDBSTUB_INTERNAL_H
#define GDBSTUB_INTERNAL_H

#include "emu/common.h"
#include "emu/cpu.h"

#include <glib.h>

/* What we accept and advertise (qSupported PacketSize, in hex there). */
#define GDB_MAX_PACKET 4096

/* ---- packet.c: framing "$data#cc", acks, the interrupt byte ---- */

typedef enum GdbRxEvent {
    GDB_RX_NONE,      /* byte taken, nothing complete yet */
    GDB_RX_PACKET,    /* rx->buf holds a packet with a good checksum */
    GDB_RX_BAD_SUM,   /* a packet with a wrong checksum: send '-' */
    GDB_RX_TOO_LONG,  /* longer than GDB_MAX_PACKET: dropped, send '-' */
    GDB_RX_INTERRUPT, /* 0x03 outside a packet (Ctrl-C) */
    GDB_RX_ACK,       /* '+' */
    GDB_RX_NACK,      /* '-': send the last packet again */
} GdbRxEvent;

typedef struct GdbRx {
    int state;
    size_t len;
    uint8_t sum, given;
    char buf[GDB_MAX_PACKET + 1]; /* NUL terminated */
} GdbRx;

void gdb_rx_init(GdbRx *rx);
GdbRxEvent gdb_rx_byte(GdbRx *rx, uint8_t c);

/* "$" + data with '$', '#', '}' and '*' escaped + "#cc" appended to out. */
void gdb_packet_frame(GString *out, const char *data, size_t len);
/* Binary data ('}' escapes, as in X and qXfer): decoded length, or -1 if
 * the data ends inside an escape. */
ssize_t gdb_unescape(const char *in, size_t len, uint8_t *out);
/* Hex digits of n bytes; -1 if hex is not 2 * n hex digits. */
int gdb_hex_decode(const char *hex, size_t hexlen, uint8_t *out);
void gdb_hex_encode(GString *out, const uint8_t *buf, size_t n);
/* A hex number at *p (at least one digit, at most 16): advances *p. */
bool gdb_parse_hex(const char **p, uint64_t *v);

/* ---- target.c, target64.c: the registers gdb knows, memory ---- */

/*
 * Two register sets, chosen by the CPU model as QEMU's i386 and x86_64
 * binaries differ: gdb's i386 one (org.gnu.gdb.i386.core + .sse, 32-bit
 * registers) for models without long mode, the x86-64 one (64-bit
 * registers, r8-r15, xmm0-15, segment bases, control registers) for
 * models with it (CPUID LM), in every mode the guest is in: gdb cannot
 * change the layout during a session.
 */
extern const char gdb_target_xml32[];
extern const char gdb_target_xml64[];
#define GDB_NUM_REGS 41   /* i386 */
#define GDB_NUM_REGS64 66 /* x86-64 */
/* The long-mode model (cpu NULL: none, i386). */
bool gdb_cpu_is64(const CPUState *cpu);
const char *gdb_target_xml(const CPUState *cpu);
int gdb_num_regs(const CPUState *cpu);
/* Register n into buf (little endian): its size, 0 if there is none. */
int gdb_read_register(CPUState *cpu, int n, uint8_t *buf);
/* Register n from buf (size bytes): 0, or -1 if n does not exist or the
 * value cannot be set (a segment selector in protected mode). */
int gdb_write_register(CPUState *cpu, int n, const uint8_t *buf, int size);
/* The x86-64 set (target64.c): as above, size already checked. */
int gdb_read_register64(CPUState *cpu, int n, uint8_t *buf);
int gdb_write_register64(CPUState *cpu, int n, const uint8_t *buf);
/* Shared by both sets: x87 register i (st0-st7, then fctrl, fstat, ftag,
 * fiseg, fioff, foseg, fooff, fop), selector i (cs ss ds es fs gs). */
int gdb_read_x87(const CPUX86State *env, int i, uint8_t *buf);
void gdb_write_x87(CPUX86State *env, int i, const uint8_t *buf);
uint32_t gdb_read_seg(const CPUX86State *env, int i);
int gdb_write_seg(CPUX86State *env, int i, uint32_t sel);
/* By linear address through cpu's page tables (no A/D updates, rights
 * ignored, as a debugger); -1 if a page is not mapped, or the address is
 * beyond 4 GiB outside long mode, or not canonical in it. */
int gdb_memory_rw(CPUState *cpu, uint64_t addr, uint8_t *buf, size_t len,
                  bool write);
/* A breakpoint address the CPU can have: 32 bits (i386 models), or
 * canonical (long mode). */
bool gdb_valid_addr(const CPUState *cpu, uint64_t addr);

/* ---- gdbstub.c: the commands ---- */

typedef struct GdbServer {
    void (*out)(void *opaque, const char *buf, size_t len);
    void *opaque;
    GdbRx rx;
    bool no_ack;       /* QStartNoAckMode was accepted */
    bool waiting_stop; /* the machine runs for gdb: a stop gets a reply */
    int g_cpu, c_cpu;  /* Hg, Hc: vCPU index (thread id - 1) */
    GString *last;     /* the last packet sent, for a '-' */
    /* qRcmd runs the line here: monitor_execute_line, or a fuzz target's
     * harmless stand-in (any monitor command may come from the wire). */
    int (*monitor)(const char *line, FILE *out);
} GdbServer;

/* A server whose replies go to out(opaque, bytes, len) (tests, fuzz). */
GdbServer *gdb_server_new(void (*out)(void *opaque, const char *buf,
                                      size_t len),
                          void *opaque);
void gdb_server_free(GdbServer *s);
/* For the command files: the vCPUs, replies, "ADDR,LEN" + sep. */
int gdb_nr_cpus(void);
CPUState *gdb_cpu_at(int i);
void gdb_send_packet(GdbServer *s, const char *data, size_t len);
void gdb_reply(GdbServer *s, const char *str);
void gdb_reply_errno(GdbServer *s, int err);
bool gdb_parse_addr_len(const char **p, uint64_t *addr, uint64_t *len,
                        char sep);

/* data.c: g, G, p, P, m/M/X (op), Z/z. */
void gdb_cmd_read_regs(GdbServer *s);
void gdb_cmd_write_regs(GdbServer *s, const char *p, size_t len);
void gdb_cmd_read_reg(GdbServer *s, const char *p);
void gdb_cmd_write_reg(GdbServer *s, const char *p);
void gdb_cmd_memory(GdbServer *s, char op, const char *p, size_t plen);
void gdb_cmd_breakpoint(GdbServer *s, bool insert, const char *p);

/* Bytes from the client, as the chardev would deliver them. */
void gdb_server_input(GdbServer *s, const uint8_t *buf, size_t len);
/* A client connected (fresh protocol state; the machine stops, as with
 * QEMU) or went away (breakpoints removed, the machine resumes if gdb
 * held it). */
void gdb_server_connected(GdbServer *s);
void gdb_server_disconnected(GdbServer *s);

#endif
