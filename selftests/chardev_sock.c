// SPDX-License-Identifier: GPL-2.0
/*
 * The file as a socket, as tun's is one: packets written carry the
 * opener's uid (seen by a tc program calling bpf_get_socket_uid()), are
 * charged to TUNSETSNDBUF's send buffer (a write blocks, or fails with
 * EAGAIN, while earlier packets are still held downstream; EPOLLOUT comes
 * back when they are freed), and the file takes pread()/pwrite() and
 * RWF_NOWAIT like tun's.
 *
 * Packets are held downstream by a bridge forwarding a tap's frames to a
 * dummy device whose root qdisc is "plug".
 */
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <sys/fsuid.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/uio.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
/* The harness's setjmp in each test wrapper; our bodies keep no state. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "chardev_util.h"

#define OPENER_UID	4242
#define TC_ACT_OK	0
#define TC_ACT_SHOT	2

/* "Accept the packet if its socket's uid is @uid, else drop it." */
static int load_uid_check(unsigned int uid)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_socket_uid },
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_0,
		  .off = 2, .imm = (int)uid },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = TC_ACT_SHOT },
		{ .code = BPF_JMP | BPF_EXIT },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = TC_ACT_OK },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, insns,
			     sizeof(insns) / sizeof(insns[0]));
}

static int pin_prog(int prog, const char *path)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.pathname = (unsigned long)path;
	attr.bpf_fd = prog;
	return (int)syscall(__NR_bpf, BPF_OBJ_PIN, &attr, sizeof(attr));
}

/* A private bpffs in a mount namespace of our own; its path in @dir. */
static int private_bpffs(char *dir)
{
	if (unshare(CLONE_NEWNS) ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	strcpy(dir, "/tmp/vpair-bpf.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	return mount("bpf", dir, "bpf", 0, NULL);
}

/* Write a datagram tagged @tag on @fd: did it reach the listener? */
static int delivered(int fd, int sk, unsigned char tag)
{
	unsigned char buf[64], got[16];
	size_t len = build_udp(buf, tag);

	if (write(fd, buf, len) != (ssize_t)len)
		return -1;
	if (recv(sk, got, sizeof(got), 0) != 4)
		return 0;
	return got[0] == tag;
}

FIXTURE(sock) {
	int fd;
	bool holding;
	char ifname[IFNAMSIZ];
};

static void release_held(void);

FIXTURE_SETUP(sock)
{
	self->fd = netns_open_chardev(_metadata, 0);
}

/*
 * Held packets pin their file's socket, the socket its namespace, and the
 * namespace the qdisc that holds them (as with tun): let them go.
 */
FIXTURE_TEARDOWN(sock)
{
	if (self->holding)
		release_held();
	if (self->fd >= 0)
		close(self->fd);
}

/* The effective capabilities that a non-zero fsuid cleared, back. */
static int raise_dac_override(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(__NR_capget, &hdr, data))
		return -1;
	data[0].effective |= 1U << CAP_DAC_OVERRIDE;
	return (int)syscall(__NR_capset, &hdr, data);
}

/* Open the device under test with fsuid @uid (whatever its mode is). */
static int open_as(unsigned int uid)
{
	int fd;

	setfsuid(uid);
	fd = raise_dac_override() ? -1 : open_chardev(0);
	setfsuid(0);
	return fd;
}

/*
 * A queue opened with fsuid OPENER_UID and one opened as root, on one
 * tun: a tc ingress program passes only OPENER_UID's packets.
 */
TEST_F(sock, uid_of_opener)
{
	char dir[64], pin[96], cmd[256];
	int fd, prog, sk;

	fd = open_as(OPENER_UID);
	ASSERT_LE(0, fd) TH_LOG("open as uid %d: %s", OPENER_UID,
				strerror(errno));
	ASSERT_EQ(0, tun_create(fd, IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE,
				self->ifname));
	ASSERT_EQ(0, tun_attach(self->fd, IFF_TUN | IFF_NO_PI |
				IFF_MULTI_QUEUE, self->ifname));
	ASSERT_EQ(0, run_cmd("ip addr add 10.23.1.1/24 dev %s && "
			     "ip link set dev %s up", self->ifname));
	sk = udp_listener();
	ASSERT_LE(0, sk);

	/* before the filter, both queues' packets arrive */
	EXPECT_EQ(1, delivered(self->fd, sk, 1));
	EXPECT_EQ(1, delivered(fd, sk, 2));

	ASSERT_EQ(0, private_bpffs(dir)) TH_LOG("bpffs: %s", strerror(errno));
	prog = load_uid_check(OPENER_UID);
	ASSERT_LE(0, prog) TH_LOG("BPF_PROG_LOAD: %s", strerror(errno));
	snprintf(pin, sizeof(pin), "%s/uid", dir);
	ASSERT_EQ(0, pin_prog(prog, pin));
	snprintf(cmd, sizeof(cmd),
		 "tc qdisc add dev %s clsact && tc filter add dev %s ingress "
		 "bpf direct-action object-pinned %s", self->ifname,
		 self->ifname, pin);
	ASSERT_EQ(0, system(cmd));

	EXPECT_EQ(1, delivered(fd, sk, 3));
	EXPECT_EQ(0, delivered(self->fd, sk, 4));
	EXPECT_EQ(1, delivered(fd, sk, 5));

	umount(dir);
	rmdir(dir);
	close(prog);
	close(sk);
	close(fd);
}

/*
 * As with tun, the uid does not reach input routing: the stack takes the
 * socket off a packet before routing it, so an "ip rule uidrange" that
 * prohibits the opener's uid leaves forwarding of its packets alone. The
 * rule itself works: a lookup with that uid is refused.
 */
TEST_F(sock, uidrange_rule_not_applied)
{
	unsigned char buf[64];
	long sent;
	int fd, i;
	size_t len;

	fd = open_as(OPENER_UID);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tun_create(fd, IFF_TUN | IFF_NO_PI, self->ifname));
	ASSERT_EQ(0, run_cmd("ip addr add 10.23.1.1/24 dev %s && "
			     "ip link set dev %s up", self->ifname));
	ASSERT_EQ(0, system("ip link add name vpdm0 type dummy && "
			    "ip addr add 10.99.0.1/24 dev vpdm0 && "
			    "ip link set dev vpdm0 up && "
			    "ip neigh add 10.99.0.2 lladdr 02:00:00:00:00:09 "
			    "dev vpdm0 && "
			    "sysctl -qw net.ipv4.ip_forward=1 && "
			    "ip rule add uidrange 4242-4242 prohibit pref 100"));
	ASSERT_NE(0, system("ip route get 10.99.0.2 uid 4242 2>/dev/null"));

	sent = proc_net_dev("vpdm0", 9);
	len = build_udp_to(buf, "10.99.0.2", 1);
	for (i = 0; i < 3; i++)
		ASSERT_EQ((ssize_t)len, write(fd, buf, len));
	usleep(200000);
	EXPECT_EQ(sent + 3, proc_net_dev("vpdm0", 9));
	close(fd);
}

