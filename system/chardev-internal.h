/*
 * Chardev internals shared by system/chardev.c and the backends
 * (system/chardev-*.c).  Nothing outside system/ includes this.
 *
 * A backend is a ChardevClass: open() parses its options, write() takes
 * output without blocking, and the input side calls chr_be_can_receive() /
 * chr_be_receive() to hand bytes to the frontend.  File-descriptor backends
 * use the ChrFd helpers here: a glib source that polls the input fd only
 * while the frontend can receive (so a full UART or an EOF never spins the
 * CPU), and a G_IO_OUT watch that runs the pending chr_add_watch() callbacks.
 */
#ifndef SYSTEM_CHARDEV_INTERNAL_H
#define SYSTEM_CHARDEV_INTERNAL_H

#include "emu/common.h"
#include "emu/chardev.h"

#include <glib.h>

/* Parsed "backend,key=val,key,..." options. */
typedef struct ChrOpts {
    char *backend;
    int n;
    char *key[32];
    char *val[32]; /* "on" for a bare key, "off" for nowait */
    bool used[32];
} ChrOpts;

const char *chr_opt_get(ChrOpts *o, const char *key);
/* -1 with errp set on a value that is not on/off/yes/no/true/false. */
int chr_opt_bool(ChrOpts *o, const char *key, bool def, bool *out,
                 Error **errp);

typedef struct ChardevClass {
    const char *name;
    size_t size; /* of the backend's struct (starts with Chardev) */
    int (*open)(Chardev *chr, ChrOpts *opts, Error **errp);
    /* Take up to len bytes without blocking; return how many were taken. */
    int (*write)(Chardev *chr, const uint8_t *buf, int len);
    /* Block until write() could make progress (chr_write_all); optional. */
    void (*wait_writable)(Chardev *chr);
    /* A watch was queued: arrange for chr_be_writable() to run. */
    void (*watch_added)(Chardev *chr);
    /* The frontend has room again. */
    void (*accept_input)(Chardev *chr);
    /* A frontend was attached (a mux adds a slot instead of replacing). */
    void (*set_frontend)(Chardev *chr, ChrCanReceive *can_receive,
                         ChrReceive *receive, ChrEvent *event, void *opaque);
    void (*close)(Chardev *chr);
} ChardevClass;

typedef struct ChrWatch {
    ChrWatchCb *cb;
    void *opaque;
} ChrWatch;

typedef struct ChrFdSource ChrFdSource;

struct Chardev {
    const ChardevClass *cls;
    char *id;
    char *label;
    Chardev *next;   /* all chardevs, for find and cleanup */
    bool hidden;     /* owned by a mux: not found by id */
    bool be_open;    /* last event was OPENED (sockets, pty) */
    bool connection; /* has a peer that comes and goes */

    ChrCanReceive *fe_can_receive;
    ChrReceive *fe_receive;
    ChrEvent *fe_event;
    void *fe_opaque;

    GSList *watches; /* ChrWatch *, pending chr_add_watch() */

    /* fd helpers (ChrFd); -1 when unused */
    int in_fd, out_fd;
    bool out_nonblock; /* out_fd is O_NONBLOCK (we own it) */
    ChrFdSource *in_src;
    guint out_watch;
    bool in_eof;
    /* Called by the fd source when input is readable (or HUP). */
    void (*fd_readable)(Chardev *chr);
};

extern const ChardevClass chardev_null_class;
extern const ChardevClass chardev_stdio_class;
extern const ChardevClass chardev_file_class;
extern const ChardevClass chardev_pty_class;
extern const ChardevClass chardev_socket_class;
extern const ChardevClass chardev_ringbuf_class;
extern const ChardevClass chardev_mux_class;

/* Backend -> frontend. */
int chr_be_can_receive(Chardev *chr);
void chr_be_receive(Chardev *chr, const uint8_t *buf, int len);
void chr_be_event(Chardev *chr, int event);
/* Output space is available again: run (and drop) the pending watches. */
void chr_be_writable(Chardev *chr);
bool chr_has_watches(Chardev *chr);

/* Create a chardev not listed under an id (mux backends). */
Chardev *chardev_new_internal(const char *label, ChrOpts *opts, Error **errp);
Chardev *chardev_new_parsed(const char *label, ChrOpts *opts, Error **errp);
int chr_opts_parse(ChrOpts *o, const char *str, Error **errp);
void chr_opts_free(ChrOpts *o);

/*
 * fd helpers.  chr_fd_init() sets in/out and starts polling input (when
 * in_fd >= 0).  The default fd_readable reads up to can_receive bytes and
 * delivers them; on EOF it stops polling for good.
 */
void chr_fd_init(Chardev *chr, int in_fd, int out_fd, bool out_nonblock);
void chr_fd_stop(Chardev *chr);
void chr_fd_default_readable(Chardev *chr);
/* Non-blocking write to out_fd; -1 with errno on a hard error. */
int chr_fd_write(Chardev *chr, const uint8_t *buf, int len);
void chr_fd_wait_writable(Chardev *chr);
void chr_fd_watch_added(Chardev *chr);
/* Re-evaluate whether to poll input (the main loop may be in poll()). */
void chr_fd_kick(Chardev *chr);

/* The stdio terminal (chardev-stdio.c), for cleanup. */
void chr_stdio_restore_term(void);

/* Mux (chardev-mux.c): wrap be into a mux named label. */
Chardev *chr_mux_new(const char *label, Chardev *be);
/* Put an already built chardev on the list. */
void chr_register_internal(Chardev *chr);
bool chr_is_mux_internal(Chardev *chr);

#endif
