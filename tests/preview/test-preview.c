/* test-preview.c: previews of the bundled examples on a real local Spark
 *
 * One session for the whole file, as the designer keeps one: the first preview starts
 * Spark, the others reuse it and its cache. Skips without FLINT_PYTHON (./flint-dev test
 * sets it from the e2e toolchain).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/wait.h>
#include <string.h>

#include "flint-codegen.h"
#include "flint-model.h"
#include "flint-preview.h"

static FlintPreviewSession *session;
static const char *cli;

typedef struct
{
  FlintPreviewResult *result;
  GError             *error;
  gboolean            done;
} Wait;

static void
previewed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = flint_preview_session_run_finish (FLINT_PREVIEW_SESSION (object), result, &wait->error);
  wait->done = TRUE;
}

static FlintPreviewResult *
preview (FlintPipeline *pipeline,
         const char    *node_id,
         GCancellable  *cancellable,
         GError       **error)
{
  Wait wait = { 0 };

  flint_preview_session_run_async (session, pipeline, node_id, NULL, 0, 0, cancellable, previewed, &wait);
  while (!wait.done)
    g_main_context_iteration (NULL, TRUE);
  if (wait.error)
    g_propagate_error (error, wait.error);
  return wait.result;
}

static FlintPreviewResult *
preview_ok (FlintPipeline *pipeline,
            const char    *node_id)
{
  g_autoptr(GError) error = NULL;
  FlintPreviewResult *result = preview (pipeline, node_id, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  if (!flint_preview_result_is_ok (result))
    g_error ("preview of %s failed at %s: %s", node_id,
             flint_preview_result_get_error_node (result), flint_preview_result_get_message (result));
  return result;
}

static FlintPipeline *
load_example (const char *name,
              const char *preview_json)
{
  g_autofree char *path = g_build_filename (g_getenv ("FLINT_SOURCE_ROOT"), "data", "examples", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  FlintPipeline *pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);

  g_assert_no_error (error);
  if (preview_json != NULL)
    {
      JsonNode *settings = json_from_string (preview_json, &error);

      g_assert_no_error (error);
      flint_pipeline_take_job_setting (pipeline, "preview", settings);
    }
  return pipeline;
}

/* Every row as "a|b|c", nulls as "null", in the order Spark gave them. */
static char *
rows_text (FlintPreviewResult *result)
{
  GString *text = g_string_new (NULL);

  for (guint r = 0; r < flint_preview_result_get_n_rows (result); r++)
    {
      if (r > 0)
        g_string_append_c (text, ';');
      for (guint c = 0; c < flint_preview_result_get_n_columns (result); c++)
        {
          const char *cell = flint_preview_result_get_cell (result, r, c);
          g_string_append_printf (text, "%s%s", c > 0 ? "|" : "", cell ? cell : "null");
        }
    }
  return g_string_free (text, FALSE);
}

static char *
joined (const char * const *names)
{
  return g_strjoinv (",", (GStrv) names);
}

static const char customer_samples[] =
  "{\"samples\": {"
  "  \"customers\": ["
  "    {\"customer_id\": 1, \"name\": \"Ada\", \"age\": 36, \"country\": \"UK\"},"
  "    {\"customer_id\": 2, \"name\": \"Bo\", \"age\": 12, \"country\": null},"
  "    {\"customer_id\": 3, \"name\": \"Cy\", \"age\": 51, \"country\": \"FR\"}],"
  "  \"orders\": ["
  "    {\"order_id\": 10, \"customer_id\": 1, \"amount\": 12.5, \"ordered_at\": \"2024-05-01 10:00:00\"},"
  "    {\"order_id\": 11, \"customer_id\": 2, \"amount\": 3.99, \"ordered_at\": \"2024-05-02 11:30:00\"},"
  "    {\"order_id\": 12, \"customer_id\": 3, \"amount\": 100, \"ordered_at\": \"2024-05-03 09:15:00\"},"
  "    {\"order_id\": 13, \"customer_id\": 3, \"amount\": 7.25, \"ordered_at\": \"2024-05-04 18:45:00\"}]}}";

/* customer-join: the join of the test rows, typed as declared, with statistics; the sink
 * shows what flows into it and writes nothing. */
