// SPDX-License-Identifier: GPL-2.0
/*
 * tun_wire: a wire made of two interfaces of a tun-ABI char device, one in
 * each of two network namespaces, with IFF_VNET_HDR and TSO offloads: what
 * one interface's reader gets (up to 64 KB GSO frames) is written to the
 * other. TCP between the namespaces then measures the device's vnet_hdr
 * path in both directions. Runs until killed.
 *
 * usage: tun_wire CHARDEV tun|tap NAME1 NETNS1 NAME2 NETNS2 READY_FILE
 *	NETNS is a name under /run/netns.
 */
#include <pthread.h>
#include <linux/virtio_net.h>
#include "bench.h"

#define FRAME_MAX (65536 + 64)

struct dir {
	pthread_t thread;
	int from, to;
};

/* Open CHARDEV as NAME inside network namespace NETNS. */
static int open_in_netns(const char *chardev, const char *name,
			 const char *netns, int mode)
{
	unsigned int off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
	char path[256];
	int nsfd, fd;

	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	nsfd = open(path, O_RDONLY);
	if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
		die("setns %s", path);
	close(nsfd);
	fd = tun_open(chardev, name, mode | IFF_NO_PI | IFF_VNET_HDR);
	if (ioctl(fd, TUNSETOFFLOAD, off))
		die("TUNSETOFFLOAD %s", name);
	return fd;
}

static void *forward(void *arg)
{
	struct dir *d = arg;
	char *buf = malloc(FRAME_MAX);
	ssize_t n;

	if (!buf)
		die("malloc");
	for (;;) {
		n = read(d->from, buf, FRAME_MAX);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read");
		/* A frame the other side refuses is lost, as on a wire. */
		if (write(d->to, buf, n) < 0 && errno != EINVAL && errno != EIO)
			die("write");
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct dir d[2];
	int mode, a, b, fd;

	if (argc != 8) {
		fprintf(stderr, "usage: %s CHARDEV tun|tap NAME1 NETNS1 NAME2 NETNS2 READY_FILE\n",
			argv[0]);
		return 2;
	}
	mode = tun_mode(argv[2]);
	a = open_in_netns(argv[1], argv[3], argv[4], mode);
	b = open_in_netns(argv[1], argv[5], argv[6], mode);
	fd = open(argv[7], O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		die("create %s", argv[7]);
	close(fd);
	d[0] = (struct dir){ .from = a, .to = b };
	d[1] = (struct dir){ .from = b, .to = a };
	pthread_create(&d[0].thread, NULL, forward, &d[0]);
	pthread_create(&d[1].thread, NULL, forward, &d[1]);
	pthread_join(d[0].thread, NULL);
	return 0;
}
