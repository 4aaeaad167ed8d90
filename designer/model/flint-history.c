/* flint-history.c: user edits as undoable commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every edit is a command with apply and revert. A step is a list of commands that undo
 * reverts in reverse order; the undo stack holds steps oldest first, the redo stack holds
 * them with the next one to redo last. Each step pushed gets a new serial number, so the
 * document's place in the history is the serial of the top undo step (0 when empty), and
 * "modified" compares it with the serial marked saved.
 *
 * Commands keep references to the very nodes and edges they add and remove, so undo and
 * redo put back the same objects: views and later steps keep pointing at the right ones.
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "flint-error.h"
#include "flint-history.h"

typedef struct _Command Command;

typedef struct
{
  /* Applies the command; the first time it may fail, and then changes nothing. */
  gboolean (*apply)    (Command        *command,
                        FlintPipeline  *pipeline,
                        GError        **error);
  void     (*revert)   (Command        *command,
                        FlintPipeline  *pipeline);
  void     (*finalize) (Command        *command);
} CommandClass;

struct _Command
{
  const CommandClass *klass;
};

typedef struct
{
  Command    parent;
  FlintNode *node;
  guint      position;   /* in the node list */
} AddNodeCommand;

typedef struct
{
  FlintEdge *edge;
  guint      position;   /* in the edge list */
} EdgeRecord;

typedef struct
{
  Command    parent;
  FlintNode *node;
  guint      position;
  GArray    *edges;      /* EdgeRecord by ascending position, as they were before removal */
} RemoveNodeCommand;

typedef struct
{
  Command    parent;
  FlintNode *node;
  double     old_x;
  double     old_y;
  double     x;
  double     y;
  guint      old_has_position : 1;
} MoveNodeCommand;

typedef struct
{
  Command    parent;
  FlintEdge *edge;       /* connect: NULL until first applied */
  char      *from_node;
  char      *from_port;
  char      *to_node;
  char      *to_port;
  guint      position;
} EdgeCommand;

typedef struct
{
  Command    parent;
  FlintNode *node;
  char      *name;
  JsonNode  *old_value;  /* NULL: unset */
  JsonNode  *new_value;
  char     **old_order;  /* member names before, to restore their order on revert */
} ParamCommand;

typedef struct
{
  Command    parent;
  FlintNode *node;
  char      *old_label;
  char      *new_label;
} LabelCommand;

typedef struct
{
  Command      parent;
  FlintNode   *node;
  FlintSchema *old_schema;
  FlintSchema *new_schema;
} SchemaCommand;

typedef struct
{
  Command    parent;
  char      *path;
  char      *top;        /* the first part of path */
  JsonNode  *value;      /* NULL: remove */
  JsonNode  *old_top;    /* the whole top-level setting before, NULL when absent */
  char     **old_order;  /* top-level names before */
} JobCommand;

typedef struct
{
  char      *label;
  GPtrArray *commands;   /* Command, in the order applied */
  guint64    serial;
} Step;

struct _FlintHistory
{
  GObject        parent_instance;

  FlintPipeline *pipeline;
  GPtrArray     *undo_stack;  /* Step, oldest first */
  GPtrArray     *redo_stack;  /* Step, the next to redo last */

  Step          *group;       /* the step being built between begin_group and end_group */
  guint          group_depth;

  Step          *merge_step;  /* the last step pushed, while later moves may merge into it */

  guint64        last_serial;
  guint64        saved_serial;

  /* What the properties last said, to notify only on change. */
  char          *undo_label;
  char          *redo_label;
  guint          can_undo : 1;
  guint          can_redo : 1;
  guint          modified : 1;
};

G_DEFINE_FINAL_TYPE (FlintHistory, flint_history, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PIPELINE,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_UNDO_LABEL,
  PROP_REDO_LABEL,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers */

static void
command_free (Command *command)
{
  if (command->klass->finalize != NULL)
    command->klass->finalize (command);
  g_free (command);
}

static Step *
step_new (const char *label)
{
  Step *step = g_new0 (Step, 1);

  step->label = g_strdup (label);
  step->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) command_free);

  return step;
}

static void
step_free (Step *step)
{
  g_ptr_array_unref (step->commands);
  g_free (step->label);
  g_free (step);
}

/* json_node_copy() shares objects and arrays: a map the document later changes in place
 * (job settings by dotted path do) would change the history's record of it too. */
static JsonNode *
deep_copy (JsonNode *node)
{
  JsonNode *copy;

  if (node == NULL)
    return NULL;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObject *object_copy = json_object_new ();
        GList *names = json_object_get_members (object);

        for (const GList *l = names; l != NULL; l = l->next)
          json_object_set_member (object_copy, l->data,
                                  deep_copy (json_object_get_member (object, l->data)));
        g_list_free (names);

        copy = json_node_init_object (json_node_alloc (), object_copy);
        json_object_unref (object_copy);
        return copy;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        JsonArray *array_copy = json_array_sized_new (n);

        for (guint i = 0; i < n; i++)
          json_array_add_element (array_copy, deep_copy (json_array_get_element (array, i)));

        copy = json_node_init_array (json_node_alloc (), array_copy);
        json_array_unref (array_copy);
        return copy;
      }

    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

