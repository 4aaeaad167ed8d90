/* test-writer.c: the shared code writer and literal escaping
 *
 * Literals are checked the way a user would notice them: the generated text is handed to
 * a real python3, which must read back exactly the string that went in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-test"

#include "config.h"

#include <string.h>

#include "flint-writer.h"

/* Strings that have broken code generators before. */
static const char * const hostile[] = {
  "",
  "plain",
  "it's",
  "say \"hi\"",
  "back\\slash",
  "trailing backslash\\",
  "\\",
  "\\\\",
  "\\u0041 is not an escape",
  "\\\\u0022",
  "\\x41\\N{BULLET}\\0\\'",
  "line one\nline two\r\nline three\r",
  "tab\there",
  "'''triple single'''",
  "\"\"\"triple double\"\"\"",
  "\"",
  "\"\"",
  "unicode: café ☕ 日本語 Ωμέγα 🚀",
  "\x01\x02\x1b[31mjunk\x7f\x1f",
  "\b\f\v\a",
  "${x} $x #{x} {x} {{x}} %s %(x)s",
  "*/ /* -- # // <!--",
  "\u2028 and \u2029 separators",
  "bidi \u202e override \u2066 isolate \u2069",
  "zero\u200bwidth \ufeff bom",
  "NEL \xc2\x85 and C1 \xc2\x80 \xc2\x9f",
  "\xf0\x9f\x98\x80 emoji and \xf3\xa0\x80\x81 tag",
  "private use \xee\x80\x80",
  "s\"${sys.exit()}\"",
  "\"); import os; os.system(\"rm -rf /\"); (\"",
};

static char *
to_hex (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    g_string_append_printf (out, "%02x", *p);

  return g_string_free (out, FALSE);
}

/* The checker: each pair of arguments is (mode, source) + expected, all hex. It prints
 * one line per pair, "ok" or what went wrong. */
static const char python_checker[] =
  "import ast, keyword, sys\n"
  "def scala_decode(src):\n"
  "    # Scala 2.13 string literal rules: escapes \\b \\t \\n \\f \\r \\\" \\' \\\\ and \\uXXXX.\n"
  "    assert src[0] == '\"' and src[-1] == '\"' and len(src) >= 2, 'not quoted'\n"
  "    body, out, i = src[1:-1], [], 0\n"
  "    while i < len(body):\n"
  "        c = body[i]\n"
  "        assert c not in '\\n\\r', 'raw line break'\n"
  "        assert c != '\"', 'unescaped quote'\n"
  "        if c != '\\\\':\n"
  "            out.append(c); i += 1; continue\n"
  "        e = body[i + 1]\n"
  "        if e == 'u':\n"
  "            j = i + 1\n"
  "            while body[j] == 'u': j += 1\n"
  "            code = int(body[j:j + 4], 16); assert len(body[j:j + 4]) == 4\n"
  "            out.append(chr(code)); i = j + 4; continue\n"
  "        out.append({'b': '\\b', 't': '\\t', 'n': '\\n', 'f': '\\f', 'r': '\\r',\n"
  "                    '\"': '\"', \"'\": \"'\", '\\\\': '\\\\'}[e]); i += 2\n"
  "    return ''.join(out).encode('utf-16-le', 'surrogatepass').decode('utf-16-le')\n"
  "args = sys.argv[1:]\n"
  "for k in range(0, len(args), 3):\n"
  "    mode = args[k]\n"
  "    src = bytes.fromhex(args[k + 1]).decode('utf-8')\n"
  "    want = bytes.fromhex(args[k + 2]).decode('utf-8')\n"
  "    try:\n"
  "        if mode == 'python':\n"
  "            tree = ast.parse(src, mode='eval')\n"
  "            assert isinstance(tree.body, ast.Constant), 'not a constant'\n"
  "            assert type(tree.body.value) is str, 'not a str'\n"
  "            assert tree.body.value == want, 'reads back as %r' % tree.body.value\n"
  "            assert ast.literal_eval(src) == want\n"
  "        elif mode == 'scala':\n"
  "            got = scala_decode(src)\n"
  "            assert got == want, 'reads back as %r' % got\n"
  "        elif mode == 'ident':\n"
  "            assert src.isidentifier() and src.isascii(), 'not an identifier'\n"
  "            assert not keyword.iskeyword(src) and not keyword.issoftkeyword(src), 'keyword'\n"
  "        elif mode == 'module':\n"
  "            compile(src, '<generated>', 'exec')\n"
  "        print('ok')\n"
  "    except Exception as e:\n"
  "        print('FAIL %s %r: %s' % (mode, src, e))\n";

