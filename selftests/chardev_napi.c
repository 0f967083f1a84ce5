// SPDX-License-Identifier: GPL-2.0
/*
 * IFF_NAPI and IFF_NAPI_FRAGS, with tun's rules: a queue's written packets
 * go through a NAPI instance of its own and GRO (consecutive TCP segments
 * reach a packet socket merged), the interface's NAPI can be threaded;
 * IFF_NAPI_FRAGS (TAP and CAP_NET_ADMIN only) builds a write from its
 * iovecs, one page fragment each after the first; a queue detached by
 * TUNSETQUEUE refuses writes with EBUSY until it is attached again.
 */
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <netinet/tcp.h>
#include <linux/virtio_net.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
/* The harness's setjmp in each test wrapper; our bodies keep no state. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "chardev_util.h"
#include "chardev_pkt.h"
#include "chardev_cred.h"

#define OTHER_ID	4444
#define SEG_PAYLOAD	100
#define SEGS		8
#define GRO_ROUNDS	20
/* Held segments wait this long for more (ns): far beyond one write. */
#define GRO_FLUSH_NS	"20000000"

static const unsigned char peer_mac[ETH_ALEN] = {
	0x02, 0x00, 0x5e, 0x10, 0x00, 0x02
};

/*
 * sysfs shows the network namespace of whoever mounts it: a private
 * mount of it, in a mount namespace of our own, at @dir.
 */
static int private_sysfs(char *dir)
{
	if (unshare(CLONE_NEWNS) ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	strcpy(dir, "/tmp/vpair-sys.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return mount("sysfs", dir, "sysfs", 0, NULL);
}

/* Write @val to class/net/@ifname/@attr under @sys: 0 or -errno. */
static int sysfs_write(const char *sys, const char *ifname, const char *attr,
		       const char *val)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/class/net/%s/%s", sys, ifname, attr);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

/* TCP checksum of @tcp (@len bytes with payload) inside @ip. */
static unsigned short tcp_csum(const struct iphdr *ip, const void *tcp,
			       size_t len)
{
	unsigned char buf[12 + 2048];
	unsigned short tlen = htons((unsigned short)len);

	memcpy(buf, &ip->saddr, 4);
	memcpy(buf + 4, &ip->daddr, 4);
	buf[8] = 0;
	buf[9] = IPPROTO_TCP;
	memcpy(buf + 10, &tlen, 2);
	memcpy(buf + 12, tcp, len);
	if (len & 1)
		buf[12 + len++] = 0;
	return ip_csum(buf, 12 + len);
}

/*
 * TCP segment @i of a flow 10.23.1.2:4000 -> 10.23.1.1:5000 in an
 * Ethernet frame to @dst: SEG_PAYLOAD bytes at sequence i * SEG_PAYLOAD,
 * consecutive IP ids, ACK only: what GRO merges. Its length.
 */
static size_t build_tcp_seg(unsigned char *frame, const unsigned char *dst,
			    unsigned int i)
{
	struct ethhdr *eth = (struct ethhdr *)frame;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	struct tcphdr *tcp = (struct tcphdr *)(ip + 1);
	size_t tlen = sizeof(*tcp) + SEG_PAYLOAD;

	memset(frame, 0, ETH_HLEN + sizeof(*ip) + tlen);
	memcpy(eth->h_dest, dst, ETH_ALEN);
	memcpy(eth->h_source, peer_mac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->id = htons((unsigned short)(1000 + i));
	ip->frag_off = htons(IP_DF);
	ip->protocol = IPPROTO_TCP;
	ip->tot_len = htons((unsigned short)(sizeof(*ip) + tlen));
	ip->saddr = inet_addr("10.23.1.2");
	ip->daddr = inet_addr("10.23.1.1");
	ip->check = ip_csum(ip, sizeof(*ip));
	tcp->source = htons(4000);
	tcp->dest = htons(5000);
	tcp->seq = htonl(1 + i * SEG_PAYLOAD);
	tcp->ack_seq = htonl(1);
	tcp->doff = sizeof(*tcp) / 4;
	tcp->ack = 1;
	tcp->window = htons(8192);
	memset(tcp + 1, 'a' + (int)i, SEG_PAYLOAD);
	tcp->check = tcp_csum(ip, tcp, tlen);
	return ETH_HLEN + sizeof(*ip) + tlen;
}

FIXTURE(napi) {
	int fd;
	int sk;
	char ifname[IFNAMSIZ];
	char sys[64];
	unsigned char mac[ETH_ALEN];
};

FIXTURE_SETUP(napi)
{
	self->sk = -1;
	self->sys[0] = '\0';
	self->fd = netns_open_chardev(_metadata, 0);
}

FIXTURE_TEARDOWN(napi)
{
	if (self->sk >= 0)
		close(self->sk);
	if (self->fd >= 0)
		close(self->fd);
	if (self->sys[0]) {
		umount(self->sys);
		rmdir(self->sys);
	}
}

/* Create a tap with @flags, up, with a packet socket on it. */
static int napi_tap(struct __test_metadata *_metadata,
		    FIXTURE_DATA(napi) *self, int flags)
{
	if (create_dev(_metadata, self->fd, self->ifname, IFF_TAP | flags))
		return -1;
	if (netdev_set_up(self->ifname, 1) || if_mac(self->ifname, self->mac))
		return -1;
	self->sk = packet_socket(self->ifname);
	return self->sk < 0 ? -1 : 0;
}

/* Like tun: TUNGETIFF reports the NAPI flags a queue was created with. */
TEST_F(napi, getiff_reports_flags)
{
	int fd;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI | IFF_NAPI));
	EXPECT_EQ(IFF_NAPI, getiff_flags(self->fd) & (IFF_NAPI | IFF_NAPI_FRAGS));

	fd = open_chardev(0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, create_dev(_metadata, fd, self->ifname,
				IFF_TAP | IFF_NO_PI | IFF_NAPI |
				IFF_NAPI_FRAGS));
	EXPECT_EQ(IFF_NAPI | IFF_NAPI_FRAGS,
		  getiff_flags(fd) & (IFF_NAPI | IFF_NAPI_FRAGS));
	close(fd);
}

/* IFF_NAPI_FRAGS needs IFF_NAPI and a TAP: EINVAL, nothing created. */
TEST_F(napi, frags_needs_napi_and_tap)
{
	EXPECT_EQ(-1, tun_create(self->fd, IFF_TAP | IFF_NO_PI |
				 IFF_NAPI_FRAGS, self->ifname));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tun_create(self->fd, IFF_TUN | IFF_NO_PI | IFF_NAPI |
				 IFF_NAPI_FRAGS, self->ifname));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, netdev_count());	/* lo */
}

