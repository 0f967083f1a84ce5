// SPDX-License-Identifier: GPL-2.0
/*
 * Basic behaviour of the vpair character device, which must match the one
 * of /dev/net/tun: feature query, errors on an unattached file, creation of
 * a tap device, frames in both directions and removal on close.
 *
 * VPAIR_DEV selects the device (default /dev/net/vpair); set it to
 * /dev/net/tun to check the expectations against Linux's tun driver.
 *
 * Every test runs in its own network namespace.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#ifdef HAVE_LINUX_VPAIR_H	/* set by the Makefile when uapi has it */
#include <linux/vpair.h>
#endif

/* The harness has an unused handler parameter; keep -Wextra for our code. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "chardev_util.h"

/* Every flag tun accepts in TUNSETIFF, as reported by TUNGETFEATURES. */
#define TUN_KNOWN_FEATURES (IFF_TUN | IFF_TAP | IFF_NAPI | IFF_NAPI_FRAGS | \
			    IFF_NO_CARRIER | IFF_MULTI_QUEUE | IFF_NO_PI | \
			    IFF_ONE_QUEUE | IFF_VNET_HDR)

/* ARPHRD_* type of the netdev @name, or -1. */
static int if_hwtype(const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (if_ioctl(name, SIOCGIFHWADDR, &ifr))
		return -1;
	return ifr.ifr_hwaddr.sa_family;
}

/*
 * Read frames from @fd (a tap fd or a packet socket) until one equal to
 * @want arrives or CHARDEV_WAIT_MS pass. Returns the length of the
 * matching frame, 0 on timeout, -1 on error. Unrelated frames are
 * skipped; @skipped counts them.
 */
