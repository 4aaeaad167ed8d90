/* test-python.c: the PySpark a user takes home
 *
 * Golden files for the examples and for pipelines that use every kind (FLINT_UPDATE_GOLDEN=1
 * rewrites them), black's layout, byte-identical output whatever order nodes were added
 * in, hostile text in every string parameter that still parses and arrives intact, secrets
 * that resolve at run time and never appear, and code nodes of the other language refused.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-python"

#include "config.h"

#include <string.h>

#include "codegen-test-util.h"

static char *
generate (FlintPipeline *pipeline, gboolean allow_invalid)
{
  return codegen_test_generate (pipeline, FLINT_LANGUAGE_PYTHON, allow_invalid);
}

/* Runs python3 with @script, @input on its standard input; returns its exit status. */
static int
run_python (const char *script, const char *input, char **out)
{
  const char *argv[] = { "python3", "-c", script, NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_test_message ("python3: %s", err);
  return g_subprocess_get_exit_status (process);
}

/* A line longer than black's 88 columns is only allowed when it is one string literal,
 * which black cannot split either. */
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

      g_assert_false (g_str_has_suffix (line, " "));
      g_assert_null (strchr (line, '\t'));
      if (g_utf8_strlen (line, -1) > 88)
        {
          if (!(stripped[0] == '"' && (g_str_has_suffix (stripped, "\"") || g_str_has_suffix (stripped, "\","))))
            g_error ("line %u is %ld columns and not a lone string: %s", i + 1, g_utf8_strlen (line, -1), line);
        }
      /* Top-level definitions have two blank lines before them, as black wants. */
      if ((g_str_has_prefix (line, "def ") || g_str_has_prefix (line, "@")) && i > 2 &&
          !g_str_has_prefix (lines[i - 1], "@"))
        {
          g_assert_cmpstr (lines[i - 1], ==, "");
          g_assert_cmpstr (lines[i - 2], ==, "");
          g_assert_cmpstr (lines[i - 3], !=, "");
        }
    }
}

static const char *
find_black (void)
{
  static char *black;

  if (black == NULL)
    {
      const char *env = g_getenv ("FLINT_BLACK");
      black = env && *env ? g_strdup (env) : g_find_program_in_path ("black");
      if (black == NULL)
        {
          g_autofree char *home = g_build_filename (g_get_user_cache_dir (), "flint", "tools-venv", "bin", "black", NULL);
          if (g_file_test (home, G_FILE_TEST_IS_EXECUTABLE))
            black = g_steal_pointer (&home);
        }
    }
  return black;
}

static void
test_golden (gconstpointer data)
{
  const char *const *names = data;
  g_autoptr(FlintPipeline) pipeline = codegen_test_load (names[0]);
  g_autofree char *text = generate (pipeline, FALSE);
  g_autofree char *relative = g_strdup_printf ("tests/codegen/golden/%s", names[1]);
  g_autofree char *golden = codegen_test_source_path (relative);
  g_autoptr(GError) error = NULL;
  g_autofree char *parsed = NULL;

  assert_layout (text);
  g_assert_cmpint (run_python ("import ast,sys; ast.parse(sys.stdin.read())", text, &parsed), ==, 0);
  codegen_test_compare_golden (text, names[1]);

  /* Black leaves it as it is, where black is installed. */
  if (find_black () != NULL)
    {
      const char *argv[] = { find_black (), "--check", "--quiet", golden, NULL };
      g_autoptr(GSubprocess) black = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);

      g_assert_no_error (error);
      g_subprocess_wait (black, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_successful (black));
    }
  else
    g_test_message ("black not found: layout checked by the line rules only");
}

static void
test_determinism (gconstpointer data)
{
  codegen_test_assert_deterministic (data, FLINT_LANGUAGE_PYTHON);
}


