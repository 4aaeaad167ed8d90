/* flint-writer.h: a code text builder shared by the emitters, and literal escaping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FLINT_TYPE_WRITER (flint_writer_get_type ())

G_DECLARE_FINAL_TYPE (FlintWriter, flint_writer, FLINT, WRITER, GObject)

/* A writer indents each line by @indent_width spaces per level (4 for Python, 2 for
 * Scala). Blank lines collapse: never at the start, never two in a row, never at the end. */
FlintWriter *flint_writer_new                    (guint        indent_width);
guint        flint_writer_get_indent_width       (FlintWriter *self);
guint        flint_writer_get_level              (FlintWriter *self);
void         flint_writer_indent                 (FlintWriter *self);
void         flint_writer_dedent                 (FlintWriter *self);
/* One line at the current indentation; @text must not contain a newline. An empty
 * @text is a blank line. */
void         flint_writer_line                   (FlintWriter *self,
                                                  const char  *text);
void         flint_writer_linef                  (FlintWriter *self,
                                                  const char  *format,
                                                  ...) G_GNUC_PRINTF (2, 3);
/* Several lines (user code), each at the current indentation; keeps blank lines inside
 * as they are, except that trailing whitespace is dropped. */
void         flint_writer_lines                  (FlintWriter *self,
                                                  const char  *text);
/* Asks for a blank line before the next line; collapses with others. */
void         flint_writer_blank                  (FlintWriter *self);
/* How many lines are written, and the number (1-based) the next line will have,
 * counting a blank line that was asked for. */
guint        flint_writer_get_n_lines            (FlintWriter *self);
guint        flint_writer_get_next_line          (FlintWriter *self);
/* The text so far (borrowed), ending in a newline unless empty. */
const char  *flint_writer_get_text               (FlintWriter *self);
/* The text, leaving the writer empty. */
char        *flint_writer_finish                 (FlintWriter *self);

/* A double-quoted Python str literal that evaluates to @text. Invalid UTF-8 is
 * replaced with U+FFFD. Printable non-ASCII stays as it is; controls, format characters
 * (bidi overrides, zero-width) and line separators are escaped. */
char        *flint_writer_python_string_literal  (const char  *text);
/* A double-quoted Scala (2.13 and 3) and Java string literal that evaluates to @text.
 * Backslashes are always doubled, so no unicode escape can come from user text. */
char        *flint_writer_scala_string_literal   (const char  *text);

/* A safe identifier from a label: ASCII, snake_case (Python) or lowerCamelCase (Scala),
 * never a keyword (suffixed with '_'), never starting with a digit (prefixed with '_').
 * An empty result becomes @fallback (or "node" when @fallback is NULL). */
char        *flint_writer_python_identifier      (const char  *label,
                                                  const char  *fallback);
char        *flint_writer_scala_identifier       (const char  *label,
                                                  const char  *fallback);
gboolean     flint_writer_is_python_keyword      (const char  *word);
gboolean     flint_writer_is_scala_keyword       (const char  *word);

/* A Spark SQL identifier in backticks, backticks inside doubled: a`b -> `a``b`. */
char        *flint_writer_sql_quote_identifier   (const char  *name);
/* Whether a column name must be quoted in a Spark SQL expression: anything but
 * [A-Za-z_][A-Za-z0-9_]* that is not a reserved word. */
gboolean     flint_writer_sql_needs_quoting      (const char  *name);
/* @name as is when it needs no quoting, else quoted. */
char        *flint_writer_sql_identifier         (const char  *name);

G_END_DECLS
