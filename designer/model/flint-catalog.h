/* flint-catalog.h: the node kinds, described as data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  FLINT_PARAM_STRING,      /* one line of text */
  FLINT_PARAM_TEXT,        /* several lines of text */
  FLINT_PARAM_EXPRESSION,  /* a Spark SQL expression over the input columns */
  FLINT_PARAM_CONDITION,   /* a Spark SQL boolean expression over the input columns */
  FLINT_PARAM_INTEGER,
  FLINT_PARAM_NUMBER,
  FLINT_PARAM_BOOLEAN,
  FLINT_PARAM_ENUM,        /* one of choices */
  FLINT_PARAM_COLUMN,      /* the name of an input column */
  FLINT_PARAM_COLUMNS,     /* a list of input column names */
  FLINT_PARAM_PATH,        /* a file system or object store URI */
  FLINT_PARAM_TABLE,       /* a table name: table, schema.table or catalog.schema.table */
  FLINT_PARAM_TYPE,        /* a Spark SQL type name */
  FLINT_PARAM_INTERVAL,    /* a duration such as "10 minutes" */
  FLINT_PARAM_SQL,         /* a whole Spark SQL query */
  FLINT_PARAM_CODE,        /* user code in the pipeline's language */
  FLINT_PARAM_MAP,         /* string keys to scalar values (reader and writer options) */
  FLINT_PARAM_LIST,        /* a list of item_type values, or of records with fields */
  FLINT_PARAM_SECRET,      /* a reference to a secret, never the secret itself */
} FlintParamType;

typedef enum
{
  FLINT_NODE_CATEGORY_SOURCE,
  FLINT_NODE_CATEGORY_TRANSFORM,
  FLINT_NODE_CATEGORY_SINK,
} FlintNodeCategory;

typedef enum
{
  FLINT_MODE_BATCH     = 1 << 0,
  FLINT_MODE_STREAMING = 1 << 1,
} FlintModeFlags;

typedef struct _FlintParamSpec FlintParamSpec;

struct _FlintParamSpec
{
  char            *name;
  FlintParamType   type;
  char            *title;         /* user visible, translatable */
  char            *description;   /* documentation, translatable */
  gboolean         required;
  JsonNode        *default_value; /* NULL when there is none */
  char           **choices;       /* ENUM: the allowed values */
  gboolean         has_minimum;
  gboolean         has_maximum;
  double           minimum;
  double           maximum;
  char            *port;          /* COLUMN, COLUMNS, EXPRESSION, CONDITION: the input port
                                   * whose columns names resolve against; NULL: the first */
  FlintParamType   item_type;     /* LIST without fields: the type of each item */
  GPtrArray       *fields;        /* LIST of records: FlintParamSpec of each field, or NULL */
  char            *placeholder;   /* an example value for an empty entry */
};

typedef struct
{
  char     *name;
  char     *title;
  gboolean  multiple;  /* inputs: takes any number of edges (union, sql) */
  gboolean  optional;  /* inputs: may stay unconnected */
} FlintPortSpec;

typedef struct
{
  char              *id;          /* source.csv, transform.join, ... */
  FlintNodeCategory  category;
  char              *title;
  char              *description;
  char              *icon_name;
  FlintModeFlags     modes;
  GPtrArray         *params;      /* FlintParamSpec */
  GPtrArray         *inputs;      /* FlintPortSpec */
  GPtrArray         *outputs;     /* FlintPortSpec */
  char             **keywords;    /* extra words the palette search matches */
} FlintNodeKind;

#define FLINT_TYPE_CATALOG (flint_catalog_get_type ())

G_DECLARE_FINAL_TYPE (FlintCatalog, flint_catalog, FLINT, CATALOG, GObject)

/* The catalog built into Flint (data/catalog/catalog.json); loaded once, never freed. */
FlintCatalog         *flint_catalog_get_default       (void);
FlintCatalog         *flint_catalog_new_from_bytes    (GBytes               *json,
                                                       GError              **error);
/* FlintNodeKind in catalog order: sources, transforms, sinks. */
guint                 flint_catalog_get_n_kinds       (FlintCatalog         *self);
const FlintNodeKind  *flint_catalog_get_kind          (FlintCatalog         *self,
                                                       guint                 position);
const FlintNodeKind  *flint_catalog_lookup            (FlintCatalog         *self,
                                                       const char           *kind_id);
/* The catalog as JSON, as `flint-cli catalog --json` prints it. */
JsonNode             *flint_catalog_to_json           (FlintCatalog         *self);

const FlintParamSpec *flint_node_kind_lookup_param    (const FlintNodeKind  *kind,
                                                       const char           *name);
const FlintPortSpec  *flint_node_kind_lookup_input    (const FlintNodeKind  *kind,
                                                       const char           *name);
const FlintPortSpec  *flint_node_kind_lookup_output   (const FlintNodeKind  *kind,
                                                       const char           *name);
const FlintParamSpec *flint_param_spec_lookup_field   (const FlintParamSpec *spec,
                                                       const char           *name);
/* The Spark reader/writer option a parameter is passed as (`inferSchema`), or NULL when the
 * parameter needs its own code. Only for specs that come from a FlintCatalog. */
const char           *flint_param_spec_get_option     (const FlintParamSpec *spec);
/* Whether the kind can run in every mode of @mode. */
gboolean              flint_node_kind_has_mode        (const FlintNodeKind  *kind,
                                                       FlintModeFlags        mode);

const char           *flint_param_type_to_string      (FlintParamType        type);
gboolean              flint_param_type_from_string    (const char           *text,
                                                       FlintParamType       *type);
const char           *flint_node_category_to_string   (FlintNodeCategory     category);

G_END_DECLS