static char **
dup_member_names (JsonObject *object)
{
  GList *names = json_object_get_members (object);
  GStrvBuilder *builder = g_strv_builder_new ();
  char **ret;

  for (const GList *l = names; l != NULL; l = l->next)
    g_strv_builder_add (builder, l->data);
  ret = g_strv_builder_end (builder);

  g_strv_builder_unref (builder);
  g_list_free (names);

  return ret;
}

/* json-glib appends a member that is set anew; put the members back in the order they
 * had, so that undo gives back the same file. Only the order changes: no signal. */
static void
restore_member_order (JsonObject         *object,
                      const char * const *order)
{
  GList *names = json_object_get_members (object);
  gboolean same = TRUE;
  const GList *l = names;

  for (guint i = 0; order[i] != NULL && same; i++)
    {
      if (!json_object_has_member (object, order[i]))
        continue;
      same = l != NULL && g_str_equal (l->data, order[i]);
      if (l != NULL)
        l = l->next;
    }
  g_list_free (names);

  if (same)
    return;

  for (guint i = 0; order[i] != NULL; i++)
    {
      JsonNode *member = json_object_get_member (object, order[i]);

      if (member == NULL)
        continue;

      json_node_ref (member);
      json_object_remove_member (object, order[i]);
      json_object_set_member (object, order[i], member);
    }
}

static gboolean
node_in_pipeline (FlintPipeline  *pipeline,
                  FlintNode      *node,
                  GError        **error)
{
  if (flint_pipeline_lookup_node (pipeline, flint_node_get_id (node)) != node)
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND,
                   _("Node “%s” is not in this pipeline"), flint_node_get_id (node));
      return FALSE;
    }

  return TRUE;
}

static FlintNode *
lookup_node (FlintHistory  *self,
             const char    *node_id,
             GError       **error)
{
  FlintNode *node = flint_pipeline_lookup_node (self->pipeline, node_id);

  if (node == NULL)
    g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND,
                 _("There is no node “%s”"), node_id ? node_id : "");

  return node;
}

/* Add node */

static gboolean
add_node_apply (Command        *command,
                FlintPipeline  *pipeline,
                GError        **error)
{
  AddNodeCommand *self = (AddNodeCommand *) command;

  return flint_pipeline_insert_node (pipeline, self->node, self->position, error);
}

static void
add_node_revert (Command       *command,
                 FlintPipeline *pipeline)
{
  AddNodeCommand *self = (AddNodeCommand *) command;
  g_autoptr(GError) error = NULL;

  if (!flint_pipeline_remove_node (pipeline, self->node, &error))
    g_critical ("Cannot undo adding node: %s", error->message);
}

static void
add_node_finalize (Command *command)
{
  AddNodeCommand *self = (AddNodeCommand *) command;

  g_clear_object (&self->node);
}

static const CommandClass add_node_class = {
  add_node_apply, add_node_revert, add_node_finalize,
};

static Command *
add_node_command_new (FlintNode *node,
                      guint      position)
{
  AddNodeCommand *self = g_new0 (AddNodeCommand, 1);

  self->parent.klass = &add_node_class;
  self->node = g_object_ref (node);
  self->position = position;

  return &self->parent;
}

/* Remove node */

static int
compare_edge_records (gconstpointer a,
                      gconstpointer b)
{
  const EdgeRecord *ra = a;
  const EdgeRecord *rb = b;

  return (ra->position > rb->position) - (ra->position < rb->position);
}

static void
clear_edge_record (gpointer data)
{
  EdgeRecord *record = data;

  g_clear_object (&record->edge);
}

static void
collect_edges (FlintPipeline *pipeline,
               GPtrArray     *edges,
               GArray        *records)
{
  for (guint i = 0; i < edges->len; i++)
    {
      EdgeRecord record;

      record.edge = g_object_ref (g_ptr_array_index (edges, i));
      record.position = flint_pipeline_edge_position (pipeline, record.edge);
      g_array_append_val (records, record);
    }
}

static gboolean
remove_node_apply (Command        *command,
                   FlintPipeline  *pipeline,
                   GError        **error)
{
  RemoveNodeCommand *self = (RemoveNodeCommand *) command;

  if (!node_in_pipeline (pipeline, self->node, error))
    return FALSE;

  /* The document is the same on every redo, so recording afresh gives the same list. */
  g_array_set_size (self->edges, 0);
  self->position = flint_pipeline_node_position (pipeline, self->node);
  collect_edges (pipeline, flint_pipeline_get_node_inputs (pipeline, self->node), self->edges);
  collect_edges (pipeline, flint_pipeline_get_node_outputs (pipeline, self->node), self->edges);
  g_array_sort (self->edges, compare_edge_records);

  for (guint i = self->edges->len; i > 0; i--)
    {
      EdgeRecord *record = &g_array_index (self->edges, EdgeRecord, i - 1);

      if (!flint_pipeline_disconnect (pipeline, record->edge, NULL))
        g_assert_not_reached ();
    }

  if (!flint_pipeline_remove_node (pipeline, self->node, error))
    g_assert_not_reached ();

  return TRUE;
}

