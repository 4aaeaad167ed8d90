/* test-validator.c: live validation, full and incremental
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "flint-model.h"
#include "test-util.h"

static FlintPipeline *
new_pipeline (void)
{
  return flint_pipeline_new (flint_catalog_get_default ());
}

/* customers (parquet) -> adults (filter) -> out (parquet) */
static FlintPipeline *
customer_pipeline (void)
{
  FlintPipeline *pipeline = new_pipeline ();

  test_add_node (pipeline, "customers", "source.parquet", "{\"path\": \"s3a://data/customers/\"}",
                 "customer_id long, name string, age int");
  test_add_node (pipeline, "adults", "transform.filter", "{\"condition\": \"age >= 18\"}", NULL);
  test_add_node (pipeline, "out", "sink.parquet", "{\"path\": \"s3a://data/adults/\"}", NULL);
  test_connect (pipeline, "customers", "adults");
  test_connect (pipeline, "adults", "out");

  return pipeline;
}

static void
test_clean (void)
{
  g_autoptr(FlintPipeline) pipeline = customer_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  g_autoptr(GPtrArray) all = flint_validator_dup_diagnostics (validator);
  g_autofree char *dump = test_dump_diagnostics (all);
  FlintFlow *flow;

  g_assert_cmpstr (dump, ==, "");

  flow = flint_validator_get_output (validator, "adults", NULL);
  g_assert_nonnull (flow);
  g_assert_nonnull (flint_flow_get_schema (flow));
  g_assert_cmpuint (flint_schema_get_n_columns (flint_flow_get_schema (flow)), ==, 3);
  g_assert_false (flint_flow_is_streaming (flow));

  flow = flint_validator_get_input (validator, "out", NULL);
  g_assert_nonnull (flow);
  g_assert_nonnull (flint_schema_lookup (flint_flow_get_schema (flow), "age"));
}

static void
test_unknown_column (void)
{
  g_autoptr(FlintPipeline) pipeline = customer_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  FlintDiagnostic *d;

  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "adults"), "condition", "agee >= 18");

  d = test_find (validator, "adults", "unknown-column");
  g_assert_nonnull (d);
  g_assert_cmpint (flint_diagnostic_get_severity (d), ==, FLINT_SEVERITY_ERROR);
  g_assert_cmpstr (flint_diagnostic_get_param (d), ==, "params.condition");
  g_assert_cmpstr (flint_diagnostic_get_message (d), ==, "unknown column 'agee'");
  g_assert_cmpstr (flint_diagnostic_get_hint (d), ==, "did you mean 'age'?");
  g_assert_cmpuint (test_count_errors (validator), ==, 1);

  /* Fixing it clears it. */
  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "adults"), "condition", "age >= 18");
  g_assert_cmpuint (test_count_errors (validator), ==, 0);
}

static void
test_condition_type (void)
{
  g_autoptr(FlintPipeline) pipeline = customer_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  FlintDiagnostic *d;

  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "adults"), "condition", "age + 1");
  d = test_find (validator, "adults", "condition-not-boolean");
  g_assert_nonnull (d);
  g_assert_cmpstr (flint_diagnostic_get_message (d), ==, "the condition is of type int, not boolean");

  /* Unknown types never produce an error. */
  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "adults"), "condition", "some_udf(age)");
  g_assert_null (test_find (validator, "adults", "condition-not-boolean"));
}

static void
test_params (void)
{
  g_autoptr(FlintPipeline) pipeline = customer_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  FlintNode *out = flint_pipeline_lookup_node (pipeline, "out");
  FlintNode *adults = flint_pipeline_lookup_node (pipeline, "adults");
  FlintDiagnostic *d;

  /* Missing required parameter. */
  flint_node_take_param (adults, "condition", NULL);
  d = test_find (validator, "adults", "missing-param");
  g_assert_nonnull (d);
  g_assert_cmpstr (flint_diagnostic_get_param (d), ==, "params.condition");
  flint_node_set_string (adults, "condition", "age > 1");

  /* An enum value that is not a choice, with the closest one as a hint. */
  flint_node_set_string (out, "mode", "overwrit");
  d = test_find (validator, "out", "invalid-choice");
  g_assert_nonnull (d);
  g_assert_cmpstr (flint_diagnostic_get_param (d), ==, "params.mode");
  g_assert_cmpstr (flint_diagnostic_get_hint (d), ==, "did you mean 'overwrite'?");
  flint_node_set_string (out, "mode", "overwrite");

  /* A parameter the kind does not have. */
  flint_node_set_string (out, "compresion", "snappy");
  d = test_find (validator, "out", "unknown-param");
  g_assert_nonnull (d);
  g_assert_cmpstr (flint_diagnostic_get_hint (d), ==, "did you mean 'compression'?");
  flint_node_take_param (out, "compresion", NULL);

  /* A mistyped one. */
  flint_node_take_param (out, "partition_by", json_node_init_string (json_node_alloc (), "age"));
  d = test_find (validator, "out", "invalid-type");
  g_assert_nonnull (d);
  g_assert_cmpstr (flint_diagnostic_get_message (d), ==, "must be a list of column names");

  /* A list of columns, one of which does not exist upstream. */
  flint_node_take_param (out, "partition_by", json_from_string ("[\"age\", \"nmae\"]", NULL));
  d = test_find (validator, "out", "unknown-column");
  g_assert_nonnull (d);
  g_assert_cmpstr (flint_diagnostic_get_param (d), ==, "params.partition_by.1");
  g_assert_cmpstr (flint_diagnostic_get_hint (d), ==, "did you mean 'name'?");
  flint_node_take_param (out, "partition_by", NULL);

  g_assert_cmpuint (test_count_errors (validator), ==, 0);
}

