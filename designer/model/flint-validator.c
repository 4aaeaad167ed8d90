/* flint-validator.c: live, incremental validation
 *
 * Each node keeps the flows out of its ports and its diagnostics. An edit marks the
 * nodes it touches dirty; an update re-validates the dirty nodes and everything
 * downstream of them in topological order, reusing the cached flows of everything
 * upstream. Checks that span nodes (cycles, two sinks writing one place) are kept
 * incremental too: cycles are recomputed only when edges change, and a sink's target
 * is indexed so only the sinks sharing an old or new target are revisited.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "flint-expr.h"
#include "flint-rules.h"
#include "flint-validator.h"
#include "flint-suggest-private.h"

/* FlintFlow {{{ */

struct _FlintFlow
{
  FlintSchema    *schema;
  FlintFlowFlags  flags;
  char          **event_time;  /* NULL when there are none */
};

static const char * const no_columns[] = { NULL };

G_DEFINE_BOXED_TYPE (FlintFlow, flint_flow, flint_flow_ref, flint_flow_unref)

FlintFlow *
flint_flow_new_full (FlintSchema        *schema,
                     FlintFlowFlags      flags,
                     const char * const *event_time)
{
  FlintFlow *self = g_atomic_rc_box_new0 (FlintFlow);

  self->schema = schema ? flint_schema_ref (schema) : NULL;
  self->flags = flags;
  if (event_time != NULL && event_time[0] != NULL)
    self->event_time = g_strdupv ((char **) event_time);

  return self;
}

FlintFlow *
flint_flow_new (FlintSchema    *schema,
                FlintFlowFlags  flags)
{
  return flint_flow_new_full (schema, flags, NULL);
}

const char * const *
flint_flow_get_event_time (const FlintFlow *self)
{
  return self->event_time ? (const char * const *) self->event_time : no_columns;
}

FlintFlow *
flint_flow_ref (FlintFlow *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
flint_flow_clear (FlintFlow *self)
{
  g_clear_pointer (&self->schema, flint_schema_unref);
  g_clear_pointer (&self->event_time, g_strfreev);
}

void
flint_flow_unref (FlintFlow *self)
{
  g_atomic_rc_box_release_full (self, (GDestroyNotify) flint_flow_clear);
}

FlintSchema *
flint_flow_get_schema (const FlintFlow *self)
{
  return self->schema;
}

FlintFlowFlags
flint_flow_get_flags (const FlintFlow *self)
{
  return self->flags;
}

gboolean
flint_flow_is_streaming (const FlintFlow *self)
{
  return (self->flags & FLINT_FLOW_STREAMING) != 0;
}

gboolean
flint_flow_is_watermarked (const FlintFlow *self)
{
  return (self->flags & FLINT_FLOW_WATERMARKED) != 0;
}

gboolean
flint_flow_equal (const FlintFlow *a,
                  const FlintFlow *b)
{
  if (a->flags != b->flags)
    return FALSE;
  if (!g_strv_equal ((const char * const *) flint_flow_get_event_time (a),
                     (const char * const *) flint_flow_get_event_time (b)))
    return FALSE;
  if (a->schema == b->schema)
    return TRUE;
  if (a->schema == NULL || b->schema == NULL)
    return FALSE;
  return flint_schema_equal (a->schema, b->schema);
}

/* }}} */

typedef struct
{
  FlintNode *node;         /* borrowed: the pipeline holds it */
  GPtrArray *outputs;      /* FlintFlow, one per output port */
  GPtrArray *diagnostics;  /* FlintDiagnostic: the node's own, then cross-node ones */
  char      *sink_key;     /* where a sink writes, normalized; NULL otherwise */
  char      *cycle;        /* the other members of its cycle, for the message; NULL */
  guint      duplicate : 1;
} NodeState;

struct _FlintValidator
{
  GObject        parent_instance;
  FlintPipeline *pipeline;
  GHashTable    *states;     /* FlintNode -> NodeState */
  GHashTable    *dirty;      /* FlintNode set */
  GHashTable    *sinks;      /* sink key -> GPtrArray of FlintNode */
  GHashTable    *keys_dirty; /* sink keys whose duplicate check must be redone */
  GPtrArray     *global;     /* FlintDiagnostic about the pipeline as a whole */
  FlintFlow     *unknown;
  guint          cycles_dirty : 1;
  guint          all_dirty : 1;  /* every node is dirty: update in document order */
  guint          job_dirty : 1;
  gulong         handlers[6];
};

struct _FlintRuleContext
{
  FlintValidator *validator;
  FlintNode      *node;
  GPtrArray      *inputs;      /* per input port: GPtrArray of FlintFlow */
  GPtrArray      *outputs;     /* per output port: FlintFlow or NULL */
  GPtrArray      *diagnostics;
  FlintJobMode    mode;
  char          **event_time;  /* what rule set for the outputs, or NULL: inherit */
  gboolean        event_time_set;
};

G_DEFINE_FINAL_TYPE (FlintValidator, flint_validator, G_TYPE_OBJECT)

enum {
  NODE_DIAGNOSTICS_CHANGED,
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
node_state_free (gpointer data)
{
  NodeState *state = data;

  g_clear_pointer (&state->outputs, g_ptr_array_unref);
  g_clear_pointer (&state->diagnostics, g_ptr_array_unref);
  g_clear_pointer (&state->sink_key, g_free);
  g_clear_pointer (&state->cycle, g_free);
  g_free (state);
}

static NodeState *
ensure_state (FlintValidator *self,
              FlintNode      *node)
{
  NodeState *state = g_hash_table_lookup (self->states, node);

  if (state == NULL)
    {
      state = g_new0 (NodeState, 1);
      state->node = node;
      state->outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) flint_flow_unref);
      state->diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) flint_diagnostic_unref);
      g_hash_table_insert (self->states, node, state);
    }

  return state;
}

static void
mark_dirty (FlintValidator *self,
            FlintNode      *node)
{
  g_hash_table_add (self->dirty, node);
}

static void
mark_all_dirty (FlintValidator *self)
{
  GListModel *nodes = flint_pipeline_get_nodes (self->pipeline);
  guint n = g_list_model_get_n_items (nodes);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      mark_dirty (self, node);
    }

  self->cycles_dirty = TRUE;
  self->job_dirty = TRUE;
  self->all_dirty = TRUE;
}

static guint
port_index (GPtrArray  *ports,
            const char *name)
{
  for (guint i = 0; i < ports->len; i++)
    if (g_str_equal (((FlintPortSpec *) g_ptr_array_index (ports, i))->name, name))
      return i;

  return G_MAXUINT;
}

/* Sink targets {{{ */

static void
sink_index_remove (FlintValidator *self,
                   NodeState      *state)
{
  GPtrArray *members;

  if (state->sink_key == NULL)
    return;

  if ((members = g_hash_table_lookup (self->sinks, state->sink_key)) != NULL)
    {
      g_ptr_array_remove (members, state->node);
      if (members->len == 0)
        g_hash_table_remove (self->sinks, state->sink_key);
    }

  g_hash_table_add (self->keys_dirty, g_steal_pointer (&state->sink_key));
}

static void
sink_index_add (FlintValidator *self,
                NodeState      *state,
                char           *key)
{
  GPtrArray *members;

  state->sink_key = key;
  if (key == NULL)
    return;

  if ((members = g_hash_table_lookup (self->sinks, key)) == NULL)
    {
      members = g_ptr_array_new ();
      g_hash_table_insert (self->sinks, g_strdup (key), members);
    }
  g_ptr_array_add (members, state->node);
  g_hash_table_add (self->keys_dirty, g_strdup (key));
}

static char *
compute_sink_key (FlintValidator *self,
                  FlintNode      *node)
{
  const FlintNodeKind *kind = flint_node_get_kind (node);
  const char *path, *table;

  if (kind->category != FLINT_NODE_CATEGORY_SINK)
    return NULL;

  if ((path = flint_node_get_string (node, "path")) != NULL && *path != '\0')
    {
      g_autoptr(GString) key = g_string_new ("path:");

      g_string_append (key, path);
      while (key->len > 6 && key->str[key->len - 1] == '/')
        g_string_truncate (key, key->len - 1);
      return g_string_free (g_steal_pointer (&key), FALSE);
    }

  if ((table = flint_node_get_string (node, "table")) != NULL && *table != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (table, ".", -1);
      guint n = g_strv_length (parts);
      JsonNode *catalog = flint_pipeline_get_job_setting (self->pipeline, "catalog.name");
      JsonNode *schema = flint_pipeline_get_job_setting (self->pipeline, "catalog.schema");
      const char *catalog_name = catalog && JSON_NODE_HOLDS_VALUE (catalog) ? json_node_get_string (catalog) : NULL;
      const char *schema_name = schema && JSON_NODE_HOLDS_VALUE (schema) ? json_node_get_string (schema) : NULL;
      g_autofree char *full = NULL;

      /* A bare name means the job's default catalog and schema, as Unity Catalog resolves it. */
      if (n == 1)
        full = g_strdup_printf ("%s.%s.%s", catalog_name ? catalog_name : "", schema_name ? schema_name : "", table);
      else if (n == 2)
        full = g_strdup_printf ("%s.%s", catalog_name ? catalog_name : "", table);
      else
        full = g_strdup (table);

      return g_strconcat ("table:", g_utf8_strdown (full, -1), NULL);
    }

  if ((table = flint_node_get_string (node, "topic")) != NULL && *table != '\0')
    return NULL;  /* several writers to one topic are normal */

  return NULL;
}

/* }}} */

/* Cycles {{{ */

/* Tarjan's strongly connected components, iteratively, so that a chain of 100,000 nodes
 * does not exhaust the stack. Sets state->cycle on members of components larger than one. */
typedef struct
{
  FlintNode *node;
  guint      edge;
} Frame;

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static void
compute_cycles (FlintValidator *self)
{
  GListModel *nodes = flint_pipeline_get_nodes (self->pipeline);
  guint n = g_list_model_get_n_items (nodes);
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) lowlink = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) on_stack = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  g_autoptr(GHashTable) cyclic = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  guint counter = 1;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlintNode) root = g_list_model_get_item (nodes, i);
      Frame first = { root, 0 };

      if (g_hash_table_contains (index, root))
        continue;

      g_array_append_val (frames, first);
      g_hash_table_insert (index, root, GUINT_TO_POINTER (counter));
      g_hash_table_insert (lowlink, root, GUINT_TO_POINTER (counter));
      counter++;
      g_ptr_array_add (stack, root);
      g_hash_table_add (on_stack, root);

      while (frames->len > 0)
        {
          Frame *frame = &g_array_index (frames, Frame, frames->len - 1);
          GPtrArray *outs = flint_pipeline_get_node_outputs (self->pipeline, frame->node);

          if (frame->edge < outs->len)
            {
              FlintEdge *edge = g_ptr_array_index (outs, frame->edge++);
              FlintNode *next = flint_pipeline_lookup_node (self->pipeline, flint_edge_get_to_node (edge));

              if (!g_hash_table_contains (index, next))
                {
                  Frame f = { next, 0 };

                  g_hash_table_insert (index, next, GUINT_TO_POINTER (counter));
                  g_hash_table_insert (lowlink, next, GUINT_TO_POINTER (counter));
                  counter++;
                  g_ptr_array_add (stack, next);
                  g_hash_table_add (on_stack, next);
                  g_array_append_val (frames, f);
                }
              else if (g_hash_table_contains (on_stack, next))
                {
                  guint low = GPOINTER_TO_UINT (g_hash_table_lookup (lowlink, frame->node));
                  guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (index, next));

                  if (idx < low)
                    g_hash_table_insert (lowlink, frame->node, GUINT_TO_POINTER (idx));
                }
              continue;
            }

          {
            FlintNode *node = frame->node;
            guint low = GPOINTER_TO_UINT (g_hash_table_lookup (lowlink, node));
            guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (index, node));

            g_array_set_size (frames, frames->len - 1);

            if (frames->len > 0)
              {
                FlintNode *parent = g_array_index (frames, Frame, frames->len - 1).node;
                guint plow = GPOINTER_TO_UINT (g_hash_table_lookup (lowlink, parent));

                if (low < plow)
                  g_hash_table_insert (lowlink, parent, GUINT_TO_POINTER (low));
              }

            if (low == idx)
              {
                guint start = stack->len;

                do
                  start--;
                while (g_ptr_array_index (stack, start) != node);

                if (stack->len - start > 1)
                  {
                    g_autoptr(GPtrArray) ids = g_ptr_array_new ();

                    for (guint k = start; k < stack->len; k++)
                      g_ptr_array_add (ids, (gpointer) flint_node_get_id (g_ptr_array_index (stack, k)));
                    g_ptr_array_sort (ids, compare_strings);

                    for (guint k = start; k < stack->len; k++)
                      {
                        FlintNode *member = g_ptr_array_index (stack, k);
                        g_autoptr(GString) others = g_string_new (NULL);

                        for (guint m = 0; m < ids->len; m++)
                          {
                            const char *id = g_ptr_array_index (ids, m);

                            if (g_str_equal (id, flint_node_get_id (member)))
                              continue;
                            if (others->len > 0)
                              g_string_append (others, ", ");
                            g_string_append_printf (others, "'%s'", id);
                          }
                        g_hash_table_insert (cyclic, member, g_string_free (g_steal_pointer (&others), FALSE));
                      }
                  }

                for (guint k = start; k < stack->len; k++)
                  g_hash_table_remove (on_stack, g_ptr_array_index (stack, k));
                g_ptr_array_set_size (stack, start);
              }
          }
        }
    }

  /* Mark the nodes whose membership changed. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      NodeState *state = ensure_state (self, node);
      const char *cycle = g_hash_table_lookup (cyclic, node);

      if (g_strcmp0 (cycle, state->cycle) != 0)
        {
          g_free (state->cycle);
          state->cycle = g_strdup (cycle);
          mark_dirty (self, node);
        }
    }
}

/* }}} */

