/* main.c: the designer's entry point
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "flint-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (FlintApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = flint_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
