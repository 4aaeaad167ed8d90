/* flint-code-plan.c: the order and the names of generated code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-codegen"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "flint-codegen.h"
#include "flint-writer.h"

struct _FlintCodePlan
{
  GPtrArray  *steps;    /* FlintCodeStep */
  GHashTable *by_id;    /* node id -> FlintCodeStep */
};

G_DEFINE_QUARK (flint-codegen-error-quark, flint_codegen_error)

/* What the module defines or imports, and the builtins generated code (any, type, dict)
 * or a user's code node may call: a node's function must not shadow them. */
static const char *python_reserved[] = {
  "build", "main", "spark", "F", "T", "DataFrame", "SparkSession", "Window", "StorageLevel",
  "StreamingQuery", "Iterator", "contextmanager", "os",
  "filter", "map", "sorted", "sum", "min", "max", "len", "list", "dict", "set", "str", "int",
  "float", "round", "range", "type", "id", "input", "open", "print", "zip", "any", "all",
  "format", "hash", "iter", "next", "object", "slice", "abs", "bool", "bytes", "pow", "repr",
  "reversed", "vars", "tuple", "enumerate", "isinstance", "getattr", "super", "callable", NULL
};

/* What the object defines or imports, and the Predef and scala names a method would
 * shadow inside the object (println in a code node, Seq and Map in build). */
static const char *scala_reserved[] = {
  "build", "main", "spark", "functions", "DataFrame", "SparkSession", "Window", "StorageLevel",
  "Column", "Trigger", "StreamingQuery", "StructType", "Row", "F", "secret", "databricksSecret",
  "print", "println", "printf", "assert", "assume", "require", "identity", "implicitly", "locally",
  "classOf", "sys", "math", "scala", "java", "org", "Some", "None", "Option", "List", "Map", "Seq",
  "Set", "Array", "String", "Int", "Long", "Double", "Boolean", "Any", "Unit", "Nil", NULL
};

const char *
flint_language_to_string (FlintLanguage language)
{
  switch (language)
    {
    case FLINT_LANGUAGE_PYTHON:
      return "python";
    case FLINT_LANGUAGE_SCALA:
      return "scala";
    default:
      g_return_val_if_reached ("python");
    }
}

gboolean
flint_language_from_string (const char    *text,
                            FlintLanguage *language)
{
  if (g_strcmp0 (text, "python") == 0 || g_strcmp0 (text, "pyspark") == 0)
    *language = FLINT_LANGUAGE_PYTHON;
  else if (g_strcmp0 (text, "scala") == 0)
    *language = FLINT_LANGUAGE_SCALA;
  else
    return FALSE;

  return TRUE;
}

static void
step_free (gpointer data)
{
  FlintCodeStep *step = data;

  g_clear_object (&step->node);
  g_free (step->function);
  g_free (step->variable);
  g_clear_pointer (&step->inputs, g_ptr_array_unref);
  g_free (step);
}

void
flint_code_plan_free (FlintCodePlan *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_free (self);
}

static int
compare_nodes_by_id (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  return strcmp (flint_node_get_id ((FlintNode *) a), flint_node_get_id ((FlintNode *) b));
}

static guint
input_port_index (FlintNode  *node,
                  const char *port)
{
  GPtrArray *ports = flint_node_get_kind (node)->inputs;

  for (guint i = 0; i < ports->len; i++)
    if (g_str_equal (((FlintPortSpec *) g_ptr_array_index (ports, i))->name, port))
      return i;

  return G_MAXUINT;
}

static GPtrArray *
ordered_inputs (FlintPipeline *pipeline,
                FlintNode     *node)
{
  GPtrArray *edges = flint_pipeline_get_node_inputs (pipeline, node);
  GPtrArray *ordered = g_ptr_array_new_full (edges->len, g_object_unref);
  guint n_ports = flint_node_get_kind (node)->inputs->len;

  /* Port by port; within a port, in document order (the order of a union's inputs). */
  for (guint p = 0; p < n_ports; p++)
    for (guint i = 0; i < edges->len; i++)
      {
        FlintEdge *edge = g_ptr_array_index (edges, i);

        if (input_port_index (node, flint_edge_get_to_port (edge)) == p)
          g_ptr_array_add (ordered, g_object_ref (edge));
      }

  return ordered;
}

static char *
variable_name (const char    *function,
               FlintLanguage  language)
{
  return g_strconcat (function, language == FLINT_LANGUAGE_PYTHON ? "_df" : "Df", NULL);
}

/* A function name no other step uses, whose variable (function + "_df" or "Df") no other
 * step uses as a function or a variable either; both are marked used. */