/* Job settings {{{ */

typedef enum
{
  SETTING_STRING,
  SETTING_INTEGER,
  SETTING_BOOLEAN,
  SETTING_MAP,       /* free-form map of scalars (conf) */
  SETTING_OBJECT,    /* a map with known keys */
  SETTING_LIST,      /* a list of strings */
  SETTING_ANY_MAP,   /* a map of names to values (preview.samples) */
  SETTING_SCALAR,
  SETTING_MEMORY,    /* a JVM memory size: 512m, 4g */
  SETTING_CRON,      /* five crontab fields or @daily and friends */
  SETTING_TIMEZONE,  /* an IANA time zone: UTC, Europe/Berlin */
  SETTING_TARGETS,   /* named targets, checked per kind */
  SETTING_ENVIRONMENTS, /* named sets of overrides, checked as job settings */
  SETTING_NOTIFY,    /* a list of webhook:ID or e-mail addresses */
  SETTING_SECRETS,   /* environment variable -> NAME/KEY reference */
  SETTING_POSITIVE,  /* a whole number >= 1 */
  SETTING_FRACTION,  /* a number above 0 and at most 1 */
} SettingType;

typedef struct
{
  const char  *path;
  SettingType  type;
  const char  *choices;  /* "|"-separated, for strings */
} SettingSpec;

/* The job: section of DESIGN.md. What an export needs on top of these (an image for the
 * chosen Kubernetes target once environments are applied) is checked by the export. */
static const SettingSpec job_settings[] = {
  { "mode", SETTING_STRING, "batch|streaming" },
  { "spark_version", SETTING_STRING, NULL },
  { "image", SETTING_STRING, NULL },
  { "driver", SETTING_OBJECT, NULL },
  { "driver.cores", SETTING_POSITIVE, NULL },
  { "driver.memory", SETTING_MEMORY, NULL },
  { "driver.memory_overhead", SETTING_MEMORY, NULL },
  { "executor", SETTING_OBJECT, NULL },
  { "executor.instances", SETTING_POSITIVE, NULL },
  { "executor.cores", SETTING_POSITIVE, NULL },
  { "executor.memory", SETTING_MEMORY, NULL },
  { "executor.memory_overhead", SETTING_MEMORY, NULL },
  { "dynamic_allocation", SETTING_OBJECT, NULL },
  { "dynamic_allocation.enabled", SETTING_BOOLEAN, NULL },
  { "dynamic_allocation.min", SETTING_INTEGER, NULL },
  { "dynamic_allocation.max", SETTING_POSITIVE, NULL },
  { "optimizations", SETTING_STRING, "auto|none" },
  { "conf", SETTING_MAP, NULL },
  { "dependencies", SETTING_OBJECT, NULL },
  { "dependencies.jars", SETTING_LIST, NULL },
  { "dependencies.packages", SETTING_LIST, NULL },
  { "dependencies.py_files", SETTING_LIST, NULL },
  { "catalog", SETTING_OBJECT, NULL },
  { "catalog.name", SETTING_STRING, NULL },
  { "catalog.schema", SETTING_STRING, NULL },
  { "schedule", SETTING_OBJECT, NULL },
  { "schedule.cron", SETTING_CRON, NULL },
  { "schedule.timezone", SETTING_TIMEZONE, NULL },
  { "retries", SETTING_INTEGER, NULL },
  { "retry_backoff_seconds", SETTING_POSITIVE, NULL },
  { "timeout_minutes", SETTING_POSITIVE, NULL },
  { "notifications", SETTING_OBJECT, NULL },
  { "notifications.on_start", SETTING_NOTIFY, NULL },
  { "notifications.on_success", SETTING_NOTIFY, NULL },
  { "notifications.on_failure", SETTING_NOTIFY, NULL },
  { "secrets", SETTING_SECRETS, NULL },
  /* The designer's preview: rows per source, or a seeded random fraction of each; test
   * rows per source id replace the source (runtime/flint-preview.h). */
  { "preview", SETTING_OBJECT, NULL },
  { "preview.rows", SETTING_POSITIVE, NULL },
  { "preview.fraction", SETTING_FRACTION, NULL },
  { "preview.seed", SETTING_INTEGER, NULL },
  { "preview.samples", SETTING_ANY_MAP, NULL },
  { "targets", SETTING_TARGETS, NULL },
  { "environments", SETTING_ENVIRONMENTS, NULL },
};

/* What each target kind takes, besides kind. */
typedef struct
{
  const char  *kind;
  const char  *key;
  SettingType  type;
  const char  *choices;
} TargetKeySpec;

static const TargetKeySpec target_keys[] = {
  { "local", "master", SETTING_STRING, NULL },
  { "kubernetes", "context", SETTING_STRING, NULL },
  { "kubernetes", "namespace", SETTING_STRING, NULL },
  { "kubernetes", "image", SETTING_STRING, NULL },
  { "kubernetes", "image_pull_policy", SETTING_STRING, "Always|IfNotPresent|Never" },
  { "kubernetes", "service_account", SETTING_STRING, NULL },
  { "kubernetes", "ttl_seconds", SETTING_POSITIVE, NULL },
  { "databricks", "profile", SETTING_STRING, NULL },
  { "databricks", "host", SETTING_STRING, NULL },
  { "databricks", "runtime", SETTING_STRING, NULL },
  { "databricks", "node_type", SETTING_STRING, NULL },
  { "databricks", "workers", SETTING_INTEGER, NULL },
  { "databricks", "cluster_id", SETTING_STRING, NULL },
  { "databricks", "workspace_path", SETTING_STRING, NULL },
  { "spark_connect", "url", SETTING_STRING, NULL },
};

#define TARGET_KINDS "local|kubernetes|databricks|spark_connect"

static const SettingSpec *
lookup_setting (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (job_settings); i++)
    if (g_str_equal (job_settings[i].path, path))
      return &job_settings[i];
  return NULL;
}

static void
add_global (FlintValidator *self,
            const char     *code,
            const char     *param,
            const char     *hint,
            const char     *message)
{
  g_ptr_array_add (self->global,
                   flint_diagnostic_new (FLINT_SEVERITY_ERROR, code, NULL, param, message, hint));
}

static char *
suggest_among (const char *const *names,
               guint              n_names,
               const char        *name);

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
holds_string (JsonNode *value)
{
  return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING;
}

static gboolean
holds_integer (JsonNode *value)
{
  return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64;
}

/* A JVM memory string as spark.driver.memory documents it: digits and one of k, m, g, t
 * (either case). "4gb" or "4 GiB" reach the JVM as -Xmx and stop the driver. */
static gboolean
memory_size_valid (const char *text)
{
  const char *p = text;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;

  return p[0] != '\0' && strchr ("kKmMgGtT", p[0]) != NULL && p[1] == '\0';
}

/* The Spark spelling of a size users often write otherwise ("4gb", "4 GB", "4GiB"). */
static char *
memory_size_suggestion (const char *text)
{
  g_autofree char *squeezed = g_strdup (text);
  char *p;

  g_strdelimit (squeezed, " ", ' ');
  p = squeezed;
  for (char *q = squeezed; *q; q++)
    if (*q != ' ')
      *p++ = g_ascii_tolower (*q);
  *p = '\0';

  p = squeezed;
  if (!g_ascii_isdigit (*p))
    return NULL;
  while (g_ascii_isdigit (*p))
    p++;
  if (strchr ("kmgt", *p) != NULL && *p != '\0' &&
      (g_str_equal (p + 1, "b") || g_str_equal (p + 1, "ib")))
    {
      p[1] = '\0';
      return g_strdup_printf (_("write %s"), squeezed);
    }

  return NULL;
}

static const char *const month_names[] = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                           "JUL", "AUG", "SEP", "OCT", "NOV", "DEC" };
static const char *const day_names[] = { "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT" };

/* One value of a cron field: a number in range or, for months and days, a name. */
static gboolean
cron_value (const char  *text,
            gsize        len,
            guint        min,
            guint        max,
            const char  *const *names,
            guint        n_names,
            guint       *value)
{
  guint64 v = 0;

  if (len == 0)
    return FALSE;

  if (g_ascii_isdigit (text[0]))
    {
      for (gsize i = 0; i < len; i++)
        {
          if (!g_ascii_isdigit (text[i]) || v > 1000)
            return FALSE;
          v = v * 10 + (text[i] - '0');
        }
      *value = (guint) v;
      return v >= min && v <= max;
    }

  for (guint i = 0; names != NULL && i < n_names; i++)
    if (len == 3 && g_ascii_strncasecmp (text, names[i], 3) == 0)
      {
        *value = i + min;
        return TRUE;
      }

  return FALSE;
}

/* A crontab field: *, values, ranges and steps, comma-separated. */
static gboolean
cron_field_valid (const char         *field,
                  guint               min,
                  guint               max,
                  const char *const  *names,
                  guint               n_names)
{
  g_auto(GStrv) items = g_strsplit (field, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = items[i];
      const char *slash = strchr (item, '/');
      const char *dash;
      gsize range_len = slash ? (gsize) (slash - item) : strlen (item);
      guint a, b, step;

      if (slash != NULL && !cron_value (slash + 1, strlen (slash + 1), 1, max, NULL, 0, &step))
        return FALSE;

      if (range_len == 1 && item[0] == '*')
        continue;

      dash = memchr (item, '-', range_len);
      if (dash == NULL)
        {
          if (!cron_value (item, range_len, min, max, names, n_names, &a))
            return FALSE;
          continue;
        }

      if (!cron_value (item, dash - item, min, max, names, n_names, &a) ||
          !cron_value (dash + 1, range_len - (dash + 1 - item), min, max, names, n_names, &b) ||
          a > b)
        return FALSE;
    }

  return items[0] != NULL;
}

/* Standard five-field cron (what the spark-operator and crontab read; the Databricks
 * export turns it into Quartz), or one of the @ shorthands both understand. Returns the
 * name of the bad field, or NULL when the expression is valid. */
static const char *
cron_problem (const char *text)
{
  static const char *const shorthands[] = { "@yearly", "@annually", "@monthly", "@weekly",
                                            "@daily", "@midnight", "@hourly" };
  static const char *const field_names[] = { N_("minute"), N_("hour"), N_("day of month"),
                                             N_("month"), N_("day of week") };
  static const guint mins[] = { 0, 0, 1, 1, 0 };
  static const guint maxs[] = { 59, 23, 31, 12, 7 };
  g_auto(GStrv) fields = NULL;
  guint n = 0;

  if (text[0] == '@')
    {
      for (guint i = 0; i < G_N_ELEMENTS (shorthands); i++)
        if (g_str_equal (text, shorthands[i]))
          return NULL;
      return N_("unknown @ shorthand");
    }

  fields = g_strsplit_set (text, " \t", -1);
  for (guint i = 0; fields[i] != NULL; i++)
    if (fields[i][0] != '\0')
      {
        if (n < 5)
          {
            const char *const *names = n == 3 ? month_names : (n == 4 ? day_names : NULL);

            if (!cron_field_valid (fields[i], mins[n], maxs[n], names, n == 3 ? 12 : 7))
              return field_names[n];
          }
        n++;
      }

  if (n != 5)
    return N_("number of fields");

  return NULL;
}