static void
test_secret_literal (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  FlintNode *jdbc;

  jdbc = test_add_node (pipeline, "db", "source.jdbc",
                        "{\"url\": \"jdbc:postgresql://db/shop\", \"table\": \"public.orders\", "
                        "\"user\": \"etl\", \"password\": \"hunter2\"}", "id long");
  g_assert_nonnull (test_find (validator, "db", "literal-secret"));

  flint_node_set_string (jdbc, "password", "{{secrets/shop/etl-password}}");
  g_assert_null (test_find (validator, "db", "literal-secret"));
}

static void
test_unconnected (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  FlintDiagnostic *d;

  test_add_node (pipeline, "orders", "source.parquet", "{\"path\": \"/data/orders\"}", "id long");
  test_add_node (pipeline, "j", "transform.join", "{\"keys\": [{\"left\": \"id\", \"right\": \"id\"}]}", NULL);
  test_connect (pipeline, "orders", "j.left");

  d = test_find (validator, "j", "unconnected-input");
  g_assert_nonnull (d);
  g_assert_cmpstr (flint_diagnostic_get_message (d), ==, "input 'right' is not connected");

  /* And the join's result goes nowhere. */
  g_assert_nonnull (test_find (validator, "j", "unused-result"));
}

static void
test_unused_source (void)
{
  g_autoptr(FlintPipeline) pipeline = customer_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  FlintDiagnostic *d;

  test_add_node (pipeline, "extra", "source.csv", "{\"path\": \"/data/extra.csv\"}", NULL);
  d = test_find (validator, "extra", "unused-source");
  g_assert_nonnull (d);
  g_assert_cmpint (flint_diagnostic_get_severity (d), ==, FLINT_SEVERITY_WARNING);
  g_assert_cmpuint (test_count_errors (validator), ==, 0);
}

static void
test_cycle (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  FlintDiagnostic *d;
  FlintEdge *back;

  test_add_node (pipeline, "src", "source.parquet", "{\"path\": \"/p\"}", "x int");
  test_add_node (pipeline, "u", "transform.union", NULL, NULL);
  test_add_node (pipeline, "f", "transform.filter", "{\"condition\": \"x > 0\"}", NULL);
  test_add_node (pipeline, "g", "transform.filter", "{\"condition\": \"x > 1\"}", NULL);
  test_add_node (pipeline, "out", "sink.parquet", "{\"path\": \"/out\"}", NULL);
  test_connect (pipeline, "src", "u");
  test_connect (pipeline, "u", "f");
  test_connect (pipeline, "f", "g");
  test_connect (pipeline, "g", "out");
  g_assert_null (test_find (validator, "f", "cycle"));

  back = flint_pipeline_connect (pipeline, "g", NULL, "u", NULL, NULL);
  g_assert_nonnull (back);

  d = test_find (validator, "u", "cycle");
  g_assert_nonnull (d);
  g_assert_cmpstr (flint_diagnostic_get_message (d), ==, "part of a cycle with 'f', 'g'");
  g_assert_nonnull (test_find (validator, "f", "cycle"));
  g_assert_nonnull (test_find (validator, "g", "cycle"));
  g_assert_null (test_find (validator, "src", "cycle"));
  g_assert_null (test_find (validator, "out", "cycle"));

  g_assert_true (flint_pipeline_disconnect (pipeline, back, NULL));
  g_assert_null (test_find (validator, "u", "cycle"));
  g_assert_null (test_find (validator, "g", "cycle"));
}

