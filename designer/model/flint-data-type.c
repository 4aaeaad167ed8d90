/* flint-data-type.c: Spark SQL data types
 *
 * An immutable, reference-counted description of a Spark SQL type, with a
 * parser for Spark's DDL type names and Spark's comparison and widening rules.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "flint-data-type.h"
#include "flint-error.h"
#include "flint-schema.h"

#define MAX_DECIMAL_PRECISION 38
#define MAX_PARSE_DEPTH       64

struct _FlintDataType
{
  FlintTypeKind  kind;
  guint          precision;
  guint          scale;
  FlintDataType *element;   /* array element, or map key */
  FlintDataType *value;     /* map value */
  FlintSchema   *fields;    /* struct fields */
};

typedef struct
{
  const char *text;
  const char *p;
  guint       depth;
} TypeParser;

static FlintDataType *parse_type (TypeParser  *parser,
                                  GError     **error);

G_DEFINE_BOXED_TYPE (FlintDataType, flint_data_type, flint_data_type_ref, flint_data_type_unref)

static void
flint_data_type_clear (gpointer data)
{
  FlintDataType *self = data;

  g_clear_pointer (&self->element, flint_data_type_unref);
  g_clear_pointer (&self->value, flint_data_type_unref);
  g_clear_pointer (&self->fields, flint_schema_unref);
}

static FlintDataType *
data_type_alloc (FlintTypeKind kind)
{
  FlintDataType *self = g_atomic_rc_box_new0 (FlintDataType);

  self->kind = kind;
  return self;
}

/* Types without parameters are shared: they are immutable. */
static FlintDataType *
simple_type (FlintTypeKind kind)
{
  static FlintDataType *cache[FLINT_TYPE_KIND_STRUCT + 1];
  FlintDataType *type = g_atomic_pointer_get (&cache[kind]);

  if (type == NULL)
    {
      FlintDataType *fresh = data_type_alloc (kind);

      if (g_atomic_pointer_compare_and_exchange (&cache[kind], NULL, fresh))
        type = fresh;
      else
        {
          flint_data_type_unref (fresh);
          type = g_atomic_pointer_get (&cache[kind]);
        }
    }

  return flint_data_type_ref (type);
}

/**
 * flint_data_type_new:
 * @kind: an atomic kind (not decimal, array, map or struct)
 *
 * Returns: (transfer full): the type
 */
FlintDataType *
flint_data_type_new (FlintTypeKind kind)
{
  g_return_val_if_fail (kind <= FLINT_TYPE_KIND_STRUCT, NULL);

  switch (kind)
    {
    case FLINT_TYPE_KIND_DECIMAL:
      return flint_data_type_new_decimal (10, 0);
    case FLINT_TYPE_KIND_ARRAY:
    case FLINT_TYPE_KIND_MAP:
    case FLINT_TYPE_KIND_STRUCT:
      g_return_val_if_reached (NULL);
    case FLINT_TYPE_KIND_NULL:
    case FLINT_TYPE_KIND_BOOLEAN:
    case FLINT_TYPE_KIND_BYTE:
    case FLINT_TYPE_KIND_SHORT:
    case FLINT_TYPE_KIND_INT:
    case FLINT_TYPE_KIND_LONG:
    case FLINT_TYPE_KIND_FLOAT:
    case FLINT_TYPE_KIND_DOUBLE:
    case FLINT_TYPE_KIND_STRING:
    case FLINT_TYPE_KIND_BINARY:
    case FLINT_TYPE_KIND_DATE:
    case FLINT_TYPE_KIND_TIMESTAMP:
    case FLINT_TYPE_KIND_TIMESTAMP_NTZ:
    default:
      return simple_type (kind);
    }
}

FlintDataType *
flint_data_type_new_decimal (guint precision,
                             guint scale)
{
  FlintDataType *self;

  g_return_val_if_fail (precision >= 1 && precision <= MAX_DECIMAL_PRECISION, NULL);
  g_return_val_if_fail (scale <= precision, NULL);

  self = data_type_alloc (FLINT_TYPE_KIND_DECIMAL);
  self->precision = precision;
  self->scale = scale;
  return self;
}

FlintDataType *
flint_data_type_new_array (FlintDataType *element)
{
  FlintDataType *self;

  g_return_val_if_fail (element != NULL, NULL);

  self = data_type_alloc (FLINT_TYPE_KIND_ARRAY);
  self->element = flint_data_type_ref (element);
  return self;
}

