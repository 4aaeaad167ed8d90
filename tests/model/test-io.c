/* test-io.c: loading and saving *.flint.yaml
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "flint-model.h"
#include "model-test-catalog.h"

/* The fuzz target's entry point, so that the normal run replays its corpus through it. */
#include "../fuzz/fuzz-load.c"

/* A small catalog of our own, so that these tests do not follow the built-in one. */
static const char test_catalog_json[] =
  "{\"flint_catalog\": 1, \"kinds\": ["
  " {\"id\": \"source.csv\", \"category\": \"source\", \"title\": \"CSV\","
  "  \"description\": \"Reads CSV files\", \"icon\": \"x-office-spreadsheet-symbolic\","
  "  \"modes\": [\"batch\", \"streaming\"], \"keywords\": [\"comma\"], \"inputs\": [],"
  "  \"outputs\": [{\"name\": \"out\", \"title\": \"Output\"}],"
  "  \"params\": [{\"name\": \"path\", \"type\": \"path\", \"title\": \"Path\", \"required\": true},"
  "             {\"name\": \"header\", \"type\": \"boolean\", \"title\": \"Header\", \"default\": false}]},"
  " {\"id\": \"source.parquet\", \"category\": \"source\", \"title\": \"Parquet\","
  "  \"description\": \"Reads Parquet files\", \"icon\": \"folder-symbolic\","
  "  \"modes\": [\"batch\"], \"keywords\": [], \"inputs\": [],"
  "  \"outputs\": [{\"name\": \"out\", \"title\": \"Output\"}],"
  "  \"params\": [{\"name\": \"path\", \"type\": \"path\", \"title\": \"Path\", \"required\": true}]},"
  " {\"id\": \"transform.filter\", \"category\": \"transform\", \"title\": \"Filter\","
  "  \"description\": \"Keeps matching rows\", \"icon\": \"funnel-symbolic\","
  "  \"modes\": [\"batch\", \"streaming\"], \"keywords\": [\"where\"],"
  "  \"inputs\": [{\"name\": \"in\", \"title\": \"Input\"}],"
  "  \"outputs\": [{\"name\": \"out\", \"title\": \"Output\"}],"
  "  \"params\": [{\"name\": \"condition\", \"type\": \"condition\", \"title\": \"Condition\", \"required\": true}]},"
  " {\"id\": \"transform.split\", \"category\": \"transform\", \"title\": \"Split\","
  "  \"description\": \"Splits rows in two\", \"icon\": \"split-symbolic\","
  "  \"modes\": [\"batch\"], \"keywords\": [],"
  "  \"inputs\": [{\"name\": \"in\", \"title\": \"Input\"}],"
  "  \"outputs\": [{\"name\": \"matched\", \"title\": \"Matched\"}, {\"name\": \"rest\", \"title\": \"Rest\"}],"
  "  \"params\": [{\"name\": \"condition\", \"type\": \"condition\", \"title\": \"Condition\"}]},"
  " {\"id\": \"transform.join\", \"category\": \"transform\", \"title\": \"Join\","
  "  \"description\": \"Joins two inputs\", \"icon\": \"join-symbolic\","
  "  \"modes\": [\"batch\"], \"keywords\": [],"
  "  \"inputs\": [{\"name\": \"left\", \"title\": \"Left\"}, {\"name\": \"right\", \"title\": \"Right\"}],"
  "  \"outputs\": [{\"name\": \"out\", \"title\": \"Output\"}],"
  "  \"params\": [{\"name\": \"on\", \"type\": \"columns\", \"title\": \"Join Columns\"}]},"
  " {\"id\": \"transform.union\", \"category\": \"transform\", \"title\": \"Union\","
  "  \"description\": \"Stacks inputs\", \"icon\": \"union-symbolic\","
  "  \"modes\": [\"batch\"], \"keywords\": [],"
  "  \"inputs\": [{\"name\": \"in\", \"title\": \"Inputs\", \"multiple\": true}],"
  "  \"outputs\": [{\"name\": \"out\", \"title\": \"Output\"}],"
  "  \"params\": []},"
  " {\"id\": \"transform.sql\", \"category\": \"transform\", \"title\": \"SQL\","
  "  \"description\": \"Runs a query\", \"icon\": \"code-symbolic\","
  "  \"modes\": [\"batch\"], \"keywords\": [],"
  "  \"inputs\": [{\"name\": \"in\", \"title\": \"Inputs\", \"multiple\": true, \"optional\": true}],"
  "  \"outputs\": [{\"name\": \"out\", \"title\": \"Output\"}],"
  "  \"params\": [{\"name\": \"query\", \"type\": \"sql\", \"title\": \"Query\", \"required\": true}]},"
  " {\"id\": \"sink.parquet\", \"category\": \"sink\", \"title\": \"Parquet\","
  "  \"description\": \"Writes Parquet files\", \"icon\": \"document-save-symbolic\","
  "  \"modes\": [\"batch\"], \"keywords\": [],"
  "  \"inputs\": [{\"name\": \"in\", \"title\": \"Input\"}], \"outputs\": [],"
  "  \"params\": [{\"name\": \"path\", \"type\": \"path\", \"title\": \"Path\", \"required\": true}]}"
  "]}";

static FlintCatalog *
test_catalog (void)
{
  static FlintCatalog *catalog;

  if (catalog == NULL)
    catalog = model_test_catalog_parse (test_catalog_json);

  return catalog;
}

/* A file under tests/: from FLINT_SOURCE_ROOT, or from G_TEST_SRCDIR (tests/, as meson sets it). */
static char *
source_path (const char *first,
             ...)
{
  const char *root = g_getenv ("FLINT_SOURCE_ROOT");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *part;
  va_list args;

  if (root != NULL)
    {
      g_ptr_array_add (parts, (gpointer) root);
      g_ptr_array_add (parts, (gpointer) "tests");
    }
  else
    g_ptr_array_add (parts, (gpointer) g_test_get_dir (G_TEST_DIST));

  va_start (args, first);
  for (part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

static char *
fixture_path (const char *name)
{
  return source_path ("model", "data", "io", name, NULL);
}

static char *
read_fixture (const char *name,
              gsize      *length)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);

  return contents;
}

static FlintPipeline *
load_text (const char  *text,
           GError     **error)
{
  return flint_pipeline_load_from_data (test_catalog (), text, strlen (text), error);
}

static FlintPipeline *
load_fixture (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  FlintPipeline *pipeline;
  gsize length;

  text = read_fixture (name, &length);
  pipeline = flint_pipeline_load_from_data (test_catalog (), text, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pipeline);

  return pipeline;
}

static char *
to_yaml (FlintPipeline *pipeline)
{
  gsize length = 0;
  char *text = flint_pipeline_to_yaml (pipeline, &length);

  g_assert_nonnull (text);
  g_assert_cmpuint (strlen (text), ==, length);
  g_assert_true (g_utf8_validate (text, length, NULL));
  g_assert_true (length > 0 && text[length - 1] == '\n');

  return text;
}

/* Saves, loads what was saved, saves again: the two texts must be the same bytes. */
static FlintPipeline *
round_trip (FlintPipeline *pipeline,
            char         **saved)
{
  g_autofree char *first = to_yaml (pipeline);
  g_autofree char *second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintPipeline) reloaded = NULL;

  reloaded = flint_pipeline_load_from_data (flint_pipeline_get_catalog (pipeline),
                                            first, strlen (first), &error);
  if (error != NULL)
    g_printerr ("The saved text does not load:\n%s\n", first);
  g_assert_no_error (error);

  second = to_yaml (reloaded);
  g_assert_cmpstr (first, ==, second);

  if (saved != NULL)
    *saved = g_steal_pointer (&first);

  return g_steal_pointer (&reloaded);
}

