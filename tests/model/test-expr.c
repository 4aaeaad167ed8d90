/* test-expr.c: the Spark SQL expression scanner
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "flint-model.h"

static FlintExpr *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  FlintExpr *expr = flint_expr_parse (text, &error);

  if (error != NULL)
    g_error ("“%s” does not parse: %s", text, error->message);
  g_assert_nonnull (expr);
  return expr;
}

/* References as "a|b.c|x y.z": parts joined by dots, refs by bars. */
static char *
refs_of (const char *text)
{
  g_autoptr(FlintExpr) expr = parse_ok (text);
  GPtrArray *refs = flint_expr_get_references (expr);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < refs->len; i++)
    {
      const FlintExprRef *ref = g_ptr_array_index (refs, i);
      g_autofree char *joined = g_strjoinv (".", ref->parts);

      if (i > 0)
        g_string_append_c (out, '|');
      g_string_append (out, joined);
    }
  return g_string_free (out, FALSE);
}

#define assert_refs(text, expected) \
  G_STMT_START { \
    g_autofree char *_refs = refs_of (text); \
    if (g_strcmp0 (_refs, expected) != 0) \
      g_error ("refs of “%s”: got “%s”, expected “%s”", text, _refs, expected); \
  } G_STMT_END

static void
test_refs_basic (void)
{
  assert_refs ("age >= 18", "age");
  assert_refs ("a + b * c - d / e", "a|b|c|d|e");
  assert_refs ("a AND NOT b OR c IS NULL", "a|b|c");
  assert_refs ("x IS NOT NULL and y is distinct from z", "x|y|z");
  assert_refs ("x IN (1, 2, y)", "x|y");
  assert_refs ("x NOT BETWEEN lo AND hi", "x|lo|hi");
  assert_refs ("name LIKE 'a%' ESCAPE '!' OR name ILIKE '%b' OR name RLIKE '^c'", "name|name|name");
  assert_refs ("TRUE AND FALSE OR NULL", "");
  assert_refs ("CASE WHEN a > 0 THEN b ELSE c END", "a|b|c");
  assert_refs ("CASE status WHEN 'x' THEN 1 END", "status");
  assert_refs ("count(*)", "");
  assert_refs ("a DIV b", "a|b");
  assert_refs ("a <=> b AND c != d AND e <> f AND g == h", "a|b|c|d|e|f|g|h");
  assert_refs ("a || b", "a|b");
  assert_refs ("-a", "a");
}

static void
test_refs_quoting (void)
{
  /* strings containing column-looking words */
  assert_refs ("status = 'active and not deleted'", "status");
  assert_refs ("note = \"say \\\"hi\\\" to bob\"", "note");
  assert_refs ("note = 'it''s col_x'", "note");
  assert_refs ("s = 'a\\'b' AND t", "s|t");
  assert_refs ("s = r'C:\\path' AND t", "s|t");
  assert_refs ("b = X'CAFE'", "b");
  /* backticks with dots and spaces */
  assert_refs ("`order id` > 1", "order id");
  assert_refs ("`a.b` = 1", "a.b");
  assert_refs ("`x y`.z = 1", "x y.z");
  assert_refs ("`a``b` = 1", "a`b");
  assert_refs ("`select` + `from`", "select|from");
  /* comments */
  assert_refs ("a -- and b\n + c", "a|c");
  assert_refs ("a /* b /* nested */ d */ + c", "a|c");
  /* literals */
  assert_refs ("x > 1.5e10 AND y < 10L AND z = 1.5D AND w = 12BD AND v = .5", "x|y|z|w|v");
  assert_refs ("d >= DATE '2024-01-01' AND t < TIMESTAMP '2024-01-01 00:00:00'", "d|t");
  assert_refs ("date >= '2024-01-01'", "date");
  assert_refs ("timestamp > 0", "timestamp");
  assert_refs ("ts + INTERVAL 1 DAY", "ts");
  assert_refs ("ts - INTERVAL '1-2' YEAR TO MONTH", "ts");
  assert_refs ("ts + INTERVAL 3 DAYS 2 HOURS - x", "ts|x");
}

