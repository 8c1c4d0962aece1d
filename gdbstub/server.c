/*
 * The gdbstub on a chardev: -gdb SPEC, -s, monitor "gdbserver".  One
 * server at a time (QEMU's rule too); its chardev is ours and goes with
 * it.  Everything here runs on the main loop under the global lock.
 */
#include "gdbstub/gdbstub-internal.h"
#include "emu/chardev.h"
#include "emu/gdbstub.h"
#include "emu/monitor.h"

typedef struct GdbChr {
    Chardev *chr;
    GdbServer *server;
    char *spec;
    int busy; /* inside the chardev's callback */
} GdbChr;

static GdbChr *gdb_chr;

static void chr_out(void *opaque, const char *buf, size_t len)
{
    GdbChr *g = opaque;
    /* gdb reads what it asked for: blocking on a full socket is short. */
    chr_write_all(g->chr, (const uint8_t *)buf, len);
}

static int gdb_can_receive(void *opaque)
{
    return GDB_MAX_PACKET;
}

static void gdb_receive(void *opaque, const uint8_t *buf, int size)
{
    GdbChr *g = opaque;
    g->busy++;
    gdb_server_input(g->server, buf, size);
    g->busy--;
}

static void gdb_event(void *opaque, int event)
{
    GdbChr *g = opaque;
    if (event == CHR_EVENT_OPENED) {
        gdb_server_connected(g->server);
    } else if (event == CHR_EVENT_CLOSED) {
        gdb_server_disconnected(g->server);
    }
}

static gboolean gdb_chr_free(gpointer opaque)
{
    GdbChr *g = opaque;
    chardev_delete(g->chr);
    gdb_server_free(g->server);
    g_free(g->spec);
    g_free(g);
    return G_SOURCE_REMOVE;
}

static void gdbserver_stop(void)
{
    GdbChr *g = gdb_chr;
    if (!g) {
        return;
    }
    gdb_chr = NULL;
    gdb_server_disconnected(g->server);
    chr_set_frontend(g->chr, NULL, NULL, NULL, NULL);
    if (g->busy) {
        /* "gdbserver none" through qRcmd: the chardev is in its read
         * callback; it goes once that returns. */
        g_idle_add(gdb_chr_free, g);
    } else {
        gdb_chr_free(g);
    }
}

/* QEMU's -gdb forms: a bare port is TCP; sockets listen without waiting. */
static char *socket_spec(const char *spec)
{
    if (spec[0] && strspn(spec, "0123456789") == strlen(spec)) {
        return g_strdup_printf("tcp::%s,server,nowait", spec);
    }
    GString *s = g_string_new(spec);
    if (!strncmp(spec, "tcp:", 4) || !strncmp(spec, "unix:", 5)) {
        if (!strstr(spec, ",server")) {
            g_string_append(s, ",server");
        }
        if (!strstr(spec, ",wait") && !strstr(spec, ",nowait")) {
            g_string_append(s, ",nowait");
        }
    }
    return g_string_free(s, false);
}

int gdbserver_start(const char *spec, Error **errp)
{
    if (!spec || !*spec) {
        error_setg(errp, "gdbstub: no device given");
        return -1;
    }
    if (!strcmp(spec, "none")) {
        gdbserver_stop();
        return 0;
    }
    char *cspec = socket_spec(spec);
    /* The old server goes first: the new one may want its port. */
    gdbserver_stop();
    Chardev *chr = chardev_new_spec("gdb", cspec, errp);
    g_free(cspec);
    if (!chr) {
        if (errp && !*errp) {
            error_setg(errp, "gdbstub: cannot use '%s'", spec);
        }
        return -1;
    }
    GdbChr *g = g_new0(GdbChr, 1);
    g->chr = chr;
    g->spec = g_strdup(spec);
    g->server = gdb_server_new(chr_out, g);
    gdb_chr = g;
    chr_set_frontend(chr, gdb_can_receive, gdb_receive, gdb_event, g);
    return 0;
}

static int cmd_gdbserver(FILE *out, const char *args)
{
    const char *spec = *args ? args : "tcp::1234";
    Error *err = NULL;
    if (gdbserver_start(spec, &err) < 0) {
        fprintf(out, "Could not open gdbserver on device '%s'\n", spec);
        if (err) {
            fprintf(out, "%s\n", error_get_pretty(err));
            error_free(err);
        }
        return -1;
    }
    if (!strcmp(spec, "none")) {
        fprintf(out, "Disabled gdbserver\n");
    } else {
        fprintf(out, "Waiting for gdb connection on device '%s'\n", spec);
    }
    return 0;
}

static void __attribute__((constructor)) gdbstub_monitor_register(void)
{
    monitor_register_command("gdbserver", "[device]",
                             "start gdbserver on given device (default "
                             "'tcp::1234'), stop with 'none'",
                             cmd_gdbserver);
}
