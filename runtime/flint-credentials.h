/* flint-credentials.h: where Flint finds the secrets a target needs
 *
 * Databricks: a profile of ~/.databrickscfg (or $DATABRICKS_CONFIG_FILE), the
 * DATABRICKS_HOST and DATABRICKS_TOKEN variables, or a token the user typed into Flint,
 * kept in the keyring (libsecret, schema "io.github.flintspark.Flint.Databricks", one
 * item per host). A token is never logged, written to the run store or put in a message.
 * The lookups block (a file, D-Bus): call them from a thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FLINT_CREDENTIALS_ERROR (flint_credentials_error_quark ())

typedef enum
{
  FLINT_CREDENTIALS_ERROR_NO_PROFILE,  /* the named profile is not in the file */
  FLINT_CREDENTIALS_ERROR_NO_HOST,
  FLINT_CREDENTIALS_ERROR_NO_TOKEN,
  FLINT_CREDENTIALS_ERROR_KEYRING,     /* the keyring cannot be reached */
} FlintCredentialsError;

GQuark flint_credentials_error_quark (void);

typedef struct
{
  char *host;      /* https://dbc-....cloud.databricks.com, no trailing slash */
  char *token;     /* secret: never log it */
  char *profile;   /* the profile it came from, or NULL */
  char *source;    /* where the token came from, for messages: "~/.databrickscfg [prod]" */
} FlintDatabricksAuth;

void                 flint_databricks_auth_free    (FlintDatabricksAuth *auth);

/* The file the profiles are read from: $DATABRICKS_CONFIG_FILE or ~/.databrickscfg. */
char                *flint_databricks_config_path  (void);

/* Resolves the credentials of a Databricks target. @profile: the target's profile, or
 * NULL; @host: the target's host, or NULL. With a profile, that profile of the file (a
 * missing token there is looked up in the keyring by host). Without one: DATABRICKS_HOST
 * and DATABRICKS_TOKEN, then @host with the keyring, then the DEFAULT profile. */
FlintDatabricksAuth *flint_databricks_auth_resolve (const char          *profile,
                                                    const char          *host,
                                                    GCancellable        *cancellable,
                                                    GError             **error);

/* The token typed into Flint for @host, kept in the keyring. */
gboolean             flint_credentials_store_databricks_token  (const char    *host,
                                                                const char    *token,
                                                                GCancellable  *cancellable,
                                                                GError       **error);
/* NULL without error when the keyring has none. */
char                *flint_credentials_lookup_databricks_token (const char    *host,
                                                                GCancellable  *cancellable,
                                                                GError       **error);
gboolean             flint_credentials_clear_databricks_token  (const char    *host,
                                                                GCancellable  *cancellable,
                                                                GError       **error);

/* "https://HOST" without a trailing slash, for any way a user may write a host. */
char                *flint_databricks_normalize_host (const char *host);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintDatabricksAuth, flint_databricks_auth_free)

G_END_DECLS