static void
test_duplicate_target (void)
{
  g_autoptr(FlintPipeline) pipeline = customer_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  FlintDiagnostic *d;
  FlintNode *second;

  second = test_add_node (pipeline, "out2", "sink.csv", "{\"path\": \"s3a://data/adults\"}", NULL);
  test_connect (pipeline, "adults", "out2");

  /* The same place with and without a trailing slash. */
  d = test_find (validator, "out", "duplicate-target");
  g_assert_nonnull (d);
  g_assert_cmpstr (flint_diagnostic_get_message (d), ==, "s3a://data/adults is also written by 'out2'");
  g_assert_nonnull (test_find (validator, "out2", "duplicate-target"));

  /* Moving one sink elsewhere clears both. */
  flint_node_set_string (second, "path", "s3a://data/adults_csv/");
  g_assert_null (test_find (validator, "out", "duplicate-target"));
  g_assert_null (test_find (validator, "out2", "duplicate-target"));

  /* Tables: a bare name resolves against the job's catalog defaults. */
  {
    FlintNode *t1 = test_add_node (pipeline, "t1", "sink.table", "{\"table\": \"main.analytics.adults\"}", NULL);
    FlintNode *t2 = test_add_node (pipeline, "t2", "sink.table", "{\"table\": \"adults\"}", NULL);

    test_connect (pipeline, "adults", "t1");
    test_connect (pipeline, "adults", "t2");
    g_assert_null (test_find (validator, "t1", "duplicate-target"));

    flint_pipeline_take_job_setting (pipeline, "catalog.name", json_node_init_string (json_node_alloc (), "main"));
    flint_pipeline_take_job_setting (pipeline, "catalog.schema", json_node_init_string (json_node_alloc (), "analytics"));
    g_assert_nonnull (test_find (validator, "t1", "duplicate-target"));
    g_assert_nonnull (test_find (validator, "t2", "duplicate-target"));

    flint_node_set_string (t1, "table", "main.analytics.minors");
    (void) t2;
    g_assert_null (test_find (validator, "t2", "duplicate-target"));
  }
}

static void
test_job_settings (void)
{
  g_autoptr(FlintPipeline) pipeline = customer_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *dump = NULL;

  flint_pipeline_take_job_setting (pipeline, "executer", json_from_string ("{\"instances\": 2}", NULL));
  flint_pipeline_take_job_setting (pipeline, "driver.cores", json_node_init_string (json_node_alloc (), "two"));
  flint_pipeline_take_job_setting (pipeline, "mode", json_node_init_string (json_node_alloc (), "batch"));

  all = flint_validator_dup_diagnostics (validator);
  dump = test_dump_diagnostics (all);
  g_assert_cmpstr (dump, ==,
                   "-|job.driver.cores|error|invalid-setting|job setting 'driver.cores' must be a whole number ≥ 1|-\n"
                   "-|job.executer|error|unknown-setting|unknown job setting 'executer'|did you mean 'executor'?\n");
}

/* Sets each top-level member of @json as a job setting. */
#define EXPECTED_BAD_SETTINGS \
  "-|job.driver.cores|error|invalid-setting|job setting 'driver.cores' must be at least 1|-\n" \
  "-|job.driver.memory|error|invalid-setting|job setting 'driver.memory' is '4gb', which Spark does not read as a memory size: use a number and k, m, g or t (512m, 4g)|write 4g\n" \
  "-|job.dynamic_allocation.min|error|invalid-setting|dynamic allocation min (5) is above its max (2)|-\n" \
  "-|job.environments.prod.executor.memory|error|invalid-setting|job setting 'environments.prod.executor.memory' is '8 GB', which Spark does not read as a memory size: use a number and k, m, g or t (512m, 4g)|write 8g\n" \
  "-|job.environments.prod.schedule.cron|error|invalid-setting|job setting 'environments.prod.schedule.cron' is not a valid cron expression (unknown @ shorthand): write five fields, minute hour day-of-month month day-of-week, as in \"0 2 * * *\"|-\n" \
  "-|job.environments.qa|error|invalid-setting|environment 'qa' must be a map of job settings|-\n" \
  "-|job.executor.memory|error|invalid-setting|job setting 'executor.memory' is 'lots', which Spark does not read as a memory size: use a number and k, m, g or t (512m, 4g)|-\n" \
  "-|job.notifications.on_start|error|invalid-setting|job setting 'notifications.on_start' has 'slack': use webhook:DESTINATION or an e-mail address|-\n" \
  "-|job.schedule.cron|error|invalid-setting|job setting 'schedule.cron' is not a valid cron expression (hour): write five fields, minute hour day-of-month month day-of-week, as in \"0 2 * * *\"|-\n" \
  "-|job.schedule.timezone|error|invalid-setting|job setting 'schedule.timezone': 'Mars/Olympus' is not a known time zone (use an IANA name such as UTC or Europe/Berlin)|-\n" \
  "-|job.secrets.DATABRICKS_TOKEN|error|invalid-setting|secret 'DATABRICKS_TOKEN' must be a reference NAME/KEY (a Kubernetes secret and key, a Databricks scope and key), never the value|-\n" \
  "-|job.targets.dbx.kind|error|invalid-setting|target 'dbx' has an unknown kind 'databrick': use one of local|kubernetes|databricks|spark_connect|did you mean 'databricks'?\n" \
  "-|job.targets.dev.image|error|unknown-setting|unknown setting 'image' for a local target|-\n" \
  "-|job.targets.k8s.image|error|missing-setting|Kubernetes target 'k8s' has no container image|set image on the target or the job, such as apache/spark:4.0.1\n" \
  "-|job.targets.k8s.namespace|error|invalid-setting|namespace 'Spark_Jobs' is not a Kubernetes name (lower-case letters, digits and '-')|-\n"

