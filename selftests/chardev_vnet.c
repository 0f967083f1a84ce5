// SPDX-License-Identifier: GPL-2.0
/*
 * IFF_VNET_HDR and the read path of the vpair character device, which
 * must match /dev/net/tun: a table of legal virtio_net_hdr's that writes
 * accept (tails shorter than gso_size, 1-byte segments, ...), a table of
 * inconsistent ones refused with EINVAL and counted as frame errors, the
 * header filled on read for a CHECKSUM_PARTIAL skb, TUNSETVNETHDRSZ on
 * the wire, and VLAN tags re-inserted into frames read.
 *
 * VPAIR_DEV selects the device (default /dev/net/vpair); set it to
 * /dev/net/tun to check the expectations against Linux's tun driver.
 * Every test runs in its own network namespace.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netpacket/packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
/* The harness's setjmp in each test wrapper; our bodies keep no state. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "chardev_util.h"

#define VNET_SZ		((int)sizeof(struct virtio_net_hdr))

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4	5
#endif

#define NC	VIRTIO_NET_HDR_F_NEEDS_CSUM
#define TCP4	VIRTIO_NET_HDR_GSO_TCPV4
#define TCP6	VIRTIO_NET_HDR_GSO_TCPV6
#define UDPL4	VIRTIO_NET_HDR_GSO_UDP_L4
#define ECN	VIRTIO_NET_HDR_GSO_ECN

/* Ethernet + IPv4 or IPv6 + TCP or UDP, then @payload bytes. */
static size_t build_l4(unsigned char *buf, int ipv6, int udp, size_t payload)
{
	size_t l4len = (udp ? 8 : 20) + payload;
	unsigned char *ip = buf + ETH_HLEN, *l4;
	size_t len;

	memset(buf, 0, ETH_HLEN + 40 + l4len);
	memset(buf, 0xff, ETH_ALEN);
	buf[6] = 0x02;
	buf[11] = 0x01;
	if (ipv6) {
		buf[12] = 0x86;
		buf[13] = 0xdd;
		ip[0] = 0x60;
		ip[4] = (unsigned char)(l4len >> 8);
		ip[5] = (unsigned char)l4len;
		ip[6] = udp ? IPPROTO_UDP : IPPROTO_TCP;
		ip[7] = 64;
		ip[23] = 1;
		ip[39] = 2;
		l4 = ip + 40;
	} else {
		buf[12] = 0x08;
		ip[0] = 0x45;
		ip[2] = (unsigned char)((20 + l4len) >> 8);
		ip[3] = (unsigned char)(20 + l4len);
		ip[8] = 64;
		ip[9] = udp ? IPPROTO_UDP : IPPROTO_TCP;
		ip[12] = 10;
		ip[13] = 23;
		ip[15] = 2;
		ip[16] = 10;
		ip[17] = 23;
		ip[19] = 1;
		l4 = ip + 20;
	}
	l4[0] = 0x30;
	l4[1] = 0x39;
	l4[2] = 0x30;
	l4[3] = 0x3a;
	if (udp) {
		l4[4] = (unsigned char)(l4len >> 8);
		l4[5] = (unsigned char)l4len;
	} else {
		l4[12] = 0x50;
		l4[13] = 0x10;	/* ACK */
	}
	len = (size_t)(l4 - buf) + l4len;
	memset(l4 + (udp ? 8 : 20), 0xa5, payload);
	return len;
}

struct vnet_case {
	const char *name;
	int ipv6, udp;
	size_t payload;
	struct virtio_net_hdr h;
	int err;		/* expected errno, 0: accepted */
	int counted;		/* a frame error is counted */
	int uso;		/* needs TUN_F_USO4|TUN_F_USO6 */
};

#define H(f, g, hl, gs, cs, co) \
	{ .flags = (f), .gso_type = (g), .hdr_len = (hl), .gso_size = (gs), \
	  .csum_start = (cs), .csum_offset = (co) }

/* A legal header; one that needs USO. */
#define G(n, v6, u, pl, hdr) \
	{ .name = (n), .ipv6 = (v6), .udp = (u), .payload = (pl), .h = hdr }
