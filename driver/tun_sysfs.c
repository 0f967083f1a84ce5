// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: the sysfs attributes tun gives its interfaces -- tun_flags,
 * owner and group -- which "ip tuntap show" reads.
 */
#include <linux/device.h>
#include <linux/if_tun.h>
#include <linux/sysfs.h>
#include <linux/uidgid.h>

#include "tun.h"

static struct vpair_tun_dev *vpair_tun_sysfs_dev(struct device *d)
{
	return netdev_priv(to_net_dev(d));
}

static ssize_t tun_flags_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	unsigned int flags = READ_ONCE(vpair_tun_sysfs_dev(d)->flags);

	return sysfs_emit(buf, "0x%x\n",
			  flags & (VPAIR_TUN_IFF_FEATURES | IFF_PERSIST |
				   IFF_TUN | IFF_TAP));
}

/* Ids as seen from the reader's user namespace; -1 when unset. */
static ssize_t owner_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	kuid_t owner = vpair_tun_sysfs_dev(d)->owner;

	if (!uid_valid(owner))
		return sysfs_emit(buf, "-1\n");
	return sysfs_emit(buf, "%u\n",
			  from_kuid_munged(current_user_ns(), owner));
}

static ssize_t group_show(struct device *d, struct device_attribute *attr,
			  char *buf)
{
	kgid_t group = vpair_tun_sysfs_dev(d)->group;

	if (!gid_valid(group))
		return sysfs_emit(buf, "-1\n");
	return sysfs_emit(buf, "%u\n",
			  from_kgid_munged(current_user_ns(), group));
}

static DEVICE_ATTR_RO(tun_flags);
static DEVICE_ATTR_RO(owner);
static DEVICE_ATTR_RO(group);

static struct attribute *vpair_tun_attrs[] = {
	&dev_attr_tun_flags.attr,
	&dev_attr_owner.attr,
	&dev_attr_group.attr,
	NULL
};

const struct attribute_group vpair_tun_attr_group = {
	.attrs = vpair_tun_attrs,
};
