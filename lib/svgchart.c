/*
 * Inline SVG charts (see svgchart.h): what every chart shares (the <svg>
 * element with its title and description, text made safe, numbers,
 * axes with round ticks, markers and a legend), then the three charts.
 *
 * Only text nodes carry input: attributes hold numbers and the constants
 * of this file, so no byte of a label can open a tag or an attribute.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svgchart.h"
#include "utf8_int.h"

#define SVG_W		640
#define SVG_H		320
#define TEXT_MAX	200	/* code points of any string written */
#define TIP_MAX		120	/* of a name inside a tooltip */
#define VALUE_MAX	1e100	/* a value beyond is no value */
#define CHAR_W		6.5	/* a character at 11 units, about */
#define MAX_TICKS	32
#define MAX_DECIMALS	12
#define LIST_MAX	20	/* names a description or note lists */

#define INK		"#222222"	/* text: 15.9:1 on white */
#define AXIS		"#555555"	/* axes, the frontier: 7.5:1 */
#define GRID		"#e0e0e0"	/* gridlines, decoration only */
#define PAPER		"#ffffff"

/*
 * Okabe and Ito's blue, vermillion and green, then darker hues of Paul
 * Tol's schemes, each at least 3:1 against white (WCAG 1.4.11).  Not
 * every pair is told apart by every eye: the marker shapes and dash
 * patterns are the other cue.
 */
static const char *const colours[] = {
	"#0072b2", "#d55e00", "#009e73", "#aa4499",
	"#997700", "#332288", "#882255", "#666666",
};
#define NCOLOURS	(sizeof(colours) / sizeof(colours[0]))

/* Five shapes and five dash patterns: with eight colours, 40 styles. */
#define NSHAPES		5
static const char *const dashes[NSHAPES] = {
	NULL, "6 3", "2 3", "8 3 2 3", "4 2 1 2",
};

static int
is_value(double v)
{
	return isfinite(v) && fabs(v) <= VALUE_MAX;
}

/* Text */

/*
 * Appends s as XML text, at most max code points of it (then an
 * ellipsis): markup characters as entities; white space as a space;
 * other control characters, noncharacters and invalid UTF-8 as U+FFFD,
 * which XML and HTML both accept.
 */
static void
put_text(struct morph_buf *b, const char *s, size_t max)
{
	size_t len, n, count;
	long c;

	if (s == NULL)
		return;
	len = strlen(s);
	for (count = 0; len > 0; count++) {
		if (count == max) {
			morph_buf_puts(b, "\xe2\x80\xa6");
			return;
		}
		c = morph_utf8_decode(s, len, &n);
		if (c == '\t' || c == '\n' || c == '\r')
			morph_buf_putc(b, ' ');
		else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
		    (c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe)
			morph_buf_puts(b, "\xef\xbf\xbd");
		else if (c == '&')
			morph_buf_puts(b, "&amp;");
		else if (c == '<')
			morph_buf_puts(b, "&lt;");
		else if (c == '>')
			morph_buf_puts(b, "&gt;");
		else if (c == '"')
			morph_buf_puts(b, "&quot;");
		else if (c == '\'')
			morph_buf_puts(b, "&#39;");
		else
			morph_buf_put(b, s, n);
		s += n;
		len -= n;
	}
}

/* The number of code points of s, at most max. */
static size_t
text_width(const char *s, size_t max)
{
	size_t n;

	if (s == NULL)
		return 0;
	n = morph_utf8_count(s, strlen(s));
	return n < max ? n : max;
}

/* Numbers */

/*
 * v with d decimals into out, whatever the locale: the digits are those
 * of integers.  A value too large for that has no decimals.
 */
static void
fmt_num(char *out, size_t size, double v, int d)
{
	int64_t i, p = 1;
	double r;
	int k;

	if (!isfinite(v))
		v = 0;
	if (d > MAX_DECIMALS)
		d = MAX_DECIMALS;
	for (k = 0; k < d; k++)
		p *= 10;
	r = round(v * (double)p);
	if (fabs(r) >= 9e15) {
		snprintf(out, size, "%.0f", v);
		return;
	}
	i = (int64_t)r;
	if (d == 0)
		snprintf(out, size, "%s%lld", i < 0 ? "-" : "",
		    (long long)llabs(i));
	else
		snprintf(out, size, "%s%lld.%0*lld", i < 0 ? "-" : "",
		    (long long)(llabs(i) / p), d, (long long)(llabs(i) % p));
}

static void
put_num(struct morph_buf *b, double v, int d)
{
	char s[400];

	fmt_num(s, sizeof(s), v, d);
	morph_buf_puts(b, s);
}

/* A coordinate, to a tenth of a unit. */
static void
put_xy(struct morph_buf *b, double x, double y)
{
	put_num(b, x, 1);
	morph_buf_putc(b, ' ');
	put_num(b, y, 1);
}

/* Axes */

/*
 * An axis maps values to pixels p0 (at lo) to p1 (at hi).  A linear axis
 * ends on multiples of its step, 1, 2 or 5 times a power of ten; a log
 * axis ends on powers of ten, lo and hi being their exponents.
 */
struct axis {
	int	 log;
	double	 lo, hi;
	double	 step;
	int	 decimals;	/* of its tick labels */
	double	 p0, p1;
};

/* A round number near x: 1, 2 or 5 times a power of ten (Heckbert). */
static double
nice(double x, int round_it)
{
	double e = floor(log10(x)), f = x / pow(10, e), nf;

	if (round_it)
		nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
	else
		nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return nf * pow(10, e);
}

