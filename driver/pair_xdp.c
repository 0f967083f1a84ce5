// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: native XDP on a pair end's receive, and frames sent into an end.
 *
 * A program attached to an end (ndo_bpf) puts the end's rx queues in
 * NAPI mode (pair_napi.c) and runs in their poll on every packet the
 * peer sent. The packet is an skb already; the program sees its buffer
 * in place when the skb owns a page fragment with room for XDP in front
 * (not shared, cloned or paged; a page pool's page too, such as a frame
 * the peer's program sent back), else a copy in pages of the rx queue's
 * page pool. XDP_PASS hands the skb on to GRO,
 * XDP_TX sends the frame back through the peer, XDP_REDIRECT sends it
 * on, XDP_DROP and XDP_ABORTED free it. A copy becomes an skb only on
 * XDP_PASS; its pages go back to the pool wherever it ends: straight
 * back on a drop, with its skb, or returned as a frame (which says
 * MEM_TYPE_PAGE_POOL; a frame of a buffer run in place says
 * MEM_TYPE_PAGE_SHARED).
 *
 * Frames sent into an end (ndo_xdp_xmit, and XDP_TX of the end's own
 * program) arrive at its peer: they become skbs around the frame's
 * buffer and go on the peer's ring, so that the peer's poll runs its
 * program on them like on anything else; a peer without rings (neither
 * GRO nor a program) takes them in its backlog. A ring that holds skbs
 * only keeps one set of rules for the ring (BQL, backpressure, resizes,
 * teardown): a frame costs an skb before the peer's program sees it.
 *
 * Multi-buffer: a program that takes frags (xdp.frags) sees a packet
 * longer than a page as a copy in several pages of the pool, the first
 * one with the headers, and while an end has such a program its peer's
 * MTU is not capped. Any other program caps it to what one page holds.
 * Either way the peer does not segment in software late (no GSO
 * offloads), as on veth. Every tx queue of the peer must feed an rx
 * queue of the end (channels).
 *
 * The XDP metadata kfuncs are in pair_xdp_meta.c.
 */
#include <linux/bpf.h>
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/if_vlan.h>
#include <net/checksum.h>
#include <net/xdp.h>
#include <trace/events/xdp.h>

#include "pair.h"

#define VPAIR_XDP_HEADROOM	(XDP_PACKET_HEADROOM + NET_IP_ALIGN)

/* The largest frame, link-layer header included, that one page holds. */
static unsigned int vpair_xdp_max_frame(void)
{
	return SKB_WITH_OVERHEAD(PAGE_SIZE - VPAIR_XDP_HEADROOM);
}

/*
 * The largest MTU of a peer whose frames @prog sees: any with frags, else
 * what fits one page, VLAN tag included.
 */
static unsigned int vpair_xdp_max_mtu(const struct net_device *peer,
				      const struct bpf_prog *prog)
{
	if (prog->aux->xdp_has_frags)
		return ETH_MAX_MTU;
	return vpair_xdp_max_frame() - peer->hard_header_len - VLAN_HLEN;
}

/*
 * Advertised from the start: an end takes frames with or without a
 * program, and has the metadata kfuncs where the kernel has their
 * current form (compat.h).
 */
void vpair_xdp_setup(struct net_device *dev)
{
	xdp_set_features_flag(dev, NETDEV_XDP_ACT_BASIC |
			      NETDEV_XDP_ACT_REDIRECT |
			      NETDEV_XDP_ACT_NDO_XMIT |
			      NETDEV_XDP_ACT_RX_SG |
			      NETDEV_XDP_ACT_NDO_XMIT_SG);
	compat_set_xdp_metadata_ops(dev, &vpair_xdp_metadata_ops);
}

static struct bpf_prog *vpair_xdp_prog_of(struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);

	return rtnl_dereference(priv->xdp_prog);
}

/*
 * ndo_fix_features: no GSO towards an end with a program, and no SCTP
 * CRC left to the end: a frame sent on by XDP_TX or
 * XDP_REDIRECT only gets an internet checksum filled in (vpair_xdp_csum).
 */
netdev_features_t vpair_xdp_fix_features(struct net_device *dev,
					 netdev_features_t features)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	if (peer && vpair_xdp_prog_of(peer))
		features &= ~(NETIF_F_GSO_SOFTWARE | NETIF_F_SCTP_CRC);
	return features;
}

