/* flint-kubeconfig.c: the user's kubeconfig, read as kubectl reads it
 *
 * The YAML is read into JSON trees whose scalars all stay text (a token of digits is
 * still a token); booleans are compared as kubectl's YAML reader would read them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <yaml.h>

#include "flint-kubeconfig.h"
#include "flint-target.h"

typedef struct
{
  JsonObject *object;   /* the inner cluster, user or context map */
  char       *file;
  char       *dir;
} Entry;

struct _FlintKubeconfig
{
  GObject     parent_instance;

  char       *current_context;
  GHashTable *clusters;   /* name -> Entry */
  GHashTable *users;
  GHashTable *contexts;
};

G_DEFINE_FINAL_TYPE (FlintKubeconfig, flint_kubeconfig, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  json_object_unref (entry->object);
  g_free (entry->file);
  g_free (entry->dir);
  g_free (entry);
}

void
flint_kube_exec_free (FlintKubeExec *exec)
{
  if (exec == NULL)
    return;
  g_free (exec->api_version);
  g_free (exec->command);
  g_strfreev (exec->args);
  g_strfreev (exec->env);
  g_free (exec->interactive_mode);
  g_free (exec);
}

void
flint_kube_context_free (FlintKubeContext *context)
{
  if (context == NULL)
    return;
  g_free (context->name);
  g_free (context->cluster);
  g_free (context->user);
  g_free (context->namespace);
  g_free (context->server);
  g_clear_pointer (&context->ca_pem, g_bytes_unref);
  g_free (context->tls_server_name);
  g_free (context->token);
  g_free (context->token_file);
  g_clear_pointer (&context->client_cert_pem, g_bytes_unref);
  g_clear_pointer (&context->client_key_pem, g_bytes_unref);
  g_free (context->username);
  g_free (context->password);
  flint_kube_exec_free (context->exec);
  g_free (context->source);
  g_free (context);
}

static void
flint_kubeconfig_finalize (GObject *object)
{
  FlintKubeconfig *self = FLINT_KUBECONFIG (object);

  g_free (self->current_context);
  g_hash_table_unref (self->clusters);
  g_hash_table_unref (self->users);
  g_hash_table_unref (self->contexts);

  G_OBJECT_CLASS (flint_kubeconfig_parent_class)->finalize (object);
}

static void
flint_kubeconfig_class_init (FlintKubeconfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flint_kubeconfig_finalize;
}

static void
flint_kubeconfig_init (FlintKubeconfig *self)
{
  self->clusters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  self->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  self->contexts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
}

/* YAML {{{ */

static JsonNode *
read_yaml_node (yaml_parser_t  *parser,
                yaml_event_t   *event,
                GError        **error)
{
  yaml_event_t next;

  if (event->type == YAML_SCALAR_EVENT)
      {
        const char *text = (const char *) event->data.scalar.value;

        if (event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
            (*text == '\0' || g_str_equal (text, "null") || g_str_equal (text, "~")))
          return json_node_init_null (json_node_alloc ());
        return json_node_init_string (json_node_alloc (), text);
      }

  if (event->type == YAML_SEQUENCE_START_EVENT)
      {
        g_autoptr(JsonArray) array = json_array_new ();

        for (;;)
          {
            JsonNode *item;

            if (!yaml_parser_parse (parser, &next))
              goto parse_error;
            if (next.type == YAML_SEQUENCE_END_EVENT)
              {
                yaml_event_delete (&next);
                return json_node_init_array (json_node_alloc (), array);
              }
            item = read_yaml_node (parser, &next, error);
            yaml_event_delete (&next);
            if (item == NULL)
              return NULL;
            json_array_add_element (array, item);
          }
      }

  if (event->type == YAML_MAPPING_START_EVENT)
      {
        g_autoptr(JsonObject) object = json_object_new ();

        for (;;)
          {
            g_autofree char *key = NULL;
            JsonNode *value;

            if (!yaml_parser_parse (parser, &next))
              goto parse_error;
            if (next.type == YAML_MAPPING_END_EVENT)
              {
                yaml_event_delete (&next);
                return json_node_init_object (json_node_alloc (), object);
              }
            if (next.type != YAML_SCALAR_EVENT)
              {
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("line %zu: keys must be text"),
                             next.start_mark.line + 1);
                yaml_event_delete (&next);
                return NULL;
              }
            key = g_strdup ((const char *) next.data.scalar.value);
            yaml_event_delete (&next);
            if (!yaml_parser_parse (parser, &next))
              goto parse_error;
            value = read_yaml_node (parser, &next, error);
            yaml_event_delete (&next);
            if (value == NULL)
              return NULL;
            json_object_set_member (object, key, value);
          }
      }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("line %zu: %s"), event->start_mark.line + 1,
               event->type == YAML_ALIAS_EVENT ? _("aliases are not supported") : _("unexpected YAML"));
  return NULL;

