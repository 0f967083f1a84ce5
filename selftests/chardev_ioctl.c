// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctls of the vpair character device, which must behave like the
 * ones of /dev/net/tun, errno for errno: TUNSETLINK, TUNSETOFFLOAD,
 * TUN[GS]ETSNDBUF, TUN[GS]ETVNETHDRSZ, TUN[GS]ETVNETLE/BE, TUNSETCARRIER,
 * TUNGETDEVNETNS, TUNSETIFINDEX, SIOC[GS]IFHWADDR, TUNSETTXFILTER and
 * TUNATTACHFILTER/TUNDETACHFILTER/TUNGETFILTER.
 *
 * Also built as a 32-bit program (chardev_ioctl_m32, run by
 * chardev_compat32.sh) for the compat_ioctl path; ifreq_len and
 * filter_ioctl_numbers are the checks specific to it.
 *
 * VPAIR_DEV selects the device (default /dev/net/vpair); set it to
 * /dev/net/tun to check the expectations against Linux's tun driver.
 * Every test runs in its own network namespace.
 */

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
/* The harness's setjmp in each test wrapper; our bodies keep no state. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "chardev_util.h"
#include "chardev_pkt.h"

static int ethtool_get(const char *name, __u32 cmd)
{
	struct ethtool_value ev = { .cmd = cmd };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = (void *)&ev;
	if (if_ioctl(name, SIOCETHTOOL, &ifr))
		return -1;
	return ev.data;
}

/*
 * Read from the nonblocking tap @fd until a frame of our ethertype comes
 * (its length) or 1 s passes (0). IPv6 and other noise is skipped.
 */
static ssize_t read_test_frame(int fd, unsigned char *buf, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int tries;

	for (tries = 0; tries < 20; tries++) {
		ssize_t n;

		if (poll(&pfd, 1, 50) < 0)
			return -1;
		n = read(fd, buf, size);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0)
			return -1;
		if (n >= ETH_HLEN && buf[12] == (TEST_ETH_P >> 8) &&
		    buf[13] == (TEST_ETH_P & 0xff))
			return n;
	}
	return 0;
}

CHARDEV_NETNS_FIXTURE(chardev);

TEST_F(chardev, features)
{
	unsigned int f = 0;

	ASSERT_EQ(0, ioctl(self->fd, TUNGETFEATURES, &f));
	EXPECT_EQ((unsigned int)IFF_VNET_HDR, f & IFF_VNET_HDR);
	EXPECT_EQ((unsigned int)IFF_MULTI_QUEUE, f & IFF_MULTI_QUEUE);
	EXPECT_EQ((unsigned int)IFF_ONE_QUEUE, f & IFF_ONE_QUEUE);
	EXPECT_EQ((unsigned int)IFF_NO_PI, f & IFF_NO_PI);
	/* IFF_TUN_EXCL and IFF_PERSIST are never reported */
	EXPECT_EQ(0U, f & (IFF_TUN_EXCL | IFF_PERSIST));
}

/* Every device ioctl wants an attached file. */
TEST_F(chardev, unattached)
{
	static const unsigned long cmds[] = {
		TUNSETLINK, TUNSETOFFLOAD, TUNGETSNDBUF, TUNSETSNDBUF,
		TUNGETVNETHDRSZ, TUNSETVNETHDRSZ, TUNGETVNETLE, TUNSETVNETLE,
		TUNSETCARRIER, TUNGETDEVNETNS, SIOCGIFHWADDR, SIOCSIFHWADDR,
		TUNSETTXFILTER, TUNATTACHFILTER, TUNDETACHFILTER, TUNGETFILTER,
		TUNSETPERSIST, TUNSETOWNER, TUNSETGROUP,
	};
	char buf[64];
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		memset(buf, 0, sizeof(buf));
		EXPECT_EQ(-1, ioctl(self->fd, cmds[i], buf))
			TH_LOG("cmd %#lx", cmds[i]);
		EXPECT_EQ(EBADFD, errno) TH_LOG("cmd %#lx", cmds[i]);
	}
	/* TUNSETQUEUE has no queue to work on */
	memset(buf, 0, sizeof(buf));
	((struct ifreq *)buf)->ifr_flags = IFF_DETACH_QUEUE;
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETQUEUE, buf));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(chardev, setlink)
{
	struct ifreq ifr;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TUN | IFF_NO_PI));
	ASSERT_EQ(0, netdev_set_up(self->ifname, 1));
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETLINK, ARPHRD_ETHER));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, netdev_set_up(self->ifname, 0));
	EXPECT_EQ(0, ioctl(self->fd, TUNSETLINK, ARPHRD_ETHER));
	memset(&ifr, 0, sizeof(ifr));
	ASSERT_EQ(0, if_ioctl(self->ifname, SIOCGIFHWADDR, &ifr));
	EXPECT_EQ(ARPHRD_ETHER, ifr.ifr_hwaddr.sa_family);
	EXPECT_EQ(0, ioctl(self->fd, TUNSETLINK, ARPHRD_NONE));
	ASSERT_EQ(0, if_ioctl(self->ifname, SIOCGIFHWADDR, &ifr));
	EXPECT_EQ(ARPHRD_NONE, ifr.ifr_hwaddr.sa_family);
}

