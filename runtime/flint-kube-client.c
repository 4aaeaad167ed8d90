/* flint-kube-client.c: requests to a Kubernetes API server, authenticated as kubectl does
 *
 * Two sessions: one for requests (a 30 s I/O timeout) and one for streams (watches and
 * followed logs stay open for minutes), so a long watch never holds up a request.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>
#include <unistd.h>

#include "flint-kube-client.h"
#include "flint-target.h"

struct _FlintKubeClient
{
  GObject          parent_instance;

  SoupSession     *session;
  SoupSession     *stream_session;
  char            *server;
  char            *namespace;
  char            *token;
  char            *token_file;
  char            *basic_auth;
  GTlsCertificate *client_cert;
  GTlsDatabase    *database;
  char            *ca_file;
  gboolean         insecure;
  char            *tls_server_name;

  FlintKubeExec   *exec;
  char            *exec_cluster;     /* the cluster, for provideClusterInfo */
  char            *exec_token;
  GTlsCertificate *exec_cert;
  gint64           exec_expiry;      /* g_get_real_time () units; 0: never expires */
  gboolean         exec_valid;
  gboolean         exec_running;
  GPtrArray       *exec_waiters;     /* GTask */
  guint            exec_count;
};

G_DEFINE_FINAL_TYPE (FlintKubeClient, flint_kube_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (flint-kube-error-quark, flint_kube_error)

typedef struct
{
  char     *method;
  char     *path;
  char     *content_type;
  GBytes   *body;
  gboolean  stream;
  gboolean  retried;
  guint     resent;
  guint     status;
} Request;

static void request_send (GTask *task);

static void
request_free (Request *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->content_type);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request);
}

static void
flint_kube_client_dispose (GObject *object)
{
  FlintKubeClient *self = FLINT_KUBE_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  if (self->stream_session != NULL)
    soup_session_abort (self->stream_session);
  g_clear_object (&self->session);
  g_clear_object (&self->stream_session);
  g_clear_object (&self->client_cert);
  g_clear_object (&self->exec_cert);
  g_clear_object (&self->database);

  G_OBJECT_CLASS (flint_kube_client_parent_class)->dispose (object);
}

static void
flint_kube_client_finalize (GObject *object)
{
  FlintKubeClient *self = FLINT_KUBE_CLIENT (object);

  g_free (self->server);
  g_free (self->namespace);
  g_free (self->token);
  g_free (self->token_file);
  g_free (self->basic_auth);
  g_free (self->tls_server_name);
  if (self->ca_file != NULL)
    g_unlink (self->ca_file);
  g_free (self->ca_file);
  flint_kube_exec_free (self->exec);
  g_free (self->exec_cluster);
  g_free (self->exec_token);
  g_ptr_array_unref (self->exec_waiters);

  G_OBJECT_CLASS (flint_kube_client_parent_class)->finalize (object);
}

static void
flint_kube_client_class_init (FlintKubeClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = flint_kube_client_dispose;
  object_class->finalize = flint_kube_client_finalize;
}

