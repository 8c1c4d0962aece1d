/*
 * The GDB remote serial protocol's framing (gdb's manual, "Overview" of
 * the remote protocol): packets "$data#cc" with cc the modulo-256 sum of
 * data in two hex digits, '+'/'-' acknowledgements, 0x03 to interrupt;
 * binary data escaped with '}' and the byte XOR 0x20.  gdb never sends
 * run-length encoded data, so '*' in input is an ordinary byte.
 */
#include "gdbstub/gdbstub-internal.h"

enum { RX_IDLE, RX_DATA, RX_SUM1, RX_SUM2, RX_SKIP };

static int hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

void gdb_rx_init(GdbRx *rx)
{
    rx->state = RX_IDLE;
    rx->len = 0;
    rx->buf[0] = 0;
}

GdbRxEvent gdb_rx_byte(GdbRx *rx, uint8_t c)
{
    switch (rx->state) {
    case RX_IDLE:
        if (c == '$') {
            rx->state = RX_DATA;
            rx->len = 0;
            rx->sum = 0;
        } else if (c == 0x03) {
            return GDB_RX_INTERRUPT;
        } else if (c == '+') {
            return GDB_RX_ACK;
        } else if (c == '-') {
            return GDB_RX_NACK;
        }
        return GDB_RX_NONE; /* noise between packets */
    case RX_DATA:
    case RX_SKIP:
        if (c == '#') {
            rx->state = rx->state == RX_SKIP ? RX_SKIP + 1 : RX_SUM1;
            if (rx->state == RX_SUM1) {
                rx->buf[rx->len] = 0;
            }
            return GDB_RX_NONE;
        }
        if (c == '$') {
            /* A new packet inside one: the first was cut, start over. */
            rx->len = 0;
            rx->sum = 0;
            rx->state = RX_DATA;
            return GDB_RX_NONE;
        }
        if (rx->state == RX_DATA) {
            if (rx->len == GDB_MAX_PACKET) {
                rx->state = RX_SKIP;
            } else {
                rx->buf[rx->len++] = c;
                rx->sum += c;
            }
        }
        return GDB_RX_NONE;
    case RX_SKIP + 1: /* the two digits after a packet too long */
        rx->state = RX_SKIP + 2;
        return GDB_RX_NONE;
    case RX_SKIP + 2:
        gdb_rx_init(rx);
        return GDB_RX_TOO_LONG;
    case RX_SUM1: {
        int v = hexval(c);
        if (v < 0) {
            gdb_rx_init(rx);
            return GDB_RX_BAD_SUM;
        }
        rx->given = v << 4;
        rx->state = RX_SUM2;
        return GDB_RX_NONE;
    }
    case RX_SUM2: {
        int v = hexval(c);
        rx->state = RX_IDLE;
        if (v < 0 || (uint8_t)(rx->given | v) != rx->sum) {
            rx->len = 0;
            rx->buf[0] = 0;
            return GDB_RX_BAD_SUM;
        }
        return GDB_RX_PACKET;
    }
    }
    gdb_rx_init(rx);
    return GDB_RX_NONE;
}

void gdb_packet_frame(GString *out, const char *data, size_t len)
{
    uint8_t sum = 0;
    g_string_append_c(out, '$');
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i];
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            g_string_append_c(out, '}');
            sum += '}';
            c ^= 0x20;
        }
        g_string_append_c(out, c);
        sum += c;
    }
    g_string_append_printf(out, "#%02x", sum);
}

ssize_t gdb_unescape(const char *in, size_t len, uint8_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        if (c == '}') {
            if (++i == len) {
                return -1;
            }
            c = in[i] ^ 0x20;
        }
        out[n++] = c;
    }
    return n;
}

int gdb_hex_decode(const char *hex, size_t hexlen, uint8_t *out)
{
    if (hexlen % 2) {
        return -1;
    }
    for (size_t i = 0; i < hexlen / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        out[i] = hi << 4 | lo;
    }
    return 0;
}

void gdb_hex_encode(GString *out, const uint8_t *buf, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        g_string_append_c(out, digits[buf[i] >> 4]);
        g_string_append_c(out, digits[buf[i] & 15]);
    }
}

bool gdb_parse_hex(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int n = 0;
    for (int d; (d = hexval(*s)) >= 0; s++) {
        if (++n > 16) {
            return false;
        }
        x = x << 4 | d;
    }
    if (n == 0) {
        return false;
    }
    *v = x;
    *p = s;
    return true;
}
