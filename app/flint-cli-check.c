/* flint-cli-check.c: flint-cli check, the pipeline analysed by Spark itself
 *
 * Generates the PySpark program as `flint-cli generate` does, then has a local Spark
 * session analyse every node on empty inputs: each source becomes an empty DataFrame of
 * its declared schema (Kafka and text sources: their fixed one; generated rows run as
 * written, they read nothing), no sink runs, and each node's DataFrame has its schema
 * computed, which makes Spark resolve every column, function and type. What Spark
 * refuses is reported at the node and, when the message names a column or an
 * expression the node's parameters hold, at that parameter's line.
 *
 * The generated module stays exactly what users get: a small driver script imports it
 * and calls the node functions itself, in the plan's order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flint-cli.h"
#include "flint-codegen.h"
#include "flint-model.h"

/* Reads MANIFEST (per pipeline: the module, the steps, the job's SQL conf), writes
 * RESULT: per pipeline and node, ok + schemas (Spark's JSON), error + message (+ the
 * condition and parameters of an AnalysisException), skipped (an input failed), unknown
 * (a source without schema) or sink. One session serves every file given. Exit 3 with
 * "fatal" when no session could start. */
static const char driver_source[] =
  "# flint-cli check's driver: analyses generated PySpark modules on empty inputs.\n"
  "# argv: MANIFEST RESULT. Reads no data, runs no sink, starts one local session for all.\n"
  "import importlib.util, inspect, json, sys\n"
  "man = json.load(open(sys.argv[1], encoding=\"utf-8\"))\n"
  "out = {\"pipelines\": []}\n"
  "def done(code):\n"
  "    with open(sys.argv[2], \"w\", encoding=\"utf-8\") as f:\n"
  "        json.dump(out, f)\n"
  "    sys.exit(code)\n"
  "try:\n"
  "    from pyspark.sql import SparkSession\n"
  "    from pyspark.sql.types import StructType\n"
  "    from pyspark.errors import AnalysisException\n"
  "    b = SparkSession.builder.master(\"local[1]\").appName(\"flint-check\")\n"
  "    for k, v in [(\"spark.ui.enabled\", \"false\"), (\"spark.sql.shuffle.partitions\", \"1\"),\n"
  "                 (\"spark.sql.session.timeZone\", \"UTC\")]:\n"
  "        b = b.config(k, v)\n"
  "    spark = b.getOrCreate()\n"
  "    spark.sparkContext.setLogLevel(\"ERROR\")\n"
  "    out[\"spark_version\"] = spark.version\n"
  "except BaseException as e:\n"
  "    out[\"fatal\"] = f\"{type(e).__name__}: {e}\"\n"
  "    done(3)\n"
  "def failed(e):\n"
  "    r = {\"status\": \"error\", \"message\": str(e), \"class\": type(e).__name__}\n"
  "    if isinstance(e, AnalysisException):\n"
  "        get = getattr(e, \"getCondition\", None) or e.getErrorClass\n"
  "        r[\"condition\"] = get()\n"
  "        r[\"parameters\"] = e.getMessageParameters() or {}\n"
  "    return r\n"
  "def check(n, pipeline):\n"
  "    nodes, frames = {}, {}\n"
  "    spec = importlib.util.spec_from_file_location(f\"flint_checked_{n}\", pipeline[\"module\"])\n"
  "    mod = importlib.util.module_from_spec(spec)\n"
  "    try:\n"
  "        spec.loader.exec_module(mod)\n"
  "    except Exception as e:\n"
  "        return {\"fatal\": f\"{type(e).__name__}: {e}\", \"nodes\": nodes}\n"
  "    for step in pipeline[\"steps\"]:\n"
  "        node = step[\"node\"]\n"
  "        if step[\"category\"] == \"sink\":\n"
  "            nodes[node] = {\"status\": \"sink\"}\n"
  "            continue\n"
  "        args, missing = [], None\n"
  "        for src, port in step[\"inputs\"]:\n"
  "            key = src + \".\" + port if src + \".\" + port in frames else src + \".\"\n"
  "            if key not in frames:\n"
  "                missing = src\n"
  "                break\n"
  "            args.append(frames[key])\n"
  "        if missing is not None:\n"
  "            nodes[node] = {\"status\": \"skipped\", \"because\": missing}\n"
  "            continue\n"
  "        try:\n"
  "            if step[\"category\"] == \"source\" and not step[\"call\"]:\n"
  "                if step[\"schema\"] is None:\n"
  "                    nodes[node] = {\"status\": \"unknown\"}\n"
  "                    continue\n"
  "                result = spark.createDataFrame([], StructType.fromJson(step[\"schema\"]))\n"
  "            else:\n"
  "                fn = getattr(mod, step[\"function\"])\n"
  "                params = list(inspect.signature(fn).parameters.values())\n"
  "                if params and params[0].annotation is SparkSession:\n"
  "                    args.insert(0, spark)\n"
  "                result = fn(*args)\n"
  "            results = result if isinstance(result, tuple) else (result,)\n"
  "            schemas = [r.schema.jsonValue() for r in results]\n"
  "        except Exception as e:\n"
  "            nodes[node] = failed(e)\n"
  "            continue\n"
  "        for port, r in zip(step[\"outputs\"], results):\n"
  "            frames[node + \".\" + port] = r\n"
  "        frames[node + \".\"] = results[0]\n"
  "        nodes[node] = {\"status\": \"ok\", \"schemas\": schemas}\n"
  "    return {\"nodes\": nodes}\n"
  "for n, pipeline in enumerate(man[\"pipelines\"]):\n"
  "    # The job's SQL settings change analysis (case sensitivity, ANSI mode): each its own.\n"
  "    saved = {k: spark.conf.get(k, None) for k in pipeline[\"conf\"]}\n"
  "    for k, v in pipeline[\"conf\"].items():\n"
  "        spark.conf.set(k, v)\n"
  "    out[\"pipelines\"].append(check(n, pipeline))\n"
  "    for k, v in saved.items():\n"
  "        if v is None:\n"
  "            spark.conf.unset(k)\n"
  "        else:\n"
  "            spark.conf.set(k, v)\n"
  "    spark.catalog.clearCache()\n"
  "    for t in spark.catalog.listTables():\n"
  "        if t.isTemporary:\n"
  "            spark.catalog.dropTempView(t.name)\n"
  "done(0)\n";

