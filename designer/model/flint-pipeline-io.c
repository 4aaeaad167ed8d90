/* flint-pipeline-io.c: reading and writing *.flint.yaml
 *
 * Loading is two passes: libyaml's events become a small tree that remembers where each
 * value was written (so every error can say LINE:COLUMN), older format versions are migrated
 * on that tree, and the tree is then turned into a FlintPipeline, refusing anything the
 * format does not define. Saving drives libyaml's emitter with events, choosing styles
 * from the content alone, so that saving a loaded saved file gives the same bytes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <yaml.h>

#include "flint-error.h"
#include "flint-pipeline-io.h"
#include "flint-suggest-private.h"

/* A pipeline has hundreds of values; this only stops a hostile file from costing gigabytes. */
#define FLINT_LOAD_MAX_VALUES 4000000u

/* Collections whose flow form fits in this many columns are written on one line. */
#define FLOW_WIDTH 80

#define YAML_STR_TAG   "tag:yaml.org,2002:str"
#define YAML_NULL_TAG  "tag:yaml.org,2002:null"
#define YAML_BOOL_TAG  "tag:yaml.org,2002:bool"
#define YAML_INT_TAG   "tag:yaml.org,2002:int"
#define YAML_FLOAT_TAG "tag:yaml.org,2002:float"
#define YAML_MAP_TAG   "tag:yaml.org,2002:map"
#define YAML_SEQ_TAG   "tag:yaml.org,2002:seq"

typedef enum
{
  YNODE_SCALAR,
  YNODE_MAPPING,
  YNODE_SEQUENCE,
} YNodeType;

typedef enum
{
  YVALUE_NULL,
  YVALUE_BOOLEAN,
  YVALUE_INTEGER,
  YVALUE_DOUBLE,
  YVALUE_STRING,
} YValueType;

typedef struct _YNode YNode;

/* One value of the YAML document, with where it starts (1-based). */
struct _YNode
{
  YNodeType   type;
  YValueType  value_type;   /* scalars, resolved by the YAML 1.2 core schema */
  guint       line;
  guint       column;
  guint       plain : 1;    /* a scalar written without quotes */
  char       *text;         /* scalars: the text after escapes */
  union
  {
    gboolean  boolean;
    gint64    integer;
    double    number;
  } v;
  GPtrArray  *children;     /* mappings: key, value, key, value...; sequences: items */
};

typedef gboolean (*MigrateFunc) (YNode   *root,
                                 GError **error);

typedef struct
{
  FlintCatalog *catalog;
  GFile        *file;
} LoadData;

typedef struct
{
  GFile  *file;
  GBytes *bytes;
} SaveData;

typedef struct
{
  yaml_emitter_t  emitter;
  GString        *out;
  guint           flow_level;
  gboolean        failed;
} Writer;

static gboolean migrate_0_to_1 (YNode   *root,
                                GError **error);

/* migrations[N] turns format N into format N + 1. */
static const MigrateFunc migrations[] = {
  migrate_0_to_1,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == FLINT_FORMAT_VERSION);

static const char * const top_keys[] = {
  "flint", "name", "description", "job", "nodes", "edges", "layout", NULL
};
static const char * const node_keys[] = { "id", "kind", "label", "params", "schema", NULL };
static const char * const column_keys[] = { "name", "type", "nullable", NULL };
static const char * const edge_keys[] = { "from", "to", NULL };

/* The tree */

static void
ynode_free (YNode *node)
{
  if (node == NULL)
    return;

  g_free (node->text);
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_free (node);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (YNode, ynode_free)

static YNode *
ynode_new (YNodeType  type,
           yaml_mark_t mark)
{
  YNode *node = g_new0 (YNode, 1);

  node->type = type;
  node->line = (guint) MIN (mark.line + 1, G_MAXUINT);
  node->column = (guint) MIN (mark.column + 1, G_MAXUINT);
  if (type != YNODE_SCALAR)
    node->children = g_ptr_array_new_with_free_func ((GDestroyNotify) ynode_free);

  return node;
}

static YNode *
ynode_new_string (const char *text,
                  guint       line,
                  guint       column)
{
  YNode *node = g_new0 (YNode, 1);

  node->type = YNODE_SCALAR;
  node->value_type = YVALUE_STRING;
  node->line = line;
  node->column = column;
  node->text = g_strdup (text);

  return node;
}

static guint
ynode_n_pairs (YNode *map)
{
  return map->children->len / 2;
}

static YNode *
ynode_key (YNode *map,
           guint  i)
{
  return g_ptr_array_index (map->children, 2 * i);
}

static YNode *
ynode_value (YNode *map,
             guint  i)
{
  return g_ptr_array_index (map->children, 2 * i + 1);
}

static YNode *
ynode_item (YNode *seq,
            guint  i)
{
  return g_ptr_array_index (seq->children, i);
}

/* Keys are always scalars: the tree builder refuses the others. */
static gboolean
ynode_find (YNode       *map,
            const char  *key,
            guint       *position)
{
  for (guint i = 0; i < ynode_n_pairs (map); i++)
    {
      if (g_str_equal (ynode_key (map, i)->text, key))
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static YNode *
ynode_lookup (YNode       *map,
              const char  *key,
              YNode      **key_node)
{
  guint i;

  if (!ynode_find (map, key, &i))
    return NULL;

  if (key_node != NULL)
    *key_node = ynode_key (map, i);

  return ynode_value (map, i);
}

static gboolean
ynode_is_null (YNode *node)
{
  return node->type == YNODE_SCALAR && node->value_type == YVALUE_NULL;
}

static gboolean
ynode_is_string (YNode *node)
{
  return node->type == YNODE_SCALAR && node->value_type == YVALUE_STRING;
}

/* Errors */

static void set_error_at (GError             **error,
                          FlintPipelineError   code,
                          guint                line,
                          guint                column,
                          const char          *format,
                          ...) G_GNUC_PRINTF (5, 6);

static void
set_error_at (GError             **error,
              FlintPipelineError   code,
              guint                line,
              guint                column,
              const char          *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, FLINT_PIPELINE_ERROR, code, "%u:%u: %s", line, column, message);
}

#define set_error_node(error, code, node, ...) \
  set_error_at ((error), (code), (node)->line, (node)->column, __VA_ARGS__)

/* Prefixes an error that has no place yet (from the document API) with @node's place. */
static void
propagate_at (GError **dest,
              GError  *src,
              YNode   *node)
{
  g_propagate_prefixed_error (dest, src, "%u:%u: ", node->line, node->column);
}

static const char *
ynode_describe (YNode *node)
{
  switch (node->type)
    {
    case YNODE_MAPPING:
      return _("a map");

    case YNODE_SEQUENCE:
      return _("a list");

    case YNODE_SCALAR:
    default:
      break;
    }

  switch (node->value_type)
    {
    case YVALUE_NULL:
      return _("empty");

    case YVALUE_BOOLEAN:
      return _("a boolean");

    case YVALUE_INTEGER:
      return _("an integer");

    case YVALUE_DOUBLE:
      return _("a number");

    case YVALUE_STRING:
    default:
      return _("a string");
    }
}

/* The closest of @candidates to @word, when it is close enough to be a likely typo. */
static const char *
suggest (const char *word,
         GPtrArray  *candidates)
{
  return flint_suggest_closest ((const char * const *) candidates->pdata, candidates->len, word);
}

/* Scalars: the YAML 1.2 core schema */

static gboolean
text_is_null (const char *text)
{
  return text[0] == '\0' ||
         g_str_equal (text, "~") ||
         g_str_equal (text, "null") ||
         g_str_equal (text, "Null") ||
         g_str_equal (text, "NULL");
}

static gboolean
text_to_boolean (const char *text,
                 gboolean   *value)
{
  if (g_str_equal (text, "true") || g_str_equal (text, "True") || g_str_equal (text, "TRUE"))
    {
      *value = TRUE;
      return TRUE;
    }

  if (g_str_equal (text, "false") || g_str_equal (text, "False") || g_str_equal (text, "FALSE"))
    {
      *value = FALSE;
      return TRUE;
    }

  return FALSE;
}

typedef enum
{
  NUMBER_NO,        /* not written as a number */
  NUMBER_OK,
  NUMBER_RANGE,     /* a number, but too large for what holds it */
  NUMBER_SPECIAL,   /* .inf or .nan */
} NumberResult;

/* [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+ */
static NumberResult
text_to_integer (const char *text,
                 gint64     *value)
{
  const char *p = text;
  gboolean negative = FALSE;
  gboolean overflow = FALSE;
  guint64 magnitude = 0;
  guint base = 10;

  if (p[0] == '0' && p[1] == 'o')
    {
      base = 8;
      p += 2;
    }
  else if (p[0] == '0' && p[1] == 'x')
    {
      base = 16;
      p += 2;
    }
  else if (*p == '-' || *p == '+')
    {
      negative = *p == '-';
      p++;
    }

  if (*p == '\0')
    return NUMBER_NO;

  for (; *p != '\0'; p++)
    {
      int digit = g_ascii_xdigit_value (*p);

      if (digit < 0 || (guint) digit >= base)
        return NUMBER_NO;

      if (magnitude > (G_MAXUINT64 - (guint) digit) / base)
        overflow = TRUE;
      else
        magnitude = magnitude * base + (guint) digit;
    }

  if (overflow)
    return NUMBER_RANGE;

  if (negative)
    {
      if (magnitude > (guint64) G_MAXINT64 + 1)
        return NUMBER_RANGE;
      *value = magnitude == (guint64) G_MAXINT64 + 1 ? G_MININT64 : -(gint64) magnitude;
    }
  else
    {
      if (magnitude > (guint64) G_MAXINT64)
        return NUMBER_RANGE;
      *value = (gint64) magnitude;
    }

  return NUMBER_OK;
}

static gsize
count_digits (const char *p)
{
  gsize n = 0;

  while (g_ascii_isdigit (p[n]))
    n++;

  return n;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, [-+]?\.inf, \.nan */
static NumberResult
text_to_double (const char *text,
                double     *value)
{
  const char *p = text;
  gsize before, after = 0;
  gboolean dot = FALSE;

  if (g_str_equal (text, ".nan") || g_str_equal (text, ".NaN") || g_str_equal (text, ".NAN"))
    return NUMBER_SPECIAL;

  if (*p == '-' || *p == '+')
    p++;

  if (g_str_equal (p, ".inf") || g_str_equal (p, ".Inf") || g_str_equal (p, ".INF"))
    return NUMBER_SPECIAL;

  before = count_digits (p);
  p += before;
  if (*p == '.')
    {
      dot = TRUE;
      p++;
      after = count_digits (p);
      p += after;
    }

  if (before == 0 && (!dot || after == 0))
    return NUMBER_NO;

  if (*p == 'e' || *p == 'E')
    {
      gsize exponent;

      p++;
      if (*p == '-' || *p == '+')
        p++;
      exponent = count_digits (p);
      if (exponent == 0)
        return NUMBER_NO;
      p += exponent;
    }

  if (*p != '\0')
    return NUMBER_NO;

  *value = g_ascii_strtod (text, NULL);
  if (isinf (*value) || isnan (*value))
    return NUMBER_RANGE;

  return NUMBER_OK;
}

/* What a plain scalar means without a tag: the type the loader would give it. */
static YValueType
resolve_plain (const char *text)
{
  gboolean boolean;
  gint64 integer;
  double number;

  if (text_is_null (text))
    return YVALUE_NULL;
  if (text_to_boolean (text, &boolean))
    return YVALUE_BOOLEAN;
  if (text_to_integer (text, &integer) != NUMBER_NO)
    return YVALUE_INTEGER;
  if (text_to_double (text, &number) != NUMBER_NO)
    return YVALUE_DOUBLE;

  return YVALUE_STRING;
}

static gboolean
resolve_integer (YNode   *node,
                 GError **error)
{
  switch (text_to_integer (node->text, &node->v.integer))
    {
    case NUMBER_OK:
      node->value_type = YVALUE_INTEGER;
      return TRUE;

    case NUMBER_RANGE:
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, node,
                      _("'%s' is too large for an integer (put it in quotes for a string)"),
                      node->text);
      return FALSE;

    case NUMBER_NO:
    case NUMBER_SPECIAL:
    default:
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, node,
                      _("'%s' is not an integer"), node->text);
      return FALSE;
    }
}

static gboolean
resolve_double (YNode   *node,
                GError **error)
{
  gint64 integer;

  if (text_to_integer (node->text, &integer) == NUMBER_OK)
    {
      node->value_type = YVALUE_DOUBLE;
      node->v.number = (double) integer;
      return TRUE;
    }

  switch (text_to_double (node->text, &node->v.number))
    {
    case NUMBER_OK:
      node->value_type = YVALUE_DOUBLE;
      return TRUE;

    case NUMBER_RANGE:
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, node,
                      _("'%s' is too large for a number (put it in quotes for a string)"),
                      node->text);
      return FALSE;

    case NUMBER_SPECIAL:
      /* Spark settings and parameters never need them, and JSON cannot hold them. */
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, node,
                      _("'%s' (infinity or not-a-number) is not allowed in a pipeline file "
                        "(put it in quotes for a string)"), node->text);
      return FALSE;

    case NUMBER_NO:
    default:
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, node,
                      _("'%s' is not a number"), node->text);
      return FALSE;
    }
}