static void
test_hostile (void)
{
  FlintCatalog *catalog = flint_catalog_get_default ();
  guint checked = 0;
  g_autoptr(GError) dir_error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("flint-hostile-XXXXXX", &dir_error);
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;

  g_assert_no_error (dir_error);

  for (guint k = 0; k < flint_catalog_get_n_kinds (catalog); k++)
    for (guint h = 0; h < codegen_test_n_hostile; h++)
      for (guint mode = 0; mode < 2; mode++)
        {
          const FlintNodeKind *kind = flint_catalog_get_kind (catalog, k);
          g_autoptr(FlintPipeline) pipeline = flint_pipeline_new (catalog);
          g_autoptr(FlintNode) node = flint_node_new ("hostile", kind);
          g_autoptr(GError) error = NULL;
          g_autoptr(FlintGeneratedCode) code = NULL;
          g_autoptr(GString) hex = g_string_new (NULL);
          const char *text = codegen_test_hostile[h];

          if (mode == 1)
            flint_pipeline_take_job_setting (pipeline, "mode", codegen_test_string ("streaming"));
          flint_pipeline_set_name (pipeline, text);
          codegen_test_fill_hostile (node, text);
          if (g_str_equal (kind->id, "transform.code"))
            flint_node_take_param (node, "language", codegen_test_string ("python"));
          g_assert_true (flint_pipeline_add_node (pipeline, node, &error));

          /* Every input port fed by a source, itself hostile. */
          for (guint p = 0; p < kind->inputs->len; p++)
            {
              const FlintPortSpec *port = g_ptr_array_index (kind->inputs, p);
              g_autofree char *id = g_strdup_printf ("up_%u", p);
              g_autoptr(FlintNode) up = flint_node_new (id, flint_catalog_lookup (catalog, "source.csv"));

              codegen_test_fill_hostile (up, text);
              g_assert_true (flint_pipeline_add_node (pipeline, up, &error));
              g_assert_nonnull (flint_pipeline_connect (pipeline, id, NULL, "hostile", port->name, &error));
            }

          code = flint_codegen_generate (pipeline, FLINT_LANGUAGE_PYTHON, TRUE, &error);
          g_assert_no_error (error);

          /* Checked all at once below: one python3 for every program. */
          for (const char *p = text; *p; p++)
            g_string_append_printf (hex, "%02x", (guchar) *p);
          {
            g_autofree char *name = g_strdup_printf ("%s-%u-%u", kind->id, h, mode);
            g_autofree char *py = g_strdup_printf ("%s/%s.py", dir, name);
            g_autofree char *want = g_strdup_printf ("%s/%s.want", dir, name);

            g_file_set_contents (py, flint_generated_code_get_text (code), -1, &error);
            g_assert_no_error (error);
            g_file_set_contents (want, hex->str, -1, &error);
            g_assert_no_error (error);
          }
          checked++;
        }

  /* Each hostile value arrives as a string constant: as it is, quoted as a SQL name, or
   * inside a statement Flint composed (a join condition, a MERGE). */
  script = g_strdup_printf ("import ast, glob, sys\n"
                            "bad = 0\n"
                            "for path in sorted(glob.glob('%s/*.py')):\n"
                            "    try:\n"
                            "        tree = ast.parse(open(path, encoding='utf-8').read())\n"
                            "    except SyntaxError as e:\n"
                            "        print(path, 'does not parse:', e); bad += 1; continue\n"
                            "    found = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]\n"
                            "    w = bytes.fromhex(open(path[:-3] + '.want').read()).decode()\n"
                            "    q = '`' + w.replace('`', '``') + '`'\n"
                            "    if not any(w in f or q in f for f in found):\n"
                            "        print(path, 'loses', repr(w)); bad += 1\n"
                            "print(bad)\n", dir);
  g_assert_cmpint (run_python (script, "", &out), ==, 0);
  if (g_strcmp0 (out, "0\n") != 0)
    g_error ("hostile text: %s", out);
  g_test_message ("%u programs with hostile text parsed, every value intact", checked);
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
  g_autofree char *out = NULL;
  const char *script =
    "import ast, os, sys\n"
    "tree = ast.parse(sys.stdin.read())\n"
    "helpers = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in ('_env_secret', '_databricks_secret')]\n"
    "ns = {'os': os, 'SparkSession': object}\n"
    "exec(compile(ast.Module(body=helpers, type_ignores=[]), 'helpers', 'exec'), ns)\n"
    "os.environ['DB_PASSWORD'] = 's3cr3t-env'\n"
    "os.environ['FLINT_SECRET_WAREHOUSE_DB_PASSWORD'] = 's3cr3t-dbx'\n"
    "assert ns['_env_secret']('DB_PASSWORD') == 's3cr3t-env'\n"
    "assert ns['_databricks_secret'](None, 'warehouse', 'db-password', 'FLINT_SECRET_WAREHOUSE_DB_PASSWORD') == 's3cr3t-dbx'\n"
    "try:\n"
    "    ns['_env_secret']('FLINT_SECRET_UNSET_FOR_SURE')\n"
    "    sys.exit('an unset secret must fail')\n"
    "except RuntimeError as e:\n"
    "    assert 'FLINT_SECRET_UNSET_FOR_SURE' in str(e)\n"
    "print('ok')\n";

  g_assert_no_error (error);
  text = generate (pipeline, FALSE);

  g_assert_nonnull (strstr (text, ".option(\"password\", _env_secret(\"DB_PASSWORD\"))"));
  g_assert_nonnull (strstr (text, "_databricks_secret(\n"));
  g_assert_nonnull (strstr (text, "spark, \"warehouse\", \"db-password\", \"FLINT_SECRET_WAREHOUSE_DB_PASSWORD\""));
  g_assert_nonnull (strstr (text, "_env_secret(\"FLINT_SECRET_DB_CREDS_PASSWORD\")"));
  g_assert_nonnull (strstr (text, "_env_secret(\"FLINT_SECRET_WAREHOUSE\")"));
  g_assert_null (strstr (text, "env:DB_PASSWORD"));
  g_assert_null (strstr (text, "{{secrets"));
  g_assert_null (strstr (text, "k8s:"));
  g_assert_null (strstr (text, "keyring:"));

  g_assert_cmpint (run_python (script, text, &out), ==, 0);
  g_assert_cmpstr (out, ==, "ok\n");
}

