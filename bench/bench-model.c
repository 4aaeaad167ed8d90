/* bench-model.c: how the document layer scales with the size of a pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Builds *.flint.yaml texts of 100 to 100,000 nodes out of a realistic ten-node block,
 * then times loading, full validation, incremental validation after one edit and saving.
 * The machines are shared and noisy, so every figure is the median of several runs and
 * the goals are ratios between sizes measured in the same run.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

#include "bench-pipeline.h"
#include "flint-catalog.h"
#include "flint-pipeline.h"
#include "flint-pipeline-io.h"
#include "flint-validator.h"

/* What an edit re-validates: the sink alone; orders_eu and what lies downstream of it. */
#define LEAF_EDIT_NODES 1
#define ROOT_EDIT_NODES 7

#define GOAL_FULL_RATIO 12.0  /* full validation: time (10,000) / time (1,000) */
#define GOAL_LEAF_RATIO 2.0   /* leaf edit: time (10,000) / time (100) */

typedef struct
{
  guint    n_nodes;
  gsize    yaml_bytes;
  double   load;        /* seconds, medians */
  double   full;
  double   leaf;
  double   root;
  double   to_yaml;
  double   save_file;
  double   full_min;    /* the fastest run, for the ratios' second opinion */
  double   leaf_min;
  guint64  peak_rss;    /* KiB */
  gboolean measured;
} Result;

static guint repeat = 5;
static guint edits = 200;
static gboolean markdown;
static gboolean strict;
static char *sizes_arg;

/* Helpers {{{ */

static double
minimum (GArray *samples)
{
  double m = g_array_index (samples, double, 0);

  for (guint i = 1; i < samples->len; i++)
    m = MIN (m, g_array_index (samples, double, i));
  return m;
}

