// SPDX-License-Identifier: GPL-2.0
/*
 * Programs that take frags (multi-buffer XDP, section xdp.frags), one per
 * object, chosen at build time (-DACT_<name>): xdp_frags_{pass,drop,tx}
 * return the verdict; xdp_frags_trim sends a frame longer than
 * XDP_FRAGS_TRIM + ETH_ZLEN back (XDP_TX) XDP_FRAGS_TRIM bytes shorter,
 * any other back as it is; xdp_frags_grow sends a frame with frags back
 * XDP_FRAGS_GROW bytes (of zeroes) longer, grown into its last frag's
 * page; xdp_frags_redirect redirects every frame to
 * the interface with index XDP_REDIRECT_IFINDEX.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp_act.h"

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
	if (bpf_xdp_get_buff_len(ctx) > XDP_FRAGS_TRIM + 60 &&
	    bpf_xdp_adjust_tail(ctx, -XDP_FRAGS_TRIM))
		return XDP_ABORTED;
	return XDP_TX;
#elif defined(ACT_grow)
	if (bpf_xdp_get_buff_len(ctx) > 4096 &&
	    bpf_xdp_adjust_tail(ctx, XDP_FRAGS_GROW))
		return XDP_ABORTED;
	return XDP_TX;
#elif defined(ACT_redirect)
	return bpf_redirect(XDP_REDIRECT_IFINDEX, 0);
#else
#error "build with -DACT_<pass|drop|tx|trim|grow|redirect>"
#endif
}

char _license[] SEC("license") = "GPL";
