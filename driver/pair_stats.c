// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: the counters of a pair end. Transmit counts each packet once,
 * per CPU and per tx queue; everything else (device totals, the peer's
 * receive side, per-queue views) is summed here when someone asks.
 */
#include <linux/netdevice.h>
#include <linux/percpu.h>

#include "pair.h"

void vpair_pair_txq_sum(const struct vpair_end *priv, unsigned int q,
			struct vpair_pair_sum *sum)
{
	u64 sent = 0, sent_bytes = 0, purged, purged_bytes;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct vpair_pair_qstats *s;
		u64 packets, bytes;
		unsigned int start;

		s = per_cpu_ptr(priv->txstats[q], cpu);
		do {
			start = u64_stats_fetch_begin(&s->syncp);
			packets = u64_stats_read(&s->packets);
			bytes = u64_stats_read(&s->bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sent += packets;
		sent_bytes += bytes;
	}
	/* a purge may overtake the count of what it purged: never below 0 */
	purged = atomic64_read(&priv->tx_purged[q].packets);
	purged_bytes = atomic64_read(&priv->tx_purged[q].bytes);
	sum->packets += sent - min(sent, purged);
	sum->bytes += sent_bytes - min(sent_bytes, purged_bytes);
}

/*
 * @len bytes that tx queue @txq of @dev counted as sent were dropped
 * from the peer's ring before anyone received them.
 */
void vpair_pair_uncount_tx(struct net_device *dev, u16 txq, unsigned int len)
{
	struct vpair_end *priv = netdev_priv(dev);

	atomic64_inc(&priv->tx_purged[txq].packets);
	atomic64_add(len, &priv->tx_purged[txq].bytes);
}

/*
 * What @dev received on rx queue @q: the peer's tx queues that feed it.
 * Caller holds rcu_read_lock() or RTNL.
 */
void vpair_pair_rxq_sum(struct net_device *dev, unsigned int q,
			struct vpair_pair_sum *sum)
{
	struct vpair_end *priv = netdev_priv(dev);
	const struct vpair_end *peer_priv;
	struct net_device *peer;
	unsigned int t;

	peer = rcu_dereference_rtnl(priv->peer);
	if (!peer)
		return;
	peer_priv = netdev_priv(peer);
	for (t = 0; t < peer->num_tx_queues; t++)
		if (vpair_pair_rxq_of(dev, t) == q)
			vpair_pair_txq_sum(peer_priv, t, sum);
}

u64 vpair_pair_drops(atomic64_t *drops, unsigned int n)
{
	u64 total = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		total += atomic64_read(&drops[i]);
	return total;
}

void vpair_pair_get_stats64(struct net_device *dev,
			    struct rtnl_link_stats64 *tot)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct vpair_pair_sum tx = {}, rx = {};
	const struct vpair_end *peer_priv;
	struct net_device *peer;
	unsigned int q;

	/* bpf_redirect_peer() counts its packets into the core's tstats */
	dev_fetch_sw_netstats(tot, dev->tstats);

	for (q = 0; q < dev->num_tx_queues; q++)
		vpair_pair_txq_sum(priv, q, &tx);
	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	if (peer) {
		peer_priv = netdev_priv(peer);
		for (q = 0; q < peer->num_tx_queues; q++)
			vpair_pair_txq_sum(peer_priv, q, &rx);
	}
	rcu_read_unlock();

	tot->tx_packets += tx.packets;
	tot->tx_bytes += tx.bytes;
	tot->rx_packets += rx.packets;
	tot->rx_bytes += rx.bytes;
}

/*
 * The tx counters of up to this many queues share one per-CPU area: a
 * pair costs one per end, and 4096 queues still fit the allocator's unit.
 */
#define VPAIR_TXSTATS_CHUNK \
	(PCPU_MIN_UNIT_SIZE / 2 / sizeof(struct vpair_pair_qstats))

static void vpair_pair_free_txstats(struct vpair_end *priv, unsigned int n)
{
	unsigned int q;

	for (q = 0; q < n; q += VPAIR_TXSTATS_CHUNK)
		free_percpu(priv->txstats[q]);
}

static int vpair_pair_alloc_txstats(struct vpair_end *priv, unsigned int n)
{
	struct vpair_pair_qstats __percpu *area;
	unsigned int q, i, len;
	int cpu;

	for (q = 0; q < n; q += len) {
		len = min_t(unsigned int, n - q, VPAIR_TXSTATS_CHUNK);
		area = __alloc_percpu_gfp(len * sizeof(*area), __alignof__(*area),
					  GFP_KERNEL_ACCOUNT);
		if (!area) {
			vpair_pair_free_txstats(priv, q);
			return -ENOMEM;
		}
		for (i = 0; i < len; i++) {
			for_each_possible_cpu(cpu)
				u64_stats_init(&per_cpu_ptr(area + i, cpu)->syncp);
			priv->txstats[q + i] = area + i;
		}
	}
	return 0;
}

/*
 * The four per-queue arrays of an end share one allocation. Each element
 * is a multiple of 8 bytes but the last (pointers), so each array starts
 * aligned.
 */
int vpair_pair_stats_init(struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);
	unsigned int rx = dev->num_rx_queues;
	unsigned int tx = dev->num_tx_queues;
	size_t size;

	BUILD_BUG_ON(sizeof(*priv->rx_drops) % 8 || sizeof(*priv->tx_purged) % 8);
	size = rx * sizeof(*priv->rx_drops) +
	       tx * (sizeof(*priv->tx_drops) + sizeof(*priv->tx_purged) +
		     sizeof(*priv->txstats));
	priv->rx_drops = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!priv->rx_drops)
		return -ENOMEM;
	priv->tx_drops = priv->rx_drops + rx;
	priv->tx_purged = (void *)(priv->tx_drops + tx);
	priv->txstats = (void *)(priv->tx_purged + tx);
	if (vpair_pair_alloc_txstats(priv, tx)) {
		kvfree(priv->rx_drops);
		priv->rx_drops = NULL;
		return -ENOMEM;
	}
	return 0;
}

void vpair_pair_stats_free(struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);

	if (!priv->rx_drops)
		return;
	vpair_pair_free_txstats(priv, dev->num_tx_queues);
	kvfree(priv->rx_drops);
	priv->rx_drops = NULL;
	priv->tx_drops = NULL;
	priv->tx_purged = NULL;
	priv->txstats = NULL;
}
