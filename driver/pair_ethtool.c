// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: ethtool operations of a pair end -- identity, link settings,
 * timestamping, statistics with per-queue counters (and the rx queues'
 * page pools, where the kernel counts for them), and channels.
 */
#include <linux/ethtool.h>

#include "pair.h"

static const char * const vpair_pair_queue_stats[] = {
	"packets", "bytes", "drops",
};

#define VPAIR_QSTATS	ARRAY_SIZE(vpair_pair_queue_stats)

/* What the XDP program of an rx queue decided, in enum vpair_xdp_stat order. */
static const char * const vpair_pair_xdp_stats[VPAIR_XDP_NSTATS] = {
	[VPAIR_XDP_PASS]	= "xdp_pass",
	[VPAIR_XDP_DROP]	= "xdp_drop",
	[VPAIR_XDP_TX]		= "xdp_tx",
	[VPAIR_XDP_REDIRECT]	= "xdp_redirect",
	[VPAIR_XDP_ABORTED]	= "xdp_aborted",
	[VPAIR_XDP_ERRORS]	= "xdp_errors",
};

#define VPAIR_RXQ_STATS	(VPAIR_QSTATS + VPAIR_XDP_NSTATS)

static void vpair_pair_get_drvinfo(struct net_device *dev,
				   struct ethtool_drvinfo *info)
{
	strscpy(info->driver, VPAIR_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, VPAIR_VERSION, sizeof(info->version));
}

static int vpair_pair_get_link_ksettings(struct net_device *dev,
					 struct ethtool_link_ksettings *cmd)
{
	cmd->base.speed = SPEED_10000;
	cmd->base.duplex = DUPLEX_FULL;
	cmd->base.port = PORT_TP;
	cmd->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

static int vpair_pair_get_sset_count(struct net_device *dev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return 1 + VPAIR_RXQ_STATS * dev->real_num_rx_queues +
		       VPAIR_QSTATS * dev->real_num_tx_queues +
		       page_pool_ethtool_stats_get_count();
	default:
		return -EOPNOTSUPP;
	}
}

static void vpair_pair_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	unsigned int q, i;

	if (sset != ETH_SS_STATS)
		return;

	ethtool_puts(&buf, "peer_ifindex");
	for (q = 0; q < dev->real_num_rx_queues; q++) {
		for (i = 0; i < VPAIR_QSTATS; i++)
			ethtool_sprintf(&buf, "rx_queue_%u_%s", q,
					vpair_pair_queue_stats[i]);
		for (i = 0; i < VPAIR_XDP_NSTATS; i++)
			ethtool_sprintf(&buf, "rx_queue_%u_%s", q,
					vpair_pair_xdp_stats[i]);
	}
	for (q = 0; q < dev->real_num_tx_queues; q++)
		for (i = 0; i < VPAIR_QSTATS; i++)
			ethtool_sprintf(&buf, "tx_queue_%u_%s", q,
					vpair_pair_queue_stats[i]);
	/* the rx queues' page pools, summed (none without pool stats) */
	page_pool_ethtool_stats_get_strings(buf);
}

static u64 *vpair_pair_put_queue(u64 *data, const struct vpair_pair_sum *sum,
				 const atomic64_t *drops)
{
	*data++ = sum->packets;
	*data++ = sum->bytes;
	*data++ = atomic64_read(drops);
	return data;
}

static void vpair_pair_get_ethtool_stats(struct net_device *dev,
					 struct ethtool_stats *stats, u64 *data)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct net_device *peer;
	unsigned int q;

	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	*data++ = peer ? peer->ifindex : 0;
	for (q = 0; q < dev->real_num_rx_queues; q++) {
		struct vpair_pair_sum sum = {};

		vpair_pair_rxq_sum(dev, q, &sum);
		data = vpair_pair_put_queue(data, &sum, &priv->rx_drops[q]);
		vpair_xdp_rxq_stats(&priv->rxq[q], data);
		data += VPAIR_XDP_NSTATS;
	}
	rcu_read_unlock();
	for (q = 0; q < dev->real_num_tx_queues; q++) {
		struct vpair_pair_sum sum = {};

		vpair_pair_txq_sum(priv, q, &sum);
		data = vpair_pair_put_queue(data, &sum, &priv->tx_drops[q]);
	}
	vpair_xdp_pool_stats(dev, data);
}

static void vpair_pair_get_channels(struct net_device *dev,
				    struct ethtool_channels *ch)
{
	ch->max_rx = dev->num_rx_queues;
	ch->max_tx = dev->num_tx_queues;
	ch->rx_count = dev->real_num_rx_queues;
	ch->tx_count = dev->real_num_tx_queues;
}

/*
 * rx and tx are separate, as on veth; the core checks the maxima. Both
 * counts change, or neither does. While an end has an XDP program, it
 * keeps an rx queue for every tx queue of its peer.
 */
static int vpair_pair_set_channels(struct net_device *dev,
				   struct ethtool_channels *ch)
{
	unsigned int old_rx = dev->real_num_rx_queues;
	int err;

	if (!ch->rx_count || !ch->tx_count || ch->combined_count ||
	    ch->other_count)
		return -EINVAL;
	err = vpair_xdp_check_channels(dev, ch->rx_count, ch->tx_count);
	if (err)
		return err;

	/* rings for new rx queues exist before a sender can pick them */
	err = vpair_napi_grow_channels(dev, ch->rx_count);
	if (err)
		return err;
	err = netif_set_real_num_queues(dev, ch->tx_count, ch->rx_count);
	vpair_napi_trim_channels(dev, max(old_rx, ch->rx_count));
	return err;
}

static void vpair_pair_get_ringparam(struct net_device *dev,
				     struct ethtool_ringparam *ring,
				     struct kernel_ethtool_ringparam *kring,
				     struct netlink_ext_ack *extack)
{
	struct vpair_end *priv = netdev_priv(dev);

	ring->rx_max_pending = VPAIR_RING_MAX;
	ring->rx_pending = priv->ring_size;
}

/* The core refuses sizes above the maximum and any tx, mini or jumbo ring. */
static int vpair_pair_set_ringparam(struct net_device *dev,
				    struct ethtool_ringparam *ring,
				    struct kernel_ethtool_ringparam *kring,
				    struct netlink_ext_ack *extack)
{
	struct vpair_end *priv = netdev_priv(dev);

	if (!ring->rx_pending) {
		NL_SET_ERR_MSG_MOD(extack, "rx ring needs at least one slot");
		return -EINVAL;
	}
	if (ring->rx_pending == priv->ring_size)
		return 0;
	return vpair_napi_set_ring(dev, ring->rx_pending);
}

const struct ethtool_ops vpair_pair_ethtool_ops = {
	.get_drvinfo		= vpair_pair_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= vpair_pair_get_link_ksettings,
	.get_ts_info		= ethtool_op_get_ts_info,
	.get_sset_count		= vpair_pair_get_sset_count,
	.get_strings		= vpair_pair_get_strings,
	.get_ethtool_stats	= vpair_pair_get_ethtool_stats,
	.get_channels		= vpair_pair_get_channels,
	.set_channels		= vpair_pair_set_channels,
	.get_ringparam		= vpair_pair_get_ringparam,
	.set_ringparam		= vpair_pair_set_ringparam,
};
