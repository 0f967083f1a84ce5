// SPDX-License-Identifier: GPL-2.0
/*
 * xsk_io: an AF_XDP socket on rx queue 0 of a device, for pair_xsk.sh.
 *
 *   xsk_io OBJ DEV rx COUNT PORT
 *	attaches OBJ's program (pair_xsk.bpf.o) to DEV in native mode, binds
 *	a copy-mode socket and counts the IPv4 UDP frames to PORT it reads,
 *	until COUNT or 10 s of quiet; prints the count, exits 0 at COUNT.
 *   xsk_io OBJ DEV tx COUNT PORT SRCMAC DSTMAC SRCIP DSTIP
 *	sends COUNT UDP datagrams (64 bytes of payload) to DSTIP:PORT
 *	through the socket's tx ring; exits 0 once all are completed.
 *   xsk_io OBJ DEV zerocopy
 *	binds with XDP_ZEROCOPY; prints the errno, exits 0 if the bind
 *	failed with EOPNOTSUPP.
 *
 * The rings are driven by hand (no libxdp): the kernel's uapi and libbpf
 * are all it needs.
 */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "csum.h"

#ifndef SOL_XDP
#define SOL_XDP 283
#endif

#define NFRAMES		64	/* ring size and frames in the umem */
#define FRAME_SIZE	4096
#define PAYLOAD		64

struct ring {
	uint32_t *producer;
	uint32_t *consumer;
	void *desc;
	uint32_t cached;	/* our own index: producer or consumer */
};

struct xsk {
	int fd;
	void *umem;
	struct ring fill, comp, rx, tx;
};

static void die(const char *what)
{
	fprintf(stderr, "xsk_io: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int ring_map(int fd, const struct xdp_ring_offset *off, size_t desc,
		    off_t pgoff, struct ring *r)
{
	void *map = mmap(NULL, off->desc + NFRAMES * desc,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			 fd, pgoff);

	if (map == MAP_FAILED)
		return -1;
	r->producer = map + off->producer;
	r->consumer = map + off->consumer;
	r->desc = map + off->desc;
	return 0;
}

/* A socket with its umem and four rings; bound with @flags, or -errno. */
static int xsk_open(struct xsk *x, const char *dev, uint16_t flags)
{
	struct xdp_umem_reg reg = { .len = NFRAMES * FRAME_SIZE,
				    .chunk_size = FRAME_SIZE };
	struct sockaddr_xdp sxdp = { .sxdp_family = AF_XDP,
				     .sxdp_flags = flags };
	struct xdp_mmap_offsets off;
	socklen_t optlen = sizeof(off);
	int n = NFRAMES;

	x->fd = socket(AF_XDP, SOCK_RAW, 0);
	if (x->fd < 0)
		die("socket(AF_XDP)");
	x->umem = mmap(NULL, reg.len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->umem == MAP_FAILED)
		die("mmap umem");
	reg.addr = (uintptr_t)x->umem;
	if (setsockopt(x->fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)) ||
	    setsockopt(x->fd, SOL_XDP, XDP_UMEM_FILL_RING, &n, sizeof(n)) ||
	    setsockopt(x->fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &n, sizeof(n)) ||
	    setsockopt(x->fd, SOL_XDP, XDP_RX_RING, &n, sizeof(n)) ||
	    setsockopt(x->fd, SOL_XDP, XDP_TX_RING, &n, sizeof(n)))
		die("setsockopt(SOL_XDP)");
	if (getsockopt(x->fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen))
		die("XDP_MMAP_OFFSETS");
	if (ring_map(x->fd, &off.fr, sizeof(uint64_t),
		     XDP_UMEM_PGOFF_FILL_RING, &x->fill) ||
	    ring_map(x->fd, &off.cr, sizeof(uint64_t),
		     XDP_UMEM_PGOFF_COMPLETION_RING, &x->comp) ||
	    ring_map(x->fd, &off.rx, sizeof(struct xdp_desc),
		     XDP_PGOFF_RX_RING, &x->rx) ||
	    ring_map(x->fd, &off.tx, sizeof(struct xdp_desc),
		     XDP_PGOFF_TX_RING, &x->tx))
		die("mmap rings");
	sxdp.sxdp_ifindex = if_nametoindex(dev);
	if (!sxdp.sxdp_ifindex)
		die(dev);
	if (bind(x->fd, (struct sockaddr *)&sxdp, sizeof(sxdp)))
		return -errno;
	return 0;
}

