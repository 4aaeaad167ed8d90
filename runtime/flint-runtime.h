/* flint-runtime.h: the runtime layer (targets, runs, the run store, the queue)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "flint-local-target.h"
#include "flint-paths.h"
#include "flint-preview.h"
#include "flint-run.h"
#include "flint-run-store.h"
#include "flint-runner.h"
#include "flint-target.h"
