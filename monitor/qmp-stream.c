/*
 * The QMP input stream: bytes from a client cut into JSON messages, as
 * QEMU's json-lexer/json-streamer do, then parsed by json-glib.
 *
 * A message ends when a token leaves the counts of open braces and of open
 * brackets both at zero, or either below zero (so "1" and "}" are
 * messages, and a stray "}" never wedges the stream).  Beyond RFC 8259 the
 * lexer takes QEMU's extensions: 'single-quoted' strings and the \'
 * escape (both kinds of string); it rewrites every string in plain JSON
 * before json-glib sees it.  A byte no token can start with, a control
 * character inside a string, 0xfe or 0xff is a lexical error: the message
 * so far is dropped and the error reported at once (the spec's way for a
 * client to resynchronise).
 *
 * The grammar is checked token by token here with a small pushdown
 * automaton, so that errors carry QEMU's words ("expecting value",
 * "missing : in object pair", "duplicate key", ...): json-glib's messages
 * differ, and json-glib silently keeps the last of duplicate keys.  The
 * first error of a message is reported when the message ends, as QEMU's
 * parser does.  Limits are QEMU's: 64 MiB and 2M tokens per message, 1024
 * levels of nesting.
 *
 * Deviation: integers outside int64 become doubles (json-glib has no
 * uint64); QEMU keeps those up to 2^64-1 exact.
 */
#include "monitor/qmp-int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>

enum { ST_START, ST_STRING, ST_ESC, ST_UHEX, ST_NUMBER, ST_KEYWORD };

/* Grammar states of an open container (and of the top level). */
enum {
    G_TOP_VALUE, /* a message starts: a value */
    G_TOP_DONE,  /* the value is complete */
    G_OBJ_FIRST, /* after '{': a key or '}' */
    G_OBJ_KEY,   /* after ',': a key */
    G_OBJ_COLON, /* after a key */
    G_OBJ_VALUE, /* after ':' */
    G_OBJ_NEXT,  /* after a member: ',' or '}' */
    G_ARR_FIRST, /* after '[': a value or ']' */
    G_ARR_VALUE, /* after ',' */
    G_ARR_NEXT,  /* after an element: ',' or ']' */
};

typedef struct Frame {
    int g;
    GHashTable *keys; /* objects: the keys seen */
} Frame;

typedef enum Tok {
    T_LCURLY,
    T_RCURLY,
    T_LSQUARE,
    T_RSQUARE,
    T_COMMA,
    T_COLON,
    T_STRING,
    T_NUMBER,
    T_KEYWORD,
    T_BADWORD, /* [a-z]+ that is not true/false/null */
} Tok;

static void frame_free(gpointer p)
{
    Frame *f = p;
    if (f->keys) {
        g_hash_table_destroy(f->keys);
    }
    g_free(f);
}

void qmp_stream_init(QmpStream *s, QmpStreamEmit *emit, void *opaque)
{
    memset(s, 0, sizeof(*s));
    s->emit = emit;
    s->opaque = opaque;
    s->raw = g_string_new(NULL);
    s->str = g_string_new(NULL);
    s->msg = g_string_new(NULL);
    s->frames = g_ptr_array_new_with_free_func(frame_free);
    qmp_stream_reset(s);
}

/* Start a new message (and a new token). */
void qmp_stream_reset(QmpStream *s)
{
    s->state = ST_START;
    g_string_truncate(s->raw, 0);
    g_string_truncate(s->str, 0);
    g_string_truncate(s->msg, 0);
    s->braces = s->brackets = 0;
    s->tokens = 0;
    g_free(s->error);
    s->error = NULL;
    g_ptr_array_set_size(s->frames, 0);
    s->top = G_TOP_VALUE;
    /* A large message's buffer is not kept for the next one. */
    if (s->msg->allocated_len > 65536) {
        g_string_free(s->msg, true);
        s->msg = g_string_new(NULL);
    }
}

void qmp_stream_destroy(QmpStream *s)
{
    g_string_free(s->raw, true);
    g_string_free(s->str, true);
    g_string_free(s->msg, true);
    g_ptr_array_free(s->frames, true);
    g_free(s->error);
}

static void set_error(QmpStream *s, const char *fmt, ...) EMU_PRINTF(2, 3);

