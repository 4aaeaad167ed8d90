/* test-types.c: Spark data types and schemas
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "flint-model.h"

static FlintDataType *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  FlintDataType *type = flint_data_type_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (type);
  return type;
}

static void
assert_canonical (const char *text,
                  const char *expected)
{
  g_autoptr(FlintDataType) type = parse_ok (text);
  g_autofree char *printed = flint_data_type_to_string (type);
  g_autoptr(FlintDataType) again = NULL;
  g_autofree char *printed_again = NULL;

  g_assert_cmpstr (printed, ==, expected);

  /* parse -> to_string -> parse is stable */
  again = parse_ok (printed);
  g_assert_true (flint_data_type_equal (type, again));
  printed_again = flint_data_type_to_string (again);
  g_assert_cmpstr (printed_again, ==, printed);
}

static void
test_parse_aliases (void)
{
  static const struct { const char *text; const char *canonical; } cases[] = {
    { "boolean", "boolean" }, { "BOOLEAN", "boolean" }, { "bool", "boolean" },
    { "tinyint", "byte" }, { "byte", "byte" }, { "TinyInt", "byte" },
    { "smallint", "short" }, { "short", "short" },
    { "int", "int" }, { "integer", "int" }, { "INT", "int" },
    { "bigint", "long" }, { "long", "long" }, { "BIGINT", "long" },
    { "float", "float" }, { "real", "float" },
    { "double", "double" },
    { "decimal", "decimal(10,0)" }, { "numeric", "decimal(10,0)" }, { "dec", "decimal(10,0)" },
    { "decimal(5)", "decimal(5,0)" }, { "decimal(10,2)", "decimal(10,2)" },
    { "DECIMAL( 38 , 18 )", "decimal(38,18)" }, { "numeric(7,7)", "decimal(7,7)" },
    { "string", "string" }, { "varchar(20)", "string" }, { "char(1)", "string" },
    { "VARCHAR( 255 )", "string" },
    { "binary", "binary" }, { "date", "date" },
    { "timestamp", "timestamp" }, { "timestamp_ltz", "timestamp" },
    { "timestamp_ntz", "timestamp_ntz" },
    { "void", "void" },
    { "  int  ", "int" },
    { "array<int>", "array<int>" }, { "ARRAY< bigint >", "array<long>" },
    { "array<array<string>>", "array<array<string>>" },
    { "map<string,int>", "map<string,int>" }, { "map < string , array<double> >", "map<string,array<double>>" },
    { "struct<a:int,b:string>", "struct<a:int,b:string>" },
    { "struct<a int, b string>", "struct<a:int,b:string>" },
    { "struct<a: int, `weird name`: string>", "struct<a:int,`weird name`:string>" },
    { "struct<`a``b`:int>", "struct<`a``b`:int>" },
    { "struct<>", "struct<>" },
    { "struct<a:struct<b:array<map<string,decimal(12,2)>>>>", "struct<a:struct<b:array<map<string,decimal(12,2)>>>>" },
    { "struct<id: bigint NOT NULL, note: string COMMENT 'free text'>", "struct<id:long NOT NULL,note:string>" },
    { "struct<Mixed:int>", "struct<Mixed:int>" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_canonical (cases[i].text, cases[i].canonical);
}

static void
test_accessors (void)
{
  g_autoptr(FlintDataType) dec = parse_ok ("decimal(12,3)");
  g_autoptr(FlintDataType) arr = parse_ok ("array<string>");
  g_autoptr(FlintDataType) map = parse_ok ("map<string,long>");
  g_autoptr(FlintDataType) st = parse_ok ("struct<a:int, b:array<date>>");
  FlintSchema *fields;

  g_assert_cmpint (flint_data_type_get_kind (dec), ==, FLINT_TYPE_KIND_DECIMAL);
  g_assert_cmpuint (flint_data_type_get_precision (dec), ==, 12);
  g_assert_cmpuint (flint_data_type_get_scale (dec), ==, 3);

  g_assert_cmpint (flint_data_type_get_kind (flint_data_type_get_element (arr)), ==, FLINT_TYPE_KIND_STRING);
  g_assert_null (flint_data_type_get_element (map));
  g_assert_cmpint (flint_data_type_get_kind (flint_data_type_get_key (map)), ==, FLINT_TYPE_KIND_STRING);
  g_assert_cmpint (flint_data_type_get_kind (flint_data_type_get_value (map)), ==, FLINT_TYPE_KIND_LONG);

  fields = flint_data_type_get_fields (st);
  g_assert_nonnull (fields);
  g_assert_cmpuint (flint_schema_get_n_columns (fields), ==, 2);
  g_assert_cmpstr (flint_schema_get_column (fields, 1)->name, ==, "b");
  g_assert_cmpint (flint_data_type_get_kind (flint_schema_get_column (fields, 1)->type), ==, FLINT_TYPE_KIND_ARRAY);
  g_assert_null (flint_data_type_get_fields (arr));

  /* The boxed type works with GValue. */
  {
    GValue value = G_VALUE_INIT;

    g_value_init (&value, FLINT_TYPE_DATA_TYPE);
    g_value_set_boxed (&value, dec);
    g_assert_true (g_value_get_boxed (&value) == dec);
    g_value_unset (&value);
  }
}

static void
assert_parse_error (const char *text,
                    guint       offset)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintDataType) type = flint_data_type_parse (text, &error);
  g_autofree char *needle = g_strdup_printf ("byte %u", offset);

  g_assert_null (type);
  g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID);
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s”: message “%s” lacks “%s”", text, error->message, needle);
}

