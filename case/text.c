/* case: the text form, for people. See case.h for the grammar. */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "case.h"
#include "internal.h"

#define MAX_LINE   1024
#define MAX_TOKENS 16

static const struct {
	const char *name;
	uint64_t prot;
} prot_presets[] = {
    {"kernel", PGD_PROT_KERNEL},    {"ro", PGD_PROT_KERNEL_RO},	 {"rox", PGD_PROT_KERNEL_ROX},
    {"exec", PGD_PROT_KERNEL_EXEC}, {"device", PGD_PROT_DEVICE},
};

static const struct {
	const char *name;
	unsigned flag;
} flag_names[] = {
    {"no_block", PGD_NO_BLOCK},
    {"no_cont", PGD_NO_CONT},
    {"no_exec", PGD_NO_EXEC},
};

/* Where an item came from, for messages found after the whole file is read. */
struct parser {
	const char *file;
	unsigned line;
	char *err;
	size_t err_len;
	bool failed;
	unsigned op_lines[CASE_MAX_OPS];
	unsigned segment_lines[CASE_MAX_SEGMENTS];
	unsigned first_segment_line;
	unsigned harness_line, geometry_line, alloc_line, kexec_line, regs_line, features_line;
	bool half_given;
	unsigned directives; /* lines that held one */
};

__attribute__((format(printf, 2, 3))) static int fail(struct parser *p, const char *fmt, ...)
{
	char message[256];
	va_list ap;

	if (p->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	if (p->err && p->err_len)
		snprintf(p->err, p->err_len, "%s:%u: %s", p->file, p->line, message);
	p->failed = true;
	return -1;
}

/* Numbers: 0x hex or decimal, then an optional binary K/M/G/T suffix. */
static const char *parse_number(const char *text, uint64_t *out)
{
	uint64_t value = 0;
	unsigned base = 10, digits = 0, shift = 0;
	const char *s = text;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++, digits++) {
		unsigned digit;

		if (*s >= '0' && *s <= '9')
			digit = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			digit = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (value > (UINT64_MAX - digit) / base)
			return "number too large for 64 bits";
		value = value * base + digit;
	}
	if (digits == 0)
		return "bad number";
	if (*s) {
		switch (*s) {
		case 'k':
		case 'K':
			shift = 10;
			break;
		case 'm':
		case 'M':
			shift = 20;
			break;
		case 'g':
		case 'G':
			shift = 30;
			break;
		case 't':
		case 'T':
			shift = 40;
			break;
		default:
			return "bad number";
		}
		if (s[1])
			return "bad number";
		if (value > UINT64_MAX >> shift)
			return "number too large for 64 bits";
		value <<= shift;
	}
	*out = value;
	return NULL;
}

/* One directive's arguments: each key at most once; bare keys are flags. */
struct arg {
	const char *key;
	bool bare;
	bool seen;
	const char *value;
};

static int take_args(struct parser *p, const char *directive, char **tokens, unsigned count,
		     struct arg *args, unsigned nargs)
{
	for (unsigned t = 0; t < count; t++) {
		char *eq = strchr(tokens[t], '=');
		unsigned i;

		if (eq)
			*eq = '\0';
		for (i = 0; i < nargs; i++)
			if (!strcmp(tokens[t], args[i].key))
				break;
		if (i == nargs)
			return fail(p, "%s: unknown key '%s'", directive, tokens[t]);
		if (args[i].seen)
			return fail(p, "%s: duplicate key '%s'", directive, args[i].key);
		if (args[i].bare && eq)
			return fail(p, "%s: '%s' takes no value", directive, args[i].key);
		if (!args[i].bare && (!eq || !eq[1]))
			return fail(p, "%s: '%s' needs a value (%s=...)", directive, args[i].key,
				    args[i].key);
		args[i].seen = true;
		args[i].value = eq ? eq + 1 : NULL;
	}
	return 0;
}

