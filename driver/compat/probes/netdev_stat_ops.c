// SPDX-License-Identifier: GPL-2.0
/* 6.10: per-queue statistics for netdev netlink's qstats-get. */
#include <linux/netdevice.h>
#include <net/netdev_queues.h>

static void probe_rx(struct net_device *dev, int idx,
		     struct netdev_queue_stats_rx *rx)
{
	rx->packets = 0;
}

static const struct netdev_stat_ops probe_ops = {
	.get_queue_stats_rx = probe_rx,
};

static void __used probe_stat_ops(struct net_device *dev)
{
	dev->stat_ops = &probe_ops;
}