typedef struct
{
  GPtrArray *argv;
  GPtrArray *labels;
} Batch;

static void
batch_init (Batch *batch)
{
  g_autofree char *python = g_find_program_in_path ("python3");

  batch->argv = g_ptr_array_new_with_free_func (g_free);
  batch->labels = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (batch->argv, g_steal_pointer (&python));
  g_ptr_array_add (batch->argv, g_strdup ("-I"));
  g_ptr_array_add (batch->argv, g_strdup ("-c"));
  g_ptr_array_add (batch->argv, g_strdup (python_checker));
}

static void
batch_add (Batch      *batch,
           const char *mode,
           const char *source,
           const char *expected)
{
  g_ptr_array_add (batch->argv, g_strdup (mode));
  g_ptr_array_add (batch->argv, to_hex (source));
  g_ptr_array_add (batch->argv, to_hex (expected));
  g_ptr_array_add (batch->labels, g_strdup_printf ("%s %s", mode, source));
}

static void
batch_run (Batch *batch)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (GStrv) lines = NULL;
  int status = 0;
  guint failures = 0;

  g_ptr_array_add (batch->argv, NULL);
  g_spawn_sync (NULL, (char **) batch->argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("python3 failed: %s\n%s", error->message, err);

  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, batch->labels->len + 1);
  for (guint i = 0; i < batch->labels->len; i++)
    {
      if (!g_str_equal (lines[i], "ok"))
        {
          g_printerr ("%s\n", lines[i]);
          failures++;
        }
    }
  g_assert_cmpuint (failures, ==, 0);

  g_ptr_array_unref (batch->argv);
  g_ptr_array_unref (batch->labels);
}

static gboolean
have_python (void)
{
  g_autofree char *python = g_find_program_in_path ("python3");

  if (python == NULL)
    {
      g_test_skip ("python3 is not installed");
      return FALSE;
    }

  return TRUE;
}

static void
test_python_literals (void)
{
  Batch batch;

  if (!have_python ())
    return;

  batch_init (&batch);
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *literal = flint_writer_python_string_literal (hostile[i]);

      /* One line, whatever went in: a literal never breaks the surrounding code. */
      g_assert_null (strchr (literal, '\n'));
      g_assert_null (strchr (literal, '\r'));
      g_assert_true (g_utf8_validate (literal, -1, NULL));
      batch_add (&batch, "python", literal, hostile[i]);
    }
  batch_run (&batch);
}

static void
test_python_literal_readable (void)
{
  g_autofree char *plain = flint_writer_python_string_literal ("s3a://data/customers/");
  g_autofree char *unicode = flint_writer_python_string_literal ("café ☕");
  g_autofree char *junk = flint_writer_python_string_literal ("a\x01" "b\n\"\\");
  g_autofree char *bidi = flint_writer_python_string_literal ("x\u202ey");

  g_assert_cmpstr (plain, ==, "\"s3a://data/customers/\"");
  g_assert_cmpstr (unicode, ==, "\"café ☕\"");
  g_assert_cmpstr (junk, ==, "\"a\\x01b\\n\\\"\\\\\"");
  g_assert_cmpstr (bidi, ==, "\"x\\u202ey\"");
}

static void
test_python_literal_invalid_utf8 (void)
{
  const char *bad = "ok\xff\xfe" "end";
  g_autofree char *valid = g_utf8_make_valid (bad, -1);
  g_autofree char *literal = flint_writer_python_string_literal (bad);
  Batch batch;

  g_assert_true (g_utf8_validate (literal, -1, NULL));
  if (!have_python ())
    return;

  batch_init (&batch);
  batch_add (&batch, "python", literal, valid);
  batch_run (&batch);
}

/* Were unicode escapes processed before lexing (Java, Scala before 2.13.2), one that
 * stands for a line break, a quote or a backslash would break the literal. A \u counts
 * as an escape when an odd number of backslashes ends just before the u (JLS 3.3). */