TEST_F(chardev, offload)
{
	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	/* no checksum offload until the reader declares it */
	EXPECT_EQ(0, ethtool_get(self->ifname, ETHTOOL_GTXCSUM));
	EXPECT_EQ(0, ioctl(self->fd, TUNSETOFFLOAD, TUN_F_CSUM));
	EXPECT_EQ(1, ethtool_get(self->ifname, ETHTOOL_GTXCSUM));
	EXPECT_EQ(0, ethtool_get(self->ifname, ETHTOOL_GTSO));
	EXPECT_EQ(0, ioctl(self->fd, TUNSETOFFLOAD,
			   TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
			   TUN_F_TSO_ECN));
	EXPECT_EQ(1, ethtool_get(self->ifname, ETHTOOL_GTSO));
	/* UFO is accepted and ignored */
	EXPECT_EQ(0, ioctl(self->fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_UFO));
	EXPECT_EQ(0, ethtool_get(self->ifname, ETHTOOL_GTSO));
	/* GSO without checksum offload, unknown bits, USO for one family */
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETOFFLOAD, TUN_F_TSO4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETOFFLOAD, TUN_F_CSUM | 0x10000));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_USO4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, ioctl(self->fd, TUNSETOFFLOAD, 0));
	EXPECT_EQ(0, ethtool_get(self->ifname, ETHTOOL_GTXCSUM));
}

/*
 * An int that @get reads as @def at first; @set refuses @bad1 and @bad2
 * with EINVAL and takes @good, which @get then reads back.
 */
static void check_int_ioctl(struct __test_metadata *_metadata, int fd,
			    unsigned long get, unsigned long set, int def,
			    int bad1, int bad2, int good)
{
	int v = 0;

	ASSERT_EQ(0, ioctl(fd, get, &v));
	EXPECT_EQ(def, v);
	v = bad1;
	EXPECT_EQ(-1, ioctl(fd, set, &v));
	EXPECT_EQ(EINVAL, errno);
	v = bad2;
	EXPECT_EQ(-1, ioctl(fd, set, &v));
	EXPECT_EQ(EINVAL, errno);
	v = good;
	EXPECT_EQ(0, ioctl(fd, set, &v));
	v = 0;
	ASSERT_EQ(0, ioctl(fd, get, &v));
	EXPECT_EQ(good, v);
}

TEST_F(chardev, sndbuf)
{
	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	check_int_ioctl(_metadata, self->fd, TUNGETSNDBUF, TUNSETSNDBUF,
			INT_MAX, 0, -5, 65536);
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETSNDBUF, NULL));
	EXPECT_EQ(EFAULT, errno);
}

/*
 * tun's TUNSETSNDBUF sets the queues attached now only; vpair keeps it on
 * the device and later queues get it too.
 */
TEST_F(chardev, sndbuf_later_queue)
{
	int flags = IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE;
	int fd2, v = 65536;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname, flags));
	ASSERT_EQ(0, ioctl(self->fd, TUNSETSNDBUF, &v));
	fd2 = open_chardev(O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, tun_attach(fd2, flags, self->ifname));
	v = 0;
	EXPECT_EQ(0, ioctl(fd2, TUNGETSNDBUF, &v));
	EXPECT_EQ(chardev_is_tun() ? INT_MAX : 65536, v);
	v = 0;
	EXPECT_EQ(0, ioctl(self->fd, TUNGETSNDBUF, &v));
	EXPECT_EQ(65536, v);
	close(fd2);
}

