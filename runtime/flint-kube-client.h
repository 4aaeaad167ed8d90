/* flint-kube-client.h: requests to a Kubernetes API server, authenticated as kubectl does
 *
 * TLS is verified against the cluster's CA (or the system's) unless the kubeconfig says
 * insecure-skip-tls-verify. Credentials: a bearer token, a token file (re-read on every
 * request), a client certificate, or an exec plugin (ExecCredential v1/v1beta1) whose
 * answer is kept until its expirationTimestamp, and asked again on a 401.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "flint-kubeconfig.h"

G_BEGIN_DECLS

/* Errors the API server answered: the code is the HTTP status (404, 409, 410, 422, ...)
 * and the message the Status object's message. */
#define FLINT_KUBE_ERROR (flint_kube_error_quark ())
GQuark flint_kube_error_quark (void);

#define FLINT_TYPE_KUBE_CLIENT (flint_kube_client_get_type ())
G_DECLARE_FINAL_TYPE (FlintKubeClient, flint_kube_client, FLINT, KUBE_CLIENT, GObject)

/* Copies what it needs from @context. Fails on unusable TLS material. */
FlintKubeClient *flint_kube_client_new            (FlintKubeContext    *context,
                                                   GError             **error);
const char      *flint_kube_client_get_server     (FlintKubeClient     *self);
/* The context's namespace, or NULL. */
const char      *flint_kube_client_get_namespace  (FlintKubeClient     *self);

/* @path: absolute path with query ("/api/v1/namespaces/x/configmaps?fieldManager=flint").
 * @body: NULL, or a JSON tree sent with @content_type (NULL: application/json). */
void             flint_kube_client_request_async  (FlintKubeClient     *self,
                                                   const char          *method,
                                                   const char          *path,
                                                   const char          *content_type,
                                                   JsonNode            *body,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* The answer's JSON (a JSON null node for an empty body) on a 2xx; a FLINT_KUBE_ERROR
 * with the HTTP status as code otherwise; a GIOError or GTlsError when nothing came back. */
JsonNode        *flint_kube_client_request_finish (FlintKubeClient     *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* A streaming GET (watch, follow=true logs): the body once a 2xx answered. */
void             flint_kube_client_open_async     (FlintKubeClient     *self,
                                                   const char          *path,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GInputStream    *flint_kube_client_open_finish    (FlintKubeClient     *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* How many times the exec plugin ran (for diagnostics). */
guint            flint_kube_client_get_exec_count (FlintKubeClient     *self);

G_END_DECLS
