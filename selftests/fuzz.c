// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded random driver of vpair's user interfaces:
 *
 *	fuzz [--seed N] [--ops M] [--threads T]
 *
 * Each operation is one of: open or close a file of the char device;
 * TUNSETIFF with random flags; any TUN* or VPAIR* ioctl with random
 * arguments, in whatever state the file is (unattached, attached TUN or
 * TAP, multiqueue, detached, persistent, device deleted); write() of
 * random bytes behind a random tun_pi/virtio_net_hdr, or batched records
 * after VPAIRSETBATCH; read(); RTM_NEWLINK of kinds vpair and vtun with
 * random attributes (well-formed, then possibly mutated: lengths, bytes,
 * truncation), RTM_DELLINK; SIOCETHTOOL with random commands and buffers;
 * writes of random values to the interfaces' sysfs attributes. A quarter
 * of the operations run again from a child that is root only in a user
 * namespace of its own (uid 65534 outside).
 *
 * Safety: everything runs in new network, mount and PID namespaces (so
 * sysfs shows only this netns, and no pid names another process); the
 * interfaces it makes are named "fz*", and ethtool and sysfs writes go
 * only to those names; netlink requests never carry namespace attributes
 * (IFLA_NET_NS_PID/FD, IFLA_*NETNSID).
 *
 * It prints its seed first. With one thread (the default) a run is a pure
 * function of seed and ops: "--seed N --ops M" replays it exactly. With
 * T threads, thread i draws from the seed N + i, so each thread's
 * sequence of operations replays, but their interleaving (and so the
 * results) does not.
 *
 * VPAIR_STRESS sets the default of --ops: 1000 (make check), "full"
 * 200000, or a number. Passes if the kernel survives; errors of the
 * operations are their expected outcome.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <linux/virtio_net.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include "chardev_util.h"
#include "stress.h"
#ifdef HAVE_LINUX_VPAIR_H
#include <linux/vpair.h>
#endif
#ifndef VPAIRSETBATCH
#define VPAIRSETBATCH	_IOW('T', 0xf0, struct { __u32 a, b; })
#define VPAIRGETBATCH	_IOR('T', 0xf1, struct { __u32 a, b; })
#endif

#define NFILES		8
#define NNAMES		4
#define BUF_SIZE	4096

struct fuzzer {
	uint64_t rng;
	int fd[NFILES];
	int nl;
	long ops;
	unsigned char buf[BUF_SIZE];
};

static uint64_t rnd(struct fuzzer *f)
{
	f->rng ^= f->rng << 13;
	f->rng ^= f->rng >> 7;
	f->rng ^= f->rng << 17;
	return f->rng;
}

static unsigned int below(struct fuzzer *f, unsigned int n)
{
	return (unsigned int)(rnd(f) % n);
}

static void fill(struct fuzzer *f, void *p, size_t len)
{
	unsigned char *b = p;

	while (len--)
		*b++ = (unsigned char)rnd(f);
}

/* Random 32-bit numbers leaning to the edges. */
static uint32_t rnd_u32(struct fuzzer *f)
{
	static const uint32_t edge[] = { 0, 1, 2, 60, 68, 1500, 65535, 65536,
					 0x7fffffff, 0x80000000, 0xffffffff };

	return below(f, 2) ? edge[below(f, 11)] : (uint32_t)rnd(f);
}

static void rnd_name(struct fuzzer *f, char *name)
{
	snprintf(name, IFNAMSIZ, "fz%u", below(f, NNAMES));
}

static int *rnd_file(struct fuzzer *f)
{
	return &f->fd[below(f, NFILES)];
}

static void op_open_close(struct fuzzer *f)
{
	int *fd = rnd_file(f);

	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	} else {
		*fd = open_chardev(O_NONBLOCK);
	}
}

