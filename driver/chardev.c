// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: /dev/net/vpair, a misc device speaking the ABI of /dev/net/tun.
 * TUNSETIFF creates or attaches an interface; read() returns what the
 * interface transmits, write() injects what it receives.
 */
#include <linux/etherdevice.h>
#include <linux/fs.h>
#include <linux/if_tun.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/uio.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>

#include "vpair.h"

/* A misc minor of our own lets opening /dev/net/vpair load the module. */
#define VPAIR_MINOR		246

/* Flags a file may set on its interface (TUNSETIFF). */
#define VPAIR_TUN_USER_FLAGS	(IFF_NO_PI | IFF_ONE_QUEUE)
#define VPAIR_TUN_GETFEATURES	(IFF_TUN | IFF_TAP | IFF_NO_CARRIER | \
				 VPAIR_TUN_USER_FLAGS)
#define VPAIR_TUN_IFF_FLAGS	(VPAIR_TUN_USER_FLAGS | IFF_TUN | IFF_TAP | \
				 IFF_PERSIST)
#define VPAIR_SKB_PAD		(NET_SKB_PAD + NET_IP_ALIGN)

static void vpair_chr_free_skb(void *ptr)
{
	kfree_skb(ptr);
}

/* Snapshot of the attached interface's flags; false when unattached. */
static bool vpair_tfile_flags(struct vpair_tfile *tfile, unsigned int *flags)
{
	struct vpair_tdev *tdev;

	rcu_read_lock();
	tdev = rcu_dereference(tfile->tdev);
	if (tdev)
		*flags = READ_ONCE(tdev->flags);
	rcu_read_unlock();
	return tdev;
}

static int vpair_chr_open(struct inode *inode, struct file *file)
{
	struct vpair_tfile *tfile;

	tfile = kzalloc(sizeof(*tfile), GFP_KERNEL_ACCOUNT);
	if (!tfile)
		return -ENOMEM;
	if (ptr_ring_init(&tfile->ring, 0, GFP_KERNEL)) {
		kfree(tfile);
		return -ENOMEM;
	}
	init_waitqueue_head(&tfile->wq);
	tfile->net = get_net(current->nsproxy->net_ns);
	file->private_data = tfile;
	return stream_open(inode, file);
}

static int vpair_chr_release(struct inode *inode, struct file *file)
{
	struct vpair_tfile *tfile = file->private_data;

	rtnl_lock();
	vpair_tundev_detach(tfile);
	rtnl_unlock();

	ptr_ring_cleanup(&tfile->ring, vpair_chr_free_skb);
	put_net(tfile->net);
	kfree(tfile);
	return 0;
}

static struct sk_buff *vpair_chr_recv(struct vpair_tfile *tfile, bool noblock,
				      int *err)
{
	DECLARE_WAITQUEUE(wait, current);
	struct sk_buff *skb;

	skb = ptr_ring_consume(&tfile->ring);
	if (skb)
		return skb;
	if (noblock) {
		*err = -EAGAIN;
		return NULL;
	}

	add_wait_queue(&tfile->wq, &wait);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		skb = ptr_ring_consume(&tfile->ring);
		if (skb)
			break;
		if (signal_pending(current)) {
			*err = -ERESTARTSYS;
			break;
		}
		/* tun reports a deleted device to blocked readers this way */
		if (READ_ONCE(tfile->dead)) {
			*err = -EFAULT;
			break;
		}
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	remove_wait_queue(&tfile->wq, &wait);
	return skb;
}

/* Like tun: a short buffer truncates, and the full length is returned. */
static ssize_t vpair_chr_put(struct sk_buff *skb, unsigned int flags,
			     struct iov_iter *to)
{
	struct tun_pi pi = { 0, skb->protocol };
	ssize_t total = skb->len;

	if (!(flags & IFF_NO_PI)) {
		if (iov_iter_count(to) < sizeof(pi))
			return -EINVAL;
		total += sizeof(pi);
		if (iov_iter_count(to) < total)
			pi.flags |= TUN_PKT_STRIP;
		if (copy_to_iter(&pi, sizeof(pi), to) != sizeof(pi))
			return -EFAULT;
	}

	if (skb_copy_datagram_iter(skb, 0, to, skb->len))
		return -EFAULT;
	return total;
}

