#!/usr/bin/env bash
# morph report: a prompt change that makes one model regress on one case,
# written as one HTML page and checked as a reviewer's browser would take
# it.  The page is valid (a strict parser, and tidy where installed) and
# can load nothing; in headless Chromium it loads with no console message
# and no request but its own file, shows the regressed case side by side,
# its filters (driven by the URL's fragment) hide what they should, it is
# usable from the keyboard with enough contrast, and screenshots of the
# summary and of the regression are taken.  Then a property test: random
# hostile strings as model outputs, case ids, variables and a model id
# render as text, with the page's own script the only one.
#
# Chromium is Debian's chromium package; without it (or when it cannot
# start) the browser checks are skipped with a message.  The screenshots
# are copied to $MORPH_TEST_ARTIFACTS when that is set.
. "$(dirname "$0")/lib.sh"
tools=$MORPH_SOURCE_DIR/tests/tools

# A model of the fake provider that says it does not know France's
# capital once the prompt asks for brevity; every other answer is the
# fake's echo, "<model>: <prompt>".
cat >"$T_ROOT/models.json" <<'EOF'
{"small": {"rules": [{"match": "France, briefly", "reply": "small: no idea"}]}}
EOF
fake_start --models "$T_ROOT/models.json"
new_repo r
ok morph config --type json providers.fake \
    "{\"dialect\":\"openai\",\"base_url\":\"$FAKE_URL/v1\"}"
mkdir -p prompts cases
printf 'Name the capital of {{country}}: {{city}}.\n' >prompts/capital.txt
long=$(printf 'word%.0s ' $(seq 1 600))
cat >cases/c.jsonl <<EOF
{"id": "fr", "vars": {"country": "France", "city": "Paris"}, "assert": [{"type": "icontains", "value": "Paris"}]}
{"id": "jp", "vars": {"country": "Japan", "city": "Tokyo"}, "assert": [{"type": "icontains", "value": "Tokyo"}]}
{"id": "long", "vars": {"country": "Lorem", "city": "$long"}, "assert": [{"type": "icontains", "value": "word"}]}
EOF
cat >morph.json <<'EOF'
{"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
 "models": [{"id": "big", "model": "fake:big"},
            {"id": "small", "model": "fake:small"}]}
EOF
ok morph add .
ok morph commit -m "Capitals"
ok morph run
sed -i 's/{{country}}:/{{country}}, briefly:/' prompts/capital.txt
ok morph commit -a -m "Ask for brevity"
ok morph run

ok morph report HEAD --against HEAD~1 -o "$T_ROOT/report.html"
expect_eq "$out" "" "-o writes nothing on stdout"
page=$(cat "$T_ROOT/report.html")
ok morph report HEAD --against HEAD~1
expect_eq "$out" "$page" "the page on stdout is the file's"
expect_contains "$page" "1 regression, 0 fixes, 5 changed, 0 added, 0 removed"
expect_contains "$page" 'data-status="regression" data-model="small" data-prompt="prompts/capital.txt"'
expect_eq "$(grep -c '<article class="case"' "$T_ROOT/report.html")" 6 "six cases listed"
# The regression side by side: the prompt's new word and the new output
# marked in the run, the old words struck in the baseline.
expect_contains "$page" "Name the capital of <ins>France, briefly:</ins> Paris."
expect_contains "$page" '<td class="text">small: <del>Name the capital of France: Paris.</del></td>'
expect_contains "$page" '<td class="text">small: <ins>no idea</ins></td>'
expect_contains "$page" '<span class="fail">FAIL</span> <code>icontains</code>: output lacks &quot;Paris&quot; (any case)'
expect_contains "$page" '<ins>+Name the capital of {{country}}, briefly: {{city}}.</ins>'
# A long output is folded; a link leads to every case.
expect_contains "$page" "<details><summary>Output: "
T_CHECKS=$((T_CHECKS + 1))
ids=$(grep -o '<article class="case" id="[^"]*"' "$T_ROOT/report.html" | sed 's/.*id="//; s/"$//')
missing=0
for id in $ids; do
	grep -q "<a href=\"#$id\">" "$T_ROOT/report.html" || missing=1
