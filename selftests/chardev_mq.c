// SPDX-License-Identifier: GPL-2.0
/*
 * IFF_MULTI_QUEUE on the vpair character device, which must match
 * /dev/net/tun: one queue per file up to 256 (the 257th fails with
 * E2BIG), TUNSETQUEUE detaching and re-attaching a queue, and flow
 * steering -- a flow's packets go to one queue, a flow written on a queue
 * gets its replies on that queue, and that memory ages out.
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
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <sys/socket.h>
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

#define MAX_QUEUES	256
#define NQ		4
#define NFLOWS		8
#define BASE_PORT	40000

#define MQTAP	(IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE)

/* A multiqueue tap with NQ queues, one file each, in a netns of its own. */
FIXTURE(multiqueue_tap) {
	int fd[NQ];
	char ifname[IFNAMSIZ];
};

FIXTURE_SETUP(multiqueue_tap)
{
	struct ifreq ifr;
	int i;

	for (i = 0; i < NQ; i++)
		self->fd[i] = -1;
	self->fd[0] = netns_open_chardev(_metadata, O_NONBLOCK);
	if (self->fd[0] < 0)
		return;
	ASSERT_EQ(0, tun_create(self->fd[0], MQTAP, self->ifname));
	for (i = 1; i < NQ; i++) {
		self->fd[i] = open_chardev(O_NONBLOCK);
		ASSERT_LE(0, self->fd[i]);
		ASSERT_EQ(0, tun_setiff(self->fd[i], MQTAP, self->ifname,
					&ifr));
	}
}

FIXTURE_TEARDOWN(multiqueue_tap)
{
	int i;

	for (i = 0; i < NQ; i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
}

TEST_F(multiqueue_tap, attach)
{
	struct ifreq ifr;
	int fd;

	EXPECT_EQ(IFF_MULTI_QUEUE,
		  getiff_flags(self->fd[1]) & IFF_MULTI_QUEUE);
	fd = open_chardev(O_NONBLOCK);
	ASSERT_LE(0, fd);
	/* the multiqueue flag must match the device's */
	EXPECT_EQ(-1, tun_setiff(fd, IFF_TAP | IFF_NO_PI, self->ifname, &ifr));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, tun_setiff(fd, MQTAP, self->ifname, &ifr));
	close(fd);
}

/* 256 queues, not one more; a detached queue still counts. */
TEST_F(multiqueue_tap, max_queues)
{
	struct rlimit rl = { 1024, 1024 };
	int fds[MAX_QUEUES], i, n = NQ, fd;
	struct ifreq ifr;

	setrlimit(RLIMIT_NOFILE, &rl);
	for (i = 0; n < MAX_QUEUES; i++, n++) {
		fds[i] = open_chardev(O_NONBLOCK);
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, tun_setiff(fds[i], MQTAP, self->ifname, &ifr))
			TH_LOG("queue %d: %s", n, strerror(errno));
	}
	fd = open_chardev(O_NONBLOCK);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, tun_setiff(fd, MQTAP, self->ifname, &ifr));
	EXPECT_EQ(E2BIG, errno);
	ASSERT_EQ(0, tun_setqueue(self->fd[1], NULL, IFF_DETACH_QUEUE));
	EXPECT_EQ(-1, tun_setiff(fd, MQTAP, self->ifname, &ifr));
	EXPECT_EQ(E2BIG, errno);
	close(fds[0]);
	EXPECT_EQ(0, tun_setiff(fd, MQTAP, self->ifname, &ifr));
	close(fd);
	for (i = 1; i < MAX_QUEUES - NQ; i++)
		close(fds[i]);
}

