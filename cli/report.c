/* The campaign report: a Markdown file for terminals and reviews, an HTML
 * file with inline SVG plots for browsers. Both are written atomically. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_stats_sample(struct cli_harness_stats *stats, double when)
{
	if (stats->nsamples == CLI_MAX_SAMPLES) {
		/* Keep every other sample: the plot keeps its shape. */
		for (size_t i = 0; i < CLI_MAX_SAMPLES / 2; i++) {
			stats->sample_time[i] = stats->sample_time[2 * i];
			stats->sample_execs[i] = stats->sample_execs[2 * i];
			stats->sample_edges[i] = stats->sample_edges[2 * i];
		}
		stats->nsamples = CLI_MAX_SAMPLES / 2;
	}
	stats->sample_time[stats->nsamples] = when;
	stats->sample_execs[stats->nsamples] = stats->exec_per_sec;
	stats->sample_edges[stats->nsamples] = stats->cov;
	stats->nsamples++;
}

/* A growable string. */
struct text {
	char *data;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->data ? t->data + t->len : NULL, t->data ? t->cap - t->len : 0,
				  fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (t->data && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = (t->cap + (size_t)n + 1) * 2;
		char *data = realloc(t->data, cap);
		if (!data)
			return;
		t->data = data;
		t->cap = cap;
	}
}

static const char *colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

/* One line per harness of its samples against time, with axes and a
 * legend. Only sampled points are drawn: where samples are missing (a gap
 * longer than three sampling intervals) the line breaks instead of drawing
 * a diagonal that looks like growth. */
static void plot(struct text *t, const struct cli_report *r, bool edges, const char *title)
{
	const int width = 640, height = 240, left = 60, bottom = 30, top = 24, right = 110;
	double max_t = r->elapsed > 1 ? r->elapsed : 1, max_v = 1;
	for (size_t h = 0; h < r->nstats; h++)
		for (size_t i = 0; i < r->stats[h].nsamples; i++) {
			double v =
			    edges ? r->stats[h].sample_edges[i] : r->stats[h].sample_execs[i];
			max_v = v > max_v ? v : max_v;
		}
	put(t,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	    "font-family=\"sans-serif\" font-size=\"11\">\n"
	    "<text x=\"%d\" y=\"15\" font-size=\"13\">%s</text>\n"
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n"
	    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n"
	    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>\n"
	    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n"
	    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0fs</text>\n",
	    width, height, left, title, left, height - bottom, width - right, height - bottom, left,
	    top, left, height - bottom, left - 4, top + 4, max_v, left - 4, height - bottom,
	    width - right, height - bottom + 16, max_t);
	double sx = (width - right - left) / max_t, sy = (height - bottom - top) / max_v;
	for (size_t h = 0; h < r->nstats; h++) {
		const struct cli_harness_stats *s = &r->stats[h];
		/* The sampling interval: the shortest step between samples. */
		double step = 0;
		for (size_t i = 1; i < s->nsamples; i++) {
			double dt = s->sample_time[i] - s->sample_time[i - 1];
			if (dt > 0 && (step == 0 || dt < step))
				step = dt;
		}
		double gap = 3 * (step > 1 ? step : 1);
		bool open = false;
		for (size_t i = 0; i < s->nsamples; i++) {
			double v = edges ? s->sample_edges[i] : s->sample_execs[i];
			bool breaks = i > 0 && s->sample_time[i] - s->sample_time[i - 1] > gap;
			if (open && breaks) {
				put(t, "\"/>\n");
				open = false;
			}
			if (!open) {
				put(t,
				    "<polyline class=\"samples\" fill=\"none\" stroke=\"%s\" "
				    "stroke-width=\"1.5\" points=\"",
				    colors[h % 4]);
				open = true;
			}
			put(t, "%.1f,%.1f ", left + s->sample_time[i] * sx,
			    height - bottom - v * sy);
		}
		if (open)
			put(t, "\"/>\n");
		put(t, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>\n", width - right + 8,
		    (int)(top + 14 * h + 10), colors[h % 4], s->name);
	}
	put(t, "</svg>\n");
}

static void html_escape(struct text *t, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			put(t, "&lt;");
		else if (*s == '>')
			put(t, "&gt;");
		else if (*s == '&')
			put(t, "&amp;");
		else
			put(t, "%c", *s);
	}
}

