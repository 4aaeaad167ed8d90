/* flint-canvas-geometry.c: sizes, ports, curves and the spatial index of the canvas
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-canvas"

#include "config.h"

#include <math.h>

#include "flint-canvas-geometry.h"

/* Items spanning more cells than this live in a list every query returns, so that one
 * long edge across a huge graph does not fill thousands of cells. */
#define MAX_CELLS_PER_ITEM 256
#define CURVE_SEGMENTS     24

void
flint_node_kind_get_size (const FlintNodeKind *kind,
                          double              *width,
                          double              *height)
{
  guint rows = MAX (MAX (kind->inputs->len, kind->outputs->len), 1);

  if (width != NULL)
    *width = FLINT_NODE_WIDTH;
  if (height != NULL)
    *height = FLINT_NODE_HEADER + rows * FLINT_NODE_PORT_ROW + FLINT_NODE_PADDING;
}

FlintRect
flint_node_kind_get_rect (const FlintNodeKind *kind,
                          double               x,
                          double               y)
{
  FlintRect rect = { x, y, 0, 0 };

  flint_node_kind_get_size (kind, &rect.width, &rect.height);
  return rect;
}

void
flint_node_kind_get_port_point (const FlintNodeKind *kind,
                                FlintPortDirection   direction,
                                guint                index,
                                double               x,
                                double               y,
                                double              *px,
                                double              *py)
{
  *px = direction == FLINT_PORT_INPUT ? x : x + FLINT_NODE_WIDTH;
  *py = y + FLINT_NODE_HEADER + (index + 0.5) * FLINT_NODE_PORT_ROW;
}

int
flint_node_kind_port_index (const FlintNodeKind *kind,
                            FlintPortDirection   direction,
                            const char          *name)
{
  GPtrArray *ports = direction == FLINT_PORT_INPUT ? kind->inputs : kind->outputs;

  if (name == NULL)
    return ports->len > 0 ? 0 : -1;

  for (guint i = 0; i < ports->len; i++)
    {
      const FlintPortSpec *port = g_ptr_array_index (ports, i);

      if (g_strcmp0 (port->name, name) == 0)
        return i;
    }

  return -1;
}

gboolean
flint_rect_contains (const FlintRect *rect,
                     double           x,
                     double           y)
{
  return x >= rect->x && y >= rect->y &&
         x < rect->x + rect->width && y < rect->y + rect->height;
}

gboolean
flint_rect_intersects (const FlintRect *a,
                       const FlintRect *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width &&
         a->y < b->y + b->height && b->y < a->y + a->height;
}

void
flint_rect_union (FlintRect       *a,
                  const FlintRect *b)
{
  double x2, y2;

  if (a->width < 0)
    {
      *a = *b;
      return;
    }

  x2 = MAX (a->x + a->width, b->x + b->width);
  y2 = MAX (a->y + a->height, b->y + b->height);
  a->x = MIN (a->x, b->x);
  a->y = MIN (a->y, b->y);
  a->width = x2 - a->x;
  a->height = y2 - a->y;
}

void
flint_edge_curve (double  x1,
                  double  y1,
                  double  x2,
                  double  y2,
                  double *c)
{
  /* Horizontal tangents, longer for edges that go backwards so they loop around. */
  double dx = MAX (fabs (x2 - x1) / 2, 40.0);

  if (x2 < x1)
    dx = MAX (dx, MIN (fabs (y2 - y1), 160.0));

  c[0] = x1;
  c[1] = y1;
  c[2] = x1 + dx;
  c[3] = y1;
  c[4] = x2 - dx;
  c[5] = y2;
  c[6] = x2;
  c[7] = y2;
}