static void
test_customer_join (void)
{
  g_autoptr(FlintPipeline) pipeline = load_example ("customer-join.flint.yaml", customer_samples);
  g_autoptr(FlintPreviewResult) result = preview_ok (pipeline, "orders_by_country");
  g_autofree char *rows = rows_text (result);
  FlintPreviewColumn column;

  g_assert_cmpstr (flint_preview_result_get_node_id (result), ==, "orders_by_country");
  g_assert_cmpint (flint_preview_result_get_count (result), ==, 3);
  g_assert_cmpstr (rows, ==,
                   "10|1|12.50|2024-05-01 10:00:00|Ada|36|UK;"
                   "12|3|100.00|2024-05-03 09:15:00|Cy|51|FR;"
                   "13|3|7.25|2024-05-04 18:45:00|Cy|51|FR");
  g_assert_cmpuint (flint_preview_result_get_n_columns (result), ==, 7);
  g_assert_true (flint_preview_result_get_column (result, 2, &column));
  g_assert_cmpstr (column.name, ==, "amount");
  g_assert_cmpstr (column.type, ==, "decimal(12,2)");
  g_assert_cmpstr (column.min, ==, "7.25");
  g_assert_cmpstr (column.max, ==, "100.00");
  g_assert_cmpint (column.nulls, ==, 0);
  g_assert_cmpint (column.distinct, ==, 3);

  /* The counts the canvas puts on the edges. */
  g_assert_cmpint (flint_preview_result_get_output_count (result, "customers", NULL), ==, 3);
  g_assert_cmpint (flint_preview_result_get_output_count (result, "adults", "out"), ==, 2);
  g_assert_cmpint (flint_preview_result_get_output_count (result, "orders", NULL), ==, 4);
  g_assert_cmpint (flint_preview_result_get_output_count (result, "orders_with_customers", NULL), ==, 3);
  g_assert_cmpint (flint_preview_result_get_output_count (result, "orders_by_country", NULL), ==, -1);

  /* A source's nulls are counted. */
  {
    g_autoptr(FlintPreviewResult) source = preview_ok (pipeline, "customers");

    g_assert_true (flint_preview_result_get_column (source, 3, &column));
    g_assert_cmpstr (column.name, ==, "country");
    g_assert_cmpint (column.nulls, ==, 1);
    g_assert_cmpint (flint_preview_result_get_count (source), ==, 3);
  }
}

/* The cache: a second preview runs nothing; changing the filter re-runs the filter and
 * what follows it, never the sources. */
static void
test_cache (void)
{
  g_autoptr(FlintPipeline) pipeline = load_example ("customer-join.flint.yaml", customer_samples);
  g_autoptr(FlintPreviewResult) first = preview_ok (pipeline, "orders_with_customers");
  g_autoptr(FlintPreviewResult) again = NULL;
  g_autoptr(FlintPreviewResult) changed = NULL;
  g_autoptr(FlintPreviewResult) other = NULL;
  g_autofree char *ran = NULL;
  g_autofree char *reused = NULL;
  g_autofree char *rows = NULL;
  gint64 cold, warm;

  cold = g_get_monotonic_time ();
  again = preview_ok (pipeline, "orders_with_customers");
  warm = g_get_monotonic_time () - cold;
  ran = joined (flint_preview_result_get_executed (again));
  reused = joined (flint_preview_result_get_reused (again));
  g_assert_cmpstr (ran, ==, "");
  g_assert_cmpstr (reused, ==, "customers,adults,orders,orders_with_customers");
  g_assert_cmpint (flint_preview_result_get_count (again), ==, 3);
  g_test_message ("cached re-preview: %" G_GINT64_FORMAT " ms", warm / 1000);

  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "adults"), "condition", "age >= 40");
  changed = preview_ok (pipeline, "orders_with_customers");
  g_clear_pointer (&ran, g_free);
  g_clear_pointer (&reused, g_free);
  ran = joined (flint_preview_result_get_executed (changed));
  reused = joined (flint_preview_result_get_reused (changed));
  g_assert_cmpstr (ran, ==, "adults,orders_with_customers");
  g_assert_cmpstr (reused, ==, "customers,orders");
  rows = rows_text (changed);
  g_assert_cmpstr (rows, ==,
                   "12|3|100.00|2024-05-03 09:15:00|Cy|51|FR;"
                   "13|3|7.25|2024-05-04 18:45:00|Cy|51|FR");

  /* Moving a node or renaming its label changes nothing Spark sees. */
  flint_node_set_position (flint_pipeline_lookup_node (pipeline, "orders"), 400, 400);
  other = preview_ok (pipeline, "adults");
  g_clear_pointer (&ran, g_free);
  ran = joined (flint_preview_result_get_executed (other));
  g_assert_cmpstr (ran, ==, "");
}