FlintDataType *
flint_data_type_new_map (FlintDataType *key,
                         FlintDataType *value)
{
  FlintDataType *self;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);

  self = data_type_alloc (FLINT_TYPE_KIND_MAP);
  self->element = flint_data_type_ref (key);
  self->value = flint_data_type_ref (value);
  return self;
}

FlintDataType *
flint_data_type_new_struct (FlintSchema *fields)
{
  FlintDataType *self;

  g_return_val_if_fail (fields != NULL, NULL);

  self = data_type_alloc (FLINT_TYPE_KIND_STRUCT);
  self->fields = flint_schema_ref (fields);
  return self;
}

FlintDataType *
flint_data_type_ref (FlintDataType *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
flint_data_type_unref (FlintDataType *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, flint_data_type_clear);
}

FlintTypeKind
flint_data_type_get_kind (const FlintDataType *self)
{
  g_return_val_if_fail (self != NULL, FLINT_TYPE_KIND_NULL);

  return self->kind;
}

guint
flint_data_type_get_precision (const FlintDataType *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->precision;
}

guint
flint_data_type_get_scale (const FlintDataType *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->scale;
}

/* Returns: (transfer none) (nullable): the element of an array */
FlintDataType *
flint_data_type_get_element (const FlintDataType *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->kind == FLINT_TYPE_KIND_ARRAY ? self->element : NULL;
}

/* Returns: (transfer none) (nullable): the key type of a map */
FlintDataType *
flint_data_type_get_key (const FlintDataType *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->kind == FLINT_TYPE_KIND_MAP ? self->element : NULL;
}

/* Returns: (transfer none) (nullable): the value type of a map */
FlintDataType *
flint_data_type_get_value (const FlintDataType *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->value;
}

/* Returns: (transfer none) (nullable): the fields of a struct */
FlintSchema *
flint_data_type_get_fields (const FlintDataType *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->fields;
}

/* Parsing */

static void
skip_space (TypeParser *parser)
{
  while (g_ascii_isspace (*parser->p))
    parser->p++;
}

static gboolean
is_ident_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static guint
offset_of (TypeParser *parser,
           const char *where)
{
  return (guint) (where - parser->text);
}

static void
set_unexpected (TypeParser  *parser,
                const char  *where,
                GError     **error)
{
  if (*where == '\0')
    g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID,
                 _("Type “%s” ends too early at byte %u"),
                 parser->text, offset_of (parser, where));
  else
    {
      g_autofree char *rest = g_strndup (where, MIN (strlen (where), 24));

      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID,
                   _("Unexpected “%s” in type “%s” at byte %u"),
                   rest, parser->text, offset_of (parser, where));
    }
}

static gboolean
expect_char (TypeParser  *parser,
             char         c,
             GError     **error)
{
  skip_space (parser);
  if (*parser->p != c)
    {
      set_unexpected (parser, parser->p, error);
      return FALSE;
    }
  parser->p++;
  return TRUE;
}

/* Returns: (transfer full): the word at the cursor, or NULL */
static char *
read_word (TypeParser *parser)
{
  const char *start;

  skip_space (parser);
  start = parser->p;
  while (is_ident_char (*parser->p))
    parser->p++;
  if (parser->p == start)
    return NULL;
  return g_strndup (start, parser->p - start);
}

