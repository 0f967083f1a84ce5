/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpair: the char device -- /dev/net/vpair with tun's ABI, and the
 * interfaces (rtnl kind "vtun") its files attach to as queues.
 */
#ifndef _VPAIR_TUN_H
#define _VPAIR_TUN_H

#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/ptr_ring.h>
#include <linux/skb_array.h>
#include <linux/virtio_net.h>
#include <linux/workqueue.h>
#include <net/sock.h>

#include "vpair.h"

/* Flow steering of char-device interfaces (tun's flow table) */
#define VPAIR_TUN_FLOW_BUCKETS	1024
#define VPAIR_TUN_MAX_FLOWS	4096
#define VPAIR_TUN_FLOW_EXPIRE	(3 * HZ)
#define VPAIR_TUN_TXFILTER_EXACT	8

/* A flow's hash and the queue that last wrote a packet of it. */
struct vpair_tun_flow {
	struct hlist_node	node;
	struct rcu_head		rcu;
	unsigned long		updated;
	u32			hash;
	u16			queue_index;
};

/* TUNSETTXFILTER: exact MACs, then a hash of multicast ones. */
struct vpair_tun_txfilter {
	unsigned int		count;		/* exact entries; 0: off */
	u32			mask[2];
	u8			addr[VPAIR_TUN_TXFILTER_EXACT][ETH_ALEN];
};

/*
 * One open file of /dev/net/vpair: a queue of a char-device interface
 * once attached. @tdev is written under RTNL and read under RCU; a queue
 * detached by TUNSETQUEUE keeps @tdev, sits on the device's disabled list
 * and gets no packets.
 *
 * Like tun's, a file is a socket to the stack: written packets are owned
 * by @sk, which carries the opener's uid and namespace, charges them to
 * sk_sndbuf (TUNSETSNDBUF) and holds the queue's TUNATTACHFILTER program
 * in sk_filter. Readers wait on @wq, writers out of send
 * buffer on @socket's queue. Allocated by sk_alloc(), @sk must come first.
 */
struct vpair_tun_file {
	struct sock		sk;
	struct socket		socket;
	struct vpair_tun_dev __rcu	*tdev;
	struct ptr_ring		ring;		/* device -> reader */
	wait_queue_head_t	wq;
	struct fasync_struct	*fasync;
	struct list_head	next;		/* on tdev->disabled */
	int			ifindex;	/* TUNSETIFINDEX */
	u32			batch_max;	/* VPAIRSETBATCH; 0: off */
	u16			queue_index;
	bool			detached;
	bool			dead;		/* device went away */
	bool			napi_frags;	/* IFF_NAPI_FRAGS */
	/*
	 * IFF_NAPI: the queue's own NAPI instance, on @napi_dev's list while
	 * added (changed under RTNL and @napi_mutex). Writers queue on
	 * sk.sk_write_queue while @napi_live, under that queue's lock, names
	 * the device they write to; IFF_NAPI_FRAGS writers own napi.skb
	 * under @napi_mutex.
	 */
	struct napi_struct	napi;
	struct mutex		napi_mutex;	/* napi.skb, napi_dev */
	struct vpair_tun_dev	*napi_dev;
	struct vpair_tun_dev	*napi_live;
};

/* The opener's network namespace. */
static inline struct net *vpair_tun_file_net(const struct vpair_tun_file *tfile)
{
	return sock_net(&tfile->sk);
}

