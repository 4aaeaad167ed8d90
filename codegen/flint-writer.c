/* flint-writer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-codegen"

#include "config.h"

#include <string.h>

#include "flint-writer.h"

struct _FlintWriter
{
  GObject   parent_instance;
  GString  *text;
  guint     indent_width;
  guint     level;
  guint     n_lines;        /* lines written so far, for the code view's spans */
  gboolean  pending_blank;
};

G_DEFINE_FINAL_TYPE (FlintWriter, flint_writer, G_TYPE_OBJECT)

/* Python 3.12 keywords, and the soft keywords, which are legal names but read badly. */
static const char * const python_keywords[] = {
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "case",
  "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from",
  "global", "if", "import", "in", "is", "lambda", "match", "nonlocal", "not", "or", "pass",
  "raise", "return", "try", "type", "while", "with", "yield", NULL
};

/* Scala 2.13 and Scala 3 reserved words. */
static const char * const scala_keywords[] = {
  "abstract", "case", "catch", "class", "def", "do", "else", "enum", "export", "extends",
  "false", "final", "finally", "for", "forSome", "given", "if", "implicit", "import", "lazy",
  "macro", "match", "new", "null", "object", "override", "package", "private", "protected",
  "return", "sealed", "super", "then", "this", "throw", "trait", "true", "try", "type",
  "val", "var", "while", "with", "yield", NULL
};

/* Spark SQL words reserved in ANSI mode (and a few reserved in every mode). */
static const char * const sql_reserved[] = {
  "all", "and", "anti", "any", "as", "authorization", "both", "case", "cast", "check",
  "collate", "column", "constraint", "create", "cross", "current_date", "current_time",
  "current_timestamp", "current_user", "distinct", "else", "end", "except", "false", "fetch",
  "for", "foreign", "from", "full", "grant", "group", "having", "in", "inner", "intersect",
  "into", "is", "join", "lateral", "leading", "left", "minus", "natural", "not", "null",
  "offset", "on", "only", "or", "order", "outer", "overlaps", "primary", "references",
  "right", "select", "semi", "session_user", "some", "table", "then", "time", "to",
  "trailing", "true", "union", "unique", "unknown", "user", "using", "when", "where", "with",
  NULL
};

