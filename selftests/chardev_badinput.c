// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input to the char device, which must be refused exactly as Linux's
 * tun refuses it, never with a crash, a leak or a half-created device:
 *
 * - every ioctl on a file without a device, on a detached queue and on a
 *   file whose device was deleted; read, write and poll in the same states
 *   and on a detached queue whose device was deleted;
 * - writes of 0..13 bytes, truncated tun_pi or virtio_net_hdr, an IP
 *   version nibble that is neither 4 nor 6, more than the maximum;
 * - reads into a buffer too small (truncated; TUN_PKT_STRIP with tun_pi);
 * - invalid interface names, names of foreign devices, TUNSETIFINDEX,
 *   the 257th queue, bad ioctl arguments (TUNSETOFFLOAD, TUNSETVNETHDRSZ,
 *   TUNSETSNDBUF, ...).
 *
 * Tables, one harness test per row. VPAIR_DEV selects the device (default
 * /dev/net/vpair); /dev/net/tun runs the same tables against tun. The tests
 * share one network namespace of their own (one per test costs too much
 * time under emulation): each leaves nothing behind, as every device it
 * makes goes with its last file when the test process exits.
 */

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <sys/resource.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/virtio_net.h>

/* The harness has an unused handler parameter; keep -Wextra for our code. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
/*
 * The harness's per-test wrapper forks after setjmp(); depending on how gcc
 * inlines the tests it warns about its own local, not about our code.
 */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "chardev_util.h"

#ifndef SIOCGSKNS
#define SIOCGSKNS	0x894C
#endif
/* Not a tun ioctl. */
#define TUN_UNKNOWN_IOCTL	_IOW('T', 250, int)

#define MQ_FLAGS	(IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE)
#define MAX_QUEUES	256
#define WAIT_MS		2000

/* Expected results besides 0 and a positive errno. */
#define RET_FD		-1	/* a new file descriptor */
#define RET_0_EINVAL	-2	/* 0 or EINVAL: TUNSETVNETBE needs a config */

/* Does @ret (with errno) match @want? */
static int result_ok(int ret, int err, int want)
{
	switch (want) {
	case RET_FD:
		return ret >= 0;
	case RET_0_EINVAL:
		return ret == 0 || (ret == -1 && err == EINVAL);
	case 0:
		return ret == 0;
	default:
		return ret == -1 && err == want;
	}
}

static const char *want_str(int want)
{
	static char buf[32];

	switch (want) {
	case RET_FD:
		return "a new fd";
	case RET_0_EINVAL:
		return "0 or EINVAL";
	case 0:
		return "0";
	default:
		snprintf(buf, sizeof(buf), "%s", strerror(want));
		return buf;
	}
}

/* ====================================================================== */
/* Every ioctl in every state                                             */
/* ====================================================================== */

enum arg_kind {
	ARG_VAL,	/* the value itself */
	ARG_INT,	/* pointer to an int holding the value */
	ARG_OUT,	/* pointer to a buffer the kernel fills */
	ARG_IFREQ,	/* struct ifreq: device name, ifr_flags = value */
	ARG_HWADDR,	/* struct ifreq with a unicast Ethernet address */
	ARG_TXFILTER,	/* struct tun_filter without addresses */
	ARG_FPROG,	/* struct sock_fprog accepting everything */
};

/* Call @cmd on @fd with an argument of @kind; returns ioctl()'s result. */
static int call_ioctl(int fd, unsigned long cmd, enum arg_kind kind, long val,
		      const char *name)
{
	static struct sock_filter accept_all[] = {
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
	};
	struct sock_fprog fprog = { .len = 1, .filter = accept_all };
	static const unsigned char mac[ETH_ALEN] = {
		0x02, 0x00, 0x5e, 0x10, 0x00, 0x02
	};
	struct tun_filter txf = { .flags = 0, .count = 0 };
	unsigned char out[256];
	struct ifreq ifr;
	int v = (int)val;

	switch (kind) {
	case ARG_VAL:
		return ioctl(fd, cmd, (unsigned long)val);
	case ARG_INT:
		return ioctl(fd, cmd, &v);
	case ARG_OUT:
		memset(out, 0, sizeof(out));
		return ioctl(fd, cmd, out);
	case ARG_IFREQ:
		ifr_prepare(&ifr, (int)val, name);
		return ioctl(fd, cmd, &ifr);
	case ARG_HWADDR:
		ifr_prepare(&ifr, 0, name);
		ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
		memcpy(ifr.ifr_hwaddr.sa_data, mac, ETH_ALEN);
		return ioctl(fd, cmd, &ifr);
	case ARG_TXFILTER:
		return ioctl(fd, cmd, &txf);
	case ARG_FPROG:
		return ioctl(fd, cmd, &fprog);
	}
	errno = EINVAL;
	return -1;
}

FIXTURE(ioctls) {
	char name[IFNAMSIZ];
	unsigned int ifindex;
	int fd[2];
};

/*
 * A row: the ioctl, its argument, what tun returns on a detached queue of
 * a multiqueue tap (another queue attached, device down) and on a file
 * without a device (never attached, or its device deleted).
 */
FIXTURE_VARIANT(ioctls) {
	const char *what;
	unsigned long cmd;
	enum arg_kind kind;
	long val;
	int on_detached;
	int on_nodev;
};

/* What the filter ioctls return on a detached queue (32-bit: unknown). */
#define FILTER_DETACHED		(FILTER_IOCTLS_UNKNOWN ? EINVAL : 0)

#define IOCTL_ROW(_id, _cmd, _kind, _val, _detached, _nodev)		\
	FIXTURE_VARIANT_ADD(ioctls, _id) {				\
		.what = #_cmd, .cmd = _cmd, .kind = _kind, .val = _val,	\
		.on_detached = _detached, .on_nodev = _nodev,		\
	}

