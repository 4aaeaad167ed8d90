/* flint-codegen.c: generating a program from a pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-codegen"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "flint-emit-private.h"

struct _FlintGeneratedCode
{
  char      *text;
  char      *filename;
  GPtrArray *spans;
};

static void
span_free (gpointer data)
{
  FlintCodeSpan *span = data;

  g_free (span->node_id);
  g_free (span);
}

static FlintWriter *
span_writer (FlintEmitContext *ctx)
{
  return ctx->span_writer != NULL ? ctx->span_writer : ctx->writer;
}

void
flint_emit_span_begin (FlintEmitContext *ctx,
                       const char       *node_id)
{
  FlintCodeSpan *span = g_new0 (FlintCodeSpan, 1);

  span->node_id = g_strdup (node_id);
  span->first_line = flint_writer_get_next_line (span_writer (ctx));
  g_ptr_array_add (ctx->spans, span);
}

void
flint_emit_span_end (FlintEmitContext *ctx)
{
  FlintCodeSpan *span;

  g_return_if_fail (ctx->spans->len > 0);

  span = g_ptr_array_index (ctx->spans, ctx->spans->len - 1);
  span->last_line = flint_writer_get_n_lines (span_writer (ctx));
}

static char *
make_filename (FlintPipeline *pipeline,
               FlintLanguage  language)
{
  const char *name = flint_pipeline_get_name (pipeline);
  g_autofree char *base = NULL;

  if (name == NULL || *name == '\0')
    name = "pipeline";

  if (language == FLINT_LANGUAGE_PYTHON)
    {
      base = flint_writer_python_identifier (name, "pipeline");
      return g_strconcat (base, ".py", NULL);
    }

  /* A Scala object: UpperCamelCase. */
  base = flint_writer_scala_identifier (name, "pipeline");
  base[0] = g_ascii_toupper (base[0]);
  return g_strconcat (base, ".scala", NULL);
}

FlintGeneratedCode *
flint_codegen_generate (FlintPipeline  *pipeline,
                        FlintLanguage   language,
                        gboolean        allow_invalid,
                        GError        **error)
{
  return flint_codegen_generate_for_file (pipeline, language, allow_invalid, NULL, error);
}

FlintGeneratedCode *
flint_codegen_generate_for_file (FlintPipeline  *pipeline,
                                 FlintLanguage   language,
                                 gboolean        allow_invalid,
                                 const char     *source_name,
                                 GError        **error)
{
  g_autoptr(FlintValidator) validator = NULL;
  g_autoptr(FlintCodePlan) plan = NULL;
  g_autoptr(FlintWriter) writer = NULL;
  g_autoptr(GPtrArray) spans = NULL;
  FlintGeneratedCode *code;
  FlintEmitContext ctx = { 0 };
  gboolean ok;

  g_return_val_if_fail (FLINT_IS_PIPELINE (pipeline), NULL);

  validator = flint_validator_new (pipeline);

  if (!allow_invalid && flint_validator_count (validator, FLINT_SEVERITY_ERROR) > 0)
    {
      g_autoptr(GPtrArray) diagnostics = flint_validator_dup_diagnostics (validator);
      g_autoptr(GString) message = g_string_new (_("The pipeline has errors; fix them before generating code:"));
      guint shown = 0;

      for (guint i = 0; i < diagnostics->len && shown < 5; i++)
        {
          FlintDiagnostic *d = g_ptr_array_index (diagnostics, i);

          if (flint_diagnostic_get_severity (d) != FLINT_SEVERITY_ERROR)
            continue;
          if (flint_diagnostic_get_node_id (d) != NULL)
            g_string_append_printf (message, "\n  %s: %s", flint_diagnostic_get_node_id (d),
                                    flint_diagnostic_get_message (d));
          else
            g_string_append_printf (message, "\n  %s", flint_diagnostic_get_message (d));
          shown++;
        }

      g_set_error_literal (error, FLINT_CODEGEN_ERROR, FLINT_CODEGEN_ERROR_INVALID, message->str);
      return NULL;
    }

  if ((plan = flint_code_plan_new (pipeline, language, error)) == NULL)
    return NULL;

  writer = flint_writer_new (language == FLINT_LANGUAGE_PYTHON ? 4 : 2);
  spans = g_ptr_array_new_with_free_func (span_free);

  ctx.pipeline = pipeline;
  ctx.validator = validator;
  ctx.plan = plan;
  ctx.writer = writer;
  ctx.spans = spans;
  ctx.source_name = source_name != NULL && *source_name != '\0' ? source_name : NULL;

  if (language == FLINT_LANGUAGE_PYTHON)
    ok = flint_python_emit (&ctx, error);
  else
    ok = flint_scala_emit (&ctx, error);

  if (!ok)
    return NULL;

  code = g_new0 (FlintGeneratedCode, 1);
  code->text = flint_writer_finish (writer);
  code->filename = make_filename (pipeline, language);
  code->spans = g_steal_pointer (&spans);

  return code;
}

void
flint_generated_code_free (FlintGeneratedCode *self)
{
  if (self == NULL)
    return;

  g_free (self->text);
  g_free (self->filename);
  g_clear_pointer (&self->spans, g_ptr_array_unref);
  g_free (self);
}

const char *
flint_generated_code_get_text (FlintGeneratedCode *self)
{
  return self->text;
}

const char *
flint_generated_code_get_filename (FlintGeneratedCode *self)
{
  return self->filename;
}

GPtrArray *
flint_generated_code_get_spans (FlintGeneratedCode *self)
{
  return self->spans;
}
