/*
 * Fuzz target for the OpenAI chat completions reply parser
 * (lib/provider/openai.c); fuzz-reply.h says how an input is read.
 */
#include "fuzz.h"
#include "fuzz-reply.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_reply(MORPH_DIALECT_OPENAI, data, size);
}
