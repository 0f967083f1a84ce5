// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: the netdev side of interfaces made through /dev/net/vpair
 * (rtnl kind "vtun"): setup as TUN (L3) or TAP (Ethernet), transmit into
 * the attached files' rings, and attaching/detaching those files.
 */
#include <linux/bpf.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/security.h>
#include <net/ip_tunnels.h>
#include <net/xdp.h>
#include <net/rtnetlink.h>

#include "tun.h"

#define VPAIR_TUN_TXQLEN	500
#define VPAIR_TUN_MAX_MTU	65535
/* What TUNSETOFFLOAD switches; the rest is always on. */
#define VPAIR_TUN_USER_FEATURES	(NETIF_F_HW_CSUM | NETIF_F_TSO_ECN | \
				 NETIF_F_TSO | NETIF_F_TSO6 | \
				 NETIF_F_GSO_UDP_L4 | \
				 COMPAT_NETIF_F_GSO_UDP_TUNNEL)
#define VPAIR_TUN_VLAN_TX	(NETIF_F_HW_VLAN_CTAG_TX | \
				 NETIF_F_HW_VLAN_STAG_TX)
#define VPAIR_TUN_FEATURES	(NETIF_F_SG | NETIF_F_FRAGLIST | \
				 VPAIR_TUN_USER_FEATURES | VPAIR_TUN_VLAN_TX)

/* A packet that will never be read: a drop on its way out, not a tx. */
void vpair_tun_drop_queued(void *ptr)
{
	struct sk_buff *skb = ptr;

	dev_core_stats_tx_dropped_inc(skb->dev);
	kfree_skb(skb);
}

static void vpair_tun_purge(struct vpair_tun_file *tfile)
{
	struct sk_buff *skb;

	while ((skb = ptr_ring_consume(&tfile->ring)))
		vpair_tun_drop_queued(skb);
}

static u16 vpair_tun_dev_select_queue(struct net_device *dev,
				      struct sk_buff *skb,
				     struct net_device *sb_dev)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);
	unsigned int numqueues;
	struct bpf_prog *prog;
	u16 ret;

	rcu_read_lock();
	prog = rcu_dereference(tdev->steering_prog);
	if (prog) {
		/* TUNSETSTEERINGEBPF: the program picks the queue */
		numqueues = READ_ONCE(tdev->numqueues);
		ret = numqueues ? bpf_prog_run_clear_cb(prog, skb) % numqueues
				: 0;
	} else {
		ret = vpair_tun_flow_select(tdev, skb);
	}
	rcu_read_unlock();
	return ret;
}

static struct vpair_tun_file *vpair_tun_dev_pick(struct vpair_tun_dev *tdev,
						 struct sk_buff *skb)
{
	unsigned int numqueues = READ_ONCE(tdev->numqueues);
	u16 txq = skb_get_queue_mapping(skb);

	if (!numqueues)
		return NULL;
	if (txq >= numqueues)
		txq %= numqueues;
	return rcu_dereference(tdev->tfiles[txq]);
}

/* TUNSETTXFILTER and TUNATTACHFILTER (TAP only), then TUNSETFILTEREBPF. */
static bool vpair_tun_dev_filter(struct vpair_tun_dev *tdev,
				 struct vpair_tun_file *tfile,
				 struct sk_buff *skb)
{
	if ((tdev->flags & IFF_TAP) &&
	    (!vpair_tun_txfilter_pass(&tdev->txflt, skb) ||
	     !vpair_tun_file_run_filter(tfile, skb)))
		return false;
	return vpair_tun_dev_run_ebpf_filter(tdev, skb);
}

/* Something was queued in @tfile's ring. */
void vpair_tun_dev_wake_reader(struct vpair_tun_file *tfile)
{
	/* an fasync entry exists only while O_ASYNC is set */
	if (unlikely(READ_ONCE(tfile->fasync)))
		kill_fasync(&tfile->fasync, SIGIO, POLL_IN);
	/* the wait queue's lock only when a reader sleeps */
	if (wq_has_sleeper(&tfile->wq))
		wake_up_interruptible_poll(&tfile->wq, EPOLLIN | EPOLLRDNORM);
}