static void
set_job (FlintPipeline *pipeline,
         const char    *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = json_from_string (json, &error);
  g_autoptr(GList) members = NULL;

  g_assert_no_error (error);
  members = json_object_get_members (json_node_get_object (root));
  for (const GList *l = members; l; l = l->next)
    flint_pipeline_take_job_setting (pipeline, l->data,
                                     json_node_copy (json_object_get_member (json_node_get_object (root), l->data)));
}

static void
test_job_settings_values (void)
{
  g_autoptr(FlintPipeline) pipeline = customer_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *dump = NULL;

  /* What the example and DESIGN.md write is clean. */
  set_job (pipeline,
           "{\"spark_version\": \"4.0.1\", \"driver\": {\"cores\": 1, \"memory\": \"2g\"},"
           " \"executor\": {\"instances\": 4, \"cores\": 2, \"memory\": \"4096m\", \"memory_overhead\": \"512M\"},"
           " \"dynamic_allocation\": {\"enabled\": true, \"min\": 1, \"max\": 10},"
           " \"schedule\": {\"cron\": \"0 2 * * MON-FRI\", \"timezone\": \"UTC\"},"
           " \"notifications\": {\"on_failure\": [\"webhook:ops-alerts\", \"oncall@example.com\"]},"
           " \"secrets\": {\"AWS_ACCESS_KEY_ID\": \"aws-creds/access_key_id\"},"
           " \"targets\": {\"local\": {\"kind\": \"local\"},"
           "   \"prod\": {\"kind\": \"kubernetes\", \"context\": \"prod\", \"namespace\": \"spark\", \"image\": \"apache/spark:4.0.1\"},"
           "   \"dbx\": {\"kind\": \"databricks\", \"profile\": \"DEFAULT\", \"node_type\": \"i3.xlarge\", \"workers\": 4},"
           "   \"connect\": {\"kind\": \"spark_connect\", \"url\": \"sc://localhost:15002\"}},"
           " \"environments\": {\"prod\": {\"executor\": {\"instances\": 10}, \"targets\": {\"prod\": {\"namespace\": \"spark-prod\"}}}}}");
  all = flint_validator_dup_diagnostics (validator);
  dump = test_dump_diagnostics (all);
  g_assert_cmpstr (dump, ==, "");
  g_clear_pointer (&all, g_ptr_array_unref);
  g_clear_pointer (&dump, g_free);

  /* Each mistake names its setting, inside environments and targets too. */
  set_job (pipeline,
           "{\"driver\": {\"cores\": 0, \"memory\": \"4gb\"},"
           " \"executor\": {\"memory\": \"lots\"},"
           " \"dynamic_allocation\": {\"enabled\": true, \"min\": 5, \"max\": 2},"
           " \"schedule\": {\"cron\": \"0 25 * * *\", \"timezone\": \"Mars/Olympus\"},"
           " \"notifications\": {\"on_start\": [\"slack\"]},"
           " \"secrets\": {\"DATABRICKS_TOKEN\": \"dapi0123456789abcdef\"},"
           " \"targets\": {\"k8s\": {\"kind\": \"kubernetes\", \"namespace\": \"Spark_Jobs\"},"
           "   \"dbx\": {\"kind\": \"databrick\"},"
           "   \"dev\": {\"kind\": \"local\", \"image\": \"x\"}},"
           " \"environments\": {\"prod\": {\"executor\": {\"memory\": \"8 GB\"}, \"schedule\": {\"cron\": \"@sometimes\"}},"
           "   \"qa\": 3}}");
  all = flint_validator_dup_diagnostics (validator);
  dump = test_dump_diagnostics (all);
  g_test_message ("%s", dump);
  g_assert_cmpstr (dump, ==, EXPECTED_BAD_SETTINGS);
}

