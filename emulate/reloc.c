/* kexec relocation in the emulator: one routine (reloc.S), three strategies.
 *
 * prepare() lays out in simulated physical memory what the old kernel would
 * have left: the routine in a control page, the kimage entry list, and the
 * tables for the strategy. run() enters the prologue at the control page
 * and stops when the PC reaches the new image's entry.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "physmem.h"

/* Generated from reloc.S at build time. */
extern const unsigned char emu_reloc_blob[];
extern const size_t emu_reloc_blob_len;

#define IND_DESTINATION 1ULL
#define IND_INDIRECTION 2ULL
#define IND_DONE	4ULL
#define IND_SOURCE	8ULL

/* INIT_SCTLR_EL1_MMU_OFF: what the routine writes before the branch. */
#define SCTLR_MMU_OFF 0x30500800ULL

/* Bound on the destination image held on the host (and copied in guest). */
#define MAX_IMAGE_BYTES (64ULL << 20)

const char *emu_strategy_name(enum emu_strategy strategy)
{
	static const char *const names[] = {"mmu-off", "idmap", "linear"};
	return (unsigned)strategy <= EMU_RELOC_LINEAR ? names[strategy] : "?";
}

const char *emu_stop_name(enum emu_stop stop)
{
	static const char *const names[] = {"entry",  "fault",	   "unmapped",
					    "budget", "exception", "engine"};
	return (unsigned)stop <= EMU_STOP_ENGINE ? names[stop] : "?";
}