static void
test_parse_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintDataType) type = NULL;

  assert_parse_error ("", 0);
  assert_parse_error ("integr", 0);
  assert_parse_error ("array<integr>", 6);
  assert_parse_error ("array<int", 9);
  assert_parse_error ("array int", 6);
  assert_parse_error ("map<string>", 10);
  assert_parse_error ("decimal(39,0)", 7);
  assert_parse_error ("decimal(5,6)", 7);
  assert_parse_error ("decimal(0)", 7);
  assert_parse_error ("decimal(a)", 8);
  assert_parse_error ("int int", 4);
  assert_parse_error ("struct<a:int,,b:int>", 13);
  assert_parse_error ("struct<`a:int>", 7);
  assert_parse_error ("struct<a:int NOT>", 16);
  assert_parse_error ("struct<a:int bogus>", 13);
  assert_parse_error ("varchar", 7);
  assert_parse_error ("interval", 0);

  /* The message names the bad text. */
  type = flint_data_type_parse ("array<strnig>", &error);
  g_assert_null (type);
  g_assert_nonnull (strstr (error->message, "strnig"));
  g_clear_error (&error);

  /* Deep nesting is refused, not a stack overflow. */
  {
    GString *deep = g_string_new (NULL);

    for (guint i = 0; i < 10000; i++)
      g_string_append (deep, "array<");
    g_string_append (deep, "int");
    for (guint i = 0; i < 10000; i++)
      g_string_append_c (deep, '>');
    type = flint_data_type_parse (deep->str, &error);
    g_assert_null (type);
    g_assert_error (error, FLINT_PIPELINE_ERROR, FLINT_PIPELINE_ERROR_INVALID);
    g_string_free (deep, TRUE);
  }
}

static gboolean
types_equal (const char *a,
             const char *b)
{
  g_autoptr(FlintDataType) ta = parse_ok (a);
  g_autoptr(FlintDataType) tb = parse_ok (b);

  return flint_data_type_equal (ta, tb);
}

static void
test_equal (void)
{
  g_assert_true (types_equal ("int", "integer"));
  g_assert_true (types_equal ("decimal(10,2)", "NUMERIC(10, 2)"));
  g_assert_false (types_equal ("decimal(10,2)", "decimal(10,3)"));
  g_assert_false (types_equal ("int", "long"));
  g_assert_true (types_equal ("array<int>", "array<integer>"));
  g_assert_false (types_equal ("array<int>", "array<long>"));
  g_assert_true (types_equal ("map<string,int>", "map<varchar(3),int>"));
  g_assert_false (types_equal ("map<string,int>", "map<int,string>"));
  g_assert_true (types_equal ("struct<a:int,b:string>", "struct<a int, b string>"));
  g_assert_false (types_equal ("struct<a:int,b:string>", "struct<b:string,a:int>"));
  g_assert_false (types_equal ("struct<a:int>", "struct<A:int>"));
  g_assert_false (types_equal ("struct<a:int>", "struct<a:int NOT NULL>"));
  g_assert_false (types_equal ("struct<a:int>", "struct<a:int,b:int>"));
  g_assert_false (types_equal ("timestamp", "timestamp_ntz"));
}

