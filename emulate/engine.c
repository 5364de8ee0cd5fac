/* The Unicorn 2.0.1 engine wrapper: one instance reused across runs.
 *
 * 2.0.1 leaks about 0.8 KB per uc_emu_start, so the instance is closed and
 * reopened every recycle_every runs. Between runs the CPU goes back to a
 * context saved right after the reset-state fix, and the memory regions are
 * remapped only when the set of chunks changed. Nothing here relies on the
 * host flushing the TLB: the guest prologue does that.
 */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "physmem.h"

static uint8_t *coverage_counters;
static size_t coverage_len;

void emu_set_coverage(uint8_t *counters, size_t len)
{
	coverage_counters = len ? counters : NULL;
	coverage_len = counters ? len : 0;
}

void emu_error_set(struct emu_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	err->unsupported = false;
}

static void on_block(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
	struct emu *emu = user;
	(void)uc;
	emu->insns += size / 4;
	emu->last_block = address;
	emu->last_block_size = size;
	if (coverage_counters) {
		/* Edge coverage: the pair (previous block, this block). */
		uint64_t here = (address >> 2) * 0x9e3779b97f4a7c15ULL;
		coverage_counters[(here ^ emu->coverage_prev) % coverage_len]++;
		emu->coverage_prev = here >> 1;
	}
}

static void on_intr(uc_engine *uc, uint32_t intno, void *user)
{
	struct emu *emu = user;
	emu->trapped = true;
	emu->intno = intno;
	uc_emu_stop(uc);
}

static bool on_invalid(uc_engine *uc, uc_mem_type type, uint64_t address, int size, int64_t value,
		       void *user)
{
	struct emu *emu = user;
	(void)uc, (void)size, (void)value;
	emu->invalid = true;
	emu->invalid_addr = address;
	emu->invalid_write = type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_WRITE_PROT;
	emu->invalid_fetch = type == UC_MEM_FETCH_UNMAPPED || type == UC_MEM_FETCH_PROT;
	return false;
}

int emu_sysreg_write(struct emu *emu, unsigned op0, unsigned op1, unsigned crn, unsigned crm,
		     unsigned op2, uint64_t value)
{
	uc_arm64_cp_reg reg = {
	    .crn = crn, .crm = crm, .op0 = op0, .op1 = op1, .op2 = op2, .val = value};
	return uc_reg_write(emu->uc, UC_ARM64_REG_CP_REG, &reg) == UC_ERR_OK ? 0 : -1;
}

uint64_t emu_read_sctlr(struct emu *emu)
{
	uc_arm64_cp_reg reg = {.crn = 1, .crm = 0, .op0 = 3, .op1 = 0, .op2 = 0};
	if (uc_reg_read(emu->uc, UC_ARM64_REG_CP_REG, &reg) != UC_ERR_OK)
		return 0;
	return reg.val;
}

int emu_write_x(struct emu *emu, unsigned index, uint64_t value)
{
	/* X0..X28 are consecutive in uc_arm64_reg. */
	return uc_reg_write(emu->uc, UC_ARM64_REG_X0 + (int)index, &value) == UC_ERR_OK ? 0 : -1;
}

uint64_t emu_read_x(struct emu *emu, unsigned index)
{
	uint64_t value = 0;
	int reg = index == 29	? UC_ARM64_REG_X29
		  : index == 30 ? UC_ARM64_REG_X30
		  : index == 31 ? UC_ARM64_REG_XZR
				: UC_ARM64_REG_X0 + (int)index;
	uc_reg_read(emu->uc, reg, &value);
	return value;
}

int emu_host_at(struct emu *emu, enum emu_at_op op, uint64_t va, uint64_t *par)
{
	/* AT S1E1R (1,0,7,8,0), S1E1W (op2 1), S1E0R (op2 2): a CP_REG write
	 * runs the AT instruction's handler. */
	static const unsigned op2[] = {[EMU_AT_S1E1R] = 0, [EMU_AT_S1E1W] = 1, [EMU_AT_S1E0R] = 2};
	if ((unsigned)op > EMU_AT_S1E0R || emu_sysreg_write(emu, 1, 0, 7, 8, op2[op], va))
		return -1;
	return uc_reg_read(emu->uc, UC_ARM64_REG_PAR_EL1, par) == UC_ERR_OK ? 0 : -1;
}

