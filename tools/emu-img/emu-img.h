/*
 * emu-img: the image tool (qemu-img's subcommands for raw and qcow2).
 *
 * One file per subcommand (create.c, info.c, check.c, ...), each a user
 * of the block layer's node API (include/block/block-int.h) and nothing
 * else of emu: no machine, no BlockBackend, no main loop.  This header
 * holds what they share: the command table, option and size parsing,
 * opening images, human sizes, progress, and a small JSON writer
 * (--output=json).
 */
#ifndef EMU_IMG_H
#define EMU_IMG_H

#include <getopt.h>
#include "emu/common.h"
#include "block/block-int.h"

typedef struct ImgCommand {
    const char *name;
    int (*run)(const struct ImgCommand *cmd, int argc, char **argv);
    const char *synopsis; /* "create [-q] [-f fmt] ... filename [size]" */
    const char *help;     /* one line per option, after the synopsis */
} ImgCommand;

extern const ImgCommand img_create_cmd, img_info_cmd, img_check_cmd,
    img_convert_cmd, img_resize_cmd, img_commit_cmd, img_snapshot_cmd,
    img_compare_cmd;

/* Bad usage: "emu-img: <name>: <msg> (try 'emu-img <name> --help')" on
 * stderr, one line; returns 1 (the exit status). */
int img_usage_error(const ImgCommand *cmd, const char *fmt, ...)
    EMU_PRINTF(2, 3);
/* --help: synopsis and options on stdout; returns 0. */
int img_print_help(const ImgCommand *cmd);
/* --output=human|json: sets *json and returns 0, or reports bad usage
 * and returns 1 (the exit status). */
int img_parse_output(const ImgCommand *cmd, const char *arg, bool *json);

/* getopt_long over a subcommand's arguments (argv[0] is the subcommand),
 * with unknown options, missing arguments and -h/--help handled: returns
 * the option, -1 at the end, or IMG_OPT_EXIT with *status set (help
 * printed: 0; bad usage reported: 1). */
#define IMG_OPT_EXIT (-2)
int img_getopt(const ImgCommand *cmd, int argc, char **argv,
               const char *shortopts, const struct option *longopts,
               int *status);

/* Sizes as qemu-img takes them: "65536", "64M", "1.5G" (suffixes
 * B K M G T P E, either case, powers of 1024).  False if malformed or
 * at least 2^63. */
bool img_parse_size(const char *s, uint64_t *out);
/* qemu's human sizes, three significant digits: "0 B", "196 KiB",
 * "1.52 MiB", "64 MiB".  g_free the result. */
char *img_size_to_str(uint64_t v);

/* Open an image for a subcommand; reports the error itself ("emu-img:
 * Could not open 'x': ...") and returns NULL. */
BlockDriverState *img_open(const char *filename, const char *fmt, bool writable,
                           bool open_backing, bool force_share);
/* The same for emu-img check: check=true leaves a dirty image's refcounts
 * for the check to find and repair (BlockOpenOptions.check). */
BlockDriverState *img_open_check(const char *filename, const char *fmt,
                                 bool writable, bool open_backing,
                                 bool force_share, bool check);
/* A backing file name as the image records it, resolved against the
 * image's folder as the block layer does.  g_free the result. */
char *img_backing_path(const char *image, const char *backing);
/* bdrv_block_status through the backing chain: BDRV_BLOCK_ALLOCATED if
 * some layer decides, ZERO where no layer does (or the layers say so). */
int img_chain_status(BlockDriverState *bs, uint64_t offset, uint64_t bytes,
                     uint64_t *pnum);

/* Option strings of -o: "key=value,key2=value2" (",," is a comma). */
typedef struct ImgOpt {
    char *key, *value;
} ImgOpt;
/* Appends to *opts (an array of *n); false with a message on a missing
 * '='. */
bool img_parse_opts(const char *s, ImgOpt **opts, int *n);
void img_free_opts(ImgOpt *opts, int n);
/* Fill a BlockCreateOptions from -o for format fmt (strings point into
 * opts); "help" prints the list.  Returns 0, 1 (error printed) or 2
 * (help printed). */
int img_create_options(const char *fmt, ImgOpt *opts, int n,
                       BlockCreateOptions *co, bool *size_given);
void img_print_create_help(const char *fmt);

/* -p: "    (12.34/100%)\r" on stdout, as qemu-img. */
typedef struct ImgProgress {
    bool enabled;
    double last;
} ImgProgress;
void img_progress_start(ImgProgress *p, bool enabled);
void img_progress_update(ImgProgress *p, uint64_t done, uint64_t total);
void img_progress_end(ImgProgress *p);

/* A JSON writer with qemu-img's layout (4-space indent, one member per
 * line).  Keys in the order they are written. */
typedef struct ImgJson {
    FILE *f;
    int depth;
    bool first; /* no member written yet at this depth */
} ImgJson;
void json_init(ImgJson *j, FILE *f);
void json_begin_object(ImgJson *j, const char *key);
void json_end_object(ImgJson *j);
void json_begin_array(ImgJson *j, const char *key);
void json_end_array(ImgJson *j);
void json_str(ImgJson *j, const char *key, const char *v);
void json_int(ImgJson *j, const char *key, int64_t v);
void json_bool(ImgJson *j, const char *key, bool v);
/* After the outermost value: the newline qemu-img ends with. */
void json_finish(ImgJson *j);

#endif
