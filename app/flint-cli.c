/* flint-cli.c: Flint without a window, for CI
 *
 * Links only the model, codegen and runtime layers, so it runs with no display.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flint-cli.h"
#include "flint-model.h"

typedef int (*CommandFunc) (int argc, char **argv);

typedef struct
{
  const char  *name;
  CommandFunc  func;
  const char  *summary;
} Command;

static int cmd_validate (int argc, char **argv);
static int cmd_catalog (int argc, char **argv);

/* Each command in a file of its own (flint-cli-NAME.c) declares itself in flint-cli.h. */
static const Command commands[] = {
  { "validate", cmd_validate, N_("Check pipelines and report problems like a compiler") },
  { "catalog", cmd_catalog, N_("List the node kinds and their parameters") },
  { "export", flint_cli_export, N_("Write job specs for CI, or check them for drift") },
  { "generate", flint_cli_generate, N_("Write the PySpark or Scala program of a pipeline") },
  { "check", flint_cli_check, N_("Have local Spark analyse a pipeline on empty inputs") },
  { "submit", flint_cli_submit, N_("Run a pipeline on a target (local Spark by default)") },
  { "status", flint_cli_status, N_("List recent runs, or show one with its progress") },
  { "cancel", flint_cli_cancel, N_("Stop a queued or running run") },
  { "logs", flint_cli_logs, N_("Print a run's driver output") },
  { "preview", flint_cli_preview, N_("Show sample rows at a node, run on local Spark") },
};

static gboolean use_color;

const char *
flint_cli_color (const char *code)
{
  return use_color ? code : "";
}

const char *
flint_cli_severity_color (FlintSeverity severity)
{
  switch (severity)
    {
    case FLINT_SEVERITY_ERROR:
      return flint_cli_color ("\033[1;31m");
    case FLINT_SEVERITY_WARNING:
      return flint_cli_color ("\033[1;35m");
    case FLINT_SEVERITY_INFO:
    default:
      return flint_cli_color ("\033[1;36m");
    }
}

void
flint_cli_print_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

GOptionContext *
flint_cli_option_context (const char *parameter,
                 const char *summary)
{
  GOptionContext *context = g_option_context_new (parameter);

  g_option_context_set_summary (context, summary);
  return context;
}

/* validate {{{ */

/* "12:5: message" from the loader: split the place off. */
const char *
flint_cli_split_place (const char *message,
             guint      *line,
             guint      *column)
{
  const char *p = message;
  guint64 l, c;
  char *end;

  *line = *column = 0;

  l = g_ascii_strtoull (p, &end, 10);
  if (end == p || *end != ':')
    return message;
  p = end + 1;
  c = g_ascii_strtoull (p, &end, 10);
  if (end == p || *end != ':')
    return message;

  *line = (guint) l;
  *column = (guint) c;
  p = end + 1;
  while (*p == ' ')
    p++;

  return p;
}

static guint
diagnostic_line (FlintPipeline   *pipeline,
                 FlintDiagnostic *diagnostic)
{
  FlintNode *node = flint_pipeline_lookup_node (pipeline, flint_diagnostic_get_node_id (diagnostic));

  if (node == NULL)
    return 0;

  return flint_node_get_line (node, flint_diagnostic_get_param (diagnostic));
}

