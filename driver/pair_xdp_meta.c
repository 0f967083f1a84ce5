// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: the XDP metadata kfuncs of a pair end. A program bound to an
 * end (BPF_F_XDP_DEV_BOUND_ONLY) reads what the skb behind its buffer
 * carries: the hash, the out-of-band VLAN tag, the hardware receive
 * timestamp.
 */
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ipv6.h>
#include <net/xdp.h>

#include "pair.h"

/*
 * The skb behind a buffer of ours, or NULL. Only a buffer on one of the
 * end's own rx queues is ours: kernels before the core refused a bound
 * program in generic mode (6.14, and its stable backports) could run one
 * on the core's own buffer, which has no skb beside it.
 */
static struct sk_buff *vpair_xdp_skb_of(const struct xdp_md *ctx)
{
	const struct xdp_buff *xdp = (const void *)ctx;
	const struct xdp_rxq_info *rxq = xdp->rxq;
	const struct vpair_end *priv = netdev_priv(rxq->dev);

	if (!priv->rxq || rxq->queue_index >= rxq->dev->num_rx_queues ||
	    rxq != &priv->rxq[rxq->queue_index].xdp_rxq)
		return NULL;
	return container_of(xdp, struct vpair_xdp_buff, xdp)->skb;
}

/*
 * The hardware receive timestamp of @skb, 0 if none. Under
 * SKBTX_HW_TSTAMP_NETDEV the field holds the receiving driver's cookie,
 * which only that driver can turn into a time.
 */
ktime_t vpair_xdp_hwtstamp(struct sk_buff *skb)
{
	if (skb_shinfo(skb)->tx_flags & SKBTX_HW_TSTAMP_NETDEV)
		return 0;
	return skb_hwtstamps(skb)->hwtstamp;
}

/*
 * Where the kfuncs' documentation says -ENODATA for metadata a packet
 * does not have, we say it: no hardware timestamp, no hash, no stripped
 * tag. (veth answers 0 with a zero timestamp.)
 */
static int vpair_xdp_rx_timestamp(const struct xdp_md *ctx, u64 *timestamp)
{
	struct sk_buff *skb = vpair_xdp_skb_of(ctx);
	ktime_t ts;

	if (!skb)
		return -EOPNOTSUPP;
	ts = vpair_xdp_hwtstamp(skb);
	if (!ts)
		return -ENODATA;
	*timestamp = ktime_to_ns(ts);
	return 0;
}

/*
 * The bits of a hash that covers the ports (or the SPI) of @proto. A
 * protocol without ports has none: its l4_hash comes from an IPv6 flow
 * label or from the sending socket's random txhash, neither of them L4.
 */
static u32 vpair_xdp_rss_l4(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return XDP_RSS_L4 | XDP_RSS_L4_TCP;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return XDP_RSS_L4 | XDP_RSS_L4_UDP;
	case IPPROTO_SCTP:
		return XDP_RSS_L4 | XDP_RSS_L4_SCTP;
	case IPPROTO_ESP:
	case IPPROTO_AH:
		return XDP_RSS_L4 | XDP_RSS_L4_IPSEC;
	case IPPROTO_DCCP:
		return XDP_RSS_L4;
	default:
		return 0;
	}
}

/* An IPv6 extension header (ESP and AH count as L4 here). */
static bool vpair_xdp_ipv6_ext(u8 nexthdr)
{
	return nexthdr == NEXTHDR_HOP || nexthdr == NEXTHDR_ROUTING ||
	       nexthdr == NEXTHDR_FRAGMENT || nexthdr == NEXTHDR_DEST;
}

/*
 * The protocol behind the extension headers from @off on, or
 * NEXTHDR_NONE where no ports follow (a fragment but the first).
 */
