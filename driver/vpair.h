/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpair: shared declarations of the module's parts.
 */
#ifndef _VPAIR_H
#define _VPAIR_H

#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/netdevice.h>
#include <linux/ptr_ring.h>
#include <linux/virtio_net.h>
#include <linux/workqueue.h>
#include <linux/vpair.h>
#include <net/sock.h>

#define VPAIR_DRV_NAME		"vpair"
#define VPAIR_MAX_QUEUES	256

/*
 * Counters of one queue. Several CPUs may transmit on one queue at once
 * (lockless transmit), hence atomics.
 */
struct vpair_queue {
	atomic64_t	packets;
	atomic64_t	bytes;
	atomic64_t	drops;
} ____cacheline_aligned_in_smp;

/* Private area of a pair end. */
struct vpair_priv {
	struct net_device __rcu		*peer;
	struct vpair_queue		*rxq;	/* dev->num_rx_queues */
	struct vpair_queue		*txq;	/* dev->num_tx_queues */
	enum vpair_mode			mode;
	int				requested_headroom;
};

/* pair.c: the rtnl kind */
int vpair_pair_init(void);
void vpair_pair_exit(void);

/* vnet.c: netdev side of a pair end */
void vpair_vnet_setup(struct net_device *dev);
void vpair_vnet_disable_gro(struct net_device *dev);
void vpair_vnet_set_mode(struct net_device *dev, enum vpair_mode mode);
bool vpair_is_pair_dev(const struct net_device *dev);

/* ethtool.c */
extern const struct ethtool_ops vpair_ethtool_ops;

/* Flow steering of char-device interfaces (tun's flow table) */
#define VPAIR_TUN_FLOW_BUCKETS	1024
#define VPAIR_TUN_MAX_FLOWS	4096
#define VPAIR_TUN_FLOW_EXPIRE	(3 * HZ)
#define VPAIR_TXFILTER_EXACT	8

/* A flow's hash and the queue that last wrote a packet of it. */
struct vpair_tflow {
	struct hlist_node	node;
	struct rcu_head		rcu;
	unsigned long		updated;
	u32			hash;
	u16			queue_index;
};

/* TUNSETTXFILTER: exact MACs, then a hash of multicast ones. */
struct vpair_txfilter {
	unsigned int		count;		/* exact entries; 0: off */
	u32			mask[2];
	u8			addr[VPAIR_TXFILTER_EXACT][ETH_ALEN];
};

/*
 * One open file of /dev/net/vpair: a queue of a char-device interface
 * once attached. @tdev is written under RTNL and read under RCU; a queue
 * detached by TUNSETQUEUE keeps @tdev, sits on the device's disabled list
 * and gets no packets.
 *
 * Like tun's, a file is a socket to the stack: written packets are owned
 * by @sk, which carries the opener's uid and namespace and charges them
 * to sk_sndbuf (TUNSETSNDBUF). Readers wait on @wq, writers out of send
 * buffer on @socket's queue. Allocated by sk_alloc(), @sk must come first.
 */
struct vpair_tfile {
	struct sock		sk;
	struct socket		socket;
	struct vpair_tdev __rcu	*tdev;
	struct ptr_ring		ring;		/* device -> reader */
	wait_queue_head_t	wq;
	struct fasync_struct	*fasync;
	struct bpf_prog __rcu	*filter;	/* TUNATTACHFILTER */
	struct list_head	next;		/* on tdev->disabled */
	int			ifindex;	/* TUNSETIFINDEX */
	u16			queue_index;
	bool			detached;
	bool			dead;		/* device went away */
};

/* The opener's network namespace. */
static inline struct net *vpair_tfile_net(const struct vpair_tfile *tfile)
{
	return sock_net(&tfile->sk);
}