static void repro_command(char *buf, size_t len, const struct cli_group *g)
{
	cli_repro_command(buf, len, g->target, g->minimized[0] ? g->minimized : g->example);
}

#define MAX_KNOWN 256

/* Known kernel signatures seen: those the fuzzers logged (one line per
 * first sighting in a process, so repeats) and those triage set aside.
 * Returns how many distinct ones are in known[]. */
static size_t known_seen(const struct cli_report *r, char known[][160])
{
	size_t n = 0;
	FILE *f = r->seen_file ? fopen(r->seen_file, "r") : NULL;
	char line[256];
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		bool dup = !line[0];
		for (size_t i = 0; i < n && !dup; i++)
			dup = !strcmp(known[i], line);
		if (!dup && n < MAX_KNOWN)
			snprintf(known[n++], 160, "%.159s", line);
	}
	if (f)
		fclose(f);
	for (size_t k = 0; k < r->groups->nknown; k++) {
		bool dup = false;
		for (size_t i = 0; i < n && !dup; i++)
			dup = !strcmp(known[i], r->groups->known[k]);
		if (!dup && n < MAX_KNOWN)
			snprintf(known[n++], 160, "%s", r->groups->known[k]);
	}
	for (size_t i = 1; i < n; i++) /* sorted, so reports compare */
		for (size_t j = i; j > 0 && strcmp(known[j - 1], known[j]) > 0; j--) {
			char tmp[160];
			memcpy(tmp, known[j], 160);
			memcpy(known[j], known[j - 1], 160);
			memcpy(known[j - 1], tmp, 160);
		}
	return n;
}

/* The kernel campaign's section: which allowlist applied and which of its
 * signatures the campaign hit. */
static void kernel_section(struct text *md, struct text *html, const struct cli_report *r)
{
	static char known[MAX_KNOWN][160];
	char writeup[PATH_MAX];
	size_t n = known_seen(r, known);
	cli_project_file("kernel/kernel-findings.md", writeup, sizeof(writeup));
	put(md, "\n## Known kernel findings seen\n\n");
	put(html, "<h2>Known kernel findings seen</h2>\n<p>");
	if (!r->known_list[0]) {
		put(md,
		    "Allowlist off (`--all-findings`): every kernel finding is listed above.\n\n");
		html_escape(html, "Allowlist off (--all-findings): every kernel finding is listed "
				  "above.");
		put(html, "</p>\n");
		return;
	}
	put(md,
	    "Signatures matching `%s` are kernel behaviour already written up in "
	    "`kernel/kernel-findings.md` (`%s`); the fuzzers kept going past them.\n\n",
	    r->known_list, writeup);
	put(html, "Signatures matching <code>");
	html_escape(html, r->known_list);
	put(html, "</code> are kernel behaviour already written up in <code>");
	html_escape(html, writeup);
	put(html, "</code>; the fuzzers kept going past them.</p>\n<ul>\n");
	if (!n) {
		put(md, "None.\n");
		put(html, "<li>None.</li>\n");
	}
	for (size_t i = 0; i < n; i++) {
		put(md, "- `%s`\n", known[i]);
		put(html, "<li><code>");
		html_escape(html, known[i]);
		put(html, "</code></li>\n");
	}
	put(md, "\n");
	put(html, "</ul>\n");
}

static int write_text(const char *dir, const char *name, struct text *t)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int ret = cli_write_atomic(path, t->data ? t->data : "", t->len);
	free(t->data);
	*t = (struct text){0};
	return ret;
}

/* One row of cells, to Markdown (md may be NULL) and HTML. */
static void table_row(struct text *md, struct text *html, const char *const *cells, size_t n,
		      bool header)
{
	for (size_t i = 0; md && i < n; i++)
		put(md, "| %s ", cells[i]);
	if (md)
		put(md, "|\n");
	if (md && header) {
		put(md, "|---");
		for (size_t i = 1; i < n; i++)
			put(md, "|---:");
		put(md, "|\n");
	}
	put(html, "<tr>");
	for (size_t i = 0; i < n; i++) {
		put(html, header || i == 0 ? "<th>" : "<td>");
		html_escape(html, cells[i]);
		put(html, header || i == 0 ? "</th>" : "</td>");
	}
	put(html, "</tr>\n");
}

