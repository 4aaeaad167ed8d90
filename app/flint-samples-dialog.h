/* flint-samples-dialog.h: a source's preview sample rows, edited as CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flint-model.h"

G_BEGIN_DECLS

#define FLINT_TYPE_SAMPLES_DIALOG (flint_samples_dialog_get_type ())

G_DECLARE_FINAL_TYPE (FlintSamplesDialog, flint_samples_dialog, FLINT, SAMPLES_DIALOG, AdwWindow)

/* Edits job.preview.samples.@source_id through @history, so Apply undoes. */
FlintSamplesDialog *flint_samples_dialog_new        (FlintHistory       *history,
                                                     const char         *source_id);
GtkTextBuffer      *flint_samples_dialog_get_buffer (FlintSamplesDialog *self);
/* What Apply does: parses the text, sets the rows and closes, or shows the error inline
 * and returns FALSE. */
gboolean            flint_samples_dialog_apply      (FlintSamplesDialog *self);
/* The error shown under the text, or NULL. */
const char         *flint_samples_dialog_get_error  (FlintSamplesDialog *self);

/* The sample rows (a JSON array of objects, or NULL) as CSV with a header line: the
 * declared columns, then any other keys the rows hold. */
char               *flint_samples_to_csv            (FlintSchema        *schema,
                                                     JsonNode           *rows);
/* CSV with a header line to a JSON array of row objects, typed by @schema; an empty
 * unquoted field is null. The error names the line. */
JsonNode           *flint_samples_parse_csv         (const char         *text,
                                                     FlintSchema        *schema,
                                                     GError            **error);

G_END_DECLS
