/* flint-databricks-client.c: Databricks REST calls with retries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "flint-databricks-client.h"
#include "flint-target.h"

struct _FlintDatabricksClient
{
  GObject              parent_instance;

  FlintDatabricksAuth *auth;
  SoupSession         *session;
  guint                base_ms;
  guint                max_ms;
  guint                tries;
};

G_DEFINE_FINAL_TYPE (FlintDatabricksClient, flint_databricks_client, G_TYPE_OBJECT)

typedef struct
{
  char     *method;
  char     *path;
  GBytes   *body;
  guint     attempt;      /* tries so far */
  guint     timeout_id;
  gulong    cancel_id;
  char     *error_code;
  char     *last_problem; /* why the previous try failed, for the final message */
} Call;

static void
call_free (Call *call)
{
  g_assert (call->timeout_id == 0);
  g_free (call->method);
  g_free (call->path);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call->error_code);
  g_free (call->last_problem);
  g_free (call);
}

static void
flint_databricks_client_dispose (GObject *object)
{
  FlintDatabricksClient *self = FLINT_DATABRICKS_CLIENT (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (flint_databricks_client_parent_class)->dispose (object);
}

static void
flint_databricks_client_finalize (GObject *object)
{
  FlintDatabricksClient *self = FLINT_DATABRICKS_CLIENT (object);

  g_clear_pointer (&self->auth, flint_databricks_auth_free);

  G_OBJECT_CLASS (flint_databricks_client_parent_class)->finalize (object);
}

static void
flint_databricks_client_class_init (FlintDatabricksClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flint_databricks_client_dispose;
  object_class->finalize = flint_databricks_client_finalize;
}

static void
flint_databricks_client_init (FlintDatabricksClient *self)
{
  self->base_ms = 1000;
  self->max_ms = 30000;
  self->tries = 8;
  self->session = soup_session_new_with_options ("timeout", 60, "user-agent", "Flint/" PACKAGE_VERSION, NULL);
}

FlintDatabricksClient *
flint_databricks_client_new (FlintDatabricksAuth *auth)
{
  FlintDatabricksClient *self;

  g_return_val_if_fail (auth != NULL && auth->host != NULL && auth->token != NULL, NULL);

  self = g_object_new (FLINT_TYPE_DATABRICKS_CLIENT, NULL);
  self->auth = auth;
  return self;
}

const char *
flint_databricks_client_get_host (FlintDatabricksClient *self)
{
  g_return_val_if_fail (FLINT_IS_DATABRICKS_CLIENT (self), NULL);

  return self->auth->host;
}

const char *
flint_databricks_client_get_profile (FlintDatabricksClient *self)
{
  g_return_val_if_fail (FLINT_IS_DATABRICKS_CLIENT (self), NULL);

  return self->auth->profile;
}

void
flint_databricks_client_set_retry (FlintDatabricksClient *self,
                                   guint                  base_ms,
                                   guint                  max_ms,
                                   guint                  tries,
                                   guint                  timeout_s)
{
  g_return_if_fail (FLINT_IS_DATABRICKS_CLIENT (self));

  self->base_ms = MAX (base_ms, 1);
  self->max_ms = MAX (max_ms, self->base_ms);
  self->tries = MAX (tries, 1);
  g_object_set (self->session, "timeout", MAX (timeout_s, 1), NULL);
}

static void send_try (GTask *task);

/* The wait before a retry is over: send again (send_try owns a reference). */
static gboolean
retry_due (gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  call->timeout_id = 0;
  if (call->cancel_id != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), call->cancel_id);
  call->cancel_id = 0;
  send_try (g_object_ref (task));
  return G_SOURCE_REMOVE;
}

static gboolean
retry_now (gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  if (call->timeout_id != 0)
    {
      guint id = call->timeout_id;

      /* retry_due sees the cancellation and returns it at once. */
      g_object_ref (task);
      retry_due (task);
      g_source_remove (id);
      g_object_unref (task);
    }
  return G_SOURCE_REMOVE;
}

static void
retry_cancelled (GCancellable *cancellable,
                 gpointer      user_data)
{
  /* May run in the cancelling thread: finish from the main context. */
  g_idle_add_full (G_PRIORITY_DEFAULT, retry_now, g_object_ref (user_data), g_object_unref);
}

/* Waits @delay_ms (or less, when cancelled), then tries again; FALSE when out of tries. */
static gboolean
schedule_retry (GTask      *task,
                guint       delay_ms,
                const char *problem)
{
  FlintDatabricksClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  g_free (call->last_problem);
  call->last_problem = g_strdup (problem);
  if (call->attempt >= self->tries)
    return FALSE;

  g_debug ("Databricks %s %s: %s; trying again in %u ms", call->method, call->path, problem, delay_ms);
  call->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, retry_due, task, g_object_unref);
  if (g_task_get_cancellable (task) != NULL)
    call->cancel_id = g_cancellable_connect (g_task_get_cancellable (task), G_CALLBACK (retry_cancelled), task, NULL);
  return TRUE;
}