static const int iff_bits[] = {
	IFF_TUN, IFF_TAP, IFF_NO_PI, IFF_ONE_QUEUE, IFF_VNET_HDR,
	IFF_TUN_EXCL, IFF_MULTI_QUEUE, IFF_NAPI, IFF_NAPI_FRAGS,
	IFF_NO_CARRIER, IFF_PERSIST, 0x8000,
};

static void op_setiff(struct fuzzer *f)
{
	char name[IFNAMSIZ];
	struct ifreq ifr;
	int flags = 0, i, fd = *rnd_file(f);

	for (i = 0; i < 12; i++)
		if (below(f, 3) == 0)
			flags |= iff_bits[i];
	if (below(f, 2))
		flags = (flags & ~IFF_TUN) | IFF_TAP;
	rnd_name(f, name);
	ifr_prepare(&ifr, flags, below(f, 8) ? name : "");
	ioctl(fd, below(f, 4) ? TUNSETIFF : TUNSETQUEUE, &ifr);
}

static const unsigned long ioctls[] = {
	TUNSETNOCSUM, TUNSETDEBUG, TUNSETIFF, TUNSETPERSIST, TUNSETOWNER,
	TUNSETLINK, TUNSETGROUP, TUNGETFEATURES, TUNSETOFFLOAD,
	TUNSETTXFILTER, TUNGETIFF, TUNGETSNDBUF, TUNSETSNDBUF, TUNATTACHFILTER,
	TUNDETACHFILTER, TUNGETVNETHDRSZ, TUNSETVNETHDRSZ, TUNSETQUEUE,
	TUNSETIFINDEX, TUNGETFILTER, TUNSETVNETLE, TUNGETVNETLE, TUNSETVNETBE,
	TUNGETVNETBE, TUNSETSTEERINGEBPF, TUNSETFILTEREBPF, TUNSETCARRIER,
	TUNGETDEVNETNS, VPAIRSETBATCH, VPAIRGETBATCH, SIOCGIFHWADDR,
	SIOCSIFHWADDR, _IO('T', 0xee),
};

/* Any ioctl with a random argument: a number, or a random buffer. */
static void op_ioctl(struct fuzzer *f)
{
	unsigned long cmd = ioctls[below(f, sizeof(ioctls) / sizeof(ioctls[0]))];
	int fd = *rnd_file(f), ret;
	struct vpair_batch_arg { uint32_t max, flags; } *batch;

	fill(f, f->buf, 256);
	if (cmd == TUNSETIFF || cmd == TUNSETQUEUE || cmd == SIOCSIFHWADDR)
		rnd_name(f, (char *)f->buf);
	if (cmd == TUNATTACHFILTER || cmd == TUNGETFILTER) {
		/* struct sock_fprog: a short length, a pointer into buf */
		*(unsigned short *)f->buf = (unsigned short)below(f, 8);
		*(void **)(f->buf + 8) = f->buf + 64;
	}
	if (cmd == VPAIRSETBATCH && below(f, 2)) {
		batch = (void *)f->buf;
		batch->max = below(f, 40);
		batch->flags = below(f, 8) ? 0 : rnd_u32(f);
	}
	if (cmd == TUNSETSTEERINGEBPF || cmd == TUNSETFILTEREBPF)
		*(int *)f->buf = below(f, 2) ? -1 : (int)below(f, 64);
	if (below(f, 4))
		ret = ioctl(fd, cmd, f->buf);
	else
		ret = ioctl(fd, cmd, (unsigned long)rnd_u32(f));
	if (ret >= 0 && cmd == TUNGETDEVNETNS)
		close(ret);
}

