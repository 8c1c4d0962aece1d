/*
 * QMP screendump: a display's picture in a file (ui/screendump.c), PPM
 * unless "format" says "png" (QEMU's default is PPM whatever the file is
 * called).  "device" is a console's name or number; emu's displays have
 * one head.
 */
#include "monitor/qmp-int.h"
#include "ui/console.h"

static const char *const formats[] = {"ppm", "png", NULL};

static JsonNode *cmd_screendump(QmpRequest *req, JsonObject *args)
{
    const char *device = qmp_arg_str(args, "device");
    const char *format = qmp_arg_str(args, "format");
    int64_t head = qmp_arg_int(args, "head", 0);
    Console *con = NULL;
    Error *err = NULL;

    if (device) {
        for (int i = 0; i < console_count() && !con; i++) {
            if (!strcmp(console_name(console_get(i)), device)) {
                con = console_get(i);
            }
        }
        if (!con) {
            qmp_error(req, "GenericError", "Device '%s' not found", device);
            return NULL;
        }
    }
    if (head != 0) {
        qmp_error(req, "GenericError", "Head '%" PRId64 "' not found", head);
        return NULL;
    }
    ScreendumpFormat fmt =
        format && !strcmp(format, "png") ? SCREENDUMP_PNG : SCREENDUMP_PPM;
    if (screendump(con, qmp_arg_str(args, "filename"), fmt, &err) < 0) {
        qmp_error(req, "GenericError", "%s", error_get_pretty(err));
        error_free(err);
    }
    return NULL;
}

static const QmpArg screendump_args[] = {
    {"filename", QMP_ARG_STR},
    {"device", QMP_ARG_STR, true},
    {"head", QMP_ARG_INT, true},
    {"format", QMP_ARG_ENUM, true, formats},
    {NULL},
};

static void __attribute__((constructor)) qmp_cmds_ui_register(void)
{
    qmp_register_command("screendump", screendump_args, cmd_screendump);
}
