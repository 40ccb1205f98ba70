/*
 * SVG charts: each chart read back by an XML parser that owes nothing to
 * the writer (tests/tools/svgcheck.py, Python's expat), which checks the
 * structure and lists the text; the ticks, tooltips, gaps and frontier
 * of known data; edge cases; and hostile and random labels, which must
 * stay text and leave the document valid UTF-8.
 */
#include <sys/wait.h>

#include <locale.h>
#include <math.h>
#include <unistd.h>

#include "test.h"
#include "morph/buf.h"
#include "svgchart.h"

/*
 * Runs svgcheck.py on svg (one chart, or several in <charts>): its
 * output with a newline before, so that "\ntext\t0.2\n" finds a line,
 * or NULL (after reporting why) when a check fails.  The caller frees.
 */
static char *
check(const char *svg)
{
	const char *src = getenv("MORPH_SOURCE_DIR");
	struct morph_buf out = MORPH_BUF_INIT;
	char tool[4096], path[4096], chunk[4096];
	int fd[2], status;
	ssize_t n;
	pid_t pid;
	FILE *fp;

	if (src == NULL || src[0] == '\0') {
		fprintf(stderr, "MORPH_SOURCE_DIR is not set\n");
		exit(2);
	}
	snprintf(tool, sizeof(tool), "%s/tests/tools/svgcheck.py", src);
	snprintf(path, sizeof(path), "%s/chart.svg", test_tmpdir());
	if ((fp = fopen(path, "w")) == NULL || fputs(svg, fp) == EOF ||
	    fclose(fp) == EOF) {
		perror(path);
		exit(2);
	}
	if (pipe(fd) == -1 || (pid = fork()) == -1) {
		perror("pipe or fork");
		exit(2);
	}
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execlp("python3", "python3", tool, path, (char *)NULL);
		perror("python3");
		_exit(127);
	}
	close(fd[1]);
	morph_buf_putc(&out, '\n');
	while ((n = read(fd[0], chunk, sizeof(chunk))) > 0)
		morph_buf_put(&out, chunk, (size_t)n);
	close(fd[0]);
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		T_FAIL("svgcheck.py refused %s", path);
		morph_buf_release(&out);
		return NULL;
	}
	return morph_buf_detach(&out, NULL);
}

