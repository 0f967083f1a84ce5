// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: NAPI mode of a pair end's receive side.
 *
 * By default an end hands each packet to its peer's backlog, as veth
 * does. While GRO is on for a receiving end that is up (ethtool -K gro
 * on), or it has an XDP program, each of its rx queues has a bounded
 * ring and a NAPI instance: the peer's transmit puts packets on the
 * ring, the instance's poll runs the program on them (pair_xdp.c) and
 * feeds what passes to GRO in batches (listified receive), in softirq
 * or in a thread (/sys/class/net/X/threaded).
 *
 * A full ring pushes back: when the sending queue has a qdisc, the
 * queue is stopped, the packet goes back to the qdisc and the next poll
 * wakes the queue. Packets that a qdisc handed over are charged to that
 * queue's BQL until they leave the ring, so the qdisc (fq_codel) sees
 * the ring's backlog. Without a qdisc a full ring drops the packet,
 * counted on the sending queue.
 *
 * The mode's rules are vpair_napi_wanted() (when) and vpair_napi_rxq()
 * (which packets); the rest is mechanics. Everything that adds, removes
 * or resizes rings runs under RTNL.
 */
#include <linux/etherdevice.h>
#include <linux/ptr_ring.h>
#include <net/sch_generic.h>
#include <net/sock.h>

#include "pair.h"

#define VPAIR_NAPI_BATCH	16

/*
 * What a packet carries while on a ring: the length its sender counted
 * and, when a qdisc handed it over, charged to that queue's BQL.
 */
struct vpair_napi_cb {
	struct netdev_queue	*bql_txq;
	unsigned int		len;
};

/* The BQL completions of one poll. */
struct vpair_napi_bql {
	struct netdev_queue	*txq;
	unsigned int		pkts;
	unsigned int		bytes;
};

static struct vpair_napi_cb *vpair_napi_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct vpair_napi_cb) > sizeof(skb->cb));
	return (struct vpair_napi_cb *)skb->cb;
}

/* NAPI mode is on while GRO is on or a program is attached, as on veth. */
static bool vpair_napi_wanted(struct net_device *dev,
			      netdev_features_t features)
{
	struct vpair_end *priv = netdev_priv(dev);

	return (features & NETIF_F_GRO) || rtnl_dereference(priv->xdp_prog);
}

/*
 * The ring of @peer that takes @skb from tx queue @txq of @dev, bound
 * for rx queue @rxq, or NULL for the backlog. Every packet takes it when
 * @peer has an XDP program (which keeps as many rx queues as we have tx
 * queues). Otherwise packets GRO can merge do: a sender with TSO already
 * sends large segments, except a local socket's UDP when the receiver
 * forwards or lists UDP GRO (veth's rule). Only tx queue N feeds rx queue
 * N here, so each ring has a single sending queue. Caller holds
 * rcu_read_lock().
 */
struct vpair_rxq *vpair_napi_rxq(const struct net_device *dev,
				 struct net_device *peer, u16 txq, u16 rxq,
				 const struct sk_buff *skb)
{
	struct vpair_end *peer_priv = netdev_priv(peer);
	struct vpair_rxq *rq;

	if (rxq != txq)
		return NULL;
	rq = &peer_priv->rxq[rxq];
	if (!rcu_access_pointer(rq->live))
		return NULL;
	if (rcu_access_pointer(peer_priv->xdp_prog))
		return rq;
	if (!(dev->features & NETIF_F_ALL_TSO))
		return rq;
	if (skb->destructor == sock_wfree &&
	    (peer->features & (NETIF_F_GRO_FRAGLIST | NETIF_F_GRO_UDP_FWD)))
		return rq;
	return NULL;
}

/* Schedules the poll unless one is due already. */
void vpair_napi_kick(struct vpair_rxq *rq)
{
	/* the ring (or a stopped queue) is written before the flag is read */
	smp_mb();
	if (!READ_ONCE(rq->notify_masked) && napi_schedule_prep(&rq->napi)) {
		WRITE_ONCE(rq->notify_masked, true);
		__napi_schedule(&rq->napi);
	}
}

