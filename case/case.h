/* case: one pgdfuzz test case, and its two encodings.
 *
 * A case is everything one harness run needs: the geometry, the RAM layout,
 * a sequence of builder operations, an optional kexec image and, for the
 * walker harness, a "descriptor soup" (registers, raw memory writes, probe
 * VAs). It is one plain struct with fixed-size arrays, so decoding never
 * allocates and every case is bounded.
 *
 * Text form (for people; see case_parse_text): line-based, `#` comments,
 * numbers in hex (0x...) or decimal with an optional binary K/M/G/T suffix.
 *
 *   harness builder|idmap|reloc|walker
 *   geometry granule=4k va_bits=39 [levels=N] [root_entries=N] [pa_bits=N] [lpa2]
 *            [half=upper|lower]
 *   ram base=ADDR size=SIZE
 *   map va=ADDR pa=ADDR size=SIZE [prot=PROT] [flags=no_block,no_cont,no_exec]
 *   update va=ADDR size=SIZE prot=PROT
 *   idmap pa=ADDR size=SIZE [prot=PROT] [flags=...]
 *   copy
 *   alloc fail_at=N
 *   kexec strategy=mmu-off|idmap|linear|all [entry=ADDR] [dtb=ADDR]
 *   segment src=ADDR dst=ADDR size=SIZE
 *   regs [tcr=V] [ttbr0=V] [ttbr1=V] [mair=V] [sctlr=V]
 *   features [pa_bits=N] [lpa] [lpa2] [hpds] [hafdbs]
 *   write pa=ADDR value=V
 *   probe va=ADDR
 *
 * PROT is kernel, ro, rox, exec, device (core's PGD_PROT_*) or a raw 0x
 * value, optionally `|ng`; terms are ORed and masked with PGD_PROT_MASK.
 * The printer writes a preset name whenever the prot equals one (with |ng),
 * raw hex otherwise, so parse -> print -> parse is a fixed point.
 *
 * Binary form (for fuzzers; see case_decode): EVERY byte string decodes to a
 * case that satisfies the bounds below. Values are read with a selector byte:
 * selector 0 is a literal full-width value (what case_encode writes), other
 * selectors build "interesting" values (block/contiguous-aligned addresses,
 * RAM above the VA range, top of the PA space, ...). The result is then
 * passed through case_fold(), which is the identity on in-bounds cases. So
 * text -> binary -> text round-trips exactly for every case the parser
 * accepts (the parser rejects out-of-bounds cases with a message).
 */
#ifndef PGDFUZZ_CASE_H
#define PGDFUZZ_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pgd.h"

/* ---- Bounds (documented caps; case_fold enforces all of them) ---------- */

#define CASE_MAX_BANKS	  8  /* RAM banks; physmem takes up to 16 */
#define CASE_MAX_OPS	  32 /* map/update/idmap/copy operations */
#define CASE_MAX_SEGMENTS 16 /* kexec segments */
#define CASE_MAX_WRITES	  64 /* walker raw descriptor writes */
#define CASE_MAX_PROBES	  32 /* walker probe VAs */

/* Work budget: the leaf descriptors all ops may need, estimated
 * conservatively (blocks only at L2, and at L1 for 4K, never above the
 * start level; no_block means pages). A copy costs the leaves mapped before
 * it. 16384 leaves is two full 64K last-level tables, or a 1 TiB map of
 * 4K/1G or 64K/512M blocks, and keeps one case well under a millisecond. */
#define CASE_MAX_LEAVES 16384
/* kexec: total pages copied by relocation, over all segments. */
#define CASE_MAX_KEXEC_PAGES 64

/* Field ranges:
 * - geometry.granule 4096/16384/65536; va_bits 25..52; levels 0..5;
 *   root_entries 0 or a power of two up to 65536; pa_bits 0 (meaning 48) or
 *   32,36,40,42,44,48,52 (also features.pa_bits).
 * - banks: base and size 4 KiB aligned, size > 0, base + size <= 2^52, no
 *   two banks overlap.
 * - ops: prot within PGD_PROT_MASK, flags within PGD_NO_*; fields a kind
 *   does not use are 0 (update: no pa/flags; idmap: no va; copy: nothing);
 *   va/pa/size are otherwise free (core rejects bad ones: that is tested).
 * - segments: src, dst, size granule aligned, size > 0, below 2^52.
 * - writes: pa 8-byte aligned and below 2^52.
 * - array entries past the count are all-zero, and a struct produced by this
 *   module starts from zeroed memory, so memcmp() compares cases. */

/* ---- The case ---------------------------------------------------------- */

enum case_harness {
	CASE_HARNESS_BUILDER,
	CASE_HARNESS_IDMAP,
	CASE_HARNESS_RELOC,
	CASE_HARNESS_WALKER,
	CASE_HARNESS_COUNT
};

enum case_op_kind {
	CASE_OP_MAP,	/* pgd_map(va, pa, size, prot, flags) */
	CASE_OP_UPDATE, /* pgd_update(va, size, prot) */
	CASE_OP_IDMAP,	/* one range [pa, pa+size) for pgd_create_idmap */
	CASE_OP_COPY,	/* pgd_copy of the tree built so far */
	CASE_OP_COUNT
};

enum case_reloc_strategy {
	CASE_RELOC_MMU_OFF, /* copy with the MMU off */
	CASE_RELOC_IDMAP,   /* copy through an identity map */
	CASE_RELOC_LINEAR,  /* copy through a linear-map copy (Linux's way) */
	CASE_RELOC_ALL,	    /* run all three and compare */
	CASE_RELOC_COUNT
};

struct case_range {
	uint64_t base, size;
};