typedef struct
{
  const char     *path;
  FlintPipeline  *pipeline;
  FlintValidator *validator;
  FlintCodePlan  *plan;
  FlintGeneratedCode *code;
  JsonObject    *result;      /* the driver's, for this pipeline */
  gboolean       as_json;
  JsonBuilder   *builder;     /* --json */
  guint          errors;
  guint          warnings;
} Check;

/* Spark's type JSON {{{ */

static JsonNode *type_to_spark (FlintDataType *type);

static JsonNode *
schema_to_spark (FlintSchema *schema)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "struct");
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  for (guint i = 0; i < flint_schema_get_n_columns (schema); i++)
    {
      const FlintColumn *column = flint_schema_get_column (schema, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, column->name);
      json_builder_set_member_name (builder, "type");
      if (column->type != NULL)
        json_builder_add_value (builder, type_to_spark (column->type));
      else
        json_builder_add_string_value (builder, "string");
      json_builder_set_member_name (builder, "nullable");
      json_builder_add_boolean_value (builder, column->nullable);
      json_builder_set_member_name (builder, "metadata");
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return g_steal_pointer (&root);
}

/* StructType.fromJson's names: as the file format's, but "integer" and "void". */
static JsonNode *
type_to_spark (FlintDataType *type)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *name = NULL;

  switch (flint_data_type_get_kind (type))
    {
    case FLINT_TYPE_KIND_INT:
      return json_node_init_string (json_node_alloc (), "integer");
    case FLINT_TYPE_KIND_NULL:
      return json_node_init_string (json_node_alloc (), "void");
    case FLINT_TYPE_KIND_STRUCT:
      return schema_to_spark (flint_data_type_get_fields (type));
    case FLINT_TYPE_KIND_ARRAY:
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "array");
      json_builder_set_member_name (builder, "elementType");
      json_builder_add_value (builder, type_to_spark (flint_data_type_get_element (type)));
      json_builder_set_member_name (builder, "containsNull");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
      break;
    case FLINT_TYPE_KIND_MAP:
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "map");
      json_builder_set_member_name (builder, "keyType");
      json_builder_add_value (builder, type_to_spark (flint_data_type_get_key (type)));
      json_builder_set_member_name (builder, "valueType");
      json_builder_add_value (builder, type_to_spark (flint_data_type_get_value (type)));
      json_builder_set_member_name (builder, "valueContainsNull");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
      break;
    case FLINT_TYPE_KIND_BOOLEAN:
    case FLINT_TYPE_KIND_BYTE:
    case FLINT_TYPE_KIND_SHORT:
    case FLINT_TYPE_KIND_LONG:
    case FLINT_TYPE_KIND_FLOAT:
    case FLINT_TYPE_KIND_DOUBLE:
    case FLINT_TYPE_KIND_DECIMAL:
    case FLINT_TYPE_KIND_STRING:
    case FLINT_TYPE_KIND_BINARY:
    case FLINT_TYPE_KIND_DATE:
    case FLINT_TYPE_KIND_TIMESTAMP:
    case FLINT_TYPE_KIND_TIMESTAMP_NTZ:
    default:
      name = flint_data_type_to_string (type);
      return json_node_init_string (json_node_alloc (), name);
    }

  root = json_builder_get_root (builder);
  return g_steal_pointer (&root);
}

/* Spark's type JSON as a Flint type, or NULL for what Flint has no name for (intervals,
 * variants); @text gets a name to show either way. */