static void
check_target (FlintValidator *self,
              const char     *name,
              JsonNode       *target,
              const char     *base)
{
  g_autofree char *param = g_strdup_printf ("job.%stargets.%s", base, name);
  g_autoptr(GList) members = NULL;
  const char *kind;

  if (!JSON_NODE_HOLDS_OBJECT (target))
    {
      g_autofree char *message = g_strdup_printf (_("target '%s' must be a map with a kind"), name);
      add_global (self, "invalid-setting", param, NULL, message);
      return;
    }

  {
    JsonNode *kind_node = json_object_get_member (json_node_get_object (target), "kind");
    g_autofree char *kind_param = g_strconcat (param, ".kind", NULL);

    /* An environment may override part of a target the job defines: its kind is the job's. */
    if (kind_node == NULL && *base != '\0')
      {
        JsonObject *targets = object_member (flint_pipeline_get_job (self->pipeline), "targets");
        JsonObject *defined = targets ? object_member (targets, name) : NULL;

        kind_node = defined ? json_object_get_member (defined, "kind") : NULL;
      }

    if (kind_node == NULL || !holds_string (kind_node))
      {
        g_autofree char *message = g_strdup_printf (_("target '%s' needs a kind: one of %s"), name, TARGET_KINDS);
        add_global (self, "invalid-setting", kind_param, NULL, message);
        return;
      }

    kind = json_node_get_string (kind_node);
    if (!g_strv_contains ((const char * const[]) { "local", "kubernetes", "databricks", "spark_connect", NULL }, kind))
      {
        static const char *const kinds[] = { "local", "kubernetes", "databricks", "spark_connect" };
        g_autofree char *message = g_strdup_printf (_("target '%s' has an unknown kind '%s': use one of %s"),
                                                    name, kind, TARGET_KINDS);
        g_autofree char *hint = suggest_among (kinds, G_N_ELEMENTS (kinds), kind);

        add_global (self, "invalid-setting", kind_param, hint, message);
        return;
      }
  }

  members = json_object_get_members (json_node_get_object (target));
  for (const GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      JsonNode *value = json_object_get_member (json_node_get_object (target), key);
      g_autofree char *key_param = g_strconcat (param, ".", key, NULL);
      const TargetKeySpec *spec = NULL;
      gboolean ok = TRUE;

      if (g_str_equal (key, "kind"))
        continue;

      for (guint i = 0; i < G_N_ELEMENTS (target_keys); i++)
        if (g_str_equal (target_keys[i].kind, kind) && g_str_equal (target_keys[i].key, key))
          spec = &target_keys[i];

      if (spec == NULL)
        {
          g_autoptr(GPtrArray) names = g_ptr_array_new ();
          g_autofree char *hint = NULL;
          g_autofree char *message = NULL;

          for (guint i = 0; i < G_N_ELEMENTS (target_keys); i++)
            if (g_str_equal (target_keys[i].kind, kind))
              g_ptr_array_add (names, (gpointer) target_keys[i].key);
          hint = suggest_among ((const char * const *) names->pdata, names->len, key);
          message = g_strdup_printf (_("unknown setting '%s' for a %s target"), key, kind);
          add_global (self, "unknown-setting", key_param, hint, message);
          continue;
        }

      if (spec->type == SETTING_STRING)
        ok = holds_string (value) && *json_node_get_string (value) != '\0';
      else if (spec->type == SETTING_POSITIVE)
        ok = holds_integer (value) && json_node_get_int (value) >= 1;
      else
        ok = holds_integer (value) && json_node_get_int (value) >= 0;

      if (!ok)
        {
          g_autofree char *message = g_strdup_printf (_("target setting '%s' must be %s"), key,
                                                      spec->type == SETTING_STRING ? _("text")
                                                      : spec->type == SETTING_POSITIVE ? _("a whole number ≥ 1")
                                                      : _("a whole number ≥ 0"));
          add_global (self, "invalid-setting", key_param, NULL, message);
          continue;
        }

      if (spec->choices != NULL)
        {
          g_auto(GStrv) choices = g_strsplit (spec->choices, "|", -1);

          if (!g_strv_contains ((const char * const *) choices, json_node_get_string (value)))
            {
              g_autofree char *message = g_strdup_printf (_("target setting '%s' must be one of: %s"),
                                                          key, spec->choices);
              add_global (self, "invalid-setting", key_param, NULL, message);
            }
        }
      else if (g_str_equal (key, "namespace") &&
               !g_regex_match_simple ("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", json_node_get_string (value), 0, 0))
        {
          g_autofree char *message = g_strdup_printf (_("namespace '%s' is not a Kubernetes name (lower-case letters, digits and '-')"),
                                                      json_node_get_string (value));
          add_global (self, "invalid-setting", key_param, NULL, message);
        }
      else if (g_str_equal (key, "url") && !g_str_has_prefix (json_node_get_string (value), "sc://"))
        {
          add_global (self, "invalid-setting", key_param, NULL,
                      _("a Spark Connect url starts with sc:// (sc://host:15002)"));
        }
      else if (g_str_equal (key, "workspace_path") && json_node_get_string (value)[0] != '/')
        {
          add_global (self, "invalid-setting", key_param, NULL,
                      _("workspace_path must be an absolute workspace path (/Workspace/…)"));
        }
    }
}

static void check_job_object (FlintValidator *self,
                              JsonObject     *object,
                              const char     *prefix,
                              const char     *base);

/* A setting's value against its type; FALSE when the type itself is wrong. */
static gboolean
check_job_value (FlintValidator    *self,
                 const SettingSpec *spec,
                 const char        *path,
                 const char        *param,
                 JsonNode          *value,
                 const char        *base)
{
  switch (spec->type)
    {
    case SETTING_STRING:
      if (!holds_string (value))
        return FALSE;
      if (spec->choices != NULL)
        {
          g_auto(GStrv) choices = g_strsplit (spec->choices, "|", -1);

          if (!g_strv_contains ((const char * const *) choices, json_node_get_string (value)))
            {
              g_autofree char *message = g_strdup_printf (_("job setting '%s' must be one of: %s"),
                                                          path, spec->choices);
              add_global (self, "invalid-setting", param, NULL, message);
            }
        }
      return TRUE;

    case SETTING_INTEGER:
      return holds_integer (value) && json_node_get_int (value) >= 0;

    case SETTING_POSITIVE:
      if (!holds_integer (value))
        return FALSE;
      if (json_node_get_int (value) < 1)
        {
          g_autofree char *message = g_strdup_printf (_("job setting '%s' must be at least 1"), path);
          add_global (self, "invalid-setting", param, NULL, message);
        }
      return TRUE;

    case SETTING_BOOLEAN:
      return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN;

    case SETTING_FRACTION:
      if (!JSON_NODE_HOLDS_VALUE (value) ||
          (json_node_get_value_type (value) != G_TYPE_DOUBLE && json_node_get_value_type (value) != G_TYPE_INT64))
        return FALSE;
      {
        double fraction = json_node_get_value_type (value) == G_TYPE_DOUBLE ? json_node_get_double (value)
                                                                          : (double) json_node_get_int (value);
        return fraction > 0 && fraction <= 1;
      }

    case SETTING_SCALAR:
      return JSON_NODE_HOLDS_VALUE (value);

    case SETTING_MAP:
      if (!JSON_NODE_HOLDS_OBJECT (value))
        return FALSE;
      {
        g_autoptr(GList) keys = json_object_get_members (json_node_get_object (value));

        for (const GList *l = keys; l; l = l->next)
          if (!JSON_NODE_HOLDS_VALUE (json_object_get_member (json_node_get_object (value), l->data)))
            {
              g_autofree char *key_param = g_strconcat (param, ".", (const char *) l->data, NULL);
              g_autofree char *message = g_strdup_printf (_("the value of '%s' must be text, a number or true/false"),
                                                          (const char *) l->data);
              add_global (self, "invalid-setting", key_param, NULL, message);
            }
      }
      return TRUE;

    case SETTING_ANY_MAP:
      if (!JSON_NODE_HOLDS_OBJECT (value))
        return FALSE;
      if (g_str_equal (spec->path, "preview.samples"))
        {
          g_autoptr(GList) names = json_object_get_members (json_node_get_object (value));

          /* Test rows per source: a typo would leave the source reading real data. */
          for (const GList *l = names; l; l = l->next)
            {
              JsonNode *rows = json_object_get_member (json_node_get_object (value), l->data);
              FlintNode *node = flint_pipeline_lookup_node (self->pipeline, l->data);
              g_autofree char *key_param = g_strconcat (param, ".", (const char *) l->data, NULL);
              g_autofree char *message = NULL;

              if (node == NULL || flint_node_get_kind (node)->category != FLINT_NODE_CATEGORY_SOURCE)
                message = g_strdup_printf (_("preview samples are for sources, and '%s' is not a source"),
                                           (const char *) l->data);
              else if (!JSON_NODE_HOLDS_ARRAY (rows))
                message = g_strdup_printf (_("the preview samples of '%s' must be a list of rows"),
                                           (const char *) l->data);
              else
                {
                  JsonArray *array = json_node_get_array (rows);

                  for (guint i = 0; i < json_array_get_length (array) && message == NULL; i++)
                    if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, i)))
                      message = g_strdup_printf (_("row %u of the preview samples of '%s' must be a map of column to value"),
                                                 i + 1, (const char *) l->data);
                }
              if (message != NULL)
                add_global (self, "invalid-setting", key_param, NULL, message);
            }
        }
      return TRUE;

    case SETTING_OBJECT:
      if (!JSON_NODE_HOLDS_OBJECT (value))
        return FALSE;
      check_job_object (self, json_node_get_object (value), spec->path, base);
      return TRUE;

    case SETTING_LIST:
      return JSON_NODE_HOLDS_ARRAY (value);

    case SETTING_MEMORY:
      if (!holds_string (value))
        return FALSE;
      if (!memory_size_valid (json_node_get_string (value)))
        {
          g_autofree char *message = g_strdup_printf (_("job setting '%s' is '%s', which Spark does not read as a memory size: use a number and k, m, g or t (512m, 4g)"),
                                                      path, json_node_get_string (value));
          g_autofree char *hint = memory_size_suggestion (json_node_get_string (value));

          add_global (self, "invalid-setting", param, hint, message);
        }
      return TRUE;

    case SETTING_CRON:
      if (!holds_string (value))
        return FALSE;
      {
        const char *problem = cron_problem (json_node_get_string (value));

        if (problem != NULL)
          {
            g_autofree char *message = g_strdup_printf (_("job setting '%s' is not a valid cron expression (%s): write five fields, minute hour day-of-month month day-of-week, as in \"0 2 * * *\""),
                                                        path, _(problem));
            add_global (self, "invalid-setting", param, NULL, message);
          }
      }
      return TRUE;

    case SETTING_TIMEZONE:
      if (!holds_string (value))
        return FALSE;
      {
        const char *zone = json_node_get_string (value);
        GTimeZone *tz = NULL;

        /* Offsets like "+02:00" are what GLib accepts but schedulers do not: IANA names only. */
        if (g_regex_match_simple ("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", zone, 0, 0))
          tz = g_time_zone_new_identifier (zone);
        if (tz == NULL)
          {
            g_autofree char *message = g_strdup_printf (_("job setting '%s': '%s' is not a known time zone (use an IANA name such as UTC or Europe/Berlin)"),
                                                        path, zone);
            add_global (self, "invalid-setting", param, NULL, message);
          }
        g_clear_pointer (&tz, g_time_zone_unref);
      }
      return TRUE;

    case SETTING_NOTIFY:
      if (!JSON_NODE_HOLDS_ARRAY (value))
        return FALSE;
      for (guint i = 0; i < json_array_get_length (json_node_get_array (value)); i++)
        {
          JsonNode *item = json_array_get_element (json_node_get_array (value), i);
          const char *text = holds_string (item) ? json_node_get_string (item) : "";
          gboolean good;

          if (g_str_has_prefix (text, "webhook:"))
            good = text[8] != '\0';
          else
            good = g_regex_match_simple ("^(email:)?[^@\\s:]+@[^@\\s]+\\.[^@\\s]+$", text, 0, 0);
          if (!good)
            {
              g_autofree char *message = g_strdup_printf (_("job setting '%s' has '%s': use webhook:DESTINATION or an e-mail address"),
                                                          path, text);
              add_global (self, "invalid-setting", param, NULL, message);
            }
        }
      return TRUE;

    case SETTING_SECRETS:
      if (!JSON_NODE_HOLDS_OBJECT (value))
        return FALSE;
      {
        g_autoptr(GList) keys = json_object_get_members (json_node_get_object (value));

        for (const GList *l = keys; l; l = l->next)
          {
            JsonNode *ref = json_object_get_member (json_node_get_object (value), l->data);
            g_autofree char *key_param = g_strconcat (param, ".", (const char *) l->data, NULL);

            if (!g_regex_match_simple ("^[A-Za-z_][A-Za-z0-9_]*$", l->data, 0, 0))
              {
                g_autofree char *message = g_strdup_printf (_("secret '%s' must be named like an environment variable"),
                                                            (const char *) l->data);
                add_global (self, "invalid-setting", key_param, NULL, message);
              }
            else if (!holds_string (ref) ||
                     !g_regex_match_simple ("^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$", json_node_get_string (ref), 0, 0))
              {
                g_autofree char *message = g_strdup_printf (_("secret '%s' must be a reference NAME/KEY (a Kubernetes secret and key, a Databricks scope and key), never the value"),
                                                            (const char *) l->data);
                add_global (self, "invalid-setting", key_param, NULL, message);
              }
          }
      }
      return TRUE;

    case SETTING_TARGETS:
      if (!JSON_NODE_HOLDS_OBJECT (value))
        return FALSE;
      {
        g_autoptr(GList) names = json_object_get_members (json_node_get_object (value));

        for (const GList *l = names; l; l = l->next)
          check_target (self, l->data, json_object_get_member (json_node_get_object (value), l->data), base);
      }
      return TRUE;

    case SETTING_ENVIRONMENTS:
      if (!JSON_NODE_HOLDS_OBJECT (value))
        return FALSE;
      if (*base != '\0')
        {
          add_global (self, "invalid-setting", param, NULL, _("an environment cannot hold environments"));
          return TRUE;
        }
      {
        g_autoptr(GList) names = json_object_get_members (json_node_get_object (value));

        for (const GList *l = names; l; l = l->next)
          {
            JsonNode *env = json_object_get_member (json_node_get_object (value), l->data);
            g_autofree char *env_base = g_strdup_printf ("environments.%s.", (const char *) l->data);

            if (!JSON_NODE_HOLDS_OBJECT (env))
              {
                g_autofree char *env_param = g_strconcat ("job.", env_base, NULL);
                g_autofree char *message = g_strdup_printf (_("environment '%s' must be a map of job settings"),
                                                            (const char *) l->data);

                env_param[strlen (env_param) - 1] = '\0';
                add_global (self, "invalid-setting", env_param, NULL, message);
                continue;
              }
            check_job_object (self, json_node_get_object (env), NULL, env_base);
          }
      }
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

