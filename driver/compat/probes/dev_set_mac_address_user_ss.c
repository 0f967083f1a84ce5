// SPDX-License-Identifier: GPL-2.0
/* 6.17: dev_set_mac_address_user() takes a struct sockaddr_storage. */
#include <linux/netdevice.h>
#include <linux/socket.h>

static int __used probe_set_mac(struct net_device *dev,
				struct sockaddr_storage *ss)
{
	return dev_set_mac_address_user(dev, ss, NULL);
}
