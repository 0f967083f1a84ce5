// SPDX-License-Identifier: GPL-2.0
/* 6.15: rtnl_link_ops.newlink takes struct rtnl_newlink_params. */
#include <net/rtnetlink.h>

static int __used probe_newlink(struct net_device *dev,
				struct rtnl_newlink_params *params,
				struct netlink_ext_ack *extack)
{
	return params->tb ? 0 : 1;
}

static struct rtnl_link_ops probe_ops __used = { .newlink = probe_newlink };
