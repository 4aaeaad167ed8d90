/* flint-pipeline.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "flint-error.h"
#include "flint-pipeline.h"

typedef struct
{
  GPtrArray *inputs;   /* FlintEdge, borrowed from the edge store */
  GPtrArray *outputs;
  gulong     changed_handler;
} NodeLinks;

struct _FlintPipeline
{
  GObject       parent_instance;
  FlintCatalog *catalog;
  char         *name;
  char         *description;
  JsonObject   *job;
  GListStore   *nodes;
  GListStore   *edges;
  GHashTable   *by_id;   /* id -> FlintNode (borrowed) */
  GHashTable   *links;   /* FlintNode -> NodeLinks */
};

G_DEFINE_FINAL_TYPE (FlintPipeline, flint_pipeline, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  N_PROPS
};

enum {
  NODE_ADDED,
  NODE_REMOVED,
  NODE_CHANGED,
  EDGE_ADDED,
  EDGE_REMOVED,
  JOB_CHANGED,
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
node_links_free (gpointer data)
{
  NodeLinks *links = data;

  g_ptr_array_unref (links->inputs);
  g_ptr_array_unref (links->outputs);
  g_free (links);
}

static NodeLinks *
get_links (FlintPipeline *self,
           FlintNode     *node)
{
  return g_hash_table_lookup (self->links, node);
}

static void
on_node_changed (FlintNode     *node,
                 const char    *what,
                 FlintPipeline *self)
{
  g_signal_emit (self, signals[NODE_CHANGED], g_quark_from_string (what), node, what);
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
find_node_position (FlintPipeline *self,
                    FlintNode     *node,
                    guint         *position)
{
  return g_list_store_find (self->nodes, node, position);
}

static void
flint_pipeline_dispose (GObject *object)
{
  FlintPipeline *self = (FlintPipeline *) object;
  GHashTableIter iter;
  gpointer key, value;

  if (self->links != NULL)
    {
      g_hash_table_iter_init (&iter, self->links);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          NodeLinks *links = value;
          g_clear_signal_handler (&links->changed_handler, key);
        }
    }

  G_OBJECT_CLASS (flint_pipeline_parent_class)->dispose (object);
}

static void
flint_pipeline_finalize (GObject *object)
{
  FlintPipeline *self = (FlintPipeline *) object;

  g_clear_pointer (&self->links, g_hash_table_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_object (&self->edges);
  g_clear_object (&self->nodes);
  g_clear_pointer (&self->job, json_object_unref);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (flint_pipeline_parent_class)->finalize (object);
}

static void
flint_pipeline_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FlintPipeline *self = FLINT_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flint_pipeline_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FlintPipeline *self = FLINT_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      flint_pipeline_set_name (self, g_value_get_string (value));
      break;

    case PROP_DESCRIPTION:
      flint_pipeline_set_description (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flint_pipeline_class_init (FlintPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flint_pipeline_dispose;
  object_class->finalize = flint_pipeline_finalize;
  object_class->get_property = flint_pipeline_get_property;
  object_class->set_property = flint_pipeline_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[NODE_ADDED] =
    g_signal_new ("node-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FLINT_TYPE_NODE);
  signals[NODE_REMOVED] =
    g_signal_new ("node-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FLINT_TYPE_NODE);
  signals[NODE_CHANGED] =
    g_signal_new ("node-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  FLINT_TYPE_NODE, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[EDGE_ADDED] =
    g_signal_new ("edge-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FLINT_TYPE_EDGE);
  signals[EDGE_REMOVED] =
    g_signal_new ("edge-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, FLINT_TYPE_EDGE);
  signals[JOB_CHANGED] =
    g_signal_new ("job-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
flint_pipeline_init (FlintPipeline *self)
{
  self->job = json_object_new ();
  self->nodes = g_list_store_new (FLINT_TYPE_NODE);
  self->edges = g_list_store_new (FLINT_TYPE_EDGE);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->links = g_hash_table_new_full (NULL, NULL, NULL, node_links_free);
}

FlintPipeline *
flint_pipeline_new (FlintCatalog *catalog)
{
  FlintPipeline *self;

  g_return_val_if_fail (FLINT_IS_CATALOG (catalog), NULL);

  self = g_object_new (FLINT_TYPE_PIPELINE, NULL);
  self->catalog = g_object_ref (catalog);

  return self;
}

FlintCatalog *
flint_pipeline_get_catalog (FlintPipeline *self)
{
  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);
  return self->catalog;
}

const char *
flint_pipeline_get_name (FlintPipeline *self)
{
  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);
  return self->name;
}

void
flint_pipeline_set_name (FlintPipeline *self,
                         const char    *name)
{
  g_return_if_fail (FLINT_IS_PIPELINE (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  g_signal_emit (self, signals[CHANGED], 0);
}

const char *
flint_pipeline_get_description (FlintPipeline *self)
{
  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);
  return self->description;
}

void
flint_pipeline_set_description (FlintPipeline *self,
                                const char    *description)
{
  g_return_if_fail (FLINT_IS_PIPELINE (self));

  if (description != NULL && *description == '\0')
    description = NULL;
  if (g_strcmp0 (self->description, description) == 0)
    return;

  g_free (self->description);
  self->description = g_strdup (description);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
  g_signal_emit (self, signals[CHANGED], 0);
}

JsonObject *
flint_pipeline_get_job (FlintPipeline *self)
{
  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);
  return self->job;
}

FlintJobMode
flint_pipeline_get_mode (FlintPipeline *self)
{
  JsonNode *mode;

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), FLINT_JOB_MODE_BATCH);

  mode = json_object_get_member (self->job, "mode");
  if (mode != NULL && JSON_NODE_HOLDS_VALUE (mode) &&
      json_node_get_value_type (mode) == G_TYPE_STRING &&
      g_str_equal (json_node_get_string (mode), "streaming"))
    return FLINT_JOB_MODE_STREAMING;

  return FLINT_JOB_MODE_BATCH;
}

JsonNode *
flint_pipeline_get_job_setting (FlintPipeline *self,
                                const char    *path)
{
  g_auto(GStrv) parts = NULL;
  JsonObject *object;

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  parts = g_strsplit (path, ".", -1);
  object = self->job;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      JsonNode *member = json_object_get_member (object, parts[i]);

      if (member == NULL || parts[i + 1] == NULL)
        return member;
      if (!JSON_NODE_HOLDS_OBJECT (member))
        return NULL;
      object = json_node_get_object (member);
    }

  return NULL;
}

void
flint_pipeline_take_job_setting (FlintPipeline *self,
                                 const char    *path,
                                 JsonNode      *value)
{
  g_auto(GStrv) parts = NULL;
  JsonObject *object;
  guint n;

  g_return_if_fail (FLINT_IS_PIPELINE (self));
  g_return_if_fail (path != NULL && *path != '\0');

  parts = g_strsplit (path, ".", -1);
  n = g_strv_length (parts);
  object = self->job;

  for (guint i = 0; i + 1 < n; i++)
    {
      JsonNode *member = json_object_get_member (object, parts[i]);

      if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
        {
          g_autoptr(JsonObject) map = NULL;

          if (value == NULL)
            return;
          /* json_node_init_object() takes a reference of its own. */
          map = json_object_new ();
          member = json_node_init_object (json_node_alloc (), map);
          json_object_set_member (object, parts[i], member);
        }
      object = json_node_get_object (member);
    }

  if (value == NULL)
    {
      if (!json_object_has_member (object, parts[n - 1]))
        return;
      json_object_remove_member (object, parts[n - 1]);
    }
  else
    {
      JsonNode *old = json_object_get_member (object, parts[n - 1]);

      if (old != NULL && json_node_equal (old, value))
        {
          json_node_unref (value);
          return;
        }
      json_object_set_member (object, parts[n - 1], value);
    }

  g_signal_emit (self, signals[JOB_CHANGED], 0, path);
  g_signal_emit (self, signals[CHANGED], 0);
}

GListModel *
flint_pipeline_get_nodes (FlintPipeline *self)
{
  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);
  return G_LIST_MODEL (self->nodes);
}

GListModel *
flint_pipeline_get_edges (FlintPipeline *self)
{
  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);
  return G_LIST_MODEL (self->edges);
}

guint
flint_pipeline_get_n_nodes (FlintPipeline *self)
{
  g_return_val_if_fail (FLINT_IS_PIPELINE (self), 0);
  return g_hash_table_size (self->by_id);
}

FlintNode *
flint_pipeline_lookup_node (FlintPipeline *self,
                            const char    *id)
{
  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);

  if (id == NULL)
    return NULL;

  return g_hash_table_lookup (self->by_id, id);
}

GPtrArray *
flint_pipeline_get_node_inputs (FlintPipeline *self,
                                FlintNode     *node)
{
  NodeLinks *links;

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);

  links = get_links (self, node);
  g_return_val_if_fail (links != NULL, NULL);

  return links->inputs;
}

GPtrArray *
flint_pipeline_get_node_outputs (FlintPipeline *self,
                                 FlintNode     *node)
{
  NodeLinks *links;

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);