/* Does a qdisc hold what @txq cannot take? Caller holds rcu_read_lock(). */
static bool vpair_napi_txq_has_qdisc(struct netdev_queue *txq)
{
	/* a queue without one has noqueue's qdisc, which cannot enqueue */
	return rcu_dereference(txq->qdisc)->enqueue;
}

/*
 * Puts @skb on the ring, charged to @txq's BQL when @charge. The charge
 * comes first, under the producer lock, so that the poll never completes
 * more than was sent. Fails only when the ring is full.
 */
static bool vpair_napi_produce(struct vpair_rxq *rq, struct netdev_queue *txq,
			       bool charge, struct sk_buff *skb,
			       unsigned int len)
{
	struct vpair_napi_cb *cb = vpair_napi_cb(skb);
	bool done = false;

	spin_lock(&rq->ring.producer_lock);
	if (!__ptr_ring_full(&rq->ring)) {
		cb->bql_txq = charge ? txq : NULL;
		cb->len = len;
		if (charge)
			netdev_tx_sent_queue(txq, len);
		done = !__ptr_ring_produce(&rq->ring, skb);
	}
	spin_unlock(&rq->ring.producer_lock);
	return done;
}

/*
 * Puts @skb on @rq's ring, @len bytes counted as sent by the peer's tx
 * queue of the ring's number and charged to no BQL, for a caller that
 * holds the producer lock and has seen room on the ring (frames from XDP).
 */
void __vpair_napi_queue(struct vpair_rxq *rq, struct sk_buff *skb,
			unsigned int len)
{
	struct vpair_napi_cb *cb = vpair_napi_cb(skb);

	cb->bql_txq = NULL;
	cb->len = len;
	__ptr_ring_produce(&rq->ring, skb);
}

/*
 * Transmit of @skb (@len bytes counted) from tx queue @txq of @dev into
 * @rq of @peer. Returns NET_RX_SUCCESS, NET_RX_DROP (@skb freed) or
 * NETDEV_TX_BUSY (@skb untouched goes back to the qdisc; the queue is
 * stopped until the ring drains). Caller holds rcu_read_lock().
 */
int vpair_napi_xmit(struct sk_buff *skb, struct net_device *dev,
		    struct net_device *peer, struct vpair_rxq *rq, u16 txq,
		    unsigned int len)
{
	struct netdev_queue *queue = netdev_get_tx_queue(dev, txq);
	bool has_qdisc = vpair_napi_txq_has_qdisc(queue);

	/*
	 * A qdisc sends through one queue from one CPU at a time and the
	 * poll only makes room, so a ring with room now has it below too
	 * (unless a sender that bypasses the qdisc took it: a drop). Deciding
	 * before anything is done to @skb times and scrubs a requeued packet
	 * once, when it does go.
	 */
	if (has_qdisc && unlikely(__ptr_ring_full(&rq->ring))) {
		netif_tx_stop_queue(queue);
		/* the poll this guarantees wakes the queue (vpair_napi_release()) */
		vpair_napi_kick(rq);
		return NETDEV_TX_BUSY;
	}

	skb_tx_timestamp(skb);
	if (__dev_forward_skb(peer, skb))
		return NET_RX_DROP;
	if (likely(vpair_napi_produce(rq, queue, has_qdisc, skb, len))) {
		vpair_napi_kick(rq);
		return NET_RX_SUCCESS;
	}
	kfree_skb(skb);
	return NET_RX_DROP;
}

/* A packet leaves the ring: its charge is collected for one completion. */
static void vpair_napi_uncharge(struct sk_buff *skb, struct vpair_napi_bql *bql)
{
	struct vpair_napi_cb *cb = vpair_napi_cb(skb);

	if (cb->bql_txq) {
		/* one sending queue per ring: always the same txq */
		bql->txq = cb->bql_txq;
		bql->pkts++;
		bql->bytes += cb->len;
	}
	memset(cb, 0, sizeof(*cb));
}

/* A packet of rx queue @q that never reaches the stack. */
static void vpair_napi_count_drop(struct net_device *dev, unsigned int q)
{
	struct vpair_end *priv = netdev_priv(dev);

	atomic64_inc(&priv->rx_drops[q]);
	dev_core_stats_rx_dropped_inc(dev);
}

