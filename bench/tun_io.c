// SPDX-License-Identifier: GPL-2.0
/*
 * tun_io: per-packet read() and write() rates of a tun-ABI char device
 * (/dev/net/tun or /dev/net/vpair), one thread, 64-byte packets.
 *
 * write: COUNT packets written to a fresh interface NAME; each is an IPv4
 *	UDP datagram for an address that is not local, which the stack drops
 *	right after the route lookup (forwarding is off in the guest). The
 *	interface's rx_packets counter must grow by COUNT.
 * read:  COUNT datagrams are first queued by a UDP socket into the
 *	interface (its txqueuelen raised to hold them all), then timed while
 *	they are read back: the sender is out of the measured window.
 * bwrite, bread: the same, batched (VPAIRSETBATCH, /dev/net/vpair only):
 *	up to BATCH packets per write() or read(), each one a record of
 *	<linux/vpair.h>.
 * xdpdrop: write, on a TAP with the XDP program XDP_OBJ attached in
 *	native mode (ip link ... xdpdrv); the file is non-blocking, as tun
 *	runs native XDP on written frames only then. The interface's
 *	rx_dropped counter must grow by COUNT, rx_packets not at all.
 *
 * usage: tun_io CHARDEV tun|tap OP NAME COUNT CPU [BATCH|XDP_OBJ]
 * prints: pps=<rate> packets=<n> [rx=<rx_packets delta> drop=<rx_dropped delta>]
 */
#include <arpa/inet.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <linux/if_ether.h>
#include <sys/socket.h>
#include <linux/vpair.h>
#include "bench.h"
#include "../selftests/csum.h"

#define PKT_LEN		64
#define LOCAL_IP	"10.77.0.1"
#define PEER_IP		"10.77.0.2"	/* on-link, not local */
#define PEER_MAC	"\x02\x00\x00\x4d\x00\x02"
#define REC_SIZE	VPAIR_BATCH_RECORD_SIZE(PKT_LEN)

static char name[IFNAMSIZ];

static void if_ioctl(unsigned long req, struct ifreq *ifr, const char *what)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr->ifr_name, IFNAMSIZ, "%s", name);
	if (s < 0 || ioctl(s, req, ifr))
		die("%s %s", what, name);
	close(s);
}

static void set_addr(unsigned long req, const char *ip)
{
	struct ifreq ifr = {};
	struct sockaddr_in *sa = (struct sockaddr_in *)&ifr.ifr_addr;

	sa->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sa->sin_addr);
	if_ioctl(req, &ifr, "set address");
}

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		die("write %s", path);
	close(fd);
}

/* Up with LOCAL_IP/24, no IPv6 chatter, a queue that holds QLEN packets. */
static void if_setup(int qlen)
{
	struct ifreq ifr = {};
	char path[128];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 name);
	write_file(path, "1");
	ifr.ifr_qlen = qlen;
	if_ioctl(SIOCSIFTXQLEN, &ifr, "txqueuelen");
	set_addr(SIOCSIFADDR, LOCAL_IP);
	set_addr(SIOCSIFNETMASK, "255.255.255.0");
	memset(&ifr, 0, sizeof(ifr));
	if_ioctl(SIOCGIFFLAGS, &ifr, "get flags");
	ifr.ifr_flags |= IFF_UP;
	if_ioctl(SIOCSIFFLAGS, &ifr, "up");
}

/* TAP: the peer's MAC, so that the kernel sends without resolving it. */
static void add_peer_neigh(void)
{
	struct arpreq ar = {};
	struct sockaddr_in *sa = (struct sockaddr_in *)&ar.arp_pa;
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	sa->sin_family = AF_INET;
	inet_pton(AF_INET, PEER_IP, &sa->sin_addr);
	ar.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(ar.arp_ha.sa_data, PEER_MAC, ETH_ALEN);
	ar.arp_flags = ATF_PERM | ATF_COM;
	snprintf(ar.arp_dev, sizeof(ar.arp_dev), "%s", name);
	if (s < 0 || ioctl(s, SIOCSARP, &ar))
		die("SIOCSARP %s", name);
	close(s);
}

