/* flint-python.c: PySpark from a pipeline
 *
 * The module has one function per node (in the plan's order and with its names), a
 * build(spark) that wires them and returns each sink's result by node id, and a main()
 * that makes the SparkSession from the job settings. Every user string reaches the
 * text through flint_writer_python_string_literal(); expressions run through F.expr();
 * only code nodes insert user code, between two comment lines naming the node.
 *
 * Lines are laid out the way black leaves them (88 columns): a statement that fits
 * stays on one line; a method chain of several calls is wrapped in parentheses with a
 * call per line; otherwise the last bracket is split, its contents on one line or one
 * per line with a trailing comma. The golden tests run black --check on the result.
 *
 * Secrets never appear as values: a reference is turned into code that reads the secret
 * when the job runs (see secret_expression()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-codegen"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "flint-emit-private.h"

#define LINE_LENGTH 88

/* Layout {{{ */

typedef enum
{
  PY_ATOM,   /* text that is never split */
  PY_CALL,   /* head(args) */
  PY_SEQ,    /* [items], (items), {items} */
  PY_CHAIN,  /* base.call(...).call(...): items are the trailing calls */
} PyKind;

typedef struct _Py Py;

struct _Py
{
  PyKind     kind;
  char      *text;   /* ATOM: the text; CALL: the head ("F.expr", ".option"); SEQ: "[]" */
  Py        *base;   /* CHAIN */
  GPtrArray *items;  /* CALL: arguments; SEQ: items; CHAIN: trailers (CALL) */
};

static void
py_free (gpointer data)
{
  Py *self = data;

  if (self == NULL)
    return;
  g_free (self->text);
  py_free (self->base);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Py, py_free)

static Py *
py_new (PyKind kind, char *text)
{
  Py *self = g_new0 (Py, 1);

  self->kind = kind;
  self->text = text;
  self->items = g_ptr_array_new_with_free_func (py_free);

  return self;
}

static Py *
py_atom (const char *text)
{
  return py_new (PY_ATOM, g_strdup (text));
}

static Py *
py_take_atom (char *text)
{
  return py_new (PY_ATOM, text);
}

static Py *
py_atomf (const char *format, ...) G_GNUC_PRINTF (1, 2);

static Py *
py_atomf (const char *format, ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  return py_take_atom (text);
}

/* A string literal for @text. */
static Py *
py_str (const char *text)
{
  return py_take_atom (flint_writer_python_string_literal (text ? text : ""));
}

static Py *
py_call (const char *head)
{
  return py_new (PY_CALL, g_strdup (head));
}

static Py *
py_seq (const char *brackets)
{
  return py_new (PY_SEQ, g_strdup (brackets));
}

static Py *
py_add (Py *self, Py *item)
{
  g_ptr_array_add (self->items, item);
  return self;
}

static Py *
py_method (const char *object, const char *method)
{
  g_autofree char *head = g_strconcat (object, ".", method, NULL);

  return py_call (head);
}

/* Starts a chain from @base (ideally ending in a call). */
static Py *
py_chain (Py *base)
{
  Py *self = py_new (PY_CHAIN, NULL);

  self->base = base;
  return self;
}

/* Appends .method(args...) to a chain; returns the call to add arguments to. */
static Py *
py_trailer (Py *chain, const char *method)
{
  g_autofree char *head = g_strconcat (".", method, NULL);
  Py *call = py_call (head);

  g_ptr_array_add (chain->items, call);
  return call;
}

static void
flat (Py *self, GString *out)
{
  switch (self->kind)
    {
    case PY_ATOM:
      g_string_append (out, self->text);
      break;
    case PY_CALL:
      g_string_append (out, self->text);
      g_string_append_c (out, '(');
      for (guint i = 0; i < self->items->len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          flat (g_ptr_array_index (self->items, i), out);
        }
      g_string_append_c (out, ')');
      break;
    case PY_SEQ:
      g_string_append_c (out, self->text[0]);
      for (guint i = 0; i < self->items->len; i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          flat (g_ptr_array_index (self->items, i), out);
        }
      g_string_append_c (out, self->text[1]);
      break;
    case PY_CHAIN:
      flat (self->base, out);
      for (guint i = 0; i < self->items->len; i++)
        flat (g_ptr_array_index (self->items, i), out);
      break;
    default:
      g_assert_not_reached ();
    }
}

static char *
flat_string (Py *self)
{
  GString *out = g_string_new (NULL);

  flat (self, out);
  return g_string_free (out, FALSE);
}

static void
add_line (GPtrArray  *lines,
          guint       indent,
          const char *a,
          const char *b,
          const char *c)
{
  g_ptr_array_add (lines, g_strdup_printf ("%*s%s%s%s", (int) indent, "", a, b ? b : "", c ? c : ""));
}

static gboolean
fits (guint indent, const char *a, const char *b, const char *c)
{
  return indent + g_utf8_strlen (a, -1) + (b ? g_utf8_strlen (b, -1) : 0) + (c ? g_utf8_strlen (c, -1) : 0) <= LINE_LENGTH;
}

static void layout (Py *self, guint indent, const char *prefix, const char *suffix,
                    gboolean optional_parens, GPtrArray *lines);

/* Splits at the last opening bracket: head, the contents, the closing bracket. */
static void
split_brackets (const char *head,
                GPtrArray  *items,
                const char *close,
                guint       indent,
                GPtrArray  *lines)
{
  g_autoptr(GString) body = g_string_new (NULL);

  add_line (lines, indent, head, NULL, NULL);

  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append (body, ", ");
      flat (g_ptr_array_index (items, i), body);
    }

  if (items->len == 0)
    ;
  else if (fits (indent + 4, body->str, NULL, NULL))
    add_line (lines, indent + 4, body->str, NULL, NULL);
  else if (items->len == 1)
    layout (g_ptr_array_index (items, 0), indent + 4, "", "", FALSE, lines);
  else
    for (guint i = 0; i < items->len; i++)
      layout (g_ptr_array_index (items, i), indent + 4, "", ",", FALSE, lines);

  add_line (lines, indent, close, NULL, NULL);
}

static void
layout_chain_lines (Py         *self,
                    guint       indent,
                    const char *suffix,
                    GPtrArray  *lines)
{
  layout (self->base, indent, "", self->items->len == 0 ? suffix : "", FALSE, lines);
  for (guint i = 0; i < self->items->len; i++)
    layout (g_ptr_array_index (self->items, i), indent, "", i + 1 == self->items->len ? suffix : "", FALSE, lines);
}

static void
layout (Py         *self,
        guint       indent,
        const char *prefix,
        const char *suffix,
        gboolean    optional_parens,
        GPtrArray  *lines)
{
  g_autofree char *text = flat_string (self);

  if (fits (indent, prefix, text, suffix) || (self->kind == PY_CALL && self->items->len == 0) ||
      (self->kind == PY_CHAIN && self->items->len == 1 &&
       ((Py *) g_ptr_array_index (self->items, 0))->items->len == 0))
    {
      add_line (lines, indent, prefix, text, suffix);
      return;
    }

  switch (self->kind)
    {
    case PY_ATOM:
      add_line (lines, indent, prefix, text, suffix);
      break;

    case PY_CALL:
      {
        g_autofree char *head = g_strconcat (prefix, self->text, "(", NULL);
        g_autofree char *close = g_strconcat (")", suffix, NULL);

        split_brackets (head, self->items, close, indent, lines);
      }
      break;

    case PY_SEQ:
      {
        char open[2] = { self->text[0], '\0' };
        g_autofree char *head = g_strconcat (prefix, open, NULL);
        g_autofree char *close = g_strdup_printf ("%c%s", self->text[1], suffix);

        split_brackets (head, self->items, close, indent, lines);
      }
      break;

    case PY_CHAIN:
      if (self->items->len >= 2 && optional_parens)
        {
          /* Black makes the optional parentheses visible, then puts a call a line. */
          g_autofree char *open = g_strconcat (prefix, "(", NULL);
          g_autofree char *close = g_strconcat (")", suffix, NULL);

          add_line (lines, indent, open, NULL, NULL);
          if (fits (indent + 4, text, NULL, NULL))
            add_line (lines, indent + 4, text, NULL, NULL);
          else
            layout_chain_lines (self, indent + 4, "", lines);
          add_line (lines, indent, close, NULL, NULL);
        }
      else if (self->items->len >= 2 && *prefix == '\0')
        {
          /* Inside brackets a chain splits at its dots without parentheses. */
          layout_chain_lines (self, indent, suffix, lines);
        }
      else if (self->items->len == 0)
        layout (self->base, indent, prefix, suffix, optional_parens, lines);
      else
        {
          /* One call after the base: split the last bracket. */
          Py *last = g_ptr_array_index (self->items, self->items->len - 1);
          g_autoptr(GString) head = g_string_new (prefix);
          g_autofree char *close = g_strconcat (")", suffix, NULL);

          flat (self->base, head);
          for (guint i = 0; i + 1 < self->items->len; i++)
            flat (g_ptr_array_index (self->items, i), head);
          g_string_append (head, last->text);
          g_string_append_c (head, '(');
          split_brackets (head->str, last->items, close, indent, lines);
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

/* }}} */

/* Emitting {{{ */

typedef struct
{
  FlintEmitContext *ctx;
  FlintWriter      *w;
  gboolean          streaming;
  /* What the module needs, found while writing the functions. */
  gboolean          need_window;
  gboolean          need_storage_level;
  gboolean          need_os;
  gboolean          need_env_secret;
  gboolean          need_databricks_secret;
  gboolean          need_job;
  gboolean          batch_sinks;  /* a sink that writes a batch, giving None to build() */
  GHashTable       *packages;  /* Maven coordinates main() asks for */
} Emit;

static void
emit_lines (Emit *e, Py *expr, const char *prefix, gboolean optional_parens)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  guint base = flint_writer_get_level (e->w) * 4;

  layout (expr, base, prefix, "", optional_parens, lines);
  for (guint i = 0; i < lines->len; i++)
    flint_writer_line (e->w, (const char *) g_ptr_array_index (lines, i) + base);
  py_free (expr);
}

/* name = expr */
static void
emit_assign (Emit *e, const char *name, Py *expr)
{
  g_autofree char *prefix = g_strconcat (name, " = ", NULL);

  emit_lines (e, expr, prefix, TRUE);
}

static void
emit_return (Emit *e, Py *expr)
{
  emit_lines (e, expr, "return ", TRUE);
}

static void
emit_statement (Emit *e, Py *expr)
{
  emit_lines (e, expr, "", FALSE);
}

/* Blank lines that the writer does not collapse: black wants two between top-level
 * definitions. */
static void
blank_lines (Emit *e, guint n)
{
  for (guint i = 0; i < n; i++)
    flint_writer_line (e->w, " ");
}

/* A comment that can never end early or hide characters: controls, line and paragraph
 * separators and format characters (bidi overrides) become spaces. */
static char *
comment_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isprint (c) || c == 0x2028 || c == 0x2029 || c == 0x85)
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

/* Wraps @text into "# " comment lines of at most LINE_LENGTH columns. */
static void
emit_comment (Emit *e, const char *text)
{
  g_autofree char *clean = comment_text (text);
  g_auto(GStrv) words = g_strsplit (clean, " ", -1);
  g_autoptr(GString) line = g_string_new ("#");
  guint width = LINE_LENGTH - flint_writer_get_level (e->w) * 4;

  for (guint i = 0; words[i]; i++)
    {
      if (words[i][0] == '\0')
        continue;
      if (line->len > 1 && g_utf8_strlen (line->str, -1) + 1 + g_utf8_strlen (words[i], -1) > width)
        {
          flint_writer_line (e->w, line->str);
          g_string_assign (line, "#");
        }
      g_string_append_c (line, ' ');
      g_string_append (line, words[i]);
    }
  if (line->len > 1)
    flint_writer_line (e->w, line->str);
}


/* Names the generated module defines or imports: no argument may shadow them. */
static const char *module_names[] = {
  "spark", "F", "Window", "DataFrame", "SparkSession", "StorageLevel", "os",
  "contextmanager", "build", "main", NULL
};

/* Locals the node functions use: an argument of the same name would be overwritten. */
static const char *local_names[] = {
  "df", "rows", "window", "grouped", "joined", "numbered", "failed", "checked", "out",
  "quarantine", "failures", "counts", "writer", "records", "condition", "left", "right",
  "run", "merge_batch", "row", "name", NULL
};

/* An argument name for what flows from @node_id (and its @port when not the first).
 * In a code node's function the user's code names its inputs: only module names are
 * avoided there. */
static char *
argument_name (const char *node_id,
               const char *port,
               gboolean    user_code)
{
  GString *name = g_string_new (NULL);

  for (const char *p = node_id; *p; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) ? *p : '_');
  if (port != NULL)
    {
      g_string_append_c (name, '_');
      for (const char *p = port; *p; p++)
        g_string_append_c (name, g_ascii_isalnum (*p) ? *p : '_');
    }
  if (name->len == 0 || g_ascii_isdigit (name->str[0]))
    g_string_prepend_c (name, '_');
  if (flint_writer_is_python_keyword (name->str) || g_strv_contains (module_names, name->str) ||
      (!user_code && g_strv_contains (local_names, name->str)) || (user_code && g_str_equal (name->str, "run")))
    g_string_append (name, "_df");

  return g_string_free (name, FALSE);
}