  links = get_links (self, node);
  g_return_val_if_fail (links != NULL, NULL);

  return links->outputs;
}

GPtrArray *
flint_pipeline_dup_port_inputs (FlintPipeline *self,
                                FlintNode     *node,
                                const char    *port)
{
  GPtrArray *inputs = flint_pipeline_get_node_inputs (self, node);
  GPtrArray *ret = g_ptr_array_new ();

  if (port == NULL)
    {
      const FlintNodeKind *kind = flint_node_get_kind (node);

      if (kind->inputs->len == 0)
        return ret;
      port = ((FlintPortSpec *) g_ptr_array_index (kind->inputs, 0))->name;
    }

  for (guint i = 0; inputs != NULL && i < inputs->len; i++)
    {
      FlintEdge *edge = g_ptr_array_index (inputs, i);

      if (g_str_equal (flint_edge_get_to_port (edge), port))
        g_ptr_array_add (ret, edge);
    }

  return ret;
}

char *
flint_pipeline_make_id (FlintPipeline *self,
                        const char    *base)
{
  g_autoptr(GString) id = g_string_new (NULL);

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);

  for (const char *p = base ? base : ""; *p; p++)
    {
      char c = g_ascii_tolower (*p);

      if (g_ascii_isalnum (c) || c == '_')
        g_string_append_c (id, c);
      else if (id->len > 0 && id->str[id->len - 1] != '_')
        g_string_append_c (id, '_');
    }
  while (id->len > 0 && id->str[id->len - 1] == '_')
    g_string_truncate (id, id->len - 1);
  if (id->len == 0)
    g_string_assign (id, "node");
  else if (!(g_ascii_isalpha (id->str[0]) || id->str[0] == '_'))
    g_string_prepend (id, "node_");

  if (!g_hash_table_contains (self->by_id, id->str))
    return g_string_free (g_steal_pointer (&id), FALSE);

  for (guint n = 2;; n++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s_%u", id->str, n);

      if (!g_hash_table_contains (self->by_id, candidate))
        return g_steal_pointer (&candidate);
    }
}

