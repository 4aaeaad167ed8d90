/* test-spans.c: where each node's function stands in the generated text
 *
 * The code view highlights a node's function from these spans, so they must point at
 * the function's definition line and end on its last line, in both languages.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "flint-codegen.h"

static FlintPipeline *
load_example (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("FLINT_SOURCE_ROOT"), "data", "examples", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FlintPipeline *pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);

  g_assert_no_error (error);
  return pipeline;
}

static void
check_spans (gconstpointer data)
{
  const char *example = data;
  FlintLanguage languages[] = { FLINT_LANGUAGE_PYTHON, FLINT_LANGUAGE_SCALA };

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      g_autoptr(FlintPipeline) pipeline = load_example (example);
      g_autoptr(GError) error = NULL;
      g_autoptr(FlintGeneratedCode) code = flint_codegen_generate (pipeline, languages[l], FALSE, &error);
      g_autoptr(FlintCodePlan) plan = NULL;
      g_auto(GStrv) lines = NULL;
      GPtrArray *spans;
      guint n_lines;

      g_assert_no_error (error);
      plan = flint_code_plan_new (pipeline, languages[l], &error);
      g_assert_no_error (error);

      lines = g_strsplit (flint_generated_code_get_text (code), "\n", -1);
      n_lines = g_strv_length (lines);
      spans = flint_generated_code_get_spans (code);

      /* One span a node, in text order, none overlapping. */
      g_assert_cmpuint (spans->len, ==, flint_code_plan_get_n_steps (plan));
      for (guint i = 0; i < spans->len; i++)
        {
          FlintCodeSpan *span = g_ptr_array_index (spans, i);
          const FlintCodeStep *step = flint_code_plan_lookup (plan, span->node_id);
          g_autofree char *def = g_strdup_printf ("def %s(", step->function);
          const char *first, *last;

          g_assert_nonnull (step);
          g_assert_cmpuint (span->first_line, >=, 1);
          g_assert_cmpuint (span->first_line, <=, span->last_line);
          g_assert_cmpuint (span->last_line, <=, n_lines);
          if (i > 0)
            g_assert_cmpuint (span->first_line, >, ((FlintCodeSpan *) g_ptr_array_index (spans, i - 1))->last_line);

          first = lines[span->first_line - 1];
          last = lines[span->last_line - 1];
          if (strstr (first, def) == NULL)
            g_test_message ("%s %s: line %u is “%s”", flint_language_to_string (languages[l]),
                            span->node_id, span->first_line, first);
          g_assert_nonnull (strstr (first, def));
          /* The last line is the function's, not the blank line after it. */
          g_assert_cmpstr (g_strstrip (g_strdup (last)), !=, "");
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/spans/customer-join", "customer-join.flint.yaml", check_spans);
  g_test_add_data_func ("/spans/daily-sales-rollup", "daily-sales-rollup.flint.yaml", check_spans);
  g_test_add_data_func ("/spans/streaming-click-counter", "streaming-click-counter.flint.yaml", check_spans);

  return g_test_run ();
}