static bool overlaps(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

static int validate(const struct emu_reloc_input *in, const struct physmem *mem, uint64_t granule,
		    struct emu_error *err)
{
	if ((unsigned)in->strategy > EMU_RELOC_LINEAR) {
		emu_error_set(err, "unknown relocation strategy %d", (int)in->strategy);
		return -1;
	}
	if (!in->nsegments || in->nsegments > EMU_RELOC_MAX_SEGMENTS || !in->segments) {
		emu_error_set(err, "need 1..%d segments, got %zu", EMU_RELOC_MAX_SEGMENTS,
			      in->nsegments);
		return -1;
	}
	uint64_t total = 0;
	for (size_t i = 0; i < in->nsegments; i++) {
		const struct emu_segment *s = &in->segments[i];
		if (!s->size || ((s->src | s->dst | s->size) & (granule - 1))) {
			emu_error_set(err,
				      "segment %zu: src, dst and size must be non-zero "
				      "multiples of the granule (0x%llx)",
				      i, (unsigned long long)granule);
			return -1;
		}
		if (!physmem_is_ram(mem, s->src, s->size) ||
		    !physmem_is_ram(mem, s->dst, s->size)) {
			emu_error_set(err, "segment %zu: source or destination outside RAM", i);
			return -1;
		}
		total += s->size;
		if (total > MAX_IMAGE_BYTES) {
			emu_error_set(err, "segments exceed %llu MiB",
				      (unsigned long long)(MAX_IMAGE_BYTES >> 20));
			return -1;
		}
	}
	/* kimage's invariant: a source page is its own destination or none. */
	for (size_t i = 0; i < in->nsegments; i++) {
		for (size_t j = 0; j < in->nsegments; j++) {
			const struct emu_segment *a = &in->segments[i], *b = &in->segments[j];
			bool same = a->src == b->dst && a->size == b->size && i == j;
			if (i != j && overlaps(a->dst, a->size, b->dst, b->size)) {
				emu_error_set(err, "segments %zu and %zu: destinations overlap", i,
					      j);
				return -1;
			}
			if (!same && overlaps(a->src, a->size, b->dst, b->size)) {
				emu_error_set(err,
					      "segment %zu's source overlaps segment %zu's "
					      "destination",
					      i, j);
				return -1;
			}
		}
	}
	if (!physmem_is_ram(mem, in->entry, 4)) {
		emu_error_set(err, "entry 0x%llx is not in RAM", (unsigned long long)in->entry);
		return -1;
	}
	if (in->entry == 0) {
		/* uc_emu_start() in 2.0.1 does not stop at an `until` of 0, so
		 * the run would carry on into the new image (found by
		 * fuzz_reloc). */
		emu_error_set(err, "an entry at PA 0 cannot be observed in Unicorn 2.0.1");
		if (err)
			err->unsupported = true;
		return -1;
	}
	return 0;
}

static int alloc_page(struct pgd_mm_ops *ops, struct physmem *mem, uint64_t granule, uint64_t *pa,
		      struct emu_error *err)
{
	if (ops->alloc(ops->ctx, 3, pa) || !physmem_zero(mem, *pa, granule)) {
		emu_error_set(err, "out of RAM for the relocation's own pages");
		if (err)
			err->unsupported = true;
		return -1;
	}
	return 0;
}

/* Writes the entry list; each indirection page's last slot chains on. */
static int build_list(struct emu_reloc_plan *plan, struct physmem *mem, struct pgd_mm_ops *ops,
		      uint64_t *list_pages, size_t max_list_pages, struct emu_error *err)
{
	const uint64_t granule = plan->granule, slots = granule / 8;
	size_t nentries = 1;
	for (size_t i = 0; i < plan->nsegments; i++)
		nentries += 1 + plan->segments[i].size / granule;
	uint64_t *entries = malloc(nentries * sizeof(*entries));
	if (!entries) {
		emu_error_set(err, "out of memory");
		return -1;
	}
	size_t n = 0;
	for (size_t i = 0; i < plan->nsegments; i++) {
		const struct emu_segment *s = &plan->segments[i];
		entries[n++] = s->dst | IND_DESTINATION;
		for (uint64_t off = 0; off < s->size; off += granule)
			entries[n++] = (s->src + off) | IND_SOURCE;
	}
	entries[n++] = IND_DONE;

	uint64_t page;
	int ret = -1;
	if (alloc_page(ops, mem, granule, &page, err))
		goto out;
	plan->list_pages = 1;
	list_pages[0] = page;
	plan->head = page | IND_INDIRECTION;
	uint64_t slot = 0;
	for (size_t i = 0; i < n; i++) {
		if (slot == slots - 1 && i + 1 < n) {
			uint64_t next;
			if (plan->list_pages == max_list_pages) {
				emu_error_set(err, "entry list needs more than %zu pages",
					      max_list_pages);
				goto out;
			}
			if (alloc_page(ops, mem, granule, &next, err) ||
			    !physmem_write64(mem, page + slot * 8, next | IND_INDIRECTION))
				goto out;
			list_pages[plan->list_pages++] = next;
			page = next;
			slot = 0;
		}
		if (!physmem_write64(mem, page + slot * 8, entries[i])) {
			emu_error_set(err, "cannot write the entry list");
			goto out;
		}
		slot++;
	}
	ret = 0;
out:
	free(entries);
	return ret;
}

static void pgd_to_emu_error(const struct pgd_error *perr, const char *what, struct emu_error *err)
{
	emu_error_set(err, "%s: %s (%s)", what, perr->message, pgd_status_name(perr->status));
	if (err)
		err->unsupported = perr->status == PGD_ENOMEM;
}

#define MAX_LIST_PAGES 64

static int build_idmap(struct emu_reloc_plan *plan, struct physmem *mem, struct pgd_mm_ops ops,
		       const struct pgd_config *config, const uint64_t *list_pages,
		       struct emu_error *err)
{
	/* Everything the routine touches with the MMU on, and the routine. */
	struct pgd_range ranges[2 * EMU_RELOC_MAX_SEGMENTS + MAX_LIST_PAGES + 1];
	size_t n = 0;
	for (size_t i = 0; i < plan->nsegments; i++) {
		ranges[n++] = (struct pgd_range){plan->segments[i].src, plan->segments[i].size};
		if (plan->segments[i].dst != plan->segments[i].src)
			ranges[n++] =
			    (struct pgd_range){plan->segments[i].dst, plan->segments[i].size};
	}
	for (unsigned i = 0; i < plan->list_pages; i++)
		ranges[n++] = (struct pgd_range){list_pages[i], plan->granule};
	ranges[n++] = (struct pgd_range){plan->control, plan->granule};

	struct pgd_error perr = {0};
	if (pgd_create_idmap(&plan->idmap, &plan->regs, config, mem, ops, ranges, n,
			     PGD_PROT_KERNEL_EXEC, 0, &perr)) {
		pgd_to_emu_error(&perr, "create_idmap", err);
		return -1;
	}
	plan->regs.mair = PGD_MAIR_DEFAULT;
	plan->regs.sctlr = PGD_SCTLR_MMU_ON;
	plan->regs.ttbr1 = 0;
	return 0;
}

static int build_linear(struct emu_reloc_plan *plan, struct physmem *mem, struct pgd_mm_ops ops,
			const struct pgd_config *config, struct emu_error *err)
{
	struct pgd_error perr = {0};
	struct pgd_geometry geo;
	if (pgd_geometry_init(&geo, config, &perr)) {
		pgd_to_emu_error(&perr, "linear map geometry", err);
		return -1;
	}
	/* Linux's linear map: [PAGE_OFFSET, PAGE_END), half the upper range,
	 * with memstart rounded down to ARM64_MEMSTART_ALIGN so that the bulk
	 * of RAM maps with the largest blocks: 1 GiB for 4K (a level-1 block)
	 * and 16K (32 contiguous 32 MiB blocks), 512 MiB for 64K (a level-2
	 * block). */
	uint64_t align = geo.page_shift == 16 ? 1ULL << pgd_level_shift(&geo, 2) : 1ULL << 30;
	size_t nbanks = physmem_bank_count(mem);
	struct physmem_bank first = physmem_bank_at(mem, 0),
			    last = physmem_bank_at(mem, nbanks - 1);
	uint64_t memstart = first.base & ~(align - 1);
	uint64_t page_offset = ~0ULL << geo.va_bits;
	if (last.base + last.size - memstart > (1ULL << (geo.va_bits - 1))) {
		emu_error_set(err, "RAM spans more than the linear map's 2^%u bytes",
			      geo.va_bits - 1);
		if (err)
			err->unsupported = true;
		return -1;
	}
	/* Every run builds the map and its copy: bound the blocks so that
	 * each input stays well under a second. The bulk of a bank maps with
	 * memstart-aligned blocks, except 16K's 32 MiB level-2 blocks. */
	uint64_t bulk = geo.page_shift == 14 ? 1ULL << pgd_level_shift(&geo, 2) : align;
	uint64_t descriptors = 0;
	for (size_t i = 0; i < nbanks; i++)
		descriptors += physmem_bank_at(mem, i).size / bulk + 1;
	if (descriptors > EMU_LINEAR_MAX_BLOCKS) {
		emu_error_set(err, "a linear map of this RAM needs about %llu blocks (limit %u)",
			      (unsigned long long)descriptors, EMU_LINEAR_MAX_BLOCKS);
		if (err)
			err->unsupported = true;
		return -1;
	}
	plan->phys_offset = memstart - page_offset;

	if (pgd_tree_init(&plan->linear, &geo, mem, ops, true, &perr)) {
		pgd_to_emu_error(&perr, "linear map root", err);
		return -1;
	}
	for (size_t i = 0; i < nbanks; i++) {
		struct physmem_bank bank = physmem_bank_at(mem, i);
		if (pgd_map(&plan->linear, bank.base - plan->phys_offset, bank.base, bank.size,
			    PGD_PROT_KERNEL, 0, &perr)) {
			pgd_to_emu_error(&perr, "linear map", err);
			return -1;
		}
	}
	if (pgd_tree_init(&plan->copy, &geo, mem, ops, true, &perr) ||
	    pgd_copy(&plan->linear, &plan->copy, &perr)) {
		pgd_to_emu_error(&perr, "copy of the linear map", err);
		return -1;
	}
	/* The code runs from its identity mapping in TTBR0. */
	struct pgd_regs idmap_regs = {0};
	if (pgd_idmap_page(&plan->idmap, &idmap_regs, config, mem, ops, plan->control, &perr)) {
		pgd_to_emu_error(&perr, "idmap_page", err);
		return -1;
	}
	plan->regs.mair = PGD_MAIR_DEFAULT;
	plan->regs.tcr = pgd_tcr(&plan->idmap.geo, &geo);
	plan->regs.ttbr0 = idmap_regs.ttbr0;
	plan->regs.ttbr1 = pgd_ttbr(&geo, plan->linear.root_pa);
	plan->regs.sctlr = PGD_SCTLR_MMU_ON;
	plan->new_ttbr1 = pgd_ttbr(&geo, plan->copy.root_pa);
	return 0;
}

/* The fields of struct kimage a foreign routine reads, as Linux's
 * machine_kexec_post_load() fills them for a relocation at EL1. */
static int write_kimage(const struct emu_reloc_plan *plan, struct physmem *mem,
			const struct emu_kimage_layout *layout, struct emu_error *err)
{
	const struct {
		uint32_t offset;
		uint64_t value;
	} fields[] = {
	    {layout->head, plan->head},
	    {layout->start, plan->entry},
	    {layout->dtb_mem, plan->dtb},
	    {layout->el2_vectors, 0},
	    {layout->zero_page, plan->zero_page},
	    {layout->ttbr1, plan->copy.root_pa},
	    {layout->phys_offset, plan->phys_offset},
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].offset + 8 > layout->size ||
		    !physmem_write64(mem, plan->kimage + fields[i].offset, fields[i].value)) {
			emu_error_set(err, "kimage field at offset %u outside its %u bytes",
				      fields[i].offset, layout->size);
			return -1;
		}
	return 0;
}