static FlintNode *
add_node (FlintPipeline *pipeline,
          const char    *kind_id,
          const char    *id)
{
  const FlintNodeKind *kind = flint_catalog_lookup (flint_pipeline_get_catalog (pipeline), kind_id);
  g_autoptr(FlintNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (kind);
  node = flint_node_new (id, kind);
  flint_pipeline_add_node (pipeline, node, &error);
  g_assert_no_error (error);

  return node;
}

static void
connect (FlintPipeline *pipeline,
         const char    *from,
         const char    *from_port,
         const char    *to,
         const char    *to_port)
{
  g_autoptr(GError) error = NULL;

  flint_pipeline_connect (pipeline, from, from_port, to, to_port, &error);
  g_assert_no_error (error);
}

static JsonNode *
string_node (const char *text)
{
  return json_node_init_string (json_node_alloc (), text);
}

static char *
job_members (FlintPipeline *pipeline)
{
  g_autoptr(GList) members = json_object_get_members (flint_pipeline_get_job (pipeline));
  GString *names = g_string_new (NULL);

  for (GList *l = members; l != NULL; l = l->next)
    g_string_append_printf (names, "%s%s", names->len ? " " : "", (const char *) l->data);

  return g_string_free (names, FALSE);
}

/* The DESIGN.md example */

static void
test_design_example (void)
{
  g_autoptr(FlintPipeline) pipeline = load_fixture ("design-example.flint.yaml");
  g_autoptr(FlintPipeline) reloaded = NULL;
  g_autofree char *members = NULL;
  g_autofree char *saved = NULL;
  FlintNode *customers, *adults;
  FlintSchema *schema;
  FlintEdge *edge;
  JsonNode *value;
  double x, y;

  g_assert_cmpstr (flint_pipeline_get_name (pipeline), ==, "customer-analytics");
  g_assert_cmpstr (flint_pipeline_get_description (pipeline), ==, "Daily customer rollup");
  g_assert_cmpint (flint_pipeline_get_mode (pipeline), ==, FLINT_JOB_MODE_BATCH);

  /* The job keeps its content and its order. */
  members = job_members (pipeline);
  g_assert_cmpstr (members, ==,
                   "mode spark_version driver executor dynamic_allocation optimizations conf "
                   "catalog schedule retries timeout_minutes notifications targets");
  value = flint_pipeline_get_job_setting (pipeline, "spark_version");
  g_assert_cmpstr (json_node_get_string (value), ==, "4.0.1");
  value = flint_pipeline_get_job_setting (pipeline, "driver.memory");
  g_assert_cmpstr (json_node_get_string (value), ==, "2g");
  value = flint_pipeline_get_job_setting (pipeline, "executor.instances");
  g_assert_cmpint (json_node_get_value_type (value), ==, G_TYPE_INT64);
  g_assert_cmpint (json_node_get_int (value), ==, 4);
  value = flint_pipeline_get_job_setting (pipeline, "dynamic_allocation.enabled");
  g_assert_true (json_node_get_boolean (value));
  value = flint_pipeline_get_job_setting (pipeline, "schedule.cron");
  g_assert_cmpstr (json_node_get_string (value), ==, "0 2 * * *");
  value = flint_pipeline_get_job_setting (pipeline, "targets.prod.image");
  g_assert_cmpstr (json_node_get_string (value), ==, "apache/spark:4.0.1");
  value = flint_pipeline_get_job_setting (pipeline, "notifications.on_failure");
  g_assert_true (JSON_NODE_HOLDS_ARRAY (value));
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (value), 0), ==,
                   "webhook:ops-alerts");
  g_assert_nonnull (json_object_get_member (json_node_get_object (flint_pipeline_get_job_setting (pipeline, "conf")),
                                            "spark.sql.session.timeZone"));

  g_assert_cmpuint (flint_pipeline_get_n_nodes (pipeline), ==, 2);
  customers = flint_pipeline_lookup_node (pipeline, "customers");
  adults = flint_pipeline_lookup_node (pipeline, "adults");
  g_assert_nonnull (customers);
  g_assert_nonnull (adults);
  g_assert_cmpstr (flint_node_get_kind_id (customers), ==, "source.parquet");
  g_assert_cmpstr (flint_node_get_label (customers), ==, "Customers");
  g_assert_null (flint_node_get_label (adults));
  g_assert_cmpstr (flint_node_get_string (customers, "path"), ==, "s3a://data/customers/");
  g_assert_cmpstr (flint_node_get_string (adults, "condition"), ==, "age >= 18");

  schema = flint_node_get_schema (customers);
  g_assert_nonnull (schema);
  g_assert_cmpuint (flint_schema_get_n_columns (schema), ==, 2);
  g_assert_cmpstr (flint_schema_get_column (schema, 0)->name, ==, "customer_id");
  g_assert_cmpint (flint_data_type_get_kind (flint_schema_get_column (schema, 0)->type), ==, FLINT_TYPE_KIND_LONG);
  g_assert_true (flint_schema_get_column (schema, 0)->nullable);
  g_assert_cmpint (flint_data_type_get_kind (flint_schema_get_column (schema, 1)->type), ==, FLINT_TYPE_KIND_INT);
  g_assert_null (flint_node_get_schema (adults));

  g_assert_cmpuint (g_list_model_get_n_items (flint_pipeline_get_edges (pipeline)), ==, 1);
  edge = g_list_model_get_item (flint_pipeline_get_edges (pipeline), 0);
  g_assert_cmpstr (flint_edge_get_from_node (edge), ==, "customers");
  g_assert_cmpstr (flint_edge_get_from_port (edge), ==, "out");
  g_assert_cmpstr (flint_edge_get_to_node (edge), ==, "adults");
  g_assert_cmpstr (flint_edge_get_to_port (edge), ==, "in");
  g_assert_cmpuint (flint_edge_get_line (edge), ==, 31);
  g_object_unref (edge);

  g_assert_true (flint_node_get_position (customers, &x, &y));
  g_assert_cmpfloat (x, ==, 80);
  g_assert_cmpfloat (y, ==, 120);
  g_assert_true (flint_node_get_position (adults, &x, &y));
  g_assert_cmpfloat (x, ==, 320);
  g_assert_cmpfloat (y, ==, 120);

  /* Lines, for diagnostics. */
  g_assert_cmpuint (flint_node_get_line (customers, ""), ==, 22);
  g_assert_cmpuint (flint_node_get_line (customers, "kind"), ==, 23);
  g_assert_cmpuint (flint_node_get_line (customers, "label"), ==, 24);
  g_assert_cmpuint (flint_node_get_line (customers, "params.path"), ==, 25);
  g_assert_cmpuint (flint_node_get_line (customers, "schema"), ==, 26);
  g_assert_cmpuint (flint_node_get_line (adults, ""), ==, 27);
  g_assert_cmpuint (flint_node_get_line (adults, "params.condition"), ==, 29);

  /* What a user sees in git after the first save. */
  reloaded = round_trip (pipeline, &saved);
  g_assert_cmpstr (saved, ==,
                   "flint: 1\n"
                   "name: customer-analytics\n"
                   "description: Daily customer rollup\n"
                   "job:\n"
                   "  mode: batch\n"
                   "  spark_version: \"4.0.1\"\n"
                   "  driver: {cores: 1, memory: 2g}\n"
                   "  executor: {instances: 4, cores: 2, memory: 4g}\n"
                   "  dynamic_allocation: {enabled: true, min: 1, max: 10}\n"
                   "  optimizations: auto\n"
                   "  conf: {spark.sql.session.timeZone: UTC}\n"
                   "  catalog: {name: main, schema: analytics}\n"
                   "  schedule: {cron: 0 2 * * *, timezone: UTC}\n"
                   "  retries: 3\n"
                   "  timeout_minutes: 60\n"
                   "  notifications:\n"
                   "    on_failure: [\"webhook:ops-alerts\"]\n"
                   "  targets:\n"
                   "    local: {kind: local}\n"
                   "    prod:\n"
                   "      kind: kubernetes\n"
                   "      context: prod\n"
                   "      namespace: spark\n"
                   "      image: apache/spark:4.0.1\n"
                   "    dbx: {kind: databricks, profile: DEFAULT, node_type: i3.xlarge, workers: 4}\n"
                   "nodes:\n"
                   "- id: customers\n"
                   "  kind: source.parquet\n"
                   "  label: Customers\n"
                   "  params: {path: \"s3a://data/customers/\"}\n"
                   "  schema:\n"
                   "  - {name: customer_id, type: long}\n"
                   "  - {name: age, type: int}\n"
                   "- id: adults\n"
                   "  kind: transform.filter\n"
                   "  params: {condition: age >= 18}\n"
                   "edges:\n"
                   "- {from: customers, to: adults}\n"
                   "layout:\n"
                   "  customers: [80, 120]\n"
                   "  adults: [320, 120]\n");
}

