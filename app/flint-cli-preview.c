/* flint-cli-preview.c: flint-cli preview, sample rows at a node on local Spark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "flint-cli.h"
#include "flint-model.h"
#include "flint-preview.h"

typedef struct
{
  GMainLoop          *loop;
  FlintPreviewResult *result;
  GError             *error;
  GCancellable       *cancellable;
} Wait;

static void
previewed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = flint_preview_session_run_finish (FLINT_PREVIEW_SESSION (object), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

static gboolean
interrupted (gpointer user_data)
{
  Wait *wait = user_data;

  g_cancellable_cancel (wait->cancellable);
  return G_SOURCE_CONTINUE;
}

/* g_strv_builder_take () is GLib 2.80. */
static void
builder_take (GStrvBuilder *builder,
              char         *text)
{
  g_strv_builder_add (builder, text);
  g_free (text);
}

/* Pads @text to @width characters (not bytes: names and values may be UTF-8). */
static void
print_padded (GString    *out,
              const char *text,
              guint       width)
{
  glong len = g_utf8_strlen (text, -1);

  g_string_append (out, text);
  for (glong i = len; i < (glong) width; i++)
    g_string_append_c (out, ' ');
}

static char *
shorten (const char *text,
         guint       max)
{
  if (text == NULL)
    return g_strdup ("null");
  if (g_utf8_strlen (text, -1) <= (glong) max)
    return g_strdup (text);
  {
    g_autofree char *head = g_utf8_substring (text, 0, max - 1);
    return g_strconcat (head, "…", NULL);
  }
}

/* Columns of text, each as wide as its widest cell. */
static void
print_table (GPtrArray *rows)
{
  g_autoptr(GArray) widths = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint r = 0; r < rows->len; r++)
    {
      GStrv cells = g_ptr_array_index (rows, r);

      for (guint c = 0; cells[c]; c++)
        {
          guint len = g_utf8_strlen (cells[c], -1);

          if (c >= widths->len)
            g_array_set_size (widths, c + 1);
          g_array_index (widths, guint, c) = MAX (g_array_index (widths, guint, c), len);
        }
    }
  for (guint r = 0; r < rows->len; r++)
    {
      GStrv cells = g_ptr_array_index (rows, r);

      for (guint c = 0; cells[c]; c++)
        {
          if (cells[c + 1])
            {
              print_padded (out, cells[c], g_array_index (widths, guint, c));
              g_string_append (out, "  ");
            }
          else
            g_string_append (out, cells[c]);
        }
      g_string_append_c (out, '\n');
    }
  fputs (out->str, stdout);
}

static void
print_result (FlintPipeline      *pipeline,
              FlintPreviewResult *result)
{
  g_autoptr(GPtrArray) stats = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GStrvBuilder) header = g_strv_builder_new ();
  g_autofree char *ran = g_strjoinv (", ", (GStrv) flint_preview_result_get_executed (result));
  g_autofree char *cached = g_strjoinv (", ", (GStrv) flint_preview_result_get_reused (result));
  GListModel *nodes = flint_pipeline_get_nodes (pipeline);
  guint n_columns = flint_preview_result_get_n_columns (result);

  gint64 total = flint_preview_result_get_count (result);
  g_autofree char *total_text = g_strdup_printf ("%" G_GINT64_FORMAT, total);

  /* The count is formatted first: xgettext cannot see through G_GINT64_FORMAT. */
  g_print (ngettext ("%s: %s row in %.1f s (ran: %s; cached: %s)\n",
                     "%s: %s rows in %.1f s (ran: %s; cached: %s)\n",
                     (gulong) CLAMP (total, 0, G_MAXLONG)),
           flint_preview_result_get_node_id (result), total_text,
           flint_preview_result_get_elapsed (result) / 1000.0,
           *ran ? ran : "-", *cached ? cached : "-");

  /* What flowed out of every node on the way, and what quality checks held back. */
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(FlintNode) node = g_list_model_get_item (nodes, i);
      const char *id = flint_node_get_id (node);
      gint64 count = flint_preview_result_get_output_count (result, id, NULL);
      const char *mode = NULL;
      gint64 passed, failed;

      if (count < 0)
        continue;
      if (flint_preview_result_get_quality (result, id, &mode, &passed, &failed) && failed >= 0)
        {
          g_autofree char *passed_text = g_strdup_printf ("%" G_GINT64_FORMAT, passed);
          g_autofree char *failed_text = g_strdup_printf ("%" G_GINT64_FORMAT, failed);

          /* TRANSLATORS: a quality check's counts: node id, rows that passed, rows held back */
          g_print (g_strcmp0 (mode, "quarantine") == 0 ? _("  %s: %s passed, %s quarantined\n")
                                                       : _("  %s: %s passed, %s dropped\n"),
                   id, passed_text, failed_text);
        }
      else
        g_print ("  %s: %" G_GINT64_FORMAT "\n", id, count);
    }
  g_print ("\n");

  {
    const char *titles[] = { N_("column"), N_("type"), N_("nulls"), N_("min"), N_("max"), N_("distinct"), NULL };
    GStrvBuilder *line = g_strv_builder_new ();

    for (guint i = 0; titles[i]; i++)
      g_strv_builder_add (line, _(titles[i]));
    g_ptr_array_add (stats, g_strv_builder_end (line));
    g_strv_builder_unref (line);
  }
  for (guint c = 0; c < n_columns; c++)
    {
      FlintPreviewColumn column;
      GStrvBuilder *line = g_strv_builder_new ();

      flint_preview_result_get_column (result, c, &column);
      g_strv_builder_add (line, column.name);
      g_strv_builder_add (line, column.type);
      builder_take (line, g_strdup_printf ("%" G_GINT64_FORMAT, column.nulls));
      builder_take (line, shorten (column.min, 24));
      builder_take (line, shorten (column.max, 24));
      builder_take (line, column.distinct >= 0 ? g_strdup_printf ("~%" G_GINT64_FORMAT, column.distinct) : g_strdup ("-"));
      g_ptr_array_add (stats, g_strv_builder_end (line));
      g_strv_builder_unref (line);
    }
  print_table (stats);
  g_print ("\n");

  for (guint c = 0; c < n_columns; c++)
    {
      FlintPreviewColumn column;

      flint_preview_result_get_column (result, c, &column);
      g_strv_builder_add (header, column.name);
    }
  g_ptr_array_add (rows, g_strv_builder_end (header));
  for (guint r = 0; r < flint_preview_result_get_n_rows (result); r++)
    {
      GStrvBuilder *line = g_strv_builder_new ();

      for (guint c = 0; c < n_columns; c++)
        builder_take (line, shorten (flint_preview_result_get_cell (result, r, c), 40));
      g_ptr_array_add (rows, g_strv_builder_end (line));
      g_strv_builder_unref (line);
    }
  print_table (rows);
}

