/* model-test-catalog.h: the small catalog the history and pipeline tests build with
 *
 * Six kinds (a CSV source, filter, split, join, union and a Parquet sink) of our own, so
 * that these tests do not follow the built-in catalog.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-model.h"

G_BEGIN_DECLS

/* The catalog, parsed once; owned by the test program. */
FlintCatalog *model_test_catalog       (void);
/* A catalog from @json (static text), which must parse. */
FlintCatalog *model_test_catalog_parse (const char *json);

G_END_DECLS
