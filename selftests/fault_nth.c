// SPDX-License-Identifier: GPL-2.0
/*
 * Every allocation failure the set-up paths of vpair can meet, one at a
 * time: for each operation below, and n = 1, 2, ..., the test thread has
 * the kernel fail the n-th allocation on its way that passes through the
 * module's code (/proc/thread-self/fail-nth, with failslab's and
 * fail_page_alloc's stack filter on the module's addresses, FAIL_DEPTH
 * frames deep), runs the operation, and checks that it either succeeded
 * or failed with an errno and left no device behind, then undoes it. The
 * walk of an operation
 * ends at the first n that its run no longer reaches. Only failures in
 * the test thread's own context are injected (not in softirqs or
 * workqueues), and no other task's allocations fail.
 *
 * Needs a kernel with fault injection and debugfs (the debug kernel of
 * make check-debug); skips elsewhere. The kernel log marks the span, as
 * check-guest.sh does for its fuzz run: a failed page allocation prints a
 * call trace there that is not a splat.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <sys/socket.h>

/* The harness has an unused handler parameter; keep -Wextra for our code. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
/* The harness's per-test wrapper forks after setjmp(): its own local. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "chardev_util.h"
#include "rtnl.h"

#define DEBUGFS		"/sys/kernel/debug"
#define FAIL_NTH	"/proc/thread-self/fail-nth"
/* More failure points than any operation has: a walk that gets here is stuck. */
#define MAX_NTH		2000
/*
 * How many frames of an allocation's stack the filter looks at for the
 * module: the allocator's own and about six more. That takes in what the
 * module allocates and what the helpers it calls allocate themselves, but
 * not the hundreds of allocations deep inside register_netdevice()
 * (kobjects, sysctls, notifiers), whose failures all reach the module as
 * one error code and would make a walk take hours on the debug kernel.
 */
#define FAIL_DEPTH	"10"

static const char * const fault_dirs[] = { "failslab", "fail_page_alloc" };

static int write_file(const char *path, const char *val)
{
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -1;
	close(fd);
	return ret;
}

static int fault_attr(const char *dir, const char *attr, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), DEBUGFS "/%s/%s", dir, attr);
	return write_file(path, val);
}

/* The module's text and data: [*start, *end). */
static int module_range(unsigned long *start, unsigned long *end)
{
	char line[256], name[64];
	unsigned long size, base;
	FILE *f;
	int ret = -1;

	f = fopen("/proc/modules", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lu %*s %*s %*s %lx", name, &size,
			   &base) == 3 && !strcmp(name, "vpair") && base) {
			*start = base;
			*end = base + size;
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

/*
 * Filter failslab and fail_page_alloc on the module's addresses, with
 * probability 0: only the fail-nth of a task makes an allocation fail.
 */
static int fault_filter_on(unsigned long start, unsigned long end)
{
	char a[32], b[32];
	unsigned int i;
	int ret = 0;

	snprintf(a, sizeof(a), "0x%lx", start);
	snprintf(b, sizeof(b), "0x%lx", end);
	for (i = 0; i < ARRAY_SIZE(fault_dirs); i++) {
		const char *d = fault_dirs[i];

		ret |= fault_attr(d, "probability", "0");
		ret |= fault_attr(d, "require-start", a);
		ret |= fault_attr(d, "require-end", b);
		ret |= fault_attr(d, "stacktrace-depth", FAIL_DEPTH);
		ret |= fault_attr(d, "ignore-gfp-wait", "N");
		ret |= fault_attr(d, "verbose", "0");
	}
	ret |= fault_attr("fail_page_alloc", "ignore-gfp-highmem", "N");
	ret |= fault_attr("fail_page_alloc", "min-order", "0");
	return ret;
}

static void fault_filter_off(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fault_dirs); i++) {
		fault_attr(fault_dirs[i], "require-start", "0");
		fault_attr(fault_dirs[i], "require-end", "0");
		fault_attr(fault_dirs[i], "stacktrace-depth", "0");
	}
}

static void mark_log(const char *text)
{
	write_file("/dev/kmsg", text);
}

static int set_fail_nth(unsigned int n)
{
	char v[16];

	snprintf(v, sizeof(v), "%u", n);
	return write_file(FAIL_NTH, v);
}

