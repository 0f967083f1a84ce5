/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpair: what the module's two halves share -- the pair (pair_*.c,
 * pair.h) and the char device (tun_*.c, tun.h).
 */
#ifndef _VPAIR_H
#define _VPAIR_H

#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/vpair.h>

#define VPAIR_DRV_NAME		"vpair"
#define VPAIR_MAX_QUEUES	256

/* The core refuses a taken name or ifindex without a message. */
static inline int vpair_register_netdevice(struct net_device *dev,
					   struct netlink_ext_ack *extack)
{
	int err = register_netdevice(dev);

	if (!err || !extack || extack->_msg)
		return err;
	if (err == -EEXIST)
		NL_SET_ERR_MSG(extack, "Interface name already in use");
	else if (err == -EBUSY)
		NL_SET_ERR_MSG(extack, "Interface index already in use");
	else
		NL_SET_ERR_MSG(extack, "Cannot register the interface");
	return err;
}

/* pair_link.c: the rtnl kind "vpair" */
int vpair_pair_init(void);
void vpair_pair_exit(void);

/* tun_chr.c: /dev/net/vpair and its rtnl kind "vtun" */
int vpair_tun_init(void);
void vpair_tun_exit(void);

#endif /* _VPAIR_H */
