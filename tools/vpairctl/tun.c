// SPDX-License-Identifier: GPL-2.0
/*
 * vpairctl: char-device interfaces -- tap, tun, features.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/vpair.h>

#include "vpairctl.h"

#define MAX_QUEUES	256

struct tuntap_args {
	const char	*name;
	unsigned int	flags;
	int		persist;	/* -1: hold the device open */
	bool		has_owner;
	bool		has_group;
	uid_t		owner;
	gid_t		group;
	uint32_t	queues;
};

static const char tuntap_usage[] =
"Usage: vpairctl tap|tun NAME [persist|nopersist] [owner USER] [group GROUP]\n"
"                            [multi-queue N] [pi] [vnet-hdr]\n"
"Creates the interface NAME (a template like vtap%%d is allowed) on the\n"
"char device, or attaches to it if it exists, and prints its name.\n"
"A new persistent interface of /dev/net/vpair is created over rtnetlink\n"
"(kind vtun, no queue opened), any other through the device's ioctls.\n"
"  persist      keep it after vpairctl exits (TUNSETPERSIST 1)\n"
"  nopersist    clear persistence: the interface goes when vpairctl exits\n"
"  (neither)    hold it open until vpairctl is interrupted\n"
"  owner, group who may attach without CAP_NET_ADMIN (name or number)\n"
"  multi-queue  open N queues (IFF_MULTI_QUEUE)\n"
"  pi           keep the packet information header (no IFF_NO_PI)\n"
"  vnet-hdr     IFF_VNET_HDR\n"
"The device is --dev PATH, $VPAIR_DEV or /dev/net/vpair.\n";

static const char features_usage[] =
"Usage: vpairctl [--json] features\n"
"Prints the flags TUNGETFEATURES reports for the char device.\n";

/*
 * Opens the char device and attaches to (or creates) @name with @flags.
 * Stores the interface's name in @ifname (IFNAMSIZ). Returns the fd or
 * -1 after printing the error.
 */
int tun_attach(const char *name, unsigned int flags, char *ifname)
{
	struct ifreq ifr;
	int fd;

	fd = open(opts.dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err_msg("cannot open %s (%s)", opts.dev, strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	ifr.ifr_flags = flags;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err_msg("cannot attach to \"%s\" (%s)", name, strerror(errno));
		close(fd);
		return -1;
	}
	snprintf(ifname, IFNAMSIZ, "%s", ifr.ifr_name);
	return fd;
}

/* Sets @ifname administratively up. */
int link_set_up(const char *ifname)
{
	struct ifreq ifr;
	int s, ret = -1;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		/* Already up: nothing to do (and no CAP_NET_ADMIN needed). */
		if (ifr.ifr_flags & IFF_UP) {
			close(s);
			return 0;
		}
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	if (ret < 0)
		err_msg("cannot set \"%s\" up (%s)", ifname, strerror(errno));
	close(s);
	return ret;
}

/*
 * Waits up to @timeout seconds for @ifname to be running: a carrier that
 * comes on at attach time is only acted upon by the kernel's link watch,
 * and until then the interface drops what it should send.
 */
bool link_wait_running(const char *ifname, double timeout)
{
	struct ifreq ifr;
	int s, i;
	bool ok = false;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return false;
	for (i = 0; i <= timeout * 100 && !ok; i++) {
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
		if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
			break;
		ok = ifr.ifr_flags & IFF_RUNNING;
		if (!ok)
			usleep(10000);
	}
	close(s);
	return ok;
}

/*
 * A user (or, with @group, a group) by number or by name: 0 with its id
 * in @id, or EXIT_FAIL.
 */
static int parse_id(const char *s, bool group, uint32_t *id)
{
	struct passwd *pw = NULL;
	struct group *gr = NULL;
	uint32_t v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s && !*end && !errno && v != (uint32_t)-1) {
		*id = v;
		return 0;
	}
	if (group)
		gr = getgrnam(s);
	else
		pw = getpwnam(s);
	if (!gr && !pw) {
		err_msg("unknown %s \"%s\"", group ? "group" : "user", s);
		return EXIT_FAIL;
	}
	*id = group ? gr->gr_gid : pw->pw_uid;
	return 0;
}