static int require(struct parser *p, const char *directive, const struct arg *args, unsigned nargs)
{
	for (unsigned i = 0; i < nargs; i++)
		if (!args[i].seen)
			return fail(p, "%s: missing %s=", directive, args[i].key);
	return 0;
}

static int number_arg(struct parser *p, const struct arg *arg, uint64_t *out)
{
	const char *why = parse_number(arg->value, out);

	if (why)
		return fail(p, "%s: %s '%s'", arg->key, why, arg->value);
	return 0;
}

static int small_arg(struct parser *p, const struct arg *arg, uint64_t max, unsigned *out)
{
	uint64_t value;

	if (number_arg(p, arg, &value))
		return -1;
	if (value > max)
		return fail(p, "%s: %" PRIu64 " is out of range (max %" PRIu64 ")", arg->key, value,
			    max);
	*out = (unsigned)value;
	return 0;
}

static int pa_bits_arg(struct parser *p, const struct arg *arg, unsigned *out)
{
	uint64_t value;

	if (number_arg(p, arg, &value))
		return -1;
	for (unsigned i = 0; i < CASE_PA_BITS_CHOICES; i++) {
		if (value == case_pa_bits_table[i]) {
			*out = (unsigned)value;
			return 0;
		}
	}
	return fail(p, "pa_bits: %" PRIu64 " is not one of 32, 36, 40, 42, 44, 48, 52", value);
}

static int prot_arg(struct parser *p, const struct arg *arg, uint64_t *out)
{
	char term[64];
	const char *s = arg->value;
	uint64_t prot = 0;

	while (*s) {
		size_t len = strcspn(s, "|");
		uint64_t value = 0;
		bool known = false;

		if (len == 0 || len >= sizeof(term))
			return fail(p, "prot: bad value '%s'", arg->value);
		memcpy(term, s, len);
		term[len] = '\0';
		for (size_t i = 0; i < sizeof(prot_presets) / sizeof(prot_presets[0]); i++) {
			if (!strcmp(term, prot_presets[i].name)) {
				value = prot_presets[i].prot;
				known = true;
			}
		}
		if (!strcmp(term, "ng")) {
			value = PGD_NG;
			known = true;
		}
		if (!known && parse_number(term, &value))
			return fail(p,
				    "prot: unknown '%s' (kernel, ro, rox, exec, device, ng or a "
				    "number)",
				    term);
		prot |= value;
		s += len;
		if (*s == '|' && !*++s)
			return fail(p, "prot: bad value '%s'", arg->value);
	}
	*out = prot & PGD_PROT_MASK;
	return 0;
}

static int flags_arg(struct parser *p, const struct arg *arg, unsigned *out)
{
	char term[64];
	const char *s = arg->value;
	unsigned flags = 0;

	while (*s) {
		size_t len = strcspn(s, ",");
		size_t i, n = sizeof(flag_names) / sizeof(flag_names[0]);

		if (len == 0 || len >= sizeof(term))
			return fail(p, "flags: bad value '%s'", arg->value);
		memcpy(term, s, len);
		term[len] = '\0';
		for (i = 0; i < n; i++)
			if (!strcmp(term, flag_names[i].name))
				break;
		if (i == n)
			return fail(p, "flags: unknown flag '%s' (no_block, no_cont, no_exec)",
				    term);
		flags |= flag_names[i].flag;
		s += len;
		if (*s == ',' && !*++s)
			return fail(p, "flags: bad value '%s'", arg->value);
	}
	*out = flags;
	return 0;
}

static int name_arg(struct parser *p, const struct arg *arg, const char *const *names,
		    unsigned count, const char *what, unsigned *out)
{
	for (unsigned i = 0; i < count; i++) {
		if (!strcmp(arg->value, names[i])) {
			*out = i;
			return 0;
		}
	}
	return fail(p, "%s: unknown %s '%s'", arg->key, what, arg->value);
}

static int once(struct parser *p, unsigned *line, const char *directive)
{
	if (*line)
		return fail(p, "duplicate '%s' line (first at line %u)", directive, *line);
	*line = p->line;
	return 0;
}