static gboolean
port_is_first_output (FlintNode  *node,
                      const char *port)
{
  GPtrArray *outputs = flint_node_get_kind (node)->outputs;

  return port == NULL || outputs->len == 0 ||
         g_str_equal (((FlintPortSpec *) g_ptr_array_index (outputs, 0))->name, port);
}

/* The argument names of a step's inputs, in the plan's order, unique. */
static GPtrArray *
input_names (Emit *e, const FlintCodeStep *step)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < step->inputs->len; i++)
    {
      FlintEdge *edge = g_ptr_array_index (step->inputs, i);
      const FlintCodeStep *from = flint_code_plan_get_source (e->ctx->plan, edge);
      const char *port = flint_edge_get_from_port (edge);
      g_autofree char *base = argument_name (flint_edge_get_from_node (edge),
                                             port_is_first_output (from->node, port) ? NULL : port,
                                             g_str_equal (flint_node_get_kind_id (step->node), "transform.code"));
      char *name = g_strdup (base);

      for (guint n = 2; g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL) || g_str_equal (name, "spark"); n++)
        {
          g_free (name);
          name = g_strdup_printf ("%s_%u", base, n);
        }
      g_ptr_array_add (names, name);
    }

  return names;
}

/* Parameters {{{ */

static JsonNode *
param (FlintNode *node, const char *name)
{
  return flint_node_get_param_or_default (node, name);
}

static gboolean
is_set (FlintNode *node, const char *name)
{
  JsonNode *value = flint_node_get_param (node, name);

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return TRUE;
  if (JSON_NODE_HOLDS_ARRAY (value))
    return json_array_get_length (json_node_get_array (value)) > 0;
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  while (*text && g_ascii_isspace (*text))
    text++;
  return *text == '\0';
}

static const char *
string_param (FlintNode *node, const char *name)
{
  JsonNode *value = param (node, name);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (value);
}

static gboolean
bool_param (FlintNode *node, const char *name, gboolean fallback)
{
  JsonNode *value = param (node, name);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (value);
}

static JsonArray *
array_param (FlintNode *node, const char *name)
{
  JsonNode *value = param (node, name);

  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return NULL;
  return json_node_get_array (value);
}

static guint
array_length (JsonArray *array)
{
  return array ? json_array_get_length (array) : 0;
}

static const char *
item_string (JsonArray *array, guint index)
{
  JsonNode *item = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (item);
}

static JsonNode *
record_member (JsonArray *array, guint index, const char *field)
{
  JsonNode *item = json_array_get_element (array, index);

  if (!JSON_NODE_HOLDS_OBJECT (item))
    return NULL;
  return json_object_get_member (json_node_get_object (item), field);
}

static const char *
record_string (JsonArray *array, guint index, const char *field)
{
  JsonNode *value = record_member (array, index, field);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (value);
}

/* A Python literal for a scalar JSON value (a string, number, boolean or null). */
static Py *
py_value (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return py_atom ("None");

  if (JSON_NODE_HOLDS_VALUE (value))
    {
      GType type = json_node_get_value_type (value);

      if (type == G_TYPE_BOOLEAN)
        return py_atom (json_node_get_boolean (value) ? "True" : "False");
      if (type == G_TYPE_INT64)
        return py_atomf ("%" G_GINT64_FORMAT, json_node_get_int (value));
      if (type == G_TYPE_DOUBLE)
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];
          g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (value));
          if (strpbrk (buffer, ".eEn") == NULL)
            return py_atomf ("%s.0", buffer);
          return py_atom (buffer);
        }
      if (type == G_TYPE_STRING)
        return py_str (json_node_get_string (value));
    }

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      Py *list = py_seq ("[]");

      for (guint i = 0; i < json_array_get_length (array); i++)
        py_add (list, py_value (json_array_get_element (array, i)));
      return list;
    }

  if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObject *object = json_node_get_object (value);
      g_autoptr(GList) members = json_object_get_members (object);
      Py *dict = py_seq ("{}");

      for (GList *l = members; l; l = l->next)
        {
          g_autofree char *key = flint_writer_python_string_literal (l->data);
          g_autoptr(Py) item = py_value (json_object_get_member (object, l->data));
          g_autofree char *text = flat_string (item);

          py_add (dict, py_atomf ("%s: %s", key, text));
        }
      return dict;
    }

  return py_atom ("None");
}

/* The value of a scalar JSON node as text (for conf values). */
static char *
value_text (JsonNode *value)
{
  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return g_strdup ("");
  switch (json_node_get_value_type (value))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (value));
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (value) ? "true" : "false");
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
    default:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (value)));
      }
    }
}

/* F.col() of a column name, quoted where Spark would otherwise parse it. */
static Py *
py_col (const char *name)
{
  g_autofree char *quoted = flint_writer_sql_identifier (name);

  return py_add (py_call ("F.col"), py_str (quoted));
}

/* A column argument for groupBy() and the like: the plain name when it needs no
 * quoting, else F.col() of the quoted name. */
static Py *
py_column_arg (const char *name)
{
  if (!flint_writer_sql_needs_quoting (name))
    return py_str (name);
  return py_col (name);
}

static Py *
py_expr (const char *text)
{
  return py_add (py_call ("F.expr"), py_str (text));
}

/* The columns an order_by list names, as sort expressions. */
static void
add_sort_columns (Py *call, JsonArray *order_by)
{
  for (guint i = 0; i < array_length (order_by); i++)
    {
      const char *column = record_string (order_by, i, "column");
      const char *direction = record_string (order_by, i, "direction");
      const char *nulls = record_string (order_by, i, "nulls");
      gboolean desc = g_strcmp0 (direction, "desc") == 0;
      g_autofree char *method = NULL;
      Py *chain;

      if (column == NULL)
        column = item_string (order_by, i);
      if (column == NULL)
        continue;

      if (nulls != NULL && (g_str_equal (nulls, "first") || g_str_equal (nulls, "last")))
        method = g_strdup_printf ("%s_nulls_%s", desc ? "desc" : "asc", nulls);
      else
        method = g_strdup (desc ? "desc" : "asc");

      chain = py_chain (py_col (column));
      py_trailer (chain, method);
      py_add (call, chain);
    }
}

/* }}} */

/* Secrets {{{ */

/* The environment variable a secret reference is read from where the reference has no
 * run-time API of its own: FLINT_SECRET_ and the reference's name in upper case, every
 * other character an underscore (k8s:db-creds/password -> FLINT_SECRET_DB_CREDS_PASSWORD). */
static char *
secret_env_name (const char *name)
{
  GString *out = g_string_new ("FLINT_SECRET_");

  for (const char *p = name; *p; p++)
    g_string_append_c (out, g_ascii_isalnum (*p) ? g_ascii_toupper (*p) : '_');

  return g_string_free (out, FALSE);
}

/* Code that reads the secret @reference refers to when the job runs:
 *   env:NAME               os.environ["NAME"] (through _env_secret, for a clear error)
 *   {{secrets/scope/key}}  dbutils.secrets.get(scope, key) on Databricks, else
 *                          FLINT_SECRET_SCOPE_KEY from the environment
 *   k8s:secret/key         FLINT_SECRET_SECRET_KEY, which the SparkApplication maps
 *                          from the Kubernetes secret
 *   keyring:name           FLINT_SECRET_NAME, which the local target fills from the
 *                          keyring when it starts the job */
static Py *
secret_expression (Emit *e, const char *reference)
{
  if (g_str_has_prefix (reference, "env:"))
    {
      e->need_env_secret = e->need_os = TRUE;
      return py_add (py_call ("_env_secret"), py_str (reference + 4));
    }

  if (g_str_has_prefix (reference, "{{secrets/") && g_str_has_suffix (reference, "}}"))
    {
      g_autofree char *inner = g_strndup (reference + 10, strlen (reference) - 12);
      char *slash = strchr (inner, '/');
      g_autofree char *env = NULL;
      Py *call = py_call ("_databricks_secret");

      e->need_databricks_secret = e->need_os = e->need_env_secret = TRUE;
      if (slash != NULL)
        *slash = '\0';
      env = secret_env_name (reference + 10);
      env[strlen (env) - 2] = '\0';  /* the closing braces */
      py_add (call, py_atom ("spark"));
      py_add (call, py_str (inner));
      py_add (call, py_str (slash ? slash + 1 : ""));
      py_add (call, py_str (env));
      return call;
    }

  {
    const char *name = strchr (reference, ':') ? strchr (reference, ':') + 1 : reference;
    g_autofree char *env = secret_env_name (name);

    e->need_env_secret = e->need_os = TRUE;
    return py_add (py_call ("_env_secret"), py_str (env));
  }
}

/* }}} */

/* Readers and writers {{{ */

static char *ddl_type (FlintDataType *type);

static char *
ddl_fields (FlintSchema *schema, const char *separator)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; schema && i < flint_schema_get_n_columns (schema); i++)
    {
      const FlintColumn *column = flint_schema_get_column (schema, i);
      g_autofree char *name = flint_writer_sql_identifier (column->name);
      g_autofree char *type = column->type ? ddl_type (column->type) : g_strdup ("STRING");

      if (i > 0)
        g_string_append (out, ", ");
      g_string_append_printf (out, "%s%s%s%s", name, separator, type, column->nullable ? "" : " NOT NULL");
    }

  return g_string_free (out, FALSE);
}

/* Spark's DDL for a type, with struct field names quoted where needed. */
static char *
ddl_type (FlintDataType *type)
{
  FlintTypeKind kind = flint_data_type_get_kind (type);

  if (kind == FLINT_TYPE_KIND_ARRAY)
    {
      g_autofree char *element = ddl_type (flint_data_type_get_element (type));
      return g_strdup_printf ("ARRAY<%s>", element);
    }
  if (kind == FLINT_TYPE_KIND_MAP)
    {
      g_autofree char *key = ddl_type (flint_data_type_get_key (type));
      g_autofree char *value = ddl_type (flint_data_type_get_value (type));
      return g_strdup_printf ("MAP<%s, %s>", key, value);
    }
  if (kind == FLINT_TYPE_KIND_STRUCT)
    {
      g_autofree char *fields = ddl_fields (flint_data_type_get_fields (type), ": ");
      return g_strdup_printf ("STRUCT<%s>", fields);
    }
  if (kind == FLINT_TYPE_KIND_LONG)
    return g_strdup ("BIGINT");
  if (kind == FLINT_TYPE_KIND_SHORT)
    return g_strdup ("SMALLINT");
  if (kind == FLINT_TYPE_KIND_BYTE)
    return g_strdup ("TINYINT");
  if (kind == FLINT_TYPE_KIND_NULL)
    return g_strdup ("VOID");

  {
    g_autofree char *text = flint_data_type_to_string (type);
    return g_ascii_strup (text, -1);
  }
}

static gboolean
is_streaming_only (const char *name)
{
  static const char *names[] = {
    "checkpoint_location", "output_mode", "trigger", "trigger_interval", "query_name",
    "max_files_per_trigger", "max_offsets_per_trigger", "skip_change_commits", NULL
  };

  return g_strv_contains (names, name);
}

/* .option(name, value) for each parameter with a Spark option that is set (or required),
 * then the free-form options map. Secrets become run-time lookups. */