static void
test_language (void)
{
  static const char *yaml =
    "flint: 1\n"
    "name: mixed\n"
    "job: {mode: batch}\n"
    "nodes:\n"
    "  - id: a\n"
    "    kind: source.rows\n"
    "    params: {count: 3}\n"
    "  - id: scala_step\n"
    "    kind: transform.code\n"
    "    params: {language: scala, code: 'a.limit(1)'}\n"
    "edges:\n"
    "  - {from: a, to: scala_step}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintPipeline) pipeline = flint_pipeline_load_from_data (flint_catalog_get_default (), yaml, -1, &error);
  g_autoptr(FlintGeneratedCode) code = NULL;

  g_assert_no_error (error);
  code = flint_codegen_generate (pipeline, FLINT_LANGUAGE_PYTHON, TRUE, &error);
  g_assert_null (code);
  g_assert_error (error, FLINT_CODEGEN_ERROR, FLINT_CODEGEN_ERROR_LANGUAGE);
  g_assert_nonnull (strstr (error->message, "scala_step"));
}

static void
test_job_description (void)
{
  g_autoptr(FlintPipeline) pipeline = codegen_test_load ("data/examples/customer-join.flint.yaml");
  g_autofree char *text = generate (pipeline, FALSE);

  /* The sink's action runs inside the context that names its node. */
  g_assert_nonnull (strstr (text, "    with _flint_job(spark, \"orders_by_country\", \"Orders by country\"):\n"
                                  "        writer.save(\"out/orders_by_country/\")\n"));
  g_assert_nonnull (strstr (text, "context.setJobDescription(f\"[flint:{node_id}] {name}\")"));
  g_assert_nonnull (strstr (text, "context.setJobDescription(None)"));
  g_assert_nonnull (strstr (text, "spark.addTag(\"flint:\" + node_id)"));
}

