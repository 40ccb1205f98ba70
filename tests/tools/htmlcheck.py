#!/usr/bin/env python3
"""Checks an HTML report of morph strictly, as the page is meant to be.

    python3 htmlcheck.py REPORT

Python's html.parser reads the page without forgiving anything a browser
would repair: the file is UTF-8 without control characters; it starts with
<!DOCTYPE html>; every element is an HTML element, and every element but
the void ones is closed explicitly and in order; ids are unique, and every
link within the page (#id) leads to one; no attribute is an event handler
or a style, no element has a src, and every href is a fragment (nothing
can load); character references are ones HTML names; there is no comment;
there is one <style> and one <script>, and the Content-Security-Policy
names exactly their SHA-256.  Prints each problem and exits 1, or prints
"ok" and exits 0.  Python 3 standard library only.
"""

import base64
import hashlib
import html.entities
import re
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
KNOWN = VOID | {
    "a", "abbr", "article", "aside", "b", "blockquote", "body", "button",
    "caption", "code", "colgroup", "dd", "del", "details", "div", "dl",
    "dt", "em", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "head", "header", "html", "i", "ins",
    "kbd", "label", "legend", "li", "main", "mark", "nav", "ol", "option",
    "output", "p", "pre", "samp", "script", "section", "select", "small",
    "span", "strong", "style", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "time", "title", "tr", "ul", "var", "svg",
    "g", "path", "line", "polyline", "circle", "rect", "text", "title",
    "desc", "tspan"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.problems = []
        self.stack = []
        self.ids = {}
        self.links = []
        self.count = {}
        self.csp = None
        self.doctype = False
        self.first = True

    def problem(self, what):
        line, col = self.getpos()
        self.problems.append("%d:%d: %s" % (line, col + 1, what))

    def handle_decl(self, decl):
        if self.first and decl.lower() == "doctype html":
            self.doctype = True
        self.first = False

    def handle_starttag(self, tag, attrs):
        self.first = False
        self.count[tag] = self.count.get(tag, 0) + 1
        if tag not in KNOWN:
            self.problem("<%s> is not an element of the page" % tag)
        for k, v in attrs:
            if k.startswith("on") or k == "style":
                self.problem("<%s %s=...>: not allowed" % (tag, k))
            if k == "src":
                self.problem("<%s src=%r>: nothing may load" % (tag, v))
            if k == "href" and not (v or "").startswith("#"):
                self.problem("<%s href=%r>: not a fragment" % (tag, v))
            if k == "href" and "=" not in v and len(v) > 1:
                self.links.append((self.getpos(), v[1:]))
            if k == "id":
                if v in self.ids:
                    self.problem("id %r used twice" % v)
                self.ids[v] = True
            if v is None and k not in ("hidden", "open", "selected",
                                       "disabled", "checked"):
                self.problem("<%s %s>: attribute without a value" % (tag, k))
        d = dict(attrs)
        if tag == "meta" and d.get("http-equiv") == \
                "Content-Security-Policy":
            self.csp = d.get("content", "")
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        # In SVG (foreign content) "<path/>" closes itself, as in XML.
        in_svg = any(t == "svg" for t, _ in self.stack)
        self.handle_starttag(tag, attrs)
        if tag not in VOID and in_svg:
            self.stack.pop()
        elif tag not in VOID:
            self.problem("<%s/>: not a void element" % tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            self.problem("</%s>: a void element has no end tag" % tag)
            return
        if not self.stack:
            self.problem("</%s> closes nothing" % tag)
            return
        top, pos = self.stack.pop()
        if top != tag:
            self.problem("</%s> closes <%s> of line %d" % (tag, top, pos[0]))

    def handle_comment(self, data):
        self.problem("a comment: <!--%s-->" % data[:40])

    def handle_entityref(self, name):
        if name + ";" not in html.entities.html5:
            self.problem("&%s; is no character reference" % name)

    def handle_charref(self, name):
        try:
            c = int(name[1:], 16) if name[:1] in "xX" else int(name)
        except ValueError:
            self.problem("&#%s; is no character reference" % name)
            return
        if c < 0x20 and c not in (9, 10, 13) or 0x7f <= c <= 0x9f:
            self.problem("&#%s; is a control character" % name)


def main():
    raw = open(sys.argv[1], "rb").read()
    problems = []
    try:
        page = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print("not UTF-8: %s" % e)
        return 1
    for m in re.finditer(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", page):
        problems.append("a control character U+%04X at offset %d" %
                        (ord(m.group()), m.start()))
        break
    c = Checker()
    c.feed(page)
    c.close()
    problems += c.problems
    if not c.doctype:
        problems.append("the page does not start with <!DOCTYPE html>")
    for tag, pos in c.stack:
        problems.append("<%s> of line %d is never closed" % (tag, pos[0]))
    for pos, target in c.links:
        if target not in c.ids:
            problems.append("%d: a link to #%s, which is no id" %
                            (pos[0], target))
    for tag in ("style", "script"):
        if c.count.get(tag, 0) != 1:
            problems.append("%d <%s> elements, not one" %
                            (c.count.get(tag, 0), tag))
    # The policy names the style and the script by their hashes.
    if c.csp is None:
        problems.append("no Content-Security-Policy")
    else:
        for tag, directive in (("style", "style-src"),
                               ("script", "script-src")):
            m = re.search(r"<%s>(.*?)</%s>" % (tag, tag), page, re.S)
            body = m.group(1) if m else ""
            want = "'sha256-%s'" % base64.b64encode(
                hashlib.sha256(body.encode()).digest()).decode()
            if "%s %s;" % (directive, want) not in c.csp + ";":
                problems.append("the CSP's %s is not %s" % (directive, want))
        if "default-src 'none'" not in c.csp:
            problems.append("the CSP does not default to 'none'")
    for p in problems:
        print(p)
    if not problems:
        print("ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