#define NARGS(a) (sizeof(a) / sizeof((a)[0]))

static int parse_harness(struct parser *p, struct pgd_case *c, char **tok, unsigned count)
{
	unsigned i;

	if (once(p, &p->harness_line, "harness"))
		return -1;
	if (count != 1)
		return fail(p, "harness: expected one name (builder, idmap, reloc, walker)");
	for (i = 0; i < CASE_HARNESS_COUNT; i++)
		if (!strcmp(tok[0], case_harness_name((enum case_harness)i)))
			break;
	if (i == CASE_HARNESS_COUNT)
		return fail(p, "harness: unknown harness '%s' (builder, idmap, reloc, walker)",
			    tok[0]);
	c->harness = (enum case_harness)i;
	return 0;
}

static int parse_geometry(struct parser *p, struct pgd_case *c, char **tok, unsigned count)
{
	struct arg args[] = {
	    {"granule", false, false, NULL}, {"va_bits", false, false, NULL},
	    {"levels", false, false, NULL},  {"root_entries", false, false, NULL},
	    {"pa_bits", false, false, NULL}, {"lpa2", true, false, NULL},
	    {"half", false, false, NULL},
	};
	struct pgd_config *g = &c->geometry;
	uint64_t granule;

	if (once(p, &p->geometry_line, "geometry") ||
	    take_args(p, "geometry", tok, count, args, NARGS(args)) ||
	    require(p, "geometry", args, 2) || number_arg(p, &args[0], &granule))
		return -1;
	if (granule != 4096 && granule != 16384 && granule != 65536)
		return fail(p, "granule: must be 4k, 16k or 64k, not '%s'", args[0].value);
	g->granule = (unsigned)granule;
	if (small_arg(p, &args[1], 52, &g->va_bits))
		return -1;
	if (g->va_bits < 25)
		return fail(p, "va_bits: %u is out of range (25..52)", g->va_bits);
	if (args[2].seen && small_arg(p, &args[2], 5, &g->levels))
		return -1;
	if (args[3].seen) {
		if (small_arg(p, &args[3], 65536, &g->root_entries))
			return -1;
		if (g->root_entries & (g->root_entries - 1))
			return fail(p, "root_entries: %u is not a power of two", g->root_entries);
	}
	if (args[4].seen && pa_bits_arg(p, &args[4], &g->pa_bits))
		return -1;
	g->lpa2 = args[5].seen;
	if (args[6].seen) {
		if (!strcmp(args[6].value, "upper"))
			c->upper = true;
		else if (!strcmp(args[6].value, "lower"))
			c->upper = false;
		else
			return fail(p, "half: must be upper or lower, not '%s'", args[6].value);
		p->half_given = true;
	}
	return 0;
}

static int parse_ram(struct parser *p, struct pgd_case *c, char **tok, unsigned count)
{
	struct arg args[] = {{"base", false, false, NULL}, {"size", false, false, NULL}};
	struct case_range bank;

	if (take_args(p, "ram", tok, count, args, NARGS(args)) || require(p, "ram", args, 2) ||
	    number_arg(p, &args[0], &bank.base) || number_arg(p, &args[1], &bank.size))
		return -1;
	if (c->n_banks == CASE_MAX_BANKS)
		return fail(p, "too many ram banks (max %d)", CASE_MAX_BANKS);
	if ((bank.base | bank.size) & 0xfff)
		return fail(p, "ram: base and size must be 4K aligned");
	if (bank.size == 0)
		return fail(p, "ram: size must not be 0");
	if (bank.base >= CASE_PA_LIMIT || bank.size > CASE_PA_LIMIT - bank.base)
		return fail(p, "ram: bank must end at or below 2^52");
	for (unsigned i = 0; i < c->n_banks; i++)
		if (bank.base < c->banks[i].base + c->banks[i].size &&
		    c->banks[i].base < bank.base + bank.size)
			return fail(p, "ram: bank overlaps bank %u [0x%" PRIx64 ", 0x%" PRIx64 ")",
				    i, c->banks[i].base, c->banks[i].base + c->banks[i].size);
	c->banks[c->n_banks++] = bank;
	return 0;
}