/* Every frame of the umem on the fill ring: the kernel writes into them. */
static void xsk_fill(struct xsk *x)
{
	uint64_t *addr = x->fill.desc;
	int i;

	for (i = 0; i < NFRAMES; i++)
		addr[i] = (uint64_t)i * FRAME_SIZE;
	__atomic_store_n(x->fill.producer, NFRAMES, __ATOMIC_RELEASE);
}

static int is_udp_to(const uint8_t *frame, uint32_t len, uint16_t port)
{
	const struct iphdr *iph = (const void *)(frame + ETH_HLEN);
	const struct ethhdr *eth = (const void *)frame;
	const struct udphdr *udp;

	if (len < ETH_HLEN + sizeof(*iph) + sizeof(*udp) ||
	    eth->h_proto != htons(ETH_P_IP) || iph->protocol != IPPROTO_UDP)
		return 0;
	udp = (const void *)((const uint8_t *)iph + iph->ihl * 4);
	if ((const uint8_t *)(udp + 1) > frame + len)
		return 0;
	return udp->dest == htons(port);
}

static int do_rx(const char *obj_path, const char *dev, int count, int port)
{
	struct bpf_object *obj;
	struct xsk x = { 0 };
	int ifindex, map_fd, prog_fd, got = 0;
	uint32_t key = 0;
	int err;

	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj || bpf_object__load(obj))
		die("loading the program");
	prog_fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "xdp_xsk"));
	map_fd = bpf_object__find_map_fd_by_name(obj, "xsks");
	ifindex = if_nametoindex(dev);
	if (prog_fd < 0 || map_fd < 0 || !ifindex)
		die("the program's parts");
	err = xsk_open(&x, dev, XDP_COPY);
	if (err) {
		errno = -err;
		die("bind(XDP_COPY)");
	}
	xsk_fill(&x);
	if (bpf_map_update_elem(map_fd, &key, &x.fd, 0))
		die("xsks[0]");
	if (bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL))
		die("attaching the program (native)");
	/* ready: pair_xsk.sh starts sending once this line is out */
	fprintf(stderr, "ready\n");

	while (got < count) {
		struct pollfd pfd = { .fd = x.fd, .events = POLLIN };
		struct xdp_desc *d = x.rx.desc;
		uint64_t *fill = x.fill.desc;
		uint32_t prod, fprod;

		if (poll(&pfd, 1, 30000) <= 0)
			break;
		prod = __atomic_load_n(x.rx.producer, __ATOMIC_ACQUIRE);
		fprod = *x.fill.producer;
		for (; x.rx.cached != prod; x.rx.cached++) {
			const struct xdp_desc *e = &d[x.rx.cached % NFRAMES];

			got += is_udp_to((uint8_t *)x.umem + e->addr, e->len,
					 port);
			/* the frame goes back for the next one */
			fill[fprod++ % NFRAMES] = e->addr & ~(uint64_t)(FRAME_SIZE - 1);
		}
		__atomic_store_n(x.rx.consumer, x.rx.cached, __ATOMIC_RELEASE);
		__atomic_store_n(x.fill.producer, fprod, __ATOMIC_RELEASE);
	}
	printf("%d\n", got);
	bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	bpf_object__close(obj);
	return got == count ? 0 : 1;
}

/*
 * An Ethernet + IPv4 + UDP frame to @port into @buf, from argv's SRCMAC
 * DSTMAC SRCIP DSTIP; returns its length.
 */