static void
flint_kube_client_init (FlintKubeClient *self)
{
  self->exec_waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

/* TLS {{{ */

/* GLib 2.74 reads anchors only from a file, and reads it again when it verifies: the file
 * lives as long as the client. */
static GTlsDatabase *
database_from_pem (GBytes   *pem,
                   char    **path_out,
                   GError  **error)
{
  g_autofree char *path = NULL;
  GTlsDatabase *database;
  int fd;

  fd = g_file_open_tmp ("flint-kube-ca-XXXXXX.pem", &path, error);
  if (fd < 0)
    return NULL;
  close (fd);
  if (!g_file_set_contents (path, g_bytes_get_data (pem, NULL), (gssize) g_bytes_get_size (pem), error))
    {
      g_unlink (path);
      return NULL;
    }
  database = g_tls_file_database_new (path, error);
  if (database == NULL)
    g_unlink (path);
  else
    *path_out = g_steal_pointer (&path);
  return database;
}

static GTlsCertificate *
certificate_from_pem (GBytes  *cert,
                      GBytes  *key,
                      GError **error)
{
  g_autoptr(GString) both = g_string_new_len (g_bytes_get_data (cert, NULL), (gssize) g_bytes_get_size (cert));

  g_string_append_c (both, '\n');
  g_string_append_len (both, g_bytes_get_data (key, NULL), (gssize) g_bytes_get_size (key));
  return g_tls_certificate_new_from_pem (both->str, (gssize) both->len, error);
}

/* Only called when the usual checks failed: insecure-skip-tls-verify, or a certificate
 * issued for tls-server-name rather than the host in the URL. */
static gboolean
accept_certificate (SoupMessage          *message,
                    GTlsCertificate      *peer,
                    GTlsCertificateFlags  errors,
                    gpointer              user_data)
{
  FlintKubeClient *self = user_data;
  g_autoptr(GSocketConnectable) identity = NULL;
  GTlsDatabase *database;
  GTlsCertificateFlags flags;

  if (self->insecure)
    return TRUE;
  if (self->tls_server_name == NULL)
    return FALSE;

  database = self->database ? self->database : g_tls_backend_get_default_database (g_tls_backend_get_default ());
  identity = g_network_address_new (self->tls_server_name, 443);
  flags = g_tls_database_verify_chain (database, peer, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity,
                                       NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);
  if (self->database == NULL)
    g_object_unref (database);
  return flags == 0;
}

/* }}} */

FlintKubeClient *
flint_kube_client_new (FlintKubeContext  *context,
                       GError           **error)
{
  g_autoptr(FlintKubeClient) self = g_object_new (FLINT_TYPE_KUBE_CLIENT, NULL);

  g_return_val_if_fail (context != NULL, NULL);

  self->server = g_strdup (context->server);
  self->namespace = g_strdup (context->namespace);
  self->token = g_strdup (context->token);
  self->token_file = g_strdup (context->token_file);
  self->insecure = context->insecure_skip_tls_verify;
  self->tls_server_name = g_strdup (context->tls_server_name);

  if (context->username != NULL && context->password != NULL)
    {
      g_autofree char *pair = g_strdup_printf ("%s:%s", context->username, context->password);

      self->basic_auth = g_base64_encode ((const guchar *) pair, strlen (pair));
    }

  if (context->ca_pem != NULL && !self->insecure)
    {
      self->database = database_from_pem (context->ca_pem, &self->ca_file, error);
      if (self->database == NULL)
        {
          g_prefix_error (error, _("The cluster's certificate authority cannot be used: "));
          return NULL;
        }
    }
  if (context->client_cert_pem != NULL)
    {
      self->client_cert = certificate_from_pem (context->client_cert_pem, context->client_key_pem, error);
      if (self->client_cert == NULL)
        {
          g_prefix_error (error, _("The user's client certificate cannot be used: "));
          return NULL;
        }
    }

  if (context->exec != NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      self->exec = g_new0 (FlintKubeExec, 1);
      self->exec->api_version = g_strdup (context->exec->api_version);
      self->exec->command = g_strdup (context->exec->command);
      self->exec->args = g_strdupv (context->exec->args);
      self->exec->env = g_strdupv (context->exec->env);
      self->exec->interactive_mode = g_strdup (context->exec->interactive_mode);
      self->exec->provide_cluster_info = context->exec->provide_cluster_info;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "server");
      json_builder_add_string_value (builder, context->server);
      if (context->tls_server_name != NULL)
        {
          json_builder_set_member_name (builder, "tls-server-name");
          json_builder_add_string_value (builder, context->tls_server_name);
        }
      json_builder_set_member_name (builder, "insecure-skip-tls-verify");
      json_builder_add_boolean_value (builder, context->insecure_skip_tls_verify);
      if (context->ca_pem != NULL)
        {
          g_autofree char *b64 = g_base64_encode (g_bytes_get_data (context->ca_pem, NULL),
                                                  g_bytes_get_size (context->ca_pem));

          json_builder_set_member_name (builder, "certificate-authority-data");
          json_builder_add_string_value (builder, b64);
        }
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      self->exec_cluster = json_to_string (root, FALSE);
    }

  self->session = soup_session_new_with_options ("timeout", 30, "max-conns-per-host", 8, NULL);
  /* Watches and followed logs may stay quiet for minutes. */
  self->stream_session = soup_session_new_with_options ("timeout", 0, "max-conns-per-host", 32, "max-conns", 64, NULL);
  if (self->database != NULL)
    {
      soup_session_set_tls_database (self->session, self->database);
      soup_session_set_tls_database (self->stream_session, self->database);
    }

  return g_steal_pointer (&self);
}

