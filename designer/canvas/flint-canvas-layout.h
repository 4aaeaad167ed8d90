/* flint-canvas-layout.h: the automatic layered layout of a pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-model.h"

G_BEGIN_DECLS

#define FLINT_LAYOUT_ORIGIN_X   80.0
#define FLINT_LAYOUT_ORIGIN_Y   80.0
#define FLINT_LAYOUT_LAYER_GAP  80.0
#define FLINT_LAYOUT_NODE_GAP   40.0

/* A Sugiyama-style layout: layers by longest path from the sources (cycles broken where
 * they are met), crossings reduced by barycentre sweeps over long edges split into dummy
 * vertices, then coordinates, left to right. Returns FlintNode (borrowed) -> double[2]
 * (the top left corner), for every node of @pipeline. */
GHashTable *flint_canvas_layout_compute (FlintPipeline *pipeline);

/* The number of edge crossings between consecutive layers of the positions @layout gives
 * (for tests: a layout should not have more than its input order). */
guint       flint_canvas_layout_count_crossings (FlintPipeline *pipeline,
                                                 GHashTable    *layout);

G_END_DECLS
