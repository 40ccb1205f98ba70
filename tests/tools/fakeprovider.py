#!/usr/bin/env python3
"""A fake LLM provider for morph's tests, speaking all four wire dialects.

It answers every chat request with "<model>: <last user message>" and a
usage block in the dialect's own shape, injects faults named by a
"fault:..." directive in the last user message, checks API keys when given
--key, and records every request for the tests to read back.  Python 3
standard library only; binds 127.0.0.1.  tests/tools/README.md documents
the routes and the directives.

    python3 fakeprovider.py --port 0 [--key KEY] [--pid-file FILE]
        [--models FILE]

prints PORT=<n> on stdout as soon as it listens.  With --models, the
models the file names answer by its rules and take its time to answer
(class Models), so that models of differing quality can be compared.
"""

import argparse
import email.utils
import gzip
import http.client
import json
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# Headers whose values are secrets: never recorded, never echoed.
SECRET_HEADERS = {"authorization", "x-api-key", "x-goog-api-key", "api-key",
                  "proxy-authorization", "cookie"}

BIG_DEFAULT = 33 << 20          # just over morph's default 32 MiB cap
TIMEOUT_DEFAULT_MS = 30000
KINDS = {"ok", "timeout", "reset", "hangup", "truncate", "malformed", "big",
         "bighead", "html", "insufficient_quota", "nul", "echo-key", "hold"}
BIGHEAD_DEFAULT = 1 << 20       # over libcurl's limits on reply headers


class State:
    """What the server remembers: requests, per-message attempt counts."""

    def __init__(self, key, verbose):
        self.key = key
        self.verbose = verbose
        self.lock = threading.Lock()
        self.requests = []
        self.attempts = {}
        self.seq = 0

    def record(self, entry):
        with self.lock:
            self.seq += 1
            entry["n"] = self.seq
            self.requests.append(entry)
            return self.seq

    def attempt(self, key):
        with self.lock:
            self.attempts[key] = self.attempts.get(key, 0) + 1
            return self.attempts[key]

    def reset(self):
        with self.lock:
            self.requests = []
            self.attempts = {}


class Gate:
    """Holds chat requests until the test lets them go, and counts them.

    Open (the default), it lets every request through.  Closed (POST
    /__hold), a request waits after it has been recorded until a release
    lets it go: POST /__release?n=K lets the K oldest held requests go, and
    the next arrivals if fewer are held; POST /__release opens the gate.
    A release is given to the requests held when it comes, never taken by
    a request that arrives before those have woken.  GET /__wait blocks
    until the counts reach what it asks, so a test synchronises on what
    the server sees, never on a sleep.
    """

    def __init__(self, state):
        self.state = state
        self.cond = threading.Condition()
        self.closed = False
        self.credits = 0        # releases for requests not yet arrived
        self.waiting = []       # tickets of the held requests, oldest first
        self.released = set()  # tickets let go, their threads not yet awake
        self.tickets = 0
        self.inflight = 0       # chat requests being handled now

    def counts(self):
        with self.state.lock:
            n = len(self.state.requests)
        return {"held": len(self.waiting), "inflight": self.inflight,
                "requests": n, "closed": self.closed,
                "credits": self.credits}

    def enter(self):
        with self.cond:
            if not self.closed:
                return
            if self.credits > 0:
                self.credits -= 1
                return
            ticket = self.tickets
            self.tickets += 1
            self.waiting.append(ticket)
            self.cond.notify_all()
            while self.closed and ticket not in self.released:
                self.cond.wait()
            self.released.discard(ticket)
            if ticket in self.waiting:
                self.waiting.remove(ticket)
            self.cond.notify_all()

    def busy(self, delta):
        with self.cond:
            self.inflight += delta
            self.cond.notify_all()

    def hold(self):
        with self.cond:
            self.closed, self.credits = True, 0
            self.cond.notify_all()

    def release(self, n):
        with self.cond:
            if n is None:
                self.closed, self.credits = False, 0
                self.waiting = []
            else:
                go, self.waiting = self.waiting[:n], self.waiting[n:]
                self.released.update(go)
                self.credits += n - len(go)
            self.cond.notify_all()

    def wait(self, want, timeout):
        """Waits until every count named in want is at least its value."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                c = self.counts()
                if all(c[k] >= v for k, v in want.items()):
                    return True
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                # Recorded requests do not notify: look again soon.
                self.cond.wait(min(left, 0.02))


def text_of(content):
    """The text of a message's content: a string or a list of parts."""
    if isinstance(content, str):
        return content
    out = []
    if isinstance(content, list):
        for part in content:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                out.append(part["text"])
    return "".join(out)


class BadRequest(Exception):
    pass


# Each dialect: how to read a request, and the shapes of replies and errors.

