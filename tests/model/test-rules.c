/* test-rules.c: what each kind does to its columns, and what only it checks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "flint-model.h"
#include "test-util.h"

typedef struct
{
  FlintPipeline  *pipeline;
  FlintValidator *validator;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->pipeline = flint_pipeline_new (flint_catalog_get_default ());
  f->validator = flint_validator_new (f->pipeline);

  test_add_node (f->pipeline, "people", "source.parquet", "{\"path\": \"/in/people\"}",
                 "id long, name string, age int, score double, tags array<string>, "
                 "address struct<city:string,zip:string>, born date, seen timestamp");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->validator);
  g_clear_object (&f->pipeline);
}

/* Adds @kind_id after people (or after @from) with a sink after it, and returns the
 * schema it outputs as text ("NULL" when unknown). */
static char *
output_of (Fixture    *f,
           const char *from,
           const char *kind_id,
           const char *params)
{
  FlintFlow *flow;

  test_add_node (f->pipeline, "t", kind_id, params, NULL);
  test_add_node (f->pipeline, "out", "sink.console", NULL, NULL);
  test_connect (f->pipeline, from ? from : "people", "t");
  test_connect (f->pipeline, "t", "out");

  flow = flint_validator_get_output (f->validator, "t", NULL);
  g_assert_nonnull (flow);
  if (flint_flow_get_schema (flow) == NULL)
    return g_strdup ("NULL");
  return flint_schema_to_string (flint_flow_get_schema (flow));
}

static char *
errors_of (Fixture    *f,
           const char *node_id)
{
  return test_dump_diagnostics (flint_validator_get_node_diagnostics (f->validator, node_id));
}

static void
test_select (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *schema = output_of (f, NULL, "transform.select",
                                       "{\"columns\": [{\"column\": \"id\"}, {\"column\": \"age\", \"as\": \"years\", \"cast\": \"long\"},"
                                       " {\"column\": \"Name\", \"as\": \"full_name\"}]}");
  g_autofree char *errors = NULL;

  g_assert_cmpstr (schema, ==, "id long, years long, full_name string");

  flint_node_take_param (flint_pipeline_lookup_node (f->pipeline, "t"), "columns",
                         json_from_string ("[{\"column\": \"idd\"}]", NULL));
  errors = errors_of (f, "t");
  g_assert_cmpstr (errors, ==, "t|params.columns.0.column|error|unknown-column|unknown column 'idd'|did you mean 'id'?\n");
}

static void
test_derive_chain (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *schema = output_of (f, NULL, "transform.derive",
                                       "{\"columns\": [{\"name\": \"age2\", \"expr\": \"age * 2\"},"
                                       " {\"name\": \"age3\", \"expr\": \"age2 + 1\"},"
                                       " {\"name\": \"age\", \"expr\": \"cast(age as string)\"},"
                                       " {\"name\": \"city\", \"expr\": \"upper(address.city)\"}]}");
  g_autofree char *errors = errors_of (f, "t");

  /* Later expressions see earlier columns; a replaced column keeps its place. */
  g_assert_cmpstr (schema, ==,
                   "id long, name string, age string, score double, tags array<string>, "
                   "address struct<city:string,zip:string>, born date, seen timestamp, "
                   "age2 int, age3 int, city string");
  g_assert_cmpstr (errors, ==, "");

  flint_node_take_param (flint_pipeline_lookup_node (f->pipeline, "t"), "columns",
                         json_from_string ("[{\"name\": \"c\", \"expr\": \"address.cty\"}]", NULL));
  g_free (errors);
  errors = errors_of (f, "t");
  g_assert_cmpstr (errors, ==,
                   "t|params.columns.0.expr|error|unknown-column|unknown field 'cty' in 'address.cty'|did you mean 'city'?\n");
}

static void
test_drop (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *schema = output_of (f, NULL, "transform.drop", "{\"columns\": [\"tags\", \"address\", \"born\", \"seen\"]}");

  g_assert_cmpstr (schema, ==, "id long, name string, age int, score double");
}