IOCTL_ROW(setnocsum, TUNSETNOCSUM, ARG_VAL, 0, 0, EBADFD);
IOCTL_ROW(setdebug, TUNSETDEBUG, ARG_VAL, 0, 0, EBADFD);
IOCTL_ROW(setiff, TUNSETIFF, ARG_IFREQ, MQ_FLAGS, EEXIST, 0);
IOCTL_ROW(setpersist, TUNSETPERSIST, ARG_VAL, 0, 0, EBADFD);
IOCTL_ROW(setowner, TUNSETOWNER, ARG_VAL, 0, 0, EBADFD);
IOCTL_ROW(setlink, TUNSETLINK, ARG_VAL, ARPHRD_ETHER, 0, EBADFD);
IOCTL_ROW(setgroup, TUNSETGROUP, ARG_VAL, 0, 0, EBADFD);
IOCTL_ROW(getfeatures, TUNGETFEATURES, ARG_OUT, 0, 0, 0);
IOCTL_ROW(setoffload, TUNSETOFFLOAD, ARG_VAL, TUN_F_CSUM, 0, EBADFD);
IOCTL_ROW(settxfilter, TUNSETTXFILTER, ARG_TXFILTER, 0, 0, EBADFD);
IOCTL_ROW(getiff, TUNGETIFF, ARG_IFREQ, 0, 0, EBADFD);
IOCTL_ROW(getsndbuf, TUNGETSNDBUF, ARG_OUT, 0, 0, EBADFD);
IOCTL_ROW(setsndbuf, TUNSETSNDBUF, ARG_INT, 1 << 20, 0, EBADFD);
IOCTL_ROW(attachfilter, TUNATTACHFILTER, ARG_FPROG, 0, FILTER_DETACHED, EBADFD);
IOCTL_ROW(detachfilter, TUNDETACHFILTER, ARG_FPROG, 0, FILTER_DETACHED, EBADFD);
IOCTL_ROW(getvnethdrsz, TUNGETVNETHDRSZ, ARG_OUT, 0, 0, EBADFD);
IOCTL_ROW(setvnethdrsz, TUNSETVNETHDRSZ, ARG_INT, 12, 0, EBADFD);
IOCTL_ROW(setqueue_attach, TUNSETQUEUE, ARG_IFREQ, IFF_ATTACH_QUEUE, 0, EINVAL);
IOCTL_ROW(setqueue_detach, TUNSETQUEUE, ARG_IFREQ, IFF_DETACH_QUEUE, EINVAL,
	  EINVAL);
IOCTL_ROW(setqueue_noflag, TUNSETQUEUE, ARG_IFREQ, 0, EINVAL, EINVAL);
IOCTL_ROW(setifindex, TUNSETIFINDEX, ARG_INT, 4242, EPERM, 0);
IOCTL_ROW(getfilter, TUNGETFILTER, ARG_OUT, 0, FILTER_DETACHED, EBADFD);
IOCTL_ROW(setvnetle, TUNSETVNETLE, ARG_INT, 1, 0, EBADFD);
IOCTL_ROW(getvnetle, TUNGETVNETLE, ARG_OUT, 0, 0, EBADFD);
IOCTL_ROW(setvnetbe, TUNSETVNETBE, ARG_INT, 0, RET_0_EINVAL, EBADFD);
IOCTL_ROW(getvnetbe, TUNGETVNETBE, ARG_OUT, 0, RET_0_EINVAL, EBADFD);
IOCTL_ROW(setsteeringebpf, TUNSETSTEERINGEBPF, ARG_INT, -1, 0, EBADFD);
IOCTL_ROW(setfilterebpf, TUNSETFILTEREBPF, ARG_INT, -1, 0, EBADFD);
IOCTL_ROW(setcarrier, TUNSETCARRIER, ARG_INT, 1, 0, EBADFD);
IOCTL_ROW(getdevnetns, TUNGETDEVNETNS, ARG_VAL, 0, RET_FD, EBADFD);
IOCTL_ROW(siocgifhwaddr, SIOCGIFHWADDR, ARG_IFREQ, 0, 0, EBADFD);
IOCTL_ROW(siocsifhwaddr, SIOCSIFHWADDR, ARG_HWADDR, 0, 0, EBADFD);
IOCTL_ROW(siocgskns, SIOCGSKNS, ARG_VAL, 0, RET_FD, RET_FD);
IOCTL_ROW(unknown, TUN_UNKNOWN_IOCTL, ARG_INT, 0, EINVAL, EBADFD);

FIXTURE_SETUP(ioctls)
{
	self->fd[1] = -1;
	memset(self->name, 0, sizeof(self->name));
	self->fd[0] = open_chardev(0);
	ASSERT_LE(0, self->fd[0]) TH_LOG("open(%s): %s", chardev_path(),
					 strerror(errno));
}

FIXTURE_TEARDOWN(ioctls)
{
	if (self->fd[0] >= 0)
		close(self->fd[0]);
	if (self->fd[1] >= 0)
		close(self->fd[1]);
}

/* fd[0] and fd[1] on one multiqueue tap; fd[0] detached if @detach. */
static int mq_state(FIXTURE_DATA(ioctls) *self, int detach)
{
	struct ifreq ifr;

	if (tun_create(self->fd[0], MQ_FLAGS, self->name))
		return -1;
	self->ifindex = if_nametoindex(self->name);
	self->fd[1] = open_chardev(0);
	if (self->fd[1] < 0 ||
	    tun_setiff(self->fd[1], MQ_FLAGS, self->name, &ifr))
		return -2;
	if (detach &&
	    tun_setqueue(self->fd[0], self->name, IFF_DETACH_QUEUE))
		return -3;
	return 0;
}

/*
 * ... and then the device deleted. (The deletion of a device with a
 * detached queue is covered by the read/write/poll table below.)
 */
static int deleted_state(FIXTURE_DATA(ioctls) *self)
{
	int ret = mq_state(self, 0);

	if (ret)
		return ret;
	ret = rtnl_dellink((int)self->ifindex);
	if (ret) {
		errno = -ret;
		return -4;
	}
	return ifindex_gone(self->ifindex, WAIT_MS) ? 0 : -5;
}

static void check_row(struct __test_metadata *_metadata, int fd,
		      const FIXTURE_VARIANT(ioctls) *variant,
		      const char *name, int want)
{
	int ret, err;

	errno = 0;
	ret = call_ioctl(fd, variant->cmd, variant->kind, variant->val, name);
	err = errno;
	if (ret > 0 && want == RET_FD)
		close(ret);
	EXPECT_TRUE(result_ok(ret, err, want))
		TH_LOG("%s: returned %d (%s), tun gives %s", variant->what,
		       ret, ret < 0 ? strerror(err) : "success",
		       want_str(want));
}

