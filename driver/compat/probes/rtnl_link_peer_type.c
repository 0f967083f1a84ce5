// SPDX-License-Identifier: GPL-2.0
/* 6.15: the core resolves a pair's peer netns from .peer_type. */
#include <net/rtnetlink.h>

static struct rtnl_link_ops probe_ops __used = { .peer_type = 1 };

static struct net * __used probe_peer_net(struct rtnl_newlink_params *p)
{
	return rtnl_newlink_peer_net(p);
}