static int
decimals_of(double step)
{
	int d;

	if (step >= 1)
		return 0;
	d = (int)ceil(-log10(step) - 1e-9);
	return d > MAX_DECIMALS ? MAX_DECIMALS : d;
}

/*
 * A linear axis over [lo, hi] with about five ticks; a range of one
 * value (or nearly: ticks more than MAX_DECIMALS apart could not be told
 * apart) is widened around it, to [0, 1] for 0.
 */
static void
axis_linear(struct axis *a, double lo, double hi)
{
	double d;

	memset(a, 0, sizeof(*a));
	if (!(hi - lo > (fabs(lo) + fabs(hi)) * 1e-9 && hi - lo > 1e-10)) {
		if (fabs(lo) <= 1e-10) {
			lo = 0;
			hi = 1;
		} else {
			d = fabs(lo) * 0.1;
			lo -= d;
			hi += d;
		}
	}
	a->step = nice(nice(hi - lo, 0) / 4, 1);
	a->lo = floor(lo / a->step + 1e-9) * a->step;
	a->hi = ceil(hi / a->step - 1e-9) * a->step;
	if (a->hi <= a->lo)
		a->hi = a->lo + a->step;
	a->decimals = decimals_of(a->step);
}

/*
 * A log axis from the decade of minpos (> 0) to that of max, starting
 * at 1e-12 at the lowest so that its labels keep their decimals.
 */
static void
axis_log(struct axis *a, double minpos, double max)
{
	memset(a, 0, sizeof(*a));
	a->log = 1;
	a->lo = floor(log10(minpos) + 1e-9);
	if (a->lo < -MAX_DECIMALS)
		a->lo = -MAX_DECIMALS;
	a->hi = ceil(log10(max) - 1e-9);
	if (a->hi <= a->lo)
		a->hi = a->lo + 1;
	a->step = 1;
	a->decimals = a->lo < 0 ? (int)-a->lo : 0;
	if (a->decimals > MAX_DECIMALS)
		a->decimals = MAX_DECIMALS;
}

/* The pixel of v; on a log axis, what is below its start is at it. */
static double
axis_pos(const struct axis *a, double v)
{
	double t;

	if (a->log) {
		t = v > 0 ? (log10(v) - a->lo) / (a->hi - a->lo) : 0;
		if (t < 0)
			t = 0;
	} else
		t = (v - a->lo) / (a->hi - a->lo);
	return a->p0 + t * (a->p1 - a->p0);
}

/*
 * The ticks of a (at most MAX_TICKS): values and the decimals of their
 * labels.  A log axis of one or two decades has ticks at 2 and 5 too.
 */
static size_t
axis_ticks(const struct axis *a, double *v, int *dec)
{
	static const double mult[] = { 1, 2, 5 };
	size_t n = 0, m, nm;
	double k, stride;

	if (!a->log) {
		m = (size_t)llround((a->hi - a->lo) / a->step);
		for (k = 0; k <= (double)m && n < MAX_TICKS; k++) {
			v[n] = a->lo + k * a->step;
			dec[n++] = a->decimals;
		}
		return n;
	}
	nm = a->hi - a->lo <= 2 ? 3 : 1;
	stride = ceil((a->hi - a->lo + 1) / MAX_TICKS);
	for (k = a->lo; k <= a->hi && n < MAX_TICKS; k += stride)
		for (m = 0; m < nm && n < MAX_TICKS; m++) {
			if (m > 0 && k == a->hi)
				break;
			v[n] = mult[m] * pow(10, k);
			dec[n++] = k < 0 ? (int)-k : 0;
		}
	return n;
}

/* The decimals of a value of a in a tooltip: two more than its ticks. */
static int
tip_decimals(const struct axis *a)
{
	int d = a->decimals + 2;

	return d > MAX_DECIMALS ? MAX_DECIMALS : d;
}

/* The vertical value axis: gridlines from x0 to x1, labels left of x0. */
static void
axis_left(struct morph_buf *b, const struct axis *a, double x0, double x1,
    const char *label)
{
	double v[MAX_TICKS], y;
	int dec[MAX_TICKS];
	size_t i, n = axis_ticks(a, v, dec);

	morph_buf_puts(b, "<g stroke=\"" GRID "\">");
	for (i = 0; i < n; i++) {
		y = axis_pos(a, v[i]);
		morph_buf_puts(b, "<path d=\"M");
		put_xy(b, x0, y);
		morph_buf_puts(b, "H");
		put_num(b, x1, 1);
		morph_buf_puts(b, "\"/>");
	}
	morph_buf_puts(b, "</g><g text-anchor=\"end\">");
	for (i = 0; i < n; i++) {
		morph_buf_puts(b, "<text x=\"");
		put_num(b, x0 - 6, 1);
		morph_buf_puts(b, "\" y=\"");
		put_num(b, axis_pos(a, v[i]) + 4, 1);
		morph_buf_puts(b, "\">");
		put_num(b, v[i], dec[i]);
		morph_buf_puts(b, "</text>");
	}
	morph_buf_puts(b, "</g><path stroke=\"" AXIS "\" d=\"M");
	put_xy(b, x0, a->p0);
	morph_buf_puts(b, "V");
	put_num(b, a->p1, 1);
	morph_buf_puts(b, "\"/>");
	morph_buf_puts(b, "<text text-anchor=\"middle\" "
	    "transform=\"rotate(-90 ");
	put_xy(b, 16, (a->p0 + a->p1) / 2);
	morph_buf_puts(b, ")\" x=\"16\" y=\"");
	put_num(b, (a->p0 + a->p1) / 2, 1);
	morph_buf_puts(b, "\">");
	put_text(b, label, (size_t)((a->p0 - a->p1) / CHAR_W));
	morph_buf_puts(b, "</text>");
}

