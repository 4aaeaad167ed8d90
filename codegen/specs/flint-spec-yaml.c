/* flint-spec-yaml.c: a careful YAML writer and a small reader for the export layer
 *
 * The writer is ours rather than libyaml's emitter so the quoting rule is explicit: a
 * string is written plain only when every YAML 1.1 and 1.2 reader (kubectl, the
 * Databricks CLI, PyYAML) reads it back as the same string.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-specs"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <yaml.h>

#include "flint-spec-yaml.h"

/* Writing {{{ */

static gboolean
plain_safe (const char *text)
{
  static const char *const reserved[] = { "true", "false", "yes", "no", "on", "off", "y", "n",
                                          "null", "~", NULL };
  g_autofree char *lower = NULL;

  if (*text == '\0')
    return FALSE;

  /* A letter or '/' first: no number, indicator, date or anchor can start like that. */
  if (!g_ascii_isalpha (text[0]) && text[0] != '/' && text[0] != '_')
    return FALSE;

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isalnum (*p) || strchr ("_./-+@=", *p) != NULL)
        continue;
      /* "a:b" is plain, "a: b" and a trailing colon are not. */
      if (*p == ':' && p[1] != '\0' && p[1] != ' ')
        continue;
      return FALSE;
    }

  lower = g_ascii_strdown (text, -1);
  if (g_strv_contains (reserved, lower))
    return FALSE;

  return TRUE;
}

static void
write_double_quoted (GString    *out,
                     const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      guchar c = *p;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\x%02x", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

/* A literal block keeps code readable in a ConfigMap; it cannot hold trailing spaces on
 * a line, tabs before text at the start, or control characters without changing them. */
static gboolean
literal_allowed (const char *text)
{
  if (strchr (text, '\n') == NULL || text[0] == ' ' || text[0] == '\n')
    return FALSE;

  for (const char *p = text; *p; p++)
    {
      guchar c = *p;

      if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
        return FALSE;
      if ((c == ' ' || c == '\t') && (p[1] == '\n' || p[1] == '\0'))
        return FALSE;
    }

  return TRUE;
}

static void
write_string (GString    *out,
              const char *text,
              guint       indent)
{
  if (plain_safe (text))
    {
      g_string_append (out, text);
      return;
    }

  if (literal_allowed (text))
    {
      gsize len = strlen (text);
      const char *chomp;
      const char *line = text;

      if (text[len - 1] != '\n')
        chomp = "-";
      else if (len >= 2 && text[len - 2] == '\n')
        chomp = "+";
      else
        chomp = "";

      g_string_append_printf (out, "|%s\n", chomp);
      while (*line)
        {
          const char *end = strchr (line, '\n');
          gsize n = end ? (gsize) (end - line) : strlen (line);

          if (n > 0)
            {
              g_string_append_printf (out, "%*s", indent, "");
              g_string_append_len (out, line, n);
            }
          if (end == NULL)
            break;
          if (end[1] != '\0' || *chomp == '+')
            g_string_append_c (out, '\n');
          line = end + 1;
        }
      /* The caller ends the line. */
      if (out->str[out->len - 1] == '\n')
        g_string_truncate (out, out->len - 1);
      return;
    }

  write_double_quoted (out, text);
}

static void
write_scalar (GString  *out,
              JsonNode *node,
              guint     indent)
{
  GType type;

  if (JSON_NODE_HOLDS_NULL (node))
    {
      g_string_append (out, "null");
      return;
    }

  type = json_node_get_value_type (node);
  if (type == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
  else if (type == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (type == G_TYPE_DOUBLE)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append (out, g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
    }
  else
    write_string (out, json_node_get_string (node), indent);
}

static gboolean
is_empty_container (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_object_get_size (json_node_get_object (node)) == 0;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_array_get_length (json_node_get_array (node)) == 0;
  return FALSE;
}

static void write_node (GString *out, JsonNode *node, guint indent);

static void
write_object (GString    *out,
              JsonObject *object,
              guint       indent,
              gboolean    first_inline)
{
  g_autoptr(GList) members = json_object_get_members (object);
  gboolean first = TRUE;

  for (const GList *l = members; l; l = l->next)
    {
      JsonNode *value = json_object_get_member (object, l->data);

      if (!(first && first_inline))
        g_string_append_printf (out, "%*s", indent, "");
      first = FALSE;
      write_string (out, l->data, indent);
      g_string_append_c (out, ':');

      if (JSON_NODE_HOLDS_OBJECT (value) && !is_empty_container (value))
        {
          g_string_append_c (out, '\n');
          write_object (out, json_node_get_object (value), indent + 2, FALSE);
        }
      else if (JSON_NODE_HOLDS_ARRAY (value) && !is_empty_container (value))
        {
          g_string_append_c (out, '\n');
          write_node (out, value, indent);
        }
      else
        {
          g_string_append_c (out, ' ');
          write_node (out, value, indent + 2);
          g_string_append_c (out, '\n');
        }
    }
}

static void
write_node (GString  *out,
            JsonNode *node,
            guint     indent)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      if (is_empty_container (node))
        g_string_append (out, "{}");
      else
        write_object (out, json_node_get_object (node), indent, FALSE);
      return;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      if (json_array_get_length (array) == 0)
        {
          g_string_append (out, "[]");
          return;
        }

      /* Sequences under a key sit at the key's indentation, as kubectl writes them. */
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          g_string_append_printf (out, "%*s- ", indent, "");
          if (JSON_NODE_HOLDS_OBJECT (item) && !is_empty_container (item))
            write_object (out, json_node_get_object (item), indent + 2, TRUE);
          else if (JSON_NODE_HOLDS_ARRAY (item) && !is_empty_container (item))
            {
              g_string_append_c (out, '\n');
              write_node (out, item, indent + 2);
            }
          else
            {
              write_node (out, item, indent + 2);
              g_string_append_c (out, '\n');
            }
        }
      return;
    }

  write_scalar (out, node, indent);
}