static int materialise(struct physmem *mem, uint64_t pa, uint64_t size, struct emu_error *err)
{
	for (uint64_t off = 0; off < size; off += PHYSMEM_PAGE)
		if (!physmem_chunk(mem, pa + off)) {
			emu_error_set(err, "cannot materialise PA 0x%llx",
				      (unsigned long long)(pa + off));
			return -1;
		}
	return 0;
}

int emu_reloc_prepare(struct emu_reloc_plan *plan, struct physmem *mem,
		      const struct emu_reloc_input *in, struct emu_error *err)
{
	memset(plan, 0, sizeof(*plan));
	if (!mem || !in) {
		emu_error_set(err, "emu_reloc_prepare: bad argument");
		return -1;
	}
	struct pgd_error perr = {0};
	struct pgd_geometry base_geo;
	if (pgd_geometry_init(&base_geo, &in->config, &perr)) {
		pgd_to_emu_error(&perr, "geometry", err);
		return -1;
	}
	uint64_t granule = pgd_granule(&base_geo);
	const struct emu_routine *routine = in->routine;
	uint64_t routine_offset = (emu_reloc_blob_len + 15) & ~15ULL;
	if (routine_offset + (routine ? routine->len : 0) > granule) {
		emu_error_set(err, "routine larger than a page");
		return -1;
	}
	if (routine && (in->strategy != EMU_RELOC_LINEAR || !routine->code || !routine->len ||
			routine->kimage.size > granule)) {
		emu_error_set(err,
			      "routine %s: needs the linear strategy, code, and a kimage "
			      "no larger than a page",
			      routine->name);
		return -1;
	}
	if (validate(in, mem, granule, err))
		return -1;
	plan->strategy = in->strategy;
	plan->routine = routine;
	plan->granule = granule;
	plan->entry = in->entry;
	plan->dtb = in->dtb;
	plan->nsegments = in->nsegments;
	memcpy(plan->segments, in->segments, in->nsegments * sizeof(*in->segments));

	/* Tables and the routine's pages must not land on anything the
	 * relocation reads or writes. */
	struct pgd_page_alloc *alloc = malloc(sizeof(*alloc));
	if (!alloc) {
		emu_error_set(err, "out of memory");
		return -1;
	}
	pgd_page_alloc_init(alloc, mem, granule);
	/* Tables and list pages must be reachable by the walker and, with the
	 * MMU off, by the emulated CPU. */
	unsigned pa_bits = in->config.pa_bits ? in->config.pa_bits : 48;
	pgd_page_alloc_limit(alloc,
			     1ULL << (pa_bits < EMU_CPU_PA_BITS ? pa_bits : EMU_CPU_PA_BITS));
	int reserve_failed = 0;
	for (size_t i = 0; i < in->nsegments; i++) {
		reserve_failed |=
		    pgd_page_alloc_reserve(alloc, in->segments[i].src, in->segments[i].size);
		reserve_failed |=
		    pgd_page_alloc_reserve(alloc, in->segments[i].dst, in->segments[i].size);
	}
	reserve_failed |= pgd_page_alloc_reserve(alloc, in->entry & ~(granule - 1), granule);
	if (physmem_is_ram(mem, in->dtb, 1))
		reserve_failed |= pgd_page_alloc_reserve(alloc, in->dtb & ~(granule - 1), granule);
	struct pgd_mm_ops ops = pgd_page_alloc_ops(alloc);
	uint64_t list_pages[MAX_LIST_PAGES];
	int ret = -1;
	if (reserve_failed) {
		emu_error_set(err, "too many reserved ranges for the page allocator");
		goto out;
	}
	if (alloc_page(&ops, mem, granule, &plan->control, err) ||
	    !physmem_write(mem, plan->control, emu_reloc_blob, emu_reloc_blob_len))
		goto out;
	if (routine) {
		plan->routine_pa = plan->control + routine_offset;
		if (!physmem_write(mem, plan->routine_pa, routine->code, routine->len))
			goto out;
	}
	if (in->entry >= plan->control && in->entry - plan->control < granule) {
		emu_error_set(err, "entry lies in the control page");
		goto out;
	}
	if (build_list(plan, mem, &ops, list_pages, MAX_LIST_PAGES, err))
		goto out;

	switch (in->strategy) {
	case EMU_RELOC_MMU_OFF:
		plan->regs = (struct pgd_regs){.mair = PGD_MAIR_DEFAULT, .sctlr = SCTLR_MMU_OFF};
		break;
	case EMU_RELOC_IDMAP:
		if (build_idmap(plan, mem, ops, &in->config, list_pages, err))
			goto out;
		break;
	case EMU_RELOC_LINEAR:
		if (alloc_page(&ops, mem, granule, &plan->zero_page, err) ||
		    build_linear(plan, mem, ops, &in->config, err))
			goto out;
		break;
	}
	/* The kimage comes last, so that everything else sits where it does
	 * for pgdfuzz's own routine: the two runs differ by this page only. */
	if (routine && (alloc_page(&ops, mem, granule, &plan->kimage, err) ||
			write_kimage(plan, mem, &routine->kimage, err)))
		goto out;

	/* Every page the guest may touch must exist before the run. */
	for (size_t i = 0; i < in->nsegments; i++)
		if (materialise(mem, in->segments[i].src, in->segments[i].size, err) ||
		    materialise(mem, in->segments[i].dst, in->segments[i].size, err))
			goto out;
	for (unsigned i = 0; i < plan->list_pages; i++)
		if (materialise(mem, list_pages[i], granule, err))
			goto out;
	if (materialise(mem, plan->control, granule, err) ||
	    (plan->kimage && materialise(mem, plan->kimage, granule, err)) ||
	    materialise(mem, in->entry & ~(PHYSMEM_PAGE - 1), PHYSMEM_PAGE, err) ||
	    (plan->zero_page && materialise(mem, plan->zero_page, granule, err)) ||
	    (physmem_is_ram(mem, in->dtb, 1) &&
	     materialise(mem, in->dtb & ~(PHYSMEM_PAGE - 1), PHYSMEM_PAGE, err)))
		goto out;

	/* The expected image, from the sources as they are now. */
	for (size_t i = 0; i < in->nsegments; i++)
		plan->expected_len += in->segments[i].size;
	plan->expected = malloc(plan->expected_len);
	if (!plan->expected) {
		emu_error_set(err, "out of memory for the expected image");
		goto out;
	}
	uint64_t off = 0;
	for (size_t i = 0; i < in->nsegments; i++) {
		physmem_read(mem, in->segments[i].src, plan->expected + off, in->segments[i].size);
		off += in->segments[i].size;
	}
	ret = 0;
out:
	free(alloc);
	if (ret)
		emu_reloc_release(plan);
	return ret;
}