static void
add_options (Emit *e, Py *chain, FlintNode *node)
{
  const FlintNodeKind *kind = flint_node_get_kind (node);
  JsonNode *extra;

  for (guint i = 0; i < kind->params->len; i++)
    {
      const FlintParamSpec *spec = g_ptr_array_index (kind->params, i);
      const char *option = flint_param_spec_get_option (spec);
      JsonNode *value = flint_node_get_param (node, spec->name);
      Py *call;

      if (option == NULL || value == NULL || JSON_NODE_HOLDS_NULL (value))
        continue;
      if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING &&
          spec->type != FLINT_PARAM_STRING && is_blank (json_node_get_string (value)))
        continue;
      if (!e->streaming && is_streaming_only (spec->name))
        continue;

      call = py_trailer (chain, "option");
      py_add (call, py_str (option));
      if (spec->type == FLINT_PARAM_SECRET && JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_STRING)
        py_add (call, secret_expression (e, json_node_get_string (value)));
      else
        py_add (call, py_value (value));
    }

  extra = flint_node_get_param (node, "options");
  if (extra != NULL && JSON_NODE_HOLDS_OBJECT (extra))
    {
      JsonObject *object = json_node_get_object (extra);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l; l = l->next)
        {
          Py *call = py_trailer (chain, "option");

          py_add (call, py_str (l->data));
          py_add (call, py_value (json_object_get_member (object, l->data)));
        }
    }
}

static const char *
format_of (const char *kind_id)
{
  const char *dot = strchr (kind_id, '.');

  return dot ? dot + 1 : kind_id;
}

static void
add_package (Emit *e, const char *what)
{
  JsonNode *version_node = flint_pipeline_get_job_setting (e->ctx->pipeline, "spark_version");
  const char *version = version_node && JSON_NODE_HOLDS_VALUE (version_node) &&
                        json_node_get_value_type (version_node) == G_TYPE_STRING
                        ? json_node_get_string (version_node) : "4.0.1";
  gboolean spark3 = g_str_has_prefix (version, "3.");
  const char *scala = spark3 ? "2.12" : "2.13";
  char *coordinate;

  if (g_str_equal (what, "delta"))
    coordinate = g_strdup_printf ("io.delta:delta-spark_%s:%s", scala,
                                  spark3 ? (g_str_has_prefix (version, "3.5") ? "3.2.1" : "2.4.0") : "4.0.0");
  else if (g_str_equal (what, "kafka"))
    coordinate = g_strdup_printf ("org.apache.spark:spark-sql-kafka-0-10_%s:%s", scala, version);
  else
    coordinate = g_strdup_printf ("org.apache.spark:spark-avro_%s:%s", scala, version);

  g_hash_table_add (e->packages, coordinate);
}

static void
emit_source (Emit *e, const FlintCodeStep *step)
{
  FlintNode *node = step->node;
  const char *kind_id = flint_node_get_kind_id (node);
  const char *format = format_of (kind_id);
  FlintSchema *schema = flint_node_get_schema (node);
  gboolean streaming = e->streaming && flint_node_kind_has_mode (flint_node_get_kind (node), FLINT_MODE_STREAMING);
  g_autoptr(Py) base = NULL;
  Py *chain;
  Py *call;

  if (g_str_equal (kind_id, "source.rows"))
    {
      JsonArray *rows = array_param (node, "rows");
      JsonArray *columns = array_param (node, "columns");

      if (array_length (rows) > 0)
        {
          Py *data = py_seq ("[]");
          g_autofree char *ddl = ddl_fields (schema, " ");

          for (guint i = 0; i < array_length (rows); i++)
            {
              JsonNode *row = json_array_get_element (rows, i);
              Py *tuple = py_seq ("()");

              /* A tuple per row, in the declared order: missing values are null. */
              for (guint c = 0; schema && c < flint_schema_get_n_columns (schema); c++)
                {
                  const FlintColumn *column = flint_schema_get_column (schema, c);
                  JsonNode *value = NULL;

                  if (JSON_NODE_HOLDS_OBJECT (row))
                    {
                      JsonObject *object = json_node_get_object (row);
                      g_autoptr(GList) members = json_object_get_members (object);

                      for (GList *l = members; l; l = l->next)
                        if (g_ascii_strcasecmp (l->data, column->name) == 0)
                          value = json_object_get_member (object, l->data);
                    }
                  py_add (tuple, py_value (value));
                }
              if (tuple->items->len == 1)
                {
                  /* A one-element tuple needs its comma. */
                  g_autofree char *text = flat_string (g_ptr_array_index (tuple->items, 0));
                  py_free (tuple);
                  tuple = py_atomf ("(%s,)", text);
                }
              py_add (data, tuple);
            }

          emit_assign (e, "rows", data);
          call = py_call ("spark.createDataFrame");
          py_add (call, py_atom ("rows"));
          py_add (call, py_str (ddl));
          emit_return (e, call);
          return;
        }

      call = py_add (py_call ("spark.range"), py_value (param (node, "count")));
      if (array_length (columns) == 0)
        {
          emit_return (e, call);
          return;
        }

      emit_assign (e, "df", call);
      for (guint i = 0; i < array_length (columns); i++)
        {
          const char *name = record_string (columns, i, "name");
          const char *expr = record_string (columns, i, "expr");
          Py *with;

          if (is_blank (name) || is_blank (expr))
            continue;
          with = py_call ("df.withColumn");
          py_add (with, py_str (name));
          py_add (with, py_expr (expr));
          emit_assign (e, "df", with);
        }
      flint_writer_line (e->w, "return df");
      return;
    }

  base = py_atom (streaming ? "spark.readStream" : "spark.read");

  if (g_str_equal (kind_id, "source.kafka"))
    add_package (e, "kafka");
  else if (g_str_equal (kind_id, "source.delta"))
    add_package (e, "delta");
  else if (g_str_equal (kind_id, "source.avro"))
    add_package (e, "avro");

  if (g_str_equal (kind_id, "source.table"))
    {
      g_autofree char *head = NULL;

      chain = py_chain (NULL);
      add_options (e, chain, node);
      /* base.option(...).table(name): the base is the reader itself. */
      call = py_trailer (chain, "table");
      py_add (call, py_str (string_param (node, "table")));
      chain->base = g_steal_pointer (&base);
      if (chain->items->len >= 2)
        {
          /* spark.read.option(...) keeps black's shape: the first call joins the base. */
          Py *first = g_ptr_array_steal_index (chain->items, 0);
          g_autofree char *text = flat_string (chain->base);
          head = g_strconcat (text, first->text, NULL);
          g_free (first->text);
          first->text = g_steal_pointer (&head);
          py_free (chain->base);
          chain->base = first;
        }
      else
        {
          Py *first = g_ptr_array_steal_index (chain->items, 0);
          g_autofree char *text = flat_string (chain->base);
          head = g_strconcat (text, first->text, NULL);
          g_free (first->text);
          first->text = g_steal_pointer (&head);
          py_free (chain->base);
          chain->base = first;
        }
      emit_return (e, chain);
      return;
    }

  {
    g_autofree char *head = g_strconcat (streaming ? "spark.readStream" : "spark.read", ".format", NULL);
    const char *spark_format = g_str_equal (format, "kafka") ? "kafka"
                             : g_str_equal (format, "jdbc") ? "jdbc" : format;

    chain = py_chain (py_add (py_call (head), py_str (spark_format)));
  }

  /* Kafka and text have fixed columns; Delta and JDBC refuse a schema given at read time. */
  if (schema != NULL && !g_str_equal (kind_id, "source.kafka") && !g_str_equal (kind_id, "source.text") &&
      !g_str_equal (kind_id, "source.delta") && !g_str_equal (kind_id, "source.jdbc"))
    {
      g_autofree char *ddl = ddl_fields (schema, " ");
      py_add (py_trailer (chain, "schema"), py_str (ddl));
    }

  add_options (e, chain, node);

  call = py_trailer (chain, "load");
  if (flint_node_kind_lookup_param (flint_node_get_kind (node), "path") != NULL)
    py_add (call, py_str (string_param (node, "path")));

  emit_return (e, chain);
}

static void
emit_trigger (Emit *e, Py *chain, FlintNode *node)
{
  const char *trigger = string_param (node, "trigger");
  const char *interval = string_param (node, "trigger_interval");

  if (g_strcmp0 (trigger, "available_now") == 0)
    py_add (py_trailer (chain, "trigger"), py_atom ("availableNow=True"));
  else if (g_strcmp0 (trigger, "once") == 0)
    py_add (py_trailer (chain, "trigger"), py_atom ("once=True"));
  else if (g_strcmp0 (trigger, "continuous") == 0)
    {
      g_autofree char *text = flat_string (py_str (!is_blank (interval) ? interval : "1 second"));
      py_add (py_trailer (chain, "trigger"), py_atomf ("continuous=%s", text));
    }
  else if (!is_blank (interval))
    {
      g_autoptr(Py) literal = py_str (interval);
      g_autofree char *text = flat_string (literal);
      py_add (py_trailer (chain, "trigger"), py_atomf ("processingTime=%s", text));
    }
}

/* The MERGE statement of a Delta merge sink, every name quoted. */
static char *
merge_sql (FlintNode *node, const char *view)
{
  const char *table = string_param (node, "table");
  const char *path = string_param (node, "path");
  JsonArray *keys = array_param (node, "merge_keys");
  GString *sql = g_string_new ("MERGE INTO ");
  g_autofree char *quoted_view = flint_writer_sql_identifier (view);

  if (!is_blank (table))
    {
      g_auto(GStrv) parts = g_strsplit (table, ".", -1);

      for (guint i = 0; parts[i]; i++)
        {
          g_autofree char *part = flint_writer_sql_identifier (parts[i]);
          g_string_append_printf (sql, "%s%s", i > 0 ? "." : "", part);
        }
    }
  else
    {
      g_autofree char *quoted = flint_writer_sql_quote_identifier (path ? path : "");
      g_string_append_printf (sql, "delta.%s", quoted);
    }

  g_string_append_printf (sql, " AS target USING %s AS source ON ", quoted_view);
  for (guint i = 0; i < array_length (keys); i++)
    {
      g_autofree char *key = flint_writer_sql_quote_identifier (item_string (keys, i) ? item_string (keys, i) : "");
      g_string_append_printf (sql, "%starget.%s <=> source.%s", i > 0 ? " AND " : "", key, key);
    }
  g_string_append (sql, " WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");

  return g_string_free (sql, FALSE);
}

static void
emit_job_open (Emit *e, FlintNode *node, const char *spark)
{
  g_autofree char *id = flint_writer_python_string_literal (flint_node_get_id (node));
  g_autofree char *name = flint_writer_python_string_literal (flint_node_get_display_name (node));
  Py *call = py_call ("with _flint_job");

  e->need_job = TRUE;
  py_add (call, py_atom (spark));
  py_add (call, py_atom (id));
  py_add (call, py_atom (name));
  {
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
    guint base = flint_writer_get_level (e->w) * 4;

    layout (call, base, "", ":", FALSE, lines);
    for (guint i = 0; i < lines->len; i++)
      flint_writer_line (e->w, (const char *) g_ptr_array_index (lines, i) + base);
    py_free (call);
  }
  flint_writer_indent (e->w);
}

