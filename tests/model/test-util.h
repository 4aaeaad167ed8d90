/* test-util.h: building pipelines in tests without the loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-model.h"

/* Adds a node of @kind_id with parameters given as JSON text ("{...}" or NULL) and a
 * declared schema as "name type, name type" (or NULL). */
static inline FlintNode *
test_add_node (FlintPipeline *pipeline,
               const char    *id,
               const char    *kind_id,
               const char    *params_json,
               const char    *schema_text)
{
  const FlintNodeKind *kind = flint_catalog_lookup (flint_pipeline_get_catalog (pipeline), kind_id);
  g_autoptr(FlintNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (kind);
  node = flint_node_new (id, kind);

  if (params_json != NULL)
    {
      g_autoptr(JsonNode) root = json_from_string (params_json, &error);
      g_autoptr(GList) members = NULL;
      JsonObject *object;

      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
      object = json_node_get_object (root);
      members = json_object_get_members (object);
      for (const GList *l = members; l; l = l->next)
        flint_node_take_param (node, l->data, json_node_copy (json_object_get_member (object, l->data)));
    }

  if (schema_text != NULL)
    {
      g_autoptr(FlintSchema) schema = flint_schema_new ();
      g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
      g_auto(GStrv) columns = NULL;
      int depth = 0;
      const char *start = schema_text;

      /* Split at the commas outside <...> and (...). */
      for (const char *p = schema_text;; p++)
        {
          if (*p == '<' || *p == '(')
            depth++;
          else if (*p == '>' || *p == ')')
            depth--;
          else if ((*p == ',' && depth == 0) || *p == '\0')
            {
              g_ptr_array_add (list, g_strndup (start, p - start));
              start = p + 1;
              if (*p == '\0')
                break;
            }
        }
      g_ptr_array_add (list, NULL);
      columns = (GStrv) g_ptr_array_free (g_steal_pointer (&list), FALSE);

      for (guint i = 0; columns[i] != NULL; i++)
        {
          g_autofree char *column = g_strstrip (g_strdup (columns[i]));
          char *space = strchr (column, ' ');
          g_autoptr(FlintDataType) type = NULL;

          g_assert_nonnull (space);
          *space = '\0';
          type = flint_data_type_parse (space + 1, &error);
          g_assert_no_error (error);
          flint_schema_append (schema, column, type, TRUE);
        }
      flint_node_set_schema (node, schema);
    }

  flint_pipeline_add_node (pipeline, node, &error);
  g_assert_no_error (error);

  return node;
}

/* "from" or "from.port" to "to" or "to.port". */
static inline void
test_connect (FlintPipeline *pipeline,
              const char    *from,
              const char    *to)
{
  g_auto(GStrv) a = g_strsplit (from, ".", 2);
  g_auto(GStrv) b = g_strsplit (to, ".", 2);
  g_autoptr(GError) error = NULL;

  flint_pipeline_connect (pipeline, a[0], a[1], b[0], b[1], &error);
  g_assert_no_error (error);
}

/* All diagnostics as text, one a line: "node|param|severity|code|message|hint". */
static inline char *
test_dump_diagnostics (GPtrArray *diagnostics)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < diagnostics->len; i++)
    {
      FlintDiagnostic *d = g_ptr_array_index (diagnostics, i);

      g_string_append_printf (out, "%s|%s|%s|%s|%s|%s\n",
                              flint_diagnostic_get_node_id (d) ? flint_diagnostic_get_node_id (d) : "-",
                              flint_diagnostic_get_param (d) ? flint_diagnostic_get_param (d) : "-",
                              flint_severity_to_string (flint_diagnostic_get_severity (d)),
                              flint_diagnostic_get_code (d),
                              flint_diagnostic_get_message (d),
                              flint_diagnostic_get_hint (d) ? flint_diagnostic_get_hint (d) : "-");
    }

  return g_string_free (out, FALSE);
}

/* The first diagnostic of @node_id with @code, or NULL. */
static inline FlintDiagnostic *
test_find (FlintValidator *validator,
           const char     *node_id,
           const char     *code)
{
  GPtrArray *diagnostics = flint_validator_get_node_diagnostics (validator, node_id);

  for (guint i = 0; i < diagnostics->len; i++)
    if (g_str_equal (flint_diagnostic_get_code (g_ptr_array_index (diagnostics, i)), code))
      return g_ptr_array_index (diagnostics, i);

  return NULL;
}

static inline guint
test_count_errors (FlintValidator *validator)
{
  return flint_validator_count (validator, FLINT_SEVERITY_ERROR);
}
