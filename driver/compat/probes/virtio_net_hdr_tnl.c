// SPDX-License-Identifier: GPL-2.0
/*
 * 6.17: GSO over UDP tunnels in the virtio_net_hdr (the extended header,
 * TUN_F_UDP_TUNNEL_GSO*); the helpers with the signatures vpair calls.
 */
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

static unsigned int probe_tnl_offload __used =
	TUN_F_UDP_TUNNEL_GSO | TUN_F_UDP_TUNNEL_GSO_CSUM;

static int __used probe_tnl(struct sk_buff *skb,
			    struct virtio_net_hdr_v1_hash_tunnel *vhdr)
{
	if (virtio_net_hdr_tnl_to_skb(skb, vhdr, true, true, true))
		return -EINVAL;
	return virtio_net_hdr_tnl_from_skb(skb, vhdr, true, true, 0, true,
					   false);
}
