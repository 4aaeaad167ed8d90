/* flint-credentials.c: Databricks profiles, environment and keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "flint-credentials.h"

G_DEFINE_QUARK (flint-credentials-error-quark, flint_credentials_error)

static const SecretSchema *
databricks_schema (void)
{
  static const SecretSchema schema = {
    "io.github.flintspark.Flint.Databricks", SECRET_SCHEMA_NONE,
    {
      { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

void
flint_databricks_auth_free (FlintDatabricksAuth *auth)
{
  if (auth == NULL)
    return;
  g_free (auth->host);
  if (auth->token != NULL)
    {
      /* Do not leave the token in freed memory. */
      memset (auth->token, 0, strlen (auth->token));
      g_free (auth->token);
    }
  g_free (auth->profile);
  g_free (auth->source);
  g_free (auth);
}

char *
flint_databricks_normalize_host (const char *host)
{
  g_autofree char *trimmed = NULL;
  gsize len;

  if (host == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (host));
  len = strlen (trimmed);
  while (len > 0 && trimmed[len - 1] == '/')
    trimmed[--len] = '\0';
  if (len == 0)
    return NULL;
  if (strstr (trimmed, "://") == NULL)
    return g_strconcat ("https://", trimmed, NULL);
  return g_steal_pointer (&trimmed);
}

char *
flint_databricks_config_path (void)
{
  const char *path = g_getenv ("DATABRICKS_CONFIG_FILE");

  if (path != NULL && *path != '\0')
    return g_strdup (path);
  return g_build_filename (g_get_home_dir (), ".databrickscfg", NULL);
}

/* The keys of [@profile] in the INI file at @path; NULL when the profile is not there. */
static GHashTable *
read_profile (const char  *path,
              const char  *profile,
              GError     **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) keys = NULL;
  gboolean in_profile = FALSE;

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *eq;

      if (*line == '\0' || *line == '#' || *line == ';')
        continue;
      if (*line == '[')
        {
          char *end = strchr (line, ']');

          if (end != NULL)
            *end = '\0';
          in_profile = g_str_equal (g_strstrip (line + 1), profile);
          if (in_profile && keys == NULL)
            keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          continue;
        }
      if (!in_profile || (eq = strchr (line, '=')) == NULL)
        continue;
      *eq = '\0';
      g_hash_table_replace (keys, g_ascii_strdown (g_strstrip (line), -1), g_strdup (g_strstrip (eq + 1)));
    }

  if (keys == NULL)
    g_set_error (error, FLINT_CREDENTIALS_ERROR, FLINT_CREDENTIALS_ERROR_NO_PROFILE,
                 _("The Databricks profile “%s” is not in %s"), profile, path);
  return g_steal_pointer (&keys);
}

static char *
no_token_hint (const char *host,
               const char *profile)
{
  if (profile != NULL)
    return g_strdup_printf (_("No Databricks token for %s: add “token = …” to the profile “%s” of %s, "
                              "or enter a token in Flint (kept in the keyring)"),
                            host, profile, flint_databricks_config_path ());
  return g_strdup_printf (_("No Databricks token for %s: set DATABRICKS_TOKEN, add a profile to %s, "
                            "or enter a token in Flint (kept in the keyring)"),
                          host, flint_databricks_config_path ());
}

static FlintDatabricksAuth *
auth_from_profile (const char    *profile,
                   gboolean       explicit,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autofree char *path = flint_databricks_config_path ();
  g_autoptr(GHashTable) keys = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FlintDatabricksAuth) auth = NULL;
  const char *token;

  keys = read_profile (path, profile, &local_error);
  if (keys == NULL)
    {
      if (!explicit)
        {
          g_set_error (error, FLINT_CREDENTIALS_ERROR, FLINT_CREDENTIALS_ERROR_NO_HOST,
                       _("No Databricks workspace: give the target a profile or a host, set DATABRICKS_HOST "
                         "and DATABRICKS_TOKEN, or add a DEFAULT profile to %s"), path);
          return NULL;
        }
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, FLINT_CREDENTIALS_ERROR, FLINT_CREDENTIALS_ERROR_NO_PROFILE,
                     _("The Databricks profile “%s” needs %s, which does not exist: "
                       "create it with `databricks configure --profile %s`"), profile, path, profile);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  auth = g_new0 (FlintDatabricksAuth, 1);
  auth->profile = g_strdup (profile);
  auth->host = flint_databricks_normalize_host (g_hash_table_lookup (keys, "host"));
  if (auth->host == NULL)
    {
      g_set_error (error, FLINT_CREDENTIALS_ERROR, FLINT_CREDENTIALS_ERROR_NO_HOST,
                   _("The Databricks profile “%s” of %s has no host"), profile, path);
      return NULL;
    }
  token = g_hash_table_lookup (keys, "token");
  if (token != NULL && *token != '\0')
    {
      auth->token = g_strdup (token);
      auth->source = g_strdup_printf (_("profile “%s” of %s"), profile, path);
      return g_steal_pointer (&auth);
    }

  auth->token = flint_credentials_lookup_databricks_token (auth->host, cancellable, NULL);
  if (auth->token == NULL)
    {
      g_autofree char *hint = no_token_hint (auth->host, profile);

      g_set_error_literal (error, FLINT_CREDENTIALS_ERROR, FLINT_CREDENTIALS_ERROR_NO_TOKEN, hint);
      return NULL;
    }
  auth->source = g_strdup_printf (_("the keyring (host %s)"), auth->host);
  return g_steal_pointer (&auth);
}

