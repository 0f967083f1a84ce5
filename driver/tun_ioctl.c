// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: the ioctls of /dev/net/vpair, with tun's numbers, arguments,
 * errors and 32-bit compat path. TUNSETIFF/TUNSETQUEUE are in tun_iff.c.
 */
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>

#include "tun.h"

#define VPAIR_TUN_GETFEATURES	(IFF_TUN | IFF_TAP | IFF_NO_CARRIER | \
				 VPAIR_TUN_IFF_FEATURES)

/* Address length of a link type, for TUNSETLINK (tun's table). */
static unsigned char vpair_tun_addr_len(unsigned short type)
{
	switch (type) {
	case ARPHRD_IP6GRE:
	case ARPHRD_TUNNEL6:
		return sizeof(struct in6_addr);
	case ARPHRD_IPGRE:
	case ARPHRD_TUNNEL:
	case ARPHRD_SIT:
		return 4;
	case ARPHRD_ETHER:
	case ARPHRD_FDDI:
	case ARPHRD_HIPPI:
	case ARPHRD_IEEE802:
		return ETH_ALEN;
	case ARPHRD_IEEE802154:
	case ARPHRD_IEEE802154_MONITOR:
	case ARPHRD_6LOWPAN:
		return 8;	/* EUI-64 */
	case ARPHRD_ROSE:
		return 5;
	case ARPHRD_NETROM:
		return 7;	/* AX.25 */
	case ARPHRD_LOCALTLK:
		return 1;
	default:
		return 0;
	}
}

/* Only while down, and only if no upper device objects. */
static int vpair_tun_ioc_set_link(struct net_device *dev, unsigned long arg)
{
	int err;

	if (dev->flags & IFF_UP)
		return -EBUSY;
	err = call_netdevice_notifiers(NETDEV_PRE_TYPE_CHANGE, dev);
	err = notifier_to_errno(err);
	if (err)
		return err;
	dev->type = (int)arg;
	dev->addr_len = vpair_tun_addr_len(dev->type);
	call_netdevice_notifiers(NETDEV_POST_TYPE_CHANGE, dev);
	return 0;
}

/*
 * Like tun, GSO over UDP tunnels (kernels that have it) only on top of a
 * plain GSO type for the tunnel to carry; the bits stay in @arg otherwise.
 */
static netdev_features_t vpair_tun_offload_tunnel(netdev_features_t plain,
						  unsigned long *arg)
{
	netdev_features_t features;

	if (!COMPAT_TUN_F_UDP_TUNNEL_GSO ||
	    !(plain & (NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_GSO_UDP_L4)) ||
	    !(*arg & COMPAT_TUN_F_UDP_TUNNEL_GSO))
		return 0;
	features = NETIF_F_GSO_UDP_TUNNEL;
	if (*arg & COMPAT_TUN_F_UDP_TUNNEL_GSO_CSUM)
		features |= NETIF_F_GSO_UDP_TUNNEL_CSUM;
	*arg &= ~(unsigned long)(COMPAT_TUN_F_UDP_TUNNEL_GSO |
				 COMPAT_TUN_F_UDP_TUNNEL_GSO_CSUM);
	return features;
}

/* TUN_F_* to features; unknown bits fail so that clients can probe. */
static int vpair_tun_ioc_set_offload(struct vpair_tun_dev *tdev,
				     unsigned long arg)
{
	netdev_features_t features = 0;

	if (arg & TUN_F_CSUM) {
		features |= NETIF_F_HW_CSUM;
		arg &= ~TUN_F_CSUM;
		if (arg & (TUN_F_TSO4 | TUN_F_TSO6)) {
			if (arg & TUN_F_TSO_ECN)
				features |= NETIF_F_TSO_ECN;
			if (arg & TUN_F_TSO4)
				features |= NETIF_F_TSO;
			if (arg & TUN_F_TSO6)
				features |= NETIF_F_TSO6;
			arg &= ~(TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN);
		}
		arg &= ~TUN_F_UFO;
		/* like tun: USO only for both families at once */
		if (COMPAT_TUN_F_USO &&
		    (arg & COMPAT_TUN_F_USO) == COMPAT_TUN_F_USO) {
			features |= NETIF_F_GSO_UDP_L4;
			arg &= ~COMPAT_TUN_F_USO;
		}
		features |= vpair_tun_offload_tunnel(features, &arg);
	}
	if (arg)
		return -EINVAL;
	vpair_tun_dev_set_features(tdev, features);
	return 0;
}