static FlintDataType *
type_from_spark (JsonNode  *node,
                 char     **text)
{
  FlintDataType *type = NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *name = json_node_get_string (node);

      if (g_str_equal (name, "integer"))
        type = flint_data_type_new (FLINT_TYPE_KIND_INT);
      else if (g_str_equal (name, "void"))
        type = flint_data_type_new (FLINT_TYPE_KIND_NULL);
      else
        type = flint_data_type_parse (name, NULL);
      *text = type ? flint_data_type_to_string (type) : g_strdup (name);
      return type;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      const char *kind = json_object_get_string_member_with_default (object, "type", "");
      g_autofree char *a = NULL, *b = NULL;

      if (g_str_equal (kind, "array") && json_object_has_member (object, "elementType"))
        {
          g_autoptr(FlintDataType) element = type_from_spark (json_object_get_member (object, "elementType"), &a);

          *text = g_strdup_printf ("array<%s>", a);
          return element ? flint_data_type_new_array (element) : NULL;
        }
      if (g_str_equal (kind, "map") && json_object_has_member (object, "keyType") &&
          json_object_has_member (object, "valueType"))
        {
          g_autoptr(FlintDataType) key = type_from_spark (json_object_get_member (object, "keyType"), &a);
          g_autoptr(FlintDataType) value = type_from_spark (json_object_get_member (object, "valueType"), &b);

          *text = g_strdup_printf ("map<%s,%s>", a, b);
          return key && value ? flint_data_type_new_map (key, value) : NULL;
        }
      if (g_str_equal (kind, "struct") && json_object_has_member (object, "fields"))
        {
          JsonArray *fields = json_object_get_array_member (object, "fields");
          g_autoptr(FlintSchema) schema = flint_schema_new ();
          g_autoptr(GString) s = g_string_new ("struct<");
          gboolean known = TRUE;

          for (guint i = 0; fields && i < json_array_get_length (fields); i++)
            {
              JsonObject *field = json_array_get_object_element (fields, i);
              const char *name = json_object_get_string_member_with_default (field, "name", "");
              g_autofree char *t = NULL;
              g_autoptr(FlintDataType) ft = type_from_spark (json_object_get_member (field, "type"), &t);

              known = known && ft != NULL;
              flint_schema_append (schema, name, ft,
                                   json_object_get_boolean_member_with_default (field, "nullable", TRUE));
              g_string_append_printf (s, "%s%s:%s", i ? "," : "", name, t);
            }
          g_string_append_c (s, '>');
          *text = g_string_free (g_steal_pointer (&s), FALSE);
          return known ? flint_data_type_new_struct (schema) : NULL;
        }
    }

  *text = g_strdup ("?");
  return NULL;
}

/* }}} */

/* Finding Python {{{ */

static gboolean
imports_pyspark (const char *python)
{
  const char *argv[] = { python, "-c", "import pyspark", NULL };
  int status = -1;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                     G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;

  return g_spawn_check_wait_status (status, NULL);
}

/* FLINT_PYTHON, then python3 on PATH: the first that imports pyspark. */
static char *
find_python (GString *tried)
{
  const char *env = g_getenv ("FLINT_PYTHON");
  g_autofree char *python3 = NULL;

  if (env != NULL && *env != '\0')
    {
      if (imports_pyspark (env))
        return g_strdup (env);
      g_string_append_printf (tried, _("  FLINT_PYTHON=%s: does not import pyspark\n"), env);
    }
  else
    g_string_append (tried, _("  FLINT_PYTHON: not set\n"));

  python3 = g_find_program_in_path ("python3");
  if (python3 == NULL)
    g_string_append (tried, _("  python3: not found on PATH\n"));
  else if (imports_pyspark (python3))
    return g_steal_pointer (&python3);
  else
    g_string_append_printf (tried, _("  %s: does not import pyspark\n"), python3);

  return NULL;
}

/* }}} */

/* The manifest {{{ */

