/*
 * migrate "exec:CMD" and -incoming: the machine state through a shell
 * command or a file (QEMU's exec: and file: transports), for machines
 * without a qcow2 drive to keep snapshots in.
 *
 * Only the stop-and-copy case: the VM stops, the whole state is written,
 * and the source stays stopped in "postmigrate" (as QEMU after a
 * completed migration; "cont" runs it on).  The disks are not copied: the
 * destination must see the same disk contents.
 */
#include "emu/common.h"
#include "emu/monitor.h"
#include "emu/runstate.h"
#include "emu/timer.h"
#include "migration/machine-state.h"
#include "migration/migration.h"

#include <sys/wait.h>

/* info migrate */
static struct {
    const char *status; /* NULL: no migration yet; "completed", "failed" */
    int64_t total_ms;
    uint64_t bytes;
    char error[256];
} last;

static int run_writer(const char *cmd, const GByteArray *st, Error **errp)
{
    FILE *p = popen(cmd, "w");
    if (!p) {
        error_setg(errp, "cannot run '%s': %s", cmd, strerror(errno));
        return -1;
    }
    size_t n = fwrite(st->data, 1, st->len, p);
    int werr = (n != st->len || fflush(p) != 0) ? errno : 0;
    int status = pclose(p);
    if (werr) {
        error_setg(errp, "writing the state to '%s': %s", cmd,
                   strerror(werr ? werr : EPIPE));
        return -1;
    }
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        error_setg(errp, "'%s' failed (exit status %d)", cmd,
                   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        return -1;
    }
    return 0;
}

static int read_command(const char *cmd, GByteArray *out, Error **errp)
{
    FILE *p = popen(cmd, "r");
    if (!p) {
        error_setg(errp, "cannot run '%s': %s", cmd, strerror(errno));
        return -1;
    }
    uint8_t buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
        g_byte_array_append(out, buf, n);
    }
    int status = pclose(p);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        error_setg(errp, "'%s' failed (exit status %d)", cmd,
                   status != -1 && WIFEXITED(status) ? WEXITSTATUS(status)
                                                     : -1);
        return -1;
    }
    return 0;
}

/* "exec:CMD" or "file:PATH" into out. */
static int read_uri(const char *uri, GByteArray *out, Error **errp)
{
    if (!strncmp(uri, "exec:", 5)) {
        return read_command(uri + 5, out, errp);
    }
    if (!strncmp(uri, "file:", 5)) {
        gchar *data;
        gsize len;
        GError *ge = NULL;
        if (!g_file_get_contents(uri + 5, &data, &len, &ge)) {
            error_setg(errp, "%s", ge->message);
            g_error_free(ge);
            return -1;
        }
        g_byte_array_append(out, (guint8 *)data, len);
        g_free(data);
        return 0;
    }
    error_setg(errp,
               "unknown migration protocol: '%s' (exec:CMD and "
               "file:PATH are supported)",
               uri);
    return -1;
}

int migration_incoming(const char *uri, Error **errp)
{
    GByteArray *st = g_byte_array_new();
    int r = read_uri(uri, st, errp);
    if (r == 0) {
        r = machine_state_load(st->data, st->len, errp);
    }
    g_byte_array_free(st, true);
    return r;
}

/* Strip one pair of double quotes, as HMP's string arguments. */
static char *unquote(const char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        return g_strndup(s + 1, n - 2);
    }
    return g_strdup(s);
}

static int hmp_migrate(FILE *out, const char *args)
{
    while (!strncmp(args, "-d", 2) && (args[2] == ' ' || !args[2])) {
        args += 2; /* detach: we finish before returning anyway */
        while (*args == ' ') {
            args++;
        }
    }
    if (!*args) {
        fprintf(out, "migrate: needs a URI (migrate \"exec:cat > FILE\")\n");
        return -1;
    }
    char *uri = unquote(args);
    if (strncmp(uri, "exec:", 5) && strncmp(uri, "file:", 5)) {
        fprintf(out, "Error: unknown migration protocol: '%s'\n", uri);
        g_free(uri);
        return -1;
    }
    RunState before = runstate_get();
    bool was_running = runstate_is_running();
    int64_t t0 = clock_get_ns(CLOCK_MONO);
    Error *err = NULL;
    GByteArray *st = g_byte_array_new();

    vm_stop(RUN_STATE_POSTMIGRATE);
    int r = machine_state_save(st, &err);
    if (r == 0) {
        if (!strncmp(uri, "exec:", 5)) {
            r = run_writer(uri + 5, st, &err);
        } else if (!g_file_set_contents(uri + 5, (gchar *)st->data, st->len,
                                        NULL)) {
            error_setg(&err, "cannot write '%s'", uri + 5);
            r = -1;
        }
    }
    last.total_ms = (clock_get_ns(CLOCK_MONO) - t0) / 1000000;
    last.bytes = st->len;
    if (r < 0) {
        last.status = "failed";
        snprintf(last.error, sizeof(last.error), "%s", error_get_pretty(err));
        fprintf(out, "Error: %s\n", error_get_pretty(err));
        error_free(err);
        /* As QEMU: a failed migration leaves the source as it was. */
        if (was_running) {
            vm_start();
        } else {
            runstate_set(before);
        }
    } else {
        last.status = "completed";
        last.error[0] = 0;
    }
    g_byte_array_free(st, true);
    g_free(uri);
    return r;
}

static void info_migrate(FILE *out)
{
    if (!last.status) {
        return; /* QEMU prints nothing before the first migration */
    }
    fprintf(out, "Migration status: %s\n", last.status);
    fprintf(out, "total time: %" PRId64 " ms\n", last.total_ms);
    fprintf(out, "transferred ram: %" PRIu64 " kbytes\n", last.bytes / 1024);
    if (last.error[0]) {
        fprintf(out, "error description: %s\n", last.error);
    }
}

void migration_init(void)
{
    monitor_register_command("migrate", "[-d] uri",
                             "save the machine to URI (\"exec:cat > FILE\" "
                             "or file:PATH) and stay stopped",
                             hmp_migrate);
    monitor_register_info("migrate", "show the last migration's status",
                          info_migrate);
    savevm_register_commands();
}