static gboolean
word_in (const char * const *words,
         const char          *word,
         gboolean             ignore_case)
{
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (ignore_case ? g_ascii_strcasecmp (words[i], word) == 0 : strcmp (words[i], word) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
flint_writer_finalize (GObject *object)
{
  FlintWriter *self = FLINT_WRITER (object);

  g_string_free (self->text, TRUE);

  G_OBJECT_CLASS (flint_writer_parent_class)->finalize (object);
}

static void
flint_writer_class_init (FlintWriterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = flint_writer_finalize;
}

static void
flint_writer_init (FlintWriter *self)
{
  self->text = g_string_new (NULL);
  self->indent_width = 4;
}

FlintWriter *
flint_writer_new (guint indent_width)
{
  FlintWriter *self = g_object_new (FLINT_TYPE_WRITER, NULL);

  self->indent_width = indent_width;

  return self;
}

guint
flint_writer_get_indent_width (FlintWriter *self)
{
  g_return_val_if_fail (FLINT_IS_WRITER (self), 0);

  return self->indent_width;
}

guint
flint_writer_get_level (FlintWriter *self)
{
  g_return_val_if_fail (FLINT_IS_WRITER (self), 0);

  return self->level;
}

void
flint_writer_indent (FlintWriter *self)
{
  g_return_if_fail (FLINT_IS_WRITER (self));

  self->level++;
}

void
flint_writer_dedent (FlintWriter *self)
{
  g_return_if_fail (FLINT_IS_WRITER (self));
  g_return_if_fail (self->level > 0);

  self->level--;
}

void
flint_writer_blank (FlintWriter *self)
{
  g_return_if_fail (FLINT_IS_WRITER (self));

  /* Nothing before it yet: a blank line at the very start is never wanted. */
  if (self->text->len > 0)
    self->pending_blank = TRUE;
}

static void
flush_blank (FlintWriter *self)
{
  if (self->pending_blank)
    {
      g_string_append_c (self->text, '\n');
      self->n_lines++;
      self->pending_blank = FALSE;
    }
}

static void
append_indented (FlintWriter *self,
                 const char  *text,
                 gsize        length)
{
  /* Trailing whitespace never reaches the output. */
  while (length > 0 && (text[length - 1] == ' ' || text[length - 1] == '\t'
                        || text[length - 1] == '\r'))
    length--;

  self->n_lines++;

  if (length == 0)
    {
      g_string_append_c (self->text, '\n');
      return;
    }

  for (guint i = 0; i < self->level * self->indent_width; i++)
    g_string_append_c (self->text, ' ');
  g_string_append_len (self->text, text, length);
  g_string_append_c (self->text, '\n');
}

void
flint_writer_line (FlintWriter *self,
                   const char  *text)
{
  g_return_if_fail (FLINT_IS_WRITER (self));
  g_return_if_fail (text != NULL);
  g_return_if_fail (strchr (text, '\n') == NULL);

  if (text[0] == '\0')
    {
      flint_writer_blank (self);
      return;
    }

  flush_blank (self);
  append_indented (self, text, strlen (text));
}

void
flint_writer_linef (FlintWriter *self,
                    const char  *format,
                    ...)
{
  g_autofree char *text = NULL;
  va_list args;

  g_return_if_fail (FLINT_IS_WRITER (self));
  g_return_if_fail (format != NULL);

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  flint_writer_line (self, text);
}

static gboolean
is_blank (const char *line)
{
  for (; *line != '\0'; line++)
    {
      if (!g_ascii_isspace (*line))
        return FALSE;
    }

  return TRUE;
}

void
flint_writer_lines (FlintWriter *self,
                    const char  *text)
{
  g_auto (GStrv) lines = NULL;
  guint first = 0;
  guint last;

  g_return_if_fail (FLINT_IS_WRITER (self));
  g_return_if_fail (text != NULL);

  lines = g_strsplit (text, "\n", -1);
  last = g_strv_length (lines);

  /* Blank lines around the block are the writer's to place; those inside are kept. */
  while (first < last && is_blank (lines[first]))
    first++;
  while (last > first && is_blank (lines[last - 1]))
    last--;

  if (first == last)
    return;

  flush_blank (self);
  for (guint i = first; i < last; i++)
    append_indented (self, lines[i], strlen (lines[i]));
}

const char *
flint_writer_get_text (FlintWriter *self)
{
  g_return_val_if_fail (FLINT_IS_WRITER (self), NULL);

  return self->text->str;
}

char *
flint_writer_finish (FlintWriter *self)
{
  char *text;

  g_return_val_if_fail (FLINT_IS_WRITER (self), NULL);

  text = g_string_free (g_steal_pointer (&self->text), FALSE);
  self->text = g_string_new (NULL);
  self->level = 0;
  self->n_lines = 0;
  self->pending_blank = FALSE;

  return text;
}

guint
flint_writer_get_n_lines (FlintWriter *self)
{
  g_return_val_if_fail (FLINT_IS_WRITER (self), 0);

  return self->n_lines;
}

guint
flint_writer_get_next_line (FlintWriter *self)
{
  g_return_val_if_fail (FLINT_IS_WRITER (self), 0);

  /* A blank line asked for is written before the next line. */
  return self->n_lines + (self->pending_blank ? 1 : 0) + 1;
}

/* Literals */

static gboolean
needs_unicode_escape (gunichar c)
{
  /* Line and paragraph separators and NEL break lines in editors and some parsers;
   * format characters include the bidi overrides of "Trojan Source". */
  if (c == 0x2028 || c == 0x2029 || c == 0x85)
    return TRUE;

  return !g_unichar_isprint (c);
}

char *
flint_writer_python_string_literal (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid) + 2);
  g_string_append_c (out, '"');

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
            g_string_append_printf (out, "\\x%02x", c);
          else if (needs_unicode_escape (c) && c <= 0xffff)
            g_string_append_printf (out, "\\u%04x", c);
          else if (needs_unicode_escape (c))
            g_string_append_printf (out, "\\U%08x", c);
          else
            g_string_append_unichar (out, c);
          break;
        }
    }

  g_string_append_c (out, '"');

  return g_string_free (out, FALSE);
}

char *
flint_writer_scala_string_literal (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid) + 2);
  g_string_append_c (out, '"');

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        /* Doubling every backslash means user text can never form a \u escape. */
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        default:
          if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || needs_unicode_escape (c))
            {
              if (c <= 0xffff)
                {
                  g_string_append_printf (out, "\\u%04X", c);
                }
              else
                {
                  /* Java strings are UTF-16: a surrogate pair. */
                  gunichar v = c - 0x10000;

                  g_string_append_printf (out, "\\u%04X\\u%04X",
                                          0xD800 + (v >> 10), 0xDC00 + (v & 0x3ff));
                }
            }
          else
            {
              g_string_append_unichar (out, c);
            }
          break;
        }
    }

  g_string_append_c (out, '"');

  return g_string_free (out, FALSE);
}