done
if [ "$missing" -eq 0 ]; then pass "every case has a link"; else fail "a case without a link"; fi

# Valid, and nothing in it can load: a strict parser, tidy where it is
# installed, and no src, href or action but fragments.
ok python3 "$tools/htmlcheck.py" "$T_ROOT/report.html"
if command -v tidy >/dev/null; then
	ok tidy -errors -q "$T_ROOT/report.html"
else
	echo "# tidy is not installed (apt-get install tidy): its check skipped"
fi
expect_eq "$(grep -Eo '(src|href|action|srcset|poster)="[^#"][^"]*"' "$T_ROOT/report.html")" "" "no URL but fragments"
# The charts' xmlns names SVG's namespace, which nothing fetches.
expect_eq "$(sed 's|xmlns="http://www.w3.org/2000/svg"||g' "$T_ROOT/report.html" | grep -c 'https\?://')" 0 \
    "no http(s) URL but SVG's namespace"

# Scoring one run: its failures.
ok morph report -o "$T_ROOT/alone.html"
expect_contains "$(cat "$T_ROOT/alone.html")" "1 failing result"
ok python3 "$tools/htmlcheck.py" "$T_ROOT/alone.html"

# Errors name what failed; a failed write leaves the file as it was.
fails 2 morph report '#99'
expect_contains "$err" "run #99 not found"
fails 2 morph report -o "$T_ROOT/nowhere/r.html"
expect_contains "$err" "cannot write '$T_ROOT/nowhere/r.html'"
fails 2 morph report -o ""
fails 2 morph report HEAD HEAD~1
expect_contains "$err" "usage: morph report"
# A copy of the repository that lost the regressed output: the report
# fails halfway, after its summary, and the file it was to replace stays.
fails 1 morph eval --json HEAD --against HEAD~1
lost=$(json "d['regressions'][0]['run']['output_id']")
cp -r "$T_ROOT/r" "$T_ROOT/r-lost"
ok sqlite3 "$T_ROOT/r-lost/.morph/morph.db" "DELETE FROM objects WHERE id = X'$lost'"
echo keep >"$T_ROOT/kept.html"
fails 2 morph -C "$T_ROOT/r-lost" report HEAD --against HEAD~1 -o "$T_ROOT/kept.html"
expect_contains "$err" "$lost"
expect_eq "$(cat "$T_ROOT/kept.html")" "keep" "a failed report leaves its file"
expect_eq "$(ls -A "$T_ROOT" | grep -c morph-report)" 0 "no temporary file left"
cd "$T_ROOT"

# Runs of several samples: one entry a case, with its counts and test.
ok morph init --example s
T_REPOS+=("$T_ROOT/s")
cd s
ok morph add .
ok morph commit -m "Example suite"
ok morph run --repeat 3
sed -i 's/{{name}}, who/our new colleague, who/' prompts/welcome.txt
ok morph commit -a -m "Drop the name"
ok morph run --repeat 3
ok morph report HEAD --against HEAD~1 -o "$T_ROOT/samples.html"
samples=$(cat "$T_ROOT/samples.html")
expect_contains "$samples" "2 regressions, 0 fixes, 0 changed"
expect_contains "$samples" "Counts are of cases of 3 samples each."
expect_contains "$samples" "<p>Passed 0/3 <span class=\"muted\">[0.00, 0.56]</span> now, 3/3 <span class=\"muted\">[0.44, 1.00]</span> before; 3 worse, 0 better; McNemar p = 0.25.</p>"
expect_contains "$samples" "<caption>Sample 0</caption>"
expect_eq "$(grep -c '<article class="case"' "$T_ROOT/samples.html")" 2 "one entry a case"
ok python3 "$tools/htmlcheck.py" "$T_ROOT/samples.html"
cd "$T_ROOT"

# The browser.
chromium_ok=0
if ! command -v chromium >/dev/null; then
	echo "# skipped: no chromium (apt-get install chromium) for the browser checks"
elif ! chromium --headless --no-sandbox --disable-gpu --dump-dom about:blank \
    >/dev/null 2>"$T_ROOT/chromium.err"; then
	echo "# skipped: chromium cannot start: $(tail -1 "$T_ROOT/chromium.err")"
else
	chromium_ok=1
fi

# dom URL: the page's DOM once its script ran, in $T_ROOT/dom.html, with
# its console in $T_ROOT/dom.err.  --dump-dom returns once it is loaded.
dom() {
	chromium --headless --no-sandbox --disable-gpu --enable-logging=stderr \
	    --v=0 --dump-dom "$1" >"$T_ROOT/dom.html" 2>"$T_ROOT/dom.err"
}
# shown: "model/status" of each case the DOM shows, sorted.
shown() {
	python3 - "$T_ROOT/dom.html" <<'EOF'
import sys
from html.parser import HTMLParser
class P(HTMLParser):
    seen = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article" and "hidden" not in a:
            self.seen.append("%s/%s" % (a["data-model"], a["data-status"]))
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
print(" ".join(sorted(p.seen)))
EOF
}

if [ "$chromium_ok" -eq 1 ]; then
	url="file://$T_ROOT/report.html"
	ok dom "$url"
	expect_eq "$(shown)" "big/changed big/changed big/changed small/changed small/changed small/regression" "all six cases shown"
	expect_contains "$(cat "$T_ROOT/dom.html")" '<td class="text">small: <ins>no idea</ins></td>'
	expect_contains "$(cat "$T_ROOT/dom.html")" "6 of 6 cases shown"
	expect_eq "$(grep -c 'CONSOLE' "$T_ROOT/dom.err")" 0 "no console message"
	# Filters from the fragment.
	ok dom "$url#model=small"
	expect_eq "$(shown)" "small/changed small/changed small/regression" "#model=small"
	ok dom "$url#status=regression"
	expect_eq "$(shown)" "small/regression" "#status=regression"
	ok dom "$url#model=big&q=tokyo"
	expect_eq "$(shown)" "big/changed" "#model=big&q=tokyo"
	expect_contains "$(cat "$T_ROOT/dom.html")" "1 of 6 cases shown"
	ok dom "$url#prompt=prompts%2Fcapital.txt&status=changed"
	expect_eq "$(shown)" "big/changed big/changed big/changed small/changed small/changed" "#prompt=...&status=changed"
	expect_eq "$(grep -c 'CONSOLE' "$T_ROOT/dom.err")" 0 "no console message with filters"

	# Over the DevTools protocol: console, requests, keyboard, contrast,
	# a filter set after loading, and the screenshots.
	reg=$(grep -o '<article class="case" id="[^"]*" data-status="regression"' "$T_ROOT/report.html" | sed 's/.*id="//; s/".*//')
	ok python3 "$tools/browser.py" "$T_ROOT/report.html" "$T_ROOT/shots" \
	    --case "$reg" --filter "status=regression" --filter "q=TOKYO" \
	    --type "no idea"
	expect_eq "$(json "d['loaded'], d['console']")" "True []" "loaded, no console message"
	expect_eq "$(json "d['requests']")" "['$url']" "no request but the page"
	expect_eq "$(json "d['scripts']")" 1 "one script"
	expect_eq "$(json "d['filters'][0][1]")" "['$reg']" "a filter set after loading"
	expect_eq "$(json "len(d['filters'][1][1])")" 2 "a search ignores case"
	expect_eq "$(json "d['typed']")" "['#q=no+idea', '1 of 6 cases shown', '']" "typed into the form: the fragment follows"
	expect_eq "$(json "d['unlabelled'], d['headers']")" "[] 0" "every control labelled, every header scoped"
	expect_eq "$(json "d['contrast'][0] >= 4.5, d['contrast'][1]")" "True []" "contrast 4.5:1 or more"
	expect_eq "$(json "[f for f in d['focus'] if not f[1]]")" "[]" "the focus is visible"
	expect_eq "$(json "d['screenshots']")" "['summary.png', 'charts.png', 'case.png']" "screenshots taken"
	for png in summary charts case; do
		T_CHECKS=$((T_CHECKS + 1))
		if [ "$(head -c 8 "$T_ROOT/shots/$png.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
		    [ "$(wc -c <"$T_ROOT/shots/$png.png")" -gt 1000 ]; then
			pass "$png.png is a PNG"
		else
			fail "$png.png is not a PNG of a page"
		fi
	done
	if [ -n "${MORPH_TEST_ARTIFACTS-}" ]; then
		mkdir -p "$MORPH_TEST_ARTIFACTS"
		cp "$T_ROOT/shots/"*.png "$T_ROOT/report.html" "$MORPH_TEST_ARTIFACTS/"
	fi
fi

# The property test: each run of it draws N hostile strings (seeded, so a
# failure can be replayed with MORPH_TEST_SEED) for a model to answer, and
# hostile case ids, variables and a model id.
seed=${MORPH_TEST_SEED:-$RANDOM}
echo "# hostile strings from seed $seed"
new_repo h
ok morph config --type json providers.fake \
    "{\"dialect\":\"openai\",\"base_url\":\"$FAKE_URL/v1\"}"
mkdir -p prompts cases
python3 - "$seed" <<'EOF'
import json, random, sys
rnd = random.Random(int(sys.argv[1]))
pieces = ["<script>alert(1)</script>", "</script>", "<script", "</textarea>",
          "</pre>", "</td></tr></table>", '"onerror=alert(1) x="', "'",
          '"', "]]>", "<!--", "-->", "<![CDATA[", "&amp;", "&lt;", "&",
          "&#x3c;", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
          "javascript:alert(1)", "<style>*{display:none}</style>",
          "<a href=http://example.invalid/>", "{+", "+}", "[-", "-]",
          "\\", "\\1", "\\g<0>", "\n", "\t", "  ", "\u202e", "\u2028",
          "caf\u00e9", "\U0001F600", "<", ">", "x", "word"]
def hostile():
    s = "".join(rnd.choice(pieces) if rnd.random() < 0.7 else
                chr(rnd.randint(0x20, 0x7e)) for _ in range(rnd.randint(1, 12)))
    return s
outs = {}
rules = []
cases = []
for i in range(24):
    cid = "c%02d %s" % (i, hostile().replace("\n", " ").replace("\t", " "))
    a, b = hostile(), hostile()
    if a == b:
        b += "!"        # a changed output, listed
    outs[cid] = [a, b]
    for v, text in (("v1", a), ("v2", b)):
        # The fake expands its replies as re.Match.expand does: every
        # backslash doubled stays one.
        rules.append({"match": "^item %02d %s$" % (i, v),
                      "reply": text.replace("\\", "\\\\")})
    cases.append({"id": cid, "vars": {"n": "%02d" % i, "h": hostile()},
                  "assert": [{"type": "equals", "value": "never"}]})
json.dump({"evil": {"rules": rules}}, open("../evil.json", "w"))
json.dump(outs, open("../outputs.json", "w"))
with open("cases/c.jsonl", "w") as f:
    for c in cases:
        f.write(json.dumps(c) + "\n")
json.dump({"prompts": ["prompts/*.txt"], "cases": ["cases/*.jsonl"],
           "models": [{"id": "<b>evil</b> \"'&", "model": "fake:evil"}]},
          open("morph.json", "w"))
EOF
printf 'item {{n}} v1' >prompts/p.txt
fake_stop
fake_start --models "$T_ROOT/evil.json"
ok morph config --type json providers.fake \
    "{\"dialect\":\"openai\",\"base_url\":\"$FAKE_URL/v1\"}"
ok morph add .
ok morph commit -m "Hostile v1"
ok morph run
printf 'item {{n}} v2' >prompts/p.txt
ok morph commit -a -m "Hostile v2 <script>alert(1)</script>"
ok morph run
ok morph report HEAD --against HEAD~1 -o "$T_ROOT/hostile.html"
ok python3 "$tools/htmlcheck.py" "$T_ROOT/hostile.html"
# In the page, and in the DOM the browser makes of it: one script, no
# comment, only the page's own elements and attributes, and each output
# and each case id exactly as the model and the suite gave it, as text.
cat >"$T_ROOT/astext.py" <<'EOF'
import json, sys
from html.parser import HTMLParser
ALLOWED = {"html", "head", "meta", "title", "style", "body", "a", "header",
           "h1", "h2", "h3", "h4", "p", "strong", "code", "br", "nav", "ul",
           "li", "main", "section", "div", "table", "caption", "thead",
           "tbody", "tr", "th", "td", "colgroup", "col", "span", "pre", "del",
           "ins", "details", "summary", "form", "label", "select", "option",
           "input", "button", "article", "script",
           # the charts' inline SVG
           "figure", "svg", "title", "desc", "g", "rect", "text", "path",
           "line", "polyline", "polygon", "circle", "tspan"}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = 0
        self.bad = []
        self.stack = []
        self.cases = {}
        self.case = None
        self.row = None
        self.cell = 0
        self.text = None
    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.bad.append("element <%s>" % tag)
        for k, _ in attrs:
            if k.startswith("on") or k in ("style", "src"):
                self.bad.append("attribute %s on <%s>" % (k, tag))
        if tag == "script":
            self.scripts += 1
        a = dict(attrs)
        if tag == "article":
            self.case = {"outputs": [], "title": ""}
            self.cases[a["id"]] = self.case
        if tag == "h4" and self.case is not None:
            self.text = ""
        if tag == "tr":
            self.row, self.cell = None, 0
        if tag == "th" and self.case is not None:
            self.text = ""
        if tag == "td" and self.case is not None:
            self.cell += 1
            if self.row == "Output":
                self.text = ""
    def handle_endtag(self, tag):
        if tag == "h4" and self.case is not None:
            self.case["title"], self.text = self.text, None
        if tag == "th" and self.text is not None and self.row is None:
            self.row, self.text = self.text, None
        if tag == "td" and self.row == "Output" and self.text is not None:
            self.case["outputs"].append(self.text)
            self.text = None
    def handle_data(self, data):
        if self.text is not None:
            self.text += data
    def handle_comment(self, data):
        self.bad.append("a comment")
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
want = json.load(open(sys.argv[2]))
problems = list(p.bad)
if p.scripts != 1:
    problems.append("%d script elements" % p.scripts)
titles = {c["title"]: c for c in p.cases.values()}
for cid, (a, b) in want.items():
    c = [t for t in titles if ("case %s · <b>evil</b> \"'&" % cid) in t]
    if len(c) != 1:
        problems.append("case %r: %d entries" % (cid, len(c)))
        continue
    got = titles[c[0]]["outputs"]
    if got != [a, b]:
        problems.append("case %r: outputs %r, expected %r" % (cid, got, [a, b]))
print("\n".join(problems[:10]))
sys.exit(1 if problems else 0)
EOF
ok python3 "$T_ROOT/astext.py" "$T_ROOT/hostile.html" "$T_ROOT/outputs.json"
if [ "$chromium_ok" -eq 1 ]; then
	ok dom "file://$T_ROOT/hostile.html"
	expect_eq "$(grep -c 'CONSOLE' "$T_ROOT/dom.err")" 0 "no console message"
	ok python3 "$T_ROOT/astext.py" "$T_ROOT/dom.html" "$T_ROOT/outputs.json"
fi
if [ "$chromium_ok" -eq 1 ]; then
	ok python3 "$tools/browser.py" "$T_ROOT/hostile.html" "$T_ROOT/shots-h"
	expect_eq "$(json "d['console'], d['scripts'], len(d['cases'])")" "[] 1 24" "hostile page: no console message, one script, every case"
	expect_eq "$(json "d['requests']")" "['file://$T_ROOT/hostile.html']" "hostile page: no request"
fi

done_testing
