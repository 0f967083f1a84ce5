// SPDX-License-Identifier: GPL-2.0
/*
 * vpairctl: pairs -- add, del, show.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/vpair.h>

#include "vpairctl.h"

#define MAC_LEN		6

struct end_args {
	const char	*name;
	const char	*netns;
	uint32_t	mtu;		/* 0: kernel default */
	bool		has_addr;
	unsigned char	addr[MAC_LEN];
};

struct add_args {
	struct end_args	end;
	struct end_args	peer;
	bool		has_mode;
	uint32_t	mode;
	uint32_t	queues;		/* 0: kernel default */
};

static const char add_usage[] =
"Usage: vpairctl add [[name] NAME] [peer NAME] [netns NS] [peer-netns NS]\n"
"                    [mode l2|l3] [mtu N] [peer-mtu N] [queues N]\n"
"                    [address MAC] [peer-address MAC]\n"
"Creates a pair. Unnamed ends get vpair%d names. \"netns\" places the\n"
"first end, \"peer-netns\" the peer (each defaults to the namespace\n"
"vpairctl runs in).\n"
"NS is a name (/run/netns/NS), a process id or a path. \"mtu\" and\n"
"\"queues\" apply to both ends; \"peer-mtu\" overrides the peer's MTU.\n";

static const char del_usage[] =
"Usage: vpairctl del NAME\n"
"Deletes the pair NAME belongs to (both ends), or a char-device interface.\n";

static const char show_usage[] =
"Usage: vpairctl [--json] show [NAME]\n"
"Lists every pair end of this namespace (or only NAME) with its peer\n"
"(name, ifindex, namespace), mode, MTU, queues, carrier and operstate.\n";

static int parse_mac(const char *s, unsigned char *mac)
{
	unsigned int b[MAC_LEN];
	char tail;
	int i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != MAC_LEN)
		return usage_err("invalid MAC address \"%s\"", s);
	for (i = 0; i < MAC_LEN; i++)
		mac[i] = b[i];
	return 0;
}

static int parse_mode(const char *s, uint32_t *mode)
{
	if (!strcmp(s, "l2"))
		*mode = VPAIR_MODE_L2;
	else if (!strcmp(s, "l3"))
		*mode = VPAIR_MODE_L3;
	else
		return usage_err("invalid mode \"%s\" (l2 or l3)", s);
	return 0;
}

static int check_name(const char *s)
{
	if (!*s || strlen(s) >= IFNAMSIZ)
		return usage_err("invalid interface name \"%s\"", s);
	return 0;
}

static const char * const add_keywords[] = {
	"name", "peer", "netns", "peer-netns", "mode", "mtu", "peer-mtu",
	"queues", "address", "peer-address",
};

static bool is_add_keyword(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(add_keywords) / sizeof(add_keywords[0]); i++)
		if (matches(s, add_keywords[i]))
			return true;
	return false;
}

/* One keyword and its value; argv[0] is the keyword. */
static int add_keyword(struct add_args *a, int *argcp, char ***argvp)
{
	char **argv = *argvp;
	int argc = *argcp, err = 0;
	const char *kw = argv[0];

	if (!is_add_keyword(kw))
		return usage_err("add: unknown argument \"%s\"", kw);
	NEXT_ARG(argc, argv, kw);

	if (matches(kw, "name")) {
		a->end.name = argv[0];
		err = check_name(argv[0]);
	} else if (matches(kw, "peer")) {
		a->peer.name = argv[0];
		err = check_name(argv[0]);
	} else if (matches(kw, "netns")) {
		a->end.netns = argv[0];
	} else if (matches(kw, "peer-netns")) {
		a->peer.netns = argv[0];
	} else if (matches(kw, "mode")) {
		a->has_mode = true;
		err = parse_mode(argv[0], &a->mode);
	} else if (matches(kw, "mtu")) {
		err = parse_u32("mtu", argv[0], UINT32_MAX, &a->end.mtu);
		if (!err && !a->peer.mtu)
			a->peer.mtu = a->end.mtu;
	} else if (matches(kw, "peer-mtu")) {
		err = parse_u32("peer-mtu", argv[0], UINT32_MAX, &a->peer.mtu);
	} else if (matches(kw, "queues")) {
		err = parse_u32("queues", argv[0], 4096, &a->queues);
		if (!err && !a->queues)
			err = usage_err("invalid queues \"%s\"", argv[0]);
	} else if (matches(kw, "address")) {
		a->end.has_addr = true;
		err = parse_mac(argv[0], a->end.addr);
	} else {
		a->peer.has_addr = true;
		err = parse_mac(argv[0], a->peer.addr);
	}
	*argcp = argc;
	*argvp = argv;
	return err;
}