/* A refused TUNATTACHFILTER leaves no filter that later queues must take. */
TEST_F(chardev, failed_filter_then_queue)
{
	struct sock_filter drop[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = drop };
	int flags = IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE;
	int fd2;

	if (FILTER_IOCTLS_UNKNOWN)
		SKIP(return, "no TUNATTACHFILTER for 32-bit programs");
	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname, flags));
	ASSERT_EQ(0, ioctl(self->fd, TUNATTACHFILTER, &prog));
	prog.len = 0;
	EXPECT_EQ(-1, ioctl(self->fd, TUNATTACHFILTER, &prog));
	EXPECT_EQ(EINVAL, errno);
	fd2 = open_chardev(O_RDWR);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, tun_attach(fd2, flags, self->ifname));
	close(fd2);
}

TEST_F(chardev, vnet_hdr_sz)
{
	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI | IFF_VNET_HDR));
	check_int_ioctl(_metadata, self->fd, TUNGETVNETHDRSZ, TUNSETVNETHDRSZ,
			10, 9, -1, 12);
}

TEST_F(chardev, vnet_endian)
{
	int v = 7;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI | IFF_VNET_HDR));
	ASSERT_EQ(0, ioctl(self->fd, TUNGETVNETLE, &v));
	EXPECT_EQ(0, v);
	v = 5;
	EXPECT_EQ(0, ioctl(self->fd, TUNSETVNETLE, &v));
	ASSERT_EQ(0, ioctl(self->fd, TUNGETVNETLE, &v));
	EXPECT_EQ(1, v);
	v = 0;
	EXPECT_EQ(0, ioctl(self->fd, TUNSETVNETLE, &v));
	v = 9;
	ASSERT_EQ(0, ioctl(self->fd, TUNGETVNETLE, &v));
	EXPECT_EQ(0, v);
	/* Debian kernels have no CONFIG_TUN_VNET_CROSS_LE */
	v = 1;
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETVNETBE, &v));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TUNGETVNETBE, &v));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(chardev, carrier)
{
	struct ifreq ifr;
	int fd2, v;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE));
	ASSERT_EQ(0, netdev_set_up(self->ifname, 1));
	EXPECT_EQ(1, ethtool_get(self->ifname, ETHTOOL_GLINK));
	v = 0;
	EXPECT_EQ(0, ioctl(self->fd, TUNSETCARRIER, &v));
	EXPECT_EQ(0, ethtool_get(self->ifname, ETHTOOL_GLINK));
	v = 1;
	EXPECT_EQ(0, ioctl(self->fd, TUNSETCARRIER, &v));
	EXPECT_EQ(1, ethtool_get(self->ifname, ETHTOOL_GLINK));

	/* carrier on wants an active queue */
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_DETACH_QUEUE;
	ASSERT_EQ(0, ioctl(self->fd, TUNSETQUEUE, &ifr));
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETCARRIER, &v));
	EXPECT_EQ(EPERM, errno);
	v = 0;
	EXPECT_EQ(0, ioctl(self->fd, TUNSETCARRIER, &v));

	/* IFF_NO_CARRIER on attach */
	fd2 = open_chardev(0);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, tun_setiff(fd2, IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE |
			     IFF_NO_CARRIER, self->ifname, &ifr));
	EXPECT_EQ(0, ethtool_get(self->ifname, ETHTOOL_GLINK));
	close(fd2);
}

TEST_F(chardev, devnetns)
{
	struct stat a, b;
	int nsfd;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TUN | IFF_NO_PI));
	nsfd = ioctl(self->fd, TUNGETDEVNETNS);
	ASSERT_LE(0, nsfd) TH_LOG("TUNGETDEVNETNS: %s", strerror(errno));
	ASSERT_EQ(0, fstat(nsfd, &a));
	ASSERT_EQ(0, stat("/proc/self/ns/net", &b));
	EXPECT_EQ(a.st_ino, b.st_ino);
	EXPECT_EQ(a.st_dev, b.st_dev);
	close(nsfd);
}

