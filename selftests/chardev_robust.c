// SPDX-License-Identifier: GPL-2.0
/*
 * The char device where tun's rules protect the kernel: a write pins the
 * device it began on, the send buffer is the device's, the classic filter
 * is charged to the queue's socket, packets count as transmitted when
 * read, and what a ring drops on resize or detach counts as dropped.
 *
 * Every test also runs against /dev/net/tun (VPAIR_DEV); the drop counts
 * and the send buffer of later queues are vpair's own (tun frees purged
 * packets uncounted and sets the send buffer of attached queues only).
 */
#include "kselftest_harness.h"

#include <poll.h>
#include <pthread.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/userfaultfd.h>
#include <sys/mman.h>

#include "chardev_util.h"

CHARDEV_NETNS_FIXTURE(robust);

/* Columns of /proc/net/dev, which is the namespace's own. */
#define RX_PACKETS	1
#define TX_BYTES	8
#define TX_PACKETS	9
#define TX_DROPPED	11

static int txqueuelen(const char *ifname)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (if_ioctl(ifname, SIOCGIFTXQLEN, &ifr))
		return -1;
	return ifr.ifr_qlen;
}

/* An AF_PACKET socket that transmits test frames through @ifname. */
static int frame_sender(const char *ifname)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int sk;

	sk = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (sk < 0)
		return -1;
	sll.sll_protocol = htons(TEST_ETH_P);
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (bind(sk, (struct sockaddr *)&sll, sizeof(sll))) {
		close(sk);
		return -1;
	}
	return sk;
}

static int send_frames(int sk, int count)
{
	unsigned char frame[TEST_FRAME_LEN];
	int i;

	for (i = 0; i < count; i++) {
		build_test_frame(frame, sizeof(frame), NULL, (unsigned char)i);
		if (send(sk, frame, sizeof(frame), 0) != sizeof(frame))
			return -1;
	}
	return 0;
}

/* A TAP of one queue, up, rings of 16, with @count frames queued. */
static void tap_with_queued(struct __test_metadata *_metadata,
			    FIXTURE_DATA(robust) *self, int count)
{
	int sk;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));
	ASSERT_EQ(0, run_cmd("ip link set %s txqueuelen 16 up",
			     self->ifname));
	sk = frame_sender(self->ifname);
	ASSERT_LE(0, sk) TH_LOG("AF_PACKET: %s", strerror(errno));
	ASSERT_EQ(0, send_frames(sk, count));
	close(sk);
}

static int read_all(int fd)
{
	unsigned char buf[2048];
	int n = 0;

	while (read(fd, buf, sizeof(buf)) > 0)
		n++;
	return n;
}

/* Like tun: a queued packet is transmitted once userspace reads it. */
TEST_F(robust, packets_count_as_transmitted_when_read)
{
	unsigned char buf[2048];

	tap_with_queued(_metadata, self, 3);
	EXPECT_EQ(0, proc_net_dev(self->ifname, TX_PACKETS));
	ASSERT_LT(0, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(1, proc_net_dev(self->ifname, TX_PACKETS));
	EXPECT_EQ(TEST_FRAME_LEN, proc_net_dev(self->ifname, TX_BYTES));
}

/* Shrinking the rings keeps the oldest packets and drops the rest. */
TEST_F(robust, shrinking_txqueuelen_drops_what_does_not_fit)
{
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	tap_with_queued(_metadata, self, 10);
	ASSERT_EQ(0, run_cmd("ip link set %s txqueuelen 4", self->ifname));
	EXPECT_EQ(4, read_all(self->fd));
	if (!chardev_is_tun())
		EXPECT_EQ(6, proc_net_dev(self->ifname, TX_DROPPED));
}

/*
 * A length the rings cannot have is refused for every ring: the length
 * stays and so does what the rings hold.
 */
TEST_F(robust, refused_txqueuelen_changes_no_ring)
{
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	tap_with_queued(_metadata, self, 10);
	EXPECT_NE(0, run_cmd("ip link set %s txqueuelen 4000000 2>/dev/null",
			     self->ifname));
	EXPECT_EQ(16, txqueuelen(self->ifname));
	EXPECT_EQ(10, read_all(self->fd));
}

/* Packets still queued when a queue goes away were dropped, not sent. */
TEST_F(robust, packets_purged_on_detach_count_as_dropped)
{
	int on = 1;

	tap_with_queued(_metadata, self, 5);
	ASSERT_EQ(0, ioctl(self->fd, TUNSETPERSIST, on));
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, proc_net_dev(self->ifname, TX_PACKETS));
	if (!chardev_is_tun())
		EXPECT_EQ(5, proc_net_dev(self->ifname, TX_DROPPED));
	EXPECT_EQ(0, run_cmd("ip link del %s", self->ifname));
}