static void
add_orders (Fixture *f)
{
  test_add_node (f->pipeline, "orders", "source.parquet", "{\"path\": \"/in/orders\"}",
                 "order_id long, id long, amount decimal(10,2), person string");
}

static void
test_join_using (Fixture       *f,
                 gconstpointer  data)
{
  FlintFlow *flow;
  g_autofree char *schema = NULL;

  add_orders (f);
  test_add_node (f->pipeline, "j", "transform.join", "{\"keys\": [{\"left\": \"id\", \"right\": \"id\"}], \"how\": \"left\"}", NULL);
  test_add_node (f->pipeline, "out", "sink.console", NULL, NULL);
  test_connect (f->pipeline, "orders", "j.left");
  test_connect (f->pipeline, "people", "j.right");
  test_connect (f->pipeline, "j", "out");

  flow = flint_validator_get_output (f->validator, "j", NULL);
  schema = flint_schema_to_string (flint_flow_get_schema (flow));
  /* Keys of one name are joined "using" them: one copy stays. */
  g_assert_cmpstr (schema, ==,
                   "order_id long, id long, amount decimal(10,2), person string, name string, age int, score double, "
                   "tags array<string>, address struct<city:string,zip:string>, born date, seen timestamp");
  /* The right side of a left join may be null. */
  g_assert_true (flint_schema_lookup (flint_flow_get_schema (flow), "age")->nullable);
  g_assert_cmpuint (flint_validator_get_node_diagnostics (f->validator, "j")->len, ==, 0);

  /* Semi joins keep the left side only. */
  flint_node_set_string (flint_pipeline_lookup_node (f->pipeline, "j"), "how", "semi");
  g_free (schema);
  schema = flint_schema_to_string (flint_flow_get_schema (flint_validator_get_output (f->validator, "j", NULL)));
  g_assert_cmpstr (schema, ==, "order_id long, id long, amount decimal(10,2), person string");
}

static void
test_join_checks (Fixture       *f,
                  gconstpointer  data)
{
  FlintNode *j;
  g_autofree char *errors = NULL;

  add_orders (f);
  j = test_add_node (f->pipeline, "j", "transform.join",
                     "{\"keys\": [{\"left\": \"person\", \"right\": \"born\"}]}", NULL);
  test_add_node (f->pipeline, "out", "sink.console", NULL, NULL);
  test_connect (f->pipeline, "orders", "j.left");
  test_connect (f->pipeline, "people", "j.right");
  test_connect (f->pipeline, "j", "out");

  g_assert_nonnull (test_find (f->validator, "j", "join-key-types"));
  g_assert_cmpint (flint_diagnostic_get_severity (test_find (f->validator, "j", "join-key-types")), ==,
                   FLINT_SEVERITY_ERROR);

  /* string = long goes through an implicit cast: a warning, not an error. */
  flint_node_take_param (j, "keys", json_from_string ("[{\"left\": \"person\", \"right\": \"id\"}]", NULL));
  g_assert_cmpint (flint_diagnostic_get_severity (test_find (f->validator, "j", "join-key-types")), ==,
                   FLINT_SEVERITY_WARNING);

  /* A condition, with the sides named left and right; the output has two 'id's. */
  flint_node_take_param (j, "keys", NULL);
  flint_node_set_string (j, "condition", "left.id = right.id AND right.age > 18");
  errors = errors_of (f, "j");
  g_assert_cmpstr (errors, ==,
                   "j|-|error|duplicate-column|the output has two columns named 'id'|"
                   "rename one of them; Spark cannot tell them apart later\n");

  flint_node_set_string (j, "condition", "left.id = right.idd");
  g_assert_nonnull (test_find (f->validator, "j", "unknown-column"));
  g_assert_cmpstr (flint_diagnostic_get_hint (test_find (f->validator, "j", "unknown-column")), ==, "did you mean 'id'?");

  /* Neither keys nor condition. */
  flint_node_take_param (j, "condition", NULL);
  g_assert_nonnull (test_find (f->validator, "j", "missing-param"));
  flint_node_set_string (j, "how", "cross");
  g_assert_null (test_find (f->validator, "j", "missing-param"));
}

