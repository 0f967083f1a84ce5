/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpairctl: shared declarations.
 */
#ifndef VPAIRCTL_H
#define VPAIRCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/netlink.h>

/* Exit statuses */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

/* Global options */
struct opts {
	bool		json;
	const char	*dev;		/* character device */
	const char	*kind;		/* pair link kind */
};

extern struct opts opts;

/* main.c: messages and argument parsing */
void err_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int parse_u32(const char *what, const char *s, uint32_t max, uint32_t *out);
bool is_help(const char *arg);
bool matches(const char *arg, const char *word);

/*
 * Verb helpers: next_arg() takes the value of a keyword, failing with a
 * usage error when it is missing.
 */
#define NEXT_ARG(argc, argv, kw) do {					\
	if ((argc) < 2)							\
		return usage_err("missing value after \"%s\"", (kw));	\
	(argc)--;							\
	(argv)++;							\
} while (0)

/* nl.c: rtnetlink */
#define NL_BUFSIZE	16384

struct nlmsg {
	struct nlmsghdr	*nh;
	size_t		cap;
	char		buf[NL_BUFSIZE] __attribute__((aligned(NLMSG_ALIGNTO)));
};

extern char nl_extack[256];

typedef int (*nl_cb_t)(const struct nlmsghdr *nh, void *arg);

int nl_open(void);
void nl_init(struct nlmsg *m, uint16_t type, uint16_t flags, const void *hdr,
	     size_t hdrlen);
struct nlattr *nl_put(struct nlmsg *m, uint16_t type, const void *data,
		      size_t len);
struct nlattr *nl_put_u32(struct nlmsg *m, uint16_t type, uint32_t val);
struct nlattr *nl_put_str(struct nlmsg *m, uint16_t type, const char *s);
struct nlattr *nl_nest(struct nlmsg *m, uint16_t type);
void nl_nest_end(struct nlmsg *m, struct nlattr *nest);
int nl_talk(int fd, struct nlmsg *m, nl_cb_t cb, void *arg);
void nl_parse(struct nlattr **tb, int max, const void *data, size_t len);
uint32_t nla_u32(const struct nlattr *a);
const char *nla_str(const struct nlattr *a);
const void *nla_payload(const struct nlattr *a);
size_t nla_paylen(const struct nlattr *a);
int nl_report(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* batch.c: batched I/O on the char device */
int batch_set(int fd, uint32_t max);
unsigned long batch_count(const unsigned char *buf, size_t len);
int batch_write_all(int fd, const unsigned char *buf, size_t len,
		    unsigned long *refused);
bool batch_add(unsigned char *buf, size_t cap, size_t *len,
	       const unsigned char *pkt, size_t pkt_len);

/* ns.c: network namespaces */
int ns_open(const char *spec);
int ns_enter(const char *spec);
int ns_name_of_nsid(int nl, int nsid, char *name, size_t len);

/* json.c: a minimal streaming JSON writer on stdout */
void json_begin_array(const char *key);
void json_end_array(void);
void json_begin_object(const char *key);
void json_end_object(void);
void json_str(const char *key, const char *val);
void json_uint(const char *key, unsigned long long val);
void json_int(const char *key, long long val);
void json_bool(const char *key, bool val);
void json_null(const char *key);
void json_done(void);

/* Verbs */
int do_add(int argc, char **argv);
int do_del(int argc, char **argv);
int do_show(int argc, char **argv);
int do_tuntap(int argc, char **argv, bool tun);
int do_features(int argc, char **argv);
int do_pump(int argc, char **argv);

/* tun.c helpers shared with pump.c */
int tun_attach(const char *name, unsigned int flags, char *ifname);
int link_set_up(const char *ifname);
bool link_wait_running(const char *ifname, double timeout);

#endif /* VPAIRCTL_H */