void
flint_edge_curve_bounds (const double *c,
                         FlintRect    *bounds)
{
  /* The control polygon holds the curve. */
  double x1 = MIN (MIN (c[0], c[2]), MIN (c[4], c[6]));
  double x2 = MAX (MAX (c[0], c[2]), MAX (c[4], c[6]));
  double y1 = MIN (MIN (c[1], c[3]), MIN (c[5], c[7]));
  double y2 = MAX (MAX (c[1], c[3]), MAX (c[5], c[7]));

  bounds->x = x1;
  bounds->y = y1;
  bounds->width = x2 - x1;
  bounds->height = y2 - y1;
}

static void
curve_point (const double *c,
             double        t,
             double       *x,
             double       *y)
{
  double u = 1 - t;
  double a = u * u * u, b = 3 * u * u * t, d = 3 * u * t * t, e = t * t * t;

  *x = a * c[0] + b * c[2] + d * c[4] + e * c[6];
  *y = a * c[1] + b * c[3] + d * c[5] + e * c[7];
}

static double
segment_distance (double px,
                  double py,
                  double ax,
                  double ay,
                  double bx,
                  double by)
{
  double dx = bx - ax, dy = by - ay;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;

  t = CLAMP (t, 0.0, 1.0);
  return hypot (px - (ax + t * dx), py - (ay + t * dy));
}

double
flint_edge_curve_distance (const double *c,
                           double        x,
                           double        y)
{
  double best = G_MAXDOUBLE;
  double px = c[0], py = c[1];

  /* A polyline of the curve, then the best segment refined by bisection on t. */
  for (guint i = 1; i <= CURVE_SEGMENTS; i++)
    {
      double qx, qy;

      curve_point (c, (double) i / CURVE_SEGMENTS, &qx, &qy);
      best = MIN (best, segment_distance (x, y, px, py, qx, qy));
      px = qx;
      py = qy;
    }

  return best;
}

/* The grid */

struct _FlintGrid
{
  double      cell;
  GHashTable *cells;   /* guint64 key -> GPtrArray of items */
  GPtrArray  *big;     /* items over MAX_CELLS_PER_ITEM cells */
  guint       n_items;
};

static inline gint64
cell_index (double v,
            double cell)
{
  return (gint64) floor (v / cell);
}

static inline guint64
cell_key (gint64 i,
          gint64 j)
{
  return ((guint64) (guint32) (gint32) i << 32) | (guint32) (gint32) j;
}

static guint
key_hash (gconstpointer key)
{
  guint64 k = *(const guint64 *) key;

  return (guint) (k ^ (k >> 29) ^ (k >> 32) * 2654435761u);
}

static gboolean
key_equal (gconstpointer a,
           gconstpointer b)
{
  return *(const guint64 *) a == *(const guint64 *) b;
}

typedef struct
{
  guint64    key;
  GPtrArray *items;
} Cell;

static void
cell_free (gpointer data)
{
  Cell *cell = data;

  g_ptr_array_unref (cell->items);
  g_free (cell);
}

static gboolean
cell_range (FlintGrid       *grid,
            const FlintRect *rect,
            gint64          *i1,
            gint64          *j1,
            gint64          *i2,
            gint64          *j2)
{
  *i1 = cell_index (rect->x, grid->cell);
  *j1 = cell_index (rect->y, grid->cell);
  *i2 = cell_index (rect->x + rect->width, grid->cell);
  *j2 = cell_index (rect->y + rect->height, grid->cell);

  return (*i2 - *i1 + 1) * (*j2 - *j1 + 1) <= MAX_CELLS_PER_ITEM;
}

FlintGrid *
flint_grid_new (double cell_size)
{
  FlintGrid *grid = g_new0 (FlintGrid, 1);

  grid->cell = cell_size;
  grid->cells = g_hash_table_new_full (key_hash, key_equal, NULL, cell_free);
  grid->big = g_ptr_array_new ();
  return grid;
}

void
flint_grid_free (FlintGrid *grid)
{
  if (grid == NULL)
    return;

  g_hash_table_unref (grid->cells);
  g_ptr_array_unref (grid->big);
  g_free (grid);
}

