/* morph report: the filters of the HTML report (lib/report_html.c).  The
   page is complete without this script; it shows the filter form and
   hides the cases that do not match.  The filters live in the URL's
   fragment as a query, #model=M&prompt=P&status=S&q=TEXT, so that a
   filtered view can be linked to, also from a file:// URL; a fragment
   without "=" is an anchor (a case), shown whatever the filters. */
(function () {
	"use strict";
	var form = document.getElementById("filters");
	if (form === null)
		return;
	var names = ["model", "prompt", "status", "q"];
	var field = {};
	names.forEach(function (n) { field[n] = form.elements[n]; });
	var count = document.getElementById("f-count");
	var cases = Array.prototype.slice.call(
	    document.querySelectorAll("article.case"));
	var sections = Array.prototype.slice.call(
	    document.querySelectorAll("section.kind"));
	var texts = null;

	/* The text of each case, lowercased once, for the search. */
	function text(i) {
		if (texts === null)
			texts = new Array(cases.length);
		if (texts[i] === undefined)
			texts[i] = cases[i].textContent.toLowerCase();
		return texts[i];
	}

	function matches(i, f) {
		var d = cases[i].dataset;
		return (f.model === "" || d.model === f.model) &&
		    (f.prompt === "" || d.prompt === f.prompt) &&
		    (f.status === "" || d.status === f.status) &&
		    (f.q === "" || text(i).indexOf(f.q) !== -1);
	}

	function current() {
		return {
			model: field.model.value,
			prompt: field.prompt.value,
			status: field.status.value,
			q: field.q.value.trim().toLowerCase()
		};
	}

	function apply() {
		var f = current(), shown = 0, i, ok;
		for (i = 0; i < cases.length; i++) {
			ok = matches(i, f);
			if (cases[i].hidden === ok)
				cases[i].hidden = !ok;
			if (ok)
				shown++;
		}
		sections.forEach(function (s) {
			var all = s.querySelectorAll("article.case").length;
			var vis = s.querySelectorAll(
			    "article.case:not([hidden])").length;
			var out = s.querySelector(".shown");
			if (out === null) {
				out = document.createElement("span");
				out.className = "shown muted";
				s.querySelector("h3").append(" ", out);
			}
			out.textContent = vis === all ? "" :
			    "(" + vis + " of " + all + " shown)";
		});
		count.textContent = shown + " of " + cases.length +
		    (cases.length === 1 ? " case" : " cases") + " shown";
		form.dataset.shown = String(shown);
	}

	/* The filters as a fragment, or "" when there are none. */
	function fragment() {
		var p = new URLSearchParams();
		names.forEach(function (n) {
			if (field[n].value !== "")
				p.set(n, field[n].value);
		});
		return p.toString();
	}

	function save() {
		var f = fragment();
		history.replaceState(null, "", f === "" ?
		    location.pathname + location.search : "#" + f);
	}

	/* Sets the filters from a fragment query; false if it is none. */
	function load() {
		var h = location.hash.slice(1);
		if (h.indexOf("=") === -1)
			return false;
		var p = new URLSearchParams(h);
		names.forEach(function (n) {
			var v = p.get(n) || "", el = field[n];
			if (el.tagName === "SELECT" && v !== "" &&
			    !Array.prototype.some.call(el.options,
			    function (o) { return o.value === v; }))
				v = "";
			el.value = v;
		});
		return true;
	}

	function clear() {
		names.forEach(function (n) { field[n].value = ""; });
	}

	/* A case named by the fragment is shown, clearing the filters. */
	function reveal() {
		/* Case ids are ASCII: the fragment needs no decoding. */
		var h = location.hash.slice(1);
		var el = h === "" ? null : document.getElementById(h);
		if (el !== null && el.classList.contains("case") && el.hidden) {
			clear();
			apply();
			el.scrollIntoView();
		}
	}

	form.addEventListener("submit", function (e) { e.preventDefault(); });
	form.addEventListener("input", function () { apply(); save(); });
	form.addEventListener("change", function () { apply(); save(); });
	document.getElementById("f-clear").addEventListener("click",
	    function () { clear(); apply(); save(); });
	window.addEventListener("hashchange", function () {
		if (load())
			apply();
		else
			reveal();
	});
	form.hidden = false;
	load();
	apply();
}());