/* @prefix is the setting's path in the table; @base where the object sits in the job
 * ("" at the top, "environments.prod." inside an environment), for the names in messages. */
static void
check_job_object (FlintValidator *self,
                  JsonObject     *object,
                  const char     *prefix,
                  const char     *base)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      JsonNode *value = json_object_get_member (object, key);
      g_autofree char *path = prefix ? g_strconcat (prefix, ".", key, NULL) : g_strdup (key);
      g_autofree char *shown = g_strconcat (base, path, NULL);
      g_autofree char *param = g_strconcat ("job.", shown, NULL);
      const SettingSpec *spec = lookup_setting (path);

      if (spec == NULL)
        {
          g_autoptr(GPtrArray) names = g_ptr_array_new ();
          g_autofree char *message = NULL;
          g_autofree char *hint = NULL;
          guint plen = prefix ? strlen (prefix) : 0;

          for (guint i = 0; i < G_N_ELEMENTS (job_settings); i++)
            {
              const char *p = job_settings[i].path;

              if (prefix == NULL ? strchr (p, '.') == NULL
                                 : (g_str_has_prefix (p, prefix) && p[plen] == '.' && strchr (p + plen + 1, '.') == NULL))
                g_ptr_array_add (names, (gpointer) (prefix ? p + plen + 1 : p));
            }
          hint = suggest_among ((const char * const *) names->pdata, names->len, key);
          message = g_strdup_printf (_("unknown job setting '%s'"), shown);
          add_global (self, "unknown-setting", param, hint, message);
          continue;
        }

      if (!check_job_value (self, spec, shown, param, value, base))
        {
          static const char *type_names[] = { N_("text"), N_("a whole number ≥ 0"), N_("true or false"),
                                              N_("a map"), N_("a map"), N_("a list"), N_("a map"),
                                              N_("a value"), N_("a memory size such as 4g"),
                                              N_("a cron expression"), N_("a time zone name"),
                                              N_("a map of named targets"), N_("a map of named environments"),
                                              N_("a list of webhook:DESTINATION or e-mail addresses"),
                                              N_("a map of environment variables to NAME/KEY references"),
                                              N_("a whole number ≥ 1"),
                                              N_("a number above 0 and at most 1") };
          g_autofree char *message = g_strdup_printf (_("job setting '%s' must be %s"),
                                                      shown, _(type_names[spec->type]));
          add_global (self, "invalid-setting", param, NULL, message);
        }
    }

  /* Across settings: a range that cannot hold, and a Kubernetes target with no image. */
  if (prefix == NULL)
    {
      JsonObject *dyn = object_member (object, "dynamic_allocation");
      JsonNode *min = dyn ? json_object_get_member (dyn, "min") : NULL;
      JsonNode *max = dyn ? json_object_get_member (dyn, "max") : NULL;

      if (min && max && holds_integer (min) && holds_integer (max) && json_node_get_int (min) > json_node_get_int (max))
        {
          g_autofree char *param = g_strdup_printf ("job.%sdynamic_allocation.min", base);
          /* The numbers are formatted apart: xgettext stops at G_GINT64_FORMAT inside _(). */
          g_autofree char *min_text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (min));
          g_autofree char *max_text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (max));
          g_autofree char *message = g_strdup_printf (_("dynamic allocation min (%s) is above its max (%s)"),
                                                      min_text, max_text);
          add_global (self, "invalid-setting", param, NULL, message);
        }
    }

  if (prefix == NULL && *base == '\0')
    {
      JsonObject *targets = object_member (object, "targets");
      JsonObject *envs = object_member (object, "environments");
      g_autoptr(GList) names = targets ? json_object_get_members (targets) : NULL;

      for (const GList *l = names; l; l = l->next)
        {
          JsonNode *target = json_object_get_member (targets, l->data);
          JsonObject *t = JSON_NODE_HOLDS_OBJECT (target) ? json_node_get_object (target) : NULL;
          gboolean has_image;

          if (t == NULL || g_strcmp0 (json_object_get_string_member_with_default (t, "kind", ""), "kubernetes") != 0)
            continue;

          has_image = json_object_has_member (t, "image") || json_object_has_member (object, "image");
          /* An environment may supply it; the export checks the environment it is given. */
          if (!has_image && envs != NULL)
            {
              g_autoptr(GList) env_names = json_object_get_members (envs);

              for (const GList *e = env_names; e && !has_image; e = e->next)
                {
                  JsonNode *env = json_object_get_member (envs, e->data);
                  JsonObject *eo = JSON_NODE_HOLDS_OBJECT (env) ? json_node_get_object (env) : NULL;
                  JsonObject *et = eo ? object_member (eo, "targets") : NULL;
                  JsonNode *etn = et ? json_object_get_member (et, l->data) : NULL;

                  has_image = (eo && json_object_has_member (eo, "image")) ||
                              (etn && JSON_NODE_HOLDS_OBJECT (etn) && json_object_has_member (json_node_get_object (etn), "image"));
                }
            }

          if (!has_image)
            {
              g_autofree char *param = g_strdup_printf ("job.targets.%s.image", (const char *) l->data);
              g_autofree char *message = g_strdup_printf (_("Kubernetes target '%s' has no container image"),
                                                          (const char *) l->data);

              add_global (self, "missing-setting", param,
                          _("set image on the target or the job, such as apache/spark:4.0.1"), message);
            }
        }
    }
}

/* }}} */

/* Generic parameter checks {{{ */

/* "did you mean 'x'?" for the closest of @names, or NULL. */
static char *
suggest_among (const char *const *names,
               guint              n_names,
               const char        *name)
{
  const char *best = flint_suggest_closest (names, n_names, name);

  return best ? g_strdup_printf (_("did you mean '%s'?"), best) : NULL;
}

static char *
suggest_columns (FlintSchema *schema,
                 const char  *name)
{
  g_auto(GStrv) suggestions = NULL;

  if (schema == NULL)
    return NULL;

  suggestions = flint_schema_suggest (schema, name, 1);
  if (suggestions == NULL || suggestions[0] == NULL)
    {
      if (flint_schema_get_n_columns (schema) > 0 && flint_schema_get_n_columns (schema) <= 8)
        {
          g_autofree char *text = flint_schema_to_string (schema);
          return g_strdup_printf (_("the input has: %s"), text);
        }
      return NULL;
    }

  return g_strdup_printf (_("did you mean '%s'?"), suggestions[0]);
}

static void
ctx_report (FlintRuleContext *ctx,
            FlintSeverity     severity,
            const char       *code,
            const char       *param,
            const char       *hint,
            const char       *message)
{
  g_ptr_array_add (ctx->diagnostics,
                   flint_diagnostic_new (severity, code, flint_node_get_id (ctx->node),
                                         param, message, hint));
}

static gboolean
is_string (JsonNode *value)
{
  return value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING;
}

static gboolean
is_blank (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TRUE;
  if (is_string (value))
    {
      const char *s = json_node_get_string (value);

      while (*s && g_ascii_isspace (*s))
        s++;
      return *s == '\0';
    }
  if (JSON_NODE_HOLDS_ARRAY (value))
    return json_array_get_length (json_node_get_array (value)) == 0;
  if (JSON_NODE_HOLDS_OBJECT (value))
    return json_object_get_size (json_node_get_object (value)) == 0;
  return FALSE;
}