/* What is left of the count: not 0 when the n-th point was not reached. */
static unsigned int fail_nth_left(void)
{
	char v[16] = "";
	int fd;

	fd = open(FAIL_NTH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (read(fd, v, sizeof(v) - 1) < 0)
		v[0] = 0;
	close(fd);
	return (unsigned int)strtoul(v, NULL, 10);
}

/* --- requests ---------------------------------------------------------- */

/* RTM_NEWLINK of kind @kind named @name; @peer names a vpair's peer. */
static int newlink(const char *kind, const char *name, const char *peer,
		   unsigned int queues, int tun_type)
{
	struct ifinfomsg ifm = { .ifi_family = AF_UNSPEC };
	struct rtattr *info, *data, *p;
	unsigned char persist = 1;
	struct nlreq r;

	nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	nl_put_str(&r, IFLA_IFNAME, name);
	if (queues) {
		nl_put_u32(&r, IFLA_NUM_TX_QUEUES, queues);
		nl_put_u32(&r, IFLA_NUM_RX_QUEUES, queues);
	}
	info = nl_put(&r, IFLA_LINKINFO, NULL, 0);
	nl_put_str(&r, IFLA_INFO_KIND, kind);
	data = nl_put(&r, IFLA_INFO_DATA, NULL, 0);
	if (peer) {
		p = nl_put(&r, 1 /* VPAIR_INFO_PEER */, &ifm, sizeof(ifm));
		nl_put_str(&r, IFLA_IFNAME, peer);
		nl_nest_end(&r, p);
	} else {
		nl_put(&r, IFLA_TUN_TYPE, &tun_type, 1);
		nl_put(&r, IFLA_TUN_PERSIST, &persist, 1);
	}
	nl_nest_end(&r, data);
	nl_nest_end(&r, info);
	return -nl_talk(&r.nh);
}

/* Native XDP program @prog_fd (-1: none) on @name. */
static int set_xdp(const char *name, int prog_fd)
{
	struct rtattr *xdp;
	struct nlreq r;

	nl_init(&r, RTM_SETLINK, 0);
	r.ifm.ifi_index = (int)if_nametoindex(name);
	xdp = nl_put(&r, IFLA_XDP, NULL, 0);
	nl_put_u32(&r, IFLA_XDP_FD, (__u32)prog_fd);
	if (prog_fd >= 0)
		nl_put_u32(&r, IFLA_XDP_FLAGS, XDP_FLAGS_DRV_MODE);
	nl_nest_end(&r, xdp);
	return -nl_talk(&r.nh);
}

static int dellink(const char *name)
{
	unsigned int idx = if_nametoindex(name);

	return idx ? rtnl_dellink((int)idx) : -ENODEV;
}

static int xdp_pass_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, insns, 2);
}

static int ethtool(const char *name, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = cmd;
	return if_ioctl(name, SIOCETHTOOL, &ifr) ? -errno : 0;
}

static int set_gro(const char *name, unsigned int on)
{
	struct ethtool_value v = { .cmd = ETHTOOL_SGRO, .data = on };

	return ethtool(name, &v);
}

/* --- the operations ---------------------------------------------------- */

/*
 * An operation: set_up (outside the injection, once per walk) makes what
 * it needs; run is what the failures hit (0 or a negative errno); undo
 * takes back what run did, whether it succeeded or not; tear_down takes
 * back set_up. A run that creates a device (creates) must leave none when
 * it fails.
 */
struct op {
	const char *name;
	int (*set_up)(void);
	int (*run)(void);
	void (*undo)(void);
	void (*tear_down)(void);
	int creates;
};

static int xdp_fd = -1;
static int cfd[2] = { -1, -1 };

static int pair_new(void)
{
	return newlink("vpair", "fna", "fnb", 2, 0);
}

static void pair_del(void)
{
	dellink("fna");
}

static int pair_up(void)
{
	int ret = pair_new();

	if (ret)
		return ret;
	if (netdev_set_up("fna", 1) || netdev_set_up("fnb", 1))
		return -errno;
	return 0;
}

static int pair_link_up(void)
{
	int ret = newlink("vpair", "fna", "fnb", 0, 0);

	if (ret)
		return ret;
	if (netdev_set_up("fna", 1) || netdev_set_up("fnb", 1))
		return -errno;
	return 0;
}

static int pair_xdp_on(void)
{
	return set_xdp("fnb", xdp_fd);
}

static void pair_xdp_off(void)
{
	set_xdp("fnb", -1);
}

static int pair_gro_on(void)
{
	return set_gro("fnb", 1);
}

static void pair_gro_off(void)
{
	set_gro("fnb", 0);
}

static int pair_up_gro(void)
{
	return pair_up() ?: set_gro("fnb", 1);
}

/* ETHTOOL_SRINGPARAM of @name's rx ring to @size. */
static int set_rx_ring(const char *name, unsigned int size)
{
	struct ethtool_ringparam rp = { .cmd = ETHTOOL_GRINGPARAM };
	int ret = ethtool(name, &rp);

	if (ret)
		return ret;
	rp.cmd = ETHTOOL_SRINGPARAM;
	rp.rx_pending = size;
	return ethtool(name, &rp);
}

static int pair_ring_set_up(void)
{
	return pair_up_gro() ?: set_rx_ring("fnb", 256);
}

static int pair_rings(void)
{
	return set_rx_ring("fnb", 1024);
}

static void pair_rings_back(void)
{
	set_rx_ring("fnb", 256);
}

/* ETHTOOL_SCHANNELS of @name to @n queues. */
static int set_channels(const char *name, unsigned int n)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	int ret = ethtool(name, &ch);

	if (ret)
		return ret;
	ch.cmd = ETHTOOL_SCHANNELS;
	if (ch.max_combined) {
		ch.combined_count = n;
	} else {
		ch.rx_count = n;
		ch.tx_count = n;
	}
	return ethtool(name, &ch);
}

/* A pair of two queues each, the end fnb using one. */
static int pair_one_channel(void)
{
	return pair_up() ?: set_channels("fnb", 1);
}

static int pair_channels(void)
{
	return set_channels("fnb", 2);
}

static void pair_channels_back(void)
{
	set_channels("fnb", 1);
}

static void nothing(void)
{
}

static int tap_mq_open(void)
{
	char name[IFNAMSIZ] = "fnq";

	cfd[0] = open_chardev(O_RDWR);
	if (cfd[0] < 0)
		return -errno;
	return tun_attach(cfd[0], IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE,
			  name) ? -errno : 0;
}

/* The second queue of a multiqueue TAP (tap_napi walks a create). */
static int tap_mq_attach(void)
{
	char name[IFNAMSIZ] = "fnq";

	cfd[1] = open_chardev(O_RDWR);
	if (cfd[1] < 0)
		return -errno;
	return tun_attach(cfd[1], IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE,
			  name) ? -errno : 0;
}

static void close_queue1(void)
{
	if (cfd[1] >= 0)
		close(cfd[1]);
	cfd[1] = -1;
}

static void close_chardevs(void)
{
	int i;

	for (i = 0; i < 2; i++)
		if (cfd[i] >= 0)
			close(cfd[i]);
	cfd[0] = -1;
	cfd[1] = -1;
}

static int tap_napi(void)
{
	char name[IFNAMSIZ] = "fnn";

	cfd[0] = open_chardev(O_RDWR);
	if (cfd[0] < 0)
		return -errno;
	return tun_attach(cfd[0], IFF_TAP | IFF_NO_PI | IFF_NAPI |
			  IFF_NAPI_FRAGS, name) ? -errno : 0;
}

static int tap_open(void)
{
	char name[IFNAMSIZ] = "fnt";

	cfd[0] = open_chardev(O_RDWR);
	if (cfd[0] < 0)
		return -errno;
	if (tun_attach(cfd[0], IFF_TAP | IFF_NO_PI, name) ||
	    netdev_set_up(name, 1))
		return -errno;
	return 0;
}

static int tap_write(void)
{
	unsigned char frame[TEST_FRAME_LEN];

	build_test_frame(frame, sizeof(frame), NULL, 1);
	return write(cfd[0], frame, sizeof(frame)) < 0 ? -errno : 0;
}

static int vtun_new(void)
{
	return newlink("vtun", "fnv", NULL, 0, IFF_TAP);
}

static void vtun_del(void)
{
	dellink("fnv");
}

static int no_set_up(void)
{
	return 0;
}

