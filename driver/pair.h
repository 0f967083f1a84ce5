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
#include <net/xdp.h>

#include "vpair.h"

struct page_pool;

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

/*
 * What one tx queue sent that a ring of the peer dropped unread (purged
 * when it went or shrank): neither sent nor received, but a drop of the
 * peer's rx queue. Rare, so shared atomics.
 */
struct vpair_pair_purged {
	atomic64_t	packets;
	atomic64_t	bytes;
};

/* rx ring sizes of NAPI mode (ethtool -G rx N) */
#define VPAIR_RING_DEFAULT	256
#define VPAIR_RING_MAX		32768

/* What an rx queue's XDP program decided, counted per queue (ethtool -S). */
enum vpair_xdp_stat {
	VPAIR_XDP_PASS,
	VPAIR_XDP_DROP,
	VPAIR_XDP_TX,
	VPAIR_XDP_REDIRECT,
	VPAIR_XDP_ABORTED,	/* and unknown verdicts */
	VPAIR_XDP_ERRORS,	/* a verdict that could not be carried out */
	VPAIR_XDP_NSTATS
};

/* Written by the queue's poll only, read by ethtool -S. */
struct vpair_xdp_rxstats {
	u64_stats_t		n[VPAIR_XDP_NSTATS];
	struct u64_stats_sync	syncp;
};

/* XDP_TX frames of one poll, sent through the peer in one batch. */
#define VPAIR_XDP_TX_BULK	16

/* What one poll's XDP programs did, flushed when the poll ends. */
struct vpair_xdp_poll {
	struct xdp_frame	*tx[VPAIR_XDP_TX_BULK];
	unsigned int		n_tx;
	bool			redirected;
	int			budget;		/* for napi_consume_skb() */
	u32			n[VPAIR_XDP_NSTATS];
};

/*
 * A poll runs for every packet of a slow sender: set only what is read
 * before it is written (not @tx), on a struct left out of the stack's
 * automatic zeroing.
 */
static inline void vpair_xdp_poll_start(struct vpair_xdp_poll *p, int budget)
{
	p->n_tx = 0;
	p->redirected = false;
	p->budget = budget;
	memset(p->n, 0, sizeof(p->n));
}

/*
 * The buffer a program runs on and the skb it is (or is a copy of, in
 * @page of the rx queue's pool, and in the pages of its frags): what the
 * metadata kfuncs, given the buffer as their context, read the skb's
 * fields from. Every buffer an end's program sees has one.
 */
struct vpair_xdp_buff {
	struct xdp_buff	xdp;
	struct sk_buff	*skb;
	struct page	*page;	/* NULL: the skb's own buffer */
};

/*
 * An rx queue in NAPI mode: a bounded ring that the peer's transmit
 * fills and a NAPI instance that empties it into GRO, through the end's
 * XDP program if it has one. @live points to @napi while the ring takes
 * packets (RCU: the transmit side's view). @pool holds the pages of the
 * copies the program runs on, registered for XDP as @pool_mem.
 */
struct vpair_rxq {
	struct napi_struct __rcu	*live;
	struct napi_struct		napi;
	struct ptr_ring			ring;
	bool				notify_masked;	/* a poll is due */
	struct vpair_xdp_rxstats	xdp_stats;
	struct xdp_rxq_info		xdp_rxq;
	struct page_pool		*pool;		/* RTNL */
	struct xdp_mem_info		pool_mem;
} ____cacheline_aligned_in_smp;