static gboolean
is_number (JsonNode *value)
{
  GType type;

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return FALSE;
  type = json_node_get_value_type (value);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
interval_is_valid (const char *text)
{
  static const char *units[] = { "microsecond", "millisecond", "second", "minute", "hour", "day", "week",
                                 "us", "ms", "s", "sec", "min", "h" };
  g_auto(GStrv) words = g_strsplit_set (text, " \t", -1);
  guint n = 0;

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      words[n++] = words[i];
  words[n] = NULL;

  if (n == 0 || n % 2 != 0)
    return FALSE;

  for (guint i = 0; i < n; i += 2)
    {
      char *end = NULL;
      gboolean found = FALSE;
      g_autofree char *unit = g_ascii_strdown (words[i + 1], -1);
      gsize len = strlen (unit);

      g_ascii_strtod (words[i], &end);
      if (end == words[i] || *end != '\0')
        return FALSE;

      if (len > 1 && unit[len - 1] == 's' && !g_str_equal (unit, "ms") && !g_str_equal (unit, "us"))
        unit[len - 1] = '\0';

      for (guint u = 0; u < G_N_ELEMENTS (units); u++)
        found |= g_str_equal (units[u], unit);
      if (!found)
        return FALSE;
    }

  return TRUE;
}

static gboolean
table_name_is_valid (const char *text)
{
  guint parts = 0;
  const char *p = text;

  while (*p)
    {
      if (*p == '`')
        {
          p++;
          while (*p && !(*p == '`' && p[1] != '`'))
            p += (*p == '`') ? 2 : 1;
          if (*p != '`')
            return FALSE;
          p++;
        }
      else
        {
          const char *start = p;

          while (*p && (g_ascii_isalnum (*p) || *p == '_' || *p == '-' || (guchar) *p >= 0x80))
            p++;
          if (p == start)
            return FALSE;
        }
      parts++;
      if (*p == '.')
        {
          p++;
          if (*p == '\0')
            return FALSE;
        }
      else if (*p != '\0')
        return FALSE;
    }

  return parts >= 1 && parts <= 3;
}

static gboolean
secret_is_reference (const char *text)
{
  /* {{secrets/scope/key}} (Databricks), k8s:secret/key, env:NAME, keyring:name */
  if (g_str_has_prefix (text, "{{secrets/") && g_str_has_suffix (text, "}}"))
    return TRUE;
  return g_str_has_prefix (text, "k8s:") || g_str_has_prefix (text, "env:") ||
         g_str_has_prefix (text, "keyring:");
}

static const char *
param_type_expectation (FlintParamType type)
{
  switch (type)
    {
    case FLINT_PARAM_INTEGER:
      return _("a whole number");
    case FLINT_PARAM_NUMBER:
      return _("a number");
    case FLINT_PARAM_BOOLEAN:
      return _("true or false");
    case FLINT_PARAM_COLUMNS:
      return _("a list of column names");
    case FLINT_PARAM_MAP:
      return _("a map of names to values");
    case FLINT_PARAM_LIST:
      return _("a list");
    case FLINT_PARAM_STRING:
    case FLINT_PARAM_TEXT:
    case FLINT_PARAM_EXPRESSION:
    case FLINT_PARAM_CONDITION:
    case FLINT_PARAM_ENUM:
    case FLINT_PARAM_COLUMN:
    case FLINT_PARAM_PATH:
    case FLINT_PARAM_TABLE:
    case FLINT_PARAM_TYPE:
    case FLINT_PARAM_INTERVAL:
    case FLINT_PARAM_SQL:
    case FLINT_PARAM_CODE:
    case FLINT_PARAM_SECRET:
    default:
      return _("text");
    }
}

/* Parameter paths ("params.columns.0.expr") are built for every parameter of every node
 * a pass validates: on the stack, unless one is unusually long. */
typedef struct
{
  char  stack[128];
  char *heap;
} PathBuf;

static void
path_buf_clear (PathBuf *buf)
{
  g_clear_pointer (&buf->heap, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PathBuf, path_buf_clear)

/* @a @b @c joined, valid as long as @buf. */
static const char *
path_build (PathBuf    *buf,
            const char *a,
            const char *b,
            const char *c)
{
  gsize la = strlen (a), lb = strlen (b), lc = strlen (c);
  char *out = buf->stack;

  if (la + lb + lc + 1 > sizeof buf->stack)
    out = buf->heap = g_malloc (la + lb + lc + 1);
  memcpy (out, a, la);
  memcpy (out + la, b, lb);
  memcpy (out + la + lb, c, lc);
  out[la + lb + lc] = '\0';
  return out;
}

static const char *
path_build_index (PathBuf    *buf,
                  const char *base,
                  guint       index)
{
  char digits[16];

  g_snprintf (digits, sizeof digits, "%u", index);
  return path_build (buf, base, ".", digits);
}

static FlintSchema *
schema_for_port (FlintRuleContext *ctx,
                 const char       *port)
{
  return flint_rule_context_get_input_schema (ctx, port);
}

static void check_value (FlintRuleContext     *ctx,
                         const FlintParamSpec *spec,
                         JsonNode             *value,
                         const char           *path,
                         gboolean              check_columns);

static void
check_scalar_item (FlintRuleContext     *ctx,
                   const FlintParamSpec *spec,
                   FlintParamType        type,
                   JsonNode             *value,
                   const char           *path,
                   gboolean              check_columns)
{
  FlintParamSpec item = *spec;

  item.type = type;
  item.fields = NULL;
  item.choices = NULL;
  item.has_minimum = item.has_maximum = FALSE;
  check_value (ctx, &item, value, path, check_columns);
}

static void
check_value (FlintRuleContext     *ctx,
             const FlintParamSpec *spec,
             JsonNode             *value,
             const char           *path,
             gboolean              check_columns)
{
  g_autofree char *message = NULL;
  gboolean type_ok = TRUE;

  switch (spec->type)
    {
    case FLINT_PARAM_STRING:
    case FLINT_PARAM_TEXT:
    case FLINT_PARAM_PATH:
    case FLINT_PARAM_SQL:
    case FLINT_PARAM_CODE:
      type_ok = is_string (value);
      break;

    case FLINT_PARAM_EXPRESSION:
    case FLINT_PARAM_CONDITION:
      type_ok = is_string (value);
      if (type_ok && check_columns)
        {
          g_autoptr(FlintExprScope) scope = flint_expr_scope_new (schema_for_port (ctx, spec->port));
          g_autoptr(FlintDataType) type =
            flint_rule_context_check_expression (ctx, path, json_node_get_string (value), scope);

          if (spec->type == FLINT_PARAM_CONDITION && type != NULL &&
              flint_data_type_get_kind (type) != FLINT_TYPE_KIND_BOOLEAN &&
              flint_data_type_get_kind (type) != FLINT_TYPE_KIND_NULL)
            {
              g_autofree char *type_name = flint_data_type_to_string (type);

              message = g_strdup_printf (_("the condition is of type %s, not boolean"), type_name);
              ctx_report (ctx, FLINT_SEVERITY_ERROR, "condition-not-boolean", path,
                          _("compare it with something, for example: x > 0"), message);
            }
        }
      break;

    case FLINT_PARAM_COLUMN:
      type_ok = is_string (value);
      if (type_ok && check_columns)
        flint_rule_context_check_column (ctx, path, json_node_get_string (value),
                                         schema_for_port (ctx, spec->port));
      break;

    case FLINT_PARAM_TABLE:
      type_ok = is_string (value);
      if (type_ok && !is_blank (value) && !table_name_is_valid (json_node_get_string (value)))
        {
          message = g_strdup_printf (_("'%s' is not a table name"), json_node_get_string (value));
          ctx_report (ctx, FLINT_SEVERITY_ERROR, "invalid-table", path,
                      _("write table, schema.table or catalog.schema.table"), message);
        }
      break;

    case FLINT_PARAM_TYPE:
      type_ok = is_string (value);
      if (type_ok && !is_blank (value))
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(FlintDataType) type = flint_data_type_parse (json_node_get_string (value), &error);

          if (type == NULL)
            ctx_report (ctx, FLINT_SEVERITY_ERROR, "invalid-type", path, NULL, error->message);
        }
      break;

    case FLINT_PARAM_INTERVAL:
      type_ok = is_string (value);
      if (type_ok && !is_blank (value) && !interval_is_valid (json_node_get_string (value)))
        {
          message = g_strdup_printf (_("'%s' is not a duration"), json_node_get_string (value));
          ctx_report (ctx, FLINT_SEVERITY_ERROR, "invalid-interval", path,
                      _("write a number and a unit, for example: 10 minutes"), message);
        }
      break;

    case FLINT_PARAM_SECRET:
      type_ok = is_string (value);
      if (type_ok && !is_blank (value) && !secret_is_reference (json_node_get_string (value)))
        ctx_report (ctx, FLINT_SEVERITY_ERROR, "literal-secret", path,
                    _("refer to it instead: {{secrets/scope/key}}, k8s:secret/key, env:NAME or keyring:name"),
                    _("secrets must not be written into the pipeline"));
      break;

    case FLINT_PARAM_ENUM:
      type_ok = is_string (value);
      if (type_ok && spec->choices != NULL &&
          !g_strv_contains ((const char * const *) spec->choices, json_node_get_string (value)))
        {
          g_autofree char *hint = suggest_among ((const char * const *) spec->choices,
                                                 g_strv_length (spec->choices),
                                                 json_node_get_string (value));
          g_autofree char *choices = g_strjoinv (", ", spec->choices);

          message = g_strdup_printf (_("'%s' is not one of: %s"), json_node_get_string (value), choices);
          ctx_report (ctx, FLINT_SEVERITY_ERROR, "invalid-choice", path, hint, message);
        }
      break;

    case FLINT_PARAM_INTEGER:
      type_ok = is_number (value) &&
                (json_node_get_value_type (value) == G_TYPE_INT64 ||
                 json_node_get_double (value) == floor (json_node_get_double (value)));
      G_GNUC_FALLTHROUGH;
    case FLINT_PARAM_NUMBER:
      if (spec->type == FLINT_PARAM_NUMBER)
        type_ok = is_number (value);
      if (type_ok)
        {
          double v = json_node_get_value_type (value) == G_TYPE_INT64
                   ? (double) json_node_get_int (value) : json_node_get_double (value);
          char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];

          g_ascii_formatd (lo, sizeof lo, "%g", spec->minimum);
          g_ascii_formatd (hi, sizeof hi, "%g", spec->maximum);

          if (spec->has_minimum && spec->has_maximum && (v < spec->minimum || v > spec->maximum))
            message = g_strdup_printf (_("must be between %s and %s"), lo, hi);
          else if (spec->has_minimum && v < spec->minimum)
            message = g_strdup_printf (_("must be at least %s"), lo);
          else if (spec->has_maximum && v > spec->maximum)
            message = g_strdup_printf (_("must be at most %s"), hi);

          if (message != NULL)
            ctx_report (ctx, FLINT_SEVERITY_ERROR, "out-of-range", path, NULL, message);
        }
      break;

    case FLINT_PARAM_BOOLEAN:
      type_ok = value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
                json_node_get_value_type (value) == G_TYPE_BOOLEAN;
      break;

    case FLINT_PARAM_COLUMNS:
      type_ok = JSON_NODE_HOLDS_ARRAY (value);
      if (type_ok)
        {
          JsonArray *array = json_node_get_array (value);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              g_auto(PathBuf) item_buf = { { 0 }, NULL };

              check_scalar_item (ctx, spec, FLINT_PARAM_COLUMN, json_array_get_element (array, i),
                                 path_build_index (&item_buf, path, i), check_columns);
            }
        }
      break;

    case FLINT_PARAM_MAP:
      type_ok = JSON_NODE_HOLDS_OBJECT (value);
      if (type_ok)
        {
          JsonObject *object = json_node_get_object (value);
          g_autoptr(GList) members = json_object_get_members (object);

          for (const GList *l = members; l; l = l->next)
            if (!JSON_NODE_HOLDS_VALUE (json_object_get_member (object, l->data)))
              {
                g_autofree char *item_path = g_strdup_printf ("%s.%s", path, (const char *) l->data);
                g_autofree char *item_message = g_strdup_printf (_("'%s' must be a single value"),
                                                                 (const char *) l->data);
                ctx_report (ctx, FLINT_SEVERITY_ERROR, "invalid-type", item_path, NULL, item_message);
              }
        }
      break;

    case FLINT_PARAM_LIST:
      type_ok = JSON_NODE_HOLDS_ARRAY (value);
      if (type_ok)
        {
          JsonArray *array = json_node_get_array (value);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *item = json_array_get_element (array, i);
              g_auto(PathBuf) item_buf = { { 0 }, NULL };
              const char *item_path = path_build_index (&item_buf, path, i);

              if (spec->fields == NULL)
                {
                  check_scalar_item (ctx, spec, spec->item_type, item, item_path, check_columns);
                  continue;
                }

              if (!JSON_NODE_HOLDS_OBJECT (item))
                {
                  g_autofree char *item_message = g_strdup_printf (_("item %u must be a map"), i + 1);
                  ctx_report (ctx, FLINT_SEVERITY_ERROR, "invalid-type", item_path, NULL, item_message);
                  continue;
                }

              {
                JsonObject *record = json_node_get_object (item);
                JsonObjectIter iter;
                const char *member;

                json_object_iter_init_ordered (&iter, record);
                while (json_object_iter_next_ordered (&iter, &member, NULL))
                  if (flint_param_spec_lookup_field (spec, member) == NULL)
                    {
                      g_autoptr(GPtrArray) names = g_ptr_array_new ();
                      g_autofree char *field_path = g_strdup_printf ("%s.%s", item_path, member);
                      g_autofree char *hint = NULL;
                      g_autofree char *field_message = g_strdup_printf (_("unknown field '%s'"), member);

                      for (guint f = 0; f < spec->fields->len; f++)
                        g_ptr_array_add (names, ((FlintParamSpec *) g_ptr_array_index (spec->fields, f))->name);
                      hint = suggest_among ((const char * const *) names->pdata, names->len, member);
                      ctx_report (ctx, FLINT_SEVERITY_ERROR, "unknown-param", field_path, hint, field_message);
                    }

                for (guint f = 0; f < spec->fields->len; f++)
                  {
                    const FlintParamSpec *field = g_ptr_array_index (spec->fields, f);
                    JsonNode *field_value = json_object_get_member (record, field->name);
                    g_auto(PathBuf) field_buf = { { 0 }, NULL };
                    const char *field_path = path_build (&field_buf, item_path, ".", field->name);

                    if (field_value == NULL || JSON_NODE_HOLDS_NULL (field_value))
                      field_value = field->default_value;

                    if (field_value == NULL || (is_blank (field_value) && field->type != FLINT_PARAM_BOOLEAN))
                      {
                        if (field->required)
                          {
                            g_autofree char *field_message =
                              g_strdup_printf (_("'%s' is required"), field->title ? field->title : field->name);
                            ctx_report (ctx, FLINT_SEVERITY_ERROR, "missing-param", field_path, NULL, field_message);
                          }
                        continue;
                      }

                    check_value (ctx, field, field_value, field_path, check_columns);
                  }
              }
            }
        }
      break;

    default:
      g_assert_not_reached ();
    }

  if (!type_ok)
    {
      message = g_strdup_printf (_("must be %s"), param_type_expectation (spec->type));
      ctx_report (ctx, FLINT_SEVERITY_ERROR, "invalid-type", path, NULL, message);
    }
}