/*
 * Every kth of n labels at most width characters wide fits in span
 * units: k, at least 1.
 */
static size_t
label_stride(size_t n, size_t width, double span)
{
	double room = n > 0 ? span / (double)n : span;
	double k = ceil(((double)width * CHAR_W + 10) / room);

	return k < 1 ? 1 : k > (double)n ? (n > 0 ? n : 1) : (size_t)k;
}

/* The horizontal value axis: gridlines from y0 up to y1, labels below. */
static void
axis_bottom(struct morph_buf *b, const struct axis *a, double y0, double y1,
    const char *label)
{
	double v[MAX_TICKS];
	int dec[MAX_TICKS];
	char s[400];
	size_t i, n = axis_ticks(a, v, dec), w = 0, k;

	for (i = 0; i < n; i++) {
		fmt_num(s, sizeof(s), v[i], dec[i]);
		if (strlen(s) > w)
			w = strlen(s);
	}
	k = label_stride(n, w, a->p1 - a->p0);
	morph_buf_puts(b, "<g stroke=\"" GRID "\">");
	for (i = 0; i < n; i++) {
		morph_buf_puts(b, "<path d=\"M");
		put_xy(b, axis_pos(a, v[i]), y0);
		morph_buf_puts(b, "V");
		put_num(b, y1, 1);
		morph_buf_puts(b, "\"/>");
	}
	morph_buf_puts(b, "</g><g text-anchor=\"middle\">");
	for (i = 0; i < n; i++) {
		if (i % k != 0)
			continue;
		morph_buf_puts(b, "<text x=\"");
		put_num(b, axis_pos(a, v[i]), 1);
		morph_buf_puts(b, "\" y=\"");
		put_num(b, y0 + 16, 1);
		morph_buf_puts(b, "\">");
		put_num(b, v[i], dec[i]);
		morph_buf_puts(b, "</text>");
	}
	morph_buf_puts(b, "</g><path stroke=\"" AXIS "\" d=\"M");
	put_xy(b, a->p0, y0);
	morph_buf_puts(b, "H");
	put_num(b, a->p1, 1);
	morph_buf_puts(b, "\"/><text text-anchor=\"middle\" x=\"");
	put_num(b, (a->p0 + a->p1) / 2, 1);
	morph_buf_puts(b, "\" y=\"");
	put_num(b, y0 + 34, 1);
	morph_buf_puts(b, "\">");
	put_text(b, label, (size_t)((a->p1 - a->p0) / CHAR_W));
	morph_buf_puts(b, "</text>");
}

/* The frame */

/* Opens the chart, h units high, and its description. */
static void
svg_open(struct morph_buf *b, int h, const char *title)
{
	morph_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\"><title>", SVG_W, h, SVG_W, h);
	put_text(b, title, TEXT_MAX);
	morph_buf_puts(b, "</title><desc>");
}

/* Closes the description; draws the paper and the visible title. */
static void
svg_desc_end(struct morph_buf *b, int h, const char *title)
{
	/* The text's settings on a group: HTML checkers know no such
	   attributes of <svg> itself. */
	morph_buf_printf(b, "</desc><g font-family=\"sans-serif\" "
	    "font-size=\"11\" fill=\"" INK "\"><rect width=\"%d\" "
	    "height=\"%d\" "
	    "fill=\"" PAPER "\"/><text x=\"%d\" y=\"22\" "
	    "text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">",
	    SVG_W, h, SVG_W / 2);
	put_text(b, title, 70);
	morph_buf_puts(b, "</text>");
}

static void
svg_close(struct morph_buf *b)
{
	morph_buf_puts(b, "</g></svg>");
}

/*
 * Ends a chart that has nothing to draw: its description says so, and
 * so does the middle of the chart.
 */
static void
no_value(struct morph_buf *b, int h, const char *title)
{
	morph_buf_puts(b, ": no value to draw.");
	svg_desc_end(b, h, title);
	morph_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
	    "font-size=\"13\">No value to draw</text>", SVG_W / 2, h / 2);
	svg_close(b);
}

/* Markers and legends */

/*
 * Opens a marker of a shape (of NSHAPES) and colour (of NCOLOURS) at
 * (x, y), filled or hollow.  The caller adds a <title> if it likes and
 * closes the </path>.
 */
static void
marker_open(struct morph_buf *b, size_t shape, size_t colour, double x,
    double y, int filled)
{
	const char *c = colours[colour % NCOLOURS];
	const double r = 4;

	morph_buf_puts(b, "<path d=\"M");
	switch (shape % NSHAPES) {
	case 0:		/* a circle, as two arcs */
		put_xy(b, x - r, y);
		morph_buf_puts(b, "a4 4 0 1 0 8 0a4 4 0 1 0 -8 0Z");
		break;
	case 1:		/* a square */
		put_xy(b, x - r, y - r);
		morph_buf_puts(b, "h8v8h-8Z");
		break;
	case 2:		/* a triangle */
		put_xy(b, x, y - 1.25 * r);
		morph_buf_puts(b, "l5 8.5h-10Z");
		break;
	case 3:		/* a diamond */
		put_xy(b, x, y - 1.35 * r);
		morph_buf_puts(b, "l5.4 5.4l-5.4 5.4l-5.4 -5.4Z");
		break;
	default:	/* a triangle upside down */
		put_xy(b, x, y + 1.25 * r);
		morph_buf_puts(b, "l5 -8.5h-10Z");
		break;
	}
	morph_buf_printf(b, "\" stroke=\"%s\" stroke-width=\"1.5\" "
	    "fill=\"%s\">", c, filled ? c : PAPER);
}