static int parse_op(struct parser *p, struct pgd_case *c, enum case_op_kind kind, char **tok,
		    unsigned count)
{
	/* The keys each kind takes; the first `required` of them must be given. */
	static const struct {
		const char *keys[5];
		unsigned count, required;
	} forms[CASE_OP_COUNT] = {
	    [CASE_OP_MAP] = {{"va", "pa", "size", "prot", "flags"}, 5, 3},
	    [CASE_OP_UPDATE] = {{"va", "size", "prot"}, 3, 3},
	    [CASE_OP_IDMAP] = {{"pa", "size", "prot", "flags"}, 4, 2},
	    [CASE_OP_COPY] = {{NULL}, 0, 0},
	};
	const char *name = case_op_name(kind);
	struct case_op op = {.kind = kind, .prot = kind == CASE_OP_COPY ? 0 : PGD_PROT_KERNEL};
	struct arg args[5];
	unsigned nargs = forms[kind].count;

	for (unsigned i = 0; i < nargs; i++)
		args[i] = (struct arg){forms[kind].keys[i], false, false, NULL};
	if (take_args(p, name, tok, count, args, nargs) ||
	    require(p, name, args, forms[kind].required))
		return -1;
	for (unsigned i = 0; i < nargs; i++) {
		const struct arg *a = &args[i];
		int bad = 0;

		if (!a->seen)
			continue;
		if (!strcmp(a->key, "va"))
			bad = number_arg(p, a, &op.va);
		else if (!strcmp(a->key, "pa"))
			bad = number_arg(p, a, &op.pa);
		else if (!strcmp(a->key, "size"))
			bad = number_arg(p, a, &op.size);
		else if (!strcmp(a->key, "prot"))
			bad = prot_arg(p, a, &op.prot);
		else
			bad = flags_arg(p, a, &op.flags);
		if (bad)
			return -1;
	}
	if (c->n_ops == CASE_MAX_OPS)
		return fail(p, "too many operations (max %d)", CASE_MAX_OPS);
	p->op_lines[c->n_ops] = p->line;
	c->ops[c->n_ops++] = op;
	return 0;
}

static int parse_alloc(struct parser *p, struct pgd_case *c, char **tok, unsigned count)
{
	struct arg args[] = {{"fail_at", false, false, NULL}};
	unsigned fail_at = 0;

	if (once(p, &p->alloc_line, "alloc") || take_args(p, "alloc", tok, count, args, 1) ||
	    require(p, "alloc", args, 1) || small_arg(p, &args[0], UINT32_MAX, &fail_at))
		return -1;
	c->fail_alloc_at = fail_at;
	return 0;
}

static int parse_kexec(struct parser *p, struct pgd_case *c, char **tok, unsigned count)
{
	static const char *const strategies[CASE_RELOC_COUNT] = {"mmu-off", "idmap", "linear",
								 "all"};
	struct arg args[] = {{"strategy", false, false, NULL},
			     {"entry", false, false, NULL},
			     {"dtb", false, false, NULL}};
	unsigned strategy = 0;

	if (once(p, &p->kexec_line, "kexec") || take_args(p, "kexec", tok, count, args, 3) ||
	    require(p, "kexec", args, 1) ||
	    name_arg(p, &args[0], strategies, CASE_RELOC_COUNT,
		     "strategy (mmu-off, idmap, linear, all)", &strategy) ||
	    (args[1].seen && number_arg(p, &args[1], &c->kexec.entry)) ||
	    (args[2].seen && number_arg(p, &args[2], &c->kexec.dtb)))
		return -1;
	c->kexec.present = true;
	c->kexec.strategy = (enum case_reloc_strategy)strategy;
	return 0;
}

