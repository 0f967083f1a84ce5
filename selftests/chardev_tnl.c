// SPDX-License-Identifier: GPL-2.0
/*
 * GSO over UDP tunnels on the char device, as tun has it since 6.17:
 * TUNSETOFFLOAD takes TUN_F_UDP_TUNNEL_GSO(_CSUM) on kernels that have
 * it and refuses it with EINVAL before; a VXLAN GSO packet written with
 * the extended virtio_net_hdr (struct virtio_net_hdr_v1_hash_tunnel) is
 * segmented on its way out of a bridge port without the offload, and read
 * whole, with the tunnel offsets, from one with it. Every byte of a
 * header read is set: past the fields that apply, zeros.
 *
 * VPAIR_DEV=/dev/net/tun checks the same against Linux's tun driver.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#pragma GCC diagnostic ignored "-Wclobbered"

#include "chardev_util.h"

#ifndef TUN_F_UDP_TUNNEL_GSO
#define TUN_F_UDP_TUNNEL_GSO		0x080
#define TUN_F_UDP_TUNNEL_GSO_CSUM	0x100
#endif
#ifndef TUN_F_USO4
#define TUN_F_USO4	0x20
#define TUN_F_USO6	0x40
#endif

#define GSO_UDP_L4	5
#define GSO_TNL4	0x20
#define NEEDS_CSUM	1

/* struct virtio_net_hdr_v1_hash_tunnel, little-endian fields */
struct tnl_hdr {
	uint8_t flags, gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset, num_buffers;
	uint16_t hash_lo, hash_hi, hash_report, padding;
	uint16_t outer_th, inner_nh;
};

#define TNL_SZ		((int)sizeof(struct tnl_hdr))
#define READ_SZ		32	/* a reader's header: 8 bytes of padding */
#define PAYLOAD		400
#define MSS		100
#define OUTER_TH	(14 + 20)
#define INNER_NH	(OUTER_TH + 8 + 8 + 14)
#define INNER_TH	(INNER_NH + 20)
#define FRAME_LEN	(INNER_TH + 8 + PAYLOAD)
#define SEG_LEN		(INNER_TH + 8 + MSS)

/* The kernel has GSO over UDP tunnels in virtio_net_hdr: 6.17 on. */
static int kernel_has_tnl(void)
{
	struct utsname u;
	int maj = 0, min = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &maj, &min) != 2)
		return 0;
	return maj > 6 || (maj == 6 && min >= 17);
}

static void ipv4_hdr(unsigned char *ip, size_t len, int saddr, int daddr)
{
	unsigned short csum;

	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (unsigned char)(len >> 8);
	ip[3] = (unsigned char)len;
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	ip[12] = 10;
	ip[13] = 23;
	ip[14] = 1;
	ip[15] = (unsigned char)saddr;
	ip[16] = 10;
	ip[17] = 23;
	ip[18] = 1;
	ip[19] = (unsigned char)daddr;
	csum = ip_csum(ip, 20);
	memcpy(ip + 10, &csum, 2);
}

static void eth_hdr(unsigned char *eth, unsigned char dst, unsigned char src)
{
	memset(eth, 0, ETH_HLEN);
	eth[0] = 0x02;
	eth[5] = dst;
	eth[6] = 0x02;
	eth[11] = src;
	eth[12] = 0x08;
}

/* Ethernet/IPv4/UDP:4789/VXLAN 42/Ethernet/IPv4/UDP, then PAYLOAD bytes. */
static void build_vxlan(unsigned char *f)
{
	unsigned char *udp = f + OUTER_TH, *vx = udp + 8;
	unsigned char *iudp = f + INNER_TH;
	int i;

	eth_hdr(f, 2, 1);
	ipv4_hdr(f + 14, FRAME_LEN - 14, 1, 2);
	memset(udp, 0, 16);
	udp[0] = 0x04;
	udp[1] = 0xd2;
	udp[2] = 4789 >> 8;
	udp[3] = 4789 & 0xff;
	udp[4] = (unsigned char)((FRAME_LEN - OUTER_TH) >> 8);
	udp[5] = (unsigned char)(FRAME_LEN - OUTER_TH);
	vx[0] = 0x08;
	vx[6] = 42;
	eth_hdr(f + INNER_NH - 14, 4, 3);
	ipv4_hdr(f + INNER_NH, FRAME_LEN - INNER_NH, 3, 4);
	memset(iudp, 0, 8);
	iudp[0] = 0x30;
	iudp[1] = 0x39;
	iudp[2] = 0x30;
	iudp[3] = 0x3a;
	iudp[4] = (unsigned char)((8 + PAYLOAD) >> 8);
	iudp[5] = (unsigned char)(8 + PAYLOAD);
	for (i = 0; i < PAYLOAD; i++)
		iudp[8 + i] = (unsigned char)i;
}