static void
test_refs_calls (void)
{
  g_autoptr(FlintExpr) expr = parse_ok ("UPPER(trim(name)) || db.fn(x) || `my udf`(y)");
  GPtrArray *functions = flint_expr_get_functions (expr);

  assert_refs ("upper(trim(name))", "name");
  assert_refs ("coalesce(a, b, 0)", "a|b");
  assert_refs ("CAST(x AS decimal(10,2))", "x");
  assert_refs ("try_cast(x AS int) + cast(y as struct<a:int, b:array<string>>)", "x|y");
  assert_refs ("x::decimal(10, 2) + y::array<map<string,int>> + z::int", "x|y|z");
  assert_refs ("f(x).field", "x");
  assert_refs ("f(x).a.b + g(y)[0].c", "x|y");
  assert_refs ("a[0].b", "a");
  assert_refs ("m['key'].v", "m");
  assert_refs ("a.b.c", "a.b.c");
  assert_refs ("t.*", "");
  assert_refs ("struct(a, b).*", "a|b");
  assert_refs ("extract(YEAR FROM order_date)", "order_date");
  assert_refs ("timestampadd(MONTH, 1, ts) + datediff(DAY, a, b)", "ts|a|b");
  assert_refs ("date_add(start, 3)", "start");
  assert_refs ("trim(BOTH 'x' FROM s)", "s");
  assert_refs ("substring(s FROM 2 FOR 3)", "s");
  assert_refs ("position('a' IN s)", "s");
  assert_refs ("first(x) + last(y)", "x|y");
  assert_refs ("fn(arg => x)", "x");
  assert_refs ("raw:store.bicycle", "raw");
  assert_refs ("name COLLATE UTF8_LCASE = 'a'", "name");

  g_assert_cmpuint (functions->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (functions, 0), ==, "upper");
  g_assert_cmpstr (g_ptr_array_index (functions, 1), ==, "trim");
  g_assert_cmpstr (g_ptr_array_index (functions, 2), ==, "db.fn");
  g_assert_cmpstr (g_ptr_array_index (functions, 3), ==, "my udf");
}

static void
test_refs_lambdas (void)
{
  assert_refs ("transform(items, x -> x * price)", "items|price");
  assert_refs ("filter(items, x -> x.qty > 0)", "items");
  assert_refs ("aggregate(arr, 0, (acc, x) -> acc + x + bonus)", "arr|bonus");
  assert_refs ("transform(a, x -> x), x", "a|x");
  assert_refs ("exists(tags, t -> t = 'vip') AND t", "tags|t");
  assert_refs ("transform(a, x -> transform(b, y -> x + y + z))", "a|b|z");
  assert_refs ("zip_with(a, b, (x, y) -> (x + y) * k)", "a|b|k");
}

static void
test_refs_windows (void)
{
  g_autoptr(FlintExpr) windowed = parse_ok ("sum(x) over (partition by a order by b rows between "
                                            "unbounded preceding and current row)");

  assert_refs ("sum(x) over (partition by a order by b rows between unbounded preceding and current row)",
               "x|a|b");
  assert_refs ("row_number() OVER (PARTITION BY k ORDER BY t DESC NULLS LAST, u ASC)", "k|t|u");
  assert_refs ("sum(x) OVER w", "x");
  assert_refs ("sum(x) FILTER (WHERE y > 0)", "x|y");
  assert_refs ("avg(v) OVER (ORDER BY d RANGE BETWEEN INTERVAL 7 DAYS PRECEDING AND CURRENT ROW)", "v|d");
  assert_refs ("percentile_cont(0.5) WITHIN GROUP (ORDER BY price)", "price");
  g_assert_false (flint_expr_has_aggregate (windowed));
}

static void
test_refs_misc (void)
{
  /* aliases in select expressions are not columns */
  assert_refs ("sum(amount) AS total", "amount");
  assert_refs ("amount * 2 doubled", "amount");
  assert_refs ("explode(m) AS (k, v)", "m");
  /* subqueries read their own tables */
  assert_refs ("id IN (SELECT id FROM other WHERE flag)", "id");
  assert_refs ("EXISTS (SELECT 1 FROM t WHERE t.k = k)", "");
  assert_refs ("x = ANY (SELECT y FROM t)", "x");

  /* offsets and lengths as written */
  {
    g_autoptr(FlintExpr) expr = parse_ok ("  a + `b c`.d");
    GPtrArray *refs = flint_expr_get_references (expr);
    const FlintExprRef *r0 = g_ptr_array_index (refs, 0);
    const FlintExprRef *r1 = g_ptr_array_index (refs, 1);

    g_assert_cmpuint (refs->len, ==, 2);
    g_assert_cmpuint (r0->offset, ==, 2);
    g_assert_cmpuint (r0->length, ==, 1);
    g_assert_cmpuint (r1->offset, ==, 6);
    g_assert_cmpuint (r1->length, ==, 7);
    g_assert_cmpuint (g_strv_length (r1->parts), ==, 2);
    g_assert_cmpstr (r1->parts[0], ==, "b c");
    g_assert_cmpstr (r1->parts[1], ==, "d");
    g_assert_cmpstr (flint_expr_get_text (expr), ==, "  a + `b c`.d");
  }
}

