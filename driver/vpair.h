/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpair: shared declarations of the module's parts.
 */
#ifndef _VPAIR_H
#define _VPAIR_H

#include <linux/netdevice.h>
#include <linux/ptr_ring.h>
#include <linux/vpair.h>

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

/*
 * One open file of /dev/net/vpair: a queue of a char-device interface
 * once attached. @tdev is written under RTNL and read under RCU.
 */
struct vpair_tfile {
	struct vpair_tdev __rcu	*tdev;
	struct ptr_ring		ring;		/* device -> reader */
	wait_queue_head_t	wq;
	struct fasync_struct	*fasync;
	struct net		*net;		/* opener's namespace */
	u16			queue_index;
	bool			dead;		/* device went away */
};

/* Private area of a char-device interface (kind "vtun"). */
struct vpair_tdev {
	struct net_device	*dev;
	struct vpair_tfile __rcu *tfiles[VPAIR_MAX_QUEUES];
	unsigned int		numqueues;
	unsigned int		flags;		/* IFF_TUN/IFF_TAP, IFF_NO_PI, ... */
	kuid_t			owner;
	kgid_t			group;
};

/* tundev.c: netdev side of char-device interfaces */
int vpair_tundev_init(void);
void vpair_tundev_exit(void);
struct net_device *vpair_tundev_alloc(struct net *net, const char *name,
				      unsigned int flags);
bool vpair_is_tundev(const struct net_device *dev);
int vpair_tundev_attach(struct vpair_tdev *tdev, struct vpair_tfile *tfile);
void vpair_tundev_detach(struct vpair_tfile *tfile);

/* chardev.c: /dev/net/vpair */
int vpair_chardev_init(void);
void vpair_chardev_exit(void);

#endif /* _VPAIR_H */
