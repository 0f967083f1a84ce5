// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: /dev/net/vpair, a misc device speaking the ABI of /dev/net/tun.
 * TUNSETIFF creates or attaches an interface; read() returns what the
 * interface transmits, write() injects what it receives.
 */
#include <linux/etherdevice.h>
#include <linux/fs.h>
#include <linux/if_vlan.h>
#include <linux/if_tun.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/uio.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <net/sock.h>

#include "tun.h"

/* A misc minor of our own lets opening /dev/net/vpair load the module. */
#define VPAIR_MINOR		246

#define VPAIR_TUN_SKB_PAD		(NET_SKB_PAD + NET_IP_ALIGN)

/* Written packets were freed: wake writers that ran out of send buffer. */
static void vpair_tun_chr_write_space(struct sock *sk)
{
	struct vpair_tun_file *tfile =
		container_of(sk, struct vpair_tun_file, sk);
	wait_queue_head_t *wq = &tfile->socket.wq.wait;

	if (!sock_writeable(sk))
		return;
	if (wq_has_sleeper(wq))
		wake_up_interruptible_sync_poll(wq, EPOLLOUT | EPOLLWRNORM |
						    EPOLLWRBAND);
	/* like tun: SIGIO only after poll() found the queue full */
	if (test_and_clear_bit(SOCKWQ_ASYNC_NOSPACE, &sk->sk_socket->flags))
		kill_fasync(&tfile->fasync, SIGIO, POLL_OUT);
}

static struct proto vpair_tun_file_proto = {
	.name		= "vpair",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct vpair_tun_file),
};

static int vpair_tun_chr_open(struct inode *inode, struct file *file)
{
	struct net *net = current->nsproxy->net_ns;
	struct vpair_tun_file *tfile;

	tfile = (struct vpair_tun_file *)sk_alloc(net, AF_UNSPEC,
					       GFP_KERNEL_ACCOUNT,
					       &vpair_tun_file_proto, 0);
	if (!tfile)
		return -ENOMEM;
	if (ptr_ring_init(&tfile->ring, 0, GFP_KERNEL)) {
		sk_free(&tfile->sk);
		return -ENOMEM;
	}
	init_waitqueue_head(&tfile->wq);
	INIT_LIST_HEAD(&tfile->next);
	vpair_tun_napi_file_init(tfile);

	init_waitqueue_head(&tfile->socket.wq.wait);
	tfile->socket.file = file;
	sock_init_data_uid(&tfile->socket, &tfile->sk, current_fsuid());
	tfile->sk.sk_write_space = vpair_tun_chr_write_space;
	tfile->sk.sk_sndbuf = INT_MAX;

	file->private_data = tfile;
	/* like tun: pread()/pwrite() work and ignore the offset */
	file->f_mode |= FMODE_NOWAIT;
	return 0;
}

static int vpair_tun_chr_release(struct inode *inode, struct file *file)
{
	struct vpair_tun_file *tfile = file->private_data;

	rtnl_lock();
	vpair_tun_dev_detach(tfile, true);
	vpair_tun_file_detach_filter(tfile);
	rtnl_unlock();

	ptr_ring_cleanup(&tfile->ring, __skb_array_destroy_skb);
	/*
	 * The socket lives on while packets written through it do: nothing
	 * may reach the file through it any more.
	 */
	write_lock_bh(&tfile->sk.sk_callback_lock);
	tfile->socket.file = NULL;
	write_unlock_bh(&tfile->sk.sk_callback_lock);
	sock_put(&tfile->sk);
	return 0;
}

/* O_NONBLOCK, or an io_uring/RWF_NOWAIT attempt: never sleep. */
static bool vpair_tun_chr_noblock(const struct kiocb *iocb)
{
	return (iocb->ki_filp->f_flags & O_NONBLOCK) ||
	       (iocb->ki_flags & IOCB_NOWAIT);
}

/*
 * The device one read or write works with, held until it is done: every
 * setting comes from it and a written packet goes into it, whatever the
 * file is attached to by the time a copy from userspace returns.
 */
static struct vpair_tun_dev *vpair_tun_chr_get_dev(struct vpair_tun_file *tfile,
						   netdevice_tracker *tracker)
{
	struct vpair_tun_dev *tdev;

	rcu_read_lock();
	tdev = rcu_dereference(tfile->tdev);
	if (tdev)
		netdev_hold(tdev->dev, tracker, GFP_ATOMIC);
	rcu_read_unlock();
	return tdev;
}

