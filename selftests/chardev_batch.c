// SPDX-License-Identifier: GPL-2.0
/*
 * Batched I/O (VPAIRSETBATCH, <linux/vpair.h>): records of several packets
 * per read() or write(), on TUN and TAP, with and without tun_pi and
 * virtio_net_hdr, through read/write, readv/writev and io_uring. A bad
 * record stops a write after the ones before it; a packet that does not
 * fit stops a read and stays queued; every packet is counted as a plain
 * read or write counts it, and a first record that a plain write refuses
 * fails with the same errno.
 *
 * tun has no batched I/O: against /dev/net/tun only the reference test
 * runs, which asserts tun's errno for the unknown ioctl.
 */
#include <poll.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <linux/vpair.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
/* The harness's setjmp in each test wrapper; our bodies keep no state. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "chardev_util.h"
#include "chardev_uring.h"

#define HLEN		sizeof(struct vpair_batch_hdr)
#define RS(len)		((size_t)VPAIR_BATCH_RECORD_SIZE(len))
#define BUF_LEN		8192
#define MAX_PKT		128
/* Columns of /proc/net/dev */
#define RX_BYTES	0
#define RX_PACKETS	1
#define TX_BYTES	8
#define TX_PACKETS	9

static int set_batch(int fd, unsigned int max, unsigned int flags)
{
	struct vpair_batch b = { .max_packets = max, .flags = flags };

	return ioctl(fd, VPAIRSETBATCH, &b);
}

/* The setting VPAIRGETBATCH reads back, or -1. */
static long get_batch(int fd)
{
	struct vpair_batch b = { 0xdead, 0xbeef };

	if (ioctl(fd, VPAIRGETBATCH, &b))
		return -1;
	return b.flags ? -2 : (long)b.max_packets;
}

/* Append a record of @len bytes of @data at @off; the next offset. */
static size_t rec_add(unsigned char *buf, size_t off, const void *data,
		      size_t len)
{
	struct vpair_batch_hdr h = { .len = (unsigned int)len };

	memset(buf + off, 0, RS(len));
	memcpy(buf + off, &h, HLEN);
	memcpy(buf + off + HLEN, data, len);
	return off + RS(len);
}

/*
 * A device of each kind and framing, up, with no address (what is
 * written goes nowhere), batching on with a limit of 64, and a packet
 * socket on it to make it transmit.
 */
FIXTURE(batch) {
	int fd;
	int pkt_sk;
	int ifindex;
	char ifname[IFNAMSIZ];
};

FIXTURE_VARIANT(batch) {
	int tap;
	int pi;
	int vnet;
};

FIXTURE_VARIANT_ADD(batch, tap) { .tap = 1 };
FIXTURE_VARIANT_ADD(batch, tap_pi) { .tap = 1, .pi = 1 };
FIXTURE_VARIANT_ADD(batch, tap_vnet) { .tap = 1, .vnet = 1 };
FIXTURE_VARIANT_ADD(batch, tap_pi_vnet) { .tap = 1, .pi = 1, .vnet = 1 };
FIXTURE_VARIANT_ADD(batch, tun) { .tap = 0 };
FIXTURE_VARIANT_ADD(batch, tun_pi) { .pi = 1 };
FIXTURE_VARIANT_ADD(batch, tun_vnet) { .vnet = 1 };
FIXTURE_VARIANT_ADD(batch, tun_pi_vnet) { .pi = 1, .vnet = 1 };

FIXTURE_SETUP(batch)
{
	int flags = variant->tap ? IFF_TAP : IFF_TUN;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };

	self->pkt_sk = -1;
	self->fd = netns_open_chardev(_metadata, O_NONBLOCK);
	if (self->fd < 0)
		return;
	if (chardev_is_tun())
		SKIP(return, "tun has no batched I/O");
	if (!variant->pi)
		flags |= IFF_NO_PI;
	if (variant->vnet)
		flags |= IFF_VNET_HDR;
	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname, flags));
	ASSERT_EQ(0, netdev_set_up(self->ifname, 1));
	ASSERT_EQ(0, set_batch(self->fd, 64, 0))
		TH_LOG("VPAIRSETBATCH: %s", strerror(errno));
	self->ifindex = (int)if_nametoindex(self->ifname);
	self->pkt_sk = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->pkt_sk);
	sll.sll_ifindex = self->ifindex;
	ASSERT_EQ(0, bind(self->pkt_sk, (struct sockaddr *)&sll, sizeof(sll)));
}