static netdev_tx_t vpair_tun_dev_xmit(struct sk_buff *skb,
				      struct net_device *dev)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);
	struct vpair_tun_file *tfile;

	rcu_read_lock();
	tfile = vpair_tun_dev_pick(tdev, skb);
	if (!tfile || !vpair_tun_dev_filter(tdev, tfile, skb))
		goto drop;
	/* The skb may sit in the ring for long: let go of its sender. */
	if (unlikely(skb_orphan_frags_rx(skb, GFP_ATOMIC)))
		goto drop;
	skb_tx_timestamp(skb);
	skb_orphan(skb);
	nf_reset_ct(skb);

	/* counted as transmitted when read */
	if (ptr_ring_produce(&tfile->ring, skb))
		goto drop;

	vpair_tun_dev_wake_reader(tfile);
	rcu_read_unlock();
	return NETDEV_TX_OK;

drop:
	dev_core_stats_tx_dropped_inc(dev);
	rcu_read_unlock();
	skb_tx_error(skb);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int vpair_tun_dev_open(struct net_device *dev)
{
	netif_tx_start_all_queues(dev);
	return 0;
}

static int vpair_tun_dev_stop(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
	return 0;
}

static void vpair_tun_dev_get_stats64(struct net_device *dev,
				      struct rtnl_link_stats64 *tot)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	dev_fetch_sw_netstats(tot, dev->tstats);
	tot->rx_frame_errors += atomic_long_read(&tdev->rx_frame_errors);
}

/* An offload is only on when the reader declared it (TUNSETOFFLOAD). */
static netdev_features_t vpair_tun_dev_fix_features(struct net_device *dev,
						    netdev_features_t features)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	return (features & tdev->set_features) |
	       (features & ~VPAIR_TUN_USER_FEATURES);
}

void vpair_tun_dev_set_features(struct vpair_tun_dev *tdev,
				netdev_features_t features)
{
	struct net_device *dev = tdev->dev;

	tdev->set_features = features;
	dev->wanted_features &= ~VPAIR_TUN_USER_FEATURES;
	dev->wanted_features |= features;
	netdev_update_features(dev);
}

/* Carrier on needs a reader. */
int vpair_tun_dev_change_carrier(struct net_device *dev, bool on)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	if (!on) {
		netif_carrier_off(dev);
		return 0;
	}
	if (!tdev->numqueues)
		return -EPERM;
	netif_carrier_on(dev);
	return 0;
}

static int vpair_tun_dev_init_dev(struct net_device *dev)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);
	int err;

	err = security_tun_dev_alloc_security(&tdev->security);
	if (err < 0)
		return err;
	err = compat_alloc_tstats(dev);
	if (err) {
		security_tun_dev_free_security(tdev->security);
		return err;
	}
	vpair_tun_flow_init(tdev);
	return 0;
}

static void vpair_tun_dev_set_real_queues(struct vpair_tun_dev *tdev)
{
	if (!tdev->numqueues)
		return;
	netif_set_real_num_tx_queues(tdev->dev, tdev->numqueues);
	netif_set_real_num_rx_queues(tdev->dev, tdev->numqueues);
}

/* Take @tfile out of the active array, moving the last queue into its slot. */
static void vpair_tun_dev_remove(struct vpair_tun_dev *tdev,
				 struct vpair_tun_file *tfile)
{
	u16 idx = tfile->queue_index;
	unsigned int last = tdev->numqueues - 1;
	struct vpair_tun_file *moved;

	moved = rtnl_dereference(tdev->tfiles[last]);
	rcu_assign_pointer(tdev->tfiles[idx], moved);
	moved->queue_index = idx;
	RCU_INIT_POINTER(tdev->tfiles[last], NULL);
	WRITE_ONCE(tdev->numqueues, last);
}

static void vpair_tun_file_kill(struct vpair_tun_file *tfile)
{
	RCU_INIT_POINTER(tfile->tdev, NULL);
	WRITE_ONCE(tfile->dead, true);
	kill_fasync(&tfile->fasync, SIGIO, POLL_HUP);
	wake_up_interruptible_poll(&tfile->wq, EPOLLERR | EPOLLHUP);
}

static void vpair_tun_dev_put_ebpf(struct bpf_prog __rcu **slot)
{
	struct bpf_prog *prog = rtnl_dereference(*slot);

	RCU_INIT_POINTER(*slot, NULL);
	if (prog)
		bpf_prog_put(prog);
}