static void vpair_tun_chr_put_dev(struct vpair_tun_dev *tdev,
				  netdevice_tracker *tracker)
{
	netdev_put(tdev->dev, tracker);
}

/*
 * The next packet @dev queued, if it takes at most @room bytes framed;
 * else it stays queued (EMSGSIZE). One queued by another device means the
 * file was attached elsewhere since the read began: @dev went away.
 */
static __always_inline struct sk_buff *
vpair_tun_chr_consume(struct vpair_tun_file *tfile, struct net_device *dev,
		      const struct vpair_tun_framing *framing, size_t room,
		      int *err)
{
	struct ptr_ring *ring = &tfile->ring;
	struct sk_buff *skb;

	spin_lock(&ring->consumer_lock);
	skb = __ptr_ring_peek(ring);
	if (skb && skb->dev != dev) {
		skb = NULL;
		*err = -EFAULT;
	} else if (skb && vpair_tun_chr_framed_len(skb, framing) > room) {
		skb = NULL;
		*err = -EMSGSIZE;
	} else if (skb) {
		__ptr_ring_discard_one(ring);
	}
	spin_unlock(&ring->consumer_lock);
	return skb;
}

/* tun reports a deleted device to blocked readers with EFAULT. */
static bool vpair_tun_chr_gone(struct vpair_tun_file *tfile,
			       struct vpair_tun_dev *tdev)
{
	return READ_ONCE(tfile->dead) ||
	       rcu_access_pointer(tfile->tdev) != tdev;
}

/* Nothing was queued when a read began: wait for a packet. */
static noinline struct sk_buff *vpair_tun_chr_wait(struct vpair_tun_file *tfile,
						   struct vpair_tun_dev *tdev,
						   const struct vpair_tun_framing *framing,
						   size_t room, int *err)
{
	struct net_device *dev = tdev->dev;
	DECLARE_WAITQUEUE(wait, current);
	struct sk_buff *skb;

	add_wait_queue(&tfile->wq, &wait);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		skb = vpair_tun_chr_consume(tfile, dev, framing, room, err);
		if (skb || *err)
			break;
		if (signal_pending(current)) {
			*err = -ERESTARTSYS;
			break;
		}
		if (vpair_tun_chr_gone(tfile, tdev)) {
			*err = -EFAULT;
			break;
		}
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	remove_wait_queue(&tfile->wq, &wait);
	return skb;
}

/*
 * The next packet for a read, waiting for one unless @noblock. A packet
 * bigger than @room framed stays queued (EMSGSIZE). Always inline: the
 * one-packet read pays no call for what it does on every packet.
 */
static __always_inline struct sk_buff *
__vpair_tun_chr_recv(struct vpair_tun_file *tfile, struct vpair_tun_dev *tdev,
		     const struct vpair_tun_framing *framing, bool noblock,
		     size_t room, int *err)
{
	struct sk_buff *skb;

	skb = vpair_tun_chr_consume(tfile, tdev->dev, framing, room, err);
	if (skb || *err)
		return skb;
	if (noblock) {
		*err = -EAGAIN;
		return NULL;
	}
	return vpair_tun_chr_wait(tfile, tdev, framing, room, err);
}

struct sk_buff *vpair_tun_chr_recv(struct vpair_tun_file *tfile,
				   struct vpair_tun_dev *tdev,
				   const struct vpair_tun_framing *framing,
				   bool noblock, size_t room, int *err)
{
	return __vpair_tun_chr_recv(tfile, tdev, framing, noblock, room, err);
}

/* The frame, with a VLAN-accelerated tag put back in after the MACs. */
static void vpair_tun_chr_put_frame(struct sk_buff *skb, int vlan_hlen,
				    struct iov_iter *to)
{
	struct { __be16 proto; __be16 tci; } tag;
	int off = 0;

