// SPDX-License-Identifier: GPL-2.0
/* 6.6: <net/page_pool.h> split into <net/page_pool/{types,helpers}.h>. */
#include <net/page_pool/helpers.h>

static struct page __used *probe_pp_alloc(struct page_pool *pool)
{
	return page_pool_dev_alloc_pages(pool);
}
