/* flint-application.h: the designer application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flint-runtime.h"

G_BEGIN_DECLS

#define FLINT_TYPE_APPLICATION (flint_application_get_type ())

G_DECLARE_FINAL_TYPE (FlintApplication, flint_application, FLINT, APPLICATION, AdwApplication)

FlintApplication *flint_application_new          (void);
/* The application's settings, or NULL when the schema is not installed (an uninstalled
 * build run without GSETTINGS_SCHEMA_DIR). */
GSettings        *flint_application_get_settings (FlintApplication *self);
/* Puts @file first in the recent-files setting. */
void              flint_application_add_recent   (FlintApplication *self,
                                                  GFile            *file);
/* The one runner of the application (started with it; it resumed the runs an earlier
 * session left unfinished), or NULL when the run store cannot be opened. */
FlintRunner      *flint_application_get_runner   (FlintApplication *self);

G_END_DECLS
