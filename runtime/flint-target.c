/* flint-target.c: the target interface, the registry of kinds, the default follow
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "flint-target.h"

G_DEFINE_QUARK (flint-target-error-quark, flint_target_error)
G_DEFINE_INTERFACE (FlintTarget, flint_target, G_TYPE_OBJECT)

static GQuark name_quark;
static GQuark kind_quark;
static GHashTable *kinds; /* kind -> GType */
G_LOCK_DEFINE_STATIC (kinds);

/* The default follow: refresh, wait, refresh, until the run is finished. */
typedef struct
{
  FlintRun *run;
  guint     timeout_id;
} FollowData;

static void
follow_data_free (FollowData *data)
{
  g_assert (data->timeout_id == 0);
  g_clear_object (&data->run);
  g_free (data);
}

static void follow_look (GTask *task);

static gboolean
follow_tick (gpointer user_data)
{
  GTask *task = user_data;
  FollowData *data = g_task_get_task_data (task);

  data->timeout_id = 0;
  follow_look (task);
  return G_SOURCE_REMOVE;
}

static void
follow_refreshed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FlintTarget *self = FLINT_TARGET (source);
  FollowData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  FlintTargetInterface *iface = FLINT_TARGET_GET_IFACE (self);
  guint interval = 1000;

  if (!flint_target_refresh_finish (self, result, &error))
    {
      /* A failed look is not a failed run: try again, unless we were told to stop. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_UNKNOWN_RUN))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_debug ("Looking at run %s failed: %s", flint_run_get_id (data->run), error->message);
    }

  if (flint_run_state_is_finished (flint_run_get_state (data->run)))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  if (iface->get_poll_interval != NULL)
    interval = iface->get_poll_interval (self, data->run);
  data->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, interval, follow_tick, g_object_ref (task), g_object_unref);
}

static void
follow_look (GTask *task)
{
  FollowData *data = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return;
  flint_target_refresh_async (g_task_get_source_object (task), data->run, g_task_get_cancellable (task),
                              follow_refreshed, g_object_ref (task));
}

static void
real_follow_async (FlintTarget         *self,
                   FlintRun            *run,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  FollowData *data = g_new0 (FollowData, 1);

  g_task_set_source_tag (task, real_follow_async);
  data->run = g_object_ref (run);
  g_task_set_task_data (task, data, (GDestroyNotify) follow_data_free);
  follow_look (task);
  g_object_unref (task);
}

static gboolean
real_follow_finish (FlintTarget   *self,
                    GAsyncResult  *result,
                    GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static FlintTargetFlags
real_get_flags (FlintTarget *self)
{
  return FLINT_TARGET_FLAGS_NONE;
}

static gboolean
real_configure (FlintTarget  *self,
                JsonObject   *config,
                GError      **error)
{
  return TRUE;
}

static void
unsupported_async (FlintTarget         *self,
                   FlintRun            *run,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_task_report_new_error (self, callback, user_data, unsupported_async,
                           FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_UNSUPPORTED,
                           _("The target “%s” cannot do this"), flint_target_get_name (self));
}

static gboolean
unsupported_finish (FlintTarget   *self,
                    GAsyncResult  *result,
                    GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
flint_target_default_init (FlintTargetInterface *iface)
{
  name_quark = g_quark_from_static_string ("flint-target-name");
  kind_quark = g_quark_from_static_string ("flint-target-kind");

  iface->get_flags = real_get_flags;
  iface->configure = real_configure;
  iface->follow_async = real_follow_async;
  iface->follow_finish = real_follow_finish;
  iface->cancel_async = unsupported_async;
  iface->cancel_finish = unsupported_finish;
}

void
flint_target_register_kind (const char *kind,
                            GType       type)
{
  g_return_if_fail (kind != NULL);
  g_return_if_fail (g_type_is_a (type, FLINT_TYPE_TARGET));

  G_LOCK (kinds);
  if (kinds == NULL)
    kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (kinds, g_strdup (kind), GSIZE_TO_POINTER (type));
  G_UNLOCK (kinds);
}

GType
flint_target_lookup_kind (const char *kind)
{
  GType type = G_TYPE_INVALID;

  g_return_val_if_fail (kind != NULL, G_TYPE_INVALID);

  G_LOCK (kinds);
  if (kinds != NULL)
    type = GPOINTER_TO_SIZE (g_hash_table_lookup (kinds, kind));
  G_UNLOCK (kinds);

  return type;
}

FlintTarget *
flint_target_new_for_config (const char  *name,
                             JsonObject  *config,
                             GError     **error)
{
  g_autoptr(FlintTarget) target = NULL;
  const char *kind;
  GType type;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (config != NULL, NULL);

  kind = json_object_get_string_member_with_default (config, "kind", "local");
  type = flint_target_lookup_kind (kind);
  if (type == G_TYPE_INVALID)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("Target “%s”: Flint cannot run on “%s” targets yet"), name, kind);
      return NULL;
    }

  target = g_object_new (type, NULL);
  g_object_set_qdata_full (G_OBJECT (target), name_quark, g_strdup (name), g_free);
  g_object_set_qdata_full (G_OBJECT (target), kind_quark, g_strdup (kind), g_free);

  if (!flint_target_configure (target, config, error))
    return NULL;

  return g_steal_pointer (&target);
}

const char *
flint_target_get_name (FlintTarget *self)
{
  g_return_val_if_fail (FLINT_IS_TARGET (self), NULL);

  return g_object_get_qdata (G_OBJECT (self), name_quark);
}

const char *
flint_target_get_kind (FlintTarget *self)
{
  g_return_val_if_fail (FLINT_IS_TARGET (self), NULL);

  return g_object_get_qdata (G_OBJECT (self), kind_quark);
}

FlintTargetFlags
flint_target_get_flags (FlintTarget *self)
{
  g_return_val_if_fail (FLINT_IS_TARGET (self), 0);

  return FLINT_TARGET_GET_IFACE (self)->get_flags (self);
}

gboolean
flint_target_configure (FlintTarget  *self,
                        JsonObject   *config,
                        GError      **error)
{
  g_return_val_if_fail (FLINT_IS_TARGET (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return FLINT_TARGET_GET_IFACE (self)->configure (self, config, error);
}

#define FORWARD_ASYNC(op) \
  void \
  flint_target_##op##_async (FlintTarget         *self, \
                             FlintRun            *run, \
                             GCancellable        *cancellable, \
                             GAsyncReadyCallback  callback, \
                             gpointer             user_data) \
  { \
    g_return_if_fail (FLINT_IS_TARGET (self)); \
    g_return_if_fail (FLINT_IS_RUN (run)); \
    FLINT_TARGET_GET_IFACE (self)->op##_async (self, run, cancellable, callback, user_data); \
  } \
  gboolean \
  flint_target_##op##_finish (FlintTarget   *self, \
                              GAsyncResult  *result, \
                              GError       **error) \
  { \
    g_return_val_if_fail (FLINT_IS_TARGET (self), FALSE); \
    g_return_val_if_fail (error == NULL || *error == NULL, FALSE); \
    return FLINT_TARGET_GET_IFACE (self)->op##_finish (self, result, error); \
  }

FORWARD_ASYNC (submit)
FORWARD_ASYNC (follow)
FORWARD_ASYNC (refresh)
FORWARD_ASYNC (cancel)

void
flint_target_read_logs_async (FlintTarget         *self,
                              FlintRun            *run,
                              FlintLogStream       stream,
                              guint64              offset,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (FLINT_IS_TARGET (self));
  g_return_if_fail (FLINT_IS_RUN (run));

  if (FLINT_TARGET_GET_IFACE (self)->read_logs_async == NULL)
    {
      g_task_report_new_error (self, callback, user_data, flint_target_read_logs_async,
                               FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_UNSUPPORTED,
                               _("The target “%s” keeps no logs"), flint_target_get_name (self));
      return;
    }
  FLINT_TARGET_GET_IFACE (self)->read_logs_async (self, run, stream, offset, cancellable, callback, user_data);
}

GBytes *
flint_target_read_logs_finish (FlintTarget   *self,
                               GAsyncResult  *result,
                               guint64       *next_offset,
                               GError       **error)
{
  g_return_val_if_fail (FLINT_IS_TARGET (self), NULL);

  if (g_async_result_is_tagged (result, flint_target_read_logs_async))
    return g_task_propagate_pointer (G_TASK (result), error);
  return FLINT_TARGET_GET_IFACE (self)->read_logs_finish (self, result, next_offset, error);
}

char *
flint_target_node_from_description (const char *description)
{
  const char *end;

  if (description == NULL || !g_str_has_prefix (description, "[flint:"))
    return NULL;

  description += strlen ("[flint:");
  end = strchr (description, ']');
  if (end == NULL || end == description)
    return NULL;

  return g_strndup (description, end - description);
}
