// SPDX-License-Identifier: GPL-2.0
/* 6.5: a page pool names the NAPI instance that may recycle into it directly. */
#include <linux/netdevice.h>
/* either header: this probe is not about where the struct is */
#if __has_include("net/page_pool/types.h")
#include <net/page_pool/types.h>
#else
#include <net/page_pool.h>
#endif

static void __used probe_pp_napi(struct page_pool_params *pp,
				 struct napi_struct *napi)
{
	pp->napi = napi;
}