/*
 * The style of the ith series or point of a chart: its own when the
 * caller set one (style k + 1 is style k), so that one model looks the
 * same in every chart of a page; else by its place in the chart.
 */
static size_t
style_of(size_t style, size_t i)
{
	return style > 0 ? style - 1 : i;
}

/* The dash pattern attribute of style i (none for solid lines). */
static void
put_dash(struct morph_buf *b, size_t i)
{
	if (dashes[i % NSHAPES] != NULL)
		morph_buf_printf(b, " stroke-dasharray=\"%s\"",
		    dashes[i % NSHAPES]);
}

#define LEGEND_COLS	3
#define LEGEND_COL_W	205
#define LEGEND_ROW_H	18
#define LEGEND_NAME	26	/* code points shown of a name */

static int
legend_height(size_t n)
{
	return (int)((n + LEGEND_COLS - 1) / LEGEND_COLS) * LEGEND_ROW_H;
}

/*
 * Entry k of a legend starting at y: a sample of style i (a line with
 * its marker when line, a marker filled or not otherwise) and the name,
 * cut to fit, whole in its tooltip.
 */
static void
legend_entry(struct morph_buf *b, double y, size_t k, size_t i,
    const char *name, int line, int filled)
{
	double x = 24 + (double)(k % LEGEND_COLS) * LEGEND_COL_W;

	y += (double)(k / LEGEND_COLS) * LEGEND_ROW_H;
	morph_buf_puts(b, "<g><title>");
	put_text(b, name, TEXT_MAX);
	morph_buf_puts(b, "</title>");
	if (line) {
		morph_buf_printf(b, "<path fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"2\"", colours[i % NCOLOURS]);
		put_dash(b, i);
		morph_buf_puts(b, " d=\"M");
		put_xy(b, x, y);
		morph_buf_puts(b, "h24\"/>");
	}
	marker_open(b, i, i, x + 12, y, filled);
	morph_buf_puts(b, "</path><text x=\"");
	put_num(b, x + 32, 1);
	morph_buf_puts(b, "\" y=\"");
	put_num(b, y + 4, 1);
	morph_buf_puts(b, "\">");
	put_text(b, name, LEGEND_NAME);
	morph_buf_puts(b, "</text></g>");
}

/* Lines */

/* The plot of the line chart. */
#define PLOT_L		84
#define PLOT_R		(SVG_W - 20)
#define PLOT_T		40
#define PLOT_B		236
#define XLABEL_CUT	12	/* code points of a commit label shown */

static const char *
xlabel_at(const char *const *xlabels, size_t i, char *num, size_t size)
{
	if (xlabels == NULL) {
		snprintf(num, size, "%zu", i + 1);
		return num;
	}
	return xlabels[i] != NULL ? xlabels[i] : "";
}

static double
band_x(size_t i, size_t nx)
{
	return PLOT_L + (PLOT_R - PLOT_L) * ((double)i + 0.5) / (double)nx;
}

/* Whether series s has a value at i (< nx). */
static int
has_value(const struct morph_svg_series *s, size_t i)
{
	return s->y != NULL && i < s->n && is_value(s->y[i]);
}

/* The x labels of the line chart under y0, thinned out to fit. */
static void
lines_xlabels(struct morph_buf *b, const char *const *xlabels, size_t nx,
    double y0)
{
	char num[32];
	size_t i, w = 0, k;

	for (i = 0; i < nx; i++) {
		k = text_width(xlabel_at(xlabels, i, num, sizeof(num)),
		    XLABEL_CUT);
		if (k > w)
			w = k;
	}
	k = label_stride(nx, w, PLOT_R - PLOT_L);
	morph_buf_puts(b, "<g text-anchor=\"middle\">");
	for (i = 0; i < nx; i++) {
		/* Counted from the newest, which is always labelled. */
		if ((nx - 1 - i) % k != 0)
			continue;
		morph_buf_puts(b, "<path stroke=\"" AXIS "\" d=\"M");
		put_xy(b, band_x(i, nx), y0);
		morph_buf_puts(b, "v4\"/><text x=\"");
		put_num(b, band_x(i, nx), 1);
		morph_buf_puts(b, "\" y=\"");
		put_num(b, y0 + 16, 1);
		morph_buf_puts(b, "\"><title>");
		put_text(b, xlabel_at(xlabels, i, num, sizeof(num)), TEXT_MAX);
		morph_buf_puts(b, "</title>");
		put_text(b, xlabel_at(xlabels, i, num, sizeof(num)),
		    XLABEL_CUT);
		morph_buf_puts(b, "</text>");
	}
	morph_buf_puts(b, "</g><path stroke=\"" AXIS "\" d=\"M");
	put_xy(b, PLOT_L, y0);
	morph_buf_puts(b, "H");
	put_num(b, PLOT_R, 1);
	morph_buf_puts(b, "\"/>");
}

