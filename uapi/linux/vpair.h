/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vpair: a veth-like pair of netdevs (rtnl kind "vpair") and a
 * tun/tap-compatible character device (/dev/net/vpair).
 *
 * The character device speaks the ABI of <linux/if_tun.h> unchanged;
 * only vpair's own additions are defined here. Where the kernel has GSO
 * over UDP tunnels (6.17 on), so does the device, as tun: with a vnet
 * header of at least sizeof(struct virtio_net_hdr_v1_hash_tunnel)
 * (<linux/virtio_net.h>) that structure is the header, and
 * TUN_F_UDP_TUNNEL_GSO(_CSUM) are TUNSETOFFLOAD bits; before, the bits
 * are refused with EINVAL. Every byte of the vnet header a read returns
 * is written (zeros past the fields that apply).
 */
#ifndef _UAPI_LINUX_VPAIR_H
#define _UAPI_LINUX_VPAIR_H

#include <linux/types.h>
#include <linux/if_tun.h>

/* rtnl link kinds */
#define VPAIR_KIND		"vpair"	/* the pair */
#define VPAIR_TUN_KIND		"vtun"	/* the char device's interfaces (TUNSETIFF, RTM_NEWLINK) */

/* Default name templates */
#define VPAIR_IFNAME_TEMPLATE	"vpair%d"
#define VPAIR_TUN_TEMPLATE	"vtun%d"
#define VPAIR_TAP_TEMPLATE	"vtap%d"

/* Path of the character device, relative to /dev */
#define VPAIR_DEVNAME		"net/vpair"

/*
 * IFLA_INFO_DATA of kind "vtun" is tun's IFLA_TUN_* (<linux/if_link.h>),
 * dumped for every interface. Unlike tun, RTM_NEWLINK takes IFLA_TUN_TYPE
 * (required), OWNER, GROUP, PI, VNET_HDR, MULTI_QUEUE and PERSIST (1, the
 * default) and creates a persistent interface with no queue for TUNSETIFF
 * to attach to; NUM_QUEUES and NUM_DISABLED_QUEUES are read-only. See
 * vpair(4).
 */

/*
 * IFLA_INFO_DATA attributes of kind "vpair".
 *
 * VPAIR_INFO_PEER: nested; a struct ifinfomsg followed by the peer's own
 *	IFLA_* attributes -- the exact layout of VETH_INFO_PEER, so a client
 *	that creates a veth creates a vpair by changing only the kind.
 *	Accepted on creation only; never dumped.
 * VPAIR_INFO_MODE: u32, enum vpair_mode. Set at creation, immutable.
 * VPAIR_INFO_PEER_IFINDEX: u32, read-only: the peer's ifindex (dump only).
 */
enum {
	VPAIR_INFO_UNSPEC,
	VPAIR_INFO_PEER,
	VPAIR_INFO_MODE,
	VPAIR_INFO_PEER_IFINDEX,
	__VPAIR_INFO_MAX
};

#define VPAIR_INFO_MAX (__VPAIR_INFO_MAX - 1)

/*
 * VPAIR_MODE_L2: Ethernet devices (default), like veth.
 * VPAIR_MODE_L3: no MAC addresses (frames keep an all-zero Ethernet
 *	header), IFF_NOARP, IPv4/IPv6 only: anything else is dropped and
 *	counted; setting a MAC fails with EOPNOTSUPP. Like netkit's l3 mode.
 */
enum vpair_mode {
	VPAIR_MODE_L2,
	VPAIR_MODE_L3,
	__VPAIR_MODE_MAX
};

#define VPAIR_MODE_MAX (__VPAIR_MODE_MAX - 1)

/*
 * Batched I/O on /dev/net/vpair: several packets per read() or write().
 *
 * Off on every open file, so that tun's clients never see it. VPAIRSETBATCH
 * with max_packets > 0 turns it on for that open file (whatever interface
 * it is or gets attached to), with max_packets 0 off again: plain tun I/O,
 * one packet per call. VPAIRGETBATCH reads the setting back. Both take a
 * struct vpair_batch; flags must be 0, max_packets at most
 * VPAIR_BATCH_MAX_PACKETS, else EINVAL. Fixed-size fields: 32-bit programs
 * use the same numbers and layout.
 *
 * When on, the data of a read() or write() -- a plain buffer, readv/writev
 * vectors or io_uring read/write -- is a sequence of records, each a
 * struct vpair_batch_hdr followed by @len bytes that are exactly what a
 * plain read or write carries for one packet: its struct tun_pi unless
 * IFF_NO_PI, its virtio_net_hdr (TUNSETVNETHDRSZ bytes) if IFF_VNET_HDR,
 * then the frame (Ethernet on a TAP, IP on a TUN). The next record starts
 * at the next multiple of VPAIR_BATCH_ALIGN: VPAIR_BATCH_RECORD_SIZE(len)
 * bytes after the start of this one. The padding after the last record of
 * a write may be left out.
 *
 * read() returns at least one packet and then as many queued ones as fit
 * in the buffer, at most max_packets; it never waits for a second packet.
 * Blocking and non-blocking mode, and the errors, are those of a plain
 * read for the first packet: EAGAIN only when there is no packet at all.
 * A packet that does not fit in what is left of the buffer stays queued
 * for the next read, except the first: like a plain read with a short
 * buffer, it is truncated to the buffer (VPAIR_BATCH_F_TRUNC in its
 * header's flags, TUN_PKT_STRIP in its tun_pi) and the rest of it is lost.
 * A buffer shorter than a record header fails with EINVAL, taking nothing;
 * an empty one reads 0 bytes. The padding after each record is zeroed, as
 * far as the buffer goes. The return value is the number of bytes written
 * to the buffer; flags and reserved of each header are 0 unless stated
 * above.
 *
 * write() injects the records in order, at most max_packets, each exactly
 * as a plain write of its @len bytes would: the same checks, errors,
 * drops and counters. It blocks (unless non-blocking) only for the send
 * buffer of the first packet. It stops at the first record it cannot
 * inject -- a header with flags or reserved not 0, a header or @len past
 * the end of the buffer (EINVAL); a packet a plain write refuses (its
 * errno); a full send buffer (EAGAIN) -- and returns the bytes of the
 * records injected before it, including their padding. A record is
 * injected whole or not at all, and those after the one it stopped at are
 * not looked at. If it stops at the first record, write() fails with that
 * record's errno. An empty write returns 0.
 */
struct vpair_batch {
	__u32	max_packets;	/* 0: off; else packets per call at most */
	__u32	flags;		/* none defined yet: 0 */
};

#define VPAIR_BATCH_MAX_PACKETS	1024

#define VPAIRSETBATCH	_IOW('T', 0xf0, struct vpair_batch)
#define VPAIRGETBATCH	_IOR('T', 0xf1, struct vpair_batch)

/* The header of each record of a batch. */
struct vpair_batch_hdr {
	__u32	len;		/* bytes of the packet after this header */
	__u16	flags;		/* VPAIR_BATCH_F_*; 0 on write */
	__u16	reserved;	/* 0 */
};

/* read: the packet did not fit in the buffer and was cut to @len */
#define VPAIR_BATCH_F_TRUNC	0x0001

#define VPAIR_BATCH_ALIGN	8
#define VPAIR_BATCH_RECORD_SIZE(len) \
	((sizeof(struct vpair_batch_hdr) + (len) + VPAIR_BATCH_ALIGN - 1) & \
	 ~(__u64)(VPAIR_BATCH_ALIGN - 1))

#endif /* _UAPI_LINUX_VPAIR_H */