FIXTURE_TEARDOWN(batch)
{
	if (self->pkt_sk >= 0)
		close(self->pkt_sk);
	if (self->fd >= 0)
		close(self->fd);
}

/* The bytes of tun_pi and virtio_net_hdr in front of each packet. */
static size_t hdrs_len(const FIXTURE_VARIANT(batch) *variant)
{
	return (variant->pi ? sizeof(struct tun_pi) : 0) +
	       (variant->vnet ? sizeof(struct virtio_net_hdr) : 0);
}

/* The packet @tag of the device's kind: a frame, or an IPv4 datagram. */
static size_t pkt_build(const FIXTURE_VARIANT(batch) *variant,
			unsigned char *pkt, unsigned char tag)
{
	if (!variant->tap)
		return build_udp_to(pkt, "10.23.9.9", tag);
	build_test_frame(pkt, TEST_FRAME_LEN, NULL, tag);
	return TEST_FRAME_LEN;
}

/* Packet @tag with its tun_pi and zeroed virtio_net_hdr, as written. */
static size_t pkt_framed(const FIXTURE_VARIANT(batch) *variant,
			 unsigned char *out, unsigned char tag)
{
	struct tun_pi pi = { 0, htons(variant->tap ? TEST_ETH_P : ETH_P_IP) };
	size_t off = 0;

	if (variant->pi) {
		memcpy(out, &pi, sizeof(pi));
		off += sizeof(pi);
	}
	if (variant->vnet) {
		memset(out + off, 0, sizeof(struct virtio_net_hdr));
		off += sizeof(struct virtio_net_hdr);
	}
	return off + pkt_build(variant, out + off, tag);
}

/* Make the device transmit packet @tag, for the fd to read. */
static int pkt_send(FIXTURE_DATA(batch) *self,
		    const FIXTURE_VARIANT(batch) *variant, unsigned char tag)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = self->ifindex,
		.sll_protocol = htons(variant->tap ? TEST_ETH_P : ETH_P_IP),
	};
	unsigned char pkt[MAX_PKT];
	size_t len = pkt_build(variant, pkt, tag);

	return sendto(self->pkt_sk, pkt, len, 0, (struct sockaddr *)&sll,
		      sizeof(sll)) == (ssize_t)len ? 0 : -1;
}

/* @n records of packets tagged 1, 2, ... in @buf: the bytes. */
static size_t recs_build(const FIXTURE_VARIANT(batch) *variant,
			 unsigned char *buf, int n)
{
	unsigned char pkt[MAX_PKT];
	size_t off = 0;
	int i;

	for (i = 1; i <= n; i++)
		off = rec_add(buf, off, pkt, pkt_framed(variant, pkt, i));
	return off;
}

/*
 * Check the @n records read into @buf (@ret bytes) hold packets tagged
 * @tag, @tag + 1, ..., framed as written, with zeroed padding.
 */
static void recs_check(struct __test_metadata *_metadata,
		       const FIXTURE_VARIANT(batch) *variant,
		       const unsigned char *buf, ssize_t ret, int n,
		       unsigned char tag)
{
	unsigned char want[MAX_PKT];
	struct vpair_batch_hdr h;
	size_t off = 0, len, i;
	int k;

	for (k = 0; k < n; k++, tag++) {
		len = pkt_framed(variant, want, tag);
		ASSERT_LE(off + HLEN + len, (size_t)ret);
		memcpy(&h, buf + off, HLEN);
		EXPECT_EQ(len, h.len);
		EXPECT_EQ(0, h.flags);
		EXPECT_EQ(0, h.reserved);
		EXPECT_EQ(0, memcmp(buf + off + HLEN, want, len))
			TH_LOG("record %d differs", k);
		for (i = HLEN + len; i < RS(len) && off + i < (size_t)ret; i++)
			EXPECT_EQ(0, buf[off + i]);
		off += RS(len);
	}
	EXPECT_GE(off, (size_t)ret);
}