static void
test_predicates (void)
{
  static const struct { const char *text; gboolean numeric, integral, atomic; } cases[] = {
    { "boolean", FALSE, FALSE, TRUE },
    { "byte", TRUE, TRUE, TRUE },
    { "short", TRUE, TRUE, TRUE },
    { "int", TRUE, TRUE, TRUE },
    { "long", TRUE, TRUE, TRUE },
    { "float", TRUE, FALSE, TRUE },
    { "double", TRUE, FALSE, TRUE },
    { "decimal(5,2)", TRUE, FALSE, TRUE },
    { "string", FALSE, FALSE, TRUE },
    { "binary", FALSE, FALSE, TRUE },
    { "date", FALSE, FALSE, TRUE },
    { "timestamp", FALSE, FALSE, TRUE },
    { "timestamp_ntz", FALSE, FALSE, TRUE },
    { "void", FALSE, FALSE, FALSE },
    { "array<int>", FALSE, FALSE, FALSE },
    { "map<string,int>", FALSE, FALSE, FALSE },
    { "struct<a:int>", FALSE, FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FlintDataType) type = parse_ok (cases[i].text);

      g_assert_cmpint (flint_data_type_is_numeric (type), ==, cases[i].numeric);
      g_assert_cmpint (flint_data_type_is_integral (type), ==, cases[i].integral);
      g_assert_cmpint (flint_data_type_is_atomic (type), ==, cases[i].atomic);
    }
}

static gboolean
comparable (const char *a,
            const char *b)
{
  g_autoptr(FlintDataType) ta = parse_ok (a);
  g_autoptr(FlintDataType) tb = parse_ok (b);
  gboolean ab = flint_data_type_is_comparable (ta, tb);

  /* Comparability is symmetric. */
  g_assert_cmpint (ab, ==, flint_data_type_is_comparable (tb, ta));
  return ab;
}

static void
test_comparable (void)
{
  g_assert_true (comparable ("int", "long"));
  g_assert_true (comparable ("byte", "double"));
  g_assert_true (comparable ("decimal(10,2)", "int"));
  g_assert_true (comparable ("decimal(10,2)", "decimal(5,1)"));
  g_assert_true (comparable ("float", "decimal(38,0)"));
  g_assert_true (comparable ("string", "int"));
  g_assert_true (comparable ("string", "decimal(3,1)"));
  g_assert_true (comparable ("string", "date"));
  g_assert_true (comparable ("string", "timestamp"));
  g_assert_true (comparable ("string", "timestamp_ntz"));
  g_assert_true (comparable ("string", "string"));
  g_assert_true (comparable ("string", "boolean"));
  g_assert_true (comparable ("date", "timestamp"));
  g_assert_true (comparable ("date", "timestamp_ntz"));
  g_assert_true (comparable ("boolean", "boolean"));
  g_assert_true (comparable ("binary", "binary"));
  g_assert_true (comparable ("void", "array<int>"));
  g_assert_true (comparable ("void", "int"));
  g_assert_true (comparable ("array<int>", "array<integer>"));
  g_assert_true (comparable ("struct<a:int>", "struct<a:int NOT NULL>"));

  g_assert_false (comparable ("boolean", "int"));
  g_assert_false (comparable ("boolean", "date"));
  g_assert_false (comparable ("binary", "string"));
  g_assert_false (comparable ("binary", "int"));
  g_assert_false (comparable ("date", "int"));
  g_assert_false (comparable ("timestamp", "double"));
  g_assert_false (comparable ("array<int>", "int"));
  g_assert_false (comparable ("array<int>", "array<string>"));
  g_assert_false (comparable ("map<string,int>", "map<string,long>"));
  g_assert_false (comparable ("struct<a:int>", "struct<b:int>"));
  g_assert_false (comparable ("string", "array<string>"));
}

static void
assert_common (const char *a,
               const char *b,
               const char *expected)
{
  g_autoptr(FlintDataType) ta = parse_ok (a);
  g_autoptr(FlintDataType) tb = parse_ok (b);
  g_autoptr(FlintDataType) ab = flint_data_type_common (ta, tb);
  g_autoptr(FlintDataType) ba = flint_data_type_common (tb, ta);

  if (expected == NULL)
    {
      if (ab != NULL || ba != NULL)
        g_error ("common (%s, %s) should be unknown", a, b);
      return;
    }

  if (ab == NULL || ba == NULL)
    g_error ("common (%s, %s) should be %s, is unknown", a, b, expected);
  {
    g_autofree char *sab = flint_data_type_to_string (ab);
    g_autofree char *sba = flint_data_type_to_string (ba);

    g_assert_cmpstr (sab, ==, expected);
    g_assert_cmpstr (sba, ==, expected);
  }
}