static void tnl_hdr_fill(struct tnl_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->flags = NEEDS_CSUM;
	h->gso_type = GSO_UDP_L4 | GSO_TNL4;
	h->hdr_len = INNER_TH + 8;
	h->gso_size = MSS;
	h->csum_start = INNER_TH;
	h->csum_offset = 6;
	h->outer_th = OUTER_TH;
	h->inner_nh = INNER_NH;
}

FIXTURE(tnl) {
	int fd;			/* writer A: vnet_hdr of TNL_SZ */
	int rfd;		/* reader B, bridged with A */
	char a[IFNAMSIZ], b[IFNAMSIZ];
};

FIXTURE_SETUP(tnl)
{
	int sz = TNL_SZ;

	self->rfd = -1;
	self->fd = netns_open_chardev(_metadata, 0);
	if (self->fd < 0)
		return;
	ASSERT_EQ(0, tun_create(self->fd, IFF_TAP | IFF_NO_PI | IFF_VNET_HDR,
				self->a));
	ASSERT_EQ(0, ioctl(self->fd, TUNSETVNETHDRSZ, &sz));
	self->rfd = open_chardev(O_NONBLOCK);
	ASSERT_LE(0, self->rfd);
}

FIXTURE_TEARDOWN(tnl)
{
	if (self->rfd >= 0)
		close(self->rfd);
	if (self->fd >= 0)
		close(self->fd);
}

/* Reader B with @flags, bridged with A; 0, or the test skips. */
static int bridge_b(FIXTURE_DATA(tnl) *self, int flags)
{
	char cmd[200];

	if (tun_create(self->rfd, IFF_TAP | IFF_NO_PI | flags, self->b))
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "ip link add br0 type bridge 2>/dev/null && "
		 "ip link set %s master br0 && ip link set %s master br0 && "
		 "ip link set br0 up && ip link set %s up && ip link set %s up",
		 self->a, self->b, self->a, self->b);
	return system(cmd);
}

/* The next frame of a segment's length or more from B: its length, or -1. */
static ssize_t read_frame(int fd, unsigned char *buf, size_t size, int fill)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int i;

	for (i = 0; i < 30 && poll(&pfd, 1, 100) >= 0; i++) {
		if (fill)
			memset(buf, 0xff, size);
		n = read(fd, buf, size);
		if (n >= (ssize_t)SEG_LEN)
			return n;
	}
	return -1;
}

/* Every offload a reader of tunnel GSO packets turns on. */
#define TNL_OFFLOAD	(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | \
			 TUN_F_USO4 | TUN_F_USO6 | TUN_F_UDP_TUNNEL_GSO)

/*
 * B reads with a @sz-byte header and @offload; A writes @h (NULL: all
 * zero) in front of a VXLAN frame, both built in @buf.
 */
static void send_tunneled(struct __test_metadata *_metadata,
			  FIXTURE_DATA(tnl) *self, int sz,
			  unsigned int offload, const struct tnl_hdr *h,
			  unsigned char buf[TNL_SZ + FRAME_LEN])
{
	ASSERT_EQ(0, ioctl(self->rfd, TUNSETVNETHDRSZ, &sz));
	ASSERT_EQ(0, ioctl(self->rfd, TUNSETOFFLOAD, offload));
	memset(buf, 0, TNL_SZ);
	if (h)
		memcpy(buf, h, TNL_SZ);
	build_vxlan(buf + TNL_SZ);
	ASSERT_EQ(TNL_SZ + FRAME_LEN, write(self->fd, buf, TNL_SZ + FRAME_LEN));
}