static void
test_streaming (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  FlintNode *agg;
  FlintDiagnostic *d;

  test_add_node (pipeline, "clicks", "source.kafka",
                 "{\"bootstrap_servers\": \"kafka:9092\", \"subscribe\": \"clicks\"}", NULL);
  test_add_node (pipeline, "parsed", "transform.derive",
                 "{\"columns\": [{\"name\": \"page\", \"expr\": \"cast(value as string)\"}]}", NULL);
  agg = test_add_node (pipeline, "counts", "transform.aggregate",
                       "{\"group_by\": [\"page\"], \"aggregations\": [{\"name\": \"n\", \"expr\": \"count(*)\"}]}", NULL);
  test_add_node (pipeline, "out", "sink.delta",
                 "{\"path\": \"/delta/counts\", \"checkpoint_location\": \"/chk/counts\"}", NULL);
  test_connect (pipeline, "clicks", "parsed");
  test_connect (pipeline, "parsed", "counts");
  test_connect (pipeline, "counts", "out");

  /* In a batch job Kafka is read as a bounded batch: the stream rules do not apply. */
  g_assert_null (test_find (validator, "out", "append-without-watermark"));

  flint_pipeline_take_job_setting (pipeline, "mode", json_node_init_string (json_node_alloc (), "streaming"));
  g_assert_true (flint_flow_is_streaming (flint_validator_get_output (validator, "clicks", NULL)));

  d = test_find (validator, "out", "append-without-watermark");
  g_assert_nonnull (d);
  g_assert_cmpint (flint_diagnostic_get_severity (d), ==, FLINT_SEVERITY_ERROR);

  /* Complete mode is fine without a watermark; Delta takes no update mode at all. */
  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "out"), "output_mode", "complete");
  g_assert_null (test_find (validator, "out", "append-without-watermark"));
  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "out"), "output_mode", "update");
  g_assert_nonnull (test_find (validator, "out", "unsupported-output-mode"));
  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "out"), "output_mode", "append");
  g_assert_nonnull (test_find (validator, "out", "append-without-watermark"));
  g_assert_null (test_find (validator, "out", "unsupported-output-mode"));

  /* A watermark before the aggregation is not enough while the aggregation does not group
   * by the event time: Spark would keep every group forever and refuse append. */
  flint_pipeline_disconnect (pipeline, g_ptr_array_index (flint_pipeline_get_node_inputs (pipeline, agg), 0), NULL);
  test_add_node (pipeline, "wm", "transform.watermark", "{\"column\": \"timestamp\", \"delay\": \"10 minutes\"}", NULL);
  test_connect (pipeline, "parsed", "wm");
  test_connect (pipeline, "wm", "counts");
  g_assert_nonnull (test_find (validator, "out", "append-without-watermark"));

  /* Grouping by the watermarked column makes append legal ... */
  flint_node_take_param (agg, "group_by", json_from_string ("[\"page\", \"timestamp\"]", NULL));
  g_assert_null (test_find (validator, "out", "append-without-watermark"));
  g_assert_true (flint_flow_is_watermarked (flint_validator_get_output (validator, "counts", NULL)));

  /* ... and so does grouping by a window over it, derived in between. */
  flint_pipeline_disconnect (pipeline, g_ptr_array_index (flint_pipeline_get_node_inputs (pipeline, agg), 0), NULL);
  test_add_node (pipeline, "slots", "transform.derive",
                 "{\"columns\": [{\"name\": \"slot\", \"expr\": \"window(timestamp, '5 minutes')\"}]}", NULL);
  test_connect (pipeline, "wm", "slots");
  test_connect (pipeline, "slots", "counts");
  flint_node_take_param (agg, "group_by", json_from_string ("[\"slot\", \"page\"]", NULL));
  g_assert_null (test_find (validator, "out", "append-without-watermark"));
  {
    const char * const *event_time = flint_flow_get_event_time (flint_validator_get_output (validator, "slots", NULL));
    g_assert_cmpstr (event_time[0], ==, "timestamp");
    g_assert_cmpstr (event_time[1], ==, "slot");
    g_assert_null (event_time[2]);
  }
  {
    FlintSchema *schema = flint_flow_get_schema (flint_validator_get_output (validator, "slots", NULL));
    g_autofree char *type = flint_data_type_to_string (flint_schema_lookup (schema, "slot")->type);
    g_assert_cmpstr (type, ==, "struct<start:timestamp,end:timestamp>");
  }

  /* A streaming sink needs a checkpoint. */
  flint_node_take_param (flint_pipeline_lookup_node (pipeline, "out"), "checkpoint_location", NULL);
  g_assert_nonnull (test_find (validator, "out", "missing-checkpoint"));
}