#define GU(n, v6, u, pl, hdr) \
	{ .name = (n), .ipv6 = (v6), .udp = (u), .payload = (pl), .h = hdr, \
	  .uso = 1 }
/* A header refused with EINVAL, counted as a frame error or not. */
#define B(n, v6, u, pl, hdr, cnt) \
	{ .name = (n), .ipv6 = (v6), .udp = (u), .payload = (pl), .h = hdr, \
	  .err = EINVAL, .counted = (cnt) }

static const struct vnet_case good[] = {
	G("plain", 0, 0, 100, H(0, 0, 0, 0, 0, 0)),
	G("csum tcp4", 0, 0, 100, H(NC, 0, 54, 0, 34, 16)),
	G("csum udp4", 0, 1, 100, H(NC, 0, 0, 0, 34, 6)),
	G("csum hdr_len 0", 0, 0, 100, H(NC, 0, 0, 0, 34, 16)),
	G("csum tcp6", 1, 0, 100, H(NC, 0, 0, 0, 54, 16)),
	G("tso4", 0, 0, 1000, H(NC, TCP4, 54, 100, 34, 16)),
	G("tso4 short tail", 0, 0, 250, H(NC, TCP4, 54, 100, 34, 16)),
	G("tso4 1-byte segments", 0, 0, 5, H(NC, TCP4, 54, 1, 34, 16)),
	G("tso4 one segment", 0, 0, 50, H(NC, TCP4, 54, 100, 34, 16)),
	G("tso4 ecn", 0, 0, 300, H(NC, TCP4 | ECN, 54, 100, 34, 16)),
	G("tso6", 1, 0, 1000, H(NC, TCP6, 74, 100, 54, 16)),
	GU("uso4", 0, 1, 300, H(NC, UDPL4, 42, 100, 34, 6)),
	G("data valid", 0, 0, 100,
	  H(VIRTIO_NET_HDR_F_DATA_VALID, 0, 0, 0, 0, 0)),
};

static const struct vnet_case bad[] = {
	B("unknown gso type", 0, 0, 300, H(NC, 2, 54, 100, 34, 16), 1),
	B("gso_size 0", 0, 0, 300, H(NC, TCP4, 54, 0, 34, 16), 1),
	B("csum past end", 0, 0, 10, H(NC, 0, 0, 0, 2000, 16), 0),
	B("hdr_len past end", 0, 0, 10, H(0, 0, 1000, 0, 0, 0), 0),
	B("hdr_len in ethernet", 0, 0, 10, H(0, 0, 10, 0, 0, 0), 0),
	B("udp_l4 without csum", 0, 1, 300, H(0, UDPL4, 42, 100, 0, 0), 1),
	B("gso by frags", 0, 0, 300, H(NC, TCP4, 54, 0xffff, 34, 16), 1),
	B("tso4 csum not tcp's", 0, 0, 300, H(NC, TCP4, 54, 100, 34, 6), 1),
	B("uso4 too many segments", 0, 1, 200, H(NC, UDPL4, 42, 1, 34, 6), 1),
};

FIXTURE(vnet) {
	int fd;
	char ifname[IFNAMSIZ];
	int uso;
};

FIXTURE_SETUP(vnet)
{
	self->fd = netns_open_chardev(_metadata, 0);
	if (self->fd < 0)
		return;
	ASSERT_EQ(0, tun_create(self->fd, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR,
				self->ifname));
	ASSERT_EQ(0, netdev_set_up(self->ifname, 1));
	/* USO exists since 6.2: then the kernel also parses UDP_L4 */
	self->uso = !ioctl(self->fd, TUNSETOFFLOAD,
			   TUN_F_CSUM | TUN_F_USO4 | TUN_F_USO6);
	ASSERT_EQ(0, ioctl(self->fd, TUNSETOFFLOAD, 0));
}

FIXTURE_TEARDOWN(vnet)
{
	if (self->fd >= 0)
		close(self->fd);
}

