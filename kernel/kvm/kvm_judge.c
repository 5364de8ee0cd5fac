/* Simulated RAM with per-page reference counts for pgtable.c's mm_ops, and
 * the judge (see kvm_judge.h). */
#include "kvm_judge.h"

#include "ref.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kvm_env kvm_env;

/* Table memory: one contiguous host buffer, because pgtable.c addresses a
 * concatenated stage-2 PGD (up to 16 granule pages) through one pointer. */
#define ARENA_BASE 0x40000000ULL
#define ARENA_SIZE (48ULL << 20)

struct arena {
	uint8_t *mem;
	unsigned gshift;
	size_t npages;
	int *refcount;	  /* per granule page */
	bool *allocated;  /* per granule page */
	size_t live;	  /* allocated pages */
	unsigned errors;  /* misuse seen by the mm_ops */
	const char *kind; /* the first misuse's signature kind */
	char error[256];
	uint8_t trap[65536]; /* handed out for addresses outside the arena */
};

struct mapping {
	uint64_t addr, size, phys, prot;
	bool live;  /* mapped now (else: was mapped, now must fault) */
	bool owner; /* stage 2 set_owner annotation instead of a mapping */
	uint8_t owner_id;
	bool old;   /* stage 2: access flag cleared (test_clear_young) */
	bool aged;  /* stage 2: old or young, either is right (split of old blocks) */
	bool split; /* stage 2: split into page mappings */
};

#define MAX_MAPPINGS 64

struct run {
	const struct kvm_backend *backend;
	const struct kvm_run_config *config;
	struct kvm_run_result *result;
	struct arena arena;
	uint64_t rng;
	unsigned long long root_pa;
	unsigned ia_bits;
	int start_level;
	unsigned root_pages;
	uint64_t vtcr;
	struct mapping maps[MAX_MAPPINGS];
	unsigned nmaps;
	const char *op;	     /* the operation being judged, for messages */
	const uint8_t *data; /* choices left from config->data */
	size_t data_left;
	/* Break-before-make, judged per store: the live tables (level and
	 * first IA per arena page, NO_TABLE when not a live table), the
	 * entries broken during the current operation, and the regime. */
	signed char *table_level;
	uint64_t *table_ia;
	struct ref_hyp_regime regime;
	bool have_regime;
	struct broken {
		const void *addr;
		uint64_t old, ia, size;
		int level;
		bool invalidated;
		bool mishinted; /* a TLBI named it, with a wrong level hint */
		int hint;	/* that hint (HINT_WRONG: another granule's) */
	} broken[256];
	unsigned nbroken;
};

void kvm_run_config_name(const struct kvm_backend *backend, const struct kvm_run_config *config,
			 char *out, size_t len)
{
	if (config->kind == KVM_RUN_HYP)
		snprintf(out, len, "%s-hyp", backend->name);
	else
		snprintf(out, len, "%s-s2-%u%s", backend->name, config->ipa_bits,
			 config->fwb ? "-fwb" : "");
}

/* One line of the operation log (config->log only). */
__attribute__((format(printf, 2, 3))) static void note(struct run *run, const char *fmt, ...)
{
	struct kvm_run_result *result = run->result;
	size_t used = strlen(result->log);
	va_list ap;

	if (!run->config->log || used + 1 >= sizeof(result->log))
		return;
	va_start(ap, fmt);
	vsnprintf(result->log + used, sizeof(result->log) - used, fmt, ap);
	va_end(ap);
}

#define NO_LEVEL (-99)

/* The first failure names the run: its signature (kvm_judge.h) and a
 * message. kind is a fixed word per check (lint's is the reference's kind);
 * level, when the check has one, ends the signature as L<level>. */
static void vfail(struct run *run, const char *kind, int level, const char *fmt, va_list ap)
{
	struct kvm_run_result *result = run->result;
	char lv[16] = "";

	if (result->failures++)
		return;
	kvm_run_config_name(run->backend, run->config, result->config, sizeof(result->config));
	if (level != NO_LEVEL)
		snprintf(lv, sizeof(lv), ":L%d", level);
	snprintf(result->signature, sizeof(result->signature), "kernel-kvm:%s:%s:%s%s", kind,
		 run->op, result->config, lv);
	int n = snprintf(result->first_failure, sizeof(result->first_failure),
			 "%s %s: ", result->config, run->op);
	vsnprintf(result->first_failure + n, sizeof(result->first_failure) - (size_t)n, fmt, ap);
}

static void fail_at(struct run *run, const char *kind, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(run, kind, level, fmt, ap);
	va_end(ap);
}

static void fail(struct run *run, const char *kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(run, kind, NO_LEVEL, fmt, ap);
	va_end(ap);
}

static void check(struct run *run, bool ok, const char *kind, const char *what, uint64_t a,
		  uint64_t b)
{
	run->result->checks++;
	if (!ok)
		fail(run, kind, "%s (0x%llx, 0x%llx)", what, (unsigned long long)a,
		     (unsigned long long)b);
}