static long counter(FIXTURE_DATA(batch) *self, unsigned int col)
{
	return proc_net_dev(self->ifname, col);
}

/* Four records in one write: all injected, counted one by one. */
TEST_F(batch, write_four)
{
	unsigned char buf[BUF_LEN], pkt[MAX_PKT];
	long rx = counter(self, RX_PACKETS), rxb = counter(self, RX_BYTES);
	/* rx bytes count a TAP's frame without its Ethernet header */
	size_t len = pkt_build(variant, pkt, 1) - (variant->tap ? ETH_HLEN : 0);
	size_t off = recs_build(variant, buf, 4);

	ASSERT_EQ((ssize_t)off, write(self->fd, buf, off));
	EXPECT_EQ(rx + 4, counter(self, RX_PACKETS));
	EXPECT_EQ(rxb + 4 * (long)len, counter(self, RX_BYTES));
	/* the last record's padding may be left out */
	off = recs_build(variant, buf, 2);
	off -= RS(pkt_framed(variant, pkt, 2)) - HLEN -
	       pkt_framed(variant, pkt, 2);
	EXPECT_EQ((ssize_t)off, write(self->fd, buf, off));
	EXPECT_EQ(rx + 6, counter(self, RX_PACKETS));
	/* nothing to inject */
	EXPECT_EQ(0, write(self->fd, buf, 0));
}

/*
 * A record of @len bytes of @data alone in a write has the outcome of a
 * plain write of the same bytes: the same errno, or injected; the same
 * counters either way.
 */
static void check_like_plain(struct __test_metadata *_metadata,
			     FIXTURE_DATA(batch) *self,
			     const unsigned char *data, size_t len)
{
	long rx, rxb, drop, plain_rx, plain_rxb, plain_drop;
	unsigned char buf[BUF_LEN];
	ssize_t plain, ret;
	int plain_err;

	ASSERT_EQ(0, set_batch(self->fd, 0, 0));
	rx = counter(self, RX_PACKETS);
	rxb = counter(self, RX_BYTES);
	drop = counter(self, 3);
	plain = write(self->fd, data, len);
	plain_err = errno;
	plain_rx = counter(self, RX_PACKETS) - rx;
	plain_rxb = counter(self, RX_BYTES) - rxb;
	plain_drop = counter(self, 3) - drop;

	ASSERT_EQ(0, set_batch(self->fd, 64, 0));
	rx = counter(self, RX_PACKETS);
	rxb = counter(self, RX_BYTES);
	drop = counter(self, 3);
	ret = write(self->fd, buf, rec_add(buf, 0, data, len));
	if (plain < 0) {
		EXPECT_EQ(-1, ret) TH_LOG("len %zu", len);
		EXPECT_EQ(plain_err, errno) TH_LOG("len %zu", len);
	} else {
		EXPECT_EQ((ssize_t)RS(len), ret) TH_LOG("len %zu", len);
	}
	EXPECT_EQ(plain_rx, counter(self, RX_PACKETS) - rx);
	EXPECT_EQ(plain_rxb, counter(self, RX_BYTES) - rxb);
	EXPECT_EQ(plain_drop, counter(self, 3) - drop);
}

/* Lengths 0, 1, one short of the headers, one short, whole, one over. */
TEST_F(batch, write_lengths_like_plain)
{
	unsigned char pkt[MAX_PKT + 1] = { 0 };
	size_t len = pkt_framed(variant, pkt, 7);
	size_t hl = hdrs_len(variant);
	size_t lens[] = { 0, 1, hl ? hl - 1 : 0, hl, hl + 1, len - 1, len,
			  len + 1 };
	size_t i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
		check_like_plain(_metadata, self, pkt, lens[i]);
}

enum bad_kind { BAD_FLAGS, BAD_RESERVED, BAD_OVER_END, BAD_PACKET,
		BAD_CUT_HDR, BAD_VNET };

