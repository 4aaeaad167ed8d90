/* test-pipeline.c: the document API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "flint-model.h"
#include "model-test-catalog.h"

static FlintPipeline *
new_pipeline (void)
{
  return flint_pipeline_new (model_test_catalog ());
}

static FlintNode *
add (FlintPipeline *pipeline,
     const char    *kind_id,
     const char    *id)
{
  const FlintNodeKind *kind = flint_catalog_lookup (flint_pipeline_get_catalog (pipeline), kind_id);
  g_autoptr(FlintNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (kind);
  node = flint_node_new (id, kind);
  g_assert_true (flint_pipeline_add_node (pipeline, node, &error));
  g_assert_no_error (error);

  return node;  /* the pipeline holds it */
}

static FlintEdge *
connect_ok (FlintPipeline *pipeline,
            const char    *from,
            const char    *from_port,
            const char    *to,
            const char    *to_port)
{
  g_autoptr(GError) error = NULL;
  FlintEdge *edge;

  edge = flint_pipeline_connect (pipeline, from, from_port, to, to_port, &error);
  g_assert_no_error (error);
  g_assert_nonnull (edge);

  return edge;
}

static void
assert_connect_fails (FlintPipeline *pipeline,
                      const char    *from,
                      const char    *from_port,
                      const char    *to,
                      const char    *to_port,
                      int            code)
{
  g_autoptr(GError) error = NULL;
  guint n_edges = g_list_model_get_n_items (flint_pipeline_get_edges (pipeline));

  g_assert_null (flint_pipeline_connect (pipeline, from, from_port, to, to_port, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, code);
  g_assert_cmpuint (g_list_model_get_n_items (flint_pipeline_get_edges (pipeline)), ==, n_edges);
}

static void
test_pipeline_nodes (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintNode) dup = NULL;
  g_autoptr(FlintNode) keep = NULL;
  GListModel *nodes = flint_pipeline_get_nodes (pipeline);
  FlintNode *a, *b, *c;

  g_assert_true (flint_pipeline_get_catalog (pipeline) == model_test_catalog ());
  g_assert_cmpuint (flint_pipeline_get_n_nodes (pipeline), ==, 0);
  g_assert_true (g_list_model_get_item_type (nodes) == FLINT_TYPE_NODE);

  a = add (pipeline, "source.csv", "a");
  b = add (pipeline, "transform.filter", "b");
  c = add (pipeline, "sink.parquet", "c");
  g_assert_cmpuint (flint_pipeline_get_n_nodes (pipeline), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (nodes), ==, 3);
  g_assert_true (flint_pipeline_lookup_node (pipeline, "a") == a);
  g_assert_true (flint_pipeline_lookup_node (pipeline, "b") == b);
  g_assert_true (flint_pipeline_lookup_node (pipeline, "c") == c);
  g_assert_null (flint_pipeline_lookup_node (pipeline, "d"));
  g_assert_null (flint_pipeline_lookup_node (pipeline, NULL));
  g_assert_cmpuint (flint_pipeline_node_position (pipeline, b), ==, 1);
  g_assert_cmpstr (flint_node_get_kind_id (b), ==, "transform.filter");
  g_assert_cmpstr (flint_node_get_display_name (b), ==, "b");
  flint_node_set_label (b, "Adults");
  g_assert_cmpstr (flint_node_get_display_name (b), ==, "Adults");
  flint_node_set_label (b, "");
  g_assert_null (flint_node_get_label (b));

  /* A second node with the same id is refused. */
  dup = flint_node_new ("a", flint_catalog_lookup (model_test_catalog (), "transform.filter"));
  g_assert_false (flint_pipeline_add_node (pipeline, dup, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_DUPLICATE_ID);
  g_clear_error (&error);
  g_assert_cmpuint (flint_pipeline_get_n_nodes (pipeline), ==, 3);

  /* Remove from the middle; the node stays alive for whoever holds it. */
  keep = g_object_ref (b);
  g_assert_true (flint_pipeline_remove_node (pipeline, b, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (flint_pipeline_get_n_nodes (pipeline), ==, 2);
  g_assert_null (flint_pipeline_lookup_node (pipeline, "b"));
  g_assert_true (g_list_model_get_item (nodes, 1) == (gpointer) c);
  g_object_unref (c);
  g_assert_cmpuint (flint_pipeline_node_position (pipeline, keep), ==, G_MAXUINT);

  /* Removing it again fails; inserting it back at its place restores the order. */
  g_assert_false (flint_pipeline_remove_node (pipeline, keep, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (flint_pipeline_insert_node (pipeline, keep, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (flint_pipeline_node_position (pipeline, keep), ==, 1);
  g_assert_true (flint_pipeline_lookup_node (pipeline, "b") == keep);
}

static void
test_pipeline_foreign_kind (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintNode) node = NULL;
  FlintNodeKind kind = { 0 };

  /* A kind that is not this pipeline's catalog's own is refused. */
  kind.id = (char *) "source.csv";
  kind.title = (char *) "CSV";
  node = flint_node_new ("a", &kind);
  g_assert_false (flint_pipeline_add_node (pipeline, node, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_UNKNOWN_KIND);
  g_assert_cmpuint (flint_pipeline_get_n_nodes (pipeline), ==, 0);
}

static void
test_pipeline_ids (void)
{
  static const char * const valid[] = { "a", "_", "orders", "Orders_2", "raw-events", "_x9", "a-b_c" };
  static const char * const invalid[] = { "", "1abc", "-a", "a b", "a.b", "\xc3\xa9t\xc3\xa9", "a/b", "a:b", "ab$" };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (flint_node_id_is_valid (valid[i]));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_assert_false (flint_node_id_is_valid (invalid[i]));
  g_assert_false (flint_node_id_is_valid (NULL));
}

static void
assert_make_id (FlintPipeline *pipeline,
                const char    *base,
                const char    *expected)
{
  g_autofree char *id = flint_pipeline_make_id (pipeline, base);

  g_assert_cmpstr (id, ==, expected);
  g_assert_true (flint_node_id_is_valid (id));
}

static void
test_pipeline_make_id (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();

  assert_make_id (pipeline, "filter", "filter");
  add (pipeline, "transform.filter", "filter");
  assert_make_id (pipeline, "filter", "filter_2");
  add (pipeline, "transform.filter", "filter_2");
  assert_make_id (pipeline, "filter", "filter_3");
  /* A gap is filled. */
  add (pipeline, "transform.filter", "filter_4");
  assert_make_id (pipeline, "filter", "filter_3");

  /* Whatever the base, the result is a valid, lower-case identifier. */
  assert_make_id (pipeline, "Customer Orders", "customer_orders");
  assert_make_id (pipeline, "  raw -- events!  ", "raw_events");
  assert_make_id (pipeline, "2024 sales", "node_2024_sales");
  assert_make_id (pipeline, "", "node");
  assert_make_id (pipeline, NULL, "node");
  assert_make_id (pipeline, "\xc3\xa9t\xc3\xa9", "t");
}

static void
test_pipeline_connect (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  GListModel *edges = flint_pipeline_get_edges (pipeline);
  FlintEdge *e1, *e2, *e3, *e4;

  add (pipeline, "source.csv", "orders");
  add (pipeline, "source.csv", "customers");
  add (pipeline, "transform.join", "joined");
  add (pipeline, "transform.split", "split");
  add (pipeline, "transform.filter", "adults");
  add (pipeline, "sink.parquet", "out");

  /* NULL ports are the first ones. */
  e1 = connect_ok (pipeline, "orders", NULL, "joined", NULL);
  g_assert_cmpstr (flint_edge_get_from_node (e1), ==, "orders");
  g_assert_cmpstr (flint_edge_get_from_port (e1), ==, "out");
  g_assert_cmpstr (flint_edge_get_to_node (e1), ==, "joined");
  g_assert_cmpstr (flint_edge_get_to_port (e1), ==, "left");

  /* Named ports. */
  e2 = connect_ok (pipeline, "customers", "out", "joined", "right");
  g_assert_cmpstr (flint_edge_get_to_port (e2), ==, "right");
  e3 = connect_ok (pipeline, "joined", NULL, "split", "in");
  e4 = connect_ok (pipeline, "split", "rest", "adults", NULL);
  g_assert_cmpstr (flint_edge_get_from_port (e4), ==, "rest");

  g_assert_cmpuint (g_list_model_get_n_items (edges), ==, 4);
  g_assert_true (g_list_model_get_item_type (edges) == FLINT_TYPE_EDGE);
  g_assert_cmpuint (flint_pipeline_edge_position (pipeline, e1), ==, 0);
  g_assert_cmpuint (flint_pipeline_edge_position (pipeline, e3), ==, 2);
  g_assert_cmpuint (flint_pipeline_edge_position (pipeline, e4), ==, 3);

  /* The other output of the split may feed another node. */
  connect_ok (pipeline, "split", "matched", "out", "in");
  g_assert_cmpuint (g_list_model_get_n_items (edges), ==, 5);
}

static void
test_pipeline_connect_refused (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();

  add (pipeline, "source.csv", "a");
  add (pipeline, "source.csv", "b");
  add (pipeline, "transform.filter", "f");
  add (pipeline, "transform.filter", "g");
  add (pipeline, "sink.parquet", "out");

  connect_ok (pipeline, "a", NULL, "f", NULL);

  /* To itself. */
  assert_connect_fails (pipeline, "f", NULL, "f", NULL, FLINT_PIPELINE_ERROR_PORT);
  /* Missing nodes, on either end. */
  assert_connect_fails (pipeline, "nope", NULL, "g", NULL, FLINT_PIPELINE_ERROR_NOT_FOUND);
  assert_connect_fails (pipeline, "a", NULL, "nope", NULL, FLINT_PIPELINE_ERROR_NOT_FOUND);
  /* Missing ports, named or not. */
  assert_connect_fails (pipeline, "a", "nope", "g", NULL, FLINT_PIPELINE_ERROR_PORT);
  assert_connect_fails (pipeline, "a", NULL, "g", "nope", FLINT_PIPELINE_ERROR_PORT);
  assert_connect_fails (pipeline, "out", NULL, "g", NULL, FLINT_PIPELINE_ERROR_PORT);
  assert_connect_fails (pipeline, "f", NULL, "a", NULL, FLINT_PIPELINE_ERROR_PORT);
  /* Input and output swapped. */
  assert_connect_fails (pipeline, "f", "in", "g", NULL, FLINT_PIPELINE_ERROR_PORT);
  /* A second edge into a single input. */
  assert_connect_fails (pipeline, "b", NULL, "f", NULL, FLINT_PIPELINE_ERROR_PORT);
  /* The same edge twice. */
  assert_connect_fails (pipeline, "a", NULL, "f", "in", FLINT_PIPELINE_ERROR_PORT);

  g_assert_cmpuint (flint_pipeline_get_node_inputs (pipeline, flint_pipeline_lookup_node (pipeline, "f"))->len, ==, 1);
  g_assert_cmpuint (flint_pipeline_get_node_inputs (pipeline, flint_pipeline_lookup_node (pipeline, "g"))->len, ==, 0);

  /* A cycle through other nodes is the validator's business, not refused here. */
  connect_ok (pipeline, "f", NULL, "g", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (flint_pipeline_get_edges (pipeline)), ==, 2);
}

static void
test_pipeline_multiple_input (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(GPtrArray) port_inputs = NULL;
  g_autoptr(GError) error = NULL;
  FlintNode *u;

  add (pipeline, "source.csv", "a");
  add (pipeline, "source.csv", "b");
  add (pipeline, "source.csv", "c");
  u = add (pipeline, "transform.union", "u");

  connect_ok (pipeline, "a", NULL, "u", NULL);
  connect_ok (pipeline, "b", NULL, "u", "in");
  connect_ok (pipeline, "c", NULL, "u", NULL);
  /* Several edges, but still not the same one twice. */
  assert_connect_fails (pipeline, "b", NULL, "u", NULL, FLINT_PIPELINE_ERROR_PORT);

  port_inputs = flint_pipeline_dup_port_inputs (pipeline, u, NULL);
  g_assert_cmpuint (port_inputs->len, ==, 3);
  g_assert_cmpstr (flint_edge_get_from_node (g_ptr_array_index (port_inputs, 0)), ==, "a");
  g_assert_cmpstr (flint_edge_get_from_node (g_ptr_array_index (port_inputs, 1)), ==, "b");
  g_assert_cmpstr (flint_edge_get_from_node (g_ptr_array_index (port_inputs, 2)), ==, "c");
  g_clear_pointer (&port_inputs, g_ptr_array_unref);

  port_inputs = flint_pipeline_dup_port_inputs (pipeline, u, "other");
  g_assert_cmpuint (port_inputs->len, ==, 0);
}

static void
test_pipeline_disconnect (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintEdge) stranger = NULL;
  g_autoptr(FlintEdge) hold = NULL;
  FlintNode *a, *f;
  FlintEdge *edge;

  a = add (pipeline, "source.csv", "a");
  f = add (pipeline, "transform.filter", "f");
  add (pipeline, "source.csv", "b");
  edge = connect_ok (pipeline, "a", NULL, "f", NULL);
  hold = g_object_ref (edge);

  /* An equal edge that is not the document's own is not found. */
  stranger = flint_edge_new ("a", "out", "f", "in");
  g_assert_true (flint_edge_equal (stranger, edge));
  g_assert_false (flint_pipeline_disconnect (pipeline, stranger, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (flint_pipeline_disconnect (pipeline, edge, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (flint_pipeline_get_edges (pipeline)), ==, 0);
  g_assert_cmpuint (flint_pipeline_get_node_inputs (pipeline, f)->len, ==, 0);
  g_assert_cmpuint (flint_pipeline_get_node_outputs (pipeline, a)->len, ==, 0);
  g_assert_cmpuint (flint_pipeline_edge_position (pipeline, hold), ==, G_MAXUINT);

  g_assert_false (flint_pipeline_disconnect (pipeline, hold, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The single input is free again. */
  connect_ok (pipeline, "b", NULL, "f", NULL);
}

static void
test_pipeline_remove_connected (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(GError) error = NULL;
  FlintNode *a, *f;
  FlintEdge *edge;

  a = add (pipeline, "source.csv", "a");
  f = add (pipeline, "transform.filter", "f");
  edge = connect_ok (pipeline, "a", NULL, "f", NULL);

  g_assert_false (flint_pipeline_remove_node (pipeline, a, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (flint_pipeline_remove_node (pipeline, f, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (flint_pipeline_get_n_nodes (pipeline), ==, 2);

  g_assert_true (flint_pipeline_disconnect (pipeline, edge, &error));
  g_assert_true (flint_pipeline_remove_node (pipeline, a, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (flint_pipeline_get_n_nodes (pipeline), ==, 1);
}

typedef struct
{
  guint position;
  guint removed;
  guint added;
} ItemsChanged;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GArray     *log)
{
  ItemsChanged change = { position, removed, added };

  g_array_append_val (log, change);
}

static void
assert_items_changed (GArray *log,
                      guint   position,
                      guint   removed,
                      guint   added)
{
  ItemsChanged *change;

  g_assert_cmpuint (log->len, ==, 1);
  change = &g_array_index (log, ItemsChanged, 0);
  g_assert_cmpuint (change->position, ==, position);
  g_assert_cmpuint (change->removed, ==, removed);
  g_assert_cmpuint (change->added, ==, added);
  g_array_set_size (log, 0);
}

static void
test_pipeline_items_changed (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(GArray) node_log = g_array_new (FALSE, FALSE, sizeof (ItemsChanged));
  g_autoptr(GArray) edge_log = g_array_new (FALSE, FALSE, sizeof (ItemsChanged));
  g_autoptr(FlintNode) extra = NULL;
  g_autoptr(GError) error = NULL;
  FlintEdge *e1, *e2;
  FlintNode *b;

  g_signal_connect (flint_pipeline_get_nodes (pipeline), "items-changed",
                    G_CALLBACK (on_items_changed), node_log);
  g_signal_connect (flint_pipeline_get_edges (pipeline), "items-changed",
                    G_CALLBACK (on_items_changed), edge_log);

  add (pipeline, "source.csv", "a");
  assert_items_changed (node_log, 0, 0, 1);
  b = add (pipeline, "source.csv", "b");
  assert_items_changed (node_log, 1, 0, 1);
  add (pipeline, "transform.union", "u");
  assert_items_changed (node_log, 2, 0, 1);

  extra = flint_node_new ("x", flint_catalog_lookup (model_test_catalog (), "transform.filter"));
  g_assert_true (flint_pipeline_insert_node (pipeline, extra, 1, &error));
  assert_items_changed (node_log, 1, 0, 1);
  g_assert_true (flint_pipeline_remove_node (pipeline, b, &error));
  assert_items_changed (node_log, 2, 1, 0);
  g_assert_no_error (error);

  e1 = connect_ok (pipeline, "a", NULL, "u", NULL);
  assert_items_changed (edge_log, 0, 0, 1);
  e2 = connect_ok (pipeline, "a", NULL, "x", NULL);
  assert_items_changed (edge_log, 1, 0, 1);
  g_assert_true (flint_pipeline_disconnect (pipeline, e1, &error));
  assert_items_changed (edge_log, 0, 1, 0);
  g_assert_true (flint_pipeline_disconnect (pipeline, e2, &error));
  assert_items_changed (edge_log, 0, 1, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (node_log->len, ==, 0);
}

typedef struct
{
  GPtrArray *whats;
  FlintNode *node;
  guint      n_changed;
} ChangeLog;

static void
on_node_changed (FlintPipeline *pipeline,
                 FlintNode     *node,
                 const char    *what,
                 ChangeLog     *log)
{
  log->node = node;
  g_ptr_array_add (log->whats, g_strdup (what));
}

static void
on_condition_changed (FlintPipeline *pipeline,
                      FlintNode     *node,
                      const char    *what,
                      ChangeLog     *log)
{
  g_assert_cmpstr (what, ==, "params.condition");
  log->n_changed++;
}

static void
on_changed (FlintPipeline *pipeline,
            guint         *count)
{
  (*count)++;
}

static void
test_pipeline_node_changed (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(FlintSchema) schema = flint_schema_new ();
  g_autoptr(GError) error = NULL;
  ChangeLog log = { g_ptr_array_new_with_free_func (g_free), NULL, 0 };
  ChangeLog detailed = { NULL, NULL, 0 };
  guint n_changed = 0;
  FlintNode *f;

  f = add (pipeline, "transform.filter", "f");
  g_signal_connect (pipeline, "node-changed", G_CALLBACK (on_node_changed), &log);
  g_signal_connect (pipeline, "node-changed::params.condition",
                    G_CALLBACK (on_condition_changed), &detailed);
  g_signal_connect (pipeline, "changed", G_CALLBACK (on_changed), &n_changed);

  flint_node_set_string (f, "condition", "age >= 18");
  flint_node_set_string (f, "condition", "age >= 18");   /* no change, no signal */
  flint_node_set_label (f, "Adults");
  flint_node_set_position (f, 10, 20);
  flint_node_set_position (f, 10, 20);
  flint_node_take_param (f, "other", json_node_init_int (json_node_alloc (), 3));
  flint_schema_append (schema, "age", NULL, TRUE);
  flint_node_set_schema (f, schema);
  flint_node_set_string (f, "condition", NULL);
  flint_node_set_string (f, "condition", NULL);

  g_assert_true (log.node == f);
  g_assert_cmpuint (log.whats->len, ==, 6);
  g_assert_cmpstr (g_ptr_array_index (log.whats, 0), ==, "params.condition");
  g_assert_cmpstr (g_ptr_array_index (log.whats, 1), ==, "label");
  g_assert_cmpstr (g_ptr_array_index (log.whats, 2), ==, "position");
  g_assert_cmpstr (g_ptr_array_index (log.whats, 3), ==, "params.other");
  g_assert_cmpstr (g_ptr_array_index (log.whats, 4), ==, "schema");
  g_assert_cmpstr (g_ptr_array_index (log.whats, 5), ==, "params.condition");
  /* The detail lets a view follow one parameter. */
  g_assert_cmpuint (detailed.n_changed, ==, 2);
  g_assert_cmpuint (n_changed, ==, 6);

  /* A removed node is no longer relayed. */
  g_assert_true (flint_pipeline_remove_node (pipeline, g_object_ref (f), &error));
  g_assert_no_error (error);
  flint_node_set_label (f, "Gone");
  g_assert_cmpuint (log.whats->len, ==, 6);
  g_object_unref (f);

  g_ptr_array_unref (log.whats);
}

static void
on_job_changed (FlintPipeline *pipeline,
                const char    *path,
                GPtrArray     *paths)
{
  g_ptr_array_add (paths, g_strdup (path));
}

static char *
job_json (FlintPipeline *pipeline)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), flint_pipeline_get_job (pipeline));

  return json_to_string (node, FALSE);
}

static JsonNode *
string_node (const char *value)
{
  return json_node_init_string (json_node_alloc (), value);
}

static void
test_pipeline_job_settings (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *json = NULL;
  JsonNode *value;

  g_signal_connect (pipeline, "job-changed", G_CALLBACK (on_job_changed), paths);

  g_assert_cmpint (flint_pipeline_get_mode (pipeline), ==, FLINT_JOB_MODE_BATCH);
  g_assert_null (flint_pipeline_get_job_setting (pipeline, "mode"));
  g_assert_null (flint_pipeline_get_job_setting (pipeline, "driver.memory"));

  flint_pipeline_take_job_setting (pipeline, "mode", string_node ("streaming"));
  g_assert_cmpint (flint_pipeline_get_mode (pipeline), ==, FLINT_JOB_MODE_STREAMING);

  /* The maps on the way are created. */
  flint_pipeline_take_job_setting (pipeline, "driver.memory", string_node ("2g"));
  flint_pipeline_take_job_setting (pipeline, "executor.resources.gpu", json_node_init_int (json_node_alloc (), 1));
  value = flint_pipeline_get_job_setting (pipeline, "driver.memory");
  g_assert_nonnull (value);
  g_assert_cmpstr (json_node_get_string (value), ==, "2g");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (flint_pipeline_get_job_setting (pipeline, "executor.resources")));
  g_assert_cmpint (json_node_get_int (flint_pipeline_get_job_setting (pipeline, "executor.resources.gpu")), ==, 1);
  json = job_json (pipeline);
  g_assert_cmpstr (json, ==, "{\"mode\":\"streaming\",\"driver\":{\"memory\":\"2g\"},\"executor\":{\"resources\":{\"gpu\":1}}}");
  g_clear_pointer (&json, g_free);

  /* A path through a value that is not a map finds nothing. */
  g_assert_null (flint_pipeline_get_job_setting (pipeline, "mode.x"));

  /* Setting an equal value, or removing what is not there, says nothing. */
  g_assert_cmpuint (paths->len, ==, 3);
  flint_pipeline_take_job_setting (pipeline, "driver.memory", string_node ("2g"));
  flint_pipeline_take_job_setting (pipeline, "driver.cores", NULL);
  flint_pipeline_take_job_setting (pipeline, "nothing.here", NULL);
  g_assert_cmpuint (paths->len, ==, 3);
  g_assert_null (flint_pipeline_get_job_setting (pipeline, "nothing"));

  /* Replace and remove. */
  flint_pipeline_take_job_setting (pipeline, "driver.memory", string_node ("4g"));
  flint_pipeline_take_job_setting (pipeline, "mode", NULL);
  g_assert_cmpint (flint_pipeline_get_mode (pipeline), ==, FLINT_JOB_MODE_BATCH);
  g_assert_cmpuint (paths->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (paths, 0), ==, "mode");
  g_assert_cmpstr (g_ptr_array_index (paths, 1), ==, "driver.memory");
  g_assert_cmpstr (g_ptr_array_index (paths, 2), ==, "executor.resources.gpu");
  g_assert_cmpstr (g_ptr_array_index (paths, 3), ==, "driver.memory");
  g_assert_cmpstr (g_ptr_array_index (paths, 4), ==, "mode");
  json = job_json (pipeline);
  g_assert_cmpstr (json, ==, "{\"driver\":{\"memory\":\"4g\"},\"executor\":{\"resources\":{\"gpu\":1}}}");
}

static void
assert_edge_list (GPtrArray  *edges,
                  const char *expected)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < edges->len; i++)
    {
      FlintEdge *edge = g_ptr_array_index (edges, i);

      g_string_append_printf (text, "%s%s.%s>%s.%s", i ? " " : "",
                              flint_edge_get_from_node (edge), flint_edge_get_from_port (edge),
                              flint_edge_get_to_node (edge), flint_edge_get_to_port (edge));
    }

  g_assert_cmpstr (text->str, ==, expected);
}

static void
test_pipeline_node_links (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(FlintEdge) middle = NULL;
  g_autoptr(GError) error = NULL;
  FlintNode *a, *b, *c, *u, *j;

  a = add (pipeline, "source.csv", "a");
  b = add (pipeline, "source.csv", "b");
  c = add (pipeline, "source.csv", "c");
  u = add (pipeline, "transform.union", "u");
  j = add (pipeline, "transform.join", "j");

  connect_ok (pipeline, "a", NULL, "u", NULL);
  middle = g_object_ref (connect_ok (pipeline, "b", NULL, "u", NULL));
  connect_ok (pipeline, "c", NULL, "u", NULL);
  connect_ok (pipeline, "b", NULL, "j", "right");
  connect_ok (pipeline, "u", NULL, "j", "left");

  assert_edge_list (flint_pipeline_get_node_inputs (pipeline, u), "a.out>u.in b.out>u.in c.out>u.in");
  assert_edge_list (flint_pipeline_get_node_outputs (pipeline, u), "u.out>j.left");
  assert_edge_list (flint_pipeline_get_node_inputs (pipeline, j), "b.out>j.right u.out>j.left");
  assert_edge_list (flint_pipeline_get_node_outputs (pipeline, b), "b.out>u.in b.out>j.right");
  assert_edge_list (flint_pipeline_get_node_inputs (pipeline, a), "");
  assert_edge_list (flint_pipeline_get_node_outputs (pipeline, c), "c.out>u.in");
  assert_edge_list (flint_pipeline_get_node_outputs (pipeline, j), "");

  /* An edge put back where it was takes its place in the nodes' lists too, so that
   * undoing a disconnect gives the union its inputs in the same order. */
  g_assert_true (flint_pipeline_disconnect (pipeline, middle, &error));
  assert_edge_list (flint_pipeline_get_node_inputs (pipeline, u), "a.out>u.in c.out>u.in");
  assert_edge_list (flint_pipeline_get_node_outputs (pipeline, b), "b.out>j.right");
  g_assert_true (flint_pipeline_add_edge (pipeline, middle, 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (flint_pipeline_edge_position (pipeline, middle), ==, 1);
  assert_edge_list (flint_pipeline_get_node_inputs (pipeline, u), "a.out>u.in b.out>u.in c.out>u.in");
  assert_edge_list (flint_pipeline_get_node_outputs (pipeline, b), "b.out>u.in b.out>j.right");

  /* add_edge checks like connect does. */
  g_assert_false (flint_pipeline_add_edge (pipeline, middle, 0, &error));
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_PORT);
}

static void
test_pipeline_name (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  guint n_changed = 0;

  g_signal_connect (pipeline, "changed", G_CALLBACK (on_changed), &n_changed);
  flint_pipeline_set_name (pipeline, "customer-analytics");
  flint_pipeline_set_name (pipeline, "customer-analytics");
  g_assert_cmpstr (flint_pipeline_get_name (pipeline), ==, "customer-analytics");
  flint_pipeline_set_description (pipeline, "Daily rollup");
  flint_pipeline_set_description (pipeline, "");
  g_assert_null (flint_pipeline_get_description (pipeline));
  g_assert_cmpuint (n_changed, ==, 3);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pipeline/nodes", test_pipeline_nodes);
  g_test_add_func ("/pipeline/foreign-kind", test_pipeline_foreign_kind);
  g_test_add_func ("/pipeline/ids", test_pipeline_ids);
  g_test_add_func ("/pipeline/make-id", test_pipeline_make_id);
  g_test_add_func ("/pipeline/connect", test_pipeline_connect);
  g_test_add_func ("/pipeline/connect-refused", test_pipeline_connect_refused);
  g_test_add_func ("/pipeline/multiple-input", test_pipeline_multiple_input);
  g_test_add_func ("/pipeline/disconnect", test_pipeline_disconnect);
  g_test_add_func ("/pipeline/remove-connected", test_pipeline_remove_connected);
  g_test_add_func ("/pipeline/items-changed", test_pipeline_items_changed);
  g_test_add_func ("/pipeline/node-changed", test_pipeline_node_changed);
  g_test_add_func ("/pipeline/job-settings", test_pipeline_job_settings);
  g_test_add_func ("/pipeline/node-links", test_pipeline_node_links);
  g_test_add_func ("/pipeline/name", test_pipeline_name);

  return g_test_run ();
}