/* The device is going away: cut every file loose and wake its readers. */
static void vpair_tun_dev_uninit(struct net_device *dev)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);
	struct vpair_tun_file *tfile, *tmp;
	LIST_HEAD(gone);

	while (tdev->numqueues) {
		tfile = rtnl_dereference(tdev->tfiles[0]);
		vpair_tun_dev_remove(tdev, tfile);
		list_add_tail(&tfile->next, &gone);
	}
	list_splice_init(&tdev->disabled, &gone);
	tdev->numdisabled = 0;
	list_for_each_entry(tfile, &gone, next)
		vpair_tun_file_kill(tfile);
	synchronize_net();

	list_for_each_entry_safe(tfile, tmp, &gone, next) {
		list_del_init(&tfile->next);
		tfile->detached = false;
		vpair_tun_napi_del(tfile);
		vpair_tun_purge(tfile);
	}
	vpair_tun_flow_uninit(tdev);
	vpair_tun_dev_put_ebpf(&tdev->steering_prog);
	vpair_tun_dev_put_ebpf(&tdev->filter_prog);
	vpair_tun_dev_put_ebpf(&tdev->xdp_prog);

	/* TUNSETPERSIST pinned the module for this interface */
	if (tdev->flags & IFF_PERSIST)
		module_put(THIS_MODULE);
}

static void vpair_tun_dev_free(struct net_device *dev)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	security_tun_dev_free_security(tdev->security);
	compat_free_tstats(dev);
}

#define VPAIR_TUN_COMMON_OPS					\
	.ndo_init		= vpair_tun_dev_init_dev,	\
	.ndo_uninit		= vpair_tun_dev_uninit,		\
	.ndo_open		= vpair_tun_dev_open,		\
	.ndo_stop		= vpair_tun_dev_stop,		\
	.ndo_start_xmit		= vpair_tun_dev_xmit,		\
	.ndo_select_queue	= vpair_tun_dev_select_queue,	\
	.ndo_fix_features	= vpair_tun_dev_fix_features,	\
	.ndo_change_carrier	= vpair_tun_dev_change_carrier,	\
	.ndo_get_stats64	= vpair_tun_dev_get_stats64

static const struct net_device_ops vpair_tun_ops_tun = {
	VPAIR_TUN_COMMON_OPS,
};

static const struct net_device_ops vpair_tun_ops_tap = {
	VPAIR_TUN_COMMON_OPS,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_features_check	= passthru_features_check,
	.ndo_bpf		= vpair_tun_xdp_bpf,
	.ndo_xdp_xmit		= vpair_tun_xdp_xmit,
};

bool vpair_tun_is_dev(const struct net_device *dev)
{
	return dev->netdev_ops == &vpair_tun_ops_tun ||
	       dev->netdev_ops == &vpair_tun_ops_tap;
}

void vpair_tun_dev_setup(struct net_device *dev)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	tdev->dev = dev;
	tdev->owner = INVALID_UID;
	tdev->group = INVALID_GID;
	tdev->vnet_hdr_sz = sizeof(struct virtio_net_hdr);
	tdev->sndbuf = INT_MAX;
	INIT_LIST_HEAD(&tdev->disabled);
	vpair_tun_default_link(tdev);

	/* before ether_setup(), which gives a TAP 1000, as with tun */
	dev->tx_queue_len = VPAIR_TUN_TXQLEN;
	dev->ethtool_ops = &vpair_tun_ethtool_ops;
	/* tunnel GSO only by TUNSETOFFLOAD: ethtool shows it fixed, as tun */
	dev->hw_features = VPAIR_TUN_FEATURES & ~COMPAT_NETIF_F_GSO_UDP_TUNNEL;
	dev->features = VPAIR_TUN_FEATURES;
	/* like tun where it has tunnel GSO: the same for encapsulated skbs */
	dev->hw_enc_features = compat_tun_enc_features(VPAIR_TUN_FEATURES);
	dev->vlan_features = dev->features & ~VPAIR_TUN_VLAN_TX;
	compat_set_lltx(dev);
	compat_set_tstats(dev);
	dev->needs_free_netdev = true;
	dev->priv_destructor = vpair_tun_dev_free;
}

static void vpair_tun_dev_setup_tun(struct net_device *dev)
{
	dev->netdev_ops = &vpair_tun_ops_tun;
	dev->header_ops = &ip_tunnel_header_ops;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = ETH_DATA_LEN;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP | IFF_MULTICAST;
}