static uint32_t build_frame(uint8_t *buf, char **argv, int port)
{
	struct ethhdr *eth = (void *)buf;
	struct iphdr *iph = (void *)(eth + 1);
	struct udphdr *udp = (void *)(iph + 1);
	unsigned int m[ETH_ALEN];
	int i;

	if (sscanf(argv[0], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5]) != ETH_ALEN)
		die("SRCMAC");
	for (i = 0; i < ETH_ALEN; i++)
		eth->h_source[i] = m[i];
	if (sscanf(argv[1], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5]) != ETH_ALEN)
		die("DSTMAC");
	for (i = 0; i < ETH_ALEN; i++)
		eth->h_dest[i] = m[i];
	eth->h_proto = htons(ETH_P_IP);
	memset(iph, 0, sizeof(*iph));
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->tot_len = htons(sizeof(*iph) + sizeof(*udp) + PAYLOAD);
	if (inet_pton(AF_INET, argv[2], &iph->saddr) != 1 ||
	    inet_pton(AF_INET, argv[3], &iph->daddr) != 1)
		die("an IPv4 address");
	iph->check = ip_csum(iph, sizeof(*iph));
	udp->source = htons(40000);
	udp->dest = htons(port);
	udp->len = htons(sizeof(*udp) + PAYLOAD);
	udp->check = 0;	/* none, which IPv4 allows */
	memset(udp + 1, 'x', PAYLOAD);
	return ETH_HLEN + sizeof(*iph) + sizeof(*udp) + PAYLOAD;
}

static int do_tx(const char *dev, int count, int port, char **frame_args)
{
	struct timespec end, now;
	struct xsk x = { 0 };
	int sent = 0, done = 0;
	uint32_t len;
	int err;

	err = xsk_open(&x, dev, XDP_COPY);
	if (err) {
		errno = -err;
		die("bind(XDP_COPY)");
	}
	len = build_frame(x.umem, frame_args, port);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += 10;
	while (done < count) {
		struct xdp_desc *d = x.tx.desc;
		uint32_t cons, prod;

		/* one frame of the umem, sent again and again */
		for (; sent < count && sent - done < NFRAMES; sent++) {
			d[x.tx.cached % NFRAMES] = (struct xdp_desc){
				.addr = 0, .len = len };
			x.tx.cached++;
		}
		__atomic_store_n(x.tx.producer, x.tx.cached, __ATOMIC_RELEASE);
		if (sendto(x.fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS)
			die("sendto (the tx kick)");
		prod = __atomic_load_n(x.comp.producer, __ATOMIC_ACQUIRE);
		cons = *x.comp.consumer;
		done += prod - cons;
		__atomic_store_n(x.comp.consumer, prod, __ATOMIC_RELEASE);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec)
			break;
		if (done < count)
			usleep(1000);
	}
	printf("%d\n", done);
	return done == count ? 0 : 1;
}

static int do_zerocopy(const char *dev)
{
	struct xsk x = { 0 };
	int err = xsk_open(&x, dev, XDP_ZEROCOPY);

	printf("%s\n", err ? strerrorname_np(-err) : "0");
	return err == -EOPNOTSUPP ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[3], "rx"))
		return do_rx(argv[1], argv[2], atoi(argv[4]), atoi(argv[5]));
	if (argc == 10 && !strcmp(argv[3], "tx"))
		return do_tx(argv[2], atoi(argv[4]), atoi(argv[5]), argv + 6);
	if (argc == 4 && !strcmp(argv[3], "zerocopy"))
		return do_zerocopy(argv[2]);
	fprintf(stderr,
		"usage: xsk_io OBJ DEV rx COUNT PORT\n"
		"       xsk_io OBJ DEV tx COUNT PORT SRCMAC DSTMAC SRCIP DSTIP\n"
		"       xsk_io OBJ DEV zerocopy\n");
	return 2;
}
