// SPDX-License-Identifier: GPL-2.0
/* 6.12: lockless transmit became dev->lltx instead of NETIF_F_LLTX. */
#include <linux/netdevice.h>

static void __used probe_lltx(struct net_device *dev)
{
	dev->lltx = true;
}
