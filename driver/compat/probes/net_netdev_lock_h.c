// SPDX-License-Identifier: GPL-2.0
/* 6.15: netdev_lockdep_set_classes() moved to <net/netdev_lock.h>. */
#include <net/netdev_lock.h>

static void __used probe_lock(struct net_device *dev)
{
	netdev_lockdep_set_classes(dev);
}
