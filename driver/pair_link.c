// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: rtnl link kind "vpair" -- creation of both ends in one request,
 * deletion of both, and what netlink reads back.
 */
#include <linux/etherdevice.h>
#include <net/rtnetlink.h>

#include "pair.h"

static struct rtnl_link_ops vpair_pair_link_ops;

static const struct nla_policy vpair_pair_policy[VPAIR_INFO_MAX + 1] = {
	[VPAIR_INFO_PEER]		= { .len = sizeof(struct ifinfomsg) },
	[VPAIR_INFO_MODE]		= NLA_POLICY_MAX(NLA_U32, VPAIR_MODE_MAX),
	[VPAIR_INFO_PEER_IFINDEX]	= { .type = NLA_U32 },
};

static int vpair_pair_validate_ifla(struct nlattr *tb[],
				    struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Invalid MAC address length");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "MAC address must be unicast and non-zero");
			return -EADDRNOTAVAIL;
		}
	}
	if (tb[IFLA_MTU]) {
		u32 mtu = nla_get_u32(tb[IFLA_MTU]);

		if (mtu < ETH_MIN_MTU || mtu > ETH_MAX_MTU) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
					    "MTU must be between 68 and 65535");
			return -EINVAL;
		}
	}
	return 0;
}

static enum vpair_mode vpair_pair_mode_of(struct nlattr *data[])
{
	if (data && data[VPAIR_INFO_MODE])
		return nla_get_u32(data[VPAIR_INFO_MODE]);
	return VPAIR_MODE_L2;
}

/* An l3 end has no MAC address to set. */
static int vpair_pair_validate_mode(enum vpair_mode mode, struct nlattr *tb[],
				    struct netlink_ext_ack *extack)
{
	if (mode == VPAIR_MODE_L3 && tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "Devices in l3 mode have no MAC address");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int vpair_pair_validate(struct nlattr *tb[], struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	int err;

	if (data && data[VPAIR_INFO_PEER_IFINDEX]) {
		NL_SET_ERR_MSG_ATTR(extack, data[VPAIR_INFO_PEER_IFINDEX],
				    "Peer ifindex is read-only");
		return -EINVAL;
	}
	err = vpair_pair_validate_mode(vpair_pair_mode_of(data), tb, extack);
	if (err)
		return err;
	return vpair_pair_validate_ifla(tb, extack);
}

/* Placing an end in a namespace needs CAP_NET_ADMIN over its owner. */
static int vpair_pair_check_net(struct net *net, struct netlink_ext_ack *extack)
{
	if (!ns_capable(net->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "No CAP_NET_ADMIN over the peer's network namespace");
		return -EPERM;
	}
	return 0;
}

/*
 * The peer's namespace: resolved by the core on kernels that know
 * .peer_type (@peer_net set), else from the peer's own attributes.
 * Returns a reference the caller drops with put_net().
 */
static struct net *vpair_pair_peer_net(struct net *src_net,
				       struct net *peer_net,
				       struct nlattr *tbp[])
{
	if (peer_net)
		return get_net(peer_net);
	return rtnl_link_get_net(src_net, tbp);
}

static void vpair_pair_link_ends(struct net_device *dev,
				 struct net_device *peer)
{
	struct vpair_end *peer_priv = netdev_priv(peer);
	struct vpair_end *priv = netdev_priv(dev);

