/*
 * QMP commands about the protocol and the monitor itself:
 * qmp_capabilities, query-version, query-commands, human-monitor-command.
 */
#include "monitor/qmp-int.h"
#include "emu/monitor.h"

#include <stdio.h>

static JsonNode *node_object(JsonObject *o)
{
    JsonNode *n = json_node_init_object(json_node_alloc(), o);
    json_object_unref(o);
    return n;
}

/* "qmp_capabilities": leaves negotiation mode.  emu offers no capability,
 * so any listed in "enable" is refused as QEMU refuses one it did not
 * offer. */
static JsonNode *qmp_capabilities(QmpRequest *req, JsonObject *args)
{
    if (qmp_monitor_negotiated(req->mon)) {
        qmp_error(req, "CommandNotFound",
                  "Capabilities negotiation is already complete, command "
                  "ignored");
        return NULL;
    }
    JsonNode *en = json_object_get_member(args, "enable");
    if (en) {
        JsonArray *a = json_node_get_array(en);
        GString *bad = NULL;
        for (guint i = 0; i < json_array_get_length(a); i++) {
            const char *cap = json_array_get_string_element(a, i);
            if (strcmp(cap, "oob")) {
                qmp_error(req, "GenericError",
                          "Parameter 'enable[%u]' does not accept value '%s'",
                          i, cap);
                if (bad) {
                    g_string_free(bad, true);
                }
                return NULL;
            }
            if (!bad) {
                bad = g_string_new(cap);
            } else {
                g_string_append_printf(bad, ", %s", cap);
            }
        }
        if (bad) {
            qmp_error(req, "GenericError", "Capability %s not available",
                      bad->str);
            g_string_free(bad, true);
            return NULL;
        }
    }
    qmp_monitor_set_negotiated(req->mon);
    return NULL;
}

JsonNode *qmp_version_info(void)
{
    unsigned major = 0, minor = 0, micro = 0;
    sscanf(EMU_VERSION, "%u.%u.%u", &major, &minor, &micro);
    JsonObject *v = json_object_new();
    json_object_set_int_member(v, "major", major);
    json_object_set_int_member(v, "minor", minor);
    json_object_set_int_member(v, "micro", micro);
    JsonObject *info = json_object_new();
    json_object_set_object_member(info, "qemu", v);
    /* "package" names a downstream of QEMU; emu is not QEMU at all, and
     * says so here. */
    json_object_set_string_member(info, "package", "emu " EMU_VERSION);
    return node_object(info);
}

static JsonNode *query_version(QmpRequest *req, JsonObject *args)
{
    return qmp_version_info();
}

static void add_command(const char *name, void *opaque)
{
    JsonObject *o = json_object_new();
    json_object_set_string_member(o, "name", name);
    json_array_add_object_element(opaque, o);
}

static JsonNode *query_commands(QmpRequest *req, JsonObject *args)
{
    JsonArray *a = json_array_new();
    qmp_for_each_command(add_command, a);
    JsonNode *n = json_node_init_array(json_node_alloc(), a);
    json_array_unref(a);
    return n;
}

/* Run one HMP line into a string: monitor_execute_line's result (0 or
 * -1), or -2 without memory for the output. */
static int run_hmp(const char *line, char **text, size_t *size)
{
    FILE *f = open_memstream(text, size);
    if (!f) {
        return -2;
    }
    int r = monitor_execute_line(NULL, line, f);
    fclose(f);
    return r;
}

/*
 * human-monitor-command: one HMP line, its output as a string with QEMU's
 * "\r\n" line ends.  An HMP error is still a successful QMP command whose
 * output says what went wrong (as in QEMU).  cpu-index makes that CPU the
 * monitor's current one (HMP "cpu N") for this line only.
 */
static JsonNode *human_monitor_command(QmpRequest *req, JsonObject *args)
{
    char *buf = NULL;
    size_t size = 0;
    int old_cpu = monitor_cpu_index();
    JsonNode *idx = json_object_get_member(args, "cpu-index");
    if (idx) {
        char *sel = g_strdup_printf("cpu %" PRId64, json_node_get_int(idx));
        int r = run_hmp(sel, &buf, &size);
        g_free(sel);
        free(buf);
        buf = NULL;
        if (r < 0) {
            qmp_error(req, "GenericError",
                      "Parameter 'cpu-index' expects a CPU number");
            return NULL;
        }
    }
    if (run_hmp(qmp_arg_str(args, "command-line"), &buf, &size) == -2) {
        qmp_error(req, "GenericError", "out of memory");
        return NULL;
    }
    if (idx) {
        char *back = g_strdup_printf("cpu %d", old_cpu);
        char *junk = NULL;
        size_t n = 0;
        run_hmp(back, &junk, &n);
        free(junk);
        g_free(back);
    }
    GString *out = g_string_sized_new(size + 16);
    for (size_t i = 0; buf && i < size; i++) {
        if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r')) {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, buf[i]);
    }
    free(buf);
    JsonNode *n = json_node_new(JSON_NODE_VALUE);
    json_node_set_string(n, out->str);
    g_string_free(out, true);
    return n;
}

static const QmpArg caps_args[] = {
    {"enable", QMP_ARG_STR_LIST, true},
    {NULL},
};

static const QmpArg hmp_args[] = {
    {"command-line", QMP_ARG_STR},
    {"cpu-index", QMP_ARG_INT, true},
    {NULL},
};

static void __attribute__((constructor)) qmp_cmds_control_register(void)
{
    qmp_register_command("qmp_capabilities", caps_args, qmp_capabilities);
    qmp_register_command("query-version", NULL, query_version);
    qmp_register_command("query-commands", NULL, query_commands);
    qmp_register_command("human-monitor-command", hmp_args,
                         human_monitor_command);
}
