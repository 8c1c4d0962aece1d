/*
 * emu-img check: the format's consistency check (qcow2: refcounts against
 * references), optionally repairing leaks or everything, with qemu-img's
 * report and exit status: 0 consistent, 1 check failed, 2 corruptions,
 * 3 leaked clusters only, 63 format without checks.
 */
#include "emu-img.h"

static void print_human(const BdrvCheckResult *r)
{
    if (!r->corruptions && !r->leaks && !r->check_errors) {
        printf("No errors were found on the image.\n");
    } else {
        if (r->corruptions) {
            printf("\n%d errors were found on the image.\n"
                   "Data may be corrupted, or further writes to the image "
                   "may corrupt it.\n",
                   r->corruptions);
        }
        if (r->leaks) {
            printf("\n%d leaked clusters were found on the image.\n"
                   "This means waste of disk space, but no harm to data.\n",
                   r->leaks);
        }
        if (r->check_errors) {
            printf("\n%d internal errors have occurred during the check.\n",
                   r->check_errors);
        }
    }
    if (r->total_clusters && r->allocated_clusters) {
        double alloc = r->allocated_clusters;
        printf("%" PRIu64 "/%" PRIu64 " = %0.2f%% allocated, %0.2f%% "
               "fragmented, %0.2f%% compressed clusters\n",
               r->allocated_clusters, r->total_clusters,
               alloc * 100 / r->total_clusters,
               r->fragmented_clusters * 100 / alloc,
               r->compressed_clusters * 100 / alloc);
    }
    if (r->image_end_offset > 0) {
        printf("Image end offset: %" PRId64 "\n", r->image_end_offset);
    }
}

/* Counters appear only when non-zero, check-errors always (qemu-img's
 * JSON, in its order). */
static void print_json(const BdrvCheckResult *r, const char *filename,
                       const char *format)
{
    ImgJson j;

    json_init(&j, stdout);
    json_begin_object(&j, NULL);
    if (r->image_end_offset > 0) {
        json_int(&j, "image-end-offset", r->image_end_offset);
    }
    if (r->compressed_clusters) {
        json_int(&j, "compressed-clusters", r->compressed_clusters);
    }
    if (r->total_clusters) {
        json_int(&j, "total-clusters", r->total_clusters);
    }
    if (r->corruptions) {
        json_int(&j, "corruptions", r->corruptions);
    }
    if (r->corruptions_fixed) {
        json_int(&j, "corruptions-fixed", r->corruptions_fixed);
    }
    json_int(&j, "check-errors", r->check_errors);
    if (r->leaks) {
        json_int(&j, "leaks", r->leaks);
    }
    if (r->leaks_fixed) {
        json_int(&j, "leaks-fixed", r->leaks_fixed);
    }
    if (r->allocated_clusters) {
        json_int(&j, "allocated-clusters", r->allocated_clusters);
    }
    json_str(&j, "filename", filename);
    json_str(&j, "format", format);
    if (r->fragmented_clusters) {
        json_int(&j, "fragmented-clusters", r->fragmented_clusters);
    }
    json_end_object(&j);
    json_finish(&j);
}

static int run_check(const ImgCommand *cmd, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"repair", required_argument, NULL, 'r'},
        {"output", required_argument, NULL, 'O'},
        {"force-share", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0},
    };
    const char *fmt = NULL;
    bool json = false, quiet = false, share = false;
    BdrvCheckMode fix = BDRV_FIX_NONE;
    BdrvCheckResult res = {0};
    BlockDriverState *bs;
    int c, ret, status = 1;

    while ((c = img_getopt(cmd, argc, argv, "f:r:qU", longopts, &status)) !=
           -1) {
        switch (c) {
        case IMG_OPT_EXIT:
            return status;
        case 'f':
            fmt = optarg;
            break;
        case 'r':
            if (!strcmp(optarg, "leaks")) {
                fix = BDRV_FIX_LEAKS;
            } else if (!strcmp(optarg, "all")) {
                fix = BDRV_FIX_LEAKS | BDRV_FIX_ERRORS;
            } else {
                return img_usage_error(cmd,
                                       "Unknown option value for -r "
                                       "(expecting 'leaks' or 'all'): "
                                       "%s",
                                       optarg);
            }
            break;
        case 'O':
            if (img_parse_output(cmd, optarg, &json)) {
                return 1;
            }
            break;
        case 'q':
            quiet = true;
            break;
        case 'U':
            share = true;
            break;
        }
    }
    if (optind != argc - 1) {
        return img_usage_error(cmd, "Expecting one image file name");
    }
    if (share && fix) {
        return img_usage_error(cmd, "-U cannot be used with -r (a repair "
                                    "needs the image to itself)");
    }
    bs = img_open_check(argv[optind], fmt, fix != BDRV_FIX_NONE, false, share,
                        true);
    if (!bs) {
        return 1;
    }
    if (!bs->drv->check) {
        error_report("This image format does not support checks");
        bdrv_unref(bs);
        return 63;
    }
    ret = bs->drv->check(bs, &res, fix);
    if (ret == 0 && (res.corruptions_fixed || res.leaks_fixed)) {
        BdrvCheckResult again = {0};

        if (!json && !quiet) {
            printf("The following inconsistencies were found and "
                   "repaired:\n\n"
                   "    %d leaked clusters\n"
                   "    %d corruptions\n\n"
                   "Double checking the fixed image now...\n",
                   res.leaks_fixed, res.corruptions_fixed);
        }
        ret = bs->drv->check(bs, &again, BDRV_FIX_NONE);
        again.leaks_fixed = res.leaks_fixed;
        again.corruptions_fixed = res.corruptions_fixed;
        res = again;
    }
    if (ret == 0 && !quiet) {
        if (json) {
            print_json(&res, bs->filename, bs->drv->format_name);
        } else {
            print_human(&res);
        }
    }
    fflush(stdout);
    if (ret < 0 || res.check_errors) {
        if (ret < 0) {
            error_report("Check failed: %s", strerror(-ret));
        } else {
            error_report("Check failed: %d internal errors", res.check_errors);
        }
        status = 1;
    } else if (res.corruptions) {
        status = 2;
    } else if (res.leaks) {
        status = 3;
    } else {
        status = 0;
    }
    bdrv_unref(bs);
    return status;
}

const ImgCommand img_check_cmd = {
    .name = "check",
    .run = run_check,
    .synopsis = "check [-q] [-f fmt] [--output=human|json] [-r leaks|all] "
                "[-U] filename",
    .help = "Check an image's metadata for consistency.\n\n"
            "  -f fmt          the image's format (default: probe)\n"
            "  -r leaks        repair leaked clusters\n"
            "  -r all          repair leaks and corruptions\n"
            "  --output=json   machine-readable output (qemu-img's keys)\n"
            "  -q              quiet: only the exit status\n"
            "  -U              do not lock the image\n\n"
            "Exit status: 0 consistent, 1 check failed, 2 corrupted, "
            "3 leaked clusters,\n63 the format has no checks.\n",
};