static void
emit_sink (Emit *e, const FlintCodeStep *step, const char *input)
{
  FlintNode *node = step->node;
  const char *kind_id = flint_node_get_kind_id (node);
  const char *format = format_of (kind_id);
  FlintFlow *flow = step->inputs->len > 0
                  ? flint_validator_get_input (e->ctx->validator, flint_node_get_id (node), NULL) : NULL;
  gboolean streaming = flow != NULL && flint_flow_is_streaming (flow);
  const char *mode = string_param (node, "mode");
  JsonArray *partition_by = array_param (node, "partition_by");
  g_autofree char *data = g_strdup (input);
  Py *chain;
  Py *call;

  if (g_str_equal (kind_id, "sink.console") && !streaming)
    {
      call = py_method (data, "show");
      if (is_set (node, "num_rows"))
        py_add (call, py_value (flint_node_get_param (node, "num_rows")));
      if (is_set (node, "truncate"))
        {
          g_autoptr(Py) v = py_value (flint_node_get_param (node, "truncate"));
          g_autofree char *text = flat_string (v);
          py_add (call, py_atomf ("truncate=%s", text));
        }
      emit_job_open (e, node, "spark");
      emit_return (e, call);
      flint_writer_dedent (e->w);
      return;
    }

  if (g_str_equal (kind_id, "sink.kafka"))
    {
      Py *select = py_method (input, "select");
      const char *key = string_param (node, "key");
      const char *value = string_param (node, "value");

      add_package (e, "kafka");
      if (!is_blank (key))
        {
          Py *c = py_chain (py_expr (key));
          py_add (py_trailer (c, "alias"), py_str ("key"));
          py_add (select, c);
        }
      if (!is_blank (value))
        {
          Py *c = py_chain (py_expr (value));
          py_add (py_trailer (c, "alias"), py_str ("value"));
          py_add (select, c);
        }
      else
        py_add (select, py_str ("value"));
      if (is_blank (string_param (node, "topic")))
        py_add (select, py_str ("topic"));
      emit_assign (e, "records", select);
      g_free (data);
      data = g_strdup ("records");
    }
  else if (g_str_equal (kind_id, "sink.delta") || g_str_equal (kind_id, "source.delta"))
    add_package (e, "delta");

  /* A Delta merge: MERGE INTO through a temporary view (per micro-batch on a stream). */
  if (g_str_equal (kind_id, "sink.delta") && g_strcmp0 (mode, "merge") == 0)
    {
      g_autofree char *view = g_strconcat ("flint_merge_", flint_node_get_id (node), NULL);
      g_autofree char *sql = merge_sql (node, view);
      const char *target = streaming ? "batch" : data;

      if (streaming)
        {
          flint_writer_line (e->w, "def merge_batch(batch: DataFrame, batch_id: int) -> None:");
          flint_writer_indent (e->w);
        }
      {
        g_autofree char *quoted = flint_writer_sql_identifier (view);
        g_autofree char *head = g_strconcat (target, ".createOrReplaceTempView", NULL);
        emit_statement (e, py_add (py_call (head), py_str (quoted)));
      }
      if (streaming)
        {
          emit_statement (e, py_add (py_call ("batch.sparkSession.sql"), py_str (sql)));
          flint_writer_dedent (e->w);
          flint_writer_line (e->w, " ");
          g_free (data);
          data = g_strdup (input);
        }
      else
        {
          emit_job_open (e, node, "spark");
          emit_statement (e, py_add (py_call ("spark.sql"), py_str (sql)));
          flint_writer_dedent (e->w);
          return;
        }
    }

  {
    g_autofree char *head = g_strconcat (data, streaming ? ".writeStream" : ".write", ".format", NULL);
    const char *spark_format = format;

    if (g_str_equal (kind_id, "sink.table"))
      spark_format = string_param (node, "format");
    if (g_str_equal (kind_id, "sink.delta") && g_strcmp0 (mode, "merge") == 0)
      {
        /* The stream hands each micro-batch to the merge. */
        g_autofree char *h = g_strconcat (data, ".writeStream.foreachBatch", NULL);
        chain = py_chain (py_add (py_call (h), py_atom ("merge_batch")));
      }
    else if (spark_format != NULL)
      chain = py_chain (py_add (py_call (head), py_str (spark_format)));
    else
      {
        /* sink.table without a format: the session's default. */
        g_autofree char *h = g_strconcat (data, streaming ? ".writeStream" : ".write", NULL);
        chain = py_chain (py_atom (h));
      }
  }

  if (streaming)
    py_add (py_trailer (chain, "outputMode"), py_str (string_param (node, "output_mode") ? string_param (node, "output_mode") : "append"));
  else if (is_set (node, "mode") && g_strcmp0 (mode, "merge") != 0)
    py_add (py_trailer (chain, "mode"), py_str (mode));

  if (array_length (partition_by) > 0)
    {
      call = py_trailer (chain, "partitionBy");
      for (guint i = 0; i < array_length (partition_by); i++)
        if (item_string (partition_by, i))
          py_add (call, py_str (item_string (partition_by, i)));
    }

  if (!(g_str_equal (kind_id, "sink.delta") && g_strcmp0 (mode, "merge") == 0))
    add_options (e, chain, node);
  else if (streaming && is_set (node, "checkpoint_location"))
    {
      call = py_trailer (chain, "option");
      py_add (call, py_str ("checkpointLocation"));
      py_add (call, py_str (string_param (node, "checkpoint_location")));
    }

  if (streaming)
    {
      const char *query_name = string_param (node, "query_name");

      emit_trigger (e, chain, node);
      py_add (py_trailer (chain, "queryName"), py_str (!is_blank (query_name) ? query_name : flint_node_get_id (node)));
    }

  /* The writer is set up first, so that the action stands alone under the job's name. */
  if (chain->items->len == 0)
    {
      g_autofree char *text = flat_string (chain);
      py_free (chain);
      chain = NULL;
      emit_job_open (e, node, "spark");
      if (g_str_equal (kind_id, "sink.table"))
        {
          g_autofree char *head = g_strconcat (text, streaming ? ".toTable" : ".saveAsTable", NULL);
          call = py_add (py_call (head), py_str (string_param (node, "table")));
        }
      else
        {
          g_autofree char *head = g_strconcat (text, streaming ? ".start" : ".save", NULL);
          call = py_call (head);
        }
    }
  else
    {
      emit_assign (e, "writer", chain);
      emit_job_open (e, node, "spark");

      if (g_str_equal (kind_id, "sink.table") || (g_str_equal (kind_id, "sink.delta") && !is_blank (string_param (node, "table"))
                                                   && g_strcmp0 (mode, "merge") != 0))
        {
          call = py_call (streaming ? "writer.toTable" : "writer.saveAsTable");
          py_add (call, py_str (string_param (node, "table")));
        }
      else
        {
          call = py_call (streaming ? "writer.start" : "writer.save");
          if (!is_blank (string_param (node, "path")) && g_strcmp0 (mode, "merge") != 0)
            py_add (call, py_str (string_param (node, "path")));
        }
    }

  if (streaming)
    emit_return (e, call);
  else
    emit_statement (e, call);
  flint_writer_dedent (e->w);
}

/* }}} */

/* Transforms {{{ */

static FlintSchema *
input_schema (Emit *e, FlintNode *node, const char *port)
{
  FlintFlow *flow = flint_validator_get_input (e->ctx->validator, flint_node_get_id (node), port);

  return flow ? flint_flow_get_schema (flow) : NULL;
}

static FlintSchema *
output_schema (Emit *e, FlintNode *node)
{
  FlintFlow *flow = flint_validator_get_output (e->ctx->validator, flint_node_get_id (node), NULL);

  return flow ? flint_flow_get_schema (flow) : NULL;
}


static void
emit_join (Emit *e, FlintNode *node, const char *left, const char *right)
{
  const char *how = string_param (node, "how");
  const char *condition = string_param (node, "condition");
  const char *broadcast = string_param (node, "broadcast");
  JsonArray *keys = array_param (node, "keys");
  gboolean same_names = array_length (keys) > 0;
  const char *spark_how;
  g_autofree char *l = NULL;
  g_autofree char *r = NULL;
  Py *call;

  if (how == NULL)
    how = "inner";
  spark_how = g_str_equal (how, "semi") ? "left_semi" : g_str_equal (how, "anti") ? "left_anti" : how;

  for (guint i = 0; i < array_length (keys); i++)
    {
      const char *a = record_string (keys, i, "left");
      const char *b = record_string (keys, i, "right");

      if (a == NULL || b == NULL || g_ascii_strcasecmp (a, b) != 0)
        same_names = FALSE;
    }

  l = g_strdup (left);
  r = g_strdup (right);

  if (g_str_equal (how, "cross"))
    {
      call = py_method (l, "crossJoin");
      if (g_strcmp0 (broadcast, "right") == 0)
        py_add (call, py_add (py_call ("F.broadcast"), py_atom (r)));
      else
        py_add (call, py_atom (r));
      emit_return (e, call);
      return;
    }

  if (same_names && is_blank (condition))
    {
      Py *on = py_seq ("[]");
      FlintSchema *out = output_schema (e, node);
      FlintSchema *ls = input_schema (e, node, "left");
      gboolean reorder = FALSE;

      for (guint i = 0; i < array_length (keys); i++)
        py_add (on, py_str (record_string (keys, i, "left")));

      call = py_method (l, "join");
      if (g_strcmp0 (broadcast, "right") == 0)
        py_add (call, py_add (py_call ("F.broadcast"), py_atom (r)));
      else
        py_add (call, py_atom (r));
      py_add (call, py_take_atom (g_strconcat ("on=", flat_string (on), NULL)));
      py_free (on);
      {
        g_autoptr(Py) literal = py_str (spark_how);
        g_autofree char *text = flat_string (literal);
        py_add (call, py_atomf ("how=%s", text));
      }

      /* Spark puts the keys of a join "using" them first; the designer (and a reader)
       * expect the left side's order, so the columns are put back in it. */
      if (out != NULL && ls != NULL && !g_str_has_prefix (spark_how, "left_"))
        for (guint i = 0; i < array_length (keys) && !reorder; i++)
          {
            const FlintColumn *c = flint_schema_get_column (out, i);
            reorder = c == NULL || g_ascii_strcasecmp (c->name, record_string (keys, i, "left")) != 0;
          }

      if (g_strcmp0 (broadcast, "left") == 0)
        {
          g_autofree char *head = g_strconcat ("F.broadcast(", l, ").join", NULL);
          g_free (call->text);
          call->text = g_steal_pointer (&head);
        }

      if (reorder)
        {
          Py *select;

          emit_assign (e, "joined", call);
          select = py_call ("joined.select");
          for (guint i = 0; i < flint_schema_get_n_columns (out); i++)
            py_add (select, py_column_arg (flint_schema_get_column (out, i)->name));
          emit_return (e, select);
        }
      else
        emit_return (e, call);
      return;
    }

  /* Keys of different names or a condition: the sides are aliased "left" and "right",
   * as the condition names them. */
  {
    g_autoptr(GString) cond = g_string_new (NULL);
    Py *left_alias = py_add (py_method (l, "alias"), py_str ("left"));
    Py *right_alias = py_add (py_method (r, "alias"), py_str ("right"));
    Py *lhs;

    for (guint i = 0; i < array_length (keys); i++)
      {
        const char *a = record_string (keys, i, "left");
        const char *b = record_string (keys, i, "right");
        g_autofree char *qa = flint_writer_sql_identifier (a ? a : "");
        g_autofree char *qb = flint_writer_sql_identifier (b ? b : "");

        g_string_append_printf (cond, "%sleft.%s = right.%s", cond->len ? " AND " : "", qa, qb);
      }
    if (!is_blank (condition))
      {
        if (cond->len > 0)
          g_string_append_printf (cond, " AND (%s)", condition);
        else
          g_string_append (cond, condition);
      }

    if (g_strcmp0 (broadcast, "left") == 0)
      lhs = py_add (py_call ("F.broadcast"), left_alias);
    else
      lhs = left_alias;
    emit_assign (e, "left", lhs);
    if (g_strcmp0 (broadcast, "right") == 0)
      emit_assign (e, "right", py_add (py_call ("F.broadcast"), right_alias));
    else
      emit_assign (e, "right", right_alias);

    /* Keys are compared as columns; the user's condition text goes through F.expr. */
    if (array_length (keys) > 0 && is_blank (condition))
      {
        Py *on = NULL;
        GString *text = g_string_new (NULL);

        for (guint i = 0; i < array_length (keys); i++)
          {
            const char *a = record_string (keys, i, "left");
            const char *b = record_string (keys, i, "right");
            g_autofree char *qa = g_strconcat ("left.", flint_writer_sql_identifier (a ? a : ""), NULL);
            g_autofree char *qb = g_strconcat ("right.", flint_writer_sql_identifier (b ? b : ""), NULL);
            g_autofree char *la = flint_writer_python_string_literal (qa);
            g_autofree char *lb = flint_writer_python_string_literal (qb);

            g_string_append_printf (text, "%s(F.col(%s) == F.col(%s))", i > 0 ? " & " : "", la, lb);
          }
        on = py_take_atom (g_string_free (text, FALSE));
        if (array_length (keys) == 1)
          {
            /* One comparison needs no parentheses. */
            char *t = on->text;
            t[strlen (t) - 1] = '\0';
            on->text = g_strdup (t + 1);
            g_free (t);
          }
        emit_assign (e, "condition", on);
      }
    else
      emit_assign (e, "condition", py_expr (cond->str));

    call = py_call ("left.join");
    py_add (call, py_atom ("right"));
    py_add (call, py_atom ("on=condition"));
    {
      g_autoptr(Py) literal = py_str (spark_how);
      g_autofree char *text = flat_string (literal);
      py_add (call, py_atomf ("how=%s", text));
    }

    /* With a condition too, keys of the same name still appear once, as the rule says:
     * the left side's copy stays where it is. */
    if (same_names && !g_str_has_prefix (spark_how, "left_"))
      {
        Py *chain = py_chain (call);

        for (guint i = 0; i < array_length (keys); i++)
          {
            g_autofree char *quoted = flint_writer_sql_identifier (record_string (keys, i, "right"));
            g_autofree char *qualified = g_strconcat ("right.", quoted, NULL);

            py_add (py_trailer (chain, "drop"), py_add (py_call ("F.col"), py_str (qualified)));
          }
        call = chain;
      }
    emit_return (e, call);
  }
}