	rcu_assign_pointer(priv->peer, peer);
	rcu_assign_pointer(peer_priv->peer, dev);
}

/*
 * Queues are allocated for every possible CPU so that ethtool -L can grow
 * them later; without an explicit count an end starts with one of each.
 */
static unsigned int vpair_pair_get_num_queues(void)
{
	return min_t(unsigned int, num_possible_cpus(), VPAIR_MAX_QUEUES);
}

/* Before registration these only record the counts: they cannot fail. */
static void vpair_pair_init_queues(struct net_device *dev, struct nlattr *tb[])
{
	if (!tb[IFLA_NUM_TX_QUEUES])
		netif_set_real_num_tx_queues(dev, 1);
	if (!tb[IFLA_NUM_RX_QUEUES])
		netif_set_real_num_rx_queues(dev, 1);
}

/* The peer's own attributes, when the request has them: checked like ours. */
static int vpair_pair_parse_peer(struct nlattr *data[], enum vpair_mode mode,
				 struct nlattr *peer_tb[],
				 struct ifinfomsg **ifmp,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *nla_peer = data[VPAIR_INFO_PEER];
	int err;

	*ifmp = nla_data(nla_peer);
	err = rtnl_nla_parse_ifinfomsg(peer_tb, nla_peer, extack);
	if (err < 0)
		return err;
	err = vpair_pair_validate_ifla(peer_tb, extack);
	if (err < 0)
		return err;
	return vpair_pair_validate_mode(mode, peer_tb, extack);
}

/* Creates and registers the peer in @net; @dev is registered after it. */
static struct net_device *
vpair_pair_create_peer(struct net *net, struct net_device *dev,
		       enum vpair_mode mode, struct ifinfomsg *ifmp,
		       struct nlattr *tbp[], struct netlink_ext_ack *extack)
{
	unsigned char name_assign_type = NET_NAME_ENUM;
	const char *ifname = VPAIR_IFNAME_TEMPLATE;
	char name[IFNAMSIZ];
	struct net_device *peer;
	int err;

	err = vpair_pair_check_net(net, extack);
	if (err < 0)
		return ERR_PTR(err);

	if (ifmp && tbp[IFLA_IFNAME]) {
		nla_strscpy(name, tbp[IFLA_IFNAME], IFNAMSIZ);
		ifname = name;
		name_assign_type = NET_NAME_USER;
	}

	peer = rtnl_create_link(net, ifname, name_assign_type,
				&vpair_pair_link_ops, tbp, extack);
	if (IS_ERR(peer))
		return peer;

	vpair_pair_set_mode(peer, mode);
	vpair_xdp_setup(peer);
	if (mode == VPAIR_MODE_L2 && (!ifmp || !tbp[IFLA_ADDRESS]))
		eth_hw_addr_random(peer);
	if (ifmp && dev->ifindex)
		peer->ifindex = ifmp->ifi_index;
	netif_inherit_tso_max(peer, dev);
	vpair_pair_init_queues(peer, tbp);

	err = vpair_register_netdevice(peer, extack);
	if (err < 0)
		goto err_free_peer;
	netif_carrier_off(peer);
	vpair_pair_disable_gro(peer);

	err = rtnl_configure_link(peer, ifmp, 0, NULL);
	if (err < 0)
		goto err_unregister_peer;
	return peer;

err_unregister_peer:
	unregister_netdevice(peer);
	return ERR_PTR(err);
err_free_peer:
	free_netdev(peer);
	return ERR_PTR(err);
}

static int vpair_pair_newlink(struct net_device *dev,
			      struct rtnl_newlink_params *params,
			      struct netlink_ext_ack *extack)
{
	enum vpair_mode mode = vpair_pair_mode_of(params->data);
	struct nlattr *peer_tb[IFLA_MAX + 1], **tbp = params->tb;
	struct nlattr **tb = params->tb;
	struct ifinfomsg *ifmp = NULL;
	struct net_device *peer;
	struct net *net;
	int err;

	if (params->data && params->data[VPAIR_INFO_PEER]) {
		err = vpair_pair_parse_peer(params->data, mode, peer_tb, &ifmp,
					    extack);
		if (err < 0)
			return err;
		tbp = peer_tb;
	}

	net = vpair_pair_peer_net(params->src_net,
				  rtnl_newlink_peer_net(params), tbp);
	if (IS_ERR(net)) {
		NL_SET_ERR_MSG(extack, "Peer network namespace not found");
		return PTR_ERR(net);
	}
	peer = vpair_pair_create_peer(net, dev, mode, ifmp, tbp, extack);
	/* A registered device is kept by its namespace, not by us. */
	put_net(net);
	if (IS_ERR(peer))
		return PTR_ERR(peer);

