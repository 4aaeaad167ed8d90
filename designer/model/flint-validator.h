/* flint-validator.h: live, incremental validation of a pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-diagnostic.h"
#include "flint-pipeline.h"

G_BEGIN_DECLS

/* What flows out of one output port: its columns (NULL when unknown), whether it is a
 * stream, whether an event-time watermark has been set upstream, and whether it is the
 * result of a streaming aggregation (which append mode needs a watermark for). */
typedef struct _FlintFlow FlintFlow;

typedef enum
{
  FLINT_FLOW_STREAMING   = 1 << 0,
  FLINT_FLOW_WATERMARKED = 1 << 1,
  FLINT_FLOW_AGGREGATED  = 1 << 2,
} FlintFlowFlags;

#define FLINT_TYPE_FLOW (flint_flow_get_type ())

GType          flint_flow_get_type       (void) G_GNUC_CONST;
/* Takes a reference to @schema, which may be NULL (unknown). */
FlintFlow     *flint_flow_new            (FlintSchema     *schema,
                                          FlintFlowFlags   flags);
FlintFlow     *flint_flow_ref            (FlintFlow       *self);
void           flint_flow_unref          (FlintFlow       *self);
/* Takes a reference to @schema; copies @event_time, the columns that carry the stream's
 * event-time watermark (the watermarked column, and windows over it), or NULL. */
FlintFlow     *flint_flow_new_full       (FlintSchema        *schema,
                                          FlintFlowFlags      flags,
                                          const char * const *event_time);
FlintSchema   *flint_flow_get_schema     (const FlintFlow *self);
/* NULL-terminated, possibly empty; never NULL. */
const char * const *flint_flow_get_event_time (const FlintFlow *self);
FlintFlowFlags flint_flow_get_flags      (const FlintFlow *self);
gboolean       flint_flow_is_streaming   (const FlintFlow *self);
gboolean       flint_flow_is_watermarked (const FlintFlow *self);
gboolean       flint_flow_equal          (const FlintFlow *a,
                                          const FlintFlow *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlintFlow, flint_flow_unref)

#define FLINT_TYPE_VALIDATOR (flint_validator_get_type ())

G_DECLARE_FINAL_TYPE (FlintValidator, flint_validator, FLINT, VALIDATOR, GObject)

/* Follows the pipeline's signals and marks what an edit touches as dirty; the next
 * read (or flint_validator_update()) re-validates only the dirty nodes and what lies
 * downstream of them. ::node-diagnostics-changed (node id) tells views what moved,
 * ::updated that a pass ended. */
FlintValidator *flint_validator_new                  (FlintPipeline  *pipeline);
FlintPipeline  *flint_validator_get_pipeline         (FlintValidator *self);
/* Re-validates what is dirty. Returns the number of nodes it validated. */
guint           flint_validator_update               (FlintValidator *self);
/* Marks everything dirty and re-validates it all. */
guint           flint_validator_validate_all         (FlintValidator *self);
gboolean        flint_validator_is_dirty             (FlintValidator *self);

/* All diagnostics, ordered by node position in the document, then content; pipeline-level
 * diagnostics first. Updates first. FlintDiagnostic, new array. */
GPtrArray      *flint_validator_dup_diagnostics      (FlintValidator *self);
/* The diagnostics of one node (borrowed; empty when clean). Updates first. */
GPtrArray      *flint_validator_get_node_diagnostics (FlintValidator *self,
                                                      const char     *node_id);
guint           flint_validator_count                (FlintValidator *self,
                                                      FlintSeverity   severity);
/* The flow out of a node's output port (NULL port: the first), or NULL when the node
 * is unknown. Updates first. */
FlintFlow      *flint_validator_get_output           (FlintValidator *self,
                                                      const char     *node_id,
                                                      const char     *port);
/* The flow into a node's input port (the first edge into it), or NULL. */
FlintFlow      *flint_validator_get_input            (FlintValidator *self,
                                                      const char     *node_id,
                                                      const char     *port);

G_END_DECLS
