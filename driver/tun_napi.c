// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: IFF_NAPI and IFF_NAPI_FRAGS of /dev/net/vpair, with tun's rules.
 *
 * A queue attached with IFF_NAPI gets a NAPI instance of its own on the
 * interface. Its written packets wait on the file's socket write queue
 * and reach the stack through GRO when the instance is polled (by the
 * softirq the write raises, or by the instance's thread when the
 * interface's NAPI is threaded). With IFF_NAPI_FRAGS (TAP only, and only
 * for CAP_NET_ADMIN) a write is built as the instance's frags skb: what
 * is left of the iovec holding the end of the headers becomes the linear
 * part, each further iovec one page fragment, and GRO takes it at once.
 *
 * Lifetime: added and enabled when a file attaches, disabled while its
 * queue is detached by TUNSETQUEUE, deleted when the file lets go or the
 * interface goes, always before either is freed.
 */
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <linux/uio.h>

#include "tun.h"

/* The longest frame tun builds from fragments. */
#define VPAIR_TUN_FRAGS_MAX_LEN	(ETH_MAX_MTU - NET_SKB_PAD - NET_IP_ALIGN)

void vpair_tun_napi_file_init(struct vpair_tun_file *tfile)
{
	mutex_init(&tfile->napi_mutex);
}

/* Does @tfile's queue take written packets through its NAPI instance? */
bool vpair_tun_napi_on(const struct vpair_tun_file *tfile)
{
	return READ_ONCE(tfile->napi_dev);
}