static const struct op ops[] = {
	{ "pair create", no_set_up, pair_new, pair_del, nothing, 1 },
	{ "pair XDP attach", pair_link_up, pair_xdp_on, pair_xdp_off, pair_del, 0 },
	{ "pair GRO on (NAPI mode)", pair_link_up, pair_gro_on, pair_gro_off,
	  pair_del, 0 },
	{ "pair ring size", pair_ring_set_up, pair_rings, pair_rings_back,
	  pair_del, 0 },
	{ "pair channels", pair_one_channel, pair_channels, pair_channels_back,
	  pair_del, 0 },
	{ "TAP second queue attach", tap_mq_open, tap_mq_attach, close_queue1,
	  close_chardevs, 0 },
	{ "TAP with IFF_NAPI", no_set_up, tap_napi, close_chardevs, nothing, 1 },
	{ "TAP write", tap_open, tap_write, nothing, close_chardevs, 0 },
	{ "vtun newlink", no_set_up, vtun_new, vtun_del, nothing, 1 },
};

FIXTURE(fault) {
	int devs;
	int armed;
};

FIXTURE_SETUP(fault)
{
	unsigned long start, end;

	if (access(DEBUGFS "/failslab", F_OK) ||
	    access(DEBUGFS "/fail_page_alloc", F_OK) ||
	    access(FAIL_NTH, F_OK))
		SKIP(return, "no fault injection in this kernel");
	if (chardev_missing() || module_range(&start, &end))
		SKIP(return, "vpair is not loaded as a module");
	ASSERT_EQ(0, enter_netns());
	quiet_ipv6();
	xdp_fd = xdp_pass_prog();
	ASSERT_LE(0, xdp_fd) TH_LOG("loading an XDP program: %s",
				    strerror(errno));
	ASSERT_EQ(0, fault_filter_on(start, end));
	self->devs = netdev_count();
	mark_log("vpair-check: fault injection on");
	self->armed = 1;
}

FIXTURE_TEARDOWN(fault)
{
	if (!self->armed)
		return;
	set_fail_nth(0);
	mark_log("vpair-check: fault injection off");
	fault_filter_off();
	if (xdp_fd >= 0)
		close(xdp_fd);
}

/*
 * One step of a walk: run @op with its @n-th failure point failing, and
 * undo it. 1 when the run no longer reaches that point, 0 when it did, -1
 * with the reason in @why when something is wrong.
 */
static int step(const struct op *op, unsigned int n, char *why, size_t whylen)
{
	int ret, base = netdev_count();
	unsigned int left;

	set_fail_nth(n);
	ret = op->run();
	left = fail_nth_left();
	set_fail_nth(0);
	if (left && ret) {
		snprintf(why, whylen, "no failure injected, yet %s", strerror(-ret));
		return -1;
	}
	if (ret && op->creates && netdev_count() != base) {
		snprintf(why, whylen, "allocation %u failed it (%s), yet a device was left",
			 n, strerror(-ret));
		return -1;
	}
	op->undo();
	if (netdev_count() != base) {
		snprintf(why, whylen, "allocation %u failed (%s): %d netdevs undone, not %d",
			 n, ret ? strerror(-ret) : "no error", netdev_count(), base);
		return -1;
	}
	return left ? 1 : 0;
}

/*
 * Walk @op's failure points on one set-up (what a failure left must not
 * keep the next run from working): the number it had, or -1 with the
 * reason in @why.
 */
static int walk(const struct op *op, int devs, char *why, size_t whylen)
{
	unsigned int n;
	int ret;

	ret = op->set_up();
	if (ret) {
		snprintf(why, whylen, "setting up: %s", strerror(-ret));
		op->tear_down();
		return -1;
	}
	for (n = 1; n <= MAX_NTH; n++) {
		ret = step(op, n, why, whylen);
		if (ret)
			break;
	}
	op->tear_down();
	if (ret < 0)
		return -1;
	if (n > MAX_NTH) {
		snprintf(why, whylen, "more than %d failure points", MAX_NTH);
		return -1;
	}
	if (netdev_count() != devs) {
		snprintf(why, whylen, "%d netdevs at the end, not %d",
			 netdev_count(), devs);
		return -1;
	}
	return (int)n - 1;
}

TEST_F_TIMEOUT(fault, every_allocation_failure, 3600)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		char why[256] = "";
		int n;

		n = walk(&ops[i], self->devs, why, sizeof(why));
		EXPECT_LE(0, n) TH_LOG("%s: %s", ops[i].name, why);
		EXPECT_LT(0, n) TH_LOG("%s: no allocation of the module failed",
				       ops[i].name);
		TH_LOG("%s: %d failure points", ops[i].name, n);
	}
}

TEST_HARNESS_MAIN