/*
 * ethtool -L on @dev: while an end has a program, every tx queue of its
 * peer must have an rx queue of the end's to feed.
 */
int vpair_xdp_check_channels(struct net_device *dev, unsigned int rx,
			     unsigned int tx)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	if (!peer)
		return 0;
	if (vpair_xdp_prog_of(dev) && rx < peer->real_num_tx_queues)
		return -EINVAL;
	if (vpair_xdp_prog_of(peer) && tx > peer->real_num_rx_queues)
		return -EINVAL;
	return 0;
}

static int vpair_xdp_may_attach(struct net_device *dev,
				struct net_device *peer,
				const struct bpf_prog *prog,
				struct netlink_ext_ack *extack)
{
	if (!peer) {
		NL_SET_ERR_MSG_MOD(extack, "The end has no peer to receive from");
		return -ENOTCONN;
	}
	if (peer->mtu > vpair_xdp_max_mtu(peer, prog)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Peer MTU too large for a program without frags: frames must fit one page");
		return -ERANGE;
	}
	if (dev->real_num_rx_queues < peer->real_num_tx_queues) {
		NL_SET_ERR_MSG_MOD(extack,
				   "XDP needs at least as many rx queues as the peer has tx queues");
		return -ENOSPC;
	}
	return 0;
}

/* While an end has @prog, its peer sends nothing @prog cannot see whole. */
static void vpair_xdp_limit_peer(struct net_device *peer,
				 const struct bpf_prog *prog)
{
	if (prog) {
		peer->hw_features &= ~NETIF_F_GSO_SOFTWARE;
		peer->max_mtu = vpair_xdp_max_mtu(peer, prog);
	} else {
		peer->hw_features |= NETIF_F_GSO_SOFTWARE;
		peer->max_mtu = ETH_MAX_MTU;
	}
	netdev_update_features(peer);
}

/*
 * XDP_SETUP_PROG: @prog (a reference the core hands over) replaces the
 * program, NULL detaches it. The rings exist before the program is
 * used; they go, unless GRO keeps them, once it is no longer in use.
 */
static int vpair_xdp_set(struct net_device *dev, struct bpf_prog *prog,
			 struct netlink_ext_ack *extack)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);
	struct bpf_prog *old = rtnl_dereference(priv->xdp_prog);
	int err;

	if (prog) {
		err = vpair_xdp_may_attach(dev, peer, prog, extack);
		if (err)
			return err;
	}

	rcu_assign_pointer(priv->xdp_prog, prog);
	err = vpair_napi_update(dev);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "Cannot set up the rx rings for XDP");
		goto err_restore;
	}
	if (peer)
		vpair_xdp_limit_peer(peer, prog);
	if (old)
		bpf_prog_put(old);
	return 0;

err_restore:
	rcu_assign_pointer(priv->xdp_prog, old);
	return err;
}

int vpair_xdp_bpf(struct net_device *dev, struct netdev_bpf *bpf)
{
	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return vpair_xdp_set(dev, bpf->prog, bpf->extack);
	default:
		return -EINVAL;
	}
}

/*
 * The buffers of an rx queue's programs are page fragments of the skbs
 * run in place (page_frag_free()) and pages of the queue's pool: the
 * memory model of the queue is set as each buffer is made, before
 * anything can go back through it (a frag the program trims off, a
 * frame that leaves). A frag is a whole page of the pool, which the
 * program may grow its tail into.
 */
void vpair_xdp_rxq_init(struct net_device *dev, struct vpair_rxq *rq,
			unsigned int q)
{
	memset(&rq->xdp_rxq, 0, sizeof(rq->xdp_rxq));
	rq->xdp_rxq.dev = dev;
	rq->xdp_rxq.queue_index = q;
	rq->xdp_rxq.mem.type = MEM_TYPE_PAGE_SHARED;
	rq->xdp_rxq.frag_size = PAGE_SIZE;
}

/*
 * The page pool of @rq's copies, for as long as its NAPI instance is
 * there (added, not yet enabled: the pool may recycle directly from it),
 * registered as a memory model of XDP so that frames of its pages find
 * their way back. A page still out when the pool goes (a frame in
 * another device's queue, an skb in a socket) keeps the pool's remains
 * until it comes back: the core's deferred release.
 */
