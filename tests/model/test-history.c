/* test-history.c: undoable edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "flint-model.h"
#include "model-test-catalog.h"

/* A canonical text of everything the document holds, in order. */
static void
append_edges (GString   *out,
              GPtrArray *edges)
{
  for (guint i = 0; i < edges->len; i++)
    {
      FlintEdge *edge = g_ptr_array_index (edges, i);

      g_string_append_printf (out, " %s.%s>%s.%s",
                              flint_edge_get_from_node (edge), flint_edge_get_from_port (edge),
                              flint_edge_get_to_node (edge), flint_edge_get_to_port (edge));
    }
}

static char *
dump (FlintPipeline *pipeline)
{
  GString *out = g_string_new (NULL);
  GListModel *nodes = flint_pipeline_get_nodes (pipeline);
  GListModel *edges = flint_pipeline_get_edges (pipeline);
  g_autoptr(JsonNode) job = NULL;
  g_autofree char *job_text = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      g_autoptr(JsonNode) params = json_node_init_object (json_node_alloc (), flint_node_get_params (node));
      g_autofree char *params_text = json_to_string (params, FALSE);
      g_autofree char *schema_text = NULL;
      FlintSchema *schema = flint_node_get_schema (node);
      double x, y;

      if (schema != NULL)
        schema_text = flint_schema_to_string (schema);

      g_string_append_printf (out, "node %s %s label=%s params=%s schema=%s",
                              flint_node_get_id (node), flint_node_get_kind_id (node),
                              flint_node_get_label (node) ? flint_node_get_label (node) : "(none)",
                              params_text, schema ? schema_text : "(none)");
      if (flint_node_get_position (node, &x, &y))
        g_string_append_printf (out, " at=%g,%g", x, y);
      else
        g_string_append (out, " at=(none)");
      g_string_append (out, " in:");
      append_edges (out, flint_pipeline_get_node_inputs (pipeline, node));
      g_string_append (out, " out:");
      append_edges (out, flint_pipeline_get_node_outputs (pipeline, node));
      g_string_append_c (out, '\n');
    }

  for (guint i = 0; i < g_list_model_get_n_items (edges); i++)
    {
      g_autoptr(FlintEdge) edge = g_list_model_get_item (edges, i);

      g_string_append_printf (out, "edge %s.%s>%s.%s\n",
                              flint_edge_get_from_node (edge), flint_edge_get_from_port (edge),
                              flint_edge_get_to_node (edge), flint_edge_get_to_port (edge));
    }

  job = json_node_init_object (json_node_alloc (), flint_pipeline_get_job (pipeline));
  job_text = json_to_string (job, FALSE);
  g_string_append_printf (out, "job %s\n", job_text);

  return g_string_free (out, FALSE);
}

typedef struct
{
  FlintPipeline *pipeline;
  FlintHistory  *history;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->pipeline = flint_pipeline_new (model_test_catalog ());
  fixture->history = flint_history_new (fixture->pipeline);
  g_assert_true (flint_history_get_pipeline (fixture->history) == fixture->pipeline);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->history);
  g_assert_finalize_object (fixture->pipeline);
}

static JsonNode *
string_node (const char *value)
{
  return json_node_init_string (json_node_alloc (), value);
}

