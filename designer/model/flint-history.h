/* flint-history.h: user edits as undoable commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-pipeline.h"

G_BEGIN_DECLS

#define FLINT_TYPE_HISTORY (flint_history_get_type ())

G_DECLARE_FINAL_TYPE (FlintHistory, flint_history, FLINT, HISTORY, GObject)

/* Properties: can-undo, can-redo, undo-label, redo-label, modified (differs from the
 * last state marked saved). Every edit below applies at once and pushes one step; edits
 * between begin_group and end_group make one step. A failed edit changes nothing. */

FlintHistory  *flint_history_new             (FlintPipeline *pipeline);
FlintPipeline *flint_history_get_pipeline    (FlintHistory  *self);

gboolean       flint_history_can_undo        (FlintHistory  *self);
gboolean       flint_history_can_redo        (FlintHistory  *self);
/* What the step does, translated ("Add Filter", "Move 3 Nodes"), or NULL. */
const char    *flint_history_get_undo_label  (FlintHistory  *self);
const char    *flint_history_get_redo_label  (FlintHistory  *self);
gboolean       flint_history_undo            (FlintHistory  *self);
gboolean       flint_history_redo            (FlintHistory  *self);
void           flint_history_clear           (FlintHistory  *self);

/* Groups nest; the outermost label names the step. An empty group pushes nothing. */
void           flint_history_begin_group     (FlintHistory  *self,
                                              const char    *label);
void           flint_history_end_group       (FlintHistory  *self);

gboolean       flint_history_get_modified    (FlintHistory  *self);
void           flint_history_mark_saved      (FlintHistory  *self);

/* @id may be NULL for one made from the kind. Returns the node (borrowed). */
FlintNode     *flint_history_add_node        (FlintHistory  *self,
                                              const char    *kind_id,
                                              const char    *id,
                                              double         x,
                                              double         y,
                                              GError       **error);
/* Adds a node made elsewhere (a paste), with its parameters, as one step. */
gboolean       flint_history_insert_node     (FlintHistory  *self,
                                              FlintNode     *node,
                                              GError       **error);
/* Removes the node and its edges as one step. */
gboolean       flint_history_remove_node     (FlintHistory  *self,
                                              const char    *node_id,
                                              GError       **error);
/* Moves of the same node in a row merge into one step (a drag is one step). */
gboolean       flint_history_move_node       (FlintHistory  *self,
                                              const char    *node_id,
                                              double         x,
                                              double         y,
                                              GError       **error);
FlintEdge     *flint_history_connect         (FlintHistory  *self,
                                              const char    *from_node,
                                              const char    *from_port,
                                              const char    *to_node,
                                              const char    *to_port,
                                              GError       **error);
gboolean       flint_history_disconnect      (FlintHistory  *self,
                                              FlintEdge     *edge,
                                              GError       **error);
/* Takes @value; NULL unsets the parameter back to its default. */
gboolean       flint_history_set_param       (FlintHistory  *self,
                                              const char    *node_id,
                                              const char    *name,
                                              JsonNode      *value,
                                              GError       **error);
gboolean       flint_history_set_label       (FlintHistory  *self,
                                              const char    *node_id,
                                              const char    *label,
                                              GError       **error);
gboolean       flint_history_set_schema      (FlintHistory  *self,
                                              const char    *node_id,
                                              FlintSchema   *schema,
                                              GError       **error);
/* Takes @value; NULL removes the setting. */
gboolean       flint_history_set_job_setting (FlintHistory  *self,
                                              const char    *path,
                                              JsonNode      *value,
                                              GError       **error);

G_END_DECLS