/* A tap whose frames a bridge forwards to a dummy that holds them. */
static void setup_holder(struct __test_metadata *_metadata,
			 FIXTURE_DATA(sock) *self)
{
	char *ifname = self->ifname;

	ASSERT_EQ(0, tun_create(self->fd, IFF_TAP | IFF_NO_PI, ifname));
	ASSERT_EQ(0, run_cmd("ip link add name vpbr0 type bridge && "
			     "ip link add name vpdm0 type dummy && "
			     "ip link set dev %s master vpbr0 && "
			     "ip link set dev vpdm0 master vpbr0 && "
			     "ip link set dev %s up", ifname));
	ASSERT_EQ(0, system("ip link set dev vpdm0 up && "
			    "ip link set dev vpbr0 up && "
			    "tc qdisc add dev vpdm0 root plug limit 1000000"));
	self->holding = true;
}

static void release_held(void)
{
	if (system("tc qdisc change dev vpdm0 root plug release_indefinite"))
		fprintf(stderr, "# could not release the plug\n");
}

/*
 * To a unicast address nobody has: the bridge floods the frame itself to
 * the dummy, where broadcast would go there as a clone and free the frame.
 */
static int write_frame(int fd, unsigned char tag)
{
	static const unsigned char nobody[ETH_ALEN] = {
		0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee
	};
	unsigned char frame[TEST_FRAME_LEN];

	build_test_frame(frame, sizeof(frame), nobody, tag);
	return write(fd, frame, sizeof(frame)) == sizeof(frame) ? 0 : -errno;
}

static short poll_out(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	if (poll(&pfd, 1, ms) < 0)
		return -1;
	return pfd.revents & POLLOUT;
}

/*
 * One held packet fills a send buffer smaller than its truesize; freeing
 * it makes room. Like a socket, the file polls writable while less than
 * half the buffer is in use.
 */
TEST_F(sock, sndbuf_full_then_room)
{
	int sndbuf = 256;
	long drops;

	setup_holder(_metadata, self);
	ASSERT_EQ(0, ioctl(self->fd, TUNSETSNDBUF, &sndbuf));
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));

	EXPECT_EQ(POLLOUT, poll_out(self->fd, 0));
	ASSERT_EQ(0, write_frame(self->fd, 1));
	drops = proc_net_dev(self->ifname, 3);
	EXPECT_EQ(-EAGAIN, write_frame(self->fd, 2));
	EXPECT_EQ(0, poll_out(self->fd, 100));
	EXPECT_EQ(drops, proc_net_dev(self->ifname, 3));	/* no drop */

	release_held();
	EXPECT_EQ(POLLOUT, poll_out(self->fd, CHARDEV_WAIT_MS));
	EXPECT_EQ(0, write_frame(self->fd, 3));
}

/* Without a limit, held packets never block a writer. */
TEST_F(sock, sndbuf_default_unlimited)
{
	int i, sndbuf = 0;

	setup_holder(_metadata, self);
	ASSERT_EQ(0, ioctl(self->fd, TUNGETSNDBUF, &sndbuf));
	EXPECT_EQ(0x7fffffff, sndbuf);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	for (i = 0; i < 100; i++)
		ASSERT_EQ(0, write_frame(self->fd, (unsigned char)i));
	EXPECT_EQ(POLLOUT, poll_out(self->fd, 0));
}

/*
 * Frees the held packet 300 ms from now by taking the dummy down (its
 * qdisc is reset): no child process, whose SIGCHLD would interrupt, and
 * so wake, the blocked writer by itself.
 */
static void *free_held_later(void *arg)
{
	usleep(300000);
	if (netdev_set_up("vpdm0", 0))
		fprintf(stderr, "# could not take vpdm0 down\n");
	return arg;
}

/*
 * A blocking write waits for room, and goes on once there is some. The
 * buffer must hold more than a few bytes: sock_wfree() wakes writers only
 * when less than half of it is in use (a buffer of 5 or less never wakes
 * them, on tun too).
 */
TEST_F(sock, sndbuf_blocking_write_waits)
{
	struct timespec start;
	int sndbuf = 256;
	pthread_t thr;

	setup_holder(_metadata, self);
	ASSERT_EQ(0, ioctl(self->fd, TUNSETSNDBUF, &sndbuf));
	ASSERT_EQ(0, write_frame(self->fd, 1));

	clock_gettime(CLOCK_MONOTONIC, &start);
	ASSERT_EQ(0, pthread_create(&thr, NULL, free_held_later, NULL));
	EXPECT_EQ(0, write_frame(self->fd, 2));
	EXPECT_LE(250, ms_since(&start));
	pthread_join(thr, NULL);
}

static volatile sig_atomic_t sigio_count;

static void count_sigio(int sig)
{
	(void)sig;
	sigio_count++;
}

/*
 * Bringing the interface up makes its queues writable: a poller waiting
 * for POLLOUT wakes. Like tun, SIGIO comes with it only to a file whose
 * poll() found it unwritable.
 */
TEST_F(sock, up_wakes_writers)
{
	struct sigaction sa = { .sa_handler = count_sigio };

	ASSERT_EQ(0, tun_create(self->fd, IFF_TAP | IFF_NO_PI, self->ifname));
	ASSERT_EQ(0, sigaction(SIGIO, &sa, NULL));
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_ASYNC));

	sigio_count = 0;
	ASSERT_EQ(0, netdev_set_up(self->ifname, 1));
	EXPECT_EQ(0, sigio_count);

	ASSERT_EQ(0, netdev_set_up(self->ifname, 0));
	EXPECT_EQ(0, poll_out(self->fd, 0));
	ASSERT_EQ(0, netdev_set_up(self->ifname, 1));
	EXPECT_EQ(POLLOUT, poll_out(self->fd, CHARDEV_WAIT_MS));
	EXPECT_EQ(1, sigio_count);
}

/* A write that faults is a drop, counted in rx_dropped as by tun. */
TEST_F(sock, efault_write_counts_drop)
{
	void *nothing;
	long drops;

	ASSERT_EQ(0, tun_create(self->fd, IFF_TAP | IFF_NO_PI, self->ifname));
	nothing = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	ASSERT_NE(MAP_FAILED, nothing);
	drops = proc_net_dev(self->ifname, 3);
	EXPECT_EQ(-1, write(self->fd, nothing, TEST_FRAME_LEN));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(drops + 1, proc_net_dev(self->ifname, 3));
	munmap(nothing, 4096);
}

/* Like tun's: pread()/pwrite() ignore the offset; lseek() is refused. */
TEST_F(sock, pread_pwrite_nowait)
{
	unsigned char buf[64], got[128];
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(UDP_PORT),
	};
	struct iovec iov = { got, sizeof(got) };
	int sk;

	ASSERT_EQ(0, tun_create(self->fd, IFF_TUN | IFF_NO_PI, self->ifname));
	ASSERT_EQ(0, run_cmd("ip addr add 10.23.1.1/24 dev %s && "
			     "ip link set dev %s up", self->ifname));
	sk = udp_listener();
	ASSERT_LE(0, sk);

	EXPECT_EQ(-1, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);

	ASSERT_EQ((ssize_t)build_udp(buf, 7),
		  pwrite(self->fd, buf, build_udp(buf, 7), 12345));
	ASSERT_EQ(4, recv(sk, got, sizeof(got), 0));
	EXPECT_EQ(7, got[0]);

	EXPECT_EQ(-1, preadv2(self->fd, &iov, 1, -1, RWF_NOWAIT));
	/* 6.1's tun predates FMODE_NOWAIT; vpair has it everywhere */
	if (!(chardev_is_tun() && errno == EOPNOTSUPP))
		EXPECT_EQ(EAGAIN, errno);

	sin.sin_addr.s_addr = inet_addr("10.23.1.2");
	ASSERT_EQ(4, sendto(sk, "ping", 4, 0, (struct sockaddr *)&sin,
			    sizeof(sin)));
	EXPECT_EQ(32, pread(self->fd, got, sizeof(got), 54321));
	close(sk);
}

TEST_HARNESS_MAIN