TEST_F(tnl, offload_bits)
{
	unsigned long plain = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;

	if (kernel_has_tnl()) {
		EXPECT_EQ(0, ioctl(self->fd, TUNSETOFFLOAD,
				   plain | TUN_F_UDP_TUNNEL_GSO));
		EXPECT_EQ(0, ioctl(self->fd, TUNSETOFFLOAD,
				   plain | TUN_F_UDP_TUNNEL_GSO |
				   TUN_F_UDP_TUNNEL_GSO_CSUM));
	} else {
		EXPECT_EQ(-1, ioctl(self->fd, TUNSETOFFLOAD,
				    plain | TUN_F_UDP_TUNNEL_GSO));
		EXPECT_EQ(EINVAL, errno);
	}
	/* on every kernel: a tunnel needs a plain GSO type to carry */
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETOFFLOAD,
			    TUN_F_CSUM | TUN_F_UDP_TUNNEL_GSO));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETOFFLOAD,
			    TUN_F_UDP_TUNNEL_GSO | TUN_F_UDP_TUNNEL_GSO_CSUM));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, TUNSETOFFLOAD,
			    plain | TUN_F_UDP_TUNNEL_GSO_CSUM));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, ioctl(self->fd, TUNSETOFFLOAD, 0));
}

/* A tunnel GSO write: refused before 6.17, segmented on B after. */
TEST_F(tnl, write_segmented)
{
	unsigned char buf[TNL_SZ + FRAME_LEN], rd[2048];
	struct tnl_hdr h;
	ssize_t n;
	int i;

	if (bridge_b(self, 0))
		SKIP(return, "no bridge");
	tnl_hdr_fill(&h);
	memcpy(buf, &h, TNL_SZ);
	build_vxlan(buf + TNL_SZ);
	if (!kernel_has_tnl()) {
		EXPECT_EQ(-1, write(self->fd, buf, sizeof(buf)));
		EXPECT_EQ(EINVAL, errno);
		return;
	}
	ASSERT_EQ((ssize_t)sizeof(buf), write(self->fd, buf, sizeof(buf)))
		TH_LOG("write: %s", strerror(errno));
	for (i = 0; i < PAYLOAD / MSS; i++) {
		n = read_frame(self->rfd, rd, sizeof(rd), 0);
		ASSERT_EQ(SEG_LEN, n) TH_LOG("segment %d", i);
		/* outer and inner IP lengths, inner UDP length: a segment's */
		EXPECT_EQ(SEG_LEN - 14, rd[16] << 8 | rd[17]);
		EXPECT_EQ(SEG_LEN - INNER_NH, rd[INNER_NH + 2] << 8 |
					       rd[INNER_NH + 3]);
		EXPECT_EQ(8 + MSS, rd[INNER_TH + 4] << 8 | rd[INNER_TH + 5]);
		EXPECT_EQ(0, memcmp(rd + INNER_TH + 8,
				    buf + TNL_SZ + INNER_TH + 8 + i * MSS,
				    MSS)) TH_LOG("segment %d payload", i);
	}
	EXPECT_EQ(-1, read(self->rfd, rd, sizeof(rd)));
}

/* Read whole from B with the offload: the tunnel header, then zeros. */
TEST_F(tnl, read_tunnel_hdr)
{
	unsigned char buf[TNL_SZ + FRAME_LEN], rd[2048];
	int sz = READ_SZ, i;
	struct tnl_hdr h;
	ssize_t n;

	if (!kernel_has_tnl())
		SKIP(return, "no UDP tunnel GSO before 6.17");
	if (bridge_b(self, IFF_VNET_HDR))
		SKIP(return, "no bridge");
	tnl_hdr_fill(&h);
	send_tunneled(_metadata, self, sz, TNL_OFFLOAD, &h, buf);

	n = read_frame(self->rfd, rd, sizeof(rd), 1);
	ASSERT_EQ(READ_SZ + FRAME_LEN, n);
	memcpy(&h, rd, TNL_SZ);
	EXPECT_EQ(NEEDS_CSUM, h.flags);
	EXPECT_EQ(GSO_UDP_L4 | GSO_TNL4, h.gso_type);
	EXPECT_EQ(MSS, h.gso_size);
	EXPECT_EQ(INNER_TH, h.csum_start);
	EXPECT_EQ(6, h.csum_offset);
	EXPECT_EQ(0, h.num_buffers);
	EXPECT_EQ(0, h.hash_lo | h.hash_hi | h.hash_report | h.padding);
	EXPECT_EQ(OUTER_TH, h.outer_th);
	EXPECT_EQ(INNER_NH, h.inner_nh);
	for (i = TNL_SZ; i < READ_SZ; i++)
		EXPECT_EQ(0, rd[i]) TH_LOG("padding byte %d", i);
	EXPECT_EQ(0, memcmp(rd + READ_SZ, buf + TNL_SZ, FRAME_LEN));
}

