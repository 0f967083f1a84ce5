// SPDX-License-Identifier: GPL-2.0
/*
 * One XDP verdict per object, chosen at build time (-DACT_<name>):
 * xdp_{pass,drop,tx,aborted}.bpf.o return it, xdp_redirect.bpf.o
 * redirects every frame to the interface with index XDP_REDIRECT_IFINDEX
 * (the tests give that index to the target, in a namespace of their own).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdp_act.h"

SEC("xdp")
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
#else
#error "build with -DACT_<pass|drop|tx|aborted|redirect>"
#endif
}

char _license[] SEC("license") = "GPL";