static ssize_t write_case(int fd, const struct vnet_case *c)
{
	unsigned char buf[VNET_SZ + 2048];
	size_t len;

	memcpy(buf, &c->h, VNET_SZ);
	len = build_l4(buf + VNET_SZ, c->ipv6, c->udp, c->payload);
	return write(fd, buf, VNET_SZ + len);
}

TEST_F(vnet, good_headers)
{
	unsigned int i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		const struct vnet_case *c = &good[i];

		if (c->uso && !self->uso)
			continue;
		EXPECT_LT(0, write_case(self->fd, c))
			TH_LOG("%s: %s", c->name, strerror(errno));
	}
	EXPECT_EQ(0, proc_net_dev(self->ifname, 5));
}

TEST_F(vnet, bad_headers)
{
	long counted = 0;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct vnet_case *c = &bad[i];

		EXPECT_EQ(-1, write_case(self->fd, c)) TH_LOG("%s", c->name);
		EXPECT_EQ(c->err, errno) TH_LOG("%s", c->name);
		counted += c->counted;
	}
	/*
	 * vpair counts each header the kernel's parser refuses as a frame
	 * error; Debian's tun counts none of them.
	 */
	if (chardev_is_tun()) {
		EXPECT_TRUE(proc_net_dev(self->ifname, 5) == 0 ||
			    proc_net_dev(self->ifname, 5) == counted);
	} else {
		EXPECT_EQ(counted, proc_net_dev(self->ifname, 5));
	}
}

/* A write shorter than the vnet header. */
TEST_F(vnet, short_write)
{
	unsigned char buf[VNET_SZ] = { 0 };

	EXPECT_EQ(-1, write(self->fd, buf, VNET_SZ - 1));
	EXPECT_EQ(EINVAL, errno);
	/* header only: no Ethernet header behind it */
	EXPECT_EQ(-1, write(self->fd, buf, VNET_SZ));
	EXPECT_EQ(EINVAL, errno);
}

/* TUNSETVNETHDRSZ 12: 12 bytes on the wire, both ways. */
TEST_F(vnet, hdr_sz_12)
{
	unsigned char buf[2048];
	struct sockaddr_in dst = {
		.sin_family = AF_INET,
		.sin_port = htons(9),
	};
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	int sz = 12, sk, i;
	ssize_t n = 0;
	size_t len;

	ASSERT_EQ(0, ioctl(self->fd, TUNSETVNETHDRSZ, &sz));
	memset(buf, 0, 12);
	len = build_l4(buf + 12, 0, 1, 20);
	EXPECT_EQ((ssize_t)(12 + len), write(self->fd, buf, 12 + len));
	/* an 11-byte write is shorter than the header */
	EXPECT_EQ(-1, write(self->fd, buf, 11));
	EXPECT_EQ(EINVAL, errno);

	ASSERT_EQ(0, add_test_addr(self->ifname));
	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, sk);
	inet_pton(AF_INET, "10.23.1.2", &dst.sin_addr);
	ASSERT_EQ(4, sendto(sk, "ping", 4, 0, (struct sockaddr *)&dst,
			    sizeof(dst)));
	for (i = 0; i < 20 && poll(&pfd, 1, 100) >= 0; i++) {
		n = read(self->fd, buf, sizeof(buf));
		/* the UDP datagram: 12 + 14 + 20 + 8 + 4 */
		if (n > 12 + 14 && buf[12 + 12] == 0x08 && buf[12 + 13] == 0)
			break;
	}
	EXPECT_EQ(12 + 14 + 20 + 8 + 4, n);
	close(sk);
}

