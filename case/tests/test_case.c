/* Tests for the case module: seeds, round trips, random decoding, error
 * messages, determinism. Usage: test_case <test> <corpus dir>. */
#include <dirent.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond);   \
			fprintf(stderr, __VA_ARGS__);                                              \
			fprintf(stderr, "\n");                                                     \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static const char *const harness_dirs[] = {"builder", "idmap", "reloc", "walker"};

/* ---- helpers ----------------------------------------------------------- */

static char *read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)size + 1);
	if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[size] = '\0';
		*len = (size_t)size;
	}
	return buf;
}

/* Canonical text of a case, malloc'd. */
static char *to_text(const struct pgd_case *c, size_t *len)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	case_print_text(f, c);
	fclose(f);
	*len = size;
	return text;
}

typedef void (*seed_fn)(const char *path, const char *harness, const char *text, size_t len);

static int for_each_seed(const char *corpus, seed_fn fn)
{
	int seeds = 0;

	for (size_t h = 0; h < sizeof(harness_dirs) / sizeof(harness_dirs[0]); h++) {
		char dir[4096];
		struct dirent **names;
		int n;

		snprintf(dir, sizeof(dir), "%s/%s", corpus, harness_dirs[h]);
		n = scandir(dir, &names, NULL, alphasort);
		CHECK(n >= 0, "cannot read %s", dir);
		for (int i = 0; i < n; i++) {
			size_t name_len = strlen(names[i]->d_name), len;
			char path[8192];
			char *text;

			if (name_len > 4 && !strcmp(names[i]->d_name + name_len - 4, ".txt")) {
				snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
				text = read_text(path, &len);
				CHECK(text, "cannot read %s", path);
				if (text)
					fn(path, harness_dirs[h], text, len);
				free(text);
				seeds++;
			}
			free(names[i]);
		}
		if (n >= 0)
			free(names);
	}
	return seeds;
}

/* Every bound documented in case.h, checked field by field (not through
 * case_fold, so the two definitions check each other). */