static void
manifest_add (JsonBuilder *builder,
              Check       *check,
              const char  *module)
{
  JsonObject *job = flint_pipeline_get_job (check->pipeline);
  JsonObject *conf = job && json_object_has_member (job, "conf") ? json_object_get_object_member (job, "conf") : NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "module");
  json_builder_add_string_value (builder, module);

  /* The job's SQL settings change analysis (case sensitivity, ANSI mode). */
  json_builder_set_member_name (builder, "conf");
  json_builder_begin_object (builder);
  if (conf != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (conf);

      for (const GList *l = members; l; l = l->next)
        {
          JsonNode *value = json_object_get_member (conf, l->data);
          g_autofree char *text = NULL;

          if (!JSON_NODE_HOLDS_VALUE (value) || !g_str_has_prefix (l->data, "spark.sql."))
            continue;
          if (json_node_get_value_type (value) == G_TYPE_STRING)
            text = g_strdup (json_node_get_string (value));
          else
            text = json_to_string (value, FALSE);
          json_builder_set_member_name (builder, l->data);
          json_builder_add_string_value (builder, text);
        }
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < flint_code_plan_get_n_steps (check->plan); i++)
    {
      const FlintCodeStep *step = flint_code_plan_get_step (check->plan, i);
      const FlintNodeKind *kind = flint_node_get_kind (step->node);
      const char *id = flint_node_get_id (step->node);
      const char *category = kind->category == FLINT_NODE_CATEGORY_SOURCE ? "source"
                             : kind->category == FLINT_NODE_CATEGORY_SINK ? "sink" : "transform";

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "node");
      json_builder_add_string_value (builder, id);
      json_builder_set_member_name (builder, "function");
      json_builder_add_string_value (builder, step->function);
      json_builder_set_member_name (builder, "category");
      json_builder_add_string_value (builder, category);
      /* Generated rows read nothing: they run as written. */
      json_builder_set_member_name (builder, "call");
      json_builder_add_boolean_value (builder, g_str_equal (kind->id, "source.rows"));

      json_builder_set_member_name (builder, "inputs");
      json_builder_begin_array (builder);
      for (guint k = 0; k < step->inputs->len; k++)
        {
          FlintEdge *edge = g_ptr_array_index (step->inputs, k);
          const char *port = flint_edge_get_from_port (edge);

          json_builder_begin_array (builder);
          json_builder_add_string_value (builder, flint_edge_get_from_node (edge));
          json_builder_add_string_value (builder, port ? port : "");
          json_builder_end_array (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "outputs");
      json_builder_begin_array (builder);
      for (guint p = 0; p < kind->outputs->len; p++)
        json_builder_add_string_value (builder, ((FlintPortSpec *) g_ptr_array_index (kind->outputs, p))->name);
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "schema");
      if (kind->category == FLINT_NODE_CATEGORY_SOURCE)
        {
          FlintFlow *flow = flint_validator_get_output (check->validator, id, NULL);
          FlintSchema *schema = flow ? flint_flow_get_schema (flow) : NULL;

          if (schema != NULL)
            json_builder_add_value (builder, schema_to_spark (schema));
          else
            json_builder_add_null_value (builder);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* }}} */

/* Reporting {{{ */

static gboolean
contains_word (const char *haystack,
               const char *needle)
{
  g_autofree char *h = g_utf8_casefold (haystack, -1);
  g_autofree char *n = g_utf8_casefold (needle, -1);
  size_t len = strlen (n);

  if (len == 0)
    return FALSE;

  /* A column name matches as a whole word: "age" is not in "page". */
  for (const char *p = strstr (h, n); p != NULL; p = strstr (p + 1, n))
    {
      gboolean start = p == h || !(g_ascii_isalnum (p[-1]) || p[-1] == '_');
      gboolean end = !(g_ascii_isalnum (p[len]) || p[len] == '_');

      if (start && end)
        return TRUE;
    }

  return FALSE;
}

/* The path (params.a.0.b) of the first string parameter that holds @needle. */
static char *
find_param (JsonNode   *node,
            const char *path,
            const char *needle)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (const GList *l = members; l; l = l->next)
        {
          g_autofree char *child = g_strconcat (path, ".", l->data, NULL);
          char *found = find_param (json_object_get_member (object, l->data), child, needle);

          if (found != NULL)
            return found;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *child = g_strdup_printf ("%s.%u", path, i);
          char *found = find_param (json_array_get_element (array, i), child, needle);

          if (found != NULL)
            return found;
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
           contains_word (json_node_get_string (node), needle))
    return g_strdup (path);

  return NULL;
}

/* `a`.`b` -> b; "(x + y)" -> x + y: the text as the user may have written it. */
static char *
clean_name (const char *value,
            gboolean    last_part)
{
  g_autoptr(GString) s = g_string_new (value);
  char *dot;

  g_strstrip (s->str);
  s->len = strlen (s->str);
  if (s->len >= 2 && s->str[0] == '"' && s->str[s->len - 1] == '"')
    {
      g_string_truncate (s, s->len - 1);
      g_string_erase (s, 0, 1);
    }
  if (last_part && (dot = strstr (s->str, "`.`")) != NULL)
    g_string_erase (s, 0, (dot - s->str) + 2);
  g_string_replace (s, "`", "", 0);
  if (s->len >= 2 && s->str[0] == '(' && s->str[s->len - 1] == ')')
    {
      g_string_truncate (s, s->len - 1);
      g_string_erase (s, 0, 1);
    }

  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The parameter an AnalysisException points at: the column or expression it names. */
static char *
error_param (FlintNode  *node,
             JsonObject *error)
{
  static const char *const keys[] = {
    "objectName", "columnName", "colName", "fieldName", "name", "sqlExpr", "expr",
    "functionName", "routineName", NULL
  };
  JsonObject *parameters = json_object_has_member (error, "parameters")
                           ? json_object_get_object_member (error, "parameters") : NULL;
  JsonObject *params = flint_node_get_params (node);
  g_autoptr(JsonNode) root = NULL;

  if (parameters == NULL || params == NULL)
    return NULL;

  root = json_node_init_object (json_node_alloc (), params);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      const char *value = json_object_get_string_member_with_default (parameters, keys[i], NULL);
      g_autofree char *needle = NULL;
      char *found;

      if (value == NULL)
        continue;
      needle = clean_name (value, g_str_equal (keys[i], "objectName"));
      if ((found = find_param (root, "params", needle)) != NULL)
        return found;
    }

  /* Spark rewrites expressions (lambdafunction(...)), but keeps the function they call:
   * "transform(" finds the expression among others that use the same columns. */
  {
    const char *value = json_object_get_string_member_with_default (parameters, "sqlExpr", NULL);
    g_autofree char *expr = value ? clean_name (value, FALSE) : NULL;
    const char *paren = expr ? strchr (expr, '(') : NULL;

    if (paren != NULL && paren - expr >= 2)
      {
        g_autofree char *head = g_strndup (expr, paren - expr);
        char *found;

        g_strstrip (head);
        if ((found = find_param (root, "params", head)) != NULL)
          return found;
      }
  }

  /* Spark rewrites expressions (lambdafunction(...)): the operands it names (inputSql,
   * left, ...) are closer to what the user wrote. Types and suggestions are not. */
  {
    g_autoptr(GList) members = json_object_get_members (parameters);

    for (const GList *l = members; l; l = l->next)
      {
        const char *key = l->data;
        const char *value = json_object_get_string_member_with_default (parameters, key, NULL);
        g_autofree char *needle = NULL;
        char *found;

        if (value == NULL || g_strv_contains (keys, key) || g_str_has_suffix (key, "Type") ||
            g_str_has_suffix (key, "Types") || g_str_equal (key, "proposal") ||
            g_str_equal (key, "paramIndex") || g_str_equal (key, "hint"))
          continue;
        needle = clean_name (value, FALSE);
        if ((found = find_param (root, "params", needle)) != NULL)
          return found;
      }
  }

  return NULL;
}