static gboolean
read_uint (TypeParser  *parser,
           guint       *out,
           GError     **error)
{
  const char *start;
  guint64 value = 0;

  skip_space (parser);
  start = parser->p;
  while (g_ascii_isdigit (*parser->p))
    {
      value = value * 10 + (guint) (*parser->p - '0');
      if (value > G_MAXUINT16)
        value = G_MAXUINT16 + 1;
      parser->p++;
    }
  if (parser->p == start)
    {
      set_unexpected (parser, start, error);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

/* A struct field name: a plain word or a backtick-quoted name. */
static char *
read_field_name (TypeParser  *parser,
                 GError     **error)
{
  skip_space (parser);

  if (*parser->p == '`')
    {
      const char *start = parser->p;
      GString *name = g_string_new (NULL);

      parser->p++;
      for (;;)
        {
          if (*parser->p == '\0')
            {
              g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID,
                           _("Unterminated quoted name in type “%s” at byte %u"),
                           parser->text, offset_of (parser, start));
              g_string_free (name, TRUE);
              return NULL;
            }
          if (*parser->p == '`')
            {
              if (parser->p[1] == '`')
                {
                  g_string_append_c (name, '`');
                  parser->p += 2;
                  continue;
                }
              parser->p++;
              break;
            }
          g_string_append_c (name, *parser->p);
          parser->p++;
        }
      return g_string_free (name, FALSE);
    }
  else
    {
      char *word = read_word (parser);

      if (word == NULL)
        set_unexpected (parser, parser->p, error);
      return word;
    }
}

static gboolean
word_is (const char *word,
         const char *keyword)
{
  return g_ascii_strcasecmp (word, keyword) == 0;
}

/* After a field's type: NOT NULL and COMMENT 'text', as Spark's DDL allows. */
static gboolean
parse_field_options (TypeParser  *parser,
                     gboolean    *nullable,
                     GError     **error)
{
  for (;;)
    {
      const char *save;
      g_autofree char *word = NULL;

      skip_space (parser);
      save = parser->p;
      word = read_word (parser);

      if (word == NULL)
        {
          parser->p = save;
          return TRUE;
        }

      if (word_is (word, "not"))
        {
          g_autofree char *null_word = NULL;
          const char *after;

          skip_space (parser);
          after = parser->p;
          null_word = read_word (parser);
          if (null_word == NULL || !word_is (null_word, "null"))
            {
              set_unexpected (parser, after, error);
              return FALSE;
            }
          *nullable = FALSE;
        }
      else if (word_is (word, "comment"))
        {
          char quote;

          skip_space (parser);
          quote = *parser->p;
          if (quote != '\'' && quote != '"')
            {
              set_unexpected (parser, parser->p, error);
              return FALSE;
            }
          parser->p++;
          while (*parser->p != quote)
            {
              if (*parser->p == '\0')
                {
                  set_unexpected (parser, parser->p, error);
                  return FALSE;
                }
              if (*parser->p == '\\' && parser->p[1] != '\0')
                parser->p++;
              parser->p++;
            }
          parser->p++;
        }
      else
        {
          set_unexpected (parser, save, error);
          return FALSE;
        }
    }
}

static FlintDataType *
parse_struct_body (TypeParser  *parser,
                   GError     **error)
{
  g_autoptr(FlintSchema) fields = flint_schema_new ();

  if (!expect_char (parser, '<', error))
    return NULL;

  skip_space (parser);
  if (*parser->p == '>')
    {
      parser->p++;
      return flint_data_type_new_struct (fields);
    }

  for (;;)
    {
      g_autofree char *name = NULL;
      g_autoptr(FlintDataType) field_type = NULL;
      gboolean nullable = TRUE;

      if (!(name = read_field_name (parser, error)))
        return NULL;

      skip_space (parser);
      if (*parser->p == ':')
        parser->p++;

      if (!(field_type = parse_type (parser, error)))
        return NULL;
      if (!parse_field_options (parser, &nullable, error))
        return NULL;

      flint_schema_append (fields, name, field_type, nullable);

      skip_space (parser);
      if (*parser->p == ',')
        {
          parser->p++;
          continue;
        }
      if (!expect_char (parser, '>', error))
        return NULL;
      break;
    }

  return flint_data_type_new_struct (fields);
}

static FlintDataType *
parse_decimal_args (TypeParser    *parser,
                    GError       **error)
{
  guint precision = 10;
  guint scale = 0;
  const char *start;

  skip_space (parser);
  start = parser->p;
  if (*parser->p == '(')
    {
      parser->p++;
      if (!read_uint (parser, &precision, error))
        return NULL;
      skip_space (parser);
      if (*parser->p == ',')
        {
          parser->p++;
          if (!read_uint (parser, &scale, error))
            return NULL;
        }
      if (!expect_char (parser, ')', error))
        return NULL;

      if (precision < 1 || precision > MAX_DECIMAL_PRECISION)
        {
          g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID,
                       _("Decimal precision %u in type “%s” at byte %u is not between 1 and 38"),
                       precision, parser->text, offset_of (parser, start));
          return NULL;
        }
      if (scale > precision)
        {
          g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID,
                       _("Decimal scale %u in type “%s” at byte %u is larger than the precision %u"),
                       scale, parser->text, offset_of (parser, start), precision);
          return NULL;
        }
    }

  return flint_data_type_new_decimal (precision, scale);
}