char *
flint_spec_yaml_from_json (JsonNode *root)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (root != NULL && JSON_NODE_HOLDS_OBJECT (root), NULL);

  write_object (out, json_node_get_object (root), 0, FALSE);
  return g_string_free (out, FALSE);
}

char *
flint_spec_json_to_text (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  return g_strconcat (text, "\n", NULL);
}

/* }}} */

/* Reading {{{ */

typedef struct
{
  yaml_parser_t parser;
  GError      **error;
} Reader;

static gboolean
next_event (Reader       *r,
            yaml_event_t *event)
{
  if (!yaml_parser_parse (&r->parser, event))
    {
      g_set_error (r->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%zu:%zu: %s",
                   r->parser.problem_mark.line + 1, r->parser.problem_mark.column + 1,
                   r->parser.problem ? r->parser.problem : _("not YAML"));
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
scalar_node (yaml_event_t *event)
{
  const char *text = (const char *) event->data.scalar.value;

  if (event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
    {
      char *end = NULL;
      gint64 v;

      if (g_str_equal (text, "true") || g_str_equal (text, "false"))
        return json_node_init_boolean (json_node_alloc (), g_str_equal (text, "true"));
      if (g_str_equal (text, "null") || g_str_equal (text, "~") || *text == '\0')
        return json_node_init_null (json_node_alloc ());
      v = g_ascii_strtoll (text, &end, 10);
      if (end != text && *end == '\0' && (g_ascii_isdigit (text[0]) || text[0] == '-'))
        return json_node_init_int (json_node_alloc (), v);
    }

  return json_node_init_string (json_node_alloc (), text);
}

static JsonNode *read_node (Reader *r, yaml_event_t *event);

static JsonNode *
read_node (Reader       *r,
           yaml_event_t *event)
{
  yaml_event_t next;

  if (event->type == YAML_SCALAR_EVENT)
    return scalar_node (event);

  if (event->type == YAML_SEQUENCE_START_EVENT)
      {
        g_autoptr(JsonArray) array = json_array_new ();

        for (;;)
          {
            JsonNode *item;

            if (!next_event (r, &next))
              return NULL;
            if (next.type == YAML_SEQUENCE_END_EVENT)
              {
                yaml_event_delete (&next);
                break;
              }
            item = read_node (r, &next);
            yaml_event_delete (&next);
            if (item == NULL)
              return NULL;
            json_array_add_element (array, item);
          }
        return json_node_init_array (json_node_alloc (), array);
      }

  if (event->type == YAML_MAPPING_START_EVENT)
      {
        g_autoptr(JsonObject) object = json_object_new ();

        for (;;)
          {
            g_autofree char *key = NULL;
            JsonNode *value;

            if (!next_event (r, &next))
              return NULL;
            if (next.type == YAML_MAPPING_END_EVENT)
              {
                yaml_event_delete (&next);
                break;
              }
            if (next.type != YAML_SCALAR_EVENT)
              {
                g_set_error (r->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%zu:%zu: %s",
                             next.start_mark.line + 1, next.start_mark.column + 1, _("keys must be text"));
                yaml_event_delete (&next);
                return NULL;
              }
            key = g_strdup ((const char *) next.data.scalar.value);
            yaml_event_delete (&next);

            if (!next_event (r, &next))
              return NULL;
            value = read_node (r, &next);
            yaml_event_delete (&next);
            if (value == NULL)
              return NULL;
            json_object_set_member (object, key, value);
          }
        return json_node_init_object (json_node_alloc (), object);
      }

  g_set_error (r->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%zu:%zu: %s",
               event->start_mark.line + 1, event->start_mark.column + 1,
               event->type == YAML_ALIAS_EVENT ? _("aliases are not supported") : _("unexpected YAML"));
  return NULL;
}

JsonNode *
flint_spec_yaml_parse (const char  *text,
                       gsize        length,
                       GError     **error)
{
  Reader r = { .error = error };
  JsonNode *root = NULL;
  yaml_event_t event;

  yaml_parser_initialize (&r.parser);
  yaml_parser_set_input_string (&r.parser, (const unsigned char *) text, length);

  /* Stream start, document start, then the root node. */
  while (root == NULL)
    {
      if (!next_event (&r, &event))
        break;
      if (event.type == YAML_STREAM_END_EVENT)
        {
          yaml_event_delete (&event);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the file is empty"));
          break;
        }
      if (event.type == YAML_STREAM_START_EVENT || event.type == YAML_DOCUMENT_START_EVENT)
        {
          yaml_event_delete (&event);
          continue;
        }
      root = read_node (&r, &event);
      yaml_event_delete (&event);
      if (root == NULL)
        break;
    }

  yaml_parser_delete (&r.parser);
  return root;
}

/* }}} */
