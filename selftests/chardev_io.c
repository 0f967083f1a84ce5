// SPDX-License-Identifier: GPL-2.0
/*
 * The file's I/O entry points besides read() and write(), as on tun:
 * writev()/readv() with the tun_pi and the packet split across iovecs
 * anywhere, io_uring reads and writes (read_iter/write_iter), and the
 * "iff:" line of /proc/self/fdinfo naming the interface.
 */
#include <sys/uio.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
/* The harness's setjmp in each test wrapper; our bodies keep no state. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "chardev_util.h"
#include "chardev_uring.h"

/* A reply of 4 bytes to the tun's peer 10.23.1.2, for the fd to read. */
static int send_to_peer(int sk)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(UDP_PORT),
	};

	sin.sin_addr.s_addr = inet_addr("10.23.1.2");
	return sendto(sk, "pong", 4, 0, (struct sockaddr *)&sin,
		      sizeof(sin)) == 4 ? 0 : -1;
}

/* A tun with tun_pi, 10.23.1.1/24 and up, and a UDP socket on it. */
FIXTURE(io) {
	int fd;
	int sk;
	char ifname[IFNAMSIZ];
};

FIXTURE_SETUP(io)
{
	self->sk = -1;
	self->fd = netns_open_chardev(_metadata, 0);
	if (self->fd < 0)
		return;
	ASSERT_EQ(0, tun_create(self->fd, IFF_TUN, self->ifname));
	ASSERT_EQ(0, run_cmd("ip addr add 10.23.1.1/24 dev %s && "
			     "ip link set dev %s up", self->ifname));
	self->sk = udp_listener();
	ASSERT_LE(0, self->sk);
}

FIXTURE_TEARDOWN(io)
{
	if (self->sk >= 0)
		close(self->sk);
	if (self->fd >= 0)
		close(self->fd);
}

/* The tun_pi cut in two, the IP header cut in two, then the rest. */
TEST_F(io, writev_split)
{
	struct tun_pi pi = { 0, htons(ETH_P_IP) };
	unsigned char pkt[64], got[16];
	size_t len = build_udp(pkt, 9);
	struct iovec iov[] = {
		{ &pi, 1 },
		{ (char *)&pi + 1, sizeof(pi) - 1 },
		{ pkt, 7 },
		{ pkt + 7, len - 7 },
	};

	ASSERT_EQ((ssize_t)(sizeof(pi) + len), writev(self->fd, iov, 4));
	ASSERT_EQ(4, recv(self->sk, got, sizeof(got), 0));
	EXPECT_EQ(9, got[0]);
}

/* A reply read into three buffers, the tun_pi across the first two. */
TEST_F(io, readv_split)
{
	unsigned char a[3], b[9], c[64];
	struct iovec iov[] = {
		{ a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) },
	};
	struct tun_pi pi;

	ASSERT_EQ(0, send_to_peer(self->sk));
	/* tun_pi (4) + IPv4 (20) + UDP (8) + "pong" (4) */
	ASSERT_EQ(36, readv(self->fd, iov, 3));
	memcpy(&pi, a, sizeof(a));
	memcpy((char *)&pi + sizeof(a), b, sizeof(pi) - sizeof(a));
	EXPECT_EQ(0, pi.flags);
	EXPECT_EQ(htons(ETH_P_IP), pi.proto);
	EXPECT_EQ(0x45, b[1]);
	EXPECT_EQ(0, memcmp(c + 32 - sizeof(a) - sizeof(b), "pong", 4));
}

/* Does /proc/self/fdinfo/@fd hold @want? 1, 0, or -1 when unreadable. */
static int fdinfo_has(int fd, const char *want)
{
	char path[64], text[512];
	ssize_t n;
	int info;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	info = open(path, O_RDONLY);
	if (info < 0)
		return -1;
	n = read(info, text, sizeof(text) - 1);
	close(info);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	return strstr(text, want) != NULL;
}

/* "iff:\tNAME" while attached, "iff:\t" before: tun's fdinfo. */
TEST_F(io, fdinfo_iff)
{
	char want[64];
	int other;

	other = open_chardev(0);
	ASSERT_LE(0, other);
	snprintf(want, sizeof(want), "\niff:\t%s\n", self->ifname);
	EXPECT_EQ(1, fdinfo_has(self->fd, want));
	EXPECT_EQ(1, fdinfo_has(other, "\niff:\t\n"));
	close(other);
}

TEST_F(io, io_uring_write_read)
{
	unsigned char pkt[64], got[64];
	struct ring r;
	size_t len;

	if (ring_setup(&r)) {
		if (errno == ENOSYS || errno == EPERM)
			SKIP(return, "no io_uring: %s", strerror(errno));
		ASSERT_EQ(0, -1) TH_LOG("io_uring: %s", strerror(errno));
	}

	((struct tun_pi *)pkt)->flags = 0;
	((struct tun_pi *)pkt)->proto = htons(ETH_P_IP);
	len = sizeof(struct tun_pi) + build_udp(pkt + sizeof(struct tun_pi), 5);
	EXPECT_EQ((int)len, ring_run(&r, IORING_OP_WRITE, self->fd, pkt, len));
	ASSERT_EQ(4, recv(self->sk, got, sizeof(got), 0));
	EXPECT_EQ(5, got[0]);

	ASSERT_EQ(0, send_to_peer(self->sk));
	EXPECT_EQ(36, ring_run(&r, IORING_OP_READ, self->fd, got,
			       sizeof(got)));
	EXPECT_EQ(0, memcmp(got + 32, "pong", 4));
	close(r.fd);
}

TEST_HARNESS_MAIN