/* Hand at most @budget queued packets to GRO. */
static int vpair_tun_napi_poll(struct napi_struct *napi, int budget)
{
	struct vpair_tun_file *tfile =
		container_of(napi, struct vpair_tun_file, napi);
	struct sk_buff_head *queue = &tfile->sk.sk_write_queue;
	struct sk_buff_head batch;
	struct sk_buff *skb;
	int done = 0;

	__skb_queue_head_init(&batch);
	spin_lock(&queue->lock);
	while (skb_queue_len(&batch) < budget &&
	       (skb = __skb_dequeue(queue)))
		__skb_queue_tail(&batch, skb);
	spin_unlock(&queue->lock);

	while ((skb = __skb_dequeue(&batch))) {
		napi_gro_receive(napi, skb);
		done++;
	}
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

static void vpair_tun_napi_set_live(struct vpair_tun_file *tfile,
				    struct vpair_tun_dev *tdev)
{
	spin_lock_bh(&tfile->sk.sk_write_queue.lock);
	tfile->napi_live = tdev;
	spin_unlock_bh(&tfile->sk.sk_write_queue.lock);
}

/* A new queue of @tdev: its NAPI instance, if TUNSETIFF asked for one. */
void vpair_tun_napi_add(struct vpair_tun_dev *tdev,
			struct vpair_tun_file *tfile, unsigned int flags)
{
	ASSERT_RTNL();
	if (!(flags & IFF_NAPI))
		return;
	mutex_lock(&tfile->napi_mutex);
	netif_napi_add_tx(tdev->dev, &tfile->napi, vpair_tun_napi_poll);
	WRITE_ONCE(tfile->napi_dev, tdev);
	WRITE_ONCE(tfile->napi_frags, flags & IFF_NAPI_FRAGS);
	mutex_unlock(&tfile->napi_mutex);
	vpair_tun_napi_start(tfile);
}

/* The queue (re)joins its device: writes may go through NAPI. */
void vpair_tun_napi_start(struct vpair_tun_file *tfile)
{
	if (!tfile->napi_dev)
		return;
	napi_enable(&tfile->napi);
	vpair_tun_napi_set_live(tfile, tfile->napi_dev);
}

/*
 * The queue leaves its device: new writes are refused (EBUSY, as with
 * tun), those under way finish, the instance is disabled and what it
 * had not polled yet is dropped.
 */
void vpair_tun_napi_stop(struct vpair_tun_file *tfile)
{
	if (!tfile->napi_dev || !tfile->napi_live)
		return;
	vpair_tun_napi_set_live(tfile, NULL);
	synchronize_net();
	napi_disable(&tfile->napi);
	skb_queue_purge(&tfile->sk.sk_write_queue);
}

/* Off its device's list for good: before the file or the device is freed. */
void vpair_tun_napi_del(struct vpair_tun_file *tfile)
{
	ASSERT_RTNL();
	if (!tfile->napi_dev)
		return;
	vpair_tun_napi_stop(tfile);
	mutex_lock(&tfile->napi_mutex);
	netif_napi_del(&tfile->napi);
	WRITE_ONCE(tfile->napi_dev, NULL);
	WRITE_ONCE(tfile->napi_frags, false);
	mutex_unlock(&tfile->napi_mutex);
}

/* IFF_NAPI: queue the packet for the instance and have it polled. */
static int vpair_tun_napi_queue(struct vpair_tun_file *tfile,
				struct vpair_tun_dev *tdev, struct sk_buff *skb)
{
	struct sk_buff_head *queue = &tfile->sk.sk_write_queue;
	unsigned int len = skb->len;

	spin_lock_bh(&queue->lock);
	if (tfile->napi_live != tdev) {
		spin_unlock_bh(&queue->lock);
		kfree_skb(skb);
		return -EBUSY;
	}
	__skb_queue_tail(queue, skb);
	spin_unlock(&queue->lock);
	/* still with bottom halves disabled: stop() waits for us */
	dev_sw_netstats_rx_add(tdev->dev, len);
	napi_schedule(&tfile->napi);
	local_bh_enable();
	return 0;
}

/*
 * IFF_NAPI_FRAGS: the instance's frags skb goes to GRO right away, the
 * Ethernet header put back in front as napi_gro_frags() expects it.
 */
static int vpair_tun_napi_gro_frags(struct vpair_tun_file *tfile,
				    struct vpair_tun_dev *tdev,
				    struct sk_buff *skb)
{
	struct net_device *dev = tdev->dev;
	unsigned int len = skb->len;

	lockdep_assert_held(&tfile->napi_mutex);
	skb_push(skb, ETH_HLEN);
	if (eth_get_headlen(dev, skb->data, skb_headlen(skb)) >
	    skb_headlen(skb)) {
		dev_core_stats_rx_dropped_inc(dev);
		napi_free_frags(&tfile->napi);
		return -ENOMEM;
	}

	local_bh_disable();
	if (!napi_schedule_prep(&tfile->napi)) {
		/* disabled: the queue was detached */
		local_bh_enable();
		napi_free_frags(&tfile->napi);
		return -EBUSY;
	}
	dev_sw_netstats_rx_add(dev, len);
	napi_gro_frags(&tfile->napi);
	napi_complete(&tfile->napi);
	local_bh_enable();
	return 0;
}

/* A written packet into the stack through @tfile's instance; consumes @skb. */
int vpair_tun_napi_deliver(struct vpair_tun_file *tfile,
			   struct vpair_tun_dev *tdev, struct sk_buff *skb)
{
	if (tfile->napi_frags && skb == tfile->napi.skb)
		return vpair_tun_napi_gro_frags(tfile, tdev, skb);
	return vpair_tun_napi_queue(tfile, tdev, skb);
}

/* The iovecs after the current one, or NULL when @from has no more. */
static const struct iovec *vpair_tun_napi_more_iov(const struct iov_iter *from,
						   unsigned long *count)
{
	*count = 0;
	if (!iter_is_iovec(from) || from->nr_segs < 2)
		return NULL;
	*count = from->nr_segs - 1;
	return iter_iov(from) + 1;
}

/* Each further iovec becomes one page fragment of @skb, as it is. */
static int vpair_tun_napi_add_frags(struct sk_buff *skb,
				    const struct iovec *iov,
				    unsigned long count)
{
	unsigned long i;

	for (i = 0; i < count; i++) {
		size_t size = iov[i].iov_len;
		struct page *page;
		void *frag;

		if (!size || size > PAGE_SIZE)
			return -EINVAL;
		frag = netdev_alloc_frag(size);
		if (!frag)
			return -ENOMEM;
		page = virt_to_head_page(frag);
		skb_fill_page_desc(skb, i, page, frag - page_address(page),
				   size);
	}
	return 0;
}

/* The instance's frags skb laid out like the @len bytes left in @from. */
static struct sk_buff *vpair_tun_napi_frags_skb(struct vpair_tun_file *tfile,
						struct iov_iter *from,
						size_t len, int *err)
{
	size_t linear = iov_iter_single_seg_count(from);
	const struct iovec *iov;
	struct sk_buff *skb;
	unsigned long count;

	iov = vpair_tun_napi_more_iov(from, &count);
	if (count > MAX_SKB_FRAGS || len > VPAIR_TUN_FRAGS_MAX_LEN) {
		*err = -EMSGSIZE;
		return NULL;
	}
	if (!iov)
		linear = len;

	local_bh_disable();
	skb = napi_get_frags(&tfile->napi);
	local_bh_enable();
	if (!skb) {
		*err = -ENOMEM;
		return NULL;
	}

	*err = __skb_grow(skb, linear);
	if (*err)
		goto free;
	skb->data_len = len - linear;
	skb->len = len;
	skb->truesize += skb->data_len;
	*err = vpair_tun_napi_add_frags(skb, iov, count);
	if (*err)
		goto free;
	if (skb_copy_datagram_from_iter(skb, 0, from, len)) {
		*err = -EFAULT;
		goto free;
	}
	return skb;

free:
	napi_free_frags(&tfile->napi);
	return NULL;
}

/*
 * A write to an IFF_NAPI_FRAGS queue, headers already taken off. Errors,
 * their order and what counts as a drop are tun's.
 */
int vpair_tun_napi_write_frags(struct vpair_tun_file *tfile,
			       struct vpair_tun_dev *tdev,
			       const struct vpair_tun_framing *framing,
			       const struct virtio_net_hdr_v1_hash_tunnel *vhdr,
			       struct iov_iter *from, size_t len)
{
	struct sk_buff *skb;
	int err;

	mutex_lock(&tfile->napi_mutex);
	if (tfile->napi_dev != tdev || !tfile->napi_frags) {
		/* attached elsewhere since the write began */
		err = -EBUSY;
		goto unlock;
	}
	skb = vpair_tun_napi_frags_skb(tfile, from, len, &err);
	if (!skb) {
		dev_core_stats_rx_dropped_inc(tdev->dev);
		goto unlock;
	}
	err = vpair_tun_chr_inject(tfile, tdev, framing, vhdr, skb, 0, false);
	/* a refused skb was freed, not put back for reuse */
	if (err)
		tfile->napi.skb = NULL;
unlock:
	mutex_unlock(&tfile->napi_mutex);
	return err;
}
