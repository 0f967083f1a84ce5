// SPDX-License-Identifier: GPL-2.0
/* 6.6, backported to 6.1.y: the core manages dev->tstats on request. */
#include <linux/netdevice.h>

static void __used probe_stat_type(struct net_device *dev)
{
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
}