static gboolean
resolve_scalar (YNode       *node,
                const char  *tag,
                GError     **error)
{
  if (tag == NULL)
    {
      if (!node->plain)
        {
          node->value_type = YVALUE_STRING;
          return TRUE;
        }

      switch (resolve_plain (node->text))
        {
        case YVALUE_NULL:
          node->value_type = YVALUE_NULL;
          return TRUE;

        case YVALUE_BOOLEAN:
          node->value_type = YVALUE_BOOLEAN;
          text_to_boolean (node->text, &node->v.boolean);
          return TRUE;

        case YVALUE_INTEGER:
          return resolve_integer (node, error);

        case YVALUE_DOUBLE:
          return resolve_double (node, error);

        case YVALUE_STRING:
        default:
          node->value_type = YVALUE_STRING;
          return TRUE;
        }
    }

  if (g_str_equal (tag, "!") || g_str_equal (tag, YAML_STR_TAG))
    {
      node->value_type = YVALUE_STRING;
      return TRUE;
    }

  if (g_str_equal (tag, YAML_NULL_TAG))
    {
      if (!text_is_null (node->text))
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, node,
                          _("'%s' is not null"), node->text);
          return FALSE;
        }
      node->value_type = YVALUE_NULL;
      return TRUE;
    }

  if (g_str_equal (tag, YAML_BOOL_TAG))
    {
      if (!text_to_boolean (node->text, &node->v.boolean))
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, node,
                          _("'%s' is not a boolean (true or false)"), node->text);
          return FALSE;
        }
      node->value_type = YVALUE_BOOLEAN;
      return TRUE;
    }

  if (g_str_equal (tag, YAML_INT_TAG))
    return resolve_integer (node, error);

  if (g_str_equal (tag, YAML_FLOAT_TAG))
    return resolve_double (node, error);

  set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, node,
                  _("the tag '%s' is not supported in a pipeline file"), tag);
  return FALSE;
}

/* Parsing: libyaml events into the tree */

static void
set_parse_error (yaml_parser_t  *parser,
                 const char     *data,
                 gsize           length,
                 GError        **error)
{
  const char *problem = parser->problem ? parser->problem : _("the YAML is malformed");
  guint line, column;

  if (parser->error == YAML_MEMORY_ERROR)
    {
      set_error_at (error, FLINT_PIPELINE_ERROR_TOO_LARGE, 1, 1, "%s", _("out of memory"));
      return;
    }

  if (parser->error == YAML_READER_ERROR)
    {
      /* Reader errors have a byte offset, not a mark. */
      gsize offset = MIN (parser->problem_offset, length);
      const char *line_start = data;

      line = 1;
      for (gsize i = 0; i < offset; i++)
        {
          if (data[i] == '\n')
            {
              line++;
              line_start = data + i + 1;
            }
        }
      column = 1;
      for (const char *p = line_start; p < data + offset; p++)
        if (((guchar) *p & 0xC0) != 0x80)
          column++;

      if (parser->problem_value != -1)
        set_error_at (error, FLINT_PIPELINE_ERROR_PARSE, line, column,
                      "%s (#%X)", problem, (guint) parser->problem_value);
      else
        set_error_at (error, FLINT_PIPELINE_ERROR_PARSE, line, column, "%s", problem);
      return;
    }

  line = parser->problem_mark.line + 1;
  column = parser->problem_mark.column + 1;

  if (parser->context != NULL)
    set_error_at (error, FLINT_PIPELINE_ERROR_PARSE, line, column,
                  _("%s (%s at %u:%u)"), problem, parser->context,
                  (guint) parser->context_mark.line + 1, (guint) parser->context_mark.column + 1);
  else
    set_error_at (error, FLINT_PIPELINE_ERROR_PARSE, line, column, "%s", problem);
}

static gboolean
check_anchor_and_tag (const yaml_char_t  *anchor,
                      const yaml_char_t  *tag,
                      const char         *collection_tag,
                      yaml_mark_t         mark,
                      GError            **error)
{
  if (anchor != NULL)
    {
      /* Aliases can expand a small file into billions of values; anchors serve only them. */
      set_error_at (error, FLINT_PIPELINE_ERROR_INVALID, mark.line + 1, mark.column + 1,
                    _("anchors (&%s) are not supported in a pipeline file"), (const char *) anchor);
      return FALSE;
    }

  if (tag != NULL && collection_tag != NULL &&
      !g_str_equal ((const char *) tag, "!") &&
      !g_str_equal ((const char *) tag, collection_tag))
    {
      set_error_at (error, FLINT_PIPELINE_ERROR_INVALID, mark.line + 1, mark.column + 1,
                    _("the tag '%s' is not supported here"), (const char *) tag);
      return FALSE;
    }

  return TRUE;
}

