/* flint-kube-target.h: Spark on Kubernetes through the spark-operator
 *
 * Submits what `flint-cli export --target NAME` writes (a ConfigMap with the program and a
 * SparkApplication of sparkoperator.k8s.io/v1beta2), named after the run so that a
 * retried submit finds its application instead of creating a second one. Follows the
 * application with a watch (resumed from the last resourceVersion, re-listed after 410
 * Gone, reconnected after a dropped connection), reads per-node progress from the
 * driver's REST API through the API server's service proxy, and keeps the driver pod's
 * log (streamed with follow=true) in the run directory as driver.log.
 *
 * The target's settings: {kind: kubernetes, context: NAME, namespace: NS, image: IMAGE,
 * service_account: SA, kubeconfig: PATHS}; context and namespace default to the
 * kubeconfig's, kubeconfig to $KUBECONFIG or ~/.kube/config.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-target.h"

G_BEGIN_DECLS

#define FLINT_TYPE_KUBE_TARGET (flint_kube_target_get_type ())
G_DECLARE_FINAL_TYPE (FlintKubeTarget, flint_kube_target, FLINT, KUBE_TARGET, GObject)

/* Registers the kind "kubernetes" (also done by a constructor where the build links this
 * file whole). */
void   flint_kube_target_register          (void);

/* Milliseconds between two looks at the driver's REST API while the run runs (2000). */
void   flint_kube_target_set_poll_interval (FlintKubeTarget *self,
                                            guint            msec);
/* The timeoutSeconds of each watch request (300): the server ends the watch then and the
 * target watches again from where it was. */
void   flint_kube_target_set_watch_timeout (FlintKubeTarget *self,
                                            guint            seconds);

/* The SparkApplication's name for @run: the pipeline's name and the run id's first eight
 * characters; its ConfigMap adds "-code". */
char  *flint_kube_target_dup_app_name      (FlintRun        *run);

G_END_DECLS