static void
test_not_streamable (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  const FlintNodeKind *sort = flint_catalog_lookup (flint_catalog_get_default (), "transform.sort");

  flint_pipeline_take_job_setting (pipeline, "mode", json_node_init_string (json_node_alloc (), "streaming"));
  test_add_node (pipeline, "events", "source.json", "{\"path\": \"/in/events\"}", "ts timestamp, v int");
  test_add_node (pipeline, "sorted", "transform.sort", "{\"order_by\": [{\"column\": \"ts\"}]}", NULL);
  test_add_node (pipeline, "out", "sink.console", NULL, NULL);
  test_connect (pipeline, "events", "sorted");
  test_connect (pipeline, "sorted", "out");

  if (sort->modes & FLINT_MODE_STREAMING)
    {
      g_test_skip ("the catalog lets sort run on streams");
      return;
    }
  g_assert_nonnull (test_find (validator, "sorted", "not-streamable"));
  g_assert_null (test_find (validator, "events", "not-streamable"));
}

static void
test_incremental_scope (void)
{
  g_autoptr(FlintPipeline) pipeline = new_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  char id[32], prev[32];

  test_add_node (pipeline, "n0", "source.parquet", "{\"path\": \"/p\"}", "x int");
  for (guint i = 1; i < 50; i++)
    {
      g_snprintf (id, sizeof id, "n%u", i);
      g_snprintf (prev, sizeof prev, "n%u", i - 1);
      test_add_node (pipeline, id, "transform.filter", "{\"condition\": \"x > 0\"}", NULL);
      test_connect (pipeline, prev, id);
    }
  g_assert_cmpuint (flint_validator_update (validator), ==, 50);
  g_assert_cmpuint (flint_validator_update (validator), ==, 0);

  /* A leaf edit re-validates one node; a root edit, everything downstream. */
  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "n49"), "condition", "x > 2");
  g_assert_cmpuint (flint_validator_update (validator), ==, 1);
  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "n40"), "condition", "x > 2");
  g_assert_cmpuint (flint_validator_update (validator), ==, 10);
  flint_node_set_position (flint_pipeline_lookup_node (pipeline, "n10"), 5, 5);
  g_assert_cmpuint (flint_validator_update (validator), ==, 0);
}

/* Random edits: after every one, the incremental result equals a full validation. {{{ */

static const char *kinds[] = {
  "source.parquet", "source.csv", "source.kafka", "transform.filter", "transform.derive",
  "transform.join", "transform.aggregate", "transform.union", "transform.select", "transform.watermark",
  "transform.deduplicate", "transform.sort", "transform.sql", "sink.parquet", "sink.delta", "sink.table",
  "sink.console",
};

static const char *conditions[] = { "x > 1", "y = 'a'", "xx > 1", "x + 1", "ts is not null", "(x", "amount > 0" };
static const char *paths[] = { "/out/a", "/out/a/", "/out/b", "s3a://b/c" };
static const char *tables[] = { "t", "main.s.t", "s.t", "other" };

static void
random_params (GRand     *rand,
               FlintNode *node)
{
  const char *kind = flint_node_get_kind_id (node);

  if (g_str_equal (kind, "transform.filter"))
    flint_node_set_string (node, "condition", conditions[g_rand_int_range (rand, 0, G_N_ELEMENTS (conditions))]);
  else if (g_str_has_prefix (kind, "source.") && !g_str_equal (kind, "source.kafka"))
    flint_node_set_string (node, "path", paths[g_rand_int_range (rand, 0, G_N_ELEMENTS (paths))]);
  else if (g_str_equal (kind, "source.kafka"))
    {
      flint_node_set_string (node, "bootstrap_servers", "k:9092");
      flint_node_set_string (node, "subscribe", "t");
    }
  else if (g_str_equal (kind, "sink.table"))
    flint_node_set_string (node, "table", tables[g_rand_int_range (rand, 0, G_N_ELEMENTS (tables))]);
  else if (g_str_has_prefix (kind, "sink.") && !g_str_equal (kind, "sink.console"))
    flint_node_set_string (node, "path", paths[g_rand_int_range (rand, 0, G_N_ELEMENTS (paths))]);
  else if (g_str_equal (kind, "transform.derive"))
    flint_node_take_param (node, "columns",
                           json_from_string (g_rand_boolean (rand)
                                             ? "[{\"name\": \"y\", \"expr\": \"x * 2\"}, {\"name\": \"z\", \"expr\": \"y + 1\"}]"
                                             : "[{\"name\": \"x\", \"expr\": \"cast(x as string)\"}]", NULL));
  else if (g_str_equal (kind, "transform.join"))
    flint_node_take_param (node, "keys", json_from_string ("[{\"left\": \"x\", \"right\": \"x\"}]", NULL));
  else if (g_str_equal (kind, "transform.aggregate"))
    flint_node_take_param (node, "aggregations",
                           json_from_string ("[{\"name\": \"n\", \"expr\": \"count(*)\"}, {\"name\": \"s\", \"expr\": \"sum(x)\"}]", NULL));
  else if (g_str_equal (kind, "transform.watermark"))
    {
      flint_node_set_string (node, "column", g_rand_boolean (rand) ? "ts" : "x");
      flint_node_set_string (node, "delay", "5 minutes");
    }
  else if (g_str_equal (kind, "transform.sql"))
    flint_node_set_string (node, "query", g_rand_boolean (rand) ? "SELECT * FROM n1" : "SELECT x FROM n3 JOIN n4 USING (x)");
  else if (g_str_equal (kind, "transform.select"))
    flint_node_take_param (node, "columns", json_from_string ("[{\"column\": \"x\", \"as\": \"y\"}, {\"column\": \"x\"}]", NULL));
}