void emu_reloc_release(struct emu_reloc_plan *plan)
{
	if (!plan)
		return;
	free(plan->expected);
	plan->expected = NULL;
	plan->expected_len = 0;
}

/* The VA a faulting load/store at pc accessed, from its encoding and the
 * registers. Covers the forms reloc.S uses (and their relatives). */
static bool faulting_access(struct emu *emu, uint32_t insn, uint64_t *va, bool *write)
{
	unsigned rn = (insn >> 5) & 31;
	uint64_t base = rn == 31 ? 0 : emu_read_x(emu, rn);
	if ((insn & 0x3a000000) == 0x28000000) { /* load/store pair */
		unsigned mode = (insn >> 23) & 3;
		int64_t imm7 = (int64_t)((insn >> 15) & 0x7f) << 57 >> 57;
		unsigned scale = 2 + (insn >> 31);
		*write = !((insn >> 22) & 1);
		*va = mode == 1 ? base : base + (uint64_t)(imm7 * (1 << scale));
		return true;
	}
	if ((insn & 0x3b000000) == 0x39000000) { /* ldr/str unsigned offset */
		unsigned size = insn >> 30;
		*write = ((insn >> 22) & 3) == 0;
		*va = base + (((insn >> 10) & 0xfff) << size);
		return true;
	}
	if ((insn & 0x3b200000) == 0x38000000) { /* ldr/str imm9 forms */
		int64_t imm9 = (int64_t)((insn >> 12) & 0x1ff) << 55 >> 55;
		*write = ((insn >> 22) & 3) == 0;
		*va = ((insn >> 10) & 3) == 1 ? base : base + (uint64_t)imm9;
		return true;
	}
	if ((insn & 0xfff80000) == 0xd5080000) { /* SYS: dc <op>, Xt */
		*write = false;
		*va = emu_read_x(emu, insn & 31);
		return true;
	}
	return false;
}

