/* flint-catalog.c: the node kinds, loaded strictly from JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "flint-catalog.h"
#include "flint-error.h"
#include "flint-model-resources.h"

#define CATALOG_RESOURCE "/io/github/flintspark/Flint/model/catalog.json"
#define CATALOG_FORMAT   1

/* The public struct plus what only this file touches; the catalog allocates every spec. */
typedef struct
{
  FlintParamSpec  spec;
  char           *option;   /* the Spark reader/writer option this parameter is passed as */
} FlintParamSpecReal;

struct _FlintCatalog
{
  GObject     parent_instance;
  GPtrArray  *kinds;   /* FlintNodeKind, in catalog order */
  GHashTable *by_id;   /* id -> FlintNodeKind (borrowed from kinds) */
};

G_DEFINE_FINAL_TYPE (FlintCatalog, flint_catalog, G_TYPE_OBJECT)

static const char * const param_type_names[] = {
  [FLINT_PARAM_STRING]     = "string",
  [FLINT_PARAM_TEXT]       = "text",
  [FLINT_PARAM_EXPRESSION] = "expression",
  [FLINT_PARAM_CONDITION]  = "condition",
  [FLINT_PARAM_INTEGER]    = "integer",
  [FLINT_PARAM_NUMBER]     = "number",
  [FLINT_PARAM_BOOLEAN]    = "boolean",
  [FLINT_PARAM_ENUM]       = "enum",
  [FLINT_PARAM_COLUMN]     = "column",
  [FLINT_PARAM_COLUMNS]    = "columns",
  [FLINT_PARAM_PATH]       = "path",
  [FLINT_PARAM_TABLE]      = "table",
  [FLINT_PARAM_TYPE]       = "type",
  [FLINT_PARAM_INTERVAL]   = "interval",
  [FLINT_PARAM_SQL]        = "sql",
  [FLINT_PARAM_CODE]       = "code",
  [FLINT_PARAM_MAP]        = "map",
  [FLINT_PARAM_LIST]       = "list",
  [FLINT_PARAM_SECRET]     = "secret",
};

static const char * const category_names[] = {
  [FLINT_NODE_CATEGORY_SOURCE]    = "source",
  [FLINT_NODE_CATEGORY_TRANSFORM] = "transform",
  [FLINT_NODE_CATEGORY_SINK]      = "sink",
};

static const char * const top_keys[] = { "flint_catalog", "kinds", NULL };
static const char * const kind_keys[] = {
  "id", "category", "title", "description", "icon", "modes", "keywords",
  "inputs", "outputs", "params", NULL
};
static const char * const input_keys[] = { "name", "title", "multiple", "optional", NULL };
static const char * const output_keys[] = { "name", "title", NULL };
static const char * const param_keys[] = {
  "name", "type", "title", "description", "required", "default", "choices",
  "minimum", "maximum", "port", "item_type", "fields", "placeholder", "option", NULL
};

/* Helpers */

static void
flint_param_spec_free (gpointer data)
{
  FlintParamSpecReal *real = data;
  FlintParamSpec *spec = &real->spec;

  g_free (spec->name);
  g_free (spec->title);
  g_free (spec->description);
  g_clear_pointer (&spec->default_value, json_node_unref);
  g_strfreev (spec->choices);
  g_free (spec->port);
  g_clear_pointer (&spec->fields, g_ptr_array_unref);
  g_free (spec->placeholder);
  g_free (real->option);
  g_free (real);
}

static void
flint_port_spec_free (gpointer data)
{
  FlintPortSpec *port = data;

  g_free (port->name);
  g_free (port->title);
  g_free (port);
}

static void
flint_node_kind_free (gpointer data)
{
  FlintNodeKind *kind = data;

  g_free (kind->id);
  g_free (kind->title);
  g_free (kind->description);
  g_free (kind->icon_name);
  g_clear_pointer (&kind->params, g_ptr_array_unref);
  g_clear_pointer (&kind->inputs, g_ptr_array_unref);
  g_clear_pointer (&kind->outputs, g_ptr_array_unref);
  g_strfreev (kind->keywords);
  g_free (kind);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintNodeKind, flint_node_kind_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintPortSpec, flint_port_spec_free)

static FlintParamSpec *
flint_param_spec_alloc (void)
{
  FlintParamSpecReal *real = g_new0 (FlintParamSpecReal, 1);

  real->spec.item_type = FLINT_PARAM_STRING;
  return &real->spec;
}

static void
flint_param_spec_unref_ptr (FlintParamSpec *spec)
{
  flint_param_spec_free (spec);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintParamSpec, flint_param_spec_unref_ptr)

static gboolean G_GNUC_PRINTF (3, 4)
catalog_error (GError    **error,
               const char *where,
               const char *format,
               ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_CATALOG,
               _("Broken node catalog: %s: %s"), where, detail);
  return FALSE;
}