/* Keys must be scalars and appear once: JSON objects and the format both need it. */
static gboolean
check_mapping (YNode   *map,
               GError **error)
{
  g_autoptr(GHashTable) seen = NULL;
  guint n = ynode_n_pairs (map);

  for (guint i = 0; i < n; i++)
    {
      YNode *key = ynode_key (map, i);

      if (key->type != YNODE_SCALAR)
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, key,
                          _("keys must be plain text, not %s"), ynode_describe (key));
          return FALSE;
        }
    }

  if (n > 8)
    seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      YNode *key = ynode_key (map, i);
      YNode *first = NULL;

      if (seen != NULL)
        {
          first = g_hash_table_lookup (seen, key->text);
          if (first == NULL)
            g_hash_table_insert (seen, key->text, key);
        }
      else
        {
          for (guint j = 0; j < i && first == NULL; j++)
            if (g_str_equal (ynode_key (map, j)->text, key->text))
              first = ynode_key (map, j);
        }

      if (first != NULL)
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_PARSE, key,
                          _("duplicate key '%s' (first at line %u)"), key->text, first->line);
          return FALSE;
        }
    }

  return TRUE;
}

static YNode *
parse_tree (const char  *data,
            gsize        length,
            GError     **error)
{
  yaml_parser_t parser;
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  g_autoptr(YNode) root = NULL;
  guint n_documents = 0;
  guint n_values = 0;
  gboolean done = FALSE;
  gboolean ok = TRUE;

  if (!yaml_parser_initialize (&parser))
    {
      set_error_at (error, FLINT_PIPELINE_ERROR_TOO_LARGE, 1, 1, "%s", _("out of memory"));
      return NULL;
    }

  yaml_parser_set_input_string (&parser, (const unsigned char *) data, length);

  while (ok && !done)
    {
      yaml_event_t event;
      YNode *node = NULL;

      if (!yaml_parser_parse (&parser, &event))
        {
          set_parse_error (&parser, data, length, error);
          ok = FALSE;
          break;
        }

      switch (event.type)
        {
        case YAML_STREAM_END_EVENT:
          done = TRUE;
          break;

        case YAML_DOCUMENT_START_EVENT:
          if (++n_documents > 1)
            {
              set_error_at (error, FLINT_PIPELINE_ERROR_INVALID,
                            event.start_mark.line + 1, event.start_mark.column + 1, "%s",
                            _("a pipeline file holds a single YAML document"));
              ok = FALSE;
            }
          break;

        case YAML_ALIAS_EVENT:
          set_error_at (error, FLINT_PIPELINE_ERROR_INVALID,
                        event.start_mark.line + 1, event.start_mark.column + 1,
                        _("aliases (*%s) are not supported in a pipeline file"),
                        (const char *) event.data.alias.anchor);
          ok = FALSE;
          break;

        case YAML_SCALAR_EVENT:
          if (!check_anchor_and_tag (event.data.scalar.anchor, NULL, NULL, event.start_mark, error))
            {
              ok = FALSE;
              break;
            }
          node = ynode_new (YNODE_SCALAR, event.start_mark);
          node->plain = event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
          node->text = g_strndup ((const char *) event.data.scalar.value, event.data.scalar.length);
          if (strlen (node->text) != event.data.scalar.length)
            {
              set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, node, "%s",
                              _("text in a pipeline file cannot hold NUL characters"));
              ok = FALSE;
            }
          else
            ok = resolve_scalar (node, (const char *) event.data.scalar.tag, error);
          break;

        case YAML_SEQUENCE_START_EVENT:
          if (!check_anchor_and_tag (event.data.sequence_start.anchor,
                                     event.data.sequence_start.tag, YAML_SEQ_TAG,
                                     event.start_mark, error))
            {
              ok = FALSE;
              break;
            }
          node = ynode_new (YNODE_SEQUENCE, event.start_mark);
          break;

        case YAML_MAPPING_START_EVENT:
          if (!check_anchor_and_tag (event.data.mapping_start.anchor,
                                     event.data.mapping_start.tag, YAML_MAP_TAG,
                                     event.start_mark, error))
            {
              ok = FALSE;
              break;
            }
          node = ynode_new (YNODE_MAPPING, event.start_mark);
          break;

        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          {
            YNode *closed = g_ptr_array_steal_index (stack, stack->len - 1);

            if (closed->type == YNODE_MAPPING)
              ok = check_mapping (closed, error);
          }
          break;

        case YAML_NO_EVENT:
        case YAML_STREAM_START_EVENT:
        case YAML_DOCUMENT_END_EVENT:
        default:
          break;
        }

      if (node != NULL)
        {
          /* Attach at once, so that whatever happens next frees it with the root. */
          if (stack->len > 0)
            g_ptr_array_add (((YNode *) g_ptr_array_index (stack, stack->len - 1))->children, node);
          else if (root == NULL)
            root = node;
          else
            g_assert_not_reached ();

          if (ok && ++n_values > FLINT_LOAD_MAX_VALUES)
            {
              set_error_node (error, FLINT_PIPELINE_ERROR_TOO_LARGE, node,
                              _("the file holds more than %u values"), FLINT_LOAD_MAX_VALUES);
              ok = FALSE;
            }

          if (ok && node->type != YNODE_SCALAR)
            {
              if (stack->len >= FLINT_LOAD_MAX_DEPTH)
                {
                  set_error_node (error, FLINT_PIPELINE_ERROR_TOO_LARGE, node,
                                  _("the file nests deeper than %d levels"), FLINT_LOAD_MAX_DEPTH);
                  ok = FALSE;
                }
              else
                g_ptr_array_add (stack, node);
            }
        }

      yaml_event_delete (&event);
    }

  yaml_parser_delete (&parser);

  if (!ok)
    return NULL;

  if (root == NULL)
    {
      set_error_at (error, FLINT_PIPELINE_ERROR_INVALID, 1, 1, "%s",
                    _("the file is empty; a pipeline file starts with 'flint: 1'"));
      return NULL;
    }

  return g_steal_pointer (&root);
}

/* Migration of older formats, on the tree */

/* Format 0, the pre-release draft: edges were `links:` of {source, target}, and each node
 * kept its `position: [x, y]` instead of the top-level layout map. */
static gboolean
migrate_0_to_1 (YNode   *root,
                GError **error)
{
  YNode *links_key = NULL;
  YNode *links = ynode_lookup (root, "links", &links_key);
  YNode *nodes = ynode_lookup (root, "nodes", NULL);

  if (links != NULL)
    {
      YNode *edges_key = NULL;

      if (ynode_lookup (root, "edges", &edges_key) != NULL)
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, edges_key, "%s",
                          _("a format 0 file has 'links', not 'edges'"));
          return FALSE;
        }

      g_free (links_key->text);
      links_key->text = g_strdup ("edges");

      for (guint i = 0; links->type == YNODE_SEQUENCE && i < links->children->len; i++)
        {
          YNode *link = ynode_item (links, i);
          static const char * const renames[][2] = { { "source", "from" }, { "target", "to" } };

          if (link->type != YNODE_MAPPING)
            continue;

          for (guint r = 0; r < G_N_ELEMENTS (renames); r++)
            {
              YNode *old_key = NULL, *new_key = NULL;

              if (ynode_lookup (link, renames[r][0], &old_key) == NULL)
                continue;

              if (ynode_lookup (link, renames[r][1], &new_key) != NULL)
                {
                  set_error_node (error, FLINT_PIPELINE_ERROR_UNKNOWN_KEY, new_key,
                                  _("unknown key '%s' in a format 0 link (expected one of: source, target)"),
                                  renames[r][1]);
                  return FALSE;
                }

              g_free (old_key->text);
              old_key->text = g_strdup (renames[r][1]);
            }
        }
    }

  for (guint i = 0; nodes != NULL && nodes->type == YNODE_SEQUENCE && i < nodes->children->len; i++)
    {
      YNode *node = ynode_item (nodes, i);
      YNode *position_key, *position, *id, *layout, *layout_key;
      guint at;

      if (node->type != YNODE_MAPPING || !ynode_find (node, "position", &at))
        continue;

      position_key = ynode_key (node, at);
      id = ynode_lookup (node, "id", NULL);
      if (id == NULL || !ynode_is_string (id))
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, position_key, "%s",
                          _("a node with a position needs an 'id'"));
          return FALSE;
        }

      layout = ynode_lookup (root, "layout", &layout_key);
      if (layout == NULL)
        {
          layout_key = ynode_new_string ("layout", position_key->line, position_key->column);
          layout = g_new0 (YNode, 1);
          layout->type = YNODE_MAPPING;
          layout->line = position_key->line;
          layout->column = position_key->column;
          layout->children = g_ptr_array_new_with_free_func ((GDestroyNotify) ynode_free);
          g_ptr_array_add (root->children, layout_key);
          g_ptr_array_add (root->children, layout);
        }
      else if (layout->type != YNODE_MAPPING)
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, layout, "%s",
                          _("'layout' must be a map"));
          return FALSE;
        }

      if (ynode_lookup (layout, id->text, NULL) != NULL)
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, position_key,
                          _("node '%s' has a position in 'layout' too"), id->text);
          return FALSE;
        }

      /* Move the value out of the node, and give its key the node's id. */
      position = g_ptr_array_steal_index (node->children, 2 * at + 1);
      position_key = g_ptr_array_steal_index (node->children, 2 * at);
      g_free (position_key->text);
      position_key->text = g_strdup (id->text);
      g_ptr_array_add (layout->children, position_key);
      g_ptr_array_add (layout->children, position);
    }

  return TRUE;
}

/* Building the document */