static FlintNode *
random_node (FlintPipeline *pipeline,
             GRand         *rand)
{
  GListModel *nodes = flint_pipeline_get_nodes (pipeline);
  guint n = g_list_model_get_n_items (nodes);
  g_autoptr(FlintNode) node = NULL;

  if (n == 0)
    return NULL;
  node = g_list_model_get_item (nodes, g_rand_int_range (rand, 0, n));
  return node;  /* the pipeline still holds it */
}

static void
random_edit (FlintPipeline *pipeline,
             GRand         *rand,
             guint         *counter)
{
  guint op = g_rand_int_range (rand, 0, 100);

  if (op < 25 || flint_pipeline_get_n_nodes (pipeline) < 3)
    {
      const char *kind_id = kinds[g_rand_int_range (rand, 0, G_N_ELEMENTS (kinds))];
      const FlintNodeKind *kind = flint_catalog_lookup (flint_catalog_get_default (), kind_id);
      g_autofree char *id = g_strdup_printf ("n%u", (*counter)++);
      g_autoptr(FlintNode) node = flint_node_new (id, kind);

      if (kind->category == FLINT_NODE_CATEGORY_SOURCE && !g_str_equal (kind_id, "source.kafka") && g_rand_boolean (rand))
        {
          g_autoptr(FlintSchema) schema = flint_schema_new ();
          g_autoptr(FlintDataType) it = flint_data_type_parse ("int", NULL);
          g_autoptr(FlintDataType) st = flint_data_type_parse ("string", NULL);
          g_autoptr(FlintDataType) ts = flint_data_type_parse ("timestamp", NULL);

          flint_schema_append (schema, "x", g_rand_boolean (rand) ? it : st, TRUE);
          flint_schema_append (schema, "ts", ts, TRUE);
          flint_node_set_schema (node, schema);
        }
      random_params (rand, node);
      g_assert_true (flint_pipeline_add_node (pipeline, node, NULL));
    }
  else if (op < 55)
    {
      FlintNode *a = random_node (pipeline, rand);
      FlintNode *b = random_node (pipeline, rand);
      const FlintNodeKind *kb = flint_node_get_kind (b);
      const char *port = NULL;

      if (kb->inputs->len > 1)
        port = ((FlintPortSpec *) g_ptr_array_index (kb->inputs, g_rand_int_range (rand, 0, kb->inputs->len)))->name;
      /* Refusals (full inputs, sinks as sources) are part of the game. */
      flint_pipeline_connect (pipeline, flint_node_get_id (a), NULL, flint_node_get_id (b), port, NULL);
    }
  else if (op < 65)
    {
      GListModel *edges = flint_pipeline_get_edges (pipeline);
      guint n = g_list_model_get_n_items (edges);

      if (n > 0)
        {
          g_autoptr(FlintEdge) edge = g_list_model_get_item (edges, g_rand_int_range (rand, 0, n));
          g_assert_true (flint_pipeline_disconnect (pipeline, edge, NULL));
        }
    }
  else if (op < 85)
    random_params (rand, random_node (pipeline, rand));
  else if (op < 93)
    {
      FlintNode *node = random_node (pipeline, rand);
      GPtrArray *ins = flint_pipeline_get_node_inputs (pipeline, node);
      GPtrArray *outs = flint_pipeline_get_node_outputs (pipeline, node);

      while (ins->len > 0)
        g_assert_true (flint_pipeline_disconnect (pipeline, g_ptr_array_index (ins, 0), NULL));
      while (outs->len > 0)
        g_assert_true (flint_pipeline_disconnect (pipeline, g_ptr_array_index (outs, 0), NULL));
      g_assert_true (flint_pipeline_remove_node (pipeline, node, NULL));
    }
  else if (op < 97)
    flint_pipeline_take_job_setting (pipeline, "mode",
                                     json_node_init_string (json_node_alloc (), g_rand_boolean (rand) ? "streaming" : "batch"));
  else
    flint_pipeline_take_job_setting (pipeline, "catalog.schema",
                                     g_rand_boolean (rand) ? json_node_init_string (json_node_alloc (), "s") : NULL);
}