/* How many times needle occurs in hay. */
static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while (hay != NULL && (hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The d attribute of the first path after the text at, in buf. */
static const char *
path_after(const char *svg, const char *at, char *buf, size_t size)
{
	const char *p = strstr(svg, at), *q;

	buf[0] = '\0';
	if (p == NULL || (p = strstr(p, " d=\"")) == NULL)
		return buf;
	p += 4;
	if ((q = strchr(p, '"')) != NULL && (size_t)(q - p) < size) {
		memcpy(buf, p, (size_t)(q - p));
		buf[q - p] = '\0';
	}
	return buf;
}

static void
test_lines(void)
{
	static const double a[] = { 0.5, 0.75, 1 };
	static const double bv[] = { 0, NAN, 0.25 };
	static const char *const x[] = { "c1", "c2", "c3" };
	const struct morph_svg_series s[] = {
		{ "echo:a", a, 3, 0 }, { "echo:b", bv, 3, 0 },
	};
	struct morph_buf b = MORPH_BUF_INIT;
	char *out;

	morph_svg_lines(&b, "Pass rate", "pass rate", x, 3, s, 2, 0, 1);
	T_OK(morph_buf_status(&b));
	T_ASSERT(strncmp(b.ptr, "<svg ", 5) == 0);
	T_ASSERT(strcmp(b.ptr + b.len - 6, "</svg>") == 0);
	T_CONTAINS(b.ptr, "viewBox=\"0 0 640 320\"");
	if ((out = check(b.ptr)) == NULL)
		goto done;
	T_CONTAINS(out, "\ntitle\tPass rate\n");
	T_CONTAINS(out, "\ndesc\tpass rate at 3 points, from c1 to c3, of 2 "
	    "series: echo:a, echo:b. The axis runs from 0.0 to 1.0;");
	/* Round ticks from ymin to ymax. */
	T_CONTAINS(out, "\ntext\t0.0\ntext\t0.2\ntext\t0.4\ntext\t0.6\n"
	    "text\t0.8\ntext\t1.0\n");
	T_CONTAINS(out, "\ntext\tc1\n");
	T_CONTAINS(out, "\ntext\tc3\n");
	/* A tooltip at each value, none at the gap. */
	T_CONTAINS(out, "\ntitle\techo:a at c2: pass rate 0.750\n");
	T_CONTAINS(out, "\ntitle\techo:b at c3: pass rate 0.250\n");
	T_INTEQ(count(out, "\ntitle\techo:a at "), 3);
	T_INTEQ(count(out, "\ntitle\techo:b at "), 2);
	/* The legend. */
	T_CONTAINS(out, "\ntext\techo:a\n");
	T_CONTAINS(out, "\ntext\techo:b\n");
	/*
	 * a's line and its legend's sample; b has no two values side by
	 * side, so only the sample (dashed: not colour alone).
	 */
	T_INTEQ(count(b.ptr, "stroke=\"#0072b2\" stroke-width=\"2\" d="), 2);
	T_INTEQ(count(b.ptr, "stroke=\"#d55e00\" stroke-width=\"2\" "
	    "stroke-dasharray=\"6 3\" d="), 1);
	/* 0.5 at the first commit: x at the middle of its third. */
	T_CONTAINS(b.ptr, "M173.3 138.0L352.0 89.0L530.7 40.0");
	free(out);
done:
	morph_buf_release(&b);
}

/* A NAN breaks the line; an isolated value is its marker alone. */
static void
test_lines_gaps(void)
{
	static const double y[] = { 0.1, 0.2, NAN, 0.4, 0.5, NAN, 0.7 };
	const struct morph_svg_series s = { "m", y, 7, 0 };
	struct morph_buf b = MORPH_BUF_INIT;
	char d[512], *out;

	morph_svg_lines(&b, "t", "v", NULL, 7, &s, 1, NAN, NAN);
	path_after(b.ptr, "stroke=\"#0072b2\" stroke-width=\"2\"", d,
	    sizeof(d));
	T_INTEQ(count(d, "M"), 2);
	T_INTEQ(count(d, "L"), 2);
	if ((out = check(b.ptr)) != NULL) {
		/* Numbered from 1 without labels. */
		T_CONTAINS(out, "\ntitle\tm at 7: v 0.700\n");
		T_INTEQ(count(out, "\ntitle\tm at "), 5);
	}
	free(out);
	morph_buf_release(&b);
}

static void
test_lines_edges(void)
{
	static const double nan3[] = { NAN, NAN, NAN };
	static const double same[] = { 3, 3 };
	static const double one[] = { 0.5 };
	static const char *const x[] = { "a", "b", "c" };
	struct morph_svg_series s = { "m", nan3, 3, 0 };
	struct morph_buf b = MORPH_BUF_INIT;
	char *out;

	/* No series, no commit, no value: a chart that says so. */
	morph_svg_lines(&b, "t", "v", x, 3, NULL, 0, 0, 1);
	morph_buf_puts(&b, "\n");
	morph_svg_lines(&b, "t", "v", NULL, 0, &s, 1, 0, 1);
	morph_svg_lines(&b, "t", "v", x, 3, &s, 1, NAN, NAN);
	T_INTEQ(count(b.ptr, ">No value to draw<"), 3);
	morph_buf_clear(&b);
	morph_buf_puts(&b, "<charts>");
	morph_svg_lines(&b, "t", "v", x, 3, NULL, 0, 0, 1);
	morph_svg_lines(&b, "t", "v", NULL, 0, &s, 1, 0, 1);
	morph_svg_lines(&b, "t", "v", x, 3, &s, 1, NAN, NAN);
	morph_buf_puts(&b, "</charts>");
	free(check(b.ptr));

	/* One value, and ymin == ymax: widened around it. */
	morph_buf_clear(&b);
	s.y = same;
	s.n = 2;
	morph_svg_lines(&b, "t", "v", x, 2, &s, 1, 3, 3);
	if ((out = check(b.ptr)) != NULL) {
		T_CONTAINS(out, "\ntext\t2.6\ntext\t2.8\ntext\t3.0\n"
		    "text\t3.2\ntext\t3.4\n");
	}
	free(out);
	morph_buf_clear(&b);
	s.y = one;
	s.n = 1;
	morph_svg_lines(&b, "t", "v", x, 1, &s, 1, NAN, NAN);
	T_CONTAINS(b.ptr, "M348.0 138.0a4 4");	/* a circle, centred */
	if ((out = check(b.ptr)) != NULL) {
		T_CONTAINS(out, "\ntext\t0.45\ntext\t0.50\ntext\t0.55\n");
		T_CONTAINS(out, "\ntitle\tm at a: v 0.5000\n");
	}
	free(out);

	/* Values past nx are left out; infinities and 1e200 are none. */
	morph_buf_clear(&b);
	{
		static const double odd[] = { INFINITY, 1e200, 2, 4, 99 };

		s.y = odd;
		s.n = 5;
		morph_svg_lines(&b, "t", "v", NULL, 4, &s, 1, NAN, NAN);
		if ((out = check(b.ptr)) != NULL) {
			T_INTEQ(count(out, "\ntitle\tm at "), 2);
			T_ASSERT(strstr(out, "99") == NULL);
		}
		free(out);
	}

	/* Ten series: the legend's rows make the chart taller. */
	morph_buf_clear(&b);
	{
		struct morph_svg_series ten[10];
		int i;

		for (i = 0; i < 10; i++) {
			ten[i].name = x[i % 3];
			ten[i].y = one;
			ten[i].n = 1;
		}
		morph_svg_lines(&b, "t", "v", x, 1, ten, 10, 0, 1);
		T_CONTAINS(b.ptr, "viewBox=\"0 0 640 356\"");
		free(check(b.ptr));
	}
	morph_buf_release(&b);
}

/* Labels thinned out to fit, the newest always shown; long ones cut. */
static void
test_lines_labels(void)
{
	static char names[1000][8];
	const char *x[1000];
	double y[1000];
	struct morph_svg_series s = { "m", y, 1000, 0 };
	struct morph_buf b = MORPH_BUF_INIT;
	size_t shown;
	char *out;
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(names[i], sizeof(names[i]), "c%04d", i);
		x[i] = names[i];
		y[i] = i % 7;
	}
	morph_svg_lines(&b, "t", "v", x, 1000, &s, 1, NAN, NAN);
	if ((out = check(b.ptr)) != NULL) {
		shown = count(out, "\ntext\tc");
		/* Five characters, about 6.5 units each, in 536 units. */
		T_ASSERT(shown >= 5 && shown <= 536 / (5 * 6.5));
		T_CONTAINS(out, "\ntext\tc0999\n");
		T_ASSERT(strstr(out, "\ntext\tc0998\n") == NULL);
		T_CONTAINS(out, "\ntitle\tm at c0998: v 4.00\n");
	}
	free(out);

	morph_buf_clear(&b);
	x[0] = "abcdefghijklmnopqrstuvwxyz";
	morph_svg_lines(&b, "t", "v", x, 1, &s, 1, NAN, NAN);
	if ((out = check(b.ptr)) != NULL) {
		T_CONTAINS(out, "\ntext\tabcdefghijkl\xe2\x80\xa6\n"
		    "title\tabcdefghijklmnopqrstuvwxyz\n");
	}
	free(out);
	morph_buf_release(&b);
}

/* Negative values, -0 and a comma locale: the same plain digits. */
static void
test_numbers(void)
{
	static const double y[] = { -0.5, 0.5 };
	const struct morph_svg_series s = { "m", y, 2, 0 };
	struct morph_buf b = MORPH_BUF_INIT, c = MORPH_BUF_INIT;
	char *out;

	morph_svg_lines(&b, "t", "v", NULL, 2, &s, 1, NAN, NAN);
	if ((out = check(b.ptr)) != NULL) {
		T_CONTAINS(out, "\ntext\t-0.6\ntext\t-0.4\ntext\t-0.2\n"
		    "text\t0.0\ntext\t0.2\ntext\t0.4\ntext\t0.6\n");
		T_ASSERT(strstr(out, "-0.0") == NULL);
		T_CONTAINS(out, "\ntitle\tm at 1: v -0.500\n");
	}
	free(out);
	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") != NULL ||
	    setlocale(LC_NUMERIC, "fr_FR.UTF-8") != NULL) {
		morph_svg_lines(&c, "t", "v", NULL, 2, &s, 1, NAN, NAN);
		T_STREQ(c.ptr, b.ptr);
		setlocale(LC_NUMERIC, "C");
	}
	morph_buf_release(&b);
	morph_buf_release(&c);
}