static JsonNode *
ynode_to_json (YNode *node)
{
  switch (node->type)
    {
    case YNODE_MAPPING:
      {
        JsonObject *object = json_object_new ();

        for (guint i = 0; i < ynode_n_pairs (node); i++)
          json_object_set_member (object, ynode_key (node, i)->text, ynode_to_json (ynode_value (node, i)));

        return json_node_init_object (json_node_alloc (), object);
      }

    case YNODE_SEQUENCE:
      {
        JsonArray *array = json_array_sized_new (node->children->len);

        for (guint i = 0; i < node->children->len; i++)
          json_array_add_element (array, ynode_to_json (ynode_item (node, i)));

        return json_node_init_array (json_node_alloc (), array);
      }

    case YNODE_SCALAR:
    default:
      break;
    }

  switch (node->value_type)
    {
    case YVALUE_NULL:
      return json_node_init_null (json_node_alloc ());

    case YVALUE_BOOLEAN:
      return json_node_init_boolean (json_node_alloc (), node->v.boolean);

    case YVALUE_INTEGER:
      return json_node_init_int (json_node_alloc (), node->v.integer);

    case YVALUE_DOUBLE:
      return json_node_init_double (json_node_alloc (), node->v.number);

    case YVALUE_STRING:
    default:
      return json_node_init_string (json_node_alloc (), node->text);
    }
}

static gboolean
check_keys (YNode              *map,
            const char * const *allowed,
            const char         *where,
            GError            **error)
{
  for (guint i = 0; i < ynode_n_pairs (map); i++)
    {
      YNode *key = ynode_key (map, i);

      if (!g_strv_contains (allowed, key->text))
        {
          g_autofree char *expected = g_strjoinv (", ", (char **) allowed);

          if (where == NULL)
            set_error_node (error, FLINT_PIPELINE_ERROR_UNKNOWN_KEY, key,
                            _("unknown key '%s' (expected one of: %s)"), key->text, expected);
          else
            set_error_node (error, FLINT_PIPELINE_ERROR_UNKNOWN_KEY, key,
                            _("unknown key '%s' in %s (expected one of: %s)"),
                            key->text, where, expected);
          return FALSE;
        }
    }

  return TRUE;
}

/* A string value, or NULL when @value is absent or empty and @required is FALSE. */
static gboolean
get_string (YNode       *value,
            const char  *name,
            gboolean     allow_null,
            const char **out,
            GError     **error)
{
  *out = NULL;

  if (value == NULL || (allow_null && ynode_is_null (value)))
    return TRUE;

  if (!ynode_is_string (value))
    {
      if (value->type == YNODE_SCALAR && !ynode_is_null (value))
        set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, value,
                        _("'%s' must be a string, not %s (put it in quotes: \"%s\")"),
                        name, ynode_describe (value), value->text);
      else
        set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, value,
                        _("'%s' must be a string, not %s"), name, ynode_describe (value));
      return FALSE;
    }

  *out = value->text;
  return TRUE;
}

static gboolean
expect_type (YNode       *value,
             YNodeType    type,
             const char  *name,
             GError     **error)
{
  if (value->type == type)
    return TRUE;

  set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, value,
                  type == YNODE_MAPPING ? _("'%s' must be a map, not %s")
                                        : _("'%s' must be a list, not %s"),
                  name, ynode_describe (value));
  return FALSE;
}

static void
record_param_lines (FlintNode  *node,
                    const char *path,
                    YNode      *value)
{
  if (value->type == YNODE_MAPPING)
    {
      for (guint i = 0; i < ynode_n_pairs (value); i++)
        {
          g_autofree char *child = g_strconcat (path, ".", ynode_key (value, i)->text, NULL);

          flint_node_set_line (node, child, ynode_key (value, i)->line);
          record_param_lines (node, child, ynode_value (value, i));
        }
    }
  else if (value->type == YNODE_SEQUENCE)
    {
      for (guint i = 0; i < value->children->len; i++)
        {
          g_autofree char *child = g_strdup_printf ("%s.%u", path, i);

          flint_node_set_line (node, child, ynode_item (value, i)->line);
          record_param_lines (node, child, ynode_item (value, i));
        }
    }
}

static FlintSchema *
build_schema (YNode       *list,
              const char  *node_id,
              GError     **error)
{
  g_autoptr(FlintSchema) schema = flint_schema_new ();

  for (guint i = 0; i < list->children->len; i++)
    {
      YNode *column = ynode_item (list, i);
      g_autoptr(FlintDataType) type = NULL;
      g_autofree char *where = NULL;
      YNode *name_node, *type_node, *nullable_node;
      const char *name, *type_name;
      gboolean nullable = TRUE;

      if (column->type != YNODE_MAPPING)
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, column,
                          _("a schema column must be a map such as {name: id, type: long}, not %s"),
                          ynode_describe (column));
          return NULL;
        }

      name_node = ynode_lookup (column, "name", NULL);
      if (name_node != NULL && ynode_is_string (name_node))
        where = g_strdup_printf (_("column '%s' of node '%s'"), name_node->text, node_id);
      else
        where = g_strdup_printf (_("column %u of node '%s'"), i + 1, node_id);

      if (!check_keys (column, column_keys, where, error))
        return NULL;

      if (name_node == NULL)
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, column,
                          _("%s has no 'name'"), where);
          return NULL;
        }
      if (!get_string (name_node, "name", FALSE, &name, error))
        return NULL;

      type_node = ynode_lookup (column, "type", NULL);
      if (!get_string (type_node, "type", TRUE, &type_name, error))
        return NULL;
      if (type_name != NULL)
        {
          g_autoptr(GError) local_error = NULL;

          type = flint_data_type_parse (type_name, &local_error);
          if (type == NULL)
            {
              set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, type_node,
                              _("'%s' is not a Spark type, in column '%s' (%s)"), type_name, name,
                              local_error ? local_error->message : _("unknown type"));
              return NULL;
            }
        }

      nullable_node = ynode_lookup (column, "nullable", NULL);
      if (nullable_node != NULL)
        {
          if (nullable_node->type != YNODE_SCALAR || nullable_node->value_type != YVALUE_BOOLEAN)
            {
              set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, nullable_node,
                              _("'nullable' must be true or false, not %s"),
                              ynode_describe (nullable_node));
              return NULL;
            }
          nullable = nullable_node->v.boolean;
        }

      flint_schema_append (schema, name, type, nullable);
    }

  return g_steal_pointer (&schema);
}

static gboolean
build_node (FlintPipeline  *pipeline,
            YNode          *item,
            guint           position,
            GHashTable     *id_lines,
            GError        **error)
{
  FlintCatalog *catalog = flint_pipeline_get_catalog (pipeline);
  g_autoptr(FlintNode) node = NULL;
  g_autofree char *where = NULL;
  YNode *id_node, *kind_node, *label_node, *params_node, *schema_node;
  YNode *kind_key = NULL, *label_key = NULL, *params_key = NULL, *schema_key = NULL;
  const FlintNodeKind *kind;
  const char *id, *kind_id, *label;
  gpointer first_line;

  if (item->type != YNODE_MAPPING)
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, item,
                      _("a node must be a map with 'id' and 'kind', not %s"), ynode_describe (item));
      return FALSE;
    }

  id_node = ynode_lookup (item, "id", NULL);
  if (id_node != NULL && ynode_is_string (id_node))
    where = g_strdup_printf (_("node '%s'"), id_node->text);
  else
    where = g_strdup_printf (_("node %u"), position + 1);

  if (!check_keys (item, node_keys, where, error))
    return FALSE;

  if (id_node == NULL)
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, item, _("%s has no 'id'"), where);
      return FALSE;
    }
  if (!get_string (id_node, "id", FALSE, &id, error))
    return FALSE;
  if (!flint_node_id_is_valid (id))
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, id_node,
                      _("'%s' is not a valid node id (a letter or '_', then letters, digits, '_' or '-')"),
                      id);
      return FALSE;
    }
  if (g_hash_table_lookup_extended (id_lines, id, NULL, &first_line))
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_DUPLICATE_ID, id_node,
                      _("duplicate node id '%s' (first used at line %u)"),
                      id, GPOINTER_TO_UINT (first_line));
      return FALSE;
    }

  kind_node = ynode_lookup (item, "kind", &kind_key);
  if (kind_node == NULL)
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, item, _("%s has no 'kind'"), where);
      return FALSE;
    }
  if (!get_string (kind_node, "kind", FALSE, &kind_id, error))
    return FALSE;
  if ((kind = flint_catalog_lookup (catalog, kind_id)) == NULL)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();
      const char *suggestion;

      for (guint i = 0; i < flint_catalog_get_n_kinds (catalog); i++)
        g_ptr_array_add (ids, flint_catalog_get_kind (catalog, i)->id);

      if ((suggestion = suggest (kind_id, ids)) != NULL)
        set_error_node (error, FLINT_PIPELINE_ERROR_UNKNOWN_KIND, kind_node,
                        _("unknown node kind '%s' (did you mean '%s'?)"), kind_id, suggestion);
      else
        set_error_node (error, FLINT_PIPELINE_ERROR_UNKNOWN_KIND, kind_node,
                        _("unknown node kind '%s'"), kind_id);
      return FALSE;
    }

  node = flint_node_new (id, kind);
  flint_node_set_line (node, "", item->line);
  flint_node_set_line (node, "kind", kind_key->line);

  label_node = ynode_lookup (item, "label", &label_key);
  if (!get_string (label_node, "label", TRUE, &label, error))
    return FALSE;
  if (label_node != NULL)
    {
      flint_node_set_label (node, label);
      flint_node_set_line (node, "label", label_key->line);
    }

  params_node = ynode_lookup (item, "params", &params_key);
  if (params_node != NULL && !ynode_is_null (params_node))
    {
      if (!expect_type (params_node, YNODE_MAPPING, "params", error))
        return FALSE;

      flint_node_set_line (node, "params", params_key->line);
      for (guint i = 0; i < ynode_n_pairs (params_node); i++)
        {
          YNode *key = ynode_key (params_node, i);
          g_autofree char *path = g_strconcat ("params.", key->text, NULL);

          flint_node_take_param (node, key->text, ynode_to_json (ynode_value (params_node, i)));
          flint_node_set_line (node, path, key->line);
          record_param_lines (node, path, ynode_value (params_node, i));
        }
    }

  schema_node = ynode_lookup (item, "schema", &schema_key);
  if (schema_node != NULL && !ynode_is_null (schema_node))
    {
      g_autoptr(FlintSchema) schema = NULL;

      if (!expect_type (schema_node, YNODE_SEQUENCE, "schema", error))
        return FALSE;
      if ((schema = build_schema (schema_node, id, error)) == NULL)
        return FALSE;

      flint_node_set_schema (node, schema);
      flint_node_set_line (node, "schema", schema_key->line);
    }

  g_hash_table_insert (id_lines, g_strdup (id), GUINT_TO_POINTER (id_node->line));

  if (!flint_pipeline_add_node (pipeline, node, error))
    return FALSE;

  return TRUE;
}