TEST_F(chardev, ifindex)
{
	int v = -1;

	EXPECT_EQ(-1, ioctl(self->fd, TUNSETIFINDEX, &v));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETIFINDEX, NULL));
	EXPECT_EQ(EFAULT, errno);
	check_setifindex(_metadata, self->fd, 4242, 4243);
}

TEST_F(chardev, hwaddr)
{
	static const unsigned char mac[ETH_ALEN] = {
		0x02, 0x11, 0x22, 0x33, 0x44, 0x55
	};
	struct ifreq ifr, sifr;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	memset(&ifr, 0, sizeof(ifr));
	ASSERT_EQ(0, ioctl(self->fd, SIOCGIFHWADDR, &ifr));
	memset(&sifr, 0, sizeof(sifr));
	ASSERT_EQ(0, if_ioctl(self->ifname, SIOCGIFHWADDR, &sifr));
	EXPECT_EQ(ARPHRD_ETHER, ifr.ifr_hwaddr.sa_family);
	EXPECT_EQ(0, memcmp(ifr.ifr_hwaddr.sa_data, sifr.ifr_hwaddr.sa_data,
			    ETH_ALEN));

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, ETH_ALEN);
	EXPECT_EQ(0, ioctl(self->fd, SIOCSIFHWADDR, &ifr));
	ASSERT_EQ(0, if_ioctl(self->ifname, SIOCGIFHWADDR, &sifr));
	EXPECT_EQ(0, memcmp(mac, sifr.ifr_hwaddr.sa_data, ETH_ALEN));

	/* a multicast address is no station address */
	ifr.ifr_hwaddr.sa_data[0] = 0x01;
	EXPECT_EQ(-1, ioctl(self->fd, SIOCSIFHWADDR, &ifr));
	EXPECT_EQ(EADDRNOTAVAIL, errno);
}

/* A tap device, up, with a packet socket to send through it. */
FIXTURE(tap) {
	int fd;
	int sk;
	char ifname[IFNAMSIZ];
	unsigned char mac[ETH_ALEN];
};

FIXTURE_SETUP(tap)
{
	struct ifreq ifr;

	self->sk = -1;
	self->fd = netns_open_chardev(_metadata, 0);
	if (self->fd < 0)
		return;
	ASSERT_EQ(0, tun_create(self->fd, IFF_TAP | IFF_NO_PI, self->ifname));
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, netdev_set_up(self->ifname, 1));
	memset(&ifr, 0, sizeof(ifr));
	ASSERT_EQ(0, if_ioctl(self->ifname, SIOCGIFHWADDR, &ifr));
	memcpy(self->mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	self->sk = packet_socket(self->ifname);
	ASSERT_LE(0, self->sk);
}

FIXTURE_TEARDOWN(tap)
{
	if (self->sk >= 0)
		close(self->sk);
	if (self->fd >= 0)
		close(self->fd);
}

/* Send a test frame to @dst through the device; read it back or not. */
static ssize_t through(FIXTURE_DATA(tap) *self, const unsigned char *dst,
		       unsigned char tag, unsigned char *buf)
{
	unsigned char frame[TEST_FRAME_LEN];

	build_test_frame(frame, TEST_FRAME_LEN, dst, tag);
	if (send(self->sk, frame, sizeof(frame), 0) != sizeof(frame))
		return -1;
	return read_test_frame(self->fd, buf, 2048);
}