/* A name of a port, parameter or field: lower case, digits and underscores. */
static gboolean
is_valid_name (const char *name)
{
  if (name == NULL || !g_ascii_islower (name[0]))
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_')
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_valid_kind_id (const char        *id,
                  FlintNodeCategory  category)
{
  const char *prefix = category_names[category];
  gsize len = strlen (prefix);

  return strncmp (id, prefix, len) == 0 && id[len] == '.' && is_valid_name (id + len + 1);
}

static gboolean
check_keys (JsonObject         *object,
            const char * const *allowed,
            const char         *where,
            GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (allowed, l->data))
        return catalog_error (error, where, _("unknown key “%s”"), (const char *) l->data);
    }

  return TRUE;
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
node_is_number (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) &&
         (json_node_get_value_type (node) == G_TYPE_INT64 ||
          json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

static gboolean
node_is_integer (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
node_is_boolean (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

/* A non-empty string member; *out stays NULL when the member is absent and optional. */
static gboolean
get_string (JsonObject  *object,
            const char  *key,
            gboolean     required,
            char       **out,
            const char  *where,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    {
      if (required)
        return catalog_error (error, where, _("the key “%s” is missing"), key);
      return TRUE;
    }

  if (!node_is_string (node) || json_node_get_string (node)[0] == '\0')
    return catalog_error (error, where, _("“%s” must be a non-empty string"), key);

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_boolean (JsonObject  *object,
             const char  *key,
             gboolean    *out,
             const char  *where,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  *out = FALSE;
  if (node == NULL)
    return TRUE;

  if (!node_is_boolean (node))
    return catalog_error (error, where, _("“%s” must be true or false"), key);

  *out = json_node_get_boolean (node);
  return TRUE;
}

/* An array of distinct non-empty strings. */
static gboolean
get_string_list (JsonObject   *object,
                 const char   *key,
                 char       ***out,
                 const char   *where,
                 GError      **error)
{
  JsonNode *node = json_object_get_member (object, key);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (node == NULL)
    {
      *out = g_new0 (char *, 1);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return catalog_error (error, where, _("“%s” must be a list of strings"), key);

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *text;

      if (!node_is_string (item) || json_node_get_string (item)[0] == '\0')
        return catalog_error (error, where, _("“%s” must be a list of non-empty strings"), key);

      text = json_node_get_string (item);
      if (!g_hash_table_add (seen, (gpointer) text))
        return catalog_error (error, where, _("“%s” lists “%s” twice"), key, text);

      g_strv_builder_add (builder, text);
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
}

static const char *
translate (const char *text)
{
  return text != NULL ? g_dgettext (GETTEXT_PACKAGE, text) : NULL;
}

static char *
dup_translated (char *text)
{
  char *ret;

  if (text == NULL)
    return NULL;

  ret = g_strdup (translate (text));
  g_free (text);
  return ret;
}

/* Values */

static gboolean check_value (const FlintParamSpec *spec,
                             FlintParamType        type,
                             JsonNode             *value,
                             const char           *where,
                             GError              **error);

static gboolean
is_string_type (FlintParamType type)
{
  return type != FLINT_PARAM_INTEGER && type != FLINT_PARAM_NUMBER &&
         type != FLINT_PARAM_BOOLEAN && type != FLINT_PARAM_ENUM &&
         type != FLINT_PARAM_COLUMNS && type != FLINT_PARAM_MAP &&
         type != FLINT_PARAM_LIST;
}

static gboolean
check_range (const FlintParamSpec *spec,
             JsonNode             *value,
             const char           *where,
             GError              **error)
{
  double d = json_node_get_double (value);

  if (spec->has_minimum && d < spec->minimum)
    return catalog_error (error, where, _("the value %g is below the minimum %g"), d, spec->minimum);
  if (spec->has_maximum && d > spec->maximum)
    return catalog_error (error, where, _("the value %g is above the maximum %g"), d, spec->maximum);

  return TRUE;
}

static gboolean
check_record (const FlintParamSpec *spec,
              JsonNode             *value,
              const char           *where,
              GError              **error)
{
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    return catalog_error (error, where, _("each item must be a record"));

  object = json_node_get_object (value);
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const FlintParamSpec *field = flint_param_spec_lookup_field (spec, l->data);
      g_autofree char *field_where = NULL;

      if (field == NULL)
        return catalog_error (error, where, _("an item has the unknown field “%s”"),
                              (const char *) l->data);

      field_where = g_strdup_printf (_("%s, field “%s”"), where, field->name);
      if (!check_value (field, field->type, json_object_get_member (object, l->data),
                        field_where, error))
        return FALSE;
    }

  for (guint i = 0; i < spec->fields->len; i++)
    {
      const FlintParamSpec *field = g_ptr_array_index (spec->fields, i);

      if (field->required && !json_object_has_member (object, field->name))
        return catalog_error (error, where, _("an item lacks the required field “%s”"),
                              field->name);
    }

  return TRUE;
}

/* Whether value is a valid value of a parameter (type is spec->type, or its item_type). */
static gboolean
check_value (const FlintParamSpec *spec,
             FlintParamType        type,
             JsonNode             *value,
             const char           *where,
             GError              **error)
{
  const char *type_name = flint_param_type_to_string (type);

  if (JSON_NODE_HOLDS_NULL (value))
    return catalog_error (error, where, _("null is not a value of type “%s”"), type_name);

  if (is_string_type (type))
    {
      if (!node_is_string (value))
        return catalog_error (error, where, _("the value must be a string (type “%s”)"), type_name);
      return TRUE;
    }

  if (type == FLINT_PARAM_INTEGER)
    {
      if (!node_is_integer (value))
        return catalog_error (error, where, _("the value must be an integer"));
      return check_range (spec, value, where, error);
    }

  if (type == FLINT_PARAM_NUMBER)
    {
      if (!node_is_number (value))
        return catalog_error (error, where, _("the value must be a number"));
      return check_range (spec, value, where, error);
    }

  if (type == FLINT_PARAM_BOOLEAN)
    {
      if (!node_is_boolean (value))
        return catalog_error (error, where, _("the value must be true or false"));
      return TRUE;
    }

  if (type == FLINT_PARAM_ENUM)
    {
      if (!node_is_string (value))
        return catalog_error (error, where, _("the value must be one of the choices"));
      if (!g_strv_contains ((const char * const *) spec->choices, json_node_get_string (value)))
        return catalog_error (error, where, _("“%s” is not one of the choices"),
                              json_node_get_string (value));
      return TRUE;
    }

  if (type == FLINT_PARAM_COLUMNS)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (value))
        return catalog_error (error, where, _("the value must be a list of column names"));
      array = json_node_get_array (value);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (!node_is_string (json_array_get_element (array, i)))
            return catalog_error (error, where, _("the value must be a list of column names"));
        }
      return TRUE;
    }

  if (type == FLINT_PARAM_MAP)
    {
      JsonObject *object;
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (value))
        return catalog_error (error, where, _("the value must be a map"));
      object = json_node_get_object (value);
      members = json_object_get_members (object);
      for (const GList *l = members; l != NULL; l = l->next)
        {
          if (!JSON_NODE_HOLDS_VALUE (json_object_get_member (object, l->data)))
            return catalog_error (error, where, _("the map value of “%s” must be a scalar"),
                                  (const char *) l->data);
        }
      return TRUE;
    }

  if (type == FLINT_PARAM_LIST)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (value))
        return catalog_error (error, where, _("the value must be a list"));
      array = json_node_get_array (value);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (spec->fields != NULL)
            {
              if (!check_record (spec, item, where, error))
                return FALSE;
            }
          else if (!check_value (spec, spec->item_type, item, where, error))
            return FALSE;
        }
      return TRUE;
    }

  g_assert_not_reached ();
}

