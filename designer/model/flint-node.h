/* flint-node.h: one node of a pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-catalog.h"
#include "flint-schema.h"

G_BEGIN_DECLS

#define FLINT_TYPE_NODE (flint_node_get_type ())

G_DECLARE_FINAL_TYPE (FlintNode, flint_node, FLINT, NODE, GObject)

/* Node ids are identifiers: a letter or '_', then letters, digits, '_' or '-'. */
gboolean             flint_node_id_is_valid      (const char          *id);

FlintNode           *flint_node_new              (const char          *id,
                                                  const FlintNodeKind *kind);
const char          *flint_node_get_id           (FlintNode           *self);
const FlintNodeKind *flint_node_get_kind         (FlintNode           *self);
const char          *flint_node_get_kind_id      (FlintNode           *self);
/* The label, or NULL when the node has none. */
const char          *flint_node_get_label        (FlintNode           *self);
/* The label, or the id when there is no label. */
const char          *flint_node_get_display_name (FlintNode           *self);
void                 flint_node_set_label        (FlintNode           *self,
                                                  const char          *label);

/* Parameter values are JSON trees: strings, numbers, booleans, lists and maps.
 * Only values set explicitly are kept; defaults come from the catalog. */
JsonObject          *flint_node_get_params       (FlintNode           *self);
JsonNode            *flint_node_get_param        (FlintNode           *self,
                                                  const char          *name);
/* The value set, or the catalog default, or NULL. */
JsonNode            *flint_node_get_param_or_default (FlintNode       *self,
                                                      const char      *name);
const char          *flint_node_get_string       (FlintNode           *self,
                                                  const char          *name);
/* Takes @value; NULL unsets the parameter. Emits ::param-changed. */
void                 flint_node_take_param       (FlintNode           *self,
                                                  const char          *name,
                                                  JsonNode            *value);
void                 flint_node_set_string       (FlintNode           *self,
                                                  const char          *name,
                                                  const char          *value);

/* The declared schema of a source, or NULL. */
FlintSchema         *flint_node_get_schema       (FlintNode           *self);
void                 flint_node_set_schema       (FlintNode           *self,
                                                  FlintSchema         *schema);

gboolean             flint_node_get_position     (FlintNode           *self,
                                                  double              *x,
                                                  double              *y);
void                 flint_node_set_position     (FlintNode           *self,
                                                  double               x,
                                                  double               y);
void                 flint_node_unset_position   (FlintNode           *self);

/* Where the loader found the node, or one of its parameters ("params.condition",
 * "params.aggregations.1.expr"), in the file it came from. 0 when unknown. */
guint                flint_node_get_line         (FlintNode           *self,
                                                  const char          *path);
void                 flint_node_set_line         (FlintNode           *self,
                                                  const char          *path,
                                                  guint                line);

G_END_DECLS