static int
validate_one (const char *path,
              gboolean    as_json,
              JsonArray  *results)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintPipeline) pipeline = NULL;
  g_autoptr(FlintValidator) validator = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  guint errors = 0, warnings = 0;

  pipeline = flint_pipeline_load_from_file (flint_catalog_get_default (), file, NULL, &error);

  if (pipeline == NULL)
    {
      guint line, column;
      const char *message = flint_cli_split_place (error->message, &line, &column);

      if (as_json)
        {
          builder = json_builder_new ();
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "file");
          json_builder_add_string_value (builder, path);
          json_builder_set_member_name (builder, "valid");
          json_builder_add_boolean_value (builder, FALSE);
          json_builder_set_member_name (builder, "readable");
          json_builder_add_boolean_value (builder, FALSE);
          json_builder_set_member_name (builder, "error");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, message);
          json_builder_set_member_name (builder, "line");
          json_builder_add_int_value (builder, line);
          json_builder_set_member_name (builder, "column");
          json_builder_add_int_value (builder, column);
          json_builder_end_object (builder);
          json_builder_end_object (builder);
          json_array_add_element (results, json_builder_get_root (builder));
        }
      else if (line > 0)
        g_printerr ("%s%s:%u:%u:%s %serror:%s %s\n", flint_cli_color ("\033[1m"), path, line, column, flint_cli_color ("\033[0m"),
                    flint_cli_severity_color (FLINT_SEVERITY_ERROR), flint_cli_color ("\033[0m"), message);
      else
        g_printerr ("%s%s:%s %serror:%s %s\n", flint_cli_color ("\033[1m"), path, flint_cli_color ("\033[0m"),
                    flint_cli_severity_color (FLINT_SEVERITY_ERROR), flint_cli_color ("\033[0m"), message);

      return EXIT_UNREADABLE;
    }

  validator = flint_validator_new (pipeline);
  diagnostics = flint_validator_dup_diagnostics (validator);

  if (as_json)
    {
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "file");
      json_builder_add_string_value (builder, path);
      json_builder_set_member_name (builder, "readable");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "diagnostics");
      json_builder_begin_array (builder);
    }

  for (guint i = 0; i < diagnostics->len; i++)
    {
      FlintDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);
      FlintSeverity severity = flint_diagnostic_get_severity (diagnostic);
      const char *node_id = flint_diagnostic_get_node_id (diagnostic);
      const char *param = flint_diagnostic_get_param (diagnostic);
      const char *hint = flint_diagnostic_get_hint (diagnostic);
      guint line = diagnostic_line (pipeline, diagnostic);

      if (severity == FLINT_SEVERITY_ERROR)
        errors++;
      else if (severity == FLINT_SEVERITY_WARNING)
        warnings++;

      if (as_json)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "severity");
          json_builder_add_string_value (builder, flint_severity_to_string (severity));
          json_builder_set_member_name (builder, "code");
          json_builder_add_string_value (builder, flint_diagnostic_get_code (diagnostic));
          json_builder_set_member_name (builder, "node");
          json_builder_add_string_value (builder, node_id);
          json_builder_set_member_name (builder, "param");
          json_builder_add_string_value (builder, param);
          json_builder_set_member_name (builder, "line");
          if (line > 0)
            json_builder_add_int_value (builder, line);
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, flint_diagnostic_get_message (diagnostic));
          json_builder_set_member_name (builder, "hint");
          json_builder_add_string_value (builder, hint);
          json_builder_end_object (builder);
          continue;
        }

      {
        g_autoptr(GString) out = g_string_new (NULL);

        g_string_append_printf (out, "%s%s:", flint_cli_color ("\033[1m"), path);
        if (line > 0)
          g_string_append_printf (out, "%u:", line);
        g_string_append_printf (out, "%s ", flint_cli_color ("\033[0m"));
        if (node_id != NULL)
          g_string_append_printf (out, _("node '%s': "), node_id);
        else if (param != NULL)
          g_string_append_printf (out, "%s: ", param);
        g_string_append_printf (out, "%s%s:%s %s", flint_cli_severity_color (severity),
                                flint_severity_to_string (severity), flint_cli_color ("\033[0m"),
                                flint_diagnostic_get_message (diagnostic));
        if (hint != NULL)
          g_string_append_printf (out, " (%s)", hint);
        g_print ("%s\n", out->str);
      }
    }

  if (as_json)
    {
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "errors");
      json_builder_add_int_value (builder, errors);
      json_builder_set_member_name (builder, "warnings");
      json_builder_add_int_value (builder, warnings);
      json_builder_set_member_name (builder, "valid");
      json_builder_add_boolean_value (builder, errors == 0);
      json_builder_end_object (builder);
      json_array_add_element (results, json_builder_get_root (builder));
    }

  return errors > 0 ? EXIT_PROBLEMS : EXIT_CLEAN;
}

static int
cmd_validate (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) results = json_array_new ();
  g_auto(GStrv) files = NULL;
  gboolean as_json = FALSE;
  int status = EXIT_CLEAN;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the findings as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE…") },
    { NULL }
  };

  context = flint_cli_option_context (_("FILE… — validate pipelines"),
                             _("Prints each problem as FILE:LINE: node 'ID': SEVERITY: MESSAGE (HINT).\n"
                               "Exit status: 0 when every file is clean (warnings allowed), 1 when a\n"
                               "file has errors, 2 when a file cannot be read or parsed."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("flint-cli validate: %s\n", error->message);
      return EXIT_UNREADABLE;
    }

  if (files == NULL || files[0] == NULL)
    {
      g_printerr (_("flint-cli validate: no file given (see flint-cli validate --help)\n"));
      return EXIT_UNREADABLE;
    }

  for (guint i = 0; files[i] != NULL; i++)
    {
      int file_status = validate_one (files[i], as_json, results);

      status = MAX (status, file_status);
    }

  if (as_json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "exit_code", status);
      json_object_set_array_member (object, "files", json_array_ref (results));
      json_node_take_object (root, object);
      flint_cli_print_json (root);
    }

  return status;
}

/* }}} */

/* catalog {{{ */

