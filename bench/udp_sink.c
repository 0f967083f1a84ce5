// SPDX-License-Identifier: GPL-2.0
/*
 * udp_sink: count the UDP datagrams delivered to FLOWS sockets (ports
 * PORT .. PORT+FLOWS-1, one thread each) and print the delivery rate
 * between the first and the last datagram. It stops when COUNT datagrams
 * arrived in all or when no datagram came for IDLE_MS.
 *
 * usage: udp_sink PORT FLOWS COUNT IDLE_MS CPU READY_FILE
 *	CPU -1 lets the threads run anywhere; READY_FILE is created once
 *	every socket is bound.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "bench.h"

#define BATCH	64
#define MAX_FLOWS 16

struct flow {
	pthread_t thread;
	int fd;
	uint64_t first, last, received;
};

static atomic_ulong total;
static unsigned long want;
static int cpu;

static int bind_udp(int port, int idle)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = idle / 1000,
			      .tv_usec = (idle % 1000) * 1000 };
	int fd, buf = 4 << 20;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	/* FORCE: past rmem_max, as root; a plain SO_RCVBUF is the fallback. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("SO_RCVTIMEO");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind %d", port);
	return fd;
}

static void *sink(void *arg)
{
	struct flow *f = arg;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	int i, n;

	pin_cpu(cpu);
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = malloc(2048);
		if (!iov[i].iov_base)
			die("malloc");
		iov[i].iov_len = 2048;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (atomic_load(&total) < want) {
		n = recvmmsg(f->fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && !f->received && !atomic_load(&total))
				continue;	/* nothing sent yet: keep waiting */
			break;			/* idle after traffic: done */
		}
		if (!f->received)
			f->first = now_ns();
		f->last = now_ns();
		f->received += n;
		atomic_fetch_add(&total, n);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct flow flows[MAX_FLOWS] = {};
	uint64_t first = UINT64_MAX, last = 0, got = 0;
	int port, nflows, idle_ms, i, fd;

	if (argc != 7) {
		fprintf(stderr, "usage: %s PORT FLOWS COUNT IDLE_MS CPU READY_FILE\n",
			argv[0]);
		return 2;
	}
	port = atoi(argv[1]);
	nflows = atoi(argv[2]);
	want = strtoul(argv[3], NULL, 0);
	idle_ms = atoi(argv[4]);
	cpu = atoi(argv[5]);
	if (nflows < 1 || nflows > MAX_FLOWS)
		return 2;
	for (i = 0; i < nflows; i++)
		flows[i].fd = bind_udp(port + i, idle_ms);
	fd = open(argv[6], O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		die("create %s", argv[6]);
	close(fd);
	for (i = 0; i < nflows; i++)
		pthread_create(&flows[i].thread, NULL, sink, &flows[i]);
	for (i = 0; i < nflows; i++) {
		pthread_join(flows[i].thread, NULL);
		if (!flows[i].received)
			continue;
		got += flows[i].received;
		if (flows[i].first < first)
			first = flows[i].first;
		if (flows[i].last > last)
			last = flows[i].last;
	}
	if (got < 2 || last <= first) {
		printf("received=%llu span_ns=0 pps=0\n", (unsigned long long)got);
		return 1;
	}
	printf("received=%llu span_ns=%llu pps=%.0f\n", (unsigned long long)got,
	       (unsigned long long)(last - first),
	       (got - 1) * 1e9 / (last - first));
	return 0;
}
