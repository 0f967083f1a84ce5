/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink requests for the C tests: a request of one struct ifinfomsg
 * and attributes, built in place and sent on a socket of its own.
 */
#ifndef RTNL_H
#define RTNL_H

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

struct nlreq {
	struct nlmsghdr nh;
	struct ifinfomsg ifm;
	char attrs[1024];
};

static inline struct rtattr *nl_put(struct nlreq *req, unsigned short type,
				    const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(req->nh.nlmsg_len) - NLMSG_LENGTH(sizeof(req->ifm));
	struct rtattr *rta = (struct rtattr *)&req->attrs[off];

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) +
			    RTA_ALIGN(rta->rta_len);
	return rta;
}

static inline void nl_put_u32(struct nlreq *req, unsigned short type, __u32 v)
{
	nl_put(req, type, &v, sizeof(v));
}

static inline void nl_put_str(struct nlreq *req, unsigned short type,
			      const char *s)
{
	nl_put(req, type, s, strlen(s) + 1);
}

static inline void nl_nest_end(struct nlreq *req, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)req + req->nh.nlmsg_len -
					 (char *)nest);
}

static inline void nl_init(struct nlreq *req, int type, int flags)
{
	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(req->ifm));
	req->nh.nlmsg_type = (unsigned short)type;
	req->nh.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK |
					       flags);
	req->nh.nlmsg_seq = 1;
}

/* Send @nh from the current network namespace: 0 or the errno of the ack. */
static inline int nl_talk(struct nlmsghdr *nh)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *ack;
	char buf[4096];
	int sk, ret = EPROTO;
	ssize_t n;

	sk = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sk < 0)
		return errno;
	if (sendto(sk, nh, nh->nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		ret = errno;
		goto out;
	}
	n = recv(sk, buf, sizeof(buf), 0);
	if (n < 0) {
		ret = errno;
		goto out;
	}
	ack = (struct nlmsghdr *)buf;
	if (NLMSG_OK(ack, (unsigned int)n) && ack->nlmsg_type == NLMSG_ERROR)
		ret = -((struct nlmsgerr *)NLMSG_DATA(ack))->error;
out:
	close(sk);
	return ret;
}

#endif /* RTNL_H */
