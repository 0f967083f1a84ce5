/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vpair: a veth-like pair of netdevs (rtnl kind "vpair") and a
 * tun/tap-compatible character device (/dev/net/vpair).
 *
 * The character device speaks the ABI of <linux/if_tun.h> unchanged;
 * only vpair's own additions are defined here.
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

#endif /* _UAPI_LINUX_VPAIR_H */
