#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The XDP metadata kfuncs of an end (xdp_metadata_ops): a program bound
# to the receiving end (BPF_F_XDP_DEV_BOUND_ONLY and prog_ifindex;
# pair_xdp_meta.bpf.c, loaded by xdp_meta_load) records what
# bpf_xdp_metadata_rx_timestamp(), _rx_hash() and _rx_vlan_tag() return
# for what the peer sends: plain UDP; UDP through a VLAN device on the
# sending end, its tag offloaded (802.1Q with a priority, 802.1ad) or
# left in the frame (tx-vlan-offload off); IP without ports, from a raw
# socket and from a connected ping socket (its txhash); frames a
# veth's program redirects into the sending end. The records are read
# from the program's map, pinned on a private bpffs.
#
# The same subtests run against veth on the same kernel, where veth has
# the kfuncs. They differ in:
#  - the timestamp: without a hardware timestamp vpair says -ENODATA,
#    as the kfunc's documentation says; veth says 0 with a zero one;
#  - the hash type: vpair names the L3 and L4 protocols (IPv4 and UDP,
#    behind a tag left in the frame too; IPv4 alone without ports), veth
#    only whether the hash covers ports (L4_ANY or NONE), and behind a
#    tag left in the frame it finds no ports (NONE);
#  - redirected frames: vpair makes them skbs before its program sees
#    them and they have a hash; veth's program sees bare frames and every
#    kfunc says -ENODATA.
# The whole test is skipped on kernels without the VLAN tag kfunc (6.8).

set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

ktap_print_header
require_root
require_module vpair
require_module veth
require_cmd python3 ethtool
LOADER=$SELFTESTS_DIR/xdp_meta_load
OBJ=$SELFTESTS_DIR/pair_xdp_meta.bpf.o
require_built xdp_meta_load pair_xdp_meta.bpf.o xdp_redirect.bpf.o
[ -r /sys/kernel/btf/vmlinux ] || exit_skip "the kernel has no BTF"
grep -qa bpf_xdp_metadata_rx_vlan_tag /sys/kernel/btf/vmlinux ||
	exit_skip "this kernel has no XDP metadata kfunc for the VLAN tag (6.8)"
ktap_set_plan 16

# pair_xdp_meta.h's and xdp_act.h's numbers
hdr() { awk -v n="$1" '$1 == "#define" && $2 == n { print $3 }' "$SELFTESTS_DIR/$2"; }
PORT=$(hdr XDP_META_PORT pair_xdp_meta.h)
RAW_PROTO=$(hdr XDP_META_RAW_PROTO pair_xdp_meta.h)
RAW_SLOT=$(hdr XDP_META_RAW_SLOT pair_xdp_meta.h)
TXHASH_SLOT=$(hdr XDP_META_TXHASH_SLOT pair_xdp_meta.h)
REDIRECT_IFINDEX=$(hdr XDP_REDIRECT_IFINDEX xdp_act.h)
QSTATS=$SELFTESTS_DIR/vpair_qstats.py
ENODATA=-61
N=3

# the flows: slot numbers of pair_xdp_meta.bpf.c
S_PLAIN=0
S_CTAG=1
S_STAG=2
S_INBAND=3
S_REDIRECT=4

# what the kfuncs say about a hash (enum xdp_rss_hash_type)
RSS_L3_IPV4=1
RSS_L4_ANY=8
RSS_L4_IPV4_UDP=41

TMPD=$(mktemp -d)
defer rm -rf "$TMPD"


# send_raw NS DST: N IPv4 packets of the protocol without ports
send_raw()
{
	nsx "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, int(sys.argv[2]))
for _ in range(int(sys.argv[3])):
    s.sendto(b"x" * 64, (sys.argv[1], 0))' "$2" "$RAW_PROTO" "$N"
}

# send_ping NS DST: N echo requests from a connected ping socket, whose
# packets carry the socket's random txhash, marked l4_hash
send_ping()
{
	nsx "$1" sysctl -qw net.ipv4.ping_group_range="0 0" &&
		nsx "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
s.connect((sys.argv[1], 0))
for i in range(int(sys.argv[2])):
    s.send(bytes([8, 0, 0, 0, 0, 0, 0, i + 1]) + b"x" * 56)' "$2" "$N"
}

# rec SLOT FIELD: a field of the slot's record (dump in $DUMP)
rec()
{
	awk -v s="$1" -v f="$2" '$1 == "slot" && $2 == s {
		for (i = 3; i < NF; i += 2) if ($i == f) print $(i + 1) }' \
		<<<"$DUMP"
}

