/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpair: force-included into every source file. The sources are written
 * against the newest kernel API; this file adapts older kernels. Each
 * shim is keyed on a HAVE_* macro from a compile probe against the
 * target kernel (probes/, run by probe.sh), never on version numbers,
 * so distribution backports are picked up as they are.
 */
#ifndef _VPAIR_COMPAT_H
#define _VPAIR_COMPAT_H

#include <linux/version.h>

/* The one version check: the floor of the supported range. */
#if KERNEL_VERSION(6, 1, 0) > LINUX_VERSION_CODE
#error "vpair supports Linux 6.1 and newer; this kernel is older"
#endif

#include "generated/probes.h"

#include <linux/netdevice.h>
#include <net/rtnetlink.h>
#ifdef HAVE_NET_NETDEV_LOCK_H
#include <net/netdev_lock.h>
#endif
#ifdef HAVE_NET_NETDEV_RX_QUEUE_H
#include <net/netdev_rx_queue.h>
#endif

/* 6.12 turned NETIF_F_LLTX into the dev->lltx flag. */
static inline void compat_set_lltx(struct net_device *dev)
{
#ifdef HAVE_NETDEV_LLTX
	dev->lltx = true;
#else
	dev->features |= NETIF_F_LLTX;
#endif
}

/*
 * The core allocates and frees dev->tstats for drivers that ask with
 * pcpu_stat_type (and insists on it for ndo_get_peer_dev); without that
 * field the driver does both itself.
 */
static inline void compat_set_tstats(struct net_device *dev)
{
#ifdef HAVE_NETDEV_PCPU_STAT_TYPE
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
#endif
}

static inline int compat_alloc_tstats(struct net_device *dev)
{
#ifndef HAVE_NETDEV_PCPU_STAT_TYPE
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
#endif
	return 0;
}

static inline void compat_free_tstats(struct net_device *dev)
{
#ifndef HAVE_NETDEV_PCPU_STAT_TYPE
	free_percpu(dev->tstats);
#endif
}

/*
 * 6.15 passes newlink its arguments in struct rtnl_newlink_params. The
 * driver is written against that; on older kernels the ops get an
 * adapter with the old signature that fills one in:
 *	COMPAT_DEFINE_NEWLINK(fn);	after fn, at file scope
 *	.newlink = COMPAT_NEWLINK(fn),
 */
#ifdef HAVE_RTNL_NEWLINK_PARAMS
#define COMPAT_NEWLINK(fn)		fn
/* nothing to adapt: only check that fn has the newest signature */
#define COMPAT_DEFINE_NEWLINK(fn)					\
	static_assert(__same_type(&(fn),				\
				  int (*)(struct net_device *,		\
					  struct rtnl_newlink_params *,	\
					  struct netlink_ext_ack *)))
#else
struct rtnl_newlink_params {
	struct net	*src_net;
	struct nlattr	**tb;
	struct nlattr	**data;
};

#define COMPAT_NEWLINK(fn)		compat_newlink_##fn
#define COMPAT_DEFINE_NEWLINK(fn)					\
static int compat_newlink_##fn(struct net *src_net,			\
			       struct net_device *dev,			\
			       struct nlattr *tb[],			\
			       struct nlattr *data[],			\
			       struct netlink_ext_ack *extack)		\
{									\
	struct rtnl_newlink_params params = {				\
		.src_net = src_net, .tb = tb, .data = data,		\
	};								\
									\
	return fn(dev, &params, extack);				\
}
#endif

/*
 * Newer kernels resolve a paired device's peer namespace themselves when
 * the driver names its peer attribute in .peer_type, a const member set
 * by COMPAT_PEER_TYPE(attr) as the last line of the ops' initializer.
 * Older ones leave it to the driver: the peer net is unknown (NULL) here.
 */
#ifdef HAVE_RTNL_LINK_PEER_TYPE
#define COMPAT_PEER_TYPE(attr)	.peer_type = (attr),
#else
#define COMPAT_PEER_TYPE(...)

