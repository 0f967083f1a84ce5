// SPDX-License-Identifier: GPL-2.0
/*
 * link_vpair.so: iproute2 link plugin for the rtnl link kind "vpair".
 *
 * ip(8) looks a link kind up in its own tables first, then dlopen()s
 * "link_<kind>.so" from $IP_LIB_DIR or its compile-time lib directory and
 * uses the symbol "<kind>_link_util". This file provides vpair_link_util:
 *
 *   ip link add NAME type vpair [ mode { l2 | l3 } ] [ peer [ OPTIONS ] ]
 *   ip -d link show NAME      ->  vpair mode l2 peer IFINDEX
 *   ip link help vpair
 *
 * The peer OPTIONS are those of "ip link add" and are parsed by ip's own
 * iplink_parse(), exactly as ip does it for veth.
 *
 * iproute2 installs no headers: iproute2_abi.h declares what this plugin
 * uses from the ip binary.
 */
#include <stdio.h>
#include <string.h>
#include <linux/vpair.h>

#include "iproute2_abi.h"

/* ip's request buffer holds this many bytes of attributes (link_veth.c). */
#define VPAIR_REQ_MAX	1024

static const char * const vpair_mode_names[] = {
	[VPAIR_MODE_L2]	= "l2",
	[VPAIR_MODE_L3]	= "l3",
};

static void vpair_usage(FILE *f)
{
	fprintf(f,
		"Usage: ip link add [ name ] NAME [ <options> ] type vpair\n"
		"\t\t[ mode MODE ] [ peer [ [ name ] NAME ] [ <options> ] ]\n"
		"\n"
		"Where: MODE := { l2 | l3 }\n"
		"\tl2: Ethernet devices, like veth (the default)\n"
		"\tl3: no link-layer header, IP packets only, no ARP\n"
		"\n"
		"\"mode\" applies to both ends, comes before \"peer\" and is\n"
		"fixed at creation. Everything after \"peer\" configures the peer\n"
		"and takes the <options> of \"ip link add\": netns { NAME | PID },\n"
		"mtu MTU, address LLADDR, txqueuelen PACKETS, numtxqueues QUEUE_COUNT,\n"
		"numrxqueues QUEUE_COUNT, index IDX, up, ...\n"
		"To get <options> type 'ip link add help'.\n"
		"\n"
		"\"ip -d link show\" prints: vpair mode MODE peer IFINDEX\n");
}

static int vpair_garbage(const char *arg)
{
	fprintf(stderr,
		"Garbage instead of arguments \"%s ...\". Try \"ip link help vpair\".\n",
		arg);
	return -1;
}

static int vpair_mode_of(const char *arg)
{
	int mode;

	for (mode = 0; mode <= VPAIR_MODE_MAX; mode++)
		if (strcmp(arg, vpair_mode_names[mode]) == 0)
			return mode;
	return -1;
}

static __u32 vpair_parse_mode(const char *arg)
{
	int mode = vpair_mode_of(arg);

	if (mode < 0)
		invarg("\"mode\" must be \"l2\" or \"l3\"", arg);
	return mode;
}

/*
 * After "peer", ip's parser would take "mode l3" for the peer's link mode
 * (default | dormant) and call "l3" invalid; say where it belongs instead.
 */
static int vpair_misplaced_mode(int argc, char **argv)
{
	int i;

	for (i = 0; i + 1 < argc; i++) {
		if (strcmp(argv[i], "mode") == 0 &&
		    vpair_mode_of(argv[i + 1]) >= 0) {
			fprintf(stderr,
				"Error: \"mode %s\" is the pair's and goes before \"peer\".\n",
				argv[i + 1]);
			return 1;
		}
	}
	return 0;
}

/*
 * "peer ...": a VPAIR_INFO_PEER nest holding a struct ifinfomsg and the
 * peer's IFLA_* attributes, filled in by ip's own parser. That parser
 * writes the peer's flags and index into the request's ifinfomsg, so the
 * pair's own are set aside meanwhile and moved into the nest afterwards.
 */