parse_error:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("line %zu: %s"), parser->problem_mark.line + 1,
               parser->problem ? parser->problem : _("not YAML"));
  return NULL;
}

/* The first document of @text; an empty file is an empty map. */
static JsonNode *
parse_yaml (const char  *text,
            gsize        length,
            GError     **error)
{
  yaml_parser_t parser;
  yaml_event_t event;
  JsonNode *root = NULL;

  yaml_parser_initialize (&parser);
  yaml_parser_set_input_string (&parser, (const unsigned char *) text, length);
  for (;;)
    {
      if (!yaml_parser_parse (&parser, &event))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("line %zu: %s"), parser.problem_mark.line + 1,
                       parser.problem ? parser.problem : _("not YAML"));
          break;
        }
      if (event.type == YAML_STREAM_END_EVENT)
        {
          yaml_event_delete (&event);
          root = json_node_init_object (json_node_alloc (), json_object_new ());
          break;
        }
      if (event.type == YAML_STREAM_START_EVENT || event.type == YAML_DOCUMENT_START_EVENT)
        {
          yaml_event_delete (&event);
          continue;
        }
      root = read_yaml_node (&parser, &event, error);
      yaml_event_delete (&event);
      break;
    }
  yaml_parser_delete (&parser);
  return root;
}

/* }}} */

/* Loading {{{ */

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
merge_list (FlintKubeconfig  *self,
            JsonObject       *root,
            const char       *list_name,
            const char       *inner_name,
            GHashTable       *into,
            const char       *file,
            GError          **error)
{
  JsonNode *list = json_object_get_member (root, list_name);
  g_autofree char *dir = g_path_get_dirname (file);

  if (list == NULL || JSON_NODE_HOLDS_NULL (list))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (list))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("%s: “%s” must be a list"), file, list_name);
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (list), i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
      const char *name = string_member (object, "name");
      JsonNode *inner = object ? json_object_get_member (object, inner_name) : NULL;
      Entry *entry;

      if (name == NULL)
        {
          g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                       _("%s: entry %u of “%s” has no name"), file, i + 1, list_name);
          return FALSE;
        }
      /* kubectl's merge: the first file that names it wins. */
      if (g_hash_table_contains (into, name))
        continue;
      entry = g_new0 (Entry, 1);
      entry->object = inner && JSON_NODE_HOLDS_OBJECT (inner) ? json_object_ref (json_node_get_object (inner))
                                                              : json_object_new ();
      entry->file = g_strdup (file);
      entry->dir = g_strdup (dir);
      g_hash_table_insert (into, g_strdup (name), entry);
    }
  return TRUE;
}

static gboolean
load_file (FlintKubeconfig  *self,
           const char       *file,
           GError          **error)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;
  JsonObject *object;
  const char *current;

  if (!g_file_get_contents (file, &text, &length, error))
    return FALSE;
  root = parse_yaml (text, length, &local_error);
  if (root == NULL)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG, _("%s: %s"), file, local_error->message);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG, _("%s is not a kubeconfig"), file);
      return FALSE;
    }
  object = json_node_get_object (root);

  current = string_member (object, "current-context");
  if (self->current_context == NULL && current != NULL && *current != '\0')
    self->current_context = g_strdup (current);

  return merge_list (self, object, "clusters", "cluster", self->clusters, file, error) &&
         merge_list (self, object, "users", "user", self->users, file, error) &&
         merge_list (self, object, "contexts", "context", self->contexts, file, error);
}

FlintKubeconfig *
flint_kubeconfig_load (const char  *paths,
                       GError     **error)
{
  g_autoptr(FlintKubeconfig) self = g_object_new (FLINT_TYPE_KUBECONFIG, NULL);
  g_autofree char *fallback = NULL;
  g_auto(GStrv) files = NULL;
  guint loaded = 0;

  if (paths == NULL)
    paths = g_getenv ("KUBECONFIG");
  if (paths == NULL || *paths == '\0')
    {
      fallback = g_build_filename (g_get_home_dir (), ".kube", "config", NULL);
      paths = fallback;
    }

  files = g_strsplit (paths, G_SEARCHPATH_SEPARATOR_S, -1);
  for (guint i = 0; files[i] != NULL; i++)
    {
      g_autofree char *file = NULL;

      if (*files[i] == '\0')
        continue;
      file = g_canonicalize_filename (files[i], NULL);
      /* As kubectl: a file of the list that does not exist is skipped. */
      if (!g_file_test (file, G_FILE_TEST_EXISTS))
        continue;
      if (!load_file (self, file, error))
        return NULL;
      loaded++;
    }

  if (loaded == 0)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_NOT_FOUND,
                   _("No kubeconfig found (looked in %s); set KUBECONFIG or create ~/.kube/config"), paths);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* }}} */