/* daily-sales-rollup: the quality node drops what fails its checks and says how many. */
static void
test_quality (void)
{
  g_autoptr(FlintPipeline) pipeline = load_example (
    "daily-sales-rollup.flint.yaml",
    "{\"rows\": 100, \"samples\": {\"sales\": ["
    "  {\"sale_id\": 1, \"store_id\": 7, \"sku\": \"A\", \"quantity\": 2, \"unit_price\": 1.5, \"sold_at\": \"2024-05-01 08:00:00\"},"
    "  {\"sale_id\": 2, \"store_id\": 7, \"sku\": \"B\", \"quantity\": 1, \"unit_price\": 4.0, \"sold_at\": \"2024-05-01 09:00:00\"},"
    "  {\"sale_id\": 3, \"store_id\": null, \"sku\": \"C\", \"quantity\": 5, \"unit_price\": 2.0, \"sold_at\": \"2024-05-01 10:00:00\"},"
    "  {\"sale_id\": 4, \"store_id\": 8, \"sku\": \"A\", \"quantity\": 0, \"unit_price\": 1.5, \"sold_at\": \"2024-05-02 10:00:00\"},"
    "  {\"sale_id\": 5, \"store_id\": 8, \"sku\": \"A\", \"quantity\": 3, \"unit_price\": 1.5, \"sold_at\": \"2024-05-02 11:00:00\"}]}}");
  g_autoptr(FlintPreviewResult) result = preview_ok (pipeline, "daily");
  g_autofree char *rows = NULL;
  const char *mode = NULL;
  gint64 passed = 0, failed = 0;

  g_assert_true (flint_preview_result_get_quality (result, "valid_sales", &mode, &passed, &failed));
  g_assert_cmpstr (mode, ==, "drop");
  g_assert_cmpint (passed, ==, 3);
  g_assert_cmpint (failed, ==, 2);
  g_assert_cmpint (flint_preview_result_get_output_count (result, "with_day", NULL), ==, 3);

  /* The aggregate itself: per store and day; the order is Spark's, so sort first. */
  g_assert_cmpint (flint_preview_result_get_count (result), ==, 2);
  rows = rows_text (result);
  g_assert_true (g_str_equal (rows, "7|2024-05-01|2|3|7.0;8|2024-05-02|1|3|4.5") ||
                 g_str_equal (rows, "8|2024-05-02|1|3|4.5;7|2024-05-01|2|3|7.0"));
}

/* streaming-click-counter: Kafka is not reachable, its test rows stand in for it. */
static void
test_streaming (void)
{
  g_autoptr(FlintPipeline) pipeline = load_example (
    "streaming-click-counter.flint.yaml",
    "{\"samples\": {\"clicks\": ["
    "  {\"value\": \"{\\\"page\\\": \\\"/home\\\"}\", \"timestamp\": \"2024-05-01 08:00:00\"},"
    "  {\"value\": \"{\\\"page\\\": \\\"/home\\\"}\", \"timestamp\": \"2024-05-01 08:01:00\"},"
    "  {\"value\": \"{\\\"page\\\": \\\"/cart\\\"}\", \"timestamp\": \"2024-05-01 08:02:00\"}]}}");
  g_autoptr(FlintPreviewResult) result = preview_ok (pipeline, "tidy");
  g_autofree char *rows = rows_text (result);

  /* page | views | window_start | window_end, one row a page: all three clicks fall in the
   * 08:00 to 08:05 window; the order is Spark's. */
  g_test_message ("rows: %s", rows);
  g_assert_cmpint (flint_preview_result_get_count (result), ==, 2);
  g_assert_nonnull (strstr (rows, "/home|2|"));
  g_assert_nonnull (strstr (rows, "/cart|1|"));
  g_assert_nonnull (strstr (rows, "08:00:00"));
  g_assert_nonnull (strstr (rows, "08:05:00"));

  /* Without test rows a stream has nothing to sample: the message says what to do. */
  {
    g_autoptr(FlintPipeline) live = load_example ("streaming-click-counter.flint.yaml", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(FlintPreviewResult) failed = preview (live, "parsed", NULL, &error);

    g_assert_no_error (error);
    g_assert_false (flint_preview_result_is_ok (failed));
    g_assert_cmpstr (flint_preview_result_get_error_node (failed), ==, "clicks");
    g_assert_cmpstr (flint_preview_result_get_message (failed), ==,
                     "a streaming source has no sample to preview: give it test rows");
  }
}

/* A failure in Spark names the node whose step failed, with Spark's own words. */
static void
test_error (void)
{
  g_autoptr(FlintPipeline) pipeline = load_example ("customer-join.flint.yaml", customer_samples);
  g_autoptr(FlintPreviewResult) result = NULL;
  g_autoptr(GError) error = NULL;

  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "adults"), "condition", "cast(name AS int) > 0");
  result = preview (pipeline, "orders_by_country", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (flint_preview_result_is_ok (result));
  g_assert_cmpstr (flint_preview_result_get_error_node (result), ==, "adults");
  g_assert_nonnull (strstr (flint_preview_result_get_message (result), "CAST_INVALID_INPUT"));
  /* Which row Spark meets first is its business. */
  g_assert_true (g_str_has_prefix (flint_preview_result_get_message (result), "[CAST_INVALID_INPUT] The value '"));

  /* Validation errors are not sent to Spark: the node and the validator's message. */
  g_clear_object (&result);
  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "adults"), "condition", "agee >= 18");
  result = preview (pipeline, "orders_by_country", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (flint_preview_result_is_ok (result));
  g_assert_cmpstr (flint_preview_result_get_error_node (result), ==, "adults");
  g_assert_nonnull (strstr (flint_preview_result_get_message (result), "agee"));
  g_assert_cmpstr (*flint_preview_result_get_executed (result), ==, NULL);

  /* Unknown nodes are errors of the call. */
  g_clear_object (&result);
  result = preview (pipeline, "nobody", NULL, &error);
  g_assert_error (error, FLINT_PREVIEW_ERROR, FLINT_PREVIEW_ERROR_NODE);
  g_assert_null (result);
}