static uint64_t rnd(struct run *run)
{
	if (run->data_left) {
		uint64_t v = 0;
		size_t n = run->data_left < 8 ? run->data_left : 8;
		memcpy(&v, run->data, n);
		run->data += n;
		run->data_left -= n;
		return v;
	}
	uint64_t z = (run->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- Arena and mm_ops ---------------------------------------------------- */

static void arena_error(struct arena *arena, const char *kind, const char *what, uint64_t pa)
{
	if (arena->errors++)
		return;
	arena->kind = kind;
	snprintf(arena->error, sizeof(arena->error), "%s at PA 0x%llx", what,
		 (unsigned long long)pa);
}

static long page_of(struct arena *arena, const void *addr)
{
	const uint8_t *p = addr;

	if (p < arena->mem || p >= arena->mem + ARENA_SIZE)
		return -1;
	return (long)((size_t)(p - arena->mem) >> arena->gshift);
}

static void *alloc_run(struct arena *arena, size_t pages)
{
	/* First fit, aligned to the run's size (a PGD is aligned to itself). */
	for (size_t first = 0; first + pages <= arena->npages; first += pages) {
		size_t i;
		for (i = 0; i < pages && !arena->allocated[first + i]; i++)
			;
		if (i < pages)
			continue;
		for (i = 0; i < pages; i++) {
			arena->allocated[first + i] = true;
			arena->refcount[first + i] = 1;
		}
		arena->live += pages;
		uint8_t *p = arena->mem + (first << arena->gshift);
		memset(p, 0, pages << arena->gshift);
		return p;
	}
	return NULL;
}

static void *env_zalloc_page(void *ctx)
{
	return alloc_run(ctx, 1);
}

static void *env_zalloc_pages_exact(void *ctx, unsigned long size)
{
	struct arena *arena = ctx;
	size_t pages = (size + (1UL << arena->gshift) - 1) >> arena->gshift, run = 1;

	while (run < pages)
		run <<= 1;
	return alloc_run(arena, run);
}

static void free_page(struct arena *arena, long page)
{
	arena->allocated[page] = false;
	arena->refcount[page] = 0;
	arena->live--;
	/* Poison: a walk through a freed table must not look like a valid one. */
	memset(arena->mem + ((size_t)page << arena->gshift), 0xdb, 1UL << arena->gshift);
}

static void env_free_pages_exact(void *ctx, void *addr, unsigned long size)
{
	struct arena *arena = ctx;
	long page = page_of(arena, addr);
	size_t pages = (size + (1UL << arena->gshift) - 1) >> arena->gshift;

	for (size_t i = 0; i < pages; i++) {
		if (page < 0 || !arena->allocated[page + (long)i]) {
			arena_error(arena, "free-unallocated",
				    "free_pages_exact of a page not allocated",
				    ARENA_BASE + ((uint64_t)(page + (long)i) << arena->gshift));
			continue;
		}
		if (arena->refcount[page + (long)i] != 1)
			arena_error(arena, "free-referenced",
				    "free_pages_exact of a page still referenced",
				    ARENA_BASE + ((uint64_t)(page + (long)i) << arena->gshift));
		free_page(arena, page + (long)i);
	}
}

static void env_get_page(void *ctx, void *addr)
{
	struct arena *arena = ctx;
	long page = page_of(arena, addr);

	if (page < 0 || !arena->allocated[page]) {
		arena_error(arena, "get-page-free", "get_page on a free page",
			    (uint64_t)(uintptr_t)addr);
		return;
	}
	arena->refcount[page]++;
}

static void env_put_page(void *ctx, void *addr)
{
	struct arena *arena = ctx;
	long page = page_of(arena, addr);

	if (page < 0 || !arena->allocated[page]) {
		arena_error(arena, "put-page-free", "put_page on a free page",
			    (uint64_t)(uintptr_t)addr);
		return;
	}
	/* kvm_pgtable.h: when the count reaches 0 the page is freed. */
	if (--arena->refcount[page] == 0)
		free_page(arena, page);
}

static int env_page_count(void *ctx, void *addr)
{
	struct arena *arena = ctx;
	long page = page_of(arena, addr);

	if (page < 0 || !arena->allocated[page]) {
		arena_error(arena, "page-count-free", "page_count on a free page",
			    (uint64_t)(uintptr_t)addr);
		return 0;
	}
	return arena->refcount[page];
}

static void *env_phys_to_virt(void *ctx, unsigned long long pa)
{
	struct arena *arena = ctx;

	/* Memory being mapped (stage 2 cleans it to the PoC through
	 * phys_to_virt) is not table memory: a page that must stay zero stands
	 * in for it, and the judge checks nothing wrote there. */
	if (pa < ARENA_BASE || pa >= ARENA_BASE + ARENA_SIZE)
		return arena->trap;
	return arena->mem + (pa - ARENA_BASE);
}

static unsigned long long env_virt_to_phys(void *ctx, void *addr)
{
	struct arena *arena = ctx;
	const uint8_t *p = addr;

	if (p < arena->mem || p >= arena->mem + ARENA_SIZE) {
		arena_error(arena, "virt-to-phys-outside", "virt_to_phys outside table memory", 0);
		return 0;
	}
	return ARENA_BASE + (uint64_t)(p - arena->mem);
}

static bool mem_read64(void *ctx, uint64_t pa, uint64_t *value)
{
	struct arena *arena = ctx;

	if (pa < ARENA_BASE || pa + 8 > ARENA_BASE + ARENA_SIZE || (pa & 7))
		return false;
	memcpy(value, arena->mem + (pa - ARENA_BASE), 8);
	return true;
}

/* Whole tables for the reference's scans: one bounds check per table. */
static const void *mem_table(void *ctx, uint64_t pa, size_t bytes)
{
	struct arena *arena = ctx;

	if (pa < ARENA_BASE || (pa & 7) || bytes > ARENA_SIZE ||
	    pa - ARENA_BASE > ARENA_SIZE - bytes)
		return NULL;
	return arena->mem + (pa - ARENA_BASE);
}

static bool mem_is_ram(void *ctx, uint64_t pa, uint64_t size)
{
	(void)ctx;
	return pa >= ARENA_BASE && size <= ARENA_SIZE && pa - ARENA_BASE <= ARENA_SIZE - size;
}

/* The table memory is allocated once and kept (fuzz harnesses run many
 * inputs; a fresh 48 MiB block per run dominated their cost). Pages are
 * zeroed when allocated, so nothing of an earlier run is visible. */
static uint8_t *arena_mem;

static int arena_init(struct arena *arena, unsigned gshift)
{
	memset(arena, 0, sizeof(*arena));
	arena->gshift = gshift;
	arena->npages = ARENA_SIZE >> gshift;
	if (!arena_mem)
		arena_mem = aligned_alloc(65536, ARENA_SIZE);
	arena->mem = arena_mem;
	arena->refcount = calloc(arena->npages, sizeof(int));
	arena->allocated = calloc(arena->npages, sizeof(bool));
	if (!arena->mem || !arena->refcount || !arena->allocated)
		return -1;
	return 0;
}

static void arena_free(struct arena *arena)
{
	free(arena->refcount);
	free(arena->allocated);
}

/* ---- The judge ----------------------------------------------------------- */

static bool regime_of(struct run *run, struct ref_hyp_regime *regime)
{
	const struct kvm_backend *b = run->backend;
	struct ref_hyp_regs regs;
	struct ref_hyp_features feat;
	struct ref_mem mem = {&run->arena, mem_read64, mem_is_ram, mem_table};
	unsigned tg = b->page_shift == 12 ? 0 : b->page_shift == 16 ? 1 : 2;
	char why[128];

	memset(&regs, 0, sizeof(regs));
	memset(&feat, 0, sizeof(feat));
	feat.base.pa_bits = b->pa52 ? 52 : 48;
	feat.base.lpa = b->pa52;
	feat.s2fwb = true;
	if (run->config->kind == KVM_RUN_HYP) {
		/* TCR_EL2 as KVM's __kvm_hyp_init programs it: T0SZ from the
		 * VA size, the kernel's granule, PS from PARange, SH0 inner. */
		regs.tcr = (64 - run->ia_bits) | (uint64_t)tg << 14 |
			   (b->pa52 ? 6ULL : 5ULL) << 16 | 3ULL << 12 | 1ULL << 23 | 1ULL << 31;
		regs.ttbr = run->root_pa;
		regs.mair = b->mair;
		regs.sctlr = 1;
		if (ref_hyp_regime_init(regime, REF_HYP_EL2, &regs, &feat, &mem, why, sizeof(why)))
			return false;
	} else {
		regs.vtcr = run->vtcr;
		regs.vttbr = run->root_pa;
		regs.hcr = 1 | (run->config->fwb ? 1ULL << 46 : 0);
		if (ref_hyp_regime_init(regime, REF_HYP_STAGE2, &regs, &feat, &mem, why,
					sizeof(why)))
			return false;
	}
	return true;
}

#define NO_TABLE (-9)

static uint64_t child_table(const struct run *run, uint64_t desc)
{
	uint64_t next = desc & ~((1ULL << run->arena.gshift) - 1) & 0x0000ffffffffffffULL;

	if (run->backend->pa52 && run->arena.gshift == 16)
		next |= ((desc >> 12) & 15) << 48;
	return next;
}

static void mark_table(struct run *run, uint64_t pa, int level, uint64_t ia)
{
	if (pa < ARENA_BASE || pa >= ARENA_BASE + ARENA_SIZE)
		return;
	size_t page = (size_t)((pa - ARENA_BASE) >> run->arena.gshift);
	run->table_level[page] = (signed char)level;
	run->table_ia[page] = ia;
}

#define HINT_NONE  (-1)
#define HINT_WRONG (-2)

/* Why a TLBI that named a broken entry did not count, for the message. */
static const char *hint_note(const struct broken *b)
{
	static char note[160];
	bool table = b->level < 3 && (b->old & 3) == 3;

	if (!b->mishinted)
		return "";
	if (b->hint == HINT_WRONG)
		return " (a TLBI named it with another granule's TTL)";
	snprintf(note, sizeof(note),
		 " (a TLBI named it with level hint %d: TTL names the level of the leaf entry%s)",
		 b->hint, table ? ", and this is a table entry" : "");
	return note;
}

/* One descriptor store, before it lands (kvm_env.write64). */
static void env_write64(void *ctx, void *addr, unsigned long long value)
{
	struct run *run = (struct run *)((char *)ctx - offsetof(struct run, arena));
	long page = page_of(&run->arena, addr);
	uint64_t old;

	if (page < 0 || run->table_level[page] == NO_TABLE || !run->have_regime)
		return;
	int level = run->table_level[page];
	unsigned shift = ref_level_shift(run->backend->page_shift, level);
	size_t index =
	    ((size_t)((uint8_t *)addr - run->arena.mem) & ((1UL << run->arena.gshift) - 1)) / 8;
	uint64_t ia = run->table_ia[page] + ((uint64_t)index << shift);
	memcpy(&old, addr, 8);

	run->result->checks++;
	if ((old & 1) && (value & 1)) {
		const char *rule = ref_hyp_bbm_rule(&run->regime, level, old, value);
		if (rule)
			fail_at(run, "bbm-live", level,
				"live change without break-before-make (%s) at IA 0x%llx L%d: "
				"0x%llx -> 0x%llx",
				rule, (unsigned long long)ia, level, (unsigned long long)old,
				value);
	} else if ((old & 1) && run->nbroken < sizeof(run->broken) / sizeof(run->broken[0])) {
		run->broken[run->nbroken++] =
		    (struct broken){addr, old, ia, 1ULL << shift, level, false, false, 0};
	} else if (value & 1) {
		for (unsigned i = 0; i < run->nbroken; i++) {
			struct broken *b = &run->broken[i];
			if (b->addr != addr)
				continue;
			const char *rule = ref_hyp_bbm_rule(&run->regime, level, b->old, value);
			if (rule && !b->invalidated)
				fail_at(run, b->mishinted ? "tlbi-level-hint" : "bbm-no-tlbi",
					level,
					"break and make (%s) at IA 0x%llx L%d without a TLB "
					"invalidation between%s",
					rule, (unsigned long long)ia, level, hint_note(b));
			*b = run->broken[--run->nbroken];
			break;
		}
	}
	if (level < 3 && (value & 3) == 3)
		mark_table(run, child_table(run, value), level + 1, ia);
}

/* The level a TLBI operand's TTL field [47:44] names (DDI0487, TLBI VAE2
 * and IPAS2E1): HINT_NONE for TTL[3:2] = 0 (and for TTL[1:0] = 0 without
 * LPA2's level 0, a reserved value treated as no hint), HINT_WRONG when
 * TTL[3:2] names another granule than the regime's. */
static int ttl_level(const struct run *run, uint64_t operand)
{
	unsigned ttl = (unsigned)(operand >> 44) & 15, tg = ttl >> 2;
	unsigned want = run->arena.gshift == 12 ? 1 : run->arena.gshift == 14 ? 2 : 3;

	if (!tg)
		return HINT_NONE;
	if (tg != want)
		return HINT_WRONG;
	if (!(ttl & 3))
		return run->regime.ds && run->arena.gshift != 16 ? 0 : HINT_NONE;
	return (int)(ttl & 3);
}

/* A TLB invalidation covers a broken entry when it names an address the
 * entry maps (or the whole VMID) with no level hint, or for a leaf its own
 * level: the TTL hint names the level of the leaf entry, so with a wrong
 * one, or any one for a table entry, the architecture requires nothing to
 * be invalidated. */
static void env_tlbi(void *ctx, int kind, unsigned long long operand, unsigned long long arg)
{
	struct run *run = (struct run *)((char *)ctx - offsetof(struct run, arena));
	uint64_t first, last;
	int hint = HINT_NONE;

	switch (kind) {
	case KVM_ENV_TLBI_HYP_VA: /* VA[55:12] in bits [43:0] */
		first = last = (operand & ((1ULL << 44) - 1)) << 12;
		hint = ttl_level(run, operand);
		break;
	case KVM_ENV_TLBI_IPA: /* IPA[51:12] in bits [39:0] */
		first = last = (operand & ((1ULL << 40) - 1)) << 12;
		hint = ttl_level(run, operand);
		break;
	case KVM_ENV_TLBI_VMID:
		first = 0, last = ~0ULL;
		break;
	default: /* range: arg pages from operand, an IPA */
		first = operand;
		last = operand + (arg << run->backend->page_shift) - 1;
		break;
	}
	for (unsigned i = 0; i < run->nbroken; i++) {
		struct broken *b = &run->broken[i];
		bool table = b->level < 3 && (b->old & 3) == 3;

		if (first > b->ia + (b->size - 1) || b->ia > last)
			continue;
		if (hint == HINT_NONE || (!table && hint == b->level))
			b->invalidated = true;
		else
			b->mishinted = true, b->hint = hint;
	}
}

static int lint_cb(void *ctx, const struct ref_finding *f)
{
	struct run *run = ctx;

	char kind[64];

	snprintf(kind, sizeof(kind), "lint-%s", ref_lint_kind_name(f->kind));
	fail_at(run, kind, f->level, "lint %s at 0x%llx L%d desc 0x%llx",
		ref_lint_kind_name(f->kind), (unsigned long long)f->va, f->level,
		(unsigned long long)f->desc);
	return 0;
}

/* What the reference must see for one page of a mapping. */
static void judge_page(struct run *run, const struct ref_hyp_regime *regime,
		       const struct mapping *m, uint64_t offset)
{
	const struct kvm_backend *b = run->backend;
	struct ref_hyp_result res;
	uint64_t ia = m->addr + offset;

	ref_hyp_walk(regime, ia, REF_HYP_TRANSLATE, &res);
	if (!m->live || m->owner) {
		check(run, res.fault == REF_FAULT_TRANSLATION, "unmapped-translates",
		      "unmapped address translates", ia, res.pa);
		if (m->owner && res.nsteps && res.fault == REF_FAULT_TRANSLATION) {
			/* kvm_pgtable.h: set_owner leaves an invalid entry
			 * annotated with the owner id in bits [9:2]. */
			uint64_t desc = res.steps[res.nsteps - 1].desc;
			check(run, ((desc >> 2) & 0xff) == m->owner_id, "owner-annotation",
			      "owner annotation", ia, desc);
		}
		return;
	}
	if (m->aged && res.fault == REF_FAULT_ACCESS_FLAG)
		return; /* old: nothing more to see */
	if (m->old && !m->aged) {
		/* kvm_pgtable.h: the access flag is clear, and VTCR_EL2.HA is
		 * off (no hardware update): an access faults on it. */
		check(run, res.fault == REF_FAULT_ACCESS_FLAG, "access-flag",
		      "an old (access flag clear) page does not take an access flag fault", ia,
		      res.fault);
		return;
	}
	if (m->split && res.fault == REF_FAULT_NONE)
		check(run, res.block_shift == run->arena.gshift, "split-left-block",
		      "split left a block mapping", ia, res.block_shift);
	check(run, res.fault == REF_FAULT_NONE, "mapped-faults", "mapped address faults", ia,
	      res.fault);
	if (res.fault != REF_FAULT_NONE)
		return;
	check(run, res.pa == m->phys + offset, "pa-differs", "PA differs from the intent", ia,
	      res.pa);
	bool device = m->prot & b->prot_device;
	bool nc = b->prot_normal_nc && (m->prot & b->prot_normal_nc);
	uint8_t want_type = device ? REF_MEM_DEVICE_nGnRE : REF_MEM_NORMAL;
	check(run, res.attrs.memtype == want_type, "memtype", "memory type", ia, res.attrs.memtype);
	if (!device)
		check(run, res.attrs.mair_attr == (nc ? 0x44 : 0xff), "cacheability",
		      "cacheability", ia, res.attrs.mair_attr);
	uint8_t perms = res.attrs.perms;
	check(run, !!(perms & REF_HYP_PERM_W) == !!(m->prot & b->prot_w), "perm-w",
	      "write permission", ia, perms);
	check(run, !!(perms & REF_HYP_PERM_X) == !!(m->prot & b->prot_x), "perm-x",
	      "execute permission", ia, perms);
	if (run->config->kind == KVM_RUN_STAGE2) {
		check(run, !!(perms & REF_HYP_PERM_R) == !!(m->prot & b->prot_r), "perm-r",
		      "read permission", ia, perms);
		check(run, !!(perms & REF_HYP_PERM_X0) == !!(m->prot & b->prot_x), "perm-x0",
		      "EL0 execute permission", ia, perms);
	}
}

/* The first non-zero entry in [i, n), else n. Not instrumented for
 * coverage: the fuzzer's trace-cmp made every compare of this scan a
 * callback, most of the judge's time, for no edge worth feeding back. */
#if defined(__clang__)
__attribute__((no_sanitize("coverage")))
#endif
__attribute__((noinline)) static unsigned
skip_zeros(const uint64_t *descs, unsigned i, unsigned n)
{
	while (i < n && !descs[i])
		i++;
	return i;
}

/* Reachable tables: allocated, and counted as pgtable.c documents. */
static unsigned judge_table(struct run *run, int level, uint64_t table, unsigned pages,
			    uint64_t table_ia_base, unsigned depth)
{
	struct arena *arena = &run->arena;
	unsigned gshift = arena->gshift, per_page = 1u << (gshift - 3), reached = pages;
	bool s2 = run->config->kind == KVM_RUN_STAGE2;

	if (depth > 5) {
		fail(run, "table-depth", "table depth exceeds the levels at 0x%llx",
		     (unsigned long long)table);
		return 0;
	}
	for (unsigned p = 0; p < pages; p++) {
		uint64_t page_pa = table + ((uint64_t)p << gshift);
		long page = page_pa >= ARENA_BASE && page_pa < ARENA_BASE + ARENA_SIZE
				? (long)((page_pa - ARENA_BASE) >> gshift)
				: -1;
		unsigned counted = 0;

		if (page >= 0) {
			run->table_level[page] = (signed char)level;
			run->table_ia[page] =
			    table_ia_base + (((uint64_t)p * per_page)
					     << ref_level_shift(run->backend->page_shift, level));
		}
		if (page < 0 || !arena->allocated[page]) {
			fail_at(run, "freed-table-linked", level,
				"a freed (or foreign) page is still linked as a table: 0x%llx",
				(unsigned long long)page_pa);
			continue;
		}
		const uint64_t *descs = (const uint64_t *)(arena->mem + (page_pa - ARENA_BASE));
		for (unsigned i = 0; i < per_page; i++) {
			i = skip_zeros(descs, i, per_page); /* tables: mostly zeros */
			if (i >= per_page)
				break;
			uint64_t desc = descs[i];
			if (s2 ? desc != 0 : (desc & 1))
				counted++;
			if (level < 3 && (desc & 3) == 3) {
				uint64_t ia = run->table_ia[page] +
					      ((uint64_t)i
					       << ref_level_shift(run->backend->page_shift, level));
				reached += judge_table(run, level + 1, child_table(run, desc), 1,
						       ia, depth + 1);
			}
		}
		run->result->checks++;
		if (arena->refcount[page] != (int)(1 + counted))
			fail_at(run, "refcount", level,
				"table page 0x%llx has refcount %d, expected 1 + %u entries",
				(unsigned long long)page_pa, arena->refcount[page], counted);
	}
	return reached;
}

static void judge(struct run *run)
{
	struct ref_hyp_regime regime;

	/* All zero: the first byte is, and every byte equals the next. */
	const uint8_t *trap = run->arena.trap;
	if (trap[0] || memcmp(trap, trap + 1, sizeof(run->arena.trap) - 1)) {
		fail(run, "write-to-mapped-memory",
		     "a write through phys_to_virt of mapped (non-table) memory");
		memset(run->arena.trap, 0, sizeof(run->arena.trap));
	}
	if (run->arena.errors) {
		fail(run, run->arena.kind, "mm_ops misuse: %s", run->arena.error);
		run->arena.errors = 0;
	}
	if (!regime_of(run, &regime)) {
		fail(run, "regs-refused", "the reference refused the registers");
		return;
	}
	run->regime = regime;
	run->have_regime = true;
	check(run, kvm_env.rcu_depth == 0, "rcu-unbalanced", "RCU read side left unbalanced", 0,
	      (uint64_t)kvm_env.rcu_depth);
	kvm_env.rcu_depth = 0;
	check(run, !regime.config_fault, "vtcr-unusable", "VTCR/TCR unusable for the architecture",
	      run->vtcr, regime.start_level);
	check(run, regime.start_level == run->start_level, "start-level",
	      "start level differs from pgtable.c's", (uint64_t)regime.start_level,
	      (uint64_t)run->start_level);
	check(run, regime.ia_bits == run->ia_bits, "ia-size", "IA size differs from pgtable.c's",
	      regime.ia_bits, run->ia_bits);
	for (unsigned i = 0; i < run->nmaps; i++) {
		const struct mapping *m = &run->maps[i];
		uint64_t page = 1ULL << run->arena.gshift;
		uint64_t pages = m->size / page;
		/* First, last and a few pages between. */
		for (uint64_t k = 0; k < pages && k < 4; k++)
			judge_page(run, &regime, m, k * page);
		judge_page(run, &regime, m, m->size - page);
		for (int k = 0; k < 4 && pages > 8; k++)
			judge_page(run, &regime, m, (rnd(run) % pages) * page);
	}
	ref_hyp_lint(&regime, lint_cb, run);
	/* The live tables are found afresh: what the next operation's stores
	 * are judged against. Entries broken by the last one are settled. */
	/* An entry made invalid and left so must be invalidated in the TLB
	 * before the call returns: else the old translation may still be used
	 * (a stale TLB entry after unmap). */
	for (unsigned i = 0; i < run->nbroken; i++) {
		const struct broken *b = &run->broken[i];
		run->result->checks++;
		if (!b->invalidated)
			fail_at(run, b->mishinted ? "tlbi-level-hint" : "invalid-no-tlbi", b->level,
				"entry at IA 0x%llx L%d (was 0x%llx) made invalid without a TLB "
				"invalidation before the call returned%s",
				(unsigned long long)b->ia, b->level, (unsigned long long)b->old,
				hint_note(b));
	}
	memset(run->table_level, NO_TABLE, run->arena.npages);
	run->nbroken = 0;
	unsigned reached = judge_table(run, run->start_level, run->root_pa, run->root_pages, 0, 0);
	check(run, reached == run->arena.live, "leak", "allocated table pages not reachable (leak)",
	      run->arena.live, reached);
}

/* ---- Operations ---------------------------------------------------------- */

static uint64_t pick_prot(struct run *run, bool *valid)
{
	const struct kvm_backend *b = run->backend;
	uint64_t r = b->prot_r, w = b->prot_w, x = b->prot_x, dev = b->prot_device;
	const uint64_t hyp_ok[] = {r, r | w, r | x, r | dev, r | w | dev};
	const uint64_t hyp_bad[] = {w, r | w | x, r | x | dev, 0};
	const uint64_t s2_ok[] = {r, r | w, r | x, r | w | x, r | w | dev, 0, w};

	*valid = true;
	if (run->config->kind == KVM_RUN_HYP) {
		if (rnd(run) % 8 == 0) {
			*valid = false;
			return hyp_bad[rnd(run) % 4];
		}
		return hyp_ok[rnd(run) % 5];
	}
	return s2_ok[rnd(run) % 7];
}

static bool overlaps(const struct run *run, uint64_t addr, uint64_t size)
{
	for (unsigned i = 0; i < run->nmaps; i++) {
		const struct mapping *m = &run->maps[i];
		if (addr < m->addr + m->size && m->addr < addr + size)
			return true;
	}
	return false;
}

static void op_map(struct run *run)
{
	const struct kvm_backend *b = run->backend;
	unsigned gshift = run->arena.gshift;
	uint64_t page = 1ULL << gshift, block = 1ULL << (2 * gshift - 3);
	uint64_t window = 1ULL << (run->ia_bits < 40 ? run->ia_bits : 40);
	uint64_t size, addr, phys;
	bool valid;
	int ret;

	switch (rnd(run) % 4) {
	case 0: /* a block, aligned */
		size = block;
		addr = (rnd(run) % (window / block)) * block;
		phys = (rnd(run) % 1024) * block + (1ULL << 32);
		break;
	case 1: /* a block and some pages: mixed levels */
		size = block + (1 + rnd(run) % 8) * page;
		addr = (rnd(run) % (window / block)) * block;
		phys = (rnd(run) % 1024) * block + (1ULL << 32);
		break;
	default:
		size = (1 + rnd(run) % 16) * page;
		addr = (rnd(run) % (window / page)) * page;
		phys = (rnd(run) % (1ULL << 20)) * page + (1ULL << 32);
		break;
	}
	if (addr + size > window || run->nmaps == MAX_MAPPINGS || overlaps(run, addr, size))
		return;
	uint64_t prot = pick_prot(run, &valid);
	run->op = "map";
	if (run->config->kind == KVM_RUN_HYP)
		ret = b->hyp_map(addr, size, phys, prot);
	else
		ret = b->s2_map(addr, size, phys, prot);
	note(run, "map ia 0x%llx size 0x%llx pa 0x%llx prot 0x%llx: %d\n", (unsigned long long)addr,
	     (unsigned long long)size, (unsigned long long)phys, (unsigned long long)prot, ret);
	if (!valid) {
		/* hyp_set_prot_attr refuses it before touching a table. */
		check(run, ret == -22, "invalid-prot-accepted", "invalid permissions accepted",
		      prot, (uint64_t)ret);
		run->maps[run->nmaps++] =
		    (struct mapping){.addr = addr, .size = size, .phys = phys, .prot = prot};
		return;
	}
	check(run, ret == 0, "map-failed", "map failed", addr, (uint64_t)ret);
	run->maps[run->nmaps++] = (struct mapping){
	    .addr = addr, .size = size, .phys = phys, .prot = prot, .live = ret == 0};
	if (!ret)
		run->result->mapped++;
}

/* Stage 2 maps over a live mapping replace it (kvm_pgtable.h): a new
 * output address, one page or one block away, so blocks may have to become
 * tables. Every replaced live entry must go through break-before-make. */
static void op_remap(struct run *run, struct mapping *m)
{
	uint64_t page = 1ULL << run->arena.gshift, block = 1ULL << (2 * run->arena.gshift - 3);
	uint64_t phys = m->phys + (rnd(run) % 2 ? page : block);
	bool valid;
	uint64_t prot = pick_prot(run, &valid);

	run->op = "remap";
	int ret = run->backend->s2_map(m->addr, m->size, phys, prot);
	note(run, "remap ia 0x%llx size 0x%llx pa 0x%llx prot 0x%llx: %d\n",
	     (unsigned long long)m->addr, (unsigned long long)m->size, (unsigned long long)phys,
	     (unsigned long long)prot, ret);
	check(run, ret == 0, "remap-failed", "map over a live mapping failed", m->addr,
	      (uint64_t)ret);
	if (!ret) {
		m->phys = phys;
		m->prot = prot;
		m->old = m->aged = m->split = false; /* new entries: young, blocks again */
	}
}

/* kvm_pgtable.h: relax_perms adds R/W/X to the one leaf translating addr
 * and removes nothing. Applied to every page of a page-mapped range, so
 * the intent stays uniform. */
static void op_relax(struct run *run, struct mapping *m)
{
	const struct kvm_backend *b = run->backend;
	uint64_t page = 1ULL << run->arena.gshift, block = 1ULL << (2 * run->arena.gshift - 3);
	const uint64_t adds[] = {b->prot_r, b->prot_w, b->prot_x, b->prot_r | b->prot_w,
				 b->prot_r | b->prot_x};
	uint64_t add = adds[rnd(run) % 5];

	if (m->size >= block)
		return;
	run->op = "relax_perms";
	for (uint64_t off = 0; off < m->size; off += page) {
		int ret = b->s2_relax_perms(m->addr + off, add);
		note(run, "relax_perms ia 0x%llx prot 0x%llx: %d\n",
		     (unsigned long long)(m->addr + off), (unsigned long long)add, ret);
		/* -EAGAIN: nothing to relax (the walk found it as wanted). */
		check(run, ret == 0 || ret == -11, "relax-failed", "relax_perms failed",
		      m->addr + off, (uint64_t)ret);
	}
	m->prot |= add;
}

/* kvm_pgtable.h: test_clear_young reports whether any leaf in the range
 * had the access flag, and with mkold clears it. */
static void op_mkold(struct run *run, struct mapping *m)
{
	int young;

	run->op = "test_clear_young";
	young = run->backend->s2_test_clear_young(m->addr, m->size, 1);
	note(run, "test_clear_young ia 0x%llx size 0x%llx mkold: %d\n", (unsigned long long)m->addr,
	     (unsigned long long)m->size, young);
	if (!m->aged)
		check(run, !!young == !m->old, "young-result", "test_clear_young's answer", m->addr,
		      (uint64_t)young);
	m->old = true;
	m->aged = false;
}

/* mkyoung sets the access flag of the one leaf translating addr: called
 * for each leaf of the range, which the walk of the tables names. */
static void op_mkyoung(struct run *run, struct mapping *m)
{
	uint64_t page = 1ULL << run->arena.gshift;

	run->op = "mkyoung";
	for (uint64_t off = 0; off < m->size;) {
		struct ref_hyp_result res;
		uint64_t ia = m->addr + off, step = page;

		run->backend->s2_mkyoung(ia);
		note(run, "mkyoung ia 0x%llx\n", (unsigned long long)ia);
		ref_hyp_walk(&run->regime, ia, REF_HYP_TRANSLATE, &res);
		if (res.has_leaf && res.block_shift > run->arena.gshift)
			step = (1ULL << res.block_shift) - (ia & ((1ULL << res.block_shift) - 1));
		off += step;
	}
	m->old = m->aged = false;
}

/* kvm_pgtable.h: split breaks the blocks of the range into page mappings,
 * best effort within the memcache, which here holds enough for all. */
static void op_split(struct run *run, struct mapping *m)
{
	run->op = "split";
	int ret = run->backend->s2_split(m->addr, m->size);
	note(run, "split ia 0x%llx size 0x%llx: %d\n", (unsigned long long)m->addr,
	     (unsigned long long)m->size, ret);
	check(run, ret == 0, "split-failed", "split failed", m->addr, (uint64_t)ret);
	if (!ret) {
		m->split = true;
		/* The new page leaves are made with the access flag set, and
		 * kvm_pgtable.h promises nothing about the age across a split
		 * (the flag only steers aging): an old block may come back
		 * young. */
		if (m->old)
			m->aged = true;
	}
}

static void op_unmap(struct run *run, struct mapping *m)
{
	const struct kvm_backend *b = run->backend;

	run->op = "unmap";
	if (run->config->kind == KVM_RUN_HYP) {
		uint64_t done = b->hyp_unmap(m->addr, m->size);
		note(run, "unmap ia 0x%llx size 0x%llx: 0x%llx unmapped\n",
		     (unsigned long long)m->addr, (unsigned long long)m->size,
		     (unsigned long long)done);
		if (m->live)
			check(run, done == m->size, "unmap-size", "hyp_unmap unmapped another size",
			      m->size, done);
	} else {
		int ret = b->s2_unmap(m->addr, m->size);
		note(run, "unmap ia 0x%llx size 0x%llx: %d\n", (unsigned long long)m->addr,
		     (unsigned long long)m->size, ret);
		check(run, ret == 0, "unmap-failed", "stage2_unmap failed", m->addr, (uint64_t)ret);
	}
	m->live = false;
	m->owner = false;
}

static void op_set_owner(struct run *run)
{
	uint64_t page = 1ULL << run->arena.gshift;
	uint64_t window = 1ULL << (run->ia_bits < 40 ? run->ia_bits : 40);
	uint64_t size = (1 + rnd(run) % 8) * page, addr = (rnd(run) % (window / page)) * page;
	uint8_t owner = 1; /* KVM_MAX_OWNER_ID */

	if (addr + size > window || run->nmaps == MAX_MAPPINGS || overlaps(run, addr, size))
		return;
	run->op = "set_owner";
	int ret = run->backend->s2_set_owner(addr, size, owner);
	note(run, "set_owner ia 0x%llx size 0x%llx owner %u: %d\n", (unsigned long long)addr,
	     (unsigned long long)size, owner, ret);
	check(run, ret == 0, "set-owner-failed", "set_owner failed", addr, (uint64_t)ret);
	run->maps[run->nmaps++] = (struct mapping){
	    .addr = addr, .size = size, .live = true, .owner = true, .owner_id = owner};
}

int kvm_run(const struct kvm_backend *backend, const struct kvm_run_config *config,
	    struct kvm_run_result *result)
{
	struct run *run = calloc(1, sizeof(*run));
	int ret;

	memset(result, 0, sizeof(*result));
	if (!run)
		return -1;
	run->backend = backend;
	run->config = config;
	run->result = result;
	run->rng = config->seed;
	run->data = config->data;
	run->data_left = config->data ? config->size : 0;
	run->op = "init";
	if (arena_init(&run->arena, backend->page_shift)) {
		arena_free(&run->arena);
		free(run);
		return -1;
	}
	run->table_level = malloc(run->arena.npages);
	run->table_ia = calloc(run->arena.npages, sizeof(uint64_t));
	if (!run->table_level || !run->table_ia) {
		free(run->table_level);
		free(run->table_ia);
		arena_free(&run->arena);
		free(run);
		return -1;
	}
	memset(run->table_level, NO_TABLE, run->arena.npages);
	memset(&kvm_env, 0, sizeof(kvm_env));
	kvm_env.ctx = &run->arena;
	kvm_env.write64 = env_write64;
	kvm_env.tlbi = env_tlbi;
	kvm_env.zalloc_page = env_zalloc_page;
	kvm_env.zalloc_pages_exact = env_zalloc_pages_exact;
	kvm_env.free_pages_exact = env_free_pages_exact;
	kvm_env.get_page = env_get_page;
	kvm_env.put_page = env_put_page;
	kvm_env.page_count = env_page_count;
	kvm_env.phys_to_virt = env_phys_to_virt;
	kvm_env.virt_to_phys = env_virt_to_phys;
	if (config->fwb && backend->cap_fwb >= 0)
		kvm_env.caps[backend->cap_fwb] = 1;
	/* A CPU with FEAT_TTL: TLBIs carry the tree's level hints, whose
	 * correctness then matters. */
	if (backend->cap_ttl >= 0)
		kvm_env.caps[backend->cap_ttl] = 1;

	if (config->kind == KVM_RUN_HYP) {
		ret = backend->hyp_init(config->va_bits, &run->root_pa, &run->ia_bits,
					&run->start_level);
		run->root_pages = 1;
	} else {
		/* ID_AA64MMFR0_EL1.PARange: 0b0101 (48 bits) or 0b0110 (52). */
		uint64_t mmfr0 = backend->pa52 ? 6 : 5;
		uint64_t mmfr1 = 2ULL << 4; /* VMIDBits: 16 */
		run->vtcr = backend->get_vtcr(mmfr0, mmfr1, config->ipa_bits);
		ret =
		    backend->s2_init(run->vtcr, 0, &run->root_pa, &run->ia_bits, &run->start_level);
		run->root_pages =
		    (unsigned)(((1ULL << (run->ia_bits -
					  ref_level_shift(backend->page_shift, run->start_level))) *
				8) >>
			       backend->page_shift);
		if (!run->root_pages)
			run->root_pages = 1;
	}
	note(run, "init %s: %d; vtcr 0x%llx root 0x%llx (%u pages), IA %u bits, start level %d\n",
	     config->kind == KVM_RUN_HYP ? "hyp" : "stage2", ret, (unsigned long long)run->vtcr,
	     run->root_pa, run->root_pages, run->ia_bits, run->start_level);
	check(run, ret == 0, "init-failed", "init failed", (uint64_t)ret, 0);
	if (ret) {
		free(run->table_level);
		free(run->table_ia);
		arena_free(&run->arena);
		free(run);
		return 0;
	}
	judge(run);
	for (unsigned i = 0; i < config->ops && !result->failures; i++) {
		unsigned what = (unsigned)(rnd(run) % 14);
		if (what < 5 || !run->nmaps) {
			op_map(run);
		} else if (what == 5 && config->kind == KVM_RUN_STAGE2) {
			op_set_owner(run);
		} else if (what == 8 && config->kind == KVM_RUN_STAGE2 && !backend->nvhe) {
			struct mapping *m = &run->maps[rnd(run) % run->nmaps];
			if (m->live && !m->owner && !m->old && !m->aged)
				op_relax(run, m);
		} else if (what >= 11 && config->kind == KVM_RUN_STAGE2) {
			/* The access flag (shared walks: not in nVHE builds)
			 * and split. */
			struct mapping *m = &run->maps[rnd(run) % run->nmaps];
			bool usable = m->live && !m->owner;
			if (usable && what == 11 && !backend->nvhe)
				op_mkold(run, m);
			else if (usable && what == 12 && !backend->nvhe)
				op_mkyoung(run, m);
			else if (usable && what == 13 && backend->s2_split)
				op_split(run, m);
		} else if (what == 7 && config->kind == KVM_RUN_STAGE2) {
			struct mapping *m = &run->maps[rnd(run) % run->nmaps];
			if (m->live && !m->owner)
				op_remap(run, m);
		} else if (what == 6 && config->kind == KVM_RUN_STAGE2) {
			struct mapping *m = &run->maps[rnd(run) % run->nmaps];
			if (m->live && !m->owner) {
				/* kvm_pgtable.h: write-protect, the rest kept. */
				run->op = "wrprotect";
				int err = backend->s2_wrprotect(m->addr, m->size);
				note(run, "wrprotect ia 0x%llx size 0x%llx: %d\n",
				     (unsigned long long)m->addr, (unsigned long long)m->size, err);
				check(run, err == 0, "wrprotect-failed", "wrprotect failed",
				      m->addr, (uint64_t)err);
				m->prot &= ~backend->prot_w;
			}
		} else {
			struct mapping *m = &run->maps[rnd(run) % run->nmaps];
			if (m->live)
				op_unmap(run, m);
		}
		judge(run);
	}
	/* Unmap everything: only the root may be left, each page counted 1. */
	for (unsigned i = 0; i < run->nmaps && !result->failures; i++)
		if (run->maps[i].live)
			op_unmap(run, &run->maps[i]);
	run->op = "unmap-all";
	judge(run);
	check(run, run->arena.live == run->root_pages, "tables-left",
	      "tables left after unmapping everything", run->arena.live, run->root_pages);
	run->op = "destroy";
	if (config->kind == KVM_RUN_HYP)
		backend->hyp_destroy();
	else
		backend->s2_destroy();
	check(run, run->arena.live == 0, "pages-left", "pages left after destroy", run->arena.live,
	      0);
	if (run->arena.errors)
		fail(run, run->arena.kind, "mm_ops misuse: %s", run->arena.error);
	memset(&kvm_env, 0, sizeof(kvm_env));
	free(run->table_level);
	free(run->table_ia);
	arena_free(&run->arena);
	free(run);
	return 0;
}
