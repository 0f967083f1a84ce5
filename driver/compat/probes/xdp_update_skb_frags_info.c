// SPDX-License-Identifier: GPL-2.0
/*
 * Newer kernels: the frags of an skb built from XDP are accounted by
 * xdp_update_skb_frags_info(), which also clears destructor_arg (a union
 * with the XDP frag sizes from then on).
 */
#include <net/xdp.h>

static void __used probe_xdp_update_skb_frags_info(struct sk_buff *skb)
{
	xdp_update_skb_frags_info(skb, 1, PAGE_SIZE, PAGE_SIZE, 0);
}
