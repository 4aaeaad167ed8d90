/* flint-window.h: a designer window, showing one pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flint-application.h"
#include "flint-model.h"

G_BEGIN_DECLS

#define FLINT_TYPE_WINDOW (flint_window_get_type ())

G_DECLARE_FINAL_TYPE (FlintWindow, flint_window, FLINT, WINDOW, AdwApplicationWindow)

FlintWindow    *flint_window_new           (FlintApplication *application);
/* Loads @file asynchronously, replacing what the window shows; a load still running is
 * cancelled. */
void            flint_window_open          (FlintWindow      *self,
                                            GFile            *file);
/* The file shown (or being loaded), or NULL. */
GFile          *flint_window_get_file      (FlintWindow      *self);
/* The pipeline shown, or NULL while nothing is loaded. */
FlintPipeline  *flint_window_get_pipeline  (FlintWindow      *self);
FlintValidator *flint_window_get_validator (FlintWindow      *self);
/* Whether the window shows nothing and loads nothing, so that a file can reuse it. */
gboolean        flint_window_is_empty      (FlintWindow      *self);

G_END_DECLS
