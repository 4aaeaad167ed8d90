/* test-scala.c: the Scala a user takes home
 *
 * Golden files for the examples and for pipelines that use every kind (FLINT_UPDATE_GOLDEN=1
 * rewrites them; a difference fails with a unified diff), the layout scalafmt leaves,
 * byte-identical output whatever order nodes were added in, a Python code node refused by
 * name, secrets resolved at run time, and hostile text in every string parameter of every
 * kind: all of it compiled in one run of the real scalac (FLINT_SCALA_CLASSPATH, with
 * Spark's jars from FLINT_SPARK_JARS), and its literals printed back intact.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-scala"

#include "config.h"

#include <glib/gstdio.h>
#include <glob.h>
#include <string.h>

#include "codegen-test-util.h"
#include "flint-writer.h"

static char *
generate (FlintPipeline *pipeline,
          gboolean       allow_invalid)
{
  return codegen_test_generate (pipeline, FLINT_LANGUAGE_SCALA, allow_invalid);
}

/* scalafmt's layout as far as lines show it: 2-space indentation, no tabs, no trailing
 * space, at most 100 columns unless the line is a lone string literal (which scalafmt
 * cannot split either), one blank line at most. */
static void
assert_layout (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  g_assert_true (g_str_has_suffix (text, "\n"));
  g_assert_false (g_str_has_suffix (text, "\n\n"));
  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];
      g_autofree char *stripped = g_strstrip (g_strdup (line));
      gsize indent = strspn (line, " ");

      g_assert_false (g_str_has_suffix (line, " "));
      g_assert_null (strchr (line, '\t'));
      g_assert_cmpuint (indent % 2, ==, 0);
      if (i > 0 && *line == '\0')
        g_assert_cmpstr (lines[i - 1], !=, "");
      if (g_utf8_strlen (line, -1) > 100 &&
          !(stripped[0] == '"' && (g_str_has_suffix (stripped, "\"") || g_str_has_suffix (stripped, "\","))))
        g_error ("line %u is %ld columns and not a lone string: %s", i + 1, g_utf8_strlen (line, -1), line);
    }
}

static void
test_golden (gconstpointer data)
{
  const char *const *names = data;
  g_autoptr(FlintPipeline) pipeline = codegen_test_load (names[0]);
  g_autofree char *text = generate (pipeline, FALSE);

  assert_layout (text);
  codegen_test_compare_golden (text, names[1]);
}

static void
test_determinism (gconstpointer data)
{
  codegen_test_assert_deterministic (data, FLINT_LANGUAGE_SCALA);
}

static char *classpath_from_pattern (const char *value);

/* Every file a glob (or a directory) in @variable names, joined for a Java classpath;
 * NULL when unset. */
