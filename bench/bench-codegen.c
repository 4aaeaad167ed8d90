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

#include "flint-codegen.h"
#include "flint-model.h"

static guint repeat = 5;

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (GArray *samples)
{
  guint n = samples->len;

  g_array_sort (samples, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (samples, double, n / 2);
  return (g_array_index (samples, double, n / 2 - 1) + g_array_index (samples, double, n / 2)) / 2;
}

/* The pipeline text: bench-model.c's block, copied so each benchmark builds alone {{{ */

#define BLOCK_NODES 10

static void
append_block_nodes (GString *yaml,
                    guint    b)
{
  static const char *countries[] = { "DE", "FR", "US", "JP", "BR", "IN" };
  const char *country = countries[b % G_N_ELEMENTS (countries)];

  for (guint r = 0; r < 2; r++)
    {
      const char *region = r == 0 ? "eu" : "us";

      g_string_append_printf (yaml,
        "  - id: orders_%s_%u\n"
        "    kind: source.parquet\n"
        "    label: Orders %s %u\n"
        "    params: {path: \"s3a://lake/orders/%s/shard=%u/\"}\n"
        "    schema:\n"
        "      - {name: order_id, type: long, nullable: false}\n"
        "      - {name: customer_id, type: long}\n"
        "      - {name: store_id, type: int}\n"
        "      - {name: sku, type: string}\n"
        "      - {name: channel, type: string}\n"
        "      - {name: quantity, type: int}\n"
        "      - {name: unit_price, type: \"decimal(10,2)\"}\n"
        "      - {name: discount, type: double}\n"
        "      - {name: ordered_at, type: timestamp}\n",
        region, b, region, b, region, b);
    }

  g_string_append_printf (yaml,
    "  - id: customers_%u\n"
    "    kind: source.csv\n"
    "    label: Customers %u\n"
    "    params: {path: \"s3a://lake/customers/shard=%u/\", header: true, sep: \";\"}\n"
    "    schema:\n"
    "      - {name: customer_id, type: long, nullable: false}\n"
    "      - {name: name, type: string}\n"
    "      - {name: age, type: int}\n"
    "      - {name: country, type: string}\n"
    "      - {name: segment, type: string}\n"
    "      - {name: signup_at, type: timestamp}\n"
    "  - id: all_orders_%u\n"
    "    kind: transform.union\n"
    "    params: {by_name: true}\n"
    "  - id: valid_orders_%u\n"
    "    kind: transform.filter\n"
    "    params: {condition: \"quantity > 0 AND unit_price >= 0.5 AND discount BETWEEN 0 AND 0.9 "
                               "AND ordered_at IS NOT NULL AND channel IN ('web', 'store', 'app')\"}\n"
    "  - id: priced_%u\n"
    "    kind: transform.derive\n"
    "    params:\n"
    "      columns:\n"
    "        - {name: revenue, expr: \"round(quantity * unit_price * (1 - discount), 2)\"}\n"
    "        - {name: day, expr: to_date(ordered_at)}\n"
    "        - {name: band, expr: \"CASE WHEN quantity * unit_price > 100 THEN 'large' ELSE 'small' END\"}\n"
    "  - id: adults_%u\n"
    "    kind: transform.filter\n"
    "    params: {condition: \"age >= 18 AND country = '%s' AND lower(segment) <> 'test'\"}\n"
    "  - id: enriched_%u\n"
    "    kind: transform.join\n"
    "    params:\n"
    "      how: inner\n"
    "      keys:\n"
    "        - {left: customer_id, right: customer_id}\n"
    "  - id: daily_%u\n"
    "    kind: transform.aggregate\n"
    "    params:\n"
    "      group_by: [country, day, band]\n"
    "      aggregations:\n"
    "        - {name: orders, expr: count(*)}\n"
    "        - {name: units, expr: sum(quantity)}\n"
    "        - {name: revenue, expr: \"round(sum(revenue), 2)\"}\n"
    "        - {name: customers, expr: count(DISTINCT customer_id)}\n"
    "  - id: daily_out_%u\n"
    "    kind: sink.parquet\n"
    "    params:\n"
    "      path: \"s3a://lake/marts/daily_sales/shard=%u/\"\n"
    "      mode: overwrite\n"
    "      partition_by: [day]\n",
    b, b, b, b, b, b, b, country, b, b, b, b);
}

static void
append_block_edges (GString *yaml,
                    guint    b)
{
  g_string_append_printf (yaml,
    "  - {from: orders_eu_%u, to: all_orders_%u}\n"
    "  - {from: orders_us_%u, to: all_orders_%u}\n"
    "  - {from: all_orders_%u, to: valid_orders_%u}\n"
    "  - {from: valid_orders_%u, to: priced_%u}\n"
    "  - {from: customers_%u, to: adults_%u}\n"
    "  - {from: priced_%u, to: enriched_%u.left}\n"
    "  - {from: adults_%u, to: enriched_%u.right}\n"
    "  - {from: enriched_%u, to: daily_%u}\n"
    "  - {from: daily_%u, to: daily_out_%u}\n",
    b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b, b);
}

static char *
make_pipeline_yaml (guint  n_blocks,
                    gsize *length)
{
  GString *yaml = g_string_sized_new (n_blocks * 2600);

  g_string_append_printf (yaml,
    "flint: 1\n"
    "name: bench-%u\n"
    "description: Daily sales marts, %u shards\n"
    "job:\n"
    "  mode: batch\n"
    "  spark_version: \"4.0.1\"\n"
    "  driver: {cores: 1, memory: 2g}\n"
    "  executor: {instances: 4, cores: 2, memory: 4g}\n"
    "  optimizations: auto\n"
    "  conf: {spark.sql.session.timeZone: UTC}\n"
    "  targets:\n"
    "    local: {kind: local}\n"
    "nodes:\n",
    n_blocks * BLOCK_NODES, n_blocks);
  for (guint b = 0; b < n_blocks; b++)
    append_block_nodes (yaml, b);

  g_string_append (yaml, "edges:\n");
  for (guint b = 0; b < n_blocks; b++)
    append_block_edges (yaml, b);

  g_string_append (yaml, "layout:\n");
  for (guint b = 0; b < n_blocks; b++)
    {
      static const char *columns[BLOCK_NODES] = {
        "orders_eu", "orders_us", "customers", "all_orders", "valid_orders",
        "priced", "adults", "enriched", "daily", "daily_out",
      };
      static const int x[BLOCK_NODES] = { 80, 80, 80, 320, 560, 800, 560, 1040, 1280, 1520 };
      static const int y[BLOCK_NODES] = { 0, 140, 280, 70, 70, 70, 280, 170, 170, 170 };

      for (guint i = 0; i < BLOCK_NODES; i++)
        g_string_append_printf (yaml, "  %s_%u: [%d, %u]\n", columns[i], b, x[i], y[i] + b * 400);
    }

  *length = yaml->len;
  return g_string_free (yaml, FALSE);
}

/* }}} */

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

  yaml = make_pipeline_yaml (n_nodes / BLOCK_NODES, &length);
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
        double start = now (), elapsed;
        g_autoptr(FlintCodePlan) plan = flint_code_plan_new (pipeline, FLINT_LANGUAGE_PYTHON, &error);

        elapsed = now () - start;
        if (plan == NULL)
          g_error ("bench-codegen: %s", error->message);
        g_array_append_val (samples, elapsed);
      }
    result->plan = median (samples);
  }
  for (guint lang = 0; lang < 2; lang++)
    {
      g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));

      for (guint r = 0; r < repeat; r++)
        {
          double start = now (), elapsed;
          g_autoptr(FlintGeneratedCode) code =
            flint_codegen_generate (pipeline, lang == 0 ? FLINT_LANGUAGE_PYTHON : FLINT_LANGUAGE_SCALA, FALSE, &error);

          elapsed = now () - start;
          if (code == NULL)
            g_error ("bench-codegen: %s", error->message);
          result->bytes[lang] = strlen (flint_generated_code_get_text (code));
          g_array_append_val (samples, elapsed);
        }
      result->seconds[lang] = median (samples);
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