/* Private area of a pair end. */
struct vpair_end {
	struct vpair_rxq			*rxq;	/* num_rx_queues */
	struct net_device __rcu			*peer;
	struct bpf_prog __rcu			*xdp_prog;
	/*
	 * Per-queue arrays, one allocation from @rx_drops on (pair_stats.c).
	 * @txstats: per tx queue, per CPU; read-only after init. Drops are
	 * rare: shared atomics, off the lines the hot path reads.
	 */
	struct vpair_pair_qstats __percpu	**txstats;
	atomic64_t				*rx_drops;	/* num_rx_queues */
	atomic64_t				*tx_drops;	/* num_tx_queues */
	struct vpair_pair_purged		*tx_purged;	/* num_tx_queues */
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

/*
 * What may leave an end: in l3 mode only IP crosses the pair. The header
 * goes in by pointer so that an l2 end does not read it at all.
 */
static inline bool vpair_pair_proto_ok(const struct vpair_end *priv,
				       const struct ethhdr *eth)
{
	return priv->mode != VPAIR_MODE_L3 ||
	       eth->h_proto == htons(ETH_P_IP) ||
	       eth->h_proto == htons(ETH_P_IPV6);
}

/* The rx queue of @dev that a packet from the peer's tx queue @txq lands on. */
static inline u16 vpair_pair_rxq_of(const struct net_device *dev, u16 txq)
{
	/* ethtool -L may change the count meanwhile: read it once */
	return txq < READ_ONCE(dev->real_num_rx_queues) ? txq : 0;
}

/* The one count of what this CPU sent through tx queue @txq. */
static inline void vpair_pair_count_tx(const struct vpair_end *priv, u16 txq,
				       unsigned int packets, unsigned int bytes)
{
	struct vpair_pair_qstats *s = this_cpu_ptr(priv->txstats[txq]);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->packets, packets);
	u64_stats_add(&s->bytes, bytes);
	u64_stats_update_end(&s->syncp);
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
void vpair_pair_uncount_tx(struct net_device *dev, u16 txq, unsigned int len);
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
				 struct net_device *peer, u16 txq, u16 rxq,
				 const struct sk_buff *skb);
int vpair_napi_xmit(struct sk_buff *skb, struct net_device *dev,
		    struct net_device *peer, struct vpair_rxq *rq, u16 txq,
		    unsigned int len);
int vpair_napi_update(struct net_device *dev);
void vpair_napi_kick(struct vpair_rxq *rq);
void __vpair_napi_queue(struct vpair_rxq *rq, struct sk_buff *skb,
			unsigned int len);

/* pair_xdp.c: native XDP on an end's receive, frames sent into an end */
void vpair_xdp_setup(struct net_device *dev);
int vpair_xdp_bpf(struct net_device *dev, struct netdev_bpf *bpf);
int vpair_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		   u32 flags);
netdev_features_t vpair_xdp_fix_features(struct net_device *dev,
					 netdev_features_t features);
int vpair_xdp_check_channels(struct net_device *dev, unsigned int rx,
			     unsigned int tx);
void vpair_xdp_rxq_init(struct net_device *dev, struct vpair_rxq *rq,
			unsigned int q);
int vpair_xdp_pool_create(struct vpair_rxq *rq);
void vpair_xdp_pool_destroy(struct vpair_rxq *rq);
void vpair_xdp_pool_stats(struct net_device *dev, u64 *data);
struct sk_buff *vpair_xdp_rcv(struct vpair_rxq *rq, struct bpf_prog *prog,
			      struct sk_buff *skb, struct vpair_xdp_poll *p);
void vpair_xdp_poll_end(struct vpair_rxq *rq, struct vpair_xdp_poll *p);
void vpair_xdp_rxq_stats(struct vpair_rxq *rq, u64 *data);

/* pair_xdp_meta.c: the XDP metadata kfuncs */
extern const struct xdp_metadata_ops vpair_xdp_metadata_ops;
ktime_t vpair_xdp_hwtstamp(struct sk_buff *skb);

/* pair_qstats.c: netdev netlink per-queue statistics */
extern const struct netdev_stat_ops vpair_pair_stat_ops;

/* pair_ethtool.c */
extern const struct ethtool_ops vpair_pair_ethtool_ops;

#endif /* _VPAIR_PAIR_H */
