// SPDX-License-Identifier: GPL-2.0
/*
 * The privilege matrix: every create, attach, ioctl and netlink path of
 * the pair and of the char device, tried by each of six users -- root;
 * the uid that owns the device; a member of its group; anyone else; root
 * of an unprivileged user namespace that owns the target network
 * namespace; and root of one that does not -- each row once against
 * vpair and once against Linux's veth or tun on the same kernel. The
 * expected errno is the anchor's, so that it follows the kernel; rows
 * where the anchor has no such path (vtun over rtnetlink, batching), or
 * where vpair deliberately differs (a pair's peer netns, attaching to an
 * interface without owner or group, on which the kernels' tun disagree),
 * state vpair's own and why. One KTAP line per row names the user, the operation, the
 * expected errno (and whose) and the errno got.
 *
 * Each try runs in a process of its own in a new network namespace (the
 * target, owned by the initial user namespace); a child takes the user's
 * identity, then root prepares the target (in the child's own network
 * namespace for the user namespace that owns one) and hands the child the
 * files it needs. The program reads nothing from the tree once started,
 * so it runs from a clone in a private directory too.
 */
#include <signal.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <linux/ethtool.h>
#include <linux/filter.h>
#include <linux/if_link.h>
#include <linux/sockios.h>

#include "kselftest.h"
#include "chardev_util.h"
#include "chardev_cred.h"
#include "rtnl.h"
#ifdef HAVE_LINUX_VPAIR_H
#include <linux/vpair.h>
#else
struct vpair_batch {
	__u32	max_packets;
	__u32	flags;
};
#define VPAIRSETBATCH	_IOW('T', 0xf0, struct vpair_batch)
#endif

#define OWNER_UID	4242
#define GROUP_GID	4343
#define OTHER_ID	4444	/* anyone, and who makes the user namespaces */

/* veth's VETH_INFO_PEER and vpair's VPAIR_INFO_PEER: the same layout */
#define INFO_PEER	1

enum user {
	ROOT,
	OWNER,
	GROUP,
	ANYONE,
	USERNS_OWNING,
	USERNS_FOREIGN,
	NR_USERS,
};

static const char * const user_name[NR_USERS] = {
	"root", "owner", "group member", "anyone",
	"userns owning the netns", "userns not owning the netns",
};

/* The driver under test, or its anchor. */
struct driver {
	const char *dev;	/* the char device */
	const char *pair;	/* the pair's link kind */
	const char *tun;	/* the char device's link kind */
};

static const struct driver vpair_drv = {
	"/dev/net/vpair", "vpair", "vtun",
};
static const struct driver anchor_drv = {
	"/dev/net/tun", "veth", "tun",
};

/* What root prepares before the user acts. */
enum prep {
	PREP_NONE,
	PREP_FILE,		/* a file of the device, not attached */
	PREP_PERSIST,		/* a persistent device and a PREP_FILE */
	PREP_ATTACHED,		/* a device and a file attached to it */
	PREP_DETACHED,		/* a multiqueue tap and a detached queue */
	PREP_PAIR,		/* a pair pm0/pm1 with two queues */
};

/* The files and namespaces a user acts with. */
struct ctx {
	const struct driver *drv;
	int fd;			/* the file root opened (not PREP_NONE) */
	int prog;		/* an eBPF socket filter */
	int other_fd;		/* another netns of the user's user namespace */
	pid_t other_pid;
	int init_fd;		/* a netns of the initial user namespace */
	pid_t init_pid;
};

struct op {
	const char *name;
	enum prep prep;
	int flags;		/* TUNSETIFF flags of the device */
	int owner, group;	/* of a PREP_PERSIST device, -1: none */
	int (*act)(const struct op *op, struct ctx *c);
	unsigned long arg;
	const int *expect;	/* NULL: what the anchor answers */
	const char *why;	/* why vpair's answers are its own */
	unsigned long val;	/* act_ioctl_val's argument */
};