static char *
classpath_from (const char *variable)
{
  const char *value = g_getenv (variable);

  if (value == NULL || *value == '\0')
    return NULL;

  /* A directory stands for the jars in it. */
  if (g_file_test (value, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *pattern = g_build_filename (value, "*.jar", NULL);
      return classpath_from_pattern (pattern);
    }

  return classpath_from_pattern (value);
}

static char *
classpath_from_pattern (const char *value)
{
  g_autoptr(GString) out = g_string_new (NULL);
  glob_t found = { 0 };

  if (glob (value, 0, NULL, &found) == 0)
    for (gsize i = 0; i < found.gl_pathc; i++)
      g_string_append_printf (out, "%s%s", out->len ? ":" : "", found.gl_pathv[i]);
  globfree (&found);

  return out->len ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static char *
hex_of (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);

  for (const guchar *p = (const guchar *) valid; *p; p++)
    g_string_append_printf (out, "%02x", *p);

  return g_string_free (out, FALSE);
}

static void
test_hostile (void)
{
  FlintCatalog *catalog = flint_catalog_get_default ();
  g_autofree char *compiler = classpath_from ("FLINT_SCALA_CLASSPATH");
  g_autofree char *spark = classpath_from ("FLINT_SPARK_JARS");
  g_autofree char *dir = NULL;
  g_autofree char *classes = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) combined = g_string_new (NULL);
  g_autoptr(GString) printer = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  guint programs = 0;

  for (guint h = 0; h < codegen_test_n_hostile; h++)
    g_string_append (combined, codegen_test_hostile[h]);

  dir = g_dir_make_tmp ("flint-test-scala-XXXXXX", &error);
  g_assert_no_error (error);
  classes = g_build_filename (dir, "classes", NULL);
  g_assert_cmpint (g_mkdir (classes, 0700), ==, 0);

  /* One program per kind and mode, every string parameter, label and name hostile. */
  for (guint k = 0; k < flint_catalog_get_n_kinds (catalog); k++)
    for (guint mode = 0; mode < 2; mode++)
      {
        const FlintNodeKind *kind = flint_catalog_get_kind (catalog, k);
        g_autoptr(FlintPipeline) pipeline = flint_pipeline_new (catalog);
        g_autoptr(FlintNode) node = flint_node_new ("hostile", kind);
        g_autoptr(FlintGeneratedCode) code = NULL;
        g_autofree char *name = g_strdup_printf ("%s kind %u mode %u", combined->str, k, mode);
        g_autofree char *path = NULL;

        if (mode == 1)
          flint_pipeline_take_job_setting (pipeline, "mode", codegen_test_string ("streaming"));
        flint_pipeline_set_name (pipeline, name);
        codegen_test_fill_hostile (node, combined->str);
        if (g_str_equal (kind->id, "transform.code"))
          {
            flint_node_take_param (node, "language", codegen_test_string ("scala"));
            flint_node_take_param (node, "code", codegen_test_string ("up_0"));
          }
        g_assert_true (flint_pipeline_add_node (pipeline, node, &error));

        for (guint p = 0; p < kind->inputs->len; p++)
          {
            const FlintPortSpec *port = g_ptr_array_index (kind->inputs, p);
            g_autofree char *id = g_strdup_printf ("up_%u", p);
            g_autoptr(FlintNode) up = flint_node_new (id, flint_catalog_lookup (catalog, "source.csv"));

            codegen_test_fill_hostile (up, combined->str);
            g_assert_true (flint_pipeline_add_node (pipeline, up, &error));
            g_assert_nonnull (flint_pipeline_connect (pipeline, id, NULL, "hostile", port->name, &error));
          }

        code = flint_codegen_generate (pipeline, FLINT_LANGUAGE_SCALA, TRUE, &error);
        g_assert_no_error (error);

        path = g_build_filename (dir, flint_generated_code_get_filename (code), NULL);
        g_file_set_contents (path, flint_generated_code_get_text (code), -1, &error);
        g_assert_no_error (error);
        g_ptr_array_add (argv, g_steal_pointer (&path));
        programs++;
      }

  /* And one object printing each literal back, as hex of its UTF-8. */
  g_string_append (printer, "object FlintHostilePrinter {\n  def main(args: Array[String]): Unit = {\n");
  for (guint h = 0; h <= codegen_test_n_hostile; h++)
    {
      const char *text = h < codegen_test_n_hostile ? codegen_test_hostile[h] : combined->str;
      g_autofree char *literal = flint_writer_scala_string_literal (text);
      g_autofree char *hex = hex_of (text);

      g_string_append_printf (printer, "    println(%s.getBytes(\"UTF-8\").map(b => f\"${b & 0xff}%%02x\").mkString)\n",
                              literal);
      g_string_append_printf (expected, "%s\n", hex);
    }
  g_string_append (printer, "  }\n}\n");
  {
    g_autofree char *path = g_build_filename (dir, "FlintHostilePrinter.scala", NULL);
    g_file_set_contents (path, printer->str, -1, &error);
    g_assert_no_error (error);
    g_ptr_array_add (argv, g_steal_pointer (&path));
  }
  g_test_message ("%u hostile programs written to %s", programs, dir);

  if (compiler == NULL || spark == NULL)
    {
      g_test_skip ("FLINT_SCALA_CLASSPATH and FLINT_SPARK_JARS unset (./flint-dev test sets them): "
                   "the hostile programs were generated but not compiled");
      return;
    }

  /* One scalac run for everything. */
  g_ptr_array_insert (argv, 0, g_strdup ("java"));
  g_ptr_array_insert (argv, 1, g_strdup ("-Xss8m"));
  g_ptr_array_insert (argv, 2, g_strdup ("-cp"));
  g_ptr_array_insert (argv, 3, g_strdup (compiler));
  g_ptr_array_insert (argv, 4, g_strdup ("scala.tools.nsc.Main"));
  g_ptr_array_insert (argv, 5, g_strdup ("-nowarn"));
  g_ptr_array_insert (argv, 6, g_strdup ("-classpath"));
  g_ptr_array_insert (argv, 7, g_strdup (spark));
  g_ptr_array_insert (argv, 8, g_strdup ("-d"));
  g_ptr_array_insert (argv, 9, g_strdup (classes));
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char *const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("scalac refused the hostile programs in %s:\n%s", dir, out);
  g_clear_object (&process);
  g_clear_pointer (&out, g_free);

  {
    g_autofree char *cp = g_strconcat (classes, ":", compiler, NULL);
    const char *run[] = { "java", "-cp", cp, "FlintHostilePrinter", NULL };

    process = g_subprocess_newv (run, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
    g_assert_no_error (error);
    if (!g_subprocess_get_successful (process))
      g_error ("the printer failed: %s", err);
    g_assert_cmpstr (out, ==, expected->str);
  }

  g_test_message ("%u hostile programs compiled; %u literals printed back intact",
                  programs, (guint) codegen_test_n_hostile + 1);
}

static void
test_secrets (void)
{
  static const char *yaml =
    "flint: 1\n"
    "name: secrets\n"
    "job: {mode: batch}\n"
    "nodes:\n"
    "  - id: a\n"
    "    kind: source.jdbc\n"
    "    params: {url: 'jdbc:postgresql://db/app', table: t, password: 'env:DB_PASSWORD'}\n"
    "    schema: [{name: id, type: long}]\n"
    "  - id: b\n"
    "    kind: sink.jdbc\n"
    "    params: {url: 'jdbc:postgresql://db/app', table: t1, password: '{{secrets/warehouse/db-password}}'}\n"
    "  - id: c\n"
    "    kind: sink.jdbc\n"
    "    params: {url: 'jdbc:postgresql://db/app', table: t2, password: 'k8s:db-creds/password'}\n"
    "  - id: d\n"
    "    kind: sink.jdbc\n"
    "    params: {url: 'jdbc:postgresql://db/app', table: t3, password: 'keyring:warehouse'}\n"
    "edges:\n"
    "  - {from: a, to: b}\n"
    "  - {from: a, to: c}\n"
    "  - {from: a, to: d}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintPipeline) pipeline = flint_pipeline_load_from_data (flint_catalog_get_default (), yaml, -1, &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  text = generate (pipeline, FALSE);

  /* The same environment variables as the PySpark program reads. */
  g_assert_nonnull (strstr (text, ".option(\"password\", secret(\"DB_PASSWORD\"))"));
  g_assert_nonnull (strstr (text, "databricksSecret(\"warehouse\", \"db-password\", \"FLINT_SECRET_WAREHOUSE_DB_PASSWORD\")"));
  g_assert_nonnull (strstr (text, "secret(\"FLINT_SECRET_DB_CREDS_PASSWORD\")"));
  g_assert_nonnull (strstr (text, "secret(\"FLINT_SECRET_WAREHOUSE\")"));
  g_assert_nonnull (strstr (text, "sys.env.getOrElse("));
  g_assert_null (strstr (text, "env:DB_PASSWORD"));
  g_assert_null (strstr (text, "{{secrets"));
  g_assert_null (strstr (text, "k8s:"));
  g_assert_null (strstr (text, "keyring:"));
}

static void
test_language (void)
{
  g_autoptr(FlintPipeline) pipeline = codegen_test_load ("tests/codegen/pipelines/all-kinds.flint.yaml");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintGeneratedCode) code = flint_codegen_generate (pipeline, FLINT_LANGUAGE_SCALA, TRUE, &error);

  g_assert_null (code);
  g_assert_error (error, FLINT_CODEGEN_ERROR, FLINT_CODEGEN_ERROR_LANGUAGE);
  g_assert_nonnull (strstr (error->message, "'custom'"));
}