/* The IFLA_* attributes of one end; @nsfd < 0: no namespace. */
static void put_end(struct nlmsg *m, const struct end_args *e,
		    uint32_t queues, int nsfd)
{
	if (e->name)
		nl_put_str(m, IFLA_IFNAME, e->name);
	if (e->mtu)
		nl_put_u32(m, IFLA_MTU, e->mtu);
	if (e->has_addr)
		nl_put(m, IFLA_ADDRESS, e->addr, MAC_LEN);
	if (queues) {
		nl_put_u32(m, IFLA_NUM_TX_QUEUES, queues);
		nl_put_u32(m, IFLA_NUM_RX_QUEUES, queues);
	}
	if (nsfd >= 0)
		nl_put_u32(m, IFLA_NET_NS_FD, nsfd);
}

static void add_build(struct nlmsg *m, const struct add_args *a, int fd,
		      int pfd)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *linkinfo, *data, *peer;

	nl_init(m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
	put_end(m, &a->end, a->queues, fd);
	linkinfo = nl_nest(m, IFLA_LINKINFO);
	nl_put_str(m, IFLA_INFO_KIND, opts.kind);
	data = nl_nest(m, IFLA_INFO_DATA);
	/*
	 * Always a peer block: without one the peer would copy the first
	 * end's attributes, its namespace included.
	 */
	peer = nl_put(m, VPAIR_INFO_PEER, &ifi, sizeof(ifi));
	put_end(m, &a->peer, a->queues, pfd);
	nl_nest_end(m, peer);
	if (a->has_mode)
		nl_put_u32(m, VPAIR_INFO_MODE, a->mode);
	nl_nest_end(m, data);
	nl_nest_end(m, linkinfo);
}

static int add_request(int nl, const struct add_args *a)
{
	int fd = -1, pfd = -1, err = EXIT_FAIL;
	struct nlmsg m;

	if (a->end.netns) {
		fd = ns_open(a->end.netns);
		if (fd < 0)
			return EXIT_FAIL;
	}
	if (a->peer.netns) {
		pfd = ns_open(a->peer.netns);
		if (pfd < 0)
			goto out;
	}
	add_build(&m, a, fd, pfd);
	err = nl_talk(nl, &m, NULL, NULL);
	if (err)
		err = nl_report(err, "cannot create the pair");
out:
	if (fd >= 0)
		close(fd);
	if (pfd >= 0)
		close(pfd);
	return err;
}

int do_add(int argc, char **argv)
{
	struct add_args a = { 0 };
	int nl, err;

	for (; argc > 0; argc--, argv++) {
		if (is_help(argv[0])) {
			fputs(add_usage, stdout);
			return EXIT_OK;
		}
		/* A first word that is no keyword names the first end. */
		if (!a.end.name && argv[0][0] != '-' &&
		    !is_add_keyword(argv[0])) {
			a.end.name = argv[0];
			err = check_name(argv[0]);
		} else {
			err = add_keyword(&a, &argc, &argv);
		}
		if (err)
			return err;
	}

	nl = nl_open();
	if (nl < 0)
		return EXIT_FAIL;
	err = add_request(nl, &a);
	close(nl);
	return err;
}

/* --- reading links back ---------------------------------------------- */

struct link {
	int		ifindex;
	char		name[IFNAMSIZ];
	char		kind[32];
	uint32_t	mtu;
	uint32_t	txq;
	uint32_t	rxq;
	int		mode;		/* -1: not reported */
	int		peer_ifindex;	/* 0: none */
	int		link_netnsid;	/* -1: same namespace */
	int		carrier;	/* -1: not reported */
	int		operstate;
};