static void
remove_node_revert (Command       *command,
                    FlintPipeline *pipeline)
{
  RemoveNodeCommand *self = (RemoveNodeCommand *) command;
  g_autoptr(GError) error = NULL;

  if (!flint_pipeline_insert_node (pipeline, self->node, self->position, &error))
    {
      g_critical ("Cannot undo removing node: %s", error->message);
      return;
    }

  /* In ascending order, each edge goes back exactly where it was. */
  for (guint i = 0; i < self->edges->len; i++)
    {
      EdgeRecord *record = &g_array_index (self->edges, EdgeRecord, i);

      if (!flint_pipeline_add_edge (pipeline, record->edge, record->position, &error))
        {
          g_critical ("Cannot undo removing node: %s", error->message);
          g_clear_error (&error);
        }
    }
}

static void
remove_node_finalize (Command *command)
{
  RemoveNodeCommand *self = (RemoveNodeCommand *) command;

  g_clear_pointer (&self->edges, g_array_unref);
  g_clear_object (&self->node);
}

static const CommandClass remove_node_class = {
  remove_node_apply, remove_node_revert, remove_node_finalize,
};

static Command *
remove_node_command_new (FlintNode *node)
{
  RemoveNodeCommand *self = g_new0 (RemoveNodeCommand, 1);

  self->parent.klass = &remove_node_class;
  self->node = g_object_ref (node);
  self->edges = g_array_new (FALSE, FALSE, sizeof (EdgeRecord));
  g_array_set_clear_func (self->edges, clear_edge_record);

  return &self->parent;
}

/* Move node */

static gboolean
move_node_apply (Command        *command,
                 FlintPipeline  *pipeline,
                 GError        **error)
{
  MoveNodeCommand *self = (MoveNodeCommand *) command;

  if (!node_in_pipeline (pipeline, self->node, error))
    return FALSE;

  flint_node_set_position (self->node, self->x, self->y);

  return TRUE;
}

static void
move_node_revert (Command       *command,
                  FlintPipeline *pipeline)
{
  MoveNodeCommand *self = (MoveNodeCommand *) command;

  if (self->old_has_position)
    flint_node_set_position (self->node, self->old_x, self->old_y);
  else
    flint_node_unset_position (self->node);
}

static void
move_node_finalize (Command *command)
{
  MoveNodeCommand *self = (MoveNodeCommand *) command;

  g_clear_object (&self->node);
}

static const CommandClass move_node_class = {
  move_node_apply, move_node_revert, move_node_finalize,
};

static Command *
move_node_command_new (FlintNode *node,
                       double     x,
                       double     y)
{
  MoveNodeCommand *self = g_new0 (MoveNodeCommand, 1);
  double old_x, old_y;

  self->parent.klass = &move_node_class;
  self->node = g_object_ref (node);
  self->old_has_position = flint_node_get_position (node, &old_x, &old_y);
  self->old_x = old_x;
  self->old_y = old_y;
  self->x = x;
  self->y = y;

  return &self->parent;
}

static gboolean
move_node_command_is_noop (MoveNodeCommand *self)
{
  return self->old_has_position && self->old_x == self->x && self->old_y == self->y;
}

/* Connect and disconnect */

static gboolean
connect_apply (Command        *command,
               FlintPipeline  *pipeline,
               GError        **error)
{
  EdgeCommand *self = (EdgeCommand *) command;
  FlintEdge *edge;

  if (self->edge != NULL)
    return flint_pipeline_add_edge (pipeline, self->edge, self->position, error);

  edge = flint_pipeline_connect (pipeline,
                                 self->from_node, self->from_port,
                                 self->to_node, self->to_port,
                                 error);
  if (edge == NULL)
    return FALSE;

  self->edge = g_object_ref (edge);
  self->position = flint_pipeline_edge_position (pipeline, edge);

  return TRUE;
}

static void
connect_revert (Command       *command,
                FlintPipeline *pipeline)
{
  EdgeCommand *self = (EdgeCommand *) command;
  g_autoptr(GError) error = NULL;

  if (!flint_pipeline_disconnect (pipeline, self->edge, &error))
    g_critical ("Cannot undo connecting: %s", error->message);
}

static gboolean
disconnect_apply (Command        *command,
                  FlintPipeline  *pipeline,
                  GError        **error)
{
  EdgeCommand *self = (EdgeCommand *) command;

  self->position = flint_pipeline_edge_position (pipeline, self->edge);

  return flint_pipeline_disconnect (pipeline, self->edge, error);
}

static void
disconnect_revert (Command       *command,
                   FlintPipeline *pipeline)
{
  EdgeCommand *self = (EdgeCommand *) command;
  g_autoptr(GError) error = NULL;

  if (!flint_pipeline_add_edge (pipeline, self->edge, self->position, &error))
    g_critical ("Cannot undo disconnecting: %s", error->message);
}

static void
edge_finalize (Command *command)
{
  EdgeCommand *self = (EdgeCommand *) command;

  g_clear_object (&self->edge);
  g_clear_pointer (&self->from_node, g_free);
  g_clear_pointer (&self->from_port, g_free);
  g_clear_pointer (&self->to_node, g_free);
  g_clear_pointer (&self->to_port, g_free);
}

static const CommandClass connect_class = {
  connect_apply, connect_revert, edge_finalize,
};

