// SPDX-License-Identifier: GPL-2.0
/*
 * tun_wire: a wire made of two interfaces of a tun-ABI char device, one in
 * each of two network namespaces, with IFF_VNET_HDR and TSO offloads: what
 * one interface's reader gets (up to 64 KB GSO frames) is written to the
 * other. TCP between the namespaces then measures the device's vnet_hdr
 * path in both directions. Runs until killed.
 *
 * usage: tun_wire CHARDEV tun|tap NAME1 NETNS1 ADDR1 NAME2 NETNS2 ADDR2 READY_FILE
 *	NETNS is a name under /run/netns; the interface gets the IPv4
 *	address ADDR/24 and is up before READY_FILE is created.
 */
#include <pthread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/virtio_net.h>
#include "bench.h"

#define FRAME_MAX (65536 + 64)

struct dir {
	pthread_t thread;
	int from, to;
};

static void set_inet(int sk, unsigned long req, struct ifreq *ifr,
		     const char *addr)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr->ifr_addr;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		die("address %s", addr);
	if (ioctl(sk, req, ifr))
		die("address %s on %s", addr, ifr->ifr_name);
}

/* Give NAME (in the current namespace) ADDR/24 and bring it up. */
static void iface_up(const char *name, const char *addr)
{
	struct ifreq ifr = {};
	int sk;

	sk = socket(AF_INET, SOCK_DGRAM, 0);
	if (sk < 0)
		die("socket");
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	set_inet(sk, SIOCSIFADDR, &ifr, addr);
	set_inet(sk, SIOCSIFNETMASK, &ifr, "255.255.255.0");
	if (ioctl(sk, SIOCGIFFLAGS, &ifr))
		die("SIOCGIFFLAGS %s", name);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sk, SIOCSIFFLAGS, &ifr))
		die("up %s", name);
	close(sk);
}

/* Open CHARDEV as NAME inside network namespace NETNS, with ADDR/24, up. */
static int open_in_netns(const char *chardev, const char *name,
			 const char *netns, const char *addr, int mode)
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
	iface_up(name, addr);
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

	if (argc != 10) {
		fprintf(stderr, "usage: %s CHARDEV tun|tap NAME1 NETNS1 ADDR1 NAME2 NETNS2 ADDR2 READY_FILE\n",
			argv[0]);
		return 2;
	}
	mode = tun_mode(argv[2]);
	a = open_in_netns(argv[1], argv[3], argv[4], argv[5], mode);
	b = open_in_netns(argv[1], argv[6], argv[7], argv[8], mode);
	fd = open(argv[9], O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		die("create %s", argv[9]);
	close(fd);
	d[0] = (struct dir){ .from = a, .to = b };
	d[1] = (struct dir){ .from = b, .to = a };
	pthread_create(&d[0].thread, NULL, forward, &d[0]);
	pthread_create(&d[1].thread, NULL, forward, &d[1]);
	pthread_join(d[0].thread, NULL);
	return 0;
}