static void
test_scatter(void)
{
	static const struct morph_svg_point p[] = {
		{ "free", 0, 0.4, 1, 0 },
		{ "small", 0.00001, 0.5, 1, 0 },
		{ "large", 0.0001, 0.8, 1, 0 },
		{ "mid", 0.001, 0.7, 0, 0 },
		{ "unpriced", NAN, 0.9, 0, 0 },
	};
	static const struct morph_svg_point q[] = {
		{ "a", 0, 0.5, 1, 0 }, { "b", -1, 0.6, 0, 0 },
	};
	struct morph_buf b = MORPH_BUF_INIT;
	char d[512], *out;

	morph_svg_scatter(&b, "Cost and quality", "cost per call (USD)",
	    "pass rate", p, 5, 1);
	/*
	 * The frontier from free (x 0, drawn at the left end) to small (at
	 * 1e-5, the axis's start) and large, a step at each.
	 */
	path_after(b.ptr, "<path fill=\"none\" stroke=\"#555555\"", d,
	    sizeof(d));
	T_STREQ(d, "M84.0 236.0H84.0V187.0H352.0V40.0");
	T_CONTAINS(b.ptr, "M80.0 236.0a4 4");	/* free's circle, filled */
	if ((out = check(b.ptr)) != NULL) {
		T_CONTAINS(out, "\ntext\t0.00001\ntext\t0.00002\n"
		    "text\t0.00005\ntext\t0.0001\ntext\t0.0002\n"
		    "text\t0.0005\ntext\t0.001\n");
		T_CONTAINS(out, "\ntitle\tfree: cost per call (USD) 0.0000000, "
		    "pass rate 0.400; on the Pareto frontier\n");
		T_CONTAINS(out, "\ntitle\tmid: cost per call (USD) 0.0010000, "
		    "pass rate 0.700\n");
		T_CONTAINS(out, "(log scale), 4 points; on the Pareto "
		    "frontier: free, small, large; drawn at the left end, "
		    "below the scale: free; not drawn, without a value: "
		    "unpriced.");
		T_CONTAINS(out, "\ntext\tAt the left end, below the scale: "
		    "free\ntext\tNot drawn, without a value: unpriced\n");
		T_CONTAINS(out, "\ntext\tPareto frontier (filled)\n");
		T_ASSERT(strstr(out, "\ntitle\tunpriced:") == NULL);
	}
	free(out);

	/* No x above 0: a linear scale. */
	morph_buf_clear(&b);
	morph_svg_scatter(&b, "t", "x", "y", q, 2, 1);
	if ((out = check(b.ptr)) != NULL) {
		T_ASSERT(strstr(out, "log scale") == NULL);
		T_CONTAINS(out, "\ntitle\tb: x -1.000, y 0.6000\n");
	}
	free(out);

	/* Nothing to draw. */
	morph_buf_clear(&b);
	morph_svg_scatter(&b, "t", "x", "y", p + 4, 1, 1);
	morph_svg_scatter(&b, "t", "x", "y", NULL, 0, 0);
	T_INTEQ(count(b.ptr, ">No value to draw<"), 2);
	morph_buf_release(&b);
}