/* Peak resident set size since the last reset, in KiB; 0 when unknown. */
static guint64
peak_rss (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  if ((line = strstr (status, "VmHWM:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

/* Linux resets VmHWM to the current RSS when "5" is written to clear_refs. */
static void
reset_peak_rss (void)
{
  FILE *file = fopen ("/proc/self/clear_refs", "w");

  if (file == NULL)
    return;
  fputs ("5", file);
  fclose (file);
}

static void
fail (const char *format,
      ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

static void
fail (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  fputs ("bench-model: ", stderr);
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
  va_end (args);
  exit (EXIT_FAILURE);
}

/* }}} */


static void
print_diagnostics (FlintValidator *validator)
{
  g_autoptr(GPtrArray) all = flint_validator_dup_diagnostics (validator);

  for (guint i = 0; i < MIN (all->len, 10); i++)
    {
      FlintDiagnostic *d = g_ptr_array_index (all, i);

      fprintf (stderr, "  %s: %s %s: %s\n", flint_diagnostic_get_node_id (d),
               flint_diagnostic_get_code (d),
               flint_diagnostic_get_param (d) ? flint_diagnostic_get_param (d) : "",
               flint_diagnostic_get_message (d));
    }
}

/* One timed parameter edit and the update that follows it; checks what it re-validated. */
static double
time_edits (FlintValidator *validator,
            FlintNode      *node,
            const char     *param,
            const char     *prefix,
            guint           expected)
{
  double start = bench_now ();

  for (guint i = 0; i < edits; i++)
    {
      char value[128];
      guint count;

      g_snprintf (value, sizeof value, "%s%u/", prefix, i);
      flint_node_set_string (node, param, value);
      if ((count = flint_validator_update (validator)) != expected)
        fail ("an edit of %s.%s re-validated %u nodes, not %u",
              flint_node_get_id (node), param, count, expected);
    }

  return (bench_now () - start) / edits;
}

static void
run_size (FlintCatalog *catalog,
          const char   *tmpdir,
          Result       *result)
{
  guint n_blocks = result->n_nodes / BLOCK_NODES;
  guint mid = n_blocks / 2;
  g_autoptr(GArray) load = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) full = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) leaf = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) root = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) to_yaml = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) save_file = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(FlintValidator) validator = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *yaml = NULL;
  g_autofree char *path = NULL;
  g_autofree char *sink_id = NULL;
  g_autofree char *root_id = NULL;
  FlintNode *sink, *source;
  gsize length;

  reset_peak_rss ();

  yaml = bench_pipeline_yaml (n_blocks, &length);
  result->yaml_bytes = length;

  /* Load: the text into a document. */
  for (guint r = 0; r < repeat; r++)
    {
      g_autoptr(GError) error = NULL;
      double start = bench_now (), t;

      g_clear_object (&pipeline);
      pipeline = flint_pipeline_load_from_data (catalog, yaml, length, &error);
      t = bench_now () - start;
      if (pipeline == NULL)
        fail ("loading %u nodes: %s", result->n_nodes, error->message);
      g_array_append_val (load, t);
    }
  if (flint_pipeline_get_n_nodes (pipeline) != result->n_nodes)
    fail ("loaded %u nodes, not %u", flint_pipeline_get_n_nodes (pipeline), result->n_nodes);

  /* Full validation: every node, expressions parsed and checked; the first pass also
   * creates the validator's per-node state, so it is measured on its own. */
  validator = flint_validator_new (pipeline);
  for (guint r = 0; r < repeat; r++)
    {
      double start = bench_now (), t;
      guint count = flint_validator_validate_all (validator);

      t = bench_now () - start;
      if (count != result->n_nodes)
        fail ("full validation validated %u nodes, not %u", count, result->n_nodes);
      g_array_append_val (full, t);
    }
  if (flint_validator_count (validator, FLINT_SEVERITY_ERROR) + flint_validator_count (validator, FLINT_SEVERITY_WARNING) > 0)
    {
      print_diagnostics (validator);
      fail ("the %u-node pipeline is not clean: %u errors, %u warnings", result->n_nodes,
            flint_validator_count (validator, FLINT_SEVERITY_ERROR),
            flint_validator_count (validator, FLINT_SEVERITY_WARNING));
    }

  /* Incremental: an edit of a sink in the middle block, then one of a root source. */
  sink_id = g_strdup_printf ("daily_out_%u", mid);
  root_id = g_strdup_printf ("orders_eu_%u", mid);
  sink = flint_pipeline_lookup_node (pipeline, sink_id);
  source = flint_pipeline_lookup_node (pipeline, root_id);
  g_assert (sink != NULL && source != NULL);

  for (guint r = 0; r < repeat; r++)
    {
      g_autofree char *sink_path = g_strdup_printf ("s3a://lake/marts/daily_sales/shard=%u/v%u-", mid, r);
      g_autofree char *source_path = g_strdup_printf ("s3a://lake/orders/eu/shard=%u/v%u-", mid, r);
      double t;

      t = time_edits (validator, sink, "path", sink_path, LEAF_EDIT_NODES);
      g_array_append_val (leaf, t);
      t = time_edits (validator, source, "path", source_path, ROOT_EDIT_NODES);
      g_array_append_val (root, t);
    }
  if (flint_validator_count (validator, FLINT_SEVERITY_ERROR) + flint_validator_count (validator, FLINT_SEVERITY_WARNING) > 0)
    {
      print_diagnostics (validator);
      fail ("the edits left diagnostics");
    }

  /* Save: the document as text, and atomically to a file. */
  path = g_build_filename (tmpdir, "bench.flint.yaml", NULL);
  file = g_file_new_for_path (path);
  for (guint r = 0; r < repeat; r++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      double start = bench_now (), t;
      gsize text_length;

      text = flint_pipeline_to_yaml (pipeline, &text_length);
      t = bench_now () - start;
      g_array_append_val (to_yaml, t);
      if (text == NULL || text_length == 0)
        fail ("saving %u nodes to text gave nothing", result->n_nodes);

      start = bench_now ();
      if (!flint_pipeline_save_to_file (pipeline, file, NULL, &error))
        fail ("saving %u nodes to %s: %s", result->n_nodes, path, error->message);
      t = bench_now () - start;
      g_array_append_val (save_file, t);
    }

  /* What was saved loads back into the same text. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FlintPipeline) again = NULL;
    g_autofree char *saved = NULL;
    g_autofree char *resaved = NULL;
    gsize saved_length, resaved_length;

    saved = flint_pipeline_to_yaml (pipeline, &saved_length);
    if ((again = flint_pipeline_load_from_data (catalog, saved, saved_length, &error)) == NULL)
      fail ("loading what was saved: %s", error->message);
    resaved = flint_pipeline_to_yaml (again, &resaved_length);
    if (saved_length != resaved_length || memcmp (saved, resaved, saved_length) != 0)
      fail ("saving what was loaded from a saved file changed the text (%u nodes)", result->n_nodes);
  }
  g_unlink (path);

  result->full_min = minimum (full);
  result->leaf_min = minimum (leaf);
  result->load = bench_median (load);
  result->full = bench_median (full);
  result->leaf = bench_median (leaf);
  result->root = bench_median (root);
  result->to_yaml = bench_median (to_yaml);
  result->save_file = bench_median (save_file);
  result->peak_rss = peak_rss ();
  result->measured = TRUE;
}

/* Reporting {{{ */

static const Result *
find_result (GArray *results,
             guint   n_nodes)
{
  for (guint i = 0; i < results->len; i++)
    {
      const Result *r = &g_array_index (results, Result, i);

      if (r->n_nodes == n_nodes && r->measured)
        return r;
    }

  return NULL;
}

static void
print_table (GArray *results)
{
  const char *header[] = {
    "nodes", "yaml KiB", "load ms", "full ms", "full us/node",
    "leaf edit us", "root edit us", "to_yaml ms", "save file ms", "peak RSS MiB",
  };

  if (markdown)
    {
      g_print ("|");
      for (guint i = 0; i < G_N_ELEMENTS (header); i++)
        g_print (" %s |", header[i]);
      g_print ("\n|");
      for (guint i = 0; i < G_N_ELEMENTS (header); i++)
        g_print ("---:|");
      g_print ("\n");
    }
  else
    g_print ("%8s %9s %9s %9s %13s %13s %13s %11s %13s %13s\n",
             header[0], header[1], header[2], header[3], header[4],
             header[5], header[6], header[7], header[8], header[9]);

  for (guint i = 0; i < results->len; i++)
    {
      const Result *r = &g_array_index (results, Result, i);

      if (markdown)
        g_print ("| %u | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f |\n", r->n_nodes,
                 r->yaml_bytes / 1024.0, r->load * 1e3, r->full * 1e3,
                 r->full * 1e6 / r->n_nodes, r->leaf * 1e6, r->root * 1e6,
                 r->to_yaml * 1e3, r->save_file * 1e3, r->peak_rss / 1024.0);
      else
        g_print ("%8u %9.0f %9.2f %9.2f %13.2f %13.2f %13.2f %11.2f %13.2f %13.1f\n", r->n_nodes, r->yaml_bytes / 1024.0, r->load * 1e3, r->full * 1e3,
               r->full * 1e6 / r->n_nodes, r->leaf * 1e6, r->root * 1e6,
               r->to_yaml * 1e3, r->save_file * 1e3, r->peak_rss / 1024.0);
    }
}

/* Prints a ratio between two sizes; returns whether it meets @goal (0: no goal). */
static gboolean
print_ratio (GArray     *results,
             const char *what,
             gsize       offset,
             gsize       min_offset,
             guint       big,
             guint       small,
             double      goal)
{
  g_autofree char *of_min = NULL;
  const Result *a = find_result (results, big);
  const Result *b = find_result (results, small);
  double ratio, x, y;
  const char *verdict;
  gboolean met;

  if (a == NULL || b == NULL)
    {
      if (goal > 0 && markdown)
        g_print ("| %s (%u / %u) | n/a | <= %.0fx | NOT RUN |\n", what, big, small, goal);
      else if (goal > 0)
        g_print ("  %-30s %6u / %-6u not run   goal <= %.0fx\n", what, big, small, goal);
      return TRUE;
    }

  x = G_STRUCT_MEMBER (double, a, offset);
  y = G_STRUCT_MEMBER (double, b, offset);
  ratio = x / y;
  met = goal <= 0 || ratio <= goal;
  if (min_offset != 0)
    of_min = g_strdup_printf (markdown ? " (min: %.2fx)" : "  (of the fastest runs: %.2fx)",
                              G_STRUCT_MEMBER (double, a, min_offset) / G_STRUCT_MEMBER (double, b, min_offset));
  else
    of_min = g_strdup ("");
  verdict = goal <= 0 ? "info" : met ? "PASS" : "MISS";

  if (markdown)
    {
      if (goal > 0)
        g_print ("| %s (%u / %u) | %.2fx%s | <= %.0fx | **%s** |\n", what, big, small, ratio, of_min, goal, verdict);
      else
        g_print ("| %s (%u / %u) | %.2fx%s | (%.0fx the nodes) | %s |\n", what, big, small, ratio, of_min,
                 (double) big / small, verdict);
    }
  else
    {
      if (goal > 0)
        g_print ("  %-30s %6u / %-6u %8.2fx  goal <= %.0fx  %s%s\n", what, big, small, ratio, goal, verdict, of_min);
      else
        g_print ("  %-30s %6u / %-6u %8.2fx  (%.0fx the nodes)  %s%s\n", what, big, small, ratio,
                 (double) big / small, verdict, of_min);
    }

  return met;
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  const GOptionEntry entries[] = {
    { "sizes", 's', 0, G_OPTION_ARG_STRING, &sizes_arg, "Pipeline sizes in nodes, multiples of 10", "100,1000,10000,100000" },
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat, "Runs of each measurement; the median is reported", "5" },
    { "edits", 'e', 0, G_OPTION_ARG_INT, &edits, "Edits timed together in one run of an incremental measurement", "200" },
    { "markdown", 'm', 0, G_OPTION_ARG_NONE, &markdown, "Print the tables as Markdown", NULL },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, "Exit with 2 when a goal is missed", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the document layer on large pipelines");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) results = g_array_new (FALSE, TRUE, sizeof (Result));
  g_auto(GStrv) sizes = NULL;
  g_autofree char *tmpdir = NULL;
  FlintCatalog *catalog;
  gboolean all_met = TRUE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    fail ("%s", error->message);
  if (repeat < 1 || edits < 1)
    fail ("--repeat and --edits must be at least 1");

  sizes = g_strsplit (sizes_arg ? sizes_arg : "100,1000,10000,100000", ",", -1);
  for (guint i = 0; sizes[i] != NULL; i++)
    {
      Result r = { 0 };
      guint64 n;

      if (!g_ascii_string_to_unsigned (g_strstrip (sizes[i]), 10, BLOCK_NODES, 10000000, &n, NULL) ||
          n % BLOCK_NODES != 0)
        fail ("'%s' is not a size: give node counts that are multiples of %u", sizes[i], BLOCK_NODES);
      r.n_nodes = n;
      g_array_append_val (results, r);
    }

  if ((tmpdir = g_dir_make_tmp ("flint-bench-XXXXXX", &error)) == NULL)
    fail ("%s", error->message);

  catalog = flint_catalog_get_default ();

  if (!markdown)
    g_print ("Flint model benchmark: median of %u runs, %u edits per incremental run, %u-node blocks\n\n",
             repeat, edits, BLOCK_NODES);

  for (guint i = 0; i < results->len; i++)
    {
      Result *r = &g_array_index (results, Result, i);

      if (!markdown)
        g_printerr ("  %u nodes...\n", r->n_nodes);
      run_size (catalog, tmpdir, r);
    }
  g_rmdir (tmpdir);

  print_table (results);

  if (markdown)
    g_print ("\n| ratio | measured | goal | verdict |\n|---|---:|---:|---|\n");
  else
    g_print ("\nRatios (median of the bigger size / median of the smaller):\n");
  all_met &= print_ratio (results, "full validation", G_STRUCT_OFFSET (Result, full),
                          G_STRUCT_OFFSET (Result, full_min), 10000, 1000, GOAL_FULL_RATIO);
  all_met &= print_ratio (results, "leaf edit", G_STRUCT_OFFSET (Result, leaf),
                          G_STRUCT_OFFSET (Result, leaf_min), 10000, 100, GOAL_LEAF_RATIO);
  print_ratio (results, "full validation", G_STRUCT_OFFSET (Result, full),
               G_STRUCT_OFFSET (Result, full_min), 100000, 10000, 0);
  print_ratio (results, "leaf edit", G_STRUCT_OFFSET (Result, leaf),
               G_STRUCT_OFFSET (Result, leaf_min), 100000, 100, 0);
  print_ratio (results, "root edit", G_STRUCT_OFFSET (Result, root), 0, 10000, 100, 0);
  print_ratio (results, "load", G_STRUCT_OFFSET (Result, load), 0, 10000, 1000, 0);
  print_ratio (results, "load", G_STRUCT_OFFSET (Result, load), 0, 100000, 10000, 0);
  print_ratio (results, "to_yaml", G_STRUCT_OFFSET (Result, to_yaml), 0, 10000, 1000, 0);
  print_ratio (results, "to_yaml", G_STRUCT_OFFSET (Result, to_yaml), 0, 100000, 10000, 0);
  print_ratio (results, "save file", G_STRUCT_OFFSET (Result, save_file), 0, 100000, 10000, 0);

  return strict && !all_met ? 2 : EXIT_SUCCESS;
}