/* A plain packet's extended header: bytes past the plain fields are 0. */
TEST_F(tnl, read_plain_zeroed)
{
	unsigned char rd[2048];
	int sz = READ_SZ, i;
	ssize_t n;

	if (chardev_is_tun() && !kernel_has_tnl())
		SKIP(return, "tun skips the padding before 6.17");
	if (bridge_b(self, IFF_VNET_HDR))
		SKIP(return, "no bridge");
	/* with the offload on where there is one: the longer header */
	send_tunneled(_metadata, self, sz, kernel_has_tnl() ?
		      TUN_F_CSUM | TUN_F_TSO4 | TUN_F_UDP_TUNNEL_GSO : 0, NULL,
		      rd);
	n = read_frame(self->rfd, rd, sizeof(rd), 1);
	ASSERT_EQ(READ_SZ + FRAME_LEN, n);
	/* no checksum, no GSO: the whole header is zero */
	for (i = 0; i < READ_SZ; i++)
		EXPECT_EQ(0, rd[i]) TH_LOG("header byte %d", i);
}

/* A bad tunnel GSO header, and how it is made from a good one. */
struct bad_tnl {
	const char *what;
	void (*spoil)(struct tnl_hdr *h);
};

static void no_csum(struct tnl_hdr *h)
{
	h->flags = 0;
}

static void outer_th_in_l3(struct tnl_hdr *h)
{
	h->outer_th = 14 + 19;
}

static void inner_nh_in_udp(struct tnl_hdr *h)
{
	h->inner_nh = OUTER_TH + 7;
}

static void inner_th_in_l3(struct tnl_hdr *h)
{
	h->csum_start = INNER_NH + 19;
}

static void both_families(struct tnl_hdr *h)
{
	h->gso_type |= 0x40;
}

static void over_ufo(struct tnl_hdr *h)
{
	h->gso_type = 3 | GSO_TNL4;
}

static void tunnel_alone(struct tnl_hdr *h)
{
	h->gso_type = GSO_TNL4;
}

static const struct bad_tnl bad_tnls[] = {
	{ "no NEEDS_CSUM", no_csum },
	{ "outer transport header inside the outer IPv4 header", outer_th_in_l3 },
	{ "inner network header inside the outer UDP header", inner_nh_in_udp },
	{ "inner transport header inside the inner IPv4 header", inner_th_in_l3 },
	{ "IPv4 and IPv6 tunnel bits at once", both_families },
	{ "a tunnel over UFO", over_ufo },
	{ "a tunnel without a GSO type inside", tunnel_alone },
};

/* Refused on every kernel, by tun's rules or by knowing no tunnels. */
TEST_F(tnl, write_bad_tnl_hdr)
{
	unsigned char buf[TNL_SZ + FRAME_LEN];
	struct tnl_hdr h;
	unsigned int i;

	build_vxlan(buf + TNL_SZ);
	for (i = 0; i < sizeof(bad_tnls) / sizeof(bad_tnls[0]); i++) {
		tnl_hdr_fill(&h);
		bad_tnls[i].spoil(&h);
		memcpy(buf, &h, TNL_SZ);
		errno = 0;
		EXPECT_EQ(-1, write(self->fd, buf, sizeof(buf)))
			TH_LOG("%s", bad_tnls[i].what);
		EXPECT_EQ(EINVAL, errno) TH_LOG("%s", bad_tnls[i].what);
	}
}