static void check_copy(const struct physmem *mem, const struct emu_reloc_plan *plan,
		       struct emu_reloc_report *rep)
{
	uint8_t buf[4096];
	uint64_t off = 0;
	rep->mismatched_bytes = 0;
	for (size_t i = 0; i < plan->nsegments; i++) {
		const struct emu_segment *s = &plan->segments[i];
		for (uint64_t done = 0; done < s->size; done += sizeof(buf)) {
			physmem_read(mem, s->dst + done, buf, sizeof(buf));
			const uint8_t *want = plan->expected + off + done;
			if (!memcmp(buf, want, sizeof(buf)))
				continue;
			for (size_t b = 0; b < sizeof(buf); b++) {
				if (buf[b] == want[b])
					continue;
				if (!rep->mismatched_bytes)
					rep->first_mismatch_pa = s->dst + done + b;
				rep->mismatched_bytes++;
			}
		}
		off += s->size;
	}
	rep->copy_ok = rep->mismatched_bytes == 0;
}

/* Digests of every materialised 4 KiB page outside the destinations, taken
 * before and after a run: a routine may write its destinations and nothing
 * else (a copy loop that runs one page too far is caught here, since the
 * destination check alone cannot see it). */
struct page_digests {
	const struct emu_reloc_plan *plan;
	struct physmem *mem;
	uint64_t *pa, *digest;
	size_t count, capacity;
	bool failed;
};

