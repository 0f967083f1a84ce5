// SPDX-License-Identifier: GPL-2.0
/*
 * vpair: batched I/O on the char device (VPAIRSETBATCH). A read or write
 * carries records, each a struct vpair_batch_hdr and then one packet
 * framed exactly as a plain read or write frames it: the per-packet work
 * is the single-packet path's (tun_chr.c), only the records are here.
 */
#include <linux/uio.h>

#include "tun.h"

#define VPAIR_BATCH_HLEN	sizeof(struct vpair_batch_hdr)

/* Bytes of zero padding after a record's @len packet bytes. */
static size_t vpair_tun_batch_pad(u32 len)
{
	return VPAIR_BATCH_RECORD_SIZE(len) - VPAIR_BATCH_HLEN - len;
}

/*
 * One record of a read: its header, the packet (freed), the padding that
 * fits. Returns the bytes written, or an errno from the packet's copy.
 */
static ssize_t vpair_tun_batch_put(struct sk_buff *skb,
				   const struct vpair_tun_framing *framing,
				   struct iov_iter *to)
{
	size_t room = iov_iter_count(to) - VPAIR_BATCH_HLEN;
	size_t total = vpair_tun_chr_framed_len(skb, framing);
	struct vpair_batch_hdr rec = { .len = min(total, room) };
	size_t pad = vpair_tun_batch_pad(rec.len);
	ssize_t ret;

	if (total > room)
		rec.flags = VPAIR_BATCH_F_TRUNC;
	if (copy_to_iter(&rec, sizeof(rec), to) != sizeof(rec)) {
		kfree_skb(skb);
		return -EFAULT;
	}
	ret = vpair_tun_chr_put_one(skb, framing, to);
	if (ret < 0)
		return ret;
	pad = min(pad, iov_iter_count(to));
	if (iov_iter_zero(pad, to) != pad)
		return -EFAULT;
	return VPAIR_BATCH_HLEN + rec.len + pad;
}

/*
 * The first packet as a plain read gets it (waiting unless @noblock,
 * truncated to the buffer); then, without waiting, the queued ones that
 * fit whole, up to @max.
 */
ssize_t vpair_tun_batch_read(struct vpair_tun_file *tfile,
			     struct vpair_tun_dev *tdev, u32 max, bool noblock,
			     struct iov_iter *to)
{
	struct vpair_tun_framing framing;
	size_t room = SIZE_MAX;
	struct sk_buff *skb;
	ssize_t done = 0;
	ssize_t ret;
	int err = 0;
	u32 n;

	if (!iov_iter_count(to))
		return 0;
	if (iov_iter_count(to) < VPAIR_BATCH_HLEN)
		return -EINVAL;

	vpair_tun_framing_get(tdev, &framing);
	for (n = 0; n < max; n++) {
		skb = vpair_tun_chr_recv(tfile, tdev, &framing, noblock, room,
					 &err);
		if (!skb)
			break;
		ret = vpair_tun_batch_put(skb, &framing, to);
		if (ret < 0) {
			err = ret;
			break;
		}
		done += ret;
		if (iov_iter_count(to) < VPAIR_BATCH_HLEN)
			break;
		room = iov_iter_count(to) - VPAIR_BATCH_HLEN;
		noblock = true;
	}
	return done ? done : err;
}

/* Take a record's header off @from; @len is what the buffer has left. */
static int vpair_tun_batch_get_hdr(struct iov_iter *from, size_t len,
				   struct vpair_batch_hdr *rec)
{
	if (len < sizeof(*rec))
		return -EINVAL;
	if (!copy_from_iter_full(rec, sizeof(*rec), from))
		return -EFAULT;
	if (rec->flags || rec->reserved || rec->len > len - sizeof(*rec))
		return -EINVAL;
	return 0;
}

/* Inject one record's packet; @from is left at the next record. */
static ssize_t vpair_tun_batch_get(struct vpair_tun_file *tfile,
				   struct vpair_tun_dev *tdev,
				   const struct vpair_tun_framing *framing,
				   bool noblock, struct iov_iter *from)
{
	size_t left = iov_iter_count(from);
	struct vpair_batch_hdr rec;
	size_t pad;
	int err;

	err = vpair_tun_batch_get_hdr(from, left, &rec);
	if (err)
		return err;
	left -= VPAIR_BATCH_HLEN + rec.len;
	iov_iter_truncate(from, rec.len);
	err = vpair_tun_chr_write_one(tfile, tdev, framing, noblock, from);
	if (err)
		return err;
	iov_iter_reexpand(from, left);
	pad = min(vpair_tun_batch_pad(rec.len), left);
	iov_iter_advance(from, pad);
	return VPAIR_BATCH_HLEN + rec.len + pad;
}

/*
 * Inject records until @max, the end of the buffer or one that cannot
 * be: the bytes of those injected, or the first one's errno. Only the
 * first may wait for send buffer. The packets reach the stack together
 * at the end, as one list.
 */
ssize_t vpair_tun_batch_write(struct vpair_tun_file *tfile,
			      struct vpair_tun_dev *tdev, u32 max,
			      bool noblock, struct iov_iter *from)
{
	struct vpair_tun_framing framing;
	LIST_HEAD(rx_list);
	ssize_t done = 0;
	ssize_t ret = 0;
	u32 n;

	vpair_tun_framing_get(tdev, &framing);
	framing.rx_list = &rx_list;
	for (n = 0; n < max && iov_iter_count(from); n++) {
		ret = vpair_tun_batch_get(tfile, tdev, &framing, noblock, from);
		if (ret < 0)
			break;
		done += ret;
		noblock = true;
	}
	vpair_tun_chr_flush(&framing);
	return done ? done : ret;
}

static int vpair_tun_batch_set(struct vpair_tun_file *tfile,
			       void __user *argp)
{
	struct vpair_batch conf;

	if (copy_from_user(&conf, argp, sizeof(conf)))
		return -EFAULT;
	if (conf.flags || conf.max_packets > VPAIR_BATCH_MAX_PACKETS)
		return -EINVAL;
	WRITE_ONCE(tfile->batch_max, conf.max_packets);
	return 0;
}

/* VPAIRSETBATCH and VPAIRGETBATCH: a setting of the open file. */
long vpair_tun_batch_ioctl(struct vpair_tun_file *tfile, unsigned int cmd,
			   void __user *argp)
{
	struct vpair_batch conf = {
		.max_packets = READ_ONCE(tfile->batch_max),
	};

	if (cmd == VPAIRSETBATCH)
		return vpair_tun_batch_set(tfile, argp);
	return copy_to_user(argp, &conf, sizeof(conf)) ? -EFAULT : 0;
}