/* Every example the app ships loads with the built-in catalog and saves stably. */
static void
test_examples (void)
{
  const char *root = g_getenv ("FLINT_SOURCE_ROOT");
  g_autofree char *dir_path = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n = 0;

  dir_path = root ? g_build_filename (root, "data", "examples", NULL)
                  : g_test_build_filename (G_TEST_DIST, "..", "data", "examples", NULL);
  dir = g_dir_open (dir_path, 0, NULL);
  if (dir == NULL)
    {
      g_test_skip ("data/examples not found");
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(FlintPipeline) pipeline = NULL;
      g_autoptr(FlintPipeline) reloaded = NULL;
      g_autoptr(GError) error = NULL;

      if (!g_str_has_suffix (name, ".flint.yaml"))
        continue;

      pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (flint_pipeline_get_n_nodes (pipeline), >, 0);
      reloaded = round_trip (pipeline, NULL);
      g_assert_cmpuint (flint_pipeline_get_n_nodes (reloaded), ==, flint_pipeline_get_n_nodes (pipeline));
      g_assert_cmpuint (g_list_model_get_n_items (flint_pipeline_get_edges (reloaded)), ==,
                        g_list_model_get_n_items (flint_pipeline_get_edges (pipeline)));
      n++;
    }

  g_assert_cmpuint (n, >, 0);
}

/* Round trips */

static const char * const hostile_strings[] = {
  "", " ", "  leading", "trailing  ", "true", "false", "True", "yes", "no", "on", "off", "y", "n",
  "null", "Null", "~", "1", "-1", "+1", "0x1F", "0o17", "1e3", "1.5", ".5", "5.", "1_000", "0b101",
  "1:30", "2024-01-31", "10:00:00Z", ".inf", "-.inf", ".nan", "4.0.1", "4g", "<<", "=",
  "a: b", "a:b", "a #b", "a#b", "#comment", "- item", "-", "--", "---", "...", "...x", "? q", "?",
  ":", "a:", "[x]", "{x}", "x,y", "x, y", "&anchor", "*alias", "!tag", "|", ">", "%dir", "@at",
  "`tick", "'single'", "\"double\"", "it's", "say \"hi\"", "back\\slash", "C:\\temp\\new",
  "tab\there", "\ttab first", "line\nbreak", "line\nbreak\n", "lines\n\n", "\nleading newline",
  "trailing space \nline", "crlf\r\nline", "nel\xc2\x85line", "ls\xe2\x80\xa8line",
  "unicode: \xc3\xa9\xe2\x98\x83\xf0\x9f\x98\x80", "caf\xc3\xa9", "\xe2\x98\x83", "\xef\xbb\xbf" "bom",
  "nbsp\xc2\xa0here", "bell\x07", "del\x7f", "esc\x1b[0m",
  "SELECT a,\n       b\n  FROM t\n WHERE x = 'y' -- comment\n",
  "SELECT *\nFROM t\nWHERE a = 1",
  "def f(x):\n    return x  # why\n\n\nprint(f(1))\n",
  "  indented\n  block\n",
  "s3a://bucket/path/", "age >= 18", "0 2 * * *", "apache/spark:4.0.1", "webhook:ops-alerts",
  "spark.sql.session.timeZone", "a\\nb", "\\", "\"", "'", "#", "&", "*", "!", "%", "@", "`", "{", "}",
  "[", "]", ",", "|-", ">-",
};

static void
check_string_round_trip (const char *text)
{
  g_autoptr(FlintPipeline) pipeline = flint_pipeline_new (test_catalog ());
  g_autoptr(FlintPipeline) reloaded = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  FlintNode *node;
  JsonNode *value;
  JsonObject *job;

  flint_pipeline_set_name (pipeline, text);
  flint_pipeline_set_description (pipeline, text);
  flint_pipeline_take_job_setting (pipeline, "plain", string_node (text));

  /* As a key, in a map of scalars (flow), in a nested map (block) and in a list. */
  job = flint_pipeline_get_job (pipeline);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, text);
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  json_object_set_member (job, "keyed", json_builder_get_root (builder));
  json_builder_reset (builder);
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, text);
  json_builder_add_string_value (builder, "x");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "deep");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_object_set_member (job, "list", json_builder_get_root (builder));

  node = add_node (pipeline, "transform.sql", "q");
  flint_node_set_label (node, text);
  flint_node_set_string (node, "query", text);

  reloaded = round_trip (pipeline, NULL);

  g_assert_cmpstr (flint_pipeline_get_name (reloaded), ==, text);
  g_assert_cmpstr (flint_pipeline_get_description (reloaded), ==, *text ? text : NULL);
  value = flint_pipeline_get_job_setting (reloaded, "plain");
  g_assert_cmpstr (json_node_get_string (value), ==, text);
  value = json_object_get_member (json_node_get_object (flint_pipeline_get_job_setting (reloaded, "keyed")), text);
  g_assert_nonnull (value);
  g_assert_cmpstr (json_node_get_string (value), ==, text);
  value = flint_pipeline_get_job_setting (reloaded, "list");
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (value), 0), ==, text);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (value), 2), "deep"),
                   ==, text);
  node = flint_pipeline_lookup_node (reloaded, "q");
  g_assert_cmpstr (flint_node_get_label (node), ==, *text ? text : NULL);
  g_assert_cmpstr (flint_node_get_string (node, "query"), ==, text);
}

static void
test_round_trip_hostile (void)
{
  g_autoptr(GString) long_line = g_string_new (NULL);
  g_autoptr(GString) long_words = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (hostile_strings); i++)
    check_string_round_trip (hostile_strings[i]);

  for (guint i = 0; i < 5000; i++)
    g_string_append_c (long_line, 'a' + i % 26);
  check_string_round_trip (long_line->str);

  for (guint i = 0; i < 500; i++)
    g_string_append (long_words, "word ");
  g_string_append (long_words, "end");
  check_string_round_trip (long_words->str);
}

