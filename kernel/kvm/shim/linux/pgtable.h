/* pgdfuzz kvm shim: asm/stage2_pgtable.h includes <linux/pgtable.h> for the
 * generic page-table API, which pgtable.c does not use. */