static const CommandClass disconnect_class = {
  disconnect_apply, disconnect_revert, edge_finalize,
};

static Command *
connect_command_new (const char *from_node,
                     const char *from_port,
                     const char *to_node,
                     const char *to_port)
{
  EdgeCommand *self = g_new0 (EdgeCommand, 1);

  self->parent.klass = &connect_class;
  self->from_node = g_strdup (from_node);
  self->from_port = g_strdup (from_port);
  self->to_node = g_strdup (to_node);
  self->to_port = g_strdup (to_port);

  return &self->parent;
}

static Command *
disconnect_command_new (FlintEdge *edge)
{
  EdgeCommand *self = g_new0 (EdgeCommand, 1);

  self->parent.klass = &disconnect_class;
  self->edge = g_object_ref (edge);

  return &self->parent;
}

/* Set parameter */

static gboolean
param_apply (Command        *command,
             FlintPipeline  *pipeline,
             GError        **error)
{
  ParamCommand *self = (ParamCommand *) command;

  if (!node_in_pipeline (pipeline, self->node, error))
    return FALSE;

  flint_node_take_param (self->node, self->name,
                         deep_copy (self->new_value));

  return TRUE;
}

static void
param_revert (Command       *command,
              FlintPipeline *pipeline)
{
  ParamCommand *self = (ParamCommand *) command;

  flint_node_take_param (self->node, self->name,
                         deep_copy (self->old_value));
  restore_member_order (flint_node_get_params (self->node),
                        (const char * const *) self->old_order);
}

static void
param_finalize (Command *command)
{
  ParamCommand *self = (ParamCommand *) command;

  g_clear_object (&self->node);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->old_value, json_node_unref);
  g_clear_pointer (&self->new_value, json_node_unref);
  g_clear_pointer (&self->old_order, g_strfreev);
}

static const CommandClass param_class = {
  param_apply, param_revert, param_finalize,
};

static Command *
param_command_new (FlintNode  *node,
                   const char *name,
                   JsonNode   *value)
{
  ParamCommand *self = g_new0 (ParamCommand, 1);
  JsonNode *old = flint_node_get_param (node, name);

  self->parent.klass = &param_class;
  self->node = g_object_ref (node);
  self->name = g_strdup (name);
  self->old_value = deep_copy (old);
  self->new_value = value;
  self->old_order = dup_member_names (flint_node_get_params (node));

  return &self->parent;
}

/* Set label */

static gboolean
label_apply (Command        *command,
             FlintPipeline  *pipeline,
             GError        **error)
{
  LabelCommand *self = (LabelCommand *) command;

  if (!node_in_pipeline (pipeline, self->node, error))
    return FALSE;

  flint_node_set_label (self->node, self->new_label);

  return TRUE;
}

static void
label_revert (Command       *command,
              FlintPipeline *pipeline)
{
  LabelCommand *self = (LabelCommand *) command;

  flint_node_set_label (self->node, self->old_label);
}

static void
label_finalize (Command *command)
{
  LabelCommand *self = (LabelCommand *) command;

  g_clear_object (&self->node);
  g_clear_pointer (&self->old_label, g_free);
  g_clear_pointer (&self->new_label, g_free);
}

static const CommandClass label_class = {
  label_apply, label_revert, label_finalize,
};

static Command *
label_command_new (FlintNode  *node,
                   const char *label)
{
  LabelCommand *self = g_new0 (LabelCommand, 1);

  self->parent.klass = &label_class;
  self->node = g_object_ref (node);
  self->old_label = g_strdup (flint_node_get_label (node));
  self->new_label = g_strdup (label);

  return &self->parent;
}

/* Set schema */

static gboolean
schema_apply (Command        *command,
              FlintPipeline  *pipeline,
              GError        **error)
{
  SchemaCommand *self = (SchemaCommand *) command;

  if (!node_in_pipeline (pipeline, self->node, error))
    return FALSE;

  flint_node_set_schema (self->node, self->new_schema);

  return TRUE;
}

static void
schema_revert (Command       *command,
               FlintPipeline *pipeline)
{
  SchemaCommand *self = (SchemaCommand *) command;

  flint_node_set_schema (self->node, self->old_schema);
}

static void
schema_finalize (Command *command)
{
  SchemaCommand *self = (SchemaCommand *) command;

  g_clear_object (&self->node);
  g_clear_pointer (&self->old_schema, flint_schema_unref);
  g_clear_pointer (&self->new_schema, flint_schema_unref);
}

static const CommandClass schema_class = {
  schema_apply, schema_revert, schema_finalize,
};

static Command *
schema_command_new (FlintNode   *node,
                    FlintSchema *schema)
{
  SchemaCommand *self = g_new0 (SchemaCommand, 1);
  FlintSchema *old = flint_node_get_schema (node);

  self->parent.klass = &schema_class;
  self->node = g_object_ref (node);
  self->old_schema = old ? flint_schema_ref (old) : NULL;
  self->new_schema = schema ? flint_schema_ref (schema) : NULL;

  return &self->parent;
}

/* Set job setting */