static bool in_destination(const struct emu_reloc_plan *plan, uint64_t pa)
{
	for (size_t i = 0; i < plan->nsegments; i++)
		if (pa - plan->segments[i].dst < plan->segments[i].size)
			return true;
	return false;
}

static uint64_t page_digest(const uint8_t *bytes)
{
	uint64_t hash = 0x9e3779b97f4a7c15ULL, word;
	for (size_t off = 0; off < PHYSMEM_PAGE; off += 8) {
		memcpy(&word, bytes + off, 8);
		hash = (hash ^ word) * 0x100000001b3ULL;
		hash ^= hash >> 29;
	}
	return hash;
}

static void digest_chunk(void *opaque, uint64_t chunk_pa)
{
	struct page_digests *d = opaque;
	const uint8_t *chunk = physmem_chunk(d->mem, chunk_pa);
	for (uint64_t off = 0; chunk && off < PHYSMEM_CHUNK && !d->failed; off += PHYSMEM_PAGE) {
		/* A chunk may reach past its bank: only RAM pages count. */
		if (in_destination(d->plan, chunk_pa + off) ||
		    !physmem_is_ram(d->mem, chunk_pa + off, PHYSMEM_PAGE))
			continue;
		if (d->count == d->capacity) {
			size_t capacity = d->capacity ? 2 * d->capacity : 256;
			uint64_t *pa = realloc(d->pa, capacity * sizeof(*pa));
			if (pa)
				d->pa = pa;
			uint64_t *digest =
			    pa ? realloc(d->digest, capacity * sizeof(*digest)) : NULL;
			if (!digest) {
				d->failed = true;
				return;
			}
			d->digest = digest;
			d->capacity = capacity;
		}
		d->pa[d->count] = chunk_pa + off;
		d->digest[d->count++] = page_digest(chunk + off);
	}
}