static const struct
{
  const char    *name;
  FlintTypeKind  kind;
} simple_names[] = {
  { "boolean", FLINT_TYPE_KIND_BOOLEAN },
  { "bool", FLINT_TYPE_KIND_BOOLEAN },
  { "tinyint", FLINT_TYPE_KIND_BYTE },
  { "byte", FLINT_TYPE_KIND_BYTE },
  { "smallint", FLINT_TYPE_KIND_SHORT },
  { "short", FLINT_TYPE_KIND_SHORT },
  { "int", FLINT_TYPE_KIND_INT },
  { "integer", FLINT_TYPE_KIND_INT },
  { "bigint", FLINT_TYPE_KIND_LONG },
  { "long", FLINT_TYPE_KIND_LONG },
  { "float", FLINT_TYPE_KIND_FLOAT },
  { "real", FLINT_TYPE_KIND_FLOAT },
  { "double", FLINT_TYPE_KIND_DOUBLE },
  { "string", FLINT_TYPE_KIND_STRING },
  { "binary", FLINT_TYPE_KIND_BINARY },
  { "date", FLINT_TYPE_KIND_DATE },
  { "timestamp", FLINT_TYPE_KIND_TIMESTAMP },
  { "timestamp_ltz", FLINT_TYPE_KIND_TIMESTAMP },
  { "timestamp_ntz", FLINT_TYPE_KIND_TIMESTAMP_NTZ },
  { "void", FLINT_TYPE_KIND_NULL },
  { "null", FLINT_TYPE_KIND_NULL },
};

static FlintDataType *
parse_type (TypeParser  *parser,
            GError     **error)
{
  g_autofree char *word = NULL;
  const char *start;

  skip_space (parser);
  start = parser->p;

  if (parser->depth >= MAX_PARSE_DEPTH)
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID,
                   _("Type “%s” is nested too deeply at byte %u"),
                   parser->text, offset_of (parser, start));
      return NULL;
    }

  if (!(word = read_word (parser)))
    {
      set_unexpected (parser, start, error);
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (simple_names); i++)
    {
      if (word_is (word, simple_names[i].name))
        return flint_data_type_new (simple_names[i].kind);
    }

  if (word_is (word, "decimal") || word_is (word, "dec") || word_is (word, "numeric"))
    return parse_decimal_args (parser, error);

  if (word_is (word, "varchar") || word_is (word, "char") || word_is (word, "character"))
    {
      guint length;

      if (!expect_char (parser, '(', error) ||
          !read_uint (parser, &length, error) ||
          !expect_char (parser, ')', error))
        return NULL;
      return flint_data_type_new (FLINT_TYPE_KIND_STRING);
    }

  if (word_is (word, "array"))
    {
      g_autoptr(FlintDataType) element = NULL;

      if (!expect_char (parser, '<', error))
        return NULL;
      parser->depth++;
      element = parse_type (parser, error);
      parser->depth--;
      if (element == NULL || !expect_char (parser, '>', error))
        return NULL;
      return flint_data_type_new_array (element);
    }

  if (word_is (word, "map"))
    {
      g_autoptr(FlintDataType) key = NULL;
      g_autoptr(FlintDataType) value = NULL;

      if (!expect_char (parser, '<', error))
        return NULL;
      parser->depth++;
      key = parse_type (parser, error);
      if (key != NULL && expect_char (parser, ',', error))
        value = parse_type (parser, error);
      parser->depth--;
      if (value == NULL || !expect_char (parser, '>', error))
        return NULL;
      return flint_data_type_new_map (key, value);
    }

  if (word_is (word, "struct"))
    {
      FlintDataType *type;

      parser->depth++;
      type = parse_struct_body (parser, error);
      parser->depth--;
      return type;
    }

  g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID,
               _("Unknown type “%s” in “%s” at byte %u"),
               word, parser->text, offset_of (parser, start));
  return NULL;
}

/**
 * flint_data_type_parse:
 * @text: a Spark DDL type name
 * @error: return location for a #FLINT_PIPELINE_ERROR_INVALID error
 *
 * Returns: (transfer full) (nullable): the type, or %NULL with @error set
 */
FlintDataType *
flint_data_type_parse (const char  *text,
                       GError     **error)
{
  TypeParser parser = { text, text, 0 };
  g_autoptr(FlintDataType) type = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(type = parse_type (&parser, error)))
    return NULL;

  skip_space (&parser);
  if (*parser.p != '\0')
    {
      set_unexpected (&parser, parser.p, error);
      return NULL;
    }

  return g_steal_pointer (&type);
}

/* Printing */

