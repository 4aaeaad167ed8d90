/* flint-run.c: one run of a pipeline on a target
 *
 * A run is plain data plus two signals: ::changed after any field changed (the runner
 * writes the run to the store then) and ::node-progress when a node's counts moved (the
 * canvas overlay and the CLI progress bar listen to it).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "flint-run.h"

struct _FlintRun
{
  GObject           parent_instance;

  char             *id;
  char             *pipeline_name;
  char             *pipeline_file;
  char             *target_name;
  char             *target_kind;
  char             *target_config;
  char             *environment;
  FlintRunState     state;
  FlintRunPriority  priority;
  gint64            created_at;
  gint64            started_at;
  gint64            finished_at;
  gint64            updated_at;
  char             *ui_url;
  char             *external_id;
  JsonObject       *target_data;
  guint             attempt;
  guint             max_attempts;
  guint             retry_backoff;
  guint             timeout_minutes;
  char             *message;
  char             *run_dir;
  char             *program_file;
  GPtrArray        *progress;
};

G_DEFINE_FINAL_TYPE (FlintRun, flint_run, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (FlintNodeProgress, flint_node_progress, flint_node_progress_copy, flint_node_progress_free)

enum {
  CHANGED,
  NODE_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const state_names[] = {
  "queued", "submitting", "running", "succeeded", "failed", "cancelled", "lost",
};

static const char *const priority_names[] = {
  "low", "normal", "high", "critical",
};

const char *
flint_run_state_to_string (FlintRunState state)
{
  g_return_val_if_fail (state <= FLINT_RUN_LOST, NULL);

  return state_names[state];
}

gboolean
flint_run_state_from_string (const char    *text,
                             FlintRunState *state)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (g_ascii_strcasecmp (text, state_names[i]) == 0)
      {
        *state = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
flint_run_state_is_finished (FlintRunState state)
{
  return state >= FLINT_RUN_SUCCEEDED;
}

const char *
flint_run_priority_to_string (FlintRunPriority priority)
{
  g_return_val_if_fail (priority <= FLINT_RUN_PRIORITY_CRITICAL, NULL);

  return priority_names[priority];
}

gboolean
flint_run_priority_from_string (const char       *text,
                                FlintRunPriority *priority)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (priority_names); i++)
    if (g_ascii_strcasecmp (text, priority_names[i]) == 0)
      {
        *priority = i;
        return TRUE;
      }
  return FALSE;
}

FlintNodeProgress *
flint_node_progress_copy (const FlintNodeProgress *self)
{
  FlintNodeProgress *copy = g_new (FlintNodeProgress, 1);

  *copy = *self;
  copy->node_id = g_strdup (self->node_id);
  copy->label = g_strdup (self->label);
  return copy;
}

void
flint_node_progress_free (FlintNodeProgress *self)
{
  if (self == NULL)
    return;
  g_free (self->node_id);
  g_free (self->label);
  g_free (self);
}

double
flint_node_progress_get_fraction (const FlintNodeProgress *self)
{
  if (self->tasks_total == 0)
    return 0.0;
  return MIN (1.0, (double) self->tasks_done / self->tasks_total);
}

static void
changed (FlintRun *self)
{
  self->updated_at = g_get_real_time ();
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
flint_run_finalize (GObject *object)
{
  FlintRun *self = FLINT_RUN (object);

  g_free (self->id);
  g_free (self->pipeline_name);
  g_free (self->pipeline_file);
  g_free (self->target_name);
  g_free (self->target_kind);
  g_free (self->target_config);
  g_free (self->environment);
  g_free (self->ui_url);
  g_free (self->external_id);
  g_clear_pointer (&self->target_data, json_object_unref);
  g_free (self->message);
  g_free (self->run_dir);
  g_free (self->program_file);
  g_ptr_array_unref (self->progress);

  G_OBJECT_CLASS (flint_run_parent_class)->finalize (object);
}

static void
flint_run_class_init (FlintRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = flint_run_finalize;

  /**
   * FlintRun::changed:
   *
   * Any field changed; the runner records the run in the store.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * FlintRun::node-progress:
   * @node_id: the node
   * @done: tasks done
   * @total: tasks in all (0 while unknown)
   *
   * A node's progress moved; the full counts are in flint_run_lookup_progress().
   */
  signals[NODE_PROGRESS] = g_signal_new ("node-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                         G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT);
}

