/* flint-job-page.h: the job settings, environments and targets of a pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "flint-model.h"

G_BEGIN_DECLS

#define FLINT_TYPE_JOB_PAGE (flint_job_page_get_type ())

G_DECLARE_FINAL_TYPE (FlintJobPage, flint_job_page, FLINT, JOB_PAGE, GtkWidget)

GtkWidget  *flint_job_page_new         (void);
/* Edits go through @history; messages come from @validator. Both may be NULL. */
void        flint_job_page_set_document (FlintJobPage   *self,
                                         FlintHistory   *history,
                                         FlintValidator *validator);
/* The row of a setting ("driver.memory", "targets.local.kind"), or NULL. */
GtkWidget  *flint_job_page_get_row      (FlintJobPage   *self,
                                         const char     *path);
/* The validation message under a setting's row, or NULL. */
const char *flint_job_page_get_message  (FlintJobPage   *self,
                                         const char     *path);

G_END_DECLS