static void close_instance(struct emu *emu)
{
	if (emu->pristine)
		uc_context_free(emu->pristine);
	if (emu->uc)
		uc_close(emu->uc);
	emu->pristine = NULL;
	emu->uc = NULL;
	emu->mapped.count = 0;
	emu->nplaced = 0; /* a new instance has no translations */
}

static int open_instance(struct emu *emu, struct emu_error *err)
{
	uc_err status = uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &emu->uc);
	if (status != UC_ERR_OK) {
		emu->uc = NULL;
		emu_error_set(err, "uc_open: %s", uc_strerror(status));
		return -1;
	}
	emu->stats.recycles++;
	emu->runs_on_instance = 0;
	/* Reset-state fix: 2.0.1 starts with SCR_EL3 = HCR_EL2 = 0, which makes
	 * its walker use AArch32 rules in Secure state. Non-secure AArch64 EL1:
	 * SCR_EL3.RW|NS and HCR_EL2.RW. */
	uc_hook hook;
	if (emu_sysreg_write(emu, 3, 6, 1, 1, 0, 0x401) ||
	    emu_sysreg_write(emu, 3, 4, 1, 1, 0, 1ULL << 31) ||
	    uc_hook_add(emu->uc, &hook, UC_HOOK_BLOCK, (void *)on_block, emu, 1, 0) ||
	    uc_hook_add(emu->uc, &hook, UC_HOOK_INTR, (void *)on_intr, emu, 1, 0) ||
	    uc_hook_add(emu->uc, &hook, UC_HOOK_MEM_INVALID, (void *)on_invalid, emu, 1, 0) ||
	    uc_context_alloc(emu->uc, &emu->pristine) || uc_context_save(emu->uc, emu->pristine)) {
		emu_error_set(err, "Unicorn engine set-up failed");
		close_instance(emu);
		return -1;
	}
	return 0;
}

struct emu *emu_new(const struct emu_options *opts, struct emu_error *err)
{
	struct emu *emu = calloc(1, sizeof(*emu));
	if (!emu) {
		emu_error_set(err, "out of memory");
		return NULL;
	}
	if (opts)
		emu->opts = *opts;
	if (!emu->opts.insn_budget)
		emu->opts.insn_budget = EMU_DEFAULT_BUDGET;
	if (!emu->opts.recycle_every)
		emu->opts.recycle_every = EMU_DEFAULT_RECYCLE;
	if (open_instance(emu, err)) {
		free(emu);
		return NULL;
	}
	return emu;
}

void emu_free(struct emu *emu)
{
	if (!emu)
		return;
	close_instance(emu);
	free(emu->mapped.items);
	free(emu->wanted.items);
	free(emu->placed);
	free(emu);
}

struct emu_stats emu_get_stats(const struct emu *emu)
{
	return emu->stats;
}

int emu_begin(struct emu *emu, struct emu_error *err)
{
	if (!emu->uc || emu->runs_on_instance >= emu->opts.recycle_every) {
		close_instance(emu);
		if (open_instance(emu, err))
			return -1;
	}
	if (uc_context_restore(emu->uc, emu->pristine) != UC_ERR_OK) {
		emu_error_set(err, "uc_context_restore failed");
		return -1;
	}
	return 0;
}

int emu_place_code(struct emu *emu, uint64_t pa, const void *code, size_t len)
{
	/* Only a different routine at an address that ran code matters; a
	 * full flush per run costs 10-800x and grows the code buffer. */
	bool stale = false;
	for (size_t i = 0; i < emu->nplaced; i++) {
		struct emu_placed *p = &emu->placed[i];
		if (p->pa < pa + len && pa < p->pa + p->len) {
			if (p->pa == pa && p->code == code && p->len == len)
				return 0;
			stale = true;
			*p = emu->placed[--emu->nplaced];
			i--;
		}
	}
	if (stale && uc_ctl_remove_cache(emu->uc, pa, pa + len) != UC_ERR_OK)
		return -1;
	if (emu->nplaced == emu->placed_capacity) {
		size_t capacity = emu->placed_capacity ? 2 * emu->placed_capacity : 64;
		struct emu_placed *placed = realloc(emu->placed, capacity * sizeof(*placed));
		if (!placed)
			return -1;
		emu->placed = placed;
		emu->placed_capacity = capacity;
	}
	emu->placed[emu->nplaced++] = (struct emu_placed){pa, code, len};
	return 0;
}

