/*
 * QMP, the QEMU Machine Protocol (QEMU's docs/interop/qmp-spec): JSON
 * commands, replies and events on a chardev, as management tools and test
 * frameworks speak it.
 *
 *     qmp_monitor_init(chr, &err);     // -qmp SPEC, -mon
 * chardev=X,mode=control
 *
 * Each client that connects gets the greeting, then must send
 * qmp_capabilities; after that every registered command runs and events
 * reach it.  Commands live in monitor/qmp-cmds-*.c and register with
 * qmp_register_command(); other layers may add their own the same way.
 *
 * JSON trees are json-glib's (JsonNode, JsonObject).  Everything runs in
 * the main loop with the BQL held.
 */
#ifndef EMU_QMP_H
#define EMU_QMP_H

#include "emu/common.h"
#include "emu/chardev.h"

#include <json-glib/json-glib.h>

typedef struct QmpMonitor QmpMonitor;

/* A QMP monitor on chr (one client at a time, as the chardev allows).
 * Returns 0, or -1 with errp set. */
int qmp_monitor_init(Chardev *chr, Error **errp);
/* Send every pending reply and event, waiting a bounded time for slow
 * readers (SHUTDOWN before emu exits). */
void qmp_flush_all(void);
/* Free every QMP monitor (after chardev_cleanup_all). */
void qmp_cleanup_all(void);

/* ---- Commands ---- */

typedef enum QmpArgType {
    QMP_ARG_STR,
    QMP_ARG_INT,
    QMP_ARG_BOOL,
    QMP_ARG_ENUM, /* a string from QmpArg.values */
    QMP_ARG_STR_LIST,
} QmpArgType;

typedef struct QmpArg {
    const char *name;
    QmpArgType type;
    bool optional;
    const char *const *values; /* QMP_ARG_ENUM: NULL-terminated */
} QmpArg;

/* What a command handler gets: the monitor it runs on and a place for
 * its error. */
typedef struct QmpRequest {
    QmpMonitor *mon;
    const char *err_class; /* NULL: no error */
    char *err_desc;
} QmpRequest;

/*
 * Run the command; args were checked against the declared QmpArg list
 * (missing, unexpected and mistyped members get QEMU's GenericError
 * before fn runs).  Return the "return" value (ownership passes), or
 * NULL for {} -- or NULL after qmp_error() for an error reply.
 */
typedef JsonNode *QmpCommandFn(QmpRequest *req, JsonObject *args);

/* args: terminated by an entry with name NULL (or NULL for none). */
void qmp_register_command(const char *name, const QmpArg *args,
                          QmpCommandFn *fn);
/* Refuse a command on every monitor ("... has been disabled for this
 * instance"): fuzzing and sandboxes. */
void qmp_disable_command(const char *name);

/* Set the error reply: cls is QEMU's class ("GenericError",
 * "CommandNotFound", "DeviceNotFound"). */
void qmp_error(QmpRequest *req, const char *cls, const char *fmt, ...)
    EMU_PRINTF(3, 4);

/* Call fn(name, opaque) for every enabled command, in registration
 * order. */
void qmp_for_each_command(void (*fn)(const char *name, void *opaque),
                          void *opaque);

/* Small helpers for handlers. */
const char *qmp_arg_str(JsonObject *args, const char *name);
bool qmp_arg_bool(JsonObject *args, const char *name, bool def);
int64_t qmp_arg_int(JsonObject *args, const char *name, int64_t def);

/* ---- Events ---- */

/* Send {"timestamp": ..., "event": name[, "data": data]} to every client
 * past capabilities negotiation.  data (may be NULL) is consumed. */
void qmp_event_send(const char *name, JsonObject *data);

#endif