/*
 * A style given by the caller wins over the place in the chart, in
 * every kind of chart, so that a model keeps its colour across a page:
 * "b", second here but given the first style, is drawn blue (#0072b2)
 * and solid, "a" orange (#d55e00) and dashed.
 */
static void
test_styles(void)
{
	static const double a[] = { 1, 2 }, bv[] = { 2, 1 };
	const struct morph_svg_series s[] = {
		{ "a", a, 2, 2 }, { "b", bv, 2, 1 },
	};
	const struct morph_svg_point p[] = {
		{ "a", 0.1, 0.5, 1, 2 }, { "b", 0.2, 0.9, 1, 1 },
	};
	struct morph_buf b = MORPH_BUF_INIT;

	morph_svg_lines(&b, "t", "y", NULL, 2, s, 2, NAN, NAN);
	T_OK(morph_buf_status(&b));
	/* The orange line and its legend sample dashed, the blue not. */
	T_INTEQ(count(b.ptr, "stroke=\"#d55e00\" stroke-width=\"2\" "
	    "stroke-dasharray="), 2);
	T_INTEQ(count(b.ptr, "stroke=\"#0072b2\" stroke-width=\"2\" d="),
	    2);
	morph_buf_clear(&b);

	/* The scatter's markers: b's a circle in blue, a's a square. */
	morph_svg_scatter(&b, "t", "x", "y", p, 2, 0);
	T_OK(morph_buf_status(&b));
	T_CONTAINS(b.ptr, "a4 4 0 1 0 8 0a4 4 0 1 0 -8 0Z\" "
	    "stroke=\"#0072b2\"");
	T_CONTAINS(b.ptr, "h8v8h-8Z\" stroke=\"#d55e00\"");
	morph_buf_clear(&b);

	/* The boxes: b's row blue, a's orange. */
	morph_svg_boxes(&b, "t", "ms", s, 2);
	T_OK(morph_buf_status(&b));
	T_ASSERT(strstr(b.ptr, "#d55e00") != NULL);
	T_ASSERT(strstr(b.ptr, "#0072b2") != NULL);
	T_ASSERT(strstr(b.ptr, "#d55e00") < strstr(b.ptr, "#0072b2"));
	morph_buf_release(&b);
}