static gboolean
unicode_escapes_harmless (const char *literal)
{
  for (const char *p = literal; *p != '\0'; p++)
    {
      guint run = 0;

      if (p[0] != 'u')
        continue;
      for (const char *q = p - 1; q >= literal && *q == '\\'; q--)
        run++;
      if (run % 2 == 1)
        {
          const char *hex = p;

          while (*hex == 'u')
            hex++;
          if (g_ascii_strncasecmp (hex, "000a", 4) == 0
              || g_ascii_strncasecmp (hex, "000d", 4) == 0
              || g_ascii_strncasecmp (hex, "0022", 4) == 0
              || g_ascii_strncasecmp (hex, "005c", 4) == 0)
            return FALSE;
        }
    }

  return TRUE;
}

static void
test_scala_literals (void)
{
  Batch batch;

  if (!have_python ())
    return;

  batch_init (&batch);
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *literal = flint_writer_scala_string_literal (hostile[i]);

      g_assert_null (strchr (literal, '\n'));
      g_assert_null (strchr (literal, '\r'));
      g_assert_true (unicode_escapes_harmless (literal));
      batch_add (&batch, "scala", literal, hostile[i]);
    }
  batch_run (&batch);
}

static void
test_scala_literal_exact (void)
{
  g_autofree char *escapes = flint_writer_scala_string_literal ("a\\b\"c\nd\te\rf\bg\fh\x01i");
  g_autofree char *user_u = flint_writer_scala_string_literal ("\\u0022");
  g_autofree char *astral = flint_writer_scala_string_literal ("\xf3\xa0\x80\x81");
  g_autofree char *dollar = flint_writer_scala_string_literal ("${x}");

  g_assert_cmpstr (escapes, ==, "\"a\\\\b\\\"c\\nd\\te\\rf\\bg\\fh\\u0001i\"");
  /* The backslash is doubled, so Scala reads a backslash and "u0022", not a quote. */
  g_assert_cmpstr (user_u, ==, "\"\\\\u0022\"");
  /* U+E0001 LANGUAGE TAG, a format character beyond the BMP: a UTF-16 surrogate pair. */
  g_assert_cmpstr (astral, ==, "\"\\uDB40\\uDC01\"");
  /* A plain literal does not interpolate. */
  g_assert_cmpstr (dollar, ==, "\"${x}\"");
}

typedef struct
{
  const char *label;
  const char *python;
  const char *scala;
} IdentCase;

static const IdentCase ident_cases[] = {
  { "Customer Orders", "customer_orders", "customerOrders" },
  { "customerOrders", "customer_orders", "customerOrders" },
  { "HTTPServerLog", "http_server_log", "httpServerLog" },
  { "customer_id", "customer_id", "customerId" },
  { "2024 sales", "_2024_sales", "_2024Sales" },
  { "Sales 2024 daily", "sales_2024_daily", "sales2024Daily" },
  { "class", "class_", "class_" },
  { "import", "import_", "import_" },
  { "type", "type_", "type_" },
  { "val", "val", "val_" },
  { "Object", "object", "object_" },
  { "match", "match_", "match_" },
  { "None", "none", "none" },
  { "a-b.c/d", "a_b_c_d", "aBCD" },
  { "  spaced   out  ", "spaced_out", "spacedOut" },
  { "Café Müller", "cafe_muller", "cafeMuller" },
  { "adults", "adults", "adults" },
  { "", "node", "node" },
  { "!!!", "node", "node" },
};

static void
test_identifiers (void)
{
  Batch batch;
  gboolean python = have_python ();

  if (python)
    batch_init (&batch);

  for (guint i = 0; i < G_N_ELEMENTS (ident_cases); i++)
    {
      g_autofree char *py = flint_writer_python_identifier (ident_cases[i].label, NULL);
      g_autofree char *scala = flint_writer_scala_identifier (ident_cases[i].label, NULL);

      g_assert_cmpstr (py, ==, ident_cases[i].python);
      g_assert_cmpstr (scala, ==, ident_cases[i].scala);
      g_assert_false (flint_writer_is_scala_keyword (scala));
      if (python)
        batch_add (&batch, "ident", py, "");
    }

  /* Whatever the label, the result is a usable name. */
  for (guint i = 0; python && i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *py = flint_writer_python_identifier (hostile[i], "step");

      batch_add (&batch, "ident", py, "");
    }

  if (python)
    batch_run (&batch);

  {
    g_autofree char *fallback = flint_writer_python_identifier ("日本", "step");
    g_autofree char *scala_fallback = flint_writer_scala_identifier ("***", "step");

    g_assert_cmpstr (fallback, ==, "step");
    g_assert_cmpstr (scala_fallback, ==, "step");
  }
}