static void
test_job_description (void)
{
  g_autoptr(FlintPipeline) pipeline = codegen_test_load ("data/examples/customer-join.flint.yaml");
  g_autofree char *text = generate (pipeline, FALSE);

  /* The sink's action runs under a description naming its node, cleared after. */
  g_assert_nonnull (strstr (text,
                            "    spark.sparkContext.setJobDescription(\"[flint:orders_by_country] Orders by country\")\n"
                            "    try {\n"
                            "      orders_with_customers.write\n"));
  g_assert_nonnull (strstr (text,
                            "    } finally {\n"
                            "      spark.sparkContext.setJobDescription(null)\n"
                            "    }\n"));
}

static void
test_spans (void)
{
  g_autoptr(FlintPipeline) pipeline = codegen_test_load ("data/examples/customer-join.flint.yaml");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintGeneratedCode) code = flint_codegen_generate (pipeline, FLINT_LANGUAGE_SCALA, FALSE, &error);
  GPtrArray *spans;
  g_auto(GStrv) lines = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (flint_generated_code_get_filename (code), ==, "CustomerJoin.scala");
  g_assert_true (g_str_has_prefix (strstr (flint_generated_code_get_text (code), "object "), "object CustomerJoin {\n"));

  /* Each node's span starts at its def and ends at its closing brace. */
  spans = flint_generated_code_get_spans (code);
  lines = g_strsplit (flint_generated_code_get_text (code), "\n", -1);
  g_assert_cmpuint (spans->len, ==, 5);
  for (guint i = 0; i < spans->len; i++)
    {
      FlintCodeSpan *span = g_ptr_array_index (spans, i);

      g_assert_true (g_str_has_prefix (lines[span->first_line - 1], "  def "));
      g_assert_cmpstr (lines[span->last_line - 1], ==, "  }");
    }
}

