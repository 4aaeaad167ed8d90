/* flint-schema.c: ordered, typed columns
 *
 * A reference-counted list of columns. Names resolve case-insensitively, as
 * Spark resolves them by default; large schemas get a lazily built hash index
 * so that lookups stay O(1) when the validator walks big pipelines.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include <string.h>

#include "flint-schema.h"
#include "flint-suggest-private.h"

/* Below this many columns a linear scan beats hashing: a scan rejects most names on
 * their first byte, while a lookup in the index folds and hashes the name, and the index
 * of a schema made during validation is built for a handful of lookups. */
#define INDEX_THRESHOLD 48

struct _FlintSchema
{
  GPtrArray  *columns;  /* FlintColumn* */
  GHashTable *index;    /* (atomic) lowercase name -> position + 1 of its first column */
};

G_DEFINE_BOXED_TYPE (FlintSchema, flint_schema, flint_schema_ref, flint_schema_unref)

/* g_ascii_tolower(), inlined: it runs for every column name compared. */
static inline char
fold_ascii (char c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static void
column_free (gpointer data)
{
  FlintColumn *column = data;

  /* The name lives in the same block (column_new). */
  g_clear_pointer (&column->type, flint_data_type_unref);
  g_free (column);
}

static FlintColumn *
column_new (const char    *name,
            FlintDataType *type,
            gboolean       nullable)
{
  gsize length = strlen (name);
  FlintColumn *column = g_malloc (sizeof (FlintColumn) + length + 1);

  /* One block for the column and its name: half the allocations, and the name a
   * lookup compares sits next to the column. */
  column->name = memcpy ((char *) (column + 1), name, length + 1);
  column->type = type ? flint_data_type_ref (type) : NULL;
  column->nullable = !!nullable;
  return column;
}

static void
invalidate_index (FlintSchema *self)
{
  GHashTable *index = g_atomic_pointer_exchange (&self->index, NULL);

  g_clear_pointer (&index, g_hash_table_unref);
}

static void
flint_schema_clear (gpointer data)
{
  FlintSchema *self = data;

  invalidate_index (self);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
}

FlintSchema *
flint_schema_new (void)
{
  FlintSchema *self = g_atomic_rc_box_new0 (FlintSchema);

  self->columns = g_ptr_array_new_with_free_func (column_free);
  return self;
}

FlintSchema *
flint_schema_ref (FlintSchema *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
flint_schema_unref (FlintSchema *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, flint_schema_clear);
}

/**
 * flint_schema_copy:
 *
 * Returns: (transfer full): a new schema with the same columns
 */
FlintSchema *
flint_schema_copy (const FlintSchema *self)
{
  FlintSchema *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = flint_schema_new ();
  for (guint i = 0; i < self->columns->len; i++)
    {
      const FlintColumn *column = g_ptr_array_index (self->columns, i);

      g_ptr_array_add (copy->columns, column_new (column->name, column->type, column->nullable));
    }
  return copy;
}

static GHashTable *
build_index (const FlintSchema *self)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < self->columns->len; i++)
    {
      const FlintColumn *column = g_ptr_array_index (self->columns, i);
      char *key = g_ascii_strdown (column->name, -1);

      /* The first column of a name wins, as in a linear scan. */
      if (g_hash_table_contains (index, key))
        g_free (key);
      else
        g_hash_table_insert (index, key, GUINT_TO_POINTER (i + 1));
    }

  return index;
}

/* Returns the position of the first column called @name, or -1. */
static int
find_position (const FlintSchema *self,
               const char        *name)
{
  GHashTable *index;

  if (self->columns->len < INDEX_THRESHOLD)
    {
      char first = fold_ascii (name[0]);

      for (guint i = 0; i < self->columns->len; i++)
        {
          const FlintColumn *column = g_ptr_array_index (self->columns, i);

          if (fold_ascii (column->name[0]) == first && g_ascii_strcasecmp (column->name, name) == 0)
            return (int) i;
        }
      return -1;
    }

  index = g_atomic_pointer_get (&((FlintSchema *) self)->index);
  if (index == NULL)
    {
      /* Readers may share a schema across threads: publish the index atomically. */
      GHashTable *fresh = build_index (self);

      if (g_atomic_pointer_compare_and_exchange (&((FlintSchema *) self)->index, NULL, fresh))
        index = fresh;
      else
        {
          g_hash_table_unref (fresh);
          index = g_atomic_pointer_get (&((FlintSchema *) self)->index);
        }
    }

  {
    g_autofree char *key = g_ascii_strdown (name, -1);

    return (int) GPOINTER_TO_UINT (g_hash_table_lookup (index, key)) - 1;
  }
}

static void
index_appended (FlintSchema *self,
                guint        position)
{
  GHashTable *index = g_atomic_pointer_get (&self->index);
  const FlintColumn *column;
  char *key;

  if (index == NULL)
    return;

  column = g_ptr_array_index (self->columns, position);
  key = g_ascii_strdown (column->name, -1);
  if (g_hash_table_contains (index, key))
    g_free (key);
  else
    g_hash_table_insert (index, key, GUINT_TO_POINTER (position + 1));
}

void
flint_schema_set_column (FlintSchema   *self,
                         const char    *name,
                         FlintDataType *type,
                         gboolean       nullable)
{
  int position;

  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  position = find_position (self, name);
  if (position >= 0)
    {
      FlintColumn *old = g_ptr_array_index (self->columns, position);

      /* Same name up to case: the key in the index does not change. */
      g_ptr_array_index (self->columns, position) = column_new (name, type, nullable);
      column_free (old);
      return;
    }

  flint_schema_append (self, name, type, nullable);
}