static void
assert_syntax_error (const char *text,
                     int         code,
                     guint       offset)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlintExpr) expr = flint_expr_parse (text, &error);

  g_assert_null (expr);
  g_assert_error (error, FLINT_EXPR_ERROR, code);
  if (code == FLINT_EXPR_ERROR_SYNTAX)
    {
      g_autofree char *needle = g_strdup_printf ("byte %u", offset);

      if (strstr (error->message, needle) == NULL)
        g_error ("“%s”: message “%s” lacks “%s”", text, error->message, needle);
    }
}

static void
test_syntax_errors (void)
{
  assert_syntax_error ("name = 'abc", FLINT_EXPR_ERROR_SYNTAX, 7);
  assert_syntax_error ("name = \"abc\\\"", FLINT_EXPR_ERROR_SYNTAX, 7);
  assert_syntax_error ("`unclosed + 1", FLINT_EXPR_ERROR_SYNTAX, 0);
  assert_syntax_error ("a /* never closed", FLINT_EXPR_ERROR_SYNTAX, 2);
  assert_syntax_error ("a /* /* */", FLINT_EXPR_ERROR_SYNTAX, 2);
  assert_syntax_error ("f(a, (b)", FLINT_EXPR_ERROR_SYNTAX, 1);
  assert_syntax_error ("a + b)", FLINT_EXPR_ERROR_SYNTAX, 5);
  assert_syntax_error ("a[0)", FLINT_EXPR_ERROR_SYNTAX, 3);
  assert_syntax_error ("x'ab", FLINT_EXPR_ERROR_SYNTAX, 1);
  assert_syntax_error ("", FLINT_EXPR_ERROR_EMPTY, 0);
  assert_syntax_error ("   -- just a comment", FLINT_EXPR_ERROR_EMPTY, 0);
  assert_syntax_error ("/* c */", FLINT_EXPR_ERROR_EMPTY, 0);
}

/* check */

static FlintDataType *
type_of (const char *text)
{
  return flint_data_type_parse (text, NULL);
}

static FlintSchema *
make_schema (const char * const *columns)
{
  FlintSchema *schema = flint_schema_new ();

  for (guint i = 0; columns[i]; i += 2)
    {
      g_autoptr(FlintDataType) type = columns[i + 1][0] == '?' ? NULL : type_of (columns[i + 1]);

      flint_schema_append (schema, columns[i], type, TRUE);
    }
  return schema;
}

typedef struct
{
  GString *out;
} Missing;

static void
on_missing (const FlintExprRef *ref,
            const char         *missing,
            FlintSchema        *candidates,
            gpointer            user_data)
{
  Missing *m = user_data;
  g_auto(GStrv) suggestions = NULL;

  g_assert_nonnull (candidates);
  suggestions = flint_schema_suggest (candidates, missing, 1);
  if (m->out->len > 0)
    g_string_append_c (m->out, '|');
  g_string_append_printf (m->out, "%s@%u", missing, ref->offset);
  if (suggestions != NULL)
    g_string_append_printf (m->out, "~%s", suggestions[0]);
}

static char *
check (FlintExprScope *scope,
       const char     *text,
       guint          *n_missing)
{
  g_autoptr(FlintExpr) expr = parse_ok (text);
  Missing m = { g_string_new (NULL) };
  guint n = flint_expr_check (expr, scope, on_missing, &m);

  if (n_missing)
    *n_missing = n;
  return g_string_free (m.out, FALSE);
}

#define assert_check(scope, text, expected) \
  G_STMT_START { \
    guint _n; \
    g_autofree char *_got = check (scope, text, &_n); \
    if (g_strcmp0 (_got, expected) != 0) \
      g_error ("check of “%s”: got “%s”, expected “%s”", text, _got, expected); \
    g_assert_cmpuint (_n, ==, (*(expected) ? 1 : 0) + (guint) (strchr (expected, '|') ? 1 : 0)); \
  } G_STMT_END

