/*
 * The display front end: -display, -vnc and -nographic decide which
 * front ends start once the machine exists (ui/display.h).
 */
#include "ui/display.h"
#include "ui/console.h"
#include "ui/vnc-int.h"

#define MAX_DISPLAY_BACKENDS 8

static const DisplayBackend *backends[MAX_DISPLAY_BACKENDS];
static int nr_backends;

/* The user's choice, from the command line (one machine, one choice). */
static char *display_spec; /* -display, NULL: the default */
static char *vnc_spec;     /* -vnc */
static bool nographic;

void display_backend_register(const DisplayBackend *b)
{
    assert(nr_backends < MAX_DISPLAY_BACKENDS);
    backends[nr_backends++] = b;
}

const DisplayBackend *display_backend_find(const char *name)
{
    for (int i = 0; i < nr_backends; i++) {
        if (!strcmp(backends[i]->name, name)) {
            return backends[i];
        }
    }
    return NULL;
}

void display_backend_list(FILE *f)
{
    fprintf(f, "Available display backend types:\n");
    fprintf(f, "none\n");
    for (int i = 0; i < nr_backends; i++) {
        fprintf(f, "%s\n", backends[i]->name);
    }
}

static void list_names(char *buf, size_t len)
{
    snprintf(buf, len, "none");
    for (int i = 0; i < nr_backends; i++) {
        size_t n = strlen(buf);
        snprintf(buf + n, len - n, ", %s", backends[i]->name);
    }
}

int display_parse(const char *spec, Error **errp)
{
    size_t n = strcspn(spec, ",");
    char type[32];

    if (n == 0 || n >= sizeof(type)) {
        error_setg(errp, "-display %s: no display type given", spec);
        return -1;
    }
    memcpy(type, spec, n);
    type[n] = '\0';
    if (!strcmp(type, "help")) {
        display_backend_list(stdout);
        return 1;
    }
    if (strcmp(type, "none") && !display_backend_find(type)) {
        char names[256];
        list_names(names, sizeof(names));
        error_setg(errp,
                   "-display %s: display '%s' is not available "
                   "(available: %s)",
                   spec, type, names);
        return -1;
    }
    if (!strcmp(type, "none") && spec[n]) {
        error_setg(errp, "-display none takes no options");
        return -1;
    }
    free(display_spec);
    display_spec = strdup(spec);
    return 0;
}

int vnc_parse(const char *spec, Error **errp)
{
    if (!*spec) {
        error_setg(errp, "-vnc: a display (:N, HOST:N or unix:PATH) or "
                         "'none' is needed");
        return -1;
    }
    if (strcmp(spec, "none") && !vnc_available()) {
        error_setg(errp,
                   "-vnc %s: VNC is not built in (configure found no "
                   "libvncserver)",
                   spec);
        return -1;
    }
    /* The syntax now, before the machine is built (ui/vnc-spec.c);
     * sockets are opened by vnc_display_init. */
    VncSpec parsed;
    if (strcmp(spec, "none") && vnc_spec_parse(spec, &parsed, errp) < 0) {
        return -1;
    }
    free(vnc_spec);
    vnc_spec = strcmp(spec, "none") ? strdup(spec) : NULL;
    return 0;
}

void display_set_nographic(void)
{
    nographic = true;
}

/* The default when the user chose nothing: a window if one can open. */
static const DisplayBackend *display_default(void)
{
    const DisplayBackend *sdl = display_backend_find("sdl");
    if (nographic || vnc_spec || !sdl || !sdl->available || !sdl->available()) {
        return NULL;
    }
    return sdl;
}

static const DisplayBackend *display_chosen(void)
{
    if (!display_spec) {
        return display_default();
    }
    size_t n = strcspn(display_spec, ",");
    char type[32];
    snprintf(type, sizeof(type), "%.*s", (int)n, display_spec);
    return display_backend_find(type); /* NULL for "none" */
}

bool display_is_graphical(void)
{
    return display_chosen() != NULL || vnc_spec != NULL ||
           (display_spec && !nographic);
}

bool display_uses_terminal(void)
{
    const DisplayBackend *b = display_chosen();
    return b && b->uses_terminal;
}

int display_init_all(Error **errp)
{
    const DisplayBackend *b = display_chosen();

    if (b) {
        KeyValOpts opts;
        const char *rest = display_spec ? display_spec + strlen(b->name) : "";
        if (*rest == ',') {
            rest++;
        }
        if (keyval_split(rest, &opts, errp) < 0) {
            return -1;
        }
        if (b->available && !b->available()) {
            error_setg(
                errp, "-display %s: cannot open a display here%s", b->name,
                !strcmp(b->name, "sdl")
                    ? " (no $DISPLAY or $WAYLAND_DISPLAY; use "
                      "-display none, -nographic or -vnc)"
                : b->uses_terminal ? " (stdin and stdout must be a terminal)"
                                   : "");
            keyval_free(&opts);
            return -1;
        }
        int r = b->init(&opts, errp);
        const char *unused = r < 0 ? NULL : keyval_unused(&opts);
        if (unused) {
            error_setg(errp, "-display %s: unknown option '%s'", b->name,
                       unused);
            r = -1;
        }
        keyval_free(&opts);
        if (r < 0) {
            return -1;
        }
    }
    if (vnc_spec && vnc_display_init(vnc_spec, errp) < 0) {
        return -1;
    }
    return 0;
}

#ifndef CONFIG_VNC
/* Built without libvncserver: -vnc is refused by vnc_parse. */
bool vnc_available(void)
{
    return false;
}

int vnc_display_init(const char *spec, Error **errp)
{
    error_setg(errp, "-vnc %s: VNC is not built in", spec);
    return -1;
}
#endif