static void
flint_run_init (FlintRun *self)
{
  self->progress = g_ptr_array_new_with_free_func ((GDestroyNotify) flint_node_progress_free);
  self->attempt = 1;
  self->max_attempts = 1;
  self->priority = FLINT_RUN_PRIORITY_NORMAL;
  self->target_data = json_object_new ();
}

FlintRun *
flint_run_new_with_id (const char *id,
                       const char *pipeline_name,
                       const char *target_name,
                       const char *target_kind,
                       gint64      created_at)
{
  FlintRun *self;

  g_return_val_if_fail (id != NULL, NULL);

  self = g_object_new (FLINT_TYPE_RUN, NULL);
  self->id = g_strdup (id);
  self->pipeline_name = g_strdup (pipeline_name);
  self->target_name = g_strdup (target_name);
  self->target_kind = g_strdup (target_kind);
  self->created_at = self->updated_at = created_at;
  return self;
}

FlintRun *
flint_run_new (const char *pipeline_name,
               const char *target_name,
               const char *target_kind)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return flint_run_new_with_id (uuid, pipeline_name, target_name, target_kind, g_get_real_time ());
}

void
flint_run_restore_times (FlintRun *self,
                         gint64    started_at,
                         gint64    finished_at,
                         gint64    updated_at)
{
  g_return_if_fail (FLINT_IS_RUN (self));

  self->started_at = started_at;
  self->finished_at = finished_at;
  self->updated_at = updated_at;
}

void
flint_run_restore_state (FlintRun      *self,
                         FlintRunState  state)
{
  g_return_if_fail (FLINT_IS_RUN (self));

  self->state = state;
}

#define GETTER(type, name) \
  type flint_run_get_##name (FlintRun *self) \
  { \
    g_return_val_if_fail (FLINT_IS_RUN (self), 0); \
    return self->name; \
  }

#define STRING_SETTER(name) \
  void flint_run_set_##name (FlintRun *self, const char *value) \
  { \
    g_return_if_fail (FLINT_IS_RUN (self)); \
    if (set_string (&self->name, value)) \
      changed (self); \
  }

#define UINT_SETTER(name) \
  void flint_run_set_##name (FlintRun *self, guint value) \
  { \
    g_return_if_fail (FLINT_IS_RUN (self)); \
    if (self->name != value) \
      { \
        self->name = value; \
        changed (self); \
      } \
  }

GETTER (const char *, id)
GETTER (const char *, pipeline_name)
GETTER (const char *, pipeline_file)
GETTER (const char *, target_name)
GETTER (const char *, target_kind)
GETTER (const char *, target_config)
GETTER (const char *, environment)
GETTER (FlintRunState, state)
GETTER (FlintRunPriority, priority)
GETTER (gint64, created_at)
GETTER (gint64, started_at)
GETTER (gint64, finished_at)
GETTER (gint64, updated_at)
GETTER (const char *, ui_url)
GETTER (const char *, external_id)
GETTER (JsonObject *, target_data)
GETTER (guint, attempt)
GETTER (guint, max_attempts)
GETTER (guint, retry_backoff)
GETTER (guint, timeout_minutes)
GETTER (const char *, message)
GETTER (const char *, run_dir)
GETTER (const char *, program_file)
GETTER (GPtrArray *, progress)

STRING_SETTER (pipeline_file)
STRING_SETTER (target_config)
STRING_SETTER (environment)
STRING_SETTER (ui_url)
STRING_SETTER (external_id)
STRING_SETTER (message)
STRING_SETTER (run_dir)
STRING_SETTER (program_file)
UINT_SETTER (attempt)
UINT_SETTER (max_attempts)
UINT_SETTER (retry_backoff)
UINT_SETTER (timeout_minutes)