/* Parsing */

static gboolean
parse_port (JsonNode       *node,
            gboolean        is_input,
            const char     *kind_where,
            FlintPortSpec **out,
            GError        **error)
{
  g_autoptr(FlintPortSpec) port = g_new0 (FlintPortSpec, 1);
  g_autofree char *where = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return catalog_error (error, kind_where, is_input ? _("each input must be an object")
                                                      : _("each output must be an object"));

  object = json_node_get_object (node);
  if (!get_string (object, "name", TRUE, &port->name, kind_where, error))
    return FALSE;

  where = g_strdup_printf (is_input ? _("%s, input “%s”") : _("%s, output “%s”"),
                           kind_where, port->name);
  if (!is_valid_name (port->name))
    return catalog_error (error, where, _("“%s” is not a valid port name"), port->name);

  if (!check_keys (object, is_input ? input_keys : output_keys, where, error) ||
      !get_string (object, "title", TRUE, &port->title, where, error) ||
      !get_boolean (object, "multiple", &port->multiple, where, error) ||
      !get_boolean (object, "optional", &port->optional, where, error))
    return FALSE;

  port->title = dup_translated (port->title);
  *out = g_steal_pointer (&port);
  return TRUE;
}

static gboolean
parse_ports (JsonObject  *object,
             const char  *key,
             gboolean     is_input,
             const char  *kind_where,
             GPtrArray  **out,
             GError     **error)
{
  g_autoptr(GPtrArray) ports = g_ptr_array_new_with_free_func (flint_port_spec_free);
  JsonNode *node = json_object_get_member (object, key);
  JsonArray *array;

  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        return catalog_error (error, kind_where, _("“%s” must be a list"), key);

      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          FlintPortSpec *port = NULL;

          if (!parse_port (json_array_get_element (array, i), is_input, kind_where, &port, error))
            return FALSE;
          g_ptr_array_add (ports, port);

          for (guint j = 0; j < i; j++)
            {
              const FlintPortSpec *other = g_ptr_array_index (ports, j);

              if (g_str_equal (other->name, port->name))
                return catalog_error (error, kind_where, _("two %s are named “%s”"), key, port->name);
            }
        }
    }

  *out = g_steal_pointer (&ports);
  return TRUE;
}