/*
 * [good, good, bad, good]: the write reports the two good records before
 * the bad one, injects only them, and leaves the rest alone.
 */
static void check_bad_third(struct __test_metadata *_metadata,
			    FIXTURE_DATA(batch) *self,
			    const FIXTURE_VARIANT(batch) *variant,
			    enum bad_kind kind)
{
	long rx = counter(self, RX_PACKETS);
	unsigned char buf[BUF_LEN], pkt[MAX_PKT];
	struct virtio_net_hdr *vh;
	struct vpair_batch_hdr *h;
	size_t two, off, len;

	two = recs_build(variant, buf, 2);
	len = pkt_framed(variant, pkt, 3);
	off = rec_add(buf, two, pkt, len);
	h = (struct vpair_batch_hdr *)(buf + two);
	switch (kind) {
	case BAD_FLAGS:
		h->flags = VPAIR_BATCH_F_TRUNC;
		break;
	case BAD_RESERVED:
		h->reserved = 1;
		break;
	case BAD_OVER_END:
		h->len = (unsigned int)(len + 1);
		off = two + HLEN + len;
		break;
	case BAD_PACKET:
		h->len = 0;
		off = two + HLEN;
		break;
	case BAD_CUT_HDR:
		off = two + HLEN - 1;
		break;
	case BAD_VNET:
		vh = (struct virtio_net_hdr *)(buf + two + HLEN +
					       (variant->pi ? 4 : 0));
		vh->gso_type = 0x55;
		vh->gso_size = 100;
		break;
	}
	if (kind != BAD_OVER_END && kind != BAD_PACKET && kind != BAD_CUT_HDR)
		off = rec_add(buf, off, pkt, pkt_framed(variant, pkt, 4));
	EXPECT_EQ((ssize_t)two, write(self->fd, buf, off)) TH_LOG("bad %d", kind);
	EXPECT_EQ(rx + 2, counter(self, RX_PACKETS)) TH_LOG("bad %d", kind);

	/* the same record first: EINVAL, nothing injected */
	EXPECT_EQ(-1, write(self->fd, buf + two, off - two));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(rx + 2, counter(self, RX_PACKETS));
}

TEST_F(batch, write_stops_at_bad_record)
{
	check_bad_third(_metadata, self, variant, BAD_FLAGS);
	check_bad_third(_metadata, self, variant, BAD_RESERVED);
	check_bad_third(_metadata, self, variant, BAD_OVER_END);
	check_bad_third(_metadata, self, variant, BAD_PACKET);
	check_bad_third(_metadata, self, variant, BAD_CUT_HDR);
	if (variant->vnet)
		check_bad_third(_metadata, self, variant, BAD_VNET);
}

/* A short buffer: a header cut short alone is EINVAL. */
TEST_F(batch, write_cut_header)
{
	unsigned char buf[HLEN] = { 0 };

	EXPECT_EQ(-1, write(self->fd, buf, HLEN - 1));
	EXPECT_EQ(EINVAL, errno);
}

/* At most max_packets per write; the rest is left for the next. */
TEST_F(batch, write_limit)
{
	long rx = counter(self, RX_PACKETS);
	unsigned char buf[BUF_LEN];
	size_t off = recs_build(variant, buf, 3);
	size_t one = off / 3;

	ASSERT_EQ(0, set_batch(self->fd, 2, 0));
	EXPECT_EQ((ssize_t)(2 * one), write(self->fd, buf, off));
	EXPECT_EQ(rx + 2, counter(self, RX_PACKETS));
	EXPECT_EQ((ssize_t)one, write(self->fd, buf + 2 * one, one));
	EXPECT_EQ(rx + 3, counter(self, RX_PACKETS));
}

