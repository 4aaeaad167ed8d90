/* flint-expr.c: a scanner for Spark SQL expressions
 *
 * Three passes over one token array: the tokenizer (quoting, comments,
 * literals, bracket balance), a scan that finds column references and function
 * calls without building a tree, and a small precedence-climbing parser that
 * infers result types only where Spark's rules make them certain.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "flint-expr.h"

/* Deeper nesting than this is left unknown by the type parser (no stack overflow). */
#define MAX_INFER_DEPTH 256

typedef enum
{
  TOK_IDENT,    /* a plain word, as written */
  TOK_QIDENT,   /* a backtick-quoted name, unquoted */
  TOK_STRING,   /* a string literal, unescaped */
  TOK_NUMBER,   /* a numeric literal, as written */
  TOK_OP,       /* punctuation and operators */
  TOK_EOF,
} TokKind;

typedef enum
{
  NUM_INT,       /* 12 */
  NUM_LONG,      /* 12L */
  NUM_SHORT,     /* 12S */
  NUM_BYTE,      /* 12Y */
  NUM_FLOAT,     /* 1.5F */
  NUM_DOUBLE,    /* 1.5D, 1e3 */
  NUM_DECIMAL,   /* 1.5 */
  NUM_BIG_DECIMAL, /* 1.5BD */
} NumKind;

typedef struct
{
  TokKind  kind;
  guint    start;
  guint    end;
  char    *value;
  const char *folded;   /* identifiers: the value in lower case (maybe the value itself); else NULL */
  guint    words;       /* identifiers: the WordClass bits of the folded value */
  int      match;       /* index of the matching bracket, or -1 */
  guint    num_kind : 4;
  guint    binary : 1;  /* X'...' */
  guint    has_dot : 1;
  guint    has_exp : 1;
  guint    static_value : 1;  /* value points to a constant string */
  guint    owns_folded : 1;
} Token;

struct _FlintExpr
{
  char      *text;
  GArray    *tokens;      /* Token, ending with TOK_EOF */
  GPtrArray *references;  /* FlintExprRef* */
  GPtrArray *functions;   /* char*, lower case */
  gboolean   has_aggregate;
};

typedef struct
{
  char        *name;
  FlintSchema *schema;   /* nullable: unknown */
} Qualifier;

struct _FlintExprScope
{
  FlintSchema *schema;      /* nullable: unknown */
  GArray      *qualifiers;  /* Qualifier; NULL until the first is added */
  FlintSchema *empty;       /* candidates for a field of an atomic type: none */
};

G_DEFINE_QUARK (flint-expr-error-quark, flint_expr_error)

/* Word lists */

/* Words that never name a column where they stand as a plain word. */
static const char * const keywords[] = {
  "all", "and", "any", "as", "asc", "between", "both", "by", "case", "cast", "current",
  "desc", "distinct", "div", "else", "end", "escape", "exists", "false", "filter", "first",
  "following", "for", "from", "group", "ilike", "in", "interval", "is", "last", "leading",
  "like", "not", "null", "nulls", "or", "order", "over", "partition", "placing", "preceding",
  "range", "regexp", "rlike", "row", "rows", "select", "some", "then", "trailing", "true",
  "try_cast", "unbounded", "values", "when", "where", "with", "within", "collate",
  "current_date", "current_timestamp", "current_user", "session_user",
};

/* Keywords that may be called like functions: first(x), exists(arr, x -> ...). */
static const char * const keyword_functions[] = {
  "cast", "try_cast", "exists", "first", "last", "any", "some", "filter",
  "current_date", "current_timestamp", "current_user", "session_user",
};

static const char * const aggregate_functions[] = {
  "any", "any_value", "approx_count_distinct", "approx_percentile", "array_agg", "avg",
  "bit_and", "bit_or", "bit_xor", "bool_and", "bool_or", "collect_list", "collect_set",
  "corr", "count", "count_distinct", "count_if", "count_min_sketch", "covar_pop",
  "covar_samp", "every", "first", "first_value", "grouping", "grouping_id",
  "histogram_numeric", "hll_sketch_agg", "hll_union_agg", "kurtosis", "last", "last_value",
  "listagg", "max", "max_by", "mean", "median", "min", "min_by", "mode", "percentile",
  "percentile_approx", "percentile_cont", "percentile_disc", "regr_avgx", "regr_avgy",
  "regr_count", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy",
  "regr_syy", "skewness", "some", "std", "stddev", "stddev_pop", "stddev_samp",
  "string_agg", "sum", "sum_distinct", "try_avg", "try_sum", "var_pop", "var_samp",
  "variance",
};

static const char * const interval_units[] = {
  "year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
  "minute", "minutes", "second", "seconds", "millisecond", "milliseconds", "microsecond",
  "microseconds", "nanosecond", "nanoseconds", "quarter", "quarters", "to",
};

/* Functions whose first argument may be a unit word: timestampadd(MONTH, 1, ts). */
static const char * const unit_functions[] = {
  "extract", "timestampadd", "timestampdiff", "timestamp_add", "timestamp_diff",
  "dateadd", "datediff", "date_add", "date_diff", "date_part", "datepart",
};

/* Abbreviations EXTRACT and DATE_PART take too. */
static const char * const unit_abbreviations[] = {
  "y", "yr", "yrs", "qtr", "mon", "mons", "w", "d", "dow", "doy", "dayofweek",
  "dayofweek_iso", "dow_iso", "dayofyear", "h", "hr", "hrs", "m", "min", "mins", "s",
  "sec", "secs", "ms", "msec", "msecs", "us", "usec", "usecs", "epoch", "yearofweek",
};

/* Words that end a FROM clause's list of tables. */
static const char * const from_enders[] = {
  "where", "group", "having", "order", "limit", "union", "intersect", "except", "window",
  "on", "using", "select", "cluster", "distribute", "sort", "qualify", "lateral", "pivot",
  "unpivot", "tablesample", "offset", "minus",
};

/* Names whose result type function_type() knows from the name alone. */
static const char * const returns_string[] = {
  "upper", "lower", "ucase", "lcase", "initcap", "trim", "ltrim", "rtrim", "btrim",
  "concat_ws", "format_string", "printf", "date_format", "from_unixtime", "md5", "sha1",
  "sha", "sha2", "uuid", "to_json", "regexp_replace", "regexp_extract", "translate",
  "replace", "repeat", "soundex", "base64", "hex", "bin", "conv", "format_number",
  "get_json_object", "input_file_name", "current_database", "current_catalog",
  "current_schema", "current_user", "session_user", "user", "split_part", "string",
  "to_char", "chr", "char", "space", "typeof", "version", "overlay", "quote",
};
static const char * const returns_int[] = {
  "length", "char_length", "character_length", "octet_length", "bit_length", "instr",
  "locate", "position", "ascii", "size", "cardinality", "array_size", "levenshtein",
  "year", "month", "day", "dayofmonth", "hour", "minute", "second", "dayofweek",
  "dayofyear", "weekofyear", "quarter", "weekday", "datediff", "row_number", "rank",
  "dense_rank", "ntile", "spark_partition_id", "hash", "int", "find_in_set",
};
static const char * const returns_long[] = {
  "count", "count_if", "approx_count_distinct", "unix_timestamp", "to_unix_timestamp",
  "monotonically_increasing_id", "xxhash64", "crc32", "bigint", "count_distinct",
  "unix_seconds", "unix_millis", "unix_micros", "timestampdiff",
};
static const char * const returns_double[] = {
  "stddev", "stddev_pop", "stddev_samp", "std", "variance", "var_pop", "var_samp", "corr",
  "covar_pop", "covar_samp", "skewness", "kurtosis", "sqrt", "exp", "ln", "log", "log10",
  "log2", "log1p", "expm1", "pow", "power", "sin", "cos", "tan", "asin", "acos", "atan",
  "atan2", "sinh", "cosh", "tanh", "cbrt", "degrees", "radians", "rand", "randn",
  "random", "months_between", "percent_rank", "cume_dist", "double", "pi", "e", "hypot",
  "signum", "sign", "cot",
};
static const char * const returns_boolean[] = {
  "array_contains", "isnull", "isnotnull", "isnan", "startswith", "endswith", "contains",
  "rlike", "like", "ilike", "regexp_like", "exists", "forall", "bool_and", "bool_or",
  "every", "boolean", "arrays_overlap", "map_contains_key", "equal_null",
};
static const char * const returns_date[] = {
  "to_date", "current_date", "curdate", "date_add", "date_sub", "last_day", "next_day",
  "add_months", "make_date", "date", "date_from_unix_date", "trunc",
};
static const char * const returns_timestamp[] = {
  "to_timestamp", "current_timestamp", "now", "date_trunc", "make_timestamp",
  "from_utc_timestamp", "to_utc_timestamp", "timestamp_seconds", "timestamp_millis",
  "timestamp_micros", "timestamp", "localtimestamp", "to_timestamp_ltz",
  "make_timestamp_ltz",
};
static const char * const returns_first[] = {
  "min", "max", "first", "last", "first_value", "last_value", "any_value", "lag", "lead",
  "nth_value", "nullif", "mode", "median_of",
};
static const char * const returns_common[] = {
  "coalesce", "nvl", "ifnull", "greatest", "least",
};

/* Which of the lists above a word is in, as bits: every identifier is looked up once,
 * folded, in one table instead of being compared with each list in turn. */
typedef enum
{
  W_KEYWORD          = 1 << 0,
  W_KEYWORD_FUNCTION = 1 << 1,
  W_AGGREGATE        = 1 << 2,
  W_UNIT             = 1 << 3,
  W_UNIT_FUNCTION    = 1 << 4,
  W_FROM_ENDER       = 1 << 5,
  W_RETURNS_STRING   = 1 << 6,
  W_RETURNS_INT      = 1 << 7,
  W_RETURNS_LONG     = 1 << 8,
  W_RETURNS_DOUBLE   = 1 << 9,
  W_RETURNS_BOOLEAN  = 1 << 10,
  W_RETURNS_DATE     = 1 << 11,
  W_RETURNS_TIMESTAMP = 1 << 12,
  W_RETURNS_FIRST    = 1 << 13,
  W_RETURNS_COMMON   = 1 << 14,
} WordClass;

/* Longer than every listed word: such a word is in no list. */
#define MAX_LISTED_WORD 32

typedef struct
{
  const char * const *words;
  gsize               n_words;
  WordClass           class;
} WordList;

#define WORD_LIST(list, class) { list, G_N_ELEMENTS (list), class }

static const WordList word_lists[] = {
  WORD_LIST (keywords, W_KEYWORD),
  WORD_LIST (keyword_functions, W_KEYWORD_FUNCTION),
  WORD_LIST (aggregate_functions, W_AGGREGATE),
  WORD_LIST (interval_units, W_UNIT),
  WORD_LIST (unit_abbreviations, W_UNIT),
  WORD_LIST (unit_functions, W_UNIT_FUNCTION),
  WORD_LIST (from_enders, W_FROM_ENDER),
  WORD_LIST (returns_string, W_RETURNS_STRING),
  WORD_LIST (returns_int, W_RETURNS_INT),
  WORD_LIST (returns_long, W_RETURNS_LONG),
  WORD_LIST (returns_double, W_RETURNS_DOUBLE),
  WORD_LIST (returns_boolean, W_RETURNS_BOOLEAN),
  WORD_LIST (returns_date, W_RETURNS_DATE),
  WORD_LIST (returns_timestamp, W_RETURNS_TIMESTAMP),
  WORD_LIST (returns_first, W_RETURNS_FIRST),
  WORD_LIST (returns_common, W_RETURNS_COMMON),
};