gboolean
flint_pipeline_insert_node (FlintPipeline  *self,
                            FlintNode      *node,
                            guint           position,
                            GError        **error)
{
  NodeLinks *links;
  const char *id;

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (FLINT_IS_NODE (node), FALSE);

  id = flint_node_get_id (node);

  if (g_hash_table_contains (self->by_id, id))
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_DUPLICATE_ID,
                   _("A node with the id “%s” already exists"), id);
      return FALSE;
    }

  if (flint_catalog_lookup (self->catalog, flint_node_get_kind_id (node)) != flint_node_get_kind (node))
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_UNKNOWN_KIND,
                   _("Node “%s” is of kind “%s”, which this pipeline’s catalog does not have"),
                   id, flint_node_get_kind_id (node));
      return FALSE;
    }

  links = g_new0 (NodeLinks, 1);
  links->inputs = g_ptr_array_new ();
  links->outputs = g_ptr_array_new ();
  links->changed_handler = g_signal_connect (node, "changed", G_CALLBACK (on_node_changed), self);

  g_hash_table_insert (self->links, node, links);
  g_hash_table_insert (self->by_id, (gpointer) id, node);
  g_list_store_insert (self->nodes, MIN (position, g_list_model_get_n_items (G_LIST_MODEL (self->nodes))), node);

  g_signal_emit (self, signals[NODE_ADDED], 0, node);
  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

