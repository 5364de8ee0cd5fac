#include "physmem.h"

#include <stdlib.h>
#include <string.h>

/* Hard cap on host memory so no input can exhaust the machine: 1 GiB. */
#define MAX_CHUNKS	16384u
#define PAGES_PER_CHUNK (PHYSMEM_CHUNK / PHYSMEM_PAGE)
#define ALL_PAGES_LIVE	((uint16_t)0xffff)
/* Chunk i's host bytes are slot i % SLAB_CHUNKS of slab i / SLAB_CHUNKS, so
 * chunks materialised one after the other are adjacent on the host too: an
 * emulator maps a run of them as one region (Unicorn's cost per region and
 * per map/unmap grows with the number of regions). Untouched slab pages
 * cost no RSS. */
#define SLAB_CHUNKS 64u
#define MAX_SLABS   (MAX_CHUNKS / SLAB_CHUNKS)

/* Descriptor-sized host stores (loads: physmem_load64). Not memcpy: the
 * sanitizer build (-O1) turns that into a checked library call per access. */
typedef uint64_t bytes64 __attribute__((may_alias));

struct chunk {
	uint64_t pa;
	uint8_t *host;
	uint16_t live;	/* bit i: page i has been zero-filled */
	uint16_t dirty; /* bit i: page i written since the last copy from this memory */
	bool exposed;	/* a host pointer was handed out: writes are not seen */
};

struct slot {
	uint32_t generation;
	uint32_t chunk; /* index into chunks[] */
};

/* Walkers read descriptors table by table, so the last chunk and bank hit
 * almost always answer the next lookup. Kept behind a pointer so const
 * readers may update it. */
struct lookup_cache {
	uint64_t chunk_pa;
	struct chunk *chunk; /* NULL: empty */
	uint32_t generation;
	size_t bank;
};

/* For incremental copies. Allocated apart from struct physmem, whose size
 * (and so the heap layout Unicorn's allocations land in) stays as it was:
 * emulate.reuse's RSS bound turned out to be sensitive to it. */
struct copy_state {
	/* As a copy's source: copies made of this memory (each clears the
	 * dirty bits, so only the last one can be brought up to date from
	 * them). */
	uint64_t copies;
	/* As a copy: what it mirrors, and its own state when it was made. It
	 * is current while neither side has been reset or copied from again
	 * and it has not been written. */
	struct {
		const struct physmem *src;
		uint64_t src_copy;
		uint32_t src_generation, generation;
		uint64_t writes;
	} mirror;
	size_t exposed; /* chunks with a host pointer out, this generation */
};

struct physmem {
	struct physmem_bank banks[PHYSMEM_MAX_BANKS];
	size_t nbanks;
	struct lookup_cache *cache;

	struct chunk *chunks; /* chunks[0..used) belong to this generation */
	size_t used, allocated;

	uint64_t writes;

	struct slot *slots; /* open addressing on pa >> 16 */
	size_t nslots;
	uint32_t generation;

	uint8_t *slabs[MAX_SLABS];
	size_t nslabs;

	struct copy_state *copy;
};

struct physmem *physmem_new(void)
{
	struct physmem *mem = calloc(1, sizeof(*mem));
	if (!mem)
		return NULL;
	mem->cache = calloc(1, sizeof(*mem->cache));
	mem->copy = calloc(1, sizeof(*mem->copy));
	if (!mem->cache || !mem->copy) {
		free(mem->cache);
		free(mem->copy);
		free(mem);
		return NULL;
	}
	mem->generation = 1;
	return mem;
}

void physmem_free(struct physmem *mem)
{
	if (!mem)
		return;
	for (size_t i = 0; i < mem->nslabs; i++)
		free(mem->slabs[i]);
	free(mem->chunks);
	free(mem->slots);
	free(mem->cache);
	free(mem->copy);
	free(mem);
}

void physmem_reset(struct physmem *mem)
{
	mem->nbanks = 0;
	mem->used = 0;
	mem->copy->exposed = 0;
	if (++mem->generation == 0) {
		/* Wrapped: stale slots could look current, so clear them once. */
		if (mem->slots)
			memset(mem->slots, 0, mem->nslots * sizeof(*mem->slots));
		mem->generation = 1;
	}
}