static char *
generate_yaml (const char *yaml, gboolean allow_invalid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintPipeline) pipeline = flint_pipeline_load_from_data (flint_catalog_get_default (), yaml, -1, &error);

  g_assert_no_error (error);
  return generate (pipeline, allow_invalid);
}

#define PEOPLE_YAML \
  "  - id: people\n" \
  "    kind: source.parquet\n" \
  "    params: {path: data/people.parquet}\n" \
  "    schema: [{name: id, type: long}, {name: name, type: string}, {name: tags, type: array<string>}]\n"

/* The quarantine output holds the failing rows only when they are quarantined: dropped
 * (or failing) rows go nowhere, as the designer's rule says. */
#define QUARANTINE_YAML \
    "flint: 1\n" \
    "name: checks\n" \
    "job: {mode: batch}\n" \
    "nodes:\n" \
    PEOPLE_YAML \
    "  - id: checked\n" \
    "    kind: transform.quality\n" \
    "    params:\n" \
    "      on_failure: %s\n" \
    "      expectations: [{name: has_name, column: name, rule: not_null}]\n" \
    "  - {id: passed, kind: sink.parquet, params: {path: out/passed/}}\n" \
    "  - {id: quarantined, kind: sink.parquet, params: {path: out/quarantined/}}\n" \
    "edges:\n" \
    "  - {from: people, to: checked}\n" \
    "  - {from: checked, to: passed}\n" \
    "  - {from: checked.quarantine, to: quarantined}\n"

static void
test_quarantine (void)
{
  static const char *failing = "    quarantine = checked.where(F.size(\"failed_expectations\") > 0)\n";
  static const char *empty = "    quarantine = checked.where(F.lit(False))\n";
  const char *modes[] = { "drop", "fail", "quarantine" };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *yaml = g_strdup_printf (QUARANTINE_YAML, modes[i]);
      g_autofree char *text = generate_yaml (yaml, FALSE);
      gboolean quarantined = g_str_equal (modes[i], "quarantine");

      g_test_message ("on_failure: %s", modes[i]);
      g_assert_true ((strstr (text, failing) != NULL) == quarantined);
      g_assert_true ((strstr (text, empty) != NULL) == !quarantined);
      g_assert_nonnull (strstr (text, "    out = checked.where(F.size(\"failed_expectations\") == 0)\n"));
    }
}

/* An exploded column takes the place of a column of its name, as withColumn does (the
 * rule's schema); it never adds a second column of the same name. */
#define EXPLODE_YAML \
    "flint: 1\n" \
    "name: explode\n" \
    "job: {mode: batch}\n" \
    "nodes:\n" \
    PEOPLE_YAML \
    "  - id: tag_rows\n" \
    "    kind: transform.explode\n" \
    "    params: {column: tags, as: %s, position: %s}\n" \
    "  - {id: written, kind: sink.parquet, params: {path: out/x/}}\n" \
    "edges:\n" \
    "  - {from: people, to: tag_rows}\n" \
    "  - {from: tag_rows, to: written}\n"

static void
test_explode (void)
{
  g_autofree char *same = g_strdup_printf (EXPLODE_YAML, "tags", "false");
  g_autofree char *with_pos = g_strdup_printf (EXPLODE_YAML, "name", "true");
  g_autofree char *text = generate_yaml (same, FALSE);
  g_autofree char *pos_text = NULL;

  g_assert_nonnull (strstr (text, "    return people.withColumn(\"tags\", F.explode(F.col(\"tags\")))\n"));
  g_assert_null (strstr (text, ".select(\"*\""));

  /* Position and element: each set in place or appended, in the rule's order. */
  pos_text = generate_yaml (with_pos, FALSE);
  g_assert_nonnull (strstr (pos_text,
                            "        people.select(\n"
                            "            \"*\", F.posexplode(F.col(\"tags\")).alias(\"__flint_pos\", \"__flint_name\")\n"
                            "        )\n"
                            "        .withColumn(\"pos\", F.col(\"__flint_pos\"))\n"
                            "        .withColumn(\"name\", F.col(\"__flint_name\"))\n"
                            "        .drop(\"__flint_pos\", \"__flint_name\")\n"));
}