static void check_bounds(const struct pgd_case *c, const char *what)
{
	const struct pgd_config *g = &c->geometry;
	static const unsigned pa_choices[] = {0, 32, 36, 40, 42, 44, 48, 52};
	bool pa_ok = false, feature_pa_ok = false;
	uint64_t granule = g->granule, used = 0, mapped = 0, pages = 0;

	CHECK((unsigned)c->harness < CASE_HARNESS_COUNT, "%s: harness %u", what, c->harness);
	CHECK(granule == 4096 || granule == 16384 || granule == 65536, "%s: granule %u", what,
	      g->granule);
	CHECK(g->va_bits >= 25 && g->va_bits <= 52, "%s: va_bits %u", what, g->va_bits);
	CHECK(g->levels <= 5, "%s: levels %u", what, g->levels);
	CHECK(g->root_entries <= 65536 && !(g->root_entries & (g->root_entries - 1)),
	      "%s: root_entries %u", what, g->root_entries);
	for (size_t i = 0; i < 8; i++) {
		pa_ok |= g->pa_bits == pa_choices[i];
		feature_pa_ok |= c->walker.features.pa_bits == pa_choices[i];
	}
	CHECK(pa_ok, "%s: pa_bits %u", what, g->pa_bits);
	CHECK(feature_pa_ok, "%s: features.pa_bits %u", what, c->walker.features.pa_bits);

	CHECK(c->n_banks <= CASE_MAX_BANKS, "%s: n_banks %u", what, c->n_banks);
	for (unsigned i = 0; i < CASE_MAX_BANKS; i++) {
		const struct case_range *b = &c->banks[i];

		if (i >= c->n_banks) {
			CHECK(!b->base && !b->size, "%s: bank tail %u not zero", what, i);
			continue;
		}
		CHECK(!((b->base | b->size) & 0xfff) && b->size, "%s: bank %u", what, i);
		CHECK(b->base < (1ULL << 52) && b->size <= (1ULL << 52) - b->base,
		      "%s: bank %u above 2^52", what, i);
		for (unsigned j = 0; j < i; j++)
			CHECK(b->base >= c->banks[j].base + c->banks[j].size ||
				  c->banks[j].base >= b->base + b->size,
			      "%s: banks %u and %u overlap", what, j, i);
	}

	CHECK(c->n_ops <= CASE_MAX_OPS, "%s: n_ops %u", what, c->n_ops);
	for (unsigned i = 0; i < CASE_MAX_OPS; i++) {
		const struct case_op *op = &c->ops[i];
		uint64_t leaves;

		if (i >= c->n_ops) {
			CHECK(!op->kind && !op->va && !op->pa && !op->size && !op->prot &&
				  !op->flags,
			      "%s: op tail %u not zero", what, i);
			continue;
		}
		CHECK((unsigned)op->kind < CASE_OP_COUNT, "%s: op %u kind", what, i);
		CHECK(!(op->prot & ~PGD_PROT_MASK), "%s: op %u prot", what, i);
		CHECK(!(op->flags & ~7u), "%s: op %u flags", what, i);
		if (op->kind == CASE_OP_UPDATE)
			CHECK(!op->pa && !op->flags, "%s: update %u has pa/flags", what, i);
		if (op->kind == CASE_OP_IDMAP)
			CHECK(!op->va, "%s: idmap %u has va", what, i);
		if (op->kind == CASE_OP_COPY)
			CHECK(!op->va && !op->pa && !op->size && !op->prot && !op->flags,
			      "%s: copy %u has fields", what, i);
		leaves = op->kind == CASE_OP_COPY ? mapped : case_op_leaves(g, op);
		used += leaves;
		if (op->kind == CASE_OP_MAP || op->kind == CASE_OP_IDMAP)
			mapped += leaves;
	}
	CHECK(used <= CASE_MAX_LEAVES, "%s: %" PRIu64 " leaves", what, used);

	if (!c->kexec.present)
		CHECK(!c->kexec.n_segments && !c->kexec.entry && !c->kexec.dtb &&
			  !c->kexec.strategy,
		      "%s: kexec fields without kexec", what);
	CHECK((unsigned)c->kexec.strategy < CASE_RELOC_COUNT, "%s: strategy", what);
	CHECK(c->kexec.n_segments <= CASE_MAX_SEGMENTS, "%s: n_segments", what);
	for (unsigned i = 0; i < CASE_MAX_SEGMENTS; i++) {
		const struct case_segment *s = &c->kexec.segments[i];

		if (i >= c->kexec.n_segments) {
			CHECK(!s->src && !s->dst && !s->size, "%s: segment tail %u", what, i);
			continue;
		}
		CHECK(!((s->src | s->dst | s->size) & (granule - 1)) && s->size,
		      "%s: segment %u alignment", what, i);
		CHECK(s->src < (1ULL << 52) && s->dst < (1ULL << 52) &&
			  s->size <= (1ULL << 52) - (s->src > s->dst ? s->src : s->dst),
		      "%s: segment %u above 2^52", what, i);
		pages += s->size / granule;
	}
	CHECK(pages <= CASE_MAX_KEXEC_PAGES, "%s: %" PRIu64 " kexec pages", what, pages);

	CHECK(c->walker.n_writes <= CASE_MAX_WRITES, "%s: n_writes", what);
	for (unsigned i = 0; i < CASE_MAX_WRITES; i++) {
		const struct case_write *w = &c->walker.writes[i];

		if (i >= c->walker.n_writes)
			CHECK(!w->pa && !w->value, "%s: write tail %u", what, i);
		else
			CHECK(!(w->pa & 7) && w->pa < (1ULL << 52), "%s: write %u pa", what, i);
	}
	CHECK(c->walker.n_probes <= CASE_MAX_PROBES, "%s: n_probes", what);
	for (unsigned i = c->walker.n_probes; i < CASE_MAX_PROBES; i++)
		CHECK(!c->walker.probes[i], "%s: probe tail %u", what, i);
	CHECK(case_in_bounds(c), "%s: case_in_bounds is false", what);
}

/* ---- seeds: parse -> print -> parse is a fixed point -------------------- */

