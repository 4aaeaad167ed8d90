/* flint-cli-generate.c: flint-cli generate, PySpark or Scala from a pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flint-cli.h"
#include "flint-codegen.h"
#include "flint-model.h"

int
flint_cli_generate (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(FlintGeneratedCode) code = NULL;
  g_auto(GStrv) files = NULL;
  g_autofree char *lang = NULL;
  g_autofree char *output = NULL;
  FlintLanguage language = FLINT_LANGUAGE_PYTHON;
  const char *text;
  const GOptionEntry entries[] = {
    { "lang", 'l', 0, G_OPTION_ARG_STRING, &lang, N_("The language: python (the default) or scala"), N_("LANG") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the program into DIR instead of printing it"), N_("DIR") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE") },
    { NULL }
  };

  context = flint_cli_option_context (_("FILE — generate the Spark program of a pipeline"),
                                      _("Prints the program, or with -o writes it into DIR under the pipeline's\n"
                                        "name (customer_join.py, CustomerJoin.scala).\n"
                                        "Exit status: 0 when written, 1 when the pipeline has errors (listed),\n"
                                        "2 when the file cannot be read or parsed, or the usage is wrong."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("flint-cli generate: %s\n", error->message);
      return EXIT_UNREADABLE;
    }

  if (files == NULL || files[0] == NULL || files[1] != NULL)
    {
      g_printerr (_("flint-cli generate: give one pipeline file (see flint-cli generate --help)\n"));
      return EXIT_UNREADABLE;
    }

  if (lang != NULL && !flint_language_from_string (lang, &language))
    {
      g_printerr (_("flint-cli generate: unknown language '%s' (python or scala)\n"), lang);
      return EXIT_UNREADABLE;
    }

  file = g_file_new_for_commandline_arg (files[0]);
  pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
  if (pipeline == NULL)
    {
      g_printerr ("%s: %s\n", files[0], error->message);
      return EXIT_UNREADABLE;
    }

  {
    g_autofree char *source_name = g_file_get_basename (file);

    /* The header names the pipeline file the program came from. */
    code = flint_codegen_generate_for_file (pipeline, language, FALSE, source_name, &error);
  }
  if (code == NULL)
    {
      g_printerr ("%s: %s\n", files[0], error->message);
      return EXIT_PROBLEMS;
    }

  text = flint_generated_code_get_text (code);

  if (output == NULL)
    {
      fputs (text, stdout);
      return fflush (stdout) == 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
    }
  else
    {
      g_autoptr(GFile) dir = g_file_new_for_commandline_arg (output);
      g_autoptr(GFile) target = g_file_get_child (dir, flint_generated_code_get_filename (code));
      g_autofree char *path = g_file_get_path (target);

      if (g_mkdir_with_parents (g_file_peek_path (dir), 0755) != 0 ||
          !g_file_replace_contents (target, text, strlen (text), NULL, FALSE, G_FILE_CREATE_NONE,
                                    NULL, NULL, &error))
        {
          g_printerr ("flint-cli generate: %s: %s\n", path,
                      error ? error->message : g_strerror (errno));
          return EXIT_UNREADABLE;
        }
      g_print ("%s\n", path);
    }

  return EXIT_CLEAN;
}
