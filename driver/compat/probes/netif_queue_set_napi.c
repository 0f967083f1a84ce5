// SPDX-License-Identifier: GPL-2.0
/* 6.8: a queue names the NAPI instance that serves it (netdev netlink). */
#include <linux/netdevice.h>

static void __used probe_queue_napi(struct net_device *dev,
				    struct napi_struct *napi)
{
	netif_queue_set_napi(dev, 0, NETDEV_QUEUE_TYPE_RX, napi);
}