static char *
unique_name (GHashTable    *used,
             FlintLanguage  language,
             FlintNode     *node)
{
  const char *label = flint_node_get_label (node);
  const char *const *reserved = language == FLINT_LANGUAGE_PYTHON ? python_reserved : scala_reserved;
  g_autofree char *base = NULL;

  /* Named from the label a user reads, falling back to the id. */
  if (language == FLINT_LANGUAGE_PYTHON)
    base = flint_writer_python_identifier (label ? label : flint_node_get_id (node), flint_node_get_id (node));
  else
    base = flint_writer_scala_identifier (label ? label : flint_node_get_id (node), flint_node_get_id (node));

  if (g_strv_contains (reserved, base))
    {
      char *suffixed = g_strconcat (base, language == FLINT_LANGUAGE_PYTHON ? "_step" : "Step", NULL);
      g_free (base);
      base = suffixed;
    }

  for (guint n = 1;; n++)
    {
      g_autofree char *candidate = n == 1 ? g_strdup (base)
                                 : g_strdup_printf (language == FLINT_LANGUAGE_PYTHON ? "%s_%u" : "%s%u", base, n);
      g_autofree char *variable = variable_name (candidate, language);

      if (!g_hash_table_contains (used, candidate) && !g_hash_table_contains (used, variable))
        {
          g_hash_table_add (used, g_strdup (candidate));
          g_hash_table_add (used, g_steal_pointer (&variable));
          return g_steal_pointer (&candidate);
        }
    }
}

FlintCodePlan *
flint_code_plan_new (FlintPipeline  *pipeline,
                     FlintLanguage   language,
                     GError        **error)
{
  g_autoptr(FlintCodePlan) self = g_new0 (FlintCodePlan, 1);
  g_autoptr(GHashTable) pending = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GSequence) ready = g_sequence_new (NULL);
  GListModel *nodes;
  guint n;

  g_return_val_if_fail (FLINT_IS_PIPELINE (pipeline), NULL);

  self->steps = g_ptr_array_new_with_free_func (step_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);

  nodes = flint_pipeline_get_nodes (pipeline);
  n = g_list_model_get_n_items (nodes);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      guint count = flint_pipeline_get_node_inputs (pipeline, node)->len;

      g_hash_table_insert (pending, node, GUINT_TO_POINTER (count));
      if (count == 0)
        g_sequence_insert_sorted (ready, node, compare_nodes_by_id, NULL);
    }

  /* Kahn's algorithm, always taking the smallest id that is ready: deterministic. */
  while (g_sequence_get_length (ready) > 0)
    {
      GSequenceIter *first = g_sequence_get_begin_iter (ready);
      FlintNode *node = g_sequence_get (first);
      GPtrArray *outs = flint_pipeline_get_node_outputs (pipeline, node);
      FlintCodeStep *step = g_new0 (FlintCodeStep, 1);

      g_sequence_remove (first);

      step->node = g_object_ref (node);
      step->function = unique_name (used, language, node);
      step->variable = variable_name (step->function, language);
      step->inputs = ordered_inputs (pipeline, node);
      g_ptr_array_add (self->steps, step);
      g_hash_table_insert (self->by_id, (gpointer) flint_node_get_id (node), step);

      for (guint i = 0; i < outs->len; i++)
        {
          FlintNode *next = flint_pipeline_lookup_node (pipeline, flint_edge_get_to_node (g_ptr_array_index (outs, i)));
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (pending, next));

          g_hash_table_insert (pending, next, GUINT_TO_POINTER (count - 1));
          if (count == 1)
            g_sequence_insert_sorted (ready, next, compare_nodes_by_id, NULL);
        }
    }

  if (self->steps->len < n)
    {
      g_set_error (error, FLINT_CODEGEN_ERROR, FLINT_CODEGEN_ERROR_CYCLE,
                   _("The pipeline has a cycle; code can only be generated for a graph that flows one way"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

guint
flint_code_plan_get_n_steps (FlintCodePlan *self)
{
  return self->steps->len;
}

const FlintCodeStep *
flint_code_plan_get_step (FlintCodePlan *self,
                          guint          position)
{
  g_return_val_if_fail (position < self->steps->len, NULL);
  return g_ptr_array_index (self->steps, position);
}

const FlintCodeStep *
flint_code_plan_lookup (FlintCodePlan *self,
                        const char    *node_id)
{
  return g_hash_table_lookup (self->by_id, node_id);
}

const FlintCodeStep *
flint_code_plan_get_source (FlintCodePlan *self,
                            FlintEdge     *edge)
{
  return g_hash_table_lookup (self->by_id, flint_edge_get_from_node (edge));
}