static gboolean
job_apply (Command        *command,
           FlintPipeline  *pipeline,
           GError        **error)
{
  JobCommand *self = (JobCommand *) command;

  flint_pipeline_take_job_setting (pipeline, self->path,
                                   deep_copy (self->value));

  return TRUE;
}

static void
job_revert (Command       *command,
            FlintPipeline *pipeline)
{
  JobCommand *self = (JobCommand *) command;

  /* Putting back the whole top-level setting also drops the maps the edit created
   * on the way and restores a value the edit had to replace with a map. */
  flint_pipeline_take_job_setting (pipeline, self->top,
                                   deep_copy (self->old_top));
  restore_member_order (flint_pipeline_get_job (pipeline),
                        (const char * const *) self->old_order);
}

static void
job_finalize (Command *command)
{
  JobCommand *self = (JobCommand *) command;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->top, g_free);
  g_clear_pointer (&self->value, json_node_unref);
  g_clear_pointer (&self->old_top, json_node_unref);
  g_clear_pointer (&self->old_order, g_strfreev);
}

static const CommandClass job_class = {
  job_apply, job_revert, job_finalize,
};

static Command *
job_command_new (FlintPipeline *pipeline,
                 const char    *path,
                 JsonNode      *value)
{
  JobCommand *self = g_new0 (JobCommand, 1);
  JsonObject *job = flint_pipeline_get_job (pipeline);
  const char *dot = strchr (path, '.');
  JsonNode *old_top;

  self->parent.klass = &job_class;
  self->path = g_strdup (path);
  self->top = dot ? g_strndup (path, dot - path) : g_strdup (path);
  self->value = value;
  old_top = json_object_get_member (job, self->top);
  self->old_top = deep_copy (old_top);
  self->old_order = dup_member_names (job);

  return &self->parent;
}

static gboolean
job_path_is_valid (const char *path)
{
  g_auto(GStrv) parts = NULL;

  if (path == NULL || *path == '\0')
    return FALSE;

  parts = g_strsplit (path, ".", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] == '\0')
      return FALSE;

  return TRUE;
}

/* History */

static guint64
current_serial (FlintHistory *self)
{
  if (self->undo_stack->len == 0)
    return 0;

  return ((Step *) g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1))->serial;
}

static const char *
top_label (GPtrArray *stack)
{
  if (stack->len == 0)
    return NULL;

  return ((Step *) g_ptr_array_index (stack, stack->len - 1))->label;
}

static void
update_state (FlintHistory *self)
{
  gboolean can_undo = self->undo_stack->len > 0;
  gboolean can_redo = self->redo_stack->len > 0;
  gboolean modified = current_serial (self) != self->saved_serial ||
                      (self->group != NULL && self->group->commands->len > 0);
  const char *undo_label = top_label (self->undo_stack);
  const char *redo_label = top_label (self->redo_stack);
  GObject *object = G_OBJECT (self);

  g_object_freeze_notify (object);

  if (self->can_undo != can_undo)
    {
      self->can_undo = can_undo;
      g_object_notify_by_pspec (object, properties[PROP_CAN_UNDO]);
    }

  if (self->can_redo != can_redo)
    {
      self->can_redo = can_redo;
      g_object_notify_by_pspec (object, properties[PROP_CAN_REDO]);
    }

  if (g_strcmp0 (self->undo_label, undo_label) != 0)
    {
      g_free (self->undo_label);
      self->undo_label = g_strdup (undo_label);
      g_object_notify_by_pspec (object, properties[PROP_UNDO_LABEL]);
    }

  if (g_strcmp0 (self->redo_label, redo_label) != 0)
    {
      g_free (self->redo_label);
      self->redo_label = g_strdup (redo_label);
      g_object_notify_by_pspec (object, properties[PROP_REDO_LABEL]);
    }

  if (self->modified != modified)
    {
      self->modified = modified;
      g_object_notify_by_pspec (object, properties[PROP_MODIFIED]);
    }

  g_object_thaw_notify (object);
}

static void
push_step (FlintHistory *self,
           Step         *step)
{
  step->serial = ++self->last_serial;
  g_ptr_array_add (self->undo_stack, step);
  self->merge_step = NULL;
}

/* Applies @command (taking it) and records it in the open group or as a step of its own. */
static gboolean
run_command (FlintHistory  *self,
             Command       *command,
             const char    *label,
             GError       **error)
{
  if (!command->klass->apply (command, self->pipeline, error))
    {
      command_free (command);
      return FALSE;
    }

  /* The document has left the line the redo steps continue. */
  g_ptr_array_set_size (self->redo_stack, 0);

  if (self->group != NULL)
    {
      if (self->group->label == NULL)
        self->group->label = g_strdup (label);
      g_ptr_array_add (self->group->commands, command);
    }
  else
    {
      Step *step = step_new (label);

      g_ptr_array_add (step->commands, command);
      push_step (self, step);
    }

  update_state (self);

  return TRUE;
}

static void
flint_history_dispose (GObject *object)
{
  FlintHistory *self = (FlintHistory *) object;

  /* Commands hold the pipeline's nodes and edges. */
  g_clear_pointer (&self->group, step_free);
  if (self->undo_stack != NULL)
    g_ptr_array_set_size (self->undo_stack, 0);
  if (self->redo_stack != NULL)
    g_ptr_array_set_size (self->redo_stack, 0);
  self->merge_step = NULL;
  g_clear_object (&self->pipeline);

  G_OBJECT_CLASS (flint_history_parent_class)->dispose (object);
}

