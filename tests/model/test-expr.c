/* test-expr.c: being written */

#include "config.h"

#include "flint-model.h"

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  return g_test_run ();
}
