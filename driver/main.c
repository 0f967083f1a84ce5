// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: module entry -- registers the pair's rtnl kind and the
 * /dev/net/vpair character device.
 */
#include <linux/module.h>

#include "vpair.h"

static int __init vpair_init(void)
{
	int err;

	err = vpair_pair_init();
	if (err)
		return err;

	err = vpair_tun_init();
	if (err)
		goto err_pair;

	return 0;

err_pair:
	vpair_pair_exit();
	return err;
}

static void __exit vpair_exit(void)
{
	vpair_tun_exit();
	vpair_pair_exit();
}

module_init(vpair_init);
module_exit(vpair_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Virtual netdev pair and tun/tap-compatible packet device");
MODULE_AUTHOR("The vpair developers");
MODULE_VERSION(VPAIR_VERSION);
