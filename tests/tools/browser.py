#!/usr/bin/env python3
"""Opens an HTML report of morph in headless Chromium and says what it saw.

    python3 browser.py REPORT OUTDIR [--case ID] [--filter FRAGMENT ...]
        [--type TEXT]
    python3 browser.py --timing REPORT

drives Chromium over the DevTools protocol on a pipe
(--remote-debugging-pipe: no port, nothing listens) and prints one JSON
object on stdout:

  loaded        true once the page's load event fired
  console       messages the page logged, exceptions it threw and the
                browser's own errors about it (a CSP violation is one),
                as [level, text]
  requests      every URL the page asked for, the document itself included
  scripts       the number of <script> elements
  cases         ids of the cases shown (not hidden) after loading
  filters       for each --filter FRAGMENT: the fragment set, then the ids
                of the cases shown once the page's hashchange ran
  typed         with --type TEXT: the fragment and the count of cases
                shown once TEXT is typed into the search box, then the
                fragment once the filters are cleared
  unlabelled    form controls without a label
  headers       <th> elements without a scope
  contrast      the lowest contrast ratio of any visible text with its
                background, and up to 5 [ratio, text] below 4.5
  focus         for each Tab pressed: the element focused, and whether a
                visible outline marks it ([tag, outline])
  screenshots   PNG files written into OUTDIR: summary.png (the summary
                section), charts.png (the charts), case.png (the case
                --case ID, with its outputs side by side)

With --timing it only loads the page and prints how long that took:
wall_ms from the navigation to the load event as seen from outside, and
the page's own Navigation Timing (dom_ms to DOMContentLoaded, load_ms to
the end of the load event), and filter_ms, the time the page's script
takes to apply a filter (#status=regression) to every case.

Chromium that cannot start exits 77 with the reason on stderr.  Every wait
is for an event (a reply, the load event), each bounded by a deadline;
none is a sleep.  Python 3 standard library only.
"""

import argparse
import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

DEADLINE = 60  # seconds for any one reply or event