void
flint_schema_append (FlintSchema   *self,
                     const char    *name,
                     FlintDataType *type,
                     gboolean       nullable)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL);

  g_ptr_array_add (self->columns, column_new (name, type, nullable));
  index_appended (self, self->columns->len - 1);
}

gboolean
flint_schema_remove (FlintSchema *self,
                     const char  *name)
{
  int position;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  position = find_position (self, name);
  if (position < 0)
    return FALSE;

  invalidate_index (self);
  g_ptr_array_remove_index (self->columns, position);
  return TRUE;
}

guint
flint_schema_get_n_columns (const FlintSchema *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->columns->len;
}

/* Returns: (transfer none): the column at @position */
const FlintColumn *
flint_schema_get_column (const FlintSchema *self,
                         guint              position)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (position < self->columns->len, NULL);

  return g_ptr_array_index (self->columns, position);
}

/* Returns: (transfer none) (nullable): the first column called @name, ignoring case */
const FlintColumn *
flint_schema_lookup (const FlintSchema *self,
                     const char        *name)
{
  int position;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  position = find_position (self, name);
  return position >= 0 ? g_ptr_array_index (self->columns, position) : NULL;
}


typedef struct
{
  guint distance;
  guint position;
} Suggestion;

static int
compare_suggestions (gconstpointer a,
                     gconstpointer b)
{
  const Suggestion *sa = a;
  const Suggestion *sb = b;

  if (sa->distance != sb->distance)
    return sa->distance < sb->distance ? -1 : 1;
  return sa->position < sb->position ? -1 : (sa->position > sb->position);
}

/**
 * flint_schema_suggest:
 * @max_suggestions: at most this many names; 0 for no limit
 *
 * The columns within max(2, length / 3) edits of @name (ignoring case),
 * closest first, schema order breaking ties.
 *
 * Returns: (transfer full) (nullable): a %NULL-terminated array, or %NULL when nothing is close
 */
char **
flint_schema_suggest (const FlintSchema *self,
                      const char        *name,
                      guint              max_suggestions)
{
  g_autoptr(GArray) found = NULL;
  g_autoptr(GHashTable) seen = NULL;
  GPtrArray *names;
  guint limit;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  limit = MAX (2, (guint) strlen (name) / 3);
  found = g_array_new (FALSE, FALSE, sizeof (Suggestion));
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < self->columns->len; i++)
    {
      const FlintColumn *column = g_ptr_array_index (self->columns, i);
      Suggestion s = { flint_edit_distance (name, column->name, limit), i };
      char *key;

      if (s.distance > limit)
        continue;
      key = g_ascii_strdown (column->name, -1);
      if (!g_hash_table_add (seen, key))
        continue;
      g_array_append_val (found, s);
    }

  if (found->len == 0)
    return NULL;

  g_array_sort (found, compare_suggestions);

  names = g_ptr_array_new ();
  for (guint i = 0; i < found->len; i++)
    {
      const Suggestion *s = &g_array_index (found, Suggestion, i);
      const FlintColumn *column = g_ptr_array_index (self->columns, s->position);

      if (max_suggestions > 0 && names->len >= max_suggestions)
        break;
      g_ptr_array_add (names, g_strdup (column->name));
    }
  g_ptr_array_add (names, NULL);

  return (char **) g_ptr_array_free (names, FALSE);
}

/* Same names (exactly), types and nullability, in the same order. */
gboolean
flint_schema_equal (const FlintSchema *a,
                    const FlintSchema *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (a == b)
    return TRUE;
  if (a->columns->len != b->columns->len)
    return FALSE;

  for (guint i = 0; i < a->columns->len; i++)
    {
      const FlintColumn *ca = g_ptr_array_index (a->columns, i);
      const FlintColumn *cb = g_ptr_array_index (b->columns, i);

      if (strcmp (ca->name, cb->name) != 0 || !ca->nullable != !cb->nullable)
        return FALSE;
      if ((ca->type == NULL) != (cb->type == NULL))
        return FALSE;
      if (ca->type != NULL && !flint_data_type_equal (ca->type, cb->type))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_plain_identifier (const char *name)
{
  if (!(g_ascii_isalpha (*name) || *name == '_'))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

/**
 * flint_schema_to_string:
 *
 * Returns: (transfer full): "a int, b string", with "?" for unknown types and
 *   backticks around names that are not plain identifiers
 */
char *
flint_schema_to_string (const FlintSchema *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < self->columns->len; i++)
    {
      const FlintColumn *column = g_ptr_array_index (self->columns, i);

      if (i > 0)
        g_string_append (out, ", ");

      if (is_plain_identifier (column->name))
        g_string_append (out, column->name);
      else
        {
          g_string_append_c (out, '`');
          for (const char *p = column->name; *p; p++)
            {
              if (*p == '`')
                g_string_append_c (out, '`');
              g_string_append_c (out, *p);
            }
          g_string_append_c (out, '`');
        }

      g_string_append_c (out, ' ');
      if (column->type != NULL)
        {
          g_autofree char *type = flint_data_type_to_string (column->type);

          g_string_append (out, type);
        }
      else
        g_string_append_c (out, '?');
    }

  return g_string_free (out, FALSE);
}