class OpenAI:
    name = "openai"

    @staticmethod
    def read(body, path, query):
        if not isinstance(body.get("model"), str) or not body["model"]:
            raise BadRequest("you must provide a model parameter")
        msgs = body.get("messages")
        if not isinstance(msgs, list) or not msgs:
            raise BadRequest("'messages' must be a non-empty array")
        texts = [(m.get("role"), text_of(m.get("content")))
                 for m in msgs if isinstance(m, dict)]
        limit = body.get("max_completion_tokens", body.get("max_tokens"))
        return body["model"], texts, limit, bool(body.get("stream"))

    @staticmethod
    def key(headers, query):
        return bearer(headers)

    @staticmethod
    def reply(n, model, text, cut, tin, tout):
        return {
            "id": "chatcmpl-fake%d" % n, "object": "chat.completion",
            "created": int(time.time()), "model": model,
            "system_fingerprint": "fp_fake", "service_tier": "default",
            "choices": [{"index": 0,
                         "message": {"role": "assistant", "content": text,
                                     "refusal": None, "annotations": []},
                         "logprobs": None,
                         "finish_reason": "length" if cut else "stop"}],
            "usage": {"prompt_tokens": tin, "completion_tokens": tout,
                      "total_tokens": tin + tout,
                      "prompt_tokens_details": {"cached_tokens": 0,
                                                "audio_tokens": 0},
                      "completion_tokens_details": {
                          "reasoning_tokens": 0, "audio_tokens": 0,
                          "accepted_prediction_tokens": 0,
                          "rejected_prediction_tokens": 0}}}

    @staticmethod
    def with_cache(reply, read, write):
        """prompt_tokens holds both; OpenRouter's names for them."""
        d = reply["usage"]["prompt_tokens_details"]
        d["cached_tokens"] = read
        if write:
            d["cache_write_tokens"] = write

    TYPES = {400: ("invalid_request_error", None),
             401: ("invalid_request_error", "invalid_api_key"),
             403: ("permission_denied", None),
             404: ("invalid_request_error", "model_not_found"),
             408: ("timeout", None), 409: ("conflict", None),
             429: ("requests", "rate_limit_exceeded")}

    @classmethod
    def error(cls, status, message, etype=None, code=None, retry_s=None):
        t, c = cls.TYPES.get(status, ("server_error", None))
        return {"error": {"message": message, "type": etype or t,
                          "param": None, "code": code or c}}


class Anthropic:
    name = "anthropic"

    @staticmethod
    def read(body, path, query):
        for field in ("model", "messages", "max_tokens"):
            if field not in body:
                raise BadRequest("%s: Field required" % field)
        msgs = body["messages"]
        if not isinstance(msgs, list) or not msgs:
            raise BadRequest("messages: at least one message is required")
        texts = []
        if body.get("system") is not None:
            texts.append(("system", text_of(body["system"])))
        for m in msgs:
            if isinstance(m, dict):
                if m.get("role") not in ("user", "assistant"):
                    raise BadRequest("messages: Unexpected role %r"
                                     % m.get("role"))
                texts.append((m["role"], text_of(m.get("content"))))
        return body["model"], texts, body["max_tokens"], bool(body.get("stream"))

    @staticmethod
    def key(headers, query):
        return headers.get("x-api-key") or bearer(headers)

    @staticmethod
    def reply(n, model, text, cut, tin, tout):
        return {
            "id": "msg_fake%d" % n, "type": "message", "role": "assistant",
            "model": model, "content": [{"type": "text", "text": text}],
            "stop_reason": "max_tokens" if cut else "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": tin, "output_tokens": tout,
                      "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0,
                      "service_tier": "standard"}}

    @staticmethod
    def with_cache(reply, read, write):
        """input_tokens leaves out what was read from or written to it."""
        u = reply["usage"]
        u["input_tokens"] = max(0, u["input_tokens"] - read - write)
        u["cache_read_input_tokens"] = read
        u["cache_creation_input_tokens"] = write

    TYPES = {400: "invalid_request_error", 401: "authentication_error",
             402: "billing_error", 403: "permission_error",
             404: "not_found_error", 413: "request_too_large",
             429: "rate_limit_error", 504: "timeout_error",
             529: "overloaded_error"}

    @classmethod
    def error(cls, status, message, etype=None, code=None, retry_s=None):
        return {"type": "error",
                "error": {"type": etype or cls.TYPES.get(status, "api_error"),
                          "message": message},
                "request_id": "req_fake_error"}