/* Resolving {{{ */

static char *
resolve_path (Entry      *entry,
              const char *path)
{
  if (path == NULL || *path == '\0')
    return NULL;
  if (g_path_is_absolute (path))
    return g_strdup (path);
  if (path[0] == '~' && path[1] == '/')
    return g_build_filename (g_get_home_dir (), path + 2, NULL);
  return g_canonicalize_filename (path, entry->dir);
}

/* PEM from NAME-data (base64) or from the file NAME; NULL without error when neither. */
static gboolean
read_pem (Entry       *entry,
          const char  *what,
          const char  *name,
          GBytes     **out,
          GError     **error)
{
  g_autofree char *data_key = g_strconcat (name, "-data", NULL);
  const char *data = string_member (entry->object, data_key);
  g_autofree char *path = resolve_path (entry, string_member (entry->object, name));

  *out = NULL;
  if (data != NULL && *data != '\0')
    {
      gsize length = 0;
      guchar *decoded = g_base64_decode (data, &length);

      if (length == 0 || strstr ((const char *) decoded, "-----BEGIN") == NULL)
        {
          g_free (decoded);
          g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                       _("%s: %s “%s”: %s is not base64 of PEM text"), entry->file, what, name, data_key);
          return FALSE;
        }
      *out = g_bytes_new_take (decoded, length);
      return TRUE;
    }
  if (path != NULL)
    {
      char *contents = NULL;
      gsize length = 0;
      g_autoptr(GError) local_error = NULL;

      if (!g_file_get_contents (path, &contents, &length, &local_error))
        {
          g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                       _("%s: %s: %s"), entry->file, name, local_error->message);
          return FALSE;
        }
      *out = g_bytes_new_take (contents, length);
    }
  return TRUE;
}

static gboolean
is_true (const char *text)
{
  return text != NULL && (g_ascii_strcasecmp (text, "true") == 0 || g_ascii_strcasecmp (text, "yes") == 0 ||
                          g_str_equal (text, "1") || g_ascii_strcasecmp (text, "on") == 0);
}

static char **
string_list (JsonObject *object,
             const char *name)
{
  JsonArray *array = json_object_has_member (object, name) && JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, name))
                     ? json_object_get_array_member (object, name) : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

static FlintKubeExec *
read_exec (Entry       *entry,
           JsonObject  *exec,
           GError     **error)
{
  g_autoptr(FlintKubeExec) out = g_new0 (FlintKubeExec, 1);
  const char *command = string_member (exec, "command");
  JsonArray *env = json_object_has_member (exec, "env") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (exec, "env"))
                   ? json_object_get_array_member (exec, "env") : NULL;
  g_autoptr(GStrvBuilder) env_builder = g_strv_builder_new ();

  if (command == NULL || *command == '\0')
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("%s: the exec plugin has no command"), entry->file);
      return NULL;
    }
  out->api_version = g_strdup (string_member (exec, "apiVersion"));
  if (out->api_version == NULL ||
      (!g_str_equal (out->api_version, "client.authentication.k8s.io/v1") &&
       !g_str_equal (out->api_version, "client.authentication.k8s.io/v1beta1")))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("%s: exec plugin %s: apiVersion %s is not supported (use client.authentication.k8s.io/v1)"),
                   entry->file, command, out->api_version ? out->api_version : _("(none)"));
      return NULL;
    }
  /* A bare name is looked up on PATH; a path with a slash is relative to the file. */
  out->command = strchr (command, '/') != NULL ? resolve_path (entry, command) : g_strdup (command);
  out->args = string_list (exec, "args");
  for (guint i = 0; env != NULL && i < json_array_get_length (env); i++)
    {
      JsonNode *node = json_array_get_element (env, i);
      JsonObject *var = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = string_member (var, "name");
      const char *value = string_member (var, "value");

      if (name != NULL)
        {
          g_autofree char *pair = g_strdup_printf ("%s=%s", name, value ? value : "");

          g_strv_builder_add (env_builder, pair);
        }
    }
  out->env = g_strv_builder_end (env_builder);
  out->interactive_mode = g_strdup (string_member (exec, "interactiveMode"));
  out->provide_cluster_info = is_true (string_member (exec, "provideClusterInfo"));
  return g_steal_pointer (&out);
}

const char *
flint_kubeconfig_get_current_context (FlintKubeconfig *self)
{
  g_return_val_if_fail (FLINT_IS_KUBECONFIG (self), NULL);

  return self->current_context;
}

static gint
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return g_strcmp0 (*(char **) a, *(char **) b);
}