static void seed_fixed_point(const char *path, const char *harness, const char *text, size_t len)
{
	struct pgd_case first, second;
	char err[512];
	size_t len1, len2;
	char *text1, *text2;

	if (case_parse_text(text, len, path, &first, err, sizeof(err))) {
		CHECK(0, "%s", err);
		return;
	}
	CHECK(!strcmp(case_harness_name(first.harness), harness), "%s: harness %s in the %s corpus",
	      path, case_harness_name(first.harness), harness);
	CHECK(strstr(text, "#") != NULL, "%s: seed has no comment saying what it covers", path);
	check_bounds(&first, path);
	text1 = to_text(&first, &len1);
	if (case_parse_text(text1, len1, "printed", &second, err, sizeof(err))) {
		CHECK(0, "%s: printed form does not parse: %s\n%s", path, err, text1);
	} else {
		CHECK(!memcmp(&first, &second, sizeof(first)), "%s: reparse differs:\n%s", path,
		      text1);
		text2 = to_text(&second, &len2);
		CHECK(len1 == len2 && !memcmp(text1, text2, len1), "%s: print not canonical", path);
		free(text2);
	}
	free(text1);
}

/* ---- roundtrip: text -> binary -> text ---------------------------------- */

static void seed_roundtrip(const char *path, const char *harness, const char *text, size_t len)
{
	static uint8_t buf[CASE_ENCODED_MAX];
	struct pgd_case parsed, decoded;
	char err[512];
	size_t size, len1, len2;
	char *text1, *text2;

	(void)harness;
	if (case_parse_text(text, len, path, &parsed, err, sizeof(err))) {
		CHECK(0, "%s", err);
		return;
	}
	size = case_encode(&parsed, NULL, 0);
	CHECK(size <= sizeof(buf), "%s: encoding of %zu bytes", path, size);
	CHECK(case_encode(&parsed, buf, sizeof(buf)) == size, "%s: sizes differ", path);
	CHECK(case_detect_harness(buf, size) == parsed.harness, "%s: harness not detected", path);
	case_decode(buf, size, &decoded);
	text1 = to_text(&parsed, &len1);
	text2 = to_text(&decoded, &len2);
	CHECK(!memcmp(&parsed, &decoded, sizeof(parsed)),
	      "%s: decode(encode) differs:\n%s\n---\n%s", path, text1, text2);
	CHECK(len1 == len2 && !memcmp(text1, text2, len1), "%s: text differs", path);
	free(text1);
	free(text2);
}

/* ---- random: every byte string decodes to an in-bounds case ------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	/* xorshift64*: fixed seed, so the test is deterministic */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static size_t random_input(uint8_t *buf, size_t cap)
{
	size_t len = (size_t)(rng() % cap);

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)rng();
	if (rng() % 2 && len)
		buf[0] = CASE_BIN_MAGIC; /* half with, half (mostly) without the magic */
	return len;
}

