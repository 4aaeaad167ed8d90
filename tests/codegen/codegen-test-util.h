/* codegen-test-util.h: what the PySpark and Scala tests share
 *
 * Loading pipelines from the source tree, generating, comparing with golden files,
 * the determinism check and the hostile strings put into every parameter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-codegen.h"
#include "flint-model.h"

G_BEGIN_DECLS

char          *codegen_test_source_path        (const char    *relative);
FlintPipeline *codegen_test_load               (const char    *relative);
char          *codegen_test_generate           (FlintPipeline *pipeline,
                                                FlintLanguage  language,
                                                gboolean       allow_invalid);
void           codegen_test_compare_golden     (const char    *text,
                                                const char    *golden_name);
void           codegen_test_assert_deterministic (const char  *relative,
                                                  FlintLanguage language);
JsonNode      *codegen_test_string             (const char    *text);
void           codegen_test_fill_hostile       (FlintNode     *node,
                                                const char    *text);

/* Everything a user could type that breaks naive escaping. */
extern const char *const codegen_test_hostile[];
extern const guint       codegen_test_n_hostile;

G_END_DECLS