/* Spark's first line, without the SQLSTATE it ends with. */
static char *
error_message (JsonObject *error)
{
  const char *text = json_object_get_string_member_with_default (error, "message", "");
  g_autofree char *line = g_strndup (text, strcspn (text, "\n"));
  char *state = strstr (line, " SQLSTATE:");

  if (state != NULL)
    *state = '\0';
  g_strchomp (line);
  if (g_str_has_suffix (line, ";"))
    line[strlen (line) - 1] = '\0';
  if (*line == '\0')
    return g_strdup (json_object_get_string_member_with_default (error, "class", "error"));

  return g_steal_pointer (&line);
}

static void
report (Check         *check,
        FlintNode     *node,
        FlintSeverity  severity,
        const char    *param,
        const char    *condition,
        const char    *message)
{
  guint line = flint_node_get_line (node, param);

  if (severity == FLINT_SEVERITY_ERROR)
    check->errors++;
  else if (severity == FLINT_SEVERITY_WARNING)
    check->warnings++;

  if (check->as_json)
    {
      JsonBuilder *b = check->builder;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "severity");
      json_builder_add_string_value (b, flint_severity_to_string (severity));
      json_builder_set_member_name (b, "node");
      json_builder_add_string_value (b, flint_node_get_id (node));
      json_builder_set_member_name (b, "param");
      json_builder_add_string_value (b, param);
      json_builder_set_member_name (b, "line");
      if (line > 0)
        json_builder_add_int_value (b, line);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "condition");
      json_builder_add_string_value (b, condition);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, message);
      json_builder_end_object (b);
      return;
    }

  {
    g_autoptr(GString) out = g_string_new (NULL);

    g_string_append_printf (out, "%s%s:", flint_cli_color ("\033[1m"), check->path);
    if (line > 0)
      g_string_append_printf (out, "%u:", line);
    g_string_append_printf (out, "%s ", flint_cli_color ("\033[0m"));
    g_string_append_printf (out, _("node '%s': "), flint_node_get_id (node));
    g_string_append_printf (out, "%s%s:%s %s", flint_cli_severity_color (severity),
                            flint_severity_to_string (severity), flint_cli_color ("\033[0m"), message);
    g_print ("%s\n", out->str);
  }
}

/* Spark's columns (and, in JSON, the designer's beside them) of one output port. */
static void
add_columns (Check       *check,
             JsonBuilder *b,
             GString     *text,
             JsonNode    *spark,
             FlintSchema *designer)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (spark) ? json_node_get_object (spark) : NULL;
  JsonArray *fields = object && json_object_has_member (object, "fields")
                      ? json_object_get_array_member (object, "fields") : NULL;

  if (b != NULL)
    {
      json_builder_set_member_name (b, "columns");
      json_builder_begin_array (b);
    }
  for (guint i = 0; fields && i < json_array_get_length (fields); i++)
    {
      JsonObject *field = json_array_get_object_element (fields, i);
      const char *name = json_object_get_string_member_with_default (field, "name", "");
      gboolean nullable = json_object_get_boolean_member_with_default (field, "nullable", TRUE);
      g_autofree char *type_text = NULL;
      g_autoptr(FlintDataType) type = type_from_spark (json_object_get_member (field, "type"), &type_text);

      if (b != NULL)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, name);
          json_builder_set_member_name (b, "type");
          json_builder_add_string_value (b, type_text);
          json_builder_set_member_name (b, "nullable");
          json_builder_add_boolean_value (b, nullable);
          json_builder_end_object (b);
        }
      if (text != NULL)
        g_string_append_printf (text, "%s%s %s%s", i ? ", " : "", name, type_text, nullable ? "" : " not null");
    }
  if (b == NULL)
    return;
  json_builder_end_array (b);

  /* What the designer propagated, for tests and tools that compare: null types are
   * the ones it does not know. */
  json_builder_set_member_name (b, "designer");
  if (designer == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_array (b);
  for (guint i = 0; i < flint_schema_get_n_columns (designer); i++)
    {
      const FlintColumn *column = flint_schema_get_column (designer, i);
      g_autofree char *type_text = column->type ? flint_data_type_to_string (column->type) : NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, column->name);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, type_text);
      json_builder_set_member_name (b, "nullable");
      json_builder_add_boolean_value (b, column->nullable);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* The diagnostics, then (text) each node's schema or (JSON) the nodes array. */