int vpair_xdp_pool_create(struct vpair_rxq *rq)
{
	struct page_pool_params pp = {
		.order		= 0,
		.pool_size	= VPAIR_RING_DEFAULT,
		.nid		= NUMA_NO_NODE,
		.dev		= &rq->napi.dev->dev,
	};
	struct page_pool *pool;
	int err;

	compat_page_pool_set_napi(&pp, &rq->napi);
	pool = page_pool_create(&pp);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	err = xdp_reg_mem_model(&rq->pool_mem, MEM_TYPE_PAGE_POOL, pool);
	if (err)
		goto err_destroy;
	rq->pool = pool;
	return 0;

err_destroy:
	page_pool_destroy(pool);
	return err;
}

/*
 * After the poll stopped and the ring was purged (what it held of the
 * pool's pages is back). Unregistering the model drops its hold on the
 * pool, page_pool_destroy() ours.
 */
void vpair_xdp_pool_destroy(struct vpair_rxq *rq)
{
	xdp_unreg_mem_model(&rq->pool_mem);
	page_pool_destroy(rq->pool);
	rq->pool = NULL;
}

/*
 * ethtool -S: the counters of the pools of @dev's rx queues, summed (a
 * queue without NAPI has none). Under RTNL, which pools change under.
 */
void vpair_xdp_pool_stats(struct net_device *dev, u64 *data)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct compat_pp_stats st = {};
	unsigned int q;

	for (q = 0; q < dev->real_num_rx_queues; q++)
		if (priv->rxq[q].pool)
			compat_pp_stats_add(&st, priv->rxq[q].pool);
	compat_pp_stats_put(data, &st);
}

/* --- frames into an end: onto its peer's ring --------------------------- */

/* The longest frame the peer's stack would take from a transmit. */
static unsigned int vpair_xdp_max_len(const struct net_device *peer)
{
	return READ_ONCE(peer->mtu) + peer->hard_header_len + VLAN_HLEN;
}

/*
 * The frame as an skb of @peer's. Its network header is where a
 * transmitted packet has it, for what dissects it before the stack
 * does (the hash of a metadata kfunc, RPS).
 */
static struct sk_buff *vpair_xdp_frame_skb(struct xdp_frame *frame,
					   struct net_device *peer, u16 q)
{
	struct sk_buff *skb = xdp_build_skb_from_frame(frame, peer);

	if (skb) {
		skb_reset_network_header(skb);
		skb_record_rx_queue(skb, q);
	}
	return skb;
}

/*
 * What an end does not send on, as vpair_pair_xmit() would not: a frame
 * shorter than a link-layer header, or other than IP out of an l3 end.
 * A refused frame is freed and counted in @dropped.
 */
static bool vpair_xdp_refuse(const struct vpair_end *priv,
			     struct xdp_frame *frame, int *dropped)
{
	const struct ethhdr *eth = frame->data;

	if (likely(frame->len >= ETH_HLEN &&
		   vpair_pair_proto_ok(priv, eth)))
		return false;
	xdp_return_frame(frame);
	(*dropped)++;
	return true;
}

/*
 * As many of @frames as @rq has room for, in order, as skbs. A frame is
 * only made an skb once it has a slot: the rest stay the caller's.
 */
static int vpair_xdp_to_ring(const struct vpair_end *priv,
			     struct net_device *peer, struct vpair_rxq *rq,
			     u16 q, struct xdp_frame **frames, int n,
			     unsigned int *bytes, int *dropped)
{
	unsigned int max_len = vpair_xdp_max_len(peer);
	struct sk_buff *skb;
	unsigned int len;
	int i;

	spin_lock(&rq->ring.producer_lock);
	for (i = 0; i < n; i++) {
		len = xdp_get_frame_len(frames[i]);
		if (__ptr_ring_full(&rq->ring) || len > max_len)
			break;
		if (unlikely(vpair_xdp_refuse(priv, frames[i], dropped)))
			continue;
		skb = vpair_xdp_frame_skb(frames[i], peer, q);
		if (!skb)
			break;
		__vpair_napi_queue(rq, skb, len);
		*bytes += len;
	}
	spin_unlock(&rq->ring.producer_lock);
	if (i)
		vpair_napi_kick(rq);
	return i;
}

