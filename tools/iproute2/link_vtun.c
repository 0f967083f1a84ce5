// SPDX-License-Identifier: GPL-2.0
/*
 * link_vtun.so: iproute2 link plugin for the rtnl link kind "vtun", the
 * interfaces of /dev/net/vpair. They dump tun's IFLA_TUN_* attributes;
 * this prints them the way ip prints a tun's, so that "ip -d link show
 * vtap0" reads "vtun type tap pi off vnet_hdr on ...". Unlike tun, a
 * persistent vtun can be created over rtnetlink, with ip tuntap's words:
 *
 *   ip link add vtap0 type vtun mode tap user 1000 group 1000 pi vnet_hdr
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/vpair.h>

#include "iproute2_abi.h"

/* ip's request buffer holds this many bytes of attributes (link_veth.c). */
#define VTUN_REQ_MAX	1024

static void vtun_usage(FILE *f)
{
	fprintf(f,
		"Usage: ip link add [ name ] NAME [ <options> ] type vtun\n"
		"\t\tmode { tun | tap } [ user USER ] [ group GROUP ]\n"
		"\t\t[ pi ] [ vnet_hdr ] [ multi_queue ]\n"
		"\n"
		"Creates a persistent interface of /dev/net/vpair with no queue, as\n"
		"\"ip tuntap add\" does for tun; TUNSETIFF on /dev/net/vpair attaches\n"
		"to it under tun's rules (same mode and multi_queue; the owner, a\n"
		"member of the group, or CAP_NET_ADMIN). USER and GROUP are names or\n"
		"numbers. It is deleted with \"ip link del\"; its settings cannot be\n"
		"changed with \"ip link set\" (the char device's ioctls do that).\n"
		"\n"
		"\"ip -d link show\" prints\n"
		"vtun type { tun | tap } pi { on | off } vnet_hdr { on | off }\n"
		"     [ multi_queue numqueues N numdisabled N ] persist { on | off }\n"
		"     user USER group GROUP\n");
}

/* A user or group by number or by name, as ip tuntap takes them. */
static __u32 vtun_parse_id(const char *arg, bool group)
{
	struct passwd *pw;
	struct group *gr;
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (*arg && !*end && !errno && v < 0xffffffffUL)
		return v;
	if (group) {
		gr = getgrnam(arg);
		if (gr)
			return gr->gr_gid;
		invarg("invalid group", arg);
	}
	pw = getpwnam(arg);
	if (pw)
		return pw->pw_uid;
	invarg("invalid user", arg);
}

static int vtun_put_id(struct nlmsghdr *n, int type, int *argcp,
		       char ***argvp)
{
	if (--*argcp <= 0)
		incomplete_command();
	++*argvp;
	return addattr32(n, VTUN_REQ_MAX, type,
			 vtun_parse_id(**argvp, type == IFLA_TUN_GROUP));
}

static int vtun_parse_mode(struct nlmsghdr *n, int *argcp, char ***argvp)
{
	const char *arg;
	__u8 type;

	if (--*argcp <= 0)
		incomplete_command();
	arg = *++*argvp;
	if (strcmp(arg, "tun") == 0)
		type = IFF_TUN;
	else if (strcmp(arg, "tap") == 0)
		type = IFF_TAP;
	else
		invarg("\"mode\" must be \"tun\" or \"tap\"", arg);
	return addattr8(n, VTUN_REQ_MAX, IFLA_TUN_TYPE, type);
}

static int vtun_other_word(const char *arg)
{
	if (strcmp(arg, "help") == 0)
		vtun_usage(stderr);
	else
		fprintf(stderr,
			"Garbage instead of arguments \"%s ...\". Try \"ip link help vtun\".\n",
			arg);
	return -1;
}

static int vtun_parse_opt(struct link_util *lu, int argc, char **argv,
			  struct nlmsghdr *n)
{
	int err;

	(void)lu;
	for (; argc > 0; argc--, argv++) {
		if (strcmp(*argv, "mode") == 0)
			err = vtun_parse_mode(n, &argc, &argv);
		else if (strcmp(*argv, "user") == 0)
			err = vtun_put_id(n, IFLA_TUN_OWNER, &argc, &argv);
		else if (strcmp(*argv, "group") == 0)
			err = vtun_put_id(n, IFLA_TUN_GROUP, &argc, &argv);
		else if (strcmp(*argv, "pi") == 0)
			err = addattr8(n, VTUN_REQ_MAX, IFLA_TUN_PI, 1);
		else if (strcmp(*argv, "vnet_hdr") == 0)
			err = addattr8(n, VTUN_REQ_MAX, IFLA_TUN_VNET_HDR, 1);
		else if (strcmp(*argv, "multi_queue") == 0)
			err = addattr8(n, VTUN_REQ_MAX, IFLA_TUN_MULTI_QUEUE, 1);
		else
			err = vtun_other_word(*argv);
		if (err)
			return -1;
	}
	return 0;
}