char **
flint_kubeconfig_dup_contexts (FlintKubeconfig *self)
{
  g_autofree const char **names = NULL;
  char **out;

  g_return_val_if_fail (FLINT_IS_KUBECONFIG (self), NULL);

  names = (const char **) g_hash_table_get_keys_as_array (self->contexts, NULL);
  out = g_strdupv ((char **) names);
  g_qsort_with_data (out, (gint) g_strv_length (out), sizeof (char *), compare_names, NULL);
  return out;
}

FlintKubeContext *
flint_kubeconfig_resolve (FlintKubeconfig  *self,
                          const char       *context,
                          GError          **error)
{
  g_autoptr(FlintKubeContext) out = NULL;
  Entry *ctx, *cluster, *user;
  const char *cluster_name, *user_name, *server, *ns;
  JsonNode *exec;

  g_return_val_if_fail (FLINT_IS_KUBECONFIG (self), NULL);

  if (context == NULL || *context == '\0')
    context = self->current_context;
  if (context == NULL)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("The kubeconfig has no current-context: name a context in the target (context: NAME)"));
      return NULL;
    }

  ctx = g_hash_table_lookup (self->contexts, context);
  if (ctx == NULL)
    {
      g_auto(GStrv) names = flint_kubeconfig_dup_contexts (self);
      g_autofree char *known = g_strjoinv (", ", names);

      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("The kubeconfig has no context “%s” (it has: %s)"), context, *known ? known : _("none"));
      return NULL;
    }

  cluster_name = string_member (ctx->object, "cluster");
  user_name = string_member (ctx->object, "user");
  cluster = cluster_name ? g_hash_table_lookup (self->clusters, cluster_name) : NULL;
  if (cluster == NULL)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("%s: context “%s” names cluster “%s”, which no kubeconfig file defines"),
                   ctx->file, context, cluster_name ? cluster_name : "");
      return NULL;
    }
  server = string_member (cluster->object, "server");
  if (server == NULL || !(g_str_has_prefix (server, "https://") || g_str_has_prefix (server, "http://")))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("%s: cluster “%s” has no server URL (https://HOST:PORT)"), cluster->file, cluster_name);
      return NULL;
    }

  out = g_new0 (FlintKubeContext, 1);
  out->name = g_strdup (context);
  out->cluster = g_strdup (cluster_name);
  out->source = g_strdup (ctx->file);
  ns = string_member (ctx->object, "namespace");
  out->namespace = ns && *ns ? g_strdup (ns) : NULL;
  /* Path segments are joined to the server URL: keep one slash between them. */
  out->server = g_strdup (server);
  while (g_str_has_suffix (out->server, "/"))
    out->server[strlen (out->server) - 1] = '\0';
  out->insecure_skip_tls_verify = is_true (string_member (cluster->object, "insecure-skip-tls-verify"));
  out->tls_server_name = g_strdup (string_member (cluster->object, "tls-server-name"));
  if (!read_pem (cluster, _("cluster"), "certificate-authority", &out->ca_pem, error))
    return NULL;

  if (user_name == NULL || *user_name == '\0')
    return g_steal_pointer (&out);
  user = g_hash_table_lookup (self->users, user_name);
  if (user == NULL)
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("%s: context “%s” names user “%s”, which no kubeconfig file defines"),
                   ctx->file, context, user_name);
      return NULL;
    }
  out->user = g_strdup (user_name);
  out->token = g_strdup (string_member (user->object, "token"));
  out->token_file = resolve_path (user, string_member (user->object, "tokenFile"));
  out->username = g_strdup (string_member (user->object, "username"));
  out->password = g_strdup (string_member (user->object, "password"));
  if (!read_pem (user, _("user"), "client-certificate", &out->client_cert_pem, error) ||
      !read_pem (user, _("user"), "client-key", &out->client_key_pem, error))
    return NULL;
  if ((out->client_cert_pem == NULL) != (out->client_key_pem == NULL))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("%s: user “%s” has a client certificate without its key, or a key without its certificate"),
                   user->file, user_name);
      return NULL;
    }
  exec = json_object_get_member (user->object, "exec");
  if (exec != NULL && JSON_NODE_HOLDS_OBJECT (exec))
    {
      out->exec = read_exec (user, json_node_get_object (exec), error);
      if (out->exec == NULL)
        return NULL;
    }
  else if (json_object_has_member (user->object, "auth-provider"))
    {
      g_set_error (error, FLINT_TARGET_ERROR, FLINT_TARGET_ERROR_CONFIG,
                   _("%s: user “%s” uses an auth-provider, which Flint does not support; use an exec plugin"),
                   user->file, user_name);
      return NULL;
    }

  return g_steal_pointer (&out);
}

/* }}} */
