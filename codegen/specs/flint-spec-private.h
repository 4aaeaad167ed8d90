/* flint-spec-private.h: what the spec emitters share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-export.h"

G_BEGIN_DECLS

/* One pipeline of an export: its settings, its code and, in a project, its place. */
typedef struct
{
  FlintJobSettings *settings;
  char             *source_name;    /* the pipeline file's base name */
  char             *code_filename;  /* customer_join.py */
  char             *code_text;
  char             *task_key;       /* the pipeline's id in a project */
  GPtrArray        *after;          /* FlintSpecJob*, in this project, that must finish first */
  GPtrArray        *waits_for;      /* "table:NAME" or "file:URL" that must be ready */
} FlintSpecJob;

typedef struct
{
  char      *name;          /* the project's name, or the pipeline's */
  char      *source_name;   /* the project file's base name, or the pipeline file's */
  GPtrArray *jobs;          /* FlintSpecJob, dependencies first */
  gboolean   is_project;
} FlintSpecSet;

void  flint_export_add     (GPtrArray   *files,
                            const char  *path,
                            char        *content,
                            gboolean     executable);
char *flint_export_header  (const char  *comment,
                            FlintSpecSet *set,
                            FlintSpecJob *job);

gboolean flint_spec_kubernetes (FlintSpecSet  *set,
                                GPtrArray     *files,
                                GError       **error);
gboolean flint_spec_databricks (FlintSpecSet  *set,
                                GPtrArray     *files,
                                GError       **error);
gboolean flint_spec_submit     (FlintSpecSet  *set,
                                GPtrArray     *files,
                                GError       **error);

G_END_DECLS