gboolean
flint_pipeline_add_node (FlintPipeline  *self,
                         FlintNode      *node,
                         GError        **error)
{
  return flint_pipeline_insert_node (self, node, G_MAXUINT, error);
}

gboolean
flint_pipeline_remove_node (FlintPipeline  *self,
                            FlintNode      *node,
                            GError        **error)
{
  g_autoptr(FlintNode) hold = NULL;
  NodeLinks *links;
  guint position;

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (FLINT_IS_NODE (node), FALSE);

  if ((links = get_links (self, node)) == NULL || !find_node_position (self, node, &position))
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND,
                   _("Node “%s” is not in this pipeline"), flint_node_get_id (node));
      return FALSE;
    }

  if (links->inputs->len > 0 || links->outputs->len > 0)
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID,
                   _("Node “%s” is still connected"), flint_node_get_id (node));
      return FALSE;
    }

  hold = g_object_ref (node);
  g_clear_signal_handler (&links->changed_handler, node);
  g_hash_table_remove (self->links, node);
  g_hash_table_remove (self->by_id, flint_node_get_id (node));
  g_list_store_remove (self->nodes, position);

  g_signal_emit (self, signals[NODE_REMOVED], 0, node);
  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

static const FlintPortSpec *
resolve_port (GPtrArray  *ports,
              const char *name)
{
  if (ports->len == 0)
    return NULL;

  if (name == NULL)
    return g_ptr_array_index (ports, 0);

  for (guint i = 0; i < ports->len; i++)
    {
      const FlintPortSpec *port = g_ptr_array_index (ports, i);

      if (g_str_equal (port->name, name))
        return port;
    }

  return NULL;
}

static gboolean
check_edge (FlintPipeline  *self,
            const char     *from_id,
            const char     *from_port,
            const char     *to_id,
            const char     *to_port,
            const FlintPortSpec **out_from,
            const FlintPortSpec **out_to,
            GError        **error)
{
  FlintNode *from = flint_pipeline_lookup_node (self, from_id);
  FlintNode *to = flint_pipeline_lookup_node (self, to_id);
  const FlintPortSpec *out_port, *in_port;
  NodeLinks *links;

  if (from == NULL || to == NULL)
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND,
                   _("There is no node “%s”"), from == NULL ? from_id : to_id);
      return FALSE;
    }

  if (from == to)
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_PORT,
                   _("Node “%s” cannot be connected to itself"), from_id);
      return FALSE;
    }

  if ((out_port = resolve_port (flint_node_get_kind (from)->outputs, from_port)) == NULL)
    {
      if (from_port == NULL)
        g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_PORT,
                     _("Node “%s” (%s) has no output"), from_id, flint_node_get_kind_id (from));
      else
        g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_PORT,
                     _("Node “%s” (%s) has no output port “%s”"),
                     from_id, flint_node_get_kind_id (from), from_port);
      return FALSE;
    }

  if ((in_port = resolve_port (flint_node_get_kind (to)->inputs, to_port)) == NULL)
    {
      if (to_port == NULL)
        g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_PORT,
                     _("Node “%s” (%s) has no input"), to_id, flint_node_get_kind_id (to));
      else
        g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_PORT,
                     _("Node “%s” (%s) has no input port “%s”"),
                     to_id, flint_node_get_kind_id (to), to_port);
      return FALSE;
    }

  links = get_links (self, to);
  for (guint i = 0; i < links->inputs->len; i++)
    {
      FlintEdge *edge = g_ptr_array_index (links->inputs, i);

      if (!g_str_equal (flint_edge_get_to_port (edge), in_port->name))
        continue;

      if (g_str_equal (flint_edge_get_from_node (edge), from_id) &&
          g_str_equal (flint_edge_get_from_port (edge), out_port->name))
        {
          g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_PORT,
                       _("“%s” is already connected to “%s”"), from_id, to_id);
          return FALSE;
        }

      if (!in_port->multiple)
        {
          g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_PORT,
                       _("Input “%s” of node “%s” is already connected to “%s”"),
                       in_port->name, to_id, flint_edge_get_from_node (edge));
          return FALSE;
        }
    }

  *out_from = out_port;
  *out_to = in_port;

  return TRUE;
}

/* Keeps a node's edge lists in the document's edge order, also when undo puts an
 * edge back in the middle (a union's inputs keep their order). */