const char *
flint_kube_client_get_server (FlintKubeClient *self)
{
  g_return_val_if_fail (FLINT_IS_KUBE_CLIENT (self), NULL);

  return self->server;
}

const char *
flint_kube_client_get_namespace (FlintKubeClient *self)
{
  g_return_val_if_fail (FLINT_IS_KUBE_CLIENT (self), NULL);

  return self->namespace;
}

guint
flint_kube_client_get_exec_count (FlintKubeClient *self)
{
  g_return_val_if_fail (FLINT_IS_KUBE_CLIENT (self), 0);

  return self->exec_count;
}

/* The exec plugin {{{ */

static gboolean
exec_fresh (FlintKubeClient *self)
{
  return self->exec_valid && (self->exec_expiry == 0 || g_get_real_time () < self->exec_expiry);
}

static gboolean
exec_parse (FlintKubeClient  *self,
            const char       *output,
            GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root, *status;
  const char *token, *cert, *key, *expiry;

  if (!json_parser_load_from_data (parser, output, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("The credential plugin %s did not print an ExecCredential"), self->exec->command);
      return FALSE;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  status = json_object_has_member (root, "status") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "status"))
           ? json_object_get_object_member (root, "status") : NULL;
  if (status == NULL)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("The credential plugin %s printed an ExecCredential without a status"), self->exec->command);
      return FALSE;
    }
  token = json_object_get_string_member_with_default (status, "token", NULL);
  cert = json_object_get_string_member_with_default (status, "clientCertificateData", NULL);
  key = json_object_get_string_member_with_default (status, "clientKeyData", NULL);
  expiry = json_object_get_string_member_with_default (status, "expirationTimestamp", NULL);

  g_clear_pointer (&self->exec_token, g_free);
  g_clear_object (&self->exec_cert);
  self->exec_expiry = 0;

  if (cert != NULL || key != NULL)
    {
      g_autoptr(GBytes) cert_bytes = NULL;
      g_autoptr(GBytes) key_bytes = NULL;

      if (cert == NULL || key == NULL)
        {
          g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                       _("The credential plugin %s gave a client certificate without its key"), self->exec->command);
          return FALSE;
        }
      cert_bytes = g_bytes_new (cert, strlen (cert));
      key_bytes = g_bytes_new (key, strlen (key));
      self->exec_cert = certificate_from_pem (cert_bytes, key_bytes, error);
      if (self->exec_cert == NULL)
        return FALSE;
    }
  else if (token == NULL || *token == '\0')
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("The credential plugin %s gave neither a token nor a client certificate"), self->exec->command);
      return FALSE;
    }
  self->exec_token = g_strdup (token);

  if (expiry != NULL && *expiry != '\0')
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 (expiry, NULL);

      if (when == NULL)
        {
          g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                       _("The credential plugin %s gave an unreadable expirationTimestamp “%s”"),
                       self->exec->command, expiry);
          return FALSE;
        }
      self->exec_expiry = g_date_time_to_unix (when) * G_USEC_PER_SEC + g_date_time_get_microsecond (when);
    }
  self->exec_valid = TRUE;
  return TRUE;
}

static void
exec_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(FlintKubeClient) self = user_data;
  g_autoptr(GPtrArray) waiters = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  GSubprocess *process = G_SUBPROCESS (source);

  self->exec_running = FALSE;
  if (g_subprocess_communicate_utf8_finish (process, result, &out, &err, &error))
    {
      if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
        {
          g_auto(GStrv) lines = g_strsplit (g_strstrip (err ? err : g_strdup ("")), "\n", -1);
          guint n = g_strv_length (lines);

          g_set_error (&error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                       _("The credential plugin %s failed: %s"), self->exec->command,
                       n > 0 && *lines[n - 1] ? lines[n - 1] : _("no message"));
        }
      else
        exec_parse (self, out ? out : "", &error);
    }

  waiters = g_steal_pointer (&self->exec_waiters);
  self->exec_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_object_ref (g_ptr_array_index (waiters, i));

      if (error != NULL)
        {
          g_task_return_error (task, g_error_copy (error));
          g_object_unref (task);
        }
      else
        request_send (task);
    }
}

