/* fuzz-replay.c: feeds files to the fuzz target's entry point without libFuzzer
 *
 * Usage: fuzz-replay FILE-OR-DIRECTORY...
 * Runs every file through LLVMFuzzerTestOneInput, as libFuzzer would, so that a crash
 * found by the fuzzer can be replayed under gdb or valgrind from a normal build.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>

#include "flint-model.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static guint
replay (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;
      guint n = 0;

      if (dir == NULL)
        g_error ("%s", error->message);

      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_build_filename (path, name, NULL));
      g_ptr_array_sort (names, compare_paths);

      for (guint i = 0; i < names->len; i++)
        n += replay (g_ptr_array_index (names, i));

      return n;
    }

  if (!g_file_get_contents (path, &contents, &length, &error))
    g_error ("%s", error->message);

  g_print ("%s\n", path);
  LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);

  return 1;
}

int
main (int   argc,
      char *argv[])
{
  guint n = 0;

  if (argc < 2)
    {
      g_printerr ("Usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
      return 2;
    }

  for (int i = 1; i < argc; i++)
    n += replay (argv[i]);

  g_print ("%u inputs replayed\n", n);

  return n > 0 ? 0 : 1;
}