static ssize_t vpair_chr_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct vpair_tfile *tfile = file->private_data;
	struct sk_buff *skb;
	unsigned int flags;
	bool noblock;
	ssize_t ret;
	int err = 0;

	if (!vpair_tfile_flags(tfile, &flags))
		return -EBADFD;
	if (!iov_iter_count(to))
		return 0;

	noblock = (file->f_flags & O_NONBLOCK) || (iocb->ki_flags & IOCB_NOWAIT);
	skb = vpair_chr_recv(tfile, noblock, &err);
	if (!skb)
		return err;

	ret = vpair_chr_put(skb, flags, to);
	if (ret < 0)
		kfree_skb(skb);
	else
		consume_skb(skb);
	return ret;
}

static struct sk_buff *vpair_chr_alloc_skb(size_t len, int *err)
{
	size_t linear = min_t(size_t, len, SKB_MAX_HEAD(VPAIR_SKB_PAD));
	struct sk_buff *skb;

	skb = alloc_skb_with_frags(VPAIR_SKB_PAD + linear, len - linear,
				   PAGE_ALLOC_COSTLY_ORDER, err, GFP_KERNEL);
	if (!skb)
		return NULL;

	skb_reserve(skb, VPAIR_SKB_PAD);
	skb_put(skb, linear);
	skb->data_len = len - linear;
	skb->len += len - linear;
	return skb;
}