/* ---- Memory ------------------------------------------------------------ */

static bool region_push(struct emu_region_list *list, uint64_t addr, uint64_t size, void *host)
{
	if (list->count &&
	    list->items[list->count - 1].addr + list->items[list->count - 1].size == addr &&
	    (uint8_t *)list->items[list->count - 1].host + list->items[list->count - 1].size ==
		(uint8_t *)host) {
		/* Adjacent in both spaces: one region is cheaper to map. */
		list->items[list->count - 1].size += size;
		return true;
	}
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 64;
		struct emu_region *items = realloc(list->items, capacity * sizeof(*items));
		if (!items)
			return false;
		list->items = items;
		list->capacity = capacity;
	}
	list->items[list->count++] = (struct emu_region){addr, size, host};
	return true;
}

/* Like region_push, without merging: mapped regions stay as Unicorn has them. */
static bool region_append(struct emu_region_list *list, const struct emu_region *r)
{
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 64;
		struct emu_region *items = realloc(list->items, capacity * sizeof(*items));
		if (!items)
			return false;
		list->items = items;
		list->capacity = capacity;
	}
	list->items[list->count++] = *r;
	return true;
}

static int by_addr(const void *a, const void *b)
{
	uint64_t x = ((const struct emu_region *)a)->addr, y = ((const struct emu_region *)b)->addr;
	return x < y ? -1 : x > y;
}

static void region_sort(struct emu_region_list *list)
{
	qsort(list->items, list->count, sizeof(*list->items), by_addr);
}

struct map_walk {
	struct physmem *mem;
	struct emu_region_list *pa, *shadow;
	uint64_t shadow_delta;
	bool failed;
};

static void collect_chunk(void *ctx, uint64_t chunk_pa)
{
	struct map_walk *walk = ctx;
	/* Only the RAM part of a chunk: a bank may end inside it. */
	for (size_t i = 0; i < physmem_bank_count(walk->mem); i++) {
		struct physmem_bank bank = physmem_bank_at(walk->mem, i);
		uint64_t lo = chunk_pa > bank.base ? chunk_pa : bank.base;
		uint64_t chunk_end = chunk_pa + PHYSMEM_CHUNK, bank_end = bank.base + bank.size;
		uint64_t hi = chunk_end < bank_end ? chunk_end : bank_end;
		if (lo >= hi)
			continue;
		uint8_t *host = physmem_chunk(walk->mem, lo);
		if (!host) {
			walk->failed = true;
			return;
		}
		host += lo - chunk_pa;
		if (!region_push(walk->pa, lo, hi - lo, host) ||
		    (walk->shadow &&
		     !region_push(walk->shadow, lo - walk->shadow_delta, hi - lo, host)))
			walk->failed = true;
	}
}

static bool same_regions(const struct emu_region_list *a, const struct emu_region_list *b)
{
	return a->count == b->count &&
	       (a->count == 0 || !memcmp(a->items, b->items, a->count * sizeof(*a->items)));
}

