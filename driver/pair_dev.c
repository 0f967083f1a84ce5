// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: the netdev side of a pair end -- open/stop and carrier,
 * transmit into the peer, statistics and identity.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>

#include "pair.h"

#define VPAIR_VLAN_ACCEL (NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_CTAG_RX | \
			  NETIF_F_HW_VLAN_STAG_TX | NETIF_F_HW_VLAN_STAG_RX)

#define VPAIR_FEATURES	(NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HW_CSUM | \
			 NETIF_F_RXCSUM | NETIF_F_SCTP_CRC | NETIF_F_HIGHDMA | \
			 NETIF_F_GSO_SOFTWARE | NETIF_F_GSO_ENCAP_ALL | \
			 VPAIR_VLAN_ACCEL)

static int vpair_pair_open(struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);
	int err;

	if (!peer)
		return -ENOTCONN;

	err = vpair_napi_open(dev);
	if (err)
		return err;
	if (peer->flags & IFF_UP) {
		netif_carrier_on(dev);
		netif_carrier_on(peer);
	}
	return 0;
}

static int vpair_pair_stop(struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	netif_carrier_off(dev);
	if (peer)
		netif_carrier_off(peer);
	vpair_napi_close(dev);
	return 0;
}

/*
 * Hand @skb to @peer's stack: to the backlog, or to the ring of the
 * peer's rx queue in NAPI mode. __dev_forward_skb() scrubs the skb when
 * it crosses a namespace, enforces the peer's MTU and leaves ip_summed
 * alone, so a corrupt packet is never upgraded to "checksum verified".
 * A full ring with a qdisc on our queue hands the packet back (BUSY).
 */
static netdev_tx_t vpair_pair_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);
	u16 txq = skb_get_queue_mapping(skb);
	struct net_device *peer;
	struct vpair_rxq *rq;
	unsigned int len;
	u16 rxq;
	int ret;

	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	if (unlikely(!peer))
		goto drop;
	/* AF_PACKET may hand us frames shorter than a link-layer header */
	if (unlikely(!pskb_may_pull(skb, ETH_HLEN)))
		goto drop;
	/* the frame's own type: AF_PACKET lets a sender label ARP as IP */
	if (unlikely(!vpair_pair_proto_ok(priv, skb_eth_hdr(skb))))
		goto drop;

	/* tx queue N of this end feeds rx queue N of the peer */
	rxq = vpair_pair_rxq_of(peer, txq);
	skb_record_rx_queue(skb, rxq);

	len = skb->len;
	rq = vpair_napi_rxq(dev, peer, txq, rxq, skb);
	if (rq) {
		ret = vpair_napi_xmit(skb, dev, peer, rq, txq, len);
	} else {
		skb_tx_timestamp(skb);
		ret = dev_forward_skb(peer, skb);
	}
	if (likely(ret == NET_RX_SUCCESS)) {
		vpair_pair_count_tx(priv, txq, 1, len);
		rcu_read_unlock();
		return NETDEV_TX_OK;
	}
	if (ret == NETDEV_TX_BUSY) {
		/* the qdisc requeues it by its mapping: this tx queue again */
		skb_set_queue_mapping(skb, txq);
		rcu_read_unlock();
		return NETDEV_TX_BUSY;
	}
	skb = NULL;	/* freed where it was refused */

drop:
	dev_core_stats_tx_dropped_inc(dev);
	atomic64_inc(&priv->tx_drops[txq]);
	rcu_read_unlock();
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int vpair_pair_get_iflink(const struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct net_device *peer;
	int iflink = 0;

	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	if (peer)
		iflink = READ_ONCE(peer->ifindex);
	rcu_read_unlock();
	return iflink;
}

static struct net_device *vpair_pair_peer_dev(struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);

	return rcu_dereference(priv->peer);
}

/* Both ends reserve the larger headroom either of them was asked for. */
static void vpair_pair_set_rx_headroom(struct net_device *dev, int new_hr)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct net_device *peer;
	int headroom;

	if (new_hr < 0)
		new_hr = 0;

	rcu_read_lock();
	priv->requested_headroom = new_hr;
	headroom = new_hr;
	peer = rcu_dereference(priv->peer);
	if (peer) {
		struct vpair_end *peer_priv = netdev_priv(peer);

		headroom = max(headroom, peer_priv->requested_headroom);
		peer->needed_headroom = headroom;
	}
	dev->needed_headroom = headroom;
	rcu_read_unlock();
}

