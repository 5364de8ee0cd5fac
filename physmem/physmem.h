/* Simulated physical memory: sparse RAM banks anywhere below 2^52.
 *
 * Host memory is allocated lazily in 64 KiB chunks and zero-filled per 4 KiB
 * page on first touch, so a layout spanning 2^52 costs only what it touches.
 * The page-table builder writes here; the reference walker and the emulator
 * read the same bytes. Descriptors are stored little-endian, as on arm64.
 */
#ifndef PGDFUZZ_PHYSMEM_H
#define PGDFUZZ_PHYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PHYSMEM_PA_LIMIT  (1ULL << 52)
#define PHYSMEM_PAGE	  4096ULL
#define PHYSMEM_CHUNK	  65536ULL
#define PHYSMEM_MAX_BANKS 16

struct physmem;

struct physmem_bank {
	uint64_t base;
	uint64_t size;
};

struct physmem *physmem_new(void);
void physmem_free(struct physmem *mem);

/* Forget all banks and contents but keep host memory for reuse: the fuzz
 * harnesses call this once per input. */
void physmem_reset(struct physmem *mem);

/* Add a RAM bank. base and size must be 4 KiB aligned, non-zero, below 2^52
 * and not overlapping another bank. Returns 0, or -1 with a reason in *why. */
int physmem_add_bank(struct physmem *mem, uint64_t base, uint64_t size, const char **why);
size_t physmem_bank_count(const struct physmem *mem);
struct physmem_bank physmem_bank_at(const struct physmem *mem, size_t index);

/* True if [pa, pa+size) lies inside one RAM bank. */
bool physmem_is_ram(const struct physmem *mem, uint64_t pa, uint64_t size);

/* Accessors fail (return false) outside RAM; reads of untouched RAM give 0. */
bool physmem_read64(const struct physmem *mem, uint64_t pa, uint64_t *value);
bool physmem_write64(struct physmem *mem, uint64_t pa, uint64_t value);
bool physmem_read(const struct physmem *mem, uint64_t pa, void *buf, size_t len);
bool physmem_write(struct physmem *mem, uint64_t pa, const void *buf, size_t len);
bool physmem_zero(struct physmem *mem, uint64_t pa, uint64_t len);

/* Read-only host pointer to the len bytes at pa, for scanning a whole page
 * table at once. Non-NULL only if [pa, pa+len) is RAM, lies in one 64 KiB
 * chunk and every 4 KiB page it touches has been written (so the bytes are
 * defined); otherwise NULL and the caller reads another way. Changes
 * nothing; valid until the next reset, and later writes show through it
 * (host bytes never move). */
const void *physmem_view(const struct physmem *mem, uint64_t pa, size_t len);

/* The 8-byte word at p, for reading descriptors out of a view: a plain
 * load (memcpy would be a checked library call per descriptor at the
 * sanitizer build's -O1). p must be 8-byte aligned, as descriptors are. */
static inline uint64_t physmem_load64(const void *p)
{
	typedef uint64_t word __attribute__((may_alias));
	return *(const word *)p;
}

/* Host pointer to the fully materialised 64 KiB chunk containing pa (which
 * must be RAM), for mapping into an emulator. Writes through it are visible
 * to every accessor above. NULL outside RAM or on allocation failure. */
void *physmem_chunk(struct physmem *mem, uint64_t pa);

/* Calls fn with the base PA of every chunk that holds host memory, in
 * ascending order. Use physmem_chunk() to get its materialised bytes. */
void physmem_for_each_chunk(const struct physmem *mem, void (*fn)(void *ctx, uint64_t pa),
			    void *ctx);

/* Make dst an exact copy of src (banks and contents), reusing dst's host
 * memory. Returns false if host memory ran out (dst is then reset). When
 * dst is the last copy made of src and neither was reset or dst written
 * since, only the pages src wrote since are copied (pages of chunks handed
 * out by physmem_chunk() always are). */
bool physmem_copy(struct physmem *dst, const struct physmem *src);

/* True if some RAM byte of b reads differently in a (where a is not RAM,
 * it reads as zero); *where is then the lowest such PA, else 0. When a is
 * the current copy of b (as physmem_copy() describes), only the pages b
 * wrote since are compared. */
bool physmem_differs(const struct physmem *a, const struct physmem *b, uint64_t *where);

/* Number of successful write calls since creation: lets a caller prove that
 * an operation wrote nothing. */
uint64_t physmem_write_count(const struct physmem *mem);

/* Host bytes currently held, for benchmarks and RSS bounds. */
size_t physmem_host_bytes(const struct physmem *mem);

#endif
