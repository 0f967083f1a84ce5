/* SPDX-License-Identifier: GPL-2.0 */
/* The internet checksum of test packets' headers, for selftests and bench. */
#ifndef VPAIR_CSUM_H
#define VPAIR_CSUM_H

#include <stddef.h>

/* RFC 1071 over @len bytes (even), folded and complemented. */
static inline unsigned short ip_csum(const void *data, size_t len)
{
	const unsigned short *p = data;
	unsigned int sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

#endif
