/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by pair_xdp_meta.bpf.c, its loader xdp_meta_load.c and
 * pair_xdp_meta.sh (which reads the defines with awk).
 */
#ifndef PAIR_XDP_META_H
#define PAIR_XDP_META_H

/* IPv4 UDP to port XDP_META_PORT + N is recorded in slot N ... */
#define XDP_META_PORT		7100
/* ... and IPv4 of this protocol (no ports: an L3 hash) in slot XDP_META_RAW_SLOT */
#define XDP_META_RAW_PROTO	253
#define XDP_META_RAW_SLOT	7
/* ... and ICMP (from a connected ping socket) in XDP_META_TXHASH_SLOT */
#define XDP_META_TXHASH_PROTO	1
#define XDP_META_TXHASH_SLOT	8
#define XDP_META_SLOTS		9

/* What the kfuncs said about a slot's last frame. */
struct xdp_meta_rec {
	__u64	packets;
	__u64	timestamp;
	__s32	timestamp_err;	/* bpf_xdp_metadata_rx_timestamp() */
	__s32	hash_err;	/* bpf_xdp_metadata_rx_hash() */
	__u32	hash;
	__u32	hash_type;
	__u32	hash_changes;	/* frames whose hash was not the one before */
	__s32	vlan_err;	/* bpf_xdp_metadata_rx_vlan_tag() */
	__u16	vlan_proto;	/* host order */
	__u16	vlan_tci;
};

#endif
