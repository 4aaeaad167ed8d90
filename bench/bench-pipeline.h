/* bench-pipeline.h: the pipeline text the model and codegen benchmarks measure
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One block: two regional order tables unioned, cleaned, priced, joined with adult
 * customers, rolled up per country and day, and written to a path of its own.
 *
 *   orders_eu ─┐
 *              ├─ all_orders ─ valid_orders ─ priced ─┐
 *   orders_us ─┘                                      ├─ enriched ─ daily ─ daily_out
 *   customers ─ adults ───────────────────────────────┘
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BLOCK_NODES 10

/* A *.flint.yaml text of @n_blocks blocks (BLOCK_NODES nodes each), with layout. */
char   *bench_pipeline_yaml (guint    n_blocks,
                             gsize   *length);

/* CLOCK_MONOTONIC in seconds. */
double  bench_now           (void);
double  bench_median        (GArray  *samples);

G_END_DECLS