/* After the run: the first page whose bytes changed, and how many did. */
static void check_untouched(const struct page_digests *before, struct physmem *mem,
			    struct emu_reloc_report *rep)
{
	for (size_t i = 0; i < before->count; i++) {
		const uint8_t *chunk = physmem_chunk(mem, before->pa[i]);
		if (chunk &&
		    page_digest(chunk + (before->pa[i] & (PHYSMEM_CHUNK - 1))) == before->digest[i])
			continue;
		if (!rep->stray_pages++)
			rep->first_stray_pa = before->pa[i];
	}
}

int emu_reloc_run(struct emu *emu, struct physmem *mem, const struct emu_reloc_plan *plan,
		  struct emu_reloc_report *rep, struct emu_error *err)
{
	memset(rep, 0, sizeof(*rep));
	if (!emu || !mem || !plan || !plan->expected) {
		emu_error_set(err, "emu_reloc_run: bad argument or unprepared plan");
		return -1;
	}
	bool linear = plan->strategy == EMU_RELOC_LINEAR;
	if (emu_begin(emu, err) || emu_map_memory(emu, mem, linear, plan->phys_offset, err))
		return -1;

	/* A foreign routine gets the kimage's VA in x0 and switches TTBR1
	 * itself; pgdfuzz's own gets its arguments in x0..x7. */
	const bool foreign = plan->routine != NULL;
	const uint64_t x[] = {
	    foreign ? plan->kimage - plan->phys_offset : plan->head,
	    plan->entry,
	    plan->dtb,
	    plan->phys_offset,
	    foreign ? 0 : plan->new_ttbr1,
	    linear ? pgd_ttbr(&plan->copy.geo, plan->zero_page) : 0,
	    SCTLR_MMU_OFF,
	    plan->granule,
	    foreign ? plan->routine_pa : 0,
	};
	const uint64_t prologue[] = {plan->regs.mair, plan->regs.tcr, plan->regs.ttbr0,
				     plan->regs.ttbr1, plan->regs.sctlr};
	int bad = 0;
	for (unsigned i = 0; i < sizeof(x) / sizeof(x[0]); i++)
		bad |= emu_write_x(emu, i, x[i]);
	for (unsigned i = 0; i < 5; i++)
		bad |= emu_write_x(emu, 20 + i, prologue[i]);
	if (bad) {
		emu_error_set(err, "cannot set the routine's registers");
		return -1;
	}

	struct page_digests before = {.plan = plan, .mem = mem};
	physmem_for_each_chunk(mem, digest_chunk, &before);
	if (before.failed) {
		free(before.pa);
		free(before.digest);
		emu_error_set(err, "out of memory for the page digests");
		return -1;
	}
	/* The blob is the same on every run; a foreign routine may differ
	 * from the one that last ran at its address. */
	if (emu_place_code(emu, plan->control, emu_reloc_blob, emu_reloc_blob_len) ||
	    (plan->routine &&
	     emu_place_code(emu, plan->routine_pa, plan->routine->code, plan->routine->len))) {
		free(before.pa);
		free(before.digest);
		emu_error_set(err, "cannot drop Unicorn's old translations of the routine");
		return -1;
	}
	struct emu_exec ex;
	emu_exec(emu, plan->control, plan->entry, &ex);
	check_untouched(&before, mem, rep);
	free(before.pa);
	free(before.digest);
	rep->pc = ex.pc;
	rep->insns = ex.insns;
	rep->uc_err = ex.uc_err;
	rep->intno = ex.intno;
	for (unsigned i = 0; i < 4; i++)
		rep->x[i] = emu_read_x(emu, i);
	rep->sctlr = emu_read_sctlr(emu);

