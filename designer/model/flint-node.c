/* flint-node.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include <string.h>

#include "flint-node.h"

struct _FlintNode
{
  GObject              parent_instance;
  char                *id;
  const FlintNodeKind *kind;
  char                *label;
  JsonObject          *params;
  FlintSchema         *schema;
  GHashTable          *lines;   /* path -> line, from the loader */
  double               x;
  double               y;
  guint                has_position : 1;
};

G_DEFINE_FINAL_TYPE (FlintNode, flint_node, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (FlintNode  *self,
              const char *what)
{
  g_signal_emit (self, signals[CHANGED], g_quark_from_string (what), what);
}

static void
flint_node_finalize (GObject *object)
{
  FlintNode *self = (FlintNode *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->params, json_object_unref);
  g_clear_pointer (&self->schema, flint_schema_unref);
  g_clear_pointer (&self->lines, g_hash_table_unref);

  G_OBJECT_CLASS (flint_node_parent_class)->finalize (object);
}

static void
flint_node_class_init (FlintNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = flint_node_finalize;

  /**
   * FlintNode::changed:
   * @what: "label", "schema", "position" or "params.NAME"
   *
   * Detailed by @what, so that views can follow a single parameter.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
flint_node_init (FlintNode *self)
{
  self->params = json_object_new ();
}

gboolean
flint_node_id_is_valid (const char *id)
{
  if (id == NULL || !(g_ascii_isalpha (*id) || *id == '_'))
    return FALSE;

  for (const char *p = id + 1; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-'))
      return FALSE;

  return TRUE;
}

FlintNode *
flint_node_new (const char          *id,
                const FlintNodeKind *kind)
{
  FlintNode *self;

  g_return_val_if_fail (flint_node_id_is_valid (id), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  self = g_object_new (FLINT_TYPE_NODE, NULL);
  self->id = g_strdup (id);
  self->kind = kind;

  return self;
}

const char *
flint_node_get_id (FlintNode *self)
{
  g_return_val_if_fail (FLINT_IS_NODE (self), NULL);
  return self->id;
}

const FlintNodeKind *
flint_node_get_kind (FlintNode *self)
{
  g_return_val_if_fail (FLINT_IS_NODE (self), NULL);
  return self->kind;
}

const char *
flint_node_get_kind_id (FlintNode *self)
{
  g_return_val_if_fail (FLINT_IS_NODE (self), NULL);
  return self->kind->id;
}

const char *
flint_node_get_label (FlintNode *self)
{
  g_return_val_if_fail (FLINT_IS_NODE (self), NULL);
  return self->label;
}

const char *
flint_node_get_display_name (FlintNode *self)
{
  g_return_val_if_fail (FLINT_IS_NODE (self), NULL);
  return self->label != NULL ? self->label : self->id;
}

void
flint_node_set_label (FlintNode  *self,
                      const char *label)
{
  g_return_if_fail (FLINT_IS_NODE (self));

  if (label != NULL && *label == '\0')
    label = NULL;

  if (g_strcmp0 (self->label, label) == 0)
    return;

  g_free (self->label);
  self->label = g_strdup (label);
  emit_changed (self, "label");
}

JsonObject *
flint_node_get_params (FlintNode *self)
{
  g_return_val_if_fail (FLINT_IS_NODE (self), NULL);
  return self->params;
}

JsonNode *
flint_node_get_param (FlintNode  *self,
                      const char *name)
{
  g_return_val_if_fail (FLINT_IS_NODE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return json_object_get_member (self->params, name);
}

JsonNode *
flint_node_get_param_or_default (FlintNode  *self,
                                 const char *name)
{
  const FlintParamSpec *spec;
  JsonNode *value;

  g_return_val_if_fail (FLINT_IS_NODE (self), NULL);

  if ((value = json_object_get_member (self->params, name)) != NULL)
    return value;

  if ((spec = flint_node_kind_lookup_param (self->kind, name)) != NULL)
    return spec->default_value;

  return NULL;
}

const char *
flint_node_get_string (FlintNode  *self,
                       const char *name)
{
  JsonNode *value = flint_node_get_param_or_default (self, name);

  if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
      json_node_get_value_type (value) == G_TYPE_STRING)
    return json_node_get_string (value);

  return NULL;
}

void
flint_node_take_param (FlintNode  *self,
                       const char *name,
                       JsonNode   *value)
{
  g_autofree char *what = NULL;
  JsonNode *old;

  g_return_if_fail (FLINT_IS_NODE (self));
  g_return_if_fail (name != NULL);

  old = json_object_get_member (self->params, name);

  if (value == NULL && old == NULL)
    return;

  if (value != NULL && old != NULL && json_node_equal (value, old))
    {
      json_node_unref (value);
      return;
    }

  if (value == NULL)
    json_object_remove_member (self->params, name);
  else
    json_object_set_member (self->params, name, value);

  what = g_strconcat ("params.", name, NULL);
  emit_changed (self, what);
}

void
flint_node_set_string (FlintNode  *self,
                       const char *name,
                       const char *value)
{
  flint_node_take_param (self, name, value ? json_node_init_string (json_node_alloc (), value) : NULL);
}

FlintSchema *
flint_node_get_schema (FlintNode *self)
{
  g_return_val_if_fail (FLINT_IS_NODE (self), NULL);
  return self->schema;
}

void
flint_node_set_schema (FlintNode   *self,
                       FlintSchema *schema)
{
  g_return_if_fail (FLINT_IS_NODE (self));

  if (self->schema == schema)
    return;
  if (self->schema != NULL && schema != NULL && flint_schema_equal (self->schema, schema))
    return;

  g_clear_pointer (&self->schema, flint_schema_unref);
  if (schema != NULL)
    self->schema = flint_schema_ref (schema);

  emit_changed (self, "schema");
}

gboolean
flint_node_get_position (FlintNode *self,
                         double    *x,
                         double    *y)
{
  g_return_val_if_fail (FLINT_IS_NODE (self), FALSE);

  if (x != NULL)
    *x = self->x;
  if (y != NULL)
    *y = self->y;

  return self->has_position;
}

void
flint_node_set_position (FlintNode *self,
                         double     x,
                         double     y)
{
  g_return_if_fail (FLINT_IS_NODE (self));

  if (self->has_position && self->x == x && self->y == y)
    return;

  self->x = x;
  self->y = y;
  self->has_position = TRUE;

  emit_changed (self, "position");
}

void
flint_node_unset_position (FlintNode *self)
{
  g_return_if_fail (FLINT_IS_NODE (self));

  if (!self->has_position)
    return;

  self->has_position = FALSE;
  self->x = self->y = 0;

  emit_changed (self, "position");
}

guint
flint_node_get_line (FlintNode  *self,
                     const char *path)
{
  g_return_val_if_fail (FLINT_IS_NODE (self), 0);

  if (self->lines == NULL)
    return 0;

  /* A parameter deep in a list falls back to the closest enclosing place found. */
  if (path != NULL)
    {
      g_autofree char *p = g_strdup (path);

      for (;;)
        {
          guint line = GPOINTER_TO_UINT (g_hash_table_lookup (self->lines, p));
          char *dot;

          if (line != 0)
            return line;
          if ((dot = strrchr (p, '.')) == NULL)
            break;
          *dot = '\0';
        }
    }

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->lines, ""));
}

void
flint_node_set_line (FlintNode  *self,
                     const char *path,
                     guint       line)
{
  g_return_if_fail (FLINT_IS_NODE (self));

  if (self->lines == NULL)
    self->lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_hash_table_insert (self->lines, g_strdup (path ? path : ""), GUINT_TO_POINTER (line));
}
