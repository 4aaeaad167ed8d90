/* flint-model.h: the document layer. No GTK here, ever.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-error.h"
#include "flint-data-type.h"
#include "flint-schema.h"
#include "flint-expr.h"
#include "flint-catalog.h"
#include "flint-node.h"
#include "flint-edge.h"
#include "flint-pipeline.h"
#include "flint-pipeline-io.h"
#include "flint-diagnostic.h"
#include "flint-validator.h"
#include "flint-rules.h"
#include "flint-history.h"