/*
 * GRO writes into the skb_shared_info of what it merges. A locally sent
 * TCP segment is a clone that shares it with the sender's retransmit
 * queue, which may be copying it meanwhile (pskb_expand_head() refs the
 * frags it counts after it copied them): GRO gets a private one.
 */
static void vpair_napi_gro(struct vpair_rxq *rq, struct sk_buff *skb)
{
	struct vpair_end *priv = netdev_priv(rq->napi.dev);

	if (unlikely(skb_unclone(skb, GFP_ATOMIC))) {
		vpair_napi_count_drop(rq->napi.dev, rq - priv->rxq);
		kfree_skb(skb);
		return;
	}
	/* merges, or batches for netif_receive_skb_list() */
	napi_gro_receive(&rq->napi, skb);
}

/* One packet off the ring: through the program, if any, into GRO. */
static void vpair_napi_deliver(struct vpair_rxq *rq, struct bpf_prog *prog,
			       struct sk_buff *skb, struct vpair_xdp_poll *xdp)
{
	if (prog) {
		skb = vpair_xdp_rcv(rq, prog, skb, xdp);
		if (!skb)
			return;
	}
	vpair_napi_gro(rq, skb);
}

static int vpair_napi_receive(struct vpair_rxq *rq, struct bpf_prog *prog,
			      struct vpair_xdp_poll *xdp, int budget,
			      struct vpair_napi_bql *bql)
{
	void *batch[VPAIR_NAPI_BATCH] __uninitialized;
	int done = 0, n, i;

	while (done < budget) {
		n = __ptr_ring_consume_batched(&rq->ring, batch,
					       min(budget - done,
						   VPAIR_NAPI_BATCH));
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			vpair_napi_uncharge(batch[i], bql);
			vpair_napi_deliver(rq, prog, batch[i], xdp);
		}
		done += n;
	}
	return done;
}

static struct netdev_queue *vpair_napi_peer_txq(struct net_device *dev,
						struct net_device *peer,
						const struct vpair_rxq *rq)
{
	struct vpair_end *priv = netdev_priv(dev);
	unsigned int q = rq - priv->rxq;

	if (!peer || q >= peer->num_tx_queues)
		return NULL;
	return netdev_get_tx_queue(peer, q);
}

/* After each poll: the sending queue stopped on a full ring sends again. */
static void vpair_napi_release(struct vpair_rxq *rq)
{
	struct net_device *dev = rq->napi.dev;
	struct vpair_end *priv = netdev_priv(dev);
	struct netdev_queue *txq;
	struct net_device *peer;

	/* a poll runs with bottom halves off: an RCU-bh read section */
	peer = rcu_dereference_check(priv->peer, rcu_read_lock_bh_held());
	txq = vpair_napi_peer_txq(dev, peer, rq);
	/* pairs with the barrier in vpair_napi_kick() after the stop */
	smp_rmb();
	if (txq && netif_tx_queue_stopped(txq)) {
		txq_trans_cond_update(txq);
		netif_tx_wake_queue(txq);
	}
}

static int vpair_napi_poll(struct napi_struct *napi, int budget)
{
	struct vpair_rxq *rq = container_of(napi, struct vpair_rxq, napi);
	struct vpair_end *priv = netdev_priv(napi->dev);
	struct vpair_napi_bql bql = {};
	struct vpair_xdp_poll xdp __uninitialized;
	struct bpf_prog *prog;
	int done;

	prog = rcu_dereference_check(priv->xdp_prog, rcu_read_lock_bh_held());
	if (prog)
		vpair_xdp_poll_start(&xdp, budget);
	done = vpair_napi_receive(rq, prog, &xdp, budget, &bql);
	/* XDP_TX and XDP_REDIRECT leave before the poll ends */
	if (prog)
		vpair_xdp_poll_end(rq, &xdp);
	if (bql.txq)
		netdev_tx_completed_queue(bql.txq, bql.pkts, bql.bytes);

	if (done < budget && napi_complete_done(napi, done)) {
		/* the flag is cleared before the ring is read again */
		smp_store_mb(rq->notify_masked, false);
		if (unlikely(!__ptr_ring_empty(&rq->ring)))
			vpair_napi_kick(rq);
	}
	vpair_napi_release(rq);
	return done;
}

