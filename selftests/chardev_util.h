/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the char-device selftests (chardev_*.c): opening the
 * device under test, TUNSETIFF/TUNSETQUEUE, link state, deletion through
 * rtnetlink with its acknowledgment, and waiting for a netdev to go.
 *
 * VPAIR_DEV selects the device (default /dev/net/vpair); /dev/net/tun runs
 * the same tests against Linux's tun driver.
 */
#ifndef CHARDEV_UTIL_H
#define CHARDEV_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define CHARDEV_DEFAULT		"/dev/net/vpair"
/* How long asynchronous kernel work may take (device removal, ...). */
#define CHARDEV_WAIT_MS		3000

/* Flags of TUNSETIFF that older uapi headers lack. */
#ifndef IFF_NAPI
#define IFF_NAPI		0x0010
#endif
#ifndef IFF_NO_CARRIER
#define IFF_NO_CARRIER		0x0040
#endif

static inline const char *chardev_path(void)
{
	const char *dev = getenv("VPAIR_DEV");

	return dev && *dev ? dev : CHARDEV_DEFAULT;
}

/* Is the device under test Linux's own tun (names tun%d/tap%d, kind tun)? */
static inline int chardev_is_tun(void)
{
	const char *base = strrchr(chardev_path(), '/');

	return !strcmp(base ? base + 1 : chardev_path(), "tun");
}

/* Name template the driver under test uses for TUN or TAP devices. */
static inline const char *chardev_prefix(int tap)
{
	if (chardev_is_tun())
		return tap ? "tap" : "tun";
	return tap ? "vtap" : "vtun";
}

static inline int chardev_open(int flags)
{
	return open(chardev_path(), O_RDWR | O_CLOEXEC | flags);
}

/* The char device is missing: the whole program is skipped. */
static inline int chardev_missing(void)
{
	return access(chardev_path(), F_OK) != 0;
}

/*
 * Fill @ifr with @flags and up to IFNAMSIZ bytes of @name: a name of 16
 * characters fills the whole field, without a terminating NUL.
 */
static inline void ifr_prepare(struct ifreq *ifr, int flags, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	ifr->ifr_flags = (short)flags;
	if (name)
		memcpy(ifr->ifr_name, name, strnlen(name, IFNAMSIZ));
}

/* TUNSETIFF; the kernel's answer (final name and flags) in @ifr. */
static inline int tun_setiff(int fd, int flags, const char *name,
			     struct ifreq *ifr)
{
	ifr_prepare(ifr, flags, name);
	return ioctl(fd, TUNSETIFF, ifr);
}

/* TUNSETQUEUE with IFF_ATTACH_QUEUE or IFF_DETACH_QUEUE. */
static inline int tun_setqueue(int fd, const char *name, int flags)
{
	struct ifreq ifr;

	ifr_prepare(&ifr, flags, name);
	return ioctl(fd, TUNSETQUEUE, &ifr);
}

/* Open the device under test and create or attach @name (may be "").
 * Returns the fd, the final name in @name (IFNAMSIZ bytes), or -1.
 */
static inline int tun_open_attach(char *name, int flags)
{
	struct ifreq ifr;
	int fd, err;

	fd = chardev_open(0);
	if (fd < 0)
		return -1;
	if (tun_setiff(fd, flags, name, &ifr)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	return fd;
}

/* SIOCGIFFLAGS/SIOCSIFFLAGS on the netdev @name. */
static inline int netdev_set_up(const char *name, int up)
{
	struct ifreq ifr;
	int sk, ret;

	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return -1;
	ifr_prepare(&ifr, 0, name);
	ret = ioctl(sk, SIOCGIFFLAGS, &ifr);
	if (!ret) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		ret = ioctl(sk, SIOCSIFFLAGS, &ifr);
	}
	close(sk);
	return ret;
}

/*
 * RTM_DELLINK of @ifindex, like "ip link del". Returns 0 or the negative
 * errno of the kernel's acknowledgment.
 */
static inline int rtnl_dellink(int ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifm;
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *nh;
	char buf[1024];
	int sk, ret;
	ssize_t n;

	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sk < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = RTM_DELLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	req.ifm.ifi_family = AF_UNSPEC;
	req.ifm.ifi_index = ifindex;

	ret = -EPROTO;
	if (sendto(sk, &req, sizeof(req), 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		ret = -errno;
		goto out;
	}
	n = recv(sk, buf, sizeof(buf), 0);
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	nh = (struct nlmsghdr *)buf;
	if (NLMSG_OK(nh, (unsigned int)n) && nh->nlmsg_type == NLMSG_ERROR)
		ret = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
out:
	close(sk);
	return ret;
}

static inline long ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Wait up to @ms for the netdev @ifindex to disappear; 1 if it did. */
static inline int ifindex_gone(unsigned int ifindex, long ms)
{
	char name[IFNAMSIZ];
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (if_indextoname(ifindex, name)) {
		if (ms_since(&start) >= ms)
			return 0;
		usleep(10000);
	}
	return 1;
}

/* Number of netdevs in the current namespace, or -1. */
static inline int netdev_count(void)
{
	struct if_nameindex *ifs, *p;
	int n = 0;

	ifs = if_nameindex();
	if (!ifs)
		return -1;
	for (p = ifs; p->if_index; p++)
		n++;
	if_freenameindex(ifs);
	return n;
}

/* Keep IPv6 autoconfiguration traffic off new devices of this namespace. */
static inline void quiet_ipv6(void)
{
	static const char * const files[] = {
		"/proc/sys/net/ipv6/conf/all/disable_ipv6",
		"/proc/sys/net/ipv6/conf/default/disable_ipv6",
	};
	unsigned int i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int fd = open(files[i], O_WRONLY | O_CLOEXEC);
		ssize_t n;

		if (fd < 0)
			continue;
		n = write(fd, "1", 1);	/* best effort */
		(void)n;
		close(fd);
	}
}

#endif /* CHARDEV_UTIL_H */