static gboolean
get_bound (JsonObject  *object,
           const char  *key,
           gboolean    *has,
           double      *value,
           const char  *where,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return TRUE;

  if (!node_is_number (node))
    return catalog_error (error, where, _("“%s” must be a number"), key);

  *has = TRUE;
  *value = json_node_get_double (node);
  return TRUE;
}

static gboolean parse_params (JsonNode             *node,
                              const FlintNodeKind  *kind,
                              const char           *where,
                              gboolean              is_fields,
                              GPtrArray           **out,
                              GError              **error);

static gboolean
parse_param (JsonNode             *node,
             const FlintNodeKind  *kind,
             const char           *parent_where,
             gboolean              is_field,
             FlintParamSpec      **out,
             GError              **error)
{
  g_autoptr(FlintParamSpec) spec = flint_param_spec_alloc ();
  FlintParamSpecReal *real = (FlintParamSpecReal *) spec;
  g_autofree char *where = NULL;
  g_autofree char *type_name = NULL;
  g_autofree char *item_type_name = NULL;
  JsonObject *object;
  JsonNode *member;
  gboolean is_number;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return catalog_error (error, parent_where, is_field ? _("each field must be an object")
                                                        : _("each parameter must be an object"));

  object = json_node_get_object (node);
  if (!get_string (object, "name", TRUE, &spec->name, parent_where, error))
    return FALSE;

  where = g_strdup_printf (is_field ? _("%s, field “%s”") : _("%s, parameter “%s”"),
                           parent_where, spec->name);
  if (!is_valid_name (spec->name))
    return catalog_error (error, where, _("“%s” is not a valid parameter name"), spec->name);

  if (!check_keys (object, param_keys, where, error) ||
      !get_string (object, "type", TRUE, &type_name, where, error) ||
      !get_string (object, "title", TRUE, &spec->title, where, error) ||
      !get_string (object, "description", FALSE, &spec->description, where, error) ||
      !get_string (object, "placeholder", FALSE, &spec->placeholder, where, error) ||
      !get_string (object, "option", FALSE, &real->option, where, error) ||
      !get_boolean (object, "required", &spec->required, where, error))
    return FALSE;

  spec->title = dup_translated (spec->title);
  spec->description = dup_translated (spec->description);

  if (!flint_param_type_from_string (type_name, &spec->type))
    return catalog_error (error, where, _("unknown parameter type “%s”"), type_name);

  is_number = spec->type == FLINT_PARAM_INTEGER || spec->type == FLINT_PARAM_NUMBER;

  /* choices: enums only, and every enum */
  if (json_object_has_member (object, "choices"))
    {
      if (spec->type != FLINT_PARAM_ENUM)
        return catalog_error (error, where, _("“choices” is only for parameters of type enum"));
      if (!get_string_list (object, "choices", &spec->choices, where, error))
        return FALSE;
    }
  if (spec->type == FLINT_PARAM_ENUM && (spec->choices == NULL || spec->choices[0] == NULL))
    return catalog_error (error, where, _("an enum needs a non-empty “choices” list"));

  /* minimum and maximum: numbers only */
  if (!is_number && (json_object_has_member (object, "minimum") ||
                     json_object_has_member (object, "maximum")))
    return catalog_error (error, where, _("“minimum” and “maximum” are only for integers and numbers"));
  if (!get_bound (object, "minimum", &spec->has_minimum, &spec->minimum, where, error) ||
      !get_bound (object, "maximum", &spec->has_maximum, &spec->maximum, where, error))
    return FALSE;
  if (spec->has_minimum && spec->has_maximum && spec->minimum > spec->maximum)
    return catalog_error (error, where, _("the minimum %g is above the maximum %g"),
                          spec->minimum, spec->maximum);

  /* port: names resolved against a given input */
  if (!get_string (object, "port", FALSE, &spec->port, where, error))
    return FALSE;
  if (spec->port != NULL)
    {
      if (spec->type != FLINT_PARAM_COLUMN && spec->type != FLINT_PARAM_COLUMNS &&
          spec->type != FLINT_PARAM_EXPRESSION && spec->type != FLINT_PARAM_CONDITION)
        return catalog_error (error, where, _("“port” is only for columns, expressions and conditions"));
      if (flint_node_kind_lookup_input (kind, spec->port) == NULL)
        return catalog_error (error, where, _("“port” names “%s”, which is not an input of the kind"),
                              spec->port);
    }

  /* item_type and fields: lists only, exactly one of them */
  if (!get_string (object, "item_type", FALSE, &item_type_name, where, error))
    return FALSE;
  member = json_object_get_member (object, "fields");
  if (spec->type != FLINT_PARAM_LIST)
    {
      if (item_type_name != NULL || member != NULL)
        return catalog_error (error, where, _("“item_type” and “fields” are only for lists"));
    }
  else
    {
      if ((item_type_name != NULL) == (member != NULL))
        return catalog_error (error, where, _("a list needs either “item_type” or “fields”"));

      if (item_type_name != NULL)
        {
          if (!flint_param_type_from_string (item_type_name, &spec->item_type))
            return catalog_error (error, where, _("unknown item type “%s”"), item_type_name);
          if (spec->item_type == FLINT_PARAM_LIST || spec->item_type == FLINT_PARAM_ENUM)
            return catalog_error (error, where, _("“%s” cannot be an item type"), item_type_name);
        }
      else
        {
          if (is_field)
            return catalog_error (error, where, _("a field cannot itself have fields"));
          if (!parse_params (member, kind, where, TRUE, &spec->fields, error))
            return FALSE;
          if (spec->fields->len == 0)
            return catalog_error (error, where, _("“fields” must not be empty"));
        }
    }

  /* default: last, as it is checked against everything above */
  member = json_object_get_member (object, "default");
  if (member != NULL)
    {
      g_autofree char *default_where = g_strdup_printf (_("%s, default"), where);

      if (spec->required)
        return catalog_error (error, where, _("a required parameter cannot have a default"));
      if (spec->type == FLINT_PARAM_SECRET)
        return catalog_error (error, where, _("a secret cannot have a default"));
      if (!check_value (spec, spec->type, member, default_where, error))
        return FALSE;
      spec->default_value = json_node_copy (member);
    }

  *out = g_steal_pointer (&spec);
  return TRUE;
}