/*
 * A packet that will not be polled (its ring goes or shrinks): counted
 * as a drop of its rx queue, no longer as sent by the peer's tx queue of
 * the same number. The poll is off, so nothing else completes the
 * sending queue's BQL meanwhile. Under RTNL.
 */
static void vpair_napi_drop(void *ptr)
{
	struct sk_buff *skb = ptr;
	struct vpair_napi_cb *cb = vpair_napi_cb(skb);
	struct vpair_end *priv = netdev_priv(skb->dev);
	struct net_device *peer = rtnl_dereference(priv->peer);
	u16 q = skb_get_rx_queue(skb);

	if (cb->bql_txq)
		netdev_tx_completed_queue(cb->bql_txq, 1, cb->len);
	if (peer)
		vpair_pair_uncount_tx(peer, q, cb->len);
	vpair_napi_count_drop(skb->dev, q);
	kfree_skb(skb);
}

/*
 * Rings, instances and page pools for rx queues [@start, @end): all or
 * none. A pool comes after its instance, which it names, and before the
 * instance runs.
 */
static int vpair_napi_add_range(struct net_device *dev, unsigned int start,
				unsigned int end)
{
	struct vpair_end *priv = netdev_priv(dev);
	unsigned int i;
	int err;

	for (i = start; i < end; i++) {
		err = ptr_ring_init(&priv->rxq[i].ring, priv->ring_size,
				    GFP_KERNEL_ACCOUNT);
		if (err)
			goto err_rings;
	}
	for (i = start; i < end; i++) {
		struct vpair_rxq *rq = &priv->rxq[i];

		WRITE_ONCE(rq->notify_masked, false);
		netif_napi_add(dev, &rq->napi, vpair_napi_poll);
		vpair_xdp_rxq_init(dev, rq, i);
		err = vpair_xdp_pool_create(rq);
		if (err)
			goto err_pools;
	}
	for (i = start; i < end; i++) {
		struct vpair_rxq *rq = &priv->rxq[i];

		napi_enable(&rq->napi);
		netif_queue_set_napi(dev, i, NETDEV_QUEUE_TYPE_RX, &rq->napi);
		rcu_assign_pointer(rq->live, &rq->napi);
	}
	return 0;

err_pools:
	/* the instance of the queue whose pool failed is there too */
	netif_napi_del(&priv->rxq[i].napi);
	while (i-- > start) {
		vpair_xdp_pool_destroy(&priv->rxq[i]);
		netif_napi_del(&priv->rxq[i].napi);
	}
	i = end;
err_rings:
	while (i-- > start)
		ptr_ring_cleanup(&priv->rxq[i].ring, NULL);
	return err;
}

/* The peer's tx queue @q, stopped on a ring that is gone, sends again. */
static void vpair_napi_wake_peer(struct net_device *dev, unsigned int q)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);
	struct netdev_queue *txq;

	txq = vpair_napi_peer_txq(dev, peer, &priv->rxq[q]);
	if (txq && netif_tx_queue_stopped(txq))
		netif_tx_wake_queue(txq);
}

static void vpair_napi_del_range(struct net_device *dev, unsigned int start,
				 unsigned int end)
{
	struct vpair_end *priv = netdev_priv(dev);
	unsigned int i;

	for (i = start; i < end; i++) {
		struct vpair_rxq *rq = &priv->rxq[i];

		/* senders that still see the ring live cannot schedule it */
		RCU_INIT_POINTER(rq->live, NULL);
		netif_queue_set_napi(dev, i, NETDEV_QUEUE_TYPE_RX, NULL);
		napi_disable(&rq->napi);
		__netif_napi_del(&rq->napi);
	}
	/* no sender is on the rings any more, no reader on the instances */
	synchronize_net();

	for (i = start; i < end; i++) {
		ptr_ring_cleanup(&priv->rxq[i].ring, vpair_napi_drop);
		vpair_napi_wake_peer(dev, i);
	}
	/* after the purge, which gave the pools back what the rings held */
	for (i = start; i < end; i++)
		vpair_xdp_pool_destroy(&priv->rxq[i]);
}

static int vpair_napi_start(struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);
	int err;

	if (priv->napi_on)
		return 0;
	err = vpair_napi_add_range(dev, 0, dev->real_num_rx_queues);
	if (err)
		return err;
	priv->napi_on = true;
	return 0;
}

