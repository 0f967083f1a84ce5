/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpair: the pair -- two ends, each a netdev whose transmit is the
 * other's receive.
 */
#ifndef _VPAIR_PAIR_H
#define _VPAIR_PAIR_H

#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "vpair.h"

/*
 * Counters of one queue. Several CPUs may transmit on one queue at once
 * (lockless transmit), hence atomics.
 */
struct vpair_pair_queue {
	atomic64_t	packets;
	atomic64_t	bytes;
	atomic64_t	drops;
} ____cacheline_aligned_in_smp;

/* Private area of a pair end. */
struct vpair_end {
	struct net_device __rcu		*peer;
	struct vpair_pair_queue		*rxq;	/* dev->num_rx_queues */
	struct vpair_pair_queue		*txq;	/* dev->num_tx_queues */
	enum vpair_mode			mode;
	int				requested_headroom;
};

/* pair_dev.c: the netdev of an end */
void vpair_pair_setup(struct net_device *dev);
void vpair_pair_disable_gro(struct net_device *dev);
void vpair_pair_set_mode(struct net_device *dev, enum vpair_mode mode);

/* pair_ethtool.c */
extern const struct ethtool_ops vpair_pair_ethtool_ops;

#endif /* _VPAIR_PAIR_H */