/* Series i of the line chart: its line, broken at gaps, and markers. */
static void
lines_series(struct morph_buf *b, const struct axis *a,
    const struct morph_svg_series *s, size_t i, const char *const *xlabels,
    size_t nx, const char *ylabel)
{
	char num[32];
	size_t j;
	int pen = 0;

	for (j = 0; j + 1 < nx; j++)
		if (has_value(s, j) && has_value(s, j + 1))
			break;
	morph_buf_puts(b, "<g>");
	if (j + 1 < nx) {
		morph_buf_printf(b, "<path fill=\"none\" stroke=\"%s\" "
		    "stroke-width=\"2\"", colours[i % NCOLOURS]);
		put_dash(b, i);
		morph_buf_puts(b, " d=\"");
		for (j = 0; j < nx; j++) {
			/* An isolated value starts no line. */
			if (!has_value(s, j) || (!pen && (j + 1 == nx ||
			    !has_value(s, j + 1)))) {
				pen = 0;
				continue;
			}
			morph_buf_putc(b, pen ? 'L' : 'M');
			put_xy(b, band_x(j, nx), axis_pos(a, s->y[j]));
			pen = 1;
		}
		morph_buf_puts(b, "\"/>");
	}
	for (j = 0; j < nx; j++) {
		if (!has_value(s, j))
			continue;
		marker_open(b, i, i, band_x(j, nx), axis_pos(a, s->y[j]),
		    1);
		morph_buf_puts(b, "<title>");
		put_text(b, s->name, TIP_MAX);
		morph_buf_puts(b, " at ");
		put_text(b, xlabel_at(xlabels, j, num, sizeof(num)), TIP_MAX);
		morph_buf_puts(b, ": ");
		put_text(b, ylabel, TIP_MAX);
		morph_buf_puts(b, " ");
		put_num(b, s->y[j], tip_decimals(a));
		morph_buf_puts(b, "</title></path>");
	}
	morph_buf_puts(b, "</g>");
}

void
morph_svg_lines(struct morph_buf *b, const char *title, const char *ylabel,
    const char *const *xlabels, size_t nx, const struct morph_svg_series *s,
    size_t ns, double ymin, double ymax)
{
	struct axis a;
	char num[32];
	double lo = NAN, hi = NAN, t;
	size_t i, j, npoints = 0;
	int h, legend_y = PLOT_B + 48;

	for (i = 0; i < ns; i++)
		for (j = 0; j < nx; j++) {
			if (!has_value(&s[i], j))
				continue;
			npoints++;
			if (!(s[i].y[j] >= lo))
				lo = s[i].y[j];
			if (!(s[i].y[j] <= hi))
				hi = s[i].y[j];
		}
	if (is_value(ymin) && is_value(ymax) && ymin > ymax) {
		t = ymin;
		ymin = ymax;
		ymax = t;
	}
	if (is_value(ymin) && !(ymin >= lo))
		lo = ymin;
	if (is_value(ymax) && !(ymax <= hi))
		hi = ymax;
	h = legend_y + legend_height(ns);
	if (h < SVG_H)
		h = SVG_H;

	svg_open(b, h, title);
	put_text(b, ylabel, TIP_MAX);
	if (npoints == 0) {
		no_value(b, h, title);
		return;
	}
	axis_linear(&a, lo, hi);
	a.p0 = PLOT_B;
	a.p1 = PLOT_T;
	morph_buf_printf(b, " at %zu points, from ", nx);
	put_text(b, xlabel_at(xlabels, 0, num, sizeof(num)), TIP_MAX);
	morph_buf_puts(b, " to ");
	put_text(b, xlabel_at(xlabels, nx - 1, num, sizeof(num)), TIP_MAX);
	morph_buf_printf(b, ", of %zu series: ", ns);
	for (i = 0; i < ns && i < LIST_MAX; i++) {
		if (i > 0)
			morph_buf_puts(b, ", ");
		put_text(b, s[i].name, TIP_MAX);
	}
	if (ns > LIST_MAX)
		morph_buf_printf(b, " and %zu more", ns - LIST_MAX);
	morph_buf_puts(b, ". The axis runs from ");
	put_num(b, a.lo, a.decimals);
	morph_buf_puts(b, " to ");
	put_num(b, a.hi, a.decimals);
	morph_buf_puts(b, "; each point's exact value is in its tooltip.");
	svg_desc_end(b, h, title);

	axis_left(b, &a, PLOT_L, PLOT_R, ylabel);
	lines_xlabels(b, xlabels, nx, PLOT_B);
	for (i = 0; i < ns; i++)
		lines_series(b, &a, &s[i], style_of(s[i].style, i),
		    xlabels, nx, ylabel);
	for (i = 0; i < ns; i++)
		legend_entry(b, legend_y, i, style_of(s[i].style, i),
		    s[i].name, 1, 1);
	svg_close(b);
}

/* Scatter */

static int
point_ok(const struct morph_svg_point *p)
{
	return is_value(p->x) && is_value(p->y);
}

/*
 * Tests of points for put_labels, given the x axis: drawn on the
 * frontier; not drawn; drawn at the low end of a log axis, below it.
 */
static int
point_front(const struct morph_svg_point *p, const struct axis *ax)
{
	(void)ax;
	return p->frontier && point_ok(p);
}

static int
point_missing(const struct morph_svg_point *p, const struct axis *ax)
{
	(void)ax;
	return !point_ok(p);
}

static int
point_below(const struct morph_svg_point *p, const struct axis *ax)
{
	return point_ok(p) && ax->log && (p->x <= 0 ||
	    log10(p->x) < ax->lo - 1e-9);
}

/*
 * Lists the labels of the points that pass test, each cut at max code
 * points, the first nmax of them (then a count); "none" if none do.
 */