static void
test_aggregate (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *schema = output_of (f, NULL, "transform.aggregate",
                                       "{\"group_by\": [\"name\"], \"aggregations\": ["
                                       "{\"name\": \"n\", \"expr\": \"count(*)\"},"
                                       "{\"name\": \"total_age\", \"expr\": \"sum(age)\"},"
                                       "{\"name\": \"avg_score\", \"expr\": \"avg(score)\"},"
                                       "{\"name\": \"oldest\", \"expr\": \"max(born)\"}]}");

  g_assert_cmpstr (schema, ==, "name string, n long, total_age long, avg_score double, oldest date");
  g_assert_cmpuint (flint_validator_get_node_diagnostics (f->validator, "t")->len, ==, 0);

  /* A column neither grouped nor aggregated. */
  flint_node_take_param (flint_pipeline_lookup_node (f->pipeline, "t"), "aggregations",
                         json_from_string ("[{\"name\": \"a\", \"expr\": \"age + 1\"}]", NULL));
  g_assert_nonnull (test_find (f->validator, "t", "not-aggregated"));
  g_assert_cmpstr (flint_diagnostic_get_message (test_find (f->validator, "t", "not-aggregated")), ==,
                   "'age' is neither grouped nor aggregated");
}

static void
test_window (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *schema = output_of (f, NULL, "transform.window",
                                       "{\"partition_by\": [\"name\"], \"functions\": [{\"name\": \"rn\", \"expr\": \"row_number()\"}]}");

  g_assert_nonnull (test_find (f->validator, "t", "window-needs-order"));
  flint_node_take_param (flint_pipeline_lookup_node (f->pipeline, "t"), "order_by",
                         json_from_string ("[{\"column\": \"seen\", \"direction\": \"desc\"}]", NULL));
  g_assert_null (test_find (f->validator, "t", "window-needs-order"));
  g_assert_nonnull (strstr (schema, "rn "));
}

static void
test_union (Fixture       *f,
            gconstpointer  data)
{
  FlintNode *u;
  FlintFlow *flow;
  g_autofree char *schema = NULL;

  test_add_node (f->pipeline, "a", "source.csv", "{\"path\": \"/a\"}", "id int, name string");
  test_add_node (f->pipeline, "b", "source.csv", "{\"path\": \"/b\"}", "name string, id long");
  u = test_add_node (f->pipeline, "u", "transform.union", NULL, NULL);
  test_add_node (f->pipeline, "out", "sink.console", NULL, NULL);
  test_connect (f->pipeline, "a", "u");
  test_connect (f->pipeline, "b", "u");
  test_connect (f->pipeline, "u", "out");

  /* By name: the order differs, the types widen. */
  flow = flint_validator_get_output (f->validator, "u", NULL);
  schema = flint_schema_to_string (flint_flow_get_schema (flow));
  g_assert_cmpstr (schema, ==, "id long, name string");
  g_assert_null (test_find (f->validator, "u", "union-mismatch"));

  /* By position: id int against name string cannot line up. */
  flint_node_take_param (u, "by_name", json_node_init_boolean (json_node_alloc (), FALSE));
  g_assert_nonnull (test_find (f->validator, "u", "union-mismatch"));

  /* A third input missing a column. */
  flint_node_take_param (u, "by_name", NULL);
  test_add_node (f->pipeline, "c", "source.csv", "{\"path\": \"/c\"}", "id int");
  test_connect (f->pipeline, "c", "u");
  g_assert_cmpstr (flint_diagnostic_get_message (test_find (f->validator, "u", "union-mismatch")), ==,
                   "column 'name' of input 1 is missing from input 3");
  flint_node_take_param (u, "allow_missing_columns", json_node_init_boolean (json_node_alloc (), TRUE));
  g_assert_null (test_find (f->validator, "u", "union-mismatch"));
}

