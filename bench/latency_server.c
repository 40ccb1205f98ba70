/*
 * bench/latency_server.c: a loopback OpenAI-compatible server for
 * bench/run.sh.  It answers every POST .../chat/completions exactly DELAY
 * milliseconds after the request has arrived, with a short reply and a
 * usage block, over keep-alive HTTP/1.1.
 *
 *	latency_server DELAY_MS		prints PORT=<n> once it listens
 *
 * The server loop is bench/loopserver.c's: what is this file's is the
 * answer and its delay.  The delay is the same for every request, so
 * replies fall due in the order requests arrived, as the loop's FIFO
 * needs.  Every request gets the same reply, whatever its path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loopserver.h"

static uint64_t delay_ns;

static const char body[] =
    "{\"id\":\"bench\",\"object\":\"chat.completion\",\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":"
    "{\"role\":\"assistant\",\"content\":\"ok\"}}],\"usage\":"
    "{\"prompt_tokens\":10,\"completion_tokens\":1,\"total_tokens\":11}}";

/* The whole reply, status line to body: the same bytes for every one. */
static char reply[160 + sizeof(body)];
static size_t reply_len;

static int
handle(struct loopserver_conn *c, const char *line, uint64_t t)
{
	(void)line;
	loopserver_later(c, t + delay_ns, reply, reply_len, 0);
	return 0;
}

int
main(int argc, char **argv)
{
	size_t hl;

	if (argc != 2) {
		fprintf(stderr, "usage: latency_server DELAY_MS\n");
		return 2;
	}
	delay_ns = (uint64_t)(atof(argv[1]) * 1e6);
	hl = (size_t)snprintf(reply, sizeof(reply) - sizeof(body),
	    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n",
	    sizeof(body) - 1);
	memcpy(reply + hl, body, sizeof(body) - 1);
	reply_len = hl + sizeof(body) - 1;
	loopserver_serve(handle);
}
