/* bench-pipeline.c: the pipeline text the model and codegen benchmarks measure
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <time.h>

#include "bench-pipeline.h"

double
bench_now (void)
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

/* Sorts @samples. */
double
bench_median (GArray *samples)
{
  guint n = samples->len;

  g_assert (n > 0);
  g_array_sort (samples, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (samples, double, n / 2);
  return (g_array_index (samples, double, n / 2 - 1) + g_array_index (samples, double, n / 2)) / 2;
}

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

char *
bench_pipeline_yaml (guint  n_blocks,
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

