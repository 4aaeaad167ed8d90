/* test-catalog.c: the built-in node catalog and the strict catalog loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "flint-model.h"

/* Every kind the catalog issue asks for, with its category and ports. */
typedef struct
{
  const char        *id;
  FlintNodeCategory  category;
  const char        *inputs;    /* comma-separated; "*" after a name: multiple */
  const char        *outputs;
  FlintModeFlags     modes;
} ExpectedKind;

#define BS (FLINT_MODE_BATCH | FLINT_MODE_STREAMING)
#define B  FLINT_MODE_BATCH
#define S  FLINT_MODE_STREAMING

static const ExpectedKind expected_kinds[] = {
  { "source.csv",             FLINT_NODE_CATEGORY_SOURCE,    "",            "out",            BS },
  { "source.json",            FLINT_NODE_CATEGORY_SOURCE,    "",            "out",            BS },
  { "source.parquet",         FLINT_NODE_CATEGORY_SOURCE,    "",            "out",            BS },
  { "source.orc",             FLINT_NODE_CATEGORY_SOURCE,    "",            "out",            BS },
  { "source.avro",            FLINT_NODE_CATEGORY_SOURCE,    "",            "out",            BS },
  { "source.text",            FLINT_NODE_CATEGORY_SOURCE,    "",            "out",            BS },
  { "source.delta",           FLINT_NODE_CATEGORY_SOURCE,    "",            "out",            BS },
  { "source.table",           FLINT_NODE_CATEGORY_SOURCE,    "",            "out",            BS },
  { "source.jdbc",            FLINT_NODE_CATEGORY_SOURCE,    "",            "out",            B },
  { "source.kafka",           FLINT_NODE_CATEGORY_SOURCE,    "",            "out",            S },
  { "source.rows",            FLINT_NODE_CATEGORY_SOURCE,    "",            "out",            B },
  { "transform.select",       FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.filter",       FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.derive",       FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.drop",         FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.join",         FLINT_NODE_CATEGORY_TRANSFORM, "left,right",  "out",            BS },
  { "transform.aggregate",    FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.window",       FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.union",        FLINT_NODE_CATEGORY_TRANSFORM, "in*",         "out",            BS },
  { "transform.distinct",     FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.deduplicate",  FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.sort",         FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            B },
  { "transform.limit",        FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.sample",       FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.fill_nulls",   FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.drop_nulls",   FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.pivot",        FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            B },
  { "transform.explode",      FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.sql",          FLINT_NODE_CATEGORY_TRANSFORM, "in*",         "out",            BS },
  { "transform.repartition",  FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            BS },
  { "transform.cache",        FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            B },
  { "transform.quality",      FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out,quarantine", BS },
  { "transform.watermark",    FLINT_NODE_CATEGORY_TRANSFORM, "in",          "out",            S },
  { "transform.code",         FLINT_NODE_CATEGORY_TRANSFORM, "in*",         "out",            BS },
  { "sink.csv",               FLINT_NODE_CATEGORY_SINK,      "in",          "",               BS },
  { "sink.json",              FLINT_NODE_CATEGORY_SINK,      "in",          "",               BS },
  { "sink.parquet",           FLINT_NODE_CATEGORY_SINK,      "in",          "",               BS },
  { "sink.orc",               FLINT_NODE_CATEGORY_SINK,      "in",          "",               BS },
  { "sink.delta",             FLINT_NODE_CATEGORY_SINK,      "in",          "",               BS },
  { "sink.table",             FLINT_NODE_CATEGORY_SINK,      "in",          "",               BS },
  { "sink.jdbc",              FLINT_NODE_CATEGORY_SINK,      "in",          "",               B },
  { "sink.kafka",             FLINT_NODE_CATEGORY_SINK,      "in",          "",               BS },
  { "sink.console",           FLINT_NODE_CATEGORY_SINK,      "in",          "",               BS },
};

static void
assert_ports (const char *kind_id,
              GPtrArray  *ports,
              const char *expected)
{
  g_auto(GStrv) names = g_strsplit (expected, ",", -1);
  guint n = expected[0] == '\0' ? 0 : g_strv_length (names);

  if (ports->len != n)
    g_error ("%s: %u ports, expected “%s”", kind_id, ports->len, expected);

  for (guint i = 0; i < n; i++)
    {
      const FlintPortSpec *port = g_ptr_array_index (ports, i);
      gboolean multiple = g_str_has_suffix (names[i], "*");

      if (multiple)
        names[i][strlen (names[i]) - 1] = '\0';

      g_assert_cmpstr (port->name, ==, names[i]);
      g_assert_cmpint (port->multiple, ==, multiple);
      g_assert_nonnull (port->title);
    }
}

static void
test_default_loads (void)
{
  FlintCatalog *catalog = flint_catalog_get_default ();

  g_assert_true (FLINT_IS_CATALOG (catalog));
  g_assert_true (catalog == flint_catalog_get_default ());
  g_assert_cmpuint (flint_catalog_get_n_kinds (catalog), ==, G_N_ELEMENTS (expected_kinds));
  g_assert_null (flint_catalog_lookup (catalog, "source.nope"));
  g_assert_null (flint_catalog_lookup (catalog, ""));
}

static void
test_default_kinds (void)
{
  FlintCatalog *catalog = flint_catalog_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (expected_kinds); i++)
    {
      const ExpectedKind *e = &expected_kinds[i];
      const FlintNodeKind *kind = flint_catalog_lookup (catalog, e->id);

      if (kind == NULL)
        g_error ("the catalog lacks %s", e->id);

      /* The file lists kinds in this order, so the catalog order is this one too. */
      g_assert_true (flint_catalog_get_kind (catalog, i) == kind);
      g_assert_cmpstr (kind->id, ==, e->id);
      g_assert_cmpint (kind->category, ==, e->category);
      g_assert_cmpint (kind->modes, ==, e->modes);
      assert_ports (e->id, kind->inputs, e->inputs);
      assert_ports (e->id, kind->outputs, e->outputs);
      g_assert_true (g_str_has_prefix (kind->id, flint_node_category_to_string (kind->category)));
      g_assert_true (kind->title != NULL && kind->title[0] != '\0');
      g_assert_true (kind->description != NULL && strlen (kind->description) > 20);
      g_assert_true (g_str_has_suffix (kind->icon_name, "-symbolic"));
      g_assert_nonnull (kind->keywords);
    }
}

static void
test_default_order (void)
{
  FlintCatalog *catalog = flint_catalog_get_default ();
  FlintNodeCategory last = FLINT_NODE_CATEGORY_SOURCE;

  for (guint i = 0; i < flint_catalog_get_n_kinds (catalog); i++)
    {
      const FlintNodeKind *kind = flint_catalog_get_kind (catalog, i);

      g_assert_cmpint (kind->category, >=, last);
      last = kind->category;
    }
}

static void
check_param (const FlintNodeKind  *kind,
             const FlintParamSpec *spec)
{
  FlintParamType type;

  g_assert_nonnull (spec->name);
  g_assert_true (spec->title != NULL && spec->title[0] != '\0');
  g_assert_true (flint_param_type_from_string (flint_param_type_to_string (spec->type), &type));
  g_assert_cmpint (type, ==, spec->type);

  if (spec->required)
    g_assert_null (spec->default_value);

  if (spec->type == FLINT_PARAM_ENUM)
    {
      g_assert_nonnull (spec->choices);
      g_assert_nonnull (spec->choices[0]);
      if (spec->default_value != NULL)
        g_assert_true (g_strv_contains ((const char * const *) spec->choices,
                                        json_node_get_string (spec->default_value)));
    }
  else
    g_assert_null (spec->choices);

  if (spec->port != NULL)
    g_assert_nonnull (flint_node_kind_lookup_input (kind, spec->port));

  if (spec->type == FLINT_PARAM_LIST)
    {
      if (spec->fields != NULL)
        {
          g_assert_cmpuint (spec->fields->len, >, 0);
          for (guint i = 0; i < spec->fields->len; i++)
            {
              const FlintParamSpec *field = g_ptr_array_index (spec->fields, i);

              g_assert_true (flint_param_spec_lookup_field (spec, field->name) == field);
              check_param (kind, field);
            }
        }
      else
        g_assert_true (flint_param_type_to_string (spec->item_type) != NULL);
    }
  else
    g_assert_null (spec->fields);
}

static void
test_default_params (void)
{
  FlintCatalog *catalog = flint_catalog_get_default ();

  for (guint i = 0; i < flint_catalog_get_n_kinds (catalog); i++)
    {
      const FlintNodeKind *kind = flint_catalog_get_kind (catalog, i);

      for (guint j = 0; j < kind->params->len; j++)
        {
          const FlintParamSpec *spec = g_ptr_array_index (kind->params, j);

          g_assert_true (flint_node_kind_lookup_param (kind, spec->name) == spec);
          check_param (kind, spec);
        }
    }
}

/* Parameters others code against: their names, types and Spark's defaults. */
static void
test_default_spark_params (void)
{
  FlintCatalog *catalog = flint_catalog_get_default ();
  const FlintNodeKind *kind;
  const FlintParamSpec *spec;
  const FlintParamSpec *field;

  kind = flint_catalog_lookup (catalog, "source.csv");
  spec = flint_node_kind_lookup_param (kind, "path");
  g_assert_cmpint (spec->type, ==, FLINT_PARAM_PATH);
  g_assert_true (spec->required);
  spec = flint_node_kind_lookup_param (kind, "header");
  g_assert_false (json_node_get_boolean (spec->default_value));
  g_assert_cmpstr (flint_param_spec_get_option (spec), ==, "header");
  spec = flint_node_kind_lookup_param (kind, "infer_schema");
  g_assert_cmpstr (flint_param_spec_get_option (spec), ==, "inferSchema");
  spec = flint_node_kind_lookup_param (kind, "mode");
  g_assert_cmpstr (json_node_get_string (spec->default_value), ==, "PERMISSIVE");
  spec = flint_node_kind_lookup_param (kind, "max_files_per_trigger");
  g_assert_cmpstr (flint_param_spec_get_option (spec), ==, "maxFilesPerTrigger");
  spec = flint_node_kind_lookup_param (kind, "options");
  g_assert_cmpint (spec->type, ==, FLINT_PARAM_MAP);
  g_assert_null (flint_param_spec_get_option (spec));

  kind = flint_catalog_lookup (catalog, "source.jdbc");
  spec = flint_node_kind_lookup_param (kind, "password");
  g_assert_cmpint (spec->type, ==, FLINT_PARAM_SECRET);
  g_assert_null (spec->default_value);

  kind = flint_catalog_lookup (catalog, "transform.join");
  spec = flint_node_kind_lookup_param (kind, "how");
  g_assert_cmpstr (json_node_get_string (spec->default_value), ==, "inner");
  g_assert_cmpuint (g_strv_length (spec->choices), ==, 7);
  spec = flint_node_kind_lookup_param (kind, "keys");
  field = flint_param_spec_lookup_field (spec, "left");
  g_assert_cmpint (field->type, ==, FLINT_PARAM_COLUMN);
  g_assert_cmpstr (field->port, ==, "left");
  field = flint_param_spec_lookup_field (spec, "right");
  g_assert_cmpstr (field->port, ==, "right");
  g_assert_null (flint_param_spec_lookup_field (spec, "middle"));
  spec = flint_node_kind_lookup_param (kind, "condition");
  g_assert_cmpint (spec->type, ==, FLINT_PARAM_CONDITION);
  g_assert_null (flint_node_kind_lookup_input (kind, "in"));
  g_assert_nonnull (flint_node_kind_lookup_output (kind, "out"));

  kind = flint_catalog_lookup (catalog, "transform.union");
  spec = flint_node_kind_lookup_param (kind, "by_name");
  g_assert_true (json_node_get_boolean (spec->default_value));
  spec = flint_node_kind_lookup_param (kind, "allow_missing_columns");
  g_assert_false (json_node_get_boolean (spec->default_value));

  kind = flint_catalog_lookup (catalog, "transform.sample");
  spec = flint_node_kind_lookup_param (kind, "fraction");
  g_assert_cmpint (spec->type, ==, FLINT_PARAM_NUMBER);
  g_assert_true (spec->has_minimum);
  g_assert_cmpfloat (spec->minimum, ==, 0.0);

  kind = flint_catalog_lookup (catalog, "transform.quality");
  spec = flint_node_kind_lookup_param (kind, "expectations");
  field = flint_param_spec_lookup_field (spec, "rule");
  g_assert_cmpint (field->type, ==, FLINT_PARAM_ENUM);
  g_assert_true (g_strv_contains ((const char * const *) field->choices, "in_range"));
  field = flint_param_spec_lookup_field (spec, "values");
  g_assert_cmpint (field->type, ==, FLINT_PARAM_LIST);
  g_assert_cmpint (field->item_type, ==, FLINT_PARAM_STRING);
  g_assert_nonnull (flint_node_kind_lookup_output (kind, "quarantine"));

  kind = flint_catalog_lookup (catalog, "transform.cache");
  spec = flint_node_kind_lookup_param (kind, "storage_level");
  g_assert_cmpstr (json_node_get_string (spec->default_value), ==, "MEMORY_AND_DISK");

  kind = flint_catalog_lookup (catalog, "sink.parquet");
  spec = flint_node_kind_lookup_param (kind, "mode");
  g_assert_cmpstr (json_node_get_string (spec->default_value), ==, "error");
  spec = flint_node_kind_lookup_param (kind, "compression");
  g_assert_cmpstr (json_node_get_string (spec->default_value), ==, "snappy");
  spec = flint_node_kind_lookup_param (kind, "checkpoint_location");
  g_assert_cmpstr (flint_param_spec_get_option (spec), ==, "checkpointLocation");

  kind = flint_catalog_lookup (catalog, "sink.console");
  spec = flint_node_kind_lookup_param (kind, "num_rows");
  g_assert_cmpint (json_node_get_int (spec->default_value), ==, 20);
  spec = flint_node_kind_lookup_param (kind, "trigger");
  g_assert_true (g_strv_contains ((const char * const *) spec->choices, "available_now"));
}

static void
test_default_streaming (void)
{
  FlintCatalog *catalog = flint_catalog_get_default ();
  const char * const streaming_only[] = { "source.kafka", "transform.watermark", NULL };
  const char * const batch_only[] = { "source.jdbc", "sink.jdbc", "transform.sort", NULL };
  const char * const streaming_sinks[] = {
    "sink.csv", "sink.json", "sink.parquet", "sink.orc", "sink.delta", "sink.table",
    "sink.kafka", "sink.console", NULL
  };

  for (guint i = 0; streaming_only[i] != NULL; i++)
    {
      const FlintNodeKind *kind = flint_catalog_lookup (catalog, streaming_only[i]);

      g_assert_true (flint_node_kind_has_mode (kind, FLINT_MODE_STREAMING));
      g_assert_false (flint_node_kind_has_mode (kind, FLINT_MODE_BATCH));
    }

  for (guint i = 0; batch_only[i] != NULL; i++)
    {
      const FlintNodeKind *kind = flint_catalog_lookup (catalog, batch_only[i]);

      g_assert_true (flint_node_kind_has_mode (kind, FLINT_MODE_BATCH));
      g_assert_false (flint_node_kind_has_mode (kind, FLINT_MODE_STREAMING));
    }

  /* Every streaming-capable sink has the streaming settings. */
  for (guint i = 0; streaming_sinks[i] != NULL; i++)
    {
      const FlintNodeKind *kind = flint_catalog_lookup (catalog, streaming_sinks[i]);
      const char * const settings[] = {
        "checkpoint_location", "output_mode", "trigger", "trigger_interval", NULL
      };

      g_assert_true (flint_node_kind_has_mode (kind, FLINT_MODE_BATCH | FLINT_MODE_STREAMING));
      for (guint j = 0; settings[j] != NULL; j++)
        {
          if (flint_node_kind_lookup_param (kind, settings[j]) == NULL)
            g_error ("%s lacks %s", streaming_sinks[i], settings[j]);
        }
    }

  /* Streaming file sources take maxFilesPerTrigger. */
  g_assert_nonnull (flint_node_kind_lookup_param (flint_catalog_lookup (catalog, "source.json"),
                                                  "max_files_per_trigger"));
}

static void
test_param_types (void)
{
  const char * const names[] = {
    "string", "text", "expression", "condition", "integer", "number", "boolean", "enum",
    "column", "columns", "path", "table", "type", "interval", "sql", "code", "map", "list",
    "secret", NULL
  };
  FlintParamType type;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_assert_true (flint_param_type_from_string (names[i], &type));
      g_assert_cmpint (type, ==, i);
      g_assert_cmpstr (flint_param_type_to_string (type), ==, names[i]);
    }

  g_assert_false (flint_param_type_from_string ("float", &type));
  g_assert_false (flint_param_type_from_string ("", &type));
  g_assert_false (flint_param_type_from_string ("String", &type));

  g_assert_cmpstr (flint_node_category_to_string (FLINT_NODE_CATEGORY_SOURCE), ==, "source");
  g_assert_cmpstr (flint_node_category_to_string (FLINT_NODE_CATEGORY_TRANSFORM), ==, "transform");
  g_assert_cmpstr (flint_node_category_to_string (FLINT_NODE_CATEGORY_SINK), ==, "sink");
}