static FlintSchema *
orders_schema (void)
{
  static const char * const columns[] = {
    "order_id", "long",
    "customer_id", "long",
    "amount", "decimal(10,2)",
    "status", "string",
    "created_at", "timestamp",
    "address", "struct<city:string, zip:string, geo:struct<lat:double, lon:double>>",
    "items", "array<struct<sku:string, qty:int>>",
    "attrs", "map<string,string>",
    "extra", "?",
    "qty", "int",
    "Mixed_Case", "int",
    NULL,
  };

  return make_schema (columns);
}

static void
test_check_unqualified (void)
{
  g_autoptr(FlintSchema) schema = orders_schema ();
  g_autoptr(FlintExprScope) scope = flint_expr_scope_new (schema);

  assert_check (scope, "amount > 10 AND status = 'paid'", "");
  assert_check (scope, "AMOUNT > 10 and mixed_case = 1", "");
  assert_check (scope, "amout > 10", "amout@0~amount");
  assert_check (scope, "staus = 'x' OR nothing_like_it", "staus@0~status|nothing_like_it@15");
  assert_check (scope, "address.city = 'Oslo' AND address.geo.lat > 0", "");
  assert_check (scope, "address.cty = 'Oslo'", "cty@0~city");
  assert_check (scope, "address.geo.lom > 0", "lom@0~lon");
  assert_check (scope, "items.sku = 'a' OR items.qty > 1", "");
  assert_check (scope, "items.skus = 'a'", "skus@0~sku");
  assert_check (scope, "attrs.anything = 'x' AND extra.whatever.deep = 1", "");
  assert_check (scope, "status.length = 1", "length@0");
  assert_check (scope, "transform(items, i -> i.sku) IS NOT NULL", "");
  assert_check (scope, "'amout' = status", "");
}

static void
test_check_qualified (void)
{
  static const char * const left_columns[] = { "id", "long", "name", "string", NULL };
  static const char * const right_columns[] = { "id", "long", "total", "double", "left", "string", NULL };
  g_autoptr(FlintSchema) left = make_schema (left_columns);
  g_autoptr(FlintSchema) right = make_schema (right_columns);
  g_autoptr(FlintSchema) combined = make_schema ((const char * const[]) { "id", "long", "name", "string",
                                                                          "total", "double", NULL });
  g_autoptr(FlintExprScope) scope = flint_expr_scope_new (combined);
  g_autoptr(FlintExprScope) unknown = flint_expr_scope_new (NULL);
  g_autoptr(FlintExprScope) partly = flint_expr_scope_new (left);

  flint_expr_scope_add (scope, "l", left);
  flint_expr_scope_add (scope, "R", right);

  assert_check (scope, "l.id = r.id", "");
  assert_check (scope, "L.name = R.total", "");
  assert_check (scope, "l.total > 0", "total@0");
  assert_check (scope, "r.nam = 'x'", "nam@0");
  assert_check (scope, "x.id = 1", "x@0~id");
  assert_check (scope, "total > 0 AND name = 'a'", "");

  /* A column named like a qualifier wins over the qualifier. */
  {
    g_autoptr(FlintSchema) with_struct = make_schema ((const char * const[]) {
      "l", "struct<id:int>", NULL });
    g_autoptr(FlintExprScope) s = flint_expr_scope_new (with_struct);

    flint_expr_scope_add (s, "l", left);
    assert_check (s, "l.id = 1", "");
    assert_check (s, "l.name = 'x'", "name@0");
  }

  /* Unknown schemas accept everything. */
  assert_check (unknown, "anything.at.all + more", "");
  flint_expr_scope_add (partly, "other", NULL);
  assert_check (partly, "other.whatever = name", "");
  assert_check (partly, "nope = 1", "nope@0~name");
}

/* inference */

static char *
infer (FlintExprScope *scope,
       const char     *text)
{
  g_autoptr(FlintExpr) expr = parse_ok (text);
  g_autoptr(FlintDataType) type = flint_expr_infer_type (expr, scope);

  return type ? flint_data_type_to_string (type) : g_strdup ("?");
}

#define assert_type(scope, text, expected) \
  G_STMT_START { \
    g_autofree char *_got = infer (scope, text); \
    if (g_strcmp0 (_got, expected) != 0) \
      g_error ("type of “%s”: got “%s”, expected “%s”", text, _got, expected); \
  } G_STMT_END