static void
test_boxes(void)
{
	static const double v[] = {
		700, 100, NAN, 1000, 300, 500, 200, 900, 400, 800, 600,
	};
	static const double none[] = { NAN };
	const struct morph_svg_series s[] = {
		{ "m", v, 11, 0 }, { "none", none, 1, 0 },
		{ "empty", NULL, 0, 0 },
	};
	struct morph_buf b = MORPH_BUF_INIT;
	char *out;

	morph_svg_boxes(&b, "Latency", "latency (ms)", s, 3);
	T_OK(morph_buf_status(&b));
	/*
	 * p25 at 300 to p75 at 800, on 0 to 1000 over 448 units; three rows
	 * of 48 units from 48, a box half a row high.
	 */
	T_CONTAINS(b.ptr, "x=\"306.4\" y=\"60.0\" width=\"224.0\" "
	    "height=\"24.0\"");
	if ((out = check(b.ptr)) != NULL) {
		T_CONTAINS(out, "\ntitle\tm: latency (ms) of 10 values, min "
		    "100.00, p25 300.00, median 500.00, p75 800.00, p95 "
		    "1000.00, max 1000.00\n");
		T_CONTAINS(out, "\ntitle\tnone: latency (ms), no value\n");
		T_CONTAINS(out, "\ntext\t0\ntext\t200\ntext\t400\ntext\t600\n"
		    "text\t800\ntext\t1000\n");
		T_CONTAINS(out, "m median 500.00, p95 1000.00; none no value; "
		    "empty no value.");
		T_CONTAINS(out, "\ntext\tm\n");
	}
	free(out);

	morph_buf_clear(&b);
	morph_svg_boxes(&b, "t", "x", s + 1, 2);
	morph_svg_boxes(&b, "t", "x", NULL, 0);
	T_INTEQ(count(b.ptr, ">No value to draw<"), 2);
	morph_buf_release(&b);
}