static gboolean
is_plain_identifier (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (*name) || *name == '_'))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!is_ident_char (*p))
      return FALSE;
  return TRUE;
}

static void
append_name (GString    *out,
             const char *name)
{
  if (is_plain_identifier (name))
    {
      g_string_append (out, name);
      return;
    }

  g_string_append_c (out, '`');
  for (const char *p = name; *p; p++)
    {
      if (*p == '`')
        g_string_append_c (out, '`');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '`');
}

static void
append_type (GString             *out,
             const FlintDataType *self)
{
  switch (self->kind)
    {
    case FLINT_TYPE_KIND_NULL:
      g_string_append (out, "void");
      break;
    case FLINT_TYPE_KIND_BOOLEAN:
      g_string_append (out, "boolean");
      break;
    case FLINT_TYPE_KIND_BYTE:
      g_string_append (out, "byte");
      break;
    case FLINT_TYPE_KIND_SHORT:
      g_string_append (out, "short");
      break;
    case FLINT_TYPE_KIND_INT:
      g_string_append (out, "int");
      break;
    case FLINT_TYPE_KIND_LONG:
      g_string_append (out, "long");
      break;
    case FLINT_TYPE_KIND_FLOAT:
      g_string_append (out, "float");
      break;
    case FLINT_TYPE_KIND_DOUBLE:
      g_string_append (out, "double");
      break;
    case FLINT_TYPE_KIND_DECIMAL:
      g_string_append_printf (out, "decimal(%u,%u)", self->precision, self->scale);
      break;
    case FLINT_TYPE_KIND_STRING:
      g_string_append (out, "string");
      break;
    case FLINT_TYPE_KIND_BINARY:
      g_string_append (out, "binary");
      break;
    case FLINT_TYPE_KIND_DATE:
      g_string_append (out, "date");
      break;
    case FLINT_TYPE_KIND_TIMESTAMP:
      g_string_append (out, "timestamp");
      break;
    case FLINT_TYPE_KIND_TIMESTAMP_NTZ:
      g_string_append (out, "timestamp_ntz");
      break;
    case FLINT_TYPE_KIND_ARRAY:
      g_string_append (out, "array<");
      append_type (out, self->element);
      g_string_append_c (out, '>');
      break;
    case FLINT_TYPE_KIND_MAP:
      g_string_append (out, "map<");
      append_type (out, self->element);
      g_string_append_c (out, ',');
      append_type (out, self->value);
      g_string_append_c (out, '>');
      break;
    case FLINT_TYPE_KIND_STRUCT:
      g_string_append (out, "struct<");
      for (guint i = 0; i < flint_schema_get_n_columns (self->fields); i++)
        {
          const FlintColumn *field = flint_schema_get_column (self->fields, i);

          if (i > 0)
            g_string_append_c (out, ',');
          append_name (out, field->name);
          g_string_append_c (out, ':');
          /* A struct field of unknown type cannot be written as DDL; void is the safe stand-in. */
          if (field->type != NULL)
            append_type (out, field->type);
          else
            g_string_append (out, "void");
          if (!field->nullable)
            g_string_append (out, " NOT NULL");
        }
      g_string_append_c (out, '>');
      break;
    default:
      g_assert_not_reached ();
    }
}

/**
 * flint_data_type_to_string:
 *
 * Returns: (transfer full): the canonical name, which flint_data_type_parse() reads back
 */
char *
flint_data_type_to_string (const FlintDataType *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_new (NULL);
  append_type (out, self);
  return g_string_free (out, FALSE);
}

/* Comparisons */

