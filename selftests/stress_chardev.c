// SPDX-License-Identifier: GPL-2.0
/*
 * Stress of the char device's lifecycle with traffic in flight:
 *
 * - orderings: a multiqueue TAP with two queues, frames written and read
 *   on both and sent into it through a packet socket, then the four
 *   operations close(queue 0), close(queue 1), RTM_DELLINK and
 *   TUNSETQUEUE detach of queue 0, each from a thread of its own: in each
 *   of the 24 orders one after the other, and all at once; half the
 *   rounds on a persistent device;
 * - netns teardown: the same device and traffic, the device moved into a
 *   namespace whose last process is then killed; and a process that owns
 *   the namespace, the files and the writing threads killed as a whole;
 * - changes under traffic: MTU, txqueuelen (ring resizes), TUNSETSNDBUF
 *   and, with VPAIR_STRESS_XDP=1, XDP programs (attach, swap, detach) on
 *   a TAP while frames are written, read and sent into it. Off by
 *   default: swapping a program under writes can oops in the XDP
 *   dispatcher's int3 under multi-threaded TCG, an open investigation.
 *
 * Every round must end with the device gone. After each test, the slab
 * usage of the skbuff and kmalloc caches returns to where it was
 * (stress.h); the run's end checks that the module unloads.
 *
 * VPAIR_STRESS: rounds (default: a few seconds under TCG; "full": every
 * ordering 1000 times sequenced and 1000 times racing, 1000 netns rounds,
 * 1000 changes). VPAIR_DEV=/dev/net/tun runs the same against tun.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/wait.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#pragma GCC diagnostic ignored "-Wclobbered"

#include "chardev_util.h"
#include "chardev_pkt.h"
#include "stress.h"

#define MQ_FLAGS	(IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE)
#define N_OPS		4
#define N_ORDERS	24	/* N_OPS! */
/* Seconds a test may take: the full run under a debug kernel is long. */
#define STRESS_TIMEOUT	(4 * 3600)

enum op { OP_CLOSE0, OP_CLOSE1, OP_DELETE, OP_DETACH0 };

static const char * const op_names[N_OPS] = {
	"close(0)", "close(1)", "delete", "detach(0)",
};

/* A multiqueue TAP with two queues and the threads sending through it. */
struct stressed {
	char name[IFNAMSIZ];
	unsigned int ifindex;
	int fd[2];
	int pkt;
	int devnull;
	atomic_int stop;
	pthread_t traffic[3];
	int nthreads;
	struct queue_arg {
		struct stressed *s;
		int fd;
	} queue[2];
};

/* Write and read frames on one queue until told to stop. */
static void *queue_traffic(void *arg)
{
	struct queue_arg *q = arg;
	unsigned char frame[TEST_FRAME_LEN], buf[2048];
	struct stressed *s = q->s;
	int fd = q->fd;
	ssize_t n;

	build_test_frame(frame, sizeof(frame), NULL, (unsigned char)fd);
	while (!atomic_load(&s->stop)) {
		n = write(fd, frame, sizeof(frame));
		n = read(fd, buf, sizeof(buf));
		(void)n;
	}
	return NULL;
}

/* Send frames into the device (its transmit, the queues' rings). */
static void *packet_traffic(void *arg)
{
	struct stressed *s = arg;
	unsigned char frame[TEST_FRAME_LEN];
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_halen = ETH_ALEN,
	};
	ssize_t n;

	sll.sll_ifindex = (int)s->ifindex;
	memset(sll.sll_addr, 0xff, ETH_ALEN);
	build_test_frame(frame, sizeof(frame), NULL, 7);
	while (!atomic_load(&s->stop)) {
		n = sendto(s->pkt, frame, sizeof(frame), MSG_DONTWAIT,
			   (struct sockaddr *)&sll, sizeof(sll));
		if (n < 0)
			usleep(100);
	}
	return NULL;
}

static int start_thread(struct stressed *s, void *(*fn)(void *), void *arg)
{
	if (pthread_create(&s->traffic[s->nthreads], NULL, fn, arg))
		return -1;
	s->nthreads++;
	return 0;
}

/* Create the device, bring it up and start its traffic: 0 or -1. */
static int stressed_start(struct stressed *s, int persist)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->fd[0] = s->fd[1] = s->pkt = -1;
	s->devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	s->fd[0] = tun_open_attach(s->name, MQ_FLAGS);
	if (s->fd[0] < 0)
		return -1;
	s->fd[1] = tun_open_attach(s->name, MQ_FLAGS);
	if (s->fd[1] < 0)
		return -1;
	if (persist && ioctl(s->fd[0], TUNSETPERSIST, 1))
		return -1;
	fcntl(s->fd[0], F_SETFL, O_NONBLOCK);
	fcntl(s->fd[1], F_SETFL, O_NONBLOCK);
	s->ifindex = if_nametoindex(s->name);
	if (!s->ifindex || netdev_set_up(s->name, 1))
		return -1;
	s->pkt = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (s->pkt < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		s->queue[i] = (struct queue_arg){ .s = s, .fd = s->fd[i] };
		if (start_thread(s, queue_traffic, &s->queue[i]))
			return -1;
	}
	if (start_thread(s, packet_traffic, s))
		return -1;
	return 0;
}

/*
 * Stop the traffic, close what is left and wait for the device to go
 * (deleting it if it is persistent and still there): 1 if it went.
 */
static int stressed_end(struct stressed *s)
{
	int i;

	atomic_store(&s->stop, 1);
	for (i = 0; i < s->nthreads; i++)
		pthread_join(s->traffic[i], NULL);
	for (i = 0; i < 2; i++)
		if (s->fd[i] >= 0)
			close(s->fd[i]);
	if (s->pkt >= 0)
		close(s->pkt);
	if (s->devnull >= 0)
		close(s->devnull);
	if (!s->ifindex)
		return 1;
	if (ifindex_gone(s->ifindex, CHARDEV_WAIT_MS))
		return 1;
	rtnl_dellink((int)s->ifindex);
	ifindex_gone(s->ifindex, CHARDEV_WAIT_MS);
	return 0;
}

/*
 * Close queue @i while its thread may be in a read or write: dup2() puts
 * /dev/null in its place, so that the thread never uses a reused number.
 */
static int close_queue(struct stressed *s, int i)
{
	return dup2(s->devnull, s->fd[i]) < 0 ? errno : 0;
}

static int allowed(int err, const int *ok, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (err == ok[i])
			return 1;
	return 0;
}

/* Do @op: 0 if its result is one the ordering allows, else the errno. */
static int do_op(struct stressed *s, enum op op)
{
	/* After a delete, a detach or a close: tun's answers. */
	static const int detach_ok[] = { 0, EBADFD, ENOTTY, EINVAL, ENODEV };
	static const int delete_ok[] = { 0, -ENODEV };
	struct ifreq ifr;
	int err;

	switch (op) {
	case OP_CLOSE0:
		return close_queue(s, 0);
	case OP_CLOSE1:
		return close_queue(s, 1);
	case OP_DELETE:
		err = rtnl_dellink((int)s->ifindex);
		return allowed(err, delete_ok, 2) ? 0 : -err;
	case OP_DETACH0:
		ifr_prepare(&ifr, IFF_DETACH_QUEUE, NULL);
		err = ioctl(s->fd[0], TUNSETQUEUE, &ifr) ? errno : 0;
		return allowed(err, detach_ok, 5) ? 0 : err;
	}
	return EINVAL;
}

/* The operations of one round, a thread each. */
struct op_thread {
	struct stressed *s;
	pthread_barrier_t *go;
	atomic_int *turn;
	int pos;		/* in the order; -1: all at once */
	enum op op;
	int err;
	pthread_t thread;
};

static void *op_run(void *arg)
{
	struct op_thread *t = arg;

	pthread_barrier_wait(t->go);
	while (t->pos >= 0 && atomic_load(t->turn) != t->pos)
		sched_yield();
	t->err = do_op(t->s, t->op);
	atomic_fetch_add(t->turn, 1);
	return NULL;
}

/* The @k-th permutation of the operations, in @order. */
static void permutation(int k, enum op *order)
{
	int pool[N_OPS] = { 0, 1, 2, 3 };
	int i, j, n = N_OPS, f;

	for (i = 0; i < N_OPS; i++) {
		for (f = 1, j = 2; j < n; j++)
			f *= j;
		j = k / f;
		k %= f;
		order[i] = (enum op)pool[j];
		memmove(&pool[j], &pool[j + 1], (n - j - 1) * sizeof(int));
		n--;
	}
}

/* Run @order (sequenced, or all at once if @race); errors in @why. */
static int run_order(struct stressed *s, const enum op *order, int race,
		     char *why, size_t whylen)
{
	struct op_thread t[N_OPS];
	pthread_barrier_t go;
	atomic_int turn = 0;
	int i, ret = 0;

	pthread_barrier_init(&go, NULL, N_OPS);
	for (i = 0; i < N_OPS; i++) {
		t[i] = (struct op_thread){ .s = s, .go = &go, .turn = &turn,
					   .pos = race ? -1 : i,
					   .op = order[i] };
		if (pthread_create(&t[i].thread, NULL, op_run, &t[i]))
			abort();
	}
	for (i = 0; i < N_OPS; i++) {
		pthread_join(t[i].thread, NULL);
		if (t[i].err && !ret) {
			snprintf(why, whylen, "%s: %s", op_names[order[i]],
				 strerror(abs(t[i].err)));
			ret = -1;
		}
	}
	pthread_barrier_destroy(&go);
	return ret;
}

FIXTURE(stress) {
	long slab_base;
};

FIXTURE_SETUP(stress)
{
	self->slab_base = -1;
	if (enter_netns())
		SKIP(return, "unshare(CLONE_NEWNET): %s", strerror(errno));
	if (chardev_missing())
		SKIP(return, "%s: %s", chardev_path(), strerror(errno));
	self->slab_base = slab_bytes();
}

/* The slab usage is back under the baseline plus the slack. */
FIXTURE_TEARDOWN(stress)
{
	long now;

	if (self->slab_base < 0)
		return;
	now = slab_settle(self->slab_base);
	TH_LOG("slab: %ld KiB before, %ld KiB after", self->slab_base / 1024,
	       now / 1024);
	EXPECT_GE(self->slab_base + SLAB_SLACK_BYTES, now);
}

/* One round of an order: 0, or -1 with the reason logged. */
static int order_round(struct __test_metadata *_metadata, int k, int race,
		       int persist)
{
	enum op order[N_OPS];
	struct stressed s;
	char why[128] = "";
	int ret;

	permutation(k, order);
	if (stressed_start(&s, persist)) {
		TH_LOG("setting up: %s", strerror(errno));
		stressed_end(&s);
		return -1;
	}
	ret = run_order(&s, order, race, why, sizeof(why));
	if (!stressed_end(&s)) {
		snprintf(why, sizeof(why), "device still there");
		ret = -1;
	}
	if (ret)
		TH_LOG("order %s %s %s %s%s%s: %s", op_names[order[0]],
		       op_names[order[1]], op_names[order[2]],
		       op_names[order[3]], race ? " (racing)" : "",
		       persist ? " (persistent)" : "", why);
	return ret;
}

TEST_F_TIMEOUT(stress, orderings, STRESS_TIMEOUT)
{
	long i, rounds = stress_count(1, 1000) * N_ORDERS * 2;
	int failed = 0;

	for (i = 0; i < rounds && failed < 5; i++)
		failed += order_round(_metadata, (int)(i / 2 % N_ORDERS),
				      (int)(i & 1), (int)(i / 48 & 1)) ? 1 : 0;
	TH_LOG("%ld rounds", i);
	EXPECT_EQ(0, failed);
}

/* Move @ifindex into the netns of @pid; 0 or -1. */
static int move_to_netns(const char *name, pid_t pid)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "ip link set dev %s netns %d", name,
		 (int)pid);
	return system(cmd) ? -1 : 0;
}

/* A child in a new netns that waits to be killed; its pid, or -1. */
static pid_t netns_holder(void)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		c = unshare(CLONE_NEWNET) ? 'n' : 'y';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1 || c != 'y') {
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		pid = -1;
	}
	close(p[0]);
	return pid;
}

