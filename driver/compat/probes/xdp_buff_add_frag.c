// SPDX-License-Identifier: GPL-2.0
/* 6.14: a driver attaches a frag to an XDP buffer with one call. */
#include <net/xdp.h>

static bool __used probe_xdp_buff_add_frag(struct xdp_buff *xdp,
					   struct page *page)
{
	return xdp_buff_add_frag(xdp, page_to_netmem(page), 0, PAGE_SIZE,
				 PAGE_SIZE);
}