struct link_list {
	struct link	*v;
	size_t		n;
	size_t		cap;
};

static void parse_linkinfo(struct link *l, const struct nlattr *li)
{
	struct nlattr *tb[IFLA_INFO_MAX + 1], *data[VPAIR_INFO_MAX + 1];

	nl_parse(tb, IFLA_INFO_MAX, nla_payload(li), nla_paylen(li));
	if (tb[IFLA_INFO_KIND])
		snprintf(l->kind, sizeof(l->kind), "%.*s",
			 (int)nla_paylen(tb[IFLA_INFO_KIND]),
			 nla_str(tb[IFLA_INFO_KIND]));
	if (!tb[IFLA_INFO_DATA] || strcmp(l->kind, VPAIR_KIND))
		return;
	nl_parse(data, VPAIR_INFO_MAX, nla_payload(tb[IFLA_INFO_DATA]),
		 nla_paylen(tb[IFLA_INFO_DATA]));
	if (data[VPAIR_INFO_MODE])
		l->mode = nla_u32(data[VPAIR_INFO_MODE]);
	if (data[VPAIR_INFO_PEER_IFINDEX])
		l->peer_ifindex = nla_u32(data[VPAIR_INFO_PEER_IFINDEX]);
}

static uint8_t nla_u8(const struct nlattr *a)
{
	return nla_paylen(a) ? *(const uint8_t *)nla_payload(a) : 0;
}

static int parse_link(const struct nlmsghdr *nh, struct link *l)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	struct nlattr *tb[IFLA_MAX + 1];

	if (nh->nlmsg_type != RTM_NEWLINK ||
	    nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -1;
	memset(l, 0, sizeof(*l));
	l->ifindex = ifi->ifi_index;
	l->mode = -1;
	l->link_netnsid = -1;
	l->carrier = -1;
	nl_parse(tb, IFLA_MAX, (const char *)ifi + NLMSG_ALIGN(sizeof(*ifi)),
		 nh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(*ifi))));
	if (tb[IFLA_IFNAME])
		snprintf(l->name, sizeof(l->name), "%.*s",
			 (int)nla_paylen(tb[IFLA_IFNAME]),
			 nla_str(tb[IFLA_IFNAME]));
	if (tb[IFLA_MTU])
		l->mtu = nla_u32(tb[IFLA_MTU]);
	if (tb[IFLA_NUM_TX_QUEUES])
		l->txq = nla_u32(tb[IFLA_NUM_TX_QUEUES]);
	if (tb[IFLA_NUM_RX_QUEUES])
		l->rxq = nla_u32(tb[IFLA_NUM_RX_QUEUES]);
	if (tb[IFLA_LINK])
		l->peer_ifindex = nla_u32(tb[IFLA_LINK]);
	if (tb[IFLA_LINK_NETNSID])
		l->link_netnsid = (int)nla_u32(tb[IFLA_LINK_NETNSID]);
	if (tb[IFLA_CARRIER])
		l->carrier = nla_u8(tb[IFLA_CARRIER]);
	if (tb[IFLA_OPERSTATE])
		l->operstate = nla_u8(tb[IFLA_OPERSTATE]);
	if (tb[IFLA_LINKINFO])
		parse_linkinfo(l, tb[IFLA_LINKINFO]);
	/* An end without a peer reports its own ifindex as its link. */
	if (l->peer_ifindex == l->ifindex && l->link_netnsid < 0)
		l->peer_ifindex = 0;
	return 0;
}