static int vpair_tun_ioc_get_hwaddr(struct net_device *dev, struct ifreq *ifr,
				    void __user *argp, int ifreq_len)
{
	struct sockaddr *sa = &ifr->ifr_hwaddr;
	size_t size = sizeof(*sa) - offsetof(struct sockaddr, sa_data);

	sa->sa_family = dev->type;
	memset(sa->sa_data, 0, size);
	memcpy(sa->sa_data, dev->dev_addr, min_t(size_t, size, dev->addr_len));
	return copy_to_user(argp, ifr, ifreq_len) ? -EFAULT : 0;
}

static int vpair_tun_ioc_set_sndbuf(struct vpair_tun_dev *tdev,
				    int __user *argp)
{
	struct vpair_tun_file *tfile;
	unsigned int i;
	int sndbuf;

	if (copy_from_user(&sndbuf, argp, sizeof(sndbuf)))
		return -EFAULT;
	if (sndbuf <= 0)
		return -EINVAL;
	/* kept for queues attached later, like tun */
	tdev->sndbuf = sndbuf;
	for (i = 0; i < tdev->numqueues; i++) {
		tfile = rtnl_dereference(tdev->tfiles[i]);
		WRITE_ONCE(tfile->sk.sk_sndbuf, sndbuf);
	}
	return 0;
}

static int vpair_tun_ioc_set_vnet_hdr_sz(struct vpair_tun_dev *tdev,
					 int __user *argp)
{
	int sz;

	if (copy_from_user(&sz, argp, sizeof(sz)))
		return -EFAULT;
	if (sz < (int)sizeof(struct virtio_net_hdr))
		return -EINVAL;
	WRITE_ONCE(tdev->vnet_hdr_sz, sz);
	return 0;
}

static int vpair_tun_ioc_set_vnet_le(struct vpair_tun_dev *tdev,
				     int __user *argp)
{
	int le;

	if (get_user(le, argp))
		return -EFAULT;
	WRITE_ONCE(tdev->vnet_le, !!le);
	return 0;
}

/* The TAP-only filter ioctls. */
static int vpair_tun_ioc_filter(struct vpair_tun_dev *tdev, unsigned int cmd,
				void __user *argp)
{
	int err;

	if ((tdev->flags & (IFF_TUN | IFF_TAP)) != IFF_TAP)
		return -EINVAL;

	switch (cmd) {
	case TUNSETTXFILTER:
		return vpair_tun_txfilter_update(&tdev->txflt, argp);
	case TUNATTACHFILTER:
		if (copy_from_user(&tdev->fprog, argp, sizeof(tdev->fprog)))
			return -EFAULT;
		err = vpair_tun_dev_attach_filter(tdev);
		return err;
	case TUNDETACHFILTER:
		vpair_tun_dev_detach_filter(tdev);
		return 0;
	default: /* TUNGETFILTER */
		if (copy_to_user(argp, &tdev->fprog, sizeof(tdev->fprog)))
			return -EFAULT;
		return 0;
	}
}

static int vpair_tun_ioc_carrier(struct vpair_tun_dev *tdev, void __user *argp)
{
	unsigned int carrier;

	if (copy_from_user(&carrier, argp, sizeof(carrier)))
		return -EFAULT;
	return vpair_tun_dev_change_carrier(tdev->dev, carrier);
}

static int vpair_tun_ioc_devnetns(struct vpair_tun_dev *tdev)
{
	struct net *net = dev_net(tdev->dev);

	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	return open_related_ns(&net->ns, get_net_ns);
}