/* A peer without rings: its backlog, as a transmitted packet would. */
static int vpair_xdp_to_backlog(const struct vpair_end *priv,
				struct net_device *peer, u16 q,
				struct xdp_frame **frames, int n,
				unsigned int *bytes, int *dropped)
{
	unsigned int max_len = vpair_xdp_max_len(peer);
	struct sk_buff *skb;
	unsigned int len;
	int i;

	for (i = 0; i < n; i++) {
		len = xdp_get_frame_len(frames[i]);
		if (len > max_len)
			break;
		if (unlikely(vpair_xdp_refuse(priv, frames[i], dropped)))
			continue;
		skb = vpair_xdp_frame_skb(frames[i], peer, q);
		if (!skb)
			break;
		if (netif_rx(skb) == NET_RX_DROP)
			(*dropped)++;
		else
			*bytes += len;
	}
	return i;
}

static void vpair_xdp_count_tx_drops(struct net_device *dev, u16 q, int n)
{
	struct vpair_end *priv = netdev_priv(dev);

	if (!n)
		return;
	atomic64_add(n, &priv->tx_drops[q]);
	while (n--)
		dev_core_stats_tx_dropped_inc(dev);
}

/*
 * The rx queue of @peer that frames sent through @dev land on, and the
 * tx queue of @dev they count on: one that feeds it, as for transmits.
 */
static u16 vpair_xdp_queue(const struct net_device *dev,
			   const struct net_device *peer)
{
	unsigned int n = min(READ_ONCE(dev->real_num_tx_queues),
			     READ_ONCE(peer->real_num_rx_queues));

	return smp_processor_id() % max(n, 1U);
}

/*
 * Frames sent through @dev, counted as its transmits: how many of
 * @frames were taken (the rest stay the caller's), or an errno if none
 * could be. Frames taken but refused or dropped by the peer's backlog
 * count as transmit drops of the queue, and so do the frames left over
 * when @count_drops.
 */
static int vpair_xdp_send(struct net_device *dev, struct xdp_frame **frames,
			  int n, bool count_drops)
{
	struct vpair_end *peer_priv, *priv = netdev_priv(dev);
	unsigned int bytes = 0;
	struct net_device *peer;
	struct vpair_rxq *rq;
	int sent, dropped = 0;
	u16 q;

	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	if (unlikely(!peer)) {
		if (count_drops)
			vpair_xdp_count_tx_drops(dev, 0, n);
		rcu_read_unlock();
		return -ENXIO;
	}
	peer_priv = netdev_priv(peer);
	q = vpair_xdp_queue(dev, peer);
	rq = &peer_priv->rxq[q];
	if (unlikely(!netif_running(peer)))
		sent = -ENETDOWN;
	else if (rcu_access_pointer(rq->live))
		sent = vpair_xdp_to_ring(priv, peer, rq, q, frames, n, &bytes,
					 &dropped);
	else
		sent = vpair_xdp_to_backlog(priv, peer, q, frames, n, &bytes,
					    &dropped);
	if (sent > 0)
		vpair_pair_count_tx(priv, q, sent - dropped, bytes);
	/* what was taken and dropped always; the rest only when asked */
	vpair_xdp_count_tx_drops(dev, q, dropped +
				 (count_drops ? n - max(sent, 0) : 0));
	rcu_read_unlock();
	return sent;
}

/* ndo_xdp_xmit: frames redirected into @dev arrive at its peer. */
int vpair_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		   u32 flags)
{
	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;
	/* the peer's poll is scheduled for every batch: nothing to flush */
	return vpair_xdp_send(dev, frames, n, true);
}

/* --- the program on an rx queue ----------------------------------------- */

/* A drop the ring's queue counts (ip -s link and ethtool -S). */
static void vpair_xdp_count_drop(struct vpair_rxq *rq)
{
	struct net_device *dev = rq->xdp_rxq.dev;
	struct vpair_end *priv = netdev_priv(dev);

	atomic64_inc(&priv->rx_drops[rq->xdp_rxq.queue_index]);
	dev_core_stats_rx_dropped_inc(dev);
}

/*
 * The copy's pages (if any), its frags' too, back to the pool: the
 * program's buffer will not leave. In the poll, the pool's own NAPI
 * context.
 */
static void vpair_xdp_put_copy(struct vpair_rxq *rq,
			       struct vpair_xdp_buff *vxdp)
{
	struct skb_shared_info *sinfo;
	int i;

