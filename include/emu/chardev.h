/*
 * Character devices: the host ends of serial ports, debugcon, the monitor.
 *
 * Specs, as QEMU takes them with -serial/-debugcon/-monitor:
 *   stdio | null | vc | none | file:PATH | pty | mon:stdio
 *   tcp:[HOST]:PORT[,server[=on|off]][,wait[=on|off]|,nowait]
 *   unix:PATH[,server][,nowait]
 * and with -chardev BACKEND,id=ID[,path=...,host=...,port=...,server=on,
 * wait=off,mux=on,signal=off,size=...] for BACKEND in socket (tcp/unix
 * aliases), file, stdio, pty, null, ringbuf.  -chardev ids are referenced
 * by "chardev:ID".
 *
 * stdio puts the terminal in raw mode and understands QEMU's escapes:
 * C-a h help, C-a x quit, C-a c switch serial/monitor, C-a s (sync, no-op),
 * C-a b break, C-a t timestamps, C-a C-a a literal C-a.
 *
 * Flow: a frontend (UART) calls chr_write(), which never blocks and returns
 * how many bytes the backend took; when it took fewer, the frontend keeps
 * them and asks chr_add_watch() to be called when the backend can take more:
 * no byte is dropped.  Input goes the other way: the backend asks the
 * frontend's can_receive() how much it may deliver and calls receive(); when
 * the frontend has room again it calls chr_accept_input().
 * chr_accept_input() may deliver buffered input (mux, ringbuf) by calling
 * receive() before it returns: call it last in a handler, with the
 * frontend's state consistent.  Output watches of fd backends (stdio, file,
 * pty, socket) are G_IO_OUT sources on glib's default context; while a
 * socket or pty has no peer its output is dropped and watches run at once.
 *
 * Everything runs in the main loop under the global lock.
 */
#ifndef EMU_CHARDEV_H
#define EMU_CHARDEV_H

#include "emu/common.h"

typedef struct Chardev Chardev;

enum {
    CHR_EVENT_OPENED, /* a client connected (tcp/unix server, pty) */
    CHR_EVENT_CLOSED,
    CHR_EVENT_BREAK,   /* C-a b: a serial break */
    CHR_EVENT_MUX_IN,  /* a mux gave this frontend the input focus */
    CHR_EVENT_MUX_OUT, /* ... and took it away */
};

typedef int ChrCanReceive(void *opaque);
typedef void ChrReceive(void *opaque, const uint8_t *buf, int size);
typedef void ChrEvent(void *opaque, int event);
typedef void ChrWatchCb(void *opaque);

/* Create from a -serial style spec; label names it in messages. */
Chardev *chardev_new_spec(const char *label, const char *spec, Error **errp);
/* Create from -chardev options ("socket,id=s0,port=4444,server=on"). */
Chardev *chardev_new_opts(const char *opts, Error **errp);
Chardev *chardev_find(const char *id);
/* Close and free every chardev (restores the terminal). */
void chardev_cleanup_all(void);
/* Close and free one (the gdbstub's, on "gdbserver none"); NULL: no-op.
 * Added for the gdbstub. */
void chardev_delete(Chardev *chr);

void chr_set_frontend(Chardev *chr, ChrCanReceive *can_receive,
                      ChrReceive *receive, ChrEvent *event, void *opaque);
/* Returns bytes taken (0..len); never blocks. */
int chr_write(Chardev *chr, const uint8_t *buf, int len);
/* Blocks until all is written (debugcon, log-like outputs). */
int chr_write_all(Chardev *chr, const uint8_t *buf, int len);
/* cb(opaque) runs once, from the main loop, when chr can take output. */
void chr_add_watch(Chardev *chr, ChrWatchCb *cb, void *opaque);
void chr_accept_input(Chardev *chr);
const char *chr_label(const Chardev *chr);

/*
 * The monitor registers here so that "mon:stdio" and C-a c can switch the
 * stdio mux between the serial port and the monitor.
 */
void chr_mux_set_monitor(Chardev *mux, ChrCanReceive *can_receive,
                         ChrReceive *receive, void *opaque);

/* ---- additions (chardev owner) ---- */