/* Five queued packets, one read: five records, counted as transmitted. */
TEST_F(batch, read_five)
{
	long tx = counter(self, TX_PACKETS), txb = counter(self, TX_BYTES);
	unsigned char buf[BUF_LEN], pkt[MAX_PKT];
	size_t len = pkt_build(variant, pkt, 1);
	ssize_t ret;
	int i;

	for (i = 1; i <= 5; i++)
		ASSERT_EQ(0, pkt_send(self, variant, i));
	memset(buf, 0xa5, sizeof(buf));
	ret = read(self->fd, buf, sizeof(buf));
	ASSERT_EQ((ssize_t)(5 * RS(pkt_framed(variant, pkt, 1))), ret);
	recs_check(_metadata, variant, buf, ret, 5, 1);
	EXPECT_EQ(tx + 5, counter(self, TX_PACKETS));
	EXPECT_EQ(txb + 5 * (long)len, counter(self, TX_BYTES));
	/* non-blocking and empty */
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
}

/* At most max_packets per read. */
TEST_F(batch, read_limit)
{
	unsigned char buf[BUF_LEN], pkt[MAX_PKT];
	size_t one = RS(pkt_framed(variant, pkt, 1));
	int i;

	ASSERT_EQ(0, set_batch(self->fd, 2, 0));
	for (i = 1; i <= 5; i++)
		ASSERT_EQ(0, pkt_send(self, variant, i));
	EXPECT_EQ((ssize_t)(2 * one), read(self->fd, buf, sizeof(buf)));
	recs_check(_metadata, variant, buf, 2 * one, 2, 1);
	EXPECT_EQ((ssize_t)(2 * one), read(self->fd, buf, sizeof(buf)));
	recs_check(_metadata, variant, buf, 2 * one, 2, 3);
	EXPECT_EQ((ssize_t)one, read(self->fd, buf, sizeof(buf)));
	recs_check(_metadata, variant, buf, one, 1, 5);
}

/*
 * A later packet one byte too big for the buffer stays queued; one that
 * fits exactly is read without its padding.
 */
TEST_F(batch, read_room_for_later)
{
	unsigned char buf[BUF_LEN], pkt[MAX_PKT];
	size_t len = pkt_framed(variant, pkt, 1);
	size_t one = RS(len);
	int i;

	for (i = 1; i <= 3; i++)
		ASSERT_EQ(0, pkt_send(self, variant, i));
	EXPECT_EQ((ssize_t)one, read(self->fd, buf, one + HLEN + len - 1));
	recs_check(_metadata, variant, buf, one, 1, 1);
	EXPECT_EQ((ssize_t)(one + HLEN + len),
		  read(self->fd, buf, one + HLEN + len));
	recs_check(_metadata, variant, buf, one + HLEN + len, 2, 2);
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
}

/* The first packet is truncated to the buffer, like a plain read. */
TEST_F(batch, read_first_truncated)
{
	long tx = counter(self, TX_PACKETS);
	unsigned char buf[BUF_LEN], want[MAX_PKT];
	size_t cut = hdrs_len(variant) + 10;
	struct vpair_batch_hdr h;
	struct tun_pi pi;

	pkt_framed(variant, want, 1);
	ASSERT_EQ(0, pkt_send(self, variant, 1));
	ASSERT_EQ(0, pkt_send(self, variant, 2));
	EXPECT_EQ((ssize_t)(HLEN + cut), read(self->fd, buf, HLEN + cut));
	memcpy(&h, buf, HLEN);
	EXPECT_EQ(cut, h.len);
	EXPECT_EQ(VPAIR_BATCH_F_TRUNC, h.flags);
	if (variant->pi) {
		memcpy(&pi, buf + HLEN, sizeof(pi));
		EXPECT_EQ(TUN_PKT_STRIP, pi.flags);
		memcpy(want, &pi, sizeof(pi));
	}
	EXPECT_EQ(0, memcmp(buf + HLEN, want, cut));
	EXPECT_EQ(tx + 1, counter(self, TX_PACKETS));
	/* its rest is gone; the next packet is there */
	EXPECT_EQ((ssize_t)RS(pkt_framed(variant, want, 2)),
		  read(self->fd, buf, sizeof(buf)));
	recs_check(_metadata, variant, buf, RS(pkt_framed(variant, want, 2)),
		   1, 2);
}