static void
emit_quality (Emit *e, FlintNode *node, const char *input)
{
  JsonArray *expectations = array_param (node, "expectations");
  const char *on_failure = string_param (node, "on_failure");
  Py *checks = py_call ("F.array");
  Py *failed;
  g_autofree char *head = NULL;

  /* Each check gives its name when a row fails it, else null; nulls pass every rule
   * but not_null (a comparison with null is null, and when() takes null as false). */
  for (guint i = 0; i < array_length (expectations); i++)
    {
      const char *name = record_string (expectations, i, "name");
      const char *column = record_string (expectations, i, "column");
      const char *rule = record_string (expectations, i, "rule");
      g_autofree char *col = NULL;
      g_autofree char *fails = NULL;
      Py *when;

      if (column == NULL || rule == NULL)
        continue;
      {
        g_autoptr(Py) c = py_col (column);
        col = flat_string (c);
      }

      if (g_str_equal (rule, "not_null"))
        fails = g_strdup_printf ("%s.isNull()", col);
      else if (g_str_equal (rule, "unique"))
        {
          g_autoptr(Py) by = py_column_arg (column);
          g_autofree char *by_text = flat_string (by);

          e->need_window = TRUE;
          fails = g_strdup_printf ("F.count(%s).over(Window.partitionBy(%s)) > 1", col, by_text);
        }
      else if (g_str_equal (rule, "in_range"))
        {
          JsonNode *min = record_member (expectations, i, "min");
          JsonNode *max = record_member (expectations, i, "max");
          g_autoptr(Py) pmin = min ? py_value (min) : NULL;
          g_autoptr(Py) pmax = max ? py_value (max) : NULL;
          g_autofree char *tmin = pmin ? flat_string (pmin) : NULL;
          g_autofree char *tmax = pmax ? flat_string (pmax) : NULL;

          if (tmin && tmax)
            fails = g_strdup_printf ("~%s.between(%s, %s)", col, tmin, tmax);
          else if (tmin)
            fails = g_strdup_printf ("%s < %s", col, tmin);
          else if (tmax)
            fails = g_strdup_printf ("%s > %s", col, tmax);
          else
            continue;
        }
      else if (g_str_equal (rule, "matches"))
        {
          g_autofree char *pattern = flint_writer_python_string_literal (record_string (expectations, i, "pattern") ?: "");
          fails = g_strdup_printf ("~%s.rlike(%s)", col, pattern);
        }
      else if (g_str_equal (rule, "in_set"))
        {
          JsonNode *values = record_member (expectations, i, "values");
          g_autoptr(Py) list = py_value (values);
          g_autofree char *text = flat_string (list);
          fails = g_strdup_printf ("~%s.isin(%s)", col, text);
        }
      else
        continue;

      when = py_call ("F.when");
      py_add (when, py_take_atom (g_steal_pointer (&fails)));
      py_add (when, py_add (py_call ("F.lit"), py_str (name ? name : column)));
      py_add (checks, when);
    }

  failed = py_call ("F.filter");
  py_add (failed, checks);
  py_add (failed, py_atom ("lambda name: name.isNotNull()"));
  emit_assign (e, "failed", failed);
  head = g_strconcat (input, ".withColumn", NULL);
  emit_assign (e, "checked", py_add (py_add (py_call (head), py_str ("failed_expectations")), py_atom ("failed")));

  if (g_strcmp0 (on_failure, "fail") == 0 || on_failure == NULL)
    {
      g_autofree char *message = g_strdup_printf ("%s: expectations failed: ", flint_node_get_display_name (node));
      g_autofree char *literal = flint_writer_python_string_literal (message);

      if (e->streaming)
        {
          /* A stream cannot be counted: the first failing row stops the query. */
          Py *raise = py_call ("F.raise_error");
          Py *concat = py_call ("F.concat");
          Py *when = py_call ("F.when");

          py_add (concat, py_add (py_call ("F.lit"), py_atom (literal)));
          py_add (concat, py_atom ("F.array_join(\"failed_expectations\", \", \")"));
          py_add (raise, concat);
          py_add (when, py_atom ("F.size(\"failed_expectations\") > 0"));
          py_add (when, raise);
          {
            Py *chain = py_chain (when);
            py_add (py_trailer (chain, "otherwise"), py_atom ("F.col(\"failed_expectations\")"));
            emit_assign (e, "checked", py_add (py_add (py_call ("checked.withColumn"), py_str ("failed_expectations")), chain));
          }
        }
      else
        {
          Py *chain;
          g_autofree char *spark = g_strconcat (input, ".sparkSession", NULL);

          chain = py_chain (py_add (py_call ("checked.where"), py_atom ("F.size(\"failed_expectations\") > 0")));
          py_add (py_trailer (chain, "select"), py_atom ("F.explode(\"failed_expectations\").alias(\"expectation\")"));
          py_add (py_trailer (chain, "groupBy"), py_str ("expectation"));
          py_trailer (chain, "count");
          py_add (py_trailer (chain, "orderBy"), py_str ("expectation"));
          emit_job_open (e, node, spark);
          py_trailer (chain, "collect");
          emit_assign (e, "failures", chain);
          flint_writer_dedent (e->w);
          flint_writer_line (e->w, "if failures:");
          flint_writer_indent (e->w);
          emit_assign (e, "counts", py_add (py_call ("\", \".join"),
                                            py_atom ("f\"{row.expectation} ({row['count']} rows)\" for row in failures")));
          emit_statement (e, py_add (py_call ("raise RuntimeError"), py_atomf ("%s + counts", literal)));
          flint_writer_dedent (e->w);
        }
    }

  emit_assign (e, "out", py_add (py_call ("checked.where"), py_atom ("F.size(\"failed_expectations\") == 0")));
  emit_assign (e, "out", py_add (py_call ("out.drop"), py_str ("failed_expectations")));
  /* Failing rows go to the quarantine output only when asked to; else it stays empty. */
  if (g_strcmp0 (on_failure, "quarantine") == 0)
    emit_assign (e, "quarantine", py_add (py_call ("checked.where"), py_atom ("F.size(\"failed_expectations\") > 0")));
  else
    emit_assign (e, "quarantine", py_add (py_call ("checked.where"), py_atom ("F.lit(False)")));
  flint_writer_line (e->w, "return out, quarantine");
}

/* User code, dedented to its least indented line, tabs kept as they are. */
static char *
dedent (const char *code)
{
  g_auto(GStrv) lines = g_strsplit (code, "\n", -1);
  guint common = G_MAXUINT;
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i]; i++)
    {
      guint n = 0;

      if (is_blank (lines[i]))
        continue;
      while (lines[i][n] == ' ')
        n++;
      common = MIN (common, n);
    }
  if (common == G_MAXUINT)
    common = 0;

  for (guint i = 0; lines[i]; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      if (!is_blank (lines[i]))
        g_string_append (out, lines[i] + common);
    }

  return g_string_free (out, FALSE);
}

static gboolean
emit_code (Emit      *e,
           FlintNode *node,
           GPtrArray *inputs,
           GError   **error)
{
  const char *language = string_param (node, "language");
  const char *code = string_param (node, "code");
  g_autofree char *id = comment_text (flint_node_get_id (node));
  g_autofree char *text = dedent (code ? code : "");
  g_autoptr(GString) args = g_string_new (NULL);
  g_autoptr(GString) sig = g_string_new (NULL);

  if (language != NULL && !g_str_equal (language, "python"))
    {
      g_set_error (error, FLINT_CODEGEN_ERROR, FLINT_CODEGEN_ERROR_LANGUAGE,
                   _("Node “%s” holds %s code, which cannot run in a Python job"),
                   flint_node_get_id (node), language);
      return FALSE;
    }

  for (guint i = 0; i < inputs->len; i++)
    {
      g_string_append_printf (args, "%s%s", i > 0 ? ", " : "", (const char *) g_ptr_array_index (inputs, i));
      g_string_append_printf (sig, "%s%s: DataFrame", i > 0 ? ", " : "", (const char *) g_ptr_array_index (inputs, i));
    }

  flint_writer_linef (e->w, "# ---- code of node %s begins ----", id);
  flint_writer_linef (e->w, "def run(%s) -> DataFrame:", sig->str);
  flint_writer_indent (e->w);
  if (is_blank (text))
    flint_writer_line (e->w, "pass");
  else
    flint_writer_lines (e->w, text);
  flint_writer_dedent (e->w);
  flint_writer_line (e->w, " ");
  flint_writer_linef (e->w, "# ---- code of node %s ends ----", id);
  flint_writer_line (e->w, " ");
  flint_writer_linef (e->w, "return run(%s)", args->str);

  return TRUE;
}

