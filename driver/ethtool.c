// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: ethtool operations of a pair end.
 */
#include <linux/ethtool.h>

#include "vpair.h"

static const char vpair_gstrings[][ETH_GSTRING_LEN] = {
	"peer_ifindex",
};

static void vpair_get_drvinfo(struct net_device *dev,
			      struct ethtool_drvinfo *info)
{
	strscpy(info->driver, VPAIR_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, VPAIR_VERSION, sizeof(info->version));
}

static int vpair_get_link_ksettings(struct net_device *dev,
				    struct ethtool_link_ksettings *cmd)
{
	cmd->base.speed = SPEED_10000;
	cmd->base.duplex = DUPLEX_FULL;
	cmd->base.port = PORT_TP;
	cmd->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

static int vpair_get_sset_count(struct net_device *dev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return ARRAY_SIZE(vpair_gstrings);
	default:
		return -EOPNOTSUPP;
	}
}

static void vpair_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	if (sset == ETH_SS_STATS)
		memcpy(buf, vpair_gstrings, sizeof(vpair_gstrings));
}

static void vpair_get_ethtool_stats(struct net_device *dev,
				    struct ethtool_stats *stats, u64 *data)
{
	struct vpair_priv *priv = netdev_priv(dev);
	struct net_device *peer;

	rcu_read_lock();
	peer = rcu_dereference(priv->peer);
	data[0] = peer ? peer->ifindex : 0;
	rcu_read_unlock();
}

const struct ethtool_ops vpair_ethtool_ops = {
	.get_drvinfo		= vpair_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= vpair_get_link_ksettings,
	.get_ts_info		= ethtool_op_get_ts_info,
	.get_sset_count		= vpair_get_sset_count,
	.get_strings		= vpair_get_strings,
	.get_ethtool_stats	= vpair_get_ethtool_stats,
};