static void test_random(void)
{
	static uint8_t buf[1024], enc[CASE_ENCODED_MAX];
	unsigned with_ops = 0, with_banks = 0, with_writes = 0, with_kexec = 0, texts = 0;
	unsigned granules[3] = {0}, at_budget = 0, small_cases = 0;
	uint64_t total_leaves = 0;
	const unsigned runs = 100000;

	for (unsigned run = 0; run < runs && failures < 20; run++) {
		struct pgd_case c, again, reparsed;
		size_t len = random_input(buf, run % 4 ? 256 : sizeof(buf)), size;
		char what[64];

		snprintf(what, sizeof(what), "random input %u", run);
		case_decode(buf, len, &c);
		check_bounds(&c, what);
		with_ops += c.n_ops > 0;
		with_banks += c.n_banks > 0;
		with_writes += c.walker.n_writes > 0;
		with_kexec += c.kexec.n_segments > 0;
		granules[c.geometry.granule == 4096 ? 0 : c.geometry.granule == 16384 ? 1 : 2]++;
		{
			uint64_t used = 0;

			for (unsigned i = 0; i < c.n_ops; i++)
				used += case_op_leaves(&c.geometry, &c.ops[i]);
			at_budget += used >= CASE_MAX_LEAVES / 2;
			total_leaves += used;
			small_cases += used <= 1024;
		}
		/* fold is idempotent on decoder output */
		memcpy(&again, &c, sizeof(c));
		case_fold(&again);
		CHECK(!memcmp(&again, &c, sizeof(c)), "%s: fold not idempotent", what);
		/* binary round trip of any decoded case */
		size = case_encode(&c, enc, sizeof(enc));
		CHECK(size <= sizeof(enc), "%s: encoding too large", what);
		case_decode(enc, size, &again);
		CHECK(!memcmp(&again, &c, sizeof(c)), "%s: decode(encode(decode)) differs", what);
		/* text round trip of a sample */
		if (run % 5 == 0) {
			char err[512], *text;
			size_t text_len;

			text = to_text(&c, &text_len);
			if (case_parse_text(text, text_len, what, &reparsed, err, sizeof(err)))
				CHECK(0, "%s: printed case does not parse: %s\n%s", what, err,
				      text);
			else
				CHECK(!memcmp(&reparsed, &c, sizeof(c)),
				      "%s: text round trip differs:\n%s", what, text);
			free(text);
			texts++;
		}
	}
	printf("random: %u inputs, %u text round trips; with ops %u, banks %u, writes %u, "
	       "segments %u; granules 4K %u 16K %u 64K %u; leaves: mean %" PRIu64
	       ", <=1024 %u, >=half budget %u\n",
	       runs, texts, with_ops, with_banks, with_writes, with_kexec, granules[0], granules[1],
	       granules[2], total_leaves / runs, small_cases, at_budget);
	/* The decoder must produce non-trivial cases, not fold most to empty. */
	CHECK(with_ops > runs / 2, "only %u cases with ops", with_ops);
	CHECK(with_banks > runs / 3, "only %u cases with RAM", with_banks);
	CHECK(with_writes > runs / 10, "only %u cases with writes", with_writes);
	CHECK(with_kexec > runs / 20, "only %u cases with segments", with_kexec);
	CHECK(granules[0] && granules[1] && granules[2], "a granule is never chosen");
	/* empty and tiny inputs */
	{
		struct pgd_case c;

		case_decode(NULL, 0, &c);
		check_bounds(&c, "empty input");
		CHECK(c.geometry.granule == 4096 && c.n_ops == 0, "empty input gives %u/%u",
		      c.geometry.granule, c.n_ops);
	}
}

/* ---- malformed: each class of error, with file:line ---------------------- */

static void expect_error(const char *text, const char *expected)
{
	struct pgd_case c, zero;
	char err[512];
	int rc;

	memset(&c, 0xa5, sizeof(c));
	memset(&zero, 0, sizeof(zero));
	rc = case_parse_text(text, strlen(text), "bad.txt", &c, err, sizeof(err));
	CHECK(rc == -1, "accepted: %s", text);
	if (rc != -1)
		return;
	CHECK(!strcmp(err, expected), "for:\n%s\n got: %s\nwant: %s", text, err, expected);
	CHECK(!memcmp(&c, &zero, sizeof(c)), "half-filled case returned for: %s", text);
}

