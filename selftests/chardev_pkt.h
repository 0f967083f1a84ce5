/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet sockets for the tests that watch what a written frame became on
 * its way into the stack (chardev_napi, chardev_xdp) or that send through
 * an interface (chardev_ioctl). Include after chardev_util.h.
 */
#ifndef CHARDEV_PKT_H
#define CHARDEV_PKT_H

#include <poll.h>
#include <netpacket/packet.h>

/* A packet socket receiving every frame that arrives on @ifname. */
static inline int packet_socket(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
	};
	int sk;

	sll.sll_ifindex = (int)if_nametoindex(ifname);
	sk = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (sk < 0)
		return -1;
	if (bind(sk, (struct sockaddr *)&sll, sizeof(sll))) {
		close(sk);
		return -1;
	}
	return sk;
}

/*
 * The next frame that arrived on the packet socket @sk with ethertype
 * @proto, within CHARDEV_WAIT_MS: its length, 0 on timeout, -1 on error.
 */
static inline ssize_t recv_frame(int sk, unsigned short proto,
				 unsigned char *buf, size_t size)
{
	struct timespec start;
	long left;

	clock_gettime(CLOCK_MONOTONIC, &start);
	while ((left = CHARDEV_WAIT_MS - ms_since(&start)) > 0) {
		struct pollfd pfd = { .fd = sk, .events = POLLIN };
		struct sockaddr_ll sll;
		socklen_t sll_len = sizeof(sll);
		ssize_t n;

		if (poll(&pfd, 1, (int)left) <= 0)
			return 0;
		n = recvfrom(sk, buf, size, MSG_TRUNC,
			     (struct sockaddr *)&sll, &sll_len);
		if (n < 0)
			return -1;
		if (sll.sll_pkttype != PACKET_OUTGOING &&
		    sll.sll_protocol == htons(proto))
			return n;
	}
	return 0;
}

/* MAC address of @ifname. */
static inline int if_mac(const char *ifname, unsigned char *mac)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (if_ioctl(ifname, SIOCGIFHWADDR, &ifr))
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

#endif /* CHARDEV_PKT_H */
