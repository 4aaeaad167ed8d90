/* flint-preferences.h: the preferences window, bound to GSettings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FLINT_TYPE_PREFERENCES (flint_preferences_get_type ())

G_DECLARE_FINAL_TYPE (FlintPreferences, flint_preferences, FLINT, PREFERENCES, AdwPreferencesWindow)

GtkWidget *flint_preferences_new (GSettings *settings);

G_END_DECLS