static guint
backoff_ms (FlintDatabricksClient *self,
            guint                  attempt)
{
  guint64 delay = self->base_ms;

  for (guint i = 1; i < attempt && delay < self->max_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->max_ms);
  /* Jitter (+0..25 %): clients that failed together do not come back together. */
  return (guint) (delay + g_random_int_range (0, (gint32) (delay / 4 + 1)));
}

/* Retry-After in milliseconds (seconds or an HTTP date), or 0 when absent. */
static guint
retry_after_ms (SoupMessage *message)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");
  g_autoptr(GDateTime) when = NULL;
  char *end = NULL;
  guint64 seconds;

  if (value == NULL)
    return 0;
  seconds = g_ascii_strtoull (value, &end, 10);
  if (end != value && *end == '\0')
    return (guint) MIN (seconds, 3600) * 1000;

  when = soup_date_time_new_from_http_string (value);
  if (when != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      GTimeSpan span = g_date_time_difference (when, now);

      return span > 0 ? (guint) MIN (span / 1000, 3600 * 1000) : 1;
    }
  return 0;
}

static char *
who (FlintDatabricksClient *self)
{
  if (self->auth->profile != NULL)
    return g_strdup_printf (_("the profile “%s” (%s)"), self->auth->profile, self->auth->host);
  return g_strdup_printf (_("%s (token from %s)"), self->auth->host, self->auth->source);
}

static void
return_refusal (GTask       *task,
                guint        status,
                const char  *error_code,
                const char  *message)
{
  FlintDatabricksClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autofree char *whom = who (self);
  g_autofree char *config_path = flint_databricks_config_path ();

  call->error_code = g_strdup (error_code);

  if (status == SOUP_STATUS_UNAUTHORIZED && self->auth->profile != NULL)
    g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                             _("Databricks refused the token of %s: %s (%u %s). The token has expired or was revoked: "
                               "create a new personal access token in the workspace (Settings, Developer, Access tokens) "
                               "and put it in the profile “%s” of %s, or enter it in Flint."),
                             whom, message, status, error_code ? error_code : "", self->auth->profile, config_path);
  else if (status == SOUP_STATUS_UNAUTHORIZED)
    g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                             _("Databricks refused the token of %s: %s (%u %s). The token has expired or was revoked: "
                               "create a new personal access token in the workspace (Settings, Developer, Access tokens) "
                               "and set DATABRICKS_TOKEN to it, or enter it in Flint."),
                             whom, message, status, error_code ? error_code : "");
  else if (status == SOUP_STATUS_FORBIDDEN)
    g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                             _("Databricks denied %s %s to %s: %s (%u %s). The token may have expired, or its user may "
                               "lack the permission: check it in the workspace, or create a new token and put it in %s."),
                             call->method, call->path, whom, message, status, error_code ? error_code : "",
                             self->auth->profile ? config_path : "DATABRICKS_TOKEN");
  else if (status == SOUP_STATUS_NOT_FOUND)
    g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_UNKNOWN_RUN,
                             _("Databricks (%s) does not know this: %s (%s)"), self->auth->host, message,
                             error_code ? error_code : "404");
  else
    g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT,
                             _("Databricks (%s) refused %s %s: %s (%u %s)"), self->auth->host,
                             call->method, call->path, message, status, error_code ? error_code : "");
}

/* error_code and message of an error body, in any of the shapes gateways send. */
static void
parse_error_body (GBytes  *body,
                  char   **error_code,
                  char   **message)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *text = body ? g_bytes_get_data (body, &size) : NULL;

  *error_code = NULL;
  *message = NULL;
  if (text != NULL && json_parser_load_from_data (parser, text, (gssize) size, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      JsonNode *code = json_object_get_member (o, "error_code");

      if (code != NULL && JSON_NODE_HOLDS_VALUE (code))
        *error_code = json_node_get_value_type (code) == G_TYPE_STRING
                      ? g_strdup (json_node_get_string (code))
                      : g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (code));
      if (json_object_has_member (o, "message"))
        *message = g_strdup (json_object_get_string_member_with_default (o, "message", ""));
      else if (json_object_has_member (o, "error"))
        *message = g_strdup (json_object_get_string_member_with_default (o, "error", ""));
    }
  if (*message == NULL && text != NULL && size > 0)
    *message = g_strstrip (g_strndup (text, MIN (size, 300)));
  if (*message == NULL)
    *message = g_strdup (_("no details"));
}

