// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: the rtnl kind "vtun" -- tun's IFLA_TUN_* attributes in dumps,
 * and what tun refuses: creating a persistent interface over rtnetlink,
 * for a later TUNSETIFF to attach to under tun's rules.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>
#include <linux/module.h>
#include <linux/security.h>
#include <net/rtnetlink.h>

#include "tun.h"

static const struct nla_policy vpair_tun_policy[IFLA_TUN_MAX + 1] = {
	[IFLA_TUN_TYPE]		= { .type = NLA_U8 },
	[IFLA_TUN_OWNER]	= { .type = NLA_U32 },
	[IFLA_TUN_GROUP]	= { .type = NLA_U32 },
	[IFLA_TUN_PI]		= { .type = NLA_U8 },
	[IFLA_TUN_VNET_HDR]	= { .type = NLA_U8 },
	[IFLA_TUN_PERSIST]	= { .type = NLA_U8 },
	[IFLA_TUN_MULTI_QUEUE]	= { .type = NLA_U8 },
	[IFLA_TUN_NUM_QUEUES]	= {
		.type = NLA_REJECT,
		.reject_message = "Queues are attached through the char device, not set",
	},
	[IFLA_TUN_NUM_DISABLED_QUEUES] = {
		.type = NLA_REJECT,
		.reject_message = "Queues are attached through the char device, not set",
	},
};

static bool vpair_tun_link_flag(struct nlattr *data[], int type, bool dflt)
{
	return data[type] ? nla_get_u8(data[type]) : dflt;
}

/*
 * The TUNSETIFF flags the request stands for: a type is required; PI,
 * vnet_hdr and multi_queue default to off (ip tuntap's defaults) and
 * persist to on, the only way an interface without a queue can exist.
 */
static int vpair_tun_link_flags(struct nlattr *data[], unsigned int *flags,
				struct netlink_ext_ack *extack)
{
	u8 type;

	if (!data || !data[IFLA_TUN_TYPE]) {
		NL_SET_ERR_MSG(extack, "Type required: tun (1) or tap (2)");
		return -EINVAL;
	}
	type = nla_get_u8(data[IFLA_TUN_TYPE]);
	if (type != IFF_TUN && type != IFF_TAP) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_TUN_TYPE],
				    "Unknown type: tun (1) or tap (2)");
		return -EINVAL;
	}
	if (!vpair_tun_link_flag(data, IFLA_TUN_PERSIST, true)) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_TUN_PERSIST],
				    "An interface created without a queue must be persistent");
		return -EINVAL;
	}

	*flags = type;
	if (!vpair_tun_link_flag(data, IFLA_TUN_PI, false))
		*flags |= IFF_NO_PI;
	if (vpair_tun_link_flag(data, IFLA_TUN_VNET_HDR, false))
		*flags |= IFF_VNET_HDR;
	if (vpair_tun_link_flag(data, IFLA_TUN_MULTI_QUEUE, false))
		*flags |= IFF_MULTI_QUEUE;
	return 0;
}

/* Owner and group as TUNSETOWNER/TUNSETGROUP take them: the caller's ids. */
static int vpair_tun_link_ids(struct vpair_tun_dev *tdev, struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	struct nlattr *attr;

	attr = data[IFLA_TUN_OWNER];
	if (attr) {
		tdev->owner = make_kuid(current_user_ns(), nla_get_u32(attr));
		if (!uid_valid(tdev->owner)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "Owner has no mapping in the caller's user namespace");
			return -EINVAL;
		}
	}
	attr = data[IFLA_TUN_GROUP];
	if (attr) {
		tdev->group = make_kgid(current_user_ns(), nla_get_u32(attr));
		if (!gid_valid(tdev->group)) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "Group has no mapping in the caller's user namespace");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The core sized the queues before the type was known: room for a
 * multiqueue interface's, unless the request set equal counts itself.
 */