static void
test_incremental_equals_full (void)
{
  for (guint seed = 1; seed <= 8; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autoptr(FlintPipeline) pipeline = new_pipeline ();
      g_autoptr(FlintValidator) live = flint_validator_new (pipeline);
      guint counter = 0;

      for (guint step = 0; step < 300; step++)
        {
          g_autoptr(FlintValidator) fresh = NULL;
          g_autoptr(GPtrArray) a = NULL;
          g_autoptr(GPtrArray) b = NULL;
          g_autofree char *da = NULL;
          g_autofree char *db = NULL;

          random_edit (pipeline, rand, &counter);

          /* Reading only now and then lets several edits pile up between updates. */
          if (g_rand_int_range (rand, 0, 3) != 0 && step != 299)
            continue;

          a = flint_validator_dup_diagnostics (live);
          fresh = flint_validator_new (pipeline);
          b = flint_validator_dup_diagnostics (fresh);
          da = test_dump_diagnostics (a);
          db = test_dump_diagnostics (b);

          if (g_strcmp0 (da, db) != 0)
            g_test_message ("seed %u, step %u", seed, step);
          g_assert_cmpstr (da, ==, db);

          /* The flows agree too. */
          for (guint i = 0; i < flint_pipeline_get_n_nodes (pipeline); i++)
            {
              g_autoptr(FlintNode) node = g_list_model_get_item (flint_pipeline_get_nodes (pipeline), i);
              FlintFlow *fa = flint_validator_get_output (live, flint_node_get_id (node), NULL);
              FlintFlow *fb = flint_validator_get_output (fresh, flint_node_get_id (node), NULL);

              g_assert_true ((fa == NULL) == (fb == NULL));
              if (fa != NULL)
                g_assert_true (flint_flow_equal (fa, fb));
            }
        }
    }
}

/* }}} */

static void
count_changes (FlintValidator *validator,
               const char     *node_id,
               GPtrArray      *seen)
{
  g_ptr_array_add (seen, g_strdup (node_id));
}

static void
test_signals (void)
{
  g_autoptr(FlintPipeline) pipeline = customer_pipeline ();
  g_autoptr(FlintValidator) validator = flint_validator_new (pipeline);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);

  flint_validator_update (validator);
  g_signal_connect (validator, "node-diagnostics-changed", G_CALLBACK (count_changes), seen);

  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "adults"), "condition", "agee > 1");
  flint_validator_update (validator);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, "adults");

  /* A change that leaves the diagnostics as they were says nothing. */
  flint_node_set_string (flint_pipeline_lookup_node (pipeline, "adults"), "condition", "agee > 2");
  flint_validator_update (validator);
  g_assert_cmpuint (seen->len, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validator/clean", test_clean);
  g_test_add_func ("/validator/unknown-column", test_unknown_column);
  g_test_add_func ("/validator/condition-type", test_condition_type);
  g_test_add_func ("/validator/params", test_params);
  g_test_add_func ("/validator/secret-literal", test_secret_literal);
  g_test_add_func ("/validator/unconnected", test_unconnected);
  g_test_add_func ("/validator/unused-source", test_unused_source);
  g_test_add_func ("/validator/cycle", test_cycle);
  g_test_add_func ("/validator/duplicate-target", test_duplicate_target);
  g_test_add_func ("/validator/job-settings", test_job_settings);
  g_test_add_func ("/validator/job-settings-values", test_job_settings_values);
  g_test_add_func ("/validator/streaming", test_streaming);
  g_test_add_func ("/validator/not-streamable", test_not_streamable);
  g_test_add_func ("/validator/incremental-scope", test_incremental_scope);
  g_test_add_func ("/validator/incremental-equals-full", test_incremental_equals_full);
  g_test_add_func ("/validator/signals", test_signals);

  return g_test_run ();
}