static int tuntap_keyword(struct tuntap_args *a, int *argcp, char ***argvp)
{
	char **argv = *argvp;
	int argc = *argcp, err = 0;
	const char *kw = argv[0];

	if (matches(kw, "persist")) {
		a->persist = 1;
	} else if (matches(kw, "nopersist")) {
		a->persist = 0;
	} else if (matches(kw, "pi")) {
		a->flags &= ~IFF_NO_PI;
	} else if (matches(kw, "vnet-hdr")) {
		a->flags |= IFF_VNET_HDR;
	} else if (matches(kw, "owner") || matches(kw, "user")) {
		NEXT_ARG(argc, argv, kw);
		a->has_owner = true;
		err = parse_id(argv[0], false, &a->owner);
	} else if (matches(kw, "group")) {
		NEXT_ARG(argc, argv, kw);
		a->has_group = true;
		err = parse_id(argv[0], true, &a->group);
	} else if (matches(kw, "multi-queue")) {
		NEXT_ARG(argc, argv, kw);
		err = parse_u32("queue count", argv[0], MAX_QUEUES, &a->queues);
		if (!err && !a->queues)
			err = usage_err("invalid queue count \"%s\"", argv[0]);
		a->flags |= IFF_MULTI_QUEUE;
	} else if (!a->name && kw[0] != '-') {
		a->name = kw;
		if (strlen(kw) >= IFNAMSIZ)
			err = usage_err("invalid interface name \"%s\"", kw);
	} else {
		err = usage_err("unknown argument \"%s\"", kw);
	}
	*argcp = argc;
	*argvp = argv;
	return err;
}

static int tun_ioctl(int fd, unsigned long req, unsigned long arg,
		     const char *what, const char *ifname)
{
	if (ioctl(fd, req, arg) == 0)
		return 0;
	err_msg("%s on \"%s\" (%s)", what, ifname, strerror(errno));
	return -1;
}

static void tuntap_print(const struct tuntap_args *a, const char *ifname,
			 bool tun)
{
	if (!opts.json) {
		printf("%s\n", ifname);
		return;
	}
	json_begin_object(NULL);
	json_str("ifname", ifname);
	json_str("type", tun ? "tun" : "tap");
	if (a->persist >= 0)
		json_bool("persist", a->persist);
	else
		json_null("persist");
	json_uint("queues", a->queues);
	if (a->has_owner)
		json_uint("owner", a->owner);
	if (a->has_group)
		json_uint("group", a->group);
	json_end_object();
	json_done();
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Holds the interface until SIGINT, SIGTERM or SIGHUP. */
static void hold(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t mask, old;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (!stop)
		sigsuspend(&old);
}

/* The first queue's settings: owner, group, persistence. */
static int tuntap_configure(int fd, const struct tuntap_args *a,
			    const char *ifname)
{
	if (a->has_owner &&
	    tun_ioctl(fd, TUNSETOWNER, a->owner, "TUNSETOWNER", ifname))
		return -1;
	if (a->has_group &&
	    tun_ioctl(fd, TUNSETGROUP, a->group, "TUNSETGROUP", ifname))
		return -1;
	if (a->persist >= 0 &&
	    tun_ioctl(fd, TUNSETPERSIST, a->persist, "TUNSETPERSIST", ifname))
		return -1;
	return 0;
}

/*
 * rtnetlink creates interfaces of vpair's own device only: --dev may name
 * another tun-compatible one.
 */
static bool tuntap_by_netlink(const struct tuntap_args *a)
{
	struct stat dev, vpair;

	if (a->persist != 1 || strchr(a->name, '%') || if_nametoindex(a->name))
		return false;
	return !stat(opts.dev, &dev) && !stat("/dev/" VPAIR_DEVNAME, &vpair) &&
	       S_ISCHR(dev.st_mode) && dev.st_rdev == vpair.st_rdev;
}

static void tuntap_put_u8(struct nlmsg *m, uint16_t type, uint8_t val)
{
	nl_put(m, type, &val, sizeof(val));
}

/* A persistent interface with no queue, as "ip link add ... type vtun". */
static int tuntap_create(const struct tuntap_args *a)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *linkinfo, *data;
	struct nlmsg m;
	int nl, err;

	nl_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
	nl_put_str(&m, IFLA_IFNAME, a->name);
	linkinfo = nl_nest(&m, IFLA_LINKINFO);
	nl_put_str(&m, IFLA_INFO_KIND, VPAIR_TUN_KIND);
	data = nl_nest(&m, IFLA_INFO_DATA);
	tuntap_put_u8(&m, IFLA_TUN_TYPE, a->flags & (IFF_TUN | IFF_TAP));
	tuntap_put_u8(&m, IFLA_TUN_PI, !(a->flags & IFF_NO_PI));
	tuntap_put_u8(&m, IFLA_TUN_VNET_HDR, !!(a->flags & IFF_VNET_HDR));
	tuntap_put_u8(&m, IFLA_TUN_MULTI_QUEUE, !!(a->flags & IFF_MULTI_QUEUE));
	tuntap_put_u8(&m, IFLA_TUN_PERSIST, 1);
	if (a->has_owner)
		nl_put_u32(&m, IFLA_TUN_OWNER, a->owner);
	if (a->has_group)
		nl_put_u32(&m, IFLA_TUN_GROUP, a->group);
	nl_nest_end(&m, data);
	nl_nest_end(&m, linkinfo);

	nl = nl_open();
	if (nl < 0)
		return EXIT_FAIL;
	err = nl_talk(nl, &m, NULL, NULL);
	close(nl);
	if (err)
		return nl_report(err, "cannot create \"%s\"", a->name);
	return EXIT_OK;
}

int do_tuntap(int argc, char **argv, bool tun)
{
	struct tuntap_args a = {
		.flags = (tun ? IFF_TUN : IFF_TAP) | IFF_NO_PI,
		.persist = -1,
		.queues = 1,
	};
	int fds[MAX_QUEUES], err = EXIT_FAIL;
	char ifname[IFNAMSIZ];
	uint32_t i, n = 0;

	for (; argc > 0; argc--, argv++) {
		if (is_help(argv[0])) {
			fputs(tuntap_usage, stdout);
			return EXIT_OK;
		}
		err = tuntap_keyword(&a, &argc, &argv);
		if (err)
			return err;
	}
	if (!a.name)
		return usage_err("%s: missing interface name", tun ? "tun" : "tap");
	if (tuntap_by_netlink(&a)) {
		err = tuntap_create(&a);
		if (!err)
			tuntap_print(&a, a.name, tun);
		return err;
	}

	fds[n] = tun_attach(a.name, a.flags, ifname);
	if (fds[n] < 0)
		return EXIT_FAIL;
	n++;
	if (tuntap_configure(fds[0], &a, ifname))
		goto out;
	for (; n < a.queues; n++) {
		fds[n] = tun_attach(ifname, a.flags, ifname);
		if (fds[n] < 0)
			goto out;
	}
	tuntap_print(&a, ifname, tun);
	fflush(stdout);
	if (a.persist < 0)
		hold();
	err = EXIT_OK;
out:
	for (i = 0; i < n; i++)
		close(fds[i]);
	return err;
}

static const struct {
	unsigned int	flag;
	const char	*name;
} feature_names[] = {
	{ IFF_TUN,		"tun" },
	{ IFF_TAP,		"tap" },
	{ IFF_NAPI,		"napi" },
	{ IFF_NAPI_FRAGS,	"napi-frags" },
	{ IFF_NO_CARRIER,	"no-carrier" },
	{ IFF_MULTI_QUEUE,	"multi-queue" },
	{ IFF_NO_PI,		"no-pi" },
	{ IFF_ONE_QUEUE,	"one-queue" },
	{ IFF_VNET_HDR,		"vnet-hdr" },
	{ IFF_TUN_EXCL,		"tun-excl" },
};

#define N_FEATURES	(sizeof(feature_names) / sizeof(feature_names[0]))

int do_features(int argc, char **argv)
{
	unsigned int features = 0;
	size_t i;
	int fd;

	if (argc > 0 && is_help(argv[0])) {
		fputs(features_usage, stdout);
		return EXIT_OK;
	}
	if (argc > 0)
		return usage_err("features: unexpected argument \"%s\"", argv[0]);
	fd = open(opts.dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err_msg("cannot open %s (%s)", opts.dev, strerror(errno));
		return EXIT_FAIL;
	}
	if (ioctl(fd, TUNGETFEATURES, &features) < 0) {
		err_msg("TUNGETFEATURES on %s (%s)", opts.dev, strerror(errno));
		close(fd);
		return EXIT_FAIL;
	}
	close(fd);

	if (opts.json) {
		json_begin_object(NULL);
		json_uint("flags", features);
		json_begin_object("features");
		for (i = 0; i < N_FEATURES; i++)
			json_bool(feature_names[i].name,
				  features & feature_names[i].flag);
		json_end_object();
		json_end_object();
		json_done();
		return EXIT_OK;
	}
	for (i = 0; i < N_FEATURES; i++)
		if (features & feature_names[i].flag)
			printf("%s ", feature_names[i].name);
	printf("(0x%x)\n", features);
	return EXIT_OK;
}
