/*
 * emu-img info: what an image is, field by field as qemu-img prints it
 * (human or --output=json), for one layer or the whole --backing-chain.
 * Each layer is opened on its own without its backing, so that info works
 * on an overlay whose backing file is missing.
 */
#include <glib.h>
#include <sys/stat.h>
#include "emu-img.h"
#include "snapshot-table.h"

typedef struct ImageInfo {
    const char *filename;
    const char *format;
    int64_t virtual_size;
    int64_t actual_size; /* -1: unknown */
    bool has_bdi;
    BlockDriverInfo bdi;
    const char *backing_file, *backing_format;
    char *full_backing;
    BlockSnapshotInfo *snaps;
    int nsnaps;
} ImageInfo;

/* Host bytes the image takes ("disk size"): the driver's answer, else
 * its file's, else what stat says. */
static int64_t actual_size(BlockDriverState *bs)
{
    struct stat st;

    for (BlockDriverState *n = bs; n; n = n->file) {
        if (n->drv->get_allocated_size) {
            return n->drv->get_allocated_size(n);
        }
    }
    if (stat(bs->filename, &st) == 0) {
        return (int64_t)st.st_blocks * 512;
    }
    return -1;
}

static int gather(BlockDriverState *bs, ImageInfo *ii)
{
    memset(ii, 0, sizeof(*ii));
    ii->filename = bs->filename;
    ii->format = bs->drv->format_name;
    ii->virtual_size = bdrv_getlength(bs);
    if (ii->virtual_size < 0) {
        error_report("%s: cannot get the image size: %s", bs->filename,
                     strerror((int)-ii->virtual_size));
        return -1;
    }
    ii->actual_size = actual_size(bs);
    if (bs->drv->get_info && bs->drv->get_info(bs, &ii->bdi) == 0) {
        ii->has_bdi = true;
    }
    ii->backing_file = bs->backing_file;
    ii->backing_format = bs->backing_format;
    if (bs->backing_file) {
        ii->full_backing = img_backing_path(bs->filename, bs->backing_file);
    }
    ii->nsnaps = img_snapshot_list(bs, &ii->snaps);
    if (ii->nsnaps < 0) {
        error_report("%s: cannot read the snapshot table: %s", bs->filename,
                     strerror(-ii->nsnaps));
        return -1;
    }
    return 0;
}

static void print_human(const ImageInfo *ii)
{
    char *vs = img_size_to_str((uint64_t)ii->virtual_size);

    printf("image: %s\n", ii->filename);
    printf("file format: %s\n", ii->format);
    printf("virtual size: %s (%" PRId64 " bytes)\n", vs, ii->virtual_size);
    g_free(vs);
    if (ii->actual_size >= 0) {
        char *ds = img_size_to_str((uint64_t)ii->actual_size);
        printf("disk size: %s\n", ds);
        g_free(ds);
    } else {
        printf("disk size: unavailable\n");
    }
    if (ii->has_bdi && ii->bdi.cluster_size) {
        printf("cluster_size: %" PRIu32 "\n", ii->bdi.cluster_size);
    }
    if (ii->backing_file) {
        printf("backing file: %s", ii->backing_file);
        if (strcmp(ii->backing_file, ii->full_backing)) {
            printf(" (actual path: %s)", ii->full_backing);
        }
        printf("\n");
        if (ii->backing_format) {
            printf("backing file format: %s\n", ii->backing_format);
        }
    }
    if (ii->has_bdi && ii->bdi.is_dirty) {
        printf("cleanly shut down: no\n");
    }
    if (ii->nsnaps > 0) {
        img_snapshot_table(stdout, ii->snaps, ii->nsnaps);
    }
    if (ii->has_bdi && ii->bdi.compat) {
        bool v3 = strcmp(ii->bdi.compat, "0.10") != 0;
        printf("Format specific information:\n");
        printf("    compat: %s\n", ii->bdi.compat);
        printf("    compression type: %s\n",
               ii->bdi.compression_type ? ii->bdi.compression_type : "zlib");
        if (v3) {
            printf("    lazy refcounts: %s\n",
                   ii->bdi.lazy_refcounts ? "true" : "false");
        }
        printf("    refcount bits: %d\n", ii->bdi.refcount_bits);
        if (v3) {
            printf("    corrupt: %s\n", ii->bdi.corrupt ? "true" : "false");
            printf("    extended l2: %s\n",
                   ii->bdi.extended_l2 ? "true" : "false");
        }
    }
}

