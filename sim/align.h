/* align.h - a pointer rounded up to a boundary.
 *
 * For arrays whose elements must each sit in one cache line (runqslower's
 * task table, the hash map's entries): allocate `align - 1` bytes of slack
 * with malloc/calloc/realloc, keep that pointer for free(), and index from
 * align_up(it, align).
 */
#ifndef BPFSIM_ALIGN_H
#define BPFSIM_ALIGN_H

#include <stddef.h>
#include <stdint.h>

/* p rounded up to the next multiple of align (a power of two). */
static inline void *align_up(void *p, size_t align)
{
	return (char *)p + (-(uintptr_t)p & (align - 1));
}

#endif
