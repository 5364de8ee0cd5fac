/* Seeds against core: every seed's geometry passes pgd_geometry_init, its
 * RAM is accepted by physmem, builder seeds' maps run without EINVAL (only
 * the refusals they are written to provoke), idmap seeds build, kexec
 * segments and walker writes lie in RAM. Catches seeds that would test
 * nothing because of a typo. Usage: test_seeds_core CORPUS */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "physmem.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "CHECK(%s) failed: ", #cond);                              \
			fprintf(stderr, __VA_ARGS__);                                              \
			fprintf(stderr, "\n");                                                     \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static void check_builder(const char *path, const struct pgd_case *c, struct physmem *mem,
			  const struct pgd_geometry *geo)
{
	struct pgd_page_alloc pages;
	struct pgd_failing_alloc failing;
	struct pgd_mm_ops mm;
	struct pgd_tree tree;
	struct pgd_error err;

	pgd_page_alloc_init(&pages, mem, pgd_granule(geo));
	/* As the harnesses do: tables the walker can reach. */
	pgd_page_alloc_limit(&pages, 1ULL << geo->pa_bits);
	mm = pgd_page_alloc_ops(&pages);
	if (c->fail_alloc_at)
		mm = pgd_failing_ops(&failing, mm, c->fail_alloc_at - 1);
	if (pgd_tree_init(&tree, geo, mem, mm, c->upper, &err)) {
		CHECK(c->fail_alloc_at == 1, "%s: tree_init: %s", path, err.message);
		return;
	}
	for (unsigned i = 0; i < c->n_ops; i++) {
		const struct case_op *op = &c->ops[i];
		int rc = PGD_OK;

		if (op->kind == CASE_OP_MAP)
			rc = pgd_map(&tree, op->va, op->pa, op->size, op->prot, op->flags, &err);
		else if (op->kind == CASE_OP_UPDATE)
			rc = pgd_update(&tree, op->va, op->size, op->prot, &err);
		else
			continue;
		printf("  %s op %u: %s%s%s\n", path, i, pgd_status_name((enum pgd_status)rc),
		       rc ? " " : "", rc ? err.message : "");
		CHECK(rc != PGD_EINVAL && rc != PGD_EMEM, "%s: op %u: %s", path, i, err.message);
		CHECK(rc != PGD_ENOMEM || c->fail_alloc_at, "%s: op %u out of memory", path, i);
	}
}

static void check_idmap(const char *path, const struct pgd_case *c, struct physmem *mem,
			const struct pgd_geometry *geo)
{
	struct pgd_range ranges[CASE_MAX_OPS];
	struct pgd_page_alloc pages;
	struct pgd_failing_alloc failing;
	struct pgd_mm_ops mm;
	struct pgd_tree tree;
	struct pgd_regs regs;
	struct pgd_error err;
	size_t n = 0;
	char cls[32];
	int rc;

	for (unsigned i = 0; i < c->n_ops; i++)
		if (c->ops[i].kind == CASE_OP_IDMAP)
			ranges[n++] = (struct pgd_range){c->ops[i].pa, c->ops[i].size};
	CHECK(n > 0, "%s: no idmap ranges", path);
	pgd_page_alloc_init(&pages, mem, pgd_granule(geo));
	/* As the harnesses do: tables the walker can reach. */
	pgd_page_alloc_limit(&pages, 1ULL << geo->pa_bits);
	mm = pgd_page_alloc_ops(&pages);
	if (c->fail_alloc_at)
		mm = pgd_failing_ops(&failing, mm, c->fail_alloc_at - 1);
	rc = pgd_create_idmap(&tree, &regs, &c->geometry, mem, mm, ranges, n, c->ops[0].prot,
			      c->ops[0].flags, &err);
	if (rc == PGD_OK)
		pgd_geometry_class(&tree.geo, cls, sizeof(cls));
	printf("  %s: %s %s\n", path, pgd_status_name((enum pgd_status)rc), rc ? err.message : cls);
	CHECK(rc == PGD_OK || (rc == PGD_ENOMEM && c->fail_alloc_at), "%s: create_idmap: %s", path,
	      err.message);
}

static void check_seed(const char *path, const char *harness)
{
	struct pgd_geometry geo;
	struct pgd_error err;
	struct pgd_case c;
	struct physmem *mem;
	char msg[512], *text;
	FILE *f = fopen(path, "rb");
	long len;

	CHECK(f, "%s: cannot open", path);
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = malloc((size_t)len + 1);
	CHECK(fread(text, 1, (size_t)len, f) == (size_t)len, "%s: read", path);
	fclose(f);
	if (case_parse_text(text, (size_t)len, path, &c, msg, sizeof(msg))) {
		CHECK(0, "%s", msg);
		free(text);
		return;
	}
	free(text);
	CHECK(pgd_geometry_init(&geo, &c.geometry, &err) == PGD_OK, "%s: geometry: %s", path,
	      err.message);
	mem = physmem_new();
	for (unsigned i = 0; i < c.n_banks; i++) {
		const char *why = "";

		CHECK(physmem_add_bank(mem, c.banks[i].base, c.banks[i].size, &why) == 0,
		      "%s: bank %u: %s", path, i, why);
	}
	if (!strcmp(harness, "builder"))
		check_builder(path, &c, mem, &geo);
	if (!strcmp(harness, "idmap"))
		check_idmap(path, &c, mem, &geo);
	if (!strcmp(harness, "reloc")) {
		CHECK(c.kexec.present && c.kexec.n_segments, "%s: no kexec image", path);
		for (unsigned i = 0; i < c.kexec.n_segments; i++) {
			const struct case_segment *s = &c.kexec.segments[i];

			CHECK(physmem_is_ram(mem, s->src, s->size) &&
				  physmem_is_ram(mem, s->dst, s->size),
			      "%s: segment %u outside RAM", path, i);
		}
		CHECK(physmem_is_ram(mem, c.kexec.entry, 4) && physmem_is_ram(mem, c.kexec.dtb, 8),
		      "%s: entry or dtb outside RAM", path);
	}
	if (!strcmp(harness, "walker")) {
		CHECK(c.walker.n_writes && c.walker.n_probes, "%s: empty soup", path);
		for (unsigned i = 0; i < c.walker.n_writes; i++)
			CHECK(physmem_is_ram(mem, c.walker.writes[i].pa, 8),
			      "%s: write %u outside RAM", path, i);
	}
	physmem_free(mem);
}

int main(int argc, char **argv)
{
	static const char *const harnesses[] = {"builder", "idmap", "reloc", "walker"};
	int seeds = 0;

	if (argc != 2)
		return 2;
	for (size_t h = 0; h < 4; h++) {
		char dir[4096];
		struct dirent **names;
		int n;

		snprintf(dir, sizeof(dir), "%s/%s", argv[1], harnesses[h]);
		n = scandir(dir, &names, NULL, alphasort);
		CHECK(n >= 0, "cannot read %s", dir);
		for (int i = 0; i < n; i++) {
			size_t l = strlen(names[i]->d_name);
			char path[8192];

			if (l > 4 && !strcmp(names[i]->d_name + l - 4, ".txt")) {
				snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
				check_seed(path, harnesses[h]);
				seeds++;
			}
			free(names[i]);
		}
		if (n >= 0)
			free(names);
	}
	printf("%d seeds checked against core\n", seeds);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