/* Strings that try to leave the text they are put in. */
static const char *const hostile[] = {
	"</svg><script>alert(1)</script>",
	"\"onload=\"alert(1)",
	"' onmouseover='alert(1)",
	"a & b &amp; &#60; <![CDATA[x]]> <!-- c --> ]]>",
	"ctl \x01\x02\x1b[31m\x7f end",
	"c1 \xc2\x85 \xc2\x9f",
	"bad \xff\xfe \xc0\xaf \xed\xa0\x80 \xf5\x80\x80\x80",
	"cut \xe2\x82",
	"nonchar \xef\xbf\xbe \xef\xb7\x90",
	"tab\tnew\nline\r",
	"",
};
#define NHOSTILE	(sizeof(hostile) / sizeof(hostile[0]))

/* Every chart with hostile strings wherever a string goes. */
static void
draw_hostile(struct morph_buf *b, size_t k)
{
	static const double y[] = { 0.25, 0.5, 0.75 };
	const char *x[3];
	struct morph_svg_series s[2];
	struct morph_svg_point p[2];
	size_t i;

	for (i = 0; i < 3; i++)
		x[i] = hostile[(k + i) % NHOSTILE];
	for (i = 0; i < 2; i++) {
		s[i].name = hostile[(k + 3 + i) % NHOSTILE];
		s[i].y = y;
		s[i].n = 3;
		p[i].label = hostile[(k + 5 + i) % NHOSTILE];
		p[i].x = i ? 0.001 : NAN;
		p[i].y = 0.5;
		p[i].frontier = 1;
	}
	morph_svg_lines(b, hostile[k], hostile[(k + 1) % NHOSTILE], x, 3, s,
	    2, NAN, NAN);
	morph_svg_scatter(b, hostile[k], hostile[(k + 2) % NHOSTILE],
	    hostile[(k + 4) % NHOSTILE], p, 2, 1);
	morph_svg_boxes(b, hostile[k], hostile[(k + 6) % NHOSTILE], s, 2);
}