static int vpair_tun_ioc_set_persist(struct vpair_tun_dev *tdev,
				     unsigned long on)
{
	/* Like tun, a persistent interface pins the module. */
	if (on && !(tdev->flags & IFF_PERSIST)) {
		tdev->flags |= IFF_PERSIST;
		__module_get(THIS_MODULE);
	} else if (!on && (tdev->flags & IFF_PERSIST)) {
		tdev->flags &= ~IFF_PERSIST;
		module_put(THIS_MODULE);
	} else {
		return 0;
	}
	netdev_state_change(tdev->dev);
	return 0;
}

static int vpair_tun_ioc_set_owner(struct vpair_tun_dev *tdev, unsigned int cmd,
				   unsigned long arg)
{
	kuid_t owner;
	kgid_t group;

	if (cmd == TUNSETOWNER) {
		owner = make_kuid(current_user_ns(), arg);
		if (!uid_valid(owner))
			return -EINVAL;
		tdev->owner = owner;
	} else {
		group = make_kgid(current_user_ns(), arg);
		if (!gid_valid(group))
			return -EINVAL;
		tdev->group = group;
	}
	netdev_state_change(tdev->dev);
	return 0;
}

/* The ioctls that work on the device's settings; under RTNL. */
static long vpair_tun_ioc_dev(struct vpair_tun_dev *tdev, unsigned int cmd,
			      unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case TUNSETNOCSUM:	/* accepted and ignored, as by tun */
		return 0;
	case TUNSETDEBUG:
		WRITE_ONCE(tdev->msg_enable, (u32)arg);
		return 0;
	case TUNSETPERSIST:
		return vpair_tun_ioc_set_persist(tdev, arg);
	case TUNSETOWNER:
	case TUNSETGROUP:
		return vpair_tun_ioc_set_owner(tdev, cmd, arg);
	case TUNSETLINK:
		return vpair_tun_ioc_set_link(tdev->dev, arg);
	case TUNSETOFFLOAD:
		return vpair_tun_ioc_set_offload(tdev, arg);
	case TUNSETTXFILTER:
	case TUNATTACHFILTER:
	case TUNDETACHFILTER:
	case TUNGETFILTER:
		return vpair_tun_ioc_filter(tdev, cmd, argp);
	case TUNSETSNDBUF:
		return vpair_tun_ioc_set_sndbuf(tdev, argp);
	case TUNGETVNETHDRSZ:
		return put_user(READ_ONCE(tdev->vnet_hdr_sz),
				(int __user *)argp);
	case TUNSETVNETHDRSZ:
		return vpair_tun_ioc_set_vnet_hdr_sz(tdev, argp);
	case TUNGETVNETLE:
		return put_user((int)tdev->vnet_le, (int __user *)argp);
	case TUNSETVNETLE:
		return vpair_tun_ioc_set_vnet_le(tdev, argp);
	case TUNSETCARRIER:
		return vpair_tun_ioc_carrier(tdev, argp);
	case TUNGETDEVNETNS:
		return vpair_tun_ioc_devnetns(tdev);
	case TUNSETSTEERINGEBPF:
		return vpair_tun_dev_set_ebpf(&tdev->steering_prog, argp);
	case TUNSETFILTEREBPF:
		return vpair_tun_dev_set_ebpf(&tdev->filter_prog, argp);
	default:
		/* TUNSETVNETBE/TUNGETVNETBE: like tun without VNET_CROSS_LE */
		return -EINVAL;
	}
}

/* The ioctls that also involve this file; under RTNL. */
static long vpair_tun_ioc_attached(struct vpair_tun_file *tfile,
				   struct vpair_tun_dev *tdev, unsigned int cmd,
			       unsigned long arg, struct ifreq *ifr,
			       int ifreq_len)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case TUNGETIFF:
		vpair_tun_iff_get(tfile, tdev, ifr);
		return copy_to_user(argp, ifr, ifreq_len) ? -EFAULT : 0;
	case SIOCGIFHWADDR:
		return vpair_tun_ioc_get_hwaddr(tdev->dev, ifr, argp,
						ifreq_len);
	case SIOCSIFHWADDR:
		return compat_set_mac_address_user(tdev->dev, &ifr->ifr_hwaddr);
	case TUNGETSNDBUF:
		return put_user(READ_ONCE(tfile->sk.sk_sndbuf),
				(int __user *)argp);
	default:
		return vpair_tun_ioc_dev(tdev, cmd, arg);
	}
}

