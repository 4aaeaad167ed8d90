/* flint-palette.h: the node kinds of the catalog, searchable, to drag onto the canvas
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flint-model.h"

G_BEGIN_DECLS

/* What a palette row hands to a drop target: "flint-kind:" followed by the kind id. */
#define FLINT_PALETTE_DRAG_PREFIX "flint-kind:"

#define FLINT_TYPE_PALETTE (flint_palette_get_type ())

G_DECLARE_FINAL_TYPE (FlintPalette, flint_palette, FLINT, PALETTE, GtkWidget)

/* Signals: ::kind-activated (const char *kind_id), when a row is activated (Enter or
 * double click), for adding a node without dragging. */
GtkWidget  *flint_palette_new           (FlintCatalog *catalog);
void        flint_palette_set_search    (FlintPalette *self,
                                         const char   *text);
/* How many node kinds the search shows (category headers not counted). */
guint       flint_palette_get_n_visible (FlintPalette *self);
/* The kind id shown at @position among visible kinds, or NULL. */
const char *flint_palette_get_visible_kind (FlintPalette *self,
                                            guint         position);
/* The row widget of a visible kind, when it is realized (for tests and the debug
 * allocation dump). */
GtkWidget  *flint_palette_get_row_widget (FlintPalette *self,
                                          const char   *kind_id);
GtkWidget  *flint_palette_get_search_entry (FlintPalette *self);
/* Parses "flint-kind:ID" into a new kind id string, or NULL. */
char       *flint_palette_parse_drag    (const char   *text);

G_END_DECLS
