// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: the netdev side of interfaces made through /dev/net/vpair
 * (rtnl kind "vtun"): setup as TUN (L3) or TAP (Ethernet), transmit into
 * the attached files' rings, and attaching/detaching those files.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <net/rtnetlink.h>

#include "vpair.h"

#define VPAIR_TUN_TXQLEN	500
#define VPAIR_TUN_FEATURES	(NETIF_F_SG | NETIF_F_FRAGLIST | \
				 NETIF_F_HW_VLAN_CTAG_TX | \
				 NETIF_F_HW_VLAN_STAG_TX)

static struct rtnl_link_ops vpair_tun_link_ops;

static void vpair_tun_free_skb(void *ptr)
{
	kfree_skb(ptr);
}

static struct vpair_tfile *vpair_tundev_pick(struct vpair_tdev *tdev,
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

static netdev_tx_t vpair_tundev_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	struct vpair_tdev *tdev = netdev_priv(dev);
	struct vpair_tfile *tfile;
	unsigned int len = skb->len;

	rcu_read_lock();
	tfile = vpair_tundev_pick(tdev, skb);
	if (!tfile)
		goto drop;
	/* The skb may sit in the ring for long: let go of its sender. */
	if (unlikely(skb_orphan_frags_rx(skb, GFP_ATOMIC)))
		goto drop;
	skb_tx_timestamp(skb);
	skb_orphan(skb);
	nf_reset_ct(skb);

	if (ptr_ring_produce(&tfile->ring, skb))
		goto drop;

	dev_sw_netstats_tx_add(dev, 1, len);
	kill_fasync(&tfile->fasync, SIGIO, POLL_IN);
	wake_up_interruptible_poll(&tfile->wq, EPOLLIN | EPOLLRDNORM);
	rcu_read_unlock();
	return NETDEV_TX_OK;

drop:
	dev_core_stats_tx_dropped_inc(dev);
	rcu_read_unlock();
	skb_tx_error(skb);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int vpair_tundev_open(struct net_device *dev)
{
	netif_tx_start_all_queues(dev);
	return 0;
}

static int vpair_tundev_stop(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
	return 0;
}

static void vpair_tundev_get_stats64(struct net_device *dev,
				     struct rtnl_link_stats64 *tot)
{
	dev_fetch_sw_netstats(tot, dev->tstats);
}

static int vpair_tundev_init_dev(struct net_device *dev)
{
	return compat_alloc_tstats(dev);
}

static void vpair_tundev_detach_one(struct vpair_tdev *tdev,
				    struct vpair_tfile *tfile)
{
	u16 idx = tfile->queue_index;
	unsigned int last = tdev->numqueues - 1;
	struct vpair_tfile *moved;

	moved = rtnl_dereference(tdev->tfiles[last]);
	rcu_assign_pointer(tdev->tfiles[idx], moved);
	moved->queue_index = idx;
	RCU_INIT_POINTER(tdev->tfiles[last], NULL);
	WRITE_ONCE(tdev->numqueues, last);
	RCU_INIT_POINTER(tfile->tdev, NULL);
}

/* The device is going away: cut every file loose and wake its readers. */
static void vpair_tundev_uninit(struct net_device *dev)
{
	struct vpair_tdev *tdev = netdev_priv(dev);
	struct vpair_tfile *tfile;

	while (tdev->numqueues) {
		tfile = rtnl_dereference(tdev->tfiles[0]);
		vpair_tundev_detach_one(tdev, tfile);
		WRITE_ONCE(tfile->dead, true);
		kill_fasync(&tfile->fasync, SIGIO, POLL_HUP);
		wake_up_interruptible_poll(&tfile->wq, EPOLLERR | EPOLLHUP);
	}
	synchronize_net();

	/* TUNSETPERSIST pinned the module for this interface */
	if (tdev->flags & IFF_PERSIST)
		module_put(THIS_MODULE);
}

static void vpair_tundev_free(struct net_device *dev)
{
	compat_free_tstats(dev);
}

static const struct net_device_ops vpair_tundev_ops = {
	.ndo_init		= vpair_tundev_init_dev,
	.ndo_uninit		= vpair_tundev_uninit,
	.ndo_open		= vpair_tundev_open,
	.ndo_stop		= vpair_tundev_stop,
	.ndo_start_xmit		= vpair_tundev_xmit,
	.ndo_get_stats64	= vpair_tundev_get_stats64,
};

static const struct net_device_ops vpair_tapdev_ops = {
	.ndo_init		= vpair_tundev_init_dev,
	.ndo_uninit		= vpair_tundev_uninit,
	.ndo_open		= vpair_tundev_open,
	.ndo_stop		= vpair_tundev_stop,
	.ndo_start_xmit		= vpair_tundev_xmit,
	.ndo_get_stats64	= vpair_tundev_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_features_check	= passthru_features_check,
};

bool vpair_is_tundev(const struct net_device *dev)
{
	return dev->netdev_ops == &vpair_tundev_ops ||
	       dev->netdev_ops == &vpair_tapdev_ops;
}

static void vpair_tundev_setup(struct net_device *dev)
{
	struct vpair_tdev *tdev = netdev_priv(dev);

	tdev->dev = dev;
	tdev->owner = INVALID_UID;
	tdev->group = INVALID_GID;

	dev->features = VPAIR_TUN_FEATURES;
	dev->hw_features = VPAIR_TUN_FEATURES;
	dev->vlan_features = dev->features & ~(NETIF_F_HW_VLAN_CTAG_TX |
					       NETIF_F_HW_VLAN_STAG_TX);
	compat_set_lltx(dev);
	compat_set_tstats(dev);
	dev->needs_free_netdev = true;
	dev->priv_destructor = vpair_tundev_free;
}

static void vpair_tundev_setup_tun(struct net_device *dev)
{
	dev->netdev_ops = &vpair_tundev_ops;
	dev->header_ops = NULL;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = ETH_DATA_LEN;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP | IFF_MULTICAST;
}

static void vpair_tundev_setup_tap(struct net_device *dev)
{
	dev->netdev_ops = &vpair_tapdev_ops;
	ether_setup(dev);
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	eth_hw_addr_random(dev);
}

/* Allocate, not register, an interface of type IFF_TUN or IFF_TAP. */
struct net_device *vpair_tundev_alloc(struct net *net, const char *name,
				      unsigned int flags)
{
	struct vpair_tdev *tdev;
	struct net_device *dev;

	dev = alloc_netdev_mqs(sizeof(struct vpair_tdev), name,
			       NET_NAME_UNKNOWN, vpair_tundev_setup, 1, 1);
	if (!dev)
		return NULL;

	if (flags & IFF_TAP)
		vpair_tundev_setup_tap(dev);
	else
		vpair_tundev_setup_tun(dev);

	dev->tx_queue_len = VPAIR_TUN_TXQLEN;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	dev->rtnl_link_ops = &vpair_tun_link_ops;
	dev_net_set(dev, net);

	tdev = netdev_priv(dev);
	tdev->flags = flags;
	return dev;
}

int vpair_tundev_attach(struct vpair_tdev *tdev, struct vpair_tfile *tfile)
{
	struct net_device *dev = tdev->dev;
	int err;

	ASSERT_RTNL();
	if (tdev->numqueues >= dev->num_tx_queues)
		return -E2BIG;

	err = ptr_ring_resize(&tfile->ring, dev->tx_queue_len, GFP_KERNEL,
			      vpair_tun_free_skb);
	if (err)
		return err;

	tfile->queue_index = tdev->numqueues;
	WRITE_ONCE(tfile->dead, false);
	rcu_assign_pointer(tdev->tfiles[tdev->numqueues], tfile);
	WRITE_ONCE(tdev->numqueues, tdev->numqueues + 1);
	rcu_assign_pointer(tfile->tdev, tdev);
	return 0;
}

/* Called under RTNL when a file lets go; may delete the interface. */
void vpair_tundev_detach(struct vpair_tfile *tfile)
{
	struct vpair_tdev *tdev = rtnl_dereference(tfile->tdev);

	ASSERT_RTNL();
	if (!tdev)
		return;

	vpair_tundev_detach_one(tdev, tfile);
	synchronize_net();

	if (!tdev->numqueues && !(tdev->flags & IFF_PERSIST))
		unregister_netdevice(tdev->dev);
}

static int vpair_tun_validate(struct nlattr *tb[], struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack,
		       "vtun/vtap creation via rtnetlink is not supported.");
	return -EOPNOTSUPP;
}

static struct rtnl_link_ops vpair_tun_link_ops = {
	.kind		= VPAIR_TUN_KIND,
	.priv_size	= sizeof(struct vpair_tdev),
	.setup		= vpair_tundev_setup,
	.validate	= vpair_tun_validate,
};

int vpair_tundev_init(void)
{
	return rtnl_link_register(&vpair_tun_link_ops);
}

void vpair_tundev_exit(void)
{
	rtnl_link_unregister(&vpair_tun_link_ops);
}