static gboolean
parse_params (JsonNode             *node,
              const FlintNodeKind  *kind,
              const char           *where,
              gboolean              is_fields,
              GPtrArray           **out,
              GError              **error)
{
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (flint_param_spec_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (node != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return catalog_error (error, where, is_fields ? _("“fields” must be a list")
                                                      : _("“params” must be a list"));

      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          FlintParamSpec *spec = NULL;

          if (!parse_param (json_array_get_element (array, i), kind, where, is_fields, &spec, error))
            return FALSE;
          g_ptr_array_add (params, spec);

          if (!g_hash_table_add (seen, spec->name))
            return catalog_error (error, where,
                                  is_fields ? _("two fields are named “%s”")
                                            : _("two parameters are named “%s”"),
                                  spec->name);
        }
    }

  *out = g_steal_pointer (&params);
  return TRUE;
}

static gboolean
parse_modes (JsonObject      *object,
             FlintModeFlags  *modes,
             const char      *where,
             GError         **error)
{
  g_auto(GStrv) names = NULL;

  if (!json_object_has_member (object, "modes"))
    return catalog_error (error, where, _("the key “%s” is missing"), "modes");
  if (!get_string_list (object, "modes", &names, where, error))
    return FALSE;

  *modes = 0;
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "batch"))
        *modes |= FLINT_MODE_BATCH;
      else if (g_str_equal (names[i], "streaming"))
        *modes |= FLINT_MODE_STREAMING;
      else
        return catalog_error (error, where, _("unknown mode “%s” (batch or streaming)"), names[i]);
    }

  if (*modes == 0)
    return catalog_error (error, where, _("“modes” must not be empty"));

  return TRUE;
}