/* Private area of a char-device interface (kind "vtun"). */
struct vpair_tdev {
	struct net_device	*dev;
	struct vpair_tfile __rcu *tfiles[VPAIR_MAX_QUEUES];
	struct list_head	disabled;
	unsigned int		numqueues;
	unsigned int		numdisabled;
	unsigned int		flags;		/* IFF_TUN/IFF_TAP, IFF_NO_PI, ... */
	kuid_t			owner;
	kgid_t			group;
	int			vnet_hdr_sz;
	bool			vnet_le;
	bool			filter_attached;
	netdev_features_t	set_features;	/* TUNSETOFFLOAD */
	struct sock_fprog	fprog;		/* as TUNATTACHFILTER gave it */
	struct bpf_prog __rcu	*steering_prog;	/* TUNSETSTEERINGEBPF */
	struct bpf_prog __rcu	*filter_prog;	/* TUNSETFILTEREBPF */
	struct vpair_txfilter	txflt;
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

/* tundev.c: netdev side of char-device interfaces */
int vpair_tundev_init(void);
void vpair_tundev_exit(void);
struct net_device *vpair_tundev_alloc(struct net *net, const char *name,
				      unsigned int flags);
bool vpair_is_tundev(const struct net_device *dev);
int vpair_tundev_attach(struct vpair_tdev *tdev, struct vpair_tfile *tfile,
			bool skip_filter);
void vpair_tundev_detach(struct vpair_tfile *tfile, bool clean);
int vpair_tundev_change_carrier(struct net_device *dev, bool on);
void vpair_tundev_set_features(struct vpair_tdev *tdev,
			       netdev_features_t features);

/* tunethtool.c */
extern const struct ethtool_ops vpair_tundev_ethtool_ops;
void vpair_tundev_default_link(struct vpair_tdev *tdev);

/* tunsysfs.c: tun_flags, owner, group */
extern const struct attribute_group vpair_tun_attr_group;

/* tunflow.c: multiqueue flow steering */
void vpair_tflow_init(struct vpair_tdev *tdev);
void vpair_tflow_uninit(struct vpair_tdev *tdev);
u16 vpair_tflow_select(struct vpair_tdev *tdev, struct sk_buff *skb);
void vpair_tflow_update(struct vpair_tdev *tdev, u32 hash, u16 queue);
void vpair_tflow_delete_queue(struct vpair_tdev *tdev, u16 queue);

/* tunfilter.c: TUNSETTXFILTER, TUNATTACHFILTER, TUNSET*EBPF */
int vpair_txfilter_update(struct vpair_txfilter *flt, void __user *arg);
bool vpair_txfilter_pass(const struct vpair_txfilter *flt,
			 const struct sk_buff *skb);
int vpair_tfile_attach_filter(struct vpair_tfile *tfile,
			      struct sock_fprog *fprog);
void vpair_tfile_detach_filter(struct vpair_tfile *tfile);
int vpair_tdev_attach_filter(struct vpair_tdev *tdev);
void vpair_tdev_detach_filter(struct vpair_tdev *tdev);
bool vpair_tfile_run_filter(struct vpair_tfile *tfile, struct sk_buff *skb);
int vpair_tdev_set_ebpf(struct bpf_prog __rcu **slot, int __user *argp);
bool vpair_tdev_run_ebpf_filter(struct vpair_tdev *tdev, struct sk_buff *skb);

/* A file's snapshot of its device's settings, for use outside RCU. */
struct vpair_tconf {
	unsigned int		flags;
	int			vnet_hdr_sz;
	bool			vnet_le;	/* resolved: header is LE */
};

/* tunvnet.c: virtio_net_hdr on the char device */
bool vpair_tconf_get(struct vpair_tfile *tfile, struct vpair_tconf *conf);
int vpair_vnet_get(const struct vpair_tconf *conf, struct iov_iter *from,
		   size_t *len, struct virtio_net_hdr *hdr);
int vpair_vnet_apply(struct vpair_tdev *tdev, const struct vpair_tconf *conf,
		     struct sk_buff *skb, const struct virtio_net_hdr *hdr);
int vpair_vnet_put(const struct vpair_tconf *conf, struct sk_buff *skb,
		   int vlan_hlen, struct iov_iter *to);

/* Per-file TUNSETIFF flags kept on the interface (tun's TUN_FEATURES) */
#define VPAIR_TUN_IFF_FEATURES	(IFF_NO_PI | IFF_ONE_QUEUE | IFF_VNET_HDR | \
				 IFF_MULTI_QUEUE)

/* tuniff.c: TUNSETIFF, TUNGETIFF, TUNSETQUEUE */
int vpair_iff_set(struct vpair_tfile *tfile, struct ifreq *ifr);
void vpair_iff_get(struct vpair_tfile *tfile, struct vpair_tdev *tdev,
		   struct ifreq *ifr);
int vpair_iff_set_queue(struct vpair_tfile *tfile, struct ifreq *ifr);

/* tunioctl.c: the char device's ioctls */
long vpair_chr_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
#ifdef CONFIG_COMPAT
long vpair_chr_compat_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg);
#endif

/* chardev.c: /dev/net/vpair */
int vpair_chardev_init(void);
void vpair_chardev_exit(void);

#endif /* _VPAIR_H */