static gboolean
emit_transform (Emit                *e,
                const FlintCodeStep *step,
                GPtrArray           *inputs,
                GError             **error)
{
  FlintNode *node = step->node;
  const char *kind = flint_node_get_kind_id (node) + strlen ("transform.");
  const char *in = inputs->len > 0 ? g_ptr_array_index (inputs, 0) : "df";
  Py *call;

  if (g_str_equal (kind, "filter"))
    emit_return (e, py_add (py_method (in, "where"), py_expr (string_param (node, "condition"))));
  else if (g_str_equal (kind, "select"))
    {
      JsonArray *columns = array_param (node, "columns");

      call = py_method (in, "select");
      for (guint i = 0; i < array_length (columns); i++)
        {
          const char *name = record_string (columns, i, "column");
          const char *as = record_string (columns, i, "as");
          const char *cast = record_string (columns, i, "cast");
          Py *chain;

          if (name == NULL)
            name = item_string (columns, i);
          if (name == NULL)
            continue;
          if (is_blank (as) && is_blank (cast))
            {
              py_add (call, py_column_arg (name));
              continue;
            }
          chain = py_chain (py_col (name));
          if (!is_blank (cast))
            py_add (py_trailer (chain, "cast"), py_str (cast));
          if (!is_blank (as))
            py_add (py_trailer (chain, "alias"), py_str (as));
          py_add (call, chain);
        }
      emit_return (e, call);
    }
  else if (g_str_equal (kind, "derive"))
    {
      JsonArray *columns = array_param (node, "columns");
      const char *current = in;

      /* A withColumn a line: each expression sees the columns made before it. */
      for (guint i = 0; i < array_length (columns); i++)
        {
          const char *name = record_string (columns, i, "name");
          const char *expr = record_string (columns, i, "expr");

          if (is_blank (name) || is_blank (expr))
            continue;
          call = py_method (current, "withColumn");
          py_add (call, py_str (name));
          py_add (call, py_expr (expr));
          emit_assign (e, "df", call);
          current = "df";
        }
      flint_writer_linef (e->w, "return %s", current);
    }
  else if (g_str_equal (kind, "drop"))
    {
      JsonArray *columns = array_param (node, "columns");

      call = py_method (in, "drop");
      for (guint i = 0; i < array_length (columns); i++)
        if (item_string (columns, i))
          py_add (call, py_str (item_string (columns, i)));
      emit_return (e, call);
    }
  else if (g_str_equal (kind, "join"))
    emit_join (e, node, in, inputs->len > 1 ? g_ptr_array_index (inputs, 1) : "right");
  else if (g_str_equal (kind, "aggregate") || g_str_equal (kind, "pivot"))
    {
      JsonArray *group_by = array_param (node, "group_by");
      JsonArray *aggregations = array_param (node, "aggregations");
      gboolean pivot = g_str_equal (kind, "pivot");
      Py *grouped = py_method (in, array_length (group_by) > 0 || pivot ? "groupBy" : "agg");
      Py *agg;

      for (guint i = 0; i < array_length (group_by); i++)
        if (item_string (group_by, i))
          py_add (grouped, py_column_arg (item_string (group_by, i)));

      if (pivot)
        {
          JsonArray *values = array_param (node, "values");
          Py *chain = py_chain (grouped);
          Py *p = py_trailer (chain, "pivot");

          py_add (p, py_str (string_param (node, "pivot_column")));
          if (array_length (values) > 0)
            py_add (p, py_value (param (node, "values")));
          emit_assign (e, "grouped", chain);
          agg = py_call ("grouped.agg");
        }
      else if (array_length (group_by) > 0)
        {
          emit_assign (e, "grouped", grouped);
          agg = py_call ("grouped.agg");
        }
      else
        agg = grouped;

      for (guint i = 0; i < array_length (aggregations); i++)
        {
          const char *name = record_string (aggregations, i, "name");
          const char *expr = record_string (aggregations, i, "expr");
          Py *chain;

          if (is_blank (expr))
            continue;
          chain = py_chain (py_expr (expr));
          if (!is_blank (name))
            py_add (py_trailer (chain, "alias"), py_str (name));
          py_add (agg, chain);
        }
      emit_return (e, agg);
    }
  else if (g_str_equal (kind, "window"))
    {
      JsonArray *partition_by = array_param (node, "partition_by");
      JsonArray *order_by = array_param (node, "order_by");
      JsonArray *functions = array_param (node, "functions");
      const char *frame = string_param (node, "frame");
      Py *spec = py_chain (NULL);
      const char *current = in;

      e->need_window = TRUE;
      if (array_length (partition_by) > 0)
        {
          Py *p = py_call ("Window.partitionBy");
          for (guint i = 0; i < array_length (partition_by); i++)
            if (item_string (partition_by, i))
              py_add (p, py_column_arg (item_string (partition_by, i)));
          spec->base = p;
        }
      if (array_length (order_by) > 0)
        {
          Py *o;
          if (spec->base == NULL)
            o = spec->base = py_call ("Window.orderBy");
          else
            o = py_trailer (spec, "orderBy");
          add_sort_columns (o, order_by);
        }
      if (frame != NULL)
        {
          const char *bounds[2] = { string_param (node, "frame_start"), string_param (node, "frame_end") };
          Py *f;

          if (spec->base == NULL)
            f = spec->base = py_call (g_str_equal (frame, "range") ? "Window.rangeBetween" : "Window.rowsBetween");
          else
            f = py_trailer (spec, g_str_equal (frame, "range") ? "rangeBetween" : "rowsBetween");
          for (guint b = 0; b < 2; b++)
            {
              g_autofree char *bound = g_ascii_strdown (bounds[b] ? bounds[b] : (b == 0 ? "unbounded preceding" : "current row"), -1);
              g_strstrip (bound);

              if (g_str_equal (bound, "unbounded preceding"))
                py_add (f, py_atom ("Window.unboundedPreceding"));
              else if (g_str_equal (bound, "unbounded following"))
                py_add (f, py_atom ("Window.unboundedFollowing"));
              else if (g_str_equal (bound, "current row"))
                py_add (f, py_atom ("Window.currentRow"));
              else
                py_add (f, py_atomf ("%" G_GINT64_FORMAT, g_ascii_strtoll (bound, NULL, 10)));
            }
        }
      if (spec->base == NULL)
        spec->base = py_call ("Window.partitionBy");
      emit_assign (e, "window", spec);

      for (guint i = 0; i < array_length (functions); i++)
        {
          const char *name = record_string (functions, i, "name");
          const char *expr = record_string (functions, i, "expr");
          Py *chain;

          if (is_blank (name) || is_blank (expr))
            continue;
          chain = py_chain (py_expr (expr));
          py_add (py_trailer (chain, "over"), py_atom ("window"));
          call = py_method (current, "withColumn");
          py_add (call, py_str (name));
          py_add (call, chain);
          emit_assign (e, "df", call);
          current = "df";
        }
      flint_writer_linef (e->w, "return %s", current);
    }
  else if (g_str_equal (kind, "union"))
    {
      gboolean by_name = bool_param (node, "by_name", TRUE);
      gboolean allow_missing = bool_param (node, "allow_missing_columns", FALSE);

      if (inputs->len <= 1)
        flint_writer_linef (e->w, "return %s", in);
      for (guint i = 1; i < inputs->len; i++)
        {
          call = py_method (i == 1 ? in : "df", by_name ? "unionByName" : "union");
          py_add (call, py_atom (g_ptr_array_index (inputs, i)));
          if (by_name && allow_missing)
            py_add (call, py_atom ("allowMissingColumns=True"));
          if (i + 1 == inputs->len)
            emit_return (e, call);
          else
            emit_assign (e, "df", call);
        }
    }
  else if (g_str_equal (kind, "distinct"))
    flint_writer_linef (e->w, "return %s.distinct()", in);
  else if (g_str_equal (kind, "deduplicate"))
    {
      JsonArray *keys = array_param (node, "keys");
      JsonArray *order_by = array_param (node, "order_by");
      Py *list = py_seq ("[]");

      for (guint i = 0; i < array_length (keys); i++)
        if (item_string (keys, i))
          py_add (list, py_str (item_string (keys, i)));

      if (array_length (order_by) > 0 && !e->streaming)
        {
          /* The first row of each key in the order: a row number over the keys. */
          Py *p = py_call ("Window.partitionBy");
          Py *chain = py_chain (p);
          Py *numbered;

          e->need_window = TRUE;
          if (array_length (keys) > 0)
            for (guint i = 0; i < array_length (keys); i++)
              py_add (p, py_column_arg (item_string (keys, i) ? item_string (keys, i) : ""));
          else
            {
              g_autofree char *all = g_strconcat ("*", in, ".columns", NULL);
              py_add (p, py_atom (all));
            }
          add_sort_columns (py_trailer (chain, "orderBy"), order_by);
          emit_assign (e, "window", chain);
          numbered = py_method (in, "withColumn");
          py_add (numbered, py_str ("_flint_row"));
          py_add (numbered, py_atom ("F.row_number().over(window)"));
          emit_assign (e, "numbered", numbered);
          chain = py_chain (py_add (py_call ("numbered.where"), py_atom ("F.col(\"_flint_row\") == 1")));
          py_add (py_trailer (chain, "drop"), py_str ("_flint_row"));
          emit_return (e, chain);
          py_free (list);
        }
      else
        {
          call = py_method (in, bool_param (node, "within_watermark", FALSE) && e->streaming
                                ? "dropDuplicatesWithinWatermark" : "dropDuplicates");
          if (list->items->len > 0)
            py_add (call, list);
          else
            py_free (list);
          emit_return (e, call);
        }
    }
  else if (g_str_equal (kind, "sort"))
    {
      call = py_method (in, "orderBy");
      add_sort_columns (call, array_param (node, "order_by"));
      emit_return (e, call);
    }
  else if (g_str_equal (kind, "limit"))
    emit_return (e, py_add (py_method (in, "limit"), py_value (param (node, "count"))));
  else if (g_str_equal (kind, "sample"))
    {
      g_autoptr(Py) fraction = py_value (param (node, "fraction"));
      g_autofree char *text = flat_string (fraction);

      call = py_method (in, "sample");
      if (is_set (node, "with_replacement"))
        py_add (call, py_atom (bool_param (node, "with_replacement", FALSE) ? "withReplacement=True" : "withReplacement=False"));
      py_add (call, py_atomf ("fraction=%s", text));
      if (is_set (node, "seed"))
        {
          g_autoptr(Py) seed = py_value (param (node, "seed"));
          g_autofree char *s = flat_string (seed);
          py_add (call, py_atomf ("seed=%s", s));
        }
      emit_return (e, call);
    }
  else if (g_str_equal (kind, "fill_nulls"))
    {
      JsonNode *values = flint_node_get_param (node, "values");

      if (values != NULL && JSON_NODE_HOLDS_OBJECT (values) && json_object_get_size (json_node_get_object (values)) > 0)
        emit_return (e, py_add (py_method (in, "fillna"), py_value (values)));
      else
        {
          JsonArray *columns = array_param (node, "columns");
          FlintSchema *schema = input_schema (e, node, NULL);
          JsonNode *value = param (node, "value");
          Py *v = py_value (value);
          const char *text = value && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING
                           ? json_node_get_string (value) : NULL;

          /* "0" fills number columns with 0 when the columns filled are numbers. */
          if (text != NULL && schema != NULL && array_length (columns) > 0)
            {
              char *end = NULL;
              gboolean numbers = TRUE;

              g_ascii_strtod (text, &end);
              for (guint i = 0; i < array_length (columns); i++)
                {
                  const FlintColumn *c = item_string (columns, i) ? flint_schema_lookup (schema, item_string (columns, i)) : NULL;
                  numbers &= c != NULL && c->type != NULL && flint_data_type_is_numeric (c->type);
                }
              if (numbers && end != NULL && end != text && *end == '\0' && strpbrk (text, "xXnN") == NULL)
                {
                  py_free (v);
                  v = py_atom (text);
                  if (text[0] == '.' || (text[0] == '-' && text[1] == '.'))
                    {
                      py_free (v);
                      v = py_atomf ("%s%s", text[0] == '-' ? "-0" : "0", text + (text[0] == '-'));
                    }
                  /* Leading zeros are not Python: write the number through float(). */
                  if (strspn (text + (text[0] == '-'), "0") > 0 && strlen (text + (text[0] == '-')) > 1 &&
                      text[(text[0] == '-') + 1] != '.')
                    {
                      g_autofree char *lit = flint_writer_python_string_literal (text);
                      py_free (v);
                      v = py_atomf ("float(%s)", lit);
                    }
                }
            }

          call = py_method (in, "fillna");
          py_add (call, v);
          if (array_length (columns) > 0)
            {
              Py *subset = py_seq ("[]");
              g_autofree char *s = NULL;

              for (guint i = 0; i < array_length (columns); i++)
                if (item_string (columns, i))
                  py_add (subset, py_str (item_string (columns, i)));
              s = flat_string (subset);
              py_free (subset);
              py_add (call, py_atomf ("subset=%s", s));
            }
          emit_return (e, call);
        }
    }
  else if (g_str_equal (kind, "drop_nulls"))
    {
      JsonArray *columns = array_param (node, "columns");

      call = py_method (in, "dropna");
      if (is_set (node, "how"))
        {
          g_autofree char *how = flint_writer_python_string_literal (string_param (node, "how") ?: "any");
          py_add (call, py_atomf ("how=%s", how));
        }
      if (is_set (node, "min_non_nulls"))
        {
          g_autoptr(Py) t = py_value (param (node, "min_non_nulls"));
          g_autofree char *s = flat_string (t);
          py_add (call, py_atomf ("thresh=%s", s));
        }
      if (array_length (columns) > 0)
        {
          Py *subset = py_seq ("[]");
          g_autofree char *s = NULL;

          for (guint i = 0; i < array_length (columns); i++)
            if (item_string (columns, i))
              py_add (subset, py_str (item_string (columns, i)));
          s = flat_string (subset);
          py_free (subset);
          py_add (call, py_atomf ("subset=%s", s));
        }
      emit_return (e, call);
    }
  else if (g_str_equal (kind, "explode"))
    {
      const char *column = string_param (node, "column");
      const char *as = string_param (node, "as");
      gboolean outer = bool_param (node, "outer", FALSE);
      gboolean position = bool_param (node, "position", FALSE);
      FlintSchema *schema = input_schema (e, node, NULL);
      const FlintColumn *c = schema && column ? flint_schema_lookup (schema, column) : NULL;
      gboolean map = c && c->type && flint_data_type_get_kind (c->type) == FLINT_TYPE_KIND_MAP;
      g_autofree char *function = g_strdup_printf ("F.%sexplode%s", position ? "pos" : "", outer ? "_outer" : "");
      g_autoptr(GPtrArray) outputs = g_ptr_array_new ();
      Py *generator = py_add (py_call (function), py_col (column ? column : ""));
      Py *chain;
      Py *temporary;

      if (position)
        g_ptr_array_add (outputs, (gpointer) "pos");
      if (map)
        {
          g_ptr_array_add (outputs, (gpointer) "key");
          g_ptr_array_add (outputs, (gpointer) "value");
        }
      else
        g_ptr_array_add (outputs, (gpointer) (!is_blank (as) ? as : "col"));

      /* One new column replaces a column of its name in place, as withColumn does. */
      if (outputs->len == 1)
        {
          call = py_method (in, "withColumn");
          py_add (call, py_str (g_ptr_array_index (outputs, 0)));
          py_add (call, generator);
          emit_return (e, call);
          return TRUE;
        }

      /* Several: generated under temporary names, then set one by one with the same rule. */
      chain = py_chain (py_add (py_method (in, "select"), py_str ("*")));
      generator = py_chain (generator);
      temporary = py_trailer (generator, "alias");
      for (guint i = 0; i < outputs->len; i++)
        {
          g_autofree char *name = g_strconcat ("__flint_", (const char *) g_ptr_array_index (outputs, i), NULL);
          py_add (temporary, py_str (name));
        }
      py_add (chain->base, generator);
      for (guint i = 0; i < outputs->len; i++)
        {
          g_autofree char *name = g_strconcat ("__flint_", (const char *) g_ptr_array_index (outputs, i), NULL);
          Py *with = py_trailer (chain, "withColumn");

          py_add (with, py_str (g_ptr_array_index (outputs, i)));
          py_add (with, py_col (name));
        }
      {
        Py *drop = py_trailer (chain, "drop");

        for (guint i = 0; i < outputs->len; i++)
          {
            g_autofree char *name = g_strconcat ("__flint_", (const char *) g_ptr_array_index (outputs, i), NULL);
            py_add (drop, py_str (name));
          }
      }
      emit_return (e, chain);
    }
  else if (g_str_equal (kind, "sql"))
    {
      /* Each input is a temporary view named after the node it comes from. */
      for (guint i = 0; i < step->inputs->len; i++)
        {
          FlintEdge *edge = g_ptr_array_index (step->inputs, i);
          g_autofree char *view = flint_writer_sql_identifier (flint_edge_get_from_node (edge));

          emit_statement (e, py_add (py_method (g_ptr_array_index (inputs, i), "createOrReplaceTempView"), py_str (view)));
        }
      emit_return (e, py_add (py_call ("spark.sql"), py_str (string_param (node, "query"))));
    }
  else if (g_str_equal (kind, "repartition"))
    {
      const char *mode = string_param (node, "mode");
      JsonArray *columns = array_param (node, "columns");

      call = py_method (in, g_strcmp0 (mode, "coalesce") == 0 ? "coalesce"
                            : g_strcmp0 (mode, "repartition_by_range") == 0 ? "repartitionByRange" : "repartition");
      if (is_set (node, "num_partitions"))
        py_add (call, py_value (param (node, "num_partitions")));
      if (g_strcmp0 (mode, "coalesce") != 0)
        for (guint i = 0; i < array_length (columns); i++)
          if (item_string (columns, i))
            py_add (call, py_column_arg (item_string (columns, i)));
      emit_return (e, call);
    }
  else if (g_str_equal (kind, "cache"))
    {
      const char *level = string_param (node, "storage_level");
      g_autofree char *text = NULL;
      gboolean known = FALSE;
      static const char *levels[] = {
        "MEMORY_AND_DISK", "MEMORY_AND_DISK_2", "MEMORY_ONLY", "MEMORY_ONLY_2", "DISK_ONLY",
        "DISK_ONLY_2", "DISK_ONLY_3", "OFF_HEAP", NULL
      };

      known = level != NULL && g_strv_contains (levels, level);
      e->need_storage_level = TRUE;
      text = g_strconcat ("StorageLevel.", known ? level : "MEMORY_AND_DISK", NULL);
      emit_return (e, py_add (py_method (in, "persist"), py_atom (text)));
    }
  else if (g_str_equal (kind, "watermark"))
    {
      call = py_method (in, "withWatermark");
      py_add (call, py_str (string_param (node, "column")));
      py_add (call, py_str (string_param (node, "delay")));
      emit_return (e, call);
    }
  else if (g_str_equal (kind, "quality"))
    emit_quality (e, node, in);
  else if (g_str_equal (kind, "code"))
    return emit_code (e, node, inputs, error);
  else
    {
      /* A kind this emitter does not know passes its input through, visibly. */
      flint_writer_linef (e->w, "return %s", in);
    }

  return TRUE;
}

