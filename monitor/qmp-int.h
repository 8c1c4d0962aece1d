/*
 * QMP internals shared by monitor/qmp*.c: the input stream that cuts bytes
 * into JSON messages (qmp-stream.c) and the writer that prints JSON as
 * QEMU does (qmp-json-writer.c).
 */
#ifndef MONITOR_QMP_INT_H
#define MONITOR_QMP_INT_H

#include "emu/qmp.h"

#include <glib.h>

/* QEMU's limits on one message (json-streamer): a client cannot make us
 * hold more than this or recurse deeper. */
#define QMP_MAX_MESSAGE_BYTES (64 * MiB)
#define QMP_MAX_TOKENS        (2 * 1024 * 1024)
#define QMP_MAX_NESTING       1024

/*
 * One complete message: root is the parsed JSON (json-glib), or NULL and
 * err is QEMU's description ("JSON parse error, expecting value").
 */
typedef void QmpStreamEmit(void *opaque, JsonNode *root, const char *err);

typedef struct QmpStream {
    QmpStreamEmit *emit;
    void *opaque;
    int state;
    GString *raw;  /* the current token as received (for "stray '...'") */
    GString *str;  /* the current string token's decoded bytes */
    GString *msg;  /* the message so far, as strict JSON for json-glib */
    char quote;    /* '"' or '\'' inside a string */
    unsigned hex;  /* \uXXXX: value so far */
    int nhex;      /* \uXXXX: digits so far */
    unsigned high; /* a high surrogate waiting for its low half */
    int braces, brackets; /* open, as QEMU's streamer counts them */
    size_t tokens;
    char *error;       /* first problem in this message (reported at its end) */
    GPtrArray *frames; /* the grammar's stack of open containers */
    int top;           /* the grammar state outside any container */
} QmpStream;

void qmp_stream_init(QmpStream *s, QmpStreamEmit *emit, void *opaque);
void qmp_stream_feed(QmpStream *s, const uint8_t *buf, size_t len);
/* Drop a partial message (the client went away). */
void qmp_stream_reset(QmpStream *s);
void qmp_stream_destroy(QmpStream *s);

/*
 * Append node as QEMU prints it: ", " and ": " separators, members in
 * insertion order, ASCII only (\uXXXX escapes, surrogate pairs beyond
 * U+FFFF, invalid UTF-8 as U+FFFD), integers as integers, doubles with 17
 * significant digits.
 */
void qmp_json_append(GString *out, JsonNode *node);
void qmp_json_append_string(GString *out, const char *s, size_t len);

/* query-version's answer, also the greeting's "version" (qmp-cmds-control.c).
 */
JsonNode *qmp_version_info(void);

/* Listen to the run state and machine events (once; qmp-events.c). */
void qmp_events_init(void);

/* The monitor core (qmp.c) for the command files. */
bool qmp_monitor_negotiated(QmpMonitor *mon);
void qmp_monitor_set_negotiated(QmpMonitor *mon);

#endif