static void
test_explode (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *schema = output_of (f, NULL, "transform.explode",
                                       "{\"column\": \"tags\", \"as\": \"tag\", \"position\": true}");

  g_assert_cmpstr (schema, ==,
                   "id long, name string, age int, score double, tags array<string>, "
                   "address struct<city:string,zip:string>, born date, seen timestamp, pos int, tag string");

  flint_node_set_string (flint_pipeline_lookup_node (f->pipeline, "t"), "column", "age");
  g_assert_cmpstr (flint_diagnostic_get_message (test_find (f->validator, "t", "not-explodable")), ==,
                   "'age' is int, not an array or a map");
}

static void
test_pivot (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *schema = output_of (f, NULL, "transform.pivot",
                                       "{\"group_by\": [\"name\"], \"pivot_column\": \"age\", \"values\": [\"18\", \"65\"],"
                                       " \"aggregations\": [{\"name\": \"s\", \"expr\": \"sum(score)\"}, {\"name\": \"n\", \"expr\": \"count(*)\"}]}");

  g_assert_cmpstr (schema, ==, "name string, `18_s` double, `18_n` long, `65_s` double, `65_n` long");
}

static void
test_sql_tables (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *schema = output_of (f, NULL, "transform.sql",
                                       "{\"query\": \"SELECT name, count(*) AS n FROM people GROUP BY name\"}");

  g_assert_cmpstr (schema, ==, "NULL");
  g_assert_null (test_find (f->validator, "t", "unknown-table"));

  flint_node_set_string (flint_pipeline_lookup_node (f->pipeline, "t"), "query",
                         "WITH x AS (SELECT * FROM people) SELECT * FROM x JOIN peple USING (id)");
  g_assert_cmpstr (flint_diagnostic_get_message (test_find (f->validator, "t", "unknown-table")), ==,
                   "the query reads 'peple', which is not one of its inputs");
  g_assert_cmpstr (flint_diagnostic_get_hint (test_find (f->validator, "t", "unknown-table")), ==, "people");
}

static void
test_quality (Fixture       *f,
              gconstpointer  data)
{
  FlintFlow *quarantine;
  g_autofree char *schema = NULL;

  g_free (output_of (f, NULL, "transform.quality",
                     "{\"expectations\": [{\"name\": \"adult\", \"column\": \"age\", \"rule\": \"in_range\", \"min\": 18},"
                     " {\"name\": \"named\", \"column\": \"name\", \"rule\": \"matches\", \"pattern\": \"([a-z\"}],"
                     " \"on_failure\": \"quarantine\"}"));

  g_assert_nonnull (test_find (f->validator, "t", "invalid-pattern"));
  quarantine = flint_validator_get_output (f->validator, "t", "quarantine");
  schema = flint_schema_to_string (flint_flow_get_schema (quarantine));
  g_assert_true (g_str_has_suffix (schema, "seen timestamp, failed_expectations array<string>"));

  /* A quarantine output that nothing feeds. */
  test_add_node (f->pipeline, "bad", "sink.console", NULL, NULL);
  test_connect (f->pipeline, "t.quarantine", "bad");
  g_assert_null (test_find (f->validator, "t", "quarantine-unused"));
  flint_node_set_string (flint_pipeline_lookup_node (f->pipeline, "t"), "on_failure", "drop");
  g_assert_nonnull (test_find (f->validator, "t", "quarantine-unused"));
}

static void
test_watermark_type (Fixture       *f,
                     gconstpointer  data)
{
  flint_pipeline_take_job_setting (f->pipeline, "mode", json_node_init_string (json_node_alloc (), "streaming"));
  g_free (output_of (f, NULL, "transform.watermark", "{\"column\": \"born\", \"delay\": \"10 minutes\"}"));

  g_assert_cmpstr (flint_diagnostic_get_message (test_find (f->validator, "t", "watermark-type")), ==,
                   "the event time 'born' is date, not a timestamp");
  flint_node_set_string (flint_pipeline_lookup_node (f->pipeline, "t"), "column", "seen");
  g_assert_null (test_find (f->validator, "t", "watermark-type"));
  g_assert_true (flint_flow_is_watermarked (flint_validator_get_output (f->validator, "t", NULL)));

  flint_node_set_string (flint_pipeline_lookup_node (f->pipeline, "t"), "delay", "ten minutes");
  g_assert_nonnull (test_find (f->validator, "t", "invalid-interval"));
  flint_node_set_string (flint_pipeline_lookup_node (f->pipeline, "t"), "delay", "1 hour 30 minutes");
  g_assert_null (test_find (f->validator, "t", "invalid-interval"));
}