/* The per-harness table, with what each column means for the engine. */
static void stats_table(struct text *md, struct text *html, const struct cli_report *r)
{
	bool two = r->fast_fuzzers && r->fast_fuzzers[0];
	const char *head[] = {r->kernel_src ? "target" : "harness",
			      "execs",
			      "exec/s",
			      "edges",
			      r->afl ? "bitmap %" : "features",
			      "corpus",
			      "merged corpus",
			      "crash files",
			      two ? "fast: slot s" : "slot s",
			      two ? "fast: exec/s per slot" : "exec/s per slot",
			      "asan: slot s",
			      "asan: exec/s per slot",
			      "not reproduced"};
	size_t ncols = two ? 13 : 10;
	if (md) {
		if (two)
			put(md,
			    "- builds: fast `%s` (no sanitizers), sanitizer `%s` (judges every "
			    "finding)\n\n",
			    r->fast_fuzzers, r->fuzzers);
		else
			put(md, "- build: `%s` (one build: every slot ran it)\n\n", r->fuzzers);
	}
	put(html, "<table>\n");
	table_row(md, html, head, ncols, true);
	for (size_t h = 0; h < r->nstats; h++) {
		const struct cli_harness_stats *s = &r->stats[h];
		char cells[13][48];
		const char *row[13];
		int b0 = two ? CLI_BUILD_FAST : CLI_BUILD_JUDGE;
		snprintf(cells[0], 48, "%s", s->name);
		snprintf(cells[1], 48, "%llu", (unsigned long long)s->execs);
		snprintf(cells[2], 48, "%.0f", s->execs / (r->elapsed > 0 ? r->elapsed : 1));
		snprintf(cells[3], 48, "%u", s->cov);
		if (r->afl)
			snprintf(cells[4], 48, "%.2f", s->bitmap_cvg);
		else
			snprintf(cells[4], 48, "%u", s->features);
		snprintf(cells[5], 48, "%u", s->corpus);
		snprintf(cells[6], 48, "%zu", s->merged);
		snprintf(cells[7], 48, "%u", s->crashes);
		for (int k = 0; k < (two ? 2 : 1); k++) {
			int b = k == 0 ? b0 : CLI_BUILD_JUDGE;
			double sec = s->build_seconds[b];
			snprintf(cells[8 + 2 * k], 48, "%.0f", sec);
			snprintf(cells[9 + 2 * k], 48, "%.0f",
				 sec > 0 ? (double)s->build_execs[b] / sec : 0.0);
		}
		snprintf(cells[12], 48, "%u", s->not_reproduced);
		for (size_t c = 0; c < 13; c++)
			row[c] = cells[c];
		table_row(md, html, row, ncols, false);
	}
	put(html, "</table>\n");
	const char *legend =
	    r->afl ? "edges: AFL++'s edges_found; bitmap %: bitmap_cvg, the share of the "
		     "coverage map hit. exec/s: executions over the campaign's wall time; "
		     "slot s: seconds of fuzzer processes; exec/s per slot: executions per "
		     "second of a process (compare with one process alone)."
		   : "edges: libFuzzer's cov (edges, with hit counters, of the fast build once "
		     "it ran, else of the sanitizer build); features: libFuzzer's ft (edges "
		     "times hit-count buckets and more). exec/s: executions over the "
		     "campaign's wall time; slot s: seconds of fuzzer processes per build; "
		     "exec/s per slot: executions per second of a process (compare with one "
		     "process alone); not reproduced: fast-build crash files that ran clean "
		     "on the sanitizer build (not findings).";
	if (md)
		put(md, "\n%s\n", legend);
	put(html, "<p>");
	html_escape(html, legend);
	put(html, "</p>\n");
	if (r->afl)
		return;
	/* How each harness ran: persistent processes, fork mode for one that
	 * kept stopping at findings. */
	const char *mhead[] = {
	    r->kernel_src ? "target" : "harness", "build",	  "persistent: slot s",
	    "persistent: exec/s per slot",	  "fork: slot s", "fork: exec/s per slot"};
	const char *modes = "libFuzzer modes (fork mode for a harness whose persistent "
			    "processes stopped at findings twice):";
	if (md)
		put(md, "\n%s\n\n", modes);
	put(html, "<p>%s</p>\n<table>\n", modes);
	table_row(md, html, mhead, 6, true);
	for (size_t h = 0; h < r->nstats; h++) {
		const struct cli_harness_stats *s = &r->stats[h];
		for (int b = 0; b < CLI_BUILDS; b++) {
			char cells[6][48];
			const char *row[6];
			if (s->mode_seconds[b][0] + s->mode_seconds[b][1] <= 0)
				continue;
			snprintf(cells[0], 48, "%s", s->name);
			snprintf(cells[1], 48, "%s",
				 b == CLI_BUILD_FAST ? "fast"
				 : two		     ? "asan"
						     : "single");
			for (int m = 0; m < 2; m++) {
				double sec = s->mode_seconds[b][m];
				snprintf(cells[2 + 2 * m], 48, "%.0f", sec);
				snprintf(cells[3 + 2 * m], 48, "%.0f",
					 sec > 0 ? (double)s->mode_execs[b][m] / sec : 0.0);
			}
			for (int c = 0; c < 6; c++)
				row[c] = cells[c];
			table_row(md, html, row, 6, false);
		}
	}
	put(html, "</table>\n");
}

