/*
 * QMP commands about the machine as a whole: query-status, query-name,
 * query-cpus-fast, query-chardev, stop, cont, system_reset,
 * system_powerdown, quit.  Members are in the order of QEMU's schema.
 */
#include "monitor/qmp-int.h"
#include "emu/cpu.h"
#include "emu/machine.h"
#include "emu/main-loop.h"
#include "emu/runstate.h"

static JsonNode *node_object(JsonObject *o)
{
    JsonNode *n = json_node_init_object(json_node_alloc(), o);
    json_object_unref(o);
    return n;
}

static JsonNode *node_array(JsonArray *a)
{
    JsonNode *n = json_node_init_array(json_node_alloc(), a);
    json_array_unref(a);
    return n;
}

/* "singlestep" is QEMU 7.2's member (always false: emu has no -singlestep;
 * QEMU 8.1 deprecated it). */
static JsonNode *query_status(QmpRequest *req, JsonObject *args)
{
    JsonObject *o = json_object_new();
    json_object_set_boolean_member(o, "running", runstate_is_running());
    json_object_set_boolean_member(o, "singlestep", false);
    json_object_set_string_member(o, "status", runstate_name(runstate_get()));
    return node_object(o);
}

static JsonNode *query_name(QmpRequest *req, JsonObject *args)
{
    JsonObject *o = json_object_new();
    if (current_machine && current_machine->opts.name) {
        json_object_set_string_member(o, "name", current_machine->opts.name);
    }
    return node_object(o);
}

/*
 * One CpuInfoFast per vCPU.  "props" places it in the -smp topology as
 * QEMU numbers it (CPU index = (socket * cores + core) * threads +
 * thread).  emu has no QOM tree: "qom-path" is a stable label of the
 * same shape, "/machine/cpu[N]".
 */
static JsonNode *query_cpus_fast(QmpRequest *req, JsonObject *args)
{
    JsonArray *a = json_array_new();
    Machine *m = current_machine;
    int cores = m && m->opts.smp_cores > 0 ? m->opts.smp_cores : 1;
    int threads = m && m->opts.smp_threads > 0 ? m->opts.smp_threads : 1;
    for (int i = 0; m && i < m->nr_cpus; i++) {
        CPUState *cpu = m->cpus[i];
        int idx = cpu->index;
        JsonObject *props = json_object_new();
        json_object_set_int_member(props, "socket-id", idx / (cores * threads));
        json_object_set_int_member(props, "core-id", idx / threads % cores);
        json_object_set_int_member(props, "thread-id", idx % threads);
        JsonObject *o = json_object_new();
        char *path = g_strdup_printf("/machine/cpu[%d]", idx);
        json_object_set_int_member(o, "cpu-index", idx);
        json_object_set_string_member(o, "qom-path", path);
        json_object_set_int_member(o, "thread-id", cpu->thread_id);
        json_object_set_object_member(o, "props", props);
        json_object_set_string_member(o, "target", "i386");
        json_array_add_object_element(a, o);
        g_free(path);
    }
    return node_array(a);
}

static void add_chardev(Chardev *chr, void *opaque)
{
    JsonObject *o = json_object_new();
    char *fn = chr_filename(chr);
    json_object_set_string_member(o, "label",
                                  chr_id(chr) ? chr_id(chr) : chr_label(chr));
    json_object_set_string_member(o, "filename", fn);
    json_object_set_boolean_member(o, "frontend-open", chr_frontend_open(chr));
    json_array_add_object_element(opaque, o);
    g_free(fn);
}

static JsonNode *query_chardev(QmpRequest *req, JsonObject *args)
{
    JsonArray *a = json_array_new();
    chardev_foreach(add_chardev, a);
    return node_array(a);
}

static JsonNode *cmd_stop(QmpRequest *req, JsonObject *args)
{
    vm_stop(RUN_STATE_PAUSED);
    return NULL;
}

/* As QEMU's cont: a machine that powered off (-no-shutdown), panicked or
 * failed must be reset first. */
static JsonNode *cmd_cont(QmpRequest *req, JsonObject *args)
{
    RunState s = runstate_get();
    if (s == RUN_STATE_SHUTDOWN || s == RUN_STATE_GUEST_PANICKED ||
        s == RUN_STATE_INTERNAL_ERROR) {
        qmp_error(req, "GenericError",
                  "Resetting the Virtual Machine is required");
        return NULL;
    }
    if (s == RUN_STATE_INMIGRATE) {
        qmp_error(req, "GenericError",
                  "Migration is not complete: the machine starts once its "
                  "state has arrived");
        return NULL;
    }
    vm_start();
    return NULL;
}

static JsonNode *cmd_system_reset(QmpRequest *req, JsonObject *args)
{
    system_reset_request(SHUTDOWN_CAUSE_HOST_RESET);
    return NULL;
}

static JsonNode *cmd_system_powerdown(QmpRequest *req, JsonObject *args)
{
    Error *err = NULL;
    if (system_powerdown_request(&err) < 0) {
        qmp_error(req, "GenericError", "%s", error_get_pretty(err));
        error_free(err);
    }
    return NULL;
}

/* The reply is queued now; SHUTDOWN follows from the main loop, and both
 * are flushed before emu exits (qmp-events.c). */
static JsonNode *cmd_quit(QmpRequest *req, JsonObject *args)
{
    system_shutdown_request(SHUTDOWN_CAUSE_HOST_QUIT, 0);
    return NULL;
}

static void __attribute__((constructor)) qmp_cmds_machine_register(void)
{
    qmp_register_command("query-status", NULL, query_status);
    qmp_register_command("query-name", NULL, query_name);
    qmp_register_command("query-cpus-fast", NULL, query_cpus_fast);
    qmp_register_command("query-chardev", NULL, query_chardev);
    qmp_register_command("stop", NULL, cmd_stop);
    qmp_register_command("cont", NULL, cmd_cont);
    qmp_register_command("system_reset", NULL, cmd_system_reset);
    qmp_register_command("system_powerdown", NULL, cmd_system_powerdown);
    qmp_register_command("quit", NULL, cmd_quit);
}
