/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of iproute2's ABI a link plugin uses. iproute2 installs no
 * headers; these declarations match ip/ip_common.h, include/libnetlink.h,
 * include/utils.h, include/json_print.h and include/color.h, unchanged
 * from iproute2 4.11 (2017) through 7.x. The functions are exported by
 * the ip binary, which is linked with -export-dynamic for its plugins.
 */
#ifndef IPROUTE2_ABI_H
#define IPROUTE2_ABI_H

#include <stdio.h>
#include <linux/types.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n);
	void (*print_opt)(struct link_util *lu, FILE *f, struct rtattr *tb[]);
	void (*print_xstats)(struct link_util *lu, FILE *f,
			     struct rtattr *xstats);
	void (*print_help)(struct link_util *lu, int argc, char **argv,
			   FILE *f);
	int (*parse_ifla_xstats)(struct link_util *lu, int argc, char **argv);
	int (*print_ifla_xstats)(struct nlmsghdr *n, void *arg);
};

/* Only ever passed by pointer: a struct nlmsghdr, a struct ifinfomsg and
 * 1024 bytes of attributes.
 */
struct iplink_req;

enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = 4,
};

enum color_attr {
	COLOR_IFNAME,
	COLOR_MAC,
	COLOR_INET,
	COLOR_INET6,
	COLOR_OPERSTATE_UP,
	COLOR_OPERSTATE_DOWN,
	COLOR_NONE
};

int iplink_parse(int argc, char **argv, struct iplink_req *req, char **type);
struct rtattr *addattr_nest(struct nlmsghdr *n, int maxlen, int type);
int addattr_nest_end(struct nlmsghdr *n, struct rtattr *nest);
int addattr8(struct nlmsghdr *n, int maxlen, int type, __u8 data);
int addattr32(struct nlmsghdr *n, int maxlen, int type, __u32 data);
_Noreturn void incomplete_command(void);
_Noreturn void invarg(const char *msg, const char *arg);
_Noreturn void duparg(const char *key, const char *arg);
int print_color_string(enum output_type t, enum color_attr color,
		       const char *key, const char *fmt, const char *value);
int print_color_uint(enum output_type t, enum color_attr color,
		     const char *key, const char *fmt, unsigned int value);
int print_color_bool(enum output_type t, enum color_attr color,
		     const char *key, const char *fmt, _Bool value);
int print_color_on_off(enum output_type t, enum color_attr color,
		       const char *key, const char *fmt, _Bool value);

#endif /* IPROUTE2_ABI_H */