static void test_malformed(void)
{
	char many[4096];
	size_t pos = 0;

	expect_error("harness builder\nfrobnicate x=1\n",
		     "bad.txt:2: unknown directive 'frobnicate'");
	expect_error("# c\n\nmap va=1 pa=1 size=1 colour=red\n",
		     "bad.txt:3: map: unknown key 'colour'");
	expect_error("map va=1 va=2 pa=1 size=1\n", "bad.txt:1: map: duplicate key 'va'");
	expect_error("map va=1.5M pa=1 size=1\n", "bad.txt:1: va: bad number '1.5M'");
	expect_error("map va=0x pa=1 size=1\n", "bad.txt:1: va: bad number '0x'");
	expect_error("map va=12Q pa=1 size=1\n", "bad.txt:1: va: bad number '12Q'");
	expect_error("map va= pa=1 size=1\n", "bad.txt:1: map: 'va' needs a value (va=...)");
	expect_error("map va=0x10000000000000000 pa=0 size=1\n",
		     "bad.txt:1: va: number too large for 64 bits '0x10000000000000000'");
	expect_error("map va=0 pa=0 size=20000000T\n",
		     "bad.txt:1: size: number too large for 64 bits '20000000T'");
	expect_error("map va=0 size=4K\n", "bad.txt:1: map: missing pa=");
	expect_error("update va=0 size=4K\n", "bad.txt:1: update: missing prot=");
	expect_error(
	    "map va=0 pa=0 size=4K prot=kernel|rw\n",
	    "bad.txt:1: prot: unknown 'rw' (kernel, ro, rox, exec, device, ng or a number)");
	expect_error("map va=0 pa=0 size=4K flags=no_block,huge\n",
		     "bad.txt:1: flags: unknown flag 'huge' (no_block, no_cont, no_exec)");
	expect_error("geometry granule=4k va_bits=39\ngeometry granule=4k va_bits=48\n",
		     "bad.txt:2: duplicate 'geometry' line (first at line 1)");
	expect_error("geometry granule=8k va_bits=39\n",
		     "bad.txt:1: granule: must be 4k, 16k or 64k, not '8k'");
	expect_error("geometry granule=4k va_bits=53\n",
		     "bad.txt:1: va_bits: 53 is out of range (max 52)");
	expect_error("geometry granule=4k va_bits=24\n",
		     "bad.txt:1: va_bits: 24 is out of range (25..52)");
	expect_error("geometry granule=4k\n", "bad.txt:1: geometry: missing va_bits=");
	expect_error("geometry granule=4k va_bits=39 pa_bits=50\n",
		     "bad.txt:1: pa_bits: 50 is not one of 32, 36, 40, 42, 44, 48, 52");
	expect_error("geometry granule=4k va_bits=39 root_entries=3\n",
		     "bad.txt:1: root_entries: 3 is not a power of two");
	expect_error("geometry granule=4k va_bits=39 lpa2=1\n",
		     "bad.txt:1: geometry: 'lpa2' takes no value");
	expect_error("geometry granule=4k va_bits=39 half=middle\n",
		     "bad.txt:1: half: must be upper or lower, not 'middle'");
	expect_error("harness fuzzy\n",
		     "bad.txt:1: harness: unknown harness 'fuzzy' (builder, idmap, reloc, walker)");
	expect_error("ram base=0x1000 size=0x800\n",
		     "bad.txt:1: ram: base and size must be 4K aligned");
	expect_error("ram base=0x40000000 size=1G\nram base=0x7ffff000 size=8K\n",
		     "bad.txt:2: ram: bank overlaps bank 0 [0x40000000, 0x80000000)");
	expect_error("ram base=0xfffffffff000 size=0x10000000000000\n",
		     "bad.txt:1: ram: bank must end at or below 2^52");
	expect_error("kexec strategy=warp\n",
		     "bad.txt:1: strategy: unknown strategy (mmu-off, idmap, linear, all) 'warp'");
	expect_error("segment src=0 dst=0x1000 size=4K\n",
		     "bad.txt:1: segment without a 'kexec' line");
	expect_error(
	    "geometry granule=64k va_bits=48\nkexec strategy=all\n"
	    "segment src=0x40000000 dst=0x40001000 size=64K\n",
	    "bad.txt:3: segment: src, dst and size must be multiples of the granule (64K)");
	expect_error("kexec strategy=all\nsegment src=0x40000000 dst=0x50000000 size=65\n",
		     "bad.txt:2: segment: src, dst and size must be multiples of the granule (4K)");
	expect_error("kexec strategy=idmap\nsegment src=0x40000000 dst=0x50000000 size=260K\n",
		     "bad.txt:2: kexec segments copy more than 64 pages in all");
	expect_error("write pa=0x1004 value=0\n",
		     "bad.txt:1: write: pa must be 8-byte aligned and below 2^52");
	expect_error("alloc fail_at=0x100000000\n",
		     "bad.txt:1: fail_at: 4294967296 is out of range (max 4294967295)");
	expect_error("copy now\n", "bad.txt:1: copy: unknown key 'now'");
	expect_error("features pa_bits=52 lpa lpa\n", "bad.txt:1: features: duplicate key 'lpa'");
	/* The op budget: 64M of 4K pages is 16384 leaves, one more page is over. */
	expect_error("geometry granule=4k va_bits=48 half=lower\n"
		     "map va=0 pa=0x40000000 size=64M flags=no_block\n"
		     "map va=0x10000000 pa=0x40000000 size=4K\n",
		     "bad.txt:3: map needs 1 leaf descriptors, over the case budget of 16384 "
		     "(16384 used before it)");
	expect_error("geometry granule=4k va_bits=48 half=lower\n"
		     "map va=0x1000 pa=0x40002000 size=1T\n",
		     "bad.txt:2: map needs over 16384 leaf descriptors, over the case budget of "
		     "16384 (0 used before it)");
	/* too many ops */
	for (int i = 0; i <= CASE_MAX_OPS; i++)
		pos += (size_t)snprintf(many + pos, sizeof(many) - pos, "copy\n");
	expect_error(many, "bad.txt:33: too many operations (max 32)");
	{
		char line[2048];

		memset(line, 'x', sizeof(line) - 1);
		line[sizeof(line) - 1] = '\0';
		expect_error(line, "bad.txt:1: line too long (max 1023 characters)");
	}
	/* And things that must be accepted. */
	{
		const char *good = "# comment only\n"
				   "harness builder   # trailing comment\n"
				   "geometry granule=0x10000 va_bits=42 levels=0 pa_bits=0\n"
				   "map va=0xfffffc0000000000 pa=0x4G size=512m prot=0x700|ng\n"
				   "map va=0xfffffc0020000000 pa=0x120000000 size=1 prot=0x1\n";
		struct pgd_case c;
		char err[512];

		CHECK(case_parse_text(good, strlen(good), "good.txt", &c, err, sizeof(err)) == 0,
		      "good text rejected: %s", err);
		CHECK(c.geometry.granule == 65536 && c.ops[0].pa == 0x100000000ULL &&
			  c.ops[0].size == 512ULL << 20 && c.ops[0].prot == (0x700 | PGD_NG) &&
			  c.ops[1].prot == 0 && c.upper,
		      "good text parsed wrongly");
		CHECK(c.ops[0].va == 0xfffffc0000000000ULL, "va");
	}
}

