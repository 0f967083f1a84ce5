// SPDX-License-Identifier: GPL-2.0
/* 6.6: struct netdev_rx_queue moved to <net/netdev_rx_queue.h>. */
#include <net/netdev_rx_queue.h>

static struct xdp_rxq_info __used *probe_rxq(struct net_device *dev)
{
	return &__netif_get_rx_queue(dev, 0)->xdp_rxq;
}
