/* flint-cli.h: what the commands of flint-cli share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-model.h"

G_BEGIN_DECLS

/* Exit codes, as README documents them. */
enum {
  EXIT_CLEAN = 0,
  EXIT_PROBLEMS = 1,   /* the pipeline has errors, or the check failed */
  EXIT_UNREADABLE = 2, /* a file could not be read or parsed, or the usage was wrong */
  EXIT_INTERRUPTED = 130, /* stopped by Ctrl+C (128 + SIGINT, as shells report it) */
};

/* An ANSI escape when colour is on (a terminal, no NO_COLOR), else "". */
const char     *flint_cli_color            (const char    *code);
const char     *flint_cli_severity_color   (FlintSeverity  severity);
void            flint_cli_print_json       (JsonNode      *root);
GOptionContext *flint_cli_option_context   (const char    *parameter,
                                            const char    *summary);
/* Splits "12:5: message" into its place and the message (returned, borrowed). */
const char     *flint_cli_split_place      (const char    *message,
                                            guint         *line,
                                            guint         *column);

/* The commands that live in files of their own. */
int             flint_cli_generate         (int            argc,
                                            char         **argv);
/* flint-cli-run.c */
int             flint_cli_submit           (int            argc,
                                            char         **argv);
int             flint_cli_status           (int            argc,
                                            char         **argv);
int             flint_cli_cancel           (int            argc,
                                            char         **argv);
int             flint_cli_logs             (int            argc,
                                            char         **argv);

/* flint-cli-check.c */
int             flint_cli_check            (int            argc,
                                            char         **argv);

int             flint_cli_export           (int            argc,
                                            char         **argv);
/* flint-cli-preview.c */
int             flint_cli_preview          (int            argc,
                                            char         **argv);

G_END_DECLS