/* Loading */

static FlintCatalog *
load_string (const char  *json,
             GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

  return flint_catalog_new_from_bytes (bytes, error);
}

static char *
to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static void
test_load_order (void)
{
  const char *json =
    "{\"flint_catalog\": 1, \"kinds\": ["
    " {\"id\": \"sink.b\", \"category\": \"sink\", \"title\": \"B\", \"description\": \"d\","
    "  \"icon\": \"a-symbolic\", \"modes\": [\"batch\"], \"inputs\": [{\"name\": \"in\", \"title\": \"In\"}]},"
    " {\"id\": \"transform.c\", \"category\": \"transform\", \"title\": \"C\", \"description\": \"d\","
    "  \"icon\": \"a-symbolic\", \"modes\": [\"streaming\"], \"inputs\": [{\"name\": \"in\", \"title\": \"In\"}],"
    "  \"outputs\": [{\"name\": \"out\", \"title\": \"Out\"}]},"
    " {\"id\": \"source.a\", \"category\": \"source\", \"title\": \"A\", \"description\": \"d\","
    "  \"icon\": \"a-symbolic\", \"modes\": [\"batch\", \"streaming\"], \"outputs\": [{\"name\": \"out\", \"title\": \"Out\"}]},"
    " {\"id\": \"sink.a\", \"category\": \"sink\", \"title\": \"A\", \"description\": \"d\","
    "  \"icon\": \"a-symbolic\", \"modes\": [\"batch\"], \"inputs\": [{\"name\": \"in\", \"title\": \"In\"}]}"
    "]}";
  const char * const order[] = { "source.a", "transform.c", "sink.b", "sink.a" };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintCatalog) catalog = load_string (json, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (flint_catalog_get_n_kinds (catalog), ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpstr (flint_catalog_get_kind (catalog, i)->id, ==, order[i]);

  g_assert_cmpint (flint_catalog_lookup (catalog, "transform.c")->modes, ==, FLINT_MODE_STREAMING);
  g_assert_cmpuint (flint_catalog_lookup (catalog, "transform.c")->params->len, ==, 0);
  g_assert_cmpuint (g_strv_length (flint_catalog_lookup (catalog, "sink.a")->keywords), ==, 0);
}

typedef struct
{
  const char *name;
  const char *kind_members;   /* replaces the base kind's extra members */
  const char *params;         /* the params array's contents */
  const char *must_contain[3];
} BrokenCase;

/* A valid transform; each case breaks one thing about it. */
#define BASE_KIND \
  "\"id\": \"transform.t\", \"category\": \"transform\", \"title\": \"T\", \"description\": \"D\", " \
  "\"icon\": \"x-symbolic\", \"modes\": [\"batch\"], "
#define PORTS \
  "\"inputs\": [{\"name\": \"in\", \"title\": \"In\"}], \"outputs\": [{\"name\": \"out\", \"title\": \"Out\"}]"

static const BrokenCase broken_cases[] = {
  { "unknown-kind-key", BASE_KIND PORTS ", \"colour\": \"red\"", "",
    { "transform.t", "colour" } },
  { "unknown-param-key", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"string\", \"title\": \"P\", \"colour\": 1}",
    { "transform.t", "“p”", "colour" } },
  { "unknown-param-type", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"float\", \"title\": \"P\"}",
    { "transform.t", "“p”", "float" } },
  { "unknown-item-type", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"list\", \"item_type\": \"float\", \"title\": \"P\"}",
    { "transform.t", "“p”", "float" } },
  { "boolean-default", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"boolean\", \"title\": \"P\", \"default\": \"yes\"}",
    { "transform.t", "“p”", "default" } },
  { "integer-default", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"integer\", \"title\": \"P\", \"default\": 1.5}",
    { "transform.t", "“p”", "default" } },
  { "string-default", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"path\", \"title\": \"P\", \"default\": 3}",
    { "transform.t", "“p”", "default" } },
  { "null-default", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"string\", \"title\": \"P\", \"default\": null}",
    { "transform.t", "“p”", "default" } },
  { "default-below-minimum", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"number\", \"title\": \"P\", \"minimum\": 0, \"default\": -1}",
    { "transform.t", "“p”", "minimum" } },
  { "enum-default", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"enum\", \"title\": \"P\", \"choices\": [\"a\", \"b\"], \"default\": \"MAYBE\"}",
    { "transform.t", "“p”", "MAYBE" } },
  { "enum-without-choices", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"enum\", \"title\": \"P\"}",
    { "transform.t", "“p”", "choices" } },
  { "enum-duplicate-choice", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"enum\", \"title\": \"P\", \"choices\": [\"a\", \"a\"]}",
    { "transform.t", "“p”", "choices" } },
  { "choices-on-string", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"string\", \"title\": \"P\", \"choices\": [\"a\"]}",
    { "transform.t", "“p”", "choices" } },
  { "minimum-on-string", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"string\", \"title\": \"P\", \"minimum\": 1}",
    { "transform.t", "“p”", "minimum" } },
  { "minimum-above-maximum", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"integer\", \"title\": \"P\", \"minimum\": 5, \"maximum\": 1}",
    { "transform.t", "“p”", "maximum" } },
  { "required-with-default", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"string\", \"title\": \"P\", \"required\": true, \"default\": \"x\"}",
    { "transform.t", "“p”", "default" } },
  { "duplicate-param", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"string\", \"title\": \"P\"}, {\"name\": \"p\", \"type\": \"integer\", \"title\": \"P\"}",
    { "transform.t", "“p”", "two" } },
  { "missing-title", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"string\"}",
    { "transform.t", "“p”", "title" } },
  { "bad-param-name", BASE_KIND PORTS, "{\"name\": \"Bad Name\", \"type\": \"string\", \"title\": \"P\"}",
    { "transform.t", "Bad Name" } },
  { "port-not-an-input", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"column\", \"title\": \"P\", \"port\": \"nope\"}",
    { "transform.t", "“p”", "nope" } },
  { "port-on-string", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"string\", \"title\": \"P\", \"port\": \"in\"}",
    { "transform.t", "“p”", "port" } },
  { "list-without-items", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"list\", \"title\": \"P\"}",
    { "transform.t", "“p”", "item_type" } },
  { "list-with-both", BASE_KIND PORTS,
    "{\"name\": \"p\", \"type\": \"list\", \"title\": \"P\", \"item_type\": \"string\", \"fields\": [{\"name\": \"f\", \"type\": \"string\", \"title\": \"F\"}]}",
    { "transform.t", "“p”", "fields" } },
  { "fields-on-string", BASE_KIND PORTS,
    "{\"name\": \"p\", \"type\": \"string\", \"title\": \"P\", \"fields\": [{\"name\": \"f\", \"type\": \"string\", \"title\": \"F\"}]}",
    { "transform.t", "“p”", "fields" } },
  { "field-unknown-key", BASE_KIND PORTS,
    "{\"name\": \"p\", \"type\": \"list\", \"title\": \"P\", \"fields\": [{\"name\": \"f\", \"type\": \"string\", \"title\": \"F\", \"colour\": 1}]}",
    { "transform.t", "“f”", "colour" } },
  { "field-port-not-an-input", BASE_KIND PORTS,
    "{\"name\": \"p\", \"type\": \"list\", \"title\": \"P\", \"fields\": [{\"name\": \"f\", \"type\": \"column\", \"title\": \"F\", \"port\": \"left\"}]}",
    { "transform.t", "“f”", "left" } },
  { "duplicate-field", BASE_KIND PORTS,
    "{\"name\": \"p\", \"type\": \"list\", \"title\": \"P\", \"fields\": [{\"name\": \"f\", \"type\": \"string\", \"title\": \"F\"}, {\"name\": \"f\", \"type\": \"string\", \"title\": \"F\"}]}",
    { "transform.t", "“p”", "“f”" } },
  { "list-default-bad-item", BASE_KIND PORTS,
    "{\"name\": \"p\", \"type\": \"list\", \"title\": \"P\", \"item_type\": \"integer\", \"default\": [1, \"two\"]}",
    { "transform.t", "“p”", "default" } },
  { "list-default-unknown-field", BASE_KIND PORTS,
    "{\"name\": \"p\", \"type\": \"list\", \"title\": \"P\", \"fields\": [{\"name\": \"f\", \"type\": \"string\", \"title\": \"F\"}], \"default\": [{\"g\": \"x\"}]}",
    { "transform.t", "“p”", "“g”" } },
  { "map-default-nested", BASE_KIND PORTS,
    "{\"name\": \"p\", \"type\": \"map\", \"title\": \"P\", \"default\": {\"a\": [1]}}",
    { "transform.t", "“p”", "“a”" } },
  { "secret-default", BASE_KIND PORTS, "{\"name\": \"p\", \"type\": \"secret\", \"title\": \"P\", \"default\": \"hunter2\"}",
    { "transform.t", "“p”", "secret" } },
  { "bad-kind-id", "\"id\": \"transform.Bad-Id\", \"category\": \"transform\", \"title\": \"T\", \"description\": \"D\", "
    "\"icon\": \"x-symbolic\", \"modes\": [\"batch\"], " PORTS, "",
    { "transform.Bad-Id", "id" } },
  { "kind-id-other-category", "\"id\": \"source.t\", \"category\": \"transform\", \"title\": \"T\", \"description\": \"D\", "
    "\"icon\": \"x-symbolic\", \"modes\": [\"batch\"], " PORTS, "",
    { "source.t", "transform." } },
  { "unknown-category", "\"id\": \"widget.t\", \"category\": \"widget\", \"title\": \"T\", \"description\": \"D\", "
    "\"icon\": \"x-symbolic\", \"modes\": [\"batch\"], " PORTS, "",
    { "widget.t", "widget" } },
  { "unknown-mode", "\"id\": \"transform.t\", \"category\": \"transform\", \"title\": \"T\", \"description\": \"D\", "
    "\"icon\": \"x-symbolic\", \"modes\": [\"micro\"], " PORTS, "",
    { "transform.t", "micro" } },
  { "no-modes", "\"id\": \"transform.t\", \"category\": \"transform\", \"title\": \"T\", \"description\": \"D\", "
    "\"icon\": \"x-symbolic\", \"modes\": [], " PORTS, "",
    { "transform.t", "modes" } },
  { "missing-description", "\"id\": \"transform.t\", \"category\": \"transform\", \"title\": \"T\", "
    "\"icon\": \"x-symbolic\", \"modes\": [\"batch\"], " PORTS, "",
    { "transform.t", "description" } },
  { "icon-not-symbolic", "\"id\": \"transform.t\", \"category\": \"transform\", \"title\": \"T\", \"description\": \"D\", "
    "\"icon\": \"x-office-spreadsheet\", \"modes\": [\"batch\"], " PORTS, "",
    { "transform.t", "x-office-spreadsheet" } },
  { "duplicate-input", BASE_KIND "\"inputs\": [{\"name\": \"in\", \"title\": \"In\"}, {\"name\": \"in\", \"title\": \"In\"}], "
    "\"outputs\": [{\"name\": \"out\", \"title\": \"Out\"}]", "",
    { "transform.t", "“in”" } },
  { "bad-port-name", BASE_KIND "\"inputs\": [{\"name\": \"In Put\", \"title\": \"In\"}], "
    "\"outputs\": [{\"name\": \"out\", \"title\": \"Out\"}]", "",
    { "transform.t", "In Put" } },
  { "output-multiple", BASE_KIND "\"inputs\": [{\"name\": \"in\", \"title\": \"In\"}], "
    "\"outputs\": [{\"name\": \"out\", \"title\": \"Out\", \"multiple\": true}]", "",
    { "transform.t", "“out”", "multiple" } },
  { "transform-without-output", BASE_KIND "\"inputs\": [{\"name\": \"in\", \"title\": \"In\"}]", "",
    { "transform.t", "output" } },
  { "source-with-input", "\"id\": \"source.t\", \"category\": \"source\", \"title\": \"T\", \"description\": \"D\", "
    "\"icon\": \"x-symbolic\", \"modes\": [\"batch\"], " PORTS, "",
    { "source.t", "inputs" } },
  { "sink-with-output", "\"id\": \"sink.t\", \"category\": \"sink\", \"title\": \"T\", \"description\": \"D\", "
    "\"icon\": \"x-symbolic\", \"modes\": [\"batch\"], " PORTS, "",
    { "sink.t", "outputs" } },
};

static void
test_broken (gconstpointer data)
{
  const BrokenCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintCatalog) catalog = NULL;
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\"flint_catalog\": 1, \"kinds\": [{%s, \"params\": [%s]}]}",
                          c->kind_members, c->params);
  catalog = load_string (json, &error);

  g_assert_null (catalog);
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_CATALOG);
  for (guint i = 0; i < G_N_ELEMENTS (c->must_contain) && c->must_contain[i] != NULL; i++)
    {
      if (strstr (error->message, c->must_contain[i]) == NULL)
        g_error ("%s: “%s” does not mention “%s”", c->name, error->message, c->must_contain[i]);
    }
}

