/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who a test runs as, for the selftests that try paths as other users
 * (chardev_perm, chardev_napi, priv_matrix): dropping to a uid and gid,
 * and entering a new user namespace whose root is a given uid outside.
 */
#ifndef CHARDEV_CRED_H
#define CHARDEV_CRED_H

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

/*
 * Drop to @uid/@gid with @group as the only supplementary group (-1:
 * none) and no capabilities; stay dumpable, so that /proc/self stays ours.
 */
static inline int become(unsigned int uid, unsigned int gid, int group)
{
	gid_t g = (gid_t)group;

	if (setgroups(group < 0 ? 0 : 1, &g) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		return -1;
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

static inline int cred_write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * A new user namespace (and the namespaces of @flags) whose root is @id
 * outside, the caller's uid and gid: root with @id 0 keeps its rights
 * over files; anyone else gets those of its own uid.
 */
static inline int enter_userns(unsigned int id, int flags)
{
	char map[32];

	if (unshare(CLONE_NEWUSER | flags))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1", id);
	if (cred_write_file("/proc/self/setgroups", "deny") ||
	    cred_write_file("/proc/self/uid_map", map) ||
	    cred_write_file("/proc/self/gid_map", map))
		return -1;
	return 0;
}

#endif /* CHARDEV_CRED_H */
