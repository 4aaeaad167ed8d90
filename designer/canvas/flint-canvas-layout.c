/* flint-canvas-layout.c: the automatic layered layout of a pipeline
 *
 * The classic Sugiyama steps, kept simple enough to read: longest-path layering,
 * dummy vertices on long edges, barycentre sweeps that keep the order with the fewest
 * crossings, then y coordinates that pull each vertex towards its neighbours while
 * keeping a layer's vertices apart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-canvas"

#include "config.h"

#include <math.h>

#include "flint-canvas-geometry.h"
#include "flint-canvas-layout.h"

#define SWEEPS        12
#define COORD_PASSES  8
#define DUMMY_HEIGHT  12.0

typedef struct
{
  int        node;     /* index in the document, -1 for a dummy */
  guint      layer;
  double     order;    /* position within the layer, or its barycentre while sorting */
  double     height;
  double     y;
  double     desired;
  GArray    *up;       /* guint: vertices in the layer before */
  GArray    *down;     /* guint: vertices in the layer after */
} Vertex;

typedef struct
{
  GArray    *vertices;  /* Vertex */
  GPtrArray *layers;    /* GArray of guint, vertex indices in order */
} Graph;

static void
vertex_clear (gpointer data)
{
  Vertex *v = data;

  g_clear_pointer (&v->up, g_array_unref);
  g_clear_pointer (&v->down, g_array_unref);
}

static guint
add_vertex (Graph  *graph,
            int     node,
            guint   layer,
            double  height)
{
  Vertex v = { node, layer, 0, height, 0, 0, g_array_new (FALSE, FALSE, sizeof (guint)),
               g_array_new (FALSE, FALSE, sizeof (guint)) };

  g_array_append_val (graph->vertices, v);
  return graph->vertices->len - 1;
}

static inline Vertex *
vertex (Graph *graph,
        guint  i)
{
  return &g_array_index (graph->vertices, Vertex, i);
}

static void
link_vertices (Graph *graph,
               guint  a,
               guint  b)
{
  g_array_append_val (vertex (graph, a)->down, b);
  g_array_append_val (vertex (graph, b)->up, a);
}

/* Crossings between layer @l and @l + 1: inversions of the lower ends, counted with a
 * Fenwick tree over edges sorted by their upper end. */
static guint
count_layer_crossings (Graph *graph,
                       guint  l)
{
  GArray *upper = g_ptr_array_index (graph->layers, l);
  GArray *lower = g_ptr_array_index (graph->layers, l + 1);
  g_autofree guint *tree = g_new0 (guint, lower->len + 1);
  guint crossings = 0, seen = 0;

  for (guint i = 0; i < upper->len; i++)
    {
      Vertex *v = vertex (graph, g_array_index (upper, guint, i));
      g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (guint));

      for (guint k = 0; k < v->down->len; k++)
        {
          guint pos = (guint) vertex (graph, g_array_index (v->down, guint, k))->order;
          g_array_append_val (ends, pos);
        }
      /* Edges from one vertex never cross each other: count before adding them. */
      for (guint k = 0; k < ends->len; k++)
        {
          guint pos = g_array_index (ends, guint, k), le = 0;

          for (guint t = pos + 1; t > 0; t -= t & -t)
            le += tree[t];
          crossings += seen - le;
        }
      for (guint k = 0; k < ends->len; k++)
        {
          for (guint t = g_array_index (ends, guint, k) + 1; t <= lower->len; t += t & -t)
            tree[t]++;
          seen++;
        }
    }

  return crossings;
}

static guint
count_crossings (Graph *graph)
{
  guint total = 0;

  for (guint l = 0; l + 1 < graph->layers->len; l++)
    total += count_layer_crossings (graph, l);

  return total;
}

static Graph *sort_graph;

static int
compare_order (gconstpointer a,
               gconstpointer b)
{
  double oa = vertex (sort_graph, *(const guint *) a)->order;
  double ob = vertex (sort_graph, *(const guint *) b)->order;

  return oa < ob ? -1 : oa > ob ? 1 : 0;
}

static void
renumber (Graph  *graph,
          GArray *layer)
{
  for (guint i = 0; i < layer->len; i++)
    vertex (graph, g_array_index (layer, guint, i))->order = i;
}

