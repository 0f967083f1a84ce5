// SPDX-License-Identifier: GPL-2.0
/* 6.13, and stable backports: resize rings with bottom halves disabled. */
#include <linux/ptr_ring.h>

static int __used probe_resize(struct ptr_ring **rings, unsigned int n)
{
	return ptr_ring_resize_multiple_bh(rings, n, 1, GFP_KERNEL, NULL);
}