int physmem_add_bank(struct physmem *mem, uint64_t base, uint64_t size, const char **why)
{
	const char *reason = NULL;
	if (mem->nbanks == PHYSMEM_MAX_BANKS)
		reason = "too many RAM banks";
	else if (size == 0)
		reason = "RAM bank size is zero";
	else if ((base | size) & (PHYSMEM_PAGE - 1))
		reason = "RAM bank base and size must be 4K aligned";
	else if (base >= PHYSMEM_PA_LIMIT || size > PHYSMEM_PA_LIMIT - base)
		reason = "RAM bank extends beyond 2^52";
	for (size_t i = 0; !reason && i < mem->nbanks; i++) {
		const struct physmem_bank *b = &mem->banks[i];
		if (base < b->base + b->size && b->base < base + size)
			reason = "RAM banks overlap";
	}
	if (reason) {
		if (why)
			*why = reason;
		return -1;
	}
	/* Keep banks sorted by base so enumeration order is deterministic. */
	size_t pos = mem->nbanks;
	while (pos > 0 && mem->banks[pos - 1].base > base) {
		mem->banks[pos] = mem->banks[pos - 1];
		pos--;
	}
	mem->banks[pos] = (struct physmem_bank){base, size};
	mem->nbanks++;
	return 0;
}

size_t physmem_bank_count(const struct physmem *mem)
{
	return mem->nbanks;
}

struct physmem_bank physmem_bank_at(const struct physmem *mem, size_t index)
{
	return index < mem->nbanks ? mem->banks[index] : (struct physmem_bank){0, 0};
}

static bool in_bank(const struct physmem_bank *b, uint64_t pa, uint64_t size)
{
	return pa >= b->base && pa - b->base < b->size && size <= b->size - (pa - b->base);
}

bool physmem_is_ram(const struct physmem *mem, uint64_t pa, uint64_t size)
{
	struct lookup_cache *cache = mem->cache;
	if (cache->bank < mem->nbanks && in_bank(&mem->banks[cache->bank], pa, size))
		return true;
	for (size_t i = 0; i < mem->nbanks; i++) {
		if (in_bank(&mem->banks[i], pa, size)) {
			cache->bank = i;
			return true;
		}
	}
	return false;
}

static size_t slot_hash(uint64_t chunk_pa, size_t nslots)
{
	uint64_t h = (chunk_pa >> 16) * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32) & (nslots - 1);
}

static struct chunk *lookup(const struct physmem *mem, uint64_t chunk_pa)
{
	struct lookup_cache *cache = mem->cache;
	if (cache->chunk && cache->generation == mem->generation && cache->chunk_pa == chunk_pa)
		return cache->chunk;
	if (!mem->nslots)
		return NULL;
	for (size_t i = slot_hash(chunk_pa, mem->nslots);; i = (i + 1) & (mem->nslots - 1)) {
		const struct slot *s = &mem->slots[i];
		if (s->generation != mem->generation)
			return NULL;
		if (mem->chunks[s->chunk].pa == chunk_pa) {
			*cache = (struct lookup_cache){chunk_pa, &mem->chunks[s->chunk],
						       mem->generation, cache->bank};
			return cache->chunk;
		}
	}
}

static void insert_slot(struct physmem *mem, uint32_t index)
{
	size_t i = slot_hash(mem->chunks[index].pa, mem->nslots);
	while (mem->slots[i].generation == mem->generation)
		i = (i + 1) & (mem->nslots - 1);
	mem->slots[i] = (struct slot){mem->generation, index};
}

static bool grow_slots(struct physmem *mem)
{
	size_t nslots = mem->nslots ? mem->nslots * 2 : 256;
	struct slot *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return false;
	free(mem->slots);
	mem->slots = slots;
	mem->nslots = nslots;
	for (uint32_t i = 0; i < mem->used; i++)
		insert_slot(mem, i);
	return true;
}