/* Private area of a char-device interface (kind "vtun"). */
struct vpair_tun_dev {
	struct net_device	*dev;
	struct vpair_tun_file __rcu *tfiles[VPAIR_MAX_QUEUES];
	struct list_head	disabled;
	unsigned int		numqueues;
	unsigned int		numdisabled;
	unsigned int		flags;		/* IFF_TUN/IFF_TAP, IFF_NO_PI, */
	kuid_t			owner;
	kgid_t			group;
	int			vnet_hdr_sz;
	int			sndbuf;		/* TUNSETSNDBUF, for every queue */
	bool			vnet_le;
	bool			filter_attached;
	netdev_features_t	set_features;	/* TUNSETOFFLOAD */
	struct sock_fprog	fprog;		/* as TUNATTACHFILTER gave it */
	struct bpf_prog __rcu	*steering_prog;	/* TUNSETSTEERINGEBPF */
	struct bpf_prog __rcu	*filter_prog;	/* TUNSETFILTEREBPF */
	struct bpf_prog __rcu	*xdp_prog;	/* ndo_bpf, TAP only */
	struct vpair_tun_txfilter	txflt;
	u32			msg_enable;	/* TUNSETDEBUG, ethtool */
	u32			rx_batched;	/* ethtool rx-frames */
	struct ethtool_link_ksettings link_ksettings;
	atomic_long_t		rx_frame_errors;
	void			*security;
	spinlock_t		flow_lock;	/* flow table writers */
	unsigned int		flow_count;
	struct delayed_work	flow_gc;
	struct hlist_head	flows[VPAIR_TUN_FLOW_BUCKETS];
};

/* tun_dev.c: netdev side of char-device interfaces */
int vpair_tun_dev_init(void);
void vpair_tun_dev_exit(void);
void vpair_tun_dev_setup(struct net_device *dev);
void vpair_tun_dev_configure(struct net_device *dev, unsigned int flags);
struct net_device *vpair_tun_dev_alloc(struct net *net, const char *name,
				       unsigned int flags);
bool vpair_tun_is_dev(const struct net_device *dev);
int vpair_tun_dev_attach(struct vpair_tun_dev *tdev,
			 struct vpair_tun_file *tfile, bool skip_filter,
			 unsigned int napi);
void vpair_tun_dev_detach(struct vpair_tun_file *tfile, bool clean);
int vpair_tun_dev_change_carrier(struct net_device *dev, bool on);
void vpair_tun_dev_wake_reader(struct vpair_tun_file *tfile);
void vpair_tun_drop_queued(void *ptr);
void vpair_tun_dev_set_features(struct vpair_tun_dev *tdev,
				netdev_features_t features);

/* tun_link.c: rtnl kind "vtun" -- creation over netlink, dumps */
extern struct rtnl_link_ops vpair_tun_link_ops;

/* tun_ethtool.c */
extern const struct ethtool_ops vpair_tun_ethtool_ops;
void vpair_tun_default_link(struct vpair_tun_dev *tdev);

/* tun_sysfs.c: tun_flags, owner, group */
extern const struct attribute_group vpair_tun_attr_group;

/* tun_flow.c: multiqueue flow steering */
void vpair_tun_flow_init(struct vpair_tun_dev *tdev);
void vpair_tun_flow_uninit(struct vpair_tun_dev *tdev);
u16 vpair_tun_flow_select(struct vpair_tun_dev *tdev, struct sk_buff *skb);
void vpair_tun_flow_update(struct vpair_tun_dev *tdev, u32 hash, u16 queue);
void vpair_tun_flow_delete_queue(struct vpair_tun_dev *tdev, u16 queue);

/* tun_filter.c: TUNSETTXFILTER, TUNATTACHFILTER, TUNSET*EBPF */
int vpair_tun_txfilter_update(struct vpair_tun_txfilter *flt, void __user *arg);
bool vpair_tun_txfilter_pass(const struct vpair_tun_txfilter *flt,
			     const struct sk_buff *skb);
int vpair_tun_file_attach_filter(struct vpair_tun_file *tfile,
				 struct sock_fprog *fprog);
void vpair_tun_file_detach_filter(struct vpair_tun_file *tfile);
int vpair_tun_dev_attach_filter(struct vpair_tun_dev *tdev);
void vpair_tun_dev_detach_filter(struct vpair_tun_dev *tdev);
bool vpair_tun_file_run_filter(struct vpair_tun_file *tfile,
			       struct sk_buff *skb);