	if (ex.reached_until)
		rep->stop = EMU_STOP_ENTRY;
	else if (ex.trapped &&
		 (ex.intno == EMU_EXCP_DATA_ABORT || ex.intno == EMU_EXCP_PREFETCH_ABORT))
		rep->stop = EMU_STOP_FAULT;
	else if (ex.invalid)
		rep->stop = EMU_STOP_UNMAPPED;
	else if (ex.budget_exhausted)
		rep->stop = EMU_STOP_BUDGET;
	else if (ex.trapped)
		rep->stop = EMU_STOP_EXCEPTION;
	else
		rep->stop = EMU_STOP_ENGINE;

	rep->entry_ok = rep->stop == EMU_STOP_ENTRY && rep->pc == plan->entry &&
			rep->x[0] == plan->dtb && !rep->x[1] && !rep->x[2] && !rep->x[3] &&
			!(rep->sctlr & 1);

	if (rep->stop == EMU_STOP_FAULT || rep->stop == EMU_STOP_UNMAPPED) {
		bool decoded = true;
		if (rep->stop == EMU_STOP_UNMAPPED) {
			rep->fault_va = ex.invalid_addr;
			rep->fault_write = ex.invalid_write;
			rep->fault_fetch = ex.invalid_fetch;
		} else if (ex.intno == EMU_EXCP_PREFETCH_ABORT) {
			rep->fault_va = ex.pc;
			rep->fault_fetch = true;
		} else {
			/* The code page is identity mapped or the MMU is off, and
			 * host reads use PAs: read the faulting instruction. */
			uint32_t insn = 0;
			decoded = uc_mem_read(emu->uc, ex.pc, &insn, 4) == UC_ERR_OK &&
				  faulting_access(emu, insn, &rep->fault_va, &rep->fault_write);
			if (!decoded)
				rep->fault_va = ex.pc;
		}
		/* 2.0.1 leaves ESR/FAR empty: ask the walker with AT. */
		uint64_t par = 0;
		if (emu_host_at(emu, rep->fault_write ? EMU_AT_S1E1W : EMU_AT_S1E1R, rep->fault_va,
				&par) == 0)
			emu_decode_par(rep->fault_va, par, &rep->fault);
		else
			rep->fault.va = rep->fault_va;
	}

	check_copy(mem, plan, rep);
	rep->ok = rep->entry_ok && rep->copy_ok && !rep->stray_pages;

	int len =
	    snprintf(rep->summary, sizeof(rep->summary), "%s%s%s: stop=%s pc=0x%llx insns=%llu",
		     emu_strategy_name(plan->strategy), foreign ? "/" : "",
		     foreign ? plan->routine->name : "", emu_stop_name(rep->stop),
		     (unsigned long long)rep->pc, (unsigned long long)rep->insns);
	if (rep->stop == EMU_STOP_FAULT || rep->stop == EMU_STOP_UNMAPPED)
		len += snprintf(rep->summary + len, sizeof(rep->summary) - (size_t)len,
				" %s%s at va 0x%llx: %s L%d", rep->fault_fetch ? "fetch" : "",
				rep->fault_fetch   ? ""
				: rep->fault_write ? "write"
						   : "read",
				(unsigned long long)rep->fault_va,
				rep->fault.fault ? emu_fault_kind_name(rep->fault.kind)
						 : "AT translates",
				rep->fault.level);
	if (rep->stop == EMU_STOP_ENTRY && !rep->entry_ok)
		len += snprintf(rep->summary + len, sizeof(rep->summary) - (size_t)len,
				" bad entry state x0=0x%llx sctlr=0x%llx",
				(unsigned long long)rep->x[0], (unsigned long long)rep->sctlr);
	if (!rep->copy_ok)
		len += snprintf(rep->summary + len, sizeof(rep->summary) - (size_t)len,
				" %llu bytes differ, first at pa 0x%llx",
				(unsigned long long)rep->mismatched_bytes,
				(unsigned long long)rep->first_mismatch_pa);
	if (rep->stray_pages)
		snprintf(rep->summary + len, sizeof(rep->summary) - (size_t)len,
			 " wrote %llu pages outside the destinations, first at pa 0x%llx",
			 (unsigned long long)rep->stray_pages,
			 (unsigned long long)rep->first_stray_pa);
	return 0;
}