static gboolean
parse_category (const char         *text,
                FlintNodeCategory  *category)
{
  for (guint i = 0; i < G_N_ELEMENTS (category_names); i++)
    {
      if (g_str_equal (text, category_names[i]))
        {
          *category = i;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
parse_kind (JsonNode       *node,
            guint           position,
            FlintNodeKind **out,
            GError        **error)
{
  g_autoptr(FlintNodeKind) kind = g_new0 (FlintNodeKind, 1);
  g_autofree char *index_where = g_strdup_printf (_("kind number %u"), position + 1);
  g_autofree char *where = NULL;
  g_autofree char *category = NULL;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return catalog_error (error, index_where, _("each kind must be an object"));

  object = json_node_get_object (node);
  if (!get_string (object, "id", TRUE, &kind->id, index_where, error))
    return FALSE;

  where = g_strdup_printf (_("kind “%s”"), kind->id);
  if (!check_keys (object, kind_keys, where, error) ||
      !get_string (object, "category", TRUE, &category, where, error))
    return FALSE;

  if (!parse_category (category, &kind->category))
    return catalog_error (error, where, _("unknown category “%s” (source, transform or sink)"), category);
  if (!is_valid_kind_id (kind->id, kind->category))
    return catalog_error (error, where, _("the id must be “%s.” and a lower-case name"),
                          category_names[kind->category]);

  if (!get_string (object, "title", TRUE, &kind->title, where, error) ||
      !get_string (object, "description", TRUE, &kind->description, where, error) ||
      !get_string (object, "icon", TRUE, &kind->icon_name, where, error) ||
      !parse_modes (object, &kind->modes, where, error) ||
      !get_string_list (object, "keywords", &kind->keywords, where, error) ||
      !parse_ports (object, "inputs", TRUE, where, &kind->inputs, error) ||
      !parse_ports (object, "outputs", FALSE, where, &kind->outputs, error))
    return FALSE;

  kind->title = dup_translated (kind->title);
  kind->description = dup_translated (kind->description);

  if (!g_str_has_suffix (kind->icon_name, "-symbolic"))
    return catalog_error (error, where, _("the icon “%s” is not a symbolic icon"), kind->icon_name);

  switch (kind->category)
    {
    case FLINT_NODE_CATEGORY_SOURCE:
      if (kind->inputs->len != 0 || kind->outputs->len == 0)
        return catalog_error (error, where, _("a source has no inputs and at least one output"));
      break;

    case FLINT_NODE_CATEGORY_SINK:
      if (kind->inputs->len == 0 || kind->outputs->len != 0)
        return catalog_error (error, where, _("a sink has at least one input and no outputs"));
      break;

    case FLINT_NODE_CATEGORY_TRANSFORM:
      if (kind->inputs->len == 0 || kind->outputs->len == 0)
        return catalog_error (error, where, _("a transform has at least one input and one output"));
      break;

    default:
      g_assert_not_reached ();
    }

  if (!parse_params (json_object_get_member (object, "params"), kind, where, FALSE,
                     &kind->params, error))
    return FALSE;

  *out = g_steal_pointer (&kind);
  return TRUE;
}

static gboolean
flint_catalog_load (FlintCatalog  *self,
                    GBytes        *bytes,
                    GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func (flint_node_kind_free);
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonNode *node;
  JsonArray *kinds;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (!json_parser_load_from_data (parser, data, size, &local_error))
    return catalog_error (error, _("the file"), _("not valid JSON: %s"), local_error->message);

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return catalog_error (error, _("the file"), _("the top level must be an object"));

  root = json_node_get_object (node);
  if (!check_keys (root, top_keys, _("the file"), error))
    return FALSE;

  node = json_object_get_member (root, "flint_catalog");
  if (node == NULL || !node_is_integer (node))
    return catalog_error (error, _("the file"), _("“flint_catalog” must be the format version, %d"),
                          CATALOG_FORMAT);
  if (json_node_get_int (node) != CATALOG_FORMAT)
    {
      /* The number is formatted apart: xgettext stops at G_GINT64_FORMAT inside _(). */
      g_autofree char *found = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

      return catalog_error (error, _("the file"), _("format version %s is not supported (expected %d)"),
                            found, CATALOG_FORMAT);
    }

  node = json_object_get_member (root, "kinds");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return catalog_error (error, _("the file"), _("“kinds” must be a list"));

  kinds = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (kinds); i++)
    {
      FlintNodeKind *kind = NULL;

      if (!parse_kind (json_array_get_element (kinds, i), i, &kind, error))
        return FALSE;

      g_ptr_array_add (parsed, kind);
      if (!g_hash_table_insert (self->by_id, kind->id, kind))
        {
          g_autofree char *where = g_strdup_printf (_("kind “%s”"), kind->id);
          return catalog_error (error, where, _("the id is used by two kinds"));
        }
    }

  /* Sources, transforms, sinks, in file order within each; the kinds move to self->kinds. */
  g_ptr_array_set_free_func (parsed, NULL);
  for (guint category = 0; category < G_N_ELEMENTS (category_names); category++)
    {
      for (guint i = 0; i < parsed->len; i++)
        {
          FlintNodeKind *kind = g_ptr_array_index (parsed, i);

          if (kind->category == category)
            g_ptr_array_add (self->kinds, kind);
        }
    }

  return TRUE;
}

/* JSON output */

static void
add_number (JsonBuilder *builder,
            double       value)
{
  if (value == floor (value) && fabs (value) < 1e15)
    json_builder_add_int_value (builder, (gint64) value);
  else
    json_builder_add_double_value (builder, value);
}

static void
add_strv (JsonBuilder *builder,
          const char  *key,
          char       **strv)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

static void
add_param (JsonBuilder          *builder,
           const FlintParamSpec *spec)
{
  const FlintParamSpecReal *real = (const FlintParamSpecReal *) spec;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, spec->name);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, flint_param_type_to_string (spec->type));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, spec->title);
  if (spec->description != NULL)
    {
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, spec->description);
    }
  json_builder_set_member_name (builder, "required");
  json_builder_add_boolean_value (builder, spec->required);
  if (spec->default_value != NULL)
    {
      json_builder_set_member_name (builder, "default");
      json_builder_add_value (builder, json_node_copy (spec->default_value));
    }
  if (spec->choices != NULL)
    add_strv (builder, "choices", spec->choices);
  if (spec->has_minimum)
    {
      json_builder_set_member_name (builder, "minimum");
      add_number (builder, spec->minimum);
    }
  if (spec->has_maximum)
    {
      json_builder_set_member_name (builder, "maximum");
      add_number (builder, spec->maximum);
    }
  if (spec->port != NULL)
    {
      json_builder_set_member_name (builder, "port");
      json_builder_add_string_value (builder, spec->port);
    }
  if (spec->type == FLINT_PARAM_LIST && spec->fields == NULL)
    {
      json_builder_set_member_name (builder, "item_type");
      json_builder_add_string_value (builder, flint_param_type_to_string (spec->item_type));
    }
  if (spec->fields != NULL)
    {
      json_builder_set_member_name (builder, "fields");
      json_builder_begin_array (builder);
      for (guint i = 0; i < spec->fields->len; i++)
        add_param (builder, g_ptr_array_index (spec->fields, i));
      json_builder_end_array (builder);
    }
  if (spec->placeholder != NULL)
    {
      json_builder_set_member_name (builder, "placeholder");
      json_builder_add_string_value (builder, spec->placeholder);
    }
  if (real->option != NULL)
    {
      json_builder_set_member_name (builder, "option");
      json_builder_add_string_value (builder, real->option);
    }
  json_builder_end_object (builder);
}