/* Names that would shadow Predef or the object's own members are suffixed; no step's
 * variable is another step's method or variable. */
static void
test_names (void)
{
  static const char *yaml =
    "flint: 1\n"
    "name: names\n"
    "job: {mode: batch}\n"
    "nodes:\n"
    "  - {id: a, kind: source.rows, label: orders, params: {count: 3}}\n"
    "  - {id: b, kind: transform.filter, label: orders df, params: {condition: 'id > 0'}}\n"
    "  - {id: c, kind: transform.limit, label: println, params: {count: 2}}\n"
    "  - {id: d, kind: transform.distinct, label: require}\n"
    "  - {id: e, kind: transform.filter, label: identity, params: {condition: 'id > 1'}}\n"
    "  - {id: f, kind: transform.filter, label: secret, params: {condition: 'id > 1'}}\n"
    "  - {id: g, kind: sink.console, label: print}\n"
    "edges:\n"
    "  - {from: a, to: b}\n"
    "  - {from: b, to: c}\n"
    "  - {from: c, to: d}\n"
    "  - {from: d, to: e}\n"
    "  - {from: e, to: f}\n"
    "  - {from: f, to: g}\n";
  static const char *predef[] = {
    "print", "println", "assert", "require", "identity", "secret", "Some", "None", "List", "Map",
    "Seq", "Set", "Option", "String", "Int", "Long", NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintPipeline) pipeline = flint_pipeline_load_from_data (flint_catalog_get_default (), yaml, -1, &error);
  g_autoptr(FlintCodePlan) plan = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_no_error (error);
  plan = flint_code_plan_new (pipeline, FLINT_LANGUAGE_SCALA, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < flint_code_plan_get_n_steps (plan); i++)
    {
      const FlintCodeStep *step = flint_code_plan_get_step (plan, i);
      g_autofree char *expected = g_strconcat (step->function, "Df", NULL);

      g_assert_cmpstr (step->variable, ==, expected);
      g_assert_false (g_strv_contains (predef, step->function));
      g_assert_false (g_hash_table_contains (seen, step->function));
      g_hash_table_add (seen, step->function);
      g_assert_false (g_hash_table_contains (seen, step->variable));
      g_hash_table_add (seen, step->variable);
    }
  g_assert_cmpstr (flint_code_plan_lookup (plan, "a")->function, ==, "orders");
  g_assert_cmpstr (flint_code_plan_lookup (plan, "b")->function, ==, "ordersDf2");
  g_assert_cmpstr (flint_code_plan_lookup (plan, "c")->function, ==, "printlnStep");
  g_assert_cmpstr (flint_code_plan_lookup (plan, "g")->function, ==, "printStep");
}

