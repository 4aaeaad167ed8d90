/* flint-kubeconfig.h: the user's kubeconfig, read as kubectl reads it
 *
 * $KUBECONFIG (a colon-separated list; files that do not exist are skipped) or
 * ~/.kube/config. Several files merge as kubectl merges them: the first file that names a
 * cluster, user or context wins, and the first current-context set wins. Relative paths
 * (certificate-authority, client-certificate, client-key, tokenFile, exec command) are
 * relative to the file that holds them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A user's exec credential plugin (client.authentication.k8s.io/v1 or v1beta1). */
typedef struct
{
  char      *api_version;
  char      *command;               /* resolved against the kubeconfig's directory if relative */
  char     **args;
  char     **env;                   /* NAME=VALUE, added to the environment */
  char      *interactive_mode;      /* Never, IfAvailable, Always (NULL: IfAvailable) */
  gboolean   provide_cluster_info;
} FlintKubeExec;

/* What one context resolves to. PEM data is read from files at resolve time. */
typedef struct
{
  char          *name;
  char          *cluster;
  char          *user;
  char          *namespace;          /* NULL when the context sets none */
  char          *server;             /* https://host:port */
  GBytes        *ca_pem;             /* NULL: the system's CAs */
  gboolean       insecure_skip_tls_verify;
  char          *tls_server_name;
  char          *token;
  char          *token_file;         /* re-read on every use: it wins over token */
  GBytes        *client_cert_pem;
  GBytes        *client_key_pem;
  char          *username;
  char          *password;
  FlintKubeExec *exec;
  char          *source;             /* the file the context came from */
} FlintKubeContext;

void              flint_kube_exec_free      (FlintKubeExec    *exec);
void              flint_kube_context_free   (FlintKubeContext *context);

#define FLINT_TYPE_KUBECONFIG (flint_kubeconfig_get_type ())
G_DECLARE_FINAL_TYPE (FlintKubeconfig, flint_kubeconfig, FLINT, KUBECONFIG, GObject)

/* @paths: a colon-separated list as $KUBECONFIG holds; NULL for $KUBECONFIG, or
 * ~/.kube/config when it is unset. FLINT_TARGET_ERROR_CONFIG when no file can be read
 * or one is not a kubeconfig. */
FlintKubeconfig  *flint_kubeconfig_load               (const char       *paths,
                                                       GError          **error);
/* The merged current-context, or NULL. */
const char       *flint_kubeconfig_get_current_context (FlintKubeconfig *self);
/* Context names, sorted. */
char            **flint_kubeconfig_dup_contexts       (FlintKubeconfig *self);
/* @context NULL: the current context. The error names the missing piece. */
FlintKubeContext *flint_kubeconfig_resolve            (FlintKubeconfig *self,
                                                       const char      *context,
                                                       GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintKubeContext, flint_kube_context_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintKubeExec, flint_kube_exec_free)

G_END_DECLS