static void
test_common (void)
{
  /* The numeric ladder */
  assert_common ("byte", "short", "short");
  assert_common ("byte", "int", "int");
  assert_common ("short", "long", "long");
  assert_common ("int", "long", "long");
  assert_common ("int", "int", "int");
  assert_common ("long", "float", "float");
  assert_common ("int", "double", "double");
  assert_common ("float", "double", "double");

  /* Decimals: integral types as decimals wide enough */
  assert_common ("byte", "decimal(2,1)", "decimal(4,1)");
  assert_common ("short", "decimal(5,0)", "decimal(5,0)");
  assert_common ("int", "decimal(5,2)", "decimal(12,2)");
  assert_common ("int", "decimal(10,0)", "decimal(10,0)");
  assert_common ("long", "decimal(10,2)", "decimal(22,2)");
  assert_common ("long", "decimal(38,10)", "decimal(38,10)");
  assert_common ("decimal(10,2)", "decimal(5,4)", "decimal(12,4)");
  assert_common ("decimal(38,0)", "decimal(38,38)", "decimal(38,38)");
  assert_common ("decimal(10,2)", "double", "double");
  assert_common ("decimal(10,2)", "float", "double");

  /* Dates and times */
  assert_common ("date", "timestamp", "timestamp");
  assert_common ("date", "timestamp_ntz", "timestamp_ntz");
  assert_common ("timestamp", "timestamp_ntz", "timestamp");

  /* Null widens to anything */
  assert_common ("void", "int", "int");
  assert_common ("void", "array<string>", "array<string>");
  assert_common ("void", "void", "void");

  /* Complex types widen element-wise */
  assert_common ("array<int>", "array<long>", "array<long>");
  assert_common ("map<string,int>", "map<string,double>", "map<string,double>");
  assert_common ("struct<a:int,b:string>", "struct<a:long,b:string>", "struct<a:long,b:string>");
  assert_common ("array<int>", "array<string>", NULL);
  assert_common ("struct<a:int>", "struct<b:int>", NULL);
  assert_common ("struct<a:int>", "struct<a:int,b:int>", NULL);

  /* No common type, or one that depends on ANSI mode */
  assert_common ("string", "int", NULL);
  assert_common ("string", "date", NULL);
  assert_common ("boolean", "int", NULL);
  assert_common ("binary", "string", NULL);
  assert_common ("date", "int", NULL);
  assert_common ("array<int>", "int", NULL);
  assert_common ("string", "string", "string");
  assert_common ("boolean", "boolean", "boolean");
}

static void
test_constructors (void)
{
  g_autoptr(FlintDataType) i = flint_data_type_new (FLINT_TYPE_KIND_INT);
  g_autoptr(FlintDataType) s = flint_data_type_new (FLINT_TYPE_KIND_STRING);
  g_autoptr(FlintDataType) arr = flint_data_type_new_array (i);
  g_autoptr(FlintDataType) map = flint_data_type_new_map (s, arr);
  g_autoptr(FlintDataType) dec = flint_data_type_new_decimal (18, 4);
  g_autoptr(FlintSchema) fields = flint_schema_new ();
  g_autoptr(FlintDataType) st = NULL;
  g_autofree char *text = NULL;

  flint_schema_append (fields, "m", map, TRUE);
  flint_schema_append (fields, "d", dec, TRUE);
  flint_schema_append (fields, "x y", NULL, TRUE);
  st = flint_data_type_new_struct (fields);
  text = flint_data_type_to_string (st);
  g_assert_cmpstr (text, ==, "struct<m:map<string,array<int>>,d:decimal(18,4),`x y`:void>");

  /* new (DECIMAL) is Spark's default decimal */
  {
    g_autoptr(FlintDataType) def = flint_data_type_new (FLINT_TYPE_KIND_DECIMAL);
    g_autofree char *def_text = flint_data_type_to_string (def);

    g_assert_cmpstr (def_text, ==, "decimal(10,0)");
  }

  /* Reference counting keeps shared types alive. */
  {
    FlintDataType *extra = flint_data_type_ref (arr);

    flint_data_type_unref (extra);
    g_assert_cmpint (flint_data_type_get_kind (arr), ==, FLINT_TYPE_KIND_ARRAY);
  }
}