int vpair_tun_dev_set_ebpf(struct bpf_prog __rcu **slot, int __user *argp);
bool vpair_tun_dev_run_ebpf_filter(struct vpair_tun_dev *tdev,
				   struct sk_buff *skb);

/*
 * How packets are framed on a file: its device's settings, read once
 * per read or write; and where a batched write gathers its packets.
 */
struct vpair_tun_framing {
	unsigned int		flags;
	int			vnet_hdr_sz;
	bool			vnet_le;	/* resolved: header is LE */
	struct list_head	*rx_list;	/* NULL: each one at once */
};

/*
 * The settings one read or write works with. Legacy virtio_net_hdrs are
 * native-endian; TUNSETVNETLE forces little-endian. Inline: every packet
 * of the one-packet read and write paths starts here.
 */
static inline void vpair_tun_framing_get(const struct vpair_tun_dev *tdev,
					 struct vpair_tun_framing *framing)
{
	framing->flags = READ_ONCE(tdev->flags);
	framing->vnet_hdr_sz = READ_ONCE(tdev->vnet_hdr_sz);
	framing->vnet_le = READ_ONCE(tdev->vnet_le) ||
			   virtio_legacy_is_little_endian();
	framing->rx_list = NULL;
}

/* The bytes @skb takes on read: tun_pi, virtio_net_hdr, frame with its tag. */
static inline size_t vpair_tun_chr_framed_len(const struct sk_buff *skb,
					      const struct vpair_tun_framing *framing)
{
	size_t len = skb->len;

	if (skb_vlan_tag_present(skb))
		len += VLAN_HLEN;
	if (framing->flags & IFF_VNET_HDR)
		len += framing->vnet_hdr_sz;
	if (!(framing->flags & IFF_NO_PI))
		len += sizeof(struct tun_pi);
	return len;
}

/* tun_vnet.c: virtio_net_hdr on the char device */
int vpair_tun_vnet_hdr_get(const struct vpair_tun_framing *conf,
			   struct iov_iter *from, size_t *len,
			   struct virtio_net_hdr_v1_hash_tunnel *vhdr);
int vpair_tun_vnet_hdr_to_skb(struct vpair_tun_dev *tdev,
			      const struct vpair_tun_framing *conf,
			      struct sk_buff *skb,
			      const struct virtio_net_hdr_v1_hash_tunnel *vhdr);
int vpair_tun_vnet_hdr_put(const struct vpair_tun_framing *conf,
			   struct sk_buff *skb, int vlan_hlen,
			   struct iov_iter *to);

/* tun_chr.c: one packet of a read or write, as tun frames it */
struct sk_buff *vpair_tun_chr_recv(struct vpair_tun_file *tfile,
				   struct vpair_tun_dev *tdev,
				   const struct vpair_tun_framing *framing,
				   bool noblock, size_t room, int *err);
ssize_t vpair_tun_chr_put_one(struct sk_buff *skb,
			      const struct vpair_tun_framing *framing,
			      struct iov_iter *to);
int vpair_tun_chr_write_one(struct vpair_tun_file *tfile,
			    struct vpair_tun_dev *tdev,
			    const struct vpair_tun_framing *framing,
			    bool noblock, struct iov_iter *from);

/* tun_batch.c: several packets per read or write (VPAIRSETBATCH) */
ssize_t vpair_tun_batch_read(struct vpair_tun_file *tfile,
			     struct vpair_tun_dev *tdev, u32 max, bool noblock,
			     struct iov_iter *to);
ssize_t vpair_tun_batch_write(struct vpair_tun_file *tfile,
			      struct vpair_tun_dev *tdev, u32 max,
			      bool noblock, struct iov_iter *from);
long vpair_tun_batch_ioctl(struct vpair_tun_file *tfile, unsigned int cmd,
			   void __user *argp);

/* Per-file TUNSETIFF flags kept on the interface (tun's TUN_FEATURES) */
#define VPAIR_TUN_IFF_FEATURES	(IFF_NO_PI | IFF_ONE_QUEUE | IFF_VNET_HDR | \
				 IFF_MULTI_QUEUE | IFF_NAPI | IFF_NAPI_FRAGS)

