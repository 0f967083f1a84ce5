// SPDX-License-Identifier: GPL-2.0
/* 6.3: a device advertises the XDP it supports in dev->xdp_features. */
#include <net/xdp.h>

static void __used probe_xdp_features(struct net_device *dev)
{
	xdp_set_features_flag(dev, NETDEV_XDP_ACT_BASIC);
}
