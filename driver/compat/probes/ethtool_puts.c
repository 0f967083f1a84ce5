// SPDX-License-Identifier: GPL-2.0
/* 6.8: ethtool_puts() writes a plain string to ethtool string data. */
#include <linux/ethtool.h>

static void __used probe_puts(u8 **data)
{
	ethtool_puts(data, "x");
}