static inline struct net *
rtnl_newlink_peer_net(struct rtnl_newlink_params *params)
{
	return NULL;
}
#endif

/*
 * 6.2 taught virtio_net_hdr UDP segmentation (TUN_F_USO4/6); before,
 * tun refuses the bits and so do we.
 */
#ifdef HAVE_TUN_F_USO
#define COMPAT_TUN_F_USO	(TUN_F_USO4 | TUN_F_USO6)
#else
#define COMPAT_TUN_F_USO	0
#endif

/*
 * 6.17 taught virtio_net_hdr GSO over UDP tunnels: the extended header,
 * TUN_F_UDP_TUNNEL_GSO(_CSUM), and tun offering both tunnel and plain
 * offloads for encapsulated packets. Before, tun refuses the bits, never
 * reads a tunnel GSO packet and parses only the plain header: the helpers
 * reduce to the plain ones (a tunnel GSO type is refused by them).
 */
#ifdef HAVE_VIRTIO_NET_HDR_TNL
#define COMPAT_TUN_F_UDP_TUNNEL_GSO		TUN_F_UDP_TUNNEL_GSO
#define COMPAT_TUN_F_UDP_TUNNEL_GSO_CSUM	TUN_F_UDP_TUNNEL_GSO_CSUM
#define COMPAT_NETIF_F_GSO_UDP_TUNNEL	(NETIF_F_GSO_UDP_TUNNEL | \
					 NETIF_F_GSO_UDP_TUNNEL_CSUM)

static inline netdev_features_t compat_tun_enc_features(netdev_features_t f)
{
	return f;
}
#else
#include <linux/virtio_net.h>

#define COMPAT_TUN_F_UDP_TUNNEL_GSO		0
#define COMPAT_TUN_F_UDP_TUNNEL_GSO_CSUM	0
#define COMPAT_NETIF_F_GSO_UDP_TUNNEL		0

struct virtio_net_hdr_v1_hash_tunnel {
	struct virtio_net_hdr_v1_hash	hash_hdr;
	__le16				outer_th_offset;
	__le16				inner_nh_offset;
};

static inline netdev_features_t compat_tun_enc_features(netdev_features_t f)
{
	return 0;
}

static inline int
virtio_net_hdr_tnl_to_skb(struct sk_buff *skb,
			  const struct virtio_net_hdr_v1_hash_tunnel *vhdr,
			  bool tnl_hdr_negotiated, bool tnl_csum_negotiated,
			  bool little_endian)
{
	return virtio_net_hdr_to_skb(skb, (const struct virtio_net_hdr *)vhdr,
				     little_endian);
}

static inline int
virtio_net_hdr_tnl_from_skb(const struct sk_buff *skb,
			    struct virtio_net_hdr_v1_hash_tunnel *vhdr,
			    bool tnl_hdr_negotiated, bool little_endian,
			    int vlan_hlen, bool has_data_valid,
			    bool feature_hdrlen)
{
	return virtio_net_hdr_from_skb(skb, (struct virtio_net_hdr *)vhdr,
				       little_endian, has_data_valid,
				       vlan_hlen);
}
#endif

/* 6.8 added ethtool_puts() for strings without a format. */
#ifndef HAVE_ETHTOOL_PUTS
#include <linux/ethtool.h>

static inline void ethtool_puts(u8 **data, const char *str)
{
	strscpy_pad(*data, str, ETH_GSTRING_LEN);
	*data += ETH_GSTRING_LEN;
}
#endif

/* 6.17 passes a struct sockaddr_storage to dev_set_mac_address_user(). */
static inline int compat_set_mac_address_user(struct net_device *dev,
					      struct sockaddr *sa)
{
#ifdef HAVE_DEV_SET_MAC_ADDRESS_USER_SS
	struct sockaddr_storage ss = {};

	memcpy(&ss, sa, sizeof(*sa));
	return dev_set_mac_address_user(dev, &ss, NULL);
#else
	return dev_set_mac_address_user(dev, sa, NULL);
#endif
}