static void
print_param (const FlintParamSpec *spec,
             guint                 indent)
{
  g_autoptr(GString) line = g_string_new (NULL);

  g_string_append_printf (line, "%*s%s%s%s  %s", indent, "", flint_cli_color ("\033[1m"), spec->name, flint_cli_color ("\033[0m"),
                          flint_param_type_to_string (spec->type));
  if (spec->type == FLINT_PARAM_ENUM && spec->choices != NULL)
    {
      g_autofree char *choices = g_strjoinv ("|", spec->choices);
      g_string_append_printf (line, " (%s)", choices);
    }
  if (spec->type == FLINT_PARAM_LIST && spec->fields == NULL)
    g_string_append_printf (line, " of %s", flint_param_type_to_string (spec->item_type));
  if (spec->required)
    g_string_append_printf (line, ", %s", _("required"));
  if (spec->default_value != NULL)
    {
      g_autofree char *text = json_to_string (spec->default_value, FALSE);
      g_string_append_printf (line, ", %s %s", _("default"), text);
    }
  g_print ("%s\n", line->str);
  if (spec->description != NULL && *spec->description != '\0')
    g_print ("%*s%s\n", indent + 4, "", spec->description);

  for (guint i = 0; spec->fields != NULL && i < spec->fields->len; i++)
    print_param (g_ptr_array_index (spec->fields, i), indent + 4);
}

static void
print_ports (const char *title,
             GPtrArray  *ports)
{
  g_autoptr(GString) line = g_string_new (NULL);

  if (ports->len == 0)
    return;

  for (guint i = 0; i < ports->len; i++)
    {
      const FlintPortSpec *port = g_ptr_array_index (ports, i);

      if (i > 0)
        g_string_append (line, ", ");
      g_string_append (line, port->name);
      if (port->multiple)
        g_string_append (line, _(" (several)"));
      if (port->optional)
        g_string_append (line, _(" (optional)"));
    }
  g_print ("  %s: %s\n", title, line->str);
}

static int
cmd_catalog (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) kinds = NULL;
  gboolean as_json = FALSE;
  FlintCatalog *catalog;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the whole catalog as JSON"), NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &kinds, NULL, N_("[KIND…]") },
    { NULL }
  };

  context = flint_cli_option_context (_("[KIND…] — list node kinds"),
                             _("Without KIND, lists every kind; with KIND (such as transform.join),\n"
                               "describes its ports and parameters."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("flint-cli catalog: %s\n", error->message);
      return EXIT_UNREADABLE;
    }

  catalog = flint_catalog_get_default ();

  if (as_json)
    {
      g_autoptr(JsonNode) root = flint_catalog_to_json (catalog);
      flint_cli_print_json (root);
      return EXIT_CLEAN;
    }

  if (kinds != NULL && kinds[0] != NULL)
    {
      int status = EXIT_CLEAN;

      for (guint i = 0; kinds[i] != NULL; i++)
        {
          const FlintNodeKind *kind = flint_catalog_lookup (catalog, kinds[i]);

          if (kind == NULL)
            {
              g_printerr (_("flint-cli catalog: there is no node kind '%s'\n"), kinds[i]);
              status = EXIT_UNREADABLE;
              continue;
            }

          g_print ("%s%s%s — %s\n", flint_cli_color ("\033[1m"), kind->id, flint_cli_color ("\033[0m"), kind->title);
          if (kind->description != NULL)
            g_print ("  %s\n", kind->description);
          g_print ("  %s: %s%s\n", _("modes"),
                   (kind->modes & FLINT_MODE_BATCH) ? "batch" : "",
                   (kind->modes & FLINT_MODE_STREAMING) ? ((kind->modes & FLINT_MODE_BATCH) ? ", streaming" : "streaming") : "");
          print_ports (_("inputs"), kind->inputs);
          print_ports (_("outputs"), kind->outputs);
          if (kind->params->len > 0)
            g_print ("  %s:\n", _("parameters"));
          for (guint p = 0; p < kind->params->len; p++)
            print_param (g_ptr_array_index (kind->params, p), 4);
          if (kinds[i + 1] != NULL)
            g_print ("\n");
        }

      return status;
    }

  for (guint i = 0; i < flint_catalog_get_n_kinds (catalog); i++)
    {
      const FlintNodeKind *kind = flint_catalog_get_kind (catalog, i);

      g_print ("%-22s %s\n", kind->id, kind->title);
    }

  return EXIT_CLEAN;
}

/* }}} */

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n", _("Usage: flint-cli COMMAND [OPTION…] [ARGUMENT…]"));
  fprintf (stream, "%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("Run “flint-cli COMMAND --help” for the options of a command."));
}

int
main (int    argc,
      char **argv)
{
  const char *name;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  use_color = isatty (STDOUT_FILENO) && isatty (STDERR_FILENO) && g_getenv ("NO_COLOR") == NULL;

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_UNREADABLE;
    }

  name = argv[1];

  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_usage (stdout);
      return EXIT_CLEAN;
    }

  if (g_str_equal (name, "--version"))
    {
      g_print ("flint-cli %s\n", PACKAGE_VERSION);
      return EXIT_CLEAN;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, name))
        {
          g_autofree char *prgname = g_strdup_printf ("flint-cli %s", name);

          g_set_prgname (prgname);
          /* The command sees its own name as argv[0]. */
          return commands[i].func (argc - 1, argv + 1);
        }
    }

  g_printerr (_("flint-cli: unknown command '%s'\n\n"), name);
  print_usage (stderr);
  return EXIT_UNREADABLE;
}