/* Keys of the same name joined with a condition too: one copy of each key, the left's,
 * as the rule and the Scala program keep. */
#define JOIN_YAML \
    "flint: 1\n" \
    "name: join\n" \
    "job: {mode: batch}\n" \
    "nodes:\n" \
    PEOPLE_YAML \
    "  - id: other\n" \
    "    kind: source.parquet\n" \
    "    params: {path: data/other.parquet}\n" \
    "    schema: [{name: id, type: long}, {name: score, type: int}]\n" \
    "  - id: joined\n" \
    "    kind: transform.join\n" \
    "    params: {how: %s, keys: [{left: id, right: id}], condition: 'right.score > 1'}\n" \
    "  - {id: written, kind: sink.parquet, params: {path: out/x/}}\n" \
    "edges:\n" \
    "  - {from: people, to: joined.left}\n" \
    "  - {from: other, to: joined.right}\n" \
    "  - {from: joined, to: written}\n"

static void
test_join_keys_once (void)
{
  g_autofree char *inner = g_strdup_printf (JOIN_YAML, "inner");
  g_autofree char *semi = g_strdup_printf (JOIN_YAML, "semi");
  g_autofree char *text = generate_yaml (inner, FALSE);
  g_autofree char *semi_text = generate_yaml (semi, FALSE);

  g_assert_nonnull (strstr (text, "    condition = F.expr(\"left.id = right.id AND (right.score > 1)\")\n"));
  g_assert_nonnull (strstr (text, "    return left.join(right, on=condition, how=\"inner\").drop(F.col(\"right.id\"))\n"));
  /* A semi join keeps the left side only: nothing to drop. */
  g_assert_nonnull (strstr (semi_text, "    return left.join(right, on=condition, how=\"left_semi\")\n"));
}

/* A batch job stops its session however build() ends; a streaming job waits for its
 * queries first (a batch sink among them gives None). */
static void
test_main (void)
{
  g_autoptr(FlintPipeline) batch = codegen_test_load ("data/examples/customer-join.flint.yaml");
  g_autoptr(FlintPipeline) streaming = codegen_test_load ("data/examples/streaming-click-counter.flint.yaml");
  g_autofree char *batch_text = generate (batch, FALSE);
  g_autofree char *streaming_text = generate (streaming, FALSE);

  g_assert_nonnull (strstr (batch_text,
                            "    try:\n"
                            "        build(spark)\n"
                            "    finally:\n"
                            "        spark.stop()\n"));
  g_assert_nonnull (strstr (streaming_text,
                            "    try:\n"
                            "        for query in build(spark).values():\n"
                            "            query.awaitTermination()\n"
                            "    finally:\n"
                            "        spark.stop()\n"));
}

static gboolean
is_python_builtin (const char *name)
{
  static const char *builtins[] = {
    "filter", "map", "sorted", "sum", "min", "max", "len", "list", "dict", "set", "str", "int",
    "float", "round", "range", "type", "id", "input", "open", "print", "zip", "any", "all",
    "format", "hash", "iter", "next", "object", "slice", "abs", "bool", "bytes", "pow", "repr",
    "reversed", "vars", NULL
  };

  return g_strv_contains (builtins, name);
}

