/* flint-edge.h: a connection from an output port to an input port
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FLINT_TYPE_EDGE (flint_edge_get_type ())

G_DECLARE_FINAL_TYPE (FlintEdge, flint_edge, FLINT, EDGE, GObject)

/* Edges are immutable: reconnecting removes one edge and adds another. */
FlintEdge  *flint_edge_new           (const char *from_node,
                                      const char *from_port,
                                      const char *to_node,
                                      const char *to_port);
const char *flint_edge_get_from_node (FlintEdge  *self);
const char *flint_edge_get_from_port (FlintEdge  *self);
const char *flint_edge_get_to_node   (FlintEdge  *self);
const char *flint_edge_get_to_port   (FlintEdge  *self);
/* Where the loader found it, 0 when unknown. */
guint       flint_edge_get_line      (FlintEdge  *self);
void        flint_edge_set_line      (FlintEdge  *self,
                                      guint       line);
gboolean    flint_edge_equal         (FlintEdge  *a,
                                      FlintEdge  *b);

G_END_DECLS
