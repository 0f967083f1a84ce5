// SPDX-License-Identifier: GPL-2.0
/* 6.4: iter_iov() names an iov_iter's current iovec. */
#include <linux/uio.h>

static const struct iovec __used *probe_iter_iov(const struct iov_iter *i)
{
	return iter_iov(i);
}