static void
test_infer_literals (void)
{
  assert_type (NULL, "1", "int");
  assert_type (NULL, "2147483647", "int");
  assert_type (NULL, "2147483648", "long");
  assert_type (NULL, "10L", "long");
  assert_type (NULL, "10S", "short");
  assert_type (NULL, "10Y", "byte");
  assert_type (NULL, "99999999999999999999", "decimal(20,0)");
  assert_type (NULL, "1.5", "decimal(2,1)");
  assert_type (NULL, "0.05", "decimal(2,2)");
  assert_type (NULL, "123.450", "decimal(6,3)");
  assert_type (NULL, "12BD", "decimal(2,0)");
  assert_type (NULL, "1.5BD", "decimal(2,1)");
  assert_type (NULL, "1e3", "double");
  assert_type (NULL, "1.5D", "double");
  assert_type (NULL, "1.5F", "float");
  assert_type (NULL, "'text'", "string");
  assert_type (NULL, "'a' 'b'", "string");
  assert_type (NULL, "X'CAFE'", "binary");
  assert_type (NULL, "true", "boolean");
  assert_type (NULL, "NULL", "void");
  assert_type (NULL, "DATE '2024-01-01'", "date");
  assert_type (NULL, "TIMESTAMP '2024-01-01 10:00'", "timestamp");
  assert_type (NULL, "TIMESTAMP_NTZ '2024-01-01 10:00'", "timestamp_ntz");
  assert_type (NULL, "INTERVAL 1 DAY", "?");
  assert_type (NULL, "(((1)))", "int");
}

static void
test_infer_operators (void)
{
  g_autoptr(FlintSchema) schema = orders_schema ();
  g_autoptr(FlintExprScope) scope = flint_expr_scope_new (schema);

  assert_type (scope, "qty", "int");
  assert_type (scope, "amount", "decimal(10,2)");
  assert_type (scope, "address.geo.lat", "double");
  assert_type (scope, "items.qty", "array<int>");
  assert_type (scope, "attrs.color", "string");
  assert_type (scope, "attrs['color']", "string");
  assert_type (scope, "items[0].sku", "string");
  assert_type (scope, "extra", "?");
  assert_type (scope, "missing_column", "?");

  assert_type (scope, "qty + 1", "int");
  assert_type (scope, "qty + 1L", "long");
  assert_type (scope, "qty + order_id", "long");
  assert_type (scope, "qty * 2.0D", "double");
  assert_type (scope, "qty - 1.5F", "float");
  assert_type (scope, "qty / 2", "double");
  assert_type (scope, "qty % 2", "int");
  assert_type (scope, "qty DIV 2", "long");
  assert_type (scope, "-qty", "int");
  assert_type (scope, "qty & 3", "int");
  assert_type (scope, "1 + 2 * 3", "int");
  assert_type (scope, "amount + amount", "decimal(11,2)");
  assert_type (scope, "amount * amount", "decimal(21,4)");
  assert_type (scope, "amount - CAST(qty AS decimal(5,1))", "decimal(11,2)");
  assert_type (scope, "amount / amount", "decimal(23,13)");
  /* Spark narrows integral literals in decimal arithmetic: not certain from types */
  assert_type (scope, "amount * 2", "?");
  assert_type (scope, "1.0 * 2", "?");
  assert_type (scope, "amount + 1.5D", "double");
  assert_type (scope, "status + 1", "?");
  assert_type (scope, "extra + 1", "?");
  assert_type (scope, "null + 1", "int");

  assert_type (scope, "qty > 1", "boolean");
  assert_type (scope, "extra = 1", "boolean");
  assert_type (scope, "qty > 1 AND status = 'x' OR NOT extra", "boolean");
  assert_type (scope, "status IS NULL", "boolean");
  assert_type (scope, "status IS NOT DISTINCT FROM 'x'", "boolean");
  assert_type (scope, "status IN ('a', 'b')", "boolean");
  assert_type (scope, "qty NOT BETWEEN 1 AND 3", "boolean");
  assert_type (scope, "status LIKE 'a%'", "boolean");
  assert_type (scope, "status NOT ILIKE ANY ('a%', 'b%')", "boolean");
  assert_type (scope, "!(qty > 1)", "boolean");

  assert_type (scope, "status || 'x'", "string");
  assert_type (scope, "status || qty", "string");
  assert_type (scope, "CAST(qty AS decimal(12,2))", "decimal(12,2)");
  assert_type (scope, "try_cast(status AS bigint)", "long");
  assert_type (scope, "cast(x AS array<struct<a:int>>)", "array<struct<a:int>>");
  assert_type (scope, "status::int", "int");
  assert_type (scope, "qty::decimal(5, 1)", "decimal(5,1)");
  assert_type (scope, "created_at + INTERVAL 1 DAY", "?");

  assert_type (scope, "CASE WHEN qty > 1 THEN 1 ELSE 2L END", "long");
  assert_type (scope, "CASE WHEN qty > 1 THEN 1 END", "int");
  assert_type (scope, "CASE status WHEN 'a' THEN 1.5D WHEN 'b' THEN qty ELSE NULL END", "double");
  assert_type (scope, "CASE WHEN qty > 1 THEN 'a' ELSE 1 END", "?");
  assert_type (scope, "CASE WHEN qty > 1 THEN extra ELSE 1 END", "?");

  /* a trailing alias or direction does not change the type */
  assert_type (scope, "qty + 1 AS next_qty", "int");
  assert_type (scope, "qty + 1 next_qty", "int");
  assert_type (scope, "created_at DESC NULLS LAST", "timestamp");
}