static void
add_ports (JsonBuilder *builder,
           const char  *key,
           GPtrArray   *ports,
           gboolean     is_input)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; i < ports->len; i++)
    {
      const FlintPortSpec *port = g_ptr_array_index (ports, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, port->name);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, port->title);
      if (is_input)
        {
          json_builder_set_member_name (builder, "multiple");
          json_builder_add_boolean_value (builder, port->multiple);
          json_builder_set_member_name (builder, "optional");
          json_builder_add_boolean_value (builder, port->optional);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_kind (JsonBuilder         *builder,
          const FlintNodeKind *kind)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, kind->id);
  json_builder_set_member_name (builder, "category");
  json_builder_add_string_value (builder, flint_node_category_to_string (kind->category));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, kind->title);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, kind->description);
  json_builder_set_member_name (builder, "icon");
  json_builder_add_string_value (builder, kind->icon_name);

  json_builder_set_member_name (builder, "modes");
  json_builder_begin_array (builder);
  if (kind->modes & FLINT_MODE_BATCH)
    json_builder_add_string_value (builder, "batch");
  if (kind->modes & FLINT_MODE_STREAMING)
    json_builder_add_string_value (builder, "streaming");
  json_builder_end_array (builder);

  add_strv (builder, "keywords", kind->keywords);
  add_ports (builder, "inputs", kind->inputs, TRUE);
  add_ports (builder, "outputs", kind->outputs, FALSE);

  json_builder_set_member_name (builder, "params");
  json_builder_begin_array (builder);
  for (guint i = 0; i < kind->params->len; i++)
    add_param (builder, g_ptr_array_index (kind->params, i));
  json_builder_end_array (builder);

  json_builder_end_object (builder);
}

/* GObject */

static void
flint_catalog_finalize (GObject *object)
{
  FlintCatalog *self = (FlintCatalog *)object;

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->kinds, g_ptr_array_unref);

  G_OBJECT_CLASS (flint_catalog_parent_class)->finalize (object);
}

static void
flint_catalog_class_init (FlintCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = flint_catalog_finalize;
}

