/*
 * -vnc's argument, in QEMU's syntax:
 *
 *   :N            TCP port 5900+N on every address of the host
 *   HOST:N        TCP port 5900+N on HOST's addresses ([::1]:N for IPv6)
 *   unix:PATH     a unix socket
 *   ,password=on  VNC authentication (the password comes from the monitor)
 *   ,websocket=on|PORT   also RFB over WebSocket (noVNC): 5700+N or PORT
 *
 * Only the syntax is checked here (no name lookups, no sockets), so that
 * a typo is refused before the machine is built.
 */
#include "ui/vnc-int.h"
#include "emu/keyval.h"

#include <ctype.h>

/* A decimal number without sign or spaces in 0..max, or -1. */
static long parse_uint(const char *s, size_t len, long max)
{
    long v = 0;
    if (len == 0 || len > 6) {
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v <= max ? v : -1;
}

static int parse_address(const char *spec, const char *addr, size_t len,
                         VncSpec *out, Error **errp)
{
    if (len >= 5 && !strncmp(addr, "unix:", 5)) {
        size_t plen = len - 5;
        if (plen == 0) {
            error_setg(errp, "-vnc %s: unix: needs a socket path", spec);
            return -1;
        }
        if (plen >= sizeof(out->path)) {
            error_setg(errp,
                       "-vnc %s: unix socket path is too long "
                       "(at most %zu bytes)",
                       spec, sizeof(out->path) - 1);
            return -1;
        }
        out->kind = VNC_LISTEN_UNIX;
        memcpy(out->path, addr + 5, plen);
        out->path[plen] = '\0';
        return 0;
    }

    const char *colon = memrchr(addr, ':', len);
    const char *host = addr;
    size_t hlen = colon ? (size_t)(colon - addr) : 0;
    if (!colon) {
        error_setg(errp, "-vnc %s: expected :N, HOST:N or unix:PATH", spec);
        return -1;
    }
    /* An IPv6 literal is bracketed so that its colons are not the last. */
    if (hlen && host[0] == '[') {
        if (hlen < 3 || host[hlen - 1] != ']') {
            error_setg(errp, "-vnc %s: bad IPv6 address (use [ADDR]:N)", spec);
            return -1;
        }
        host++;
        hlen -= 2;
    } else if (memchr(host, ':', hlen)) {
        error_setg(errp,
                   "-vnc %s: an IPv6 address needs brackets: "
                   "[ADDR]:N",
                   spec);
        return -1;
    }
    if (hlen >= sizeof(out->host)) {
        error_setg(errp, "-vnc %s: host name is too long", spec);
        return -1;
    }
    for (size_t i = 0; i < hlen; i++) {
        if (isspace((unsigned char)host[i]) || host[i] == '[' ||
            host[i] == ']') {
            error_setg(errp, "-vnc %s: bad host name", spec);
            return -1;
        }
    }
    long n =
        parse_uint(colon + 1, len - (colon + 1 - addr), 65535 - VNC_BASE_PORT);
    if (n < 0) {
        error_setg(errp,
                   "-vnc %s: the display number must be 0..%d "
                   "(TCP port 5900+N)",
                   spec, 65535 - VNC_BASE_PORT);
        return -1;
    }
    out->kind = VNC_LISTEN_TCP;
    memcpy(out->host, host, hlen);
    out->host[hlen] = '\0';
    out->display = (int)n;
    out->port = VNC_BASE_PORT + (int)n;
    return 0;
}

static int parse_options(const char *spec, const char *opts, VncSpec *out,
                         Error **errp)
{
    KeyValOpts kv;
    Error *err = NULL;
    int ret = -1;

    if (keyval_split(opts, &kv, &err) < 0) {
        error_setg(errp, "-vnc %s: %s", spec, error_get_pretty(err));
        error_free(err);
        return -1;
    }
    if (keyval_get_bool(&kv, "password", &out->password, &err) < 0) {
        error_setg(errp, "-vnc %s: %s", spec, error_get_pretty(err));
        error_free(err);
        goto out;
    }
    const char *ws = keyval_get(&kv, "websocket");
    if (ws) {
        if (out->kind != VNC_LISTEN_TCP) {
            error_setg(errp,
                       "-vnc %s: websocket= needs a TCP display "
                       "(:N or HOST:N)",
                       spec);
            goto out;
        }
        if (!strcmp(ws, "on")) {
            /* display <= 65535 - 5900, so this is a valid port. */
            out->ws_port = VNC_WS_BASE_PORT + out->display;
        } else if (strcmp(ws, "off")) {
            long p = parse_uint(ws, strlen(ws), 65535);
            if (p < 1) {
                error_setg(errp,
                           "-vnc %s: websocket= takes on, off or a "
                           "TCP port 1..65535",
                           spec);
                goto out;
            }
            if (p == out->port) {
                error_setg(errp,
                           "-vnc %s: websocket port %ld is the RFB "
                           "port itself",
                           spec, p);
                goto out;
            }
            out->ws_port = (int)p;
        }
    }
    const char *unused = keyval_unused(&kv);
    if (unused) {
        error_setg(errp,
                   "-vnc %s: unknown option '%s' (known: password, "
                   "websocket)",
                   spec, unused);
        goto out;
    }
    ret = 0;
out:
    keyval_free(&kv);
    return ret;
}

int vnc_spec_parse(const char *spec, VncSpec *out, Error **errp)
{
    memset(out, 0, sizeof(*out));
    size_t len = strcspn(spec, ",");
    if (len == 0) {
        error_setg(errp,
                   "-vnc %s: a display (:N, HOST:N or unix:PATH) "
                   "is needed",
                   spec);
        return -1;
    }
    if (parse_address(spec, spec, len, out, errp) < 0) {
        return -1;
    }
    if (spec[len] == ',' &&
        parse_options(spec, spec + len + 1, out, errp) < 0) {
        return -1;
    }
    return 0;
}
