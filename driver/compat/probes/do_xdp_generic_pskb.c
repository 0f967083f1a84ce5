// SPDX-License-Identifier: GPL-2.0
/* 6.8: generic XDP may replace the skb, so it takes a struct sk_buff **. */
#include <linux/netdevice.h>

static int __used probe_do_xdp_generic(struct bpf_prog *prog,
				       struct sk_buff **pskb)
{
	return do_xdp_generic(prog, pskb);
}