static struct chunk *get_chunk(struct physmem *mem, uint64_t chunk_pa)
{
	struct chunk *c = lookup(mem, chunk_pa);
	if (c)
		return c;
	if (mem->used == MAX_CHUNKS)
		return NULL;
	if ((mem->used + 1) * 2 > mem->nslots && !grow_slots(mem))
		return NULL;
	if (mem->used == mem->allocated) {
		size_t n = mem->allocated ? mem->allocated * 2 : 16;
		struct chunk *chunks = realloc(mem->chunks, n * sizeof(*chunks));
		if (!chunks)
			return NULL;
		memset(chunks + mem->allocated, 0, (n - mem->allocated) * sizeof(*chunks));
		mem->chunks = chunks;
		mem->cache->chunk = NULL; /* it pointed into the old array */
		mem->allocated = n;
	}
	c = &mem->chunks[mem->used];
	if (!c->host) {
		size_t slab = mem->used / SLAB_CHUNKS;
		if (slab == mem->nslabs) {
			mem->slabs[slab] = aligned_alloc(PHYSMEM_PAGE, SLAB_CHUNKS * PHYSMEM_CHUNK);
			if (!mem->slabs[slab])
				return NULL;
			mem->nslabs++;
		}
		c->host = mem->slabs[slab] + (mem->used % SLAB_CHUNKS) * PHYSMEM_CHUNK;
	}
	c->pa = chunk_pa;
	c->live = 0;
	c->dirty = 0;
	c->exposed = false;
	insert_slot(mem, (uint32_t)mem->used++);
	return c;
}

/* Every write path calls this for each page it touches. */
static void make_live(struct chunk *c, unsigned page)
{
	if (!(c->live & (1u << page))) {
		memset(c->host + page * PHYSMEM_PAGE, 0, PHYSMEM_PAGE);
		c->live |= (uint16_t)(1u << page);
	}
	c->dirty |= (uint16_t)(1u << page);
}

/* Calls fn on each piece of [pa, pa+len) that stays within one 4K page. */
#define FOR_EACH_PIECE(pa, len, piece_pa, piece_len)                                               \
	for (uint64_t piece_pa = (pa), end_ = (pa) + (len), piece_len;                             \
	     piece_pa < end_ &&                                                                    \
	     (piece_len = (PHYSMEM_PAGE - (piece_pa & (PHYSMEM_PAGE - 1))),                        \
	     piece_len = piece_len < end_ - piece_pa ? piece_len : end_ - piece_pa, 1);            \
	     piece_pa += piece_len)

bool physmem_read(const struct physmem *mem, uint64_t pa, void *buf, size_t len)
{
	if (!physmem_is_ram(mem, pa, len))
		return false;
	uint8_t *out = buf;
	FOR_EACH_PIECE(pa, len, at, n)
	{
		const struct chunk *c = lookup(mem, at & ~(PHYSMEM_CHUNK - 1));
		unsigned page = (unsigned)((at & (PHYSMEM_CHUNK - 1)) / PHYSMEM_PAGE);
		if (c && (c->live & (1u << page)))
			memcpy(out, c->host + (at & (PHYSMEM_CHUNK - 1)), n);
		else
			memset(out, 0, n);
		out += n;
	}
	return true;
}

bool physmem_write(struct physmem *mem, uint64_t pa, const void *buf, size_t len)
{
	if (!physmem_is_ram(mem, pa, len))
		return false;
	mem->writes++;
	const uint8_t *in = buf;
	FOR_EACH_PIECE(pa, len, at, n)
	{
		struct chunk *c = get_chunk(mem, at & ~(PHYSMEM_CHUNK - 1));
		if (!c)
			return false;
		make_live(c, (unsigned)((at & (PHYSMEM_CHUNK - 1)) / PHYSMEM_PAGE));
		if (in) {
			memcpy(c->host + (at & (PHYSMEM_CHUNK - 1)), in, n);
			in += n;
		} else {
			memset(c->host + (at & (PHYSMEM_CHUNK - 1)), 0, n);
		}
	}
	return true;
}

bool physmem_zero(struct physmem *mem, uint64_t pa, uint64_t len)
{
	return physmem_write(mem, pa, NULL, len);
}