/*
 * Notes on the specs: "none" returns NULL without setting errp (no device);
 * "vc" is accepted and discards output until a virtual console exists;
 * "mon:SPEC" returns a mux over SPEC, the caller then runs
 * monitor_init(chr, true, errp) on it.  chr_set_frontend() on a mux adds a
 * frontend (serial ports sharing one mux); input goes to the one with the
 * focus (the first non-monitor frontend, C-a c cycles).
 */
const char *chr_id(const Chardev *chr);
bool chr_is_mux(const Chardev *chr);
/* Attach a frontend to a mux with an event callback (CHR_EVENT_MUX_IN/OUT
 * on focus changes); is_monitor frontends do not take the initial focus. */
void chr_mux_add_frontend(Chardev *mux, ChrCanReceive *can_receive,
                          ChrReceive *receive, ChrEvent *event, void *opaque,
                          bool is_monitor);
/* The backend a mux writes to (tests inject input there). */
Chardev *chr_mux_backend(Chardev *mux);
/* Index of the focused frontend of a mux (attach order), -1 if none. */
int chr_mux_focus(Chardev *mux);
/* Bound TCP port of a socket chardev (server with port=0), -1 otherwise. */
int chardev_socket_port(Chardev *chr);
/* "info chardev": one line per chardev. */
void chardev_info(FILE *f);
/* The slave path (/dev/pts/N) of a pty chardev, NULL otherwise. */
const char *chr_pty_name(Chardev *chr);
/* True while a socket/pty chardev has a peer connected (always true for
 * backends without a peer: stdio, file, null, ringbuf, mux). */
bool chr_is_connected(Chardev *chr);

/*
 * "ringbuf" (-chardev ringbuf,id=r0,size=N; N a power of two, default
 * 65536) keeps what the frontend writes for tests to read.  chr_write takes
 * at most the free space (never overwrites) and nothing while blocked.
 * Watches need no main loop: they run synchronously inside ringbuf_read()
 * when it frees space and inside ringbuf_set_blocked(chr, false); a watch
 * added while the ringbuf can already take output also runs from an idle
 * source on the default GMainContext (main_loop_iterate/g_main_context_
 * iteration) or at the next ringbuf_read/unblock, whichever comes first.
 */
/* Copy out and consume up to len bytes the frontend wrote. */
int ringbuf_read(Chardev *chr, uint8_t *buf, int len);
/* Bytes waiting to be read. */
int ringbuf_count(Chardev *chr);
void ringbuf_set_blocked(Chardev *chr, bool blocked);
/* Deliver input to the frontend as far as can_receive allows; the rest is
 * queued and delivered on chr_accept_input().  Returns bytes delivered now. */
int ringbuf_inject(Chardev *chr, const uint8_t *buf, int len);
/* Input bytes queued and not yet delivered. */
int ringbuf_pending_input(Chardev *chr);
/* Send an event (CHR_EVENT_BREAK, ...) to the frontend. */
void ringbuf_send_event(Chardev *chr, int event);

/* ---- additions (QMP's query-chardev) ---- */

/* fn(chr, opaque) for every chardev a user named or created (not the
 * backends hidden inside a mux), in creation order. */
void chardev_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque);
/* QEMU's "filename" of a chardev: "unix:PATH,server=on",
 * "tcp:HOST:PORT,server=on", "pty:/dev/pts/N", else the backend's name
 * ("stdio", "null", "file", "ringbuf", "mux").  Caller frees. */
char *chr_filename(Chardev *chr);
/* A frontend (device, monitor) is attached. */
bool chr_frontend_open(Chardev *chr);
/* The description of a socket chardev ("unix:PATH,server=on"), or NULL
 * for other backends (system/chardev-socket.c). */
const char *chardev_socket_desc(Chardev *chr);

/* ---- The "chardev" device property type (system/chardev-prop.c) ---- */

#include "emu/property.h"

extern const PropertyInfo prop_info_chardev;
#define DEFINE_PROP_CHARDEV(n, S, f, desc) \
    DEFINE_PROP(n, S, f, Chardev *, &prop_info_chardev, 0, desc)
/* Board code and tests: connect a device's chardev property. */
void device_prop_set_chardev(DeviceState *dev, const char *name, Chardev *c);

#endif
