// SPDX-License-Identifier: GPL-2.0
/*
 * vpairctl: network namespaces given by name (/run/netns/NAME, as
 * "ip netns" makes them), by process id or by path, and netnsids
 * mapped back to names.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>

#include "vpairctl.h"

#define NETNS_RUN_DIR	"/run/netns"

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/*
 * Opens a network namespace: a path if @spec has a slash, a process id
 * if it is a number, else a name under /run/netns. Prints the error.
 */
int ns_open(const char *spec)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(spec, '/'))
		snprintf(path, sizeof(path), "%s", spec);
	else if (all_digits(spec))
		snprintf(path, sizeof(path), "/proc/%s/ns/net", spec);
	else if (*spec && strcmp(spec, ".") && strcmp(spec, ".."))
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", spec);
	else
		path[0] = '\0';

	fd = path[0] ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0) {
		int e = path[0] ? errno : ENOENT;

		if (e == ENOENT)
			err_msg("network namespace \"%s\" not found (%s)",
				spec, strerror(e));
		else
			err_msg("cannot open network namespace \"%s\" (%s)",
				spec, strerror(e));
		return -1;
	}
	return fd;
}

/* Moves vpairctl into network namespace @spec. */
int ns_enter(const char *spec)
{
	int fd = ns_open(spec);

	if (fd < 0)
		return -1;
	if (setns(fd, CLONE_NEWNET) < 0) {
		err_msg("cannot enter network namespace \"%s\" (%s)", spec,
			strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int nsid_cb(const struct nlmsghdr *nh, void *arg)
{
	struct nlattr *tb[NETNSA_MAX + 1];
	int *nsid = arg;

	if (nh->nlmsg_type != RTM_NEWNSID)
		return 0;
	nl_parse(tb, NETNSA_MAX,
		 (const char *)NLMSG_DATA(nh) + NLMSG_ALIGN(sizeof(struct rtgenmsg)),
		 nh->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct rtgenmsg))));
	if (tb[NETNSA_NSID])
		*nsid = (int)nla_u32(tb[NETNSA_NSID]);
	return 0;
}

/* The netnsid our namespace gives to namespace @fd, or -1. */
static int nsid_of_fd(int nl, int fd)
{
	struct rtgenmsg g = { .rtgen_family = AF_UNSPEC };
	struct nlmsg m;
	int nsid = -1;

	nl_init(&m, RTM_GETNSID, 0, &g, sizeof(g));
	nl_put_u32(&m, NETNSA_FD, fd);
	if (nl_talk(nl, &m, nsid_cb, &nsid) < 0)
		return -1;
	return nsid;
}

/*
 * Finds the name under /run/netns of the namespace our namespace knows
 * as @nsid. Returns 0, or -1 when no named namespace has that id.
 */
int ns_name_of_nsid(int nl, int nsid, char *name, size_t len)
{
	struct dirent *de;
	int ret = -1;
	DIR *dir;

	if (nsid < 0)
		return -1;
	dir = opendir(NETNS_RUN_DIR);
	if (!dir)
		return -1;
	while (ret && (de = readdir(dir))) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = openat(dirfd(dir), de->d_name, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (nsid_of_fd(nl, fd) == nsid) {
			snprintf(name, len, "%s", de->d_name);
			ret = 0;
		}
		close(fd);
	}
	closedir(dir);
	return ret;
}