bool physmem_read64(const struct physmem *mem, uint64_t pa, uint64_t *value)
{
	/* Fast path: an aligned word inside one live page. */
	if ((pa & 7) == 0 && physmem_is_ram(mem, pa, 8)) {
		const struct chunk *c = lookup(mem, pa & ~(PHYSMEM_CHUNK - 1));
		unsigned page = (unsigned)((pa & (PHYSMEM_CHUNK - 1)) / PHYSMEM_PAGE);
		if (c && (c->live & (1u << page)))
			*value = physmem_load64(c->host + (pa & (PHYSMEM_CHUNK - 1)));
		else
			*value = 0;
		return true;
	}
	return physmem_read(mem, pa, value, 8);
}

const void *physmem_view(const struct physmem *mem, uint64_t pa, size_t len)
{
	uint64_t offset = pa & (PHYSMEM_CHUNK - 1);

	if (len == 0 || len > PHYSMEM_CHUNK - offset || !physmem_is_ram(mem, pa, len))
		return NULL;
	const struct chunk *c = lookup(mem, pa - offset);
	if (!c)
		return NULL;
	unsigned first_page = (unsigned)(offset / PHYSMEM_PAGE);
	unsigned last_page = (unsigned)((offset + len - 1) / PHYSMEM_PAGE);
	/* Bits first_page..last_page; untouched pages hold garbage, not zeros. */
	unsigned pages = ((2u << last_page) - 1) & ~((1u << first_page) - 1);
	if ((c->live & pages) != pages)
		return NULL;
	return c->host + offset;
}

bool physmem_write64(struct physmem *mem, uint64_t pa, uint64_t value)
{
	/* Fast path, as physmem_write() does it for an aligned word (which
	 * lies in one page): builders write descriptors one by one. */
	if ((pa & 7) == 0 && physmem_is_ram(mem, pa, 8)) {
		mem->writes++;
		struct chunk *c = get_chunk(mem, pa & ~(PHYSMEM_CHUNK - 1));
		if (!c)
			return false;
		make_live(c, (unsigned)((pa & (PHYSMEM_CHUNK - 1)) / PHYSMEM_PAGE));
		*(bytes64 *)(c->host + (pa & (PHYSMEM_CHUNK - 1))) = value;
		return true;
	}
	return physmem_write(mem, pa, &value, 8);
}

void *physmem_chunk(struct physmem *mem, uint64_t pa)
{
	if (!physmem_is_ram(mem, pa, 1))
		return NULL;
	struct chunk *c = get_chunk(mem, pa & ~(PHYSMEM_CHUNK - 1));
	if (!c)
		return NULL;
	for (unsigned page = 0; page < PAGES_PER_CHUNK; page++)
		make_live(c, page);
	if (!c->exposed)
		mem->copy->exposed++;
	c->exposed = true;
	return c->host;
}

static int by_pa(const void *a, const void *b)
{
	uint64_t x = (*(const struct chunk *const *)a)->pa,
		 y = (*(const struct chunk *const *)b)->pa;
	return x < y ? -1 : x > y;
}

void physmem_for_each_chunk(const struct physmem *mem, void (*fn)(void *ctx, uint64_t pa),
			    void *ctx)
{
	if (!mem->used)
		return;
	const struct chunk **order = malloc(mem->used * sizeof(*order));
	if (!order)
		return;
	for (size_t i = 0; i < mem->used; i++)
		order[i] = &mem->chunks[i];
	qsort(order, mem->used, sizeof(*order), by_pa);
	for (size_t i = 0; i < mem->used; i++)
		fn(ctx, order[i]->pa);
	free(order);
}

size_t physmem_host_bytes(const struct physmem *mem)
{
	return mem->nslabs * SLAB_CHUNKS * PHYSMEM_CHUNK + mem->nslots * sizeof(struct slot);
}

/* Pages of c that may differ from the last copy made of its memory. */
static uint16_t changed_pages(const struct chunk *c)
{
	return c->exposed ? c->live : c->dirty;
}

static bool is_current_mirror(const struct physmem *dst, const struct physmem *src)
{
	return dst->copy->mirror.src == src && dst->copy->mirror.src_copy == src->copy->copies &&
	       dst->copy->mirror.src_generation == src->generation &&
	       dst->copy->mirror.generation == dst->generation &&
	       dst->copy->mirror.writes == dst->writes && !dst->copy->exposed;
}