/* Queues @task until the plugin answered; one run of the plugin serves every waiter. */
static void
exec_run (FlintKubeClient *self,
          GTask           *task)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *info = NULL;
  GError *error = NULL;

  g_ptr_array_add (self->exec_waiters, task);
  if (self->exec_running)
    return;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                        G_SUBPROCESS_FLAGS_STDIN_PIPE);
  for (guint i = 0; self->exec->env != NULL && self->exec->env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (self->exec->env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1] ? pair[1] : "", TRUE);
    }
  /* Flint has no terminal to lend a plugin: it never runs interactively. */
  info = g_strdup_printf ("{\"apiVersion\":\"%s\",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":false%s%s}}",
                          self->exec->api_version,
                          self->exec->provide_cluster_info ? ",\"cluster\":" : "",
                          self->exec->provide_cluster_info ? self->exec_cluster : "");
  g_subprocess_launcher_setenv (launcher, "KUBERNETES_EXEC_INFO", info, TRUE);

  g_ptr_array_add (argv, self->exec->command);
  for (guint i = 0; self->exec->args != NULL && self->exec->args[i] != NULL; i++)
    g_ptr_array_add (argv, self->exec->args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  if (process == NULL)
    {
      g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->exec_waiters);

      self->exec_waiters = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < waiters->len; i++)
        g_task_return_new_error (g_ptr_array_index (waiters, i), FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                                 _("The credential plugin %s cannot be run: %s"), self->exec->command, error->message);
      g_error_free (error);
      return;
    }
  self->exec_running = TRUE;
  self->exec_count++;
  g_subprocess_communicate_utf8_async (process, "", NULL, exec_done, g_object_ref (self));
}

/* }}} */

/* Requests {{{ */