static void
test_broken_file (void)
{
  const struct { const char *json; const char *must_contain; } cases[] = {
    { "{\"flint_catalog\": 1, \"kinds\": [", "JSON" },
    { "[1, 2]", "object" },
    { "{\"flint_catalog\": 2, \"kinds\": []}", "version" },
    { "{\"kinds\": []}", "flint_catalog" },
    { "{\"flint_catalog\": 1}", "kinds" },
    { "{\"flint_catalog\": 1, \"kinds\": [], \"extra\": true}", "extra" },
    { "{\"flint_catalog\": 1, \"kinds\": [42]}", "kind number 1" },
    { "{\"flint_catalog\": 1, \"kinds\": [{\"category\": \"sink\"}]}", "id" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FlintCatalog) catalog = load_string (cases[i].json, &error);

      g_assert_null (catalog);
      g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_CATALOG);
      if (strstr (error->message, cases[i].must_contain) == NULL)
        g_error ("“%s” does not mention “%s”", error->message, cases[i].must_contain);
    }
}

static void
test_duplicate_kind (void)
{
  const char *kind =
    "{" BASE_KIND PORTS "}";
  g_autofree char *json = g_strdup_printf ("{\"flint_catalog\": 1, \"kinds\": [%s, %s]}", kind, kind);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintCatalog) catalog = load_string (json, &error);

  g_assert_null (catalog);
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_CATALOG);
  g_assert_nonnull (strstr (error->message, "transform.t"));
}