static int parse_segment(struct parser *p, struct pgd_case *c, char **tok, unsigned count)
{
	struct arg args[] = {
	    {"src", false, false, NULL}, {"dst", false, false, NULL}, {"size", false, false, NULL}};
	struct case_segment seg;

	if (take_args(p, "segment", tok, count, args, 3) || require(p, "segment", args, 3) ||
	    number_arg(p, &args[0], &seg.src) || number_arg(p, &args[1], &seg.dst) ||
	    number_arg(p, &args[2], &seg.size))
		return -1;
	if (c->kexec.n_segments == CASE_MAX_SEGMENTS)
		return fail(p, "too many segments (max %d)", CASE_MAX_SEGMENTS);
	if (seg.size == 0)
		return fail(p, "segment: size must not be 0");
	if (seg.src >= CASE_PA_LIMIT || seg.dst >= CASE_PA_LIMIT ||
	    seg.size > CASE_PA_LIMIT - (seg.src > seg.dst ? seg.src : seg.dst))
		return fail(p, "segment: source and destination must end at or below 2^52");
	if (!p->first_segment_line)
		p->first_segment_line = p->line;
	p->segment_lines[c->kexec.n_segments] = p->line;
	c->kexec.segments[c->kexec.n_segments++] = seg;
	return 0;
}

static int parse_regs(struct parser *p, struct pgd_case *c, char **tok, unsigned count)
{
	struct arg args[] = {
	    {"tcr", false, false, NULL},   {"ttbr0", false, false, NULL},
	    {"ttbr1", false, false, NULL}, {"mair", false, false, NULL},
	    {"sctlr", false, false, NULL},
	};
	struct pgd_regs *regs = &c->walker.regs;
	uint64_t *fields[] = {&regs->tcr, &regs->ttbr0, &regs->ttbr1, &regs->mair, &regs->sctlr};

	if (once(p, &p->regs_line, "regs") || take_args(p, "regs", tok, count, args, 5))
		return -1;
	for (unsigned i = 0; i < 5; i++)
		if (args[i].seen && number_arg(p, &args[i], fields[i]))
			return -1;
	return 0;
}

static int parse_features(struct parser *p, struct pgd_case *c, char **tok, unsigned count)
{
	struct arg args[] = {
	    {"pa_bits", false, false, NULL}, {"lpa", true, false, NULL},
	    {"lpa2", true, false, NULL},     {"hpds", true, false, NULL},
	    {"hafdbs", true, false, NULL},
	};

	if (once(p, &p->features_line, "features") ||
	    take_args(p, "features", tok, count, args, 5) ||
	    (args[0].seen && pa_bits_arg(p, &args[0], &c->walker.features.pa_bits)))
		return -1;
	c->walker.features.lpa = args[1].seen;
	c->walker.features.lpa2 = args[2].seen;
	c->walker.features.hpds = args[3].seen;
	c->walker.features.hafdbs = args[4].seen;
	return 0;
}

static int parse_write(struct parser *p, struct pgd_case *c, char **tok, unsigned count)
{
	struct arg args[] = {{"pa", false, false, NULL}, {"value", false, false, NULL}};
	struct case_write write;

	if (take_args(p, "write", tok, count, args, 2) || require(p, "write", args, 2) ||
	    number_arg(p, &args[0], &write.pa) || number_arg(p, &args[1], &write.value))
		return -1;
	if (c->walker.n_writes == CASE_MAX_WRITES)
		return fail(p, "too many writes (max %d)", CASE_MAX_WRITES);
	if (write.pa & 7 || write.pa >= CASE_PA_LIMIT)
		return fail(p, "write: pa must be 8-byte aligned and below 2^52");
	c->walker.writes[c->walker.n_writes++] = write;
	return 0;
}