/* Identifiers */

/* Splits a label into lower-case ASCII words: "Customer Orders (2024)" -> customer,
 * orders, 2024; "HTTPServerLog" -> http, server, log. */
static GPtrArray *
split_words (const char *label)
{
  g_autofree char *ascii = g_str_to_ascii (label, "C");
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  GString *word = g_string_new (NULL);
  gsize n = strlen (ascii);

  for (gsize i = 0; i < n; i++)
    {
      char c = ascii[i];

      if (!g_ascii_isalnum (c))
        {
          if (word->len > 0)
            {
              g_ptr_array_add (words, g_string_free (word, FALSE));
              word = g_string_new (NULL);
            }
          continue;
        }

      if (word->len > 0 && g_ascii_isupper (c))
        {
          char prev = ascii[i - 1];
          char next = i + 1 < n ? ascii[i + 1] : '\0';

          /* a camelCase hump, or the last capital of an acronym before a word */
          if (g_ascii_islower (prev) || g_ascii_isdigit (prev)
              || (g_ascii_isupper (prev) && g_ascii_islower (next)))
            {
              g_ptr_array_add (words, g_string_free (g_steal_pointer (&word), FALSE));
              word = g_string_new (NULL);
            }
        }

      g_string_append_c (word, g_ascii_tolower (c));
    }

  if (word->len > 0)
    g_ptr_array_add (words, g_string_free (word, FALSE));
  else
    g_string_free (word, TRUE);

  return words;
}

static char *
finish_identifier (GString             *id,
                   const char * const  *keywords,
                   const char          *fallback)
{
  if (id->len == 0)
    g_string_append (id, fallback != NULL && fallback[0] != '\0' ? fallback : "node");
  if (g_ascii_isdigit (id->str[0]))
    g_string_prepend_c (id, '_');
  if (word_in (keywords, id->str, FALSE))
    g_string_append_c (id, '_');

  return g_string_free (id, FALSE);
}

char *
flint_writer_python_identifier (const char *label,
                                const char *fallback)
{
  g_autoptr (GPtrArray) words = NULL;
  GString *id = g_string_new (NULL);

  g_return_val_if_fail (label != NULL, NULL);

  words = split_words (label);
  for (guint i = 0; i < words->len; i++)
    {
      if (i > 0)
        g_string_append_c (id, '_');
      g_string_append (id, g_ptr_array_index (words, i));
    }

  return finish_identifier (id, python_keywords, fallback);
}

char *
flint_writer_scala_identifier (const char *label,
                               const char *fallback)
{
  g_autoptr (GPtrArray) words = NULL;
  GString *id = g_string_new (NULL);

  g_return_val_if_fail (label != NULL, NULL);

  words = split_words (label);
  for (guint i = 0; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);

      /* After a number the next word still gets its capital: table2024Daily. */
      if (i > 0)
        g_string_append_c (id, g_ascii_toupper (word[0]));
      else
        g_string_append_c (id, word[0]);
      g_string_append (id, word + 1);
    }

  return finish_identifier (id, scala_keywords, fallback);
}

gboolean
flint_writer_is_python_keyword (const char *word)
{
  g_return_val_if_fail (word != NULL, FALSE);

  return word_in (python_keywords, word, FALSE);
}

gboolean
flint_writer_is_scala_keyword (const char *word)
{
  g_return_val_if_fail (word != NULL, FALSE);

  return word_in (scala_keywords, word, FALSE);
}

char *
flint_writer_sql_quote_identifier (const char *name)
{
  GString *out;

  g_return_val_if_fail (name != NULL, NULL);

  out = g_string_new ("`");
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '`')
        g_string_append_c (out, '`');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '`');

  return g_string_free (out, FALSE);
}

gboolean
flint_writer_sql_needs_quoting (const char *name)
{
  g_return_val_if_fail (name != NULL, TRUE);

  if (!(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return TRUE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!(g_ascii_isalnum (*p) || *p == '_'))
        return TRUE;
    }

  return word_in (sql_reserved, name, TRUE);
}

char *
flint_writer_sql_identifier (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  if (flint_writer_sql_needs_quoting (name))
    return flint_writer_sql_quote_identifier (name);

  return g_strdup (name);
}