/* A packet: random tun_pi, virtio_net_hdr and bytes, or batched records. */
static void op_write(struct fuzzer *f)
{
	size_t len = below(f, 4) ? below(f, 200) : below(f, BUF_SIZE);
	int fd = *rnd_file(f);
	size_t off = 0, n;

	fill(f, f->buf, len);
	if (below(f, 2) && len >= 4 + 12) {
		/* tun_pi then a plausible virtio_net_hdr */
		struct virtio_net_hdr_v1 *vh = (void *)(f->buf + 4);

		f->buf[0] = below(f, 2) ? 0 : f->buf[0];
		vh->flags = (uint8_t)below(f, 8);
		vh->gso_type = (uint8_t)(below(f, 2) ? 0 : below(f, 6));
		vh->hdr_len = (uint16_t)below(f, 128);
		vh->csum_start = (uint16_t)below(f, 128);
		vh->csum_offset = (uint16_t)below(f, 32);
	}
	if (below(f, 4) == 0) {
		/* records of a batch */
		while (off + 8 < len) {
			n = below(f, 128);
			*(uint32_t *)(f->buf + off) =
				below(f, 8) ? (uint32_t)n : rnd_u32(f);
			*(uint32_t *)(f->buf + off + 4) = below(f, 8) ? 0 :
							  (uint32_t)rnd(f);
			off += (8 + n + 7) & ~7UL;
		}
	}
	n = (size_t)write(fd, f->buf, len);
	(void)n;
}

static void op_read(struct fuzzer *f)
{
	ssize_t n = read(*rnd_file(f), f->buf, below(f, 2) ? below(f, 64) :
			 BUF_SIZE);

	(void)n;
}

/* Netlink attributes into f->buf at *@off. */
static struct nlattr *put_attr(struct fuzzer *f, size_t *off, int type,
			       const void *data, size_t len)
{
	struct nlattr *a = (void *)(f->buf + *off);

	if (*off + NLA_HDRLEN + len + 4 > BUF_SIZE)
		return NULL;
	a->nla_type = (unsigned short)type;
	a->nla_len = (unsigned short)(NLA_HDRLEN + len);
	if (data)
		memcpy(a + 1, data, len);
	else
		fill(f, a + 1, len);
	*off += NLA_ALIGN(a->nla_len);
	return a;
}

static void end_nest(struct fuzzer *f, struct nlattr *a, size_t off)
{
	if (a)
		a->nla_len = (unsigned short)(f->buf + off - (unsigned char *)a);
}

/* Link attributes that never name another namespace. */
static int safe_ifla(int type)
{
	return type != IFLA_NET_NS_PID && type != IFLA_NET_NS_FD &&
	       type != IFLA_LINK_NETNSID && type != IFLA_NEW_NETNSID &&
	       type != 46 /* IFLA_TARGET_NETNSID */ && type != IFLA_LINKINFO;
}

static void put_random_attrs(struct fuzzer *f, size_t *off, int max_type,
			     int ifla)
{
	unsigned int i, n = below(f, 4);
	uint32_t v;
	int type;

	for (i = 0; i < n; i++) {
		type = (int)below(f, (unsigned int)max_type + 2);
		if (ifla && !safe_ifla(type))
			continue;
		v = rnd_u32(f);
		if (below(f, 2))
			put_attr(f, off, type, &v, below(f, 2) ? 4 : 1);
		else
			put_attr(f, off, type, NULL, below(f, 24));
	}
}

/* The ifinfomsg and IFLA_IFNAME of a link: pair peers nest them too. */
static void put_link(struct fuzzer *f, size_t *off)
{
	struct ifinfomsg ifm = { .ifi_family = AF_UNSPEC };
	char name[IFNAMSIZ];

	if (below(f, 8) == 0)
		ifm.ifi_flags = rnd_u32(f);
	memcpy(f->buf + *off, &ifm, sizeof(ifm));
	*off += sizeof(ifm);
	rnd_name(f, name);
	put_attr(f, off, IFLA_IFNAME, name, strlen(name) + 1);
}