/* Names that would shadow a builtin or the module's own are suffixed; no step's variable
 * is another step's function or variable; the same names whatever the node order. */
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
    "  - {id: c, kind: transform.limit, label: orders_df_df, params: {count: 2}}\n"
    "  - {id: d, kind: transform.sort, label: sorted, params: {order_by: [{column: id}]}}\n"
    "  - {id: e, kind: transform.distinct, label: type}\n"
    "  - {id: f, kind: transform.filter, label: any, params: {condition: 'id > 1'}}\n"
    "  - {id: g, kind: transform.filter, label: os, params: {condition: 'id > 1'}}\n"
    "  - {id: h, kind: transform.filter, label: print, params: {condition: 'id > 1'}}\n"
    "  - {id: i, kind: sink.console, label: filter}\n"
    "edges:\n"
    "  - {from: a, to: b}\n"
    "  - {from: b, to: c}\n"
    "  - {from: c, to: d}\n"
    "  - {from: d, to: e}\n"
    "  - {from: e, to: f}\n"
    "  - {from: f, to: g}\n"
    "  - {from: g, to: h}\n"
    "  - {from: h, to: i}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintPipeline) pipeline = flint_pipeline_load_from_data (flint_catalog_get_default (), yaml, -1, &error);
  g_autoptr(FlintCodePlan) plan = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;

  g_assert_no_error (error);
  plan = flint_code_plan_new (pipeline, FLINT_LANGUAGE_PYTHON, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < flint_code_plan_get_n_steps (plan); i++)
    {
      const FlintCodeStep *step = flint_code_plan_get_step (plan, i);
      g_autofree char *expected = g_strconcat (step->function, "_df", NULL);

      g_test_message ("%s: %s, %s", flint_node_get_id (step->node), step->function, step->variable);
      g_assert_cmpstr (step->variable, ==, expected);
      g_assert_false (is_python_builtin (step->function));
      g_assert_false (g_str_equal (step->function, "os"));
      g_assert_false (g_hash_table_contains (seen, step->function));
      g_hash_table_add (seen, step->function);
      g_assert_false (g_hash_table_contains (seen, step->variable));
      g_hash_table_add (seen, step->variable);
    }
  g_assert_cmpstr (flint_code_plan_lookup (plan, "a")->function, ==, "orders");
  g_assert_cmpstr (flint_code_plan_lookup (plan, "b")->function, ==, "orders_df_2");
  g_assert_cmpstr (flint_code_plan_lookup (plan, "d")->function, ==, "sorted_step");
  g_assert_cmpstr (flint_code_plan_lookup (plan, "e")->function, ==, "type_");
  g_assert_cmpstr (flint_code_plan_lookup (plan, "g")->function, ==, "os_step");
  g_assert_cmpstr (flint_code_plan_lookup (plan, "i")->function, ==, "filter_step");

  /* And the module runs its build() wiring without calling a DataFrame. */
  text = generate (pipeline, FALSE);
  g_assert_cmpint (run_python ("import ast, builtins, sys\n"
                               "tree = ast.parse(sys.stdin.read())\n"
                               "defs = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}\n"
                               "build = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == 'build')\n"
                               "assigned = {t.id for n in ast.walk(build) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}\n"
                               "print(sorted(defs & assigned), sorted(d for d in defs if d in ('sorted', 'type', 'any', 'print', 'filter', 'os')))\n",
                               text, &out), ==, 0);
  g_assert_cmpstr (out, ==, "[] []\n");
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
  g_autofree char *parsed = NULL;

  code = flint_codegen_generate_for_file (pipeline, FLINT_LANGUAGE_PYTHON, FALSE, "customer-join.flint.yaml", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (flint_generated_code_get_text (code), "\n# From: customer-join.flint.yaml\n"));

  plain = flint_codegen_generate (pipeline, FLINT_LANGUAGE_PYTHON, FALSE, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (flint_generated_code_get_text (plain), "# From:"));

  hostile_code = flint_codegen_generate_for_file (pipeline, FLINT_LANGUAGE_PYTHON, FALSE,
                                                  "a\nimport os\r\u2028b.flint.yaml", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (flint_generated_code_get_text (hostile_code), "# From: a import os b.flint.yaml\n"));
  g_assert_cmpint (run_python ("import ast,sys; t = ast.parse(sys.stdin.read()); "
                               "print(sum(isinstance(n, ast.Import) for n in t.body))",
                               flint_generated_code_get_text (hostile_code), &parsed), ==, 0);
  g_assert_cmpstr (parsed, ==, "0\n");
}