static long vpair_tun_ioc_setiff(struct vpair_tun_file *tfile,
				 struct ifreq *ifr, void __user *argp,
				 int ifreq_len)
{
	int err;

	ifr->ifr_name[IFNAMSIZ - 1] = '\0';
	err = vpair_tun_iff_set(tfile, ifr);
	if (!err && copy_to_user(argp, ifr, ifreq_len))
		err = -EFAULT;
	return err;
}

/* TUNSETIFINDEX: the ifindex TUNSETIFF is to create the device with. */
static long vpair_tun_ioc_setifindex(struct vpair_tun_file *tfile,
				     void __user *argp)
{
	int ifindex;

	if (copy_from_user(&ifindex, argp, sizeof(ifindex)))
		return -EFAULT;
	if (ifindex < 0)
		return -EINVAL;
	tfile->ifindex = ifindex;
	return 0;
}

static bool vpair_tun_ioc_takes_ifreq(unsigned int cmd)
{
	return cmd == TUNSETIFF || cmd == TUNSETQUEUE ||
	       (_IOC_TYPE(cmd) == SOCK_IOC_TYPE && cmd != SIOCGSKNS);
}

static long vpair_tun_ioc(struct file *file, unsigned int cmd,
			  unsigned long arg, int ifreq_len)
{
	struct vpair_tun_file *tfile = file->private_data;
	void __user *argp = (void __user *)arg;
	struct vpair_tun_dev *tdev;
	struct ifreq ifr;
	struct net *net;
	long ret;

	memset(&ifr, 0, sizeof(ifr));
	if (vpair_tun_ioc_takes_ifreq(cmd) &&
	    copy_from_user(&ifr, argp, ifreq_len))
		return -EFAULT;

	if (cmd == VPAIRSETBATCH || cmd == VPAIRGETBATCH)
		return vpair_tun_batch_ioctl(tfile, cmd, argp);
	if (cmd == TUNGETFEATURES)
		return put_user(VPAIR_TUN_GETFEATURES,
				(unsigned int __user *)argp);
	if (cmd == TUNSETQUEUE)
		return vpair_tun_iff_set_queue(tfile, &ifr);
	if (cmd == SIOCGSKNS) {
		net = vpair_tun_file_net(tfile);
		if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
			return -EPERM;
		return open_related_ns(&net->ns, get_net_ns);
	}

	rtnl_lock();
	tdev = rtnl_dereference(tfile->tdev);
	if (cmd == TUNSETIFF)
		ret = tdev ? -EEXIST : vpair_tun_ioc_setiff(tfile, &ifr, argp,
							ifreq_len);
	else if (cmd == TUNSETIFINDEX)
		ret = tdev ? -EPERM : vpair_tun_ioc_setifindex(tfile, argp);
	else if (!tdev)
		ret = -EBADFD;
	else
		ret = vpair_tun_ioc_attached(tfile, tdev, cmd, arg, &ifr,
					     ifreq_len);
	rtnl_unlock();
	return ret;
}

long vpair_tun_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return vpair_tun_ioc(file, cmd, arg, sizeof(struct ifreq));
}

#ifdef CONFIG_COMPAT
/*
 * 32-bit callers: pointer arguments need compat_ptr(); struct ifreq is
 * shorter but its fields used here have the same layout, so only the
 * length copied changes (as in tun).
 */
long vpair_tun_compat_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	switch (cmd) {
	case TUNSETIFF:
	case TUNGETIFF:
	case TUNSETTXFILTER:
	case TUNGETSNDBUF:
	case TUNSETSNDBUF:
	case SIOCGIFHWADDR:
	case SIOCSIFHWADDR:
	case VPAIRSETBATCH:
	case VPAIRGETBATCH:
		arg = (unsigned long)compat_ptr(arg);
		break;
	default:
		arg = (compat_ulong_t)arg;
		break;
	}
	return vpair_tun_ioc(file, cmd, arg, sizeof(struct compat_ifreq));
}
#endif