/* Multi-line text is a literal block, and styles follow the content. */
static void
test_style (void)
{
  g_autoptr(FlintPipeline) pipeline = flint_pipeline_new (test_catalog ());
  g_autoptr(FlintPipeline) reloaded = NULL;
  g_autoptr(JsonArray) numbers = json_array_new ();
  g_autofree char *saved = NULL;
  FlintNode *node;

  flint_pipeline_set_name (pipeline, "styles");
  flint_pipeline_take_job_setting (pipeline, "retries", json_node_init_int (json_node_alloc (), 3));
  flint_pipeline_take_job_setting (pipeline, "ratio", json_node_init_double (json_node_alloc (), 2.0));
  flint_pipeline_take_job_setting (pipeline, "tenth", json_node_init_double (json_node_alloc (), 0.1));
  flint_pipeline_take_job_setting (pipeline, "big", json_node_init_double (json_node_alloc (), 1e20));
  flint_pipeline_take_job_setting (pipeline, "on", json_node_init_boolean (json_node_alloc (), TRUE));
  flint_pipeline_take_job_setting (pipeline, "nothing", json_node_init_null (json_node_alloc ()));
  flint_pipeline_take_job_setting (pipeline, "word", string_node ("true"));

  node = add_node (pipeline, "transform.sql", "q");
  flint_node_set_string (node, "query", "SELECT a\n  FROM t\n WHERE b > 1\n");
  flint_node_set_position (node, 10.5, -20);
  node = add_node (pipeline, "source.csv", "a");
  flint_node_set_position (node, 0, 1e6);
  node = add_node (pipeline, "source.csv", "b");
  node = add_node (pipeline, "transform.join", "j");
  for (guint i = 0; i < 30; i++)
    json_array_add_int_element (numbers, i * 1000);
  flint_node_take_param (node, "on", json_node_init_array (json_node_alloc (), numbers));
  add_node (pipeline, "transform.split", "s");
  add_node (pipeline, "transform.filter", "f");
  connect (pipeline, "a", NULL, "j", "left");
  connect (pipeline, "b", NULL, "j", "right");
  connect (pipeline, "j", NULL, "s", NULL);
  connect (pipeline, "s", "rest", "f", NULL);

  reloaded = round_trip (pipeline, &saved);
  g_assert_cmpstr (saved, ==,
                   "flint: 1\n"
                   "name: styles\n"
                   "job:\n"
                   "  retries: 3\n"
                   "  ratio: 2.0\n"
                   "  tenth: 0.1\n"
                   "  big: 1e+20\n"
                   "  \"on\": true\n"
                   "  nothing: null\n"
                   "  word: \"true\"\n"
                   "nodes:\n"
                   "- id: q\n"
                   "  kind: transform.sql\n"
                   "  params:\n"
                   "    query: |\n"
                   "      SELECT a\n"
                   "        FROM t\n"
                   "       WHERE b > 1\n"
                   "- id: a\n"
                   "  kind: source.csv\n"
                   "- id: b\n"
                   "  kind: source.csv\n"
                   "- id: j\n"
                   "  kind: transform.join\n"
                   "  params:\n"
                   "    \"on\":\n"
                   "    - 0\n"
                   "    - 1000\n"
                   "    - 2000\n"
                   "    - 3000\n"
                   "    - 4000\n"
                   "    - 5000\n"
                   "    - 6000\n"
                   "    - 7000\n"
                   "    - 8000\n"
                   "    - 9000\n"
                   "    - 10000\n"
                   "    - 11000\n"
                   "    - 12000\n"
                   "    - 13000\n"
                   "    - 14000\n"
                   "    - 15000\n"
                   "    - 16000\n"
                   "    - 17000\n"
                   "    - 18000\n"
                   "    - 19000\n"
                   "    - 20000\n"
                   "    - 21000\n"
                   "    - 22000\n"
                   "    - 23000\n"
                   "    - 24000\n"
                   "    - 25000\n"
                   "    - 26000\n"
                   "    - 27000\n"
                   "    - 28000\n"
                   "    - 29000\n"
                   "- id: s\n"
                   "  kind: transform.split\n"
                   "- id: f\n"
                   "  kind: transform.filter\n"
                   "edges:\n"
                   "- {from: a, to: j}\n"
                   "- {from: b, to: j.right}\n"
                   "- {from: j, to: s}\n"
                   "- {from: s.rest, to: f}\n"
                   "layout:\n"
                   "  q: [10.5, -20]\n"
                   "  a: [0, 1000000]\n");

  /* Types survive: 2.0 stays a double, "true" a string. */
  g_assert_cmpint (json_node_get_value_type (flint_pipeline_get_job_setting (reloaded, "ratio")), ==, G_TYPE_DOUBLE);
  g_assert_cmpint (json_node_get_value_type (flint_pipeline_get_job_setting (reloaded, "retries")), ==, G_TYPE_INT64);
  g_assert_cmpstr (json_node_get_string (flint_pipeline_get_job_setting (reloaded, "word")), ==, "true");
  g_assert_true (JSON_NODE_HOLDS_NULL (flint_pipeline_get_job_setting (reloaded, "nothing")));
  g_assert_cmpstr (flint_edge_get_to_port (g_list_model_get_item (flint_pipeline_get_edges (reloaded), 0)), ==, "left");
}

/* Long lines are never folded: a diff shows the one line that changed. */
static void
test_style_long_lines (void)
{
  g_autoptr(FlintPipeline) pipeline = flint_pipeline_new (test_catalog ());
  g_autoptr(GString) words = g_string_new (NULL);
  g_autofree char *saved = NULL;
  g_autofree char *expected = NULL;

  for (guint i = 0; i < 60; i++)
    g_string_append (words, "word ");
  g_string_append (words, "end");
  flint_pipeline_set_name (pipeline, words->str);
  flint_pipeline_set_description (pipeline, "SELECT a\n  FROM t -- and a comment that is far longer than eighty columns, on one line\n");

  g_object_unref (round_trip (pipeline, &saved));
  expected = g_strdup_printf ("flint: 1\n"
                              "name: %s\n"
                              "description: |\n"
                              "  SELECT a\n"
                              "    FROM t -- and a comment that is far longer than eighty columns, on one line\n"
                              "nodes: []\n", words->str);
  g_assert_cmpstr (saved, ==, expected);
}