TEST_F(ioctls, unattached)
{
	check_row(_metadata, self->fd[0], variant, "", variant->on_nodev);
}

TEST_F(ioctls, detached)
{
	ASSERT_EQ(0, mq_state(self, 1))
		TH_LOG("multiqueue setup: %s", strerror(errno));
	check_row(_metadata, self->fd[0], variant, self->name,
		  variant->on_detached);
}

TEST_F(ioctls, deleted)
{
	ASSERT_EQ(0, deleted_state(self))
		TH_LOG("multiqueue setup and deletion: %s", strerror(errno));
	check_row(_metadata, self->fd[0], variant, self->name,
		  variant->on_nodev);
}

/* ====================================================================== */
/* read, write and poll in the same states                                */
/* ====================================================================== */

FIXTURE(states) {
	char name[IFNAMSIZ];
	unsigned int ifindex;
	int fd[2];
};

FIXTURE_VARIANT(states) {
	int attach;	/* create the multiqueue tap */
	int detach;	/* detach fd[0] */
	int del;	/* delete the device */
	int read_err;	/* non-blocking read of fd[0] */
	int write_err;	/* 0: the write succeeds */
	short revents;	/* poll(POLLIN | POLLOUT) */
};

FIXTURE_VARIANT_ADD(states, unattached) {
	.read_err = EBADFD, .write_err = EBADFD, .revents = POLLERR,
};

/* A detached queue keeps its device: writes still reach the stack. */
FIXTURE_VARIANT_ADD(states, detached) {
	.attach = 1, .detach = 1,
	.read_err = EAGAIN, .write_err = 0, .revents = POLLOUT,
};

FIXTURE_VARIANT_ADD(states, deleted) {
	.attach = 1, .del = 1,
	.read_err = EBADFD, .write_err = EBADFD, .revents = POLLERR,
};

FIXTURE_VARIANT_ADD(states, detached_deleted) {
	.attach = 1, .detach = 1, .del = 1,
	.read_err = EBADFD, .write_err = EBADFD, .revents = POLLERR,
};

FIXTURE_SETUP(states)
{
	struct ifreq ifr;

	self->fd[1] = -1;
	self->fd[0] = open_chardev(O_NONBLOCK);
	ASSERT_LE(0, self->fd[0]) TH_LOG("open: %s", strerror(errno));
	if (!variant->attach)
		return;

	ASSERT_EQ(0, tun_create(self->fd[0], MQ_FLAGS, self->name))
		TH_LOG("TUNSETIFF: %s", strerror(errno));
	self->ifindex = if_nametoindex(self->name);
	self->fd[1] = open_chardev(O_NONBLOCK);
	ASSERT_LE(0, self->fd[1]);
	ASSERT_EQ(0, tun_setiff(self->fd[1], MQ_FLAGS, self->name, &ifr))
		TH_LOG("second queue: %s", strerror(errno));
	ASSERT_EQ(0, netdev_set_up(self->name, 1));
	if (variant->detach)
		ASSERT_EQ(0, tun_setqueue(self->fd[0], self->name,
					  IFF_DETACH_QUEUE))
			TH_LOG("TUNSETQUEUE: %s", strerror(errno));
	if (variant->del) {
		ASSERT_EQ(0, rtnl_dellink((int)self->ifindex));
		ASSERT_TRUE(ifindex_gone(self->ifindex, WAIT_MS));
	}
}

FIXTURE_TEARDOWN(states)
{
	if (self->fd[0] >= 0)
		close(self->fd[0]);
	if (self->fd[1] >= 0)
		close(self->fd[1]);
}

TEST_F(states, read)
{
	unsigned char buf[2048];

	EXPECT_EQ(-1, read(self->fd[0], buf, sizeof(buf)));
	EXPECT_EQ(variant->read_err, errno) TH_LOG("read: %s", strerror(errno));
}

TEST_F(states, write)
{
	unsigned char frame[60];
	ssize_t n;

	build_test_frame(frame, sizeof(frame), NULL, 0);
	n = write(self->fd[0], frame, sizeof(frame));
	if (variant->write_err) {
		EXPECT_EQ(-1, n);
		EXPECT_EQ(variant->write_err, errno)
			TH_LOG("write: %s", strerror(errno));
	} else {
		EXPECT_EQ((ssize_t)sizeof(frame), n)
			TH_LOG("write: %s", n < 0 ? strerror(errno) : "short");
	}
}

TEST_F(states, poll)
{
	struct pollfd pfd = { .fd = self->fd[0], .events = POLLIN | POLLOUT };

	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(variant->revents, pfd.revents)
		TH_LOG("revents 0x%x", pfd.revents);
}

/* ====================================================================== */
/* Writes and reads of bad sizes                                          */
/* ====================================================================== */

FIXTURE(io) {
	char name[IFNAMSIZ];
	int fd;
	int hdr;	/* tun_pi + virtio_net_hdr bytes before the packet */
};

FIXTURE_VARIANT(io) {
	int flags;
};

FIXTURE_VARIANT_ADD(io, tap) { .flags = IFF_TAP | IFF_NO_PI };
FIXTURE_VARIANT_ADD(io, tap_pi) { .flags = IFF_TAP };
FIXTURE_VARIANT_ADD(io, tap_vnet) { .flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
FIXTURE_VARIANT_ADD(io, tun) { .flags = IFF_TUN | IFF_NO_PI };
FIXTURE_VARIANT_ADD(io, tun_pi) { .flags = IFF_TUN };
FIXTURE_VARIANT_ADD(io, tun_pi_vnet) { .flags = IFF_TUN | IFF_VNET_HDR };

static int is_tap(const FIXTURE_VARIANT(io) *variant)
{
	return variant->flags & IFF_TAP;
}

static int has_pi(const FIXTURE_VARIANT(io) *variant)
{
	return !(variant->flags & IFF_NO_PI);
}

static int has_vnet(const FIXTURE_VARIANT(io) *variant)
{
	return variant->flags & IFF_VNET_HDR;
}

FIXTURE_SETUP(io)
{
	self->fd = -1;
	self->fd = open_chardev(O_NONBLOCK);
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, tun_create(self->fd, variant->flags, self->name))
		TH_LOG("TUNSETIFF(0x%x): %s", variant->flags, strerror(errno));
	ASSERT_EQ(0, netdev_set_up(self->name, 1));
	self->hdr = (has_pi(variant) ? (int)sizeof(struct tun_pi) : 0) +
		    (has_vnet(variant) ? (int)sizeof(struct virtio_net_hdr) : 0);
}

