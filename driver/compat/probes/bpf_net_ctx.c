// SPDX-License-Identifier: GPL-2.0
/* 6.11: XDP redirect state lives in a bpf_net_context the caller sets. */
#include <linux/filter.h>

static void __used probe_bpf_net_ctx(void)
{
	struct bpf_net_context ctx, *old;

	old = bpf_net_ctx_set(&ctx);
	bpf_net_ctx_clear(old);
}