/* Multicast filtering is meaningless on a software pair. */
static void vpair_pair_set_rx_mode(struct net_device *dev)
{
}

static int vpair_pair_set_mac_address(struct net_device *dev, void *addr)
{
	struct vpair_end *priv = netdev_priv(dev);

	if (priv->mode == VPAIR_MODE_L3)
		return -EOPNOTSUPP;
	return eth_mac_addr(dev, addr);
}

/* l3 ends keep an all-zero address: nothing to validate. */
static int vpair_pair_validate_addr(struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);

	if (priv->mode == VPAIR_MODE_L3)
		return 0;
	return eth_validate_addr(dev);
}

static int vpair_pair_dev_init(struct net_device *dev)
{
	int err;

	err = vpair_pair_stats_init(dev);
	if (err)
		return err;
	err = vpair_napi_init(dev);
	if (err)
		goto err_stats;
	err = compat_alloc_tstats(dev);
	if (err)
		goto err_napi;

	netdev_lockdep_set_classes(dev);
	return 0;

err_napi:
	vpair_napi_free(dev);
err_stats:
	vpair_pair_stats_free(dev);
	return err;
}

static void vpair_pair_dev_free(struct net_device *dev)
{
	compat_free_tstats(dev);
	vpair_napi_free(dev);
	vpair_pair_stats_free(dev);
}

static const struct net_device_ops vpair_pair_netdev_ops = {
	.ndo_init		= vpair_pair_dev_init,
	.ndo_open		= vpair_pair_open,
	.ndo_stop		= vpair_pair_stop,
	.ndo_start_xmit		= vpair_pair_xmit,
	.ndo_get_stats64	= vpair_pair_get_stats64,
	.ndo_set_rx_mode	= vpair_pair_set_rx_mode,
	.ndo_set_mac_address	= vpair_pair_set_mac_address,
	.ndo_validate_addr	= vpair_pair_validate_addr,
	.ndo_get_iflink		= vpair_pair_get_iflink,
	.ndo_get_peer_dev	= vpair_pair_peer_dev,
	.ndo_features_check	= passthru_features_check,
	.ndo_fix_features	= vpair_xdp_fix_features,
	.ndo_set_features	= vpair_napi_set_features,
	.ndo_set_rx_headroom	= vpair_pair_set_rx_headroom,
	.ndo_bpf		= vpair_xdp_bpf,
	.ndo_xdp_xmit		= vpair_xdp_xmit,
};

void vpair_pair_setup(struct net_device *dev)
{
	ether_setup(dev);

	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE |
			   IFF_PHONY_HEADROOM;
	compat_set_lltx(dev);
	/* bpf_redirect_peer() counts into the core's per-CPU tstats */
	compat_set_tstats(dev);

	dev->netdev_ops = &vpair_pair_netdev_ops;
	dev->ethtool_ops = &vpair_pair_ethtool_ops;
	compat_set_stat_ops(dev, &vpair_pair_stat_ops);

	dev->features |= VPAIR_FEATURES;
	dev->hw_features = VPAIR_FEATURES;
	dev->hw_enc_features = VPAIR_FEATURES;
	dev->vlan_features = dev->features & ~VPAIR_VLAN_ACCEL;
	dev->mpls_features = NETIF_F_HW_CSUM | NETIF_F_GSO_SOFTWARE;
	netif_set_tso_max_size(dev, GSO_MAX_SIZE);

	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;

	dev->needs_free_netdev = true;
	dev->priv_destructor = vpair_pair_dev_free;
}

/* GRO starts off, as on veth: scripts tuned for veth see the same flags. */
void vpair_pair_disable_gro(struct net_device *dev)
{
	dev->features &= ~NETIF_F_GRO;
	dev->wanted_features &= ~NETIF_F_GRO;
	netdev_update_features(dev);
}

/* Called before registration: l3 ends have no MAC and resolve nothing. */
void vpair_pair_set_mode(struct net_device *dev, enum vpair_mode mode)
{
	struct vpair_end *priv = netdev_priv(dev);

	priv->mode = mode;
	if (mode == VPAIR_MODE_L3) {
		dev->flags |= IFF_NOARP;
		dev->priv_flags &= ~IFF_LIVE_ADDR_CHANGE;
		eth_zero_addr(dev->perm_addr);
	}
}