static void
test_valid_defaults (void)
{
  const char *json =
    "{\"flint_catalog\": 1, \"kinds\": [{" BASE_KIND
    "\"inputs\": [{\"name\": \"left\", \"title\": \"L\"}, {\"name\": \"right\", \"title\": \"R\", \"optional\": true}],"
    "\"outputs\": [{\"name\": \"out\", \"title\": \"Out\"}], \"params\": ["
    " {\"name\": \"n\", \"type\": \"number\", \"title\": \"N\", \"minimum\": 0, \"maximum\": 1, \"default\": 1},"
    " {\"name\": \"i\", \"type\": \"integer\", \"title\": \"I\", \"default\": -4},"
    " {\"name\": \"c\", \"type\": \"columns\", \"title\": \"C\", \"default\": [\"a\", \"b\"], \"port\": \"right\"},"
    " {\"name\": \"m\", \"type\": \"map\", \"title\": \"M\", \"default\": {\"a\": 1, \"b\": \"x\", \"c\": true}},"
    " {\"name\": \"l\", \"type\": \"list\", \"title\": \"L\", \"item_type\": \"map\", \"default\": [{\"a\": 1}]},"
    " {\"name\": \"r\", \"type\": \"list\", \"title\": \"R\", \"fields\": ["
    "    {\"name\": \"k\", \"type\": \"column\", \"title\": \"K\", \"required\": true, \"port\": \"left\"},"
    "    {\"name\": \"d\", \"type\": \"enum\", \"title\": \"D\", \"choices\": [\"asc\", \"desc\"], \"default\": \"asc\"}],"
    "  \"default\": [{\"k\": \"id\", \"d\": \"desc\"}]},"
    " {\"name\": \"o\", \"type\": \"string\", \"title\": \"O\", \"option\": \"someOption\", \"placeholder\": \"e.g.\"}"
    "]}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintCatalog) catalog = load_string (json, &error);
  const FlintNodeKind *kind;
  const FlintParamSpec *spec;

  g_assert_no_error (error);
  kind = flint_catalog_lookup (catalog, "transform.t");
  g_assert_true (flint_node_kind_lookup_input (kind, "right")->optional);
  g_assert_false (flint_node_kind_lookup_input (kind, "left")->optional);
  spec = flint_node_kind_lookup_param (kind, "n");
  g_assert_true (spec->has_minimum && spec->has_maximum);
  g_assert_cmpfloat (spec->maximum, ==, 1.0);
  spec = flint_node_kind_lookup_param (kind, "c");
  g_assert_cmpstr (spec->port, ==, "right");
  spec = flint_node_kind_lookup_param (kind, "l");
  g_assert_cmpint (spec->item_type, ==, FLINT_PARAM_MAP);
  spec = flint_node_kind_lookup_param (kind, "o");
  g_assert_cmpstr (flint_param_spec_get_option (spec), ==, "someOption");
  g_assert_cmpstr (spec->placeholder, ==, "e.g.");

  /* A record missing a required field is not a valid default. */
  {
    g_autoptr(GError) error2 = NULL;
    g_autoptr(FlintCatalog) broken = NULL;
    g_autoptr(GString) text = g_string_new (json);

    g_string_replace (text, "{\"k\": \"id\", \"d\": \"desc\"}", "{\"d\": \"desc\"}", 1);
    broken = load_string (text->str, &error2);
    g_assert_error (error2, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_CATALOG);
    g_assert_nonnull (strstr (error2->message, "“k”"));
  }
}

