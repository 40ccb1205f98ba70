/*
 * Charts as inline SVG 1.1, for the HTML report (morph-report(1)): lines
 * along the commits of a branch, a cost-quality scatter with its Pareto
 * frontier, and box plots of latencies.
 *
 * Each writer appends one <svg> element to a buffer.  It is static and
 * self-contained: no script, no style sheet and no style attribute (a
 * strict Content-Security-Policy blocks them), no id and no reference to
 * anything outside it, so any number of charts can share a page.  It is
 * 640 units wide and 320 high, taller only when its legend or its rows
 * need more room; the viewBox says so and the page may scale it.  For
 * screen readers the element has role="img", a <title> and a <desc>
 * saying what is drawn; each point or box has a <title> (a tooltip) with
 * its exact value.
 *
 * Every string of input (titles, labels, names) is written as escaped
 * XML text, never inside markup: & < > " ' are entities; control
 * characters, noncharacters and invalid UTF-8 become U+FFFD, so that the
 * page stays valid whatever the bytes; strings longer than fit are cut
 * at a character, with an ellipsis.  Numbers are written with a fixed
 * number of decimals whatever the locale; NAN and infinities are no
 * value (no point is drawn), and so is any value beyond +/-1e100.
 *
 * Series and points are styled by their position: the ith series (or
 * point) takes the ith of eight colours, each at least 3:1 against the
 * white background, and a marker shape and dash pattern of its own, so
 * that colour is never the only cue and a caller that passes the models
 * in one order gives each model one style in every chart.
 *
 * The writers never fail loudly: when memory runs out the buffer
 * remembers it (morph_buf_status).
 */
#ifndef MORPH_SVGCHART_H
#define MORPH_SVGCHART_H

#include <stddef.h>

#include "morph/buf.h"

struct morph_svg_series {
	const char	*name;	/* legend; a model id */
	const double	*y;	/* n values; NAN: no point there */
	size_t		 n;
	size_t		 style;	/* 0: by place; k: the (k-1)th colour,
				   shape and dash, the same in every chart */
};

/*
 * Lines over x = 0..nx-1 labelled xlabels (commits; NULL: numbered from
 * 1), y from ymin to ymax (NAN: that end from the data; a value outside
 * widens the axis, which ends on round ticks).  Values past nx are
 * ignored; a NAN breaks a line, and an isolated value is its marker
 * alone.  When there are more labels than fit, every kth is shown, the
 * last (newest) always.  With no value to draw the chart says so.
 */
void	morph_svg_lines(struct morph_buf *, const char *title,
	    const char *ylabel, const char *const *xlabels, size_t nx,
	    const struct morph_svg_series *, size_t nseries, double ymin,
	    double ymax);

struct morph_svg_point {
	const char	*label;		/* model id */
	double		 x, y;		/* cost per call (USD),
					   pass rate 0..1 */
	int		 frontier;	/* on the Pareto frontier */
	size_t		 style;		/* as in morph_svg_series */
};

/*
 * A scatter, the frontier's points (filled; the others hollow) joined
 * in order of x by a step line, x on a log scale when xlog.  A point
 * without x or y (NAN) is not drawn and a note under the chart names
 * it.  On a log scale an x of 0 or less (a free model) is drawn at the
 * left end of the axis, its tooltip giving the true value; when no x is
 * above 0 the scale is linear.
 */
void	morph_svg_scatter(struct morph_buf *, const char *title,
	    const char *xlabel, const char *ylabel,
	    const struct morph_svg_point *, size_t n, int xlog);

/*
 * The distribution of values per series (latencies in ms): a box plot
 * per series, one row each, of min, p25, p50, p75, p95 and max
 * (nearest-rank percentiles, as morph run's summary takes them); values
 * need not be sorted and NANs are skipped.  The value axis is xlabel and
 * starts at 0 unless a value is negative.
 */
void	morph_svg_boxes(struct morph_buf *, const char *title,
	    const char *xlabel, const struct morph_svg_series *,
	    size_t nseries);

#endif