static void set_error(QmpStream *s, const char *fmt, ...)
{
    if (s->error) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    s->error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

/* Report an error at once and drop the message (limits, lexical errors). */
static void fail_now(QmpStream *s, const char *desc)
{
    s->emit(s->opaque, NULL, desc);
    qmp_stream_reset(s);
}

static void finish(QmpStream *s)
{
    if (s->error) {
        char *desc = g_strdup_printf("JSON parse error, %s", s->error);
        s->emit(s->opaque, NULL, desc);
        g_free(desc);
    } else {
        JsonParser *p = json_parser_new_immutable();
        GError *gerr = NULL;
        if (json_parser_load_from_data(p, s->msg->str, s->msg->len, &gerr)) {
            s->emit(s->opaque, json_parser_get_root(p), NULL);
        } else {
            /* The automaton accepted it: json-glib should too. */
            char *desc = g_strdup_printf("JSON parse error, %s", gerr->message);
            s->emit(s->opaque, NULL, desc);
            g_free(desc);
            g_error_free(gerr);
        }
        g_object_unref(p);
    }
    qmp_stream_reset(s);
}

static int *cur_state(QmpStream *s)
{
    if (!s->frames->len) {
        return &s->top;
    }
    Frame *f = g_ptr_array_index(s->frames, s->frames->len - 1);
    return &f->g;
}

/* A value (scalar or closed container) is complete. */
static void value_done(QmpStream *s)
{
    int *g = cur_state(s);
    switch (*g) {
    case G_TOP_VALUE:
        *g = G_TOP_DONE;
        break;
    case G_OBJ_VALUE:
        *g = G_OBJ_NEXT;
        break;
    case G_ARR_FIRST:
    case G_ARR_VALUE:
        *g = G_ARR_NEXT;
        break;
    }
}

static void push(QmpStream *s, bool object)
{
    Frame *f = g_new0(Frame, 1);
    f->g = object ? G_OBJ_FIRST : G_ARR_FIRST;
    if (object) {
        f->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    g_ptr_array_add(s->frames, f);
}

static void pop(QmpStream *s)
{
    g_ptr_array_set_size(s->frames, s->frames->len - 1);
    value_done(s);
}

/* The grammar, one token at a time; the first error sticks. */
static void grammar(QmpStream *s, Tok t)
{
    if (s->error) {
        return;
    }
    int g = *cur_state(s);
    bool value_pos = g == G_TOP_VALUE || g == G_OBJ_VALUE || g == G_ARR_FIRST ||
                     g == G_ARR_VALUE;
    bool key_pos = g == G_OBJ_FIRST || g == G_OBJ_KEY;

    if (t == T_BADWORD && (value_pos || key_pos)) {
        set_error(s, "invalid keyword '%s'", s->raw->str);
        return;
    }
    if (value_pos) {
        switch (t) {
        case T_LCURLY:
            push(s, true);
            return;
        case T_LSQUARE:
            push(s, false);
            return;
        case T_STRING:
        case T_NUMBER:
        case T_KEYWORD:
            value_done(s);
            return;
        case T_RSQUARE:
            if (g == G_ARR_FIRST) {
                pop(s);
                return;
            }
            break;
        default:
            break;
        }
        set_error(s, "expecting value");
        return;
    }
    if (key_pos) {
        Frame *f = g_ptr_array_index(s->frames, s->frames->len - 1);
        if (t == T_RCURLY && g == G_OBJ_FIRST) {
            pop(s);
        } else if (t == T_STRING) {
            if (g_hash_table_contains(f->keys, s->str->str)) {
                set_error(s, "duplicate key");
                return;
            }
            g_hash_table_add(f->keys, g_strdup(s->str->str));
            f->g = G_OBJ_COLON;
        } else if (t == T_NUMBER || t == T_KEYWORD || t == T_LCURLY ||
                   t == T_LSQUARE) {
            set_error(s, "key is not a string in object");
        } else {
            set_error(s, "expecting value");
        }
        return;
    }
    Frame *f = s->frames->len ? g_ptr_array_index(s->frames, s->frames->len - 1)
                              : NULL;
    switch (g) {
    case G_OBJ_COLON:
        if (t == T_COLON) {
            f->g = G_OBJ_VALUE;
        } else {
            set_error(s, "missing : in object pair");
        }
        return;
    case G_OBJ_NEXT:
        if (t == T_COMMA) {
            f->g = G_OBJ_KEY;
        } else if (t == T_RCURLY) {
            pop(s);
        } else {
            set_error(s, "expected separator in dict");
        }
        return;
    case G_ARR_NEXT:
        if (t == T_COMMA) {
            f->g = G_ARR_VALUE;
        } else if (t == T_RSQUARE) {
            pop(s);
        } else {
            set_error(s, "expected separator in list");
        }
        return;
    default: /* G_TOP_DONE: cannot happen, the message ended */
        set_error(s, "expecting value");
        return;
    }
}

/* A number token: JSON's grammar, checked here (the lexer took any run
 * of number characters). */
static bool number_ok(const char *p)
{
    if (*p == '-') {
        p++;
    }
    if (*p == '0') {
        p++;
    } else if (g_ascii_isdigit(*p)) {
        while (g_ascii_isdigit(*p)) {
            p++;
        }
    } else {
        return false;
    }
    if (*p == '.') {
        p++;
        if (!g_ascii_isdigit(*p)) {
            return false;
        }
        while (g_ascii_isdigit(*p)) {
            p++;
        }
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') {
            p++;
        }
        if (!g_ascii_isdigit(*p)) {
            return false;
        }
        while (g_ascii_isdigit(*p)) {
            p++;
        }
    }
    return !*p;
}

static void append_number(QmpStream *s)
{
    const char *t = s->raw->str;
    if (!strpbrk(t, ".eE")) {
        char *end;
        errno = 0;
        g_ascii_strtoll(t, &end, 10);
        if (errno != ERANGE) {
            g_string_append(s->msg, t);
            return;
        }
    }
    /* A float, or an integer json-glib cannot hold: as a double. */
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    double d = g_ascii_strtod(t, NULL);
    if (!isfinite(d)) {
        d = d > 0 ? G_MAXDOUBLE : -G_MAXDOUBLE; /* 1e999: as large as fits */
    }
    g_ascii_formatd(buf, sizeof(buf), "%.17g", d);
    g_string_append(s->msg, buf);
    if (!strpbrk(buf, ".eEn")) {
        g_string_append(s->msg, ".0"); /* keep it a double for json-glib */
    }
}

static void token(QmpStream *s, Tok t)
{
    switch (t) {
    case T_LCURLY:
        s->braces++;
        g_string_append_c(s->msg, '{');
        break;
    case T_RCURLY:
        s->braces--;
        g_string_append_c(s->msg, '}');
        break;
    case T_LSQUARE:
        s->brackets++;
        g_string_append_c(s->msg, '[');
        break;
    case T_RSQUARE:
        s->brackets--;
        g_string_append_c(s->msg, ']');
        break;
    case T_COMMA:
        g_string_append_c(s->msg, ',');
        break;
    case T_COLON:
        g_string_append_c(s->msg, ':');
        break;
    case T_STRING:
        qmp_json_append_string(s->msg, s->str->str, s->str->len);
        break;
    case T_NUMBER:
        append_number(s);
        break;
    case T_KEYWORD:
    case T_BADWORD:
        g_string_append(s->msg, s->raw->str);
        break;
    }
    grammar(s, t);
    s->tokens++;
    g_string_truncate(s->raw, 0);
    g_string_truncate(s->str, 0);
    s->state = ST_START;

    if (s->braces < 0 || s->brackets < 0 ||
        (s->braces == 0 && s->brackets == 0)) {
        finish(s);
    } else if (s->msg->len > QMP_MAX_MESSAGE_BYTES) {
        fail_now(s, "JSON token size limit exceeded");
    } else if (s->tokens > QMP_MAX_TOKENS) {
        fail_now(s, "JSON token count limit exceeded");
    } else if (s->braces + s->brackets > QMP_MAX_NESTING) {
        fail_now(s, "JSON nesting depth limit exceeded");
    }
}

/* A byte that cannot continue or start a token. */
static void lex_error(QmpStream *s, uint8_t c)
{
    g_string_append_c(s->raw, (char)c);
    char *desc = g_strdup_printf("JSON parse error, stray '%s'", s->raw->str);
    fail_now(s, desc);
    g_free(desc);
}

static int hexval(char c)
{
    return g_ascii_isxdigit(c) ? g_ascii_xdigit_value(c) : -1;
}

/* The 4 characters of a \u escape are in raw's tail: decode into str. */
static void string_uescape(QmpStream *s, const char *digits, int n)
{
    unsigned v = 0;
    bool ok = n == 4;
    for (int i = 0; ok && i < 4; i++) {
        int h = hexval(digits[i]);
        ok = h >= 0;
        v = v << 4 | (unsigned)MAX(h, 0);
    }
    if (!ok) {
        set_error(s, "\\u%.*s is not a valid Unicode character", n, digits);
        return;
    }
    if (s->high) {
        unsigned high = s->high;
        s->high = 0;
        if (v >= 0xdc00 && v <= 0xdfff) {
            v = 0x10000 + ((high - 0xd800) << 10) + (v - 0xdc00);
        } else {
            set_error(s, "\\u%04X is not a valid Unicode character", high);
            return;
        }
    } else if (v >= 0xd800 && v <= 0xdbff) {
        s->high = v; /* wait for the low half */
        return;
    } else if (v >= 0xdc00 && v <= 0xdfff) {
        set_error(s, "\\u%.4s is not a valid Unicode character", digits);
        return;
    }
    if (v == 0) {
        /* Commands take C strings; QEMU's modified UTF-8 is not kept. */
        set_error(s, "\\u0000 in a string is not supported");
        return;
    }
    char buf[8];
    g_string_append_len(s->str, buf, g_unichar_to_utf8(v, buf));
}

static void string_end(QmpStream *s)
{
    if (s->high) {
        set_error(s, "\\u%04X is not a valid Unicode character", s->high);
        s->high = 0;
    }
    if (!g_utf8_validate(s->str->str, s->str->len, NULL)) {
        set_error(s, "invalid UTF-8 sequence in string");
    }
    token(s, T_STRING);
}

static void feed_byte(QmpStream *s, uint8_t c)
{
again:
    switch (s->state) {
    case ST_START:
        switch (c) {
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            return;
        case '{':
            token(s, T_LCURLY);
            return;
        case '}':
            token(s, T_RCURLY);
            return;
        case '[':
            token(s, T_LSQUARE);
            return;
        case ']':
            token(s, T_RSQUARE);
            return;
        case ',':
            token(s, T_COMMA);
            return;
        case ':':
            token(s, T_COLON);
            return;
        case '"':
        case '\'':
            s->quote = (char)c;
            s->high = 0;
            g_string_append_c(s->raw, (char)c);
            s->state = ST_STRING;
            return;
        default:
            if (c == '-' || g_ascii_isdigit(c)) {
                g_string_append_c(s->raw, (char)c);
                s->state = ST_NUMBER;
            } else if (c >= 'a' && c <= 'z') {
                g_string_append_c(s->raw, (char)c);
                s->state = ST_KEYWORD;
            } else {
                lex_error(s, c);
            }
            return;
        }
    case ST_STRING:
        if (c < 0x20 || c >= 0xfe) {
            lex_error(s, c);
            return;
        }
        g_string_append_c(s->raw, (char)c);
        if (c == (uint8_t)s->quote) {
            string_end(s);
        } else if (c == '\\') {
            s->state = ST_ESC;
        } else {
            if (s->high) {
                set_error(s, "\\u%04X is not a valid Unicode character",
                          s->high);
                s->high = 0;
            }
            g_string_append_c(s->str, (char)c);
        }
        return;
    case ST_ESC: {
        static const char from[] = "\"\\/'bfnrt", to[] = "\"\\/'\b\f\n\r\t";
        if (c < 0x20 || c >= 0xfe) {
            lex_error(s, c);
            return;
        }
        g_string_append_c(s->raw, (char)c);
        s->state = ST_STRING;
        if (c == 'u') {
            s->nhex = 0;
            s->state = ST_UHEX;
        } else if (c && strchr(from, c)) {
            g_string_append_c(s->str, to[strchr(from, c) - from]);
        } else {
            set_error(s, "invalid escape sequence in string");
        }
        return;
    }
    case ST_UHEX:
        if (c < 0x20 || c >= 0xfe) {
            lex_error(s, c);
            return;
        }
        if (c == (uint8_t)s->quote) {
            /* "\u12": the string ends inside the escape. */
            string_uescape(s, s->raw->str + s->raw->len - s->nhex, s->nhex);
            g_string_append_c(s->raw, (char)c);
            string_end(s);
            return;
        }
        g_string_append_c(s->raw, (char)c);
        if (++s->nhex == 4) {
            string_uescape(s, s->raw->str + s->raw->len - 4, 4);
            s->state = ST_STRING;
        }
        return;
    case ST_NUMBER:
        if (g_ascii_isdigit(c) || c == '.' || c == 'e' || c == 'E' ||
            c == '+' || c == '-') {
            g_string_append_c(s->raw, (char)c);
            return;
        }
        if (!number_ok(s->raw->str)) {
            lex_error(s, c);
            return;
        }
        token(s, T_NUMBER);
        goto again;
    case ST_KEYWORD:
        if (c >= 'a' && c <= 'z') {
            g_string_append_c(s->raw, (char)c);
            return;
        }
        if (!strcmp(s->raw->str, "true") || !strcmp(s->raw->str, "false") ||
            !strcmp(s->raw->str, "null")) {
            token(s, T_KEYWORD);
        } else {
            token(s, T_BADWORD);
        }
        goto again;
    }
}

void qmp_stream_feed(QmpStream *s, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        feed_byte(s, buf[i]);
        /* One token may not grow past the message limit either. */
        if (s->raw->len > QMP_MAX_MESSAGE_BYTES) {
            fail_now(s, "JSON token size limit exceeded");
        }
    }
}