static void
assert_params_equal (GPtrArray *a,
                     GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);

  for (guint i = 0; i < a->len; i++)
    {
      const FlintParamSpec *pa = g_ptr_array_index (a, i);
      const FlintParamSpec *pb = g_ptr_array_index (b, i);

      g_assert_cmpstr (pa->name, ==, pb->name);
      g_assert_cmpint (pa->type, ==, pb->type);
      g_assert_cmpstr (pa->title, ==, pb->title);
      g_assert_cmpstr (pa->description, ==, pb->description);
      g_assert_cmpint (pa->required, ==, pb->required);
      g_assert_cmpstr (pa->port, ==, pb->port);
      g_assert_cmpstr (pa->placeholder, ==, pb->placeholder);
      g_assert_cmpstr (flint_param_spec_get_option (pa), ==, flint_param_spec_get_option (pb));
      g_assert_cmpint (pa->has_minimum, ==, pb->has_minimum);
      g_assert_cmpint (pa->has_maximum, ==, pb->has_maximum);
      g_assert_cmpfloat (pa->minimum, ==, pb->minimum);
      g_assert_cmpfloat (pa->maximum, ==, pb->maximum);
      g_assert_true ((pa->choices == NULL) == (pb->choices == NULL));
      if (pa->choices != NULL)
        g_assert_true (g_strv_equal ((const char * const *) pa->choices,
                                     (const char * const *) pb->choices));
      g_assert_true ((pa->default_value == NULL) == (pb->default_value == NULL));
      if (pa->default_value != NULL)
        g_assert_true (json_node_equal (pa->default_value, pb->default_value));
      g_assert_true ((pa->fields == NULL) == (pb->fields == NULL));
      if (pa->fields != NULL)
        assert_params_equal (pa->fields, pb->fields);
      else if (pa->type == FLINT_PARAM_LIST)
        g_assert_cmpint (pa->item_type, ==, pb->item_type);
    }
}