static void
report_nodes (Check *check)
{
  JsonObject *nodes = json_object_get_object_member (check->result, "nodes");
  guint n = flint_code_plan_get_n_steps (check->plan);
  JsonBuilder *b = check->builder;

  for (guint i = 0; i < n; i++)
    {
      FlintNode *node = flint_code_plan_get_step (check->plan, i)->node;
      JsonObject *r = nodes ? json_object_get_object_member (nodes, flint_node_get_id (node)) : NULL;
      const char *status = r ? json_object_get_string_member_with_default (r, "status", "") : "";

      if (g_str_equal (status, "error"))
        {
          g_autofree char *param = error_param (node, r);
          g_autofree char *message = error_message (r);
          g_autofree char *full = g_strdup_printf (_("Spark: %s"), message);

          report (check, node, FLINT_SEVERITY_ERROR, param,
                  json_object_get_string_member_with_default (r, "condition", NULL), full);
        }
      else if (g_str_equal (status, "unknown"))
        report (check, node, FLINT_SEVERITY_WARNING, "schema", NULL,
                _("no declared schema: the nodes it feeds are not checked (declare the columns it reads)"));
    }

  if (b != NULL)
    {
      json_builder_end_array (b);
      json_builder_set_member_name (b, "nodes");
      json_builder_begin_array (b);
    }

  for (guint i = 0; i < n; i++)
    {
      FlintNode *node = flint_code_plan_get_step (check->plan, i)->node;
      const FlintNodeKind *kind = flint_node_get_kind (node);
      const char *id = flint_node_get_id (node);
      JsonObject *r = nodes ? json_object_get_object_member (nodes, id) : NULL;
      const char *status = r ? json_object_get_string_member_with_default (r, "status", "") : "";
      JsonArray *schemas = r && json_object_has_member (r, "schemas") ? json_object_get_array_member (r, "schemas") : NULL;

      if (b != NULL)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "node");
          json_builder_add_string_value (b, id);
          json_builder_set_member_name (b, "kind");
          json_builder_add_string_value (b, kind->id);
          json_builder_set_member_name (b, "status");
          json_builder_add_string_value (b, status);
          if (r && json_object_has_member (r, "because"))
            {
              json_builder_set_member_name (b, "because");
              json_builder_add_string_value (b, json_object_get_string_member (r, "because"));
            }
          json_builder_set_member_name (b, "outputs");
          json_builder_begin_array (b);
          for (guint p = 0; schemas && p < json_array_get_length (schemas) && p < kind->outputs->len; p++)
            {
              const char *port = ((FlintPortSpec *) g_ptr_array_index (kind->outputs, p))->name;
              FlintFlow *flow = flint_validator_get_output (check->validator, id, port);

              json_builder_begin_object (b);
              json_builder_set_member_name (b, "port");
              json_builder_add_string_value (b, port);
              add_columns (check, b, NULL, json_array_get_element (schemas, p),
                           flow ? flint_flow_get_schema (flow) : NULL);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      else if (schemas != NULL)
        {
          for (guint p = 0; p < json_array_get_length (schemas) && p < kind->outputs->len; p++)
            {
              g_autoptr(GString) text = g_string_new (NULL);

              if (kind->outputs->len > 1)
                g_string_append_printf (text, "%s.%s: ", id, ((FlintPortSpec *) g_ptr_array_index (kind->outputs, p))->name);
              else
                g_string_append_printf (text, "%s: ", id);
              add_columns (check, NULL, text, json_array_get_element (schemas, p), NULL);
              g_print ("%s\n", text->str);
            }
        }
    }

  if (b != NULL)
    json_builder_end_array (b);
}

/* }}} */

