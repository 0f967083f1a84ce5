// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: ethtool operations of char-device interfaces, as tun has them:
 * identity, message level (also TUNSETDEBUG), link settings that are
 * stored as given, channels, and rx-frames coalescing.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

#include "tun.h"

/* tun's ceiling for rx-frames */
#define VPAIR_TUN_MAX_BATCH	NAPI_POLL_WEIGHT

void vpair_tun_default_link(struct vpair_tun_dev *tdev)
{
	struct ethtool_link_ksettings *ks = &tdev->link_ksettings;

	ethtool_link_ksettings_zero_link_mode(ks, supported);
	ethtool_link_ksettings_zero_link_mode(ks, advertising);
	ks->base.speed = SPEED_10000;
	ks->base.duplex = DUPLEX_FULL;
	ks->base.port = PORT_TP;
	ks->base.phy_address = 0;
	ks->base.autoneg = AUTONEG_DISABLE;
}

static void vpair_tun_dev_get_drvinfo(struct net_device *dev,
				      struct ethtool_drvinfo *info)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	strscpy(info->driver, VPAIR_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, VPAIR_VERSION, sizeof(info->version));
	strscpy(info->bus_info, tdev->flags & IFF_TAP ? "tap" : "tun",
		sizeof(info->bus_info));
}

static u32 vpair_tun_dev_get_msglevel(struct net_device *dev)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	return READ_ONCE(tdev->msg_enable);
}

static void vpair_tun_dev_set_msglevel(struct net_device *dev, u32 value)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	WRITE_ONCE(tdev->msg_enable, value);
}

static int vpair_tun_dev_get_link_ksettings(struct net_device *dev,
					    struct ethtool_link_ksettings *ks)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	*ks = tdev->link_ksettings;
	return 0;
}

/* Nothing to configure: like tun, remember what was asked. */
static int
vpair_tun_dev_set_link_ksettings(struct net_device *dev,
				 const struct ethtool_link_ksettings *ks)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	tdev->link_ksettings = *ks;
	return 0;
}

static void vpair_tun_dev_get_channels(struct net_device *dev,
				       struct ethtool_channels *ch)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	ch->combined_count = tdev->numqueues;
	ch->max_combined = tdev->flags & IFF_MULTI_QUEUE ? VPAIR_MAX_QUEUES : 1;
}

static int vpair_tun_dev_get_coalesce(struct net_device *dev,
				      struct ethtool_coalesce *ec,
				     struct kernel_ethtool_coalesce *kec,
				     struct netlink_ext_ack *extack)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	ec->rx_max_coalesced_frames = tdev->rx_batched;
	return 0;
}

static int vpair_tun_dev_set_coalesce(struct net_device *dev,
				      struct ethtool_coalesce *ec,
				     struct kernel_ethtool_coalesce *kec,
				     struct netlink_ext_ack *extack)
{
	struct vpair_tun_dev *tdev = netdev_priv(dev);

	tdev->rx_batched = min_t(u32, ec->rx_max_coalesced_frames,
				 VPAIR_TUN_MAX_BATCH);
	return 0;
}

const struct ethtool_ops vpair_tun_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_RX_MAX_FRAMES,
	.get_drvinfo		= vpair_tun_dev_get_drvinfo,
	.get_msglevel		= vpair_tun_dev_get_msglevel,
	.set_msglevel		= vpair_tun_dev_set_msglevel,
	.get_link		= ethtool_op_get_link,
	.get_channels		= vpair_tun_dev_get_channels,
	.get_ts_info		= ethtool_op_get_ts_info,
	.get_coalesce		= vpair_tun_dev_get_coalesce,
	.set_coalesce		= vpair_tun_dev_set_coalesce,
	.get_link_ksettings	= vpair_tun_dev_get_link_ksettings,
	.set_link_ksettings	= vpair_tun_dev_set_link_ksettings,
};
