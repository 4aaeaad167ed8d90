/* fuzz-load.c: the pipeline loader under libFuzzer
 *
 * Whatever the input, loading must not crash, leak or overflow, and must either fail with
 * a FLINT_PIPELINE_ERROR whose message starts with "LINE:COLUMN: ", or give a pipeline
 * whose saved text loads again and saves to the same bytes.
 *
 * The replay runner (fuzz-replay.c) and tests/model/test-io.c call the same entry point,
 * so the normal test run exercises it over the corpus.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "flint-model.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
fuzz_check_error (const GError *error)
{
  g_assert_nonnull (error);

  /* Errors from the file system never happen here: the data is in memory. */
  g_assert_true (error->domain == FLINT_PIPELINE_ERROR);
  g_assert_true (g_regex_match_simple ("^[0-9]+:[0-9]+: .", error->message, G_REGEX_DOTALL, 0));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  FlintCatalog *catalog = flint_catalog_get_default ();
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(FlintPipeline) reloaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  gsize first_length = 0, second_length = 0;

  pipeline = flint_pipeline_load_from_data (catalog, (const char *) data, size, &error);
  if (pipeline == NULL)
    {
      fuzz_check_error (error);
      return 0;
    }
  g_assert_no_error (error);

  first = flint_pipeline_to_yaml (pipeline, &first_length);
  g_assert_nonnull (first);

  reloaded = flint_pipeline_load_from_data (catalog, first, first_length, &error);
  if (reloaded == NULL)
    g_error ("A saved pipeline does not load again: %s\n%s", error->message, first);

  second = flint_pipeline_to_yaml (reloaded, &second_length);
  g_assert_nonnull (second);
  if (first_length != second_length || memcmp (first, second, first_length) != 0)
    g_error ("Saving is not stable:\n--- first\n%s\n--- second\n%s", first, second);

  return 0;
}