static void
check_params (FlintRuleContext *ctx,
              gboolean          check_columns)
{
  const FlintNodeKind *kind = flint_node_get_kind (ctx->node);
  JsonObject *params = flint_node_get_params (ctx->node);
  JsonObjectIter iter;
  const char *member;

  json_object_iter_init_ordered (&iter, params);
  while (json_object_iter_next_ordered (&iter, &member, NULL))
    {
      if (flint_node_kind_lookup_param (kind, member) == NULL)
        {
          g_autoptr(GPtrArray) names = g_ptr_array_new ();
          g_autofree char *path = g_strconcat ("params.", member, NULL);
          g_autofree char *hint = NULL;
          g_autofree char *message = g_strdup_printf (_("unknown parameter '%s' for %s"), member, kind->id);

          for (guint i = 0; i < kind->params->len; i++)
            g_ptr_array_add (names, ((FlintParamSpec *) g_ptr_array_index (kind->params, i))->name);
          hint = suggest_among ((const char * const *) names->pdata, names->len, member);
          ctx_report (ctx, FLINT_SEVERITY_ERROR, "unknown-param", path, hint, message);
        }
    }

  for (guint i = 0; i < kind->params->len; i++)
    {
      const FlintParamSpec *spec = g_ptr_array_index (kind->params, i);
      JsonNode *value = flint_node_get_param_or_default (ctx->node, spec->name);
      g_auto(PathBuf) path_buf = { { 0 }, NULL };
      const char *path = path_build (&path_buf, "params.", spec->name, "");

      if (value == NULL || (is_blank (value) && spec->type != FLINT_PARAM_BOOLEAN))
        {
          if (spec->required)
            {
              g_autofree char *message = g_strdup_printf (_("'%s' is required"), spec->name);
              ctx_report (ctx, FLINT_SEVERITY_ERROR, "missing-param", path, spec->placeholder
                          ? g_strdup_printf (_("for example: %s"), spec->placeholder) : NULL, message);
            }
          continue;
        }

      check_value (ctx, spec, value, path, check_columns);
    }
}

/* }}} */

/* Rule context {{{ */

FlintPipeline *
flint_rule_context_get_pipeline (FlintRuleContext *ctx)
{
  return ctx->validator->pipeline;
}

FlintNode *
flint_rule_context_get_node (FlintRuleContext *ctx)
{
  return ctx->node;
}

FlintJobMode
flint_rule_context_get_mode (FlintRuleContext *ctx)
{
  return ctx->mode;
}

static GPtrArray *
ctx_port_inputs (FlintRuleContext *ctx,
                 const char       *port)
{
  const FlintNodeKind *kind = flint_node_get_kind (ctx->node);
  guint idx = port ? port_index (kind->inputs, port) : 0;

  if (idx >= ctx->inputs->len)
    return NULL;

  return g_ptr_array_index (ctx->inputs, idx);
}

GPtrArray *
flint_rule_context_get_inputs (FlintRuleContext *ctx,
                               const char       *port)
{
  static GPtrArray *empty;
  GPtrArray *inputs = ctx_port_inputs (ctx, port);

  if (inputs == NULL)
    {
      if (g_once_init_enter (&empty))
        g_once_init_leave (&empty, g_ptr_array_new ());
      return empty;
    }

  return inputs;
}

FlintFlow *
flint_rule_context_get_input (FlintRuleContext *ctx,
                              const char       *port)
{
  GPtrArray *inputs = ctx_port_inputs (ctx, port);

  if (inputs == NULL || inputs->len == 0)
    return NULL;

  return g_ptr_array_index (inputs, 0);
}

FlintSchema *
flint_rule_context_get_input_schema (FlintRuleContext *ctx,
                                     const char       *port)
{
  FlintFlow *flow = flint_rule_context_get_input (ctx, port);

  return flow ? flow->schema : NULL;
}

FlintFlowFlags
flint_rule_context_input_flags (FlintRuleContext *ctx)
{
  FlintFlowFlags flags = 0;

  for (guint i = 0; i < ctx->inputs->len; i++)
    {
      GPtrArray *flows = g_ptr_array_index (ctx->inputs, i);

      for (guint j = 0; j < flows->len; j++)
        flags |= ((FlintFlow *) g_ptr_array_index (flows, j))->flags;
    }

  return flags;
}

/* What the rule said, or the event-time columns of the first watermarked input. */
static const char * const *
ctx_event_time (FlintRuleContext *ctx)
{
  if (ctx->event_time_set)
    return (const char * const *) ctx->event_time;

  for (guint i = 0; i < ctx->inputs->len; i++)
    {
      GPtrArray *flows = g_ptr_array_index (ctx->inputs, i);

      for (guint j = 0; j < flows->len; j++)
        {
          FlintFlow *flow = g_ptr_array_index (flows, j);

          if (flow->flags & FLINT_FLOW_WATERMARKED)
            return flint_flow_get_event_time (flow);
        }
    }

  return NULL;
}

void
flint_rule_context_take_output (FlintRuleContext *ctx,
                                const char       *port,
                                FlintSchema      *schema,
                                FlintFlowFlags    flags)
{
  const FlintNodeKind *kind = flint_node_get_kind (ctx->node);

  for (guint i = 0; i < kind->outputs->len; i++)
    {
      const FlintPortSpec *spec = g_ptr_array_index (kind->outputs, i);

      if (port != NULL && !g_str_equal (spec->name, port))
        continue;

      if (g_ptr_array_index (ctx->outputs, i) != NULL)
        flint_flow_unref (g_ptr_array_index (ctx->outputs, i));
      g_ptr_array_index (ctx->outputs, i) =
        flint_flow_new_full (schema, flags, (flags & FLINT_FLOW_WATERMARKED) ? ctx_event_time (ctx) : NULL);
    }

  g_clear_pointer (&schema, flint_schema_unref);
}

void
flint_rule_context_set_event_time (FlintRuleContext   *ctx,
                                   const char * const *columns)
{
  g_clear_pointer (&ctx->event_time, g_strfreev);
  ctx->event_time = columns ? g_strdupv ((char **) columns) : NULL;
  ctx->event_time_set = TRUE;
}

void
flint_rule_context_report (FlintRuleContext *ctx,
                           FlintSeverity     severity,
                           const char       *code,
                           const char       *param,
                           const char       *hint,
                           const char       *format,
                           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  ctx_report (ctx, severity, code, param, hint, message);
}

typedef struct
{
  FlintRuleContext *ctx;
  const char       *param;
} MissingData;

static void
on_missing (const FlintExprRef *ref,
            const char         *missing,
            FlintSchema        *candidates,
            gpointer            user_data)
{
  MissingData *data = user_data;
  g_autofree char *hint = suggest_columns (candidates, missing);
  g_autofree char *message = NULL;

  if (ref->parts[1] != NULL && !g_str_equal (ref->parts[0], missing))
    {
      g_autofree char *whole = g_strjoinv (".", ref->parts);
      message = g_strdup_printf (_("unknown field '%s' in '%s'"), missing, whole);
    }
  else
    message = g_strdup_printf (_("unknown column '%s'"), missing);

  ctx_report (data->ctx, FLINT_SEVERITY_ERROR, "unknown-column", data->param, hint, message);
}

/* Private to the model library: flint-rules.c declares it too. Like
 * flint_rule_context_check_expression(), and hands back the parsed expression (NULL on a
 * syntax error) so that a rule that looks into it does not parse the text again. */
G_GNUC_INTERNAL
FlintDataType *_flint_rule_context_check_expression_full (FlintRuleContext  *ctx,
                                                          const char        *param,
                                                          const char        *text,
                                                          FlintExprScope    *scope,
                                                          FlintExpr        **parsed);

FlintDataType *
_flint_rule_context_check_expression_full (FlintRuleContext  *ctx,
                                           const char        *param,
                                           const char        *text,
                                           FlintExprScope    *scope,
                                           FlintExpr        **parsed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintExpr) expr = NULL;
  MissingData data = { ctx, param };
  FlintDataType *type = NULL;

  if ((expr = flint_expr_parse (text, &error)) == NULL)
    ctx_report (ctx, FLINT_SEVERITY_ERROR, "syntax-error", param, NULL, error->message);
  else if (flint_expr_check (expr, scope, on_missing, &data) == 0)
    type = flint_expr_infer_type (expr, scope);

  if (parsed != NULL)
    *parsed = g_steal_pointer (&expr);

  return type;
}

FlintDataType *
flint_rule_context_check_expression (FlintRuleContext *ctx,
                                     const char       *param,
                                     const char       *text,
                                     FlintExprScope   *scope)
{
  return _flint_rule_context_check_expression_full (ctx, param, text, scope, NULL);
}

const FlintColumn *
flint_rule_context_check_column (FlintRuleContext *ctx,
                                 const char       *param,
                                 const char       *name,
                                 FlintSchema      *schema)
{
  const FlintColumn *column;

  if (schema == NULL)
    return NULL;

  if ((column = flint_schema_lookup (schema, name)) == NULL)
    {
      g_autofree char *hint = suggest_columns (schema, name);
      g_autofree char *message = g_strdup_printf (_("unknown column '%s'"), name);

      ctx_report (ctx, FLINT_SEVERITY_ERROR, "unknown-column", param, hint, message);
    }

  return column;
}

JsonNode *
flint_rule_context_get_param (FlintRuleContext *ctx,
                              const char       *name)
{
  return flint_node_get_param_or_default (ctx->node, name);
}

const char *
flint_rule_context_get_string (FlintRuleContext *ctx,
                               const char       *name)
{
  return flint_node_get_string (ctx->node, name);
}

/* }}} */

static gboolean
diagnostics_equal (GPtrArray *a,
                   GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    if (!flint_diagnostic_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;

  return TRUE;
}

static int
compare_diagnostics (gconstpointer a,
                     gconstpointer b)
{
  return flint_diagnostic_compare (*(FlintDiagnostic **) a, *(FlintDiagnostic **) b);
}

static void
add_duplicate_target (FlintValidator *self,
                      NodeState      *state,
                      GPtrArray      *diagnostics)
{
  GPtrArray *members;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GString) others = NULL;
  g_autofree char *message = NULL;
  const char *where;

  if (state->sink_key == NULL ||
      (members = g_hash_table_lookup (self->sinks, state->sink_key)) == NULL ||
      members->len < 2)
    return;

  /* Sorted, so the message does not depend on the order of edits. */
  ids = g_ptr_array_new ();
  for (guint i = 0; i < members->len; i++)
    if (g_ptr_array_index (members, i) != state->node)
      g_ptr_array_add (ids, (gpointer) flint_node_get_id (g_ptr_array_index (members, i)));
  g_ptr_array_sort (ids, compare_strings);

  others = g_string_new (NULL);
  for (guint i = 0; i < ids->len; i++)
    {
      if (others->len > 0)
        g_string_append (others, ", ");
      g_string_append_printf (others, "'%s'", (const char *) g_ptr_array_index (ids, i));
    }

  where = strchr (state->sink_key, ':') + 1;
  message = g_strdup_printf (_("%s is also written by %s"), where, others->str);
  g_ptr_array_add (diagnostics,
                   flint_diagnostic_new (FLINT_SEVERITY_ERROR, "duplicate-target",
                                         flint_node_get_id (state->node),
                                         g_str_has_prefix (state->sink_key, "path:") ? "params.path" : "params.table",
                                         message, _("write each output to a place of its own")));
}