static bool copy_pages(struct physmem *dst, const struct chunk *from, uint16_t pages)
{
	struct chunk *to = get_chunk(dst, from->pa);
	if (!to)
		return false;
	for (unsigned page = 0; page < PAGES_PER_CHUNK; page++)
		if (pages & from->live & (1u << page))
			memcpy(to->host + page * PHYSMEM_PAGE, from->host + page * PHYSMEM_PAGE,
			       PHYSMEM_PAGE);
	to->live = from->live;
	return true;
}

bool physmem_copy(struct physmem *dst, const struct physmem *src)
{
	/* Bringing the last copy up to date needs only the pages written
	 * since: the judge snapshots the tables before every overlapping op,
	 * and they grow to megabytes. */
	bool incremental = is_current_mirror(dst, src);
	if (!incremental)
		physmem_reset(dst);
	memcpy(dst->banks, src->banks, sizeof(src->banks));
	dst->nbanks = src->nbanks;
	for (size_t i = 0; i < src->used; i++) {
		const struct chunk *from = &src->chunks[i];
		uint16_t pages = incremental ? changed_pages(from) : from->live;
		if (pages && !copy_pages(dst, from, pages)) {
			physmem_reset(dst);
			dst->copy->mirror.src = NULL;
			return false;
		}
	}
	/* The dirty bits now count from this copy (bookkeeping of src, whose
	 * contents the copy does not change). */
	for (size_t i = 0; i < src->used; i++)
		src->chunks[i].dirty = 0;
	src->copy->copies++;
	/* dst changed without its own dirty bits knowing: no copy made of
	 * dst may be brought up to date from them any more. */
	dst->copy->copies++;
	dst->copy->mirror.src = src;
	dst->copy->mirror.src_copy = src->copy->copies;
	dst->copy->mirror.src_generation = src->generation;
	dst->copy->mirror.generation = dst->generation;
	dst->copy->mirror.writes = dst->writes;
	return true;
}

/* First differing byte of two pages, or -1. */
static int page_differs(const struct physmem *a, const struct physmem *b, uint64_t pa)
{
	static uint8_t x[PHYSMEM_PAGE], y[PHYSMEM_PAGE];
	physmem_read(b, pa, y, PHYSMEM_PAGE);
	if (!physmem_read(a, pa, x, PHYSMEM_PAGE))
		memset(x, 0, PHYSMEM_PAGE);
	if (!memcmp(x, y, PHYSMEM_PAGE))
		return -1;
	for (int i = 0;; i++)
		if (x[i] != y[i])
			return i;
}

/* Compares b's changed pages (all, unless a is b's current mirror) of one
 * chunk; true at the first difference. */
static bool chunk_differs(const struct physmem *a, const struct physmem *b, const struct chunk *c,
			  bool mirror, uint64_t *where)
{
	uint16_t pages = mirror ? changed_pages(c) : 0xffff;
	for (unsigned page = 0; page < PAGES_PER_CHUNK; page++) {
		uint64_t pa = c->pa + page * PHYSMEM_PAGE;
		if (!(pages & (1u << page)) || !physmem_is_ram(b, pa, PHYSMEM_PAGE))
			continue;
		int at = page_differs(a, b, pa);
		if (at >= 0) {
			*where = pa + (uint64_t)at;
			return true;
		}
	}
	return false;
}

bool physmem_differs(const struct physmem *a, const struct physmem *b, uint64_t *where)
{
	*where = 0;
	bool mirror = is_current_mirror(a, b);
	const struct chunk **order = b->used ? malloc(b->used * sizeof(*order)) : NULL;
	if (!order) { /* no host memory to sort: still exact, *where maybe not the lowest */
		for (size_t i = 0; i < b->used; i++)
			if (chunk_differs(a, b, &b->chunks[i], mirror, where))
				return true;
		return false;
	}
	size_t n = 0;
	for (size_t i = 0; i < b->used; i++)
		if (!mirror || changed_pages(&b->chunks[i]))
			order[n++] = &b->chunks[i];
	qsort(order, n, sizeof(*order), by_pa);
	bool differs = false;
	for (size_t i = 0; i < n && !differs; i++)
		differs = chunk_differs(a, b, order[i], mirror, where);
	free(order);
	return differs;
}

uint64_t physmem_write_count(const struct physmem *mem)
{
	return mem->writes;
}
