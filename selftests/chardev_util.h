/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the char-device selftests (chardev_*.c): opening the
 * device under test in a namespace of its own, TUNSETIFF/TUNSETQUEUE/
 * TUNGETIFF, socket ioctls and link state, test frames, /proc/net/dev
 * counters, eBPF programs, shell commands, deletion through rtnetlink with
 * its acknowledgment, and waiting for a netdev to go. The ones that log or
 * skip through the kselftest harness are defined when the harness is
 * included first.
 *
 * VPAIR_DEV selects the device (default /dev/net/vpair); /dev/net/tun runs
 * the same tests against Linux's tun driver.
 */
#ifndef CHARDEV_UTIL_H
#define CHARDEV_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "csum.h"

#define CHARDEV_DEFAULT		"/dev/net/vpair"
/* How long asynchronous kernel work may take (device removal, ...). */
#define CHARDEV_WAIT_MS		3000

/* Test frames: IEEE 802 local experimental ethertype, never used by the
 * stack, and the length of a minimal Ethernet frame.
 */
#define TEST_ETH_P		0x88b5
#define TEST_FRAME_LEN		60

/* Flags of TUNSETIFF that older uapi headers lack. */
#ifndef IFF_NAPI
#define IFF_NAPI		0x0010
#endif
#ifndef IFF_NAPI_FRAGS
#define IFF_NAPI_FRAGS		0x0020
#endif
#ifndef IFF_NO_CARRIER
#define IFF_NO_CARRIER		0x0040
#endif
/* ... and ioctls and offload bits (6.2's USO) that they lack. */
#ifndef TUNSETCARRIER
#define TUNSETCARRIER		_IOW('T', 226, int)
#endif
#ifndef TUNGETDEVNETNS
#define TUNGETDEVNETNS		_IO('T', 227)
#endif
#ifndef TUN_F_USO4
#define TUN_F_USO4		0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6		0x40
#endif

/*
 * struct sock_fprog holds a pointer: in a 32-bit program TUNATTACHFILTER,
 * TUNDETACHFILTER and TUNGETFILTER have other numbers (an 8-byte struct),
 * which tun's compat_ioctl does not translate. They are unknown commands
 * there: EINVAL with a device, EBADFD without.
 */
#define FILTER_IOCTLS_UNKNOWN	(sizeof(void *) == 4)

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

static inline int open_chardev(int flags)
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

/*
 * TUNSETIFF of @name (may be "") on @fd; the final name in @name
 * (IFNAMSIZ bytes). 0, or -1 with errno.
 */
static inline int tun_attach(int fd, int flags, char *name)
{
	struct ifreq ifr;

	if (tun_setiff(fd, flags, name, &ifr))
		return -1;
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	return 0;
}

/* A new device on @fd, its name in @name (IFNAMSIZ bytes). */
static inline int tun_create(int fd, int flags, char *name)
{
	memset(name, 0, IFNAMSIZ);
	return tun_attach(fd, flags, name);
}

/* Open the device under test and create or attach @name (may be "").
 * Returns the fd, the final name in @name (IFNAMSIZ bytes), or -1.
 */
static inline int tun_open_attach(char *name, int flags)
{
	int fd, err;

	fd = open_chardev(0);
	if (fd < 0)
		return -1;
	if (tun_attach(fd, flags, name)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* Flags TUNGETIFF reports for @fd, or -errno. */
static inline int getiff_flags(int fd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr))
		return -errno;
	return (unsigned short)ifr.ifr_flags;
}

/* A socket ioctl @req on the netdev @name; @ifr holds its argument. */
static inline int if_ioctl(const char *name, unsigned long req,
			   struct ifreq *ifr)
{
	int sk, ret;

	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return -1;
	memset(ifr->ifr_name, 0, IFNAMSIZ);
	memcpy(ifr->ifr_name, name, strnlen(name, IFNAMSIZ));
	ret = ioctl(sk, req, ifr);
	close(sk);
	return ret;
}