/* Before 6.12 every file had its f_owner built in. */
#ifndef HAVE_FILE_F_OWNER_ALLOCATE
static inline int file_f_owner_allocate(struct file *file)
{
	return 0;
}
#endif

#ifndef HAVE_SOCK_INIT_DATA_UID
#include <net/sock.h>
/*
 * sock_init_data() takes the uid from the inode of a socket it assumes
 * sock_alloc() made, which ours is not: set the right one afterwards.
 */
static inline void sock_init_data_uid(struct socket *sock, struct sock *sk,
				      kuid_t uid)
{
	sock_init_data(sock, sk);
	sk->sk_uid = uid;
}
#endif

/*
 * 6.13 (and stable backports) resize several rings at once with bottom
 * halves disabled, all or none. Older kernels only have a version that
 * frees the packets that no longer fit with interrupts disabled.
 */
#ifndef HAVE_PTR_RING_RESIZE_MULTIPLE_BH
#include <linux/ptr_ring.h>

static inline int ptr_ring_resize_multiple_bh(struct ptr_ring **rings,
					      unsigned int nrings, int size,
					      gfp_t gfp,
					      void (*destroy)(void *))
{
	void ***queues;
	unsigned int i;
	int err = 0;

	queues = kmalloc_array(nrings, sizeof(*queues), gfp);
	if (!queues)
		return -ENOMEM;
	for (i = 0; i < nrings; i++) {
		queues[i] = __ptr_ring_init_queue_alloc(size, gfp);
		if (!queues[i]) {
			err = -ENOMEM;
			goto free;
		}
	}

	/* from here on nothing fails: each ring gets its new queue */
	for (i = 0; i < nrings; i++) {
		spin_lock_bh(&rings[i]->consumer_lock);
		spin_lock(&rings[i]->producer_lock);
		queues[i] = __ptr_ring_swap_queue(rings[i], queues[i], size,
						  gfp, destroy);
		spin_unlock(&rings[i]->producer_lock);
		spin_unlock_bh(&rings[i]->consumer_lock);
	}

	/* the old queues, or on failure the new ones made so far */
free:
	while (i--)
		kvfree(queues[i]);
	kfree(queues);
	return err;
}
#endif

/* Before 6.4 an iovec iov_iter's current iovec was i->iov. */
#ifndef HAVE_ITER_IOV
#include <linux/uio.h>

static inline const struct iovec *iter_iov(const struct iov_iter *i)
{
	return i->iov;
}
#endif

/* Before 6.11 XDP redirect state was per-CPU: no context to set. */
#ifndef HAVE_BPF_NET_CTX
struct bpf_net_context {
	char unused;
};

static inline struct bpf_net_context *
bpf_net_ctx_set(struct bpf_net_context *bpf_net_ctx)
{
	return NULL;
}

static inline void bpf_net_ctx_clear(struct bpf_net_context *bpf_net_ctx)
{
}
#endif

/*
 * Before 6.8 generic XDP kept the skb it was given. The older function
 * is wrapped under the newer signature.
 */
#ifndef HAVE_DO_XDP_GENERIC_PSKB
static inline int compat_do_xdp_generic(struct bpf_prog *prog,
					struct sk_buff **pskb)
{
	return do_xdp_generic(prog, *pskb);
}

#define do_xdp_generic(prog, pskb)	compat_do_xdp_generic(prog, pskb)
#endif

/*
 * Before 6.3 a device had no xdp_features to advertise what XDP it
 * supports: there is nothing to set (XDP itself works the same).
 */
#ifndef HAVE_XDP_SET_FEATURES_FLAG
#define NETDEV_XDP_ACT_BASIC		0
#define NETDEV_XDP_ACT_REDIRECT		0
#define NETDEV_XDP_ACT_NDO_XMIT		0
#define NETDEV_XDP_ACT_RX_SG		0
#define NETDEV_XDP_ACT_NDO_XMIT_SG	0

static inline void xdp_set_features_flag(struct net_device *dev, u32 val)
{
}
#endif

