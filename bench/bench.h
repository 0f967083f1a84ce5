/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the benchmark programs: guest clock, CPU pinning,
 * fatal errors and the char-device setup that tun and /dev/net/vpair
 * share. Every program prints its result as "key=value" words on one
 * line so that the shell side needs no parser.
 */
#ifndef VPAIR_BENCH_H
#define VPAIR_BENCH_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>

static inline void die(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	exit(1);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* cpu < 0 leaves the thread where the scheduler puts it. */
static inline void pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity %d", cpu);
}

/* Open CHARDEV (tun's ABI) and attach to interface NAME with FLAGS. */
static inline int tun_open(const char *chardev, const char *name, int flags)
{
	struct ifreq ifr;
	int fd;

	fd = open(chardev, O_RDWR);
	if (fd < 0)
		die("open %s", chardev);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = flags;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr))
		die("TUNSETIFF %s on %s", name, chardev);
	return fd;
}

/* "tun" or "tap" to IFF_TUN or IFF_TAP. */
static inline int tun_mode(const char *mode)
{
	if (!strcmp(mode, "tun"))
		return IFF_TUN;
	if (!strcmp(mode, "tap"))
		return IFF_TAP;
	errno = EINVAL;
	die("mode %s (tun or tap)", mode);
	return 0;
}

#endif /* VPAIR_BENCH_H */