static void vpair_napi_stop(struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);

	if (!priv->napi_on)
		return;
	vpair_napi_del_range(dev, 0, dev->real_num_rx_queues);
	priv->napi_on = false;
}

int vpair_napi_open(struct net_device *dev)
{
	if (!vpair_napi_wanted(dev, dev->features))
		return 0;
	return vpair_napi_start(dev);
}

void vpair_napi_close(struct net_device *dev)
{
	vpair_napi_stop(dev);
}

/* The mode of a running end follows @features and its program. */
static int vpair_napi_apply(struct net_device *dev, netdev_features_t features)
{
	if (!netif_running(dev))
		return 0;
	if (vpair_napi_wanted(dev, features))
		return vpair_napi_start(dev);
	vpair_napi_stop(dev);
	return 0;
}

/* ndo_set_features: GRO turned on or off. */
int vpair_napi_set_features(struct net_device *dev, netdev_features_t features)
{
	netdev_features_t changed = dev->features ^ features;

	if (!(changed & NETIF_F_GRO))
		return 0;
	return vpair_napi_apply(dev, features);
}

/* A program was attached or detached. */
int vpair_napi_update(struct net_device *dev)
{
	return vpair_napi_apply(dev, dev->features);
}

/* Before rx queues up to @rx go live: their rings, if the mode is on. */
int vpair_napi_grow_channels(struct net_device *dev, unsigned int rx)
{
	struct vpair_end *priv = netdev_priv(dev);

	if (!priv->napi_on || rx <= dev->real_num_rx_queues)
		return 0;
	return vpair_napi_add_range(dev, dev->real_num_rx_queues, rx);
}

/*
 * After a channel change (or its failure): the rings of rx queues below
 * @end that are no longer in use go.
 */
void vpair_napi_trim_channels(struct net_device *dev, unsigned int end)
{
	struct vpair_end *priv = netdev_priv(dev);

	if (!priv->napi_on || end <= dev->real_num_rx_queues)
		return;
	vpair_napi_del_range(dev, dev->real_num_rx_queues, end);
}

/* The poll is back: what senders rang meanwhile is picked up. */
static void vpair_napi_restart(struct vpair_rxq *rq)
{
	WRITE_ONCE(rq->notify_masked, false);
	napi_enable(&rq->napi);
	local_bh_disable();
	vpair_napi_kick(rq);
	local_bh_enable();
}

/*
 * ethtool -G rx: every live ring gets @size slots, or none does. The
 * polls stop meanwhile (the swap takes the consumer lock, which the
 * poll does not); senders go on, into the old ring or the new one.
 */
int vpair_napi_set_ring(struct net_device *dev, u32 size)
{
	struct vpair_end *priv = netdev_priv(dev);
	unsigned int n = dev->real_num_rx_queues;
	struct ptr_ring **rings;
	unsigned int i;
	int err;

	if (!priv->napi_on) {
		priv->ring_size = size;
		return 0;
	}
	rings = kmalloc_array(n, sizeof(*rings), GFP_KERNEL);
	if (!rings)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		rings[i] = &priv->rxq[i].ring;
		napi_disable(&priv->rxq[i].napi);
	}
	/* a poll that completed may still be testing its ring for empty */
	synchronize_net();
	err = ptr_ring_resize_multiple_bh(rings, n, size, GFP_KERNEL_ACCOUNT,
					  vpair_napi_drop);
	for (i = 0; i < n; i++)
		vpair_napi_restart(&priv->rxq[i]);
	kfree(rings);
	if (!err)
		priv->ring_size = size;
	return err;
}

int vpair_napi_init(struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);
	unsigned int i;

	priv->rxq = kvcalloc(dev->num_rx_queues, sizeof(*priv->rxq),
			     GFP_KERNEL_ACCOUNT);
	if (!priv->rxq)
		return -ENOMEM;
	for (i = 0; i < dev->num_rx_queues; i++)
		u64_stats_init(&priv->rxq[i].xdp_stats.syncp);
	priv->ring_size = VPAIR_RING_DEFAULT;
	return 0;
}

void vpair_napi_free(struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);

	kvfree(priv->rxq);
	priv->rxq = NULL;
}