/* The header names the pipeline file, when the caller knows it, as a comment that
 * cannot end early. */
static void
test_source_name (void)
{
  g_autoptr(FlintPipeline) pipeline = codegen_test_load ("data/examples/customer-join.flint.yaml");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintGeneratedCode) code = NULL;
  g_autoptr(FlintGeneratedCode) hostile_code = NULL;
  g_autoptr(FlintGeneratedCode) plain = NULL;

  code = flint_codegen_generate_for_file (pipeline, FLINT_LANGUAGE_SCALA, FALSE, "customer-join.flint.yaml", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (flint_generated_code_get_text (code),
                                   "// Generated by Flint: regenerate it from the pipeline rather than editing it.\n"
                                   "// From: customer-join.flint.yaml\n\n"));

  plain = flint_codegen_generate (pipeline, FLINT_LANGUAGE_SCALA, FALSE, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (flint_generated_code_get_text (plain), "// From:"));

  hostile_code = flint_codegen_generate_for_file (pipeline, FLINT_LANGUAGE_SCALA, FALSE,
                                                  "a\nobject X\r\u2028\\u000a.flint.yaml", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (flint_generated_code_get_text (hostile_code), "\n// From: a object X  \\\\u000a.flint.yaml\n\n"));
}

/* A batch job stops its session however build() ends; a streaming job waits for its
 * queries first. */
static void
test_main (void)
{
  g_autoptr(FlintPipeline) batch = codegen_test_load ("data/examples/customer-join.flint.yaml");
  g_autofree char *text = generate (batch, FALSE);

  g_assert_nonnull (strstr (text,
                            "    try {\n"
                            "      build(spark)\n"
                            "    } finally {\n"
                            "      spark.stop()\n"
                            "    }\n"));
}

int
main (int argc, char **argv)
{
  static const char *goldens[][2] = {
    { "data/examples/customer-join.flint.yaml", "CustomerJoin.scala" },
    { "data/examples/daily-sales-rollup.flint.yaml", "DailySalesRollup.scala" },
    { "data/examples/streaming-click-counter.flint.yaml", "StreamingClickCounter.scala" },
    { "tests/codegen/pipelines/all-kinds-scala.flint.yaml", "AllKindsScala.scala" },
    { "tests/codegen/pipelines/streaming.flint.yaml", "StreamingKinds.scala" },
  };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (goldens); i++)
    {
      g_autofree char *path = g_strdup_printf ("/scala/golden/%s", goldens[i][1]);
      g_autofree char *det = g_strdup_printf ("/scala/determinism/%s", goldens[i][1]);

      g_test_add_data_func (path, goldens[i], test_golden);
      g_test_add_data_func (det, goldens[i][0], test_determinism);
    }
  g_test_add_func ("/scala/hostile", test_hostile);
  g_test_add_func ("/scala/secrets", test_secrets);
  g_test_add_func ("/scala/language", test_language);
  g_test_add_func ("/scala/job-description", test_job_description);
  g_test_add_func ("/scala/spans", test_spans);
  g_test_add_func ("/scala/names", test_names);
  g_test_add_func ("/scala/source-name", test_source_name);
  g_test_add_func ("/scala/main", test_main);

  return g_test_run ();
}