/* A header too short for the tunnel fields cannot ask for a tunnel. */
TEST_F(tnl, write_short_hdr)
{
	unsigned char buf[12 + FRAME_LEN];
	int sz = 12;
	struct tnl_hdr h;

	ASSERT_EQ(0, ioctl(self->fd, TUNSETVNETHDRSZ, &sz));
	tnl_hdr_fill(&h);
	memcpy(buf, &h, 12);
	build_vxlan(buf + 12);
	EXPECT_EQ(-1, write(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * A plain packet with a partial checksum: the plain fields describe it,
 * num_buffers, the hash, the tunnel offsets and the padding read as 0.
 */
TEST_F(tnl, read_csum_zeroed)
{
	unsigned char buf[TNL_SZ + FRAME_LEN], rd[2048];
	int sz = READ_SZ, i;
	struct tnl_hdr h;
	ssize_t n;

	if (chardev_is_tun() && !kernel_has_tnl())
		SKIP(return, "tun skips the padding before 6.17");
	if (bridge_b(self, IFF_VNET_HDR))
		SKIP(return, "no bridge");
	memset(&h, 0, sizeof(h));
	h.flags = NEEDS_CSUM;
	h.csum_start = INNER_TH;
	h.csum_offset = 6;
	send_tunneled(_metadata, self, sz, TUN_F_CSUM | TUN_F_TSO4 |
		      (kernel_has_tnl() ? TUN_F_UDP_TUNNEL_GSO : 0), &h, buf);
	n = read_frame(self->rfd, rd, sizeof(rd), 1);
	ASSERT_EQ(READ_SZ + FRAME_LEN, n);
	memcpy(&h, rd, TNL_SZ);
	EXPECT_EQ(NEEDS_CSUM, h.flags);
	EXPECT_EQ(0, h.gso_type);
	EXPECT_EQ(INNER_TH, h.csum_start);
	EXPECT_EQ(6, h.csum_offset);
	for (i = 10; i < READ_SZ; i++)
		EXPECT_EQ(0, rd[i]) TH_LOG("header byte %d", i);
}

/* The next frame of a segment's length or more from B, or a read's errno. */
static ssize_t read_frame_err(int fd, unsigned char *buf, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n = -1;
	int i;

	for (i = 0; i < 30 && poll(&pfd, 1, 100) >= 0; i++) {
		n = read(fd, buf, size);
		if (n >= (ssize_t)SEG_LEN || (n < 0 && errno != EAGAIN))
			return n;
	}
	return n;
}

/*
 * A reader with the tunnel offload on but a header too short for the
 * tunnel fields: vpair cannot describe a tunnel GSO packet to it, the
 * read fails with EINVAL (the packet is dropped), and plain packets read
 * as before. Deliberately unlike tun, which writes the whole tunnel
 * header over the packet and fails every read with EFAULT.
 */
TEST_F(tnl, read_short_hdr)
{
	unsigned char buf[TNL_SZ + FRAME_LEN], rd[2048];
	int sz = 12, tun = chardev_is_tun(), i;
	struct tnl_hdr h;
	ssize_t n;

	if (!kernel_has_tnl())
		SKIP(return, "no UDP tunnel GSO before 6.17");
	if (bridge_b(self, IFF_VNET_HDR))
		SKIP(return, "no bridge");
	tnl_hdr_fill(&h);
	send_tunneled(_metadata, self, sz, TNL_OFFLOAD, &h, buf);
	n = read_frame_err(self->rfd, rd, sizeof(rd));
	EXPECT_EQ(-1, n);
	EXPECT_EQ(tun ? EFAULT : EINVAL, errno);

	/* a plain packet */
	memset(buf, 0, TNL_SZ);
	ASSERT_EQ((ssize_t)sizeof(buf), write(self->fd, buf, sizeof(buf)));
	memset(rd, 0xff, sizeof(rd));
	n = read_frame_err(self->rfd, rd, sizeof(rd));
	if (tun) {
		EXPECT_EQ(-1, n);
		EXPECT_EQ(EFAULT, errno);
	} else {
		EXPECT_EQ(sz + FRAME_LEN, n);
		for (i = 0; i < sz; i++)
			EXPECT_EQ(0, rd[i]) TH_LOG("header byte %d", i);
		EXPECT_EQ(0, memcmp(rd + sz, buf + TNL_SZ, FRAME_LEN));
	}
}

TEST_HARNESS_MAIN