static const char *
first_port_name (GPtrArray *ports)
{
  if (ports == NULL || ports->len == 0)
    return NULL;

  return ((const FlintPortSpec *) g_ptr_array_index (ports, 0))->name;
}

static char *
port_names (GPtrArray *ports)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < ports->len; i++)
    {
      const FlintPortSpec *port = g_ptr_array_index (ports, i);

      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, port->name);
    }

  return g_string_free (names, FALSE);
}

/* Splits "node" or "node.port" and checks both against the document. */
static gboolean
resolve_endpoint (FlintPipeline  *pipeline,
                  YNode          *value,
                  const char     *name,
                  gboolean        input,
                  char          **node_id,
                  char          **port,
                  GError        **error)
{
  const char *text, *dot;
  FlintNode *node;
  const FlintNodeKind *kind;
  GPtrArray *ports;

  if (!get_string (value, name, FALSE, &text, error))
    return FALSE;

  dot = strchr (text, '.');
  *node_id = dot ? g_strndup (text, dot - text) : g_strdup (text);
  *port = dot ? g_strdup (dot + 1) : NULL;

  if (**node_id == '\0' || (*port != NULL && **port == '\0'))
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, value,
                      _("'%s' must be a node id or node.port, not '%s'"), name, text);
      return FALSE;
    }

  if ((node = flint_pipeline_lookup_node (pipeline, *node_id)) == NULL)
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();
      GListModel *nodes = flint_pipeline_get_nodes (pipeline);
      const char *suggestion;

      for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
        {
          g_autoptr(FlintNode) other = g_list_model_get_item (nodes, i);
          g_ptr_array_add (ids, (gpointer) flint_node_get_id (other));
        }

      if ((suggestion = suggest (*node_id, ids)) != NULL)
        set_error_node (error, FLINT_PIPELINE_ERROR_NOT_FOUND, value,
                        _("there is no node '%s' (did you mean '%s'?)"), *node_id, suggestion);
      else
        set_error_node (error, FLINT_PIPELINE_ERROR_NOT_FOUND, value,
                        _("there is no node '%s'"), *node_id);
      return FALSE;
    }

  kind = flint_node_get_kind (node);
  ports = input ? kind->inputs : kind->outputs;

  if (ports->len == 0)
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_PORT, value,
                      input ? _("node '%s' (%s) has no inputs")
                            : _("node '%s' (%s) has no outputs"),
                      *node_id, kind->id);
      return FALSE;
    }

  if (*port != NULL &&
      (input ? flint_node_kind_lookup_input (kind, *port)
             : flint_node_kind_lookup_output (kind, *port)) == NULL)
    {
      g_autofree char *names = port_names (ports);

      set_error_node (error, FLINT_PIPELINE_ERROR_PORT, value,
                      input ? _("node '%s' (%s) has no input port '%s' (it has: %s)")
                            : _("node '%s' (%s) has no output port '%s' (it has: %s)"),
                      *node_id, kind->id, *port, names);
      return FALSE;
    }

  return TRUE;
}

/* What flint_pipeline_connect() would refuse, told in the file's terms. */
static gboolean
check_input_free (FlintPipeline  *pipeline,
                  YNode          *item,
                  const char     *from_node,
                  const char     *from_port,
                  const char     *to_node,
                  const char     *to_port,
                  GError        **error)
{
  FlintNode *from = flint_pipeline_lookup_node (pipeline, from_node);
  FlintNode *to = flint_pipeline_lookup_node (pipeline, to_node);
  const FlintNodeKind *to_kind = flint_node_get_kind (to);
  const char *out_name = from_port ? from_port : first_port_name (flint_node_get_kind (from)->outputs);
  const char *in_name = to_port ? to_port : first_port_name (to_kind->inputs);
  const FlintPortSpec *in_spec = flint_node_kind_lookup_input (to_kind, in_name);
  g_autoptr(GPtrArray) inputs = flint_pipeline_dup_port_inputs (pipeline, to, in_name);

  for (guint i = 0; i < inputs->len; i++)
    {
      FlintEdge *other = g_ptr_array_index (inputs, i);

      if (g_str_equal (flint_edge_get_from_node (other), from_node) &&
          g_str_equal (flint_edge_get_from_port (other), out_name))
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_PORT, item,
                          _("'%s' is already connected to '%s' (first at line %u)"),
                          from_node, to_node, flint_edge_get_line (other));
          return FALSE;
        }

      if (in_spec != NULL && !in_spec->multiple)
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_PORT, item,
                          _("input '%s' of node '%s' takes one edge and already has one from '%s' "
                            "(at line %u)"),
                          in_name, to_node, flint_edge_get_from_node (other), flint_edge_get_line (other));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
build_edge (FlintPipeline  *pipeline,
            YNode          *item,
            guint           position,
            GError        **error)
{
  g_autofree char *where = g_strdup_printf (_("edge %u"), position + 1);
  g_autofree char *from_node = NULL, *from_port = NULL, *to_node = NULL, *to_port = NULL;
  g_autoptr(GError) local_error = NULL;
  YNode *from, *to;
  FlintEdge *edge;

  if (item->type != YNODE_MAPPING)
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, item,
                      _("an edge must be a map such as {from: a, to: b}, not %s"),
                      ynode_describe (item));
      return FALSE;
    }

  if (!check_keys (item, edge_keys, where, error))
    return FALSE;

  from = ynode_lookup (item, "from", NULL);
  to = ynode_lookup (item, "to", NULL);
  if (from == NULL || to == NULL)
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, item,
                      _("%s has no '%s'"), where, from == NULL ? "from" : "to");
      return FALSE;
    }

  if (!resolve_endpoint (pipeline, from, "from", FALSE, &from_node, &from_port, error) ||
      !resolve_endpoint (pipeline, to, "to", TRUE, &to_node, &to_port, error))
    return FALSE;

  if (g_str_equal (from_node, to_node))
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_PORT, item,
                      _("an edge cannot connect node '%s' to itself"), from_node);
      return FALSE;
    }

  if (!check_input_free (pipeline, item, from_node, from_port, to_node, to_port, error))
    return FALSE;

  edge = flint_pipeline_connect (pipeline, from_node, from_port, to_node, to_port, &local_error);
  if (edge == NULL)
    {
      propagate_at (error, g_steal_pointer (&local_error), item);
      return FALSE;
    }

  flint_edge_set_line (edge, item->line);

  return TRUE;
}

static gboolean
get_coordinate (YNode   *value,
                double  *out)
{
  if (value->type != YNODE_SCALAR)
    return FALSE;

  if (value->value_type == YVALUE_INTEGER)
    *out = (double) value->v.integer;
  else if (value->value_type == YVALUE_DOUBLE)
    *out = value->v.number;
  else
    return FALSE;

  return TRUE;
}

static gboolean
build_layout (FlintPipeline  *pipeline,
              YNode          *layout,
              GError        **error)
{
  for (guint i = 0; i < ynode_n_pairs (layout); i++)
    {
      YNode *key = ynode_key (layout, i);
      YNode *value = ynode_value (layout, i);
      FlintNode *node = flint_pipeline_lookup_node (pipeline, key->text);
      double x, y;

      if (node == NULL)
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_NOT_FOUND, key,
                          _("'layout' places node '%s', which is not in 'nodes'"), key->text);
          return FALSE;
        }

      if (value->type != YNODE_SEQUENCE || value->children->len != 2 ||
          !get_coordinate (ynode_item (value, 0), &x) ||
          !get_coordinate (ynode_item (value, 1), &y))
        {
          set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, value,
                          _("the position of '%s' must be [x, y] with two numbers"), key->text);
          return FALSE;
        }

      flint_node_set_position (node, x, y);
    }

  return TRUE;
}