/* }}} */

static gboolean
needs_spark (const FlintCodeStep *step)
{
  const FlintNodeKind *kind = flint_node_get_kind (step->node);

  return kind->category != FLINT_NODE_CATEGORY_TRANSFORM ||
         g_str_equal (kind->id, "transform.sql") || g_str_equal (kind->id, "transform.code");
}

static gboolean
emit_step (Emit                *e,
           const FlintCodeStep *step,
           GError             **error)
{
  FlintNode *node = step->node;
  const FlintNodeKind *kind = flint_node_get_kind (node);
  g_autoptr(GPtrArray) inputs = input_names (e, step);
  g_autoptr(GString) sig = g_string_new (NULL);
  const char *result = "DataFrame";
  gboolean ok = TRUE;

  if (needs_spark (step))
    g_string_append (sig, "spark: SparkSession");
  for (guint i = 0; i < inputs->len; i++)
    g_string_append_printf (sig, "%s%s: DataFrame", sig->len ? ", " : "", (const char *) g_ptr_array_index (inputs, i));

  if (kind->category == FLINT_NODE_CATEGORY_SINK)
    {
      FlintFlow *flow = flint_validator_get_input (e->ctx->validator, flint_node_get_id (node), NULL);
      result = flow && flint_flow_is_streaming (flow) ? "StreamingQuery" : "None";
    }
  else if (kind->outputs->len > 1)
    result = "tuple[DataFrame, DataFrame]";

  blank_lines (e, 2);
  flint_emit_span_begin (e->ctx, flint_node_get_id (node));
  {
    g_autofree char *line = g_strdup_printf ("def %s(%s) -> %s:", step->function, sig->str, result);

    if (g_utf8_strlen (line, -1) <= LINE_LENGTH)
      flint_writer_line (e->w, line);
    else
      {
        /* One parameter a line, as black splits a long signature. */
        flint_writer_linef (e->w, "def %s(", step->function);
        flint_writer_indent (e->w);
        if (needs_spark (step))
          flint_writer_line (e->w, "spark: SparkSession,");
        for (guint i = 0; i < inputs->len; i++)
          flint_writer_linef (e->w, "%s: DataFrame,", (const char *) g_ptr_array_index (inputs, i));
        flint_writer_dedent (e->w);
        flint_writer_linef (e->w, ") -> %s:", result);
      }
  }
  flint_writer_indent (e->w);

  if (kind->category == FLINT_NODE_CATEGORY_SOURCE)
    emit_source (e, step);
  else if (kind->category == FLINT_NODE_CATEGORY_SINK)
    emit_sink (e, step, inputs->len > 0 ? g_ptr_array_index (inputs, 0) : "df");
  else
    ok = emit_transform (e, step, inputs, error);

  flint_writer_dedent (e->w);
  flint_emit_span_end (e->ctx);

  return ok;
}

static void
emit_helpers (Emit *e)
{
  if (e->need_job)
    {
      blank_lines (e, 2);
      flint_writer_line (e->w, "@contextmanager");
      flint_writer_line (e->w, "def _flint_job(spark: SparkSession, node_id: str, name: str) -> Iterator[None]:");
      flint_writer_indent (e->w);
      flint_writer_line (e->w, "\"\"\"Names the Spark jobs of one node's actions: [flint:NODE_ID] NAME.");
      flint_writer_line (e->w, " ");
      flint_writer_line (e->w, "Spark Connect sessions have no SparkContext: they tag the operations");
      flint_writer_line (e->w, "flint:NODE_ID instead.");
      flint_writer_line (e->w, "\"\"\"");
      flint_writer_line (e->w, "if type(spark).__module__.startswith(\"pyspark.sql.connect\"):");
      flint_writer_indent (e->w);
      flint_writer_line (e->w, "spark.addTag(\"flint:\" + node_id)");
      flint_writer_line (e->w, "try:");
      flint_writer_line (e->w, "    yield");
      flint_writer_line (e->w, "finally:");
      flint_writer_line (e->w, "    spark.removeTag(\"flint:\" + node_id)");
      flint_writer_dedent (e->w);
      flint_writer_line (e->w, "else:");
      flint_writer_indent (e->w);
      flint_writer_line (e->w, "context = spark.sparkContext");
      flint_writer_line (e->w, "context.setJobDescription(f\"[flint:{node_id}] {name}\")");
      flint_writer_line (e->w, "try:");
      flint_writer_line (e->w, "    yield");
      flint_writer_line (e->w, "finally:");
      flint_writer_line (e->w, "    context.setJobDescription(None)");
      flint_writer_dedent (e->w);
      flint_writer_dedent (e->w);
    }

  if (e->need_env_secret)
    {
      blank_lines (e, 2);
      flint_writer_line (e->w, "def _env_secret(name: str) -> str:");
      flint_writer_indent (e->w);
      flint_writer_line (e->w, "\"\"\"A secret from the environment: secrets are never written into this file.\"\"\"");
      flint_writer_line (e->w, "value = os.environ.get(name)");
      flint_writer_line (e->w, "if value is None:");
      flint_writer_line (e->w, "    raise RuntimeError(f\"set the environment variable {name} to the secret\")");
      flint_writer_line (e->w, "return value");
      flint_writer_dedent (e->w);
    }

  if (e->need_databricks_secret)
    {
      blank_lines (e, 2);
      flint_writer_line (e->w, "def _databricks_secret(spark: SparkSession, scope: str, key: str, env: str) -> str:");
      flint_writer_indent (e->w);
      flint_writer_line (e->w, "\"\"\"A Databricks secret; elsewhere, the environment variable @env.\"\"\"");
      flint_writer_line (e->w, "try:");
      flint_writer_line (e->w, "    from pyspark.dbutils import DBUtils  # only on Databricks");
      flint_writer_line (e->w, "except ImportError:");
      flint_writer_line (e->w, "    return _env_secret(env)");
      flint_writer_line (e->w, "return DBUtils(spark).secrets.get(scope=scope, key=key)");
      flint_writer_dedent (e->w);
    }
}

static void
config (Py *chain, const char *key, const char *value)
{
  Py *call = py_trailer (chain, "config");

  py_add (call, py_str (key));
  py_add (call, py_str (value));
}

