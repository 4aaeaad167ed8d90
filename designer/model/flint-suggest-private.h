/* flint-suggest-private.h: "did you mean" for every message of the model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions),
 * ignoring ASCII case; anything above @limit is reported as @limit + 1. */
guint       flint_edit_distance   (const char         *a,
                                   const char         *b,
                                   guint               limit);
/* The closest of @names to @word when it is close enough to be a likely typo (at most
 * max (2, length / 3) edits), the first of equals; or NULL. */
const char *flint_suggest_closest (const char * const *names,
                                   guint               n_names,
                                   const char         *word);

G_END_DECLS