/* g_ascii_tolower(), inlined: it runs for every column name compared. */
static inline char
fold_ascii (char c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The first column whose name (ignoring case) an earlier column has, or NULL. Pairwise
 * up to a size where a hash table of folded names starts to pay: most schemas are small. */
#define DUPLICATE_SCAN_MAX 48

static const FlintColumn *
first_duplicate_column (FlintSchema *schema)
{
  guint n = flint_schema_get_n_columns (schema);
  g_autoptr(GHashTable) seen = NULL;

  if (n <= DUPLICATE_SCAN_MAX)
    {
      const FlintColumn *columns[DUPLICATE_SCAN_MAX];

      for (guint c = 0; c < n; c++)
        {
          const FlintColumn *column = flint_schema_get_column (schema, c);
          char first = fold_ascii (column->name[0]);

          for (guint d = 0; d < c; d++)
            if (fold_ascii (columns[d]->name[0]) == first &&
                g_ascii_strcasecmp (columns[d]->name, column->name) == 0)
              return column;
          columns[c] = column;
        }
      return NULL;
    }

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint c = 0; c < n; c++)
    {
      const FlintColumn *column = flint_schema_get_column (schema, c);

      if (!g_hash_table_add (seen, g_ascii_strdown (column->name, -1)))
        return column;
    }
  return NULL;
}

static void
validate_node (FlintValidator *self,
               FlintNode      *node)
{
  const FlintNodeKind *kind = flint_node_get_kind (node);
  NodeState *state = ensure_state (self, node);
  FlintRuleContext ctx = { 0 };
  g_autoptr(GPtrArray) old = NULL;
  FlintRuleFlags rule_flags = FLINT_RULE_DEFAULT;
  FlintRuleFunc rule = flint_rules_lookup (kind->id, &rule_flags);
  GPtrArray *in_edges = flint_pipeline_get_node_inputs (self->pipeline, node);
  FlintFlowFlags in_flags;

  ctx.validator = self;
  ctx.node = node;
  ctx.mode = flint_pipeline_get_mode (self->pipeline);
  ctx.diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) flint_diagnostic_unref);
  ctx.inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  ctx.outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) flint_flow_unref);
  g_ptr_array_set_size (ctx.outputs, kind->outputs->len);

  /* Gather the flows in, port by port. */
  for (guint p = 0; p < kind->inputs->len; p++)
    {
      const FlintPortSpec *port = g_ptr_array_index (kind->inputs, p);
      GPtrArray *flows = g_ptr_array_new_with_free_func ((GDestroyNotify) flint_flow_unref);

      for (guint e = 0; e < in_edges->len; e++)
        {
          FlintEdge *edge = g_ptr_array_index (in_edges, e);
          FlintNode *from;
          NodeState *from_state;
          FlintFlow *flow = self->unknown;
          guint idx;

          if (!g_str_equal (flint_edge_get_to_port (edge), port->name))
            continue;

          from = flint_pipeline_lookup_node (self->pipeline, flint_edge_get_from_node (edge));
          from_state = g_hash_table_lookup (self->states, from);
          idx = port_index (flint_node_get_kind (from)->outputs, flint_edge_get_from_port (edge));

          if (from_state != NULL && from_state->cycle == NULL && state->cycle == NULL &&
              idx < from_state->outputs->len && g_ptr_array_index (from_state->outputs, idx) != NULL)
            flow = g_ptr_array_index (from_state->outputs, idx);

          g_ptr_array_add (flows, flint_flow_ref (flow));
        }

      if (flows->len == 0 && !port->optional)
        {
          g_autofree char *message = NULL;

          if (kind->inputs->len == 1)
            message = g_strdup (_("the input is not connected"));
          else
            message = g_strdup_printf (_("input '%s' is not connected"), port->name);
          ctx_report (&ctx, FLINT_SEVERITY_ERROR, "unconnected-input", NULL,
                      _("drag a connection into it from a source or transform"), message);
        }

      g_ptr_array_add (ctx.inputs, flows);
    }

  in_flags = flint_rule_context_input_flags (&ctx);

  if (state->cycle != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("part of a cycle with %s"), state->cycle);
      ctx_report (&ctx, FLINT_SEVERITY_ERROR, "cycle", NULL,
                  _("a pipeline flows one way: remove one of the connections"), message);
    }

  /* Modes: what the job runs as, and what a stream may feed. */
  if (ctx.mode == FLINT_JOB_MODE_BATCH && !(kind->modes & FLINT_MODE_BATCH))
    {
      g_autofree char *message = g_strdup_printf (_("%s runs only in a streaming job"), kind->id);
      ctx_report (&ctx, FLINT_SEVERITY_ERROR, "needs-streaming", NULL,
                  _("set the job's mode to streaming"), message);
    }
  else if ((in_flags & FLINT_FLOW_STREAMING) && !(kind->modes & FLINT_MODE_STREAMING))
    {
      g_autofree char *message = g_strdup_printf (_("%s cannot take a stream as input"), kind->id);
      ctx_report (&ctx, FLINT_SEVERITY_ERROR, "not-streamable", NULL,
                  _("Spark does not support this on a streaming DataFrame"), message);
    }

  check_params (&ctx, !(rule_flags & FLINT_RULE_OWNS_COLUMN_CHECKS));

  if (rule != NULL)
    rule (&ctx);
  else if (kind->category == FLINT_NODE_CATEGORY_SOURCE)
    {
      FlintSchema *declared = flint_node_get_schema (node);
      FlintFlowFlags flags = 0;

      if (ctx.mode == FLINT_JOB_MODE_STREAMING && (kind->modes & FLINT_MODE_STREAMING))
        flags |= FLINT_FLOW_STREAMING;
      flint_rule_context_take_output (&ctx, NULL, declared ? flint_schema_ref (declared) : NULL, flags);
    }
  else if (kind->category == FLINT_NODE_CATEGORY_TRANSFORM)
    {
      FlintSchema *schema = flint_rule_context_get_input_schema (&ctx, NULL);

      flint_rule_context_take_output (&ctx, NULL, schema ? flint_schema_ref (schema) : NULL, in_flags);
    }

  /* Ports a rule left unset: unknown columns, the inputs' flags. */
  for (guint i = 0; i < ctx.outputs->len; i++)
    if (g_ptr_array_index (ctx.outputs, i) == NULL)
      g_ptr_array_index (ctx.outputs, i) =
        flint_flow_new_full (NULL, in_flags, (in_flags & FLINT_FLOW_WATERMARKED) ? ctx_event_time (&ctx) : NULL);

  /* Duplicate output columns, whatever the kind. */
  for (guint i = 0; i < ctx.outputs->len; i++)
    {
      FlintFlow *flow = g_ptr_array_index (ctx.outputs, i);
      const FlintColumn *column;

      if (flow->schema != NULL && (column = first_duplicate_column (flow->schema)) != NULL)
        {
          g_autofree char *message = g_strdup_printf (_("the output has two columns named '%s'"), column->name);
          ctx_report (&ctx, FLINT_SEVERITY_ERROR, "duplicate-column", NULL,
                      _("rename one of them; Spark cannot tell them apart later"), message);
        }
    }

  /* Unused sources, and transforms whose result goes nowhere. */
  if (flint_pipeline_get_node_outputs (self->pipeline, node)->len == 0 && state->cycle == NULL)
    {
      if (kind->category == FLINT_NODE_CATEGORY_SOURCE)
        ctx_report (&ctx, FLINT_SEVERITY_WARNING, "unused-source", NULL,
                    _("connect it to a transform or sink, or remove it"),
                    _("this source is not used"));
      else if (kind->category == FLINT_NODE_CATEGORY_TRANSFORM)
        ctx_report (&ctx, FLINT_SEVERITY_WARNING, "unused-result", NULL,
                    _("connect it to a sink, or remove it"),
                    _("the result of this transform is never written"));
    }

  /* Re-index the sink's target; duplicates are settled after the pass. */
  {
    g_autofree char *key = compute_sink_key (self, node);

    if (g_strcmp0 (key, state->sink_key) != 0)
      {
        sink_index_remove (self, state);
        sink_index_add (self, state, g_steal_pointer (&key));
      }
  }
  add_duplicate_target (self, state, ctx.diagnostics);

  g_ptr_array_sort (ctx.diagnostics, compare_diagnostics);

  g_ptr_array_unref (state->outputs);
  state->outputs = g_steal_pointer (&ctx.outputs);
  old = g_steal_pointer (&state->diagnostics);
  state->diagnostics = g_steal_pointer (&ctx.diagnostics);
  g_ptr_array_unref (ctx.inputs);
  g_clear_pointer (&ctx.event_time, g_strfreev);

  if (!diagnostics_equal (old, state->diagnostics))
    g_signal_emit (self, signals[NODE_DIAGNOSTICS_CHANGED], 0, flint_node_get_id (node));
}

/* Re-settles "duplicate-target" for the sinks of a target whose writers changed. */
static void
settle_sink_key (FlintValidator *self,
                 const char     *key)
{
  GPtrArray *members = g_hash_table_lookup (self->sinks, key);

  for (guint i = 0; members != NULL && i < members->len; i++)
    {
      FlintNode *node = g_ptr_array_index (members, i);
      NodeState *state = g_hash_table_lookup (self->states, node);
      g_autoptr(GPtrArray) updated = g_ptr_array_new_with_free_func ((GDestroyNotify) flint_diagnostic_unref);

      for (guint d = 0; d < state->diagnostics->len; d++)
        {
          FlintDiagnostic *diagnostic = g_ptr_array_index (state->diagnostics, d);

          if (!g_str_equal (flint_diagnostic_get_code (diagnostic), "duplicate-target"))
            g_ptr_array_add (updated, flint_diagnostic_ref (diagnostic));
        }
      add_duplicate_target (self, state, updated);
      g_ptr_array_sort (updated, compare_diagnostics);

      if (!diagnostics_equal (updated, state->diagnostics))
        {
          g_ptr_array_unref (state->diagnostics);
          state->diagnostics = g_steal_pointer (&updated);
          g_signal_emit (self, signals[NODE_DIAGNOSTICS_CHANGED], 0, flint_node_get_id (node));
        }
    }
}