static gboolean
write_file (const char  *dir,
            const char  *name,
            const char  *text,
            char       **path,
            GError     **error)
{
  *path = g_build_filename (dir, name, NULL);
  return g_file_set_contents (*path, text, -1, error);
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_dir (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static void
check_free (Check *check)
{
  g_clear_object (&check->pipeline);
  g_clear_object (&check->validator);
  g_clear_pointer (&check->plan, flint_code_plan_free);
  g_clear_pointer (&check->code, flint_generated_code_free);
  g_clear_pointer (&check->result, json_object_unref);
  g_free (check);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Check, check_free)

/* Runs the driver once for all @checks; FALSE (with the message to show) when Spark
 * could not analyse at all. */
static gboolean
run_driver (GPtrArray   *checks,
            const char  *python,
            char       **spark_version,
            char       **failure)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) manifest = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *dir = NULL, *driver = NULL, *manifest_path = NULL;
  g_autofree char *result_path = NULL, *manifest_text = NULL, *err_text = NULL;
  JsonObject *result;
  JsonArray *pipelines;
  int status = -1;
  gboolean ok = FALSE;

  dir = g_dir_make_tmp ("flint-check-XXXXXX", &error);
  if (dir == NULL)
    {
      *failure = g_strdup (error->message);
      return FALSE;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "pipelines");
  json_builder_begin_array (builder);
  for (guint i = 0; i < checks->len; i++)
    {
      Check *check = g_ptr_array_index (checks, i);
      g_autofree char *name = g_strdup_printf ("%u", i);
      g_autofree char *sub = g_build_filename (dir, name, NULL);
      g_autofree char *module = NULL;

      /* A directory each: two pipelines may share a module name. */
      if (g_mkdir (sub, 0700) != 0 ||
          !write_file (sub, flint_generated_code_get_filename (check->code),
                       flint_generated_code_get_text (check->code), &module, &error))
        {
          if (error == NULL)
            *failure = g_strdup_printf ("%s: %s", sub, g_strerror (errno));
          goto out;
        }
      manifest_add (builder, check, module);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  manifest = json_builder_get_root (builder);
  manifest_text = json_to_string (manifest, FALSE);
  result_path = g_build_filename (dir, "result.json", NULL);
  if (!write_file (dir, "flint_check_manifest.json", manifest_text, &manifest_path, &error) ||
      !write_file (dir, "flint_check_driver.py", driver_source, &driver, &error))
    goto out;

  {
    const char *argv[] = { python, driver, manifest_path, result_path, NULL };
    g_auto(GStrv) envp = g_get_environ ();

    /* Spark's workers, should any start, use the same Python. */
    envp = g_environ_setenv (envp, "PYSPARK_PYTHON", python, TRUE);
    envp = g_environ_setenv (envp, "PYTHONDONTWRITEBYTECODE", "1", TRUE);
    if (!g_spawn_sync (dir, (char **) argv, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                       NULL, NULL, NULL, &err_text, &status, &error))
      goto out;
  }

  if (!json_parser_load_from_file (parser, result_path, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      *failure = g_strdup_printf (_("the Spark driver ended without a result (%s):\n%s"), python,
                                  err_text ? err_text : "");
      goto out;
    }

  result = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (result, "fatal"))
    {
      *failure = g_strdup_printf (_("Spark could not start: %s"),
                                  json_object_get_string_member (result, "fatal"));
      goto out;
    }
  pipelines = json_object_get_array_member (result, "pipelines");
  if (pipelines == NULL || json_array_get_length (pipelines) != checks->len)
    {
      *failure = g_strdup_printf (_("the Spark driver stopped early (%s):\n%s"), python,
                                  err_text ? err_text : "");
      goto out;
    }
  for (guint i = 0; i < checks->len; i++)
    {
      Check *check = g_ptr_array_index (checks, i);

      check->result = json_object_ref (json_array_get_object_element (pipelines, i));
    }
  *spark_version = g_strdup (json_object_get_string_member_with_default (result, "spark_version", ""));
  ok = TRUE;

out:
  if (!ok && *failure == NULL && error != NULL)
    *failure = g_strdup (error->message);
  remove_dir (dir);
  return ok;
}

/* Loads, validates and generates one file; NULL when it cannot be checked, with
 * @status raised and the reason printed. */
static Check *
prepare (const char *path,
         gboolean    as_json,
         int        *status)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(Check) check = g_new0 (Check, 1);

  check->path = path;
  check->as_json = as_json;
  check->pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
  if (check->pipeline == NULL)
    {
      g_printerr ("%s: %s\n", path, error->message);
      *status = MAX (*status, EXIT_UNREADABLE);
      return NULL;
    }

  check->validator = flint_validator_new (check->pipeline);

  /* The designer's own errors first: Spark would only repeat them, less clearly. */
  if (flint_validator_count (check->validator, FLINT_SEVERITY_ERROR) > 0)
    {
      g_autoptr(GPtrArray) diagnostics = flint_validator_dup_diagnostics (check->validator);

      g_printerr (_("%s: the pipeline has errors; fix them first (flint-cli validate %s):\n"), path, path);
      for (guint i = 0; i < diagnostics->len; i++)
        {
          FlintDiagnostic *d = g_ptr_array_index (diagnostics, i);
          FlintNode *node = flint_pipeline_lookup_node (check->pipeline, flint_diagnostic_get_node_id (d));

          if (flint_diagnostic_get_severity (d) != FLINT_SEVERITY_ERROR)
            continue;
          if (node != NULL)
            g_printerr (_("%s:%u: node '%s': error: %s\n"), path,
                        flint_node_get_line (node, flint_diagnostic_get_param (d)),
                        flint_node_get_id (node), flint_diagnostic_get_message (d));
          else
            g_printerr (_("%s: error: %s\n"), path, flint_diagnostic_get_message (d));
        }
      *status = MAX (*status, EXIT_PROBLEMS);
      return NULL;
    }

  check->plan = flint_code_plan_new (check->pipeline, FLINT_LANGUAGE_PYTHON, &error);
  if (check->plan != NULL)
    check->code = flint_codegen_generate (check->pipeline, FLINT_LANGUAGE_PYTHON, FALSE, &error);
  if (check->code == NULL)
    {
      g_printerr ("%s: %s\n", path, error->message);
      *status = MAX (*status, EXIT_PROBLEMS);
      return NULL;
    }

  return g_steal_pointer (&check);
}

