/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the stress and fuzz programs (stress_chardev.c, fuzz.c): the
 * size knob and the slab check.
 *
 * VPAIR_STRESS sets how much work a program does: unset, the small
 * default of make check (seconds under TCG); "full", the figures
 * for the debug kernel's run; a number, that many rounds (or operations).
 *
 * The slab check sums the bytes in use of the skbuff and kmalloc caches
 * (/proc/slabinfo: active objects times object size), after dropping the
 * page cache and shrinking those caches (/sys/kernel/slab/NAME/shrink
 * flushes the per-CPU slabs, whose free objects slabinfo counts as
 * active). What the kernel frees late -- RCU callbacks, netns cleanup
 * work, deferred netdev frees -- is waited for by measuring again until
 * the usage is back under the baseline plus a slack, or a bound passes.
 */
#ifndef STRESS_H
#define STRESS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Slack of the slab check: what an idle guest allocates meanwhile. */
#define SLAB_SLACK_BYTES	(1024L * 1024)
/* How long freeing may lag behind (RCU, netns cleanup), milliseconds. */
#define SLAB_SETTLE_MS		30000

/* Rounds (or operations) to do: @small by default, @full for "full". */
static inline long stress_count(long small, long full)
{
	const char *v = getenv("VPAIR_STRESS");
	char *end;
	long n;

	if (!v || !*v)
		return small;
	if (!strcmp(v, "full"))
		return full;
	n = strtol(v, &end, 0);
	return *end || n <= 0 ? small : n;
}

static inline int slab_tracked(const char *name)
{
	return !strncmp(name, "kmalloc-", 8) || !strncmp(name, "skbuff", 6);
}

static inline void write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return;
	fputs(s, f);
	fclose(f);
}

/* Flush the per-CPU slabs of the tracked caches, drop the page cache. */
static inline void slab_shrink(void)
{
	char path[512];
	struct dirent *d;
	DIR *dir;

	write_str("/proc/sys/vm/drop_caches", "3");
	dir = opendir("/sys/kernel/slab");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (!slab_tracked(d->d_name))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 d->d_name);
		write_str(path, "1");
	}
	closedir(dir);
}

/* Bytes in use in the tracked caches, or -1 without /proc/slabinfo. */
static inline long slab_bytes(void)
{
	unsigned long active, num, size;
	char line[512], name[128];
	long total = 0;
	FILE *f;

	slab_shrink();
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %lu %lu %lu", name, &active, &num,
			   &size) != 4 || !slab_tracked(name))
			continue;
		total += (long)(active * size);
	}
	fclose(f);
	return total;
}

/*
 * Wait until the tracked caches use at most @base + SLAB_SLACK_BYTES:
 * the last usage measured (under the bound if it settled).
 */
static inline long slab_settle(long base)
{
	long now = slab_bytes();
	int waited;

	for (waited = 0; now > base + SLAB_SLACK_BYTES &&
	     waited < SLAB_SETTLE_MS; waited += 250) {
		usleep(250000);
		now = slab_bytes();
	}
	return now;
}

#endif /* STRESS_H */