/* Sorts @layer by the mean order of each vertex's neighbours on one side; a vertex with
 * none keeps its place. */
static void
sweep_layer (Graph    *graph,
             GArray   *layer,
             gboolean  use_up)
{
  for (guint i = 0; i < layer->len; i++)
    {
      Vertex *v = vertex (graph, g_array_index (layer, guint, i));
      GArray *nb = use_up ? v->up : v->down;
      double sum = 0;

      if (nb->len == 0)
        {
          v->order = i;
          continue;
        }
      for (guint k = 0; k < nb->len; k++)
        sum += vertex (graph, g_array_index (nb, guint, k))->order;
      /* The small bias keeps ties in their current order (the sort is not stable). */
      v->order = sum / nb->len + i * 1e-6;
    }

  sort_graph = graph;
  g_array_sort (layer, compare_order);
  sort_graph = NULL;
  renumber (graph, layer);
}

static GArray *
save_orders (Graph *graph)
{
  GArray *orders = g_array_sized_new (FALSE, FALSE, sizeof (double), graph->vertices->len);

  for (guint i = 0; i < graph->vertices->len; i++)
    g_array_append_val (orders, vertex (graph, i)->order);
  return orders;
}

static void
restore_orders (Graph  *graph,
                GArray *orders)
{
  for (guint i = 0; i < graph->vertices->len; i++)
    vertex (graph, i)->order = g_array_index (orders, double, i);

  sort_graph = graph;
  for (guint l = 0; l < graph->layers->len; l++)
    g_array_sort (g_ptr_array_index (graph->layers, l), compare_order);
  sort_graph = NULL;
}

static void
reduce_crossings (Graph *graph)
{
  g_autoptr(GArray) best = save_orders (graph);
  guint best_crossings = count_crossings (graph);

  for (guint s = 0; s < SWEEPS && best_crossings > 0; s++)
    {
      guint crossings;

      if (s % 2 == 0)
        for (guint l = 1; l < graph->layers->len; l++)
          sweep_layer (graph, g_ptr_array_index (graph->layers, l), TRUE);
      else
        for (guint l = graph->layers->len - 1; l-- > 0;)
          sweep_layer (graph, g_ptr_array_index (graph->layers, l), FALSE);

      crossings = count_crossings (graph);
      if (crossings < best_crossings)
        {
          best_crossings = crossings;
          g_array_unref (best);
          best = save_orders (graph);
        }
    }

  restore_orders (graph, best);
}

/* Places a layer's vertices in order, each as close to its desired y as the ones above
 * allow, then shifts the layer so that on average it sits where it wants to. */
static void
place_layer (Graph  *graph,
             GArray *layer)
{
  double bottom = -G_MAXDOUBLE, shift = 0;

  if (layer->len == 0)
    return;

  for (guint i = 0; i < layer->len; i++)
    {
      Vertex *v = vertex (graph, g_array_index (layer, guint, i));
      double top = v->desired - v->height / 2;

      if (i > 0)
        top = MAX (top, bottom + (v->node < 0 ? FLINT_LAYOUT_NODE_GAP / 2 : FLINT_LAYOUT_NODE_GAP));
      v->y = top;
      bottom = top + v->height;
      shift += v->desired - (v->y + v->height / 2);
    }

  shift /= layer->len;
  for (guint i = 0; i < layer->len; i++)
    vertex (graph, g_array_index (layer, guint, i))->y += shift;
}

static void
assign_coordinates (Graph *graph)
{
  /* Start stacked; then pull towards the neighbours, down and up in turn. */
  for (guint l = 0; l < graph->layers->len; l++)
    {
      GArray *layer = g_ptr_array_index (graph->layers, l);
      double y = 0;

      for (guint i = 0; i < layer->len; i++)
        {
          Vertex *v = vertex (graph, g_array_index (layer, guint, i));

          v->y = y;
          y += v->height + FLINT_LAYOUT_NODE_GAP;
        }
    }

  for (guint pass = 0; pass < COORD_PASSES; pass++)
    {
      gboolean use_up = pass % 2 == 0;

      for (guint n = 0; n < graph->layers->len; n++)
        {
          guint l = use_up ? n : graph->layers->len - 1 - n;
          GArray *layer = g_ptr_array_index (graph->layers, l);

          for (guint i = 0; i < layer->len; i++)
            {
              Vertex *v = vertex (graph, g_array_index (layer, guint, i));
              GArray *nb = use_up ? v->up : v->down;
              double sum = 0;

              v->desired = v->y + v->height / 2;
              if (nb->len == 0)
                continue;
              for (guint k = 0; k < nb->len; k++)
                {
                  Vertex *w = vertex (graph, g_array_index (nb, guint, k));
                  sum += w->y + w->height / 2;
                }
              v->desired = sum / nb->len;
            }
          place_layer (graph, layer);
        }
    }
}

