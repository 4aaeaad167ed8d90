/* flint-canvas-geometry.h: sizes, ports, curves and the spatial index of the canvas
 *
 * No GTK here: layout, hit-testing and the index are arithmetic the display suite and the
 * benchmark check directly.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-model.h"

G_BEGIN_DECLS

/* A node card, in canvas units (pixels at 100% zoom). */
#define FLINT_NODE_WIDTH        200.0
#define FLINT_NODE_HEADER       42.0
#define FLINT_NODE_PORT_ROW     24.0
#define FLINT_NODE_PADDING      8.0
#define FLINT_NODE_RADIUS       12.0
#define FLINT_PORT_RADIUS       5.5
/* How far from a port's centre a press still picks it. */
#define FLINT_PORT_HIT_RADIUS   11.0

typedef struct
{
  double x, y, width, height;
} FlintRect;

typedef enum
{
  FLINT_PORT_INPUT,
  FLINT_PORT_OUTPUT,
} FlintPortDirection;

void     flint_node_kind_get_size       (const FlintNodeKind *kind,
                                         double              *width,
                                         double              *height);
/* The node's rectangle at (x, y), its top left corner. */
FlintRect flint_node_kind_get_rect      (const FlintNodeKind *kind,
                                         double               x,
                                         double               y);
/* The centre of port @index of @direction for a node whose top left corner is (x, y). */
void     flint_node_kind_get_port_point (const FlintNodeKind *kind,
                                         FlintPortDirection   direction,
                                         guint                index,
                                         double               x,
                                         double               y,
                                         double              *px,
                                         double              *py);
/* The index of a named port, or -1. */
int      flint_node_kind_port_index     (const FlintNodeKind *kind,
                                         FlintPortDirection   direction,
                                         const char          *name);

gboolean flint_rect_contains            (const FlintRect     *rect,
                                         double               x,
                                         double               y);
gboolean flint_rect_intersects          (const FlintRect     *a,
                                         const FlintRect     *b);
/* The smallest rectangle holding both; an empty @a (width < 0) is ignored. */
void     flint_rect_union               (FlintRect           *a,
                                         const FlintRect     *b);

/* The cubic Bézier of an edge from an output at (x1, y1) to an input at (x2, y2): it
 * leaves to the right and enters from the left. @c holds 4 points (8 doubles). */
void     flint_edge_curve               (double               x1,
                                         double               y1,
                                         double               x2,
                                         double               y2,
                                         double              *c);
void     flint_edge_curve_bounds        (const double        *c,
                                         FlintRect           *bounds);
/* The distance from (x, y) to the curve. */
double   flint_edge_curve_distance      (const double        *c,
                                         double               x,
                                         double               y);

/* A uniform grid of cells holding items by their rectangles: the canvas asks it what
 * lies in view, or under the pointer, instead of walking the whole graph. */
typedef struct _FlintGrid FlintGrid;

FlintGrid *flint_grid_new               (double               cell_size);
void       flint_grid_free              (FlintGrid           *grid);
void       flint_grid_clear             (FlintGrid           *grid);
void       flint_grid_insert            (FlintGrid           *grid,
                                         gpointer             item,
                                         const FlintRect     *rect);
/* @rect must be the rectangle the item was inserted with. */
void       flint_grid_remove            (FlintGrid           *grid,
                                         gpointer             item,
                                         const FlintRect     *rect);
/* Appends to @out, once each, the items whose cells meet @rect (a superset of the items
 * that intersect it). */
void       flint_grid_query             (FlintGrid           *grid,
                                         const FlintRect     *rect,
                                         GPtrArray           *out);
guint      flint_grid_get_n_items       (FlintGrid           *grid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintGrid, flint_grid_free)

G_END_DECLS