TEST_F(tap, txfilter)
{
	static const unsigned char other[ETH_ALEN] = {
		0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee
	};
	static const unsigned char mcast[ETH_ALEN] = {
		0x01, 0x00, 0x5e, 0x01, 0x02, 0x03
	};
	struct {
		struct tun_filter f;
		unsigned char addr[9][ETH_ALEN];
	} flt;
	unsigned char buf[2048];
	int i;

	ASSERT_EQ(TEST_FRAME_LEN, through(self, other, 1, buf));

	memset(&flt, 0, sizeof(flt));
	flt.f.count = 1;
	memcpy(flt.addr[0], self->mac, ETH_ALEN);
	EXPECT_EQ(1, ioctl(self->fd, TUNSETTXFILTER, &flt));
	EXPECT_EQ(0, through(self, other, 2, buf));
	EXPECT_EQ(TEST_FRAME_LEN, through(self, self->mac, 3, buf));
	EXPECT_EQ(0, through(self, mcast, 4, buf));

	/* ALLMULTI lets every multicast frame through */
	flt.f.flags = TUN_FLT_ALLMULTI;
	EXPECT_EQ(1, ioctl(self->fd, TUNSETTXFILTER, &flt));
	EXPECT_EQ(TEST_FRAME_LEN, through(self, mcast, 5, buf));
	EXPECT_EQ(0, through(self, other, 6, buf));

	/* past 8 exact entries a unicast address turns the filter off */
	flt.f.flags = 0;
	flt.f.count = 9;
	for (i = 0; i < 9; i++) {
		memcpy(flt.addr[i], self->mac, ETH_ALEN);
		flt.addr[i][5] ^= (unsigned char)(i + 1);
	}
	EXPECT_EQ(0, ioctl(self->fd, TUNSETTXFILTER, &flt));
	EXPECT_EQ(TEST_FRAME_LEN, through(self, other, 7, buf));

	/* count 0: off */
	flt.f.count = 1;
	memcpy(flt.addr[0], self->mac, ETH_ALEN);
	EXPECT_EQ(1, ioctl(self->fd, TUNSETTXFILTER, &flt));
	flt.f.count = 0;
	EXPECT_EQ(0, ioctl(self->fd, TUNSETTXFILTER, &flt));
	EXPECT_EQ(TEST_FRAME_LEN, through(self, other, 8, buf));
}

TEST_F(tap, socket_filter)
{
	static const unsigned char bcast[ETH_ALEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	struct sock_filter drop[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_filter trim[] = { BPF_STMT(BPF_RET | BPF_K, 20) };
	struct sock_fprog prog = { .len = 1, .filter = drop };
	struct sock_fprog got;
	unsigned char buf[2048];

	if (FILTER_IOCTLS_UNKNOWN)
		SKIP(return, "no TUNATTACHFILTER for 32-bit programs");
	ASSERT_EQ(0, ioctl(self->fd, TUNATTACHFILTER, &prog));
	memset(&got, 0, sizeof(got));
	ASSERT_EQ(0, ioctl(self->fd, TUNGETFILTER, &got));
	EXPECT_EQ(1, got.len);
	EXPECT_EQ(0, through(self, bcast, 1, buf));

	prog.filter = trim;
	ASSERT_EQ(0, ioctl(self->fd, TUNATTACHFILTER, &prog));
	/* the frame is cut to 20 bytes, the ethertype is still there */
	EXPECT_EQ(20, through(self, bcast, 2, buf));

	ASSERT_EQ(0, ioctl(self->fd, TUNDETACHFILTER, &prog));
	EXPECT_EQ(TEST_FRAME_LEN, through(self, bcast, 3, buf));

	/* an invalid program */
	prog.len = 0;
	EXPECT_EQ(-1, ioctl(self->fd, TUNATTACHFILTER, &prog));
	EXPECT_EQ(EINVAL, errno);
}

static volatile sig_atomic_t got_sigio;

static void on_sigio(int sig)
{
	(void)sig;
	got_sigio = 1;
}

/* O_ASYNC alone (no F_SETOWN) makes the caller the SIGIO recipient. */
TEST_F(tap, sigio_without_setown)
{
	static const unsigned char bcast[ETH_ALEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	struct sigaction sa = { .sa_handler = on_sigio };
	unsigned char buf[2048];

	ASSERT_EQ(0, sigaction(SIGIO, &sa, NULL));
	got_sigio = 0;
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK | O_ASYNC));
	EXPECT_EQ(TEST_FRAME_LEN, through(self, bcast, 1, buf));
	EXPECT_EQ(1, got_sigio);
}

/* TUNGETIFF reports IFF_NOFILTER (the bit of IFF_NO_PI) per queue. */
TEST_F(chardev, nofilter)
{
	struct sock_filter drop[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = drop };
	struct ifreq ifr;

	if (FILTER_IOCTLS_UNKNOWN)
		SKIP(return, "no TUNATTACHFILTER for 32-bit programs");
	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname, IFF_TAP));
	memset(&ifr, 0, sizeof(ifr));
	ASSERT_EQ(0, ioctl(self->fd, TUNGETIFF, &ifr));
	EXPECT_EQ(IFF_NOFILTER, ifr.ifr_flags & IFF_NOFILTER);
	ASSERT_EQ(0, ioctl(self->fd, TUNATTACHFILTER, &prog));
	memset(&ifr, 0, sizeof(ifr));
	ASSERT_EQ(0, ioctl(self->fd, TUNGETIFF, &ifr));
	EXPECT_EQ(0, ifr.ifr_flags & IFF_NOFILTER);
	ASSERT_EQ(0, ioctl(self->fd, TUNDETACHFILTER, &prog));
	ASSERT_EQ(0, ioctl(self->fd, TUNGETIFF, &ifr));
	EXPECT_EQ(IFF_NOFILTER, ifr.ifr_flags & IFF_NOFILTER);
}