/* SIOCGIFFLAGS/SIOCSIFFLAGS on the netdev @name. */
static inline int netdev_set_up(const char *name, int up)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (if_ioctl(name, SIOCGIFFLAGS, &ifr))
		return -1;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return if_ioctl(name, SIOCSIFFLAGS, &ifr);
}

/*
 * A test frame of @len bytes: to @dst (broadcast if NULL) from a local
 * address, of ethertype TEST_ETH_P, byte i of the payload tag + i.
 */
static inline void build_test_frame(unsigned char *frame, size_t len,
				    const unsigned char *dst,
				    unsigned char tag)
{
	static const unsigned char src[ETH_ALEN] = {
		0x02, 0x00, 0x5e, 0x10, 0x00, 0x01
	};
	struct ethhdr *eth = (struct ethhdr *)frame;
	size_t i;

	if (dst)
		memcpy(eth->h_dest, dst, ETH_ALEN);
	else
		memset(eth->h_dest, 0xff, ETH_ALEN);
	memcpy(eth->h_source, src, ETH_ALEN);
	eth->h_proto = htons(TEST_ETH_P);
	for (i = ETH_HLEN; i < len; i++)
		frame[i] = (unsigned char)(tag + i);
}

/*
 * Column @col (0: receive bytes, ... 5: receive frame errors, ...
 * 11: transmit drops) of @name's line in /proc/net/dev, or -1.
 */
static inline long proc_net_dev(const char *name, unsigned int col)
{
	unsigned long v[16];
	char line[512], *p;
	long ret = -1;
	FILE *f;

	if (col >= 16)
		return -1;
	f = fopen("/proc/net/dev", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = strchr(line, ':');
		if (!p)
			continue;
		*p = '\0';
		if (strcmp(line + strspn(line, " "), name))
			continue;
		if (sscanf(p + 1, "%lu %lu %lu %lu %lu %lu %lu %lu "
			   "%lu %lu %lu %lu %lu %lu %lu %lu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7], &v[8], &v[9], &v[10], &v[11], &v[12],
			   &v[13], &v[14], &v[15]) > (int)col)
			ret = (long)v[col];
	}
	fclose(f);
	return ret;
}

/* Load @n eBPF instructions as a program of @type: its fd, or -1. */
static inline int bpf_prog_load(enum bpf_prog_type type,
				const struct bpf_insn *insns, unsigned int n)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = type;
	attr.insns = (unsigned long)insns;
	attr.insn_cnt = n;
	attr.license = (unsigned long)"GPL";
	return (int)syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

/* An eBPF socket filter program that returns @ret: its fd, or -1. */
static inline int load_ebpf(int ret)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, insns, 2);
}

/* Test datagrams, always UDP_PORT to UDP_PORT. */
#define UDP_PORT		4789

/* An IPv4 UDP datagram 10.23.1.2 -> @dst:UDP_PORT; its length. */
static inline size_t build_udp_to(unsigned char *buf, const char *dst,
			   unsigned char tag)
{
	struct iphdr *ip = (struct iphdr *)buf;
	struct udphdr *udp = (struct udphdr *)(ip + 1);
	size_t len = sizeof(*ip) + sizeof(*udp) + 4;

	memset(buf, 0, len);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons((unsigned short)len);
	ip->saddr = inet_addr("10.23.1.2");
	ip->daddr = inet_addr(dst);
	ip->check = ip_csum(ip, sizeof(*ip));
	udp->source = htons(UDP_PORT);
	udp->dest = htons(UDP_PORT);
	udp->len = htons((unsigned short)(len - sizeof(*ip)));
	memset(udp + 1, tag, 4);	/* checksum 0: none, legal on IPv4 */
	return len;
}

/* The same to 10.23.1.1, the address the tests give their tun. */
static inline size_t build_udp(unsigned char *buf, unsigned char tag)
{
	return build_udp_to(buf, "10.23.1.1", tag);
}