	if (!vxdp->page)
		return;
	if (xdp_buff_has_frags(&vxdp->xdp)) {
		sinfo = xdp_get_shared_info_from_buff(&vxdp->xdp);
		for (i = 0; i < sinfo->nr_frags; i++)
			page_pool_recycle_direct(rq->pool,
						 skb_frag_page(&sinfo->frags[i]));
	}
	page_pool_recycle_direct(rq->pool, vxdp->page);
}

/* A verdict that could not be carried out: @skb (if any) goes. */
static void vpair_xdp_fail(struct vpair_rxq *rq, struct vpair_xdp_poll *p,
			   struct sk_buff *skb)
{
	p->n[VPAIR_XDP_ERRORS]++;
	vpair_xdp_count_drop(rq);
	kfree_skb(skb);
}

/* The same for a verdict on a buffer that has not left: all of it goes. */
static void vpair_xdp_fail_buff(struct vpair_rxq *rq, struct vpair_xdp_poll *p,
				struct vpair_xdp_buff *vxdp)
{
	vpair_xdp_put_copy(rq, vxdp);
	vpair_xdp_fail(rq, p, vxdp->skb);
}

/* Can the program have @skb's buffer as it is? */
static bool vpair_xdp_skb_ready(const struct sk_buff *skb)
{
	return !skb_shared(skb) && !skb_head_is_locked(skb) &&
	       !skb_is_nonlinear(skb) &&
	       skb_headroom(skb) >= VPAIR_XDP_HEADROOM;
}

/* The program runs on @skb's own buffer. */
static void vpair_xdp_skb_buff(struct vpair_rxq *rq, struct sk_buff *skb,
			       struct vpair_xdp_buff *vxdp)
{
	/* the head's tailroom always has room for skb_shared_info */
	u32 frame_sz = skb_end_pointer(skb) - skb->head +
		       SKB_DATA_ALIGN(sizeof(struct skb_shared_info));

	rq->xdp_rxq.mem = (struct xdp_mem_info){
		.type = MEM_TYPE_PAGE_SHARED,
	};
	xdp_init_buff(&vxdp->xdp, frame_sz, &rq->xdp_rxq);
	xdp_prepare_buff(&vxdp->xdp, skb->head, skb_headroom(skb),
			 skb_headlen(skb), true);
	vxdp->skb = skb;
	vxdp->page = NULL;
}

/* @skb's packet from @off on, in pages of @rq's pool: @xdp's frags. */
static bool vpair_xdp_copy_frags(struct vpair_rxq *rq, struct sk_buff *skb,
				 unsigned int off, struct xdp_buff *xdp)
{
	struct page *page;
	unsigned int len;

	for (; off < skb->len; off += len) {
		len = min_t(unsigned int, skb->len - off, PAGE_SIZE);
		page = page_pool_dev_alloc_pages(rq->pool);
		if (!page)
			return false;
		if (!compat_xdp_buff_add_page(xdp, page, len)) {
			page_pool_recycle_direct(rq->pool, page);
			return false;
		}
		if (skb_copy_bits(skb, off, page_address(page), len))
			return false;
	}
	return true;
}

/*
 * The program runs on a copy of @skb's packet in a page of @rq's pool,
 * with XDP's headroom and the rest of the page behind it; a program that
 * takes frags, on a longer packet, has the rest in more pages. False if
 * there is no copy. @skb stays beside it until the verdict, for the
 * kfuncs.
 */
static bool vpair_xdp_copy(struct vpair_rxq *rq, const struct bpf_prog *prog,
			   struct sk_buff *skb, struct vpair_xdp_buff *vxdp)
{
	unsigned int head = min(skb->len, vpair_xdp_max_frame());
	struct page *page;

	if (head < skb->len && !prog->aux->xdp_has_frags)
		return false;
	page = page_pool_dev_alloc_pages(rq->pool);
	if (!page)
		return false;
	rq->xdp_rxq.mem = rq->pool_mem;
	xdp_init_buff(&vxdp->xdp, PAGE_SIZE, &rq->xdp_rxq);
	xdp_prepare_buff(&vxdp->xdp, page_address(page), VPAIR_XDP_HEADROOM,
			 head, true);
	vxdp->skb = skb;
	vxdp->page = page;
	if (skb_copy_bits(skb, 0, vxdp->xdp.data, head) ||
	    (head < skb->len &&
	     !vpair_xdp_copy_frags(rq, skb, head, &vxdp->xdp))) {
		vpair_xdp_put_copy(rq, vxdp);
		return false;
	}
	return true;
}

