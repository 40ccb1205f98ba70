#!/usr/bin/env python3
"""Checks SVG charts written by lib/svgchart.c with an XML parser (expat)
that owes nothing to the writer, for tests/unit/test-svgchart.c.

    svgcheck.py FILE

FILE holds one <svg> element, or several inside one <charts> element.
Each must be well-formed XML in strict UTF-8, in the SVG namespace, with
role="img", a viewBox matching its width and height, a <title> then a
<desc> first; only the elements and attributes the writer uses (no
script, no style, no event handler, no link); numeric attributes as
plain decimals (no locale's comma); every colour but the paper and the
gridlines at least 3:1 against white.

Prints, one line each in document order, every element with text:
its tag, a tab and its own text (a child's text is on the child's line).
Exits 1, saying why on stderr, when a check fails.
"""
import re
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
TAGS = {"svg", "title", "desc", "g", "path", "rect", "text"}
ATTRS = {"version", "width", "height", "viewBox", "role", "font-family",
         "font-size", "fill", "stroke", "stroke-width", "stroke-dasharray",
         "d", "x", "y", "transform", "text-anchor", "font-weight"}
NUMERIC = {"width", "height", "x", "y", "font-size", "stroke-width"}
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?$")
PATH = re.compile(r"([MmLlHhVvAaZz]|-?[0-9]+(\.[0-9]+)?|[ ,])*$")
DECORATION = {"#ffffff", "#e0e0e0", "none"}


def luminance(colour):
    rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
           for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def fail(msg):
    sys.stderr.write("svgcheck: %s\n" % msg)
    sys.exit(1)


def check_svg(svg):
    if svg.tag != SVG + "svg":
        fail("root is %s, not svg" % svg.tag)
    if svg.get("role") != "img":
        fail("svg lacks role=img")
    box = "0 0 %s %s" % (svg.get("width"), svg.get("height"))
    if svg.get("viewBox") != box:
        fail("viewBox %r is not %r" % (svg.get("viewBox"), box))
    kids = list(svg)
    if len(kids) < 2 or kids[0].tag != SVG + "title" or \
            kids[1].tag != SVG + "desc":
        fail("svg does not start with title and desc")
    for el in svg.iter():
        if not el.tag.startswith(SVG):
            fail("element %s outside the SVG namespace" % el.tag)
        tag = el.tag[len(SVG):]
        if tag not in TAGS:
            fail("unexpected element %s" % tag)
        if tag == "svg" and el is not svg:
            fail("nested svg")
        for name, value in el.attrib.items():
            if name not in ATTRS:
                fail("unexpected attribute %s on %s" % (name, tag))
            if name in NUMERIC and not NUMBER.match(value):
                fail("attribute %s=%r is no plain number" % (name, value))
            if name == "d" and not PATH.match(value):
                fail("path data %r" % value)
            if name in ("fill", "stroke") and value not in DECORATION:
                if not re.match(r"#[0-9a-f]{6}$", value):
                    fail("colour %r" % value)
                ratio = 1.05 / (luminance(value) + 0.05)
                if ratio < 3:
                    fail("colour %s has contrast %.2f:1" % (value, ratio))


def own_text(el):
    parts = [el.text or ""] + [kid.tail or "" for kid in el]
    return "".join(parts)


def main():
    if len(sys.argv) != 2:
        fail("usage: svgcheck.py FILE")
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    try:
        data.decode("utf-8", "strict")
    except UnicodeDecodeError as e:
        fail("not UTF-8: %s" % e)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        fail("not well-formed: %s" % e)
    charts = [root] if root.tag != "charts" else list(root)
    if not charts:
        fail("no chart")
    for svg in charts:
        check_svg(svg)
    out = []
    for el in root.iter():
        text = own_text(el)
        if text:
            tag = el.tag[len(SVG):] if el.tag.startswith(SVG) else el.tag
            out.append("%s\t%s\n" % (tag, text.replace("\n", "\\n")))
    sys.stdout.buffer.write("".join(out).encode("utf-8"))


main()