static void
insert_link (FlintPipeline *self,
             GPtrArray     *links,
             FlintEdge     *edge,
             guint          position)
{
  guint i;

  /* Appending, as connect and the loader do, needs no search. */
  if (position + 1 == g_list_model_get_n_items (G_LIST_MODEL (self->edges)))
    {
      g_ptr_array_add (links, edge);
      return;
    }

  for (i = links->len; i > 0; i--)
    {
      guint other = G_MAXUINT;

      g_list_store_find (self->edges, g_ptr_array_index (links, i - 1), &other);
      if (other < position)
        break;
    }

  g_ptr_array_insert (links, i, edge);
}

gboolean
flint_pipeline_add_edge (FlintPipeline  *self,
                         FlintEdge      *edge,
                         guint           position,
                         GError        **error)
{
  const FlintPortSpec *from_port, *to_port;
  FlintNode *from, *to;

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (FLINT_IS_EDGE (edge), FALSE);

  if (!check_edge (self,
                   flint_edge_get_from_node (edge), flint_edge_get_from_port (edge),
                   flint_edge_get_to_node (edge), flint_edge_get_to_port (edge),
                   &from_port, &to_port, error))
    return FALSE;

  from = flint_pipeline_lookup_node (self, flint_edge_get_from_node (edge));
  to = flint_pipeline_lookup_node (self, flint_edge_get_to_node (edge));

  position = MIN (position, g_list_model_get_n_items (G_LIST_MODEL (self->edges)));
  g_list_store_insert (self->edges, position, edge);
  insert_link (self, get_links (self, from)->outputs, edge, position);
  insert_link (self, get_links (self, to)->inputs, edge, position);

  g_signal_emit (self, signals[EDGE_ADDED], 0, edge);
  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

FlintEdge *
flint_pipeline_connect (FlintPipeline  *self,
                        const char     *from_node,
                        const char     *from_port,
                        const char     *to_node,
                        const char     *to_port,
                        GError        **error)
{
  const FlintPortSpec *out_port, *in_port;
  g_autoptr(FlintEdge) edge = NULL;

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (from_node != NULL, NULL);
  g_return_val_if_fail (to_node != NULL, NULL);

  if (!check_edge (self, from_node, from_port, to_node, to_port, &out_port, &in_port, error))
    return NULL;

  edge = flint_edge_new (from_node, out_port->name, to_node, in_port->name);
  if (!flint_pipeline_add_edge (self, edge, G_MAXUINT, error))
    return NULL;

  return edge;  /* the store holds it */
}

gboolean
flint_pipeline_disconnect (FlintPipeline  *self,
                           FlintEdge      *edge,
                           GError        **error)
{
  g_autoptr(FlintEdge) hold = NULL;
  FlintNode *from, *to;
  guint position;

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (FLINT_IS_EDGE (edge), FALSE);

  if (!g_list_store_find (self->edges, edge, &position))
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND,
                   _("“%s” is not connected to “%s”"),
                   flint_edge_get_from_node (edge), flint_edge_get_to_node (edge));
      return FALSE;
    }

  hold = g_object_ref (edge);
  from = flint_pipeline_lookup_node (self, flint_edge_get_from_node (edge));
  to = flint_pipeline_lookup_node (self, flint_edge_get_to_node (edge));
  g_ptr_array_remove (get_links (self, from)->outputs, edge);
  g_ptr_array_remove (get_links (self, to)->inputs, edge);
  g_list_store_remove (self->edges, position);

  g_signal_emit (self, signals[EDGE_REMOVED], 0, edge);
  g_signal_emit (self, signals[CHANGED], 0);

  return TRUE;
}

guint
flint_pipeline_edge_position (FlintPipeline *self,
                              FlintEdge     *edge)
{
  guint position = G_MAXUINT;

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), G_MAXUINT);
  g_list_store_find (self->edges, edge, &position);
  return position;
}

guint
flint_pipeline_node_position (FlintPipeline *self,
                              FlintNode     *node)
{
  guint position = G_MAXUINT;

  g_return_val_if_fail (FLINT_IS_PIPELINE (self), G_MAXUINT);
  find_node_position (self, node, &position);
  return position;
}