/* tun_napi.c: IFF_NAPI, IFF_NAPI_FRAGS */
void vpair_tun_napi_file_init(struct vpair_tun_file *tfile);
void vpair_tun_napi_add(struct vpair_tun_dev *tdev,
			struct vpair_tun_file *tfile, unsigned int flags);
void vpair_tun_napi_start(struct vpair_tun_file *tfile);
void vpair_tun_napi_stop(struct vpair_tun_file *tfile);
void vpair_tun_napi_del(struct vpair_tun_file *tfile);
bool vpair_tun_napi_on(const struct vpair_tun_file *tfile);
int vpair_tun_napi_deliver(struct vpair_tun_file *tfile,
			   struct vpair_tun_dev *tdev, struct sk_buff *skb);
int vpair_tun_napi_write_frags(struct vpair_tun_file *tfile,
			       struct vpair_tun_dev *tdev,
			       const struct vpair_tun_framing *framing,
			       const struct virtio_net_hdr_v1_hash_tunnel *vhdr,
			       struct iov_iter *from, size_t len);

/* tun_xdp.c: XDP on TAP interfaces */
int vpair_tun_xdp_bpf(struct net_device *dev, struct netdev_bpf *bpf);
int vpair_tun_xdp_xmit(struct net_device *dev, int n,
		       struct xdp_frame **frames, u32 flags);
bool vpair_tun_xdp_native(struct vpair_tun_file *tfile,
			  struct vpair_tun_dev *tdev,
			  const struct virtio_net_hdr_v1_hash_tunnel *vhdr,
			  size_t len);
int vpair_tun_xdp_write(struct vpair_tun_file *tfile,
			struct vpair_tun_dev *tdev,
			const struct vpair_tun_framing *framing,
			const struct virtio_net_hdr_v1_hash_tunnel *vhdr,
			struct iov_iter *from, size_t len);
bool vpair_tun_xdp_generic(struct vpair_tun_file *tfile,
			   struct vpair_tun_dev *tdev, struct sk_buff **pskb);

/* tun_chr.c: a written packet into the stack (@xdp_done: met the program) */
int vpair_tun_chr_inject(struct vpair_tun_file *tfile,
			 struct vpair_tun_dev *tdev,
			 const struct vpair_tun_framing *framing,
			 const struct virtio_net_hdr_v1_hash_tunnel *vhdr,
			 struct sk_buff *skb, __be16 proto, bool xdp_done);
void vpair_tun_chr_flush(const struct vpair_tun_framing *framing);

/* tun_iff.c: TUNSETIFF, TUNGETIFF, TUNSETQUEUE */
int vpair_tun_iff_set(struct vpair_tun_file *tfile, struct ifreq *ifr);
void vpair_tun_iff_get(struct vpair_tun_file *tfile, struct vpair_tun_dev *tdev,
		       struct ifreq *ifr);
int vpair_tun_iff_set_queue(struct vpair_tun_file *tfile, struct ifreq *ifr);

/* tun_ioctl.c: the char device's ioctls */
long vpair_tun_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
#ifdef CONFIG_COMPAT
long vpair_tun_compat_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg);
#endif

/*
 * Counters of an interface updated from process context (the rx side is
 * updated where a write delivers): on 32-bit kernels a softirq must not
 * update the same per-CPU ones half-way, which irqsave excludes there;
 * on 64-bit it costs nothing, where disabling bottom halves costs every
 * read a softirq check.
 */
static inline void vpair_tun_count_tx(struct net_device *dev, unsigned int len)
{
	struct pcpu_sw_netstats *tstats = get_cpu_ptr(dev->tstats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&tstats->syncp);
	u64_stats_inc(&tstats->tx_packets);
	u64_stats_add(&tstats->tx_bytes, len);
	u64_stats_update_end_irqrestore(&tstats->syncp, flags);
	put_cpu_ptr(dev->tstats);
}

#endif /* _VPAIR_TUN_H */