static int parse_probe(struct parser *p, struct pgd_case *c, char **tok, unsigned count)
{
	struct arg args[] = {{"va", false, false, NULL}};
	uint64_t va;

	if (take_args(p, "probe", tok, count, args, 1) || require(p, "probe", args, 1) ||
	    number_arg(p, &args[0], &va))
		return -1;
	if (c->walker.n_probes == CASE_MAX_PROBES)
		return fail(p, "too many probes (max %d)", CASE_MAX_PROBES);
	c->walker.probes[c->walker.n_probes++] = va;
	return 0;
}

static int parse_line(struct parser *p, struct pgd_case *c, char *line)
{
	char *tokens[MAX_TOKENS];
	unsigned count = 0;
	char *s = line;
	const char *directive;

	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			*s++ = '\0';
		if (!*s)
			break;
		if (count == MAX_TOKENS)
			return fail(p, "too many fields on one line");
		tokens[count++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r')
			s++;
	}
	if (count == 0)
		return 0;
	p->directives++;
	directive = tokens[0];
	if (!strcmp(directive, "harness"))
		return parse_harness(p, c, tokens + 1, count - 1);
	if (!strcmp(directive, "geometry"))
		return parse_geometry(p, c, tokens + 1, count - 1);
	if (!strcmp(directive, "ram"))
		return parse_ram(p, c, tokens + 1, count - 1);
	for (unsigned kind = 0; kind < CASE_OP_COUNT; kind++)
		if (!strcmp(directive, case_op_name((enum case_op_kind)kind)))
			return parse_op(p, c, (enum case_op_kind)kind, tokens + 1, count - 1);
	if (!strcmp(directive, "alloc"))
		return parse_alloc(p, c, tokens + 1, count - 1);
	if (!strcmp(directive, "kexec"))
		return parse_kexec(p, c, tokens + 1, count - 1);
	if (!strcmp(directive, "segment"))
		return parse_segment(p, c, tokens + 1, count - 1);
	if (!strcmp(directive, "regs"))
		return parse_regs(p, c, tokens + 1, count - 1);
	if (!strcmp(directive, "features"))
		return parse_features(p, c, tokens + 1, count - 1);
	if (!strcmp(directive, "write"))
		return parse_write(p, c, tokens + 1, count - 1);
	if (!strcmp(directive, "probe"))
		return parse_probe(p, c, tokens + 1, count - 1);
	return fail(p, "unknown directive '%s'", directive);
}

/* Checks that need the whole file (the granule, the op budget). */
static int check_whole(struct parser *p, struct pgd_case *c)
{
	uint64_t granule = c->geometry.granule;
	uint64_t used = 0, mapped = 0, pages = 0;

	if (c->kexec.n_segments && !c->kexec.present) {
		p->line = p->first_segment_line;
		return fail(p, "segment without a 'kexec' line");
	}
	for (unsigned i = 0; i < c->kexec.n_segments; i++) {
		const struct case_segment *seg = &c->kexec.segments[i];

		p->line = p->segment_lines[i];
		if ((seg->src | seg->dst | seg->size) & (granule - 1))
			return fail(p,
				    "segment: src, dst and size must be multiples of the granule "
				    "(%" PRIu64 "K)",
				    granule >> 10);
		pages += seg->size / granule;
		if (pages > CASE_MAX_KEXEC_PAGES)
			return fail(p, "kexec segments copy more than %d pages in all",
				    CASE_MAX_KEXEC_PAGES);
	}
	for (unsigned i = 0; i < c->n_ops; i++) {
		const struct case_op *op = &c->ops[i];
		uint64_t leaves =
		    op->kind == CASE_OP_COPY ? mapped : case_op_leaves(&c->geometry, op);

		p->line = p->op_lines[i];
		if (leaves > CASE_MAX_LEAVES - used)
			return fail(p,
				    "%s needs %s%" PRIu64 " leaf descriptors, over the case budget "
				    "of %d (%" PRIu64 " used before it)",
				    case_op_name(op->kind), leaves > CASE_MAX_LEAVES ? "over " : "",
				    leaves > CASE_MAX_LEAVES ? (uint64_t)CASE_MAX_LEAVES : leaves,
				    CASE_MAX_LEAVES, used);
		used += leaves;
		if (op->kind == CASE_OP_MAP || op->kind == CASE_OP_IDMAP)
			mapped += leaves;
	}
	p->line = 0;
	if (!case_in_bounds(c))
		return fail(p, "case is outside the binary form's bounds");
	return 0;
}