void
flint_run_set_priority (FlintRun         *self,
                        FlintRunPriority  priority)
{
  g_return_if_fail (FLINT_IS_RUN (self));

  if (self->priority != priority)
    {
      self->priority = priority;
      changed (self);
    }
}

void
flint_run_set_state (FlintRun      *self,
                     FlintRunState  state)
{
  g_return_if_fail (FLINT_IS_RUN (self));

  if (self->state == state)
    return;

  self->state = state;
  if (state == FLINT_RUN_RUNNING && self->started_at == 0)
    self->started_at = g_get_real_time ();
  if (flint_run_state_is_finished (state))
    self->finished_at = g_get_real_time ();
  else
    self->finished_at = 0;
  changed (self);
}

void
flint_run_set_target_data (FlintRun   *self,
                           JsonObject *data)
{
  g_return_if_fail (FLINT_IS_RUN (self));

  g_clear_pointer (&self->target_data, json_object_unref);
  self->target_data = data ? json_object_ref (data) : json_object_new ();
  changed (self);
}

void
flint_run_save_target_data (FlintRun *self)
{
  g_return_if_fail (FLINT_IS_RUN (self));

  changed (self);
}

static FlintNodeProgress *
find_progress (FlintRun   *self,
               const char *node_id)
{
  for (guint i = 0; i < self->progress->len; i++)
    {
      FlintNodeProgress *p = g_ptr_array_index (self->progress, i);

      if (g_str_equal (p->node_id, node_id))
        return p;
    }
  return NULL;
}

const FlintNodeProgress *
flint_run_lookup_progress (FlintRun   *self,
                           const char *node_id)
{
  g_return_val_if_fail (FLINT_IS_RUN (self), NULL);
  g_return_val_if_fail (node_id != NULL, NULL);

  return find_progress (self, node_id);
}

void
flint_run_declare_node (FlintRun   *self,
                        const char *node_id,
                        const char *label)
{
  FlintNodeProgress *p;

  g_return_if_fail (FLINT_IS_RUN (self));
  g_return_if_fail (node_id != NULL);

  p = find_progress (self, node_id);
  if (p != NULL)
    {
      if (label != NULL && p->label == NULL)
        p->label = g_strdup (label);
      return;
    }

  p = g_new0 (FlintNodeProgress, 1);
  p->node_id = g_strdup (node_id);
  p->label = g_strdup (label);
  g_ptr_array_add (self->progress, p);
}

void
flint_run_update_progress (FlintRun                *self,
                           const FlintNodeProgress *progress)
{
  FlintNodeProgress *p;

  g_return_if_fail (FLINT_IS_RUN (self));
  g_return_if_fail (progress != NULL && progress->node_id != NULL);

  p = find_progress (self, progress->node_id);
  if (p == NULL)
    {
      flint_run_declare_node (self, progress->node_id, progress->label);
      p = find_progress (self, progress->node_id);
    }
  else if (p->jobs_done == progress->jobs_done && p->jobs_total == progress->jobs_total &&
           p->stages_done == progress->stages_done && p->stages_total == progress->stages_total &&
           p->tasks_done == progress->tasks_done && p->tasks_total == progress->tasks_total &&
           p->jobs_failed == progress->jobs_failed &&
           p->has_job_id == progress->has_job_id && p->job_id == progress->job_id)
    return;

  p->jobs_done = progress->jobs_done;
  p->jobs_total = progress->jobs_total;
  p->stages_done = progress->stages_done;
  p->stages_total = progress->stages_total;
  p->tasks_done = progress->tasks_done;
  p->tasks_total = progress->tasks_total;
  p->jobs_failed = progress->jobs_failed;
  p->has_job_id = progress->has_job_id;
  p->job_id = progress->job_id;
  if (p->label == NULL && progress->label != NULL)
    p->label = g_strdup (progress->label);

  g_signal_emit (self, signals[NODE_PROGRESS], 0, p->node_id, p->tasks_done, p->tasks_total);
  changed (self);
}