/* Delta, JDBC and catalog tables refuse a schema given at read time: the declared one
 * is the designer's alone. */
static void
test_no_read_schema (void)
{
  static const char *yaml =
    "flint: 1\n"
    "name: reads\n"
    "job: {mode: batch}\n"
    "nodes:\n"
    "  - id: d\n"
    "    kind: source.delta\n"
    "    params: {path: data/d}\n"
    "    schema: [{name: id, type: long}]\n"
    "  - id: j\n"
    "    kind: source.jdbc\n"
    "    params: {url: 'jdbc:sqlite:x.db', table: t}\n"
    "    schema: [{name: id, type: long}]\n"
    "  - id: t\n"
    "    kind: source.table\n"
    "    params: {table: db.t}\n"
    "    schema: [{name: id, type: long}]\n"
    "  - id: p\n"
    "    kind: source.parquet\n"
    "    params: {path: data/p}\n"
    "    schema: [{name: id, type: long}]\n"
    "  - {id: u, kind: transform.union}\n"
    "  - {id: w, kind: sink.parquet, params: {path: out/w/}}\n"
    "edges:\n"
    "  - {from: d, to: u}\n"
    "  - {from: j, to: u}\n"
    "  - {from: t, to: u}\n"
    "  - {from: p, to: u}\n"
    "  - {from: u, to: w}\n";
  g_autofree char *text = generate_yaml (yaml, TRUE);
  const char *p = text;
  guint n = 0;

  /* Only the Parquet read declares its schema. */
  while ((p = strstr (p, ".schema(\"id BIGINT\")")) != NULL)
    n++, p++;
  g_assert_cmpuint (n, ==, 1);
  g_assert_nonnull (strstr (text, "\ndef p(spark: SparkSession)"));
  g_assert_true (strstr (text, ".schema(\"id BIGINT\")") > strstr (text, "\ndef p(spark: SparkSession)"));
}

int
main (int argc, char **argv)
{
  static const char *goldens[][2] = {
    { "data/examples/customer-join.flint.yaml", "customer_join.py" },
    { "data/examples/daily-sales-rollup.flint.yaml", "daily_sales_rollup.py" },
    { "data/examples/streaming-click-counter.flint.yaml", "streaming_click_counter.py" },
    { "tests/codegen/pipelines/all-kinds.flint.yaml", "all_kinds.py" },
    { "tests/codegen/pipelines/streaming.flint.yaml", "streaming_kinds.py" },
  };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (goldens); i++)
    {
      g_autofree char *path = g_strdup_printf ("/python/golden/%s", goldens[i][1]);
      g_autofree char *det = g_strdup_printf ("/python/determinism/%s", goldens[i][1]);

      g_test_add_data_func (path, goldens[i], test_golden);
      g_test_add_data_func (det, goldens[i][0], test_determinism);
    }
  g_test_add_func ("/python/hostile", test_hostile);
  g_test_add_func ("/python/secrets", test_secrets);
  g_test_add_func ("/python/language", test_language);
  g_test_add_func ("/python/job-description", test_job_description);
  g_test_add_func ("/python/quarantine", test_quarantine);
  g_test_add_func ("/python/explode", test_explode);
  g_test_add_func ("/python/join-keys-once", test_join_keys_once);
  g_test_add_func ("/python/main", test_main);
  g_test_add_func ("/python/names", test_names);
  g_test_add_func ("/python/source-name", test_source_name);
  g_test_add_func ("/python/no-read-schema", test_no_read_schema);

  return g_test_run ();
}