static void
received (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;   /* owned */
  FlintDatabricksClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *problem = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      /* A dropped connection, a timeout, a reset: the request may or may not have been
       * done; every call Flint makes is safe to repeat (runs/submit by its token). */
      problem = g_strdup (error->message);
      if (!schedule_retry (task, backoff_ms (self, call->attempt), problem))
        {
          g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_NOT_FOUND,
                                   _("Cannot reach Databricks at %s after %u tries: %s"),
                                   self->auth->host, call->attempt, problem);
          g_object_unref (task);
        }
      return;
    }

  status = soup_message_get_status (message);
  if (status >= 200 && status < 300)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      gsize size = 0;
      const char *text = g_bytes_get_data (body, &size);

      if (size == 0)
        {
          g_task_return_pointer (task, json_node_init_object (json_node_alloc (), json_object_new ()),
                                 (GDestroyNotify) json_node_unref);
          g_object_unref (task);
          return;
        }
      if (json_parser_load_from_data (parser, text, (gssize) size, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          g_task_return_pointer (task, json_node_copy (json_parser_get_root (parser)), (GDestroyNotify) json_node_unref);
          g_object_unref (task);
          return;
        }
      /* A truncated answer: as a dropped connection. */
      problem = g_strdup (_("an incomplete answer"));
      if (!schedule_retry (task, backoff_ms (self, call->attempt), problem))
        {
          g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT,
                                   _("Databricks (%s) kept sending incomplete answers to %s %s"),
                                   self->auth->host, call->method, call->path);
          g_object_unref (task);
        }
      return;
    }

  {
    g_autofree char *error_code = NULL;
    g_autofree char *text = NULL;
    guint delay = 0;

    parse_error_body (body, &error_code, &text);
    problem = g_strdup_printf ("%u %s: %s", status, error_code ? error_code : "", text);

    switch (status)
      {
      case 429: /* Too Many Requests: libsoup 3.2 has no name for it */
      case SOUP_STATUS_SERVICE_UNAVAILABLE:
        delay = retry_after_ms (message);
        if (delay == 0)
          delay = backoff_ms (self, call->attempt);
        break;
      case SOUP_STATUS_INTERNAL_SERVER_ERROR:
      case SOUP_STATUS_BAD_GATEWAY:
      case SOUP_STATUS_GATEWAY_TIMEOUT:
        delay = backoff_ms (self, call->attempt);
        break;
      default:
        return_refusal (task, status, error_code, text);
        g_object_unref (task);
        return;
      }

    if (!schedule_retry (task, delay, problem))
      {
        call->error_code = g_steal_pointer (&error_code);
        g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_SUBMIT,
                                 _("Databricks (%s) is not answering %s %s after %u tries: %s"),
                                 self->auth->host, call->method, call->path, call->attempt, problem);
        g_object_unref (task);
      }
  }
}

static void
send_try (GTask *task)
{
  FlintDatabricksClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autofree char *url = g_strconcat (self->auth->host, call->path, NULL);
  g_autofree char *bearer = NULL;
  g_autoptr(SoupMessage) message = NULL;
  SoupMessageHeaders *headers;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  message = soup_message_new (call->method, url);
  if (message == NULL)
    {
      g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                               _("“%s” is not a Databricks workspace URL"), self->auth->host);
      g_object_unref (task);
      return;
    }
  headers = soup_message_get_request_headers (message);
  bearer = g_strconcat ("Bearer ", self->auth->token, NULL);
  soup_message_headers_replace (headers, "Authorization", bearer);
  memset (bearer, 0, strlen (bearer));
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (call->body != NULL)
    soup_message_set_request_body_from_bytes (message, "application/json", call->body);

  call->attempt++;
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                    received, task);
}

void
flint_databricks_client_call_async (FlintDatabricksClient *self,
                                    const char            *method,
                                    const char            *path,
                                    JsonNode              *body,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  GTask *task;
  Call *call;

  g_return_if_fail (FLINT_IS_DATABRICKS_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flint_databricks_client_call_async);
  call = g_new0 (Call, 1);
  call->method = g_strdup (method);
  call->path = g_strdup (path);
  if (body != NULL)
    {
      gsize length = 0;
      char *text = json_to_string (body, FALSE);

      length = strlen (text);
      call->body = g_bytes_new_take (text, length);
    }
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  send_try (task);
}

JsonNode *
flint_databricks_client_call_finish (FlintDatabricksClient  *self,
                                     GAsyncResult           *result,
                                     char                  **error_code,
                                     GError                **error)
{
  Call *call;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  call = g_task_get_task_data (G_TASK (result));
  if (error_code != NULL)
    *error_code = g_strdup (call->error_code);
  return g_task_propagate_pointer (G_TASK (result), error);
}