/* Random content: whatever is saved loads back equal and saves to the same bytes. */
static void
test_round_trip_random (void)
{
  static const char * const pieces[] = {
    " ", "  ", "\n", "\t", ":", ": ", "#", " #", "-", "- ", "?", "\"", "'", "\\", ",", "[", "]",
    "{", "}", "&", "*", "!", "|", ">", "%", "@", "`", "~", ".", "0", "1", "9", "e", "x", "y",
    "true", "null", "a", "Z", "_", "\xc3\xa9", "\xe2\x98\x83", "\xf0\x9f\x98\x80", "\r", "\xc2\x85",
    "\xe2\x80\xa8", "\xef\xbb\xbf", "\x01", "\x7f", "SELECT", "\n\n", "...", "---",
  };
  GRand *rand = g_rand_new_with_seed (20240131);

  for (guint round = 0; round < 1500; round++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      guint n = g_rand_int_range (rand, 0, 12);

      for (guint i = 0; i < n; i++)
        g_string_append (text, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);

      check_string_round_trip (text->str);
    }

  /* Numbers keep their type and value. */
  for (guint round = 0; round < 2000; round++)
    {
      g_autoptr(FlintPipeline) pipeline = flint_pipeline_new (test_catalog ());
      g_autoptr(FlintPipeline) reloaded = NULL;
      union { guint64 bits; double value; } number;
      gint64 integer = (gint64) (((guint64) g_rand_int (rand) << 32) | g_rand_int (rand));
      FlintNode *node;
      double x, y;

      do
        number.bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      while (isnan (number.value) || isinf (number.value));

      flint_pipeline_set_name (pipeline, "numbers");
      flint_pipeline_take_job_setting (pipeline, "d", json_node_init_double (json_node_alloc (), number.value));
      flint_pipeline_take_job_setting (pipeline, "i", json_node_init_int (json_node_alloc (), integer));
      flint_pipeline_take_job_setting (pipeline, "r", json_node_init_double (json_node_alloc (),
                                                                           g_rand_double_range (rand, -1e6, 1e6)));
      node = add_node (pipeline, "source.csv", "a");
      flint_node_set_position (node, number.value, g_rand_int_range (rand, -5000, 5000));

      reloaded = round_trip (pipeline, NULL);
      g_assert_cmpfloat (json_node_get_double (flint_pipeline_get_job_setting (reloaded, "d")), ==, number.value);
      g_assert_cmpint (json_node_get_value_type (flint_pipeline_get_job_setting (reloaded, "d")), ==, G_TYPE_DOUBLE);
      g_assert_cmpint (json_node_get_int (flint_pipeline_get_job_setting (reloaded, "i")), ==, integer);
      g_assert_cmpfloat (json_node_get_double (flint_pipeline_get_job_setting (reloaded, "r")), ==,
                         json_node_get_double (flint_pipeline_get_job_setting (pipeline, "r")));
      g_assert_true (flint_node_get_position (flint_pipeline_lookup_node (reloaded, "a"), &x, &y));
      g_assert_cmpfloat (x, ==, number.value);
    }

  g_rand_free (rand);
}

/* Every piece of the model survives: schemas with every type form, ports, labels. */
static void
test_round_trip_document (void)
{
  g_autoptr(FlintPipeline) pipeline = flint_pipeline_new (test_catalog ());
  g_autoptr(FlintPipeline) reloaded = NULL;
  g_autoptr(FlintSchema) schema = flint_schema_new ();
  g_autoptr(GError) error = NULL;
  static const char * const types[] = {
    "long", "int", "string", "decimal(12,2)", "array<string>", "map<string,int>",
    "struct<a:int,b:string>", "timestamp", "boolean", "double", "date", "binary",
  };
  FlintSchema *loaded;
  FlintNode *node;

  flint_pipeline_set_name (pipeline, "everything");
  flint_pipeline_set_description (pipeline, "All of it,\nover two lines");
  node = add_node (pipeline, "source.csv", "src");
  flint_node_set_label (node, "Source: raw");
  flint_node_set_string (node, "path", "s3a://b/raw/");
  flint_node_take_param (node, "header", json_node_init_boolean (json_node_alloc (), TRUE));
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(FlintDataType) type = flint_data_type_parse (types[i], &error);
      g_autofree char *name = g_strdup_printf ("c%u", i);

      g_assert_no_error (error);
      flint_schema_append (schema, name, type, i % 3 != 0);
    }
  flint_schema_append (schema, "unknown", NULL, TRUE);
  flint_node_set_schema (node, schema);
  node = add_node (pipeline, "source.parquet", "empty_schema");
  {
    g_autoptr(FlintSchema) empty = flint_schema_new ();
    flint_node_set_schema (node, empty);
  }
  add_node (pipeline, "transform.union", "u");
  add_node (pipeline, "sink.parquet", "out");
  connect (pipeline, "src", NULL, "u", NULL);
  connect (pipeline, "empty_schema", NULL, "u", NULL);
  connect (pipeline, "u", "out", "out", "in");

  reloaded = round_trip (pipeline, NULL);
  loaded = flint_node_get_schema (flint_pipeline_lookup_node (reloaded, "src"));
  g_assert_true (flint_schema_equal (loaded, schema));
  g_assert_nonnull (flint_node_get_schema (flint_pipeline_lookup_node (reloaded, "empty_schema")));
  g_assert_cmpuint (flint_schema_get_n_columns (flint_node_get_schema (flint_pipeline_lookup_node (reloaded, "empty_schema"))), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (flint_pipeline_get_edges (reloaded)), ==, 3);
  g_assert_cmpstr (flint_pipeline_get_description (reloaded), ==, "All of it,\nover two lines");
  g_assert_cmpstr (flint_node_get_label (flint_pipeline_lookup_node (reloaded, "src")), ==, "Source: raw");
}

/* Errors */

