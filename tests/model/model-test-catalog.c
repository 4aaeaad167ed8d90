/* model-test-catalog.c: the small catalog the history and pipeline tests build with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "model-test-catalog.h"

/* A small catalog of our own, so that these tests do not follow the built-in one. */
static const char test_catalog_json[] =
  "{\"flint_catalog\": 1, \"kinds\": ["
  " {\"id\": \"source.csv\", \"category\": \"source\", \"title\": \"CSV\","
  "  \"description\": \"Reads CSV files\", \"icon\": \"x-office-spreadsheet-symbolic\","
  "  \"modes\": [\"batch\"], \"inputs\": [], \"outputs\": [{\"name\": \"out\", \"title\": \"Output\"}],"
  "  \"params\": [{\"name\": \"path\", \"type\": \"path\", \"title\": \"Path\", \"required\": true},"
  "             {\"name\": \"header\", \"type\": \"boolean\", \"title\": \"Header\", \"default\": true}]},"
  " {\"id\": \"transform.filter\", \"category\": \"transform\", \"title\": \"Filter\","
  "  \"description\": \"Keeps matching rows\", \"icon\": \"funnel-symbolic\","
  "  \"modes\": [\"batch\", \"streaming\"],"
  "  \"inputs\": [{\"name\": \"in\", \"title\": \"Input\"}],"
  "  \"outputs\": [{\"name\": \"out\", \"title\": \"Output\"}],"
  "  \"params\": [{\"name\": \"condition\", \"type\": \"condition\", \"title\": \"Condition\", \"required\": true}]},"
  " {\"id\": \"transform.split\", \"category\": \"transform\", \"title\": \"Split\","
  "  \"description\": \"Splits rows in two\", \"icon\": \"split-symbolic\","
  "  \"modes\": [\"batch\"],"
  "  \"inputs\": [{\"name\": \"in\", \"title\": \"Input\"}],"
  "  \"outputs\": [{\"name\": \"matched\", \"title\": \"Matched\"}, {\"name\": \"rest\", \"title\": \"Rest\"}],"
  "  \"params\": [{\"name\": \"condition\", \"type\": \"condition\", \"title\": \"Condition\"}]},"
  " {\"id\": \"transform.join\", \"category\": \"transform\", \"title\": \"Join\","
  "  \"description\": \"Joins two inputs\", \"icon\": \"join-symbolic\","
  "  \"modes\": [\"batch\"],"
  "  \"inputs\": [{\"name\": \"left\", \"title\": \"Left\"}, {\"name\": \"right\", \"title\": \"Right\"}],"
  "  \"outputs\": [{\"name\": \"out\", \"title\": \"Output\"}],"
  "  \"params\": [{\"name\": \"on\", \"type\": \"columns\", \"title\": \"Join Columns\"},"
  "             {\"name\": \"how\", \"type\": \"enum\", \"title\": \"Join Type\","
  "              \"choices\": [\"inner\", \"left\", \"full\"], \"default\": \"inner\"}]},"
  " {\"id\": \"transform.union\", \"category\": \"transform\", \"title\": \"Union\","
  "  \"description\": \"Stacks inputs\", \"icon\": \"union-symbolic\","
  "  \"modes\": [\"batch\"],"
  "  \"inputs\": [{\"name\": \"in\", \"title\": \"Inputs\", \"multiple\": true}],"
  "  \"outputs\": [{\"name\": \"out\", \"title\": \"Output\"}],"
  "  \"params\": []},"
  " {\"id\": \"sink.parquet\", \"category\": \"sink\", \"title\": \"Parquet\","
  "  \"description\": \"Writes Parquet files\", \"icon\": \"document-save-symbolic\","
  "  \"modes\": [\"batch\"],"
  "  \"inputs\": [{\"name\": \"in\", \"title\": \"Input\"}], \"outputs\": [],"
  "  \"params\": [{\"name\": \"path\", \"type\": \"path\", \"title\": \"Path\", \"required\": true}]}"
  "]}";

FlintCatalog *
model_test_catalog_parse (const char *json)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (json, strlen (json));
  g_autoptr(GError) error = NULL;
  FlintCatalog *catalog = flint_catalog_new_from_bytes (bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (catalog);

  return catalog;
}

FlintCatalog *
model_test_catalog (void)
{
  static FlintCatalog *catalog;

  if (catalog == NULL)
    catalog = model_test_catalog_parse (test_catalog_json);

  return catalog;
}
