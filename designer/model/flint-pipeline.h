/* flint-pipeline.h: the document
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-catalog.h"
#include "flint-edge.h"
#include "flint-node.h"

G_BEGIN_DECLS

#define FLINT_FORMAT_VERSION 1

typedef enum
{
  FLINT_JOB_MODE_BATCH,
  FLINT_JOB_MODE_STREAMING,
} FlintJobMode;

#define FLINT_TYPE_PIPELINE (flint_pipeline_get_type ())

G_DECLARE_FINAL_TYPE (FlintPipeline, flint_pipeline, FLINT, PIPELINE, GObject)

/* Signals: node-added (FlintNode), node-removed (FlintNode), edge-added (FlintEdge),
 * edge-removed (FlintEdge), node-changed (FlintNode, what: "label", "schema", "position"
 * or "params.NAME"), job-changed (the setting's dotted path), and changed (any of them). */

FlintPipeline *flint_pipeline_new              (FlintCatalog  *catalog);
FlintCatalog  *flint_pipeline_get_catalog      (FlintPipeline *self);

const char    *flint_pipeline_get_name         (FlintPipeline *self);
void           flint_pipeline_set_name         (FlintPipeline *self,
                                                const char    *name);
const char    *flint_pipeline_get_description  (FlintPipeline *self);
void           flint_pipeline_set_description  (FlintPipeline *self,
                                                const char    *description);

/* Job settings as the file holds them (DESIGN.md's job: section). */
JsonObject    *flint_pipeline_get_job          (FlintPipeline *self);
FlintJobMode   flint_pipeline_get_mode         (FlintPipeline *self);
/* The setting at a dotted path ("driver.memory"), or NULL. */
JsonNode      *flint_pipeline_get_job_setting  (FlintPipeline *self,
                                                const char    *path);
/* Takes @value; NULL removes the setting. Creates the maps on the way. */
void           flint_pipeline_take_job_setting (FlintPipeline *self,
                                                const char    *path,
                                                JsonNode      *value);

GListModel    *flint_pipeline_get_nodes        (FlintPipeline *self);
GListModel    *flint_pipeline_get_edges        (FlintPipeline *self);
guint          flint_pipeline_get_n_nodes      (FlintPipeline *self);
FlintNode     *flint_pipeline_lookup_node      (FlintPipeline *self,
                                                const char    *id);
/* Borrowed arrays of FlintEdge, in the order they were connected. */
GPtrArray     *flint_pipeline_get_node_inputs  (FlintPipeline *self,
                                                FlintNode     *node);
GPtrArray     *flint_pipeline_get_node_outputs (FlintPipeline *self,
                                                FlintNode     *node);
/* The edges into one input port of @node (a borrowed-content new array). */
GPtrArray     *flint_pipeline_dup_port_inputs  (FlintPipeline *self,
                                                FlintNode     *node,
                                                const char    *port);

/* An id not yet used, derived from @base ("filter" -> "filter", "filter_2", ...). */
char          *flint_pipeline_make_id          (FlintPipeline *self,
                                                const char    *base);

/* These change the document directly; user edits go through FlintHistory instead. */
gboolean       flint_pipeline_add_node         (FlintPipeline *self,
                                                FlintNode     *node,
                                                GError       **error);
gboolean       flint_pipeline_insert_node      (FlintPipeline *self,
                                                FlintNode     *node,
                                                guint          position,
                                                GError       **error);
/* The node must have no edges left. */
gboolean       flint_pipeline_remove_node      (FlintPipeline *self,
                                                FlintNode     *node,
                                                GError       **error);
/* NULL ports mean the node's first port. Refuses unknown nodes and ports, a second
 * edge into a single input, and an edge from a node to itself. Cycles through other
 * nodes are allowed here (a file may hold one) and reported by validation. */
FlintEdge     *flint_pipeline_connect          (FlintPipeline *self,
                                                const char    *from_node,
                                                const char    *from_port,
                                                const char    *to_node,
                                                const char    *to_port,
                                                GError       **error);
gboolean       flint_pipeline_add_edge         (FlintPipeline *self,
                                                FlintEdge     *edge,
                                                guint          position,
                                                GError       **error);
gboolean       flint_pipeline_disconnect       (FlintPipeline *self,
                                                FlintEdge     *edge,
                                                GError       **error);
guint          flint_pipeline_edge_position    (FlintPipeline *self,
                                                FlintEdge     *edge);
guint          flint_pipeline_node_position    (FlintPipeline *self,
                                                FlintNode     *node);

G_END_DECLS