/*
 * TUNSETSNDBUF belongs to the device: queues attached later get it. tun
 * only sets the queues attached at the time (later ones keep INT_MAX and
 * have no backpressure): there the test checks nothing but the ioctls.
 */
TEST_F(robust, sndbuf_applies_to_queues_attached_later)
{
	int flags = IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE;
	int sndbuf = 65536, got = 0, fd2;
	char name[IFNAMSIZ];

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname, flags));
	ASSERT_EQ(0, ioctl(self->fd, TUNSETSNDBUF, &sndbuf));

	memcpy(name, self->ifname, IFNAMSIZ);
	fd2 = tun_open_attach(name, flags);
	ASSERT_LE(0, fd2) TH_LOG("attach: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(fd2, TUNGETSNDBUF, &got));
	if (!chardev_is_tun())
		EXPECT_EQ(sndbuf, got);

	/* and a queue detached and attached again */
	sndbuf = 32768;
	ASSERT_EQ(0, tun_setqueue(fd2, NULL, IFF_DETACH_QUEUE));
	ASSERT_EQ(0, ioctl(self->fd, TUNSETSNDBUF, &sndbuf));
	ASSERT_EQ(0, tun_setqueue(fd2, NULL, IFF_ATTACH_QUEUE));
	ASSERT_EQ(0, ioctl(fd2, TUNGETSNDBUF, &got));
	if (!chardev_is_tun())
		EXPECT_EQ(sndbuf, got);
	close(fd2);
}

#define OPTMEM_MAX	"/proc/sys/net/core/optmem_max"

/*
 * Swap net.core.optmem_max for @val, the old value in @old. It is per
 * namespace since 6.9; before, only the initial namespace has it.
 */
static int swap_optmem_max(const char *val, char *old, size_t len)
{
	int self_ns = -1, init_ns = -1, ret = -1;
	FILE *f = fopen(OPTMEM_MAX, "r+");

	if (!f) {
		self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		init_ns = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
		if (self_ns < 0 || init_ns < 0 || setns(init_ns, CLONE_NEWNET))
			goto out;
		f = fopen(OPTMEM_MAX, "r+");
	}
	if (f && fgets(old, (int)len, f)) {
		rewind(f);
		ret = fputs(val, f) < 0 ? -1 : 0;
	}
	if (f && fclose(f))
		ret = -1;
	if (self_ns >= 0 && setns(self_ns, CLONE_NEWNET))
		ret = -1;
out:
	if (self_ns >= 0)
		close(self_ns);
	if (init_ns >= 0)
		close(init_ns);
	return ret;
}

/* The classic filter is charged to the queue's socket option memory. */
TEST_F(robust, classic_filter_is_charged_to_option_memory)
{
	struct sock_filter insns[64];
	struct sock_fprog prog = { .len = 64, .filter = insns };
	char old[32] = "", tiny[32];
	int err, i;

	for (i = 0; i < 64; i++)
		insns[i] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
							0xffff);
	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname,
				IFF_TAP | IFF_NO_PI));

	ASSERT_EQ(0, swap_optmem_max("64\n", old, sizeof(old)))
		TH_LOG("%s: %s", OPTMEM_MAX, strerror(errno));
	err = ioctl(self->fd, TUNATTACHFILTER, &prog) ? errno : 0;
	ASSERT_EQ(0, swap_optmem_max(old, tiny, sizeof(tiny)));

	EXPECT_EQ(ENOMEM, err);
	/* with room for it, the same filter attaches */
	EXPECT_EQ(0, ioctl(self->fd, TUNATTACHFILTER, &prog));
}

/* A write stalled on a userfaultfd page while its device is replaced. */
struct stalled_write {
	int fd;
	void *buf;
	size_t len;
	ssize_t ret;
	int err;
	int ifindex;
	int del_ret;
};

static void *stalled_writer(void *arg)
{
	struct stalled_write *w = arg;

	w->ret = write(w->fd, w->buf, w->len);
	w->err = errno;
	return NULL;
}

static void *deleter(void *arg)
{
	struct stalled_write *w = arg;

	w->del_ret = rtnl_dellink(w->ifindex);
	return NULL;
}

static int uffd_register(void *buf, size_t len)
{
	struct uffdio_register reg = {
		.range = { .start = (unsigned long)buf, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	struct uffdio_api api = { .api = UFFD_API };
	int uffd;

	uffd = (int)syscall(__NR_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		return -1;
	if (ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		close(uffd);
		return -1;
	}
	return uffd;
}

static int wait_fault(int uffd)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, CHARDEV_WAIT_MS) != 1)
		return -1;
	if (read(uffd, &msg, sizeof(msg)) != sizeof(msg))
		return -1;
	return msg.event == UFFD_EVENT_PAGEFAULT ? 0 : -1;
}

/* The file no longer has a device: TUNGETIFF says EBADFD. */
static int wait_detached(int fd)
{
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (getiff_flags(fd) != -EBADFD) {
		if (ms_since(&start) >= CHARDEV_WAIT_MS)
			return -1;
		usleep(1000);
	}
	return 0;
}

/*
 * A TUN write of one byte stalls on its tun_pi; the device is deleted
 * and the fd attached to a new TAP that is up. The write must not land
 * on the TAP with TUN's framing: like tun, it fails with EIO.
 */
TEST_F(robust, write_into_a_device_deleted_meanwhile_fails)
{
	struct stalled_write w = { .fd = self->fd, .len = 5 };
	long page = sysconf(_SC_PAGESIZE);
	struct uffdio_copy copy;
	pthread_t writer, del;
	char tap[IFNAMSIZ];
	unsigned char *src;
	int uffd;

	ASSERT_EQ(0, create_dev(_metadata, self->fd, self->ifname, IFF_TUN));
	ASSERT_EQ(0, netdev_set_up(self->ifname, 1));
	w.ifindex = (int)if_nametoindex(self->ifname);

	w.buf = mmap(NULL, page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, w.buf);
	uffd = uffd_register(w.buf, page);
	if (uffd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));

	ASSERT_EQ(0, pthread_create(&writer, NULL, stalled_writer, &w));
	ASSERT_EQ(0, wait_fault(uffd)) TH_LOG("the write did not fault");

	/* deletion waits for the write's hold on the device to end */
	ASSERT_EQ(0, pthread_create(&del, NULL, deleter, &w));
	ASSERT_EQ(0, wait_detached(self->fd));
	ASSERT_EQ(0, create_dev(_metadata, self->fd, tap,
				IFF_TAP | IFF_NO_PI));
	ASSERT_EQ(0, netdev_set_up(tap, 1));

	src = calloc(1, page);
	ASSERT_NE(NULL, src);
	src[2] = 0x08;		/* tun_pi: ETH_P_IP */
	src[4] = 0x45;		/* one byte of "IPv4" */
	copy = (struct uffdio_copy){
		.dst = (unsigned long)w.buf, .src = (unsigned long)src,
		.len = page,
	};
	ASSERT_EQ(0, ioctl(uffd, UFFDIO_COPY, &copy));
	pthread_join(writer, NULL);
	pthread_join(del, NULL);

	EXPECT_EQ(-1, w.ret);
	EXPECT_EQ(EIO, w.err);
	EXPECT_EQ(0, w.del_ret);
	EXPECT_EQ(0, proc_net_dev(tap, RX_PACKETS));
	free(src);
	close(uffd);
	munmap(w.buf, page);
}

TEST_HARNESS_MAIN