#define IFNAME		"pm0"
#define PEERNAME	"pm1"
#define TAP		(IFF_TAP | IFF_NO_PI)
#define MQ_TAP		(IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE)

/* Where the request puts the peer (or the link): PEER_* or none. */
enum where {
	HERE,
	PEER_OTHER_FD,
	PEER_OTHER_PID,
	PEER_INIT_FD,
	PEER_INIT_PID,
	LINK_INIT_FD,
};

static void nl_put_netns(struct nlreq *req, const struct ctx *c,
			 enum where w)
{
	switch (w) {
	case PEER_OTHER_FD:
		nl_put_u32(req, IFLA_NET_NS_FD, (__u32)c->other_fd);
		break;
	case PEER_OTHER_PID:
		nl_put_u32(req, IFLA_NET_NS_PID, (__u32)c->other_pid);
		break;
	case PEER_INIT_FD:
	case LINK_INIT_FD:
		nl_put_u32(req, IFLA_NET_NS_FD, (__u32)c->init_fd);
		break;
	case PEER_INIT_PID:
		nl_put_u32(req, IFLA_NET_NS_PID, (__u32)c->init_pid);
		break;
	default:
		break;
	}
}

/* RTM_NEWLINK of a pair pm0/pm1 with two queues, the peer as @w says. */
static int pair_new(const struct ctx *c, enum where w)
{
	struct rtattr *info, *data, *peer;
	struct ifinfomsg ifm = { 0 };
	struct nlreq req;

	nl_init(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	nl_put_str(&req, IFLA_IFNAME, IFNAME);
	nl_put_u32(&req, IFLA_NUM_TX_QUEUES, 2);
	nl_put_u32(&req, IFLA_NUM_RX_QUEUES, 2);
	if (w == LINK_INIT_FD)
		nl_put_netns(&req, c, w);
	info = nl_put(&req, IFLA_LINKINFO, NULL, 0);
	nl_put_str(&req, IFLA_INFO_KIND, c->drv->pair);
	data = nl_put(&req, IFLA_INFO_DATA, NULL, 0);
	peer = nl_put(&req, INFO_PEER, &ifm, sizeof(ifm));
	nl_put_str(&req, IFLA_IFNAME, PEERNAME);
	nl_put_u32(&req, IFLA_NUM_TX_QUEUES, 2);
	nl_put_u32(&req, IFLA_NUM_RX_QUEUES, 2);
	if (w != LINK_INIT_FD)
		nl_put_netns(&req, c, w);
	nl_nest_end(&req, peer);
	nl_nest_end(&req, data);
	nl_nest_end(&req, info);
	return nl_talk(&req.nh);
}

/* RTM_NEWLINK of a char-device tap pm0 (kind vtun, or tun's refusal). */
static int tun_link_new(const struct ctx *c, int owner, enum where w)
{
	struct rtattr *info, *data;
	__u8 type = IFF_TAP;
	struct nlreq req;

	nl_init(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	nl_put_str(&req, IFLA_IFNAME, IFNAME);
	nl_put_netns(&req, c, w);
	info = nl_put(&req, IFLA_LINKINFO, NULL, 0);
	nl_put_str(&req, IFLA_INFO_KIND, c->drv->tun);
	data = nl_put(&req, IFLA_INFO_DATA, NULL, 0);
	nl_put(&req, IFLA_TUN_TYPE, &type, sizeof(type));
	if (owner >= 0)
		nl_put_u32(&req, IFLA_TUN_OWNER, (__u32)owner);
	nl_nest_end(&req, data);
	nl_nest_end(&req, info);
	return nl_talk(&req.nh);
}

/* --- what root prepares -------------------------------------------------- */

static int act_set_ebpf(const struct op *op, struct ctx *c);

/* A persistent device pm0 with @owner and @group (-1: unset). */
static int prep_persist(const struct op *op, struct ctx *c)
{
	char name[IFNAMSIZ] = IFNAME;
	int fd, err = 0;

	fd = open_chardev(0);
	if (fd < 0)
		return -1;
	if (tun_attach(fd, op->flags, name) || ioctl(fd, TUNSETPERSIST, 1) ||
	    (op->owner >= 0 && ioctl(fd, TUNSETOWNER, op->owner)) ||
	    (op->group >= 0 && ioctl(fd, TUNSETGROUP, op->group)))
		err = -1;
	close(fd);
	c->fd = open_chardev(0);
	return c->fd < 0 ? -1 : err;
}

/* pm0 with a file attached (and detached again for PREP_DETACHED). */
static int prep_attached(const struct op *op, struct ctx *c)
{
	char name[IFNAMSIZ] = IFNAME;

	c->fd = tun_open_attach(name, op->flags);
	if (c->fd < 0)
		return -1;
	if (op->prep == PREP_DETACHED &&
	    tun_setqueue(c->fd, name, IFF_DETACH_QUEUE))
		return -1;
	return 0;
}

static int prepare(const struct op *op, struct ctx *c)
{
	if (op->act == act_set_ebpf) {
		c->prog = load_ebpf(0);
		if (c->prog < 0)
			return -1;
	}
	switch (op->prep) {
	case PREP_FILE:
		c->fd = open_chardev(0);
		return c->fd < 0 ? -1 : 0;
	case PREP_PERSIST:
		return prep_persist(op, c);
	case PREP_ATTACHED:
	case PREP_DETACHED:
		return prep_attached(op, c);
	case PREP_PAIR:
		return pair_new(c, HERE) ? -1 : 0;
	default:
		return 0;
	}
}

/* --- what the user does: 0 or an errno ----------------------------------- */

static int res(int ret)
{
	return ret < 0 ? errno : 0;
}

static int act_pair_new(const struct op *op, struct ctx *c)
{
	return pair_new(c, (enum where)op->arg);
}

static int act_changelink(const struct op *op, struct ctx *c)
{
	struct rtattr *info;
	struct nlreq req;

	(void)op;
	nl_init(&req, RTM_NEWLINK, 0);
	nl_put_str(&req, IFLA_IFNAME, IFNAME);
	nl_put_u32(&req, IFLA_MTU, 1400);
	info = nl_put(&req, IFLA_LINKINFO, NULL, 0);
	nl_put_str(&req, IFLA_INFO_KIND, c->drv->pair);
	nl_nest_end(&req, info);
	return nl_talk(&req.nh);
}

static int act_dellink(const struct op *op, struct ctx *c)
{
	int ifindex = (int)if_nametoindex(IFNAME);

	(void)op;
	(void)c;
	if (!ifindex)
		return ENODEV;
	return -rtnl_dellink(ifindex);
}

/* SIOCETHTOOL set command @op->arg on pm0. */
static int act_ethtool(const struct op *op, struct ctx *c)
{
	struct ethtool_channels ch = {
		.cmd = ETHTOOL_SCHANNELS, .rx_count = 1, .tx_count = 1,
	};
	struct ethtool_value val = { .cmd = ETHTOOL_SMSGLVL, .data = 1 };
	struct ifreq ifr;

	(void)c;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_data = op->arg == ETHTOOL_SCHANNELS ? (void *)&ch : (void *)&val;
	return res(if_ioctl(IFNAME, SIOCETHTOOL, &ifr));
}

static int act_open(const struct op *op, struct ctx *c)
{
	int fd = open_chardev(0);

	(void)op;
	(void)c;
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* TUNSETIFF with @op->arg as flags: create pm0 or attach to it. */
static int act_setiff(const struct op *op, struct ctx *c)
{
	char name[IFNAMSIZ] = IFNAME;

	return res(tun_attach(c->fd, (int)op->arg, name));
}

static int act_setqueue(const struct op *op, struct ctx *c)
{
	return res(tun_setqueue(c->fd, IFNAME, (int)op->arg));
}

/* An ioctl taking an integer argument by value. */
static int act_ioctl_val(const struct op *op, struct ctx *c)
{
	return res(ioctl(c->fd, op->arg, op->val));
}

static int act_sndbuf(const struct op *op, struct ctx *c)
{
	int sndbuf = 65536;

	(void)op;
	return res(ioctl(c->fd, TUNSETSNDBUF, &sndbuf));
}

static int act_attach_filter(const struct op *op, struct ctx *c)
{
	struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, 0xffff);
	struct sock_fprog fprog = { .len = 1, .filter = &insn };

	(void)op;
	return res(ioctl(c->fd, TUNATTACHFILTER, &fprog));
}

static int act_set_ebpf(const struct op *op, struct ctx *c)
{
	return res(ioctl(c->fd, op->arg, &c->prog));
}

static int act_devnetns(const struct op *op, struct ctx *c)
{
	int fd = ioctl(c->fd, TUNGETDEVNETNS);

	(void)op;
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int act_batch(const struct op *op, struct ctx *c)
{
	struct vpair_batch conf = { .max_packets = 16 };

	(void)op;
	return res(ioctl(c->fd, VPAIRSETBATCH, &conf));
}

static int act_tun_link_new(const struct op *op, struct ctx *c)
{
	return tun_link_new(c, op->owner, (enum where)op->arg);
}

/* --- the table ------------------------------------------------------------ */

/* vpair's own answers, by user (the order of enum user). */
/* CAP_NET_ADMIN over the target netns */
static const int by_netns_admin[NR_USERS] = { 0, EPERM, EPERM, EPERM, 0, EPERM };
static const int by_rtnl_unmapped[NR_USERS] = {
	0, EPERM, EPERM, EPERM, EINVAL, EPERM,
};
static const int by_init_netns[NR_USERS] = {
	0, EPERM, EPERM, EPERM, EPERM, EPERM,
};
static const int by_fd_holder[NR_USERS] = { 0, 0, 0, 0, 0, 0 };

/*
 * veth leaves the peer's namespace to the core, which checks the caller's
 * rights over it only where it resolves it itself (.peer_type); before
 * that the peer goes into any namespace the request names. vpair checks.
 */
#define PEER_NETNS_WHY	"CAP_NET_ADMIN over the peer's netns"

/*
 * The kernels' tun disagree: Debian's 6.12 lets only CAP_NET_ADMIN attach
 * to an interface with neither owner nor group, the 6.1 and 7.2 ones let
 * anyone. vpair keeps the stricter rule on every kernel: a persistent
 * interface root made is not everybody's to read and write.
 */
#define UNOWNED_WHY	"no owner nor group: CAP_NET_ADMIN, as tun in 6.12 (6.1, 7.2: anyone)"

static const struct op ops[] = {
	/* the pair, against veth */
	{ "RTM_NEWLINK of a pair, both ends here", PREP_NONE,
	  .act = act_pair_new, .arg = HERE },
	{ "RTM_NEWLINK, peer by IFLA_NET_NS_FD in another netns of the user's userns",
	  PREP_NONE, .act = act_pair_new, .arg = PEER_OTHER_FD },
	{ "RTM_NEWLINK, peer by IFLA_NET_NS_PID in another netns of the user's userns",
	  PREP_NONE, .act = act_pair_new, .arg = PEER_OTHER_PID },
	{ "RTM_NEWLINK, peer by IFLA_NET_NS_FD in a netns of the initial userns",
	  PREP_NONE, .act = act_pair_new, .arg = PEER_INIT_FD,
	  .expect = by_init_netns, .why = PEER_NETNS_WHY },
	{ "RTM_NEWLINK, peer by IFLA_NET_NS_PID in a netns of the initial userns",
	  PREP_NONE, .act = act_pair_new, .arg = PEER_INIT_PID,
	  .expect = by_init_netns, .why = PEER_NETNS_WHY },
	{ "RTM_NEWLINK, first end by IFLA_NET_NS_FD in a netns of the initial userns",
	  PREP_NONE, .act = act_pair_new, .arg = LINK_INIT_FD },
	{ "changelink (RTM_NEWLINK of an end: IFLA_MTU)", PREP_PAIR,
	  .act = act_changelink },
	{ "RTM_DELLINK of an end", PREP_PAIR, .act = act_dellink },
	{ "ethtool ETHTOOL_SCHANNELS on an end", PREP_PAIR,
	  .act = act_ethtool, .arg = ETHTOOL_SCHANNELS },

	/* the char device, against tun */
	{ "open", PREP_NONE, .act = act_open, .expect = by_fd_holder,
	  .why = "a node of mode 0666, as udev makes tun's" },
	{ "TUNSETIFF creates a tap", PREP_FILE, .act = act_setiff,
	  .arg = TAP },
	{ "TUNSETIFF creates a tun", PREP_FILE, .act = act_setiff,
	  .arg = IFF_TUN | IFF_NO_PI },
	{ "TUNSETIFF creates a multiqueue tap", PREP_FILE,
	  .act = act_setiff, .arg = MQ_TAP },
	{ "TUNSETIFF creates a tap with IFF_NAPI_FRAGS", PREP_FILE,
	  .act = act_setiff, .arg = TAP | IFF_NAPI | IFF_NAPI_FRAGS },
	{ "TUNSETIFF attaches to a persistent tap without owner or group",
	  PREP_PERSIST, TAP, .owner = -1, .group = -1, .act = act_setiff,
	  .arg = TAP, .expect = by_netns_admin, .why = UNOWNED_WHY },
	{ "TUNSETIFF attaches to a persistent tap of user 4242",
	  PREP_PERSIST, TAP, .owner = OWNER_UID, .group = -1,
	  .act = act_setiff, .arg = TAP },
	{ "TUNSETIFF attaches to a persistent tap of group 4343",
	  PREP_PERSIST, TAP, .owner = -1, .group = GROUP_GID,
	  .act = act_setiff, .arg = TAP },
	{ "TUNSETIFF attaches to a persistent tap of user 4242 and group 4343",
	  PREP_PERSIST, TAP, .owner = OWNER_UID, .group = GROUP_GID,
	  .act = act_setiff, .arg = TAP },
	{ "TUNSETIFF attaches a queue to a persistent multiqueue tap of user 4242",
	  PREP_PERSIST, MQ_TAP, .owner = OWNER_UID, .group = -1,
	  .act = act_setiff, .arg = MQ_TAP },
	{ "TUNSETQUEUE re-attaches a queue root detached", PREP_DETACHED,
	  MQ_TAP, .act = act_setqueue, .arg = IFF_ATTACH_QUEUE },
	{ "TUNSETQUEUE detaches a queue root attached", PREP_ATTACHED,
	  MQ_TAP, .act = act_setqueue, .arg = IFF_DETACH_QUEUE },
	{ "TUNSETPERSIST on a file root attached", PREP_ATTACHED, TAP,
	  .act = act_ioctl_val, .arg = TUNSETPERSIST, .val = 1 },
	{ "TUNSETOWNER 4242 on a file root attached", PREP_ATTACHED, TAP,
	  .act = act_ioctl_val, .arg = TUNSETOWNER, .val = OWNER_UID },
	{ "TUNSETGROUP 4343 on a file root attached", PREP_ATTACHED, TAP,
	  .act = act_ioctl_val, .arg = TUNSETGROUP, .val = GROUP_GID },
	{ "TUNSETLINK ARPHRD_ETHER on a file root attached", PREP_ATTACHED,
	  TAP, .act = act_ioctl_val, .arg = TUNSETLINK, .val = 1 },
	{ "TUNSETSNDBUF on a file root attached", PREP_ATTACHED, TAP,
	  .act = act_sndbuf },
	{ "TUNATTACHFILTER on a file root attached", PREP_ATTACHED, TAP,
	  .act = act_attach_filter },
	{ "TUNSETSTEERINGEBPF on a file root attached", PREP_ATTACHED, TAP,
	  .act = act_set_ebpf, .arg = TUNSETSTEERINGEBPF },
	{ "TUNSETFILTEREBPF on a file root attached", PREP_ATTACHED, TAP,
	  .act = act_set_ebpf, .arg = TUNSETFILTEREBPF },
	{ "TUNGETDEVNETNS on a file root attached", PREP_ATTACHED, TAP,
	  .act = act_devnetns },
	{ "ethtool ETHTOOL_SMSGLVL on a tap", PREP_ATTACHED, TAP,
	  .act = act_ethtool, .arg = ETHTOOL_SMSGLVL },

	/* vpair's own paths: its answers stated, the anchor's shown */
	{ "VPAIRSETBATCH on a file root attached", PREP_ATTACHED, TAP,
	  .act = act_batch, .expect = by_fd_holder,
	  .why = "tun has no batching" },
	{ "RTM_NEWLINK of a char-device tap", PREP_NONE, .owner = -1,
	  .act = act_tun_link_new, .arg = HERE, .expect = by_netns_admin,
	  .why = "tun refuses creation over rtnetlink" },
	{ "RTM_NEWLINK of a char-device tap with IFLA_TUN_OWNER 4242",
	  PREP_NONE, .owner = OWNER_UID, .act = act_tun_link_new,
	  .arg = HERE, .expect = by_rtnl_unmapped,
	  .why = "tun refuses creation over rtnetlink" },
	{ "RTM_NEWLINK of a char-device tap by IFLA_NET_NS_FD in a netns of the initial userns",
	  PREP_NONE, .owner = -1, .act = act_tun_link_new,
	  .arg = LINK_INIT_FD, .expect = by_init_netns,
	  .why = "tun refuses creation over rtnetlink" },
	{ "RTM_DELLINK of a persistent tap", PREP_PERSIST, TAP, .owner = -1,
	  .group = -1, .act = act_dellink, .expect = by_netns_admin,
	  .why = "its own dellink" },
};

#define NR_OPS	(sizeof(ops) / sizeof(ops[0]))

/* --- the user's identity ---------------------------------------------------- */

/* As OTHER_ID, a new user namespace (and @flags) mapping it to root. */
static int userns_of_other(int flags)
{
	if (become(OTHER_ID, OTHER_ID, -1))
		return -1;
	return enter_userns(OTHER_ID, flags);
}

static int take_identity(enum user who)
{
	switch (who) {
	case OWNER:
		return become(OWNER_UID, OTHER_ID, -1);
	case GROUP:
		return become(OTHER_ID, OTHER_ID, GROUP_GID);
	case ANYONE:
		return become(OTHER_ID, OTHER_ID, -1);
	case USERNS_OWNING:
		return userns_of_other(CLONE_NEWNET);
	case USERNS_FOREIGN:
		return userns_of_other(0);
	default:
		return 0;
	}
}

/*
 * A process in a network namespace of its own, made with the caller's
 * rights, until the caller exits: its pid, an fd of the namespace in @fd.
 */
static pid_t spawn_netns(int *fd)
{
	int life[2], ready[2];
	char path[64], c = 0;
	pid_t pid;

	if (pipe2(life, O_CLOEXEC) || pipe2(ready, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(life[1]);
		if (unshare(CLONE_NEWNET) || write(ready[1], &c, 1) != 1)
			_exit(1);
		while (read(life[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(life[0]);
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		return -1;
	close(ready[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	return *fd < 0 ? -1 : pid;
}

/* --- one try: a row against one driver ----------------------------------- */

/* The fds root hands over; -1 where there is none. */
static int send_fds(int sk, const struct ctx *c)
{
	int fds[2] = { c->fd, c->prog }, n = 0, i;
	char cbuf[CMSG_SPACE(sizeof(fds))], byte = 0;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct cmsghdr *cm;

	for (i = 0; i < 2; i++)
		if (fds[i] >= 0)
			fds[n++] = fds[i];
	byte = (char)((c->fd >= 0) | (c->prog >= 0) << 1);
	if (n) {
		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	}
	return sendmsg(sk, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fds(int sk, struct ctx *c)
{
	char cbuf[CMSG_SPACE(2 * sizeof(int))], byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fds[2] = { -1, -1 }, n = 0;

	if (recvmsg(sk, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(fds, CMSG_DATA(cm), cm->cmsg_len - CMSG_LEN(0));
	c->fd = byte & 1 ? fds[n++] : -1;
	c->prog = byte & 2 ? fds[n] : -1;
	return 0;
}

/* Results besides errnos. */
#define TRY_SETUP	-1	/* root could not prepare the row */
#define TRY_NO_USERNS	-2	/* no unprivileged user namespaces */

/*
 * The user's side: the namespaces it needs, its identity, then the
 * operation on what root handed over; the result goes back on @sk.
 */
static void user_side(const struct op *op, enum user who,
		      struct ctx *c, int sk)
{
	int ret = TRY_SETUP;
	char byte = 0;

	/* another netns of the initial user namespace, made while root */
	c->init_pid = spawn_netns(&c->init_fd);
	if (c->init_pid < 0)
		goto out;
	if (take_identity(who)) {
		ret = TRY_NO_USERNS;
		goto out;
	}
	/* ... and one of the user's own, with the user's rights */
	if (who == USERNS_OWNING || who == USERNS_FOREIGN) {
		c->other_pid = spawn_netns(&c->other_fd);
		if (c->other_pid < 0)
			goto out;
	} else {
		c->other_pid = c->init_pid;
		c->other_fd = c->init_fd;
	}
	if (write(sk, &byte, 1) != 1 || recv_fds(sk, c))
		goto out;
	ret = op->act(op, c);
out:
	if (write(sk, &ret, sizeof(ret)) != sizeof(ret))
		_exit(1);
	_exit(0);
}

/* Root prepares the row in @child's network namespace. */
static int root_side(const struct op *op, struct ctx *c, pid_t child, int sk)
{
	char path[64], byte;
	int own, net;

	if (read(sk, &byte, 1) != 1)
		return -1;
	own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", child);
	net = open(path, O_RDONLY | O_CLOEXEC);
	if (own < 0 || net < 0 || setns(net, CLONE_NEWNET))
		return -1;
	if (prepare(op, c) || setns(own, CLONE_NEWNET))
		return -1;
	close(net);
	close(own);
	return send_fds(sk, c);
}

/* Runs in a process of its own, in a new network namespace. */
static int run_try(const struct op *op, enum user who,
		   const struct driver *drv)
{
	struct ctx c = { .drv = drv, .fd = -1, .prog = -1 };
	int sk[2], ret = TRY_SETUP, status;
	pid_t child;

	setenv("VPAIR_DEV", drv->dev, 1);
	if (enter_netns() || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
					0, sk))
		return TRY_SETUP;
	child = fork();
	if (child < 0)
		return TRY_SETUP;
	if (!child) {
		close(sk[0]);
		user_side(op, who, &c, sk[1]);
	}
	close(sk[1]);
	if (root_side(op, &c, child, sk[0]))
		shutdown(sk[0], SHUT_RDWR);
	if (read(sk[0], &ret, sizeof(ret)) != sizeof(ret))
		ret = TRY_SETUP;
	waitpid(child, &status, 0);
	return ret;
}

/* One try in a child process (its namespaces go with it). */
static int try(const struct op *op, enum user who, const struct driver *drv)
{
	int ret = TRY_SETUP, p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return TRY_SETUP;
	pid = fork();
	if (pid < 0)
		return TRY_SETUP;
	if (!pid) {
		close(p[0]);
		alarm(30);
		ret = run_try(op, who, drv);
		if (write(p[1], &ret, sizeof(ret)) != sizeof(ret))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &ret, sizeof(ret)) != sizeof(ret))
		ret = TRY_SETUP;
	close(p[0]);
	waitpid(pid, &status, 0);
	return ret;
}

static const char *err_name(int err)
{
	static char buf[16];

	switch (err) {
	case 0:		return "0";
	case EPERM:	return "EPERM";
	case EACCES:	return "EACCES";
	case EINVAL:	return "EINVAL";
	case EBUSY:	return "EBUSY";
	case EEXIST:	return "EEXIST";
	case ENODEV:	return "ENODEV";
	case ENOENT:	return "ENOENT";
	case EBADFD:	return "EBADFD";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOTTY:	return "ENOTTY";
	case ENXIO:	return "ENXIO";
	}
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* A built-in veth has no /sys/module/veth: modules.builtin names it. */
static int veth_builtin(void)
{
	char path[128], line[256];
	struct utsname u;
	int found = 0;
	FILE *f;

	if (uname(&u))
		return 0;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin",
		 u.release);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "/veth.ko") != NULL;
	fclose(f);
	return found;
}

static int veth_present(void)
{
	static int present = -1;

	/* modprobe also succeeds for a built-in module */
	if (present < 0)
		present = !access("/sys/module/veth", F_OK) ||
			  !system("modprobe -q veth 2>/dev/null") ||
			  veth_builtin();
	return present;
}

static int anchor_missing(const struct op *op)
{
	int is_pair = op->act == act_pair_new || op->prep == PREP_PAIR;

	if (is_pair)
		return !veth_present();
	return access(anchor_drv.dev, F_OK) != 0;
}

static void check_row(const struct op *op, enum user who)
{
	const char *anchor = op->act == act_pair_new ||
			     op->prep == PREP_PAIR ? "veth" : "tun";
	int want, got, ref = TRY_SETUP;
	char refbuf[192];

	if (!anchor_missing(op))
		ref = try(op, who, &anchor_drv);
	got = try(op, who, &vpair_drv);
	if (got == TRY_NO_USERNS || ref == TRY_NO_USERNS) {
		ksft_test_result_skip("%s: %s: no unprivileged user namespaces\n",
				      user_name[who], op->name);
		return;
	}
	if (op->expect) {
		want = op->expect[who];
		snprintf(refbuf, sizeof(refbuf), "vpair's own: %s; %s: %s",
			 op->why, anchor, ref >= 0 ? err_name(ref) : "-");
	} else if (ref < 0) {
		ksft_test_result_skip("%s: %s: %s cannot run it\n",
				      user_name[who], op->name, anchor);
		return;
	} else {
		want = ref;
		snprintf(refbuf, sizeof(refbuf), "as %s", anchor);
	}
	if (got == TRY_SETUP) {
		ksft_test_result_fail("%s: %s: expected %s (%s), setup failed\n",
				      user_name[who], op->name, err_name(want),
				      refbuf);
		return;
	}
	ksft_test_result(got == want, "%s: %s: expected %s (%s), got %s\n",
			 user_name[who], op->name, err_name(want), refbuf,
			 err_name(got));
}

int main(void)
{
	unsigned int i;
	int who;

	ksft_print_header();
	if (getuid())
		ksft_exit_skip("must be run as root\n");
	if (access(vpair_drv.dev, F_OK))
		ksft_exit_skip("%s: %s\n", vpair_drv.dev, strerror(errno));
	ksft_set_plan(NR_OPS * NR_USERS);
	for (i = 0; i < NR_OPS; i++)
		for (who = 0; who < NR_USERS; who++)
			check_row(&ops[i], (enum user)who);
	ksft_finished();
}
