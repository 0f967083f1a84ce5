// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: per-queue statistics for netdev netlink (qstats-get). The same
 * counters as ethtool -S and ip -s link: each live queue reports its
 * own, the base holds what no live queue does (tx queues beyond the
 * live ones, bpf_redirect_peer()'s packets in the core's tstats), so
 * queues plus base add up to the device totals.
 */
#include <linux/netdevice.h>

#include "pair.h"

static void vpair_qstats_rx(struct net_device *dev, int idx,
			    struct netdev_queue_stats_rx *rx)
{
	struct vpair_pair_sum sum = {};

	rcu_read_lock();
	vpair_pair_rxq_sum(dev, idx, &sum);
	rcu_read_unlock();
	rx->packets = sum.packets;
	rx->bytes = sum.bytes;
}

static void vpair_qstats_tx(struct net_device *dev, int idx,
			    struct netdev_queue_stats_tx *tx)
{
	struct vpair_pair_sum sum = {};

	vpair_pair_txq_sum(netdev_priv(dev), idx, &sum);
	tx->packets = sum.packets;
	tx->bytes = sum.bytes;
}

static void vpair_qstats_base(struct net_device *dev,
			      struct netdev_queue_stats_rx *rx,
			      struct netdev_queue_stats_tx *tx)
{
	struct rtnl_link_stats64 core = {};
	struct vpair_pair_sum sum = {};
	unsigned int q;

	dev_fetch_sw_netstats(&core, dev->tstats);
	/* every peer tx queue feeds a live rx queue: rx has only the core's */
	rx->packets = core.rx_packets;
	rx->bytes = core.rx_bytes;

	for (q = dev->real_num_tx_queues; q < dev->num_tx_queues; q++)
		vpair_pair_txq_sum(netdev_priv(dev), q, &sum);
	tx->packets = core.tx_packets + sum.packets;
	tx->bytes = core.tx_bytes + sum.bytes;
}

const struct netdev_stat_ops vpair_pair_stat_ops = {
	.get_queue_stats_rx	= vpair_qstats_rx,
	.get_queue_stats_tx	= vpair_qstats_tx,
	.get_base_stats		= vpair_qstats_base,
};