static void
config_setting (Emit *e, Py *chain, const char *key, const char *path)
{
  JsonNode *value = flint_pipeline_get_job_setting (e->ctx->pipeline, path);
  g_autofree char *text = NULL;

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return;
  text = value_text (value);
  config (chain, key, text);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static void
emit_main (Emit *e)
{
  FlintPipeline *pipeline = e->ctx->pipeline;
  const char *name = flint_pipeline_get_name (pipeline);
  JsonNode *conf = flint_pipeline_get_job_setting (pipeline, "conf");
  JsonNode *optimizations = flint_pipeline_get_job_setting (pipeline, "optimizations");
  JsonNode *dynamic = flint_pipeline_get_job_setting (pipeline, "dynamic_allocation.enabled");
  JsonNode *catalog = flint_pipeline_get_job_setting (pipeline, "catalog.name");
  JsonNode *schema = flint_pipeline_get_job_setting (pipeline, "catalog.schema");
  Py *chain = py_chain (py_add (py_call ("SparkSession.builder.appName"), py_str (name && *name ? name : "pipeline")));

  config_setting (e, chain, "spark.driver.cores", "driver.cores");
  config_setting (e, chain, "spark.driver.memory", "driver.memory");
  config_setting (e, chain, "spark.executor.instances", "executor.instances");
  config_setting (e, chain, "spark.executor.cores", "executor.cores");
  config_setting (e, chain, "spark.executor.memory", "executor.memory");
  if (dynamic != NULL && JSON_NODE_HOLDS_VALUE (dynamic) && json_node_get_value_type (dynamic) == G_TYPE_BOOLEAN &&
      json_node_get_boolean (dynamic))
    {
      config (chain, "spark.dynamicAllocation.enabled", "true");
      config (chain, "spark.dynamicAllocation.shuffleTracking.enabled", "true");
      config_setting (e, chain, "spark.dynamicAllocation.minExecutors", "dynamic_allocation.min");
      config_setting (e, chain, "spark.dynamicAllocation.maxExecutors", "dynamic_allocation.max");
    }
  if (optimizations != NULL && JSON_NODE_HOLDS_VALUE (optimizations) &&
      g_strcmp0 (json_node_get_string (optimizations), "auto") == 0)
    {
      config (chain, "spark.sql.adaptive.enabled", "true");
      config (chain, "spark.sql.adaptive.coalescePartitions.enabled", "true");
    }

  if (g_hash_table_size (e->packages) > 0)
    {
      g_autofree gpointer *keys = g_hash_table_get_keys_as_array (e->packages, NULL);
      g_autofree char *joined = NULL;
      guint n = g_hash_table_size (e->packages);
      gboolean delta = FALSE;

      qsort (keys, n, sizeof (gpointer), compare_strings);
      joined = g_strjoinv (",", (char **) keys);
      config (chain, "spark.jars.packages", joined);
      for (guint i = 0; i < n; i++)
        delta |= g_str_has_prefix (keys[i], "io.delta:");
      if (delta)
        {
          config (chain, "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
          config (chain, "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        }
    }

  if (conf != NULL && JSON_NODE_HOLDS_OBJECT (conf))
    {
      JsonObject *object = json_node_get_object (conf);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l; l = l->next)
        {
          g_autofree char *text = value_text (json_object_get_member (object, l->data));
          config (chain, l->data, text);
        }
    }
  py_trailer (chain, "getOrCreate");

  blank_lines (e, 2);
  flint_writer_line (e->w, "def main() -> None:");
  flint_writer_indent (e->w);
  emit_assign (e, "spark", chain);

  /* The session stops however the job ends, so a batch job's driver exits with it. */
  flint_writer_line (e->w, "try:");
  flint_writer_indent (e->w);

  if (catalog != NULL && JSON_NODE_HOLDS_VALUE (catalog) && json_node_get_value_type (catalog) == G_TYPE_STRING)
    {
      g_autofree char *lit = flint_writer_python_string_literal (json_node_get_string (catalog));

      /* Unity Catalog defaults for table names; a Spark without that catalog keeps its own. */
      flint_writer_linef (e->w, "if any(c.name == %s for c in spark.catalog.listCatalogs()):", lit);
      flint_writer_indent (e->w);
      flint_writer_linef (e->w, "spark.catalog.setCurrentCatalog(%s)", lit);
      if (schema != NULL && JSON_NODE_HOLDS_VALUE (schema) && json_node_get_value_type (schema) == G_TYPE_STRING)
        {
          g_autofree char *s = flint_writer_python_string_literal (json_node_get_string (schema));
          flint_writer_linef (e->w, "spark.catalog.setCurrentDatabase(%s)", s);
        }
      flint_writer_dedent (e->w);
    }

  if (e->streaming)
    {
      /* Streams run until they stop (available-now and once triggers) or fail. */
      flint_writer_line (e->w, "for query in build(spark).values():");
      flint_writer_indent (e->w);
      if (e->batch_sinks)
        {
          flint_writer_line (e->w, "if query is not None:");
          flint_writer_line (e->w, "    query.awaitTermination()");
        }
      else
        flint_writer_line (e->w, "query.awaitTermination()");
      flint_writer_dedent (e->w);
    }
  else
    flint_writer_line (e->w, "build(spark)");
  flint_writer_dedent (e->w);
  flint_writer_line (e->w, "finally:");
  flint_writer_line (e->w, "    spark.stop()");
  flint_writer_dedent (e->w);
}

static void
emit_build (Emit *e, const char *results)
{
  FlintCodePlan *plan = e->ctx->plan;
  guint n = flint_code_plan_get_n_steps (plan);
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) variables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < n; i++)
    {
      const FlintCodeStep *step = flint_code_plan_get_step (plan, i);
      g_hash_table_add (used, g_strdup (step->function));
      g_hash_table_add (used, g_strdup (step->variable));
    }

  blank_lines (e, 2);
  flint_writer_line (e->w, e->streaming ? "def build(spark: SparkSession) -> dict[str, StreamingQuery]:"
                                        : "def build(spark: SparkSession) -> dict[str, None]:");
  flint_writer_indent (e->w);
  flint_writer_line (e->w, "\"\"\"Wires the nodes together; returns what each sink gave, by node id.\"\"\"");
  flint_writer_linef (e->w, "%s = {}", results);

  for (guint i = 0; i < n; i++)
    {
      const FlintCodeStep *step = flint_code_plan_get_step (plan, i);
      const FlintNodeKind *kind = flint_node_get_kind (step->node);
      Py *call = py_call (step->function);
      const char *id = flint_node_get_id (step->node);

      if (needs_spark (step))
        py_add (call, py_atom ("spark"));
      for (guint k = 0; k < step->inputs->len; k++)
        {
          FlintEdge *edge = g_ptr_array_index (step->inputs, k);
          g_autofree char *key = g_strconcat (flint_edge_get_from_node (edge), ".", flint_edge_get_from_port (edge), NULL);
          const char *variable = g_hash_table_lookup (variables, key);

          if (variable == NULL)
            {
              g_autofree char *k2 = g_strconcat (flint_edge_get_from_node (edge), ".", NULL);
              variable = g_hash_table_lookup (variables, k2);
            }
          py_add (call, py_atom (variable ? variable : "None"));
        }

      if (kind->category == FLINT_NODE_CATEGORY_SINK)
        {
          g_autofree char *key = flint_writer_python_string_literal (id);
          g_autofree char *target = g_strdup_printf ("%s[%s]", results, key);
          emit_assign (e, target, call);
        }
      else if (kind->outputs->len > 1)
        {
          g_autoptr(GString) targets = g_string_new (NULL);

          for (guint p = 0; p < kind->outputs->len; p++)
            {
              const char *port = ((FlintPortSpec *) g_ptr_array_index (kind->outputs, p))->name;
              g_autofree char *variable = NULL;

              if (p == 0)
                variable = g_strdup (step->variable);
              else
                {
                  g_autofree char *base = g_strdup_printf ("%s_%s_df", step->function, port);
                  variable = g_strdup (base);
                  for (guint m = 2; g_hash_table_contains (used, variable); m++)
                    {
                      g_free (variable);
                      variable = g_strdup_printf ("%s_%u", base, m);
                    }
                  g_hash_table_add (used, g_strdup (variable));
                }
              g_string_append_printf (targets, "%s%s", p > 0 ? ", " : "", variable);
              g_hash_table_insert (variables, g_strconcat (id, ".", port, NULL), g_strdup (variable));
              if (p == 0)
                g_hash_table_insert (variables, g_strconcat (id, ".", NULL), g_strdup (variable));
            }
          emit_assign (e, targets->str, call);
        }
      else
        {
          g_hash_table_insert (variables, g_strconcat (id, ".", NULL), g_strdup (step->variable));
          if (kind->outputs->len == 1)
            g_hash_table_insert (variables,
                                 g_strconcat (id, ".", ((FlintPortSpec *) g_ptr_array_index (kind->outputs, 0))->name, NULL),
                                 g_strdup (step->variable));
          emit_assign (e, step->variable, call);
        }
    }

  flint_writer_linef (e->w, "return %s", results);
  flint_writer_dedent (e->w);
}

gboolean
flint_python_emit (FlintEmitContext  *ctx,
                   GError           **error)
{
  FlintPipeline *pipeline = ctx->pipeline;
  g_autoptr(FlintWriter) body = flint_writer_new (4);
  g_autoptr(GHashTable) packages = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  FlintWriter *module = ctx->writer;
  const char *name = flint_pipeline_get_name (pipeline);
  const char *description = flint_pipeline_get_description (pipeline);
  guint n = flint_code_plan_get_n_steps (ctx->plan);
  g_autofree char *text = NULL;
  g_autofree char *results = g_strdup ("results");
  gboolean streaming_sinks = FALSE;
  Emit e = { 0 };

  e.ctx = ctx;
  e.streaming = flint_pipeline_get_mode (pipeline) == FLINT_JOB_MODE_STREAMING;
  e.packages = packages;

  /* The functions go to a writer of their own first: what they use decides the imports. */
  e.w = body;
  ctx->span_writer = body;
  for (guint i = 0; i < n; i++)
    {
      const FlintCodeStep *step = flint_code_plan_get_step (ctx->plan, i);

      if (!emit_step (&e, step, error))
        return FALSE;
      if (flint_node_get_kind (step->node)->category == FLINT_NODE_CATEGORY_SINK)
        {
          FlintFlow *flow = flint_validator_get_input (ctx->validator, flint_node_get_id (step->node), NULL);
          streaming_sinks |= flow && flint_flow_is_streaming (flow);
          e.batch_sinks |= !(flow && flint_flow_is_streaming (flow));
        }
    }
  for (guint m = 2;; m++)
    {
      gboolean taken = FALSE;

      for (guint i = 0; i < n && !taken; i++)
        {
          const FlintCodeStep *step = flint_code_plan_get_step (ctx->plan, i);
          taken = g_str_equal (step->function, results) || g_str_equal (step->variable, results);
        }
      if (!taken)
        break;
      g_free (results);
      results = g_strdup_printf ("results_%u", m);
    }
  e.streaming = e.streaming || streaming_sinks;
  emit_build (&e, results);
  emit_main (&e);
  blank_lines (&e, 2);
  flint_writer_line (body, "if __name__ == \"__main__\":");
  flint_writer_line (body, "    main()");

  /* The header. */
  e.w = module;
  flint_writer_linef (module, "# %s", "Generated by Flint: PySpark only, nothing of Flint is needed to run it.");
  if (name != NULL && *name)
    {
      g_autofree char *line = g_strdup_printf ("Pipeline: %s", name);
      emit_comment (&e, line);
    }
  if (ctx->source_name != NULL)
    {
      g_autofree char *line = g_strdup_printf ("From: %s", ctx->source_name);
      emit_comment (&e, line);
    }
  if (description != NULL && *description)
    {
      g_auto(GStrv) paragraphs = g_strsplit (description, "\n", -1);

      flint_writer_line (module, "#");
      for (guint i = 0; paragraphs[i]; i++)
        if (!is_blank (paragraphs[i]))
          emit_comment (&e, paragraphs[i]);
    }
  flint_writer_line (module, " ");
  if (e.need_job)
    flint_writer_line (module, "from contextlib import contextmanager");
  if (e.need_os)
    flint_writer_line (module, "import os");
  if (e.need_job)
    flint_writer_line (module, "from typing import Iterator");
  flint_writer_line (module, " ");
  if (e.need_storage_level)
    flint_writer_line (module, "from pyspark import StorageLevel");
  flint_writer_line (module, "from pyspark.sql import DataFrame, SparkSession");
  flint_writer_line (module, "from pyspark.sql import functions as F");
  if (e.streaming)
    flint_writer_line (module, "from pyspark.sql.streaming import StreamingQuery");
  if (e.need_window)
    flint_writer_line (module, "from pyspark.sql.window import Window");
  emit_helpers (&e);

  text = flint_writer_finish (body);
  blank_lines (&e, 2);

  /* Spans were counted in the body: shift them to where the body lands in the module
   * (flint_writer_lines drops the body's leading blank lines). */
  {
    guint offset = flint_writer_get_next_line (module) - 1;
    const char *p = text;

    while (*p == '\n')
      {
        offset--;
        p++;
      }
    for (guint i = 0; i < ctx->spans->len; i++)
      {
        FlintCodeSpan *span = g_ptr_array_index (ctx->spans, i);
        span->first_line += offset;
        span->last_line += offset;
      }
  }

  flint_writer_lines (module, text);

  return TRUE;
}
