/* flint-validator.c: being written */

#define G_LOG_DOMAIN "flint-model"

#include "config.h"
