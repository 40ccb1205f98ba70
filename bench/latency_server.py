#!/usr/bin/env python3
"""A loopback OpenAI-compatible server for bench/run.sh: answers every
POST /v1/chat/completions after DELAY milliseconds with a short reply and
a usage block, over keep-alive HTTP/1.1, on asyncio (no thread a request).

    python3 latency_server.py DELAY_MS   prints PORT=<n> once it listens
"""
import asyncio
import json
import sys

DELAY = float(sys.argv[1]) / 1000.0


async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await reader.readexactly(length) if length else b""
            try:
                model = json.loads(body).get("model", "m")
            except ValueError:
                model = "m"
            await asyncio.sleep(DELAY)
            reply = json.dumps({
                "id": "bench", "object": "chat.completion", "model": model,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant",
                                         "content": "ok"}}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 1,
                          "total_tokens": 11}}).encode()
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json"
                         b"\r\nContent-Length: %d\r\n\r\n" % len(reply) + reply)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=256)
    print("PORT=%d" % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