	if (vlan_hlen) {
		off = offsetof(struct vlan_ethhdr, h_vlan_proto);
		tag.proto = skb->vlan_proto;
		tag.tci = htons(skb_vlan_tag_get(skb));
		if (skb_copy_datagram_iter(skb, 0, to, off) ||
		    !iov_iter_count(to))
			return;
		if (copy_to_iter(&tag, sizeof(tag), to) != sizeof(tag) ||
		    !iov_iter_count(to))
			return;
	}
	/* Like tun: a short buffer truncates the packet. */
	skb_copy_datagram_iter(skb, off, to,
			       min_t(size_t, skb->len - off,
				     iov_iter_count(to)));
}

/* Like tun, a packet counts as transmitted once userspace has read it. */
static __always_inline ssize_t
vpair_tun_chr_put(struct sk_buff *skb, const struct vpair_tun_framing *framing,
		  struct iov_iter *to)
{
	int vlan_hlen = skb_vlan_tag_present(skb) ? VLAN_HLEN : 0;
	ssize_t total = vpair_tun_chr_framed_len(skb, framing);
	struct tun_pi pi = { 0, skb->protocol };
	int err;

	if (!(framing->flags & IFF_NO_PI)) {
		if (iov_iter_count(to) < sizeof(pi))
			return -EINVAL;
		if (iov_iter_count(to) < total)
			pi.flags |= TUN_PKT_STRIP;
		if (copy_to_iter(&pi, sizeof(pi), to) != sizeof(pi))
			return -EFAULT;
	}
	if (framing->flags & IFF_VNET_HDR) {
		err = vpair_tun_vnet_hdr_put(framing, skb, vlan_hlen, to);
		if (err)
			return err;
	}
	vpair_tun_chr_put_frame(skb, vlan_hlen, to);
	vpair_tun_count_tx(skb->dev, skb->len + vlan_hlen);
	return total;
}

/*
 * Copy a packet taken off the ring to a reader and free it. Returns its
 * full framed length: a short buffer truncates it, like tun.
 */
static __always_inline ssize_t
__vpair_tun_chr_put_one(struct sk_buff *skb,
			const struct vpair_tun_framing *framing,
			struct iov_iter *to)
{
	ssize_t ret;

	ret = vpair_tun_chr_put(skb, framing, to);
	if (ret < 0) {
		kfree_skb(skb);
		return ret;
	}
	consume_skb(skb);
	return ret;
}

ssize_t vpair_tun_chr_put_one(struct sk_buff *skb,
			      const struct vpair_tun_framing *framing,
			      struct iov_iter *to)
{
	return __vpair_tun_chr_put_one(skb, framing, to);
}

static ssize_t vpair_tun_chr_read(struct vpair_tun_file *tfile,
				  struct vpair_tun_dev *tdev, bool noblock,
				  struct iov_iter *to)
{
	size_t len = iov_iter_count(to);
	struct vpair_tun_framing framing;
	struct sk_buff *skb;
	ssize_t ret;
	int err = 0;

	vpair_tun_framing_get(tdev, &framing);
	skb = __vpair_tun_chr_recv(tfile, tdev, &framing, noblock, SIZE_MAX,
				   &err);
	if (!skb)
		return err;
	ret = __vpair_tun_chr_put_one(skb, &framing, to);
	/* a truncated packet reads as what was copied, like tun */
	return ret < 0 ? ret : min_t(ssize_t, ret, len);
}

static ssize_t vpair_tun_chr_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct vpair_tun_file *tfile = iocb->ki_filp->private_data;
	struct vpair_tun_dev *tdev;
	netdevice_tracker tracker;
	ssize_t ret = 0;
	u32 max;

	tdev = vpair_tun_chr_get_dev(tfile, &tracker);
	if (!tdev)
		return -EBADFD;
	max = READ_ONCE(tfile->batch_max);
	if (max)
		ret = vpair_tun_batch_read(tfile, tdev, max,
					   vpair_tun_chr_noblock(iocb), to);
	else if (iov_iter_count(to))
		ret = vpair_tun_chr_read(tfile, tdev,
					 vpair_tun_chr_noblock(iocb), to);
	vpair_tun_chr_put_dev(tdev, &tracker);
	return ret;
}