/* A UDP socket on 10.23.1.1:UDP_PORT that waits 500 ms at most. */
static inline int udp_listener(void)
{
	struct timeval tv = { .tv_usec = 500000 };
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(UDP_PORT),
	};
	int sk;

	sin.sin_addr.s_addr = inet_addr("10.23.1.1");
	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return -1;
	if (setsockopt(sk, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    bind(sk, (struct sockaddr *)&sin, sizeof(sin))) {
		close(sk);
		return -1;
	}
	return sk;
}

/* system() of @fmt with every %s (at most three) replaced by @a. */
static inline int run_cmd(const char *fmt, const char *a)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), fmt, a, a, a);
	return system(cmd);
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

/*
 * The test addresses on @ifname: 10.23.1.1/24, and a neighbour 10.23.1.2
 * with a fixed MAC (nothing answers for it).
 */
static inline int add_test_addr(const char *ifname)
{
	return run_cmd("ip addr add 10.23.1.1/24 dev %s && "
		       "ip neigh add 10.23.1.2 lladdr 02:00:00:00:00:02 dev %s",
		       ifname);
}

/* A network namespace of one's own, without IPv6 autoconfiguration. */
static inline int enter_netns(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	quiet_ipv6();
	return 0;
}

#ifdef TH_LOG	/* the kselftest harness is included */
/*
 * For a FIXTURE_SETUP: enter a network namespace of its own and open the
 * device under test with @flags. The fd, or -1 when the test is skipped
 * (no namespace, no device); a failure to open fails the test.
 */
static inline int netns_open_chardev(struct __test_metadata *_metadata,
				     int flags)
{
	int fd;

	if (enter_netns())
		SKIP(return -1, "unshare(CLONE_NEWNET): %s", strerror(errno));
	fd = open_chardev(flags);
	if (fd < 0 && (errno == ENOENT || errno == ENODEV || errno == ENXIO))
		SKIP(return -1, "%s: %s", chardev_path(), strerror(errno));
	ASSERT_LE(0, fd)
		TH_LOG("open(%s): %s", chardev_path(), strerror(errno));
	return fd;
}

/*
 * FIXTURE(name) with one file of the char device, opened in a network
 * namespace of its own, and a buffer for the interface's name.
 */
#define CHARDEV_NETNS_FIXTURE(name)					\
	FIXTURE(name) {							\
		int fd;							\
		char ifname[IFNAMSIZ];					\
	};								\
	FIXTURE_SETUP(name)						\
	{								\
		self->fd = netns_open_chardev(_metadata, 0);		\
	}								\
	FIXTURE_TEARDOWN(name)						\
	{								\
		if (self->fd >= 0)					\
			close(self->fd);				\
	}

/* tun_create() that logs its failure: 0 or -1. */
static inline int create_dev(struct __test_metadata *_metadata, int fd,
			     char *ifname, int flags)
{
	if (tun_create(fd, flags, ifname)) {
		TH_LOG("TUNSETIFF(%#x): %s", flags, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * TUNSETIFINDEX @idx before TUNSETIFF gives the new tap that index; once
 * attached, TUNSETIFINDEX @later fails with EPERM.
 */
static inline void check_setifindex(struct __test_metadata *_metadata,
				    int fd, int idx, int later)
{
	struct ifreq ifr;

	ASSERT_EQ(0, ioctl(fd, TUNSETIFINDEX, &idx))
		TH_LOG("TUNSETIFINDEX: %s", strerror(errno));
	ASSERT_EQ(0, tun_setiff(fd, IFF_TAP | IFF_NO_PI, "", &ifr));
	EXPECT_EQ((unsigned int)idx, if_nametoindex(ifr.ifr_name));
	/* Too late once attached. */
	EXPECT_EQ(-1, ioctl(fd, TUNSETIFINDEX, &later));
	EXPECT_EQ(EPERM, errno);
}
#endif /* TH_LOG */

/* Path of xdp_@act.bpf.o, next to this program. */
static inline const char *xdp_obj(const char *act)
{
	static char path[4096];
	char exe[4096];
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return "xdp-object-not-found";
	exe[n] = '\0';
	snprintf(path, sizeof(path), "%s/xdp_%s.bpf.o", dirname(exe), act);
	return path;
}

#endif /* CHARDEV_UTIL_H */