static gboolean
check_version (YNode   *root,
               gint64  *version,
               GError **error)
{
  YNode *value = ynode_lookup (root, "flint", NULL);

  if (value == NULL)
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, root,
                      _("this is not a Flint pipeline: 'flint:' (the format version) is missing; "
                        "add 'flint: %d' as the first line"), FLINT_FORMAT_VERSION);
      return FALSE;
    }

  if (value->type != YNODE_SCALAR || value->value_type != YVALUE_INTEGER)
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, value, "%s",
                      _("'flint' must be an integer"));
      return FALSE;
    }

  if (value->v.integer < 0)
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, value,
                      _("'%s' is not a format version"), value->text);
      return FALSE;
    }

  if (value->v.integer > FLINT_FORMAT_VERSION)
    {
      /* The number is formatted apart: xgettext stops at G_GINT64_FORMAT inside _(). */
      g_autofree char *found = g_strdup_printf ("%" G_GINT64_FORMAT, value->v.integer);

      set_error_node (error, FLINT_PIPELINE_ERROR_VERSION, value,
                      _("the file is format %s; this Flint reads format %d "
                        "and older — update Flint"), found, FLINT_FORMAT_VERSION);
      return FALSE;
    }

  *version = value->v.integer;
  return TRUE;
}

static FlintPipeline *
build_pipeline (FlintCatalog  *catalog,
                YNode         *root,
                GError       **error)
{
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(GHashTable) id_lines = NULL;
  YNode *value;
  const char *text;
  gint64 version;

  if (root->type != YNODE_MAPPING)
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, root,
                      _("a pipeline file must be a map starting with 'flint: %d', not %s"),
                      FLINT_FORMAT_VERSION, ynode_describe (root));
      return NULL;
    }

  if (!check_version (root, &version, error))
    return NULL;

  for (gint64 v = version; v < FLINT_FORMAT_VERSION; v++)
    if (!migrations[v] (root, error))
      return NULL;

  if (!check_keys (root, top_keys, NULL, error))
    return NULL;

  pipeline = flint_pipeline_new (catalog);

  value = ynode_lookup (root, "name", NULL);
  if (value == NULL)
    {
      set_error_node (error, FLINT_PIPELINE_ERROR_INVALID, root, "%s",
                      _("the pipeline has no 'name'"));
      return NULL;
    }
  if (!get_string (value, "name", FALSE, &text, error))
    return NULL;
  flint_pipeline_set_name (pipeline, text);

  value = ynode_lookup (root, "description", NULL);
  if (!get_string (value, "description", TRUE, &text, error))
    return NULL;
  flint_pipeline_set_description (pipeline, text);

  value = ynode_lookup (root, "job", NULL);
  if (value != NULL && !ynode_is_null (value))
    {
      JsonObject *job = flint_pipeline_get_job (pipeline);

      if (!expect_type (value, YNODE_MAPPING, "job", error))
        return NULL;

      for (guint i = 0; i < ynode_n_pairs (value); i++)
        json_object_set_member (job, ynode_key (value, i)->text, ynode_to_json (ynode_value (value, i)));
    }

  id_lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  value = ynode_lookup (root, "nodes", NULL);
  if (value != NULL && !ynode_is_null (value))
    {
      if (!expect_type (value, YNODE_SEQUENCE, "nodes", error))
        return NULL;

      for (guint i = 0; i < value->children->len; i++)
        if (!build_node (pipeline, ynode_item (value, i), i, id_lines, error))
          return NULL;
    }

  value = ynode_lookup (root, "edges", NULL);
  if (value != NULL && !ynode_is_null (value))
    {
      if (!expect_type (value, YNODE_SEQUENCE, "edges", error))
        return NULL;

      for (guint i = 0; i < value->children->len; i++)
        if (!build_edge (pipeline, ynode_item (value, i), i, error))
          return NULL;
    }

  value = ynode_lookup (root, "layout", NULL);
  if (value != NULL && !ynode_is_null (value))
    {
      if (!expect_type (value, YNODE_MAPPING, "layout", error))
        return NULL;
      if (!build_layout (pipeline, value, error))
        return NULL;
    }

  return g_steal_pointer (&pipeline);
}

FlintPipeline *
flint_pipeline_load_from_data (FlintCatalog  *catalog,
                               const char    *data,
                               gsize          length,
                               GError       **error)
{
  g_autoptr(YNode) root = NULL;

  g_return_val_if_fail (FLINT_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (data == NULL)
    data = "";
  if (length == (gsize) -1)
    length = strlen (data);

  if (length > FLINT_LOAD_MAX_BYTES)
    {
      set_error_at (error, FLINT_PIPELINE_ERROR_TOO_LARGE, 1, 1,
                    _("the file is larger than %u MiB, the most a pipeline file may be"),
                    FLINT_LOAD_MAX_BYTES / (1024u * 1024u));
      return NULL;
    }

  if ((root = parse_tree (data, length, error)) == NULL)
    return NULL;

  return build_pipeline (catalog, root, error);
}

/* Reads at most FLINT_LOAD_MAX_BYTES, so a huge file is refused without reading it all. */
static GBytes *
read_limited (GFile         *file,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = NULL;
  g_autofree guint8 *chunk = NULL;
  const gsize chunk_size = 64 * 1024;

  if ((stream = g_file_read (file, cancellable, error)) == NULL)
    return NULL;

  buffer = g_byte_array_new ();
  chunk = g_malloc (chunk_size);

  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), chunk, chunk_size, cancellable, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;

      g_byte_array_append (buffer, chunk, n);
      if (buffer->len > FLINT_LOAD_MAX_BYTES)
        {
          set_error_at (error, FLINT_PIPELINE_ERROR_TOO_LARGE, 1, 1,
                        _("the file is larger than %u MiB, the most a pipeline file may be"),
                        FLINT_LOAD_MAX_BYTES / (1024u * 1024u));
          return NULL;
        }
    }

  if (!g_input_stream_close (G_INPUT_STREAM (stream), cancellable, error))
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

FlintPipeline *
flint_pipeline_load_from_file (FlintCatalog  *catalog,
                               GFile         *file,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  const char *data;

  g_return_val_if_fail (FLINT_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if ((bytes = read_limited (file, cancellable, error)) == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  return flint_pipeline_load_from_data (catalog, data ? data : "", length, error);
}

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->catalog);
  g_clear_object (&data->file);
  g_free (data);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *data = task_data;
  g_autoptr(GError) error = NULL;
  FlintPipeline *pipeline;

  pipeline = flint_pipeline_load_from_file (data->catalog, data->file, cancellable, &error);
  if (pipeline == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, pipeline, g_object_unref);
}

void
flint_pipeline_load_async (FlintCatalog        *catalog,
                           GFile               *file,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (FLINT_IS_CATALOG (catalog));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (LoadData, 1);
  data->catalog = g_object_ref (catalog);
  data->file = g_object_ref (file);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, flint_pipeline_load_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

FlintPipeline *
flint_pipeline_load_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == flint_pipeline_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Saving: style decisions */

static gunichar
next_char (const char *p)
{
  return *p ? g_utf8_get_char (p) : 0;
}

/* The characters libyaml's emitter writes as they are (its IS_PRINTABLE). */
static gboolean
is_printable (gunichar c)
{
  return c == 0x0A ||
         (c >= 0x20 && c <= 0x7E) ||
         c == 0x85 ||
         (c >= 0xA0 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

static gboolean
is_line_break (gunichar c)
{
  return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

/* Words other YAML readers (YAML 1.1: PyYAML, SnakeYAML, go-yaml v2) take for booleans,
 * numbers, dates or merge keys; quoting them keeps the file meaning the same everywhere. */
static gboolean
looks_special_elsewhere (const char *text)
{
  static const char * const words[] = {
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
    "on", "On", "ON", "off", "Off", "OFF", "<<", "=", NULL
  };
  const char *p = text;

  if (g_strv_contains (words, text))
    return TRUE;

  if (*p == '+' || *p == '-')
    p++;
  if (*p == '.')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;

  /* Numbers with '_', 0b, sexagesimal 1:30, dates 2024-01-31, times 10:00:00Z. */
  return strspn (text, "0123456789abcdefABCDEFxXoObB_.:+- TtZz") == strlen (text);
}

static gboolean
plain_allowed (const char *text,
               gboolean    in_flow)
{
  gunichar previous = 0;
  gsize length = strlen (text);

  if (length == 0)
    return FALSE;

  /* Indicators that start something else in YAML. */
  if (strchr ("-?:,[]{}#&*!|>'\"%@` ", text[0]) != NULL)
    return FALSE;
  if (g_str_has_prefix (text, "..."))
    return FALSE;
  if (text[length - 1] == ' ' || text[length - 1] == ':')
    return FALSE;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!is_printable (c) || is_line_break (c))
        return FALSE;
      if (c == ':' && (in_flow || next_char (g_utf8_next_char (p)) == ' '))
        return FALSE;
      if (c == '#' && previous == ' ')
        return FALSE;
      if (in_flow && strchr (",?[]{}", c) != NULL && c < 0x80)
        return FALSE;

      previous = c;
    }

  if (resolve_plain (text) != YVALUE_STRING)
    return FALSE;
  if (looks_special_elsewhere (text))
    return FALSE;

  return TRUE;
}

/* Multi-line text such as SQL reads best as a literal block, when that keeps it exact. */
static gboolean
literal_allowed (const char *text)
{
  gsize length = strlen (text);
  gboolean has_break = FALSE;

  if (length == 0 || text[0] == ' ' || text[0] == '\n')
    return FALSE;
  /* "|+" would be needed, and libyaml then closes the document with "...". */
  if (g_str_has_suffix (text, "\n\n"))
    return FALSE;
  if (text[length - 1] == ' ')
    return FALSE;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        {
          has_break = TRUE;
          if (p > text && p[-1] == ' ')
            return FALSE;
          continue;
        }
      if (!is_printable (c) || is_line_break (c))
        return FALSE;
    }

  return has_break;
}

static yaml_scalar_style_t
string_style (const char *text,
              gboolean    in_flow,
              gboolean    is_key)
{
  if (!in_flow && !is_key && literal_allowed (text))
    return YAML_LITERAL_SCALAR_STYLE;

  if (plain_allowed (text, in_flow))
    return YAML_PLAIN_SCALAR_STYLE;

  return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
}

/* Shortest text that reads back as the same double, and as a double. */
static char *
format_double (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    return g_strdup (".nan");
  if (isinf (value))
    return g_strdup (value > 0 ? ".inf" : "-.inf");

  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }

  if (strpbrk (buffer, ".eE") == NULL)
    return g_strconcat (buffer, ".0", NULL);

  return g_strdup (buffer);
}