class Gemini:
    name = "gemini"
    PATH = re.compile(r"/models/([^/]+):generateContent$")

    @staticmethod
    def read(body, path, query):
        model = Gemini.PATH.search(path).group(1)
        contents = body.get("contents")
        if not isinstance(contents, list) or not contents:
            raise BadRequest("* GenerateContentRequest.contents: contents "
                             "is not specified")
        texts = []
        si = body.get("systemInstruction") or body.get("system_instruction")
        if isinstance(si, dict):
            texts.append(("system", text_of(si.get("parts"))))
        for c in contents:
            if isinstance(c, dict):
                role = c.get("role", "user")
                if role not in ("user", "model"):
                    raise BadRequest("Please use a valid role: user, model.")
                texts.append((role, text_of(c.get("parts"))))
        gc = body.get("generationConfig") or {}
        return model, texts, gc.get("maxOutputTokens"), False

    @staticmethod
    def key(headers, query):
        return headers.get("x-goog-api-key") or (query.get("key") or [None])[0]

    @staticmethod
    def reply(n, model, text, cut, tin, tout):
        return {
            "candidates": [{"content": {"role": "model",
                                        "parts": [{"text": text}]},
                            "finishReason": "MAX_TOKENS" if cut else "STOP",
                            "index": 0}],
            "usageMetadata": {"promptTokenCount": tin,
                              "candidatesTokenCount": tout,
                              "totalTokenCount": tin + tout},
            "modelVersion": model, "responseId": "fake%d" % n}

    STATUSES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED",
                403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
                503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}

    @classmethod
    def error(cls, status, message, etype=None, code=None, retry_s=None):
        err = {"code": status, "message": message,
               "status": cls.STATUSES.get(status, "UNKNOWN")}
        if retry_s is not None:
            err["details"] = [{
                "@type": "type.googleapis.com/google.rpc.RetryInfo",
                "retryDelay": "%ss" % retry_s}]
        return {"error": err}


class Ollama:
    name = "ollama"

    @staticmethod
    def read(body, path, query):
        if not isinstance(body.get("model"), str) or not body["model"]:
            raise BadRequest("model is required")
        msgs = body.get("messages")
        if not isinstance(msgs, list):
            raise BadRequest("messages is required")
        texts = [(m.get("role"), text_of(m.get("content")))
                 for m in msgs if isinstance(m, dict)]
        opts = body.get("options") or {}
        # Ollama streams unless told otherwise.
        return (body["model"], texts, opts.get("num_predict"),
                body.get("stream", True) is not False)

    @staticmethod
    def key(headers, query):
        return bearer(headers)

    @staticmethod
    def reply(n, model, text, cut, tin, tout):
        return {"model": model, "created_at": now_rfc3339(),
                "message": {"role": "assistant", "content": text},
                "done": True, "done_reason": "length" if cut else "stop",
                "total_duration": 5000000 + 1000000 * tout,
                "load_duration": 1000000,
                "prompt_eval_count": tin,
                "prompt_eval_duration": 100000 * tin,
                "eval_count": tout, "eval_duration": 1000000 * tout}

    @staticmethod
    def error(status, message, etype=None, code=None, retry_s=None):
        return {"error": message}


def bearer(headers):
    auth = headers.get("authorization") or ""
    return auth[7:].strip() if auth[:7].lower() == "bearer " else None


def now_rfc3339():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + \
        ".%06dZ" % int((t % 1) * 1e6)


class ModelsError(Exception):
    pass