/* Folded word (one of the lists' own strings) -> WordClass bits. Built once, then only read. */
static GHashTable *
word_table (void)
{
  static GHashTable *table;

  if (g_once_init_enter (&table))
    {
      GHashTable *fresh = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint l = 0; l < G_N_ELEMENTS (word_lists); l++)
        for (gsize i = 0; i < word_lists[l].n_words; i++)
          {
            const char *word = word_lists[l].words[i];
            gpointer key = NULL, bits = NULL;

            g_assert (strlen (word) <= MAX_LISTED_WORD);
            if (g_hash_table_lookup_extended (fresh, word, &key, &bits))
              word = key;
            g_hash_table_insert (fresh, (gpointer) word,
                                 GUINT_TO_POINTER (GPOINTER_TO_UINT (bits) | word_lists[l].class));
          }
      g_once_init_leave (&table, fresh);
    }

  return table;
}

static inline char
fold (char c)
{
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* The classes of @word (any case); sets *interned to the listed string when it is listed. */
static guint
classify_word (const char  *word,
               gsize        length,
               const char **interned)
{
  char folded[MAX_LISTED_WORD + 1];
  gpointer key = NULL, bits = NULL;

  if (interned != NULL)
    *interned = NULL;
  if (length > MAX_LISTED_WORD)
    return 0;
  for (gsize i = 0; i < length; i++)
    folded[i] = fold (word[i]);
  folded[length] = '\0';

  if (!g_hash_table_lookup_extended (word_table (), folded, &key, &bits))
    return 0;
  if (interned != NULL)
    *interned = key;
  return GPOINTER_TO_UINT (bits);
}

static guint
word_classes (const char *word)
{
  return classify_word (word, strlen (word), NULL);
}

#define WORD_IS(word, class) ((word_classes (word) & (class)) != 0)


/* Tokenizer */

static void
token_clear (gpointer data)
{
  Token *token = data;

  if (token->owns_folded)
    g_free ((char *) token->folded);
  if (!token->static_value)
    g_free (token->value);
  token->value = NULL;
  token->folded = NULL;
}

static gboolean
is_ident_start (guchar c)
{
  return g_ascii_isalpha (c) || c == '_' || c >= 0x80;
}

static gboolean
is_ident_char (guchar c)
{
  return g_ascii_isalnum (c) || c == '_' || c >= 0x80;
}

static void
set_syntax_error (GError     **error,
                  guint        offset,
                  const char  *message)
{
  /* TRANSLATORS: the first %s is a syntax problem, %u a byte offset in the expression */
  g_set_error (error, FLINT_EXPR_ERROR, FLINT_EXPR_ERROR_SYNTAX,
               _("%s at byte %u"), message, offset);
}

static void
append_unichar (GString  *out,
                gunichar  c)
{
  if (g_unichar_validate (c))
    g_string_append_unichar (out, c);
}

/* Reads a quoted string starting at @p (the quote). Returns the end, or 0 on error. */
static gsize
scan_string (const char  *text,
             gsize        p,
             gboolean     raw,
             GString     *value,
             GError     **error)
{
  char quote = text[p];
  gsize start = p;

  p++;
  for (;;)
    {
      char c = text[p];

      if (c == '\0')
        {
          set_syntax_error (error, (guint) start, _("Unterminated string"));
          return 0;
        }
      if (c == quote)
        {
          if (text[p + 1] == quote)
            {
              g_string_append_c (value, quote);
              p += 2;
              continue;
            }
          return p + 1;
        }
      if (c == '\\' && !raw && text[p + 1] != '\0')
        {
          char e = text[p + 1];

          p += 2;
          switch (e)
            {
            case 'n': g_string_append_c (value, '\n'); break;
            case 't': g_string_append_c (value, '\t'); break;
            case 'r': g_string_append_c (value, '\r'); break;
            case 'b': g_string_append_c (value, '\b'); break;
            case '0': g_string_append_c (value, '\0'); break;
            case 'Z': g_string_append_c (value, '\032'); break;
            case '%': g_string_append (value, "\\%"); break;
            case '_': g_string_append (value, "\\_"); break;
            case 'u':
              {
                char hex[5] = { 0 };
                guint k;

                for (k = 0; k < 4 && g_ascii_isxdigit (text[p + k]); k++)
                  hex[k] = text[p + k];
                if (k == 4)
                  {
                    append_unichar (value, (gunichar) strtoul (hex, NULL, 16));
                    p += 4;
                  }
                else
                  g_string_append_c (value, 'u');
              }
              break;
            default:
              g_string_append_c (value, e);
              break;
            }
          continue;
        }
      g_string_append_c (value, c);
      p++;
    }
}

static const char * const operators[] = {
  "<=>", ">>>", "<=", ">=", "<>", "!=", "==", "||", "&&", "::", "->", "=>", "<<", ">>",
};

typedef struct
{
  char  c;
  guint index;
} Open;

static void
add_token (GArray     *tokens,
           TokKind     kind,
           gsize       start,
           gsize       end,
           char       *value)
{
  Token token = { 0 };

  token.kind = kind;
  token.start = (guint) start;
  token.end = (guint) end;
  token.value = value;
  token.match = -1;
  g_array_append_val (tokens, token);
}

/* An identifier: keeps its folded form and word classes, so that keyword tests
 * later are a string comparison or a bit test. */
static void
add_ident (GArray     *tokens,
           const char *text,
           gsize       start,
           gsize       end)
{
  Token *token;
  const char *interned;
  char *value = g_strndup (text + start, end - start);
  guint words = classify_word (value, end - start, &interned);

  add_token (tokens, TOK_IDENT, start, end, value);
  token = &g_array_index (tokens, Token, tokens->len - 1);
  token->words = words;
  if (interned != NULL)
    token->folded = interned;
  else
    {
      const char *p = value;

      while (*p != '\0' && fold (*p) == *p)
        p++;
      if (*p == '\0')
        token->folded = value;
      else
        {
          token->folded = g_ascii_strdown (value, -1);
          token->owns_folded = TRUE;
        }
    }
}

/* Operators' values are constants: one string per punctuation byte, and operators[]. */
static char *
op_value (guchar c)
{
  static const char singles[128][2] = {
#define S(n) { n, 0 }
#define S8(n) S (n), S (n + 1), S (n + 2), S (n + 3), S (n + 4), S (n + 5), S (n + 6), S (n + 7)
    S8 (0), S8 (8), S8 (16), S8 (24), S8 (32), S8 (40), S8 (48), S8 (56),
    S8 (64), S8 (72), S8 (80), S8 (88), S8 (96), S8 (104), S8 (112), S8 (120),
#undef S8
#undef S
  };

  g_assert (c < 128);
  return (char *) singles[c];
}

static gboolean
prev_ends_name (GArray *tokens)
{
  Token *prev;

  if (tokens->len == 0)
    return FALSE;
  prev = &g_array_index (tokens, Token, tokens->len - 1);
  return prev->kind == TOK_IDENT || prev->kind == TOK_QIDENT ||
         (prev->kind == TOK_OP && (strcmp (prev->value, ")") == 0 || strcmp (prev->value, "]") == 0));
}

/* Scans a number at @p; returns its end, filling @token's literal fields. */
static gsize
scan_number (const char *text,
             gsize       p,
             Token      *token)
{
  gsize q;

  while (g_ascii_isdigit (text[p]))
    p++;
  if (text[p] == '.')
    {
      token->has_dot = TRUE;
      p++;
      while (g_ascii_isdigit (text[p]))
        p++;
    }
  if ((text[p] == 'e' || text[p] == 'E'))
    {
      q = p + 1;
      if (text[q] == '+' || text[q] == '-')
        q++;
      if (g_ascii_isdigit (text[q]))
        {
          token->has_exp = TRUE;
          p = q;
          while (g_ascii_isdigit (text[p]))
            p++;
        }
    }

  token->num_kind = token->has_exp ? NUM_DOUBLE : token->has_dot ? NUM_DECIMAL : NUM_INT;

  if (g_ascii_tolower (text[p]) == 'b' && g_ascii_tolower (text[p + 1]) == 'd' &&
      !is_ident_char (text[p + 2]))
    {
      token->num_kind = NUM_BIG_DECIMAL;
      return p + 2;
    }

  if (text[p] != '\0' && !is_ident_char (text[p + 1]))
    {
      switch (g_ascii_tolower (text[p]))
        {
        case 'l': token->num_kind = NUM_LONG; return p + 1;
        case 's': token->num_kind = NUM_SHORT; return p + 1;
        case 'y': token->num_kind = NUM_BYTE; return p + 1;
        case 'd': token->num_kind = NUM_DOUBLE; return p + 1;
        case 'f': token->num_kind = NUM_FLOAT; return p + 1;
        default: break;
        }
    }

  return p;
}

static GArray *
tokenize (const char  *text,
          GError     **error)
{
  /* About one token in four bytes of a typical expression: grown once or not at all. */
  g_autoptr(GArray) tokens = g_array_sized_new (FALSE, TRUE, sizeof (Token), strlen (text) / 4 + 8);
  g_autoptr(GArray) opens = g_array_new (FALSE, FALSE, sizeof (Open));
  gsize p = 0;

  g_array_set_clear_func (tokens, token_clear);

  for (;;)
    {
      guchar c = (guchar) text[p];
      gsize start = p;

      if (c == '\0')
        break;

      if (g_ascii_isspace (c))
        {
          p++;
          continue;
        }

      if (c == '-' && text[p + 1] == '-')
        {
          while (text[p] != '\0' && text[p] != '\n')
            p++;
          continue;
        }

      if (c == '/' && text[p + 1] == '*')
        {
          guint depth = 1;

          /* Spark nests bracketed comments. */
          p += 2;
          while (depth > 0)
            {
              if (text[p] == '\0')
                {
                  set_syntax_error (error, (guint) start, _("Unterminated comment"));
                  return NULL;
                }
              if (text[p] == '/' && text[p + 1] == '*')
                depth++, p += 2;
              else if (text[p] == '*' && text[p + 1] == '/')
                depth--, p += 2;
              else
                p++;
            }
          continue;
        }

      if (c == '\'' || c == '"' ||
          ((c == 'x' || c == 'X' || c == 'r' || c == 'R') &&
           (text[p + 1] == '\'' || text[p + 1] == '"')))
        {
          GString *value = g_string_new (NULL);
          gboolean prefixed = c != '\'' && c != '"';
          gboolean raw = c == 'r' || c == 'R';
          gsize end = scan_string (text, prefixed ? p + 1 : p, raw, value, error);

          if (end == 0)
            {
              g_string_free (value, TRUE);
              return NULL;
            }
          add_token (tokens, TOK_STRING, start, end, g_string_free (value, FALSE));
          g_array_index (tokens, Token, tokens->len - 1).binary = prefixed && !raw;
          p = end;
          continue;
        }

      if (c == '`')
        {
          GString *value = g_string_new (NULL);

          p++;
          for (;;)
            {
              if (text[p] == '\0')
                {
                  g_string_free (value, TRUE);
                  set_syntax_error (error, (guint) start, _("Unterminated quoted name"));
                  return NULL;
                }
              if (text[p] == '`')
                {
                  if (text[p + 1] == '`')
                    {
                      g_string_append_c (value, '`');
                      p += 2;
                      continue;
                    }
                  p++;
                  break;
                }
              g_string_append_c (value, text[p]);
              p++;
            }
          add_token (tokens, TOK_QIDENT, start, p, g_string_free (value, FALSE));
          g_array_index (tokens, Token, tokens->len - 1).words =
            word_classes (g_array_index (tokens, Token, tokens->len - 1).value);
          continue;
        }

      if (g_ascii_isdigit (c) || (c == '.' && g_ascii_isdigit (text[p + 1]) && !prev_ends_name (tokens)))
        {
          Token probe = { 0 };
          gsize end = scan_number (text, p, &probe);

          if (is_ident_char (text[end]) && !probe.has_dot && !probe.has_exp)
            {
              /* Spark reads 1a or 2nd_col as a name. */
              while (is_ident_char (text[end]))
                end++;
              add_ident (tokens, text, start, end);
            }
          else
            {
              add_token (tokens, TOK_NUMBER, start, end, g_strndup (text + start, end - start));
              g_array_index (tokens, Token, tokens->len - 1).num_kind = probe.num_kind;
              g_array_index (tokens, Token, tokens->len - 1).has_dot = probe.has_dot;
              g_array_index (tokens, Token, tokens->len - 1).has_exp = probe.has_exp;
            }
          p = end;
          continue;
        }

      if (is_ident_start (c))
        {
          while (is_ident_char (text[p]))
            p++;
          add_ident (tokens, text, start, p);
          continue;
        }

      /* Punctuation */
      {
        gsize len = 1;
        char *value = op_value (c);

        /* Only these bytes start an operator of more than one. */
        if (strchr ("<>!=|&:-", c) != NULL && text[p + 1] != '\0')
          for (guint i = 0; i < G_N_ELEMENTS (operators); i++)
            {
              gsize n = strlen (operators[i]);

              if (operators[i][0] == (char) c && strncmp (text + p, operators[i], n) == 0)
                {
                  len = n;
                  value = (char *) operators[i];
                  break;
                }
            }

        add_token (tokens, TOK_OP, start, p + len, value);
        g_array_index (tokens, Token, tokens->len - 1).static_value = TRUE;
        p += len;

        if (c == '(' || c == '[')
          {
            Open open = { (char) c, tokens->len - 1 };

            g_array_append_val (opens, open);
          }
        else if (c == ')' || c == ']')
          {
            Open *open;

            if (opens->len == 0)
              {
                set_syntax_error (error, (guint) start,
                                  c == ')' ? _("Unbalanced “)”") : _("Unbalanced “]”"));
                return NULL;
              }
            open = &g_array_index (opens, Open, opens->len - 1);
            if ((open->c == '(') != (c == ')'))
              {
                set_syntax_error (error, (guint) start,
                                  c == ')' ? _("“)” closes a “[”") : _("“]” closes a “(”"));
                return NULL;
              }
            g_array_index (tokens, Token, open->index).match = (int) tokens->len - 1;
            g_array_index (tokens, Token, tokens->len - 1).match = (int) open->index;
            g_array_set_size (opens, opens->len - 1);
          }
      }
    }

  if (opens->len > 0)
    {
      Open *open = &g_array_index (opens, Open, opens->len - 1);

      set_syntax_error (error, g_array_index (tokens, Token, open->index).start,
                        open->c == '(' ? _("Unclosed “(”") : _("Unclosed “[”"));
      return NULL;
    }

  add_token (tokens, TOK_EOF, p, p, (char *) "");
  g_array_index (tokens, Token, tokens->len - 1).static_value = TRUE;
  return g_steal_pointer (&tokens);
}

/* Token helpers; the EOF token makes every look-ahead in range. */

static inline Token *
tok (GArray *tokens,
     guint   i)
{
  return &g_array_index (tokens, Token, MIN (i, tokens->len - 1));
}

static gboolean
tok_is_op (const Token *t,
           const char  *op)
{
  return t->kind == TOK_OP && t->value[0] == op[0] && strcmp (t->value, op) == 0;
}

static gboolean
tok_is_word (const Token *t,
             const char  *word)
{
  /* @word is always written in lower case. */
  return t->kind == TOK_IDENT && t->folded[0] == word[0] && strcmp (t->folded, word) == 0;
}

static gboolean
tok_is_name (const Token *t)
{
  return t->kind == TOK_IDENT || t->kind == TOK_QIDENT;
}

static gboolean
tok_is_keyword (const Token *t)
{
  return t->kind == TOK_IDENT && (t->words & W_KEYWORD);
}

static gboolean
tok_starts_query (const Token *t)
{
  return tok_is_word (t, "select") || tok_is_word (t, "with") || tok_is_word (t, "values") ||
         tok_is_word (t, "from") || tok_is_word (t, "table");
}

static gboolean
tok_is_comparison (const Token *t)
{
  static const char * const ops[] = { "=", "==", "<=>", "!=", "<>", "<", "<=", ">", ">=" };

  if (t->kind != TOK_OP)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (strcmp (t->value, ops[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Index just past an INTERVAL literal whose first token is @i. */
static guint
skip_interval (GArray *tokens,
               guint   i)
{
  gboolean first = TRUE;

  for (;;)
    {
      guint j = i;

      if (tok_is_op (tok (tokens, j), "-") || tok_is_op (tok (tokens, j), "+"))
        j++;
      if (tok (tokens, j)->kind != TOK_NUMBER && tok (tokens, j)->kind != TOK_STRING)
        return i;
      j++;
      if (tok (tokens, j)->kind == TOK_IDENT && (tok (tokens, j)->words & W_UNIT))
        {
          while (tok (tokens, j)->kind == TOK_IDENT && (tok (tokens, j)->words & W_UNIT))
            j++;
        }
      else if (!first || tok (tokens, j - 1)->kind != TOK_STRING)
        return i;
      i = j;
      first = FALSE;
    }
}

/* Index of the last token of a type written after ::, or @i - 1. */
static guint
skip_type (GArray *tokens,
           guint   i)
{
  int angle = 0;

  if (!tok_is_name (tok (tokens, i)))
    return i - 1;
  i++;
  if (tok_is_op (tok (tokens, i), "(") && tok (tokens, i)->match >= 0)
    return (guint) tok (tokens, i)->match;
  if (!tok_is_op (tok (tokens, i), "<"))
    return i - 1;

  for (; tok (tokens, i)->kind != TOK_EOF; i++)
    {
      Token *t = tok (tokens, i);

      if (t->kind != TOK_OP)
        continue;
      for (const char *c = t->value; *c; c++)
        {
          if (*c == '<')
            angle++;
          else if (*c == '>')
            angle--;
        }
      if (angle <= 0)
        return i;
    }
  return i - 1;
}

/* Reference scan */

typedef enum
{
  FRAME_GROUP,
  FRAME_CALL,
  FRAME_CAST,
} FrameKind;

typedef struct
{
  FrameKind kind;
  guint     open;   /* token index of the bracket */
} Frame;

typedef struct
{
  char  *name;
  guint  depth;
} LambdaVar;

static void
lambda_var_clear (gpointer data)
{
  LambdaVar *var = data;

  g_free (var->name);
}

static void
ref_free (gpointer data)
{
  FlintExprRef *ref = data;

  g_strfreev (ref->parts);
  g_free (ref);
}

static gboolean
is_lambda_var (GArray     *vars,
               const char *name)
{
  for (guint i = 0; i < vars->len; i++)
    if (g_ascii_strcasecmp (g_array_index (vars, LambdaVar, i).name, name) == 0)
      return TRUE;
  return FALSE;
}

static void
push_lambda_var (GArray     *vars,
                 const char *name,
                 guint       depth)
{
  LambdaVar var = { g_strdup (name), depth };

  g_array_append_val (vars, var);
}

static void
pop_lambda_vars (GArray   *vars,
                 guint     depth,
                 gboolean  deeper_too)
{
  while (vars->len > 0)
    {
      LambdaVar *var = &g_array_index (vars, LambdaVar, vars->len - 1);

      if (var->depth == depth || (deeper_too && var->depth > depth))
        g_array_set_size (vars, vars->len - 1);
      else
        break;
    }
}

/* If (a, b) -> starts at the "(" at @i, returns the index of the "->", else 0. */
static guint
lambda_params_end (GArray *tokens,
                   guint   i)
{
  guint j = i + 1;

  if (tok (tokens, i)->match < 0 || !tok_is_op (tok (tokens, (guint) tok (tokens, i)->match + 1), "->"))
    return 0;
  for (;;)
    {
      if (!tok_is_name (tok (tokens, j)))
        return 0;
      j++;
      if (tok_is_op (tok (tokens, j), ","))
        {
          j++;
          continue;
        }
      if (tok_is_op (tok (tokens, j), ")"))
        return j + 1;
      return 0;
    }
}

/* Whether the call whose "(" is at @open is followed by OVER: a window, not an aggregate. */
static gboolean
call_is_windowed (GArray *tokens,
                  guint   open)
{
  guint j = (guint) tok (tokens, open)->match + 1;

  if (tok_is_word (tok (tokens, j), "within") && tok_is_word (tok (tokens, j + 1), "group") &&
      tok_is_op (tok (tokens, j + 2), "(") && tok (tokens, j + 2)->match >= 0)
    j = (guint) tok (tokens, j + 2)->match + 1;
  if ((tok_is_word (tok (tokens, j), "ignore") || tok_is_word (tok (tokens, j), "respect")) &&
      tok_is_word (tok (tokens, j + 1), "nulls"))
    j += 2;
  if (tok_is_word (tok (tokens, j), "filter") && tok_is_op (tok (tokens, j + 1), "(") &&
      tok (tokens, j + 1)->match >= 0)
    j = (guint) tok (tokens, j + 1)->match + 1;
  return tok_is_word (tok (tokens, j), "over");
}

static char *
chain_name (GArray *tokens,
            guint   first,
            guint   last)
{
  GString *name;

  if (first == last && tok (tokens, first)->folded != NULL)
    return g_strdup (tok (tokens, first)->folded);

  name = g_string_new (NULL);
  for (guint k = first; k <= last; k += 2)
    {
      g_autofree char *lower = g_ascii_strdown (tok (tokens, k)->value, -1);

      if (k > first)
        g_string_append_c (name, '.');
      g_string_append (name, lower);
    }
  return g_string_free (name, FALSE);
}

/* Skips a subscript or call's trailing field accesses: f(x).a.b, a[0].b. */
static guint
skip_field_access (GArray *tokens,
                   guint   i)
{
  while (tok_is_op (tok (tokens, i + 1), ".") &&
         (tok_is_name (tok (tokens, i + 2)) || tok_is_op (tok (tokens, i + 2), "*")))
    i += 2;
  return i;
}

static void
scan_references (FlintExpr *self)
{
  GArray *tokens = self->tokens;
  g_autoptr(GArray) frames = g_array_new (FALSE, FALSE, sizeof (Frame));
  g_autoptr(GArray) vars = g_array_new (FALSE, FALSE, sizeof (LambdaVar));
  gboolean after_operand = FALSE;
  guint i = 0;

  g_array_set_clear_func (vars, lambda_var_clear);

  while (tok (tokens, i)->kind != TOK_EOF)
    {
      Token *t = tok (tokens, i);

      switch (t->kind)
        {
        case TOK_STRING:
        case TOK_NUMBER:
          after_operand = TRUE;
          i++;
          break;

        case TOK_OP:
          if (tok_is_op (t, "("))
            {
              guint arrow;

              if (tok_starts_query (tok (tokens, i + 1)) && t->match >= 0)
                {
                  /* A subquery reads its own tables. */
                  i = (guint) t->match + 1;
                  after_operand = TRUE;
                  break;
                }
              if ((arrow = lambda_params_end (tokens, i)) > 0)
                {
                  for (guint k = i + 1; k < arrow; k += 2)
                    push_lambda_var (vars, tok (tokens, k)->value, frames->len);
                  i = arrow + 1;
                  after_operand = FALSE;
                  break;
                }
              {
                Frame frame = { FRAME_GROUP, i };

                g_array_append_val (frames, frame);
              }
              after_operand = FALSE;
              i++;
            }
          else if (tok_is_op (t, "["))
            {
              Frame frame = { FRAME_GROUP, i };

              g_array_append_val (frames, frame);
              after_operand = FALSE;
              i++;
            }
          else if (tok_is_op (t, ")") || tok_is_op (t, "]"))
            {
              pop_lambda_vars (vars, frames->len, TRUE);
              if (frames->len > 0)
                g_array_set_size (frames, frames->len - 1);
              i = skip_field_access (tokens, i) + 1;
              after_operand = TRUE;
            }
          else if (tok_is_op (t, ","))
            {
              pop_lambda_vars (vars, frames->len, FALSE);
              after_operand = FALSE;
              i++;
            }
          else if (tok_is_op (t, "::"))
            {
              i = skip_type (tokens, i + 1) + 1;
              after_operand = TRUE;
            }
          else if (tok_is_op (t, ":") && tok_is_name (tok (tokens, i + 1)))
            {
              /* A JSON path (col:a.b) or a named parameter marker. */
              i = skip_field_access (tokens, i + 1) + 1;
              after_operand = TRUE;
            }
          else if (tok_is_op (t, "*"))
            {
              after_operand = !after_operand;
              i++;
            }
          else
            {
              after_operand = FALSE;
              i++;
            }
          break;

        case TOK_IDENT:
        case TOK_QIDENT:
          {
            guint j = i;
            Token *next;
            gboolean single;

            while (tok_is_op (tok (tokens, j + 1), ".") && tok_is_name (tok (tokens, j + 2)))
              j += 2;
            next = tok (tokens, j + 1);
            single = i == j && t->kind == TOK_IDENT;

            if (tok_is_op (next, ".") && tok_is_op (tok (tokens, j + 2), "*"))
              {
                i = j + 3;   /* t.* */
                after_operand = TRUE;
                break;
              }

            if (single &&
                (tok_is_word (t, "date") || tok_is_word (t, "timestamp") ||
                 tok_is_word (t, "timestamp_ltz") || tok_is_word (t, "timestamp_ntz")) &&
                next->kind == TOK_STRING)
              {
                i += 2;
                after_operand = TRUE;
                break;
              }

            if (single && tok_is_keyword (t))
              {
                gboolean call = FALSE;

                if (tok_is_op (next, "(") && (t->words & W_KEYWORD_FUNCTION))
                  {
                    call = TRUE;
                    if (tok_is_word (t, "filter") && i > 0 && tok_is_op (tok (tokens, i - 1), ")"))
                      call = FALSE;
                    if ((tok_is_word (t, "any") || tok_is_word (t, "some") || tok_is_word (t, "all")) &&
                        i > 0 && (tok_is_comparison (tok (tokens, i - 1)) ||
                                  tok_is_word (tok (tokens, i - 1), "like") ||
                                  tok_is_word (tok (tokens, i - 1), "ilike") ||
                                  tok_is_word (tok (tokens, i - 1), "rlike")))
                      call = FALSE;
                  }

                if (!call)
                  {
                    if (tok_is_word (t, "interval"))
                      {
                        i = skip_interval (tokens, i + 1);
                        after_operand = TRUE;
                      }
                    else if (tok_is_word (t, "as"))
                      {
                        Frame *top = frames->len ? &g_array_index (frames, Frame, frames->len - 1) : NULL;

                        if (top != NULL && top->kind == FRAME_CAST && tok (tokens, top->open)->match >= 0)
                          i = (guint) tok (tokens, top->open)->match;   /* the type, up to ")" */
                        else if (tok_is_op (next, "(") && next->match >= 0)
                          i = (guint) next->match + 1;   /* AS (a, b) */
                        else if (tok_is_name (next))
                          i += 2;                        /* an alias */
                        else
                          i++;
                        after_operand = TRUE;
                      }
                    else if (tok_is_word (t, "over"))
                      {
                        /* OVER w names a window; OVER (...) holds references. */
                        i += tok_is_name (next) ? 2 : 1;
                        after_operand = FALSE;
                      }
                    else if (tok_is_word (t, "collate"))
                      {
                        i += tok_is_name (next) ? 2 : 1;
                        after_operand = TRUE;
                      }
                    else if (tok_is_word (t, "is"))
                      {
                        guint k = i + 1;

                        if (tok_is_word (tok (tokens, k), "not"))
                          k++;
                        if (tok_is_word (tok (tokens, k), "unknown"))
                          k++;
                        i = k;
                        after_operand = TRUE;
                      }
                    else
                      {
                        after_operand = tok_is_word (t, "null") || tok_is_word (t, "true") ||
                                        tok_is_word (t, "false") || tok_is_word (t, "end") ||
                                        tok_is_word (t, "row") || tok_is_word (t, "preceding") ||
                                        tok_is_word (t, "following") || tok_is_word (t, "asc") ||
                                        tok_is_word (t, "desc") || tok_is_word (t, "first") ||
                                        tok_is_word (t, "last") ||
                                        tok_is_word (t, "current_date") ||
                                        tok_is_word (t, "current_timestamp") ||
                                        tok_is_word (t, "current_user") ||
                                        tok_is_word (t, "session_user");
                        i++;
                      }
                    break;
                  }
              }

            if (tok_is_op (next, "("))
              {
                char *name = chain_name (tokens, i, j);
                guint open = j + 1;
                gboolean unit_call;

                g_ptr_array_add (self->functions, name);

                if (tok_starts_query (tok (tokens, open + 1)) && next->match >= 0)
                  {
                    i = (guint) next->match + 1;   /* EXISTS (SELECT ...) */
                    after_operand = TRUE;
                    break;
                  }

                if (i == j && (t->words & W_AGGREGATE) && next->match >= 0 &&
                    !call_is_windowed (tokens, open))
                  self->has_aggregate = TRUE;

                {
                  Frame frame = { FRAME_CALL, open };

                  if (strcmp (name, "cast") == 0 || strcmp (name, "try_cast") == 0)
                    frame.kind = FRAME_CAST;
                  g_array_append_val (frames, frame);
                }

                i = open + 1;
                after_operand = FALSE;
                unit_call = i == j ? (t->words & W_UNIT_FUNCTION) != 0 : WORD_IS (name, W_UNIT_FUNCTION);

                /* extract(YEAR FROM d), timestampadd(MONTH, 1, ts): the unit is no column. */
                if (unit_call && tok (tokens, i)->kind == TOK_IDENT &&
                    (tok_is_word (tok (tokens, i + 1), "from") || tok_is_op (tok (tokens, i + 1), ",")) &&
                    (strcmp (name, "extract") == 0 || (tok (tokens, i)->words & W_UNIT)))
                  i++;
                break;
              }

            if (i == j && tok_is_op (next, "->"))
              {
                push_lambda_var (vars, t->value, frames->len);
                i += 2;
                after_operand = FALSE;
                break;
              }

            if (i == j && tok_is_op (next, "=>"))
              {
                i += 2;   /* a named argument */
                after_operand = FALSE;
                break;
              }

            if (after_operand || is_lambda_var (vars, t->value))
              {
                /* An alias without AS, or a lambda variable and its fields. */
                i = j + 1;
                after_operand = TRUE;
                break;
              }

            {
              FlintExprRef *ref = g_new0 (FlintExprRef, 1);
              GPtrArray *parts = g_ptr_array_new ();

              for (guint k = i; k <= j; k += 2)
                g_ptr_array_add (parts, g_strdup (tok (tokens, k)->value));
              g_ptr_array_add (parts, NULL);
              ref->parts = (char **) g_ptr_array_free (parts, FALSE);
              ref->offset = t->start;
              ref->length = tok (tokens, j)->end - t->start;
              g_ptr_array_add (self->references, ref);
            }
            i = j + 1;
            after_operand = TRUE;
          }
          break;

        case TOK_EOF:
        default:
          i++;
          break;
        }
    }
}

/**
 * flint_expr_parse:
 * @text: a Spark SQL expression
 * @error: a #FLINT_EXPR_ERROR, whose message carries the byte offset
 *
 * Returns: (transfer full) (nullable): the scanned expression
 */
FlintExpr *
flint_expr_parse (const char  *text,
                  GError     **error)
{
  FlintExpr *self;
  GArray *tokens;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(tokens = tokenize (text, error)))
    return NULL;

  if (tokens->len == 1)
    {
      g_array_unref (tokens);
      g_set_error_literal (error, FLINT_EXPR_ERROR, FLINT_EXPR_ERROR_EMPTY,
                           _("The expression is empty"));
      return NULL;
    }

  self = g_new0 (FlintExpr, 1);
  self->text = g_strdup (text);
  self->tokens = tokens;
  self->references = g_ptr_array_new_with_free_func (ref_free);
  self->functions = g_ptr_array_new_with_free_func (g_free);

  scan_references (self);

  return self;
}

void
flint_expr_free (FlintExpr *self)
{
  if (self == NULL)
    return;

  g_free (self->text);
  g_array_unref (self->tokens);
  g_ptr_array_unref (self->references);
  g_ptr_array_unref (self->functions);
  g_free (self);
}

const char *
flint_expr_get_text (FlintExpr *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->text;
}

/* Returns: (transfer none) (element-type FlintExprRef): the references, in order */
GPtrArray *
flint_expr_get_references (FlintExpr *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->references;
}

gboolean
flint_expr_has_aggregate (FlintExpr *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->has_aggregate;
}

/* Returns: (transfer none) (element-type utf8): lower-case function names, in order */
GPtrArray *
flint_expr_get_functions (FlintExpr *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->functions;
}

/* Scopes */

static void
qualifier_clear (gpointer data)
{
  Qualifier *q = data;

  g_clear_pointer (&q->name, g_free);
  g_clear_pointer (&q->schema, flint_schema_unref);
}

/* One empty schema for every scope: a scope is made for each expression checked, and
 * nothing writes to this one (too small to ever get a lookup index). */
static FlintSchema *
empty_schema (void)
{
  static FlintSchema *empty;

  if (g_once_init_enter (&empty))
    g_once_init_leave (&empty, flint_schema_new ());
  return empty;
}

/**
 * flint_expr_scope_new:
 * @schema: (nullable): the unqualified schema; %NULL when unknown
 */
FlintExprScope *
flint_expr_scope_new (FlintSchema *schema)
{
  FlintExprScope *self = g_new0 (FlintExprScope, 1);

  self->schema = schema ? flint_schema_ref (schema) : NULL;
  /* Created here, not lazily, so that checking never writes to a shared scope. */
  self->empty = flint_schema_ref (empty_schema ());
  return self;
}

/**
 * flint_expr_scope_add:
 * @schema: (nullable): what @qualifier reaches; %NULL when unknown
 *
 * Adds or replaces a qualifier (matched ignoring case).
 */
void
flint_expr_scope_add (FlintExprScope *self,
                      const char     *qualifier,
                      FlintSchema    *schema)
{
  Qualifier q;

  g_return_if_fail (self != NULL);
  g_return_if_fail (qualifier != NULL);

  if (self->qualifiers == NULL)
    {
      self->qualifiers = g_array_new (FALSE, TRUE, sizeof (Qualifier));
      g_array_set_clear_func (self->qualifiers, qualifier_clear);
    }

  for (guint i = 0; i < self->qualifiers->len; i++)
    {
      Qualifier *old = &g_array_index (self->qualifiers, Qualifier, i);

      if (g_ascii_strcasecmp (old->name, qualifier) == 0)
        {
          g_clear_pointer (&old->schema, flint_schema_unref);
          old->schema = schema ? flint_schema_ref (schema) : NULL;
          return;
        }
    }

  q.name = g_strdup (qualifier);
  q.schema = schema ? flint_schema_ref (schema) : NULL;
  g_array_append_val (self->qualifiers, q);
}

void
flint_expr_scope_free (FlintExprScope *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->schema, flint_schema_unref);
  g_clear_pointer (&self->empty, flint_schema_unref);
  g_clear_pointer (&self->qualifiers, g_array_unref);
  g_free (self);
}

static Qualifier *
find_qualifier (FlintExprScope *scope,
                const char     *name)
{
  for (guint i = 0; scope->qualifiers != NULL && i < scope->qualifiers->len; i++)
    {
      Qualifier *q = &g_array_index (scope->qualifiers, Qualifier, i);

      if (g_ascii_strcasecmp (q->name, name) == 0)
        return q;
    }
  return NULL;
}

/* Resolves @parts. On success, *type is the (borrowed or owned in *owned) type, or NULL
 * when unknown. On failure, *missing is the index of the part not found and
 * *candidates the names at that level. */
static gboolean
resolve_parts (FlintExprScope   *scope,
               char            **parts,
               FlintDataType   **owned,
               guint            *missing,
               FlintSchema     **candidates)
{
  guint n = g_strv_length (parts);
  FlintSchema *schema = scope->schema;
  const FlintColumn *column;
  g_autoptr(FlintDataType) type = NULL;
  guint k = 0;

  *owned = NULL;
  if (n == 0)
    return TRUE;

  if (n >= 2)
    {
      Qualifier *q = find_qualifier (scope, parts[0]);

      if (q != NULL && !(scope->schema != NULL && flint_schema_lookup (scope->schema, parts[0])))
        {
          schema = q->schema;
          k = 1;
        }
    }

  if (schema == NULL)
    return TRUE;

  if (!(column = flint_schema_lookup (schema, parts[k])))
    {
      *missing = k;
      *candidates = schema;
      return FALSE;
    }

  type = column->type ? flint_data_type_ref (column->type) : NULL;

  for (k = k + 1; k < n; k++)
    {
      FlintDataType *inner = type;
      guint arrays = 0;

      if (type == NULL)
        return TRUE;

      while (flint_data_type_get_kind (inner) == FLINT_TYPE_KIND_ARRAY)
        {
          inner = flint_data_type_get_element (inner);
          arrays++;
        }

      switch (flint_data_type_get_kind (inner))
        {
        case FLINT_TYPE_KIND_STRUCT:
          {
            FlintSchema *fields = flint_data_type_get_fields (inner);
            const FlintColumn *field = flint_schema_lookup (fields, parts[k]);
            FlintDataType *field_type;

            if (field == NULL)
              {
                *missing = k;
                *candidates = fields;
                return FALSE;
              }
            field_type = field->type ? flint_data_type_ref (field->type) : NULL;
            /* A field of an array of structs is an array of that field. */
            for (guint a = 0; a < arrays && field_type != NULL; a++)
              {
                FlintDataType *wrapped = flint_data_type_new_array (field_type);

                flint_data_type_unref (field_type);
                field_type = wrapped;
              }
            g_clear_pointer (&type, flint_data_type_unref);
            type = field_type;
          }
          break;

        case FLINT_TYPE_KIND_MAP:
          {
            FlintDataType *value = arrays == 0 ? flint_data_type_get_value (inner) : NULL;

            value = value ? flint_data_type_ref (value) : NULL;
            g_clear_pointer (&type, flint_data_type_unref);
            type = value;
          }
          break;

        case FLINT_TYPE_KIND_NULL:
          g_clear_pointer (&type, flint_data_type_unref);
          return TRUE;

        case FLINT_TYPE_KIND_BOOLEAN:
        case FLINT_TYPE_KIND_BYTE:
        case FLINT_TYPE_KIND_SHORT:
        case FLINT_TYPE_KIND_INT:
        case FLINT_TYPE_KIND_LONG:
        case FLINT_TYPE_KIND_FLOAT:
        case FLINT_TYPE_KIND_DOUBLE:
        case FLINT_TYPE_KIND_DECIMAL:
        case FLINT_TYPE_KIND_STRING:
        case FLINT_TYPE_KIND_BINARY:
        case FLINT_TYPE_KIND_DATE:
        case FLINT_TYPE_KIND_TIMESTAMP:
        case FLINT_TYPE_KIND_TIMESTAMP_NTZ:
        case FLINT_TYPE_KIND_ARRAY:
        default:
          /* An atomic value has no fields. */
          *missing = k;
          *candidates = scope->empty;
          return FALSE;
        }
    }

  *owned = g_steal_pointer (&type);
  return TRUE;
}

/**
 * flint_expr_check:
 * @func: (scope call) (nullable): called for each reference that does not resolve
 *
 * Returns: how many references do not resolve in @scope
 */
guint
flint_expr_check (FlintExpr            *self,
                  FlintExprScope       *scope,
                  FlintExprMissingFunc  func,
                  gpointer              user_data)
{
  guint n_missing = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (scope != NULL, 0);

  for (guint i = 0; i < self->references->len; i++)
    {
      const FlintExprRef *ref = g_ptr_array_index (self->references, i);
      g_autoptr(FlintDataType) type = NULL;
      FlintSchema *candidates = NULL;
      guint missing = 0;

      if (resolve_parts (scope, ref->parts, &type, &missing, &candidates))
        continue;

      n_missing++;
      if (func != NULL)
        func (ref, ref->parts[missing], candidates, user_data);
    }

  return n_missing;
}

/* Type inference */

typedef struct
{
  GArray         *tokens;
  const char     *text;
  FlintExprScope *scope;
  guint           pos;
  guint           depth;
  gboolean        failed;
  GArray         *vars;   /* LambdaVar */
} Infer;

typedef FlintDataType Type;

static Type *infer_expr (Infer *in);

static Token *
peek (Infer *in)
{
  return tok (in->tokens, in->pos);
}

static Token *
peek_at (Infer *in,
         guint  ahead)
{
  return tok (in->tokens, in->pos + ahead);
}

static gboolean
accept_op (Infer      *in,
           const char *op)
{
  if (tok_is_op (peek (in), op))
    {
      in->pos++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
accept_word (Infer      *in,
             const char *word)
{
  if (tok_is_word (peek (in), word))
    {
      in->pos++;
      return TRUE;
    }
  return FALSE;
}

static void
expect_op (Infer      *in,
           const char *op)
{
  if (!accept_op (in, op))
    in->failed = TRUE;
}

/* Argument lists hold NULL for unknown types. */
static void
type_unref0 (gpointer type)
{
  if (type != NULL)
    flint_data_type_unref (type);
}

static Type *
type_new (FlintTypeKind kind)
{
  return flint_data_type_new (kind);
}

static gboolean
is_kind (const Type    *type,
         FlintTypeKind  kind)
{
  return type != NULL && flint_data_type_get_kind (type) == kind;
}

static gboolean
is_numeric (const Type *type)
{
  return type != NULL && flint_data_type_is_numeric (type);
}

static gboolean
is_integral (const Type *type)
{
  return type != NULL && flint_data_type_is_integral (type);
}

static gboolean
is_floating (const Type *type)
{
  return is_kind (type, FLINT_TYPE_KIND_FLOAT) || is_kind (type, FLINT_TYPE_KIND_DOUBLE);
}

static Type *
ref_or_null (Type *type)
{
  return type ? flint_data_type_ref (type) : NULL;
}

/* Skips the balanced group whose opening bracket is at the cursor. */
static void
skip_group (Infer *in)
{
  Token *t = peek (in);

  if (t->match < 0)
    {
      in->failed = TRUE;
      in->pos++;
      return;
    }
  in->pos = (guint) t->match + 1;
}

static gboolean
decimal_digits (const char *text,
                guint      *precision,
                guint      *scale)
{
  guint digits = 0;
  guint after_dot = 0;
  gboolean dot = FALSE;
  gboolean leading = TRUE;

  for (const char *p = text; *p; p++)
    {
      if (*p == '.')
        {
          dot = TRUE;
          continue;
        }
      if (!g_ascii_isdigit (*p))
        break;
      if (dot)
        after_dot++;
      if (leading && *p == '0')
        continue;
      leading = FALSE;
      digits++;
    }

  /* Java's BigDecimal: precision counts the digits of the unscaled value. */
  *scale = after_dot;
  *precision = MAX (MAX (digits, 1), after_dot);
  return *precision <= 38;
}

static Type *
number_type (const Token *t)
{
  guint precision, scale;

  switch ((NumKind) t->num_kind)
    {
    case NUM_INT:
      {
        const char *p = t->value;
        gsize len;

        while (*p == '0' && p[1] != '\0')
          p++;
        len = strlen (p);
        if (len < 10 || (len == 10 && strcmp (p, "2147483647") <= 0))
          return type_new (FLINT_TYPE_KIND_INT);
        if (len < 19 || (len == 19 && strcmp (p, "9223372036854775807") <= 0))
          return type_new (FLINT_TYPE_KIND_LONG);
        if (len <= 38)
          return flint_data_type_new_decimal ((guint) len, 0);
        return NULL;
      }
    case NUM_LONG:
      return type_new (FLINT_TYPE_KIND_LONG);
    case NUM_SHORT:
      return type_new (FLINT_TYPE_KIND_SHORT);
    case NUM_BYTE:
      return type_new (FLINT_TYPE_KIND_BYTE);
    case NUM_FLOAT:
      return type_new (FLINT_TYPE_KIND_FLOAT);
    case NUM_DOUBLE:
      return type_new (FLINT_TYPE_KIND_DOUBLE);
    case NUM_DECIMAL:
    case NUM_BIG_DECIMAL:
      if (t->has_exp)
        return NULL;
      if (!decimal_digits (t->value, &precision, &scale))
        return NULL;
      return flint_data_type_new_decimal (precision, scale);
    default:
      return NULL;
    }
}

static Type *
cast_type (Infer *in,
           guint  first,
           guint  last)
{
  guint start, end;
  g_autofree char *text = NULL;

  if (last < first)
    return NULL;
  start = tok (in->tokens, first)->start;
  end = tok (in->tokens, last)->end;
  text = g_strndup (in->text + start, end - start);
  return flint_data_type_parse (text, NULL);
}

static FlintDataType *
common_of (Type **types,
           guint  n)
{
  g_autoptr(FlintDataType) result = NULL;

  if (n == 0)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      FlintDataType *next;

      if (types[i] == NULL)
        return NULL;
      if (result == NULL)
        {
          result = flint_data_type_ref (types[i]);
          continue;
        }
      if (!(next = flint_data_type_common (result, types[i])))
        return NULL;
      flint_data_type_unref (result);
      result = next;
    }
  /* A result of only NULLs has no certain type. */
  if (is_kind (result, FLINT_TYPE_KIND_NULL))
    return NULL;
  return g_steal_pointer (&result);
}

static Type *
string_like (Type *arg)
{
  if (arg == NULL || is_kind (arg, FLINT_TYPE_KIND_BINARY))
    return ref_or_null (arg);
  if (flint_data_type_is_atomic (arg) || is_kind (arg, FLINT_TYPE_KIND_NULL))
    return type_new (FLINT_TYPE_KIND_STRING);
  return NULL;
}

/* The result type of calling @name on @args, where Spark makes it certain. */
static Type *
function_type (const char  *name,
               Type       **args,
               guint        n_args)
{
  Type *first = n_args > 0 ? args[0] : NULL;
  guint classes = word_classes (name);

  if (classes & W_RETURNS_STRING)
    return type_new (FLINT_TYPE_KIND_STRING);
  if (classes & W_RETURNS_INT)
    return type_new (FLINT_TYPE_KIND_INT);
  if (classes & W_RETURNS_LONG)
    return type_new (FLINT_TYPE_KIND_LONG);
  if (classes & W_RETURNS_DOUBLE)
    return type_new (FLINT_TYPE_KIND_DOUBLE);
  if (classes & W_RETURNS_BOOLEAN)
    return type_new (FLINT_TYPE_KIND_BOOLEAN);
  if (classes & W_RETURNS_DATE)
    return type_new (FLINT_TYPE_KIND_DATE);
  if (classes & W_RETURNS_TIMESTAMP)
    return type_new (FLINT_TYPE_KIND_TIMESTAMP);
  if (classes & W_RETURNS_FIRST)
    return ref_or_null (first);
  if (classes & W_RETURNS_COMMON)
    return common_of (args, n_args);

  if (strcmp (name, "float") == 0 || strcmp (name, "real") == 0)
    return type_new (FLINT_TYPE_KIND_FLOAT);
  if (strcmp (name, "smallint") == 0)
    return type_new (FLINT_TYPE_KIND_SHORT);
  if (strcmp (name, "tinyint") == 0)
    return type_new (FLINT_TYPE_KIND_BYTE);
  if (strcmp (name, "binary") == 0 || strcmp (name, "unbase64") == 0 || strcmp (name, "unhex") == 0)
    return type_new (FLINT_TYPE_KIND_BINARY);
  if (strcmp (name, "decimal") == 0 && n_args == 1)
    return flint_data_type_new_decimal (10, 0);

  if (strcmp (name, "sum") == 0 || strcmp (name, "try_sum") == 0)
    {
      if (is_integral (first))
        return type_new (FLINT_TYPE_KIND_LONG);
      if (is_floating (first))
        return type_new (FLINT_TYPE_KIND_DOUBLE);
      if (is_kind (first, FLINT_TYPE_KIND_DECIMAL))
        return flint_data_type_new_decimal (MIN (38, flint_data_type_get_precision (first) + 10),
                                            flint_data_type_get_scale (first));
      return NULL;
    }
  if (strcmp (name, "avg") == 0 || strcmp (name, "mean") == 0 || strcmp (name, "try_avg") == 0)
    return is_integral (first) || is_floating (first) ? type_new (FLINT_TYPE_KIND_DOUBLE) : NULL;

  if (strcmp (name, "abs") == 0 || strcmp (name, "negative") == 0 || strcmp (name, "positive") == 0)
    return is_numeric (first) ? flint_data_type_ref (first) : NULL;
  if (strcmp (name, "round") == 0 || strcmp (name, "bround") == 0)
    return is_integral (first) || is_floating (first) ? flint_data_type_ref (first) : NULL;
  if (strcmp (name, "ceil") == 0 || strcmp (name, "ceiling") == 0 || strcmp (name, "floor") == 0)
    return (is_integral (first) || is_floating (first)) && n_args == 1 ?
           type_new (FLINT_TYPE_KIND_LONG) : NULL;

  if (strcmp (name, "if") == 0 || strcmp (name, "iff") == 0)
    return n_args == 3 ? common_of (args + 1, 2) : NULL;
  if (strcmp (name, "nvl2") == 0)
    return n_args == 3 ? common_of (args + 1, 2) : NULL;

  if (strcmp (name, "substring") == 0 || strcmp (name, "substr") == 0 ||
      strcmp (name, "left") == 0 || strcmp (name, "right") == 0 ||
      strcmp (name, "lpad") == 0 || strcmp (name, "rpad") == 0)
    return string_like (first);

  if (strcmp (name, "concat") == 0)
    {
      gboolean all_strings = n_args > 0;

      for (guint i = 0; i < n_args; i++)
        if (args[i] == NULL || !(flint_data_type_is_atomic (args[i]) || is_kind (args[i], FLINT_TYPE_KIND_NULL)) ||
            is_kind (args[i], FLINT_TYPE_KIND_BINARY))
          all_strings = FALSE;
      if (all_strings)
        return type_new (FLINT_TYPE_KIND_STRING);
      if (n_args > 0 && is_kind (first, FLINT_TYPE_KIND_ARRAY))
        return common_of (args, n_args);
      return NULL;
    }

  if (strcmp (name, "split") == 0 && n_args >= 2)
    {
      g_autoptr(FlintDataType) element = type_new (FLINT_TYPE_KIND_STRING);

      return flint_data_type_new_array (element);
    }
  if ((strcmp (name, "window") == 0 || strcmp (name, "session_window") == 0) && n_args >= 2 &&
      (is_kind (first, FLINT_TYPE_KIND_TIMESTAMP) || is_kind (first, FLINT_TYPE_KIND_TIMESTAMP_NTZ)))
    {
      /* struct<start, end> of the time column's type, as Spark's TimeWindow gives it. */
      g_autoptr(FlintSchema) fields = flint_schema_new ();

      flint_schema_append (fields, "start", first, TRUE);
      flint_schema_append (fields, "end", first, TRUE);
      return flint_data_type_new_struct (fields);
    }

  if (strcmp (name, "array") == 0)
    {
      g_autoptr(FlintDataType) element = common_of (args, n_args);

      return element ? flint_data_type_new_array (element) : NULL;
    }
  if (strcmp (name, "collect_list") == 0 || strcmp (name, "collect_set") == 0 ||
      strcmp (name, "array_agg") == 0)
    return first && n_args == 1 ? flint_data_type_new_array (first) : NULL;
  if (strcmp (name, "element_at") == 0 || strcmp (name, "try_element_at") == 0)
    {
      if (is_kind (first, FLINT_TYPE_KIND_ARRAY))
        return ref_or_null (flint_data_type_get_element (first));
      if (is_kind (first, FLINT_TYPE_KIND_MAP))
        return ref_or_null (flint_data_type_get_value (first));
      return NULL;
    }
  if (strcmp (name, "array_distinct") == 0 || strcmp (name, "array_sort") == 0 ||
      strcmp (name, "sort_array") == 0 || strcmp (name, "filter") == 0 ||
      strcmp (name, "array_compact") == 0 || strcmp (name, "shuffle") == 0 ||
      strcmp (name, "slice") == 0)
    return is_kind (first, FLINT_TYPE_KIND_ARRAY) ? flint_data_type_ref (first) : NULL;
  if (strcmp (name, "explode_outer") == 0 || strcmp (name, "explode") == 0)
    return is_kind (first, FLINT_TYPE_KIND_ARRAY) ?
           ref_or_null (flint_data_type_get_element (first)) : NULL;
  if (strcmp (name, "map_keys") == 0)
    return is_kind (first, FLINT_TYPE_KIND_MAP) ?
           flint_data_type_new_array (flint_data_type_get_key (first)) : NULL;
  if (strcmp (name, "map_values") == 0)
    return is_kind (first, FLINT_TYPE_KIND_MAP) ?
           flint_data_type_new_array (flint_data_type_get_value (first)) : NULL;

  return NULL;
}

static gboolean
lambda_var_here (Infer      *in,
                 const char *name)
{
  return is_lambda_var (in->vars, name);
}

/* Parses (...) args of a call at the cursor ("(" included). */
static GPtrArray *
infer_args (Infer *in)
{
  GPtrArray *args = g_ptr_array_new_with_free_func (type_unref0);
  guint close;

  if (peek (in)->match < 0)
    {
      in->failed = TRUE;
      return args;
    }
  close = (guint) peek (in)->match;
  in->pos++;

  if (in->pos == close)
    {
      in->pos++;
      return args;
    }

  /* count(DISTINCT x), sum(ALL x) */
  if (!accept_word (in, "distinct"))
    accept_word (in, "all");

  for (;;)
    {
      Type *arg;

      if (tok_is_name (peek (in)) && tok_is_op (peek_at (in, 1), "=>"))
        in->pos += 2;
      arg = infer_expr (in);
      g_ptr_array_add (args, arg);
      if (in->failed)
        break;
      if (accept_op (in, ","))
        continue;
      break;
    }

  if (in->failed || in->pos != close)
    {
      in->failed = FALSE;
      /* FROM, IN, FOR ... inside the call: a special form; the arguments are unknown. */
      g_ptr_array_set_size (args, 0);
      g_ptr_array_add (args, NULL);
    }
  in->pos = close + 1;
  return args;
}

/* After a call: WITHIN GROUP (...), IGNORE NULLS, FILTER (...), OVER ... */
static gboolean
skip_call_suffix (Infer *in)
{
  gboolean windowed = FALSE;

  if (tok_is_word (peek (in), "within") && tok_is_word (peek_at (in, 1), "group"))
    {
      in->pos += 2;
      skip_group (in);
    }
  if ((tok_is_word (peek (in), "ignore") || tok_is_word (peek (in), "respect")) &&
      tok_is_word (peek_at (in, 1), "nulls"))
    in->pos += 2;
  if (tok_is_word (peek (in), "filter") && tok_is_op (peek_at (in, 1), "("))
    {
      in->pos++;
      skip_group (in);
    }
  if (accept_word (in, "over"))
    {
      windowed = TRUE;
      if (tok_is_op (peek (in), "("))
        skip_group (in);
      else if (tok_is_name (peek (in)))
        in->pos++;
      else
        in->failed = TRUE;
    }
  return windowed;
}

static Type *
infer_call (Infer      *in,
            const char *name)
{
  g_autoptr(GPtrArray) args = NULL;
  Type *result;

  if (strcmp (name, "cast") == 0 || strcmp (name, "try_cast") == 0)
    {
      guint close = (guint) peek (in)->match;
      g_autoptr(FlintDataType) value = NULL;
      guint as_pos;

      if (peek (in)->match < 0)
        {
          in->failed = TRUE;
          return NULL;
        }
      in->pos++;
      value = infer_expr (in);
      as_pos = in->pos;
      if (in->failed || !tok_is_word (tok (in->tokens, as_pos), "as"))
        {
          in->failed = TRUE;
          return NULL;
        }
      in->pos = close + 1;
      return cast_type (in, as_pos + 1, close - 1);
    }

  args = infer_args (in);
  skip_call_suffix (in);
  if (in->failed)
    return NULL;

  result = function_type (name, (Type **) args->pdata, args->len);
  return result;
}

static Type *
infer_case (Infer *in)
{
  g_autoptr(GPtrArray) branches = g_ptr_array_new_with_free_func (type_unref0);
  g_autoptr(FlintDataType) operand = NULL;

  if (!tok_is_word (peek (in), "when"))
    operand = infer_expr (in);

  while (accept_word (in, "when") && !in->failed)
    {
      g_autoptr(FlintDataType) condition = infer_expr (in);

      if (!accept_word (in, "then"))
        {
          in->failed = TRUE;
          return NULL;
        }
      g_ptr_array_add (branches, infer_expr (in));
    }
  if (accept_word (in, "else"))
    g_ptr_array_add (branches, infer_expr (in));
  if (!accept_word (in, "end") || branches->len == 0)
    {
      in->failed = TRUE;
      return NULL;
    }

  return common_of ((Type **) branches->pdata, branches->len);
}

static Type *
infer_primary (Infer *in)
{
  Token *t = peek (in);

  switch (t->kind)
    {
    case TOK_NUMBER:
      in->pos++;
      return number_type (t);

    case TOK_STRING:
      {
        gboolean binary = t->binary;

        while (peek (in)->kind == TOK_STRING)
          in->pos++;
        return type_new (binary ? FLINT_TYPE_KIND_BINARY : FLINT_TYPE_KIND_STRING);
      }

    case TOK_OP:
      if (tok_is_op (t, "("))
        {
          g_autoptr(FlintDataType) inner = NULL;
          guint arrow;

          if (tok_starts_query (peek_at (in, 1)))
            {
              skip_group (in);
              return NULL;
            }
          if ((arrow = lambda_params_end (in->tokens, in->pos)) > 0)
            {
              guint base = in->vars->len;

              for (guint k = in->pos + 1; k < arrow; k += 2)
                push_lambda_var (in->vars, tok (in->tokens, k)->value, 0);
              in->pos = arrow + 1;
              g_clear_pointer (&inner, flint_data_type_unref);
              inner = infer_expr (in);
              g_array_set_size (in->vars, base);
              return NULL;
            }
          in->pos++;
          inner = infer_expr (in);
          if (accept_op (in, ","))
            {
              /* (a, b) is a struct; its field names are not certain here. */
              while (!in->failed && !tok_is_op (peek (in), ")") && peek (in)->kind != TOK_EOF)
                {
                  g_autoptr(FlintDataType) more = infer_expr (in);

                  if (!accept_op (in, ","))
                    break;
                }
              expect_op (in, ")");
              return NULL;
            }
          expect_op (in, ")");
          return g_steal_pointer (&inner);
        }
      if (tok_is_op (t, "*"))
        {
          in->pos++;
          return NULL;
        }
      in->failed = TRUE;
      return NULL;

    case TOK_IDENT:
    case TOK_QIDENT:
      {
        guint j = in->pos;
        Token *next;
        gboolean single;

        while (tok_is_op (tok (in->tokens, j + 1), ".") && tok_is_name (tok (in->tokens, j + 2)))
          j += 2;
        next = tok (in->tokens, j + 1);
        single = j == in->pos && t->kind == TOK_IDENT;

        if (single)
          {
            if (tok_is_word (t, "null"))
              {
                in->pos++;
                return type_new (FLINT_TYPE_KIND_NULL);
              }
            if (tok_is_word (t, "true") || tok_is_word (t, "false"))
              {
                in->pos++;
                return type_new (FLINT_TYPE_KIND_BOOLEAN);
              }
            if (tok_is_word (t, "case"))
              {
                in->pos++;
                return infer_case (in);
              }
            if (tok_is_word (t, "interval"))
              {
                guint end = skip_interval (in->tokens, in->pos + 1);

                if (end == in->pos + 1)
                  in->failed = TRUE;
                in->pos = end;
                return NULL;
              }
            if (next->kind == TOK_STRING)
              {
                FlintTypeKind kind;

                if (tok_is_word (t, "date"))
                  kind = FLINT_TYPE_KIND_DATE;
                else if (tok_is_word (t, "timestamp") || tok_is_word (t, "timestamp_ltz"))
                  kind = FLINT_TYPE_KIND_TIMESTAMP;
                else if (tok_is_word (t, "timestamp_ntz"))
                  kind = FLINT_TYPE_KIND_TIMESTAMP_NTZ;
                else
                  {
                    in->failed = TRUE;
                    return NULL;
                  }
                in->pos += 2;
                return type_new (kind);
              }
            if (tok_is_op (next, "->"))
              {
                guint base = in->vars->len;
                g_autoptr(FlintDataType) body = NULL;

                push_lambda_var (in->vars, t->value, 0);
                in->pos += 2;
                body = infer_expr (in);
                g_array_set_size (in->vars, base);
                return NULL;
              }
            if (!tok_is_op (next, "(") &&
                (tok_is_word (t, "current_date") || tok_is_word (t, "current_timestamp")) &&
                !(in->scope->schema && flint_schema_lookup (in->scope->schema, t->value)))
              {
                in->pos++;
                return type_new (tok_is_word (t, "current_date") ? FLINT_TYPE_KIND_DATE
                                                                 : FLINT_TYPE_KIND_TIMESTAMP);
              }
            if (tok_is_keyword (t) && !tok_is_op (next, "("))
              {
                in->failed = TRUE;
                return NULL;
              }
          }

        if (tok_is_op (next, "("))
          {
            g_autofree char *name = chain_name (in->tokens, in->pos, j);

            in->pos = j + 1;
            if (tok_starts_query (peek_at (in, 1)))
              {
                skip_group (in);
                return g_ascii_strcasecmp (name, "exists") == 0 ? type_new (FLINT_TYPE_KIND_BOOLEAN) : NULL;
              }
            if (strchr (name, '.') != NULL)
              {
                /* A qualified function is a user's: its type is not known. */
                g_autoptr(GPtrArray) args = infer_args (in);

                skip_call_suffix (in);
                return NULL;
              }
            return infer_call (in, name);
          }

        {
          g_autofree char **parts = NULL;
          g_autoptr(FlintDataType) type = NULL;
          FlintSchema *candidates = NULL;
          guint missing = 0;
          guint n = 0;

          if (lambda_var_here (in, t->value))
            {
              in->pos = j + 1;
              return NULL;
            }

          parts = g_new0 (char *, (j - in->pos) / 2 + 2);
          for (guint k = in->pos; k <= j; k += 2)
            parts[n++] = tok (in->tokens, k)->value;
          in->pos = j + 1;
          if (!resolve_parts (in->scope, parts, &type, &missing, &candidates))
            return NULL;
          return g_steal_pointer (&type);
        }
      }

    case TOK_EOF:
    default:
      in->failed = TRUE;
      return NULL;
    }
}

static Type *
infer_postfix (Infer *in)
{
  Type *type = infer_primary (in);

  while (!in->failed)
    {
      if (tok_is_op (peek (in), "["))
        {
          guint close = (guint) peek (in)->match;
          g_autoptr(FlintDataType) index = NULL;
          Type *element = NULL;

          in->pos++;
          index = infer_expr (in);
          if (in->pos != close)
            in->failed = TRUE;
          in->pos = close + 1;
          if (is_kind (type, FLINT_TYPE_KIND_ARRAY))
            element = ref_or_null (flint_data_type_get_element (type));
          else if (is_kind (type, FLINT_TYPE_KIND_MAP))
            element = ref_or_null (flint_data_type_get_value (type));
          g_clear_pointer (&type, flint_data_type_unref);
          type = element;
        }
      else if (tok_is_op (peek (in), ".") && tok_is_name (peek_at (in, 1)))
        {
          Type *field_type = NULL;

          if (is_kind (type, FLINT_TYPE_KIND_STRUCT))
            {
              const FlintColumn *field = flint_schema_lookup (flint_data_type_get_fields (type),
                                                              peek_at (in, 1)->value);

              if (field != NULL)
                field_type = ref_or_null (field->type);
            }
          in->pos += 2;
          g_clear_pointer (&type, flint_data_type_unref);
          type = field_type;
        }
      else if (tok_is_op (peek (in), "::"))
        {
          guint last = skip_type (in->tokens, in->pos + 1);

          g_clear_pointer (&type, flint_data_type_unref);
          if (last < in->pos + 1)
            {
              in->failed = TRUE;
              break;
            }
          type = cast_type (in, in->pos + 1, last);
          in->pos = last + 1;
        }
      else if (tok_is_word (peek (in), "collate") && tok_is_name (peek_at (in, 1)))
        in->pos += 2;
      else
        break;
    }

  return type;
}

static Type *
infer_unary (Infer *in)
{
  Type *operand;

  if (in->depth > MAX_INFER_DEPTH)
    {
      in->failed = TRUE;
      return NULL;
    }

  if (tok_is_op (peek (in), "-") || tok_is_op (peek (in), "+") || tok_is_op (peek (in), "~") ||
      tok_is_op (peek (in), "!"))
    {
      gboolean not = tok_is_op (peek (in), "!");
      gboolean bitwise = tok_is_op (peek (in), "~");

      in->pos++;
      in->depth++;
      operand = infer_unary (in);
      in->depth--;
      if (not)
        {
          g_clear_pointer (&operand, flint_data_type_unref);
          return type_new (FLINT_TYPE_KIND_BOOLEAN);
        }
      if (bitwise ? !is_integral (operand) : !is_numeric (operand))
        g_clear_pointer (&operand, flint_data_type_unref);
      return operand;
    }

  return infer_postfix (in);
}

/* Spark's DecimalPrecision result for + - * / when it needs no precision loss.
 * Only for two decimals: Spark narrows integral literals to their own digits
 * (spark.sql.legacy.literal.pickMinimumPrecision), which a type cannot tell. */
static Type *
decimal_arithmetic (const char *op,
                    Type       *a,
                    Type       *b)
{
  guint p1, s1, p2, s2, p, s;

  if (!is_kind (a, FLINT_TYPE_KIND_DECIMAL) || !is_kind (b, FLINT_TYPE_KIND_DECIMAL))
    return NULL;

  p1 = flint_data_type_get_precision (a);
  s1 = flint_data_type_get_scale (a);
  p2 = flint_data_type_get_precision (b);
  s2 = flint_data_type_get_scale (b);

  if (strcmp (op, "+") == 0 || strcmp (op, "-") == 0)
    {
      s = MAX (s1, s2);
      p = s + MAX (p1 - s1, p2 - s2) + 1;
    }
  else if (strcmp (op, "*") == 0)
    {
      s = s1 + s2;
      p = p1 + p2 + 1;
    }
  else if (strcmp (op, "/") == 0)
    {
      s = MAX (6, s1 + p2 + 1);
      p = p1 - s1 + s2 + s;
    }
  else
    return NULL;

  /* Past 38 digits Spark's result depends on allowPrecisionLoss: not certain. */
  if (p > 38)
    return NULL;
  return flint_data_type_new_decimal (p, s);
}

static Type *
arithmetic (const char *op,
            Type       *a,
            Type       *b)
{
  /* A NULL literal takes the other side's type. */
  if (is_kind (a, FLINT_TYPE_KIND_NULL) && is_numeric (b))
    a = b;
  if (is_kind (b, FLINT_TYPE_KIND_NULL) && is_numeric (a))
    b = a;

  if (strcmp (op, "||") == 0)
    {
      if (a == NULL || b == NULL)
        return NULL;
      if (is_kind (a, FLINT_TYPE_KIND_ARRAY) && is_kind (b, FLINT_TYPE_KIND_ARRAY))
        return flint_data_type_common (a, b);
      if (is_kind (a, FLINT_TYPE_KIND_BINARY) && is_kind (b, FLINT_TYPE_KIND_BINARY))
        return type_new (FLINT_TYPE_KIND_BINARY);
      if ((flint_data_type_is_atomic (a) || is_kind (a, FLINT_TYPE_KIND_NULL)) &&
          (flint_data_type_is_atomic (b) || is_kind (b, FLINT_TYPE_KIND_NULL)) &&
          !is_kind (a, FLINT_TYPE_KIND_BINARY) && !is_kind (b, FLINT_TYPE_KIND_BINARY))
        return type_new (FLINT_TYPE_KIND_STRING);
      return NULL;
    }

  if (!is_numeric (a) || !is_numeric (b))
    {
      /* date + int and date - int are date_add and date_sub. */
      if ((strcmp (op, "+") == 0 || strcmp (op, "-") == 0) && is_kind (a, FLINT_TYPE_KIND_DATE) &&
          (is_kind (b, FLINT_TYPE_KIND_INT) || is_kind (b, FLINT_TYPE_KIND_SHORT) ||
           is_kind (b, FLINT_TYPE_KIND_BYTE)))
        return type_new (FLINT_TYPE_KIND_DATE);
      return NULL;
    }

  if (strcmp (op, "div") == 0)
    return is_integral (a) && is_integral (b) ? type_new (FLINT_TYPE_KIND_LONG) : NULL;

  if (strcmp (op, "&") == 0 || strcmp (op, "|") == 0 || strcmp (op, "^") == 0)
    return is_integral (a) && is_integral (b) ? flint_data_type_common (a, b) : NULL;

  if (strcmp (op, "<<") == 0 || strcmp (op, ">>") == 0 || strcmp (op, ">>>") == 0)
    return is_kind (a, FLINT_TYPE_KIND_INT) || is_kind (a, FLINT_TYPE_KIND_LONG) ?
           flint_data_type_ref (a) : NULL;

  if (is_floating (a) || is_floating (b))
    {
      if (is_kind (a, FLINT_TYPE_KIND_DECIMAL) || is_kind (b, FLINT_TYPE_KIND_DECIMAL) ||
          strcmp (op, "/") == 0)
        return type_new (FLINT_TYPE_KIND_DOUBLE);
      return flint_data_type_common (a, b);
    }

  if (is_kind (a, FLINT_TYPE_KIND_DECIMAL) || is_kind (b, FLINT_TYPE_KIND_DECIMAL))
    return decimal_arithmetic (op, a, b);

  /* Both integral. */
  if (strcmp (op, "/") == 0)
    return type_new (FLINT_TYPE_KIND_DOUBLE);
  return flint_data_type_common (a, b);
}

typedef struct
{
  const char *op;
  guint       level;
} BinaryOp;

/* Spark's precedence, tightest last; comparisons are handled by the predicate level. */
static const BinaryOp binary_ops[] = {
  { "|", 1 },
  { "^", 2 },
  { "&", 3 },
  { "<<", 4 }, { ">>", 4 }, { ">>>", 4 },
  { "+", 5 }, { "-", 5 }, { "||", 5 },
  { "*", 6 }, { "/", 6 }, { "%", 6 },
};

static const BinaryOp *
peek_binary (Infer *in)
{
  Token *t = peek (in);
  static const BinaryOp div_op = { "div", 6 };

  if (tok_is_word (t, "div"))
    return &div_op;
  if (t->kind != TOK_OP)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (binary_ops); i++)
    if (strcmp (t->value, binary_ops[i].op) == 0)
      return &binary_ops[i];
  return NULL;
}

static Type *
infer_binary (Infer *in,
              guint  min_level)
{
  Type *left = infer_unary (in);

  while (!in->failed)
    {
      const BinaryOp *op = peek_binary (in);
      Type *right;
      Type *result;

      if (op == NULL || op->level < min_level)
        break;
      in->pos++;
      right = infer_binary (in, op->level + 1);
      result = in->failed ? NULL : arithmetic (op->op, left, right);
      g_clear_pointer (&left, flint_data_type_unref);
      g_clear_pointer (&right, flint_data_type_unref);
      left = result;
    }

  return left;
}

static Type *
boolean_result (Type *discard)
{
  g_clear_pointer (&discard, flint_data_type_unref);
  return type_new (FLINT_TYPE_KIND_BOOLEAN);
}

static Type *
infer_predicate (Infer *in)
{
  Type *left = infer_binary (in, 1);

  while (!in->failed)
    {
      Token *t = peek (in);
      gboolean negated = FALSE;

      if (tok_is_comparison (t))
        {
          g_autoptr(FlintDataType) right = NULL;

          in->pos++;
          if ((accept_word (in, "any") || accept_word (in, "some") || accept_word (in, "all")) &&
              tok_is_op (peek (in), "("))
            skip_group (in);
          else
            right = infer_binary (in, 1);
          left = boolean_result (left);
          continue;
        }

      if (tok_is_word (t, "is"))
        {
          in->pos++;
          accept_word (in, "not");
          if (accept_word (in, "distinct"))
            {
              g_autoptr(FlintDataType) right = NULL;

              if (!accept_word (in, "from"))
                in->failed = TRUE;
              right = infer_binary (in, 1);
            }
          else if (!(accept_word (in, "null") || accept_word (in, "true") ||
                     accept_word (in, "false") || accept_word (in, "unknown")))
            in->failed = TRUE;
          left = boolean_result (left);
          continue;
        }

      if (tok_is_word (t, "not") &&
          (tok_is_word (peek_at (in, 1), "in") || tok_is_word (peek_at (in, 1), "between") ||
           tok_is_word (peek_at (in, 1), "like") || tok_is_word (peek_at (in, 1), "ilike") ||
           tok_is_word (peek_at (in, 1), "rlike") || tok_is_word (peek_at (in, 1), "regexp")))
        {
          negated = TRUE;
          in->pos++;
          t = peek (in);
        }

      if (tok_is_word (t, "in"))
        {
          in->pos++;
          if (tok_is_op (peek (in), "("))
            skip_group (in);
          else
            in->failed = TRUE;
          left = boolean_result (left);
          continue;
        }

      if (tok_is_word (t, "between"))
        {
          g_autoptr(FlintDataType) low = NULL;
          g_autoptr(FlintDataType) high = NULL;

          in->pos++;
          low = infer_binary (in, 1);
          if (!accept_word (in, "and"))
            in->failed = TRUE;
          high = infer_binary (in, 1);
          left = boolean_result (left);
          continue;
        }

      if (tok_is_word (t, "like") || tok_is_word (t, "ilike") || tok_is_word (t, "rlike") ||
          tok_is_word (t, "regexp"))
        {
          in->pos++;
          if ((accept_word (in, "any") || accept_word (in, "some") || accept_word (in, "all")) &&
              tok_is_op (peek (in), "("))
            skip_group (in);
          else
            {
              g_autoptr(FlintDataType) pattern = infer_binary (in, 1);
            }
          if (accept_word (in, "escape"))
            {
              if (peek (in)->kind == TOK_STRING)
                in->pos++;
              else
                in->failed = TRUE;
            }
          left = boolean_result (left);
          continue;
        }

      if (negated)
        in->failed = TRUE;
      break;
    }

  return left;
}

static Type *
infer_not (Infer *in)
{
  if (in->depth > MAX_INFER_DEPTH)
    {
      in->failed = TRUE;
      return NULL;
    }

  if (tok_is_word (peek (in), "not"))
    {
      Type *operand;

      in->pos++;
      in->depth++;
      operand = infer_not (in);
      in->depth--;
      return boolean_result (operand);
    }
  return infer_predicate (in);
}

static Type *
infer_expr (Infer *in)
{
  Type *left;

  if (in->depth > MAX_INFER_DEPTH)
    {
      in->failed = TRUE;
      return NULL;
    }

  in->depth++;
  left = infer_not (in);
  while (!in->failed && (tok_is_word (peek (in), "and") || tok_is_word (peek (in), "or") ||
                         tok_is_op (peek (in), "&&")))
    {
      g_autoptr(FlintDataType) right = NULL;

      in->pos++;
      right = infer_not (in);
      left = boolean_result (left);
    }
  in->depth--;

  return left;
}

/**
 * flint_expr_infer_type:
 * @scope: (nullable): what columns resolve against; %NULL when unknown
 *
 * Returns: (transfer full) (nullable): the result type, or %NULL when not certain
 */
FlintDataType *
flint_expr_infer_type (FlintExpr      *self,
                       FlintExprScope *scope)
{
  g_autoptr(FlintExprScope) unknown_scope = NULL;
  g_autoptr(GArray) vars = g_array_new (FALSE, FALSE, sizeof (LambdaVar));
  g_autoptr(FlintDataType) type = NULL;
  Infer in = { 0 };

  g_return_val_if_fail (self != NULL, NULL);

  if (scope == NULL)
    scope = unknown_scope = flint_expr_scope_new (NULL);

  g_array_set_clear_func (vars, lambda_var_clear);
  in.tokens = self->tokens;
  in.text = self->text;
  in.scope = scope;
  in.vars = vars;

  type = infer_expr (&in);
  if (in.failed)
    return NULL;

  /* A trailing alias or sort direction does not change the type. */
  if (accept_word (&in, "as"))
    {
      if (tok_is_op (peek (&in), "("))
        skip_group (&in);
      else if (tok_is_name (peek (&in)))
        in.pos++;
    }
  else if (tok_is_name (peek (&in)) && !tok_is_keyword (peek (&in)))
    in.pos++;
  if (!accept_word (&in, "asc"))
    accept_word (&in, "desc");
  if (accept_word (&in, "nulls") && !(accept_word (&in, "first") || accept_word (&in, "last")))
    return NULL;

  if (in.failed || peek (&in)->kind != TOK_EOF)
    return NULL;

  return g_steal_pointer (&type);
}

/* Tables a query reads */

typedef struct
{
  gboolean is_call;
  gboolean in_from;
  gboolean expect_table;
} QueryFrame;

static gboolean
tok_ends_from (const Token *t)
{

  return t->kind == TOK_IDENT && (t->words & W_FROM_ENDER);
}

static void
collect_cte_names (GArray     *tokens,
                   GHashTable *ctes)
{
  for (guint i = 0; tok (tokens, i)->kind != TOK_EOF; i++)
    {
      guint j;

      if (!tok_is_word (tok (tokens, i), "with"))
        continue;

      j = i + 1;
      if (tok_is_word (tok (tokens, j), "recursive"))
        j++;
      while (tok_is_name (tok (tokens, j)))
        {
          g_hash_table_add (ctes, g_ascii_strdown (tok (tokens, j)->value, -1));
          j++;
          /* Column aliases: t (a, b) AS (...) */
          if (tok_is_op (tok (tokens, j), "(") && !tok_starts_query (tok (tokens, j + 1)) &&
              tok (tokens, j)->match >= 0)
            j = (guint) tok (tokens, j)->match + 1;
          if (tok_is_word (tok (tokens, j), "as"))
            j++;
          if (!tok_is_op (tok (tokens, j), "(") || tok (tokens, j)->match < 0)
            break;
          j = (guint) tok (tokens, j)->match + 1;
          if (!tok_is_op (tok (tokens, j), ","))
            break;
          j++;
        }
    }
}

static gboolean
is_plain_name (const char *name)
{
  if (!(g_ascii_isalpha (*name) || *name == '_'))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

/**
 * flint_sql_get_tables:
 * @query: a whole SQL query
 * @error: a #FLINT_EXPR_ERROR when @query does not tokenize
 *
 * Returns: (transfer full) (element-type utf8): the names after FROM and JOIN,
 *   dotted names whole, without CTE names or duplicates, in order
 */
GPtrArray *
flint_sql_get_tables (const char  *query,
                      GError     **error)
{
  g_autoptr(GArray) tokens = NULL;
  g_autoptr(GHashTable) ctes = NULL;
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GArray) frames = NULL;
  GPtrArray *tables;
  QueryFrame top = { FALSE, FALSE, FALSE };

  g_return_val_if_fail (query != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(tokens = tokenize (query, error)))
    return NULL;

  ctes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  frames = g_array_new (FALSE, FALSE, sizeof (QueryFrame));
  g_array_append_val (frames, top);
  tables = g_ptr_array_new_with_free_func (g_free);

  collect_cte_names (tokens, ctes);

  for (guint i = 0; tok (tokens, i)->kind != TOK_EOF; i++)
    {
      Token *t = tok (tokens, i);
      QueryFrame *frame = &g_array_index (frames, QueryFrame, frames->len - 1);
      gboolean expect = frame->expect_table;

      frame->expect_table = FALSE;

      if (tok_is_op (t, "("))
        {
          QueryFrame inner = { FALSE, FALSE, FALSE };
          Token *prev = i > 0 ? tok (tokens, i - 1) : NULL;

          inner.is_call = prev != NULL && tok_is_name (prev) && !tok_is_keyword (prev) &&
                          !tok_starts_query (tok (tokens, i + 1));
          g_array_append_val (frames, inner);
          continue;
        }
      if (tok_is_op (t, ")"))
        {
          if (frames->len > 1)
            g_array_set_size (frames, frames->len - 1);
          continue;
        }

      if (frame->is_call)
        continue;

      if (tok_is_word (t, "from") && !(i > 0 && tok_is_word (tok (tokens, i - 1), "distinct")))
        {
          frame->in_from = TRUE;
          frame->expect_table = TRUE;
          continue;
        }
      if (tok_is_word (t, "join"))
        {
          frame->in_from = TRUE;
          frame->expect_table = TRUE;
          continue;
        }
      if (tok_is_op (t, ",") && frame->in_from)
        {
          frame->expect_table = TRUE;
          continue;
        }
      if (tok_ends_from (t))
        {
          frame->in_from = FALSE;
          continue;
        }

      if (expect && tok_is_name (t) && !(t->kind == TOK_IDENT && tok_starts_query (t)))
        {
          guint j = i;
          GString *name = g_string_new (NULL);
          g_autofree char *key = NULL;

          if (tok_is_word (t, "lateral") || tok_is_word (t, "unnest"))
            {
              g_string_free (name, TRUE);
              continue;
            }

          while (tok_is_op (tok (tokens, j + 1), ".") && tok_is_name (tok (tokens, j + 2)))
            j += 2;

          if (tok_is_op (tok (tokens, j + 1), "("))
            {
              /* A table-valued function: range(10), read_files('...') */
              g_string_free (name, TRUE);
              i = j;
              continue;
            }

          for (guint k = i; k <= j; k += 2)
            {
              const char *part = tok (tokens, k)->value;

              if (k > i)
                g_string_append_c (name, '.');
              if (is_plain_name (part))
                g_string_append (name, part);
              else
                {
                  g_string_append_c (name, '`');
                  for (const char *p = part; *p; p++)
                    {
                      if (*p == '`')
                        g_string_append_c (name, '`');
                      g_string_append_c (name, *p);
                    }
                  g_string_append_c (name, '`');
                }
            }

          key = g_ascii_strdown (name->str, -1);
          if ((i == j && g_hash_table_contains (ctes, key)) || g_hash_table_contains (seen, key))
            g_string_free (name, TRUE);
          else
            {
              g_hash_table_add (seen, g_steal_pointer (&key));
              g_ptr_array_add (tables, g_string_free (name, FALSE));
            }
          i = j;
        }
    }

  return tables;
}
