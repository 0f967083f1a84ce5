// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: XDP on char-device TAP interfaces, as tun has it.
 *
 * A program attached to a vtap (ndo_bpf) runs on every written frame.
 * A small frame without GSO, on a queue whose send buffer is unlimited,
 * meets it as an xdp_buff in a page fragment before any skb exists:
 * XDP_PASS builds the skb around that buffer, XDP_TX hands the frame
 * back to the interface's readers, XDP_REDIRECT sends it on, XDP_DROP
 * and XDP_ABORTED count a receive drop. Any other write meets it as an
 * skb (generic XDP), where the core does the acting and nothing but
 * XDP_PASS is counted, as with tun.
 *
 * Frames redirected into the interface (ndo_xdp_xmit, XDP_TX) become
 * skbs on their way into a queue's ring, so every ring holds skbs only:
 * read() returns them like any packet the stack sent (with a zeroed
 * virtio_net_hdr), and they count as transmitted once read.
 */
#include <linux/bpf.h>
#include <linux/etherdevice.h>
#include <linux/filter.h>
#include <linux/skbuff.h>
#include <linux/uio.h>
#include <net/xdp.h>
#include <trace/events/xdp.h>

#include "tun.h"

#define VPAIR_TUN_XDP_PAD	(NET_SKB_PAD + NET_IP_ALIGN + \
				 XDP_PACKET_HEADROOM)

/* ndo_bpf: XDP_SETUP_PROG only; the core hands over the reference. */
int vpair_tun_xdp_bpf(struct net_device *dev, struct netdev_bpf *bpf)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);
	struct bpf_prog *old;

	if (bpf->command != XDP_SETUP_PROG)
		return -EINVAL;
	old = rtnl_dereference(tdev->xdp_prog);
	rcu_assign_pointer(tdev->xdp_prog, bpf->prog);
	if (old)
		bpf_prog_put(old);
	return 0;
}

/* Frames in, as skbs with the MAC header in front like a transmitted one. */
static struct sk_buff *vpair_tun_xdp_frame_skb(struct xdp_frame *frame,
					       struct net_device *dev)
{
	struct sk_buff *skb = xdp_build_skb_from_frame(frame, dev);

	if (!skb)
		return NULL;
	skb_push(skb, ETH_HLEN);
	return skb;
}

/*
 * ndo_xdp_xmit: into the ring of the queue this CPU maps to, as tun
 * does. Frames that do not fit are left to the caller and counted as
 * transmit drops.
 */
int vpair_tun_xdp_xmit(struct net_device *dev, int n,
		       struct xdp_frame **frames, u32 flags)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);
	struct vpair_tun_file *tfile;
	unsigned int numqueues;
	struct sk_buff *skb;
	int sent, i;

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;

	rcu_read_lock();
	numqueues = READ_ONCE(tdev->numqueues);
	tfile = numqueues ? rcu_dereference(tdev->tfiles[smp_processor_id() %
							 numqueues]) : NULL;
	if (!tfile) {
		rcu_read_unlock();
		return -ENXIO;
	}

	spin_lock(&tfile->ring.producer_lock);
	for (sent = 0; sent < n; sent++) {
		if (__ptr_ring_full(&tfile->ring))
			break;
		skb = vpair_tun_xdp_frame_skb(frames[sent], dev);
		if (!skb)
			break;
		__ptr_ring_produce(&tfile->ring, skb);
	}
	spin_unlock(&tfile->ring.producer_lock);

	for (i = sent; i < n; i++)
		dev_core_stats_tx_dropped_inc(dev);
	if (sent)
		vpair_tun_dev_wake_reader(tfile);
	rcu_read_unlock();
	return sent;
}

/* XDP_TX: the frame goes back to the interface's readers. */
static int vpair_tun_xdp_tx(struct net_device *dev, struct xdp_buff *xdp)
{
	struct xdp_frame *frame = xdp_convert_buff_to_frame(xdp);

	if (unlikely(!frame))
		return -EOVERFLOW;
	if (vpair_tun_xdp_xmit(dev, 1, &frame, XDP_XMIT_FLUSH) != 1) {
		xdp_return_frame_rx_napi(frame);
		return -ENOSPC;
	}
	return 0;
}

/* What the program said, done; the buffer's page is taken when kept. */
static void vpair_tun_xdp_act(struct net_device *dev, struct bpf_prog *prog,
			      struct xdp_buff *xdp, u32 act,
			      struct page_frag *frag, unsigned int buflen)
{
	unsigned int len = xdp->data_end - xdp->data;
	int err;

	switch (act) {
	case XDP_TX:
	case XDP_REDIRECT:
		get_page(frag->page);
		frag->offset += buflen;
		if (act == XDP_TX) {
			err = vpair_tun_xdp_tx(dev, xdp);
		} else {
			err = xdp_do_redirect(dev, xdp, prog);
			if (err)
				put_page(frag->page);
			else
				xdp_do_flush();
		}
		if (err)
			break;
		dev_sw_netstats_rx_add(dev, len);
		return;
	default:
		bpf_warn_invalid_xdp_action(dev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		trace_xdp_exception(dev, prog, act);
		fallthrough;
	case XDP_DROP:
		break;
	}
	dev_core_stats_rx_dropped_inc(dev);
}

/*
 * The core's receive queue info of @tfile's queue, registered for every
 * queue the device has (what generic XDP uses; page-shared memory): no
 * per-frame copy to build. An index from a device the file was attached
 * to since the write began may be out of @dev's range: queue 0 then.
 */
static struct xdp_rxq_info *vpair_tun_xdp_rxq(struct vpair_tun_file *tfile,
					      struct net_device *dev)
{
	u16 idx = READ_ONCE(tfile->queue_index);

