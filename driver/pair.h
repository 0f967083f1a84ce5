/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpair: the pair -- two ends, each a netdev whose transmit is the
 * other's receive.
 */
#ifndef _VPAIR_PAIR_H
#define _VPAIR_PAIR_H

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/ptr_ring.h>

#include "vpair.h"

#include <linux/u64_stats_sync.h>

/*
 * What one CPU sent through one tx queue. A packet is counted once, here:
 * the peer's receive counters are derived from these (tx queue N feeds
 * the peer's rx queue N, or its rx queue 0 when it has fewer channels).
 */
struct vpair_pair_qstats {
	u64_stats_t		packets;
	u64_stats_t		bytes;
	struct u64_stats_sync	syncp;
};

/* rx ring sizes of NAPI mode (ethtool -G rx N) */
#define VPAIR_RING_DEFAULT	256
#define VPAIR_RING_MAX		32768

/*
 * An rx queue in NAPI mode: a bounded ring that the peer's transmit
 * fills and a NAPI instance that empties it into GRO. @live points to
 * @napi while the ring takes packets (RCU: the transmit side's view).
 */
struct vpair_rxq {
	struct napi_struct __rcu	*live;
	struct napi_struct		napi;
	struct ptr_ring			ring;
	bool				notify_masked;	/* a poll is due */
} ____cacheline_aligned_in_smp;

/* Private area of a pair end. */
struct vpair_end {
	struct vpair_rxq			*rxq;	/* num_rx_queues */
	struct net_device __rcu			*peer;
	/* per tx queue, per CPU; the array is read-only after init */
	struct vpair_pair_qstats __percpu	**txstats;
	/* drops are rare: shared atomics, off the lines the hot path reads */
	atomic64_t				*rx_drops;	/* num_rx_queues */
	atomic64_t				*tx_drops;	/* num_tx_queues */
	enum vpair_mode				mode;
	int					requested_headroom;
	u32					ring_size;	/* RTNL */
	bool					napi_on;	/* RTNL */
};

/* Totals of a set of queues, summed over CPUs. */
struct vpair_pair_sum {
	u64	packets;
	u64	bytes;
};

/* The rx queue of @dev that a packet from the peer's tx queue @txq lands on. */
static inline u16 vpair_pair_rxq_of(const struct net_device *dev, u16 txq)
{
	return txq < dev->real_num_rx_queues ? txq : 0;
}

/* pair_dev.c: the netdev of an end */
void vpair_pair_setup(struct net_device *dev);
void vpair_pair_disable_gro(struct net_device *dev);
void vpair_pair_set_mode(struct net_device *dev, enum vpair_mode mode);

/* pair_stats.c: counters, read side */
void vpair_pair_txq_sum(const struct vpair_end *priv, unsigned int q,
			struct vpair_pair_sum *sum);
void vpair_pair_rxq_sum(struct net_device *dev, unsigned int q,
			struct vpair_pair_sum *sum);
u64 vpair_pair_drops(atomic64_t *drops, unsigned int n);
int vpair_pair_stats_init(struct net_device *dev);
void vpair_pair_stats_free(struct net_device *dev);
void vpair_pair_get_stats64(struct net_device *dev,
			    struct rtnl_link_stats64 *tot);

/* pair_napi.c: NAPI mode, its rings and backpressure */
int vpair_napi_init(struct net_device *dev);
void vpair_napi_free(struct net_device *dev);
int vpair_napi_open(struct net_device *dev);
void vpair_napi_close(struct net_device *dev);
int vpair_napi_set_features(struct net_device *dev,
			    netdev_features_t features);
int vpair_napi_grow_channels(struct net_device *dev, unsigned int rx);
void vpair_napi_trim_channels(struct net_device *dev, unsigned int end);
int vpair_napi_set_ring(struct net_device *dev, u32 size);
struct vpair_rxq *vpair_napi_rxq(const struct net_device *dev,
				 struct net_device *peer, u16 txq,
				 const struct sk_buff *skb);
int vpair_napi_xmit(struct sk_buff *skb, struct net_device *dev,
		    struct net_device *peer, struct vpair_rxq *rq, u16 txq);

/* pair_qstats.c: netdev netlink per-queue statistics */
extern const struct netdev_stat_ops vpair_pair_stat_ops;

/* pair_ethtool.c */
extern const struct ethtool_ops vpair_pair_ethtool_ops;

#endif /* _VPAIR_PAIR_H */
