// SPDX-License-Identifier: GPL-2.0
/*
 * One XDP verdict per object, chosen at build time (-DACT_<name>):
 * xdp_{pass,drop,tx,aborted}.bpf.o return it, xdp_redirect.bpf.o
 * redirects every frame to the interface with index XDP_REDIRECT_IFINDEX
 * (the tests give that index to the target, in a namespace of their own).
 *
 * Built with -DFRAGS, the program takes frags (section xdp.frags:
 * multi-buffer XDP), as xdp_frags_<name>.bpf.o, and has more actions:
 * trim{,_pass,_drop} makes a frame longer than XDP_FRAGS_TRIM + ETH_ZLEN
 * XDP_FRAGS_TRIM bytes shorter (all of an 8000-byte datagram's frags and
 * some of its first page), grow{,_pass} makes it XDP_FRAGS_GROW bytes
 * (of zeroes) longer, grown into its last frag's page; then XDP_TX,
 * XDP_PASS or XDP_DROP. A shorter frame goes on as it is.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp_act.h"

#ifdef FRAGS
/*
 * @verdict for a frame, after changing the length of a long one by @delta
 * (unused by the objects of the plain verdicts)
 */
static __always_inline __attribute__((unused))
int resize(struct xdp_md *ctx, int delta, int verdict)
{
	if (bpf_xdp_get_buff_len(ctx) > XDP_FRAGS_TRIM + 60 &&
	    bpf_xdp_adjust_tail(ctx, delta))
		return XDP_ABORTED;
	return verdict;
}

SEC("xdp.frags")
#else
SEC("xdp")
#endif
int xdp_act(struct xdp_md *ctx)
{
#if defined(ACT_pass)
	return XDP_PASS;
#elif defined(ACT_drop)
	return XDP_DROP;
#elif defined(ACT_tx)
	return XDP_TX;
#elif defined(ACT_aborted)
	return XDP_ABORTED;
#elif defined(ACT_redirect)
	return bpf_redirect(XDP_REDIRECT_IFINDEX, 0);
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
#else
#error "build with -DACT_<pass|drop|tx|aborted|redirect|trim|trim_pass|trim_drop|grow|grow_pass>"
#endif
}

char _license[] SEC("license") = "GPL";
