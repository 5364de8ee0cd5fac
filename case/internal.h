/* case: helpers shared by the module's own files (not public). */
#ifndef PGDFUZZ_CASE_INTERNAL_H
#define PGDFUZZ_CASE_INTERNAL_H

#include "case.h"

#define CASE_PA_LIMIT	     (1ULL << 52)
#define CASE_PA_BITS_CHOICES 8

/* 0 (meaning 48), then the legal IPS sizes. */
extern const unsigned case_pa_bits_table[CASE_PA_BITS_CHOICES];

unsigned case_page_shift(unsigned granule);

/* Cut op's range after `limit` estimated leaves; true if it was cut. */
bool case_op_truncate(const struct pgd_config *geometry, struct case_op *op, uint64_t limit);

/* The RAM part of case_fold (the decoder folds banks as it reads them). */
void case_fold_banks(struct pgd_case *c);

#endif
