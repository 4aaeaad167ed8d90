/* flint-schema.h: ordered, typed columns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-data-type.h"

G_BEGIN_DECLS

typedef struct
{
  char          *name;
  FlintDataType *type;      /* NULL: the type is not known for certain */
  gboolean       nullable;
} FlintColumn;

#define FLINT_TYPE_SCHEMA (flint_schema_get_type ())

GType              flint_schema_get_type      (void) G_GNUC_CONST;
FlintSchema       *flint_schema_new           (void);
FlintSchema       *flint_schema_ref           (FlintSchema       *self);
void               flint_schema_unref         (FlintSchema       *self);
FlintSchema       *flint_schema_copy          (const FlintSchema *self);

/* @type may be NULL (unknown). Replaces a column of the same name in place,
 * as withColumn does, and appends otherwise. */
void               flint_schema_set_column    (FlintSchema       *self,
                                               const char        *name,
                                               FlintDataType     *type,
                                               gboolean           nullable);
/* Appends even when the name exists: for rules that must report duplicates. */
void               flint_schema_append        (FlintSchema       *self,
                                               const char        *name,
                                               FlintDataType     *type,
                                               gboolean           nullable);
gboolean           flint_schema_remove        (FlintSchema       *self,
                                               const char        *name);
guint              flint_schema_get_n_columns (const FlintSchema *self);
const FlintColumn *flint_schema_get_column    (const FlintSchema *self,
                                               guint              position);
/* Case-insensitive, as Spark resolves names by default. */
const FlintColumn *flint_schema_lookup        (const FlintSchema *self,
                                               const char        *name);
/* Names of the columns closest to @name in edit distance, best first, or NULL. */
char             **flint_schema_suggest       (const FlintSchema *self,
                                               const char        *name,
                                               guint              max_suggestions);
gboolean           flint_schema_equal         (const FlintSchema *a,
                                               const FlintSchema *b);
/* "name type, name type" for messages and tests. */
char              *flint_schema_to_string     (const FlintSchema *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintSchema, flint_schema_unref)

G_END_DECLS