static void vpair_tun_dev_setup_tap(struct net_device *dev)
{
	dev->netdev_ops = &vpair_tun_ops_tap;
	ether_setup(dev);
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	eth_hw_addr_random(dev);
	/* like tun: XDP on TAP only */
	xdp_set_features_flag(dev, NETDEV_XDP_ACT_BASIC |
			      NETDEV_XDP_ACT_REDIRECT |
			      NETDEV_XDP_ACT_NDO_XMIT);
}

/*
 * Make a freshly allocated interface a TUN (L3) or TAP (Ethernet) one
 * with the per-file @flags: the one place both ways of creating one go
 * through, TUNSETIFF and rtnetlink.
 */
void vpair_tun_dev_configure(struct net_device *dev, unsigned int flags)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	if (flags & IFF_TAP)
		vpair_tun_dev_setup_tap(dev);
	else
		vpair_tun_dev_setup_tun(dev);

	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = VPAIR_TUN_MAX_MTU - dev->hard_header_len;
	dev->rtnl_link_ops = &vpair_tun_link_ops;
	dev->sysfs_groups[0] = &vpair_tun_attr_group;
	tdev->flags = flags;
}

/* Allocate, not register, an interface for TUNSETIFF. */
struct net_device *vpair_tun_dev_alloc(struct net *net, const char *name,
				       unsigned int flags)
{
	unsigned int queues = flags & IFF_MULTI_QUEUE ? VPAIR_MAX_QUEUES : 1;
	struct net_device *dev;

	dev = alloc_netdev_mqs(sizeof(struct vpair_tun_dev), name,
			       NET_NAME_UNKNOWN, vpair_tun_dev_setup,
			       queues, queues);
	if (!dev)
		return NULL;
	vpair_tun_dev_configure(dev, flags);
	dev_net_set(dev, net);
	return dev;
}

static int vpair_tun_dev_attach_check(struct vpair_tun_dev *tdev,
				      struct vpair_tun_file *tfile)
{
	if (rtnl_dereference(tfile->tdev) && !tfile->detached)
		return -EINVAL;
	if (!(tdev->flags & IFF_MULTI_QUEUE) && tdev->numqueues == 1)
		return -EBUSY;
	if (!tfile->detached &&
	    tdev->numqueues + tdev->numdisabled >= tdev->dev->num_tx_queues)
		return -E2BIG;
	return 0;
}

/*
 * @napi: the IFF_NAPI/IFF_NAPI_FRAGS flags of a file's first attach; a
 * queue re-attached by TUNSETQUEUE keeps what it had.
 */
int vpair_tun_dev_attach(struct vpair_tun_dev *tdev,
			 struct vpair_tun_file *tfile, bool skip_filter,
			 unsigned int napi)
{
	struct net_device *dev = tdev->dev;
	int err;

	ASSERT_RTNL();
	err = security_tun_dev_attach(&tfile->sk, tdev->security);
	if (err < 0)
		return err;
	err = vpair_tun_dev_attach_check(tdev, tfile);
	if (err)
		return err;

	/* A persistent device's filter follows it to every new queue. */
	if (!skip_filter && tdev->filter_attached) {
		err = vpair_tun_file_attach_filter(tfile, &tdev->fprog);
		if (err)
			return err;
	}

	if (tfile->detached) {
		list_del_init(&tfile->next);
		tdev->numdisabled--;
		tfile->detached = false;
		vpair_tun_napi_start(tfile);
	} else {
		err = ptr_ring_resize(&tfile->ring, dev->tx_queue_len,
				      GFP_KERNEL, vpair_tun_drop_queued);
		if (err)
			return err;
		vpair_tun_napi_add(tdev, tfile, napi);
	}

	tfile->queue_index = tdev->numqueues;
	WRITE_ONCE(tfile->sk.sk_sndbuf, tdev->sndbuf);
	WRITE_ONCE(tfile->dead, false);
	rcu_assign_pointer(tfile->tdev, tdev);
	rcu_assign_pointer(tdev->tfiles[tdev->numqueues], tfile);
	WRITE_ONCE(tdev->numqueues, tdev->numqueues + 1);
	vpair_tun_dev_set_real_queues(tdev);
	return 0;
}

static void vpair_tun_dev_disable(struct vpair_tun_dev *tdev,
				  struct vpair_tun_file *tfile, bool clean)
{
	unsigned int old_last = tdev->numqueues - 1;
	u16 idx = tfile->queue_index;