static void
flint_history_finalize (GObject *object)
{
  FlintHistory *self = (FlintHistory *) object;

  g_clear_pointer (&self->undo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->redo_stack, g_ptr_array_unref);
  g_clear_pointer (&self->undo_label, g_free);
  g_clear_pointer (&self->redo_label, g_free);

  G_OBJECT_CLASS (flint_history_parent_class)->finalize (object);
}

static void
flint_history_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FlintHistory *self = FLINT_HISTORY (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      g_value_set_object (value, self->pipeline);
      break;

    case PROP_CAN_UNDO:
      g_value_set_boolean (value, flint_history_can_undo (self));
      break;

    case PROP_CAN_REDO:
      g_value_set_boolean (value, flint_history_can_redo (self));
      break;

    case PROP_UNDO_LABEL:
      g_value_set_string (value, flint_history_get_undo_label (self));
      break;

    case PROP_REDO_LABEL:
      g_value_set_string (value, flint_history_get_redo_label (self));
      break;

    case PROP_MODIFIED:
      g_value_set_boolean (value, flint_history_get_modified (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flint_history_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FlintHistory *self = FLINT_HISTORY (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      self->pipeline = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flint_history_class_init (FlintHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flint_history_dispose;
  object_class->finalize = flint_history_finalize;
  object_class->get_property = flint_history_get_property;
  object_class->set_property = flint_history_set_property;

  properties[PROP_PIPELINE] =
    g_param_spec_object ("pipeline", NULL, NULL,
                         FLINT_TYPE_PIPELINE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_UNDO_LABEL] =
    g_param_spec_string ("undo-label", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_REDO_LABEL] =
    g_param_spec_string ("redo-label", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
flint_history_init (FlintHistory *self)
{
  self->undo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
  self->redo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
}

/* Public API */

FlintHistory *
flint_history_new (FlintPipeline *pipeline)
{
  g_return_val_if_fail (FLINT_IS_PIPELINE (pipeline), NULL);

  return g_object_new (FLINT_TYPE_HISTORY, "pipeline", pipeline, NULL);
}

FlintPipeline *
flint_history_get_pipeline (FlintHistory *self)
{
  g_return_val_if_fail (FLINT_IS_HISTORY (self), NULL);
  return self->pipeline;
}

gboolean
flint_history_can_undo (FlintHistory *self)
{
  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);
  return self->undo_stack->len > 0;
}

gboolean
flint_history_can_redo (FlintHistory *self)
{
  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);
  return self->redo_stack->len > 0;
}

const char *
flint_history_get_undo_label (FlintHistory *self)
{
  g_return_val_if_fail (FLINT_IS_HISTORY (self), NULL);
  return top_label (self->undo_stack);
}

const char *
flint_history_get_redo_label (FlintHistory *self)
{
  g_return_val_if_fail (FLINT_IS_HISTORY (self), NULL);
  return top_label (self->redo_stack);
}

gboolean
flint_history_undo (FlintHistory *self)
{
  Step *step;

  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (self->group_depth == 0, FALSE);

  if (self->undo_stack->len == 0)
    return FALSE;

  step = g_ptr_array_steal_index (self->undo_stack, self->undo_stack->len - 1);
  for (guint i = step->commands->len; i > 0; i--)
    {
      Command *command = g_ptr_array_index (step->commands, i - 1);

      command->klass->revert (command, self->pipeline);
    }
  g_ptr_array_add (self->redo_stack, step);
  self->merge_step = NULL;

  update_state (self);

  return TRUE;
}

gboolean
flint_history_redo (FlintHistory *self)
{
  Step *step;

  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (self->group_depth == 0, FALSE);

  if (self->redo_stack->len == 0)
    return FALSE;

  step = g_ptr_array_steal_index (self->redo_stack, self->redo_stack->len - 1);
  for (guint i = 0; i < step->commands->len; i++)
    {
      Command *command = g_ptr_array_index (step->commands, i);
      g_autoptr(GError) error = NULL;

      /* The document is where this step first applied, so it cannot fail. */
      if (!command->klass->apply (command, self->pipeline, &error))
        g_critical ("Cannot redo “%s”: %s", step->label, error->message);
    }
  g_ptr_array_add (self->undo_stack, step);
  self->merge_step = NULL;

  update_state (self);

  return TRUE;
}

void
flint_history_clear (FlintHistory *self)
{
  g_return_if_fail (FLINT_IS_HISTORY (self));
  g_return_if_fail (self->group_depth == 0);

  /* Keep saying modified if the document was, until it is saved. */
  self->saved_serial = current_serial (self) == self->saved_serial ? 0 : G_MAXUINT64;
  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  self->merge_step = NULL;

  update_state (self);
}

void
flint_history_begin_group (FlintHistory *self,
                           const char   *label)
{
  g_return_if_fail (FLINT_IS_HISTORY (self));

  if (self->group_depth++ == 0)
    self->group = step_new (label);
  else if (self->group->label == NULL && label != NULL && self->group->commands->len == 0)
    self->group->label = g_strdup (label);
}

void
flint_history_end_group (FlintHistory *self)
{
  Step *step;

  g_return_if_fail (FLINT_IS_HISTORY (self));
  g_return_if_fail (self->group_depth > 0);

  if (--self->group_depth > 0)
    return;

  step = g_steal_pointer (&self->group);
  if (step->commands->len == 0)
    step_free (step);
  else
    push_step (self, step);

  update_state (self);
}

gboolean
flint_history_get_modified (FlintHistory *self)
{
  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);

  return current_serial (self) != self->saved_serial ||
         (self->group != NULL && self->group->commands->len > 0);
}

void
flint_history_mark_saved (FlintHistory *self)
{
  g_return_if_fail (FLINT_IS_HISTORY (self));

  self->saved_serial = current_serial (self);
  update_state (self);
}

static FlintNode *
insert_node (FlintHistory  *self,
             FlintNode     *node,
             GError       **error)
{
  g_autofree char *label = NULL;
  guint position;

  position = g_list_model_get_n_items (flint_pipeline_get_nodes (self->pipeline));
  label = g_strdup_printf (_("Add %s"), flint_node_get_kind (node)->title);

  if (!run_command (self, add_node_command_new (node, position), label, error))
    return NULL;

  return node;
}

FlintNode *
flint_history_add_node (FlintHistory  *self,
                        const char    *kind_id,
                        const char    *id,
                        double         x,
                        double         y,
                        GError       **error)
{
  const FlintNodeKind *kind;
  g_autoptr(FlintNode) node = NULL;
  g_autofree char *made_id = NULL;

  g_return_val_if_fail (FLINT_IS_HISTORY (self), NULL);
  g_return_val_if_fail (kind_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kind = flint_catalog_lookup (flint_pipeline_get_catalog (self->pipeline), kind_id);
  if (kind == NULL)
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_UNKNOWN_KIND,
                   _("There is no node kind “%s”"), kind_id);
      return NULL;
    }

  if (id == NULL)
    {
      const char *dot = strrchr (kind_id, '.');

      made_id = flint_pipeline_make_id (self->pipeline, dot ? dot + 1 : kind_id);
      id = made_id;
    }
  else if (!flint_node_id_is_valid (id))
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID,
                   _("“%s” is not a valid node id: use a letter or “_”, then letters, digits, “_” or “-”"),
                   id);
      return NULL;
    }

  node = flint_node_new (id, kind);
  flint_node_set_position (node, x, y);

  return insert_node (self, node, error);
}