FIXTURE_TEARDOWN(io)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Fill @buf with [tun_pi][virtio_net_hdr] and @len - hdr bytes of packet:
 * an Ethernet frame for a tap, an IPv4 header start (or @first) for a tun.
 */
static void build_packet(const FIXTURE_VARIANT(io) *variant,
			 unsigned char *buf, size_t len, int first)
{
	unsigned char *p = buf;
	size_t i, hdr = 0;

	memset(buf, 0, len);
	if (has_pi(variant)) {
		struct tun_pi pi = {
			.flags = 0,
			.proto = htons(is_tap(variant) ? TEST_ETH_P : ETH_P_IP),
		};

		memcpy(p, &pi, sizeof(pi) < len ? sizeof(pi) : len);
		hdr += sizeof(pi);
	}
	if (has_vnet(variant))
		hdr += sizeof(struct virtio_net_hdr);	/* all zero */
	if (len <= hdr)
		return;
	p = buf + hdr;
	len -= hdr;
	if (is_tap(variant)) {
		unsigned char frame[ETH_HLEN];

		build_test_frame(frame, ETH_HLEN, NULL, 0);
		memcpy(p, frame, len < ETH_HLEN ? len : ETH_HLEN);
		for (i = ETH_HLEN; i < len; i++)
			p[i] = (unsigned char)i;
	} else {
		p[0] = first >= 0 ? (unsigned char)first : 0x45;
		for (i = 1; i < len; i++)
			p[i] = (unsigned char)i;
	}
}

/* The shortest write tun accepts for this kind of device. */
static size_t min_write(const FIXTURE_VARIANT(io) *variant, int hdr)
{
	if (is_tap(variant))
		return hdr + ETH_HLEN;
	/* A tun without tun_pi needs the version nibble: one byte. */
	return hdr + (has_pi(variant) ? 0 : 1);
}

/*
 * Write @len bytes of @buf; 1 if the answer is tun's: EINVAL below @min
 * bytes, else the whole length. The result in @n, errno kept.
 */
static int write_as_tun(int fd, const unsigned char *buf, size_t len,
			size_t min, ssize_t *n)
{
	errno = 0;
	*n = write(fd, buf, len);
	return len < min ? (*n == -1 && errno == EINVAL) : *n == (ssize_t)len;
}

TEST_F(io, short_writes)
{
	size_t len, min = min_write(variant, self->hdr);
	unsigned char buf[64];
	int bad = 0;

	for (len = 0; len <= 13 || len <= min + 1; len++) {
		ssize_t n;

		build_packet(variant, buf, len, -1);
		if (write_as_tun(self->fd, buf, len, min, &n))
			continue;
		bad++;
		TH_LOG("write of %zu bytes: %zd (%s), tun gives %s", len, n,
		       n < 0 ? strerror(errno) : "success",
		       len < min ? "EINVAL" : "the length");
	}
	EXPECT_EQ(0, bad);
}

/* A tun without tun_pi tells IPv4 from IPv6 by the version nibble. */
TEST_F(io, version_nibble)
{
	unsigned char buf[64];
	size_t len = self->hdr + 20;
	int v, bad = 0;

	if (is_tap(variant))
		SKIP(return, "no version nibble on a tap");
	for (v = 0; v < 16; v++) {
		int ok = has_pi(variant) || v == 4 || v == 6;
		ssize_t n;

		build_packet(variant, buf, len, v << 4 | 5);
		errno = 0;
		n = write(self->fd, buf, len);
		if (ok ? n == (ssize_t)len : (n == -1 && errno == EINVAL))
			continue;
		bad++;
		TH_LOG("version %d: %zd (%s), tun gives %s", v, n,
		       n < 0 ? strerror(errno) : "success",
		       ok ? "the length" : "EINVAL");
	}
	EXPECT_EQ(0, bad);
}

/*
 * The largest frame is accepted. Beyond, tun's limit depends on the
 * kernel: 6.1 refuses more than MAX_SKB_FRAGS pages of paged data with
 * EMSGSIZE, later kernels grow the linear part and take 1 MiB whole.
 * Either answer is tun's; a short write or another errno is not.
 */
TEST_F(io, oversize_write)
{
	size_t big = 1 << 20, max = self->hdr + 65535;
	unsigned char *buf = malloc(big);
	ssize_t n;

	ASSERT_TRUE(buf != NULL);
	build_packet(variant, buf, max, -1);
	n = write(self->fd, buf, max);
	EXPECT_EQ((ssize_t)max, n)
		TH_LOG("write of %zu bytes: %s", max,
		       n < 0 ? strerror(errno) : "short");
	build_packet(variant, buf, big, -1);
	errno = 0;
	n = write(self->fd, buf, big);
	EXPECT_TRUE(n == (ssize_t)big || (n == -1 && errno == EMSGSIZE))
		TH_LOG("write of %zu bytes: %zd (%s)", big, n,
		       n < 0 ? strerror(errno) : "success");
	free(buf);
}

/* A virtio_net_hdr whose hdr_len exceeds the packet. */
TEST_F(io, vnet_hdr_len_too_long)
{
	struct virtio_net_hdr vh = { 0 };
	unsigned char buf[128];
	size_t len = self->hdr + 60;
	ssize_t n;

	if (!has_vnet(variant))
		SKIP(return, "no virtio_net_hdr");
	build_packet(variant, buf, len, -1);
	vh.hdr_len = 61;
	memcpy(buf + self->hdr - sizeof(vh), &vh, sizeof(vh));
	n = write(self->fd, buf, len);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EINVAL, errno) TH_LOG("write: %s",
					n < 0 ? strerror(errno) : "success");
}

/* With a larger header size, the shorter header is truncated. */
TEST_F(io, vnet_hdr_size_12)
{
	int sz = 12, bad = 0;
	unsigned char buf[128];
	size_t len, min;

	if (!has_vnet(variant))
		SKIP(return, "no virtio_net_hdr");
	ASSERT_EQ(0, ioctl(self->fd, TUNSETVNETHDRSZ, &sz))
		TH_LOG("TUNSETVNETHDRSZ: %s", strerror(errno));
	self->hdr += 2;
	min = min_write(variant, self->hdr);
	for (len = self->hdr - 3; len <= min + 1; len++) {
		ssize_t n;

		build_packet(variant, buf, len, -1);
		/* build_packet put the packet after 10 bytes of header */
		memmove(buf + self->hdr, buf + self->hdr - 2,
			len > (size_t)self->hdr ? len - self->hdr : 0);
		if (len > (size_t)self->hdr - 2 && !is_tap(variant))
			buf[self->hdr] = 0x45;
		if (write_as_tun(self->fd, buf, len, min, &n))
			continue;
		bad++;
		TH_LOG("write of %zu bytes: %zd (%s)", len, n,
		       n < 0 ? strerror(errno) : "success");
	}
	EXPECT_EQ(0, bad);
}

/* Send a 100-byte packet out of the device through a packet socket. */
static int inject(const FIXTURE_VARIANT(io) *variant, const char *name)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	unsigned char pkt[100];
	int sk, type, ret;

	type = is_tap(variant) ? SOCK_RAW : SOCK_DGRAM;
	sk = socket(AF_PACKET, type | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return -1;
	sll.sll_ifindex = (int)if_nametoindex(name);
	sll.sll_protocol = htons(is_tap(variant) ? TEST_ETH_P : ETH_P_IP);
	sll.sll_halen = is_tap(variant) ? ETH_ALEN : 0;
	memset(sll.sll_addr, 0xff, ETH_ALEN);
	if (is_tap(variant)) {
		build_test_frame(pkt, sizeof(pkt), NULL, 0);
	} else {
		memset(pkt, 0, sizeof(pkt));
		pkt[0] = 0x45;
	}
	ret = sendto(sk, pkt, sizeof(pkt), 0, (struct sockaddr *)&sll,
		     sizeof(sll)) == sizeof(pkt) ? 0 : -1;
	close(sk);
	return ret;
}

static int wait_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, WAIT_MS) == 1 && (pfd.revents & POLLIN);
}

/* Inject a packet and read it with a buffer of @len bytes. */
static ssize_t inject_read(struct __test_metadata *_metadata,
			   FIXTURE_DATA(io) *self,
			   const FIXTURE_VARIANT(io) *variant,
			   unsigned char *buf, size_t len)
{
	if (inject(variant, self->name)) {
		TH_LOG("sending through %s: %s", self->name, strerror(errno));
		return -2;
	}
	if (!wait_readable(self->fd)) {
		TH_LOG("nothing to read from %s", self->name);
		return -2;
	}
	return read(self->fd, buf, len);
}

TEST_F(io, read_truncated)
{
	size_t full = self->hdr + 100, small = self->hdr + 20;
	unsigned char buf[256];
	struct tun_pi pi;
	ssize_t n;

	/* A buffer too small for the packet: the packet is cut. */
	n = inject_read(_metadata, self, variant, buf, small);
	ASSERT_EQ((ssize_t)small, n) TH_LOG("read: %s",
					    n < 0 ? strerror(errno) : "size");
	if (has_pi(variant)) {
		memcpy(&pi, buf, sizeof(pi));
		EXPECT_EQ(TUN_PKT_STRIP, pi.flags);
		EXPECT_EQ(htons(is_tap(variant) ? TEST_ETH_P : ETH_P_IP),
			  pi.proto);
	}
	/* ... and its rest is gone. */
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);

	/* A buffer large enough: whole packet, no TUN_PKT_STRIP. */
	n = inject_read(_metadata, self, variant, buf, sizeof(buf));
	ASSERT_EQ((ssize_t)full, n);
	if (has_pi(variant)) {
		memcpy(&pi, buf, sizeof(pi));
		EXPECT_EQ(0, pi.flags);
	}
}

/* Smaller than the headers: EINVAL, the packet dropped. */
TEST_F(io, read_smaller_than_header)
{
	unsigned char buf[256];
	ssize_t n;

	if (!self->hdr)
		SKIP(return, "no header");
	n = inject_read(_metadata, self, variant, buf, self->hdr - 1);
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EINVAL, errno) TH_LOG("read: %s",
					n < 0 ? strerror(errno) : "success");
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
}

/* A zero-length read returns 0 and leaves the packet queued. */
TEST_F(io, read_zero)
{
	unsigned char buf[256];
	ssize_t n;

	n = inject_read(_metadata, self, variant, buf, 0);
	EXPECT_EQ(0, n) TH_LOG("read: %s", n < 0 ? strerror(errno) : "size");
	n = read(self->fd, buf, sizeof(buf));
	EXPECT_EQ((ssize_t)(self->hdr + 100), n)
		TH_LOG("read: %s", n < 0 ? strerror(errno) : "size");
}

/* ====================================================================== */
/* Interface names                                                        */
/* ====================================================================== */

FIXTURE(names) {
	int fd;
};

FIXTURE_VARIANT(names) {
	const char *name;	/* up to 16 bytes, copied without NUL */
	int err;		/* 0: created */
	const char *result;	/* the name it gets; NULL: the template */
};