/* The device goes with its namespace while both queues are busy. */
static int teardown_moved_round(struct __test_metadata *_metadata)
{
	struct stressed s;
	pid_t holder;
	int ret = -1;

	holder = netns_holder();
	if (holder < 0) {
		TH_LOG("netns holder: %s", strerror(errno));
		return -1;
	}
	if (stressed_start(&s, 0) || move_to_netns(s.name, holder)) {
		TH_LOG("setting up: %s", strerror(errno));
		kill(holder, SIGKILL);
		goto out;
	}
	s.ifindex = 0;		/* no longer ours to watch */
	usleep(1000);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	holder = 0;
	/* The device goes with the namespace: the queues see it gone. */
	ret = -1;
	for (int i = 0; i < CHARDEV_WAIT_MS / 10; i++) {
		if (getiff_flags(s.fd[0]) == -EBADFD) {
			ret = 0;
			break;
		}
		usleep(10000);
	}
	if (ret)
		TH_LOG("the queue never saw its device go with the netns");
out:
	if (holder > 0)
		waitpid(holder, NULL, 0);
	stressed_end(&s);
	return ret;
}

/* A process that owns netns, device, files and threads dies whole. */
static int teardown_owner_round(struct __test_metadata *_metadata)
{
	int p[2], status;
	struct stressed s;
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		c = enter_netns() || stressed_start(&s, (int)(getpid() & 1)) ?
		    'n' : 'y';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1 || c != 'y') {
		TH_LOG("child could not set up");
		c = 'n';
	}
	close(p[0]);
	if (pid > 0) {
		usleep(1000);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	return c == 'y' ? 0 : -1;
}

TEST_F_TIMEOUT(stress, netns_teardown, STRESS_TIMEOUT)
{
	long i, rounds = stress_count(6, 1000);
	int failed = 0;

	for (i = 0; i < rounds && failed < 5; i++)
		failed += (i & 1 ? teardown_owner_round(_metadata) :
			   teardown_moved_round(_metadata)) ? 1 : 0;
	TH_LOG("%ld rounds", i);
	EXPECT_EQ(0, failed);
}

static int set_ifreq_int(const char *name, unsigned long req, int val)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_mtu = val;	/* ifr_qlen shares the field */
	return if_ioctl(name, req, &ifr);
}

/* One change of the device under traffic: 0 or -1 with errno. */
static int change(struct stressed *s, long i, int xdp)
{
	static const char * const acts[] = { "pass", "drop", "tx", "off" };
	static const int mtus[] = { 68, 1500, 9000, 576 };
	static const int qlens[] = { 1, 1000, 16, 4096 };
	char cmd[4352];
	int sndbuf;

	switch (i % 4) {
	case 0:
		return set_ifreq_int(s->name, SIOCSIFMTU, mtus[i / 4 % 4]);
	case 1:
		return set_ifreq_int(s->name, SIOCSIFTXQLEN, qlens[i / 4 % 4]);
	case 2:
		sndbuf = i / 4 % 2 ? 4096 : 0x7fffffff;
		return ioctl(s->fd[i / 8 % 2], TUNSETSNDBUF, &sndbuf);
	}
	if (!xdp)
		return 0;
	if (!strcmp(acts[i / 4 % 4], "off"))
		snprintf(cmd, sizeof(cmd), "ip link set dev %s xdpdrv off",
			 s->name);
	else
		snprintf(cmd, sizeof(cmd),
			 "ip -force link set dev %s xdpdrv obj %s sec xdp",
			 s->name, xdp_obj(acts[i / 4 % 4]));
	return system(cmd) ? -1 : 0;
}

TEST_F_TIMEOUT(stress, changes_under_traffic, STRESS_TIMEOUT)
{
	long i, rounds = stress_count(24, 1000);
	const char *want = getenv("VPAIR_STRESS_XDP");
	struct stressed s;
	int failed = 0;
	int xdp;

	xdp = !access(xdp_obj("pass"), R_OK) && want && !strcmp(want, "1");
	ASSERT_EQ(0, stressed_start(&s, 0))
		TH_LOG("setting up: %s", strerror(errno));
	for (i = 0; i < rounds && failed < 5; i++) {
		if (change(&s, i, xdp)) {
			TH_LOG("change %ld: %s", i, strerror(errno));
			failed++;
		}
	}
	TH_LOG("%ld changes%s", i, xdp ? " with XDP" : "");
	EXPECT_EQ(1, stressed_end(&s));
	EXPECT_EQ(0, failed);
}

TEST_HARNESS_MAIN