guint
flint_validator_update (FlintValidator *self)
{
  g_autoptr(GPtrArray) queue = NULL;
  g_autoptr(GHashTable) pending = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autoptr(GPtrArray) ready = NULL;
  GHashTableIter iter;
  gpointer key;
  guint head = 0;

  g_return_val_if_fail (FLINT_IS_VALIDATOR (self), 0);

  if (self->cycles_dirty)
    {
      compute_cycles (self);
      self->cycles_dirty = FALSE;
    }

  if (self->job_dirty)
    {
      g_ptr_array_set_size (self->global, 0);
      check_job_object (self, flint_pipeline_get_job (self->pipeline), NULL, "");
      g_ptr_array_sort (self->global, compare_diagnostics);
      self->job_dirty = FALSE;
    }

  if (g_hash_table_size (self->dirty) == 0 && g_hash_table_size (self->keys_dirty) == 0)
    {
      self->all_dirty = FALSE;
      return 0;
    }

  /* Node -> how many of its inputs come from nodes of the set still to validate; its
   * keys are the set. */
  pending = g_hash_table_new (NULL, NULL);
  queue = g_ptr_array_new ();
  order = g_ptr_array_new ();
  ready = g_ptr_array_new ();

  if (self->all_dirty)
    {
      /* Every node, in document order: with the depth-first order below, nodes that feed
       * each other are validated one after the other, while what they share is still in
       * the cache. Every input of a node then comes from the set (an edge always joins
       * two nodes of the pipeline): its count is its number of input edges, and one walk
       * over the nodes does it all. */
      GListModel *nodes = flint_pipeline_get_nodes (self->pipeline);
      guint n = g_list_model_get_n_items (nodes);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
          guint count = flint_pipeline_get_node_inputs (self->pipeline, node)->len;

          g_hash_table_insert (pending, node, GUINT_TO_POINTER (count));
          g_ptr_array_add (queue, node);
          if (count == 0)
            g_ptr_array_add (ready, node);
        }

      /* The stack pops the last first: the first root in the document goes on top. */
      for (guint i = 0, j = ready->len; i + 1 < j; i++, j--)
        {
          gpointer tmp = ready->pdata[i];

          ready->pdata[i] = ready->pdata[j - 1];
          ready->pdata[j - 1] = tmp;
        }
    }
  else
    {
      /* The dirty nodes and everything downstream of them. */
      g_hash_table_iter_init (&iter, self->dirty);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (g_hash_table_insert (pending, key, GUINT_TO_POINTER (0)))
          g_ptr_array_add (queue, key);

      for (head = 0; head < queue->len; head++)
        {
          GPtrArray *outs = flint_pipeline_get_node_outputs (self->pipeline, g_ptr_array_index (queue, head));

          for (guint i = 0; i < outs->len; i++)
            {
              FlintNode *next = flint_pipeline_lookup_node (self->pipeline,
                                                            flint_edge_get_to_node (g_ptr_array_index (outs, i)));
              if (g_hash_table_insert (pending, next, GUINT_TO_POINTER (0)))
                g_ptr_array_add (queue, next);
            }
        }

      for (guint i = queue->len; i-- > 0;)
        {
          FlintNode *node = g_ptr_array_index (queue, i);
          GPtrArray *ins = flint_pipeline_get_node_inputs (self->pipeline, node);
          guint count = 0;

          for (guint e = 0; e < ins->len; e++)
            if (g_hash_table_contains (pending, flint_pipeline_lookup_node (self->pipeline,
                                                                            flint_edge_get_from_node (g_ptr_array_index (ins, e)))))
              count++;

          g_hash_table_insert (pending, node, GUINT_TO_POINTER (count));
          if (count == 0)
            g_ptr_array_add (ready, node);
        }
    }

  g_hash_table_remove_all (self->dirty);
  self->all_dirty = FALSE;

  /* Kahn's order within the set, depth first (the nodes ready last go first), so that a
   * node is validated right after the node that made it ready whenever it can; members
   * of cycles come last, with unknown inputs. */
  while (ready->len > 0)
    {
      FlintNode *node = g_ptr_array_steal_index_fast (ready, ready->len - 1);
      GPtrArray *outs;

      g_ptr_array_add (order, node);
      validate_node (self, node);

      /* Read after validating: a handler of the signal may have edited the pipeline. */
      outs = flint_pipeline_get_node_outputs (self->pipeline, node);
      for (guint i = outs->len; i-- > 0;)
        {
          FlintNode *next = flint_pipeline_lookup_node (self->pipeline,
                                                        flint_edge_get_to_node (g_ptr_array_index (outs, i)));
          gpointer value;
          guint count;

          if (!g_hash_table_lookup_extended (pending, next, NULL, &value) || (count = GPOINTER_TO_UINT (value)) == 0)
            continue;
          g_hash_table_insert (pending, next, GUINT_TO_POINTER (count - 1));
          if (count == 1)
            g_ptr_array_add (ready, next);
        }
    }

  if (order->len < queue->len)
    for (guint i = 0; i < queue->len; i++)
      {
        FlintNode *node = g_ptr_array_index (queue, i);

        if (GPOINTER_TO_UINT (g_hash_table_lookup (pending, node)) > 0)
          {
            g_ptr_array_add (order, node);
            validate_node (self, node);
          }
      }

  /* Cross-node: sinks sharing a target with a sink that changed. */
  {
    g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

    g_hash_table_iter_init (&iter, self->keys_dirty);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      {
        g_hash_table_iter_steal (&iter);
        g_ptr_array_add (keys, key);
      }
    for (guint i = 0; i < keys->len; i++)
      settle_sink_key (self, g_ptr_array_index (keys, i));
  }

  g_signal_emit (self, signals[UPDATED], 0);

  return order->len;
}

guint
flint_validator_validate_all (FlintValidator *self)
{
  g_return_val_if_fail (FLINT_IS_VALIDATOR (self), 0);

  mark_all_dirty (self);
  return flint_validator_update (self);
}

gboolean
flint_validator_is_dirty (FlintValidator *self)
{
  g_return_val_if_fail (FLINT_IS_VALIDATOR (self), FALSE);

  return g_hash_table_size (self->dirty) > 0 || self->cycles_dirty || self->job_dirty;
}

/* Signal handlers {{{ */

static void
on_node_added (FlintPipeline  *pipeline,
               FlintNode      *node,
               FlintValidator *self)
{
  ensure_state (self, node);
  mark_dirty (self, node);
}

static void
on_node_removed (FlintPipeline  *pipeline,
                 FlintNode      *node,
                 FlintValidator *self)
{
  NodeState *state = g_hash_table_lookup (self->states, node);
  gboolean had = FALSE;

  g_hash_table_remove (self->dirty, node);
  if (state == NULL)
    return;

  had = state->diagnostics->len > 0;
  sink_index_remove (self, state);
  g_hash_table_remove (self->states, node);

  if (had)
    g_signal_emit (self, signals[NODE_DIAGNOSTICS_CHANGED], 0, flint_node_get_id (node));
}

static void
on_edge_changed (FlintPipeline  *pipeline,
                 FlintEdge      *edge,
                 FlintValidator *self)
{
  FlintNode *from = flint_pipeline_lookup_node (pipeline, flint_edge_get_from_node (edge));
  FlintNode *to = flint_pipeline_lookup_node (pipeline, flint_edge_get_to_node (edge));

  if (from != NULL)
    mark_dirty (self, from);
  if (to != NULL)
    mark_dirty (self, to);
  self->cycles_dirty = TRUE;
}

static void
on_node_changed (FlintPipeline  *pipeline,
                 FlintNode      *node,
                 const char     *what,
                 FlintValidator *self)
{
  if (g_str_equal (what, "position"))
    return;
  mark_dirty (self, node);
}

static void
on_job_changed (FlintPipeline  *pipeline,
                const char     *path,
                FlintValidator *self)
{
  self->job_dirty = TRUE;

  /* The mode changes what every node may do; the default catalog where sinks write. */
  if (g_str_equal (path, "mode") || g_str_has_prefix (path, "catalog"))
    {
      mark_all_dirty (self);
      self->cycles_dirty = FALSE;
    }
}

/* }}} */

static void
flint_validator_dispose (GObject *object)
{
  FlintValidator *self = (FlintValidator *) object;

  if (self->pipeline != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
      g_clear_signal_handler (&self->handlers[i], self->pipeline);

  g_clear_object (&self->pipeline);

  G_OBJECT_CLASS (flint_validator_parent_class)->dispose (object);
}

static void
flint_validator_finalize (GObject *object)
{
  FlintValidator *self = (FlintValidator *) object;

  g_clear_pointer (&self->states, g_hash_table_unref);
  g_clear_pointer (&self->dirty, g_hash_table_unref);
  g_clear_pointer (&self->sinks, g_hash_table_unref);
  g_clear_pointer (&self->keys_dirty, g_hash_table_unref);
  g_clear_pointer (&self->global, g_ptr_array_unref);
  g_clear_pointer (&self->unknown, flint_flow_unref);

  G_OBJECT_CLASS (flint_validator_parent_class)->finalize (object);
}

static void
flint_validator_class_init (FlintValidatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flint_validator_dispose;
  object_class->finalize = flint_validator_finalize;

  signals[NODE_DIAGNOSTICS_CHANGED] =
    g_signal_new ("node-diagnostics-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[UPDATED] =
    g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
flint_validator_init (FlintValidator *self)
{
  self->states = g_hash_table_new_full (NULL, NULL, NULL, node_state_free);
  self->dirty = g_hash_table_new (NULL, NULL);
  self->sinks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->keys_dirty = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->global = g_ptr_array_new_with_free_func ((GDestroyNotify) flint_diagnostic_unref);
  self->unknown = flint_flow_new (NULL, 0);
}

FlintValidator *
flint_validator_new (FlintPipeline *pipeline)
{
  FlintValidator *self;

  g_return_val_if_fail (FLINT_IS_PIPELINE (pipeline), NULL);

  self = g_object_new (FLINT_TYPE_VALIDATOR, NULL);
  self->pipeline = g_object_ref (pipeline);
  self->handlers[0] = g_signal_connect (pipeline, "node-added", G_CALLBACK (on_node_added), self);
  self->handlers[1] = g_signal_connect (pipeline, "node-removed", G_CALLBACK (on_node_removed), self);
  self->handlers[2] = g_signal_connect (pipeline, "edge-added", G_CALLBACK (on_edge_changed), self);
  self->handlers[3] = g_signal_connect (pipeline, "edge-removed", G_CALLBACK (on_edge_changed), self);
  self->handlers[4] = g_signal_connect (pipeline, "node-changed", G_CALLBACK (on_node_changed), self);
  self->handlers[5] = g_signal_connect (pipeline, "job-changed", G_CALLBACK (on_job_changed), self);

  mark_all_dirty (self);

  return self;
}

FlintPipeline *
flint_validator_get_pipeline (FlintValidator *self)
{
  g_return_val_if_fail (FLINT_IS_VALIDATOR (self), NULL);
  return self->pipeline;
}

GPtrArray *
flint_validator_dup_diagnostics (FlintValidator *self)
{
  GPtrArray *ret;
  GListModel *nodes;
  guint n;

  g_return_val_if_fail (FLINT_IS_VALIDATOR (self), NULL);

  flint_validator_update (self);

  ret = g_ptr_array_new_with_free_func ((GDestroyNotify) flint_diagnostic_unref);
  for (guint i = 0; i < self->global->len; i++)
    g_ptr_array_add (ret, flint_diagnostic_ref (g_ptr_array_index (self->global, i)));

  nodes = flint_pipeline_get_nodes (self->pipeline);
  n = g_list_model_get_n_items (nodes);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      NodeState *state = g_hash_table_lookup (self->states, node);

      for (guint d = 0; state != NULL && d < state->diagnostics->len; d++)
        g_ptr_array_add (ret, flint_diagnostic_ref (g_ptr_array_index (state->diagnostics, d)));
    }

  return ret;
}

GPtrArray *
flint_validator_get_node_diagnostics (FlintValidator *self,
                                      const char     *node_id)
{
  static GPtrArray *empty;
  FlintNode *node;
  NodeState *state;

  g_return_val_if_fail (FLINT_IS_VALIDATOR (self), NULL);

  flint_validator_update (self);

  if (g_once_init_enter (&empty))
    g_once_init_leave (&empty, g_ptr_array_new ());

  node = flint_pipeline_lookup_node (self->pipeline, node_id);
  if (node == NULL || (state = g_hash_table_lookup (self->states, node)) == NULL)
    return empty;

  return state->diagnostics;
}

guint
flint_validator_count (FlintValidator *self,
                       FlintSeverity   severity)
{
  g_autoptr(GPtrArray) all = NULL;
  guint count = 0;

  g_return_val_if_fail (FLINT_IS_VALIDATOR (self), 0);

  all = flint_validator_dup_diagnostics (self);
  for (guint i = 0; i < all->len; i++)
    if (flint_diagnostic_get_severity (g_ptr_array_index (all, i)) == severity)
      count++;

  return count;
}

static FlintFlow *
lookup_output (FlintValidator *self,
               FlintNode      *node,
               const char     *port)
{
  NodeState *state = g_hash_table_lookup (self->states, node);
  guint idx = port ? port_index (flint_node_get_kind (node)->outputs, port) : 0;

  if (state == NULL || idx >= state->outputs->len)
    return NULL;

  return g_ptr_array_index (state->outputs, idx);
}

FlintFlow *
flint_validator_get_output (FlintValidator *self,
                            const char     *node_id,
                            const char     *port)
{
  FlintNode *node;

  g_return_val_if_fail (FLINT_IS_VALIDATOR (self), NULL);

  flint_validator_update (self);

  if ((node = flint_pipeline_lookup_node (self->pipeline, node_id)) == NULL)
    return NULL;

  return lookup_output (self, node, port);
}

FlintFlow *
flint_validator_get_input (FlintValidator *self,
                           const char     *node_id,
                           const char     *port)
{
  g_autoptr(GPtrArray) edges = NULL;
  FlintNode *node, *from;
  FlintEdge *edge;

  g_return_val_if_fail (FLINT_IS_VALIDATOR (self), NULL);

  flint_validator_update (self);

  if ((node = flint_pipeline_lookup_node (self->pipeline, node_id)) == NULL)
    return NULL;

  edges = flint_pipeline_dup_port_inputs (self->pipeline, node, port);
  if (edges->len == 0)
    return NULL;

  edge = g_ptr_array_index (edges, 0);
  from = flint_pipeline_lookup_node (self->pipeline, flint_edge_get_from_node (edge));

  return lookup_output (self, from, flint_edge_get_from_port (edge));
}
