/* flint-data-type.h: Spark SQL data types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  FLINT_TYPE_KIND_NULL,
  FLINT_TYPE_KIND_BOOLEAN,
  FLINT_TYPE_KIND_BYTE,
  FLINT_TYPE_KIND_SHORT,
  FLINT_TYPE_KIND_INT,
  FLINT_TYPE_KIND_LONG,
  FLINT_TYPE_KIND_FLOAT,
  FLINT_TYPE_KIND_DOUBLE,
  FLINT_TYPE_KIND_DECIMAL,
  FLINT_TYPE_KIND_STRING,
  FLINT_TYPE_KIND_BINARY,
  FLINT_TYPE_KIND_DATE,
  FLINT_TYPE_KIND_TIMESTAMP,
  FLINT_TYPE_KIND_TIMESTAMP_NTZ,
  FLINT_TYPE_KIND_ARRAY,
  FLINT_TYPE_KIND_MAP,
  FLINT_TYPE_KIND_STRUCT,
} FlintTypeKind;

typedef struct _FlintDataType FlintDataType;
typedef struct _FlintSchema   FlintSchema;

#define FLINT_TYPE_DATA_TYPE (flint_data_type_get_type ())

GType          flint_data_type_get_type        (void) G_GNUC_CONST;
FlintDataType *flint_data_type_new             (FlintTypeKind        kind);
FlintDataType *flint_data_type_new_decimal     (guint                precision,
                                                guint                scale);
FlintDataType *flint_data_type_new_array       (FlintDataType       *element);
FlintDataType *flint_data_type_new_map         (FlintDataType       *key,
                                                FlintDataType       *value);
/* Takes a reference to @fields. */
FlintDataType *flint_data_type_new_struct      (FlintSchema         *fields);
FlintDataType *flint_data_type_ref             (FlintDataType       *self);
void           flint_data_type_unref           (FlintDataType       *self);

/* Parses Spark's DDL type names: int, integer, bigint, long, decimal(10,2),
 * array<string>, map<string,int>, struct<a:int,b:string>, with any case. */
FlintDataType *flint_data_type_parse           (const char          *text,
                                                GError             **error);
/* The canonical name the file format writes: long, int, decimal(10,2), ... */
char          *flint_data_type_to_string       (const FlintDataType *self);

FlintTypeKind  flint_data_type_get_kind        (const FlintDataType *self);
guint          flint_data_type_get_precision   (const FlintDataType *self);
guint          flint_data_type_get_scale       (const FlintDataType *self);
FlintDataType *flint_data_type_get_element     (const FlintDataType *self);
FlintDataType *flint_data_type_get_key         (const FlintDataType *self);
FlintDataType *flint_data_type_get_value       (const FlintDataType *self);
FlintSchema   *flint_data_type_get_fields      (const FlintDataType *self);

gboolean       flint_data_type_equal           (const FlintDataType *a,
                                                const FlintDataType *b);
gboolean       flint_data_type_is_numeric      (const FlintDataType *self);
gboolean       flint_data_type_is_integral     (const FlintDataType *self);
gboolean       flint_data_type_is_atomic       (const FlintDataType *self);
/* Whether Spark compares or joins values of @a and @b without a cast error
 * (numbers with numbers, strings with dates and timestamps, equal complex types). */
gboolean       flint_data_type_is_comparable   (const FlintDataType *a,
                                                const FlintDataType *b);
/* The wider type both widen to under Spark's rules, or NULL when there is none. */
FlintDataType *flint_data_type_common          (const FlintDataType *a,
                                                const FlintDataType *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintDataType, flint_data_type_unref)

G_END_DECLS
