// SPDX-License-Identifier: GPL-2.0
/*
 * vpairctl: plain rtnetlink, one request at a time, with extended acks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "vpairctl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED		0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS		0x200
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG	1
#endif

#define NLA_ALIGNED(len)	((size_t)NLA_ALIGN(len))

/* The kernel's extack message of the last failed request, or "". */
char nl_extack[256];

static uint32_t nl_seq;

int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		err_msg("netlink socket: %s", strerror(errno));
		return -1;
	}
	/* Older kernels lack extended acks; the errno still comes back. */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err_msg("netlink bind: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void nl_init(struct nlmsg *m, uint16_t type, uint16_t flags, const void *hdr,
	     size_t hdrlen)
{
	memset(m->buf, 0, NLMSG_SPACE(hdrlen));
	m->cap = sizeof(m->buf);
	m->nh = (struct nlmsghdr *)m->buf;
	m->nh->nlmsg_len = NLMSG_LENGTH(hdrlen);
	m->nh->nlmsg_type = type;
	m->nh->nlmsg_flags = NLM_F_REQUEST | flags;
	m->nh->nlmsg_seq = ++nl_seq;
	if (hdrlen)
		memcpy(NLMSG_DATA(m->nh), hdr, hdrlen);
	m->nh->nlmsg_len = NLMSG_ALIGN(m->nh->nlmsg_len);
}

struct nlattr *nl_put(struct nlmsg *m, uint16_t type, const void *data,
		      size_t len)
{
	size_t total = NLA_ALIGNED(NLA_HDRLEN + len);
	struct nlattr *a;

	if (m->nh->nlmsg_len + total > m->cap) {
		err_msg("netlink request too large");
		exit(EXIT_FAIL);
	}
	a = (struct nlattr *)(m->buf + m->nh->nlmsg_len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memset((char *)a + NLA_HDRLEN, 0, total - NLA_HDRLEN);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	m->nh->nlmsg_len += total;
	return a;
}

struct nlattr *nl_put_u32(struct nlmsg *m, uint16_t type, uint32_t val)
{
	return nl_put(m, type, &val, sizeof(val));
}

struct nlattr *nl_put_str(struct nlmsg *m, uint16_t type, const char *s)
{
	return nl_put(m, type, s, strlen(s) + 1);
}

struct nlattr *nl_nest(struct nlmsg *m, uint16_t type)
{
	return nl_put(m, type, NULL, 0);
}

void nl_nest_end(struct nlmsg *m, struct nlattr *nest)
{
	nest->nla_len = m->buf + m->nh->nlmsg_len - (char *)nest;
}

void nl_parse(struct nlattr **tb, int max, const void *data, size_t len)
{
	const struct nlattr *a = data;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = (struct nlattr *)a;
		if (NLA_ALIGNED(a->nla_len) >= len)
			break;
		len -= NLA_ALIGNED(a->nla_len);
		a = (const struct nlattr *)((const char *)a +
					    NLA_ALIGNED(a->nla_len));
	}
}

const void *nla_payload(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

size_t nla_paylen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

uint32_t nla_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	if (nla_paylen(a) >= sizeof(v))
		memcpy(&v, nla_payload(a), sizeof(v));
	return v;
}

const char *nla_str(const struct nlattr *a)
{
	return nla_payload(a);
}

/* Keeps the extack message of an error reply, if there is one. */
static void nl_keep_extack(const struct nlmsghdr *nh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	struct nlattr *tb[NLMSGERR_ATTR_MSG + 1];
	size_t off, len;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = sizeof(*e);
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (NLMSG_LENGTH(off) >= nh->nlmsg_len)
		return;
	len = nh->nlmsg_len - NLMSG_LENGTH(off);
	nl_parse(tb, NLMSGERR_ATTR_MSG, (const char *)e + off, len);
	if (tb[NLMSGERR_ATTR_MSG] && nla_paylen(tb[NLMSGERR_ATTR_MSG]))
		snprintf(nl_extack, sizeof(nl_extack), "%.*s",
			 (int)nla_paylen(tb[NLMSGERR_ATTR_MSG]),
			 nla_str(tb[NLMSGERR_ATTR_MSG]));
}

/* 1: the request is finished, 0: more to come, <0: -errno. */
static int nl_handle(const struct nlmsghdr *nh, uint32_t seq, nl_cb_t cb,
		     void *arg)
{
	const struct nlmsgerr *e;

	if (nh->nlmsg_seq != seq)
		return 0;
	if (nh->nlmsg_type == NLMSG_DONE)
		return 1;
	if (nh->nlmsg_type != NLMSG_ERROR)
		return cb ? cb(nh, arg) : 0;
	e = NLMSG_DATA(nh);
	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EPROTO;
	if (e->error)
		nl_keep_extack(nh);
	return e->error ? e->error : 1;
}

/* Hands every message of one datagram to nl_handle(). */
static int nl_walk(const char *buf, size_t len, uint32_t seq, nl_cb_t cb,
		   void *arg)
{
	while (len >= sizeof(struct nlmsghdr)) {
		const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;
		size_t size = NLMSG_ALIGN(nh->nlmsg_len);
		int ret;

		if (nh->nlmsg_len < sizeof(*nh) || nh->nlmsg_len > len)
			return -EPROTO;
		ret = nl_handle(nh, seq, cb, arg);
		if (ret)
			return ret;
		if (size >= len)
			break;
		buf += size;
		len -= size;
	}
	return 0;
}

/*
 * Sends @m and reads the answer: every message but the final ack or
 * NLMSG_DONE goes to @cb (a positive return ends the request early, a
 * negative one is an error). Returns 0 or -errno.
 */
int nl_talk(int fd, struct nlmsg *m, nl_cb_t cb, void *arg)
{
	static char rbuf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
	uint32_t seq = m->nh->nlmsg_seq;
	int ret = 0;

	nl_extack[0] = '\0';
	if ((m->nh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		m->nh->nlmsg_flags |= NLM_F_ACK;
	if (send(fd, m->buf, m->nh->nlmsg_len, 0) < 0)
		return -errno;

	while (!ret) {
		ssize_t n = recv(fd, rbuf, sizeof(rbuf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		ret = nl_walk(rbuf, n, seq, cb, arg);
	}
	return ret < 0 ? ret : 0;
}

/*
 * Prints a failed request as "vpairctl: Error: EXTACK (STRERROR)", or
 * "vpairctl: Error: WHAT (STRERROR)" without an extack message. Returns
 * the exit status for a failed operation.
 */
int nl_report(int err, const char *fmt, ...)
{
	va_list ap;

	if (err < 0)
		err = -err;
	fputs("vpairctl: Error: ", stderr);
	if (nl_extack[0]) {
		fprintf(stderr, "%s (%s)\n", nl_extack, strerror(err));
		return EXIT_FAIL;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (%s)\n", strerror(err));
	return EXIT_FAIL;
}