/* For IFF_TUN without a tun_pi, the IP version nibble names the protocol. */
static int vpair_chr_l3_proto(struct sk_buff *skb, __be16 *proto)
{
	switch (skb->len ? skb->data[0] >> 4 : 0) {
	case 4:
		*proto = htons(ETH_P_IP);
		return 0;
	case 6:
		*proto = htons(ETH_P_IPV6);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Hand a written packet to the interface's stack, as if it had arrived. */
static int vpair_chr_inject(struct vpair_tfile *tfile, struct sk_buff *skb,
			    __be16 proto)
{
	struct vpair_tdev *tdev;
	struct net_device *dev;
	int err = 0;

	rcu_read_lock();
	tdev = rcu_dereference(tfile->tdev);
	if (!tdev) {
		err = -EBADFD;
		goto drop;
	}
	dev = tdev->dev;
	if (!(dev->flags & IFF_UP)) {
		err = -EIO;
		goto drop;
	}

	if (tdev->flags & IFF_TAP) {
		skb->protocol = eth_type_trans(skb, dev);
	} else {
		skb_reset_mac_header(skb);
		skb->protocol = proto;
		skb->dev = dev;
	}
	skb_reset_network_header(skb);
	skb_probe_transport_header(skb);

	dev_sw_netstats_rx_add(dev, skb->len);
	netif_rx(skb);
	rcu_read_unlock();
	return 0;

drop:
	rcu_read_unlock();
	kfree_skb(skb);
	return err;
}

static ssize_t vpair_chr_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct vpair_tfile *tfile = iocb->ki_filp->private_data;
	struct tun_pi pi = { 0, htons(ETH_P_IP) };
	size_t total = iov_iter_count(from);
	size_t len = total;
	struct sk_buff *skb;
	unsigned int flags;
	int err;

	if (!vpair_tfile_flags(tfile, &flags))
		return -EBADFD;

	if (!(flags & IFF_NO_PI)) {
		if (len < sizeof(pi))
			return -EINVAL;
		len -= sizeof(pi);
		if (!copy_from_iter_full(&pi, sizeof(pi), from))
			return -EFAULT;
	}
	if ((flags & IFF_TAP) && len < ETH_HLEN)
		return -EINVAL;

	skb = vpair_chr_alloc_skb(len, &err);
	if (!skb)
		return err;
	if (skb_copy_datagram_from_iter(skb, 0, from, len)) {
		kfree_skb(skb);
		return -EFAULT;
	}

	if ((flags & IFF_TUN) && (flags & IFF_NO_PI)) {
		err = vpair_chr_l3_proto(skb, &pi.proto);
		if (err) {
			kfree_skb(skb);
			return err;
		}
	}

	err = vpair_chr_inject(tfile, skb, pi.proto);
	return err ? err : total;
}

static __poll_t vpair_chr_poll(struct file *file, poll_table *wait)
{
	struct vpair_tfile *tfile = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	if (!rcu_access_pointer(tfile->tdev))
		return EPOLLERR;

	poll_wait(file, &tfile->wq, wait);
	if (!ptr_ring_empty(&tfile->ring))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

/* tun's rule: the owner, a member of the group, or CAP_NET_ADMIN. */
static bool vpair_may_attach(struct vpair_tdev *tdev)
{
	const struct cred *cred = current_cred();
	struct net *net = dev_net(tdev->dev);

	if ((!uid_valid(tdev->owner) || uid_eq(cred->euid, tdev->owner)) &&
	    (!gid_valid(tdev->group) || in_egroup_p(tdev->group)))
		return true;
	return ns_capable(net->user_ns, CAP_NET_ADMIN);
}

static int vpair_chr_attach_existing(struct vpair_tfile *tfile,
				     struct net_device *dev, unsigned int flags)
{
	struct vpair_tdev *tdev;
	int err;

	if (flags & IFF_TUN_EXCL)
		return -EBUSY;
	if (!vpair_is_tundev(dev))
		return -EINVAL;

	tdev = netdev_priv(dev);
	if (((flags & IFF_TUN) && !(tdev->flags & IFF_TUN)) ||
	    (!(flags & IFF_TUN) && (flags & IFF_TAP) &&
	     !(tdev->flags & IFF_TAP)) ||
	    !(flags & (IFF_TUN | IFF_TAP)))
		return -EINVAL;
	if (!vpair_may_attach(tdev))
		return -EPERM;
	if (tdev->numqueues)
		return -EBUSY;

	err = vpair_tundev_attach(tdev, tfile);
	if (err)
		return err;

	tdev->flags = (tdev->flags & ~VPAIR_TUN_USER_FLAGS) |
		      (flags & VPAIR_TUN_USER_FLAGS);
	netdev_state_change(dev);
	return 0;
}

static int vpair_chr_create(struct vpair_tfile *tfile, const char *ifname,
			    unsigned int flags)
{
	struct net *net = tfile->net;
	struct net_device *dev;
	const char *name;
	unsigned int type;
	int err;

	if (!ns_capable(net->user_ns, CAP_NET_ADMIN))
		return -EPERM;

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

	dev = vpair_tundev_alloc(net, name,
				 type | (flags & VPAIR_TUN_USER_FLAGS));
	if (!dev)
		return -ENOMEM;

	err = register_netdevice(dev);
	if (err < 0) {
		free_netdev(dev);
		return err;
	}

	err = vpair_tundev_attach(netdev_priv(dev), tfile);
	if (err < 0) {
		unregister_netdevice(dev);
		return err;
	}
	return 0;
}

static int vpair_chr_set_iff(struct vpair_tfile *tfile, struct ifreq *ifr)
{
	unsigned int flags = (u16)ifr->ifr_flags;
	struct vpair_tdev *tdev;
	struct net_device *dev;
	int err;

	if (flags & ~(VPAIR_TUN_USER_FLAGS | IFF_TUN | IFF_TAP |
		      IFF_TUN_EXCL | IFF_NO_CARRIER))
		return -EINVAL;

	dev = __dev_get_by_name(tfile->net, ifr->ifr_name);
	if (dev)
		err = vpair_chr_attach_existing(tfile, dev, flags);
	else
		err = vpair_chr_create(tfile, ifr->ifr_name, flags);
	if (err)
		return err;

	tdev = rtnl_dereference(tfile->tdev);
	if (flags & IFF_NO_CARRIER)
		netif_carrier_off(tdev->dev);
	else
		netif_carrier_on(tdev->dev);
	strscpy(ifr->ifr_name, tdev->dev->name, IFNAMSIZ);
	return 0;
}

static void vpair_chr_get_iff(struct vpair_tdev *tdev, struct ifreq *ifr)
{
	strscpy(ifr->ifr_name, tdev->dev->name, IFNAMSIZ);
	ifr->ifr_flags = tdev->flags & VPAIR_TUN_IFF_FLAGS;
}

static int vpair_chr_set_persist(struct vpair_tdev *tdev, unsigned long on)
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

static long vpair_chr_attached_ioctl(struct vpair_tdev *tdev,
				     unsigned int cmd, unsigned long arg,
				     struct ifreq *ifr)
{
	void __user *argp = (void __user *)arg;
	kuid_t owner;
	kgid_t group;

	switch (cmd) {
	case TUNGETIFF:
		vpair_chr_get_iff(tdev, ifr);
		return copy_to_user(argp, ifr, sizeof(*ifr)) ? -EFAULT : 0;
	case TUNSETPERSIST:
		return vpair_chr_set_persist(tdev, arg);
	case TUNSETOWNER:
		owner = make_kuid(current_user_ns(), arg);
		if (!uid_valid(owner))
			return -EINVAL;
		tdev->owner = owner;
		return 0;
	case TUNSETGROUP:
		group = make_kgid(current_user_ns(), arg);
		if (!gid_valid(group))
			return -EINVAL;
		tdev->group = group;
		return 0;
	default:
		return -EINVAL;
	}
}

static long vpair_chr_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct vpair_tfile *tfile = file->private_data;
	void __user *argp = (void __user *)arg;
	struct vpair_tdev *tdev;
	struct ifreq ifr;
	long ret;

	if (cmd == TUNGETFEATURES)
		return put_user(VPAIR_TUN_GETFEATURES, (unsigned int __user *)argp);

	memset(&ifr, 0, sizeof(ifr));
	if (cmd == TUNSETIFF && copy_from_user(&ifr, argp, sizeof(ifr)))
		return -EFAULT;

	rtnl_lock();
	tdev = rtnl_dereference(tfile->tdev);
	if (cmd == TUNSETIFF) {
		ret = -EEXIST;
		if (tdev)
			goto unlock;
		ifr.ifr_name[IFNAMSIZ - 1] = '\0';
		ret = vpair_chr_set_iff(tfile, &ifr);
		if (!ret && copy_to_user(argp, &ifr, sizeof(ifr)))
			ret = -EFAULT;
		goto unlock;
	}

	ret = -EBADFD;
	if (tdev)
		ret = vpair_chr_attached_ioctl(tdev, cmd, arg, &ifr);
unlock:
	rtnl_unlock();
	return ret;
}

static int vpair_chr_fasync(int fd, struct file *file, int on)
{
	struct vpair_tfile *tfile = file->private_data;

	return fasync_helper(fd, file, on, &tfile->fasync);
}

static void vpair_chr_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct vpair_tfile *tfile = file->private_data;
	char name[IFNAMSIZ] = "";
	struct vpair_tdev *tdev;

	rtnl_lock();
	tdev = rtnl_dereference(tfile->tdev);
	if (tdev)
		strscpy(name, tdev->dev->name, IFNAMSIZ);
	rtnl_unlock();
	seq_printf(m, "iff:\t%s\n", name);
}