static void
put_labels(struct morph_buf *b, const struct morph_svg_point *p, size_t n,
    const struct axis *ax,
    int (*test)(const struct morph_svg_point *, const struct axis *),
    size_t max, size_t nmax)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (!test(&p[i], ax))
			continue;
		if (k < nmax) {
			if (k > 0)
				morph_buf_puts(b, ", ");
			put_text(b, p[i].label, max);
		}
		k++;
	}
	if (k == 0)
		morph_buf_puts(b, "none");
	else if (k > nmax)
		morph_buf_printf(b, " and %zu more", k - nmax);
}

/* How many points pass test. */
static size_t
count_points(const struct morph_svg_point *p, size_t n,
    const struct axis *ax,
    int (*test)(const struct morph_svg_point *, const struct axis *))
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += test(&p[i], ax) != 0;
	return k;
}

/* What fits of the names of points not drawn in a line under the chart. */
#define NOTE_NAME	22
#define NOTE_NAMES	2

/* Whether p (at px) comes before q (at qx): by x, then y, then place. */
static int
point_before(double px, const struct morph_svg_point *p, size_t pi,
    double qx, const struct morph_svg_point *q, size_t qi)
{
	if (px != qx)
		return px < qx;
	if (p->y != q->y)
		return p->y < q->y;
	return pi < qi;
}

/*
 * The step line through the frontier's points in order of x: level from
 * each point to the next one's x, then up (or down) to it.  Frontiers
 * are short, so each next point is found by a scan.
 */
static void
frontier_line(struct morph_buf *b, const struct axis *ax,
    const struct axis *ay, const struct morph_svg_point *p, size_t n)
{
	size_t i, cur = n, next, count = 0;
	double curx = 0, nextx = 0, x;

	for (;; count++) {
		next = n;
		for (i = 0; i < n; i++) {
			if (!point_front(&p[i], ax))
				continue;
			x = axis_pos(ax, p[i].x);
			if (cur != n && !point_before(curx, &p[cur], cur, x,
			    &p[i], i))
				continue;
			if (next == n || point_before(x, &p[i], i, nextx,
			    &p[next], next)) {
				next = i;
				nextx = x;
			}
		}
		if (next == n)
			break;
		if (count == 0) {
			morph_buf_puts(b, "<path fill=\"none\" stroke=\"" AXIS
			    "\" stroke-width=\"1.5\" d=\"M");
			put_xy(b, nextx, axis_pos(ay, p[next].y));
		} else {
			morph_buf_puts(b, "H");
			put_num(b, nextx, 1);
			morph_buf_puts(b, "V");
			put_num(b, axis_pos(ay, p[next].y), 1);
		}
		cur = next;
		curx = nextx;
	}
	if (count > 0)
		morph_buf_puts(b, "\"/>");
}

/* The tooltip of a point. */
static void
scatter_tip(struct morph_buf *b, const struct morph_svg_point *p,
    const char *xlabel, const char *ylabel, int xdec, int ydec)
{
	morph_buf_puts(b, "<title>");
	put_text(b, p->label, TIP_MAX);
	morph_buf_puts(b, ": ");
	put_text(b, xlabel, TIP_MAX);
	morph_buf_puts(b, " ");
	put_num(b, p->x, xdec);
	morph_buf_puts(b, ", ");
	put_text(b, ylabel, TIP_MAX);
	morph_buf_puts(b, " ");
	put_num(b, p->y, ydec);
	if (p->frontier)
		morph_buf_puts(b, "; on the Pareto frontier");
	morph_buf_puts(b, "</title>");
}

/* The frontier's entry in the legend, entry k from y. */
static void
frontier_legend(struct morph_buf *b, double y, size_t k)
{
	double x = 24 + (double)(k % LEGEND_COLS) * LEGEND_COL_W;

	y += (double)(k / LEGEND_COLS) * LEGEND_ROW_H;
	morph_buf_puts(b, "<path fill=\"none\" stroke=\"" AXIS
	    "\" stroke-width=\"1.5\" d=\"M");
	put_xy(b, x, y + 4);
	morph_buf_puts(b, "h12v-8h12\"/><text x=\"");
	put_num(b, x + 32, 1);
	morph_buf_puts(b, "\" y=\"");
	put_num(b, y + 4, 1);
	morph_buf_puts(b, "\">Pareto frontier (filled)</text>");
}

/* A line of note under the scatter at y: a heading, then labels. */
static void
scatter_note(struct morph_buf *b, int y, const char *heading,
    const struct morph_svg_point *p, size_t n, const struct axis *ax,
    int (*test)(const struct morph_svg_point *, const struct axis *))
{
	morph_buf_printf(b, "<text x=\"24\" y=\"%d\">%s: ", y, heading);
	put_labels(b, p, n, ax, test, NOTE_NAME, NOTE_NAMES);
	morph_buf_puts(b, "</text>");
}