FlintDatabricksAuth *
flint_databricks_auth_resolve (const char    *profile,
                               const char    *host,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(FlintDatabricksAuth) auth = NULL;
  g_autofree char *env_host = flint_databricks_normalize_host (g_getenv ("DATABRICKS_HOST"));
  g_autofree char *want_host = flint_databricks_normalize_host (host);
  const char *env_token = g_getenv ("DATABRICKS_TOKEN");

  if (profile != NULL && *profile != '\0')
    return auth_from_profile (profile, TRUE, cancellable, error);

  /* The environment, as CI sets it; a target's own host must agree with it. */
  if (env_host != NULL && env_token != NULL && *env_token != '\0' &&
      (want_host == NULL || g_str_equal (want_host, env_host)))
    {
      auth = g_new0 (FlintDatabricksAuth, 1);
      auth->host = g_steal_pointer (&env_host);
      auth->token = g_strdup (env_token);
      auth->source = g_strdup (_("DATABRICKS_TOKEN"));
      return g_steal_pointer (&auth);
    }

  if (want_host != NULL || env_host != NULL)
    {
      const char *h = want_host ? want_host : env_host;

      auth = g_new0 (FlintDatabricksAuth, 1);
      auth->host = g_strdup (h);
      /* DATABRICKS_TOKEN alone goes with the target's host; with DATABRICKS_HOST naming
       * another workspace it is that workspace's, and is not sent here. */
      if (env_token != NULL && *env_token != '\0' && (env_host == NULL || want_host == NULL))
        {
          auth->token = g_strdup (env_token);
          auth->source = g_strdup (_("DATABRICKS_TOKEN"));
          return g_steal_pointer (&auth);
        }
      auth->token = flint_credentials_lookup_databricks_token (h, cancellable, NULL);
      if (auth->token == NULL)
        {
          g_autofree char *hint = no_token_hint (h, NULL);

          g_set_error_literal (error, FLINT_CREDENTIALS_ERROR, FLINT_CREDENTIALS_ERROR_NO_TOKEN, hint);
          return NULL;
        }
      auth->source = g_strdup_printf (_("the keyring (host %s)"), h);
      return g_steal_pointer (&auth);
    }

  return auth_from_profile ("DEFAULT", FALSE, cancellable, error);
}

gboolean
flint_credentials_store_databricks_token (const char    *host,
                                          const char    *token,
                                          GCancellable  *cancellable,
                                          GError       **error)
{
  g_autofree char *normal = flint_databricks_normalize_host (host);
  g_autofree char *label = NULL;

  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  label = g_strdup_printf (_("Databricks token for %s (Flint)"), normal);
  return secret_password_store_sync (databricks_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                                     cancellable, error, "host", normal, NULL);
}

char *
flint_credentials_lookup_databricks_token (const char    *host,
                                           GCancellable  *cancellable,
                                           GError       **error)
{
  g_autofree char *normal = flint_databricks_normalize_host (host);
  g_autoptr(GError) local_error = NULL;
  char *secret;
  char *token;

  g_return_val_if_fail (host != NULL, NULL);

  secret = secret_password_lookup_sync (databricks_schema (), cancellable, &local_error, "host", normal, NULL);
  if (local_error != NULL)
    {
      /* No keyring (no session bus, a locked or missing service) is not fatal. */
      g_debug ("The keyring cannot be read: %s", local_error->message);
      g_set_error (error, FLINT_CREDENTIALS_ERROR, FLINT_CREDENTIALS_ERROR_KEYRING,
                   _("The keyring cannot be read: %s"), local_error->message);
      return NULL;
    }
  if (secret == NULL)
    return NULL;
  /* Out of libsecret's non-pageable memory into ordinary memory, cleared when freed. */
  token = g_strdup (secret);
  secret_password_free (secret);
  return token;
}

gboolean
flint_credentials_clear_databricks_token (const char    *host,
                                          GCancellable  *cancellable,
                                          GError       **error)
{
  g_autofree char *normal = flint_databricks_normalize_host (host);
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (host != NULL, FALSE);

  secret_password_clear_sync (databricks_schema (), cancellable, &local_error, "host", normal, NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}