static int vpair_parse_peer(int argc, char **argv, struct nlmsghdr *n)
{
	struct ifinfomsg *ifm = NLMSG_DATA(n);
	struct ifinfomsg *peer_ifm;
	struct ifinfomsg saved;
	struct rtattr *nest;
	char *type = NULL;
	int ret;

	if (vpair_misplaced_mode(argc, argv))
		return -1;
	if (NLMSG_ALIGN(n->nlmsg_len) + RTA_LENGTH(sizeof(*peer_ifm)) >
	    VPAIR_REQ_MAX) {
		fprintf(stderr, "vpair: message exceeded bound of %d\n",
			VPAIR_REQ_MAX);
		return -1;
	}

	saved = *ifm;
	ifm->ifi_flags = 0;
	ifm->ifi_change = 0;
	ifm->ifi_index = 0;

	nest = addattr_nest(n, VPAIR_REQ_MAX, VPAIR_INFO_PEER);
	peer_ifm = RTA_DATA(nest);
	memset(peer_ifm, 0, sizeof(*peer_ifm));
	n->nlmsg_len += sizeof(*peer_ifm);

	ret = iplink_parse(argc, argv, (struct iplink_req *)n, &type);
	if (ret < 0)
		return ret;
	if (type)
		duparg("type", type);

	peer_ifm->ifi_index = ifm->ifi_index;
	peer_ifm->ifi_flags = ifm->ifi_flags;
	peer_ifm->ifi_change = ifm->ifi_change;
	ifm->ifi_index = saved.ifi_index;
	ifm->ifi_flags = saved.ifi_flags;
	ifm->ifi_change = saved.ifi_change;

	addattr_nest_end(n, nest);
	return 0;
}

static int vpair_parse_opt(struct link_util *lu, int argc, char **argv,
			   struct nlmsghdr *n)
{
	int seen_mode = 0;
	__u32 mode;

	(void)lu;
	for (; argc > 0; argc--, argv++) {
		if (strcmp(*argv, "peer") == 0)
			return vpair_parse_peer(argc - 1, argv + 1, n);

		if (strcmp(*argv, "help") == 0) {
			vpair_usage(stderr);
			return -1;
		}
		if (strcmp(*argv, "mode") != 0)
			return vpair_garbage(*argv);

		if (--argc <= 0)
			incomplete_command();
		argv++;
		if (seen_mode)
			duparg("mode", *argv);
		seen_mode = 1;
		mode = vpair_parse_mode(*argv);
		if (addattr32(n, VPAIR_REQ_MAX, VPAIR_INFO_MODE, mode))
			return -1;
	}
	return 0;
}

static void vpair_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	struct rtattr *attr;
	char buf[16];
	__u32 val;

	(void)lu;
	(void)f;
	if (!tb)
		return;

	attr = tb[VPAIR_INFO_MODE];
	if (attr && RTA_PAYLOAD(attr) >= sizeof(__u32)) {
		memcpy(&val, RTA_DATA(attr), sizeof(val));
		if (val <= VPAIR_MODE_MAX)
			snprintf(buf, sizeof(buf), "%s", vpair_mode_names[val]);
		else
			snprintf(buf, sizeof(buf), "%u", val);
		print_color_string(PRINT_ANY, COLOR_NONE, "mode", "mode %s ",
				   buf);
	}

	attr = tb[VPAIR_INFO_PEER_IFINDEX];
	if (attr && RTA_PAYLOAD(attr) >= sizeof(__u32)) {
		memcpy(&val, RTA_DATA(attr), sizeof(val));
		print_color_uint(PRINT_ANY, COLOR_NONE, "peer_ifindex",
				 "peer %u ", val);
	}
}

static void vpair_print_help(struct link_util *lu, int argc, char **argv,
			     FILE *f)
{
	(void)lu;
	(void)argc;
	(void)argv;
	vpair_usage(f);
}

/* Looked up by name: "<kind>_link_util". */
struct link_util vpair_link_util = {
	.id		= VPAIR_KIND,
	.maxattr	= VPAIR_INFO_MAX,
	.parse_opt	= vpair_parse_opt,
	.print_opt	= vpair_print_opt,
	.print_help	= vpair_print_help,
};
