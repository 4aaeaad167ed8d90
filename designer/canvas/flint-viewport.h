/* flint-viewport.h: zoom and scroll of the canvas, with no display needed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FLINT_VIEWPORT_MIN_ZOOM 0.02
#define FLINT_VIEWPORT_MAX_ZOOM 4.0

#define FLINT_TYPE_VIEWPORT (flint_viewport_get_type ())

G_DECLARE_FINAL_TYPE (FlintViewport, flint_viewport, FLINT, VIEWPORT, GObject)

/* A canvas point (cx, cy) shows at widget point ((cx - offset_x) * zoom, (cy - offset_y) * zoom):
 * the offset is the canvas point at the widget's top left corner. Properties: zoom,
 * offset-x, offset-y, width, height (the widget's size); ::changed after any of them. */
FlintViewport *flint_viewport_new             (void);

double         flint_viewport_get_zoom        (FlintViewport *self);
double         flint_viewport_get_offset_x    (FlintViewport *self);
double         flint_viewport_get_offset_y    (FlintViewport *self);
double         flint_viewport_get_width       (FlintViewport *self);
double         flint_viewport_get_height      (FlintViewport *self);

void           flint_viewport_set_size        (FlintViewport *self,
                                               double         width,
                                               double         height);
void           flint_viewport_set_offset      (FlintViewport *self,
                                               double         offset_x,
                                               double         offset_y);
/* Clamped to FLINT_VIEWPORT_MIN_ZOOM .. FLINT_VIEWPORT_MAX_ZOOM; keeps the top left corner. */
void           flint_viewport_set_zoom        (FlintViewport *self,
                                               double         zoom);

/* Scrolls by a distance in widget pixels (a drag of the view). */
void           flint_viewport_pan             (FlintViewport *self,
                                               double         dx,
                                               double         dy);
/* Changes the zoom keeping the canvas point under widget point (wx, wy) where it is. */
void           flint_viewport_zoom_at         (FlintViewport *self,
                                               double         zoom,
                                               double         wx,
                                               double         wy);
/* Shows the canvas rectangle whole, centred, with @margin widget pixels around it; never
 * zooms in beyond @max_zoom (1.0: a small graph is shown at its natural size). */
void           flint_viewport_fit             (FlintViewport *self,
                                               double         x,
                                               double         y,
                                               double         width,
                                               double         height,
                                               double         margin,
                                               double         max_zoom);
/* Scrolls as little as possible so that the canvas rectangle is in view (with @margin). */
void           flint_viewport_reveal          (FlintViewport *self,
                                               double         x,
                                               double         y,
                                               double         width,
                                               double         height,
                                               double         margin);

void           flint_viewport_widget_to_canvas (FlintViewport *self,
                                                double         wx,
                                                double         wy,
                                                double        *cx,
                                                double        *cy);
void           flint_viewport_canvas_to_widget (FlintViewport *self,
                                                double         cx,
                                                double         cy,
                                                double        *wx,
                                                double        *wy);
/* The canvas rectangle the widget shows. */
void           flint_viewport_get_visible     (FlintViewport *self,
                                               double        *x,
                                               double        *y,
                                               double        *width,
                                               double        *height);

G_END_DECLS