/* Schemas */

static FlintSchema *
make_schema (const char *spec)
{
  FlintSchema *schema = flint_schema_new ();
  g_auto(GStrv) columns = g_strsplit (spec, ", ", -1);

  for (guint i = 0; columns[i]; i++)
    {
      g_auto(GStrv) pair = g_strsplit (g_strstrip (columns[i]), " ", 2);
      g_autoptr(FlintDataType) type = NULL;

      if (g_strcmp0 (pair[1], "?") != 0)
        type = parse_ok (pair[1]);
      flint_schema_append (schema, pair[0], type, TRUE);
    }
  return schema;
}

static void
test_schema_basics (void)
{
  g_autoptr(FlintSchema) schema = make_schema ("id long, Name string, amount decimal(10,2), note ?");
  g_autoptr(FlintSchema) copy = NULL;
  g_autoptr(FlintDataType) i = flint_data_type_new (FLINT_TYPE_KIND_INT);
  g_autofree char *text = flint_schema_to_string (schema);
  const FlintColumn *column;

  g_assert_cmpstr (text, ==, "id long, Name string, amount decimal(10,2), note ?");
  g_assert_cmpuint (flint_schema_get_n_columns (schema), ==, 4);

  column = flint_schema_lookup (schema, "name");
  g_assert_nonnull (column);
  g_assert_cmpstr (column->name, ==, "Name");
  g_assert_nonnull (flint_schema_lookup (schema, "ID"));
  g_assert_null (flint_schema_lookup (schema, "nam"));
  g_assert_null (flint_schema_lookup (schema, "note")->type);

  copy = flint_schema_copy (schema);
  g_assert_true (flint_schema_equal (schema, copy));

  /* set_column replaces in place, as withColumn does */
  flint_schema_set_column (copy, "NAME", i, FALSE);
  g_assert_cmpuint (flint_schema_get_n_columns (copy), ==, 4);
  g_assert_cmpstr (flint_schema_get_column (copy, 1)->name, ==, "NAME");
  g_assert_false (flint_schema_get_column (copy, 1)->nullable);
  g_assert_false (flint_schema_equal (schema, copy));
  /* the original is untouched */
  g_assert_cmpint (flint_data_type_get_kind (flint_schema_lookup (schema, "name")->type), ==, FLINT_TYPE_KIND_STRING);

  flint_schema_set_column (copy, "extra", NULL, TRUE);
  g_assert_cmpuint (flint_schema_get_n_columns (copy), ==, 5);
  g_assert_cmpstr (flint_schema_get_column (copy, 4)->name, ==, "extra");

  /* append keeps duplicates; lookup finds the first */
  flint_schema_append (copy, "ID", i, TRUE);
  g_assert_cmpuint (flint_schema_get_n_columns (copy), ==, 6);
  g_assert_true (flint_schema_lookup (copy, "id") == flint_schema_get_column (copy, 0));

  g_assert_true (flint_schema_remove (copy, "id"));
  g_assert_true (flint_schema_lookup (copy, "id") == flint_schema_get_column (copy, 4));
  g_assert_true (flint_schema_remove (copy, "id"));
  g_assert_null (flint_schema_lookup (copy, "id"));
  g_assert_false (flint_schema_remove (copy, "id"));

  {
    g_autoptr(FlintSchema) odd = make_schema ("plain int");
    g_autofree char *odd_text = NULL;

    flint_schema_append (odd, "with space", i, TRUE);
    odd_text = flint_schema_to_string (odd);
    g_assert_cmpstr (odd_text, ==, "plain int, `with space` int");
  }
}