static void
test_to_json_round_trip (void)
{
  FlintCatalog *catalog = flint_catalog_get_default ();
  g_autoptr(JsonNode) node = flint_catalog_to_json (catalog);
  g_autofree char *text = to_string (node);
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintCatalog) again = flint_catalog_new_from_bytes (bytes, &error);
  g_autoptr(JsonNode) node_again = NULL;
  g_autofree char *text_again = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (flint_catalog_get_n_kinds (again), ==, flint_catalog_get_n_kinds (catalog));

  for (guint i = 0; i < flint_catalog_get_n_kinds (catalog); i++)
    {
      const FlintNodeKind *a = flint_catalog_get_kind (catalog, i);
      const FlintNodeKind *b = flint_catalog_get_kind (again, i);

      g_assert_cmpstr (a->id, ==, b->id);
      g_assert_cmpint (a->category, ==, b->category);
      g_assert_cmpstr (a->title, ==, b->title);
      g_assert_cmpstr (a->description, ==, b->description);
      g_assert_cmpstr (a->icon_name, ==, b->icon_name);
      g_assert_cmpint (a->modes, ==, b->modes);
      g_assert_true (g_strv_equal ((const char * const *) a->keywords,
                                   (const char * const *) b->keywords));
      g_assert_cmpuint (a->inputs->len, ==, b->inputs->len);
      g_assert_cmpuint (a->outputs->len, ==, b->outputs->len);
      assert_params_equal (a->params, b->params);
    }

  /* Stable: the second generation is the same text. */
  node_again = flint_catalog_to_json (again);
  text_again = to_string (node_again);
  g_assert_cmpstr (text, ==, text_again);

  /* Its keys in the input file's order. */
  {
    JsonObject *root = json_node_get_object (node);
    JsonObject *first = json_array_get_object_element (json_object_get_array_member (root, "kinds"), 0);
    g_autoptr(GList) members = json_object_get_members (first);
    const char * const kind_keys[] = {
      "id", "category", "title", "description", "icon", "modes", "keywords", "inputs",
      "outputs", "params"
    };
    guint i = 0;

    g_assert_cmpint (json_object_get_int_member (root, "flint_catalog"), ==, 1);
    for (const GList *l = members; l != NULL; l = l->next, i++)
      g_assert_cmpstr (l->data, ==, kind_keys[i]);
    g_assert_cmpuint (i, ==, G_N_ELEMENTS (kind_keys));
  }
}

