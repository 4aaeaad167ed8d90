/* flint-paths.h: where Flint keeps its files (XDG base directories)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  FLINT_PATH_STATE,  /* $XDG_STATE_HOME/flint: autosaved documents */
  FLINT_PATH_DATA,   /* $XDG_DATA_HOME/flint: the run store */
  FLINT_PATH_CACHE,  /* $XDG_CACHE_HOME/flint: what can be rebuilt at any time */
} FlintPathKind;

/* The directory, whether or not it exists yet. New string. */
char     *flint_paths_dup_dir     (FlintPathKind   kind);
/* A path below the directory: flint_paths_build (FLINT_PATH_DATA, "runs.sqlite", NULL).
 * Does not create anything. */
char     *flint_paths_build       (FlintPathKind   kind,
                                   const char     *first_element,
                                   ...) G_GNUC_NULL_TERMINATED;
/* Creates the directory (and @subdir below it, when not NULL) with mode 0700 where
 * missing, and returns its path; NULL with @error set when it cannot. Other users'
 * access to a directory that already exists is not widened. */
char     *flint_paths_ensure_dir  (FlintPathKind   kind,
                                   const char     *subdir,
                                   GError        **error);

G_END_DECLS