gboolean
flint_history_insert_node (FlintHistory  *self,
                           FlintNode     *node,
                           GError       **error)
{
  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (FLINT_IS_NODE (node), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return insert_node (self, node, error) != NULL;
}

gboolean
flint_history_remove_node (FlintHistory  *self,
                           const char    *node_id,
                           GError       **error)
{
  g_autofree char *label = NULL;
  FlintNode *node;

  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((node = lookup_node (self, node_id, error)) == NULL)
    return FALSE;

  label = g_strdup_printf (_("Remove %s"), flint_node_get_display_name (node));

  return run_command (self, remove_node_command_new (node), label, error);
}

/* A drag is one step: a move of the node the last step (or the group's last command)
 * moved, with nothing between, updates that command instead of adding one. */
static MoveNodeCommand *
find_mergeable_move (FlintHistory *self,
                     FlintNode    *node)
{
  GPtrArray *commands;
  MoveNodeCommand *move;

  if (self->group != NULL)
    commands = self->group->commands;
  else if (self->merge_step != NULL)
    commands = self->merge_step->commands;
  else
    return NULL;

  if (commands->len == 0)
    return NULL;

  move = g_ptr_array_index (commands, commands->len - 1);
  if (move->parent.klass != &move_node_class || move->node != node)
    return NULL;

  return move;
}

gboolean
flint_history_move_node (FlintHistory  *self,
                         const char    *node_id,
                         double         x,
                         double         y,
                         GError       **error)
{
  g_autofree char *label = NULL;
  MoveNodeCommand *move;
  FlintNode *node;
  double old_x, old_y;

  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((node = lookup_node (self, node_id, error)) == NULL)
    return FALSE;

  if (flint_node_get_position (node, &old_x, &old_y) && old_x == x && old_y == y)
    return TRUE;

  if ((move = find_mergeable_move (self, node)) != NULL)
    {
      GPtrArray *commands = self->group ? self->group->commands : self->merge_step->commands;

      move->x = x;
      move->y = y;
      move->parent.klass->apply (&move->parent, self->pipeline, NULL);

      /* Dragged back to where it started: the step does nothing any more. */
      if (move_node_command_is_noop (move))
        {
          g_ptr_array_set_size (commands, commands->len - 1);
          if (self->group == NULL)
            {
              g_ptr_array_set_size (self->undo_stack, self->undo_stack->len - 1);
              self->merge_step = NULL;
            }
        }
      else if (self->group == NULL)
        {
          /* The document differs from what this serial stood for (it may have been saved). */
          self->merge_step->serial = ++self->last_serial;
        }

      update_state (self);
      return TRUE;
    }

  label = g_strdup_printf (_("Move %s"), flint_node_get_display_name (node));
  if (!run_command (self, move_node_command_new (node, x, y), label, error))
    return FALSE;

  if (self->group == NULL)
    self->merge_step = g_ptr_array_index (self->undo_stack, self->undo_stack->len - 1);

  return TRUE;
}

FlintEdge *
flint_history_connect (FlintHistory  *self,
                       const char    *from_node,
                       const char    *from_port,
                       const char    *to_node,
                       const char    *to_port,
                       GError       **error)
{
  g_autofree char *label = NULL;
  FlintNode *from, *to;
  Command *command;
  FlintEdge *edge;

  g_return_val_if_fail (FLINT_IS_HISTORY (self), NULL);
  g_return_val_if_fail (from_node != NULL, NULL);
  g_return_val_if_fail (to_node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  from = flint_pipeline_lookup_node (self->pipeline, from_node);
  to = flint_pipeline_lookup_node (self->pipeline, to_node);
  label = g_strdup_printf (_("Connect %s to %s"),
                           from ? flint_node_get_display_name (from) : from_node,
                           to ? flint_node_get_display_name (to) : to_node);

  command = connect_command_new (from_node, from_port, to_node, to_port);
  if (!run_command (self, command, label, error))
    return NULL;

  edge = ((EdgeCommand *) command)->edge;

  return edge;
}

gboolean
flint_history_disconnect (FlintHistory  *self,
                          FlintEdge     *edge,
                          GError       **error)
{
  g_autofree char *label = NULL;
  FlintNode *from, *to;

  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (FLINT_IS_EDGE (edge), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  from = flint_pipeline_lookup_node (self->pipeline, flint_edge_get_from_node (edge));
  to = flint_pipeline_lookup_node (self->pipeline, flint_edge_get_to_node (edge));
  label = g_strdup_printf (_("Disconnect %s from %s"),
                           from ? flint_node_get_display_name (from) : flint_edge_get_from_node (edge),
                           to ? flint_node_get_display_name (to) : flint_edge_get_to_node (edge));

  return run_command (self, disconnect_command_new (edge), label, error);
}

gboolean
flint_history_set_param (FlintHistory  *self,
                         const char    *node_id,
                         const char    *name,
                         JsonNode      *value,
                         GError       **error)
{
  g_autoptr(JsonNode) owned = value;
  g_autofree char *label = NULL;
  const FlintParamSpec *spec;
  JsonNode *old;
  FlintNode *node;

  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((node = lookup_node (self, node_id, error)) == NULL)
    return FALSE;

  old = flint_node_get_param (node, name);
  spec = flint_node_kind_lookup_param (flint_node_get_kind (node), name);

  /* Unknown parameters (kept from a file) may be removed, never set. */
  if (spec == NULL && owned != NULL)
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_NOT_FOUND,
                   _("Node “%s” (%s) has no parameter “%s”"),
                   node_id, flint_node_get_kind_id (node), name);
      return FALSE;
    }

  if (old == NULL && owned == NULL)
    return TRUE;
  if (old != NULL && owned != NULL && json_node_equal (old, owned))
    return TRUE;

  label = g_strdup_printf (_("Change %s"), spec && spec->title ? spec->title : name);

  /* A copy of our own: the caller may still hold parts of @value. */
  return run_command (self, param_command_new (node, name, deep_copy (owned)), label, error);
}

gboolean
flint_history_set_label (FlintHistory  *self,
                         const char    *node_id,
                         const char    *label,
                         GError       **error)
{
  g_autofree char *step_label = NULL;
  FlintNode *node;

  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((node = lookup_node (self, node_id, error)) == NULL)
    return FALSE;

  if (label != NULL && *label == '\0')
    label = NULL;
  if (g_strcmp0 (flint_node_get_label (node), label) == 0)
    return TRUE;

  step_label = g_strdup_printf (_("Rename %s"), flint_node_get_display_name (node));

  return run_command (self, label_command_new (node, label), step_label, error);
}

gboolean
flint_history_set_schema (FlintHistory  *self,
                          const char    *node_id,
                          FlintSchema   *schema,
                          GError       **error)
{
  FlintSchema *old;
  FlintNode *node;

  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((node = lookup_node (self, node_id, error)) == NULL)
    return FALSE;

  old = flint_node_get_schema (node);
  if (old == schema || (old != NULL && schema != NULL && flint_schema_equal (old, schema)))
    return TRUE;

  return run_command (self, schema_command_new (node, schema), _("Change Schema"), error);
}

gboolean
flint_history_set_job_setting (FlintHistory  *self,
                               const char    *path,
                               JsonNode      *value,
                               GError       **error)
{
  g_autoptr(JsonNode) owned = value;
  JsonNode *old;

  g_return_val_if_fail (FLINT_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!job_path_is_valid (path))
    {
      g_set_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID,
                   _("“%s” is not a job setting"), path ? path : "");
      return FALSE;
    }

  old = flint_pipeline_get_job_setting (self->pipeline, path);
  if (old == NULL && owned == NULL)
    return TRUE;
  if (old != NULL && owned != NULL && json_node_equal (old, owned))
    return TRUE;

  return run_command (self,
                      job_command_new (self->pipeline, path, deep_copy (owned)),
                      _("Change Job Setting"), error);
}