/* The default catalog is the compiled-in file, loaded by the same strict loader. */
static void
test_default_is_the_resource (void)
{
  FlintCatalog *default_catalog = flint_catalog_get_default ();  /* links in the resource */
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintCatalog) catalog = NULL;

  bytes = g_resources_lookup_data ("/io/github/flintspark/Flint/model/catalog.json",
                                   G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);

  catalog = flint_catalog_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_true (catalog != default_catalog);
  g_assert_cmpuint (flint_catalog_get_n_kinds (catalog), ==,
                    flint_catalog_get_n_kinds (default_catalog));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/catalog/param-types", test_param_types);
  g_test_add_func ("/catalog/default/loads", test_default_loads);
  g_test_add_func ("/catalog/default/resource", test_default_is_the_resource);
  g_test_add_func ("/catalog/default/kinds", test_default_kinds);
  g_test_add_func ("/catalog/default/order", test_default_order);
  g_test_add_func ("/catalog/default/params", test_default_params);
  g_test_add_func ("/catalog/default/spark-params", test_default_spark_params);
  g_test_add_func ("/catalog/default/streaming", test_default_streaming);
  g_test_add_func ("/catalog/load/order", test_load_order);
  g_test_add_func ("/catalog/load/valid-defaults", test_valid_defaults);
  g_test_add_func ("/catalog/load/duplicate-kind", test_duplicate_kind);
  g_test_add_func ("/catalog/load/broken-file", test_broken_file);
  for (guint i = 0; i < G_N_ELEMENTS (broken_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/catalog/load/broken/%s", broken_cases[i].name);

      g_test_add_data_func (path, &broken_cases[i], test_broken);
    }
  g_test_add_func ("/catalog/to-json/round-trip", test_to_json_round_trip);

  return g_test_run ();
}
