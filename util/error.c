/* The Error API (include/emu/error.h). */
#include "emu/common.h"

/* Messages start with the program's name, as QEMU's do ("emu: ..."). */
static const char *progname = "emu";

void error_set_progname(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    progname = slash ? slash + 1 : argv0;
}

static char *vformat(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) {
        abort();
    }
    return s;
}

void error_setg(Error **errp, const char *fmt, ...)
{
    va_list ap;
    if (!errp) {
        return;
    }
    assert(*errp == NULL);
    Error *err = malloc(sizeof(*err));
    if (!err) {
        abort();
    }
    va_start(ap, fmt);
    err->msg = vformat(fmt, ap);
    va_end(ap);
    *errp = err;
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    if (!errp || !*errp) {
        return;
    }
    va_start(ap, fmt);
    char *prefix = vformat(fmt, ap);
    va_end(ap);
    char *msg = NULL;
    if (asprintf(&msg, "%s%s", prefix, (*errp)->msg) < 0) {
        abort();
    }
    free(prefix);
    free((*errp)->msg);
    (*errp)->msg = msg;
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

void error_free(Error *err)
{
    if (err) {
        free(err->msg);
        free(err);
    }
}

void error_report_err(Error *err)
{
    fprintf(stderr, "%s: %s\n", progname, err->msg);
    error_free(err);
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: %s", progname, prefix);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void error_report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("warning: ", fmt, ap);
    va_end(ap);
}

void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
    exit(1);
}