/* Shorter than a record header: EINVAL, and the packet stays queued. */
TEST_F(batch, read_tiny_buffer)
{
	unsigned char buf[BUF_LEN], pkt[MAX_PKT];
	size_t one = RS(pkt_framed(variant, pkt, 1));

	ASSERT_EQ(0, pkt_send(self, variant, 1));
	EXPECT_EQ(0, read(self->fd, buf, 0));
	EXPECT_EQ(-1, read(self->fd, buf, HLEN - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ((ssize_t)one, read(self->fd, buf, sizeof(buf)));
	recs_check(_metadata, variant, buf, one, 1, 1);
}

/* Blocking: what is queued is returned at once, without waiting for more. */
TEST_F(batch, read_blocking_returns_what_is_there)
{
	unsigned char buf[BUF_LEN], pkt[MAX_PKT];
	size_t one = RS(pkt_framed(variant, pkt, 1));

	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, 0));
	ASSERT_EQ(0, pkt_send(self, variant, 1));
	ASSERT_EQ(0, pkt_send(self, variant, 2));
	EXPECT_EQ((ssize_t)(2 * one), read(self->fd, buf, sizeof(buf)));
	recs_check(_metadata, variant, buf, 2 * one, 2, 1);
}

/* Blocking and empty: the read waits for the first packet. */
TEST_F(batch, read_blocking_waits)
{
	unsigned char buf[BUF_LEN], pkt[MAX_PKT];
	size_t one = RS(pkt_framed(variant, pkt, 1));
	int status;
	pid_t pid;

	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		usleep(200000);
		_exit(pkt_send(self, variant, 1) ? 1 : 0);
	}
	EXPECT_EQ((ssize_t)one, read(self->fd, buf, sizeof(buf)));
	recs_check(_metadata, variant, buf, one, 1, 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
}

/* Records split anywhere across iovecs, both ways. */
TEST_F(batch, readv_writev)
{
	unsigned char buf[BUF_LEN], got[BUF_LEN], a[5], b[13];
	long rx = counter(self, RX_PACKETS);
	size_t off = recs_build(variant, buf, 3);
	struct iovec wv[] = {
		{ buf, 3 }, { buf + 3, 9 }, { buf + 12, off - 12 },
	};
	struct iovec rv[] = {
		{ a, sizeof(a) }, { b, sizeof(b) },
		{ got + sizeof(a) + sizeof(b), sizeof(got) - 18 },
	};
	ssize_t ret;
	int i;

	EXPECT_EQ((ssize_t)off, writev(self->fd, wv, 3));
	EXPECT_EQ(rx + 3, counter(self, RX_PACKETS));

	for (i = 1; i <= 3; i++)
		ASSERT_EQ(0, pkt_send(self, variant, i));
	ret = readv(self->fd, rv, 3);
	EXPECT_EQ((ssize_t)off, ret);
	memcpy(got, a, sizeof(a));
	memcpy(got + sizeof(a), b, sizeof(b));
	recs_check(_metadata, variant, got, ret, 3, 1);
}

/* io_uring reads and writes batches too (read_iter/write_iter). */
TEST_F(batch, io_uring)
{
	unsigned char buf[BUF_LEN], got[BUF_LEN];
	long rx = counter(self, RX_PACKETS);
	size_t off = recs_build(variant, buf, 3);
	struct ring r;
	int i;

	if (ring_setup(&r)) {
		if (errno == ENOSYS || errno == EPERM)
			SKIP(return, "no io_uring: %s", strerror(errno));
		ASSERT_EQ(0, -1) TH_LOG("io_uring: %s", strerror(errno));
	}
	EXPECT_EQ((int)off, ring_run(&r, IORING_OP_WRITE, self->fd, buf,
				     off));
	EXPECT_EQ(rx + 3, counter(self, RX_PACKETS));
	for (i = 1; i <= 3; i++)
		ASSERT_EQ(0, pkt_send(self, variant, i));
	EXPECT_EQ((int)off, ring_run(&r, IORING_OP_READ, self->fd, got,
				     sizeof(got)));
	recs_check(_metadata, variant, got, off, 3, 1);
	close(r.fd);
}