int emu_map_memory(struct emu *emu, struct physmem *mem, bool shadow, uint64_t shadow_delta,
		   struct emu_error *err)
{
	struct emu_region_list shadows = {0};
	struct map_walk walk = {mem, &emu->wanted, shadow ? &shadows : NULL, shadow_delta, false};
	emu->wanted.count = 0;
	physmem_for_each_chunk(mem, collect_chunk, &walk);
	for (size_t i = 0; !walk.failed && i < shadows.count; i++)
		walk.failed = !region_push(&emu->wanted, shadows.items[i].addr,
					   shadows.items[i].size, shadows.items[i].host);
	free(shadows.items);
	if (walk.failed) {
		emu_error_set(err, "cannot materialise the physical memory for the emulator");
		return -1;
	}
	/* More regions would abort the process in 2.0.1 (see EMU_MAX_REGIONS). */
	if (emu->wanted.count > EMU_MAX_REGIONS) {
		emu_error_set(err, "the layout needs %zu Unicorn regions, more than %d",
			      emu->wanted.count, EMU_MAX_REGIONS);
		if (err)
			err->unsupported = true;
		return -1;
	}
	if (same_regions(&emu->mapped, &emu->wanted))
		return 0;
	/* Only the difference: each map or unmap makes 2.0.1 rebuild its view
	 * of every region and drop translations, so churn costs O(regions^2).
	 * Both lists are sorted by address and disjoint, so one merge pass
	 * finds the regions that stay. Unmapping first keeps the mapped set
	 * within EMU_MAX_REGIONS and free of overlaps. */
	size_t kept = 0;
	bool *keep = calloc(emu->wanted.count + 1, sizeof(*keep));
	if (!keep) {
		emu_error_set(err, "out of memory");
		return -1;
	}
	for (size_t i = 0, j = 0; i < emu->mapped.count; i++) {
		const struct emu_region *m = &emu->mapped.items[i];
		while (j < emu->wanted.count && emu->wanted.items[j].addr < m->addr)
			j++;
		if (j < emu->wanted.count && !memcmp(&emu->wanted.items[j], m, sizeof(*m))) {
			keep[j] = true;
			emu->mapped.items[kept++] = *m;
			continue;
		}
		uc_mem_unmap(emu->uc, m->addr, m->size);
	}
	emu->mapped.count = kept;
	int ret = 0;
	for (size_t i = 0; i < emu->wanted.count && !ret; i++) {
		const struct emu_region *r = &emu->wanted.items[i];
		if (keep[i])
			continue;
		uc_err status = uc_mem_map_ptr(emu->uc, r->addr, r->size, UC_PROT_ALL, r->host);
		if (status != UC_ERR_OK) {
			emu_error_set(err, "uc_mem_map_ptr(0x%llx, 0x%llx): %s",
				      (unsigned long long)r->addr, (unsigned long long)r->size,
				      uc_strerror(status));
			ret = -1;
			continue;
		}
		if (!region_append(&emu->mapped, r)) {
			emu_error_set(err, "out of memory");
			ret = -1;
		}
	}
	free(keep);
	if (!ret)
		region_sort(&emu->mapped);
	return ret;
}

/* ---- Running ----------------------------------------------------------- */

void emu_exec(struct emu *emu, uint64_t begin, uint64_t until, struct emu_exec *ex)
{
	emu->insns = 0;
	emu->last_block = emu->last_block_size = 0;
	emu->coverage_prev = 0;
	emu->trapped = emu->invalid = false;
	emu->intno = 0;

	memset(ex, 0, sizeof(*ex));
	ex->uc_err = uc_emu_start(emu->uc, begin, until, 0, emu->opts.insn_budget);
	emu->stats.runs++;
	emu->runs_on_instance++;

	uc_reg_read(emu->uc, UC_ARM64_REG_PC, &ex->pc);
	/* The block hook counted whole blocks; take off the part of the last
	 * block that did not run (the faulting instruction included). */
	uint64_t insns = emu->insns;
	if (ex->pc >= emu->last_block && ex->pc < emu->last_block + emu->last_block_size)
		insns -= (emu->last_block + emu->last_block_size - ex->pc) / 4;
	ex->insns = insns;
	ex->trapped = emu->trapped;
	ex->intno = emu->intno;
	ex->invalid = emu->invalid;
	ex->invalid_addr = emu->invalid_addr;
	ex->invalid_write = emu->invalid_write;
	ex->invalid_fetch = emu->invalid_fetch;
	ex->reached_until = ex->uc_err == UC_ERR_OK && !ex->trapped && ex->pc == until;
	ex->budget_exhausted = ex->uc_err == UC_ERR_OK && !ex->trapped && ex->pc != until;
}