static void
test_hostile(void)
{
	struct morph_buf b = MORPH_BUF_INIT;
	char *out;
	size_t k;

	morph_buf_puts(&b, "<charts>");
	for (k = 0; k < NHOSTILE; k++)
		draw_hostile(&b, k);
	morph_buf_puts(&b, "</charts>");
	T_OK(morph_buf_status(&b));
	T_ASSERT(strstr(b.ptr, "<script") == NULL);
	T_ASSERT(strstr(b.ptr, "<![CDATA") == NULL);
	T_ASSERT(strstr(b.ptr, "<!--") == NULL);
	T_CONTAINS(b.ptr, "<title>a &amp; b &amp;amp; &amp;#60; &lt;![CDATA["
	    "x]]&gt; &lt;!-- c --&gt; ]]&gt;</title>");
	T_CONTAINS(b.ptr, "<title>&quot;onload=&quot;alert(1)</title>");
	T_CONTAINS(b.ptr, "<title>&#39; onmouseover=&#39;alert(1)</title>");
	if ((out = check(b.ptr)) == NULL)
		goto done;
	/* The parser reads each back as the text it was. */
	T_CONTAINS(out, "\ntitle\t</svg><script>alert(1)</script>\n");
	T_CONTAINS(out, "\ntitle\t\"onload=\"alert(1)\n");
	T_CONTAINS(out, "\ntitle\tctl \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "[31m\xef\xbf\xbd end\n");
	T_CONTAINS(out, "\ntitle\tc1 \xef\xbf\xbd \xef\xbf\xbd\n");
	T_CONTAINS(out, "\ntitle\tbad \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd"
	    "\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\n");
	T_CONTAINS(out, "\ntitle\tcut \xef\xbf\xbd\xef\xbf\xbd\n");
	T_CONTAINS(out, "\ntitle\tnonchar \xef\xbf\xbd \xef\xbf\xbd\n");
	T_CONTAINS(out, "\ntitle\ttab new line \n");
	free(out);
done:
	morph_buf_release(&b);
}

/* A small generator with a fixed seed, for repeatable random input. */
static uint64_t
rnd(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15ULL;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

/* A string of up to 24 random bytes (no NUL) in buf. */
static const char *
rnd_text(char *buf)
{
	size_t i, n = rnd() % 25;

	for (i = 0; i < n; i++)
		buf[i] = (char)(rnd() % 255 + 1);
	buf[n] = '\0';
	return buf;
}

static double
rnd_value(void)
{
	switch (rnd() % 8) {
	case 0:
		return NAN;
	case 1:
		return rnd() % 2 ? INFINITY : -INFINITY;
	case 2:
		return 0;
	case 3:
		return 1e200;
	case 4:
		return (double)(rnd() % 1000) * 1e-9;
	default:
		return ((double)(rnd() % 20001) - 10000) / 1000;
	}
}

/* 300 charts of random bytes and values: each valid, all text kept in. */
static void
test_fuzz(void)
{
	static char text[40][32];
	const char *x[8];
	double v[4][8];
	struct morph_svg_series s[4];
	struct morph_svg_point p[8];
	struct morph_buf b = MORPH_BUF_INIT;
	size_t i, j, nx, ns, round;

	morph_buf_puts(&b, "<charts>");
	for (round = 0; round < 300; round++) {
		nx = rnd() % 9;
		ns = rnd() % 5;
		for (i = 0; i < 8; i++) {
			x[i] = rnd_text(text[i]);
			p[i].label = rnd_text(text[8 + i]);
			p[i].x = rnd_value();
			p[i].y = rnd_value();
			p[i].frontier = (int)(rnd() % 2);
		}
		for (i = 0; i < ns; i++) {
			s[i].name = rnd_text(text[16 + i]);
			s[i].y = v[i];
			s[i].n = rnd() % 9;
			for (j = 0; j < 8; j++)
				v[i][j] = rnd_value();
		}
		switch (round % 3) {
		case 0:
			morph_svg_lines(&b, rnd_text(text[30]),
			    rnd_text(text[31]), rnd() % 4 ? x : NULL, nx, s,
			    ns, rnd_value(), rnd_value());
			break;
		case 1:
			morph_svg_scatter(&b, rnd_text(text[30]),
			    rnd_text(text[31]), rnd_text(text[32]), p,
			    rnd() % 9, (int)(rnd() % 2));
			break;
		default:
			morph_svg_boxes(&b, rnd_text(text[30]),
			    rnd_text(text[31]), s, ns);
			break;
		}
	}
	morph_buf_puts(&b, "</charts>");
	T_OK(morph_buf_status(&b));
	T_INTEQ(count(b.ptr, "<svg "), 300);
	free(check(b.ptr));
	morph_buf_release(&b);
}

static const struct test tests[] = {
	TEST(test_lines),
	TEST(test_lines_gaps),
	TEST(test_lines_edges),
	TEST(test_lines_labels),
	TEST(test_numbers),
	TEST(test_scatter),
	TEST(test_boxes),
	TEST(test_styles),
	TEST(test_hostile),
	TEST(test_fuzz),
};

TEST_MAIN(tests)
