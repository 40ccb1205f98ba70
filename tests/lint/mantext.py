#!/usr/bin/env python3
"""Checks man pages for markup that mandoc accepts but renders wrong.

    python3 mantext.py PAGE...

mandoc -Tlint passes pages whose text comes out garbled: a flag macro that
runs on over the words after a comma (".Pq Fl j , 8 by default" prints
"(-j, -8 -by -default)"), quote macros on one line nesting instead of
following each other (".Pq Ql a , Ql b" prints "(`a, `b'')"), a literal
double quote in a macro argument taken as mdoc quoting (".Ql {"a": "b"}"
prints "{"a": b }").  This script looks for such glitches in the source
lines and in the text mandoc renders, with the literal displays (.Bd
-literal, .Dl) left out since their text is shown as written.

Prints "not ok: FILE: ..." for each problem and exits 1 if there was any.
Python 3 standard library and mandoc only.
"""

import os
import re
import subprocess
import sys

# Flags of other programs that pages mark up with Fl, and where.
OTHER_FLAGS = {
    "-c",  # /bin/sh -c, in morph-suite(5)
}

# The mdoc macros that may be called on a line, after the first: a word
# spelled like a macro but not one of these ("Fl Afu") is text.
CALLABLE = set("""Ac Ad An Ao Ap Aq Ar At Bc Bo Bq Brc Bro Brq Bsx Bx Cd Cm Dc
    Do Dq Dv Dx Ec Em En Eo Er Es Ev Fa Fc Fl Fn Fo Fr Fx Ic In Li Lk Ms Mt Nm
    No Ns Nx Oc Oo Op Ot Ox Pa Pc Pf Po Pq Qc Ql Qo Qq Sc So Sq St Sx Sy Ta
    Tn Ux Va Vt Xc Xo Xr""".split())
DELIMITER = re.compile(r"^[.,:;()\[\]?!|]$")


def macro_args(line):
    """The arguments of a macro line as mdoc splits them, with for each
    a problem with its quoting or None."""
    args = []
    i, n = 0, len(line)
    while i < n:
        if line[i] == " ":
            i += 1
            continue
        if line[i] == '"':
            j = i + 1
            text = ""
            while j < n:
                if line[j] == '"' and j + 1 < n and line[j + 1] == '"':
                    text += '"'
                    j += 2
                elif line[j] == '"':
                    break
                else:
                    text += line[j]
                    j += 1
            problem = None
            if j >= n:
                problem = "unterminated quoted argument"
            elif j + 1 < n and line[j + 1] != " ":
                problem = ('text right after the closing quote of "%s": '
                           'write \\(dq for a literal double quote' % text)
            args.append((text, problem))
            i = j + 1
            continue
        j = line.find(" ", i)
        if j < 0:
            j = n
        word = line[i:j]
        problem = None
        if '"' in word:
            problem = ('double quote inside the argument %s: write \\(dq '
                       'for a literal double quote' % word)
        args.append((word, problem))
        i = j
    return args


def without_displays(lines):
    """The lines of a page without its literal displays."""
    out, depth = [], 0
    for line in lines:
        if depth > 0:
            if line.startswith(".Bd"):
                depth += 1
            elif line.startswith(".Ed"):
                depth -= 1
            continue
        if line.startswith(".Bd") and ("-literal" in line or
                                       "-unfilled" in line):
            depth = 1
            continue
        if line.startswith(".Dl"):
            continue
        out.append(line)
    return out


def flags_of(lines):
    """The flags the SYNOPSIS and the .It lines of a page name, as they
    render ("--json", "-fu")."""
    flags, section = set(), None
    for line in lines:
        if line.startswith(".Sh"):
            section = line[3:].strip()
            continue
        if not (section == "SYNOPSIS" or line.startswith(".It")):
            continue
        if not line.startswith("."):
            continue
        # bare: an Fl with no word after it yet.  "Fl Ns Ar count" is
        # the dash alone before an argument, the "-count" of "head
        # -count": a flag of its own.
        in_fl = bare = False
        for word, _ in macro_args(line[1:]):
            if word == "Fl":
                in_fl = bare = True
            elif word in CALLABLE:
                if bare:
                    flags.add("-")
                in_fl = bare = False
            elif in_fl and not DELIMITER.match(word):
                flags.add("-" + word.replace("\\-", "-"))
                bare = False
        if bare:
            flags.add("-")
    return flags


def render(page, text):
    """The page as mandoc prints it, paragraphs on one line each, with
    overstrike (bold "X\\bX", underline "_\\bX") kept."""
    r = subprocess.run(["mandoc", "-Tutf8", "-Owidth=1000"],
                       input=text.encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if r.returncode > 1:
        sys.exit("mantext: mandoc %s: %s" % (page, r.stderr.decode()))
    return r.stdout.decode()


def plain(text):
    return re.sub(r".\x08", "", text)


def check_quotes(para):
    """A problem with the quotes of a rendered paragraph, or None."""
    for open_q, close_q in (("\u2018", "\u2019"), ("\u201c", "\u201d")):
        seq = [c for c in para if c in (open_q, close_q)]
        depth = 0
        for c in seq:
            depth += 1 if c == open_q else -1
            if depth not in (0, 1):
                return "quotes %s%s nest or do not match" % (open_q, close_q)
        if depth != 0:
            return "a quote %s is never closed" % open_q
    return None


def check_parens(para):
    """A problem with the parentheses of a rendered paragraph, or None.
    Text in single quotes is literal and not counted."""
    text = re.sub("\u2018[^\u2019]*\u2019", "", para)
    depth = 0
    for c in text:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return "a ')' closes nothing"
    if depth != 0:
        return "a '(' is never closed"
    return None


ESCAPE = re.compile(r"\\(&|\(|\[|\*|f[A-Za-z0-9(\[])")
MACRO_AS_TEXT = re.compile(r"(^|\s)\.[A-Z][a-z]{1,2}(\s|$)")


def main(pages):
    sources = {}
    for page in pages:
        with open(page, encoding="utf-8") as f:
            sources[page] = f.read().split("\n")
    known = set(OTHER_FLAGS)
    for lines in sources.values():
        known |= flags_of(lines)

    problems = 0

    def bad(page, what, context=""):
        nonlocal problems
        problems += 1
        name = os.path.basename(page)
        print("not ok: %s: %s" % (name, what))
        if context:
            print("  in: %s" % context[:300])

    for page, lines in sources.items():
        for num, line in enumerate(lines, 1):
            if line.startswith(".") and not line.startswith('.\\"'):
                for _, problem in macro_args(line[1:]):
                    if problem:
                        bad(page, "line %d: %s" % (num, problem), line)

        out = render(page, "\n".join(without_displays(lines)))
        for para in re.split(r"\n[ \t]*\n", out):
            text = plain(para)
            flat = " ".join(text.split())
            for check in (check_quotes, check_parens):
                problem = check(text)
                if problem:
                    bad(page, problem, flat)
            m = ESCAPE.search(text)
            if m:
                bad(page, "a roff escape printed as text: %s" % m.group(0),
                    flat)
            m = MACRO_AS_TEXT.search(text)
            if m:
                bad(page, "a macro printed as text: %s" % m.group(0).strip(),
                    flat)
            for m in re.finditer(r"(?:(.)\x08\1)+", para):
                word = plain(m.group(0))
                if word.startswith("-") and word not in known:
                    bad(page, "%s is set as a flag but no command has it"
                        % word, flat)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
