/*
 * JSON output as QEMU's QMP server prints it (its qobject_to_json), so
 * that a client comparing bytes with QEMU sees the same text: "{"a": 1,
 * "b": [true, null]}" -- ", " and ": " between items, no other blanks;
 * strings in ASCII with \uXXXX (upper-case hex) for everything outside
 * 0x20-0x7e, surrogate pairs above U+FFFF, and U+FFFD for bytes that are
 * not UTF-8.  json-glib's own generator puts no blanks and writes UTF-8,
 * hence this small walker over its trees.
 */
#include "monitor/qmp-int.h"

#include <math.h>

void qmp_json_append_string(GString *out, const char *s, size_t len)
{
    const char *p = s, *end = s + len;

    g_string_append_c(out, '"');
    while (p < end) {
        gunichar c = g_utf8_get_char_validated(p, end - p);
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            c = 0xfffd;
            p++;
        } else {
            p = g_utf8_next_char(p);
        }
        switch (c) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (c >= 0x20 && c <= 0x7e) {
                g_string_append_c(out, (char)c);
            } else if (c > 0xffff) {
                c -= 0x10000;
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xd800 | (c >> 10),
                                       0xdc00 | (c & 0x3ff));
            } else {
                g_string_append_printf(out, "\\u%04X", c);
            }
            break;
        }
    }
    g_string_append_c(out, '"');
}

static void append_value(GString *out, JsonNode *node)
{
    switch (json_node_get_value_type(node)) {
    case G_TYPE_INT64:
        g_string_append_printf(out, "%" PRId64, json_node_get_int(node));
        break;
    case G_TYPE_BOOLEAN:
        g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
        break;
    case G_TYPE_DOUBLE: {
        double d = json_node_get_double(node);
        if (!isfinite(d)) {
            /* QEMU would print "inf", which is not JSON. */
            g_string_append(out, "null");
        } else {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            g_ascii_formatd(buf, sizeof(buf), "%.17g", d);
            g_string_append(out, buf);
        }
        break;
    }
    case G_TYPE_STRING: {
        const char *s = json_node_get_string(node);
        qmp_json_append_string(out, s ? s : "", s ? strlen(s) : 0);
        break;
    }
    default:
        g_string_append(out, "null");
        break;
    }
}

void qmp_json_append(GString *out, JsonNode *node)
{
    if (!node) {
        g_string_append(out, "null");
        return;
    }
    switch (JSON_NODE_TYPE(node)) {
    case JSON_NODE_OBJECT: {
        JsonObject *o = json_node_get_object(node);
        /* json_object_get_members keeps insertion order. */
        GList *names = json_object_get_members(o);
        g_string_append_c(out, '{');
        for (GList *l = names; l; l = l->next) {
            if (l != names) {
                g_string_append(out, ", ");
            }
            qmp_json_append_string(out, l->data, strlen(l->data));
            g_string_append(out, ": ");
            qmp_json_append(out, json_object_get_member(o, l->data));
        }
        g_string_append_c(out, '}');
        g_list_free(names);
        break;
    }
    case JSON_NODE_ARRAY: {
        JsonArray *a = json_node_get_array(node);
        g_string_append_c(out, '[');
        for (guint i = 0; i < json_array_get_length(a); i++) {
            if (i) {
                g_string_append(out, ", ");
            }
            qmp_json_append(out, json_array_get_element(a, i));
        }
        g_string_append_c(out, ']');
        break;
    }
    case JSON_NODE_VALUE:
        append_value(out, node);
        break;
    case JSON_NODE_NULL:
        g_string_append(out, "null");
        break;
    }
}