	if (unlikely(idx >= dev->num_rx_queues))
		idx = 0;
	return &__netif_get_rx_queue(dev, idx)->xdp_rxq;
}

/*
 * Run the program on the @len bytes at @buf + @pad: true if it passed
 * them, with @pad and @len as it left them.
 */
static bool vpair_tun_xdp_run(struct vpair_tun_file *tfile,
			      struct vpair_tun_dev *tdev,
			      struct page_frag *frag, unsigned int buflen,
			      int *pad, size_t *len)
{
	struct bpf_net_context ctx, *bpf_net_ctx;
	void *buf = page_address(frag->page) + frag->offset;
	struct bpf_prog *prog;
	struct xdp_buff xdp;
	u32 act = XDP_PASS;

	local_bh_disable();
	rcu_read_lock();
	bpf_net_ctx = bpf_net_ctx_set(&ctx);
	prog = rcu_dereference(tdev->xdp_prog);
	if (prog) {
		xdp_init_buff(&xdp, buflen, vpair_tun_xdp_rxq(tfile,
							      tdev->dev));
		xdp_prepare_buff(&xdp, buf, *pad, *len, false);
		act = bpf_prog_run_xdp(prog, &xdp);
		if (act == XDP_PASS) {
			*pad = xdp.data - xdp.data_hard_start;
			*len = xdp.data_end - xdp.data;
		} else {
			vpair_tun_xdp_act(tdev->dev, prog, &xdp, act, frag,
					  buflen);
		}
	}
	bpf_net_ctx_clear(bpf_net_ctx);
	rcu_read_unlock();
	local_bh_enable();
	return act == XDP_PASS;
}

/* tun's rule for meeting the program before an skb exists. */
bool vpair_tun_xdp_native(struct vpair_tun_file *tfile,
			  struct vpair_tun_dev *tdev,
			  const struct virtio_net_hdr_v1_hash_tunnel *vhdr,
			  size_t len)
{
	return rcu_access_pointer(tdev->xdp_prog) &&
	       !vhdr->hash_hdr.hdr.gso_type &&
	       !READ_ONCE(tfile->napi_frags) &&
	       READ_ONCE(tfile->sk.sk_sndbuf) == INT_MAX &&
	       SKB_DATA_ALIGN(len + VPAIR_TUN_XDP_PAD) +
	       SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) <= PAGE_SIZE;
}

/*
 * A write that vpair_tun_xdp_native() accepted, headers taken off: into
 * a page fragment of the writer's, through the program, and on XDP_PASS
 * into the stack as an skb around the same buffer.
 */
int vpair_tun_xdp_write(struct vpair_tun_file *tfile,
			struct vpair_tun_dev *tdev,
			const struct vpair_tun_framing *framing,
			const struct virtio_net_hdr_v1_hash_tunnel *vhdr,
			struct iov_iter *from, size_t len)
{
	unsigned int buflen = SKB_DATA_ALIGN(len + VPAIR_TUN_XDP_PAD) +
			      SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	struct page_frag *frag = &current->task_frag;
	int pad = VPAIR_TUN_XDP_PAD;
	struct sk_buff *skb;
	int err = -ENOMEM;

	frag->offset = ALIGN((u64)frag->offset, SMP_CACHE_BYTES);
	if (!skb_page_frag_refill(buflen, frag, GFP_KERNEL))
		goto drop;
	err = -EFAULT;
	if (copy_page_from_iter(frag->page, frag->offset + pad, len,
				from) != len)
		goto drop;

	if (!vpair_tun_xdp_run(tfile, tdev, frag, buflen, &pad, &len))
		return 0;

	err = -ENOMEM;
	skb = build_skb(page_address(frag->page) + frag->offset, buflen);
	if (!skb)
		goto drop;
	get_page(frag->page);
	frag->offset += buflen;
	skb_reserve(skb, pad);
	skb_put(skb, len);
	skb_set_owner_w(skb, &tfile->sk);
	return vpair_tun_chr_inject(tfile, tdev, framing, vhdr, skb, 0, true);

drop:
	dev_core_stats_rx_dropped_inc(tdev->dev);
	return err;
}

/*
 * Generic XDP on a written skb that did not meet the program before
 * (GSO, large, IFF_NAPI_FRAGS, a limited send buffer). False if the
 * program kept or dropped it. An IFF_NAPI_FRAGS skb the core replaced
 * becomes the NAPI instance's.
 */
bool vpair_tun_xdp_generic(struct vpair_tun_file *tfile,
			   struct vpair_tun_dev *tdev, struct sk_buff **pskb)
{
	struct sk_buff *old = *pskb;
	struct bpf_prog *prog;
	int act = XDP_PASS;

	if (!rcu_access_pointer(tdev->xdp_prog))
		return true;
	local_bh_disable();
	rcu_read_lock();
	prog = rcu_dereference(tdev->xdp_prog);
	if (prog)
		act = do_xdp_generic(prog, pskb);
	rcu_read_unlock();
	local_bh_enable();

	if (READ_ONCE(tfile->napi_frags) && tfile->napi.skb == old)
		tfile->napi.skb = act == XDP_PASS ? *pskb : NULL;
	return act == XDP_PASS;
}