void
flint_grid_clear (FlintGrid *grid)
{
  g_hash_table_remove_all (grid->cells);
  g_ptr_array_set_size (grid->big, 0);
  grid->n_items = 0;
}

void
flint_grid_insert (FlintGrid       *grid,
                   gpointer         item,
                   const FlintRect *rect)
{
  gint64 i1, j1, i2, j2;

  grid->n_items++;

  if (!cell_range (grid, rect, &i1, &j1, &i2, &j2))
    {
      g_ptr_array_add (grid->big, item);
      return;
    }

  for (gint64 i = i1; i <= i2; i++)
    for (gint64 j = j1; j <= j2; j++)
      {
        guint64 key = cell_key (i, j);
        Cell *cell = g_hash_table_lookup (grid->cells, &key);

        if (cell == NULL)
          {
            cell = g_new0 (Cell, 1);
            cell->key = key;
            cell->items = g_ptr_array_new ();
            g_hash_table_insert (grid->cells, &cell->key, cell);
          }
        g_ptr_array_add (cell->items, item);
      }
}

void
flint_grid_remove (FlintGrid       *grid,
                   gpointer         item,
                   const FlintRect *rect)
{
  gint64 i1, j1, i2, j2;

  if (!cell_range (grid, rect, &i1, &j1, &i2, &j2))
    {
      if (g_ptr_array_remove_fast (grid->big, item))
        grid->n_items--;
      return;
    }

  for (gint64 i = i1; i <= i2; i++)
    for (gint64 j = j1; j <= j2; j++)
      {
        guint64 key = cell_key (i, j);
        Cell *cell = g_hash_table_lookup (grid->cells, &key);

        if (cell == NULL)
          continue;
        g_ptr_array_remove_fast (cell->items, item);
        if (cell->items->len == 0)
          g_hash_table_remove (grid->cells, &key);
      }

  grid->n_items--;
}

void
flint_grid_query (FlintGrid       *grid,
                  const FlintRect *rect,
                  GPtrArray       *out)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  gint64 i1, j1, i2, j2;

  i1 = cell_index (rect->x, grid->cell);
  j1 = cell_index (rect->y, grid->cell);
  i2 = cell_index (rect->x + rect->width, grid->cell);
  j2 = cell_index (rect->y + rect->height, grid->cell);

  /* A view wider than the occupied cells: walk the cells that exist instead. */
  if ((double) (i2 - i1 + 1) * (double) (j2 - j1 + 1) > g_hash_table_size (grid->cells))
    {
      GHashTableIter iter;
      Cell *cell;

      g_hash_table_iter_init (&iter, grid->cells);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &cell))
        {
          gint64 i = (gint32) (cell->key >> 32), j = (gint32) (cell->key & 0xffffffff);

          if (i < i1 || i > i2 || j < j1 || j > j2)
            continue;
          for (guint k = 0; k < cell->items->len; k++)
            if (g_hash_table_add (seen, cell->items->pdata[k]))
              g_ptr_array_add (out, cell->items->pdata[k]);
        }
    }
  else
    {
      for (gint64 i = i1; i <= i2; i++)
        for (gint64 j = j1; j <= j2; j++)
          {
            guint64 key = cell_key (i, j);
            Cell *cell = g_hash_table_lookup (grid->cells, &key);

            if (cell == NULL)
              continue;
            for (guint k = 0; k < cell->items->len; k++)
              if (g_hash_table_add (seen, cell->items->pdata[k]))
                g_ptr_array_add (out, cell->items->pdata[k]);
          }
    }

  for (guint k = 0; k < grid->big->len; k++)
    if (g_hash_table_add (seen, grid->big->pdata[k]))
      g_ptr_array_add (out, grid->big->pdata[k]);
}

guint
flint_grid_get_n_items (FlintGrid *grid)
{
  return grid->n_items;
}
