// SPDX-License-Identifier: GPL-2.0
/*
 * 6.8: the XDP metadata kfuncs in their current form: the hash with
 * what it covers (6.5) and the VLAN tag (6.8).
 */
#include <linux/netdevice.h>
#include <net/xdp.h>

static int probe_timestamp(const struct xdp_md *ctx, u64 *timestamp)
{
	return 0;
}

static int probe_hash(const struct xdp_md *ctx, u32 *hash,
		      enum xdp_rss_hash_type *rss_type)
{
	return 0;
}

static int probe_vlan_tag(const struct xdp_md *ctx, __be16 *vlan_proto,
			  u16 *vlan_tci)
{
	return 0;
}

static const struct xdp_metadata_ops probe_ops = {
	.xmo_rx_timestamp	= probe_timestamp,
	.xmo_rx_hash		= probe_hash,
	.xmo_rx_vlan_tag	= probe_vlan_tag,
};

static void __used probe_metadata_ops(struct net_device *dev)
{
	dev->xdp_metadata_ops = &probe_ops;
}