int
flint_cli_preview (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) dir = NULL;
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(FlintPreviewSession) session = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(GStrv) files = NULL;
  g_autofree char *node_id = NULL;
  gboolean as_json = FALSE;
  int rows = 0;
  guint sigint;
  Wait wait = { 0 };
  const GOptionEntry entries[] = {
    { "node", 'n', 0, G_OPTION_ARG_STRING, &node_id, N_("The node to preview (a sink shows what flows into it)"), N_("ID") },
    { "rows", 'r', 0, G_OPTION_ARG_INT, &rows, N_("Rows read from each source and shown (default: job.preview.rows, else 1000 read and 200 shown)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print rows, columns, statistics and counts as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE") },
    { NULL }
  };

  context = flint_cli_option_context (_("FILE --node ID — sample rows at a node, on local Spark"),
                                      _("Runs the pipeline's PySpark up to the node on a sample of its sources\n"
                                        "(job.preview: rows, fraction, seed; a source's job.preview.samples rows\n"
                                        "replace it) and prints the rows, the column types and statistics, and\n"
                                        "the rows out of every node on the way. Sinks never write.\n"
                                        "Exit status: 0 when previewed, 1 when the pipeline or Spark failed (the\n"
                                        "message names the node), 2 when the file cannot be read or the usage\n"
                                        "is wrong."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("flint-cli preview: %s\n", error->message);
      return EXIT_UNREADABLE;
    }
  if (files == NULL || files[0] == NULL || files[1] != NULL || node_id == NULL || rows < 0)
    {
      g_printerr (_("flint-cli preview: give one pipeline file and --node ID (see flint-cli preview --help)\n"));
      return EXIT_UNREADABLE;
    }

  file = g_file_new_for_commandline_arg (files[0]);
  pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);
  if (pipeline == NULL)
    {
      g_printerr ("%s: %s\n", files[0], error->message);
      return EXIT_UNREADABLE;
    }
  if (flint_pipeline_lookup_node (pipeline, node_id) == NULL)
    {
      g_printerr (_("%s: there is no node '%s'\n"), files[0], node_id);
      return EXIT_UNREADABLE;
    }

  dir = g_file_get_parent (file);
  session = flint_preview_session_new ();
  loop = g_main_loop_new (NULL, FALSE);
  wait.loop = loop;
  wait.cancellable = cancellable;
  sigint = g_unix_signal_add (SIGINT, interrupted, &wait);
  flint_preview_session_run_async (session, pipeline, node_id, dir, rows, rows, cancellable, previewed, &wait);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  flint_preview_session_stop (session);

  if (wait.result == NULL)
    {
      g_printerr ("flint-cli preview: %s\n", wait.error->message);
      g_clear_error (&wait.error);
      return EXIT_PROBLEMS;
    }

  if (as_json)
    {
      g_autoptr(JsonNode) json = flint_preview_result_to_json (wait.result);
      flint_cli_print_json (json);
    }
  else if (flint_preview_result_is_ok (wait.result))
    print_result (pipeline, wait.result);

  if (!flint_preview_result_is_ok (wait.result))
    {
      const char *culprit = flint_preview_result_get_error_node (wait.result);
      FlintNode *node = culprit ? flint_pipeline_lookup_node (pipeline, culprit) : NULL;
      guint line = node ? flint_node_get_line (node, NULL) : 0;

      if (line > 0)
        g_printerr ("%s:%u: %s: %s\n", files[0], line, culprit, flint_preview_result_get_message (wait.result));
      else
        g_printerr ("%s: %s%s%s\n", files[0], culprit ? culprit : "", culprit ? ": " : "",
                    flint_preview_result_get_message (wait.result));
      g_object_unref (wait.result);
      return EXIT_PROBLEMS;
    }

  g_object_unref (wait.result);
  return EXIT_CLEAN;
}
