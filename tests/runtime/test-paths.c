/* test-paths.c: the XDG directories Flint uses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-test"

#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "flint-paths.h"

static void
test_locations (void)
{
  g_autofree char *state = flint_paths_dup_dir (FLINT_PATH_STATE);
  g_autofree char *data = flint_paths_dup_dir (FLINT_PATH_DATA);
  g_autofree char *cache = flint_paths_dup_dir (FLINT_PATH_CACHE);
  g_autofree char *want_state = g_build_filename (g_get_user_state_dir (), "flint", NULL);
  g_autofree char *want_data = g_build_filename (g_get_user_data_dir (), "flint", NULL);
  g_autofree char *want_cache = g_build_filename (g_get_user_cache_dir (), "flint", NULL);
  g_autofree char *store = flint_paths_build (FLINT_PATH_DATA, "runs", "store.sqlite", NULL);
  g_autofree char *want_store = g_build_filename (want_data, "runs", "store.sqlite", NULL);

  g_assert_cmpstr (state, ==, want_state);
  g_assert_cmpstr (data, ==, want_data);
  g_assert_cmpstr (cache, ==, want_cache);
  g_assert_cmpstr (store, ==, want_store);

  /* Asking where does not create anything. */
  g_assert_false (g_file_test (state, G_FILE_TEST_EXISTS));
}

static void
test_ensure_private (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *again = NULL;
  g_autofree char *autosave = NULL;
  GStatBuf st;

  dir = flint_paths_ensure_dir (FLINT_PATH_STATE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  /* Autosaved pipelines may name private buckets and hosts: only the user reads them. */
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  again = flint_paths_ensure_dir (FLINT_PATH_STATE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, dir);

  autosave = flint_paths_ensure_dir (FLINT_PATH_STATE, "autosave", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (autosave, dir));
  g_assert_cmpint (g_stat (autosave, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
}

static void
test_ensure_failure (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *blocker = flint_paths_dup_dir (FLINT_PATH_CACHE);
  g_autofree char *dir = NULL;

  /* A file where the directory should be. */
  g_assert_true (g_mkdir_with_parents (g_get_user_cache_dir (), 0700) == 0);
  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));

  dir = flint_paths_ensure_dir (FLINT_PATH_CACHE, "thumbnails", &error);
  g_assert_null (dir);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/runtime/paths/locations", test_locations);
  g_test_add_func ("/runtime/paths/ensure-private", test_ensure_private);
  g_test_add_func ("/runtime/paths/ensure-failure", test_ensure_failure);

  return g_test_run ();
}
