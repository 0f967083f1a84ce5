// SPDX-License-Identifier: GPL-2.0
/*
 * Programs that take frags (multi-buffer XDP, section xdp.frags), one per
 * object, chosen at build time (-DACT_<name>):
 * - xdp_frags_{pass,drop,tx}: the verdict;
 * - xdp_frags_trim{,_pass,_drop}: a frame longer than XDP_FRAGS_TRIM +
 *   ETH_ZLEN made XDP_FRAGS_TRIM bytes shorter (all of an 8000-byte
 *   datagram's frags and some of its first page), then XDP_TX, XDP_PASS
 *   or XDP_DROP; a shorter one as it is;
 * - xdp_frags_grow{,_pass}: a frame as long made XDP_FRAGS_GROW bytes
 *   (of zeroes) longer, grown into its last frag's page, then XDP_TX or
 *   XDP_PASS;
 * - xdp_frags_redirect: every frame to the interface with index
 *   XDP_REDIRECT_IFINDEX.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp_act.h"

/* @verdict for a frame, after changing the length of a long one by @delta */
static __always_inline int resize(struct xdp_md *ctx, int delta, int verdict)
{
	if (bpf_xdp_get_buff_len(ctx) > XDP_FRAGS_TRIM + 60 &&
	    bpf_xdp_adjust_tail(ctx, delta))
		return XDP_ABORTED;
	return verdict;
}

SEC("xdp.frags")
int xdp_frags(struct xdp_md *ctx)
{
#if defined(ACT_pass)
	return XDP_PASS;
#elif defined(ACT_drop)
	return XDP_DROP;
#elif defined(ACT_tx)
	return XDP_TX;
#elif defined(ACT_trim)
	return resize(ctx, -XDP_FRAGS_TRIM, XDP_TX);
#elif defined(ACT_trim_pass)
	return resize(ctx, -XDP_FRAGS_TRIM, XDP_PASS);
#elif defined(ACT_trim_drop)
	return resize(ctx, -XDP_FRAGS_TRIM, XDP_DROP);
#elif defined(ACT_grow)
	return resize(ctx, XDP_FRAGS_GROW, XDP_TX);
#elif defined(ACT_grow_pass)
	return resize(ctx, XDP_FRAGS_GROW, XDP_PASS);
#elif defined(ACT_redirect)
	return bpf_redirect(XDP_REDIRECT_IFINDEX, 0);
#else
#error "build with -DACT_<pass|drop|tx|trim|trim_pass|trim_drop|grow|grow_pass|redirect>"
#endif
}

char _license[] SEC("license") = "GPL";