static JsonNode *
int_node (gint64 value)
{
  return json_node_init_int (json_node_alloc (), value);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
append_column (FlintSchema   *schema,
               const char    *name,
               FlintTypeKind  kind,
               gboolean       nullable)
{
  g_autoptr(FlintDataType) type = flint_data_type_new (kind);

  flint_schema_append (schema, name, type, nullable);
}

static FlintNode *
add_ok (Fixture    *f,
        const char *kind_id,
        const char *id)
{
  g_autoptr(GError) error = NULL;
  FlintNode *node;

  node = flint_history_add_node (f->history, kind_id, id, 10, 20, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

static FlintEdge *
connect_ok (Fixture    *f,
            const char *from,
            const char *from_port,
            const char *to,
            const char *to_port)
{
  g_autoptr(GError) error = NULL;
  FlintEdge *edge;

  edge = flint_history_connect (f->history, from, from_port, to, to_port, &error);
  g_assert_no_error (error);
  g_assert_nonnull (edge);

  return edge;
}

/* The last step, undone, gives back @before; redone, gives back @after; twice over. */
static void
assert_step (Fixture    *f,
             const char *before,
             const char *after,
             const char *label)
{
  for (guint round = 0; round < 2; round++)
    {
      g_autofree char *undone = NULL;
      g_autofree char *redone = NULL;

      g_assert_true (flint_history_can_undo (f->history));
      g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, label);
      g_assert_true (flint_history_undo (f->history));
      undone = dump (f->pipeline);
      g_assert_cmpstr (undone, ==, before);
      g_assert_cmpstr (flint_history_get_redo_label (f->history), ==, label);

      g_assert_true (flint_history_redo (f->history));
      redone = dump (f->pipeline);
      g_assert_cmpstr (redone, ==, after);
      g_assert_false (flint_history_can_redo (f->history));
    }
}

/* A source, a union fed by three sources and a filter after it, all connected. */
static void
build_graph (Fixture *f)
{
  add_ok (f, "source.csv", "a");
  add_ok (f, "source.csv", "b");
  add_ok (f, "transform.union", "u");
  add_ok (f, "source.csv", "c");
  add_ok (f, "transform.filter", "keep");
  add_ok (f, "transform.join", "j");
  connect_ok (f, "a", NULL, "u", NULL);
  connect_ok (f, "b", NULL, "u", NULL);
  connect_ok (f, "b", NULL, "j", "right");
  connect_ok (f, "c", NULL, "u", NULL);
  connect_ok (f, "u", NULL, "keep", NULL);
  connect_ok (f, "keep", NULL, "j", "left");
  g_assert_true (flint_history_set_job_setting (f->history, "mode", string_node ("batch"), NULL));
}

static void
test_add_node (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = dump (f->pipeline);
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  FlintNode *filter, *filter_2;
  double x, y;

  g_assert_false (flint_history_can_undo (f->history));
  g_assert_null (flint_history_get_undo_label (f->history));

  filter = flint_history_add_node (f->history, "transform.filter", NULL, 100, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (flint_node_get_id (filter), ==, "filter");
  g_assert_true (flint_node_get_position (filter, &x, &y));
  g_assert_cmpfloat (x, ==, 100);
  g_assert_cmpfloat (y, ==, 50);
  g_assert_true (flint_pipeline_lookup_node (f->pipeline, "filter") == filter);
  one = dump (f->pipeline);
  assert_step (f, empty, one, "Add Filter");
  /* Undo and redo put back the very same node. */
  g_assert_true (flint_pipeline_lookup_node (f->pipeline, "filter") == filter);

  filter_2 = flint_history_add_node (f->history, "transform.filter", NULL, 0, 0, &error);
  g_assert_cmpstr (flint_node_get_id (filter_2), ==, "filter_2");
  add_ok (f, "source.csv", "orders");
  add_ok (f, "sink.parquet", NULL);
  g_assert_nonnull (flint_pipeline_lookup_node (f->pipeline, "parquet"));
  two = dump (f->pipeline);
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Add Parquet");

  /* All the way back and forth. */
  for (guint i = 0; i < 4; i++)
    g_assert_true (flint_history_undo (f->history));
  g_assert_false (flint_history_undo (f->history));
  g_assert_cmpuint (flint_pipeline_get_n_nodes (f->pipeline), ==, 0);
  for (guint i = 0; i < 4; i++)
    g_assert_true (flint_history_redo (f->history));
  g_assert_false (flint_history_redo (f->history));
  {
    g_autofree char *again = dump (f->pipeline);
    g_assert_cmpstr (again, ==, two);
  }
}

static void
test_insert_node (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(FlintNode) pasted = NULL;
  g_autoptr(FlintNode) clash = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  add_ok (f, "source.csv", "a");
  before = dump (f->pipeline);

  pasted = flint_node_new ("copy", flint_catalog_lookup (model_test_catalog (), "transform.filter"));
  flint_node_set_string (pasted, "condition", "x > 1");
  flint_node_set_label (pasted, "Copied");
  flint_node_set_position (pasted, 5, 6);
  g_assert_true (flint_history_insert_node (f->history, pasted, &error));
  g_assert_no_error (error);
  after = dump (f->pipeline);
  assert_step (f, before, after, "Add Filter");

  clash = flint_node_new ("copy", flint_catalog_lookup (model_test_catalog (), "transform.filter"));
  g_assert_false (flint_history_insert_node (f->history, clash, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_DUPLICATE_ID);
}

static void
test_remove_node (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  FlintNode *b;

  build_graph (f);
  b = flint_pipeline_lookup_node (f->pipeline, "b");
  g_assert_true (flint_history_set_label (f->history, "b", "Bravo", NULL));
  g_assert_true (flint_history_set_param (f->history, "b", "path", string_node ("/data/b"), NULL));
  before = dump (f->pipeline);

  /* b sits in the middle of the node list and of the edge list, into two nodes. */
  g_assert_true (flint_history_remove_node (f->history, "b", &error));
  g_assert_no_error (error);
  g_assert_null (flint_pipeline_lookup_node (f->pipeline, "b"));
  g_assert_cmpuint (g_list_model_get_n_items (flint_pipeline_get_edges (f->pipeline)), ==, 4);
  after = dump (f->pipeline);
  assert_step (f, before, after, "Remove Bravo");

  g_assert_true (flint_history_undo (f->history));
  g_assert_true (flint_pipeline_lookup_node (f->pipeline, "b") == b);

  /* Removing a node that is not there. */
  g_assert_false (flint_history_remove_node (f->history, "nope", &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND);
}

static void
test_move_node (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *start = NULL;
  g_autofree char *dragged = NULL;
  g_autofree char *other = NULL;
  g_autoptr(GError) error = NULL;
  double x, y;

  add_ok (f, "source.csv", "a");
  add_ok (f, "source.csv", "b");
  start = dump (f->pipeline);

  /* One drag is one step. */
  for (guint i = 1; i <= 10; i++)
    g_assert_true (flint_history_move_node (f->history, "a", 10 + i, 20 + 2 * i, &error));
  g_assert_no_error (error);
  dragged = dump (f->pipeline);
  assert_step (f, start, dragged, "Move a");
  g_assert_true (flint_node_get_position (flint_pipeline_lookup_node (f->pipeline, "a"), &x, &y));
  g_assert_cmpfloat (x, ==, 20);
  g_assert_cmpfloat (y, ==, 40);

  /* After undo and redo, a new drag is a new step. */
  g_assert_true (flint_history_move_node (f->history, "a", 0, 0, NULL));
  g_assert_true (flint_history_move_node (f->history, "a", 1, 1, NULL));
  other = dump (f->pipeline);
  assert_step (f, dragged, other, "Move a");
  g_clear_pointer (&dragged, g_free);

  /* Another node, or another step between, breaks the merge. */
  g_assert_true (flint_history_move_node (f->history, "b", 5, 5, NULL));
  g_assert_true (flint_history_move_node (f->history, "a", 2, 2, NULL));
  g_assert_true (flint_history_set_label (f->history, "b", "Bee", NULL));
  g_assert_true (flint_history_move_node (f->history, "b", 6, 6, NULL));
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Move Bee");
  g_assert_true (flint_history_undo (f->history));
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Rename b");
  g_assert_true (flint_history_undo (f->history));
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Move a");
  g_assert_true (flint_history_undo (f->history));
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Move b");
  g_assert_true (flint_history_undo (f->history));
  {
    g_autofree char *now = dump (f->pipeline);
    g_assert_cmpstr (now, ==, other);
  }

  /* Moving to where it is does nothing; dragging back to the start leaves no step. */
  while (flint_history_undo (f->history))
    ;
  g_assert_true (flint_history_redo (f->history));
  g_assert_true (flint_history_redo (f->history));
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Add CSV");
  g_assert_true (flint_history_move_node (f->history, "a", 10, 20, NULL));
  g_assert_true (flint_history_can_redo (f->history));   /* nothing happened */
  g_assert_true (flint_history_move_node (f->history, "a", 15, 25, NULL));
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Move a");
  g_assert_true (flint_history_move_node (f->history, "a", 10, 20, NULL));
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Add CSV");
  {
    g_autofree char *now = dump (f->pipeline);
    g_assert_cmpstr (now, ==, start);
  }

  /* A node that was never placed gets its position taken away again on undo. */
  {
    g_autoptr(FlintNode) loose = flint_node_new ("loose", flint_catalog_lookup (model_test_catalog (), "sink.parquet"));
    g_autofree char *placed = NULL;
    g_autofree char *unplaced = NULL;

    g_assert_true (flint_history_insert_node (f->history, loose, NULL));
    unplaced = dump (f->pipeline);
    g_assert_true (flint_history_move_node (f->history, "loose", 1, 2, NULL));
    placed = dump (f->pipeline);
    assert_step (f, unplaced, placed, "Move loose");
    g_assert_true (flint_history_undo (f->history));
    g_assert_false (flint_node_get_position (loose, NULL, NULL));
  }

  g_assert_false (flint_history_move_node (f->history, "nope", 1, 1, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND);
}

static void
test_connect (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  FlintEdge *edge;

  build_graph (f);
  add_ok (f, "source.csv", "d");
  flint_history_set_label (f->history, "u", "All Sources", NULL);
  before = dump (f->pipeline);
  edge = connect_ok (f, "d", NULL, "u", "in");
  g_assert_cmpuint (flint_pipeline_edge_position (f->pipeline, edge), ==, 6);
  after = dump (f->pipeline);
  assert_step (f, before, after, "Connect d to All Sources");
  /* The same edge object comes back. */
  g_assert_cmpuint (flint_pipeline_edge_position (f->pipeline, edge), ==, 6);
}

static void
test_disconnect (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintEdge) stranger = NULL;
  FlintEdge *middle;

  build_graph (f);
  before = dump (f->pipeline);
  middle = g_list_model_get_item (flint_pipeline_get_edges (f->pipeline), 1);
  g_object_unref (middle);
  g_assert_cmpstr (flint_edge_get_from_node (middle), ==, "b");

  g_assert_true (flint_history_disconnect (f->history, middle, &error));
  g_assert_no_error (error);
  after = dump (f->pipeline);
  /* Back in the middle of the edge list, and of the union's inputs. */
  assert_step (f, before, after, "Disconnect b from u");

  stranger = flint_edge_new ("a", "out", "u", "in");
  g_assert_false (flint_history_disconnect (f->history, stranger, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND);
}

static void
test_set_param (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *d0 = NULL;
  g_autofree char *d1 = NULL;
  g_autofree char *d2 = NULL;
  g_autofree char *d3 = NULL;
  g_autofree char *d4 = NULL;
  g_autoptr(GError) error = NULL;
  FlintNode *j;

  j = add_ok (f, "transform.join", "j");
  d0 = dump (f->pipeline);

  g_assert_true (flint_history_set_param (f->history, "j", "how", string_node ("left"), &error));
  g_assert_no_error (error);
  d1 = dump (f->pipeline);
  assert_step (f, d0, d1, "Change Join Type");

  g_assert_true (flint_history_set_param (f->history, "j", "on", parse_json ("[\"id\", \"day\"]"), &error));
  d2 = dump (f->pipeline);
  assert_step (f, d1, d2, "Change Join Columns");
  g_assert_cmpuint (json_array_get_length (json_node_get_array (flint_node_get_param (j, "on"))), ==, 2);

  /* Unset the first one: undo puts it back first, not last. */
  g_assert_true (flint_history_set_param (f->history, "j", "how", NULL, &error));
  d3 = dump (f->pipeline);
  g_assert_null (flint_node_get_param (j, "how"));
  assert_step (f, d2, d3, "Change Join Type");

  /* The same value again is no step. */
  g_assert_true (flint_history_set_param (f->history, "j", "on", parse_json ("[\"id\", \"day\"]"), &error));
  g_assert_true (flint_history_set_param (f->history, "j", "how", NULL, &error));
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Change Join Type");
  g_assert_true (flint_history_undo (f->history));
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Change Join Columns");
  g_assert_true (flint_history_redo (f->history));

  /* Unknown parameters are refused, but one kept from a file may be removed. */
  g_assert_false (flint_history_set_param (f->history, "j", "nope", int_node (1), &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  flint_node_take_param (j, "legacy", int_node (7));
  d4 = dump (f->pipeline);
  g_assert_true (flint_history_set_param (f->history, "j", "legacy", NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *d5 = dump (f->pipeline);
    assert_step (f, d4, d5, "Change legacy");
  }

  g_assert_false (flint_history_set_param (f->history, "nope", "how", string_node ("left"), &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND);
}

static void
test_set_label (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *d0 = NULL;
  g_autofree char *d1 = NULL;
  g_autofree char *d2 = NULL;

  add_ok (f, "transform.filter", "adults");
  d0 = dump (f->pipeline);
  g_assert_true (flint_history_set_label (f->history, "adults", "Adults", NULL));
  d1 = dump (f->pipeline);
  assert_step (f, d0, d1, "Rename adults");
  g_assert_true (flint_history_set_label (f->history, "adults", "Grown-ups", NULL));
  g_assert_true (flint_history_set_label (f->history, "adults", "Grown-ups", NULL));
  d2 = dump (f->pipeline);
  assert_step (f, d1, d2, "Rename Adults");
  g_assert_true (flint_history_set_label (f->history, "adults", "", NULL));
  g_assert_null (flint_node_get_label (flint_pipeline_lookup_node (f->pipeline, "adults")));
  {
    g_autofree char *d3 = dump (f->pipeline);
    assert_step (f, d2, d3, "Rename Grown-ups");
  }
  g_assert_true (flint_history_set_label (f->history, "adults", NULL, NULL));
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Rename Grown-ups");
}

static void
test_set_schema (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(FlintSchema) schema = flint_schema_new ();
  g_autoptr(FlintSchema) same = flint_schema_new ();
  g_autofree char *d0 = NULL;
  g_autofree char *d1 = NULL;
  g_autofree char *d2 = NULL;
  FlintNode *a;

  a = add_ok (f, "source.csv", "a");
  d0 = dump (f->pipeline);
  append_column (schema, "id", FLINT_TYPE_KIND_LONG, FALSE);
  append_column (schema, "name", FLINT_TYPE_KIND_STRING, TRUE);
  g_assert_true (flint_history_set_schema (f->history, "a", schema, NULL));
  d1 = dump (f->pipeline);
  assert_step (f, d0, d1, "Change Schema");
  g_assert_true (flint_node_get_schema (a) == schema);

  /* An equal schema is no step. */
  append_column (same, "id", FLINT_TYPE_KIND_LONG, FALSE);
  append_column (same, "name", FLINT_TYPE_KIND_STRING, TRUE);
  g_assert_true (flint_history_set_schema (f->history, "a", same, NULL));
  g_assert_true (flint_node_get_schema (a) == schema);
  g_assert_true (flint_history_undo (f->history));
  {
    g_autofree char *now = dump (f->pipeline);
    g_assert_cmpstr (now, ==, d0);   /* one undo takes the schema away: no second step */
  }
  g_assert_true (flint_history_redo (f->history));

  g_assert_true (flint_history_set_schema (f->history, "a", NULL, NULL));
  d2 = dump (f->pipeline);
  assert_step (f, d1, d2, "Change Schema");
}

static void
test_set_job_setting (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *paths[] = { "mode", "driver.memory", "executor.resources.gpu", "retries",
                          "driver", "executor.instances", "mode", "driver.cores", "retries" };
  const char *values[] = { "\"streaming\"", "\"2g\"", "1", "3",
                           "\"small\"", "4", NULL, "2", NULL };
  g_autofree char *previous = dump (f->pipeline);

  /* Creating maps on the way, replacing a map with a value and a value with a map,
   * removing from the middle: each undone exactly, key order included. */
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *now = NULL;

      g_assert_true (flint_history_set_job_setting (f->history, paths[i],
                                                    values[i] ? parse_json (values[i]) : NULL,
                                                    &error));
      g_assert_no_error (error);
      now = dump (f->pipeline);
      g_assert_cmpstr (now, !=, previous);
      assert_step (f, previous, now, "Change Job Setting");
      g_free (previous);
      previous = g_steal_pointer (&now);
    }

  g_assert_cmpstr (previous, ==, "job {\"driver\":{\"cores\":2},\"executor\":{\"resources\":{\"gpu\":1},\"instances\":4}}\n");

  /* Nothing to change is no step. */
  g_assert_true (flint_history_set_job_setting (f->history, "driver.cores", int_node (2), NULL));
  g_assert_true (flint_history_set_job_setting (f->history, "nothing.here", NULL, NULL));
  g_assert_cmpuint (json_object_get_size (flint_pipeline_get_job (f->pipeline)), ==, 2);

  g_assert_false (flint_history_set_job_setting (f->history, "driver..memory", string_node ("1g"), &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (flint_history_set_job_setting (f->history, "", string_node ("1g"), &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID);
}

static void
test_groups (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  add_ok (f, "source.csv", "a");
  before = dump (f->pipeline);

  /* Undo must disconnect before it can remove the node it added: reverse order. */
  flint_history_begin_group (f->history, "Insert Filter");
  add_ok (f, "transform.filter", "f");
  flint_history_begin_group (f->history, "Inner");
  connect_ok (f, "a", NULL, "f", NULL);
  g_assert_true (flint_history_set_param (f->history, "f", "condition", string_node ("x > 0"), NULL));
  flint_history_end_group (f->history);
  /* A failed edit in a group leaves the group going. */
  g_assert_null (flint_history_connect (f->history, "a", NULL, "missing", NULL, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (flint_history_move_node (f->history, "f", 1, 1, NULL));
  g_assert_true (flint_history_move_node (f->history, "f", 2, 2, NULL));
  g_assert_true (flint_history_move_node (f->history, "a", 3, 3, NULL));
  flint_history_end_group (f->history);
  after = dump (f->pipeline);

  assert_step (f, before, after, "Insert Filter");
  g_assert_true (flint_history_undo (f->history));
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Add CSV");
  g_assert_true (flint_history_redo (f->history));

  /* An empty group pushes nothing, nor one whose edits all failed or changed nothing. */
  flint_history_begin_group (f->history, "Nothing");
  flint_history_end_group (f->history);
  flint_history_begin_group (f->history, "Failing");
  g_assert_false (flint_history_remove_node (f->history, "missing", NULL));
  g_assert_true (flint_history_set_label (f->history, "a", NULL, NULL));
  flint_history_end_group (f->history);
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Insert Filter");

  /* No label: the first edit names the step. */
  flint_history_begin_group (f->history, NULL);
  g_assert_true (flint_history_set_label (f->history, "a", "Alpha", NULL));
  g_assert_true (flint_history_set_label (f->history, "f", "Eff", NULL));
  flint_history_end_group (f->history);
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Rename a");
  g_assert_true (flint_history_undo (f->history));
  {
    g_autofree char *now = dump (f->pipeline);
    g_assert_cmpstr (now, ==, after);
  }
}

static void
test_failed_edits (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintEdge) gone = NULL;

  add_ok (f, "source.csv", "a");
  add_ok (f, "transform.filter", "f");
  add_ok (f, "source.csv", "b");
  gone = g_object_ref (connect_ok (f, "a", NULL, "f", NULL));
  add_ok (f, "sink.parquet", "out");
  g_assert_true (flint_history_undo (f->history));   /* leave something to redo */
  before = dump (f->pipeline);

#define ASSERT_FAILS(call, code) \
  G_STMT_START { \
    g_autofree char *now = NULL; \
    g_assert_false (call); \
    g_assert_error (error, FLINT_PIPELINE_ERROR, code); \
    g_clear_error (&error); \
    now = dump (f->pipeline); \
    g_assert_cmpstr (now, ==, before); \
    g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Connect a to f"); \
    g_assert_cmpstr (flint_history_get_redo_label (f->history), ==, "Add Parquet"); \
  } G_STMT_END

  ASSERT_FAILS (flint_history_add_node (f->history, "source.nope", NULL, 0, 0, &error) != NULL,
                FLINT_PIPELINE_ERROR_UNKNOWN_KIND);
  ASSERT_FAILS (flint_history_add_node (f->history, "source.csv", "a", 0, 0, &error) != NULL,
                FLINT_PIPELINE_ERROR_DUPLICATE_ID);
  ASSERT_FAILS (flint_history_add_node (f->history, "source.csv", "not valid", 0, 0, &error) != NULL,
                FLINT_PIPELINE_ERROR_INVALID);
  ASSERT_FAILS (flint_history_connect (f->history, "a", NULL, "missing", NULL, &error) != NULL,
                FLINT_PIPELINE_ERROR_NOT_FOUND);
  ASSERT_FAILS (flint_history_connect (f->history, "b", NULL, "f", NULL, &error) != NULL,
                FLINT_PIPELINE_ERROR_PORT);
  ASSERT_FAILS (flint_history_connect (f->history, "a", NULL, "f", NULL, &error) != NULL,
                FLINT_PIPELINE_ERROR_PORT);
  ASSERT_FAILS (flint_history_connect (f->history, "f", NULL, "f", NULL, &error) != NULL,
                FLINT_PIPELINE_ERROR_PORT);
  ASSERT_FAILS (flint_history_connect (f->history, "a", "nope", "b", NULL, &error) != NULL,
                FLINT_PIPELINE_ERROR_PORT);
  ASSERT_FAILS (flint_history_remove_node (f->history, "missing", &error),
                FLINT_PIPELINE_ERROR_NOT_FOUND);
  ASSERT_FAILS (flint_history_move_node (f->history, "missing", 0, 0, &error),
                FLINT_PIPELINE_ERROR_NOT_FOUND);
  ASSERT_FAILS (flint_history_set_label (f->history, "missing", "X", &error),
                FLINT_PIPELINE_ERROR_NOT_FOUND);
  ASSERT_FAILS (flint_history_set_schema (f->history, "missing", NULL, &error),
                FLINT_PIPELINE_ERROR_NOT_FOUND);
  ASSERT_FAILS (flint_history_set_param (f->history, "f", "nope", int_node (1), &error),
                FLINT_PIPELINE_ERROR_NOT_FOUND);
  ASSERT_FAILS (flint_history_set_job_setting (f->history, ".x", int_node (1), &error),
                FLINT_PIPELINE_ERROR_INVALID);

  {
    g_autoptr(FlintEdge) stranger = flint_edge_new ("b", "out", "f", "in");
    ASSERT_FAILS (flint_history_disconnect (f->history, stranger, &error),
                  FLINT_PIPELINE_ERROR_NOT_FOUND);
  }
#undef ASSERT_FAILS

  /* After all that, redo still works. */
  g_assert_true (flint_history_redo (f->history));
  g_assert_false (flint_history_redo (f->history));
  g_assert_true (flint_history_disconnect (f->history, gone, &error));
  g_assert_no_error (error);
  after = dump (f->pipeline);
  g_assert_nonnull (strstr (after, "node out sink.parquet"));
}

static void
test_redo_cleared (Fixture       *f,
                   gconstpointer  data)
{
  add_ok (f, "source.csv", "a");
  add_ok (f, "source.csv", "b");
  add_ok (f, "source.csv", "c");
  g_assert_true (flint_history_undo (f->history));
  g_assert_true (flint_history_undo (f->history));
  g_assert_true (flint_history_can_redo (f->history));
  g_assert_cmpstr (flint_history_get_redo_label (f->history), ==, "Add CSV");

  g_assert_true (flint_history_set_label (f->history, "a", "Alpha", NULL));
  g_assert_false (flint_history_can_redo (f->history));
  g_assert_null (flint_history_get_redo_label (f->history));
  g_assert_false (flint_history_redo (f->history));
  g_assert_cmpuint (flint_pipeline_get_n_nodes (f->pipeline), ==, 1);

  /* Clear forgets everything but not the document. */
  flint_history_clear (f->history);
  g_assert_false (flint_history_can_undo (f->history));
  g_assert_false (flint_history_can_redo (f->history));
  g_assert_cmpuint (flint_pipeline_get_n_nodes (f->pipeline), ==, 1);
}

static void
test_modified (Fixture       *f,
               gconstpointer  data)
{
  FlintHistory *h = f->history;

  g_assert_false (flint_history_get_modified (h));
  add_ok (f, "source.csv", "a");
  g_assert_true (flint_history_get_modified (h));
  g_assert_true (flint_history_undo (h));
  g_assert_false (flint_history_get_modified (h));
  g_assert_true (flint_history_redo (h));
  g_assert_true (flint_history_get_modified (h));

  flint_history_mark_saved (h);
  g_assert_false (flint_history_get_modified (h));
  add_ok (f, "source.csv", "b");
  add_ok (f, "source.csv", "c");
  g_assert_true (flint_history_get_modified (h));
  g_assert_true (flint_history_undo (h));
  g_assert_true (flint_history_get_modified (h));
  g_assert_true (flint_history_undo (h));
  g_assert_false (flint_history_get_modified (h));   /* back at the saved point */
  g_assert_true (flint_history_undo (h));
  g_assert_true (flint_history_get_modified (h));    /* before it */
  g_assert_true (flint_history_redo (h));
  g_assert_false (flint_history_get_modified (h));

  /* Saved ahead, then that future is dropped: modified until saved again. */
  g_assert_true (flint_history_redo (h));
  g_assert_true (flint_history_redo (h));
  flint_history_mark_saved (h);
  g_assert_true (flint_history_undo (h));
  g_assert_true (flint_history_get_modified (h));
  add_ok (f, "source.csv", "d");
  g_assert_true (flint_history_get_modified (h));
  g_assert_true (flint_history_undo (h));
  g_assert_true (flint_history_get_modified (h));
  g_assert_true (flint_history_undo (h));
  g_assert_true (flint_history_get_modified (h));
  while (flint_history_redo (h))
    g_assert_true (flint_history_get_modified (h));
  flint_history_mark_saved (h);
  g_assert_false (flint_history_get_modified (h));

  /* A drag that continues after saving modifies. */
  g_assert_true (flint_history_move_node (h, "a", 1, 1, NULL));
  flint_history_mark_saved (h);
  g_assert_true (flint_history_move_node (h, "a", 2, 2, NULL));
  g_assert_true (flint_history_get_modified (h));
  g_assert_true (flint_history_undo (h));
  g_assert_true (flint_history_get_modified (h));
  g_assert_true (flint_history_redo (h));
  g_assert_true (flint_history_get_modified (h));
  flint_history_mark_saved (h);

  /* A group in progress counts. */
  flint_history_begin_group (h, "Several");
  g_assert_false (flint_history_get_modified (h));
  g_assert_true (flint_history_set_label (h, "a", "Alpha", NULL));
  g_assert_true (flint_history_get_modified (h));
  flint_history_end_group (h);
  g_assert_true (flint_history_get_modified (h));

  /* Clearing keeps what the document is. */
  flint_history_clear (h);
  g_assert_true (flint_history_get_modified (h));
  flint_history_mark_saved (h);
  flint_history_clear (h);
  g_assert_false (flint_history_get_modified (h));
}

typedef struct
{
  guint can_undo;
  guint can_redo;
  guint undo_label;
  guint redo_label;
  guint modified;
} Notifies;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           Notifies   *n)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "can-undo"))
    n->can_undo++;
  else if (g_str_equal (name, "can-redo"))
    n->can_redo++;
  else if (g_str_equal (name, "undo-label"))
    n->undo_label++;
  else if (g_str_equal (name, "redo-label"))
    n->redo_label++;
  else if (g_str_equal (name, "modified"))
    n->modified++;
}

static void
assert_notifies (Notifies *n,
                 guint     can_undo,
                 guint     can_redo,
                 guint     undo_label,
                 guint     redo_label,
                 guint     modified)
{
  g_assert_cmpuint (n->can_undo, ==, can_undo);
  g_assert_cmpuint (n->can_redo, ==, can_redo);
  g_assert_cmpuint (n->undo_label, ==, undo_label);
  g_assert_cmpuint (n->redo_label, ==, redo_label);
  g_assert_cmpuint (n->modified, ==, modified);
  memset (n, 0, sizeof *n);
}

static void
test_signals (Fixture       *f,
              gconstpointer  data)
{
  Notifies n = { 0 };
  gboolean can_undo;
  g_autofree char *label = NULL;

  g_signal_connect (f->history, "notify", G_CALLBACK (on_notify), &n);

  add_ok (f, "source.csv", "a");
  assert_notifies (&n, 1, 0, 1, 0, 1);
  g_object_get (f->history, "can-undo", &can_undo, "undo-label", &label, NULL);
  g_assert_true (can_undo);
  g_assert_cmpstr (label, ==, "Add CSV");

  add_ok (f, "source.csv", "b");   /* same label, still can undo, still modified */
  assert_notifies (&n, 0, 0, 0, 0, 0);
  g_assert_true (flint_history_set_label (f->history, "a", "Alpha", NULL));
  assert_notifies (&n, 0, 0, 1, 0, 0);

  g_assert_true (flint_history_undo (f->history));
  assert_notifies (&n, 0, 1, 1, 1, 0);
  g_assert_true (flint_history_undo (f->history));
  assert_notifies (&n, 0, 0, 0, 1, 0);
  g_assert_true (flint_history_undo (f->history));
  assert_notifies (&n, 1, 0, 1, 0, 1);
  g_assert_false (flint_history_undo (f->history));
  assert_notifies (&n, 0, 0, 0, 0, 0);

  g_assert_true (flint_history_redo (f->history));
  assert_notifies (&n, 1, 0, 1, 0, 1);
  flint_history_mark_saved (f->history);
  assert_notifies (&n, 0, 0, 0, 0, 1);
  flint_history_mark_saved (f->history);
  assert_notifies (&n, 0, 0, 0, 0, 0);

  /* Moves that merge notify nothing but modified when it changes. */
  g_assert_true (flint_history_move_node (f->history, "a", 1, 1, NULL));
  assert_notifies (&n, 0, 1, 1, 1, 1);
  g_assert_true (flint_history_move_node (f->history, "a", 2, 2, NULL));
  assert_notifies (&n, 0, 0, 0, 0, 0);

  /* Nothing inside a group shows until it ends, except modified. */
  flint_history_begin_group (f->history, "Rename Both");
  g_assert_true (flint_history_set_label (f->history, "a", "A", NULL));
  g_assert_true (flint_history_move_node (f->history, "a", 3, 3, NULL));
  assert_notifies (&n, 0, 0, 0, 0, 0);
  flint_history_end_group (f->history);
  assert_notifies (&n, 0, 0, 1, 0, 0);
  g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Rename Both");

  flint_history_clear (f->history);
  assert_notifies (&n, 1, 0, 1, 0, 0);
}

static void
test_lifetime (void)
{
  g_autoptr(FlintPipeline) pipeline = flint_pipeline_new (model_test_catalog ());
  FlintHistory *history = flint_history_new (pipeline);
  FlintNode *node;

  /* Steps hold removed nodes; dropping the history frees them. */
  node = flint_history_add_node (history, "source.csv", NULL, 0, 0, NULL);
  g_object_add_weak_pointer (G_OBJECT (node), (gpointer *) &node);
  g_assert_true (flint_history_remove_node (history, "csv", NULL));
  g_assert_nonnull (node);
  g_assert_finalize_object (history);
  g_assert_null (node);
}

/* Random edits */

#define RANDOM_SEED 20240611
#define N_RANDOM_EDITS 2000

typedef enum
{
  EDIT_FAILED,
  EDIT_NOOP,
  EDIT_CHANGED,
  EDIT_MERGED,
} EditResult;

typedef struct
{
  Fixture   *f;
  GRand     *rand;
  GPtrArray *snapshots;   /* char *: the document at each undo depth */
  guint      depth;
  FlintNode *last_moved;  /* a move of it merges into the last step */
  guint      coord;       /* fresh coordinates: a drag never comes back to its start */
  guint      n_failed;
  guint      n_noop;
  guint      n_merged;
  guint      n_groups;
} Random;

static const char * const random_kinds[] = {
  "source.csv", "transform.filter", "transform.split", "transform.join",
  "transform.union", "sink.parquet",
};

static const char * const random_job_paths[] = {
  "mode", "spark_version", "driver", "driver.memory", "driver.cores", "executor.instances",
  "executor.memory", "dynamic_allocation.enabled", "dynamic_allocation.max", "conf",
  "retries", "schedule.cron",
};

static guint
rand_below (Random *r,
            guint   n)
{
  return g_rand_int_range (r->rand, 0, n);
}

static JsonNode *
random_value (Random *r)
{
  switch (rand_below (r, 7))
    {
    case 0:
      return NULL;
    case 1:
      return int_node (rand_below (r, 4));
    case 2:
      return json_node_init_boolean (json_node_alloc (), rand_below (r, 2));
    case 3:
      {
        g_autofree char *text = g_strdup_printf ("[\"c%u\", \"c%u\"]", rand_below (r, 3), rand_below (r, 3));
        return parse_json (text);
      }
    case 4:
      {
        g_autofree char *text = g_strdup_printf ("{\"k%u\": %u, \"z\": \"v\"}", rand_below (r, 3), rand_below (r, 3));
        return parse_json (text);
      }
    default:
      {
        g_autofree char *text = g_strdup_printf ("value %u", rand_below (r, 4));
        return string_node (text);
      }
    }
}

static FlintNode *
random_node (Random *r)
{
  GListModel *nodes = flint_pipeline_get_nodes (r->f->pipeline);
  guint n = g_list_model_get_n_items (nodes);
  FlintNode *node;

  if (n == 0)
    return NULL;

  node = g_list_model_get_item (nodes, rand_below (r, n));
  g_object_unref (node);  /* the pipeline holds it */

  return node;
}

/* Now and then one that is not there, for the edit to fail. */
static const char *
random_node_id (Random *r)
{
  FlintNode *node;

  if (rand_below (r, 25) == 0 || (node = random_node (r)) == NULL)
    return "ghost";

  return flint_node_get_id (node);
}

static const char *
random_port (Random    *r,
             GPtrArray *ports)
{
  guint pick = rand_below (r, 10);

  if (pick < 6 || ports->len == 0)
    return NULL;
  if (pick == 9)
    return "bogus";

  return ((FlintPortSpec *) g_ptr_array_index (ports, rand_below (r, ports->len)))->name;
}

static FlintSchema *
random_schema (Random *r)
{
  static const FlintTypeKind types[] = { FLINT_TYPE_KIND_INT, FLINT_TYPE_KIND_LONG, FLINT_TYPE_KIND_STRING };
  FlintSchema *schema;
  guint n;

  if (rand_below (r, 4) == 0)
    return NULL;

  schema = flint_schema_new ();
  n = rand_below (r, 4);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("col%u", rand_below (r, 5));

      append_column (schema, name, types[rand_below (r, 3)], rand_below (r, 2));
    }

  return schema;
}

/* One random edit; what the history should have made of it comes from the document. */
static EditResult
random_edit (Random   *r,
             gboolean  in_group)
{
  FlintHistory *h = r->f->history;
  FlintPipeline *pipeline = r->f->pipeline;
  g_autofree char *before = dump (pipeline);
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  FlintNode *moved = NULL;
  gboolean ok = FALSE;
  guint op = rand_below (r, 100);

  if (op < 14)
    {
      const char *kind = random_kinds[rand_below (r, G_N_ELEMENTS (random_kinds))];
      const char *id = NULL;

      if (rand_below (r, 10) == 0)
        id = random_node_id (r);   /* most likely taken */
      ok = flint_history_add_node (h, kind, id, r->coord, r->coord, &error) != NULL;
      r->coord++;
    }
  else if (op < 24)
    {
      ok = flint_history_remove_node (h, random_node_id (r), &error);
    }
  else if (op < 44)
    {
      /* Drags: often the node moved last. */
      FlintNode *node = r->last_moved && rand_below (r, 2) ? r->last_moved : random_node (r);
      const char *id = node ? flint_node_get_id (node) : "ghost";

      ok = flint_history_move_node (h, id, r->coord, r->coord * 2, &error);
      r->coord++;
      moved = node;
    }
  else if (op < 62)
    {
      const char *from = random_node_id (r);
      const char *to = random_node_id (r);
      FlintNode *from_node = flint_pipeline_lookup_node (pipeline, from);
      FlintNode *to_node = flint_pipeline_lookup_node (pipeline, to);
      const char *from_port = from_node ? random_port (r, flint_node_get_kind (from_node)->outputs) : NULL;
      const char *to_port = to_node ? random_port (r, flint_node_get_kind (to_node)->inputs) : NULL;

      ok = flint_history_connect (h, from, from_port, to, to_port, &error) != NULL;
    }
  else if (op < 70)
    {
      GListModel *edges = flint_pipeline_get_edges (pipeline);
      guint n = g_list_model_get_n_items (edges);
      g_autoptr(FlintEdge) edge = NULL;

      if (n == 0 || rand_below (r, 20) == 0)
        edge = flint_edge_new ("ghost", "out", "ghost2", "in");
      else
        edge = g_list_model_get_item (edges, rand_below (r, n));
      ok = flint_history_disconnect (h, edge, &error);
    }
  else if (op < 82)
    {
      FlintNode *node = random_node (r);
      const char *name = "bogus";

      if (node != NULL)
        {
          GPtrArray *params = flint_node_get_kind (node)->params;

          if (params->len > 0 && rand_below (r, 15) != 0)
            name = ((FlintParamSpec *) g_ptr_array_index (params, rand_below (r, params->len)))->name;
        }
      ok = flint_history_set_param (h, node ? flint_node_get_id (node) : "ghost", name,
                                    random_value (r), &error);
    }
  else if (op < 88)
    {
      g_autofree char *label = g_strdup_printf ("Label %u", rand_below (r, 4));
      guint pick = rand_below (r, 6);

      ok = flint_history_set_label (h, random_node_id (r),
                                    pick == 0 ? NULL : pick == 1 ? "" : label, &error);
    }
  else if (op < 92)
    {
      g_autoptr(FlintSchema) schema = random_schema (r);

      ok = flint_history_set_schema (h, random_node_id (r), schema, &error);
    }
  else
    {
      const char *path = random_job_paths[rand_below (r, G_N_ELEMENTS (random_job_paths))];

      ok = flint_history_set_job_setting (h, path, random_value (r), &error);
    }

  after = dump (pipeline);

  if (!ok)
    {
      g_assert_nonnull (error);
      g_assert_cmpstr (after, ==, before);
      r->n_failed++;
      return EDIT_FAILED;
    }

  g_assert_no_error (error);

  if (g_str_equal (before, after))
    {
      r->n_noop++;
      return EDIT_NOOP;
    }

  if (in_group)
    return EDIT_CHANGED;

  if (moved != NULL && moved == r->last_moved)
    {
      r->n_merged++;
      return EDIT_MERGED;
    }

  r->last_moved = moved;

  return EDIT_CHANGED;
}

static void
random_record (Random     *r,
               EditResult  result)
{
  char *now;

  if (result == EDIT_FAILED || result == EDIT_NOOP)
    return;

  now = dump (r->f->pipeline);

  if (result == EDIT_MERGED)
    {
      g_assert_cmpuint (r->depth, >, 0);
      g_free (g_ptr_array_index (r->snapshots, r->depth));
      g_ptr_array_index (r->snapshots, r->depth) = now;
    }
  else
    {
      /* A new step drops what could be redone. */
      g_ptr_array_set_size (r->snapshots, r->depth + 1);
      g_ptr_array_add (r->snapshots, now);
      r->depth++;
    }

  g_assert_false (flint_history_can_redo (r->f->history));
  g_assert_true (flint_history_can_undo (r->f->history));
}

static void
random_check (Random *r)
{
  g_autofree char *now = dump (r->f->pipeline);

  g_assert_cmpstr (now, ==, g_ptr_array_index (r->snapshots, r->depth));
  g_assert_cmpint (flint_history_can_undo (r->f->history), ==, r->depth > 0);
  g_assert_cmpint (flint_history_can_redo (r->f->history), ==, r->depth + 1 < r->snapshots->len);
}

static void
test_random (Fixture       *f,
             gconstpointer  data)
{
  Random r = { f, g_rand_new_with_seed (RANDOM_SEED), g_ptr_array_new_with_free_func (g_free), 0, NULL, 1 };
  guint n_steps;

  g_test_message ("seed %u", RANDOM_SEED);
  g_ptr_array_add (r.snapshots, dump (f->pipeline));

  for (guint i = 0; i < N_RANDOM_EDITS; i++)
    {
      guint pick = rand_below (&r, 100);

      if (pick < 5)
        {
          /* A group of edits, some failing, perhaps nested. */
          gboolean changed = FALSE;
          guint n = 1 + rand_below (&r, 4);

          flint_history_begin_group (f->history, "Random Group");
          for (guint j = 0; j < n; j++)
            {
              gboolean nest = rand_below (&r, 4) == 0;

              if (nest)
                flint_history_begin_group (f->history, "Inner");
              changed |= random_edit (&r, TRUE) == EDIT_CHANGED;
              if (nest)
                flint_history_end_group (f->history);
            }
          flint_history_end_group (f->history);

          if (changed)
            {
              random_record (&r, EDIT_CHANGED);
              g_assert_cmpstr (flint_history_get_undo_label (f->history), ==, "Random Group");
              r.last_moved = NULL;
              r.n_groups++;
            }
        }
      else if (pick < 10 && r.depth > 0)
        {
          /* Go back a little, then perhaps forward again. */
          guint back = 1 + rand_below (&r, MIN (r.depth, 3));
          guint forward = rand_below (&r, back + 1);

          for (guint j = 0; j < back; j++)
            {
              g_assert_true (flint_history_undo (f->history));
              r.depth--;
              random_check (&r);
            }
          for (guint j = 0; j < forward; j++)
            {
              g_assert_true (flint_history_redo (f->history));
              r.depth++;
              random_check (&r);
            }
          r.last_moved = NULL;
          i--;   /* not an edit */
          continue;
        }
      else
        {
          random_record (&r, random_edit (&r, FALSE));
        }

      random_check (&r);
    }

  g_test_message ("%u steps, %u failed edits, %u no-ops, %u merged moves, %u groups, %u nodes",
                  r.snapshots->len - 1, r.n_failed, r.n_noop, r.n_merged, r.n_groups,
                  flint_pipeline_get_n_nodes (f->pipeline));
  g_assert_cmpuint (r.snapshots->len, >, N_RANDOM_EDITS / 3);
  g_assert_cmpuint (r.n_failed, >, 0);
  g_assert_cmpuint (r.n_merged, >, 0);
  g_assert_cmpuint (r.n_groups, >, 0);

  /* Drop what was undone last, so the walk covers every step. */
  g_ptr_array_set_size (r.snapshots, r.depth + 1);
  n_steps = r.depth;

  while (r.depth > 0)
    {
      g_assert_true (flint_history_undo (f->history));
      r.depth--;
      random_check (&r);
    }
  g_assert_false (flint_history_undo (f->history));

  while (r.depth < n_steps)
    {
      g_assert_true (flint_history_redo (f->history));
      r.depth++;
      random_check (&r);
    }
  g_assert_false (flint_history_redo (f->history));

  g_ptr_array_unref (r.snapshots);
  g_rand_free (r.rand);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/history/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("add-node", test_add_node);
  ADD ("insert-node", test_insert_node);
  ADD ("remove-node", test_remove_node);
  ADD ("move-node", test_move_node);
  ADD ("connect", test_connect);
  ADD ("disconnect", test_disconnect);
  ADD ("set-param", test_set_param);
  ADD ("set-label", test_set_label);
  ADD ("set-schema", test_set_schema);
  ADD ("set-job-setting", test_set_job_setting);
  ADD ("groups", test_groups);
  ADD ("failed-edits", test_failed_edits);
  ADD ("redo-cleared", test_redo_cleared);
  ADD ("modified", test_modified);
  ADD ("signals", test_signals);
  ADD ("random", test_random);
#undef ADD
  g_test_add_func ("/history/lifetime", test_lifetime);

  return g_test_run ();
}
