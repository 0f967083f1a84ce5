// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP metadata kfuncs on every frame of pair_xdp_meta.sh's flows:
 * loaded bound to the device it runs on (BPF_F_XDP_DEV_BOUND_ONLY, by
 * xdp_meta_load), it records what the timestamp, hash and VLAN tag
 * kfuncs returned in the slot of the frame's flow (pair_xdp_meta.h) and
 * passes every frame.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "pair_xdp_meta.h"

/* The kernel's (include/net/xdp.h); the kfunc's BTF wants an enum here. */
enum xdp_rss_hash_type {
	XDP_RSS_TYPE_NONE = 0,
};

extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx,
					 __u64 *timestamp) __ksym;
extern int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash,
				    enum xdp_rss_hash_type *rss_type) __ksym;
extern int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx,
					__be16 *vlan_proto,
					__u16 *vlan_tci) __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDP_META_SLOTS);
	__type(key, __u32);
	__type(value, struct xdp_meta_rec);
} xdp_meta_recs SEC(".maps");

struct vlan_tag {
	__be16	tci;
	__be16	proto;
};

/* The slot of the frame's flow, or -1; tags left in the frame are skipped. */
static int xdp_meta_slot(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct vlan_tag *tag;
	struct udphdr *udp;
	struct iphdr *iph;
	__be16 proto;
	void *l3;
	int i;

	if ((void *)(eth + 1) > data_end)
		return -1;
	proto = eth->h_proto;
	l3 = eth + 1;
	for (i = 0; i < 2; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD))
			break;
		tag = l3;
		if ((void *)(tag + 1) > data_end)
			return -1;
		proto = tag->proto;
		l3 = tag + 1;
	}
	if (proto != bpf_htons(ETH_P_IP))
		return -1;
	iph = l3;
	if ((void *)(iph + 1) > data_end)
		return -1;
	if (iph->protocol == XDP_META_RAW_PROTO)
		return XDP_META_RAW_SLOT;
	if (iph->protocol == XDP_META_TXHASH_PROTO)
		return XDP_META_TXHASH_SLOT;
	if (iph->protocol != IPPROTO_UDP || iph->ihl != 5)
		return -1;
	udp = (void *)(iph + 1);
	if ((void *)(udp + 1) > data_end)
		return -1;
	i = bpf_ntohs(udp->dest) - XDP_META_PORT;
	if (i < 0 || i >= XDP_META_RAW_SLOT)
		return -1;
	return i;
}

SEC("xdp")
int xdp_meta(struct xdp_md *ctx)
{
	enum xdp_rss_hash_type type = XDP_RSS_TYPE_NONE;
	struct xdp_meta_rec *rec;
	__be16 vlan_proto = 0;
	__u64 timestamp = 0;
	__u16 vlan_tci = 0;
	__u32 hash = 0;
	__u32 slot;
	int n, err;

	n = xdp_meta_slot(ctx);
	if (n < 0)
		return XDP_PASS;
	slot = n;
	rec = bpf_map_lookup_elem(&xdp_meta_recs, &slot);
	if (!rec)
		return XDP_PASS;

	rec->timestamp_err = bpf_xdp_metadata_rx_timestamp(ctx, &timestamp);
	rec->timestamp = timestamp;
	err = bpf_xdp_metadata_rx_hash(ctx, &hash, &type);
	if (rec->packets && hash != rec->hash)
		rec->hash_changes++;
	rec->hash_err = err;
	rec->hash = hash;
	rec->hash_type = type;
	rec->vlan_err = bpf_xdp_metadata_rx_vlan_tag(ctx, &vlan_proto,
						     &vlan_tci);
	rec->vlan_proto = bpf_ntohs(vlan_proto);
	rec->vlan_tci = vlan_tci;
	rec->packets++;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