class Models:
    """What --models FILE makes the named models answer, and how fast.

    The file is a JSON object keyed by model name.  Each model is an
    object with "rules" (a list), "delay_ms" (milliseconds to wait before
    each answer, default 0), "else" (another model of the file whose rules
    are tried when none of this one's applies) and "description" (ignored).
    A rule is an object with "reply", a template, and optionally "if", a
    regular expression searched in the whole conversation (every message's
    text, one a line), "match", one searched in the last user message, and
    "description".  The first rule whose "if" and "match" both match gives
    the answer: "reply" expanded with the groups of "match" (\\1,
    \\g<name>).  When none applies, the model answers as any other:
    "<model>: <last user message>".  Python's re syntax; "(?i)" ignores
    case.  Errors name the model, the rule and the field.
    """

    MODEL_KEYS = {"rules", "delay_ms", "else", "description"}
    RULE_KEYS = {"if", "match", "reply", "description"}

    def __init__(self, path):
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            raise ModelsError("%s: %s" % (path, e))
        if not isinstance(doc, dict):
            raise ModelsError("%s: expected an object keyed by model" % path)
        self.models = {}
        for name, m in doc.items():
            where = "%s: %s" % (path, name)
            if not isinstance(m, dict):
                raise ModelsError("%s: expected an object" % where)
            for k in m:
                if k not in self.MODEL_KEYS:
                    raise ModelsError("%s.%s: unknown field" % (where, k))
            delay = m.get("delay_ms", 0)
            if not isinstance(delay, (int, float)) or delay < 0:
                raise ModelsError("%s.delay_ms: expected milliseconds, "
                                  "0 or more" % where)
            other = m.get("else")
            if other is not None and other not in doc:
                raise ModelsError("%s.else: %r is not a model of the file"
                                  % (where, other))
            rules = m.get("rules", [])
            if not isinstance(rules, list):
                raise ModelsError("%s.rules: expected an array" % where)
            self.models[name] = (delay, other,
                                 [self.rule(r, "%s.rules[%d]" % (where, i))
                                  for i, r in enumerate(rules)])
        for name in self.models:
            seen = set()
            while name is not None:
                if name in seen:
                    raise ModelsError("%s: %s.else: the models' else go "
                                      "round in a circle" % (path, name))
                seen.add(name)
                name = self.models[name][1]

    @staticmethod
    def rule(r, where):
        if not isinstance(r, dict):
            raise ModelsError("%s: expected an object" % where)
        for k in r:
            if k not in Models.RULE_KEYS:
                raise ModelsError("%s.%s: unknown field" % (where, k))
        if not isinstance(r.get("reply"), str):
            raise ModelsError("%s.reply: expected a string" % where)
        out = {"reply": r["reply"]}
        for k in ("if", "match"):
            if k in r:
                if not isinstance(r[k], str):
                    raise ModelsError("%s.%s: expected a string" % (where, k))
                try:
                    out[k] = re.compile(r[k])
                except re.error as e:
                    raise ModelsError("%s.%s: %s" % (where, k, e))
        return out

    def delay(self, model):
        """Seconds the model takes to answer (0 for a model not named)."""
        m = self.models.get(model)
        return m[0] / 1000 if m is not None else 0

    def answer(self, model, texts, last):
        """The model's answer by its rules, or None when none applies."""
        whole = "\n".join(t for _, t in texts)
        while model in self.models:
            _, other, rules = self.models[model]
            for r in rules:
                if "if" in r and not r["if"].search(whole):
                    continue
                m = r["match"].search(last) if "match" in r else None
                if "match" in r and m is None:
                    continue
                if m is None:
                    return r["reply"]
                try:
                    return m.expand(r["reply"])
                except (re.error, IndexError) as e:
                    return "fakeprovider: bad reply %r: %s" % (r["reply"], e)
            model = other
        return None


def route(path):
    if path.endswith("/chat/completions"):
        return OpenAI
    if path.endswith("/messages"):
        return Anthropic
    if Gemini.PATH.search(path):
        return Gemini
    if path == "/api/chat":
        return Ollama
    return None


def parse_fault(text):
    """The directive in text: (kind, {option: value}) or (None, {})."""
    i = text.rfind("fault:")
    if i < 0:
        return None, {}
    words = text[i + 6:].split("\n")[0].split()
    if not words:
        return None, {}
    kind, opts = words[0], {}
    if kind.startswith("once:"):
        kind, opts["times"] = kind[5:], "1"
    for w in words[1:]:
        k, _, v = w.partition("=")
        opts[k] = v
    return kind, opts


# Rate limits (--limit-rps, --limit-tps, --strict-window): token buckets
# per dialect and model, stated and refused in each dialect's own way.

