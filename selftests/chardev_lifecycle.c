// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle of char-device interfaces, which must match Linux's tun:
 *
 * - the five close/delete/detach orderings of a multiqueue device covered
 *   by Linux's own tun selftest (and a sixth: a detached queue keeps the
 *   device alive), one by one and from two threads at once, many times;
 * - queue operations racing with the deletion of the same device;
 * - the last close of a non-persistent device deletes it, a persistent one
 *   survives and is attached again by name;
 * - deleting a device ("ip link del") wakes readers blocked in read() with
 *   an error (EFAULT, as tun) and pollers with POLLERR; afterwards every
 *   call on the file returns EBADFD.
 *
 * VPAIR_DEV selects the device (default /dev/net/vpair); /dev/net/tun runs
 * the same tests against tun. Every test runs in its own network namespace.
 */

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

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

#define MQ_FLAGS	(IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE)
#define SQ_FLAGS	(IFF_TAP | IFF_NO_PI)
/* Time budget of each threaded test, and its minimum number of rounds. */
#define STRESS_MS	3000
#define STRESS_MIN	10
/*
 * The harness's limit for them: the minimum rounds take minutes on a debug
 * kernel under emulation (over the default 30 s there).
 */
#define STRESS_TIMEOUT	900
/* How long a thread must sleep to count as blocked in read() or poll(). */
#define BLOCK_MS	100

/* A multiqueue device with two attached queues. */
struct mq_dev {
	char name[IFNAMSIZ];
	unsigned int ifindex;
	int fd[2];
};

static int mq_create(struct mq_dev *mq)
{
	memset(mq->name, 0, sizeof(mq->name));
	mq->fd[1] = -1;
	mq->fd[0] = tun_open_attach(mq->name, MQ_FLAGS);
	if (mq->fd[0] < 0)
		return -1;
	mq->fd[1] = tun_open_attach(mq->name, MQ_FLAGS);
	if (mq->fd[1] < 0)
		return -1;
	mq->ifindex = if_nametoindex(mq->name);
	return mq->ifindex ? 0 : -1;
}

static void mq_close(struct mq_dev *mq)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (mq->fd[i] >= 0)
			close(mq->fd[i]);
		mq->fd[i] = -1;
	}
}

/* Close @fd and forget it; 0 on success. */
static int close_fd(int *fd)
{
	int ret = close(*fd);

	*fd = -1;
	return ret;
}

static int exists(const struct mq_dev *mq)
{
	char name[IFNAMSIZ];

	return !!if_indextoname(mq->ifindex, name);
}

/*
 * The orderings of close, delete and detach. Each returns 0 when every
 * step gave tun's result, else the number of the first failing step, and
 * logs what went wrong into @why.
 */
enum ordering {
	DELETE_DETACH_CLOSE,
	DETACH_DELETE_CLOSE,
	DETACH_CLOSE_DELETE,
	REATTACH_DELETE_CLOSE,
	REATTACH_CLOSE_DELETE,
	DETACH_CLOSEOTHER_CLOSE,
	NR_ORDERINGS
};

static const char * const ordering_names[NR_ORDERINGS] = {
	"delete_detach_close", "detach_delete_close", "detach_close_delete",
	"reattach_delete_close", "reattach_close_delete",
	"detach_closeother_close",
};

#define STEP(cond, fmt, ...) do {					\
	step++;								\
	if (!(cond)) {							\
		snprintf(why, whylen, "step %d: " fmt " (errno %s)",	\
			 step, ##__VA_ARGS__, strerror(errno));		\
		return step;						\
	}								\
} while (0)

static int step_detach(struct mq_dev *mq, char *why, size_t whylen)
{
	int step = 0, flags;

	STEP(tun_setqueue(mq->fd[0], mq->name, IFF_DETACH_QUEUE) == 0,
	     "TUNSETQUEUE(IFF_DETACH_QUEUE) failed");
	flags = getiff_flags(mq->fd[0]);
	STEP(flags >= 0 && (flags & IFF_DETACH_QUEUE),
	     "TUNGETIFF of a detached queue: %d, no IFF_DETACH_QUEUE", flags);
	STEP(tun_setqueue(mq->fd[0], mq->name, IFF_DETACH_QUEUE) == -1 &&
	     errno == EINVAL, "detaching a detached queue did not give EINVAL");
	return 0;
}