/* Turned off again: one packet per call, no record headers. */
TEST_F(batch, off_again_is_plain)
{
	unsigned char buf[BUF_LEN], pkt[MAX_PKT];
	long rx = counter(self, RX_PACKETS);
	size_t len = pkt_framed(variant, pkt, 1);

	ASSERT_EQ(0, set_batch(self->fd, 0, 0));
	EXPECT_EQ(0, get_batch(self->fd));
	ASSERT_EQ(0, pkt_send(self, variant, 1));
	ASSERT_EQ(0, pkt_send(self, variant, 2));
	EXPECT_EQ((ssize_t)len, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, pkt, len));
	EXPECT_EQ((ssize_t)len, write(self->fd, pkt, len));
	EXPECT_EQ(rx + 1, counter(self, RX_PACKETS));
}

/* The ioctls themselves, on a file of the device under test. */
FIXTURE(ctl) {
	int fd;
};

FIXTURE_SETUP(ctl)
{
	self->fd = netns_open_chardev(_metadata, 0);
}

FIXTURE_TEARDOWN(ctl)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * The reference: tun refuses vpair's ioctl as any unknown one, EBADFD
 * before TUNSETIFF and EINVAL after; vpair takes it either way.
 */
TEST_F(ctl, unknown_to_tun)
{
	char name[IFNAMSIZ];
	int tun = chardev_is_tun();

	EXPECT_EQ(tun ? -1 : 0, set_batch(self->fd, 4, 0));
	if (tun)
		EXPECT_EQ(EBADFD, errno);
	EXPECT_EQ(tun ? -1 : 4, get_batch(self->fd));
	if (tun)
		EXPECT_EQ(EBADFD, errno);
	ASSERT_EQ(0, create_dev(_metadata, self->fd, name,
				IFF_TAP | IFF_NO_PI));
	EXPECT_EQ(tun ? -1 : 0, set_batch(self->fd, 8, 0));
	if (tun)
		EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(tun ? -1 : 8, get_batch(self->fd));
	if (tun)
		EXPECT_EQ(EINVAL, errno);
}

TEST_F(ctl, set_get)
{
	if (chardev_is_tun())
		SKIP(return, "tun has no batched I/O");
	EXPECT_EQ(0, get_batch(self->fd));
	EXPECT_EQ(0, set_batch(self->fd, 1, 0));
	EXPECT_EQ(1, get_batch(self->fd));
	EXPECT_EQ(0, set_batch(self->fd, VPAIR_BATCH_MAX_PACKETS, 0));
	EXPECT_EQ(VPAIR_BATCH_MAX_PACKETS, get_batch(self->fd));
	EXPECT_EQ(0, set_batch(self->fd, 0, 0));
	EXPECT_EQ(0, get_batch(self->fd));
}

/* Bad arguments: EINVAL or EFAULT, and the setting is left as it was. */
TEST_F(ctl, bad_args)
{
	if (chardev_is_tun())
		SKIP(return, "tun has no batched I/O");
	ASSERT_EQ(0, set_batch(self->fd, 3, 0));
	EXPECT_EQ(-1, set_batch(self->fd, 4, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_batch(self->fd, 4, 0x80000000u));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_batch(self->fd, VPAIR_BATCH_MAX_PACKETS + 1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, set_batch(self->fd, 0xffffffffu, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, VPAIRSETBATCH, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, VPAIRGETBATCH, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(3, get_batch(self->fd));
}

/* A setting of the open file: another file of the device has its own. */
TEST_F(ctl, per_file)
{
	char name[IFNAMSIZ];
	int other;

	if (chardev_is_tun())
		SKIP(return, "tun has no batched I/O");
	ASSERT_EQ(0, create_dev(_metadata, self->fd, name,
				IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE));
	ASSERT_EQ(0, set_batch(self->fd, 5, 0));
	other = tun_open_attach(name, IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE);
	ASSERT_LE(0, other);
	EXPECT_EQ(0, get_batch(other));
	EXPECT_EQ(5, get_batch(self->fd));
	close(other);
}

TEST_HARNESS_MAIN