GHashTable *
flint_canvas_layout_compute (FlintPipeline *pipeline)
{
  GListModel *nodes, *edges;
  guint n_nodes, n_edges;
  g_autoptr(GHashTable) index = NULL;
  g_autofree guint *indegree = NULL;
  g_autofree int *layer_of = NULL;
  g_autofree gboolean *done = NULL;
  g_autoptr(GPtrArray) succ = NULL;
  g_autoptr(GQueue) queue = NULL;
  GHashTable *result;
  Graph graph;
  double min_y = G_MAXDOUBLE;
  guint n_done = 0, next_forced = 0, n_layers = 0;

  g_return_val_if_fail (FLINT_IS_PIPELINE (pipeline), NULL);

  nodes = flint_pipeline_get_nodes (pipeline);
  edges = flint_pipeline_get_edges (pipeline);
  n_nodes = g_list_model_get_n_items (nodes);
  n_edges = g_list_model_get_n_items (edges);

  index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_nodes; i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      g_hash_table_insert (index, (gpointer) flint_node_get_id (node), GUINT_TO_POINTER (i + 1));
    }

  /* Successor lists (node indices) and in-degrees, parallel edges kept once. */
  indegree = g_new0 (guint, n_nodes);
  succ = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < n_nodes; i++)
    g_ptr_array_add (succ, g_array_new (FALSE, FALSE, sizeof (guint)));
  for (guint e = 0; e < n_edges; e++)
    {
      g_autoptr(FlintEdge) edge = g_list_model_get_item (edges, e);
      guint a = GPOINTER_TO_UINT (g_hash_table_lookup (index, flint_edge_get_from_node (edge)));
      guint b = GPOINTER_TO_UINT (g_hash_table_lookup (index, flint_edge_get_to_node (edge)));
      GArray *list;
      gboolean dup = FALSE;

      if (a == 0 || b == 0 || a == b)
        continue;
      list = g_ptr_array_index (succ, a - 1);
      for (guint k = 0; k < list->len && !dup; k++)
        dup = g_array_index (list, guint, k) == b - 1;
      if (dup)
        continue;
      b--;
      g_array_append_val (list, b);
      indegree[b]++;
    }

  /* Longest path layering in Kahn's order; when only cycles remain, the first node left
   * in document order goes next and its edges from nodes not placed yet point back. */
  layer_of = g_new0 (int, n_nodes);
  done = g_new0 (gboolean, n_nodes);
  queue = g_queue_new ();
  for (guint i = 0; i < n_nodes; i++)
    if (indegree[i] == 0)
      g_queue_push_tail (queue, GUINT_TO_POINTER (i + 1));

  while (n_done < n_nodes)
    {
      guint v;
      GArray *list;

      if (g_queue_is_empty (queue))
        {
          while (done[next_forced] || indegree[next_forced] == 0)
            next_forced++;
          indegree[next_forced] = 0;
          g_queue_push_tail (queue, GUINT_TO_POINTER (next_forced + 1));
        }

      v = GPOINTER_TO_UINT (g_queue_pop_head (queue)) - 1;
      if (done[v])
        continue;
      done[v] = TRUE;
      n_done++;
      n_layers = MAX (n_layers, (guint) layer_of[v] + 1);

      list = g_ptr_array_index (succ, v);
      for (guint k = 0; k < list->len; k++)
        {
          guint w = g_array_index (list, guint, k);

          if (done[w])
            continue;
          layer_of[w] = MAX (layer_of[w], layer_of[v] + 1);
          if (indegree[w] > 0 && --indegree[w] == 0)
            g_queue_push_tail (queue, GUINT_TO_POINTER (w + 1));
        }
    }

  /* Vertices: the nodes in document order, then dummies along long edges. */
  graph.vertices = g_array_new (FALSE, FALSE, sizeof (Vertex));
  g_array_set_clear_func (graph.vertices, vertex_clear);
  graph.layers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint l = 0; l < n_layers; l++)
    g_ptr_array_add (graph.layers, g_array_new (FALSE, FALSE, sizeof (guint)));

  for (guint i = 0; i < n_nodes; i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      double height;
      guint vi;

      flint_node_kind_get_size (flint_node_get_kind (node), NULL, &height);
      vi = add_vertex (&graph, i, layer_of[i], height);
      g_array_append_val (g_ptr_array_index (graph.layers, layer_of[i]), vi);
    }

  for (guint a = 0; a < n_nodes; a++)
    {
      GArray *list = g_ptr_array_index (succ, a);

      for (guint k = 0; k < list->len; k++)
        {
          guint b = g_array_index (list, guint, k);
          guint prev = a;

          /* Edges pointing back (broken cycles) take no part in the ordering. */
          if (layer_of[b] <= layer_of[a])
            continue;
          for (int l = layer_of[a] + 1; l < layer_of[b]; l++)
            {
              guint d = add_vertex (&graph, -1, l, DUMMY_HEIGHT);

              g_array_append_val (g_ptr_array_index (graph.layers, l), d);
              link_vertices (&graph, prev, d);
              prev = d;
            }
          link_vertices (&graph, prev, b);
        }
    }

  for (guint l = 0; l < n_layers; l++)
    renumber (&graph, g_ptr_array_index (graph.layers, l));

  reduce_crossings (&graph);
  for (guint l = 0; l < n_layers; l++)
    renumber (&graph, g_ptr_array_index (graph.layers, l));
  assign_coordinates (&graph);

  for (guint i = 0; i < n_nodes; i++)
    min_y = MIN (min_y, vertex (&graph, i)->y);

  result = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  for (guint i = 0; i < n_nodes; i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      double *point = g_new (double, 2);
      Vertex *v = vertex (&graph, i);

      /* The document holds a reference; the table only borrows. */
      point[0] = FLINT_LAYOUT_ORIGIN_X + v->layer * (FLINT_NODE_WIDTH + FLINT_LAYOUT_LAYER_GAP);
      point[1] = FLINT_LAYOUT_ORIGIN_Y + round (v->y - min_y);
      g_hash_table_insert (result, node, point);
    }

  g_array_unref (graph.vertices);
  g_ptr_array_unref (graph.layers);

  return result;
}

