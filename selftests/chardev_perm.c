// SPDX-License-Identifier: GPL-2.0
/*
 * Who may create and attach, as with tun: creating an interface needs
 * CAP_NET_ADMIN over the user namespace that owns the network namespace
 * the device was opened in (so root in a new user namespace may create in
 * its own network namespace, but not in the one it came from); attaching
 * to an existing interface needs its owner's uid and its group's gid
 * (whichever of the two is set), else CAP_NET_ADMIN.
 */
#include <sys/wait.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
/* The harness's setjmp in each test wrapper; our bodies keep no state. */
#pragma GCC diagnostic ignored "-Wclobbered"

#include "chardev_util.h"
#include "chardev_cred.h"

#define OWNER_UID	4242
#define GROUP_GID	4343
#define OTHER_ID	4444

CHARDEV_NETNS_FIXTURE(perm);

TEST_F(perm, create_needs_cap_net_admin)
{
	ASSERT_EQ(0, become(OTHER_ID, OTHER_ID, -1));
	EXPECT_EQ(-1, tun_create(self->fd, IFF_TAP | IFF_NO_PI, self->ifname));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(1, netdev_count());	/* lo */
}

/* Root of a new user namespace may create in a netns that it owns. */
TEST_F(perm, userns_root_creates_in_own_netns)
{
	int fd;

	ASSERT_EQ(0, enter_userns(0, CLONE_NEWNET))
		TH_LOG("user namespace: %s", strerror(errno));
	fd = open_chardev(0);
	ASSERT_LE(0, fd) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, tun_create(fd, IFF_TAP | IFF_NO_PI, self->ifname))
		TH_LOG("TUNSETIFF: %s", strerror(errno));
	EXPECT_EQ(2, netdev_count());	/* lo and the tap */
	close(fd);
}

/* ... but not in the netns it was opened in, which it does not own. */
TEST_F(perm, userns_root_not_in_parent_netns)
{
	ASSERT_EQ(0, enter_userns(0, 0))
		TH_LOG("user namespace: %s", strerror(errno));
	EXPECT_EQ(-1, tun_create(self->fd, IFF_TAP | IFF_NO_PI, self->ifname));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(1, netdev_count());
}

/* Attach to a persistent tap owned by @owner/@group as @uid/@gid. */
static int attach_as(const char *name, unsigned int uid, unsigned int gid)
{
	char ifname[IFNAMSIZ];
	int fd, status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		strcpy(ifname, name);
		fd = open_chardev(0);
		if (fd < 0 || become(uid, gid, -1))
			_exit(100);
		_exit(tun_attach(fd, IFF_TAP | IFF_NO_PI, ifname) ? errno : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* A persistent tap with owner @uid and group @gid (-1: none) on @fd. */
static int make_owned(int fd, char *ifname, int uid, int gid)
{
	int one = 1;

	if (tun_create(fd, IFF_TAP | IFF_NO_PI, ifname) ||
	    ioctl(fd, TUNSETPERSIST, one) ||
	    (uid >= 0 && ioctl(fd, TUNSETOWNER, uid)) ||
	    (gid >= 0 && ioctl(fd, TUNSETGROUP, gid)))
		return -1;
	close(fd);
	return 0;
}

/* Like tun: with both set, both must match. */
TEST_F(perm, attach_owner_and_group)
{
	ASSERT_EQ(0, make_owned(self->fd, self->ifname, OWNER_UID, GROUP_GID));
	self->fd = -1;

	EXPECT_EQ(0, attach_as(self->ifname, OWNER_UID, GROUP_GID));
	EXPECT_EQ(EPERM, attach_as(self->ifname, OWNER_UID, OTHER_ID));
	EXPECT_EQ(EPERM, attach_as(self->ifname, OTHER_ID, GROUP_GID));
	EXPECT_EQ(EPERM, attach_as(self->ifname, OTHER_ID, OTHER_ID));
	EXPECT_EQ(0, attach_as(self->ifname, 0, 0));	/* CAP_NET_ADMIN */
	EXPECT_EQ(2, netdev_count());
}

TEST_F(perm, attach_owner_or_group_alone)
{
	char grouped[IFNAMSIZ];

	ASSERT_EQ(0, make_owned(self->fd, self->ifname, OWNER_UID, -1));
	self->fd = -1;
	ASSERT_EQ(0, make_owned(open_chardev(0), grouped, -1, GROUP_GID));

	EXPECT_EQ(0, attach_as(self->ifname, OWNER_UID, OTHER_ID));
	EXPECT_EQ(EPERM, attach_as(self->ifname, OTHER_ID, GROUP_GID));
	EXPECT_EQ(0, attach_as(grouped, OTHER_ID, GROUP_GID));
	EXPECT_EQ(EPERM, attach_as(grouped, GROUP_GID, OTHER_ID));
}

TEST_HARNESS_MAIN