static void
set_status_error (GError     **error,
                  guint        status,
                  const char  *reason,
                  GBytes      *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *message = NULL;

  if (body != NULL && g_bytes_get_size (body) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    message = json_object_get_string_member_with_default (json_node_get_object (json_parser_get_root (parser)),
                                                          "message", NULL);
  if (message != NULL)
    g_set_error (error, FLINT_KUBE_ERROR, (gint) status, _("The API server answered %u: %s"), status, message);
  else
    g_set_error (error, FLINT_KUBE_ERROR, (gint) status, _("The API server answered %u %s"), status,
                 reason ? reason : "");
}

/* Sent again once when the connection failed under it: the API server ends HTTP/2
 * connections (GOAWAY) after some answers, a 401 among them. Every request Flint sends can
 * be repeated: creates answer 409 the second time, the rest are idempotent. */
static gboolean
resend_due (gpointer user_data)
{
  request_send (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
resend_after (GTask  *task,
              GError *error)
{
  FlintKubeClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);

  if (request->resent >= 3 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    return FALSE;
  request->resent++;
  /* libsoup 3.2 loses an HTTP/2 answer sent before the request body was read (the API
   * server's 401 is one): the plugin's credential may have been refused, so ask again. */
  if (self->exec != NULL && !request->retried)
    {
      request->retried = TRUE;
      self->exec_valid = FALSE;
    }
  g_debug ("Sending %s %s again: %s", request->method, request->path, error->message);
  g_error_free (error);
  /* A moment later: the closing connection is out of the pool by then. */
  g_timeout_add (100 * request->resent, resend_due, task);
  return TRUE;
}

/* A 401 with a plugin: its credential was refused, so ask it again, once. */
static gboolean
retry_unauthorized (FlintKubeClient *self,
                    GTask           *task,
                    guint            status)
{
  Request *request = g_task_get_task_data (task);

  if (status != SOUP_STATUS_UNAUTHORIZED || self->exec == NULL || request->retried)
    return FALSE;
  request->retried = TRUE;
  self->exec_valid = FALSE;
  request_send (task);
  return TRUE;
}

static void
request_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  FlintKubeClient *self = g_task_get_source_object (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GError *error = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      if (resend_after (task, error))
        return;
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  status = soup_message_get_status (message);
  if (retry_unauthorized (self, task, status))
    return;
  if (status < 200 || status >= 300)
    {
      set_status_error (&error, status, soup_message_get_reason_phrase (message), body);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (g_bytes_get_size (body) == 0)
    {
      g_task_return_pointer (task, json_node_init_null (json_node_alloc ()), (GDestroyNotify) json_node_unref);
      g_object_unref (task);
      return;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), &error))
    {
      g_prefix_error (&error, _("The API server's answer is not JSON: "));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_task_return_pointer (task, json_node_ref (json_parser_get_root (parser)), (GDestroyNotify) json_node_unref);
  g_object_unref (task);
}

static void
stream_error_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GBytes) body = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);
  GError *error = NULL;

  set_status_error (&error, request->status, NULL, body);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
stream_opened (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  FlintKubeClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GInputStream) stream = NULL;
  GError *error = NULL;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (stream == NULL)
    {
      if (resend_after (task, error))
        return;
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  request->status = soup_message_get_status (message);
  if (request->status >= 200 && request->status < 300)
    {
      g_task_return_pointer (task, g_steal_pointer (&stream), g_object_unref);
      g_object_unref (task);
      return;
    }
  if (retry_unauthorized (self, task, request->status))
    return;
  g_input_stream_read_bytes_async (stream, 65536, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   stream_error_read, task);
}

static void
request_send (GTask *task)
{
  FlintKubeClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  SoupMessageHeaders *headers;
  GTlsCertificate *cert = self->client_cert;

  if (self->exec != NULL && !exec_fresh (self))
    {
      exec_run (self, task);
      return;
    }

  url = g_strconcat (self->server, request->path, NULL);
  message = soup_message_new (request->method, url);
  if (message == NULL)
    {
      g_task_return_new_error (task, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                               _("“%s” is not a URL the API server can be asked"), url);
      g_object_unref (task);
      return;
    }
  headers = soup_message_get_request_headers (message);
  soup_message_headers_append (headers, "Accept", "application/json");
  soup_message_headers_append (headers, "User-Agent", "flint");

  if (self->exec != NULL)
    {
      token = g_strdup (self->exec_token);
      if (self->exec_cert != NULL)
        cert = self->exec_cert;
    }
  else if (self->token_file != NULL)
    {
      /* Re-read every time: the file is rotated behind our back (projected tokens). */
      if (g_file_get_contents (self->token_file, &token, NULL, NULL))
        g_strstrip (token);
      else
        token = g_strdup (self->token);
    }
  else
    token = g_strdup (self->token);

  if (token != NULL && *token != '\0')
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  else if (self->basic_auth != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Basic %s", self->basic_auth);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (cert != NULL)
    soup_message_set_tls_client_certificate (message, cert);
  if (self->insecure || self->tls_server_name != NULL)
    g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_certificate), self);
  if (request->body != NULL)
    soup_message_set_request_body_from_bytes (message, request->content_type, request->body);

  if (request->stream)
    soup_session_send_async (self->stream_session, message, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                             stream_opened, task);
  else
    soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                      request_read, task);
}

void
flint_kube_client_request_async (FlintKubeClient     *self,
                                 const char          *method,
                                 const char          *path,
                                 const char          *content_type,
                                 JsonNode            *body,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  Request *request;

  g_return_if_fail (FLINT_IS_KUBE_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flint_kube_client_request_async);
  request = g_new0 (Request, 1);
  request->method = g_strdup (method);
  request->path = g_strdup (path);
  request->content_type = g_strdup (content_type ? content_type : "application/json");
  if (body != NULL)
    {
      gsize length = 0;
      char *text = json_to_string (body, FALSE);

      length = strlen (text);
      request->body = g_bytes_new_take (text, length);
    }
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  request_send (task);
}

JsonNode *
flint_kube_client_request_finish (FlintKubeClient  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
flint_kube_client_open_async (FlintKubeClient     *self,
                              const char          *path,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  Request *request;

  g_return_if_fail (FLINT_IS_KUBE_CLIENT (self));
  g_return_if_fail (path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, flint_kube_client_open_async);
  request = g_new0 (Request, 1);
  request->method = g_strdup ("GET");
  request->path = g_strdup (path);
  request->stream = TRUE;
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  request_send (task);
}

GInputStream *
flint_kube_client_open_finish (FlintKubeClient  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */
