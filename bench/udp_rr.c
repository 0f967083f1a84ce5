// SPDX-License-Identifier: GPL-2.0
/*
 * udp_rr: UDP request/response latency. The server answers every
 * datagram with itself; the client sends COUNT requests one at a time and
 * prints the median and 99th percentile of the round trips.
 *
 * usage: udp_rr server PORT CPU
 *	  udp_rr client ADDR PORT COUNT CPU
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "bench.h"

#define REQ_LEN 32	/* 32 + 28 (IP, UDP) + 14 = a 74-byte frame */

static void serve(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	struct sockaddr_in from;
	socklen_t len;
	char buf[2048];
	ssize_t n;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("server bind %d", port);
	for (;;) {
		len = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("recvfrom");
		sendto(fd, buf, n, 0, (struct sockaddr *)&from, len);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One round trip in ns; 0 if the answer did not come (lost). */
static uint64_t round_trip(int fd, uint32_t seq)
{
	char req[REQ_LEN] = {}, rsp[2048];
	uint64_t t0 = now_ns();
	ssize_t n;

	memcpy(req, &seq, sizeof(seq));
	if (send(fd, req, sizeof(req), 0) != sizeof(req))
		die("send");
	for (;;) {
		n = recv(fd, rsp, sizeof(rsp), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 0;
		if (n == sizeof(req) && !memcmp(rsp, &seq, sizeof(seq)))
			return now_ns() - t0;
	}
}

static int client(const char *addr, int port, int count)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 1 };
	uint64_t *lat, t;
	int fd, i, done = 0, lost = 0;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		die("address %s", addr);
	lat = calloc(count, sizeof(*lat));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (!lat || fd < 0)
		die("client setup");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect %s:%d", addr, port);
	for (i = 0; done < count && lost < 100; i++) {
		t = round_trip(fd, i);
		if (t)
			lat[done++] = t;
		else
			lost++;
	}
	if (done < count)
		die("%d of %d round trips lost", lost, count);
	qsort(lat, count, sizeof(*lat), cmp_u64);
	printf("p50_us=%.2f p99_us=%.2f lost=%d\n", lat[count / 2] / 1e3,
	       lat[count * 99 / 100] / 1e3, lost);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "server")) {
		pin_cpu(atoi(argv[3]));
		serve(atoi(argv[2]));
	}
	if (argc == 6 && !strcmp(argv[1], "client")) {
		pin_cpu(atoi(argv[5]));
		return client(argv[2], atoi(argv[3]), atoi(argv[4]));
	}
	fprintf(stderr, "usage: %s server PORT CPU | client ADDR PORT COUNT CPU\n",
		argv[0]);
	return 2;
}