static gboolean
cancel_soon (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Cancelling returns at once; the session still previews afterwards. */
static void
test_cancel (void)
{
  g_autoptr(FlintPipeline) pipeline = load_example ("customer-join.flint.yaml", customer_samples);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintPreviewResult) result = NULL;
  g_autoptr(FlintPreviewResult) after = NULL;

  /* Something not cached yet, so the worker is busy when the cancel comes. */
  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "adults"), "condition", "age >= 30");
  g_timeout_add (50, cancel_soon, cancellable);
  result = preview (pipeline, "orders_with_customers", cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (result);
  g_assert_true (flint_preview_session_is_running (session));

  after = preview_ok (pipeline, "adults");
  g_assert_cmpint (flint_preview_result_get_count (after), ==, 2);
}

/* flint-cli preview: the same headless, with --json, and the failing node's line. */
static void
test_cli (void)
{
  g_autofree char *dir = g_dir_make_tmp ("flint-preview-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "p.flint.yaml", NULL);
  g_autofree char *source = g_build_filename (g_getenv ("FLINT_SOURCE_ROOT"), "data", "examples", "customer-join.flint.yaml", NULL);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GString) edited = NULL;
  int status;

  if (cli == NULL)
    {
      g_test_skip ("no flint-cli given");
      return;
    }

  g_assert_true (g_file_get_contents (source, &text, NULL, NULL));
  edited = g_string_new (text);
  g_string_replace (edited, "  targets:\n",
                    "  preview:\n"
                    "    samples:\n"
                    "      customers:\n"
                    "        - {customer_id: 1, name: Ada, age: 36, country: UK}\n"
                    "        - {customer_id: 2, name: Bo, age: 12, country: null}\n"
                    "  targets:\n", 1);
  g_assert_true (g_file_set_contents (path, edited->str, -1, NULL));
  {
    const char *argv[] = { cli, "preview", path, "--node", "adults", "--json", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  json = json_from_string (out, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json), "count"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "node"), ==, "adults");

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_string_replace (edited, "condition: age >= 18", "condition: cast(name AS int) >= 18", 1);
  g_assert_true (g_file_set_contents (path, edited->str, -1, NULL));
  {
    const char *argv[] = { cli, "preview", path, "--node", "adults", NULL };
    g_autofree char *expected = g_strdup_printf ("%s:", path);

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
    g_assert_cmpint (WEXITSTATUS (status), ==, 1);
    g_assert_true (g_str_has_prefix (err, expected));
    g_assert_nonnull (strstr (err, ": adults: [CAST_INVALID_INPUT]"));
  }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  cli = argc > 1 ? argv[1] : NULL;

  if (g_getenv ("FLINT_PYTHON") == NULL || *g_getenv ("FLINT_PYTHON") == '\0')
    {
      g_test_message ("FLINT_PYTHON is not set: ./flint-dev test sets it");
      return 77;
    }

  session = flint_preview_session_new ();
  g_test_add_func ("/preview/customer-join", test_customer_join);
  g_test_add_func ("/preview/cache", test_cache);
  g_test_add_func ("/preview/quality", test_quality);
  g_test_add_func ("/preview/streaming", test_streaming);
  g_test_add_func ("/preview/error", test_error);
  g_test_add_func ("/preview/cancel", test_cancel);
  g_test_add_func ("/preview/cli", test_cli);
  status = g_test_run ();
  flint_preview_session_stop (session);
  g_object_unref (session);
  return status;
}