/* A checksum left to the device comes out as NEEDS_CSUM. */
TEST_F(vnet, read_csum_partial)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
	struct sockaddr_in dst = {
		.sin_family = AF_INET,
		.sin_port = htons(9),
	};
	struct virtio_net_hdr h;
	unsigned char buf[2048];
	int sk, i, off;
	ssize_t n = 0;

	ASSERT_EQ(0, add_test_addr(self->ifname));
	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, sk);
	inet_pton(AF_INET, "10.23.1.2", &dst.sin_addr);

	for (off = 0; off < 2; off++) {
		ASSERT_EQ(0, ioctl(self->fd, TUNSETOFFLOAD,
				   off ? TUN_F_CSUM : 0));
		ASSERT_EQ(4, sendto(sk, "ping", 4, 0,
				    (struct sockaddr *)&dst, sizeof(dst)));
		for (i = 0; i < 20 && poll(&pfd, 1, 100) >= 0; i++) {
			n = read(self->fd, buf, sizeof(buf));
			if (n > VNET_SZ + 14 && buf[VNET_SZ + 12] == 0x08 &&
			    buf[VNET_SZ + 13] == 0)
				break;
		}
		ASSERT_EQ(VNET_SZ + 14 + 20 + 8 + 4, n);
		memcpy(&h, buf, VNET_SZ);
		EXPECT_EQ(0, h.gso_type);
		if (off) {
			EXPECT_EQ(NC, h.flags);
			EXPECT_EQ(34, h.csum_start);
			EXPECT_EQ(6, h.csum_offset);
		} else {
			EXPECT_EQ(0, h.flags & NC);
		}
	}
	close(sk);
}

FIXTURE(vlan) {
	int unused;
};

FIXTURE_SETUP(vlan)
{
}

FIXTURE_TEARDOWN(vlan)
{
}

/* A tag accelerated by the stack (HW_VLAN_CTAG_TX) is put back on read. */
TEST_F(vlan, tag_read)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	unsigned char frame[TEST_FRAME_LEN], buf[2048];
	char name[IFNAMSIZ], vlan[IFNAMSIZ + 8];
	int fd, sk, i;
	ssize_t n = 0;

	ASSERT_EQ(0, enter_netns());
	fd = open_chardev(0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tun_create(fd, IFF_TAP | IFF_NO_PI, name));
	ASSERT_EQ(0, fcntl(fd, F_SETFL, O_NONBLOCK));
	if (run_cmd("ip link add link %s name %s.5 type vlan id 5 "
		    "2>/dev/null && ip link set %s up", name))
		SKIP(return, "no 802.1Q support");
	snprintf(vlan, sizeof(vlan), "%s.5", name);
	ASSERT_EQ(0, netdev_set_up(vlan, 1));

	sk = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, sk);
	sll.sll_protocol = htons(TEST_ETH_P);
	sll.sll_ifindex = (int)if_nametoindex(vlan);
	ASSERT_EQ(0, bind(sk, (struct sockaddr *)&sll, sizeof(sll)));
	build_test_frame(frame, sizeof(frame), NULL, 0);
	ASSERT_EQ(TEST_FRAME_LEN, send(sk, frame, TEST_FRAME_LEN, 0));

	for (i = 0; i < 20; i++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		poll(&pfd, 1, 100);
		n = read(fd, buf, sizeof(buf));
		if (n >= 18 && buf[12] == 0x81 && buf[13] == 0x00 &&
		    buf[16] == (TEST_ETH_P >> 8))
			break;
	}
	ASSERT_EQ(TEST_FRAME_LEN + 4, n);
	EXPECT_EQ(0, memcmp(buf, frame, 12));
	EXPECT_EQ(0, buf[14]);
	EXPECT_EQ(5, buf[15]);
	EXPECT_EQ(0, memcmp(buf + 16, frame + 12, TEST_FRAME_LEN - 12));

	/* a short read is truncated, with the tag in place */
	ASSERT_EQ(TEST_FRAME_LEN, send(sk, frame, TEST_FRAME_LEN, 0));
	for (i = 0; i < 20; i++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		poll(&pfd, 1, 100);
		memset(buf, 0, sizeof(buf));
		n = read(fd, buf, 18);
		if (n > 0 && buf[12] == 0x81 && buf[16] == (TEST_ETH_P >> 8))
			break;
	}
	EXPECT_EQ(18, n);
	EXPECT_EQ(5, buf[15]);
	close(sk);
	close(fd);
}

TEST_HARNESS_MAIN