static void op_newlink(struct fuzzer *f)
{
	struct nlmsghdr *nh = (void *)f->buf;
	const char *kind = below(f, 2) ? "vpair" : "vtun";
	struct nlattr *info, *data, *peer;
	size_t off = NLMSG_HDRLEN;
	unsigned int i;
	uint32_t v;

	memset(f->buf, 0, 512);
	nh->nlmsg_type = RTM_NEWLINK;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE |
			  (below(f, 2) ? NLM_F_EXCL : 0);
	put_link(f, &off);
	put_random_attrs(f, &off, IFLA_MAX, 1);
	info = put_attr(f, &off, IFLA_LINKINFO, NULL, 0);
	put_attr(f, &off, IFLA_INFO_KIND, kind, strlen(kind) + 1);
	data = put_attr(f, &off, IFLA_INFO_DATA, NULL, 0);
	if (kind[1] == 'p' && below(f, 2)) {
		peer = put_attr(f, &off, 1 /* VPAIR_INFO_PEER */, NULL, 0);
		put_link(f, &off);
		put_random_attrs(f, &off, IFLA_MAX, 1);
		end_nest(f, peer, off);
	}
	if (kind[1] == 't') {
		v = below(f, 4);	/* IFLA_TUN_TYPE: IFF_TUN, IFF_TAP */
		put_attr(f, &off, IFLA_TUN_TYPE, &v, 1);
	}
	put_random_attrs(f, &off, 10, 0);
	end_nest(f, data, off);
	end_nest(f, info, off);
	nh->nlmsg_len = (uint32_t)off;
	/* Mutations: bytes past the headers, a truncated message. */
	for (i = below(f, 3) ? 0 : below(f, 4) + 1; i; i--)
		f->buf[NLMSG_HDRLEN + sizeof(struct ifinfomsg) +
		       below(f, (unsigned int)(off - NLMSG_HDRLEN -
					       sizeof(struct ifinfomsg)))] =
			(unsigned char)rnd(f);
	if (below(f, 8) == 0)
		nh->nlmsg_len = NLMSG_HDRLEN + below(f, (unsigned int)off);
	if (send(f->nl, f->buf, nh->nlmsg_len, 0) > 0)
		while (recv(f->nl, f->buf, BUF_SIZE, MSG_DONTWAIT) > 0)
			;
}

static void op_dellink(struct fuzzer *f)
{
	char name[IFNAMSIZ];
	unsigned int idx;

	rnd_name(f, name);
	idx = if_nametoindex(name);
	if (idx)
		rtnl_dellink((int)idx);
}

static const uint32_t ethtool_cmds[] = {
	ETHTOOL_GSET, ETHTOOL_GDRVINFO, ETHTOOL_GLINK, ETHTOOL_GCHANNELS,
	ETHTOOL_SCHANNELS, ETHTOOL_GRINGPARAM, ETHTOOL_SRINGPARAM,
	ETHTOOL_GSTRINGS, ETHTOOL_GSSET_INFO, ETHTOOL_GSTATS, ETHTOOL_GLINKSETTINGS,
	ETHTOOL_SLINKSETTINGS, ETHTOOL_GMSGLVL, ETHTOOL_SMSGLVL, ETHTOOL_GFEATURES,
	ETHTOOL_SFEATURES, ETHTOOL_GCOALESCE, ETHTOOL_SCOALESCE, ETHTOOL_GPERMADDR,
};

static void op_ethtool(struct fuzzer *f)
{
	struct ifreq ifr;
	char name[IFNAMSIZ];

	rnd_name(f, name);
	fill(f, f->buf, 512);
	*(uint32_t *)f->buf = ethtool_cmds[below(f, sizeof(ethtool_cmds) /
						 sizeof(ethtool_cmds[0]))];
	/* Small counts, so that the kernel's copies stay small. */
	*(uint32_t *)(f->buf + 4) = below(f, 4) ? below(f, 8) : rnd_u32(f);
	*(uint32_t *)(f->buf + 8) = below(f, 8);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = (void *)f->buf;
	if_ioctl(name, SIOCETHTOOL, &ifr);
}

static void op_sysfs(struct fuzzer *f)
{
	static const char * const attrs[] = {
		"mtu", "tx_queue_len", "flags", "carrier", "ifalias", "group",
		"napi_defer_hard_irqs", "gro_flush_timeout", "proto_down",
		"queues/tx-0/tx_maxrate", "queues/rx-0/rps_cpus",
	};
	char path[128], name[IFNAMSIZ], val[32];

	rnd_name(f, name);
	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", name,
		 attrs[below(f, sizeof(attrs) / sizeof(attrs[0]))]);
	snprintf(val, sizeof(val), below(f, 2) ? "%u" : "%#x", rnd_u32(f));
	write_str(path, val);
}

static void (*const ops[])(struct fuzzer *) = {
	op_open_close, op_setiff, op_setiff, op_ioctl, op_ioctl, op_ioctl,
	op_write, op_write, op_read, op_newlink, op_newlink, op_dellink,
	op_ethtool, op_sysfs,
};

static void fuzz(uint64_t seed, long n)
{
	struct fuzzer *f = calloc(1, sizeof(*f));
	long i;

	if (!f)
		return;
	f->rng = seed * 2654435761ULL + 1;
	for (i = 0; i < NFILES; i++)
		f->fd[i] = -1;
	f->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	for (i = 0; i < n; i++)
		ops[below(f, sizeof(ops) / sizeof(ops[0]))](f);
	for (i = 0; i < NFILES; i++)
		if (f->fd[i] >= 0)
			close(f->fd[i]);
	close(f->nl);
	free(f);
}

struct thread_arg {
	uint64_t seed;
	long ops;
	pthread_t thread;
};

static void *fuzz_thread(void *p)
{
	struct thread_arg *t = p;

	fuzz(t->seed, t->ops);
	return NULL;
}

/* Namespaces of our own, and a sysfs that shows only their netdevs. */
static int isolate(void)
{
	if (unshare(CLONE_NEWNET | CLONE_NEWNS))
		return -1;
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("sysfs", "/sys", "sysfs", 0, NULL))
		return -1;
	quiet_ipv6();
	return 0;
}

/* A user namespace's root (uid 65534 outside) in a netns of its own. */
static void fuzz_unprivileged(uint64_t seed, long n)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534) ||
		    unshare(CLONE_NEWUSER | CLONE_NEWNET))
			_exit(0);	/* no user namespaces: nothing to do */
		fuzz(seed, n);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static int run(uint64_t seed, long n, int threads)
{
	struct thread_arg *t = calloc((size_t)threads, sizeof(*t));
	int i;

	if (!t || isolate()) {
		printf("# cannot isolate: %s\n", strerror(errno));
		return 4;
	}
	for (i = 0; i < threads; i++) {
		t[i] = (struct thread_arg){ .seed = seed + (uint64_t)i,
					    .ops = n * 3 / 4 / threads };
		if (pthread_create(&t[i].thread, NULL, fuzz_thread, &t[i]))
			return 1;
	}
	for (i = 0; i < threads; i++)
		pthread_join(t[i].thread, NULL);
	fuzz_unprivileged(seed, n - n * 3 / 4);
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	long ops = stress_count(1000, 200000);
	uint64_t seed = (uint64_t)time(NULL) ^ (uint64_t)getpid();
	int i, status, threads = 1;
	pid_t pid;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--ops"))
			ops = strtol(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--threads"))
			threads = atoi(argv[i + 1]) > 0 ? atoi(argv[i + 1]) : 1;
	}
	printf("TAP version 13\n1..1\n# seed %llu ops %ld threads %d\n",
	       (unsigned long long)seed, ops, threads);
	fflush(stdout);
	if (getuid() || chardev_missing()) {
		printf("ok 1 # SKIP needs root and %s\n", chardev_path());
		return 4;
	}
	/* PID 1 of a new PID namespace: pids name nothing outside. */
	if (unshare(CLONE_NEWPID))
		return 1;
	pid = fork();
	if (pid == 0)
		_exit(run(seed, ops, threads));
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		printf("not ok 1 fuzz: seed %llu\n", (unsigned long long)seed);
		return 1;
	}
	printf("ok 1 %ld operations survived (seed %llu)\n", ops,
	       (unsigned long long)seed);
	return 0;
}