/*
 * Before 6.8 queues did not name their NAPI instance: there is nothing
 * to link (the instances work the same).
 */
#ifndef HAVE_NETIF_QUEUE_SET_NAPI
#define NETDEV_QUEUE_TYPE_RX	0

static inline void netif_queue_set_napi(struct net_device *dev,
					unsigned int queue_index, int type,
					struct napi_struct *napi)
{
}
#endif

/*
 * 6.10 added per-queue statistics for netdev netlink (qstats-get).
 * Older kernels have no such request: the driver's callbacks are built
 * against these stand-ins and never registered.
 */
#ifdef HAVE_NETDEV_STAT_OPS
#include <net/netdev_queues.h>

static inline void compat_set_stat_ops(struct net_device *dev,
				       const struct netdev_stat_ops *ops)
{
	dev->stat_ops = ops;
}
#else
struct netdev_queue_stats_rx {
	u64 bytes;
	u64 packets;
};

struct netdev_queue_stats_tx {
	u64 bytes;
	u64 packets;
};

struct netdev_stat_ops {
	void (*get_queue_stats_rx)(struct net_device *dev, int idx,
				   struct netdev_queue_stats_rx *stats);
	void (*get_queue_stats_tx)(struct net_device *dev, int idx,
				   struct netdev_queue_stats_tx *stats);
	void (*get_base_stats)(struct net_device *dev,
			       struct netdev_queue_stats_rx *rx,
			       struct netdev_queue_stats_tx *tx);
};

static inline void compat_set_stat_ops(struct net_device *dev,
				       const struct netdev_stat_ops *ops)
{
}
#endif

/*
 * 6.5 named what an RSS hash covers (enum xdp_rss_hash_type); before,
 * the driver's hash kfunc is built against this stand-in and never set.
 */
#ifndef HAVE_XDP_RSS_HASH_TYPE
enum xdp_rss_hash_type {
	XDP_RSS_L3_IPV4		= BIT(0),
	XDP_RSS_L3_IPV6		= BIT(1),
	XDP_RSS_L3_DYNHDR	= BIT(2),
	XDP_RSS_L4		= BIT(3),
	XDP_RSS_L4_TCP		= BIT(4),
	XDP_RSS_L4_UDP		= BIT(5),
	XDP_RSS_L4_SCTP		= BIT(6),
	XDP_RSS_L4_IPSEC	= BIT(7),
	XDP_RSS_L4_ICMP		= BIT(8),
};
#endif

/*
 * The XDP metadata kfuncs (6.3) have had their current form since 6.8:
 * the hash with what it covers (6.5), the VLAN tag (6.8). On an older
 * kernel the driver's ops are built against this stand-in, under a name
 * of its own (6.3 to 6.7 have an older struct xdp_metadata_ops), and
 * never set: a program bound to an end gets the core's kfuncs, which
 * answer -EOPNOTSUPP, and before 6.3 the core refuses to bind one.
 */
#ifdef HAVE_XDP_METADATA_OPS_VLAN
static inline void
compat_set_xdp_metadata_ops(struct net_device *dev,
			    const struct xdp_metadata_ops *ops)
{
	dev->xdp_metadata_ops = ops;
}
#else
#include <net/xdp.h>

#define xdp_metadata_ops	compat_xdp_metadata_ops

struct xdp_metadata_ops {
	int	(*xmo_rx_timestamp)(const struct xdp_md *ctx, u64 *timestamp);
	int	(*xmo_rx_hash)(const struct xdp_md *ctx, u32 *hash,
			       enum xdp_rss_hash_type *rss_type);
	int	(*xmo_rx_vlan_tag)(const struct xdp_md *ctx, __be16 *vlan_proto,
				   u16 *vlan_tci);
};

static inline void
compat_set_xdp_metadata_ops(struct net_device *dev,
			    const struct xdp_metadata_ops *ops)
{
}
#endif

/*
 * 6.6 split <net/page_pool.h> into <net/page_pool/{types,helpers}.h>;
 * the calls the driver makes are the same in both.
 */