struct case_op {
	enum case_op_kind kind;
	unsigned flags; /* PGD_NO_BLOCK | PGD_NO_CONT | PGD_NO_EXEC */
	uint64_t va, pa, size;
	uint64_t prot; /* leaf attribute bits, within PGD_PROT_MASK */
};

struct case_segment {
	uint64_t src, dst, size;
};

struct case_write {
	uint64_t pa, value;
};

struct pgd_case {
	enum case_harness harness;
	struct pgd_config geometry;
	bool upper; /* build into the TTBR1 half; default: builder yes, others no */

	struct case_range banks[CASE_MAX_BANKS];
	unsigned n_banks;

	struct case_op ops[CASE_MAX_OPS];
	unsigned n_ops;

	/* 0: never. N: the Nth allocation (1-based) and all later ones fail,
	 * i.e. pgd_failing_ops(..., N - 1). */
	uint32_t fail_alloc_at;

	struct {
		bool present;
		enum case_reloc_strategy strategy;
		uint64_t entry, dtb;
		struct case_segment segments[CASE_MAX_SEGMENTS];
		unsigned n_segments;
	} kexec;

	struct {
		struct pgd_regs regs; /* tcr, ttbr0, ttbr1, mair, sctlr */
		struct {
			unsigned pa_bits; /* PAMax; 0 means 48 */
			bool lpa, lpa2, hpds, hafdbs;
		} features;
		struct case_write writes[CASE_MAX_WRITES];
		unsigned n_writes;
		uint64_t probes[CASE_MAX_PROBES]; /* VAs to translate */
		unsigned n_probes;
	} walker;
};

/* ---- API --------------------------------------------------------------- */

/* Parse text. On success returns 0 and fills *out. On error returns -1,
 * leaves *out all-zero and writes "file:line: message" into err. filename is
 * only used in messages. */
int case_parse_text(const char *text, size_t len, const char *filename, struct pgd_case *out,
		    char *err, size_t err_len);

/* Canonical text form. */
void case_print_text(FILE *out, const struct pgd_case *c);

/* Binary form. Returns the encoded size; if it exceeds cap, nothing past cap
 * is written (call with cap 0 to size a buffer). CASE_ENCODED_MAX bytes
 * always suffice. */
size_t case_encode(const struct pgd_case *c, uint8_t *buf, size_t cap);
#define CASE_BIN_MAGIC	 0xc5 /* first byte: format version 1 */
#define CASE_ENCODED_MAX 8192

/* Never fails: any bytes give an in-bounds case. Deterministic. */
void case_decode(const uint8_t *data, size_t size, struct pgd_case *out);

/* Harness named by an encoded input (its magic and harness bytes), or
 * CASE_HARNESS_COUNT when the input does not start with the magic. */
enum case_harness case_detect_harness(const uint8_t *data, size_t size);

/* Bring any case within the bounds above; the identity on in-bounds cases. */
void case_fold(struct pgd_case *c);
/* True if case_fold would not change c. */
bool case_in_bounds(const struct pgd_case *c);

/* Estimated leaf descriptors one op needs (see CASE_MAX_LEAVES). */
uint64_t case_op_leaves(const struct pgd_config *geometry, const struct case_op *op);

const char *case_harness_name(enum case_harness harness);
const char *case_op_name(enum case_op_kind kind);
const char *case_strategy_name(enum case_reloc_strategy strategy);

/* ---- Files -------------------------------------------------------------- */

/* Results: 0, CASE_IO_ERROR (message "path: reason"), or CASE_MALFORMED
 * (message "file:line: message"). Writers replace a regular file or a new
 * path atomically (temp file + rename), so an output is never half-written;
 * a symlink's target is written (the link stays), a device or FIFO is
 * written through (errors reported), a directory is refused. */
#define CASE_IO_ERROR  1
#define CASE_MALFORMED 2
#define CASE_MAX_FILE  (1u << 20) /* bytes; a file of exactly 1 MiB is accepted */

/* Whole file (at most CASE_MAX_FILE bytes) into a malloc'd buffer. */
int case_read_file(const char *path, uint8_t **data, size_t *size, char *err, size_t err_len);
/* A case file: binary if and only if it starts with CASE_BIN_MAGIC, text
 * otherwise (a stray byte in a text case is a file:line error); an empty
 * file is refused. *was_text may be NULL. */
int case_load(const char *path, struct pgd_case *out, bool *was_text, char *err, size_t err_len);
/* A fuzzer input (a libFuzzer or AFL++ crash file, any bytes): decoded as
 * the harness binaries decode it, with the harness forced. */
int case_load_fuzzer_input(const char *path, enum case_harness harness, struct pgd_case *out,
			   char *err, size_t err_len);
int case_write_file(const char *path, const void *data, size_t len, char *err, size_t err_len);
int case_save_binary(const char *path, const struct pgd_case *c, char *err, size_t err_len);
/* path NULL writes to stdout. */
int case_save_text(const char *path, const struct pgd_case *c, char *err, size_t err_len);

/* ---- Data producer (shared by the decoder and the harnesses) ----------- */

/* Reads the input front to back; once exhausted every read returns 0. */
struct case_data {
	const uint8_t *data;
	size_t size, pos;
};
void case_data_init(struct case_data *d, const uint8_t *data, size_t size);
bool case_data_empty(const struct case_data *d);
uint8_t case_data_u8(struct case_data *d);
uint64_t case_data_u64(struct case_data *d); /* 8 bytes, little-endian */
/* A value in [lo, hi] from as few bytes as the range needs (identity on
 * lo + byte value when in range, so an encoder can write it back). */
uint64_t case_data_range(struct case_data *d, uint64_t lo, uint64_t hi);

#endif