static void
test_fixed_sources (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *kafka = NULL;
  g_autofree char *text = NULL;
  g_autofree char *rows = NULL;

  flint_pipeline_take_job_setting (f->pipeline, "mode", json_node_init_string (json_node_alloc (), "streaming"));
  test_add_node (f->pipeline, "k", "source.kafka", "{\"bootstrap_servers\": \"b:9092\", \"subscribe\": \"t\"}", NULL);
  test_add_node (f->pipeline, "x", "source.text", "{\"path\": \"/logs\"}", NULL);
  kafka = flint_schema_to_string (flint_flow_get_schema (flint_validator_get_output (f->validator, "k", NULL)));
  text = flint_schema_to_string (flint_flow_get_schema (flint_validator_get_output (f->validator, "x", NULL)));
  g_assert_cmpstr (kafka, ==,
                   "key binary, value binary, topic string, partition int, offset long, timestamp timestamp, timestampType int");
  g_assert_cmpstr (text, ==, "value string");
  g_assert_true (flint_flow_is_streaming (flint_validator_get_output (f->validator, "k", NULL)));

  /* A file stream without a declared schema. */
  test_add_node (f->pipeline, "j", "source.json", "{\"path\": \"/in\"}", NULL);
  g_assert_nonnull (test_find (f->validator, "j", "stream-needs-schema"));

  flint_pipeline_take_job_setting (f->pipeline, "mode", NULL);
  test_add_node (f->pipeline, "gen", "source.rows",
                 "{\"count\": 10, \"columns\": [{\"name\": \"even\", \"expr\": \"id % 2 = 0\"}, {\"name\": \"label\", \"expr\": \"concat('row ', id)\"}]}", NULL);
  rows = flint_schema_to_string (flint_flow_get_schema (flint_validator_get_output (f->validator, "gen", NULL)));
  g_assert_cmpstr (rows, ==, "id long, even boolean, label string");
  g_assert_null (test_find (f->validator, "gen", "missing-param"));
}

static void
test_sinks (Fixture       *f,
            gconstpointer  data)
{
  FlintNode *kafka, *delta;

  kafka = test_add_node (f->pipeline, "k", "sink.kafka", "{\"bootstrap_servers\": \"b:9092\", \"topic\": \"t\", \"value\": \"to_json(struct(*))\"}", NULL);
  delta = test_add_node (f->pipeline, "d", "sink.delta", "{\"path\": \"/d\", \"mode\": \"merge\"}", NULL);
  test_connect (f->pipeline, "people", "k");
  test_connect (f->pipeline, "people", "d");

  g_assert_null (test_find (f->validator, "k", "missing-param"));
  flint_node_set_string (kafka, "value", "to_json(struct(nme))");
  g_assert_nonnull (test_find (f->validator, "k", "unknown-column"));

  g_assert_nonnull (test_find (f->validator, "d", "missing-param"));
  flint_node_take_param (delta, "merge_keys", json_from_string ("[\"id\"]", NULL));
  g_assert_null (test_find (f->validator, "d", "missing-param"));
  flint_node_set_string (delta, "table", "main.s.people");
  g_assert_nonnull (test_find (f->validator, "d", "conflicting-params"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add ("/rules/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("select", test_select);
  ADD ("derive-chain", test_derive_chain);
  ADD ("drop", test_drop);
  ADD ("join-using", test_join_using);
  ADD ("join-checks", test_join_checks);
  ADD ("aggregate", test_aggregate);
  ADD ("window", test_window);
  ADD ("union", test_union);
  ADD ("explode", test_explode);
  ADD ("pivot", test_pivot);
  ADD ("sql-tables", test_sql_tables);
  ADD ("quality", test_quality);
  ADD ("watermark-type", test_watermark_type);
  ADD ("fixed-sources", test_fixed_sources);
  ADD ("sinks", test_sinks);
#undef ADD

  return g_test_run ();
}