	vpair_pair_set_mode(dev, mode);
	vpair_xdp_setup(dev);
	if (mode == VPAIR_MODE_L2 && !tb[IFLA_ADDRESS])
		eth_hw_addr_random(dev);
	netif_inherit_tso_max(dev, peer);
	vpair_pair_init_queues(dev, tb);

	err = vpair_register_netdevice(dev, extack);
	if (err < 0)
		goto err_unregister_peer;
	netif_carrier_off(dev);
	vpair_pair_disable_gro(dev);

	vpair_pair_link_ends(dev, peer);
	return 0;

err_unregister_peer:
	unregister_netdevice(peer);
	return err;
}

COMPAT_DEFINE_NEWLINK(vpair_pair_newlink);

static void vpair_pair_dellink(struct net_device *dev, struct list_head *head)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(priv->peer);

	RCU_INIT_POINTER(priv->peer, NULL);
	unregister_netdevice_queue(dev, head);

	/* The peer may already be queued when a namespace dies. */
	if (peer) {
		struct vpair_end *peer_priv = netdev_priv(peer);

		RCU_INIT_POINTER(peer_priv->peer, NULL);
		unregister_netdevice_queue(peer, head);
	}
}

static int vpair_pair_changelink(struct net_device *dev, struct nlattr *tb[],
				 struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	if (!data)
		return 0;
	if (data[VPAIR_INFO_MODE]) {
		NL_SET_ERR_MSG_ATTR(extack, data[VPAIR_INFO_MODE],
				    "Mode cannot be changed after creation");
		return -EACCES;
	}
	if (data[VPAIR_INFO_PEER]) {
		NL_SET_ERR_MSG_ATTR(extack, data[VPAIR_INFO_PEER],
				    "Peer cannot be changed after creation");
		return -EACCES;
	}
	return 0;
}

static struct net *vpair_pair_get_link_net(const struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct net_device *peer = rcu_dereference_rtnl(priv->peer);

	return peer ? dev_net(peer) : dev_net(dev);
}

static size_t vpair_pair_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32)) +	/* VPAIR_INFO_MODE */
	       nla_total_size(sizeof(u32));	/* VPAIR_INFO_PEER_IFINDEX */
}

static int vpair_pair_fill_info(struct sk_buff *skb,
				const struct net_device *dev)
{
	struct vpair_end *priv = netdev_priv(dev);
	struct net_device *peer;
	int err = 0;

	if (nla_put_u32(skb, VPAIR_INFO_MODE, priv->mode))
		return -EMSGSIZE;

	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	if (peer && nla_put_u32(skb, VPAIR_INFO_PEER_IFINDEX, peer->ifindex))
		err = -EMSGSIZE;
	rcu_read_unlock();
	return err;
}

static struct rtnl_link_ops vpair_pair_link_ops = {
	.kind		= VPAIR_KIND,
	.priv_size	= sizeof(struct vpair_end),
	.setup		= vpair_pair_setup,
	.maxtype	= VPAIR_INFO_MAX,
	.policy		= vpair_pair_policy,
	.validate	= vpair_pair_validate,
	.newlink	= COMPAT_NEWLINK(vpair_pair_newlink),
	.changelink	= vpair_pair_changelink,
	.dellink	= vpair_pair_dellink,
	.get_size	= vpair_pair_get_size,
	.fill_info	= vpair_pair_fill_info,
	.get_link_net	= vpair_pair_get_link_net,
	.get_num_tx_queues = vpair_pair_get_num_queues,
	.get_num_rx_queues = vpair_pair_get_num_queues,
	COMPAT_PEER_TYPE(VPAIR_INFO_PEER)
};

int vpair_pair_init(void)
{
	return rtnl_link_register(&vpair_pair_link_ops);
}

void vpair_pair_exit(void)
{
	rtnl_link_unregister(&vpair_pair_link_ops);
}

MODULE_ALIAS_RTNL_LINK(VPAIR_KIND);
