/* pgdfuzz's own kexec relocation routine, with the guest prologue in front.
 *
 * One position-independent blob, entered at offset 0 at EL1:
 *
 * Prologue (installs the translation regime as a kernel would, because
 * Unicorn 2.0.1 does not flush its TLB on host-side register writes):
 *   x20 MAIR_EL1, x21 TCR_EL1, x22 TTBR0_EL1, x23 TTBR1_EL1, x24 SCTLR_EL1
 *
 * Relocation (kimage entry list walk, then MMU off and branch):
 *   x0 head entry (IND_INDIRECTION | PA of the first list page)
 *   x1 entry PA of the new image     x2 dtb PA
 *   x3 phys_offset: VA = PA - x3 for every list address (0 for an idmap)
 *   x4 TTBR1 to switch to (0: keep TTBR1)
 *   x5 TTBR1 value of the zero page used for break-before-make
 *   x6 SCTLR_EL1 value with the MMU off
 *   x7 page size of the list (the granule)
 *   x8 another routine to branch to once the prologue is done (0: this
 *      one); it gets x0 unchanged
 *
 * Exit: x0 = dtb, x1..x3 = 0, MMU off, PC = entry.
 * Only local labels: the assembler resolves every branch, so the blob
 * needs no relocations.
 */
	.text
	.p2align 12

	msr	mair_el1, x20
	msr	tcr_el1, x21
	msr	ttbr0_el1, x22
	msr	ttbr1_el1, x23
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	msr	sctlr_el1, x24
	isb

	/* From here on instructions are fetched through the new regime, so
	 * this page must be identity mapped (or the MMU off). */
	cbz	x4, .Lttbr1_ready
	/* Break-before-make: no TLB entry from the old TTBR1 may survive
	 * while the new tables are live. */
	msr	ttbr1_el1, x5
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	msr	ttbr1_el1, x4
	isb
.Lttbr1_ready:
	cbz	x8, .Lown_routine
	br	x8
.Lown_routine:
	/* Smallest D-cache line, for cleaning each copied page to PoC. */
	mrs	x21, ctr_el0
	ubfx	x21, x21, #16, #4
	mov	x22, #4
	lsl	x22, x22, x21

	sub	x15, x7, #1		/* flag bits live below the page size */
	mov	x16, x0			/* current entry */
	mov	x13, xzr		/* destination VA: none yet */
	mov	x14, xzr		/* list cursor VA */

.Lnext_entry:
	tbnz	x16, #2, .Ldone		/* IND_DONE */
	bic	x17, x16, x15
	sub	x17, x17, x3		/* PA -> VA */
	tbnz	x16, #3, .Lsource	/* IND_SOURCE */
	tbnz	x16, #1, .Lindirection	/* IND_INDIRECTION */
	tbnz	x16, #0, .Ldestination	/* IND_DESTINATION */
	b	.Lload_next

.Ldestination:
	mov	x13, x17
	b	.Lload_next

.Lindirection:
	mov	x14, x17
	b	.Lload_next

.Lsource:
	/* Copy one page; x13 advances to the next destination page. */
	mov	x9, x7
.Lcopy:
	ldp	x10, x11, [x17], #16
	ldp	x12, x19, [x17], #16
	stp	x10, x11, [x13], #16
	stp	x12, x19, [x13], #16
	subs	x9, x9, #32
	b.ne	.Lcopy
	/* The new image runs with the MMU and caches off. */
	sub	x20, x13, x7
.Lclean:
	dc	civac, x20
	add	x20, x20, x22
	cmp	x20, x13
	b.lo	.Lclean
	dsb	sy

.Lload_next:
	ldr	x16, [x14], #8
	b	.Lnext_entry

.Ldone:
	dsb	nsh
	ic	iallu
	dsb	nsh
	isb
	/* Works because this page is identity mapped: the next fetch uses the
	 * same address with translation off. */
	msr	sctlr_el1, x6
	isb
	mov	x17, x1
	mov	x0, x2
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x17