/* The receive ring holds txqueuelen packets; the rest are dropped. */
TEST_F(tap, ring_bound)
{
	static const unsigned char bcast[ETH_ALEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	unsigned char frame[TEST_FRAME_LEN], buf[2048];
	struct ifreq ifr;
	int i, n = 0;
	long drops;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_qlen = 10;
	ASSERT_EQ(0, if_ioctl(self->ifname, SIOCSIFTXQLEN, &ifr));
	while (read(self->fd, buf, sizeof(buf)) > 0)
		;
	drops = proc_net_dev(self->ifname, 11);
	for (i = 0; i < 30; i++) {
		build_test_frame(frame, TEST_FRAME_LEN, bcast,
				 (unsigned char)i);
		ASSERT_EQ(TEST_FRAME_LEN,
			  send(self->sk, frame, TEST_FRAME_LEN, 0));
	}
	usleep(200000);
	while (read(self->fd, buf, sizeof(buf)) > 0)
		n++;
	EXPECT_EQ(10, n);
	EXPECT_EQ(drops + 20, proc_net_dev(self->ifname, 11));
}

TEST_F(tap, filter_ebpf)
{
	static const unsigned char bcast[ETH_ALEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	unsigned char buf[2048];
	int prog, off = -1, notbpf = 0;

	prog = load_ebpf(0);
	if (prog < 0)
		SKIP(return, "BPF_PROG_LOAD: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->fd, TUNSETFILTEREBPF, &prog));
	EXPECT_EQ(0, through(self, bcast, 1, buf));
	close(prog);
	prog = load_ebpf(30);
	ASSERT_LE(0, prog);
	ASSERT_EQ(0, ioctl(self->fd, TUNSETFILTEREBPF, &prog));
	EXPECT_EQ(30, through(self, bcast, 2, buf));
	EXPECT_EQ(0, ioctl(self->fd, TUNSETFILTEREBPF, &off));
	EXPECT_EQ(TEST_FRAME_LEN, through(self, bcast, 3, buf));
	close(prog);

	/* not a BPF program */
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETFILTEREBPF, &notbpf));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETSTEERINGEBPF, &notbpf));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, ioctl(self->fd, TUNSETSTEERINGEBPF, &off));
}

/* The filter ioctls are for TAP devices only. */
TEST_F(chardev, filters_tun)
{
	struct sock_filter drop[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { .len = 1, .filter = drop };
	struct tun_filter flt = { 0 };

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TUN | IFF_NO_PI));
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETTXFILTER, &flt));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TUNATTACHFILTER, &prog));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TUNDETACHFILTER, &prog));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TUNGETFILTER, &prog));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * The ifreq ioctls copy sizeof(struct ifreq) bytes from and to the caller,
 * no more: 40 for a 64-bit program, 32 (struct compat_ifreq) for a 32-bit
 * one. The struct ends where an inaccessible page begins; one byte further
 * and the copy faults.
 */