# dump_until SLOT: read the records until SLOT holds N frames
slot_full()
{
	DUMP=$(nsx "$NSB" "$LOADER" dump "$PIN") && [ "$(rec "$1" packets)" = "$N" ]
}
dump_until()
{
	busywait 10 slot_full "$1"
	check_err $? "slot $1 saw $(rec "$1" packets) of $N frames"
}

# want SLOT FIELD VALUE
want()
{
	local got

	got=$(rec "$1" "$2")
	[ "$got" = "$3" ]
	check_err $? "slot $1: $2 is '$got', not $3"
}

# want_hash SLOT TYPE: a hash, the same for every frame of the flow
want_hash()
{
	want "$1" hash_err 0
	[ "$(rec "$1" hash)" != 0 ]
	check_err $? "slot $1: a zero hash"
	want "$1" hash_changes 0
	want "$1" hash_type "$2"
}

# want_ts SLOT: no hardware timestamp, as the kind says it
want_ts()
{
	if [ "$KIND" = vpair ]; then
		want "$1" ts_err "$ENODATA"
	else
		want "$1" ts_err 0
		want "$1" ts 0
	fi
}

# run_kind KIND: the subtests on a pair of KIND. va (NSA, ifindex
# REDIRECT_IFINDEX) sends to vb (NSB), whose program records; wx (NSC)
# sends through a veth to wy (NSA), whose xdp_redirect.bpf.o sends every
# frame into va.
run_kind()
{
	local n=8 t_l4=$RSS_L4_ANY t_l3=0 feat vbmac

	KIND=$1
	[ "$KIND" = vpair ] && t_l4=$RSS_L4_IPV4_UDP && t_l3=$RSS_L3_IPV4
	setup_ns NSA NSB NSC || exit_skip "cannot create network namespaces"
	for ns in "$NSA" "$NSB" "$NSC"; do
		ns_disable_ipv6 "$ns"
	done
	PIN=$TMPD/bpf-$KIND
	if ! mkdir "$PIN" || ! mount -t bpf bpf "$PIN"; then
		ktap_exit_fail_msg "cannot mount a bpffs"
	fi
	defer umount "$PIN"

	NS=$NSA nl add va --kind "$KIND" --index "$REDIRECT_IFINDEX" \
		--peer vb --peer-netns "/run/netns/$NSB" ||
		ktap_exit_fail_msg "cannot create the $KIND pair"
	vbmac=$(mac_of "$NSB" vb)
	if ! ns_addr_up "$NSA" va 10.31.0.1/24 ||
	   ! ip -n "$NSA" neigh replace 10.31.0.2 dev va lladdr "$vbmac" ||
	   ! ns_addr_up "$NSB" vb 10.31.0.2/24; then
		ktap_exit_fail_msg "cannot set up the $KIND pair"
	fi

	# 1: the end advertises the kfuncs, a program bound to it attaches
	feat=$(nsx "$NSB" python3 "$QSTATS" "$(ns_sysfs "$NSB" vb ifindex)" xdp-meta)
	if [ "$KIND" = veth ] && [ "$feat" != 7 ]; then
		for ((; n > 0; n--)); do
			ktap_test_skip "veth: no VLAN tag kfunc (xdp-rx-metadata-features '$feat')"
		done
		return
	fi
	[ "$feat" = 7 ]
	check_err $? "xdp-rx-metadata-features '$feat', not timestamp, hash and vlan-tag (7)"
	run_cmd nsx "$NSB" "$LOADER" attach "$OBJ" vb "$PIN"
	check_err $? "loading a program bound to vb and attaching it"
	ip -n "$NSB" -d link show dev vb | grep -q "prog/xdp"
	check_err $? "no program attached to vb"
	log_test "$KIND: the end has the metadata kfuncs, a program bound to it attaches"

	# 2: plain UDP
	send_datagrams "$NSA" 10.31.0.2 $((PORT + S_PLAIN)) "$N"
	dump_until $S_PLAIN
	want_hash $S_PLAIN "$t_l4"
	want $S_PLAIN vlan_err "$ENODATA"
	want_ts $S_PLAIN
	log_test "$KIND: UDP has a hash over its ports (type $t_l4), no VLAN tag, no timestamp"

	# 3: 802.1Q offloaded, priority 3 from the egress map
	ip -n "$NSA" link add link va name va.10 type vlan id 10 \
		egress-qos-map 0:3 &&
		ns_addr_up "$NSA" va.10 10.31.10.1/24 &&
		ip -n "$NSA" neigh replace 10.31.10.2 dev va.10 lladdr "$vbmac"
	check_err $? "cannot set up va.10"
	send_datagrams "$NSA" 10.31.10.2 $((PORT + S_CTAG)) "$N"
	dump_until $S_CTAG
	want $S_CTAG vlan_err 0
	want $S_CTAG vlan_proto $((0x8100))
	want $S_CTAG vlan_tci $(((3 << 13) | 10))
	want_hash $S_CTAG "$t_l4"
	want_ts $S_CTAG
	log_test "$KIND: an offloaded 802.1Q tag is the frame's VLAN tag, priority included"

	# 4: 802.1ad offloaded
	ip -n "$NSA" link add link va name va.20 type vlan proto 802.1ad id 20 &&
		ns_addr_up "$NSA" va.20 10.31.20.1/24 &&
		ip -n "$NSA" neigh replace 10.31.20.2 dev va.20 lladdr "$vbmac"
	check_err $? "cannot set up va.20"
	send_datagrams "$NSA" 10.31.20.2 $((PORT + S_STAG)) "$N"
	dump_until $S_STAG
	want $S_STAG vlan_err 0
	want $S_STAG vlan_proto $((0x88a8))
	want $S_STAG vlan_tci 20
	want_hash $S_STAG "$t_l4"
	log_test "$KIND: an offloaded 802.1ad tag is the frame's VLAN tag"

	# 5: a tag the sender left in the frame is none of the kfunc's
	nsx "$NSA" ethtool -K va txvlan off >/dev/null &&
		ip -n "$NSA" link add link va name va.30 type vlan id 30 &&
		ns_addr_up "$NSA" va.30 10.31.30.1/24 &&
		ip -n "$NSA" neigh replace 10.31.30.2 dev va.30 lladdr "$vbmac"
	check_err $? "cannot set up va.30 without tx-vlan-offload"
	send_datagrams "$NSA" 10.31.30.2 $((PORT + S_INBAND)) "$N"
	dump_until $S_INBAND
	want $S_INBAND vlan_err "$ENODATA"
	if [ "$KIND" = vpair ]; then
		want_hash $S_INBAND "$t_l4"
	else
		# veth dissects a tag in the frame from where the sender's
		# stack left the network header, at the IP header behind it:
		# no ports, no L3 header found
		want $S_INBAND hash_err 0
		want $S_INBAND hash_type 0
	fi
	log_test "$KIND: a tag left in the frame is no VLAN tag (-ENODATA), the hash covers what it carries"

	# 6: no ports: a hash of the addresses
	send_raw "$NSA" 10.31.0.2
	dump_until "$RAW_SLOT"
	want_hash "$RAW_SLOT" "$t_l3"
	want "$RAW_SLOT" vlan_err "$ENODATA"
	log_test "$KIND: IP without ports has a hash of the addresses (type $t_l3)"

	# 7: no ports, from a connected socket: the txhash it carries is
	# marked l4_hash but covers no ports (veth says L4_ANY)
	send_ping "$NSA" 10.31.0.2
	dump_until "$TXHASH_SLOT"
	if [ "$KIND" = vpair ]; then
		want_hash "$TXHASH_SLOT" "$t_l3"
	else
		want_hash "$TXHASH_SLOT" "$RSS_L4_ANY"
	fi
	log_test "$KIND: IP without ports from a connected socket has no L4 hash type"

	# 8: frames redirected into va by a veth's program
	ip -n "$NSC" link add wx type veth peer name wy netns "$NSA" &&
		ns_addr_up "$NSC" wx 10.31.40.1/24 &&
		ip -n "$NSC" neigh replace 10.31.40.2 dev wx lladdr "$vbmac" &&
		ip -n "$NSA" link set wy up &&
		ip -n "$NSA" -force link set dev wy xdpdrv \
			obj "$SELFTESTS_DIR/xdp_redirect.bpf.o" sec xdp
	check_err $? "cannot set up the redirecting veth"
	send_datagrams "$NSC" 10.31.40.2 $((PORT + S_REDIRECT)) "$N"
	dump_until $S_REDIRECT
	if [ "$KIND" = vpair ]; then
		want_hash $S_REDIRECT "$t_l4"
		want $S_REDIRECT ts_err "$ENODATA"
	else
		want $S_REDIRECT hash_err "$ENODATA"
		want $S_REDIRECT ts_err "$ENODATA"
	fi
	want $S_REDIRECT vlan_err "$ENODATA"
	log_test "$KIND: frames redirected into the sending end$([ "$KIND" = vpair ] &&
		echo " have a hash (type $t_l4)" || echo ": every kfunc says -ENODATA")"

	cleanup_ns "$NSA" "$NSB" "$NSC"
}

run_kind vpair
run_kind veth
ktap_finished