static void
test_infer_functions (void)
{
  g_autoptr(FlintSchema) schema = orders_schema ();
  g_autoptr(FlintExprScope) scope = flint_expr_scope_new (schema);

  assert_type (scope, "count(*)", "long");
  assert_type (scope, "count(DISTINCT status)", "long");
  assert_type (scope, "sum(qty)", "long");
  assert_type (scope, "sum(order_id)", "long");
  assert_type (scope, "sum(qty * 1.5D)", "double");
  assert_type (scope, "sum(amount)", "decimal(20,2)");
  assert_type (scope, "sum(extra)", "?");
  assert_type (scope, "avg(qty)", "double");
  assert_type (scope, "avg(amount)", "?");
  assert_type (scope, "min(created_at)", "timestamp");
  assert_type (scope, "max(status)", "string");
  assert_type (scope, "first(qty) IGNORE NULLS", "int");
  assert_type (scope, "upper(status)", "string");
  assert_type (scope, "lower(trim(status))", "string");
  assert_type (scope, "trim(BOTH 'x' FROM status)", "string");
  assert_type (scope, "concat_ws('-', status, qty)", "string");
  assert_type (scope, "regexp_replace(status, 'a', 'b')", "string");
  assert_type (scope, "substring(status, 1, 2)", "string");
  assert_type (scope, "substring(extra, 1, 2)", "?");
  assert_type (scope, "concat(status, qty)", "string");
  assert_type (scope, "length(status)", "int");
  assert_type (scope, "to_date(created_at)", "date");
  assert_type (scope, "to_timestamp(status)", "timestamp");
  assert_type (scope, "current_timestamp()", "timestamp");
  assert_type (scope, "current_date", "date");
  assert_type (scope, "current_date()", "date");
  assert_type (scope, "year(created_at) + month(created_at)", "int");
  assert_type (scope, "dayofweek(created_at)", "int");
  assert_type (scope, "coalesce(qty, 0)", "int");
  assert_type (scope, "coalesce(qty, order_id, 0)", "long");
  assert_type (scope, "coalesce(qty, extra)", "?");
  assert_type (scope, "coalesce(status, 0)", "?");
  assert_type (scope, "abs(qty)", "int");
  assert_type (scope, "round(qty * 1.5D, 2)", "double");
  assert_type (scope, "round(amount, 1)", "?");
  assert_type (scope, "size(items)", "int");
  assert_type (scope, "array(1, 2L)", "array<long>");
  assert_type (scope, "collect_list(status)", "array<string>");
  assert_type (scope, "collect_set(qty)", "array<int>");
  assert_type (scope, "sum(qty) OVER (PARTITION BY status ORDER BY created_at)", "long");
  assert_type (scope, "row_number() OVER (ORDER BY created_at)", "int");
  assert_type (scope, "if(qty > 1, 1, 2L)", "long");
  assert_type (scope, "my_udf(qty)", "?");
  assert_type (scope, "db.upper(status)", "?");
  assert_type (scope, "transform(items, i -> i.qty)", "?");
  assert_type (scope, "exists(items, i -> i.qty > 1)", "boolean");
  assert_type (scope, "element_at(items, 1).sku", "string");
  assert_type (scope, "qty IN (SELECT q FROM t)", "boolean");
  assert_type (scope, "(SELECT max(q) FROM t)", "?");
}

static void
test_infer_unknown (void)
{
  g_autoptr(FlintSchema) schema = orders_schema ();
  g_autoptr(FlintExprScope) scope = flint_expr_scope_new (schema);

  /* Nothing is guessed: odd or partial syntax stays unknown. */
  assert_type (scope, "qty +", "?");
  assert_type (scope, "qty qty qty", "?");
  assert_type (scope, "CASE WHEN qty THEN 1", "?");
  assert_type (scope, "cast(qty AS notatype)", "?");
  assert_type (scope, "qty + * 2", "?");
  assert_type (scope, "AND", "?");
  assert_type (scope, "1, 2", "?");
  assert_type (scope, "status / 2", "?");
  assert_type (scope, "created_at - created_at", "?");
}

