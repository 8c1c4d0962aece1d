/*
 * Finding and reading firmware files: the board's BIOS image and the
 * option ROMs devices expose (the VGA BIOS in the PCI card's ROM BAR).
 * One search order for all, so -L DIR works for every file.
 */
#include "emu/common.h"

#include <glib.h>
#include <sys/stat.h>

#include "hw/firmware.h"

/* Option ROMs and BIOS images are at most this big (a 16 MiB BIOS). */
#define FIRMWARE_MAX_SIZE (16 * MiB)

static const char *firmware_dir;

void firmware_set_dir(const char *dir)
{
    firmware_dir = dir;
}

char *firmware_find(const char *name)
{
    const char *dirs[] = {firmware_dir, "/usr/share/seabios",
                          "/usr/share/qemu"};
    struct stat st;

    if (strchr(name, '/') || stat(name, &st) == 0) {
        return strdup(name);
    }
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        char *path;
        if (!dirs[i]) {
            continue;
        }
        if (asprintf(&path, "%s/%s", dirs[i], name) < 0) {
            return NULL;
        }
        if (stat(path, &st) == 0) {
            return path;
        }
        free(path);
    }
    return NULL;
}

int firmware_load(const char *name, const char *what, uint8_t **data,
                  size_t *size, Error **errp)
{
    char *path = firmware_find(name);
    GError *gerr = NULL;
    gchar *buf;
    gsize len;

    *data = NULL;
    *size = 0;
    if (!path) {
        error_setg(errp,
                   "could not find the %s (%s) in -L, /usr/share/seabios or "
                   "/usr/share/qemu; install it with: apt-get install seabios",
                   what, name);
        return -1;
    }
    if (!g_file_get_contents(path, &buf, &len, &gerr)) {
        error_setg(errp, "cannot read the %s '%s': %s", what, path,
                   gerr->message);
        g_error_free(gerr);
        free(path);
        return -1;
    }
    if (len == 0 || len > FIRMWARE_MAX_SIZE) {
        error_setg(errp, "the %s '%s' has a bad size (%zu bytes)", what, path,
                   (size_t)len);
        g_free(buf);
        free(path);
        return -1;
    }
    free(path);
    *data = (uint8_t *)buf;
    *size = len;
    return 0;
}