/* Where the buffer has what @skb's data pointed to when the program began. */
static void *vpair_xdp_start(const struct vpair_xdp_buff *vxdp)
{
	if (vxdp->page)
		return page_address(vxdp->page) + VPAIR_XDP_HEADROOM;
	return vxdp->skb->data;
}

/*
 * XDP_PASS of a copy: an skb around the copy's pages as the program left
 * them (the skb gives them back to the pool when freed), with the fields
 * of @skb, which goes back to the NAPI cache the new one is taken from.
 * NULL if none (the pages and @skb are the caller's then).
 */
static struct sk_buff *vpair_xdp_copy_skb(struct vpair_xdp_buff *vxdp,
					  const struct vpair_xdp_poll *p)
{
	struct skb_shared_info *sinfo = xdp_get_shared_info_from_buff(&vxdp->xdp);
	struct sk_buff *nskb, *skb = vxdp->skb;
	struct xdp_buff *xdp = &vxdp->xdp;
	u32 frags_size = 0;
	u8 nr_frags = 0;

	/* building the skb clears the shared info's nr_frags */
	if (xdp_buff_has_frags(xdp)) {
		nr_frags = sinfo->nr_frags;
		frags_size = sinfo->xdp_frags_size;
	}
	nskb = napi_build_skb(xdp->data_hard_start, PAGE_SIZE);
	if (!nskb)
		return NULL;
	skb_mark_for_recycle(nskb);
	skb_reserve(nskb, xdp->data - xdp->data_hard_start);
	__skb_put(nskb, xdp->data_end - xdp->data);
	if (nr_frags)
		xdp_update_skb_frags_info(nskb, nr_frags, frags_size,
					  nr_frags * PAGE_SIZE, xdp->flags);
	skb_copy_header(nskb, skb);
	/* the header offsets of @skb's data, at where the copy began */
	skb_headers_offset_update(nskb, VPAIR_XDP_HEADROOM - skb_headroom(skb));
	/* the one field of the shared info that is the packet's own */
	skb_hwtstamps(nskb)->hwtstamp = vpair_xdp_hwtstamp(skb);
	napi_consume_skb(skb, p->budget);
	return nskb;
}

/*
 * XDP_PASS of a buffer run in place: @skb (linear) becomes what the
 * program left in its buffer.
 */
static void vpair_xdp_fit(struct sk_buff *skb, const struct xdp_buff *xdp)
{
	unsigned int len = xdp->data_end - xdp->data;
	int off = xdp->data - (void *)skb->data;

	if (off > 0)
		__skb_pull(skb, off);
	else
		__skb_push(skb, -off);
	if (len > skb->len)
		__skb_put(skb, len - skb->len);
	else
		__skb_trim(skb, len);
}

/* XDP_PASS: the skb of the program's buffer, on its way to the stack. */
static struct sk_buff *vpair_xdp_pass(struct vpair_rxq *rq,
				      struct sk_buff *skb,
				      const struct xdp_buff *xdp)
{
	unsigned int metalen = xdp->data - xdp->data_meta;

	/* the program may have changed what a complete sum covered */
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	skb->protocol = eth_type_trans(skb, rq->xdp_rxq.dev);
	if (metalen)
		skb_metadata_set(skb, metalen);
	return skb;
}

/* The sum of @xdp's bytes from @start (in the head) on, frags included. */
static __wsum vpair_xdp_sum(struct xdp_buff *xdp, void *start)
{
	int off = xdp->data_end - start;
	__wsum csum = csum_partial(start, off, 0);
	struct skb_shared_info *sinfo;
	const skb_frag_t *frag;
	int i;

	if (!xdp_buff_has_frags(xdp))
		return csum;
	sinfo = xdp_get_shared_info_from_buff(xdp);
	for (i = 0; i < sinfo->nr_frags; i++) {
		frag = &sinfo->frags[i];
		csum = csum_block_add(csum,
				      csum_partial(skb_frag_address(frag),
						   skb_frag_size(frag), 0),
				      off);
		off += skb_frag_size(frag);
	}
	return csum;
}