static void
test_has_aggregate (void)
{
  static const struct { const char *text; gboolean aggregate; } cases[] = {
    { "sum(x)", TRUE },
    { "SUM(x) / COUNT(*)", TRUE },
    { "count(DISTINCT x)", TRUE },
    { "approx_count_distinct(x)", TRUE },
    { "collect_list(x)", TRUE },
    { "max(x) FILTER (WHERE y > 0)", TRUE },
    { "percentile_cont(0.5) WITHIN GROUP (ORDER BY x)", TRUE },
    { "stddev(x) + 1", TRUE },
    { "x + 1", FALSE },
    { "upper(x)", FALSE },
    { "sum(x) OVER (PARTITION BY k)", FALSE },
    { "count(*) over w", FALSE },
    { "max(x) FILTER (WHERE y > 0) OVER (PARTITION BY k)", FALSE },
    { "row_number() OVER (ORDER BY sum(x))", TRUE },
    { "aggregate(arr, 0, (a, b) -> a + b)", FALSE },
    { "'sum(x)'", FALSE },
    { "`sum`", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FlintExpr) expr = parse_ok (cases[i].text);

      if (flint_expr_has_aggregate (expr) != cases[i].aggregate)
        g_error ("has_aggregate (“%s”) should be %d", cases[i].text, cases[i].aggregate);
    }
}

static char *
tables_of (const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tables = flint_sql_get_tables (query, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < tables->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, '|');
      g_string_append (out, g_ptr_array_index (tables, i));
    }
  return g_string_free (out, FALSE);
}

#define assert_tables(query, expected) \
  G_STMT_START { \
    g_autofree char *_got = tables_of (query); \
    if (g_strcmp0 (_got, expected) != 0) \
      g_error ("tables of “%s”: got “%s”, expected “%s”", query, _got, expected); \
  } G_STMT_END

static void
test_sql_tables (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = NULL;

  assert_tables ("SELECT * FROM orders", "orders");
  assert_tables ("select a from main.sales.orders o join main.sales.customers c on o.cid = c.id",
                 "main.sales.orders|main.sales.customers");
  assert_tables ("SELECT * FROM a, b AS bb, c WHERE a.x = bb.x", "a|b|c");
  assert_tables ("SELECT * FROM a LEFT OUTER JOIN b USING (id) CROSS JOIN c", "a|b|c");
  assert_tables ("WITH recent AS (SELECT * FROM orders WHERE d > 1), "
                 "top (k) AS (SELECT k FROM recent) "
                 "SELECT * FROM recent JOIN top ON recent.k = top.k JOIN customers ON 1 = 1",
                 "orders|customers");
  assert_tables ("SELECT * FROM (SELECT * FROM inner_t) sub JOIN other ON sub.k = other.k",
                 "inner_t|other");
  assert_tables ("SELECT extract(year FROM d), trim(BOTH ' ' FROM s) FROM t WHERE x IS DISTINCT FROM y",
                 "t");
  assert_tables ("SELECT * FROM t WHERE id IN (SELECT id FROM u) AND EXISTS (SELECT 1 FROM v)",
                 "t|u|v");
  assert_tables ("SELECT * FROM `my db`.`my table`, delta.`/data/x`", "`my db`.`my table`|delta.`/data/x`");
  assert_tables ("SELECT * FROM range(10) JOIN t ON true", "t");
  assert_tables ("SELECT * FROM a UNION ALL SELECT * FROM A", "a");
  assert_tables ("SELECT 1", "");
  assert_tables ("-- FROM fake\nSELECT 'FROM nope' FROM real_t /* JOIN no */", "real_t");

  none = flint_sql_get_tables ("SELECT * FROM (t", &error);
  g_assert_null (none);
  g_assert_error (error, FLINT_EXPR_ERROR, FLINT_EXPR_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "byte 14"));
}