static const struct file_operations vpair_chr_fops = {
	.owner		= THIS_MODULE,
	.open		= vpair_chr_open,
	.release	= vpair_chr_release,
	.read_iter	= vpair_chr_read_iter,
	.write_iter	= vpair_chr_write_iter,
	.poll		= vpair_chr_poll,
	.unlocked_ioctl	= vpair_chr_ioctl,
	.fasync		= vpair_chr_fasync,
	.show_fdinfo	= vpair_chr_show_fdinfo,
};

static struct miscdevice vpair_miscdev = {
	.minor		= VPAIR_MINOR,
	.name		= "vpair",
	.nodename	= VPAIR_DEVNAME,
	.mode		= 0666,
	.fops		= &vpair_chr_fops,
};

int vpair_chardev_init(void)
{
	int err;

	err = vpair_tundev_init();
	if (err)
		return err;

	err = misc_register(&vpair_miscdev);
	if (err == -EBUSY) {
		pr_info("misc minor %d is taken: /dev/%s will not autoload\n",
			VPAIR_MINOR, VPAIR_DEVNAME);
		vpair_miscdev.minor = MISC_DYNAMIC_MINOR;
		err = misc_register(&vpair_miscdev);
	}
	if (err)
		goto err_tundev;
	return 0;

err_tundev:
	vpair_tundev_exit();
	return err;
}

void vpair_chardev_exit(void)
{
	misc_deregister(&vpair_miscdev);
	vpair_tundev_exit();
}

MODULE_ALIAS_MISCDEV(VPAIR_MINOR);
MODULE_ALIAS("devname:" VPAIR_DEVNAME);