void
morph_svg_scatter(struct morph_buf *b, const char *title,
    const char *xlabel, const char *ylabel, const struct morph_svg_point *p,
    size_t n, int xlog)
{
	struct axis ax, ay;
	double xlo = NAN, xhi = NAN, ylo = NAN, yhi = NAN, minpos = NAN;
	size_t i, k, st, drawn = 0, front = 0, below;
	int h, note_y = PLOT_B + 52, legend_y;

	for (i = 0; i < n; i++) {
		if (!point_ok(&p[i]))
			continue;
		drawn++;
		front += p[i].frontier != 0;
		if (!(p[i].x >= xlo))
			xlo = p[i].x;
		if (!(p[i].x <= xhi))
			xhi = p[i].x;
		if (!(p[i].y >= ylo))
			ylo = p[i].y;
		if (!(p[i].y <= yhi))
			yhi = p[i].y;
		if (p[i].x > 0 && !(p[i].x >= minpos))
			minpos = p[i].x;
	}
	if (drawn > 0) {
		if (xlog && is_value(minpos))
			axis_log(&ax, minpos, xhi);
		else
			axis_linear(&ax, xlo, xhi);
		ax.p0 = PLOT_L;
		ax.p1 = PLOT_R;
		axis_linear(&ay, ylo, yhi);
		ay.p0 = PLOT_B;
		ay.p1 = PLOT_T;
	}
	below = drawn > 0 ? count_points(p, n, &ax, point_below) : 0;
	legend_y = note_y + (drawn < n ? 18 : 0) + (below > 0 ? 18 : 0);
	h = legend_y + legend_height(drawn + (front > 0));
	if (h < SVG_H)
		h = SVG_H;

	svg_open(b, h, title);
	put_text(b, ylabel, TIP_MAX);
	morph_buf_puts(b, " against ");
	put_text(b, xlabel, TIP_MAX);
	if (drawn == 0) {
		no_value(b, h, title);
		return;
	}
	morph_buf_printf(b, "%s, %zu points; on the Pareto frontier: ",
	    ax.log ? " (log scale)" : "", drawn);
	put_labels(b, p, n, &ax, point_front, TIP_MAX, LIST_MAX);
	if (below > 0) {
		morph_buf_puts(b, "; drawn at the left end, below the scale: ");
		put_labels(b, p, n, &ax, point_below, TIP_MAX, LIST_MAX);
	}
	if (drawn < n) {
		morph_buf_puts(b, "; not drawn, without a value: ");
		put_labels(b, p, n, &ax, point_missing, TIP_MAX, LIST_MAX);
	}
	morph_buf_puts(b, ". Each point's values are in its tooltip.");
	svg_desc_end(b, h, title);

	axis_left(b, &ay, PLOT_L, PLOT_R, ylabel);
	axis_bottom(b, &ax, PLOT_B, PLOT_T, xlabel);
	frontier_line(b, &ax, &ay, p, n);
	for (i = 0; i < n; i++) {
		if (!point_ok(&p[i]))
			continue;
		st = style_of(p[i].style, i);
		marker_open(b, st, st, axis_pos(&ax, p[i].x),
		    axis_pos(&ay, p[i].y), p[i].frontier);
		scatter_tip(b, &p[i], xlabel, ylabel, tip_decimals(&ax),
		    tip_decimals(&ay));
		morph_buf_puts(b, "</path>");
	}
	if (below > 0) {
		scatter_note(b, note_y, "At the left end, below the scale", p,
		    n, &ax, point_below);
		note_y += 18;
	}
	if (drawn < n)
		scatter_note(b, note_y, "Not drawn, without a value", p, n,
		    &ax, point_missing);
	k = 0;
	for (i = 0; i < n; i++)
		if (point_ok(&p[i]))
			legend_entry(b, legend_y, k++,
			    style_of(p[i].style, i), p[i].label, 0,
			    p[i].frontier);
	if (front > 0)
		frontier_legend(b, legend_y, k);
	svg_close(b);
}

/* Boxes */

/* The figures of a box: min, p25, p50, p75, p95, max; n values. */
struct box {
	size_t	n;
	double	v[6];
};

static const double box_p[] = { 0, 0.25, 0.50, 0.75, 0.95, 1 };
static const char *const box_name[] = {
	"min", "p25", "median", "p75", "p95", "max",
};

static int
cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return a < b ? -1 : a > b;
}

/* The nearest-rank percentile p of n sorted values (n > 0). */
static double
nearest_rank(const double *v, size_t n, double p)
{
	size_t k = (size_t)ceil(p * (double)n);

	if (k > n)
		k = n;
	return v[k > 0 ? k - 1 : 0];
}

