/*
 * Trace points (include/emu/trace.h): the registry is the "emu_trace"
 * section the linker gathers from every call site; enabling walks it.
 */
#include "emu/common.h"
#include "emu/log.h"
#include "emu/trace.h"

#include <glib.h>

/* Provided by the linker for a section named like a C identifier; weak so
 * that a program without any trace point still links. */
extern TraceEvent *const __start_emu_trace[] __attribute__((weak));
extern TraceEvent *const __stop_emu_trace[] __attribute__((weak));

#define FOR_EACH_EVENT(ev)                          \
    for (TraceEvent *const *p_ = __start_emu_trace; \
         p_ && p_ < __stop_emu_trace && ((ev) = *p_, true); p_++)

void trace_emit(const TraceEvent *ev, const char *fmt, ...)
{
    FILE *f = emu_logfile ? emu_logfile : stderr;
    va_list ap;
    /* The trace() macro passes a literal; a NULL check keeps GCC's
     * -Wformat-overflow quiet under UBSan, which adds a NULL path. */
    if (!fmt) {
        return;
    }
    /* One line per event even when vCPU threads trace at once. */
    flockfile(f);
    fprintf(f, "%s ", ev->name);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    funlockfile(f);
}

int trace_enable_pattern(const char *pattern, bool on)
{
    TraceEvent *ev;
    int n = 0;
    if (pattern[0] == '-') {
        pattern++;
        on = false;
    }
    FOR_EACH_EVENT(ev)
    {
        if (g_pattern_match_simple(pattern, ev->name)) {
            __atomic_store_n(&ev->enabled, on, __ATOMIC_RELAXED);
            n++;
        }
    }
    return n;
}

static int enable_or_fail(const char *what, const char *pattern, Error **errp)
{
    if (trace_enable_pattern(pattern, true) == 0) {
        error_setg(errp, "%s: no trace point matches '%s' (try -trace help)",
                   what, pattern);
        return -1;
    }
    return 0;
}

int trace_load_events_file(const char *path, Error **errp)
{
    char *text = NULL;
    GError *gerr = NULL;
    if (!g_file_get_contents(path, &text, NULL, &gerr)) {
        error_setg(errp, "-trace events=%s: %s", path, gerr->message);
        g_error_free(gerr);
        return -1;
    }
    char **lines = g_strsplit(text, "\n", -1);
    int ret = 0;
    for (int i = 0; lines[i] && ret == 0; i++) {
        char *line = g_strstrip(lines[i]);
        if (!line[0] || line[0] == '#') {
            continue;
        }
        char *what = g_strdup_printf("-trace events=%s line %d", path, i + 1);
        ret = enable_or_fail(what, line, errp);
        g_free(what);
    }
    g_strfreev(lines);
    g_free(text);
    return ret;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct names, sorted (g_free the array, not the strings). */
static const char **sorted_names(int *count)
{
    TraceEvent *ev;
    GPtrArray *arr = g_ptr_array_new();
    FOR_EACH_EVENT(ev)
    {
        g_ptr_array_add(arr, (gpointer)ev->name);
    }
    qsort(arr->pdata, arr->len, sizeof(gpointer), compare_names);
    int n = 0;
    for (guint i = 0; i < arr->len; i++) {
        if (n == 0 || strcmp(arr->pdata[n - 1], arr->pdata[i]) != 0) {
            arr->pdata[n++] = arr->pdata[i];
        }
    }
    *count = n;
    return (const char **)g_ptr_array_free(arr, false);
}

bool trace_is_enabled(const char *name)
{
    TraceEvent *ev;
    FOR_EACH_EVENT(ev)
    {
        if (!strcmp(ev->name, name) && ev->enabled) {
            return true;
        }
    }
    return false;
}

void trace_list(FILE *f, const char *pattern)
{
    int n;
    const char **names = sorted_names(&n);
    for (int i = 0; i < n; i++) {
        if (!pattern || g_pattern_match_simple(pattern, names[i])) {
            fprintf(f, "%s : state %d\n", names[i], trace_is_enabled(names[i]));
        }
    }
    g_free(names);
}

int trace_count(void)
{
    int n;
    g_free(sorted_names(&n));
    return n;
}

int trace_opt_parse(const char *arg, Error **errp)
{
    if (!strcmp(arg, "help")) {
        int n;
        const char **names = sorted_names(&n);
        for (int i = 0; i < n; i++) {
            printf("%s\n", names[i]);
        }
        g_free(names);
        exit(0);
    }
    char **opts = g_strsplit(arg, ",", -1);
    int ret = 0;
    for (int i = 0; opts[i] && ret == 0; i++) {
        const char *o = opts[i];
        if (g_str_has_prefix(o, "events=")) {
            ret = trace_load_events_file(o + 7, errp);
        } else if (g_str_has_prefix(o, "file=")) {
            ret = log_set_file(o + 5, errp) < 0 ? -1 : 0;
        } else if (g_str_has_prefix(o, "enable=")) {
            ret = enable_or_fail("-trace", o + 7, errp);
        } else if (strchr(o, '=')) {
            error_setg(errp, "-trace: unknown option '%s'", o);
            ret = -1;
        } else if (o[0]) {
            ret = enable_or_fail("-trace", o, errp);
        }
    }
    g_strfreev(opts);
    return ret;
}