static char *
format_coordinate (double value)
{
  if (isfinite (value) && value == floor (value) && fabs (value) < 1e15)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);

  return format_double (value);
}

/* Text and style of a JSON scalar. */
static char *
scalar_text (JsonNode            *node,
             gboolean             in_flow,
             yaml_scalar_style_t *style)
{
  GType type;

  *style = YAML_PLAIN_SCALAR_STYLE;

  if (JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");

  type = json_node_get_value_type (node);

  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");

  if (type == G_TYPE_INT64 || type == G_TYPE_INT || type == G_TYPE_UINT ||
      type == G_TYPE_LONG || type == G_TYPE_ULONG || type == G_TYPE_UINT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

  if (type == G_TYPE_DOUBLE || type == G_TYPE_FLOAT)
    return format_double (json_node_get_double (node));

  if (type == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      char *valid = g_utf8_make_valid (text ? text : "", -1);

      *style = string_style (valid, in_flow, FALSE);
      return valid;
    }

  return g_strdup ("null");
}

/* Columns a scalar takes on one line (an estimate for quoted text is enough: it only has
 * to be the same every time). */
static gsize
scalar_width (const char          *text,
              yaml_scalar_style_t  style)
{
  gsize width = g_utf8_strlen (text, -1);

  if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
    {
      width += 2;
      for (const char *p = text; *p; p++)
        if (*p == '"' || *p == '\\' || (guchar) *p < 0x20)
          width++;
    }

  return width;
}

static gsize
key_width (const char *key,
           gboolean    in_flow)
{
  g_autofree char *valid = g_utf8_make_valid (key, -1);

  return scalar_width (valid, string_style (valid, in_flow, TRUE));
}

/* Whether @node is a collection of scalars whose flow form fits from @column. */
static gboolean
fits_flow (JsonNode *node,
           gsize     column)
{
  gsize width = 2;
  guint n = 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (object, l->data);
          g_autofree char *text = NULL;
          yaml_scalar_style_t style;

          if (!JSON_NODE_HOLDS_VALUE (value) && !JSON_NODE_HOLDS_NULL (value))
            return FALSE;

          /* Text that would be a literal block keeps its lines: no flow. */
          g_free (scalar_text (value, FALSE, &style));
          if (style == YAML_LITERAL_SCALAR_STYLE)
            return FALSE;

          text = scalar_text (value, TRUE, &style);
          width += key_width (l->data, TRUE) + 2 + scalar_width (text, style) + (n++ > 0 ? 2 : 0);
          if (column + width > FLOW_WIDTH)
            return FALSE;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *value = json_array_get_element (array, i);
          g_autofree char *text = NULL;
          yaml_scalar_style_t style;

          if (!JSON_NODE_HOLDS_VALUE (value) && !JSON_NODE_HOLDS_NULL (value))
            return FALSE;

          g_free (scalar_text (value, FALSE, &style));
          if (style == YAML_LITERAL_SCALAR_STYLE)
            return FALSE;

          text = scalar_text (value, TRUE, &style);
          width += scalar_width (text, style) + (n++ > 0 ? 2 : 0);
          if (column + width > FLOW_WIDTH)
            return FALSE;
        }
    }
  else
    return FALSE;

  return column + width <= FLOW_WIDTH;
}

/* Saving: events */

static int
write_handler (void          *data,
               unsigned char *buffer,
               size_t         size)
{
  g_string_append_len (data, (const char *) buffer, size);
  return 1;
}

static void
writer_emit (Writer       *w,
             yaml_event_t *event)
{
  /* The emitter owns the event from here, whether it succeeds or not. */
  if (w->failed)
    {
      yaml_event_delete (event);
      return;
    }

  if (!yaml_emitter_emit (&w->emitter, event))
    {
      w->failed = TRUE;
      g_critical ("Cannot write the pipeline as YAML: %s",
                  w->emitter.problem ? w->emitter.problem : "unknown error");
    }
}

static void
emit_scalar (Writer              *w,
             const char          *text,
             yaml_scalar_style_t  style)
{
  yaml_event_t event;

  if (!yaml_scalar_event_initialize (&event, NULL, NULL, (yaml_char_t *) text, strlen (text),
                                     1, 1, style))
    {
      w->failed = TRUE;
      return;
    }

  writer_emit (w, &event);
}

static void
emit_string (Writer     *w,
             const char *text,
             gboolean    is_key)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);

  emit_scalar (w, valid, string_style (valid, w->flow_level > 0, is_key));
}

static void
emit_integer (Writer *w,
              gint64  value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);

  emit_scalar (w, text, YAML_PLAIN_SCALAR_STYLE);
}

static void
emit_mapping_start (Writer   *w,
                    gboolean  flow)
{
  yaml_event_t event;

  yaml_mapping_start_event_initialize (&event, NULL, NULL, 1,
                                       flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
  writer_emit (w, &event);
  if (flow)
    w->flow_level++;
}

static void
emit_mapping_end (Writer   *w,
                  gboolean  flow)
{
  yaml_event_t event;

  yaml_mapping_end_event_initialize (&event);
  writer_emit (w, &event);
  if (flow)
    w->flow_level--;
}

static void
emit_sequence_start (Writer   *w,
                     gboolean  flow)
{
  yaml_event_t event;

  yaml_sequence_start_event_initialize (&event, NULL, NULL, 1,
                                        flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
  writer_emit (w, &event);
  if (flow)
    w->flow_level++;
}

static void
emit_sequence_end (Writer   *w,
                   gboolean  flow)
{
  yaml_event_t event;

  yaml_sequence_end_event_initialize (&event);
  writer_emit (w, &event);
  if (flow)
    w->flow_level--;
}

/* @indent: the block indentation of @node's members; @column: where @node would start
 * on its line if written in flow style. */
static void
emit_json (Writer   *w,
           JsonNode *node,
           gsize     indent,
           gsize     column)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);
      gboolean flow = w->flow_level > 0 || members == NULL || fits_flow (node, column);

      emit_mapping_start (w, flow);
      for (GList *l = members; l != NULL; l = l->next)
        {
          emit_string (w, l->data, TRUE);
          emit_json (w, json_object_get_member (object, l->data),
                     indent + 2, indent + key_width (l->data, FALSE) + 2);
        }
      emit_mapping_end (w, flow);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);
      gboolean flow = w->flow_level > 0 || n == 0 || fits_flow (node, column);

      emit_sequence_start (w, flow);
      for (guint i = 0; i < n; i++)
        emit_json (w, json_array_get_element (array, i), indent + 2, indent + 2);
      emit_sequence_end (w, flow);
    }
  else
    {
      yaml_scalar_style_t style;
      g_autofree char *text = scalar_text (node, w->flow_level > 0, &style);

      emit_scalar (w, text, style);
    }
}

static void
emit_key_json (Writer     *w,
               const char *key,
               JsonNode   *value,
               gsize       indent)
{
  emit_string (w, key, TRUE);
  emit_json (w, value, indent + 2, indent + key_width (key, FALSE) + 2);
}

