/* pgdfuzz kernel shim: nothing of <asm/pgalloc.h> is needed here. */
