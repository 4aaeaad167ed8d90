/* bench-codegen.c: how code generation scales with the size of a pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Generates PySpark and Scala for pipelines of 1,000 and 10,000 nodes made of
 * bench-model's realistic ten-node block (the same text, so the figures compare), and
 * reports the median time of each and the ratio between the sizes: generation must be
 * linear, so the ratio should stay near 10. The pipeline is loaded and validated once,
 * outside the timing; flint_codegen_generate re-plans and emits, which is what the
 * designer's code view pays on every edit.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-pipeline.h"
#include "flint-codegen.h"
#include "flint-model.h"

static guint repeat = 5;

typedef struct
{
  guint  nodes;
  gsize  bytes[2];
  double seconds[2];   /* Python, Scala: medians */
  double plan;         /* the code plan alone (order and names), which both include */
} Result;

static void
measure (guint   n_nodes,
         Result *result)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *yaml = NULL;
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(FlintValidator) validator = NULL;
  gsize length;

  yaml = bench_pipeline_yaml (n_nodes / BLOCK_NODES, &length);
  pipeline = flint_pipeline_load_from_data (flint_catalog_get_default (), yaml, length, &error);
  if (pipeline == NULL)
    g_error ("bench-codegen: %s", error->message);
  /* Validated once outside the timing, as the designer's document always is. */
  validator = flint_validator_new (pipeline);
  if (flint_validator_count (validator, FLINT_SEVERITY_ERROR) > 0)
    g_error ("bench-codegen: the %u-node pipeline has errors", n_nodes);

  result->nodes = n_nodes;
  {
    g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint r = 0; r < repeat; r++)
      {
        double start = bench_now (), elapsed;
        g_autoptr(FlintCodePlan) plan = flint_code_plan_new (pipeline, FLINT_LANGUAGE_PYTHON, &error);

        elapsed = bench_now () - start;
        if (plan == NULL)
          g_error ("bench-codegen: %s", error->message);
        g_array_append_val (samples, elapsed);
      }
    result->plan = bench_median (samples);
  }
  for (guint lang = 0; lang < 2; lang++)
    {
      g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));

      for (guint r = 0; r < repeat; r++)
        {
          double start = bench_now (), elapsed;
          g_autoptr(FlintGeneratedCode) code =
            flint_codegen_generate (pipeline, lang == 0 ? FLINT_LANGUAGE_PYTHON : FLINT_LANGUAGE_SCALA, FALSE, &error);

          elapsed = bench_now () - start;
          if (code == NULL)
            g_error ("bench-codegen: %s", error->message);
          result->bytes[lang] = strlen (flint_generated_code_get_text (code));
          g_array_append_val (samples, elapsed);
        }
      result->seconds[lang] = bench_median (samples);
    }
}

int
main (int    argc,
      char **argv)
{
  const GOptionEntry entries[] = {
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat, "Runs of each measurement; the median is reported", "5" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time code generation on large pipelines");
  g_autoptr(GError) error = NULL;
  static const guint sizes[] = { 1000, 10000 };
  Result results[G_N_ELEMENTS (sizes)] = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || repeat == 0)
    {
      fprintf (stderr, "bench-codegen: %s\n", error ? error->message : "--repeat must be at least 1");
      return 2;
    }

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    measure (sizes[i], &results[i]);

  printf ("| nodes | plan | PySpark | bytes | Scala | bytes |\n|---:|---:|---:|---:|---:|---:|\n");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    printf ("| %u | %.1f ms | %.1f ms | %" G_GSIZE_FORMAT " | %.1f ms | %" G_GSIZE_FORMAT " |\n", results[i].nodes,
            results[i].plan * 1e3, results[i].seconds[0] * 1e3, results[i].bytes[0],
            results[i].seconds[1] * 1e3, results[i].bytes[1]);
  printf ("\nratio 10,000 / 1,000 nodes: plan %.2f, PySpark %.2f, Scala %.2f (linear: 10)\n",
          results[1].plan / results[0].plan,
          results[1].seconds[0] / results[0].seconds[0], results[1].seconds[1] / results[0].seconds[1]);

  return 0;
}