/*
 * IFF_NAPI_FRAGS takes CAP_NET_ADMIN in the initial namespace: the owner
 * of a persistent tap may attach with IFF_NAPI, not with IFF_NAPI_FRAGS.
 */
TEST_F(napi, frags_needs_cap_net_admin)
{
	int one = 1, status;
	pid_t pid;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	ASSERT_EQ(0, ioctl(self->fd, TUNSETPERSIST, one));
	ASSERT_EQ(0, ioctl(self->fd, TUNSETOWNER, OTHER_ID));
	close(self->fd);
	self->fd = -1;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = open_chardev(0);

		if (fd < 0 || become(OTHER_ID, OTHER_ID, -1))
			_exit(100);
		if (!tun_attach(fd, IFF_TAP | IFF_NO_PI | IFF_NAPI |
				IFF_NAPI_FRAGS, self->ifname))
			_exit(101);
		if (errno != EPERM)
			_exit(102);
		_exit(tun_attach(fd, IFF_TAP | IFF_NO_PI | IFF_NAPI,
				 self->ifname) ? 103 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, rtnl_dellink((int)if_nametoindex(self->ifname)));
}

/*
 * GRO: consecutive segments of one TCP flow, written one by one, reach
 * the stack merged when the instance holds them (gro_flush_timeout) --
 * within one jiffy; a round that straddles jiffies is tried again.
 * Without NAPI every segment arrives on its own.
 */
TEST_F(napi, gro_merges_written_segments)
{
	unsigned char frame[2048], buf[65536];
	int round, merged = 0;
	unsigned int i;

	ASSERT_EQ(0, private_sysfs(self->sys))
		TH_LOG("sysfs: %s", strerror(errno));
	ASSERT_EQ(0, napi_tap(_metadata, self, IFF_NO_PI | IFF_NAPI));
	ASSERT_EQ(0, sysfs_write(self->sys, self->ifname, "gro_flush_timeout",
				 GRO_FLUSH_NS));

	for (round = 0; round < GRO_ROUNDS && !merged; round++) {
		size_t got = 0;

		for (i = 0; i < SEGS; i++) {
			size_t len = build_tcp_seg(frame, self->mac,
						   round * SEGS + i);

			ASSERT_EQ((ssize_t)len, write(self->fd, frame, len));
		}
		/* every payload byte arrives, in fewer frames when merged */
		while (got < SEGS * SEG_PAYLOAD) {
			ssize_t n = recv_frame(self->sk, ETH_P_IP, buf,
					       sizeof(buf));
			size_t payload;

			ASSERT_LT(0, n) TH_LOG("%zu of %d bytes arrived", got,
					       SEGS * SEG_PAYLOAD);
			payload = (size_t)n - ETH_HLEN - sizeof(struct iphdr) -
				  sizeof(struct tcphdr);
			if (payload > SEG_PAYLOAD)
				merged++;
			got += payload;
		}
		EXPECT_EQ((size_t)SEGS * SEG_PAYLOAD, got);
	}
	EXPECT_LT(0, merged) TH_LOG("no frame merged in %d rounds", GRO_ROUNDS);
}

/* Threaded NAPI: needs an instance, and written frames still arrive. */
TEST_F(napi, threaded)
{
	unsigned char frame[TEST_FRAME_LEN], buf[2048];
	int fd;

	ASSERT_EQ(0, private_sysfs(self->sys))
		TH_LOG("sysfs: %s", strerror(errno));
	/* a tap without NAPI has nothing to thread */
	fd = open_chardev(0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, create_dev(_metadata, fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	EXPECT_EQ(-EOPNOTSUPP,
		  sysfs_write(self->sys, self->ifname, "threaded", "1"));
	close(fd);

	ASSERT_EQ(0, napi_tap(_metadata, self, IFF_NO_PI | IFF_NAPI));
	ASSERT_EQ(0, sysfs_write(self->sys, self->ifname, "threaded", "1"));
	build_test_frame(frame, sizeof(frame), self->mac, 1);
	ASSERT_EQ((ssize_t)sizeof(frame), write(self->fd, frame, sizeof(frame)));
	ASSERT_EQ((ssize_t)sizeof(frame),
		  recv_frame(self->sk, TEST_ETH_P, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(frame, buf, sizeof(frame)));
	EXPECT_EQ(0, sysfs_write(self->sys, self->ifname, "threaded", "0"));
	ASSERT_EQ((ssize_t)sizeof(frame), write(self->fd, frame, sizeof(frame)));
	EXPECT_EQ((ssize_t)sizeof(frame),
		  recv_frame(self->sk, TEST_ETH_P, buf, sizeof(buf)));
}

/* IFF_NAPI on a TUN: IP packets through the (threaded) instance. */
TEST_F(napi, tun_delivers)
{
	unsigned char pkt[64], buf[2048];
	size_t len;

	ASSERT_EQ(0, private_sysfs(self->sys))
		TH_LOG("sysfs: %s", strerror(errno));
	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TUN | IFF_NO_PI | IFF_NAPI));
	ASSERT_EQ(0, sysfs_write(self->sys, self->ifname, "threaded", "1"));
	ASSERT_EQ(0, netdev_set_up(self->ifname, 1));
	self->sk = packet_socket(self->ifname);
	ASSERT_LE(0, self->sk);
	len = build_udp(pkt, 7);
	ASSERT_EQ((ssize_t)len, write(self->fd, pkt, len));
	ASSERT_EQ((ssize_t)len, recv_frame(self->sk, ETH_P_IP, buf,
					   sizeof(buf)));
	EXPECT_EQ(0, memcmp(pkt, buf, len));
}

/*
 * IFF_NAPI_FRAGS: a frame written as several iovecs arrives whole,
 * whichever way it is cut (the Ethernet header itself may be cut).
 */
TEST_F(napi, frags_writev)
{
	static const size_t cuts[][4] = {
		{ 60, 0 }, { 14, 46, 0 }, { 6, 8, 30, 16 }, { 34, 1, 1, 24 },
	};
	unsigned char frame[TEST_FRAME_LEN], buf[2048];
	unsigned int c, i;

	ASSERT_EQ(0, napi_tap(_metadata, self,
			      IFF_NO_PI | IFF_NAPI | IFF_NAPI_FRAGS));
	for (c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
		struct iovec iov[4];
		size_t off = 0;
		int n = 0;

		build_test_frame(frame, sizeof(frame), self->mac, (unsigned char)c);
		for (i = 0; i < 4 && cuts[c][i]; i++) {
			iov[n].iov_base = frame + off;
			iov[n++].iov_len = cuts[c][i];
			off += cuts[c][i];
		}
		ASSERT_EQ(sizeof(frame), off);
		ASSERT_EQ((ssize_t)sizeof(frame), writev(self->fd, iov, n))
			TH_LOG("cut %u: %s", c, strerror(errno));
		ASSERT_EQ((ssize_t)sizeof(frame),
			  recv_frame(self->sk, TEST_ETH_P, buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(frame, buf, sizeof(frame))) TH_LOG("cut %u", c);
	}
}

/* IFF_NAPI_FRAGS with tun_pi and virtio_net_hdr in front of the frame. */
TEST_F(napi, frags_with_headers)
{
	unsigned char frame[TEST_FRAME_LEN], buf[2048];
	struct virtio_net_hdr vnet = { 0 };
	struct tun_pi pi = { 0, htons(TEST_ETH_P) };
	struct iovec iov[4] = {
		{ &pi, sizeof(pi) }, { &vnet, sizeof(vnet) },
		{ frame, 20 }, { frame + 20, sizeof(frame) - 20 },
	};

	ASSERT_EQ(0, napi_tap(_metadata, self,
			      IFF_VNET_HDR | IFF_NAPI | IFF_NAPI_FRAGS));
	build_test_frame(frame, sizeof(frame), self->mac, 9);
	ASSERT_EQ((ssize_t)(sizeof(pi) + sizeof(vnet) + sizeof(frame)),
		  writev(self->fd, iov, 4)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ((ssize_t)sizeof(frame),
		  recv_frame(self->sk, TEST_ETH_P, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(frame, buf, sizeof(frame)));
}

/*
 * tun's limits on the layout: at most MAX_SKB_FRAGS (17) iovecs after
 * the first (EMSGSIZE), none empty or larger than a page (EINVAL). Each
 * refusal counts as a receive drop.
 */
TEST_F(napi, frags_bad_layout)
{
	static unsigned char big[8192];
	unsigned char frame[TEST_FRAME_LEN];
	struct iovec iov[20];
	long drops;
	int i;

	ASSERT_EQ(0, napi_tap(_metadata, self,
			      IFF_NO_PI | IFF_NAPI | IFF_NAPI_FRAGS));
	build_test_frame(frame, sizeof(frame), self->mac, 3);
	drops = proc_net_dev(self->ifname, 3);

	iov[0].iov_base = frame;
	iov[0].iov_len = ETH_HLEN;
	for (i = 1; i < 20; i++) {
		iov[i].iov_base = frame + ETH_HLEN + i;
		iov[i].iov_len = 2;
	}
	EXPECT_EQ(-1, writev(self->fd, iov, 19));
	EXPECT_EQ(EMSGSIZE, errno);
	/* 18 are fine */
	EXPECT_EQ(ETH_HLEN + 17 * 2, writev(self->fd, iov, 18))
		TH_LOG("%s", strerror(errno));

	iov[1].iov_len = 0;
	EXPECT_EQ(-1, writev(self->fd, iov, 3));
	EXPECT_EQ(EINVAL, errno);

	iov[1].iov_base = big;
	iov[1].iov_len = sizeof(big);
	EXPECT_EQ(-1, writev(self->fd, iov, 2));
	EXPECT_EQ(EINVAL, errno);

	EXPECT_EQ(drops + 3, proc_net_dev(self->ifname, 3));
}

/*
 * Multiqueue: a queue detached by TUNSETQUEUE refuses writes with EBUSY
 * (its instance is disabled), takes them again once re-attached; the
 * interface goes with its last file, or with its deletion while files
 * with instances, active and detached, stay open.
 */
TEST_F(napi, mq_detach_attach_delete)
{
	unsigned char frame[TEST_FRAME_LEN], buf[2048];
	int flags = IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE | IFF_NAPI;
	int fd2, idx;

	ASSERT_EQ(0, napi_tap(_metadata, self, IFF_NO_PI | IFF_MULTI_QUEUE |
			      IFF_NAPI));
	fd2 = tun_open_attach(self->ifname, flags);
	ASSERT_LE(0, fd2) TH_LOG("attach: %s", strerror(errno));
	build_test_frame(frame, sizeof(frame), self->mac, 5);

	ASSERT_EQ(0, tun_setqueue(fd2, self->ifname, IFF_DETACH_QUEUE));
	EXPECT_EQ(-1, write(fd2, frame, sizeof(frame)));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ((ssize_t)sizeof(frame), write(self->fd, frame, sizeof(frame)));
	EXPECT_EQ((ssize_t)sizeof(frame),
		  recv_frame(self->sk, TEST_ETH_P, buf, sizeof(buf)));

	ASSERT_EQ(0, tun_setqueue(fd2, self->ifname, IFF_ATTACH_QUEUE));
	ASSERT_EQ((ssize_t)sizeof(frame), write(fd2, frame, sizeof(frame)));
	EXPECT_EQ((ssize_t)sizeof(frame),
		  recv_frame(self->sk, TEST_ETH_P, buf, sizeof(buf)));

	/* delete with one queue active and one detached */
	ASSERT_EQ(0, tun_setqueue(fd2, self->ifname, IFF_DETACH_QUEUE));
	idx = (int)if_nametoindex(self->ifname);
	ASSERT_EQ(0, rtnl_dellink(idx));
	EXPECT_EQ(1, ifindex_gone((unsigned int)idx, CHARDEV_WAIT_MS));
	EXPECT_EQ(-1, write(self->fd, frame, sizeof(frame)));
	EXPECT_EQ(EBADFD, errno);
	EXPECT_EQ(-1, write(fd2, frame, sizeof(frame)));
	EXPECT_EQ(EBADFD, errno);

	/* the files may make a new interface, with a new instance */
	close(self->sk);
	self->sk = -1;
	ASSERT_EQ(0, napi_tap(_metadata, self, IFF_NO_PI | IFF_NAPI));
	ASSERT_EQ((ssize_t)sizeof(frame), write(self->fd, frame, sizeof(frame)));
	EXPECT_EQ((ssize_t)sizeof(frame),
		  recv_frame(self->sk, TEST_ETH_P, buf, sizeof(buf)));
	close(fd2);
}

/* A persistent interface: each new file brings its own instance. */
TEST_F(napi, persist_reattach)
{
	unsigned char frame[TEST_FRAME_LEN], buf[2048];
	int one = 1, fd, i;

	ASSERT_EQ(0, napi_tap(_metadata, self, IFF_NO_PI | IFF_NAPI));
	ASSERT_EQ(0, ioctl(self->fd, TUNSETPERSIST, one));
	build_test_frame(frame, sizeof(frame), self->mac, 6);
	for (i = 0; i < 3; i++) {
		close(self->fd);
		self->fd = -1;
		fd = tun_open_attach(self->ifname, IFF_TAP | IFF_NO_PI |
				     (i == 1 ? 0 : IFF_NAPI));
		ASSERT_LE(0, fd) TH_LOG("attach: %s", strerror(errno));
		self->fd = fd;
		EXPECT_EQ(i == 1 ? 0 : IFF_NAPI, getiff_flags(fd) & IFF_NAPI);
		ASSERT_EQ((ssize_t)sizeof(frame),
			  write(fd, frame, sizeof(frame)));
		EXPECT_EQ((ssize_t)sizeof(frame),
			  recv_frame(self->sk, TEST_ETH_P, buf, sizeof(buf)));
	}
	EXPECT_EQ(0, rtnl_dellink((int)if_nametoindex(self->ifname)));
}

TEST_HARNESS_MAIN
