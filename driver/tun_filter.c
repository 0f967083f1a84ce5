// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: the TAP filters on the device -> reader path, as tun has them:
 * TUNSETTXFILTER (exact MACs, then a hash of multicast MACs) and a
 * classic BPF program per queue (TUNATTACHFILTER), which may also trim,
 * and the device's eBPF programs (TUNSETFILTEREBPF, TUNSETSTEERINGEBPF).
 */
#include <linux/bpf.h>
#include <linux/crc32.h>
#include <linux/etherdevice.h>
#include <linux/if_tun.h>
#include <linux/slab.h>

#include "tun.h"

static u32 vpair_tun_txfilter_bit(const u8 *addr)
{
	return ether_crc(ETH_ALEN, addr) >> 26;
}

static void vpair_tun_txfilter_fill(struct vpair_tun_txfilter *flt,
				    const u8 *addr, unsigned int count,
				    bool allmulti)
{
	unsigned int n, bit;

	for (n = 0; n < count && n < VPAIR_TUN_TXFILTER_EXACT; n++)
		ether_addr_copy(flt->addr[n], addr + n * ETH_ALEN);

	memset(flt->mask, 0, sizeof(flt->mask));
	for (; n < count; n++) {
		/* a unicast address past the exact ones: no filter */
		if (!is_multicast_ether_addr(addr + n * ETH_ALEN))
			return;
		bit = vpair_tun_txfilter_bit(addr + n * ETH_ALEN);
		flt->mask[bit >> 5] |= 1U << (bit & 31);
	}
	if (allmulti)
		memset(flt->mask, ~0, sizeof(flt->mask));

	/* pairs with vpair_tun_txfilter_pass(): entries before the count */
	smp_wmb();
	WRITE_ONCE(flt->count, min_t(unsigned int, count,
				     VPAIR_TUN_TXFILTER_EXACT));
}

/* Returns the number of exact entries, like tun. */
int vpair_tun_txfilter_update(struct vpair_tun_txfilter *flt, void __user *arg)
{
	struct tun_filter uf;
	u8 *addr;

	if (copy_from_user(&uf, arg, sizeof(uf)))
		return -EFAULT;

	if (!uf.count) {
		WRITE_ONCE(flt->count, 0);
		return 0;
	}

	addr = memdup_user(arg + sizeof(uf), ETH_ALEN * uf.count);
	if (IS_ERR(addr))
		return PTR_ERR(addr);

	/* Disabled while it changes: at worst a few frames get through. */
	WRITE_ONCE(flt->count, 0);
	/* pairs with vpair_tun_txfilter_pass(): off before entries change */
	smp_wmb();
	vpair_tun_txfilter_fill(flt, addr, uf.count,
				uf.flags & TUN_FLT_ALLMULTI);
	kfree(addr);
	return READ_ONCE(flt->count);
}

/* Under RCU from the xmit path; skb->data is the Ethernet header. */
bool vpair_tun_txfilter_pass(const struct vpair_tun_txfilter *flt,
			     const struct sk_buff *skb)
{
	unsigned int count = READ_ONCE(flt->count);
	const struct ethhdr *eh;
	unsigned int i, bit;

	if (!count)
		return true;
	if (skb_headlen(skb) < ETH_HLEN)
		return false;
	/* pairs with vpair_tun_txfilter_fill(): the count, then entries */
	smp_rmb();

	eh = (const struct ethhdr *)skb->data;
	for (i = 0; i < count; i++)
		if (ether_addr_equal(eh->h_dest, flt->addr[i]))
			return true;
	if (!is_multicast_ether_addr(eh->h_dest))
		return false;
	bit = vpair_tun_txfilter_bit(eh->h_dest);
	return flt->mask[bit >> 5] & (1U << (bit & 31));
}

/*
 * A queue's classic filter lives on its socket, as with tun: charged to
 * the socket's option memory and freed after a grace period by the
 * socket code, so changing it never waits under RTNL.
 */
int vpair_tun_file_attach_filter(struct vpair_tun_file *tfile,
				 struct sock_fprog *fprog)
{
	int err;

	lock_sock(&tfile->sk);
	err = sk_attach_filter(fprog, &tfile->sk);
	release_sock(&tfile->sk);
	return err;
}

void vpair_tun_file_detach_filter(struct vpair_tun_file *tfile)
{
	lock_sock(&tfile->sk);
	sk_detach_filter(&tfile->sk);
	release_sock(&tfile->sk);
}

/* TUNATTACHFILTER: on every active queue, or on none. */
int vpair_tun_dev_attach_filter(struct vpair_tun_dev *tdev)
{
	struct vpair_tun_file *tfile;
	unsigned int i;
	int err;

	for (i = 0; i < tdev->numqueues; i++) {
		tfile = rtnl_dereference(tdev->tfiles[i]);
		err = vpair_tun_file_attach_filter(tfile, &tdev->fprog);
		if (err) {
			while (i--) {
				tfile = rtnl_dereference(tdev->tfiles[i]);
				vpair_tun_file_detach_filter(tfile);
			}
			tdev->filter_attached = false;
			return err;
		}
	}
	tdev->filter_attached = true;
	return 0;
}

void vpair_tun_dev_detach_filter(struct vpair_tun_dev *tdev)
{
	unsigned int i;

	for (i = 0; i < tdev->numqueues; i++)
		vpair_tun_file_detach_filter(rtnl_dereference(tdev->tfiles[i]));
	tdev->filter_attached = false;
}

/* Like a socket's receive: 0 drops, a shorter length trims. Under RCU. */
bool vpair_tun_file_run_filter(struct vpair_tun_file *tfile,
			       struct sk_buff *skb)
{
	if (!rcu_access_pointer(tfile->sk.sk_filter))
		return true;
	return !sk_filter(&tfile->sk, skb);
}

/*
 * TUNSETSTEERINGEBPF/TUNSETFILTEREBPF: a socket filter fd, -1 detaches.
 * The last put of a program frees it after a grace period: no wait here.
 */
int vpair_tun_dev_set_ebpf(struct bpf_prog __rcu **slot, int __user *argp)
{
	struct bpf_prog *prog = NULL, *old;
	int fd;

	if (copy_from_user(&fd, argp, sizeof(fd)))
		return -EFAULT;
	if (fd != -1) {
		prog = bpf_prog_get_type(fd, BPF_PROG_TYPE_SOCKET_FILTER);
		if (IS_ERR(prog))
			return PTR_ERR(prog);
	}
	old = rcu_replace_pointer(*slot, prog, lockdep_rtnl_is_held());
	if (old)
		bpf_prog_put(old);
	return 0;
}

/* TUNSETFILTEREBPF on the xmit path: 0 drops, less trims. Under RCU. */
bool vpair_tun_dev_run_ebpf_filter(struct vpair_tun_dev *tdev,
				   struct sk_buff *skb)
{
	struct bpf_prog *prog = rcu_dereference(tdev->filter_prog);
	unsigned int len;

	if (!prog)
		return true;
	len = bpf_prog_run_clear_cb(prog, skb);
	if (!len)
		return false;
	return len >= skb->len || !pskb_trim(skb, len);
}
