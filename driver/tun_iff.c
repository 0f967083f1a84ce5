// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: TUNSETIFF and TUNSETQUEUE of /dev/net/vpair -- creating an
 * interface, attaching a file to an existing one as a queue, and
 * detaching/re-attaching a queue. Errors and their order are tun's.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/if_tun.h>
#include <linux/security.h>
#include <net/rtnetlink.h>

#include "tun.h"

/*
 * tun's rule: the owner and a member of the group, whichever are set, or
 * CAP_NET_ADMIN; an interface with neither set is for CAP_NET_ADMIN only.
 */
static bool vpair_tun_may_attach(struct vpair_tun_dev *tdev)
{
	const struct cred *cred = current_cred();
	struct net *net = dev_net(tdev->dev);

	if ((uid_valid(tdev->owner) || gid_valid(tdev->group)) &&
	    (!uid_valid(tdev->owner) || uid_eq(cred->euid, tdev->owner)) &&
	    (!gid_valid(tdev->group) || in_egroup_p(tdev->group)))
		return true;
	return ns_capable(net->user_ns, CAP_NET_ADMIN);
}

static int vpair_tun_iff_attach(struct vpair_tun_file *tfile,
				struct net_device *dev, unsigned int flags)
{
	struct vpair_tun_dev *tdev;
	int err;

	if (flags & IFF_TUN_EXCL)
		return -EBUSY;
	if (!vpair_tun_is_dev(dev))
		return -EINVAL;
	tdev = netdev_priv(dev);
	if (!(flags & tdev->flags & (IFF_TUN | IFF_TAP)))
		return -EINVAL;
	if (!!(flags & IFF_MULTI_QUEUE) != !!(tdev->flags & IFF_MULTI_QUEUE))
		return -EINVAL;
	if (!vpair_tun_may_attach(tdev))
		return -EPERM;
	err = security_tun_dev_open(tdev->security);
	if (err < 0)
		return err;

	err = vpair_tun_dev_attach(tdev, tfile, flags & IFF_NOFILTER,
				   flags & (IFF_NAPI | IFF_NAPI_FRAGS));
	if (err < 0)
		return err;

	/* The first queue sets the per-file flags; later ones follow. */
	if (!(tdev->flags & IFF_MULTI_QUEUE) ||
	    tdev->numqueues + tdev->numdisabled == 1)
		tdev->flags = (tdev->flags & ~VPAIR_TUN_IFF_FEATURES) |
			      (flags & VPAIR_TUN_IFF_FEATURES);
	netdev_state_change(dev);
	return 0;
}

static int vpair_tun_iff_create(struct vpair_tun_file *tfile,
				const char *ifname, unsigned int flags)
{
	struct net *net = vpair_tun_file_net(tfile);
	struct net_device *dev;
	const char *name;
	unsigned int type;
	int err;

	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	err = security_tun_dev_create();
	if (err < 0)
		return err;

	if (flags & IFF_TUN) {
		type = IFF_TUN;
		name = VPAIR_TUN_TEMPLATE;
	} else if (flags & IFF_TAP) {
		type = IFF_TAP;
		name = VPAIR_TAP_TEMPLATE;
	} else {
		return -EINVAL;
	}
	if (*ifname)
		name = ifname;

	dev = vpair_tun_dev_alloc(net, name,
				  type | (flags & VPAIR_TUN_IFF_FEATURES));
	if (!dev)
		return -ENOMEM;
	dev->ifindex = tfile->ifindex;

	err = register_netdevice(dev);
	if (err < 0) {
		free_netdev(dev);
		return err;
	}

	err = vpair_tun_dev_attach(netdev_priv(dev), tfile, false,
				   flags & (IFF_NAPI | IFF_NAPI_FRAGS));
	if (err < 0) {
		unregister_netdevice(dev);
		return err;
	}
	return 0;
}

/* TUNSETIFF on a file not attached yet; under RTNL. */
int vpair_tun_iff_set(struct vpair_tun_file *tfile, struct ifreq *ifr)
{
	unsigned int flags = (u16)ifr->ifr_flags;
	struct vpair_tun_dev *tdev;
	struct net_device *dev;
	int err;

	/* tun's rules: building from fragments is for TAP and admins only */
	if (flags & IFF_NAPI_FRAGS) {
		if (!capable(CAP_NET_ADMIN))
			return -EPERM;
		if (!(flags & IFF_NAPI) ||
		    (flags & (IFF_TUN | IFF_TAP)) != IFF_TAP)
			return -EINVAL;
	}

	dev = __dev_get_by_name(vpair_tun_file_net(tfile), ifr->ifr_name);
	if (dev)
		err = vpair_tun_iff_attach(tfile, dev, flags);
	else
		err = vpair_tun_iff_create(tfile, ifr->ifr_name, flags);
	if (err)
		return err;

	tdev = rtnl_dereference(tfile->tdev);
	if (flags & IFF_NO_CARRIER)
		netif_carrier_off(tdev->dev);
	else
		netif_carrier_on(tdev->dev);
	/* a persistent interface must not stay stopped */
	if (netif_running(tdev->dev))
		netif_tx_wake_all_queues(tdev->dev);
	strscpy(ifr->ifr_name, tdev->dev->name, IFNAMSIZ);
	return 0;
}

/* TUNGETIFF: name and flags, with this queue's own state. */
void vpair_tun_iff_get(struct vpair_tun_file *tfile, struct vpair_tun_dev *tdev,
		       struct ifreq *ifr)
{
	strscpy(ifr->ifr_name, tdev->dev->name, IFNAMSIZ);
	ifr->ifr_flags = tdev->flags & (VPAIR_TUN_IFF_FEATURES | IFF_PERSIST |
					IFF_TUN | IFF_TAP);
	if (tfile->detached)
		ifr->ifr_flags |= IFF_DETACH_QUEUE;
	if (!rcu_access_pointer(tfile->sk.sk_filter))
		ifr->ifr_flags |= IFF_NOFILTER;
}

/* TUNSETQUEUE: IFF_DETACH_QUEUE parks a queue, IFF_ATTACH_QUEUE revives it. */
int vpair_tun_iff_set_queue(struct vpair_tun_file *tfile, struct ifreq *ifr)
{
	struct vpair_tun_dev *tdev;
	int err = -EINVAL;

	rtnl_lock();
	tdev = rtnl_dereference(tfile->tdev);
	if (ifr->ifr_flags & IFF_ATTACH_QUEUE) {
		if (!tdev || !tfile->detached)
			goto unlock;
		err = security_tun_dev_attach_queue(tdev->security);
		if (err < 0)
			goto unlock;
		err = vpair_tun_dev_attach(tdev, tfile, false, 0);
	} else if (ifr->ifr_flags & IFF_DETACH_QUEUE) {
		if (!tdev || !(tdev->flags & IFF_MULTI_QUEUE) ||
		    tfile->detached)
			goto unlock;
		vpair_tun_dev_detach(tfile, false);
		err = 0;
	}
	if (err >= 0)
		netdev_state_change(tdev->dev);
unlock:
	rtnl_unlock();
	return err;
}