static unsigned long long rx_stat(const char *stat)
{
	char path[128];
	unsigned long long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", name,
		 stat);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%llu", &n) != 1)
		die("read %s", path);
	fclose(f);
	return n;
}

/* A 64-byte packet from the peer to a non-local address, L2 header for TAP. */
static int build_packet(char *pkt, int mode)
{
	struct iphdr *ip;
	struct udphdr *udp;
	int l2 = 0;

	memset(pkt, 0, PKT_LEN);
	if (mode == IFF_TAP) {
		struct ifreq ifr = {};

		if_ioctl(SIOCGIFHWADDR, &ifr, "get MAC");
		memcpy(pkt, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
		memcpy(pkt + ETH_ALEN, PEER_MAC, ETH_ALEN);
		pkt[12] = 0x08;
		l2 = ETH_HLEN;
	}
	ip = (struct iphdr *)(pkt + l2);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(PKT_LEN - l2);
	inet_pton(AF_INET, PEER_IP, &ip->saddr);
	inet_pton(AF_INET, "10.77.0.9", &ip->daddr);
	ip->check = ip_csum(ip, sizeof(*ip));
	udp = (struct udphdr *)(ip + 1);
	udp->source = htons(9);
	udp->dest = htons(9);
	udp->len = htons(PKT_LEN - l2 - sizeof(*ip));
	return PKT_LEN;
}

/* Write COUNT packets, BATCH per call (0: plain writes). */
static void write_packets(int fd, const char *pkt, int len, long count,
			  int batch)
{
	static char buf[VPAIR_BATCH_MAX_PACKETS * REC_SIZE];
	struct vpair_batch_hdr h = { .len = len };
	long i, n;
	ssize_t w;

	if (!batch) {
		for (i = 0; i < count; i++)
			while ((w = write(fd, pkt, len)) != len)
				if (w >= 0 || errno != EAGAIN)
					die("write %ld", i);
		return;
	}
	for (i = 0; i < batch; i++) {
		memcpy(buf + i * REC_SIZE, &h, sizeof(h));
		memcpy(buf + i * REC_SIZE + sizeof(h), pkt, len);
	}
	for (i = 0; i < count; i += w / REC_SIZE) {
		n = count - i < batch ? count - i : batch;
		w = write(fd, buf, n * REC_SIZE);
		if (w < 0 && errno == EAGAIN)
			w = 0;
		else if (w <= 0 || w % REC_SIZE)
			die("batched write at %ld: %zd", i, w);
	}
}

static void bench_write(int fd, int mode, long count, int batch)
{
	unsigned long long rx0, rx1, drop0, drop1;
	char pkt[PKT_LEN];
	uint64_t t0, t1;
	int len = build_packet(pkt, mode);

	rx0 = rx_stat("rx_packets");
	drop0 = rx_stat("rx_dropped");
	t0 = now_ns();
	write_packets(fd, pkt, len, count, batch);
	t1 = now_ns();
	rx1 = rx_stat("rx_packets");
	drop1 = rx_stat("rx_dropped");
	printf("pps=%.0f packets=%ld rx=%llu drop=%llu\n",
	       count * 1e9 / (t1 - t0), count, rx1 - rx0, drop1 - drop0);
}

/* Queue COUNT datagrams that leave through the interface. */
static void queue_datagrams(int mode, long count)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(9) };
	char payload[PKT_LEN];
	struct mmsghdr msgs[64];
	struct iovec iov = { payload, PKT_LEN - 28 - (mode == IFF_TAP ? ETH_HLEN : 0) };
	int s, buf = 64 << 20, i, n;

	memset(payload, 0x5a, sizeof(payload));
	inet_pton(AF_INET, PEER_IP, &sa.sin_addr);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect %s", PEER_IP);
	if (setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)))
		die("SO_SNDBUFFORCE");
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < 64; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (count > 0) {
		n = sendmmsg(s, msgs, count < 64 ? count : 64, 0);
		if (n <= 0)
			die("sendmmsg");
		count -= n;
	}
	close(s);
}

/* The @len bytes a batched read returned: its 64-byte packets. */
static long batch_packets(const char *buf, ssize_t len)
{
	struct vpair_batch_hdr h;
	ssize_t off = 0;
	long n = 0;

	while (off + (ssize_t)sizeof(h) <= len) {
		memcpy(&h, buf + off, sizeof(h));
		n += h.len == PKT_LEN;
		off += VPAIR_BATCH_RECORD_SIZE(h.len);
	}
	return n;
}

static void bench_read(int fd, int mode, long count, int batch)
{
	static char buf[VPAIR_BATCH_MAX_PACKETS * REC_SIZE + 2048];
	size_t size = batch ? batch * REC_SIZE : 2048;
	uint64_t t0, t1;
	long got = 0;
	ssize_t n;

	if (mode == IFF_TAP)
		add_peer_neigh();
	queue_datagrams(mode, count);
	usleep(50000);	/* let the qdisc hand everything to the device */
	if (fcntl(fd, F_SETFL, O_NONBLOCK))
		die("O_NONBLOCK");
	t0 = now_ns();
	while (got < count) {
		n = read(fd, buf, size);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			die("read");
		got += batch ? batch_packets(buf, n) : n == PKT_LEN;
	}
	t1 = now_ns();
	printf("pps=%.0f packets=%ld\n", got * 1e9 / (t1 - t0), got);
	if (got < count * 99 / 100)
		fprintf(stderr, "tun_io: only %ld of %ld packets queued\n", got,
			count);
}

/* VPAIRSETBATCH: up to @max packets per read() or write() on @fd. */
static void set_batch(int fd, const char *max)
{
	struct vpair_batch b = { .max_packets = atoi(max) };

	if (!b.max_packets || b.max_packets > VPAIR_BATCH_MAX_PACKETS ||
	    ioctl(fd, VPAIRSETBATCH, &b))
		die("VPAIRSETBATCH %s", max);
}

/* Native XDP (ndo_bpf) with the program in @obj, as the selftests do. */
static void xdp_attach(int fd, const char *obj)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "ip -force link set dev %s xdpdrv obj %s sec xdp", name, obj);
	if (system(cmd))
		die("%s", cmd);
	if (fcntl(fd, F_SETFL, O_NONBLOCK))
		die("O_NONBLOCK");
}

int main(int argc, char **argv)
{
	const char *op = argc > 3 ? argv[3] : "";
	int mode, fd, batch = 0;
	long count;

	if (argc < 7 || argc > 8 || (argc == 8) != (!strcmp(op, "bwrite") ||
	    !strcmp(op, "bread") || !strcmp(op, "xdpdrop"))) {
		fprintf(stderr, "usage: %s CHARDEV tun|tap write|read NAME COUNT CPU\n"
			"       %s CHARDEV tun|tap bwrite|bread NAME COUNT CPU BATCH\n"
			"       %s CHARDEV tap xdpdrop NAME COUNT CPU XDP_OBJ\n",
			argv[0], argv[0], argv[0]);
		return 2;
	}
	mode = tun_mode(argv[2]);
	snprintf(name, sizeof(name), "%s", argv[4]);
	count = atol(argv[5]);
	pin_cpu(atoi(argv[6]));
	fd = tun_open(argv[1], name, mode | IFF_NO_PI);
	if_setup(count + 1024);
	if (op[0] == 'b') {
		set_batch(fd, argv[7]);
		batch = atoi(argv[7]);
	}
	if (!strcmp(op, "xdpdrop"))
		xdp_attach(fd, argv[7]);
	if (!strcmp(op, "write") || !strcmp(op, "bwrite") ||
	    !strcmp(op, "xdpdrop"))
		bench_write(fd, mode, count, batch);
	else if (!strcmp(op, "read") || !strcmp(op, "bread"))
		bench_read(fd, mode, count, batch);
	else
		return 2;
	return 0;
}