/* Members in the order qemu-img 7.2 prints them. */
static void print_json(ImgJson *j, const ImageInfo *ii)
{
    json_begin_object(j, NULL);
    if (ii->nsnaps > 0) {
        img_snapshot_json(j, ii->snaps, ii->nsnaps);
    }
    if (ii->backing_file && ii->backing_format) {
        json_str(j, "backing-filename-format", ii->backing_format);
    }
    json_int(j, "virtual-size", ii->virtual_size);
    json_str(j, "filename", ii->filename);
    if (ii->has_bdi && ii->bdi.cluster_size) {
        json_int(j, "cluster-size", ii->bdi.cluster_size);
    }
    json_str(j, "format", ii->format);
    if (ii->actual_size >= 0) {
        json_int(j, "actual-size", ii->actual_size);
    }
    if (ii->has_bdi && ii->bdi.compat) {
        bool v3 = strcmp(ii->bdi.compat, "0.10") != 0;
        json_begin_object(j, "format-specific");
        json_str(j, "type", ii->format);
        json_begin_object(j, "data");
        json_str(j, "compat", ii->bdi.compat);
        json_str(j, "compression-type",
                 ii->bdi.compression_type ? ii->bdi.compression_type : "zlib");
        if (v3) {
            json_bool(j, "lazy-refcounts", ii->bdi.lazy_refcounts);
        }
        json_int(j, "refcount-bits", ii->bdi.refcount_bits);
        if (v3) {
            json_bool(j, "corrupt", ii->bdi.corrupt);
            json_bool(j, "extended-l2", ii->bdi.extended_l2);
        }
        json_end_object(j);
        json_end_object(j);
    }
    if (ii->backing_file) {
        json_str(j, "full-backing-filename", ii->full_backing);
        json_str(j, "backing-filename", ii->backing_file);
    }
    json_bool(j, "dirty-flag", ii->has_bdi && ii->bdi.is_dirty);
    json_end_object(j);
}

static int run_info(const ImgCommand *cmd, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'O'},
        {"backing-chain", no_argument, NULL, 'B'},
        {"force-share", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0},
    };
    const char *fmt = NULL;
    bool json = false, chain = false, share = false;
    int c, status = 1;
    GPtrArray *seen;
    ImgJson j;
    char *name, *buf = NULL;
    size_t buflen = 0;

    while ((c = img_getopt(cmd, argc, argv, "f:U", longopts, &status)) != -1) {
        switch (c) {
        case IMG_OPT_EXIT:
            return status;
        case 'f':
            fmt = optarg;
            break;
        case 'O':
            if (img_parse_output(cmd, optarg, &json)) {
                return 1;
            }
            break;
        case 'B':
            chain = true;
            break;
        case 'U':
            share = true;
            break;
        }
    }
    if (optind != argc - 1) {
        return img_usage_error(cmd, "Expecting one image file name");
    }

    if (json) {
        FILE *mem = open_memstream(&buf, &buflen);
        if (!mem) {
            error_report("out of memory");
            return 1;
        }
        json_init(&j, mem);
    }
    if (chain && json) {
        json_begin_array(&j, NULL);
    }
    seen = g_ptr_array_new_with_free_func(g_free);
    name = g_strdup(argv[optind]);
    status = 0;
    while (name) {
        BlockDriverState *bs;
        ImageInfo ii;
        char *real = realpath(name, NULL);

        for (guint i = 0; real && i < seen->len; i++) {
            if (!strcmp(real, g_ptr_array_index(seen, i))) {
                error_report("Backing file chain loop detected at '%s'", name);
                status = 1;
            }
        }
        if (status) {
            free(real);
            break;
        }
        if (real) {
            g_ptr_array_add(seen, g_strdup(real));
            free(real);
        }
        bs = img_open(name, fmt, false, false, share);
        if (!bs) {
            status = 1;
            break;
        }
        if (gather(bs, &ii) < 0) {
            bdrv_unref(bs);
            status = 1;
            break;
        }
        if (json) {
            print_json(&j, &ii);
        } else {
            if (seen->len > 1) {
                printf("\n");
            }
            print_human(&ii);
        }
        g_free(name);
        name = NULL;
        if (chain && ii.backing_file) {
            name = g_strdup(ii.full_backing);
            fmt = ii.backing_format;
            /* The format string belongs to bs: keep it past the unref. */
            fmt = fmt ? g_intern_string(fmt) : NULL;
        }
        g_free(ii.full_backing);
        g_free(ii.snaps);
        bdrv_unref(bs);
    }
    g_free(name);
    g_ptr_array_free(seen, TRUE);
    if (json) {
        /* All or nothing: a chain that fails half way prints no JSON. */
        if (chain) {
            json_end_array(&j);
        }
        json_finish(&j);
        fclose(j.f);
        if (status == 0) {
            fwrite(buf, 1, buflen, stdout);
        }
        free(buf);
    }
    fflush(stdout);
    return status;
}

const ImgCommand img_info_cmd = {
    .name = "info",
    .run = run_info,
    .synopsis = "info [-f fmt] [--output=human|json] [--backing-chain] [-U] "
                "filename",
    .help = "Show an image's format, sizes, backing file, snapshots and "
            "format details.\n\n"
            "  -f fmt            the image's format (default: probe)\n"
            "  --output=json     machine-readable output (qemu-img's keys)\n"
            "  --backing-chain   also every backing file, top first\n"
            "  -U, --force-share do not lock the image (it may be in use)\n",
};
