/* main.c — the `tanhui` command: global options, then one subcommand. */
#include "cli/cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TH_VERSION
#define TH_VERSION "0.1.0"
#endif

const th_command *th_command_find(const char *name)
{
    for (const th_command *c = th_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int th_cli_fail(const th_err *e)
{
    char msg[1200];
    th_err_format(e, msg, sizeof msg);
    fprintf(stderr, "tanhui: %s\n", msg);
    return th_err_exit_status(e);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: tanhui [--db PATH] COMMAND [OPTIONS]\n\n"
               "tanhui (碳汇) measures forest carbon, registers it as credits, trades and retires\n"
               "them, and proves every step in a public log.\n\ncommands:\n");
    for (const th_command *c = th_commands; c->name; c++)
        fprintf(f, "  %-15s %s\n", c->name, c->summary);
    fprintf(f, "\nglobal options (before or after the command):\n"
               "  --db PATH       the registry database (default $TANHUI_DB, else ./tanhui.db)\n"
               "  --help, -h      this help; `tanhui help COMMAND` for one command\n"
               "  --version       the version\n"
               "\nEvery command takes --json to print exactly one JSON object on stdout.\n"
               "Exit status: 0 success, 2 bad usage or bad input, 1 any other failure.\n"
               "See tanhui(1) for more.\n");
}

int main(int argc, char **argv)
{
    th_global g = {0};
    g.db = getenv("TANHUI_DB");
    if (!g.db || !*g.db)
        g.db = "tanhui.db";
    /* take the global options out of argv, wherever they are */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest)
        return 1;
    int nrest = 0;
    bool help = false, after_dashes = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (after_dashes) {
            rest[nrest++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) {
            after_dashes = true;
            rest[nrest++] = argv[i];
        } else if (strcmp(a, "--db") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tanhui: option --db needs a value\n");
                free(rest);
                return 2;
            }
            g.db = argv[++i];
        } else if (strncmp(a, "--db=", 5) == 0) {
            g.db = a + 5;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help = true;
        } else if (strcmp(a, "--version") == 0 && nrest == 0) {
            printf("tanhui %s\n", TH_VERSION);
            free(rest);
            return 0;
        } else {
            rest[nrest++] = argv[i];
        }
    }
    int status;
    if (nrest == 0) {
        usage(help ? stdout : stderr);
        status = help ? 0 : 2;
    } else {
        const th_command *c = th_command_find(rest[0]);
        if (!c) {
            fprintf(stderr, "tanhui: unknown command '%s' (see tanhui --help)\n", rest[0]);
            status = 2;
        } else if (help) {
            fputs(c->help, stdout);
            status = 0;
        } else {
            status = c->run(&g, nrest - 1, rest + 1);
        }
    }
    free(rest);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "tanhui: cannot write the output\n");
        return status ? status : 1;
    }
    return status;
}