static void
flint_catalog_init (FlintCatalog *self)
{
  self->kinds = g_ptr_array_new_with_free_func (flint_node_kind_free);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/* Public API */

/**
 * flint_catalog_new_from_bytes:
 * @json: the catalog in its JSON format
 * @error: a #GError, %FLINT_PIPELINE_ERROR_CATALOG naming the kind and key at fault
 *
 * Returns: (transfer full): a new catalog, or %NULL with @error set
 */
FlintCatalog *
flint_catalog_new_from_bytes (GBytes  *json,
                              GError **error)
{
  g_autoptr(FlintCatalog) self = NULL;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (FLINT_TYPE_CATALOG, NULL);
  if (!flint_catalog_load (self, json, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * flint_catalog_get_default:
 *
 * The catalog built into Flint. A broken built-in catalog is a programming error, caught by
 * test-catalog, so it aborts.
 *
 * Returns: (transfer none): the catalog, alive for the life of the process
 */
FlintCatalog *
flint_catalog_get_default (void)
{
  static FlintCatalog *catalog;
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;

      /* Referencing the resource keeps the linker from dropping it from the static library. */
      bytes = g_resource_lookup_data (flint_model_get_resource (), CATALOG_RESOURCE,
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      if (bytes == NULL)
        g_error ("The built-in node catalog %s is missing: %s", CATALOG_RESOURCE, error->message);

      catalog = flint_catalog_new_from_bytes (bytes, &error);
      if (catalog == NULL)
        g_error ("The built-in node catalog is broken: %s", error->message);

      g_once_init_leave (&initialized, 1);
    }

  return catalog;
}

guint
flint_catalog_get_n_kinds (FlintCatalog *self)
{
  g_return_val_if_fail (FLINT_IS_CATALOG (self), 0);

  return self->kinds->len;
}

const FlintNodeKind *
flint_catalog_get_kind (FlintCatalog *self,
                        guint         position)
{
  g_return_val_if_fail (FLINT_IS_CATALOG (self), NULL);
  g_return_val_if_fail (position < self->kinds->len, NULL);

  return g_ptr_array_index (self->kinds, position);
}

const FlintNodeKind *
flint_catalog_lookup (FlintCatalog *self,
                      const char   *kind_id)
{
  g_return_val_if_fail (FLINT_IS_CATALOG (self), NULL);
  g_return_val_if_fail (kind_id != NULL, NULL);

  return g_hash_table_lookup (self->by_id, kind_id);
}

/**
 * flint_catalog_to_json:
 * @self: a #FlintCatalog
 *
 * The catalog in the format it was loaded from, kinds in catalog order and keys in a fixed
 * order, with every boolean of ports and parameters spelled out.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
flint_catalog_to_json (FlintCatalog *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (FLINT_IS_CATALOG (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "flint_catalog");
  json_builder_add_int_value (builder, CATALOG_FORMAT);
  json_builder_set_member_name (builder, "kinds");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->kinds->len; i++)
    add_kind (builder, g_ptr_array_index (self->kinds, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

const FlintParamSpec *
flint_node_kind_lookup_param (const FlintNodeKind *kind,
                              const char          *name)
{
  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < kind->params->len; i++)
    {
      const FlintParamSpec *spec = g_ptr_array_index (kind->params, i);

      if (g_str_equal (spec->name, name))
        return spec;
    }

  return NULL;
}

static const FlintPortSpec *
lookup_port (GPtrArray  *ports,
             const char *name)
{
  for (guint i = 0; ports != NULL && i < ports->len; i++)
    {
      const FlintPortSpec *port = g_ptr_array_index (ports, i);

      if (g_str_equal (port->name, name))
        return port;
    }

  return NULL;
}

const FlintPortSpec *
flint_node_kind_lookup_input (const FlintNodeKind *kind,
                              const char          *name)
{
  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return lookup_port (kind->inputs, name);
}

const FlintPortSpec *
flint_node_kind_lookup_output (const FlintNodeKind *kind,
                               const char          *name)
{
  g_return_val_if_fail (kind != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return lookup_port (kind->outputs, name);
}

const FlintParamSpec *
flint_param_spec_lookup_field (const FlintParamSpec *spec,
                               const char           *name)
{
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; spec->fields != NULL && i < spec->fields->len; i++)
    {
      const FlintParamSpec *field = g_ptr_array_index (spec->fields, i);

      if (g_str_equal (field->name, name))
        return field;
    }

  return NULL;
}

/**
 * flint_param_spec_get_option:
 * @spec: a parameter of a kind from a #FlintCatalog
 *
 * The Spark DataFrameReader/DataFrameWriter option (or DataStreamWriter setting) that the
 * parameter is passed as, such as `inferSchema` for `infer_schema`; codegen emits
 * `.option("inferSchema", ...)` for it. Parameters that need their own code return %NULL.
 *
 * Returns: (nullable): the option name
 */
const char *
flint_param_spec_get_option (const FlintParamSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);

  return ((const FlintParamSpecReal *) spec)->option;
}

gboolean
flint_node_kind_has_mode (const FlintNodeKind *kind,
                          FlintModeFlags       mode)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  return (kind->modes & mode) == mode;
}

const char *
flint_param_type_to_string (FlintParamType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (param_type_names), NULL);

  return param_type_names[type];
}

gboolean
flint_param_type_from_string (const char     *text,
                              FlintParamType *type)
{
  g_return_val_if_fail (text != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (param_type_names); i++)
    {
      if (g_str_equal (text, param_type_names[i]))
        {
          if (type != NULL)
            *type = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
flint_node_category_to_string (FlintNodeCategory category)
{
  g_return_val_if_fail ((guint) category < G_N_ELEMENTS (category_names), NULL);

  return category_names[category];
}