static JsonNode *
column_to_json (const FlintColumn *column)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, column->name);
  if (column->type != NULL)
    {
      g_autofree char *type = flint_data_type_to_string (column->type);

      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, type);
    }
  if (!column->nullable)
    {
      json_builder_set_member_name (builder, "nullable");
      json_builder_add_boolean_value (builder, FALSE);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
format_endpoint (FlintNode  *node,
                 const char *node_id,
                 const char *port,
                 gboolean    input)
{
  const char *first = NULL;

  if (node != NULL)
    {
      const FlintNodeKind *kind = flint_node_get_kind (node);

      first = first_port_name (input ? kind->inputs : kind->outputs);
    }

  if (port == NULL || g_strcmp0 (port, first) == 0)
    return g_strdup (node_id);

  return g_strconcat (node_id, ".", port, NULL);
}

static void
emit_node (Writer    *w,
           FlintNode *node)
{
  JsonObject *params = flint_node_get_params (node);
  FlintSchema *schema = flint_node_get_schema (node);

  emit_mapping_start (w, FALSE);

  emit_string (w, "id", TRUE);
  emit_string (w, flint_node_get_id (node), FALSE);
  emit_string (w, "kind", TRUE);
  emit_string (w, flint_node_get_kind_id (node), FALSE);

  if (flint_node_get_label (node) != NULL)
    {
      emit_string (w, "label", TRUE);
      emit_string (w, flint_node_get_label (node), FALSE);
    }

  if (params != NULL && json_object_get_size (params) > 0)
    {
      g_autoptr(JsonNode) value = json_node_init_object (json_node_alloc (), params);

      emit_key_json (w, "params", value, 2);
    }

  if (schema != NULL)
    {
      guint n = flint_schema_get_n_columns (schema);

      emit_string (w, "schema", TRUE);
      emit_sequence_start (w, n == 0);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(JsonNode) column = column_to_json (flint_schema_get_column (schema, i));

          emit_json (w, column, 4, 4);
        }
      emit_sequence_end (w, n == 0);
    }

  emit_mapping_end (w, FALSE);
}

char *
flint_pipeline_to_yaml (FlintPipeline *self,
                        gsize         *length)
{
  g_autoptr(GString) out = g_string_new (NULL);
  GListModel *nodes, *edges;
  JsonObject *job;
  yaml_event_t event;
  gboolean any_position = FALSE;
  guint n_nodes, n_edges;
  Writer w = { 0, };

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);

  if (!yaml_emitter_initialize (&w.emitter))
    g_error ("Cannot create a YAML emitter: out of memory");

  w.out = out;
  yaml_emitter_set_output (&w.emitter, write_handler, out);
  yaml_emitter_set_unicode (&w.emitter, 1);
  yaml_emitter_set_width (&w.emitter, -1);   /* never fold long lines */
  yaml_emitter_set_indent (&w.emitter, 2);
  yaml_emitter_set_break (&w.emitter, YAML_LN_BREAK);

  yaml_stream_start_event_initialize (&event, YAML_UTF8_ENCODING);
  writer_emit (&w, &event);
  yaml_document_start_event_initialize (&event, NULL, NULL, NULL, 1);
  writer_emit (&w, &event);

  emit_mapping_start (&w, FALSE);

  emit_string (&w, "flint", TRUE);
  emit_integer (&w, FLINT_FORMAT_VERSION);

  emit_string (&w, "name", TRUE);
  emit_string (&w, flint_pipeline_get_name (self), FALSE);

  if (flint_pipeline_get_description (self) != NULL)
    {
      emit_string (&w, "description", TRUE);
      emit_string (&w, flint_pipeline_get_description (self), FALSE);
    }

  job = flint_pipeline_get_job (self);
  if (job != NULL && json_object_get_size (job) > 0)
    {
      g_autoptr(JsonNode) value = json_node_init_object (json_node_alloc (), job);

      emit_key_json (&w, "job", value, 0);
    }

  nodes = flint_pipeline_get_nodes (self);
  n_nodes = g_list_model_get_n_items (nodes);
  emit_string (&w, "nodes", TRUE);
  emit_sequence_start (&w, n_nodes == 0);
  for (guint i = 0; i < n_nodes; i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);

      emit_node (&w, node);
      any_position |= flint_node_get_position (node, NULL, NULL);
    }
  emit_sequence_end (&w, n_nodes == 0);

  edges = flint_pipeline_get_edges (self);
  n_edges = g_list_model_get_n_items (edges);
  if (n_edges > 0)
    {
      emit_string (&w, "edges", TRUE);
      emit_sequence_start (&w, FALSE);
      for (guint i = 0; i < n_edges; i++)
        {
          g_autoptr(FlintEdge) edge = g_list_model_get_item (edges, i);
          const char *from_id = flint_edge_get_from_node (edge);
          const char *to_id = flint_edge_get_to_node (edge);
          g_autofree char *from = format_endpoint (flint_pipeline_lookup_node (self, from_id), from_id,
                                                   flint_edge_get_from_port (edge), FALSE);
          g_autofree char *to = format_endpoint (flint_pipeline_lookup_node (self, to_id), to_id,
                                                 flint_edge_get_to_port (edge), TRUE);

          emit_mapping_start (&w, TRUE);
          emit_string (&w, "from", TRUE);
          emit_string (&w, from, FALSE);
          emit_string (&w, "to", TRUE);
          emit_string (&w, to, FALSE);
          emit_mapping_end (&w, TRUE);
        }
      emit_sequence_end (&w, FALSE);
    }

  if (any_position)
    {
      emit_string (&w, "layout", TRUE);
      emit_mapping_start (&w, FALSE);
      for (guint i = 0; i < n_nodes; i++)
        {
          g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
          g_autofree char *x_text = NULL, *y_text = NULL;
          double x, y;

          if (!flint_node_get_position (node, &x, &y))
            continue;

          x_text = format_coordinate (x);
          y_text = format_coordinate (y);

          emit_string (&w, flint_node_get_id (node), TRUE);
          emit_sequence_start (&w, TRUE);
          emit_scalar (&w, x_text, YAML_PLAIN_SCALAR_STYLE);
          emit_scalar (&w, y_text, YAML_PLAIN_SCALAR_STYLE);
          emit_sequence_end (&w, TRUE);
        }
      emit_mapping_end (&w, FALSE);
    }

  emit_mapping_end (&w, FALSE);

  yaml_document_end_event_initialize (&event, 1);
  writer_emit (&w, &event);
  yaml_stream_end_event_initialize (&event);
  writer_emit (&w, &event);

  if (!w.failed && !yaml_emitter_flush (&w.emitter))
    w.failed = TRUE;
  yaml_emitter_delete (&w.emitter);

  if (w.failed)
    {
      if (length != NULL)
        *length = 0;
      return NULL;
    }

  if (length != NULL)
    *length = out->len;

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Saving: files */

/* g_file_replace_contents() with REPLACE_DESTINATION always writes a temporary file and
 * renames it, or fails before touching the file; without it, GIO falls back to rewriting
 * the file in place when it cannot create the temporary file. Since that flag would
 * replace a symbolic link with a file and drop the permissions, follow links here and
 * put the permissions back afterwards. */
static gboolean
replace_file (GFile         *file,
              GBytes        *bytes,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GFile) target = g_object_ref (file);
  gboolean has_mode = FALSE;
  guint32 mode = 0;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  for (guint hops = 0; hops < 32; hops++)
    {
      g_autoptr(GFileInfo) info = NULL;
      g_autoptr(GError) local_error = NULL;

      info = g_file_query_info (target,
                                G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                G_FILE_ATTRIBUTE_STANDARD_SYMLINK_TARGET ","
                                G_FILE_ATTRIBUTE_UNIX_MODE,
                                G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, &local_error);
      if (info == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          break;  /* a new file, or one replace will report on */
        }

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_SYMBOLIC_LINK &&
          g_file_info_get_symlink_target (info) != NULL)
        {
          g_autoptr(GFile) parent = g_file_get_parent (target);
          GFile *next;

          if (parent == NULL)
            break;
          next = g_file_resolve_relative_path (parent, g_file_info_get_symlink_target (info));
          g_set_object (&target, next);
          g_object_unref (next);
          continue;
        }

      if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_UNIX_MODE))
        {
          mode = g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_MODE) & 07777;
          has_mode = TRUE;
        }
      break;
    }

  if (!g_file_replace_contents (target, data ? data : "", length, NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, error))
    return FALSE;

  if (has_mode)
    {
      g_autoptr(GError) local_error = NULL;

      if (!g_file_set_attribute_uint32 (target, G_FILE_ATTRIBUTE_UNIX_MODE, mode,
                                        G_FILE_QUERY_INFO_NONE, NULL, &local_error))
        g_debug ("Cannot restore the permissions of the saved file: %s", local_error->message);
    }

  return TRUE;
}

static GBytes *
serialize (FlintPipeline *self)
{
  gsize length = 0;
  char *text = flint_pipeline_to_yaml (self, &length);

  if (text == NULL)
    return NULL;

  return g_bytes_new_take (text, length);
}

gboolean
flint_pipeline_save_to_file (FlintPipeline  *self,
                             GFile          *file,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);

  if ((bytes = serialize (self)) == NULL)
    {
      g_set_error_literal (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID,
                           _("The pipeline cannot be written as YAML"));
      return FALSE;
    }

  return replace_file (file, bytes, cancellable, error);
}

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autoptr(GError) error = NULL;

  if (!replace_file (data->file, data->bytes, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
flint_pipeline_save_async (FlintPipeline       *self,
                           GFile               *file,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SaveData *data;

  g_return_if_fail (FLINT_IS_PIPELINE (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flint_pipeline_save_async);

  /* The document may change while the thread writes: take its text now. */
  if ((bytes = serialize (self)) == NULL)
    {
      g_task_return_new_error (task, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID,
                               "%s", _("The pipeline cannot be written as YAML"));
      return;
    }

  data = g_new0 (SaveData, 1);
  data->file = g_object_ref (file);
  data->bytes = g_steal_pointer (&bytes);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
flint_pipeline_save_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == flint_pipeline_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
