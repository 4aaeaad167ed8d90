/* flint-connect-target.h: runs on a Spark Connect server (sc://host:port)
 *
 * The generated PySpark runs on this machine under a small launcher (a Python that imports
 * pyspark's Connect client: $FLINT_PYTHON, then python3) whose SparkSession is a Connect
 * session to the server; the data is read and written by the server, so relative paths are
 * the server's. The launcher reports each sink's start and end as "FLINT-EVENT {json}"
 * lines on its stdout, which the target reads back from stdout.log for progress per node.
 * Cancel interrupts the session's operations on the server, then stops the launcher.
 *
 * The target's settings: {kind: spark_connect, url: "sc://host:15002", token: env:NAME,
 * use_ssl: false, ui_url: "http://host:4040"}. The token is a secret reference (env:NAME,
 * read when the run starts); it reaches the launcher only in its environment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-target.h"

G_BEGIN_DECLS

#define FLINT_TYPE_CONNECT_TARGET (flint_connect_target_get_type ())
G_DECLARE_FINAL_TYPE (FlintConnectTarget, flint_connect_target, FLINT, CONNECT_TARGET, GObject)

/* Milliseconds between two looks at the launcher's output (500). */
void      flint_connect_target_set_poll_interval (FlintConnectTarget *self,
                                                  guint               msec);
/* Between asking the launcher to interrupt and SIGKILL when cancelling (10000). */
void      flint_connect_target_set_kill_grace    (FlintConnectTarget *self,
                                                  guint               msec);

/* The server's host and port from a connection string ("sc://host[:port][/;k=v;...]");
 * FALSE with FLINT_TARGET_ERROR_CONFIG when it is not one. @params: the parameters, or NULL. */
gboolean  flint_connect_parse_url                (const char         *url,
                                                  char              **host,
                                                  guint              *port,
                                                  char              **params,
                                                  GError            **error);

G_END_DECLS
