// SPDX-License-Identifier: GPL-2.0
/*
 * link_vtun.so: iproute2 link plugin for the rtnl link kind "vtun", the
 * interfaces made through /dev/net/vpair. They dump tun's IFLA_TUN_*
 * attributes; this prints them the way ip prints a tun's, so that
 * "ip -d link show vtap0" reads "vtun type tap pi off vnet_hdr on ...".
 * Creation goes through the character device (ip tuntap, vpairctl), so
 * there is nothing to parse.
 */
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/vpair.h>

#include "iproute2_abi.h"

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
	fprintf(f,
		"vtun interfaces are made through /dev/net/vpair, like tun's through\n"
		"/dev/net/tun: use \"ip tuntap\" with the device bind-mounted over\n"
		"/dev/net/tun, \"vpairctl tap|tun\", or TUNSETIFF. \"ip -d link show\" prints\n"
		"vtun type { tun | tap } pi { on | off } vnet_hdr { on | off }\n"
		"     [ multi_queue numqueues N numdisabled N ] persist { on | off }\n"
		"     user USER group GROUP\n");
}

/* Looked up by name: "<kind>_link_util". */
struct link_util vtun_link_util = {
	.id		= VPAIR_TUN_KIND,
	.maxattr	= IFLA_TUN_MAX,
	.print_opt	= vtun_print_opt,
	.print_help	= vtun_print_help,
};
