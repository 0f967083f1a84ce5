// SPDX-License-Identifier: GPL-2.0
/* 6.5: enum xdp_rss_hash_type says what an RSS hash covers. */
#include <net/xdp.h>

static enum xdp_rss_hash_type __used probe_rss_type(void)
{
	return XDP_RSS_TYPE_L4_IPV4_UDP;
}