typedef struct
{
  const char         *file;
  FlintPipelineError  code;
  const char         *message;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "err-flint-type.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "7:11: 'flint' must be an integer" },
  { "err-unknown-key-node.flint.yaml", FLINT_PIPELINE_ERROR_UNKNOWN_KEY,
    "12:5: unknown key 'paramz' in node 'adults' (expected one of: id, kind, label, params, schema)" },
  { "err-unknown-kind.flint.yaml", FLINT_PIPELINE_ERROR_UNKNOWN_KIND,
    "14:11: unknown node kind 'transform.filtr' (did you mean 'transform.filter'?)" },
  { "err-syntax.flint.yaml", FLINT_PIPELINE_ERROR_PARSE,
    "7:7: did not find expected ',' or '}' (while parsing a flow mapping at 6:13)" },
  { "err-syntax-indent.flint.yaml", FLINT_PIPELINE_ERROR_PARSE,
    "6:4: did not find expected '-' indicator (while parsing a block collection at 4:3)" },
  { "err-flint-missing.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "1:1: this is not a Flint pipeline: 'flint:' (the format version) is missing; add 'flint: 1' as the first line" },
  { "err-version.flint.yaml", FLINT_PIPELINE_ERROR_VERSION,
    "1:8: the file is format 3; this Flint reads format 1 and older — update Flint" },
  { "err-unknown-top.flint.yaml", FLINT_PIPELINE_ERROR_UNKNOWN_KEY,
    "3:1: unknown key 'nodez' (expected one of: flint, name, description, job, nodes, edges, layout)" },
  { "err-unknown-edge-key.flint.yaml", FLINT_PIPELINE_ERROR_UNKNOWN_KEY,
    "7:15: unknown key 'too' in edge 1 (expected one of: from, to)" },
  { "err-unknown-column-key.flint.yaml", FLINT_PIPELINE_ERROR_UNKNOWN_KEY,
    "8:21: unknown key 'typ' in column 'age' of node 'a' (expected one of: name, type, nullable)" },
  { "err-duplicate-id.flint.yaml", FLINT_PIPELINE_ERROR_DUPLICATE_ID,
    "8:9: duplicate node id 'a' (first used at line 4)" },
  { "err-duplicate-key.flint.yaml", FLINT_PIPELINE_ERROR_PARSE,
    "9:7: duplicate key 'path' (first at line 7)" },
  { "err-edge-node.flint.yaml", FLINT_PIPELINE_ERROR_NOT_FOUND,
    "8:12: there is no node 'order' (did you mean 'orders'?)" },
  { "err-edge-port.flint.yaml", FLINT_PIPELINE_ERROR_PORT,
    "9:19: node 'j' (transform.join) has no input port 'rigth' (it has: left, right)" },
  { "err-edge-from-sink.flint.yaml", FLINT_PIPELINE_ERROR_PORT,
    "9:12: node 'out' (sink.parquet) has no outputs" },
  { "err-edge-taken.flint.yaml", FLINT_PIPELINE_ERROR_PORT,
    "9:5: input 'in' of node 'f' takes one edge and already has one from 'a' (at line 8)" },
  { "err-self-loop.flint.yaml", FLINT_PIPELINE_ERROR_PORT,
    "6:5: an edge cannot connect node 'f' to itself" },
  { "err-alias.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "5:9: aliases (*lol) are not supported in a pipeline file" },
  { "err-anchor.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "4:9: anchors (&lol) are not supported in a pipeline file" },
  { "err-tag.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "4:9: the tag 'tag:yaml.org,2002:python/object:os.system' is not supported here" },
  { "err-two-documents.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "3:1: a pipeline file holds a single YAML document" },
  { "err-schema-type.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "7:26: 'lnog' is not a Spark type, in column 'id' (" },
  { "err-layout-node.flint.yaml", FLINT_PIPELINE_ERROR_NOT_FOUND,
    "7:3: 'layout' places node 'ghost', which is not in 'nodes'" },
  { "err-layout-value.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "6:6: the position of 'a' must be [x, y] with two numbers" },
  { "err-inf.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "4:12: '.inf' (infinity or not-a-number) is not allowed in a pipeline file (put it in quotes for a string)" },
  { "err-big-int.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "4:12: '123456789012345678901234567890' is too large for an integer (put it in quotes for a string)" },
  { "err-name-type.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "2:7: 'name' must be a string, not an integer (put it in quotes: \"2024\")" },
  { "err-not-map.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "1:1: a pipeline file must be a map starting with 'flint: 1', not a list" },
  { "err-empty.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "1:1: the file is empty; a pipeline file starts with 'flint: 1'" },
  { "err-nul.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "2:7: text in a pipeline file cannot hold NUL characters" },
  { "err-utf8.flint.yaml", FLINT_PIPELINE_ERROR_PARSE,
    "2:10: incomplete UTF-8 octet sequence" },
  { "err-node-id.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "4:9: '1st-source' is not a valid node id (a letter or '_', then letters, digits, '_' or '-')" },
  { "err-no-name.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "1:1: the pipeline has no 'name'" },
  { "err-params-type.flint.yaml", FLINT_PIPELINE_ERROR_INVALID,
    "6:13: 'params' must be a map, not a list" },
};

static void
test_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      const ErrorCase *c = &error_cases[i];
      g_autoptr(FlintPipeline) pipeline = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GFile) file = NULL;
      g_autofree char *path = fixture_path (c->file);

      file = g_file_new_for_path (path);
      pipeline = flint_pipeline_load_from_file (test_catalog (), file, NULL, &error);
      g_test_message ("%s: %s", c->file, error ? error->message : "(loaded)");
      g_assert_null (pipeline);
      g_assert_error (error, FLINT_PIPELINE_ERROR, c->code);
      /* Ending in "(": the rest is another module's wording. */
      if (g_str_has_suffix (c->message, "("))
        g_assert_true (g_str_has_prefix (error->message, c->message));
      else
        g_assert_cmpstr (error->message, ==, c->message);
    }
}

static void
test_cycle_loads (void)
{
  g_autoptr(FlintPipeline) pipeline = load_fixture ("cycle.flint.yaml");

  /* Validation reports cycles; the loader keeps what the file says. */
  g_assert_cmpuint (g_list_model_get_n_items (flint_pipeline_get_edges (pipeline)), ==, 2);
  g_object_unref (round_trip (pipeline, NULL));
}

static void
test_too_large (void)
{
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  const char text[] = "flint: 1\n";

  /* The length alone refuses it: nothing past the first bytes is read. */
  pipeline = flint_pipeline_load_from_data (test_catalog (), text, (gsize) FLINT_LOAD_MAX_BYTES + 1, &error);
  g_assert_null (pipeline);
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_TOO_LARGE);
  g_assert_true (g_str_has_prefix (error->message, "1:1: "));
}

static void
check_deep (const char *open,
            const char *close,
            guint       depth)
{
  g_autoptr(GString) text = g_string_new ("flint: 1\nname: deep\njob:\n  x:\n    ");
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < depth; i++)
    g_string_append (text, open);
  g_string_append (text, "1");
  for (guint i = 0; close && i < depth; i++)
    g_string_append (text, close);
  g_string_append_c (text, '\n');

  pipeline = flint_pipeline_load_from_data (test_catalog (), text->str, text->len, &error);
  g_assert_null (pipeline);
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_TOO_LARGE);
  g_assert_true (g_regex_match_simple ("^5:[0-9]+: the file nests deeper than 64 levels$", error->message, 0, 0));
}

static void
test_deep_nesting (void)
{
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(GString) text = g_string_new ("flint: 1\nname: deep-enough\njob:\n  x: ");

  check_deep ("[", "]", 100000);
  check_deep ("{a: ", "}", 100000);
  check_deep ("[", NULL, 100000);
  check_deep ("- ", NULL, 100000);

  /* 64 levels in all are fine: the top map, job, x and 61 lists. */
  for (guint i = 0; i < 61; i++)
    g_string_append_c (text, '[');
  g_string_append_c (text, '1');
  for (guint i = 0; i < 61; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '\n');
  pipeline = flint_pipeline_load_from_data (test_catalog (), text->str, text->len, NULL);
  g_assert_nonnull (pipeline);
  g_object_unref (round_trip (pipeline, NULL));
}

static void
test_scalars (void)
{
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *job;

  pipeline = load_text ("flint: 1\n"
                        "name: scalars\n"
                        "job:\n"
                        "  a: ~\n"
                        "  b:\n"
                        "  c: True\n"
                        "  d: 0x1F\n"
                        "  e: 0o17\n"
                        "  f: -12\n"
                        "  g: 1e3\n"
                        "  h: .5\n"
                        "  i: yes\n"
                        "  j: \"12\"\n"
                        "  k: !!str 12\n"
                        "  l: !!float 12\n"
                        "  m: !!int \"12\"\n"
                        "  n: 1_000\n"
                        "  o: 'it''s'\n"
                        "  p: ! 12\n",
                        &error);
  g_assert_no_error (error);
  job = flint_pipeline_get_job (pipeline);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (job, "a")));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (job, "b")));
  g_assert_true (json_object_get_boolean_member (job, "c"));
  g_assert_cmpint (json_object_get_int_member (job, "d"), ==, 31);
  g_assert_cmpint (json_object_get_int_member (job, "e"), ==, 15);
  g_assert_cmpint (json_object_get_int_member (job, "f"), ==, -12);
  g_assert_cmpfloat (json_object_get_double_member (job, "g"), ==, 1000);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (job, "g")), ==, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_object_get_double_member (job, "h"), ==, 0.5);
  g_assert_cmpstr (json_object_get_string_member (job, "i"), ==, "yes");   /* YAML 1.2 */
  g_assert_cmpstr (json_object_get_string_member (job, "j"), ==, "12");
  g_assert_cmpstr (json_object_get_string_member (job, "k"), ==, "12");
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (job, "l")), ==, G_TYPE_DOUBLE);
  g_assert_cmpint (json_object_get_int_member (job, "m"), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (job, "n"), ==, "1_000");
  g_assert_cmpstr (json_object_get_string_member (job, "o"), ==, "it's");
  g_assert_cmpstr (json_object_get_string_member (job, "p"), ==, "12");
  g_object_unref (round_trip (pipeline, NULL));
}

static void
test_param_lines (void)
{
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  FlintNode *node;

  pipeline = load_text ("flint: 1\n"
                        "name: lines\n"
                        "nodes:\n"
                        "  - id: j\n"
                        "    kind: transform.join\n"
                        "    label: Join\n"
                        "    params:\n"
                        "      on:\n"
                        "        - {left: a, right: b}\n"
                        "        - left: c\n"
                        "          right: d\n"
                        "      options: {x: 1}\n",
                        &error);
  g_assert_no_error (error);
  node = flint_pipeline_lookup_node (pipeline, "j");
  g_assert_cmpuint (flint_node_get_line (node, ""), ==, 4);
  g_assert_cmpuint (flint_node_get_line (node, "kind"), ==, 5);
  g_assert_cmpuint (flint_node_get_line (node, "label"), ==, 6);
  g_assert_cmpuint (flint_node_get_line (node, "params.on"), ==, 8);
  g_assert_cmpuint (flint_node_get_line (node, "params.on.0"), ==, 9);
  g_assert_cmpuint (flint_node_get_line (node, "params.on.0.right"), ==, 9);
  g_assert_cmpuint (flint_node_get_line (node, "params.on.1"), ==, 10);
  g_assert_cmpuint (flint_node_get_line (node, "params.on.1.left"), ==, 10);
  g_assert_cmpuint (flint_node_get_line (node, "params.on.1.right"), ==, 11);
  g_assert_cmpuint (flint_node_get_line (node, "params.options.x"), ==, 12);
}

/* Migration */

static void
test_migrate_v0 (void)
{
  g_autoptr(FlintPipeline) pipeline = load_fixture ("v0-draft.flint.yaml");
  g_autoptr(FlintPipeline) reloaded = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(FlintEdge) edge = NULL;
  double x, y;

  g_assert_cmpuint (flint_pipeline_get_n_nodes (pipeline), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (flint_pipeline_get_edges (pipeline)), ==, 2);
  edge = g_list_model_get_item (flint_pipeline_get_edges (pipeline), 1);
  g_assert_cmpstr (flint_edge_get_from_node (edge), ==, "big");
  g_assert_cmpstr (flint_edge_get_to_node (edge), ==, "unplaced");
  g_assert_cmpuint (flint_edge_get_line (edge), ==, 17);

  g_assert_true (flint_node_get_position (flint_pipeline_lookup_node (pipeline, "orders"), &x, &y));
  g_assert_cmpfloat (x, ==, 40);
  g_assert_cmpfloat (y, ==, 60.5);
  g_assert_true (flint_node_get_position (flint_pipeline_lookup_node (pipeline, "big"), &x, &y));
  g_assert_cmpfloat (x, ==, 240);
  g_assert_false (flint_node_get_position (flint_pipeline_lookup_node (pipeline, "unplaced"), NULL, NULL));

  reloaded = round_trip (pipeline, &saved);
  g_assert_cmpstr (saved, ==,
                   "flint: 1\n"
                   "name: draft\n"
                   "nodes:\n"
                   "- id: orders\n"
                   "  kind: source.csv\n"
                   "  params: {path: data/orders.csv}\n"
                   "- id: big\n"
                   "  kind: transform.filter\n"
                   "  params: {condition: amount > 100}\n"
                   "- id: unplaced\n"
                   "  kind: sink.parquet\n"
                   "  params: {path: out/big/}\n"
                   "edges:\n"
                   "- {from: orders, to: big}\n"
                   "- {from: big, to: unplaced}\n"
                   "layout:\n"
                   "  orders: [40, 60.5]\n"
                   "  big: [240, 60]\n");
}

static void
test_migrate_v0_unknown_key (void)
{
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;

  /* A format 1 key in a format 0 file is still unknown: migration renames, never guesses. */
  pipeline = load_text ("flint: 0\n"
                        "name: draft\n"
                        "nodes:\n"
                        "  - {id: a, kind: source.csv, position: [1, 2]}\n"
                        "  - {id: b, kind: transform.filter, wat: 1}\n",
                        &error);
  g_assert_null (pipeline);
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_UNKNOWN_KEY);
  g_assert_cmpstr (error->message, ==,
                   "5:37: unknown key 'wat' in node 'b' (expected one of: id, kind, label, params, schema)");
}

/* Files */

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("flint-io-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      g_chmod (path, 0700);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static FlintPipeline *
small_pipeline (const char *name)
{
  FlintPipeline *pipeline = flint_pipeline_new (test_catalog ());
  FlintNode *node;

  flint_pipeline_set_name (pipeline, name);
  node = add_node (pipeline, "source.csv", "a");
  flint_node_set_string (node, "path", "a.csv");
  flint_node_set_position (node, 10, 20);
  add_node (pipeline, "transform.filter", "f");
  connect (pipeline, "a", NULL, "f", NULL);

  return pipeline;
}

static void
assert_file_contents (const char *path,
                      const char *expected)
{
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected);
}

static void
test_save_and_load_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "p.flint.yaml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(FlintPipeline) pipeline = small_pipeline ("saved");
  g_autoptr(FlintPipeline) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = to_yaml (pipeline);
  g_autofree char *link_path = g_build_filename (dir, "link.flint.yaml", NULL);
  g_autoptr(GFile) link = g_file_new_for_path (link_path);
  GStatBuf st;

  g_assert_true (flint_pipeline_save_to_file (pipeline, file, NULL, &error));
  g_assert_no_error (error);
  assert_file_contents (path, expected);

  loaded = flint_pipeline_load_from_file (test_catalog (), file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (flint_pipeline_get_name (loaded), ==, "saved");

  /* Permissions are kept, and a symbolic link stays a link to the saved file. */
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  g_assert_cmpint (symlink ("p.flint.yaml", link_path), ==, 0);
  flint_pipeline_set_name (pipeline, "through the link");
  g_assert_true (flint_pipeline_save_to_file (pipeline, link, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_lstat (link_path, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  g_free (expected);
  expected = to_yaml (pipeline);
  assert_file_contents (path, expected);

  remove_tree (dir);
}

static void
test_save_failure_keeps_file (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "p.flint.yaml", NULL);
  g_autofree char *sub = g_build_filename (dir, "sub.flint.yaml", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "dir.flint.yaml", NULL);
  g_autoptr(FlintPipeline) pipeline = small_pipeline ("new content");
  g_autoptr(GError) error = NULL;
  const char *old = "flint: 1\nname: old content\n";
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) dir_file = g_file_new_for_path (sub);
  g_autoptr(GFile) missing_file = g_file_new_for_path (missing);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *inside = g_build_filename (sub, "keep", NULL);

  g_assert_true (g_file_set_contents (path, old, -1, NULL));

  /* A path that is a directory. */
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_true (g_file_set_contents (inside, "kept", -1, NULL));
  g_assert_false (flint_pipeline_save_to_file (pipeline, dir_file, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  assert_file_contents (inside, "kept");

  /* A directory that does not exist. */
  g_assert_false (flint_pipeline_save_to_file (pipeline, missing_file, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A cancelled save. */
  g_cancellable_cancel (cancellable);
  g_assert_false (flint_pipeline_save_to_file (pipeline, file, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  assert_file_contents (path, old);

  /* A read-only directory: the temporary file cannot be made, so nothing changes. */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_chmod (dir, 0500), ==, 0);
      g_assert_false (flint_pipeline_save_to_file (pipeline, file, NULL, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
      g_assert_cmpint (g_chmod (dir, 0700), ==, 0);
    }
  else
    g_test_message ("Running as root: a read-only directory does not stop writes, not checked");
  assert_file_contents (path, old);

  remove_tree (dir);
}

typedef struct
{
  GMainLoop     *loop;
  GAsyncResult  *result;
} AsyncData;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = g_object_ref (result);
  g_main_loop_quit (data->loop);
}

static GAsyncResult *
wait_for_result (AsyncData *data)
{
  g_main_loop_run (data->loop);
  g_assert_nonnull (data->result);
  return g_steal_pointer (&data->result);
}

static void
test_async (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "async.flint.yaml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/flint/missing.flint.yaml");
  g_autoptr(FlintPipeline) pipeline = small_pipeline ("async");
  g_autoptr(FlintPipeline) loaded = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = to_yaml (pipeline);
  g_autofree char *reloaded_text = NULL;
  AsyncData data = { g_main_loop_new (NULL, FALSE), NULL };

  flint_pipeline_save_async (pipeline, file, NULL, on_done, &data);
  /* The text was taken when the save started: later edits are not in this save. */
  flint_pipeline_set_name (pipeline, "changed meanwhile");
  result = wait_for_result (&data);
  g_assert_true (flint_pipeline_save_finish (result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  assert_file_contents (path, expected);

  flint_pipeline_load_async (test_catalog (), file, NULL, on_done, &data);
  result = wait_for_result (&data);
  loaded = flint_pipeline_load_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_clear_object (&result);
  g_assert_cmpstr (flint_pipeline_get_name (loaded), ==, "async");
  reloaded_text = to_yaml (loaded);
  g_assert_cmpstr (reloaded_text, ==, expected);

  /* Errors come through the same way. */
  flint_pipeline_load_async (test_catalog (), missing, NULL, on_done, &data);
  result = wait_for_result (&data);
  g_assert_null (flint_pipeline_load_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  g_main_loop_unref (data.loop);
  remove_tree (dir);
}

static void
test_async_cancel (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "cancel.flint.yaml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(FlintPipeline) pipeline = small_pipeline ("never written");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *old = "flint: 1\nname: old\n";
  AsyncData data = { g_main_loop_new (NULL, FALSE), NULL };

  g_assert_true (g_file_set_contents (path, old, -1, NULL));
  g_cancellable_cancel (cancellable);

  flint_pipeline_save_async (pipeline, file, cancellable, on_done, &data);
  result = wait_for_result (&data);
  g_assert_false (flint_pipeline_save_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_object (&result);
  assert_file_contents (path, old);

  flint_pipeline_load_async (test_catalog (), file, cancellable, on_done, &data);
  result = wait_for_result (&data);
  g_assert_null (flint_pipeline_load_finish (result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&result);

  g_main_loop_unref (data.loop);
  remove_tree (dir);
}

/* The fuzz corpus through the fuzz target's own entry point. */
static void
test_fuzz_corpus (void)
{
  g_autofree char *dir_path = source_path ("fuzz", "corpus", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_test_message ("%s", name);
      LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
      n++;
    }
  g_assert_cmpuint (n, >=, 5);

  /* And the error fixtures. */
  for (guint i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *contents = NULL;
      gsize length;

      contents = read_fixture (error_cases[i].file, &length);
      LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
    }
}

/* Preview sample rows (job.preview.samples.SOURCE, what the inspector's CSV editor writes)
 * save and load back to the same bytes and the same typed values: a string that looks like
 * a number, a boolean or null stays a string. */
static void
test_round_trip_preview_samples (void)
{
  const char *rows_json =
    "[{\"customer_id\":1,\"name\":\"Lovelace, Ada\",\"age\":36,\"country\":\"UK\"},"
    "{\"customer_id\":2,\"name\":\"Bo \\\"the kid\\\": yes\",\"age\":null,\"country\":\"\"},"
    "{\"customer_id\":3,\"name\":\"123\",\"age\":51,\"country\":\"null\"},"
    "{\"customer_id\":4,\"name\":\"true\",\"age\":-7,\"country\":\"- x\\n#y\"}]";
  const char *orders_json =
    "[{\"order_id\":10,\"amount\":12.5,\"ordered_at\":\"2024-05-01 10:00:00\"},"
    "{\"order_id\":11,\"amount\":100,\"ordered_at\":null}]";
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(FlintPipeline) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *customers = NULL;
  g_autofree char *orders = NULL;
  const char *root = g_getenv ("FLINT_SOURCE_ROOT");

  path = root ? g_build_filename (root, "data", "examples", "customer-join.flint.yaml", NULL)
              : g_test_build_filename (G_TEST_DIST, "..", "data", "examples",
                                       "customer-join.flint.yaml", NULL);
  file = g_file_new_for_path (path);
  pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
  g_assert_no_error (error);

  flint_pipeline_take_job_setting (pipeline, "preview.samples.customers",
                                   json_from_string (rows_json, &error));
  g_assert_no_error (error);
  flint_pipeline_take_job_setting (pipeline, "preview.samples.orders",
                                   json_from_string (orders_json, &error));
  g_assert_no_error (error);

  reloaded = round_trip (pipeline, &saved);
  g_assert_nonnull (strstr (saved, "  preview:\n    samples:\n"));
  customers = json_to_string (flint_pipeline_get_job_setting (reloaded, "preview.samples.customers"), FALSE);
  orders = json_to_string (flint_pipeline_get_job_setting (reloaded, "preview.samples.orders"), FALSE);
  g_assert_cmpstr (customers, ==, rows_json);
  g_assert_cmpstr (orders, ==, orders_json);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/io/design-example", test_design_example);
  g_test_add_func ("/io/examples", test_examples);
  g_test_add_func ("/io/style", test_style);
  g_test_add_func ("/io/style/long-lines", test_style_long_lines);
  g_test_add_func ("/io/scalars", test_scalars);
  g_test_add_func ("/io/param-lines", test_param_lines);
  g_test_add_func ("/io/round-trip/hostile", test_round_trip_hostile);
  g_test_add_func ("/io/round-trip/random", test_round_trip_random);
  g_test_add_func ("/io/round-trip/document", test_round_trip_document);
  g_test_add_func ("/io/errors", test_errors);
  g_test_add_func ("/io/cycle-loads", test_cycle_loads);
  g_test_add_func ("/io/too-large", test_too_large);
  g_test_add_func ("/io/deep-nesting", test_deep_nesting);
  g_test_add_func ("/io/migrate/v0", test_migrate_v0);
  g_test_add_func ("/io/migrate/v0-unknown-key", test_migrate_v0_unknown_key);
  g_test_add_func ("/io/file/save-and-load", test_save_and_load_file);
  g_test_add_func ("/io/file/failed-save-keeps-file", test_save_failure_keeps_file);
  g_test_add_func ("/io/file/async", test_async);
  g_test_add_func ("/io/file/async-cancel", test_async_cancel);
  g_test_add_func ("/io/fuzz-corpus", test_fuzz_corpus);
  g_test_add_func ("/io/round-trip/preview-samples", test_round_trip_preview_samples);

  return g_test_run ();
}