FIXTURE_VARIANT_ADD(names, empty) { .name = "", .err = 0 };
FIXTURE_VARIANT_ADD(names, dot) { .name = ".", .err = EINVAL };
FIXTURE_VARIANT_ADD(names, dotdot) { .name = "..", .err = EINVAL };
FIXTURE_VARIANT_ADD(names, slash) { .name = "a/b", .err = EINVAL };
FIXTURE_VARIANT_ADD(names, space) { .name = "a b", .err = EINVAL };
FIXTURE_VARIANT_ADD(names, colon) { .name = "a:b", .err = EINVAL };
FIXTURE_VARIANT_ADD(names, two_templates) { .name = "a%d%d", .err = EINVAL };
FIXTURE_VARIANT_ADD(names, percent_s) { .name = "a%s", .err = EINVAL };
FIXTURE_VARIANT_ADD(names, template) {
	.name = "vpt%d", .err = 0, .result = "vpt0",
};
FIXTURE_VARIANT_ADD(names, len15) {
	.name = "abcdefghijklmno", .err = 0, .result = "abcdefghijklmno",
};
/* No NUL in the 16 bytes: tun keeps the first 15. */
FIXTURE_VARIANT_ADD(names, len16) {
	.name = "abcdefghijklmnop", .err = 0, .result = "abcdefghijklmno",
};

FIXTURE_SETUP(names)
{
	self->fd = -1;
	self->fd = open_chardev(0);
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
}

FIXTURE_TEARDOWN(names)
{
	if (self->fd >= 0)
		close(self->fd);
}

static void check_name(struct __test_metadata *_metadata, int fd,
		       const FIXTURE_VARIANT(names) *variant, int tap)
{
	int before = netdev_count(), ret, err;
	const char *prefix = chardev_prefix(tap);
	struct ifreq ifr, got;

	ret = tun_setiff(fd, (tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI,
			 variant->name, &ifr);
	err = errno;
	if (variant->err) {
		EXPECT_EQ(-1, ret);
		EXPECT_EQ(variant->err, err) TH_LOG("TUNSETIFF(\"%.16s\"): %s",
						    variant->name,
						    ret ? strerror(err) : "created");
		/* Nothing created, the file still unattached. */
		EXPECT_EQ(before, netdev_count());
		memset(&got, 0, sizeof(got));
		EXPECT_EQ(-1, ioctl(fd, TUNGETIFF, &got));
		EXPECT_EQ(EBADFD, errno);
		return;
	}
	ASSERT_EQ(0, ret) TH_LOG("TUNSETIFF(\"%.16s\"): %s", variant->name,
				 strerror(err));
	EXPECT_EQ(before + 1, netdev_count());
	memset(&got, 0, sizeof(got));
	ASSERT_EQ(0, ioctl(fd, TUNGETIFF, &got));
	EXPECT_EQ(0, strncmp(ifr.ifr_name, got.ifr_name, IFNAMSIZ));
	EXPECT_NE(0U, if_nametoindex(got.ifr_name));
	if (variant->result) {
		EXPECT_STREQ(variant->result, got.ifr_name);
	} else {
		EXPECT_EQ(0, strncmp(got.ifr_name, prefix, strlen(prefix)))
			TH_LOG("%s is not from %s%%d", got.ifr_name, prefix);
	}
}

TEST_F(names, tap)
{
	check_name(_metadata, self->fd, variant, 1);
}

TEST_F(names, tun)
{
	check_name(_metadata, self->fd, variant, 0);
}

/* ====================================================================== */
/* Foreign devices, TUNSETIFINDEX, the 257th queue, bad arguments         */
/* ====================================================================== */

/* A file of the char device, not attached. */
FIXTURE(chardev) {
	int fd;
	int veth;
};

FIXTURE_SETUP(chardev)
{
	self->fd = -1;
	self->veth = 0;
	self->fd = open_chardev(0);
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
}

FIXTURE_TEARDOWN(chardev)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->veth && system("ip link del dev vpt-veth0"))
		TH_LOG("cannot delete vpt-veth0");
}

/* TUNSETIFF of @name with @flags fails with @want and changes nothing. */
static void expect_setiff_fails(struct __test_metadata *_metadata, int fd,
				int flags, const char *name, int want)
{
	int before = netdev_count();
	struct ifreq ifr;

	EXPECT_EQ(-1, tun_setiff(fd, flags, name, &ifr));
	EXPECT_EQ(want, errno) TH_LOG("TUNSETIFF(%s, 0x%x): %s, tun gives %s",
				      name, flags, strerror(errno),
				      strerror(want));
	EXPECT_EQ(before, netdev_count());
	EXPECT_EQ(-1, ioctl(fd, TUNGETIFF, &ifr));
	EXPECT_EQ(EBADFD, errno);
}

TEST_F(chardev, foreign_lo)
{
	expect_setiff_fails(_metadata, self->fd, IFF_TAP | IFF_NO_PI, "lo",
			    EINVAL);
	expect_setiff_fails(_metadata, self->fd, IFF_TUN | IFF_NO_PI, "lo",
			    EINVAL);
	expect_setiff_fails(_metadata, self->fd,
			    IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL, "lo", EBUSY);
}

TEST_F(chardev, foreign_veth)
{
	static const char cmd[] =
		"ip link add name vpt-veth0 type veth peer name vpt-veth1 >/dev/null 2>&1";

	if (system(cmd))
		SKIP(return, "cannot create a veth pair");
	/* Deleted when the test ends, even when it fails. */
	self->veth = 1;
	expect_setiff_fails(_metadata, self->fd, IFF_TAP | IFF_NO_PI,
			    "vpt-veth0", EINVAL);
	expect_setiff_fails(_metadata, self->fd, IFF_TUN | IFF_NO_PI,
			    "vpt-veth1", EINVAL);
	expect_setiff_fails(_metadata, self->fd,
			    IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE,
			    "vpt-veth0", EINVAL);
}

/* A tap of the other char device (tun when testing vpair, and back). */
TEST_F(chardev, foreign_other_chardev)
{
	const char *other = chardev_is_tun() ? CHARDEV_DEFAULT : "/dev/net/tun";
	char name[IFNAMSIZ] = "vpt-other";
	struct ifreq ifr;
	int ofd;

	ofd = open(other, O_RDWR | O_CLOEXEC);
	if (ofd < 0)
		SKIP(return, "%s: %s", other, strerror(errno));
	if (tun_setiff(ofd, IFF_TAP | IFF_NO_PI, name, &ifr)) {
		close(ofd);
		SKIP(return, "TUNSETIFF on %s: %s", other, strerror(errno));
	}
	expect_setiff_fails(_metadata, self->fd, IFF_TAP | IFF_NO_PI, name,
			    EINVAL);
	expect_setiff_fails(_metadata, self->fd, IFF_TUN | IFF_NO_PI, name,
			    EINVAL);
	close(ofd);
}