static int collect_cb(const struct nlmsghdr *nh, void *arg)
{
	struct link_list *ll = arg;

	if (ll->n == ll->cap) {
		size_t cap = ll->cap ? 2 * ll->cap : 16;
		struct link *v = realloc(ll->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ll->v = v;
		ll->cap = cap;
	}
	if (parse_link(nh, &ll->v[ll->n]) == 0)
		ll->n++;
	return 0;
}

/* RTM_GETLINK of @name, or of @ifindex in namespace @nsid (if >= 0). */
static int get_link(int nl, const char *name, int ifindex, int nsid,
		    struct link_list *ll)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = ifindex,
	};
	struct nlmsg m;

	nl_init(&m, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	if (name)
		nl_put_str(&m, IFLA_IFNAME, name);
	if (nsid >= 0)
		nl_put_u32(&m, IFLA_TARGET_NETNSID, nsid);
	nl_put_u32(&m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_talk(nl, &m, collect_cb, ll);
}

static int dump_links(int nl, struct link_list *ll)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlmsg m;

	nl_init(&m, RTM_GETLINK, NLM_F_DUMP, &ifi, sizeof(ifi));
	nl_put_u32(&m, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_talk(nl, &m, collect_cb, ll);
}

/* --- del --------------------------------------------------------------- */

/* Kinds del removes: pairs and char-device interfaces. */
static bool deletable_kind(const char *kind)
{
	return !strcmp(kind, opts.kind) || !strcmp(kind, VPAIR_KIND) ||
	       !strcmp(kind, VPAIR_TUN_KIND) || !strcmp(kind, "veth") ||
	       !strcmp(kind, "tun");
}

static int del_link(int nl, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct link_list ll = { 0 };
	struct nlmsg m;
	int err;

	err = get_link(nl, name, 0, -1, &ll);
	if (err)
		return nl_report(err, "cannot find device \"%s\"", name);
	if (ll.n != 1 || !deletable_kind(ll.v[0].kind)) {
		err_msg("\"%s\" is not a %s link (kind \"%s\")", name,
			opts.kind, ll.n ? ll.v[0].kind : "?");
		free(ll.v);
		return EXIT_FAIL;
	}
	ifi.ifi_index = ll.v[0].ifindex;
	free(ll.v);
	nl_init(&m, RTM_DELLINK, 0, &ifi, sizeof(ifi));
	err = nl_talk(nl, &m, NULL, NULL);
	if (err)
		return nl_report(err, "cannot delete \"%s\"", name);
	return EXIT_OK;
}

static int show(int nl, const char *name);

/*
 * "del" and "show": at most one interface name, as NAME, "dev NAME" or
 * "name NAME" (required if @need), or a request for help (@usage); then
 * @fn on an rtnetlink socket. The exit code.
 */
static int name_cmd(const char *cmd, const char *usage, bool need,
		    int (*fn)(int nl, const char *name), int argc,
		    char **argv)
{
	const char *name = NULL;
	int nl, err;

	for (; argc > 0; argc--, argv++) {
		if (is_help(argv[0])) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (matches(argv[0], "dev") || matches(argv[0], "name"))
			NEXT_ARG(argc, argv, argv[0]);
		if (name)
			return usage_err("%s: unexpected argument \"%s\"",
					 cmd, argv[0]);
		name = argv[0];
	}
	if (!name && need)
		return usage_err("%s: missing interface name", cmd);
	if (name && check_name(name))
		return EXIT_USAGE;

	nl = nl_open();
	if (nl < 0)
		return EXIT_FAIL;
	err = fn(nl, name);
	close(nl);
	return err;
}

int do_del(int argc, char **argv)
{
	return name_cmd("del", del_usage, true, del_link, argc, argv);
}

/* --- show -------------------------------------------------------------- */

struct peer_info {
	char		name[IFNAMSIZ];		/* "" if unknown */
	char		netns[256];		/* "" if same or unknown */
};

static const char *operstate_name(int s)
{
	static const char * const names[] = {
		"unknown", "notpresent", "down", "lowerlayerdown",
		"testing", "dormant", "up",
	};

	if (s >= 0 && s < (int)(sizeof(names) / sizeof(names[0])))
		return names[s];
	return "unknown";
}

static const char *mode_name(int mode)
{
	switch (mode) {
	case VPAIR_MODE_L2:
		return "l2";
	case VPAIR_MODE_L3:
		return "l3";
	default:
		return "?";
	}
}

static void find_peer(int nl, const struct link *l,
		      const struct link_list *all, struct peer_info *p)
{
	struct link_list one = { 0 };
	size_t i;

	memset(p, 0, sizeof(*p));
	if (!l->peer_ifindex)
		return;
	if (l->link_netnsid < 0) {
		for (i = 0; i < all->n; i++)
			if (all->v[i].ifindex == l->peer_ifindex)
				memcpy(p->name, all->v[i].name, IFNAMSIZ);
		return;
	}
	if (!get_link(nl, NULL, l->peer_ifindex, l->link_netnsid, &one) &&
	    one.n == 1)
		memcpy(p->name, one.v[0].name, IFNAMSIZ);
	free(one.v);
	ns_name_of_nsid(nl, l->link_netnsid, p->netns, sizeof(p->netns));
}

static void show_text(const struct link *l, const struct peer_info *p)
{
	printf("%s ifindex %d kind %s", l->name, l->ifindex,
	       l->kind[0] ? l->kind : "-");
	if (l->peer_ifindex) {
		printf(" peer %s peer-ifindex %d", p->name[0] ? p->name : "?",
		       l->peer_ifindex);
		if (p->netns[0])
			printf(" peer-netns %s", p->netns);
		if (l->link_netnsid >= 0)
			printf(" peer-netnsid %d", l->link_netnsid);
	} else {
		printf(" peer -");
	}
	if (l->mode >= 0)
		printf(" mode %s", mode_name(l->mode));
	printf(" mtu %u queues %u/%u", l->mtu, l->txq, l->rxq);
	if (l->carrier >= 0)
		printf(" carrier %s", l->carrier ? "on" : "off");
	printf(" state %s\n", operstate_name(l->operstate));
}

static void show_json(const struct link *l, const struct peer_info *p)
{
	json_begin_object(NULL);
	json_str("ifname", l->name);
	json_int("ifindex", l->ifindex);
	if (l->kind[0])
		json_str("kind", l->kind);
	else
		json_null("kind");
	if (l->mode >= 0)
		json_str("mode", mode_name(l->mode));
	else
		json_null("mode");
	json_uint("mtu", l->mtu);
	json_uint("num_tx_queues", l->txq);
	json_uint("num_rx_queues", l->rxq);
	if (l->carrier >= 0)
		json_bool("carrier", l->carrier);
	else
		json_null("carrier");
	json_str("operstate", operstate_name(l->operstate));
	if (l->peer_ifindex) {
		json_begin_object("peer");
		if (p->name[0])
			json_str("ifname", p->name);
		else
			json_null("ifname");
		json_int("ifindex", l->peer_ifindex);
		if (l->link_netnsid >= 0)
			json_int("netnsid", l->link_netnsid);
		else
			json_null("netnsid");
		if (p->netns[0])
			json_str("netns", p->netns);
		else
			json_null("netns");
		json_end_object();
	} else {
		json_null("peer");
	}
	json_end_object();
}

/* Prints @sel (every end of the pair kind if @name is NULL). */
static void show_links(int nl, const struct link_list *sel,
		       const struct link_list *all, const char *name)
{
	struct peer_info p;
	size_t i;

	if (opts.json)
		json_begin_array(NULL);
	for (i = 0; i < sel->n; i++) {
		const struct link *l = &sel->v[i];

		if (!name && strcmp(l->kind, opts.kind))
			continue;
		find_peer(nl, l, all, &p);
		if (opts.json)
			show_json(l, &p);
		else
			show_text(l, &p);
	}
	if (opts.json) {
		json_end_array();
		json_done();
	}
}

static int show(int nl, const char *name)
{
	struct link_list one = { 0 }, all = { 0 };
	int err;

	if (name) {
		err = get_link(nl, name, 0, -1, &one);
		if (err)
			return nl_report(err, "cannot find device \"%s\"",
					 name);
	}
	/* Every link: the peers' names, when they are in this namespace. */
	err = dump_links(nl, &all);
	if (err) {
		err = nl_report(err, "cannot list links");
	} else {
		show_links(nl, name ? &one : &all, &all, name);
		err = EXIT_OK;
	}
	free(one.v);
	free(all.v);
	return err;
}

int do_show(int argc, char **argv)
{
	return name_cmd("show", show_usage, false, show, argc, argv);
}
