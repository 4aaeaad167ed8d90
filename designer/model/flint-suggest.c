/* flint-suggest.c: "did you mean" for every message of the model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include <string.h>

#include "flint-suggest-private.h"

/* Optimal string alignment distance (Damerau-Levenshtein with adjacent
 * transpositions), ignoring ASCII case. Gives up above @limit. */
guint
flint_edit_distance (const char *a,
                     const char *b,
                     guint       limit)
{
  gsize la = strlen (a);
  gsize lb = strlen (b);
  g_autofree guint *rows = NULL;
  guint *prev2, *prev, *cur;
  guint result;

  if ((la > lb ? la - lb : lb - la) > limit)
    return limit + 1;

  rows = g_new (guint, 3 * (lb + 1));
  prev2 = rows;
  prev = rows + (lb + 1);
  cur = rows + 2 * (lb + 1);

  for (gsize j = 0; j <= lb; j++)
    prev[j] = (guint) j;

  for (gsize i = 1; i <= la; i++)
    {
      guint row_min;
      guint *tmp;

      cur[0] = (guint) i;
      row_min = cur[0];
      for (gsize j = 1; j <= lb; j++)
        {
          char ca = g_ascii_tolower (a[i - 1]);
          char cb = g_ascii_tolower (b[j - 1]);
          guint cost = ca == cb ? 0 : 1;
          guint best = MIN (MIN (prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);

          if (i > 1 && j > 1 &&
              ca == g_ascii_tolower (b[j - 2]) &&
              g_ascii_tolower (a[i - 2]) == cb)
            best = MIN (best, prev2[j - 2] + 1);
          cur[j] = best;
          row_min = MIN (row_min, best);
        }
      if (row_min > limit)
        return limit + 1;

      tmp = prev2;
      prev2 = prev;
      prev = cur;
      cur = tmp;
    }

  result = prev[lb];
  return result;
}

const char *
flint_suggest_closest (const char * const *names,
                       guint               n_names,
                       const char         *word)
{
  guint limit = MAX (2, strlen (word) / 3);
  const char *best = NULL;
  guint best_distance = limit + 1;

  for (guint i = 0; i < n_names; i++)
    {
      guint distance = flint_edit_distance (word, names[i], limit);

      if (distance < best_distance)
        {
          best_distance = distance;
          best = names[i];
        }
    }

  return best;
}
