/* flint-cli.c: being written */