TEST_F(multiqueue_tap, set_queue)
{
	unsigned char frame[60];
	struct ifreq ifr;
	int fd;

	EXPECT_EQ(-1, tun_setqueue(self->fd[1], NULL, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tun_setqueue(self->fd[1], NULL, IFF_ATTACH_QUEUE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, tun_setqueue(self->fd[1], NULL, IFF_DETACH_QUEUE));
	EXPECT_EQ(IFF_DETACH_QUEUE,
		  getiff_flags(self->fd[1]) & IFF_DETACH_QUEUE);
	EXPECT_EQ(-1, tun_setqueue(self->fd[1], NULL, IFF_DETACH_QUEUE));
	EXPECT_EQ(EINVAL, errno);
	/* TUNSETIFF on a detached queue: still attached to its device */
	EXPECT_EQ(-1, tun_setiff(self->fd[1], MQTAP, self->ifname, &ifr));
	EXPECT_EQ(EEXIST, errno);
	/* it reads nothing */
	EXPECT_EQ(-1, read(self->fd[1], frame, sizeof(frame)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, tun_setqueue(self->fd[1], NULL, IFF_ATTACH_QUEUE));
	EXPECT_EQ(0, getiff_flags(self->fd[1]) & IFF_DETACH_QUEUE);
	EXPECT_EQ(-1, tun_setqueue(self->fd[1], NULL, IFF_ATTACH_QUEUE));
	EXPECT_EQ(EINVAL, errno);

	/* a single-queue device has no queue to detach */
	fd = open_chardev(O_NONBLOCK);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tun_setiff(fd, IFF_TAP | IFF_NO_PI, "", &ifr));
	EXPECT_EQ(-1, tun_setqueue(fd, NULL, IFF_DETACH_QUEUE));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* The device is up, 10.23.1.1/24, with a neighbour 10.23.1.2. */
static void setup_ip(struct __test_metadata *_metadata, const char *ifname)
{
	ASSERT_EQ(0, netdev_set_up(ifname, 1));
	ASSERT_EQ(0, add_test_addr(ifname));
}

/* Which queue gets the UDP datagram to port @port (-1: none). */
static int which_queue(int *fds, int n, unsigned short port)
{
	unsigned char buf[2048];
	int tries, i;

	for (tries = 0; tries < 20; tries++) {
		struct pollfd pfd[MAX_QUEUES];

		for (i = 0; i < n; i++) {
			pfd[i].fd = fds[i];
			pfd[i].events = POLLIN;
		}
		poll(pfd, n, 50);
		for (i = 0; i < n; i++) {
			ssize_t r = read(fds[i], buf, sizeof(buf));

			/* IPv4, UDP, destination port */
			if (r >= 42 && buf[12] == 0x08 && buf[13] == 0 &&
			    buf[23] == IPPROTO_UDP &&
			    buf[36] == (port >> 8) && buf[37] == (port & 0xff))
				return i;
		}
	}
	return -1;
}

static int udp_socket(unsigned short port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	int sk;

	sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return -1;
	inet_pton(AF_INET, "10.23.1.1", &a.sin_addr);
	if (bind(sk, (struct sockaddr *)&a, sizeof(a))) {
		close(sk);
		return -1;
	}
	return sk;
}

/* Flow @f: local BASE_PORT + f -> 10.23.1.2 port BASE_PORT + 100 + f. */
static int send_flow(int sk, int f)
{
	struct sockaddr_in d = {
		.sin_family = AF_INET,
		.sin_port = htons(BASE_PORT + 100 + f),
	};

	inet_pton(AF_INET, "10.23.1.2", &d.sin_addr);
	return sendto(sk, "x", 1, 0, (struct sockaddr *)&d, sizeof(d)) == 1 ?
	       0 : -1;
}

/* The reverse of flow @f, as the peer would send it, written on @fd. */
static int write_reply(int fd, const unsigned char *mac, int f)
{
	unsigned char b[14 + 20 + 8 + 1];
	unsigned short sport = BASE_PORT + 100 + f, dport = BASE_PORT + f;

	memset(b, 0, sizeof(b));
	memcpy(b, mac, ETH_ALEN);
	b[6] = 0x02;
	b[11] = 0x02;
	b[12] = 0x08;
	b[14] = 0x45;
	b[17] = sizeof(b) - 14;
	b[22] = 64;
	b[23] = IPPROTO_UDP;
	b[26] = 10; b[27] = 23; b[28] = 1; b[29] = 2;
	b[30] = 10; b[31] = 23; b[32] = 1; b[33] = 1;
	b[34] = sport >> 8; b[35] = sport & 0xff;
	b[36] = dport >> 8; b[37] = dport & 0xff;
	b[39] = 9;
	return write(fd, b, sizeof(b)) == (ssize_t)sizeof(b) ? 0 : -1;
}

/*
 * Unknown flows are spread by hash, each keeping its queue; a flow
 * written on a queue is answered on that queue; after some seconds
 * without writes that is forgotten.
 */
TEST_F(multiqueue_tap, steering)
{
	int sk[NFLOWS], hq[NFLOWS], q, f, moved = 0, spread = 0;
	struct ifreq ifr;

	setup_ip(_metadata, self->ifname);
	memset(&ifr, 0, sizeof(ifr));
	ASSERT_EQ(0, ioctl(self->fd[0], SIOCGIFHWADDR, &ifr));

	for (f = 0; f < NFLOWS; f++) {
		sk[f] = udp_socket(BASE_PORT + f);
		ASSERT_LE(0, sk[f]);
		ASSERT_EQ(0, send_flow(sk[f], f));
		hq[f] = which_queue(self->fd, NQ, BASE_PORT + 100 + f);
		ASSERT_LE(0, hq[f]) TH_LOG("flow %d got lost", f);
		ASSERT_EQ(0, send_flow(sk[f], f));
		EXPECT_EQ(hq[f], which_queue(self->fd, NQ,
					     BASE_PORT + 100 + f));
		spread |= 1 << hq[f];
	}
	/* 8 flows on one queue of 4 by chance: 4^-7 */
	EXPECT_NE(spread, spread & -spread);

	/* the peer answers each flow from another queue */
	for (f = 0; f < NFLOWS; f++) {
		q = (hq[f] + 1) % NQ;
		ASSERT_EQ(0, write_reply(self->fd[q],
					 (unsigned char *)ifr.ifr_hwaddr.sa_data,
					 f));
		ASSERT_EQ(0, send_flow(sk[f], f));
		EXPECT_EQ(q, which_queue(self->fd, NQ, BASE_PORT + 100 + f))
			TH_LOG("flow %d", f);
	}

	/* entries live 3 s after the last write */
	sleep(6);
	for (f = 0; f < NFLOWS; f++) {
		ASSERT_EQ(0, send_flow(sk[f], f));
		q = which_queue(self->fd, NQ, BASE_PORT + 100 + f);
		moved += q != hq[f];
		close(sk[f]);
	}
	EXPECT_EQ(0, moved);
}

/* TUNSETSTEERINGEBPF: the program's return value modulo the queues. */
TEST_F(multiqueue_tap, steering_ebpf)
{
	int prog, f, sk, off = -1;

	prog = load_ebpf(NQ + 2);
	if (prog < 0)
		SKIP(return, "BPF_PROG_LOAD: %s", strerror(errno));

	setup_ip(_metadata, self->ifname);
	ASSERT_EQ(0, ioctl(self->fd[0], TUNSETSTEERINGEBPF, &prog));
	for (f = 0; f < NFLOWS; f++) {
		sk = udp_socket(BASE_PORT + f);
		ASSERT_LE(0, sk);
		ASSERT_EQ(0, send_flow(sk, f));
		EXPECT_EQ(2, which_queue(self->fd, NQ, BASE_PORT + 100 + f));
		close(sk);
	}
	EXPECT_EQ(0, ioctl(self->fd[0], TUNSETSTEERINGEBPF, &off));
	close(prog);
}

TEST_HARNESS_MAIN
