/* Compiled once per configuration: trans_pgd_idmap_page() and trans_alloc()
 * as extract.sh took them from the user's trans_pgd.c (gen_trans.c, in the
 * build directory), plus a descriptor of this object. */
#include "gen_trans.c"

static void *glue_alloc_page(void *arg)
{
	(void)arg;
	return kernel_trans_env.alloc_page(kernel_trans_env.ctx);
}

static int call_idmap_page(uint64_t *ttbr0, unsigned long *t0sz, void *page)
{
	struct trans_pgd_info info = {.trans_alloc_page = glue_alloc_page};
	phys_addr_t ttbr = 0;
	int ret = trans_pgd_idmap_page(&info, &ttbr, t0sz, page);
	*ttbr0 = ttbr;
	return ret;
}

const struct kernel_trans KERNEL_OBJ = {
    .config = KERNEL_OBJ_CONFIG,
    .idmap_page = call_idmap_page,
};
