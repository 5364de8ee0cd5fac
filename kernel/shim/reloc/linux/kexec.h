/* Shim for relocate_kernel.S: the kimage entry flags (kexec's list ABI). */
#define IND_DESTINATION_BIT 0
#define IND_INDIRECTION_BIT 1
#define IND_DONE_BIT	    2
#define IND_SOURCE_BIT	    3