/* Structural equality; @strict also compares struct field nullability. */
static gboolean
types_equal (const FlintDataType *a,
             const FlintDataType *b,
             gboolean             strict)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL || a->kind != b->kind)
    return FALSE;

  switch (a->kind)
    {
    case FLINT_TYPE_KIND_DECIMAL:
      return a->precision == b->precision && a->scale == b->scale;
    case FLINT_TYPE_KIND_ARRAY:
      return types_equal (a->element, b->element, strict);
    case FLINT_TYPE_KIND_MAP:
      return types_equal (a->element, b->element, strict) &&
             types_equal (a->value, b->value, strict);
    case FLINT_TYPE_KIND_STRUCT:
      {
        guint n = flint_schema_get_n_columns (a->fields);

        if (n != flint_schema_get_n_columns (b->fields))
          return FALSE;
        for (guint i = 0; i < n; i++)
          {
            const FlintColumn *fa = flint_schema_get_column (a->fields, i);
            const FlintColumn *fb = flint_schema_get_column (b->fields, i);

            if (g_strcmp0 (fa->name, fb->name) != 0)
              return FALSE;
            if (strict && !fa->nullable != !fb->nullable)
              return FALSE;
            if (!types_equal (fa->type, fb->type, strict))
              return FALSE;
          }
        return TRUE;
      }
    case FLINT_TYPE_KIND_NULL:
    case FLINT_TYPE_KIND_BOOLEAN:
    case FLINT_TYPE_KIND_BYTE:
    case FLINT_TYPE_KIND_SHORT:
    case FLINT_TYPE_KIND_INT:
    case FLINT_TYPE_KIND_LONG:
    case FLINT_TYPE_KIND_FLOAT:
    case FLINT_TYPE_KIND_DOUBLE:
    case FLINT_TYPE_KIND_STRING:
    case FLINT_TYPE_KIND_BINARY:
    case FLINT_TYPE_KIND_DATE:
    case FLINT_TYPE_KIND_TIMESTAMP:
    case FLINT_TYPE_KIND_TIMESTAMP_NTZ:
    default:
      return TRUE;
    }
}

/* Equal types, including struct field names (case-sensitive) and nullability. */
gboolean
flint_data_type_equal (const FlintDataType *a,
                       const FlintDataType *b)
{
  return types_equal (a, b, TRUE);
}

static gboolean
kind_is_integral (FlintTypeKind kind)
{
  return kind == FLINT_TYPE_KIND_BYTE || kind == FLINT_TYPE_KIND_SHORT ||
         kind == FLINT_TYPE_KIND_INT || kind == FLINT_TYPE_KIND_LONG;
}

static gboolean
kind_is_numeric (FlintTypeKind kind)
{
  return kind_is_integral (kind) || kind == FLINT_TYPE_KIND_FLOAT ||
         kind == FLINT_TYPE_KIND_DOUBLE || kind == FLINT_TYPE_KIND_DECIMAL;
}

static gboolean
kind_is_datetime (FlintTypeKind kind)
{
  return kind == FLINT_TYPE_KIND_DATE || kind == FLINT_TYPE_KIND_TIMESTAMP ||
         kind == FLINT_TYPE_KIND_TIMESTAMP_NTZ;
}

gboolean
flint_data_type_is_numeric (const FlintDataType *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return kind_is_numeric (self->kind);
}

gboolean
flint_data_type_is_integral (const FlintDataType *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return kind_is_integral (self->kind);
}

/* Spark's AtomicType: not complex, and not the null type. */
gboolean
flint_data_type_is_atomic (const FlintDataType *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->kind != FLINT_TYPE_KIND_NULL && self->kind != FLINT_TYPE_KIND_ARRAY &&
         self->kind != FLINT_TYPE_KIND_MAP && self->kind != FLINT_TYPE_KIND_STRUCT;
}

gboolean
flint_data_type_is_comparable (const FlintDataType *a,
                               const FlintDataType *b)
{
  FlintTypeKind ka, kb;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  ka = a->kind;
  kb = b->kind;

  /* NULL compares with anything (the result is NULL, not an error). */
  if (ka == FLINT_TYPE_KIND_NULL || kb == FLINT_TYPE_KIND_NULL)
    return TRUE;

  if (kind_is_numeric (ka) && kind_is_numeric (kb))
    return TRUE;

  if (kind_is_datetime (ka) && kind_is_datetime (kb))
    return TRUE;

  if (ka == FLINT_TYPE_KIND_STRING || kb == FLINT_TYPE_KIND_STRING)
    {
      FlintTypeKind other = ka == FLINT_TYPE_KIND_STRING ? kb : ka;

      return other == FLINT_TYPE_KIND_STRING || other == FLINT_TYPE_KIND_BOOLEAN ||
             kind_is_numeric (other) || kind_is_datetime (other);
    }

  if (ka != kb)
    return FALSE;

  switch (ka)
    {
    case FLINT_TYPE_KIND_BOOLEAN:
    case FLINT_TYPE_KIND_BINARY:
      return TRUE;
    case FLINT_TYPE_KIND_ARRAY:
    case FLINT_TYPE_KIND_MAP:
    case FLINT_TYPE_KIND_STRUCT:
      return types_equal (a, b, FALSE);
    case FLINT_TYPE_KIND_NULL:
    case FLINT_TYPE_KIND_BYTE:
    case FLINT_TYPE_KIND_SHORT:
    case FLINT_TYPE_KIND_INT:
    case FLINT_TYPE_KIND_LONG:
    case FLINT_TYPE_KIND_FLOAT:
    case FLINT_TYPE_KIND_DOUBLE:
    case FLINT_TYPE_KIND_DECIMAL:
    case FLINT_TYPE_KIND_STRING:
    case FLINT_TYPE_KIND_DATE:
    case FLINT_TYPE_KIND_TIMESTAMP:
    case FLINT_TYPE_KIND_TIMESTAMP_NTZ:
    default:
      return TRUE;
    }
}