/* Fills the boxes; 0, or -1 when memory runs out. */
static int
box_figures(struct box *bx, const struct morph_svg_series *s, size_t ns)
{
	double *v;
	size_t i, j, max = 0;
	int k;

	for (i = 0; i < ns; i++)
		if (s[i].y != NULL && s[i].n > max)
			max = s[i].n;
	if ((v = calloc(max > 0 ? max : 1, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < ns; i++) {
		bx[i].n = 0;
		for (j = 0; s[i].y != NULL && j < s[i].n; j++)
			if (is_value(s[i].y[j]))
				v[bx[i].n++] = s[i].y[j];
		if (bx[i].n == 0)
			continue;
		qsort(v, bx[i].n, sizeof(*v), cmp_double);
		for (k = 0; k < 6; k++)
			bx[i].v[k] = nearest_rank(v, bx[i].n, box_p[k]);
	}
	free(v);
	return 0;
}

#define BOX_L		172	/* the plot's left; names left of it */
#define BOX_NAME	22	/* code points shown of a name */

/* The row of box i, centred on y, rh units high. */
static void
box_row(struct morph_buf *b, const struct axis *a, const struct box *bx,
    const char *name, size_t i, double y, double rh, const char *xlabel)
{
	const char *c = colours[i % NCOLOURS];
	double bh = rh * 0.25;	/* half the box's height */
	int k;

	morph_buf_puts(b, "<g><title>");
	put_text(b, name, TIP_MAX);
	morph_buf_puts(b, ": ");
	put_text(b, xlabel, TIP_MAX);
	if (bx->n == 0)
		morph_buf_puts(b, ", no value");
	else
		morph_buf_printf(b, " of %zu values", bx->n);
	for (k = 0; bx->n > 0 && k < 6; k++) {
		morph_buf_printf(b, ", %s ", box_name[k]);
		put_num(b, bx->v[k], tip_decimals(a));
	}
	morph_buf_puts(b, "</title><text text-anchor=\"end\" x=\"");
	put_num(b, BOX_L - 8, 1);
	morph_buf_puts(b, "\" y=\"");
	put_num(b, y + 4, 1);
	morph_buf_puts(b, "\">");
	put_text(b, name, BOX_NAME);
	morph_buf_puts(b, "</text>");
	if (bx->n == 0) {
		morph_buf_puts(b, "<text x=\"");
		put_num(b, BOX_L + 6, 1);
		morph_buf_puts(b, "\" y=\"");
		put_num(b, y + 4, 1);
		morph_buf_puts(b, "\">no value</text></g>");
		return;
	}
	/* The whisker from min to max, with its caps. */
	morph_buf_printf(b, "<path fill=\"none\" stroke=\"%s\" "
	    "stroke-width=\"1.5\" d=\"M", c);
	put_xy(b, axis_pos(a, bx->v[0]), y);
	morph_buf_puts(b, "H");
	put_num(b, axis_pos(a, bx->v[5]), 1);
	morph_buf_puts(b, "M");
	put_xy(b, axis_pos(a, bx->v[0]), y - bh / 2);
	morph_buf_puts(b, "v");
	put_num(b, bh, 1);
	morph_buf_puts(b, "M");
	put_xy(b, axis_pos(a, bx->v[5]), y - bh / 2);
	morph_buf_puts(b, "v");
	put_num(b, bh, 1);
	/* The box from p25 to p75, the median across it. */
	morph_buf_printf(b, "\"/><rect fill=\"" PAPER "\" stroke=\"%s\" "
	    "stroke-width=\"1.5\" x=\"", c);
	put_num(b, axis_pos(a, bx->v[1]), 1);
	morph_buf_puts(b, "\" y=\"");
	put_num(b, y - bh, 1);
	morph_buf_puts(b, "\" width=\"");
	put_num(b, axis_pos(a, bx->v[3]) - axis_pos(a, bx->v[1]), 1);
	morph_buf_puts(b, "\" height=\"");
	put_num(b, 2 * bh, 1);
	morph_buf_printf(b, "\"/><path stroke=\"%s\" stroke-width=\"3\" d=\"M",
	    c);
	put_xy(b, axis_pos(a, bx->v[2]), y - bh);
	morph_buf_puts(b, "v");
	put_num(b, 2 * bh, 1);
	morph_buf_puts(b, "\"/>");
	/* p95: a diamond. */
	marker_open(b, 3, i, axis_pos(a, bx->v[4]), y, 1);
	morph_buf_puts(b, "</path></g>");
}

void
morph_svg_boxes(struct morph_buf *b, const char *title, const char *xlabel,
    const struct morph_svg_series *s, size_t ns)
{
	struct box *bx;
	struct axis a;
	double lo = 0, hi = NAN, rh, top = PLOT_T + 8, bottom;
	size_t i, nvalues = 0;
	int h;

	if ((bx = calloc(ns > 0 ? ns : 1, sizeof(*bx))) == NULL ||
	    box_figures(bx, s, ns) == -1) {
		free(bx);
		b->failed = 1;
		return;
	}
	for (i = 0; i < ns; i++) {
		if (bx[i].n == 0)
			continue;
		nvalues += bx[i].n;
		if (bx[i].v[0] < lo)
			lo = bx[i].v[0];
		if (!(bx[i].v[5] <= hi))
			hi = bx[i].v[5];
	}
	rh = ns > 0 ? (PLOT_B - top) / (double)ns : 0;
	if (rh > 48)
		rh = 48;
	if (rh < 24)
		rh = 24;
	bottom = top + rh * (double)ns;
	h = (int)ceil(bottom) + 72;
	if (h < SVG_H)
		h = SVG_H;

	svg_open(b, h, title);
	morph_buf_puts(b, "The distribution of ");
	put_text(b, xlabel, TIP_MAX);
	if (nvalues == 0) {
		no_value(b, h, title);
		free(bx);
		return;
	}
	axis_linear(&a, lo, hi);
	a.p0 = BOX_L;
	a.p1 = PLOT_R;
	morph_buf_printf(b, " for %zu series, a box plot each (whiskers min "
	    "to max, box p25 to p75, a bar at the median, a diamond at "
	    "p95): ", ns);
	for (i = 0; i < ns && i < LIST_MAX; i++) {
		if (i > 0)
			morph_buf_puts(b, "; ");
		put_text(b, s[i].name, TIP_MAX);
		if (bx[i].n == 0) {
			morph_buf_puts(b, " no value");
			continue;
		}
		morph_buf_puts(b, " median ");
		put_num(b, bx[i].v[2], tip_decimals(&a));
		morph_buf_puts(b, ", p95 ");
		put_num(b, bx[i].v[4], tip_decimals(&a));
	}
	if (ns > LIST_MAX)
		morph_buf_printf(b, " and %zu more", ns - LIST_MAX);
	morph_buf_puts(b, ".");
	svg_desc_end(b, h, title);

	axis_bottom(b, &a, bottom, top - 8, xlabel);
	for (i = 0; i < ns; i++)
		box_row(b, &a, &bx[i], s[i].name, style_of(s[i].style, i),
		    top + rh * ((double)i + 0.5), rh, xlabel);
	morph_buf_printf(b, "<text x=\"24\" y=\"%d\">Whiskers: min to max; "
	    "box: p25 to p75; bar: median; diamond: p95.</text>",
	    (int)ceil(bottom) + 56);
	svg_close(b);
	free(bx);
}
