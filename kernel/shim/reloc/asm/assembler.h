/* Shim for relocate_kernel.S: pgdfuzz's own versions of the arm64 assembler
 * macros the routine uses, written from what each is specified to do (the
 * kernel's are not copied). The routine's own instructions, its use of the
 * kimage and the order of its steps are what the harness tests; these
 * macros are the machine they run on. Configuration: 48-bit PAs and VAs (no
 * TTBR1 offset for 52-bit VAs), no Falkor E1041 workaround. */

#include <asm/page.h>

/* mov_q reg, val: a 64-bit constant, 16 bits at a time. */
.macro mov_q, reg, val
	movz	\reg, #((\val) & 0xffff)
	movk	\reg, #(((\val) >> 16) & 0xffff), lsl #16
	movk	\reg, #(((\val) >> 32) & 0xffff), lsl #32
	movk	\reg, #(((\val) >> 48) & 0xffff), lsl #48
.endm

/* raw_dcache_line_size reg, tmp: the smallest D-cache line in bytes,
 * 4 << CTR_EL0.DminLine. */
.macro raw_dcache_line_size, reg, tmp
	mrs	\tmp, ctr_el0
	ubfx	\tmp, \tmp, #16, #4
	mov	\reg, #4
	lsl	\reg, \reg, \tmp
.endm

/* phys_to_ttbr ttbr, phys: with 48-bit PAs a table address is its TTBR
 * value (no BADDR[51:48] to fold in). */
.macro phys_to_ttbr, ttbr, phys
	mov	\ttbr, \phys
.endm

/* offset_ttbr1 ttbr, tmp: only needed for 52-bit VAs on 48-bit hardware. */
.macro offset_ttbr1, ttbr, tmp
.endm

/* break_before_make_ttbr_switch zero_page, page_table, tmp, tmp2: point
 * TTBR1 at an empty table, drop every TLB entry, then install page_table
 * (break-before-make for the whole TTBR1 range). */
.macro break_before_make_ttbr_switch, zero_page, page_table, tmp, tmp2
	phys_to_ttbr \tmp, \zero_page
	msr	ttbr1_el1, \tmp
	isb
	tlbi	vmalle1
	dsb	nsh
	phys_to_ttbr \tmp, \page_table
	offset_ttbr1 \tmp, \tmp2
	msr	ttbr1_el1, \tmp
	isb
.endm

/* copy_page dest, src, t1..t8: copy one page; dest and src end one page
 * further on. Runs until src is page aligned again, so src must start
 * page aligned (as the kernel's does). */
.macro copy_page, dest, src, t1, t2, t3, t4, t5, t6, t7, t8
9998:	ldp	\t1, \t2, [\src], #16
	ldp	\t3, \t4, [\src], #16
	ldp	\t5, \t6, [\src], #16
	ldp	\t7, \t8, [\src], #16
	stp	\t1, \t2, [\dest], #16
	stp	\t3, \t4, [\dest], #16
	stp	\t5, \t6, [\dest], #16
	stp	\t7, \t8, [\dest], #16
	tst	\src, #(PAGE_SIZE - 1)
	b.ne	9998b
.endm

/* dcache_by_myline_op op, domain, start, end, linesz, tmp[, fixup]: DC op
 * on every line of [start, end) (start rounded down to a line), then a DSB
 * of the domain. start is consumed. */
.macro dcache_by_myline_op, op, domain, start, end, linesz, tmp, fixup
	sub	\tmp, \linesz, #1
	bic	\start, \start, \tmp
9997:	dc	\op, \start
	add	\start, \start, \linesz
	cmp	\start, \end
	b.lo	9997b
	dsb	\domain
.endm

/* pre_disable_mmu_workaround: only Falkor E1041 needs an ISB here. */
.macro pre_disable_mmu_workaround
.endm
