/*
 * emu-img's entry point: picks the subcommand and runs it.
 *
 * Exit statuses as qemu-img's: 0 success, 1 bad usage or failure, and the
 * subcommands' own (check: 2 corrupt, 3 leaks, 63 not supported; compare:
 * 1 different, 2 error).
 */
#include "emu-img.h"

static const ImgCommand *const commands[] = {
    &img_create_cmd, &img_info_cmd,   &img_check_cmd,    &img_convert_cmd,
    &img_resize_cmd, &img_commit_cmd, &img_snapshot_cmd, &img_compare_cmd,
};

static void print_usage(FILE *f)
{
    fprintf(f, "emu-img version " EMU_VERSION
               ": create, inspect, check and convert disk images\n"
               "usage: emu-img COMMAND [options] filename...\n\n"
               "Commands:\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        fprintf(f, "  %s\n", commands[i]->synopsis);
    }
    fprintf(f,
            "\nFormats: %s.  Sizes take the suffixes k, M, G, T, P, E "
            "(powers of 1024).\n"
            "'emu-img COMMAND --help' describes a command's options; "
            "docs/emu-img.md has examples.\n",
            bdrv_format_list());
}

int main(int argc, char **argv)
{
    error_set_progname(argv[0]);
    if (argc < 2) {
        error_report("Not enough arguments (try 'emu-img --help')");
        return 1;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") ||
        !strcmp(name, "help")) {
        print_usage(stdout);
        return 0;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
        printf("emu-img version " EMU_VERSION "\n");
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (!strcmp(name, commands[i]->name)) {
            return commands[i]->run(commands[i], argc - 1, argv + 1);
        }
    }
    error_report("Command not found: %s (try 'emu-img --help')", name);
    return 1;
}