static bool vtun_u8(struct rtattr *tb[], int type, __u8 *val)
{
	if (!tb[type] || RTA_PAYLOAD(tb[type]) < sizeof(*val))
		return false;
	*val = *(__u8 *)RTA_DATA(tb[type]);
	return true;
}

static bool vtun_u32(struct rtattr *tb[], int type, __u32 *val)
{
	if (!tb[type] || RTA_PAYLOAD(tb[type]) < sizeof(*val))
		return false;
	memcpy(val, RTA_DATA(tb[type]), sizeof(*val));
	return true;
}

static void vtun_print_on_off(struct rtattr *tb[], int type, const char *key,
			      const char *fmt)
{
	__u8 val;

	if (vtun_u8(tb, type, &val))
		print_color_on_off(PRINT_ANY, COLOR_NONE, key, fmt, val);
}

static void vtun_print_type(struct rtattr *tb[])
{
	char buf[32];
	__u8 type;

	if (!vtun_u8(tb, IFLA_TUN_TYPE, &type))
		return;
	if (type == IFF_TUN)
		snprintf(buf, sizeof(buf), "tun");
	else if (type == IFF_TAP)
		snprintf(buf, sizeof(buf), "tap");
	else
		snprintf(buf, sizeof(buf), "UNKNOWN:%u", type);
	print_color_string(PRINT_ANY, COLOR_NONE, "type", "type %s ", buf);
}

static void vtun_print_queues(struct rtattr *tb[])
{
	__u32 val;
	__u8 mq;

	if (!vtun_u8(tb, IFLA_TUN_MULTI_QUEUE, &mq) || !mq) {
		print_color_bool(PRINT_JSON, COLOR_NONE, "multi_queue", NULL, false);
		return;
	}
	print_color_bool(PRINT_ANY, COLOR_NONE, "multi_queue", "multi_queue ", true);
	if (vtun_u32(tb, IFLA_TUN_NUM_QUEUES, &val))
		print_color_uint(PRINT_ANY, COLOR_NONE, "numqueues", "numqueues %u ", val);
	if (vtun_u32(tb, IFLA_TUN_NUM_DISABLED_QUEUES, &val))
		print_color_uint(PRINT_ANY, COLOR_NONE, "numdisabled", "numdisabled %u ", val);
}

/* A user or group by name when it has one, else by number, as ip does. */
static void vtun_print_ids(struct rtattr *tb[])
{
	struct passwd *pw;
	struct group *gr;
	__u32 id;

	if (vtun_u32(tb, IFLA_TUN_OWNER, &id)) {
		pw = getpwuid(id);
		if (pw)
			print_color_string(PRINT_ANY, COLOR_NONE, "user", "user %s ", pw->pw_name);
		else
			print_color_uint(PRINT_ANY, COLOR_NONE, "user", "user %u ", id);
	}
	if (vtun_u32(tb, IFLA_TUN_GROUP, &id)) {
		gr = getgrgid(id);
		if (gr)
			print_color_string(PRINT_ANY, COLOR_NONE, "group", "group %s ", gr->gr_name);
		else
			print_color_uint(PRINT_ANY, COLOR_NONE, "group", "group %u ", id);
	}
}

static void vtun_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	(void)lu;
	(void)f;
	if (!tb)
		return;
	vtun_print_type(tb);
	vtun_print_on_off(tb, IFLA_TUN_PI, "pi", "pi %s ");
	vtun_print_on_off(tb, IFLA_TUN_VNET_HDR, "vnet_hdr", "vnet_hdr %s ");
	vtun_print_queues(tb);
	vtun_print_on_off(tb, IFLA_TUN_PERSIST, "persist", "persist %s ");
	vtun_print_ids(tb);
}

static void vtun_print_help(struct link_util *lu, int argc, char **argv, FILE *f)
{
	(void)lu;
	(void)argc;
	(void)argv;
	vtun_usage(f);
}

/* Looked up by name: "<kind>_link_util". */
struct link_util vtun_link_util = {
	.id		= VPAIR_TUN_KIND,
	.maxattr	= IFLA_TUN_MAX,
	.parse_opt	= vtun_parse_opt,
	.print_opt	= vtun_print_opt,
	.print_help	= vtun_print_help,
};