/*
 * A frame that leaves as a frame has its transport checksum filled in:
 * a locally sent skb left it to us (CHECKSUM_PARTIAL), and a frame has
 * no way to say so. The program may have moved the packet's ends but
 * not the bytes in the buffer, which csum_start still finds, counted
 * from where the skb's data was in the buffer.
 */
static bool vpair_xdp_csum(struct vpair_xdp_buff *vxdp)
{
	struct xdp_buff *xdp = &vxdp->xdp;
	struct sk_buff *skb = vxdp->skb;
	unsigned char *start;
	__sum16 *sum;
	__wsum csum;

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return true;
	/* a CRC (SCTP) is not ours to fill in: see vpair_xdp_fix_features */
	if (skb_csum_is_sctp(skb))
		return false;
	start = vpair_xdp_start(vxdp) + skb_checksum_start_offset(skb);
	sum = (__sum16 *)(start + skb->csum_offset);
	if ((void *)start < xdp->data || (void *)(sum + 1) > xdp->data_end)
		return false;
	csum = vpair_xdp_sum(xdp, start);
	*sum = csum_fold(csum) ?: CSUM_MANGLED_0;
	return true;
}

/*
 * The buffer has left with the frame: the skb goes back to the NAPI
 * cache that the next one is taken from. A copy's pages are the frame's
 * already; an skb run in place keeps a reference on its page fragment
 * for the frame. A page pool's page with that extra reference leaves
 * its pool when the skb lets go of it and is freed like any page when
 * the frame is, as on veth: a frame the peer's program sent back and
 * this end's sends on again is rare, a copy of every one that passes
 * is not.
 */
static void vpair_xdp_steal(const struct vpair_xdp_buff *vxdp,
			    const struct vpair_xdp_poll *p)
{
	if (!vxdp->page)
		get_page(virt_to_head_page(vxdp->skb->head));
	napi_consume_skb(vxdp->skb, p->budget);
}

/* The frames of this poll's XDP_TX, out through the peer. */
static void vpair_xdp_tx_flush(struct vpair_rxq *rq, struct vpair_xdp_poll *p)
{
	int sent, i;

	sent = vpair_xdp_send(rq->xdp_rxq.dev, p->tx, p->n_tx, false);
	for (i = max(sent, 0); i < p->n_tx; i++) {
		xdp_return_frame(p->tx[i]);
		p->n[VPAIR_XDP_ERRORS]++;
		vpair_xdp_count_drop(rq);
	}
	p->n_tx = 0;
}

static void vpair_xdp_tx(struct vpair_rxq *rq, struct vpair_xdp_buff *vxdp,
			 struct vpair_xdp_poll *p)
{
	struct xdp_frame *frame = xdp_convert_buff_to_frame(&vxdp->xdp);

	if (unlikely(!frame)) {
		vpair_xdp_fail_buff(rq, p, vxdp);
		return;
	}
	vpair_xdp_steal(vxdp, p);
	if (p->n_tx == VPAIR_XDP_TX_BULK)
		vpair_xdp_tx_flush(rq, p);
	p->tx[p->n_tx++] = frame;
}

static void vpair_xdp_redirect(struct vpair_rxq *rq, struct bpf_prog *prog,
			       struct vpair_xdp_buff *vxdp,
			       struct vpair_xdp_poll *p)
{
	vpair_xdp_steal(vxdp, p);
	if (xdp_do_redirect(rq->xdp_rxq.dev, &vxdp->xdp, prog)) {
		/* back where the queue's memory model says it belongs */
		xdp_return_buff(&vxdp->xdp);
		vpair_xdp_fail(rq, p, NULL);
		return;
	}
	p->redirected = true;
}

/* What the program said about the buffer, done; buffer and skb are gone. */
static void vpair_xdp_act(struct vpair_rxq *rq, struct bpf_prog *prog,
			  struct vpair_xdp_buff *vxdp, u32 act,
			  struct vpair_xdp_poll *p)
{
	struct net_device *dev = rq->xdp_rxq.dev;