static void
test_large_schema_check (void)
{
  g_autoptr(FlintSchema) schema = flint_schema_new ();
  g_autoptr(FlintDataType) type = flint_data_type_new (FLINT_TYPE_KIND_INT);
  g_autoptr(FlintExprScope) scope = NULL;
  g_autoptr(FlintExpr) expr = parse_ok ("c_99999 + c_5 + c_50000 > 0");

  for (guint i = 0; i < 100000; i++)
    {
      g_autofree char *name = g_strdup_printf ("c_%u", i);

      flint_schema_append (schema, name, type, TRUE);
    }
  scope = flint_expr_scope_new (schema);
  for (guint i = 0; i < 10000; i++)
    g_assert_cmpuint (flint_expr_check (expr, scope, NULL, NULL), ==, 0);
}

static void
test_robustness (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240611);
  static const char alphabet[] = "abcxyz_019 .,()[]'\"`\\-+*/%<>=!|&:;\n\t#@$?";
  static const char * const words[] = {
    "CASE ", "WHEN ", "THEN ", "END ", "CAST(", " AS ", "int", "->", "over (", "partition by ",
    "INTERVAL ", "DATE ", "'", "`", "/*", "*/", "--", "::", "x'", "1e", "1.5BD", "select ",
    "from ", "in (", "is not ", "NULL", "sum(", "filter(", "struct<", "array<", ">", ".",
  };
  g_autoptr(FlintSchema) schema = orders_schema ();
  g_autoptr(FlintExprScope) scope = flint_expr_scope_new (schema);

  flint_expr_scope_add (scope, "t", schema);

  for (guint n = 0; n < 10000; n++)
    {
      GString *text = g_string_new (NULL);
      guint len = g_rand_int_range (rand, 0, 64);
      g_autoptr(GError) error = NULL;
      g_autoptr(FlintExpr) expr = NULL;
      g_autoptr(GPtrArray) tables = NULL;

      for (guint k = 0; k < len; k++)
        {
          guint pick = g_rand_int_range (rand, 0, 4);

          if (pick == 0)
            g_string_append (text, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
          else if (pick == 1)
            g_string_append_c (text, (char) g_rand_int_range (rand, 1, 256));
          else
            g_string_append_c (text, alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)]);
        }

      expr = flint_expr_parse (text->str, &error);
      if (expr != NULL)
        {
          g_autoptr(FlintDataType) type = NULL;

          g_assert_no_error (error);
          flint_expr_check (expr, scope, NULL, NULL);
          type = flint_expr_infer_type (expr, scope);
          flint_expr_has_aggregate (expr);
        }
      else
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == FLINT_EXPR_ERROR);
        }
      g_clear_error (&error);
      tables = flint_sql_get_tables (text->str, &error);
      g_assert_true ((tables == NULL) == (error != NULL));
      g_string_free (text, TRUE);
    }

  /* Deep nesting stays unknown instead of overflowing the stack. */
  {
    GString *deep = g_string_new (NULL);
    g_autoptr(FlintExpr) expr = NULL;
    g_autoptr(FlintDataType) type = NULL;

    for (guint i = 0; i < 100000; i++)
      g_string_append (deep, "(-");
    g_string_append (deep, "qty");
    for (guint i = 0; i < 100000; i++)
      g_string_append_c (deep, ')');
    expr = parse_ok (deep->str);
    g_assert_cmpuint (flint_expr_get_references (expr)->len, ==, 1);
    type = flint_expr_infer_type (expr, scope);
    g_assert_null (type);
    g_string_free (deep, TRUE);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/expr/refs/basic", test_refs_basic);
  g_test_add_func ("/expr/refs/quoting", test_refs_quoting);
  g_test_add_func ("/expr/refs/calls", test_refs_calls);
  g_test_add_func ("/expr/refs/lambdas", test_refs_lambdas);
  g_test_add_func ("/expr/refs/windows", test_refs_windows);
  g_test_add_func ("/expr/refs/misc", test_refs_misc);
  g_test_add_func ("/expr/syntax-errors", test_syntax_errors);
  g_test_add_func ("/expr/check/unqualified", test_check_unqualified);
  g_test_add_func ("/expr/check/qualified", test_check_qualified);
  g_test_add_func ("/expr/check/large-schema", test_large_schema_check);
  g_test_add_func ("/expr/infer/literals", test_infer_literals);
  g_test_add_func ("/expr/infer/operators", test_infer_operators);
  g_test_add_func ("/expr/infer/functions", test_infer_functions);
  g_test_add_func ("/expr/infer/unknown", test_infer_unknown);
  g_test_add_func ("/expr/has-aggregate", test_has_aggregate);
  g_test_add_func ("/expr/sql-tables", test_sql_tables);
  g_test_add_func ("/expr/robustness", test_robustness);

  return g_test_run ();
}
