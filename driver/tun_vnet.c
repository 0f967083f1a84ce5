// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: the virtio_net_hdr on the char device (IFF_VNET_HDR). On write
 * it becomes the skb's checksum and GSO metadata, through the kernel's
 * own validation (virtio_net_hdr_tnl_to_skb); on read it describes the
 * skb (virtio_net_hdr_tnl_from_skb). The header takes vnet_hdr_sz bytes
 * on the wire. Like tun, a header of at least the size of struct
 * virtio_net_hdr_v1_hash_tunnel carries the UDP tunnel fields (GSO over
 * VXLAN, GENEVE, ... on kernels that have it); a shorter one is the plain
 * struct virtio_net_hdr and padding.
 */
#include <linux/uio.h>
#include <linux/virtio_net.h>

#include "tun.h"

#define VPAIR_TUN_VNET_TNL_SZ	sizeof(struct virtio_net_hdr_v1_hash_tunnel)

static u16 vpair_tun_vnet16(bool le, __virtio16 v)
{
	return __virtio16_to_cpu(le, v);
}

/* A writer whose header has room for the tunnel fields may use them. */
static bool vpair_tun_vnet_tnl(const struct vpair_tun_framing *conf)
{
	return conf->vnet_hdr_sz >= VPAIR_TUN_VNET_TNL_SZ;
}

/*
 * Take the header off the front of a write of *@len bytes into @vhdr,
 * zeroed by the caller. Like tun, a checksum request widens hdr_len to
 * cover the checksum field, and a header longer than the packet is
 * refused.
 */
int vpair_tun_vnet_hdr_get(const struct vpair_tun_framing *conf,
			   struct iov_iter *from, size_t *len,
			   struct virtio_net_hdr_v1_hash_tunnel *vhdr)
{
	size_t parsed = vpair_tun_vnet_tnl(conf) ? VPAIR_TUN_VNET_TNL_SZ :
			sizeof(struct virtio_net_hdr);
	struct virtio_net_hdr_v1 *hdr = &vhdr->hash_hdr.hdr;
	int sz = conf->vnet_hdr_sz;
	bool le = conf->vnet_le;
	u16 need;

	if (*len < sz)
		return -EINVAL;
	*len -= sz;
	if (!copy_from_iter_full(vhdr, parsed, from))
		return -EFAULT;

	if (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		need = vpair_tun_vnet16(le, hdr->csum_start) +
		       vpair_tun_vnet16(le, hdr->csum_offset) + 2;
		if (need > vpair_tun_vnet16(le, hdr->hdr_len))
			hdr->hdr_len = __cpu_to_virtio16(le, need);
	}
	if (vpair_tun_vnet16(le, hdr->hdr_len) > *len)
		return -EINVAL;
	iov_iter_advance(from, sz - parsed);
	return 0;
}

/*
 * Turn the header into skb metadata; a bad one is counted as a frame
 * error of @tdev. Under RCU.
 */
int vpair_tun_vnet_hdr_to_skb(struct vpair_tun_dev *tdev,
			      const struct vpair_tun_framing *conf,
			      struct sk_buff *skb,
			      const struct virtio_net_hdr_v1_hash_tunnel *vhdr)
{
	const struct virtio_net_hdr_v1 *hdr = &vhdr->hash_hdr.hdr;
	bool tnl = vpair_tun_vnet_tnl(conf);
	bool le = conf->vnet_le;

	if (!virtio_net_hdr_tnl_to_skb(skb, vhdr, tnl, tnl, le))
		return 0;

	atomic_long_inc(&tdev->rx_frame_errors);
	if (net_ratelimit())
		netdev_info(tdev->dev,
			    "bad virtio_net_hdr: flags %#x gso %#x/%u csum %u+%u\n",
			    hdr->flags, hdr->gso_type,
			    vpair_tun_vnet16(le, hdr->gso_size),
			    vpair_tun_vnet16(le, hdr->csum_start),
			    vpair_tun_vnet16(le, hdr->csum_offset));
	return -EINVAL;
}

/*
 * Describe @skb in front of the frame read; @vlan_hlen is the tag the
 * reader gets inserted. Every byte of the vnet_hdr_sz is written: the
 * kernel's helpers fill only the fields that apply (a plain packet's
 * header leaves the tunnel fields alone), so the header starts zeroed,
 * and padding past it reads as zeros. A tunnel GSO packet needs the
 * offload on and a header with room for the tunnel fields.
 */
int vpair_tun_vnet_hdr_put(const struct vpair_tun_framing *conf,
			   struct sk_buff *skb, int vlan_hlen,
			   struct iov_iter *to)
{
	struct virtio_net_hdr_v1_hash_tunnel vhdr;
	size_t sz = conf->vnet_hdr_sz;
	size_t len = min(sz, sizeof(vhdr));
	bool tnl;

	if (iov_iter_count(to) < sz)
		return -EINVAL;

	memset(&vhdr, 0, sizeof(vhdr));
	tnl = vpair_tun_vnet_tnl(conf) &&
	      (skb->dev->features & NETIF_F_GSO_UDP_TUNNEL);
	if (virtio_net_hdr_tnl_from_skb(skb, &vhdr, tnl, conf->vnet_le,
					vlan_hlen, true, false)) {
		net_err_ratelimited("unexpected GSO type %#x, gso_size %u\n",
				    skb_shinfo(skb)->gso_type,
				    skb_shinfo(skb)->gso_size);
		return -EINVAL;
	}
	if (copy_to_iter(&vhdr, len, to) != len)
		return -EFAULT;
	if (iov_iter_zero(sz - len, to) != sz - len)
		return -EFAULT;
	return 0;
}