/* Charged to the file's send buffer: may block, or fail with EAGAIN. */
static struct sk_buff *vpair_tun_chr_alloc_skb(struct vpair_tun_file *tfile,
					       size_t len, bool noblock,
					       int *err)
{
	size_t linear = min_t(size_t, len, SKB_MAX_HEAD(VPAIR_TUN_SKB_PAD));
	struct sk_buff *skb;

	skb = sock_alloc_send_pskb(&tfile->sk, VPAIR_TUN_SKB_PAD + linear,
				   len - linear, noblock, err,
				   PAGE_ALLOC_COSTLY_ORDER);
	if (!skb)
		return NULL;

	skb_reserve(skb, VPAIR_TUN_SKB_PAD);
	skb_put(skb, linear);
	skb->data_len = len - linear;
	skb->len += len - linear;
	return skb;
}

/* For IFF_TUN without a tun_pi, the IP version nibble names the protocol. */
static int vpair_tun_chr_l3_proto(struct sk_buff *skb, __be16 *proto)
{
	if (!pskb_may_pull(skb, 1))
		return -EINVAL;
	switch (skb->data[0] >> 4) {
	case 4:
		*proto = htons(ETH_P_IP);
		return 0;
	case 6:
		*proto = htons(ETH_P_IPV6);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Set the skb's link layer up as if it had arrived on skb->dev. */
static int vpair_tun_chr_set_proto(const struct vpair_tun_framing *framing,
				   struct sk_buff *skb, __be16 proto)
{
	int err;

	if (framing->flags & IFF_TAP) {
		/* IFF_NAPI_FRAGS: the header may start in the first fragment */
		if (!pskb_may_pull(skb, ETH_HLEN))
			return -ENOMEM;
		skb->protocol = eth_type_trans(skb, skb->dev);
		return 0;
	}
	if (framing->flags & IFF_NO_PI) {
		err = vpair_tun_chr_l3_proto(skb, &proto);
		if (err)
			return err;
	}
	skb_reset_mac_header(skb);
	skb->protocol = proto;
	return 0;
}

/* Hand a written packet to @tdev's stack, as if it had arrived there. */
int vpair_tun_chr_inject(struct vpair_tun_file *tfile,
			 struct vpair_tun_dev *tdev,
			 const struct vpair_tun_framing *framing,
			 const struct virtio_net_hdr_v1_hash_tunnel *vhdr,
			 struct sk_buff *skb, __be16 proto, bool xdp_done)
{
	struct net_device *dev = tdev->dev;
	u32 hash = 0;
	int err;

	skb->dev = dev;
	err = vpair_tun_vnet_hdr_to_skb(tdev, framing, skb, vhdr);
	if (err)
		goto free;
	err = vpair_tun_chr_set_proto(framing, skb, proto);
	if (err)
		goto drop;

	skb_reset_network_header(skb);
	skb_probe_transport_header(skb);
	skb_record_rx_queue(skb, tfile->queue_index);
	if (!xdp_done && !vpair_tun_xdp_generic(tfile, tdev, &skb))
		return 0;

	/* also how a device deleted during the write is refused, like tun */
	if (!(dev->flags & IFF_UP)) {
		err = -EIO;
		goto drop;
	}

	/* the flow's replies are to come back to this queue */
	if (READ_ONCE(tdev->numqueues) > 1 && !READ_ONCE(tfile->detached) &&
	    !rcu_access_pointer(tdev->steering_prog))
		hash = __skb_get_hash_symmetric(skb);

	if (vpair_tun_napi_on(tfile)) {
		/* in the order written */
		vpair_tun_chr_flush(framing);
		err = vpair_tun_napi_deliver(tfile, tdev, skb);
		if (err)
			return err;
		goto delivered;
	}
	if (framing->rx_list) {
		list_add_tail(&skb->list, framing->rx_list);
		goto delivered;
	}
	/*
	 * Like tun: straight into the stack with bottom halves disabled,
	 * not through the backlog and a second softirq pass. What loops
	 * back to the interface only lands in a ring: no recursion.
	 */
	local_bh_disable();
	dev_sw_netstats_rx_add(dev, skb->len);
	netif_receive_skb(skb);
	local_bh_enable();
delivered:
	if (hash)
		vpair_tun_flow_update(tdev, hash, tfile->queue_index);
	return 0;

drop:
	dev_core_stats_rx_dropped_inc(dev);
free:
	kfree_skb(skb);
	return err;
}

/*
 * What a batched write gathered goes into the stack as one list, as
 * inject() would have sent each (listified receive).
 */
void vpair_tun_chr_flush(const struct vpair_tun_framing *framing)
{
	struct list_head *list = framing->rx_list;
	struct sk_buff *skb;

	if (!list || list_empty(list))
		return;
	local_bh_disable();
	list_for_each_entry(skb, list, list)
		dev_sw_netstats_rx_add(skb->dev, skb->len);
	netif_receive_skb_list(list);
	local_bh_enable();
	INIT_LIST_HEAD(list);
}

/* Takes the tun_pi and virtio_net_hdr off the front of a write. */
static int vpair_tun_chr_get_headers(const struct vpair_tun_framing *framing,
				     struct iov_iter *from, size_t *len,
				     struct tun_pi *pi,
				     struct virtio_net_hdr_v1_hash_tunnel *vhdr)
{
	__virtio16 hdr_len;
	int err;

	if (!(framing->flags & IFF_NO_PI)) {
		if (*len < sizeof(*pi))
			return -EINVAL;
		*len -= sizeof(*pi);
		if (!copy_from_iter_full(pi, sizeof(*pi), from))
			return -EFAULT;
	}
	if (framing->flags & IFF_VNET_HDR) {
		err = vpair_tun_vnet_hdr_get(framing, from, len, vhdr);
		if (err)
			return err;
	}
	hdr_len = vhdr->hash_hdr.hdr.hdr_len;
	if ((framing->flags & IFF_TAP) &&
	    (*len < ETH_HLEN ||
	     (hdr_len && __virtio16_to_cpu(framing->vnet_le, hdr_len) < ETH_HLEN)))
		return -EINVAL;
	return 0;
}

/* Inject the whole of @from as one packet. */
int vpair_tun_chr_write_one(struct vpair_tun_file *tfile,
			    struct vpair_tun_dev *tdev,
			    const struct vpair_tun_framing *framing,
			    bool noblock, struct iov_iter *from)
{
	struct tun_pi pi = { 0, htons(ETH_P_IP) };
	size_t len = iov_iter_count(from);
	/* zero: whatever the writer's header does not carry is unset */
	struct virtio_net_hdr_v1_hash_tunnel vhdr = {};
	struct sk_buff *skb;
	int err;

	err = vpair_tun_chr_get_headers(framing, from, &len, &pi, &vhdr);
	if (err)
		return err;
	if (READ_ONCE(tfile->napi_frags))
		return vpair_tun_napi_write_frags(tfile, tdev, framing, &vhdr,
						  from, len);
	if (vpair_tun_xdp_native(tfile, tdev, &vhdr, len))
		return vpair_tun_xdp_write(tfile, tdev, framing, &vhdr, from,
					   len);

	skb = vpair_tun_chr_alloc_skb(tfile, len, noblock, &err);
	if (!skb)
		goto drop;
	if (skb_copy_datagram_from_iter(skb, 0, from, len)) {
		kfree_skb(skb);
		err = -EFAULT;
		goto drop;
	}
	return vpair_tun_chr_inject(tfile, tdev, framing, &vhdr, skb, pi.proto,
				    false);

drop:
	/* like tun: a full send buffer is no drop, a failure is */
	if (err != -EAGAIN)
		dev_core_stats_rx_dropped_inc(tdev->dev);
	return err;
}

static ssize_t vpair_tun_chr_write_iter(struct kiocb *iocb,
					struct iov_iter *from)
{
	struct vpair_tun_file *tfile = iocb->ki_filp->private_data;
	bool noblock = vpair_tun_chr_noblock(iocb);
	size_t total = iov_iter_count(from);
	struct vpair_tun_framing framing;
	struct vpair_tun_dev *tdev;
	netdevice_tracker tracker;
	ssize_t ret;
	u32 max;

	tdev = vpair_tun_chr_get_dev(tfile, &tracker);
	if (!tdev)
		return -EBADFD;
	max = READ_ONCE(tfile->batch_max);
	if (max) {
		ret = vpair_tun_batch_write(tfile, tdev, max, noblock, from);
	} else {
		vpair_tun_framing_get(tdev, &framing);
		ret = vpair_tun_chr_write_one(tfile, tdev, &framing, noblock,
					      from);
		if (!ret)
			ret = total;
	}
	vpair_tun_chr_put_dev(tdev, &tracker);
	return ret;
}

static bool vpair_tun_chr_writeable(struct vpair_tun_dev *tdev,
				    struct vpair_tun_file *tfile)
{
	return (tdev->dev->flags & IFF_UP) && sock_writeable(&tfile->sk);
}

static __poll_t vpair_tun_chr_poll(struct file *file, poll_table *wait)
{
	struct vpair_tun_file *tfile = file->private_data;
	struct vpair_tun_dev *tdev;
	__poll_t mask = 0;

	if (!rcu_access_pointer(tfile->tdev))
		return EPOLLERR;

	poll_wait(file, &tfile->wq, wait);
	poll_wait(file, &tfile->socket.wq.wait, wait);
	if (!ptr_ring_empty(&tfile->ring))
		mask |= EPOLLIN | EPOLLRDNORM;

	rcu_read_lock();
	tdev = rcu_dereference(tfile->tdev);
	if (!tdev || tdev->dev->reg_state != NETREG_REGISTERED) {
		mask = EPOLLERR;
	} else if (vpair_tun_chr_writeable(tdev, tfile) ||
		   /* write_space() raises SIGIO when room comes */
		   (!test_and_set_bit(SOCKWQ_ASYNC_NOSPACE,
				      &tfile->socket.flags) &&
		    vpair_tun_chr_writeable(tdev, tfile))) {
		mask |= EPOLLOUT | EPOLLWRNORM;
	}
	rcu_read_unlock();
	return mask;
}

/* Like tun, O_ASYNC alone makes the caller the SIGIO recipient. */
static int vpair_tun_chr_fasync(int fd, struct file *file, int on)
{
	struct vpair_tun_file *tfile = file->private_data;
	int err;

	/* first what can fail: a helper entry must not outlive a refusal */
	if (on) {
		err = file_f_owner_allocate(file);
		if (err)
			return err;
	}
	err = fasync_helper(fd, file, on, &tfile->fasync);
	if (err < 0)
		return err;
	if (on)
		__f_setown(file, task_pid(current), PIDTYPE_TGID, 0);
	return 0;
}

static void vpair_tun_chr_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct vpair_tun_file *tfile = file->private_data;
	char name[IFNAMSIZ] = "";
	struct vpair_tun_dev *tdev;

	rtnl_lock();
	tdev = rtnl_dereference(tfile->tdev);
	if (tdev)
		strscpy(name, tdev->dev->name, IFNAMSIZ);
	rtnl_unlock();
	seq_printf(m, "iff:\t%s\n", name);
}

static const struct file_operations vpair_tun_chr_fops = {
	.owner		= THIS_MODULE,
	.open		= vpair_tun_chr_open,
	.release	= vpair_tun_chr_release,
	.read_iter	= vpair_tun_chr_read_iter,
	.write_iter	= vpair_tun_chr_write_iter,
	.poll		= vpair_tun_chr_poll,
	.unlocked_ioctl	= vpair_tun_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	= vpair_tun_compat_ioctl,
#endif
	.fasync		= vpair_tun_chr_fasync,
	.show_fdinfo	= vpair_tun_chr_show_fdinfo,
};

static struct miscdevice vpair_tun_miscdev = {
	.minor		= VPAIR_MINOR,
	.name		= "vpair",
	.nodename	= VPAIR_DEVNAME,
	.mode		= 0666,
	.fops		= &vpair_tun_chr_fops,
};

int vpair_tun_init(void)
{
	int err;

	err = vpair_tun_dev_init();
	if (err)
		return err;

	err = misc_register(&vpair_tun_miscdev);
	if (err == -EBUSY) {
		pr_info("misc minor %d is taken: /dev/%s will not autoload\n",
			VPAIR_MINOR, VPAIR_DEVNAME);
		vpair_tun_miscdev.minor = MISC_DYNAMIC_MINOR;
		err = misc_register(&vpair_tun_miscdev);
	}
	if (err)
		goto err_dev;
	return 0;

err_dev:
	vpair_tun_dev_exit();
	return err;
}

void vpair_tun_exit(void)
{
	misc_deregister(&vpair_tun_miscdev);
	vpair_tun_dev_exit();
}

MODULE_ALIAS_MISCDEV(VPAIR_MINOR);
MODULE_ALIAS("devname:" VPAIR_DEVNAME);