def go_duration(sec):
    """A duration as OpenAI writes its resets: 12ms, 1.5s, 6m0s."""
    if sec < 1:
        return "%dms" % max(0, int(sec * 1000 + 0.999))
    if sec < 60:
        return "%gs" % round(sec, 3)
    return "%dm%gs" % (int(sec // 60), round(sec % 60, 3))


def rfc3339_in(sec):
    """The wall-clock time sec from now, as Anthropic writes its resets."""
    t = time.time() + sec
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + \
        (".%03dZ" % int((t % 1) * 1000))


class Bucket:
    """rate units a second, at most burst at once; starts full."""

    def __init__(self, rate, burst):
        self.rate, self.burst = rate, max(burst, 1)
        self.level, self.t = self.burst, time.monotonic()

    def refill(self, now):
        self.level = min(self.burst, self.level + (now - self.t) * self.rate)
        self.t = now

    def wait(self, cost):
        """Seconds until cost is there (a cost over the burst: a full one)."""
        need = min(cost, self.burst)
        return 0 if self.level >= need else (need - self.level) / self.rate

    def to_full(self):
        return (self.burst - self.level) / self.rate


class Limits:
    """What --limit-rps, --limit-tps and --strict-window enforce."""

    def __init__(self, rps, burst, tps, token_burst, window):
        self.rps, self.burst = rps, burst or max(1, rps / 4 if rps else 1)
        self.tps = tps
        self.token_burst = token_burst or max(1, tps / 4 if tps else 1)
        self.window = window            # (count, seconds) or None
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, "lock", threading.Lock()):
            self.buckets = {}
            self.arrivals = []
            self.counts = {"answered": 0, "refused": 0, "violations": 0,
                           "max_in_window": 0, "tokens": 0}

    def stats(self):
        with self.lock:
            return dict(self.counts)

    def _buckets(self, d, model):
        key = (d.name, model)
        if key not in self.buckets:
            b = {}
            if self.rps:
                b["requests"] = Bucket(self.rps, self.burst)
            if self.tps and d is Anthropic:
                b["input-tokens"] = Bucket(self.tps, self.token_burst)
                b["output-tokens"] = Bucket(self.tps, self.token_burst)
            elif self.tps:
                b["tokens"] = Bucket(self.tps, self.token_burst)
            self.buckets[key] = b
        return self.buckets[key]

    def check(self, d, model, tin, tout, arrived):
        """None to answer (with headers added to hdrs), else a refusal:
        (headers, message, seconds to wait)."""
        with self.lock:
            hdrs, refusal = [], None
            if self.window is not None:
                n, sec = self.window
                self.arrivals = [t for t in self.arrivals if t > arrived - sec]
                self.arrivals.append(arrived)
                self.counts["max_in_window"] = max(
                    self.counts["max_in_window"], len(self.arrivals))
                if len(self.arrivals) > n:
                    self.counts["violations"] += 1
                    refusal = ("more than %d requests in %g s" % (n, sec),
                               self.arrivals[0] + sec - arrived)
            now = time.monotonic()
            b = self._buckets(d, model)
            cost = {"requests": 1, "tokens": tin + tout, "input-tokens": tin,
                    "output-tokens": tout}
            for name, bk in b.items():
                bk.refill(now)
            waits = {name: bk.wait(cost[name]) for name, bk in b.items()}
            worst = max(waits.values(), default=0)
            if refusal is None and worst > 0:
                name = max(waits, key=waits.get)
                refusal = ("Rate limit reached for %s" % name, worst)
            if refusal is None:
                for name, bk in b.items():
                    bk.level -= min(cost[name], bk.burst)
                self.counts["answered"] += 1
                self.counts["tokens"] += tin + tout
            else:
                self.counts["refused"] += 1
            for name, bk in b.items():
                per_min = int(round(bk.rate * 60))
                left = max(0, int(bk.level))
                if d is OpenAI:
                    hdrs += [("x-ratelimit-limit-" + name, str(per_min)),
                             ("x-ratelimit-remaining-" + name, str(left)),
                             ("x-ratelimit-reset-" + name,
                              go_duration(bk.to_full()))]
                elif d is Anthropic:
                    p = "anthropic-ratelimit-" + name
                    hdrs += [(p + "-limit", str(per_min)),
                             (p + "-remaining", str(left)),
                             (p + "-reset", rfc3339_in(bk.to_full()))]
            if refusal is None:
                return hdrs, None
            msg, wait = refusal
            wait = max(wait, 0.001)
            if d is Anthropic:
                hdrs.append(("retry-after", str(int(wait) + 1)))
            elif d is not Gemini:
                hdrs += [("retry-after-ms", "%d" % int(wait * 1000 + 0.999)),
                         ("retry-after", str(int(wait) + 1))]
            return hdrs, (msg, wait)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakeprovider/1"

    def log_message(self, fmt, *args):
        if self.server.state.verbose:
            sys.stderr.write("fakeprovider: %s\n" % (fmt % args))

    # Plumbing.

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def accepts_gzip(self):
        return "gzip" in (self.headers.get("Accept-Encoding") or "")

    def send(self, status, body, ctype="application/json", headers=(),
             compress=True, chunked=False):
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False).encode()
        elif isinstance(body, str):
            body = body.encode()
        extra = list(headers)
        if compress and body and self.accepts_gzip():
            body = gzip.compress(body, compresslevel=1)
            extra.append(("Content-Encoding", "gzip"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in extra:
            self.send_header(k, v)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 65536):
                piece = body[i:i + 65536]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def send_json(self, status, obj, headers=()):
        if isinstance(obj, dict) and obj.get("request_id") == "req_fake_error":
            obj["request_id"] = self.rid
        self.send(status, obj, headers=headers)

    def raw_head(self, status, length, headers=()):
        """A status line and headers, as bytes, for faults that cut."""
        lines = ["HTTP/1.1 %d %s" % (status, self.responses.get(
            status, ("",))[0]), "Content-Type: application/json",
            "Content-Length: %d" % length]
        lines += ["%s: %s" % kv for kv in headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def big_head(self, size, lines, hdrs):
        """A 200 whose headers hold size bytes of filler in lines lines."""
        each = max(1, size // lines)
        filler = [("x-filler-%d" % i, "f" * each) for i in range(lines)]
        body = b'{"error": {"message": "unreachable"}}'
        try:
            self.wfile.write(self.raw_head(200, len(body), hdrs + filler) +
                             body)
        except OSError:
            pass
        return self.drop(rst=False)

    def drop(self, rst):
        """Closes the connection now: with a RST if rst, else a FIN."""
        self.close_connection = True
        try:
            if rst:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()

    # Routes.

    def gate_route(self, path, query):
        """The gate's routes (class Gate); False for any other path."""
        gate = self.server.gate
        if path not in ("/__gate", "/__hold", "/__release", "/__wait"):
            return False
        status = 200
        try:
            if path == "/__hold":
                gate.hold()
            elif path == "/__release":
                n = query.get("n")
                gate.release(int(n[0]) if n else None)
            elif path == "/__wait":
                want = {k: int(query[k][0]) for k in
                        ("held", "inflight", "requests") if k in query}
                timeout = float((query.get("timeout") or ["60"])[0])
                if not gate.wait(want, timeout):
                    status = 504
        except ValueError as e:
            self.send_json(400, {"error": {"message": "%s: %s" % (path, e)}})
            return True
        self.send(status, gate.counts(), compress=False)
        return True

    def do_GET(self):
        url = urlsplit(self.path)
        path = url.path
        if self.gate_route(path, parse_qs(url.query)):
            return
        if path == "/health":
            self.send_json(200, {"status": "ok"})
        elif path == "/__requests":
            with self.server.state.lock:
                reqs = list(self.server.state.requests)
            self.send(200, reqs, compress=False)
        elif path == "/__limits":
            lim = self.server.limits
            self.send(200, lim.stats() if lim is not None else {},
                      compress=False)
        else:
            self.send_json(404, {"error": {"message": "no route for GET %s"
                                           % path, "type": "not_found"}})

    def do_POST(self):
        counted = not urlsplit(self.path).path.startswith("/__")
        if counted:
            self.server.gate.busy(1)
        try:
            self.post()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            if counted:
                self.server.gate.busy(-1)

    def forward(self, raw):
        """Passes the request to --forward's server and its answer back."""
        up = urlsplit(self.server.state.forward)
        skip = {"host", "content-length", "transfer-encoding", "connection",
                "accept-encoding", "expect"}
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=600)
        try:
            conn.request("POST", self.path, body=raw, headers={
                k: v for k, v in self.headers.items()
                if k.lower() not in skip})
            r = conn.getresponse()
            body = r.read()
        except OSError as e:
            return self.send_json(502, {"error": {
                "message": "fakeprovider: --forward %s: %s"
                % (self.server.state.forward, e), "type": "server_error"}})
        finally:
            conn.close()
        mine = {"content-type", "content-length", "content-encoding",
                 "transfer-encoding", "connection", "keep-alive", "date",
                 "server"}
        return self.send(r.status, body, ctype=r.getheader(
            "Content-Type") or "application/json", headers=[
                (k, v) for k, v in r.getheaders() if k.lower() not in mine])

    def post(self):
        state = self.server.state
        self.arrived = time.monotonic()
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        raw = self.read_body()
        if self.gate_route(path, query):
            return
        if path == "/__reset":
            state.reset()
            if self.server.limits is not None:
                self.server.limits.reset()
            return self.send_json(200, {"ok": True})
        if path == "/__requests":
            with state.lock:
                reqs = list(state.requests)
            return self.send(200, reqs, compress=False)

        d = route(path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        auth = "unchecked"
        # The key as received, for fault:echo-key only; never recorded.
        self.got_key = d.key(headers, query) if d is not None else None
        if state.key is not None and d is not None:
            got = self.got_key
            auth = "ok" if got == state.key else \
                ("missing" if got is None else "wrong")
        try:
            body = json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, ValueError):
            body = raw.decode("utf-8", "replace")
        shown_query = {k: ["[REDACTED]"] if k == "key" else v
                       for k, v in query.items()}
        n = state.record({
            "method": "POST", "path": path, "query": shown_query,
            "headers": {k: "[REDACTED]" if k in SECRET_HEADERS else v
                        for k, v in headers.items()},
            "body": body, "auth": auth,
            "dialect": d.name if d is not None else None,
            "time": time.time()})
        rid = self.rid = "req_fake%d" % n
        ids = [("x-request-id", rid)] if d is not Anthropic else \
            [("request-id", rid)]
        if d is not None or state.forward:
            self.server.gate.enter()
        if state.forward:
            return self.forward(raw)

        if d is None:
            return self.send_json(404, {"error": {
                "message": "no route for POST %s" % path,
                "type": "invalid_request_error", "code": "unknown_url"}})
        if auth in ("missing", "wrong"):
            msg = {OpenAI: "Incorrect API key provided.",
                   Anthropic: "invalid x-api-key",
                   Gemini: "API key not valid. Please pass a valid API key.",
                   Ollama: "unauthorized"}[d]
            if auth == "missing":
                msg = "No API key provided."
            return self.send_json(401, d.error(401, msg), ids)
        if not isinstance(body, dict):
            return self.send_json(400, d.error(
                400, "We could not parse the JSON body of your request."), ids)
        try:
            model, texts, limit, stream = d.read(body, path, query)
        except BadRequest as e:
            return self.send_json(400, d.error(400, str(e)), ids)
        if stream and d is not Ollama:
            return self.send_json(400, d.error(
                400, "fakeprovider does not stream: send \"stream\": false"),
                ids)

        last = ""
        for role, text in texts:
            if role == "user":
                last = text
        kind, opts = parse_fault(last)
        if kind is not None and "times" in opts:
            try:
                times = int(opts["times"])
            except ValueError:
                times = 1
            if state.attempt((path, last)) > times:
                kind, opts = None, {}
        return self.answer(d, n, ids, model, texts, last, limit, stream,
                           kind, opts)

    def answer(self, d, n, ids, model, texts, last, limit, stream, kind,
               opts):
        hdrs = list(ids)
        retry_s = None
        if kind is not None and kind not in KINDS and \
                not re.fullmatch(r"[1-5][0-9][0-9]|x-should-retry=.*", kind):
            return self.send_json(400, d.error(
                400, "fakeprovider: unknown fault %r" % kind), hdrs)
        if "retry-after" in opts:
            hdrs.append(("retry-after", opts["retry-after"]))
            retry_s = opts["retry-after"]
        if "retry-after-ms" in opts:
            hdrs.append(("retry-after-ms", opts["retry-after-ms"]))
        if "retry-after-date" in opts:
            ahead = float(opts["retry-after-date"] or 2)
            hdrs.append(("retry-after", email.utils.formatdate(
                time.time() + ahead, usegmt=True)))
        if "x-should-retry" in opts:
            hdrs.append(("x-should-retry", opts["x-should-retry"]))
        if kind is not None and kind.startswith("x-should-retry="):
            hdrs.append(("x-should-retry", kind.split("=", 1)[1]))
            kind = "503"
        if kind == "hold":
            # Answer once the file exists: a test decides when, by an
            # event, not by a clock (at most 10 minutes).
            path, waited = opts.get("file", ""), 0.0
            while path and not os.path.exists(path) and waited < 600:
                time.sleep(0.01)
                waited += 0.01
            kind = None
        delay = opts.get("delay")
        models = self.server.models
        if delay is None and kind is None and models is not None:
            delay = models.delay(model) * 1000
        if kind == "timeout" and not delay:
            delay = TIMEOUT_DEFAULT_MS
        if delay:
            time.sleep(float(delay) / 1000)
        compress = "identity" not in opts

        if kind is not None and re.fullmatch(r"[1-5][0-9][0-9]", kind):
            status = int(kind)
            if status >= 400:
                return self.send_json(status, d.error(
                    status, "fault %d from fakeprovider" % status,
                    retry_s=retry_s), hdrs)
        if kind == "insufficient_quota":
            msg = ("You exceeded your current quota, please check your "
                   "plan and billing details.")
            if d is Anthropic:
                return self.send_json(402, d.error(
                    402, "Your credit balance is too low."), hdrs)
            if d is Ollama:
                return self.send_json(429, {"error": "insufficient_quota: "
                                            + msg}, hdrs)
            return self.send_json(429, d.error(
                429, msg, etype="insufficient_quota",
                code="insufficient_quota"), hdrs)
        if kind == "html":
            return self.send(502, "<html>\r\n<head><title>502 Bad Gateway"
                             "</title></head>\r\n<body>\r\n<center><h1>502 "
                             "Bad Gateway</h1></center>\r\n<hr><center>"
                             "nginx</center>\r\n</body>\r\n</html>\r\n",
                             ctype="text/html", headers=hdrs)
        if kind == "malformed":
            return self.send(200, "{malformed json: <<<chaos>>>",
                             headers=hdrs, compress=False)
        if kind == "hangup":
            return self.drop(rst=False)
        if kind == "echo-key":
            # A careless server: the key it was sent comes back in the
            # error message, or in the answer and a header with status=200.
            key = "Bearer %s" % (self.got_key or "")
            status = int(opts.get("status") or 401)
            if status != 200:
                return self.send_json(status, d.error(
                    status, "Incorrect API key provided: %s" % key), hdrs)
            hdrs.append(("x-echo-key", key))
            return self.send(200, d.reply(n, model, "you sent " + key,
                                          False, 1, 3), headers=hdrs)
        if kind == "bighead":
            return self.big_head(int(opts.get("size") or BIGHEAD_DEFAULT),
                                 int(opts.get("lines") or 1), hdrs)

        prompt_words = sum(len(t.split()) for _, t in texts)
        text = None
        if models is not None:
            text = models.answer(model, texts, last)
        if text is None:
            text = "%s: %s" % (model, last)
        if kind == "nul":
            text = "%s: before\u0000after" % model
        if kind == "big":
            size = int(opts.get("size") or BIG_DEFAULT)
            text = "x" * size
        words = text.split()
        cut = isinstance(limit, int) and 0 <= limit < len(words)
        if cut:
            words = words[:limit]
            text = " ".join(words)
        reply = d.reply(n, model, text, cut, prompt_words, len(words))
        read = int(opts.get("cache-read") or 0)
        write = int(opts.get("cache-write") or 0)
        if (read or write) and hasattr(d, "with_cache"):
            d.with_cache(reply, min(read, prompt_words),
                         min(write, max(0, prompt_words - read)))

        if kind == "big":
            return self.send(200, reply, headers=hdrs, compress=compress,
                             chunked="chunked" in opts)
        if kind in ("reset", "truncate"):
            data = json.dumps(reply).encode()
            half = data[:len(data) // 2]
            if kind == "truncate":
                return self.send(200, half, headers=hdrs, compress=False)
            self.wfile.write(self.raw_head(200, len(data), hdrs) + half)
            return self.drop(rst=True)
        if kind is None and self.server.limits is not None:
            more, refusal = self.server.limits.check(
                d, model, prompt_words, len(words), self.arrived)
            hdrs += more
            if refusal is not None:
                msg, wait = refusal
                return self.send_json(429, d.error(
                    429, msg, retry_s="%.3f" % wait), hdrs)
        if stream:
            return self.send(200, self.ndjson(reply), headers=hdrs,
                             ctype="application/x-ndjson", compress=compress)
        return self.send(200, reply, headers=hdrs, compress=compress)

    @staticmethod
    def ndjson(reply):
        """Ollama's stream: one line per word, then the done line."""
        lines = []
        for w in reply["message"]["content"].split(" "):
            lines.append({"model": reply["model"],
                          "created_at": reply["created_at"],
                          "message": {"role": "assistant", "content": w + " "},
                          "done": False})
        last = dict(reply)
        last["message"] = {"role": "assistant", "content": ""}
        lines.append(last)
        return "".join(json.dumps(x) + "\n" for x in lines)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        # A client that went away, or a connection a fault closed.
        if isinstance(sys.exc_info()[1], (OSError, ValueError)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, default=0,
                    help="port on 127.0.0.1; 0 picks a free one")
    ap.add_argument("--key", help="API key every request must carry")
    ap.add_argument("--pid-file", help="write the process id here")
    ap.add_argument("--forward", metavar="URL",
                    help="pass every POST to the server at URL (recorded "
                    "and held like a chat request) instead of answering")
    ap.add_argument("--models", metavar="FILE",
                    help="a JSON file of rules by which the models it "
                    "names answer, and their delays (class Models)")
    ap.add_argument("--verbose", action="store_true",
                    help="log requests on stderr")
    ap.add_argument("--limit-rps", type=float, default=0,
                    help="requests a second per dialect and model")
    ap.add_argument("--limit-burst", type=float, default=0,
                    help="requests at once (default: a quarter second's)")
    ap.add_argument("--limit-tps", type=float, default=0,
                    help="tokens a second per dialect and model "
                    "(Anthropic: input and output each)")
    ap.add_argument("--limit-token-burst", type=float, default=0,
                    help="tokens at once (default: a quarter second's)")
    ap.add_argument("--strict-window", metavar="N:SECONDS",
                    help="refuse, and count as a violation, a request "
                    "that arrives when N others came in the last SECONDS")
    args = ap.parse_args()

    models = None
    if args.models:
        try:
            models = Models(args.models)
        except ModelsError as e:
            sys.stderr.write("fakeprovider: --models %s\n" % e)
            sys.exit(2)
    server = Server(("127.0.0.1", args.port), Handler)
    server.models = models
    server.state = State(args.key, args.verbose)
    server.state.forward = args.forward
    server.gate = Gate(server.state)
    window = None
    if args.strict_window:
        n, _, sec = args.strict_window.partition(":")
        window = (int(n), float(sec))
    server.limits = None
    if args.limit_rps or args.limit_tps or window:
        server.limits = Limits(args.limit_rps, args.limit_burst,
                               args.limit_tps, args.limit_token_burst, window)
    if args.pid_file:
        with open(args.pid_file, "w") as f:
            f.write("%d\n" % os.getpid())
    sys.stdout.write("PORT=%d\n" % server.server_address[1])
    sys.stdout.flush()

    # SIGTERM and SIGINT stop it, saying on stderr who sent them: a test
    # that finds its fake gone can tell a stray kill from a crash.
    stops = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stops)

    def stopper():
        info = signal.sigwaitinfo(stops)
        try:
            with open("/proc/%d/cmdline" % info.si_pid, "rb") as f:
                who = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            who = "?"
        sys.stderr.write("fakeprovider: %s from pid %d (%s): stopping\n" % (
            signal.Signals(info.si_signo).name, info.si_pid, who.strip()))
        sys.stderr.flush()
        server.shutdown()
    threading.Thread(target=stopper, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        if args.pid_file:
            try:
                os.unlink(args.pid_file)
            except OSError:
                pass


if __name__ == "__main__":
    main()