/* A device of the same driver but the other type or queue mode. */
TEST_F(chardev, own_other_type)
{
	char name[IFNAMSIZ] = "";
	int fd2;

	fd2 = tun_open_attach(name, IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE);
	ASSERT_LE(0, fd2) TH_LOG("TUNSETIFF: %s", strerror(errno));
	expect_setiff_fails(_metadata, self->fd, IFF_TUN | IFF_NO_PI, name,
			    EINVAL);
	expect_setiff_fails(_metadata, self->fd, IFF_TAP | IFF_NO_PI, name,
			    EINVAL);
	expect_setiff_fails(_metadata, self->fd,
			    MQ_FLAGS | IFF_TUN_EXCL, name, EBUSY);
	close(fd2);
}

TEST_F(chardev, setiff_no_type)
{
	expect_setiff_fails(_metadata, self->fd, IFF_NO_PI, "", EINVAL);
	expect_setiff_fails(_metadata, self->fd, IFF_NO_PI, "vpt-x", EINVAL);
}

/* Both types: tun checks IFF_TUN first. */
TEST_F(chardev, setiff_both_types)
{
	struct ifreq ifr;

	ASSERT_EQ(0, tun_setiff(self->fd, IFF_TUN | IFF_TAP | IFF_NO_PI, "",
				&ifr)) TH_LOG("TUNSETIFF: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ASSERT_EQ(0, ioctl(self->fd, TUNGETIFF, &ifr));
	EXPECT_EQ(IFF_TUN, ifr.ifr_flags & (IFF_TUN | IFF_TAP));
}

TEST_F(chardev, setifindex_negative)
{
	int idx = -1;
	struct ifreq ifr;

	EXPECT_EQ(-1, ioctl(self->fd, TUNSETIFINDEX, &idx));
	EXPECT_EQ(EINVAL, errno);
	/* Ignored: the device gets an index of its own. */
	ASSERT_EQ(0, tun_setiff(self->fd, IFF_TAP | IFF_NO_PI, "", &ifr));
	EXPECT_LT(0U, if_nametoindex(ifr.ifr_name));
}

TEST_F(chardev, setifindex)
{
	check_setifindex(_metadata, self->fd, 4242, 4343);
}

/* The index of lo is taken: creation fails, nothing is left behind. */
TEST_F(chardev, setifindex_in_use)
{
	int idx = 1;

	ASSERT_EQ(0, ioctl(self->fd, TUNSETIFINDEX, &idx));
	expect_setiff_fails(_metadata, self->fd, IFF_TAP | IFF_NO_PI, "",
			    EBUSY);
}

/* 256 queues at most; detached queues count. */
TEST_F(chardev, queue_257)
{
	struct rlimit rl = { MAX_QUEUES + 64, MAX_QUEUES + 64 };
	char name[IFNAMSIZ] = "";
	int fds[MAX_QUEUES], i, n = 0;
	struct ifreq ifr;

	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < MAX_QUEUES + 64) {
		rl.rlim_cur = MAX_QUEUES + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	}
	for (i = 0; i < MAX_QUEUES; i++) {
		fds[i] = tun_open_attach(name, MQ_FLAGS);
		if (fds[i] < 0)
			break;
		n++;
	}
	ASSERT_EQ(MAX_QUEUES, n) TH_LOG("queue %d: %s", n, strerror(errno));
	expect_setiff_fails(_metadata, self->fd, MQ_FLAGS, name, E2BIG);

	/* A detached queue still holds its place. */
	ASSERT_EQ(0, tun_setqueue(fds[0], name, IFF_DETACH_QUEUE));
	expect_setiff_fails(_metadata, self->fd, MQ_FLAGS, name, E2BIG);

	/* A closed one does not. */
	close(fds[1]);
	fds[1] = -1;
	EXPECT_EQ(0, tun_setiff(self->fd, MQ_FLAGS, name, &ifr))
		TH_LOG("attach after a close: %s", strerror(errno));
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* ---- bad arguments of ioctls on an attached file ---------------------- */

FIXTURE(args) {
	char name[IFNAMSIZ];
	int fd;
};

/* A row: device type, up or not, the call and tun's answer. */
FIXTURE_VARIANT(args) {
	int flags;
	int up;
	const char *what;
	unsigned long cmd;
	enum arg_kind kind;
	long val;
	int want;
};

#define TAP_F	(IFF_TAP | IFF_NO_PI)
#define TUN_F	(IFF_TUN | IFF_NO_PI)

#define ARGS_ROW(_id, _flags, _up, _cmd, _kind, _val, _want)		\
	FIXTURE_VARIANT_ADD(args, _id) {				\
		.flags = _flags, .up = _up, .what = #_cmd " " #_val,	\
		.cmd = _cmd, .kind = _kind, .val = _val, .want = _want,	\
	}

ARGS_ROW(offload_unknown_bit, TAP_F, 0, TUNSETOFFLOAD, ARG_VAL,
	 0x80000000L, EINVAL);
ARGS_ROW(offload_csum_unknown, TAP_F, 0, TUNSETOFFLOAD, ARG_VAL,
	 TUN_F_CSUM | 0x10000, EINVAL);
ARGS_ROW(offload_tso4_no_csum, TAP_F, 0, TUNSETOFFLOAD, ARG_VAL,
	 TUN_F_TSO4, EINVAL);
ARGS_ROW(offload_ecn_no_tso, TAP_F, 0, TUNSETOFFLOAD, ARG_VAL,
	 TUN_F_CSUM | TUN_F_TSO_ECN, EINVAL);
ARGS_ROW(offload_uso4_alone, TAP_F, 0, TUNSETOFFLOAD, ARG_VAL,
	 TUN_F_CSUM | TUN_F_USO4, EINVAL);
ARGS_ROW(offload_ufo_no_csum, TAP_F, 0, TUNSETOFFLOAD, ARG_VAL,
	 TUN_F_UFO, EINVAL);
ARGS_ROW(offload_none, TAP_F, 0, TUNSETOFFLOAD, ARG_VAL, 0, 0);
ARGS_ROW(offload_csum_ufo, TAP_F, 0, TUNSETOFFLOAD, ARG_VAL,
	 TUN_F_CSUM | TUN_F_UFO, 0);
ARGS_ROW(offload_tso_ecn, TUN_F, 0, TUNSETOFFLOAD, ARG_VAL,
	 TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN, 0);
ARGS_ROW(vnethdrsz_9, TAP_F, 0, TUNSETVNETHDRSZ, ARG_INT, 9, EINVAL);
ARGS_ROW(vnethdrsz_0, TAP_F, 0, TUNSETVNETHDRSZ, ARG_INT, 0, EINVAL);
ARGS_ROW(vnethdrsz_neg, TAP_F, 0, TUNSETVNETHDRSZ, ARG_INT, -1, EINVAL);
ARGS_ROW(vnethdrsz_10, TAP_F, 0, TUNSETVNETHDRSZ, ARG_INT, 10, 0);
ARGS_ROW(sndbuf_0, TAP_F, 0, TUNSETSNDBUF, ARG_INT, 0, EINVAL);
ARGS_ROW(sndbuf_neg, TAP_F, 0, TUNSETSNDBUF, ARG_INT, -1, EINVAL);
ARGS_ROW(owner_invalid, TAP_F, 0, TUNSETOWNER, ARG_VAL, -1, EINVAL);
ARGS_ROW(group_invalid, TAP_F, 0, TUNSETGROUP, ARG_VAL, -1, EINVAL);
ARGS_ROW(setlink_up, TAP_F, 1, TUNSETLINK, ARG_VAL, ARPHRD_ETHER, EBUSY);
ARGS_ROW(txfilter_tun, TUN_F, 0, TUNSETTXFILTER, ARG_TXFILTER, 0, EINVAL);
ARGS_ROW(attachfilter_tun, TUN_F, 0, TUNATTACHFILTER, ARG_FPROG, 0, EINVAL);
ARGS_ROW(detachfilter_tun, TUN_F, 0, TUNDETACHFILTER, ARG_FPROG, 0, EINVAL);
ARGS_ROW(getfilter_tun, TUN_F, 0, TUNGETFILTER, ARG_OUT, 0, EINVAL);
ARGS_ROW(detach_single_queue, TAP_F, 0, TUNSETQUEUE, ARG_IFREQ,
	 IFF_DETACH_QUEUE, EINVAL);
ARGS_ROW(attach_attached, TAP_F, 0, TUNSETQUEUE, ARG_IFREQ,
	 IFF_ATTACH_QUEUE, EINVAL);
ARGS_ROW(unknown_ioctl, TAP_F, 0, TUN_UNKNOWN_IOCTL, ARG_INT, 0, EINVAL);
ARGS_ROW(setiff_again, TAP_F, 0, TUNSETIFF, ARG_IFREQ, TAP_F, EEXIST);

FIXTURE_SETUP(args)
{
	self->fd = -1;
	self->fd = open_chardev(0);
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, tun_create(self->fd, variant->flags, self->name))
		TH_LOG("TUNSETIFF: %s", strerror(errno));
	if (variant->up)
		ASSERT_EQ(0, netdev_set_up(self->name, 1));
}