/* ---- determinism ---------------------------------------------------------- */

static void test_determinism(const char *corpus)
{
	static uint8_t a[512], b[512];
	struct pgd_case first, second, other;

	(void)corpus;
	for (unsigned run = 0; run < 20000; run++) {
		size_t len_a = random_input(a, sizeof(a)), len_b = random_input(b, sizeof(b));

		/* Fill with junk first: decode must not depend on prior contents. */
		memset(&first, 0x5a, sizeof(first));
		memset(&second, 0xc3, sizeof(second));
		case_decode(a, len_a, &first);
		case_decode(b, len_b, &other);
		case_decode(a, len_a, &second);
		CHECK(!memcmp(&first, &second, sizeof(first)), "input %u decodes differently", run);
		if (failures > 10)
			break;
	}
}

int main(int argc, char **argv)
{
	int seeds;

	if (argc != 3) {
		fprintf(stderr, "usage: test_case seeds|roundtrip|random|malformed|determinism "
				"CORPUS\n");
		return 2;
	}
	if (!strcmp(argv[1], "seeds")) {
		seeds = for_each_seed(argv[2], seed_fixed_point);
		printf("seeds: %d checked\n", seeds);
		CHECK(seeds >= 40, "only %d seeds", seeds);
	} else if (!strcmp(argv[1], "roundtrip")) {
		seeds = for_each_seed(argv[2], seed_roundtrip);
		printf("roundtrip: %d seeds\n", seeds);
		CHECK(seeds >= 40, "only %d seeds", seeds);
	} else if (!strcmp(argv[1], "random")) {
		test_random();
	} else if (!strcmp(argv[1], "malformed")) {
		test_malformed();
	} else if (!strcmp(argv[1], "determinism")) {
		test_determinism(argv[2]);
	} else {
		fprintf(stderr, "unknown test %s\n", argv[1]);
		return 2;
	}
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