/* Spark's DecimalPrecision.forType: the decimal an integral type fits in. */
static gboolean
integral_as_decimal (FlintTypeKind  kind,
                     guint         *precision)
{
  switch (kind)
    {
    case FLINT_TYPE_KIND_BYTE:
      *precision = 3;
      return TRUE;
    case FLINT_TYPE_KIND_SHORT:
      *precision = 5;
      return TRUE;
    case FLINT_TYPE_KIND_INT:
      *precision = 10;
      return TRUE;
    case FLINT_TYPE_KIND_LONG:
      *precision = 20;
      return TRUE;
    case FLINT_TYPE_KIND_NULL:
    case FLINT_TYPE_KIND_BOOLEAN:
    case FLINT_TYPE_KIND_FLOAT:
    case FLINT_TYPE_KIND_DOUBLE:
    case FLINT_TYPE_KIND_DECIMAL:
    case FLINT_TYPE_KIND_STRING:
    case FLINT_TYPE_KIND_BINARY:
    case FLINT_TYPE_KIND_DATE:
    case FLINT_TYPE_KIND_TIMESTAMP:
    case FLINT_TYPE_KIND_TIMESTAMP_NTZ:
    case FLINT_TYPE_KIND_ARRAY:
    case FLINT_TYPE_KIND_MAP:
    case FLINT_TYPE_KIND_STRUCT:
    default:
      return FALSE;
    }
}

static FlintDataType *
wider_decimal (guint p1,
               guint s1,
               guint p2,
               guint s2)
{
  guint scale = MAX (s1, s2);
  guint range = MAX (p1 - s1, p2 - s2);
  guint precision = MIN (range + scale, MAX_DECIMAL_PRECISION);

  return flint_data_type_new_decimal (precision, MIN (scale, precision));
}

static guint
numeric_rank (FlintTypeKind kind)
{
  switch (kind)
    {
    case FLINT_TYPE_KIND_BYTE:
      return 1;
    case FLINT_TYPE_KIND_SHORT:
      return 2;
    case FLINT_TYPE_KIND_INT:
      return 3;
    case FLINT_TYPE_KIND_LONG:
      return 4;
    case FLINT_TYPE_KIND_FLOAT:
      return 5;
    case FLINT_TYPE_KIND_DOUBLE:
      return 6;
    case FLINT_TYPE_KIND_NULL:
    case FLINT_TYPE_KIND_BOOLEAN:
    case FLINT_TYPE_KIND_DECIMAL:
    case FLINT_TYPE_KIND_STRING:
    case FLINT_TYPE_KIND_BINARY:
    case FLINT_TYPE_KIND_DATE:
    case FLINT_TYPE_KIND_TIMESTAMP:
    case FLINT_TYPE_KIND_TIMESTAMP_NTZ:
    case FLINT_TYPE_KIND_ARRAY:
    case FLINT_TYPE_KIND_MAP:
    case FLINT_TYPE_KIND_STRUCT:
    default:
      return 0;
    }
}

static FlintDataType *
common_numeric (const FlintDataType *a,
                const FlintDataType *b)
{
  if (a->kind == FLINT_TYPE_KIND_DECIMAL || b->kind == FLINT_TYPE_KIND_DECIMAL)
    {
      guint p1, s1, p2, s2;

      /* Decimal with floating point is double in Spark. */
      if (a->kind == FLINT_TYPE_KIND_FLOAT || a->kind == FLINT_TYPE_KIND_DOUBLE ||
          b->kind == FLINT_TYPE_KIND_FLOAT || b->kind == FLINT_TYPE_KIND_DOUBLE)
        return flint_data_type_new (FLINT_TYPE_KIND_DOUBLE);

      if (a->kind == FLINT_TYPE_KIND_DECIMAL)
        p1 = a->precision, s1 = a->scale;
      else if (integral_as_decimal (a->kind, &p1))
        s1 = 0;
      else
        return NULL;

      if (b->kind == FLINT_TYPE_KIND_DECIMAL)
        p2 = b->precision, s2 = b->scale;
      else if (integral_as_decimal (b->kind, &p2))
        s2 = 0;
      else
        return NULL;

      return wider_decimal (p1, s1, p2, s2);
    }

  return flint_data_type_new (numeric_rank (a->kind) >= numeric_rank (b->kind) ? a->kind : b->kind);
}