JsonNode *
flint_run_progress_to_json (FlintRun *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (FLINT_IS_RUN (self), NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; i < self->progress->len; i++)
    {
      FlintNodeProgress *p = g_ptr_array_index (self->progress, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "node");
      json_builder_add_string_value (builder, p->node_id);
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, p->label);
#define COUNT(name) \
      json_builder_set_member_name (builder, #name); \
      json_builder_add_int_value (builder, p->name);
      COUNT (jobs_done)
      COUNT (jobs_total)
      COUNT (jobs_failed)
      COUNT (stages_done)
      COUNT (stages_total)
      COUNT (tasks_done)
      COUNT (tasks_total)
#undef COUNT
      if (p->has_job_id)
        {
          json_builder_set_member_name (builder, "job_id");
          json_builder_add_int_value (builder, p->job_id);
        }
      json_builder_set_member_name (builder, "fraction");
      json_builder_add_double_value (builder, flint_node_progress_get_fraction (p));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

void
flint_run_progress_from_json (FlintRun *self,
                              JsonNode *node)
{
  JsonArray *array;

  g_return_if_fail (FLINT_IS_RUN (self));

  g_ptr_array_set_size (self->progress, 0);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);
      FlintNodeProgress *p;

      if (o == NULL || !json_object_has_member (o, "node"))
        continue;
      p = g_new0 (FlintNodeProgress, 1);
      p->node_id = g_strdup (json_object_get_string_member_with_default (o, "node", ""));
      p->label = g_strdup (json_object_get_string_member_with_default (o, "label", NULL));
#define COUNT(name) p->name = (guint) json_object_get_int_member_with_default (o, #name, 0);
      COUNT (jobs_done)
      COUNT (jobs_total)
      COUNT (jobs_failed)
      COUNT (stages_done)
      COUNT (stages_total)
      COUNT (tasks_done)
      COUNT (tasks_total)
#undef COUNT
      p->has_job_id = json_object_has_member (o, "job_id");
      p->job_id = (guint) json_object_get_int_member_with_default (o, "job_id", 0);
      g_ptr_array_add (self->progress, p);
    }
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       usec)
{
  json_builder_set_member_name (builder, name);
  if (usec == 0)
    json_builder_add_null_value (builder);
  else
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
      g_autofree char *text = g_date_time_format_iso8601 (dt);

      json_builder_add_string_value (builder, text);
    }
}

JsonNode *
flint_run_to_json (FlintRun *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (FLINT_IS_RUN (self), NULL);

  json_builder_begin_object (builder);
#define STRING(key, value) \
  json_builder_set_member_name (builder, key); \
  json_builder_add_string_value (builder, value);
  STRING ("id", self->id)
  STRING ("pipeline", self->pipeline_name)
  STRING ("file", self->pipeline_file)
  STRING ("target", self->target_name)
  STRING ("target_kind", self->target_kind)
  STRING ("environment", self->environment)
  STRING ("state", flint_run_state_to_string (self->state))
  STRING ("priority", flint_run_priority_to_string (self->priority))
#undef STRING
  add_time (builder, "created_at", self->created_at);
  add_time (builder, "started_at", self->started_at);
  add_time (builder, "finished_at", self->finished_at);
  json_builder_set_member_name (builder, "spark_ui");
  json_builder_add_string_value (builder, self->ui_url);
  json_builder_set_member_name (builder, "external_id");
  json_builder_add_string_value (builder, self->external_id);
  json_builder_set_member_name (builder, "attempt");
  json_builder_add_int_value (builder, self->attempt);
  json_builder_set_member_name (builder, "max_attempts");
  json_builder_add_int_value (builder, self->max_attempts);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, self->message);
  json_builder_set_member_name (builder, "run_dir");
  json_builder_add_string_value (builder, self->run_dir);
  json_builder_set_member_name (builder, "progress");
  json_builder_add_value (builder, flint_run_progress_to_json (self));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