int case_parse_text(const char *text, size_t len, const char *filename, struct pgd_case *out,
		    char *err, size_t err_len)
{
	struct parser p = {.file = filename ? filename : "<input>", .err = err, .err_len = err_len};
	struct pgd_case c;
	size_t pos = 0;

	memset(&c, 0, sizeof(c));
	memset(out, 0, sizeof(*out));
	if (err && err_len)
		err[0] = '\0';
	while (pos < len && !p.failed) {
		char line[MAX_LINE];
		size_t end = pos, n;
		char *hash;

		while (end < len && text[end] != '\n')
			end++;
		n = end - pos;
		p.line++;
		if (n >= sizeof(line)) {
			fail(&p, "line too long (max %d characters)", MAX_LINE - 1);
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		/* Only the magic byte makes a file binary (case_load), so a
		 * control byte here is a broken text case. */
		for (size_t i = 0; i < n && !p.failed; i++) {
			unsigned char byte = (unsigned char)line[i];
			if ((byte < 0x20 && byte != '\t' && byte != '\r') || byte == 0x7f)
				fail(&p,
				     "byte 0x%02x at column %zu is not text (binary cases start "
				     "with the byte 0x%02x)",
				     byte, i + 1, CASE_BIN_MAGIC);
		}
		if (p.failed)
			break;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		parse_line(&p, &c, line);
		pos = end + 1;
	}
	if (p.failed)
		return -1;
	if (!p.directives) {
		p.line = 1;
		return fail(&p, "no directives (only blank lines and comments): not a case");
	}
	if (!p.geometry_line) {
		c.geometry.granule = 4096;
		c.geometry.va_bits = 48;
	}
	if (!p.half_given)
		c.upper = c.harness == CASE_HARNESS_BUILDER;
	if (check_whole(&p, &c))
		return -1;
	memcpy(out, &c, sizeof(c));
	return 0;
}

/* ---- Printing --------------------------------------------------------- */

static void print_size(FILE *out, uint64_t size)
{
	static const char suffix[] = "TGMK";

	for (int i = 0; i < 4; i++) {
		unsigned shift = 40 - 10 * (unsigned)i;

		if (size && !(size & ((1ULL << shift) - 1))) {
			fprintf(out, "%" PRIu64 "%c", size >> shift, suffix[i]);
			return;
		}
	}
	if (size < 1024)
		fprintf(out, "%" PRIu64, size);
	else
		fprintf(out, "0x%" PRIx64, size);
}

static void print_prot(FILE *out, uint64_t prot)
{
	for (size_t i = 0; i < sizeof(prot_presets) / sizeof(prot_presets[0]); i++) {
		if ((prot & ~PGD_NG) == prot_presets[i].prot) {
			fprintf(out, "%s%s", prot_presets[i].name, prot & PGD_NG ? "|ng" : "");
			return;
		}
	}
	fprintf(out, "0x%" PRIx64, prot);
}

static void print_flags(FILE *out, unsigned flags)
{
	const char *sep = " flags=";

	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (flags & flag_names[i].flag) {
			fprintf(out, "%s%s", sep, flag_names[i].name);
			sep = ",";
		}
	}
}