int
flint_cli_check (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checks = g_ptr_array_new_with_free_func ((GDestroyNotify) check_free);
  g_autoptr(JsonArray) results = json_array_new ();
  g_autoptr(GString) tried = g_string_new (NULL);
  g_auto(GStrv) files = NULL;
  g_autofree char *python = NULL;
  g_autofree char *failure = NULL;
  g_autofree char *spark_version = NULL;
  gboolean as_json = FALSE;
  int status = EXIT_CLEAN;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the findings and each node's columns as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE…") },
    { NULL }
  };

  context = flint_cli_option_context (_("FILE… — have local Spark analyse pipelines on empty inputs"),
                                      _("Runs the generated PySpark with every source replaced by an empty DataFrame\n"
                                        "of its declared schema and every sink skipped, so Spark resolves each node\n"
                                        "without data or a cluster (one local session for all the files). Prints\n"
                                        "what Spark refuses as FILE:LINE: node 'ID': error: MESSAGE, then each\n"
                                        "node's columns as Spark computes them.\n"
                                        "Python: $FLINT_PYTHON, else python3; it must import pyspark.\n"
                                        "Exit status: 0 when Spark accepts every node, 1 when it refuses one or a\n"
                                        "pipeline has errors, 2 when a file cannot be read or Spark cannot start."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("flint-cli check: %s\n", error->message);
      return EXIT_UNREADABLE;
    }

  if (files == NULL || files[0] == NULL)
    {
      g_printerr (_("flint-cli check: no file given (see flint-cli check --help)\n"));
      return EXIT_UNREADABLE;
    }

  for (guint i = 0; files[i] != NULL; i++)
    {
      Check *check = prepare (files[i], as_json, &status);

      if (check != NULL)
        g_ptr_array_add (checks, check);
    }
  if (checks->len == 0)
    return status;

  python = find_python (tried);
  if (python == NULL)
    {
      g_printerr (_("flint-cli check: no Python with pyspark found. Tried:\n%s"
                    "Set FLINT_PYTHON to a python that imports pyspark (pip install pyspark).\n"),
                  tried->str);
      return EXIT_UNREADABLE;
    }

  if (!run_driver (checks, python, &spark_version, &failure))
    {
      g_printerr ("flint-cli check: %s\n", failure);
      return EXIT_UNREADABLE;
    }

  for (guint i = 0; i < checks->len; i++)
    {
      Check *check = g_ptr_array_index (checks, i);
      g_autoptr(JsonBuilder) builder = NULL;

      if (as_json)
        {
          builder = json_builder_new ();
          check->builder = builder;
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "file");
          json_builder_add_string_value (builder, check->path);
          json_builder_set_member_name (builder, "spark_version");
          json_builder_add_string_value (builder, spark_version);
          json_builder_set_member_name (builder, "diagnostics");
          json_builder_begin_array (builder);
        }

      if (json_object_has_member (check->result, "fatal"))
        {
          /* The module itself did not import: nothing of it could be analysed. */
          g_printerr (_("%s: the generated program does not import: %s\n"), check->path,
                      json_object_get_string_member (check->result, "fatal"));
          check->errors++;
        }
      report_nodes (check);

      if (as_json)
        {
          json_builder_set_member_name (builder, "errors");
          json_builder_add_int_value (builder, check->errors);
          json_builder_set_member_name (builder, "warnings");
          json_builder_add_int_value (builder, check->warnings);
          json_builder_set_member_name (builder, "valid");
          json_builder_add_boolean_value (builder, check->errors == 0);
          json_builder_end_object (builder);
          json_array_add_element (results, json_builder_get_root (builder));
        }
      if (check->errors > 0)
        status = MAX (status, EXIT_PROBLEMS);
    }

  if (as_json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "exit_code", status);
      json_object_set_array_member (object, "files", json_array_ref (results));
      json_node_take_object (root, object);
      flint_cli_print_json (root);
    }

  return status;
}
