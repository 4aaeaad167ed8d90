/* flint-code-view.h: the generated PySpark, Scala and YAML, live and read-only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flint-model.h"

G_BEGIN_DECLS

typedef enum
{
  FLINT_CODE_TAB_PYTHON,
  FLINT_CODE_TAB_SCALA,
  FLINT_CODE_TAB_YAML,
} FlintCodeTab;

#define FLINT_CODE_VIEW_DEBOUNCE_MS 300

#define FLINT_TYPE_CODE_VIEW (flint_code_view_get_type ())

G_DECLARE_FINAL_TYPE (FlintCodeView, flint_code_view, FLINT, CODE_VIEW, GtkWidget)

/* Signals: ::regenerated, after the texts were generated again. */
GtkWidget    *flint_code_view_new             (void);
/* Regenerates FLINT_CODE_VIEW_DEBOUNCE_MS after the pipeline's last ::changed. */
void          flint_code_view_set_pipeline    (FlintCodeView *self,
                                               FlintPipeline *pipeline);
void          flint_code_view_regenerate      (FlintCodeView *self);
/* Highlights the lines of the node's function in every tab and scrolls the visible tab
 * to it; NULL clears the highlight. */
void          flint_code_view_reveal_node     (FlintCodeView *self,
                                               const char    *node_id);
void          flint_code_view_set_tab         (FlintCodeView *self,
                                               FlintCodeTab   tab);
FlintCodeTab  flint_code_view_get_tab         (FlintCodeView *self);
/* The text a tab shows (new string). */
char         *flint_code_view_dup_text        (FlintCodeView *self,
                                               FlintCodeTab   tab);
/* The message shown instead of, or above, the code when generation failed, or NULL. */
const char   *flint_code_view_get_error       (FlintCodeView *self,
                                               FlintCodeTab   tab);
/* The first and last highlighted lines of a tab (1-based), FALSE when none. */
gboolean      flint_code_view_get_highlight   (FlintCodeView *self,
                                               FlintCodeTab   tab,
                                               guint         *first_line,
                                               guint         *last_line);
/* The first line visible in the tab's view (1-based), to see where it scrolled. */
guint         flint_code_view_get_top_line    (FlintCodeView *self,
                                               FlintCodeTab   tab);
/* A Pango font description ("Monospace 10"); NULL or "" for the system's. */
void          flint_code_view_set_font        (FlintCodeView *self,
                                               const char    *font);
/* A GtkSourceView style scheme id; its "-dark" variant is used in dark mode. */
void          flint_code_view_set_style_scheme (FlintCodeView *self,
                                                const char    *scheme_id);

G_END_DECLS