void case_print_text(FILE *out, const struct pgd_case *c)
{
	const struct pgd_config *g = &c->geometry;
	const struct pgd_regs *regs = &c->walker.regs;

	fprintf(out, "harness %s\n", case_harness_name(c->harness));
	fprintf(out, "geometry granule=%uk va_bits=%u", g->granule >> 10, g->va_bits);
	if (g->levels)
		fprintf(out, " levels=%u", g->levels);
	if (g->root_entries)
		fprintf(out, " root_entries=%u", g->root_entries);
	if (g->pa_bits)
		fprintf(out, " pa_bits=%u", g->pa_bits);
	if (g->lpa2)
		fprintf(out, " lpa2");
	if (c->upper != (c->harness == CASE_HARNESS_BUILDER))
		fprintf(out, " half=%s", c->upper ? "upper" : "lower");
	fprintf(out, "\n");
	for (unsigned i = 0; i < c->n_banks; i++) {
		fprintf(out, "ram base=0x%" PRIx64 " size=", c->banks[i].base);
		print_size(out, c->banks[i].size);
		fprintf(out, "\n");
	}
	for (unsigned i = 0; i < c->n_ops; i++) {
		const struct case_op *op = &c->ops[i];

		fprintf(out, "%s", case_op_name(op->kind));
		if (op->kind == CASE_OP_COPY) {
			fprintf(out, "\n");
			continue;
		}
		if (op->kind != CASE_OP_IDMAP)
			fprintf(out, " va=0x%" PRIx64, op->va);
		if (op->kind != CASE_OP_UPDATE)
			fprintf(out, " pa=0x%" PRIx64, op->pa);
		fprintf(out, " size=");
		print_size(out, op->size);
		fprintf(out, " prot=");
		print_prot(out, op->prot);
		print_flags(out, op->flags);
		fprintf(out, "\n");
	}
	if (c->fail_alloc_at)
		fprintf(out, "alloc fail_at=%" PRIu32 "\n", c->fail_alloc_at);
	if (c->kexec.present)
		fprintf(out, "kexec strategy=%s entry=0x%" PRIx64 " dtb=0x%" PRIx64 "\n",
			case_strategy_name(c->kexec.strategy), c->kexec.entry, c->kexec.dtb);
	for (unsigned i = 0; i < c->kexec.n_segments; i++) {
		const struct case_segment *seg = &c->kexec.segments[i];

		fprintf(out, "segment src=0x%" PRIx64 " dst=0x%" PRIx64 " size=", seg->src,
			seg->dst);
		print_size(out, seg->size);
		fprintf(out, "\n");
	}
	if (regs->tcr || regs->ttbr0 || regs->ttbr1 || regs->mair || regs->sctlr) {
		fprintf(out, "regs");
		if (regs->tcr)
			fprintf(out, " tcr=0x%" PRIx64, regs->tcr);
		if (regs->ttbr0)
			fprintf(out, " ttbr0=0x%" PRIx64, regs->ttbr0);
		if (regs->ttbr1)
			fprintf(out, " ttbr1=0x%" PRIx64, regs->ttbr1);
		if (regs->mair)
			fprintf(out, " mair=0x%" PRIx64, regs->mair);
		if (regs->sctlr)
			fprintf(out, " sctlr=0x%" PRIx64, regs->sctlr);
		fprintf(out, "\n");
	}
	if (c->walker.features.pa_bits || c->walker.features.lpa || c->walker.features.lpa2 ||
	    c->walker.features.hpds || c->walker.features.hafdbs) {
		fprintf(out, "features");
		if (c->walker.features.pa_bits)
			fprintf(out, " pa_bits=%u", c->walker.features.pa_bits);
		if (c->walker.features.lpa)
			fprintf(out, " lpa");
		if (c->walker.features.lpa2)
			fprintf(out, " lpa2");
		if (c->walker.features.hpds)
			fprintf(out, " hpds");
		if (c->walker.features.hafdbs)
			fprintf(out, " hafdbs");
		fprintf(out, "\n");
	}
	for (unsigned i = 0; i < c->walker.n_writes; i++)
		fprintf(out, "write pa=0x%" PRIx64 " value=0x%" PRIx64 "\n", c->walker.writes[i].pa,
			c->walker.writes[i].value);
	for (unsigned i = 0; i < c->walker.n_probes; i++)
		fprintf(out, "probe va=0x%" PRIx64 "\n", c->walker.probes[i]);
}