static u8 vpair_xdp_ipv6_l4(const struct sk_buff *skb, int off, u8 nexthdr)
{
	__be16 frag_off;

	if (ipv6_skip_exthdr(skb, off, &nexthdr, &frag_off) < 0 ||
	    (frag_off & htons(IP6_OFFSET)))
		return NEXTHDR_NONE;
	return nexthdr;
}

/*
 * What @skb's hash covers, as far as the packet tells: the L3 protocol
 * (DYNHDR for IPv4 options or an IPv6 extension header first) and, when
 * the hash covers ports (l4_hash and a protocol that has them), the L4
 * protocol. The skb's data is at its link-layer header and skb->protocol
 * is what eth_type_trans() found there: the L3 header follows, behind any
 * tag left in the frame.
 */
static enum xdp_rss_hash_type vpair_xdp_rss_type(const struct sk_buff *skb)
{
	union {
		struct vlan_hdr	vlan;
		struct iphdr	v4;
		struct ipv6hdr	v6;
	} buf;
	__be16 l3 = skb->protocol;
	const struct ipv6hdr *ip6h;
	const struct vlan_hdr *vh;
	const struct iphdr *iph;
	int off = ETH_HLEN;
	u32 type = 0;
	u8 proto = 0;
	int depth;

	for (depth = 0; eth_type_vlan(l3) && depth < VLAN_MAX_DEPTH; depth++) {
		vh = skb_header_pointer(skb, off, sizeof(*vh), &buf);
		if (!vh)
			break;
		l3 = vh->h_vlan_encapsulated_proto;
		off += VLAN_HLEN;
	}

	switch (l3) {
	case htons(ETH_P_IP):
		iph = skb_header_pointer(skb, off, sizeof(*iph), &buf);
		if (!iph)
			break;
		type = XDP_RSS_L3_IPV4;
		if (iph->ihl > 5)
			type |= XDP_RSS_L3_DYNHDR;
		proto = iph->protocol;
		break;
	case htons(ETH_P_IPV6):
		ip6h = skb_header_pointer(skb, off, sizeof(*ip6h), &buf);
		if (!ip6h)
			break;
		type = XDP_RSS_L3_IPV6;
		proto = ip6h->nexthdr;
		if (vpair_xdp_ipv6_ext(proto)) {
			type |= XDP_RSS_L3_DYNHDR;
			proto = vpair_xdp_ipv6_l4(skb, off + sizeof(*ip6h),
						  proto);
		}
		break;
	}
	if (skb->l4_hash)
		type |= vpair_xdp_rss_l4(proto);
	return type;
}

/* The skb's hash (computed now if it has none yet). */
static int vpair_xdp_rx_hash(const struct xdp_md *ctx, u32 *hash,
			     enum xdp_rss_hash_type *rss_type)
{
	struct sk_buff *skb = vpair_xdp_skb_of(ctx);
	u32 h;

	if (!skb)
		return -EOPNOTSUPP;
	h = skb_get_hash(skb);
	if (!h)
		return -ENODATA;
	*hash = h;
	*rss_type = vpair_xdp_rss_type(skb);
	return 0;
}

/* The tag the sender's VLAN offload left out of band, if any. */
static int vpair_xdp_rx_vlan_tag(const struct xdp_md *ctx, __be16 *vlan_proto,
				 u16 *vlan_tci)
{
	const struct sk_buff *skb = vpair_xdp_skb_of(ctx);

	if (!skb)
		return -EOPNOTSUPP;
	if (!skb_vlan_tag_present(skb))
		return -ENODATA;
	*vlan_proto = skb->vlan_proto;
	*vlan_tci = skb_vlan_tag_get(skb);
	return 0;
}

const struct xdp_metadata_ops vpair_xdp_metadata_ops = {
	.xmo_rx_timestamp	= vpair_xdp_rx_timestamp,
	.xmo_rx_hash		= vpair_xdp_rx_hash,
	.xmo_rx_vlan_tag	= vpair_xdp_rx_vlan_tag,
};