static void
test_schema_large (void)
{
  g_autoptr(FlintSchema) schema = flint_schema_new ();
  g_autoptr(FlintDataType) type = flint_data_type_new (FLINT_TYPE_KIND_LONG);
  gint64 start;

  for (guint i = 0; i < 100000; i++)
    {
      g_autofree char *name = g_strdup_printf ("Col_%u", i);

      flint_schema_append (schema, name, type, TRUE);
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 100000; i++)
    {
      g_autofree char *name = g_strdup_printf ("col_%u", (i * 7919) % 100000);
      const FlintColumn *column = flint_schema_lookup (schema, name);

      g_assert_nonnull (column);
      g_assert_cmpint (g_ascii_strcasecmp (column->name, name), ==, 0);
    }
  /* Linear lookups would take minutes; hashed ones well under a few seconds even under valgrind. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);

  /* set_column on a big schema keeps the index right */
  flint_schema_set_column (schema, "COL_5", NULL, TRUE);
  g_assert_null (flint_schema_lookup (schema, "col_5")->type);
  g_assert_cmpuint (flint_schema_get_n_columns (schema), ==, 100000);
  flint_schema_set_column (schema, "brand_new", type, TRUE);
  g_assert_true (flint_schema_lookup (schema, "BRAND_NEW") == flint_schema_get_column (schema, 100000));

  /* remove invalidates the index: positions shift */
  g_assert_true (flint_schema_remove (schema, "col_0"));
  g_assert_null (flint_schema_lookup (schema, "col_0"));
  g_assert_true (flint_schema_lookup (schema, "col_1") == flint_schema_get_column (schema, 0));
  g_assert_true (flint_schema_lookup (schema, "brand_new") == flint_schema_get_column (schema, 99999));
}

static void
test_schema_suggest (void)
{
  g_autoptr(FlintSchema) schema = make_schema ("customer_id long, customer_name string, "
                                               "order_id long, amount double, amunt_old double, "
                                               "created_at timestamp, Amount_Usd double");
  g_auto(GStrv) s1 = flint_schema_suggest (schema, "custmer_id", 3);
  g_auto(GStrv) s2 = flint_schema_suggest (schema, "AMOUNT", 5);
  g_auto(GStrv) s3 = flint_schema_suggest (schema, "zzz", 3);
  g_auto(GStrv) s4 = flint_schema_suggest (schema, "cusotmer_id", 1);
  g_auto(GStrv) s5 = flint_schema_suggest (schema, "amout", 1);
  g_auto(GStrv) s6 = flint_schema_suggest (schema, "ordre_id", 0);

  g_assert_nonnull (s1);
  g_assert_cmpstr (s1[0], ==, "customer_id");
  g_assert_cmpuint (g_strv_length (s1), ==, 1);

  /* exact match ignoring case first, then by distance */
  g_assert_nonnull (s2);
  g_assert_cmpstr (s2[0], ==, "amount");
  g_assert_null (s2[1]);   /* amunt_old and Amount_Usd are too far */
  g_assert_null (s3);

  /* a transposition is one edit */
  g_assert_nonnull (s4);
  g_assert_cmpstr (s4[0], ==, "customer_id");
  g_assert_null (s4[1]);

  /* ties keep schema order: amout -> amount (1), amunt_old is far */
  g_assert_nonnull (s5);
  g_assert_cmpstr (s5[0], ==, "amount");

  g_assert_nonnull (s6);
  g_assert_cmpstr (s6[0], ==, "order_id");

  {
    g_autoptr(FlintSchema) ties = make_schema ("ab int, ac int, ad int");
    g_auto(GStrv) t = flint_schema_suggest (ties, "a", 2);

    g_assert_nonnull (t);
    g_assert_cmpuint (g_strv_length (t), ==, 2);
    g_assert_cmpstr (t[0], ==, "ab");
    g_assert_cmpstr (t[1], ==, "ac");
  }
}

static void
test_schema_equal (void)
{
  g_autoptr(FlintSchema) a = make_schema ("a int, b ?");
  g_autoptr(FlintSchema) b = make_schema ("a int, b ?");
  g_autoptr(FlintSchema) c = make_schema ("a int, b string");
  g_autoptr(FlintSchema) d = make_schema ("A int, b ?");
  g_autoptr(FlintSchema) e = make_schema ("a int");

  g_assert_true (flint_schema_equal (a, b));
  g_assert_false (flint_schema_equal (a, c));
  g_assert_false (flint_schema_equal (a, d));
  g_assert_false (flint_schema_equal (a, e));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/types/parse/aliases", test_parse_aliases);
  g_test_add_func ("/types/parse/errors", test_parse_errors);
  g_test_add_func ("/types/accessors", test_accessors);
  g_test_add_func ("/types/constructors", test_constructors);
  g_test_add_func ("/types/equal", test_equal);
  g_test_add_func ("/types/predicates", test_predicates);
  g_test_add_func ("/types/comparable", test_comparable);
  g_test_add_func ("/types/common", test_common);
  g_test_add_func ("/schema/basics", test_schema_basics);
  g_test_add_func ("/schema/large", test_schema_large);
  g_test_add_func ("/schema/suggest", test_schema_suggest);
  g_test_add_func ("/schema/equal", test_schema_equal);

  return g_test_run ();
}