FIXTURE_TEARDOWN(args)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(args, call)
{
	int ret, err;

	errno = 0;
	ret = call_ioctl(self->fd, variant->cmd, variant->kind, variant->val,
			 self->name);
	err = errno;
	EXPECT_TRUE(result_ok(ret, err, variant->want))
		TH_LOG("%s: returned %d (%s), tun gives %s", variant->what,
		       ret, ret < 0 ? strerror(err) : "success",
		       want_str(variant->want));
}

/* SIOCSIFHWADDR on a tap: the address must be a valid unicast one. */
TEST_F(chardev, hwaddr)
{
	struct ifreq ifr;
	char name[IFNAMSIZ];

	ASSERT_EQ(0, tun_create(self->fd, IFF_TAP | IFF_NO_PI, name));

	ifr_prepare(&ifr, 0, name);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, "\x01\x00\x5e\x00\x00\x01", ETH_ALEN);
	EXPECT_EQ(-1, ioctl(self->fd, SIOCSIFHWADDR, &ifr));
	EXPECT_EQ(EADDRNOTAVAIL, errno) TH_LOG("%s", strerror(errno));

	memset(ifr.ifr_hwaddr.sa_data, 0, ETH_ALEN);
	EXPECT_EQ(-1, ioctl(self->fd, SIOCSIFHWADDR, &ifr));
	EXPECT_EQ(EADDRNOTAVAIL, errno) TH_LOG("%s", strerror(errno));

	ifr.ifr_hwaddr.sa_family = ARPHRD_NONE;
	memcpy(ifr.ifr_hwaddr.sa_data, "\x02\x00\x5e\x00\x00\x01", ETH_ALEN);
	EXPECT_EQ(-1, ioctl(self->fd, SIOCSIFHWADDR, &ifr));
	EXPECT_EQ(EINVAL, errno) TH_LOG("%s", strerror(errno));

	/* A valid one is taken and read back. */
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	ASSERT_EQ(0, ioctl(self->fd, SIOCSIFHWADDR, &ifr))
		TH_LOG("%s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ASSERT_EQ(0, ioctl(self->fd, SIOCGIFHWADDR, &ifr));
	EXPECT_EQ(ARPHRD_ETHER, ifr.ifr_hwaddr.sa_family);
	EXPECT_EQ(0, memcmp(ifr.ifr_hwaddr.sa_data,
			    "\x02\x00\x5e\x00\x00\x01", ETH_ALEN));
}

int main(int argc, char **argv)
{
	if (chardev_missing()) {
		ksft_print_header();
		ksft_exit_skip("%s: %s\n", chardev_path(), strerror(errno));
	}
	if (unshare(CLONE_NEWNET)) {
		ksft_print_header();
		ksft_exit_skip("unshare(CLONE_NEWNET): %s\n", strerror(errno));
	}
	quiet_ipv6();
	return test_harness_run(argc, argv);
}