	vpair_tun_dev_remove(tdev, tfile);
	if (clean) {
		vpair_tun_napi_del(tfile);
		RCU_INIT_POINTER(tfile->tdev, NULL);
	} else {
		vpair_tun_napi_stop(tfile);
		tfile->detached = true;
		list_add_tail(&tfile->next, &tdev->disabled);
		tdev->numdisabled++;
	}
	synchronize_net();
	vpair_tun_flow_delete_queue(tdev, idx);
	vpair_tun_flow_delete_queue(tdev, old_last);
	vpair_tun_purge(tfile);
	vpair_tun_dev_set_real_queues(tdev);
}

/*
 * Called under RTNL. @clean: the file lets go (close), which may delete
 * the interface; else TUNSETQUEUE's IFF_DETACH_QUEUE.
 */
void vpair_tun_dev_detach(struct vpair_tun_file *tfile, bool clean)
{
	struct vpair_tun_dev *tdev = rtnl_dereference(tfile->tdev);

	ASSERT_RTNL();
	if (!tdev)
		return;

	if (!tfile->detached) {
		vpair_tun_dev_disable(tdev, tfile, clean);
	} else if (clean) {
		list_del_init(&tfile->next);
		tdev->numdisabled--;
		tfile->detached = false;
		vpair_tun_napi_del(tfile);
		RCU_INIT_POINTER(tfile->tdev, NULL);
	}
	if (!clean)
		return;

	if (tdev->numqueues || tdev->numdisabled)
		return;
	netif_carrier_off(tdev->dev);
	if (!(tdev->flags & IFF_PERSIST) &&
	    tdev->dev->reg_state == NETREG_REGISTERED)
		unregister_netdevice(tdev->dev);
}

/*
 * ip link set txqueuelen: every ring follows, or none does when one
 * cannot (the core then restores the length). Packets that no longer
 * fit are dropped with bottom halves, not interrupts, disabled.
 */
static int vpair_tun_dev_resize(struct vpair_tun_dev *tdev)
{
	unsigned int n = 0, i, count = tdev->numqueues + tdev->numdisabled;
	struct vpair_tun_file *tfile;
	struct ptr_ring **rings;
	int err;

	if (!count)
		return 0;
	rings = kmalloc_array(count, sizeof(*rings), GFP_KERNEL);
	if (!rings)
		return -ENOMEM;
	for (i = 0; i < tdev->numqueues; i++)
		rings[n++] = &rtnl_dereference(tdev->tfiles[i])->ring;
	list_for_each_entry(tfile, &tdev->disabled, next)
		rings[n++] = &tfile->ring;

	err = ptr_ring_resize_multiple_bh(rings, n, tdev->dev->tx_queue_len,
					  GFP_KERNEL, vpair_tun_drop_queued);
	kfree(rings);
	return err;
}

/* The interface came up: writers polling for EPOLLOUT may go on. */
static void vpair_tun_dev_wake_writers(struct vpair_tun_dev *tdev)
{
	struct vpair_tun_file *tfile;
	unsigned int i;

	for (i = 0; i < tdev->numqueues; i++) {
		tfile = rtnl_dereference(tdev->tfiles[i]);
		/* SIGIO only to those that poll() found unwritable, as tun */
		tfile->sk.sk_write_space(&tfile->sk);
	}
}

static int vpair_tun_dev_event(struct notifier_block *nb,
			       unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (dev->rtnl_link_ops != &vpair_tun_link_ops)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_CHANGE_TX_QUEUE_LEN:
		if (vpair_tun_dev_resize(netdev_priv(dev)))
			return NOTIFY_BAD;
		break;
	case NETDEV_UP:
		vpair_tun_dev_wake_writers(netdev_priv(dev));
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block vpair_tun_dev_notifier = {
	.notifier_call	= vpair_tun_dev_event,
};

int vpair_tun_dev_init(void)
{
	int err;

	err = rtnl_link_register(&vpair_tun_link_ops);
	if (err)
		return err;
	err = register_netdevice_notifier(&vpair_tun_dev_notifier);
	if (err)
		rtnl_link_unregister(&vpair_tun_link_ops);
	return err;
}

void vpair_tun_dev_exit(void)
{
	unregister_netdevice_notifier(&vpair_tun_dev_notifier);
	rtnl_link_unregister(&vpair_tun_link_ops);
}
