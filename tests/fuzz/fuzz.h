/*
 * The entry point every fuzz target defines (libFuzzer's), for replay.c
 * and the targets themselves.
 */
#ifndef MORPH_FUZZ_H
#define MORPH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input; returns 0.  Must not leak, crash or hang. */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