int cli_write_report(const struct cli_report *r)
{
	const char *edges_title = r->afl ? "edges found (AFL++ edges_found) over time"
					 : "edges (libFuzzer cov) over time";
	struct text md = {0}, html = {0}, svg = {0};
	const struct cli_groups *g = r->groups;
	char cmd[PATH_MAX * 3];
	unsigned total = 0;
	for (size_t i = 0; i < g->count; i++)
		total += g->groups[i].count;

	put(&md, "# pgdfuzz campaign report\n\n");
	put(&md, "- engine: %s, jobs: %d\n- duration: %.0f s of %.0f s planned%s\n", r->engine,
	    r->jobs, r->elapsed, r->planned, r->interrupted ? " (interrupted)" : "");
	if (r->kernel_src)
		put(&md, "- kernel tree: `%s`%s%s\n", r->kernel_src,
		    r->kernel_config[0] ? ", configuration " : "", r->kernel_config);
	static char roots[CLI_MAX_GROUPS][160];
	static size_t firsts[CLI_MAX_GROUPS];
	size_t nroots = cli_root_causes(g, roots, firsts, CLI_MAX_GROUPS);
	put(&md,
	    "- findings: %zu root cause%s, %zu distinct signature%s (variants) from %u "
	    "reproducing files; %zu flaky\n\n",
	    nroots, nroots == 1 ? "" : "s", g->count, g->count == 1 ? "" : "s", total, g->nflaky);
	if (r->earlier_files)
		put(&md,
		    "- earlier runs (--resume): %u crash file%s were already in `%s` from earlier "
		    "runs; they were judged again and are listed, but are not this run's findings "
		    "(each finding's \"from earlier runs\" count says how many of its files)\n",
		    r->earlier_files, r->earlier_files == 1 ? "" : "s", r->out_dir);
	for (size_t h = 0; h < r->nstats; h++)
		if (r->stats[h].died)
			put(&md,
			    "- **%u fuzzer process%s died** of a signal pgdfuzz did not send: %s\n",
			    r->stats[h].died, r->stats[h].died == 1 ? "" : "es",
			    r->stats[h].died_note);
	stats_table(&md, &html, r);
	put(&md, "\n![coverage over time](coverage.svg)\n\n![exec/s over time](execs.svg)\n\n");
	put(&md, "## Findings\n\n");
	if (!g->count)
		put(&md, "None.\n");
	for (size_t r = 0; r < nroots; r++) {
		unsigned variants, files;
		cli_root_cause_counts(g, roots[r], &variants, &files);
		put(&md, "### Root cause `%s`: %u variant%s, %u file%s\n\n", roots[r], variants,
		    variants == 1 ? "" : "s", files, files == 1 ? "" : "s");
		for (size_t i = 0; i < g->count; i++) {
			const struct cli_group *f = &g->groups[i];
			if (!cli_in_root_cause(f, roots[r]))
				continue;
			repro_command(cmd, sizeof(cmd), f);
			put(&md,
			    "#### `%s`\n\n- count: %u (%u from earlier runs)\n- first seen: %.0f "
			    "s\n- reproducer: `%s`\n- reproduce: `%s`\n\n```\n%s```\n\n",
			    f->signature, f->count, f->earlier, f->first_seen,
			    f->minimized[0] ? f->minimized : f->example, cmd, f->detail);
		}
	}
	if (g->nflaky) {
		put(&md, "## Did not reproduce (flaky)\n\n");
		for (size_t i = 0; i < g->nflaky; i++)
			put(&md, "- `%s` (%s)\n", g->flaky[i], g->flaky_reason[i]);
	}

	put(&html,
	    "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>pgdfuzz report</title>"
	    "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto}"
	    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}"
	    "td{text-align:right}pre{background:#f6f6f6;padding:8px;overflow-x:auto}"
	    ".bad{color:#b00}.good{color:#070}</style></head><body>\n");
	put(&html, "<h1>pgdfuzz campaign report</h1>\n<p>engine %s, %d jobs, %.0f s of %.0f s%s. ",
	    r->engine, r->jobs, r->elapsed, r->planned, r->interrupted ? " (interrupted)" : "");
	put(&html,
	    "<b class=\"%s\">%zu root cause%s, %zu distinct findings</b> (variants), %zu "
	    "flaky.</p>\n",
	    g->count ? "bad" : "good", nroots, nroots == 1 ? "" : "s", g->count, g->nflaky);
	if (r->earlier_files)
		put(&html,
		    "<p>Earlier runs (--resume): %u crash file%s were already in the output "
		    "directory; judged again and listed, not counted as this run's.</p>\n",
		    r->earlier_files, r->earlier_files == 1 ? "" : "s");
	for (size_t h = 0; h < r->nstats; h++)
		if (r->stats[h].died) {
			put(&html, "<p class=\"bad\">%u fuzzer process%s died: ", r->stats[h].died,
			    r->stats[h].died == 1 ? "" : "es");
			html_escape(&html, r->stats[h].died_note);
			put(&html, "</p>\n");
		}
	stats_table(NULL, &html, r);
	plot(&html, r, true, edges_title);
	plot(&html, r, false, "exec/s over time");
	put(&html, "<h2>Findings</h2>\n");
	if (!g->count)
		put(&html, "<p>None.</p>\n");
	for (size_t r = 0; r < nroots; r++) {
		unsigned variants, files;
		cli_root_cause_counts(g, roots[r], &variants, &files);
		put(&html, "<h3>Root cause <code>");
		html_escape(&html, roots[r]);
		put(&html, "</code>: %u variant%s, %u file%s</h3>\n", variants,
		    variants == 1 ? "" : "s", files, files == 1 ? "" : "s");
		for (size_t i = 0; i < g->count; i++) {
			const struct cli_group *f = &g->groups[i];
			if (!cli_in_root_cause(f, roots[r]))
				continue;
			repro_command(cmd, sizeof(cmd), f);
			put(&html, "<h4><code>");
			html_escape(&html, f->signature);
			put(&html,
			    "</code></h4><p>%u files (%u from earlier runs), first seen at %.0f "
			    "s.<br>Reproduce: <code>",
			    f->count, f->earlier, f->first_seen);
			html_escape(&html, cmd);
			/* The explanation: the case, each step's outcome, the
			 * divergence with its chain and the tables near it. */
			put(&html, "</code></p><pre>");
			html_escape(&html, f->detail);
			put(&html, "</pre>\n");
		}
	}
	if (g->nflaky) {
		put(&html, "<h2>Did not reproduce (flaky)</h2>\n<ul>\n");
		for (size_t i = 0; i < g->nflaky; i++) {
			put(&html, "<li><code>");
			html_escape(&html, g->flaky[i]);
			put(&html, "</code> (");
			html_escape(&html, g->flaky_reason[i]);
			put(&html, ")</li>\n");
		}
		put(&html, "</ul>\n");
	}
	if (r->kernel_src)
		kernel_section(&md, &html, r);
	put(&html, "</body></html>\n");

	int ret = 0;
	plot(&svg, r, true, edges_title);
	ret |= write_text(r->out_dir, "coverage.svg", &svg);
	plot(&svg, r, false, "exec/s over time");
	ret |= write_text(r->out_dir, "execs.svg", &svg);
	ret |= write_text(r->out_dir, "report.md", &md);
	ret |= write_text(r->out_dir, "report.html", &html);
	char json[PATH_MAX + 16];
	snprintf(json, sizeof(json), "%s/findings.json", r->out_dir);
	ret |= cli_write_findings_json(g, json) != 0;
	return ret;
}