class Browser:
    def __init__(self, exe, profile):
        # Chromium reads commands on fd 3 and writes replies on fd 4.
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()

        def child_fds():
            a, b = os.dup(to_r), os.dup(from_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", "--user-data-dir=" + profile,
             "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking",
             "--disable-sync", "--hide-scrollbars", "--mute-audio",
             "--window-size=1280,900", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(profile, "stderr"), "w"),
            preexec_fn=child_fds, close_fds=False)
        os.close(to_r)
        os.close(from_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def close(self):
        try:
            self.send("Browser.close", session=False, wait=False)
        except OSError:
            pass
        try:
            self.proc.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_w)
        os.close(self.from_r)

    def read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply from chromium")
            r, _, _ = select.select([self.from_r], [], [], left)
            if not r:
                continue
            chunk = os.read(self.from_r, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buf += chunk
        msg, _, self.buf = self.buf.partition(b"\0")
        return json.loads(msg)

    def send(self, method, params=None, session=True, wait=True):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session is not None:
            msg["sessionId"] = self.session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        if not wait:
            return None
        deadline = time.monotonic() + DEADLINE
        while True:
            m = self.read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method):
        """The first event called method not yet taken."""
        deadline = time.monotonic() + DEADLINE
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self.read_message(deadline))

    def js(self, expr):
        r = self.send("Runtime.evaluate", {"expression": expr,
                                           "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError("evaluating %s: %s" %
                               (expr[:60], r["exceptionDetails"]))
        return r["result"].get("value")


SHOWN = ("Array.from(document.querySelectorAll('article.case'))"
         ".filter(e => !e.hidden).map(e => e.id)")

# The contrast of each visible text with the background behind it, as
# WCAG 2 defines the ratio (relative luminance of sRGB colours).
CONTRAST = r"""(() => {
  function rgb(s) { const m = s.match(/[\d.]+/g) || [];
    return m.map(Number).concat([1]).slice(0, 4); }
  function lum(c) { const v = c.slice(0, 3).map(x => { x /= 255;
    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
  function bg(e) { for (; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c[3] > 0) return c; } return [255, 255, 255, 1]; }
  let low = 21, bad = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const e = n.parentElement;
    if (!n.textContent.trim() || !e || e.closest('[hidden]') ||
        !e.getClientRects().length) continue;
    const a = lum(rgb(getComputedStyle(e).color)), b = lum(bg(e));
    const r = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (r < low) low = r;
    if (r < 4.5 && bad.length < 5) bad.push([r, n.textContent.slice(0, 40)]);
  }
  return [low, bad];
})()"""


def clip_of(b, selector):
    r = b.js("(() => { const e = document.querySelector(%s); if (!e) "
             "return null; const r = e.getBoundingClientRect(); return "
             "{x: r.left + scrollX, y: r.top + scrollY, width: r.width, "
             "height: r.height, scale: 1}; })()" % json.dumps(selector))
    return r


def screenshot(b, selector, path):
    clip = clip_of(b, selector)
    if clip is None or clip["width"] <= 0 or clip["height"] <= 0:
        return False
    r = b.send("Page.captureScreenshot", {"format": "png", "clip": clip,
                                          "captureBeyondViewport": True})
    with open(path, "wb") as f:
        f.write(base64.b64decode(r["data"]))
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("outdir", nargs="?")
    ap.add_argument("--timing", action="store_true")
    ap.add_argument("--case")
    ap.add_argument("--filter", action="append", default=[])
    ap.add_argument("--tabs", type=int, default=8)
    ap.add_argument("--type")
    a = ap.parse_args()

    exe = shutil.which("chromium") or shutil.which("chromium-browser") or \
        shutil.which("google-chrome")
    if exe is None:
        print("no chromium on the PATH", file=sys.stderr)
        return 77
    profile = tempfile.mkdtemp(prefix="morph-browser.")
    url = "file://" + os.path.abspath(a.report)
    out = {"console": [], "requests": []}
    try:
        try:
            b = Browser(exe, profile)
            targets = b.send("Target.getTargets", session=False)
        except (OSError, EOFError, TimeoutError) as e:
            with open(os.path.join(profile, "stderr")) as f:
                why = f.read().strip().splitlines()[-1:] or [str(e)]
            print("chromium cannot start: %s" % why[0], file=sys.stderr)
            return 77
        page = [t for t in targets["targetInfos"] if t["type"] == "page"][0]
        b.session = b.send("Target.attachToTarget",
                           {"targetId": page["targetId"], "flatten": True},
                           session=False)["sessionId"]
        for d in ("Page", "Runtime", "Log", "Network"):
            b.send(d + ".enable")
        t0 = time.monotonic()
        b.send("Page.navigate", {"url": url})
        b.wait_event("Page.loadEventFired")
        wall = (time.monotonic() - t0) * 1000
        out["loaded"] = True
        if a.timing:
            nav = b.js("(() => { const n = performance.getEntriesByType("
                       "'navigation')[0]; return [n.domContentLoadedEventEnd,"
                       " n.loadEventEnd]; })()")
            if not nav[1]:
                # The load event's end is set once its handlers ran.
                nav = b.js("new Promise(ok => setTimeout(() => { const n ="
                           " performance.getEntriesByType('navigation')[0];"
                           " ok([n.domContentLoadedEventEnd, n.loadEventEnd"
                           "]); }, 0))")
            took = b.js("new Promise(ok => { const t = performance.now();"
                        " addEventListener('hashchange', () => ok("
                        "performance.now() - t), {once: true}); "
                        "location.hash = 'status=regression'; })")
            b.close()
            json.dump({"wall_ms": round(wall), "dom_ms": round(nav[0]),
                       "load_ms": round(nav[1]), "filter_ms": round(took)},
                      sys.stdout)
            print()
            return 0
        out["scripts"] = b.js("document.scripts.length")
        out["cases"] = b.js(SHOWN)
        out["filters"] = []
        for frag in a.filter:
            # The page's own hashchange handler applies the filter; the
            # promise resolves after it, being registered later.
            shown = b.js("new Promise(ok => { addEventListener('hashchange',"
                         " () => ok(%s), {once: true}); location.hash = %s;"
                         " })" % (SHOWN, json.dumps(frag)))
            out["filters"].append([frag, shown])
        b.js("new Promise(ok => { addEventListener('hashchange', () => "
             "ok(), {once: true}); location.hash = 'status='; })")
        # Typed into the form, a filter goes into the fragment.
        if a.type is not None:
            out["typed"] = b.js(
                "(() => { const q = document.getElementById('f-q'); "
                "q.value = %s; q.dispatchEvent(new Event('input', "
                "{bubbles: true})); const r = [location.hash, "
                "document.getElementById('f-count').textContent]; "
                "document.getElementById('f-clear').click(); "
                "return r.concat([location.hash]); })()" %
                json.dumps(a.type))
        out["unlabelled"] = b.js(
            "Array.from(document.querySelectorAll('input, select, "
            "textarea, button')).filter(e => e.tagName !== 'BUTTON' ? "
            "!e.labels.length : !e.textContent.trim()).map(e => e.id)")
        out["headers"] = b.js(
            "Array.from(document.querySelectorAll('th'))"
            ".filter(e => !e.getAttribute('scope')).length")
        low, bad = b.js(CONTRAST)
        out["contrast"] = [round(low, 2), bad]
        out["focus"] = []
        b.js("document.activeElement && document.activeElement.blur()")
        for _ in range(a.tabs):
            for t in ("keyDown", "keyUp"):
                b.send("Input.dispatchKeyEvent", {
                    "type": t, "key": "Tab", "code": "Tab",
                    "windowsVirtualKeyCode": 9})
            out["focus"].append(b.js(
                "(() => { const e = document.activeElement, s = "
                "getComputedStyle(e); return [e.tagName.toLowerCase() + "
                "(e.id ? '#' + e.id : ''), s.outlineStyle !== 'none' && "
                "parseFloat(s.outlineWidth) >= 2]; })()"))
        out["screenshots"] = []
        os.makedirs(a.outdir, exist_ok=True)
        if screenshot(b, "#summary", os.path.join(a.outdir, "summary.png")):
            out["screenshots"].append("summary.png")
        if screenshot(b, "#charts", os.path.join(a.outdir, "charts.png")):
            out["screenshots"].append("charts.png")
        if a.case and screenshot(b, "#" + a.case,
                                 os.path.join(a.outdir, "case.png")):
            out["screenshots"].append("case.png")
        for m in b.events:
            p = m.get("params", {})
            if m.get("method") == "Runtime.consoleAPICalled":
                out["console"].append([p["type"], " ".join(
                    str(x.get("value", x.get("description", "")))
                    for x in p.get("args", []))])
            elif m.get("method") == "Runtime.exceptionThrown":
                out["console"].append(["exception", p["exceptionDetails"]
                                       .get("text", "")])
            elif m.get("method") == "Log.entryAdded":
                e = p["entry"]
                out["console"].append([e["level"], e["text"]])
            elif m.get("method") == "Network.requestWillBeSent":
                out["requests"].append(p["request"]["url"])
        b.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