guint
flint_canvas_layout_count_crossings (FlintPipeline *pipeline,
                                     GHashTable    *layout)
{
  GListModel *edges = flint_pipeline_get_edges (pipeline);
  guint n = g_list_model_get_n_items (edges), crossings = 0;
  g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (double) * 4);

  /* Segments between port heights; two cross when they span the same layer gap and
   * their ends swap order. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlintEdge) edge = g_list_model_get_item (edges, i);
      FlintNode *a = flint_pipeline_lookup_node (pipeline, flint_edge_get_from_node (edge));
      FlintNode *b = flint_pipeline_lookup_node (pipeline, flint_edge_get_to_node (edge));
      double *pa = g_hash_table_lookup (layout, a), *pb = g_hash_table_lookup (layout, b);
      double s[4];

      if (pa == NULL || pb == NULL)
        continue;
      s[0] = pa[0];
      s[1] = pa[1];
      s[2] = pb[0];
      s[3] = pb[1];
      g_array_append_vals (segs, s, 1);
    }

  for (guint i = 0; i < segs->len; i++)
    for (guint j = i + 1; j < segs->len; j++)
      {
        double *s = (double *) (segs->data + i * sizeof (double) * 4);
        double *t = (double *) (segs->data + j * sizeof (double) * 4);

        if (s[0] != t[0] || s[2] != t[2])
          continue;
        if ((s[1] - t[1]) * (s[3] - t[3]) < 0)
          crossings++;
      }

  return crossings;
}