static ssize_t wait_frame(int fd, const unsigned char *want, size_t len,
			  unsigned char *pkttype, int *skipped)
{
	unsigned char buf[2048];
	struct timespec start;
	long left;

	clock_gettime(CLOCK_MONOTONIC, &start);
	*skipped = 0;
	while ((left = CHARDEV_WAIT_MS - ms_since(&start)) > 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll sll;
		socklen_t sll_len = sizeof(sll);
		ssize_t n;
		int ret;

		ret = poll(&pfd, 1, (int)left);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -1;
		if (ret == 0)
			break;
		memset(&sll, 0, sizeof(sll));
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&sll, &sll_len);
		if (n < 0 && errno == ENOTSOCK)
			n = read(fd, buf, sizeof(buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -1;
		if ((size_t)n == len && !memcmp(buf, want, len)) {
			if (pkttype)
				*pkttype = sll.sll_pkttype;
			return n;
		}
		(*skipped)++;
	}
	return 0;
}

FIXTURE(chardev) {
	int fd;
	char ifname[IFNAMSIZ];
};

FIXTURE_SETUP(chardev)
{
	self->fd = -1;
	self->ifname[0] = '\0';
	self->fd = netns_open_chardev(_metadata, 0);
}

FIXTURE_TEARDOWN(chardev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(chardev, open)
{
	struct stat st;

	ASSERT_EQ(0, fstat(self->fd, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(chardev, features)
{
	unsigned int features = 0;

	ASSERT_EQ(0, ioctl(self->fd, TUNGETFEATURES, &features))
		TH_LOG("TUNGETFEATURES: %s", strerror(errno));
	TH_LOG("features 0x%x", features);
	EXPECT_EQ((unsigned int)IFF_TUN, features & IFF_TUN);
	EXPECT_EQ((unsigned int)IFF_TAP, features & IFF_TAP);
	EXPECT_EQ((unsigned int)IFF_NO_PI, features & IFF_NO_PI);
	EXPECT_EQ(0U, features & ~TUN_KNOWN_FEATURES)
		TH_LOG("unknown feature bits 0x%x",
		       features & ~TUN_KNOWN_FEATURES);
}

TEST_F(chardev, unattached_getiff)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	EXPECT_EQ(-1, ioctl(self->fd, TUNGETIFF, &ifr));
	EXPECT_EQ(EBADFD, errno);
}

TEST_F(chardev, unattached_io)
{
	unsigned char frame[TEST_FRAME_LEN];
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN | POLLOUT };

	build_test_frame(frame, sizeof(frame), NULL, 0);
	EXPECT_EQ(-1, write(self->fd, frame, sizeof(frame)));
	EXPECT_EQ(EBADFD, errno);
	EXPECT_EQ(-1, read(self->fd, frame, sizeof(frame)));
	EXPECT_EQ(EBADFD, errno);
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLERR, pfd.revents);
}

TEST_F(chardev, setiff_no_type)
{
	struct ifreq ifr;

	EXPECT_EQ(-1, tun_setiff(self->fd, IFF_NO_PI, "", &ifr));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(chardev, setiff_tap)
{
	struct ifreq ifr;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	TH_LOG("created %s", self->ifname);
	ASSERT_NE(0, self->ifname[0]);
	EXPECT_NE(0U, if_nametoindex(self->ifname));
	EXPECT_EQ(ARPHRD_ETHER, if_hwtype(self->ifname));

	memset(&ifr, 0, sizeof(ifr));
	ASSERT_EQ(0, ioctl(self->fd, TUNGETIFF, &ifr))
		TH_LOG("TUNGETIFF: %s", strerror(errno));
	EXPECT_STREQ(self->ifname, ifr.ifr_name);
	EXPECT_EQ(IFF_TAP, ifr.ifr_flags & (IFF_TAP | IFF_TUN));
	EXPECT_EQ(IFF_NO_PI, ifr.ifr_flags & IFF_NO_PI);
}

TEST_F(chardev, setiff_tun)
{
	struct ifreq ifr;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TUN | IFF_NO_PI));
	TH_LOG("created %s", self->ifname);
	ASSERT_NE(0, self->ifname[0]);
	EXPECT_NE(0U, if_nametoindex(self->ifname));
	EXPECT_EQ(ARPHRD_NONE, if_hwtype(self->ifname));

	memset(&ifr, 0, sizeof(ifr));
	ASSERT_EQ(0, ioctl(self->fd, TUNGETIFF, &ifr));
	EXPECT_STREQ(self->ifname, ifr.ifr_name);
	EXPECT_EQ(IFF_TUN, ifr.ifr_flags & (IFF_TAP | IFF_TUN));
}

TEST_F(chardev, setiff_twice)
{
	struct ifreq ifr;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	EXPECT_EQ(-1, tun_setiff(self->fd, IFF_TAP | IFF_NO_PI, "", &ifr));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, tun_setiff(self->fd, IFF_TAP | IFF_NO_PI, self->ifname,
			      &ifr));
	EXPECT_EQ(EEXIST, errno);
}

TEST_F(chardev, setiff_existing)
{
	struct ifreq ifr;
	int fd2;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	fd2 = open_chardev(0);
	ASSERT_LE(0, fd2);

	/* The device already has its (single) queue attached. */
	EXPECT_EQ(-1, tun_setiff(fd2, IFF_TAP | IFF_NO_PI, self->ifname, &ifr));
	EXPECT_EQ(EBUSY, errno);
	/* Exclusive creation of an existing name. */
	EXPECT_EQ(-1, tun_setiff(fd2, IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL,
			      self->ifname, &ifr));
	EXPECT_EQ(EBUSY, errno);
	/* Wrong type for the existing device. */
	EXPECT_EQ(-1, tun_setiff(fd2, IFF_TUN | IFF_NO_PI, self->ifname, &ifr));
	EXPECT_EQ(EINVAL, errno);
	/* An existing netdev that is not ours. */
	EXPECT_EQ(-1, tun_setiff(fd2, IFF_TAP | IFF_NO_PI, "lo", &ifr));
	EXPECT_EQ(EINVAL, errno);

	close(fd2);
}

TEST_F(chardev, write_down)
{
	unsigned char frame[TEST_FRAME_LEN];

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	build_test_frame(frame, sizeof(frame), NULL, 1);
	EXPECT_EQ(-1, write(self->fd, frame, sizeof(frame)));
	EXPECT_EQ(EIO, errno);
}

/* A frame written to the fd is received by the stack on the device. */
TEST_F(chardev, write_to_stack)
{
	unsigned char frame[TEST_FRAME_LEN];
	struct sockaddr_ll sll;
	unsigned char pkttype = 0;
	int sk, skipped;
	ssize_t n;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	ASSERT_EQ(0, netdev_set_up(self->ifname, 1))
		TH_LOG("set %s up: %s", self->ifname, strerror(errno));

	sk = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(TEST_ETH_P));
	ASSERT_LE(0, sk) TH_LOG("AF_PACKET socket: %s", strerror(errno));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(TEST_ETH_P);
	sll.sll_ifindex = (int)if_nametoindex(self->ifname);
	ASSERT_NE(0, sll.sll_ifindex);
	ASSERT_EQ(0, bind(sk, (struct sockaddr *)&sll, sizeof(sll)));

	build_test_frame(frame, sizeof(frame), NULL, 2);
	n = write(self->fd, frame, sizeof(frame));
	ASSERT_EQ((ssize_t)sizeof(frame), n)
		TH_LOG("write: %s", n < 0 ? strerror(errno) : "short");

	n = wait_frame(sk, frame, sizeof(frame), &pkttype, &skipped);
	EXPECT_EQ((ssize_t)sizeof(frame), n)
		TH_LOG("frame not received on %s (%d others)",
		       self->ifname, skipped);
	if (n > 0)
		EXPECT_EQ(PACKET_BROADCAST, pkttype);
	close(sk);
}

/* A frame sent out of the device by the stack is read from the fd. */
TEST_F(chardev, stack_to_read)
{
	unsigned char frame[TEST_FRAME_LEN];
	struct sockaddr_ll sll;
	int sk, skipped, flags;
	ssize_t n;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	ASSERT_EQ(0, netdev_set_up(self->ifname, 1))
		TH_LOG("set %s up: %s", self->ifname, strerror(errno));
	flags = fcntl(self->fd, F_GETFL);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, flags | O_NONBLOCK));

	sk = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, sk) TH_LOG("AF_PACKET socket: %s", strerror(errno));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(TEST_ETH_P);
	sll.sll_ifindex = (int)if_nametoindex(self->ifname);
	sll.sll_halen = ETH_ALEN;
	memset(sll.sll_addr, 0xff, ETH_ALEN);
	ASSERT_NE(0, sll.sll_ifindex);

	build_test_frame(frame, sizeof(frame), NULL, 3);
	n = sendto(sk, frame, sizeof(frame), 0, (struct sockaddr *)&sll,
		   sizeof(sll));
	ASSERT_EQ((ssize_t)sizeof(frame), n)
		TH_LOG("sendto: %s", n < 0 ? strerror(errno) : "short");

	n = wait_frame(self->fd, frame, sizeof(frame), NULL, &skipped);
	EXPECT_EQ((ssize_t)sizeof(frame), n)
		TH_LOG("frame not read from %s (%d others)",
		       self->ifname, skipped);
	close(sk);
}

/* Closing the only fd of a non-persistent device removes it. */
TEST_F(chardev, close_removes)
{
	struct timespec start;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	ASSERT_NE(0U, if_nametoindex(self->ifname));
	ASSERT_EQ(0, netdev_set_up(self->ifname, 1));

	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (if_nametoindex(self->ifname) &&
	       ms_since(&start) < CHARDEV_WAIT_MS)
		usleep(10000);
	EXPECT_EQ(0U, if_nametoindex(self->ifname))
		TH_LOG("%s still exists after close", self->ifname);
}

int main(int argc, char **argv)
{
	/* Skip the whole program, not each test, without the device. */
	if (chardev_missing()) {
		ksft_print_header();
		ksft_exit_skip("%s: %s\n", chardev_path(), strerror(errno));
	}
	return test_harness_run(argc, argv);
}