static int step_reattach(struct mq_dev *mq, char *why, size_t whylen)
{
	int step = 10, flags;

	STEP(tun_setqueue(mq->fd[0], mq->name, IFF_ATTACH_QUEUE) == 0,
	     "TUNSETQUEUE(IFF_ATTACH_QUEUE) failed");
	flags = getiff_flags(mq->fd[0]);
	STEP(flags >= 0 && !(flags & IFF_DETACH_QUEUE),
	     "TUNGETIFF after re-attaching: %d", flags);
	STEP(tun_setqueue(mq->fd[0], mq->name, IFF_ATTACH_QUEUE) == -1 &&
	     errno == EINVAL, "attaching an attached queue did not give EINVAL");
	return 0;
}

static int step_delete(struct mq_dev *mq, char *why, size_t whylen)
{
	int step = 20, ret;

	ret = rtnl_dellink((int)mq->ifindex);
	errno = ret < 0 ? -ret : 0;
	STEP(ret == 0, "RTM_DELLINK of %s failed", mq->name);
	STEP(ifindex_gone(mq->ifindex, CHARDEV_WAIT_MS),
	     "%s still exists after RTM_DELLINK", mq->name);
	STEP(getiff_flags(mq->fd[1]) == -EBADFD,
	     "TUNGETIFF on a queue of a deleted device: not EBADFD");
	return 0;
}

static int run_ordering(enum ordering o, struct mq_dev *mq, char *why,
			size_t whylen)
{
	int step = 30, ret = 0;

	switch (o) {
	case DELETE_DETACH_CLOSE:
		ret = step_delete(mq, why, whylen);
		if (ret)
			return ret;
		STEP(tun_setqueue(mq->fd[0], mq->name, IFF_DETACH_QUEUE) == -1 &&
		     errno == EINVAL,
		     "detaching from a deleted device did not give EINVAL");
		STEP(tun_setqueue(mq->fd[0], mq->name, IFF_ATTACH_QUEUE) == -1 &&
		     errno == EINVAL,
		     "attaching to a deleted device did not give EINVAL");
		break;
	case DETACH_DELETE_CLOSE:
		ret = step_detach(mq, why, whylen) ?: step_delete(mq, why, whylen);
		if (ret)
			return ret;
		STEP(getiff_flags(mq->fd[0]) == -EBADFD,
		     "TUNGETIFF on the detached queue of a deleted device: not EBADFD");
		break;
	case DETACH_CLOSE_DELETE:
		ret = step_detach(mq, why, whylen);
		if (ret)
			return ret;
		STEP(close_fd(&mq->fd[0]) == 0, "close of the detached queue");
		STEP(exists(mq), "device gone while a queue is still attached");
		ret = step_delete(mq, why, whylen);
		break;
	case REATTACH_DELETE_CLOSE:
		ret = step_detach(mq, why, whylen) ?:
		      step_reattach(mq, why, whylen) ?:
		      step_delete(mq, why, whylen);
		break;
	case REATTACH_CLOSE_DELETE:
		ret = step_detach(mq, why, whylen) ?:
		      step_reattach(mq, why, whylen);
		if (ret)
			return ret;
		STEP(close_fd(&mq->fd[0]) == 0, "close of the re-attached queue");
		STEP(exists(mq), "device gone while a queue is still attached");
		ret = step_delete(mq, why, whylen);
		break;
	case DETACH_CLOSEOTHER_CLOSE:
		ret = step_detach(mq, why, whylen);
		if (ret)
			return ret;
		STEP(close_fd(&mq->fd[1]) == 0, "close of the attached queue");
		STEP(exists(mq), "device gone while a detached queue is open");
		STEP(close_fd(&mq->fd[0]) == 0, "close of the detached queue");
		STEP(ifindex_gone(mq->ifindex, CHARDEV_WAIT_MS),
		     "device still exists after its last queue was closed");
		break;
	default:
		break;
	}
	if (ret)
		return ret;
	step = 40;
	STEP(mq->fd[0] < 0 || close_fd(&mq->fd[0]) == 0, "final close of fd 0");
	STEP(mq->fd[1] < 0 || close_fd(&mq->fd[1]) == 0, "final close of fd 1");
	STEP(ifindex_gone(mq->ifindex, CHARDEV_WAIT_MS),
	     "device still exists after everything was closed");
	return 0;
}

/* One ordering on a fresh device: 0 or the failing step, logged. */
static int one_ordering(enum ordering o, char *why, size_t whylen)
{
	struct mq_dev mq;
	int ret;

	if (mq_create(&mq)) {
		snprintf(why, whylen, "creating a multiqueue device: %s",
			 strerror(errno));
		mq_close(&mq);
		return 100;
	}
	ret = run_ordering(o, &mq, why, whylen);
	mq_close(&mq);
	return ret;
}

/* A new single-queue tap: its fd, @name and @ifindex. */
static int sq_create(struct __test_metadata *_metadata, char *name,
		     unsigned int *ifindex)
{
	int fd = tun_open_attach(name, SQ_FLAGS);

	ASSERT_LE(0, fd) TH_LOG("TUNSETIFF: %s", strerror(errno));
	*ifindex = if_nametoindex(name);
	return fd;
}

/* A file of the char device, opened in a network namespace of its own. */
FIXTURE(chardev) {
	int fd;
};

FIXTURE_SETUP(chardev)
{
	self->fd = -1;
	if (enter_netns())
		SKIP(return, "unshare(CLONE_NEWNET): %s", strerror(errno));
	self->fd = open_chardev(0);
	ASSERT_LE(0, self->fd) TH_LOG("open(%s): %s", chardev_path(),
				      strerror(errno));
}

FIXTURE_TEARDOWN(chardev)
{
	if (self->fd >= 0)
		close(self->fd);
}

#define ORDERING_TEST(_o, _name)					\
TEST_F(chardev, _name)							\
{									\
	char why[256] = "";						\
									\
	EXPECT_EQ(0, one_ordering(_o, why, sizeof(why)))		\
		TH_LOG("%s: %s", ordering_names[_o], why);		\
}

ORDERING_TEST(DELETE_DETACH_CLOSE, delete_detach_close)
ORDERING_TEST(DETACH_DELETE_CLOSE, detach_delete_close)
ORDERING_TEST(DETACH_CLOSE_DELETE, detach_close_delete)
ORDERING_TEST(REATTACH_DELETE_CLOSE, reattach_delete_close)
ORDERING_TEST(REATTACH_CLOSE_DELETE, reattach_close_delete)
ORDERING_TEST(DETACH_CLOSEOTHER_CLOSE, detach_closeother_close)

/* --- the orderings from two threads at once --------------------------- */

struct worker {
	pthread_t thread;
	struct timespec start;
	int rounds;
	int failed;
	char why[256];
};

static void *orderings_worker(void *arg)
{
	struct worker *w = arg;

	while (!w->failed &&
	       (w->rounds < STRESS_MIN || ms_since(&w->start) < STRESS_MS)) {
		enum ordering o = (enum ordering)(w->rounds % NR_ORDERINGS);
		char why[200] = "";

		if (one_ordering(o, why, sizeof(why))) {
			snprintf(w->why, sizeof(w->why), "round %d, %s: %s",
				 w->rounds, ordering_names[o], why);
			w->failed = 1;
		}
		w->rounds++;
	}
	return NULL;
}

TEST_F_TIMEOUT(chardev, orderings_two_threads, STRESS_TIMEOUT)
{
	struct worker w[2];
	int i;

	memset(w, 0, sizeof(w));
	for (i = 0; i < 2; i++) {
		clock_gettime(CLOCK_MONOTONIC, &w[i].start);
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL,
					    orderings_worker, &w[i]));
	}
	for (i = 0; i < 2; i++) {
		pthread_join(w[i].thread, NULL);
		TH_LOG("thread %d: %d rounds", i, w[i].rounds);
		EXPECT_EQ(0, w[i].failed) TH_LOG("thread %d: %s", i, w[i].why);
		EXPECT_LE(STRESS_MIN, w[i].rounds);
	}
}

/* --- queue operations racing with the deletion of the device ---------- */

struct race {
	pthread_barrier_t barrier;
	struct mq_dev mq;
	int variant;
	int del_ret;
	int op_errno[3];
};

static int errno_of(int ret)
{
	return ret ? errno : 0;
}

static void *race_deleter(void *arg)
{
	struct race *r = arg;

	pthread_barrier_wait(&r->barrier);
	r->del_ret = rtnl_dellink((int)r->mq.ifindex);
	return NULL;
}

/* Thread running the queue side of one round, while the device goes. */
static void *race_queue_ops(void *arg)
{
	struct race *r = arg;
	struct mq_dev *mq = &r->mq;

	pthread_barrier_wait(&r->barrier);
	switch (r->variant) {
	case 0:	/* detach, attach again, close */
		r->op_errno[0] = errno_of(tun_setqueue(mq->fd[0], mq->name,
						       IFF_DETACH_QUEUE));
		r->op_errno[1] = errno_of(tun_setqueue(mq->fd[0], mq->name,
						       IFF_ATTACH_QUEUE));
		r->op_errno[2] = errno_of(close_fd(&mq->fd[0]));
		break;
	case 1:	/* detach, close the other queue, close */
		r->op_errno[0] = errno_of(tun_setqueue(mq->fd[0], mq->name,
						       IFF_DETACH_QUEUE));
		r->op_errno[1] = errno_of(close_fd(&mq->fd[1]));
		r->op_errno[2] = errno_of(close_fd(&mq->fd[0]));
		break;
	default: /* close both */
		r->op_errno[0] = errno_of(close_fd(&mq->fd[1]));
		r->op_errno[1] = errno_of(close_fd(&mq->fd[0]));
		break;
	}
	return NULL;
}

/*
 * One round: a fresh device, its deletion in one thread and queue
 * operations in another. Results depend on who wins, but each must be
 * one tun can give, and the device must be gone at the end.
 */
static int race_round(int variant, char *why, size_t whylen)
{
	pthread_t t1, t2;
	struct race r;
	int i, step = 0;

	memset(&r, 0, sizeof(r));
	r.variant = variant;
	if (mq_create(&r.mq)) {
		snprintf(why, whylen, "creating a multiqueue device: %s",
			 strerror(errno));
		mq_close(&r.mq);
		return 100;
	}
	pthread_barrier_init(&r.barrier, NULL, 2);
	pthread_create(&t1, NULL, race_deleter, &r);
	pthread_create(&t2, NULL, race_queue_ops, &r);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	pthread_barrier_destroy(&r.barrier);
	mq_close(&r.mq);

	errno = r.del_ret < 0 ? -r.del_ret : 0;
	/* Closing every queue deletes the device too: then ENODEV. */
	STEP(r.del_ret == 0 || (variant && r.del_ret == -ENODEV),
	     "variant %d: RTM_DELLINK gave %d", variant, r.del_ret);
	for (i = 0; i < 3; i++) {
		errno = r.op_errno[i];
		STEP(r.op_errno[i] == 0 || r.op_errno[i] == EINVAL,
		     "variant %d: queue operation %d", variant, i);
	}
	STEP(ifindex_gone(r.mq.ifindex, CHARDEV_WAIT_MS),
	     "variant %d: device still exists", variant);
	return 0;
}

TEST_F_TIMEOUT(chardev, race_delete_vs_queue_ops, STRESS_TIMEOUT)
{
	struct timespec start;
	char why[256] = "";
	int rounds = 0, ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!ret && (rounds < STRESS_MIN || ms_since(&start) < STRESS_MS)) {
		ret = race_round(rounds % 3, why, sizeof(why));
		rounds++;
	}
	TH_LOG("%d rounds", rounds);
	EXPECT_EQ(0, ret) TH_LOG("round %d: %s", rounds - 1, why);
}

/* --- last close, persistence ------------------------------------------ */

TEST_F(chardev, last_close_deletes)
{
	char name[IFNAMSIZ] = "";
	unsigned int ifindex;
	int fd;

	fd = sq_create(_metadata, name, &ifindex);
	ASSERT_NE(0U, ifindex);
	ASSERT_EQ(0, netdev_set_up(name, 1));
	ASSERT_EQ(0, close(fd));
	EXPECT_TRUE(ifindex_gone(ifindex, CHARDEV_WAIT_MS))
		TH_LOG("%s still exists after its last close", name);
}

TEST_F(chardev, last_close_deletes_mq)
{
	struct mq_dev mq;

	ASSERT_EQ(0, mq_create(&mq)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, close_fd(&mq.fd[0]));
	EXPECT_TRUE(exists(&mq)) TH_LOG("deleted while a queue is attached");
	ASSERT_EQ(0, close_fd(&mq.fd[1]));
	EXPECT_TRUE(ifindex_gone(mq.ifindex, CHARDEV_WAIT_MS))
		TH_LOG("%s still exists after its last close", mq.name);
}

TEST_F(chardev, persist_survives_and_reattaches)
{
	char name[IFNAMSIZ] = "", again[IFNAMSIZ];
	unsigned int ifindex;
	int fd, fd2, flags;
	struct ifreq ifr;

	fd = sq_create(_metadata, name, &ifindex);
	ASSERT_EQ(0, ioctl(fd, TUNSETPERSIST, 1))
		TH_LOG("TUNSETPERSIST: %s", strerror(errno));
	flags = getiff_flags(fd);
	EXPECT_EQ(IFF_PERSIST, flags & IFF_PERSIST) TH_LOG("flags %d", flags);
	ASSERT_EQ(0, close(fd));

	usleep(100000);
	EXPECT_EQ(ifindex, if_nametoindex(name))
		TH_LOG("persistent %s is gone after close", name);

	/* Attached again by name: same device, still persistent. */
	memcpy(again, name, IFNAMSIZ);
	fd = tun_open_attach(again, SQ_FLAGS);
	ASSERT_LE(0, fd) TH_LOG("re-attaching %s: %s", name, strerror(errno));
	EXPECT_STREQ(name, again);
	EXPECT_EQ(ifindex, if_nametoindex(name));
	flags = getiff_flags(fd);
	EXPECT_EQ(IFF_TAP | IFF_NO_PI | IFF_PERSIST,
		  flags & (IFF_TAP | IFF_TUN | IFF_NO_PI | IFF_PERSIST))
		TH_LOG("flags 0x%x", flags);

	/* A second file cannot attach to the single queue. */
	fd2 = open_chardev(0);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(-1, tun_setiff(fd2, SQ_FLAGS, name, &ifr));
	EXPECT_EQ(EBUSY, errno);
	close(fd2);

	/* Not persistent any more: the last close deletes it. */
	ASSERT_EQ(0, ioctl(fd, TUNSETPERSIST, 0));
	flags = getiff_flags(fd);
	EXPECT_EQ(0, flags & IFF_PERSIST);
	ASSERT_EQ(0, close(fd));
	EXPECT_TRUE(ifindex_gone(ifindex, CHARDEV_WAIT_MS))
		TH_LOG("%s still exists after TUNSETPERSIST 0 and close", name);
}

/* Re-attaching a persistent device needs the same type and queue mode. */
TEST_F(chardev, persist_reattach_mismatch)
{
	char name[IFNAMSIZ] = "";
	unsigned int ifindex;
	struct ifreq ifr;
	int fd;

	fd = sq_create(_metadata, name, &ifindex);
	ASSERT_EQ(0, ioctl(fd, TUNSETPERSIST, 1));
	ASSERT_EQ(0, close(fd));

	fd = open_chardev(0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, tun_setiff(fd, IFF_TUN | IFF_NO_PI, name, &ifr));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tun_setiff(fd, MQ_FLAGS, name, &ifr));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, tun_setiff(fd, SQ_FLAGS | IFF_TUN_EXCL, name, &ifr));
	EXPECT_EQ(EBUSY, errno);
	/* The failed attempts left the file unattached. */
	EXPECT_EQ(-EBADFD, getiff_flags(fd));
	EXPECT_EQ(ifindex, if_nametoindex(name));

	/* Persistent devices go with "ip link del". */
	EXPECT_EQ(0, rtnl_dellink((int)ifindex));
	EXPECT_TRUE(ifindex_gone(ifindex, CHARDEV_WAIT_MS));
	close(fd);
}

/* --- deletion wakes readers and pollers ------------------------------- */

static void on_sigusr1(int sig)
{
	(void)sig;
}

struct blocker {
	pthread_t thread;
	int fd;
	int use_poll;
	ssize_t ret;
	int err;
	short revents;
	/* read and written with __atomic builtins */
	int tid;
	int done;
};

static void *blocker_fn(void *arg)
{
	struct blocker *b = arg;
	char buf[2048];

	__atomic_store_n(&b->tid, (int)syscall(SYS_gettid), __ATOMIC_RELEASE);
	if (b->use_poll) {
		struct pollfd pfd = { .fd = b->fd, .events = POLLIN };

		b->ret = poll(&pfd, 1, 10 * CHARDEV_WAIT_MS);
		b->revents = pfd.revents;
	} else {
		b->ret = read(b->fd, buf, sizeof(buf));
	}
	b->err = errno;
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Wait for @b to return; interrupt it with a signal if it does not. */
static int blocker_wait(struct blocker *b)
{
	struct timespec start;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!__atomic_load_n(&b->done, __ATOMIC_ACQUIRE) &&
	       ms_since(&start) < CHARDEV_WAIT_MS)
		usleep(10000);
	if (!__atomic_load_n(&b->done, __ATOMIC_ACQUIRE)) {
		pthread_kill(b->thread, SIGUSR1);
		pthread_join(b->thread, NULL);
		return 0;
	}
	pthread_join(b->thread, NULL);
	return 1;
}

/* Is the thread @tid of this process asleep (state S)? */
static int thread_sleeping(int tid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* "tid (comm) S ..." */
	return p && p[1] == ' ' && p[2] == 'S';
}

/* Wait until @b sleeps, for a while (so in read() or poll()). */
static int blocker_asleep(struct blocker *b)
{
	struct timespec start;
	int tid, quiet = 0;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (ms_since(&start) < CHARDEV_WAIT_MS) {
		if (__atomic_load_n(&b->done, __ATOMIC_ACQUIRE))
			return 0;
		tid = __atomic_load_n(&b->tid, __ATOMIC_ACQUIRE);
		quiet = tid && thread_sleeping(tid) ? quiet + 1 : 0;
		if (quiet * 10 >= BLOCK_MS)
			return 1;
		usleep(10000);
	}
	return 0;
}

static void start_blockers(struct __test_metadata *_metadata,
			   struct blocker *b, int n)
{
	struct sigaction sa;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;	/* no SA_RESTART: EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, pthread_create(&b[i].thread, NULL, blocker_fn,
					    &b[i]));
	for (i = 0; i < n; i++)
		ASSERT_TRUE(blocker_asleep(&b[i]))
			TH_LOG("thread %d did not block (returned %zd: %s)", i,
			       b[i].ret, strerror(b[i].err));
}

/* After deletion: every call on @fd says EBADFD, poll says POLLERR. */
static void check_dead_fd(struct __test_metadata *_metadata, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };
	unsigned char buf[64] = { 0 };
	unsigned int features = 0;
	struct ifreq ifr;

	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(EBADFD, errno);
	EXPECT_EQ(-1, write(fd, buf, sizeof(buf)));
	EXPECT_EQ(EBADFD, errno);
	memset(&ifr, 0, sizeof(ifr));
	EXPECT_EQ(-1, ioctl(fd, TUNGETIFF, &ifr));
	EXPECT_EQ(EBADFD, errno);
	EXPECT_EQ(-1, ioctl(fd, TUNSETPERSIST, 1));
	EXPECT_EQ(EBADFD, errno);
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLERR, pfd.revents);
	/* Device-independent calls still work. */
	EXPECT_EQ(0, ioctl(fd, TUNGETFEATURES, &features));
}

static void delete_wakes(struct __test_metadata *_metadata, int use_poll,
			 int multiqueue)
{
	struct blocker b[2];
	struct mq_dev mq;
	int i, n = multiqueue ? 2 : 1;

	memset(b, 0, sizeof(b));
	if (multiqueue) {
		ASSERT_EQ(0, mq_create(&mq)) TH_LOG("%s", strerror(errno));
	} else {
		memset(mq.name, 0, sizeof(mq.name));
		mq.fd[1] = -1;
		mq.fd[0] = tun_open_attach(mq.name, SQ_FLAGS);
		ASSERT_LE(0, mq.fd[0]) TH_LOG("TUNSETIFF: %s", strerror(errno));
		mq.ifindex = if_nametoindex(mq.name);
	}
	ASSERT_EQ(0, netdev_set_up(mq.name, 1));
	for (i = 0; i < n; i++) {
		b[i].fd = mq.fd[i];
		b[i].use_poll = use_poll;
	}
	start_blockers(_metadata, b, n);

	ASSERT_EQ(0, rtnl_dellink((int)mq.ifindex));
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(blocker_wait(&b[i]))
			TH_LOG("queue %d: %s not woken by the deletion", i,
			       use_poll ? "poll()" : "read()");
		if (use_poll) {
			EXPECT_EQ(1, b[i].ret);
			EXPECT_EQ(POLLERR, b[i].revents & POLLERR)
				TH_LOG("revents 0x%x", b[i].revents);
		} else {
			/* tun's blocked read ends with EFAULT. */
			EXPECT_EQ(-1, b[i].ret);
			EXPECT_EQ(EFAULT, b[i].err)
				TH_LOG("read: %s", strerror(b[i].err));
		}
	}
	EXPECT_TRUE(ifindex_gone(mq.ifindex, CHARDEV_WAIT_MS));
	for (i = 0; i < n; i++)
		check_dead_fd(_metadata, mq.fd[i]);
	mq_close(&mq);
}

TEST_F(chardev, delete_wakes_reader)
{
	delete_wakes(_metadata, 0, 0);
}

TEST_F(chardev, delete_wakes_readers_mq)
{
	delete_wakes(_metadata, 0, 1);
}

TEST_F(chardev, delete_under_poll)
{
	delete_wakes(_metadata, 1, 0);
}

TEST_F(chardev, delete_under_poll_mq)
{
	delete_wakes(_metadata, 1, 1);
}

/* A file whose device was deleted can create a new device (as tun). */
TEST_F(chardev, deleted_then_setiff)
{
	char name[IFNAMSIZ] = "";
	unsigned int ifindex;
	struct ifreq ifr;
	int fd;

	fd = sq_create(_metadata, name, &ifindex);
	ASSERT_EQ(0, rtnl_dellink((int)ifindex));
	ASSERT_TRUE(ifindex_gone(ifindex, CHARDEV_WAIT_MS));
	EXPECT_EQ(-EBADFD, getiff_flags(fd));

	ASSERT_EQ(0, tun_setiff(fd, SQ_FLAGS, "", &ifr))
		TH_LOG("TUNSETIFF after deletion: %s", strerror(errno));
	ifindex = if_nametoindex(ifr.ifr_name);
	EXPECT_NE(0U, ifindex);
	EXPECT_LE(0, getiff_flags(fd));
	close(fd);
	EXPECT_TRUE(ifindex_gone(ifindex, CHARDEV_WAIT_MS));
}

int main(int argc, char **argv)
{
	if (chardev_missing()) {
		ksft_print_header();
		ksft_exit_skip("%s: %s\n", chardev_path(), strerror(errno));
	}
	return test_harness_run(argc, argv);
}