static int vpair_tun_link_check_queues(struct net_device *dev,
				       struct netlink_ext_ack *extack)
{
	if (dev->num_tx_queues > VPAIR_MAX_QUEUES ||
	    dev->num_rx_queues > VPAIR_MAX_QUEUES) {
		NL_SET_ERR_MSG(extack, "At most 256 queues");
		return -EINVAL;
	}
	if (dev->num_tx_queues != dev->num_rx_queues) {
		NL_SET_ERR_MSG(extack,
			       "Transmit and receive queue counts must be equal");
		return -EINVAL;
	}
	netif_set_real_num_tx_queues(dev, 1);
	netif_set_real_num_rx_queues(dev, 1);
	return 0;
}

static int vpair_tun_link_hwaddr(struct net_device *dev, struct nlattr *attr,
				 unsigned char *addr,
				 struct netlink_ext_ack *extack)
{
	if (dev->type != ARPHRD_ETHER) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "A tun interface has no link-layer address");
		return -EINVAL;
	}
	if (nla_len(attr) != ETH_ALEN) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "Invalid link-layer address length");
		return -EINVAL;
	}
	memcpy(addr, nla_data(attr), ETH_ALEN);
	return 0;
}

/* Type setup reset what the core had already taken from the request. */
static int vpair_tun_link_apply(struct net_device *dev, struct nlattr *tb[],
				struct netlink_ext_ack *extack)
{
	u8 addr[ETH_ALEN];
	u32 mtu;
	int err;

	if (tb[IFLA_MTU]) {
		mtu = nla_get_u32(tb[IFLA_MTU]);
		if (mtu < dev->min_mtu || mtu > dev->max_mtu) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
					    "MTU outside the interface's range");
			return -EINVAL;
		}
		dev->mtu = mtu;
	}
	if (tb[IFLA_TXQLEN])
		dev->tx_queue_len = nla_get_u32(tb[IFLA_TXQLEN]);
	if (tb[IFLA_BROADCAST]) {
		err = vpair_tun_link_hwaddr(dev, tb[IFLA_BROADCAST],
					    dev->broadcast, extack);
		if (err)
			return err;
	}
	if (tb[IFLA_ADDRESS]) {
		err = vpair_tun_link_hwaddr(dev, tb[IFLA_ADDRESS], addr, extack);
		if (err)
			return err;
		if (!is_valid_ether_addr(addr)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Invalid Ethernet address");
			return -EADDRNOTAVAIL;
		}
		eth_hw_addr_set(dev, addr);
		dev->addr_assign_type = NET_ADDR_SET;
	}
	return 0;
}

/* TUNSETIFF's and TUNSETPERSIST's rights over the interface's namespace. */
static int vpair_tun_link_may_create(struct net *net,
				     struct netlink_ext_ack *extack)
{
	int err;

	if (!ns_capable(net->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "No CAP_NET_ADMIN over the interface's network namespace");
		return -EPERM;
	}
	err = security_tun_dev_create();
	if (err < 0)
		NL_SET_ERR_MSG(extack, "Refused by the security module");
	return err;
}

static int vpair_tun_link_newlink(struct net_device *dev,
				  struct rtnl_newlink_params *params,
				  struct netlink_ext_ack *extack)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);
	struct nlattr **data = params->data;
	unsigned int flags;
	int err;

	err = vpair_tun_link_may_create(dev_net(dev), extack);
	if (err)
		return err;
	err = vpair_tun_link_flags(data, &flags, extack);
	if (err)
		return err;
	err = vpair_tun_link_check_queues(dev, extack);
	if (err)
		return err;

	vpair_tun_dev_configure(dev, flags);
	err = vpair_tun_link_ids(tdev, data, extack);
	if (err)
		return err;
	err = vpair_tun_link_apply(dev, params->tb, extack);
	if (err)
		return err;
	if (!params->tb[IFLA_IFNAME])
		strscpy(dev->name, flags & IFF_TAP ? VPAIR_TAP_TEMPLATE :
			VPAIR_TUN_TEMPLATE, IFNAMSIZ);

	/* no reader yet */
	netif_carrier_off(dev);
	err = vpair_register_netdevice(dev, extack);
	if (err)
		return err;

	/* as TUNSETPERSIST: the interface pins the module */
	tdev->flags |= IFF_PERSIST;
	__module_get(THIS_MODULE);
	return 0;
}