/**
 * flint_data_type_common:
 *
 * Spark's wider common type (findWiderTypeForTwo), without the string
 * promotions whose result depends on ANSI mode.
 *
 * Returns: (transfer full) (nullable): the common type, or %NULL
 */
FlintDataType *
flint_data_type_common (const FlintDataType *a,
                        const FlintDataType *b)
{
  g_return_val_if_fail (a != NULL, NULL);
  g_return_val_if_fail (b != NULL, NULL);

  if (types_equal (a, b, TRUE))
    return flint_data_type_ref ((FlintDataType *) a);

  if (a->kind == FLINT_TYPE_KIND_NULL)
    return flint_data_type_ref ((FlintDataType *) b);
  if (b->kind == FLINT_TYPE_KIND_NULL)
    return flint_data_type_ref ((FlintDataType *) a);

  if (kind_is_numeric (a->kind) && kind_is_numeric (b->kind))
    return common_numeric (a, b);

  if (kind_is_datetime (a->kind) && kind_is_datetime (b->kind))
    {
      /* date < timestamp_ntz < timestamp */
      if (a->kind == FLINT_TYPE_KIND_TIMESTAMP || b->kind == FLINT_TYPE_KIND_TIMESTAMP)
        return flint_data_type_new (FLINT_TYPE_KIND_TIMESTAMP);
      return flint_data_type_new (FLINT_TYPE_KIND_TIMESTAMP_NTZ);
    }

  if (a->kind != b->kind)
    return NULL;

  switch (a->kind)
    {
    case FLINT_TYPE_KIND_ARRAY:
      {
        g_autoptr(FlintDataType) element = flint_data_type_common (a->element, b->element);

        return element ? flint_data_type_new_array (element) : NULL;
      }
    case FLINT_TYPE_KIND_MAP:
      {
        g_autoptr(FlintDataType) key = flint_data_type_common (a->element, b->element);
        g_autoptr(FlintDataType) value = flint_data_type_common (a->value, b->value);

        return key && value ? flint_data_type_new_map (key, value) : NULL;
      }
    case FLINT_TYPE_KIND_STRUCT:
      {
        guint n = flint_schema_get_n_columns (a->fields);
        g_autoptr(FlintSchema) fields = NULL;

        if (n != flint_schema_get_n_columns (b->fields))
          return NULL;

        fields = flint_schema_new ();
        for (guint i = 0; i < n; i++)
          {
            const FlintColumn *fa = flint_schema_get_column (a->fields, i);
            const FlintColumn *fb = flint_schema_get_column (b->fields, i);
            g_autoptr(FlintDataType) field_type = NULL;

            if (g_ascii_strcasecmp (fa->name, fb->name) != 0)
              return NULL;
            if (fa->type == NULL || fb->type == NULL)
              return NULL;
            if (!(field_type = flint_data_type_common (fa->type, fb->type)))
              return NULL;
            flint_schema_append (fields, fa->name, field_type, fa->nullable || fb->nullable);
          }
        return flint_data_type_new_struct (fields);
      }
    case FLINT_TYPE_KIND_NULL:
    case FLINT_TYPE_KIND_BOOLEAN:
    case FLINT_TYPE_KIND_BYTE:
    case FLINT_TYPE_KIND_SHORT:
    case FLINT_TYPE_KIND_INT:
    case FLINT_TYPE_KIND_LONG:
    case FLINT_TYPE_KIND_FLOAT:
    case FLINT_TYPE_KIND_DOUBLE:
    case FLINT_TYPE_KIND_DECIMAL:
    case FLINT_TYPE_KIND_STRING:
    case FLINT_TYPE_KIND_BINARY:
    case FLINT_TYPE_KIND_DATE:
    case FLINT_TYPE_KIND_TIMESTAMP:
    case FLINT_TYPE_KIND_TIMESTAMP_NTZ:
    default:
      return NULL;
    }
}
