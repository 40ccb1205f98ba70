/*
 * Fuzz target for the Ollama /api/chat reply parser
 * (lib/provider/ollama.c); fuzz-reply.h says how an input is read.
 */
#include "fuzz.h"
#include "fuzz-reply.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reply(MORPH_DIALECT_OLLAMA, data, size);
}