	switch (act) {
	case XDP_TX:
	case XDP_REDIRECT:
		p->n[act == XDP_TX ? VPAIR_XDP_TX : VPAIR_XDP_REDIRECT]++;
		if (unlikely(!vpair_xdp_csum(vxdp))) {
			vpair_xdp_fail_buff(rq, p, vxdp);
			return;
		}
		if (act == XDP_TX)
			vpair_xdp_tx(rq, vxdp, p);
		else
			vpair_xdp_redirect(rq, prog, vxdp, p);
		return;
	case XDP_DROP:
		/* the program's choice, as on a NIC: no drop trace, a cached skb */
		p->n[VPAIR_XDP_DROP]++;
		vpair_xdp_put_copy(rq, vxdp);
		napi_consume_skb(vxdp->skb, p->budget);
		return;
	default:
		bpf_warn_invalid_xdp_action(dev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		trace_xdp_exception(dev, prog, act);
		p->n[VPAIR_XDP_ABORTED]++;
		vpair_xdp_count_drop(rq);
		vpair_xdp_put_copy(rq, vxdp);
		kfree_skb(vxdp->skb);
		return;
	}
}

/*
 * The program of @rq's end on @skb, which the peer sent (its link-layer
 * header pulled). Returns the skb to receive on XDP_PASS, else NULL.
 */
struct sk_buff *vpair_xdp_rcv(struct vpair_rxq *rq, struct bpf_prog *prog,
			      struct sk_buff *skb, struct vpair_xdp_poll *p)
{
	struct vpair_xdp_buff vxdp;
	u32 act;

	/*
	 * The network header where the stack will put it, behind the
	 * link-layer header: what dissects the packet meanwhile (the hash
	 * kfunc) then finds it, whatever the sender left there.
	 */
	skb_reset_network_header(skb);
	__skb_push(skb, skb->data - skb_mac_header(skb));
	if (vpair_xdp_skb_ready(skb)) {
		vpair_xdp_skb_buff(rq, skb, &vxdp);
	} else if (unlikely(!vpair_xdp_copy(rq, prog, skb, &vxdp))) {
		vpair_xdp_fail(rq, p, skb);
		return NULL;
	}

	act = bpf_prog_run_xdp(prog, &vxdp.xdp);
	if (act != XDP_PASS) {
		vpair_xdp_act(rq, prog, &vxdp, act, p);
		return NULL;
	}
	p->n[VPAIR_XDP_PASS]++;
	if (!vxdp.page) {
		vpair_xdp_fit(skb, &vxdp.xdp);
	} else {
		skb = vpair_xdp_copy_skb(&vxdp, p);
		if (unlikely(!skb)) {
			vpair_xdp_fail_buff(rq, p, &vxdp);
			return NULL;
		}
	}
	return vpair_xdp_pass(rq, skb, &vxdp.xdp);
}

static void vpair_xdp_add_stats(struct vpair_rxq *rq,
				const struct vpair_xdp_poll *p)
{
	struct vpair_xdp_rxstats *s = &rq->xdp_stats;

	/* once a poll, for every packet of a slow sender: no loop */
	BUILD_BUG_ON(VPAIR_XDP_NSTATS != 6);
	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->n[VPAIR_XDP_PASS], p->n[VPAIR_XDP_PASS]);
	u64_stats_add(&s->n[VPAIR_XDP_DROP], p->n[VPAIR_XDP_DROP]);
	u64_stats_add(&s->n[VPAIR_XDP_TX], p->n[VPAIR_XDP_TX]);
	u64_stats_add(&s->n[VPAIR_XDP_REDIRECT], p->n[VPAIR_XDP_REDIRECT]);
	u64_stats_add(&s->n[VPAIR_XDP_ABORTED], p->n[VPAIR_XDP_ABORTED]);
	u64_stats_add(&s->n[VPAIR_XDP_ERRORS], p->n[VPAIR_XDP_ERRORS]);
	u64_stats_update_end(&s->syncp);
}

/* At the end of a poll that ran the program: frames out, counters in. */
void vpair_xdp_poll_end(struct vpair_rxq *rq, struct vpair_xdp_poll *p)
{
	if (p->n_tx)
		vpair_xdp_tx_flush(rq, p);
	if (p->redirected)
		xdp_do_flush();
	vpair_xdp_add_stats(rq, p);
}

/* ethtool -S: the VPAIR_XDP_NSTATS counters of @rq. */
void vpair_xdp_rxq_stats(struct vpair_rxq *rq, u64 *data)
{
	const struct vpair_xdp_rxstats *s = &rq->xdp_stats;
	unsigned int start;
	int i;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		for (i = 0; i < VPAIR_XDP_NSTATS; i++)
			data[i] = u64_stats_read(&s->n[i]);
	} while (u64_stats_fetch_retry(&s->syncp, start));
}