#ifdef HAVE_NET_PAGE_POOL_HELPERS_H
#include <net/page_pool/helpers.h>
#else
#include <net/page_pool.h>
#endif

/*
 * 6.5 let a page pool name the NAPI instance it serves: a page freed on
 * that instance's CPU while it polls (the skb of a copy that passed and
 * that the stack frees in the same softirq) goes straight back into the
 * pool's cache. Before, such pages come back through the pool's ring,
 * which takes a lock: the same pages, a slower way home.
 */
static inline void compat_page_pool_set_napi(struct page_pool_params *pp,
					     struct napi_struct *napi)
{
#ifdef HAVE_PAGE_POOL_PARAMS_NAPI
	pp->napi = napi;
#endif
}

/*
 * A page pool counts what it does only with CONFIG_PAGE_POOL_STATS
 * (Debian's 6.1 and 6.12 kernels have it off). Without it the core's
 * ethtool helpers name no counters and write none, and the sum below
 * is empty.
 */
#ifdef CONFIG_PAGE_POOL_STATS
struct compat_pp_stats {
	struct page_pool_stats	s;
};

/* Adds @pool's counters to @st. */
static inline void compat_pp_stats_add(struct compat_pp_stats *st,
				       struct page_pool *pool)
{
	page_pool_get_stats(pool, &st->s);
}

/* @st at @data in the order of page_pool_ethtool_stats_get_strings(). */
static inline u64 *compat_pp_stats_put(u64 *data, struct compat_pp_stats *st)
{
	return page_pool_ethtool_stats_get(data, &st->s);
}
#else
struct compat_pp_stats {
};

static inline void compat_pp_stats_add(struct compat_pp_stats *st,
				       struct page_pool *pool)
{
}

static inline u64 *compat_pp_stats_put(u64 *data, struct compat_pp_stats *st)
{
	return data;
}
#endif

#include <net/xdp.h>

/*
 * 6.14 attaches a page to an XDP buffer's frags with xdp_buff_add_frag(),
 * which starts the frags of a buffer that has none. Before, a driver
 * filled the buffer's shared info itself. The whole page is the frag's
 * truesize.
 */
static inline bool compat_xdp_buff_add_page(struct xdp_buff *xdp,
					    struct page *page, u32 size)
{
#ifdef HAVE_XDP_BUFF_ADD_FRAG
	return xdp_buff_add_frag(xdp, page_to_netmem(page), 0, size, PAGE_SIZE);
#else
	struct skb_shared_info *sinfo = xdp_get_shared_info_from_buff(xdp);

	if (!xdp_buff_has_frags(xdp)) {
		xdp_buff_set_frags_flag(xdp);
		sinfo->nr_frags = 0;
		sinfo->xdp_frags_size = 0;
	} else if (sinfo->nr_frags == MAX_SKB_FRAGS) {
		return false;
	}
	__skb_fill_page_desc_noacc(sinfo, sinfo->nr_frags++, page, 0, size);
	sinfo->xdp_frags_size += size;
	if (page_is_pfmemalloc(page))
		xdp_buff_set_frag_pfmemalloc(xdp);
	return true;
#endif
}

/*
 * Newer kernels account an skb's frags from XDP with
 * xdp_update_skb_frags_info(), which also clears destructor_arg (there
 * a union with the frag sizes). Before, the sizes had fields of their
 * own and the call was xdp_update_skb_shared_info().
 */
#ifndef HAVE_XDP_UPDATE_SKB_FRAGS_INFO
static inline void xdp_update_skb_frags_info(struct sk_buff *skb, u8 nr_frags,
					     unsigned int size,
					     unsigned int truesize,
					     u32 xdp_flags)
{
	xdp_update_skb_shared_info(skb, nr_frags, size, truesize,
				   xdp_flags & XDP_FLAGS_FRAGS_PF_MEMALLOC);
}
#endif

#endif /* _VPAIR_COMPAT_H */