TEST_F(chardev, ifreq_len)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct ifreq *ifr;
	char *map, *over;

	map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(map != MAP_FAILED);
	ASSERT_EQ(0, mprotect(map + pg, pg, PROT_NONE));
	ifr = (struct ifreq *)(map + pg - sizeof(*ifr));

	ifr_prepare(ifr, IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE, NULL);
	ASSERT_EQ(0, ioctl(self->fd, TUNSETIFF, ifr))
		TH_LOG("TUNSETIFF: %s", strerror(errno));
	EXPECT_NE(0, ifr->ifr_name[0]);
	memset(ifr, 0, sizeof(*ifr));
	ASSERT_EQ(0, ioctl(self->fd, TUNGETIFF, ifr));
	EXPECT_EQ(IFF_TAP, ifr->ifr_flags & (IFF_TAP | IFF_TUN));
	ASSERT_EQ(0, ioctl(self->fd, SIOCGIFHWADDR, ifr));
	EXPECT_EQ(ARPHRD_ETHER, ifr->ifr_hwaddr.sa_family);
	ifr->ifr_hwaddr.sa_data[0] = 0x02;
	EXPECT_EQ(0, ioctl(self->fd, SIOCSIFHWADDR, ifr));
	ifr->ifr_flags = IFF_DETACH_QUEUE;
	EXPECT_EQ(0, ioctl(self->fd, TUNSETQUEUE, ifr));
	ifr->ifr_flags = IFF_ATTACH_QUEUE;
	EXPECT_EQ(0, ioctl(self->fd, TUNSETQUEUE, ifr));

	over = (char *)ifr + 1;
	memmove(over, ifr, sizeof(*ifr) - 1);
	EXPECT_EQ(-1, ioctl(self->fd, TUNGETIFF, over));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, SIOCGIFHWADDR, over));
	EXPECT_EQ(EFAULT, errno);
	munmap(map, 2 * pg);
}

/*
 * The filter ioctls with the struct sock_fprog of either ABI. The 32-bit
 * numbers (8-byte struct) are unknown, to 32-bit programs too: tun's
 * compat_ioctl does not translate them. The 64-bit numbers take the
 * 64-bit struct, from 32-bit programs too.
 */
struct fprog32 {
	__u16 len;
	__u32 filter;
};

struct fprog64 {
	__u16 len;
	__u16 pad[3];
	__u64 filter;
};

#define TUNATTACHFILTER32	_IOW('T', 213, struct fprog32)
#define TUNDETACHFILTER32	_IOW('T', 214, struct fprog32)
#define TUNGETFILTER32		_IOR('T', 219, struct fprog32)
#define TUNATTACHFILTER64	_IOW('T', 213, struct fprog64)
#define TUNDETACHFILTER64	_IOW('T', 214, struct fprog64)
#define TUNGETFILTER64		_IOR('T', 219, struct fprog64)

static_assert(sizeof(struct sock_fprog) ==
	      (FILTER_IOCTLS_UNKNOWN ? sizeof(struct fprog32) :
				       sizeof(struct fprog64)),
	      "struct sock_fprog of this ABI");

TEST_F(tap, filter_ioctl_numbers)
{
	static const unsigned char bcast[ETH_ALEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	struct sock_filter drop[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct fprog32 p32 = { .len = 1 };
	struct fprog64 p64 = { .len = 1, .filter = (unsigned long)drop };
	unsigned char buf[2048];

	EXPECT_EQ(-1, ioctl(self->fd, TUNATTACHFILTER32, &p32));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TUNDETACHFILTER32, &p32));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TUNGETFILTER32, &p32));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(TEST_FRAME_LEN, through(self, bcast, 1, buf));

	ASSERT_EQ(0, ioctl(self->fd, TUNATTACHFILTER64, &p64))
		TH_LOG("TUNATTACHFILTER64: %s", strerror(errno));
	EXPECT_EQ(0, through(self, bcast, 2, buf));
	memset(&p64, 0, sizeof(p64));
	ASSERT_EQ(0, ioctl(self->fd, TUNGETFILTER64, &p64));
	EXPECT_EQ(1, p64.len);
	EXPECT_EQ((unsigned long)drop, p64.filter);
	ASSERT_EQ(0, ioctl(self->fd, TUNDETACHFILTER64, &p64));
	EXPECT_EQ(TEST_FRAME_LEN, through(self, bcast, 3, buf));
}

TEST_HARNESS_MAIN
