// SPDX-License-Identifier: GPL-2.0
/*
 * vpairctl: batched I/O on /dev/net/vpair (VPAIRSETBATCH): several packets
 * per read() or write(), each a record of <linux/vpair.h>.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/vpair.h>

#include "vpairctl.h"

/* Turn batched I/O on @fd on, @max packets per call at most (0: off). */
int batch_set(int fd, uint32_t max)
{
	struct vpair_batch b = { .max_packets = max };

	return ioctl(fd, VPAIRSETBATCH, &b);
}

/* The number of records in the @len bytes a batched read returned. */
unsigned long batch_count(const unsigned char *buf, size_t len)
{
	struct vpair_batch_hdr h;
	unsigned long n = 0;
	size_t off = 0;

	while (off + sizeof(h) <= len) {
		memcpy(&h, buf + off, sizeof(h));
		off += VPAIR_BATCH_RECORD_SIZE(h.len);
		n++;
	}
	return n;
}

/*
 * Write the @len bytes of records in @buf to @fd, again from where a
 * short write stopped. A record the kernel refuses fails it (-1 with
 * errno), or with @refused is skipped and counted there.
 */
int batch_write_all(int fd, const unsigned char *buf, size_t len,
		    unsigned long *refused)
{
	struct vpair_batch_hdr h;
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && refused && errno != EAGAIN) {
			memcpy(&h, buf + off, sizeof(h));
			off += VPAIR_BATCH_RECORD_SIZE(h.len);
			(*refused)++;
			continue;
		}
		if (n <= 0)
			return -1;
		off += n;
	}
	return 0;
}

/* Append a record of @pkt to the @*len bytes in @buf; false: no room. */
bool batch_add(unsigned char *buf, size_t cap, size_t *len,
	       const unsigned char *pkt, size_t pkt_len)
{
	struct vpair_batch_hdr h = { .len = (uint32_t)pkt_len };
	size_t size = VPAIR_BATCH_RECORD_SIZE(pkt_len);

	if (*len + size > cap)
		return false;
	memset(buf + *len, 0, size);
	memcpy(buf + *len, &h, sizeof(h));
	memcpy(buf + *len + sizeof(h), pkt, pkt_len);
	*len += size;
	return true;
}
