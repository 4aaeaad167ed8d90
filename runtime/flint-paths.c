/* flint-paths.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-runtime"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "flint-paths.h"

static const char *
base_dir (FlintPathKind kind)
{
  switch (kind)
    {
    case FLINT_PATH_STATE:
      return g_get_user_state_dir ();
    case FLINT_PATH_DATA:
      return g_get_user_data_dir ();
    case FLINT_PATH_CACHE:
      return g_get_user_cache_dir ();
    default:
      g_assert_not_reached ();
    }

  return NULL;
}

char *
flint_paths_dup_dir (FlintPathKind kind)
{
  g_return_val_if_fail (kind <= FLINT_PATH_CACHE, NULL);

  return g_build_filename (base_dir (kind), "flint", NULL);
}

char *
flint_paths_build (FlintPathKind  kind,
                   const char    *first_element,
                   ...)
{
  g_autoptr (GPtrArray) parts = NULL;
  va_list args;

  g_return_val_if_fail (kind <= FLINT_PATH_CACHE, NULL);

  parts = g_ptr_array_new ();
  g_ptr_array_add (parts, (gpointer) base_dir (kind));
  g_ptr_array_add (parts, (gpointer) "flint");

  va_start (args, first_element);
  for (const char *element = first_element; element != NULL; element = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) element);
  va_end (args);

  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

char *
flint_paths_ensure_dir (FlintPathKind   kind,
                        const char     *subdir,
                        GError        **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (kind <= FLINT_PATH_CACHE, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = flint_paths_build (kind, subdir, NULL);

  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }

  return g_steal_pointer (&path);
}