static void
test_sql_identifiers (void)
{
  static const struct { const char *name; const char *sql; } cases[] = {
    { "age", "age" },
    { "_x1", "_x1" },
    { "customer_id", "customer_id" },
    { "first name", "`first name`" },
    { "a`b", "`a``b`" },
    { "``", "``````" },
    { "1x", "`1x`" },
    { "select", "`select`" },
    { "Order", "`Order`" },
    { "a.b", "`a.b`" },
    { "é", "`é`" },
    { "", "``" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *sql = flint_writer_sql_identifier (cases[i].name);

      g_assert_cmpstr (sql, ==, cases[i].sql);
    }

  {
    g_autofree char *always = flint_writer_sql_quote_identifier ("age");

    g_assert_cmpstr (always, ==, "`age`");
  }
}

static void
test_indentation (void)
{
  g_autoptr (FlintWriter) writer = flint_writer_new (4);
  g_autofree char *text = NULL;
  const char *expected =
    "def build(spark):\n"
    "    customers = spark.read.parquet(\"s3a://data/customers/\")\n"
    "\n"
    "    return customers\n"
    "\n"
    "def user_code(df):\n"
    "    # user code\n"
    "    x = 1\n"
    "\n"
    "    if x:\n"
    "        df = df.limit(x)\n"
    "    return df\n";
  Batch batch;

  /* A blank line first, several in a row, and at the end all collapse away. */
  flint_writer_blank (writer);
  flint_writer_line (writer, "def build(spark):");
  flint_writer_indent (writer);
  g_assert_cmpuint (flint_writer_get_level (writer), ==, 1);
  flint_writer_linef (writer, "customers = spark.read.parquet(%s)", "\"s3a://data/customers/\"");
  flint_writer_blank (writer);
  flint_writer_line (writer, "");
  flint_writer_blank (writer);
  flint_writer_line (writer, "return customers   ");
  flint_writer_dedent (writer);
  flint_writer_blank (writer);
  flint_writer_blank (writer);
  flint_writer_line (writer, "def user_code(df):");
  flint_writer_indent (writer);
  flint_writer_lines (writer, "\n\n# user code\nx = 1  \n\t\nif x:\n    df = df.limit(x)\r\n\n\n");
  flint_writer_line (writer, "return df");
  flint_writer_dedent (writer);
  flint_writer_blank (writer);

  g_assert_cmpstr (flint_writer_get_text (writer), ==, expected);
  text = flint_writer_finish (writer);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpstr (flint_writer_get_text (writer), ==, "");
  g_assert_cmpuint (flint_writer_get_level (writer), ==, 0);

  if (!have_python ())
    return;

  batch_init (&batch);
  batch_add (&batch, "module", text, "");
  batch_run (&batch);
}

static void
test_scala_indentation (void)
{
  g_autoptr (FlintWriter) writer = flint_writer_new (2);

  g_assert_cmpuint (flint_writer_get_indent_width (writer), ==, 2);
  flint_writer_line (writer, "object Job {");
  flint_writer_indent (writer);
  flint_writer_line (writer, "def main(args: Array[String]): Unit = {");
  flint_writer_indent (writer);
  flint_writer_line (writer, "build(spark)");
  flint_writer_dedent (writer);
  flint_writer_line (writer, "}");
  flint_writer_dedent (writer);
  flint_writer_line (writer, "}");

  g_assert_cmpstr (flint_writer_get_text (writer), ==,
                   "object Job {\n"
                   "  def main(args: Array[String]): Unit = {\n"
                   "    build(spark)\n"
                   "  }\n"
                   "}\n");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/codegen/writer/python-literals", test_python_literals);
  g_test_add_func ("/codegen/writer/python-literal-readable", test_python_literal_readable);
  g_test_add_func ("/codegen/writer/python-literal-invalid-utf8", test_python_literal_invalid_utf8);
  g_test_add_func ("/codegen/writer/scala-literals", test_scala_literals);
  g_test_add_func ("/codegen/writer/scala-literal-exact", test_scala_literal_exact);
  g_test_add_func ("/codegen/writer/identifiers", test_identifiers);
  g_test_add_func ("/codegen/writer/sql-identifiers", test_sql_identifiers);
  g_test_add_func ("/codegen/writer/indentation", test_indentation);
  g_test_add_func ("/codegen/writer/scala-indentation", test_scala_indentation);

  return g_test_run ();
}