COMPAT_DEFINE_NEWLINK(vpair_tun_link_newlink);

/* What TUNSETIFF fixed and the ioctls change is not changed here. */
static int vpair_tun_link_changelink(struct net_device *dev,
				     struct nlattr *tb[], struct nlattr *data[],
				     struct netlink_ext_ack *extack)
{
	int i;

	for (i = 1; data && i <= IFLA_TUN_MAX; i++) {
		if (data[i]) {
			NL_SET_ERR_MSG_ATTR(extack, data[i],
					    "vtun attributes cannot be changed after creation");
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

static unsigned int vpair_tun_link_num_queues(void)
{
	return VPAIR_MAX_QUEUES;
}

static size_t vpair_tun_get_size(const struct net_device *dev)
{
	return 2 * nla_total_size(sizeof(u32)) +	/* OWNER, GROUP */
	       5 * nla_total_size(sizeof(u8)) +		/* TYPE ... MQ */
	       2 * nla_total_size(sizeof(u32));		/* NUM_*QUEUES */
}

/* The IFLA_TUN_* attributes of tun, so `ip -d link` shows them. */
static int vpair_tun_fill_info(struct sk_buff *skb,
			       const struct net_device *dev)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);
	unsigned int f = tdev->flags;

	if (nla_put_u8(skb, IFLA_TUN_TYPE, f & (IFF_TUN | IFF_TAP)) ||
	    (uid_valid(tdev->owner) &&
	     nla_put_u32(skb, IFLA_TUN_OWNER,
			 from_kuid_munged(current_user_ns(), tdev->owner))) ||
	    (gid_valid(tdev->group) &&
	     nla_put_u32(skb, IFLA_TUN_GROUP,
			 from_kgid_munged(current_user_ns(), tdev->group))) ||
	    nla_put_u8(skb, IFLA_TUN_PI, !(f & IFF_NO_PI)) ||
	    nla_put_u8(skb, IFLA_TUN_VNET_HDR, !!(f & IFF_VNET_HDR)) ||
	    nla_put_u8(skb, IFLA_TUN_PERSIST, !!(f & IFF_PERSIST)) ||
	    nla_put_u8(skb, IFLA_TUN_MULTI_QUEUE, !!(f & IFF_MULTI_QUEUE)))
		return -EMSGSIZE;
	if ((f & IFF_MULTI_QUEUE) &&
	    (nla_put_u32(skb, IFLA_TUN_NUM_QUEUES, tdev->numqueues) ||
	     nla_put_u32(skb, IFLA_TUN_NUM_DISABLED_QUEUES,
			 tdev->numdisabled)))
		return -EMSGSIZE;
	return 0;
}

struct rtnl_link_ops vpair_tun_link_ops = {
	.kind			= VPAIR_TUN_KIND,
	.priv_size		= sizeof(struct vpair_tun_dev),
	.setup			= vpair_tun_dev_setup,
	.maxtype		= IFLA_TUN_MAX,
	.policy			= vpair_tun_policy,
	.newlink		= COMPAT_NEWLINK(vpair_tun_link_newlink),
	.changelink		= vpair_tun_link_changelink,
	.get_num_tx_queues	= vpair_tun_link_num_queues,
	.get_num_rx_queues	= vpair_tun_link_num_queues,
	.get_size		= vpair_tun_get_size,
	.fill_info		= vpair_tun_fill_info,
};

MODULE_ALIAS_RTNL_LINK(VPAIR_TUN_KIND);
